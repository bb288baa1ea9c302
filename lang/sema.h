/*
 * sema.h: what the phases of sema share (internal to lang/; code outside
 * lang/ sees lang.h only).
 *
 * sema.c runs the phases in order on one Sema, each handing the next what
 * it gathered there:
 *
 *   sema_load.c    files and `use`: the flat list of statements;
 *   sema_decl.c    params, groups, `policy`, `default`, `accept`;
 *   sema_object.c  the objects (paths, endpoints, targets, names, syscall
 *                  names, values) and operations: one reader for rules,
 *                  expect, never and explain;
 *   sema_rule.c    rules: rights, actions, conditions, one IR rule per
 *                  object, right and conjunction;
 *   sema_check.c   expect and never: read from their statements, then
 *                  checked on the canonical policy, with the shadowing
 *                  warning.
 */
#ifndef SBX_SEMA_H
#define SBX_SEMA_H

#include "lang.h"
#include "ast.h"

enum { MAX_USE_DEPTH = 32 };

typedef struct Flat { /* a statement with the platforms its `on` block gives it */
	Stmt *s;
	uint8_t plat;
	uint16_t file;
} Flat;

typedef struct GroupDef {
	Str name; /* without '@' */
	Stmt *s;
	int state; /* 0 unexpanded, 1 expanding (cycle), 2 done */
	Str *names;
	int nnames;
} GroupDef;

typedef struct Sema {
	const LangOpts *o;
	Arena *a;
	Diags *d;
	Policy *p;
	SrcFile *files;
	int nfiles, capfiles;
	Str *keys; /* identity of each file (real path, or std/NAME) */
	int capkeys;
	int chain[MAX_USE_DEPTH + 1]; /* the files being loaded, outermost first: a cycle is a file met again here */
	int depth;
	Flat *flat;
	int nflat, capflat;
	Param *params;
	int nparams, capparams;
	GroupDef *groups;
	int ngroups, capgroups;
	bool groups_std_loaded;
	Rule *rules;
	int nrules, caprules;
	Accept *accepts;
	int naccepts, capaccepts;
	Expect *expects;
	int nexpects, capexpects;
	Never *nevers;
	int nnevers, capnevers;
	const Stmt *policy_stmt;
	const Stmt *default_stmt;
	bool too_many; /* more rules than o->max_rules: reported once, after the statement */
	Rule overflow; /* where the rules past the limit go (per load, not a global) */
} Sema;

#define ERR(sm, loc, ...) diag_at((sm)->d, DIAG_ERROR, (loc), __VA_ARGS__)
#define NOTE(sm, loc, ...) diag_at((sm)->d, DIAG_NOTE, (loc), __VA_ARGS__)

static inline const char *cs(Sema *sm, Str s) { return arena_cstr(sm->a, s); }

/* sema_load.c */
bool load_main(Sema *sm, const char *path, const Str *text);
bool load_std(Sema *sm, Str name, SrcLoc from);

/* sema_decl.c */
void decl_builtins(Sema *sm);
bool decl_params(Sema *sm, const char *const *defines, int ndefines);
bool decl_groups(Sema *sm, int from);
bool decl_misc(Sema *sm);
Param *decl_param(Sema *sm, Str name);
bool decl_param_abs(Sema *sm, Str name);
GroupDef *decl_group(Sema *sm, Tok t);
Str decl_expand_tilde(Sema *sm, Str s);
Str decl_bake(Sema *sm, Str s, bool *esc);
typedef bool (*RefFn)(Sema *sm, Str name, size_t off, void *ctx);
bool decl_each_ref(Sema *sm, Str s, RefFn fn, void *ctx);

/* sema_object.c */
typedef struct ObjHow { /* how an object is read, and which wording its errors take */
	int right;      /* the rule's first right, or the operation's */
	Tok rtok;       /* the right as written (a rule's last one): "expected X after 'read'" */
	uint8_t plat;   /* the platforms it is written for (a Windows path needs 'on windows') */
	bool op;        /* an operation (expect, never, explain) rather than a rule */
	bool concrete;  /* one path, port and host, not a pattern: expect and explain */
} ObjHow;
bool obj_is_win_path(Str s);
bool obj_path_make(Sema *sm, Str raw, SrcLoc loc, uint8_t plat, bool is_query, PathObj *out);
bool obj_proto(Sema *sm, const ObjHow *how, const Items *it, int *i, int n, uint8_t *proto);
bool obj_missing(Sema *sm, const ObjHow *how);
bool obj_read(Sema *sm, const ObjHow *how, Tok t, uint8_t proto, Op *out);
bool obj_syscall(Sema *sm, Tok t);
bool obj_value(Sema *sm, const Val *v, uint64_t *out);
Str obj_net_text(Sema *sm, const NetObj *n);
extern const char *const obj_targets[3];
bool obj_op(Sema *sm, const Items *it, int i, uint8_t plat, bool subtree, Op *op, int *consumed);

/* sema_rule.c */
bool rule_all(Sema *sm);
bool rule_action(Sema *sm, const Items *it, int *i, Action *act, bool is_default);
void rule_unknown_right(Sema *sm, Tok t);

/* sema_check.c */
bool check_stmt(Sema *sm, const Flat *f);
void check_shadowed(Sema *sm);
bool check_nevers(Sema *sm);
bool check_expects(Sema *sm);

#endif
