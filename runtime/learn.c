/*
 * learn.c: the observer of `sbxc learn` (learn.h). The shape is the
 * supervisor's (sup.c): fork; the child sets no_new_privs, installs a
 * filter with a user-notification listener, hands the listener over with
 * sup_send_fd and execs; the parent takes it (sup_recv_fd) and serves
 * notifications until the command exits. Unlike the supervisor it decides
 * nothing: every notification is answered with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE, so the program runs as it would
 * without us, only slower by one round trip per notified call.
 *
 * The filter notifies only the calls a policy has a right for: opens,
 * exec, directory listings, the calls that create, remove, rename or
 * change the metadata of files, connect and bind, process creation and
 * kill. Everything else (read, write, mmap, stat, ...) runs at full
 * speed. Another architecture's calls (a 32-bit program) are not notified:
 * what they do is not learned, and the summary cannot know.
 *
 * What a call names is read from the program while it waits in the call:
 * its path argument with process_vm_readv, relative paths against
 * /proc/PID/cwd or /proc/PID/fd/DIRFD, a socket's type from a duplicate
 * (pidfd_getfd), and whether the path exists with lstat. A program that
 * changes the memory after we read it, or races a rename, is observed
 * wrongly; that is acceptable for a proposal (learn.h), never for a
 * decision.
 */
#include "learn.h"
#include "sup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE 1u
#endif

#if defined(__x86_64__)
#define LEARN_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LEARN_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define LEARN_ARCH AUDIT_ARCH_RISCV64
#else
#define LEARN_ARCH 0
#endif

/* How each notified call reads: which argument is the directory
 * descriptor (-1: none, relative to the cwd), the path, the flags. */
enum { A_OPEN, A_OPENAT, A_OPENAT2, A_CREAT, A_EXEC, A_EXECAT, A_LIST, A_MKDIR, A_MKDIRAT, A_RMDIR, A_UNLINK,
       A_UNLINKAT, A_RENAME, A_RENAMEAT, A_LINK, A_LINKAT, A_SYMLINK, A_SYMLINKAT, A_MKNOD, A_MKNODAT,
       A_META, A_METAAT, A_METAFD, A_TRUNC, A_CONNECT, A_BIND, A_CLONE, A_CLONE3, A_FORK, A_KILL };

typedef struct Call {
	long nr;
	const char *name;
	uint8_t how;
	int8_t path; /* A_META / A_METAAT: the path argument's index */
} Call;

#define C(n, how, path) { SYS_##n, #n, how, path }
static const Call calls[] = {
#ifdef SYS_open
	C(open, A_OPEN, 0),
#endif
#ifdef SYS_creat
	C(creat, A_CREAT, 0),
#endif
	C(openat, A_OPENAT, 1),
#ifdef SYS_openat2
	C(openat2, A_OPENAT2, 1),
#endif
	C(execve, A_EXEC, 0),
	C(execveat, A_EXECAT, 1),
#ifdef SYS_getdents
	C(getdents, A_LIST, 0),
#endif
	C(getdents64, A_LIST, 0),
#ifdef SYS_mkdir
	C(mkdir, A_MKDIR, 0),
#endif
	C(mkdirat, A_MKDIRAT, 1),
#ifdef SYS_rmdir
	C(rmdir, A_RMDIR, 0),
#endif
#ifdef SYS_unlink
	C(unlink, A_UNLINK, 0),
#endif
	C(unlinkat, A_UNLINKAT, 1),
#ifdef SYS_rename
	C(rename, A_RENAME, 0),
#endif
#ifdef SYS_renameat
	C(renameat, A_RENAMEAT, 1),
#endif
	C(renameat2, A_RENAMEAT, 1),
#ifdef SYS_link
	C(link, A_LINK, 0),
#endif
	C(linkat, A_LINKAT, 1),
#ifdef SYS_symlink
	C(symlink, A_SYMLINK, 1),
#endif
	C(symlinkat, A_SYMLINKAT, 2),
#ifdef SYS_mknod
	C(mknod, A_MKNOD, 0),
#endif
	C(mknodat, A_MKNODAT, 1),
#ifdef SYS_chmod
	C(chmod, A_META, 0),
#endif
#ifdef SYS_chown
	C(chown, A_META, 0),
#endif
#ifdef SYS_lchown
	C(lchown, A_META, 0),
#endif
#ifdef SYS_utime
	C(utime, A_META, 0),
#endif
#ifdef SYS_utimes
	C(utimes, A_META, 0),
#endif
	C(truncate, A_TRUNC, 0),
	C(setxattr, A_META, 0),
	C(lsetxattr, A_META, 0),
	C(removexattr, A_META, 0),
	C(lremovexattr, A_META, 0),
	C(fchmodat, A_METAAT, 1),
	C(fchownat, A_METAAT, 1),
	C(utimensat, A_METAAT, 1),
#ifdef SYS_futimesat
	C(futimesat, A_METAAT, 1),
#endif
	C(fchmod, A_METAFD, 0),
	C(fchown, A_METAFD, 0),
	C(fsetxattr, A_METAFD, 0),
	C(fremovexattr, A_METAFD, 0),
	C(connect, A_CONNECT, 0),
	C(bind, A_BIND, 0),
	C(clone, A_CLONE, 0),
#ifdef SYS_clone3
	C(clone3, A_CLONE3, 0),
#endif
#ifdef SYS_fork
	C(fork, A_FORK, 0),
#endif
#ifdef SYS_vfork
	C(vfork, A_FORK, 0),
#endif
	C(kill, A_KILL, 0),
};
#undef C

/* Notify the calls above, allow every other. */
static bool install_filter(int *lfd)
{
	enum { N = ARRAY_N(calls) };
	struct sock_filter f[N + 6];
	int k = 0;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LEARN_ARCH, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (int i = 0; i < N; i++)
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)calls[i].nr, (uint8_t)(N - i), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	struct sock_fprog prog = { .len = (unsigned short)k, .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return false;
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	*lfd = (int)r;
	return r >= 0;
}

/* ---- reading the program ---- */

/* A NUL-terminated string at addr, read page by page (a string near the
 * end of a mapping must not fail because the next page is unmapped). */
static bool read_str(pid_t pid, uint64_t addr, char *out, size_t n)
{
	size_t got = 0;
	while (got + 1 < n) {
		size_t page = 4096 - (size_t)((addr + got) & 4095), want = page < n - 1 - got ? page : n - 1 - got;
		struct iovec l = { out + got, want }, r = { (void *)(uintptr_t)(addr + got), want };
		ssize_t k = process_vm_readv(pid, &l, 1, &r, 1, 0);
		if (k <= 0)
			return false;
		void *z = memchr(out + got, 0, (size_t)k);
		if (z)
			return true;
		got += (size_t)k;
	}
	return false; /* longer than PATH_MAX: not a path the kernel takes either */
}

static bool read_mem(pid_t pid, uint64_t addr, void *out, size_t n)
{
	struct iovec l = { out, n }, r = { (void *)(uintptr_t)addr, n };
	return process_vm_readv(pid, &l, 1, &r, 1, 0) == (ssize_t)n;
}

/* The directory a relative path starts from: the cwd or descriptor dfd. */
static bool base_dir(pid_t pid, int dfd, char *out, size_t n)
{
	char link[64];
	if (dfd == AT_FDCWD)
		snprintf(link, sizeof link, "/proc/%d/cwd", (int)pid);
	else
		snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, dfd);
	ssize_t k = readlink(link, out, n - 1);
	if (k <= 0 || out[0] != '/')
		return false;
	out[k] = 0;
	return true;
}

/* Lexical normalisation in place: no ".", "..", "//" or trailing "/". */
static void normalise(char *p)
{
	char *w = p;
	for (char *r = p; *r;) {
		while (*r == '/')
			r++;
		char *e = strchrnul(r, '/');
		size_t n = (size_t)(e - r);
		if (n == 1 && r[0] == '.') {
		} else if (n == 2 && r[0] == '.' && r[1] == '.') {
			while (w > p && *--w != '/')
				;
		} else if (n) {
			*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r = e;
	}
	if (w == p)
		*w++ = '/';
	*w = 0;
}

/* dfd + the path at addr as an absolute path in out. */
static bool path_at(pid_t pid, int dfd, uint64_t addr, char *out, size_t n)
{
	char rel[PATH_MAX];
	if (!read_str(pid, addr, rel, sizeof rel))
		return false;
	if (rel[0] == '/') {
		snprintf(out, n, "%s", rel);
	} else {
		char base[PATH_MAX];
		if (!base_dir(pid, dfd, base, sizeof base))
			return false;
		if (!rel[0])
			snprintf(out, n, "%s", base); /* AT_EMPTY_PATH: the descriptor itself */
		else if ((size_t)snprintf(out, n, "%s/%s", base, rel) >= n)
			return false;
	}
	normalise(out);
	return true;
}

/* ---- one notification ---- */

typedef struct L {
	LearnFn fn;
	void *ctx;
	const struct seccomp_notif *n;
	const Call *c;
} L;

static void emit(L *l, uint8_t kind, const char *path, const char *net)
{
	LearnEvent e = { .kind = kind, .pid = (pid_t)l->n->pid, .call = l->c->name, .path = path, .net = net };
	struct stat sb;
	if (path && lstat(path, &sb) == 0) {
		e.existed = true;
		e.is_dir = S_ISDIR(sb.st_mode);
	}
	l->fn(l->ctx, &e);
}

static void emit_path(L *l, uint8_t kind, int dfd, uint64_t addr)
{
	char p[PATH_MAX];
	if (path_at((pid_t)l->n->pid, dfd, addr, p, sizeof p))
		emit(l, kind, p, NULL);
}

static void on_open(L *l, int dfd, uint64_t addr, uint64_t flags)
{
	char p[PATH_MAX];
	if ((flags & O_PATH) || !path_at((pid_t)l->n->pid, dfd, addr, p, sizeof p))
		return; /* O_PATH opens need no right */
	struct stat sb;
	bool exists = lstat(p, &sb) == 0 || stat(p, &sb) == 0;
	int acc = (int)(flags & O_ACCMODE);
	if (!exists && (flags & O_CREAT))
		emit(l, LE_CREATE, p, NULL);
	else if (exists && S_ISDIR(sb.st_mode))
		emit(l, LE_LIST, p, NULL);
	else if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC)) {
		emit(l, LE_WRITE, p, NULL);
		if (acc == O_RDWR)
			emit(l, LE_READ, p, NULL);
	} else
		emit(l, LE_READ, p, NULL);
}

/* A script's #! line names the program the kernel really starts: it needs
 * exec too (and std/base's loader for an ELF is already granted). */
static void on_exec(L *l, int dfd, uint64_t addr)
{
	char p[PATH_MAX];
	if (!path_at((pid_t)l->n->pid, dfd, addr, p, sizeof p))
		return;
	emit(l, LE_EXEC, p, NULL);
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ELOOP)
		fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char head[256];
	ssize_t k = read(fd, head, sizeof head - 1);
	close(fd);
	if (k < 3 || head[0] != '#' || head[1] != '!')
		return;
	head[k] = 0;
	char *s = head + 2;
	while (*s == ' ' || *s == '\t')
		s++;
	s[strcspn(s, " \t\r\n")] = 0;
	if (*s == '/') {
		normalise(s);
		emit(l, LE_EXEC, s, NULL);
	}
}

/* The program's socket fd as a duplicate here, for its family and type. */
static int dup_fd(pid_t pid, int fd)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return -1;
	int d = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	close(pfd);
	return d;
}

static void on_sock(L *l, bool bind_)
{
	const struct seccomp_notif *n = l->n;
	struct sockaddr_storage ss;
	uint64_t len = n->data.args[2];
	memset(&ss, 0, sizeof ss);
	if (len < sizeof(sa_family_t) || len > sizeof ss || !read_mem((pid_t)n->pid, n->data.args[1], &ss, (size_t)len))
		return;
	char net[PATH_MAX + 64];
	if (ss.ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const void *)&ss;
		size_t pn = len - offsetof(struct sockaddr_un, sun_path);
		if (pn == 0 || un->sun_path[0] == 0)
			return; /* unnamed or abstract: no path a rule can name */
		char p[sizeof un->sun_path + 1];
		memcpy(p, un->sun_path, pn < sizeof un->sun_path ? pn : sizeof un->sun_path);
		p[pn < sizeof un->sun_path ? pn : sizeof un->sun_path] = 0;
		char abs[PATH_MAX];
		if (p[0] != '/') {
			char base[PATH_MAX];
			if (!base_dir((pid_t)n->pid, AT_FDCWD, base, sizeof base))
				return;
			snprintf(abs, sizeof abs, "%.*s/%s", PATH_MAX / 2, base, p);
		} else
			snprintf(abs, sizeof abs, "%s", p);
		normalise(abs);
		snprintf(net, sizeof net, "unix %s", abs);
		emit(l, bind_ ? LE_BIND : LE_CONNECT, NULL, net);
		return;
	}
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return;
	int d = dup_fd((pid_t)n->pid, (int)n->data.args[0]);
	int type = 0;
	socklen_t tl = sizeof type;
	if (d < 0 || getsockopt(d, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
		type = 0;
	if (d >= 0)
		close(d);
	const char *proto = type == SOCK_STREAM ? "tcp" : type == SOCK_DGRAM ? "udp" : NULL;
	if (!proto)
		return;
	char ip[INET6_ADDRSTRLEN] = "";
	unsigned port;
	bool v6 = ss.ss_family == AF_INET6;
	if (v6) {
		const struct sockaddr_in6 *s6 = (const void *)&ss;
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
		if (!memcmp(s6->sin6_addr.s6_addr, mapped, 12)) {
			inet_ntop(AF_INET, s6->sin6_addr.s6_addr + 12, ip, sizeof ip);
			v6 = false;
		} else
			inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
		port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)&ss;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
		port = ntohs(s4->sin_port);
	}
	if (port == 0 && !bind_)
		return; /* a UDP connect to port 0 dissolves nothing useful to learn */
	if (port == 0)
		snprintf(net, sizeof net, "%s %s%s%s:*", proto, v6 ? "[" : "", ip, v6 ? "]" : "");
	else
		snprintf(net, sizeof net, "%s %s%s%s:%u", proto, v6 ? "[" : "", ip, v6 ? "]" : "", port);
	emit(l, bind_ ? LE_BIND : LE_CONNECT, NULL, net);
}

static void on_notify(L *l)
{
	const struct seccomp_notif *n = l->n;
	const uint64_t *a = (const uint64_t *)n->data.args;
	int dfd = (int)(int32_t)a[0];
	switch (l->c->how) {
	case A_OPEN:
		on_open(l, AT_FDCWD, a[0], a[1]);
		break;
	case A_CREAT:
		on_open(l, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC);
		break;
	case A_OPENAT:
		on_open(l, dfd, a[1], a[2]);
		break;
	case A_OPENAT2: {
		uint64_t flags = 0;
		if (a[3] >= sizeof flags && read_mem((pid_t)n->pid, a[2], &flags, sizeof flags))
			on_open(l, dfd, a[1], flags);
		break;
	}
	case A_EXEC:
		on_exec(l, AT_FDCWD, a[0]);
		break;
	case A_EXECAT:
		on_exec(l, dfd, a[1]);
		break;
	case A_LIST: {
		char p[PATH_MAX];
		if (base_dir((pid_t)n->pid, (int)(int32_t)a[0], p, sizeof p))
			emit(l, LE_LIST, p, NULL);
		break;
	}
	case A_MKDIR:
		emit_path(l, LE_MKDIR, AT_FDCWD, a[0]);
		break;
	case A_MKDIRAT:
		emit_path(l, LE_MKDIR, dfd, a[1]);
		break;
	case A_RMDIR:
	case A_UNLINK:
		emit_path(l, LE_REMOVE, AT_FDCWD, a[0]);
		break;
	case A_UNLINKAT:
		emit_path(l, LE_REMOVE, dfd, a[1]);
		break;
	case A_RENAME:
		emit_path(l, LE_REMOVE, AT_FDCWD, a[0]);
		emit_path(l, LE_CREATE, AT_FDCWD, a[1]);
		break;
	case A_RENAMEAT:
		emit_path(l, LE_REMOVE, dfd, a[1]);
		emit_path(l, LE_CREATE, (int)(int32_t)a[2], a[3]);
		break;
	case A_LINK:
		emit_path(l, LE_CREATE, AT_FDCWD, a[1]);
		break;
	case A_LINKAT:
		emit_path(l, LE_CREATE, (int)(int32_t)a[2], a[3]);
		break;
	case A_SYMLINK:
		emit_path(l, LE_CREATE, AT_FDCWD, a[1]);
		break;
	case A_SYMLINKAT:
		emit_path(l, LE_CREATE, (int)(int32_t)a[1], a[2]);
		break;
	case A_MKNOD:
		emit_path(l, LE_CREATE, AT_FDCWD, a[0]);
		break;
	case A_MKNODAT:
		emit_path(l, LE_CREATE, dfd, a[1]);
		break;
	case A_META:
		emit_path(l, LE_META, AT_FDCWD, a[l->c->path]);
		break;
	case A_TRUNC:
		emit_path(l, LE_WRITE, AT_FDCWD, a[0]);
		break;
	case A_METAAT:
		if (a[1] == 0 && l->c->nr == SYS_utimensat) { /* futimens(fd) */
			char p[PATH_MAX];
			if (base_dir((pid_t)n->pid, dfd, p, sizeof p))
				emit(l, LE_META, p, NULL);
		} else
			emit_path(l, LE_META, dfd, a[1]);
		break;
	case A_METAFD: {
		char p[PATH_MAX];
		if (base_dir((pid_t)n->pid, dfd, p, sizeof p))
			emit(l, LE_META, p, NULL);
		break;
	}
	case A_CONNECT:
	case A_BIND:
		on_sock(l, l->c->how == A_BIND);
		break;
	case A_CLONE:
		if (!(a[0] & CLONE_THREAD))
			emit(l, LE_FORK, NULL, NULL);
		break;
	case A_CLONE3: {
		uint64_t flags = 0;
		if (read_mem((pid_t)n->pid, a[0], &flags, sizeof flags) && !(flags & CLONE_THREAD))
			emit(l, LE_FORK, NULL, NULL);
		break;
	}
	case A_FORK:
		emit(l, LE_FORK, NULL, NULL);
		break;
	case A_KILL: {
		pid_t to = (pid_t)(int32_t)a[0];
		if ((int)a[1] == 0)
			break; /* signal 0 only asks whether the process exists */
		pid_t self = (pid_t)n->pid;
		char tg[64], line[256];
		/* The caller's thread group id, from its status. */
		snprintf(tg, sizeof tg, "/proc/%d/status", (int)self);
		FILE *f = fopen(tg, "re");
		if (f) {
			while (fgets(line, sizeof line, f))
				if (!strncmp(line, "Tgid:", 5))
					self = (pid_t)atoi(line + 5);
			fclose(f);
		}
		emit(l, LE_SIGNAL, NULL, to == self || to == 0 ? "self" : to > 0 ? "children" : "any");
		break;
	}
	}
}

/* ---- the loop ---- */

void learn_comm(pid_t pid, char *out, size_t n)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/%d/comm", (int)pid);
	snprintf(out, n, "?");
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t k = read(fd, out, n - 1);
	close(fd);
	if (k <= 0) {
		snprintf(out, n, "?");
		return;
	}
	out[k] = 0;
	out[strcspn(out, "\n")] = 0;
}

static void respond_continue(int lfd, uint64_t id)
{
	struct seccomp_notif_resp r;
	memset(&r, 0, sizeof r);
	r.id = id;
	r.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	(void)ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &r); /* ENOENT: the thread left the call */
}

int learn_run(char *const argv[], const char *prog, LearnFn fn, void *ctx)
{
	if (!LEARN_ARCH) {
		fprintf(stderr, "%s: learning is not built for this architecture\n", prog);
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0) {
		fprintf(stderr, "%s: seccomp user notification is not available: %s\n", prog, strerror(errno));
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		fprintf(stderr, "%s: socketpair: %s\n", prog, strerror(errno));
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	if (pid == 0) {
		close(sv[0]);
		int lfd;
		if (!install_filter(&lfd)) {
			fprintf(stderr, "%s: cannot install the observing filter: %s\n", prog, strerror(errno));
			_exit(SBX_EXIT_CANNOT_ENFORCE);
		}
		if (!sup_send_fd(sv[1], lfd)) {
			fprintf(stderr, "%s: cannot hand the listener over: %s\n", prog, strerror(errno));
			_exit(SBX_EXIT_CANNOT_ENFORCE);
		}
		close(lfd);
		close(sv[1]);
		execvp(argv[0], argv);
		rt_exec_failed(prog, argv[0], errno);
		_exit(SBX_EXIT_CANNOT_EXEC);
	}
	close(sv[1]);
	/* A terminal's ^C reaches the whole group, the command included. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int lfd = pfd >= 0 ? sup_recv_fd(sv[0], pfd) : -1;
	close(sv[0]);
	int st = 0;
	if (lfd < 0) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (pfd >= 0)
			close(pfd);
		return WIFEXITED(st) ? WEXITSTATUS(st) : SBX_EXIT_CANNOT_ENFORCE;
	}
	size_t nsz = sz.seccomp_notif > sizeof(struct seccomp_notif) ? sz.seccomp_notif : sizeof(struct seccomp_notif);
	struct seccomp_notif *n = rt_alloc(nsz);
	bool exited = false, listening = true;
	for (;;) {
		/* After the command exits, what it left running is still served
		 * until the filter has no user or nothing is asked for a second. */
		struct pollfd p[2] = { { listening ? lfd : -1, POLLIN, 0 }, { exited ? -1 : pfd, POLLIN, 0 } };
		int k = poll(p, 2, exited ? 1000 : -1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (p[0].revents & POLLIN) {
			memset(n, 0, nsz);
			if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, n) == 0) {
				for (size_t i = 0; i < ARRAY_N(calls); i++)
					if (calls[i].nr == (long)n->data.nr) {
						L l = { fn, ctx, n, &calls[i] };
						on_notify(&l);
						break;
					}
				respond_continue(lfd, n->id);
			}
		} else if (p[0].revents & (POLLHUP | POLLERR)) {
			listening = false;
			if (exited)
				break;
		}
		if (!exited && (p[1].revents & POLLIN) && waitpid(pid, &st, WNOHANG) == pid)
			exited = true;
		if (exited && !listening)
			break;
	}
	if (!exited)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	free(n);
	close(lfd);
	close(pfd);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	return sup_exit_status(st);
}
