#!/usr/bin/env bash
# Message POSTs per second over loopback: h2load (nghttp2-client) against the example push
# service (examples/webpush-service, h2c with prior knowledge), side by side with h2load
# against nghttpd (nghttp2-server) serving a static 64-byte file, same machine, same load
# shape. Prints both req/s (medians), the ratio, and a last line
#   RESULT pushcore <req/s> nghttpd <req/s>
# that tests/bench/run_web_push.sh reads.
#
# What is sent: one subscription made with curl; then
#   h2load -n N -c C -m M -d body64.bin -H 'ttl: 0' -H 'content-encoding: aes128gcm'
#          http://127.0.0.1:PORT/p/{push}
# TTL 0 (RFC 8030 5.2): no user agent listens, so each message is discarded once it is
# accepted (201): the whole send path runs (framing, parse, checks, store add and remove),
# and the store never fills. With a TTL above 0 the messages would wait for a user agent
# that never comes, and the per-subscription cap (100 by default) would answer 429.
# The example's per-subscription rate limit is off (--rate-limit 0:0), and it runs with
# --quiet (no log line per request; nghttpd logs nothing unless -v either). Its stderr
# goes to /dev/null unless H2LOAD_SERVICE_LOG names a file.
#
# The two runs alternate, H2LOAD_ROUNDS times (5), and the medians are compared: the
# machine's load may change during the runs, and both sides see the same changes.
#
# Environment: PUSHCORE_BENCH_BUILD (build dir holding the example, default
# build-bench-wp; configured and built here if the binary is missing), H2LOAD_N (200000),
# H2LOAD_C (4), H2LOAD_M (32), H2LOAD_ROUNDS (5), H2LOAD_SERVICE_LOG. Servers listen on
# 127.0.0.1 only and are stopped on exit. Exit status 3: the example is not built (only nghttpd was measured).
set -euo pipefail
cd "$(dirname "$0")/../.."

source tests/deps.sh
source tests/net.sh
pushcore_deps nghttp2-client nghttp2-server curl

build=${PUSHCORE_BENCH_BUILD:-build-bench-wp}
n=${H2LOAD_N:-200000}
c=${H2LOAD_C:-4}
m=${H2LOAD_M:-32}
rounds=${H2LOAD_ROUNDS:-5}
service_log=${H2LOAD_SERVICE_LOG:-/dev/null}

find_service() {
  [ -d "$build/examples" ] || return 0
  find "$build/examples" -type f -name webpush-service -perm -u+x 2>/dev/null | head -n1
}
service_bin=$(find_service)
if [ -z "$service_bin" ]; then
  [ -d examples/webpush-service ] ||
    echo "web_push_h2load: examples/webpush-service is not in this tree yet" >&2
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPUSHCORE_BUILD_EXAMPLES=ON >/dev/null
  cmake --build "$build" -j "$(nproc)" --target webpush-service >/dev/null || true
  service_bin=$(find_service)
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# 64 bytes, as the in-process benchmark sends.
head -c 64 /dev/urandom >"$work/body64.bin"
mkdir "$work/htdocs"
cp "$work/body64.bin" "$work/htdocs/body64.bin"

# Waits until something accepts TCP connections on 127.0.0.1:$1.
wait_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# Runs h2load; prints "<req/s> <2xx count>" from its summary.
run_h2load() {
  local log=$1
  shift
  h2load -n "$n" -c "$c" -m "$m" "$@" >"$log" 2>&1 || true
  local rps ok
  rps=$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$log")
  ok=$(sed -n 's/^status codes: \([0-9]*\) 2xx.*/\1/p' "$log")
  echo "${rps:-0} ${ok:-0}"
}

peer_url() { echo "http://127.0.0.1:$peer_port/body64.bin"; }

# --- both servers: nghttpd with a static 64-byte file, and the example push service ------
peer_port=$(free_port)
nghttpd --no-tls -a 127.0.0.1 -d "$work/htdocs" "$peer_port" >"$work/nghttpd.log" 2>&1 &
pids+=($!)
wait_port "$peer_port" || {
  echo "nghttpd did not start:" >&2
  cat "$work/nghttpd.log" >&2
  exit 1
}

if [ -z "$service_bin" ]; then
  echo "web_push_h2load: no webpush-service binary in $build; pushcore half skipped" >&2
  read -r peer_rps peer_ok < <(run_h2load "$work/h2load-nghttpd.log" "$(peer_url)")
  echo "nghttpd: GET of a 64-byte file: $peer_rps req/s ($peer_ok of $n answered 2xx)"
  echo "RESULT pushcore - nghttpd $peer_rps"
  exit 3
fi

port=$(free_port)
"$service_bin" --listen "127.0.0.1:$port" --plaintext --rate-limit 0:0 --quiet \
  >"$work/service.out" 2>"$service_log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q "listening on" "$work/service.out" && break
  sleep 0.1
done
grep -q "listening on" "$work/service.out" || {
  echo "webpush-service did not start:" >&2
  cat "$work/service.out" >&2
  exit 1
}

curl -sS -i --http2-prior-knowledge -X POST "http://127.0.0.1:$port/subscribe" \
  >"$work/subscribe.txt"
push_path=$(tr -d '\r' <"$work/subscribe.txt" |
  sed -n 's/^[Ll]ink: *<\([^>]*\)>; *rel="urn:ietf:params:push".*/\1/p' | head -n1)
case $push_path in *://*) push_path=/${push_path#*://*/} ;; esac # keep only the path
if [ -z "$push_path" ] || ! head -n1 "$work/subscribe.txt" | grep -q ' 201'; then
  echo "subscribe failed:" >&2
  cat "$work/subscribe.txt" >&2
  exit 1
fi

# --- the runs, alternated ---------------------------------------------------------------
peer_all=()
ours_all=()
for round in $(seq "$rounds"); do
  read -r peer_rps peer_ok < <(run_h2load "$work/h2load-nghttpd.log" "$(peer_url)")
  if [ "$peer_ok" != "$n" ]; then
    echo "nghttpd: not every request succeeded:" >&2
    cat "$work/h2load-nghttpd.log" >&2
    exit 1
  fi
  read -r rps ok < <(run_h2load "$work/h2load-pushcore.log" -d "$work/body64.bin" \
    -H 'ttl: 0' -H 'content-encoding: aes128gcm' "http://127.0.0.1:$port$push_path")
  if [ "$ok" != "$n" ]; then
    echo "webpush-service: not every request succeeded:" >&2
    cat "$work/h2load-pushcore.log" >&2
    exit 1
  fi
  echo "round $round: nghttpd $peer_rps req/s, webpush-service $rps req/s"
  peer_all+=("$peer_rps")
  ours_all+=("$rps")
done

python3 - "${ours_all[*]}" "${peer_all[*]}" "$(nghttpd --version 2>/dev/null | head -n1)" <<'PY'
import statistics, sys
ours = [float(x) for x in sys.argv[1].split()]
peer = [float(x) for x in sys.argv[2].split()]
o, p = statistics.median(ours), statistics.median(peer)
r = o / p if p else 0.0
print(f"{sys.argv[3]}: GET of a 64-byte file, median {p:.0f} req/s")
print(f"pushcore webpush-service: POST of a 64-byte message (TTL 0), median {o:.0f} req/s")
print(f"pushcore / nghttpd: {r * 100:.0f}% (target >= 50%: {'met' if r >= 0.5 else 'MISSED'})")
print(f"RESULT pushcore {o:.0f} nghttpd {p:.0f}")
PY
