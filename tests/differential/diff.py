#!/usr/bin/env python3
"""diff.py: random policies decided by `sbxc explain` and by the kernel.

  diff.py --sbxc SBXC --exec SBX_EXEC --dir SCRATCH --seed N --policies K
          [--modes run,baked,param] [--explain-every M] [--verbose]

For each of K random policies (nested allow and deny rules of read and
write on literal paths, on ${HOME} and ${PROJECT}, with `*`, `**`, `*.key`
and `**/.env` globs) and a random placement of the two params (PROJECT
beneath HOME, HOME beneath PROJECT, equal, disjoint; values that hold `*`,
`?` and `[`, which are characters), every file of a small tree is read and
appended to, and a new file is created in every directory, under the real
kernel in each mode:

  run     sbxc run -D HOME=.. -D PROJECT=.. POLICY -- sh OPS
  baked   sbxc POLICY -t linux -D ... -o OUT; sbx-exec OUT/NAME.landlock -- sh OPS
  param   sbxc POLICY -t linux -o OUT; sbx-exec --param ... OUT/NAME.landlock -- sh OPS

and decided by the language: every operation becomes an `expect allow`
line of a copy of the policy, checked with the same -D values (one `sbxc
check` per policy: the failing expects are the denials), and every M-th
operation is also asked of `sbxc explain`, which must agree with the check.

A kernel allow where the language denies is WIDER and always a failure. A
kernel denial where the language allows is stricter; it is a known cost of
carving (README, docs/landlock.md) when the operation creates an entry in a
directory on the way to a deny of that right, or touches a path beneath
the `**` at which a deny is cut. Any other stricter answer is a
disagreement and fails too. Prints one line per failure (with the policy
and values to reproduce it) and a summary:
  cases N (M modes), agree A, stricter-known S, stricter-other X, wider W, explain-mismatch E
Exit 0 when W, X and E are 0.
"""
import argparse, fnmatch, glob, os, random, re, shutil, subprocess, sys

ap = argparse.ArgumentParser()
ap.add_argument('--sbxc', required=True)
ap.add_argument('--exec', dest='sbx_exec', required=True)
ap.add_argument('--dir', required=True)
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--policies', type=int, default=40)
ap.add_argument('--modes', default='run,baked,param')
ap.add_argument('--explain-every', type=int, default=7)
ap.add_argument('--verbose', action='store_true')
args = ap.parse_args()
rnd = random.Random(args.seed)
modes = args.modes.split(',')

env = dict(os.environ)
env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':detect_leaks=0').lstrip(':')
env['XDG_CACHE_HOME'] = os.path.join(args.dir, 'cache')

# ---- the tree ----
B = os.path.join(os.path.realpath(args.dir), 'fs')
DIRS = ['a', 'a/b', 'a/b/c', 'a/.ssh', 'a/p*x', 'a/p*x/src', 'a/p*x/.git', 'a/p*x/src/.git',
        'w', 'w/q?', 'w/q?/h[1]', 'w/q?/h[1]/d', 'w/q?/h[1]/.ssh', 'w/z']
FILES = ['f', '.env', 'k.key']

def build_tree():
    if os.path.exists(B):
        shutil.rmtree(B)
    for d in DIRS:
        os.makedirs(os.path.join(B, d), exist_ok=True)
        for f in FILES:
            with open(os.path.join(B, d, f), 'w') as fh:
                fh.write('x\n')

def under(d, top):
    return d == top or d.startswith(top + '/')

def placement():
    """(HOME, PROJECT) as directories of the tree, in one of four relations."""
    kind = rnd.choice(['beneath', 'home-beneath', 'equal', 'disjoint'])
    pairs = []
    for h in DIRS:
        for p in DIRS:
            rel = ('equal' if h == p else 'beneath' if under(p, h) else 'home-beneath' if under(h, p)
                   else 'disjoint')
            if rel == kind:
                pairs.append((h, p))
    h, p = rnd.choice(pairs)
    return kind, os.path.join(B, h), os.path.join(B, p)

# ---- policies ----
def random_path(home, proj):
    root = rnd.choice(['${HOME}', '${PROJECT}', 'lit', 'lit'])
    base = {'${HOME}': home, '${PROJECT}': proj}.get(root)
    if root == 'lit':
        # a literal path of the tree without glob characters in it
        plain = [d for d in DIRS if not re.search(r'[*?\[]', d)]
        text = B + '/' + rnd.choice(plain) if rnd.random() < 0.85 else B
        parts = []
    else:
        text = root
        # components that exist under the param's value
        rel = [d[len(os.path.relpath(base, B)) + 1:] for d in DIRS
               if under(os.path.join(B, d), base) and os.path.join(B, d) != base]
        rel = [r for r in rel if not re.search(r'[*?\[]', r)]
        if rel and rnd.random() < 0.6:
            text += '/' + rnd.choice(rel)
        parts = []
    tail = rnd.choice(['', '', '', '/*', '/**', '/*.key', '/**/.env', '/*/f', '/**/.git', '/.ssh', '/f'])
    return text + tail

def random_policy(i, home, proj):
    lines = ['sbx 1', 'policy d%d' % i, 'use std/base',
             'allow read /usr /bin /lib /lib64 /etc', 'allow exec /bin /usr/bin']
    for _ in range(rnd.randint(2, 7)):
        eff = rnd.choice(['allow', 'allow', 'deny'])
        right = rnd.choice(['read', 'write', 'read write'])
        lines.append('%s %s %s' % (eff, right, random_path(home, proj)))
    return lines

def operations():
    ops = []
    for d in DIRS:
        for f in FILES:
            p = os.path.join(B, d, f)
            ops.append(('read', p))
            ops.append(('write', p))
        ops.append(('create', os.path.join(B, d, 'new.key' if rnd.random() < 0.3 else '.env' + '-new'
                                           if rnd.random() < 0.2 else 'new')))
    return ops

def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def ops_script(ops, path):
    with open(path, 'w') as fh:
        fh.write('r() { if { true <"$1"; } 2>/dev/null; then echo 1; else echo 0; fi; }\n')
        fh.write('w() { if { true >>"$1"; } 2>/dev/null; then echo 1; else echo 0; fi; }\n')
        for (kind, p) in ops:
            fh.write('%s %s\n' % ('r' if kind == 'read' else 'w', sh_quote(p)))

def quote_path(p):
    return '"' + p.replace('\\', '\\\\').replace('"', '\\"') + '"'

# ---- the language's answers ----
def language(policy_lines, defs, ops, pfile):
    """Decisions by `sbxc check` on expects: True = allow."""
    first = len(policy_lines) + 1
    with open(pfile, 'w') as fh:
        fh.write('\n'.join(policy_lines) + '\n')
        for (kind, p) in ops:
            fh.write('expect allow %s %s\n' % ('read' if kind == 'read' else 'write', quote_path(p)))
    out = subprocess.run([args.sbxc, 'check', '-t', 'linux', '--accept-wider'] + defs + [pfile],
                         capture_output=True, text=True, env=env)
    denied = set()
    for m in re.finditer(r':(\d+):\d+: error: expect failed', out.stderr):
        denied.add(int(m.group(1)) - first)
    other = [l for l in out.stderr.split('\n') if ': error: ' in l and 'expect failed' not in l]
    if other:
        raise SystemExit('sbxc check failed: %s' % other[0])
    return [i not in denied for i in range(len(ops))]

def explain_rule(pfile, defs, kind, p):
    right = 'read' if kind == 'read' else 'write'
    out = subprocess.run([args.sbxc, 'explain', '--format', 'json'] + defs + [pfile, right, quote_path(p)],
                         capture_output=True, text=True, env=env)
    m = re.search(r'"object": "((?:[^"\\]|\\.)*)"', out.stdout)
    return m.group(1) if m else None

def explain(pfile, defs, kind, p):
    right = 'read' if kind == 'read' else 'write'
    out = subprocess.run([args.sbxc, 'explain', '--format', 'json'] + defs + [pfile, right, quote_path(p)],
                         capture_output=True, text=True, env=env)
    m = re.search(r'"decision": "(allow|deny)"', out.stdout)
    if not m:
        raise SystemExit('explain failed: %s' % out.stderr.strip()[:300])
    return m.group(1) == 'allow'

# ---- the kernel's answers ----
def kernel(mode, pol, name, defs, params, script, out_dir):
    if mode == 'run':
        cmd = [args.sbxc, 'run'] + defs + [pol, '--', '/bin/sh', '-s']
    else:
        if os.path.exists(out_dir):
            shutil.rmtree(out_dir)
        comp = [args.sbxc, pol, '-t', 'linux', '--accept-wider', '-o', out_dir] + (defs if mode == 'baked' else [])
        c = subprocess.run(comp, capture_output=True, text=True, env=env)
        if c.returncode != 0:
            raise SystemExit('compile failed: %s' % c.stderr.strip()[:300])
        cmd = [args.sbx_exec] + ([a for kv in params for a in ('--param', kv)] if mode == 'param' else []) + \
              [os.path.join(out_dir, name + '.landlock'), '--', '/bin/sh', '-s']
    with open(script) as fh:  # through a pipe: the file itself may not be readable inside
        r = subprocess.run(cmd, input=fh.read(), capture_output=True, text=True, env=env)
    got = r.stdout.split()
    if r.returncode != 0 or len(got) == 0:
        raise SystemExit('%s: exit %d: %s' % (mode, r.returncode, r.stderr.strip()[:300]))
    return [g == '1' for g in got]

# ---- known stricter costs of carving ----
def lit_prefix(pattern):
    comps = pattern.split('/')
    out = []
    for c in comps:
        if '*' in c:
            break
        out.append(c)
    return '/'.join(out) or '/'

def resolve(pattern, home, proj):
    return pattern.replace('${HOME}', home).replace('${PROJECT}', proj)

def pattern_comps(pat, home, proj):
    """The deny's components as fnmatch patterns (a param's value is literal)."""
    for name, val in (('${HOME}', home), ('${PROJECT}', proj)):
        if pat.startswith(name):
            return [glob.escape(c) for c in val.split('/')[1:]] + pat[len(name):].split('/')[1:]
    return pat.split('/')[1:]

def on_the_way(d, pat, home, proj):
    """Is directory d an ancestor of (or) a path the deny pattern matches?"""
    pc = pattern_comps(pat, home, proj)
    dc = d.split('/')[1:]
    for i, c in enumerate(dc):
        if i >= len(pc):
            return False
        if pc[i] == '**':
            return True
        if not fnmatch.fnmatchcase(c, pc[i]):
            return False
    return True

def known_stricter(kind, path, rules, home, proj, by):
    """Why a denial the language does not make is a known cost, or None."""
    rights = ['read'] if kind == 'read' else ['write']
    if kind == 'create' and by and '*' in by:
        return 'an allow glob is expanded when the policy is applied: matches created later are denied'

    for (eff, rs, pat) in rules:
        if eff != 'deny' or not set(rights) & set(rs):
            continue
        # resolved, with the param's value literal: a prefix up to the first glob of the pattern as written
        raw = pat
        for name, val in (('${HOME}', home), ('${PROJECT}', proj)):
            if raw.startswith(name):
                raw = val + raw[len(name):]
                lit = val + lit_prefix(pat[len(name):]) if '*' in pat[len(name):] else raw
                break
        else:
            lit = lit_prefix(raw) if '*' in raw else raw
        lit = lit.rstrip('/') or '/'
        parent = os.path.dirname(path)
        # a carve removes the right from the directories on the way to it
        if kind == 'create' and (under(lit, parent) or on_the_way(parent, pat, home, proj)):
            return 'carving: the directories on the way to a deny lose the right to create entries'
        # a `**` before the last component: cut there, all beneath denied
        if '/**/' in pat and under(path, lit):
            return 'a deny with `**` before its last component is cut at the `**`'
    return None

def parse_rules(lines):
    rules = []
    for l in lines:
        m = re.match(r'(allow|deny) ((?:read|write| )+) (\S+)$', l)
        if m and m.group(3).startswith(('/', '${')) and not l.startswith('allow read /usr'):
            rules.append((m.group(1), m.group(2).split(), m.group(3)))
    return rules

# ---- main loop ----
reasons = {}
st = dict(cases=0, agree=0, known=0, other=0, wider=0, mismatch=0, explained=0)
work = os.path.join(args.dir, 'work')
os.makedirs(work, exist_ok=True)
for i in range(args.policies):
    kind, home, proj = placement()
    lines = random_policy(i, home, proj)
    ops = operations()
    defs = ['-D', 'HOME=' + home, '-D', 'PROJECT=' + proj]
    params = ['HOME=' + home, 'PROJECT=' + proj]
    pol = os.path.join(work, 'd%d.sbx' % i)
    with open(pol, 'w') as fh:
        fh.write('\n'.join(lines) + '\n')
    script = os.path.join(work, 'ops.sh')
    ops_script(ops, script)
    want = language(lines, defs, ops, os.path.join(work, 'e%d.sbx' % i))
    for k, (okind, p) in enumerate(ops):
        if k % args.explain_every == 0:
            st['explained'] += 1
            if explain(pol, defs, okind, p) != want[k]:
                st['mismatch'] += 1
                print('EXPLAIN-MISMATCH seed %d policy %d: %s %s: check says %s' %
                      (args.seed, i, okind, p, 'allow' if want[k] else 'deny'))
    rules = parse_rules(lines)
    for mode in modes:
        build_tree()
        got = kernel(mode, pol, 'd%d' % i, defs, params, script, os.path.join(work, 'out'))
        if len(got) != len(ops):
            raise SystemExit('%s: %d answers for %d operations' % (mode, len(got), len(ops)))
        for k, (okind, p) in enumerate(ops):
            st['cases'] += 1
            if got[k] == want[k]:
                st['agree'] += 1
                continue
            what = None
            if got[k]:
                st['wider'] += 1
                what = 'WIDER'
            elif known_stricter(okind, p, rules, home, proj, explain_rule(pol, defs, okind, p)):
                st['known'] += 1
                why = known_stricter(okind, p, rules, home, proj, explain_rule(pol, defs, okind, p))
                reasons[why] = reasons.get(why, 0) + 1
                if args.verbose:
                    what = 'stricter-known (%s)' % why
            else:
                st['other'] += 1
                what = 'STRICTER-OTHER'
            if what:
                print('%s seed %d policy %d (%s) mode %s: %s %s: kernel %s, language %s\n  HOME=%s PROJECT=%s\n  %s' %
                      (what, args.seed, i, kind, mode, okind, p, 'allows' if got[k] else 'denies',
                       'allows' if want[k] else 'denies', home, proj, ' | '.join(lines[5:])))
for why, n in sorted(reasons.items()):
    print('stricter-known %d: %s' % (n, why))
print('cases %d (%d modes), agree %d, stricter-known %d, stricter-other %d, wider %d, explain-mismatch %d (of %d)' %
      (st['cases'], len(modes), st['agree'], st['known'], st['other'], st['wider'], st['mismatch'], st['explained']))
sys.exit(1 if st['wider'] or st['other'] or st['mismatch'] else 0)
