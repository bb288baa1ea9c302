/*
 * proxy_start.c: what every launcher of the egress proxy does the same way
 * (proxy.h): the rules from an artifact, the listening socket, and the
 * variables that point the program at it. Used by proxy_launch.c (sbx-exec
 * and `sbxc run` on Linux), proxy_main.c (sbx-proxy) and seatbelt_run.c
 * (sbx-seatbelt, the macOS runner). Portable: no Linux-only call.
 */
#include "proxy.h"
#include "proxy_os.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool px_rules_load(const char *path, PxPolicy *p, RtBuf *err)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		rt_printf(err, "%s: %s", path, strerror(errno));
		return false;
	}
	char *line = NULL;
	size_t cap = 0;
	int ln = 0;
	bool ok = true;
	while (ok && getline(&line, &cap, f) >= 0) {
		ln++;
		if (strncmp(line, "proxy ", 6) != 0)
			continue;
		RtBuf e = { 0 };
		if (!px_rule_parse(line + 6, p, &e)) {
			rt_printf(err, "%s:%d: %s", path, ln, e.p);
			ok = false;
		}
		free(e.p);
	}
	free(line);
	fclose(f);
	return ok;
}

int px_listen(const PxAddr *a, uint16_t port, uint16_t *bound)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	if (a->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		memcpy(&s->sin_addr, a->a, 4);
		sl = sizeof *s;
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		memcpy(&s->sin6_addr, a->a, 16);
		sl = sizeof *s;
	}
	int fd = px_socket_nb(a->family), one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 4096) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	*bound = ntohs(a->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					    : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* NO_PROXY: the hosts of address allows that name one address or range. */
static void no_proxy(const PxPolicy *p, RtBuf *out)
{
	rt_puts(out, "");
	for (int i = 0; i < p->n; i++) {
		const PxRule *r = &p->v[i];
		if (!r->allow || (r->kind != PX_IP4 && r->kind != PX_IP6))
			continue;
		char h[128];
		snprintf(h, sizeof h, "%s", r->host);
		char *s = h, *rb = strchr(h, ']');
		if (*s == '[' && rb) { /* [::1]/64 -> ::1/64 */
			memmove(rb, rb + 1, strlen(rb + 1) + 1);
			s++;
		}
		if (strstr(out->p, s))
			continue;
		rt_printf(out, "%s%s", out->n ? "," : "", s);
	}
}

static const char *const settings[] = { "SBX_PROXY_HOSTS",     "SBX_PROXY_LOG",       "SBX_PROXY_HEADER_MS",
					"SBX_PROXY_IDLE_MS",   "SBX_PROXY_MAX_CONNS", "SBX_PROXY_MAX_HEADER" };

void px_set_env(const PxPolicy *p, uint16_t port, RtBuf *no_proxy_out)
{
	char url[64];
	static const char *const http_vars[] = { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy" };
	snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
	for (size_t i = 0; i < ARRAY_N(http_vars); i++)
		setenv(http_vars[i], url, 1);
	snprintf(url, sizeof url, "socks5h://127.0.0.1:%u", port);
	setenv("ALL_PROXY", url, 1);
	setenv("all_proxy", url, 1);
	no_proxy(p, no_proxy_out);
	setenv("NO_PROXY", no_proxy_out->p, 1);
	setenv("no_proxy", no_proxy_out->p, 1);
	for (size_t i = 0; i < ARRAY_N(settings); i++)
		unsetenv(settings[i]);
}
