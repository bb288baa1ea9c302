/*
 * eval.c: the reference evaluator (LANGUAGE.md section 6).
 *
 * For an operation, every rule of its right whose object matches is a
 * candidate; the most specific candidate decides and deny wins a tie; with
 * no candidate the operation is denied. Specificity is a pair compared
 * lexicographically, larger wins:
 *
 *   paths      (eval_path_rank, 0): literal prefix in components; at equal
 *              prefix a glob beats the literal (which names everything the
 *              glob could and more); between globs more literal components,
 *              then more components, then fewer `**`
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
	bool esc;     /* PathObj.esc */
} Comps;

static void split(const PathObj *p, Comps *c)
{
	c->n = 0;
	c->opaque0 = p->root == ROOT_PARAM;
	c->esc = p->esc;
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

/* `*` within one component; everything else literal (esc: PathObj.esc). */
bool eval_wild(Str p, Str s, bool esc)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
	while (si < s.n) {
		size_t next = pi;
		bool wild = false;
		char ch = pi < p.n ? ir_comp_byte(p, &next, esc, &wild) : 0;
		if (pi < p.n && wild) {
			star = pi = next;
			mark = si;
		} else if (pi < p.n && ch == s.p[si]) {
			pi = next;
			si++;
		} else if (star != (size_t)-1) {
			pi = star;
			si = ++mark;
		} else
			return false;
	}
	while (pi < p.n) {
		size_t next = pi;
		bool wild;
		ir_comp_byte(p, &next, esc, &wild);
		if (!wild)
			break;
		pi = next;
	}
	return pi == p.n;
}

static bool is_starstar(Str c) { return ir_comp_starstar(c); }

/* Does pattern P match Q[0..k) for some k (a path names itself and
 * everything beneath it)? One pass over P keeps, for every j, whether
 * P[0..i) matches Q[0..j) exactly: O(|P|·|Q|) whatever the `**`s, where
 * trying each split recursively was exponential in them. A middle `**`
 * takes zero or more components, a trailing one one or more. */
static bool match_prefix(const Comps *P, const Comps *Q, bool cross)
{
	static _Thread_local bool cur[MAX_COMPS + 1], nxt[MAX_COMPS + 1];
	int n = Q->n;
	for (int j = 0; j <= n; j++)
		cur[j] = j == 0;
	for (int i = 0; i < P->n; i++) {
		Str pc = P->v[i];
		bool any = false;
		if (is_starstar(pc)) {
			bool last = i == P->n - 1;
			for (int j = 0; j <= n; j++) {
				if (!last)
					any |= cur[j];
				nxt[j] = any;
				if (last)
					any |= cur[j];
			}
		} else {
			nxt[0] = false;
			for (int j = 0; j < n; j++)
				nxt[j + 1] = cur[j] && !(j == 0 && Q->opaque0 && cross) && eval_wild(pc, Q->v[j], P->esc);
		}
		for (int j = 0; j <= n; j++) {
			cur[j] = nxt[j];
			any |= cur[j];
		}
		if (!any)
			return false;
	}
	for (int j = 0; j <= n; j++)
		if (cur[j])
			return true;
	return false;
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
	return match_prefix(&P, &Q, pat->root != q->root);
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

static bool is_loopback_addr(const NetObj *q)
{
	static const uint8_t one[16] = { [15] = 1 };
	if (q->host_kind == HOST_IP4)
		return q->addr[0] == 127;
	return q->host_kind == HOST_IP6 && memcmp(q->addr, one, 16) == 0;
}

/* "a.b.example.com" is under "*.example.com"; "example.com" is not. */
static bool wild_matches(Str pat, Str name)
{
	Str suffix = { pat.p + 1, pat.n - 1 }; /* ".example.com" */
	return name.n > suffix.n && memcmp(name.p + name.n - suffix.n, suffix.p, suffix.n) == 0;
}

static NetObj loopback_addr(const NetObj *q, bool v6)
{
	NetObj a = *q;
	memset(a.addr, 0, sizeof a.addr);
	a.host_kind = v6 ? HOST_IP6 : HOST_IP4;
	a.prefix = v6 ? 128 : 32;
	a.addr[v6 ? 15 : 0] = v6 ? 1 : 127;
	a.addr[3] = v6 ? 0 : 1;
	return a;
}

static bool host_matches(const NetObj *r, const NetObj *q)
{
	if (q->host_kind == HOST_LOCALHOST) { /* either loopback address */
		NetObj a4 = loopback_addr(q, false), a6 = loopback_addr(q, true);
		return host_matches(r, &a4) || host_matches(r, &a6);
	}
	switch (r->host_kind) {
	case HOST_ANY:
		return true;
	case HOST_NAME:
		return q->host_kind == HOST_NAME && str_eq(r->host, q->host);
	case HOST_WILD:
		return q->host_kind == HOST_NAME && wild_matches(r->host, q->host);
	case HOST_LOCALHOST:
		return is_loopback_addr(q);
	default:
		return q->host_kind == r->host_kind && prefix_eq(r->addr, q->addr, r->prefix);
	}
}

bool eval_host_matches(const NetObj *r, const NetObj *q) { return host_matches(r, q); }

bool eval_host_is_name(const NetObj *n) { return n->host_kind == HOST_NAME || n->host_kind == HOST_WILD; }

int eval_host_rank(const NetObj *n)
{
	switch (n->host_kind) {
	case HOST_NAME:
		return 1000;
	case HOST_WILD: {
		int labels = 0;
		for (size_t i = 0; i < n->host.n; i++)
			labels += n->host.p[i] == '.';
		return 1 + labels; /* "*.b.example.com" 4 beats "*.example.com" 3 */
	}
	case HOST_LOCALHOST:
		return 1 + 8; /* as 127.0.0.0/8, its wider part */
	case HOST_IP4:
		return n->prefix == 32 ? 1000 : 1 + n->prefix;
	case HOST_IP6:
		return n->prefix == 128 ? 1000 : 1 + n->prefix;
	default:
		return 0;
	}
}

static bool net_matches(const NetObj *r, const NetObj *q)
{
	return r->proto == q->proto && host_matches(r, q) &&
	       (r->port_any || (q->port_lo >= r->port_lo && q->port_lo <= r->port_hi));
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
		return net_matches(&r->net, &q);
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
	int64_t a;
	int b;
} Spec;

static uint64_t clamp(unsigned v, unsigned max) { return v < max ? v : max; }

/* Packed so that backends can sort by one number: 15 bits of literal
 * prefix (keeps the value positive as a long), the glob bit, 15 bits of
 * literal components, 16 of components, 16 of "few `**`". A literal has
 * nothing below its prefix to compare: its prefix is all of it. */
bool eval_path_may_contain(const PathObj *outer, const PathObj *inner)
{
	if (outer->root == ROOT_WIN || inner->root == ROOT_WIN)
		return false;
	if (outer->root == ROOT_ABS && outer->ncomp == 0)
		return true;
	if (outer->root != inner->root)
		return false;
	/* Compare outer's literal prefix with inner's text. */
	Str o = outer->text, in = inner->text;
	const char *star = memchr(o.p, '*', o.n);
	if (star) { /* up to the start of the first glob component */
		size_t n = (size_t)(star - o.p);
		while (n > 0 && o.p[n - 1] != '/')
			n--;
		return in.n >= n && memcmp(in.p, o.p, n) == 0;
	}
	return in.n >= o.n && memcmp(in.p, o.p, o.n) == 0 && (in.n == o.n || in.p[o.n] == '/');
}

int64_t eval_path_rank(const PathObj *p)
{
	uint64_t lp = clamp(p->literal_prefix, 0x7fff);
	uint64_t g = p->glob != GLOB_NONE;
	uint64_t nl = clamp(p->nlit, 0x7fff), nc = clamp(p->ncomp, 0xffff);
	uint64_t few = 0xffff - clamp(p->nstarstar, 0xffff);
	return (int64_t)(lp << 48 | g << 47 | nl << 32 | nc << 16 | few);
}

static Spec specificity(const Rule *r)
{
	switch (ir_right_obj[r->right]) {
	case OBJ_PATH:
		return (Spec){ eval_path_rank(&r->path), 0 };
	case OBJ_NET:
		if (r->net.proto == PROTO_UNIX)
			return (Spec){ eval_path_rank(&r->net.path), 0 };
		return (Spec){ eval_host_rank(&r->net), r->net.port_any ? 0 : r->net.port_lo == r->net.port_hi ? 2 : 1 };
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

/* The filter's rules decide (scmp_rules): without syscall rules the derived
 * filter, where a call no rule names is allowed (the filter's fallthrough);
 * with them, the policy's rules under the derived constraints, where it
 * gets the default action. */
static Decision decided(const Policy *p, const Rule *best);

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
	if (p->has_syscall_rules)
		return decided(p, best);
	Decision d = { EFF_ALLOW, best, { ACT_ALLOW, 0, { 0, 0 } }, true, NULL, NULL, false };
	if (best && best->effect == EFF_ALLOW && best->act.kind == ACT_NOTIFY)
		d.act = best->act; /* allowed as a call; the supervisor decides the endpoint */
	if (best && best->effect == EFF_DENY) {
		d.effect = EFF_DENY;
		d.act = best->act.kind == ACT_DEFAULT ? p->default_action : best->act;
	}
	return d;
}

static Decision decided(const Policy *p, const Rule *best)
{
	Decision d = { EFF_DENY, best, p->default_action, false, NULL, NULL, false };
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

/* ---- endpoints: names, then addresses (LANGUAGE.md 6) ---- */

enum { SEL_NAMES = 1, SEL_ADDRS = 2, SEL_NET = 4 };

/* The most specific rule of `right` for endpoint q among the rules sel
 * admits (name rules, address rules, and `net` below every endpoint). */
static const Rule *best_endpoint(const Policy *p, int right, const NetObj *q, unsigned platform, unsigned sel)
{
	const Rule *best = NULL;
	Spec bs = { 0, 0 };
	int lo, hi;
	ir_right_range(p, right, &lo, &hi);
	for (int i = lo; i < hi; i++) {
		const Rule *r = &p->rules[i];
		if (!(r->platforms & platform) || !(sel & (eval_host_is_name(&r->net) ? SEL_NAMES : SEL_ADDRS)) ||
		    !net_matches(&r->net, q))
			continue;
		consider(r, &best, &bs);
	}
	if (best || !(sel & SEL_NET))
		return best;
	ir_right_range(p, R_NET, &lo, &hi);
	for (int i = lo; i < hi; i++) {
		const Rule *r = &p->rules[i];
		if ((r->platforms & platform) && (!best || (r->effect == EFF_DENY && best->effect == EFF_ALLOW)))
			best = r;
	}
	return best;
}

/* A connection by name goes through the egress proxy: the name rules
 * decide it when one matches, and the proxy's own connection to the
 * address is then still refused by an explicit deny on addresses (not the
 * catch-all `*:*`, which would otherwise undo every name rule). Without a
 * resolved address only the rules on every address (`*`) can take part. */
static Decision eval_endpoint(const Policy *p, const Op *op, unsigned platform)
{
	NetObj q = op->net;
	v4_from_mapped(&q);
	if (q.host_kind == HOST_LOCALHOST) {
		/* The loopback addresses: allowed only if both are. */
		NetObj a4 = loopback_addr(&q, false), a6 = loopback_addr(&q, true);
		Decision d4 = decided(p, best_endpoint(p, op->right, &a4, platform, SEL_ADDRS | SEL_NET));
		Decision d6 = decided(p, best_endpoint(p, op->right, &a6, platform, SEL_ADDRS | SEL_NET));
		return d4.effect == EFF_DENY ? d4 : d6;
	}
	if (!eval_host_is_name(&q))
		return decided(p, best_endpoint(p, op->right, &q, platform, SEL_ADDRS | SEL_NET));
	NetObj a = q;
	if (op->has_resolved) {
		a = op->resolved;
		a.proto = q.proto;
		a.port_any = false;
		a.port_lo = a.port_hi = q.port_lo;
		v4_from_mapped(&a);
	}
	const Rule *by_name = best_endpoint(p, op->right, &q, platform, SEL_NAMES);
	if (!by_name) {
		Decision d = decided(p, best_endpoint(p, op->right, &a, platform, SEL_ADDRS | SEL_NET));
		d.by_addr = d.rule;
		return d;
	}
	const Rule *by_addr = best_endpoint(p, op->right, &a, platform, SEL_ADDRS);
	bool veto = by_addr && by_addr->effect == EFF_DENY && !(by_addr->net.host_kind == HOST_ANY && by_addr->net.port_any);
	Decision d = decided(p, veto ? by_addr : by_name);
	d.by_name = by_name;
	d.by_addr = by_addr;
	d.addr_veto = veto;
	return d;
}

Decision eval_op(const Policy *p, const Op *op, unsigned platform)
{
	if ((op->right == R_CONNECT || op->right == R_BIND) && op->net.proto != PROTO_UNIX)
		return eval_endpoint(p, op, platform);
	if (op->right == R_SYSCALL && (platform & PLAT_LINUX) && p->derived)
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
	return decided(p, best);
}
