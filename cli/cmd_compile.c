/*
 * cmd_compile.c: `sbxc POLICY -t TARGETS [-o DIR] ...`, the compiler's own
 * command: load the policy, emit every target's artifacts, write them (or
 * with --check compare them). Every run compiles: the compile cache is only
 * compared with the fresh bytes and kept up to date, never replayed (a
 * program the user runs may have rewritten it; docs/review.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../driver/cache.h"

/* Sorted and deduplicated, so the artifacts do not depend on the order given. */
typedef struct Arches {
	char buf[512];
	char *v[32];
	int n;
} Arches;

/* The cache around one compilation; on is false when it is not used. */
typedef struct Cache {
	bool on;
	char root[4096];
	CacheKey key;
	Buf why; /* what the last cache call did, for --explain-cache */
} Cache;

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool arches_parse(const char *list, Arches *a)
{
	snprintf(a->buf, sizeof a->buf, "%s", list ? list : "x86_64,aarch64");
	a->n = 0;
	for (char *save, *t = strtok_r(a->buf, ",", &save); t && a->n < 32; t = strtok_r(NULL, ",", &save)) {
		bool dup = false;
		for (int i = 0; i < a->n; i++)
			dup |= !strcmp(a->v[i], t);
		if (!dup)
			a->v[a->n++] = t;
	}
	qsort(a->v, (size_t)a->n, sizeof *a->v, cmp_cstr);
	return a->n > 0;
}

/* A word the shell reads back as itself, quoted when it would not. */
static void put_word(Buf *b, Str w)
{
	bool plain = w.n > 0;
	for (size_t i = 0; i < w.n; i++)
		plain &= strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./,:=+@%-", w.p[i]) != NULL &&
			 w.p[i] != 0;
	if (plain) {
		buf_str(b, w);
		return;
	}
	buf_putc(b, '\'');
	for (size_t i = 0; i < w.n; i++)
		if (w.p[i] == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, w.p[i]);
	buf_putc(b, '\'');
}

/* The command as written for headers (source names the policy as seen from
 * the output directory, so it runs from there, without -o), or as the user
 * typed it, for --check's advice (it runs from where they are). */
static Str regen_line(const Opts *o, const Selection *sel, Str source, Arena *a)
{
	Buf b = { 0 };
	buf_puts(&b, "sbxc ");
	put_word(&b, source.n ? source : str_c(o->pos[0]));
	buf_puts(&b, " -t ");
	put_word(&b, str_c(sel->names));
	if (!source.n && o->outdir) {
		buf_puts(&b, " -o ");
		put_word(&b, str_c(o->outdir));
	}
	if (o->arch) {
		buf_puts(&b, " --arch ");
		put_word(&b, str_c(o->arch));
	}
	for (int i = 0; i < o->ndefines; i++) {
		buf_puts(&b, " -D ");
		put_word(&b, str_c(o->defines[i]));
	}
	if (o->accept_wider)
		buf_puts(&b, " --accept-wider");
	Str s = arena_strdup(a, buf_as_str(&b));
	buf_free(&b);
	return s;
}

/* What the headers say, the same for every spelling of the command line. */
typedef struct Header {
	Str source; /* the policy, relative to the output directory */
	Str regen;  /* runnable from the output directory */
	Str typed;  /* the command as typed, for --check's advice */
} Header;

/* The key of one compilation: everything the artifacts' bytes depend on
 * that is known before parsing. The policy's own files are covered by the
 * main file's hash here and by the entry's dependency list (every file the
 * compilation read, re-hashed on a hit); the standard library by its
 * digest; the backends by the output-format version and the compiler's
 * identity. */
static bool compile_key(CacheKey *k, const Opts *o, const Selection *sel, const Arches *ar, const Header *h, const Compile *c)
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
	for (int i = 0; i < ar->n; i++)
		cache_key_addc(k, "arch", ar->v[i]);
	cache_key_addu(k, "accept-wider", o->accept_wider);
	for (int i = 0; i < o->ndefines; i++)
		cache_key_addc(k, "define", o->defines[i]);
	cache_key_add(k, "source", h->source);
	cache_key_add(k, "regenerate", h->regen);
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

/* Before any parsing: the key needs only the inputs' bytes. */
static void cache_open(Cache *k, const Opts *o, const Selection *sel, const Arches *ar, const Header *h, const Compile *c)
{
	memset(k, 0, sizeof *k);
	bool wanted = o->targets && !o->dump_ir;
	/* An entry replays diagnostics as text: JSON ones come from a compile. */
	k->on = wanted && !o->no_cache && !opts_json(o) && cache_root(k->root, sizeof k->root);
	if (wanted && !k->on) {
		buf_puts(&k->why, o->no_cache ? "disabled by --no-cache" : "no cache directory (set XDG_CACHE_HOME or HOME)");
		explain_cache_line(o, "off", &k->why, NULL);
	}
	if (k->on && !compile_key(&k->key, o, sel, ar, h, c))
		k->on = false; /* the policy cannot be read: the compile says so */
}

static void cache_close(Cache *k)
{
	cache_key_free(&k->key);
	buf_free(&k->why);
}

/* The last step, the same from the cache or a compilation. */
static int deliver(const Opts *o, const Output *out, const char *dir, Str regen, Compile *c)
{
	if (o->check)
		return stale_check(o, out, dir, regen, c);
	return artifact_write_all(out, dir, &c->diags) ? EXIT_OK : EXIT_POLICY;
}

/* The cache never decides what -o writes or what --check accepts: it is
 * writable by anything the user runs (and a sandbox other than sbxc's may
 * write it), so every run compiles (a few ms) and the entry is only
 * compared with the fresh bytes: a hit is reported, an entry that differs
 * is reported and replaced. true when the entry needs (re)writing. */
static bool cache_compare(Cache *k, const Opts *o, const Compile *c)
{
	if (!k->on)
		return false;
	CacheEntry e;
	const char *slash = strrchr(o->pos[0], '/');
	char base[4096];
	snprintf(base, sizeof base, "%.*s", slash ? (int)(slash - o->pos[0] + (slash == o->pos[0])) : 1, slash ? o->pos[0] : ".");
	CacheResult res = cache_get(k->root, &k->key, base, &e, &k->why);
	bool same = res == CACHE_HIT && e.nart == c->out.n;
	for (int i = 0; same && i < e.nart; i++)
		same = str_eq(e.art[i].name, c->out.v[i].name) && e.art[i].data.n == c->out.v[i].data.n &&
		       !memcmp(e.art[i].data.p, c->out.v[i].data.p, e.art[i].data.n);
	if (res == CACHE_HIT && !same) {
		k->why.n = 0;
		buf_puts(&k->why, "the entry differs from this compilation (changed since it was stored): replacing it; its bytes were not used");
		explain_cache_line(o, "differs", &k->why, &k->key);
	} else
		explain_cache_line(o, cache_result_name[res], &k->why, &k->key);
	cache_entry_free(&e);
	return !same;
}

/* Stores the artifacts with the diagnostics as printed, to replay on a hit. */
static void cache_store(Cache *k, const Opts *o, const Compile *c)
{
	if (!k->on)
		return;
	char *note = NULL;
	size_t nnote = 0;
	FILE *mf = open_memstream(&note, &nnote);
	if (mf) {
		diag_print(mf, &c->diags);
		fclose(mf);
	}
	const Policy *p = c->policy;
	CacheDep *deps = calloc((size_t)p->nfiles + 1, sizeof *deps);
	for (int i = 0; deps && i < p->nfiles; i++)
		deps[i] = (CacheDep){ p->files[i].id, p->files[i].hash };
	char ih[33], sh[33];
	ir_digest_hex(p->input_digest, ih);
	ir_digest_hex(p->digest, sh);
	Buf info = { 0 };
	buf_printf(&info, "input xxh3-128:%s semantic xxh3-128:%s", ih, sh);
	if (deps && mf && note)
		cache_put(k->root, &k->key, deps, p->nfiles, buf_as_str(&info), (Str){ note, nnote }, &c->out, &k->why);
	else
		buf_puts(&k->why, " (not stored: out of memory)");
	explain_cache_line(o, "store", &k->why, NULL);
	buf_free(&info);
	free(deps);
	free(note);
}

/* Load, print the IR if asked, emit. -1 to go on to the artifacts. */
static int build(Compile *c, const Opts *o, const Selection *sel, const Arches *ar, const Header *h)
{
	if (!compile_load(c, o->pos[0], o->defines, o->ndefines))
		return EXIT_POLICY;
	if (o->dump_ir) {
		Buf b = { 0 };
		ir_dump(c->policy, &b);
		fwrite(b.p, 1, b.n, stdout);
		buf_free(&b);
		if (!o->targets)
			return EXIT_OK;
	}
	EmitOpts eo = {
		.arches = (const char *const *)ar->v,
		.narches = ar->n,
		.accept_wider = o->accept_wider,
		.source = h->source,
		.regen = h->regen,
	};
	return compile_emit(c, sel->v, sel->n, &eo) ? -1 : EXIT_POLICY;
}

/* The checks of the command line alone; -1 when they pass. */
static int compile_usage(const Opts *o)
{
	if (o->targets && !strcmp(o->targets, "help")) {
		target_help(stdout);
		return EXIT_OK;
	}
	if (o->npos != 1)
		return o->npos ? usage_error(o->usage, "expected one policy file, got %d", o->npos)
			       : usage_error(o->usage, "missing the policy file");
	if (!o->targets && !o->dump_ir)
		return usage_error(o->usage, "missing -t TARGET");
	if (o->nrest)
		return usage_error(o->usage, "unexpected '--' (sbxc run takes a command)");
	return -1;
}

int cmd_compile(const Opts *o)
{
	int rc = compile_usage(o);
	if (rc >= 0)
		return rc;
	Selection sel = { 0 };
	if (o->targets && (rc = select_targets(o->targets, &sel)))
		return rc;
	Arches ar;
	if (!arches_parse(o->arch, &ar))
		return usage_error(o->usage, "--arch needs at least one architecture");

	Compile c;
	compile_init(&c);
	limits_from_env(&c);
	const char *dir = o->outdir ? o->outdir : ".";
	Header h;
	/* From standard input the header says so, and its regenerate command
	 * reads the same policy the same way. */
	h.source = strcmp(o->pos[0], "-") ? artifact_relative(&c.arena, o->pos[0], dir) : STR("-");
	h.regen = regen_line(o, &sel, h.source, &c.arena);
	h.typed = regen_line(o, &sel, (Str){ 0, 0 }, &c.arena);
	Cache cache;
	cache_open(&cache, o, &sel, &ar, &h, &c);
	int status = build(&c, o, &sel, &ar, &h);
	if (status < 0) {
		if (cache_compare(&cache, o, &c))
			cache_store(&cache, o, &c);
		status = deliver(o, &c.out, dir, h.typed, &c);
	}
	cache_close(&cache);
	return finish(&c, status);
}
