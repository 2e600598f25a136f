#!/usr/bin/env bash
# Builds pushcore and runs every test: unit, C ABI, exported symbols, fuzz-corpus replay,
# Python binding and interop, first in a normal build, then under ASan+UBSan; the
# firmware configuration (SIP modules only, no OpenSSL, -Os) is built and its size shown;
# each fuzz target runs PUSHCORE_FUZZ_SECONDS (default 15) under libFuzzer.
# Installs missing Debian packages itself. Usage: tests/run.sh [--quick] (skip the
# sanitizer and firmware builds).
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/deps.sh
pushcore_deps "${PUSHCORE_BUILD_DEPS[@]}" "${PUSHCORE_INTEROP_DEPS[@]}"
# Debian's nodejs has no npm; NodeSource's bundles it (and conflicts with Debian's npm).
command -v npm >/dev/null || pushcore_deps npm
jobs=$(nproc)

build() {  # build PRESET (CMakePresets.json)
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$jobs"
}

# Every ctest run that gets here passed (set -e); their counts make the closing line.
passed=0
run_ctest() {  # run_ctest DIR [ENV...]
  local dir=$1; shift
  (cd "$dir" && env "$@" ctest --output-on-failure -j "$jobs")
  passed=$((passed + $(cd "$dir" && ctest -N | awk '/Total Tests:/ {print $3}')))
}

echo "== build: shared library, tests, examples"
build default
run_ctest build
bash tests/install/check.sh build

if [ "${1:-}" != "--quick" ]; then
  echo "== build: AddressSanitizer + UndefinedBehaviorSanitizer"
  build asan
  run_ctest build-asan ASAN_OPTIONS=detect_leaks=1

  echo "== fuzz: each libFuzzer target for a short while (clang-14)"
  bash tests/fuzz/run_smoke.sh "${PUSHCORE_FUZZ_SECONDS:-15}"

  echo "== build: firmware (SIP only, no OpenSSL, -Os, static)"
  bash tests/firmware/size.sh build-firmware
fi

echo "tests: $passed passed, 0 failed"
