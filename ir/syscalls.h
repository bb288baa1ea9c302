/*
 * syscalls.h: the system calls as the language and the seccomp target see
 * them: names, numbers and argument kinds per architecture (libseccomp is
 * the database), and the derived filter of spec 5.4 (derive.c), which is
 * part of a policy's meaning: the evaluator reads it as much as the seccomp
 * target emits it.
 */
#ifndef SBX_SYSCALLS_H
#define SBX_SYSCALLS_H

#include "ir.h"

/* For sema: false when no architecture libseccomp knows has the call. */
bool scmp_syscall_known(Str name);
/* For sema: may argument `arg` (0..5) of `sysname` be compared? A pointer
 * cannot be (seccomp sees the address, not what it points to); a 32-bit
 * argument is compared on its low 32 bits (the kernel ignores the rest).
 * Returns false when the syscall is unknown on every architecture. */
bool scmp_arg_check(Str sysname, int arg, bool *is_pointer, bool *is_32bit);

/* syscall_sigs.c (generated): argument kinds per call, sorted by name.
 * kinds: one letter per argument, 'i' 32-bit, 'l' 64-bit, 'p' pointer. */
typedef struct ScmpSig {
	const char *name;
	const char *kinds;
} ScmpSig;
extern const ScmpSig scmp_sigs[];
extern const int scmp_nsigs;
const ScmpSig *scmp_sig(Str name); /* NULL if not in the table */

/* One architecture, as the kernel sees it. */
typedef struct ScmpArch {
	const char *name;   /* libseccomp's name: "x86_64" */
	uint32_t token;     /* libseccomp's SCMP_ARCH_* */
	uint32_t audit;     /* seccomp_data.arch the kernel reports (x32: AUDIT_ARCH_X86_64) */
	bool big_endian;    /* byte order of the blob and of seccomp_data */
	bool wide;          /* 64-bit registers: 32-bit arguments carry junk in the high half */
	uint32_t base;      /* first number of the arch's own range (x32 0x40000000, mips o32 4000) */
	uint32_t nr_lo, nr_hi; /* numbers of this ABI: [nr_lo, nr_hi]; others are killed
	                        * (x86_64 and x32 share the audit arch and split by bit 30) */
	/* The arch's table: numbers and names, sorted by number. */
	int nsys;
	const uint32_t *nr;
	const char *const *names;
} ScmpArch;

/* Every architecture this libseccomp knows, sorted by name (built once). */
int scmp_arch_count(void);
const ScmpArch *scmp_arch_at(int i);
const ScmpArch *scmp_arch_find(Str name); /* NULL if unknown */
/* The arch's number of a call, or -1 when the arch does not have it. */
long scmp_arch_nr(const ScmpArch *a, Str name);
/* The name of a number on the arch, or NULL. */
const char *scmp_arch_name_of(const ScmpArch *a, uint32_t nr);

/* The derived filter's fixed deny list (spec 5.4), with the reason for each. */
typedef struct ScmpAlwaysDenied {
	const char *name;
	const char *reason;
} ScmpAlwaysDenied;
extern const ScmpAlwaysDenied scmp_always_denied[];
extern const int scmp_nalways_denied;

/* What the policy's non-syscall rules grant on Linux, as the derived filter
 * (spec 5.4) reads them. A right counts as granted when an allow rule gives
 * it and no deny rule of the same object takes all of it back. */
typedef struct ScmpNeeds {
	bool net_all;          /* allow net */
	bool tcp, udp, unix_;  /* some allow connect/bind of that protocol */
	bool bind;             /* some allow bind (of any protocol) */
	bool fork;             /* allow fork */
	bool exec;             /* some allow exec */
	bool exec_all;         /* allow exec / and no deny exec: exec is not restricted */
	bool read_all;         /* allow read / and no deny read */
	bool ptrace;           /* some allow ptrace */
	/* The runtime's supervisor decides these endpoints per address (user
	 * notification; runtime/sup*.c): TCP connect or bind when a rule of
	 * that right names an address, a CIDR or localhost; UDP whenever a UDP
	 * rule exists. Only for derived filters without `allow net`. */
	bool sup_tcp_connect, sup_tcp_bind, sup_udp;
	/* A write deny lies inside a write allow it outranks (the shape
	 * target/landlock.c would carve): the supervisor decides the calls that
	 * create, remove, rename, link or open for writing there, so new names
	 * are decided one by one instead of refused with the directory. Also
	 * with `allow net`; never with `syscall` rules (the filter is theirs). */
	bool sup_fs;
} ScmpNeeds;
ScmpNeeds scmp_needs(const Policy *p);
/* ScmpNeeds.sup_fs's shape, for target/landlock.c's `sup write` lines. */
bool scmp_write_carved(const Policy *p);

/* The syscall rules the filter is made of (for one arch: clone's flags move
 * to arg1 on s390): the derived ones, or the policy's own intersected with
 * them (derive.c: syscall rules never widen what the other rules deny).
 * Names without a rule get `fallback` (allow when derived, else the
 * default action). `added` is all of v (what the evaluator decides by). */
typedef struct ScmpRules {
	const Rule **v;
	int n;
	const Rule **added;
	int nadded;
	Action fallback;
	bool derived;
} ScmpRules;
void scmp_rules(Arena *a, const Policy *p, const ScmpArch *arch, ScmpRules *out);

#endif
