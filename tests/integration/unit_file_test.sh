#!/usr/bin/env bash
# Checks policyd.service (as configured from systemd/policyd.service.in for the build's prefix)
# with systemd's own tools: the unit parses and verifies, and its sandbox keeps the exposure
# score systemd computes at or below 1.0 (issue 17 item 7; it was 1.4). Its IP allow list
# keeps what a crawler needs (the public Internet, DNS resolvers on loopback or the LAN) and
# denies link-local (cloud metadata), multicast and reserved.
set -euo pipefail
unit_source="$1"
policyd_binary="$2"
man_dir="$3"  # the build's man pages, which the unit's Documentation= names
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# verify looks every man: page of Documentation= up with man(1): the pages just built.
mkdir -p "$work/man/man5" "$work/man/man8"
cp "$man_dir/policyd.8" "$work/man/man8/"
cp "$man_dir/policyd.toml.5" "$work/man/man5/"
export MANPATH="$work/man"
# verify needs the ExecStart binary to exist: point it at the one just built.
grep -q '^ExecStart=/[^ ]*/policyd --config /[^ ]*/policyd/policyd.toml$' "$unit_source"
sed "s|^ExecStart=/[^ ]*/policyd |ExecStart=$policyd_binary |" "$unit_source" > "$work/policyd.service"
systemd-analyze verify "$work/policyd.service"
grep -q '^Type=notify$' "$work/policyd.service"
grep -q '^WatchdogSec=' "$work/policyd.service"
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
