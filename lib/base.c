/*
 * base.c: arenas, strings and buffers.
 *
 * The arena hands out memory from 64 KiB blocks (or one block per large
 * request). A failed allocation jumps to the driver's recovery point (as
 * Lua's errors do), so the phases never check for NULL and tests can inject
 * failure at any byte with fail_after.
 */
#include "base.h"
/* Header-only: the tools and tests that link lib/ alone need no -lxxhash. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool str_eq(Str a, Str b) { return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0); }
bool str_eqc(Str a, const char *c)
{
	/* Compare as we go: no strlen over c first. */
	size_t i = 0;
	for (; i < a.n; i++)
		if (c[i] != a.p[i] || c[i] == 0)
			return false;
	return c[i] == 0;
}
bool str_has_prefix(Str s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.n >= n && memcmp(s.p, prefix, n) == 0;
}
int str_cmp(Str a, Str b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int c = n ? memcmp(a.p, b.p, n) : 0;
	if (c)
		return c;
	return a.n < b.n ? -1 : a.n > b.n;
}

struct ArenaBlock {
	ArenaBlock *next;
	size_t cap;
	_Alignas(16) unsigned char data[];
};

enum { BLOCK = 64 * 1024 };

void arena_init(Arena *a) { memset(a, 0, sizeof *a); }

void arena_free(Arena *a)
{
	ArenaBlock *b = a->head;
	while (b) {
		ArenaBlock *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
}

static _Noreturn void arena_fail(Arena *a)
{
	a->failed = true;
	if (a->oom)
		longjmp(*a->oom, 1);
	abort();
}

static void *alloc_raw(Arena *a, size_t n);

void *arena_alloc(Arena *a, size_t n)
{
	void *p = alloc_raw(a, n);
	memset(p, 0, n);
	return p;
}

void *arena_alloc_uninit(Arena *a, size_t n) { return alloc_raw(a, n); }

static void *alloc_raw(Arena *a, size_t n)
{
	if (n > SIZE_MAX / 2)
		arena_fail(a);
	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	if (a->fail_after && a->total + n > a->fail_after)
		arena_fail(a);
	if (!a->head || a->used + n > a->head->cap) {
		size_t cap = n > BLOCK / 4 ? n : BLOCK;
		ArenaBlock *b = malloc(sizeof *b + cap);
		if (!b)
			arena_fail(a);
		b->cap = cap;
		if (n > BLOCK / 4 && a->head) {
			/* A large block goes behind the head so the head keeps serving small requests. */
			b->next = a->head->next;
			a->head->next = b;
			a->total += n;
			return b->data;
		}
		b->next = a->head;
		a->head = b;
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += n;
	a->total += n;
	return p;
}

void *arena_realloc(Arena *a, void *old, size_t oldn, size_t newn)
{
	/* Only the new tail needs zeroing; the head is copied over. */
	unsigned char *p = alloc_raw(a, newn);
	size_t keep = old && oldn ? (oldn < newn ? oldn : newn) : 0;
	if (keep)
		memcpy(p, old, keep);
	memset(p + keep, 0, newn - keep);
	return p;
}

void *vec_grow(Arena *a, void *v, int n, int *cap, size_t elem)
{
	if (n < *cap)
		return v;
	int nc = *cap ? *cap * 2 : 8;
	if (nc <= *cap)
		arena_fail(a);
	v = arena_realloc(a, v, elem * (size_t)*cap, elem * (size_t)nc);
	*cap = nc;
	return v;
}

Str arena_strdup(Arena *a, Str s)
{
	char *p = arena_alloc(a, s.n + 1);
	if (s.n)
		memcpy(p, s.p, s.n);
	p[s.n] = 0;
	return (Str){ p, s.n };
}

char *arena_cstr(Arena *a, Str s) { return (char *)arena_strdup(a, s).p; }

Str arena_printf(Arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return (Str){ "", 0 };
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return (Str){ p, (size_t)n };
}

static bool buf_grow(Buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->n + extra <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->n + extra)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void buf_put(Buf *b, const void *p, size_t n)
{
	if (n && buf_grow(b, n)) {
		memcpy(b->p + b->n, p, n);
		b->n += n;
	}
}
void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }
void buf_putc(Buf *b, char c) { buf_put(b, &c, 1); }
void buf_str(Buf *b, Str s) { buf_put(b, s.p, s.n); }

void buf_printf(Buf *b, const char *fmt, ...)
{
	/* One pass when it fits (the common case), a second after growing. */
	if (!buf_grow(b, 64))
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->n) {
		if (!buf_grow(b, (size_t)n + 1))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->n += (size_t)n;
}

void buf_u64(Buf *b, uint64_t v)
{
	char tmp[24];
	int i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_put(b, tmp + i, sizeof tmp - (size_t)i);
}

void buf_free(Buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

int read_file(const char *path, size_t limit, Buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return e;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return EISDIR;
	}
	char tmp[65536];
	for (;;) {
		ssize_t r = read(fd, tmp, sizeof tmp);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		if (out->n + (size_t)r > limit) {
			close(fd);
			return EFBIG;
		}
		buf_put(out, tmp, (size_t)r);
	}
	close(fd);
	return out->failed ? ENOMEM : 0;
}

/* ---- StrIdx ---- */

void stridx_add(StrIdx *x, Str key, int val)
{
	if (x->n == x->cap) {
		int nc = x->cap ? x->cap * 2 : 64;
		x->key = arena_realloc(&x->a, x->key, sizeof *x->key * (size_t)x->cap, sizeof *x->key * (size_t)nc);
		x->val = arena_realloc(&x->a, x->val, sizeof *x->val * (size_t)x->cap, sizeof *x->val * (size_t)nc);
		x->cap = nc;
	}
	x->key[x->n] = arena_strdup(&x->a, key);
	x->val[x->n++] = val;
}

typedef struct IdxPair {
	Str key;
	int val;
} IdxPair;

static int idxpair_cmp(const void *a, const void *b)
{
	const IdxPair *p = a, *q = b;
	int c = str_cmp(p->key, q->key);
	return c ? c : (p->val > q->val) - (p->val < q->val);
}

void stridx_sort(StrIdx *x)
{
	if (x->n == 0)
		return;
	IdxPair *t = arena_alloc_uninit(&x->a, sizeof *t * (size_t)x->n);
	for (int i = 0; i < x->n; i++)
		t[i] = (IdxPair){ x->key[i], x->val[i] };
	qsort(t, (size_t)x->n, sizeof *t, idxpair_cmp);
	for (int i = 0; i < x->n; i++) {
		x->key[i] = t[i].key;
		x->val[i] = t[i].val;
	}
	/* Equal keys by hash (asked per path component: no log factor). */
	x->nslot = 16;
	while (x->nslot < 2 * (size_t)x->n)
		x->nslot *= 2;
	x->slot = arena_alloc_uninit(&x->a, sizeof *x->slot * x->nslot);
	memset(x->slot, 0xff, sizeof *x->slot * x->nslot);
	for (int i = 0; i < x->n; i++) {
		if (i > 0 && str_eq(x->key[i - 1], x->key[i]))
			continue;
		size_t h = XXH3_64bits(x->key[i].p, x->key[i].n) & (x->nslot - 1);
		while (x->slot[h] >= 0)
			h = (h + 1) & (x->nslot - 1);
		x->slot[h] = i;
	}
	x->levels = 1;
	while ((1 << x->levels) <= x->n)
		x->levels++;
	x->min = arena_alloc(&x->a, sizeof *x->min * (size_t)x->levels);
	x->min[0] = x->val;
	for (int l = 1; l < x->levels; l++) {
		int w = 1 << (l - 1), m = x->n - (1 << l) + 1;
		x->min[l] = arena_alloc_uninit(&x->a, sizeof **x->min * (size_t)(m > 0 ? m : 1));
		for (int i = 0; i < m; i++) {
			int a = x->min[l - 1][i], b = x->min[l - 1][i + w];
			x->min[l][i] = a < b ? a : b;
		}
	}
}

/* -1, 0, 1: key before, starting with, after prefix. */
static int prefix_cmp(Str key, Str prefix)
{
	size_t n = key.n < prefix.n ? key.n : prefix.n;
	int c = n ? memcmp(key.p, prefix.p, n) : 0;
	if (c)
		return c < 0 ? -1 : 1;
	return key.n < prefix.n ? -1 : 0;
}

void stridx_prefix(const StrIdx *x, Str prefix, int *lo, int *hi)
{
	int l = 0, h = x->n;
	while (l < h) {
		int m = (l + h) / 2;
		if (prefix_cmp(x->key[m], prefix) < 0)
			l = m + 1;
		else
			h = m;
	}
	*lo = l;
	h = x->n;
	while (l < h) {
		int m = (l + h) / 2;
		if (prefix_cmp(x->key[m], prefix) <= 0)
			l = m + 1;
		else
			h = m;
	}
	*hi = l;
}

void stridx_equal(const StrIdx *x, Str key, int *lo, int *hi)
{
	*lo = *hi = 0;
	if (x->n == 0)
		return;
	for (size_t h = XXH3_64bits(key.p, key.n) & (x->nslot - 1); x->slot[h] >= 0; h = (h + 1) & (x->nslot - 1)) {
		int i = x->slot[h];
		if (!str_eq(x->key[i], key))
			continue;
		int j = i;
		while (j < x->n && str_eq(x->key[j], key))
			j++;
		*lo = i;
		*hi = j;
		return;
	}
}

int stridx_min(const StrIdx *x, int lo, int hi)
{
	if (lo >= hi)
		return INT32_MAX;
	int l = 0;
	while ((2 << l) <= hi - lo)
		l++;
	int a = x->min[l][lo], b = x->min[l][hi - (1 << l)];
	return a < b ? a : b;
}

void stridx_free(StrIdx *x)
{
	arena_free(&x->a);
	*x = (StrIdx){ 0 };
}

/* ---- StrSet ---- */

static void strset_put(StrSet *s, Str key, uint64_t h, int val)
{
	size_t i = h & (s->cap - 1);
	while (s->slot[i].p)
		i = (i + 1) & (s->cap - 1);
	s->slot[i] = key;
	s->hash[i] = h;
	s->val[i] = val;
	s->n++;
}

int strset_get_or_add(StrSet *s, Str key, int val)
{
	uint64_t h = XXH3_64bits(key.p, key.n);
	if (s->cap) {
		for (size_t i = h & (s->cap - 1); s->slot[i].p; i = (i + 1) & (s->cap - 1))
			if (s->hash[i] == h && str_eq(s->slot[i], key))
				return s->val[i];
	}
	if (2 * (s->n + 1) > s->cap) {
		Str *os = s->slot;
		uint64_t *oh = s->hash;
		int *ov = s->val;
		size_t oc = s->cap;
		s->cap = oc ? oc * 2 : 64;
		s->slot = arena_alloc(&s->a, sizeof *s->slot * s->cap);
		s->hash = arena_alloc(&s->a, sizeof *s->hash * s->cap);
		s->val = arena_alloc(&s->a, sizeof *s->val * s->cap);
		s->n = 0;
		for (size_t i = 0; i < oc; i++)
			if (os[i].p)
				strset_put(s, os[i], oh[i], ov[i]);
	}
	strset_put(s, arena_strdup(&s->a, key), h, val);
	return -1;
}

bool strset_add(StrSet *s, Str key) { return strset_get_or_add(s, key, 0) < 0; }

void strset_free(StrSet *s)
{
	arena_free(&s->a);
	*s = (StrSet){ 0 };
}
