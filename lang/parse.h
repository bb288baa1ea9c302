/* parse.h: lexing and parsing of one file into its statements. */
#ifndef SBX_PARSE_H
#define SBX_PARSE_H

#include "ast.h"
#include "../ir/diag.h"

typedef struct TokVec {
	Tok *v;
	int n, cap;
} TokVec;

/* Tokenise src. cooked: statement ends collapsed into EOS tokens and
 * comments dropped (for the parser); raw: COMMENT and NL tokens kept (for
 * fmt). Returns false after adding a diagnostic. */
bool lex_tokens(Arena *a, Diags *d, uint16_t file, Str src, bool raw, TokVec *out);

/* Lex and parse; the statements go to out. max_depth bounds conditions. */
bool parse_file(Arena *a, Diags *d, uint16_t file, Str src, StmtList *out);

/* Decode a string literal body (between the quotes) already checked by the lexer. */
Str lex_decode_string(Arena *a, Str body);

/* The column (1-based, in code points) of p, on the line starting at line_start. */
uint32_t lex_column(const char *line_start, const char *p);

const char *tok_describe(int type); /* "a path", "'{'", ... for messages */

#endif
