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
	/* endpoints (LANGUAGE.md 6): a connection by name is decided in two steps */
	const Rule *by_name; /* the name rule that matched, or NULL (then the address rules decided) */
	const Rule *by_addr; /* the address rule deciding the address step, or NULL when none matched */
	bool addr_veto;      /* by_addr, an explicit deny, overrode by_name */
} Decision;

/* Decide op on platform (one PLAT_* bit). Paths are matched symbolically:
 * `${HOME}/x` in a query matches rules written under `${HOME}`; a param is
 * taken to be an absolute path beneath no literal path of the policy other
 * than "/" and patterns starting with "**". */
Decision eval_op(const Policy *p, const Op *op, unsigned platform);

/* Endpoints: the host's rank in specificity (exact name or address 1000 >
 * longer wildcard suffix or CIDR prefix > `*` 0; localhost as 127.0.0.0/8),
 * and whether a rule's host is a name (exact or wildcard), decided by name. */
int eval_host_rank(const NetObj *n);
bool eval_host_is_name(const NetObj *n);
/* Does rule host r take the host of endpoint q (one name or address)? */
bool eval_host_matches(const NetObj *r, const NetObj *q);

/* Does one path component s match pattern component p (`*` within it;
 * esc: PathObj.esc, where `\\*` is a literal `*`)? */
bool eval_wild(Str p, Str s, bool esc);
/* The specificity of a path pattern (LANGUAGE.md 6 point 3) as one
 * number, larger more specific; backends order their rules by it. */
int64_t eval_path_rank(const PathObj *p);
/* May pattern `outer` contain `inner` (strictly beneath or equal)? Exact
 * for paths under the same root: outer's literal prefix up to its first
 * glob component against inner's text. Across roots only `/` contains: a
 * param lies beneath no literal path (the evaluator's assumption). */
bool eval_path_may_contain(const PathObj *outer, const PathObj *inner);


/* Does rule r's object match op? (Same right assumed.) */
bool eval_rule_matches(const Rule *r, const Op *op);

#endif
