/*
 * seccomp_derive.c: the syscall rules a filter is built from.
 *
 * Every policy gets a filter derived from its other rules (LANGUAGE.md
 * 5.4), written here as ordinary syscall rules so that one code generator,
 * and one interpreter in the tests, serve both; a policy with `syscall`
 * rules gets them intersected with it (see merge below: syscall rules
 * narrow, never widen). The derived filter allows every call except:
 *
 *   - sockets: only the families and types the network rules need (unix
 *     for unix rules; inet/inet6 stream for tcp, dgram for udp, each with
 *     protocol 0 or the plain protocol, so MPTCP and SCTP, which Landlock's
 *     TCP rules do not see, are refused; a NETLINK_ROUTE socket with either,
 *     for getaddrinfo). `allow net` lifts all of it.
 *   - socketpair without `allow net` or a unix rule: only AF_UNIX stream
 *     and seqpacket pairs, which are connected to each other and can name
 *     no other socket; a datagram pair can sendto any named or abstract
 *     socket (also under ABI 5, where the abstract scope is missing).
 *   - listen without `allow net` or a bind rule: listen() on an unbound
 *     socket binds an ephemeral port (or an abstract unix name) without
 *     bind(2), which is all Landlock checks.
 *   - connect, bind, sendto with an address, sendmsg and sendmmsg return
 *     SECCOMP_RET_USER_NOTIF when the supervisor decides addresses
 *     (ScmpNeeds.sup_*): the runtime's supervisor decides and performs them.
 *   - sends with MSG_FASTOPEN unless `allow net`: a TCP Fast Open send
 *     connects without the connect hook Landlock checks.
 *   - process creation without `allow fork`: clone must carry CLONE_THREAD;
 *     with or without it, clone may not create namespaces; fork/vfork are
 *     denied; clone3 fails with ENOSYS (its flags sit behind a pointer) so
 *     libc falls back to clone, which can be checked.
 *   - execve/execveat when no rule grants exec anywhere; when exec is
 *     granted but not everywhere (no `allow exec /`, or a deny exec),
 *     execveat with AT_EMPTY_PATH and memfd_create unless sealed
 *     non-executable (MFD_NOEXEC_SEAL; MFD_EXEC refused): a memfd is on no
 *     path Landlock checks.
 *   - ptrace and its relatives unless some rule allows ptrace.
 *   - fanotify_init unless reading is allowed everywhere (`allow read /`,
 *     no deny read): fanotify reveals names beneath a mark.
 *   - scmp_always_denied: calls no sandboxed program needs, each with the
 *     reason it is refused (docs/seccomp.md repeats the table).
 *   - escapes: ioctl TIOCSTI and
 *     TIOCLINUX, which push input into the terminal the sandbox inherited
 *     (a new session does not stop root), and mknod/mknodat of character
 *     and block devices, which would reopen a device under a path the
 *     policy lets the program write.
 *
 * Every derived deny fails with the policy's default action.
 */
#include "syscalls.h"
#include "eval.h"

#include <string.h>

/* X(name, reason) */
#define ALWAYS_DENIED(X)                                                                      \
	X("acct", "process accounting is host-wide configuration")                            \
	X("add_key", "the kernel keyrings are not namespaced")                                \
	X("bpf", "eBPF programs reach kernel memory and widen the kernel's attack surface")   \
	X("chroot", "changing the root changes what Landlock's paths name")                   \
	X("clock_adjtime", "adjusting the system clock affects the whole host")               \
	X("clock_settime", "setting the system clock affects the whole host")                 \
	X("create_module", "loading kernel code")                                             \
	X("delete_module", "unloading kernel code")                                           \
	X("finit_module", "loading kernel code")                                              \
	X("fsconfig", "the new mount API changes the file-system view")                       \
	X("fsmount", "the new mount API changes the file-system view")                        \
	X("fsopen", "the new mount API changes the file-system view")                         \
	X("fspick", "the new mount API changes the file-system view")                         \
	X("get_kernel_syms", "exposes kernel addresses")                                      \
	X("init_module", "loading kernel code")                                               \
	X("io_uring_enter", "io_uring performs I/O that seccomp never sees")                  \
	X("io_uring_register", "io_uring performs I/O that seccomp never sees")               \
	X("io_uring_setup", "io_uring performs I/O that seccomp never sees")                  \
	X("ioperm", "direct hardware port access")                                            \
	X("iopl", "direct hardware port access")                                              \
	X("kexec_file_load", "replaces the running kernel")                                   \
	X("kexec_load", "replaces the running kernel")                                        \
	X("keyctl", "the kernel keyrings are not namespaced")                                 \
	X("lookup_dcookie", "exposes kernel internals to profilers")                          \
	X("mount", "mounting changes the file-system view Landlock checks")                   \
	X("mount_setattr", "mounting changes the file-system view Landlock checks")           \
	X("move_mount", "mounting changes the file-system view Landlock checks")              \
	X("name_to_handle_at", "file handles name files without a path")                      \
	X("nfsservctl", "kernel NFS server control")                                          \
	X("open_by_handle_at", "opens files by handle, bypassing path checks (the 'shocker' escape)") \
	X("open_tree", "mounting changes the file-system view Landlock checks")               \
	X("perf_event_open", "performance counters leak side channels and kernel addresses")  \
	X("pivot_root", "changes the root of the mount namespace")                            \
	X("query_module", "exposes kernel internals")                                         \
	X("quotactl", "file-system quota administration")                                     \
	X("quotactl_fd", "file-system quota administration")                                  \
	X("reboot", "stops the host")                                                         \
	X("request_key", "the kernel keyrings are not namespaced")                            \
	X("setdomainname", "host identity")                                                   \
	X("sethostname", "host identity")                                                     \
	X("setns", "entering other namespaces")                                               \
	X("settimeofday", "setting the system clock affects the whole host")                  \
	X("stime", "setting the system clock affects the whole host")                         \
	X("swapoff", "host memory configuration")                                             \
	X("swapon", "host memory configuration")                                              \
	X("syslog", "the kernel log leaks addresses and other processes' activity")           \
	X("umount", "mounting changes the file-system view Landlock checks")                  \
	X("umount2", "mounting changes the file-system view Landlock checks")                 \
	X("unshare", "new namespaces (user namespaces above all) open kernel attack surface") \
	X("uselib", "obsolete loader call with a history of kernel bugs")                     \
	X("userfaultfd", "used to stretch kernel race windows in exploits")                   \
	X("ustat", "obsolete")                                                                \
	X("vhangup", "hangs up the controlling terminal of other processes")                  \
	X("vm86", "virtual 8086 mode: old, rarely needed kernel code")                        \
	X("vm86old", "virtual 8086 mode: old, rarely needed kernel code")                     \
	X("_sysctl", "obsolete kernel configuration interface")

#define X(n, r) { n, r },
const ScmpAlwaysDenied scmp_always_denied[] = { ALWAYS_DENIED(X) };
#undef X
const int scmp_nalways_denied = (int)ARRAY_LEN(scmp_always_denied);

/* Calls that act on another process as a tracer would. */
static const char *const ptrace_calls[] = {
	"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace",
};

enum {
	AF_UNIX_ = 1, AF_INET_ = 2, AF_INET6_ = 10, AF_NETLINK_ = 16,
	SOCK_STREAM_ = 1, SOCK_DGRAM_ = 2, SOCK_SEQPACKET_ = 5, SOCK_TYPE_MASK_ = 0xf,
	S_IFDEV_MASK_ = 0xb000, S_IFCHR_ = 0x2000,
	IPPROTO_TCP_ = 6, IPPROTO_UDP_ = 17,
	ENOSYS_ = 38,
	MFD_NOEXEC_SEAL_ = 0x8, MFD_EXEC_ = 0x10, AT_EMPTY_PATH_ = 0x1000,
};
#define MSG_FASTOPEN_ 0x20000000u
#define CLONE_THREAD_ 0x00010000u
/* CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET */
#define CLONE_NS_MASK 0x7e020000u

static ScmpNeeds needs_of(const Policy *p);

/* Fidelity asks once per rule: remember the last policy's answer (keyed by
 * its address and digest, so a new policy at a reused address is not
 * mistaken for the old one). */
ScmpNeeds scmp_needs(const Policy *p)
{
	static const Policy *last;
	static uint64_t last_digest[2];
	static ScmpNeeds memo;
	if (!p->digest[0] && !p->digest[1])
		return needs_of(p); /* not canonicalised (a hand-built policy): no key to trust */
	if (p != last || p->digest[0] != last_digest[0] || p->digest[1] != last_digest[1]) {
		memo = needs_of(p);
		last = p;
		last_digest[0] = p->digest[0];
		last_digest[1] = p->digest[1];
	}
	return memo;
}

/* May pattern `outer` contain `inner`? The test target/landlock.c asks
 * (eval_path_may_contain, plus its other_params: `${HOME}` containing
 * `${PROJECT}` and `${TMPDIR}`, their usual placement, LANGUAGE.md 4). Both
 * must agree, or the filter would notify calls no `sup write` line answers. */
static bool path_may_contain(const PathObj *outer, const PathObj *inner)
{
	if (outer->root == ROOT_PARAM && inner->root == ROOT_PARAM && str_eqc(outer->param, "HOME") &&
	    outer->ncomp == 1 && (str_eqc(inner->param, "PROJECT") || str_eqc(inner->param, "TMPDIR")))
		return true;
	return eval_path_may_contain(outer, inner);
}

bool scmp_write_carved(const Policy *p)
{
	for (int i = 0; i < p->nrules; i++) {
		const Rule *d = &p->rules[i];
		if (!(d->platforms & PLAT_LINUX) || d->right != R_WRITE || d->effect != EFF_DENY || d->path.root == ROOT_WIN)
			continue;
		for (int j = 0; j < p->nrules; j++) {
			const Rule *a = &p->rules[j];
			if ((a->platforms & PLAT_LINUX) && a->right == R_WRITE && a->effect == EFF_ALLOW &&
			    !str_eq(a->path.text, d->path.text) && eval_path_rank(&d->path) >= eval_path_rank(&a->path) &&
			    path_may_contain(&a->path, &d->path))
				return true;
		}
	}
	return false;
}

static ScmpNeeds needs_of(const Policy *p)
{
	ScmpNeeds n = { 0 };
	bool deny_net = false, deny_fork = false, exec_root = false, deny_exec = false;
	bool read_root = false, deny_read = false;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (!(r->platforms & PLAT_LINUX))
			continue;
		bool allow = r->effect == EFF_ALLOW;
		switch (r->right) {
		case R_NET:
			if (allow)
				n.net_all = true;
			else
				deny_net = true;
			break;
		case R_CONNECT:
		case R_BIND:
			if (!allow)
				break;
			if (r->right == R_BIND)
				n.bind = true;
			if (r->net.proto == PROTO_TCP)
				n.tcp = true;
			else if (r->net.proto == PROTO_UDP)
				n.udp = true;
			else
				n.unix_ = true;
			break;
		case R_FORK:
			if (allow)
				n.fork = true;
			else
				deny_fork = true;
			break;
		case R_EXEC:
			if (allow)
				n.exec = true;
			if (allow && r->path.root == ROOT_ABS && r->path.ncomp == 0)
				exec_root = true;
			else if (!allow)
				deny_exec = true;
			break;
		case R_PTRACE:
			if (allow)
				n.ptrace = true;
			break;
		case R_READ:
			if (allow && r->path.root == ROOT_ABS && r->path.ncomp == 0)
				read_root = true;
			else if (!allow)
				deny_read = true;
			break;
		default:
			break;
		}
	}
	/* Objectless rights: between equally specific rules deny wins. */
	if (deny_net)
		n.net_all = false;
	if (deny_fork)
		n.fork = false;
	n.exec_all = exec_root && !deny_exec;
	n.read_all = read_root && !deny_read;
	n.sup_fs = !p->has_syscall_rules && scmp_write_carved(p);
	if (n.net_all || p->has_syscall_rules)
		return n;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (!(r->platforms & PLAT_LINUX) || (r->right != R_CONNECT && r->right != R_BIND))
			continue;
		if (r->net.proto == PROTO_UDP)
			n.sup_udp = true;
		if (r->net.proto != PROTO_TCP)
			continue;
		bool addr = r->net.host_kind == HOST_IP4 || r->net.host_kind == HOST_IP6 ||
			    r->net.host_kind == HOST_LOCALHOST;
		if (addr)
			*(r->right == R_CONNECT ? &n.sup_tcp_connect : &n.sup_tcp_bind) = true;
	}
	return n;
}

typedef struct Gen {
	Arena *a;
	const Rule **v;
	int n, cap;
} Gen;

static Rule *add(Gen *g, const char *name, uint8_t effect, Action act, int ncmp, const ArgCmp *cmp)
{
	Rule *r = arena_alloc(g->a, sizeof *r);
	r->effect = effect;
	r->right = R_SYSCALL;
	r->platforms = PLAT_LINUX;
	r->sys.name = str_c(name);
	r->obj = r->sys.name;
	r->group = STR("derived");
	r->act = act;
	if (ncmp) {
		r->sys.cmp = arena_alloc(g->a, sizeof(ArgCmp) * (size_t)ncmp);
		memcpy(r->sys.cmp, cmp, sizeof(ArgCmp) * (size_t)ncmp);
		r->sys.ncmp = ncmp;
	}
	*VEC_PUSH(g->a, g->v, g->n, g->cap) = r;
	return r;
}

static const Action act_deny = { .kind = ACT_DEFAULT };
static const Action act_allow = { .kind = ACT_ALLOW };
static const Action act_notify = { .kind = ACT_NOTIFY };

static void deny(Gen *g, const char *name) { add(g, name, EFF_DENY, act_deny, 0, NULL); }

#define EQ(i, v) { (i), CMP_EQ, ~0ull, (v), 0 }
#define MASKED(i, m, v) { (i), CMP_EQ, (m), (v), 0 }
#define EQ32(i, v) { (i), CMP_EQ, 0xffffffffull, (v), 32 }
#define MASKED32(i, m, v) { (i), CMP_EQ, (m), (v), 32 }

/* The kernel reads ioctl's request as an unsigned int: compared on 32
 * bits, so junk in the high half cannot slip past. TIOCSTI and TIOCLINUX
 * are 0x5412 and 0x541C everywhere but mips (0x5472 and 0x5483,
 * arch/mips/include/uapi/asm/ioctls.h); every filter denies all four, so
 * that the evaluator's one answer holds on every arch (the other arch's
 * numbers name no ioctl there). mknod's mode: S_IFCHR (0x2000) and
 * S_IFBLK (0x6000) are the only file types with 0x2000 set and 0x9000
 * clear, so one masked test catches both and no other type. */
static void deny_escapes(Gen *g)
{
	static const uint64_t req[] = { 0x5412, 0x541C, 0x5472, 0x5483 };
	for (size_t i = 0; i < ARRAY_LEN(req); i++) {
		ArgCmp c[1] = { EQ32(1, req[i]) };
		add(g, "ioctl", EFF_DENY, act_deny, 1, c);
	}
	ArgCmp c1[1] = { MASKED32(1, S_IFDEV_MASK_, S_IFCHR_) };
	ArgCmp c2[1] = { MASKED32(2, S_IFDEV_MASK_, S_IFCHR_) };
	add(g, "mknod", EFF_DENY, act_deny, 1, c1);
	add(g, "mknodat", EFF_DENY, act_deny, 1, c2);
}

static void allow_socket(Gen *g, uint64_t family, uint64_t type, uint64_t proto)
{
	ArgCmp c[3] = { EQ(0, family), MASKED(1, SOCK_TYPE_MASK_, type), EQ(2, proto) };
	add(g, "socket", EFF_ALLOW, act_allow, 3, c);
}

/* What the supervisor decides for deny-inside-allow writes (sup_fs):
 * every call that creates, removes, renames or links a name, truncates by
 * path, and open/openat when the flags ask to write, create or truncate.
 * One mask serves every arch: the union of O_ACCMODE, O_CREAT and O_TRUNC
 * where they differ (generic 0x40, 0x200; mips and parisc 0x100, 0x200;
 * sparc and alpha 0x200, 0x400); a read-only open caught by it (O_NOCTTY,
 * O_APPEND, O_EXCL elsewhere) the supervisor lets continue. openat2's
 * flags sit behind a pointer: always. Device nodes stay denied (the
 * escape denials beat these allows). */
static void notify_fs(Gen *g)
{
	static const char *const always[] = {
		"creat", "mkdir", "mkdirat", "mknod", "mknodat", "symlink", "symlinkat", "link", "linkat", "unlink",
		"unlinkat", "rmdir", "rename", "renameat", "renameat2", "truncate", "openat2",
	};
	for (size_t i = 0; i < ARRAY_LEN(always); i++)
		add(g, always[i], EFF_ALLOW, act_notify, 0, NULL);
	ArgCmp o1[1] = { { 1, CMP_NE, 0x743, 0, 32 } }, o2[1] = { { 2, CMP_NE, 0x743, 0, 32 } };
	add(g, "open", EFF_ALLOW, act_notify, 1, o1);
	add(g, "openat", EFF_ALLOW, act_notify, 1, o2);
}

static void derive(Gen *g, const Policy *p, const ScmpArch *arch)
{
	ScmpNeeds n = scmp_needs(p);
	if (!n.net_all) {
		deny(g, "socket");
		if (n.unix_) {
			ArgCmp c[1] = { EQ(0, AF_UNIX_) };
			add(g, "socket", EFF_ALLOW, act_allow, 1, c);
		}
		uint64_t fam[2] = { AF_INET_, AF_INET6_ };
		for (int f = 0; f < 2; f++) {
			if (n.tcp) {
				allow_socket(g, fam[f], SOCK_STREAM_, 0);
				allow_socket(g, fam[f], SOCK_STREAM_, IPPROTO_TCP_);
			}
			if (n.udp) {
				allow_socket(g, fam[f], SOCK_DGRAM_, 0);
				allow_socket(g, fam[f], SOCK_DGRAM_, IPPROTO_UDP_);
			}
		}
		if (n.tcp || n.udp) {
			ArgCmp c[2] = { EQ(0, AF_NETLINK_), EQ(2, 0) }; /* NETLINK_ROUTE */
			add(g, "socket", EFF_ALLOW, act_allow, 2, c);
		}
		/* flags: sendto arg3, sendmsg arg2, sendmmsg arg3 */
		ArgCmp fo3[1] = { { 3, CMP_NE, MSG_FASTOPEN_, 0, 0 } };
		ArgCmp fo2[1] = { { 2, CMP_NE, MSG_FASTOPEN_, 0, 0 } };
		add(g, "sendto", EFF_DENY, act_deny, 1, fo3);
		add(g, "sendmsg", EFF_DENY, act_deny, 1, fo2);
		add(g, "sendmmsg", EFF_DENY, act_deny, 1, fo3);
		if (!n.unix_) {
			deny(g, "socketpair");
			ArgCmp st[2] = { EQ32(0, AF_UNIX_), MASKED32(1, SOCK_TYPE_MASK_, SOCK_STREAM_) };
			ArgCmp sp[2] = { EQ32(0, AF_UNIX_), MASKED32(1, SOCK_TYPE_MASK_, SOCK_SEQPACKET_) };
			add(g, "socketpair", EFF_ALLOW, act_allow, 2, st);
			add(g, "socketpair", EFF_ALLOW, act_allow, 2, sp);
		}
		if (!n.bind)
			deny(g, "listen");
		/* What the supervisor decides. The address sits behind a pointer,
		 * so the filter narrows by what registers show: sendto only with a
		 * destination (arg4), sendmsg and sendmmsg always (msg_name is in
		 * memory); the supervisor lets every other socket family and type
		 * through unchanged. */
		if (n.sup_tcp_connect || n.sup_udp)
			add(g, "connect", EFF_ALLOW, act_notify, 0, NULL);
		if (n.sup_tcp_bind || n.sup_udp)
			add(g, "bind", EFF_ALLOW, act_notify, 0, NULL);
		if (n.sup_udp) {
			ArgCmp to[1] = { { 4, CMP_NE, ~0ull, 0, 0 } };
			add(g, "sendto", EFF_ALLOW, act_notify, 1, to);
			add(g, "sendmsg", EFF_ALLOW, act_notify, 0, NULL);
			add(g, "sendmmsg", EFF_ALLOW, act_notify, 0, NULL);
		}
	}
	if (n.sup_fs)
		notify_fs(g);
	/* s390 passes clone's stack first (CLONE_BACKWARDS2). */
	uint8_t flags_arg = !strncmp(arch->name, "s390", 4) ? 1 : 0;
	deny(g, "clone");
	if (n.fork) {
		ArgCmp c[1] = { { flags_arg, CMP_EQ, CLONE_NS_MASK, 0, 0 } };
		add(g, "clone", EFF_ALLOW, act_allow, 1, c);
	} else {
		ArgCmp c[2] = { { flags_arg, CMP_EQ, CLONE_THREAD_, CLONE_THREAD_, 0 },
				{ flags_arg, CMP_EQ, CLONE_NS_MASK, 0, 0 } };
		add(g, "clone", EFF_ALLOW, act_allow, 2, c);
		deny(g, "fork");
		deny(g, "vfork");
	}
	Action enosys = { .kind = ACT_ERRNO, .errno_val = ENOSYS_, .errno_name = STR("ENOSYS") };
	add(g, "clone3", EFF_DENY, enosys, 0, NULL);
	if (!n.exec) {
		deny(g, "execve");
		deny(g, "execveat");
	} else if (!n.exec_all) {
		/* A memfd lives on no path Landlock sees: executable, it runs
		 * whatever the program wrote into it (execveat on the fd, or
		 * execve of /proc/self/fd/N). Only memfds sealed non-executable
		 * (MFD_NOEXEC_SEAL, Linux 6.3) may be made; execveat of an empty
		 * path is refused too, whatever the fd. */
		ArgCmp seal[1] = { MASKED32(1, MFD_NOEXEC_SEAL_, 0) };
		ArgCmp mexec[1] = { MASKED32(1, MFD_EXEC_, MFD_EXEC_) };
		ArgCmp empty[1] = { MASKED32(4, AT_EMPTY_PATH_, AT_EMPTY_PATH_) };
		add(g, "memfd_create", EFF_DENY, act_deny, 1, seal);
		add(g, "memfd_create", EFF_DENY, act_deny, 1, mexec);
		add(g, "execveat", EFF_DENY, act_deny, 1, empty);
	}
	if (!n.ptrace)
		for (size_t i = 0; i < ARRAY_LEN(ptrace_calls); i++)
			deny(g, ptrace_calls[i]);
	/* fanotify (unprivileged since Linux 5.13, with FAN_REPORT_FID) reports
	 * the names of files opened and created beneath a mark, which read
	 * rules cannot stop (no Landlock hook): refused unless reading is
	 * allowed everywhere. inotify does the same and is left open: file
	 * watchers need it (README, "What's missing"). */
	if (!n.read_all)
		deny(g, "fanotify_init");
	for (int i = 0; i < scmp_nalways_denied; i++)
		deny(g, scmp_always_denied[i].name);
	deny_escapes(g);
}

/* ---- explicit syscall rules under the derived constraints ----
 *
 * Syscall rules may narrow what the other rules allow, never widen what
 * they deny (LANGUAGE.md 5.4). A policy with syscall rules therefore gets
 * its own rules intersected with the derived filter: a call passes when
 * the derived filter (fallback allow) passes it and the policy's rules
 * (fallback: the default action) allow it. The intersection is written as
 * ordinary rules, so the code generator, the OCI backend, the evaluator
 * and the tests' oracle read one list with the usual meaning (conditions
 * beat none, deny wins between equals). Per call name, G the derived
 * rules, O the policy's:
 *   - G only conditional denies: they come first (a conditional deny is
 *     tested before any allow), then O unchanged.
 *   - G an unconditional deny and no conditional allow: O's denies, then
 *     G's deny unless O has an unconditional one (O's allows are dropped:
 *     they can allow nothing).
 *   - G an unconditional deny and conditional allows A1..An: G's
 *     conditional denies, O's conditional denies, each conditional allow
 *     B of O as B && Ai for every i (dropped when the two contradict), O's
 *     unconditional allow as Ai for every i, then O's unconditional deny,
 *     or G's.
 * A deny then fails with its own action (O's or the default action). */

typedef struct Merge {
	Arena *a;
	Rule *v; /* one array: pointer order is list order (the generator's tie-break) */
	int n, cap;
} Merge;

static Rule *put(Merge *m, const Rule *r)
{
	Rule *x = VEC_PUSH(m->a, m->v, m->n, m->cap);
	*x = *r;
	return x;
}

static uint64_t cmp_mask(const ArgCmp *c) { return c->width == 32 ? c->mask & 0xffffffffull : c->mask; }

/* (x & m1) == v1 and (x & m2) == v2 cannot both hold. */
static bool cmp_clash(const ArgCmp *x, const ArgCmp *y)
{
	if (x->arg != y->arg || x->op != CMP_EQ || y->op != CMP_EQ)
		return false;
	return ((x->value ^ y->value) & cmp_mask(x) & cmp_mask(y)) != 0;
}

/* x == ... implies y (y tests a subset of x's bits, with x's values). */
static bool cmp_implies(const ArgCmp *x, const ArgCmp *y)
{
	if (x->arg != y->arg || x->op != CMP_EQ || y->op != CMP_EQ || (cmp_mask(y) & ~cmp_mask(x)))
		return false;
	return ((x->value ^ y->value) & cmp_mask(y)) == 0;
}

/* b with a's conditions added; false when they contradict (the rule could
 * match nothing). */
static bool put_both(Merge *m, const Rule *b, const Rule *a)
{
	ArgCmp *c = arena_alloc(m->a, sizeof(ArgCmp) * (size_t)(b->sys.ncmp + a->sys.ncmp));
	int n = 0;
	for (int i = 0; i < b->sys.ncmp; i++)
		c[n++] = b->sys.cmp[i];
	for (int j = 0; j < a->sys.ncmp; j++) {
		bool implied = false;
		for (int i = 0; i < b->sys.ncmp; i++) {
			if (cmp_clash(&b->sys.cmp[i], &a->sys.cmp[j]))
				return false;
			implied |= cmp_implies(&b->sys.cmp[i], &a->sys.cmp[j]);
		}
		if (!implied)
			c[n++] = a->sys.cmp[j];
	}
	Rule *x = put(m, b);
	x->sys.cmp = c;
	x->sys.ncmp = n;
	return true;
}

static void merge_name(Merge *m, const Rule *const *o, int no, const Rule *const *g, int ng)
{
	const Rule *gu = NULL;
	int nga = 0;
	for (int i = 0; i < ng; i++) {
		if (g[i]->sys.ncmp && g[i]->effect == EFF_DENY)
			put(m, g[i]);
		else if (g[i]->sys.ncmp)
			nga++;
		else if (g[i]->effect == EFF_DENY && !gu)
			gu = g[i];
	}
	if (!gu) {
		for (int i = 0; i < no; i++)
			put(m, o[i]);
		return;
	}
	const Rule *ou_allow = NULL, *ou_deny = NULL;
	for (int i = 0; i < no; i++) {
		if (o[i]->sys.ncmp && o[i]->effect == EFF_DENY)
			put(m, o[i]);
		else if (!o[i]->sys.ncmp && o[i]->effect == EFF_DENY && !ou_deny)
			ou_deny = o[i];
		else if (!o[i]->sys.ncmp && o[i]->effect == EFF_ALLOW && !ou_allow)
			ou_allow = o[i];
	}
	if (!nga) {
		put(m, ou_deny ? ou_deny : gu); /* the policy's own way to fail, if it has one */
		return;
	}
	for (int i = 0; i < no; i++)
		if (o[i]->sys.ncmp && o[i]->effect == EFF_ALLOW)
			for (int j = 0; j < ng; j++)
				if (g[j]->sys.ncmp && g[j]->effect == EFF_ALLOW)
					put_both(m, o[i], g[j]);
	if (ou_allow && !ou_deny)
		for (int j = 0; j < ng; j++)
			if (g[j]->sys.ncmp && g[j]->effect == EFF_ALLOW) {
				Rule *x = put(m, ou_allow);
				x->sys.cmp = g[j]->sys.cmp;
				x->sys.ncmp = g[j]->sys.ncmp;
			}
	put(m, ou_deny ? ou_deny : gu);
}

/* Sorts v by name, keeping the order within a name. */
static void sort_by_name(const Rule **v, int n)
{
	/* insertion sort: stable, and the policy's own rules arrive sorted
	 * (canonical order), the derived ones nearly so */
	for (int i = 1; i < n; i++) {
		const Rule *r = v[i];
		int j = i;
		while (j > 0 && str_cmp(v[j - 1]->sys.name, r->sys.name) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = r;
	}
}

static void merge(Gen *out, const Rule **own, int nown, const Rule **guard, int nguard)
{
	sort_by_name(own, nown);
	sort_by_name(guard, nguard);
	Merge m = { .a = out->a };
	int i = 0, j = 0;
	while (i < nown || j < nguard) {
		Str name = j == nguard || (i < nown && str_cmp(own[i]->sys.name, guard[j]->sys.name) < 0)
				   ? own[i]->sys.name
				   : guard[j]->sys.name;
		int i2 = i, j2 = j;
		while (i2 < nown && str_eq(own[i2]->sys.name, name))
			i2++;
		while (j2 < nguard && str_eq(guard[j2]->sys.name, name))
			j2++;
		merge_name(&m, own + i, i2 - i, guard + j, j2 - j);
		i = i2;
		j = j2;
	}
	for (int k = 0; k < m.n; k++)
		*VEC_PUSH(out->a, out->v, out->n, out->cap) = &m.v[k];
}

void scmp_rules(Arena *a, const Policy *p, const ScmpArch *arch, ScmpRules *out)
{
	Gen g = { .a = a };
	memset(out, 0, sizeof *out);
	if (p->has_syscall_rules) {
		Gen own = { .a = a }, guard = { .a = a };
		for (int i = 0; i < p->nrules; i++) {
			const Rule *r = &p->rules[i];
			if (r->right == R_SYSCALL && (r->platforms & PLAT_LINUX))
				*VEC_PUSH(a, own.v, own.n, own.cap) = r;
		}
		derive(&guard, p, arch);
		merge(&g, own.v, own.n, guard.v, guard.n);
		out->fallback = p->default_action;
	} else {
		derive(&g, p, arch);
		out->fallback = act_allow;
		out->derived = true;
	}
	out->v = g.v;
	out->n = g.n;
	out->added = g.v;
	out->nadded = g.n;
}
