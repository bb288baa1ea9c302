/*
 * eval.h: the reference evaluator of LANGUAGE.md section 6, on the IR.
 * `sbxc explain`, `expect`, `never` and every backend's tests use it.
 */
#ifndef SBX_EVAL_H
#define SBX_EVAL_H

#include "ir.h"
#include "diag.h"

typedef struct Decision {
	uint8_t effect;    /* EFF_ALLOW or EFF_DENY */
	const Rule *rule;  /* the deciding rule; NULL when no rule matched (denied) */
	Action act;        /* syscalls: what the filter does (ACT_ALLOW, or how the deny fails) */
	bool derived;      /* decided by the derived filter (no syscall rules); rule may be NULL */
} Decision;

/* Decide op on platform (one PLAT_* bit). Paths are matched symbolically:
 * `${HOME}/x` in a query matches rules written under `${HOME}`; a param is
 * taken to be an absolute path beneath no literal path of the policy other
 * than "/" and patterns starting with "**". */
Decision eval_op(const Policy *p, const Op *op, unsigned platform);

/* The specificity of a path pattern (LANGUAGE.md 6 point 3) as one
 * number, larger more specific; backends order their rules by it. */
int64_t eval_path_rank(const PathObj *p);

/* Does one path component s match pattern component p (`*` within it)? */
bool eval_wild(Str p, Str s);

/* Does rule r's object match op? (Same right assumed.) */
bool eval_rule_matches(const Rule *r, const Op *op);

#endif
