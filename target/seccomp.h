/*
 * seccomp.h: the seccomp target's exported pieces: the tests and the
 * benchmark drive the code generator directly (scmp_build) to run the
 * programs it makes in an interpreter, per architecture.
 *
 * libseccomp is used only as a database (names, numbers, architectures:
 * ir/syscalls.c); the BPF program is generated here (seccomp.c), so no
 * libseccomp code path shapes the bytes of an artifact.
 */
#ifndef SBX_SECCOMP_H
#define SBX_SECCOMP_H

#include "target.h"
#include "../ir/syscalls.h"

/* A cBPF instruction in host order (struct sock_filter's fields). */
typedef struct ScmpInsn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
} ScmpInsn;

typedef struct ScmpProg {
	ScmpInsn *v;
	int n;
} ScmpProg;

/* The kernel's limit on a filter's length. */
enum { SCMP_MAX_INSNS = 4096 };

/* Generate the filter of policy p for one architecture. Errors (a pointer
 * condition, a program over the kernel's limit) go to d; returns false then. */
bool scmp_build(Arena *a, const Policy *p, const ScmpArch *arch, Diags *d, ScmpProg *out);
/* The raw struct sock_filter array in the arch's byte order. */
void scmp_serialize(const ScmpProg *prog, const ScmpArch *arch, Buf *out);

/* The seccomp return value of an action (SECCOMP_RET_*); ACT_DEFAULT means
 * the policy's default action. */
uint32_t scmp_ret_of(const Policy *p, const Action *act);

/* What the seccomp and oci targets check first: the policy's name must be a
 * plain file name; *names is the architectures to build (-a, or aarch64 and
 * x86_64). False after an error led by `target`. */
bool scmp_emit_start(EmitCtx *cx, const char *target, const char *const **names, int *n);

/* A call that socketcall or ipc multiplex on some arch. */
bool scmp_is_socketcall_sub(Str name);

#endif
