/*
 * diff.c: what a policy change does, rule by rule and target by target.
 *
 * The canonical IR already merged duplicates and expanded groups, so two
 * rule lists sorted by one key can be walked in step. The key here is
 * the rule's identity (right, object, platforms, effect) rather than the
 * IR's sort order, so that a rule whose action or flags changed lines up
 * with its old self and prints as one `~` line. An effect change is a
 * removal plus an addition: it is two different statements to a reviewer.
 *
 * Widens / narrows is about the statement itself (an added allow widens,
 * a removed deny widens): a diff shows what was written, and the
 * per-target fidelity next to it shows what the kernels will make of it.
 *
 * Nothing here runs git: cli/git.c extracts a revision for `--git`, and
 * this file sees two loaded policies either way.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "fidelity.h"

/* The three views a reviewer cares about: one per OS. */
enum { VIEW_LINUX, VIEW_MACOS, VIEW_WINDOWS, NVIEW };
static const unsigned view_plat[NVIEW] = { PLAT_LINUX, PLAT_MACOS, PLAT_WINDOWS };
#define view_name(v) (target_os(view_plat[v])->name)

static Fidelity view_fidelity(int v, const Policy *p, const Rule *r, Arena *a, Str *note)
{
	return target_fidelity(target_os(view_plat[v]), p, r, a, note);
}

static int key_cmp(const Rule *a, const Rule *b)
{
	int c = (int)a->right - (int)b->right;
	if (!c)
		c = str_cmp(a->obj, b->obj);
	if (!c)
		c = (int)a->platforms - (int)b->platforms;
	if (!c)
		c = (int)a->effect - (int)b->effect;
	return c;
}

static int key_cmp_p(const void *x, const void *y) { return key_cmp(*(const Rule *const *)x, *(const Rule *const *)y); }

static bool same_detail(const Rule *a, const Rule *b)
{
	return a->flags == b->flags && a->act.kind == b->act.kind && a->act.errno_val == b->act.errno_val;
}

static const Rule **sorted(const Policy *p, Arena *ar)
{
	const Rule **v = arena_alloc(ar, sizeof *v * ((size_t)p->nrules + 1));
	for (int i = 0; i < p->nrules; i++)
		v[i] = &p->rules[i];
	if (p->nrules > 1)
		qsort(v, (size_t)p->nrules, sizeof *v, key_cmp_p);
	return v;
}

void diff_rule_text(Buf *b, const Rule *r)
{
	buf_printf(b, "%s %s", r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right]);
	if (ir_right_obj[r->right] != OBJ_NONE) {
		buf_putc(b, ' ');
		ir_put_object(b, r);
	}
	if (r->flags & RF_REQUIRED)
		buf_puts(b, " required");
	if (r->flags & RF_CREATE)
		buf_puts(b, " create");
}

/* The rule's detail that a `~` can change: flags and the syscall action. */
static void detail_text(Buf *b, const Rule *r)
{
	size_t n0 = b->n;
	if (r->right == R_SYSCALL && r->effect == EFF_DENY)
		ir_put_action(b, &r->act);
	if (r->flags & RF_REQUIRED)
		buf_puts(b, b->n > n0 ? " required" : "required");
	if (r->flags & RF_CREATE)
		buf_puts(b, b->n > n0 ? " create" : "create");
	if (b->n == n0)
		buf_puts(b, "plain");
}

static const char *access_change(char sign, const Rule *old, const Rule *r)
{
	if (sign == '~') {
		bool was = old->act.kind == ACT_ALLOW || old->act.kind == ACT_LOG;
		bool is = r->act.kind == ACT_ALLOW || r->act.kind == ACT_LOG;
		if (r->right == R_SYSCALL && was != is)
			return is ? "widens" : "narrows";
		/* `create` on an allow lets the program make what it could only open. */
		if (r->effect == EFF_ALLOW && (old->flags & RF_CREATE) != (r->flags & RF_CREATE))
			return r->flags & RF_CREATE ? "widens" : "narrows";
		return "changes";
	}
	return (sign == '+') == (r->effect == EFF_ALLOW) ? "widens" : "narrows";
}

/* ---- output ---- */


/* Markdown table cells: no pipes, no newlines, backticks doubled out. */
static void md_cell(FILE *f, Str s)
{
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == '|')
			fputs("\\|", f);
		else if (c == '`')
			fputc('\'', f);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', f);
		else
			fputc(c, f);
	}
}

/* A changed rule's old and new decisions, each led by its label. */
static void put_from_to(FILE *f, const char *from, Str od, const char *to, Str nd, void (*put)(FILE *, Str))
{
	fputs(from, f);
	put(f, od);
	fputs(to, f);
	put(f, nd);
}

typedef struct Change {
	char sign;          /* + - ~ */
	const Policy *p;    /* the policy r belongs to */
	const Rule *r;      /* NEW's rule for + and ~, OLD's for - */
	const Policy *op;   /* ~: the old side */
	const Rule *old;
} Change;

typedef struct Out {
	FILE *f;
	DiffFormat fmt;
	Arena *ar;
	int n;
	int widens; /* changes that widen, for --exit-code */
} Out;

static void emit_change(Out *o, const Change *c)
{
	FILE *f = o->f;
	const Rule *r = c->r;
	Buf rt = { 0 }, od = { 0 }, nd = { 0 };
	diff_rule_text(&rt, r);
	if (c->sign == '~') {
		detail_text(&od, c->old);
		detail_text(&nd, r);
	}
	const char *acc = access_change(c->sign, c->old, r);
	Fidelity fid[NVIEW], ofid[NVIEW];
	Str note[NVIEW], onote[NVIEW];
	for (int v = 0; v < NVIEW; v++) {
		fid[v] = view_fidelity(v, c->p, r, o->ar, &note[v]);
		ofid[v] = c->sign == '~' ? view_fidelity(v, c->op, c->old, o->ar, &onote[v]) : fid[v];
	}
	Str file = c->p->files[r->loc.file].name;
	if (o->fmt == DIFF_JSON) {
		fprintf(f, "%s{\"change\": \"%s\", \"effect\": \"%s\", \"rule\": ", o->n ? ", " : "",
			c->sign == '+' ? "added" : c->sign == '-' ? "removed" : "changed", acc);
		fprintf(f, "{\"effect\": \"%s\", \"right\": \"%s\", \"object\": ", r->effect == EFF_ALLOW ? "allow" : "deny",
			ir_right_name[r->right]);
		Buf ob = { 0 };
		ir_put_object(&ob, r);
		fput_json_str(f, buf_as_str(&ob));
		buf_free(&ob);
		fputs(", \"text\": ", f);
		fput_json_str(f, buf_as_str(&rt));
		fputs(", \"file\": ", f);
		fput_json_str(f, file);
		fprintf(f, ", \"line\": %u, \"col\": %u, \"platforms\": \"%s\"", r->loc.line, r->loc.col,
			ir_platform_names(r->platforms));
		if (r->because.n) {
			fputs(", \"because\": ", f);
			fput_json_str(f, r->because);
		}
		fputc('}', f);
		if (c->sign == '~')
			put_from_to(f, ", \"from\": ", buf_as_str(&od), ", \"to\": ", buf_as_str(&nd), fput_json_str);
		fputs(", \"targets\": {", f);
		for (int v = 0; v < NVIEW; v++) {
			fprintf(f, "%s\"%s\": {\"class\": \"%s\"", v ? ", " : "", view_name(v), fid_name[fid[v]]);
			if (c->sign == '~' && ofid[v] != fid[v])
				fprintf(f, ", \"was\": \"%s\"", fid_name[ofid[v]]);
			if (note[v].n) {
				fputs(", \"note\": ", f);
				fput_json_str(f, note[v]);
			}
			fputc('}', f);
		}
		fputs("}}", f);
	} else if (o->fmt == DIFF_MARKDOWN) {
		fprintf(f, "| %s | `", c->sign == '~' ? "~" : c->sign == '+' ? "+" : "−");
		md_cell(f, buf_as_str(&rt));
		fputc('`', f);
		if (c->sign == '~')
			put_from_to(f, ": ", buf_as_str(&od), " → ", buf_as_str(&nd), md_cell);
		if (r->platforms != PLAT_ALL)
			fprintf(f, " [%s]", ir_platform_names(r->platforms));
		fprintf(f, " | %s |", acc);
		for (int v = 0; v < NVIEW; v++) {
			fputc(' ', f);
			if (c->sign == '~' && ofid[v] != fid[v])
				fprintf(f, "%s → ", fid_name[ofid[v]]);
			fputs(fid_name[fid[v]], f);
			if (fid[v] == FID_WIDER)
				fputs(" ⚠", f);
			if (note[v].n && (fid[v] == FID_WIDER || fid[v] == FID_STRICTER)) {
				fputs(": ", f);
				md_cell(f, note[v]);
			}
			fputs(" |", f);
		}
		fputs(" `", f);
		md_cell(f, file);
		fprintf(f, ":%u`", r->loc.line);
		if (r->because.n) {
			fputs(" — ", f);
			md_cell(f, r->because);
		}
		fputs(" |\n", f);
	} else {
		fprintf(f, "%c %.*s:%u: %.*s", c->sign, STRF(file), r->loc.line, (int)rt.n, rt.p);
		if (c->sign == '~')
			fprintf(f, ": %.*s -> %.*s", (int)od.n, od.p, (int)nd.n, nd.p);
		if (r->platforms != PLAT_ALL)
			fprintf(f, " [%s]", ir_platform_names(r->platforms));
		if (r->because.n)
			fprintf(f, " (because \"%.*s\")", STRF(r->because));
		fprintf(f, "  (%s)\n   ", acc);
		for (int v = 0; v < NVIEW; v++) {
			if (c->sign == '~' && ofid[v] != fid[v])
				fprintf(f, " %s: %s -> %s", view_name(v), fid_name[ofid[v]], fid_name[fid[v]]);
			else
				fprintf(f, " %s: %s", view_name(v), fid_name[fid[v]]);
			fputc(v + 1 < NVIEW ? ';' : '\n', f);
		}
		for (int v = 0; v < NVIEW; v++)
			if (note[v].n && (fid[v] == FID_WIDER || fid[v] == FID_STRICTER))
				fprintf(f, "    %s %s: %.*s\n", view_name(v), fid_name[fid[v]], STRF(note[v]));
	}
	o->n++;
	buf_free(&rt);
	buf_free(&od);
	buf_free(&nd);
}

/* A non-rule change (default action, accepts, params): one line. */
static void emit_other(Out *o, char sign, const char *kind, Str text, const char *acc)
{
	FILE *f = o->f;
	if (o->fmt == DIFF_JSON) {
		fprintf(f, "%s{\"change\": \"%s\", \"effect\": \"%s\", \"kind\": \"%s\", \"text\": ", o->n ? ", " : "",
			sign == '+' ? "added" : sign == '-' ? "removed" : "changed", acc, kind);
		fput_json_str(f, text);
		fputc('}', f);
	} else if (o->fmt == DIFF_MARKDOWN) {
		fprintf(f, "| %s | `", sign == '~' ? "~" : sign == '+' ? "+" : "−");
		md_cell(f, text);
		fprintf(f, "` | %s | | | | %s |\n", acc, kind);
	} else {
		fprintf(f, "%c %.*s  (%s)\n", sign, STRF(text), acc);
	}
	o->widens += !strcmp(acc, "widens");
	o->n++;
}

static void accept_text(Buf *b, const Accept *a)
{
	buf_printf(b, "accept wider %s", ir_right_name[a->right]);
	if (a->target.n)
		buf_printf(b, " on %.*s", STRF(a->target));
}

/* "expect deny read /x" / "never write ~/.ssh", with the platforms when
 * not all: the checks a reviewer must see go (as written, compared as text). */
static void check_text(Buf *b, const Policy *p, int i)
{
	const Op *op;
	uint8_t plats;
	if (i < p->nexpects) {
		const Expect *e = &p->expects[i];
		buf_printf(b, "expect %s ", e->effect == EFF_ALLOW ? "allow" : "deny");
		op = &e->op, plats = e->platforms;
	} else {
		const Never *n = &p->nevers[i - p->nexpects];
		buf_puts(b, "never ");
		op = &n->op, plats = n->platforms;
	}
	buf_str(b, op->text);
	if (plats != PLAT_ALL)
		buf_printf(b, " [%s]", ir_platform_names(plats));
}

/* A removed never lifts a limit on what the rules may grant: it widens what
 * the policy may allow. An expect only tests; its changes are changes. */
static void diff_checks(Out *o, const Policy *a, const Policy *b)
{
	for (int pass = 0; pass < 2; pass++) {
		const Policy *p = pass ? b : a, *q = pass ? a : b;
		for (int i = 0; i < p->nexpects + p->nnevers; i++) {
			Buf t = { 0 };
			check_text(&t, p, i);
			bool found = false;
			for (int k = 0; k < q->nexpects + q->nnevers && !found; k++) {
				Buf u = { 0 };
				check_text(&u, q, k);
				found = str_eq(buf_as_str(&t), buf_as_str(&u));
				buf_free(&u);
			}
			bool never = i >= p->nexpects;
			if (!found)
				emit_other(o, pass ? '+' : '-', never ? "never" : "expect", buf_as_str(&t),
					   never ? (pass ? "narrows" : "widens") : "changes");
			buf_free(&t);
		}
	}
}

static void diff_others(Out *o, const Policy *a, const Policy *b)
{
	Buf x = { 0 }, y = { 0 };
	ir_put_action(&x, &a->default_action);
	ir_put_action(&y, &b->default_action);
	if (!str_eq(buf_as_str(&x), buf_as_str(&y))) {
		Buf t = { 0 };
		buf_printf(&t, "default deny %.*s -> %.*s", (int)x.n, x.p, (int)y.n, y.p);
		emit_other(o, '~', "default", buf_as_str(&t), "changes");
		buf_free(&t);
	}
	buf_free(&x);
	buf_free(&y);
	/* Accepts: few, compared as text. */
	for (int pass = 0; pass < 2; pass++) {
		const Policy *p = pass ? b : a, *q = pass ? a : b;
		for (int i = 0; i < p->naccepts; i++) {
			Buf t = { 0 };
			accept_text(&t, &p->accepts[i]);
			bool found = false;
			for (int k = 0; k < q->naccepts && !found; k++) {
				Buf u = { 0 };
				accept_text(&u, &q->accepts[k]);
				found = str_eq(buf_as_str(&t), buf_as_str(&u));
				buf_free(&u);
			}
			if (!found)
				emit_other(o, pass ? '+' : '-', "accept", buf_as_str(&t), pass ? "widens" : "narrows");
			buf_free(&t);
		}
	}
	/* Params: a changed default or baked value moves every rule that names it. */
	for (int pass = 0; pass < 2; pass++) {
		const Policy *p = pass ? b : a, *q = pass ? a : b;
		for (int i = 0; i < p->nparams; i++) {
			const Param *pp = &p->params[i];
			const Param *qq = ir_param(q, pp->name);
			Buf t = { 0 };
			if (!qq) {
				buf_printf(&t, "param %.*s", STRF(pp->name));
				if (pp->has_default)
					buf_printf(&t, " = %.*s", STRF(pp->def));
				emit_other(o, pass ? '+' : '-', "param", buf_as_str(&t), "changes");
			} else if (pass && (pp->has_default != qq->has_default || pp->baked != qq->baked ||
					    (pp->has_default && !str_eq(pp->def, qq->def)))) {
				buf_printf(&t, "param %.*s: %.*s -> %.*s", STRF(pp->name), STRF(qq->has_default ? qq->def : STR("(none)")),
					   STRF(pp->has_default ? pp->def : STR("(none)")));
				emit_other(o, '~', "param", buf_as_str(&t), "changes");
			}
			buf_free(&t);
		}
	}
}

int diff_policies(FILE *f, const Policy *a, const Policy *b, Arena *ar, DiffFormat fmt, const char *old_label,
		  const char *new_label, int *widens)
{
	Out o = { f, fmt, ar, 0, 0 };
	if (fmt == DIFF_JSON)
		fputs("{\"changes\": [", f);
	else if (fmt == DIFF_MARKDOWN)
		fprintf(f, "#### sbxc diff `%s` → `%s`\n\n| | rule | access | linux | macos | windows | where |\n"
			   "|---|---|---|---|---|---|---|\n",
			old_label, new_label);
	const Rule **ra = sorted(a, ar), **rb = sorted(b, ar);
	int i = 0, k = 0;
	while (i < a->nrules || k < b->nrules) {
		int c = i == a->nrules ? 1 : k == b->nrules ? -1 : key_cmp(ra[i], rb[k]);
		if (c == 0) {
			if (!same_detail(ra[i], rb[k]))
				emit_change(&o, &(Change){ '~', b, rb[k], a, ra[i] });
			i++, k++;
		} else if (c < 0) {
			const Rule *r = ra[i++];
			emit_change(&o, &(Change){ '-', a, r, a, r });
		} else {
			const Rule *r = rb[k++];
			emit_change(&o, &(Change){ '+', b, r, b, r });
		}
	}
	diff_others(&o, a, b);
	diff_checks(&o, a, b);
	if (widens)
		*widens = o.widens;
	if (fmt == DIFF_JSON) {
		fprintf(f, "], \"same\": %s, \"old\": ", o.n ? "false" : "true");
		fput_json_str(f, str_c(old_label));
		fputs(", \"new\": ", f);
		fput_json_str(f, str_c(new_label));
		fputs(", \"schema\": \"sbxc-diff 1\"}\n", f);
	} else if (fmt == DIFF_MARKDOWN) {
		if (!o.n)
			fputs("| | no semantic change | | | | | |\n", f);
		fputs("\n<sub>access: what the statement does to the policy; linux/macos/windows: how each target enforces "
		      "the rule (exact, stricter, wider, n/a).</sub>\n",
		      f);
	}
	return o.n;
}

void diff_textconv(FILE *f, const Policy *p, Arena *ar)
{
	fprintf(f, "policy %.*s\n", STRF(p->name));
	Buf t = { 0 };
	ir_put_action(&t, &p->default_action);
	fprintf(f, "default deny %.*s\n", (int)t.n, t.p);
	buf_free(&t);
	for (int i = 0; i < p->nparams; i++) {
		const Param *q = &p->params[i];
		if (q->builtin && !q->has_default && !q->baked)
			continue;
		fprintf(f, "param %.*s", STRF(q->name));
		if (q->has_default)
			fprintf(f, " %s %.*s", q->baked ? ":=" : "=", STRF(q->def));
		fputc('\n', f);
	}
	for (int i = 0; i < p->naccepts; i++) {
		Buf u = { 0 };
		accept_text(&u, &p->accepts[i]);
		fprintf(f, "%.*s because \"%.*s\"\n", (int)u.n, u.p, STRF(p->accepts[i].because));
		buf_free(&u);
	}
	for (int i = 0; i < p->nexpects + p->nnevers; i++) {
		Buf u = { 0 };
		check_text(&u, p, i);
		fprintf(f, "%.*s\n", (int)u.n, u.p);
		buf_free(&u);
	}
	const Rule **v = sorted(p, ar);
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = v[i];
		Buf b = { 0 };
		diff_rule_text(&b, r);
		if (r->right == R_SYSCALL && r->effect == EFF_DENY) {
			buf_puts(&b, " -> ");
			ir_put_action(&b, &r->act);
		}
		fprintf(f, "%.*s", (int)b.n, b.p);
		if (r->platforms != PLAT_ALL)
			fprintf(f, " [%s]", ir_platform_names(r->platforms));
		for (int w = 0; w < NVIEW; w++) {
			Str note;
			fprintf(f, "%s%s=%s", w ? " " : "  # ", view_name(w), fid_name[view_fidelity(w, p, r, ar, &note)]);
		}
		fputc('\n', f);
		buf_free(&b);
	}
}
