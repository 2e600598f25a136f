#!/usr/bin/env bash
# Builds the ua-profile benchmark in Release (build-bench-ua/), runs it with 5 repetitions
# and prints the medians and pushcore's speed-up over libosip2: Event header parse on the
# draft's SUBSCRIBE (7.12) and building that SUBSCRIBE.
# Extra arguments go to the benchmark, e.g. --benchmark_filter=build.
# PUSHCORE_BENCH_BUILD=dir builds and runs in another directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

source tests/deps.sh
pushcore_deps "${PUSHCORE_BUILD_DEPS[@]}" libbenchmark-dev libosip2-dev libsofia-sip-ua-dev

build=${PUSHCORE_BENCH_BUILD:-build-bench-ua}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPUSHCORE_BUILD_BENCH=ON \
      -DPUSHCORE_BUILD_TESTS=OFF -DPUSHCORE_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target ua_profile_bench

json="$build/ua_profile_bench.json"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$build/tests/bench/ua_profile_bench" --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true \
    --benchmark_out="$json" --benchmark_out_format=json "$@"

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- lib include 2>/dev/null || commit="$commit (lib/ or include/ modified)"
echo
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $commit"
echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load:    $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after (1/5/15 min)"

python3 - "$json" <<'EOF'
import json, sys

doc = json.load(open(sys.argv[1]))
rows = {}  # case -> implementation -> {ns, cv, allocs}
for b in doc["benchmarks"]:
    if b.get("run_type") != "aggregate" or b.get("error_occurred"):
        continue
    _, case, impl = b["run_name"].split("/")
    r = rows.setdefault(case, {}).setdefault(impl, {})
    if b["aggregate_name"] == "median":
        assert b["time_unit"] == "ns"
        r["ns"] = b["cpu_time"]
        r["allocs"] = b["allocs_per_op"]
    elif b["aggregate_name"] == "cv":
        r["cv"] = b["cpu_time"] * 100

def cell(r, key, fmt):
    return fmt.format(r[key]) if key in r else "-"

print()
print("CPU time per operation, median of 5 repetitions (cv = coefficient of variation)")
print()
print("| operation | implementation | ns/op | ops/s | cv | allocs/op |")
print("|---|---|---:|---:|---:|---:|")
for case, impls in rows.items():
    for name, r in impls.items():
        ops = f"{1e9 / r['ns']:,.0f}" if "ns" in r else "-"
        print(f"| {case} | {name} | {cell(r, 'ns', '{:.1f}')} | {ops} | {cell(r, 'cv', '{:.1f}%')} "
              f"| {cell(r, 'allocs', '{:.2f}')} |")

def ns(case, impl):
    return rows.get(case, {}).get(impl, {}).get("ns")

print()
print("| comparison | libosip2 / pushcore |")
print("|---|---:|")
for label, peer_case, pc_case in (
        ("parse the 7.12 SUBSCRIBE, read Event", "subscribe_parse", "subscribe_parse"),
        ("build the 7.12 SUBSCRIBE (osip: fill + to_str)", "subscribe_build", "subscribe_build"),
        ("build the 7.12 SUBSCRIBE (osip: to_str only)", "subscribe_to_str", "subscribe_build")):
    p, c = ns(peer_case, "osip2"), ns(pc_case, "pushcore")
    print(f"| {label} | {'-' if p is None or c is None else f'{p / c:.1f}x'} |")
EOF
