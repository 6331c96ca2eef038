#!/usr/bin/env bash
# The built policyd on a real file system that fills up: a 24 MiB tmpfs holds the state, 20
# pages are served on 127.0.0.1, the daemon is restarted once (its database then exists before
# it starts, as in every deployment), the disk is filled, every page changes and is checked,
# then the space is freed. The daemon must stay up, say so in `status`, recover by itself,
# announce each change exactly once and leave a store that `policyctl verify` finds whole;
# a start on the full disk must then be refused clearly (exit 70), and the next start, with
# space again, must find everything.
# The unit tests inject the same faults through a RocksDB file system wrapper; this is the
# check that the real binary, the real kernel's ENOSPC and Debian's librocksdb agree (it is
# how two aborts inside RocksDB on a full disk were found: after the space came back, and at
# a start).
#
#   sudo scripts/disk-full-test.sh [BUILD_DIR]
#
# BUILD_DIR (default: build) holds policyd and policyctl. Needs root (mount) and python3 (the
# page server). Takes about 5 seconds; exits 0 when every expectation holds, 1 otherwise, and
# 77 (ctest's "skipped", as test_disk_full_real_file_system) when it cannot mount a tmpfs.
set -uo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "disk-full-test: skipped: needs root (mounts a tmpfs)" >&2
  exit 77
fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
work="$(mktemp -d)"  # under $TMPDIR or /tmp, removed on exit
mnt="$work/mnt"
documents=20
failures=0
server=""
daemon=""

cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2> /dev/null && wait "$daemon" 2> /dev/null
  [ -n "$server" ] && kill "$server" 2> /dev/null
  umount "$mnt" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT

expect() {  # expect DESCRIPTION COMMAND...: one expectation, printed as it is judged
  if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failures=$((failures + 1)); fi
}

page() {  # page N VERSION: a policy page whose text changes with VERSION (random bulk: the
  # blobs do not compress, so the disk fills quickly)
  printf '<html><body><main><h1>Policy %s</h1><p>Version %s: we keep data for %s days.</p><p>%s</p></main></body></html>' \
    "$1" "$2" "$1" "$(head -c 20000 /dev/urandom | base64 -w0)" > "$work/pages/p$1.html"
}

mkdir -p "$work/targets" "$work/run" "$work/pages" "$mnt"
if ! mount -t tmpfs -o size=24m tmpfs "$mnt"; then
  echo "disk-full-test: skipped: cannot mount a tmpfs here" >&2
  exit 77
fi
for i in $(seq 1 $documents); do page "$i" 1; done
# Port 0: the kernel picks a free one, which the server's first line names.
(cd "$work/pages" && exec python3 -u -m http.server 0 --bind 127.0.0.1 > "$work/server.out" 2>&1) &
server=$!
for _ in $(seq 1 100); do
  port=$(sed -n 's/^Serving HTTP on [0-9.]* port \([0-9]*\).*/\1/p' "$work/server.out")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "disk-full-test: the page server did not start" >&2; exit 1; }
for i in $(seq 1 $documents); do
  printf 'name = "P%s"\n[[documents]]\ntype = "Privacy Policy"\nurl = "http://127.0.0.1:%s/p%s.html"\n' \
    "$i" "$port" "$i" > "$work/targets/p$i.toml"
done
cat > "$work/policyd.toml" << TOML
state_dir = "$mnt/state"
control_socket = "$work/run/control.sock"
events_socket = "$work/run/events.sock"
targets_dir = "$work/targets"
default_interval = "1h"
first_check_window = "300ms"
per_host_delay = "0ms"
allow_private_addresses = true
TOML

ctl() { "$build/policyctl" --config "$work/policyd.toml" "$@"; }
verifies() { ctl verify > /dev/null; }
field() {  # field EXPRESSION: a value of `status`, by a Python expression over `s`
  ctl --json status 2> /dev/null | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}
wait_for() {  # wait_for EXPRESSION: until it prints True (30 s at most)
  for _ in $(seq 1 300); do
    [ "$(field "$1" 2> /dev/null)" = "True" ] && return 0
    sleep 0.1
  done
  return 1
}

start() {  # start RUN: the daemon in the background, its log in $work/RUN.log
  "$build/policyd" --config "$work/policyd.toml" > "$work/$1.log" 2>&1 &
  daemon=$!
}
stop() {  # stop RUN: SIGTERM, and a clean exit expected
  kill "$daemon"
  wait "$daemon"
  expect "$1 run: clean stop" test $? -eq 0
  daemon=""
}

start first
expect "first run: every page stored" wait_for "s['last_seq'] == $documents"
stop first

start second
expect "restart: the daemon answers" wait_for "s['last_seq'] == $documents"
dd if=/dev/zero of="$mnt/filler" bs=64k 2> /dev/null
for i in $(seq 1 $documents); do page "$i" 2; done
ctl check --all > /dev/null
expect "disk full: status reports the storage error" wait_for "s['storage_error'] is not None"
expect "disk full: the daemon is running" kill -0 "$daemon"
# Operator commands that write meanwhile: each answers (an error is fine), none kills it.
ctl backup "$mnt/backup" > "$work/backup.out" 2>&1
ctl gc > "$work/gc.out" 2>&1
ctl add --platform Late --type "Privacy Policy" --url "http://127.0.0.1:$port/p1.html" \
  > "$work/add.out" 2>&1
expect "disk full: backup, gc and add leave the daemon running" kill -0 "$daemon"
for command in backup gc add; do echo "  $command: $(head -c 300 "$work/$command.out")"; done
leftovers=$(find "$mnt/state/targets" "$mnt/backup" -type f 2> /dev/null | wc -l)
expect "disk full: the refused add and backup leave no file behind ($leftovers)" \
  test "$leftovers" -eq 0
rm -f "$mnt/filler"
expect "space freed: the store recovers by itself" \
  wait_for "s['storage_error'] is None and s['last_seq'] == 2 * $documents"
expect "space freed: the daemon is running" kill -0 "$daemon"
changed=$(ctl --json events --since 0 | grep -c "\"document.changed\"")
expect "every change announced once ($changed of $documents)" test "$changed" -eq $documents
expect "policyctl verify finds the store whole" verifies
stop second

# A start on a full disk: a clear refusal (EX_SOFTWARE, the reason logged), not an abort.
dd if=/dev/zero of="$mnt/filler" bs=64k 2> /dev/null
timeout 60 "$build/policyd" --config "$work/policyd.toml" > "$work/third.log" 2>&1
started=$?
expect "start on a full disk: exit 70 (got $started)" test "$started" -eq 70
expect "start on a full disk: the log says why" grep -q "No space left on device" "$work/third.log"
rm -f "$mnt/filler"
start fourth
expect "space freed: the next start serves the history" wait_for "s['last_seq'] == 2 * $documents"
stop fourth
grep -E "storage_|Assertion" "$work/second.log" | cut -c1-200
[ "$failures" -eq 0 ] && echo "disk-full-test: passed" && exit 0
echo "disk-full-test: $failures failed; the daemon's log:" >&2
tail -20 "$work/second.log" >&2
exit 1
