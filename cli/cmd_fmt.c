/*
 * cmd_fmt.c: `sbxc fmt [-w | --check] POLICY...`: print each policy in
 * canonical form, rewrite it in place through the artifacts' atomic
 * writer, or say which files are not canonical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../lang/lang.h"

/* One file: EXIT_OK or EXIT_POLICY. */
static int fmt_one(const char *path, bool write, bool check)
{
	Compile c;
	compile_init(&c);
	Buf src = { 0 };
	int e = read_file(path, c.max_file_size, &src);
	if (e) {
		fprintf(stderr, "sbxc: cannot read '%s': %s\n", path, strerror(e));
		buf_free(&src);
		compile_free(&c);
		return EXIT_POLICY;
	}
	SrcFile sf = { .name = str_c(path), .text = arena_strdup(&c.arena, buf_as_str(&src)) };
	buf_free(&src);
	c.diags.files = &sf;
	c.diags.nfiles = 1;
	Buf out = { 0 };
	c.arena.oom = &c.oom;
	bool ok = !setjmp(c.oom) && lang_format(&c.arena, &c.diags, 0, sf.text, &out);
	c.arena.oom = NULL;
	if (!ok) {
		buf_free(&out);
		return finish(&c, EXIT_POLICY);
	}
	int status = EXIT_OK;
	bool same = out.n == sf.text.n && memcmp(out.p, sf.text.p, out.n) == 0;
	if (check) {
		if (!same) {
			fprintf(stderr, "%s: not in canonical form (sbxc fmt -w %s rewrites it)\n", path, path);
			status = EXIT_POLICY;
		}
	} else if (!write) {
		fwrite(out.p, 1, out.n, stdout);
	} else if (!same) {
		/* Rewrite in place through the same atomic writer as artifacts. */
		const char *slash = strrchr(path, '/');
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
		if (slash == path)
			snprintf(dir, sizeof dir, "/");
		Output one = { 0 };
		Artifact art = { str_c(slash ? slash + 1 : path), out };
		one.v = &art;
		one.n = 1;
		if (!artifact_write_all(&one, dir, &c.diags))
			status = EXIT_POLICY;
	}
	buf_free(&out);
	finish(&c, EXIT_OK);
	return status;
}

int cmd_fmt(const Opts *o)
{
	if (o->write && o->check)
		return usage_error(o->usage, "-w and --check do not go together");
	int status = EXIT_OK;
	for (int i = 0; i < o->npos; i++)
		if (fmt_one(o->pos[i], o->write, o->check) != EXIT_OK)
			status = EXIT_POLICY;
	return status;
}
