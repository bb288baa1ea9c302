/*
 * proxy_conn.h: the egress proxy's connection state, shared by the loop
 * (proxy.c) and the protocols (proxy_wire.c). Private to those two files.
 */
#ifndef SBX_PROXY_CONN_H
#define SBX_PROXY_CONN_H

#include "proxy.h"

#include <sys/types.h>

enum { TUNNEL_BUF = 65536, MAX_ADDRS = 8, LINGER_MS = 1000 };
enum { ST_HEAD, ST_SOCKS_GREET, ST_SOCKS_REQ, ST_RESOLVING, ST_CONNECTING, ST_TUNNEL, ST_LINGER };
enum { P_UNKNOWN, P_CONNECT, P_PLAIN, P_SOCKS };

typedef struct PBuf {
	char *p;
	size_t cap, off, len; /* data is p[off, off + len) */
} PBuf;

typedef struct Conn {
	int cfd, ufd;
	int slot;      /* its index in Loop.c */
	uint32_t gen;  /* tells a lookup's answer for this connection from one for a former one in the slot */
	bool matched;  /* RESOLVING: a name rule matched (the answer is checked with px_check_resolved) */
	const PxRule *rule; /* the rule that allowed it (logged) */
	uint8_t st, proto;
	bool c_eof, u_eof, c_shut, u_shut;
	int pc[2], pu[2];  /* TUNNEL: pipes for splice(2), client->upstream and back; -1: buffers only */
	size_t inc, inu;   /* bytes in them */
	int64_t deadline;
	PBuf cb; /* client -> upstream (the head while reading it) */
	PBuf ub; /* upstream -> client (answers too) */
	char host[256];
	uint16_t port;
	PxAddr addrs[MAX_ADDRS];
	int naddr, next;
	char *head; /* PLAIN: the rewritten head, sent once connected */
	size_t nhead;
} Conn;

typedef struct Loop {
	const PxConfig *cf;
	Conn **c;
	int n; /* slots in use are non-NULL; n = highest + 1 */
	int live;
	bool addr_allows; /* may any address rule allow something? */
	int dns_fd;       /* the resolver's answers (proxy_dns.c) */
	uint32_t gen;
} Loop;

/* proxy_wire.c: byte buffers */
void pb_init(PBuf *b, size_t cap);
void pb_add(PBuf *b, const void *s, size_t n);
void pb_drop(PBuf *b, size_t n);
/* recv/send into/from b: bytes, 0 at EOF (read), -1 would block, -2 error */
ssize_t pb_read(int fd, PBuf *b);
ssize_t pb_write(int fd, PBuf *b);
/* proxy_wire.c: the protocols, up to the request's decision */
void px_read_head(Loop *l, Conn *c);  /* HEAD: an HTTP head, or the first SOCKS byte */
void px_socks_step(Loop *l, Conn *c); /* SOCKS_GREET, SOCKS_REQ */

/* proxy.c: what the protocols call */
int64_t px_now_ms(void);
void px_log(const Loop *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void px_finish(Loop *l, Conn *c, const void *answer, size_t n);
void px_socks_answer(Loop *l, Conn *c, uint8_t rep);
void px_bad_request(Loop *l, Conn *c, int code, const char *reason, const char *why);
void px_decide(Loop *l, Conn *c);

#endif
