/*
 * cli.h: what the command line's files share, and nothing outside cli/.
 *
 * main.c dispatches to one file per command (cmd_*.c). The commands that
 * compile or read policies share one option table (opts.c), which parses
 * their arguments and writes the options part of `sbxc --help`; `sbxc run`
 * takes the runtime's options (runtime/rt_opts.h) and `sbxc import` its
 * own. git.c is the only code that runs git; json.c prints the pieces of
 * the JSON reports.
 */
#ifndef SBX_CLI_H
#define SBX_CLI_H

#include <stdio.h>

#include "../driver/compile.h"

/* LANGUAGE.md section 8. */
enum { EXIT_OK = 0, EXIT_POLICY = 1, EXIT_WIDENS = 1, EXIT_STALE = 2, EXIT_USAGE = 64 };

/* The backends of a -t list, as the compile and check commands take it. */
typedef struct Selection {
	const Backend *v[16];
	int n;
	char names[256]; /* as written, for the regenerate line */
} Selection;
int select_targets(const char *list, Selection *s); /* 0, or EXIT_USAGE with the message printed */

/* ---- options (opts.c) ---- */

/* Which commands an option belongs to: a bit each. */
enum { CMD_COMPILE = 1, CMD_CHECK = 2, CMD_EXPLAIN = 4, CMD_DIFF = 8, CMD_FMT = 16, CMD_ANY = 31 };
/* Commands that parse their own arguments: their rows in the table are for
 * the shell completions only (tests/quick checks them against --help). */
enum { CMD_RUN = 32, CMD_LEARN = 64, CMD_IMPORT = 128 };

typedef struct Opts {
	const char **defines; /* -D NAME=VALUE, as written */
	int ndefines;
	const char **pos;     /* the arguments that are not options */
	int npos;
	const char *format;   /* --format: NULL, "text", "json" or (diff) "markdown" */
	const char *targets;
	const char *outdir;
	const char *arch;
	const char *on;
	const char *resolved; /* explain --resolved ADDR */
	bool accept_wider, check, dump_ir, write, help;
	bool no_cache, explain_cache, textconv, exit_code;
	const char *git_rev;
	char **rest; /* after `--` */
	int nrest;
	const char *usage; /* the command's, for its own usage errors */
} Opts;

/* A command that takes the table's options (main.c lists them). */
typedef struct Command {
	const char *name;      /* argv[1]; NULL: the compile form, `sbxc POLICY ...` */
	unsigned bit;          /* CMD_*: which rows of the table apply */
	int (*run)(const Opts *o);
	const char *usage;     /* NULL: usage_main() */
	int min_pos, max_pos;  /* positional arguments it needs (max -1: any) */
	const char *pos_error; /* the message when they are not; NULL: the command checks */
} Command;

/* Parses argv[1..] for cmd. Returns -1 when the command goes on; else the
 * status to exit with: 0 after printing its usage for --help, EXIT_USAGE
 * after a message and the usage on stderr. */
int opts_parse(int argc, char **argv, const Command *cmd, Opts *o);
bool opts_json(const Opts *o);
/* The "Options:" lines of `sbxc --help`, from the table. */
void opts_help(Buf *b);
int usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *usage_main(void); /* main.c */

/* ---- what the commands share ---- */

/* Test hooks: SBXC_MAX_RULES and SBXC_MAX_FILE_SIZE lower the limits. */
void limits_from_env(Compile *c);
/* Diagnostics as text, or as one JSON document with --format json
 * (cli_json_diags, set once the options are read). */
extern bool cli_json_diags;
void cli_diags(const Diags *d);
/* Flushes stdout, prints the diagnostics once, frees c; returns status. */
int finish(Compile *c, int status);

/* ---- the commands, one file each ---- */
int cmd_compile(const Opts *o);
int cmd_check(const Opts *o);
int cmd_explain(const Opts *o);
int cmd_diff(const Opts *o);
int cmd_fmt(const Opts *o);
/* These two parse their own arguments: the runtime's options, the importers'. */
int cmd_run(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_learn(int argc, char **argv);
/* `sbxc completions bash|zsh`: the shell's completion script, from the option table. */
int cmd_completions(int argc, char **argv);

/* ---- policy text the command line writes (learn_text.c) ---- */

/* path as one path word: bare, or a quoted string when it must be. */
void lt_path(Buf *b, const char *path);
/* s as a quoted string with the language's escapes. */
void lt_string(Buf *b, const char *s);
bool lt_param_name_ok(const char *s, size_t n); /* [A-Za-z_][A-Za-z0-9_]* */
bool lt_builtin_param(const char *s, size_t n); /* HOME, PROJECT, TMPDIR, UID */

/* ---- sbxc run's quick flags (run_quick.c) ---- */

#define QUICK_NAME "<quick flags>" /* the in-memory policy's name in messages */
typedef struct Quick {
	Buf text;    /* the policy the flags make */
	bool used;   /* any quick flag was given */
	bool print;  /* --print-policy */
	char **argv; /* the rest for the runtime's parser (QUICK_NAME in the policy's place) */
	int argc;
} Quick;
/* -1 to go on (with q->argv), else the exit status after a message. */
int quick_parse(int argc, char **argv, Quick *q);
int quick_print(const Quick *q); /* --print-policy: compiled, then printed canonically */
void quick_free(Quick *q);

/* --check (stale.c): compares out with the files in dir byte for byte and
 * prints what is stale, with the semantic diff from the revision they were
 * made from when git can find it; EXIT_OK or EXIT_STALE. c is the
 * compilation (loaded here when a hit from the cache left it empty). */
int stale_check(const Opts *o, const Output *out, const char *dir, Str regen, Compile *c);

/* ---- JSON (json.c) ---- */

/* A rule as {"effect", "right", "object", "file", "line", ...}, or null. */
void json_rule(FILE *f, const Policy *p, const Rule *r);
/* close (e.g. "]"), then `, "schema": "SCHEMA"}` and a newline. */
void json_end(FILE *f, const char *close, const char *schema);

/* ---- git (git.c): the only code that runs it ---- */

/* Loading a policy from a git revision: the policy file and every *.sbx of
 * that revision are extracted into a temporary tree (so relative `use`
 * paths resolve as they did), and the policy is loaded with the same
 * relative path from the same relative working directory, so its file
 * names, locations and input digest read as they would have then. */
typedef struct GitTree {
	char tmp[4096];   /* the temporary directory (removed by git_tree_free) */
	char path[4096];  /* the policy's path to load, after git_tree_enter */
	char label[512];  /* "REV:repo/relative/path" */
	int saved_cwd;    /* fd of the working directory to return to, or -1 */
	char cwd_in[4096];/* where to chdir inside the tree */
} GitTree;

/* Extracts REV; false with a message in err on failure (not a git
 * repository, no such revision, the policy not in it). */
bool git_tree_open(GitTree *t, const char *rev, const char *policy, char *err, size_t nerr);
/* chdir into the tree (the load must happen between enter and leave). */
bool git_tree_enter(GitTree *t);
void git_tree_leave(GitTree *t);
void git_tree_free(GitTree *t);
/* The last n commits that touched policy (newest first), as 40-hex ids in
 * out (n entries of 41 bytes); returns how many. */
int git_log_revs(const char *policy, int n, char (*out)[41]);

#endif
