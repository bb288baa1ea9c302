#!/usr/bin/env python3
"""tests/proxy/px.py: the proxy suite's loopback servers and hostile clients.

  px.py serve PORTFILE [ADDR...]     HTTP server on ADDR (default 127.0.0.1),
                                     one port for all; GET /big?mb=N sends N MiB
  px.py status PPORT HOST PORT       raw CONNECT; prints the status code
  px.py slowloris PPORT MS           a head sent a byte at a time; prints the
                                     status and whether the proxy ended it in time
  px.py bighead PPORT BYTES          a head of BYTES; prints the status
  px.py socksgarbage PPORT           hostile SOCKS5 handshakes; prints one word each
  px.py many PPORT PROXYPID N        N tunnels to an echo server (name echo.test) at
                                     once; prints "ok N rss KB" (the proxy's VmRSS)
  px.py mutate PPORT N SPORT          N mutated heads and handshakes (seeded)
  px.py raw PPORT                    stdin to the proxy; prints the status
  px.py direct HOST PORT             connect directly: prints "connected" or the error
  px.py urllib URL                   fetch through the environment's proxy (urllib)
  px.py files PORTFILE DIR           static files of DIR on 127.0.0.1 (a dumb git
                                     remote, an npm registry); names without a dot as JSON
Loopback only.
"""
import http.server
import os
import resource
import selectors
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.request


def serve(portfile, addrs):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path.startswith("/big"):
                mb = int(self.path.split("mb=")[1]) if "mb=" in self.path else 10
                self.send_response(200)
                self.send_header("Content-Length", str(mb << 20))
                self.end_headers()
                chunk = b"x" * (1 << 20)
                for _ in range(mb):
                    self.wfile.write(chunk)
                return
            body = ("hello from %s host=%s\n" % (self.server.server_address[0], self.headers.get("Host"))).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class S4(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    class S6(S4):
        address_family = socket.AF_INET6

    port = 0
    servers = []
    for a in addrs or ["127.0.0.1"]:
        cls = S6 if ":" in a else S4
        s = cls((a, port), H)
        port = s.server_address[1]
        servers.append(s)
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)
    while True:
        time.sleep(3600)


def files(portfile, root):
    class H(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=root, **k)

        def log_message(self, *a):
            pass

        def guess_type(self, path):
            last = path.rsplit("/", 1)[-1]
            return "application/json" if last.endswith(".json") or "." not in last else "application/octet-stream"

    class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    s = S(("127.0.0.1", 0), H)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.server_address[1])
    os.rename(portfile + ".tmp", portfile)
    s.serve_forever()


def proxy_sock(pport):
    s = socket.create_connection(("127.0.0.1", int(pport)), timeout=10)
    return s


def read_status(s):
    data = b""
    while b"\r\n" not in data:
        b = s.recv(4096)
        if not b:
            break
        data += b
    if not data.startswith(b"HTTP/1."):
        return "none"
    return data.split(b" ")[1].decode()


def status(pport, host, port):
    s = proxy_sock(pport)
    s.sendall(("CONNECT %s:%s HTTP/1.1\r\nHost: %s:%s\r\n\r\n" % (host, port, host, port)).encode())
    print(read_status(s))


def slowloris(pport, ms):
    s = proxy_sock(pport)
    t0 = time.monotonic()
    head = b"CONNECT allowed.test:80 HTTP/1.1\r\nX-Slow: " + b"a" * 10000
    code = "none"
    try:
        for ch in head:
            s.sendall(bytes([ch]))
            time.sleep(0.02)
            if time.monotonic() - t0 > 10:
                break
    except OSError:
        pass
    try:
        s.settimeout(5)
        code = read_status(s)
    except OSError:
        pass
    took = (time.monotonic() - t0) * 1000
    print(code, "in-time" if took < int(ms) + 1500 else "late(%dms)" % took)


def bighead(pport, n):
    s = proxy_sock(pport)
    head = b"CONNECT allowed.test:80 HTTP/1.1\r\nX-Big: " + b"a" * int(n) + b"\r\n\r\n"
    try:
        s.sendall(head)
    except OSError:
        pass
    try:
        print(read_status(s))
    except OSError as e:
        print("error", e)


def socksgarbage(pport):
    cases = [
        b"\x05\x00",                      # no methods
        b"\x05\x01\x02",                  # only user/password
        b"\x05\x01\x00\x04\x01\x00\x01",  # SOCKS4-ish request after the greeting
        b"\x05\x01\x00\x05\x09\x00\x01" + b"\x00" * 6,   # unknown command
        b"\x05\x01\x00\x05\x01\x00\x07" + b"\x00" * 6,   # unknown address type
        b"\x05\x01\x00\x05\x01\x00\x03\x05ab\x00cd\x00\x50",  # NUL in the name
        b"\x05\x01\x00\x05\x01\x00\x03\x00\x00\x50",     # empty name
        b"\x05\xff" + bytes(range(255)),  # 255 methods of noise
        b"\x05\x02\x00\x01\x05\x01\x00\x03\xff" + b"a" * 300,  # a name of 255 bytes, truncated
        bytes((i * 37 + 11) % 256 for i in range(3000)),  # noise: not SOCKS, not HTTP
    ]
    out = []
    for c in cases:
        s = proxy_sock(pport)
        s.settimeout(3)
        try:
            s.sendall(c)
            got = b""
            while True:
                b = s.recv(4096)
                if not b:
                    break
                got += b
            out.append(got[:12].hex() if got else "closed")
        except socket.timeout:
            out.append("hung")
        except OSError:
            out.append("reset")
        s.close()
    print(" ".join(out))


def socks_connect(s, host, port):
    s.sendall(b"\x05\x01\x00")
    if s.recv(2) != b"\x05\x00":
        return "nogreet"
    h = host.encode()
    s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + struct.pack(">H", int(port)))
    r = s.recv(10)
    return "rep%d" % r[1] if len(r) >= 2 else "closed"


def socks(pport, host, port):
    s = proxy_sock(pport)
    print(socks_connect(s, host, port))


def socks_ip(pport, ip, port):
    s = proxy_sock(pport)
    s.sendall(b"\x05\x01\x00")
    s.recv(2)
    if ":" in ip:
        req = b"\x05\x01\x00\x04" + socket.inet_pton(socket.AF_INET6, ip)
    else:
        req = b"\x05\x01\x00\x01" + socket.inet_aton(ip)
    s.sendall(req + struct.pack(">H", int(port)))
    r = s.recv(10)
    print("rep%d" % r[1] if len(r) >= 2 else "closed")


def rss(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def many(pport, pid, n):
    n = int(n)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * n + 256), hard))
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(4096)
    eport = ls.getsockname()[1]
    sel = selectors.DefaultSelector()
    ls.setblocking(False)
    sel.register(ls, selectors.EVENT_READ, "listen")
    stop = [False]

    def echo():
        while not stop[0]:
            for key, _ in sel.select(0.2):
                if key.data == "listen":
                    try:
                        c, _ = ls.accept()
                    except BlockingIOError:
                        continue
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, "c")
                else:
                    try:
                        d = key.fileobj.recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        d = b""
                    if d:
                        key.fileobj.sendall(d)
                    else:
                        sel.unregister(key.fileobj)
                        key.fileobj.close()

    t = threading.Thread(target=echo, daemon=True)
    t.start()
    socks_ = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", int(pport)), timeout=20)
        s.sendall(("CONNECT echo.test:%d HTTP/1.1\r\n\r\n" % eport).encode())
        socks_.append(s)
    ok = 0
    for i, s in enumerate(socks_):
        data = b""
        while b"\r\n\r\n" not in data:
            b = s.recv(4096)
            if not b:
                break
            data += b
        if data.startswith(b"HTTP/1.1 200"):
            s.sendall(b"ping %d\n" % i)
    for i, s in enumerate(socks_):
        want = b"ping %d\n" % i
        got = b""
        try:
            while len(got) < len(want):
                b = s.recv(64)
                if not b:
                    break
                got += b
        except OSError:
            pass
        ok += got == want
    r = rss(pid)
    for s in socks_:
        s.close()
    stop[0] = True
    print("ok", ok, "rss", r)


def raw(pport):
    s = proxy_sock(pport)
    s.sendall(sys.stdin.buffer.read())
    s.settimeout(5)
    try:
        print(read_status(s))
    except OSError as e:
        print("error", e)


def mutate(pport, n, sport):
    """n mutated request heads and SOCKS handshakes, seeded: the proxy must
    answer or close each one and stay up (the ASan build checks the rest)."""
    import random
    rnd = random.Random(15)
    seeds = [b"CONNECT allowed.test:%s HTTP/1.1\r\nHost: allowed.test\r\n\r\n" % sport.encode(),
             b"GET http://allowed.test:%s/x?y HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n" % sport.encode(),
             b"\x05\x01\x00\x05\x01\x00\x03\x0callowed.test" + struct.pack(">H", int(sport)),
             b"\x05\x01\x00\x05\x01\x00\x04" + b"\x00" * 15 + b"\x01" + struct.pack(">H", int(sport))]
    hung = 0
    for i in range(int(n)):
        d = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 6)):
            op = rnd.randint(0, 3)
            k = rnd.randrange(len(d)) if d else 0
            if op == 0 and d:
                d[k] = rnd.randrange(256)
            elif op == 1:
                d[k:k] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
            elif op == 2 and d:
                del d[k:k + rnd.randint(1, 8)]
            else:
                d[k:k] = rnd.choice([b":", b"[", b"]", b"@", b"\r\n", b" ", b"%", b"\x00", b"\xff" * 40])
        s = proxy_sock(pport)
        s.settimeout(3)
        try:
            s.sendall(bytes(d))
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass
        except socket.timeout:
            hung += 1
        except OSError:
            pass
        s.close()
    print("done", hung)


def direct(host, port):
    try:
        socket.create_connection((host, int(port)), timeout=3).close()
        print("connected")
    except OSError as e:
        print("refused", e.errno)


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            print(r.status, r.read().decode().strip())
    except urllib.error.HTTPError as e:
        print(e.code, e.read().decode().strip())
    except Exception as e:
        print("error", e)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"serve": lambda: serve(args[0], args[1:]), "status": lambda: status(*args),
     "slowloris": lambda: slowloris(*args), "bighead": lambda: bighead(*args),
     "socksgarbage": lambda: socksgarbage(*args), "socks": lambda: socks(*args),
     "socksip": lambda: socks_ip(*args), "many": lambda: many(*args),
     "direct": lambda: direct(*args), "raw": lambda: raw(*args), "mutate": lambda: mutate(*args), "urllib": lambda: fetch(args[0]),
     "files": lambda: files(*args)}[cmd]()
