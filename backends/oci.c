/*
 * oci.c: the oci target (OCI/Docker seccomp JSON). Not implemented yet.
 */
#include "backend.h"

static bool emit(EmitCtx *cx)
{
	diag_plain(cx->diags, DIAG_ERROR, "no such target yet: 'oci' is not implemented");
	return false;
}

const Backend backend_oci = {
	.name = "oci",
	.summary = "OCI/Docker seccomp profile (JSON) for docker run --security-opt seccomp=...",
	.platform = PLAT_LINUX,
	.fidelity = NULL,
	.emit = emit,
	.not_in_all = true,
};
