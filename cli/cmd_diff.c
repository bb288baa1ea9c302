/*
 * cmd_diff.c: `sbxc diff OLD NEW`, `--git REV POLICY`, `--textconv
 * POLICY`: the semantic diff of two policies (driver/diff.c), one side
 * read from git (git.c) when asked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../driver/diff.h"

static int diff_load(Compile *c, const char *path, const Opts *o)
{
	compile_init(c);
	c->fragment_ok = true;
	return compile_load(c, path, o->defines, o->ndefines);
}

int cmd_diff(const Opts *o)
{
	DiffFormat fmt = !o->format || !strcmp(o->format, "text") ? DIFF_TEXT : !strcmp(o->format, "json") ? DIFF_JSON : DIFF_MARKDOWN;
	if (o->textconv) {
		/* git runs this on a copy of the blob, often where `use` paths do
		 * not resolve: then the file's own text is the best it can show. */
		if (o->npos != 1)
			return usage_error(o->usage, "--textconv takes one policy file");
		Compile c;
		if (diff_load(&c, o->pos[0], o)) {
			diff_textconv(stdout, c.policy, &c.arena);
			compile_free(&c);
			return EXIT_OK;
		}
		compile_free(&c);
		Buf b = { 0 };
		int e = read_file(o->pos[0], 64u << 20, &b);
		if (e) {
			fprintf(stderr, "sbxc: cannot read '%s': %s\n", o->pos[0], strerror(e));
			buf_free(&b);
			return EXIT_POLICY;
		}
		printf("# sbxc: this revision does not compile on its own; its text follows\n");
		fwrite(b.p, 1, b.n, stdout);
		buf_free(&b);
		return EXIT_OK;
	}
	Compile a, b;
	GitTree t = { .saved_cwd = -1 };
	const char *old_label, *new_label;
	bool ok;
	if (o->git_rev) {
		if (o->npos != 1)
			return usage_error(o->usage, "--git REV takes one policy file");
		char err[1024];
		if (!git_tree_open(&t, o->git_rev, o->pos[0], err, sizeof err)) {
			fprintf(stderr, "sbxc: %s\n", err);
			return EXIT_POLICY;
		}
		ok = git_tree_enter(&t);
		if (!ok)
			fprintf(stderr, "sbxc: cannot enter %s: %s\n", t.tmp, strerror(errno));
		compile_init(&a);
		if (ok) {
			ok = diff_load(&a, t.path, o);
			git_tree_leave(&t);
			cli_diags(&a.diags);
			a.diags.n = 0;
		}
		ok = diff_load(&b, o->pos[0], o) && ok;
		old_label = t.label;
		new_label = o->pos[0];
	} else {
		if (o->npos != 2)
			return usage_error(o->usage, "expected two policy files");
		ok = diff_load(&a, o->pos[0], o);
		ok = diff_load(&b, o->pos[1], o) && ok;
		old_label = o->pos[0];
		new_label = o->pos[1];
	}
	/* A side whose expect or never fails still has its whole policy (the
	 * loader keeps it): a reviewer needs the diff that broke the check most,
	 * so it is shown and the failures follow; the status stays 1. */
	int widens = 0;
	if (a.policy && b.policy)
		diff_policies(stdout, a.policy, b.policy, &b.arena, fmt, old_label, new_label, &widens);
	fflush(stdout);
	cli_diags(&a.diags);
	cli_diags(&b.diags);
	compile_free(&a);
	compile_free(&b);
	git_tree_free(&t);
	/* Like `git diff --exit-code`, for a CI step that wants a person to look. */
	return !ok ? EXIT_POLICY : o->exit_code && widens ? EXIT_WIDENS : EXIT_OK;
}
