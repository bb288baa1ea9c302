/*
 * seatbelt_paths.c: paths and params as SBPL expressions for the macos
 * target (seatbelt.c has the design). A path is a root (a param's checked
 * value, or "/") and components; an expression is a string-append of
 * escaped literal bytes and param variables, or an anchored regex whose
 * literal bytes are quoted. The params a profile uses are defined at its
 * top from `(param "NAME")` and checked by the helpers here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seatbelt.h"
#include "../lib/esc.h"

/* ---- escaping ---- */

static bool is_meta(char c) { return c && strchr("\\.^$|?*+()[]{}", c); }

/* ---- expressions: a string built from literal bytes and param values ---- */

typedef struct Part {
	Str s;
	bool expr; /* Scheme text, else literal bytes */
} Part;

typedef struct Cat {
	Part *v;
	int n, cap;
	char *lit;     /* the last part's bytes when Cat owns them (joined), */
	size_t litcap; /* with room for litcap: joining appends in place */
} Cat;

static void cat_lit(Sb *sb, Cat *c, Str s)
{
	if (s.n == 0)
		return;
	if (c->n && !c->v[c->n - 1].expr) { /* join with the previous literal */
		Str prev = c->v[c->n - 1].s;
		if (!c->lit || prev.n + s.n > c->litcap) {
			/* Doubling: a path's components joined one by one stay linear. */
			size_t cap = 2 * (prev.n + s.n);
			char *m = arena_alloc_uninit(sb->a, cap);
			memcpy(m, prev.p, prev.n);
			c->lit = m;
			c->litcap = cap;
		}
		memcpy(c->lit + prev.n, s.p, s.n);
		c->v[c->n - 1].s = (Str){ c->lit, prev.n + s.n };
		return;
	}
	*VEC_PUSH(sb->a, c->v, c->n, c->cap) = (Part){ s, false };
	c->lit = NULL;
}

static void cat_expr(Sb *sb, Cat *c, Str s)
{
	*VEC_PUSH(sb->a, c->v, c->n, c->cap) = (Part){ s, true };
	c->lit = NULL;
}

/* Regex-escaped literal bytes. */
static void cat_relit(Sb *sb, Cat *c, Str s)
{
	Buf b = { 0 };
	for (size_t i = 0; i < s.n; i++) {
		if (is_meta(s.p[i]))
			buf_putc(&b, '\\');
		buf_putc(&b, s.p[i]);
	}
	cat_lit(sb, c, arena_strdup(sb->a, buf_as_str(&b)));
	buf_free(&b);
}

static void cat_render(Sb *sb, const Cat *c, Buf *out)
{
	bool ok = true;
	if (c->n == 0)
		buf_puts(out, "\"\"");
	else if (c->n == 1)
		ok = c->v[0].expr ? (buf_str(out, c->v[0].s), true) : esc_put(out, c->v[0].s, ESC_SCHEME);
	else {
		buf_puts(out, "(string-append");
		for (int i = 0; i < c->n; i++) {
			buf_putc(out, ' ');
			if (c->v[i].expr)
				buf_str(out, c->v[i].s);
			else
				ok &= esc_put(out, c->v[i].s, ESC_SCHEME);
		}
		buf_putc(out, ')');
	}
	if (!ok && !sb->bad) {
		sb->bad = true;
		if (sb->cur)
			diag_at(sb->d, DIAG_ERROR, sb->cur->loc,
				"'%.*s' holds a control byte a Seatbelt profile cannot carry", STRF(sb->cur->obj));
		else
			diag_plain(sb->d, DIAG_ERROR, "a param default holds a control byte a Seatbelt profile cannot carry");
	}
}

/* The expression as a string in the profile's arena. */
static Str cat_str(Sb *sb, const Cat *c)
{
	Buf b = { 0 };
	cat_render(sb, c, &b);
	Str s = arena_strdup(sb->a, buf_as_str(&b));
	buf_free(&b);
	return s;
}

/* ---- params ---- */

const Param *sb_find_param(const Policy *p, Str name)
{
	for (int i = 0; i < p->nparams; i++)
		if (str_eq(p->params[i].name, name))
			return &p->params[i];
	return NULL;
}

static ParamUse *use_param(Sb *sb, Str name, bool root)
{
	for (int i = 0; i < sb->npu; i++)
		if (str_eq(sb->pu[i].name, name)) {
			sb->pu[i].root |= root;
			return &sb->pu[i];
		}
	ParamUse *u = VEC_PUSH(sb->a, sb->pu, sb->npu, sb->cappu);
	*u = (ParamUse){ .name = name, .root = root, .used = true };
	return u;
}

/* The variable holding a param's value: `$NAME`. TinyScheme folds the case
 * of symbols, so a name differing only in case from another gets its index. */
Str sb_param_var(Sb *sb, Str name)
{
	int idx = -1, clash = 0;
	for (int i = 0; i < sb->p->nparams; i++) {
		Str o = sb->p->params[i].name;
		if (str_eq(o, name))
			idx = i;
		else if (o.n == name.n && strncasecmp(o.p, name.p, o.n) == 0)
			clash = 1;
	}
	if (clash)
		return arena_printf(sb->a, "$%.*s.%d", STRF(name), idx);
	return arena_printf(sb->a, "$%.*s", STRF(name));
}

/* /tmp, /var and /etc are links into /private; the kernel reports the target. */
bool sb_needs_private(Str s)
{
	static const char *const links[] = { "/tmp", "/var", "/etc" };
	for (size_t i = 0; i < ARRAY_LEN(links); i++) {
		size_t n = strlen(links[i]);
		if (s.n >= n && memcmp(s.p, links[i], n) == 0 && (s.n == n || s.p[n] == '/'))
			return true;
	}
	return false;
}

/* ---- paths: split into a root and components ---- */

bool sb_is_starstar(Str c) { return ir_comp_starstar(c); }

void sb_split_path(const PathObj *po, Path *out)
{
	Str t = po->text;
	size_t i = 0;
	out->n = 0;
	out->param = (Str){ "", 0 };
	out->private_added = false;
	out->esc = po->esc;
	if (po->root == ROOT_PARAM) {
		size_t j = 2;
		while (j < t.n && t.p[j] != '}')
			j++;
		out->param = (Str){ t.p + 2, j - 2 };
		i = j + 1;
	} else if (sb_needs_private(t)) {
		out->comp[out->n++] = STR("private");
		out->private_added = true;
	}
	PathIter it = ir_path_iter(t, i, '/');
	for (Str comp; out->n < MAX_COMP && ir_path_next(&it, &comp);)
		out->comp[out->n++] = comp;
	out->first_glob = out->n;
	for (int k = 0; k < out->n; k++)
		if (ir_comp_glob(out->comp[k], po->esc)) {
			out->first_glob = k;
			break;
		}
}

/* The root: a param's checked value, or nothing for "/". */
static void cat_root(Sb *sb, Cat *c, const Path *pa, bool regex)
{
	if (pa->param.n == 0)
		return;
	use_param(sb, pa->param, true);
	Str v = sb_param_var(sb, pa->param);
	cat_expr(sb, c, regex ? arena_printf(sb->a, "(regex-quote %.*s)", STRF(v)) : v);
}

/* One component's bytes, with `${X}` as that param's value (one component).
 * esc (Path.esc): `\\X` is the byte X, whatever X is (a baked value's `*`). */
static void cat_comp(Sb *sb, Cat *c, Str comp, bool regex, bool esc)
{
	Buf run = { 0 };
	for (size_t i = 0; i < comp.n;) {
		if (comp.p[i] == '$' && i + 1 < comp.n && comp.p[i + 1] == '{') {
			size_t j = i + 2;
			while (j < comp.n && comp.p[j] != '}')
				j++;
			Str r = arena_strdup(sb->a, buf_as_str(&run));
			regex ? cat_relit(sb, c, r) : cat_lit(sb, c, r);
			run.n = 0;
			Str name = { comp.p + i + 2, j - i - 2 };
			use_param(sb, name, false);
			Str v = sb_param_var(sb, name);
			cat_expr(sb, c, regex ? arena_printf(sb->a, "(regex-quote %.*s)", STRF(v)) : v);
			i = j + 1;
			continue;
		}
		bool wild;
		char ch = ir_comp_byte(comp, &i, esc, &wild);
		if (regex && wild) {
			cat_relit(sb, c, arena_strdup(sb->a, buf_as_str(&run)));
			run.n = 0;
			while (i < comp.n && comp.p[i] == '*')
				i++;
			cat_lit(sb, c, STR("[^/]*"));
		} else
			buf_putc(&run, ch);
	}
	Str r = arena_strdup(sb->a, buf_as_str(&run));
	regex ? cat_relit(sb, c, r) : cat_lit(sb, c, r);
	buf_free(&run);
}

/* The first n components as a plain path expression. */
Str sb_path_expr(Sb *sb, const Path *pa, int n)
{
	Cat c = { 0 };
	cat_root(sb, &c, pa, false);
	for (int k = 0; k < n; k++) {
		cat_lit(sb, &c, STR("/"));
		cat_comp(sb, &c, pa->comp[k], false, pa->esc);
	}
	if (c.n == 0)
		cat_lit(sb, &c, STR("/"));
	return cat_str(sb, &c);
}

/* The first n components as an anchored regex: `*` stays in a component,
 * a middle `**` takes zero or more components (written as sandbox-runtime
 * writes them), a final one one or more;
 * with subtree, everything beneath a match matches too. private_opt lets
 * a leading wildcard match through /private (/tmp, /var, /etc). */
Str sb_path_regex(Sb *sb, const Path *pa, int n, bool subtree, bool private_opt)
{
	Cat c = { 0 };
	cat_lit(sb, &c, STR("^"));
	if (private_opt)
		cat_lit(sb, &c, STR("(/private)?"));
	cat_root(sb, &c, pa, true);
	bool open_end = false, slash_done = false;
	for (int k = 0; k < n; k++) {
		if (sb_is_starstar(pa->comp[k])) {
			/* Any directories: a slash, then an optional group of any
			 * bytes ending in a slash, sandbox-runtime's form (the dialect
			 * of the shipped profiles; kernel paths have no "//"). */
			if (k == n - 1) {
				cat_lit(sb, &c, slash_done ? STR(".+") : STR("/.+"));
				open_end = true;
			} else
				cat_lit(sb, &c, slash_done ? STR("(.*/)?") : STR("/(.*/)?"));
			slash_done = true;
			continue;
		}
		if (!slash_done)
			cat_lit(sb, &c, STR("/"));
		slash_done = false;
		cat_comp(sb, &c, pa->comp[k], true, pa->esc);
	}
	if (n == 0 && pa->param.n == 0)
		cat_lit(sb, &c, STR("/"));
	if (open_end || !subtree)
		cat_lit(sb, &c, STR("$"));
	else
		cat_lit(sb, &c, STR("(/.*)?$"));
	return cat_str(sb, &c);
}

/* Helpers evaluated when the profile is applied. libsandbox's interpreter
 * is TinyScheme: these use only forms Chromium's shipped profiles use
 * (define, let, if, cond, string-append, substring, string-length,
 * string=?, regex-quote) plus error, which fails closed either way. */
const char sb_helpers[] =
	";; helpers: a param's value, checked and made canonical when the profile is applied\n"
	"(define (sbx-has? s sub)\n"
	"  (let loop ((i 0))\n"
	"    (cond ((> (+ i (string-length sub)) (string-length s)) #f)\n"
	"          ((string=? (substring s i (+ i (string-length sub))) sub) #t)\n"
	"          (else (loop (+ i 1))))))\n"
	"(define (sbx-prefix? s p)\n"
	"  (and (<= (string-length p) (string-length s)) (string=? (substring s 0 (string-length p)) p)))\n"
	"(define (sbx-under? s d) (or (string=? s d) (sbx-prefix? s (string-append d \"/\"))))\n"
	"(define (sbx-bad name why) (error (string-append \"sbx: param \" name \" \" why)))\n"
	"(define (sbx-strip v)\n"
	"  (if (and (> (string-length v) 1) (string=? (substring v (- (string-length v) 1) (string-length v)) \"/\"))\n"
	"      (sbx-strip (substring v 0 (- (string-length v) 1)))\n"
	"      v))\n"
	"(define (sbx-root name v)\n"
	"  (if (not (string? v)) (sbx-bad name \"has no value: pass -D NAME=/absolute/path to sandbox-exec\")\n"
	"    (let ((s (sbx-strip v)))\n"
	"      (cond ((not (sbx-prefix? s \"/\")) (sbx-bad name \"is not an absolute path\"))\n"
	"            ((string=? s \"/\") (sbx-bad name \"is /\"))\n"
	"            ((or (sbx-has? (string-append s \"/\") \"//\") (sbx-has? (string-append s \"/\") \"/./\")\n"
	"                 (sbx-has? (string-append s \"/\") \"/../\")) (sbx-bad name \"is not a normalised path\"))\n"
	"            ((or (sbx-under? s \"/tmp\") (sbx-under? s \"/var\") (sbx-under? s \"/etc\")) (string-append \"/private\" s))\n"
	"            (else s)))))\n"
	"(define (sbx-part name v)\n"
	"  (cond ((not (string? v)) (sbx-bad name \"has no value: pass -D NAME=... to sandbox-exec\"))\n"
	"        ((or (string=? v \"\") (string=? v \".\") (string=? v \"..\") (sbx-has? v \"/\")) (sbx-bad name \"must be one path component\"))\n"
	"        (else v)))\n";

/* ^/a(/b)?$ for "/a/b/c": every ancestor but "/" (never matching when
 * none), with groups and `?` only, no alternation: the dialect of the
 * shipped profiles. */
const char sb_helper_ancestors[] =
	"(define (sbx-ancestors p)\n"
	"  (let loop ((i 1) (start 0) (acc \"\") (close \"\"))\n"
	"    (cond ((>= i (string-length p)) (if (string=? acc \"\") \"^$\" (string-append \"^\" acc close \"$\")))\n"
	"          ((string=? (substring p i (+ i 1)) \"/\")\n"
	"           (let ((c (regex-quote (substring p start i))))\n"
	"             (if (string=? acc \"\")\n"
	"                 (loop (+ i 1) i c close)\n"
	"                 (loop (+ i 1) i (string-append acc \"(\" c) (string-append close \")?\")))))\n"
	"          (else (loop (+ i 1) start acc close)))))\n";

/* The value of a param as an expression: its default when not given. */
static void define_param(Sb *sb, Buf *b, ParamUse *u);

/* Params a default refers to are defined before it. */
static void visit_default_refs(Sb *sb, Buf *b, Str def)
{
	for (size_t i = 0; i + 1 < def.n; i++)
		if (def.p[i] == '$' && def.p[i + 1] == '{') {
			size_t j = i + 2;
			while (j < def.n && def.p[j] != '}')
				j++;
			Str name = { def.p + i + 2, j - i - 2 };
			const Param *q = sb_find_param(sb->p, name);
			if (!q || !q->baked)
				define_param(sb, b, use_param(sb, name, i == 0));
			i = j;
		}
}

static void define_param(Sb *sb, Buf *b, ParamUse *u)
{
	if (u->state == 2)
		return;
	if (u->state == 1) {
		if (!sb->bad)
			diag_plain(sb->d, DIAG_ERROR, "params' defaults refer to each other in a cycle (through '%.*s')",
				   STRF(u->name));
		sb->bad = true;
		return;
	}
	u->state = 1;
	const Param *prm = sb_find_param(sb->p, u->name);
	Str name = u->name; /* u may move as params are added */
	bool root = u->root;
	Buf val = { 0 };
	Buf q = { 0 };
	esc_put(&q, name, ESC_SCHEME); /* names are identifiers */
	if (prm && prm->has_default && !prm->baked) {
		visit_default_refs(sb, b, prm->def);
		/* The default as an expression: `${X}` is X's variable. */
		Cat c = { 0 };
		Str d = prm->def;
		size_t lit = 0;
		for (size_t i = 0; i < d.n; i++)
			if (d.p[i] == '$' && i + 1 < d.n && d.p[i + 1] == '{') {
				size_t j = i + 2;
				while (j < d.n && d.p[j] != '}')
					j++;
				cat_lit(sb, &c, (Str){ d.p + lit, i - lit });
				Str ref = { d.p + i + 2, j - i - 2 };
				const Param *rp = sb_find_param(sb->p, ref);
				if (rp && rp->baked)
					cat_lit(sb, &c, rp->def);
				else
					cat_expr(sb, &c, sb_param_var(sb, ref));
				i = j;
				lit = j + 1;
			}
		cat_lit(sb, &c, (Str){ d.p + lit, d.n - lit });
		Buf dv = { 0 };
		cat_render(sb, &c, &dv);
		buf_printf(&val, "(if (string? (param %.*s)) (param %.*s) %.*s)", (int)q.n, q.p, (int)q.n, q.p,
			   (int)dv.n, dv.p);
		buf_free(&dv);
	} else if (prm && prm->baked)
		esc_put(&val, prm->def, ESC_SCHEME);
	else
		buf_printf(&val, "(param %.*s)", (int)q.n, q.p);
	Str var = sb_param_var(sb, name);
	buf_printf(b, "(define %.*s (%s %.*s %.*s))\n", STRF(var), root ? "sbx-root" : "sbx-part", (int)q.n, q.p,
		   (int)val.n, val.p);
	buf_free(&val);
	buf_free(&q);
	for (int i = 0; i < sb->npu; i++)
		if (str_eq(sb->pu[i].name, name))
			sb->pu[i].state = 2;
}

static int cmp_pu(const void *x, const void *y)
{
	return str_cmp(((const ParamUse *)x)->name, ((const ParamUse *)y)->name);
}

void sb_define_params(Sb *sb, Buf *b)
{
	if (sb->npu > 1)
		qsort(sb->pu, (size_t)sb->npu, sizeof *sb->pu, cmp_pu);
	int nused = sb->npu;
	for (int i = 0; i < nused; i++)
		define_param(sb, b, &sb->pu[i]);
	for (int i = 0; i < sb->npu; i++) /* defaults may have pulled in more */
		define_param(sb, b, &sb->pu[i]);
}
