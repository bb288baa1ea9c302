/*
 * appcontainer.c: the windows target. Not implemented yet: emit reports so and the
 * driver writes nothing.
 */
#include "backend.h"

static bool emit(EmitCtx *cx)
{
	diag_plain(cx->diags, DIAG_ERROR, "no such target yet: 'windows' is not implemented");
	return false;
}

const Backend backend_appcontainer = {
	.name = "windows",
	.summary = "AppContainer launcher profile and AppxManifest capabilities",
	.platform = PLAT_WINDOWS,
	.fidelity = NULL,
	.emit = emit,
};
