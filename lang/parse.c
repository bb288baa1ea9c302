/*
 * parse.c: the parser driver and the grammar's helpers.
 *
 * Lemon reports a syntax error with only the offending token; the message
 * that names what was expected is built here from the statement being
 * parsed (its keyword and the token before the error) and from the braces
 * still open, so an unterminated block names the line that opened it.
 */
#include <stdlib.h>
#include <string.h>

#include "parse_state.h"
#include "grammar.h"

enum { MAX_COND_DEPTH = 64 };

Stmt *stmt_new(ParseState *ps, int kind, Tok kw)
{
	Stmt *s = arena_alloc(ps->arena, sizeof *s);
	s->kind = (uint8_t)kind;
	s->kw = kw;
	return s;
}

ItemRef item_tok(ParseState *ps, Tok t)
{
	Item *i = arena_alloc(ps->arena, sizeof *i);
	i->tok = t;
	return (ItemRef){ i };
}

Cond *cond_node(ParseState *ps, int kind, Cond *l, Cond *r)
{
	Cond *c = arena_alloc(ps->arena, sizeof *c);
	c->kind = (uint8_t)kind;
	c->l = l;
	c->r = r;
	c->depth = (uint16_t)((l->depth > r->depth ? l->depth : r->depth) + 1);
	if (c->depth > MAX_COND_DEPTH && !ps->failed) {
		diag_at(ps->diags, DIAG_ERROR, l->arg.loc, "condition nested too deeply (more than %d levels)", MAX_COND_DEPTH);
		ps->failed = true;
		c->depth = MAX_COND_DEPTH; /* keep later nodes from repeating the message */
	}
	return c;
}

Cond *cond_cmp(ParseState *ps, Tok arg, Val *mask, int op, Val *value)
{
	Cond *c = arena_alloc(ps->arena, sizeof *c);
	c->kind = COND_CMP;
	c->arg = arg;
	c->mask = mask;
	c->op = (uint8_t)op;
	c->value = value;
	c->depth = 1;
	return c;
}

Val *val_leaf(ParseState *ps, Tok t)
{
	Val *v = arena_alloc(ps->arena, sizeof *v);
	v->tok = t;
	return v;
}

Val *val_or(ParseState *ps, Val *l, Val *r)
{
	Val *v = arena_alloc(ps->arena, sizeof *v);
	v->tok = l->tok;
	v->l = l;
	v->r = r;
	return v;
}

const char *tok_describe(int type)
{
	switch (type) {
	case 0: return "end of file";
	case EOS: return "end of statement";
	case LBRACE: return "'{'";
	case RBRACE: return "'}'";
	case STRING: return "a string";
	case INT: return "a number";
	case PATH: return "a path";
	case ENDPOINT: return "an endpoint";
	case GROUPNAME: return "a group name";
	default: return "a word";
	}
}

/* The statement keyword the failing token belongs to, and the token before it. */
static void context(ParseState *ps, const Tok **kw, const Tok **prev)
{
	*kw = *prev = NULL;
	int i = ps->pos - 1;
	if (i >= 0)
		*prev = &ps->toks->v[i];
	while (i >= 0 && ps->toks->v[i].type != EOS && ps->toks->v[i].type != LBRACE)
		i--;
	if (i + 1 < ps->pos)
		*kw = &ps->toks->v[i + 1];
}

/* The innermost '{' still open before the failing token, or NULL. */
static const Tok *open_brace(ParseState *ps)
{
	int depth = 0;
	for (int i = ps->pos - 1; i >= 0; i--) {
		int t = ps->toks->v[i].type;
		if (t == RBRACE)
			depth++;
		else if (t == LBRACE && depth-- == 0)
			return &ps->toks->v[i];
	}
	return NULL;
}

/* What the statements with a fixed shape expect next, given the token
 * before the error (the keyword itself, or the one that decides what may
 * follow); NULL for the item statements, which sema reads. */
static const char *expected_in(const Tok *kw, const Tok *prev)
{
	bool first = prev == kw;
	switch (kw->type) {
	case SBX:
		return "the language version ('sbx 1')";
	case POLICY:
		return first ? "the policy's name" : "a quoted description or the end of the statement";
	case USE:
		return "std/NAME or a quoted file name";
	case PARAM:
		return first ? "the param's name"
		     : prev->type == EQ ? "the default as a quoted string"
					: "'= \"default\"' or the end of the statement";
	case ON:
		return first ? "macos, linux or windows" : "'{' to open the block";
	case GROUP:
		return first ? "a group name (@name)"
		     : prev->type == GROUPNAME ? "'=' after the group's name"
					       : "a syscall name or @group";
	default:
		return NULL;
	}
}

static const char *const stmt_words =
	"sbx, policy, use, param, default, allow, deny, on, group, expect, never or accept";

void parse_syntax_error(ParseState *ps, int major, const Tok *tok)
{
	if (ps->failed)
		return;
	ps->failed = true;
	const Tok *kw, *prev;
	context(ps, &kw, &prev);
	SrcLoc at = tok->loc;
	char what[96];
	if (major == EOS || major == 0)
		snprintf(what, sizeof what, "%s", tok_describe(major));
	else
		snprintf(what, sizeof what, "'%.*s'", (int)(tok->text.n > 60 ? 60 : tok->text.n), tok->text.p);
	Diags *d = ps->diags;

	if (major == 0 || (major == EOS && tok->text.n == 0 && tok->loc.line && open_brace(ps))) {
		const Tok *ob = open_brace(ps);
		if (ob) {
			int k = (int)(ob - ps->toks->v) - 1;
			while (k > 0 && ps->toks->v[k - 1].type != EOS && ps->toks->v[k - 1].type != LBRACE)
				k--;
			const Tok *opener = k >= 0 ? &ps->toks->v[k] : ob;
			const Tok *second = opener + 1 < ob ? opener + 1 : NULL;
			diag_at(d, DIAG_ERROR, at, "'}' expected (to close '%.*s%s%.*s' at line %u)",
				(int)(opener->text.n > 40 ? 40 : opener->text.n), opener->text.p, second ? " " : "",
				second ? (int)(second->text.n > 40 ? 40 : second->text.n) : 0, second ? second->text.p : "",
				ob->loc.line);
			return;
		}
	}
	if (!kw) {
		/* The failing token starts a statement. */
		if (major == RBRACE)
			diag_at(d, DIAG_ERROR, at, "unexpected '}': no block is open");
		else if (major == ID || major == BADWORD)
			diag_at(d, DIAG_ERROR, at, "unknown statement '%.*s'; expected %s", (int)tok->text.n, tok->text.p, stmt_words);
		else
			diag_at(d, DIAG_ERROR, at, "unexpected %s; expected a statement (%s)", what, stmt_words);
		return;
	}
	const char *want = expected_in(kw, prev);
	if (want) {
		diag_at(d, DIAG_ERROR, at, "unexpected %s; expected %s", what, want);
		return;
	}
	/* Rules and the other item statements. */
	const Tok *prev2 = prev && prev > ps->toks->v ? prev - 1 : NULL;
	if (prev && prev->type == ID && prev2 &&
	    (prev2->type == IF || prev2->type == ANDAND || prev2->type == OROR || prev2->type == LPAREN))
		diag_at(d, DIAG_ERROR, at, "unexpected %s; expected a comparison (==, !=, <, <=, >, >= or & MASK ==) after '%.*s'",
			what, (int)prev->text.n, prev->text.p);
	else if (prev && prev->type == IF)
		diag_at(d, DIAG_ERROR, at, "unexpected %s; expected a condition (argN OP VALUE)", what);
	else if (prev && (prev->type == EQEQ || prev->type == NE || prev->type == LT || prev->type == LE ||
			  prev->type == GT || prev->type == GE || prev->type == PIPE || prev->type == AMP))
		diag_at(d, DIAG_ERROR, at, "unexpected %s; expected a number or a constant name", what);
	else if (prev && (prev->type == ANDAND || prev->type == OROR || prev->type == LPAREN))
		diag_at(d, DIAG_ERROR, at, "unexpected %s; expected a condition (argN OP VALUE)", what);
	else if (prev == kw && (major == EOS || major == 0 || major == LBRACE))
		diag_at(d, DIAG_ERROR, at, "unexpected %s; expected %s after '%.*s'", what,
			kw->type == ALLOW || kw->type == DENY ? "a right" : "more words", (int)kw->text.n, kw->text.p);
	else if (major == LBRACE)
		diag_at(d, DIAG_ERROR, at, "unexpected '{' (a block follows the rights: allow read { ... })");
	else if (major == RBRACE)
		diag_at(d, DIAG_ERROR, at, "unexpected '}': no block is open");
	else
		diag_at(d, DIAG_ERROR, at, "unexpected %s in '%.*s' statement", what, (int)kw->text.n, kw->text.p);
}

void parse_too_deep(ParseState *ps)
{
	if (ps->failed)
		return;
	ps->failed = true;
	const Tok *t = &ps->toks->v[ps->pos < ps->toks->n ? ps->pos : ps->toks->n - 1];
	diag_at(ps->diags, DIAG_ERROR, t->loc, "nesting too deep for the parser");
}

bool parse_file(Arena *a, Diags *d, uint16_t file, Str src, StmtList *out)
{
	TokVec toks = { 0 };
	if (!lex_tokens(a, d, file, src, false, &toks))
		return false;
	ParseState ps = { .arena = a, .diags = d, .toks = &toks };
	void *p = arena_alloc(a, SbxParseSize());
	SbxParseInit(p, &ps);
	for (ps.pos = 0; ps.pos < toks.n && !ps.failed; ps.pos++) {
		Tok t = toks.v[ps.pos];
		if (t.type == STRING) {
			/* The token keeps its location; its text becomes the decoded contents. */
			t.text = lex_decode_string(a, (Str){ t.text.p + 1, t.text.n - 2 });
		}
		SbxParse(p, t.type, t);
	}
	if (!ps.failed) {
		Tok eof = { 0, { src.p + src.n, 0 }, { file, 0, 0 } };
		eof.loc = toks.n ? toks.v[toks.n - 1].loc : (SrcLoc){ file, 1, 1 };
		SbxParse(p, 0, eof);
	}
	SbxParseFinalize(p); /* memory is the arena's */
	if (ps.failed)
		return false;
	*out = ps.top;
	return true;
}
