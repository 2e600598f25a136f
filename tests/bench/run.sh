#!/usr/bin/env bash
# Builds the benchmarks in Release (build-bench/), runs the Contact parse benchmark and
# prints pushcore's speed-up over libosip2 and sofia-sip from the medians of 5 runs.
# Extra arguments go to the benchmark, e.g. --benchmark_filter=eight_params.
# PUSHCORE_BENCH_BUILD=dir builds and runs in another directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

source tests/deps.sh
pushcore_deps "${PUSHCORE_BUILD_DEPS[@]}" libbenchmark-dev libosip2-dev libsofia-sip-ua-dev

build=${PUSHCORE_BENCH_BUILD:-build-bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPUSHCORE_BUILD_BENCH=ON \
      -DPUSHCORE_BUILD_TESTS=OFF -DPUSHCORE_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target sip_contact_bench

json="$build/sip_contact_bench.json"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$build/tests/bench/sip_contact_bench" --benchmark_repetitions=5 \
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
rows = {}  # input -> parser -> {median, cv, allocs}
for b in doc["benchmarks"]:
    if b.get("run_type") != "aggregate" or b.get("error_occurred"):
        continue
    _, inp, parser = b["run_name"].split("/")
    r = rows.setdefault(inp, {}).setdefault(parser, {})
    if b["aggregate_name"] == "median":
        assert b["time_unit"] == "ns"
        r["ns"] = b["cpu_time"]
        r["allocs"] = b["allocs_per_parse"]
    elif b["aggregate_name"] == "cv":
        r["cv"] = b["cpu_time"] * 100

def cell(r, key, fmt):
    return fmt.format(r[key]) if key in r else "-"

print()
print("CPU time per parse, median of 5 repetitions (cv = coefficient of variation)")
print()
print("| input | parser | ns/parse | cv | allocs/parse |")
print("|---|---|---:|---:|---:|")
for inp, parsers in rows.items():
    for name in ("pushcore", "osip2", "sofia"):
        r = parsers.get(name, {})
        print(f"| {inp} | {name} | {cell(r, 'ns', '{:.1f}')} | {cell(r, 'cv', '{:.1f}%')} "
              f"| {cell(r, 'allocs', '{:.2f}')} |")
print()
print("| input | sofia/pushcore (target >= 3) | osip2/pushcore (target >= 6) | pushcore allocs (target 0) |")
print("|---|---:|---:|---:|")
for inp, parsers in rows.items():
    pc = parsers.get("pushcore", {})
    def ratio(peer, target):
        p = parsers.get(peer, {})
        if "ns" not in p or "ns" not in pc:
            return "-"
        x = p["ns"] / pc["ns"]
        return f"{x:.1f}x {'ok' if x >= target else 'MISSED'}"
    allocs = pc.get("allocs")
    a = "-" if allocs is None else f"{allocs:g} {'ok' if allocs == 0 else 'MISSED'}"
    print(f"| {inp} | {ratio('sofia', 3)} | {ratio('osip2', 6)} | {a} |")
EOF
