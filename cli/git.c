/*
 * git.c: the command line's only use of git, for `sbxc diff --git REV` and
 * for --check's search of the revision stale artifacts were made from.
 *
 * A revision's *.sbx files are extracted with `git archive` into a
 * temporary tree, so its `use` paths resolve as they did then, and the
 * driver loads the policy from there like any file; no git library, no
 * shell (fork/exec with argv).
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* Runs argv with stdout captured into out (if not NULL), stderr silenced;
 * returns the exit status, or -1. */
static int run(char *const argv[], Buf *out)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int dn = open("/dev/null", O_RDWR);
		dup2(fds[1], 1);
		if (dn >= 0)
			dup2(dn, 2);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	char tmp[4096];
	for (;;) {
		ssize_t r = read(fds[0], tmp, sizeof tmp);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out)
			buf_put(out, tmp, (size_t)r);
	}
	close(fds[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void chomp(Buf *b)
{
	while (b->n && (b->p[b->n - 1] == '\n' || b->p[b->n - 1] == '\r'))
		b->n--;
	buf_putc(b, 0);
	b->n--;
}


/* The repository's top level and the policy's path inside it. */
static bool repo_paths(const char *policy, char *top, size_t ntop, char *rel, size_t nrel, char *err, size_t nerr)
{
	char abs[PATH_MAX];
	if (!realpath(policy, abs)) {
		snprintf(err, nerr, "cannot read '%s': %s", policy, strerror(errno));
		return false;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", abs);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = 0;
	Buf out = { 0 };
	char *argv[] = { "git", "-C", dir, "rev-parse", "--show-toplevel", NULL };
	if (run(argv, &out) != 0 || !out.n) {
		buf_free(&out);
		snprintf(err, nerr, "'%s' is not in a git repository", policy);
		return false;
	}
	chomp(&out);
	char rtop[PATH_MAX];
	if (!realpath(out.p, rtop))
		snprintf(rtop, sizeof rtop, "%s", out.p);
	buf_free(&out);
	size_t tn = strlen(rtop);
	if (strncmp(abs, rtop, tn) || abs[tn] != '/') {
		snprintf(err, nerr, "'%s' is outside its repository '%s'", policy, rtop);
		return false;
	}
	snprintf(top, ntop, "%s", rtop);
	snprintf(rel, nrel, "%s", abs + tn + 1);
	return true;
}

int git_log_revs(const char *policy, int n, char (*out)[41])
{
	char top[PATH_MAX], rel[PATH_MAX], err[256];
	if (!repo_paths(policy, top, sizeof top, rel, sizeof rel, err, sizeof err))
		return 0;
	char num[16];
	snprintf(num, sizeof num, "-n%d", n);
	char *argv[] = { "git", "-C", top, "log", num, "--format=%H", "--", rel, NULL };
	Buf b = { 0 };
	int got = 0;
	if (run(argv, &b) == 0) {
		for (size_t i = 0; i + 40 <= b.n && got < n; i += 41) {
			memcpy(out[got], b.p + i, 40);
			out[got][40] = 0;
			got++;
		}
	}
	buf_free(&b);
	return got;
}

bool git_tree_open(GitTree *t, const char *rev, const char *policy, char *err, size_t nerr)
{
	memset(t, 0, sizeof *t);
	t->saved_cwd = -1;
	char top[PATH_MAX], rel[PATH_MAX];
	if (!repo_paths(policy, top, sizeof top, rel, sizeof rel, err, nerr))
		return false;
	char spec[300];
	snprintf(spec, sizeof spec, "%s^{commit}", rev);
	char *vargv[] = { "git", "-C", top, "rev-parse", "--verify", "--quiet", spec, NULL };
	if (run(vargv, NULL) != 0) {
		snprintf(err, nerr, "no revision '%s' in %s", rev, top);
		return false;
	}
	const char *td = getenv("TMPDIR");
	snprintf(t->tmp, sizeof t->tmp, "%s/sbxc-git-XXXXXX", td && td[0] == '/' ? td : "/tmp");
	if (!mkdtemp(t->tmp)) {
		snprintf(err, nerr, "cannot create a temporary directory: %s", strerror(errno));
		t->tmp[0] = 0;
		return false;
	}
	char tar[4200], tree[4200];
	snprintf(tar, sizeof tar, "%s/rev.tar", t->tmp);
	snprintf(tree, sizeof tree, "%s/tree", t->tmp);
	mkdir(tree, 0700);
	char *aargv[] = { "git", "-C", top, "archive", "--format=tar", "-o", tar, (char *)rev, "--", "*.sbx", rel, NULL };
	char *xargv[] = { "tar", "-xf", tar, "-C", tree, NULL };
	char want[8400];
	snprintf(want, sizeof want, "%s/%s", tree, rel);
	struct stat sb;
	if (run(aargv, NULL) != 0 || run(xargv, NULL) != 0 || stat(want, &sb) < 0) {
		snprintf(err, nerr, "'%s' is not in revision %s", rel, rev);
		git_tree_free(t);
		return false;
	}
	unlink(tar);
	if ((size_t)snprintf(t->label, sizeof t->label, "%s:%s", rev, rel) >= sizeof t->label)
		t->label[sizeof t->label - 1] = 0;
	/* Same relative path from the same relative working directory, when
	 * the working directory is inside the repository. */
	char cwd[PATH_MAX], rcwd[PATH_MAX];
	size_t tn = strlen(top);
	if (policy[0] != '/' && getcwd(cwd, sizeof cwd) && realpath(cwd, rcwd) &&
	    (!strcmp(rcwd, top) || (!strncmp(rcwd, top, tn) && rcwd[tn] == '/'))) {
		if ((size_t)snprintf(t->cwd_in, sizeof t->cwd_in, "%s%s", tree, rcwd + tn) >= sizeof t->cwd_in ||
		    (size_t)snprintf(t->path, sizeof t->path, "%s", policy) >= sizeof t->path || !artifact_mkdirs(t->cwd_in, 0700))
			goto toolong;
	} else if ((size_t)snprintf(t->path, sizeof t->path, "%s", want) >= sizeof t->path)
		goto toolong;
	return true;
toolong:
	snprintf(err, nerr, "path too long under %s", t->tmp);
	git_tree_free(t);
	return false;
}

bool git_tree_enter(GitTree *t)
{
	if (!t->cwd_in[0])
		return true;
	t->saved_cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->saved_cwd < 0)
		return false;
	if (chdir(t->cwd_in) < 0) {
		close(t->saved_cwd);
		t->saved_cwd = -1;
		return false;
	}
	return true;
}

void git_tree_leave(GitTree *t)
{
	if (t->saved_cwd >= 0) {
		if (fchdir(t->saved_cwd) < 0) {
			/* Nothing sensible to do: the caller's paths are relative to a
			 * directory we cannot return to; stay in the tree. */
		}
		close(t->saved_cwd);
		t->saved_cwd = -1;
	}
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

void git_tree_free(GitTree *t)
{
	git_tree_leave(t);
	if (t->tmp[0])
		nftw(t->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	t->tmp[0] = 0;
}
