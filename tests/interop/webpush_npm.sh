#!/usr/bin/env bash
# Interop: the web-push npm library sends (HTTP/1.1 over TLS, aes128gcm, VAPID) to
# examples/webpush-service; a python-h2 user agent gets the message by server push and
# the http_ece npm package decrypts it (webpush_npm.js has the checks). Usage:
#   webpush_npm.sh PATH/TO/webpush-service
# Needs node and npm (Debian nodejs, npm) and /usr/bin/python3 with python3-h2. Installs
# web-push@3 and http_ece@1 on first use into a cache outside the source tree:
# $PUSHCORE_NODE_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/pushcore/interop-node (the
# npm registry must be reachable then). The service listens on 127.0.0.1 only.
# VERBOSE=1 prints the service's log even when everything passed.
set -uo pipefail

bin=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "FAIL: usage: $0 PATH/TO/webpush-service (got '${bin}')"
  exit 1
fi
source "$here/webpush_common.sh"
command -v node >/dev/null 2>&1 || die "node not found: install the Debian package nodejs"
command -v npm >/dev/null 2>&1 || die "npm not found: install the Debian package npm"
/usr/bin/python3 -c 'import h2' 2>/dev/null ||
  die "/usr/bin/python3 cannot import h2: install the Debian package python3-h2"

cache=${PUSHCORE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pushcore/interop-node}
if [ ! -f "$cache/node_modules/web-push/package.json" ] ||
   [ ! -f "$cache/node_modules/http_ece/package.json" ]; then
  echo "installing web-push@3 and http_ece@1 into $cache"
  mkdir -p "$cache" || die "cannot create $cache (set PUSHCORE_NODE_CACHE)"
  timeout 300 npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
    web-push@3 http_ece@1 > "$work/npm.log" 2>&1 ||
    { cat "$work/npm.log"; die "npm install web-push@3 http_ece@1 failed"; }
fi
version() { node -p "require('$cache/node_modules/$1/package.json').version"; }
echo "node $(node --version), web-push $(version web-push), http_ece $(version http_ece)"

start_service "$bin"
echo "webpush-service at $service_url"
[[ $service_url == https:* ]] || die "the service is not on TLS: $service_url"

NODE_PATH=$cache/node_modules NODE_TLS_REJECT_UNAUTHORIZED=0 NODE_NO_WARNINGS=1 \
  timeout 60 node "$here/webpush_npm.js" "$service_url" /usr/bin/python3 "$here/webpush_ua.py"
rc=$?
[ "$rc" -eq 0 ] || fail "webpush_npm.js exited with status $rc"

pid=${service_pids[0]}
status=0
kill "$pid"
wait "$pid" || status=$?
service_pids=()
if [ "$status" -eq 0 ]; then
  pass "SIGTERM: webpush-service exited with status 0"
else
  fail "webpush-service exited with status $status on SIGTERM"
fi
exit $((failures > 0))
