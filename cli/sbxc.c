/*
 * sbxc.c: the command line. Each command reads as its pipeline: load,
 * check, emit, write, with diagnostics printed once at the end. Exit codes
 * are LANGUAGE.md section 8's: 0 success, 1 an error in the policy or its
 * inputs, 2 stale artifacts under --check, 64 bad usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../codegen/compile.h"
#include "../codegen/eval.h"
#include "../codegen/fidelity.h"
#include "../lang/fmt.h"
#include "../lang/parse.h"

enum { EXIT_OK = 0, EXIT_POLICY = 1, EXIT_STALE = 2, EXIT_USAGE = 64 };

static const char usage_main[] =
	"usage: sbxc POLICY.sbx -t TARGET[,TARGET...] [-o DIR] [-D NAME=VALUE]... [--arch LIST]\n"
	"            [--accept-wider] [--check] [--dump=ir]\n"
	"       sbxc check [-D NAME=VALUE]... [--format text|json] POLICY.sbx\n"
	"       sbxc explain [-D NAME=VALUE]... [--on PLATFORM] [--format text|json] POLICY.sbx OPERATION...\n"
	"       sbxc diff [--format text|json] OLD.sbx NEW.sbx\n"
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
	"      --check         compare with the artifacts in DIR; exit 2 if stale\n"
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
	"usage: sbxc explain [-D NAME=VALUE]... [--on PLATFORM] [--format text|json] POLICY.sbx OPERATION...\n"
	"\n"
	"Decide one operation the way the language defines it and name the rule\n"
	"that decided. OPERATION is written as in an expect: `read /etc/passwd`,\n"
	"`write ${HOME}/.ssh/config`, `connect tcp example.com:443`, `bind unix\n"
	"/run/x.sock`, `fork`, `signal children`, `syscall socket 2 1 0`.\n"
	"A concrete path is matched after resolving params from -D, the environment\n"
	"(HOME, TMPDIR, and a variable named like each param), PROJECT = the current\n"
	"directory and UID = your uid; a path written with ${PARAM} or ~ is matched\n"
	"symbolically. PLATFORM (default linux): linux, macos or windows.\n"
	"JSON output: {\"decision\": \"allow\"|\"deny\", \"rule\": {...}|null, ...}.\n"
	"Exit status: 0 decided (allow or deny), 1 an error in the policy or the\n"
	"operation, 64 bad usage.\n";

static const char usage_fmt[] =
	"usage: sbxc fmt [-w] POLICY.sbx...\n"
	"\n"
	"Print each policy in canonical form, or with -w rewrite it in place\n"
	"(atomically, and only if it changes). Formatting never changes a policy's\n"
	"meaning. Exit status: 0 success, 1 a file does not parse, 64 bad usage.\n";

static const char usage_diff[] =
	"usage: sbxc diff [--format text|json] OLD.sbx NEW.sbx\n"
	"\n"
	"Print what NEW allows or denies that OLD did not, rule by rule, on the\n"
	"canonical policies: reordering, reformatting and moving rules between\n"
	"files show nothing. Lines: `+` a rule added, `-` a rule removed.\n"
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
		} else if (main_form && (!strcmp(a, "-t") || !strcmp(a, "--target"))) {
			VALUE(o->targets);
		} else if (main_form && !strncmp(a, "--target=", 9)) {
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
	if (o->format && strcmp(o->format, "text") && strcmp(o->format, "json"))
		return usage_error(usage, "--format takes text or json, not '%s'", o->format);
	return 0;
}

static bool json(const Opts *o) { return o->format && !strcmp(o->format, "json"); }

static void json_str(FILE *f, Str s)
{
	fputc('"', f);
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

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
	json_str(f, buf_as_str(&b));
	if (r->loc.line == 0) { /* a rule of the derived filter: written by no one */
		fputs(", \"derived\": true}", f);
		buf_free(&b);
		return;
	}
	fputs(", \"file\": ", f);
	json_str(f, p->files[r->loc.file].name);
	fprintf(f, ", \"line\": %u, \"col\": %u, \"platforms\": \"%s\"", r->loc.line, r->loc.col, ir_platform_names(r->platforms));
	if (r->because.n) {
		fputs(", \"because\": ", f);
		json_str(f, r->because);
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
	s->n = 0;
	snprintf(s->names, sizeof s->names, "%s", list);
	char buf[256];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const Backend *add[16];
		int na = 0;
		if (!strcmp(t, "all")) {
			for (int i = 0; backends[i]; i++)
				if (!backends[i]->not_in_all)
					add[na++] = backends[i];
		} else if (!strcmp(t, "linux")) {
			add[na++] = &backend_landlock;
			add[na++] = &backend_seccomp;
		} else {
			const Backend *b = backend_find(str_c(t));
			if (!b) {
				fprintf(stderr, "sbxc: unknown target '%s' (sbxc -t help lists them)\n", t);
				return EXIT_USAGE;
			}
			add[na++] = b;
		}
		for (int i = 0; i < na; i++) {
			bool dup = false;
			for (int k = 0; k < s->n; k++)
				dup |= s->v[k] == add[i];
			if (!dup && s->n < 16)
				s->v[s->n++] = add[i];
		}
	}
	if (s->n == 0) {
		fprintf(stderr, "sbxc: -t needs at least one target\n");
		return EXIT_USAGE;
	}
	/* Backends run in table order, whatever order -t named them in. */
	Selection sorted = *s;
	sorted.n = 0;
	for (int i = 0; backends[i]; i++)
		for (int k = 0; k < s->n; k++)
			if (s->v[k] == backends[i])
				sorted.v[sorted.n++] = backends[i];
	memcpy(s->v, sorted.v, sizeof s->v);
	s->n = sorted.n;
	return 0;
}

static void list_targets(void)
{
	printf("targets:\n");
	for (int i = 0; backends[i]; i++)
		printf("  %-10s %s\n", backends[i]->name, backends[i]->summary);
	printf("  %-10s landlock + seccomp\n  %-10s every target\n", "linux", "all");
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* ------------------------------------------------------------------ */
/* sbxc POLICY -t ... */

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
	if (!compile_load(&c, o.pos[0], o.defines, o.ndefines))
		return finish(&c, EXIT_POLICY);
	if (o.dump_ir) {
		Buf b = { 0 };
		ir_dump(c.policy, &b);
		fwrite(b.p, 1, b.n, stdout);
		buf_free(&b);
		if (!o.targets)
			return finish(&c, EXIT_OK);
	}
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
	EmitOpts eo = {
		.arches = (const char *const *)arches,
		.narches = narches,
		.accept_wider = o.accept_wider,
		.source = str_c(o.pos[0]),
		.regen = arena_strdup(&c.arena, buf_as_str(&regen)),
	};
	buf_free(&regen);
	if (!compile_emit(&c, sel.v, sel.n, &eo))
		return finish(&c, EXIT_POLICY);
	if (o.check) {
		int stale = 0;
		for (int i = 0; i < c.out.n; i++) {
			const Artifact *a = &c.out.v[i];
			char path[4096];
			snprintf(path, sizeof path, "%s/%.*s", dir, STRF(a->name));
			Buf cur = { 0 };
			int e = read_file(path, a->data.n + 1, &cur);
			bool same = e == 0 && cur.n == a->data.n && (cur.n == 0 || memcmp(cur.p, a->data.p, cur.n) == 0);
			buf_free(&cur);
			if (!same) {
				printf("%s: %s\n", e == ENOENT ? "missing" : "stale", path);
				stale++;
			}
		}
		if (stale) {
			printf("%d of %d artifacts are not current; regenerate with: %.*s\n", stale, c.out.n, STRF(eo.regen));
			return finish(&c, EXIT_STALE);
		}
		return finish(&c, EXIT_OK);
	}
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
		json_str(stdout, p->name);
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
			json_str(stdout, buf_as_str(&b));
			printf(", \"file\": ");
			json_str(stdout, p->files[r->loc.file].name);
			printf(", \"line\": %u, \"fidelity\": {", r->loc.line);
		} else
			printf("%-44.*s", (int)b.n, b.p);
		Str lnote;
		Fidelity lf = fidelity_linux(p, r, &c.arena, &lnote);
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
					json_str(stdout, note);
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
		printf("]}\n");
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

static int cmd_explain(int argc, char **argv)
{
	Opts o = { 0 };
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
		if (compile_load(&c2, o.pos[0], defs, nd)) {
			compile_free(&c);
			c = c2;
		} else
			compile_free(&c2); /* a value from the environment was unusable: stay symbolic */
		for (int i = o.ndefines; i < nd; i++)
			free((char *)defs[i]); /* the ones env_defines made */
		free(defs);
	}
	Op op;
	if (!eval_parse_op(c.policy, &c.arena, &c.diags, (SrcLoc){ 0, 0, 0 }, optext, &op)) {
		buf_free(&opb);
		return finish(&c, EXIT_POLICY);
	}
	buf_free(&opb);
	const Policy *p = c.policy;
	Decision d = eval_op(p, &op, plat);
	if (json(&o)) {
		printf("{\"decision\": \"%s\", \"operation\": ", d.effect == EFF_ALLOW ? "allow" : "deny");
		json_str(stdout, op.text);
		printf(", \"platform\": \"%s\", \"rule\": ", ir_platform_names(plat));
		json_rule(stdout, p, d.rule);
		if (op.right == R_SYSCALL) {
			Buf b = { 0 };
			ir_put_action(&b, &d.act);
			printf(", \"action\": ");
			json_str(stdout, buf_as_str(&b));
			buf_free(&b);
		}
		printf("}\n");
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
		StmtList sl;
		Buf out = { 0 };
		c.arena.oom = &c.oom;
		bool ok = !setjmp(c.oom) && parse_file(&c.arena, &c.diags, 0, sf.text, &sl) &&
			  fmt_source(&c.arena, &c.diags, 0, sf.text, &out);
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

static int rule_same(const Rule *a, const Rule *b)
{
	int c = a->right - b->right;
	if (!c)
		c = str_cmp(a->obj, b->obj);
	if (!c)
		c = (int)a->platforms - (int)b->platforms;
	if (!c)
		c = (int)a->effect - (int)b->effect;
	if (!c)
		c = (int)a->act.kind - (int)b->act.kind;
	if (!c)
		c = a->act.errno_val - b->act.errno_val;
	if (!c)
		c = (int)a->flags - (int)b->flags;
	return c;
}

static void diff_line(const Opts *o, char sign, const Policy *p, const Rule *r, bool *first)
{
	const char *effect = (sign == '+') == (r->effect == EFF_ALLOW) ? "widens" : "narrows";
	if (json(o)) {
		printf("%s{\"change\": \"%s\", \"effect\": \"%s\", \"rule\": ", *first ? "" : ", ", sign == '+' ? "added" : "removed", effect);
		json_rule(stdout, p, r);
		printf("}");
	} else {
		printf("%c ", sign);
		text_rule(stdout, p, r);
		printf("  (%s)\n", effect);
	}
	*first = false;
}

static int cmd_diff(int argc, char **argv)
{
	Opts o = { 0 };
	int rc = parse_opts(argc, argv, 1, &o, usage_diff, false);
	if (rc)
		return rc;
	if (o.help) {
		fputs(usage_diff, stdout);
		return EXIT_OK;
	}
	if (o.npos != 2)
		return usage_error(usage_diff, "expected two policy files");
	Compile a, b;
	compile_init(&a);
	compile_init(&b);
	a.fragment_ok = b.fragment_ok = true;
	bool ok = compile_load(&a, o.pos[0], o.defines, o.ndefines);
	ok = compile_load(&b, o.pos[1], o.defines, o.ndefines) && ok;
	if (!ok) {
		diag_print(stderr, &a.diags);
		diag_print(stderr, &b.diags);
		compile_free(&a);
		compile_free(&b);
		return EXIT_POLICY;
	}
	const Policy *pa = a.policy, *pb = b.policy;
	int i = 0, k = 0;
	bool first = true;
	if (json(&o))
		printf("{\"changes\": [");
	while (i < pa->nrules || k < pb->nrules) {
		int c = i == pa->nrules ? 1 : k == pb->nrules ? -1 : rule_same(&pa->rules[i], &pb->rules[k]);
		if (c == 0) {
			i++, k++;
		} else if (c < 0) {
			diff_line(&o, '-', pa, &pa->rules[i++], &first);
		} else {
			diff_line(&o, '+', pb, &pb->rules[k++], &first);
		}
	}
	if (json(&o))
		printf("], \"same\": %s}\n", first ? "true" : "false");
	diag_print(stderr, &a.diags);
	diag_print(stderr, &b.diags);
	compile_free(&a);
	compile_free(&b);
	return EXIT_OK;
}

/* ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
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
