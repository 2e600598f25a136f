#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (in build-fuzz) and runs each one for a few
# seconds on a scratch copy of its seed corpus, so the committed corpus stays as it is.
# Fails if any target crashes, leaks, times out or trips a sanitizer; the input that did
# it is kept as build-fuzz/artifacts/<target>-crash-*, the log as build-fuzz/logs/.
# Installs clang-14 and its fuzzer runtime if missing.
# Usage: tests/fuzz/run_smoke.sh [SECONDS-PER-TARGET]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/deps.sh
pushcore_deps "${PUSHCORE_BUILD_DEPS[@]}" clang-14 libclang-rt-14-dev

seconds=${1:-20}
targets=(sip_uri sip_name_addr sip_header_params sip_message sip_feature_caps sip_push_params
         sip_headers http1_request http_connection web_push_headers web_push_json
         web_push_records ua_profile_event ua_profile_device_id ua_profile_body
         ua_profile_machines)
dir=build-fuzz

echo "== build: libFuzzer targets (clang-14, ASan+UBSan) in $dir"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DPUSHCORE_BUILD_FUZZ=ON -DPUSHCORE_BUILD_TESTS=OFF -DPUSHCORE_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$dir" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$dir/artifacts" "$dir/logs"
# libFuzzer stops on ASan reports by itself; UBSan must be told to.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
for t in "${targets[@]}"; do
  cp -r "tests/fuzz/corpus/$t" "$scratch/$t"
  log="$dir/logs/$t.log"
  echo "== fuzz_$t: ${seconds}s"
  if "$dir/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
       -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t-" "$scratch/$t" >"$log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
  else
    tail -n 40 "$log"
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "== fuzzing FAILED: ${failed[*]} (inputs in $dir/artifacts, logs in $dir/logs)"
  exit 1
fi
echo "== fuzzing passed: ${targets[*]}"
