/*
 * sema_check.c: the last phase of sema, the author's own checks.
 *
 * `expect` and `never` statements are read (their operations through
 * sema_object.c) while the rules are built; they run only once the policy
 * is canonical, with the reference evaluator, since what a policy decides
 * is only known after every rule is merged and ordered. An expect states
 * one operation's outcome; a never forbids a subtree, checked by building,
 * for each allow rule that might overlap it, a concrete witness inside both
 * and asking the evaluator about it. The shadowing warning (a rule that
 * another always outranks on every path it matches) runs on the canonical
 * rules too. Nothing is handed on: the diagnostics are the output.
 */
#include <stdlib.h>
#include <string.h>

#include "sema.h"
#include "../ir/eval.h"

/* expect allow|deny RIGHT OBJECT, never RIGHT OBJECT...: into sm->expects
 * and sm->nevers, checked once the policy is canonical. */
bool check_stmt(Sema *sm, const Flat *f)
{
	Stmt *s = f->s;
	const Items *it = &s->items;
	if (s->kind == ST_EXPECT) {
		Tok e = it->v[0].tok;
		uint8_t eff;
		if (str_eqc(e.text, "allow"))
			eff = EFF_ALLOW;
		else if (str_eqc(e.text, "deny"))
			eff = EFF_DENY;
		else {
			ERR(sm, e.loc, "expected allow or deny after 'expect'");
			return false;
		}
		Op op;
		int used;
		if (!obj_op(sm, it, 1, f->plat, false, &op, &used))
			return false;
		if (used < it->n) {
			ERR(sm, it->v[used].tok.loc, "an expect names one operation; unexpected '%s'", cs(sm, it->v[used].tok.text));
			return false;
		}
		int plats = f->plat;
		if (ir_right_plat[op.right] != PLAT_ALL)
			plats &= ir_right_plat[op.right];
		/* A POSIX path does not concern Windows; a Windows path only it. */
		if (ir_right_obj[op.right] == OBJ_PATH && op.path.root == ROOT_ABS && plats != PLAT_WINDOWS)
			plats &= ~PLAT_WINDOWS;
		if (ir_right_obj[op.right] == OBJ_PATH && op.path.root == ROOT_WIN)
			plats &= PLAT_WINDOWS;
		if (!plats) {
			ERR(sm, s->kw.loc, "'%s' does not exist on this platform", ir_right_name[op.right]);
			return false;
		}
		Expect *x = VEC_PUSH(sm->a, sm->expects, sm->nexpects, sm->capexpects);
		x->effect = eff;
		x->platforms = (uint8_t)plats;
		x->op = op;
		x->loc = s->kw.loc;
		x->op.text = ir_op_text(sm->a, &op);
		return true;
	}
	/* never RIGHT OBJECT... */
	int i = 0;
	bool ok = true;
	Tok rt = it->v[0].tok;
	while (i < it->n) {
		Op op;
		int used;
		Items one = *it;
		if (i > 0) {
			/* Each further object reuses the right (and protocol) at the start. */
			int head = ir_right_lookup(rt.text) >= 0 && ir_right_obj[ir_right_lookup(rt.text)] == OBJ_NET ? 2 : 1;
			Item *v = arena_alloc(sm->a, sizeof(Item) * (size_t)(head + 1));
			for (int h = 0; h < head; h++)
				v[h] = it->v[h];
			v[head] = it->v[i];
			one = (Items){ v, head + 1, head + 1 };
			if (!obj_op(sm, &one, 0, f->plat, true, &op, &used))
				return false;
			i++;
		} else {
			if (!obj_op(sm, &one, 0, f->plat, true, &op, &used))
				return false;
			i = used;
		}
		Never *nv = VEC_PUSH(sm->a, sm->nevers, sm->nnevers, sm->capnevers);
		nv->platforms = f->plat;
		nv->op = op;
		nv->op.text = ir_op_text(sm->a, &op);
		nv->loc = s->kw.loc;
	}
	return ok;
}

/* ------------------------------------------------------------------ */
/* Checks on the canonical policy */

static const char *plat_one(unsigned p) { return p == PLAT_LINUX ? "linux" : p == PLAT_MACOS ? "macos" : "windows"; }

static void show_rule(Sema *sm, const Rule *r, const char *what)
{
	NOTE(sm, r->loc, "%s: %s %s %.*s%s", what, r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right],
	     STRF(r->obj), r->loc.line ? "" : " (the filter derived from the policy's other rules, LANGUAGE.md 5.4)");
}

bool check_expects(Sema *sm)
{
	bool ok = true;
	Policy *p = sm->p;
	for (int i = 0; i < p->nexpects; i++) {
		Expect *x = &p->expects[i];
		unsigned failed = 0;
		Decision dd = { 0 };
		for (unsigned pl = 1; pl <= 4; pl <<= 1) {
			if (!(x->platforms & pl))
				continue;
			Decision d = eval_op(p, &x->op, pl);
			if (d.effect != x->effect) {
				if (!failed)
					dd = d;
				failed |= pl;
			}
		}
		if (!failed)
			continue;
		ok = false;
		const char *where = failed == x->platforms ? "" : ir_platform_names(failed);
		ERR(sm, x->loc, "expect failed: %.*s is %s%s%s", STRF(x->op.text),
		    dd.effect == EFF_ALLOW ? "allowed" : "denied", *where ? " on " : "", where);
		if (dd.rule)
			show_rule(sm, dd.rule, "decided by");
		else
			NOTE(sm, x->loc, "no rule matches it, so it is denied");
	}
	return ok;
}

/* Splits a normalised path (not Windows) into its components. */
/* One component of the witness, as the plain text of an operation (where
 * every character is literal). */
static void put_comp(Buf *b, Str c, bool esc)
{
	if (b->n && b->p[b->n - 1] != '/')
		buf_putc(b, '/');
	bool wild;
	for (size_t k = 0; k < c.n;)
		buf_putc(b, ir_comp_byte(c, &k, esc, &wild));
}

static int path_comps(const PathObj *p, Str *out, int max)
{
	int n = 0;
	Str t = p->text;
	size_t i = p->root == ROOT_ABS ? 1 : 0;
	while (i < t.n && n < max) {
		size_t j = i;
		while (j < t.n && t.p[j] != '/')
			j++;
		if (j > i)
			out[n++] = (Str){ t.p + i, j - i };
		i = j + 1;
	}
	return n;
}

/* A concrete path that lies in the subtree `sub` and that pattern `rule`
 * matches, if the two overlap: walk them side by side, taking sub's
 * literal components where the pattern's globs accept them, then the
 * pattern's remaining components with its globs filled in. A `**` absorbs
 * the rest of sub. */
static bool never_witness(Sema *sm, const PathObj *rule, const PathObj *sub, PathObj *out)
{
	if (rule->root == ROOT_WIN || sub->root == ROOT_WIN)
		return false;
	if (rule->root == ROOT_PARAM && (sub->root != ROOT_PARAM || !str_eq(rule->param, sub->param)))
		return false;
	if (rule->root == ROOT_ABS && sub->root == ROOT_PARAM && rule->ncomp > 0 && !str_has_prefix(rule->text, "/**"))
		return false;
	Str P[520], S[520];
	int np = path_comps(rule, P, 520), ns = path_comps(sub, S, 520);
	Buf b = { 0 };
	int i = 0, j = 0;
	bool ok = true;
	if (rule->root == ROOT_ABS && sub->root == ROOT_PARAM) {
		/* "/" or a leading "**": the param root is absorbed. */
		j = 0;
	} else if (sub->root == ROOT_ABS)
		buf_putc(&b, '/');
	while (i < np && j < ns) {
		if (str_eqc(P[i], "**")) {
			for (; j < ns; j++)
				put_comp(&b, S[j], sub->esc);
			i++;
			break;
		}
		if (!eval_wild(P[i], S[j], rule->esc)) {
			ok = false;
			break;
		}
		put_comp(&b, S[j], sub->esc);
		i++, j++;
	}
	for (; ok && j < ns; j++) /* the pattern is an ancestor: sub itself */
		put_comp(&b, S[j], sub->esc);
	for (; ok && i < np; i++) {
		buf_puts(&b, b.n && b.p[b.n - 1] != '/' ? "/" : "");
		bool wild;
		for (size_t k = 0; k < P[i].n;) {
			char ch = ir_comp_byte(P[i], &k, rule->esc, &wild);
			buf_putc(&b, wild ? 'x' : ch);
		}
		while (i + 1 < np && str_eqc(P[i + 1], "**"))
			i++;
	}
	if (ok) {
		Str text = arena_strdup(sm->a, buf_as_str(&b));
		bool okp = obj_path_make(sm, text.n ? text : STR("/"), (SrcLoc){ 0, 0, 0 }, 0, true, out);
		buf_free(&b);
		return okp;
	}
	buf_free(&b);
	return false;
}

/* One concrete host (a name or an address) of h, or two for localhost. */
static int host_samples(Sema *sm, const NetObj *h, NetObj out[2])
{
	out[0] = out[1] = *h;
	switch (h->host_kind) {
	case HOST_ANY:
		out[0].host_kind = HOST_NAME;
		out[0].host = STR("example.invalid");
		return 1;
	case HOST_WILD:
		out[0].host_kind = HOST_NAME;
		out[0].host = arena_printf(sm->a, "a%.*s", (int)h->host.n - 1, h->host.p + 1);
		return 1;
	case HOST_LOCALHOST:
		for (int k = 0; k < 2; k++) {
			memset(out[k].addr, 0, sizeof out[k].addr);
			out[k].host_kind = k ? HOST_IP6 : HOST_IP4;
			out[k].prefix = k ? 128 : 32;
		}
		out[0].addr[0] = 127, out[0].addr[3] = 1;
		out[1].addr[15] = 1;
		out[0].host = STR("127.0.0.1");
		out[1].host = STR("[::1]");
		return 2;
	case HOST_IP4:
	case HOST_IP6:
		out[0].prefix = h->host_kind == HOST_IP4 ? 32 : 128; /* the network's first address */
		return 1;
	default:
		return 1;
	}
}

/* A host that both rule host r and never's host n take, into *w: a sample
 * of one that the other matches. False when they share none (two names,
 * disjoint networks), so a rule on another host is never blamed. */
static bool host_meet(Sema *sm, const NetObj *r, const NetObj *n, NetObj *w)
{
	const NetObj *side[2] = { r, n };
	for (int s = 0; s < 2; s++) {
		NetObj c[2];
		int nc = host_samples(sm, side[s], c);
		for (int k = 0; k < nc; k++)
			if (eval_host_matches(side[1 - s], &c[k])) {
				*w = c[k];
				return true;
			}
	}
	return false;
}

bool check_nevers(Sema *sm)
{
	bool ok = true;
	Policy *p = sm->p;
	for (int i = 0; i < p->nnevers; i++) {
		Never *nv = &p->nevers[i];
		const Rule *reported = NULL;
		for (int k = 0; k < p->nrules; k++) {
			const Rule *r = &p->rules[k];
			bool same = r->right == nv->op.right || (r->right == R_NET && (nv->op.right == R_CONNECT || nv->op.right == R_BIND));
			if (!same || r->effect != EFF_ALLOW || !(r->platforms & nv->platforms))
				continue;
			Op w = nv->op;
			int kind = ir_right_obj[nv->op.right];
			if (kind == OBJ_PATH || (kind == OBJ_NET && nv->op.net.proto == PROTO_UNIX && r->right != R_NET)) {
				const PathObj *rp = kind == OBJ_PATH ? &r->path : &r->net.path;
				if (kind == OBJ_NET && r->net.proto != PROTO_UNIX)
					continue;
				PathObj wp;
				if (!never_witness(sm, rp, &nv->op.path, &wp))
					continue;
				w.path = wp;
				w.net.path = wp;
			} else if (kind == OBJ_NET && r->right != R_NET) {
				if (r->net.proto != nv->op.net.proto)
					continue;
				/* A host both take, at the overlapping port. */
				uint16_t lo = r->net.port_lo > nv->op.net.port_lo ? r->net.port_lo : nv->op.net.port_lo;
				uint16_t hi = r->net.port_hi < nv->op.net.port_hi ? r->net.port_hi : nv->op.net.port_hi;
				if (lo > hi || !host_meet(sm, &r->net, &nv->op.net, &w.net))
					continue;
				w.net.port_any = false;
				w.net.port_lo = w.net.port_hi = lo;
			}
			for (unsigned pl = 1; pl <= 4; pl <<= 1) {
				if (!(pl & nv->platforms & r->platforms))
					continue;
				Decision d = eval_op(p, &w, pl);
				if (d.effect == EFF_ALLOW && d.rule && d.rule != reported) {
					reported = d.rule;
					Str what = ir_op_text(sm->a, &w);
					ERR(sm, d.rule->loc, "this rule grants %.*s%s%s, which 'never %.*s' forbids", STRF(what),
					    nv->platforms == PLAT_ALL ? "" : " on ", nv->platforms == PLAT_ALL ? "" : plat_one(pl),
					    STRF(nv->op.text));
					NOTE(sm, nv->loc, "the invariant is here");
					ok = false;
					break;
				}
			}
		}
	}
	return ok;
}

/* The text of a path's first literal_prefix components ("/" for none). */
static Str lit_text(const PathObj *rp)
{
	Str t = rp->text;
	int comps = 0;
	size_t k = rp->root == ROOT_ABS ? 1 : 0;
	size_t end = k;
	while (k <= t.n && comps < rp->literal_prefix) {
		size_t j = k;
		while (j < t.n && t.p[j] != '/')
			j++;
		comps++;
		end = j;
		k = j + 1;
	}
	return (Str){ t.p, rp->root == ROOT_ABS && rp->literal_prefix == 0 ? 1 : end };
}

static bool is_ss(Str c) { return str_eqc(c, "**"); }

static bool all_stars(Str c)
{
	for (size_t k = 0; k < c.n; k++)
		if (c.p[k] != '*')
			return false;
	return true;
}

/* Does component pattern q match every name that r matches? */
static bool comp_covers(Str q, Str r)
{
	if (!memchr(r.p, '*', r.n))
		return eval_wild(q, r, false);
	return str_eqc(q, "*") || str_eq(q, r);
}

/* Does Q[i..] match a leading run of every path that R[j..] matches?
 * Sound, not complete: "no" when unsure or out of budget, since a
 * warning that is missed costs less than one that is wrong. */
static bool covers(const Str *Q, int nq, int i, const Str *R, int nr, int j, int *budget)
{
	if (--*budget < 0)
		return false;
	if (i == nq)
		return true;
	if (is_ss(Q[i])) {
		if (i == nq - 1) /* a trailing `**` needs one component or more */
			return j < nr && (!is_ss(R[j]) || j == nr - 1 || covers(Q, nq, i, R, nr, j + 1, budget));
		return covers(Q, nq, i + 1, R, nr, j, budget) || (j < nr && covers(Q, nq, i, R, nr, j + 1, budget));
	}
	if (j < nr && is_ss(R[j]) && j == nr - 1) /* one or more: a last `*` takes the first */
		return i == nq - 1 && all_stars(Q[i]);
	return j < nr && !is_ss(R[j]) && comp_covers(Q[i], R[j]) && covers(Q, nq, i + 1, R, nr, j + 1, budget);
}

typedef struct Group {
	Str lit;
	int right, idx;
} Group;

static int group_cmp(const void *x, const void *y)
{
	const Group *a = x, *b = y;
	if (a->right != b->right)
		return a->right < b->right ? -1 : 1;
	int c = str_cmp(a->lit, b->lit);
	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* Does q decide every path r matches, so that r never decides anything?
 * It must match all of them and outrank r (or tie it as a deny of an
 * allow). Outranking needs an equal literal prefix (a longer one cannot
 * match all of r's paths, a shorter one loses), hence the groups. */
static bool shadows(const Rule *q, const Rule *r)
{
	if (q == r || (q->platforms & r->platforms) != r->platforms)
		return false;
	/* An escaped `*` (a param's value) is left out: no warning is better
	 * than a wrong one. */
	if (q->path.esc || r->path.esc)
		return false;
	int64_t kq = eval_path_rank(&q->path), kr = eval_path_rank(&r->path);
	if (kq < kr || (kq == kr && !(q->effect == EFF_DENY && r->effect == EFF_ALLOW)))
		return false;
	Str Q[520], R[520];
	int nq = path_comps(&q->path, Q, 520), nr = path_comps(&r->path, R, 520);
	int budget = 4096;
	return covers(Q, nq, 0, R, nr, 0, &budget);
}

/* A path rule that another rule always outranks never decides anything:
 * legal, but the author meant something by it. Warn, naming the rule
 * that decides instead. */
void check_shadowed(Sema *sm)
{
	Policy *p = sm->p;
	Group *g = arena_alloc(sm->a, sizeof *g * (size_t)(p->nrules ? p->nrules : 1));
	int n = 0;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (ir_right_obj[r->right] == OBJ_PATH && r->path.root != ROOT_WIN)
			g[n++] = (Group){ lit_text(&r->path), r->right, i };
	}
	qsort(g, (size_t)n, sizeof *g, group_cmp);
	for (int lo = 0, hi; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && g[hi].right == g[lo].right && str_eq(g[hi].lit, g[lo].lit); hi++)
			;
		for (int a = lo; a < hi; a++) {
			const Rule *r = &p->rules[g[a].idx];
			for (int b = lo; b < hi; b++) {
				const Rule *q = &p->rules[g[b].idx];
				if (!shadows(q, r))
					continue;
				bool tie = eval_path_rank(&q->path) == eval_path_rank(&r->path);
				diag_at(sm->d, DIAG_WARNING, r->loc,
					"'%s %s %s' never decides anything: '%s %s %s' matches every path it matches and %s",
					r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right], cs(sm, r->obj),
					q->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[q->right], cs(sm, q->obj),
					tie ? "is as specific (deny wins the tie)" : "is more specific (section 6)");
				diag_at(sm->d, DIAG_NOTE, q->loc, "this rule decides instead");
				break;
			}
		}
	}
}
