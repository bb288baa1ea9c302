/*
 * sup_fs.c: deny-inside-allow for writes, decided per name.
 *
 * Landlock cannot deny inside a tree it allows. When the artifact says
 * `sup write`, ll_paths.c gives Landlock no write right on an allowed tree
 * with a write deny inside (a root, LlSupFs.roots) instead of carving it,
 * and the filter notifies every call that creates, removes, renames or
 * links a name, truncates by path or opens for writing. Here each one is
 * decided by the policy's file rules on the full name it will act on, and
 * performed on the program's behalf:
 *   1. copy the path (and a symlink's target) once from the program;
 *   2. open the base (the program's descriptor with pidfd_getfd, its cwd,
 *      or /), then SECCOMP_IOCTL_NOTIF_ID_VALID: the thread is still in
 *      that call;
 *   3. open the parent directory ourselves with openat2
 *      (RESOLVE_NO_MAGICLINKS) and read its real path from the descriptor;
 *   4. decide that path plus the last component with the rules (most
 *      specific wins, deny wins a tie, no rule denies: LANGUAGE.md 6);
 *   5. act on our directory descriptor with that name, never following a
 *      symlink in it (O_NOFOLLOW, *at calls that do not follow), and
 *      return the result or install the new descriptor (NOTIF_ADDFD).
 * A rename racing step 3 to 5 cannot redirect the call: the name is
 * resolved on a directory we hold, and every change to the names inside a
 * root is one of the calls answered here, one at a time.
 *
 * Whatever is not handled continues in the kernel, where Landlock decides
 * it (no write right in a root): never wider, at worst stricter. That is
 * the case outside the roots (Landlock is exact there), for a symlink
 * the call would follow, O_TMPFILE, openat2 with RESOLVE flags, files
 * other than regular ones and directories, and trailing slashes.
 */
#include "sup_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ll_abi.h"

#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

enum { WALK_BUDGET = 20000 };

bool sup_fs_call(long nr)
{
	switch (nr) {
#ifdef SYS_open
	case SYS_open:
	case SYS_creat:
	case SYS_mkdir:
	case SYS_mknod:
	case SYS_symlink:
	case SYS_link:
	case SYS_unlink:
	case SYS_rmdir:
	case SYS_rename:
#endif
	case SYS_openat:
	case SYS_openat2:
	case SYS_mkdirat:
	case SYS_mknodat:
	case SYS_symlinkat:
	case SYS_linkat:
	case SYS_unlinkat:
	case SYS_renameat:
	case SYS_renameat2:
	case SYS_truncate:
		return true;
	default:
		return false;
	}
}

/* ---- deciding ---- */

static int split(char *path, char **v, int max)
{
	int n = 0;
	for (char *p = strtok(path, "/"); p && n < max; p = strtok(NULL, "/"))
		v[n++] = p;
	return n;
}

/* The deciding rule for `right` (one Landlock bit standing for the
 * language's right) on a real, absolute, clean path; *allow its effect. */
static const LlSupPat *decide(const LlSupFs *fs, uint64_t right, const char *path, bool *allow)
{
	char buf[PATH_MAX + 1], *v[PATH_MAX / 2 + 1];
	snprintf(buf, sizeof buf, "%s", path);
	int n = split(buf, v, (int)ARRAY_N(v));
	const LlSupPat *best = NULL;
	for (int i = 0; i < fs->n; i++) {
		const LlSupPat *r = &fs->v[i];
		if (!(r->access & right) || ll_pat_rel(r->pat.c, r->pat.n, v, n) != LL_REL_MATCH)
			continue;
		if (!best || r->pat.rank > best->pat.rank || (r->pat.rank == best->pat.rank && !r->allow && best->allow))
			best = r;
	}
	*allow = best && best->allow;
	return best;
}

static bool in_root(const LlSupFs *fs, const char *path)
{
	for (int i = 0; i < fs->nroots; i++) {
		size_t k = strlen(fs->roots[i]);
		if (strcmp(fs->roots[i], "/") == 0 ||
		    (strncmp(path, fs->roots[i], k) == 0 && (path[k] == 0 || path[k] == '/')))
			return true;
	}
	return false;
}

/* The source line of a deciding rule, for --log. */
static const char *where(const Sup *s, const LlSupPat *r)
{
	if (!r)
		return "no rule allows it";
	if (r->line == 0)
		return "implicit: what decides the next run";
	const LlArtifact *a = s->a;
	for (int i = 0; i < a->nfs; i++)
		if (a->fs[i].line == r->line)
			for (int k = 0; k < a->nsupw; k++)
				if (strcmp(a->supw_pat[k], a->fs[i].pattern) == 0 &&
				    (a->supw_where[k] && (r->allow == (a->fs[i].kind == LLR_ALLOW))))
					return a->supw_where[k];
	return "the artifact's rule";
}

static void log_fs(Sup *s, pid_t pid, const char *call, const char *right, const char *path, bool allow,
		   const LlSupPat *r)
{
	allow ? s->nallowed++ : s->ndenied++;
	if (!s->log)
		return;
	fprintf(s->log, "sbx-sup: %s pid %d %s: %s %s (%s)\n", allow ? "allow" : "deny", (int)pid, call, right, path,
		where(s, r));
	fflush(s->log);
}

/* ---- the program's names ---- */

/* A NUL-terminated string from the program, read page by page (a path may
 * end just before an unmapped page). */
static int copy_str(pid_t pid, uint64_t addr, char *out, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		size_t room = 4096 - ((addr + got) & 4095);
		if (room > cap - got)
			room = cap - got;
		if (!sup_peek(pid, addr + got, out + got, room))
			return EFAULT;
		char *z = memchr(out + got, 0, room);
		if (z)
			return 0;
		got += room;
	}
	return ENAMETOOLONG;
}

/* One name the call acts on: our descriptor of its parent directory, the
 * directory's real path, the last component, and the full path. */
typedef struct Name {
	int dfd;
	char dir[PATH_MAX], last[NAME_MAX + 1], full[PATH_MAX + NAME_MAX + 2];
	bool slash; /* written with a trailing slash */
} Name;

enum { N_OK, N_CONTINUE, N_GONE, N_ERROR };

static int base_fd(Sup *s, const struct seccomp_notif *n, int dirfd, const char *path, int *err)
{
	if (path[0] == '/')
		return open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd == AT_FDCWD) {
		char p[64];
		snprintf(p, sizeof p, "/proc/%d/cwd", (int)n->pid);
		int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (!sup_still_valid(s, n->id)) {
			if (fd >= 0)
				close(fd);
			*err = ESRCH;
			return -1;
		}
		return fd;
	}
	return sup_grab_fd(s, n, dirfd, err);
}

/* N_OK: nm is filled; N_CONTINUE: let the kernel (Landlock) decide; N_GONE;
 * N_ERROR: *err is the call's error. */
static int resolve(Sup *s, const struct seccomp_notif *n, int dirfd, uint64_t ptr, Name *nm, int *err)
{
	char path[PATH_MAX];
	nm->dfd = -1;
	if ((*err = copy_str(n->pid, ptr, path, sizeof path)))
		return N_ERROR;
	size_t len = strlen(path);
	if (len == 0)
		return N_CONTINUE; /* AT_EMPTY_PATH forms and ENOENT: the kernel's */
	nm->slash = false;
	while (len > 1 && path[len - 1] == '/') {
		path[--len] = 0;
		nm->slash = true;
	}
	char *sl = strrchr(path, '/');
	const char *last = sl ? sl + 1 : path;
	if (!*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0 || strlen(last) > NAME_MAX)
		return N_CONTINUE;
	memcpy(nm->last, last, strlen(last) + 1); /* <= NAME_MAX, checked above */
	char dirpart[PATH_MAX];
	if (!sl)
		snprintf(dirpart, sizeof dirpart, ".");
	else if (sl == path)
		snprintf(dirpart, sizeof dirpart, "/");
	else
		snprintf(dirpart, sizeof dirpart, "%.*s", (int)(sl - path), path);
	int e = 0;
	int base = base_fd(s, n, dirfd, path, &e);
	if (base < 0) {
		if (e == ESRCH)
			return N_GONE;
		return N_CONTINUE;
	}
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
	long d = syscall(SYS_openat2, base, dirpart, &how, sizeof how);
	close(base);
	if (d < 0)
		return N_CONTINUE; /* the kernel gives the error the program expects */
	nm->dfd = (int)d;
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", nm->dfd);
	ssize_t k = readlink(link, nm->dir, sizeof nm->dir - 1);
	if (k <= 0 || nm->dir[0] != '/' || (size_t)k >= sizeof nm->dir - 1) {
		close(nm->dfd);
		nm->dfd = -1;
		return N_CONTINUE;
	}
	nm->dir[k] = 0;
	if (k > 10 && strcmp(nm->dir + k - 10, " (deleted)") == 0) {
		close(nm->dfd);
		nm->dfd = -1;
		return N_CONTINUE;
	}
	snprintf(nm->full, sizeof nm->full, "%s/%s", strcmp(nm->dir, "/") == 0 ? "" : nm->dir, nm->last);
	return N_OK;
}

static void name_close(Name *nm)
{
	if (nm->dfd >= 0)
		close(nm->dfd);
	nm->dfd = -1;
}

/* The program's umask, for what we create in its place. */
static mode_t prog_umask(pid_t pid)
{
	char p[64], line[128];
	snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
	FILE *f = fopen(p, "re");
	unsigned m = 022;
	if (f) {
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "Umask: %o", &m) == 1)
				break;
		fclose(f);
	}
	return (mode_t)(m & 0777);
}

/* ---- renames: what moves with a directory ---- */

static bool can(const LlSupFs *fs, uint64_t right, const char *path)
{
	bool allow;
	decide(fs, right, path, &allow);
	return allow;
}

/* Moving an entry from `from` to `to` is a write on both; read and exec
 * at its new place must be what it had at its old one (as Landlock's
 * refer right keeps them), or a move would lend rights. */
static bool move_ok(const LlSupFs *fs, const char *from, const char *to)
{
	if (!can(fs, LL_FS_WRITE_FILE, from) || !can(fs, LL_FS_WRITE_FILE, to))
		return false;
	if (can(fs, LL_FS_READ_FILE, to) && !can(fs, LL_FS_READ_FILE, from))
		return false;
	return !can(fs, LL_FS_EXECUTE, to) || can(fs, LL_FS_EXECUTE, from);
}

/* Every entry beneath directory fd, moved from `from` to `to`. -1: too
 * many entries to check. */
static int subtree_ok(const LlSupFs *fs, int fd, const char *from, const char *to, long *budget)
{
	int rfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return 0;
	DIR *d = fdopendir(rfd);
	if (!d) {
		close(rfd);
		return 0;
	}
	int ok = 1;
	struct dirent *e;
	while (ok == 1 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (--*budget < 0) {
			ok = -1;
			break;
		}
		char *f = NULL, *t = NULL;
		if (asprintf(&f, "%s/%s", from, e->d_name) < 0 || asprintf(&t, "%s/%s", to, e->d_name) < 0) {
			free(f);
			ok = 0;
			break;
		}
		if (!move_ok(fs, f, t))
			ok = 0;
		else if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) {
			int c = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (c >= 0) {
				ok = subtree_ok(fs, c, f, t, budget);
				close(c);
			}
		}
		free(f);
		free(t);
	}
	closedir(d);
	return ok;
}

/* A rename of name a to name b (and back, for RENAME_EXCHANGE): 0 when
 * allowed, else the error. */
static int rename_check(const LlSupFs *fs, Name *a, Name *b, bool exchange)
{
	Name *side[2] = { a, b };
	for (int k = 0; k < (exchange ? 2 : 1); k++) {
		Name *f = side[k], *t = side[1 - k];
		if (!move_ok(fs, f->full, t->full))
			return EACCES;
		struct stat sb;
		if (fstatat(f->dfd, f->last, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		/* A directory outside the roots may gain entries while we look
		 * (Landlock lets the program write there): do not move it in; a
		 * mover copies instead (EXDEV), each file decided as it comes. */
		if (!in_root(fs, f->full))
			return EXDEV;
		int c = openat(f->dfd, f->last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (c < 0)
			continue;
		long budget = WALK_BUDGET;
		int r = subtree_ok(fs, c, f->full, t->full, &budget);
		close(c);
		if (r != 1)
			return r < 0 ? EXDEV : EACCES;
	}
	return 0;
}

/* ---- the calls ---- */

static Resp install_fd(Sup *s, const struct seccomp_notif *n, int fd, bool cloexec)
{
	Resp r = { 0 };
	struct seccomp_notif_addfd ad = { .id = n->id, .flags = SECCOMP_ADDFD_FLAG_SEND, .srcfd = (uint32_t)fd,
					  .newfd_flags = cloexec ? O_CLOEXEC : 0 };
	long k = ioctl(s->lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &ad);
	if (k < 0 && errno == EINVAL) { /* before 5.14: add, then answer */
		ad.flags = 0;
		k = ioctl(s->lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &ad);
		if (k >= 0) {
			close(fd);
			r.val = k;
			return r;
		}
	}
	close(fd);
	if (k < 0 && errno != ENOENT)
		r.error = errno == EMFILE ? EMFILE : EBADF;
	else
		r.drop = true; /* answered by the kernel, or the thread is gone */
	return r;
}

static Resp do_open(Sup *s, const struct seccomp_notif *n, const char *call, int dirfd, uint64_t ptr, uint64_t flags,
		    mode_t mode)
{
	Resp r = { .cont = true };
	int acc = (int)(flags & O_ACCMODE);
	bool wr = acc == O_WRONLY || acc == O_RDWR || (flags & (O_CREAT | O_TRUNC));
	if (!wr || acc == O_ACCMODE || (flags & __O_TMPFILE) || (flags >> 32))
		return r;
	Name nm;
	int err;
	int st = resolve(s, n, dirfd, ptr, &nm, &err);
	if (st != N_OK) {
		r = (Resp){ .cont = st == N_CONTINUE, .drop = st == N_GONE, .error = st == N_ERROR ? err : 0 };
		return r;
	}
	if (nm.slash || !in_root(s->fs, nm.dir)) {
		name_close(&nm);
		return r;
	}
	bool allow;
	const LlSupPat *by = decide(s->fs, LL_FS_WRITE_FILE, nm.full, &allow);
	if (allow && acc != O_WRONLY) {
		bool rd;
		const LlSupPat *rby = decide(s->fs, LL_FS_READ_FILE, nm.full, &rd);
		if (!rd) {
			allow = false;
			by = rby;
		}
	}
	log_fs(s, n->pid, call, "write", nm.full, allow, by);
	r.cont = false;
	if (!allow) {
		r.error = EACCES;
		name_close(&nm);
		return r;
	}
	mode_t old = umask(prog_umask(n->pid));
	int fd = openat(nm.dfd, nm.last, (int)flags | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, mode);
	int e = errno;
	umask(old);
	name_close(&nm);
	if (fd < 0) {
		if (e == ELOOP && !(flags & O_NOFOLLOW))
			r.cont = true; /* a symlink the call follows: Landlock decides its target */
		else
			r.error = e;
		return r;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !(S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode))) {
		close(fd); /* a device, FIFO or socket: opening it may block or act; the kernel's */
		r.cont = true;
		return r;
	}
	if (!(flags & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (!sup_still_valid(s, n->id)) {
		close(fd);
		r.drop = true;
		return r;
	}
	return install_fd(s, n, fd, (flags & O_CLOEXEC) != 0);
}

/* The calls that make or remove one name. */
enum { OP_MKDIR, OP_MKNOD, OP_SYMLINK, OP_UNLINK, OP_TRUNCATE };

static Resp do_name(Sup *s, const struct seccomp_notif *n, const char *call, int op, int dirfd, uint64_t ptr,
		    uint64_t arg, uint64_t arg2)
{
	Resp r = { .cont = true };
	char target[PATH_MAX];
	if (op == OP_SYMLINK && (r.error = copy_str(n->pid, arg, target, sizeof target))) {
		r.cont = false;
		return r;
	}
	if (op == OP_MKNOD) {
		mode_t t = (mode_t)arg & S_IFMT;
		if (t != 0 && t != S_IFREG && t != S_IFIFO && t != S_IFSOCK)
			return r; /* devices: the filter refuses them before us */
	}
	Name nm;
	int err;
	int st = resolve(s, n, dirfd, ptr, &nm, &err);
	if (st != N_OK)
		return (Resp){ .cont = st == N_CONTINUE, .drop = st == N_GONE, .error = st == N_ERROR ? err : 0 };
	bool dirop = op == OP_MKDIR || (op == OP_UNLINK && (arg & AT_REMOVEDIR));
	if ((nm.slash && !dirop) || !in_root(s->fs, nm.dir)) {
		name_close(&nm);
		return r;
	}
	bool allow;
	const LlSupPat *by = decide(s->fs, LL_FS_WRITE_FILE, nm.full, &allow);
	log_fs(s, n->pid, call, "write", nm.full, allow, by);
	r.cont = false;
	if (!allow) {
		r.error = EACCES;
		name_close(&nm);
		return r;
	}
	if (!sup_still_valid(s, n->id)) {
		name_close(&nm);
		r.drop = true;
		return r;
	}
	int rc = 0;
	mode_t old = umask(op == OP_MKDIR || op == OP_MKNOD ? prog_umask(n->pid) : 0);
	switch (op) {
	case OP_MKDIR:
		rc = mkdirat(nm.dfd, nm.last, (mode_t)arg);
		break;
	case OP_MKNOD:
		rc = mknodat(nm.dfd, nm.last, (mode_t)arg, 0);
		break;
	case OP_SYMLINK:
		rc = symlinkat(target, nm.dfd, nm.last);
		break;
	case OP_UNLINK:
		rc = unlinkat(nm.dfd, nm.last, (int)(arg & AT_REMOVEDIR));
		break;
	default: { /* OP_TRUNCATE */
		int fd = openat(nm.dfd, nm.last, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		struct stat sb;
		if (fd < 0 && errno == ELOOP) {
			r.cont = true;
			break;
		}
		if (fd >= 0 && (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))) {
			close(fd);
			r.cont = true;
			break;
		}
		rc = fd < 0 ? -1 : ftruncate(fd, (off_t)arg2);
		if (fd >= 0) {
			int e = errno;
			close(fd);
			errno = e;
		}
	}
	}
	int e = errno;
	umask(old);
	name_close(&nm);
	if (!r.cont && rc < 0)
		r.error = e;
	return r;
}

/* rename, renameat, renameat2 (flags) and link, linkat (link true). */
static Resp do_two(Sup *s, const struct seccomp_notif *n, const char *call, bool link, int od, uint64_t op, int nd,
		   uint64_t np, unsigned flags)
{
	Resp r = { .cont = true };
	if (link && (flags & ~(unsigned)AT_SYMLINK_FOLLOW))
		return r; /* AT_EMPTY_PATH: the kernel's */
	Name a, b;
	int err;
	int st = resolve(s, n, od, op, &a, &err);
	if (st != N_OK)
		return (Resp){ .cont = st == N_CONTINUE, .drop = st == N_GONE, .error = st == N_ERROR ? err : 0 };
	st = resolve(s, n, nd, np, &b, &err);
	if (st != N_OK) {
		name_close(&a);
		return (Resp){ .cont = st == N_CONTINUE, .drop = st == N_GONE, .error = st == N_ERROR ? err : 0 };
	}
	if (a.slash || b.slash || (!in_root(s->fs, a.dir) && !in_root(s->fs, b.dir))) {
		name_close(&a);
		name_close(&b);
		return r;
	}
	r.cont = false;
	int e = 0;
	if (link) {
		struct stat sb;
		if ((flags & AT_SYMLINK_FOLLOW) && fstatat(a.dfd, a.last, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(sb.st_mode))
			r.cont = true; /* the link's target is the kernel's (Landlock's) */
		/* A new name for the same file: write at the new name, and no
		 * right there that the old one lacks (write included). */
		else if (!move_ok(s->fs, a.full, b.full))
			e = EACCES;
	} else {
		e = rename_check(s->fs, &a, &b, (flags & RENAME_EXCHANGE) != 0);
	}
	if (!r.cont) {
		bool allow;
		const LlSupPat *by = decide(s->fs, LL_FS_WRITE_FILE, e ? (can(s->fs, LL_FS_WRITE_FILE, a.full) ? b.full : a.full) : b.full, &allow);
		RtBuf what = { 0 };
		rt_printf(&what, "%s -> %s", a.full, b.full);
		log_fs(s, n->pid, call, "write", what.p, e == 0, e == EACCES ? by : e ? NULL : by);
		free(what.p);
		if (e == 0 && !sup_still_valid(s, n->id)) {
			r.drop = true;
		} else if (e == 0) {
			int rc = link ? linkat(a.dfd, a.last, b.dfd, b.last, 0)
				      : (int)syscall(SYS_renameat2, a.dfd, a.last, b.dfd, b.last, flags);
			if (rc < 0)
				e = errno;
		}
		r.error = e;
	}
	name_close(&a);
	name_close(&b);
	return r;
}

Resp sup_fs_handle(Sup *s, const struct seccomp_notif *n)
{
	const __u64 *x = n->data.args;
	int cwd = AT_FDCWD;
	switch ((long)n->data.nr) {
#ifdef SYS_open
	case SYS_open:
		return do_open(s, n, "open", cwd, x[0], (uint32_t)x[1], (mode_t)x[2]);
	case SYS_creat:
		return do_open(s, n, "creat", cwd, x[0], O_CREAT | O_WRONLY | O_TRUNC, (mode_t)x[1]);
	case SYS_mkdir:
		return do_name(s, n, "mkdir", OP_MKDIR, cwd, x[0], x[1], 0);
	case SYS_mknod:
		return do_name(s, n, "mknod", OP_MKNOD, cwd, x[0], x[1], 0);
	case SYS_symlink:
		return do_name(s, n, "symlink", OP_SYMLINK, cwd, x[1], x[0], 0);
	case SYS_unlink:
		return do_name(s, n, "unlink", OP_UNLINK, cwd, x[0], 0, 0);
	case SYS_rmdir:
		return do_name(s, n, "rmdir", OP_UNLINK, cwd, x[0], AT_REMOVEDIR, 0);
	case SYS_link:
		return do_two(s, n, "link", true, cwd, x[0], cwd, x[1], 0);
	case SYS_rename:
		return do_two(s, n, "rename", false, cwd, x[0], cwd, x[1], 0);
#endif
	case SYS_openat:
		return do_open(s, n, "openat", (int)x[0], x[1], (uint32_t)x[2], (mode_t)x[3]);
	case SYS_openat2: {
		struct open_how how = { 0 };
		if (x[3] < sizeof how || x[3] > 4096)
			return (Resp){ .cont = true };
		if (!sup_peek(n->pid, x[2], &how, sizeof how))
			return (Resp){ .error = EFAULT };
		if (how.resolve)
			return (Resp){ .cont = true }; /* the kernel's resolution, under Landlock */
		return do_open(s, n, "openat2", (int)x[0], x[1], how.flags, (mode_t)how.mode);
	}
	case SYS_mkdirat:
		return do_name(s, n, "mkdirat", OP_MKDIR, (int)x[0], x[1], x[2], 0);
	case SYS_mknodat:
		return do_name(s, n, "mknodat", OP_MKNOD, (int)x[0], x[1], x[2], 0);
	case SYS_symlinkat:
		return do_name(s, n, "symlinkat", OP_SYMLINK, (int)x[1], x[2], x[0], 0);
	case SYS_unlinkat:
		if (x[2] & ~(uint64_t)AT_REMOVEDIR)
			return (Resp){ .error = EINVAL };
		return do_name(s, n, "unlinkat", OP_UNLINK, (int)x[0], x[1], x[2], 0);
	case SYS_truncate:
		return do_name(s, n, "truncate", OP_TRUNCATE, cwd, x[0], 0, x[1]);
	case SYS_linkat:
		return do_two(s, n, "linkat", true, (int)x[0], x[1], (int)x[2], x[3], (unsigned)x[4]);
	case SYS_renameat:
		return do_two(s, n, "renameat", false, (int)x[0], x[1], (int)x[2], x[3], 0);
	case SYS_renameat2:
		return do_two(s, n, "renameat2", false, (int)x[0], x[1], (int)x[2], x[3], (unsigned)x[4]);
	default:
		return (Resp){ .cont = true };
	}
}
