/*
 * backend.h: what a target is (QBE's Target, one const struct per backend).
 *
 * A backend reads the canonical Policy and appends its artifacts to an
 * in-memory Output; nothing touches the disk until every selected backend
 * has succeeded (driver/artifact.c writes them, atomically). A backend
 * also answers, rule by rule, how faithfully it enforces the rule
 * (LANGUAGE.md section 7); the driver refuses `wider` unless accepted.
 *
 * The `linux` target is landlock + seccomp: its fidelity for a rule is
 * landlock's answer, or seccomp's where landlock says n/a. A backend that
 * relies on the other to close a gap (Landlock's UDP/MPTCP holes are closed
 * by the seccomp filter) says so in its own answer.
 */
#ifndef SBX_BACKEND_H
#define SBX_BACKEND_H

#include "../ir/ir.h"
#include "../ir/diag.h"
#include <stdio.h>

typedef enum Fidelity { FID_NA = 0, FID_EXACT, FID_STRICTER, FID_WIDER } Fidelity;
extern const char *const fid_name[4]; /* "n/a", "exact", "stricter", "wider" */

typedef struct Artifact {
	Str name;  /* file name, no directory: "NAME.sb" */
	Buf data;  /* the bytes */
} Artifact;

typedef struct Output {
	Artifact *v;
	int n, cap;
} Output;

typedef struct EmitCtx {
	Arena *arena;
	const Policy *policy;
	Diags *diags;          /* errors go here; a backend returns false after adding one */
	Output *out;
	const char *const *arches; /* seccomp: libseccomp arch names ("x86_64", "aarch64"), sorted */
	int narches;
	Str source;            /* the policy relative to the artifacts' directory, for headers */
	Str regen;             /* the command that regenerates them, run from that directory */
	/* landlock: the seccomp manifest that completes its artifact, its name
	 * (empty when the seccomp backend made none) and XXH3-64; the driver
	 * sets them, so no backend runs another. */
	Str seccomp_name;
	uint64_t seccomp_digest;
} EmitCtx;

typedef struct Backend {
	const char *name;     /* as given to -t: "macos", "landlock", "seccomp", "windows" */
	const char *summary;  /* one line for `-t help` */
	unsigned platform;    /* PLAT_* whose rules it enforces */
	/* How faithfully this target enforces rule r of p; *note says what is
	 * lost (stricter) or opened (wider), allocated in a; may stay empty. */
	Fidelity (*fidelity)(const Policy *p, const Rule *r, Arena *a, Str *note);
	/* Append this target's artifacts to cx->out; false on error. */
	bool (*emit)(EmitCtx *cx);
	bool not_in_all; /* an export format (oci), not a platform: `-t all` leaves it out */
} Backend;

extern const Backend backend_seatbelt, backend_landlock, backend_seccomp, backend_appcontainer, backend_oci;
/* Each backend's two entry points (target/NAME.c), which targets.c's
 * BACKEND makes into the Backend above: the names and summaries of every
 * target stay in that one file. */
#define BACKEND_ENTRIES(pre) \
	Fidelity pre##_fidelity(const Policy *p, const Rule *r, Arena *a, Str *note); \
	bool pre##_emit(EmitCtx *cx)
BACKEND_ENTRIES(seatbelt);
BACKEND_ENTRIES(landlock);
BACKEND_ENTRIES(seccomp);
BACKEND_ENTRIES(appcontainer);
BACKEND_ENTRIES(oci);
extern const Backend *const backends[]; /* NULL-terminated, in -t help order */
const Backend *backend_find(Str name);

/* Every name that -t, `accept wider ... on NAME` and `explain -t` know: each
 * backend, and the composites (`linux` is landlock + seccomp; `all` every
 * platform backend). This table is the one place that knows target names. */
typedef struct TargetName {
	const char *name;
	const char *summary;           /* -t help's line */
	const Backend *parts[5];       /* what it selects, NULL-terminated */
	unsigned platform;             /* PLAT_* of its parts */
	bool accept;                   /* may follow `accept wider RIGHT on` */
	bool explain;                  /* may be given to explain -t (one OS, not an export) */
} TargetName;
extern const TargetName target_names[]; /* terminated by a NULL name, -t help order */
const TargetName *target_name_find(Str name);
/* The view of one OS (PLAT_LINUX, PLAT_MACOS or PLAT_WINDOWS): its name and
 * what a rule on it gets (linux: landlock's answer, or seccomp's where
 * landlock says n/a). */
const TargetName *target_os(unsigned plat);
/* A backend's answer for rule r (n/a for rules not on its platform). */
Fidelity fidelity_of(const Backend *b, const Policy *p, const Rule *r, Arena *a, Str *note);
/* A name's answer: its first part's that is not n/a. */
Fidelity target_fidelity(const TargetName *t, const Policy *p, const Rule *r, Arena *a, Str *note);
/* Does `accept wider ... on NAME` cover backend b? An empty name covers all. */
bool target_covers(Str name, const Backend *b);
/* Does some `accept wider` of p cover `right` on backend b? `accept wider
 * net` covers connect and bind (LANGUAGE.md section 7). The fidelity gate
 * and a backend's own choices (landlock's fallbacks) both ask this, so an
 * accepted rule cannot pass the gate and still be refused at run time. */
bool target_accepted(const Policy *p, int right, const Backend *b);
/* Policy-wide fidelity (LANGUAGE.md 7): what a target leaves open of the
 * default deny itself, not of one rule. `sbxc check` prints each entry as a
 * line of its own (and `policy_wide` in JSON). A gated entry is refused
 * like a rule's wider answer unless `accept wider RIGHT [on TARGET]` (or
 * --accept-wider) covers it; an ungated one is reported wider and not yet
 * refused (see the entry). One entry per gap, named, so that the mechanism
 * that closes it flips that entry alone. */
typedef struct PolicyWide {
	const char *id;          /* "metadata-write": stable, printed and in JSON */
	const char *what;        /* the check table's row: what is or is not enforced */
	const Backend *backend;  /* the target whose gap it is */
	int right;               /* the right an accept names for it */
	bool gated;              /* wider is refused unless accepted (false: reported only) */
	Fidelity (*fidelity)(const Policy *p, Arena *a, Str *note);
} PolicyWide;
extern const PolicyWide policy_wide[]; /* terminated by a NULL id */
Fidelity landlock_metadata_fidelity(const Policy *p, Arena *a, Str *note);

/* -t LIST (comma-separated names) into out, expanded, deduplicated, in
 * table order; returns the count, 0 for an empty list, -1 for an unknown
 * name (*bad is set to it). */
int target_select(const char *list, const Backend **out, int max, Str *bad);
/* -t help. */
void target_help(FILE *f);
/* The names that may follow `accept wider RIGHT on`, NULL-terminated, and
 * the same as prose ("macos, linux, ... or oci") for messages: the
 * language is given these, it does not know targets. */
extern const char *const target_accept_names[];

/* The egress proxy (proxy_rules.c): does the policy allow a host name on
 * platform plat (PLAT_*), and its `proxy` lines, none when it does not. */
bool tgt_proxy_needed(const Policy *p, unsigned plat);
void tgt_proxy_rules(Buf *b, Arena *ar, const Policy *p, unsigned plat);

/* Appends an artifact and returns its buffer to fill. */
Buf *output_add(EmitCtx *cx, Str name);

/* The header every text artifact starts with, each line led by `comment`
 * ("#", ";;", "//", or "<!--" handled by the caller): generator, source,
 * input digest, output-format version, regenerate command, DO NOT EDIT. */
void artifact_header(Buf *b, const char *comment, const EmitCtx *cx, const char *format, int version);

#endif
