/*
 * proxy_os.h: the few calls of the egress proxy that differ between Linux
 * and the other systems it runs on (macOS, through sbx-seatbelt).
 *
 * Linux has accept4, SOCK_NONBLOCK, pipe2 and splice(2); elsewhere the
 * same is fcntl(2) after the call, and tunnels move their bytes through
 * the 64 KiB user-space buffers (proxy.c's fallback when pipes fail).
 * PX_PORTABLE selects the second form on Linux too: ninja builds
 * build/portable/ that way, and tests/proxy runs the proxy's protocol and
 * limit tests against it, so the code macOS compiles is the code tested.
 */
#ifndef SBX_PROXY_OS_H
#define SBX_PROXY_OS_H

#include <fcntl.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__linux__) && !defined(PX_PORTABLE)
#define PX_SPLICE 1
static inline int px_socket_nb(int family)
{
	return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}
static inline int px_accept_nb(int lfd)
{
	return accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
static inline int px_pipe(int p[2], bool nonblock)
{
	return pipe2(p, O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));
}
#else
#define PX_SPLICE 0
/* fd gets close-on-exec (and O_NONBLOCK when asked); closed on failure. */
static inline int px_fd_flags(int fd, bool nonblock)
{
	if (fd < 0)
		return -1;
	int fl = fcntl(fd, F_GETFL);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || fl < 0 || (nonblock && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}
static inline int px_socket_nb(int family)
{
	return px_fd_flags(socket(family, SOCK_STREAM, 0), true);
}
static inline int px_accept_nb(int lfd)
{
	return px_fd_flags(accept(lfd, NULL, NULL), true);
}
static inline int px_pipe(int p[2], bool nonblock)
{
	if (pipe(p) < 0)
		return -1;
	if (px_fd_flags(p[0], nonblock) < 0) {
		close(p[1]);
		return -1;
	}
	if (px_fd_flags(p[1], nonblock) < 0) {
		close(p[0]);
		return -1;
	}
	return 0;
}
#endif

/* macOS has no MSG_NOSIGNAL: the proxy ignores SIGPIPE everywhere. */
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#endif
