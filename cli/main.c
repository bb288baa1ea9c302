/*
 * main.c: the command line's entry. The first argument names a command
 * (check, explain, diff, fmt, run, import) or is the policy to compile;
 * each command lives in its own cmd_*.c and reads as its pipeline. Exit
 * codes are LANGUAGE.md section 8's: 0 success, 1 an error in the policy
 * or its inputs, 2 stale artifacts under --check, 64 bad usage.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_head[] =
	"usage: sbxc POLICY.sbx -t TARGET[,TARGET...] [-o DIR] [-D NAME=VALUE]... [--arch LIST]\n"
	"            [--accept-wider] [--check] [--no-cache] [--explain-cache] [--dump=ir]\n"
	"       sbxc check [-D NAME=VALUE]... [-t TARGETS] [--accept-wider] [--format text|json] POLICY.sbx\n"
	"       sbxc explain [-D NAME=VALUE]... [--on PLATFORM | -t TARGET] [--format text|json] POLICY.sbx OPERATION...\n"
	"                    [--resolved ADDR]\n"
	"       sbxc diff [--format text|json|markdown] OLD.sbx NEW.sbx | --git REV POLICY.sbx | --textconv POLICY.sbx\n"
	"       sbxc fmt [-w] POLICY.sbx...\n"
	"       sbxc run [-D NAME=VALUE]... POLICY.sbx -- COMMAND [ARGS...]\n"
	"       sbxc run [--read PATH]... [--write PATH]... [--exec PATH]... [--connect tcp:HOST:PORT]...\n"
	"                [--use std/NAME]... [--print-policy] -- COMMAND [ARGS...]\n"
	"       sbxc learn [-o POLICY.sbx] [--from POLICY.sbx] -- COMMAND [ARGS...]\n"
	"       sbxc import srt|oci FILE.json\n"
	"       sbxc completions bash|zsh\n"
	"\n"
	"Compile a sandbox policy written in the sbx language into each OS's own\n"
	"sandbox artifacts.\n"
	"\n"
	"Targets (-t): macos, linux (= landlock + seccomp), landlock, seccomp, windows,\n"
	"all; -t help lists them.\n"
	"\n"
	"Options:\n";

static const char usage_tail[] =
	"\n"
	"Exit status: 0 success, 1 an error in the policy or its inputs, 2 stale\n"
	"artifacts under --check, 64 bad usage.\n";

static const char usage_check[] =
	"usage: sbxc check [-D NAME=VALUE]... [-t TARGET[,TARGET...]] [--accept-wider]\n"
	"                  [--format text|json] POLICY.sbx\n"
	"\n"
	"Parse the policy and everything it uses, run its expect and never checks,\n"
	"refuse it as compiling for TARGETs (default: all) would (a rule a target\n"
	"enforces more widely is an error unless the policy accepts it, or\n"
	"--accept-wider is given), and print the fidelity of every rule on every\n"
	"target. A fragment (no `policy` statement) is not refused for wider rules:\n"
	"the policy that uses it states the accepts. Writes nothing.\n"
	"Exit status: 0 the policy is valid, 1 it is not, 64 bad usage.\n";

static const char usage_explain[] =
	"usage: sbxc explain [-D NAME=VALUE]... [--on PLATFORM | -t TARGET] [--format text|json] POLICY.sbx OPERATION... [--resolved ADDR]\n"
	"\n"
	"Decide one operation the way the language defines it and name the rule\n"
	"that decided. OPERATION is written as in an expect: `read /etc/passwd`,\n"
	"`write ${HOME}/.ssh/config`, `connect tcp example.com:443`, `bind unix\n"
	"/run/x.sock`, `fork`, `signal children`, `syscall socket 2 1 0`.\n"
	"A concrete path is matched after resolving params from -D, the environment\n"
	"(HOME, TMPDIR, and a variable named like each param), PROJECT = the current\n"
	"directory and UID = your uid; a path written with ${PARAM} or ~ is matched\n"
	"symbolically. PLATFORM (default linux): linux, macos or windows.\n"
	"-t TARGET (linux, landlock, seccomp, macos, windows) also says what that\n"
	"target's artifact makes the kernel do: the deciding rule's fidelity there\n"
	"(exact, stricter, wider, n/a) and why.\n"
	"A connection by name (`connect tcp api.github.com:443`) is decided by the\n"
	"name rules when one matches, else by the address rules; --resolved ADDR\n"
	"(an IPv4 or IPv6 address) is the address the name resolved to, so an\n"
	"explicit deny on addresses (other than *:*) is shown deciding too. Without\n"
	"it, only the address rules on every host (`*`) take part.\n"
	"JSON output: {\"decision\": \"allow\"|\"deny\", \"rule\": {...}|null, ...}\n"
	"(docs/review.md has the schema).\n"
	"Exit status: 0 decided (allow or deny), 1 an error in the policy or the\n"
	"operation, 64 bad usage.\n";

static const char usage_fmt[] =
	"usage: sbxc fmt [-w | --check] POLICY.sbx...\n"
	"\n"
	"Print each policy in canonical form, or with -w rewrite it in place\n"
	"(atomically, and only if it changes); with --check print nothing but the\n"
	"names of the files that are not in canonical form. Formatting never\n"
	"changes a policy's meaning. Exit status: 0 success, 1 a file does not\n"
	"parse (or, with --check, is not canonical), 64 bad usage.\n";

static const char usage_diff[] =
	"usage: sbxc diff [-D NAME=VALUE]... [--format text|json|markdown] [--exit-code] OLD.sbx NEW.sbx\n"
	"       sbxc diff [--format ...] --git REV POLICY.sbx\n"
	"       sbxc diff --textconv POLICY.sbx\n"
	"\n"
	"Print what NEW allows or denies that OLD did not, rule by rule, on the\n"
	"canonical policies: reordering, reformatting and moving rules between\n"
	"files show nothing. Lines: `+` a rule added, `-` a rule removed, `~` a\n"
	"rule whose action or flags changed; each says whether it widens or\n"
	"narrows access, where it is written, and how linux, macos and windows\n"
	"enforce it (exact, stricter, wider, n/a). --git REV compares POLICY as\n"
	"committed in REV with the working tree. --textconv prints one line per\n"
	"rule for git's textconv (docs/review.md shows the git setup). Added and\n"
	"removed `accept`, `expect` and `never` statements are listed too (a removed\n"
	"never widens). With --exit-code the status is 1 when any change widens.\n"
	"Exit status: 0 success (whether or not they differ; with --exit-code:\n"
	"nothing widens), 1 an error or, with --exit-code, a change that widens,\n"
	"64 bad usage.\n";

/* Made once from the option table; reachable until exit. */
const char *usage_main(void)
{
	static Buf text;
	if (!text.n) {
		buf_puts(&text, usage_head);
		opts_help(&text);
		buf_puts(&text, usage_tail);
		buf_putc(&text, '\0'); /* the text is used as a C string */
	}
	return text.p ? text.p : usage_head;
}

void limits_from_env(Compile *c)
{
	const char *v;
	if ((v = getenv("SBXC_MAX_RULES")) && atoi(v) > 0)
		c->max_rules = atoi(v);
	if ((v = getenv("SBXC_MAX_FILE_SIZE")) && atoi(v) > 0)
		c->max_file_size = (size_t)atoi(v);
}

bool cli_json_diags;

void cli_diags(const Diags *d)
{
	if (cli_json_diags) {
		if (d->n) /* nothing when there is nothing: stdout's report stays the only document */
			diag_print_json(stderr, d);
	} else
		diag_print(stderr, d);
}

int finish(Compile *c, int status)
{
	fflush(stdout);
	cli_diags(&c->diags);
	compile_free(c);
	return status;
}

static const Command compile_form = { NULL, CMD_COMPILE, cmd_compile, NULL, 0, -1, NULL };
static const Command commands[] = {
	{ "check", CMD_CHECK, cmd_check, usage_check, 1, 1, "expected one policy file" },
	{ "explain", CMD_EXPLAIN, cmd_explain, usage_explain, 2, -1, "expected a policy file and an operation" },
	{ "fmt", CMD_FMT, cmd_fmt, usage_fmt, 1, -1, "expected a policy file" },
	{ "diff", CMD_DIFF, cmd_diff, usage_diff, 0, -1, NULL },
};

/* They parse their own arguments. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} own_args[] = { { "run", cmd_run }, { "import", cmd_import }, { "learn", cmd_learn }, { "completions", cmd_completions } };

int main(int argc, char **argv)
{
	/* Diagnostics can run to thousands of lines: buffer them (flushed at exit). */
	static char errbuf[1 << 16];
	setvbuf(stderr, errbuf, _IOFBF, sizeof errbuf);
	if (argc < 2) {
		fputs(usage_main(), stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage_main(), stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version")) {
		printf("sbxc 0.1.0 (language 1)\n");
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_LEN(own_args); i++)
		if (!strcmp(cmd, own_args[i].name))
			return own_args[i].run(argc - 1, argv + 1);
	const Command *c = &compile_form;
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			c = &commands[i];
	/* The compile form's argv[1] is the policy; a command's is its name. */
	int skip = c != &compile_form;
	Opts o = { 0 };
	int rc = opts_parse(argc - skip, argv + skip, c, &o);
	cli_json_diags = opts_json(&o);
	return rc >= 0 ? rc : c->run(&o);
}
