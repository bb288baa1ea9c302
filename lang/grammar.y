/*
 * grammar.y: the sbx grammar (lemon), in the manner of SQLite's parse.y.
 *
 * Statements are a keyword and a flat list of items; the meaning of the
 * items is sema's business (see ast.h for why). The grammar's own work is
 * statement boundaries, the two kinds of block (`on P { statements }` and
 * `allow RIGHT { one object per line }`), and conditions with precedence
 * (`&&` above `||`, `|` inside values). Keywords fall back to ID wherever a
 * keyword cannot stand, so `policy on` or `param default` still parse.
 * There is no error recovery: the first syntax error ends the parse with a
 * message naming what was expected.
 */
%name SbxParse
%token_type {Tok}
%extra_context {ParseState *ps}
%stack_size 256
%start_symbol file

%include {
#include <assert.h>
#include <string.h>
#include "parse_state.h"
/* parse_file places each engine in its own arena memory (SbxParseSize,
 * SbxParseInit): no malloc-style hook, which would need a global. */
#define SbxParse_ENGINEALWAYSONSTACK 1
}

%code {
size_t SbxParseSize(void) { return sizeof(yyParser); }
}

%syntax_error {
	parse_syntax_error(ps, yymajor, &yyminor);
}
%stack_overflow {
	parse_too_deep(ps);
}

%token SBX POLICY USE PARAM ALLOW DENY ON DEFAULT GROUP EXPECT NEVER ACCEPT IF.
%fallback ID SBX POLICY USE PARAM ALLOW DENY ON DEFAULT GROUP EXPECT NEVER ACCEPT IF.
%token EOS LBRACE RBRACE LPAREN RPAREN EQ EQEQ NE LT LE GT GE ANDAND OROR AMP PIPE.
%token STRING INT PATH ENDPOINT GROUPNAME MODPATH BADWORD COMMENT NL.

%left OROR.
%left ANDAND.
%left PIPE.

%type stmts {StmtList *}
%type stmt {Stmt *}
%type items {Items *}
%type lines {Stmt *}
%type cond {Cond *}
%type value {Val *}
%type cmp {int}
%type word {Tok}
%type effect {Tok}

// file ::= statements, each ended by EOS (the lexer guarantees the last).
file ::= stmts(L). { ps->top = *L; }

stmts(A) ::= . { A = arena_alloc(ps->arena, sizeof *A); }
stmts(A) ::= stmts(L) stmt(S) EOS. { A = L; *VEC_PUSH(ps->arena, A->v, A->n, A->cap) = S; }

// sbx VERSION
stmt(S) ::= SBX(K) INT(V). { S = stmt_new(ps, ST_SBX, K); S->name = V; }
// policy NAME ["description"]
stmt(S) ::= POLICY(K) word(N). { S = stmt_new(ps, ST_POLICY, K); S->name = N; }
stmt(S) ::= POLICY(K) word(N) STRING(D). { S = stmt_new(ps, ST_POLICY, K); S->name = N; S->str = D; }
// use std/NAME | use "file.sbx" | use ./file.sbx
stmt(S) ::= USE(K) MODPATH(N). { S = stmt_new(ps, ST_USE, K); S->name = N; }
stmt(S) ::= USE(K) STRING(N). { S = stmt_new(ps, ST_USE, K); S->name = N; }
stmt(S) ::= USE(K) PATH(N). { S = stmt_new(ps, ST_USE, K); S->name = N; }
// param NAME [= "default"]
stmt(S) ::= PARAM(K) word(N). { S = stmt_new(ps, ST_PARAM, K); S->name = N; }
stmt(S) ::= PARAM(K) word(N) EQ STRING(D). { S = stmt_new(ps, ST_PARAM, K); S->name = N; S->str = D; }
// default deny [errno NAME|kill|log]
stmt(S) ::= DEFAULT(K) items(L). { S = stmt_new(ps, ST_DEFAULT, K); S->items = *L; }
// allow|deny RIGHT... OBJECT...
stmt(S) ::= effect(K) items(L). { S = stmt_new(ps, ST_RULE, K); S->items = *L; }
// allow|deny RIGHT... { OBJECT per line }
stmt(S) ::= effect(K) items(L) LBRACE lines(B) RBRACE(E). {
	S = B; S->kind = ST_RULE; S->kw = K; S->items = *L; S->block = true; S->end = E;
}
// on macos|linux|windows { statements }
stmt(S) ::= ON(K) word(P) LBRACE stmts(L) RBRACE(E). {
	S = stmt_new(ps, ST_ON, K); S->name = P; S->body = *L; S->end = E;
}
// group @NAME = SYSCALL|@GROUP ...
stmt(S) ::= GROUP(K) GROUPNAME(N) EQ items(L). { S = stmt_new(ps, ST_GROUP, K); S->name = N; S->items = *L; }
// expect allow|deny RIGHT OBJECT
stmt(S) ::= EXPECT(K) items(L). { S = stmt_new(ps, ST_EXPECT, K); S->items = *L; }
// never RIGHT OBJECT...
stmt(S) ::= NEVER(K) items(L). { S = stmt_new(ps, ST_NEVER, K); S->items = *L; }
// accept wider RIGHT [on TARGET] because "..."
stmt(S) ::= ACCEPT(K) items(L). { S = stmt_new(ps, ST_ACCEPT, K); S->items = *L; }

effect(A) ::= ALLOW(K). { A = K; }
effect(A) ::= DENY(K). { A = K; }

word(A) ::= ID(W). { A = W; A.type = ID; }

lines(A) ::= . { A = stmt_new(ps, ST_RULE, (Tok){0}); }
lines(A) ::= lines(L) items(I) EOS. { A = L; *VEC_PUSH(ps->arena, A->lines, A->nlines, A->caplines) = *I; }

items(A) ::= item(I). { A = arena_alloc(ps->arena, sizeof *A); *VEC_PUSH(ps->arena, A->v, A->n, A->cap) = *I.p; }
items(A) ::= items(L) item(I). { A = L; *VEC_PUSH(ps->arena, A->v, A->n, A->cap) = *I.p; }

%type item {ItemRef}
item(A) ::= ID(T). { T.type = ID; A = item_tok(ps, T); }
item(A) ::= PATH(T). { A = item_tok(ps, T); }
item(A) ::= STRING(T). { A = item_tok(ps, T); }
item(A) ::= INT(T). { A = item_tok(ps, T); }
item(A) ::= ENDPOINT(T). { A = item_tok(ps, T); }
item(A) ::= GROUPNAME(T). { A = item_tok(ps, T); }
item(A) ::= BADWORD(T). { A = item_tok(ps, T); }
item(A) ::= MODPATH(T). { A = item_tok(ps, T); }
item(A) ::= IF(T) cond(C). { A = item_tok(ps, T); A.p->cond = C; }

cond(A) ::= cond(L) OROR cond(R). { A = cond_node(ps, COND_OR, L, R); }
cond(A) ::= cond(L) ANDAND cond(R). { A = cond_node(ps, COND_AND, L, R); }
cond(A) ::= LPAREN cond(C) RPAREN. { A = C; }
// argN OP value
cond(A) ::= ID(R) cmp(O) value(V). { A = cond_cmp(ps, R, NULL, O, V); }
// argN & MASK OP value
cond(A) ::= ID(R) AMP value(M) cmp(O) value(V). { A = cond_cmp(ps, R, M, O, V); }

cmp(A) ::= EQEQ. { A = CMP_EQ; }
cmp(A) ::= NE. { A = CMP_NE; }
cmp(A) ::= LT. { A = CMP_LT; }
cmp(A) ::= LE. { A = CMP_LE; }
cmp(A) ::= GT. { A = CMP_GT; }
cmp(A) ::= GE. { A = CMP_GE; }

value(A) ::= INT(T). { A = val_leaf(ps, T); }
value(A) ::= ID(T). { T.type = ID; A = val_leaf(ps, T); }
value(A) ::= value(L) PIPE value(R). { A = val_or(ps, L, R); }
