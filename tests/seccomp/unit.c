/*
 * unit.c: the generator on hand-built policies (no front end needed): every
 * arch, every number, boundary arguments, against scmptest's oracle; the
 * derived filter's decisions against the spec's list; long programs (jump
 * trampolines) and the kernel's 4096-instruction limit.
 */
#include "bpf.h"
#include "unit.h"

#include <string.h>

typedef struct PB {
	Arena *a;
	Policy p;
	int cap;
} PB;

static Rule *rule(PB *b, uint8_t eff, uint8_t right)
{
	Rule *r = VEC_PUSH(b->a, b->p.rules, b->p.nrules, b->cap);
	memset(r, 0, sizeof *r);
	r->effect = eff;
	r->right = right;
	r->platforms = PLAT_LINUX;
	r->act.kind = eff == EFF_ALLOW ? ACT_ALLOW : ACT_DEFAULT;
	return r;
}

static Rule *sys(PB *b, uint8_t eff, const char *name, int ncmp, const ArgCmp *c)
{
	Rule *r = rule(b, eff, R_SYSCALL);
	r->sys.name = str_c(name);
	r->obj = r->sys.name;
	r->sys.ncmp = ncmp;
	if (ncmp) {
		r->sys.cmp = arena_alloc(b->a, sizeof *c * (size_t)ncmp);
		memcpy(r->sys.cmp, c, sizeof *c * (size_t)ncmp);
	}
	b->p.has_syscall_rules = true;
	return r;
}

static void pb_init(PB *b, Arena *a, const char *name)
{
	memset(b, 0, sizeof *b);
	b->a = a;
	b->p.name = str_c(name);
	b->p.default_action = (Action){ .kind = ACT_ERRNO, .errno_val = 1, .errno_name = STR("EPERM") };
}

#define C(arg, op, mask, val) { (arg), (op), (mask), (val), 0 }
#define ALL ~0ull

static bool run_all(const char *name, const Policy *p)
{
	int before = failures;
	for (int i = 0; i < scmp_arch_count(); i++) {
		const ScmpArch *arch = scmp_arch_at(i);
		Arena a;
		arena_init(&a);
		Diags d = { .arena = &a };
		ScmpProg prog;
		if (!scmp_build(&a, p, arch, &d, &prog)) {
			fail(name, "%s: build failed: %.*s", arch->name, d.n ? (int)d.v[0].msg.n : 0, d.n ? d.v[0].msg.p : "");
			arena_free(&a);
			continue;
		}
		Buf b = { 0 };
		scmp_serialize(&prog, arch, &b);
		check_blob(name, p, arch, (const uint8_t *)b.p, b.n, NULL);
		/* byte-stable: a second build gives the same bytes */
		ScmpProg prog2;
		Buf b2 = { 0 };
		scmp_build(&a, p, arch, &d, &prog2);
		scmp_serialize(&prog2, arch, &b2);
		if (b.n != b2.n || memcmp(b.p, b2.p, b.n))
			fail(name, "%s: two builds differ", arch->name);
		buf_free(&b);
		buf_free(&b2);
		arena_free(&a);
	}
	if (failures == before)
		printf("PASS %s\n", name);
	return failures == before;
}

/* One decision of a blob, on x86_64. */
static uint32_t decide(const Policy *p, const char *arch_name, const char *call, uint64_t a0, uint64_t a1,
		       uint64_t a2, uint64_t a3)
{
	const ScmpArch *arch = scmp_arch_find(str_c(arch_name));
	Arena a;
	arena_init(&a);
	Diags d = { .arena = &a };
	ScmpProg prog;
	uint32_t r = 0xdeadbeef;
	long nr = scmp_arch_nr(arch, str_c(call));
	if (nr >= 0 && scmp_build(&a, p, arch, &d, &prog)) {
		Buf b = { 0 };
		scmp_serialize(&prog, arch, &b);
		BpfInput in = { .nr = (uint32_t)nr, .arch = arch->audit, .args = { a0, a1, a2, a3 } };
		int steps;
		r = bpf_run((const uint8_t *)b.p, b.n, arch->big_endian, &in, &steps);
		buf_free(&b);
	}
	arena_free(&a);
	return r;
}

#define ALLOW 0x7fff0000u
#define EPERM_ 0x00050001u
#define ENOSYS_ 0x00050026u

static void expect(const char *name, const Policy *p, const char *arch, const char *call, uint64_t a0,
		   uint64_t a1, uint64_t a2, uint64_t a3, uint32_t want)
{
	uint32_t got = decide(p, arch, call, a0, a1, a2, a3);
	if (got != want)
		fail(name, "%s %s(%#llx, %#llx, %#llx, %#llx) -> 0x%08x, want 0x%08x", arch, call,
		     (unsigned long long)a0, (unsigned long long)a1, (unsigned long long)a2,
		     (unsigned long long)a3, got, want);
}

bool unit_main(void)
{
	Arena a;
	arena_init(&a);
	PB b;

	/* explicit rules: every comparison kind, 32- and 64-bit arguments
	 * (allow net and fork: the derived constraints stay out of the way) */
	pb_init(&b, &a, "explicit");
	rule(&b, EFF_ALLOW, R_NET);
	rule(&b, EFF_ALLOW, R_FORK);
	const char *plain[] = { "read", "write", "close", "exit_group", "futex", "openat", "brk", "rt_sigreturn" };
	for (size_t i = 0; i < ARRAY_LEN(plain); i++)
		sys(&b, EFF_ALLOW, plain[i], 0, NULL);
	ArgCmp unix_[] = { C(0, CMP_EQ, ALL, 1) }, vsock[] = { C(0, CMP_EQ, ALL, 40) };
	sys(&b, EFF_ALLOW, "socket", 1, unix_);
	Rule *r = sys(&b, EFF_DENY, "socket", 1, vsock);
	r->act = (Action){ .kind = ACT_ERRNO, .errno_val = 13, .errno_name = STR("EACCES") };
	ArgCmp pers[] = { C(0, CMP_EQ, ALL, 0xffffffff) }, mm[] = { C(2, CMP_EQ, 4, 0) },
	       cl[] = { C(0, CMP_EQ, 0x7e020000, 0) }, pr[] = { C(0, CMP_GE, ALL, 5), C(0, CMP_LE, ALL, 100) },
	       io[] = { C(1, CMP_NE, ALL, 0x5401) }, ls[] = { C(1, CMP_GT, ALL, 0x100000000ull) },
	       fc[] = { C(2, CMP_LT, ALL, 0x100000005ull) }, mad[] = { C(1, CMP_GT, 0xffff0000ffffull, 0x10) },
	       bigv[] = { C(0, CMP_EQ, ALL, 0x100000028ull) };
	sys(&b, EFF_ALLOW, "personality", 1, pers);
	sys(&b, EFF_ALLOW, "mmap", 1, mm);
	sys(&b, EFF_ALLOW, "clone", 1, cl);
	sys(&b, EFF_ALLOW, "prctl", 2, pr);
	sys(&b, EFF_ALLOW, "ioctl", 1, io);
	sys(&b, EFF_ALLOW, "lseek", 1, ls);
	sys(&b, EFF_ALLOW, "fcntl", 1, fc);
	sys(&b, EFF_ALLOW, "madvise", 1, mad);
	sys(&b, EFF_ALLOW, "setsockopt", 1, bigv); /* 32-bit arg: can never be 0x100000028 */
	sys(&b, EFF_ALLOW, "kill", 0, NULL);
	r = sys(&b, EFF_DENY, "kill", 1, vsock);
	r->act = (Action){ .kind = ACT_KILL_PROCESS };
	r = sys(&b, EFF_DENY, "tkill", 0, NULL);
	r->act = (Action){ .kind = ACT_TRAP };
	r = sys(&b, EFF_DENY, "getpid", 0, NULL);
	r->act = (Action){ .kind = ACT_LOG };
	sys(&b, EFF_ALLOW, "shmget", 0, NULL); /* through ipc on i386 */
	run_all("unit-explicit-all-arches", &b.p);
	const char *t = "unit-explicit-decisions";
	Rule *c0;
	int before = failures;
	expect(t, &b.p, "x86_64", "socket", 1, 1, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "socket", 40, 1, 0, 0, 0x0005000d);
	expect(t, &b.p, "x86_64", "socket", 0x100000028ull, 1, 0, 0, 0x0005000d); /* the Docker bypass */
	expect(t, &b.p, "x86_64", "socket", 0x100000001ull, 1, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "socket", 2, 1, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "lseek", 3, 0x100000000ull, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "lseek", 3, 0x100000001ull, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "lseek", 3, 0xffffffffull, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "kill", 1, 9, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "kill", 40, 9, 0, 0, 0x80000000u);
	expect(t, &b.p, "x86_64", "getpid", 0, 0, 0, 0, 0x7ffc0000u);
	expect(t, &b.p, "x86_64", "tkill", 0, 0, 0, 0, 0x00030000u);
	expect(t, &b.p, "x86_64", "setsockopt", 0x100000028ull, 0, 0, 0, EPERM_);
	expect(t, &b.p, "aarch64", "socket", 0x100000028ull, 1, 0, 0, 0x0005000d);
	expect(t, &b.p, "s390x", "socket", 0x100000028ull, 1, 0, 0, 0x0005000d);
	if (failures == before)
		printf("PASS %s\n", t);

	/* explicit rules under the derived constraints (issue 13 item 3): a
	 * tcp rule, no fork, no exec; the syscall rules allow more */
	pb_init(&b, &a, "guarded");
	c0 = rule(&b, EFF_ALLOW, R_CONNECT);
	c0->net.proto = PROTO_TCP;
	for (size_t i = 0; i < ARRAY_LEN(plain); i++)
		sys(&b, EFF_ALLOW, plain[i], 0, NULL);
	const char *wide[] = { "socket", "socketpair", "fork", "vfork", "execve", "execveat", "listen",
			       "ioctl", "unshare", "mount", "ptrace", "sendto" };
	for (size_t i = 0; i < ARRAY_LEN(wide); i++)
		sys(&b, EFF_ALLOW, wide[i], 0, NULL);
	ArgCmp inet[] = { C(0, CMP_EQ, ALL, 2) }, inet6dg[] = { C(0, CMP_EQ, ALL, 10), C(1, CMP_EQ, 0xf, 2) };
	sys(&b, EFF_ALLOW, "clone", 0, NULL);
	r = sys(&b, EFF_DENY, "socket", 1, vsock);
	r->act = (Action){ .kind = ACT_ERRNO, .errno_val = 13, .errno_name = STR("EACCES") };
	sys(&b, EFF_ALLOW, "accept", 1, inet); /* names no derived rule: unchanged */
	sys(&b, EFF_ALLOW, "socketpair", 1, inet6dg); /* contradicts every derived allow: dropped */
	run_all("unit-guarded-all-arches", &b.p);
	t = "unit-guarded-decisions";
	before = failures;
	expect(t, &b.p, "x86_64", "socket", 2, 1, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "socket", 10, 1 | 0x800, 6, 0, ALLOW);
	expect(t, &b.p, "x86_64", "socket", 2, 2, 0, 0, EPERM_);   /* UDP */
	expect(t, &b.p, "x86_64", "socket", 2, 3, 255, 0, EPERM_); /* raw */
	expect(t, &b.p, "x86_64", "socket", 17, 3, 0, 0, EPERM_);  /* packet */
	expect(t, &b.p, "x86_64", "socket", 2, 1, 262, 0, EPERM_); /* MPTCP */
	expect(t, &b.p, "x86_64", "socket", 2, 1, 132, 0, EPERM_); /* SCTP */
	expect(t, &b.p, "x86_64", "socket", 1, 1, 0, 0, EPERM_);   /* unix */
	expect(t, &b.p, "x86_64", "socket", 40, 1, 0, 0, 0x0005000d); /* the policy's own deny */
	expect(t, &b.p, "x86_64", "socketpair", 1, 2, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "socketpair", 1, 1, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "socketpair", 10, 2, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "listen", 3, 1, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "sendto", 3, 0, 0, 0x20000000, EPERM_);
	expect(t, &b.p, "x86_64", "sendto", 3, 0, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "fork", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "vfork", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "clone", 0x1200011, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "clone", 0x3d0f00, 0, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "clone", 0x3d0f00 | 0x10000000, 0, 0, 0, EPERM_);
	expect(t, &b.p, "s390x", "clone", 0, 0x3d0f00, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "clone3", 0, 0, 0, 0, ENOSYS_);
	expect(t, &b.p, "x86_64", "execve", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "unshare", 0x10000000, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "mount", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "ptrace", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "ioctl", 0, 0x5412, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "ioctl", 0, 0x5401, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "accept", 2, 0, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "accept", 1, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "read", 0, 0, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "getpid", 0, 0, 0, 0, EPERM_); /* no rule: the default action */
	if (failures == before)
		printf("PASS %s\n", t);

	/* derived: no syscall rules, tcp only */
	pb_init(&b, &a, "derived");
	Rule *c = rule(&b, EFF_ALLOW, R_CONNECT);
	c->net.proto = PROTO_TCP;
	rule(&b, EFF_ALLOW, R_EXEC);
	run_all("unit-derived-tcp-all-arches", &b.p);
	t = "unit-derived-tcp-decisions";
	before = failures;
	expect(t, &b.p, "x86_64", "socket", 2, 1, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "socket", 2, 1 | 0x80800, 6, 0, ALLOW); /* SOCK_NONBLOCK|SOCK_CLOEXEC */
	expect(t, &b.p, "x86_64", "socket", 10, 1, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "socket", 2, 1, 262, 0, EPERM_); /* MPTCP */
	expect(t, &b.p, "x86_64", "socket", 2, 1, 132, 0, EPERM_); /* SCTP */
	expect(t, &b.p, "x86_64", "socket", 2, 2, 0, 0, EPERM_);   /* UDP */
	expect(t, &b.p, "x86_64", "socket", 1, 1, 0, 0, EPERM_);   /* unix: no unix rule */
	expect(t, &b.p, "x86_64", "socket", 40, 1, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "socket", 0x100000002ull, 1, 0, 0, ALLOW); /* kernel sees AF_INET */
	expect(t, &b.p, "x86_64", "socket", 0x100000028ull, 1, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "socket", 16, 3, 0, 0, ALLOW);   /* NETLINK_ROUTE */
	expect(t, &b.p, "x86_64", "socket", 16, 3, 9, 0, EPERM_);  /* NETLINK_AUDIT */
	expect(t, &b.p, "x86_64", "sendto", 3, 0, 0, 0x20000000, EPERM_);
	expect(t, &b.p, "x86_64", "sendto", 3, 0, 0, 0x40, ALLOW);
	expect(t, &b.p, "x86_64", "sendmsg", 3, 0, 0x20000040, 0, EPERM_);
	expect(t, &b.p, "x86_64", "sendmmsg", 3, 0, 1, 0x20000000, EPERM_);
	expect(t, &b.p, "x86_64", "clone", 0x3d0f00, 0, 0, 0, ALLOW); /* pthread_create's flags */
	expect(t, &b.p, "x86_64", "clone", 0x1200011, 0, 0, 0, EPERM_); /* fork() */
	expect(t, &b.p, "x86_64", "clone", 0x3d0f00 | 0x10000000, 0, 0, 0, EPERM_); /* CLONE_NEWUSER */
	expect(t, &b.p, "s390x", "clone", 0, 0x3d0f00, 0, 0, ALLOW);
	expect(t, &b.p, "s390x", "clone", 0, 0x1200011, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "fork", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "vfork", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "clone3", 0, 0, 0, 0, ENOSYS_);
	expect(t, &b.p, "x86_64", "execve", 0, 0, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "ptrace", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "bpf", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "io_uring_setup", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "read", 0, 0, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "socketpair", 1, 1, 0, 0, ALLOW);
	expect(t, &b.p, "x86", "socketcall", 1, 0, 0, 0, EPERM_); /* socket needs arguments */
	expect(t, &b.p, "x86", "socketcall", 3, 0, 0, 0, ALLOW);  /* connect */
	expect(t, &b.p, "x86", "ipc", 23, 0, 0, 0, ALLOW);
	if (failures == before)
		printf("PASS %s\n", t);

	/* derived: nothing granted */
	pb_init(&b, &a, "bare");
	run_all("unit-derived-bare-all-arches", &b.p);
	t = "unit-derived-bare-decisions";
	before = failures;
	expect(t, &b.p, "x86_64", "socket", 1, 1, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "socket", 2, 1, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "execve", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "execveat", 0, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "write", 0, 0, 0, 0, ALLOW);
	if (failures == before)
		printf("PASS %s\n", t);

	/* derived: allow net, fork, ptrace */
	pb_init(&b, &a, "open");
	rule(&b, EFF_ALLOW, R_NET);
	rule(&b, EFF_ALLOW, R_FORK);
	rule(&b, EFF_ALLOW, R_PTRACE)->target = TGT_ANY;
	run_all("unit-derived-open-all-arches", &b.p);
	t = "unit-derived-open-decisions";
	before = failures;
	expect(t, &b.p, "x86_64", "socket", 2, 1, 262, 0, ALLOW);
	expect(t, &b.p, "x86_64", "sendto", 3, 0, 0, 0x20000000, ALLOW);
	expect(t, &b.p, "x86_64", "clone", 0x1200011, 0, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "clone", 0x1200011 | 0x20000000, 0, 0, 0, EPERM_);
	expect(t, &b.p, "x86_64", "fork", 0, 0, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "ptrace", 0, 0, 0, 0, ALLOW);
	expect(t, &b.p, "x86_64", "mount", 0, 0, 0, 0, EPERM_);
	if (failures == before)
		printf("PASS %s\n", t);

	/* long: many conditions on one call force jumps past 255 */
	pb_init(&b, &a, "long");
	for (int i = 0; i < 400; i++) {
		ArgCmp x[] = { C(0, CMP_EQ, ALL, (uint64_t)i * 7 + 3), C(1, CMP_GT, ALL, (uint64_t)i << 33) };
		sys(&b, i % 3 ? EFF_ALLOW : EFF_DENY, "ioctl", 2, x);
	}
	sys(&b, EFF_ALLOW, "read", 0, NULL);
	sys(&b, EFF_ALLOW, "write", 0, NULL);
	run_all("unit-long-trampolines", &b.p);

	/* over the kernel's limit: an error with the count */
	pb_init(&b, &a, "huge");
	for (int i = 0; i < 3000; i++) {
		ArgCmp x[] = { C(0, CMP_EQ, ALL, (uint64_t)i), C(1, CMP_EQ, ALL, (uint64_t)i << 32 | 1) };
		sys(&b, EFF_ALLOW, "ioctl", 2, x);
	}
	{
		Diags d = { .arena = &a };
		ScmpProg prog;
		t = "unit-limit-4096";
		if (scmp_build(&a, &b.p, scmp_arch_find(STR("x86_64")), &d, &prog))
			fail(t, "a %d-instruction program was accepted", prog.n);
		else if (!d.n || !strstr(arena_cstr(&a, d.v[0].msg), "over the kernel's limit of 4096"))
			fail(t, "no diagnostic with the count");
		else
			printf("PASS %s\n", t);
	}
	arena_free(&a);
	return failures == 0;
}
