/*
 * proxy.c: the egress proxy's event loop, its connections and decisions
 * (proxy.h says what is decided and how; the protocols: proxy_wire.c).
 *
 * One thread, poll(2). Each client connection is a small state machine:
 *
 *   HEAD        reading an HTTP request head (CONNECT or absolute-form),
 *               at most max_header bytes, within header_ms of the accept
 *               (a fixed deadline: a slow client does not extend it)
 *   SOCKS_*     the SOCKS5 greeting and request, same deadline
 *   RESOLVING   a name lookup on the resolver's threads (proxy_dns.c),
 *               within header_ms
 *   CONNECTING  a non-blocking connect to the one address that was checked
 *   TUNNEL      bytes both ways, idle_ms without traffic ends it
 *   LINGER      a refusal was written: its write side is shut, what the
 *               client still sends is read and dropped for a moment, so
 *               that closing does not reset the answer away
 *
 * Exactly one request per connection: after a CONNECT the bytes are the
 * tunnel's (never parsed again); a plain request is rewritten to origin
 * form with `Connection: close` and its Host from the checked URL, and the
 * rest of the connection goes to that same upstream. Memory is bounded by
 * max_conns x the head buffer (max_header) until the decision; a tunnel
 * moves its bytes with splice(2) through two pipes (kernel buffers of
 * 64 KiB at most), or through two 64 KiB buffers where pipes fail.
 */
#include "proxy_conn.h"
#include "proxy_os.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t px_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- connections ---- */

static void conn_free(Loop *l, int i)
{
	Conn *c = l->c[i];
	if (c->cfd >= 0)
		close(c->cfd);
	if (c->ufd >= 0)
		close(c->ufd);
	free(c->cb.p);
	for (int k = 0; k < 2; k++) {
		if (c->pc[k] >= 0)
			close(c->pc[k]);
		if (c->pu[k] >= 0)
			close(c->pu[k]);
	}
	free(c->ub.p);
	free(c->head);
	free(c);
	l->c[i] = NULL;
	l->live--;
	while (l->n > 0 && !l->c[l->n - 1])
		l->n--;
}

void px_log(const Loop *l, const char *fmt, ...)
{
	if (l->cf->log_fd < 0)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2;
	for (int i = 0; i < n; i++) /* a SOCKS name is bytes: no terminal escapes, no forged lines */
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] >= 0x7f)
			line[i] = '?';
	line[n++] = '\n';
	ssize_t w = write(l->cf->log_fd, line, (size_t)n);
	(void)w;
}

/* Ends the conversation: `answer` goes to the client, then LINGER. */
void px_finish(Loop *l, Conn *c, const void *answer, size_t n)
{
	if (c->ufd >= 0) {
		close(c->ufd);
		c->ufd = -1;
	}
	c->cb.off = c->cb.len = 0;
	if (!c->ub.p)
		pb_init(&c->ub, n > 256 ? n : 256);
	if (n)
		pb_add(&c->ub, answer, n);
	c->st = ST_LINGER;
	c->deadline = px_now_ms() + LINGER_MS;
	(void)l;
}

static void http_answer(Loop *l, Conn *c, int code, const char *reason, const char *rule, const char *body)
{
	RtBuf b = { 0 };
	rt_printf(&b, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n", code,
		  reason);
	if (rule) {
		rt_puts(&b, "X-Sbx-Rule: ");
		for (const char *q = rule; *q; q++) /* a file name must not end the header */
			rt_put(&b, (unsigned char)*q < 0x20 || *q == 0x7f ? "?" : q, 1);
		rt_puts(&b, "\r\n");
	}
	rt_printf(&b, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	px_finish(l, c, b.p, b.n);
	free(b.p);
}

void px_socks_answer(Loop *l, Conn *c, uint8_t rep)
{
	uint8_t r[10] = { 5, rep, 0, 1, 0, 0, 0, 0, 0, 0 };
	px_finish(l, c, r, sizeof r);
}

/* A refusal, the way the protocol expects. */
static void refuse(Loop *l, Conn *c, int http, const char *reason, uint8_t socks, const PxRule *rule, const char *why)
{
	char where[300] = "";
	RtBuf body = { 0 };
	rt_printf(&body, "sbx: connect tcp %s:%u refused: %s", c->host, c->port, why);
	if (rule) {
		snprintf(where, sizeof where, "%s", rule->where);
		rt_printf(&body, " by %s (", rule->where);
		px_rule_text(rule, &body);
		rt_puts(&body, ")");
	}
	rt_puts(&body, "\n");
	px_log(l, "sbx-proxy: %s %s:%u deny %s", c->proto == P_SOCKS ? "SOCKS" : c->proto == P_PLAIN ? "HTTP" : "CONNECT",
	      c->host, c->port, rule ? rule->where : why);
	if (c->proto == P_SOCKS)
		px_socks_answer(l, c, socks);
	else
		http_answer(l, c, http, reason, rule ? where : NULL, body.p);
	free(body.p);
}

void px_bad_request(Loop *l, Conn *c, int code, const char *reason, const char *why)
{
	px_log(l, "sbx-proxy: bad request: %s", why);
	RtBuf body = { 0 };
	rt_printf(&body, "sbx: %s\n", why);
	http_answer(l, c, code, reason, NULL, body.p);
	free(body.p);
}

static bool policy_addr_allows(const PxPolicy *p)
{
	for (int i = 0; i < p->n; i++)
		if (p->v[i].allow && p->v[i].kind != PX_NAME && p->v[i].kind != PX_WILD)
			return true;
	return false;
}

static void start_connect(Loop *l, Conn *c);

/* Decides c->host:c->port: an address at once, a name up to its lookup
 * (resolved() goes on when the answer comes). */
void px_decide(Loop *l, Conn *c)
{
	const PxPolicy *p = l->cf->policy;
	PxAddr lit;
	c->naddr = c->next = 0;
	if (px_parse_addr(c->host, &lit)) {
		PxVerdict v = px_decide_addr(p, &lit, c->port);
		if (!v.allow) {
			refuse(l, c, 403, "Forbidden", 2, v.rule, v.rule ? "denied" : "no rule allows it");
			return;
		}
		c->addrs[c->naddr++] = lit;
		c->rule = v.rule;
		start_connect(l, c);
		return;
	}
	if (!px_name_ok(c->host)) {
		refuse(l, c, 400, "Bad Request", 1, NULL, "not a host name");
		return;
	}
	bool matched;
	PxVerdict v = px_decide_name(p, c->host, c->port, &matched);
	if (matched && !v.allow) {
		refuse(l, c, 403, "Forbidden", 2, v.rule, "denied");
		return;
	}
	if (!matched && !l->addr_allows) { /* nothing could allow it: not even a lookup */
		refuse(l, c, 403, "Forbidden", 2, NULL, "no rule allows this host");
		return;
	}
	c->matched = matched;
	c->rule = matched ? v.rule : NULL;
	if (!px_dns_submit((uint64_t)c->slot << 32 | c->gen, c->host)) {
		refuse(l, c, 503, "Service Unavailable", 1, NULL, "too many name lookups at once");
		return;
	}
	c->st = ST_RESOLVING;
	c->deadline = px_now_ms() + l->cf->header_ms;
}

/* The lookup's answer: the addresses no rule denies, in the resolver's order. */
static void resolved(Loop *l, Conn *c, const PxAddr *got, int n)
{
	const PxPolicy *p = l->cf->policy;
	if (n == 0) {
		refuse(l, c, 502, "Bad Gateway", 4, NULL, "the name does not resolve");
		return;
	}
	PxVerdict first = { 0 };
	for (int i = 0; i < n && c->naddr < MAX_ADDRS; i++) {
		PxVerdict a = c->matched ? px_check_resolved(p, &got[i], c->port) : px_decide_addr(p, &got[i], c->port);
		if (a.allow) {
			if (!c->matched && c->naddr == 0)
				c->rule = a.rule;
			c->addrs[c->naddr++] = got[i];
		}
		else if (i == 0 || !first.rule)
			first = a;
	}
	if (c->naddr == 0) {
		char at[64], why[160];
		px_addr_text(&got[0], at, sizeof at);
		snprintf(why, sizeof why, "it resolves to %s, %s", at, first.rule ? "denied" : "which no rule allows");
		refuse(l, c, 403, "Forbidden", 2, first.rule, why);
		return;
	}
	start_connect(l, c);
}

static void connected(Loop *l, Conn *c)
{
	char at[64];
	px_addr_text(&c->addrs[c->next - 1], at, sizeof at);
	px_log(l, "sbx-proxy: %s %s:%u -> %s allow%s%s", c->proto == P_SOCKS ? "SOCKS" : c->proto == P_PLAIN ? "HTTP" : "CONNECT",
	      c->host, c->port, at, c->rule ? " " : "", c->rule ? c->rule->where : "");
	int one = 1;
	setsockopt(c->ufd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* splice(2) through a pipe per direction: the bytes stay in the
	 * kernel (its pipe buffers bound them) and the user-space buffers only
	 * hold what came before (the answer, early data); without pipes, the
	 * buffers carry the tunnel. */
	if (!PX_SPLICE || px_pipe(c->pc, true) < 0)
		c->pc[0] = c->pc[1] = -1;
	else if (px_pipe(c->pu, true) < 0) {
		close(c->pc[0]);
		close(c->pc[1]);
		c->pc[0] = c->pc[1] = c->pu[0] = c->pu[1] = -1;
	}
	size_t want = c->pc[0] >= 0 ? 256 : TUNNEL_BUF;
	if (!c->ub.p)
		pb_init(&c->ub, want);
	else if (c->ub.cap < want)
		c->ub.p = rt_realloc(c->ub.p, c->ub.cap = want);
	if (c->proto == P_CONNECT) {
		static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
		pb_add(&c->ub, ok, sizeof ok - 1);
	} else if (c->proto == P_SOCKS) {
		uint8_t r[10] = { 5, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
		pb_add(&c->ub, r, sizeof r);
	} else {
		/* The rewritten head goes before what the client sent after it. */
		PBuf nb;
		pb_init(&nb, c->nhead + c->cb.len > want ? c->nhead + c->cb.len : want);
		pb_add(&nb, c->head, c->nhead);
		pb_add(&nb, c->cb.p + c->cb.off, c->cb.len);
		free(c->cb.p);
		c->cb = nb;
		free(c->head);
		c->head = NULL;
	}
	/* The head buffer becomes the client side's: as large as needed. */
	memmove(c->cb.p, c->cb.p + c->cb.off, c->cb.len);
	c->cb.off = 0;
	size_t cap = c->cb.len > want ? c->cb.len : want;
	if (c->cb.cap != cap)
		c->cb.p = rt_realloc(c->cb.p, c->cb.cap = cap);
	c->st = ST_TUNNEL;
	c->deadline = px_now_ms() + l->cf->idle_ms;
}

/* Tries the next checked address; refuses when none is left. */
static void start_connect(Loop *l, Conn *c)
{
	while (c->next < c->naddr) {
		const PxAddr *a = &c->addrs[c->next++];
		struct sockaddr_storage ss = { 0 };
		socklen_t sl;
		if (a->family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
			s4->sin_family = AF_INET;
			s4->sin_port = htons(c->port);
			memcpy(&s4->sin_addr, a->a, 4);
			sl = sizeof *s4;
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(c->port);
			memcpy(&s6->sin6_addr, a->a, 16);
			sl = sizeof *s6;
		}
		int fd = px_socket_nb(a->family);
		if (fd < 0)
			continue;
		if (connect(fd, (struct sockaddr *)&ss, sl) == 0 || errno == EINPROGRESS) {
			if (c->ufd >= 0)
				close(c->ufd);
			c->ufd = fd;
			c->st = ST_CONNECTING;
			c->deadline = px_now_ms() + l->cf->header_ms;
			return;
		}
		close(fd);
	}
	if (c->ufd >= 0) {
		close(c->ufd);
		c->ufd = -1;
	}
	refuse(l, c, 502, "Bad Gateway", 5, NULL, "the connection to the host failed");
}

/* ---- the loop ---- */

/* Moves bytes from -> to through b until neither side can go on (a few
 * rounds at most, so one busy tunnel does not starve the others).
 * Returns whether anything moved; a hard error ends both directions. */
enum { PIPE_MAX = 65536 };

static ssize_t splice_nb(int from, int to, size_t n)
{
#if PX_SPLICE
	ssize_t r = splice(from, NULL, to, NULL, n, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
	return r;
#else
	(void)from, (void)to, (void)n;
	return -2; /* never called: without splice a tunnel has no pipes */
#endif
}

static bool pump(Conn *c, int from, int to, PBuf *b, bool *eof, int *pipe_, size_t *inpipe)
{
	bool moved = false;
	/* What the head or the handshake left in user space goes first. */
	if (b->len) {
		ssize_t w = pb_write(to, b);
		if (w == -2) {
			c->c_eof = c->u_eof = true;
			c->cb.len = c->ub.len = 0;
			*inpipe = 0;
			return false;
		}
		moved |= w > 0;
		if (b->len)
			return moved;
	}
	for (int round = 0; pipe_[0] >= 0 && round < 8; round++) {
		ssize_t r = -1, w = -1;
		if (!*eof && *inpipe < PIPE_MAX) {
			r = splice_nb(from, pipe_[1], PIPE_MAX - *inpipe);
			if (r == 0)
				*eof = true;
			else if (r > 0)
				*inpipe += (size_t)r;
		}
		if (*inpipe) {
			w = splice_nb(pipe_[0], to, *inpipe);
			if (w > 0)
				*inpipe -= (size_t)w;
		}
		if (r == -2 || w == -2) {
			c->c_eof = c->u_eof = true;
			c->cb.len = c->ub.len = 0;
			c->inc = c->inu = 0;
			return moved;
		}
		moved |= r > 0 || w > 0;
		if (r <= 0 && (w <= 0 || *inpipe))
			break;
	}
	if (pipe_[0] >= 0)
		return moved;
	for (int round = 0; round < 8; round++) {
		ssize_t r = -1, w = -1;
		if (!*eof) {
			r = pb_read(from, b);
			if (r == 0)
				*eof = true;
		}
		if (b->len)
			w = pb_write(to, b);
		if (r == -2 || w == -2) {
			c->c_eof = c->u_eof = true;
			c->cb.len = c->ub.len = 0;
			return moved;
		}
		moved |= r > 0 || w > 0;
		if (r <= 0 && (w <= 0 || b->len))
			break;
	}
	return moved;
}

static void tunnel_io(Loop *l, Conn *c, short cre, short ure)
{
	bool moved = false;
	if (cre || (ure & POLLOUT))
		moved |= pump(c, c->cfd, c->ufd, &c->cb, &c->c_eof, c->pc, &c->inc);
	if (ure || (cre & POLLOUT))
		moved |= pump(c, c->ufd, c->cfd, &c->ub, &c->u_eof, c->pu, &c->inu);
	if (c->c_eof && !c->cb.len && !c->inc && !c->u_shut) {
		shutdown(c->ufd, SHUT_WR);
		c->u_shut = true;
	}
	if (c->u_eof && !c->ub.len && !c->inu && !c->c_shut) {
		shutdown(c->cfd, SHUT_WR);
		c->c_shut = true;
	}
	if (moved)
		c->deadline = px_now_ms() + l->cf->idle_ms;
}

/* One connection's turn; returns false when it is over. */
static bool conn_step(Loop *l, Conn *c, short cre, short ure)
{
	if ((c->st == ST_HEAD || c->st == ST_SOCKS_GREET || c->st == ST_SOCKS_REQ || c->st == ST_RESOLVING) && c->ub.len &&
	    pb_write(c->cfd, &c->ub) == -2)
		return false;
	switch (c->st) {
	case ST_HEAD:
		if (cre)
			px_read_head(l, c);
		if (c->st == ST_SOCKS_GREET)
			px_socks_step(l, c);
		break;
	case ST_SOCKS_GREET:
	case ST_SOCKS_REQ:
		if (cre & (POLLIN | POLLHUP | POLLERR))
			px_socks_step(l, c);
		break;
	case ST_RESOLVING:
		break;
	case ST_CONNECTING:
		if (ure) {
			int err = 0;
			socklen_t el = sizeof err;
			if (getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
				err = errno;
			if (err == 0)
				connected(l, c);
			else
				start_connect(l, c);
		}
		break;
	case ST_TUNNEL:
		tunnel_io(l, c, cre, ure);
		return !(c->c_shut && c->u_shut) &&
		       !(c->c_eof && c->u_eof && !c->cb.len && !c->ub.len && !c->inc && !c->inu);
	case ST_LINGER:
		break;
	}
	if (c->st == ST_LINGER) {
		if (c->ub.len) {
			if (pb_write(c->cfd, &c->ub) == -2)
				return false;
			if (c->ub.len)
				return true;
		}
		if (!c->c_shut) {
			shutdown(c->cfd, SHUT_WR);
			c->c_shut = true;
		}
		char junk[4096];
		for (;;) {
			ssize_t r = recv(c->cfd, junk, sizeof junk, 0);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
				return false;
			if (r < 0)
				break;
		}
		return true;
	}
	if (c->c_eof && c->st != ST_TUNNEL)
		return false; /* the client left before a decision */
	return true;
}

static void accept_all(Loop *l)
{
	while (l->live < l->cf->max_conns) {
		int fd = px_accept_nb(l->cf->listen_fd);
		if (fd < 0)
			return;
		int slot = 0;
		while (slot < l->n && l->c[slot])
			slot++;
		Conn *c = rt_alloc(sizeof *c);
		c->slot = slot;
		c->gen = ++l->gen;
		c->cfd = fd;
		c->ufd = -1;
		c->pc[0] = c->pc[1] = c->pu[0] = c->pu[1] = -1;
		c->st = ST_HEAD;
		size_t cap = (size_t)l->cf->max_header + 1;
		pb_init(&c->cb, cap < 4096 ? 4096 : cap);
		c->deadline = px_now_ms() + l->cf->header_ms;
		l->c[slot] = c;
		if (slot == l->n)
			l->n++;
		l->live++;
	}
}

static void expire(Loop *l, int i, int64_t now)
{
	Conn *c = l->c[i];
	if (now < c->deadline)
		return;
	switch (c->st) {
	case ST_HEAD:
		if (c->proto == P_UNKNOWN && c->cb.len == 0) {
			conn_free(l, i); /* said nothing: nothing to answer */
			return;
		}
		px_bad_request(l, c, 408, "Request Timeout", "the request head took too long");
		return;
	case ST_SOCKS_GREET:
	case ST_SOCKS_REQ:
		px_log(l, "sbx-proxy: SOCKS handshake took too long");
		conn_free(l, i);
		return;
	case ST_RESOLVING:
		refuse(l, c, 504, "Gateway Timeout", 4, NULL, "the name lookup took too long");
		return;
	case ST_CONNECTING:
		close(c->ufd);
		c->ufd = -1;
		if (c->next < c->naddr)
			start_connect(l, c);
		else
			refuse(l, c, 504, "Gateway Timeout", 6, NULL, "the connection to the host timed out");
		return;
	default:
		conn_free(l, i);
	}
}

int px_run(const PxConfig *cf)
{
	Loop l = { .cf = cf };
	l.addr_allows = policy_addr_allows(cf->policy);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rlim_t want = (rlim_t)cf->max_conns * 6 + 64; /* client, upstream, two pipes */
		if (rl.rlim_cur < want) {
			rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	/* Twice the connections: a lookup whose connection has gone may still
	 * hold its place while the connection's slot is reused. */
	l.dns_fd = px_dns_start(cf->hosts, 2 * cf->max_conns);
	if (l.dns_fd < 0)
		return -1;
	l.c = rt_alloc(sizeof *l.c * (size_t)cf->max_conns);
	size_t npfd = 3 + 2 * (size_t)cf->max_conns;
	struct pollfd *pf = rt_alloc(sizeof *pf * npfd);
	int *who = rt_alloc(sizeof *who * npfd); /* conn index * 2 + (0 client, 1 upstream); -1 listen, -2 stop */
	int status = 0;
	for (;;) {
		int np = 0;
		int64_t now = px_now_ms(), next = now + 60000;
		if (l.live < cf->max_conns) {
			pf[np] = (struct pollfd){ cf->listen_fd, POLLIN, 0 };
			who[np++] = -1;
		}
		if (cf->stop_fd >= 0) {
			pf[np] = (struct pollfd){ cf->stop_fd, POLLIN, 0 };
			who[np++] = -2;
		}
		pf[np] = (struct pollfd){ l.dns_fd, POLLIN, 0 };
		who[np++] = -3;
		for (int i = 0; i < l.n; i++) {
			Conn *c = l.c[i];
			if (!c)
				continue;
			if (c->deadline < next)
				next = c->deadline;
			short ce = 0, ue = 0;
			switch (c->st) {
			case ST_HEAD:
			case ST_SOCKS_GREET:
			case ST_SOCKS_REQ:
				ce = POLLIN | (c->ub.len ? POLLOUT : 0);
				break;
			case ST_RESOLVING:
				ce = c->ub.len ? POLLOUT : 0;
				break;
			case ST_CONNECTING:
				ue = POLLOUT;
				break;
			case ST_TUNNEL:
				if (!c->c_eof && (c->pc[0] >= 0 ? !c->cb.len && c->inc < PIPE_MAX : c->cb.len < c->cb.cap))
					ce |= POLLIN;
				if (c->ub.len || c->inu)
					ce |= POLLOUT;
				if (!c->u_eof && (c->pu[0] >= 0 ? !c->ub.len && c->inu < PIPE_MAX : c->ub.len < c->ub.cap))
					ue |= POLLIN;
				if (c->cb.len || c->inc)
					ue |= POLLOUT;
				break;
			case ST_LINGER:
				ce = POLLIN | (c->ub.len ? POLLOUT : 0);
				break;
			}
			if (ce) {
				pf[np] = (struct pollfd){ c->cfd, ce, 0 };
				who[np++] = i * 2;
			}
			if (c->ufd >= 0 && ue) {
				pf[np] = (struct pollfd){ c->ufd, ue, 0 };
				who[np++] = i * 2 + 1;
			}
		}
		int wait = next - now > 60000 ? 60000 : next - now < 0 ? 0 : (int)(next - now);
		int r = poll(pf, (nfds_t)np, wait);
		if (r < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		bool stop = false, acc = false, dns = false;
		/* Gather each connection's events, then step it once. */
		for (int k = 0; k < np && r > 0; k++) {
			if (!pf[k].revents)
				continue;
			if (who[k] == -1)
				acc = true;
			else if (who[k] == -2)
				stop = true;
			else if (who[k] == -3)
				dns = true;
		}
		if (stop)
			break;
		for (int k = 0; k < np && r > 0; k++) {
			if (who[k] < 0 || !pf[k].revents)
				continue;
			int i = who[k] / 2;
			Conn *c = l.c[i];
			if (!c)
				continue;
			short cre = 0, ure = 0;
			if (who[k] % 2 == 0) {
				cre = pf[k].revents;
				if (k + 1 < np && who[k + 1] == i * 2 + 1) {
					ure = pf[k + 1].revents;
					k++;
				}
			} else
				ure = pf[k].revents;
			if (!conn_step(&l, c, cre, ure))
				conn_free(&l, i);
		}
		PxDnsAnswer da;
		while (dns && px_dns_answer(&da)) {
			uint32_t slot = (uint32_t)(da.tag >> 32), gen = (uint32_t)da.tag;
			Conn *c = (int)slot < l.n ? l.c[slot] : NULL;
			if (c && c->gen == gen && c->st == ST_RESOLVING)
				resolved(&l, c, da.addrs, da.n);
		}
		now = px_now_ms();
		for (int i = 0; i < l.n; i++)
			if (l.c[i])
				expire(&l, i, now);
		if (acc)
			accept_all(&l);
	}
	for (int i = 0; i < l.n; i++)
		if (l.c[i])
			conn_free(&l, i);
	free(l.c);
	free(pf);
	free(who);
	return status;
}
