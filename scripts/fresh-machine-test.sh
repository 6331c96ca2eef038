#!/usr/bin/env bash
# Runs the README's commands on a fresh Debian 12 inside a chroot: what a newcomer's machine
# does, without the packages this machine happens to have. A green `.ci/run` here can hide a
# missing install step (libgmock-dev and file were found missing this way); this cannot.
#
#   sudo scripts/fresh-machine-test.sh [WORKDIR] [COMMAND...]
#
# WORKDIR (default /var/tmp/policyd-fresh) gets a minimal Debian 12 (debootstrap --variant=minbase,
# git and ca-certificates added) under WORKDIR/root, the committed HEAD of this checkout cloned
# into it as /work/main, and ../shared mounted read-only beside it when it exists. COMMAND
# (default: .ci/run) runs there as root with a clean environment; its output goes to
# WORKDIR/log and the script exits with its status. Needs root, debootstrap and a Debian
# mirror (deb.debian.org); takes about 30 minutes on 2 cores, most of it the build. A WORKDIR
# kept from an earlier run is reused (its packages stay installed: delete it for a fresh run).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-machine-test: needs root (debootstrap, chroot, mounts)" >&2
  exit 2
fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
workdir="${1:-/var/tmp/policyd-fresh}"
shift || true
command=("$@")
if [ "${#command[@]}" -eq 0 ]; then command=(.ci/run); fi
root="$workdir/root"

command -v debootstrap > /dev/null || {
  echo "fresh-machine-test: installing debootstrap"
  apt-get install -y -qq debootstrap
}
mkdir -p "$workdir"
if [ ! -x "$root/bin/bash" ]; then
  echo "fresh-machine-test: debootstrap bookworm into $root"
  debootstrap --variant=minbase --include=git,ca-certificates bookworm "$root" \
    http://deb.debian.org/debian > "$workdir/debootstrap.log"
fi

mounted=()
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R "${mounted[i]}" 2> /dev/null || true; done
}
trap cleanup EXIT
mount_in() {  # mount_in ARGS... TARGET
  mount "$@"
  mounted+=("${*: -1}")
}
mount_in -t proc proc "$root/proc"
mount_in --rbind /sys "$root/sys"
mount_in --rbind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
if [ -d "$repo/../shared" ]; then
  mkdir -p "$root/work/shared"
  mount_in --bind "$repo/../shared" "$root/work/shared"
  mount -o remount,bind,ro "$root/work/shared"
fi

rm -rf "$root/work/main"
git clone -q "$repo" "$root/work/main"
echo "fresh-machine-test: running ${command[*]} in $root/work/main ($(git -C "$repo" log -1 --format=%h))"
status=0
chroot "$root" env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 TERM=dumb bash -c 'cd /work/main && exec "$@"' fresh "${command[@]}" \
  > "$workdir/log" 2>&1 || status=$?
tail -n 20 "$workdir/log"
echo "fresh-machine-test: exit status $status (the whole output: $workdir/log)"
exit "$status"
