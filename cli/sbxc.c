/*
 * sbxc.c: the command line. Each command reads as its pipeline: load,
 * check, emit, write, with diagnostics printed once at the end. Exit codes
 * are LANGUAGE.md section 8's: 0 success, 1 an error in the policy or its
 * inputs, 2 stale artifacts under --check, 64 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../driver/cache.h"
#include "../driver/compile.h"
#include "../driver/diff.h"
#include "../ir/eval.h"
#include "../driver/fidelity.h"
#include "../lang/lang.h"

enum { EXIT_OK = 0, EXIT_POLICY = 1, EXIT_STALE = 2, EXIT_USAGE = 64 };

static const char usage_main[] =
	"usage: sbxc POLICY.sbx -t TARGET[,TARGET...] [-o DIR] [-D NAME=VALUE]... [--arch LIST]\n"
	"            [--accept-wider] [--check] [--no-cache] [--explain-cache] [--dump=ir]\n"
	"       sbxc check [-D NAME=VALUE]... [--format text|json] POLICY.sbx\n"
	"       sbxc explain [-D NAME=VALUE]... [--on PLATFORM | -t TARGET] [--format text|json] POLICY.sbx OPERATION...\n"
	"       sbxc diff [--format text|json|markdown] OLD.sbx NEW.sbx | --git REV POLICY.sbx | --textconv POLICY.sbx\n"
	"       sbxc fmt [-w] POLICY.sbx...\n"
	"       sbxc run [-D NAME=VALUE]... POLICY.sbx -- COMMAND [ARGS...]\n"
	"       sbxc import srt|oci FILE.json\n"
	"\n"
	"Compile a sandbox policy written in the sbx language into each OS's own\n"
	"sandbox artifacts.\n"
	"\n"
	"Targets (-t): macos, linux (= landlock + seccomp), landlock, seccomp, windows,\n"
	"all; -t help lists them.\n"
	"\n"
	"Options:\n"
	"  -t, --target LIST   targets to compile for, comma-separated\n"
	"  -o, --output DIR    where artifacts go (default: the current directory)\n"
	"  -D NAME=VALUE       resolve a param into the artifacts instead of at apply time\n"
	"      --arch LIST     seccomp architectures (default: x86_64,aarch64)\n"
	"      --accept-wider  emit rules a target enforces more widely, with a warning\n"
	"      --check         compare with the artifacts in DIR byte for byte; exit 2 if\n"
	"                      stale, with the semantic diff and the command to fix it\n"
	"      --no-cache      compile from scratch, neither reading nor filling the cache\n"
	"      --explain-cache say on stderr what the cache did and why (key, entry)\n"
	"      --dump=ir       print the canonical IR instead of writing artifacts\n"
	"  -h, --help          this text; `sbxc COMMAND --help` for a command\n"
	"      --version       the compiler's version\n"
	"\n"
	"Exit status: 0 success, 1 an error in the policy or its inputs, 2 stale\n"
	"artifacts under --check, 64 bad usage.\n";

static const char usage_check[] =
	"usage: sbxc check [-D NAME=VALUE]... [--format text|json] POLICY.sbx\n"
	"\n"
	"Parse the policy and everything it uses, run its expect and never checks,\n"
	"and print the fidelity of every rule on every target. Writes nothing.\n"
	"Exit status: 0 the policy is valid, 1 it is not, 64 bad usage.\n";

static const char usage_explain[] =
	"usage: sbxc explain [-D NAME=VALUE]... [--on PLATFORM | -t TARGET] [--format text|json] POLICY.sbx OPERATION...\n"
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
	"JSON output: {\"decision\": \"allow\"|\"deny\", \"rule\": {...}|null, ...}\n"
	"(docs/review.md has the schema).\n"
	"Exit status: 0 decided (allow or deny), 1 an error in the policy or the\n"
	"operation, 64 bad usage.\n";

static const char usage_fmt[] =
	"usage: sbxc fmt [-w] POLICY.sbx...\n"
	"\n"
	"Print each policy in canonical form, or with -w rewrite it in place\n"
	"(atomically, and only if it changes). Formatting never changes a policy's\n"
	"meaning. Exit status: 0 success, 1 a file does not parse, 64 bad usage.\n";

static const char usage_diff[] =
	"usage: sbxc diff [-D NAME=VALUE]... [--format text|json|markdown] OLD.sbx NEW.sbx\n"
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
	"rule for git's textconv (docs/review.md shows the git setup).\n"
	"Exit status: 0 success (whether or not they differ), 1 an error, 64 bad usage.\n";

static int usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "sbxc: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return EXIT_USAGE;
}

/* Test hooks: lower the limits so tests can reach them cheaply. */
static void limits_from_env(Compile *c)
{
	const char *v;
	if ((v = getenv("SBXC_MAX_RULES")) && atoi(v) > 0)
		c->max_rules = atoi(v);
	if ((v = getenv("SBXC_MAX_FILE_SIZE")) && atoi(v) > 0)
		c->max_file_size = (size_t)atoi(v);
}

static int finish(Compile *c, int status)
{
	fflush(stdout);
	diag_print(stderr, &c->diags);
	compile_free(c);
	return status;
}

/* ------------------------------------------------------------------ */
/* Shared option parsing: -D NAME=VALUE, --format, --help */

typedef struct Opts {
	const char **defines;
	int ndefines;
	const char **pos;
	int npos;
	const char *format;
	const char *targets;
	const char *outdir;
	const char *arch;
	const char *on;
	bool accept_wider, check, dump_ir, write, help;
	bool no_cache, explain_cache, textconv;
	bool allow_target, allow_markdown; /* set by the command before parsing */
	const char *git_rev;
	char **rest; /* after `--` */
	int nrest;
} Opts;

/* The option arrays live until exit; kept reachable so leak checkers agree. */
static const char **opt_arrays[8];
static int nopt_arrays;

static int parse_opts(int argc, char **argv, int start, Opts *o, const char *usage, bool main_form)
{
	o->defines = calloc((size_t)argc + 1, sizeof *o->defines);
	o->pos = calloc((size_t)argc + 1, sizeof *o->pos);
	if (nopt_arrays + 2 <= (int)ARRAY_LEN(opt_arrays)) {
		opt_arrays[nopt_arrays++] = o->defines;
		opt_arrays[nopt_arrays++] = o->pos;
	}
	if (!o->defines || !o->pos)
		return usage_error(usage, "out of memory");
	for (int i = start; i < argc; i++) {
		const char *a = argv[i];
#define VALUE(name)                                                                 \
	do {                                                                        \
		if (i + 1 >= argc)                                                  \
			return usage_error(usage, "%s needs a value", a);           \
		name = argv[++i];                                                   \
	} while (0)
		if (!strcmp(a, "--")) {
			o->rest = argv + i + 1;
			o->nrest = argc - i - 1;
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->help = true;
		} else if (!strcmp(a, "-D")) {
			VALUE(o->defines[o->ndefines++]);
		} else if (!strncmp(a, "-D", 2)) {
			o->defines[o->ndefines++] = a + 2;
		} else if (!strcmp(a, "--format")) {
			VALUE(o->format);
		} else if (!strncmp(a, "--format=", 9)) {
			o->format = a + 9;
		} else if ((main_form || o->allow_target) && (!strcmp(a, "-t") || !strcmp(a, "--target"))) {
			VALUE(o->targets);
		} else if ((main_form || o->allow_target) && !strncmp(a, "--target=", 9)) {
			o->targets = a + 9;
		} else if (main_form && (!strcmp(a, "-o") || !strcmp(a, "--output"))) {
			VALUE(o->outdir);
		} else if (main_form && !strncmp(a, "--output=", 9)) {
			o->outdir = a + 9;
		} else if (main_form && !strcmp(a, "--arch")) {
			VALUE(o->arch);
		} else if (main_form && !strncmp(a, "--arch=", 7)) {
			o->arch = a + 7;
		} else if (main_form && !strcmp(a, "--accept-wider")) {
			o->accept_wider = true;
		} else if (main_form && !strcmp(a, "--check")) {
			o->check = true;
		} else if (main_form && !strcmp(a, "--no-cache")) {
			o->no_cache = true;
		} else if (main_form && !strcmp(a, "--explain-cache")) {
			o->explain_cache = true;
		} else if (o->allow_markdown && !strcmp(a, "--git")) {
			VALUE(o->git_rev);
		} else if (o->allow_markdown && !strncmp(a, "--git=", 6)) {
			o->git_rev = a + 6;
		} else if (o->allow_markdown && !strcmp(a, "--textconv")) {
			o->textconv = true;
		} else if (main_form && !strcmp(a, "--dump=ir")) {
			o->dump_ir = true;
		} else if (!strcmp(a, "--on")) {
			VALUE(o->on);
		} else if (!strcmp(a, "-w")) {
			o->write = true;
		} else if (a[0] == '-' && a[1] != 0 && o->npos == 0) {
			return usage_error(usage, "unknown option '%s'", a);
		} else if (a[0] == '-' && a[1] == '-' && a[2] != 0) {
			return usage_error(usage, "unknown option '%s'", a);
		} else {
			o->pos[o->npos++] = a;
		}
#undef VALUE
	}
	if (o->format && strcmp(o->format, "text") && strcmp(o->format, "json") &&
	    !(o->allow_markdown && !strcmp(o->format, "markdown")))
		return usage_error(usage, "--format takes text%s or json, not '%s'", o->allow_markdown ? ", markdown" : "",
				   o->format);
	return 0;
}

static bool json(const Opts *o) { return o->format && !strcmp(o->format, "json"); }


static void json_rule(FILE *f, const Policy *p, const Rule *r)
{
	if (!r) {
		fputs("null", f);
		return;
	}
	Buf b = { 0 };
	ir_put_object(&b, r);
	fprintf(f, "{\"effect\": \"%s\", \"right\": \"%s\", \"object\": ", r->effect == EFF_ALLOW ? "allow" : "deny",
		ir_right_name[r->right]);
	fput_json_str(f, buf_as_str(&b));
	if (r->loc.line == 0) { /* a rule of the derived filter: written by no one */
		fputs(", \"derived\": true}", f);
		buf_free(&b);
		return;
	}
	fputs(", \"file\": ", f);
	fput_json_str(f, p->files[r->loc.file].name);
	fprintf(f, ", \"line\": %u, \"col\": %u, \"platforms\": \"%s\"", r->loc.line, r->loc.col, ir_platform_names(r->platforms));
	if (r->because.n) {
		fputs(", \"because\": ", f);
		fput_json_str(f, r->because);
	}
	fputc('}', f);
	buf_free(&b);
}

static void text_rule(FILE *f, const Policy *p, const Rule *r)
{
	Buf b = { 0 };
	buf_printf(&b, "%s %s", r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right]);
	if (ir_right_obj[r->right] != OBJ_NONE) {
		buf_putc(&b, ' ');
		ir_put_object(&b, r);
	}
	if (r->loc.line == 0)
		fprintf(f, "the derived filter (the policy has no syscall rules; LANGUAGE.md 5.4): %.*s", (int)b.n, b.p);
	else
		fprintf(f, "%.*s:%u: %.*s", STRF(p->files[r->loc.file].name), r->loc.line, (int)b.n, b.p);
	if (r->platforms != PLAT_ALL)
		fprintf(f, " [%s]", ir_platform_names(r->platforms));
	if (r->because.n)
		fprintf(f, " (because \"%.*s\")", STRF(r->because));
	buf_free(&b);
}

/* ------------------------------------------------------------------ */
/* Targets */

typedef struct Selection {
	const Backend *v[16];
	int n;
	char names[256]; /* as written, for the regenerate line */
} Selection;

static int select_targets(const char *list, Selection *s)
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

static void list_targets(void) { target_help(stdout); }

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* ------------------------------------------------------------------ */
/* sbxc POLICY -t ... */

/* The input digest a stale artifact's header says it was made from. */
static bool header_input_digest(const char *path, char out[33])
{
	Buf b = { 0 };
	int e = read_file(path, 64u << 20, &b);
	bool ok = false;
	if (e == 0) {
		size_t lim = b.n < 2048 ? b.n : 2048;
		/* "input: xxh3-128:HEX" in comments, "input": "xxh3-128:HEX" in JSON. */
		for (const char *q = b.p; !ok && (q = memmem(q, lim - (size_t)(q - b.p), "input", 5)); q += 5) {
			const char *m = memmem(q, (size_t)(b.p + lim - q) < 20 ? (size_t)(b.p + lim - q) : 20, "xxh3-128:", 9);
			if (m && (size_t)(m - b.p) + 9 + 32 <= b.n) {
				memcpy(out, m + 9, 32);
				out[32] = 0;
				ok = strspn(out, "0123456789abcdef") == 32;
			}
		}
	}
	buf_free(&b);
	return ok;
}

/* --check found stale files: say what changed in meaning since they were
 * generated, when we can find the policy they were generated from (the
 * header's input digest, matched against the policy's recent revisions in
 * git). The header is a hint for where to look, never the verdict: the
 * verdict was the byte comparison. */
static void stale_semantic_diff(const Opts *o, Compile *cur, char (*digests)[33], int nd)
{
	bool js = json(o);
	char hex[33];
	ir_digest_hex(cur->policy->input_digest, hex);
	char revs[20][41];
	int nrev = -1;
	if (js)
		printf(", \"generated_from\": [");
	for (int d = 0; d < nd; d++) {
		if (js)
			printf("%s{\"input\": \"xxh3-128:%s\", ", d ? ", " : "", digests[d]);
		if (!strcmp(digests[d], hex)) {
			if (js)
				printf("\"same_input\": true}");
			else
				printf("some were generated from this same policy input (xxh3-128:%s): the difference comes from the\n"
				       "options, or from another sbxc output format\n",
				       hex);
			continue;
		}
		if (nrev < 0)
			nrev = git_log_revs(o->pos[0], 20, revs);
		bool found = false;
		for (int r = 0; r < nrev && !found; r++) {
			GitTree t;
			char err[512];
			if (!git_tree_open(&t, revs[r], o->pos[0], err, sizeof err))
				continue;
			Compile old;
			compile_init(&old);
			old.fragment_ok = true;
			old.skip_checks = true;
			if (git_tree_enter(&t)) {
				bool ok = compile_load(&old, t.path, o->defines, o->ndefines);
				git_tree_leave(&t);
				char ohex[33];
				if (ok) {
					ir_digest_hex(old.policy->input_digest, ohex);
					if (!strcmp(ohex, digests[d])) {
						found = true;
						if (js) {
							printf("\"same_input\": false, \"revision\": \"%s\", \"diff\": ", revs[r]);
							diff_policies(stdout, old.policy, cur->policy, &cur->arena, DIFF_JSON, t.label,
								      o->pos[0]);
							printf("}");
						} else {
							printf("semantic diff from %.12s (what the stale artifacts were generated from) to %s:\n",
							       revs[r], o->pos[0]);
							if (!diff_policies(stdout, old.policy, cur->policy, &cur->arena, DIFF_TEXT, t.label,
									   o->pos[0]))
								printf("  (no semantic change: only locations, reasons or formatting)\n");
						}
					}
				}
			}
			compile_free(&old);
			git_tree_free(&t);
		}
		if (!found) {
			if (js)
				printf("\"same_input\": false, \"revision\": null, \"diff\": null}");
			else
				printf("no semantic diff: no revision of %s in the last %d commits has input digest xxh3-128:%s\n",
				       o->pos[0], nrev, digests[d]);
		}
	}
	if (js)
		printf("]");
}

/* Compared through a mapping (no copy); *err gets open's errno. */

/* Byte-for-byte comparison of out with dir; exit 0 or 2. JSON: one object
 * (docs/review.md, "sbxc-stale 1"). */
static int check_dir(const Opts *o, const Output *out, const char *dir, Str regen, Compile *c)
{
	bool js = json(o);
	int stale = 0;
	char(*digests)[33] = calloc((size_t)out->n + 1, sizeof *digests);
	int nd = 0;
	if (js) {
		printf("{\"current\": ");
		fflush(stdout);
	}
	Buf files = { 0 };
	for (int i = 0; i < out->n; i++) {
		const Artifact *a = &out->v[i];
		char path[4096];
		snprintf(path, sizeof path, "%s/%.*s", dir, STRF(a->name));
		int e = 0;
		bool same = artifact_same(path, &a->data, &e);
		const char *status = same ? "current" : e == ENOENT ? "missing" : "stale";
		if (js) {
			buf_printf(&files, "%s{\"name\": ", i ? ", " : "");
			FILE *mf = NULL;
			char *s = NULL;
			size_t ns = 0;
			if ((mf = open_memstream(&s, &ns))) {
				fput_json_str(mf, a->name);
				fputs(", \"path\": ", mf);
				fput_json_str(mf, str_c(path));
				fclose(mf);
				buf_put(&files, s, ns);
				free(s);
			}
			buf_printf(&files, ", \"status\": \"%s\"}", status);
		} else if (!same)
			printf("%s: %s\n", status, path);
		if (!same) {
			stale++;
			char h[33];
			if (e != ENOENT && digests && header_input_digest(path, h)) {
				bool dup = false;
				for (int k = 0; k < nd; k++)
					dup |= !strcmp(digests[k], h);
				if (!dup)
					memcpy(digests[nd++], h, 33);
			}
		}
	}
	if (js)
		printf("%s, \"files\": [%.*s]", stale ? "false" : "true", (int)files.n, files.p ? files.p : "");
	buf_free(&files);
	if (stale && nd) {
		if (!c->policy && !compile_load(c, o->pos[0], o->defines, o->ndefines))
			nd = 0;
		if (nd)
			stale_semantic_diff(o, c, digests, nd);
	}
	if (js) {
		printf(", \"regenerate\": ");
		fput_json_str(stdout, regen);
		printf(", \"schema\": \"sbxc-stale 1\"}\n");
	} else if (stale)
		printf("%d of %d artifacts are not current; regenerate with: %.*s\n", stale, out->n, STRF(regen));
	free(digests);
	return stale ? EXIT_STALE : EXIT_OK;
}

/* The key of one compilation: everything the artifacts' bytes depend on
 * that is known before parsing. The policy's own files are covered by the
 * main file's hash here and by the entry's dependency list (every file the
 * compilation read, re-hashed on a hit); the standard library by its
 * digest; the backends by the output-format version and the compiler's
 * identity. */
static bool compile_key(CacheKey *k, const Opts *o, const Selection *sel, char **arches, int narches, Str regen,
			const Compile *c)
{
	uint64_t mainh;
	if (!cache_hash_file(o->pos[0], c->max_file_size, &mainh))
		return false;
	char id[64], std[33];
	cache_compiler_id(id);
	cache_stdlib_digest(std);
	cache_key_begin(k, "compile");
	cache_key_addu(k, "output-format", CACHE_OUTPUT_FORMAT);
	cache_key_addc(k, "compiler", id);
	cache_key_addc(k, "stdlib", std);
	for (int i = 0; i < sel->n; i++)
		cache_key_addc(k, "target", sel->v[i]->name);
	for (int i = 0; i < narches; i++)
		cache_key_addc(k, "arch", arches[i]);
	cache_key_addu(k, "accept-wider", o->accept_wider);
	for (int i = 0; i < o->ndefines; i++)
		cache_key_addc(k, "define", o->defines[i]);
	cache_key_addc(k, "source", o->pos[0]);
	cache_key_add(k, "regenerate", regen);
	cache_key_addu(k, "max-file-size", c->max_file_size);
	cache_key_addu(k, "max-rules", (uint64_t)c->max_rules);
	char hex[17];
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)mainh);
	cache_key_addc(k, "main-xxh3-64", hex);
	cache_key_end(k);
	return true;
}

static void explain_cache_line(const Opts *o, const char *what, const Buf *why, const CacheKey *k)
{
	if (!o->explain_cache)
		return;
	fprintf(stderr, "sbxc: cache %s: %.*s\n", what, (int)why->n, why->p ? why->p : "");
	if (k && k->text.n) {
		fprintf(stderr, "sbxc: cache key xxh3-128:%016llx%016llx:\n", (unsigned long long)k->hash[0],
			(unsigned long long)k->hash[1]);
		for (size_t i = 0; i < k->text.n;) {
			size_t j = i;
			while (j < k->text.n && k->text.p[j] != '\n')
				j++;
			fprintf(stderr, "  | %.*s\n", (int)(j - i), k->text.p + i);
			i = j + 1;
		}
	}
}

static int cmd_compile(int argc, char **argv)
{
	Opts o = { 0 };
	int rc = parse_opts(argc, argv, 1, &o, usage_main, true);
	if (rc)
		return rc;
	if (o.help) {
		fputs(usage_main, stdout);
		return EXIT_OK;
	}
	if (o.targets && !strcmp(o.targets, "help")) {
		list_targets();
		return EXIT_OK;
	}
	if (o.npos != 1)
		return o.npos ? usage_error(usage_main, "expected one policy file, got %d", o.npos)
			      : usage_error(usage_main, "missing the policy file");
	if (!o.targets && !o.dump_ir)
		return usage_error(usage_main, "missing -t TARGET");
	if (o.nrest)
		return usage_error(usage_main, "unexpected '--' (sbxc run takes a command)");
	Selection sel = { 0 };
	if (o.targets && (rc = select_targets(o.targets, &sel)))
		return rc;
	/* Arches: sorted, deduplicated, so the artifacts do not depend on the order given. */
	char archbuf[512];
	snprintf(archbuf, sizeof archbuf, "%s", o.arch ? o.arch : "x86_64,aarch64");
	char *arches[32];
	int narches = 0;
	for (char *save, *t = strtok_r(archbuf, ",", &save); t && narches < 32; t = strtok_r(NULL, ",", &save)) {
		bool dup = false;
		for (int i = 0; i < narches; i++)
			dup |= !strcmp(arches[i], t);
		if (!dup)
			arches[narches++] = t;
	}
	if (narches == 0)
		return usage_error(usage_main, "--arch needs at least one architecture");
	qsort(arches, (size_t)narches, sizeof *arches, cmp_cstr);

	Compile c;
	compile_init(&c);
	limits_from_env(&c);
	const char *dir = o.outdir ? o.outdir : ".";
	/* The regenerate line: the command as a user would retype it. */
	Buf regen = { 0 };
	buf_printf(&regen, "sbxc %s -t %s", o.pos[0], sel.names);
	if (o.outdir)
		buf_printf(&regen, " -o %s", o.outdir);
	if (o.arch)
		buf_printf(&regen, " --arch %s", o.arch);
	for (int i = 0; i < o.ndefines; i++)
		buf_printf(&regen, " -D %s", o.defines[i]);
	if (o.accept_wider)
		buf_puts(&regen, " --accept-wider");
	Str regen_s = arena_strdup(&c.arena, buf_as_str(&regen));
	buf_free(&regen);

	/* The cache, before any parsing: a hit costs reading the inputs and the entry. */
	char root[4096];
	bool cached = o.targets && !o.dump_ir && !o.no_cache && cache_root(root, sizeof root);
	CacheKey key = { 0 };
	Buf why = { 0 };
	if (!cached && o.targets && !o.dump_ir) {
		buf_puts(&why, o.no_cache ? "disabled by --no-cache" : "no cache directory (set XDG_CACHE_HOME or HOME)");
		explain_cache_line(&o, "off", &why, NULL);
	}
	if (cached && !compile_key(&key, &o, &sel, arches, narches, regen_s, &c))
		cached = false; /* the policy cannot be read: the compile below says so */
	if (cached) {
		CacheEntry e;
		CacheResult res = cache_get(root, &key, &e, &why);
		explain_cache_line(&o, cache_result_name[res], &why, &key);
		if (res == CACHE_HIT) {
			Artifact *arts = calloc((size_t)e.nart + 1, sizeof *arts);
			Output out = { arts, e.nart, e.nart };
			for (int i = 0; arts && i < e.nart; i++)
				arts[i] = (Artifact){ e.art[i].name, { (char *)e.art[i].data.p, e.art[i].data.n, 0, false } };
			fwrite(e.note.p, 1, e.note.n, stderr); /* the warnings the compilation printed */
			int status = !arts ? EXIT_POLICY
				     : o.check ? check_dir(&o, &out, dir, regen_s, &c)
				     : artifact_write_all(&out, dir, &c.diags) ? EXIT_OK
										: EXIT_POLICY;
			free(arts);
			cache_entry_free(&e);
			cache_key_free(&key);
			buf_free(&why);
			return finish(&c, status);
		}
	}

	if (!compile_load(&c, o.pos[0], o.defines, o.ndefines)) {
		cache_key_free(&key);
		buf_free(&why);
		return finish(&c, EXIT_POLICY);
	}
	if (o.dump_ir) {
		Buf b = { 0 };
		ir_dump(c.policy, &b);
		fwrite(b.p, 1, b.n, stdout);
		buf_free(&b);
		if (!o.targets)
			return finish(&c, EXIT_OK);
	}
	EmitOpts eo = {
		.arches = (const char *const *)arches,
		.narches = narches,
		.accept_wider = o.accept_wider,
		.source = str_c(o.pos[0]),
		.regen = regen_s,
	};
	if (!compile_emit(&c, sel.v, sel.n, &eo)) {
		cache_key_free(&key);
		buf_free(&why);
		return finish(&c, EXIT_POLICY);
	}
	if (cached) {
		/* Store the diagnostics as printed, to replay them on a hit. */
		char *note = NULL;
		size_t nnote = 0;
		FILE *mf = open_memstream(&note, &nnote);
		if (mf) {
			diag_print(mf, &c.diags);
			fclose(mf);
		}
		const Policy *p = c.policy;
		CacheDep *deps = calloc((size_t)p->nfiles + 1, sizeof *deps);
		for (int i = 0; deps && i < p->nfiles; i++)
			deps[i] = (CacheDep){ p->files[i].name, p->files[i].hash };
		char ih[33], sh[33];
		ir_digest_hex(p->input_digest, ih);
		ir_digest_hex(p->digest, sh);
		Buf info = { 0 };
		buf_printf(&info, "input xxh3-128:%s semantic xxh3-128:%s", ih, sh);
		if (deps && mf && note)
			cache_put(root, &key, deps, p->nfiles, buf_as_str(&info), (Str){ note, nnote }, &c.out, &why);
		else
			buf_puts(&why, " (not stored: out of memory)");
		explain_cache_line(&o, "store", &why, NULL);
		buf_free(&info);
		free(deps);
		free(note);
	}
	cache_key_free(&key);
	buf_free(&why);
	if (o.check)
		return finish(&c, check_dir(&o, &c.out, dir, regen_s, &c));
	if (!artifact_write_all(&c.out, dir, &c.diags))
		return finish(&c, EXIT_POLICY);
	return finish(&c, EXIT_OK);
}

/* ------------------------------------------------------------------ */
/* sbxc check */

static int cmd_check(int argc, char **argv)
{
	Opts o = { 0 };
	int rc = parse_opts(argc, argv, 1, &o, usage_check, false);
	if (rc)
		return rc;
	if (o.help) {
		fputs(usage_check, stdout);
		return EXIT_OK;
	}
	if (o.npos != 1)
		return usage_error(usage_check, "expected one policy file");
	Compile c;
	compile_init(&c);
	limits_from_env(&c);
	c.fragment_ok = true;
	if (!compile_load(&c, o.pos[0], o.defines, o.ndefines)) {
		if (json(&o)) {
			printf("{\"ok\": false, \"errors\": %d}\n", c.diags.nerrors);
		}
		return finish(&c, EXIT_POLICY);
	}
	const Policy *p = c.policy;
	char hex[33];
	ir_digest_hex(p->digest, hex);
	if (json(&o)) {
		printf("{\"ok\": true, \"policy\": ");
		fput_json_str(stdout, p->name);
		printf(", \"digest\": \"xxh3-128:%s\", \"rules\": [", hex);
	} else {
		printf("%.*s: ok: %d rules, %d expect, %d never; digest xxh3-128:%s\n", STRF(p->name), p->nrules, p->nexpects,
		       p->nnevers, hex);
		printf("\n%-44s %-9s", "rule", "linux");
		for (int i = 0; backends[i]; i++)
			printf(" %-9s", backends[i]->name);
		printf("\n");
	}
	for (int k = 0; k < p->nrules; k++) {
		const Rule *r = &p->rules[k];
		Buf b = { 0 };
		buf_printf(&b, "%s %s", r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right]);
		if (ir_right_obj[r->right] != OBJ_NONE) {
			buf_putc(&b, ' ');
			ir_put_object(&b, r);
		}
		if (json(&o)) {
			printf("%s{\"rule\": ", k ? ", " : "");
			fput_json_str(stdout, buf_as_str(&b));
			printf(", \"file\": ");
			fput_json_str(stdout, p->files[r->loc.file].name);
			printf(", \"line\": %u, \"fidelity\": {", r->loc.line);
		} else
			printf("%-44.*s", (int)b.n, b.p);
		Str lnote;
		Fidelity lf = target_fidelity(target_os(PLAT_LINUX), p, r, &c.arena, &lnote);
		if (json(&o))
			printf("\"linux\": {\"class\": \"%s\"}, ", fid_name[lf]);
		else
			printf(" %-9s", fid_name[lf]);
		Buf notes = { 0 };
		for (int i = 0; backends[i]; i++) {
			Str note;
			const char *f = backends[i]->fidelity ? fid_name[fidelity_of(backends[i], p, r, &c.arena, &note)] : "-";
			if (!backends[i]->fidelity)
				note = (Str){ "", 0 };
			if (json(&o)) {
				printf("%s\"%s\": {\"class\": \"%s\"", i ? ", " : "", backends[i]->name, f);
				if (note.n) {
					printf(", \"note\": ");
					fput_json_str(stdout, note);
				}
				printf("}");
			} else {
				printf(" %-9s", f);
				if (note.n)
					buf_printf(&notes, "    %s: %.*s\n", backends[i]->name, STRF(note));
			}
		}
		if (json(&o))
			printf("}}");
		else {
			printf("  %.*s:%u\n", STRF(p->files[r->loc.file].name), r->loc.line);
			if (notes.n)
				fwrite(notes.p, 1, notes.n, stdout);
		}
		buf_free(&notes);
		buf_free(&b);
	}
	if (json(&o))
		printf("], \"schema\": \"sbxc-check 1\"}\n");
	return finish(&c, EXIT_OK);
}

/* ------------------------------------------------------------------ */
/* sbxc explain */

/* Values for every param, so a concrete path matches rules written with
 * ${HOME} and friends: -D first, then the environment, then the defaults
 * the runtime would use. */
static int env_defines(const Policy *p, const Opts *o, const char ***out)
{
	const char **v = calloc((size_t)p->nparams + (size_t)o->ndefines + 1, sizeof *v);
	int n = 0;
	for (int i = 0; i < o->ndefines; i++)
		v[n++] = o->defines[i];
	for (int i = 0; i < p->nparams; i++) {
		const Param *q = &p->params[i];
		bool given = false;
		for (int k = 0; k < o->ndefines; k++)
			given |= !strncmp(o->defines[k], q->name.p, q->name.n) && o->defines[k][q->name.n] == '=';
		if (given || q->baked)
			continue;
		char name[128];
		snprintf(name, sizeof name, "%.*s", STRF(q->name));
		const char *val = getenv(name);
		char buf[4096];
		if (!strcmp(name, "PROJECT") && !q->has_default && !val)
			val = getcwd(buf, sizeof buf);
		else if (!strcmp(name, "TMPDIR") && !val)
			val = "/tmp";
		else if (!strcmp(name, "UID")) {
			snprintf(buf, sizeof buf, "%u", (unsigned)getuid());
			val = buf;
		}
		if (!val || !*val || (strcmp(name, "UID") && val[0] != '/'))
			continue; /* stays symbolic; its default applies through the rules that use it */
		char *d = NULL;
		if (asprintf(&d, "%s=%s", name, val) >= 0)
			v[n++] = d;
	}
	*out = v;
	return n;
}

/* What a target's artifact makes the kernel do with an operation the
 * language decides as d: the deciding rule's fidelity on that target. */
typedef struct TargetView {
	const char *name;
	Fidelity fid;
	Str note;
	const char *kernel; /* "allow", "deny", "may-deny", "may-allow", "not-enforced" */
} TargetView;

static TargetView target_view(const char *target, const Policy *p, const Decision *d, Arena *a)
{
	TargetView v = { target, FID_EXACT, { "", 0 }, NULL };
	bool allow = d->effect == EFF_ALLOW;
	if (!d->rule) {
		v.kernel = "deny";
		v.note = STR("no rule allows it, and every artifact starts from deny");
		return v;
	}
	v.fid = target_fidelity(target_name_find(str_c(target)), p, d->rule, a, &v.note);
	switch (v.fid) {
	case FID_EXACT:
		v.kernel = allow ? "allow" : "deny";
		break;
	case FID_STRICTER:
		v.kernel = allow ? "may-deny" : "deny";
		break;
	case FID_WIDER:
		v.kernel = allow ? "allow" : "may-allow";
		break;
	default:
		v.kernel = "not-enforced";
		break;
	}
	return v;
}

static int cmd_explain(int argc, char **argv)
{
	Opts o = { .allow_target = true };
	int rc = parse_opts(argc, argv, 1, &o, usage_explain, false);
	if (rc)
		return rc;
	if (o.help) {
		fputs(usage_explain, stdout);
		return EXIT_OK;
	}
	if (o.npos < 2)
		return usage_error(usage_explain, "expected a policy file and an operation");
	unsigned plat = PLAT_LINUX;
	if (o.on) {
		if (!strcmp(o.on, "macos"))
			plat = PLAT_MACOS;
		else if (!strcmp(o.on, "windows"))
			plat = PLAT_WINDOWS;
		else if (strcmp(o.on, "linux"))
			return usage_error(usage_explain, "--on takes linux, macos or windows, not '%s'", o.on);
	}
	if (o.targets) {
		const TargetName *tb = target_name_find(str_c(o.targets));
		if (!tb || !tb->explain)
			return usage_error(usage_explain, "-t takes one of linux, landlock, seccomp, macos, windows, not '%s'",
					   o.targets);
		if (o.on && !(tb->platform & plat))
			return usage_error(usage_explain, "-t %s is not a target for --on %s", o.targets, o.on);
		plat = tb->platform;
	}
	Buf opb = { 0 };
	for (int i = 1; i < o.npos; i++)
		buf_printf(&opb, "%s%s", i > 1 ? " " : "", o.pos[i]);
	Str optext = buf_as_str(&opb);
	/* A symbolic operation is matched as written; a concrete one after resolving params. */
	bool symbolic = memmem(optext.p, optext.n, "${", 2) || memmem(optext.p, optext.n, " ~", 2);
	Compile c;
	compile_init(&c);
	c.fragment_ok = true;
	if (!compile_load(&c, o.pos[0], o.defines, o.ndefines)) {
		buf_free(&opb);
		return finish(&c, EXIT_POLICY);
	}
	if (!symbolic) {
		const char **defs;
		int nd = env_defines(c.policy, &o, &defs);
		Compile c2;
		compile_init(&c2);
		c2.fragment_ok = true;
		c2.skip_checks = true;
		c2.resolve_defaults = true;
		if (compile_load(&c2, o.pos[0], defs, nd)) {
			compile_free(&c);
			c = c2;
			c.diags.arena = &c.arena; /* it pointed into c2, which ends here */
		} else
			compile_free(&c2); /* a value from the environment was unusable: stay symbolic */
		for (int i = o.ndefines; i < nd; i++)
			free((char *)defs[i]); /* the ones env_defines made */
		free(defs);
	}
	Op op;
	if (!lang_parse_op(c.policy, &c.arena, &c.diags, (SrcLoc){ 0, 0, 0 }, optext, &op)) {
		buf_free(&opb);
		return finish(&c, EXIT_POLICY);
	}
	buf_free(&opb);
	const Policy *p = c.policy;
	Decision d = eval_op(p, &op, plat);
	if (json(&o)) {
		printf("{\"decision\": \"%s\", \"operation\": ", d.effect == EFF_ALLOW ? "allow" : "deny");
		fput_json_str(stdout, op.text);
		printf(", \"platform\": \"%s\", \"rule\": ", ir_platform_names(plat));
		json_rule(stdout, p, d.rule);
		if (op.right == R_SYSCALL) {
			Buf b = { 0 };
			ir_put_action(&b, &d.act);
			printf(", \"action\": ");
			fput_json_str(stdout, buf_as_str(&b));
			buf_free(&b);
		}
		if (o.targets) {
			TargetView v = target_view(o.targets, p, &d, &c.arena);
			printf(", \"target\": {\"name\": \"%s\", \"class\": \"%s\", \"kernel\": \"%s\", \"note\": ", v.name,
			       fid_name[v.fid], v.kernel);
			fput_json_str(stdout, v.note);
			printf("}");
		}
		printf(", \"schema\": \"sbxc-explain 1\"}\n");
	} else {
		printf("%s: %.*s\n", d.effect == EFF_ALLOW ? "allow" : "deny", STRF(op.text));
		if (d.rule) {
			printf("  decided by ");
			text_rule(stdout, p, d.rule);
			printf("\n");
		} else if (d.derived)
			printf("  no rule of the derived filter names it: allowed\n");
		else
			printf("  no rule matches: denied by default\n");
		if (op.right == R_SYSCALL && d.effect == EFF_DENY) {
			Buf b = { 0 };
			ir_put_action(&b, &d.act);
			printf("  the call fails with: %.*s\n", (int)b.n, b.p);
			buf_free(&b);
		}
		if (o.targets) {
			TargetView v = target_view(o.targets, p, &d, &c.arena);
			static const struct {
				const char *k, *text;
			} says[] = {
				{ "allow", "allows it" },
				{ "deny", "denies it" },
				{ "may-deny", "may deny it: the rule is enforced more strictly there" },
				{ "may-allow", "may allow it: the rule is enforced more widely there (accepted)" },
				{ "not-enforced", "does not enforce the deciding rule (another target does, or none)" },
			};
			const char *say = "";
			for (size_t i = 0; i < ARRAY_LEN(says); i++)
				if (!strcmp(says[i].k, v.kernel))
					say = says[i].text;
			printf("  on %s: %s; the kernel %s\n", v.name, d.rule ? fid_name[v.fid] : "exact", say);
			if (v.note.n)
				printf("    %s: %.*s\n", d.rule ? fid_name[v.fid] : "why", STRF(v.note));
		}
	}
	return finish(&c, EXIT_OK);
}

/* ------------------------------------------------------------------ */
/* sbxc fmt */

static int cmd_fmt(int argc, char **argv)
{
	Opts o = { 0 };
	int rc = parse_opts(argc, argv, 1, &o, usage_fmt, false);
	if (rc)
		return rc;
	if (o.help) {
		fputs(usage_fmt, stdout);
		return EXIT_OK;
	}
	if (o.npos < 1)
		return usage_error(usage_fmt, "expected a policy file");
	int status = EXIT_OK;
	for (int i = 0; i < o.npos; i++) {
		Compile c;
		compile_init(&c);
		Buf src = { 0 };
		int e = read_file(o.pos[i], c.max_file_size, &src);
		if (e) {
			fprintf(stderr, "sbxc: cannot read '%s': %s\n", o.pos[i], strerror(e));
			buf_free(&src);
			compile_free(&c);
			status = EXIT_POLICY;
			continue;
		}
		SrcFile sf = { str_c(o.pos[i]), arena_strdup(&c.arena, buf_as_str(&src)), 0 };
		buf_free(&src);
		c.diags.files = &sf;
		c.diags.nfiles = 1;
		Buf out = { 0 };
		c.arena.oom = &c.oom;
		bool ok = !setjmp(c.oom) && lang_format(&c.arena, &c.diags, 0, sf.text, &out);
		c.arena.oom = NULL;
		if (!ok) {
			buf_free(&out);
			finish(&c, EXIT_POLICY);
			status = EXIT_POLICY;
			continue;
		}
		if (!o.write) {
			fwrite(out.p, 1, out.n, stdout);
		} else if (!(out.n == sf.text.n && memcmp(out.p, sf.text.p, out.n) == 0)) {
			/* Rewrite in place through the same atomic writer as artifacts. */
			const char *slash = strrchr(o.pos[i], '/');
			char dir[4096];
			snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - o.pos[i]) : 1, slash ? o.pos[i] : ".");
			if (slash == o.pos[i])
				snprintf(dir, sizeof dir, "/");
			Output one = { 0 };
			Artifact art = { str_c(slash ? slash + 1 : o.pos[i]), out };
			one.v = &art;
			one.n = 1;
			if (!artifact_write_all(&one, dir, &c.diags))
				status = EXIT_POLICY;
		}
		buf_free(&out);
		finish(&c, EXIT_OK);
	}
	return status;
}

/* ------------------------------------------------------------------ */
/* sbxc diff */

static int diff_load(Compile *c, const char *path, const Opts *o)
{
	compile_init(c);
	c->fragment_ok = true;
	return compile_load(c, path, o->defines, o->ndefines);
}

static int cmd_diff(int argc, char **argv)
{
	Opts o = { .allow_markdown = true };
	int rc = parse_opts(argc, argv, 1, &o, usage_diff, false);
	if (rc)
		return rc;
	if (o.help) {
		fputs(usage_diff, stdout);
		return EXIT_OK;
	}
	DiffFormat fmt = !o.format || !strcmp(o.format, "text") ? DIFF_TEXT : !strcmp(o.format, "json") ? DIFF_JSON : DIFF_MARKDOWN;
	if (o.textconv) {
		/* git runs this on a copy of the blob, often where `use` paths do
		 * not resolve: then the file's own text is the best it can show. */
		if (o.npos != 1)
			return usage_error(usage_diff, "--textconv takes one policy file");
		Compile c;
		if (diff_load(&c, o.pos[0], &o)) {
			diff_textconv(stdout, c.policy, &c.arena);
			compile_free(&c);
			return EXIT_OK;
		}
		compile_free(&c);
		Buf b = { 0 };
		int e = read_file(o.pos[0], 64u << 20, &b);
		if (e) {
			fprintf(stderr, "sbxc: cannot read '%s': %s\n", o.pos[0], strerror(e));
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
	if (o.git_rev) {
		if (o.npos != 1)
			return usage_error(usage_diff, "--git REV takes one policy file");
		char err[1024];
		if (!git_tree_open(&t, o.git_rev, o.pos[0], err, sizeof err)) {
			fprintf(stderr, "sbxc: %s\n", err);
			return EXIT_POLICY;
		}
		ok = git_tree_enter(&t);
		if (!ok)
			fprintf(stderr, "sbxc: cannot enter %s: %s\n", t.tmp, strerror(errno));
		compile_init(&a);
		if (ok) {
			ok = diff_load(&a, t.path, &o);
			git_tree_leave(&t);
			diag_print(stderr, &a.diags);
			a.diags.n = 0;
		}
		ok = diff_load(&b, o.pos[0], &o) && ok;
		old_label = t.label;
		new_label = o.pos[0];
	} else {
		if (o.npos != 2)
			return usage_error(usage_diff, "expected two policy files");
		ok = diff_load(&a, o.pos[0], &o);
		ok = diff_load(&b, o.pos[1], &o) && ok;
		old_label = o.pos[0];
		new_label = o.pos[1];
	}
	if (ok)
		diff_policies(stdout, a.policy, b.policy, &b.arena, fmt, old_label, new_label);
	fflush(stdout);
	diag_print(stderr, &a.diags);
	diag_print(stderr, &b.diags);
	compile_free(&a);
	compile_free(&b);
	git_tree_free(&t);
	return ok ? EXIT_OK : EXIT_POLICY;
}

/* ------------------------------------------------------------------ */
int main(int argc, char **argv)
{
	/* Diagnostics can run to thousands of lines: buffer them (flushed at exit). */
	static char errbuf[1 << 16];
	setvbuf(stderr, errbuf, _IOFBF, sizeof errbuf);
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage_main, stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version")) {
		printf("sbxc 0.1.0 (language 1)\n");
		return EXIT_OK;
	}
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "explain"))
		return cmd_explain(argc - 1, argv + 1);
	if (!strcmp(cmd, "fmt"))
		return cmd_fmt(argc - 1, argv + 1);
	if (!strcmp(cmd, "diff"))
		return cmd_diff(argc - 1, argv + 1);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "import"))
		return cmd_import(argc - 1, argv + 1);
	return cmd_compile(argc, argv);
}
