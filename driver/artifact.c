/*
 * artifact.c: writing artifacts, all or nothing.
 *
 * Every artifact is first written to a temporary file in the output
 * directory (same file system, so rename is atomic) and synced; only when
 * all of them are safely on disk are they renamed into place. A file whose
 * bytes would not change is left alone, so its mtime stays and ninja's
 * restat and make see no change. Any failure removes the temporaries and
 * leaves every existing artifact as it was.
 *
 * What a crash can leave: a process killed before the renames leaves its
 * temporaries (".NAME.PID.tmp", never an artifact's name); the next write
 * into the directory removes those whose process is gone. A process
 * killed between two renames leaves some artifacts new and some old, each
 * whole; `--check` reports the mix. The directory is synced after the
 * renames so that they survive a power loss.
 *
 * Test hooks (environment): SBXC_FAIL_WRITE=N makes the Nth temporary
 * file's write fail half way with ENOSPC, as a full disk would;
 * SBXC_STOP_BEFORE_RENAME=1 stops the process (SIGSTOP) once every
 * temporary is written, so a test can kill it at the worst moment.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compile.h"

/* Compared through a mapping: no copy, and a size mismatch costs one fstat. */
bool artifact_same(const char *path, const Buf *b, int *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (err)
			*err = errno;
		return false;
	}
	struct stat sb;
	bool same = false;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size == b->n) {
		if (b->n == 0)
			same = true;
		else {
			void *m = mmap(NULL, b->n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
			if (m != MAP_FAILED) {
				same = memcmp(m, b->p, b->n) == 0;
				munmap(m, b->n);
			}
		}
	}
	close(fd);
	return same;
}

bool artifact_mkdirs(const char *dir, unsigned mode)
{
	char tmp[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof tmp)
		return false;
	memcpy(tmp, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] == '/' || tmp[i] == 0) {
			char c = tmp[i];
			tmp[i] = 0;
			if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
				return false;
			tmp[i] = c;
		}
	}
	return true;
}

static bool name_ok(Str n)
{
	if (n.n == 0 || n.n > 200 || n.p[0] == '.')
		return false;
	for (size_t i = 0; i < n.n; i++)
		if (n.p[i] == '/' || n.p[i] == 0 || (unsigned char)n.p[i] < 0x20)
			return false;
	return true;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Temporaries of artifacts we are about to write, left by a process that
 * no longer exists. */
static void remove_stale_temps(const Output *out, const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		if (n[0] != '.' || len < 6 || strcmp(n + len - 4, ".tmp"))
			continue;
		for (int i = 0; i < out->n; i++) {
			Str an = out->v[i].name;
			if (len <= an.n + 1 || memcmp(n + 1, an.p, an.n) || n[an.n + 1] != '.')
				continue;
			char *end;
			long pid = strtol(n + an.n + 2, &end, 10);
			if (pid <= 0 || strcmp(end, ".tmp") || pid == (long)getpid())
				continue;
			if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
				char path[4400];
				if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, n) < sizeof path)
					unlink(path);
			}
		}
	}
	closedir(dp);
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

bool artifact_write_all(const Output *out, const char *dir, Diags *d)
{
	const char *fail_env = getenv("SBXC_FAIL_WRITE");
	int fail_at = fail_env ? atoi(fail_env) : 0, nwritten = 0;
	if (!artifact_mkdirs(dir, 0777)) {
		diag_plain(d, DIAG_ERROR, "cannot create directory '%s': %s", dir, strerror(errno));
		return false;
	}
	remove_stale_temps(out, dir);
	int n = out->n;
	char **tmp = calloc((size_t)n + 1, sizeof *tmp);
	char **dst = calloc((size_t)n + 1, sizeof *dst);
	bool ok = tmp && dst;
	for (int i = 0; ok && i < n; i++) {
		const Artifact *a = &out->v[i];
		if (!name_ok(a->name)) {
			diag_plain(d, DIAG_ERROR, "refusing to write an artifact named '%.*s'", STRF(a->name));
			ok = false;
			break;
		}
		if (asprintf(&dst[i], "%s/%.*s", dir, STRF(a->name)) < 0) {
			dst[i] = NULL;
			ok = false;
			break;
		}
		if (artifact_same(dst[i], &a->data, NULL))
			continue;
		if (asprintf(&tmp[i], "%s/.%.*s.%ld.tmp", dir, STRF(a->name), (long)getpid()) < 0) {
			tmp[i] = NULL;
			ok = false;
			break;
		}
		int fd = open(tmp[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
		bool injected = ++nwritten == fail_at;
		if (injected && fd >= 0) {
			write_all(fd, a->data.p ? a->data.p : "", a->data.n / 2);
			errno = ENOSPC;
		}
		if (fd < 0 || injected || !write_all(fd, a->data.p ? a->data.p : "", a->data.n) || fsync(fd) < 0) {
			diag_plain(d, DIAG_ERROR, "cannot write '%s': %s", dst[i], strerror(errno));
			if (fd >= 0)
				close(fd);
			ok = false;
			break;
		}
		if (close(fd) < 0) {
			diag_plain(d, DIAG_ERROR, "cannot write '%s': %s", dst[i], strerror(errno));
			ok = false;
			break;
		}
	}
	if (ok && nwritten && getenv("SBXC_STOP_BEFORE_RENAME"))
		raise(SIGSTOP);
	for (int i = 0; ok && i < n; i++) {
		if (tmp && tmp[i] && rename(tmp[i], dst[i]) < 0) {
			diag_plain(d, DIAG_ERROR, "cannot replace '%s': %s", dst[i], strerror(errno));
			ok = false;
		}
		if (tmp && tmp[i] && ok) {
			free(tmp[i]);
			tmp[i] = NULL;
		}
	}
	for (int i = 0; i < n; i++) {
		if (tmp && tmp[i]) {
			unlink(tmp[i]);
			free(tmp[i]);
		}
		if (dst)
			free(dst[i]);
	}
	free(tmp);
	free(dst);
	if (nwritten)
		sync_dir(dir);
	if (!ok && d->nerrors == 0)
		diag_plain(d, DIAG_ERROR, "out of memory writing artifacts");
	return ok;
}

/* The absolute path without symlinks: each existing component resolved by
 * realpath, the rest (an output directory not made yet) lexically. */
static bool path_resolved(const char *path, char *out, size_t n)
{
	char cur[PATH_MAX];
	if (path[0] == '/')
		snprintf(cur, sizeof cur, "/");
	else if (!getcwd(cur, sizeof cur))
		return false;
	const char *p = path;
	for (size_t len; *p; p += len + (p[len] == '/')) {
		len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.'))
			continue;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(cur, '/');
			slash[slash == cur] = 0; /* cur has no symlinks left: the parent is lexical */
			continue;
		}
		size_t cl = strlen(cur);
		if (cl + 1 + len >= sizeof cur)
			return false;
		snprintf(cur + cl, sizeof cur - cl, "%s%.*s", cl > 1 ? "/" : "", (int)len, p);
		char r[PATH_MAX];
		if (realpath(cur, r)) /* fails from the first component not made yet */
			memcpy(cur, r, strlen(r) + 1);
	}
	return (size_t)snprintf(out, n, "%s", cur) < n;
}

/* Splits an absolute path in place into its components. */
static int path_split(char *p, char **v, int max)
{
	int n = 0;
	for (char *save, *t = strtok_r(p, "/", &save); t && n < max; t = strtok_r(NULL, "/", &save))
		v[n++] = t;
	return n;
}

Str artifact_relative(Arena *a, const char *file, const char *dir)
{
	const char *slash = strrchr(file, '/');
	const char *base = slash ? slash + 1 : file;
	char fdir[PATH_MAX], odir[PATH_MAX];
	char *fd = slash ? arena_cstr(a, (Str){ file, slash == file ? 1 : (size_t)(slash - file) }) : ".";
	if (!path_resolved(fd, fdir, sizeof fdir) || !path_resolved(dir, odir, sizeof odir))
		return str_c(file); /* no better name: the spelling is all there is */
	char *fv[PATH_MAX / 2], *ov[PATH_MAX / 2];
	int fn = path_split(fdir, fv, (int)ARRAY_LEN(fv)), on = path_split(odir, ov, (int)ARRAY_LEN(ov));
	int k = 0;
	while (k < fn && k < on && !strcmp(fv[k], ov[k]))
		k++;
	Buf b = { 0 };
	for (int i = k; i < on; i++)
		buf_puts(&b, "../");
	for (int i = k; i < fn; i++)
		buf_printf(&b, "%s/", fv[i]);
	buf_puts(&b, base);
	Str s = arena_strdup(a, buf_as_str(&b));
	buf_free(&b);
	return s;
}
