/* fmt.h: canonical formatting of one policy file. */
#ifndef SBX_FMT_H
#define SBX_FMT_H
#include "../ir/diag.h"
/* Format src (already known to parse); false after a diagnostic. */
bool fmt_source(Arena *a, Diags *d, uint16_t file, Str src, Buf *out);
#endif
