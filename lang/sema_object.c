/*
 * sema_object.c: the objects, read once for every statement that names one.
 *
 * A rule (`allow read ~/x`), an invariant (`never read ~/.ssh`), an
 * expectation (`expect deny read ~/.ssh/id_rsa`) and explain's operation
 * (`read /etc/passwd`) all name objects, and read them here: paths
 * normalised lexically (LANGUAGE.md section 4: ~ and ${PARAM} roots, -D
 * values baked in, Windows paths kept in their spelling), endpoints split
 * and validated (host, CIDR, port or range), process targets, platform
 * names, syscall names and argument values. A rule and never read patterns;
 * expect and explain read one concrete object (one host, one port, globs
 * taken literally). Where a rule and an operation word an error differently
 * (ObjHow.op), both wordings stay, as users and tests know them. What comes
 * out is IR: PathObj, NetObj and Op, for sema_rule.c and sema_check.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sema.h"
#include "consts.h"
#include "parse.h"
#include "grammar.h"
#include "../ir/syscalls.h"

const char *const obj_targets[3] = { "self", "children", "any" };

/* ------------------------------------------------------------------ */
/* Paths */

typedef struct PathCtx {
	SrcLoc loc;
	bool ok;
} PathCtx;

static bool path_ref(Sema *sm, Str name, size_t off, void *vctx)
{
	PathCtx *ctx = vctx;
	if (!decl_param(sm, name)) {
		SrcLoc at = ctx->loc;
		at.col += (uint32_t)off;
		const char *names[64];
		int n = 0;
		for (int i = 0; i < sm->nparams && n < 64; i++)
			names[n++] = cs(sm, sm->params[i].name);
		const char *hint = closest(name, names, n);
		if (hint)
			ERR(sm, at, "undefined param '${%s}' (did you mean ${%s}?)", cs(sm, name), hint);
		else
			ERR(sm, at, "undefined param '${%s}' (declare it: param %s)", cs(sm, name), cs(sm, name));
		ctx->ok = false;
		return false;
	}
	return true;
}

bool obj_is_win_path(Str s)
{
	if (s.n >= 3 && ((s.p[0] >= 'A' && s.p[0] <= 'Z') || (s.p[0] >= 'a' && s.p[0] <= 'z')) && s.p[1] == ':' &&
	    (s.p[2] == '\\' || s.p[2] == '/'))
		return true;
	return s.n >= 3 && s.p[0] == '\\' && s.p[1] == '\\' && s.p[2] != '\\';
}

/* Windows paths keep their spelling, with one separator and no trailing one. */
static bool win_path(Sema *sm, Str s, SrcLoc loc, PathObj *out)
{
	Buf b = { 0 };
	size_t i = 0;
	if (s.p[0] == '\\') {
		buf_puts(&b, "\\\\");
		i = 2;
	} else {
		buf_putc(&b, (char)(s.p[0] & ~0x20));
		buf_puts(&b, ":\\");
		i = 3;
	}
	int ncomp = 0, lit = 0, nlit = 0, nss = 0;
	uint8_t glob = GLOB_NONE;
	bool in_lit = true;
	PathIter it = ir_path_iter(s, i, '\\');
	for (Str c; ir_path_next(&it, &c);) {
		if (str_eqc(c, "..")) {
			buf_free(&b);
			ERR(sm, loc, "'..' in a Windows path");
			return false;
		}
		if (b.n && b.p[b.n - 1] != '\\')
			buf_putc(&b, '\\');
		buf_str(&b, c);
		ncomp++;
		if (memchr(c.p, '*', c.n)) {
			in_lit = false;
			uint8_t g = str_eqc(c, "**") ? GLOB_STARSTAR : GLOB_STAR;
			glob = g > glob ? g : glob;
			nss += g == GLOB_STARSTAR;
		} else {
			nlit++;
			lit += in_lit;
		}
	}
	out->text = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	out->root = ROOT_WIN;
	out->ncomp = (uint16_t)ncomp;
	out->literal_prefix = (uint16_t)lit;
	out->nlit = (uint16_t)nlit;
	out->nstarstar = (uint16_t)nss;
	out->glob = glob;
	return true;
}

/* Normalise a path as written (LANGUAGE.md section 4). */
bool obj_path_make(Sema *sm, Str raw, SrcLoc loc, uint8_t plat, bool is_query, PathObj *out)
{
	memset(out, 0, sizeof *out);
	if (raw.n == 0) {
		ERR(sm, loc, "empty path");
		return false;
	}
	if (memchr(raw.p, 0, raw.n)) {
		ERR(sm, loc, "NUL in a path");
		return false;
	}
	if (obj_is_win_path(raw)) {
		if (plat != PLAT_WINDOWS && !is_query) {
			ERR(sm, loc, "a Windows path belongs inside 'on windows { }'");
			return false;
		}
		return win_path(sm, raw, loc, out);
	}
	if (raw.p[0] == '~' && raw.n > 1 && raw.p[1] != '/') {
		ERR(sm, loc, "'~user' paths are not supported; write ~/... or ${HOME}/...");
		return false;
	}
	Str s = decl_expand_tilde(sm, raw);
	PathCtx pc = { loc, true };
	decl_each_ref(sm, s, path_ref, &pc);
	if (!pc.ok)
		return false;
	bool esc = false;
	s = decl_bake(sm, s, is_query ? NULL : &esc);
	if (obj_is_win_path(s)) /* a Windows value given with -D: a Windows path, wherever written */
		return win_path(sm, s, loc, out);
	uint8_t root;
	Str param = { 0, 0 };
	size_t i;
	if (s.p[0] == '/') {
		root = ROOT_ABS;
		i = 1;
	} else if (str_has_prefix(s, "${")) {
		size_t j = 2;
		while (j < s.n && s.p[j] != '}')
			j++;
		if (j + 1 < s.n && s.p[j + 1] != '/') {
			ERR(sm, loc, "a path must start with '/' or a whole ${PARAM} component ('%s')", cs(sm, raw));
			return false;
		}
		root = ROOT_PARAM;
		param = arena_strdup(sm->a, (Str){ s.p + 2, j - 2 });
		if (str_eqc(param, "UID")) {
			ERR(sm, loc, "${UID} is a number, not a path: it cannot start one");
			return false;
		}
		if (!decl_param_abs(sm, param)) {
			Param *pp = decl_param(sm, param);
			ERR(sm, loc, "param '%s' starts this path but its default \"%s\" is not absolute", cs(sm, param), cs(sm, pp->def));
			return false;
		}
		i = j + 1;
	} else {
		if (str_has_prefix(raw, "${"))
			ERR(sm, loc, "relative path '%s' once its params are resolved: a param that starts a path must be absolute",
			    cs(sm, s));
		else
			ERR(sm, loc, "relative path '%s': a path must be absolute or start with ~ or ${PARAM} (e.g. ${PROJECT}/%s)",
			    cs(sm, raw), cs(sm, str_has_prefix(raw, "./") ? (Str){ raw.p + 2, raw.n - 2 } : raw));
		return false;
	}
	/* Components after the root, normalised lexically. */
	Str comps[512];
	int n = 0;
	if (root == ROOT_PARAM)
		comps[n++] = arena_printf(sm->a, "${%.*s}", STRF(param));
	PathIter it = ir_path_iter(s, i, '/');
	for (Str c; ir_path_next(&it, &c);) {
		if (str_eqc(c, "..")) {
			if (n == 0)
				continue; /* "/.." is "/" */
			if (root == ROOT_PARAM && n == 1) {
				ERR(sm, loc, "'..' climbs above ${%s}", cs(sm, param));
				return false;
			}
			n--;
			continue;
		}
		if (n >= (int)ARRAY_LEN(comps)) {
			ERR(sm, loc, "path has more than %zu components", ARRAY_LEN(comps));
			return false;
		}
		if (!is_query && !ir_comp_starstar(c) && ir_comp_glob(c, esc)) {
			bool wild, prev = false, twice = false;
			for (size_t k = 0; k < c.n && !twice;) {
				ir_comp_byte(c, &k, esc, &wild);
				twice = prev && wild;
				prev = wild;
			}
			if (twice) {
				ERR(sm, loc, "'**' must be a whole path component (in '%s')", cs(sm, raw));
				return false;
			}
		}
		comps[n++] = c;
	}
	Buf b = { 0 };
	int lit = 0, nlit = 0, nss = 0;
	bool in_lit = true;
	uint8_t glob = GLOB_NONE;
	for (int k = 0; k < n; k++) {
		if (k > 0 || root == ROOT_ABS)
			buf_putc(&b, '/');
		buf_str(&b, comps[k]);
		bool has_star = !is_query && ir_comp_glob(comps[k], esc);
		if (has_star) {
			in_lit = false;
			uint8_t g = ir_comp_starstar(comps[k]) ? GLOB_STARSTAR : GLOB_STAR;
			glob = g > glob ? g : glob;
			nss += g == GLOB_STARSTAR;
		} else {
			nlit++;
			lit += in_lit;
		}
	}
	if (n == 0 && root == ROOT_ABS)
		buf_putc(&b, '/');
	out->text = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	out->param = param;
	out->root = root;
	out->ncomp = (uint16_t)n;
	out->literal_prefix = (uint16_t)lit;
	out->nlit = (uint16_t)nlit;
	out->nstarstar = (uint16_t)nss;
	out->glob = glob;
	out->esc = esc;
	return true;
}

/* ------------------------------------------------------------------ */
/* Endpoints */

static bool parse_port(Sema *sm, Str s, SrcLoc loc, NetObj *out, bool single)
{
	if (str_eqc(s, "*")) {
		if (single) {
			ERR(sm, loc, "an operation names one port, not '*'");
			return false;
		}
		out->port_any = true;
		out->port_lo = 0;
		out->port_hi = 65535;
		return true;
	}
	unsigned long v[2];
	int nv = 0;
	size_t i = 0;
	while (nv < 2) {
		size_t j = i;
		while (j < s.n && s.p[j] >= '0' && s.p[j] <= '9')
			j++;
		if (j == i || j - i > 5) {
			ERR(sm, loc, "malformed port '%s' (expected a number 0-65535, a range LO-HI, or *)", cs(sm, s));
			return false;
		}
		v[nv++] = strtoul(cs(sm, (Str){ s.p + i, j - i }), NULL, 10);
		if (v[nv - 1] > 65535) {
			ERR(sm, loc, "port %lu is out of range (0-65535)", v[nv - 1]);
			return false;
		}
		if (j == s.n)
			break;
		if (s.p[j] != '-' || nv == 2) {
			ERR(sm, loc, "malformed port '%s' (expected a number 0-65535, a range LO-HI, or *)", cs(sm, s));
			return false;
		}
		i = j + 1;
	}
	if (nv == 2 && single) {
		ERR(sm, loc, "an operation names one port, not a range");
		return false;
	}
	if (nv == 2 && v[0] > v[1]) {
		ERR(sm, loc, "bad port range %lu-%lu: the start is above the end", v[0], v[1]);
		return false;
	}
	out->port_lo = (uint16_t)v[0];
	out->port_hi = (uint16_t)(nv == 2 ? v[1] : v[0]);
	return true;
}

static bool all_digits_dots(Str s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!((s.p[i] >= '0' && s.p[i] <= '9') || s.p[i] == '.'))
			return false;
	return s.n > 0;
}

static bool parse_endpoint(Sema *sm, Tok t, uint8_t proto, bool single, NetObj *out)
{
	memset(out, 0, sizeof *out);
	out->proto = proto;
	Str s = t.text;
	SrcLoc loc = t.loc;
	if (t.type != ENDPOINT && t.type != BADWORD && t.type != ID && t.type != INT && t.type != STRING) {
		ERR(sm, loc, "expected an endpoint HOST:PORT, found %s", tok_describe(t.type));
		return false;
	}
	/* Host and port split at the last ':' outside brackets. */
	size_t colon = s.n;
	if (s.n && s.p[0] == '[') {
		const char *rb = memchr(s.p, ']', s.n);
		if (!rb) {
			ERR(sm, loc, "malformed endpoint '%s': '[' without ']'", cs(sm, s));
			return false;
		}
		const char *c = memchr(rb, ':', (size_t)(s.p + s.n - rb));
		colon = c ? (size_t)(c - s.p) : s.n;
	} else {
		const char *c = memchr(s.p, ':', s.n);
		colon = c ? (size_t)(c - s.p) : s.n;
	}
	if (colon == s.n) {
		ERR(sm, loc, "missing ':PORT' in endpoint '%s' (write HOST:PORT, e.g. %s:443 or %s:*)", cs(sm, s), cs(sm, s), cs(sm, s));
		return false;
	}
	Str host = { s.p, colon }, port = { s.p + colon + 1, s.n - colon - 1 };
	SrcLoc ploc = loc;
	ploc.col += (uint32_t)colon + 1;
	if (host.n == 0) {
		ERR(sm, loc, "missing host in endpoint '%s' (use * for any host)", cs(sm, s));
		return false;
	}
	if (!parse_port(sm, port, ploc, out, single))
		return false;
	/* Optional /prefix. */
	Str addr = host;
	int prefix = -1;
	const char *slash = memchr(host.p, '/', host.n);
	if (slash) {
		addr = (Str){ host.p, (size_t)(slash - host.p) };
		Str ps = { slash + 1, (size_t)(host.p + host.n - slash - 1) };
		if (single) {
			ERR(sm, loc, "an operation names one address, not a network");
			return false;
		}
		if (ps.n == 0 || ps.n > 3 || !all_digits_dots(ps) || memchr(ps.p, '.', ps.n)) {
			ERR(sm, loc, "malformed CIDR prefix '/%s'", cs(sm, ps));
			return false;
		}
		prefix = atoi(cs(sm, ps));
	}
	char buf[64];
	if (str_eqc(addr, "*")) {
		if (single) {
			ERR(sm, loc, "an operation names one host, not '*'");
			return false;
		}
		if (prefix >= 0) {
			ERR(sm, loc, "'*' takes no prefix");
			return false;
		}
		out->host_kind = HOST_ANY;
		out->host = STR("*");
	} else if (addr.p[0] == '[') {
		if (addr.n < 3 || addr.p[addr.n - 1] != ']' || addr.n - 2 >= sizeof buf) {
			ERR(sm, loc, "malformed IPv6 address '%s'", cs(sm, addr));
			return false;
		}
		memcpy(buf, addr.p + 1, addr.n - 2);
		buf[addr.n - 2] = 0;
		if (inet_pton(AF_INET6, buf, out->addr) != 1) {
			ERR(sm, loc, "malformed IPv6 address '%s'", buf);
			return false;
		}
		if (prefix > 128) {
			ERR(sm, loc, "bad CIDR: IPv6 prefix /%d is over 128", prefix);
			return false;
		}
		out->host_kind = HOST_IP6;
		out->prefix = (uint8_t)(prefix < 0 ? 128 : prefix);
	} else if (all_digits_dots(addr)) {
		if (addr.n >= sizeof buf) {
			ERR(sm, loc, "malformed IPv4 address '%s'", cs(sm, addr));
			return false;
		}
		memcpy(buf, addr.p, addr.n);
		buf[addr.n] = 0;
		struct in_addr in;
		if (inet_pton(AF_INET, buf, &in) != 1) {
			ERR(sm, loc, "malformed IPv4 address '%s'", buf);
			return false;
		}
		if (prefix > 32) {
			ERR(sm, loc, "bad CIDR: IPv4 prefix /%d is over 32", prefix);
			return false;
		}
		memcpy(out->addr, &in, 4);
		out->host_kind = HOST_IP4;
		out->prefix = (uint8_t)(prefix < 0 ? 32 : prefix);
	} else {
		if (prefix >= 0) {
			ERR(sm, loc, "a host name takes no prefix ('%s')", cs(sm, host));
			return false;
		}
		/* `*.` then a name: every subdomain of that name (LANGUAGE.md 2). */
		bool wild = addr.n >= 2 && addr.p[0] == '*' && addr.p[1] == '.';
		size_t from = wild ? 2 : 0;
		Str name = addr;
		if (name.n > from && name.p[name.n - 1] == '.')
			name.n--;
		const char *star = memchr(name.p + from, '*', name.n - from);
		if (star || (name.n && name.p[0] == '*' && !wild) || (wild && name.n <= from)) {
			SrcLoc at = loc;
			if (!wild && name.p[0] == '*') {
				at.col += 1;
				ERR(sm, at, "malformed wildcard host '%s': expected '.' after '*' (*.example.com is every subdomain of example.com)",
				    cs(sm, addr));
			} else if (star) {
				at.col += (uint32_t)(star - s.p);
				ERR(sm, at, "malformed wildcard host '%s': '*' may only be the whole first label, as in *.example.com", cs(sm, addr));
			} else {
				at.col += 2;
				ERR(sm, at, "malformed wildcard host '%s': expected a domain name after '*.'", cs(sm, addr));
			}
			return false;
		}
		if (single && wild) {
			ERR(sm, loc, "an operation names one host, not a wildcard name ('%s')", cs(sm, addr));
			return false;
		}
		Str dom = { name.p + from, name.n - from };
		bool okn = dom.n > 0 && name.n <= 253;
		size_t label = 0;
		for (size_t i = 0; okn && i < dom.n; i++) {
			char c = dom.p[i];
			if (c == '.') {
				okn = label > 0;
				label = 0;
			} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
				okn = ++label <= 63;
			} else
				okn = false;
		}
		okn = okn && label > 0;
		if (!okn) {
			ERR(sm, loc, "malformed host name '%s'", cs(sm, addr));
			return false;
		}
		char *lc = arena_cstr(sm->a, name);
		for (char *q = lc; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q + 32);
		out->host = str_c(lc);
		/* Not a name at all: the loopback addresses, so no resolver (and no
		 * /etc/hosts entry) can point it elsewhere. */
		out->host_kind = wild ? HOST_WILD : str_eqc(out->host, "localhost") ? HOST_LOCALHOST : HOST_NAME;
	}
	if (out->host_kind == HOST_IP4 || out->host_kind == HOST_IP6) {
		int bits = out->host_kind == HOST_IP4 ? 32 : 128;
		/* Host bits must be clear: 10.1.2.3/8 is more likely a typo than a network. */
		for (int b = out->prefix; b < bits; b++) {
			if (out->addr[b / 8] & (0x80 >> (b % 8))) {
				ERR(sm, loc, "bad CIDR '%s': address bits are set beyond the /%d prefix", cs(sm, host), out->prefix);
				return false;
			}
		}
		char txt[64];
		inet_ntop(out->host_kind == HOST_IP4 ? AF_INET : AF_INET6, out->addr, txt, sizeof txt);
		if (out->host_kind == HOST_IP6)
			out->host = out->prefix == 128 ? arena_printf(sm->a, "[%s]", txt) : arena_printf(sm->a, "[%s]/%d", txt, out->prefix);
		else
			out->host = out->prefix == 32 ? arena_printf(sm->a, "%s", txt) : arena_printf(sm->a, "%s/%d", txt, out->prefix);
	}
	return true;
}

Str obj_net_text(Sema *sm, const NetObj *n)
{
	static const char *const pn[] = { "tcp", "udp", "unix" };
	if (n->proto == PROTO_UNIX)
		return arena_printf(sm->a, "unix %.*s", STRF(n->path.text));
	if (n->port_any)
		return arena_printf(sm->a, "%s %.*s:*", pn[n->proto], STRF(n->host));
	if (n->port_lo == n->port_hi)
		return arena_printf(sm->a, "%s %.*s:%u", pn[n->proto], STRF(n->host), n->port_lo);
	return arena_printf(sm->a, "%s %.*s:%u-%u", pn[n->proto], STRF(n->host), n->port_lo, n->port_hi);
}

/* ------------------------------------------------------------------ */
/* Values and syscall names */

/* An argument value: a number (decimal, 0x, 0o), a constant name, or a | b. */
bool obj_value(Sema *sm, const Val *v, uint64_t *out)
{
	if (v->l) {
		uint64_t a, b;
		if (!obj_value(sm, v->l, &a) || !obj_value(sm, v->r, &b))
			return false;
		*out = a | b;
		return true;
	}
	Str t = v->tok.text;
	if (v->tok.type == INT) {
		const char *c = cs(sm, t);
		int base = 10;
		if (t.n > 2 && t.p[0] == '0' && (t.p[1] == 'x' || t.p[1] == 'X'))
			c += 2, base = 16;
		else if (t.n > 2 && t.p[0] == '0' && t.p[1] == 'o')
			c += 2, base = 8;
		errno = 0;
		char *end;
		unsigned long long x = strtoull(c, &end, base);
		if (errno || *end) {
			ERR(sm, v->tok.loc, "number '%s' is out of range (64 bits)", cs(sm, t));
			return false;
		}
		*out = x;
		return true;
	}
	if (!const_lookup(t, out)) {
		ERR(sm, v->tok.loc, "unknown constant '%s'", cs(sm, t));
		return false;
	}
	return true;
}

bool obj_syscall(Sema *sm, Tok t)
{
	if (syscall_known(t.text))
		return true;
	ERR(sm, t.loc, "unknown syscall '%s'", cs(sm, t.text));
	return false;
}

/* ------------------------------------------------------------------ */
/* Objects */

/* The protocol word of a network object; something must follow it. */
bool obj_proto(Sema *sm, const ObjHow *how, const Items *it, int *i, int n, uint8_t *proto)
{
	if (*i >= n) {
		ERR(sm, how->rtok.loc, "expected tcp, udp or unix after '%s'", cs(sm, how->rtok.text));
		return false;
	}
	Tok pt = it->v[(*i)++].tok;
	if (str_eqc(pt.text, "tcp"))
		*proto = PROTO_TCP;
	else if (str_eqc(pt.text, "udp"))
		*proto = PROTO_UDP;
	else if (str_eqc(pt.text, "unix"))
		*proto = PROTO_UNIX;
	else {
		ERR(sm, pt.loc, "expected tcp, udp or unix, found '%s'", cs(sm, pt.text));
		return false;
	}
	if (*i < n)
		return true;
	if (*proto == PROTO_UNIX)
		ERR(sm, pt.loc, "expected a socket path after 'unix'");
	else if (how->op)
		ERR(sm, pt.loc, "expected HOST:PORT after '%s'", cs(sm, pt.text));
	else
		ERR(sm, pt.loc, "expected an endpoint HOST:PORT after '%s'", cs(sm, pt.text));
	return false;
}

/* Nothing follows a right that needs a path or a process target: always false. */
bool obj_missing(Sema *sm, const ObjHow *how)
{
	if (ir_right_obj[how->right] == OBJ_PATH)
		ERR(sm, how->rtok.loc, "expected a path after '%s'", cs(sm, how->rtok.text));
	else if (!how->op && how->right == R_PTRACE)
		ERR(sm, how->rtok.loc, "expected 'children' after 'ptrace'");
	else
		ERR(sm, how->rtok.loc, "expected self, children or any after '%s'", ir_right_name[how->right]);
	return false;
}

/* One object of how->right's kind (path, network, target or name) from t,
 * into the matching fields of out; proto is the network object's, read
 * before with obj_proto. */
bool obj_read(Sema *sm, const ObjHow *how, Tok t, uint8_t proto, Op *out)
{
	bool quoted = t.type == PATH || t.type == STRING;
	switch (ir_right_obj[how->right]) {
	case OBJ_PATH:
		if (quoted)
			return obj_path_make(sm, t.text, t.loc, how->plat, how->concrete, &out->path);
		if (how->op)
			ERR(sm, t.loc, "expected a path after '%s'", ir_right_name[how->right]);
		else if (t.type == ID || t.type == BADWORD)
			ERR(sm, t.loc, "'%s' is not a path: paths start with /, ~ or ${PARAM}; quote names with spaces", cs(sm, t.text));
		else
			ERR(sm, t.loc, "expected a path, found %s", tok_describe(t.type));
		return false;
	case OBJ_NET:
		if (proto != PROTO_UNIX)
			return parse_endpoint(sm, t, proto, how->concrete, &out->net);
		memset(&out->net, 0, sizeof out->net);
		out->net.proto = PROTO_UNIX;
		if (!quoted) {
			if (how->op)
				ERR(sm, t.loc, "expected a socket path");
			else
				ERR(sm, t.loc, "expected a socket path, found %s", tok_describe(t.type));
			return false;
		}
		/* An operation's socket path is read as outside any `on` block, as
		 * it always was (a Windows one is refused in never's patterns). */
		if (!obj_path_make(sm, t.text, t.loc, how->op ? 0 : how->plat, how->concrete, &out->net.path))
			return false;
		out->path = out->net.path;
		return true;
	case OBJ_TARGET: {
		int tg = -1;
		for (int x = 0; x < 3; x++)
			if (str_eqc(t.text, obj_targets[x]))
				tg = x;
		/* A rule may only grant ptrace of children; an operation may ask about any. */
		bool children_only = !how->op && how->right == R_PTRACE;
		if (tg < 0 || (children_only && tg != TGT_CHILDREN)) {
			if (children_only)
				ERR(sm, t.loc, "ptrace takes 'children', found '%s'", cs(sm, t.text));
			else
				ERR(sm, t.loc, "expected self, children or any, found '%s'", cs(sm, t.text));
			return false;
		}
		out->target = (uint8_t)tg;
		return true;
	}
	case OBJ_NAME:
		if (!how->op && t.type != ID && t.type != STRING && t.type != BADWORD && t.type != MODPATH) {
			ERR(sm, t.loc, "expected a name after '%s', found %s", ir_right_name[how->right], tok_describe(t.type));
			return false;
		}
		if (!how->op && (t.text.n == 0 || memchr(t.text.p, 0, t.text.n))) {
			ERR(sm, t.loc, "empty name");
			return false;
		}
		out->name = t.text;
		return true;
	default: /* OBJ_NONE, OBJ_SYSCALL: read by their callers */
		return true;
	}
}

/* ------------------------------------------------------------------ */
/* Operations (expect, never, explain) */

/* A right and its one object, from it->v[i]. subtree: never's pattern (globs
 * and ranges allowed), else one concrete operation; *consumed is the index
 * after it. */
bool obj_op(Sema *sm, const Items *it, int i, uint8_t plat, bool subtree, Op *op, int *consumed)
{
	memset(op, 0, sizeof *op);
	if (i >= it->n) {
		ERR(sm, it->v[it->n - 1].tok.loc, "expected a right and an object");
		return false;
	}
	Tok t0 = it->v[i].tok;
	int r = t0.type == ID ? ir_right_lookup(t0.text) : -1;
	if (r < 0) {
		rule_unknown_right(sm, t0);
		return false;
	}
	op->right = (uint8_t)r;
	i++;
	ObjHow how = { r, t0, plat, true, !subtree };
	int kind = ir_right_obj[r];
	uint8_t proto = 0;
	if (kind == OBJ_NET && !obj_proto(sm, &how, it, &i, it->n, &proto))
		return false;
	switch (kind) {
	case OBJ_PATH:
	case OBJ_NET:
	case OBJ_TARGET:
		if (i >= it->n)
			return obj_missing(sm, &how);
		if (!obj_read(sm, &how, it->v[i++].tok, proto, op))
			return false;
		break;
	case OBJ_NAME:
		if (i < it->n && it->v[i].tok.type != EOS && !obj_read(sm, &how, it->v[i++].tok, 0, op))
			return false;
		break;
	case OBJ_NONE:
		break;
	case OBJ_SYSCALL: {
		if (i >= it->n || it->v[i].tok.type != ID) {
			ERR(sm, i < it->n ? it->v[i].tok.loc : t0.loc, "expected a syscall name after 'syscall'");
			return false;
		}
		Tok t = it->v[i++].tok;
		if (!obj_syscall(sm, t))
			return false;
		op->sysname = t.text;
		while (i < it->n && (it->v[i].tok.type == INT || it->v[i].tok.type == ID) && op->nargs < 6) {
			Val v = { it->v[i].tok, NULL, NULL };
			if (it->v[i].tok.type == ID && (str_eqc(it->v[i].tok.text, "because")))
				break;
			if (!obj_value(sm, &v, &op->args[op->nargs]))
				return false;
			op->nargs++;
			i++;
		}
		break;
	}
	}
	*consumed = i;
	return true;
}
