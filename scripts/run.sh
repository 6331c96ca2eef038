#!/usr/bin/env bash
# Quick start: install what is missing, build, and run policyd in the foreground on the
# bundled config (config/policyd.toml), with its state under ./state. Ctrl-C stops it.
# In another terminal:  build/policyctl --config config/policyd.toml status
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p state
exec build/policyd --config config/policyd.toml "$@"
