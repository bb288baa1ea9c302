/*
 * plan.c: what the launcher will do, worked out before it does anything.
 *
 * Profile paths are symbolic (%USERPROFILE%\.cargo, %PROJECT%\target). A
 * variable resolves, in order: a param baked at compile time (final);
 * --param NAME=VALUE; the environment; the param's default from the policy
 * (which may itself name variables); PROJECT's default, the working
 * directory. TEMP from the environment is not the user's whole temporary
 * directory but a folder of the container's own inside it (std/tmp's
 * "private temporary directory"; other programs' files stay out of reach). Values from the command line and the environment are taken
 * literally, so a '%' in them never expands again. "%%" is a literal '%'.
 * A variable with no value is an error that names it: the spec says the
 * runtime refuses to start rather than guess.
 *
 * Every resolved path must be an absolute drive or UNC path with no "." or
 * ".." components (a value like "C:\x\..\Windows" would move a grant) and
 * not a device path (\\?\, \\.\). The whole plan is made before the first
 * ACL changes, so an error leaves the machine untouched.
 */
#include "launch.h"

#include <stdlib.h>
#include <string.h>

typedef struct Sb {
	AclPool *pool;
	char *p;
	size_t n, cap;
} Sb;

static void sb_put(Sb *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t nc = (b->cap ? b->cap * 2 : 64) + n;
		char *np = acl_alloc(b->pool, nc);
		if (b->n)
			memcpy(np, b->p, b->n);
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}
static void sb_puts(Sb *b, const char *s) { sb_put(b, s, strlen(s)); }

typedef struct Rs {
	const AclProfile *prof;
	const AclSet *sets;
	int nsets;
	AclGetenv env;
	void *envctx;
	const char *cwd;
	AclPool *pool;
	char *private_temp; /* set once %TEMP% resolved to the private directory */
	AclErr e;
} Rs;

static bool expand(Rs *r, Sb *out, const char *in, int depth);

static bool lookup(Rs *r, Sb *out, const char *name, int depth)
{
	const AclParam *pm = NULL;
	for (int i = 0; i < r->prof->nparams; i++)
		if (strcmp(r->prof->params[i].name, name) == 0)
			pm = &r->prof->params[i];
	if (pm && pm->fixed && pm->value)
		return expand(r, out, pm->value, depth + 1);
	for (int i = r->nsets - 1; i >= 0; i--)
		if (strcmp(r->sets[i].name, name) == 0) {
			sb_puts(out, r->sets[i].value);
			return true;
		}
	const char *e = r->env ? r->env(r->envctx, name) : NULL;
	if (strcmp(name, "TEMP") == 0 && e && *e) {
		/* Not the user's whole TEMP (other programs' files are there): a
		 * directory of the container's own inside it. */
		if (!r->private_temp) {
			Sb t = { r->pool, NULL, 0, 0 };
			sb_puts(&t, e);
			sb_puts(&t, "\\sbxc-");
			sb_puts(&t, r->prof->container);
			r->private_temp = t.p;
		}
		sb_puts(out, r->private_temp);
		return true;
	}
	if (e && *e) {
		sb_puts(out, e);
		return true;
	}
	if (pm && pm->value)
		return expand(r, out, pm->value, depth + 1);
	if (pm && pm->cwd && r->cwd) {
		sb_puts(out, r->cwd);
		return true;
	}
	return acl_fail(&r->e, "%s is not set: give --param NAME=VALUE or set the environment variable", name);
}

static bool expand(Rs *r, Sb *out, const char *in, int depth)
{
	if (depth > 8)
		return acl_fail(&r->e, "params name each other too deeply (a cycle?) at '%s'", in);
	for (const char *s = in; *s;) {
		if (*s != '%') {
			sb_put(out, s++, 1);
			continue;
		}
		if (s[1] == '%') {
			sb_put(out, "%", 1);
			s += 2;
			continue;
		}
		const char *end = strchr(s + 1, '%');
		if (!end || end == s + 1)
			return acl_fail(&r->e, "unbalanced '%%' in '%s'", in);
		char name[256];
		size_t n = (size_t)(end - s - 1);
		if (n >= sizeof name)
			return acl_fail(&r->e, "variable name too long in '%s'", in);
		memcpy(name, s + 1, n);
		name[n] = 0;
		if (!lookup(r, out, name, depth))
			return false;
		s = end + 1;
	}
	return true;
}

/* Slashes to backslashes, doubled separators merged, a trailing one dropped;
 * refuses relative, device and dot-dot paths. */
static char *normalise(Rs *r, AclPool *p, const char *in)
{
	size_t n = strlen(in);
	char *o = acl_alloc(p, n + 1);
	size_t k = 0;
	bool unc = (in[0] == '\\' || in[0] == '/') && (in[1] == '\\' || in[1] == '/');
	if (unc && (in[2] == '?' || in[2] == '.') && (in[3] == '\\' || in[3] == '/'))
		return acl_fail(&r->e, "'%s' is a device path", in), NULL;
	bool drive = ((in[0] >= 'A' && in[0] <= 'Z') || (in[0] >= 'a' && in[0] <= 'z')) && in[1] == ':' &&
		     (in[2] == '\\' || in[2] == '/');
	if (!unc && !drive)
		return acl_fail(&r->e, "'%s' is not an absolute Windows path", in), NULL;
	size_t i = 0;
	if (unc) {
		o[k++] = '\\';
		o[k++] = '\\';
		i = 2;
	}
	for (; i < n; i++) {
		char c = in[i] == '/' ? '\\' : in[i];
		if (c == '\\' && k && o[k - 1] == '\\' && !(unc && k == 2))
			continue;
		o[k++] = c;
	}
	while (k > 3 && o[k - 1] == '\\')
		k--;
	o[k] = 0;
	/* Components: no "." or "..". */
	for (char *c = o + (unc ? 2 : 3); *c;) {
		char *e = strchr(c, '\\');
		size_t len = e ? (size_t)(e - c) : strlen(c);
		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return acl_fail(&r->e, "'%s' has a '.' or '..' component", in), NULL;
		if (!e)
			break;
		c = e + 1;
	}
	if (unc) {
		char *share = strchr(o + 2, '\\');
		if (!share || share == o + 2 || !share[1])
			return acl_fail(&r->e, "'%s' is not a \\\\server\\share path", in), NULL;
	}
	return o;
}

void acl_quote_arg(AclPool *p, char **line, const char *arg)
{
	Sb b = { p, NULL, 0, 0 };
	if (*line && **line) {
		sb_puts(&b, *line);
		sb_put(&b, " ", 1);
	}
	if (*arg && !strpbrk(arg, " \t\n\v\"")) {
		sb_puts(&b, arg);
		*line = b.p;
		return;
	}
	sb_put(&b, "\"", 1);
	for (const char *s = arg;; s++) {
		size_t bs = 0;
		while (*s == '\\')
			s++, bs++;
		if (!*s) {
			for (size_t i = 0; i < bs * 2; i++) /* they precede the closing quote */
				sb_put(&b, "\\", 1);
			break;
		}
		if (*s == '"') {
			for (size_t i = 0; i < bs * 2 + 1; i++)
				sb_put(&b, "\\", 1);
		} else {
			for (size_t i = 0; i < bs; i++)
				sb_put(&b, "\\", 1);
		}
		sb_put(&b, s, 1);
	}
	sb_put(&b, "\"", 1);
	*line = b.p;
}

bool acl_plan_make(AclPool *p, const AclProfile *prof, const AclSet *sets, int nsets, AclGetenv env, void *envctx,
		   const char *cwd, char *const *argv, int argc, const char *journal, AclPlan *out, char *err,
		   size_t errn)
{
	Rs r = { prof, sets, nsets, env, envctx, cwd, p, NULL, { err, errn, false } };
	memset(out, 0, sizeof *out);
	out->prof = prof;
	out->journal = journal ? acl_strndup(p, journal, strlen(journal)) : NULL;
	out->steps = acl_alloc(p, sizeof *out->steps * (size_t)(prof->nfiles + 1));
	for (int i = 0; i < prof->nfiles; i++) {
		Sb b = { p, NULL, 0, 0 };
		sb_put(&b, "", 0);
		if (!expand(&r, &b, prof->files[i].path, 0)) {
			size_t k = strlen(err);
			snprintf(err + k, errn - k, " (for %s)", prof->files[i].path);
			return false;
		}
		char *path = normalise(&r, p, b.p);
		if (!path)
			return false;
		out->steps[out->nsteps].file = &prof->files[i];
		out->steps[out->nsteps++].path = path;
	}
	if (r.private_temp && !(out->private_temp = normalise(&r, p, r.private_temp)))
		return false;
	char *line = NULL;
	for (int i = 0; i < argc; i++)
		acl_quote_arg(p, &line, argv[i]);
	out->cmdline = line ? line : acl_strndup(p, "", 0);
	return true;
}

void acl_plan_print(FILE *f, const AclPlan *plan)
{
	const AclProfile *pr = plan->prof;
	fprintf(f, "policy %s\n", pr->policy);
	fprintf(f, "container %s %s (create, or reuse if it exists)\n", pr->container, pr->sid);
	fprintf(f, "lpac %s\n", pr->lpac ? "on" : "off");
	fprintf(f, "child-processes %s\n", pr->children ? "allowed" : "blocked");
	for (int i = 0; i < pr->ncaps; i++)
		fprintf(f, "capability %s %s\n", pr->caps[i].name, pr->caps[i].sid);
	for (int i = 0; i < plan->nsteps; i++) {
		const AclStep *s = &plan->steps[i];
		const AclFile *fl = s->file;
		fprintf(f, "%s %s mask=0x%08lx %s%s%s %s <- %s", fl->deny ? "deny" : "allow", fl->rights,
			(unsigned long)fl->mask, fl->inherit == 11 ? "beneath" : "subtree", fl->required ? " required" : "",
			fl->create ? " create" : "", s->path, fl->path);
		if (fl->from && *fl->from)
			fprintf(f, " (%s)", fl->from);
		fputc('\n', f);
	}
	if (plan->private_temp)
		fprintf(f, "temp %s (the container's own: created at launch; TEMP and TMP point here)\n", plan->private_temp);
	if (plan->journal)
		fprintf(f, "journal %s\n", plan->journal);
	fprintf(f, "run %s\n", plan->cmdline);
	fprintf(f, "then restore every ACL changed, in reverse order\n");
}
