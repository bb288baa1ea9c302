/*
 * compile.c: one compilation from file to in-memory artifacts.
 *
 * The recovery point for allocation failure is set here (setjmp), once per
 * entry point: an out-of-memory anywhere below becomes one diagnostic and a
 * clean `false`, never a crash or a half-built policy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "compile.h"
#include "fidelity.h"
#include "../lang/lang.h"

void compile_init(Compile *c)
{
	memset(c, 0, sizeof *c);
	arena_init(&c->arena);
	c->diags.arena = &c->arena;
	c->max_file_size = 8u << 20;
	c->max_rules = 1000000;
}

void compile_free(Compile *c)
{
	for (int i = 0; i < c->out.n; i++)
		buf_free(&c->out.v[i].data);
	arena_free(&c->arena);
}

static bool load(Compile *c, const char *path, const Str *text, const char *const *defines, int ndefines)
{
	c->arena.oom = &c->oom;
	if (setjmp(c->oom)) {
		/* The arena is unusable for messages now: report without it. */
		c->arena.oom = NULL;
		c->arena.fail_after = 0;
		c->diags.n = 0;
		c->diags.cap = 0;
		c->diags.v = NULL;
		diag_plain(&c->diags, DIAG_ERROR, "out of memory");
		c->policy = NULL;
		return false;
	}
	LangOpts lo = {
		.arena = &c->arena,
		.diags = &c->diags,
		.max_file_size = c->max_file_size,
		.max_rules = c->max_rules,
		.fragment_ok = c->fragment_ok,
		.skip_checks = c->skip_checks,
		.resolve_defaults = c->resolve_defaults,
		.accept_targets = target_accept_names,
	};
	bool ok = lang_load(&lo, path, text, defines, ndefines, &c->policy);
	c->arena.oom = NULL;
	return ok;
}

/* `-` is standard input, read once per process and kept (explain loads
 * the policy twice); a relative `use` is then found from the working
 * directory, and messages name it <stdin>. */
static bool stdin_text(Compile *c, Str *out)
{
	static char *text;
	static size_t n;
	static bool read_done, too_big;
	if (!read_done) {
		read_done = true;
		size_t cap = 0;
		for (;;) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 65536;
				char *t = realloc(text, ncap + 1);
				if (!t)
					break;
				text = t;
				cap = ncap;
			}
			size_t got = fread(text + n, 1, cap - n, stdin);
			n += got;
			if (n > c->max_file_size) {
				too_big = true;
				break;
			}
			if (got == 0)
				break;
		}
		if (text)
			text[n] = 0;
	}
	if (too_big || !text || ferror(stdin)) {
		if (too_big)
			diag_plain(&c->diags, DIAG_ERROR, "standard input is larger than the limit of %zu bytes",
				   c->max_file_size);
		else
			diag_plain(&c->diags, DIAG_ERROR, "cannot read standard input");
		return false;
	}
	*out = (Str){ text, n };
	return true;
}

bool compile_load(Compile *c, const char *path, const char *const *defines, int ndefines)
{
	if (!strcmp(path, "-")) {
		Str text;
		return stdin_text(c, &text) && load(c, "<stdin>", &text, defines, ndefines);
	}
	return load(c, path, NULL, defines, ndefines);
}

bool compile_load_text(Compile *c, const char *name, Str text, const char *const *defines, int ndefines)
{
	return load(c, name, &text, defines, ndefines);
}

/* Landlock's artifact names the seccomp manifest that completes it: the
 * seccomp backend runs into a scratch output for its name and digest (its
 * errors, if any, are its own run's to report). */
static void seccomp_ref(EmitCtx *cx)
{
	Output scratch = { 0 };
	Diags d = { .arena = cx->arena };
	EmitCtx sc = *cx;
	sc.out = &scratch;
	sc.diags = &d;
	Str want = arena_printf(cx->arena, "%.*s.seccomp", STRF(cx->policy->name));
	bool ok = backend_seccomp.emit(&sc);
	for (int i = 0; ok && i < scratch.n; i++)
		if (str_eq(scratch.v[i].name, want) && !scratch.v[i].data.failed) {
			cx->seccomp_name = want;
			cx->seccomp_digest = XXH3_64bits(scratch.v[i].data.p, scratch.v[i].data.n);
		}
	for (int i = 0; i < scratch.n; i++)
		buf_free(&scratch.v[i].data);
}

bool compile_emit(Compile *c, const Backend *const *sel, int nsel, const EmitOpts *o)
{
	c->arena.oom = &c->oom;
	if (setjmp(c->oom)) {
		c->arena.oom = NULL;
		diag_plain(&c->diags, DIAG_ERROR, "out of memory");
		return false;
	}
	bool ok = fidelity_gate(c, sel, nsel, o->accept_wider);
	EmitCtx cx = { .arena = &c->arena, .policy = c->policy, .diags = &c->diags, .out = &c->out,
		       .arches = o->arches, .narches = o->narches, .source = o->source, .regen = o->regen };
	for (int i = 0; ok && i < nsel; i++) {
		if (sel[i] == &backend_landlock)
			seccomp_ref(&cx);
		ok = sel[i]->emit(&cx);
	}
	for (int i = 0; ok && i < c->out.n; i++)
		if (c->out.v[i].data.failed) {
			diag_plain(&c->diags, DIAG_ERROR, "out of memory writing %.*s", STRF(c->out.v[i].name));
			ok = false;
		}
	c->arena.oom = NULL;
	return ok;
}
