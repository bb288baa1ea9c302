/*
 * artifact.c: writing artifacts, all or nothing.
 *
 * Every artifact is first written to a temporary file in the output
 * directory (same file system, so rename is atomic) and synced; only when
 * all of them are safely on disk are they renamed into place. A file whose
 * bytes would not change is left alone, so its mtime stays and ninja's
 * restat and make see no change. Any failure removes the temporaries and
 * leaves every existing artifact as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compile.h"

static bool same_bytes(const char *path, const Buf *b)
{
	Buf cur = { 0 };
	bool same = read_file(path, b->n + 1, &cur) == 0 && cur.n == b->n && (b->n == 0 || memcmp(cur.p, b->p, b->n) == 0);
	buf_free(&cur);
	return same;
}

static bool mkdirs(const char *dir)
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
			if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
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

bool artifact_write_all(const Output *out, const char *dir, Diags *d)
{
	if (!mkdirs(dir)) {
		diag_plain(d, DIAG_ERROR, "cannot create directory '%s': %s", dir, strerror(errno));
		return false;
	}
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
		if (same_bytes(dst[i], &a->data))
			continue;
		if (asprintf(&tmp[i], "%s/.%.*s.%ld.tmp", dir, STRF(a->name), (long)getpid()) < 0) {
			tmp[i] = NULL;
			ok = false;
			break;
		}
		int fd = open(tmp[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0 || !write_all(fd, a->data.p ? a->data.p : "", a->data.n) || fsync(fd) < 0) {
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
	if (!ok && d->nerrors == 0)
		diag_plain(d, DIAG_ERROR, "out of memory writing artifacts");
	return ok;
}
