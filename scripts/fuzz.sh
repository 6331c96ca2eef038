#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz: extractor, selector parser, error-page guard, PDF
# layout text, control and events request lines) with clang, ASan and UBSan into ./build-fuzz, then runs each for
# SECONDS (default 15). A crash fails the run and leaves its input in build-fuzz/tests/fuzz/crash-*.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DPOLICYD_ONLY="extract;control;feed" -DPOLICYD_FUZZ=ON -DPOLICYD_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target fuzz_extract fuzz_selector fuzz_guard fuzz_request \
  fuzz_pdf_layout
ctest --test-dir build-fuzz -L fuzz --output-on-failure
