/* sema.h: semantic analysis: files and statements in, a canonical Policy out. */
#ifndef SBX_SEMA_H
#define SBX_SEMA_H

#include "../driver/compile.h"
#include "ast.h"

/* Load path (or the text given) and everything it uses; build c->policy. */
bool sema_load(Compile *c, const char *path, const Str *text, const char *const *defines, int ndefines);

/* Parse an operation from items (as after `expect allow`), for expect,
 * never and explain. platforms: where it is written (PLAT_ALL at top level). */
typedef struct Sema Sema;
#endif
