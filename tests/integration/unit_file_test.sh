#!/usr/bin/env bash
# Checks systemd/policyd.service with systemd's own tools: the unit parses and verifies, and
# its sandbox keeps the exposure score systemd computes at or below 2.0 ("OK").
set -euo pipefail
unit_source="$1"
policyd_binary="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# verify needs the ExecStart binary to exist: point it at the one just built.
sed "s|/usr/bin/policyd|$policyd_binary|" "$unit_source" > "$work/policyd.service"
systemd-analyze verify "$work/policyd.service"
grep -q '^Type=notify$' "$work/policyd.service"
grep -q '^WatchdogSec=' "$work/policyd.service"
systemd-analyze security --offline=true --threshold=20 "$work/policyd.service" > "$work/report" \
  || { cat "$work/report"; echo "unit exposure above 2.0"; exit 1; }
tail -n 1 "$work/report"
