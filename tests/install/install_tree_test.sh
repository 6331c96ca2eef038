#!/usr/bin/env bash
# Issue 17 item 1: `cmake --install` lays down everything a system needs. Installs the build
# tree into a DESTDIR with the prefix /usr and checks the tree: every file there and not empty,
# the programs stripped with their debug symbols under lib/debug/.build-id/ (matching build
# ids), the unit's ExecStart and --config for the prefix, sysusers and tmpfiles, the system
# config whose targets_dir holds every bundled target (the installed policyd loads them), man
# pages. Then again with the prefix /usr/local: the unit and the config follow it.
#   install_tree_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir="$1"
source_dir="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# install_into ROOT PREFIX
install_into() {
  if ! DESTDIR="$1" cmake --install "$build_dir" --prefix "$2" >"$work/install.log" 2>&1; then
    cat "$work/install.log" >&2
    fail "cmake --install --prefix $2 failed"
  fi
}

# build_id FILE: the GNU build id of an ELF file, or nothing.
build_id() {
  readelf --notes "$1" 2>/dev/null | sed -n 's/^ *Build ID: \([0-9a-f]*\)$/\1/p'
}

# ------------------------------------------------------------------------------------------
# Prefix /usr (the Debian package's).
root="$work/usr"
install_into "$root" /usr

expected=(
  usr/bin/policyd
  usr/bin/policyctl
  usr/lib/systemd/system/policyd.service
  usr/lib/systemd/system/policyd-browser.socket
  usr/lib/systemd/system/policyd-browser@.service
  usr/lib/sysusers.d/policyd.conf
  usr/lib/tmpfiles.d/policyd.conf
  etc/policyd/policyd.toml
  usr/share/doc/policyd/README.md
  usr/share/doc/policyd/LICENSE
  usr/share/man/man8/policyd.8
  usr/share/man/man5/policyd.toml.5
)
for doc in "$source_dir"/docs/*; do
  expected+=("usr/share/doc/policyd/$(basename "$doc")")
done
# policyctl(1) and the completion scripts, generated from policyctl's command table.
expected+=(
  usr/share/man/man1/policyctl.1
  usr/share/bash-completion/completions/policyctl
  usr/share/zsh/vendor-completions/_policyctl
  usr/share/fish/vendor_completions.d/policyctl.fish
)
for file in "${expected[@]}"; do
  [ -f "$root/$file" ] || fail "$file is not installed"
  [ -s "$root/$file" ] || fail "$file is empty"
done

# The programs: stripped (no debug sections, no symbol table), still running, and their
# debug symbols where gdb looks them up by build id.
for program in policyd policyctl; do
  installed="$root/usr/bin/$program"
  sections="$(readelf --section-headers --wide "$installed")"
  if grep -q -e ' \.debug_info ' -e ' \.symtab ' <<<"$sections"; then
    fail "usr/bin/$program is not stripped"
  fi
  "$installed" --version >/dev/null || fail "the installed $program does not run"
  id="$(build_id "$installed")"
  [ -n "$id" ] || fail "usr/bin/$program has no build id"
  debug="usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
  [ -f "$root/$debug" ] || fail "no debug symbols for $program at $debug"
  [ "$(build_id "$root/$debug")" = "$id" ] || fail "$debug has another build id than $program"
  # Read whole before grep: `readelf | grep -q` under pipefail fails whenever grep quits
  # before readelf has written everything (SIGPIPE), which made this check flaky.
  debug_sections="$(readelf --section-headers --wide "$root/$debug" 2>/dev/null)"
  grep -q ' \.debug_info ' <<<"$debug_sections" || fail "$debug holds no .debug_info"
  [ "$(build_id "$build_dir/$program")" = "$id" ] ||
    fail "usr/bin/$program is not the build tree's $program"
done
debug_files="$(find "$root/usr/lib/debug" -type f | wc -l)"
[ "$debug_files" -eq 2 ] || fail "$debug_files files under usr/lib/debug, expected 2"

# The unit: ExecStart and --config for the prefix; nothing left unconfigured.
unit="$root/usr/lib/systemd/system/policyd.service"
grep -qx 'ExecStart=/usr/bin/policyd --config /etc/policyd/policyd.toml' "$unit" ||
  fail "policyd.service: $(grep '^ExecStart=' "$unit")"
grep -qx 'Documentation=man:policyd(8) man:policyd.toml(5) file:///usr/share/doc/policyd/README.md' \
  "$unit" || fail "policyd.service: $(grep '^Documentation=' "$unit")"
if grep -n '@[A-Z_]*@' "$unit"; then fail "policyd.service has unconfigured @VARIABLES@"; fi
for unit_file in policyd-browser.socket policyd-browser@.service; do
  cmp -s "$source_dir/systemd/$unit_file" "$root/usr/lib/systemd/system/$unit_file" ||
    fail "$unit_file differs from systemd/$unit_file"
done
cmp -s "$source_dir/systemd/policyd.sysusers" "$root/usr/lib/sysusers.d/policyd.conf" ||
  fail "sysusers.d/policyd.conf differs from systemd/policyd.sysusers"
cmp -s "$source_dir/systemd/policyd.tmpfiles" "$root/usr/lib/tmpfiles.d/policyd.conf" ||
  fail "tmpfiles.d/policyd.conf differs from systemd/policyd.tmpfiles"

# The config and the targets: targets_dir names where they are, and every bundled target is
# there, byte for byte.
config="$root/etc/policyd/policyd.toml"
cmp -s "$source_dir/config/policyd.system.toml" "$config" ||
  fail "etc/policyd/policyd.toml differs from config/policyd.system.toml (prefix /usr)"
grep -qx 'targets_dir = "/etc/policyd/targets"' "$config" || fail "targets_dir: $(grep '^targets_dir' "$config")"
repo_targets="$(cd "$source_dir/config/targets" && ls -- *.toml | wc -l)"
installed_targets="$(cd "$root/etc/policyd/targets" && ls -- *.toml | wc -l)"
[ "$installed_targets" -eq "$repo_targets" ] ||
  fail "$installed_targets targets installed, the repository has $repo_targets"
diff -r "$source_dir/config/targets" "$root/etc/policyd/targets" >/dev/null ||
  fail "etc/policyd/targets differs from config/targets"
# The installed policyd loads the installed config and targets (targets_dir moved into the
# DESTDIR, the only change).
sed "s|^targets_dir = \"/etc/policyd/targets\"$|targets_dir = \"$root/etc/policyd/targets\"|" \
  "$config" >"$work/check.toml"
report="$("$root/usr/bin/policyd" --check-config --config "$work/check.toml")" ||
  fail "policyd --check-config on the installed config: $report"
repo_report="$("$build_dir/policyd" --check-config --config "$source_dir/config/policyd.toml")"
documents="${report#*OK, }"
[ "${documents%% *}" = "$(sed 's/.*OK, \([0-9]*\) documents.*/\1/' <<<"$repo_report")" ] ||
  fail "installed config: '$report'; repository: '$repo_report'"

# Man pages: roff from scdoc, with their title line.
grep -q '^\.TH "policyd" "8"' "$root/usr/share/man/man8/policyd.8" || fail "policyd.8 has no .TH"
grep -q '^\.TH "policyd.toml" "5"' "$root/usr/share/man/man5/policyd.toml.5" ||
  fail "policyd.toml.5 has no .TH"
cmp -s "$source_dir/README.md" "$root/usr/share/doc/policyd/README.md" || fail "README.md differs"

# Nothing else than the expected files, the targets and the debug symbols.
unexpected="$(cd "$root" && find . -type f | sed 's|^\./||' |
  grep -v -x -F -f <(printf '%s\n' "${expected[@]}") |
  grep -v -e '^etc/policyd/targets/[^/]*\.toml$' -e '^usr/lib/debug/\.build-id/' || true)"
[ -z "$unexpected" ] || fail "installed but not checked here: $unexpected"

# ------------------------------------------------------------------------------------------
# Prefix /usr/local (cmake's default): the unit and the config follow the prefix.
root="$work/usr-local"
install_into "$root" /usr/local
unit="$root/usr/local/lib/systemd/system/policyd.service"
grep -qx 'ExecStart=/usr/local/bin/policyd --config /usr/local/etc/policyd/policyd.toml' "$unit" ||
  fail "policyd.service with prefix /usr/local: $(grep '^ExecStart=' "$unit")"
[ -x "$root/usr/local/bin/policyd" ] || fail "no usr/local/bin/policyd"
config="$root/usr/local/etc/policyd/policyd.toml"
grep -qx 'targets_dir = "/usr/local/etc/policyd/targets"' "$config" ||
  fail "targets_dir with prefix /usr/local: $(grep '^targets_dir' "$config")"
installed_targets="$(cd "$root/usr/local/etc/policyd/targets" && ls -- *.toml | wc -l)"
[ "$installed_targets" -eq "$repo_targets" ] ||
  fail "prefix /usr/local: $installed_targets targets installed, the repository has $repo_targets"
[ ! -e "$root/etc" ] || fail "prefix /usr/local installed files under /etc"

echo "install tree OK: ${#expected[@]} files, $repo_targets targets, prefixes /usr and /usr/local"
