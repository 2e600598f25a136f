#!/usr/bin/env bash
# Shared by the webpush_*.sh interop drivers (sourced): starting examples/webpush-service on
# 127.0.0.1, stopping it on exit, PASS/FAIL lines. The service listens on port 0 and prints
# "listening on URL (...)" with the port the system chose, so no port is ever guessed.
#
# Globals the driver sees: work (a temporary directory), failures, service_url (after
# start_service), service_log (its stderr: the library's log lines).

work=$(mktemp -d)
failures=0
service_pids=()
service_log=$work/service.log
service_url=

webpush_cleanup() {
  for pid in "${service_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${service_pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ "$failures" -ne 0 ] || [ -n "${VERBOSE:-}" ]; then
    echo "---- webpush-service log ----"
    cat "$work"/service*.log 2>/dev/null
  fi
  rm -rf "$work"
}
trap webpush_cleanup EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Fails the driver at once (for a missing peer or a service that does not start).
die() { echo "FAIL: $*"; failures=$((failures + 1)); exit 1; }

# start_service BINARY [OPTIONS...]: starts it on 127.0.0.1:0 and waits (10 s at most) for
# its "listening on" line; sets service_url (e.g. http://127.0.0.1:40123).
start_service() {
  local bin=$1; shift
  local out=$work/service.out
  : > "$out"
  "$bin" --listen 127.0.0.1:0 --verbose "$@" > "$out" 2>> "$service_log" &
  service_pids+=($!)
  local pid=$!
  for _ in $(seq 100); do
    if grep -q '^listening on ' "$out"; then
      service_url=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$out" | head -1)
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  die "webpush-service $* did not start: $(cat "$out")"
}

# stop_service: stops every service started so far (SIGTERM: it exits cleanly).
stop_service() {
  for pid in "${service_pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${service_pids[@]}"; do wait "$pid" 2>/dev/null; done
  service_pids=()
}
