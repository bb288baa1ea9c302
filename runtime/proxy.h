/*
 * proxy.h: the runtime's egress proxy (LANGUAGE.md 5.2 and 6): how a
 * program reaches a host named in the policy.
 *
 * One listening socket serves HTTP CONNECT, plain HTTP requests in
 * absolute form and SOCKS5 (CONNECT by name, IPv4 or IPv6): the first byte
 * tells them apart (0x05 is SOCKS). Every request is decided by the
 * policy's TCP connect rules, carried in the artifact's `proxy` lines:
 *
 *   1. a request by name is decided by the name rules (an exact name beats
 *      `*.suffix`, a longer suffix a shorter one; `*.example.com` matches
 *      subdomains only, never example.com itself) when one matches; the
 *      proxy then resolves the name itself and takes the first address that
 *      no address rule with a concrete host (an address or CIDR, not `*`)
 *      denies, and connects to exactly that address;
 *   2. when no name rule matches, and for a request by address, the address
 *      rules (`*`, CIDR, exact; `net` below them) decide the address.
 * Refusals: `403` with a body naming the rule (FILE:LINE), SOCKS reply 0x02.
 *
 * Files: proxy_policy.c (the rules, their text form, the decision and the
 * resolver), proxy_dns.c (lookups on worker threads), proxy_wire.c (HTTP
 * and SOCKS5 heads), proxy.c (the event loop), proxy_start.c (what every
 * launcher shares), proxy_launch.c (starting it for sbx_exec outside the
 * sandbox), seatbelt_run.c (sbx-seatbelt, the macOS runner). Plain C, poll(2): one thread moves every byte and decides
 * every request, a few more only wait for the resolver; bounded:
 * connections, header bytes, buffers, timeouts.
 */
#ifndef SBX_PROXY_H
#define SBX_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbx.h"

enum PxKind { PX_ANY, PX_NAME, PX_WILD, PX_IP4, PX_IP6, PX_NET };

typedef struct PxRule {
	uint8_t allow; /* 1 allow, 0 deny */
	uint8_t kind;  /* enum PxKind */
	uint8_t prefix;
	uint8_t addr[16]; /* IP kinds: network order, host bits cleared */
	bool port_any;
	uint16_t lo, hi;
	char *host;  /* as written in the artifact: "api.github.com", "*.npmjs.org", "10.0.0.0/8" */
	char *where; /* "policy.sbx:12" */
} PxRule;

typedef struct PxPolicy {
	PxRule *v;
	int n, cap;
} PxPolicy;

/* One rule in its artifact form, after the word `proxy`:
 *   allow|deny HOST PORT "WHERE"
 * HOST: a name, `*.suffix`, `*`, `net`, a.b.c.d[/N] or [v6][/N];
 * PORT: N, N-M or `*`. False with a message in err. */
bool px_rule_parse(const char *text, PxPolicy *p, RtBuf *err);
void px_policy_free(PxPolicy *p);
/* "allow connect tcp api.github.com:443" */
void px_rule_text(const PxRule *r, RtBuf *out);

/* An address: family AF_INET (4 bytes) or AF_INET6 (16). */
typedef struct PxAddr {
	int family;
	uint8_t a[16];
} PxAddr;

typedef struct PxVerdict {
	bool allow;
	const PxRule *rule; /* the deciding rule, NULL: none matched (denied) */
} PxVerdict;

/* Step 1: the name rules. *matched is false when none matches. */
PxVerdict px_decide_name(const PxPolicy *p, const char *name, uint16_t port, bool *matched);
/* Step 2: the address rules for an address (v4-mapped IPv6 counts as IPv4). */
PxVerdict px_decide_addr(const PxPolicy *p, const PxAddr *a, uint16_t port);
/* The check on an address a name rule allowed: a deny by an address rule
 * whose host is an address or CIDR (never `*` or `net`) refuses it. */
PxVerdict px_check_resolved(const PxPolicy *p, const PxAddr *a, uint16_t port);
/* Is name a host name the proxy accepts (letters, digits, '-', '_', '.',
 * at most 253 bytes, no empty label)? Lower-cases it and drops one
 * trailing dot in place. */
bool px_name_ok(char *name);
/* A literal address ("127.0.0.1", "::1", "[::1]")? */
bool px_parse_addr(const char *s, PxAddr *a);
/* s[0..n) as HOST[:PORT] (HOST may be [v6]; no userinfo) into host (hn
 * bytes); default_port 0: the port is required. */
bool px_authority(const char *s, size_t n, char *host, size_t hn, uint16_t *port, unsigned default_port);
void px_addr_text(const PxAddr *a, char *out, size_t n);

/* The resolver: the system's (getaddrinfo), or a hosts file when given
 * (tests: names under .test mapped to 127.0.0.x and ::1; only the file).
 * A hosts-file line `sleep MS NAME...` makes each lookup of NAME take MS
 * milliseconds (at most 10000): how the tests show that a slow lookup
 * stalls nothing else. */
typedef struct PxHosts {
	struct PxHost {
		char *name;
		PxAddr addr;
		int sleep_ms; /* > 0: a `sleep` line (no address) */
	} *v;
	int n, cap;
} PxHosts;
bool px_hosts_load(const char *path, PxHosts *h, RtBuf *err);
void px_hosts_free(PxHosts *h);
/* Up to max addresses for name; returns how many (0: cannot resolve). */
int px_resolve(const PxHosts *h, const char *name, PxAddr *out, int max);

/* Lookups off the event loop (proxy_dns.c): a few worker threads run
 * px_resolve and write one PxDnsAnswer per lookup to a pipe. */
enum { PX_DNS_MAX = 8 };
typedef struct PxDnsAnswer {
	uint64_t tag; /* the caller's, returned as given */
	int n;        /* addresses found; 0: the name does not resolve */
	PxAddr addrs[PX_DNS_MAX];
} PxDnsAnswer;
/* Starts the pool once per process (later calls return the same fd): the
 * non-blocking read end of the answers' pipe, or -1. At most max_jobs
 * lookups wait at once. */
int px_dns_start(const PxHosts *hosts, int max_jobs);
/* Queues a lookup; false when the queue is full or the pool is not started. */
bool px_dns_submit(uint64_t tag, const char *name);
/* One answer when there is one (non-blocking). */
bool px_dns_answer(PxDnsAnswer *a);

typedef struct PxConfig {
	const PxPolicy *policy;
	const PxHosts *hosts;  /* NULL: getaddrinfo */
	int listen_fd;         /* listening, non-blocking */
	int max_conns;         /* client connections at once (default 1024) */
	int max_header;        /* bytes of a request head (default 16384) */
	int header_ms;         /* a request head, a SOCKS handshake, an upstream connect (default 10000) */
	int idle_ms;           /* a tunnel with no traffic either way (default 300000) */
	int log_fd;            /* >= 0: one line per request */
	int stop_fd;           /* >= 0: readable or closed ends the loop */
} PxConfig;

void px_config_defaults(PxConfig *c);
/* Reads SBX_PROXY_HEADER_MS, SBX_PROXY_IDLE_MS, SBX_PROXY_MAX_CONNS,
 * SBX_PROXY_MAX_HEADER (and nothing else); false naming a bad value. */
bool px_config_env(PxConfig *c, RtBuf *err);
/* Serves until stop_fd says so or a fatal error; returns 0 or -1. */
int px_run(const PxConfig *c);

/* Launching it (proxy_start.c, portable). The `proxy ...` lines of FILE
 * (an artifact: NAME.landlock, NAME.proxy; other lines are skipped). */
bool px_rules_load(const char *path, PxPolicy *p, RtBuf *err);
/* A non-blocking listening socket on a:port (0: ephemeral); *bound gets
 * the port. -1 with errno. */
int px_listen(const PxAddr *a, uint16_t port, uint16_t *bound);
/* HTTPS_PROXY, HTTP_PROXY (http://127.0.0.1:PORT), ALL_PROXY
 * (socks5h://...), their lower-case forms, and NO_PROXY (into
 * no_proxy_out too: the hosts address rules allow directly, nothing
 * else); removes the SBX_PROXY_* settings, which are the launcher's. */
void px_set_env(const PxPolicy *p, uint16_t port, RtBuf *no_proxy_out);

/* For sbx_exec (proxy_launch.c): when the artifact has proxy rules, start
 * the proxy in a child process (outside the sandbox that the caller is
 * about to apply), allow the program's TCP connect to its port, and set
 * the proxy variables in the environment. Returns 0 (or nothing to do)
 * or 126 with a note in rep. */
int px_launch(LlArtifact *a, const SbxOpts *o, RtReport *rep);

#endif
