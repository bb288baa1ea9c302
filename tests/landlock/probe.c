/*
 * probe.c: attempt one operation and say whether the sandbox let it through.
 *
 *   probe OP ARGS...   prints "allow" or "deny ERRNO" and exits 0 or 1
 *                      (2: bad usage or the test itself is broken)
 *
 * "allow" means the operation passed the sandbox: a refused TCP connection
 * (nobody listening) still reached the network stack, so it counts as
 * allowed; EACCES/EPERM and failures to create the socket at all are
 * denials. Operations:
 *   read PATH | write PATH | create PATH | mkdir PATH | unlink PATH |
 *   rename FROM TO | truncate PATH | exec PATH |
 *   connect-tcp PORT | bind-tcp PORT | udp-send PORT | mptcp-connect PORT |
 *   tfo PORT | abstract-connect NAME | unix-connect PATH |
 *   signal PID | signal-self | ptrace PID | ptrace-child | fork
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stddef.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
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

/* Network errors that mean the operation got past the sandbox. */
static int reached(int err)
{
	return err == ECONNREFUSED || err == EADDRINUSE || err == ETIMEDOUT || err == EINPROGRESS ||
	       err == ENETUNREACH || err == EHOSTUNREACH;
}

static struct sockaddr_in loopback(const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int net_op(int domain, int type, int proto, const char *port, int how)
{
	int s = socket(domain, type, proto);
	if (s < 0)
		return verdict(0, errno);
	struct sockaddr_in a = loopback(port);
	int r;
	if (how == 0)
		r = connect(s, (struct sockaddr *)&a, sizeof a);
	else if (how == 1)
		r = bind(s, (struct sockaddr *)&a, sizeof a);
	else
		r = (int)sendto(s, "x", 1, how == 2 ? 0 : MSG_FASTOPEN, (struct sockaddr *)&a, sizeof a);
	int e = errno;
	close(s);
	return verdict(r >= 0 || reached(e), e);
}

static int unix_connect(const char *name, int abstract)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		return verdict(0, errno);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	if (n + 2 > sizeof a.sun_path)
		return 2;
	memcpy(a.sun_path + (abstract ? 1 : 0), name, n);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (abstract ? 1 : 1));
	int r = connect(s, (struct sockaddr *)&a, len);
	int e = errno;
	close(s);
	return verdict(r == 0 || e == ECONNREFUSED, e);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *op = argv[1], *x = argc > 2 ? argv[2] : "", *y = argc > 3 ? argv[3] : "";
	int r, fd;
	if (!strcmp(op, "read")) {
		fd = open(x, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return verdict(0, errno);
		struct stat sb;
		fstat(fd, &sb);
		if (S_ISDIR(sb.st_mode)) {
			DIR *d = fdopendir(fd);
			if (!d)
				return verdict(0, errno);
			errno = 0;
			struct dirent *e = readdir(d);
			return verdict(e != NULL, errno);
		}
		char b[16];
		r = (int)read(fd, b, sizeof b);
		return r >= 0 ? verdict(1, 0) : verdict(0, errno);
	}
	if (!strcmp(op, "write")) {
		fd = open(x, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0)
			return verdict(0, errno);
		r = (int)write(fd, "", 0);
		return verdict(r == 0, errno);
	}
	if (!strcmp(op, "create")) {
		fd = open(x, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		return fd >= 0 ? verdict(1, 0) : verdict(0, errno);
	}
	/* errno is read after the call: argument order is unspecified. */
	if (!strcmp(op, "mkdir")) {
		r = mkdir(x, 0700);
		return verdict(r == 0, errno);
	}
	if (!strcmp(op, "unlink")) {
		r = unlink(x);
		return verdict(r == 0, errno);
	}
	if (!strcmp(op, "rename")) {
		r = rename(x, y);
		return verdict(r == 0, errno);
	}
	if (!strcmp(op, "truncate")) {
		r = truncate(x, 0);
		return verdict(r == 0, errno);
	}
	if (!strcmp(op, "exec")) {
		/* The program run must print "allow" itself (the suite execs the probe). */
		char *args[] = { (char *)x, (char *)"signal-self", NULL };
		execv(x, args);
		return verdict(0, errno);
	}
	if (!strcmp(op, "connect-tcp"))
		return net_op(AF_INET, SOCK_STREAM, 0, x, 0);
	if (!strcmp(op, "bind-tcp"))
		return net_op(AF_INET, SOCK_STREAM, 0, x, 1);
	if (!strcmp(op, "udp-send"))
		return net_op(AF_INET, SOCK_DGRAM, 0, x, 2);
	if (!strcmp(op, "mptcp-connect"))
		return net_op(AF_INET, SOCK_STREAM, IPPROTO_MPTCP, x, 0);
	if (!strcmp(op, "tfo"))
		return net_op(AF_INET, SOCK_STREAM, 0, x, 3);
	if (!strcmp(op, "abstract-connect"))
		return unix_connect(x, 1);
	if (!strcmp(op, "unix-connect"))
		return unix_connect(x, 0);
	if (!strcmp(op, "signal")) {
		r = kill((pid_t)atoi(x), SIGCONT);
		return verdict(r == 0, errno);
	}
	if (!strcmp(op, "signal-self")) {
		r = kill(getpid(), SIGCONT);
		return verdict(r == 0, errno);
	}
	if (!strcmp(op, "ptrace")) {
		pid_t p = (pid_t)atoi(x);
		r = (int)ptrace(PTRACE_SEIZE, p, 0, 0);
		int e = errno;
		if (r == 0)
			ptrace(PTRACE_DETACH, p, 0, 0);
		return verdict(r == 0, e);
	}
	if (!strcmp(op, "fork") || !strcmp(op, "ptrace-child")) {
		pid_t p = fork();
		if (p < 0)
			return verdict(0, errno);
		if (p == 0) {
			if (!strcmp(op, "ptrace-child"))
				pause();
			_exit(0);
		}
		int ok = 1, e = 0;
		if (!strcmp(op, "ptrace-child")) {
			ok = ptrace(PTRACE_SEIZE, p, 0, 0) == 0;
			e = errno;
			kill(p, SIGKILL);
		}
		waitpid(p, NULL, 0);
		return verdict(ok, e);
	}
	fprintf(stderr, "probe: unknown operation %s\n", op);
	return 2;
}
