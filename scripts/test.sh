#!/usr/bin/env bash
# Install what is missing, build, and run every test (unit, integration, hostile, crash), then
# a short run of each fuzz target. Extra arguments go to ctest and skip the fuzz runs, e.g.
#   scripts/test.sh -L hostile
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 600 "$@"
if [ "$#" -eq 0 ]; then
  scripts/fuzz.sh 15
fi
