/*
 * appcontainer_sid.c: the SIDs Windows derives from names, computed here so
 * that the launcher never has to.
 *
 * Windows names an AppContainer and its capabilities with SIDs derived from
 * strings: the string is case-folded (upper case for capabilities, lower case
 * for containers), encoded as UTF-16LE, hashed with SHA-256, and the digest
 * read as little-endian 32-bit words becomes the SID's sub-authorities (all 8
 * for a capability, after the fixed 1024; the first 7 for a container).
 * DeriveCapabilitySidsFromName is missing from mingw's import libraries and
 * resolving it at run time would make the launcher's behaviour depend on the
 * machine; computing the SIDs at compile time also puts them in the committed
 * artifact, where a reviewer can see them. SHA-256 comes from nettle.
 *
 * Every name these functions accept is ASCII (capability names match
 * [a-z][-_.A-Za-z0-9]+, container names [-_. A-Za-z0-9]+), so case folding is
 * ASCII's; a non-ASCII name is refused rather than folded differently from
 * Windows.
 */
#include "appcontainer.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

/* SHA-256 of the UTF-16LE form of name, case-folded one way. */
static bool name_digest(Str name, bool upper, uint8_t dig[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx h;
	sha256_init(&h);
	for (size_t i = 0; i < name.n; i++) {
		unsigned char c = (unsigned char)name.p[i];
		if (c == 0 || c >= 0x80)
			return false;
		if (upper && c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (!upper && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		uint8_t u16[2] = { c, 0 };
		sha256_update(&h, 2, u16);
	}
	sha256_digest(&h, SHA256_DIGEST_SIZE, dig);
	return true;
}

static void put_words(char *out, size_t cap, const char *prefix, const uint8_t *dig, int nwords)
{
	size_t n = (size_t)snprintf(out, cap, "%s", prefix);
	for (int i = 0; i < nwords && n < cap; i++) {
		const uint8_t *w = dig + 4 * i;
		uint32_t v = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
		n += (size_t)snprintf(out + n, cap - n, "-%lu", (unsigned long)v);
	}
}

static bool derive_sid(Str name, bool upper, const char *prefix, int words, char out[AC_SID_MAX])
{
	uint8_t dig[SHA256_DIGEST_SIZE];
	out[0] = 0;
	if (name.n == 0 || !name_digest(name, upper, dig))
		return false;
	put_words(out, AC_SID_MAX, prefix, dig, words);
	return true;
}

bool ac_capability_sid(Str name, char out[AC_SID_MAX]) { return derive_sid(name, true, "S-1-15-3-1024", 8, out); }

bool ac_package_sid(Str name, char out[AC_SID_MAX]) { return derive_sid(name, false, "S-1-15-2", 7, out); }

static bool name_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ' ';
}

void ac_container_name(Str policy_name, char out[AC_NAME_MAX + 1])
{
	static const char prefix[] = "sbxc.";
	size_t n = sizeof prefix - 1;
	memcpy(out, prefix, n);
	if (policy_name.n == 0)
		policy_name = STR("policy");
	bool cut = policy_name.n > AC_NAME_MAX - n;
	/* A cut name keeps room for "-" and 8 hex digits of the whole name's
	 * hash, so two long names that share a prefix stay two containers. */
	size_t keep = cut ? AC_NAME_MAX - n - 9 : policy_name.n;
	for (size_t i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)policy_name.p[i];
		out[n++] = name_char_ok(c) ? (char)c : '_';
	}
	if (cut) {
		struct sha256_ctx h;
		uint8_t dig[SHA256_DIGEST_SIZE];
		sha256_init(&h);
		sha256_update(&h, policy_name.n, (const uint8_t *)policy_name.p);
		sha256_digest(&h, SHA256_DIGEST_SIZE, dig);
		n += (size_t)snprintf(out + n, AC_NAME_MAX + 1 - n, "-%02x%02x%02x%02x", dig[0], dig[1], dig[2], dig[3]);
	}
	out[n] = 0;
}
