#!/usr/bin/env bash
# The SIP push demo over loopback (draft-ietf-sipcore-sip-push-04, RFC 8599):
#   1. sip-push-proxy starts: registrar for any domain, stand-in push service (PNS);
#   2. sip-push-phone registers alice with FCM push parameters (pn-provider/param/prid);
#   3. a caller (a few lines of Python below) sends an INVITE to alice: the proxy holds it
#      and asks the PNS for a push (one JSON line in the PNS log);
#   4. the push "arrives" (the word `push` on the phone's stdin): the phone re-registers,
#      the proxy forwards the held INVITE, the phone answers 180 and 200, the caller sends
#      ACK and, after a second, BYE straight to the phone's Contact (the proxy does not
#      Record-Route);
#   5. the phone unregisters and everything stops.
# Builds in build-demo; installs missing Debian packages itself. Usage: examples/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/deps.sh
pushcore_deps "${PUSHCORE_BUILD_DEPS[@]}" sip-tester

echo "== building the examples (build-demo)"
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPUSHCORE_BUILD_TESTS=OFF \
      -DPUSHCORE_BUILD_EXAMPLES=ON >/dev/null
cmake --build build-demo -j "$(nproc)" --target sip-push-proxy sip-push-phone >/dev/null
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
proxy_port=$(free_port)
phone_port=$(free_port)

# One transcript: every program appends its lines, prefixed "NAME | " (--label), to one
# file (each line a single write, so the order is the order things happened), and the
# narration goes there too; tail shows it as it grows.
log=$work/transcript.log
: > "$log"
tail -n +1 -f "$log" &
pids+=($!)
tail_pid=$!
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
  echo "== demo OK: the INVITE held for the sleeping phone reached it after the push"
else
  echo "== demo FAILED (caller exit $caller_rc)"
  exit 1
fi
