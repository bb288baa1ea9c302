/*
 * base.h: the few types every phase shares.
 *
 * Strings are length-delimited slices (Str) that point into the source text
 * or into an arena; nothing is NUL-terminated unless a libc call needs it.
 * Every allocation of a compilation goes through one Arena, freed at once,
 * and through one function (arena_alloc) so that tests can inject failure.
 * Buf is a growable byte buffer for building artifacts and messages.
 */
#ifndef SBX_BASE_H
#define SBX_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

typedef struct Str {
	const char *p;
	size_t n;
} Str;

#define STR(lit) ((Str){ (lit), sizeof(lit) - 1 })
#define STRF(s) (int)(s).n, (s).p /* for printf("%.*s") */

static inline Str str_c(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return (Str){ s, n };
}
bool str_eq(Str a, Str b);
bool str_eqc(Str a, const char *c);
int str_cmp(Str a, Str b);
bool str_has_prefix(Str s, const char *prefix);

/* A chain of blocks; allocation is a pointer bump. */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
	ArenaBlock *head;
	size_t used;      /* bytes used in head */
	size_t total;     /* bytes handed out, for limits and tests */
	size_t fail_after;/* test hook: fail the allocation after this many bytes (0 = never) */
	bool failed;      /* an allocation failed */
	jmp_buf *oom;     /* where a failed allocation jumps to; set by the driver */
} Arena;

void arena_init(Arena *a);
void arena_free(Arena *a);
/* Zeroed memory, 16-byte aligned. Never returns NULL: on failure it sets
 * a->failed and longjmps to a->oom (aborts if none is set), so no phase has
 * to check allocations and the driver reports one "out of memory". */
void *arena_alloc(Arena *a, size_t n);
void *arena_realloc(Arena *a, void *old, size_t oldn, size_t newn);
/* Not zeroed: for large scratch arrays the caller fills before reading. */
void *arena_alloc_uninit(Arena *a, size_t n);
Str arena_strdup(Arena *a, Str s);
char *arena_cstr(Arena *a, Str s);
Str arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable vector of T in an arena: `T *v; int n, cap;` */
void *vec_grow(Arena *a, void *v, int n, int *cap, size_t elem);
#define VEC_PUSH(arena, v, n, cap) ((v) = vec_grow((arena), (v), (n), &(cap), sizeof *(v)), &(v)[(n)++])

/* Heap buffer (malloc), for outputs that outlive nothing but are large. */
typedef struct Buf {
	char *p;
	size_t n, cap;
	bool failed; /* allocation failed: contents are incomplete, do not use */
} Buf;

void buf_put(Buf *b, const void *p, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
void buf_str(Buf *b, Str s);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_u64(Buf *b, uint64_t v); /* decimal, without printf's cost on hot paths */
/* A JSON string: quotes, backslashes, control bytes and DEL escaped, so no
 * value can end the string or add a member; UTF-8 kept as is. */
void buf_json_str(Buf *b, Str s);
void fput_json_str(FILE *f, Str s);
void buf_free(Buf *b);
static inline Str buf_as_str(const Buf *b) { return (Str){ b->p ? b->p : "", b->n }; }

/* Read a whole file; returns 0, or an errno value. limit: maximum size. */
int read_file(const char *path, size_t limit, Buf *out);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))


/* A sorted index of byte strings, each with an int value (a rule's index):
 * the questions a backend asks per rule ("which rules lie under this
 * prefix?", "which rule has exactly this key?") in log time, built once per
 * policy instead of rescanning every rule per rule. Owns its memory. */
typedef struct StrIdx {
	Arena a;
	Str *key;
	int *val;
	int n, cap;
	int **min;  /* min[l][i]: least val in [i, i + 2^l), a sparse table */
	int levels;
	int *slot;  /* open addressing on XXH3: the first entry of each key, or -1 */
	size_t nslot;
} StrIdx;
void stridx_add(StrIdx *x, Str key, int val); /* copies key */
void stridx_sort(StrIdx *x);                  /* by (key, val); after the last add */
/* [lo, hi): the entries whose key starts with prefix (binary search), or
 * equals key (by hash; none: lo == hi == 0). */
void stridx_prefix(const StrIdx *x, Str prefix, int *lo, int *hi);
void stridx_equal(const StrIdx *x, Str key, int *lo, int *hi);
int stridx_min(const StrIdx *x, int lo, int hi); /* least val in [lo, hi); INT32_MAX if empty */
void stridx_free(StrIdx *x);                     /* back to empty */


/* A set of byte strings (open addressing on XXH3): does a key repeat? For
 * backends that would otherwise search what they emitted so far. Owns its
 * memory. */
typedef struct StrSet {
	Arena a;
	Str *slot;
	uint64_t *hash;
	int *val;
	size_t n, cap;
} StrSet;
bool strset_add(StrSet *s, Str key); /* true when key was not in s (it is now) */
/* As a map: key's value if present, else -1 after adding key with val. */
int strset_get_or_add(StrSet *s, Str key, int val);
void strset_free(StrSet *s);

#endif
