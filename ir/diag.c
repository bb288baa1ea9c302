/*
 * diag.c: messages in the style of Lua and chibicc.
 *
 *   policy.sbx:12:7: error: unknown right 'raed'
 *      12 | allow raed /etc
 *         |       ^
 *
 * Columns count characters (UTF-8 code points), so the caret lines up under
 * non-ASCII text; a tab in the source is echoed as a tab under it.
 */
#include "diag.h"

#include <stdarg.h>
#include <string.h>

static void add(Diags *d, int level, bool has_loc, SrcLoc loc, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *p = arena_alloc(d->arena, (size_t)(n < 0 ? 0 : n) + 1);
	if (n > 0)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	Diag *g = VEC_PUSH(d->arena, d->v, d->n, d->cap);
	g->level = (uint8_t)level;
	g->has_loc = has_loc;
	g->loc = loc;
	g->msg = (Str){ p, n < 0 ? 0 : (size_t)n };
	if (level == DIAG_ERROR)
		d->nerrors++;
}

void diag_at(Diags *d, int level, SrcLoc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, level, true, loc, fmt, ap);
	va_end(ap);
}

void diag_plain(Diags *d, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, level, false, (SrcLoc){ 0, 0, 0 }, fmt, ap);
	va_end(ap);
}

static const char *const level_name[] = { "error", "warning", "note" };

/* The text of line `line` (1-based) of s, without its newline. */
static Str line_of(Str s, uint32_t line)
{
	const char *p = s.p, *end = s.p + s.n;
	for (uint32_t l = 1; l < line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *q = p;
	while (q < end && *q != '\n')
		q++;
	if (q > p && q[-1] == '\r')
		q--;
	return (Str){ p, (size_t)(q - p) };
}

/* Control bytes would corrupt a terminal; show them as '?'. */
static void put_clean(FILE *f, Str s)
{
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		fputc(c == '\t' || c >= 0x20 ? c : '?', f);
	}
}

void diag_print(FILE *f, const Diags *d)
{
	for (int i = 0; i < d->n; i++) {
		const Diag *g = &d->v[i];
		if (!g->has_loc || !d->files || g->loc.file >= d->nfiles || g->loc.line == 0) {
			fprintf(f, "sbxc: %s: ", level_name[g->level]);
			put_clean(f, g->msg);
			fputc('\n', f);
			continue;
		}
		const SrcFile *sf = &d->files[g->loc.file];
		fprintf(f, "%.*s:%u:%u: %s: ", STRF(sf->name), g->loc.line, g->loc.col, level_name[g->level]);
		put_clean(f, g->msg);
		fputc('\n', f);
		Str l = line_of(sf->text, g->loc.line);
		fprintf(f, "%5u | ", g->loc.line);
		put_clean(f, l);
		fputs("\n      | ", f);
		/* Walk code points up to the column, echoing tabs so the caret lines up. */
		uint32_t col = 1;
		for (size_t k = 0; k < l.n && col < g->loc.col; k++) {
			unsigned char c = (unsigned char)l.p[k];
			if ((c & 0xC0) == 0x80)
				continue;
			fputc(c == '\t' ? '\t' : ' ', f);
			col++;
		}
		fputs("^\n", f);
	}
}

static void json_loc(FILE *f, const Diags *d, const Diag *g)
{
	if (g->has_loc && d->files && g->loc.file < d->nfiles && g->loc.line) {
		fputs("\"file\": ", f);
		fput_json_str(f, d->files[g->loc.file].name);
		fprintf(f, ", \"line\": %u, \"col\": %u, ", g->loc.line, g->loc.col);
	} else
		fputs("\"file\": null, \"line\": null, \"col\": null, ", f);
}

void diag_print_json(FILE *f, const Diags *d)
{
	fputs("{\"diagnostics\": [", f);
	bool open = false, first = true;
	for (int i = 0; i < d->n; i++) {
		const Diag *g = &d->v[i];
		if (g->level == DIAG_NOTE && open) {
			fputs(first ? "" : ", ", f);
			first = false;
			fputc('{', f);
			json_loc(f, d, g);
			fputs("\"message\": ", f);
			fput_json_str(f, g->msg);
			fputc('}', f);
			continue;
		}
		if (open)
			fputs("]}", f);
		fputs(i ? ", {" : "{", f);
		json_loc(f, d, g);
		fprintf(f, "\"severity\": \"%s\", \"message\": ", level_name[g->level]);
		fput_json_str(f, g->msg);
		fputs(", \"notes\": [", f);
		open = true;
		first = true;
	}
	if (open)
		fputs("]}", f);
	fputs("], \"schema\": \"sbxc-diagnostics 1\"}\n", f);
}
