#!/usr/bin/env bash
# Shell helpers for scripts that run servers on loopback. Sourced.

# Prints a port free on 127.0.0.1 for both UDP and TCP (the example proxy listens on both).
free_port() {
  python3 -c '
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        u.close(); t.close()'
}
