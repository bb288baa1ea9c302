/*
 * opts.c: the option table of compile, check, explain, diff and fmt.
 *
 * One row per option: its spellings, the value it takes, the commands that
 * know it, where it goes in Opts, and its line in `sbxc --help`. The
 * parser and the help both read the rows, so an option cannot be taken
 * without being listed, or listed under a spelling the parser refuses.
 *
 * What the grammar of arguments keeps from before the table: an option
 * may follow the policy file, but after the first positional argument a
 * word with one dash is a positional one (`syscall kill -9` in explain),
 * while `--word` is always an option.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../lang/lang.h"

enum { K_FLAG, K_VALUE, K_DEFINE };      /* a bool, a string, or one more -D */
enum { G_NONE, G_EQ = 1, G_JOINED = 2 }; /* how a value may be glued on: --name=V, -DV */

typedef struct OptDef {
	char shortc;        /* 't' for -t, or 0 */
	const char *name;   /* "--target", or NULL */
	const char *arg;    /* the value's name in the help ("LIST"), or NULL */
	unsigned char kind;
	unsigned char glue; /* G_* */
	unsigned cmds;      /* CMD_* bits; 0: main() reads it as the first argument */
	size_t field;       /* offsetof the bool or string in Opts */
	const char *help;   /* its text in `sbxc --help` (lines after the first indented); NULL: not listed */
} OptDef;

#define F(m) offsetof(Opts, m)
static const OptDef table[] = {
	{ 't', "--target", "LIST", K_VALUE, G_EQ, CMD_COMPILE | CMD_CHECK | CMD_EXPLAIN, F(targets),
	  "targets to compile for, comma-separated" },
	{ 'o', "--output", "DIR", K_VALUE, G_EQ, CMD_COMPILE, F(outdir),
	  "where artifacts go (default: the current directory)" },
	{ 'D', NULL, "NAME=VALUE", K_DEFINE, G_JOINED, CMD_ANY, 0,
	  "resolve a param into the artifacts instead of at apply time" },
	{ 0, "--arch", "LIST", K_VALUE, G_EQ, CMD_COMPILE, F(arch), "seccomp architectures (default: x86_64,aarch64)" },
	{ 0, "--accept-wider", NULL, K_FLAG, G_NONE, CMD_COMPILE | CMD_CHECK, F(accept_wider),
	  "emit rules a target enforces more widely, with a warning" },
	{ 0, "--check", NULL, K_FLAG, G_NONE, CMD_COMPILE | CMD_FMT, F(check),
	  "compare with the artifacts in DIR byte for byte; exit 2 if\n"
	  "stale, with the semantic diff and the command to fix it" },
	{ 0, "--no-cache", NULL, K_FLAG, G_NONE, CMD_COMPILE, F(no_cache),
	  "compile from scratch, neither reading nor filling the cache" },
	{ 0, "--explain-cache", NULL, K_FLAG, G_NONE, CMD_COMPILE, F(explain_cache),
	  "say on stderr what the cache did and why (key, entry)" },
	{ 0, "--dump=ir", NULL, K_FLAG, G_NONE, CMD_COMPILE, F(dump_ir), "print the canonical IR instead of writing artifacts" },
	{ 'h', "--help", NULL, K_FLAG, G_NONE, CMD_ANY, F(help), "this text; `sbxc COMMAND --help` for a command" },
	{ 0, "--version", NULL, K_FLAG, G_NONE, 0, 0, "the compiler's version" },
	/* Described in their commands' own usage. */
	{ 0, "--format", "FORMAT", K_VALUE, G_EQ, CMD_ANY, F(format), NULL },
	{ 0, "--git", "REV", K_VALUE, G_EQ, CMD_DIFF, F(git_rev), NULL },
	{ 0, "--textconv", NULL, K_FLAG, G_NONE, CMD_DIFF, F(textconv), NULL },
	{ 0, "--exit-code", NULL, K_FLAG, G_NONE, CMD_DIFF, F(exit_code), NULL },
	{ 0, "--on", "PLATFORM", K_VALUE, G_NONE, CMD_ANY, F(on), NULL },
	{ 0, "--resolved", "ADDR", K_VALUE, G_EQ, CMD_EXPLAIN, F(resolved), NULL },
	{ 'w', NULL, NULL, K_FLAG, G_NONE, CMD_ANY, F(write), NULL },
	/* sbxc run (runtime/rt_opts.c parses them; cli/run_quick.c the quick
	 * flags), sbxc learn (cmd_learn.c): listed for the completions. */
	{ 'D', NULL, "NAME=VALUE", K_DEFINE, G_JOINED, CMD_RUN, 0, NULL },
	{ 0, "--report", NULL, K_FLAG, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--format", "FORMAT", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--dry-run", NULL, K_FLAG, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--abi", "N", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--best-effort", NULL, K_FLAG, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--no-seccomp", NULL, K_FLAG, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--accept-wider", NULL, K_FLAG, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--keep-fd", "N", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--log", "FILE", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--read", "PATH", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--write", "PATH", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--exec", "PATH", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--connect", "ENDPOINT", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--bind", "ENDPOINT", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--use", "FRAGMENT", K_VALUE, G_NONE, CMD_RUN, 0, NULL },
	{ 0, "--print-policy", NULL, K_FLAG, G_NONE, CMD_RUN, 0, NULL },
	{ 'o', "--output", "FILE", K_VALUE, G_NONE, CMD_LEARN, 0, NULL },
	{ 0, "--name", "NAME", K_VALUE, G_NONE, CMD_LEARN, 0, NULL },
	{ 0, "--from", "FILE", K_VALUE, G_NONE, CMD_LEARN, 0, NULL },
	{ 'h', "--help", NULL, K_FLAG, G_NONE, CMD_RUN | CMD_LEARN | CMD_IMPORT, 0, NULL },
};
#undef F

int usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "sbxc: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return EXIT_USAGE;
}

/* The row arg is spelled as, and where its glued-on value starts (NULL: none). */
static const OptDef *lookup(const char *arg, unsigned cmd, const char **glued)
{
	*glued = NULL;
	for (size_t k = 0; k < ARRAY_LEN(table); k++) {
		const OptDef *d = &table[k];
		if (!(d->cmds & cmd))
			continue;
		if ((d->shortc && arg[0] == '-' && arg[1] == d->shortc && !arg[2]) || (d->name && !strcmp(arg, d->name)))
			return d;
		size_t n = d->name ? strlen(d->name) : 0;
		if ((d->glue & G_EQ) && n && !strncmp(arg, d->name, n) && arg[n] == '=') {
			*glued = arg + n + 1;
			return d;
		}
		if ((d->glue & G_JOINED) && arg[0] == '-' && arg[1] == d->shortc && arg[2]) {
			*glued = arg + 2;
			return d;
		}
	}
	return NULL;
}

/* The option arrays live until exit; kept reachable so leak checkers agree. */
static const char **opt_arrays[8];
static int nopt_arrays;

int opts_parse(int argc, char **argv, const Command *c, Opts *o)
{
	unsigned cmd = c->bit;
	const char *usage = o->usage = c->usage ? c->usage : usage_main();
	o->defines = calloc((size_t)argc + 1, sizeof *o->defines);
	o->pos = calloc((size_t)argc + 1, sizeof *o->pos);
	if (nopt_arrays + 2 <= (int)ARRAY_LEN(opt_arrays)) {
		opt_arrays[nopt_arrays++] = o->defines;
		opt_arrays[nopt_arrays++] = o->pos;
	}
	if (!o->defines || !o->pos)
		return usage_error(usage, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		if (!strcmp(a, "--")) {
			o->rest = argv + i + 1;
			o->nrest = argc - i - 1;
			break;
		}
		const OptDef *d = lookup(a, cmd, &v);
		if (!d) {
			if ((a[0] == '-' && a[1] != 0 && o->npos == 0) || (a[0] == '-' && a[1] == '-' && a[2] != 0))
				return usage_error(usage, "unknown option '%s'", a);
			o->pos[o->npos++] = a;
			continue;
		}
		if (d->kind == K_FLAG) {
			*(bool *)((char *)o + d->field) = true;
			continue;
		}
		if (!v && i + 1 >= argc)
			return usage_error(usage, "%s needs a value", a);
		if (!v)
			v = argv[++i];
		if (d->kind == K_DEFINE)
			o->defines[o->ndefines++] = v;
		else
			*(const char **)((char *)o + d->field) = v;
	}
	bool markdown = cmd == CMD_DIFF;
	if (o->format && strcmp(o->format, "text") && strcmp(o->format, "json") && !(markdown && !strcmp(o->format, "markdown")))
		return usage_error(usage, "--format takes text%s or json, not '%s'", markdown ? ", markdown" : "", o->format);
	if (o->help) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (c->pos_error && (o->npos < c->min_pos || (c->max_pos >= 0 && o->npos > c->max_pos)))
		return usage_error(usage, "%s", c->pos_error);
	return -1;
}

bool opts_json(const Opts *o) { return o->format && !strcmp(o->format, "json"); }

void opts_help(Buf *b)
{
	for (size_t k = 0; k < ARRAY_LEN(table); k++) {
		const OptDef *d = &table[k];
		if (!d->help)
			continue;
		char label[64];
		snprintf(label, sizeof label, "%s%c%s%s%s%s", d->shortc ? "-" : "  ", d->shortc ? d->shortc : ' ',
			 d->shortc && d->name ? ", " : d->name ? " " : "", d->name ? d->name : "", d->arg ? " " : "",
			 d->arg ? d->arg : "");
		buf_printf(b, "  %-19s ", label);
		for (const char *l = d->help;;) {
			const char *nl = strchr(l, '\n');
			buf_printf(b, "%.*s\n", nl ? (int)(nl - l) : (int)strlen(l), l);
			if (!nl)
				break;
			l = nl + 1;
			buf_printf(b, "%22s", "");
		}
	}
}

int select_targets(const char *list, Selection *s)
{
	snprintf(s->names, sizeof s->names, "%s", list);
	Str bad;
	s->n = target_select(list, s->v, (int)ARRAY_LEN(s->v), &bad);
	if (s->n < 0) {
		fprintf(stderr, "sbxc: unknown target '%.*s' (sbxc -t help lists them)\n", STRF(bad));
		return EXIT_USAGE;
	}
	if (s->n == 0) {
		fprintf(stderr, "sbxc: -t needs at least one target\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- shell completions, from the table ---- */

static const struct {
	const char *name;
	unsigned bit;
} comp_cmds[] = {
	{ "check", CMD_CHECK }, { "explain", CMD_EXPLAIN }, { "diff", CMD_DIFF }, { "fmt", CMD_FMT },
	{ "run", CMD_RUN }, { "learn", CMD_LEARN }, { "import", CMD_IMPORT }, { "completions", 0 },
};

/* b's text as a C string (Buf holds no terminator of its own). */
static const char *cstr(Buf *b)
{
	buf_putc(b, 0);
	b->n--;
	return b->p;
}

/* Every spelling of the options of cmd, space-separated. */
static void comp_words(Buf *b, unsigned cmd, bool with_value)
{
	for (size_t k = 0; k < ARRAY_LEN(table); k++) {
		const OptDef *d = &table[k];
		if (!(d->cmds & cmd) || (d->arg != NULL) != with_value)
			continue;
		if (d->shortc)
			buf_printf(b, " -%c", d->shortc);
		if (d->name)
			buf_printf(b, " %s", d->name);
	}
}

/* Options whose value is a file or directory, by the value's name. */
static bool value_is_path(const char *arg)
{
	return !strcmp(arg, "DIR") || !strcmp(arg, "FILE") || !strcmp(arg, "PATH");
}

/* One case per command with its options (open/close: the shell's list
 * quotes), then the compile form's, and the esac. */
static void comp_cases(Buf *b, const char *open, const char *close)
{
	for (size_t i = 0; i <= ARRAY_LEN(comp_cmds); i++) {
		bool last = i == ARRAY_LEN(comp_cmds);
		unsigned bit = last ? CMD_COMPILE : comp_cmds[i].bit;
		Buf w = { 0 };
		comp_words(&w, bit, false);
		comp_words(&w, bit, true);
		if (!last && !bit)
			buf_puts(&w, " bash zsh");
		if (bit == CMD_IMPORT)
			buf_puts(&w, " srt oci");
		buf_printf(b, "\t%s) opts=%s%s%s ;;\n", last ? "*" : comp_cmds[i].name, open, w.n ? cstr(&w) + 1 : "", close);
		buf_free(&w);
	}
	buf_puts(b, "\tesac\n");
}

static void comp_bash(Buf *b)
{
	Buf paths = { 0 }, stds = { 0 }, cmds = { 0 };
	for (size_t k = 0; k < ARRAY_LEN(table); k++)
		if (table[k].arg && value_is_path(table[k].arg)) {
			if (table[k].shortc)
				buf_printf(&paths, "|-%c", table[k].shortc);
			if (table[k].name)
				buf_printf(&paths, "|%s", table[k].name);
		}
	for (const StdFile *f = std_files; f->name; f++)
		if (strcmp(f->name, "groups"))
			buf_printf(&stds, " std/%s", f->name);
	for (size_t i = 0; i < ARRAY_LEN(comp_cmds); i++)
		buf_printf(&cmds, " %s", comp_cmds[i].name);
	buf_puts(b, "# bash completion for sbxc: generated by `sbxc completions bash` from the\n"
		    "# option table (cli/opts.c). Install as\n"
		    "# /usr/share/bash-completion/completions/sbxc, or source it.\n"
		    "_sbxc() {\n"
		    "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]} i opts\n"
		    "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
		    "\t\tif [[ ${COMP_WORDS[i]} == -- ]]; then COMPREPLY=($(compgen -c -- \"$cur\")); return; fi\n"
		    "\tdone\n"
		    "\tif ((COMP_CWORD == 1)); then\n");
	buf_printf(b, "\t\tCOMPREPLY=($(compgen -W '%s --help --version' -- \"$cur\") $(compgen -f -X '!*.sbx' -- \"$cur\") $(compgen -d -- \"$cur\"))\n"
		      "\t\treturn\n\tfi\n\tcase $prev in\n", cstr(&cmds) + 1);
	buf_puts(b, "\t-t|--target) COMPREPLY=($(compgen -W 'macos linux landlock seccomp windows all help' -- \"$cur\")); return ;;\n");
	buf_printf(b, "\t--use) COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return ;;\n", cstr(&stds) + 1);
	buf_puts(b, "\t--format) COMPREPLY=($(compgen -W 'text json markdown' -- \"$cur\")); return ;;\n"
		    "\t--on) COMPREPLY=($(compgen -W 'linux macos windows' -- \"$cur\")); return ;;\n");
	if (paths.n)
		buf_printf(b, "\t%s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", cstr(&paths) + 1);
	buf_puts(b, "\tesac\n\tcase $cmd in\n");
	comp_cases(b, "'", "'");
	buf_puts(b, "\tif [[ $cur == -* || $cmd == completions || $cmd == import ]]; then\n"
		    "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
		    "\telse\n"
		    "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
		    "\tfi\n"
		    "}\n"
		    "complete -o filenames -F _sbxc sbxc\n");
	buf_free(&paths);
	buf_free(&stds);
	buf_free(&cmds);
}

static void comp_zsh(Buf *b)
{
	buf_puts(b, "#compdef sbxc\n"
		    "# zsh completion for sbxc: generated by `sbxc completions zsh` from the\n"
		    "# option table (cli/opts.c). Install as _sbxc in a directory of $fpath.\n"
		    "_sbxc() {\n"
		    "\tlocal -a opts cmds\n"
		    "\tcmds=(");
	for (size_t i = 0; i < ARRAY_LEN(comp_cmds); i++)
		buf_printf(b, "%s%s", i ? " " : "", comp_cmds[i].name);
	buf_puts(b, ")\n"
		    "\tif (( ${words[(I)--]} > 0 && ${words[(I)--]} < CURRENT )); then\n"
		    "\t\tshift $(( ${words[(I)--]} )) words\n"
		    "\t\t(( CURRENT -= ${#words} ))\n"
		    "\t\t_normal\n"
		    "\t\treturn\n"
		    "\tfi\n"
		    "\tif (( CURRENT == 2 )); then\n"
		    "\t\tcompadd -a cmds\n"
		    "\t\t_files -g '*.sbx'\n"
		    "\t\treturn\n"
		    "\tfi\n"
		    "\tcase $words[CURRENT-1] in\n"
		    "\t-t|--target) compadd macos linux landlock seccomp windows all help; return ;;\n"
		    "\t--use) compadd");
	for (const StdFile *f = std_files; f->name; f++)
		if (strcmp(f->name, "groups"))
			buf_printf(b, " std/%s", f->name);
	buf_puts(b, "; return ;;\n"
		    "\t--format) compadd text json markdown; return ;;\n"
		    "\t--on) compadd linux macos windows; return ;;\n"
		    "\tesac\n"
		    "\tcase $words[2] in\n");
	comp_cases(b, "(", ")");
	buf_puts(b, "\tif [[ $PREFIX == -* || $words[2] == (completions|import) ]]; then\n"
		    "\t\tcompadd -a opts\n"
		    "\telse\n"
		    "\t\t_files\n"
		    "\tfi\n"
		    "}\n"
		    "_sbxc \"$@\"\n");
}

int cmd_completions(int argc, char **argv)
{
	static const char usage[] = "usage: sbxc completions bash|zsh\n"
				    "Print the shell's completion script for sbxc (made from the option table).\n";
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (argc != 2 || (strcmp(argv[1], "bash") && strcmp(argv[1], "zsh")))
		return usage_error(usage, "expected bash or zsh");
	Buf b = { 0 };
	if (!strcmp(argv[1], "bash"))
		comp_bash(&b);
	else
		comp_zsh(&b);
	fwrite(b.p, 1, b.n, stdout);
	buf_free(&b);
	return EXIT_OK;
}
