#!/usr/bin/env python3
"""semantics.py PROFILE.json POLICY.sbx SBXC: the ACLs of a launcher profile
against the language's own evaluator (`sbxc explain --on windows`).

The profile's file ACEs are evaluated the way Windows evaluates a DACL for
the container SID: ACEs on the path itself (except inherit-only ones) and
inherited from its ancestors, nearer objects first, deny before allow within
one object; walk them, granting bits, until the request is met (allow) or a
deny ACE names a requested bit that is not yet granted (deny). Nothing else
grants (the platform's baseline is not modelled). For each probe path (every
ACE's path, a child, a grandchild and a sibling), for read and write (and
exec where an exec ACE exists), the ACL decision must equal explain's, or
the difference must be one the profile admits: allowed by the ACLs but
denied by the language needs the deciding rule listed as wider in
notEnforced; the reverse needs a `stricter` note for that right (or an n/a
rule deciding). Prints one line per disagreement and a
summary; exits 1 on an unadmitted difference.

With SBX_PARAMS="NAME=VALUE;..." (Windows paths: HOME=C:\\U\\me) the
params are resolved as the launcher resolves them before it sets any ACE:
each ACE lands on its concrete path, the probes are concrete paths, and
explain decides with the same values (-D), so nested, equal and disjoint
values (LANGUAGE.md 4: params are resolved before specificity) are
compared with what the ACLs do. SBX_PROBES="PATH;..." adds probes.
"""
import json, os, subprocess, sys

READ, WRITE, EXEC = 0x120089, 0x110116, 0x1000A0
SYNC = 0x100000
MASK = {'read': READ, 'write': WRITE, 'exec': EXEC}

prof = json.load(open(sys.argv[1], encoding='utf-8'))
policy, sbxc = sys.argv[2], sys.argv[3]

def split(p):
    """'%USERPROFILE%\\a\\b' -> ('%USERPROFILE%', ['a', 'b']); 'C:\\x' -> ('C:', ['x'])."""
    parts = p.split('\\')
    if p.startswith('\\\\'):
        return '\\\\' + parts[2] + '\\' + parts[3], [x for x in parts[4:] if x]
    return parts[0], [x for x in parts[1:] if x]

def to_lang(root, comps):
    """The probe as the language writes it."""
    if root.startswith('%'):
        name = root.strip('%')
        name = {'USERPROFILE': 'HOME', 'TEMP': 'TMPDIR'}.get(name, name)
        text = '${%s}' % name + ''.join('/' + c.replace('%%', '%') for c in comps)
        return '"%s"' % text
    text = root + ''.join('\\' + c for c in comps)
    return '"%s"' % text.replace('\\', '\\\\')

values = dict(kv.split('=', 1) for kv in os.environ.get('SBX_PARAMS', '').split(';') if kv)
VAR = {'HOME': 'USERPROFILE', 'TMPDIR': 'TEMP'}

def resolve(root, comps):
    for name, v in values.items():
        if root == '%' + VAR.get(name, name) + '%':
            r, c = split(v)
            return r, c + comps
    return root, comps

aces = []
for f in prof['files']:
    root, comps = resolve(*split(f['path']))
    aces.append((root, comps, f['ace'] == 'deny', f['mask'], f['inherit']))

def acl_decides(root, comps, right):
    want = MASK[right] & ~SYNC
    applicable = []
    for (r, c, deny, mask, inherit) in aces:
        if r != root or comps[:len(c)] != c:
            continue
        if len(c) == len(comps) and inherit == 11:
            continue  # inherit-only: not the object itself
        applicable.append((-len(c), 0 if deny else 1, mask))
    applicable.sort()
    granted = 0
    for (_, kind, mask) in applicable:
        if kind == 0 and mask & want & ~granted:
            return 'deny'
        if kind == 1:
            granted |= mask & want
            if granted == want:
                return 'allow'
    return 'deny'

# Allowed by the ACLs where the language denies is admitted only when the
# rule that decides is itself reported wider; the safe direction (denied by
# the ACLs) is admitted for any right with a stricter note.
wider_at = {n['from'] for n in prof['notEnforced'] if n['fidelity'] == 'wider'}
admits = {'wider': set(), 'stricter': set()}
# Rules that do not concern Windows (absolute POSIX paths): the evaluator may
# still let `allow read /` decide for ${HOME}/x; the artifact denying it then
# is the n/a the profile reports, never an allow it did not admit.
na = {n['from'] for n in prof['notApplicable']}
for n in prof['notEnforced']:
    admits[n['fidelity']].add(n['rule'].split()[1])

probes = set()
for (r, c, _, _, _) in aces:
    probes.add((r, tuple(c)))
    probes.add((r, tuple(c) + ('child',)))
    probes.add((r, tuple(c) + ('child', 'deeper')))
    if c:
        probes.add((r, tuple(c[:-1]) + (c[-1] + '-sibling',)))
for extra in os.environ.get('SBX_PROBES', '').split(';'):
    if extra:  # more concrete probes (a glob's matches have no ACE to probe around)
        r, c = split(extra)
        probes.add((r, tuple(c)))
rights = ['read', 'write'] + (['exec'] if any(m & 0x20 for (_, _, d, m, _) in aces if not d) else [])

# This test judges decisions, not the CLI's memory hygiene (the language
# suite runs explain under LeakSanitizer itself): leak reports at exit must
# not turn a decision into "explain failed".
env = dict(os.environ)
env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':detect_leaks=0').lstrip(':')

agree = bad = excused = 0
for (root, comps) in sorted(probes):
    for right in rights:
        acl = acl_decides(root, list(comps), right)
        op = '%s %s' % (right, to_lang(root, list(comps)))
        defs = [a for kv in values.items() for a in ('-D', '%s=%s' % kv)]
        out = subprocess.run([sbxc, 'explain', '--on', 'windows', '--format', 'json'] + defs + [policy, op],
                             capture_output=True, text=True, env=env)
        if out.returncode != 0:
            print('explain failed for %s: %s' % (op, out.stderr.strip().split('\n')[0]))
            bad += 1
            continue
        ans = json.loads(out.stdout)
        lang = ans['decision']
        rule = ans.get('rule') or {}
        where = '%s:%s' % (rule.get('file'), rule.get('line'))
        by_na = where in na
        if acl == lang:
            agree += 1
        elif acl == 'allow' and where in wider_at:
            excused += 1  # the deny that decides is one the profile admits it cannot enforce
        elif acl == 'deny' and (right in admits['stricter'] or by_na):
            excused += 1
        else:
            print('%s: ACLs %s, language %s' % (op, acl, lang))
            bad += 1
print('%d agree, %d admitted differences, %d unadmitted' % (agree, excused, bad))
sys.exit(1 if bad or not agree else 0)
