#!/usr/bin/env bash
# cmake/build_commit.cmake, run at every build, names the checkout's commit for --version: a
# clean checkout by its commit, one with an edited tracked file "-dirty" (a build of local
# changes used to claim the clean commit until CMake reconfigured), no git "unknown"; and the
# header is rewritten only when its text changes, so that nothing is recompiled otherwise.
set -euo pipefail
script="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
generate() { cmake -DSOURCE_DIR="$1" -DOUTPUT="$work/build_commit.h" -P "$script"; }
expect() {
  grep -qxF "#define POLICYD_COMMIT \"$1\"" "$work/build_commit.h" ||
    { echo "expected POLICYD_COMMIT \"$1\", got:"; cat "$work/build_commit.h"; exit 1; }
}

mkdir "$work/none"
generate "$work/none"
expect unknown

repo="$work/repo"
git init -q "$repo"
echo one > "$repo/file"
git -C "$repo" add file
git -C "$repo" -c user.name=t -c user.email=t@example.org commit -q -m one
commit="$(git -C "$repo" rev-parse --short=12 HEAD)"
generate "$repo"
expect "$commit"
before="$(stat -c %Y.%y "$work/build_commit.h")"
sleep 1
generate "$repo"
[ "$(stat -c %Y.%y "$work/build_commit.h")" = "$before" ] ||
  { echo "the header was rewritten although its text did not change"; exit 1; }

echo two >> "$repo/file"
generate "$repo"
expect "$commit-dirty"
echo "ok"
