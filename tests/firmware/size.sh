#!/usr/bin/env bash
# Builds the firmware configuration (SIP only, no OpenSSL, -Os, function sections) and
# prints what pushcore adds to a phone image: tests/firmware/phone.c linked with
# --gc-sections, minus the same program without the pushcore calls. libstdc++ is linked
# dynamically, as on Linux-based phones. Usage: tests/firmware/size.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-build-firmware}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=MinSizeRel -DBUILD_SHARED_LIBS=OFF \
  -DPUSHCORE_USE_OPENSSL=OFF -DPUSHCORE_WITH_WEB_PUSH=OFF -DPUSHCORE_BUILD_TESTS=OFF -DPUSHCORE_BUILD_EXAMPLES=OFF \
  -DCMAKE_CXX_FLAGS="-ffunction-sections -fdata-sections" >/dev/null
cmake --build "$dir" -j "$(nproc)" >/dev/null
flags=(-Os -std=c99 -ffunction-sections -fdata-sections -Iinclude -I"$dir/include")
cc "${flags[@]}" tests/firmware/phone.c -Wl,--gc-sections "$dir/libpushcore.a" -lstdc++ \
   -o "$dir/phone"
cc "${flags[@]}" -DBASELINE tests/firmware/phone.c -Wl,--gc-sections -lstdc++ \
   -o "$dir/phone-baseline"
with=$(size "$dir/phone" | awk 'NR==2 {print $1}')
without=$(size "$dir/phone-baseline" | awk 'NR==2 {print $1}')
archive=$(size -t "$dir/libpushcore.a" | awk 'END {print $1}')
echo "firmware: pushcore adds $((with - without)) bytes of text to a UA-side phone image"
echo "firmware: libpushcore.a holds $archive bytes of text in all (UA, proxy, C ABI, grammar)"
