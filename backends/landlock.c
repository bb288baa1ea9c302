/*
 * landlock.c: the landlock target. Not implemented yet: emit reports so and the
 * driver writes nothing.
 */
#include "backend.h"

static bool emit(EmitCtx *cx)
{
	diag_plain(cx->diags, DIAG_ERROR, "no such target yet: 'landlock' is not implemented");
	return false;
}

const Backend backend_landlock = {
	.name = "landlock",
	.summary = "Landlock rule set applied by sbx-exec",
	.platform = PLAT_LINUX,
	.fidelity = NULL,
	.emit = emit,
};
