/*
 * ll_parse.c: the two text formats the runtime reads.
 *
 * NAME.landlock (docs/landlock.md has the grammar): one directive per
 * line, words separated by single spaces, strings double-quoted with the
 * language's escapes, `#` lines are comments (the header). Anything the
 * parser does not understand is an error: an artifact from a newer
 * compiler must not be half-applied.
 *
 * NAME.seccomp (written by the seccomp backend): `seccomp 1`, `default
 * ACTION`, `flags LIST|none`, and one `blob ARCH 0xAUDIT FILE COUNT
 * xxh3-64:HEX` per architecture.
 */
#include "sbx.h"
#include "ll_abi.h"
#include "proxy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The runtime links no library: XXH3 is compiled in. */
#define XXH_INLINE_ALL
#include <xxhash.h>

typedef struct Cursor {
	const char *s; /* current position in the line */
	int line;
	RtBuf *err;
} Cursor;

static bool fail(Cursor *c, const char *what)
{
	rt_printf(c->err, "line %d: %s", c->line, what);
	return false;
}

/* The next space-separated word, copied into w (at most n-1 bytes). */
static bool word(Cursor *c, char *w, size_t n)
{
	while (*c->s == ' ')
		c->s++;
	size_t i = 0;
	while (*c->s && *c->s != ' ' && *c->s != '\n') {
		if (i + 1 >= n)
			return false;
		w[i++] = *c->s++;
	}
	w[i] = 0;
	return i > 0;
}

static bool at_end(Cursor *c)
{
	while (*c->s == ' ')
		c->s++;
	return *c->s == 0 || *c->s == '\n';
}

static char *quoted(Cursor *c)
{
	while (*c->s == ' ')
		c->s++;
	return rt_unquote(&c->s);
}

static bool number(const char *w, unsigned long max, unsigned long *out)
{
	if (!*w)
		return false;
	unsigned long v = 0;
	for (; *w; w++) {
		if (*w < '0' || *w > '9')
			return false;
		v = v * 10 + (unsigned long)(*w - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

typedef struct RightName {
	const char *name;
	uint64_t bit;
	int abi;
} RightName;

#define X(N, s, bit, abi, f) { s, 1ull << (bit), abi },
static const RightName fs_names[] = { LL_FS_RIGHTS(X) };
#undef X
#define X(N, s, bit, abi) { s, 1ull << (bit), abi },
static const RightName net_names[] = { LL_NET_RIGHTS(X) };
static const RightName scope_names[] = { LL_SCOPES(X) };
#undef X

/* "name@abi": the ABI tag must agree with the table, so a reader can trust
 * the tags it sees in a reviewed file. */
static bool right(const RightName *t, size_t nt, const char *w, uint64_t *bit, int *abi)
{
	const char *at = strchr(w, '@');
	if (!at)
		return false;
	size_t n = (size_t)(at - w);
	unsigned long a;
	if (!number(at + 1, 99, &a))
		return false;
	for (size_t i = 0; i < nt; i++)
		if (strlen(t[i].name) == n && memcmp(t[i].name, w, n) == 0 && t[i].abi == (int)a) {
			*bit = t[i].bit;
			if (abi)
				*abi = t[i].abi;
			return true;
		}
	return false;
}

static bool parse_fs(Cursor *c, LlArtifact *a)
{
	char w[512];
	LlFsRule r = { .line = c->line };
	if (!word(c, w, sizeof w))
		return fail(c, "fs: allow or carve expected");
	if (strcmp(w, "allow") == 0)
		r.kind = LLR_ALLOW;
	else if (strcmp(w, "carve") == 0)
		r.kind = LLR_CARVE;
	else
		return fail(c, "fs: allow or carve expected");
	if (!word(c, w, sizeof w))
		return fail(c, "fs: rights expected");
	for (char *tok = strtok(w, ","); tok; tok = strtok(NULL, ",")) {
		uint64_t bit;
		if (!right(fs_names, ARRAY_N(fs_names), tok, &bit, NULL))
			return fail(c, "fs: unknown right (NAME@ABI expected)");
		r.access |= bit;
	}
	r.pattern = quoted(c);
	if (!r.pattern || r.pattern[0] == 0) {
		free(r.pattern);
		return fail(c, "fs: quoted path expected");
	}
	LlFsRule *slot = RT_PUSH(a->fs, a->nfs, a->capfs); /* owned by a from here on */
	*slot = r;
	while (!at_end(c)) {
		if (!word(c, w, sizeof w))
			return fail(c, "fs: bad flag");
		if (strcmp(w, "required") == 0)
			slot->flags |= LLF_REQUIRED;
		else if (strcmp(w, "create") == 0)
			slot->flags |= LLF_CREATE;
		else if (strcmp(w, "escaped") == 0)
			slot->flags |= LLF_ESCAPED;
		else
			return fail(c, "fs: unknown flag");
	}
	return true;
}

static bool parse_net(Cursor *c, LlArtifact *a)
{
	char w[64];
	uint64_t bit;
	if (!word(c, w, sizeof w) || !right(net_names, ARRAY_N(net_names), w, &bit, NULL))
		return fail(c, "net: bind_tcp@4 or connect_tcp@4 expected");
	LlNet *n = bit == LL_NET_BIND_TCP ? &a->bind : &a->connect;
	if (n->handled)
		return fail(c, "net: right given twice");
	n->handled = true;
	while (!at_end(c)) {
		if (!word(c, w, sizeof w))
			return fail(c, "net: bad port");
		if (strcmp(w, "none") == 0)
			continue;
		unsigned long lo, hi;
		char *dash = strchr(w, '-');
		if (dash) {
			*dash = 0;
			if (!number(w, 65535, &lo) || !number(dash + 1, 65535, &hi) || lo > hi)
				return fail(c, "net: bad port range");
		} else {
			if (!number(w, 65535, &lo))
				return fail(c, "net: bad port");
			hi = lo;
		}
		LlPortRange *p = RT_PUSH(n->v, n->n, n->cap);
		p->lo = (uint16_t)lo;
		p->hi = (uint16_t)hi;
	}
	return true;
}

/* sup RIGHT PROTO                              the supervisor decides these
 * sup RIGHT PROTO allow|deny HOST PORTS "WHERE"  one rule
 * HOST: * | localhost | A.B.C.D/N | [x:x:x:x:x:x:x:x]/N; PORTS: * | LO-HI */
static bool parse_sup(Cursor *c, LlArtifact *a)
{
	char w[128];
	unsigned which;
	if (!word(c, w, sizeof w))
		return fail(c, "sup: connect, bind or write expected");
	if (strcmp(w, "write") == 0) {
		/* sup write                            writes in carved trees are the supervisor's
		 * sup write allow|deny "PATTERN" "WHERE"  a rule's source, for --log */
		if (at_end(c)) {
			a->sup |= SUP_WRITE;
			return true;
		}
		if (!(a->sup & SUP_WRITE))
			return fail(c, "sup: a rule before its 'sup write' line");
		if (!word(c, w, sizeof w) || (strcmp(w, "allow") != 0 && strcmp(w, "deny") != 0))
			return fail(c, "sup: allow or deny expected");
		char *pat = quoted(c), *where = pat ? quoted(c) : NULL;
		if (!where) {
			free(pat);
			return fail(c, "sup write: quoted pattern and source location expected");
		}
		*RT_PUSH(a->supw_pat, a->nsupw, a->capsupw) = pat;
		a->nsupw--;
		*RT_PUSH(a->supw_where, a->nsupw, a->capsupw2) = where;
		return true;
	}
	bool conn = strcmp(w, "connect") == 0;
	if (!conn && strcmp(w, "bind") != 0)
		return fail(c, "sup: connect or bind expected");
	if (!word(c, w, sizeof w) || (strcmp(w, "tcp") != 0 && strcmp(w, "udp") != 0))
		return fail(c, "sup: tcp or udp expected");
	which = w[0] == 't' ? (conn ? SUP_CONNECT_TCP : SUP_BIND_TCP) : (conn ? SUP_CONNECT_UDP : SUP_BIND_UDP);
	if (at_end(c)) {
		a->sup |= which;
		return true;
	}
	if (!(a->sup & which))
		return fail(c, "sup: a rule before its 'sup RIGHT PROTO' line");
	LlSupRule r = { .which = (uint8_t)which };
	if (!word(c, w, sizeof w) || (strcmp(w, "allow") != 0 && strcmp(w, "deny") != 0))
		return fail(c, "sup: allow or deny expected");
	r.allow = w[0] == 'a';
	if (!word(c, w, sizeof w))
		return fail(c, "sup: host expected");
	if (strcmp(w, "*") == 0) {
		r.host = SUPH_ANY;
	} else if (strcmp(w, "localhost") == 0) {
		r.host = SUPH_LOCALHOST;
	} else {
		char *slash = strrchr(w, '/');
		unsigned long pre;
		if (!slash)
			return fail(c, "sup: ADDRESS/PREFIX expected");
		*slash = 0;
		bool v6 = w[0] == '[';
		size_t n = strlen(w);
		if (v6 && (n < 3 || w[n - 1] != ']'))
			return fail(c, "sup: bad IPv6 address");
		if (v6)
			w[n - 1] = 0;
		if (!number(slash + 1, v6 ? 128 : 32, &pre) || inet_pton(v6 ? AF_INET6 : AF_INET, w + v6, r.addr) != 1)
			return fail(c, "sup: bad address");
		r.host = v6 ? SUPH_IP6 : SUPH_IP4;
		r.prefix = (uint8_t)pre;
	}
	if (!word(c, w, sizeof w))
		return fail(c, "sup: ports expected");
	if (strcmp(w, "*") == 0) {
		r.port_any = true;
	} else {
		char *dash = strchr(w, '-');
		unsigned long lo, hi;
		if (!dash)
			return fail(c, "sup: LO-HI expected");
		*dash = 0;
		if (!number(w, 65535, &lo) || !number(dash + 1, 65535, &hi) || lo > hi)
			return fail(c, "sup: bad port range");
		r.lo = (uint16_t)lo;
		r.hi = (uint16_t)hi;
	}
	if (!(r.where = quoted(c)))
		return fail(c, "sup: quoted source location expected");
	*RT_PUSH(a->suprules, a->nsup, a->capsup) = r;
	return true;
}

static bool parse_line(Cursor *c, LlArtifact *a)
{
	char w[512];
	unsigned long v;
	if (!word(c, w, sizeof w))
		return fail(c, "directive expected");
	if (a->version == 0) {
		if (strcmp(w, "landlock") != 0)
			return fail(c, "'landlock 1' expected first");
		if (!word(c, w, sizeof w) || !number(w, 1000, &v) || v != 1)
			return fail(c, "unsupported landlock format version (this runtime reads 1)");
		a->version = (int)v;
	} else if (strcmp(w, "abi") == 0) {
		if (!word(c, w, sizeof w) || !number(w, 99, &v) || v < 1)
			return fail(c, "abi: number expected");
		a->abi = (int)v;
	} else if (strcmp(w, "param") == 0) {
		LlParamDecl d = { 0 };
		if (!word(c, w, sizeof w))
			return fail(c, "param: name expected");
		char name[512];
		memcpy(name, w, sizeof name);
		if (!word(c, w, sizeof w))
			return fail(c, "param: kind expected");
		if (strcmp(w, "builtin") == 0)
			d.kind = LLP_BUILTIN;
		else if (strcmp(w, "required") == 0)
			d.kind = LLP_REQUIRED;
		else if (strcmp(w, "default") == 0 || strcmp(w, "baked") == 0) {
			d.kind = w[0] == 'd' ? LLP_DEFAULT : LLP_BAKED;
			if (!(d.value = quoted(c)))
				return fail(c, "param: quoted value expected");
		} else
			return fail(c, "param: builtin, required, default or baked expected");
		d.name = rt_strdup(name);
		*RT_PUSH(a->params, a->nparams, a->capparams) = d;
	} else if (strcmp(w, "fs") == 0) {
		if (!parse_fs(c, a))
			return false;
	} else if (strcmp(w, "net") == 0) {
		if (!parse_net(c, a))
			return false;
	} else if (strcmp(w, "sup") == 0) {
		if (!parse_sup(c, a))
			return false;
	} else if (strcmp(w, "proxy") == 0) {
		if (!a->proxy)
			a->proxy = rt_alloc(sizeof *a->proxy);
		RtBuf e = { 0 };
		bool ok = px_rule_parse(c->s, a->proxy, &e);
		if (!ok)
			fail(c, e.p);
		free(e.p);
		return ok; /* px_rule_parse read the whole line */
	} else if (strcmp(w, "scope") == 0) {
		while (!at_end(c)) {
			uint64_t bit;
			if (!word(c, w, sizeof w) || !right(scope_names, ARRAY_N(scope_names), w, &bit, NULL))
				return fail(c, "scope: unknown scope");
			a->scopes |= bit;
		}
	} else if (strcmp(w, "fallback") == 0) {
		LlFallback f = { 0 };
		if (!word(c, w, sizeof w))
			return fail(c, "fallback: right expected");
		uint64_t bit;
		if (!right(fs_names, ARRAY_N(fs_names), w, &bit, &f.abi) &&
		    !right(net_names, ARRAY_N(net_names), w, &bit, &f.abi) &&
		    !right(scope_names, ARRAY_N(scope_names), w, &bit, &f.abi))
			return fail(c, "fallback: unknown right");
		*strchr(w, '@') = 0;
		snprintf(f.right, sizeof f.right, "%s", w);
		if (!word(c, w, sizeof w))
			return fail(c, "fallback: action expected");
		if (strcmp(w, "refuse") == 0)
			f.action = LL_FB_REFUSE;
		else if (strcmp(w, "stricter") == 0)
			f.action = LL_FB_STRICTER;
		else if (strcmp(w, "degrade") == 0)
			f.action = LL_FB_DEGRADE;
		else if (strcmp(w, "seccomp") == 0)
			f.action = LL_FB_SECCOMP;
		else
			return fail(c, "fallback: refuse, stricter, degrade or seccomp expected");
		if (!(f.why = quoted(c)))
			return fail(c, "fallback: quoted reason expected");
		*RT_PUSH(a->fb, a->nfb, a->capfb) = f; /* owned by a */
	} else if (strcmp(w, "seccomp") == 0) {
		if (a->has_seccomp_line)
			return fail(c, "seccomp: given twice");
		a->has_seccomp_line = true;
		while (*c->s == ' ')
			c->s++;
		if (*c->s != '"') {
			if (!word(c, w, sizeof w) || strcmp(w, "none") != 0 || !(a->seccomp_none_why = quoted(c)))
				return fail(c, "seccomp: \"FILE\" xxh3-64:HEX or none \"why\" expected");
		} else {
			char *f = quoted(c);
			a->seccomp_manifest = f; /* owned by a, checked below */
			if (!f || !*f || strchr(f, '/') || strcmp(f, "..") == 0 || strcmp(f, ".") == 0)
				return fail(c, "seccomp: a file name beside the artifact expected");
			if (!word(c, w, sizeof w) || strncmp(w, "xxh3-64:", 8) != 0 || strlen(w) != 24)
				return fail(c, "seccomp: xxh3-64:HEX expected");
			char *end;
			a->seccomp_hash = strtoull(w + 8, &end, 16);
			if (*end)
				return fail(c, "seccomp: bad digest");
		}
	} else {
		return fail(c, "unknown directive");
	}
	if (!at_end(c))
		return fail(c, "unexpected text at the end of the line");
	return true;
}

void ll_free(LlArtifact *a)
{
	for (int i = 0; i < a->nparams; i++) {
		free(a->params[i].name);
		free(a->params[i].value);
	}
	free(a->params);
	for (int i = 0; i < a->nfs; i++)
		free(a->fs[i].pattern);
	free(a->fs);
	free(a->bind.v);
	free(a->connect.v);
	for (int i = 0; i < a->nfb; i++)
		free(a->fb[i].why);
	free(a->fb);
	free(a->seccomp_manifest);
	free(a->seccomp_none_why);
	for (int i = 0; i < a->nsupw; i++) {
		free(a->supw_pat[i]);
		free(a->supw_where[i]);
	}
	free(a->supw_pat);
	free(a->supw_where);
	for (int i = 0; i < a->nsup; i++)
		free(a->suprules[i].where);
	free(a->suprules);
	if (a->proxy)
		px_policy_free(a->proxy);
	free(a->proxy);
	memset(a, 0, sizeof *a);
}

bool ll_parse(const char *text, LlArtifact *a, RtBuf *err)
{
	memset(a, 0, sizeof *a);
	Cursor c = { .s = text, .line = 0, .err = err };
	while (*c.s) {
		c.line++;
		const char *eol = strchr(c.s, '\n');
		if (*c.s != '#' && *c.s != '\n' && !parse_line(&c, a))
			return false;
		if (!eol)
			break;
		c.s = eol + 1;
	}
	if (a->version == 0)
		return fail(&c, "empty artifact ('landlock 1' expected)");
	if (!a->has_seccomp_line)
		return fail(&c, "no seccomp line");
	if (a->abi == 0)
		return fail(&c, "no abi line");
	return true;
}

/* ---- the seccomp manifest ---- */

static const struct {
	const char *name;
	unsigned bit;
} scmp_flags[] = {
	/* SECCOMP_FILTER_FLAG_* (linux/seccomp.h) */
	{ "tsync", 1 },  { "log", 2 },		{ "spec_allow", 4 },
	{ "new_listener", 8 }, { "tsync_esrch", 16 }, { "wait_killable_recv", 32 },
};

bool scmp_manifest_parse(const char *text, ScmpManifest *m, RtBuf *err)
{
	memset(m, 0, sizeof *m);
	Cursor c = { .s = text, .line = 0, .err = err };
	bool header = false;
	char w[512];
	while (*c.s) {
		c.line++;
		const char *eol = strchr(c.s, '\n');
		if (*c.s != '#' && *c.s != '\n') {
			if (!word(&c, w, sizeof w))
				return fail(&c, "seccomp manifest: directive expected");
			if (!header) {
				unsigned long v;
				if (strcmp(w, "seccomp") != 0 || !word(&c, w, sizeof w) || !number(w, 99, &v) || v != 1)
					return fail(&c, "seccomp manifest: 'seccomp 1' expected");
				header = true;
			} else if (strcmp(w, "default") == 0) {
				while (!at_end(&c))
					word(&c, w, sizeof w); /* informational: the blob encodes it */
			} else if (strcmp(w, "flags") == 0) {
				while (!at_end(&c)) {
					if (!word(&c, w, sizeof w))
						return fail(&c, "seccomp manifest: bad flags");
					for (char *t = strtok(w, ","); t; t = strtok(NULL, ",")) {
						if (strcmp(t, "none") == 0)
							continue;
						size_t i;
						for (i = 0; i < ARRAY_N(scmp_flags); i++)
							if (strcmp(t, scmp_flags[i].name) == 0)
								break;
						if (i == ARRAY_N(scmp_flags))
							return fail(&c, "seccomp manifest: unknown flag");
						m->flags |= scmp_flags[i].bit;
					}
				}
			} else if (strcmp(w, "blob") == 0) {
				ScmpBlob b = { 0 };
				char hex[64];
				unsigned long count;
				char *end;
				if (!word(&c, b.arch, sizeof b.arch) || !word(&c, w, sizeof w))
					return fail(&c, "seccomp manifest: blob ARCH 0xAUDIT FILE COUNT xxh3-64:HEX expected");
				b.audit_arch = (uint32_t)strtoul(w, &end, 16);
				if (strncmp(w, "0x", 2) != 0 || *end)
					return fail(&c, "seccomp manifest: bad audit arch");
				if (!word(&c, b.file, sizeof b.file) || strchr(b.file, '/') || b.file[0] == '.')
					return fail(&c, "seccomp manifest: bad blob file name");
				if (!word(&c, w, sizeof w) || !number(w, 4096, &count) || count == 0)
					return fail(&c, "seccomp manifest: bad instruction count");
				b.count = (uint32_t)count;
				if (!word(&c, hex, sizeof hex) || strncmp(hex, "xxh3-64:", 8) != 0 || strlen(hex) != 24)
					return fail(&c, "seccomp manifest: xxh3-64:HEX expected");
				b.hash = strtoull(hex + 8, &end, 16);
				if (*end)
					return fail(&c, "seccomp manifest: bad digest");
				*RT_PUSH(m->v, m->n, m->cap) = b;
			} else {
				return fail(&c, "seccomp manifest: unknown directive");
			}
			if (!at_end(&c))
				return fail(&c, "seccomp manifest: unexpected text at the end of the line");
		}
		if (!eol)
			break;
		c.s = eol + 1;
	}
	if (!header)
		return fail(&c, "seccomp manifest: empty");
	return true;
}

/* The anchor a sandboxed program cannot rewrite: a digest given on the
 * command line (--digest, from `sbx-exec --report` or `sbxc check` run
 * outside any sandbox, or kept in a launcher). */
bool ll_verify_digest(const char *artifact, const char *text, size_t n, const SbxOpts *o, RtReport *rep)
{
	char got[32];
	snprintf(got, sizeof got, "xxh3:%016llx", (unsigned long long)XXH3_64bits(text, n));
	if (rep->detail)
		rt_note(rep, RT_ENFORCED, "artifact %s digest %s%s", artifact, got,
			o->expect_digest ? " (checked against --digest)" : " (pin it with --digest)");
	if (!o->expect_digest || strcmp(got, o->expect_digest) == 0)
		return true;
	fprintf(stderr, "%s: %s: digest %s is not %s given by --digest: the artifact was changed since it was pinned; refusing to apply it\n",
		o->prog ? o->prog : "sbx-exec", artifact, got, o->expect_digest);
	return false;
}
