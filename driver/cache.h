/*
 * cache.h: the compile cache, content-addressed and verified.
 *
 * A key is a list of named fields (schema version, output-format version,
 * compiler identity, targets, arches, options, baked params, the digest of
 * the inputs, the standard library's digest); its XXH3-128 names the entry.
 * The entry stores the full key text and is used only when that text is
 * equal byte for byte, every recorded input file still hashes the same,
 * and the entry's own trailing XXH3-128 matches: a corrupt, truncated or
 * colliding entry is a miss, never a wrong answer. Entries are written
 * atomically (temp file + rename); the cache is only ever an accelerator,
 * so every failure to use it is silent unless asked (--explain-cache).
 *
 *   CacheKey k; cache_key_begin(&k, "compile");
 *   cache_key_add(&k, "target", str_c("landlock")); ...; cache_key_end(&k);
 *   CacheEntry e;
 *   if (cache_get(root, &k, base, &e, &why) == CACHE_HIT) { use e.art[i]; cache_entry_free(&e); }
 *   else { compile; cache_put(root, &k, deps, ndeps, diags_text, &out, &why); }
 *
 * `sbxc run` (cli/cmd_run.c) can use the same calls with its own kind
 * ("run") and fields (the policy's input digest, the host arch).
 */
#ifndef SBX_CACHE_H
#define SBX_CACHE_H

#include "compile.h"

/* Bump when the entry layout or the meaning of a key field changes. */
#define CACHE_SCHEMA 1
/* The output-format version of the artifact set: bump when any backend's
 * bytes change for the same input (the compiler identity in the key also
 * protects a rebuilt compiler, so a forgotten bump costs a miss, not a
 * wrong hit). */
#define CACHE_OUTPUT_FORMAT 1

typedef struct CacheKey {
	Buf text;         /* "field <len>\nvalue\n"..., stored in the entry and compared on a hit */
	uint64_t hash[2]; /* XXH3-128 of text, after cache_key_end */
} CacheKey;

/* One input file the entry depends on: re-hashed on every hit. A name
 * "std/NAME" that is an embedded standard library file is checked
 * against the embedded bytes. */
typedef struct CacheDep {
	Str name;      /* the file's id (ir.h SrcFile): relative to the main policy's directory, or absolute */
	uint64_t hash; /* XXH3-64 of its bytes */
} CacheDep;

typedef struct CacheArt {
	Str name;
	Str data; /* points into the entry's mapping */
} CacheArt;

typedef struct CacheEntry {
	void *map;     /* the mapped entry file */
	size_t size;
	Str note;      /* what cache_put stored as note (e.g. the diagnostics to replay) */
	Str info;      /* the free-form info line (e.g. "ir xxh3-128:...") */
	CacheArt *art; /* malloc'd */
	int nart;
} CacheEntry;

typedef enum CacheResult {
	CACHE_HIT,
	CACHE_MISS,    /* no entry */
	CACHE_STALE,   /* an input file changed since the entry was made */
	CACHE_CORRUPT, /* truncated, damaged, or another key's entry */
	CACHE_OFF,     /* no cache directory */
} CacheResult;
extern const char *const cache_result_name[5];

/* The cache directory: $SBXC_CACHE_DIR, else $XDG_CACHE_HOME/sbxc, else
 * $HOME/.cache/sbxc; false if none is usable (absolute paths only). */
bool cache_root(char *out, size_t n);

void cache_key_begin(CacheKey *k, const char *kind);
void cache_key_add(CacheKey *k, const char *field, Str value);
void cache_key_addc(CacheKey *k, const char *field, const char *value);
void cache_key_addu(CacheKey *k, const char *field, uint64_t value);
void cache_key_end(CacheKey *k);
void cache_key_free(CacheKey *k);
/* The entry's file name: 32 hex digits + ".sbxcache". */
void cache_entry_name(const CacheKey *k, char out[48]);

/* Identity of the running compiler (size, mtime, inode of /proc/self/exe)
 * and the XXH3-128 of the embedded standard library, as hex. */
void cache_compiler_id(char out[64]);
void cache_stdlib_digest(char out[33]);

/* XXH3-64 of a file's bytes through a mapping; false if unreadable, not a
 * regular file, or larger than limit. */
bool cache_hash_file(const char *path, size_t limit, uint64_t *hash);

/* why (may be NULL) gets one line saying what happened. base is the main
 * policy's directory, where relative dependency names are looked up: the
 * same entry serves every working directory. */
CacheResult cache_get(const char *root, const CacheKey *k, const char *base, CacheEntry *e, Buf *why);
void cache_entry_free(CacheEntry *e);
bool cache_put(const char *root, const CacheKey *k, const CacheDep *deps, int ndeps, Str info, Str note,
	       const Output *out, Buf *why);

#endif
