/*
 * seccomp_fidelity.c: how exactly the seccomp filter enforces each rule
 * (the driver's fidelity gate asks; with Landlock alongside, only for what
 * Landlock and the runtime's supervisor do not answer). Split from
 * seccomp.c, which generates the filter.
 */
#include "seccomp.h"

#include <string.h>

/* ---- fidelity ---- */

/* Rules are sorted by (right, object) and a syscall rule's object starts
 * with its name: binary search for the first, then walk that name's run. */
static bool explicit_allows(const Policy *p, const char *name)
{
	Str want = str_c(name);
	int lo = 0, hi = p->nrules;
	while (lo < hi) {
		int m = (lo + hi) / 2;
		const Rule *r = &p->rules[m];
		int c = r->right != R_SYSCALL ? (r->right < R_SYSCALL ? -1 : 1) : str_cmp(r->obj, want);
		if (c < 0)
			lo = m + 1;
		else
			hi = m;
	}
	for (int i = lo; i < p->nrules && p->rules[i].right == R_SYSCALL; i++) {
		const Rule *r = &p->rules[i];
		if (!str_eq(r->sys.name, want)) {
			if (r->obj.n < want.n || memcmp(r->obj.p, want.p, want.n) != 0)
				break; /* past every object that starts with the name */
			continue;
		}
		if ((r->platforms & PLAT_LINUX) && r->effect == EFF_ALLOW)
			return true;
	}
	return false;
}


Fidelity seccomp_fidelity(const Policy *p, const Rule *r, Arena *a, Str *note)
{
	*note = (Str){ 0 };
	if (!(r->platforms & PLAT_LINUX))
		return FID_NA;
	bool derived = !p->has_syscall_rules;
	ScmpNeeds n = scmp_needs(p);
	bool allow = r->effect == EFF_ALLOW;
	switch (r->right) {
	case R_SYSCALL:
		if (r->sys.ncmp && scmp_is_socketcall_sub(r->sys.name))
			*note = STR("on x86, ppc, s390 and mips o32 the call through socketcall/ipc cannot be "
				    "inspected and follows the default action");
		return FID_EXACT;
	case R_NET:
		if (derived || explicit_allows(p, "socket"))
			return FID_EXACT;
		*note = STR("the syscall rules do not allow socket()");
		return FID_STRICTER;
	case R_CONNECT:
	case R_BIND: {
		/* the derived constraints hold with syscall rules too (derive.c's
		 * merge): sockets exist only where both allow them */
		bool sockets = (n.net_all || (r->net.proto == PROTO_TCP && n.tcp) ||
				(r->net.proto == PROTO_UDP && n.udp) || (r->net.proto == PROTO_UNIX && n.unix_)) &&
			       (derived || explicit_allows(p, "socket"));
		if (!sockets) {
			if (allow) {
				*note = STR("the filter refuses these sockets");
				return FID_STRICTER;
			}
			return FID_EXACT;
		}
		*note = r->net.proto == PROTO_UNIX
				? STR("seccomp cannot see socket paths: any unix socket is allowed (and Landlock, up to ABI 7, does not check them either)")
				: STR("seccomp cannot see addresses or ports: these sockets may reach any endpoint "
				      "(Landlock checks TCP ports)");
		return FID_WIDER;
	}
	case R_FORK:
		if (allow && n.fork)
			*note = STR("clone3 fails with ENOSYS (libc falls back to clone); clone may not create namespaces");
		if (allow && !derived && !explicit_allows(p, "clone"))
			return FID_STRICTER;
		return FID_EXACT;
	case R_EXEC: {
		bool execve = n.exec && (derived || explicit_allows(p, "execve") || explicit_allows(p, "execveat"));
		if (!execve) {
			if (allow) {
				*note = STR("the syscall rules do not allow execve");
				return FID_STRICTER;
			}
			return FID_EXACT;
		}
		*note = STR("seccomp cannot see paths: execve is allowed for any file (Landlock checks paths)");
		return FID_WIDER;
	}
	case R_PTRACE: {
		bool pt = n.ptrace && (derived || explicit_allows(p, "ptrace"));
		if (!pt)
			return allow ? FID_STRICTER : FID_EXACT;
		if (allow && r->target == TGT_ANY)
			return FID_EXACT;
		*note = STR("seccomp cannot tell a child from another process: ptrace reaches any process the kernel lets it");
		return FID_WIDER;
	}
	default:
		(void)a;
		return FID_NA;
	}
}
