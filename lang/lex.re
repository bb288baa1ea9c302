/*
 * lex.re: the sbx lexer (re2c).
 *
 * The whole file is tokenised up front into a vector; the parser then runs
 * over it. Statement ends are cooked here so the grammar stays simple:
 * newlines and `;` become one EOS token, runs of them collapse, none is
 * produced right after `{` or at the start, one is inserted before a `}`
 * that closes a line and after every `}`, and the file always ends with EOS.
 *
 * Words are classified by their first characters (LANGUAGE.md section 2):
 * a path starts with `/`, `~`, `./`, `../` or `${`; an endpoint is
 * HOST:PORT; `@name` is a group; `std/base` a library name. Anything else
 * that is not an operator is a BADWORD, which the parser reports with the
 * word itself, so a typo gets a message about the typo, not about the
 * character after it. Strings are scanned by hand to point at the exact
 * column of a bad escape.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "grammar.h"

typedef struct Lexer {
	Arena *a;
	Diags *d;
	uint16_t file;
	const char *src, *end;
	const char *line_start;
	uint32_t line;
	bool raw;
	TokVec *out;
} Lexer;

uint32_t lex_column(const char *line_start, const char *p)
{
	uint32_t col = 1;
	for (const char *q = line_start; q < p; q++)
		if (((unsigned char)*q & 0xC0) != 0x80)
			col++;
	return col;
}

static SrcLoc loc_at(Lexer *lx, const char *p)
{
	return (SrcLoc){ lx->file, lx->line, lex_column(lx->line_start, p) };
}

static int last_type(Lexer *lx) { return lx->out->n ? lx->out->v[lx->out->n - 1].type : EOS; }

static void push(Lexer *lx, int type, const char *s, const char *e)
{
	if (!lx->raw) {
		if (type == EOS && last_type(lx) == EOS)
			return; /* collapse; also none at the start (see lex_tokens) */
		if (type == EOS && last_type(lx) == LBRACE)
			return;
		if (type == RBRACE && last_type(lx) != EOS && last_type(lx) != LBRACE)
			push(lx, EOS, s, s);
	}
	Tok *t = VEC_PUSH(lx->a, lx->out->v, lx->out->n, lx->out->cap);
	t->type = type;
	t->text = (Str){ s, (size_t)(e - s) };
	t->loc = loc_at(lx, s);
	if (!lx->raw && type == RBRACE)
		push(lx, EOS, e, e);
}

static bool fail(Lexer *lx, const char *p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(Lexer *lx, const char *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_at(lx->d, DIAG_ERROR, loc_at(lx, p), "%s", msg);
	return false;
}

static const struct {
	const char *word;
	int type;
} keywords[] = {
	{ "sbx", SBX }, { "policy", POLICY }, { "use", USE }, { "param", PARAM },
	{ "allow", ALLOW }, { "deny", DENY }, { "on", ON }, { "default", DEFAULT },
	{ "group", GROUP }, { "expect", EXPECT }, { "never", NEVER }, { "accept", ACCEPT },
	{ "if", IF },
};

static int classify_word(const char *s, const char *e)
{
	size_t n = (size_t)(e - s);
	if (n < 2 || n > 7)
		return ID; /* keywords are 2 to 7 letters: most words stop here */
	for (size_t i = 0; i < ARRAY_LEN(keywords); i++)
		if (keywords[i].word[0] == s[0] && strlen(keywords[i].word) == n && memcmp(keywords[i].word, s, n) == 0)
			return keywords[i].type;
	return ID;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Scan a string starting at the opening quote; returns the end (after the
 * closing quote) or NULL after an error. */
static const char *scan_string(Lexer *lx, const char *p)
{
	const char *q = p + 1;
	for (;;) {
		if (q >= lx->end || *q == '\n') {
			fail(lx, p, "unterminated string (a string ends with '\"' on the same line)%s", "");
			return NULL;
		}
		unsigned char c = (unsigned char)*q;
		if (c == '"')
			return q + 1;
		if (c < 0x20 || c == 0x7f) {
			fail(lx, q, "control character in a string; write it as an escape (\\n, \\t, \\xHH)%s", "");
			return NULL;
		}
		if (c == '\\') {
			char e = q + 1 < lx->end ? q[1] : 0;
			if (e == '\\' || e == '"' || e == 'n' || e == 't') {
				q += 2;
				continue;
			}
			if (e == 'x') {
				int h = q + 2 < lx->end ? hexval((unsigned char)q[2]) : -1;
				int l = q + 3 < lx->end ? hexval((unsigned char)q[3]) : -1;
				if (h < 0 || l < 0) {
					fail(lx, q, "bad escape: \\x needs two hex digits%s", "");
					return NULL;
				}
				if (h == 0 && l == 0) {
					fail(lx, q, "\\x00 is not allowed in a string%s", "");
					return NULL;
				}
				q += 4;
				continue;
			}
			char buf[8] = { '\\', e >= 0x20 && e < 0x7f ? e : '?', 0 };
			fail(lx, q, "unknown escape '%s' (known: \\\\ \\\" \\n \\t \\xHH)", buf);
			return NULL;
		}
		q++;
	}
}

Str lex_decode_string(Arena *a, Str body)
{
	char *o = arena_alloc(a, body.n + 1);
	size_t n = 0;
	for (size_t i = 0; i < body.n; i++) {
		char c = body.p[i];
		if (c == '\\' && i + 1 < body.n) {
			char e = body.p[++i];
			if (e == 'n')
				c = '\n';
			else if (e == 't')
				c = '\t';
			else if (e == 'x' && i + 2 < body.n + 1) {
				c = (char)(hexval((unsigned char)body.p[i + 1]) * 16 + hexval((unsigned char)body.p[i + 2]));
				i += 2;
			} else
				c = e;
		}
		o[n++] = c;
	}
	o[n] = 0;
	return (Str){ o, n };
}

/* The first invalid UTF-8 sequence, or NULL. Overlongs and surrogates count. */
static const char *bad_utf8(const char *s, const char *e)
{
	const unsigned char *p = (const unsigned char *)s, *end = (const unsigned char *)e;
	while (p < end) {
		unsigned c = *p;
		int n;
		unsigned min;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xE0) == 0xC0)
			n = 1, min = 0x80, c &= 0x1F;
		else if ((c & 0xF0) == 0xE0)
			n = 2, min = 0x800, c &= 0x0F;
		else if ((c & 0xF8) == 0xF0)
			n = 3, min = 0x10000, c &= 0x07;
		else
			return (const char *)p;
		if (end - p <= n)
			return (const char *)p;
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return (const char *)p;
			c = c << 6 | (p[i] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return (const char *)p;
		p += n + 1;
	}
	return NULL;
}

bool lex_tokens(Arena *a, Diags *d, uint16_t file, Str src, bool raw, TokVec *out)
{
	Lexer lx = { a, d, file, src.p, src.p + src.n, src.p, 1, raw, out };
	/* re2c reads one byte past a token; the caller's text ends in a NUL. */
	const char *bad = bad_utf8(src.p, src.p + src.n);
	const char *nul = memchr(src.p, 0, src.n);
	if (nul && (!bad || nul < bad))
		bad = nul;
	if (bad) {
		for (const char *q = src.p; q < bad; q++)
			if (*q == '\n')
				lx.line++, lx.line_start = q + 1;
		return fail(&lx, bad, *bad ? "invalid UTF-8 (a policy is UTF-8 text)%s" : "NUL byte in the policy%s", "");
	}
	const char *YYCURSOR = src.p, *YYMARKER = NULL, *s;
	const char *YYLIMIT = src.p + src.n;
	/* A UTF-8 byte-order mark at the start (some editors write one) is
	 * not text: skipped, columns count from after it. */
	if (src.n >= 3 && !memcmp(src.p, "\xef\xbb\xbf", 3))
		YYCURSOR = lx.line_start = src.p + 3;
	(void)YYLIMIT;
	for (;;) {
		s = YYCURSOR;
		/*!re2c
		re2c:define:YYCTYPE = "unsigned char";
		re2c:yyfill:enable = 0;
		re2c:indent:top = 2;

		end = "\x00";
		id = [A-Za-z_][A-Za-z0-9_.-]*;
		pname = "${" [A-Za-z_][A-Za-z0-9_]* "}";
		pchar = [^\x00-\x20"#;{}()$\\\x7f];
		path = ("/" | "~" | "./" | "../") (pchar | pname)* | pname (pchar | pname)*;
		hostc = [A-Za-z0-9_.*-];
		host = hostc+ | "[" [0-9A-Fa-f:.]* "]";
		endpoint = host ("/" [0-9]+)? ":" [A-Za-z0-9*-]*;
		bad = [^\x00-\x20"#;{}()=&|<>!\\\x7f]+;

		end {
			if (s < lx.end)
				return fail(&lx, s, "NUL byte in the policy%s", "");
			break;
		}
		[ \t\r]+ { continue; }
		"#" [^\n\x00]* { if (raw) push(&lx, COMMENT, s, YYCURSOR); continue; }
		"\n" {
			push(&lx, raw ? NL : EOS, s, s);
			lx.line++;
			lx.line_start = YYCURSOR;
			continue;
		}
		";" { push(&lx, EOS, s, YYCURSOR); continue; }
		"{" { push(&lx, LBRACE, s, YYCURSOR); continue; }
		"}" { push(&lx, RBRACE, s, YYCURSOR); continue; }
		"(" { push(&lx, LPAREN, s, YYCURSOR); continue; }
		")" { push(&lx, RPAREN, s, YYCURSOR); continue; }
		"==" { push(&lx, EQEQ, s, YYCURSOR); continue; }
		"!=" { push(&lx, NE, s, YYCURSOR); continue; }
		"<=" { push(&lx, LE, s, YYCURSOR); continue; }
		">=" { push(&lx, GE, s, YYCURSOR); continue; }
		"<" { push(&lx, LT, s, YYCURSOR); continue; }
		">" { push(&lx, GT, s, YYCURSOR); continue; }
		"=" { push(&lx, EQ, s, YYCURSOR); continue; }
		"&&" { push(&lx, ANDAND, s, YYCURSOR); continue; }
		"||" { push(&lx, OROR, s, YYCURSOR); continue; }
		"&" { push(&lx, AMP, s, YYCURSOR); continue; }
		"|" { push(&lx, PIPE, s, YYCURSOR); continue; }
		"\"" {
			const char *e = scan_string(&lx, s);
			if (!e)
				return false;
			YYCURSOR = e;
			push(&lx, STRING, s, e);
			continue;
		}
		[0-9]+ | "0x" [0-9a-fA-F]+ | "0o" [0-7]+ { push(&lx, INT, s, YYCURSOR); continue; }
		id { push(&lx, classify_word(s, YYCURSOR), s, YYCURSOR); continue; }
		id ("/" [A-Za-z0-9_.-]+)+ { push(&lx, MODPATH, s, YYCURSOR); continue; }
		"@" [A-Za-z_][A-Za-z0-9_.-]* { push(&lx, GROUPNAME, s, YYCURSOR); continue; }
		path { push(&lx, PATH, s, YYCURSOR); continue; }
		endpoint { push(&lx, ENDPOINT, s, YYCURSOR); continue; }
		"${" [^}\n\x00]* {
			return fail(&lx, s, "unterminated or malformed ${NAME} (a name is letters, digits and '_', closed by '}')%s", "");
		}
		"$" { return fail(&lx, s, "'$' must start a parameter: ${NAME}%s", ""); }
		"\\" { return fail(&lx, s, "unexpected '\\' (write paths with backslashes as quoted strings: \"C:\\\\Tools\")%s", ""); }
		bad { push(&lx, BADWORD, s, YYCURSOR); continue; }
		* {
			char buf[8];
			unsigned char c = (unsigned char)*s;
			if (c >= 0x20 && c < 0x7f)
				buf[0] = (char)c, buf[1] = 0;
			else
				snprintf(buf, sizeof buf, "\\x%02x", c);
			return fail(&lx, s, "unexpected character '%s'", buf);
		}
		*/
	}
	if (!raw)
		push(&lx, EOS, lx.end, lx.end);
	/* Cooked streams start with a statement, never an EOS. */
	if (!raw && out->n && out->v[0].type == EOS) {
		memmove(out->v, out->v + 1, sizeof(Tok) * (size_t)(out->n - 1));
		out->n--;
	}
	return true;
}
