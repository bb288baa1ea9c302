/*
 * fsprobe.c: the file calls of tests/supervisor/run.sh's deny-inside-allow
 * cases, run inside the sandbox. Each operation prints "ok" or "err ENAME"
 * and exits 0 or 1, so the suite compares the kernel's answer with `sbxc
 * explain`.
 *
 *   fsprobe create PATH          open(O_CREAT|O_WRONLY|O_TRUNC) and write
 *   fsprobe write PATH           open(O_WRONLY) an existing file and write
 *   fsprobe mkdir PATH | unlink PATH | rmdir PATH | truncate PATH | mkfifo PATH
 *   fsprobe symlink TARGET PATH | link OLD NEW | rename OLD NEW
 *   fsprobe race-dir DIR N       a thread exchanges DIR/a (a directory) with
 *                                DIR/b (a symlink to DIR/.env) while DIR/a/f
 *                                is created N times
 *   fsprobe race-last DIR N      a thread swaps DIR/last between a regular
 *                                file and a symlink to DIR/.env/t while it is
 *                                opened for writing N times
 * The races print "tries N created K" and exit 0; the suite checks that
 * nothing reached DIR/.env.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static const char *ename(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ELOOP: return "ELOOP";
	case ENOSYS: return "ENOSYS";
	case ENOTEMPTY: return "ENOTEMPTY";
	default: return strerror(e);
	}
}

static int result(int rc)
{
	if (rc < 0) {
		printf("err %s\n", ename(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}

static atomic_int stop;
static const char *dir;

static void *exchanger(void *arg)
{
	char a[4096], b[4096];
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	while (!atomic_load(&stop))
		syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
	return arg;
}

static void *swapper(void *arg)
{
	char last[4096], tl[4096], tf[4096];
	snprintf(last, sizeof last, "%s/last", dir);
	snprintf(tl, sizeof tl, "%s/tl", dir);
	snprintf(tf, sizeof tf, "%s/tf", dir);
	while (!atomic_load(&stop)) {
		unlink(tl);
		if (symlink(".env/t", tl) == 0)
			rename(tl, last);
		int fd = open(tf, O_CREAT | O_WRONLY, 0644);
		if (fd >= 0) {
			close(fd);
			rename(tf, last);
		}
	}
	return arg;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	const char *op = argv[1], *p = argv[2];
	if (!strcmp(op, "create") || !strcmp(op, "write")) {
		int fd = open(p, O_WRONLY | (op[0] == 'c' ? O_CREAT | O_TRUNC : 0), 0644);
		if (fd >= 0 && write(fd, "x\n", 2) != 2) {
			close(fd);
			fd = -1;
		}
		if (fd >= 0)
			close(fd);
		return result(fd);
	}
	if (!strcmp(op, "mkdir"))
		return result(mkdir(p, 0755));
	if (!strcmp(op, "unlink"))
		return result(unlink(p));
	if (!strcmp(op, "rmdir"))
		return result(rmdir(p));
	if (!strcmp(op, "truncate"))
		return result(truncate(p, 0));
	if (!strcmp(op, "mkfifo"))
		return result(mkfifo(p, 0644));
	if (argc >= 4 && !strcmp(op, "symlink"))
		return result(symlink(p, argv[3]));
	if (argc >= 4 && !strcmp(op, "link"))
		return result(link(p, argv[3]));
	if (argc >= 4 && !strcmp(op, "rename"))
		return result(rename(p, argv[3]));
	if (argc >= 4 && (!strcmp(op, "race-dir") || !strcmp(op, "race-last"))) {
		dir = p;
		int n = atoi(argv[3]), made = 0;
		bool d = op[5] == 'd';
		char a[4096], f[4096], b[4096];
		if (d) {
			snprintf(a, sizeof a, "%s/a", dir);
			snprintf(b, sizeof b, "%s/b", dir);
			snprintf(f, sizeof f, "%s/a/f", dir);
			if (mkdir(a, 0755) < 0 || symlink(".env", b) < 0)
				return result(-1);
		} else {
			snprintf(f, sizeof f, "%s/last", dir);
		}
		pthread_t t;
		pthread_create(&t, NULL, d ? exchanger : swapper, NULL);
		for (int i = 0; i < n; i++) {
			int fd = open(f, O_CREAT | O_WRONLY | O_TRUNC, 0644);
			if (fd < 0)
				continue;
			made++;
			if (write(fd, "pwn\n", 4) != 4)
				made += 0;
			close(fd);
		}
		atomic_store(&stop, 1);
		pthread_join(t, NULL);
		printf("tries %d created %d\n", n, made);
		return 0;
	}
	return 2;
}
