/*
 * escape.c: one hostile operation per run, from the escapes of issue 13.
 *
 *   escape OP [ARG]   prints "allow" (the operation got past the sandbox)
 *                     or "deny ERRNO", and exits 0 or 1 (2: bad usage)
 *
 * Operations:
 *   socketpair-dgram | socketpair-stream | socketpair-seqpacket
 *   dgram-abstract NAME   a datagram socketpair sends to an abstract name
 *   listen                listen() on an unbound TCP socket (autobind)
 *   tiocsti | tioclinux   the ioctl on a pipe: ENOTTY means the kernel saw it
 *   tiocsti-high          TIOCSTI with junk in the request's high 32 bits
 *   fd7                   is descriptor 7 (opened by the caller) still open?
 *   mknod-chr PATH | mknod-blk PATH | mknod-fifo PATH
 *   caps                  does the process keep any capability (effective,
 *                         permitted, inheritable, ambient, bounding)?
 *   udp                   socket(AF_INET, SOCK_DGRAM)
 *   tcp                   socket(AF_INET, SOCK_STREAM)
 *   raw | packet          socket(AF_INET, SOCK_RAW, ICMP), socket(AF_PACKET, SOCK_RAW)
 *   mptcp | sctp          socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP / IPPROTO_SCTP)
 *   unix                  socket(AF_UNIX, SOCK_STREAM)
 *   unshare-user          clone(CLONE_NEWUSER) in a child
 *   unshare-call          unshare(CLONE_NEWUSER) in a child
 *   fork                  fork()
 *   true                  exits 0 (what the exec operations run: FILE true)
 *   exec FILE             execve(FILE true): "allow" once it ran and exited 0
 *   execveat-empty FILE   open(FILE) then execveat(fd, "", AT_EMPTY_PATH)
 *   memfd-execveat FILE   FILE copied into a memfd, execveat(fd, "", AT_EMPTY_PATH)
 *   memfd-proc FILE       the same memfd run as /proc/self/fd/N
 *   memfd-exec-flag       memfd_create(MFD_EXEC)
 *   memfd-sealed          memfd_create(MFD_NOEXEC_SEAL)
 *   memfd-sealed-proc FILE  FILE in a sealed memfd, run as /proc/self/fd/N
 *   ldso FILE             the dynamic loader runs FILE (ld.so FILE)
 *   fanotify              fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_FID), unprivileged
 *   inotify DIR           inotify_add_watch(DIR)
 *
 * Static (tests/escapes/run.sh runs it under filters that deny close and
 * more): the dynamic loader's own calls must not decide the verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

static int verdict(int ok, int err)
{
	if (ok) {
		puts("allow");
		return 0;
	}
	printf("deny %s\n", strerrorname_np(err) ? strerrorname_np(err) : "?");
	return 1;
}

static int pair(int type)
{
	int sv[2];
	int r = socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv);
	return verdict(r == 0, errno);
}

static int dgram_abstract(const char *name)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		return verdict(0, errno);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	if (n + 2 > sizeof a.sun_path)
		return 2;
	memcpy(a.sun_path + 1, name, n);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	ssize_t r = sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, len);
	/* ECONNREFUSED: nobody bound the name, but the send reached it. */
	return verdict(r == 1 || errno == ECONNREFUSED, errno);
}

static int listen_unbound(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return verdict(0, errno);
	int r = listen(s, 1);
	return verdict(r == 0, errno);
}

/* A pipe is no terminal: the kernel answers ENOTTY, so any other error is
 * the filter's. */
static int tty_ioctl(unsigned long req)
{
	int p[2];
	if (pipe(p) < 0)
		return 2;
	char c = 'x';
	long r = syscall(SYS_ioctl, p[0], req, &c);
	return verdict(r == 0 || errno == ENOTTY, errno);
}

static int has_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return 2;
	int last = CAP_LAST_CAP;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	for (int i = 0; i < 2; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable) {
			printf("allow capget %d: eff %#x prm %#x inh %#x\n", i, d[i].effective, d[i].permitted,
			       d[i].inheritable);
			return 0;
		}
	for (int c = 0; c <= last; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) {
			printf("allow bounding %d\n", c);
			return 0;
		}
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1) {
			printf("allow ambient %d\n", c);
			return 0;
		}
	}
	return verdict(0, EPERM);
}

static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid < 0)
		return verdict(0, errno);
	if (pid == 0)
		_exit(fn());
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return 2;
	return WEXITSTATUS(st) == 0 ? verdict(1, 0) : verdict(0, WEXITSTATUS(st));
}

static int child_ok(void) { return 0; }

static int unshare_user(void)
{
	long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (r < 0)
		return verdict(0, errno);
	if (r == 0)
		_exit(0);
	waitpid((pid_t)r, NULL, 0);
	return verdict(1, 0);
}

/* Runs the exec in a child: "allow" when the program ran and exited 0. */
static int run_child(int (*fn)(const char *), const char *file)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return verdict(0, errno);
	if (pid == 0) {
		int e = fn(file);
		_exit(e > 0 && e < 100 ? 100 + e : 99); /* the exec failed: 100 + errno */
	}
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return 2;
	int rc = WEXITSTATUS(st);
	return rc == 0 ? verdict(1, 0) : verdict(0, rc > 100 ? rc - 100 : EPERM);
}

static char *const child_env[] = { NULL };

static int do_exec(const char *file)
{
	char *const av[] = { (char *)file, "true", NULL };
	execve(file, av, child_env);
	return errno;
}

static int do_execveat_empty(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	char *const av[] = { (char *)file, "true", NULL };
	syscall(SYS_execveat, fd, "", av, child_env, AT_EMPTY_PATH);
	return errno;
}

/* FILE's bytes in a memfd (0 on failure, errno set) */
static int memfd_copy_flags(const char *file, unsigned flags)
{
	int in = open(file, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int fd = (int)syscall(SYS_memfd_create, "x", flags);
	if (fd < 0)
		return -1;
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return -1;
	close(in);
	return fd;
}

static int memfd_copy(const char *file) { return memfd_copy_flags(file, 0); }

/* MFD_NOEXEC_SEAL: the memfd can be made, and never executed */
static int do_memfd_sealed_proc(const char *file)
{
	int fd = memfd_copy_flags(file, 0x0008u);
	if (fd < 0)
		return errno;
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	char *const av[] = { (char *)file, "true", NULL };
	execve(path, av, child_env);
	return errno;
}

static int do_memfd_execveat(const char *file)
{
	int fd = memfd_copy(file);
	if (fd < 0)
		return errno;
	char *const av[] = { (char *)file, "true", NULL };
	syscall(SYS_execveat, fd, "", av, child_env, AT_EMPTY_PATH);
	return errno;
}

static int do_memfd_proc(const char *file)
{
	int fd = memfd_copy(file);
	if (fd < 0)
		return errno;
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	char *const av[] = { (char *)file, "true", NULL };
	execve(path, av, child_env);
	return errno;
}

static int do_ldso(const char *file)
{
	static const char ld[] = "/lib64/ld-linux-x86-64.so.2";
	char *const av[] = { (char *)ld, (char *)file, "true", NULL };
	execve(ld, av, child_env);
	return errno;
}

static int unshare_call(void) { return unshare(CLONE_NEWUSER) == 0 ? 0 : errno; }

static int sock(int fam, int type, int proto)
{
	int s = socket(fam, type, proto);
	return verdict(s >= 0, errno);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *op = argv[1], *x = argc > 2 ? argv[2] : "";
	if (!strcmp(op, "socketpair-dgram"))
		return pair(SOCK_DGRAM);
	if (!strcmp(op, "socketpair-stream"))
		return pair(SOCK_STREAM);
	if (!strcmp(op, "socketpair-seqpacket"))
		return pair(SOCK_SEQPACKET);
	if (!strcmp(op, "dgram-abstract"))
		return dgram_abstract(x);
	if (!strcmp(op, "listen"))
		return listen_unbound();
	if (!strcmp(op, "tiocsti"))
		return tty_ioctl(TIOCSTI);
	if (!strcmp(op, "tioclinux"))
		return tty_ioctl(TIOCLINUX);
	if (!strcmp(op, "tiocsti-high"))
		return tty_ioctl(0xdead00000000ul | TIOCSTI);
	if (!strcmp(op, "fd7"))
		return verdict(fcntl(7, F_GETFD) >= 0, errno);
	if (!strcmp(op, "mknod-chr") || !strcmp(op, "mknod-blk") || !strcmp(op, "mknod-fifo")) {
		mode_t t = op[6] == 'c' ? S_IFCHR : op[6] == 'b' ? S_IFBLK : S_IFIFO;
		int r = mknod(x, t | 0600, t == S_IFIFO ? 0 : makedev(1, 3));
		return verdict(r == 0, errno);
	}
	if (!strcmp(op, "caps"))
		return has_caps();
	if (!strcmp(op, "udp")) {
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		return verdict(s >= 0, errno);
	}
	if (!strcmp(op, "true"))
		return 0;
	if (!strcmp(op, "tcp"))
		return sock(AF_INET, SOCK_STREAM, 0);
	if (!strcmp(op, "raw"))
		return sock(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (!strcmp(op, "packet"))
		return sock(17 /* AF_PACKET */, SOCK_RAW, 0);
	if (!strcmp(op, "mptcp"))
		return sock(AF_INET, SOCK_STREAM, 262);
	if (!strcmp(op, "sctp"))
		return sock(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (!strcmp(op, "unix"))
		return sock(AF_UNIX, SOCK_STREAM, 0);
	if (!strcmp(op, "unshare-user"))
		return unshare_user();
	if (!strcmp(op, "unshare-call"))
		return in_child(unshare_call);
	if (!strcmp(op, "exec"))
		return run_child(do_exec, x);
	if (!strcmp(op, "execveat-empty"))
		return run_child(do_execveat_empty, x);
	if (!strcmp(op, "memfd-execveat"))
		return run_child(do_memfd_execveat, x);
	if (!strcmp(op, "memfd-proc"))
		return run_child(do_memfd_proc, x);
	if (!strcmp(op, "ldso"))
		return run_child(do_ldso, x);
	if (!strcmp(op, "fanotify")) {
		int fd = (int)syscall(SYS_fanotify_init, 0x0u | 0x200u /* FAN_CLASS_NOTIF | FAN_REPORT_FID */, O_RDONLY);
		return verdict(fd >= 0, errno);
	}
	if (!strcmp(op, "inotify")) {
		int fd = (int)syscall(SYS_inotify_init1, 0);
		if (fd < 0)
			return verdict(0, errno);
		int w = (int)syscall(SYS_inotify_add_watch, fd, x, 0x100u /* IN_CREATE */);
		return verdict(w >= 0, errno);
	}
	if (!strcmp(op, "memfd-sealed-proc"))
		return run_child(do_memfd_sealed_proc, x);
	if (!strcmp(op, "memfd-sealed")) {
		int fd = (int)syscall(SYS_memfd_create, "x", 0x0008u | 0x0001u /* MFD_NOEXEC_SEAL | MFD_CLOEXEC */);
		return verdict(fd >= 0, errno);
	}
	if (!strcmp(op, "memfd-exec-flag")) {
		int fd = (int)syscall(SYS_memfd_create, "x", 0x0010u /* MFD_EXEC */);
		return verdict(fd >= 0, errno);
	}
	if (!strcmp(op, "fork"))
		return in_child(child_ok);
	return 2;
}
