/*
 * proxy_main.c: `sbx-proxy`, the egress proxy on its own: what the tests
 * drive directly, and what a platform's runner (macOS: docs/macos.md)
 * starts before the sandboxed program.
 *
 *   sbx-proxy --rules FILE [--hosts FILE] [--listen HOST:PORT] [--log]
 *
 * FILE's `proxy ...` lines are the rules (a NAME.landlock artifact is such
 * a file; other lines are skipped). The port it listens on is printed on
 * stdout, one line, once it accepts. Timeouts and limits come from
 * SBX_PROXY_HEADER_MS, SBX_PROXY_IDLE_MS, SBX_PROXY_MAX_CONNS and
 * SBX_PROXY_MAX_HEADER. It serves until killed or until stdin is closed
 * when --stdin-stop is given.
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char usage[] =
	"usage: sbx-proxy --rules FILE [--hosts FILE] [--listen HOST:PORT] [--log] [--stdin-stop]\n"
	"The sandbox's egress proxy (HTTP CONNECT, absolute-form HTTP, SOCKS5) deciding each\n"
	"request with FILE's `proxy` lines; prints the port it listens on.\n";

/* HOST:PORT ("127.0.0.1:0", "[::1]:0"): prints the port once listening. */
static int listen_on(const char *spec)
{
	char host[128];
	const char *colon = strrchr(spec, ':');
	if (!colon || (size_t)(colon - spec) >= sizeof host)
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = 0;
	PxAddr a;
	char *end = NULL;
	long port = strtol(colon + 1, &end, 10);
	if (!px_parse_addr(host, &a) || !colon[1] || *end || port < 0 || port > 65535)
		return -1;
	uint16_t bound = 0;
	int fd = px_listen(&a, (uint16_t)port, &bound);
	if (fd >= 0) {
		printf("%u\n", bound);
		fflush(stdout);
	}
	return fd;
}

int main(int argc, char **argv)
{
	const char *rules = NULL, *hosts = NULL, *listen_spec = "127.0.0.1:0";
	bool log = false, stdin_stop = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc)
			rules = argv[++i];
		else if (strcmp(argv[i], "--hosts") == 0 && i + 1 < argc)
			hosts = argv[++i];
		else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen_spec = argv[++i];
		else if (strcmp(argv[i], "--log") == 0)
			log = true;
		else if (strcmp(argv[i], "--stdin-stop") == 0)
			stdin_stop = true;
		else if (strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		} else {
			fputs(usage, stderr);
			return SBX_EXIT_USAGE;
		}
	}
	if (!rules) {
		fputs(usage, stderr);
		return SBX_EXIT_USAGE;
	}
	PxPolicy pol = { 0 };
	PxHosts h = { 0 };
	PxConfig cf;
	px_config_defaults(&cf);
	RtBuf err = { 0 };
	int status = SBX_EXIT_CANNOT_ENFORCE;
	if (!px_rules_load(rules, &pol, &err)) {
		fprintf(stderr, "sbx-proxy: %s\n", err.p);
		goto out;
	}
	if (hosts && !px_hosts_load(hosts, &h, &err)) {
		fprintf(stderr, "sbx-proxy: %s\n", err.p);
		goto out;
	}
	if (!px_config_env(&cf, &err)) {
		fprintf(stderr, "sbx-proxy: %s\n", err.p);
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	cf.policy = &pol;
	cf.hosts = hosts ? &h : NULL;
	cf.log_fd = log ? 2 : -1;
	cf.stop_fd = stdin_stop ? 0 : -1;
	cf.listen_fd = listen_on(listen_spec);
	if (cf.listen_fd < 0) {
		fprintf(stderr, "sbx-proxy: cannot listen on %s: %s\n", listen_spec, strerror(errno));
		goto out;
	}
	status = px_run(&cf) == 0 ? 0 : 1;
	close(cf.listen_fd);
out:
	px_policy_free(&pol);
	px_hosts_free(&h);
	free(err.p);
	return status;
}
