/*
 * seatbelt.c: the macos target. Not implemented yet: emit reports so and the
 * driver writes nothing.
 */
#include "backend.h"

static bool emit(EmitCtx *cx)
{
	diag_plain(cx->diags, DIAG_ERROR, "no such target yet: 'macos' is not implemented");
	return false;
}

const Backend backend_seatbelt = {
	.name = "macos",
	.summary = "Seatbelt (SBPL) profile for sandbox-exec / sandbox_init",
	.platform = PLAT_MACOS,
	.fidelity = NULL,
	.emit = emit,
};
