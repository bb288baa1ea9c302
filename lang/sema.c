/*
 * sema.c: from statements to the canonical Policy.
 *
 * Three passes, because rules are order-independent (a rule may name a
 * param declared further down, or in a file used later):
 *
 *   1. load: read the main file and every `use` (depth first, each file
 *      once; a file met again while still on the chain is a cycle), check
 *      `sbx 1`, flatten `on` blocks into (statement, platforms) pairs;
 *   2. declarations: params (built-ins, -D values, defaults and their
 *      references), groups, `default`, `accept`, `policy`;
 *   3. rules, expect and never: each statement's items are read against
 *      the right they start with, paths normalised, endpoints validated,
 *      groups expanded, conditions turned into a disjunction of
 *      conjunctions (one IR rule per conjunction).
 *
 * Then ir_canonicalise sorts and merges, and the checks (never, expect)
 * run on the canonical policy with the reference evaluator.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang.h"
#include "ast.h"
#include "consts.h"
#include "fmt.h"
#include "parse.h"
#include "grammar.h"
#include "../ir/eval.h"
#include "../ir/syscalls.h"

enum { MAX_USE_DEPTH = 32, MAX_DNF = 64 };

typedef struct Flat { /* a statement with the platforms its `on` block gives it */
	Stmt *s;
	uint8_t plat;
	uint16_t file;
} Flat;

typedef struct GroupDef {
	Str name; /* without '@' */
	Stmt *s;
	int state; /* 0 unexpanded, 1 expanding (cycle), 2 done */
	Str *names;
	int nnames;
} GroupDef;

typedef struct Sema Sema;
struct Sema {
	const LangOpts *o;
	Arena *a;
	Diags *d;
	Policy *p;
	SrcFile *files;
	int nfiles, capfiles;
	Str *keys; /* identity of each file (real path, or std/NAME) */
	int capkeys;
	int chain[MAX_USE_DEPTH + 1];
	int depth;
	Flat *flat;
	int nflat, capflat;
	Param *params;
	int nparams, capparams;
	GroupDef *groups;
	int ngroups, capgroups;
	bool groups_std_loaded;
	Rule *rules;
	int nrules, caprules;
	Accept *accepts;
	int naccepts, capaccepts;
	Expect *expects;
	int nexpects, capexpects;
	Never *nevers;
	int nnevers, capnevers;
	const Stmt *policy_stmt;
	const Stmt *default_stmt;
	bool too_many;
};

static const char *const builtin_params[] = { "HOME", "PROJECT", "TMPDIR", "UID" };

#define ERR(sm, loc, ...) diag_at((sm)->d, DIAG_ERROR, (loc), __VA_ARGS__)
#define NOTE(sm, loc, ...) diag_at((sm)->d, DIAG_NOTE, (loc), __VA_ARGS__)

static const char *cs(Sema *sm, Str s) { return arena_cstr(sm->a, s); }

/* ------------------------------------------------------------------ */
/* Pass 1: files */

static bool load_text(Sema *sm, Str name, Str key, Str text, SrcLoc from);

static int find_key(Sema *sm, Str key)
{
	for (int i = 0; i < sm->nfiles; i++)
		if (str_eq(sm->keys[i], key))
			return i;
	return -1;
}

static Str dir_of(Sema *sm, Str path)
{
	size_t n = path.n;
	while (n > 0 && path.p[n - 1] != '/')
		n--;
	return arena_strdup(sm->a, (Str){ path.p, n });
}

/* "a/b/../c" -> "a/c" and "./x" -> "x", for the names shown in messages;
 * a leading "../" stays (it cannot be resolved lexically). */
static Str tidy_path(Sema *sm, Str p)
{
	Str comps[256];
	int n = 0, up = 0;
	bool abs = p.n && p.p[0] == '/';
	PathIter it = ir_path_iter(p, 0, '/');
	for (Str c; n < 256 && ir_path_next(&it, &c);) {
		if (str_eqc(c, "."))
			continue;
		if (str_eqc(c, "..") && n > up && !str_eqc(comps[n - 1], ".."))
			n--;
		else {
			if (str_eqc(c, ".."))
				up++;
			comps[n++] = c;
		}
	}
	Buf b = { 0 };
	if (abs)
		buf_putc(&b, '/');
	for (int k = 0; k < n; k++) {
		if (k)
			buf_putc(&b, '/');
		buf_str(&b, comps[k]);
	}
	Str out = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	return out;
}

static bool load_path(Sema *sm, Str path, SrcLoc from, bool is_main)
{
	char *cpath = arena_cstr(sm->a, path);
	char real[PATH_MAX];
	if (!realpath(cpath, real)) {
		int e = errno;
		if (is_main)
			diag_plain(sm->d, DIAG_ERROR, "cannot read '%s': %s", cpath, strerror(e));
		else
			ERR(sm, from, "cannot use '%s': %s", cpath, strerror(e));
		return false;
	}
	Str key = arena_strdup(sm->a, str_c(real));
	if (find_key(sm, key) >= 0)
		return load_text(sm, path, key, (Str){ 0, 0 }, from);
	Buf b = { 0 };
	int e = read_file(cpath, sm->o->max_file_size, &b);
	if (e) {
		buf_free(&b);
		if (e == EFBIG) {
			if (is_main)
				diag_plain(sm->d, DIAG_ERROR, "'%s' is larger than the limit of %zu bytes", cpath, sm->o->max_file_size);
			else
				ERR(sm, from, "'%s' is larger than the limit of %zu bytes", cpath, sm->o->max_file_size);
		} else if (is_main)
			diag_plain(sm->d, DIAG_ERROR, "cannot read '%s': %s", cpath, strerror(e));
		else
			ERR(sm, from, "cannot use '%s': %s", cpath, strerror(e));
		return false;
	}
	Str text = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	return load_text(sm, path, key, text, from);
}

static bool load_std(Sema *sm, Str name, SrcLoc from)
{
	for (const StdFile *f = std_files; f->name; f++) {
		if (str_eqc(name, f->name)) {
			Str disp = arena_printf(sm->a, "std/%s", f->name);
			return load_text(sm, disp, disp, (Str){ f->text, f->len }, from);
		}
	}
	const char *names[64];
	int n = 0;
	for (const StdFile *f = std_files; f->name && n < 64; f++)
		names[n++] = f->name;
	const char *hint = closest(name, names, n);
	if (hint)
		ERR(sm, from, "no standard library fragment 'std/%s' (did you mean 'std/%s'?)", cs(sm, name), hint);
	else
		ERR(sm, from, "no standard library fragment 'std/%s'", cs(sm, name));
	return false;
}

static bool walk(Sema *sm, const StmtList *l, uint8_t plat, uint16_t file, bool in_on);

static bool load_text(Sema *sm, Str name, Str key, Str text, SrcLoc from)
{
	int idx = find_key(sm, key);
	if (idx >= 0) {
		for (int i = 0; i < sm->depth; i++) {
			if (sm->chain[i] != idx)
				continue;
			Buf b = { 0 };
			for (int j = i; j < sm->depth; j++)
				buf_printf(&b, "%.*s uses ", STRF(sm->files[sm->chain[j]].name));
			buf_printf(&b, "%.*s", STRF(sm->files[idx].name));
			ERR(sm, from, "'use' cycle: %.*s", (int)b.n, b.p ? b.p : "");
			buf_free(&b);
			return false;
		}
		return true; /* already merged: a diamond, not a cycle */
	}
	if (sm->depth >= MAX_USE_DEPTH) {
		ERR(sm, from, "'use' nested more than %d deep", MAX_USE_DEPTH);
		return false;
	}
	if (sm->nfiles >= UINT16_MAX - 1) {
		ERR(sm, from, "too many files");
		return false;
	}
	idx = sm->nfiles;
	SrcFile *f = VEC_PUSH(sm->a, sm->files, sm->nfiles, sm->capfiles);
	f->name = arena_strdup(sm->a, name);
	f->text = text;
	int kn = idx;
	*VEC_PUSH(sm->a, sm->keys, kn, sm->capkeys) = key;
	sm->d->files = sm->files;
	sm->d->nfiles = sm->nfiles;

	StmtList stmts = { 0 };
	if (!parse_file(sm->a, sm->d, (uint16_t)idx, text, &stmts))
		return false;
	if (stmts.n == 0 || stmts.v[0]->kind != ST_SBX) {
		SrcLoc at = stmts.n ? stmts.v[0]->kw.loc : (SrcLoc){ (uint16_t)idx, 1, 1 };
		ERR(sm, at, "expected 'sbx 1' as the first statement");
		return false;
	}
	Tok v = stmts.v[0]->name;
	if (!str_eqc(v.text, "1")) {
		ERR(sm, v.loc, "unsupported language version '%s' (this sbxc reads sbx 1)", cs(sm, v.text));
		return false;
	}
	sm->chain[sm->depth++] = idx;
	bool ok = walk(sm, &stmts, PLAT_ALL, (uint16_t)idx, false);
	sm->depth--;
	return ok;
}

static bool walk(Sema *sm, const StmtList *l, uint8_t plat, uint16_t file, bool in_on)
{
	bool ok = true;
	for (int i = 0; i < l->n; i++) {
		Stmt *s = l->v[i];
		switch (s->kind) {
		case ST_SBX:
			if (i != 0 || in_on) {
				ERR(sm, s->kw.loc, "'sbx' must be the first statement, once");
				ok = false;
			}
			break;
		case ST_USE: {
			if (in_on) {
				ERR(sm, s->kw.loc, "'use' belongs at the top level, not inside 'on'");
				ok = false;
				break;
			}
			Tok t = s->name;
			if (t.type == MODPATH) {
				if (!str_has_prefix(t.text, "std/")) {
					ERR(sm, t.loc, "unknown library '%s'; write std/NAME or a quoted file name", cs(sm, t.text));
					ok = false;
					break;
				}
				ok &= load_std(sm, (Str){ t.text.p + 4, t.text.n - 4 }, t.loc);
			} else {
				Str rel = t.text;
				if (rel.n == 0) {
					ERR(sm, t.loc, "empty file name in 'use'");
					ok = false;
					break;
				}
				Str from = sm->files[file].name;
				Str path = rel;
				if (rel.p[0] != '/') {
					if (str_has_prefix(from, "std/")) {
						ERR(sm, t.loc, "a standard library fragment may only use std/ fragments");
						ok = false;
						break;
					}
					Str dir = dir_of(sm, from);
					path = tidy_path(sm, arena_printf(sm->a, "%.*s%.*s", STRF(dir), STRF(rel)));
				}
				ok &= load_path(sm, path, t.loc, false);
			}
			break;
		}
		case ST_ON: {
			uint8_t p = 0;
			if (str_eqc(s->name.text, "linux"))
				p = PLAT_LINUX;
			else if (str_eqc(s->name.text, "macos"))
				p = PLAT_MACOS;
			else if (str_eqc(s->name.text, "windows"))
				p = PLAT_WINDOWS;
			else {
				ERR(sm, s->name.loc, "unknown platform '%s'; expected macos, linux or windows", cs(sm, s->name.text));
				ok = false;
				break;
			}
			if (in_on) {
				ERR(sm, s->kw.loc, "'on' blocks do not nest");
				ok = false;
				break;
			}
			ok &= walk(sm, &s->body, p, file, true);
			break;
		}
		default: {
			Flat *f = VEC_PUSH(sm->a, sm->flat, sm->nflat, sm->capflat);
			f->s = s;
			f->plat = plat;
			f->file = file;
			if (in_on && (s->kind == ST_POLICY || s->kind == ST_PARAM || s->kind == ST_GROUP || s->kind == ST_DEFAULT)) {
				ERR(sm, s->kw.loc, "'%s' belongs at the top level, not inside 'on'", cs(sm, s->kw.text));
				ok = false;
			}
			break;
		}
		}
	}
	return ok;
}

/* ------------------------------------------------------------------ */
/* Pass 2: declarations */

static Param *param_find(Sema *sm, Str name)
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
typedef bool (*RefFn)(Sema *sm, Str name, size_t off, void *ctx);
static bool each_ref(Sema *sm, Str s, RefFn fn, void *ctx)
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

typedef struct RefCtx {
	SrcLoc loc;
	int depth;
	Str via;
} RefCtx;

static bool check_ref(Sema *sm, Str name, size_t off, void *vctx)
{
	RefCtx *ctx = vctx;
	Param *p = param_find(sm, name);
	if (!p) {
		SrcLoc at = ctx->loc;
		ERR(sm, at, "undefined param '${%s}'%s%s (declare it: param %s)", cs(sm, name),
		    ctx->via.n ? " in the default of " : "", ctx->via.n ? cs(sm, ctx->via) : "", cs(sm, name));
		return false;
	}
	if (p->has_default && !p->baked) {
		if (ctx->depth > 16) {
			ERR(sm, p->loc, "params' defaults refer to each other in a cycle (through '%s')", cs(sm, name));
			return false;
		}
		RefCtx sub = { p->loc, ctx->depth + 1, p->name };
		return each_ref(sm, p->def, check_ref, &sub);
	}
	return true;
}

/* Expand a param's leading value: does `${NAME}...` resolve to an absolute
 * path? Unknown values (built-ins, params without default) are taken to be. */
static bool param_abs(Sema *sm, Str name, int depth)
{
	Param *p = param_find(sm, name);
	if (!p || !p->has_default || depth > 16)
		return true;
	Str d = p->def;
	if (d.n && d.p[0] == '/')
		return true;
	if (str_has_prefix(d, "${")) {
		size_t j = 2;
		while (j < d.n && d.p[j] != '}')
			j++;
		return param_abs(sm, (Str){ d.p + 2, j - 2 }, depth + 1);
	}
	return false;
}

static Str expand_tilde(Sema *sm, Str s)
{
	if (s.n && s.p[0] == '~' && (s.n == 1 || s.p[1] == '/'))
		return arena_printf(sm->a, "${HOME}%.*s", (int)s.n - 1, s.p + 1);
	return s;
}

static Str bake(Sema *sm, Str s);
static bool is_win_path(Str s);

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
			Str v = bake(sm, expand_tilde(sm, p->def));
			if (memchr(v.p, '$', v.n) || (v.n && v.p[0] != '/' && !str_eqc(p->name, "UID")))
				continue; /* still names an unresolved param, or not a path */
			p->def = v;
			p->baked = true;
			changed = true;
		}
	}
}

static bool declare_params(Sema *sm, const char *const *defines, int ndefines)
{
	bool ok = true;
	for (size_t i = 0; i < ARRAY_LEN(builtin_params); i++) {
		Param *p = VEC_PUSH(sm->a, sm->params, sm->nparams, sm->capparams);
		p->name = str_c(builtin_params[i]);
		p->builtin = true;
	}
	for (int i = 0; i < sm->nflat; i++) {
		Stmt *s = sm->flat[i].s;
		if (s->kind != ST_PARAM)
			continue;
		if (!param_name_ok(s->name.text)) {
			ERR(sm, s->name.loc, "bad param name '%s' (letters, digits and '_')", cs(sm, s->name.text));
			ok = false;
			continue;
		}
		Param *p = param_find(sm, s->name.text);
		Str def = s->str.type ? expand_tilde(sm, s->str.text) : (Str){ 0, 0 };
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
		Param *p = param_find(sm, name);
		if (!eq || !p) {
			diag_plain(sm->d, DIAG_ERROR, "-D %s: %s", defines[i],
				   !eq ? "expected NAME=VALUE" : "no such param in the policy (built-ins: HOME, PROJECT, TMPDIR, UID)");
			ok = false;
			continue;
		}
		Str v = str_c(eq + 1);
		if (v.n == 0 || strchr(eq + 1, '\n')) {
			diag_plain(sm->d, DIAG_ERROR, "-D %s: the value must be non-empty and one line", defines[i]);
			ok = false;
			continue;
		}
		if (!str_eqc(name, "UID") && v.p[0] != '/' && !is_win_path(v)) {
			diag_plain(sm->d, DIAG_ERROR, "-D %s: the value must be an absolute path (POSIX or Windows)", defines[i]);
			ok = false;
			continue;
		}
		p->has_default = true;
		p->baked = true;
		p->def = arena_strdup(sm->a, v);
	}
	if (!ok)
		return false;
	for (int i = 0; i < sm->nparams; i++) {
		Param *p = &sm->params[i];
		if (p->has_default && !p->baked) {
			RefCtx ctx = { p->loc, 0, p->name };
			ok &= each_ref(sm, p->def, check_ref, &ctx);
		}
	}
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

static bool declare_groups(Sema *sm, int from)
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
	return ok && declare_groups(sm, before);
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
			Str sub = { t.text.p + 1, t.text.n - 1 };
			GroupDef *h = group_find(sm, sub);
			if (!h && ensure_std_groups(sm))
				h = group_find(sm, sub);
			if (!h) {
				ERR(sm, t.loc, "unknown group '@%s'", cs(sm, sub));
				ok = false;
				continue;
			}
			if (!expand_group(sm, h, t.loc)) {
				ok = false;
				continue;
			}
			for (int k = 0; k < h->nnames; k++)
				*VEC_PUSH(sm->a, names, n, cap) = h->names[k];
		} else if (t.type == ID) {
			if (!syscall_known(t.text)) {
				ERR(sm, t.loc, "unknown syscall '%s'", cs(sm, t.text));
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

static bool parse_action(Sema *sm, const Items *it, int *i, Action *act, bool is_default);

static bool declare_misc(Sema *sm)
{
	bool ok = true;
	Policy *p = sm->p;
	p->default_action = (Action){ ACT_ERRNO, 1, STR("EPERM") };
	for (int i = 0; i < sm->nflat; i++) {
		Stmt *s = sm->flat[i].s;
		uint16_t file = sm->flat[i].file;
		switch (s->kind) {
		case ST_POLICY:
			if (file != 0)
				break; /* a fragment's own name does not rename the policy */
			if (sm->policy_stmt) {
				ERR(sm, s->kw.loc, "a second 'policy' statement");
				NOTE(sm, sm->policy_stmt->kw.loc, "the first is here");
				ok = false;
				break;
			}
			sm->policy_stmt = s;
			p->name = s->name.text;
			p->description = s->str.type ? s->str.text : (Str){ "", 0 };
			break;
		case ST_DEFAULT: {
			const Items *it = &s->items;
			if (!str_eqc(it->v[0].tok.text, "deny")) {
				ERR(sm, it->v[0].tok.loc, "expected 'deny' after 'default' (deny is the only default)");
				ok = false;
				break;
			}
			Action a = { ACT_ERRNO, 1, STR("EPERM") };
			int k = 1;
			if (k < it->n && !parse_action(sm, it, &k, &a, true)) {
				ok = false;
				break;
			}
			if (k < it->n) {
				ERR(sm, it->v[k].tok.loc, "unexpected '%s' after the default action", cs(sm, it->v[k].tok.text));
				ok = false;
				break;
			}
			if (sm->default_stmt && (a.kind != p->default_action.kind || a.errno_val != p->default_action.errno_val)) {
				ERR(sm, s->kw.loc, "a second, different 'default' statement");
				NOTE(sm, sm->default_stmt->kw.loc, "the first is here");
				ok = false;
				break;
			}
			sm->default_stmt = s;
			p->default_action = a;
			p->has_default = true;
			break;
		}
		case ST_ACCEPT: {
			const Items *it = &s->items;
			int k = 0;
			if (!str_eqc(it->v[0].tok.text, "wider")) {
				ERR(sm, it->v[0].tok.loc, "expected 'wider' after 'accept' (accept wider RIGHT [on TARGET] because \"...\")");
				ok = false;
				break;
			}
			k = 1;
			Accept a = { 0 };
			a.loc = s->kw.loc;
			int r = k < it->n ? ir_right_lookup(it->v[k].tok.text) : -1;
			if (r < 0) {
				SrcLoc at = k < it->n ? it->v[k].tok.loc : it->v[k - 1].tok.loc;
				ERR(sm, at, "expected a right after 'accept wider'");
				ok = false;
				break;
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
					ERR(sm, k < it->n ? it->v[k].tok.loc : it->v[k - 1].tok.loc, "expected a target after 'on' (%s)",
					    name_list(sm->a, names));
					ok = false;
					break;
				}
				a.target = it->v[k++].tok.text;
			}
			if (k + 1 < it->n && str_eqc(it->v[k].tok.text, "because") && it->v[k + 1].tok.type == STRING) {
				a.because = it->v[k + 1].tok.text;
				k += 2;
			} else {
				ERR(sm, k < it->n ? it->v[k].tok.loc : it->v[k - 1].tok.loc,
				    "'accept wider' needs a reason: because \"...\"");
				ok = false;
				break;
			}
			if (k < it->n) {
				ERR(sm, it->v[k].tok.loc, "unexpected '%s' after the reason", cs(sm, it->v[k].tok.text));
				ok = false;
				break;
			}
			*VEC_PUSH(sm->a, sm->accepts, sm->naccepts, sm->capaccepts) = a;
			break;
		}
		default:
			break;
		}
	}
	return ok;
}

/* ------------------------------------------------------------------ */
/* Paths */

typedef struct PathCtx {
	SrcLoc loc;
	bool ok;
} PathCtx;

static bool path_ref(Sema *sm, Str name, size_t off, void *vctx)
{
	PathCtx *ctx = vctx;
	if (!param_find(sm, name)) {
		SrcLoc at = ctx->loc;
		at.col += (uint32_t)off;
		const char *names[64];
		int n = 0;
		for (int i = 0; i < sm->nparams && n < 64; i++)
			names[n++] = cs(sm, sm->params[i].name);
		const char *hint = closest(name, names, n);
		if (hint)
			ERR(sm, at, "undefined param '${%s}' (did you mean ${%s}?)", cs(sm, name), hint);
		else
			ERR(sm, at, "undefined param '${%s}' (declare it: param %s)", cs(sm, name), cs(sm, name));
		ctx->ok = false;
		return false;
	}
	return true;
}

/* Substitutes -D values: they are final and become part of the path. */
static Str bake(Sema *sm, Str s)
{
	if (!memchr(s.p, '$', s.n))
		return s;
	Buf b = { 0 };
	bool changed = false;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '$' && i + 1 < s.n && s.p[i + 1] == '{') {
			size_t j = i + 2;
			while (j < s.n && s.p[j] != '}')
				j++;
			Param *p = param_find(sm, (Str){ s.p + i + 2, j - i - 2 });
			if (p && p->baked) {
				buf_str(&b, p->def);
				changed = true;
				i = j;
				continue;
			}
		}
		buf_putc(&b, s.p[i]);
	}
	Str out = changed ? arena_strdup(sm->a, buf_as_str(&b)) : s;
	buf_free(&b);
	return out;
}

static bool is_win_path(Str s)
{
	if (s.n >= 3 && ((s.p[0] >= 'A' && s.p[0] <= 'Z') || (s.p[0] >= 'a' && s.p[0] <= 'z')) && s.p[1] == ':' &&
	    (s.p[2] == '\\' || s.p[2] == '/'))
		return true;
	return s.n >= 3 && s.p[0] == '\\' && s.p[1] == '\\' && s.p[2] != '\\';
}

/* Windows paths keep their spelling, with one separator and no trailing one. */
static bool win_path(Sema *sm, Str s, SrcLoc loc, PathObj *out)
{
	Buf b = { 0 };
	size_t i = 0;
	if (s.p[0] == '\\') {
		buf_puts(&b, "\\\\");
		i = 2;
	} else {
		buf_putc(&b, (char)(s.p[0] & ~0x20));
		buf_puts(&b, ":\\");
		i = 3;
	}
	int ncomp = 0, lit = 0;
	uint8_t glob = GLOB_NONE;
	bool in_lit = true;
	while (i < s.n) {
		size_t j = i;
		while (j < s.n && s.p[j] != '\\' && s.p[j] != '/')
			j++;
		Str c = { s.p + i, j - i };
		i = j + 1;
		if (c.n == 0 || str_eqc(c, "."))
			continue;
		if (str_eqc(c, "..")) {
			buf_free(&b);
			ERR(sm, loc, "'..' in a Windows path");
			return false;
		}
		if (b.n && b.p[b.n - 1] != '\\')
			buf_putc(&b, '\\');
		buf_str(&b, c);
		ncomp++;
		if (memchr(c.p, '*', c.n)) {
			in_lit = false;
			uint8_t g = str_eqc(c, "**") ? GLOB_STARSTAR : GLOB_STAR;
			glob = g > glob ? g : glob;
		} else if (in_lit)
			lit++;
	}
	out->text = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	out->root = ROOT_WIN;
	out->ncomp = (uint16_t)ncomp;
	out->literal_prefix = (uint16_t)lit;
	out->glob = glob;
	return true;
}

/* Normalise a path as written (LANGUAGE.md section 4). */
static bool make_path(Sema *sm, Str raw, SrcLoc loc, uint8_t plat, bool is_query, PathObj *out)
{
	memset(out, 0, sizeof *out);
	if (raw.n == 0) {
		ERR(sm, loc, "empty path");
		return false;
	}
	if (memchr(raw.p, 0, raw.n)) {
		ERR(sm, loc, "NUL in a path");
		return false;
	}
	if (is_win_path(raw)) {
		if (plat != PLAT_WINDOWS && !is_query) {
			ERR(sm, loc, "a Windows path belongs inside 'on windows { }'");
			return false;
		}
		return win_path(sm, raw, loc, out);
	}
	if (raw.p[0] == '~' && raw.n > 1 && raw.p[1] != '/') {
		ERR(sm, loc, "'~user' paths are not supported; write ~/... or ${HOME}/...");
		return false;
	}
	Str s = expand_tilde(sm, raw);
	PathCtx pc = { loc, true };
	each_ref(sm, s, path_ref, &pc);
	if (!pc.ok)
		return false;
	s = bake(sm, s);
	if (is_win_path(s)) /* a Windows value given with -D: a Windows path, wherever written */
		return win_path(sm, s, loc, out);
	uint8_t root;
	Str param = { 0, 0 };
	size_t i;
	if (s.p[0] == '/') {
		root = ROOT_ABS;
		i = 1;
	} else if (str_has_prefix(s, "${")) {
		size_t j = 2;
		while (j < s.n && s.p[j] != '}')
			j++;
		if (j + 1 < s.n && s.p[j + 1] != '/') {
			ERR(sm, loc, "a path must start with '/' or a whole ${PARAM} component ('%s')", cs(sm, raw));
			return false;
		}
		root = ROOT_PARAM;
		param = arena_strdup(sm->a, (Str){ s.p + 2, j - 2 });
		if (str_eqc(param, "UID")) {
			ERR(sm, loc, "${UID} is a number, not a path: it cannot start one");
			return false;
		}
		if (!param_abs(sm, param, 0)) {
			Param *pp = param_find(sm, param);
			ERR(sm, loc, "param '%s' starts this path but its default \"%s\" is not absolute", cs(sm, param), cs(sm, pp->def));
			return false;
		}
		i = j + 1;
	} else {
		if (str_has_prefix(raw, "${"))
			ERR(sm, loc, "relative path '%s' once its params are resolved: a param that starts a path must be absolute",
			    cs(sm, s));
		else
			ERR(sm, loc, "relative path '%s': a path must be absolute or start with ~ or ${PARAM} (e.g. ${PROJECT}/%s)",
			    cs(sm, raw), cs(sm, str_has_prefix(raw, "./") ? (Str){ raw.p + 2, raw.n - 2 } : raw));
		return false;
	}
	/* Components after the root, normalised lexically. */
	Str comps[512];
	int n = 0;
	if (root == ROOT_PARAM)
		comps[n++] = arena_printf(sm->a, "${%.*s}", STRF(param));
	PathIter it = ir_path_iter(s, i, '/');
	for (Str c; ir_path_next(&it, &c);) {
		if (str_eqc(c, "."))
			continue;
		if (str_eqc(c, "..")) {
			if (n == 0)
				continue; /* "/.." is "/" */
			if (root == ROOT_PARAM && n == 1) {
				ERR(sm, loc, "'..' climbs above ${%s}", cs(sm, param));
				return false;
			}
			n--;
			continue;
		}
		if (n >= (int)ARRAY_LEN(comps)) {
			ERR(sm, loc, "path has more than %zu components", ARRAY_LEN(comps));
			return false;
		}
		if (!is_query) {
			const char *ss = memmem(c.p, c.n, "**", 2);
			if (ss && c.n != 2) {
				ERR(sm, loc, "'**' must be a whole path component (in '%s')", cs(sm, raw));
				return false;
			}
		}
		comps[n++] = c;
	}
	Buf b = { 0 };
	int lit = 0;
	bool in_lit = true;
	uint8_t glob = GLOB_NONE;
	for (int k = 0; k < n; k++) {
		if (k > 0 || root == ROOT_ABS)
			buf_putc(&b, '/');
		buf_str(&b, comps[k]);
		bool has_star = !is_query && memchr(comps[k].p, '*', comps[k].n) != NULL;
		if (has_star) {
			in_lit = false;
			uint8_t g = str_eqc(comps[k], "**") ? GLOB_STARSTAR : GLOB_STAR;
			glob = g > glob ? g : glob;
		} else if (in_lit)
			lit++;
	}
	if (n == 0 && root == ROOT_ABS)
		buf_putc(&b, '/');
	out->text = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	out->param = param;
	out->root = root;
	out->ncomp = (uint16_t)n;
	out->literal_prefix = (uint16_t)lit;
	out->glob = glob;
	return true;
}

/* ------------------------------------------------------------------ */
/* Endpoints */

static bool parse_port(Sema *sm, Str s, SrcLoc loc, NetObj *out, bool single)
{
	if (str_eqc(s, "*")) {
		if (single) {
			ERR(sm, loc, "an operation names one port, not '*'");
			return false;
		}
		out->port_any = true;
		out->port_lo = 0;
		out->port_hi = 65535;
		return true;
	}
	unsigned long v[2];
	int nv = 0;
	size_t i = 0;
	while (nv < 2) {
		size_t j = i;
		while (j < s.n && s.p[j] >= '0' && s.p[j] <= '9')
			j++;
		if (j == i || j - i > 5) {
			ERR(sm, loc, "malformed port '%s' (expected a number 0-65535, a range LO-HI, or *)", cs(sm, s));
			return false;
		}
		v[nv++] = strtoul(cs(sm, (Str){ s.p + i, j - i }), NULL, 10);
		if (v[nv - 1] > 65535) {
			ERR(sm, loc, "port %lu is out of range (0-65535)", v[nv - 1]);
			return false;
		}
		if (j == s.n)
			break;
		if (s.p[j] != '-' || nv == 2) {
			ERR(sm, loc, "malformed port '%s' (expected a number 0-65535, a range LO-HI, or *)", cs(sm, s));
			return false;
		}
		i = j + 1;
	}
	if (nv == 2 && single) {
		ERR(sm, loc, "an operation names one port, not a range");
		return false;
	}
	if (nv == 2 && v[0] > v[1]) {
		ERR(sm, loc, "bad port range %lu-%lu: the start is above the end", v[0], v[1]);
		return false;
	}
	out->port_lo = (uint16_t)v[0];
	out->port_hi = (uint16_t)(nv == 2 ? v[1] : v[0]);
	return true;
}

static bool all_digits_dots(Str s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!((s.p[i] >= '0' && s.p[i] <= '9') || s.p[i] == '.'))
			return false;
	return s.n > 0;
}

static bool parse_endpoint(Sema *sm, Tok t, uint8_t proto, bool single, NetObj *out)
{
	memset(out, 0, sizeof *out);
	out->proto = proto;
	Str s = t.text;
	SrcLoc loc = t.loc;
	if (t.type != ENDPOINT && t.type != BADWORD && t.type != ID && t.type != INT && t.type != STRING) {
		ERR(sm, loc, "expected an endpoint HOST:PORT, found %s", tok_describe(t.type));
		return false;
	}
	/* Host and port split at the last ':' outside brackets. */
	size_t colon = s.n;
	if (s.n && s.p[0] == '[') {
		const char *rb = memchr(s.p, ']', s.n);
		if (!rb) {
			ERR(sm, loc, "malformed endpoint '%s': '[' without ']'", cs(sm, s));
			return false;
		}
		const char *c = memchr(rb, ':', (size_t)(s.p + s.n - rb));
		colon = c ? (size_t)(c - s.p) : s.n;
	} else {
		const char *c = memchr(s.p, ':', s.n);
		colon = c ? (size_t)(c - s.p) : s.n;
	}
	if (colon == s.n) {
		ERR(sm, loc, "missing ':PORT' in endpoint '%s' (write HOST:PORT, e.g. %s:443 or %s:*)", cs(sm, s), cs(sm, s), cs(sm, s));
		return false;
	}
	Str host = { s.p, colon }, port = { s.p + colon + 1, s.n - colon - 1 };
	SrcLoc ploc = loc;
	ploc.col += (uint32_t)colon + 1;
	if (host.n == 0) {
		ERR(sm, loc, "missing host in endpoint '%s' (use * for any host)", cs(sm, s));
		return false;
	}
	if (!parse_port(sm, port, ploc, out, single))
		return false;
	/* Optional /prefix. */
	Str addr = host;
	int prefix = -1;
	const char *slash = memchr(host.p, '/', host.n);
	if (slash) {
		addr = (Str){ host.p, (size_t)(slash - host.p) };
		Str ps = { slash + 1, (size_t)(host.p + host.n - slash - 1) };
		if (single) {
			ERR(sm, loc, "an operation names one address, not a network");
			return false;
		}
		if (ps.n == 0 || ps.n > 3 || !all_digits_dots(ps) || memchr(ps.p, '.', ps.n)) {
			ERR(sm, loc, "malformed CIDR prefix '/%s'", cs(sm, ps));
			return false;
		}
		prefix = atoi(cs(sm, ps));
	}
	char buf[64];
	if (str_eqc(addr, "*")) {
		if (single) {
			ERR(sm, loc, "an operation names one host, not '*'");
			return false;
		}
		if (prefix >= 0) {
			ERR(sm, loc, "'*' takes no prefix");
			return false;
		}
		out->host_kind = HOST_ANY;
		out->host = STR("*");
	} else if (addr.p[0] == '[') {
		if (addr.n < 3 || addr.p[addr.n - 1] != ']' || addr.n - 2 >= sizeof buf) {
			ERR(sm, loc, "malformed IPv6 address '%s'", cs(sm, addr));
			return false;
		}
		memcpy(buf, addr.p + 1, addr.n - 2);
		buf[addr.n - 2] = 0;
		if (inet_pton(AF_INET6, buf, out->addr) != 1) {
			ERR(sm, loc, "malformed IPv6 address '%s'", buf);
			return false;
		}
		if (prefix > 128) {
			ERR(sm, loc, "bad CIDR: IPv6 prefix /%d is over 128", prefix);
			return false;
		}
		out->host_kind = HOST_IP6;
		out->prefix = (uint8_t)(prefix < 0 ? 128 : prefix);
	} else if (all_digits_dots(addr)) {
		if (addr.n >= sizeof buf) {
			ERR(sm, loc, "malformed IPv4 address '%s'", cs(sm, addr));
			return false;
		}
		memcpy(buf, addr.p, addr.n);
		buf[addr.n] = 0;
		struct in_addr in;
		if (inet_pton(AF_INET, buf, &in) != 1) {
			ERR(sm, loc, "malformed IPv4 address '%s'", buf);
			return false;
		}
		if (prefix > 32) {
			ERR(sm, loc, "bad CIDR: IPv4 prefix /%d is over 32", prefix);
			return false;
		}
		memcpy(out->addr, &in, 4);
		out->host_kind = HOST_IP4;
		out->prefix = (uint8_t)(prefix < 0 ? 32 : prefix);
	} else {
		if (prefix >= 0) {
			ERR(sm, loc, "a host name takes no prefix ('%s')", cs(sm, host));
			return false;
		}
		Str name = addr;
		if (name.n && name.p[name.n - 1] == '.')
			name.n--;
		bool okn = name.n > 0 && name.n <= 253;
		size_t label = 0;
		for (size_t i = 0; okn && i < name.n; i++) {
			char c = name.p[i];
			if (c == '.') {
				okn = label > 0;
				label = 0;
			} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
				okn = ++label <= 63;
			} else
				okn = false;
		}
		okn = okn && label > 0;
		if (!okn) {
			if (memchr(name.p, '*', name.n))
				ERR(sm, loc, "malformed host '%s': wildcard names are not supported (use * or an exact name)", cs(sm, addr));
			else
				ERR(sm, loc, "malformed host name '%s'", cs(sm, addr));
			return false;
		}
		char *lc = arena_cstr(sm->a, name);
		for (char *q = lc; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q + 32);
		out->host_kind = HOST_NAME;
		out->host = str_c(lc);
	}
	if (out->host_kind == HOST_IP4 || out->host_kind == HOST_IP6) {
		int bits = out->host_kind == HOST_IP4 ? 32 : 128;
		/* Host bits must be clear: 10.1.2.3/8 is more likely a typo than a network. */
		for (int b = out->prefix; b < bits; b++) {
			if (out->addr[b / 8] & (0x80 >> (b % 8))) {
				ERR(sm, loc, "bad CIDR '%s': address bits are set beyond the /%d prefix", cs(sm, host), out->prefix);
				return false;
			}
		}
		char txt[64];
		inet_ntop(out->host_kind == HOST_IP4 ? AF_INET : AF_INET6, out->addr, txt, sizeof txt);
		if (out->host_kind == HOST_IP6)
			out->host = out->prefix == 128 ? arena_printf(sm->a, "[%s]", txt) : arena_printf(sm->a, "[%s]/%d", txt, out->prefix);
		else
			out->host = out->prefix == 32 ? arena_printf(sm->a, "%s", txt) : arena_printf(sm->a, "%s/%d", txt, out->prefix);
	}
	return true;
}

static Str net_text(Sema *sm, const NetObj *n)
{
	static const char *const pn[] = { "tcp", "udp", "unix" };
	if (n->proto == PROTO_UNIX)
		return arena_printf(sm->a, "unix %.*s", STRF(n->path.text));
	if (n->port_any)
		return arena_printf(sm->a, "%s %.*s:*", pn[n->proto], STRF(n->host));
	if (n->port_lo == n->port_hi)
		return arena_printf(sm->a, "%s %.*s:%u", pn[n->proto], STRF(n->host), n->port_lo);
	return arena_printf(sm->a, "%s %.*s:%u-%u", pn[n->proto], STRF(n->host), n->port_lo, n->port_hi);
}

/* ------------------------------------------------------------------ */
/* Conditions: into a disjunction of conjunctions */

typedef struct Conj {
	ArgCmp *v;
	int n, cap;
} Conj;
typedef struct Dnf {
	Conj *v;
	int n, cap;
} Dnf;

static bool eval_val(Sema *sm, const Val *v, uint64_t *out)
{
	if (v->l) {
		uint64_t a, b;
		if (!eval_val(sm, v->l, &a) || !eval_val(sm, v->r, &b))
			return false;
		*out = a | b;
		return true;
	}
	Str t = v->tok.text;
	if (v->tok.type == INT) {
		const char *c = cs(sm, t);
		int base = 10;
		if (t.n > 2 && t.p[0] == '0' && (t.p[1] == 'x' || t.p[1] == 'X'))
			c += 2, base = 16;
		else if (t.n > 2 && t.p[0] == '0' && t.p[1] == 'o')
			c += 2, base = 8;
		errno = 0;
		char *end;
		unsigned long long x = strtoull(c, &end, base);
		if (errno || *end) {
			ERR(sm, v->tok.loc, "number '%s' is out of range (64 bits)", cs(sm, t));
			return false;
		}
		*out = x;
		return true;
	}
	if (!const_lookup(t, out)) {
		ERR(sm, v->tok.loc, "unknown constant '%s'", cs(sm, t));
		return false;
	}
	return true;
}

static bool dnf_of(Sema *sm, const Cond *c, Dnf *out)
{
	memset(out, 0, sizeof *out);
	if (c->kind == COND_CMP) {
		Str a = c->arg.text;
		if (a.n != 4 || !str_has_prefix(a, "arg") || a.p[3] < '0' || a.p[3] > '5') {
			ERR(sm, c->arg.loc, "expected arg0 .. arg5, found '%s'", cs(sm, a));
			return false;
		}
		ArgCmp cmp = { (uint8_t)(a.p[3] - '0'), c->op, UINT64_MAX, 0, 0 };
		if (c->mask && !eval_val(sm, c->mask, &cmp.mask))
			return false;
		if (!eval_val(sm, c->value, &cmp.value))
			return false;
		Conj *k = VEC_PUSH(sm->a, out->v, out->n, out->cap);
		memset(k, 0, sizeof *k);
		*VEC_PUSH(sm->a, k->v, k->n, k->cap) = cmp;
		return true;
	}
	Dnf l, r;
	if (!dnf_of(sm, c->l, &l) || !dnf_of(sm, c->r, &r))
		return false;
	if (c->kind == COND_OR) {
		*out = l;
		for (int i = 0; i < r.n; i++)
			*VEC_PUSH(sm->a, out->v, out->n, out->cap) = r.v[i];
	} else {
		for (int i = 0; i < l.n; i++)
			for (int j = 0; j < r.n; j++) {
				Conj *k = VEC_PUSH(sm->a, out->v, out->n, out->cap);
				memset(k, 0, sizeof *k);
				for (int x = 0; x < l.v[i].n; x++)
					*VEC_PUSH(sm->a, k->v, k->n, k->cap) = l.v[i].v[x];
				for (int x = 0; x < r.v[j].n; x++)
					*VEC_PUSH(sm->a, k->v, k->n, k->cap) = r.v[j].v[x];
			}
	}
	if (out->n > MAX_DNF) {
		const Cond *leftmost = c;
		while (leftmost->kind != COND_CMP)
			leftmost = leftmost->l;
		ERR(sm, leftmost->arg.loc, "condition too complex (more than %d alternatives once expanded)", MAX_DNF);
		return false;
	}
	return true;
}

static int cmp_argcmp(const void *x, const void *y)
{
	const ArgCmp *a = x, *b = y;
	if (a->arg != b->arg)
		return a->arg - b->arg;
	if (a->op != b->op)
		return a->op - b->op;
	if (a->mask != b->mask)
		return a->mask < b->mask ? -1 : 1;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return 0;
}

/* Conditions must compare what seccomp can see: never a pointer (it would
 * compare the address, not the data), and for a 32-bit argument only its
 * low 32 bits (the kernel ignores the rest; a sign-extended constant such
 * as AT_FDCWD is reduced, anything else above 32 bits is an error). The
 * conjunction is rewritten in place. */
static bool check_arg_kinds(Sema *sm, SysObj *so, SrcLoc loc)
{
	for (int i = 0; i < so->ncmp; i++) {
		ArgCmp *c = &so->cmp[i];
		bool ptr = false, w32 = false;
		if (!scmp_arg_check(so->name, c->arg, &ptr, &w32))
			continue; /* unknown signature: compared as written */
		if (ptr) {
			ERR(sm, loc, "argument %u of '%s' is a pointer: seccomp sees the address, not what it points to",
			    c->arg, cs(sm, so->name));
			return false;
		}
		if (!w32)
			continue;
		uint64_t hi_v = c->value >> 32, hi_m = (c->mask & c->value) >> 32;
		bool sext_v = hi_v == 0xffffffffu && (c->value & 0x80000000u);
		if (hi_v && !sext_v) {
			ERR(sm, loc, "argument %u of '%s' is 32 bits wide; 0x%llx does not fit", c->arg, cs(sm, so->name),
			    (unsigned long long)c->value);
			return false;
		}
		(void)hi_m;
		c->value &= 0xffffffffu;
		c->width = 32;
	}
	return true;
}

static const char *const cmp_op_text[] = { "==", "!=", "<", "<=", ">", ">=" };

static void put_num(Buf *b, uint64_t v)
{
	if (v < 65536)
		buf_printf(b, "%llu", (unsigned long long)v);
	else
		buf_printf(b, "0x%llx", (unsigned long long)v);
}

static Str sys_text(Sema *sm, const SysObj *s)
{
	Buf b = { 0 };
	buf_str(&b, s->name);
	for (int i = 0; i < s->ncmp; i++) {
		const ArgCmp *c = &s->cmp[i];
		buf_puts(&b, i ? " && " : " if ");
		buf_printf(&b, "arg%u", c->arg);
		if (c->mask != UINT64_MAX) {
			buf_puts(&b, " & ");
			put_num(&b, c->mask);
		}
		buf_printf(&b, " %s ", cmp_op_text[c->op]);
		put_num(&b, c->value);
	}
	Str out = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	return out;
}

/* ------------------------------------------------------------------ */
/* Actions */

static bool parse_action(Sema *sm, const Items *it, int *i, Action *act, bool is_default)
{
	Tok t = it->v[*i].tok;
	Str w = t.text;
	if (str_eqc(w, "errno")) {
		if (*i + 1 >= it->n) {
			ERR(sm, t.loc, "expected an errno name after 'errno' (e.g. errno EPERM)");
			return false;
		}
		Tok e = it->v[*i + 1].tok;
		int v;
		if (e.type == INT) {
			v = atoi(cs(sm, e.text));
			if (v < 1 || v > 4095) {
				ERR(sm, e.loc, "errno %s is out of range (1-4095)", cs(sm, e.text));
				return false;
			}
			const char *nm = errno_name(v);
			act->errno_name = nm ? str_c(nm) : e.text;
		} else if (!errno_lookup(e.text, &v)) {
			ERR(sm, e.loc, "unknown errno name '%s' (e.g. EPERM, EACCES, ENOSYS)", cs(sm, e.text));
			return false;
		} else
			act->errno_name = e.text;
		act->kind = ACT_ERRNO;
		act->errno_val = v;
		*i += 2;
		return true;
	}
	if (str_eqc(w, "kill-process") || (is_default && str_eqc(w, "kill")))
		act->kind = ACT_KILL_PROCESS;
	else if (str_eqc(w, "kill-thread"))
		act->kind = ACT_KILL_THREAD;
	else if (str_eqc(w, "trap"))
		act->kind = ACT_TRAP;
	else if (str_eqc(w, "log"))
		act->kind = ACT_LOG;
	else {
		ERR(sm, t.loc, "unknown action '%s'; expected errno NAME, %skill-process, kill-thread, trap or log", cs(sm, w),
		    is_default ? "kill, " : "");
		return false;
	}
	(*i)++;
	return true;
}

static bool is_action_word(Str w)
{
	return str_eqc(w, "errno") || str_eqc(w, "kill-process") || str_eqc(w, "kill-thread") || str_eqc(w, "trap") ||
	       str_eqc(w, "log");
}

/* ------------------------------------------------------------------ */
/* Rules */

static const char *right_list(void)
{
	return "read, write, exec, connect, bind, net, fork, signal, ptrace, syscall, mach-lookup, sysctl-read, "
	       "iokit-open, ipc-posix-shm or capability";
}

static void unknown_right(Sema *sm, Tok t)
{
	if (t.type == PATH || t.type == STRING) {
		ERR(sm, t.loc, "expected a right (read, write, exec, ...) before the path");
		return;
	}
	if (t.type == ENDPOINT) {
		ERR(sm, t.loc, "expected a right and a protocol before the endpoint (connect tcp HOST:PORT)");
		return;
	}
	const char *hint = closest(t.text, ir_right_name, R__COUNT);
	if (hint)
		ERR(sm, t.loc, "unknown right '%s' (did you mean '%s'?)", cs(sm, t.text), hint);
	else
		ERR(sm, t.loc, "unknown right '%s'; expected %s", cs(sm, t.text), right_list());
}

static Rule *new_rule(Sema *sm)
{
	if (sm->nrules >= sm->o->max_rules) {
		sm->too_many = true;
		static Rule dummy;
		memset(&dummy, 0, sizeof dummy);
		return &dummy;
	}
	return VEC_PUSH(sm->a, sm->rules, sm->nrules, sm->caprules);
}

/* Checks a right may be written where it is; returns the rule's platforms. */
static int right_platforms(Sema *sm, int r, uint8_t plat, SrcLoc loc)
{
	unsigned allowed = ir_right_plat[r];
	if (allowed == PLAT_ALL)
		return plat;
	if (r == R_SYSCALL) {
		if (!(plat & PLAT_LINUX)) {
			ERR(sm, loc, "syscall rules are for Linux: write them at the top level or inside 'on linux { }'");
			return -1;
		}
		return PLAT_LINUX;
	}
	if (plat != allowed) {
		ERR(sm, loc, "'%s' is only allowed inside 'on %s { }'", ir_right_name[r], allowed == PLAT_MACOS ? "macos" : "windows");
		return -1;
	}
	return plat;
}

static const char *const proc_targets[] = { "self", "children", "any" };

static bool build_rule(Sema *sm, Tok kw, const Items *it, uint8_t plat, Str because)
{
	uint8_t effect = kw.type == DENY ? EFF_DENY : EFF_ALLOW;
	int rights[R__COUNT], nr = 0, i = 0;
	Tok t0 = it->v[0].tok;
	int r0 = t0.type == ID ? ir_right_lookup(t0.text) : -1;
	if (r0 < 0) {
		unknown_right(sm, t0);
		return false;
	}
	rights[nr++] = r0;
	i = 1;
	int kind = ir_right_obj[r0];
	while (kind != OBJ_SYSCALL && i < it->n && it->v[i].tok.type == ID) {
		int r = ir_right_lookup(it->v[i].tok.text);
		if (r < 0)
			break;
		if (ir_right_obj[r] != kind || (kind != OBJ_PATH && kind != OBJ_NET)) {
			ERR(sm, it->v[i].tok.loc, "'%s' cannot share a rule with '%s' (write two rules)", ir_right_name[r], ir_right_name[r0]);
			return false;
		}
		bool dup = false;
		for (int k = 0; k < nr; k++)
			dup |= rights[k] == r;
		if (!dup)
			rights[nr++] = r;
		i++;
	}
	int plats = right_platforms(sm, r0, plat, t0.loc);
	if (plats < 0)
		return false;
	/* Trailing `because "..."`, and modifiers anywhere among path objects. */
	int n = it->n;
	if (n >= 2 && it->v[n - 2].tok.type == ID && str_eqc(it->v[n - 2].tok.text, "because")) {
		if (it->v[n - 1].tok.type != STRING) {
			ERR(sm, it->v[n - 1].tok.loc, "expected a quoted reason after 'because'");
			return false;
		}
		because = it->v[n - 1].tok.text;
		n -= 2;
	} else if (n >= 1 && it->v[n - 1].tok.type == ID && str_eqc(it->v[n - 1].tok.text, "because")) {
		ERR(sm, it->v[n - 1].tok.loc, "expected a quoted reason after 'because'");
		return false;
	}
	for (int k = i; k < n; k++) {
		if (it->v[k].tok.type == ID && str_eqc(it->v[k].tok.text, "because")) {
			ERR(sm, it->v[k].tok.loc, "'because \"...\"' must end the rule");
			return false;
		}
	}
	bool ok = true;

#define EMIT_FOR_RIGHTS(objloc, FILL)                                        \
	for (int ri = 0; ri < nr; ri++) {                                    \
		Rule *rule = new_rule(sm);                                   \
		rule->effect = effect;                                       \
		rule->right = (uint8_t)rights[ri];                           \
		rule->platforms = (uint8_t)plats;                            \
		rule->loc = (objloc);                                        \
		rule->because = because;                                     \
		rule->act.kind = effect == EFF_ALLOW ? ACT_ALLOW : ACT_DEFAULT; \
		FILL                                                         \
	}

	switch (kind) {
	case OBJ_PATH: {
		uint8_t flags = 0;
		int nobj = 0;
		for (int k = i; k < n; k++) {
			Tok t = it->v[k].tok;
			if (t.type == ID && str_eqc(t.text, "required"))
				flags |= RF_REQUIRED;
			else if (t.type == ID && str_eqc(t.text, "create"))
				flags |= RF_CREATE;
		}
		for (int k = i; k < n; k++) {
			Tok t = it->v[k].tok;
			if (t.type == ID && (str_eqc(t.text, "required") || str_eqc(t.text, "create")))
				continue;
			if (t.type != PATH && t.type != STRING) {
				if (t.type == ID || t.type == BADWORD)
					ERR(sm, t.loc, "'%s' is not a path: paths start with /, ~ or ${PARAM}; quote names with spaces", cs(sm, t.text));
				else
					ERR(sm, t.loc, "expected a path, found %s", tok_describe(t.type));
				ok = false;
				continue;
			}
			PathObj po;
			if (!make_path(sm, t.text, t.loc, (uint8_t)plats, false, &po)) {
				ok = false;
				continue;
			}
			nobj++;
			EMIT_FOR_RIGHTS(t.loc, rule->path = po; rule->obj = po.text; rule->flags = flags;)
		}
		if (ok && nobj == 0) {
			ERR(sm, it->v[i - 1].tok.loc, "expected a path after '%s'", cs(sm, it->v[i - 1].tok.text));
			return false;
		}
		return ok;
	}
	case OBJ_NET: {
		if (i >= n) {
			ERR(sm, it->v[i - 1].tok.loc, "expected tcp, udp or unix after '%s'", cs(sm, it->v[i - 1].tok.text));
			return false;
		}
		Tok pt = it->v[i].tok;
		uint8_t proto;
		if (str_eqc(pt.text, "tcp"))
			proto = PROTO_TCP;
		else if (str_eqc(pt.text, "udp"))
			proto = PROTO_UDP;
		else if (str_eqc(pt.text, "unix"))
			proto = PROTO_UNIX;
		else {
			ERR(sm, pt.loc, "expected tcp, udp or unix, found '%s'", cs(sm, pt.text));
			return false;
		}
		i++;
		if (i >= n) {
			ERR(sm, pt.loc, proto == PROTO_UNIX ? "expected a socket path after 'unix'" : "expected an endpoint HOST:PORT after '%s'",
			    cs(sm, pt.text));
			return false;
		}
		for (int k = i; k < n; k++) {
			Tok t = it->v[k].tok;
			NetObj no;
			if (proto == PROTO_UNIX) {
				memset(&no, 0, sizeof no);
				no.proto = PROTO_UNIX;
				if (t.type != PATH && t.type != STRING) {
					ERR(sm, t.loc, "expected a socket path, found %s", tok_describe(t.type));
					ok = false;
					continue;
				}
				if (!make_path(sm, t.text, t.loc, (uint8_t)plats, false, &no.path)) {
					ok = false;
					continue;
				}
			} else if (!parse_endpoint(sm, t, proto, false, &no)) {
				ok = false;
				continue;
			}
			Str text = net_text(sm, &no);
			EMIT_FOR_RIGHTS(t.loc, rule->net = no; rule->obj = text; rule->path = no.path;)
		}
		return ok;
	}
	case OBJ_NONE:
		if (i < n) {
			ERR(sm, it->v[i].tok.loc, "'%s' takes no object", ir_right_name[r0]);
			return false;
		}
		EMIT_FOR_RIGHTS(t0.loc, rule->obj = STR("");)
		return true;
	case OBJ_TARGET:
		if (i >= n) {
			ERR(sm, t0.loc, r0 == R_PTRACE ? "expected 'children' after 'ptrace'" : "expected self, children or any after 'signal'");
			return false;
		}
		for (int k = i; k < n; k++) {
			Tok t = it->v[k].tok;
			int tg = -1;
			for (int x = 0; x < 3; x++)
				if (str_eqc(t.text, proc_targets[x]))
					tg = x;
			if (tg < 0 || (r0 == R_PTRACE && tg != TGT_CHILDREN)) {
				ERR(sm, t.loc, r0 == R_PTRACE ? "ptrace takes 'children', found '%s'" : "expected self, children or any, found '%s'",
				    cs(sm, t.text));
				ok = false;
				continue;
			}
			EMIT_FOR_RIGHTS(t.loc, rule->target = (uint8_t)tg; rule->obj = str_c(proc_targets[tg]);)
		}
		return ok;
	case OBJ_NAME: {
		int nobj = 0;
		for (int k = i; k < n; k++) {
			Tok t = it->v[k].tok;
			if (t.type != ID && t.type != STRING && t.type != BADWORD && t.type != MODPATH) {
				ERR(sm, t.loc, "expected a name after '%s', found %s", ir_right_name[r0], tok_describe(t.type));
				ok = false;
				continue;
			}
			if (t.text.n == 0 || memchr(t.text.p, 0, t.text.n)) {
				ERR(sm, t.loc, "empty name");
				ok = false;
				continue;
			}
			nobj++;
			EMIT_FOR_RIGHTS(t.loc, rule->name = t.text; rule->obj = t.text;)
		}
		if (ok && nobj == 0)
			EMIT_FOR_RIGHTS(t0.loc, rule->obj = STR("");)
		return ok;
	}
	case OBJ_SYSCALL: {
		typedef struct {
			Str name, group;
			SrcLoc loc;
		} SysName;
		SysName *names = NULL;
		int nn = 0, capn = 0;
		const Cond *cond = NULL;
		Action act = { effect == EFF_ALLOW ? ACT_ALLOW : ACT_DEFAULT, 0, { 0, 0 } };
		bool have_act = false;
		for (int k = i; k < n;) {
			Tok t = it->v[k].tok;
			if (it->v[k].cond) {
				if (cond) {
					ERR(sm, t.loc, "one 'if' per rule (combine conditions with && and ||)");
					return false;
				}
				cond = it->v[k].cond;
				k++;
				continue;
			}
			if (t.type == ID && is_action_word(t.text)) {
				if (have_act) {
					ERR(sm, t.loc, "a second action in one rule");
					return false;
				}
				Action a = act;
				if (!parse_action(sm, it, &k, &a, false))
					return false;
				if (effect == EFF_ALLOW && a.kind != ACT_LOG) {
					ERR(sm, t.loc, "'%s' belongs to deny rules (an allow rule may only add 'log')", cs(sm, t.text));
					return false;
				}
				act = a;
				have_act = true;
				continue;
			}
			if (t.type == GROUPNAME) {
				Str gname = { t.text.p + 1, t.text.n - 1 };
				GroupDef *g = group_find(sm, gname);
				if (!g && ensure_std_groups(sm))
					g = group_find(sm, gname);
				if (!g) {
					ERR(sm, t.loc, "unknown group '@%s'", cs(sm, gname));
					ok = false;
				} else if (expand_group(sm, g, t.loc)) {
					for (int x = 0; x < g->nnames; x++)
						*VEC_PUSH(sm->a, names, nn, capn) = (SysName){ g->names[x], t.text, t.loc };
				} else
					ok = false;
				k++;
				continue;
			}
			if (t.type == ID) {
				if (have_act || cond) {
					ERR(sm, t.loc, "unexpected '%s' after the %s", cs(sm, t.text), have_act ? "action" : "condition");
					return false;
				}
				if (!syscall_known(t.text)) {
					ERR(sm, t.loc, "unknown syscall '%s'", cs(sm, t.text));
					ok = false;
				} else
					*VEC_PUSH(sm->a, names, nn, capn) = (SysName){ t.text, { 0, 0 }, t.loc };
				k++;
				continue;
			}
			ERR(sm, t.loc, "expected a syscall name, @group, 'if', or an action, found %s", tok_describe(t.type));
			return false;
		}
		if (!ok)
			return false;
		if (nn == 0) {
			ERR(sm, t0.loc, "expected a syscall name or @group after 'syscall'");
			return false;
		}
		Dnf dnf = { 0 };
		if (cond && !dnf_of(sm, cond, &dnf))
			return false;
		int nconj = cond ? dnf.n : 1;
		for (int x = 0; x < nn; x++) {
			for (int c = 0; c < nconj; c++) {
				SysObj so = { names[x].name, 0, NULL };
				if (cond) {
					Conj *cj = &dnf.v[c];
					qsort(cj->v, (size_t)cj->n, sizeof *cj->v, cmp_argcmp);
					int m = 0;
					for (int y = 0; y < cj->n; y++)
						if (m == 0 || cmp_argcmp(&cj->v[m - 1], &cj->v[y]) != 0)
							cj->v[m++] = cj->v[y];
					so.ncmp = m;
					so.cmp = cj->v;
				}
				if (!check_arg_kinds(sm, &so, names[x].loc))
					return false;
				Str text = sys_text(sm, &so);
				Rule *rule = new_rule(sm);
				rule->effect = effect;
				rule->right = R_SYSCALL;
				rule->platforms = (uint8_t)plats;
				rule->loc = names[x].loc;
				rule->because = because;
				rule->sys = so;
				rule->obj = text;
				rule->act = act;
				rule->group = names[x].group;
			}
		}
		return true;
	}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Operations (expect, never, explain) */

static bool parse_op(Sema *sm, const Items *it, int i, uint8_t plat, bool subtree, Op *op, int *consumed)
{
	memset(op, 0, sizeof *op);
	if (i >= it->n) {
		ERR(sm, it->v[it->n - 1].tok.loc, "expected a right and an object");
		return false;
	}
	Tok t0 = it->v[i].tok;
	int r = t0.type == ID ? ir_right_lookup(t0.text) : -1;
	if (r < 0) {
		unknown_right(sm, t0);
		return false;
	}
	op->right = (uint8_t)r;
	i++;
	switch (ir_right_obj[r]) {
	case OBJ_PATH:
		if (i >= it->n || (it->v[i].tok.type != PATH && it->v[i].tok.type != STRING)) {
			ERR(sm, i < it->n ? it->v[i].tok.loc : t0.loc, "expected a path after '%s'", ir_right_name[r]);
			return false;
		}
		if (!make_path(sm, it->v[i].tok.text, it->v[i].tok.loc, plat == PLAT_ALL ? 0 : plat, !subtree, &op->path))
			return false;
		i++;
		break;
	case OBJ_NET: {
		if (i >= it->n) {
			ERR(sm, t0.loc, "expected tcp, udp or unix after '%s'", ir_right_name[r]);
			return false;
		}
		Tok pt = it->v[i++].tok;
		int proto = str_eqc(pt.text, "tcp") ? PROTO_TCP : str_eqc(pt.text, "udp") ? PROTO_UDP : str_eqc(pt.text, "unix") ? PROTO_UNIX : -1;
		if (proto < 0) {
			ERR(sm, pt.loc, "expected tcp, udp or unix, found '%s'", cs(sm, pt.text));
			return false;
		}
		if (i >= it->n) {
			ERR(sm, pt.loc, "expected %s after '%s'", proto == PROTO_UNIX ? "a socket path" : "HOST:PORT", cs(sm, pt.text));
			return false;
		}
		Tok et = it->v[i++].tok;
		if (proto == PROTO_UNIX) {
			op->net.proto = PROTO_UNIX;
			if (et.type != PATH && et.type != STRING) {
				ERR(sm, et.loc, "expected a socket path");
				return false;
			}
			if (!make_path(sm, et.text, et.loc, 0, !subtree, &op->net.path))
				return false;
			op->path = op->net.path;
		} else if (!parse_endpoint(sm, et, (uint8_t)proto, !subtree, &op->net))
			return false;
		break;
	}
	case OBJ_NONE:
		break;
	case OBJ_TARGET: {
		if (i >= it->n) {
			ERR(sm, t0.loc, "expected self, children or any after '%s'", ir_right_name[r]);
			return false;
		}
		Tok t = it->v[i++].tok;
		int tg = -1;
		for (int x = 0; x < 3; x++)
			if (str_eqc(t.text, proc_targets[x]))
				tg = x;
		if (tg < 0) {
			ERR(sm, t.loc, "expected self, children or any, found '%s'", cs(sm, t.text));
			return false;
		}
		op->target = (uint8_t)tg;
		break;
	}
	case OBJ_SYSCALL: {
		if (i >= it->n || it->v[i].tok.type != ID) {
			ERR(sm, i < it->n ? it->v[i].tok.loc : t0.loc, "expected a syscall name after 'syscall'");
			return false;
		}
		Tok t = it->v[i++].tok;
		if (!syscall_known(t.text)) {
			ERR(sm, t.loc, "unknown syscall '%s'", cs(sm, t.text));
			return false;
		}
		op->sysname = t.text;
		while (i < it->n && (it->v[i].tok.type == INT || it->v[i].tok.type == ID) && op->nargs < 6) {
			Val v = { it->v[i].tok, NULL, NULL };
			if (it->v[i].tok.type == ID && (str_eqc(it->v[i].tok.text, "because")))
				break;
			if (!eval_val(sm, &v, &op->args[op->nargs]))
				return false;
			op->nargs++;
			i++;
		}
		break;
	}
	case OBJ_NAME:
		if (i < it->n && it->v[i].tok.type != EOS) {
			Tok t = it->v[i].tok;
			op->name = t.text;
			i++;
		}
		break;
	}
	*consumed = i;
	return true;
}

static bool build_checks(Sema *sm, const Flat *f)
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
		if (!parse_op(sm, it, 1, f->plat, false, &op, &used))
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
			if (!parse_op(sm, &one, 0, f->plat, true, &op, &used))
				return false;
			i++;
		} else {
			if (!parse_op(sm, &one, 0, f->plat, true, &op, &used))
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

static bool build_all(Sema *sm)
{
	bool ok = true;
	for (int i = 0; i < sm->nflat; i++) {
		Flat *f = &sm->flat[i];
		Stmt *s = f->s;
		if (s->kind == ST_RULE) {
			if (!s->block) {
				ok &= build_rule(sm, s->kw, &s->items, f->plat, (Str){ 0, 0 });
				continue;
			}
			if (s->nlines == 0) {
				ERR(sm, s->end.loc, "empty block: expected one object per line");
				ok = false;
				continue;
			}
			for (int l = 0; l < s->nlines; l++) {
				/* head ++ line, with a head's `because "..."` moved to the end. */
				Items m = { 0 };
				const Item *why = NULL;
				for (int k = 0; k < s->items.n; k++) {
					if (k + 1 < s->items.n && s->items.v[k].tok.type == ID &&
					    str_eqc(s->items.v[k].tok.text, "because") && s->items.v[k + 1].tok.type == STRING) {
						why = &s->items.v[k++];
						continue;
					}
					*VEC_PUSH(sm->a, m.v, m.n, m.cap) = s->items.v[k];
				}
				for (int k = 0; k < s->lines[l].n; k++)
					*VEC_PUSH(sm->a, m.v, m.n, m.cap) = s->lines[l].v[k];
				if (why && !(m.n >= 2 && str_eqc(m.v[m.n - 2].tok.text, "because"))) {
					*VEC_PUSH(sm->a, m.v, m.n, m.cap) = why[0];
					*VEC_PUSH(sm->a, m.v, m.n, m.cap) = why[1];
				}
				ok &= build_rule(sm, s->kw, &m, f->plat, (Str){ 0, 0 });
			}
		} else if (s->kind == ST_EXPECT || s->kind == ST_NEVER) {
			ok &= build_checks(sm, f);
		}
		if (sm->too_many) {
			diag_plain(sm->d, DIAG_ERROR, "too many rules: more than %d after expanding groups (the limit)", sm->o->max_rules);
			return false;
		}
	}
	return ok;
}

/* ------------------------------------------------------------------ */
/* Checks on the canonical policy */

static const char *plat_one(unsigned p) { return p == PLAT_LINUX ? "linux" : p == PLAT_MACOS ? "macos" : "windows"; }

static void show_rule(Sema *sm, const Rule *r, const char *what)
{
	NOTE(sm, r->loc, "%s: %s %s %.*s", what, r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right], STRF(r->obj));
}

static bool check_expects(Sema *sm)
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
static int path_comps(const PathObj *p, Str *out, int max)
{
	int n = 0;
	Str t = p->text;
	PathIter it = ir_path_iter(t, p->root == ROOT_ABS ? 1 : 0, '/');
	for (Str c; n < max && ir_path_next(&it, &c);)
		out[n++] = c;
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
				buf_printf(&b, "%s%.*s", b.n && b.p[b.n - 1] != '/' ? "/" : "", STRF(S[j]));
			i++;
			break;
		}
		if (!eval_wild(P[i], S[j])) {
			ok = false;
			break;
		}
		buf_printf(&b, "%s%.*s", b.n && b.p[b.n - 1] != '/' ? "/" : "", STRF(S[j]));
		i++, j++;
	}
	for (; ok && j < ns; j++) /* the pattern is an ancestor: sub itself */
		buf_printf(&b, "%s%.*s", b.n && b.p[b.n - 1] != '/' ? "/" : "", STRF(S[j]));
	for (; ok && i < np; i++) {
		buf_puts(&b, b.n && b.p[b.n - 1] != '/' ? "/" : "");
		for (size_t k = 0; k < P[i].n; k++)
			buf_putc(&b, P[i].p[k] == '*' ? 'x' : P[i].p[k]);
		while (i + 1 < np && str_eqc(P[i + 1], "**"))
			i++;
	}
	if (ok) {
		Str text = arena_strdup(sm->a, buf_as_str(&b));
		bool okp = make_path(sm, text.n ? text : STR("/"), (SrcLoc){ 0, 0, 0 }, 0, true, out);
		buf_free(&b);
		return okp;
	}
	buf_free(&b);
	return false;
}

static bool check_nevers(Sema *sm)
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
				/* The more specific of the two endpoints, at the overlapping port. */
				NetObj e = nv->op.net;
				if (e.host_kind == HOST_ANY || (r->net.host_kind != HOST_ANY && r->net.prefix >= e.prefix && r->net.host_kind == e.host_kind))
					e = r->net;
				uint16_t lo = r->net.port_lo > nv->op.net.port_lo ? r->net.port_lo : nv->op.net.port_lo;
				uint16_t hi = r->net.port_hi < nv->op.net.port_hi ? r->net.port_hi : nv->op.net.port_hi;
				if (lo > hi)
					continue;
				e.port_any = false;
				e.port_lo = e.port_hi = lo;
				if (e.host_kind == HOST_ANY) {
					e.host_kind = HOST_NAME;
					e.host = STR("example.invalid");
				} else if (e.host_kind == HOST_IP4 || e.host_kind == HOST_IP6)
					e.prefix = e.host_kind == HOST_IP4 ? 32 : 128;
				w.net = e;
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

/* ------------------------------------------------------------------ */

/* A glob rule whose literal prefix is exactly the path of a literal rule of
 * the other effect never decides anything: everything it matches lies
 * beneath that path, and at equal literal prefix the literal rule is more
 * specific (section 6): `allow write ${PROJECT}` with a deny of every
 * .env below it (a `**` glob) leaves .env writable. Legal, but almost
 * always a mistake: warn, and say how to write it. */
static void warn_shadowed(Sema *sm)
{
	Policy *p = sm->p;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		const PathObj *rp = ir_right_obj[r->right] == OBJ_PATH ? &r->path : NULL;
		if (!rp || rp->glob == GLOB_NONE || rp->root == ROOT_WIN)
			continue;
		/* The text of the literal prefix: the first literal_prefix components. */
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
		Str prefix = { t.p, rp->root == ROOT_ABS && rp->literal_prefix == 0 ? 1 : end };
		/* Rules are sorted by (right, object): binary search the literal one. */
		int lo = 0, hi = p->nrules;
		while (lo < hi) {
			int m = (lo + hi) / 2;
			const Rule *q = &p->rules[m];
			int c = q->right != r->right ? (q->right < r->right ? -1 : 1) : str_cmp(q->obj, prefix);
			if (c < 0)
				lo = m + 1;
			else
				hi = m;
		}
		for (int m = lo; m < p->nrules && p->rules[m].right == r->right && str_eq(p->rules[m].obj, prefix); m++) {
			const Rule *q = &p->rules[m];
			if (q->effect == r->effect || q->path.glob != GLOB_NONE || (q->platforms & r->platforms) != r->platforms)
				continue;
			diag_at(sm->d, DIAG_WARNING, r->loc,
				"'%s %s %s' never decides anything: '%s %s %s' is more specific for every path it matches "
				"(equal literal prefix, and a literal beats a glob)",
				r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right], cs(sm, r->obj),
				q->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[q->right], cs(sm, q->obj));
			diag_at(sm->d, DIAG_NOTE, q->loc, "write this one as %s** (then both are globs of equal prefix and deny wins the tie), or name the paths literally",
				q->obj.n == 1 ? "/" : arena_printf(sm->a, "%.*s/", STRF(q->obj)).p);
			break;
		}
	}
}

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
	bool ok;
	if (text)
		ok = load_text(sm, str_c(path), str_c(path), arena_strdup(sm->a, *text), (SrcLoc){ 0, 0, 0 });
	else
		ok = load_path(sm, str_c(path), (SrcLoc){ 0, 0, 0 }, true);
	if (!ok)
		return false;
	if (!declare_params(sm, defines, ndefines) || !declare_groups(sm, 0) || !declare_misc(sm))
		return false;
	if (!build_all(sm))
		return false;
	Policy *p = sm->p;
	if (!sm->policy_stmt && !o->fragment_ok) {
		diag_at(sm->d, DIAG_ERROR, (SrcLoc){ 0, 1, 1 }, "missing 'policy NAME': artifacts are named after the policy");
		return false;
	}
	if (!sm->policy_stmt) {
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
	if (!p->has_syscall_rules) {
		/* The derived filter is part of the meaning (spec 5.4): let the
		 * evaluator see it, from the one place that builds it. */
		const ScmpArch *ref = scmp_arch_find(STR("x86_64"));
		if (ref) {
			ScmpRules rr;
			scmp_rules(sm->a, p, ref, &rr);
			p->derived = rr.v;
			p->nderived = rr.n;
		}
	}
	warn_shadowed(sm);
	if (o->skip_checks)
		return true;
	ok = check_nevers(sm);
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
	} else {
		for (size_t i = 0; i < ARRAY_LEN(builtin_params); i++) {
			Param *p = VEC_PUSH(a, s.params, s.nparams, s.capparams);
			p->name = str_c(builtin_params[i]);
			p->builtin = true;
		}
	}
	int used;
	if (!parse_op(&s, &it, 0, PLAT_ALL, false, out, &used))
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
