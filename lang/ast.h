/*
 * ast.h: the parse tree of one file, as lemon's actions build it.
 *
 * The grammar knows statements, blocks and conditions; everything between a
 * statement's keyword and its end is a flat list of Items (words, paths,
 * strings, endpoints, `if` conditions) that sema reads with the statement's
 * meaning in hand. That keeps the grammar small and conflict-free, lets
 * keywords stay usable as names, and puts every "expected X" message in one
 * place, next to the knowledge of what X is.
 */
#ifndef SBX_AST_H
#define SBX_AST_H

#include "../lib/base.h"
#include "../ir/ir.h"

typedef struct Tok {
	int type;    /* lemon token code (grammar.h) */
	Str text;    /* the token as written; STRING: the decoded contents */
	SrcLoc loc;
} Tok;

typedef struct Val Val;
struct Val {            /* an argument value: INT, a constant name, or a | b */
	Tok tok;        /* INT or ID; for an or-node, the first operand's token */
	Val *l, *r;     /* both set for `l | r` */
};

enum CondKind { COND_OR, COND_AND, COND_CMP };
typedef struct Cond Cond;
struct Cond {
	uint8_t kind;   /* enum CondKind */
	uint8_t op;     /* COND_CMP: enum CmpOp */
	uint16_t depth; /* nesting, bounded by the grammar */
	Cond *l, *r;    /* COND_OR / COND_AND */
	Tok arg;        /* COND_CMP: the argN word */
	Val *mask;      /* COND_CMP: `argN & mask OP value`, or NULL */
	Val *value;
};

typedef struct Item {
	Tok tok;        /* for an `if` condition: the IF token */
	Cond *cond;     /* set for `if COND` */
} Item;

typedef struct Items {
	Item *v;
	int n, cap;
} Items;

enum StmtKind {
	ST_SBX, ST_POLICY, ST_USE, ST_PARAM, ST_DEFAULT, ST_RULE, ST_ON,
	ST_GROUP, ST_EXPECT, ST_NEVER, ST_ACCEPT,
};

typedef struct Stmt Stmt;
typedef struct StmtList {
	Stmt **v;
	int n, cap;
} StmtList;

struct Stmt {
	uint8_t kind;    /* enum StmtKind */
	bool block;      /* ST_RULE written with { } */
	Tok kw;          /* the keyword (ALLOW / DENY for rules) */
	Tok name;        /* POLICY, PARAM, ON, GROUP: the name; USE: the target; SBX: the version */
	Tok str;         /* POLICY description, PARAM default (type 0 when absent) */
	Items items;     /* the words after the keyword */
	Items *lines;    /* ST_RULE block: one item list per line */
	int nlines, caplines;
	StmtList body;   /* ST_ON */
	Tok end;         /* the closing brace of a block, for messages */
};

#endif
