/*
 * proxy_wire.c: the egress proxy's protocols (proxy.h): an HTTP request
 * head (CONNECT or absolute form) and the SOCKS5 handshake, read into a
 * bounded buffer and turned into HOST:PORT for the decision (proxy.c);
 * and the byte buffers every connection uses.
 */
#include "proxy_conn.h"
#include "proxy_os.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* ---- buffers ---- */

/* Not zeroed: bytes are read only after they are written, and a tunnel's
 * 64 KiB buffers (no splice) must not be resident before they are used. */
void pb_init(PBuf *b, size_t cap)
{
	b->p = rt_alloc_raw(cap);
	b->cap = cap;
	b->off = b->len = 0;
}

void pb_add(PBuf *b, const void *s, size_t n)
{
	if (b->off + b->len + n > b->cap) {
		memmove(b->p, b->p + b->off, b->len);
		b->off = 0;
		if (b->len + n > b->cap) {
			b->cap = b->len + n;
			b->p = rt_realloc(b->p, b->cap);
		}
	}
	memcpy(b->p + b->off + b->len, s, n);
	b->len += n;
}

void pb_drop(PBuf *b, size_t n)
{
	b->off += n;
	b->len -= n;
	if (b->len == 0)
		b->off = 0;
}

static size_t pb_room(PBuf *b)
{
	if (b->off && b->off + b->len == b->cap) {
		memmove(b->p, b->p + b->off, b->len);
		b->off = 0;
	}
	return b->cap - b->off - b->len;
}

/* read into b; returns bytes, 0 at EOF, -1 would block, -2 error */
ssize_t pb_read(int fd, PBuf *b)
{
	size_t room = pb_room(b);
	if (room == 0)
		return -1;
	ssize_t r = recv(fd, b->p + b->off + b->len, room, 0);
	if (r > 0)
		b->len += (size_t)r;
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
	return r;
}

ssize_t pb_write(int fd, PBuf *b)
{
	if (b->len == 0)
		return 0;
	ssize_t w = send(fd, b->p + b->off, b->len, MSG_NOSIGNAL);
	if (w > 0)
		pb_drop(b, (size_t)w);
	if (w < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
	return w;
}

/* ---- HTTP ---- */

static bool tchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool hdr_is(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	return n > k && line[k] == ':' && strncasecmp(line, name, k) == 0;
}

/* The head is complete in c->cb (hl bytes, ending in CRLF CRLF). */
static void http_head(Loop *l, Conn *c, size_t hl)
{
	const char *h = c->cb.p + c->cb.off;
	for (size_t i = 0; i < hl; i++) {
		unsigned char ch = (unsigned char)h[i];
		if ((ch < 0x20 && ch != '\r' && ch != '\n' && ch != '\t') || ch == 0x7f ||
		    (ch == '\r' && h[i + 1] != '\n') || (ch == '\n' && (i == 0 || h[i - 1] != '\r')))
			{ px_bad_request(l, c, 400, "Bad Request", "malformed request head"); return; }
	}
	const char *eol = memmem(h, hl, "\r\n", 2);
	const char *sp1 = memchr(h, ' ', (size_t)(eol - h));
	const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
	if (!sp1 || !sp2 || sp1 == h || sp2 == sp1 + 1 || sp1 - h > 16)
		{ px_bad_request(l, c, 400, "Bad Request", "malformed request line"); return; }
	for (const char *m = h; m < sp1; m++)
		if (!tchar(*m))
			{ px_bad_request(l, c, 400, "Bad Request", "malformed method"); return; }
	size_t vl = (size_t)(eol - sp2 - 1);
	if (vl != 8 || (memcmp(sp2 + 1, "HTTP/1.1", 8) != 0 && memcmp(sp2 + 1, "HTTP/1.0", 8) != 0))
		{ px_bad_request(l, c, 505, "HTTP Version Not Supported", "HTTP/1.0 or HTTP/1.1 expected"); return; }
	const char *tgt = sp1 + 1;
	size_t tl = (size_t)(sp2 - tgt);
	if (memchr(tgt, ' ', tl) || memchr(tgt, '\t', tl))
		{ px_bad_request(l, c, 400, "Bad Request", "malformed request target"); return; }

	/* The header lines: well formed, no folding, no conflicting framing. */
	int ncl = 0, nte = 0;
	const char *line = eol + 2;
	while (line < h + hl - 2) {
		const char *le = memmem(line, (size_t)(h + hl - line), "\r\n", 2);
		size_t n = (size_t)(le - line);
		const char *colon = memchr(line, ':', n);
		if (!colon || colon == line)
			{ px_bad_request(l, c, 400, "Bad Request", "malformed header line"); return; }
		for (const char *q = line; q < colon; q++)
			if (!tchar(*q))
				{ px_bad_request(l, c, 400, "Bad Request", "malformed header name"); return; }
		ncl += hdr_is(line, n, "content-length");
		nte += hdr_is(line, n, "transfer-encoding");
		line = le + 2;
	}
	if (ncl > 1 || (ncl && nte) || nte > 1)
		{ px_bad_request(l, c, 400, "Bad Request", "conflicting Content-Length / Transfer-Encoding"); return; }

	if (sp1 - h == 7 && memcmp(h, "CONNECT", 7) == 0) {
		c->proto = P_CONNECT;
		if (!px_authority(tgt, tl, c->host, sizeof c->host, &c->port, 0))
			{ px_bad_request(l, c, 400, "Bad Request", "CONNECT needs HOST:PORT"); return; }
		pb_drop(&c->cb, hl); /* what follows is the tunnel's */
		px_decide(l, c);
		return;
	}
	c->proto = P_PLAIN;
	if (tl < 8 || strncasecmp(tgt, "http://", 7) != 0)
		{ px_bad_request(l, c, 400, "Bad Request",
				   "a proxy request needs an absolute http:// URL (https goes through CONNECT)"); return; }
	const char *auth = tgt + 7, *end = tgt + tl;
	const char *path = auth;
	while (path < end && *path != '/' && *path != '?' && *path != '#')
		path++;
	if (path < end && *path == '#')
		{ px_bad_request(l, c, 400, "Bad Request", "malformed URL"); return; }
	if (!px_authority(auth, (size_t)(path - auth), c->host, sizeof c->host, &c->port, 80))
		{ px_bad_request(l, c, 400, "Bad Request", "malformed host in the URL"); return; }

	/* origin form, the URL's Host, Connection: close; hop-by-hop and
	 * proxy headers dropped */
	RtBuf nh = { 0 };
	rt_put(&nh, h, (size_t)(sp1 - h + 1));
	if (path == end)
		rt_puts(&nh, "/");
	else if (*path == '?')
		rt_puts(&nh, "/");
	rt_put(&nh, path, (size_t)(end - path));
	rt_put(&nh, sp2, (size_t)(eol - sp2 + 2));
	rt_put(&nh, "Host: ", 6);
	rt_put(&nh, auth, (size_t)(path - auth));
	rt_puts(&nh, "\r\n");
	line = eol + 2;
	while (line < h + hl - 2) {
		const char *le = memmem(line, (size_t)(h + hl - line), "\r\n", 2);
		size_t n = (size_t)(le - line);
		if (!hdr_is(line, n, "host") && !hdr_is(line, n, "connection") && !hdr_is(line, n, "proxy-connection") &&
		    !hdr_is(line, n, "proxy-authorization") && !hdr_is(line, n, "keep-alive") && !hdr_is(line, n, "upgrade"))
			rt_put(&nh, line, n + 2);
		line = le + 2;
	}
	rt_puts(&nh, "Connection: close\r\n\r\n");
	c->head = nh.p;
	c->nhead = nh.n;
	pb_drop(&c->cb, hl);
	px_decide(l, c);
}

void px_read_head(Loop *l, Conn *c)
{
	ssize_t r = pb_read(c->cfd, &c->cb);
	if (r == 0 || r == -2) {
		c->c_eof = true;
		return;
	}
	if (r < 0 && c->cb.len < (size_t)l->cf->max_header)
		return;
	const char *h = c->cb.p + c->cb.off;
	if (c->proto == P_UNKNOWN && c->cb.len > 0) {
		c->proto = (unsigned char)h[0] == 5 ? P_SOCKS : P_CONNECT;
		if (c->proto == P_SOCKS)
			c->st = ST_SOCKS_GREET;
	}
	if (c->st != ST_HEAD)
		return;
	for (size_t i = 0; i < c->cb.len; i++) { /* noise is answered now, not at the deadline */
		unsigned char ch = (unsigned char)h[i];
		if ((ch < 0x20 && ch != '\r' && ch != '\n' && ch != '\t') || ch == 0x7f) {
			px_bad_request(l, c, 400, "Bad Request", "malformed request head");
			return;
		}
	}
	size_t scan = c->cb.len < (size_t)l->cf->max_header ? c->cb.len : (size_t)l->cf->max_header;
	const char *e = memmem(h, scan, "\r\n\r\n", 4);
	if (e)
		{ http_head(l, c, (size_t)(e - h) + 4); return; }
	if (c->cb.len >= (size_t)l->cf->max_header)
		px_bad_request(l, c, 431, "Request Header Fields Too Large", "the request head is too large");
}

/* ---- SOCKS5 ---- */

void px_socks_step(Loop *l, Conn *c)
{
	ssize_t r = pb_read(c->cfd, &c->cb);
	if (r == 0 || r == -2) {
		c->c_eof = true;
		return;
	}
	for (;;) {
		const uint8_t *b = (const uint8_t *)c->cb.p + c->cb.off;
		size_t n = c->cb.len;
		if (c->st == ST_SOCKS_GREET) {
			if (n < 2)
				return;
			if (b[0] != 5 || b[1] == 0)
				{ px_finish(l, c, NULL, 0); return; }
			if (n < 2u + b[1])
				return;
			bool noauth = memchr(b + 2, 0, b[1]) != NULL;
			pb_drop(&c->cb, 2u + b[1]);
			if (!noauth) {
				static const uint8_t no[2] = { 5, 0xff };
				{ px_finish(l, c, no, 2); return; }
			}
			if (!c->ub.p)
				pb_init(&c->ub, 256);
			static const uint8_t yes[2] = { 5, 0 };
			pb_add(&c->ub, yes, 2);
			c->st = ST_SOCKS_REQ;
			continue;
		}
		if (c->st != ST_SOCKS_REQ)
			return;
		if (n < 5)
			return;
		if (b[0] != 5 || b[2] != 0)
			{ px_finish(l, c, NULL, 0); return; }
		size_t need;
		switch (b[3]) {
		case 1: need = 10; break;
		case 4: need = 22; break;
		case 3:
			if (b[4] == 0)
				{ px_socks_answer(l, c, 1); return; }
			need = 7u + b[4];
			break;
		default: { px_socks_answer(l, c, 8); return; }
		}
		if (n < need)
			return;
		if (b[1] != 1)
			{ px_socks_answer(l, c, 7); return; }
		c->port = (uint16_t)(b[need - 2] << 8 | b[need - 1]);
		PxAddr a = { 0 };
		if (b[3] == 3) {
			memcpy(c->host, b + 5, b[4]);
			c->host[b[4]] = 0;
			if (strlen(c->host) != b[4])
				{ px_socks_answer(l, c, 1); return; }
		} else {
			a.family = b[3] == 1 ? AF_INET : AF_INET6;
			memcpy(a.a, b + 4, b[3] == 1 ? 4 : 16);
			px_addr_text(&a, c->host, sizeof c->host);
		}
		pb_drop(&c->cb, need);
		if (c->port == 0)
			{ px_socks_answer(l, c, 2); return; }
		px_decide(l, c);
		return;
	}
}

