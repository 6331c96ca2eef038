#!/usr/bin/env bash
# Checks the browser's units with systemd's own tools: policyd-browser.socket and an instance
# of policyd-browser@.service parse and verify, the socket is reachable by the policyd user only
# and outside policyd's RuntimeDirectory, the service runs as its own dynamic user under a
# memory cap, and its sandbox keeps an exposure systemd rates at most 4.0 (3.6 with
# PrivateMounts; "MEDIUM" is up to 5.0): a browser needs user namespaces for its own sandbox and
# cannot have MemoryDenyWriteExecute, which is why it is not inside policyd.service (whose own
# exposure test asserts at most 1.0).
set -euo pipefail
systemd_dir="$1"     # the source's systemd/
policyd_unit="$2"    # policyd.service as configured for the build's prefix
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$systemd_dir/policyd-browser.socket" "$work/policyd-browser.socket"
# A template cannot be verified by itself: check one instance of it.
cp "$systemd_dir/policyd-browser@.service" "$work/policyd-browser@1.service"
# verify needs the ExecStart binary to exist (chromium may live elsewhere on a build host).
if [ ! -x /usr/lib/chromium/chromium ]; then
  sed -i "s|/usr/lib/chromium/chromium|/bin/true|" "$work/policyd-browser@1.service"
fi
# The socket's service is the template itself, found next to it.
cp "$work/policyd-browser@1.service" "$work/policyd-browser@.service"
systemd-analyze verify "$work/policyd-browser@1.service"
(cd "$work" && SYSTEMD_UNIT_PATH="$work:" systemd-analyze verify policyd-browser.socket)
grep -q '^Accept=yes$' "$work/policyd-browser.socket"
grep -q '^ListenStream=/run/policyd-browser/browser.sock$' "$work/policyd-browser.socket"
grep -q '^SocketMode=0600$' "$work/policyd-browser.socket"
grep -q '^SocketUser=policyd$' "$work/policyd-browser.socket"
grep -q '^DynamicUser=yes$' "$work/policyd-browser@1.service"
grep -q '^MemoryMax=' "$work/policyd-browser@1.service"
grep -q -- '--remote-debugging-pipe' "$work/policyd-browser@1.service"
# Preloading off in the browser's profile (speculation rules would bypass policyd's request
# interception): the command line as systemd hands it to sh (%% and $$ unescaped) writes the
# Preferences file before chromium starts.
exec_line="$(sed -n 's/^ExecStart=//p' "$work/policyd-browser@1.service")"
prefs="$(sed -n "s/^Environment='POLICYD_BROWSER_PREFERENCES=\(.*\)'$/\1/p" "$work/policyd-browser@1.service")"
[ "$prefs" = '{"net":{"network_prediction_options":2}}' ]
script="$(printf '%s' "$exec_line" | sed -e "s|^/bin/sh -c '||" -e "s|'$||" -e 's/%%/%/g' -e 's/\$\$/$/g' \
  -e 's|exec /usr/lib/chromium/chromium.*|exec true|' -e 's|exec /bin/true.*|exec true|')"
mkdir -p "$work/rt"
RUNTIME_DIRECTORY="$work/rt" POLICYD_BROWSER_PREFERENCES="$prefs" /bin/sh -c "$script"
[ "$(cat "$work/rt/profile/Default/Preferences")" = "$prefs" ]
# The daemon's system config points at this socket, and its unit pulls the socket in.
grep -q '^browser_socket = "/run/policyd-browser/browser.sock"$' "$systemd_dir/../config/policyd.system.toml"
grep -q '^Wants=.*policyd-browser.socket' "$policyd_unit"
grep -q '^PrivateMounts=yes$' "$work/policyd-browser@1.service"
systemd-analyze security --offline=true --threshold=40 "$work/policyd-browser@1.service" \
  > "$work/report" || { cat "$work/report"; echo "browser unit exposure above 4.0"; exit 1; }
tail -n 1 "$work/report"
