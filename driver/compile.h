/*
 * compile.h: one compilation, as the CLI drives it.
 *
 *   Compile c; compile_init(&c);
 *   if (compile_load(&c, "policy.sbx", defines, ndefines)      // lex, parse, sema, expect/never
 *       && compile_emit(&c, selected, nselected, &opts))       // fidelity gate, backends
 *       artifact_write_all(&c.out, dir, &c.diags);             // atomic, all or nothing
 *   diag_print(stderr, &c.diags); compile_free(&c);
 *
 * Everything lives in c.arena and is freed by compile_free; an allocation
 * failure anywhere inside becomes one "out of memory" diagnostic.
 */
#ifndef SBX_COMPILE_H
#define SBX_COMPILE_H

#include "../target/target.h"

typedef struct EmitOpts {
	const char *const *arches; /* seccomp arches, sorted, deduplicated */
	int narches;
	bool accept_wider;         /* --accept-wider: wider rules are emitted with a warning */
	Str source;                /* the policy as seen from the artifacts, for headers */
	Str regen;                 /* regenerate command, for headers */
} EmitOpts;

typedef struct Compile {
	Arena arena;
	Diags diags;
	jmp_buf oom;
	Policy *policy; /* after compile_load */
	Output out;     /* after compile_emit */
	bool fragment_ok; /* check/explain: a file without `policy` is accepted */
	bool skip_checks; /* explain's concrete re-load: expect/never ran on the symbolic load */
	bool resolve_defaults; /* also bake every param whose default the -D values resolve */
	/* Limits (tests lower them). */
	size_t max_file_size;
	int max_rules;
} Compile;

void compile_init(Compile *c);
void compile_free(Compile *c);
/* defines: "NAME=VALUE" strings from -D. */
bool compile_load(Compile *c, const char *path, const char *const *defines, int ndefines);
/* The same from a string (fuzzing, tests); name is shown in messages. */
bool compile_load_text(Compile *c, const char *name, Str text, const char *const *defines, int ndefines);
bool compile_emit(Compile *c, const Backend *const *sel, int nsel, const EmitOpts *o);

/* driver/artifact.c: write every artifact into dir atomically (temp file +
 * rename, each file rewritten only when its bytes change); all or nothing. */
bool artifact_write_all(const Output *out, const char *dir, Diags *d);
/* Does the file at path (not followed if a symlink) hold exactly b's bytes?
 * On an open failure *err (if given) is its errno. */
bool artifact_same(const char *path, const Buf *b, int *err);
/* The path of file as seen from dir (which need not exist yet), resolved
 * through symlinks and the working directory, so that every spelling of
 * the same two places gives the same answer; file's own name is kept. */
Str artifact_relative(Arena *a, const char *file, const char *dir);
/* mkdir -p with mode for what it creates. */
bool artifact_mkdirs(const char *dir, unsigned mode);

#endif
