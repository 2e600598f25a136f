#!/usr/bin/env bash
# End to end: examples/ua-profile-phone against examples/ua-profile-server
# (draft-ietf-sipping-config-framework-08 sections 7 and 8.1, RFC 6080).
# Usage: ua_profile_phone_server.sh PATH/TO/ua-profile-server PATH/TO/ua-profile-phone
#
# Cases:
#   a. local-network, device (MAC) and user profile files exist: the phone (UDP, draft08)
#      discovers in the order of 8.1, subscribes, fetches each profile over HTTP and makes
#      it effective with its SHA-1 hash verified, size and first line matching the file;
#      the application profile has no file (NOTIFY without body); the device URI is cached
#   b. the device file changes: a NOTIFY, a new fetch, the new content effective
#   c. the device file is removed: no-profile for device, the last good profile kept;
#      c2. the file is back: effective again
#   e. quit: every subscription ends with Expires 0; the server reports each terminated
#   g. a restart with the cache file: the device URI comes from the cache (8.1.2)
#   d. TCP and --form rfc6080: the device and local-network URIs carry the UUID URN mapped
#      from the MAC (the server's files are named by it), no application profile, and
#      effective-by (--effective-by) on a change reaches the phone as apply-by
#   f. manual entry and user AOR on stdin: a server refusing unknown devices (404) makes
#      every device candidate fail (DHCP option 120, domain, sipuaconfig); "host ..." then
#      "user ..." complete discovery
# Everything is on 127.0.0.1, on ports found free at run time. Exit status 0 = pass.
# VERBOSE=1 prints the transcripts even when everything passed.
set -uo pipefail

server_bin=${1:-}
phone_bin=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$server_bin" ] || [ ! -x "$server_bin" ] || [ -z "$phone_bin" ] || [ ! -x "$phone_bin" ]; then
  echo "FAIL: usage: $0 PATH/TO/ua-profile-server PATH/TO/ua-profile-phone" \
       "(got '${server_bin}' '${phone_bin}')"
  exit 1
fi
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 not found (free_port needs it)"; exit 1; }

work=$(mktemp -d)
pids=()
logs=()
failures=0
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ "$failures" -ne 0 ] || [ -n "${VERBOSE:-}" ]; then
    for log in "${logs[@]}"; do
      echo "---- $(basename "$log" .log) transcript ----"
      cat "$log" 2>/dev/null
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

source "$here/../net.sh"  # free_port
trap '' PIPE  # a phone that died must fail the checks, not kill this script via its stdin

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# wait_for FILE EXTENDED-REGEX [SECONDS]: succeeds once a line of FILE matches (default 8 s).
wait_for() {
  local file=$1 pattern=$2 limit=${3:-8} i
  for ((i = 0; i < limit * 20; i++)); do
    grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
# count FILE EXTENDED-REGEX: how many lines match.
count() { grep -Ec -- "$2" "$1" 2>/dev/null; }

# Replaces a profile file in one step (the server polls the directory).
put_file() {
  printf '%s' "$2" > "$1.tmp" && mv "$1.tmp" "$1"
}

# start_server NAME PORT DIR [options...]: the server in the background, its log NAME.log;
# succeeds once it prints its "listening:" line.
start_server() {
  local name=$1 port=$2 dir=$3; shift 3
  "$server_bin" --listen "127.0.0.1:$port" --profiles "$dir" --poll-ms 100 "$@" \
    > "$work/$name.log" 2>&1 &
  pids+=($!)
  logs+=("$work/$name.log")
  wait_for "$work/$name.log" '^listening: sip udp\+tcp 127\.0\.0\.1:'"$port"', http 127\.0\.0\.1:[0-9]+' 5
}

# start_phone NAME [options...]: the phone in the background, stdin from a FIFO held open
# on file descriptor 3 (say() writes to it), its log NAME.log, its pid in phone_pid.
start_phone() {
  local name=$1; shift
  mkfifo "$work/$name.in"
  "$phone_bin" "$@" < "$work/$name.in" > "$work/$name.log" 2>&1 &
  phone_pid=$!
  pids+=($phone_pid)
  logs+=("$work/$name.log")
  exec 3> "$work/$name.in"
}
say() { echo "$*" >&3 2>/dev/null || echo "(could not write '$*' to the phone's stdin)"; }

# quit_phone: "quit" on stdin; succeeds when the phone printed "stopped" and exited 0
# within 5 s.
quit_phone() {
  say quit
  exec 3>&-
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$phone_pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$phone_pid" 2>/dev/null; then
    kill "$phone_pid" 2>/dev/null
    return 1
  fi
  wait "$phone_pid"
}

# effective LOG TYPE FILE: the phone made FILE's content effective as TYPE with the hash
# verified ("effective: TYPE <content-id> <N> bytes, hash verified: <first line>").
effective() {
  local log=$1 type=$2 file=$3
  local size first
  size=$(wc -c < "$file" | tr -d ' ')
  first=$(head -n 1 "$file" | cut -c1-60)
  grep -E "^effective: $type [^ ]+ " "$log" 2>/dev/null |
    grep -Fq -- " $size bytes, hash verified: $first"
}
# wait_effective LOG TYPE FILE [SECONDS]
wait_effective() {
  local i limit=${4:-8}
  for ((i = 0; i < limit * 20; i++)); do
    effective "$1" "$2" "$3" && return 0
    sleep 0.05
  done
  return 1
}

mac=MAC:00DF1E004CD0
uuid=urn:uuid:00000000-0000-1000-8000-00df1e004cd0  # RFC 6080 5.1.1: the MAC as node

# ---- a, b, c, e, g: UDP, draft08 ---------------------------------------------------------
dir1=$work/profiles1
mkdir -p "$dir1"/{device,user,application,local-network}
put_file "$dir1/local-network/$mac" $'local-network profile of the airport\nnat=stun\n'
put_file "$dir1/device/$mac" $'device profile v1 for 00DF1E004CD0\ncodec=opus\n'
put_file "$dir1/user/alice@example.com" $'user profile of alice\nring=classic\n'
port1=$(free_port)
if ! start_server server1 "$port1" "$dir1"; then
  fail "ua-profile-server did not start (see server1 transcript)"; exit 1
fi
cache=$work/device-uri.cache
start_phone phone1 --server "127.0.0.1:$port1" --device 00:df:1e:00:4c:d0 --domain example.com \
  --user sip:alice@example.com --cache "$cache"
log1=$work/phone1.log

# a.
if wait_for "$log1" '^discovery: complete$' &&
   wait_effective "$log1" local-network "$dir1/local-network/$mac" &&
   wait_effective "$log1" device "$dir1/device/$mac" &&
   wait_effective "$log1" user "$dir1/user/alice@example.com"; then
  pass "a. local-network, device and user profiles effective, hashes verified, contents match"
else
  fail "a. local-network, device and user profiles effective with verified hashes"
fi
# 8.1: local-network, then device, then user, then application, one after the other.
order=$(grep -Eo '^discovery: [a-z-]+ profile from' "$log1" | awk '{print $2}' | tr '\n' ' ')
if [ "$order" = "local-network device user application " ]; then
  pass "a. discovery order of 8.1: $order"
else
  fail "a. discovery order: got '$order', expected 'local-network device user application '"
fi
if grep -q '^-> SUBSCRIBE sip:MAC%3a00DF1E004CD0@example.com  (device, Expires: 86400)$' "$log1" &&
   grep -q '^-> SUBSCRIBE sip:alice@example.com  (user, Expires: 86400)$' "$log1" &&
   grep -q '^no-profile: application$' "$log1"; then
  pass "a. device URI sip:MAC%3a00DF1E004CD0@example.com (7.13.1); application: NOTIFY without body"
else
  fail "a. SUBSCRIBE Request-URIs and the application profile's empty NOTIFY"
fi
if [ "$(cat "$cache" 2>/dev/null)" = "sip:MAC%3a00DF1E004CD0@example.com" ]; then
  pass "a. device URI cached after a NOTIFY with a profile URI (8.1.2)"
else
  fail "a. cache file holds '$(cat "$cache" 2>/dev/null)'"
fi

# b.
put_file "$dir1/device/$mac" $'device profile v2 for 00DF1E004CD0\ncodec=g722\nvlan=12\n'
if wait_effective "$log1" device "$dir1/device/$mac" &&
   [ "$(count "$log1" '^fetch: http://127\.0\.0\.1:[0-9]+/device/.* -> 200')" -eq 2 ]; then
  pass "b. changed device file: NOTIFY, second fetch, new content effective"
else
  fail "b. changed device file reaches the phone as a new effective profile"
fi

# c.
rm -f "$dir1/device/$mac"
if wait_for "$log1" '^no-profile: device$' &&
   wait_for "$log1" '^still-effective: device [^ ]+ [0-9]+ bytes: device profile v2 for 00DF1E004CD0$' 2; then
  pass "c. removed device file: no-profile, the last good profile (v2) still effective"
else
  fail "c. removed device file: no-profile and the last good profile kept"
fi
put_file "$dir1/device/$mac" $'device profile v3 is back\n'
if wait_effective "$log1" device "$dir1/device/$mac"; then
  pass "c2. device file back: effective again"
else
  fail "c2. device file back: effective again"
fi

# e.
before=$(count "$work/server1.log" '^terminated:')
if quit_phone; then
  pass "e. quit: the phone printed stopped and exited 0"
else
  fail "e. quit: the phone did not exit cleanly (status $?)"
fi
wait_for "$work/server1.log" '^terminated:' 2 >/dev/null
for ((i = 0; i < 40; i++)); do
  [ $(( $(count "$work/server1.log" '^terminated:') - before )) -ge 4 ] && break
  sleep 0.05
done
ended=$(( $(count "$work/server1.log" '^terminated:') - before ))
unsubs=$(count "$log1" '^-> SUBSCRIBE .*, Expires: 0\)$')
if [ "$unsubs" -eq 4 ] && [ "$ended" -eq 4 ] && grep -q '^stopped$' "$log1"; then
  pass "e. 4 SUBSCRIBEs with Expires 0; the server printed 4 terminated: lines"
else
  fail "e. unsubscribe: $unsubs Expires 0 SUBSCRIBEs, $ended terminated: lines (expected 4 and 4)"
fi

# g.
start_phone phone1b --server "127.0.0.1:$port1" --device 00DF1E004CD0 --domain example.com \
  --user sip:alice@example.com --cache "$cache"
if wait_for "$work/phone1b.log" '^discovery: device profile from cached device URI: sip:MAC%3a00DF1E004CD0@example.com$' &&
   wait_effective "$work/phone1b.log" device "$dir1/device/$mac" &&
   wait_for "$work/phone1b.log" '^discovery: complete$' && quit_phone; then
  pass "g. restart: device URI from the cache file, profile effective"
else
  fail "g. restart with the cache file"
fi

# ---- d: TCP, RFC 6080 --------------------------------------------------------------------
dir2=$work/profiles2
mkdir -p "$dir2"/{device,user,local-network}
put_file "$dir2/local-network/$uuid" $'local network by uuid\n'
put_file "$dir2/device/$uuid" $'device by uuid v1\n'
put_file "$dir2/user/bob@example.org" $'user profile of bob\n'
port2=$(free_port)
if ! start_server server2 "$port2" "$dir2" --form rfc6080 --effective-by 30; then
  fail "d. ua-profile-server --form rfc6080 did not start"
else
  start_phone phone2 --server "127.0.0.1:$port2" --device 00-DF-1E-00-4C-D0 --domain example.org \
    --user sip:bob@example.org --form rfc6080 --transport tcp
  log2=$work/phone2.log
  if wait_for "$log2" '^discovery: complete$' &&
     wait_effective "$log2" local-network "$dir2/local-network/$uuid" &&
     wait_effective "$log2" device "$dir2/device/$uuid" &&
     wait_effective "$log2" user "$dir2/user/bob@example.org"; then
    pass "d. TCP, RFC 6080: local-network, device and user effective, hashes verified"
  else
    fail "d. TCP, RFC 6080: profiles effective"
  fi
  if grep -q '^-> SUBSCRIBE sip:urn%3auuid%3a00000000-0000-1000-8000-00df1e004cd0@example.org  (device, Expires: 86400)$' "$log2" &&
     [ "$(count "$log2" '\(application')" -eq 0 ] &&
     grep -q "subscribed: .* device $uuid " "$work/server2.log" &&
     grep -q '^<- SUBSCRIBE .*(tcp ' "$work/server2.log"; then
    pass "d. device URI from the MAC's UUID URN over TCP; no application profile (RFC 6080)"
  else
    fail "d. UUID device URI over TCP, no application subscription"
  fi
  put_file "$dir2/device/$uuid" $'device by uuid v2\n'
  if wait_for "$log2" '^apply-by: device in [0-9]+ ms' &&
     wait_effective "$log2" device "$dir2/device/$uuid"; then
    pass "d. changed profile with effective-by: apply-by, then effective"
  else
    fail "d. changed profile with effective-by"
  fi
  if quit_phone && [ "$(count "$log2" '^unsubscribed: ')" -eq 3 ]; then
    pass "d. quit over TCP: 3 subscriptions ended"
  else
    fail "d. quit over TCP"
  fi
fi

# ---- f: manual entry and user AOR on stdin ------------------------------------------------
dir3=$work/profiles3
mkdir -p "$dir3"/{device,user,application,local-network}
put_file "$dir3/user/carol@example.net" $'user profile of carol\n'
port3=$(free_port)
if ! start_server server3 "$port3" "$dir3" --refuse-unknown; then
  fail "f. ua-profile-server --refuse-unknown did not start"
else
  start_phone phone3 --server "127.0.0.1:$port3" --device 00DF1E004CD0 --domain example.net \
    --dhcp-sip-server 192.0.2.10:5070
  log3=$work/phone3.log
  tried=""
  if wait_for "$log3" '^manual-entry: '; then
    tried=$(grep -Eo '^discovery: no device profile from [^ ]+ \(404\)' "$log3" | awk '{print $6}' |
            tr '\n' ' ')
  fi
  expected="sip:MAC%3a00DF1E004CD0@192.0.2.10:5070 sip:MAC%3a00DF1E004CD0@example.net sip:MAC%3a00DF1E004CD0@sipuaconfig.example.net "
  if [ "$tried" = "$expected" ]; then
    pass "f. every device candidate refused (DHCP 120, domain, sipuaconfig): manual entry asked"
  else
    fail "f. device candidates tried: '$tried', expected '$expected'"
  fi
  put_file "$dir3/device/$mac" $'device profile for manual host\n'
  say "host provisioning.example.net:5070"
  if wait_effective "$log3" device "$dir3/device/$mac" && wait_for "$log3" '^user-aor: '; then
    pass "f. host on stdin: device profile effective; the user AOR is asked for"
  else
    fail "f. host on stdin: device profile and user-aor prompt"
  fi
  say "user sip:carol@example.net"
  if wait_effective "$log3" user "$dir3/user/carol@example.net" &&
     wait_for "$log3" '^discovery: complete$' && quit_phone; then
    pass "f. user on stdin: user profile effective, discovery complete"
  else
    fail "f. user on stdin: user profile effective"
  fi
fi

if [ "$failures" -ne 0 ]; then
  echo "FAIL: $failures check(s) failed"
  exit 1
fi
echo "PASS: all ua-profile phone/server checks"
exit 0
