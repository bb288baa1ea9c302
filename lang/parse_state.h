/* parse_state.h: what the grammar's actions see (lemon's %extra_context). */
#ifndef SBX_PARSE_STATE_H
#define SBX_PARSE_STATE_H

#include "parse.h"

typedef struct ParseState {
	Arena *arena;
	Diags *diags;
	StmtList top;
	bool failed;
	const TokVec *toks; /* for "expected X" messages that look at the context */
	int pos;            /* index of the token being fed */
} ParseState;

typedef struct ItemRef {
	Item *p;
} ItemRef;

Stmt *stmt_new(ParseState *ps, int kind, Tok kw);
ItemRef item_tok(ParseState *ps, Tok t);
Cond *cond_node(ParseState *ps, int kind, Cond *l, Cond *r);
Cond *cond_cmp(ParseState *ps, Tok arg, Val *mask, int op, Val *value);
Val *val_leaf(ParseState *ps, Tok t);
Val *val_or(ParseState *ps, Val *l, Val *r);
void parse_syntax_error(ParseState *ps, int major, const Tok *tok);
void parse_too_deep(ParseState *ps);

/* lemon's interface (generated grammar.c). The engine is caller-allocated,
 * SbxParseSize() bytes, so that every parse has its own and parsing is
 * reentrant. */
size_t SbxParseSize(void);
void SbxParseInit(void *p, ParseState *ps);
void SbxParse(void *p, int major, Tok minor);
void SbxParseFinalize(void *p);

#endif
