/*
 * sbx.h: libsbx, the small library that applies a compiled Linux policy
 * (NAME.landlock + the seccomp manifest and blob it names) to this process
 * and then runs a command. `sbx-exec` is a thin main around it and
 * `sbxc run` calls the same entry point, so there is one apply path.
 *
 * libc only (no libseccomp, no JSON); xxhash is used header-only. It is
 * built static for sbx-exec. Unlike the compiler's library, this one may
 * end the process: its job ends in execve() or an exit status of 126/127.
 *
 * Files: ll_parse.c (the .landlock and seccomp manifest formats),
 * ll_params.c (params and path patterns), ll_paths.c (opening paths,
 * globs and carving), ll_apply.c (ABI negotiation, ruleset, seccomp, exec),
 * rt_util.c (buffers, the report); proxy*.c, the egress proxy for host
 * names (proxy.h), which ll_apply.c starts with one call (px_launch).
 */
#ifndef SBX_RUNTIME_H
#define SBX_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_N(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses (LANGUAGE.md 8). */
enum { SBX_EXIT_USAGE = 64, SBX_EXIT_CANNOT_ENFORCE = 126, SBX_EXIT_CANNOT_EXEC = 127 };

/* An artifact already in memory (sbxc run applies what it just compiled,
 * never bytes re-read from a cache the sandboxed program may write). */
typedef struct SbxFile {
	const char *name; /* "NAME.landlock", "NAME.seccomp", ... */
	const void *data;
	size_t n;
} SbxFile;

typedef struct SbxOpts {
	const char *const *params; /* "NAME=VALUE" from --param / -D */
	int nparams;
	int force_abi;     /* > 0: behave as if the kernel's ABI were min(kernel, this) */
	bool report;       /* print what is enforced and degraded (stderr) */
	bool json;         /* ... as JSON */
	bool dry_run;      /* apply nothing, exec nothing: report and exit 0 or 126 */
	bool best_effort;  /* degrade (loudly) instead of refusing what the kernel lacks */
	bool no_seccomp;   /* explicitly run without the seccomp filter (reported) */
	const int *keep_fds; /* descriptors above 2 that the command inherits */
	int nkeep;
	const char *prog;  /* for messages: "sbx-exec" or "sbxc run" */
	const char *log;   /* --log FILE|-: each supervised decision, one line */
	const SbxFile *files; /* when set: every file is taken from here by name, none from disk */
	int nfiles;
	const char *expect_digest; /* --digest xxh3:HEX: the .landlock's bytes must have this XXH3-64 */
	const char *const *protect; /* more paths the sandbox may not write (sbxc run: the policy's files) */
	int nprotect;
} SbxOpts;

/* Applies the policy in `artifact` (a .landlock file) and execs argv[0]
 * (searched in PATH). Returns only on failure (126/127) or after a dry run. */
int sbx_exec(const char *artifact, const SbxOpts *o, char *const argv[]);

/* ---- internals shared by the runtime's files ---- */

/* A growable string (malloc; allocation failure ends the process with 126). */
typedef struct RtBuf {
	char *p;
	size_t n, cap;
} RtBuf;
void rt_put(RtBuf *b, const char *s, size_t n);
void rt_puts(RtBuf *b, const char *s);
void rt_printf(RtBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *rt_alloc(size_t n); /* zeroed */
void *rt_alloc_raw(size_t n); /* not zeroed: pages stay untouched until written */
void *rt_realloc(void *p, size_t n);
char *rt_strdup(const char *s);
/* exec failed with err: say so, and when the command is a script, name the
 * interpreter its #! line needs (it must be allowed to run too). */
void rt_exec_failed(const char *prog, const char *cmd, int err);
#define RT_PUSH(v, n, cap) \
	(((n) == (cap) ? ((v) = rt_realloc((v), sizeof(*(v)) * (size_t)((cap) = (cap) ? (cap) * 2 : 8))) : (v)), &(v)[(n)++])

/* The report: what is enforced, what degraded and why. */
enum RtKind { RT_ENFORCED, RT_STRICTER, RT_DEGRADED, RT_SKIPPED, RT_ERROR, RT__KINDS };
typedef struct RtNote {
	uint8_t kind;
	char *text;
} RtNote;
typedef struct RtReport {
	RtNote *v;
	int n, cap;
	int kernel_abi, abi; /* the kernel's and the one used */
	bool detail;         /* record one note per rule (--report) */
	bool seccomp_loaded;
	char *seccomp_what;
} RtReport;
void rt_note(RtReport *r, int kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rt_report_print(const RtReport *r, bool json, int fd);
void rt_report_free(RtReport *r);

/* Parse a double-quoted string with the language's escapes (\\ \" \n \t
 * \xHH) at *s; advance *s; return the decoded bytes (NUL-free) or NULL. */
char *rt_unquote(const char **s);

/* ---- the .landlock artifact ---- */

enum { LL_FB_REFUSE, LL_FB_STRICTER, LL_FB_DEGRADE, LL_FB_SECCOMP };

typedef struct LlParamDecl {
	char *name;
	uint8_t kind; /* LLP_BUILTIN, LLP_REQUIRED, LLP_DEFAULT, LLP_BAKED */
	char *value;  /* default / baked value (may contain ${...}) */
} LlParamDecl;
enum { LLP_BUILTIN, LLP_REQUIRED, LLP_DEFAULT, LLP_BAKED };

enum { LLR_ALLOW, LLR_CARVE };
enum { LLF_REQUIRED = 1, LLF_CREATE = 2, LLF_ESCAPED = 4 }; /* ESCAPED: `\\X` in the pattern is the character X */

typedef struct LlFsRule {
	uint8_t kind;    /* LLR_ALLOW / LLR_CARVE */
	uint8_t flags;   /* LLF_* */
	uint64_t access; /* Landlock fs rights */
	char *pattern;   /* symbolic, normalised: "${HOME}/.ssh", "/usr/lib/x*" */
	int line;
} LlFsRule;

typedef struct LlPortRange {
	uint16_t lo, hi;
} LlPortRange;

typedef struct LlNet {
	bool handled;      /* a line for this right was present */
	LlPortRange *v;    /* allowed ports */
	int n, cap;
} LlNet;

/* A supervised endpoint rule (`sup` lines; runtime/sup.c decides with them). */
enum { SUP_CONNECT_TCP = 1, SUP_BIND_TCP = 2, SUP_CONNECT_UDP = 4, SUP_BIND_UDP = 8, SUP_WRITE = 16 };
enum { SUPH_ANY, SUPH_IP4, SUPH_IP6, SUPH_LOCALHOST };
typedef struct LlSupRule {
	uint8_t which;   /* one SUP_* bit */
	bool allow;
	uint8_t host;    /* SUPH_* */
	uint8_t prefix;  /* SUPH_IP4/6 */
	uint8_t addr[16];/* network order; IPv4 in addr[0..3] */
	bool port_any;
	uint16_t lo, hi;
	char *where;     /* "policy.sbx:12" */
} LlSupRule;

typedef struct LlFallback {
	char right[512];
	int abi;
	uint8_t action; /* LL_FB_* */
	char *why;
} LlFallback;

typedef struct LlArtifact {
	int version;
	int abi;          /* the ABI the artifact is exact from */
	LlParamDecl *params;
	int nparams, capparams;
	LlFsRule *fs;
	int nfs, capfs;
	LlNet bind, connect;
	uint64_t scopes;  /* LL_SCOPE_* */
	LlFallback *fb;
	int nfb, capfb;
	bool has_seccomp_line;
	char *seccomp_manifest; /* file name beside the artifact; NULL = none */
	uint64_t seccomp_hash;
	char *seccomp_none_why;
	unsigned sup;     /* SUP_* the supervisor decides; 0 = no supervisor, a single exec */
	LlSupRule *suprules;
	int nsup, capsup;
	struct PxPolicy *proxy; /* `proxy` lines (proxy.h); NULL: the policy names no host */
	char **supw_pat;  /* `sup write allow|deny PATTERN WHERE`: the source of each write rule, for --log */
	char **supw_where;
	int nsupw, capsupw, capsupw2;
} LlArtifact;

/* Parses text (NUL-terminated); on error returns false with a message in err. */
bool ll_parse(const char *text, LlArtifact *a, RtBuf *err);
void ll_free(LlArtifact *a);

typedef struct ScmpBlob {
	char arch[32];
	uint32_t audit_arch;
	char file[256];
	uint32_t count;
	uint64_t hash;
} ScmpBlob;
typedef struct ScmpManifest {
	unsigned flags;   /* SECCOMP_FILTER_FLAG_* */
	ScmpBlob *v;
	int n, cap;
} ScmpManifest;
bool scmp_manifest_parse(const char *text, ScmpManifest *m, RtBuf *err);

/* ---- params and patterns (ll_params.c) ---- */

typedef struct LlParamVal {
	const char *name;
	char *value; /* resolved, or NULL when missing */
} LlParamVal;

/* Resolves every declared param (command line, then environment, then
 * default); returns false naming the first one that is missing. */
bool ll_params_resolve(const LlArtifact *a, const SbxOpts *o, LlParamVal **out, RtBuf *err);

/* One component of a resolved pattern. */
typedef struct LlComp {
	char *s;
	uint8_t glob; /* 0 literal, 1 has '*', 2 is "**" */
} LlComp;
typedef struct LlPat {
	LlComp *c;
	int n;
	int lit;      /* leading literal components */
	int64_t rank; /* the language's specificity (LANGUAGE.md 6), larger wins; as ir/eval.c packs it */
} LlPat;
/* Substitutes params into pattern (their values are literal, never globs),
 * normalises lexically; false if it is not absolute afterwards. */
bool ll_pattern(const char *pattern, bool escaped, LlParamVal *vals, int nvals, LlPat *out, RtBuf *err);
void ll_pat_free(LlPat *p);
char *ll_pat_text(const LlPat *p); /* "/a/b" */

/* ---- paths (ll_paths.c) ---- */

/* The file rules as the supervisor decides them (sup_fs.c), filled by
 * ll_grant_fs when LlGrantCtx.sup is set: every fs rule with its params
 * resolved (and again with the symlinks of its literal prefix resolved,
 * as carving does), the implicit self-protection denies, and the roots:
 * the allowed trees whose write rights Landlock was not given because a
 * deny lies inside (the supervisor performs the writes there). */
typedef struct LlSupPat {
	LlPat pat;
	uint64_t access; /* Landlock rights of the rule */
	bool allow;
	int line;        /* the artifact's line; 0: implicit */
} LlSupPat;
typedef struct LlSupFs {
	LlSupPat *v;
	int n, cap;
	char **roots;    /* real paths */
	int nroots, caproots;
} LlSupFs;
void ll_supfs_free(LlSupFs *s);

typedef struct LlGrantCtx {
	int ruleset_fd;       /* -1: dry run (count, do not add) */
	uint64_t handled_fs;
	RtReport *rep;
	long nrules;          /* Landlock rules added */
	long budget;          /* entries visited before giving up on a walk */
	/* What decides the next run, denied implicitly (ll_paths.c, self-protection). */
	const char *artifact;      /* the .landlock as given (its set lies beside it) */
	const char *artifact_text; /* its bytes, for the source named in its header */
	const SbxOpts *o;          /* o->protect: more paths (sbxc run: the policy's files) */
	LlSupFs *sup;              /* non-NULL: write denies inside allows are the supervisor's, not carved */
} LlGrantCtx;

/* Walks every allow rule (expanding globs, carving denies) and adds the
 * resulting Landlock rules. Returns 0 or an exit status (126). */
int ll_grant_fs(LlGrantCtx *g, const LlArtifact *a, LlParamVal *vals, int nvals);
/* o->expect_digest, if any, against the artifact's bytes; false (after a message) on a mismatch. */
bool ll_verify_digest(const char *artifact, const char *text, size_t n, const SbxOpts *o, RtReport *rep);

/* Opens absolute, normalised `path` as O_PATH. Symlinks on the way are
 * followed only when root owns them (a system layout such as /lib ->
 * usr/lib), never one the sandboxed user could have planted, unless
 * LLO_ANY_OWNER (used for carving: following every link there only ever
 * denies more). `real` gets the resolved path. LLO_CREATE: missing
 * directories are made (0700). Returns the fd, or -errno; *why explains a
 * refused symlink. */
enum { LLO_CREATE = 1, LLO_ANY_OWNER = 2 };
int ll_open_safe(const char *path, unsigned flags, char **real, const char **why);

/* MATCH: pattern d matches path p (components) or one of its ancestors;
 * PARTIAL: it may match something strictly beneath p. */
enum { LL_REL_NONE, LL_REL_PARTIAL, LL_REL_MATCH };
int ll_pat_rel(const LlComp *d, int nd, char *const *p, int np);

/* "read_file,read_dir" */
void ll_fs_names(uint64_t access, RtBuf *out);

#endif
