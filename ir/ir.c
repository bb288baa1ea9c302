/*
 * ir.c: the canonical form of a Policy and its two digests.
 *
 * Canonical order sorts rules by right, then object text, then platforms,
 * effect and action, so order in the source never shows. Rules equal in all
 * of those merge into one (flags are or-ed; the earliest location and first
 * reason are kept). The dump is the IR's stable text: golden tests compare
 * it, and the semantic digest is XXH3-128 over the dump without locations
 * and reasons, so moving a rule between files, reformatting or commenting
 * changes nothing, while any change in what is enforced changes the digest.
 * The input digest adds locations, reasons, checks and each file's bytes:
 * it keys what artifacts print (their comments carry source lines).
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "ir.h"
#include "../lib/esc.h"

#define X(e, s, k, p) s,
const char *const ir_right_name[R__COUNT] = { SBX_RIGHTS(X) };
#undef X
#define X(e, s, k, p) k,
const unsigned char ir_right_obj[R__COUNT] = { SBX_RIGHTS(X) };
#undef X
#define X(e, s, k, p) p,
const unsigned char ir_right_plat[R__COUNT] = { SBX_RIGHTS(X) };
#undef X

int ir_right_lookup(Str name)
{
	for (int i = 0; i < R__COUNT; i++)
		if (str_eqc(name, ir_right_name[i]))
			return i;
	return -1;
}

static int cmp_u(unsigned a, unsigned b) { return a < b ? -1 : a > b; }

/* Each comparison is the first field that differs: (c = ...) || ... */
static int cmp_loc(SrcLoc a, SrcLoc b)
{
	int c;
	if ((c = cmp_u(a.file, b.file)) || (c = cmp_u(a.line, b.line)))
		return c;
	return cmp_u(a.col, b.col);
}

/* Everything that makes two rules different, but the location and reason. */
static int rule_key_cmp(const Rule *a, const Rule *b)
{
	int c;
	if ((c = cmp_u(a->right, b->right)) || (c = str_cmp(a->obj, b->obj)) ||
	    (c = cmp_u(a->platforms, b->platforms)) || (c = cmp_u(a->effect, b->effect)) ||
	    (c = cmp_u(a->act.kind, b->act.kind)) || (c = cmp_u(a->path.esc, b->path.esc)))
		return c;
	return a->act.errno_val < b->act.errno_val ? -1 : a->act.errno_val > b->act.errno_val;
}

int ir_rule_cmp(const Rule *a, const Rule *b)
{
	int c;
	if ((c = rule_key_cmp(a, b)) || (c = cmp_u(a->flags, b->flags)) || (c = str_cmp(a->group, b->group)))
		return c;
	return cmp_loc(a->loc, b->loc);
}

bool ir_comp_starstar(Str c) { return c.n == 2 && c.p[0] == '*' && c.p[1] == '*'; }

char ir_comp_byte(Str c, size_t *i, bool esc, bool *wild)
{
	char ch = c.p[(*i)++];
	*wild = ch == '*';
	if (esc && ch == '\\' && *i < c.n) {
		ch = c.p[(*i)++];
		*wild = false;
	}
	return ch;
}

bool ir_comp_glob(Str c, bool esc)
{
	bool wild;
	for (size_t i = 0; i < c.n;) {
		ir_comp_byte(c, &i, esc, &wild);
		if (wild)
			return true;
	}
	return false;
}

static bool is_sep(const PathIter *it, char ch)
{
	return ch == it->sep || (it->sep == '\\' && ch == '/');
}

bool ir_path_next(PathIter *it, Str *comp)
{
	for (;;) {
		while (it->i < it->s.n && is_sep(it, it->s.p[it->i]))
			it->i++;
		if (it->i >= it->s.n)
			return false;
		size_t j = it->i;
		while (j < it->s.n && !is_sep(it, it->s.p[j]))
			j++;
		*comp = (Str){ it->s.p + it->i, j - it->i };
		it->i = j;
		if (!str_eqc(*comp, "."))
			return true;
	}
}

/* Canonical order puts one right's rules together: find them by bisection. */
void ir_right_range(const Policy *p, int right, int *lo, int *hi)
{
	int l = 0, h = p->nrules;
	while (l < h) {
		int m = (l + h) / 2;
		if (p->rules[m].right < right)
			l = m + 1;
		else
			h = m;
	}
	*lo = l;
	h = p->nrules;
	while (l < h) {
		int m = (l + h) / 2;
		if (p->rules[m].right <= right)
			l = m + 1;
		else
			h = m;
	}
	*hi = l;
}

static int qcmp(const void *a, const void *b) { return ir_rule_cmp(*(const Rule *const *)a, *(const Rule *const *)b); }

static const char *const plat_names[8] = { "none", "linux", "macos", "linux,macos", "windows", "linux,windows", "macos,windows", "all" };
const char *ir_platform_names(unsigned mask) { return plat_names[mask & 7]; }

/* Bytes that cannot stand in a bare path word (besides '$', handled apart). */
static const unsigned char quote_byte[256] = {
	[0 ... 0x20] = 1, [0x7f] = 1, ['"'] = 1, ['#'] = 1, [';'] = 1, ['{'] = 1, ['}'] = 1,
	['('] = 1, [')'] = 1, ['\\'] = 1, ['$'] = 2,
};

bool ir_needs_quote(Str s)
{
	if (s.n == 0)
		return true;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (!quote_byte[c])
			continue;
		if (c == '$') {
			/* ${NAME} is part of a bare path; any other '$' needs quotes. */
			if (i + 1 >= s.n || s.p[i + 1] != '{')
				return true;
			size_t j = i + 2;
			while (j < s.n && s.p[j] != '}')
				j++;
			if (j == s.n)
				return true;
			i = j;
			continue;
		}
		if (c <= 0x20 || c == 0x7f || c == '"' || c == '#' || c == ';' || c == '{' || c == '}' || c == '(' ||
		    c == ')' || c == '\\')
			return true;
	}
	/* A bare word must lex as a path again. */
	return !(s.p[0] == '/' || s.p[0] == '$' || s.p[0] == '~');
}

void ir_quote(Buf *out, Str s) { esc_put(out, s, ESC_SBX); }

/* A name (mach service, capability) is bare when it lexes as one word. */
static bool name_is_word(Str s)
{
	if (s.n == 0 || !((s.p[0] >= 'a' && s.p[0] <= 'z') || (s.p[0] >= 'A' && s.p[0] <= 'Z') || s.p[0] == '_'))
		return false;
	for (size_t i = 1; i < s.n; i++) {
		char c = s.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

static void put_name(Buf *out, Str s)
{
	if (name_is_word(s))
		buf_str(out, s);
	else
		ir_quote(out, s);
}

static void put_word(Buf *out, Str s)
{
	if (ir_needs_quote(s))
		ir_quote(out, s);
	else
		buf_str(out, s);
}

void ir_put_action(Buf *out, const Action *a)
{
	switch (a->kind) {
	case ACT_DEFAULT: buf_puts(out, "default"); break;
	case ACT_ALLOW: buf_puts(out, "allow"); break;
	case ACT_ERRNO: buf_printf(out, "errno %.*s", STRF(a->errno_name)); break;
	case ACT_KILL_PROCESS: buf_puts(out, "kill-process"); break;
	case ACT_KILL_THREAD: buf_puts(out, "kill-thread"); break;
	case ACT_TRAP: buf_puts(out, "trap"); break;
	case ACT_LOG: buf_puts(out, "log"); break;
	case ACT_NOTIFY: buf_puts(out, "notify"); break;
	}
}

void ir_put_object(Buf *out, const Rule *r)
{
	switch (ir_right_obj[r->right]) {
	case OBJ_PATH:
		put_word(out, r->path.text);
		break;
	case OBJ_NET:
		if (r->net.proto == PROTO_UNIX) {
			buf_puts(out, "unix ");
			put_word(out, r->net.path.text);
		} else
			buf_str(out, r->obj);
		break;
	case OBJ_NAME:
		if (r->name.n)
			put_name(out, r->name);
		break;
	default:
		buf_str(out, r->obj);
	}
}

Str ir_op_text(Arena *a, const Op *op)
{
	Buf b = { 0 };
	static const char *const pn[] = { "tcp", "udp", "unix" };
	static const char *const tn[] = { "self", "children", "any" };
	buf_puts(&b, ir_right_name[op->right]);
	switch (ir_right_obj[op->right]) {
	case OBJ_PATH:
		buf_putc(&b, ' ');
		put_word(&b, op->path.text);
		break;
	case OBJ_NET:
		buf_printf(&b, " %s ", pn[op->net.proto]);
		if (op->net.proto == PROTO_UNIX)
			put_word(&b, op->net.path.text);
		else if (op->net.port_any)
			buf_printf(&b, "%.*s:*", STRF(op->net.host));
		else if (op->net.port_lo != op->net.port_hi)
			buf_printf(&b, "%.*s:%u-%u", STRF(op->net.host), op->net.port_lo, op->net.port_hi);
		else
			buf_printf(&b, "%.*s:%u", STRF(op->net.host), op->net.port_lo);
		break;
	case OBJ_TARGET:
		buf_printf(&b, " %s", tn[op->target % 3]);
		break;
	case OBJ_SYSCALL:
		buf_printf(&b, " %.*s", STRF(op->sysname));
		for (int i = 0; i < op->nargs; i++)
			buf_printf(&b, " %llu", (unsigned long long)op->args[i]);
		break;
	case OBJ_NAME:
		if (op->name.n) {
			buf_putc(&b, ' ');
			put_name(&b, op->name);
		}
		break;
	default:
		break;
	}
	Str s = arena_strdup(a, buf_as_str(&b));
	buf_free(&b);
	return s;
}

const Param *ir_param(const Policy *p, Str name)
{
	for (int i = 0; i < p->nparams; i++)
		if (str_eq(p->params[i].name, name))
			return &p->params[i];
	return NULL;
}

void ir_digest_hex(const uint64_t d[2], char out[33])
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++)
		out[i] = hx[(d[i / 16] >> (60 - 4 * (i % 16))) & 15];
	out[32] = 0;
}

/* Hot: two dumps per compilation feed the digests. Plain writes, no printf. */
static void dump_rule(Buf *b, const Policy *p, const Rule *r, bool full)
{
	buf_puts(b, r->effect == EFF_ALLOW ? "allow " : "deny ");
	buf_puts(b, ir_right_name[r->right]);
	if (ir_right_obj[r->right] != OBJ_NONE && (ir_right_obj[r->right] != OBJ_NAME || r->name.n)) {
		buf_putc(b, ' ');
		ir_put_object(b, r);
	}
	if (r->right == R_SYSCALL && r->effect == EFF_DENY && r->act.kind != ACT_DEFAULT) {
		buf_putc(b, ' ');
		ir_put_action(b, &r->act);
	}
	if (r->right == R_SYSCALL && r->effect == EFF_ALLOW && r->act.kind == ACT_LOG)
		buf_puts(b, " log");
	if (r->right == R_SYSCALL && r->effect == EFF_ALLOW && r->act.kind == ACT_NOTIFY)
		buf_puts(b, " notify");
	if (r->flags & RF_REQUIRED)
		buf_puts(b, " required");
	if (r->flags & RF_CREATE)
		buf_puts(b, " create");
	buf_puts(b, " [");
	buf_puts(b, ir_platform_names(r->platforms));
	buf_putc(b, ']');
	if (full) {
		if (r->because.n) {
			buf_puts(b, " because ");
			ir_quote(b, r->because);
		}
		if (r->group.n) {
			buf_puts(b, " from ");
			buf_str(b, r->group);
		}
		if (r->loc.file < p->nfiles) {
			buf_puts(b, "  # ");
			buf_str(b, p->files[r->loc.file].name);
			buf_putc(b, ':');
			buf_u64(b, r->loc.line);
		}
	}
	buf_putc(b, '\n');
}

static void dump(const Policy *p, Buf *b, bool full)
{
	buf_puts(b, "sbx-ir 1\n");
	buf_printf(b, "policy %.*s", STRF(p->name));
	if (full && p->description.n) {
		buf_putc(b, ' ');
		ir_quote(b, p->description);
	}
	buf_putc(b, '\n');
	for (int i = 0; i < p->nparams; i++) {
		const Param *q = &p->params[i];
		buf_printf(b, "param %.*s", STRF(q->name));
		if (q->has_default) {
			buf_puts(b, q->baked ? " := " : " = ");
			ir_quote(b, q->def);
		} else if (q->builtin)
			buf_puts(b, " builtin");
		buf_putc(b, '\n');
	}
	buf_puts(b, "default deny ");
	ir_put_action(b, &p->default_action);
	buf_putc(b, '\n');
	for (int i = 0; i < p->naccepts; i++) {
		const Accept *a = &p->accepts[i];
		buf_printf(b, "accept wider %s", ir_right_name[a->right]);
		if (a->target.n)
			buf_printf(b, " on %.*s", STRF(a->target));
		if (full) {
			buf_puts(b, " because ");
			ir_quote(b, a->because);
		}
		buf_putc(b, '\n');
	}
	for (int i = 0; i < p->nrules; i++)
		dump_rule(b, p, &p->rules[i], full);
	if (full) {
		for (int i = 0; i < p->nexpects; i++)
			buf_printf(b, "expect %s %.*s [%s]\n", p->expects[i].effect == EFF_ALLOW ? "allow" : "deny",
				   STRF(p->expects[i].op.text), ir_platform_names(p->expects[i].platforms));
		for (int i = 0; i < p->nnevers; i++)
			buf_printf(b, "never %.*s [%s]\n", STRF(p->nevers[i].op.text), ir_platform_names(p->nevers[i].platforms));
	}
}

static int cmp_accept(const void *x, const void *y)
{
	const Accept *a = x, *b = y;
	int c = cmp_u(a->right, b->right);
	if (!c)
		c = str_cmp(a->target, b->target);
	if (!c)
		c = str_cmp(a->because, b->because);
	return c;
}

void ir_canonicalise(Arena *a, Policy *p)
{
	if (p->nrules > 1) {
		/* Rules are large: sort pointers, then move each rule once. */
		const Rule **order = arena_alloc(a, sizeof *order * (size_t)p->nrules);
		for (int i = 0; i < p->nrules; i++)
			order[i] = &p->rules[i];
		qsort(order, (size_t)p->nrules, sizeof *order, qcmp);
		Rule *sorted = arena_realloc(a, NULL, 0, sizeof *sorted * (size_t)p->nrules);
		for (int i = 0; i < p->nrules; i++)
			sorted[i] = *order[i];
		p->rules = sorted;
	}
	int n = 0;
	for (int i = 0; i < p->nrules; i++) {
		if (n > 0 && rule_key_cmp(&p->rules[n - 1], &p->rules[i]) == 0) {
			Rule *m = &p->rules[n - 1];
			m->flags |= p->rules[i].flags;
			if (!m->because.n)
				m->because = p->rules[i].because;
			continue; /* sorted by location within equal keys: the first stays */
		}
		p->rules[n++] = p->rules[i];
	}
	p->nrules = n;
	if (p->naccepts > 1)
		qsort(p->accepts, (size_t)p->naccepts, sizeof *p->accepts, cmp_accept);
	int m = 0;
	for (int i = 0; i < p->naccepts; i++)
		if (m == 0 || p->accepts[m - 1].right != p->accepts[i].right || !str_eq(p->accepts[m - 1].target, p->accepts[i].target))
			p->accepts[m++] = p->accepts[i];
	p->naccepts = m;

	Buf b = { 0 };
	dump(p, &b, false);
	XXH128_hash_t h = XXH3_128bits(b.p, b.n);
	p->digest[0] = h.high64;
	p->digest[1] = h.low64;
	/* The input digest: the semantic dump, then what it leaves out (every
	 * rule's location and reason, the description, the checks), then each
	 * file's name and bytes. Fields are length-prefixed so no two inputs
	 * can run together into the same byte stream. */
	XXH3_state_t *st = XXH3_createState();
	if (!st) {
		buf_free(&b);
		arena_realloc(a, NULL, 0, SIZE_MAX / 2 + 1); /* reports out of memory */
		return;
	}
	XXH3_128bits_reset(st);
	XXH3_128bits_update(st, b.p, b.n);
	uint64_t n64;
#define FEED(ptr, len) (n64 = (uint64_t)(len), XXH3_128bits_update(st, &n64, sizeof n64), XXH3_128bits_update(st, (ptr), (len)))
	FEED(p->description.p, p->description.n);
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		uint32_t loc[3] = { r->loc.file, r->loc.line, r->loc.col };
		XXH3_128bits_update(st, loc, sizeof loc);
		FEED(r->because.p, r->because.n);
		FEED(r->group.p, r->group.n);
	}
	for (int i = 0; i < p->naccepts; i++)
		FEED(p->accepts[i].because.p, p->accepts[i].because.n);
	for (int i = 0; i < p->nexpects; i++)
		FEED(p->expects[i].op.text.p, p->expects[i].op.text.n);
	for (int i = 0; i < p->nnevers; i++)
		FEED(p->nevers[i].op.text.p, p->nevers[i].op.text.n);
	for (int i = 0; i < p->nfiles; i++) {
		p->files[i].hash = XXH3_64bits(p->files[i].text.p, p->files[i].text.n);
		FEED(p->files[i].id.p, p->files[i].id.n);
		XXH3_128bits_update(st, &p->files[i].hash, sizeof p->files[i].hash);
	}
#undef FEED
	h = XXH3_128bits_digest(st);
	XXH3_freeState(st);
	p->input_digest[0] = h.high64;
	p->input_digest[1] = h.low64;
	buf_free(&b);
}

void ir_dump(const Policy *p, Buf *out)
{
	dump(p, out, true);
	char hex[33];
	ir_digest_hex(p->digest, hex);
	buf_printf(out, "digest xxh3-128:%s\n", hex);
}
