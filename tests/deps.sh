#!/usr/bin/env bash
# Installs the Debian packages pushcore's build and tests need, if any are missing.
# Sourced by tests/run.sh and examples/demo.sh; usage: pushcore_deps PACKAGE...
pushcore_deps() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# What every build needs.
PUSHCORE_BUILD_DEPS=(cmake make g++ pkg-config binutils python3 libssl-dev doctest-dev
                     libnghttp2-dev rapidjson-dev)
# Peers the interop tests drive (tests/interop).
PUSHCORE_INTEROP_DEPS=(sip-tester nghttp2-client python3-h2 curl nodejs)  # npm comes with nodejs here
