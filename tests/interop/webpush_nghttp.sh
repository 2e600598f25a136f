#!/usr/bin/env bash
# Interop: examples/webpush-service against nghttp (Debian nghttp2-client) as the user agent
# and as one application server, and curl over HTTP/1.1 as another, peers this project did
# not write. Usage: webpush_nghttp.sh PATH/TO/webpush-service
#
# Run twice: plaintext (h2c prior knowledge and HTTP/1.1 on one port), then TLS (the
# library's TLS with the self-signed certificate the example makes; nghttp and curl -k do
# not verify it). Each run:
#   a. nghttp POSTs /subscribe -> 201, Location /s/{sub}, Link rel="urn:ietf:params:push"
#   b. nghttp holds GET /s/{sub} (the user agent)
#   c. curl --http1.1 POSTs a message with TTL to the push resource -> 201, Location /m/{id}
#   d. nghttp POSTs a second message over HTTP/2 -> 201
#   e. the held GET shows both as PUSH_PROMISE for :path /m/{id}, pushed 200 and the bodies
#   f. curl DELETE /m/{id} (acknowledge) -> 204
#   g. curl DELETE /s/{sub} -> 204; the held GET gets a pushed 410 for /s/{sub} and ends 410
#   h. a send to the push resource now -> 410
#   i. SIGTERM stops the service with exit status 0
# Every server is on 127.0.0.1 (port chosen by the system). Exit status 0 = pass.
# VERBOSE=1 prints the service's log even when everything passed.
set -uo pipefail

bin=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "FAIL: usage: $0 PATH/TO/webpush-service (got '${bin}')"
  exit 1
fi
source "$here/webpush_common.sh"
command -v nghttp >/dev/null 2>&1 ||
  die "nghttp not found: install the Debian package nghttp2-client (tests/run.sh does)"
command -v curl >/dev/null 2>&1 || die "curl not found: install the Debian package curl"
echo "$(nghttp --version 2>&1 | head -1); $(curl --version | head -1 | cut -d' ' -f1-2)"

# Waits up to 5 s for a line matching REGEX (wait_for) or containing TEXT (wait_for_text)
# in FILE.
wait_for() {  # wait_for FILE REGEX
  for _ in $(seq 50); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
wait_for_text() {  # wait_for_text FILE TEXT
  for _ in $(seq 50); do
    grep -qF "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# A header value from nghttp -v output ("recv (stream_id=N) name: value"), first match.
nghttp_header() {  # nghttp_header FILE NAME
  sed -n "s/^\[ *[0-9.]*\] recv (stream_id=[0-9]*) $2: //p" "$1" | head -1 | tr -d '\r'
}

# A header value from curl -i output (case-insensitive name), first match.
curl_header() {  # curl_header FILE NAME
  grep -i "^$2:" "$1" | head -1 | cut -d' ' -f2- | tr -d '\r'
}
curl_status() {  # curl_status FILE
  head -1 "$1" | cut -d' ' -f2
}

run() {  # run LABEL [service options...]
  local label=$1; shift
  local tls_opt=()
  start_service "$bin" "$@"
  local base=$service_url
  [[ $base == https:* ]] && tls_opt=(-k)
  echo "-- $label: webpush-service at $base"

  # a. subscribe (nghttp: POST with an empty body).
  local sub=$work/$label.subscribe
  timeout 10 nghttp -v "$base/subscribe" -d /dev/null > "$sub" 2>&1
  local location push
  location=$(nghttp_header "$sub" location)
  push=$(sed -n 's/^.* recv (stream_id=[0-9]*) link: <\([^>]*\)>; rel="urn:ietf:params:push"$/\1/p' \
         "$sub" | head -1)
  if grep -q ':status: 201' "$sub" && [[ $location == "$base/s/"* ]] && [[ $push == /p/* ]]; then
    pass "$label a. nghttp POST /subscribe -> 201, Location /s/..., Link rel=urn:ietf:params:push"
  else
    fail "$label a. subscribe: location '$location', push '$push'"; cat "$sub"; stop_service
    return
  fi
  if [[ $base == https:* ]]; then
    if grep -q 'The negotiated protocol: h2' "$sub"; then
      pass "$label    ALPN chose h2"
    else
      fail "$label    ALPN did not choose h2"
    fi
  fi

  # b. the user agent holds GET /s/{sub}; -t ends it at the latest after 8 s.
  local get=$work/$label.get
  timeout 15 nghttp -v -t 8 "$location" > "$get" 2>&1 &
  local get_pid=$!
  # The service's SETTINGS ACK follows its reading of nghttp's first flight (the GET
  # included), so the GET is held before the sends below.
  wait_for "$get" 'recv SETTINGS frame <length=0, flags=0x01' || fail "$label b. nghttp GET got no SETTINGS ACK"
  sleep 0.2

  # c. curl sends over HTTP/1.1 (RFC 8030 form: TTL required, opaque body).
  local text1="interop message 1 over HTTP/1.1 ($label, $RANDOM)"
  local post1=$work/$label.post1
  curl -sS -i --max-time 10 "${tls_opt[@]}" --http1.1 -X POST -H "TTL: 60" \
       -H "Content-Type: text/plain" --data-binary "$text1" "$base$push" > "$post1" 2>&1
  local m1
  m1=$(curl_header "$post1" location)
  if [ "$(curl_status "$post1")" = 201 ] && [[ $m1 == "$base/m/"* ]] &&
     [ "$(curl_header "$post1" ttl)" = 60 ]; then
    pass "$label c. curl --http1.1 POST $push with TTL: 60 -> 201, Location /m/..., TTL: 60"
  else
    fail "$label c. curl send"; cat "$post1"
  fi

  # d. nghttp sends over HTTP/2.
  local text2="interop message 2 over HTTP/2 ($label, $RANDOM)"
  printf '%s' "$text2" > "$work/$label.body2"
  local post2=$work/$label.post2
  timeout 10 nghttp -v -H "ttl: 30" -H "content-type: text/plain" -d "$work/$label.body2" \
    "$base$push" > "$post2" 2>&1
  local m2
  m2=$(nghttp_header "$post2" location)
  if grep -q ':status: 201' "$post2" && [[ $m2 == "$base/m/"* ]]; then
    pass "$label d. nghttp POST $push with ttl: 30 -> 201, Location /m/..."
  else
    fail "$label d. nghttp send"; cat "$post2"
  fi

  # e. both reach the held GET as server pushes.
  local p1=${m1#"$base"} p2=${m2#"$base"}
  wait_for_text "$get" "$text2" || true
  if grep -q 'recv PUSH_PROMISE frame' "$get" &&
     grep -qE "recv \(stream_id=[0-9]+\) :path: $p1\$" "$get" &&
     grep -qE "recv \(stream_id=[0-9]+\) :path: $p2\$" "$get" &&
     [ "$(grep -cE 'recv \(stream_id=[0-9]*[02468]\) :status: 200' "$get")" -eq 2 ] &&
     grep -qF "$text1" "$get" && grep -qF "$text2" "$get"; then
    pass "$label e. the held GET got PUSH_PROMISE :path $p1 and $p2, pushed 200, both bodies"
  else
    fail "$label e. pushed messages missing from the held GET"; cat "$get"
  fi

  # f. acknowledge the first message.
  local ack=$work/$label.ack
  curl -sS -i --max-time 10 "${tls_opt[@]}" --http1.1 -X DELETE "$m1" > "$ack" 2>&1
  if [ "$(curl_status "$ack")" = 204 ]; then
    pass "$label f. curl DELETE /m/... (acknowledge) -> 204"
  else
    fail "$label f. acknowledge"; cat "$ack"
  fi

  # g. unsubscribe: the service promises a 410 for /s/{sub} on the held GET and ends the GET
  # with 410. nghttp cancels the promised stream once its own request is answered (the
  # service sends the pushed response after the GET's), so only the promise is checked
  # here; webpush_python_h2.py reads the pushed 410 itself.
  local unsub=$work/$label.unsub
  curl -sS -i --max-time 10 "${tls_opt[@]}" --http1.1 -X DELETE "$location" > "$unsub" 2>&1
  local sub_path=${location#"$base"}
  local get_rc=0
  wait "$get_pid" || get_rc=$?
  if [ "$(curl_status "$unsub")" = 204 ] && [ "$get_rc" -eq 0 ] &&
     grep -qE "recv \(stream_id=[0-9]+\) :path: $sub_path\$" "$get" &&
     grep -qE 'recv \(stream_id=[0-9]*[13579]\) :status: 410' "$get" &&
     ! grep -q 'Timeout' "$get"; then
    pass "$label g. curl DELETE /s/... -> 204; the held GET got PUSH_PROMISE :path /s/... and ended 410"
  else
    fail "$label g. unsubscribe (nghttp exit $get_rc)"; cat "$unsub" "$get"
  fi

  # h. the push resource is gone.
  local gone=$work/$label.gone
  curl -sS -i --max-time 10 "${tls_opt[@]}" --http1.1 -X POST -H "TTL: 60" --data-binary x \
       "$base$push" > "$gone" 2>&1
  if [ "$(curl_status "$gone")" = 410 ]; then
    pass "$label h. a send after unsubscribing -> 410"
  else
    fail "$label h. send after unsubscribe"; cat "$gone"
  fi

  # i. clean exit on SIGTERM.
  local pid=${service_pids[0]} rc=0
  kill "$pid"
  wait "$pid" || rc=$?
  service_pids=()
  if [ "$rc" -eq 0 ]; then
    pass "$label i. SIGTERM: webpush-service exited with status 0"
  else
    fail "$label i. webpush-service exited with status $rc on SIGTERM"
  fi
}

run plaintext --plaintext
run tls

if [ "$failures" -eq 0 ]; then
  echo "all webpush nghttp checks passed"
  exit 0
fi
echo "$failures webpush nghttp check(s) failed"
exit 1
