/*
 * plan.c: what the launcher will do, worked out before it does anything.
 *
 * Profile paths are symbolic (%USERPROFILE%\.cargo, %PROJECT%\target). A
 * variable resolves, in order: a param baked at compile time (final);
 * --param NAME=VALUE; the environment, but only SBX_PARAM_NAME for a param
 * (as the Linux runtime: an unrelated variable that happens to share a
 * param's name, such as a CACHE or DATA set for another program, never
 * moves a grant) and USERPROFILE and TEMP for Windows' own roots; the
 * param's default from the policy (which may itself name variables);
 * PROJECT's default, the working directory.
 *
 * A value from outside the policy (--param, SBX_PARAM_*, the working
 * directory) may not be a drive or share root, nor %SystemRoot% or
 * %USERPROFILE% or one of their ancestors: `allow write ${PROJECT}` run
 * from C:\ or from the home directory would open far more than the author
 * meant. The policy may still name them itself (a default or -D). TEMP from the environment is not the user's whole temporary
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

static bool is_sep(char c) { return c == '\\' || c == '/'; }

/* Is a at or above b (case-insensitive, either separator; a trailing
 * separator ignored)? Both are absolute Windows paths. */
static bool win_at_or_above(const char *a, const char *b)
{
	size_t n = strlen(a);
	while (n > 0 && is_sep(a[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];
		if (!y)
			return false;
		if (is_sep(x) && is_sep(y))
			continue;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return false;
	}
	return b[n] == 0 || is_sep(b[n]);
}

/* A drive root ("C:", "C:\\") or a share root ("\\\\server\\share"). */
static bool is_root(const char *v)
{
	size_t n = strlen(v);
	while (n > 0 && is_sep(v[n - 1]))
		n--;
	if (n == 2 && v[1] == ':')
		return true;
	if (n > 2 && is_sep(v[0]) && is_sep(v[1])) {
		const char *s = v + 2, *e = v + n;
		int seps = 0;
		for (; s < e; s++)
			seps += is_sep(*s) && !is_sep(s[-1]);
		return seps <= 1;
	}
	return false;
}

/* X:\Program Files, X:\Program Files (x86), X:\Windows, X:\ProgramData,
 * or beneath one (a normalised path). */
static bool unowned_tree(const char *path)
{
	static const char *const trees[] = { "Program Files", "Program Files (x86)", "Windows", "ProgramData" };
	if (!path[0] || path[1] != ':')
		return false;
	for (size_t k = 0; k < sizeof trees / sizeof *trees; k++) {
		char root[64];
		snprintf(root, sizeof root, "%c:\\%s", path[0], trees[k]);
		if (win_at_or_above(root, path))
			return true;
	}
	return false;
}

static bool lookup(Rs *r, Sb *out, const char *name, int depth);

/* Refuses an outside value (see the header) for param `name`. */
static bool outside_value_ok(Rs *r, const char *name, const char *v)
{
	if (is_root(v))
		return acl_fail(&r->e, "%s=%s is a drive or share root: refusing to grant a whole volume (name it in the policy to mean it)", name, v);
	const char *sysroot = r->env ? r->env(r->envctx, "SystemRoot") : NULL;
	if (!sysroot || !*sysroot)
		sysroot = "C:\\Windows";
	if (win_at_or_above(v, sysroot))
		return acl_fail(&r->e, "%s=%s is %%SystemRoot%% (%s) or above it: refusing (name it in the policy to mean it)", name, v, sysroot);
	Sb home = { r->pool, NULL, 0, 0 };
	AclErr saved = r->e;
	if (strcmp(name, "USERPROFILE") != 0 && lookup(r, &home, "USERPROFILE", 1) && home.p &&
	    win_at_or_above(v, home.p))
		return acl_fail(&r->e, "%s=%s is %%USERPROFILE%% (%s) or above it: refusing to grant the whole home directory (name ${HOME} in the policy to mean it)", name, v, home.p);
	r->e = saved; /* no USERPROFILE is not this param's error */
	if (r->e.err && !r->e.failed)
		r->e.err[0] = 0;
	return true;
}

static bool expand(Rs *r, Sb *out, const char *in, int depth);

static bool lookup(Rs *r, Sb *out, const char *name, int depth)
{
	const AclParam *pm = NULL;
	for (int i = 0; i < r->prof->nparams; i++)
		if (strcmp(r->prof->params[i].name, name) == 0)
			pm = &r->prof->params[i];
	if (pm && pm->fixed && pm->value)
		return expand(r, out, pm->value, depth + 1);
	bool own = strcmp(name, "USERPROFILE") == 0 || strcmp(name, "TEMP") == 0; /* Windows' own roots */
	for (int i = r->nsets - 1; i >= 0; i--)
		if (strcmp(r->sets[i].name, name) == 0) {
			/* Windows' own roots too when given by hand (--param TEMP=D:\\ would
			 * grant a volume through std/tmp). */
			if (!outside_value_ok(r, name, r->sets[i].value))
				return false;
			sb_puts(out, r->sets[i].value);
			return true;
		}
	const char *e = NULL;
	if (own) {
		e = r->env ? r->env(r->envctx, name) : NULL;
	} else if (pm && r->env) {
		char key[300];
		snprintf(key, sizeof key, "SBX_PARAM_%s", name);
		e = r->env(r->envctx, key);
		if (e && *e && !outside_value_ok(r, key, e))
			return false;
	}
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
		if (!outside_value_ok(r, "the working directory (PROJECT's default)", r->cwd))
			return false;
		sb_puts(out, r->cwd);
		return true;
	}
	if (!pm && !own)
		return acl_fail(&r->e, "%%%s%% is neither a param of the profile nor USERPROFILE or TEMP: refusing to take it from the environment", name);
	if (own)
		return acl_fail(&r->e, "%s is not set: give --param %s=VALUE or set the environment variable", name, name);
	return acl_fail(&r->e, "%s is not set: give --param %s=VALUE or set SBX_PARAM_%s", name, name, name);
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

/* A batch file (its name ends .cmd or .bat, after the trailing dots and
 * spaces Windows drops): CreateProcess would run it through cmd.exe with a
 * command line cmd parses by its own rules (the BatBadBut family: a quoted
 * argument can still end the command with & or expand %VAR%). */
static bool is_batch(const char *a)
{
	size_t n = strlen(a);
	while (n > 0 && (a[n - 1] == '.' || a[n - 1] == ' '))
		n--;
	if (n < 4 || a[n - 4] != '.')
		return false;
	char e[4];
	for (int i = 0; i < 3; i++)
		e[i] = (char)(a[n - 3 + i] | 0x20);
	e[3] = 0;
	return strcmp(e, "cmd") == 0 || strcmp(e, "bat") == 0;
}

/* One argument of a batch file's command line, for `cmd /d /s /v:off /c`.
 * Inside double quotes cmd takes & | < > ( ) ^ , ; = and spaces literally
 * (and with /v:off, !), so an argument with anything but [A-Za-z0-9_.:\\/-]
 * is quoted; trailing backslashes are doubled so that a program the script
 * passes %1 to does not read \" as a quote. What quoting cannot make
 * literal for cmd is refused: '"', '%' (expanded even inside quotes) and
 * line breaks. */
bool acl_quote_batch_arg(AclPool *p, char **line, const char *arg, bool force, char *err, size_t errn)
{
	AclErr e = { err, errn, false };
	bool quote = force || !*arg;
	for (const char *c = arg; *c; c++) {
		if (*c == '"' || *c == '%' || *c == '\r' || *c == '\n')
			return acl_fail(&e, "cannot pass %s to a batch file through cmd.exe safely: it holds %s", arg,
					*c == '"' ? "a double quote" : *c == '%' ? "a '%' (cmd expands it even inside quotes)" : "a line break");
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' ||
		      *c == ':' || *c == '\\' || *c == '/' || *c == '-'))
			quote = true;
	}
	Sb b = { p, NULL, 0, 0 };
	sb_puts(&b, *line ? *line : "");
	if (*line && **line)
		sb_put(&b, " ", 1);
	if (quote)
		sb_put(&b, "\"", 1);
	sb_puts(&b, arg);
	if (quote) {
		size_t bs = 0;
		for (size_t k = strlen(arg); k > 0 && arg[k - 1] == '\\'; k--)
			bs++;
		for (size_t k = 0; k < bs; k++)
			sb_put(&b, "\\", 1);
		sb_put(&b, "\"", 1);
	}
	*line = b.p;
	return true;
}

/* Does the nearest step covering dir that has FILE_ADD_FILE or
 * FILE_ADD_SUBDIRECTORY allow them (so the program may create or rename
 * entries in dir)? */
static bool write_covered(const AclPlan *pl, const char *dir)
{
	const AclStep *best = NULL;
	size_t bn = 0;
	for (int i = 0; i < pl->nsteps; i++) {
		const AclStep *st = &pl->steps[i];
		const AclFile *f = st->file;
		if (!(f->dirmask & 0x6) || f->inherit == 0 || !win_at_or_above(st->path, dir))
			continue;
		if (f->inherit == 11 && win_at_or_above(dir, st->path))
			continue; /* beneath it, not it */
		size_t n = strlen(st->path);
		if (!best || n > bn || (n == bn && f->deny))
			best = st, bn = n;
	}
	return best && !best->file->deny;
}

/* The parent of a normalised path; NULL for a drive or share root. */
static char *parent_of(AclPool *p, const char *path)
{
	size_t n = strlen(path);
	bool unc = path[0] == '\\';
	size_t min = unc ? 2 : 3; /* after "\\\\" or "C:\\" */
	if (unc) { /* the share root \\\\server\\share is a root */
		const char *srv = strchr(path + 2, '\\');
		if (!srv || !strchr(srv + 1, '\\'))
			return NULL;
		min = (size_t)(strchr(srv + 1, '\\') - path);
	}
	if (n <= min)
		return NULL;
	size_t k = n;
	while (k > min && path[k - 1] != '\\')
		k--;
	if (k <= min)
		return unc ? acl_strndup(p, path, min) : acl_strndup(p, path, 3);
	return acl_strndup(p, path, k - 1 == 2 && !unc ? 3 : k - 1);
}

/* Guards each write deny against rename-and-recreate: every ancestor whose
 * parent the program may write gets a deny of DELETE on itself, up to the
 * first ancestor whose parent it may not write. (Deleting needs DELETE on
 * the object or FILE_DELETE_CHILD on its parent, which sbxc never grants.) */
static void add_guards(AclPool *p, AclPlan *pl, int nsteps, size_t room)
{
	for (int i = 0; i < nsteps; i++) {
		const AclStep *d = &pl->steps[i];
		if (!d->file->deny || !(d->file->mask & 0x10000))
			continue;
		/* A beneath-deny leaves the directory itself without it: guard it too. */
		char *a = d->file->inherit == 11 ? d->path : parent_of(p, d->path);
		for (char *parent; a && (parent = parent_of(p, a)) && write_covered(pl, parent); a = parent) {
			bool have = false;
			for (int k = 0; k < pl->nsteps && !have; k++)
				have = pl->steps[k].file->inherit == 0 && win_at_or_above(pl->steps[k].path, a) &&
				       win_at_or_above(a, pl->steps[k].path);
			if (have)
				continue;
			if ((size_t)pl->nsteps >= room)
				return; /* more than 64 guards a path: the rest unguarded (listed by none) */
			AclFile *g = acl_alloc(p, sizeof *g);
			g->path = acl_strndup(p, a, strlen(a));
			g->deny = true;
			g->mask = g->dirmask = 0x10000;
			g->inherit = 0;
			g->rights = "delete";
			g->from = d->file->from;
			AclStep *st = &pl->steps[pl->nsteps++];
			st->file = g;
			st->path = g->path;
			st->guards = d;
		}
	}
}

/* Can the container open its working directory? It needs FILE_TRAVERSE on
 * the directory itself (bypass-traverse only helps with the ancestors).
 * 1 yes, by plan->cwd_by; 0 no grant covers it (ask Windows at launch);
 * -1 no (a message in r->e). */
static int cwd_reach(Rs *r, AclPlan *pl)
{
	const AclStep *allow = NULL, *deny = NULL, *other = NULL;
	size_t allow_n = 0, deny_n = 0;
	for (int i = 0; i < pl->nsteps; i++) {
		const AclStep *st = &pl->steps[i];
		if (!win_at_or_above(st->path, pl->cwd))
			continue;
		size_t n = strlen(st->path);
		bool self = win_at_or_above(pl->cwd, st->path);
		if (self && st->file->inherit == 11)
			continue; /* beneath the cwd, not the cwd */
		bool trav = (st->file->dirmask & 0x20) != 0;
		if (st->file->deny && trav && (!deny || n > deny_n))
			deny = st, deny_n = n;
		else if (!st->file->deny && trav && (!allow || n > allow_n))
			allow = st, allow_n = n;
		else if (!st->file->deny && !other)
			other = st;
	}
	if (deny && (!allow || deny_n >= allow_n))
		return acl_fail(&r->e, "the working directory %s is denied to the container by %s %s (%s): run from a directory the policy lets it read", pl->cwd,
				deny->file->deny ? "deny" : "allow", deny->file->rights, deny->file->path), -1;
	if (allow) {
		pl->cwd_by = allow->file;
		return 1;
	}
	if (other)
		return acl_fail(&r->e, "the working directory %s is only granted %s (%s): the container cannot open it as a directory without read; run from a directory the policy lets it read", pl->cwd,
				other->file->rights, other->file->path), -1;
	return 0;
}

bool acl_plan_make(AclPool *p, const AclProfile *prof, const AclSet *sets, int nsets, AclGetenv env, void *envctx,
		   const char *cwd, char *const *argv, int argc, const char *journal, AclPlan *out, char *err,
		   size_t errn)
{
	Rs r = { prof, sets, nsets, env, envctx, cwd, p, NULL, { err, errn, false } };
	memset(out, 0, sizeof *out);
	out->prof = prof;
	out->journal = journal ? acl_strndup(p, journal, strlen(journal)) : NULL;
	/* Room for the guards too: at most one per component of each path. */
	size_t room = (size_t)prof->nfiles + 1;
	for (int i = 0; i < prof->nfiles; i++)
		room += 64;
	out->steps = acl_alloc(p, sizeof *out->steps * room);
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
		const AclFile *f = &prof->files[i];
		bool unowned = f->unowned || unowned_tree(path);
		if (unowned && !f->deny && (f->create || strstr(f->rights, "write")))
			return acl_fail(&r.e, "%s is in a tree only an administrator can change (%s %s): a write grant there needs an install-time grant, e.g. icacls \"%s\" /grant \"*%s:(OI)(CI)(M)\" run once as administrator", path,
					f->rights, f->from, path, prof->sid);
		out->steps[out->nsteps].file = f;
		out->steps[out->nsteps].unowned = unowned;
		out->steps[out->nsteps++].path = path;
	}
	if (r.private_temp && !(out->private_temp = normalise(&r, p, r.private_temp)))
		return false;
	int nfile_steps = out->nsteps;
	add_guards(p, out, out->nsteps, room);
	for (int i = 0; i < nfile_steps; i++) {
		char *parent = out->steps[i].file->deny ? parent_of(p, out->steps[i].path) : NULL;
		out->steps[i].creatable = parent && write_covered(out, parent);
	}
	if (argc > 0) { /* a command to start (not --undo) */
		if (!cwd)
			return acl_fail(&r.e, "cannot tell the working directory (give --cwd)");
		if (!(out->cwd = normalise(&r, p, cwd)))
			return false;
		if ((out->cwd_reach = cwd_reach(&r, out)) < 0)
			return false;
	}
	char *line = NULL;
	if (argc > 0 && is_batch(argv[0])) {
		/* cmd.exe /d: no AutoRun commands from the registry; /v:off: no !VAR!
		 * expansion; /s /c "...": the outer quotes go, the rest is literal. */
		char *inner = NULL;
		for (int i = 0; i < argc; i++)
			if (!acl_quote_batch_arg(p, &inner, argv[i], i == 0, err, errn))
				return false;
		Sb b = { p, NULL, 0, 0 };
		sb_puts(&b, "cmd.exe /d /s /v:off /c \"");
		sb_puts(&b, inner);
		sb_puts(&b, "\"");
		line = b.p;
		out->via_cmd = true;
	} else {
		for (int i = 0; i < argc; i++)
			acl_quote_arg(p, &line, argv[i]);
	}
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
	if (plan->cwd_reach > 0)
		fprintf(f, "cwd %s (reached through allow %s %s)\n", plan->cwd, plan->cwd_by->rights, plan->cwd_by->path);
	else
		fprintf(f, "cwd %s (no grant of the profile covers it: at launch Windows is asked whether the container may open it; refused if not)\n", plan->cwd);
	for (int i = 0; i < pr->ncaps; i++)
		fprintf(f, "capability %s %s\n", pr->caps[i].name, pr->caps[i].sid);
	for (int i = 0; i < plan->nsteps; i++) {
		const AclStep *s = &plan->steps[i];
		const AclFile *fl = s->file;
		if (s->guards) {
			fprintf(f, "deny delete mask=0x%08lx self %s (keeps deny %s %s from being renamed away and recreated; %s)\n",
				(unsigned long)fl->mask, s->path, s->guards->file->rights, s->guards->path, fl->from);
			continue;
		}
		fprintf(f, "%s %s mask=0x%08lx dir=0x%08lx %s%s%s%s %s <- %s", fl->deny ? "deny" : "allow", fl->rights,
			(unsigned long)fl->mask, (unsigned long)fl->dirmask, fl->inherit == 11 ? "beneath" : "subtree",
			fl->required ? " required" : "", fl->create ? " create" : "", s->unowned ? " unowned" : "", s->path, fl->path);
		if (fl->from && *fl->from)
			fprintf(f, " (%s)", fl->from);
		if (s->creatable)
			fputs(" [not guaranteed if missing at launch: the program may create it]", f);
		fputc('\n', f);
	}
	if (plan->private_temp)
		fprintf(f, "temp %s (the container's own: created at launch; TEMP and TMP point here)\n", plan->private_temp);
	if (plan->journal)
		fprintf(f, "journal %s\n", plan->journal);
	if (plan->via_cmd)
		fprintf(f, "run through %%SystemRoot%%\\System32\\cmd.exe (a batch file): %s\n", plan->cmdline);
	else
		fprintf(f, "run %s\n", plan->cmdline);
	fprintf(f, "then restore every ACL changed, in reverse order\n");
}
