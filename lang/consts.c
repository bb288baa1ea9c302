/*
 * consts.c: names the language knows in syscall rules: constants for
 * argument conditions and errno names for actions.
 *
 * The numbers are Linux's generic ABI (as on x86_64 and aarch64), written
 * out literally rather than taken from the compiling machine's headers, so
 * the same policy compiles to the same bytes on macOS or any Linux host. A
 * few constants differ on other architectures (O_* on arm/ppc/mips, SOCK_*
 * and errno numbers on mips): docs/language.md lists that limit.
 */
#include <seccomp.h>
#include <string.h>

#include "consts.h"

typedef struct Named {
	const char *name;
	uint64_t value;
} Named;

#define X(n, v) { n, (uint64_t)(v) },
static const Named constants[] = {
	X("AF_UNSPEC", 0)
	X("AF_UNIX", 0x1)
	X("AF_LOCAL", 0x1)
	X("AF_INET", 0x2)
	X("AF_INET6", 0xa)
	X("AF_NETLINK", 0x10)
	X("AF_PACKET", 0x11)
	X("AF_VSOCK", 0x28)
	X("AF_BLUETOOTH", 0x1f)
	X("AF_CAN", 0x1d)
	X("AF_ALG", 0x26)
	X("AF_KEY", 0xf)
	X("AF_XDP", 0x2c)
	X("AF_TIPC", 0x1e)
	X("AF_RDS", 0x15)
	X("AF_X25", 0x9)
	X("AF_AX25", 0x3)
	X("AF_APPLETALK", 0x5)
	X("AF_IPX", 0x4)
	X("AF_NFC", 0x27)
	X("AF_KCM", 0x29)
	X("AF_QIPCRTR", 0x2a)
	X("AF_SMC", 0x2b)
	X("AF_MCTP", 0x2d)
	X("SOCK_STREAM", 0x1)
	X("SOCK_DGRAM", 0x2)
	X("SOCK_RAW", 0x3)
	X("SOCK_SEQPACKET", 0x5)
	X("SOCK_RDM", 0x4)
	X("SOCK_PACKET", 0xa)
	X("SOCK_NONBLOCK", 0x800)
	X("SOCK_CLOEXEC", 0x80000)
	X("IPPROTO_IP", 0)
	X("IPPROTO_ICMP", 0x1)
	X("IPPROTO_TCP", 0x6)
	X("IPPROTO_UDP", 0x11)
	X("IPPROTO_IPV6", 0x29)
	X("IPPROTO_ICMPV6", 0x3a)
	X("IPPROTO_SCTP", 0x84)
	X("IPPROTO_UDPLITE", 0x88)
	X("IPPROTO_RAW", 0xff)
	X("IPPROTO_MPTCP", 0x106)
	X("O_RDONLY", 0)
	X("O_WRONLY", 0x1)
	X("O_RDWR", 0x2)
	X("O_ACCMODE", 0x3)
	X("O_CREAT", 0x40)
	X("O_EXCL", 0x80)
	X("O_NOCTTY", 0x100)
	X("O_TRUNC", 0x200)
	X("O_APPEND", 0x400)
	X("O_NONBLOCK", 0x800)
	X("O_DSYNC", 0x1000)
	X("O_SYNC", 0x101000)
	X("O_DIRECTORY", 0x10000)
	X("O_NOFOLLOW", 0x20000)
	X("O_CLOEXEC", 0x80000)
	X("O_PATH", 0x200000)
	X("O_TMPFILE", 0x410000)
	X("O_NOATIME", 0x40000)
	X("O_DIRECT", 0x4000)
	X("O_LARGEFILE", 0)
	X("PROT_NONE", 0)
	X("PROT_READ", 0x1)
	X("PROT_WRITE", 0x2)
	X("PROT_EXEC", 0x4)
	X("PROT_GROWSDOWN", 0x1000000)
	X("PROT_GROWSUP", 0x2000000)
	X("MAP_SHARED", 0x1)
	X("MAP_PRIVATE", 0x2)
	X("MAP_FIXED", 0x10)
	X("MAP_ANONYMOUS", 0x20)
	X("MAP_GROWSDOWN", 0x100)
	X("MAP_NORESERVE", 0x4000)
	X("MAP_POPULATE", 0x8000)
	X("MAP_STACK", 0x20000)
	X("MAP_HUGETLB", 0x40000)
	X("MAP_FIXED_NOREPLACE", 0x100000)
	X("CLONE_VM", 0x100)
	X("CLONE_FS", 0x200)
	X("CLONE_FILES", 0x400)
	X("CLONE_SIGHAND", 0x800)
	X("CLONE_PIDFD", 0x1000)
	X("CLONE_PTRACE", 0x2000)
	X("CLONE_VFORK", 0x4000)
	X("CLONE_PARENT", 0x8000)
	X("CLONE_THREAD", 0x10000)
	X("CLONE_NEWNS", 0x20000)
	X("CLONE_SYSVSEM", 0x40000)
	X("CLONE_SETTLS", 0x80000)
	X("CLONE_PARENT_SETTID", 0x100000)
	X("CLONE_CHILD_CLEARTID", 0x200000)
	X("CLONE_DETACHED", 0x400000)
	X("CLONE_UNTRACED", 0x800000)
	X("CLONE_CHILD_SETTID", 0x1000000)
	X("CLONE_NEWCGROUP", 0x2000000)
	X("CLONE_NEWUTS", 0x4000000)
	X("CLONE_NEWIPC", 0x8000000)
	X("CLONE_NEWUSER", 0x10000000)
	X("CLONE_NEWPID", 0x20000000)
	X("CLONE_NEWNET", 0x40000000)
	X("CLONE_IO", 0x80000000)
	X("CLONE_NEWTIME", 0x80)
	X("MSG_OOB", 0x1)
	X("MSG_PEEK", 0x2)
	X("MSG_DONTROUTE", 0x4)
	X("MSG_DONTWAIT", 0x40)
	X("MSG_NOSIGNAL", 0x4000)
	X("MSG_MORE", 0x8000)
	X("MSG_WAITALL", 0x100)
	X("MSG_FASTOPEN", 0x20000000)
	X("MSG_ZEROCOPY", 0x4000000)
	X("MSG_CMSG_CLOEXEC", 0x40000000)
	X("AT_FDCWD", 0xffffffffffffff9c)
	X("AT_SYMLINK_NOFOLLOW", 0x100)
	X("AT_REMOVEDIR", 0x200)
	X("AT_SYMLINK_FOLLOW", 0x400)
	X("AT_EMPTY_PATH", 0x1000)
	X("F_DUPFD", 0)
	X("F_GETFD", 0x1)
	X("F_SETFD", 0x2)
	X("F_GETFL", 0x3)
	X("F_SETFL", 0x4)
	X("F_GETLK", 0x5)
	X("F_SETLK", 0x6)
	X("F_SETLKW", 0x7)
	X("F_DUPFD_CLOEXEC", 0x406)
	X("F_SETPIPE_SZ", 0x407)
	X("F_GETPIPE_SZ", 0x408)
	X("F_ADD_SEALS", 0x409)
	X("F_GET_SEALS", 0x40a)
	X("SIGHUP", 0x1)
	X("SIGINT", 0x2)
	X("SIGQUIT", 0x3)
	X("SIGILL", 0x4)
	X("SIGTRAP", 0x5)
	X("SIGABRT", 0x6)
	X("SIGBUS", 0x7)
	X("SIGFPE", 0x8)
	X("SIGKILL", 0x9)
	X("SIGUSR1", 0xa)
	X("SIGSEGV", 0xb)
	X("SIGUSR2", 0xc)
	X("SIGPIPE", 0xd)
	X("SIGALRM", 0xe)
	X("SIGTERM", 0xf)
	X("SIGCHLD", 0x11)
	X("SIGCONT", 0x12)
	X("SIGSTOP", 0x13)
	X("SIGTSTP", 0x14)
	X("SIGTTIN", 0x15)
	X("SIGTTOU", 0x16)
	X("SIGURG", 0x17)
	X("SIGXCPU", 0x18)
	X("SIGXFSZ", 0x19)
	X("SIGVTALRM", 0x1a)
	X("SIGPROF", 0x1b)
	X("SIGWINCH", 0x1c)
	X("SIGIO", 0x1d)
	X("SIGSYS", 0x1f)
	X("PR_SET_PDEATHSIG", 0x1)
	X("PR_GET_PDEATHSIG", 0x2)
	X("PR_GET_DUMPABLE", 0x3)
	X("PR_SET_DUMPABLE", 0x4)
	X("PR_SET_NAME", 0xf)
	X("PR_GET_NAME", 0x10)
	X("PR_SET_SECCOMP", 0x16)
	X("PR_GET_SECCOMP", 0x15)
	X("PR_CAPBSET_READ", 0x17)
	X("PR_SET_NO_NEW_PRIVS", 0x26)
	X("PR_GET_NO_NEW_PRIVS", 0x27)
	X("PR_SET_MM", 0x23)
	X("PR_SET_PTRACER", 0x59616d61)
	X("PR_SET_CHILD_SUBREAPER", 0x24)
	X("PR_GET_CHILD_SUBREAPER", 0x25)
	X("FUTEX_WAIT", 0)
	X("FUTEX_WAKE", 0x1)
	X("FUTEX_REQUEUE", 0x3)
	X("FUTEX_CMP_REQUEUE", 0x4)
	X("FUTEX_WAKE_OP", 0x5)
	X("FUTEX_WAIT_BITSET", 0x9)
	X("FUTEX_WAKE_BITSET", 0xa)
	X("FUTEX_PRIVATE_FLAG", 0x80)
	X("FUTEX_CLOCK_REALTIME", 0x100)
	X("TIOCSTI", 0x5412)
	X("TIOCLINUX", 0x541c)
	X("FIONREAD", 0x541b)
	X("FIONBIO", 0x5421)
	X("TCGETS", 0x5401)
	X("TCSETS", 0x5402)
	X("TIOCGWINSZ", 0x5413)
	X("TIOCSWINSZ", 0x5414)
	X("SECCOMP_SET_MODE_STRICT", 0)
	X("SECCOMP_SET_MODE_FILTER", 0x1)
	X("SECCOMP_GET_ACTION_AVAIL", 0x2)
};
static const Named errnos[] = {
	X("EPERM", 1)
	X("ENOENT", 2)
	X("ESRCH", 3)
	X("EINTR", 4)
	X("EIO", 5)
	X("ENXIO", 6)
	X("E2BIG", 7)
	X("ENOEXEC", 8)
	X("EBADF", 9)
	X("ECHILD", 10)
	X("EAGAIN", 11)
	X("ENOMEM", 12)
	X("EACCES", 13)
	X("EFAULT", 14)
	X("EBUSY", 16)
	X("EEXIST", 17)
	X("EXDEV", 18)
	X("ENODEV", 19)
	X("ENOTDIR", 20)
	X("EISDIR", 21)
	X("EINVAL", 22)
	X("ENFILE", 23)
	X("EMFILE", 24)
	X("ENOTTY", 25)
	X("ETXTBSY", 26)
	X("EFBIG", 27)
	X("ENOSPC", 28)
	X("ESPIPE", 29)
	X("EROFS", 30)
	X("EMLINK", 31)
	X("EPIPE", 32)
	X("EDOM", 33)
	X("ERANGE", 34)
	X("EDEADLK", 35)
	X("ENAMETOOLONG", 36)
	X("ENOLCK", 37)
	X("ENOSYS", 38)
	X("ENOTEMPTY", 39)
	X("ELOOP", 40)
	X("EWOULDBLOCK", 11)
	X("ENOMSG", 42)
	X("EIDRM", 43)
	X("ENOSTR", 60)
	X("ENODATA", 61)
	X("ETIME", 62)
	X("ENOSR", 63)
	X("EREMOTE", 66)
	X("ENOLINK", 67)
	X("EPROTO", 71)
	X("EBADMSG", 74)
	X("EOVERFLOW", 75)
	X("EILSEQ", 84)
	X("EUSERS", 87)
	X("ENOTSOCK", 88)
	X("EDESTADDRREQ", 89)
	X("EMSGSIZE", 90)
	X("EPROTOTYPE", 91)
	X("ENOPROTOOPT", 92)
	X("EPROTONOSUPPORT", 93)
	X("ESOCKTNOSUPPORT", 94)
	X("EOPNOTSUPP", 95)
	X("ENOTSUP", 95)
	X("EPFNOSUPPORT", 96)
	X("EAFNOSUPPORT", 97)
	X("EADDRINUSE", 98)
	X("EADDRNOTAVAIL", 99)
	X("ENETDOWN", 100)
	X("ENETUNREACH", 101)
	X("ENETRESET", 102)
	X("ECONNABORTED", 103)
	X("ECONNRESET", 104)
	X("ENOBUFS", 105)
	X("EISCONN", 106)
	X("ENOTCONN", 107)
	X("ESHUTDOWN", 108)
	X("ETOOMANYREFS", 109)
	X("ETIMEDOUT", 110)
	X("ECONNREFUSED", 111)
	X("EHOSTDOWN", 112)
	X("EHOSTUNREACH", 113)
	X("EALREADY", 114)
	X("EINPROGRESS", 115)
	X("ESTALE", 116)
	X("EDQUOT", 122)
	X("ECANCELED", 125)
	X("EOWNERDEAD", 130)
	X("ENOTRECOVERABLE", 131)
	X("ERFKILL", 132)
	X("EHWPOISON", 133)
};
#undef X

static const Named *find(const Named *t, size_t n, Str name)
{
	for (size_t i = 0; i < n; i++)
		if (str_eqc(name, t[i].name))
			return &t[i];
	return NULL;
}

bool const_lookup(Str name, uint64_t *value)
{
	const Named *c = find(constants, ARRAY_LEN(constants), name);
	if (!c) {
		const Named *e = find(errnos, ARRAY_LEN(errnos), name);
		if (!e)
			return false;
		*value = e->value;
		return true;
	}
	*value = c->value;
	return true;
}

bool errno_lookup(Str name, int *value)
{
	const Named *e = find(errnos, ARRAY_LEN(errnos), name);
	if (!e)
		return false;
	*value = (int)e->value;
	return true;
}

const char *errno_name(int value)
{
	for (size_t i = 0; i < ARRAY_LEN(errnos); i++)
		if ((int)errnos[i].value == value)
			return errnos[i].name;
	return NULL;
}

/* Every architecture libseccomp knows: a syscall is known if any has it. */
static const uint32_t all_arches[] = {
	SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64, SCMP_ARCH_ARM,
	SCMP_ARCH_RISCV64, SCMP_ARCH_PPC64LE, SCMP_ARCH_PPC64, SCMP_ARCH_PPC, SCMP_ARCH_S390X,
	SCMP_ARCH_S390, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL,
	SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PARISC, SCMP_ARCH_PARISC64,
};

bool syscall_known(Str name)
{
	char buf[64];
	if (name.n == 0 || name.n >= sizeof buf)
		return false;
	memcpy(buf, name.p, name.n);
	buf[name.n] = 0;
	for (size_t i = 0; i < ARRAY_LEN(all_arches); i++)
		if (seccomp_syscall_resolve_name_arch(all_arches[i], buf) != __NR_SCMP_ERROR)
			return true;
	return false;
}

/* Levenshtein distance, capped: for "did you mean" hints. */
static int distance(Str a, const char *b)
{
	size_t bn = strlen(b);
	if (a.n > 40 || bn > 40)
		return 99;
	int row[41];
	for (size_t j = 0; j <= bn; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= a.n; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= bn; j++) {
			int up = row[j];
			int cost = a.p[i - 1] == b[j - 1] ? 0 : 1;
			int best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[bn];
}

const char *closest(Str word, const char *const *candidates, int n)
{
	const char *best = NULL;
	int bd = word.n <= 2 ? 1 : 2;
	for (int i = 0; i < n; i++) {
		int dd = distance(word, candidates[i]);
		if (dd <= bd && (!best || dd < bd)) {
			best = candidates[i];
			bd = dd;
		}
	}
	return best;
}
