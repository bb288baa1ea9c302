/* rehash.c: rewrites the trailer of a compile-cache entry (driver/cache.c:
 * "end " + XXH3-128 of every byte before it), as a sandboxed program that
 * can write the cache would after changing an entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 64;
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return 1;
	static char buf[1 << 24];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	char *end = NULL;
	for (char *p = buf; p + 4 <= buf + n; p++)
		if (!memcmp(p, "\nend ", 5))
			end = p + 1;
	if (!end)
		return 1;
	XXH128_hash_t h = XXH3_128bits(buf, (size_t)(end - buf));
	f = fopen(argv[1], "wb");
	if (!f)
		return 1;
	fwrite(buf, 1, (size_t)(end - buf), f);
	fprintf(f, "end %016llx%016llx\n", (unsigned long long)h.high64, (unsigned long long)h.low64);
	return fclose(f) != 0;
}
