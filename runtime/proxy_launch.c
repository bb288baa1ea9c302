/*
 * proxy_launch.c: start the egress proxy for sbx_exec (proxy.h).
 *
 * Called once the artifact is read and before any of the sandbox is
 * applied. When the artifact has `proxy` lines:
 *   1. listen on 127.0.0.1, an ephemeral port, before forking, so the
 *      program can connect as soon as it runs;
 *   2. fork: the child is the proxy, outside the sandbox the parent is
 *      about to apply (it must resolve and connect where the program may
 *      not). A second fork detaches it from the program; it ends when the
 *      program's process does (a pidfd it polls), keeps only the listening
 *      socket (and stderr with SBX_PROXY_LOG=1), and gives up writing and
 *      executing files (Landlock, where the kernel has it);
 *   3. the parent allows TCP connect to that port (Landlock's port rule),
 *      sets HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and their lower-case forms,
 *      and NO_PROXY to the hosts address rules allow directly (nothing
 *      else: a NO_PROXY inherited from the caller is replaced).
 * Test and tuning settings come from the caller's environment and are
 * removed before the program runs: SBX_PROXY_HOSTS (a hosts file used
 * instead of the system's resolver), SBX_PROXY_LOG=1 (one line per
 * request on stderr; `--log FILE|-` sends the same lines there), SBX_PROXY_HEADER_MS, _IDLE_MS, _MAX_CONNS,
 * _MAX_HEADER.
 */
#include "proxy.h"
#include "ll_abi.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The proxy may read (the resolver's files) but not write or execute. */
static void confine_proxy(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1u);
	if (abi < 1)
		return;
	struct ll_ruleset_attr attr = { 0 };
#define X(N, s, bit, a, f)                                                   \
	if ((a) <= abi && ((1ull << (bit)) & (LL_LANG_WRITE | LL_LANG_EXEC))) \
		attr.handled_access_fs |= 1ull << (bit);
	LL_FS_RIGHTS(X)
#undef X
	int rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, 8, 0);
	if (rfd < 0)
		return;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
		syscall(SYS_landlock_restrict_self, rfd, 0);
	close(rfd);
}

/* The first child: a second fork detaches the proxy from the program (no
 * extra child for it to reap or wait for); the proxy ends when the program
 * does, which it learns from a pidfd (the parent-death signal would come
 * from inside the sandbox, and Landlock's signal scope stops it there). */
static _Noreturn void proxy_child(int lfd, pid_t parent, const PxPolicy *pol, const PxHosts *hosts, bool log,
				  const char *log_path, const PxConfig *base)
{
	int pfd = (int)syscall(SYS_pidfd_open, parent, 0);
	if (pfd < 0 || getppid() != parent)
		_exit(1);
	pid_t pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (!log)
			dup2(null, 2);
	}
	/* --log FILE: the proxy's lines go where the supervisor's do (opened
	 * here, before the proxy gives up writing files). */
	if (log_path && strcmp(log_path, "-") != 0) {
		int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(1);
		close(fd);
	}
	/* Keep 0-2, the listening socket and the pidfd. */
	int lo = lfd < pfd ? lfd : pfd, hi = lfd < pfd ? pfd : lfd;
	if (lo > 3)
		syscall(SYS_close_range, 3, lo - 1, 0);
	if (hi > lo + 1)
		syscall(SYS_close_range, lo + 1, hi - 1, 0);
	syscall(SYS_close_range, hi + 1, ~0u, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN); /* the terminal's ^C is for the program; the proxy ends with it */
	setsid();
	confine_proxy();
	PxConfig cf = *base;
	cf.policy = pol;
	cf.hosts = hosts;
	cf.listen_fd = lfd;
	cf.log_fd = log ? 2 : -1;
	cf.stop_fd = pfd;
	_exit(px_run(&cf) == 0 ? 0 : 1);
}

int px_launch(LlArtifact *a, const SbxOpts *o, RtReport *rep)
{
	if (!a->proxy || a->proxy->n == 0)
		return 0;
	if (o->dry_run) {
		rt_note(rep, RT_ENFORCED, "egress proxy: %d rules; would listen on 127.0.0.1 (an ephemeral port) "
					  "and set HTTPS_PROXY, HTTP_PROXY, ALL_PROXY",
			a->proxy->n);
		return 0;
	}
	PxConfig cf;
	px_config_defaults(&cf);
	RtBuf err = { 0 };
	PxHosts hosts = { 0 };
	const char *hf = getenv("SBX_PROXY_HOSTS");
	const char *lg = getenv("SBX_PROXY_LOG");
	bool log = (lg && strcmp(lg, "1") == 0) || o->log;
	if (!px_config_env(&cf, &err) || (hf && *hf && !px_hosts_load(hf, &hosts, &err))) {
		rt_note(rep, RT_ERROR, "egress proxy: %s", err.p);
		free(err.p);
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	free(err.p);
	uint16_t port = 0;
	PxAddr lo = { .family = AF_INET, .a = { 127, 0, 0, 1 } };
	int lfd = px_listen(&lo, 0, &port);
	if (lfd < 0) {
		rt_note(rep, RT_ERROR, "egress proxy: cannot listen on 127.0.0.1: %s", strerror(errno));
		px_hosts_free(&hosts);
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		rt_note(rep, RT_ERROR, "egress proxy: fork: %s", strerror(errno));
		close(lfd);
		px_hosts_free(&hosts);
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	if (pid == 0)
		proxy_child(lfd, parent, a->proxy, hf && *hf ? &hosts : NULL, log, o->log, &cf);
	close(lfd);
	px_hosts_free(&hosts);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		rt_note(rep, RT_ERROR, "egress proxy: could not be started (pidfd_open or fork failed)");
		return SBX_EXIT_CANNOT_ENFORCE;
	}

	if (a->connect.handled) {
		LlPortRange *r = RT_PUSH(a->connect.v, a->connect.n, a->connect.cap);
		r->lo = r->hi = port;
	}
	/* The supervisor decides TCP connects by address: the proxy's own
	 * address and port, exactly, is allowed (more specific than any rule
	 * of the policy, whose ports it never knew). */
	if (a->sup & SUP_CONNECT_TCP) {
		LlSupRule *s = RT_PUSH(a->suprules, a->nsup, a->capsup);
		memset(s, 0, sizeof *s);
		s->which = SUP_CONNECT_TCP;
		s->allow = true;
		s->host = SUPH_IP4;
		s->prefix = 32;
		s->addr[0] = 127;
		s->addr[3] = 1;
		s->lo = s->hi = port;
		s->where = rt_strdup("the egress proxy");
	}
	RtBuf np = { 0 };
	px_set_env(a->proxy, port, &np);
	rt_note(rep, RT_ENFORCED,
		"egress proxy on 127.0.0.1:%u (pid %d, %d rules%s): HTTPS_PROXY, HTTP_PROXY, ALL_PROXY set; NO_PROXY=%s",
		port, (int)pid, a->proxy->n, hf && *hf ? ", test hosts file" : "", np.n ? np.p : "(empty)");
	free(np.p);
	return 0;
}
