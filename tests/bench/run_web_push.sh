#!/usr/bin/env bash
# Builds the Web Push benchmarks and the example service in Release (build-bench-wp/), runs
#   1. web_push_cycle_bench: full push cycles per second in one process over in-memory
#      HTTP/2, pushcore against bare nghttp2 server sessions (medians of 5 repetitions);
#   2. web_push_memory: heap bytes per idle subscription, 1,000,000 subscriptions;
#   3. web_push_h2load.sh: h2load against the example service and against nghttpd;
# and prints a markdown table with the figures, the ratios and the targets.
# Extra arguments go to the cycle benchmark, e.g. --benchmark_filter=rfc8030.
# PUSHCORE_BENCH_BUILD=dir builds and runs in another directory; WEB_PUSH_SUBSCRIPTIONS=n
# changes the memory program's count. About a minute, plus 1-2 for a first build.
set -euo pipefail
cd "$(dirname "$0")/../.."

source tests/deps.sh
pushcore_deps "${PUSHCORE_BUILD_DEPS[@]}" libbenchmark-dev libosip2-dev libsofia-sip-ua-dev \
  nghttp2-client nghttp2-server curl

build=${PUSHCORE_BENCH_BUILD:-build-bench-wp}
export PUSHCORE_BENCH_BUILD=$build
# The commit as built: read before the build, since the tree may move during the run.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- lib include capi examples 2>/dev/null ||
  commit="$commit (lib/, include/, capi/ or examples/ modified)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPUSHCORE_BUILD_BENCH=ON \
  -DPUSHCORE_BUILD_TESTS=OFF -DPUSHCORE_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target web_push_cycle_bench web_push_memory webpush-service

json="$build/web_push_cycle_bench.json"
memory_log="$build/web_push_memory.txt"
h2load_log="$build/web_push_h2load.txt"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== 1. full cycles in one process (web_push_cycle_bench)"
"$build/tests/bench/web_push_cycle_bench" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"

echo
echo "== 2. heap per idle subscription (web_push_memory)"
memory_rc=0
"$build/tests/bench/web_push_memory" ${WEB_PUSH_SUBSCRIPTIONS:-} | tee "$memory_log" ||
  memory_rc=$?

echo
echo "== 3. h2load over loopback (web_push_h2load.sh)"
h2load_rc=0
tests/bench/web_push_h2load.sh | tee "$h2load_log" || h2load_rc=$?

echo
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $commit"
echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load:    $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after (1/5/15 min)"

python3 - "$json" "$memory_log" "$memory_rc" "$h2load_log" "$h2load_rc" <<'PY'
import json, re, sys

json_path, memory_log, memory_rc, h2load_log, h2load_rc = sys.argv[1:6]

# --- 1. cycles -------------------------------------------------------------------------
doc = json.load(open(json_path))
rows = {}  # form -> server name -> {cps, cv, server_ns}
errors = []
for b in doc["benchmarks"]:
    if b.get("error_occurred"):
        errors.append(f"{b['name']}: {b.get('error_message', '')}")
        continue
    if b.get("run_type") != "aggregate":
        continue
    parts = b["run_name"].split("/")  # cycle/<form>/<server>[/server_time]
    form, server = parts[1], parts[2]
    timed = len(parts) > 3
    r = rows.setdefault(form, {}).setdefault(server, {})
    if b["aggregate_name"] == "median":
        if timed:
            r["server_ns"] = b.get("server_ns_per_cycle")
        else:
            r["cps"] = b["items_per_second"]
    elif b["aggregate_name"] == "cv" and not timed:
        r["cv"] = b["cpu_time"] * 100

def fmt_k(x):
    return "-" if x is None else f"{x / 1000:.1f}k"

def mark(ok):
    return "met" if ok else "MISSED"

print()
print("In-process cycles, median of 5 repetitions (CPU time; cv = coefficient of variation).")
print("'whole' counts everything in the process: the server and both nghttp2 clients.")
print("'server side' counts only the calls into the server (steady clock, preempted cycles left out).")
print()
print("| form | server | cycles/s, whole | cv | server side, us/cycle | server side, cycles/s |")
print("|---|---|---:|---:|---:|---:|")
for form, servers in rows.items():
    for name in ("pushcore", "nghttp2"):
        r = servers.get(name, {})
        ns = r.get("server_ns")
        cv = f"{r['cv']:.1f}%" if "cv" in r else "-"
        print(f"| {form} | {name} | {fmt_k(r.get('cps'))} | {cv} "
              f"| {'-' if ns is None else f'{ns / 1000:.2f}'} "
              f"| {'-' if not ns else fmt_k(1e9 / ns)} |")
print()
print("| form | pushcore / nghttp2, whole | pushcore / nghttp2, server side "
      "| pushcore whole (target >= 100k/s) | pushcore server side (target >= 100k/s) |")
print("|---|---:|---:|---:|---:|")
for form, servers in rows.items():
    pc, ng = servers.get("pushcore", {}), servers.get("nghttp2", {})
    whole = pc.get("cps") / ng["cps"] if pc.get("cps") and ng.get("cps") else None
    side = (ng["server_ns"] / pc["server_ns"]
            if pc.get("server_ns") and ng.get("server_ns") else None)
    cps = pc.get("cps")
    scps = 1e9 / pc["server_ns"] if pc.get("server_ns") else None
    print(f"| {form} | {'-' if whole is None else f'{whole * 100:.0f}%'} "
          f"| {'-' if side is None else f'{side * 100:.0f}%'} "
          f"| {'-' if cps is None else f'{fmt_k(cps)} {mark(cps >= 100000)}'} "
          f"| {'-' if scps is None else f'{fmt_k(scps)} {mark(scps >= 100000)}'} |")
for e in errors:
    print(f"\nERROR {e}")

# --- 2. memory ---------------------------------------------------------------------------
mem = open(memory_log).read()
m = re.search(r"bytes per idle subscription: ([0-9.]+) \(uordblks alone: ([0-9.]+)\)", mem)
n = re.search(r"subscriptions: (\d+)", mem)
print()
print("| subscriptions | heap bytes per idle subscription (uordblks + hblkhd) | uordblks alone | target <= 512 |")
print("|---:|---:|---:|---:|")
if m and n:
    per = float(m.group(1))
    print(f"| {int(n.group(1)):,} | {per:.1f} | {float(m.group(2)):.1f} | {mark(per <= 512)} |")
else:
    print(f"| - | failed (exit {memory_rc}) | - | - |")

# --- 3. h2load ---------------------------------------------------------------------------
h = open(h2load_log).read()
r = re.search(r"^RESULT pushcore (\S+) nghttpd (\S+)", h, re.M)
print()
print("| h2load -n 200000 -c 4 -m 32, loopback, median of 5 | req/s |")
print("|---|---:|")
if r and r.group(1) != "-":
    ours, peer = float(r.group(1)), float(r.group(2))
    print(f"| webpush-service, POST /p/{{push}} (64 bytes, TTL 0) | {ours:,.0f} |")
    print(f"| nghttpd, GET of a 64-byte file | {peer:,.0f} |")
    print(f"| ratio (target >= 50%) | {ours / peer * 100:.0f}% {mark(ours / peer >= 0.5)} |")
else:
    print(f"| failed (exit {h2load_rc}) | - |")
PY
