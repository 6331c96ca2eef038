#!/usr/bin/env bash
# Issue 17 item 1: CPack builds the Debian package, inspected with dpkg-deb: the control
# fields (Package, Version, Depends from dpkg-shlibdeps with librocksdb, and what the
# maintainer scripts need), the contents under /usr and /etc (no debug symbols: those are
# policyd-dbgsym's), the conffiles (the config and every target), the maintainer scripts
# (executable, `sh -n` clean). Then the scripts run in a sandbox (commands they call replaced
# by recorders on PATH, debconf on a private database): remove and upgrade never touch
# /var/lib/policyd, purge deletes it only when the operator answers yes, the postinst creates
# the user and the directories (systemd-sysusers and systemd-tmpfiles, else adduser) and never
# enables or starts the service.
#   deb_package_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build_dir="$1"
source_dir="$2"
version="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

if ! cpack --config "$build_dir/CPackConfig.cmake" -B "$work/packages" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  fail "cpack failed"
fi
arch="$(dpkg --print-architecture)"
deb="$work/packages/policyd_${version}_${arch}.deb"
dbgsym="$work/packages/policyd-dbgsym_${version}_${arch}.deb"
[ -f "$deb" ] || fail "no $(basename "$deb"): $(ls "$work/packages")"
[ -f "$dbgsym" ] || fail "no $(basename "$dbgsym"): $(ls "$work/packages")"

# ---- Control fields ----------------------------------------------------------------------
field() { dpkg-deb --field "$1" "$2"; }
[ "$(field "$deb" Package)" = policyd ] || fail "Package: $(field "$deb" Package)"
[ "$(field "$deb" Version)" = "$version" ] || fail "Version: $(field "$deb" Version)"
[ "$(field "$deb" Architecture)" = "$arch" ] || fail "Architecture: $(field "$deb" Architecture)"
[ -n "$(field "$deb" Maintainer)" ] || fail "no Maintainer"
depends="$(field "$deb" Depends)"
for needed in 'librocksdb[0-9.]* ' 'libc6 ' 'libcurl4 ' 'libgumbo1 ' \
  'debconf (>= 0.5) | debconf-2.0' 'systemd-sysusers | adduser'; do
  grep -q -e "$needed" <<<"$depends, " || fail "Depends lacks '$needed': $depends"
done
[ "$(field "$dbgsym" Package)" = policyd-dbgsym ] || fail "dbgsym Package: $(field "$dbgsym" Package)"
[ "$(field "$dbgsym" Depends)" = "policyd (= $version)" ] ||
  fail "dbgsym Depends: $(field "$dbgsym" Depends)"

# ---- Contents ----------------------------------------------------------------------------
dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
for file in /usr/bin/policyd /usr/bin/policyctl /usr/lib/systemd/system/policyd.service \
  /usr/lib/systemd/system/policyd-browser.socket /usr/lib/systemd/system/policyd-browser@.service \
  /usr/lib/sysusers.d/policyd.conf /usr/lib/tmpfiles.d/policyd.conf /etc/policyd/policyd.toml \
  /usr/share/man/man8/policyd.8 /usr/share/man/man5/policyd.toml.5 \
  /usr/share/doc/policyd/README.md /usr/share/doc/policyd/LICENSE; do
  grep -qx -F "$file" "$work/contents" || fail "$file is not in the package"
done
if grep -e '^/usr/local' -e '^/usr/lib/debug' "$work/contents"; then
  fail "the package holds files under /usr/local or debug symbols"
fi
repo_targets="$(cd "$source_dir/config/targets" && ls -- *.toml | wc -l)"
packaged_targets="$(grep -c '^/etc/policyd/targets/[^/]*\.toml$' "$work/contents")"
[ "$packaged_targets" -eq "$repo_targets" ] ||
  fail "$packaged_targets targets in the package, the repository has $repo_targets"
dpkg-deb --contents "$dbgsym" | awk '{print $6}' >"$work/dbgsym-contents"
[ "$(grep -c '^\./usr/lib/debug/\.build-id/[0-9a-f][0-9a-f]/[0-9a-f]*\.debug$' "$work/dbgsym-contents")" -eq 2 ] ||
  fail "policyd-dbgsym does not hold the two .debug files: $(cat "$work/dbgsym-contents")"

dpkg-deb --extract "$deb" "$work/root"
grep -qx 'ExecStart=/usr/bin/policyd --config /etc/policyd/policyd.toml' \
  "$work/root/usr/lib/systemd/system/policyd.service" || fail "the packaged unit's ExecStart"
grep -qx 'targets_dir = "/etc/policyd/targets"' "$work/root/etc/policyd/policyd.toml" ||
  fail "the packaged config's targets_dir"

# ---- Control files: conffiles and maintainer scripts -------------------------------------
control="$work/control"
dpkg-deb --control "$deb" "$control"
grep -v '^/etc/' "$control/conffiles" && fail "conffiles outside /etc"
sort "$control/conffiles" >"$work/conffiles"
grep '^/etc/' "$work/contents" | grep -v '/$' | sort >"$work/etc-files"
diff -u "$work/etc-files" "$work/conffiles" >&2 || fail "the files under /etc are not exactly the conffiles"
grep -qx /etc/policyd/policyd.toml "$work/conffiles" || fail "policyd.toml is not a conffile"
deb_info="$(dpkg-deb --info "$deb")"
for script in postinst prerm postrm; do
  [ -f "$control/$script" ] || fail "no $script"
  [ -x "$control/$script" ] || fail "$script is not executable"
  grep -q "^ .* \* *$script " <<<"$deb_info" || fail "$script is not executable in the package"
  sh -n "$control/$script" || fail "$script does not parse"
done
grep -qx 'Template: policyd/purge_state' "$control/templates" || fail "no purge question"
grep -qx 'Default: false' "$control/templates" || fail "the purge question does not default to keep"

# ---- The scripts at work, in a sandbox ---------------------------------------------------
# dpkg's layout (the debconf frontend finds policyd.templates next to policyd.postrm).
info="$work/info"
mkdir "$info"
for file in postinst prerm postrm templates; do cp "$control/$file" "$info/policyd.$file"; done
# Recorders for every command the scripts may run that would change this machine.
shims="$work/shims"
mkdir "$shims"
calls="$work/calls"
for command in rm systemctl systemd-sysusers systemd-tmpfiles adduser addgroup install \
  deb-systemd-helper; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$command" "$calls" >"$shims/$command"
  chmod +x "$shims/$command"
done
# debconf on a private database.
mkdir "$work/debconf"
cat >"$work/debconf/debconf.conf" <<CONF
Config: configdb
Templates: templatedb

Name: configdb
Driver: File
Filename: $work/debconf/config.dat

Name: templatedb
Driver: File
Filename: $work/debconf/templates.dat
CONF
export DEBCONF_SYSTEMRC="$work/debconf/debconf.conf" DEBIAN_FRONTEND=noninteractive
# run_script NAME ARGS...: runs policyd.NAME with the recorders first on PATH.
run_script() {
  : >"$calls"
  local name="$1"
  shift
  PATH="$shims:$PATH" sh "$info/policyd.$name" "$@" >"$work/script.log" 2>&1 ||
    { cat "$work/script.log" >&2; fail "$name $* failed"; }
}
touches_state() { grep -q '/var/lib/policyd' "$calls"; }

run_script postinst configure
grep -qx 'systemd-sysusers /usr/lib/sysusers.d/policyd.conf' "$calls" ||
  fail "postinst configure did not create the user: $(cat "$calls")"
grep -qx 'systemd-tmpfiles --create /usr/lib/tmpfiles.d/policyd.conf' "$calls" ||
  fail "postinst configure did not create the directories: $(cat "$calls")"
if grep -E 'systemctl .*(enable|start|restart)' "$calls"; then
  fail "postinst configure (first install) enables or starts the service"
fi
run_script postinst configure 0.0.9  # an upgrade, and a second run: the same, again
grep -qx 'systemd-sysusers /usr/lib/sysusers.d/policyd.conf' "$calls" || fail "postinst is not re-runnable"
if grep -E 'systemctl .*(enable|start )' "$calls"; then fail "postinst upgrade enables or starts"; fi

# Without systemd-sysusers and systemd-tmpfiles (only the recorders and the tools the script
# itself needs on PATH): adduser, and install -d.
mkdir "$work/bare"
for tool in getent; do
  printf '#!/bin/sh\nexit 2\n' >"$work/bare/$tool"  # no such user or group yet
  chmod +x "$work/bare/$tool"
done
for command in adduser addgroup install systemctl rm; do cp "$shims/$command" "$work/bare/"; done
: >"$calls"
PATH="$work/bare" /bin/sh "$info/policyd.postinst" configure >"$work/script.log" 2>&1 ||
  { cat "$work/script.log" >&2; fail "postinst without systemd-sysusers failed"; }
grep -q '^addgroup --system .*policyd$' "$calls" || fail "no addgroup fallback: $(cat "$calls")"
grep -q '^adduser --system .*--ingroup policyd .*--home /var/lib/policyd .*policyd$' "$calls" ||
  fail "no adduser fallback: $(cat "$calls")"
grep -q '^install -d -m 0750 -o policyd -g policyd /var/lib/policyd$' "$calls" ||
  fail "no state directory without systemd-tmpfiles: $(cat "$calls")"

for action in "prerm upgrade $version" "postrm upgrade $version" "prerm remove" "postrm remove"; do
  # shellcheck disable=SC2086
  run_script $action
  if touches_state; then fail "$action touches /var/lib/policyd: $(cat "$calls")"; fi
  if [[ "$action" == *upgrade* ]] && grep -q 'systemctl stop' "$calls"; then
    fail "$action stops the service"
  fi
done

# Purge: keeps the database by default (noninteractive: the default answer) ...
run_script postrm purge
if touches_state; then fail "purge with the default answer deletes /var/lib/policyd"; fi
# ... and deletes it when the operator said yes (preseeded).
echo "policyd policyd/purge_state boolean true" | debconf-set-selections
run_script postrm purge
grep -qx 'rm -rf /var/lib/policyd' "$calls" || fail "purge answered yes kept the database: $(cat "$calls")"

echo "package OK: $(basename "$deb") ($(stat -c %s "$deb") bytes), $(basename "$dbgsym")"
