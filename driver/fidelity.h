/* fidelity.h: the per-rule, per-target fidelity of LANGUAGE.md section 7. */
#ifndef SBX_FIDELITY_H
#define SBX_FIDELITY_H
#include "compile.h"

/* Refuses (errors at the rule) every wider rule not accepted; with
 * accept_wider they are warnings. Stricter rules get a note only in reports. */
bool fidelity_gate(Compile *c, const Backend *const *sel, int nsel, bool accept_wider);
/* What the gate refuses: fn for every (rule, target) of sel where the rule
 * is wider and the policy does not accept it. */
typedef void (*FidWiderFn)(void *ctx, const Rule *r, const Backend *b, Str note);
void fidelity_each_unaccepted(Compile *c, const Backend *const *sel, int nsel, FidWiderFn fn, void *ctx);
#endif
