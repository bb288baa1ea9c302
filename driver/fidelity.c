/*
 * fidelity.c: the compiler's central promise, enforced in one place.
 *
 * Every backend says, rule by rule, whether it enforces the rule exactly,
 * more strictly, or more widely. A wider rule is an error unless the policy
 * accepts it (`accept wider RIGHT [on TARGET] because "..."`) or the command
 * line passes --accept-wider. No backend can skip this: the driver calls the
 * gate before any emit.
 */
#include <string.h>

#include "explain_target.h"
#include "fidelity.h"

void fidelity_each_unaccepted(Compile *c, const Backend *const *sel, int nsel, FidWiderFn fn, void *ctx)
{
	const Policy *p = c->policy;
	bool with_landlock = false;
	for (int i = 0; i < nsel; i++)
		with_landlock |= sel[i] == &backend_landlock;
	/* Landlock's answer per rule, computed once: asked for Landlock and
	 * again by seccomp's "does Landlock answer?". Notes are made only for
	 * what is reported (a second call, for the few wider rules). */
	Fidelity *ll = NULL;
	if (with_landlock) {
		ll = arena_alloc_uninit(&c->arena, sizeof *ll * (size_t)(p->nrules + 1));
		for (int k = 0; k < p->nrules; k++) {
			Str note;
			ll[k] = fidelity_of(&backend_landlock, p, &p->rules[k], &c->arena, &note);
		}
	}
	for (int i = 0; i < nsel; i++) {
		for (int k = 0; k < p->nrules; k++) {
			const Rule *r = &p->rules[k];
			Str note = { "", 0 };
			/* With Landlock alongside, seccomp answers only for what Landlock
			 * does not enforce (the `linux` view); alone, it answers for all. */
			if (sel[i] == &backend_seccomp && with_landlock && ll[k] != FID_NA)
				continue;
			Fidelity f = sel[i] == &backend_landlock ? ll[k] : fidelity_of(sel[i], p, r, &c->arena, &note);
			if (f != FID_WIDER)
				continue;
			if (target_accepted(p, r->right, sel[i]))
				continue;
			if (sel[i] == &backend_landlock)
				fidelity_of(sel[i], p, r, &c->arena, &note);
			fn(ctx, r, sel[i], note);
		}
	}
}

typedef struct Gate {
	Compile *c;
	bool accept_wider, ok;
} Gate;

static void gate_one(void *ctx, const Rule *r, const Backend *be, Str note)
{
	Gate *g = ctx;
	Buf b = { 0 };
	buf_printf(&b, "%s %s ", r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right]);
	ir_put_object(&b, r);
	if (g->accept_wider) {
		diag_at(&g->c->diags, DIAG_WARNING, r->loc, "'%.*s' is wider on %s (accepted by --accept-wider): %.*s",
			(int)b.n, b.p, be->name, STRF(note));
	} else {
		diag_at(&g->c->diags, DIAG_ERROR, r->loc, "'%.*s' would be wider on %s: %.*s", (int)b.n, b.p, be->name,
			STRF(note));
		diag_at(&g->c->diags, DIAG_NOTE, r->loc,
			"to allow it anyway, add: accept wider %s on %s because \"...\" (or pass --accept-wider)",
			ir_right_name[r->right], be->name);
		g->ok = false;
	}
	buf_free(&b);
}

bool fidelity_gate(Compile *c, const Backend *const *sel, int nsel, bool accept_wider)
{
	Gate g = { c, accept_wider, true };
	fidelity_each_unaccepted(c, sel, nsel, gate_one, &g);
	const Policy *p = c->policy;
	bool ok = g.ok;
	/* Policy-wide entries: the same gate, at the policy's first line. */
	for (const PolicyWide *w = policy_wide; w->id; w++) {
		bool selected = false;
		for (int i = 0; i < nsel; i++)
			selected |= sel[i] == w->backend;
		Str note;
		if (!w->gated || !selected || w->fidelity(p, &c->arena, &note) != FID_WIDER ||
		    target_accepted(p, w->right, w->backend))
			continue;
		SrcLoc at = { 0, 1, 1 };
		if (accept_wider) {
			diag_at(&c->diags, DIAG_WARNING, at, "%s: wider on %s (accepted by --accept-wider): %.*s", w->what,
				w->backend->name, STRF(note));
		} else {
			diag_at(&c->diags, DIAG_ERROR, at, "%s: would be wider on %s: %.*s", w->what, w->backend->name,
				STRF(note));
			diag_at(&c->diags, DIAG_NOTE, at,
				"to allow it anyway, add: accept wider %s on %s because \"...\" (or pass --accept-wider)",
				ir_right_name[w->right], w->backend->name);
			ok = false;
		}
	}
	return expect_target_gate(c, sel, nsel, accept_wider) && ok;
}
