/*
 * cache.c: the compile cache (see cache.h for the contract).
 *
 * Entry layout, all lengths decimal, every section length-prefixed so no
 * byte of a value can be read as structure:
 *
 *   sbxc-cache 1\n
 *   key LEN\n KEYTEXT \n
 *   deps N\n        then N lines: HASH16 LEN NAME\n
 *   info LEN\n INFO \n
 *   note LEN\n NOTE \n
 *   artifacts N\n   then N times: LEN NAME DATALEN\n DATA \n
 *   end HASH32\n    (XXH3-128 of every byte before "end")
 *
 * The trailer is checked before anything is parsed, so a truncated or
 * damaged entry is rejected as a whole; the parser still bounds-checks
 * every length because the file is writable by anything the user runs.
 * The checksum detects accidents, not an attacker who can write the cache:
 * CI should compile with --no-cache (docs/review.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "cache.h"
#include "../lang/lang.h"
#include "../runtime/ll_abi.h"

const char *const cache_result_name[5] = { "hit", "miss", "stale", "corrupt", "off" };

/* One definition with the runtime, which denies it to every sandbox. */
bool cache_root(char *out, size_t n) { return ll_cache_root(out, n); }

void cache_key_begin(CacheKey *k, const char *kind)
{
	memset(k, 0, sizeof *k);
	buf_printf(&k->text, "schema %d\nkind %s\n", CACHE_SCHEMA, kind);
}

void cache_key_add(CacheKey *k, const char *field, Str value)
{
	buf_printf(&k->text, "%s %zu\n", field, value.n);
	buf_str(&k->text, value);
	buf_putc(&k->text, '\n');
}

void cache_key_addc(CacheKey *k, const char *field, const char *value) { cache_key_add(k, field, str_c(value)); }

void cache_key_addu(CacheKey *k, const char *field, uint64_t value)
{
	char v[24];
	snprintf(v, sizeof v, "%llu", (unsigned long long)value);
	cache_key_add(k, field, str_c(v));
}

void cache_key_end(CacheKey *k)
{
	XXH128_hash_t h = XXH3_128bits(k->text.p ? k->text.p : "", k->text.n);
	k->hash[0] = h.high64;
	k->hash[1] = h.low64;
}

void cache_key_free(CacheKey *k) { buf_free(&k->text); }

void cache_entry_name(const CacheKey *k, char out[48])
{
	snprintf(out, 48, "%016llx%016llx.sbxcache", (unsigned long long)k->hash[0], (unsigned long long)k->hash[1]);
}

void cache_compiler_id(char out[64])
{
	struct stat sb;
	if (stat("/proc/self/exe", &sb) < 0)
		memset(&sb, 0, sizeof sb);
	snprintf(out, 64, "%llx-%llx.%09ld-%llx", (unsigned long long)sb.st_size, (unsigned long long)sb.st_mtim.tv_sec,
		 (long)sb.st_mtim.tv_nsec, (unsigned long long)sb.st_ino);
}

void cache_stdlib_digest(char out[33])
{
	XXH3_state_t *st = XXH3_createState();
	uint64_t d[2] = { 0, 0 };
	if (st) {
		XXH3_128bits_reset(st);
		for (int i = 0; std_files[i].name; i++) {
			uint64_t n = strlen(std_files[i].name);
			XXH3_128bits_update(st, &n, sizeof n);
			XXH3_128bits_update(st, std_files[i].name, n);
			n = std_files[i].len;
			XXH3_128bits_update(st, &n, sizeof n);
			XXH3_128bits_update(st, std_files[i].text, n);
		}
		XXH128_hash_t h = XXH3_128bits_digest(st);
		XXH3_freeState(st);
		d[0] = h.high64;
		d[1] = h.low64;
	}
	ir_digest_hex(d, out);
}

static void why_set(Buf *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_set(Buf *why, const char *fmt, ...)
{
	if (!why)
		return;
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	why->n = 0;
	buf_puts(why, tmp);
}

/* ---- parsing an entry ---- */

typedef struct Cur {
	const char *p, *end;
	bool bad;
} Cur;

static uint64_t get_num(Cur *c)
{
	uint64_t v = 0;
	int digits = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && digits < 19) {
		v = v * 10 + (uint64_t)(*c->p++ - '0');
		digits++;
	}
	if (!digits)
		c->bad = true;
	return v;
}

static void get_lit(Cur *c, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n))
		c->bad = true;
	else
		c->p += n;
}

static Str get_bytes(Cur *c, uint64_t n)
{
	if (c->bad || (uint64_t)(c->end - c->p) < n) {
		c->bad = true;
		return (Str){ "", 0 };
	}
	Str s = { c->p, (size_t)n };
	c->p += n;
	return s;
}

/* "WORD LEN\nBYTES\n" */
static Str get_section(Cur *c, const char *word)
{
	get_lit(c, word);
	get_lit(c, " ");
	uint64_t n = get_num(c);
	get_lit(c, "\n");
	Str s = get_bytes(c, n);
	get_lit(c, "\n");
	return s;
}

static uint64_t get_hex(Cur *c, int digits)
{
	uint64_t v = 0;
	for (int i = 0; i < digits; i++) {
		if (c->p >= c->end) {
			c->bad = true;
			return 0;
		}
		char ch = *c->p++;
		int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
		if (d < 0) {
			c->bad = true;
			return 0;
		}
		v = v << 4 | (uint64_t)d;
	}
	return v;
}

bool cache_hash_file(const char *path, size_t limit, uint64_t *hash)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat sb;
	bool ok = false;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size <= limit) {
		if (sb.st_size == 0) {
			*hash = XXH3_64bits("", 0);
			ok = true;
		} else {
			void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
			if (m != MAP_FAILED) {
				*hash = XXH3_64bits(m, (size_t)sb.st_size);
				munmap(m, (size_t)sb.st_size);
				ok = true;
			}
		}
	}
	close(fd);
	return ok;
}

static bool dep_current(const char *base, Str name, uint64_t hash)
{
	if (name.n > 4 && !memcmp(name.p, "std/", 4)) {
		for (int i = 0; std_files[i].name; i++)
			if (str_eqc((Str){ name.p + 4, name.n - 4 }, std_files[i].name) &&
			    XXH3_64bits(std_files[i].text, std_files[i].len) == hash)
				return true;
	}
	char path[8192];
	bool rel = name.n && name.p[0] != '/' && base && base[0];
	if ((size_t)snprintf(path, sizeof path, "%s%s%.*s", rel ? base : "", rel ? "/" : "", STRF(name)) >= sizeof path)
		return false;
	uint64_t h;
	return cache_hash_file(path, SIZE_MAX, &h) && h == hash;
}

CacheResult cache_get(const char *root, const CacheKey *k, const char *policy_dir, CacheEntry *e, Buf *why)
{
	memset(e, 0, sizeof *e);
	if (!root) {
		why_set(why, "no cache directory (set XDG_CACHE_HOME or HOME)");
		return CACHE_OFF;
	}
	char name[48], path[4200];
	cache_entry_name(k, name);
	snprintf(path, sizeof path, "%s/%s", root, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		why_set(why, "no entry %s", path);
		return CACHE_MISS;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < 64) {
		close(fd);
		why_set(why, "entry %s is not a complete file", path);
		return CACHE_CORRUPT;
	}
	size_t size = (size_t)sb.st_size;
	void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		why_set(why, "cannot map %s: %s", path, strerror(errno));
		return CACHE_CORRUPT;
	}
	e->map = m;
	e->size = size;
	const char *base = m;
	/* The trailer: "end " + 32 hex + "\n" = 37 bytes. */
	Cur t = { base + size - 37, base + size, false };
	get_lit(&t, "end ");
	uint64_t h0 = get_hex(&t, 16), h1 = get_hex(&t, 16);
	get_lit(&t, "\n");
	XXH128_hash_t h = XXH3_128bits(base, size - 37);
	if (t.bad || h.high64 != h0 || h.low64 != h1) {
		why_set(why, "entry %s is truncated or damaged (checksum mismatch): rebuilding", path);
		cache_entry_free(e);
		return CACHE_CORRUPT;
	}
	Cur c = { base, base + size - 37, false };
	char head[32];
	snprintf(head, sizeof head, "sbxc-cache %d\n", CACHE_SCHEMA);
	get_lit(&c, head);
	Str key = get_section(&c, "key");
	if (c.bad || key.n != k->text.n || memcmp(key.p, k->text.p, key.n)) {
		why_set(why, "entry %s holds another key: rebuilding", path);
		cache_entry_free(e);
		return CACHE_CORRUPT;
	}
	get_lit(&c, "deps ");
	uint64_t ndeps = get_num(&c);
	get_lit(&c, "\n");
	for (uint64_t i = 0; i < ndeps && !c.bad; i++) {
		uint64_t dh = get_hex(&c, 16);
		get_lit(&c, " ");
		uint64_t nlen = get_num(&c);
		get_lit(&c, " ");
		Str dn = get_bytes(&c, nlen);
		get_lit(&c, "\n");
		if (!c.bad && !dep_current(policy_dir, dn, dh)) {
			why_set(why, "input '%.*s' changed since entry %s was made", STRF(dn), path);
			cache_entry_free(e);
			return CACHE_STALE;
		}
	}
	e->info = get_section(&c, "info");
	e->note = get_section(&c, "note");
	get_lit(&c, "artifacts ");
	uint64_t nart = get_num(&c);
	get_lit(&c, "\n");
	if (!c.bad && nart <= 4096) {
		e->art = calloc((size_t)nart + 1, sizeof *e->art);
		if (!e->art)
			c.bad = true;
	} else
		c.bad = true;
	for (uint64_t i = 0; i < nart && !c.bad; i++) {
		uint64_t nlen = get_num(&c);
		get_lit(&c, " ");
		Str an = get_bytes(&c, nlen);
		get_lit(&c, " ");
		uint64_t dlen = get_num(&c);
		get_lit(&c, "\n");
		Str ad = get_bytes(&c, dlen);
		get_lit(&c, "\n");
		e->art[i] = (CacheArt){ an, ad };
		e->nart = (int)i + 1;
	}
	if (c.bad || c.p != c.end) {
		why_set(why, "entry %s does not parse: rebuilding", path);
		cache_entry_free(e);
		return CACHE_CORRUPT;
	}
	why_set(why, "hit %s", path);
	return CACHE_HIT;
}

void cache_entry_free(CacheEntry *e)
{
	if (e->map)
		munmap(e->map, e->size);
	free(e->art);
	memset(e, 0, sizeof *e);
}


bool cache_put(const char *root, const CacheKey *k, const CacheDep *deps, int ndeps, Str info, Str note,
	       const Output *out, Buf *why)
{
	if (!root)
		return false;
	Buf b = { 0 };
	buf_printf(&b, "sbxc-cache %d\nkey %zu\n", CACHE_SCHEMA, k->text.n);
	buf_str(&b, buf_as_str(&k->text));
	buf_printf(&b, "\ndeps %d\n", ndeps);
	for (int i = 0; i < ndeps; i++) {
		buf_printf(&b, "%016llx %zu ", (unsigned long long)deps[i].hash, deps[i].name.n);
		buf_str(&b, deps[i].name);
		buf_putc(&b, '\n');
	}
	buf_printf(&b, "info %zu\n", info.n);
	buf_str(&b, info);
	buf_printf(&b, "\nnote %zu\n", note.n);
	buf_str(&b, note);
	buf_printf(&b, "\nartifacts %d\n", out->n);
	for (int i = 0; i < out->n; i++) {
		const Artifact *a = &out->v[i];
		buf_printf(&b, "%zu ", a->name.n);
		buf_str(&b, a->name);
		buf_printf(&b, " %zu\n", a->data.n);
		buf_str(&b, buf_as_str(&a->data));
		buf_putc(&b, '\n');
	}
	XXH128_hash_t h = XXH3_128bits(b.p, b.n);
	buf_printf(&b, "end %016llx%016llx\n", (unsigned long long)h.high64, (unsigned long long)h.low64);
	bool ok = !b.failed && artifact_mkdirs(root, 0700);
	char name[48], path[4200], tmp[4300];
	cache_entry_name(k, name);
	snprintf(path, sizeof path, "%s/%s", root, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.%ld.tmp", root, name, (long)getpid());
	int fd = ok ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
	if (fd >= 0) {
		const char *p = b.p;
		size_t n = b.n;
		while (n && ok) {
			ssize_t w = write(fd, p, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				ok = false;
			else {
				p += w;
				n -= (size_t)w;
			}
		}
		ok = close(fd) == 0 && ok;
		/* No fsync: a lost entry after a crash is a miss, and a torn
		 * one fails its checksum. */
		if (ok && rename(tmp, path) < 0)
			ok = false;
		if (!ok)
			unlink(tmp);
	} else
		ok = false;
	if (ok)
		why_set(why, "stored %s", path);
	else
		why_set(why, "could not store %s: %s", path, strerror(errno));
	buf_free(&b);
	return ok;
}
