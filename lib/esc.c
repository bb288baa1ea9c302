/* esc.c: the one quoter (see esc.h). */
#include "esc.h"

bool esc_put(Buf *b, Str s, EscStyle style)
{
	bool quoted = style != ESC_COMMENT && style != ESC_XML_COMMENT;
	bool ok = true;
	if (quoted)
		buf_putc(b, '"');
	for (size_t i = 0; i < s.n; i++) {
		size_t j = i;
		while (j < s.n && s.p[j] != '"' && s.p[j] != '\\' && s.p[j] != '-' && (unsigned char)s.p[j] >= 0x20 &&
		       s.p[j] != 0x7f)
			j++;
		if (j > i) {
			buf_put(b, s.p + i, j - i);
			i = j - 1;
			continue;
		}
		unsigned char c = (unsigned char)s.p[i];
		if (c == '-') {
			bool dash2 = style == ESC_XML_COMMENT && i + 1 < s.n && s.p[i + 1] == '-';
			buf_puts(b, dash2 ? "-~" : "-");
		} else if (!quoted)
			buf_putc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
		else if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c == '\r' && style == ESC_SCHEME)
			buf_puts(b, "\\r");
		else if (style == ESC_SCHEME) {
			buf_putc(b, '?');
			ok = false;
		} else if (style == ESC_JSON)
			buf_printf(b, "\\u%04x", c);
		else
			buf_printf(b, "\\x%02x", c);
	}
	if (quoted)
		buf_putc(b, '"');
	return ok;
}

void buf_json_str(Buf *b, Str s) { esc_put(b, s, ESC_JSON); }

void fput_json_str(FILE *f, Str s)
{
	Buf b = { 0 };
	esc_put(&b, s, ESC_JSON);
	fwrite(b.p ? b.p : "", 1, b.n, f);
	buf_free(&b);
}
