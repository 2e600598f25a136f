#!/usr/bin/python3
"""The user agent for webpush_npm.js, over python-h2 (run with /usr/bin/python3):
subscribes, holds GET on the subscription, and for each of COUNT pushed messages prints it
and acknowledges it. Usage: webpush_ua.py BASE_URL COUNT

One JSON object per line on stdout:
  {"event": "subscribed", "endpoint": BASE_URL/p/..., "subscription": BASE_URL/s/...}
  {"event": "message", "path": "/m/...", "status": 200, "headers": {...}, "body": BASE64}
  {"event": "acked", "path": "/m/...", "status": 204}
  {"event": "error", "why": "..."}            (then exit status 1)
The subscribed line comes once the service holds the GET (a PING round trip after it).
"""

import base64
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webpush_h2client import H2Client, links  # noqa: E402


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    base, count = sys.argv[1], int(sys.argv[2])
    client = H2Client(base, timeout=15)
    s = client.fetch("POST", "/subscribe")
    push = links(s).get("urn:ietf:params:push")
    if s.status != 201 or not push or "location" not in s.headers:
        emit({"event": "error", "why": "subscribe: %r" % s})
        return 1
    location = s.headers["location"]
    held = client.request("GET", urllib.parse.urlsplit(location).path)
    client.sync()
    emit({"event": "subscribed", "endpoint": base + push, "subscription": location})
    for n in range(count):
        if not client.pump(lambda: len(held.pushes) > n and client.streams[held.pushes[n]].done,
                           timeout=15):
            emit({"event": "error", "why": "no message %d pushed within 15 s: %r" % (n + 1, held)})
            return 1
        p = client.streams[held.pushes[n]]
        path = p.request_headers.get(":path", "")
        emit({"event": "message", "path": path, "status": p.status, "headers": p.headers,
              "body": base64.b64encode(bytes(p.body)).decode()})
        ack = client.fetch("DELETE", path)
        emit({"event": "acked", "path": path, "status": ack.status})
    client.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # a refused connection, a timeout
        emit({"event": "error", "why": "%s: %s" % (type(e).__name__, e)})
        sys.exit(1)
