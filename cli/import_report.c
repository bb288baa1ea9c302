/*
 * import_report.c: what every importer writes with, apart from its own
 * reading: the report of what it could not translate, and sbx words. Kept
 * out of import.c so the importers depend on it and import.c on them, not
 * each on the other.
 */
#include <stdarg.h>
#include <stdio.h>

#include "../ir/ir.h"
#include "import.h"

void imp_report(Report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[1024];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	buf_printf(&r->text, "%s\n", tmp);
	r->n++;
}

void imp_word(Buf *out, Str s)
{
	if (ir_needs_quote(s))
		ir_quote(out, s);
	else
		buf_str(out, s);
}
