/*
 * eval.c: the reference evaluator (LANGUAGE.md section 6).
 *
 * For an operation, every rule of its right whose object matches is a
 * candidate; the most specific candidate decides and deny wins a tie; with
 * no candidate the operation is denied. Specificity is a pair compared
 * lexicographically, larger wins:
 *
 *   paths      (literal prefix in components, literal 2 > `*` 1 > `**` 0)
 *   endpoints  (host: exact 1000 > CIDR 1+prefix > `*` 0; port: exact 2 > range 1 > `*` 0)
 *              `net` rules rank below every endpoint: (-1, -1)
 *   targets    (self or children 1 > any 0)
 *   syscalls   (with conditions 1 > without 0)
 *   names      (exact 1 > any 0)
 *
 * Path patterns match the path itself and everything beneath it: the
 * pattern must match some leading run of the operation's components. `*`
 * matches within one component, `**` any number of whole components (one
 * or more at the end of a pattern, so `dir/` + `**` is not `dir`).
 *
 * Matching is symbolic: `${HOME}/x` matches rules written under `${HOME}`.
 * A parameter root is opaque to literal components (a literal `/home` rule
 * does not match `${HOME}`), which is the assumption that a parameter lies
 * beneath no literal path of the policy other than `/`; `**` may absorb it.
 * `sbxc explain` on a concrete path first resolves parameters (as -D does),
 * so there the match is exact.
 */
#include <string.h>

#include "eval.h"

enum { MAX_COMPS = 520 };

typedef struct Comps {
	Str v[MAX_COMPS];
	int n;
	bool opaque0; /* v[0] is a parameter root (symbolic) */
} Comps;

static void split(const PathObj *p, Comps *c)
{
	c->n = 0;
	c->opaque0 = p->root == ROOT_PARAM;
	Str t = p->text;
	char sep = p->root == ROOT_WIN ? '\\' : '/';
	size_t i = 0;
	if (p->root == ROOT_ABS)
		i = 1;
	else if (p->root == ROOT_WIN) {
		/* The drive (or \\server) is one component. */
		size_t j = t.p[0] == '\\' ? 2 : 3;
		c->v[c->n++] = (Str){ t.p, j };
		i = j;
	}
	PathIter it = ir_path_iter(t, i, sep);
	for (Str comp; c->n < MAX_COMPS && ir_path_next(&it, &comp);)
		c->v[c->n++] = comp;
}

/* `*` within one component; everything else literal. */
bool eval_wild(Str p, Str s)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
	while (si < s.n) {
		if (pi < p.n && p.p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < p.n && p.p[pi] == s.p[si]) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else
			return false;
	}
	while (pi < p.n && p.p[pi] == '*')
		pi++;
	return pi == p.n;
}

static bool is_starstar(Str c) { return c.n == 2 && c.p[0] == '*' && c.p[1] == '*'; }

/* Does pattern P[i..] match exactly Q[j..k)? */
static bool match_at(const Comps *P, int i, const Comps *Q, int j, int k, bool cross)
{
	for (;;) {
		if (i == P->n)
			return j == k;
		Str pc = P->v[i];
		if (is_starstar(pc)) {
			if (i == P->n - 1)
				return j < k; /* a trailing `**` takes one or more */
			for (int t = j; t <= k; t++)
				if (match_at(P, i + 1, Q, t, k, cross))
					return true;
			return false;
		}
		if (j == k)
			return false;
		/* A parameter root is opaque to literals of a pattern rooted elsewhere. */
		if (j == 0 && Q->opaque0 && cross)
			return false;
		if (!eval_wild(pc, Q->v[j]))
			return false;
		i++;
		j++;
	}
}

static bool path_matches(const PathObj *pat, const PathObj *q)
{
	if ((pat->root == ROOT_WIN) != (q->root == ROOT_WIN))
		return false;
	static _Thread_local Comps P, Q;
	split(pat, &P);
	split(q, &Q);
	/* A pattern rooted at a param only matches paths rooted at the same param. */
	if (pat->root == ROOT_PARAM && (q->root != ROOT_PARAM || !str_eq(P.v[0], Q.v[0])))
		return false;
	bool cross = pat->root != q->root;
	for (int k = 0; k <= Q.n; k++)
		if (match_at(&P, 0, &Q, 0, k, cross))
			return true;
	return false;
}

static void v4_from_mapped(NetObj *n)
{
	static const uint8_t pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (n->host_kind == HOST_IP6 && n->prefix == 128 && memcmp(n->addr, pre, 12) == 0) {
		memmove(n->addr, n->addr + 12, 4);
		memset(n->addr + 4, 0, 12);
		n->host_kind = HOST_IP4;
		n->prefix = 32;
	}
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
	for (int i = 0; i < bits; i++)
		if ((a[i / 8] ^ b[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

static bool host_matches(const NetObj *r, const NetObj *q)
{
	switch (r->host_kind) {
	case HOST_ANY:
		return true;
	case HOST_NAME:
		/* LANGUAGE.md 2: `localhost` is not looked up, it names 127.0.0.0/8 and ::1. */
		if (str_eq(r->host, STR("localhost")) && q->host_kind == HOST_IP4)
			return q->addr[0] == 127;
		if (str_eq(r->host, STR("localhost")) && q->host_kind == HOST_IP6)
			return q->prefix == 128 && !memcmp(q->addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
		return q->host_kind == HOST_NAME && str_eq(r->host, q->host);
	default:
		return q->host_kind == r->host_kind && prefix_eq(r->addr, q->addr, r->prefix);
	}
}

bool eval_rule_matches(const Rule *r, const Op *op)
{
	switch (ir_right_obj[r->right]) {
	case OBJ_PATH:
		return path_matches(&r->path, &op->path);
	case OBJ_NET: {
		if (r->net.proto != op->net.proto)
			return false;
		if (r->net.proto == PROTO_UNIX)
			return path_matches(&r->net.path, &op->net.path);
		NetObj q = op->net;
		v4_from_mapped(&q);
		if (!host_matches(&r->net, &q))
			return false;
		return r->net.port_any || (q.port_lo >= r->net.port_lo && q.port_lo <= r->net.port_hi);
	}
	case OBJ_NONE:
		return true;
	case OBJ_TARGET:
		return r->target == TGT_ANY || r->target == op->target;
	case OBJ_SYSCALL:
		if (!str_eq(r->sys.name, op->sysname))
			return false;
		for (int i = 0; i < r->sys.ncmp; i++) {
			const ArgCmp *c = &r->sys.cmp[i];
			uint64_t a = (c->arg < op->nargs ? op->args[c->arg] : 0) & c->mask;
			if (c->width == 32)
				a &= 0xffffffffu; /* the kernel sees only the low word */
			bool ok;
			switch (c->op) {
			case CMP_EQ: ok = a == c->value; break;
			case CMP_NE: ok = a != c->value; break;
			case CMP_LT: ok = a < c->value; break;
			case CMP_LE: ok = a <= c->value; break;
			case CMP_GT: ok = a > c->value; break;
			default: ok = a >= c->value; break;
			}
			if (!ok)
				return false;
		}
		return true;
	case OBJ_NAME:
		return r->name.n == 0 || str_eq(r->name, op->name);
	}
	return false;
}

typedef struct Spec {
	int a, b;
} Spec;

static Spec specificity(const Rule *r)
{
	static const int glob_rank[] = { 2, 1, 0 };
	switch (ir_right_obj[r->right]) {
	case OBJ_PATH:
		return (Spec){ r->path.literal_prefix, glob_rank[r->path.glob] };
	case OBJ_NET:
		if (r->net.proto == PROTO_UNIX)
			return (Spec){ r->net.path.literal_prefix, glob_rank[r->net.path.glob] };
		{
			int h = 0;
			if (r->net.host_kind == HOST_NAME)
				h = 1000;
			else if (r->net.host_kind == HOST_IP4)
				h = r->net.prefix == 32 ? 1000 : 1 + r->net.prefix;
			else if (r->net.host_kind == HOST_IP6)
				h = r->net.prefix == 128 ? 1000 : 1 + r->net.prefix;
			int p = r->net.port_any ? 0 : r->net.port_lo == r->net.port_hi ? 2 : 1;
			return (Spec){ h, p };
		}
	case OBJ_TARGET:
		return (Spec){ r->target == TGT_ANY ? 0 : 1, 0 };
	case OBJ_SYSCALL:
		return (Spec){ r->sys.ncmp > 0, 0 };
	case OBJ_NAME:
		return (Spec){ r->name.n > 0, 0 };
	default:
		return (Spec){ 0, 0 };
	}
}

static int spec_cmp(Spec x, Spec y)
{
	if (x.a != y.a)
		return x.a < y.a ? -1 : 1;
	if (x.b != y.b)
		return x.b < y.b ? -1 : 1;
	return 0;
}

/* The most specific rule so far wins; deny wins a tie. */
static void consider(const Rule *r, const Rule **best, Spec *bs)
{
	Spec s = specificity(r);
	int c = *best ? spec_cmp(s, *bs) : 1;
	if (c > 0 || (c == 0 && r->effect == EFF_DENY && (*best)->effect == EFF_ALLOW)) {
		*best = r;
		*bs = s;
	}
}

/* A policy without syscall rules: its derived filter decides, and a call
 * no derived rule names is allowed (the filter's fallthrough). */
static Decision eval_derived(const Policy *p, const Op *op)
{
	const Rule *best = NULL;
	Spec bs = { 0, 0 };
	for (int i = 0; i < p->nderived; i++) {
		const Rule *r = p->derived[i];
		if (!eval_rule_matches(r, op))
			continue;
		consider(r, &best, &bs);
	}
	Decision d = { EFF_ALLOW, best, { ACT_ALLOW, 0, { 0, 0 } }, true };
	if (best && best->effect == EFF_ALLOW && best->act.kind == ACT_NOTIFY)
		d.act = best->act; /* allowed as a call; the supervisor decides the endpoint */
	if (best && best->effect == EFF_DENY) {
		d.effect = EFF_DENY;
		d.act = best->act.kind == ACT_DEFAULT ? p->default_action : best->act;
	}
	return d;
}

Decision eval_op(const Policy *p, const Op *op, unsigned platform)
{
	if (op->right == R_SYSCALL && !p->has_syscall_rules && p->derived)
		return eval_derived(p, op);
	const Rule *best = NULL;
	Spec bs = { 0, 0 };
	int lo, hi;
	ir_right_range(p, op->right, &lo, &hi);
	/* Absolute POSIX paths do not concern Windows (LANGUAGE.md 4). */
	bool posix_na = platform == PLAT_WINDOWS && ir_right_obj[op->right] == OBJ_PATH;
	for (int i = lo; i < hi; i++) {
		const Rule *r = &p->rules[i];
		if (!(r->platforms & platform) || (posix_na && r->path.root == ROOT_ABS) || !eval_rule_matches(r, op))
			continue;
		consider(r, &best, &bs);
	}
	if (op->right == R_SYSCALL && (platform & PLAT_LINUX))
		for (int i = 0; i < p->nderived; i++)
			if (eval_rule_matches(p->derived[i], op))
				consider(p->derived[i], &best, &bs);
	if (op->right == R_CONNECT || op->right == R_BIND) {
		/* `net` ranks below every endpoint rule. */
		ir_right_range(p, R_NET, &lo, &hi);
		for (int i = lo; i < hi && (!best || best->right == R_NET); i++) {
			const Rule *r = &p->rules[i];
			if (!(r->platforms & platform))
				continue;
			if (!best || (r->effect == EFF_DENY && best->effect == EFF_ALLOW))
				best = r;
		}
	}
	Decision d = { EFF_DENY, best, p->default_action, false };
	if (!best)
		return d;
	d.effect = best->effect;
	if (best->effect == EFF_ALLOW)
		d.act = best->act.kind == ACT_LOG || best->act.kind == ACT_NOTIFY ? best->act
										   : (Action){ ACT_ALLOW, 0, { 0, 0 } };
	else if (best->act.kind != ACT_DEFAULT && best->act.kind != ACT_ALLOW)
		d.act = best->act;
	return d;
}
