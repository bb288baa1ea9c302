/*
 * fmt.c: canonical formatting, gofmt-style, at the token level.
 *
 * It works on the raw token stream (comments and newlines kept), so it
 * never changes a token: formatting cannot change what a policy means, and
 * the IR digest of the result is the digest of the input. What it decides
 * is layout: one statement per line (`;` becomes a newline), one space
 * between words, none inside parentheses, two-space indentation per open
 * brace, `{` at the end of its line and `}` alone on one, content after a
 * `{` moved to the next line, a comment after code set off by two spaces,
 * at most one blank line in a row and none just inside braces or at the
 * ends of the file. Formatting its own output changes nothing.
 */
#include <string.h>

#include "fmt.h"
#include "parse.h"
#include "grammar.h"

typedef struct Fmt {
	Buf *out;
	int depth;
	Tok *line[4096]; /* tokens of the statement line being built */
	int n;
	uint32_t last_line; /* source line of the last token written */
	bool any;           /* something was written */
	bool after_open;    /* the last line written ended with '{' */
} Fmt;

static void indent(Fmt *f)
{
	for (int i = 0; i < f->depth; i++)
		buf_puts(f->out, "  ");
}

/* Writes the pending tokens (and a comment) as one line. A gap of blank
 * source lines before it becomes one blank line, except just inside braces. */
static void flush(Fmt *f, const Tok *comment)
{
	if (f->n == 0 && !comment)
		return;
	const Tok *first = f->n ? f->line[0] : comment;
	bool closing = first->type == RBRACE;
	if (f->any && !f->after_open && !closing && first->loc.line > f->last_line + 1)
		buf_putc(f->out, '\n');
	if (closing && f->depth > 0)
		f->depth--;
	indent(f);
	bool open = false;
	for (int i = 0; i < f->n; i++) {
		const Tok *t = f->line[i];
		if (i > 0 && t->type != RPAREN && f->line[i - 1]->type != LPAREN)
			buf_putc(f->out, ' ');
		buf_str(f->out, t->text);
		open = t->type == LBRACE;
		f->last_line = t->loc.line;
	}
	if (comment) {
		if (f->n)
			buf_puts(f->out, "  ");
		Str c = comment->text;
		while (c.n && (c.p[c.n - 1] == ' ' || c.p[c.n - 1] == '\t' || c.p[c.n - 1] == '\r'))
			c.n--;
		buf_str(f->out, c);
		f->last_line = comment->loc.line;
	}
	buf_putc(f->out, '\n');
	f->any = true;
	f->after_open = open;
	if (open)
		f->depth++;
	f->n = 0;
}

static bool add(Fmt *f, Diags *d, Tok *t)
{
	if (f->n == (int)ARRAY_LEN(f->line)) {
		diag_at(d, DIAG_ERROR, t->loc, "statement too long to format");
		return false;
	}
	f->line[f->n++] = t;
	return true;
}

bool fmt_source(Arena *a, Diags *d, uint16_t file, Str src, Buf *out)
{
	TokVec toks = { 0 };
	if (!lex_tokens(a, d, file, src, true, &toks))
		return false;
	Fmt *f = arena_alloc(a, sizeof *f);
	f->out = out;
	for (int i = 0; i < toks.n; i++) {
		Tok *t = &toks.v[i];
		switch (t->type) {
		case NL:
		case EOS: /* ';' */
			flush(f, NULL);
			break;
		case COMMENT:
			flush(f, t); /* a comment after code stays on its line */
			break;
		case RBRACE:
		case LBRACE:
			/* A brace ends its line: `}` alone, `{` last; a comment may follow. */
			if (t->type == RBRACE)
				flush(f, NULL);
			if (!add(f, d, t))
				return false;
			if (i + 1 < toks.n && toks.v[i + 1].type == COMMENT) {
				flush(f, &toks.v[i + 1]);
				i++;
			} else
				flush(f, NULL);
			break;
		default:
			if (!add(f, d, t))
				return false;
		}
	}
	flush(f, NULL);
	return true;
}
