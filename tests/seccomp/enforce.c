/*
 * enforce.c: load a seccomp blob in this process (no_new_privs, then
 * seccomp(SECCOMP_SET_MODE_FILTER)) exactly as the runtime does, make a
 * fixed list of calls and print what each returned. tests/seccomp/run.sh
 * runs it in a child per policy and compares the output with a golden file.
 *   enforce BLOB.bpf explicit|derived
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ENOTCONN: return "ENOTCONN";
	case EPIPE: return "EPIPE";
	case EFAULT: return "EFAULT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return "other";
	}
}

/* One call; prints "label: ok" or "label: ERRNO". Descriptors are closed. */
static void call(const char *label, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	errno = 0;
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);
	int e = r < 0 ? errno : 0;
	printf("%s: %s\n", label, ename(e));
	fflush(stdout);
	if (r >= 0 && (nr == SYS_socket))
		close((int)r);
}

static void *thread_main(void *arg) { return arg; }

int main(int argc, char **argv)
{
	if (argc != 3)
		return 64;
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return perror(argv[1]), 1;
	static struct sock_filter insns[4096];
	size_t n = fread(insns, sizeof insns[0], 4096, f);
	fclose(f);
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = insns };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return perror("no_new_privs"), 1;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		return perror("seccomp"), 1;
	bool derived = !strcmp(argv[2], "derived");
	call("getpid", SYS_getpid, 0, 0, 0, 0, 0, 0);
	call("socket-unix", SYS_socket, AF_UNIX, SOCK_STREAM, 0, 0, 0, 0);
	call("socket-inet-tcp", SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0);
	call("socket-inet6-tcp-nonblock", SYS_socket, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0, 0, 0);
	call("socket-vsock", SYS_socket, 40, SOCK_STREAM, 0, 0, 0, 0);
	/* the high half is junk to the kernel: this is AF_VSOCK */
	call("socket-vsock-high-bits", SYS_socket, 0x100000028L, SOCK_STREAM, 0, 0, 0, 0);
	call("socket-mptcp", SYS_socket, AF_INET, SOCK_STREAM, 262, 0, 0, 0);
	call("socket-sctp", SYS_socket, AF_INET, SOCK_STREAM, 132, 0, 0, 0);
	call("socket-udp", SYS_socket, AF_INET, SOCK_DGRAM, 0, 0, 0, 0);
	/* TCP Fast Open: a send that connects; fd -1 so nothing leaves the host */
	call("sendto-fastopen", SYS_sendto, -1, 0, 0, 0x20000000, 0, 0);
	call("sendto-plain", SYS_sendto, -1, 0, 0, 0, 0, 0);
	call("mount", SYS_mount, 0, 0, 0, 0, 0, 0);
	call("clone3", SYS_clone3, 0, 0, 0, 0, 0, 0);
	if (derived) {
		call("fork", SYS_fork, 0, 0, 0, 0, 0, 0);
		call("ptrace", SYS_ptrace, 0, 0, 0, 0, 0, 0);
		call("bpf", SYS_bpf, 0, 0, 0, 0, 0, 0);
		call("io_uring_setup", SYS_io_uring_setup, 0, 0, 0, 0, 0, 0);
		call("execve", SYS_execve, 0, 0, 0, 0, 0, 0);
	}
	call("past-the-table", 1000, 0, 0, 0, 0, 0, 0);
	pthread_t t;
	int e = pthread_create(&t, NULL, thread_main, NULL);
	printf("pthread_create: %s\n", ename(e));
	if (!e)
		pthread_join(t, NULL);
	fflush(stdout);
	return 0;
}
