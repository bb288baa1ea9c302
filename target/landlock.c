/*
 * landlock.c: the landlock target: NAME.landlock, a rule set that the
 * runtime (runtime/, `sbx-exec`, `sbxc run`) turns into a Landlock domain.
 *
 * The compiler decides what can be decided without the machine the policy
 * runs on; the runtime decides the rest. Paths stay symbolic (`${HOME}`,
 * params): whether `${HOME}/.ssh` lies under an allowed `/home` is only
 * known when HOME is. So the artifact lists, per path, the Landlock rights
 * an allow grants (`fs allow`) and the rights a deny takes away (`fs
 * carve`); the runtime opens the paths, expands globs and carves denies
 * out of the allowed trees it contains (ll_paths.c). The language's rights
 * map onto the kernel's as in runtime/ll_abi.h (read = read_file,read_dir;
 * write = everything that changes the tree or a file; exec = execute).
 *
 * Network: Landlock matches TCP ports (ABI 4), not hosts, so the compiler
 * computes the set of ports a host-`*` rule allows for each of connect and
 * bind (the language's most-specific-wins over `*:port`, ranges, `*:*` and
 * `net`), adds the ports of host-specific allows (wider: the driver
 * refuses them unless accepted) and writes the set as ranges. A right the
 * policy allows on every port is not handled at all. UDP and unix sockets
 * are not Landlock's: the seccomp filter decides them (fidelity n/a here,
 * except named unix sockets, which neither mechanism can tell apart).
 *
 * Scopes (ABI 6): signals unless `allow signal any`; abstract unix sockets
 * unless `allow net`. For every right a kernel may lack, a `fallback` line
 * says what the runtime does below its ABI: stricter, degrade (the policy
 * accepted it), seccomp (the filter closes the gap) or refuse (126).
 *
 * Supervised endpoints (`sup` lines): where Landlock's ports are wider than
 * an address rule (ScmpNeeds.sup_*), the derived filter notifies connect,
 * bind and UDP sends, and the runtime's supervisor decides each one on its
 * own copy of the address with these rules (the language's specificity,
 * recomputed by the runtime from the words). A host name other than
 * `localhost` cannot be seen in an address: an allow becomes `*` on its
 * ports (wider, as with Landlock alone), a deny is left out (wider).
 *
 * The artifact ends with the name and XXH3-64 of the seccomp manifest that
 * completes it (EmitCtx: the driver runs the seccomp backend for it); the
 * runtime refuses a manifest whose bytes differ.
 */
#include "target.h"
#include "../lib/esc.h"
#include "../ir/eval.h"
#include "../ir/syscalls.h"
#include "../runtime/ll_abi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool on_linux(const Rule *r) { return r->platforms & PLAT_LINUX; }
static bool is_file_right(int right) { return right == R_READ || right == R_WRITE || right == R_EXEC; }

static uint64_t ll_access(int right)
{
	return right == R_READ ? LL_LANG_READ : right == R_WRITE ? LL_LANG_WRITE : LL_LANG_EXEC;
}

/* The fidelity gate's own test, so that a fallback degrades exactly when
 * the gate let the wider rule through. */
static bool accepted(const Policy *p, int right) { return target_accepted(p, right, &backend_landlock); }

/* ---- paths ---- */

/* May pattern `outer` contain `inner` (strictly beneath or equal)? Exact
 * for paths under the same root. Across roots it takes the evaluator's
 * assumption (ir/eval.c): a param lies beneath no literal path but
 * "/". Where a param does lie elsewhere, the runtime carves all the same:
 * the report is then optimistic, the enforcement never wider. */
static bool may_contain(const PathObj *outer, const PathObj *inner) { return eval_path_may_contain(outer, inner); }

/* Does a `**` come before the pattern's last component? The runtime
 * cuts such a carve there (ll_paths.c). */
static bool ss_inside(const PathObj *po)
{
	Str t = po->text;
	for (size_t i = 0; i + 3 < t.n; i++)
		if ((i == 0 || t.p[i - 1] == '/') && t.p[i] == '*' && t.p[i + 1] == '*' && t.p[i + 2] == '/')
			return true;
	return false;
}

/* The pattern up to its first `**` component, without the slash. */
static Str ss_prefix(Arena *a, const PathObj *po)
{
	Str t = po->text;
	size_t i = 0;
	while (i + 2 < t.n && !((i == 0 || t.p[i - 1] == '/') && t.p[i] == '*' && t.p[i + 1] == '*' && t.p[i + 2] == '/'))
		i++;
	return arena_strdup(a, (Str){ t.p, i > 1 ? i - 1 : i });
}

/* At least as specific (the runtime's test too): a deny wins a tie. */
static bool spec_ge(const PathObj *a, const PathObj *b) { return eval_path_rank(a) >= eval_path_rank(b); }

/* The usual placement of params that section 4 names: `${PROJECT}` or
 * `${TMPDIR}` beneath `${HOME}`. Params are resolved before specificity, so
 * there a rule under the inner param may outrank and lie inside a rule on
 * `${HOME}` itself, and the runtime carves it out (stricter) or lets it
 * decide inside (exact). The report assumes that placement and otherwise
 * disjoint values, as expect and never do; under any placement the runtime
 * decides with the values and is never wider (tests/differential). */
static bool other_params(const PathObj *outer, const PathObj *inner)
{
	return outer->root == ROOT_PARAM && inner->root == ROOT_PARAM && str_eqc(outer->param, "HOME") &&
	       outer->ncomp == 1 && (str_eqc(inner->param, "PROJECT") || str_eqc(inner->param, "TMPDIR"));
}

static const char *placed(Arena *a, const PathObj *inner)
{
	return arena_cstr(a, arena_printf(a, " where ${%.*s} lies beneath ${HOME}", STRF(inner->param)));
}

/* The file rules of one right, indexed once per policy for the two
 * questions fidelity asks per rule (may_contain's prefix tests as key
 * ranges; keys are the root's letter then the text):
 *   deny: every deny, by its text;
 *   exact, glob: the allows without `*` by their text, with one by their
 *   literal prefix up to the first glob component (slash included);
 *   top: the allows of "/"; home: those of ${HOME} itself (other_params);
 *   param_deny: the first deny under ${PROJECT} or ${TMPDIR}. */
typedef struct RightIdx {
	StrIdx deny, exact, glob;
	int *top, ntop, *home, nhome;
	int param_deny;
} RightIdx;

enum { NO_RULE = INT32_MAX };

static char root_letter(const PathObj *po) { return po->root == ROOT_PARAM ? 'P' : 'A'; }

/* Built in b (reset first); asked per rule, so no printf. */
static Str root_key(Buf *b, const PathObj *po, Str text, bool slash)
{
	b->n = 0;
	buf_putc(b, root_letter(po));
	buf_str(b, text);
	if (slash)
		buf_putc(b, '/');
	return buf_as_str(b);
}

static bool is_top(const PathObj *po) { return po->root == ROOT_ABS && po->ncomp == 0; }

static bool is_home(const PathObj *po)
{
	return po->root == ROOT_PARAM && str_eqc(po->param, "HOME") && po->ncomp == 1;
}

static bool in_param_dir(const PathObj *po)
{
	return po->root == ROOT_PARAM && (str_eqc(po->param, "PROJECT") || str_eqc(po->param, "TMPDIR"));
}

/* may_contain's literal prefix of a pattern with a `*`. */
static Str glob_prefix(Str o)
{
	const char *star = memchr(o.p, '*', o.n);
	size_t n = (size_t)(star - o.p);
	while (n > 0 && o.p[n - 1] != '/')
		n--;
	return (Str){ o.p, n };
}

static const RightIdx *right_idx(const Policy *p, int right)
{
	static IrMemo memo;
	static RightIdx idx[3];
	static Arena lists;
	int w = right == R_READ ? 0 : right == R_WRITE ? 1 : 2;
	if (ir_memo_hit(&memo, p))
		return &idx[w];
	for (int k = 0; k < 3; k++) {
		stridx_free(&idx[k].deny);
		stridx_free(&idx[k].exact);
		stridx_free(&idx[k].glob);
		idx[k] = (RightIdx){ .param_deny = NO_RULE };
	}
	arena_free(&lists);
	Buf t = { 0 };
	int ncap[3][2] = { { 0 } };
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (!is_file_right(r->right) || !on_linux(r) || r->path.root == ROOT_WIN)
			continue;
		RightIdx *x = &idx[r->right == R_READ ? 0 : r->right == R_WRITE ? 1 : 2];
		const PathObj *po = &r->path;
		if (r->effect == EFF_DENY) {
			stridx_add(&x->deny, root_key(&t, po, po->text, false), i);
			if (in_param_dir(po) && x->param_deny == NO_RULE)
				x->param_deny = i;
			continue;
		}
		if (r->effect != EFF_ALLOW)
			continue;
		int wi = (int)(x - idx);
		if (is_top(po))
			*VEC_PUSH(&lists, x->top, x->ntop, ncap[wi][0]) = i;
		else if (memchr(po->text.p, '*', po->text.n))
			stridx_add(&x->glob, root_key(&t, po, glob_prefix(po->text), false), i);
		else
			stridx_add(&x->exact, root_key(&t, po, po->text, false), i);
		if (is_home(po))
			*VEC_PUSH(&lists, x->home, x->nhome, ncap[wi][1]) = i;
	}
	for (int k = 0; k < 3; k++) {
		stridx_sort(&idx[k].deny);
		stridx_sort(&idx[k].exact);
		stridx_sort(&idx[k].glob);
	}
	buf_free(&t);
	ir_memo_set(&memo, p);
	return &idx[w];
}

/* The first deny in [lo, hi) of x->deny at least as specific as r, or best. */
static int first_deny(const Policy *p, const StrIdx *x, int lo, int hi, const Rule *r, int best)
{
	int m = stridx_min(x, lo, hi);
	if (m >= best)
		return best;
	/* The key range is may_contain's test; asked again, it is the
	 * definition this index must agree with. */
	const PathObj *in = &p->rules[m].path;
	if (spec_ge(in, &r->path) && may_contain(&r->path, in))
		return m;
	for (int i = lo; i < hi; i++) { /* rare: a less specific deny comes first */
		in = &p->rules[x->val[i]].path;
		if (x->val[i] < best && spec_ge(in, &r->path) && may_contain(&r->path, in))
			best = x->val[i];
	}
	return best;
}

/* A deny of the same right, at least as specific, that may lie inside r. */
static const Rule *carve_inside(const Policy *p, const Rule *r)
{
	const RightIdx *x = right_idx(p, r->right);
	const PathObj *po = &r->path;
	int best = is_home(po) ? x->param_deny : NO_RULE;
	if (po->root != ROOT_WIN) {
		Buf t = { 0 }, u = { 0 };
		Str self = root_key(&t, po, po->text, false);
		int lo, hi, elo, ehi;
		if (is_top(po) || memchr(po->text.p, '*', po->text.n)) {
			/* Everything under the literal prefix, r's own text aside. */
			if (is_top(po))
				lo = 0, hi = x->deny.n;
			else
				stridx_prefix(&x->deny, root_key(&u, po, glob_prefix(po->text), false), &lo, &hi);
			stridx_equal(&x->deny, self, &elo, &ehi); /* inside [lo, hi): self has the prefix */
			if (elo == ehi)
				elo = ehi = hi;
			best = first_deny(p, &x->deny, lo, elo, r, best);
			best = first_deny(p, &x->deny, ehi, hi, r, best);
		} else {
			stridx_prefix(&x->deny, root_key(&u, po, po->text, true), &lo, &hi);
			best = first_deny(p, &x->deny, lo, hi, r, best);
		}
		buf_free(&t);
		buf_free(&u);
	}
	return best == NO_RULE ? NULL : &p->rules[best];
}

/* The first allow of key in x that r is at least as specific as, or best
 * (a block of equal keys is in rule order). */
static int first_allow(const Policy *p, const StrIdx *x, Str key, const Rule *r, int best)
{
	int lo, hi;
	stridx_equal(x, key, &lo, &hi);
	for (int i = lo; i < hi && x->val[i] < best; i++)
		if (spec_ge(&r->path, &p->rules[x->val[i]].path) && may_contain(&p->rules[x->val[i]].path, &r->path))
			return x->val[i];
	return best;
}

static const Rule *allow_around(const Policy *p, const Rule *r)
{
	const RightIdx *x = right_idx(p, r->right);
	const PathObj *po = &r->path;
	int best = NO_RULE;
	if (in_param_dir(po) && x->nhome)
		best = x->home[0];
	if (po->root != ROOT_WIN) {
		for (int i = 0; i < x->ntop && x->top[i] < best; i++)
			if (spec_ge(po, &p->rules[x->top[i]].path)) {
				best = x->top[i];
				break;
			}
		Buf t = { 0 };
		Str k = root_key(&t, po, po->text, false);
		/* An allow of r's own text or of an ancestor; a glob whose literal
		 * prefix ends at one of r's slashes (or is empty). */
		best = first_allow(p, &x->exact, k, r, best);
		best = first_allow(p, &x->glob, (Str){ k.p, 1 }, r, best);
		for (size_t i = 1; i < k.n; i++) {
			if (k.p[i] != '/')
				continue;
			best = first_allow(p, &x->exact, (Str){ k.p, i }, r, best);
			best = first_allow(p, &x->glob, (Str){ k.p, i + 1 }, r, best);
		}
		buf_free(&t);
	}
	return best == NO_RULE ? NULL : &p->rules[best];
}

/* ---- ports ---- */

enum { PORTS = 65536 };

/* Does the policy allow right (R_CONNECT/R_BIND) over TCP to every host on
 * `port` (star), or to some host (any)? LANGUAGE.md 6: an exact port beats
 * a range beats `*`; `net` ranks below every endpoint; deny wins ties. */
/* Coverage counts per TCP port of one right, from difference arrays (one
 * sweep per policy; port_decision is asked per rule and per port range):
 * cov[rank * 2 + deny][port] for the any-host rules of that port rank
 * (0 `*`, 1 a range, 2 one port), cov[6] for the direct host allows. */
typedef struct PortCov {
	int32_t (*cov)[PORTS + 1];
	bool net_allow, net_deny;
} PortCov;

static const PortCov *port_cov(const Policy *p, int right)
{
	static IrMemo memo;
	static PortCov pc[2];
	int w = right == R_BIND;
	if (ir_memo_hit(&memo, p))
		return &pc[w];
	for (int k = 0; k < 2; k++) {
		if (!pc[k].cov && !(pc[k].cov = malloc(sizeof(int32_t[7][PORTS + 1])))) {
			fprintf(stderr, "sbxc: out of memory\n");
			abort();
		}
		memset(pc[k].cov, 0, sizeof(int32_t[7][PORTS + 1]));
		pc[k].net_allow = pc[k].net_deny = false;
	}
	int nlo, nhi;
	ir_right_range(p, R_NET, &nlo, &nhi);
	for (int i = nlo; i < nhi; i++)
		if (on_linux(&p->rules[i]))
			for (int k = 0; k < 2; k++)
				*(p->rules[i].effect == EFF_ALLOW ? &pc[k].net_allow : &pc[k].net_deny) = true;
	for (int k = 0; k < 2; k++) {
		int lo, hi;
		ir_right_range(p, k ? R_BIND : R_CONNECT, &lo, &hi);
		for (int i = lo; i < hi; i++) {
			const Rule *r = &p->rules[i];
			if (!on_linux(r) || r->net.proto != PROTO_TCP)
				continue;
			unsigned plo = r->net.port_any ? 0 : r->net.port_lo, phi = r->net.port_any ? PORTS - 1 : r->net.port_hi;
			int row;
			if (r->net.host_kind != HOST_ANY) {
				/* A name is reached through the runtime's proxy, never directly. */
				if (r->effect != EFF_ALLOW || eval_host_is_name(&r->net))
					continue;
				row = 6;
			} else {
				int rank = r->net.port_any ? 0 : r->net.port_lo == r->net.port_hi ? 2 : 1;
				row = rank * 2 + (r->effect != EFF_ALLOW);
			}
			pc[k].cov[row][plo]++;
			pc[k].cov[row][phi + 1]--;
		}
		for (int row = 0; row < 7; row++)
			for (int port = 1; port <= PORTS; port++)
				pc[k].cov[row][port] += pc[k].cov[row][port - 1];
	}
	ir_memo_set(&memo, p);
	return &pc[w];
}

static void port_decision(const Policy *p, int right, unsigned port, bool *star, bool *any)
{
	const PortCov *pc = port_cov(p, right);
	if (port >= PORTS)
		port = PORTS - 1;
	int best = -1;
	for (int rank = 2; rank >= 0 && best < 0; rank--)
		if (pc->cov[rank * 2][port] || pc->cov[rank * 2 + 1][port])
			best = rank;
	bool allow = best >= 0 && pc->cov[best * 2][port], deny = best >= 0 && pc->cov[best * 2 + 1][port];
	*star = best >= 0 ? allow && !deny : pc->net_allow && !pc->net_deny;
	*any = *star || pc->cov[6][port];
}

typedef struct PortSet {
	uint32_t lo[PORTS], hi[PORTS];
	int n;
	bool all;
} PortSet;

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The ports Landlock must allow, as ranges: decided once per segment
 * between consecutive rule boundaries. */
static void port_set(Arena *ar, const Policy *p, int right, PortSet *s)
{
	uint32_t *cuts = arena_alloc(ar, sizeof(uint32_t) * (size_t)(2 * p->nrules + 2));
	int nc = 0;
	cuts[nc++] = 0;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (on_linux(r) && r->right == right && r->net.proto == PROTO_TCP && !r->net.port_any) {
			cuts[nc++] = r->net.port_lo;
			cuts[nc++] = (uint32_t)r->net.port_hi + 1;
		}
	}
	qsort(cuts, (size_t)nc, sizeof *cuts, cmp_u32);
	s->n = 0;
	uint32_t total = 0;
	for (int i = 0; i < nc; i++) {
		uint32_t lo = cuts[i];
		if (lo >= PORTS || (i > 0 && lo == cuts[i - 1]))
			continue;
		uint32_t hi = PORTS - 1;
		for (int j = i + 1; j < nc; j++)
			if (cuts[j] > lo) {
				hi = (cuts[j] > PORTS ? PORTS : cuts[j]) - 1;
				break;
			}
		bool star, any;
		port_decision(p, right, lo, &star, &any);
		if (!any)
			continue;
		if (s->n > 0 && s->hi[s->n - 1] + 1 == lo)
			s->hi[s->n - 1] = hi;
		else {
			s->lo[s->n] = lo;
			s->hi[s->n] = hi;
			s->n++;
		}
		total += hi - lo + 1;
	}
	s->all = total == PORTS;
}

static bool net_allowed_at_all(const Policy *p)
{
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (on_linux(r) && r->effect == EFF_ALLOW && (r->right == R_NET || r->right == R_CONNECT || r->right == R_BIND))
			return true;
	}
	return false;
}

static bool unix_allowed(const Policy *p)
{
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (on_linux(r) && r->effect == EFF_ALLOW &&
		    (r->right == R_NET || ((r->right == R_CONNECT || r->right == R_BIND) && r->net.proto == PROTO_UNIX)))
			return true;
	}
	return false;
}

/* The effect of the rules of `right` on `target`, or deny if none. */
static bool target_allowed(const Policy *p, int right, int target)
{
	Op op = { .right = (uint8_t)right, .target = (uint8_t)target };
	return eval_op(p, &op, PLAT_LINUX).effect == EFF_ALLOW;
}

/* ---- the supervisor ---- */

static bool is_localhost(const NetObj *n) { return n->host_kind == HOST_LOCALHOST; }

/* Whether the supervisor decides this right and protocol (see derive.c). */
static bool supervised(const Policy *p, int right, int proto)
{
	ScmpNeeds n = scmp_needs(p);
	if (proto == PROTO_UDP)
		return n.sup_udp;
	if (proto == PROTO_TCP)
		return right == R_CONNECT ? n.sup_tcp_connect : n.sup_tcp_bind;
	return false;
}

static void sup_host(Buf *b, const NetObj *n)
{
	if (n->host_kind == HOST_IP4) {
		buf_printf(b, "%u.%u.%u.%u/%u", n->addr[0], n->addr[1], n->addr[2], n->addr[3], n->prefix);
	} else if (n->host_kind == HOST_IP6) {
		buf_putc(b, '[');
		for (int i = 0; i < 16; i += 2)
			buf_printf(b, i ? ":%x" : "%x", (unsigned)(n->addr[i] << 8 | n->addr[i + 1]));
		buf_printf(b, "]/%u", n->prefix);
	} else if (is_localhost(n)) {
		buf_puts(b, "localhost");
	} else {
		buf_putc(b, '*');
	}
}

static void emit_sup(Buf *b, const Policy *p, Arena *ar)
{
	static const int rights[2] = { R_CONNECT, R_BIND };
	static const int protos[2] = { PROTO_TCP, PROTO_UDP };
	for (int ri = 0; ri < 2; ri++)
		for (int pi = 0; pi < 2; pi++) {
			int right = rights[ri], proto = protos[pi];
			if (!supervised(p, right, proto))
				continue;
			const char *rn = ir_right_name[right], *pn = proto == PROTO_TCP ? "tcp" : "udp";
			buf_printf(b, "sup %s %s\n", rn, pn);
			int lo, hi;
			ir_right_range(p, right, &lo, &hi);
			for (int i = lo; i < hi; i++) {
				const Rule *r = &p->rules[i];
				if (!on_linux(r) || r->net.proto != proto)
					continue;
				/* A name is reached through the egress proxy (tgt_proxy_rules),
				 * never directly: no address rule stands for it. */
				bool name = eval_host_is_name(&r->net);
				if (name && (r->effect == EFF_DENY || (proto == PROTO_TCP && right == R_CONNECT)))
					continue; /* otherwise the name's port stands open to every host: wider, said in fidelity */
				buf_printf(b, "sup %s %s %s ", rn, pn, r->effect == EFF_ALLOW ? "allow" : "deny");
				sup_host(b, &r->net);
				if (r->net.port_any)
					buf_puts(b, " *");
				else
					buf_printf(b, " %u-%u", (unsigned)r->net.port_lo, (unsigned)r->net.port_hi);
				buf_putc(b, ' ');
				const SrcFile *f = r->loc.file < p->nfiles ? &p->files[r->loc.file] : NULL;
				Str where = f ? arena_printf(ar, "%.*s:%u", STRF(f->id), (unsigned)r->loc.line) : STR("?");
				esc_put(b, where, ESC_LANDLOCK);
				buf_putc(b, '\n');
			}
		}
}

/* Deny-inside-allow for write (ScmpNeeds.sup_fs, the same test as the
 * filter's): the runtime gives Landlock no write right on an allowed tree
 * with a write deny inside, and its supervisor decides and performs each
 * write there by the full name (runtime/sup_fs.c). The rules themselves
 * come from the fs lines; these lines say where each was written. */
static bool write_supervised(const Policy *p) { return scmp_needs(p).sup_fs; }

static void emit_sup_write(Buf *b, const Policy *p, Arena *ar)
{
	if (!write_supervised(p))
		return;
	buf_puts(b, "sup write\n");
	int lo, hi;
	ir_right_range(p, R_WRITE, &lo, &hi);
	for (int i = lo; i < hi; i++) {
		const Rule *r = &p->rules[i];
		if (!on_linux(r) || r->path.root == ROOT_WIN)
			continue;
		buf_printf(b, "sup write %s ", r->effect == EFF_ALLOW ? "allow" : "deny");
		esc_put(b, r->path.text, ESC_LANDLOCK);
		buf_putc(b, ' ');
		const SrcFile *f = r->loc.file < p->nfiles ? &p->files[r->loc.file] : NULL;
		esc_put(b, f ? arena_printf(ar, "%.*s:%u", STRF(f->id), (unsigned)r->loc.line) : STR("?"), ESC_LANDLOCK);
		buf_putc(b, '\n');
	}
}

/* ---- fidelity ---- */

Fidelity landlock_fidelity(const Policy *p, const Rule *r, Arena *a, Str *note)
{
	*note = (Str){ 0 };
	if (!on_linux(r))
		return FID_NA;
	bool allow = r->effect == EFF_ALLOW;
	switch (r->right) {
	case R_READ:
	case R_WRITE:
	case R_EXEC: {
		if (r->path.root == ROOT_WIN)
			return FID_NA;
		if (allow) {
			const Rule *d = carve_inside(p, r);
			if (r->path.glob) {
				*note = STR("Landlock has no globs: expanded when the policy is applied; matches created later are denied");
				return FID_STRICTER;
			}
			if (d && r->right == R_WRITE && write_supervised(p)) {
				*note = arena_printf(a,
						     "%.*s inside: Landlock gets no write right on this tree; the runtime's supervisor "
						     "decides each write here by its full name and performs it (left to Landlock, so refused "
						     "here: a symlink the call follows, O_TMPFILE, writing FIFOs or devices)",
						     STRF(d->path.text));
				return FID_EXACT;
			}
			if (d && ss_inside(&d->path)) {
				*note = arena_printf(a,
						     "%.*s is carved out at apply time, cut at its `**` (the runtime does not walk "
						     "whole trees): nothing beneath %.*s gets %s, existing files included",
						     STRF(d->path.text), STRF(ss_prefix(a, &d->path)), ir_right_name[r->right]);
				return FID_STRICTER;
			}
			if (d) {
				*note = arena_printf(a,
						     "%.*s is carved out at apply time%s: the directories on the way to it lose "
						     "%s for themselves (listing, creating entries, entries created later)",
						     STRF(d->path.text),
						     other_params(&r->path, &d->path) ? placed(a, &d->path) : "",
						     ir_right_name[r->right]);
				return FID_STRICTER;
			}
			if (r->right == R_EXEC) {
				Op op = { .right = R_READ, .path = r->path };
				if (eval_op(p, &op, PLAT_LINUX).effect != EFF_ALLOW) {
					*note = STR("Landlock executes only files that may also be read (read_file): "
						    "exec here works where read is allowed too");
					return FID_STRICTER;
				}
			}
			return FID_EXACT;
		}
		const Rule *outer = allow_around(p, r);
		if (outer && r->right == R_WRITE && write_supervised(p)) {
			*note = arena_printf(a, "decided inside %.*s by the runtime's supervisor, per name%s",
					     STRF(outer->path.text),
					     r->path.glob ? " (the glob matched against each full name)" : "");
			return FID_EXACT;
		}
		if (outer) {
			*note = arena_printf(a,
					     "carved out of %.*s at apply time%s (Landlock only allows): entries created later "
					     "in the directories on the way are denied%s",
					     STRF(outer->path.text),
					     other_params(&outer->path, &r->path) ? placed(a, &r->path) : "",
					     r->path.glob ? "; the glob is matched by name when carving" : "");
			return FID_STRICTER;
		}
		return FID_EXACT;
	}
	case R_CONNECT:
	case R_BIND:
		if (eval_host_is_name(&r->net) && r->net.proto == PROTO_TCP && r->right == R_CONNECT) {
			if (allow) {
				*note = STR("reached through the runtime's egress proxy (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY): "
					    "a program that ignores the proxy cannot reach this host");
				return FID_STRICTER;
			}
			*note = STR("decided by the runtime's egress proxy; a direct connection is decided by the address "
				    "rules (LANGUAGE.md 5.2)");
			return FID_EXACT;
		}
		if (supervised(p, r->right, r->net.proto)) {
			if (eval_host_is_name(&r->net)) {
				*note = allow ? STR("the supervisor sees addresses, not names: the port is open to every host")
					      : STR("the supervisor sees addresses, not names: one host cannot be denied");
				return FID_WIDER;
			}
			*note = STR("decided per address by the runtime's supervisor (seccomp user notification), "
				    "which performs the call on its own copy of the address");
			return FID_EXACT;
		}
		if (r->net.proto == PROTO_UDP)
			return FID_NA; /* the seccomp filter's */
		if (r->net.proto == PROTO_UNIX) {
			if (!allow)
				return FID_NA;
			*note = STR("Landlock (up to ABI 7) does not check unix socket paths: any named socket may be used");
			return FID_WIDER;
		}
		if (r->net.host_kind != HOST_ANY) {
			bool star, any;
			port_decision(p, r->right, r->net.port_any ? 0 : r->net.port_lo, &star, &any);
			if (allow && !star) {
				*note = STR("Landlock matches TCP ports, not hosts: the port is open to every host");
				return FID_WIDER;
			}
			if (!allow && any) {
				*note = STR("Landlock matches TCP ports, not hosts: one host cannot be denied on an open port");
				return FID_WIDER;
			}
			return FID_EXACT;
		}
		*note = STR("TCP ports from Landlock ABI 4; MPTCP and TCP Fast Open are closed by the seccomp filter");
		return FID_EXACT;
	case R_NET:
		return FID_EXACT;
	case R_SIGNAL:
	case R_PTRACE:
		if (!allow)
			return FID_NA; /* Landlock cannot deny within the sandbox; seccomp's */
		if (r->target == TGT_ANY) {
			if (r->right == R_PTRACE) {
				*note = STR("Landlock confines ptrace to processes inside the sandbox");
				return FID_STRICTER;
			}
			return FID_EXACT;
		}
		*note = r->right == R_SIGNAL
				? STR("Landlock (ABI 6) scopes signals to the sandbox's own processes")
				: STR("Landlock confines ptrace to the sandbox's own processes");
		return FID_EXACT;
	default:
		return FID_NA;
	}
}

/* ---- policy-wide ---- */

/* LANGUAGE.md 5.1: changing metadata (mode, owner, times, extended
 * attributes) is `write`. Landlock (up to ABI 7) does not mediate chmod,
 * chown, utimes or the xattr calls, so wherever the policy does not allow
 * write, the program may still change a file's metadata if its ownership
 * lets it: wider, for the default deny itself. Exact only for a policy that
 * allows write everywhere on Linux (`allow write /` and no write deny). The
 * runtime's supervisor is to close this: then this entry alone flips. */
Fidelity landlock_metadata_fidelity(const Policy *p, Arena *a, Str *note)
{
	(void)a;
	bool everywhere = false, denied = false;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (!on_linux(r) || r->right != R_WRITE)
			continue;
		denied |= r->effect == EFF_DENY;
		everywhere |= r->effect == EFF_ALLOW && r->path.root == ROOT_ABS && r->path.ncomp == 0;
	}
	if (everywhere && !denied) {
		*note = (Str){ 0 };
		return FID_EXACT;
	}
	*note = STR("Landlock does not mediate chmod, chown, utimes or extended attributes: outside the write rules "
		    "they succeed wherever the file's ownership lets the program (until the runtime's supervisor checks them)");
	return FID_WIDER;
}

/* ---- emit ---- */

static void put_rights(Buf *b, uint64_t access)
{
	bool first = true;
#define X(N, s, bit, abi, f)                                 \
	if (access & (1ull << (bit))) {                      \
		buf_printf(b, "%s%s@%d", first ? "" : ",", s, abi); \
		first = false;                               \
	}
	LL_FS_RIGHTS(X)
#undef X
}

typedef struct FsLine {
	Str path;
	uint8_t kind; /* 0 allow, 1 carve */
	uint8_t flags;
	uint64_t access;
	uint8_t esc; /* PathObj.esc */
} FsLine;

static int fsline_cmp(const void *a, const void *b)
{
	const FsLine *x = a, *y = b;
	int c = str_cmp(x->path, y->path);
	return c ? c : x->kind != y->kind ? x->kind - y->kind : x->esc - y->esc;
}

static int str_pcmp(const void *a, const void *b) { return str_cmp(*(const Str *)a, *(const Str *)b); }

static const char *const builtins[] = { "HOME", "PROJECT", "TMPDIR", "UID" };

/* A policy may declare a built-in again (`param PROJECT`): without a
 * default it keeps the built-in source (LANGUAGE.md 4). */
static bool is_builtin(Str name)
{
	for (size_t i = 0; i < ARRAY_LEN(builtins); i++)
		if (str_eqc(name, builtins[i]))
			return true;
	return false;
}

static void emit_params(Buf *b, const Policy *p, Arena *ar)
{
	Str *names = arena_alloc(ar, sizeof(Str) * (size_t)(p->nparams + 4));
	int n = 0;
	for (int i = 0; i < p->nparams; i++)
		names[n++] = p->params[i].name;
	for (size_t i = 0; i < ARRAY_LEN(builtins); i++)
		if (!ir_param(p, str_c(builtins[i])))
			names[n++] = str_c(builtins[i]);
	qsort(names, (size_t)n, sizeof *names, str_pcmp);
	for (int i = 0; i < n; i++) {
		const Param *pa = ir_param(p, names[i]);
		buf_puts(b, "param ");
		buf_str(b, names[i]);
		if (pa && pa->baked) {
			buf_puts(b, " baked ");
			esc_put(b, pa->def, ESC_LANDLOCK);
		} else if (pa && pa->has_default) {
			buf_puts(b, " default ");
			esc_put(b, pa->def, ESC_LANDLOCK);
		} else if (!pa || pa->builtin || is_builtin(names[i])) {
			buf_puts(b, " builtin");
		} else {
			buf_puts(b, " required");
		}
		buf_putc(b, '\n');
	}
}

static void emit_fs(Buf *b, const Policy *p, Arena *ar)
{
	FsLine *v = arena_alloc(ar, sizeof(FsLine) * (size_t)(p->nrules + 1));
	int n = 0;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (!on_linux(r) || !is_file_right(r->right) || r->path.root == ROOT_WIN)
			continue;
		FsLine l = { r->path.text, r->effect == EFF_DENY, r->effect == EFF_ALLOW ? r->flags : 0, ll_access(r->right),
			     r->path.esc };
		v[n++] = l;
	}
	/* One line per (path, kind): sorted, then equal neighbours merged
	 * (rights and flags are or-ed, so their order does not matter). */
	qsort(v, (size_t)n, sizeof *v, fsline_cmp);
	int u = 0;
	for (int i = 0; i < n; i++) {
		if (u > 0 && fsline_cmp(&v[u - 1], &v[i]) == 0) {
			v[u - 1].access |= v[i].access;
			v[u - 1].flags |= v[i].flags;
		} else
			v[u++] = v[i];
	}
	n = u;
	for (int i = 0; i < n; i++) {
		buf_puts(b, v[i].kind ? "fs carve " : "fs allow ");
		put_rights(b, v[i].access);
		buf_putc(b, ' ');
		esc_put(b, v[i].path, ESC_LANDLOCK);
		if (v[i].flags & RF_REQUIRED)
			buf_puts(b, " required");
		if (v[i].flags & RF_CREATE)
			buf_puts(b, " create");
		if (v[i].esc) /* a baked value's `*` is written `\\*` */
			buf_puts(b, " escaped");
		buf_putc(b, '\n');
	}
}

/* Returns whether the right is handled (a line was written). */
static bool emit_ports(Buf *b, Arena *ar, const Policy *p, int right, const char *name)
{
	/* 512 KiB: zeroing it cost more than the rest of sbxc run; port_set
	 * writes n, all and every range it reports. */
	PortSet *s = arena_alloc_uninit(ar, sizeof *s);
	port_set(ar, p, right, s);
	if (s->all)
		return false;
	buf_printf(b, "net %s@4", name);
	if (s->n == 0)
		buf_puts(b, " none");
	for (int i = 0; i < s->n; i++)
		buf_printf(b, s->lo[i] == s->hi[i] ? " %u" : " %u-%u", (unsigned)s->lo[i], (unsigned)s->hi[i]);
	buf_putc(b, '\n');
	return true;
}

static void fallback(Buf *b, const char *right, int abi, const char *action, const char *why)
{
	buf_printf(b, "fallback %s@%d %s ", right, abi, action);
	esc_put(b, str_c(why), ESC_LANDLOCK);
	buf_putc(b, '\n');
}

static void emit_seccomp_ref(Buf *b, const EmitCtx *cx)
{
	if (cx->seccomp_name.n) {
		buf_puts(b, "seccomp ");
		esc_put(b, cx->seccomp_name, ESC_LANDLOCK);
		buf_printf(b, " xxh3-64:%016llx\n", (unsigned long long)cx->seccomp_digest);
	} else {
		buf_puts(b, "seccomp none \"the seccomp backend produced no manifest for this policy\"\n");
	}
}

bool landlock_emit(EmitCtx *cx)
{
	const Policy *p = cx->policy;
	for (size_t i = 0; i < p->name.n; i++)
		if (p->name.p[i] == '/' || p->name.p[i] == 0 || (p->name.p[0] == '.' && i == 0)) {
			diag_plain(cx->diags, DIAG_ERROR, "landlock: policy name '%.*s' cannot name a file", STRF(p->name));
			return false;
		}
	Buf *b = output_add(cx, arena_printf(cx->arena, "%.*s.landlock", STRF(p->name)));
	artifact_header(b, "#", cx, "landlock", 1);

	bool scope_signal = !target_allowed(p, R_SIGNAL, TGT_ANY);
	Op net_op = { .right = R_NET };
	bool net_all = eval_op(p, &net_op, PLAT_LINUX).effect == EFF_ALLOW;
	bool scope_abstract = !net_all;

	Buf body = { 0 };
	emit_params(&body, p, cx->arena);
	emit_fs(&body, p, cx->arena);
	bool h_bind = emit_ports(&body, cx->arena, p, R_BIND, "bind_tcp");
	bool h_connect = emit_ports(&body, cx->arena, p, R_CONNECT, "connect_tcp");
	emit_sup(&body, p, cx->arena);
	emit_sup_write(&body, p, cx->arena);
	tgt_proxy_rules(&body, cx->arena, p, PLAT_LINUX);
	if (scope_signal || scope_abstract)
		buf_printf(&body, "scope%s%s\n", scope_abstract ? " abstract_unix_socket@6" : "",
			   scope_signal ? " signal@6" : "");

	/* What the runtime does on a kernel older than each right. */
	bool derived = !p->has_syscall_rules;
	const char *wr = accepted(p, R_WRITE) ? "degrade" : "refuse";
	fallback(&body, "refer", 2, "stricter", "files cannot be renamed or linked across directories");
	fallback(&body, "truncate", 3, wr, "truncate(2) by path is not restricted");
	fallback(&body, "ioctl_dev", 5, "degrade", "ioctl(2) on device files is not restricted");
	if (h_bind)
		fallback(&body, "bind_tcp", 4,
			 derived && !net_allowed_at_all(p) ? "seccomp" : accepted(p, R_BIND) ? "degrade" : "refuse",
			 "TCP bind ports are not restricted");
	if (h_connect)
		fallback(&body, "connect_tcp", 4,
			 derived && !net_allowed_at_all(p) ? "seccomp" : accepted(p, R_CONNECT) ? "degrade" : "refuse",
			 "TCP connect ports are not restricted");
	if (scope_abstract)
		fallback(&body, "abstract_unix_socket", 6,
			 derived && !unix_allowed(p) ? "seccomp" : accepted(p, R_CONNECT) ? "degrade" : "refuse",
			 "abstract unix sockets outside the sandbox can be reached");
	if (scope_signal)
		fallback(&body, "signal", 6, accepted(p, R_SIGNAL) ? "degrade" : "refuse",
			 "processes outside the sandbox can be signalled");

	int abi = 5;
	if (h_bind || h_connect)
		abi = abi > 4 ? abi : 4;
	if (scope_signal || scope_abstract)
		abi = 6;
	buf_printf(b, "landlock 1\nabi %d\n", abi);
	buf_put(b, body.p, body.n);
	buf_free(&body);
	emit_seccomp_ref(b, cx);
	if (b->failed) {
		diag_plain(cx->diags, DIAG_ERROR, "landlock: out of memory");
		return false;
	}
	return true;
}
