#!/usr/bin/env bash
# Demos over loopback, each shown as a transcript. Usage:
# examples/demo.sh [sip|webpush|uaprofile] (default: all three). Builds in build-demo;
# installs missing Debian packages itself.
#
# sip: the SIP push demo (draft-ietf-sipcore-sip-push-04, RFC 8599):
#   1. sip-push-proxy starts: registrar for any domain, stand-in push service (PNS);
#   2. sip-push-phone registers alice with FCM push parameters (pn-provider/param/prid);
#   3. a caller (a few lines of Python below) sends an INVITE to alice: the proxy holds it
#      and asks the PNS for a push (one JSON line in the PNS log);
#   4. the push "arrives" (the word `push` on the phone's stdin): the phone re-registers,
#      the proxy forwards the held INVITE, the phone answers 180 and 200, the caller sends
#      ACK and, after a second, BYE straight to the phone's Contact (the proxy does not
#      Record-Route);
#   5. the phone unregisters and everything stops.
#
# webpush: the Web Push service (draft-damaggio-webpush-http2-00, RFC 8030):
#   1. webpush-service starts in plaintext: HTTP/2 with prior knowledge and HTTP/1.1 on one
#      port;
#   2. a user agent (nghttp, HTTP/2) subscribes and holds GET on its subscription;
#   3. an application server (curl, HTTP/1.1) sends a message with TTL to the push
#      resource: the user agent gets it as an HTTP/2 server push (PUSH_PROMISE /m/{id});
#   4. the application server sends in the draft's JSON form asking for a receipt (the user
#      agent gets that message too) and holds GET on the receipt subscription the answer
#      links (nghttp);
#   5. the user agent acknowledges both (DELETE /m/{id}): the receipt is pushed to the
#      application server;
#   6. the user agent unsubscribes: its GET ends with 410; the service stops.
#
# uaprofile: the SIP ua-profile event package (draft-ietf-sipping-config-framework-08):
#   1. ua-profile-server starts with a profile directory: local-network, device and user
#      profiles as files, served over loopback HTTP;
#   2. ua-profile-phone discovers (8.1): local-network, device, user, application; each
#      SUBSCRIBE is answered 200 and a NOTIFY pointing at the profile (content
#      indirection); the phone fetches it, checks its SHA-1 and makes it effective;
#   3. the administrator edits the device profile: the server NOTIFYs the phone with
#      effective-by, the phone fetches and applies the new version;
#   4. the phone quits (unsubscribes everything); the server stops.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
case $what in
  sip | webpush | uaprofile | all) ;;
  *) echo "usage: $0 [sip|webpush|uaprofile]" >&2; exit 2 ;;
esac
source tests/deps.sh
deps=("${PUSHCORE_BUILD_DEPS[@]}")
targets=()
if [ "$what" = sip ] || [ "$what" = all ]; then
  deps+=(sip-tester)
  targets+=(sip-push-proxy sip-push-phone)
fi
if [ "$what" = webpush ] || [ "$what" = all ]; then
  deps+=(nghttp2-client curl)
  targets+=(webpush-service)
fi
if [ "$what" = uaprofile ] || [ "$what" = all ]; then
  targets+=(ua-profile-server ua-profile-phone)
fi
pushcore_deps "${deps[@]}"

echo "== building the examples (build-demo)"
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPUSHCORE_BUILD_TESTS=OFF \
      -DPUSHCORE_BUILD_EXAMPLES=ON >/dev/null
cmake --build build-demo -j "$(nproc)" --target "${targets[@]}" >/dev/null
bin=build-demo/examples

work=$(mktemp -d)
pids=()
cleanup() {
  exec 3>&- 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source tests/net.sh  # free_port

# One transcript per demo: every program appends its lines, prefixed "NAME | " (--label,
# or a filter below), to one file (each line a single write, so the order is the order
# things happened), and the narration goes there too; tail shows it as it grows.
new_transcript() {  # new_transcript NAME: sets log
  log=$work/$1.log
  : > "$log"
  tail -n +1 -f "$log" &
  pids+=($!)
  tail_pid=$!
}
say() { echo "$*" >> "$log"; }
# Runs a program in the background, appending to the transcript. Its stdin is start's own
# (the explicit `<&0` stops bash from giving a background job /dev/null).
start() {  # start COMMAND...
  "$@" <&0 >> "$log" 2>&1 &
  pids+=($!)
}
# Waits up to 10 s for a line matching REGEX in a file.
wait_for() {  # wait_for FILE REGEX
  for _ in $(seq 100); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: timed out waiting for /$2/ in $(basename "$1")" >&2
  return 1
}

sip_demo() {
  proxy_port=$(free_port)
  phone_port=$(free_port)
  new_transcript sip

  say
  say "== 1. the proxy: registrar + stand-in PNS on udp+tcp 127.0.0.1:$proxy_port"
  start "$bin/sip-push-proxy" --label proxy --listen "127.0.0.1:$proxy_port" --providers apns,fcm \
    --pns-log "$work/pns.log" --hold-timeout-ms 10000
  proxy_pid=$!
  wait_for "$log" "^proxy  \| pushcore"

  say
  say "== 2. the phone registers alice with FCM push parameters"
  # The phone's stdin is its stand-in push channel: a FIFO that this script writes to on
  # fd 3 (opened read-write, so that opening it does not wait for the phone).
  mkfifo "$work/phone.in"
  exec 3<>"$work/phone.in"
  start "$bin/sip-push-phone" --label phone --proxy "127.0.0.1:$proxy_port" \
    --local "127.0.0.1:$phone_port" --aor sip:alice@example.com \
    --provider fcm --param 123456 --prid "fcm-token:APA91bDemo" <&3
  wait_for "$log" "^phone  \| registered:"
  sleep 0.2

  say
  say "== 3. bob calls alice: the proxy holds the INVITE and asks the PNS for a push"
  cat > "$work/caller.py" <<'PY'
# A tiny SIP caller (UDP, stdlib only): INVITE via the proxy; ACK and BYE to the Contact.
import os, random, re, socket, sys, time

proxy = ("127.0.0.1", int(sys.argv[1]))
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
me = "127.0.0.1:%d" % sock.getsockname()[1]
call_id, tag = "demo-%08x" % random.getrandbits(32), "%06x" % random.getrandbits(24)
deadline = time.monotonic() + 20

def say(line):  # one write per line: the transcript is shared
    os.write(1, ("caller | " + line + "\n").encode())

def branch():
    return "z9hG4bK%010x" % random.getrandbits(40)

def request(method, uri, cseq, to, body=""):
    return ("%s %s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=%s\r\nMax-Forwards: 70\r\n"
            "From: <sip:bob@example.org>;tag=%s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
            "Contact: <sip:bob@%s>\r\n%sContent-Length: %d\r\n\r\n%s"
            % (method, uri, me, branch(), tag, to, call_id, cseq, method, me,
               "Content-Type: application/sdp\r\n" if body else "", len(body), body)).encode()

def header(msg, name):
    m = re.search(r"^%s:\s*(.*?)\r$" % name, msg, re.M | re.I)
    return m.group(1) if m else ""

def responses():
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data, _ = sock.recvfrom(65535)
        except socket.timeout:
            break
        msg = data.decode(errors="replace")
        if msg.startswith("SIP/2.0 "):
            say("<- %s" % msg.split("\r\n")[0][8:])
            yield int(msg.split()[1]), msg
    say("no final response in time")
    sys.exit(1)

sdp = ("v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio 40000 RTP/AVP 0\r\n")
say("-> INVITE sip:alice@example.com to the proxy %s:%d" % proxy)
sock.sendto(request("INVITE", "sip:alice@example.com", 1, "<sip:alice@example.com>", sdp), proxy)
for code, msg in responses():
    if code >= 200:
        break
if code != 200:
    say("call failed: %d" % code)
    sys.exit(1)
to, contact = header(msg, "To"), re.search(r"<([^>]*)>", header(msg, "Contact")).group(1)
host, port = re.match(r"sips?:(?:[^@]*@)?([^:;>]+):(\d+)", contact).groups()
phone = (host, int(port))
say("-> ACK %s  (straight to the phone's Contact: the proxy did not Record-Route)" % contact)
sock.sendto(request("ACK", contact, 1, to), phone)
say("   ... talking for a second ...")
time.sleep(1)
say("-> BYE %s" % contact)
sock.sendto(request("BYE", contact, 2, to), phone)
for code, msg in responses():
    if code >= 200:
        break
say("call completed" if code == 200 else "BYE failed: %d" % code)
sys.exit(0 if code == 200 else 1)
PY
  start python3 "$work/caller.py" "$proxy_port"
  caller_pid=${pids[-1]}
  wait_for "$work/pns.log" "provider"
  sleep 0.2
  say
  say "   the PNS log ($work/pns.log) got one JSON line:"
  sed 's/^/     /' "$work/pns.log" >> "$log"

  say
  say "== 4. the push reaches the phone: it re-registers and gets the held INVITE"
  echo push >&3
  caller_rc=0
  wait "$caller_pid" || caller_rc=$?

  say
  say "== 5. the phone unregisters; the proxy stops"
  echo quit >&3
  wait_for "$log" "^phone  \| unregistered" || true
  sleep 0.2
  kill "$proxy_pid" 2>/dev/null || true
  wait "$proxy_pid" 2>/dev/null || true
  sleep 0.3  # let tail show the last lines
  kill "$tail_pid" 2>/dev/null || true

  echo
  if [ "$caller_rc" -eq 0 ] && grep -q "^phone  | call: ended" "$log"; then
    echo "== sip demo OK: the INVITE held for the sleeping phone reached it after the push"
  else
    echo "== sip demo FAILED (caller exit $caller_rc)"
    return 1
  fi
}

# ---- Web Push -------------------------------------------------------------------------

# Prefixes each line of stdin with "NAME | " (NAME padded to 6) into the transcript.
label() {  # label NAME
  local name
  name=$(printf '%-6s' "$1")
  sed -u "s/^/$name | /" >> "$log"
}

# nghttp -v output, shortened for the transcript: the fields received ("<- [stream] name:
# value"), where a push was promised, and response bodies ("<- body: ...").
nghttp_view() {  # nghttp_view NAME
  local line promise=0
  local glued='^([^[ ].*)(\[ *[0-9]+\.[0-9]+\] .*)$'
  local timed='^\[ *[0-9]+\.[0-9]+\] (.*)$'
  local field='^recv \(stream_id=([0-9]+)\) (.*)$'
  local promised='promised_stream_id=([0-9]+)'
  local text='^[^[ ]'
  # A read loop, not awk or sed: each line is passed on as soon as nghttp writes it.
  while IFS= read -r line; do
    if [[ $line =~ $glued ]]; then  # a body without a final newline runs into the next line
      echo "<- body: ${BASH_REMATCH[1]}"
      line=${BASH_REMATCH[2]}
    fi
    if [[ $line =~ $timed ]]; then
      line=${BASH_REMATCH[1]}
      if [[ $line =~ $field ]]; then
        echo "<- [${BASH_REMATCH[1]}] ${BASH_REMATCH[2]}"
      elif [[ $line == "recv PUSH_PROMISE frame"* ]]; then
        promise=1
      fi
    elif [ "$promise" = 1 ] && [[ $line =~ $promised ]]; then
      echo "<- PUSH_PROMISE: the response comes on stream ${BASH_REMATCH[1]}"
      promise=0
    elif [[ $line =~ $text && $line != "Some requests"* && $line != "The negotiated"* ]]; then
      echo "<- body: $line"
    fi
  done | label "$1"
}

# curl -i output for the transcript: the status line and fields ("<- ..."), then the body.
curl_view() {  # curl_view NAME FILE
  tr -d '\r' < "$2" | sed '/^$/d; s/^/<- /' | label "$1"
}

# A response field from curl -i output.
curl_field() {  # curl_field FILE NAME
  tr -d '\r' < "$1" | grep -i "^$2:" | head -1 | cut -d' ' -f2-
}

webpush_demo() {
  local port base
  port=$(free_port)
  base=http://127.0.0.1:$port
  new_transcript webpush

  say
  say "== Web Push 1. the push service: HTTP/2 (prior knowledge) and HTTP/1.1 on 127.0.0.1:$port"
  "$bin/webpush-service" --listen "127.0.0.1:$port" --plaintext > >(label push) 2>&1 &
  pids+=($!)
  local service_pid=$!
  wait_for "$log" "^push   \| listening on"

  say
  say "== Web Push 2. a user agent (nghttp, HTTP/2) subscribes, then holds GET on its subscription"
  say "ua     | -> POST $base/subscribe"
  nghttp -v -d /dev/null "$base/subscribe" > "$work/subscribe.out" 2>&1
  nghttp_view ua < "$work/subscribe.out"
  local location push
  location=$(sed -n 's/^.* recv (stream_id=[0-9]*) location: //p' "$work/subscribe.out" | head -1)
  push=$(sed -n 's/^.* link: <\([^>]*\)>; rel="urn:ietf:params:push"$/\1/p' "$work/subscribe.out")
  say "ua     | -> GET $location  (held: messages come as server pushes on it)"
  nghttp -v -t 30 "$location" > >(nghttp_view ua) 2>&1 &
  pids+=($!)
  local ua_pid=$!
  sleep 0.5

  say
  say "== Web Push 3. an application server (curl, HTTP/1.1) sends: RFC 8030, TTL and an opaque body"
  say "app    | -> POST $base$push  TTL: 60  Content-Type: text/plain"
  curl -sS -i --http1.1 -X POST -H "TTL: 60" -H "Content-Type: text/plain" \
       --data-binary $'Hello from the application server\n' "$base$push" > "$work/send1.out"
  curl_view app "$work/send1.out"
  local m1
  m1=$(curl_field "$work/send1.out" location)
  wait_for "$log" "^ua     \| <- body: Hello from the application server"

  say
  say "== Web Push 4. the application server sends in the draft's JSON form, asking for a"
  say "   receipt: the answer links a receipt subscription, which it holds GET on (nghttp)"
  local json='{"message":{"title":"Hi","body":"the JSON form"},"request_receipt":true,"time_to_live":60}'
  say "app    | -> POST $base$push  Content-Type: application/json  $json"
  curl -sS -i --http1.1 -X POST -H "Content-Type: application/json" --data-binary "$json" \
       "$base$push" > "$work/send2.out"
  curl_view app "$work/send2.out"
  local m2 receipt
  m2=$(curl_field "$work/send2.out" location)
  receipt=$(curl_field "$work/send2.out" link | sed -n 's/^<\([^>]*\)>; rel="urn:ietf:params:push:receipt"$/\1/p')
  wait_for "$log" '^ua     \| <- body: \{"title":"Hi"'
  say "app    | -> GET $base$receipt  (held: receipts come as server pushes on it)"
  nghttp -v -t 30 "$base$receipt" > >(nghttp_view app) 2>&1 &
  pids+=($!)
  local receipt_pid=$!
  sleep 0.5

  say
  say "== Web Push 5. the user agent acknowledges both messages (DELETE /m/{id}); the receipt"
  say "   for the second is pushed to the application server"
  local m
  for m in "$m1" "$m2"; do
    say "ua     | -> DELETE $m"
    curl -sS -i --http1.1 -X DELETE "$m" > "$work/ack.out"
    curl_view ua "$work/ack.out"
  done
  wait_for "$log" "^app    \| <- \[[0-9]*[02468]\] :status: 204"

  say
  say "== Web Push 6. the user agent unsubscribes: its held GET ends with 410"
  say "ua     | -> DELETE $location"
  curl -sS -i --http1.1 -X DELETE "$location" > "$work/unsubscribe.out"
  curl_view ua "$work/unsubscribe.out"
  local ua_rc=0
  wait "$ua_pid" || ua_rc=$?
  kill "$receipt_pid" 2>/dev/null || true
  sleep 0.2
  kill "$service_pid" 2>/dev/null || true
  wait "$service_pid" 2>/dev/null || true
  sleep 0.3  # let tail show the last lines
  kill "$tail_pid" 2>/dev/null || true

  echo
  if grep -q "^ua     | <- body: Hello from the application server" "$log" &&
     grep -q '^ua     | <- body: {"title":"Hi"' "$log" &&
     grep -qE "^app    \| <- \[[0-9]*[02468]\] :status: 204" "$log" &&
     grep -qE "^ua     \| <- \[[0-9]*[13579]\] :status: 410" "$log"; then
    echo "== webpush demo OK: both messages reached the user agent as HTTP/2 server pushes,"
    echo "   and the receipt reached the application server"
  else
    echo "== webpush demo FAILED (nghttp exit $ua_rc)"
    return 1
  fi
}

# ---- ua-profile -----------------------------------------------------------------------

uaprofile_demo() {
  local port profiles
  port=$(free_port)
  profiles=$work/profiles
  new_transcript uaprofile

  mkdir -p "$profiles/local-network" "$profiles/device" "$profiles/user"
  printf 'ntp=192.0.2.123\nsyslog=192.0.2.5\n' > "$profiles/local-network/MAC:00DF1E004CD0"
  printf 'firmware=2.1.0\nringtone=classic\n' > "$profiles/device/MAC:00DF1E004CD0"
  printf 'display-name=Alice\nvoicemail=*97\n' > "$profiles/user/alice@example.com"
  say
  say "== ua-profile 1. the profile delivery server: SIP on udp+tcp 127.0.0.1:$port, the"
  say "   profiles (files under $profiles) over HTTP on loopback"
  start "$bin/ua-profile-server" --label server --listen "127.0.0.1:$port" \
    --profiles "$profiles" --effective-by 60
  local server_pid=$!
  wait_for "$log" "^server \| listening:"

  say
  say "== ua-profile 2. the phone MAC 00:DF:1E:00:4C:D0 in domain example.com discovers its"
  say "   profiles: local-network, device, user (alice), application; fetches and verifies each"
  mkfifo "$work/uaphone.in"
  exec 4<>"$work/uaphone.in"
  start "$bin/ua-profile-phone" --label phone --server "127.0.0.1:$port" \
    --device 00:DF:1E:00:4C:D0 --domain example.com --user sip:alice@example.com <&4
  local phone_pid=$!
  wait_for "$log" "^phone  \| discovery: complete"
  sleep 0.3

  say
  say "== ua-profile 3. the administrator changes the device profile: a NOTIFY with"
  say "   effective-by, a new fetch, the new version effective"
  printf 'firmware=2.2.0\nringtone=classic\n' > "$profiles/device/MAC:00DF1E004CD0.new"
  mv "$profiles/device/MAC:00DF1E004CD0.new" "$profiles/device/MAC:00DF1E004CD0"
  wait_for "$log" "^phone  \| effective: device .*firmware=2.2.0"
  sleep 0.2

  say
  say "== ua-profile 4. the phone quits: it unsubscribes; the server stops"
  echo quit >&4
  local phone_rc=0
  wait "$phone_pid" || phone_rc=$?
  exec 4>&-
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  sleep 0.3  # let tail show the last lines
  kill "$tail_pid" 2>/dev/null || true

  echo
  if [ "$phone_rc" -eq 0 ] &&
     grep -q "^phone  | effective: local-network .*hash verified" "$log" &&
     grep -q "^phone  | effective: user .*hash verified" "$log" &&
     grep -q "^phone  | effective: device .*firmware=2.2.0" "$log"; then
    echo "== uaprofile demo OK: the phone found, fetched and verified its profiles, and"
    echo "   applied the changed device profile the server notified it of"
  else
    echo "== uaprofile demo FAILED (phone exit $phone_rc)"
    return 1
  fi
}

if [ "$what" = sip ] || [ "$what" = all ]; then sip_demo; fi
if [ "$what" = webpush ] || [ "$what" = all ]; then webpush_demo; fi
if [ "$what" = uaprofile ] || [ "$what" = all ]; then uaprofile_demo; fi
