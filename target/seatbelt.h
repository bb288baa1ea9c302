/*
 * seatbelt.h: what the macos target's files share (not a public contract).
 *
 * seatbelt.c lowers rules to atoms, orders and merges them and writes the
 * profile; seatbelt_paths.c turns paths and params into SBPL expressions
 * (literal bytes, param variables, regexes) and writes the param
 * definitions and the helpers they call when the profile is applied.
 */
#ifndef SBX_SEATBELT_H
#define SBX_SEATBELT_H

#include "target.h"

typedef struct Atom Atom;

typedef struct ParamUse {
	Str name;
	bool root;  /* used as a path's first component somewhere */
	bool used;
	int state;  /* define order: 0 new, 1 visiting, 2 done */
} ParamUse;

typedef struct Sb {
	Arena *a;
	const Policy *p;
	Diags *d;
	Atom *atoms;
	int natoms, capatoms;
	ParamUse *pu;
	int npu, cappu;
	bool need_ancestors; /* the sbx-ancestors helper */
	bool need_order;     /* the load-time order helpers (seatbelt.c) */
	bool need_proxy;     /* host names: the egress proxy's port (seatbelt.c) */
	bool bad;            /* an error was reported */
	const Rule *cur;     /* the rule being lowered, for messages */
} Sb;

/* ---- paths: split into a root and components ---- */

enum { MAX_COMP = 512 };

typedef struct Path {
	Str param;       /* root param name, or empty for "/" */
	Str comp[MAX_COMP];
	int n;
	int first_glob;  /* index of the first component with '*', or n */
	bool private_added; /* "private" was put in front (a /tmp, /var, /etc path) */
	bool esc;        /* PathObj.esc: `\\*` in a component is a `*` character */
} Path;

const Param *sb_find_param(const Policy *p, Str name);
/* The variable holding a param's value: `$NAME` (indexed on a case clash). */
Str sb_param_var(Sb *sb, Str name);
/* /tmp, /var and /etc are links into /private; the kernel reports the target. */
bool sb_needs_private(Str s);
bool sb_is_starstar(Str c);
void sb_split_path(const PathObj *po, Path *out);
/* The first n components as a plain path expression. */
Str sb_path_expr(Sb *sb, const Path *pa, int n);
/* The first n components as an anchored regex (see seatbelt_paths.c). */
Str sb_path_regex(Sb *sb, const Path *pa, int n, bool subtree, bool private_opt);

/* The definitions of the params used so far, each after those its default
 * names, sorted by name; the helpers they call. */
void sb_define_params(Sb *sb, Buf *b);
/* What every program needs to start on macOS and the language has no word
 * for (seatbelt_implicit.c): reading "/" itself, the metadata of every
 * granted path's ancestors and of the /private links. Written before the
 * policy's rules, so that every deny of the policy comes later and wins. */
void sb_implicit(Sb *sb, Buf *b);
/* A terminal device (/dev/tty, /dev/ttys*, /dev/ptmx): writing one also
 * grants (or denies) its ioctls, or no shell gets job control. */
bool sb_is_tty_path(const PathObj *po);
extern const char sb_helpers[];
extern const char sb_helper_ancestors[]; /* when a param-rooted deny needs its ancestors */

#endif
