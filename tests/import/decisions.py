#!/usr/bin/env python3
"""decisions.py SCMPTEST ARCH PROFILE.json [NAME=BLOB ...]: ask each BPF blob
(run by tests/seccomp's interpreter) for its decision on every system call
ARCH has (all arguments 0) and on the argument cases around every value the
OCI profile compares, then print one PASS/FAIL line per pair of blobs that
must agree: the first blob is the reference. A case named 'hi:' sets junk in
the high word of a 32-bit argument; the reference is not asked those when
its name starts with 'oci-orig' (libseccomp compares 64 bits there, sbx and
its export the low 32, on purpose). Nor are the escapes every sbx filter
denies whatever a profile allows (ir/derive.c: TIOCSTI/TIOCLINUX ioctls,
mknod of character and block devices). A call the sbx filter hands to the
supervisor (SECCOMP_RET_USER_NOTIF) is allowed by the OCI export, which has
no supervisor (its fidelity says wider)."""
import json, subprocess, sys

tool, arch, prof = sys.argv[1:4]
blobs = [a.split('=', 1) for a in sys.argv[4:]]
p = json.load(open(prof))
names = [l.split()[0] for l in subprocess.run([tool, 'names', arch], capture_output=True, text=True, check=True).stdout.splitlines()]
queries = [(n, [0] * 6, False) for n in names]
for s in p.get('syscalls', []):
    for a in s.get('args', []):
        i, v = a['index'], a['value']
        vals = {v, v + 1, max(v - 1, 0), a.get('valueTwo', 0), v | a.get('valueTwo', 0)}
        for n in s.get('names', []):
            for x in sorted(vals):
                args = [0] * 6
                args[i] = x & 0xffffffffffffffff
                queries.append((n, args, x >= 1 << 32))
                if x < 1 << 32:
                    hi = list(args)
                    hi[i] = x | (1 << 32)
                    queries.append((n, hi, True))
inp = ''.join('%s %s\n' % (n, ' '.join('%x' % x for x in v)) for n, v, _ in queries)
ans = {}
for name, blob in blobs:
    out = subprocess.run([tool, 'query', blob, arch], input=inp, capture_output=True, text=True, check=True).stdout.splitlines()
    if len(out) != len(queries):
        print('FAIL decisions-%s-%s: %d answers for %d queries' % (arch, name, len(out), len(queries)))
        sys.exit(0)
    ans[name] = [l.split()[-1] for l in out]
# What sbx's derived filter denies in every policy, which syscall rules
# cannot widen (ir/derive.c): namespaces, clone3 (ENOSYS, libc falls back
# to clone), the always-denied calls, and fanotify_init where reading is
# not allowed everywhere (an imported profile has no file rules).
ALWAYS = set(l.split()[0] for l in subprocess.run([tool, 'always-denied'], capture_output=True, text=True, check=True).stdout.splitlines())
def escape(q, v):
    if q in ALWAYS or q in ('clone3', 'fanotify_init'):
        return True
    if q == 'clone':
        return v[1 if arch.startswith('s390') else 0] & 0x7e020000 != 0
    if q == 'ioctl':
        return v[1] & 0xffffffff in (0x5412, 0x541C, 0x5472, 0x5483)
    if q in ('mknod', 'mknodat'):
        return v[1 if q == 'mknod' else 2] & 0xb000 == 0x2000
    return False

ref = blobs[0][0]
for name, _ in blobs[1:]:
    bad, n = [], 0
    for k, (q, v, hi) in enumerate(queries):
        if ans[ref][k] == 'absent':
            continue
        if (hi or escape(q, v)) and ref.startswith('oci-orig'):
            continue
        n += 1
        want = ans[ref][k]
        if want == '0x7fc00000' and name.startswith('oci-export'):
            want = '0x7fff0000'  # an OCI runtime has no supervisor: the export allows what sbx notifies
        if want != ans[name][k]:
            bad.append('%s(%s) %s=%s %s=%s' % (q, ','.join(hex(x) for x in v[:3]), ref, ans[ref][k], name, ans[name][k]))
    if bad:
        print('FAIL decisions-%s-%s-vs-%s: %d of %d differ: %s' % (arch, name, ref, len(bad), n, '; '.join(bad[:5])))
    else:
        print('PASS decisions-%s-%s-vs-%s (%d decisions)' % (arch, name, ref, n))
