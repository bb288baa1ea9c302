/*
 * ll_paths.c: from the artifact's path rules to Landlock rules on real
 * inodes, at apply time.
 *
 * Landlock can only allow: a rule on a directory grants its rights to the
 * whole tree beneath it. The language also denies inside allowed trees
 * (LANGUAGE.md 6: the most specific rule wins). The runtime lowers this by
 * carving: an allowed tree that contains a more specific `carve` (deny) is
 * not granted at its root; instead each entry along the way to the denied
 * path is granted separately, down to the denied path's siblings. The
 * directories on that way lose the carved rights for themselves (listing
 * them, creating or removing entries directly inside, including entries
 * created after the start): stricter, never wider, and reported.
 *
 * Specificity follows the language: a carve applies to an allow only when
 * it is at least as specific (longer literal prefix; at equal prefix a
 * glob beats the literal; between globs more literal components, more
 * components, fewer `**`; deny wins ties). Less specific denies do not
 * touch a more specific allow (`allow` inside `deny`).
 *
 * Globs cannot be given to Landlock. An allow glob is expanded against the
 * file system when the policy is applied (matches created later are denied:
 * stricter). A carve glob is matched against entry names while carving, so
 * a denied name that appears later cannot be created where the carve ran.
 * A `**` followed by more components in a carve is cut at the `**` (denies
 * the whole tree beneath: stricter) so carving never walks a whole tree.
 *
 * Paths are opened component by component with O_PATH|O_NOFOLLOW; see
 * ll_open_safe for which symlinks are followed (root's, and running as
 * root, none in a directory the sandbox may write). An allow whose path
 * resolves elsewhere is carved there by every matching deny. Entries met while
 * enumerating are never followed when they are symlinks: the kernel
 * checks the link's target by its own location, which the policy decides.
 */
#include "sbx.h"
#include "ll_abi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

void ll_fs_names(uint64_t access, RtBuf *out)
{
	bool first = true;
#define X(N, s, bit, abi, f)                          \
	if (access & (1ull << (bit))) {               \
		rt_puts(out, first ? s : "," s);       \
		first = false;                        \
	}
	LL_FS_RIGHTS(X)
#undef X
	if (first)
		rt_puts(out, "none");
}

/* ---- component stacks ---- */

typedef struct Comps {
	char **v;
	int n, cap;
} Comps;

static void comps_push(Comps *c, const char *s, size_t n)
{
	char *d = rt_alloc(n + 1);
	memcpy(d, s, n);
	*RT_PUSH(c->v, c->n, c->cap) = d;
}
static void comps_pop(Comps *c) { free(c->v[--c->n]); }
static void comps_free(Comps *c)
{
	while (c->n)
		comps_pop(c);
	free(c->v);
	memset(c, 0, sizeof *c);
}
static char *comps_text(const Comps *c)
{
	RtBuf b = { 0 };
	rt_put(&b, "", 0);
	if (c->n == 0)
		rt_puts(&b, "/");
	for (int i = 0; i < c->n; i++) {
		rt_puts(&b, "/");
		rt_puts(&b, c->v[i]);
	}
	return b.p;
}
static void comps_split(Comps *c, const char *path)
{
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		if (e > p)
			comps_push(c, p, (size_t)(e - p));
		p = e;
	}
}

/* ---- opening paths ---- */

/* Directories the sandbox may create symlinks in (ll_grant_fs sets them,
 * as written and resolved, for the walk). Running as root, the links a
 * sandboxed program plants are root-owned like the system's own, so owner
 * alone cannot tell them apart: a link whose directory lies beneath one
 * of these could have been planted by an earlier run, and is not followed
 * (LLO_ANY_OWNER, for carving, still follows it: that only denies more). */
static char **wr_roots;
static int nwr_roots, capwr_roots;

static bool beneath(const char *path, const char *root)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return true;
	return strncmp(path, root, n) == 0 && (path[n] == 0 || path[n] == '/');
}

static bool sandbox_writable(const Comps *dir)
{
	if (!nwr_roots || geteuid() != 0)
		return false;
	char *t = comps_text(dir);
	bool w = false;
	for (int i = 0; i < nwr_roots && !w; i++)
		w = beneath(t, wr_roots[i]);
	free(t);
	return w;
}

int ll_open_safe(const char *path, unsigned flags, char **real, const char **why)
{
	*real = NULL;
	*why = NULL;
	char *rest = rt_strdup(path);
	const char *p = rest;
	Comps st = { 0 };
	int hops = 0, err = 0;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		free(rest);
		return -errno;
	}
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t n = (size_t)(e - p);
		char name[NAME_MAX + 1];
		if (n > NAME_MAX) {
			err = -ENAMETOOLONG;
			goto out;
		}
		memcpy(name, p, n);
		name[n] = 0;
		p = e;
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			if (st.n == 0)
				continue;
			int nfd = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (nfd < 0) {
				err = -errno;
				goto out;
			}
			close(fd);
			fd = nfd;
			comps_pop(&st);
			continue;
		}
		int nfd = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && (flags & LLO_CREATE)) {
			if (mkdirat(fd, name, 0700) < 0 && errno != EEXIST) {
				err = -errno;
				goto out;
			}
			nfd = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0) {
			err = -errno;
			goto out;
		}
		struct stat sb;
		if (fstat(nfd, &sb) < 0) {
			err = -errno;
			close(nfd);
			goto out;
		}
		if (S_ISLNK(sb.st_mode)) {
			if (!(flags & LLO_ANY_OWNER) && sb.st_uid != 0) {
				*why = "it passes through a symlink not owned by root";
				err = -ELOOP;
				close(nfd);
				goto out;
			}
			if (!(flags & LLO_ANY_OWNER) && sandbox_writable(&st)) {
				*why = "it passes through a symlink in a directory the sandbox may write (an earlier run "
				       "could have planted it): not followed";
				err = -ELOOP;
				close(nfd);
				goto out;
			}
			char target[PATH_MAX];
			ssize_t tn = readlinkat(nfd, "", target, sizeof target - 1);
			close(nfd);
			if (tn <= 0 || ++hops > 40) {
				err = -ELOOP;
				goto out;
			}
			target[tn] = 0;
			RtBuf nr = { 0 };
			rt_puts(&nr, target);
			rt_puts(&nr, "/");
			rt_puts(&nr, p);
			free(rest);
			rest = nr.p;
			p = rest;
			if (target[0] == '/') {
				int rfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (rfd < 0) {
					err = -errno;
					goto out;
				}
				close(fd);
				fd = rfd;
				while (st.n)
					comps_pop(&st);
			}
			continue;
		}
		comps_push(&st, name, n);
		close(fd);
		fd = nfd;
	}
out:
	free(rest);
	if (err) {
		close(fd);
		comps_free(&st);
		return err;
	}
	*real = comps_text(&st);
	comps_free(&st);
	return fd;
}

/* One openat2 for the common case, a path without any symlink (the
 * kernel refuses with ELOOP otherwise, and the careful walk takes over):
 * rules cost three system calls each instead of three per component. */
static int open_fast(const char *path, char **real)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
	if (fd < 0)
		return errno == E2BIG || errno == EINVAL ? -ENOSYS : -errno;
	*real = rt_strdup(path);
	return (int)fd;
}

/* ---- matching a carve pattern against a real path ---- */

enum { REL_NONE = LL_REL_NONE, REL_PARTIAL = LL_REL_PARTIAL, REL_MATCH = LL_REL_MATCH };

/* MATCH: the pattern matches p or one of its ancestors (p is denied).
 * PARTIAL: the pattern may match something strictly beneath p.
 * `**` matches one or more components at the end of a pattern, and zero
 * or more in the middle. */
static int pat_rel(const LlComp *d, int nd, char *const *p, int np)
{
	if (nd == 0)
		return REL_MATCH;
	if (np == 0)
		return REL_PARTIAL;
	if (d[0].glob == 2) {
		if (nd == 1)
			return REL_MATCH; /* np >= 1 */
		int best = REL_PARTIAL;
		for (int k = 0; k <= np; k++) {
			int r = pat_rel(d + 1, nd - 1, p + k, np - k);
			if (r == REL_MATCH)
				return REL_MATCH;
		}
		return best;
	}
	bool ok = d[0].glob ? fnmatch(d[0].s, p[0], 0) == 0 : strcmp(d[0].s, p[0]) == 0;
	if (!ok)
		return REL_NONE;
	return pat_rel(d + 1, nd - 1, p + 1, np - 1);
}

int ll_pat_rel(const LlComp *d, int nd, char *const *p, int np) { return pat_rel(d, nd, p, np); }

/* ---- the walk ---- */

typedef struct Carve {
	LlPat pat;       /* real (symlinks in the literal prefix resolved) or as written */
	uint64_t access;
	int lit;
	int64_t rank;    /* specificity of the pattern as written */
	int line;
} Carve;

typedef struct Walk {
	LlGrantCtx *g;
	Carve *cv;
	int ncv, capcv;
	Comps path;      /* the real path being visited */
	int err;         /* an exit status once something failed hard */
	long symlinks_skipped;
} Walk;

/* At least as specific: a deny wins a tie. */
static bool spec_ge(int64_t rank_a, int64_t rank_b) { return rank_a >= rank_b; }

/* isdir < 0: not known yet (the fast path did not stat): try the rights
 * as given and, when the kernel refuses directory rights on a file
 * (EINVAL), again with the file rights only. */
static void add_rule(Walk *w, int fd, uint64_t access, int isdir)
{
	LlGrantCtx *g = w->g;
	access &= g->handled_fs;
	if (isdir == 0)
		access &= LL_FS_FILE_RIGHTS;
	if (!access)
		return;
	g->nrules++;
	if (g->ruleset_fd >= 0) {
		struct ll_path_beneath_attr attr = { .allowed_access = access, .parent_fd = fd };
		long r = syscall(SYS_landlock_add_rule, g->ruleset_fd, LL_RULE_PATH_BENEATH, &attr, 0);
		if (r < 0 && errno == EINVAL && isdir < 0 && (access & ~(uint64_t)LL_FS_FILE_RIGHTS)) {
			access &= LL_FS_FILE_RIGHTS;
			attr.allowed_access = access;
			r = access ? syscall(SYS_landlock_add_rule, g->ruleset_fd, LL_RULE_PATH_BENEATH, &attr, 0) : 0;
		}
		if (r < 0) {
			char *t = comps_text(&w->path);
			rt_note(g->rep, RT_ERROR, "landlock_add_rule %s: %s", t, strerror(errno));
			free(t);
			w->err = SBX_EXIT_CANNOT_ENFORCE;
			return;
		}
	} else if (isdir < 0) {
		struct stat sb;
		if (fstat(fd, &sb) == 0 && !S_ISDIR(sb.st_mode))
			access &= LL_FS_FILE_RIGHTS;
	}
	if (g->rep->detail && access) {
		RtBuf b = { 0 };
		rt_puts(&b, "allow ");
		ll_fs_names(access, &b);
		char *t = comps_text(&w->path);
		rt_note(g->rep, RT_ENFORCED, "%s %s", b.p, t);
		free(t);
		free(b.p);
	}
}

static bool budget(Walk *w)
{
	if (--w->g->budget >= 0)
		return true;
	if (w->g->budget == -1) {
		char *t = comps_text(&w->path);
		rt_note(w->g->rep, RT_STRICTER, "stopped walking at %s: too many entries (the rest is denied)", t);
		free(t);
	}
	return false;
}

/* Calls fn(child fd, isdir) for each entry of directory fd, with w->path
 * extended by the entry's name. Symlinks are skipped. */
typedef void (*EntryFn)(Walk *w, int fd, int isdir, void *arg);
static void each_entry(Walk *w, int dirfd, const char *glob, EntryFn fn, void *arg)
{
	int rfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return;
	DIR *d = fdopendir(rfd);
	if (!d) {
		close(rfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (glob && fnmatch(glob, e->d_name, 0) != 0)
			continue;
		if (!budget(w))
			break;
		int cfd = openat(dirfd, e->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue;
		struct stat sb;
		if (fstat(cfd, &sb) < 0 || S_ISLNK(sb.st_mode)) {
			w->symlinks_skipped++;
			close(cfd);
			continue;
		}
		comps_push(&w->path, e->d_name, strlen(e->d_name));
		fn(w, cfd, S_ISDIR(sb.st_mode), arg);
		comps_pop(&w->path);
		close(cfd);
	}
	closedir(d);
}

typedef struct CarveArg {
	uint64_t access;
	int *ds;  /* indices into w->cv that may match beneath this path */
	int nds;
} CarveArg;

static void carve(Walk *w, int fd, int isdir, CarveArg *a);

static void carve_child(Walk *w, int fd, int isdir, void *arg)
{
	CarveArg *pa = arg, ca = { .access = pa->access };
	ca.ds = rt_alloc(sizeof(int) * (size_t)(pa->nds + 1));
	for (int i = 0; i < pa->nds; i++) {
		Carve *c = &w->cv[pa->ds[i]];
		int r = pat_rel(c->pat.c, c->pat.n, w->path.v, w->path.n);
		if (r == REL_MATCH)
			ca.access &= ~c->access;
		else if (r == REL_PARTIAL)
			ca.ds[ca.nds++] = pa->ds[i];
	}
	/* A file granted on its own while carving carries the rule on its
	 * inode (Landlock), so every other name of that inode gets it too: a
	 * hard link beside a carve must not open the denied original. */
	struct stat sb;
	if (ca.access && !isdir && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_nlink > 1) {
		char *t = comps_text(&w->path);
		rt_note(w->g->rep, RT_STRICTER, "%s has other hard links: not granted while carving (its rule would reach every name of the file)", t);
		free(t);
		ca.access = 0;
	}
	if (ca.access)
		carve(w, fd, isdir, &ca);
	free(ca.ds);
}

static void carve(Walk *w, int fd, int isdir, CarveArg *a)
{
	uint64_t deep = 0;
	for (int i = 0; i < a->nds; i++)
		deep |= w->cv[a->ds[i]].access & a->access;
	if (deep && isdir < 0) {
		struct stat sb;
		isdir = fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode);
	}
	if (!isdir)
		deep = 0; /* nothing beneath a file */
	add_rule(w, fd, a->access & ~deep, isdir);
	if (!deep)
		return;
	char *t = comps_text(&w->path);
	RtBuf b = { 0 };
	ll_fs_names(deep & w->g->handled_fs, &b);
	rt_note(w->g->rep, RT_STRICTER,
		"carved %s: %s not granted on the directory itself (listing it, creating or removing entries directly in it, entries created later)",
		t, b.p);
	free(b.p);
	free(t);
	CarveArg sub = { .access = deep, .ds = a->ds, .nds = a->nds };
	each_entry(w, fd, NULL, carve_child, &sub);
}

typedef struct AllowArg {
	const LlPat *pat;
	uint64_t access;
	int i;     /* next pattern component */
} AllowArg;

/* An allowed path, found: apply every carve at least as specific. */
static void allow_item(Walk *w, int fd, int isdir, const LlPat *pat, uint64_t access)
{
	CarveArg a = { .access = access };
	a.ds = rt_alloc(sizeof(int) * (size_t)(w->ncv + 1));
	for (int i = 0; i < w->ncv; i++) {
		Carve *c = &w->cv[i];
		if (!(c->access & access) || !spec_ge(c->rank, pat->rank))
			continue;
		int r = pat_rel(c->pat.c, c->pat.n, w->path.v, w->path.n);
		if (r == REL_MATCH)
			a.access &= ~c->access;
		else if (r == REL_PARTIAL)
			a.ds[a.nds++] = i;
	}
	if (w->g->sup) {
		/* Supervised: a write deny inside takes write from the whole tree,
		 * and the supervisor performs every write there (sup_fs.c). */
		uint64_t sw = 0;
		for (int i = 0; i < a.nds; i++)
			sw |= w->cv[a.ds[i]].access & a.access & LL_LANG_WRITE;
		if (sw) {
			a.access &= ~sw;
			*RT_PUSH(w->g->sup->roots, w->g->sup->nroots, w->g->sup->caproots) = comps_text(&w->path);
			if (w->g->rep->detail) {
				char *t = comps_text(&w->path);
				rt_note(w->g->rep, RT_ENFORCED, "supervised %s: writes decided per name by the supervisor", t);
				free(t);
			}
		}
	}
	if (a.access)
		carve(w, fd, isdir, &a);
	else if (w->g->rep->detail) {
		char *t = comps_text(&w->path);
		rt_note(w->g->rep, RT_STRICTER, "%s lies inside a carved (denied) tree: not granted", t);
		free(t);
	}
	free(a.ds);
}

static void expand(Walk *w, int fd, int isdir, void *arg);

static void expand_child(Walk *w, int fd, int isdir, void *arg)
{
	AllowArg *pa = arg, na = *pa;
	na.i++;
	expand(w, fd, isdir, &na);
}

static void expand_deep(Walk *w, int fd, int isdir, void *arg)
{
	/* "**" consumed this entry and stays: try the rest here and deeper. */
	expand(w, fd, isdir, arg);
}

/* Follows pattern components from index a->i on, beneath fd. */
static void expand(Walk *w, int fd, int isdir, void *arg)
{
	AllowArg *a = arg;
	const LlPat *p = a->pat;
	if (a->i == p->n) {
		allow_item(w, fd, isdir, p, a->access);
		return;
	}
	if (!isdir)
		return;
	const LlComp *c = &p->c[a->i];
	if (c->glob == 0) {
		int cfd = openat(fd, c->s, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat sb;
		if (cfd < 0)
			return;
		if (fstat(cfd, &sb) == 0 && !S_ISLNK(sb.st_mode)) {
			comps_push(&w->path, c->s, strlen(c->s));
			AllowArg na = *a;
			na.i++;
			expand(w, cfd, S_ISDIR(sb.st_mode), &na);
			comps_pop(&w->path);
		} else {
			w->symlinks_skipped++;
		}
		close(cfd);
	} else if (c->glob == 1) {
		each_entry(w, fd, c->s, expand_child, a);
	} else if (a->i + 1 == p->n) {
		each_entry(w, fd, NULL, expand_child, a); /* trailing "**": every entry, whole */
	} else {
		AllowArg zero = *a;
		zero.i++;
		expand(w, fd, isdir, &zero);
		if (w->path.n < 64)
			each_entry(w, fd, NULL, expand_deep, a);
	}
}

/* A rule's literal prefix: the fast path without symlinks, else the safe
 * walk (which creates with LLO_CREATE and follows root's symlinks). */
static int open_prefix(const char *pre, unsigned fl, char **real, const char **why)
{
	int fd = fl ? -ENOSYS : open_fast(pre, real);
	if (fd == -ELOOP || fd == -ENOSYS)
		fd = ll_open_safe(pre, fl, real, why);
	return fd;
}

static char *pat_prefix_text(const LlPat *p, int n)
{
	LlPat q = *p;
	q.n = n;
	return ll_pat_text(&q);
}

/* Resolves the carve's literal prefix through symlinks (any owner), so a
 * denied tree reached through a link is carved where it really is. */
static void add_carve(Walk *w, const LlPat *pat, const LlFsRule *r)
{
	Carve c = { .access = r->access, .lit = pat->lit, .rank = pat->rank, .line = r->line };
	c.pat = *pat;
	*RT_PUSH(w->cv, w->ncv, w->capcv) = c;
	for (int k = pat->lit; k > 0; k--) {
		char *pre = pat_prefix_text(pat, k), *real;
		const char *why;
		int fd = ll_open_safe(pre, LLO_ANY_OWNER, &real, &why);
		if (fd < 0) {
			free(pre);
			continue;
		}
		close(fd);
		if (strcmp(pre, real) != 0) {
			Carve rc = c;
			Comps rcomps = { 0 };
			comps_split(&rcomps, real);
			rc.pat.c = rt_alloc(sizeof(LlComp) * (size_t)(rcomps.n + pat->n - k + 1));
			rc.pat.n = 0;
			for (int i = 0; i < rcomps.n; i++)
				rc.pat.c[rc.pat.n++] = (LlComp){ rt_strdup(rcomps.v[i]), 0 };
			for (int i = k; i < pat->n; i++)
				rc.pat.c[rc.pat.n++] = (LlComp){ rt_strdup(pat->c[i].s), pat->c[i].glob };
			comps_free(&rcomps);
			*RT_PUSH(w->cv, w->ncv, w->capcv) = rc;
		}
		free(pre);
		free(real);
		break;
	}
}

/* ---- self-protection: what decides the next run is never writable ----
 * Every sandbox carries an implicit `deny write` (most specific, so no
 * allow can beat it) on: the artifact set being applied (every NAME.*
 * beside NAME.landlock), the policy source named in the artifact's header
 * and every *.sbx beside it (its `use` files, usually), the paths the caller
 * names (sbxc run: every file the policy read) and sbxc's state (the cache
 * root, with sbxc run's run directories). They are carves: the directories
 * on the way from a granted tree down to them lose their write rights on
 * themselves, so neither the files nor any ancestor up to the granted root
 * can be renamed, unlinked or replaced (move-blocking), at the usual
 * carving cost (no new entries directly in those directories). Paths are
 * resolved here, from the artifact's own location, never baked in. */

/* An absolute, lexically clean directory for path's parent: realpath when it exists. */
static char *abs_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	RtBuf d = { 0 };
	if (!slash)
		rt_puts(&d, ".");
	else if (slash == path)
		rt_puts(&d, "/");
	else
		rt_put(&d, path, (size_t)(slash - path));
	char *r = realpath(d.p, NULL);
	if (r) {
		free(d.p);
		return r;
	}
	if (d.p[0] != '/') {
		char cwd[PATH_MAX];
		RtBuf a = { 0 };
		rt_puts(&a, getcwd(cwd, sizeof cwd) ? cwd : "/");
		rt_puts(&a, "/");
		rt_puts(&a, d.p);
		free(d.p);
		return a.p;
	}
	return d.p;
}

/* dir/base with base literal and glob (may be NULL) as a wildcard suffix. */
static void self_carve(Walk *w, const char *dir, const char *base, const char *glob, const char *what)
{
	LlParamVal v[2] = { { "D", (char *)dir }, { "B", (char *)(base ? base : "") } };
	RtBuf pat = { 0 }, err = { 0 };
	rt_puts(&pat, "${D}");
	if (base)
		rt_puts(&pat, "/${B}");
	if (glob)
		rt_puts(&pat, glob);
	LlPat p;
	if (ll_pattern(pat.p, false, v, 2, &p, &err)) {
		p.rank = INT64_MAX;
		LlFsRule r = { .kind = LLR_CARVE, .access = LL_LANG_WRITE, .line = 0 };
		if (w->g->rep->detail) {
			char *t = ll_pat_text(&p);
			rt_note(w->g->rep, RT_ENFORCED, "implicit deny write %s (%s)", t, what);
			free(t);
		}
		add_carve(w, &p, &r);
	}
	free(pat.p);
	free(err.p);
}

/* The source's name from "# generated by sbxc from SRC: DO NOT EDIT". */
static char *header_source(const char *text)
{
	static const char pre[] = "# generated by sbxc from ", post[] = ": DO NOT EDIT";
	if (!text || strncmp(text, pre, sizeof pre - 1) != 0)
		return NULL;
	const char *s = text + sizeof pre - 1, *nl = strchr(s, '\n');
	if (!nl || (size_t)(nl - s) <= sizeof post - 1 || memcmp(nl - (sizeof post - 1), post, sizeof post - 1) != 0)
		return NULL;
	size_t n = (size_t)(nl - s) - (sizeof post - 1);
	if (memchr(s, '\\', n))
		return NULL; /* an escaped name: not a path we can read back */
	char *r = rt_alloc(n + 1);
	memcpy(r, s, n);
	return r;
}

static void self_file(Walk *w, const char *path, const char *what, bool siblings)
{
	char *dir = abs_dir(path);
	const char *slash = strrchr(path, '/');
	self_carve(w, dir, slash ? slash + 1 : path, NULL, what);
	if (siblings)
		self_carve(w, dir, NULL, "/*.sbx", "the files beside the policy source, which it may use");
	free(dir);
}

static void self_protect(Walk *w)
{
	LlGrantCtx *g = w->g;
	if (g->artifact) {
		char *dir = abs_dir(g->artifact);
		const char *slash = strrchr(g->artifact, '/'), *base = slash ? slash + 1 : g->artifact;
		const char *dot = strrchr(base, '.');
		RtBuf name = { 0 };
		rt_put(&name, base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
		self_carve(w, dir, name.p, ".*", "the artifacts being applied");
		free(name.p);
		char *src = header_source(g->artifact_text);
		if (src) {
			RtBuf sp = { 0 };
			if (src[0] != '/') {
				rt_puts(&sp, dir);
				rt_puts(&sp, "/");
			}
			rt_puts(&sp, src);
			self_file(w, sp.p, "the policy source", true);
			free(sp.p);
			free(src);
		}
		free(dir);
	}
	for (int i = 0; g->o && i < g->o->nprotect; i++)
		self_file(w, g->o->protect[i], "a file the policy was compiled from", false);
	char root[4096];
	if (ll_cache_root(root, sizeof root)) {
		char *dir = abs_dir(root);
		const char *slash = strrchr(root, '/');
		self_carve(w, dir, slash ? slash + 1 : root, NULL, "sbxc's cache and run directories");
		free(dir);
	}
}

static LlPat pat_copy(const LlPat *p, int from, const Comps *prefix)
{
	LlPat q = *p;
	q.c = rt_alloc(sizeof(LlComp) * (size_t)((prefix ? prefix->n : 0) + p->n - from + 1));
	q.n = 0;
	for (int i = 0; prefix && i < prefix->n; i++)
		q.c[q.n++] = (LlComp){ rt_strdup(prefix->v[i]), 0 };
	for (int i = from; i < p->n; i++)
		q.c[q.n++] = (LlComp){ rt_strdup(p->c[i].s), p->c[i].glob };
	return q;
}

/* An allow for the supervisor: as written and, when its literal prefix
 * lies elsewhere, where it really is. */
static void sup_export_allow(LlSupFs *s, const LlPat *p, const char *real, const LlFsRule *r)
{
	*RT_PUSH(s->v, s->n, s->cap) = (LlSupPat){ pat_copy(p, 0, NULL), r->access, true, r->line };
	char *pre = pat_prefix_text(p, p->lit);
	if (strcmp(pre, real) != 0) {
		Comps rc = { 0 };
		comps_split(&rc, real);
		LlPat q = pat_copy(p, p->lit, &rc);
		q.lit = rc.n;
		*RT_PUSH(s->v, s->n, s->cap) = (LlSupPat){ q, r->access, true, r->line };
		comps_free(&rc);
	}
	free(pre);
}

void ll_supfs_free(LlSupFs *s)
{
	for (int i = 0; i < s->n; i++)
		ll_pat_free(&s->v[i].pat);
	free(s->v);
	for (int i = 0; i < s->nroots; i++)
		free(s->roots[i]);
	free(s->roots);
	memset(s, 0, sizeof *s);
}

int ll_grant_fs(LlGrantCtx *g, const LlArtifact *a, LlParamVal *vals, int nvals)
{
	Walk w = { .g = g };
	RtBuf err = { 0 };
	int status = 0;

	for (int i = 0; i < a->nfs; i++) {
		const LlFsRule *r = &a->fs[i];
		if (r->kind != LLR_CARVE)
			continue;
		LlPat p;
		if (!ll_pattern(r->pattern, (r->flags & LLF_ESCAPED) != 0, vals, nvals, &p, &err)) {
			rt_note(g->rep, RT_ERROR, "carve line %d: %s", r->line, err.p);
			status = SBX_EXIT_CANNOT_ENFORCE;
			goto out;
		}
		for (int k = 0; k + 1 < p.n && !(g->sup && !(r->access & ~(uint64_t)LL_LANG_WRITE)); k++)
			if (p.c[k].glob == 2) {
				char *t = ll_pat_text(&p);
				rt_note(g->rep, RT_STRICTER, "carve %s: cut at '**' (the whole tree beneath is denied)", t);
				free(t);
				for (int j = k + 1; j < p.n; j++)
					free(p.c[j].s);
				p.n = k + 1;
				break;
			}
		add_carve(&w, &p, r);
	}
	self_protect(&w);

	/* Where the sandbox may plant symlinks (see sandbox_writable). */
	for (int i = 0; i < a->nfs; i++) {
		const LlFsRule *r = &a->fs[i];
		LlPat p;
		err.n = 0;
		if (r->kind != LLR_ALLOW || !(r->access & LL_FS_MAKE_SYM) ||
		    !ll_pattern(r->pattern, (r->flags & LLF_ESCAPED) != 0, vals, nvals, &p, &err))
			continue;
		char *pre = pat_prefix_text(&p, p.lit), *real = NULL;
		const char *why;
		int fd = ll_open_safe(pre, LLO_ANY_OWNER, &real, &why);
		if (fd >= 0)
			close(fd);
		*RT_PUSH(wr_roots, nwr_roots, capwr_roots) = pre;
		if (real)
			*RT_PUSH(wr_roots, nwr_roots, capwr_roots) = real;
		ll_pat_free(&p);
	}

	/* Everything that can refuse the policy is checked before `create`
	 * changes anything: a run refused (126) leaves no directory behind. */
	for (int i = 0; i < a->nfs; i++) {
		const LlFsRule *r = &a->fs[i];
		LlPat p;
		if (r->kind != LLR_ALLOW)
			continue;
		err.n = 0;
		if (!ll_pattern(r->pattern, (r->flags & LLF_ESCAPED) != 0, vals, nvals, &p, &err)) {
			rt_note(g->rep, RT_ERROR, "fs line %d: %s", r->line, err.p);
			status = SBX_EXIT_CANNOT_ENFORCE;
			goto out;
		}
		if ((r->flags & LLF_REQUIRED) && !((r->flags & LLF_CREATE) && p.lit == p.n)) {
			char *pre = pat_prefix_text(&p, p.lit), *real = NULL;
			const char *why = NULL;
			int fd = open_prefix(pre, 0, &real, &why);
			if (fd < 0) {
				rt_note(g->rep, RT_ERROR, "required path %s: %s", pre, why ? why : strerror(-fd));
				status = SBX_EXIT_CANNOT_ENFORCE;
			} else
				close(fd);
			free(pre);
			free(real);
		}
		ll_pat_free(&p);
		if (status)
			goto out;
	}

	/* `create` directories first, so that carving elsewhere sees them. */
	for (int i = 0; i < a->nfs; i++) {
		const LlFsRule *r = &a->fs[i];
		LlPat p;
		if (r->kind != LLR_ALLOW || !(r->flags & LLF_CREATE) || g->ruleset_fd < 0)
			continue; /* a dry run changes nothing */
		err.n = 0;
		if (!ll_pattern(r->pattern, (r->flags & LLF_ESCAPED) != 0, vals, nvals, &p, &err))
			continue; /* reported below */
		if (p.lit == p.n) {
			char *t = ll_pat_text(&p), *real;
			const char *why;
			int fd = ll_open_safe(t, LLO_CREATE, &real, &why);
			if (fd >= 0) {
				close(fd);
				free(real);
			}
			free(t);
		}
		ll_pat_free(&p);
	}

	for (int i = 0; i < a->nfs && !w.err; i++) {
		const LlFsRule *r = &a->fs[i];
		if (r->kind != LLR_ALLOW)
			continue;
		LlPat p;
		err.n = 0;
		if (!ll_pattern(r->pattern, (r->flags & LLF_ESCAPED) != 0, vals, nvals, &p, &err)) {
			rt_note(g->rep, RT_ERROR, "fs line %d: %s", r->line, err.p);
			status = SBX_EXIT_CANNOT_ENFORCE;
			goto out;
		}
		char *pre = pat_prefix_text(&p, p.lit), *real = NULL;
		const char *why = NULL;
		unsigned fl = (r->flags & LLF_CREATE) && p.lit == p.n && g->ruleset_fd >= 0 ? LLO_CREATE : 0;
		int isdir = -1;
		int fd = open_prefix(pre, fl, &real, &why);
		if (fd < 0) {
			bool req = r->flags & LLF_REQUIRED;
			rt_note(g->rep, req ? RT_ERROR : RT_SKIPPED, "%s%s: %s", req ? "required path " : "", pre,
				why ? why : strerror(-fd));
			if (req)
				status = SBX_EXIT_CANNOT_ENFORCE;
		} else {
			if (p.lit < p.n) {
				struct stat sb;
				isdir = fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode);
			}
			if (g->sup)
				sup_export_allow(g->sup, &p, real, r);
			comps_split(&w.path, real);
			/* Granted at another name than written (a root-owned link on
			 * the way): the inode is also reached by that name, where the
			 * language decides without this rule. Every carve that matches
			 * there applies, whatever its specificity as written. */
			if (strcmp(pre, real) != 0) {
				p.rank = INT64_MIN;
				if (g->rep->detail)
					rt_note(g->rep, RT_ENFORCED, "%s resolves to %s: carved there by every deny", pre, real);
			}
			AllowArg aa = { .pat = &p, .access = r->access, .i = p.lit };
			expand(&w, fd, isdir, &aa);
			comps_free(&w.path);
			close(fd);
		}
		free(pre);
		free(real);
		ll_pat_free(&p);
		if (status)
			goto out;
	}
	if (w.err)
		status = w.err;
	if (w.symlinks_skipped && g->rep->detail)
		rt_note(g->rep, RT_STRICTER, "%ld symlinks met while expanding or carving were not granted (their targets are decided where they are)",
			w.symlinks_skipped);
out:
	for (int i = 0; i < nwr_roots; i++)
		free(wr_roots[i]);
	free(wr_roots);
	wr_roots = NULL;
	nwr_roots = capwr_roots = 0;
	for (int i = 0; i < w.ncv; i++) {
		if (g->sup && !status) {
			/* The carves (implicit ones included) go to the supervisor. */
			*RT_PUSH(g->sup->v, g->sup->n, g->sup->cap) =
				(LlSupPat){ w.cv[i].pat, w.cv[i].access, false, w.cv[i].line };
			continue;
		}
		ll_pat_free(&w.cv[i].pat);
	}
	free(w.cv);
	comps_free(&w.path);
	free(err.p);
	return status;
}
