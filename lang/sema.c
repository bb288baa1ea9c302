/*
 * sema.c: from statements to the canonical Policy, the phases in order.
 *
 * Passes, because rules are order-independent (a rule may name a param
 * declared further down, or in a file used later):
 *
 *   1. load (sema_load.c): the main file and every `use`, flattened;
 *   2. declarations (sema_decl.c): params, groups, `default`, `accept`,
 *      `policy`;
 *   3. rules, expect and never (sema_rule.c, reading objects through
 *      sema_object.c): one IR rule per object, right and conjunction.
 *
 * Then ir_canonicalise sorts and merges, and the checks (never, expect,
 * sema_check.c) run on the canonical policy with the reference evaluator.
 * explain's operations are read by the same object reader as the rules.
 */
#include <stdlib.h>
#include <string.h>

#include "sema.h"
#include "fmt.h"
#include "parse.h"
#include "grammar.h"
#include "../ir/syscalls.h"

static int cmp_param(const void *x, const void *y) { return str_cmp(((const Param *)x)->name, ((const Param *)y)->name); }

bool lang_load(const LangOpts *o, const char *path, const Str *text, const char *const *defines, int ndefines,
	       Policy **out)
{
	*out = NULL;
	Sema s = { 0 };
	Sema *sm = &s;
	sm->o = o;
	sm->a = o->arena;
	sm->d = o->diags;
	sm->p = arena_alloc(sm->a, sizeof(Policy));
	if (!load_main(sm, path, text))
		return false;
	if (!decl_params(sm, defines, ndefines) || !decl_groups(sm, 0) || !decl_misc(sm))
		return false;
	if (!rule_all(sm))
		return false;
	Policy *p = sm->p;
	if (!sm->policy_stmt && !o->fragment_ok) {
		diag_at(sm->d, DIAG_ERROR, (SrcLoc){ 0, 1, 1 }, "missing 'policy NAME': artifacts are named after the policy");
		return false;
	}
	if (!sm->policy_stmt) {
		p->fragment = true;
		p->name = STR("fragment");
		p->description = STR("");
	}
	qsort(sm->params, (size_t)sm->nparams, sizeof *sm->params, cmp_param);
	p->params = sm->params;
	p->nparams = sm->nparams;
	p->rules = sm->rules;
	p->nrules = sm->nrules;
	p->accepts = sm->accepts;
	p->naccepts = sm->naccepts;
	p->expects = sm->expects;
	p->nexpects = sm->nexpects;
	p->nevers = sm->nevers;
	p->nnevers = sm->nnevers;
	p->files = sm->files;
	p->nfiles = sm->nfiles;
	for (int i = 0; i < p->nrules; i++)
		if (p->rules[i].right == R_SYSCALL)
			p->has_syscall_rules = true;
	ir_canonicalise(sm->a, p);
	*out = p;
	{
		/* The derived filter, and the escape denials every filter has,
		 * are part of the meaning (spec 5.4): let the evaluator see them,
		 * from the one place that builds them. */
		const ScmpArch *ref = scmp_arch_find(STR("x86_64"));
		if (ref) {
			ScmpRules rr;
			scmp_rules(sm->a, p, ref, &rr);
			p->derived = rr.added;
			p->nderived = rr.nadded;
		}
	}
	check_shadowed(sm);
	if (o->skip_checks)
		return true;
	bool ok = check_nevers(sm);
	ok &= check_expects(sm);
	return ok;
}

/* explain's operation: lexed as a line of items, read like an expect's. */
bool lang_parse_op(const Policy *pol, Arena *a, Diags *d, SrcLoc loc, Str text, Op *out)
{
	LangOpts dummy = { .max_rules = 1 };
	Sema s = { 0 };
	s.o = &dummy;
	s.a = a;
	s.d = d;
	Str src = arena_strdup(a, text);
	TokVec toks = { 0 };
	if (!lex_tokens(a, d, loc.file, src, false, &toks))
		return false;
	Items it = { 0 };
	for (int i = 0; i < toks.n; i++) {
		Tok t = toks.v[i];
		if (t.type == EOS)
			continue;
		if (t.type == STRING)
			t.text = lex_decode_string(a, (Str){ t.text.p + 1, t.text.n - 2 });
		Item *x = VEC_PUSH(a, it.v, it.n, it.cap);
		memset(x, 0, sizeof *x);
		x->tok = t;
		if (t.type >= SBX && t.type <= ACCEPT)
			x->tok.type = ID;
	}
	if (it.n == 0) {
		diag_plain(d, DIAG_ERROR, "expected an operation, e.g. 'read /etc/passwd'");
		return false;
	}
	if (pol) {
		for (int i = 0; i < pol->nparams; i++)
			*VEC_PUSH(a, s.params, s.nparams, s.capparams) = pol->params[i];
	} else
		decl_builtins(&s);
	int used;
	if (!obj_op(&s, &it, 0, PLAT_ALL, false, out, &used))
		return false;
	if (used < it.n) {
		diag_at(d, DIAG_ERROR, it.v[used].tok.loc, "unexpected '%.*s' after the operation", STRF(it.v[used].tok.text));
		return false;
	}
	out->text = ir_op_text(a, out);
	return true;
}

bool lang_format(Arena *a, Diags *d, uint16_t file, Str src, Buf *out)
{
	StmtList sl;
	return parse_file(a, d, file, src, &sl) && fmt_source(a, d, file, src, out);
}
