/*
 * ll_params.c: params and path patterns, as the runtime resolves them.
 *
 * A param's value comes from, in order: `--param NAME=VALUE` (sbxc run's
 * -D), the environment variable SBX_PARAM_NAME, the built-in source for the
 * language's built-ins (HOME and TMPDIR from the environment, TMPDIR
 * falling back to /tmp, PROJECT the working directory, UID the real uid),
 * then the declared default, which may name other params. A value baked
 * in at compile time (-D) is final. A param with no value is an error
 * that names it: the policy cannot be applied (126).
 *
 * Patterns are split into components after substitution. A param's value
 * is always literal: a `*` inside HOME is a character, never a glob, so a
 * value cannot widen a rule. Components that are globs are kept as
 * fnmatch patterns with every literal character escaped. A value baked in
 * with -D comes inside the pattern, escaped (`\\*`) on a line marked
 * `escaped`, and is as literal as one given here.
 */
#include "ll_abi.h"
#include "sbx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *cmdline_value(const SbxOpts *o, const char *name)
{
	size_t n = strlen(name);
	const char *v = NULL;
	for (int i = 0; i < o->nparams; i++)
		if (strncmp(o->params[i], name, n) == 0 && o->params[i][n] == '=')
			v = o->params[i] + n + 1; /* the last one given wins */
	return v;
}

static LlParamVal *find(LlParamVal *v, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(v[i].name) == len && memcmp(v[i].name, name, len) == 0)
			return &v[i];
	return NULL;
}

/* Expands ${NAME} in s using values already resolved or resolvable;
 * depth guards against a default that names itself (a chain longer than
 * the number of params is a cycle; a long chain is not). */
static char *expand(const LlArtifact *a, LlParamVal *vals, const char *s, int depth, RtBuf *err);

/* The environment's value, if any, copied (out of resolve_one's frame, which recurses). */
static __attribute__((noinline)) char *from_env(const LlParamDecl *d, RtBuf *err, bool *bad)
{
	char buf[4096];
	const char *e = ll_param_from_env(d->name, d->kind == LLP_BUILTIN, buf, sizeof buf);
	*bad = false;
	if (!e)
		return NULL;
	const char *why = ll_param_value_error(d->name, e);
	if (why) {
		rt_printf(err, "param %s from the environment: %s", d->name, why);
		*bad = true;
		return NULL;
	}
	return rt_strdup(e);
}

static bool resolve_one(const LlArtifact *a, LlParamVal *vals, int i, int depth, RtBuf *err)
{
	if (vals[i].value)
		return true;
	if (depth > a->nparams) {
		rt_printf(err, "param %s: its default refers to itself", vals[i].name);
		return false;
	}
	const LlParamDecl *d = &a->params[i];
	if (d->kind == LLP_BAKED) {
		vals[i].value = expand(a, vals, d->value, depth + 1, err);
		return vals[i].value != NULL;
	}
	bool bad;
	char *e = from_env(d, err, &bad);
	if (bad)
		return false;
	if (e) {
		vals[i].value = e;
		return true;
	}
	if (d->kind == LLP_DEFAULT) {
		vals[i].value = expand(a, vals, d->value, depth + 1, err);
		return vals[i].value != NULL;
	}
	rt_printf(err, "missing required param %s (give it: --param %s=VALUE, -D for sbxc run, or SBX_PARAM_%s)", d->name,
		  d->name, d->name);
	return false;
}

static char *expand(const LlArtifact *a, LlParamVal *vals, const char *s, int depth, RtBuf *err)
{
	RtBuf b = { 0 };
	rt_put(&b, "", 0);
	while (*s) {
		if (s[0] == '$' && s[1] == '{') {
			const char *end = strchr(s, '}');
			if (!end) {
				rt_printf(err, "unterminated ${ in '%s'", s);
				free(b.p);
				return NULL;
			}
			LlParamVal *v = find(vals, a->nparams, s + 2, (size_t)(end - s - 2));
			if (!v) {
				rt_printf(err, "undeclared param ${%.*s}", (int)(end - s - 2), s + 2);
				free(b.p);
				return NULL;
			}
			if (!resolve_one(a, vals, (int)(v - vals), depth, err)) {
				free(b.p);
				return NULL;
			}
			rt_puts(&b, v->value);
			s = end + 1;
		} else {
			rt_put(&b, s++, 1);
		}
	}
	return b.p;
}

bool ll_params_resolve(const LlArtifact *a, const SbxOpts *o, LlParamVal **out, RtBuf *err)
{
	LlParamVal *vals = rt_alloc(sizeof *vals * (size_t)(a->nparams + 1));
	for (int i = 0; i < a->nparams; i++) {
		vals[i].name = a->params[i].name;
		const char *v = cmdline_value(o, a->params[i].name);
		if (v && a->params[i].kind == LLP_BAKED) {
			rt_printf(err, "param %s was fixed when the policy was compiled (-D); it cannot be given again",
				  a->params[i].name);
			*out = vals;
			return false;
		}
		const char *why = v ? ll_param_value_error(a->params[i].name, v) : NULL;
		if (why) {
			rt_printf(err, "--param %s=%s: %s", a->params[i].name, v, why);
			*out = vals;
			return false;
		}
		if (v)
			vals[i].value = rt_strdup(v);
	}
	/* A --param for a name the policy does not declare is a mistake. */
	for (int i = 0; i < o->nparams; i++) {
		const char *eq = strchr(o->params[i], '=');
		if (!eq || eq == o->params[i]) {
			rt_printf(err, "bad --param '%s' (NAME=VALUE expected)", o->params[i]);
			*out = vals;
			return false;
		}
		if (!find(vals, a->nparams, o->params[i], (size_t)(eq - o->params[i]))) {
			rt_printf(err, "the policy declares no param %.*s", (int)(eq - o->params[i]), o->params[i]);
			*out = vals;
			return false;
		}
	}
	*out = vals;
	for (int i = 0; i < a->nparams; i++)
		if (!resolve_one(a, vals, i, 0, err))
			return false;
	return true;
}

/* ---- patterns ---- */

void ll_pat_free(LlPat *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->c[i].s);
	free(p->c);
	memset(p, 0, sizeof *p);
}

char *ll_pat_text(const LlPat *p)
{
	RtBuf b = { 0 };
	rt_put(&b, "", 0);
	if (p->n == 0)
		rt_puts(&b, "/");
	for (int i = 0; i < p->n; i++) {
		rt_puts(&b, "/");
		rt_puts(&b, p->c[i].s);
	}
	return b.p;
}

bool ll_pattern(const char *pattern, bool escaped, LlParamVal *vals, int nvals, LlPat *out, RtBuf *err)
{
	memset(out, 0, sizeof *out);
	/* Substitute, remembering which bytes came from the pattern itself
	 * (only those may be wildcards). */
	RtBuf s = { 0 }, from_pat = { 0 };
	rt_put(&s, "", 0);
	rt_put(&from_pat, "", 0);
	for (const char *p = pattern; *p;) {
		if (p[0] == '$' && p[1] == '{') {
			const char *end = strchr(p, '}');
			LlParamVal *v = end ? find(vals, nvals, p + 2, (size_t)(end - p - 2)) : NULL;
			if (!v || !v->value) {
				rt_printf(err, "pattern '%s' names an unknown param", pattern);
				goto fail;
			}
			rt_puts(&s, v->value);
			for (size_t i = 0; v->value[i]; i++)
				rt_put(&from_pat, "0", 1);
			p = end + 1;
		} else if (escaped && p[0] == '\\' && p[1]) {
			/* A value baked in at compile time: its `*` is a character. */
			rt_put(&s, p + 1, 1);
			rt_put(&from_pat, "0", 1);
			p += 2;
		} else {
			rt_put(&s, p, 1);
			rt_put(&from_pat, "1", 1);
			p++;
		}
	}
	if (s.p[0] != '/') {
		rt_printf(err, "pattern '%s' is not absolute once its params are substituted ('%s')", pattern, s.p);
		goto fail;
	}
	int cap = 0;
	for (size_t i = 0; i < s.n;) {
		while (i < s.n && s.p[i] == '/')
			i++;
		size_t j = i;
		while (j < s.n && s.p[j] != '/')
			j++;
		if (j == i)
			break;
		size_t n = j - i;
		const char *c = s.p + i;
		const char *fp = from_pat.p + i;
		if (n == 1 && c[0] == '.') {
		} else if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (out->n > 0) {
				out->n--;
				free(out->c[out->n].s);
			}
		} else {
			LlComp comp = { 0 };
			bool star = false;
			for (size_t k = 0; k < n; k++)
				if (c[k] == '*' && fp[k] == '1')
					star = true;
			if (n == 2 && c[0] == '*' && c[1] == '*' && fp[0] == '1' && fp[1] == '1') {
				comp.glob = 2;
				comp.s = rt_strdup("**");
			} else if (star) {
				/* An fnmatch pattern: only the pattern's own '*' is special. */
				RtBuf g = { 0 };
				rt_put(&g, "", 0);
				for (size_t k = 0; k < n; k++) {
					if (c[k] == '*' && fp[k] == '1')
						rt_put(&g, "*", 1);
					else {
						if (strchr("*?[]\\", c[k]))
							rt_put(&g, "\\", 1);
						rt_put(&g, c + k, 1);
					}
				}
				comp.glob = 1;
				comp.s = g.p;
			} else {
				comp.s = rt_alloc(n + 1);
				memcpy(comp.s, c, n);
			}
			*RT_PUSH(out->c, out->n, cap) = comp;
		}
		i = j;
	}
	out->lit = out->n;
	int nlit = 0, nss = 0;
	for (int i = 0; i < out->n; i++) {
		if (out->c[i].glob && out->lit == out->n)
			out->lit = i;
		nlit += out->c[i].glob == 0;
		nss += out->c[i].glob == 2;
	}
	/* Longer literal prefix; at equal prefix a glob beats the literal;
	 * then more literal components, more components, fewer `**`. */
	uint64_t lp = (uint64_t)(out->lit < 0x7fff ? out->lit : 0x7fff), g = out->lit < out->n;
	uint64_t nl = (uint64_t)(nlit < 0x7fff ? nlit : 0x7fff), nc = (uint64_t)(out->n < 0xffff ? out->n : 0xffff);
	uint64_t few = 0xffff - (uint64_t)(nss < 0xffff ? nss : 0xffff);
	out->rank = (int64_t)(lp << 48 | g << 47 | nl << 32 | nc << 16 | few);
	free(s.p);
	free(from_pat.p);
	return true;
fail:
	free(s.p);
	free(from_pat.p);
	return false;
}
