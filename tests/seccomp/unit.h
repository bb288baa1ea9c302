/* unit.h: what scmptest.c's parts share. */
#ifndef SBX_TEST_SCMP_UNIT_H
#define SBX_TEST_SCMP_UNIT_H
#include <stdarg.h>
#include "../../target/seccomp.h"

extern int failures;
void fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t kernel_view(const ScmpArch *arch, Str name, int arg, uint64_t v);
uint32_t oracle(const Policy *p, const ScmpRules *rs, const ScmpArch *arch, Str name, const uint64_t *args);
typedef struct Stats Stats;
int check_blob(const char *name, const Policy *p, const ScmpArch *arch, const uint8_t *blob, size_t len, Stats *st);
bool unit_main(void);           /* unit.c */
int check_main(int argc, char **argv); /* check.c: needs the front end */
#endif
