#!/usr/bin/env bash
# Checks policyd.service (as configured from systemd/policyd.service.in for the build's prefix)
# with systemd's own tools: the unit parses and verifies, and its sandbox keeps the exposure
# score systemd computes at or below 1.0 (issue 17 item 7; it was 1.4). Its IP allow list
# keeps what a crawler needs (the public Internet, DNS resolvers on loopback or the LAN) and
# denies link-local (cloud metadata), multicast and reserved. Its ExecReload= line, run against
# the built daemon, returns once the reload is done and fails when the target files do not
# load, so that `systemctl reload policyd` says so instead of succeeding while the daemon
# logs the error.
set -euo pipefail
unit_source="$1"
policyd_binary="$2"
man_dir="$3"  # the build's man pages, which the unit's Documentation= names
policyctl_binary="$4"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# verify looks every man: page of Documentation= up with man(1): the pages just built.
mkdir -p "$work/man/man5" "$work/man/man8"
cp "$man_dir/policyd.8" "$work/man/man8/"
cp "$man_dir/policyd.toml.5" "$work/man/man5/"
export MANPATH="$work/man"
# verify needs the ExecStart binary to exist: point it at the one just built.
grep -q '^ExecStart=/[^ ]*/policyd --config /[^ ]*/policyd/policyd.toml$' "$unit_source"
sed -e "s|^ExecStart=/[^ ]*/policyd |ExecStart=$policyd_binary |" \
    -e "s|^ExecReload=/[^ ]*/policyctl |ExecReload=$policyctl_binary |" \
    "$unit_source" > "$work/policyd.service"
systemd-analyze verify "$work/policyd.service"
grep -q '^Type=notify$' "$work/policyd.service"
grep -q '^WatchdogSec=' "$work/policyd.service"
# A configuration or usage error (78, 64) is not cured by starting again: no restart loop that
# logs the same error every RestartSec.
grep -q '^RestartPreventExitStatus=64 78$' "$work/policyd.service"
# Room for the default worker ceiling (16), libcurl's threaded resolver (a thread per name
# lookup in flight: up to max_concurrency, 64 by default, with Debian's libcurl) and the io,
# NATS and RocksDB threads and PDF converters: at 64 a `check --all` could fail lookups.
tasks_max="$(sed -n 's/^TasksMax=//p' "$work/policyd.service")"
[ "$tasks_max" -ge $((16 + 64 + 32)) ] || { echo "TasksMax=$tasks_max is too small"; exit 1; }
grep -q '^PrivateUsers=yes$' "$work/policyd.service"
grep -q '^PrivateMounts=yes$' "$work/policyd.service"
# Which addresses the unit lets through, as the kernel filter decides: an allow-list entry
# wins, else the deny list (which must be "any").
python3 - "$work/policyd.service" <<'PY'
import ipaddress, sys
deny, allow = [], []
for line in open(sys.argv[1]):
    key, _, value = line.strip().partition("=")
    if key == "IPAddressDeny":
        deny += value.split()
    elif key == "IPAddressAllow":
        allow += [ipaddress.ip_network(entry) for entry in value.split()]
if deny != ["any"]:
    sys.exit(f"IPAddressDeny must be exactly 'any', is {deny}")
def allowed(text):
    address = ipaddress.ip_address(text)
    return any(address.version == net.version and address in net for net in allow)
# Public sites, DNS resolvers on loopback, the LAN, CGNAT (Tailscale) and Azure, NAT64.
must_pass = ["93.184.215.14", "8.8.8.8", "1.1.1.1", "168.63.129.16", "127.0.0.53",
             "127.0.0.1", "10.0.0.2", "172.16.0.1", "192.168.1.1", "100.100.100.100",
             "223.255.255.254", "169.253.1.1", "169.255.0.1", "::1", "2001:4860:4860::8888",
             "2a00:1450::1", "fd00::1", "64:ff9b::808:808"]
# Link-local (cloud metadata), multicast, broadcast, reserved, "this network".
must_block = ["169.254.169.254", "169.254.0.1", "224.0.0.251", "239.255.255.250",
              "240.0.0.1", "255.255.255.255", "0.0.0.0", "0.1.2.3", "fe80::1", "ff02::fb",
              "fec0::1", "::"]
wrong = [a for a in must_pass if not allowed(a)] + [a for a in must_block if allowed(a)]
if wrong:
    sys.exit(f"IP allow list wrong for: {wrong}")
PY
systemd-analyze security --offline=true --threshold=10 "$work/policyd.service" > "$work/report" \
  || { cat "$work/report"; echo "unit exposure above 1.0"; exit 1; }
tail -n 1 "$work/report"

# ExecReload=, as systemd would run it (argv, no shell), against the built daemon on a config
# of its own: the config path of ExecStart= is the one it must read, so it is swapped for it.
config_in_unit="$(sed -n 's|^ExecStart=/[^ ]* --config \([^ ]*\)$|\1|p' "$unit_source")"
mkdir -p "$work/targets" "$work/run"
cat > "$work/policyd.toml" << TOML
state_dir = "$work/state"
control_socket = "$work/run/control.sock"
events_socket = "$work/run/events.sock"
targets_dir = "$work/targets"
default_interval = "24h"
first_check_window = "24h"
TOML
target() {  # target NAME: a target file with one document (never fetched: the window is 24h)
  printf 'name = "%s"\n[[documents]]\ntype = "Privacy Policy"\nurl = "https://%s.example/privacy"\n' \
    "$1" "$1" > "$work/targets/$1.toml"
}
target first
"$policyd_binary" --config "$work/policyd.toml" > "$work/daemon.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2> /dev/null; wait "$daemon" 2> /dev/null; rm -rf "$work"' EXIT
documents() {
  "$policyctl_binary" --config "$work/policyd.toml" --json status 2> /dev/null \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["documents"])' 2> /dev/null
}
for _ in $(seq 1 100); do
  [ "$(documents || true)" = 1 ] && break
  sleep 0.1
done
[ "$(documents)" = 1 ] || { cat "$work/daemon.log"; echo "policyd did not start"; exit 1; }
reload_line="$(sed -n 's/^ExecReload=//p' "$work/policyd.service")"
reload_line="${reload_line//\$MAINPID/$daemon}"
reload_line="${reload_line//$config_in_unit/$work/policyd.toml}"
read -ra reload_argv <<< "$reload_line"
reload() { "${reload_argv[@]}" > "$work/reload.out" 2>&1; }

target second
reload || { cat "$work/reload.out"; echo "ExecReload failed on valid targets"; exit 1; }
[ "$(documents)" = 2 ] || { echo "ExecReload returned before the reload was done"; exit 1; }
echo '[[documents]' > "$work/targets/broken.toml"
if reload; then
  echo "ExecReload succeeded although targets/broken.toml does not parse: $reload_line"
  exit 1
fi
grep -q 'broken.toml' "$work/reload.out" \
  || { cat "$work/reload.out"; echo "ExecReload's error does not name the file"; exit 1; }
kill -0 "$daemon" || { echo "policyd stopped after a failed reload"; exit 1; }
[ "$(documents)" = 2 ] || { echo "a failed reload changed the running targets"; exit 1; }
echo "ExecReload: waits for the reload, fails on broken targets, the daemon keeps running"
