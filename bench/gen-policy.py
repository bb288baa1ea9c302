#!/usr/bin/env python3
"""Generate a policy of N rules (default 10000) for benchmarks: a realistic
mix of path rules (with denies inside allows and globs), endpoints and
syscall rules with conditions. Deterministic: the same N gives the same file.
With --nested (second argument), the deep shape instead: chains of
alternating allow/deny rules, each inside the previous one, on long paths
(the worst case for carving a deny out of an allow)."""
import sys
args = [a for a in sys.argv[1:] if not a.startswith("--")]
nested = "--nested" in sys.argv[1:]
n = int(args[0]) if args else 10000
out = ["sbx 1", "policy bench-%d" % n, "param PROJECT", ""]
i = 0
if nested:
    depth = 16
    while len(out) - 4 < n:
        g, d = divmod(i, depth)
        path = "/srv/tenant%d/project-with-a-long-name" % g + "".join(
            "/level%02d-directory" % j for j in range(d + 1))
        if d % 2 == 0:
            out.append("allow read write %s" % path)
        else:
            out.append("deny write %s" % path)
        i += 1
    print("\n".join(out))
    sys.exit(0)
while len(out) - 4 < n:
    k = i % 10
    if k < 5:
        out.append("allow read write /srv/app%d/data%d" % (i // 50, i))
    elif k == 5:
        out.append("deny write /srv/app%d/data%d/secret" % (i // 50, i - 1))
    elif k == 6:
        out.append("allow exec ${PROJECT}/tools/t%d/*/bin" % i)
    elif k == 7:
        out.append("allow connect tcp 10.%d.%d.0/24:%d" % (i // 256 % 256, i % 256, 1024 + i % 60000))
    elif k == 8:
        out.append("allow connect tcp host%d.example.com:443" % i)
    else:
        out.append("on linux { allow syscall ioctl if arg1 == %d }" % (0x5400 + i))
    i += 1
print("\n".join(out))
