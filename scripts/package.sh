#!/usr/bin/env bash
# Builds the Debian packages into build/packages/:
#   policyd_<version>_<arch>.deb         the daemon, policyctl, units, config, targets, docs
#   policyd-dbgsym_<version>_<arch>.deb  their debug symbols (optional)
# then: sudo apt install ./build/packages/policyd_*.deb && sudo systemctl enable --now policyd
# Installs what is missing (scripts/install-deps.sh), configures build/ as scripts/build.sh
# does, and builds only what the package holds (no tests). docs/PACKAGING.md says what goes
# where.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target policyd policyctl man
cpack --config build/CPackConfig.cmake -B build/packages
rm -rf build/packages/_CPack_Packages  # CPack's staging copy
ls -l build/packages/*.deb
