/* The fuzz target covers the front end only: backends are stubs here. */
#include "../../target/target.h"

static bool emit(EmitCtx *cx) { return false; }
const Backend backend_seatbelt = { "macos", "", PLAT_MACOS, NULL, emit };
const Backend backend_landlock = { "landlock", "", PLAT_LINUX, NULL, emit };
const Backend backend_seccomp = { "seccomp", "", PLAT_LINUX, NULL, emit };
const Backend backend_appcontainer = { "windows", "", PLAT_WINDOWS, NULL, emit };
const Backend backend_oci = { "oci", "", PLAT_LINUX, NULL, emit, true };
