/*
 * run_quick.c: `sbxc run`'s quick flags. `--read PATH --write PATH --exec
 * PATH --connect tcp:HOST:PORT --bind tcp:HOST:PORT --use std/NAME` write a
 * policy in memory instead of naming a file; cmd_run.c then compiles it
 * with the same compiler and the same fidelity gate as a file, and
 * `--print-policy` prints it in canonical form (as `sbxc fmt` would) so the
 * quick case becomes a committed policy.
 *
 * What a quick policy holds beyond the flags, so that it can run anything
 * at all: `use std/base` (the loader and libc: without them no dynamically
 * linked program starts), and read+exec of the command itself, found the
 * way execvp would find it (and its real path when that differs). --write
 * grants read and write, --exec read and exec (a script is read by its
 * interpreter). A relative path (`.`, `./src`, `../x`) is under
 * ${PROJECT}, which is the working directory when the policy is applied;
 * `~` is ${HOME}; a ${NAME} that is not a built-in becomes a `param NAME`
 * the run must give with -D NAME=VALUE.
 *
 * The other arguments are the runtime's (rt_opts.c): they are passed on
 * unchanged, with a placeholder where the policy file would stand.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../lang/lang.h"
#include "../runtime/sbx.h"

enum { QF_READ, QF_WRITE, QF_EXEC, QF_CONNECT, QF_BIND, QF_USE, QF_PRINT };
static const struct {
	const char *name;
	int kind;
} quick_flags[] = {
	{ "--read", QF_READ }, { "--write", QF_WRITE }, { "--exec", QF_EXEC }, { "--connect", QF_CONNECT },
	{ "--bind", QF_BIND }, { "--use", QF_USE }, { "--print-policy", QF_PRINT },
};

/* The runtime options of `sbxc run` that take the next argument (rt_opts.c),
 * so their value is never taken for the policy file or a quick flag. */
static bool takes_value(const char *a)
{
	static const char *const v[] = { "-D", "--format", "--abi", "--keep-fd", "--log" };
	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		if (!strcmp(a, v[i]))
			return true;
	return false;
}

static int quick_error(const char *flag, const char *value, const char *why)
{
	fprintf(stderr, "sbxc run: %s '%s': %s\n", flag, value, why);
	return EXIT_USAGE;
}

/* Each ${NAME} in s that is not a built-in is declared once. */
static bool note_params(Buf *params, const char *s, const char *flag)
{
	for (const char *c = strstr(s, "${"); c; c = strstr(c + 1, "${")) {
		const char *e = strchr(c, '}');
		size_t n = e ? (size_t)(e - c - 2) : 0;
		if (!e || !lt_param_name_ok(c + 2, n)) {
			quick_error(flag, s, "${ must be followed by a name and } (${HOME}, ${PROJECT}, ${TMPDIR}, ${NAME})");
			return false;
		}
		if (lt_builtin_param(c + 2, n))
			continue;
		char line[300];
		snprintf(line, sizeof line, "param %.*s\n", (int)n, c + 2);
		if (!params->p || !strstr(params->p, line))
			buf_puts(params, line);
	}
	return true;
}

/* A command-line path as a policy path, or NULL after a message. */
static char *policy_path(const char *flag, const char *v)
{
	for (const unsigned char *c = (const unsigned char *)v; *c; c++)
		if (*c < ' ' || *c == 0x7f) {
			quick_error(flag, v, "a path cannot hold a control character");
			return NULL;
		}
	Buf b = { 0 };
	if (!*v) {
		quick_error(flag, v, "needs a path");
		return NULL;
	}
	if (v[0] == '/' || !strncmp(v, "${", 2))
		buf_puts(&b, v);
	else if (!strcmp(v, "~") || !strncmp(v, "~/", 2))
		buf_printf(&b, "${HOME}%s", v + 1);
	else if (!strcmp(v, "."))
		buf_puts(&b, "${PROJECT}");
	else if (!strncmp(v, "./", 2))
		buf_printf(&b, "${PROJECT}/%s", v + 2);
	else if (!strcmp(v, "..") || !strncmp(v, "../", 3))
		buf_printf(&b, "${PROJECT}/%s", v);
	else {
		quick_error(flag, v, "a path is absolute or starts with ~, ./, ../ or ${PARAM} (./ is ${PROJECT}, the working directory)");
		return NULL;
	}
	buf_putc(&b, 0);
	return b.p;
}

/* tcp:HOST:PORT, udp:HOST:PORT or unix:PATH, as "tcp HOST:PORT". */
static bool endpoint(Buf *rule, Buf *params, const char *flag, const char *v)
{
	const char *colon = strchr(v, ':');
	size_t pn = colon ? (size_t)(colon - v) : 0;
	const char *rest = colon ? colon + 1 : "";
	if (pn == 4 && !memcmp(v, "unix", 4)) {
		char *p = policy_path(flag, rest);
		if (!p || !note_params(params, p, flag)) {
			free(p);
			return false;
		}
		buf_puts(rule, "unix ");
		lt_path(rule, p);
		free(p);
		return true;
	}
	if (!colon || !((pn == 3 && !memcmp(v, "tcp", 3)) || (pn == 3 && !memcmp(v, "udp", 3)))) {
		quick_error(flag, v, "want tcp:HOST:PORT, udp:HOST:PORT or unix:PATH (HOST: a name, *.domain, *, an address, [IPv6] or a CIDR; PORT: a number, a range or *)");
		return false;
	}
	const char *port = strrchr(rest, ':');
	if (!port || port == rest || !port[1]) {
		quick_error(flag, v, "needs HOST:PORT after the protocol (tcp:example.com:443, tcp:127.0.0.1:8000-8099, tcp:*:443)");
		return false;
	}
	for (const char *c = rest; *c; c++)
		if ((unsigned char)*c <= ' ' || strchr("\"#;{}()\\", *c)) {
			quick_error(flag, v, "an endpoint is one word (no spaces, quotes, #, ;, braces or parentheses)");
			return false;
		}
	buf_printf(rule, "%.3s %s", v, rest);
	return true;
}

/* Where execvp would find cmd, as an absolute path; NULL when it would not. */
static char *find_command(const char *cmd)
{
	char buf[2 * PATH_MAX + 2];
	if (strchr(cmd, '/')) {
		if (cmd[0] == '/')
			return strdup(cmd);
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			return NULL;
		snprintf(buf, sizeof buf, "%s/%s", cwd, cmd);
		return access(buf, X_OK) == 0 ? strdup(buf) : NULL;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n && p[0] == '/') {
			snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, cmd);
			struct stat sb;
			if (stat(buf, &sb) == 0 && S_ISREG(sb.st_mode) && access(buf, X_OK) == 0)
				return strdup(buf);
		}
		if (!e)
			return NULL;
		p = e + 1;
	}
}

void quick_free(Quick *q)
{
	buf_free(&q->text);
	free(q->argv);
	q->argv = NULL;
}

int quick_parse(int argc, char **argv, Quick *q)
{
	memset(q, 0, sizeof *q);
	q->argv = calloc((size_t)argc + 3, sizeof *q->argv);
	if (!q->argv)
		return SBX_EXIT_CANNOT_ENFORCE;
	Buf rules = { 0 }, params = { 0 }, uses = { 0 };
	int status = -1, npos = 0, i = 1;
	char **cmd = NULL;
	q->argv[q->argc++] = argv[0];
	q->argv[q->argc++] = (char *)QUICK_NAME; /* the policy's place; dropped again when no flag is given */
	for (; i < argc && status < 0; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			cmd = argv + i + 1;
			break;
		}
		int kind = -1;
		const char *v = NULL;
		for (size_t k = 0; k < ARRAY_LEN(quick_flags) && kind < 0; k++) {
			size_t n = strlen(quick_flags[k].name);
			if (!strncmp(a, quick_flags[k].name, n) && (a[n] == 0 || (a[n] == '=' && quick_flags[k].kind != QF_PRINT))) {
				kind = quick_flags[k].kind;
				v = a[n] == '=' ? a + n + 1 : NULL;
			}
		}
		if (kind < 0) {
			q->argv[q->argc++] = argv[i];
			if (takes_value(a) && i + 1 < argc)
				q->argv[q->argc++] = argv[++i];
			else if (a[0] != '-' || !a[1])
				npos++;
			continue;
		}
		q->used = true;
		if (kind == QF_PRINT) {
			q->print = true;
			continue;
		}
		if (!v && (i + 1 >= argc || !strcmp(argv[i + 1], "--"))) {
			fprintf(stderr, "sbxc run: %s needs a value\n", a);
			status = EXIT_USAGE;
			break;
		}
		if (!v)
			v = argv[++i];
		const char *flag = a;
		char fl[32];
		if (strchr(a, '=')) {
			snprintf(fl, sizeof fl, "%.*s", (int)(strchr(a, '=') - a), a);
			flag = fl;
		}
		if (kind == QF_USE) {
			size_t n = strlen(v);
			bool ok = n > 4 && !strncmp(v, "std/", 4);
			for (size_t k = 4; ok && k < n; k++)
				ok = (v[k] >= 'a' && v[k] <= 'z') || (v[k] >= '0' && v[k] <= '9') || v[k] == '-';
			if (!ok) {
				status = quick_error(flag, v, "want std/NAME, a fragment of the standard library (docs/cookbook.md lists them)");
				break;
			}
			buf_printf(&uses, "use %s\n", v);
			continue;
		}
		if (kind == QF_CONNECT || kind == QF_BIND) {
			buf_puts(&rules, kind == QF_CONNECT ? "allow connect " : "allow bind ");
			if (!endpoint(&rules, &params, flag, v)) {
				status = EXIT_USAGE;
				break;
			}
			buf_putc(&rules, '\n');
			continue;
		}
		char *p = policy_path(flag, v);
		if (!p || !note_params(&params, p, flag)) {
			free(p);
			status = EXIT_USAGE;
			break;
		}
		buf_puts(&rules, kind == QF_READ ? "allow read " : kind == QF_WRITE ? "allow read write " : "allow read exec ");
		lt_path(&rules, p);
		buf_putc(&rules, '\n');
		free(p);
	}
	if (status < 0 && q->used && npos > 0) {
		fprintf(stderr, "sbxc run: quick flags build the policy: give them or a POLICY.sbx, not both\n"
				"(sbxc run --print-policy ... writes the flags out as a file to extend)\n");
		status = EXIT_USAGE;
	}
	if (status < 0 && q->used && !rules.n && !uses.n) {
		fprintf(stderr, "sbxc run: --print-policy needs quick flags to print (--read, --write, --exec, --connect, --bind, --use)\n");
		status = EXIT_USAGE;
	}
	if (status < 0 && q->used) {
		buf_puts(&q->text, "sbx 1\npolicy quick \"sbxc run quick flags\"\n");
		buf_puts(&q->text, "use std/base\n");
		buf_str(&q->text, buf_as_str(&uses));
		buf_str(&q->text, buf_as_str(&params));
		buf_str(&q->text, buf_as_str(&rules));
		char *found = cmd && cmd[0] ? find_command(cmd[0]) : NULL;
		if (found) {
			char real[PATH_MAX];
			buf_puts(&q->text, "allow read exec ");
			lt_path(&q->text, found);
			if (realpath(found, real) && strcmp(real, found)) {
				buf_putc(&q->text, ' ');
				lt_path(&q->text, real);
			}
			buf_puts(&q->text, " because \"the command\"\n");
		}
		free(found);
		for (; i < argc; i++) /* `--` and the command */
			q->argv[q->argc++] = argv[i];
	}
	buf_free(&rules);
	buf_free(&params);
	buf_free(&uses);
	if (status < 0 && !q->used) {
		/* No flag: the arguments as given. */
		q->argc = 0;
		for (int k = 0; k < argc; k++)
			q->argv[q->argc++] = argv[k];
	}
	q->argv[q->argc] = NULL;
	return status;
}

int quick_print(const Quick *q)
{
	Compile c;
	compile_init(&c);
	Str text = arena_strdup(&c.arena, buf_as_str(&q->text));
	/* Refused as a run would refuse it, then printed canonically. */
	if (!compile_load_text(&c, QUICK_NAME, text, NULL, 0))
		return finish(&c, EXIT_POLICY);
	Buf out = { 0 };
	Diags d = { .arena = &c.arena };
	c.arena.oom = &c.oom;
	bool ok = !setjmp(c.oom) && lang_format(&c.arena, &d, 0, text, &out);
	c.arena.oom = NULL;
	if (ok)
		fwrite(out.p, 1, out.n, stdout);
	buf_free(&out);
	return finish(&c, ok ? EXIT_OK : EXIT_POLICY);
}
