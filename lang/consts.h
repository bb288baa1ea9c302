/* consts.h: constant and errno names of syscall rules (lang/consts.c). */
#ifndef SBX_CONSTS_H
#define SBX_CONSTS_H
#include "../lib/base.h"
bool const_lookup(Str name, uint64_t *value); /* AF_*, O_*, ... and errno names */
bool errno_lookup(Str name, int *value);
const char *errno_name(int value);           /* NULL if unknown */
bool syscall_known(Str name);                /* known to libseccomp on some architecture */
/* The candidate within a small edit distance of word, or NULL ("did you mean"). */
const char *closest(Str word, const char *const *candidates, int n);
#endif
