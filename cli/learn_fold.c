/*
 * learn_fold.c: what `sbxc learn` saw, turned into a proposed policy.
 *
 *   1. Each access is one (path, right) with a count and an example; paths
 *      under ${PROJECT}, ${HOME} and ${TMPDIR} (the longest that fits) are
 *      written with the param.
 *   2. Secrets (lf_secret: ~/.ssh, ~/.aws, ~/.gnupg, browser profiles,
 *      token files, .env) are never granted: cmd_learn.c already set them
 *      aside; they become a comment naming what touched them, a `deny` and
 *      an `expect deny`.
 *   3. std/base, then each candidate fragment in a fixed order, is used
 *      when it allows an access nothing before it allowed (decided by the
 *      compiler's own evaluator on the fragment, so "covers" means what
 *      the language means); those accesses need no rule of their own.
 *   4. What is left is folded per right, deepest directories first: a
 *      directory replaces its entries when at least two are used and they
 *      are more than half of what it holds now, unless it is shallow (/,
 *      /usr, ${HOME} itself), holds a secret location, or a bounded walk
 *      beneath it finds a secret file name or gives up.
 *   5. A listing or open of a directory needs `read` of the directory,
 *      which in sbx is everything beneath it: granted only where a fold
 *      would be, else left as a comment.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "learn_fold.h"
#include "../ir/eval.h"
#include "../lang/lang.h"

/* Under ${HOME}: the directories and files that hold credentials. */
static const char *const home_secrets[] = {
	".ssh", ".aws", ".gnupg", ".azure", ".kube", ".docker/config.json", ".netrc", ".git-credentials",
	".npmrc", ".pypirc", ".cargo/credentials", ".cargo/credentials.toml", ".config/gh", ".config/hub",
	".config/gcloud", ".password-store", ".local/share/keyrings", ".mozilla", ".config/google-chrome",
	".config/chromium", ".config/BraveSoftware", ".config/microsoft-edge", ".thunderbird", ".vault-token",
};

/* A file name that holds secrets wherever it is. */
static bool secret_name(const char *name)
{
	return !strcmp(name, ".env") || !strncmp(name, ".env.", 5) || !strcmp(name, ".netrc") ||
	       !strcmp(name, ".git-credentials") || !strcmp(name, "id_rsa") || !strcmp(name, "id_ed25519") ||
	       !strcmp(name, "id_ecdsa") || !strcmp(name, "id_dsa");
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == 0);
}

static char *xstrdup(const char *s)
{
	char *r = strdup(s);
	if (!r) {
		fputs("sbxc learn: out of memory\n", stderr);
		exit(126);
	}
	return r;
}

static void *xrealloc(void *p, size_t n)
{
	void *r = realloc(p, n);
	if (!r) {
		fputs("sbxc learn: out of memory\n", stderr);
		exit(126);
	}
	return r;
}

bool lf_secret(const LearnSeen *s, const char *path, char *root, size_t n)
{
	char p[4096];
	for (size_t i = 0; s->home && i < ARRAY_LEN(home_secrets); i++) {
		snprintf(p, sizeof p, "%s/%s", s->home, home_secrets[i]);
		if (under(path, p)) {
			snprintf(root, n, "%s", p);
			return true;
		}
	}
	const char *base = strrchr(path, '/');
	if (base && secret_name(base + 1)) {
		snprintf(root, n, "%s", path);
		return true;
	}
	return false;
}

/* ---- the table ---- */

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int find(const LearnSeen *s, const char *path)
{
	if (!s->nidx)
		return -1;
	for (unsigned i = hash(path) & (unsigned)(s->nidx - 1);; i = (i + 1) & (unsigned)(s->nidx - 1)) {
		if (s->idx[i] < 0)
			return -1;
		if (!strcmp(s->v[s->idx[i]].path, path))
			return s->idx[i];
	}
}

static void reindex(LearnSeen *s)
{
	s->nidx = s->nidx ? s->nidx * 2 : 1024;
	free(s->idx);
	s->idx = xrealloc(NULL, sizeof *s->idx * (size_t)s->nidx);
	for (int i = 0; i < s->nidx; i++)
		s->idx[i] = -1;
	for (int k = 0; k < s->n; k++) {
		unsigned i = hash(s->v[k].path) & (unsigned)(s->nidx - 1);
		while (s->idx[i] >= 0)
			i = (i + 1) & (unsigned)(s->nidx - 1);
		s->idx[i] = k;
	}
}

LearnAcc *lf_acc(LearnSeen *s, const char *path)
{
	int k = find(s, path);
	if (k >= 0)
		return &s->v[k];
	if (s->n == s->cap)
		s->v = xrealloc(s->v, sizeof *s->v * (size_t)(s->cap = s->cap ? s->cap * 2 : 256));
	LearnAcc *a = &s->v[s->n++];
	memset(a, 0, sizeof *a);
	a->path = xstrdup(path);
	if (s->n * 2 > s->nidx)
		reindex(s);
	else {
		unsigned i = hash(path) & (unsigned)(s->nidx - 1);
		while (s->idx[i] >= 0)
			i = (i + 1) & (unsigned)(s->nidx - 1);
		s->idx[i] = s->n - 1;
	}
	return a;
}

void lf_add(LearnSeen *s, const char *path, int right, const char *example)
{
	LearnAcc *a = lf_acc(s, path);
	a->count[right]++;
	a->live[right] = true;
	if (example && !a->example[right] && strcmp(example, path))
		a->example[right] = xstrdup(example);
}

void lf_secret_add(LearnSeen *s, const char *root, const char *path, const char *who, bool wrote)
{
	for (int i = 0; i < s->nsec; i++)
		if (!strcmp(s->sec[i].root, root)) {
			s->sec[i].count++;
			s->sec[i].wrote |= wrote;
			return;
		}
	if (s->nsec == s->capsec)
		s->sec = xrealloc(s->sec, sizeof *s->sec * (size_t)(s->capsec = s->capsec ? s->capsec * 2 : 8));
	LearnSecret *e = &s->sec[s->nsec++];
	*e = (LearnSecret){ xstrdup(root), xstrdup(path), "", 1, wrote };
	snprintf(e->who, sizeof e->who, "%s", who);
}

void lf_net_add(LearnSeen *s, const char *what)
{
	for (int i = 0; i < s->nnet; i++)
		if (!strcmp(s->net[i], what)) {
			s->netcount[i]++;
			return;
		}
	if (s->nnet == s->capnet) {
		s->capnet = s->capnet ? s->capnet * 2 : 8;
		s->net = xrealloc(s->net, sizeof *s->net * (size_t)s->capnet);
		s->netcount = xrealloc(s->netcount, sizeof *s->netcount * (size_t)s->capnet);
	}
	s->net[s->nnet] = xstrdup(what);
	s->netcount[s->nnet++] = 1;
}

void lf_free(LearnSeen *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->v[i].path);
		for (int r = 0; r < LR__N; r++)
			free(s->v[i].example[r]);
	}
	for (int i = 0; i < s->nsec; i++) {
		free(s->sec[i].root);
		free(s->sec[i].example);
	}
	for (int i = 0; i < s->nnet; i++)
		free(s->net[i]);
	free(s->v);
	free(s->idx);
	free(s->sec);
	free(s->net);
	free(s->netcount);
}

/* path with the longest of PROJECT, HOME, TMPDIR it lies under as a param. */
static void symbolic(const LearnSeen *s, const char *path, Buf *b)
{
	const char *names[] = { "PROJECT", "HOME", "TMPDIR" };
	const char *vals[] = { s->project, s->home, s->tmpdir };
	int best = -1;
	size_t bn = 0;
	for (int i = 0; i < 3; i++) {
		size_t n = vals[i] ? strlen(vals[i]) : 0;
		if (n > 1 && under(path, vals[i]) && n > bn) {
			best = i;
			bn = n;
		}
	}
	Buf t = { 0 };
	if (best >= 0)
		buf_printf(&t, "${%s}%s", names[best], path + bn);
	else
		buf_puts(&t, path);
	buf_putc(&t, 0);
	lt_path(b, t.p);
	buf_free(&t);
}

/* ---- std coverage ---- */

/* The most specific first: c-toolchain grants /usr/bin whole, so it is
 * used only for a compiler's own files. */
static const struct {
	const char *name;
	const char *need; /* used only when some access lies under this (NULL: any) */
} cands[] = {
	{ "std/tmp", NULL }, { "std/child-process", NULL }, { "std/git", NULL }, { "std/python", NULL }, { "std/node", NULL },
	{ "std/java", "/usr/lib/jvm" }, { "std/rust-toolchain", NULL }, { "std/locale", NULL }, { "std/tls-ca", NULL },
	{ "std/dns", NULL }, { "std/xdg-cache", NULL }, { "std/xdg-config", NULL },
	{ "std/c-toolchain", "/usr/lib/gcc" },
};

typedef struct Frag {
	Compile c;
	bool ok;
} Frag;

static void load_frag(Frag *f, const char *use)
{
	compile_init(&f->c);
	Buf t = { 0 };
	buf_printf(&t, "sbx 1\npolicy probe\nuse std/base\n");
	if (use)
		buf_printf(&t, "use %s\n", use);
	Str text = arena_strdup(&f->c.arena, buf_as_str(&t));
	buf_free(&t);
	f->c.skip_checks = true;
	f->ok = compile_load_text(&f->c, "<std probe>", text, NULL, 0);
}

/* Does c's policy allow op on Linux? (Parse errors: no.) */
static bool policy_allows(Compile *c, const char *op)
{
	Op o;
	Diags d = { .arena = &c->arena };
	c->arena.oom = &c->oom;
	if (setjmp(c->oom)) {
		c->arena.oom = NULL;
		return false;
	}
	bool ok = lang_parse_op(c->policy, &c->arena, &d, (SrcLoc){ 0, 0, 0 }, str_c(op), &o) &&
		  eval_op(c->policy, &o, PLAT_LINUX).effect == EFF_ALLOW;
	c->arena.oom = NULL;
	return ok;
}

static bool frag_allows(Frag *f, const char *op) { return f->ok && policy_allows(&f->c, op); }

static const char *const right_word[] = { "read", "write", "exec" };

static char *op_for(const LearnSeen *s, int right, const char *path)
{
	Buf b = { 0 };
	buf_printf(&b, "%s ", right_word[right]);
	symbolic(s, path, &b);
	buf_putc(&b, 0);
	return b.p;
}

/* ---- folding ---- */

static int depth(const char *p)
{
	if (!strcmp(p, "/"))
		return 0;
	int d = 0;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

static char *parent_of(const char *p)
{
	const char *sl = strrchr(p, '/');
	size_t n = sl && sl != p ? (size_t)(sl - p) : 1;
	char *r = xrealloc(NULL, n + 1);
	memcpy(r, p, n);
	r[n] = 0;
	return r;
}

/* A bounded walk beneath dir: secret file names found go to s (to be
 * denied inside the grant); false when the walk gives up. */
static bool walk_secrets(LearnSeen *s, const char *dir, int *budget)
{
	DIR *d = opendir(dir);
	if (!d)
		return true;
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (--*budget < 0) {
			ok = false;
			break;
		}
		char sub[4096];
		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= sizeof sub)
			continue;
		if (secret_name(e->d_name))
			lf_secret_add(s, sub, sub, "", false);
		else if (e->d_type == DT_DIR)
			ok = walk_secrets(s, sub, budget);
	}
	closedir(d);
	return ok;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* May dir be granted whole? Never /, a top-level directory, ${HOME} or
 * what holds it, the project's or TMPDIR's ancestors, or what holds a
 * secret location; secret names beneath it are denied inside the grant. */
static bool foldable(LearnSeen *s, const char *dir)
{
	if (depth(dir) < 2)
		return false;
	const char *roots[] = { s->home, s->project, s->tmpdir };
	for (int i = 0; i < 3; i++)
		if (roots[i] && under(roots[i], dir) && (i == 0 || strcmp(dir, roots[i])))
			return false;
	for (size_t i = 0; s->home && i < ARRAY_LEN(home_secrets); i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", s->home, home_secrets[i]);
		if (under(p, dir))
			return false;
	}
	int budget = 20000;
	return walk_secrets(s, dir, &budget);
}

static void fold_right(LearnSeen *s, int right)
{
	for (int d = 64; d >= 2; d--) {
		for (int i = 0; i < s->n; i++) {
			if (!s->v[i].live[right] || depth(s->v[i].path) != d)
				continue;
			char *dir = parent_of(s->v[i].path);
			int used = 0;
			for (int k = 0; k < s->n; k++)
				if (s->v[k].live[right] && depth(s->v[k].path) == d && under(s->v[k].path, dir))
					used++;
			int pk = find(s, dir);
			bool parent_live = pk >= 0 && s->v[pk].live[right];
			int total = parent_live ? 0 : count_entries(dir);
			bool fold = parent_live || ((used >= 2 || used == total) && total > 0 && used * 2 > total && foldable(s, dir));
			if (fold) {
				LearnAcc *p = lf_acc(s, dir); /* may move s->v */
				long sum = 0;
				const char *ex = NULL;
				for (int k = 0; k < s->n; k++) {
					LearnAcc *c = &s->v[k];
					if (c == p || !c->live[right] || depth(c->path) != d || !under(c->path, dir))
						continue;
					sum += c->count[right];
					if (!ex)
						ex = c->example[right] ? c->example[right] : c->path;
					c->live[right] = false;
				}
				if (!p->example[right] && ex)
					p->example[right] = xstrdup(ex);
				p->count[right] += sum;
				p->live[right] = true;
				p->listed = false;
			}
			free(dir);
		}
	}
}

/* ---- the proposal ---- */

static int rule_cmp(const void *x, const void *y)
{
	const LearnAcc *a = *(const LearnAcc *const *)x, *b = *(const LearnAcc *const *)y;
	return strcmp(a->path, b->path);
}

void lf_propose(LearnSeen *s, const char *name, const char *cmdline, Compile *from, Str from_text, Buf *out,
		int *nrules, int *nfrags)
{
	*nrules = *nfrags = 0;
	/* --from: what the policy already allows needs nothing new. */
	for (int i = 0; from && i < s->n; i++)
		for (int r = 0; r < LR__N; r++)
			if (s->v[i].live[r]) {
				char *op = op_for(s, r, s->v[i].path);
				if (policy_allows(from, op))
					s->v[i].live[r] = false;
				free(op);
			}
	for (int i = 0; from && i < s->nnet; i++)
		if (s->netcount[i] > 0 && policy_allows(from, s->net[i]))
			s->netcount[i] = 0;
	if (from) {
		if (policy_allows(from, "fork"))
			s->forks = 0;
		static const char *const sg[] = { "signal self", "signal children", "signal any" };
		for (int k = 0; k < 3; k++)
			if (s->sig[k] && policy_allows(from, sg[k]))
				s->sig[k] = false;
	}
	/* A listing alone never asks for a shallow directory's whole tree. */
	Buf unlisted = { 0 };
	int nunlisted = 0;
	for (int i = 0; i < s->n; i++) {
		LearnAcc *a = &s->v[i];
		if (a->listed && a->live[LR_READ] && a->count[LR_READ] && !foldable(s, a->path)) {
			a->live[LR_READ] = false;
			if (nunlisted++ < 8) {
				buf_puts(&unlisted, "#   ");
				symbolic(s, a->path, &unlisted);
				buf_putc(&unlisted, '\n');
			}
		}
	}
	/* std coverage. */
	Frag base;
	load_frag(&base, NULL);
	enum { NC = ARRAY_LEN(cands) };
	Frag *frags = calloc(NC, sizeof *frags);
	long covered[NC] = { 0 };
	char *cover_ex[NC] = { 0 };
	bool used[NC] = { 0 };
	for (size_t c = 0; c < NC; c++)
		load_frag(&frags[c], cands[c].name);
	for (size_t c = 0; c < NC; c++) {
		if (cands[c].need) {
			bool any = false;
			for (int i = 0; i < s->n && !any; i++)
				any = under(s->v[i].path, cands[c].need);
			if (!any)
				continue;
		}
		for (int i = 0; i < s->n; i++)
			for (int r = 0; r < LR__N; r++) {
				LearnAcc *a = &s->v[i];
				if (!a->live[r])
					continue;
				char *op = op_for(s, r, a->path);
				if (frag_allows(&base, op)) {
					a->live[r] = false;
				} else if (frag_allows(&frags[c], op)) {
					a->live[r] = false;
					covered[c] += a->count[r];
					used[c] = true;
					if (!cover_ex[c])
						cover_ex[c] = op;
					else
						free(op);
					continue;
				}
				free(op);
			}
	}
	for (size_t c = 0; c < NC; c++)
		for (int i = 0; i < s->nnet; i++) {
			if (s->netcount[i] <= 0 || !frag_allows(&frags[c], s->net[i]))
				continue;
			if (frag_allows(&base, s->net[i]))
				continue;
			covered[c] += s->netcount[i];
			used[c] = true;
			if (!cover_ex[c])
				cover_ex[c] = xstrdup(s->net[i]);
			s->netcount[i] = -s->netcount[i]; /* covered: no rule */
		}
	/* What the run made itself cannot be named in advance (cargo's hashed
	 * directories, a compiler's outputs): a read or exec beneath a path the
	 * run created goes to the topmost such path. */
	for (int i = 0; i < s->n; i++) {
		if (!s->v[i].live[LR_READ] && !s->v[i].live[LR_EXEC])
			continue;
		char *p = xstrdup(s->v[i].path);
		int top = -1;
		for (;;) {
			int k = find(s, p);
			if (k >= 0 && s->v[k].created && k != i)
				top = k;
			if (!strcmp(p, "/"))
				break;
			char *up = parent_of(p);
			free(p);
			p = up;
		}
		free(p);
		if (top < 0)
			continue;
		for (int r = LR_READ; r < LR__N; r += LR_EXEC - LR_READ) {
			LearnAcc *a = &s->v[i], *t = &s->v[top];
			if (!a->live[r])
				continue;
			t->count[r] += a->count[r];
			t->live[r] = true;
			if (!t->example[r])
				t->example[r] = xstrdup(a->example[r] ? a->example[r] : a->path);
			a->live[r] = false;
		}
	}
	/* Folding, then what an ancestor of the same right covers. */
	for (int r = 0; r < LR__N; r++)
		fold_right(s, r);
	for (int i = 0; i < s->n; i++)
		for (int r = 0; r < LR__N; r++)
			for (int k = 0; k < s->n && s->v[i].live[r]; k++)
				if (k != i && s->v[k].live[r] && strcmp(s->v[k].path, s->v[i].path) && under(s->v[i].path, s->v[k].path)) {
					s->v[k].count[r] += s->v[i].count[r];
					s->v[i].live[r] = false;
				}

	if (from) {
		buf_str(out, from_text);
		if (from_text.n && from_text.p[from_text.n - 1] != '\n')
			buf_putc(out, '\n');
		Buf d = { 0 };
		buf_printf(&d, "\n# Added by `sbxc learn --from`: what a run of `%s` did that the\n"
			       "# rules above did not allow. Review it (sbxc diff OLD NEW lists it).\n", cmdline);
		buf_str(out, buf_as_str(&d));
		buf_free(&d);
	} else {
		buf_puts(out, "sbx 1\npolicy ");
		buf_puts(out, name);
		buf_puts(out, " ");
		Buf d = { 0 };
		buf_printf(&d, "learned from: %s", cmdline);
		buf_putc(&d, 0);
		lt_string(out, d.p);
		buf_free(&d);
		buf_puts(out, "\n# Proposed by `sbxc learn` from one run: review it, then run the command\n"
			      "# under it (sbxc run). What the run did not do is denied; secrets it\n"
			      "# touched are denied explicitly below.\n\nuse std/base\n");
	}
	for (size_t c = 0; c < NC; c++)
		if (used[c]) {
			buf_printf(out, "use %s  # %ld access%s, e.g. %s\n", cands[c].name, covered[c], covered[c] == 1 ? "" : "es", cover_ex[c]);
			++*nfrags;
		}
	buf_putc(out, '\n');
	LearnAcc **rules = calloc((size_t)s->n + 1, sizeof *rules);
	int nr = 0;
	for (int i = 0; i < s->n; i++)
		if (s->v[i].live[LR_READ] || s->v[i].live[LR_WRITE] || s->v[i].live[LR_EXEC])
			rules[nr++] = &s->v[i];
	if (nr)
		qsort(rules, (size_t)nr, sizeof *rules, rule_cmp);
	const LearnAcc *top[3] = { 0 };
	for (int i = 0; i < nr; i++) {
		LearnAcc *a = rules[i];
		buf_puts(out, "allow");
		long n = 0;
		const char *ex = NULL;
		/* exec needs the file read too (the loader, an interpreter) */
		bool rd = a->live[LR_READ] || a->live[LR_EXEC];
		if (rd)
			buf_puts(out, " read");
		for (int r = LR_WRITE; r < LR__N; r++)
			if (a->live[r])
				buf_printf(out, " %s", right_word[r]);
		for (int r = 0; r < LR__N; r++)
			if (a->live[r]) {
				n += a->count[r];
				if (!ex)
					ex = a->example[r];
			}
		buf_putc(out, ' ');
		symbolic(s, a->path, out);
		if (a->created && a->live[LR_WRITE])
			buf_puts(out, " create");
		Buf why = { 0 }, exs = { 0 };
		symbolic(s, ex ? ex : a->path, &exs);
		buf_putc(&exs, 0);
		buf_printf(&why, "%ld access%s, e.g. %s", n, n == 1 ? "" : "es", exs.p[0] == '"' ? a->path : exs.p);
		buf_putc(&why, 0);
		buf_puts(out, " because ");
		lt_string(out, why.p);
		buf_putc(out, '\n');
		buf_free(&why);
		buf_free(&exs);
		++*nrules;
		for (int t = 0; t < 3; t++)
			if (!top[t] || top[t]->count[0] + top[t]->count[1] + top[t]->count[2] < n) {
				for (int m = 2; m > t; m--)
					top[m] = top[m - 1];
				top[t] = a;
				break;
			}
	}
	if (s->forks) {
		buf_printf(out, "allow fork because \"%ld processes started\"\n", s->forks);
		++*nrules;
	}
	static const char *const sigs[] = { "self", "children", "any" };
	for (int k = 0; k < 3; k++)
		if (s->sig[k]) {
			buf_printf(out, "allow signal %s because \"observed\"\n", sigs[k]);
			++*nrules;
		}
	for (int i = 0; i < s->nnet; i++)
		if (s->netcount[i] > 0) {
			buf_printf(out, "allow %s because \"%ld access%s\"\n", s->net[i], s->netcount[i],
				   s->netcount[i] == 1 ? "" : "es");
			++*nrules;
		}
	if (nunlisted) {
		buf_printf(out, "\n# Listed or opened as a directory but not granted (read would grant\n"
				"# everything beneath): %d, e.g.\n%.*s", nunlisted, (int)unlisted.n, unlisted.p);
	}
	for (int i = 0; i < s->nsec; i++) {
		LearnSecret *e = &s->sec[i];
		buf_puts(out, "\n# secret: ");
		symbolic(s, e->root, out);
		if (e->who[0])
			buf_printf(out, " was %s by %s (%ld access%s): never granted\n", e->wrote ? "written" : "read", e->who,
				   e->count, e->count == 1 ? "" : "es");
		else
			buf_puts(out, " lies inside a proposed directory: denied inside it\n");
		buf_puts(out, "deny read write ");
		symbolic(s, e->root, out);
		buf_puts(out, " because \"a secret: sbxc learn never grants it\"\nexpect deny read ");
		symbolic(s, e->example, out);
		buf_putc(out, '\n');
	}
	bool first = true;
	for (int t = 0; t < 3; t++)
		if (top[t]) {
			const LearnAcc *a = top[t];
			int r = a->live[LR_READ] ? LR_READ : a->live[LR_WRITE] ? LR_WRITE : LR_EXEC;
			buf_puts(out, first ? "\nexpect allow " : "expect allow ");
			first = false;
			buf_printf(out, "%s ", right_word[r]);
			symbolic(s, a->example[r] ? a->example[r] : a->path, out);
			buf_putc(out, '\n');
		}
	free(rules);
	buf_free(&unlisted);
	for (size_t c = 0; c < NC; c++) {
		compile_free(&frags[c].c);
		free(cover_ex[c]);
	}
	free(frags);
	compile_free(&base.c);
}
