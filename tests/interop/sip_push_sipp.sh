#!/usr/bin/env bash
# Interop: examples/sip-push-proxy against sipp (Debian package sip-tester), a SIP peer
# this project did not write. Usage: sip_push_sipp.sh PATH/TO/sip-push-proxy
#
# Cases (draft-ietf-sipcore-sip-push-04 section 5; the scenarios are in sipp/):
#   a. REGISTER with supported push parameters (fcm), UDP -> 200, Feature-Caps +sip.pns
#   a2. the same over TCP
#   b. REGISTER with an unsupported pn-provider -> 555 with Feature-Caps +sip.pns
#   c. REGISTER with incomplete parameters (fcm without pn-prid) -> 555
#   d. push flow: a sipp "phone" registers with fcm parameters; a sipp "caller" INVITEs
#      the AOR; the proxy holds it and writes a push request to its PNS log (checked as
#      JSON); the phone re-REGISTERs (driven from here, as a push would); the proxy
#      forwards the INVITE; 180/200 reach the caller; ACK and BYE complete the call
#   e. a MESSAGE for a phone that never re-registers -> 480 after the hold timeout
# Every server is on 127.0.0.1, on ports found free at run time. Exit status 0 = pass.
# VERBOSE=1 prints the proxy's transcript even when everything passed.
set -uo pipefail

proxy_bin=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
scenarios=$here/sipp
if [ -z "$proxy_bin" ] || [ ! -x "$proxy_bin" ]; then
  echo "FAIL: usage: $0 PATH/TO/sip-push-proxy (got '${proxy_bin}')"
  exit 1
fi
if ! command -v sipp >/dev/null 2>&1; then
  echo "FAIL: sipp not found: install the Debian package sip-tester (tests/run.sh does)"
  exit 1
fi
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 not found"; exit 1; }

work=$(mktemp -d)
pids=()
failures=0
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ "$failures" -ne 0 ] || [ -n "${VERBOSE:-}" ]; then
    echo "---- proxy transcript ----"
    cat "$work/proxy.log" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

source "$here/../net.sh"  # free_port
# Succeeds once something is bound to UDP 127.0.0.1:PORT (waits up to 5 s).
wait_udp_bound() {
  python3 -c '
import socket, sys, time
end = time.monotonic() + 5
while time.monotonic() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(0)
    finally:
        s.close()
    time.sleep(0.05)
sys.exit(1)' "$1"
}

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# sipp with the options every run shares: one call, 20 s at most, no keyboard, errors and
# messages logged in $work/NAME.*; the caller passes -p PORT (sipp's default is 5060).
# Usage: sipp_run NAME SCENARIO [sipp args...]
sipp_run() {
  local name=$1 scenario=$2; shift 2
  sipp -sf "$scenarios/$scenario" -m 1 -timeout 20s -timeout_error -nostdin \
       -i 127.0.0.1 -cp "$(free_port)" -trace_err -error_file "$work/$name.err" \
       -trace_msg -message_file "$work/$name.msg" "$@" > "$work/$name.out" 2>&1
}
# Shows why a sipp run failed: its error log, its messages, the tail of its screen.
explain() {
  local name=$1
  echo "---- sipp $name: errors ($work/$name.err) ----"
  cat "$work/$name.err" 2>/dev/null
  echo "---- sipp $name: messages ----"
  cat "$work/$name.msg" 2>/dev/null
  echo "---- sipp $name: output (tail) ----"
  tail -n 20 "$work/$name.out" 2>/dev/null
}
# check NAME DESCRIPTION EXIT-CODE
check() {
  if [ "$3" -eq 0 ]; then pass "$2"; else fail "$2 (sipp exit $3)"; explain "$1"; fi
}

proxy_port=$(free_port)
pns_log=$work/pns.jsonl
"$proxy_bin" --listen "127.0.0.1:$proxy_port" --providers apns,fcm --pns-log "$pns_log" \
  --hold-timeout-ms 3000 > "$work/proxy.log" 2>&1 &
pids+=($!)
proxy_pid=$!
if ! wait_udp_bound "$proxy_port"; then
  fail "sip-push-proxy did not start"; exit 1
fi
echo "sip-push-proxy on 127.0.0.1:$proxy_port, $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1)"
target=127.0.0.1:$proxy_port
fcm=";pn-provider=fcm;pn-param=123456;pn-prid=tok-"

# a. supported parameters -> 200 + Feature-Caps (UDP, then TCP).
sipp_run a register.xml "$target" -p "$(free_port)" -t u1 -key user bob -key cseq 1 \
  -key contact "127.0.0.1:$(free_port)" -key pn "${fcm}bob"
check a "a. REGISTER fcm over UDP -> 200 with Feature-Caps +sip.pns" $?
sipp_run a2 register.xml "$target" -p "$(free_port)" -t t1 -key user dave -key cseq 1 \
  -key contact "127.0.0.1:$(free_port)" -key pn "${fcm}dave;transport=tcp"
check a2 "a2. REGISTER fcm over TCP -> 200 with Feature-Caps +sip.pns" $?

# b. unsupported provider -> 555 + Feature-Caps.
sipp_run b register_555.xml "$target" -p "$(free_port)" -key user erin -key cseq 1 \
  -key contact "127.0.0.1:$(free_port)" -key pn ";pn-provider=acme-push;pn-prid=abc"
check b "b. REGISTER pn-provider=acme-push -> 555 with Feature-Caps +sip.pns" $?

# c. fcm without pn-prid -> 555.
sipp_run c register_555.xml "$target" -p "$(free_port)" -key user frank -key cseq 1 \
  -key contact "127.0.0.1:$(free_port)" -key pn ";pn-provider=fcm;pn-param=123456"
check c "c. REGISTER fcm without pn-prid -> 555" $?

# d. the push flow.
phone_port=$(free_port)
reg_args=(register.xml "$target" -p "$(free_port)" -key user alice -key contact "127.0.0.1:$phone_port"
          -key pn "${fcm}alice" -cid_str "alice-phone-registration@127.0.0.1")
sipp_run d-phone phone_uas.xml -p "$phone_port" -mp "$(free_port)" &
phone_pid=$!
pids+=($phone_pid)
wait_udp_bound "$phone_port" || fail "d. the sipp phone did not start"
sipp_run d-register "${reg_args[@]}" -key cseq 1
check d-register "d. phone REGISTERs with fcm push parameters -> 200" $?

sipp_run d-caller caller_invite.xml "$target" -p "$(free_port)" -mp "$(free_port)" &
caller_pid=$!
pids+=($caller_pid)
for _ in $(seq 100); do
  grep -q '"alice@example.com"' "$pns_log" 2>/dev/null && break
  sleep 0.1
done
if python3 - "$pns_log" <<'PY'; then
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if '"alice@example.com"' in l]
assert len(lines) == 1, "expected one push line for alice, got %d" % len(lines)
push = lines[0]
expected = {"provider": "fcm", "prid": "tok-alice", "param": "123456", "reason": "request",
            "aor": "alice@example.com"}
assert push == expected, "push line %r, expected %r" % (push, expected)
PY
  pass "d. the held INVITE caused one push request: $(grep alice "$pns_log")"
else
  fail "d. PNS log ($pns_log): $(cat "$pns_log" 2>/dev/null)"
fi

# The push "arrives": the phone re-registers (same Call-ID, next CSeq).
sipp_run d-reregister "${reg_args[@]}" -key cseq 2
check d-reregister "d. phone re-REGISTERs after the push -> 200" $?
wait "$caller_pid"
check d-caller "d. caller: 100, 180, 200 relayed from the woken phone; ACK; BYE -> 200" $?
wait "$phone_pid"
check d-phone "d. phone: got the INVITE at its registered Contact; answered; ACK; BYE" $?
# The INVITE was held: forwarded only after the re-REGISTER (draft 5.3), in the proxy's
# transcript order.
if python3 - "$work/proxy.log" <<'PY'; then
import sys
lines = open(sys.argv[1]).read().splitlines()
came = next(i for i, l in enumerate(lines) if l.startswith("<- INVITE sip:alice@example.com"))
went = next(i for i, l in enumerate(lines) if l.startswith("-> INVITE sip:alice@127.0.0.1"))
assert any(l.startswith("<- REGISTER") for l in lines[came:went]), "forwarded before a REGISTER"
assert "pn-prid=tok-alice" in lines[went], "not forwarded to the registered Contact"
PY
  pass "d. the proxy held the INVITE until the re-REGISTER, then forwarded it"
else
  fail "d. the proxy's transcript does not show the INVITE held until the re-REGISTER"
fi

# e. a phone that never wakes: 480 after the hold timeout (3 s).
sipp_run e-register register.xml "$target" -p "$(free_port)" -key user carol -key cseq 1 \
  -key contact "127.0.0.1:$(free_port)" -key pn "${fcm}carol"
check e-register "e. carol REGISTERs with fcm push parameters -> 200" $?
start=$(date +%s%N)
sipp_run e-caller caller_message.xml "$target" -p "$(free_port)" -key user carol
rc=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
check e-caller "e. MESSAGE to carol, who never re-registers -> 480 after ${elapsed_ms} ms" $rc
if [ "$rc" -eq 0 ] && [ "$elapsed_ms" -lt 2500 ]; then
  fail "e. the 480 came before the 3000 ms hold timeout (${elapsed_ms} ms)"
fi
grep -q '"carol@example.com"' "$pns_log" && pass "e. a push was requested for carol" ||
  fail "e. no push request for carol in the PNS log"

if ! kill -0 "$proxy_pid" 2>/dev/null; then fail "sip-push-proxy died"; fi
if [ "$failures" -eq 0 ]; then
  echo "interop sip_push_sipp: all passed"
  exit 0
fi
echo "interop sip_push_sipp: $failures failed"
exit 1
