#!/usr/bin/env bash
# bench/proxy.sh: the egress proxy on loopback (issue 15's goal: >= 90% of
# direct throughput through one tunnel, <= 1 ms added per connection).
#
#   bash bench/proxy.sh [MB] [CONNECTIONS]     (default 2000 MB, 2000)
#
# A python3 server sends MB megabytes on each connection (from memory);
# the client reads them directly, then through a CONNECT tunnel of
# build/sbx-proxy. Latency: CONNECTIONS sequential connections, each
# a connect and a one-byte echo, directly and through the proxy (CONNECT +
# 200 + the echo). Prints MB/s and microseconds per connection.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MB=${1:-2000}
N=${2:-2000}
PROXY=${PROXY:-$ROOT/build/sbx-proxy}
[ -n "${PROXY_PREBUILT:-}" ] || ninja -C "$ROOT" build/sbx-proxy >/dev/null || exit 1
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

printf 'proxy allow bench.test * "bench:1"\n' >"$tmp/rules"
printf '127.0.0.1 bench.test\n' >"$tmp/hosts"
"$PROXY" --rules "$tmp/rules" --hosts "$tmp/hosts" >"$tmp/port" &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
PP=$(cat "$tmp/port")

python3 - "$PP" "$MB" "$N" <<'EOF'
import socket, sys, threading, time
pport, mb, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
chunk = b"x" * (1 << 20)

def server(ls, mode):
    while True:
        c, _ = ls.accept()
        def one(c=c):
            try:
                if mode == "bulk":
                    for _ in range(mb):
                        c.sendall(chunk)
                else:
                    d = c.recv(1)
                    c.sendall(d)
            finally:
                c.close()
        threading.Thread(target=one, daemon=True).start()

def listen(mode):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(512)
    threading.Thread(target=server, args=(ls, mode), daemon=True).start()
    return ls.getsockname()[1]

bulk, echo = listen("bulk"), listen("echo")

def via_proxy(port):
    s = socket.create_connection(("127.0.0.1", pport))
    s.sendall(b"CONNECT bench.test:%d HTTP/1.1\r\n\r\n" % port)
    d = b""
    while b"\r\n\r\n" not in d:
        d += s.recv(4096)
    assert d.startswith(b"HTTP/1.1 200"), d
    return s, d.split(b"\r\n\r\n", 1)[1]

def drain(s, got=0):
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    while True:
        k = s.recv_into(view)
        if not k:
            return got
        got += k

def bulk_run(proxied):
    best = 0
    for _ in range(3):
        t = time.perf_counter()
        if proxied:
            s, rest = via_proxy(bulk)
            got = drain(s, len(rest))
        else:
            s = socket.create_connection(("127.0.0.1", bulk))
            got = drain(s)
        dt = time.perf_counter() - t
        s.close()
        assert got == mb << 20, got
        best = max(best, got / dt / 1e6)
    return best

def lat_run(proxied):
    t = time.perf_counter()
    for _ in range(n):
        if proxied:
            s, _ = via_proxy(echo)
        else:
            s = socket.create_connection(("127.0.0.1", echo))
        s.sendall(b"x")
        assert s.recv(1) == b"x"
        s.close()
    return (time.perf_counter() - t) / n * 1e6

d, p = bulk_run(False), bulk_run(True)
print("throughput, one tunnel, %d MB (best of 3): direct %.0f MB/s, proxied %.0f MB/s (%.0f%%)" % (mb, d, p, 100 * p / d))
ld, lp = lat_run(False), lat_run(True)
print("per connection, %d sequential: direct %.0f us, proxied %.0f us, added %.0f us" % (n, ld, lp, lp - ld))
EOF
