#!/usr/bin/env python3
"""truth.py: `sbxc explain -t linux` against the real kernel (issue 16).

  truth.py --sbxc SBXC --exec SBX-EXEC --probe PROBE --dir DIR [--seed N]
           [--random N] POLICY.sbx...

For each policy, a wrapper that `use`s it and lets the probe run (the one
rule added, the same for explain and the kernel) is compiled for linux with
HOME, PROJECT and TMPDIR baked into a scratch tree. Every read, write and
exec rule of the policy on Linux gives operations (its path, globs filled
in, and an entry beneath it), and N random operations on system files and
the tree are added. Each is asked of `sbxc explain -t linux --format json`
and run by tests/landlock/probe under sbx-exec; any answer that differs
from the kernel's is printed as DISAGREE and the exit status is 1. A path
that does not exist here is skipped (the kernel's ENOENT decides nothing).
"""
import argparse, json, os, random, re, shutil, subprocess, sys

ap = argparse.ArgumentParser()
ap.add_argument('--sbxc', required=True)
ap.add_argument('--exec', dest='sbx_exec', required=True)
ap.add_argument('--probe', required=True)
ap.add_argument('--dir', required=True)
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--random', type=int, default=40)
ap.add_argument('--flip', action='store_true', help='report the kernel answer inverted (the test can fail)')
ap.add_argument('policies', nargs='+')
args = ap.parse_args()
rnd = random.Random(args.seed)

D = os.path.realpath(args.dir)
if os.path.exists(D):
    shutil.rmtree(D)
T = {k: os.path.join(D, k) for k in ('home', 'proj', 'tmp', 'bin', 'cwd')}
for v in T.values():
    os.makedirs(v)
for rel in ('proj/Makefile', 'proj/src/a.c', 'proj/package.json', 'proj/.env', 'proj/.git/config',
            'proj/dist/bundle.js', 'proj/target/x', 'home/.gitconfig', 'home/.ssh/id_rsa', 'home/.bashrc',
            'home/.cargo/config.toml', 'home/.npmrc', 'tmp/t'):
    p = os.path.join(D, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, 'w') as fh:
        fh.write('x\n')
PROBE = os.path.join(T['bin'], 'probe')
shutil.copy(args.probe, PROBE)
env = dict(os.environ, HOME=T['home'], TMPDIR=T['tmp'], XDG_CACHE_HOME=os.path.join(D, 'cache'))
env.pop('PROJECT', None)

SYSTEM = ['/etc/passwd', '/etc/hostname', '/etc/ld.so.cache', '/etc/shadow', '/usr/bin/env', '/usr/bin/npm',
          '/usr/bin/node', '/usr/bin/python3', '/usr/bin/git', '/bin/sh', '/usr/bin/sh', '/usr/bin/true',
          '/usr/lib/node_modules/npm/bin/npm-cli.js', '/lib/x86_64-linux-gnu/libc.so.6', '/proc/self/status',
          '/proc/1/status', '/dev/null', '/dev/urandom', '/sys/fs/cgroup/cgroup.controllers', '/tmp', '/var/tmp',
          '/root', '/usr/include/stdio.h', '/usr/share/zoneinfo/UTC']
# Programs run with one argument ("signal-self") that makes each exit at once.
SAFE_EXEC = {'/usr/bin/env', '/usr/bin/npm', '/usr/bin/node', '/usr/bin/python3', '/usr/bin/git', '/bin/sh',
             '/usr/bin/sh', '/usr/bin/true', '/usr/lib/node_modules/npm/bin/npm-cli.js', '/usr/bin/cc',
             '/usr/bin/gcc', '/usr/bin/make', '/usr/bin/bash', '/bin/bash', '/usr/bin/cat', '/usr/bin/ls'}


def fill(pattern):
    """A concrete path a pattern names: `**` and `*` filled in."""
    comps = []
    for c in pattern.split('/'):
        if c == '**':
            continue
        comps.append(c.replace('*', 'x'))
    return '/'.join(comps) or '/'


def rule_ops(ir, params):
    ops = []
    for line in ir.split('\n'):
        m = re.match(r'(allow|deny) ((?:read|write|exec)(?: (?:read|write|exec))*) (\S+|"[^"]*")(.*)\[([a-z,]+)\]', line)
        if not m or not ('all' in m.group(5) or 'linux' in m.group(5)):
            continue
        path = m.group(3).strip('"')
        for k, v in params.items():
            path = path.replace('${%s}' % k, v)
        if '${' in path or not path.startswith('/'):
            continue
        p = fill(path)
        for right in m.group(2).split():
            ops.append((right, p))
            if os.path.isdir(p) and right != 'exec':
                try:
                    names = sorted(os.listdir(p))[:2]
                except OSError:
                    names = []
                for n in names:
                    ops.append((right, os.path.join(p, n)))
    return ops


def random_ops(n):
    pool = SYSTEM + [os.path.join(dp, f) for dp, _, fs in os.walk(D) for f in fs if 'cache' not in dp]
    for d in ('/usr/bin', '/etc', '/usr/lib/python3', '/usr/share/doc'):
        try:
            pool += [os.path.join(d, x) for x in sorted(os.listdir(d))[:200]]
        except OSError:
            pass
    ops = []
    while len(ops) < n:
        p = rnd.choice(pool)
        right = rnd.choice(['read', 'write', 'exec'])
        if right == 'exec' and p not in SAFE_EXEC:
            right = 'read'
        ops.append((right, p))
    return ops


def explain(pol, defs, right, path):
    out = subprocess.run([args.sbxc, 'explain', '-t', 'linux', '--format', 'json'] + defs +
                         [pol, right, '"%s"' % path.replace('\\', '\\\\').replace('"', '\\"')],
                         capture_output=True, text=True, env=env)
    try:
        return json.loads(out.stdout)['target']['kernel']
    except (ValueError, KeyError):
        raise SystemExit('explain %s %s failed: %s' % (right, path, out.stderr.strip()[:300]))


def kernel(ll, right, path):
    if right == 'exec' and (not os.access(path, os.X_OK) or os.path.isdir(path)):
        return None
    if not os.path.lexists(path):
        return None
    try:  # the sandbox drops root's capabilities: a mode that refuses its owner decides, not Landlock
        st = os.stat(path)
        bits = (st.st_mode >> 6) & 7 if st.st_uid == os.getuid() else st.st_mode & 7
        if not bits & {'read': 4, 'write': 2, 'exec': 1}[right]:
            return None
    except OSError:
        return None
    try:
        r = subprocess.run([args.sbx_exec, ll, '--', PROBE, right, path], capture_output=True, text=True,
                           env=env, cwd=T['cwd'], timeout=10, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None
    got = r.stdout + r.stderr
    if re.search(r'deny (EACCES|EPERM)', got):
        ans = 'deny'
    elif right == 'exec':
        # The program ran (whatever it printed), unless the runtime refused to start.
        if r.returncode == 126 and 'sbx-exec' in r.stderr:
            raise SystemExit('sbx-exec refused %s: %s' % (ll, r.stderr.strip()[:300]))
        ans = 'allow'
    elif 'allow' in r.stdout:
        ans = 'allow'
    else:
        return None  # ENOENT, EISDIR, ...: not a decision of the sandbox
    if args.flip:
        ans = 'deny' if ans == 'allow' else 'allow'
    return ans


total = dict(ops=0, agree=0, skipped=0, uncertain=0, disagree=0)
for src in args.policies:
    name = os.path.basename(src)[:-4]
    ir = subprocess.run([args.sbxc, '--dump=ir', os.path.realpath(src)], capture_output=True, text=True, env=env).stdout
    params = {'HOME': T['home'], 'PROJECT': T['proj'], 'TMPDIR': T['tmp']}
    for m in re.finditer(r'^param (\w+)(?: = "([^"]*)")?$', ir, re.M):
        if m.group(1) not in params and m.group(2) is None:
            params[m.group(1)] = os.path.join(D, 'p-' + m.group(1).lower())
            os.makedirs(params[m.group(1)], exist_ok=True)
    defs = [a for k, v in params.items() for a in ('-D', '%s=%s' % (k, v))]
    for m in re.finditer(r'^param (\w+) = "([^"]*)"$', ir, re.M):
        v = m.group(2)
        for k, pv in params.items():
            v = v.replace('${%s}' % k, pv)
        params.setdefault(m.group(1), v)
    wrap = os.path.join(D, 'w-' + name + '.sbx')
    with open(wrap, 'w') as fh:
        fh.write('sbx 1\npolicy truth-%s "%s under the probe"\nuse "%s"\nallow read exec "%s"\n' %
                 (name, name, os.path.realpath(src), PROBE))
    out = os.path.join(D, 'out-' + name)
    c = subprocess.run([args.sbxc, wrap, '-t', 'linux', '--arch', 'x86_64', '-o', out] + defs,
                       capture_output=True, text=True, env=env)
    if c.returncode != 0:
        print('DISAGREE %s: does not compile: %s' % (name, c.stderr.strip()[:300]))
        total['disagree'] += 1
        continue
    ll = os.path.join(out, 'truth-%s.landlock' % name)
    ops = rule_ops(ir, params) + random_ops(args.random)
    seen = set()
    for (right, path) in ops:
        if (right, path) in seen:
            continue
        seen.add((right, path))
        total['ops'] += 1
        k = kernel(ll, right, path)
        if k is None:
            total['skipped'] += 1
            continue
        e = explain(wrap, defs, right, path)
        if e in ('may-allow', 'may-deny', 'not-enforced'):
            total['uncertain'] += 1
            print('uncertain %s: %s %s: explain %s, kernel %s' % (name, right, path, e, k))
        elif e == k:
            total['agree'] += 1
        else:
            total['disagree'] += 1
            print('DISAGREE %s: %s %s: explain says %s, the kernel %s' % (name, right, path, e, k))
print('ops %(ops)d, agree %(agree)d, uncertain %(uncertain)d, skipped %(skipped)d, disagree %(disagree)d' % total)
sys.exit(1 if total['disagree'] else 0)
