#!/usr/bin/env bash
# The full-pass benchmark (docs/PERFORMANCE.md): builds policyd and the benchmark tool if
# needed, then runs three passes of the real daemon over pages served from loopback and the
# 100k-document scale checks. Prints the report; the JSON goes to --json (default
# <build dir>/bench-pass.json).
#
#   scripts/bench.sh [--docs N] [--corpus DIR] [--inflight K] [--workers W] [--hosts H]
#                    [--scale-docs M] [--json FILE] [--build-dir DIR] [--keep-log]
#
# The build is RelWithDebInfo (the project default) in build/ (as scripts/build.sh) unless --build-dir or
# $POLICYD_BENCH_BUILD_DIR says otherwise. Exits non-zero when the build fails, the daemon
# fails, or the changed pass emits the wrong number of document.changed events.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir="${POLICYD_BENCH_BUILD_DIR:-build}"
args=()
json=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --json) json="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ -n "$json" ]] || json="$build_dir/bench-pass.json"

if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
if ! cmake --build "$build_dir" -j "$(nproc)" --target policyd policyd_bench_pass \
    >"$build_dir/bench-build.log" 2>&1; then
  tail -n 40 "$build_dir/bench-build.log" >&2
  exit 1
fi

exec "$build_dir/tests/bench/pass/policyd_bench_pass" --json "$json" "${args[@]}"
