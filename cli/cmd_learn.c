/*
 * cmd_learn.c: `sbxc learn [-o POLICY.sbx] -- COMMAND [ARGS...]`: run
 * COMMAND unconfined under the observer (runtime/learn.c: seccomp user
 * notification answering CONTINUE, nothing denied), record what it did,
 * and write a proposed policy (learn_fold.c) that the compiler has
 * checked: it loads, its expects hold, and every target's wider rules
 * carry an `accept` that says sbxc learn proposed it, so `sbxc check`
 * passes and the accepts are the list to review. The proposal is printed
 * canonically (as `sbxc fmt`), to POLICY.sbx (written atomically) or
 * stdout; what was watched and a summary go to stderr.
 *
 * --from POLICY: the command still runs unconfined; what POLICY already
 * allows (the evaluator decides) is not proposed again, and the output is
 * POLICY's text with the additions after it, so `sbxc diff POLICY OUT`
 * is the change to review (a merge of a second run).
 *
 * Exit status: COMMAND's own when it failed (the policy is still
 * written: what it did so far is worth reviewing), else 0; 1 when the
 * proposal does not compile (a bug: the text is printed to stderr), 64
 * bad usage, 126 when the command cannot be observed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "learn_fold.h"
#include "../driver/fidelity.h"
#include "../lang/lang.h"
#include "../runtime/learn.h"

static const char usage[] =
	"usage: sbxc learn [-o POLICY.sbx] [--name NAME | --from POLICY.sbx] -- COMMAND [ARGS...]\n"
	"\n"
	"Run COMMAND (unconfined: nothing is denied) while watching what it and its\n"
	"children do: files opened for reading, writing and creating, programs run,\n"
	"directories listed, metadata changed, sockets connected and bound, processes\n"
	"started and signals sent (seccomp user notification). Then write a proposed\n"
	"policy: paths folded into directories where most entries were used, written\n"
	"with ${PROJECT}, ${HOME} and ${TMPDIR}, std/ fragments for what they cover;\n"
	"secrets (~/.ssh, ~/.aws, ~/.gnupg, browser profiles, token files, .env) are\n"
	"never granted: they get a comment, a deny and an expect deny. Each rule says\n"
	"how many accesses it covers; a few expect lines test what was seen. The\n"
	"proposal passes `sbxc check` (wider rules carry an accept to review).\n"
	"  -o FILE      write the policy to FILE (default: stdout)\n"
	"  --name NAME  the policy's name (default: FILE's name, or 'learned')\n"
	"  --from FILE  start from FILE: propose only what it does not allow, written\n"
	"               after its text (-o FILE rewrites it; sbxc diff shows the change)\n"
	"Exit status: COMMAND's when it failed (the policy is written anyway), else 0;\n"
	"126 the command cannot be observed; 64 bad usage.\n";

typedef struct Ctx {
	LearnSeen seen;
	long nevents;
} Ctx;

static void parent_dir(const char *p, char *out, size_t n)
{
	snprintf(out, n, "%s", p);
	char *s = strrchr(out, '/');
	if (s && s != out)
		*s = 0;
	else
		snprintf(out, n, "/");
}

static void on_event(void *vctx, const LearnEvent *e)
{
	Ctx *x = vctx;
	LearnSeen *s = &x->seen;
	x->nevents++;
	if (e->kind < 16)
		s->events[e->kind]++;
	char dir[PATH_MAX], root[PATH_MAX];
	const char *path = e->path;
	/* A descriptor the process already holds, opened again (a pipe, a
	 * jobserver): no path of the file system a rule could name. */
	if (path && (!strncmp(path, "/dev/fd/", 8) || !strncmp(path, "/proc/self/fd/", 14) ||
		     !strncmp(path, "/proc/thread-self/fd/", 21) || !strncmp(path, "/dev/std", 8)))
		return;
	if (path && lf_secret(s, path, root, sizeof root)) {
		char who[32];
		learn_comm(e->pid, who, sizeof who);
		if (e->kind != LE_LIST || strcmp(root, path)) /* listing ~ shows the name, not the secret */
			lf_secret_add(s, root, path, who, e->kind != LE_READ && e->kind != LE_LIST && e->kind != LE_EXEC);
		return;
	}
	switch (e->kind) {
	case LE_READ:
		if (e->existed)
			lf_add(s, path, LR_READ, NULL);
		break;
	case LE_LIST:
		if (e->existed) {
			LearnAcc *a = lf_acc(s, path);
			if (!a->count[LR_READ])
				a->listed = true;
			lf_add(s, path, LR_READ, NULL);
		}
		break;
	case LE_WRITE:
	case LE_META:
		lf_add(s, path, LR_WRITE, NULL);
		break;
	case LE_CREATE:
		if (!e->existed)
			lf_acc(s, path)->created = true;
		/* fallthrough */
	case LE_REMOVE:
		parent_dir(path, dir, sizeof dir);
		lf_add(s, dir, LR_WRITE, path);
		break;
	case LE_MKDIR:
		/* A directory the run made is written with `create` (the runtime
		 * makes it before the next run), so its parent need not be
		 * writable; one that existed (mkdir -p) needs nothing. */
		if (!e->existed) {
			lf_add(s, path, LR_WRITE, NULL);
			lf_acc(s, path)->created = true;
		}
		break;
	case LE_EXEC:
		if (e->existed) {
			lf_add(s, path, LR_EXEC, NULL);
		}
		break;
	case LE_CONNECT:
	case LE_BIND: {
		char what[PATH_MAX + 64];
		snprintf(what, sizeof what, "%s %s", e->kind == LE_CONNECT ? "connect" : "bind", e->net);
		lf_net_add(s, what);
		break;
	}
	case LE_FORK:
		s->forks++;
		break;
	case LE_SIGNAL:
		s->sig[!strcmp(e->net, "self") ? 0 : !strcmp(e->net, "children") ? 1 : 2] = true;
		break;
	}
}

/* The policy's name from -o's file name: an identifier. */
static void name_from(const char *out, const char *given, char *name, size_t n)
{
	const char *b = given ? given : out ? (strrchr(out, '/') ? strrchr(out, '/') + 1 : out) : "learned";
	size_t k = 0;
	for (; *b && k + 1 < n; b++) {
		if (!given && !strcmp(b, ".sbx"))
			break;
		char c = *b;
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
			  (k && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
		name[k++] = ok ? c : '_';
	}
	name[k] = 0;
	if (!k)
		snprintf(name, n, "learned");
}

typedef struct Accepts {
	Buf *b;
	char seen[64][64];
	int n;
} Accepts;

static void need_accept(void *vctx, const Rule *r, const Backend *be, Str note)
{
	Accepts *a = vctx;
	char key[64];
	snprintf(key, sizeof key, "%s %s", ir_right_name[r->right], be->name);
	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->seen[i], key))
			return;
	if (a->n < 64)
		snprintf(a->seen[a->n++], 64, "%s", key);
	buf_printf(a->b, "accept wider %s on %s because ", ir_right_name[r->right], be->name);
	Buf why = { 0 };
	buf_printf(&why, "proposed by sbxc learn: %s enforces it more widely (%.*s); review", be->name, STRF(note));
	buf_putc(&why, 0);
	lt_string(a->b, why.p);
	buf_free(&why);
	buf_putc(a->b, '\n');
}

int cmd_learn(int argc, char **argv)
{
	const char *out = NULL, *name = NULL, *from = NULL;
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output") || !strcmp(argv[i], "--name") ||
		     !strcmp(argv[i], "--from")) && i + 1 < argc) {
			*(!strcmp(argv[i], "--name") ? &name : !strcmp(argv[i], "--from") ? &from : &out) = argv[i + 1];
			i++;
			continue;
		}
		return usage_error(usage, "%s '%s'", argv[i][0] == '-' ? "unknown option" : "'--' expected before the command", argv[i]);
	}
	if (i + 1 >= argc)
		return usage_error(usage, "expected -- COMMAND [ARGS...]");
	char **cmd = argv + i + 1;
	if (from && name)
		return usage_error(usage, "--name names a new policy; --from keeps its own");
	/* --from: loaded first, so a policy that does not compile stops here. */
	Compile fc;
	compile_init(&fc);
	Buf ftext = { 0 };
	if (from) {
		int e = read_file(from, fc.max_file_size, &ftext);
		if (e) {
			fprintf(stderr, "sbxc learn: cannot read '%s': %s\n", from, strerror(e));
			buf_free(&ftext);
			compile_free(&fc);
			return EXIT_POLICY;
		}
		if (!compile_load(&fc, from, NULL, 0)) {
			buf_free(&ftext);
			return finish(&fc, EXIT_POLICY);
		}
	}
	Ctx x = { 0 };
	char cwd[PATH_MAX], home[PATH_MAX], tmp[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd)) {
		fprintf(stderr, "sbxc learn: no working directory\n");
		return 126;
	}
	/* Real paths: the kernel reports them so (/proc links). */
	const char *h = getenv("HOME"), *t = getenv("TMPDIR");
	x.seen.project = cwd;
	x.seen.home = h && realpath(h, home) ? home : NULL;
	x.seen.tmpdir = realpath(t && *t ? t : "/tmp", tmp) ? tmp : NULL;
	Buf cmdline = { 0 };
	for (char **c = cmd; *c; c++)
		buf_printf(&cmdline, "%s%s", c == cmd ? "" : " ", *c);
	buf_putc(&cmdline, 0);
	fprintf(stderr, "sbxc learn: watching `%s` and its children: opens (read, write, create), exec,\n"
			"  directory listings, metadata changes, connect, bind, fork and kill\n"
			"  (seccomp user notification; nothing is denied, the command runs unconfined)\n",
		cmdline.p);
	fflush(stderr);
	int status = learn_run(cmd, "sbxc learn", on_event, &x);
	if (status == 126 && x.nevents == 0) {
		buf_free(&cmdline);
		lf_free(&x.seen);
		buf_free(&ftext);
		compile_free(&fc);
		return status;
	}
	char pname[128];
	name_from(out, name, pname, sizeof pname);
	Buf text = { 0 };
	int nrules, nfrags;
	lf_propose(&x.seen, pname, cmdline.p, from ? &fc : NULL, buf_as_str(&ftext), &text, &nrules, &nfrags);
	compile_free(&fc);
	buf_free(&ftext);
	/* The compiler's answer: loads and its checks hold; then the accepts
	 * every target needs, and the canonical form. */
	Compile c;
	compile_init(&c);
	Str src = arena_strdup(&c.arena, buf_as_str(&text));
	int rc = EXIT_OK;
	/* Loaded under --from's name, so its relative `use` paths resolve as before. */
	const char *srcname = from ? from : "<learned>";
	if (!compile_load_text(&c, srcname, src, NULL, 0)) {
		fprintf(stderr, "sbxc learn: the proposal does not compile (a bug in sbxc learn); it was:\n%.*s", STRF(src));
		rc = finish(&c, EXIT_POLICY);
		buf_free(&text);
		buf_free(&cmdline);
		lf_free(&x.seen);
		return rc;
	}
	const Backend *sel[16];
	Str bad;
	int nsel = target_select("all", sel, 16, &bad);
	Buf acc = { 0 };
	Accepts ac = { .b = &acc };
	fidelity_each_unaccepted(&c, sel, nsel, need_accept, &ac);
	compile_free(&c);
	if (acc.n) {
		buf_puts(&text, "\n");
		buf_str(&text, buf_as_str(&acc));
	}
	buf_free(&acc);
	compile_init(&c);
	src = arena_strdup(&c.arena, buf_as_str(&text));
	Buf fmt = { 0 };
	bool ok = compile_load_text(&c, srcname, src, NULL, 0);
	if (ok) {
		Diags d = { .arena = &c.arena };
		c.arena.oom = &c.oom;
		ok = !setjmp(c.oom) && lang_format(&c.arena, &d, 0, src, &fmt);
		c.arena.oom = NULL;
	}
	if (!ok) {
		fprintf(stderr, "sbxc learn: the proposal does not compile (a bug in sbxc learn); it was:\n%.*s", STRF(src));
		rc = EXIT_POLICY;
	} else if (out) {
		const char *slash = strrchr(out, '/');
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - out) : 1, slash ? out : ".");
		if (slash == out)
			snprintf(dir, sizeof dir, "/");
		Output one = { 0 };
		Artifact art = { str_c(slash ? slash + 1 : out), fmt };
		one.v = &art;
		one.n = 1;
		if (!artifact_write_all(&one, dir, &c.diags))
			rc = EXIT_POLICY;
	} else {
		fwrite(fmt.p, 1, fmt.n, stdout);
		fflush(stdout);
	}
	LearnSeen *s = &x.seen;
	fprintf(stderr,
		"sbxc learn: %ld calls seen (%ld reads, %ld listings, %ld writes, %ld creates, %ld removes, %ld metadata,\n"
		"  %ld execs, %ld connects, %ld binds, %ld forks); proposed %d rules, %d std fragments, %d secrets denied%s%s\n",
		x.nevents, s->events[LE_READ], s->events[LE_LIST], s->events[LE_WRITE], s->events[LE_CREATE] + s->events[LE_MKDIR],
		s->events[LE_REMOVE], s->events[LE_META], s->events[LE_EXEC], s->events[LE_CONNECT], s->events[LE_BIND],
		s->events[LE_FORK], nrules, nfrags, s->nsec, out && rc == EXIT_OK ? "; wrote " : "", out && rc == EXIT_OK ? out : "");
	if (status != 0)
		fprintf(stderr, "sbxc learn: the command exited with status %d: the proposal holds what it did until then\n", status);
	buf_free(&fmt);
	finish(&c, EXIT_OK);
	buf_free(&text);
	buf_free(&cmdline);
	lf_free(&x.seen);
	return rc != EXIT_OK ? rc : status;
}
