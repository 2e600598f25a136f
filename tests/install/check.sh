#!/usr/bin/env bash
# Installs the build in BUILD_DIR to a scratch prefix and builds a consumer against it
# twice: with CMake's find_package(pushcore), and with pkg-config. Both must run.
# Usage: tests/install/check.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix/usr" >/dev/null
export LD_LIBRARY_PATH="$prefix/usr/lib"
cmake -S tests/install -B "$prefix/cmake-consumer" -DCMAKE_PREFIX_PATH="$prefix/usr" >/dev/null
cmake --build "$prefix/cmake-consumer" >/dev/null
"$prefix/cmake-consumer/consumer"
export PKG_CONFIG_PATH="$prefix/usr/lib/pkgconfig"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Werror tests/install/consumer.c $(pkg-config --cflags --libs pushcore) \
   -o "$prefix/pc-consumer"
"$prefix/pc-consumer"
echo "install: find_package and pkg-config consumers built and ran"
