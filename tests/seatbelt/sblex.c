/*
 * sblex.c: the lexical half of the SBPL checker (tests/seatbelt/sbcheck).
 *
 * TinyScheme evaluates a profile forgivingly where libsandbox may not: it
 * closes the parentheses a truncated file leaves open, and it reads an
 * unknown string escape such as "\." as the bare character. Both hide real
 * faults (a truncated artifact; a regex whose backslash vanished), so this
 * pass reads the bytes first: parentheses balance outside strings and
 * comments, every string ends, every escape is one TinyScheme and
 * libsandbox agree on (\\ \" \n \t \r), no raw control byte sits in a
 * string, and #"raw" regex strings hold no quote escape (whether \" ends
 * them differs between readers).
 *
 * Usage: sblex FILE...; prints FILE:LINE:COL: message and exits 1 at the
 * first fault of each file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fault(const char *file, int line, int col, const char *msg)
{
	printf("%s:%d:%d: %s\n", file, line, col, msg);
	return 1;
}

static int lex(const char *file, const unsigned char *s, size_t n)
{
	int line = 1, col = 1;
	int depth = 0;
	int open_line[256], open_col[256]; /* where the innermost parens opened */
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c == 0)
			return fault(file, line, col, "NUL byte");
		if (c == ';') { /* comment to end of line */
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '\n') {
			line++, col = 1, i++;
			continue;
		}
		if (c == '(') {
			if (depth < 256)
				open_line[depth] = line, open_col[depth] = col;
			depth++;
		} else if (c == ')') {
			if (depth == 0)
				return fault(file, line, col, "')' without a matching '('");
			depth--;
		} else if (c == '#' && i + 1 < n && s[i + 1] == '\\') {
			i += 3, col += 3; /* a character literal: #\( is not a paren */
			continue;
		} else if (c == '"' || (c == '#' && i + 1 < n && s[i + 1] == '"')) {
			int raw = c == '#';
			int sl = line, sc = col;
			i += raw ? 2 : 1, col += raw ? 2 : 1;
			for (;;) {
				if (i >= n)
					return fault(file, sl, sc, "string never ends");
				c = s[i];
				if (c == '"')
					break;
				if (c < 0x20 && c != '\t')
					return fault(file, line, col, "raw control byte in a string");
				if (c == 0x7f)
					return fault(file, line, col, "raw DEL byte in a string");
				if (c == '\\') {
					unsigned char e = i + 1 < n ? s[i + 1] : 0;
					if (raw && e == '"')
						return fault(file, line, col, "\\\" inside a #\"raw\" string: readers disagree on where it ends");
					if (!raw && !strchr("\\\"ntr", e ? e : 'X'))
						return fault(file, line, col, "unknown string escape (TinyScheme drops the backslash; libsandbox may not)");
					if (!raw)
						i++, col++;
				}
				i++, col++;
			}
		}
		i++, col++;
	}
	if (depth > 0) {
		int k = depth <= 256 ? depth - 1 : 255;
		char msg[96];
		snprintf(msg, sizeof msg, "'(' never closed (%d open at the end)", depth);
		return fault(file, open_line[k], open_col[k], msg);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: sblex FILE...\n");
		return 64;
	}
	for (int a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "rb");
		if (!f) {
			perror(argv[a]);
			return 2;
		}
		size_t cap = 1 << 16, n = 0;
		unsigned char *s = malloc(cap);
		size_t got;
		while (s && (got = fread(s + n, 1, cap - n, f)) > 0) {
			n += got;
			if (n == cap)
				s = realloc(s, cap *= 2);
		}
		fclose(f);
		if (!s) {
			fprintf(stderr, "sblex: out of memory\n");
			return 2;
		}
		bad |= lex(argv[a], s, n);
		free(s);
	}
	return bad;
}
