#!/usr/bin/env bash
# Installs what policyd needs to build and test on Debian 12, and nothing that is already
# there. Debian packages only. Uses sudo when not run as root.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git
  libcurl4-openssl-dev libgumbo-dev libboost-dev librocksdb-dev libssl-dev libspdlog-dev
  libgtest-dev libgmock-dev nlohmann-json3-dev libtomlplusplus-dev libsystemd-dev libdtl-dev
  libuchardet-dev zlib1g-dev libzstd-dev libicu-dev libcld2-dev libpsl-dev libidn2-dev
  python3 python3-jsonschema python3-prometheus-client python3-feedparser
  systemd
  chromium fonts-dejavu-core
  clang libclang-rt-14-dev clang-format
  poppler-utils qpdf
  scdoc dpkg-dev file debconf zsh fish
  libnats-dev nats-server
  openssl
)

missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
  if [[ "$status" != *"install ok installed"* ]]; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
