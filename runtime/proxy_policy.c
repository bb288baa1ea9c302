/*
 * proxy_policy.c: the proxy's rules (the artifact's `proxy` lines), the
 * decision of LANGUAGE.md 6 for a TCP connection by name or by address,
 * the resolver (getaddrinfo, or a hosts file for tests), the HOST:PORT
 * of a request, and the proxy's settings.
 *
 * Specificity, as in the compiler's evaluator (ir/eval.c): hosts first
 * (an exact name 1000 beats `*.suffix` 1 + the suffix's length; an exact
 * address 1000 beats a CIDR 1 + prefix beats `*` 0), then ports (exact 2 >
 * range 1 > `*` 0); `net` rules rank below every endpoint; between equal
 * ones deny wins; nothing matching is a deny.
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* ---- the rules' text ---- */

static const char *skip_sp(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* The next word (up to a space or the end), at most n-1 bytes. */
static bool px_word(const char **s, char *w, size_t n)
{
	const char *p = skip_sp(*s);
	size_t i = 0;
	while (*p && *p != ' ' && *p != '\n') {
		if (i + 1 >= n)
			return false;
		w[i++] = *p++;
	}
	w[i] = 0;
	*s = p;
	return i > 0;
}

static bool num(const char *s, unsigned long max, unsigned long *out)
{
	if (!*s || strlen(s) > 5)
		return false;
	unsigned long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool px_name_ok(char *name)
{
	size_t n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		name[--n] = 0;
	if (n == 0 || n > 253)
		return false;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c >= 'A' && c <= 'Z')
			name[i] = (char)(c - 'A' + 'a');
		else if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

bool px_parse_addr(const char *s, PxAddr *a)
{
	char buf[64];
	size_t n = strlen(s);
	if (n >= sizeof buf)
		return false;
	memset(a, 0, sizeof *a);
	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']')
			return false;
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = 0;
		a->family = AF_INET6;
		return inet_pton(AF_INET6, buf, a->a) == 1;
	}
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (strchr(s, ':') && inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

void px_addr_text(const PxAddr *a, char *out, size_t n)
{
	char t[INET6_ADDRSTRLEN];
	if (!inet_ntop(a->family, a->a, t, sizeof t))
		snprintf(t, sizeof t, "?");
	snprintf(out, n, a->family == AF_INET6 ? "[%s]" : "%s", t);
}

static void clear_host_bits(uint8_t *addr, int bytes, int prefix)
{
	for (int i = 0; i < bytes * 8; i++)
		if (i >= prefix)
			addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

static bool parse_host(PxRule *r, const char *h)
{
	if (strcmp(h, "*") == 0) {
		r->kind = PX_ANY;
		return true;
	}
	if (strcmp(h, "net") == 0) {
		r->kind = PX_NET;
		return true;
	}
	char buf[300];
	if (strlen(h) >= sizeof buf)
		return false;
	snprintf(buf, sizeof buf, "%s", h);
	if (buf[0] == '*') {
		if (buf[1] != '.' || !px_name_ok(buf + 2) || strcmp(buf + 2, h + 2) != 0)
			return false;
		r->kind = PX_WILD;
		return true;
	}
	char *slash = strchr(buf, '/');
	long prefix = -1;
	if (slash) {
		unsigned long v;
		if (!num(slash + 1, 128, &v))
			return false;
		prefix = (long)v;
		*slash = 0;
	}
	PxAddr a;
	if (px_parse_addr(buf, &a)) {
		int bits = a.family == AF_INET ? 32 : 128;
		if (prefix > bits)
			return false;
		r->kind = a.family == AF_INET ? PX_IP4 : PX_IP6;
		r->prefix = (uint8_t)(prefix < 0 ? bits : prefix);
		memcpy(r->addr, a.a, 16);
		clear_host_bits(r->addr, bits / 8, r->prefix);
		return true;
	}
	if (slash || !px_name_ok(buf) || strcmp(buf, h) != 0) /* names come lower-cased */
		return false;
	r->kind = PX_NAME;
	return true;
}

static bool parse_port(PxRule *r, char *w)
{
	if (strcmp(w, "*") == 0) {
		r->port_any = true;
		return true;
	}
	unsigned long lo, hi;
	char *dash = strchr(w, '-');
	if (dash) {
		*dash = 0;
		if (!num(w, 65535, &lo) || !num(dash + 1, 65535, &hi) || lo > hi)
			return false;
	} else {
		if (!num(w, 65535, &lo))
			return false;
		hi = lo;
	}
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	return true;
}

bool px_rule_parse(const char *text, PxPolicy *p, RtBuf *err)
{
	char w[300];
	PxRule r = { 0 };
	const char *s = text;
	if (!px_word(&s, w, sizeof w) || (strcmp(w, "allow") != 0 && strcmp(w, "deny") != 0)) {
		rt_puts(err, "proxy: allow or deny expected");
		return false;
	}
	r.allow = w[0] == 'a';
	if (!px_word(&s, w, sizeof w) || !parse_host(&r, w)) {
		rt_puts(err, "proxy: bad host");
		return false;
	}
	r.host = rt_strdup(w);
	if (!px_word(&s, w, sizeof w) || !parse_port(&r, w) || (r.kind == PX_NET && !r.port_any)) {
		free(r.host);
		rt_puts(err, "proxy: bad port");
		return false;
	}
	s = skip_sp(s);
	r.where = rt_unquote(&s);
	s = skip_sp(s);
	if (!r.where || (*s && *s != '\n')) {
		free(r.host);
		free(r.where);
		rt_puts(err, "proxy: quoted place (FILE:LINE) expected at the end");
		return false;
	}
	if (p->n >= 100000) {
		free(r.host);
		free(r.where);
		rt_puts(err, "proxy: too many rules");
		return false;
	}
	*RT_PUSH(p->v, p->n, p->cap) = r;
	return true;
}

void px_policy_free(PxPolicy *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->v[i].host);
		free(p->v[i].where);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

void px_rule_text(const PxRule *r, RtBuf *out)
{
	if (r->kind == PX_NET) {
		rt_printf(out, "%s net", r->allow ? "allow" : "deny");
		return;
	}
	rt_printf(out, "%s connect tcp %s:", r->allow ? "allow" : "deny", r->host);
	if (r->port_any)
		rt_puts(out, "*");
	else if (r->lo == r->hi)
		rt_printf(out, "%u", r->lo);
	else
		rt_printf(out, "%u-%u", r->lo, r->hi);
}

/* ---- the decision ---- */

typedef struct Spec {
	int host, port;
} Spec;

static bool port_ok(const PxRule *r, uint16_t port) { return r->port_any || (port >= r->lo && port <= r->hi); }
static int port_rank(const PxRule *r) { return r->port_any ? 0 : r->lo == r->hi ? 2 : 1; }

static void consider(const PxRule *r, Spec s, const PxRule **best, Spec *bs)
{
	int c = !*best ? 1 : s.host != bs->host ? (s.host > bs->host ? 1 : -1) : s.port != bs->port ? (s.port > bs->port ? 1 : -1) : 0;
	if (c > 0 || (c == 0 && !r->allow && (*best)->allow)) {
		*best = r;
		*bs = s;
	}
}

static PxVerdict verdict(const PxRule *best) { return (PxVerdict){ best && best->allow, best }; }

/* Does name lie strictly beneath suffix ("a.b.example.com" under "example.com")? */
static bool beneath(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);
	return n > s + 1 && name[n - s - 1] == '.' && memcmp(name + n - s, suffix, s) == 0;
}

PxVerdict px_decide_name(const PxPolicy *p, const char *name, uint16_t port, bool *matched)
{
	const PxRule *best = NULL;
	Spec bs = { 0, 0 };
	for (int i = 0; i < p->n; i++) {
		const PxRule *r = &p->v[i];
		if (!port_ok(r, port))
			continue;
		if (r->kind == PX_NAME && strcmp(r->host, name) == 0)
			consider(r, (Spec){ 1000, port_rank(r) }, &best, &bs);
		else if (r->kind == PX_WILD && beneath(name, r->host + 2))
			consider(r, (Spec){ 1 + (int)strlen(r->host + 2), port_rank(r) }, &best, &bs);
	}
	*matched = best != NULL;
	return verdict(best);
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
	for (int i = 0; i < bits; i++)
		if ((a[i / 8] ^ b[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

static PxAddr unmapped(const PxAddr *a)
{
	static const uint8_t pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	PxAddr u = *a;
	if (a->family == AF_INET6 && memcmp(a->a, pre, 12) == 0) {
		memset(&u, 0, sizeof u);
		u.family = AF_INET;
		memcpy(u.a, a->a + 12, 4);
	}
	return u;
}

static bool addr_matches(const PxRule *r, const PxAddr *a)
{
	if (r->kind == PX_IP4)
		return a->family == AF_INET && prefix_eq(r->addr, a->a, r->prefix);
	if (r->kind == PX_IP6)
		return a->family == AF_INET6 && prefix_eq(r->addr, a->a, r->prefix);
	return false;
}

static int addr_rank(const PxRule *r)
{
	int full = r->kind == PX_IP4 ? 32 : 128;
	return r->prefix == full ? 1000 : 1 + r->prefix;
}

/* concrete: only rules with an address or CIDR host. */
static PxVerdict decide_addr(const PxPolicy *p, const PxAddr *a0, uint16_t port, bool concrete)
{
	PxAddr a = unmapped(a0);
	const PxRule *best = NULL;
	Spec bs = { 0, 0 };
	for (int i = 0; i < p->n; i++) {
		const PxRule *r = &p->v[i];
		if (r->kind == PX_ANY && !concrete && port_ok(r, port))
			consider(r, (Spec){ 0, port_rank(r) }, &best, &bs);
		else if (addr_matches(r, &a) && port_ok(r, port))
			consider(r, (Spec){ addr_rank(r), port_rank(r) }, &best, &bs);
	}
	if (!best && !concrete) /* `net` ranks below every endpoint */
		for (int i = 0; i < p->n; i++) {
			const PxRule *r = &p->v[i];
			if (r->kind == PX_NET && (!best || (!r->allow && best->allow)))
				best = r;
		}
	return verdict(best);
}

PxVerdict px_decide_addr(const PxPolicy *p, const PxAddr *a, uint16_t port) { return decide_addr(p, a, port, false); }

PxVerdict px_check_resolved(const PxPolicy *p, const PxAddr *a, uint16_t port)
{
	PxVerdict v = decide_addr(p, a, port, true);
	if (!v.rule)
		v.allow = true; /* no address rule speaks for it: the name rule stands */
	return v;
}

/* ---- the resolver ---- */

enum { HOSTS_MAX = 4096, HOSTS_BYTES = 1 << 20 };

bool px_hosts_load(const char *path, PxHosts *h, RtBuf *err)
{
	memset(h, 0, sizeof *h);
	FILE *f = fopen(path, "re");
	if (!f) {
		rt_printf(err, "proxy hosts file %s: %s", path, strerror(errno));
		return false;
	}
	char line[512];
	long total = 0;
	int ln = 0;
	while (fgets(line, sizeof line, f)) {
		ln++;
		total += (long)strlen(line);
		if (total > HOSTS_BYTES || (!strchr(line, '\n') && !feof(f))) {
			rt_printf(err, "proxy hosts file %s:%d: line too long or file too big", path, ln);
			fclose(f);
			px_hosts_free(h);
			return false;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
		if (!tok)
			continue;
		PxAddr a = { 0 };
		int sleep_ms = 0;
		if (strcmp(tok, "sleep") == 0) {
			char *ms = strtok_r(NULL, " \t\r\n", &save), *end = NULL;
			long v = ms ? strtol(ms, &end, 10) : 0;
			if (!ms || *end || v < 1 || v > 10000) {
				rt_printf(err, "proxy hosts file %s:%d: sleep wants milliseconds (1-10000)", path, ln);
				fclose(f);
				px_hosts_free(h);
				return false;
			}
			sleep_ms = (int)v;
		} else if (!px_parse_addr(tok, &a)) {
			rt_printf(err, "proxy hosts file %s:%d: bad address", path, ln);
			fclose(f);
			px_hosts_free(h);
			return false;
		}
		while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
			if (!px_name_ok(tok) || h->n >= HOSTS_MAX) {
				rt_printf(err, "proxy hosts file %s:%d: bad name or too many", path, ln);
				fclose(f);
				px_hosts_free(h);
				return false;
			}
			struct PxHost *e = RT_PUSH(h->v, h->n, h->cap);
			e->name = rt_strdup(tok);
			e->addr = a;
			e->sleep_ms = sleep_ms;
		}
	}
	fclose(f);
	return true;
}

void px_hosts_free(PxHosts *h)
{
	for (int i = 0; i < h->n; i++)
		free(h->v[i].name);
	free(h->v);
	memset(h, 0, sizeof *h);
}

int px_resolve(const PxHosts *h, const char *name, PxAddr *out, int max)
{
	int n = 0;
	if (h) {
		int sleep_ms = 0;
		for (int i = 0; i < h->n; i++)
			if (strcmp(h->v[i].name, name) == 0) {
				if (h->v[i].sleep_ms)
					sleep_ms = h->v[i].sleep_ms;
				else if (n < max)
					out[n++] = h->v[i].addr;
			}
		if (sleep_ms) {
			struct timespec ts = { sleep_ms / 1000, (long)(sleep_ms % 1000) * 1000000 };
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
		return n;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC }, *res = NULL;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return 0;
	for (struct addrinfo *ai = res; ai && n < max; ai = ai->ai_next) {
		PxAddr a = { 0 };
		if (ai->ai_family == AF_INET) {
			a.family = AF_INET;
			memcpy(a.a, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, 4);
		} else if (ai->ai_family == AF_INET6) {
			a.family = AF_INET6;
			memcpy(a.a, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, 16);
		} else
			continue;
		out[n++] = unmapped(&a);
	}
	freeaddrinfo(res);
	return n;
}

/* ---- a request's HOST:PORT ---- */

/* host[:port] (host may be [v6]); default_port 0: the port is required. */
bool px_authority(const char *s, size_t n, char *host, size_t hn, uint16_t *port, unsigned default_port)
{
	const char *colon = NULL;
	if (n == 0 || memchr(s, '@', n))
		return false;
	if (s[0] == '[') {
		const char *rb = memchr(s, ']', n);
		if (!rb)
			return false;
		if ((size_t)(rb + 1 - s) < n) {
			if (rb[1] != ':')
				return false;
			colon = rb + 1;
		}
	} else {
		colon = memchr(s, ':', n);
		if (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)))
			return false;
	}
	size_t hl = colon ? (size_t)(colon - s) : n;
	if (hl == 0 || hl >= hn)
		return false;
	memcpy(host, s, hl);
	host[hl] = 0;
	unsigned long v = default_port;
	if (colon) {
		size_t pl = n - hl - 1;
		if (pl == 0 || pl > 5)
			return false;
		v = 0;
		for (size_t i = 0; i < pl; i++) {
			if (colon[1 + i] < '0' || colon[1 + i] > '9')
				return false;
			v = v * 10 + (unsigned long)(colon[1 + i] - '0');
		}
	}
	if (v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* ---- settings ---- */

void px_config_defaults(PxConfig *c)
{
	memset(c, 0, sizeof *c);
	c->listen_fd = -1;
	c->max_conns = 1024;
	c->max_header = 16384;
	c->header_ms = 10000;
	c->idle_ms = 300000;
	c->log_fd = -1;
	c->stop_fd = -1;
}

static bool env_int(const char *name, int lo, int hi, int *out, RtBuf *err)
{
	const char *v = getenv(name);
	if (!v)
		return true;
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (!*v || *end || errno || x < lo || x > hi) {
		rt_printf(err, "%s=%s: a number from %d to %d expected", name, v, lo, hi);
		return false;
	}
	*out = (int)x;
	return true;
}

bool px_config_env(PxConfig *c, RtBuf *err)
{
	return env_int("SBX_PROXY_HEADER_MS", 10, 600000, &c->header_ms, err) &&
	       env_int("SBX_PROXY_IDLE_MS", 10, 86400000, &c->idle_ms, err) &&
	       env_int("SBX_PROXY_MAX_CONNS", 1, 65536, &c->max_conns, err) &&
	       env_int("SBX_PROXY_MAX_HEADER", 256, 1 << 20, &c->max_header, err);
}

