/*
 * json.c: a strict JSON reader for the launcher profile, and the launcher's
 * allocator.
 *
 * Recursive descent over RFC 8259 with limits: nesting at most 32 deep,
 * no trailing garbage, no duplicate keys (a second "files" must not
 * silently win over the first), strings must be valid UTF-8 with no NUL,
 * \u escapes (surrogate pairs included) become UTF-8. Anything else is an
 * error naming the byte offset: the launcher applies nothing from a file it
 * did not read in full.
 */
#include "launch.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct AclBlock {
	struct AclBlock *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *acl_alloc(AclPool *p, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!n)
		n = 16;
	struct AclBlock *b = p->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 32768 ? n : 32768;
		b = malloc(sizeof *b + cap);
		if (!b) {
			fputs("sbx-launch: out of memory\n", stderr);
			exit(ACL_EX_SANDBOX);
		}
		b->used = 0;
		b->cap = cap;
		b->next = p->head;
		p->head = b;
	}
	void *r = b->data + b->used;
	b->used += n;
	memset(r, 0, n);
	return r;
}

char *acl_strndup(AclPool *p, const char *s, size_t n)
{
	char *r = acl_alloc(p, n + 1);
	memcpy(r, s, n);
	r[n] = 0;
	return r;
}

void acl_pool_free(AclPool *p)
{
	while (p->head) {
		struct AclBlock *n = p->head->next;
		free(p->head);
		p->head = n;
	}
}

bool acl_fail(AclErr *e, const char *fmt, ...)
{
	if (!e->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->err, e->errn, fmt, ap);
		va_end(ap);
	}
	e->failed = true;
	return false;
}

typedef struct Rd {
	AclPool *pool;
	const char *s;
	size_t n, i;
	AclErr e;
} Rd;

static bool fail(Rd *r, const char *what)
{
	if (!r->e.failed)
		snprintf(r->e.err, r->e.errn, "byte %zu: %s", r->i, what);
	r->e.failed = true;
	return false;
}

static void ws(Rd *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\n' || r->s[r->i] == '\r'))
		r->i++;
}

static bool lit(Rd *r, const char *w)
{
	size_t k = strlen(w);
	if (r->n - r->i < k || memcmp(r->s + r->i, w, k) != 0)
		return fail(r, "unexpected word");
	r->i += k;
	return true;
}

static bool hex4(Rd *r, unsigned *out)
{
	if (r->n - r->i < 4)
		return fail(r, "short \\u escape");
	/* strtoul alone would take a sign, spaces or a 0x prefix: check the digits first. */
	char d[5] = { 0 };
	memcpy(d, r->s + r->i, 4);
	if (strspn(d, "0123456789abcdefABCDEF") != 4)
		return fail(r, "bad \\u escape");
	*out = (unsigned)strtoul(d, NULL, 16);
	r->i += 4;
	return true;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k;
	unsigned min;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		k = 2, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		k = 3, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		k = 4, min = 0x10000;
	else
		return 0;
	if (n < k)
		return 0;
	unsigned cp = c & (0x7f >> k);
	for (size_t j = 1; j < k; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[j] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

static char *string(Rd *r)
{
	r->i++; /* the opening quote */
	/* Output never exceeds the input's length: escapes shrink or keep size. */
	size_t start = r->i;
	while (r->i < r->n && r->s[r->i] != '"')
		r->i += r->s[r->i] == '\\' && r->i + 1 < r->n ? 2 : 1;
	if (r->i >= r->n)
		return fail(r, "unterminated string"), NULL;
	size_t end = r->i;
	r->i = start;
	char *o = acl_alloc(r->pool, end - start + 1);
	size_t k = 0;
	while (r->i < end) {
		unsigned char c = (unsigned char)r->s[r->i];
		if (c < 0x20)
			return fail(r, "control byte in string"), NULL;
		if (c != '\\') {
			size_t l = utf8_len((const unsigned char *)r->s + r->i, end - r->i);
			if (!l)
				return fail(r, "invalid UTF-8"), NULL;
			memcpy(o + k, r->s + r->i, l);
			k += l;
			r->i += l;
			continue;
		}
		char e = r->s[++r->i];
		r->i++;
		switch (e) {
		case '"': o[k++] = '"'; break;
		case '\\': o[k++] = '\\'; break;
		case '/': o[k++] = '/'; break;
		case 'b': o[k++] = '\b'; break;
		case 'f': o[k++] = '\f'; break;
		case 'n': o[k++] = '\n'; break;
		case 'r': o[k++] = '\r'; break;
		case 't': o[k++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (!hex4(r, &cp))
				return NULL;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(r, "lone low surrogate"), NULL;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->i + 2 > end || r->s[r->i] != '\\' || r->s[r->i + 1] != 'u')
					return fail(r, "lone high surrogate"), NULL;
				r->i += 2;
				if (!hex4(r, &lo))
					return NULL;
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(r, "bad surrogate pair"), NULL;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0)
				return fail(r, "NUL in string"), NULL;
			k += put_utf8(o + k, cp);
			break;
		}
		default:
			return fail(r, "bad escape"), NULL;
		}
	}
	r->i = end + 1;
	o[k] = 0;
	return o;
}

static Json *value(Rd *r, int depth);

static Json *number(Rd *r)
{
	size_t s = r->i;
	if (r->i < r->n && r->s[r->i] == '-')
		r->i++;
	if (r->i >= r->n || r->s[r->i] < '0' || r->s[r->i] > '9')
		return fail(r, "bad number"), NULL;
	if (r->s[r->i] == '0')
		r->i++;
	else
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
	if (r->i < r->n && r->s[r->i] == '.') {
		r->i++;
		if (r->i >= r->n || r->s[r->i] < '0' || r->s[r->i] > '9')
			return fail(r, "bad number"), NULL;
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
	}
	if (r->i < r->n && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
		r->i++;
		if (r->i < r->n && (r->s[r->i] == '+' || r->s[r->i] == '-'))
			r->i++;
		if (r->i >= r->n || r->s[r->i] < '0' || r->s[r->i] > '9')
			return fail(r, "bad number"), NULL;
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
	}
	char *t = acl_strndup(r->pool, r->s + s, r->i - s);
	Json *j = acl_alloc(r->pool, sizeof *j);
	j->kind = J_NUM;
	j->num = strtod(t, NULL);
	return j;
}

static Json *list(Rd *r, int depth, bool obj)
{
	Json *j = acl_alloc(r->pool, sizeof *j);
	j->kind = obj ? J_OBJ : J_ARR;
	int cap = 0;
	r->i++;
	ws(r);
	if (r->i < r->n && r->s[r->i] == (obj ? '}' : ']')) {
		r->i++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		ws(r);
		if (obj) {
			if (r->i >= r->n || r->s[r->i] != '"')
				return fail(r, "key expected"), NULL;
			if (!(key = string(r)))
				return NULL;
			for (int k = 0; k < j->n; k++)
				if (strcmp(j->keys[k], key) == 0)
					return fail(r, "duplicate key"), NULL;
			ws(r);
			if (r->i >= r->n || r->s[r->i] != ':')
				return fail(r, "':' expected"), NULL;
			r->i++;
		}
		Json *v = value(r, depth + 1);
		if (!v)
			return NULL;
		if (j->n == cap) {
			int nc = cap ? cap * 2 : 8;
			Json **nv = acl_alloc(r->pool, sizeof *nv * (size_t)nc);
			char **nk = acl_alloc(r->pool, sizeof *nk * (size_t)nc);
			if (j->n) {
				memcpy(nv, j->v, sizeof *nv * (size_t)j->n);
				if (obj)
					memcpy(nk, j->keys, sizeof *nk * (size_t)j->n);
			}
			j->v = nv;
			j->keys = obj ? nk : NULL;
			cap = nc;
		}
		if (obj)
			j->keys[j->n] = key;
		j->v[j->n++] = v;
		ws(r);
		if (r->i < r->n && r->s[r->i] == ',') {
			r->i++;
			continue;
		}
		if (r->i < r->n && r->s[r->i] == (obj ? '}' : ']')) {
			r->i++;
			return j;
		}
		return fail(r, obj ? "',' or '}' expected" : "',' or ']' expected"), NULL;
	}
}

static Json *value(Rd *r, int depth)
{
	if (depth > 32)
		return fail(r, "nested too deeply"), NULL;
	ws(r);
	if (r->i >= r->n)
		return fail(r, "value expected"), NULL;
	char c = r->s[r->i];
	if (c == '{' || c == '[')
		return list(r, depth, c == '{');
	if (c == '"') {
		char *s = string(r);
		if (!s)
			return NULL;
		Json *j = acl_alloc(r->pool, sizeof *j);
		j->kind = J_STR;
		j->s = s;
		return j;
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return number(r);
	Json *j = acl_alloc(r->pool, sizeof *j);
	if (c == 't' && lit(r, "true"))
		j->kind = J_BOOL, j->b = true;
	else if (c == 'f' && lit(r, "false"))
		j->kind = J_BOOL;
	else if (c == 'n' && lit(r, "null"))
		j->kind = J_NULL;
	else
		return fail(r, "value expected"), NULL;
	return j;
}

Json *acl_json_parse(AclPool *p, const char *text, size_t n, char *err, size_t errn)
{
	Rd r = { p, text, n, 0, { err, errn, false } };
	Json *j = value(&r, 0);
	if (!j)
		return NULL;
	ws(&r);
	if (r.i != r.n)
		return fail(&r, "trailing bytes after the value"), NULL;
	return j;
}

const Json *acl_json_get(const Json *obj, const char *key)
{
	if (!obj || obj->kind != J_OBJ)
		return NULL;
	for (int i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->v[i];
	return NULL;
}
