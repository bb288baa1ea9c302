/*
 * seatbelt_run.c: `sbx-seatbelt`, the macOS runner: host names through the
 * egress proxy for a Seatbelt profile (docs/macos.md "Host names").
 *
 *   sbx-seatbelt [--log FILE|-] [-D NAME=VALUE]... NAME.sb -- COMMAND [ARGS]
 *
 * A profile compiled from a policy with host-name rules allows TCP only to
 * `localhost:PORT` for them, with PORT the profile's `SBX_PROXY_PORT`
 * param, and the compiler writes the rules beside it as NAME.proxy. This
 * runner starts the proxy (the same code as on Linux: proxy.c,
 * proxy_policy.c, proxy_dns.c, proxy_start.c) on 127.0.0.1 and an
 * ephemeral port, points the program at it (HTTPS_PROXY, HTTP_PROXY,
 * ALL_PROXY, NO_PROXY), and execs
 *
 *   sandbox-exec -f NAME.sb -D SBX_PROXY_PORT=PORT [-D NAME=VALUE]... COMMAND
 *
 * Without NAME.proxy it only execs sandbox-exec. Applied with plain
 * sandbox-exec, such a profile stops at the missing param (fails closed).
 *
 * The proxy is a detached process of its own; it ends when the program and
 * every process that inherited a pipe's write end from it have exited (one
 * descriptor the program sees: closing it ends the proxy early, which only
 * the program itself loses). Nothing here is macOS-only except the
 * sandbox-exec it runs: SBX_SANDBOX_EXEC names another program instead
 * (tests run this runner on Linux with a stand-in), and ninja builds it
 * with PX_PORTABLE (runtime/proxy_os.h), the calls macOS has.
 * Settings: SBX_PROXY_HOSTS, SBX_PROXY_LOG=1, SBX_PROXY_*_MS, _MAX_* as
 * for sbx-exec (proxy_launch.c); all removed before the command runs.
 */
#include "proxy.h"
#include "proxy_os.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"usage: sbx-seatbelt [--log FILE|-] [-D NAME=VALUE]... NAME.sb -- COMMAND [ARGS]\n"
	"Runs COMMAND under the Seatbelt profile NAME.sb with sandbox-exec; when NAME.proxy\n"
	"is beside it, first starts the egress proxy for the profile's host names and passes\n"
	"its port as -D SBX_PROXY_PORT.\n";

static const char *prog = "sbx-seatbelt";
/* Kept for the process's life (and reachable: the leak checker of the
 * ASan build runs at every exit). */
static char **defs, **av;
static char *sx_own;

static _Noreturn void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static _Noreturn void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

/* NAME.sb -> NAME.proxy (NULL when the profile is not named *.sb). */
static char *proxy_path(const char *profile)
{
	size_t n = strlen(profile);
	if (n < 4 || strcmp(profile + n - 3, ".sb") != 0)
		return NULL;
	char *p = rt_alloc(n + 4);
	memcpy(p, profile, n - 3);
	memcpy(p + n - 3, ".proxy", 7);
	return p;
}

/* The proxy's process: detached (a second fork), with only 0-2, the
 * listening socket and the stop pipe's read end. */
static _Noreturn void proxy_child(const PxConfig *base, int keep_a, int keep_b, int log_fd)
{
	pid_t pid = fork();
	if (pid != 0)
		_exit(pid < 0 ? 1 : 0);
	setsid();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN); /* the terminal's ^C is for the program; the proxy ends with it */
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(log_fd >= 0 ? log_fd : null, 2);
	}
	struct rlimit rl;
	int top = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536 ? (int)rl.rlim_cur : 65536;
	for (int fd = 3; fd < top; fd++)
		if (fd != keep_a && fd != keep_b)
			close(fd);
	PxConfig cf = *base;
	cf.log_fd = log_fd >= 0 ? 2 : -1;
	_exit(px_run(&cf) == 0 ? 0 : 1);
}

int main(int argc, char **argv)
{
	const char *log = NULL, *profile = NULL;
	defs = rt_alloc(sizeof *defs * (size_t)(argc + 1));
	int ndefs = 0, i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc)
			log = argv[++i];
		else if (strcmp(argv[i], "-D") == 0 && i + 1 < argc) {
			const char *d = argv[++i], *eq = strchr(d, '=');
			if (!eq || eq == d)
				die(SBX_EXIT_USAGE, "-D %s: want NAME=VALUE", d);
			if (strncmp(d, "SBX_PROXY_PORT=", 15) == 0)
				die(SBX_EXIT_USAGE, "-D %s: SBX_PROXY_PORT is the runner's own", d);
			defs[ndefs++] = argv[i];
		} else if (argv[i][0] == '-' && strcmp(argv[i], "--") != 0) {
			fputs(usage, stderr);
			return SBX_EXIT_USAGE;
		} else
			break;
	}
	if (i < argc && strcmp(argv[i], "--") != 0)
		profile = argv[i++];
	if (!profile || i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
		fputs(usage, stderr);
		return SBX_EXIT_USAGE;
	}
	char **cmd = argv + i + 1;
	int ncmd = argc - i - 1;
	const char *sx = getenv("SBX_SANDBOX_EXEC");
	sx = sx && *sx ? (sx_own = rt_strdup(sx)) : "/usr/bin/sandbox-exec";
	unsetenv("SBX_SANDBOX_EXEC");

	char port_def[40] = "";
	char *pp = proxy_path(profile);
	struct stat st;
	if (pp && stat(pp, &st) == 0) {
		PxPolicy pol = { 0 };
		PxHosts hosts = { 0 };
		PxConfig cf;
		px_config_defaults(&cf);
		RtBuf err = { 0 };
		const char *hf = getenv("SBX_PROXY_HOSTS"), *lg = getenv("SBX_PROXY_LOG");
		if (!px_rules_load(pp, &pol, &err) || !px_config_env(&cf, &err) ||
		    (hf && *hf && !px_hosts_load(hf, &hosts, &err)))
			die(SBX_EXIT_CANNOT_ENFORCE, "egress proxy: %s", err.p);
		if (pol.n == 0)
			die(SBX_EXIT_CANNOT_ENFORCE, "egress proxy: %s has no proxy rules", pp);
		int log_fd = -1;
		if (log && strcmp(log, "-") != 0) {
			log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
			if (log_fd < 0)
				die(SBX_EXIT_CANNOT_ENFORCE, "--log %s: %s", log, strerror(errno));
		} else if (log || (lg && strcmp(lg, "1") == 0))
			log_fd = 2;
		uint16_t port = 0;
		PxAddr lo = { .family = AF_INET, .a = { 127, 0, 0, 1 } };
		int lfd = px_listen(&lo, 0, &port);
		int stop[2];
		if (lfd < 0)
			die(SBX_EXIT_CANNOT_ENFORCE, "egress proxy: cannot listen on 127.0.0.1: %s", strerror(errno));
		if (px_pipe(stop, false) < 0)
			die(SBX_EXIT_CANNOT_ENFORCE, "egress proxy: pipe: %s", strerror(errno));
		cf.policy = &pol;
		cf.hosts = hf && *hf ? &hosts : NULL;
		cf.listen_fd = lfd;
		cf.stop_fd = stop[0];
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0)
			die(SBX_EXIT_CANNOT_ENFORCE, "egress proxy: fork: %s", strerror(errno));
		if (pid == 0) {
			close(stop[1]);
			proxy_child(&cf, lfd, stop[0], log_fd);
		}
		int ws = 0;
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
			die(SBX_EXIT_CANNOT_ENFORCE, "egress proxy: could not be started");
		close(lfd);
		close(stop[0]);
		if (log_fd > 2)
			close(log_fd);
		/* The program keeps the write end: the proxy lives while it does. */
		if (fcntl(stop[1], F_SETFD, 0) < 0)
			die(SBX_EXIT_CANNOT_ENFORCE, "egress proxy: fcntl: %s", strerror(errno));
		RtBuf np = { 0 };
		px_set_env(&pol, port, &np);
		snprintf(port_def, sizeof port_def, "SBX_PROXY_PORT=%u", port);
		free(np.p);
		free(err.p);
	} else if (pp && errno != ENOENT)
		die(SBX_EXIT_CANNOT_ENFORCE, "%s: %s", pp, strerror(errno));
	free(pp);

	av = rt_alloc(sizeof *av * (size_t)(6 + 2 * ndefs + ncmd));
	int n = 0;
	av[n++] = "sandbox-exec";
	av[n++] = "-f";
	av[n++] = (char *)profile;
	if (port_def[0]) {
		av[n++] = "-D";
		av[n++] = port_def;
	}
	for (int k = 0; k < ndefs; k++) {
		av[n++] = "-D";
		av[n++] = defs[k];
	}
	for (int k = 0; k < ncmd; k++)
		av[n++] = cmd[k];
	av[n] = NULL;
	execv(sx, av);
	int e = errno;
	free(av);
	errno = e;
	die(e == ENOENT ? SBX_EXIT_CANNOT_EXEC : SBX_EXIT_CANNOT_ENFORCE, "%s: %s", sx, strerror(e));
}
