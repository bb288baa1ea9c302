/*
 * learn_text.c: writing policy text that the compiler reads back, shared by
 * the policies the command line makes itself (`sbxc run`'s quick flags and
 * `sbxc learn`). Everything written here is parsed again by the same
 * compiler before it is used or printed, so a mistake here is a compile
 * error, never a wider policy; these helpers only make sure a path or a
 * reason from outside (a file name, a command-line value) stays one word.
 */
#include <string.h>

#include "cli.h"

/* LANGUAGE.md 2 and docs/language.md: a bare path may hold any printable
 * character except space " # ; { } ( ) \ and a $ not starting ${NAME}. */
static bool bare_ok(const char *s)
{
	for (const char *c = s; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u <= ' ' || u >= 0x7f || strchr("\"#;{}()\\", u))
			return false;
		if (u == '$') {
			const char *e = c[1] == '{' ? strchr(c, '}') : NULL;
			if (!e || e == c + 2)
				return false;
			for (const char *k = c + 2; k < e; k++)
				if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') || *k == '_' || (k > c + 2 && *k >= '0' && *k <= '9')))
					return false;
			c = e;
		}
	}
	return *s != 0;
}

void lt_string(Buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			buf_printf(b, "\\%c", *c);
		else if (*c == '\n')
			buf_puts(b, "\\n");
		else if (*c == '\t')
			buf_puts(b, "\\t");
		else if (*c < ' ' || *c == 0x7f)
			buf_printf(b, "\\x%02x", *c);
		else
			buf_putc(b, (char)*c);
	}
	buf_putc(b, '"');
}

void lt_path(Buf *b, const char *path)
{
	if (bare_ok(path))
		buf_puts(b, path);
	else
		lt_string(b, path);
}

bool lt_param_name_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char k = s[i];
		if (!((k >= 'A' && k <= 'Z') || (k >= 'a' && k <= 'z') || k == '_' || (i && k >= '0' && k <= '9')))
			return false;
	}
	return true;
}

bool lt_builtin_param(const char *s, size_t n)
{
	static const char *const b[] = { "HOME", "PROJECT", "TMPDIR", "UID" };
	for (size_t i = 0; i < ARRAY_LEN(b); i++)
		if (strlen(b[i]) == n && !memcmp(b[i], s, n))
			return true;
	return false;
}
