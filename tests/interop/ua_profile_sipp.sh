#!/usr/bin/env bash
# Interop: examples/ua-profile-server against sipp (Debian package sip-tester), a SIP peer
# this project did not write. Usage: ua_profile_sipp.sh PATH/TO/ua-profile-server
#
# Cases (draft-ietf-sipping-config-framework-08 sections 7.1-7.7, 7.12; the scenarios are
# sipp/ua_*.xml). Each is a SUBSCRIBE from sipp answered 2xx, then a NOTIFY that sipp
# checks with regexps and answers 200; what sipp extracts (URL, hash, body) it logs, and
# this script compares it with the profile files:
#   a. device profile over UDP, Accept: message/external-body: NOTIFY active with content
#      indirection (URL, SHA-1 hash); the URL fetched over HTTP gives the file and its hash;
#      then an unsubscribe (Expires 0) in the same dialog -> 2xx, NOTIFY terminated
#   b. user profile (sip:alice@example.test)
#   c. application profile (draft form) and local-network profile (the device at a domain)
#   d. Accept lists only text/plain: the profile inline, Content-Type text/plain
#   e. a device without a profile file: 2xx and a NOTIFY without body
#   f. plug-and-play (Expires 0, Accept: application/url) with the Request-URI user parts
#      deployed phones send (MAC%3a..., MAC:..., MAC=..., lower-case hex) and one with
#      profile-type=application: 2xx, one NOTIFY, terminated, body the URL
#   g. change notification: the file is rewritten under an active subscription -> a second
#      NOTIFY with the new hash
#   h. a device profile (urn:uuid Request-URI) over TCP: the NOTIFY on that connection,
#      its Via naming TCP
#   i. errors: Event: presence -> 489 with Allow-Events; no vendor -> 400 naming vendor;
#      Expires 10 -> 423 with Min-Expires
# Every server is on 127.0.0.1, on ports found free at run time. Exit status 0 = pass.
# VERBOSE=1 prints the server's transcript even when everything passed.
set -uo pipefail

server_bin=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
scenarios=$here/sipp
if [ -z "$server_bin" ] || [ ! -x "$server_bin" ]; then
  echo "FAIL: usage: $0 PATH/TO/ua-profile-server (got '${server_bin}')"
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
    echo "---- server transcript ----"
    cat "$work/server.log" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

source "$here/../net.sh"  # free_port

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# sipp with the options every run shares: one call, 10 s at most and 5 s per expected
# message, no keyboard, errors, messages and log actions in $work/NAME.*. The dialog (the
# Call-ID and the From tag) is named after NAME, or after $dialog when set, so that a later
# run can continue it. Usage: [dialog=ID] sipp_run NAME SCENARIO [sipp args...]
sipp_run() {
  local name=$1 scenario=$2; shift 2
  local id=${dialog:-$name}
  sipp -sf "$scenarios/$scenario" -m 1 -timeout 10s -timeout_error -recv_timeout 5000 \
       -nostdin -i 127.0.0.1 -p "$(free_port)" -cp "$(free_port)" \
       -cid_str "ua-$id-$$@127.0.0.1" -key fromtag "tag-$id-$$" \
       -trace_err -error_file "$work/$name.err" -trace_msg -message_file "$work/$name.msg" \
       -trace_logs -log_file "$work/$name.log" "$@" > "$work/$name.out" 2>&1
}
# Shows why a case failed: sipp's error log, its messages, its log actions, its screen.
explain() {
  local name=$1
  echo "---- sipp $name: errors ($work/$name.err) ----"
  cat "$work/$name.err" 2>/dev/null
  echo "---- sipp $name: messages ----"
  cat "$work/$name.msg" 2>/dev/null
  echo "---- sipp $name: logged ----"
  cat "$work/$name.log" 2>/dev/null
  echo "---- sipp $name: output (tail) ----"
  tail -n 20 "$work/$name.out" 2>/dev/null
}
# check NAME DESCRIPTION EXIT-CODE
check() {
  if [ "$3" -eq 0 ]; then pass "$2"; else fail "$2 (sipp exit $3)"; explain "$1"; fi
}
# A value sipp logged ("key=value" lines of $work/NAME.log), blanks trimmed.
# Usage: logged NAME KEY
logged() {
  sed -n "s/^$2=//p" "$work/$1.log" 2>/dev/null | tail -n 1 | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

# Compares what sipp logged for case NAME with the profile file: the URL names the file
# (http://127.0.0.1:HPORT/TYPE/<percent-encoded identity>); GET of it returns the file's
# bytes; the hash, when one was logged, is their SHA-1. Extra checks by option:
#   --hash-key K / --url-key K   read the hash / URL from another key (default hash, url)
#   --inner TYPE                 the external body's Content-Type must be TYPE
#   --no-hash                    no hash to check (application/url)
# Usage: verify_profile NAME TYPE IDENTITY FILE [options]
verify_profile() {
  python3 - "$work/$1.log" "$http_port" "$2" "$3" "$4" "${@:5}" <<'PY'
import hashlib, sys, urllib.parse, urllib.request
log, hport, ptype, identity, path = sys.argv[1:6]
opts = sys.argv[6:]
def expect(ok, why):  # not assert: PYTHONOPTIMIZE would drop the checks
    if not ok:
        raise AssertionError(why)
def main():
    def opt(name, default=None):
        return opts[opts.index(name) + 1] if name in opts else default
    values = {}
    for line in open(log, encoding="utf-8", errors="replace"):
        key, eq, value = line.rstrip("\n").partition("=")
        if eq:
            values[key] = value.strip()
    url = values.get(opt("--url-key", "url"), "")
    prefix = "http://127.0.0.1:%s/%s/" % (hport, ptype)
    expect(url.startswith(prefix), "URL %r is not under %s" % (url, prefix))
    named = urllib.parse.unquote(url[len(prefix):])
    expect(named == identity, "URL %r names %r, expected %r" % (url, named, identity))
    want = open(path, "rb").read()
    with urllib.request.urlopen(url, timeout=5) as r:
        expect(r.status == 200, "GET %s: %d" % (url, r.status))
        got = r.read()
    expect(got == want, "GET %s: %d bytes that differ from %s (%d bytes)" % (
        url, len(got), path, len(want)))
    if "--no-hash" not in opts:
        h = values.get(opt("--hash-key", "hash"), "")
        sha1 = hashlib.sha1(want).hexdigest()
        expect(h.lower() == sha1, "hash %r, but the file's SHA-1 is %s" % (h, sha1))
    inner = opt("--inner")
    if inner is not None:
        expect(values.get("inner", "").lower() == inner,
               "external body Content-Type %r, expected %r" % (values.get("inner"), inner))
    print("%s (%d bytes%s)" % (url, len(got), "" if "--no-hash" in opts else ", SHA-1 matches"))
try:
    main()
except Exception as e:  # one line for the FAIL message
    print("%s: %s" % (type(e).__name__, e))
    sys.exit(1)
PY
}
# verify_case NAME DESCRIPTION TYPE IDENTITY FILE [verify_profile options]: the sipp part
# must have passed already (its exit code in $rc).
verify_case() {
  local name=$1 what=$2; shift 2
  local detail
  if detail=$(verify_profile "$name" "$@" 2>&1); then
    pass "$what: $detail"
  else
    fail "$what: $detail"
    explain "$name"
  fi
}
# Whether the server's transcript has a line matching an extended regexp.
transcript_has() { grep -Eq -- "$1" "$work/server.log"; }

# ---- profiles -------------------------------------------------------------------------
profiles=$work/profiles
mkdir -p "$profiles"/{device,user,application,local-network}
mac=MAC:00DF1E004CD0
uuid=urn:uuid:f81d4fae-7ced-11d0-a765-00a0c91e6bf6
change_mac=MAC:00DF1E00CAFE
printf 'device %s\nsip.registrar=sip:example.test\nline1.user=alice\n' "$mac" \
  > "$profiles/device/$mac"
printf 'device %s\ntransport=tcp\n' "$uuid" > "$profiles/device/$uuid"
printf 'user alice@example.test\ndisplay-name=Alice\nvoicemail=sip:vm@example.test\n' \
  > "$profiles/user/alice@example.test"
printf 'application alice@example.test\nbuddy-list=bob@example.test\n' \
  > "$profiles/application/alice@example.test"
printf 'application %s@example.test\nprovisioning=plug-and-play\n' "$mac" \
  > "$profiles/application/$mac@example.test"
printf 'local-network %s\noutbound-proxy=sip:proxy.example.test\n' "$mac" \
  > "$profiles/local-network/$mac"
printf 'device %s\nrevision=1\n' "$change_mac" > "$profiles/device/$change_mac"

# ---- the server -------------------------------------------------------------------------
sip_port=$(free_port)
http_port=$(free_port)
"$server_bin" --listen "127.0.0.1:$sip_port" --profiles "$profiles" --http-port "$http_port" \
  --poll-ms 100 > "$work/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 100); do
  grep -q '^listening:' "$work/server.log" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.05
done
listening="listening: sip udp+tcp 127.0.0.1:$sip_port, http 127.0.0.1:$http_port, profiles $profiles"
if ! grep -qxF "$listening" "$work/server.log"; then
  fail "ua-profile-server did not start (expected the line '$listening')"
  exit 1
fi
echo "ua-profile-server on 127.0.0.1:$sip_port (http $http_port)," \
     "$(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1)"
target=127.0.0.1:$sip_port
params='vendor="acme";model="x1";version="1.0"'
indirect='message/external-body, text/plain'

# a. device profile over UDP, content indirection, fetch, unsubscribe.
ruri_a="sip:MAC%3a00DF1E004CD0@example.test"
event_a="ua-profile;profile-type=device;$params"
sipp_run a ua_subscribe.xml "$target" -t u1 -key ruri "$ruri_a" -key event "$event_a" \
  -key accept "$indirect" -key expires 3600
rc=$?
check a "a. device SUBSCRIBE $ruri_a over UDP -> 2xx, NOTIFY active with message/external-body" $rc
if [ "$rc" -eq 0 ]; then
  verify_case a "a. the NOTIFY's URL serves the device profile, its hash is the SHA-1" \
    device "$mac" "$profiles/device/$mac" --inner text/plain
  granted=$(logged a granted)
  if [ -n "$granted" ] && [ "$granted" -gt 0 ] && [ "$granted" -le 3600 ]; then
    pass "a. 2xx Expires $granted (asked 3600)"
  else
    fail "a. 2xx Expires '$granted' (asked 3600)"
  fi
  transcript_has "^subscribed: #[0-9]+ device $mac vendor=acme model=x1 version=1.0 expires=3600 known=1" &&
    pass "a. server transcript: subscribed device $mac known=1" ||
    fail "a. no 'subscribed: ... device $mac ... known=1' in the server transcript"
  terminated_before=$(grep -c '^terminated: ' "$work/server.log")
  dialog=a sipp_run a-unsub ua_unsubscribe.xml "$target" -t u1 -key ruri "$ruri_a" \
    -key event "$event_a" -key accept "$indirect" -key totag "$(logged a totag)" -key seq 2
  rc=$?
  check a-unsub "a. unsubscribe (Expires 0, same dialog) -> 2xx Expires 0, NOTIFY terminated without body ($(logged a-unsub state))" $rc
  [ "$(grep -c '^terminated: .*unsubscribed' "$work/server.log")" -gt "$terminated_before" ] &&
    pass "a. server transcript: the subscription terminated (unsubscribed)" ||
    fail "a. no 'terminated: ... unsubscribed' in the server transcript"
fi

# b. user profile.
sipp_run b ua_subscribe.xml "$target" -key ruri "sip:alice@example.test" \
  -key event "ua-profile;profile-type=user;$params" -key accept "$indirect" -key expires 3600
rc=$?
check b "b. user SUBSCRIBE sip:alice@example.test -> 2xx, NOTIFY with message/external-body" $rc
[ "$rc" -eq 0 ] && verify_case b "b. user profile by URL and hash" \
  user alice@example.test "$profiles/user/alice@example.test" --inner text/plain

# c. application profile (draft form), then local-network (the device at the domain).
sipp_run c-app ua_subscribe.xml "$target" -key ruri "sip:alice@example.test" \
  -key event "ua-profile;profile-type=application;$params" -key accept "$indirect" \
  -key expires 3600
rc=$?
check c-app "c. application SUBSCRIBE sip:alice@example.test -> 2xx, NOTIFY with message/external-body" $rc
[ "$rc" -eq 0 ] && verify_case c-app "c. application profile by URL and hash" \
  application alice@example.test "$profiles/application/alice@example.test" --inner text/plain
sipp_run c-net ua_subscribe.xml "$target" -key ruri "sip:MAC%3a00DF1E004CD0@example.test" \
  -key event "ua-profile;profile-type=local-network;$params" -key accept "$indirect" \
  -key expires 3600
rc=$?
check c-net "c. local-network SUBSCRIBE sip:MAC%3a00DF1E004CD0@example.test -> 2xx, NOTIFY with message/external-body" $rc
[ "$rc" -eq 0 ] && verify_case c-net "c. local-network profile by URL and hash" \
  local-network "$mac" "$profiles/local-network/$mac" --inner text/plain

# d. Accept: text/plain only -> the profile inline.
sipp_run d ua_subscribe_inline.xml "$target" -key ruri "$ruri_a" -key event "$event_a" \
  -key accept "text/plain" -key expires 3600
rc=$?
check d "d. device SUBSCRIBE with Accept: text/plain -> 2xx, NOTIFY with the profile inline" $rc
if [ "$rc" -eq 0 ]; then
  if detail=$(python3 - "$work/d.log" "$profiles/device/$mac" <<'PY' 2>&1
import sys
log = open(sys.argv[1], "rb").read()
want = open(sys.argv[2], "rb").read()
start = log.find(b"body<<")
end = log.rfind(b">>")
ctype = [l for l in log.splitlines() if l.startswith(b"ctype=")]
if start < 0 or end < start:
    sys.exit("sipp logged no body")
body = log[start + 6:end]
if body != want:
    sys.exit("body %r, file %r" % (body, want))
if not ctype or ctype[-1][6:].strip().lower() != b"text/plain":
    sys.exit("Content-Type %r, expected text/plain" % ctype)
print("%d bytes, Content-Type text/plain" % len(body))
PY
  ); then
    pass "d. the inline body is the profile file: $detail"
  else
    fail "d. inline body: $detail"; explain d
  fi
fi

# e. a device without a profile -> NOTIFY without body.
sipp_run e ua_subscribe_nobody.xml "$target" -key ruri "sip:MAC%3a00DF1E00EEEE@example.test" \
  -key event "ua-profile;profile-type=device;$params" -key accept "$indirect" -key expires 3600
check e "e. SUBSCRIBE for MAC:00DF1E00EEEE (no profile) -> 2xx, NOTIFY active without body" $?
transcript_has "^subscribed: #[0-9]+ device MAC:00DF1E00EEEE .* known=0" &&
  pass "e. server transcript: subscribed MAC:00DF1E00EEEE known=0" ||
  fail "e. no 'subscribed: ... MAC:00DF1E00EEEE ... known=0' in the server transcript"

# f. plug-and-play: Expires 0, Accept: application/url.
pnp() {  # pnp NAME RURI PROFILE-TYPE TYPE-DIR IDENTITY
  local name=$1 ruri=$2 ptype=$3 dir=$4 identity=$5 rc
  sipp_run "$name" ua_fetch_url.xml "$target" -key ruri "$ruri" \
    -key event "ua-profile;profile-type=$ptype;$params"
  rc=$?
  check "$name" "f. plug-and-play $ruri profile-type=$ptype -> 2xx, NOTIFY terminated, application/url ($(logged "$name" state))" $rc
  [ "$rc" -eq 0 ] && verify_case "$name" "f. $ruri: the URL serves $dir/$identity" \
    "$dir" "$identity" "$profiles/$dir/$identity" --no-hash
}
pnp f1 "sip:MAC%3a00DF1E004CD0@224.0.1.75" device device "$mac"
pnp f2 "sip:MAC:00DF1E004CD0@224.0.1.75" device device "$mac"
pnp f3 "sip:MAC=00DF1E004CD0@224.0.1.75" device device "$mac"
pnp f4 "sip:MAC%3a00df1e004cd0@224.0.1.75" device device "$mac"
pnp f5 "sip:MAC:00df1e004cd0@224.0.1.75" '"device"' device "$mac"
pnp f6 "sip:MAC%3a00DF1E004CD0@example.test" application application "$mac@example.test"

# g. change notification.
sipp_run g ua_change.xml "$target" -key ruri "sip:MAC%3a00DF1E00CAFE@example.test" \
  -key event "ua-profile;profile-type=device;$params" -key accept "$indirect" \
  -key expires 3600 &
g_pid=$!
pids+=("$g_pid")
for _ in $(seq 100); do
  grep -q '^hash1=' "$work/g.log" 2>/dev/null && break
  kill -0 "$g_pid" 2>/dev/null || break
  sleep 0.05
done
if grep -q '^hash1=' "$work/g.log" 2>/dev/null; then
  cp "$profiles/device/$change_mac" "$work/g.before"
  # Written aside and renamed: a scan never sees the file half written.
  printf 'device %s\nrevision=2\nline1.user=carol\n' "$change_mac" > "$work/g.after"
  mv "$work/g.after" "$profiles/device/$change_mac"
else
  fail "g. sipp got no first NOTIFY"
fi
wait "$g_pid"
rc=$?
check g "g. active subscription; the file rewritten -> a second NOTIFY (active) in the dialog; unsubscribe -> terminated" $rc
if [ "$rc" -eq 0 ]; then
  if detail=$(verify_profile g device "$change_mac" "$profiles/device/$change_mac" \
                --url-key url2 --hash-key hash2 2>&1); then
    pass "g. the second NOTIFY carries the new content's hash: $detail"
  else
    fail "g. second NOTIFY: $detail"; explain g
  fi
  old_sha1=$(python3 -c 'import hashlib,sys; print(hashlib.sha1(open(sys.argv[1],"rb").read()).hexdigest())' "$work/g.before")
  if [ "$(logged g hash1 | tr 'A-F' 'a-f')" = "$old_sha1" ]; then
    pass "g. the first NOTIFY carried the old content's hash"
  else
    fail "g. first NOTIFY hash '$(logged g hash1)', old content's SHA-1 $old_sha1"
  fi
  transcript_has "^changed: device $change_mac \(modified\): 1 notified" &&
    pass "g. server transcript: changed: device $change_mac (modified): 1 notified" ||
    fail "g. no 'changed: device $change_mac (modified): 1 notified' in the server transcript"
fi

# h. over TCP (a urn:uuid device).
sipp_run h ua_subscribe.xml "$target" -t t1 \
  -key ruri "sip:urn%3auuid%3af81d4fae-7ced-11d0-a765-00a0c91e6bf6@example.test" \
  -key event "ua-profile;profile-type=device;$params" -key accept "$indirect" -key expires 3600
rc=$?
check h "h. device SUBSCRIBE (urn:uuid) over TCP -> 2xx, NOTIFY on the connection with message/external-body" $rc
[ "$rc" -eq 0 ] && verify_case h "h. the uuid device's profile by URL and hash" \
  device "$uuid" "$profiles/device/$uuid" --inner text/plain
transcript_has "^<- SUBSCRIBE .*\(tcp #[0-9]+\)" && transcript_has "^-> NOTIFY .*\(tcp #[0-9]+\)" &&
  pass "h. server transcript: SUBSCRIBE in and NOTIFY out on a TCP connection" ||
  fail "h. the server transcript does not show the SUBSCRIBE and NOTIFY on TCP"
# RFC 3261 18.1.1: the Via of a request names the transport it is sent over.
notify_via=$(awk '/^NOTIFY sip:/ { n = 1 } n && /^Via:/ { print; exit }' "$work/h.msg" 2>/dev/null)
case "$notify_via" in
  "Via: SIP/2.0/TCP "*) pass "h. the NOTIFY sent over TCP has a TCP Via: $notify_via" ;;
  *) fail "h. the NOTIFY sent over TCP has '$notify_via' (RFC 3261 18.1.1: Via names the transport used)" ;;
esac

# Up to here nothing should have made the server report an error ("!!" lines).
if grep -q '^!!' "$work/server.log"; then
  fail "the server reported errors: $(grep '^!!' "$work/server.log" | head -3)"
fi
errors_before_i=$(grep -c '^!!' "$work/server.log")

# i. errors (the server reports each as "!!", with the library's reason).
sipp_run i-489 ua_reject_489.xml "$target" -key ruri "$ruri_a" -key event "presence" \
  -key accept "application/pidf+xml" -key expires 3600
rc=$?
check i-489 "i. SUBSCRIBE with Event: presence -> 489, Allow-Events: $(logged i-489 allow)" $rc
sipp_run i-400 ua_reject_400.xml "$target" -key ruri "$ruri_a" \
  -key event 'ua-profile;profile-type=device;model="x1";version="1.0"' -key accept "$indirect" \
  -key expires 3600
rc=$?
check i-400 "i. device SUBSCRIBE without vendor -> 400 '$(logged i-400 reason)'" $rc
sipp_run i-423 ua_reject_423.xml "$target" -key ruri "$ruri_a" -key event "$event_a" \
  -key accept "$indirect" -key expires 10
rc=$?
check i-423 "i. SUBSCRIBE with Expires 10 -> 423, Min-Expires: $(logged i-423 min)" $rc
if [ "$rc" -eq 0 ] && [ "$(logged i-423 min)" -le 10 ]; then
  fail "i. Min-Expires $(logged i-423 min) is not above the refused 10"
fi

if ! kill -0 "$server_pid" 2>/dev/null; then fail "ua-profile-server died"; fi
if [ "$(grep -c '^!!' "$work/server.log")" -ne $((errors_before_i + 3)) ]; then
  fail "the server reported errors other than the three refusals of case i"
fi
if [ "$failures" -eq 0 ]; then
  echo "interop ua_profile_sipp: all passed"
  exit 0
fi
echo "interop ua_profile_sipp: $failures failed"
exit 1
