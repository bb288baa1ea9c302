/*
 * sema_decl.c: the second phase of sema, declarations.
 *
 * Rules are order-independent (a rule may name a param declared further
 * down, or in a file used later), so the declarations are gathered from all
 * of sm->flat before any rule is read: params (the built-ins, then each
 * file's, then the -D values, which are final and baked into every path
 * that names them; defaults may name other params, checked for cycles),
 * groups (expanded on first use, the std ones loaded on first need),
 * `policy`, `default` and `accept`. The next phases look params and groups
 * up here and get the policy's name and default action in sm->p.
 */
#include <string.h>

#include "sema.h"
#include "parse.h"
#include "grammar.h"
#include "../runtime/ll_abi.h"

static const char *const builtin_params[] = { "HOME", "PROJECT", "TMPDIR", "UID" };

Param *decl_param(Sema *sm, Str name)
{
	for (int i = 0; i < sm->nparams; i++)
		if (str_eq(sm->params[i].name, name))
			return &sm->params[i];
	return NULL;
}

static bool param_name_ok(Str n)
{
	if (n.n == 0 || !((n.p[0] >= 'A' && n.p[0] <= 'Z') || (n.p[0] >= 'a' && n.p[0] <= 'z') || n.p[0] == '_'))
		return false;
	for (size_t i = 1; i < n.n; i++) {
		char c = n.p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* Calls fn for each ${NAME} in s with its offset; false stops. */
bool decl_each_ref(Sema *sm, Str s, RefFn fn, void *ctx)
{
	for (size_t i = 0; i + 1 < s.n; i++) {
		if (s.p[i] == '$' && s.p[i + 1] == '{') {
			size_t j = i + 2;
			while (j < s.n && s.p[j] != '}')
				j++;
			if (!fn(sm, (Str){ s.p + i + 2, j - i - 2 }, i, ctx))
				return false;
			i = j;
		}
	}
	return true;
}

/* Every ${NAME} in every default names a declared param, and following
 * the defaults comes to an end: one depth-first walk with its own stack,
 * each param visited once, so a chain of any length is a chain (not a
 * cycle) and costs no C stack. */
static bool defaults_resolve(Sema *sm)
{
	int n = sm->nparams;
	uint8_t *state = arena_alloc(sm->a, (size_t)n + 1); /* 0 unseen, 1 on the walk, 2 done */
	int *stack = arena_alloc(sm->a, sizeof(int) * ((size_t)n + 1));
	size_t *pos = arena_alloc(sm->a, sizeof(size_t) * ((size_t)n + 1));
	bool ok = true;
	for (int r = 0; r < n; r++) {
		if (state[r] || !sm->params[r].has_default || sm->params[r].baked)
			continue;
		int sp = 0;
		stack[sp] = r;
		pos[sp++] = 0;
		state[r] = 1;
		while (sp > 0) {
			Param *p = &sm->params[stack[sp - 1]];
			Str d = p->def;
			size_t i = pos[sp - 1];
			while (i + 1 < d.n && !(d.p[i] == '$' && d.p[i + 1] == '{'))
				i++;
			if (i + 1 >= d.n) {
				state[stack[--sp]] = 2;
				continue;
			}
			size_t j = i + 2;
			while (j < d.n && d.p[j] != '}')
				j++;
			pos[sp - 1] = j;
			Str name = { d.p + i + 2, j - i - 2 };
			Param *q = decl_param(sm, name);
			if (!q) {
				ERR(sm, p->loc, "undefined param '${%s}' in the default of %s (declare it: param %s)", cs(sm, name),
				    cs(sm, p->name), cs(sm, name));
				ok = false;
				continue;
			}
			int qi = (int)(q - sm->params);
			if (!q->has_default || q->baked || state[qi] == 2)
				continue;
			if (state[qi] == 1) {
				ERR(sm, q->loc, "params' defaults refer to each other in a cycle (through '%s')", cs(sm, name));
				return false;
			}
			state[qi] = 1;
			stack[sp] = qi;
			pos[sp++] = 0;
		}
	}
	return ok;
}

/* Expand a param's leading value: does `${NAME}...` resolve to an absolute
 * path? Unknown values (built-ins, params without default) are taken to be. */
bool decl_param_abs(Sema *sm, Str name)
{
	for (int depth = 0; depth <= sm->nparams; depth++) { /* longer is a cycle, reported elsewhere */
		Param *p = decl_param(sm, name);
		if (!p || !p->has_default)
			return true;
		Str d = p->def;
		if (d.n && d.p[0] == '/')
			return true;
		if (!str_has_prefix(d, "${"))
			return false;
		size_t j = 2;
		while (j < d.n && d.p[j] != '}')
			j++;
		name = (Str){ d.p + 2, j - 2 };
	}
	return true;
}

Str decl_expand_tilde(Sema *sm, Str s)
{
	if (s.n && s.p[0] == '~' && (s.n == 1 || s.p[1] == '/'))
		return arena_printf(sm->a, "${HOME}%.*s", (int)s.n - 1, s.p + 1);
	return s;
}

/* One substitution into b; escape writes the result in the escaped form.
 * Returns whether a substituted value holds a `*` or a `${`, which would
 * otherwise be read as a wildcard or as a param. */
static bool bake_into(Sema *sm, Str s, bool escape, Buf *b)
{
	bool star = false;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '$' && i + 1 < s.n && s.p[i + 1] == '{') {
			size_t j = i + 2;
			while (j < s.n && s.p[j] != '}')
				j++;
			Param *p = decl_param(sm, (Str){ s.p + i + 2, j - i - 2 });
			if (p && p->baked) {
				for (size_t k = 0; k < p->def.n; k++) {
					char ch = p->def.p[k];
					star |= ch == '*' || (ch == '$' && k + 1 < p->def.n && p->def.p[k + 1] == '{');
					if (escape && (ch == '*' || ch == '\\' || ch == '$'))
						buf_putc(b, '\\');
					buf_putc(b, ch);
				}
				i = j;
				continue;
			}
		}
		if (escape && s.p[i] == '\\')
			buf_putc(b, '\\');
		buf_putc(b, s.p[i]);
	}
	return star;
}

/* Substitutes -D values: they are final and become part of the path. A
 * value is literal (LANGUAGE.md 6): in a pattern (esc non-NULL) a `*` that
 * a value brings must not become a wildcard (nor its `${X}` a param), so then the whole path is
 * written escaped (ir.h, PathObj.esc) and *esc is set. Values substituted
 * into a value or an operation are plain text, whose `*` is literal anyway. */
Str decl_bake(Sema *sm, Str s, bool *esc)
{
	if (esc)
		*esc = false;
	if (!memchr(s.p, '$', s.n))
		return s;
	Buf b = { 0 };
	if (bake_into(sm, s, false, &b) && esc) {
		b.n = 0;
		bake_into(sm, s, true, &b);
		*esc = true;
	}
	Str out = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	return out;
}

/* explain on a concrete path: a default that names only baked params
 * (`"${HOME}/docs"` with HOME given) is baked too, repeatedly, so every
 * param the values determine is concrete. */
static void resolve_defaults(Sema *sm)
{
	for (bool changed = true; changed;) {
		changed = false;
		for (int i = 0; i < sm->nparams; i++) {
			Param *p = &sm->params[i];
			if (!p->has_default || p->baked)
				continue;
			Str v = decl_bake(sm, decl_expand_tilde(sm, p->def), NULL);
			if (memchr(v.p, '$', v.n) || (v.n && v.p[0] != '/' && !str_eqc(p->name, "UID")))
				continue; /* still names an unresolved param, or not a path */
			p->def = v;
			p->baked = true;
			changed = true;
		}
	}
}

/* The params every policy has; an operation read without a policy knows
 * these alone. */
void decl_builtins(Sema *sm)
{
	for (size_t i = 0; i < ARRAY_LEN(builtin_params); i++) {
		Param *p = VEC_PUSH(sm->a, sm->params, sm->nparams, sm->capparams);
		p->name = str_c(builtin_params[i]);
		p->builtin = true;
	}
}

bool decl_params(Sema *sm, const char *const *defines, int ndefines)
{
	bool ok = true;
	decl_builtins(sm);
	for (int i = 0; i < sm->nflat; i++) {
		Stmt *s = sm->flat[i].s;
		if (s->kind != ST_PARAM)
			continue;
		if (!param_name_ok(s->name.text)) {
			ERR(sm, s->name.loc, "bad param name '%s' (letters, digits and '_')", cs(sm, s->name.text));
			ok = false;
			continue;
		}
		Param *p = decl_param(sm, s->name.text);
		Str def = s->str.type ? decl_expand_tilde(sm, s->str.text) : (Str){ 0, 0 };
		if (p && !p->builtin) {
			bool same = p->has_default == (s->str.type != 0) && str_eq(p->def, def);
			if (!same) {
				ERR(sm, s->name.loc, "param '%s' declared again with a different default", cs(sm, s->name.text));
				NOTE(sm, p->loc, "first declared here");
				ok = false;
			}
			continue;
		}
		if (!p)
			p = VEC_PUSH(sm->a, sm->params, sm->nparams, sm->capparams);
		p->name = s->name.text;
		p->builtin = false;
		p->loc = s->name.loc;
		p->has_default = s->str.type != 0;
		p->def = def;
		if (p->has_default && memchr(def.p, 0, def.n)) {
			ERR(sm, s->str.loc, "NUL in a param default");
			ok = false;
		}
	}
	for (int i = 0; i < ndefines; i++) {
		const char *eq = strchr(defines[i], '=');
		Str name = eq ? (Str){ defines[i], (size_t)(eq - defines[i]) } : str_c(defines[i]);
		Param *p = decl_param(sm, name);
		if (!eq || !p) {
			diag_plain(sm->d, DIAG_ERROR, "-D %s: %s", defines[i],
				   !eq ? "expected NAME=VALUE" : "no such param in the policy (built-ins: HOME, PROJECT, TMPDIR, UID)");
			ok = false;
			continue;
		}
		Str v = str_c(eq + 1);
		char pname[256];
		snprintf(pname, sizeof pname, "%.*s", (int)name.n, name.p);
		const char *why = ll_param_value_error(pname, eq + 1);
		if (why) {
			diag_plain(sm->d, DIAG_ERROR, "-D %s: %s", defines[i], why);
			ok = false;
			continue;
		}
		p->has_default = true;
		p->baked = true;
		p->def = arena_strdup(sm->a, v);
	}
	if (!ok)
		return false;
	ok = defaults_resolve(sm);
	if (ok && sm->o->resolve_defaults)
		resolve_defaults(sm);
	return ok;
}

static GroupDef *group_find(Sema *sm, Str name)
{
	for (int i = 0; i < sm->ngroups; i++)
		if (str_eq(sm->groups[i].name, name))
			return &sm->groups[i];
	return NULL;
}

bool decl_groups(Sema *sm, int from)
{
	bool ok = true;
	for (int i = from; i < sm->nflat; i++) {
		Stmt *s = sm->flat[i].s;
		if (s->kind != ST_GROUP)
			continue;
		Str name = { s->name.text.p + 1, s->name.text.n - 1 };
		GroupDef *g = group_find(sm, name);
		if (g) {
			ERR(sm, s->name.loc, "group '@%s' is defined twice", cs(sm, name));
			NOTE(sm, g->s->name.loc, "first defined here");
			ok = false;
			continue;
		}
		g = VEC_PUSH(sm->a, sm->groups, sm->ngroups, sm->capgroups);
		g->name = name;
		g->s = s;
	}
	return ok;
}

/* The std syscall groups are known without a `use` (LANGUAGE.md's example
 * names @system-service with only std/base): load them on first need. */
static bool ensure_std_groups(Sema *sm)
{
	if (sm->groups_std_loaded)
		return true;
	sm->groups_std_loaded = true;
	int before = sm->nflat;
	int depth = sm->depth;
	sm->depth = 0;
	bool ok = load_std(sm, STR("groups"), (SrcLoc){ 0, 0, 0 });
	sm->depth = depth;
	return ok && decl_groups(sm, before);
}

static bool expand_group(Sema *sm, GroupDef *g, SrcLoc from);

/* The group t names (@NAME), expanded; NULL after a diagnostic. */
GroupDef *decl_group(Sema *sm, Tok t)
{
	Str name = { t.text.p + 1, t.text.n - 1 };
	GroupDef *g = group_find(sm, name);
	if (!g && ensure_std_groups(sm))
		g = group_find(sm, name);
	if (!g) {
		ERR(sm, t.loc, "unknown group '@%s'", cs(sm, name));
		return NULL;
	}
	return expand_group(sm, g, t.loc) ? g : NULL;
}

static bool expand_group(Sema *sm, GroupDef *g, SrcLoc from)
{
	if (g->state == 2)
		return true;
	if (g->state == 1) {
		ERR(sm, from, "group '@%s' includes itself", cs(sm, g->name));
		return false;
	}
	g->state = 1;
	Str *names = NULL;
	int n = 0, cap = 0;
	bool ok = true;
	for (int i = 0; i < g->s->items.n; i++) {
		Tok t = g->s->items.v[i].tok;
		if (t.type == GROUPNAME) {
			GroupDef *h = decl_group(sm, t);
			if (!h) {
				ok = false;
				continue;
			}
			for (int k = 0; k < h->nnames; k++)
				*VEC_PUSH(sm->a, names, n, cap) = h->names[k];
		} else if (t.type == ID) {
			if (!obj_syscall(sm, t)) {
				ok = false;
				continue;
			}
			*VEC_PUSH(sm->a, names, n, cap) = t.text;
		} else {
			ERR(sm, t.loc, "expected a syscall name or @group, found %s", tok_describe(t.type));
			ok = false;
		}
	}
	g->names = names;
	g->nnames = n;
	g->state = 2;
	return ok;
}

/* "a, b or c" of a NULL-terminated list, for messages. */
static const char *name_list(Arena *a, const char *const *v)
{
	Buf b = { 0 };
	for (int i = 0; v && v[i]; i++)
		buf_printf(&b, "%s%s", i == 0 ? "" : v[i + 1] ? ", " : " or ", v[i]);
	Str s = arena_strdup(a, buf_as_str(&b));
	buf_free(&b);
	return s.p;
}

/* policy NAME ["description"]: the main file's only. */
static bool decl_policy(Sema *sm, const Stmt *s, uint16_t file)
{
	if (file != 0)
		return true; /* a fragment's own name does not rename the policy */
	if (sm->policy_stmt) {
		ERR(sm, s->kw.loc, "a second 'policy' statement");
		NOTE(sm, sm->policy_stmt->kw.loc, "the first is here");
		return false;
	}
	sm->policy_stmt = s;
	sm->p->name = s->name.text;
	sm->p->description = s->str.type ? s->str.text : (Str){ "", 0 };
	return true;
}

/* default deny [ACTION]: fragments may repeat it, but not change it. */
static bool decl_default(Sema *sm, const Stmt *s)
{
	const Items *it = &s->items;
	Policy *p = sm->p;
	if (!str_eqc(it->v[0].tok.text, "deny")) {
		ERR(sm, it->v[0].tok.loc, "expected 'deny' after 'default' (deny is the only default)");
		return false;
	}
	Action a = { ACT_ERRNO, 1, STR("EPERM") };
	int k = 1;
	if (k < it->n && !rule_action(sm, it, &k, &a, true))
		return false;
	if (k < it->n) {
		ERR(sm, it->v[k].tok.loc, "unexpected '%s' after the default action", cs(sm, it->v[k].tok.text));
		return false;
	}
	if (sm->default_stmt && (a.kind != p->default_action.kind || a.errno_val != p->default_action.errno_val)) {
		ERR(sm, s->kw.loc, "a second, different 'default' statement");
		NOTE(sm, sm->default_stmt->kw.loc, "the first is here");
		return false;
	}
	sm->default_stmt = s;
	p->default_action = a;
	p->has_default = true;
	return true;
}

/* Where word k stands, or would: past the end, the last word. */
static SrcLoc word_at(const Items *it, int k) { return k < it->n ? it->v[k].tok.loc : it->v[k - 1].tok.loc; }

/* accept wider RIGHT [on TARGET] because "...": the targets are the
 * caller's (LangOpts.accept_targets), the language knows none. */
static bool decl_accept(Sema *sm, const Stmt *s)
{
	const Items *it = &s->items;
	if (!str_eqc(it->v[0].tok.text, "wider")) {
		ERR(sm, it->v[0].tok.loc, "expected 'wider' after 'accept' (accept wider RIGHT [on TARGET] because \"...\")");
		return false;
	}
	int k = 1;
	Accept a = { 0 };
	a.loc = s->kw.loc;
	int r = k < it->n ? ir_right_lookup(it->v[k].tok.text) : -1;
	if (r < 0) {
		ERR(sm, word_at(it, k), "expected a right after 'accept wider'");
		return false;
	}
	a.right = (uint8_t)r;
	k++;
	if (k < it->n && str_eqc(it->v[k].tok.text, "on")) {
		k++;
		bool known = false;
		const char *const *names = sm->o->accept_targets;
		for (int t = 0; k < it->n && names && names[t]; t++)
			known |= str_eqc(it->v[k].tok.text, names[t]);
		if (!known) {
			ERR(sm, word_at(it, k), "expected a target after 'on' (%s)", name_list(sm->a, names));
			return false;
		}
		a.target = it->v[k++].tok.text;
	}
	if (!(k + 1 < it->n && str_eqc(it->v[k].tok.text, "because") && it->v[k + 1].tok.type == STRING)) {
		ERR(sm, word_at(it, k), "'accept wider' needs a reason: because \"...\"");
		return false;
	}
	a.because = it->v[k + 1].tok.text;
	k += 2;
	if (k < it->n) {
		ERR(sm, it->v[k].tok.loc, "unexpected '%s' after the reason", cs(sm, it->v[k].tok.text));
		return false;
	}
	*VEC_PUSH(sm->a, sm->accepts, sm->naccepts, sm->capaccepts) = a;
	return true;
}

bool decl_misc(Sema *sm)
{
	bool ok = true;
	sm->p->default_action = (Action){ ACT_ERRNO, 1, STR("EPERM") };
	for (int i = 0; i < sm->nflat; i++) {
		const Stmt *s = sm->flat[i].s;
		if (s->kind == ST_POLICY)
			ok &= decl_policy(sm, s, sm->flat[i].file);
		else if (s->kind == ST_DEFAULT)
			ok &= decl_default(sm, s);
		else if (s->kind == ST_ACCEPT)
			ok &= decl_accept(sm, s);
	}
	return ok;
}
