/*
 * ir.h: the compiled policy, the one data structure every later phase reads.
 *
 * A Policy is plain data in an arena: sorted, deduplicated rules with every
 * `use` merged, groups expanded into single syscalls, `net` kept as its own
 * right (it matches every network operation, below the least specific
 * endpoint), OR-conditions split into one rule per conjunction, and paths
 * normalised but symbolic (`${HOME}/.ssh` stays `${HOME}/.ssh`; a param's
 * default or -D value lives in `params`). Backends never see the AST.
 *
 * Canonical order is ir_rule_cmp: right, object, platforms, effect. Two
 * policies that differ only in order, spacing, comments or how rules are
 * split across files have the same rules array and the same `digest`.
 */
#ifndef SBX_IR_H
#define SBX_IR_H

#include "../lib/base.h"

enum { EFF_ALLOW = 0, EFF_DENY = 1 };

/* Platforms a statement applies to (an `on` block narrows it). */
enum { PLAT_LINUX = 1, PLAT_MACOS = 2, PLAT_WINDOWS = 4, PLAT_ALL = 7 };

/* What kind of object a right takes. */
enum ObjKind {
	OBJ_PATH,    /* a path pattern */
	OBJ_NET,     /* proto + endpoint (tcp/udp) or proto unix + path */
	OBJ_NONE,    /* no object (fork, net) */
	OBJ_TARGET,  /* self / children / any (signal, ptrace) */
	OBJ_SYSCALL, /* syscall name + argument conditions */
	OBJ_NAME,    /* a platform name (mach service, sysctl, capability); empty = any */
};

/* X(ENUM, "spelling", ObjKind, platforms it may appear on) */
#define SBX_RIGHTS(X)                                                   \
	X(R_READ, "read", OBJ_PATH, PLAT_ALL)                           \
	X(R_WRITE, "write", OBJ_PATH, PLAT_ALL)                         \
	X(R_EXEC, "exec", OBJ_PATH, PLAT_ALL)                           \
	X(R_CONNECT, "connect", OBJ_NET, PLAT_ALL)                      \
	X(R_BIND, "bind", OBJ_NET, PLAT_ALL)                            \
	X(R_NET, "net", OBJ_NONE, PLAT_ALL)                             \
	X(R_FORK, "fork", OBJ_NONE, PLAT_ALL)                           \
	X(R_SIGNAL, "signal", OBJ_TARGET, PLAT_ALL)                     \
	X(R_PTRACE, "ptrace", OBJ_TARGET, PLAT_ALL)                     \
	X(R_SYSCALL, "syscall", OBJ_SYSCALL, PLAT_LINUX)                \
	X(R_MACH_LOOKUP, "mach-lookup", OBJ_NAME, PLAT_MACOS)           \
	X(R_SYSCTL_READ, "sysctl-read", OBJ_NAME, PLAT_MACOS)           \
	X(R_IOKIT_OPEN, "iokit-open", OBJ_NAME, PLAT_MACOS)             \
	X(R_IPC_POSIX_SHM, "ipc-posix-shm", OBJ_NAME, PLAT_MACOS)       \
	X(R_CAPABILITY, "capability", OBJ_NAME, PLAT_WINDOWS)

#define X(e, s, k, p) e,
enum Right { SBX_RIGHTS(X) R__COUNT };
#undef X

extern const char *const ir_right_name[R__COUNT];
extern const unsigned char ir_right_obj[R__COUNT];
extern const unsigned char ir_right_plat[R__COUNT];
int ir_right_lookup(Str name); /* -1 if unknown */

/* ---- paths ---- */

enum PathRoot {
	ROOT_ABS,   /* starts with "/" */
	ROOT_PARAM, /* first component is "${NAME}" (a param or built-in, resolved at apply time) */
	ROOT_WIN,   /* a Windows path ("C:\\Tools"), only in `on windows` */
};

enum PathGlob { GLOB_NONE = 0, GLOB_STAR = 1, GLOB_STARSTAR = 2 };

typedef struct PathObj {
	Str text;               /* normalised: "/", "/usr/bin", "${HOME}/.ssh", "/home/\x2a/x" */
	Str param;              /* ROOT_PARAM: the root's name ("HOME"), else empty */
	uint16_t ncomp;         /* components after the root ("/" has 0; "${HOME}/.ssh" has 2) */
	uint16_t literal_prefix;/* leading components without '*' (the root param counts as one) */
	uint16_t nlit;          /* all components without '*', counted as literal_prefix is */
	uint16_t nstarstar;     /* `**` components */
	uint8_t root;           /* enum PathRoot */
	uint8_t glob;           /* enum PathGlob: the strongest wildcard used */
	uint8_t esc;            /* a param's value put a `*` or `${` into text: there `\X` is the character X
	                         * (`\*`, `\$`, `\\`; section 6: a value is literal); otherwise every `*` is a glob */
} PathObj;

/* Pattern components as the IR keeps them (esc: PathObj.esc). */
bool ir_comp_glob(Str comp, bool esc);        /* holds a `*` that is a wildcard */
bool ir_comp_starstar(Str comp);              /* is exactly `**` */
/* The byte at comp[*i] as a character, advancing *i past it; *wild tells a
 * wildcard `*` from a literal one. */
char ir_comp_byte(Str comp, size_t *i, bool esc, bool *wild);

/* ---- network ---- */

enum Proto { PROTO_TCP, PROTO_UDP, PROTO_UNIX };
enum HostKind {
	HOST_ANY,  /* "*" */
	HOST_NAME, /* a DNS name, lower-cased, no trailing dot */
	HOST_IP4,  /* an address or CIDR; prefix 32 = one address */
	HOST_IP6,  /* an address or CIDR; prefix 128 = one address */
	HOST_LOCALHOST, /* "localhost": the loopback addresses 127.0.0.0/8 and ::1, never looked up */
	HOST_WILD, /* "*.example.com": every subdomain at any depth, not the name itself */
};

typedef struct NetObj {
	uint8_t proto;     /* enum Proto */
	uint8_t host_kind; /* enum HostKind; unused for unix */
	uint8_t prefix;    /* CIDR prefix length for IP hosts */
	uint8_t addr[16];  /* network byte order, host bits cleared; IPv4 in addr[0..3] */
	Str host;          /* canonical text: "*", "api.github.com", "*.github.com", "10.0.0.0/8", "[::1]" */
	bool port_any;     /* "*" */
	uint16_t port_lo, port_hi; /* inclusive; lo == hi for one port */
	PathObj path;      /* PROTO_UNIX: the socket's path */
} NetObj;

/* ---- process targets ---- */
enum Target { TGT_SELF, TGT_CHILDREN, TGT_ANY };

/* ---- system calls ---- */

enum CmpOp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

/* (arg[arg] & mask) OP value; mask is all ones when the source had no `&`.
 * width 32: the kernel ABI argument is 32 bits; only its low 32 bits are
 * compared (value already reduced to them). */
typedef struct ArgCmp {
	uint8_t arg;   /* 0..5 */
	uint8_t op;    /* enum CmpOp */
	uint64_t mask;
	uint64_t value;
	uint8_t width; /* 32 for a 32-bit argument; 0 = all 64 bits */
} ArgCmp;

enum ActKind {
	ACT_DEFAULT,      /* a deny rule that fails as the policy's default action says */
	ACT_ALLOW,
	ACT_ERRNO,        /* fail with errno_val */
	ACT_KILL_PROCESS,
	ACT_KILL_THREAD,
	ACT_TRAP,         /* SIGSYS */
	ACT_LOG,          /* allowed and logged by the kernel (audit mode) */
	ACT_NOTIFY,       /* derived allows only: the runtime's supervisor decides (user notification) */
};

typedef struct Action {
	uint8_t kind;  /* enum ActKind */
	int errno_val; /* ACT_ERRNO: Linux's generic errno number */
	Str errno_name;/* ACT_ERRNO: "EPERM" */
} Action;

typedef struct SysObj {
	Str name;      /* "socket" */
	int ncmp;      /* a conjunction; 0 = no condition */
	ArgCmp *cmp;   /* sorted by (arg, op, mask, value), no duplicates */
} SysObj;

/* ---- rules ---- */

enum { RF_REQUIRED = 1, RF_CREATE = 2 };

typedef struct SrcLoc {
	uint16_t file; /* index into Policy.files */
	uint32_t line, col;
} SrcLoc;

typedef struct Rule {
	uint8_t effect;    /* EFF_ALLOW / EFF_DENY */
	uint8_t right;     /* enum Right */
	uint8_t platforms; /* PLAT_* mask */
	uint8_t flags;     /* RF_* (paths) */
	Str obj;           /* canonical text of the object: for sorting, dumps and messages */
	PathObj path;      /* OBJ_PATH */
	NetObj net;        /* OBJ_NET */
	uint8_t target;    /* OBJ_TARGET: enum Target */
	SysObj sys;        /* OBJ_SYSCALL */
	Str name;          /* OBJ_NAME; empty = any */
	Action act;        /* syscall rules: ACT_ALLOW for allow, else how the deny fails */
	SrcLoc loc;        /* where the rule was written (the first place, when merged) */
	Str because;       /* the reason, or empty */
	Str group;         /* syscall rules from a group: "@system-service", else empty */
} Rule;

typedef struct Param {
	Str name;
	bool has_default;
	Str def;      /* the default as written (may name other params), if has_default */
	bool baked;   /* -D at compile time: `def` is the value and it is final */
	bool builtin; /* HOME, TMPDIR, PROJECT, UID: declared by the language */
	SrcLoc loc;
} Param;

/* accept wider RIGHT [on TARGET] because "..." */
typedef struct Accept {
	uint8_t right;
	Str target;    /* "macos", "linux", "landlock", "seccomp", "windows"; empty = every target */
	Str because;
	SrcLoc loc;
} Accept;

/* An operation the evaluator decides: also the object of expect / never. */
typedef struct Op {
	uint8_t right;
	PathObj path;   /* file rights, unix sockets */
	NetObj net;
	bool has_resolved; /* a connection by name with the address it resolved to (explain --resolved) */
	NetObj resolved;   /* HOST_IP4 or HOST_IP6, one address; proto and port as net's */
	uint8_t target;
	Str sysname;    /* syscall */
	int nargs;
	uint64_t args[6];
	Str name;       /* platform names */
	Str text;       /* the operation as written, for messages */
} Op;

typedef struct Expect {
	uint8_t effect;    /* what the author expects */
	uint8_t platforms; /* where the expectation applies */
	Op op;
	SrcLoc loc;
} Expect;

typedef struct Never {
	uint8_t platforms;
	Op op; /* the subtree / endpoint that no rule may grant */
	SrcLoc loc;
} Never;

typedef struct SrcFile {
	Str name;      /* as shown in messages: the path the compiler opened (as the command line and the uses spelled it), or "std/NAME" */
	Str text;      /* the file's bytes */
	uint64_t hash; /* XXH3-64 of the bytes */
	Str id;        /* relative to the main policy's directory (an absolute `use` as written, "std/NAME"):
	                * what artifacts, the input digest and the cache see, so that they do not
	                * depend on the working directory or the command line's spelling */
} SrcFile;

typedef struct Policy {
	Str name;        /* `policy NAME`; artifacts are named after it */
	Str description;
	Param *params;   /* sorted by name; builtins first are not special */
	int nparams;
	Action default_action; /* `default deny ...`; ACT_ERRNO EPERM when absent */
	bool has_default;      /* the policy said `default deny` */
	Rule *rules;     /* canonical order */
	int nrules;
	Accept *accepts;
	int naccepts;
	Expect *expects;
	int nexpects;
	Never *nevers;
	int nnevers;
	SrcFile *files;  /* files[0] is the main policy, then every `use`d file in load order */
	int nfiles;
	bool has_syscall_rules; /* the policy wrote syscall rules (else Linux derives a filter) */
	const Rule *const *derived; /* the filter's rules as the seccomp backend builds them for */
	int nderived;               /* x86_64 (scmp_rules): the derived filter (spec 5.4; calls no */
	                            /* rule names are allowed), or the policy's syscall rules under */
	                            /* the derived constraints (no rule: the default action); the */
	                            /* evaluator decides syscalls with them alone */
	uint64_t digest[2];     /* XXH3-128 of the canonical IR (semantic; no locations) */
	uint64_t input_digest[2]; /* XXH3-128 of the canonical IR plus locations, reasons and the include closure */
	bool fragment;            /* no `policy` statement (check, explain): not compiled alone */
} Policy;

/* A cache of what a backend computes once from a whole policy to answer
 * per-rule questions (fidelity asks once per rule, several times over):
 * keyed by the policy's address and digest, so that a new policy at a
 * reused address is not mistaken for the old one. A policy without a
 * digest (hand-built, not canonicalised) is never a hit. */
typedef struct IrMemo {
	const Policy *p;
	uint64_t d[2];
} IrMemo;
static inline bool ir_memo_hit(const IrMemo *m, const Policy *p)
{
	return (p->digest[0] || p->digest[1]) && m->p == p && m->d[0] == p->digest[0] && m->d[1] == p->digest[1];
}
static inline void ir_memo_set(IrMemo *m, const Policy *p) { *m = (IrMemo){ p, { p->digest[0], p->digest[1] } }; }

/* ---- functions (ir/ir.c) ---- */
int ir_rule_cmp(const Rule *a, const Rule *b);   /* canonical order */
/* The components of a path's text from byte `from` on, empty ones and "."
 * skipped (a leading separator, "//", a trailing one); sep '\\' is a Windows
 * path, where '/' separates too:
 *     PathIter it = ir_path_iter(text, 0, '/');
 *     for (Str c; ir_path_next(&it, &c);) ...                           */
typedef struct PathIter {
	Str s;
	size_t i;
	char sep;
} PathIter;
static inline PathIter ir_path_iter(Str s, size_t from, char sep) { return (PathIter){ s, from, sep }; }
bool ir_path_next(PathIter *it, Str *comp);
void ir_right_range(const Policy *p, int right, int *lo, int *hi); /* rules[lo..hi) have that right */
void ir_canonicalise(Arena *a, Policy *p);       /* sort, merge duplicates, compute digests */
void ir_dump(const Policy *p, Buf *out);         /* the stable text form (--dump=ir) */
void ir_digest_hex(const uint64_t d[2], char out[33]);
const Param *ir_param(const Policy *p, Str name);
const char *ir_platform_names(unsigned mask);    /* "linux", "macos,windows", "all" */
void ir_quote(Buf *out, Str s);                  /* "..." with the language's escapes */
bool ir_needs_quote(Str s);                      /* a word that would not lex back as itself */
void ir_put_action(Buf *out, const Action *a);   /* "errno EPERM", "kill-process", ... */
Str ir_op_text(Arena *a, const Op *op);          /* "read /etc/passwd", "connect tcp example.com:443" */
void ir_put_object(Buf *out, const Rule *r);     /* the object as the language writes it (quoted if needed) */

#endif
