/* explain_target.h: what one target's artifact makes the kernel do with an
 * operation, as opposed to what the language decides (issue 16). */
#ifndef SBX_EXPLAIN_TARGET_H
#define SBX_EXPLAIN_TARGET_H
#include "../ir/eval.h"
#include "../target/target.h"
#include "compile.h"

typedef struct KernelView {
	uint8_t effect;     /* EFF_ALLOW or EFF_DENY: the artifact's answer */
	bool differs;       /* effect is not the language's */
	const Rule *rule;   /* the rule whose lowering decides (NULL: none, or the default deny) */
	const Accept *by;   /* the accept that lets the lowering be wider, when one does */
	Str note;           /* why, in one sentence; empty when the answers agree for plain reasons */
} KernelView;

/* The answer of target t's artifact for op on plat, given the language's
 * decision lang. Applies the lowerings accepted as wider (a port opened to
 * every host, every program allowed to run) and resolves paths the way the
 * target's kernel does (symlinks on Linux, /private on macOS). false when
 * this module has no answer beyond the deciding rule's fidelity (the caller
 * falls back to it). */
bool explain_target_view(const TargetName *t, const Policy *p, const Op *op, unsigned plat, const Decision *lang,
			 Arena *a, KernelView *out);
/* LANGUAGE.md 6.1 against each selected target: an `expect deny` that an
 * accepted wider lowering makes false there is an error at the expect, with
 * a note at the accept (accept_wider: --accept-wider accepts them all, and
 * those are warnings). */
bool expect_target_gate(Compile *c, const Backend *const *sel, int nsel, bool accept_wider);
#endif
