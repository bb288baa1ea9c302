/*
 * seatbelt_implicit.c: what every program needs to start on macOS and the
 * language has no word for (backend-implicit grants; seatbelt.c has the
 * design of the rest).
 *
 * - dyld aborts before main unless the process may read "/" itself
 *   (file-read-data and file-read-metadata on the literal "/"): every
 *   profile known to work grants it (Chromium's common.sb, codex's base
 *   policy with its read-only root, sandbox-runtime).
 * - realpath(3) (Node, Python, the shells' `cd -P`) lstat()s every
 *   component of a path, so reading a granted path needs the metadata of
 *   each of its ancestors; the /tmp, /var and /etc links and /private are
 *   crossed by every temporary directory and /etc/localtime; /dev is
 *   listed by shells. LANGUAGE.md 5.1 leaves reading metadata outside
 *   sbx 1, so granting it is not wider; hiding it elsewhere is stricter.
 *
 * These forms come before the policy's rules. Every read rule of the
 * policy names file-read-data and file-read-metadata itself (seatbelt.c),
 * and Seatbelt decides among the rules naming an operation by the last
 * one, so a later deny of the policy wins over these grants, and a rule
 * naming only the wildcard file-read* cannot be beaten by them.
 */
#include <stdlib.h>
#include <string.h>

#include "seatbelt.h"

bool sb_is_tty_path(const PathObj *po)
{
	if (po->root != ROOT_ABS)
		return false;
	Str t = po->text;
	return str_has_prefix(t, "/dev/tty") || str_eqc(t, "/dev/ptmx");
}

typedef struct FltSet {
	Str *v;
	int n, cap;
} FltSet;

/* Collected with repeats, then sorted and deduplicated once (a linear
 * search per ancestor was quadratic in the rules). */
static void add_flt(Sb *sb, FltSet *s, Str f) { *VEC_PUSH(sb->a, s->v, s->n, s->cap) = f; }

static int cmp_str(const void *x, const void *y) { return str_cmp(*(const Str *)x, *(const Str *)y); }

/* The ancestors of a granted path, "/" aside: a param's value's own
 * ancestors (computed when the profile is applied), then every literal
 * prefix up to the path's parent or its first wildcard. */
static void ancestors(Sb *sb, FltSet *s, StrSet *seen, const PathObj *po)
{
	Path pa_; /* on the stack: 8 KB zeroed per rule was most of the RSS */
	Path *pa = &pa_;
	sb_split_path(po, pa);
	int last = pa->first_glob < pa->n - 1 ? pa->first_glob : pa->n - 1;
	if (pa->param.n) {
		sb->need_ancestors = true;
		add_flt(sb, s, arena_printf(sb->a, "(regex (sbx-ancestors %.*s))", STRF(sb_param_var(sb, pa->param))));
	}
	for (int k = pa->param.n ? 0 : 1; k <= last; k++) {
		/* Rendered once per distinct prefix of the source text: granted
		 * paths share most of their ancestors. */
		Str c = k ? pa->comp[k - 1] : (Str){ po->text.p, 0 };
		size_t end = c.p >= po->text.p && c.p <= po->text.p + po->text.n ? (size_t)(c.p + c.n - po->text.p) : 0;
		if (k == 0 && pa->param.n) /* the param's value itself: "${NAME}" */
			end = (size_t)(pa->param.p + pa->param.n + 1 - po->text.p);
		char tag[24];
		int tn = snprintf(tag, sizeof tag, "%d %d %d %d ", po->root, pa->private_added, pa->esc, k);
		Buf key = { 0 };
		buf_printf(&key, "%.*s%.*s", tn, tag, (int)end, po->text.p);
		bool fresh = strset_add(seen, buf_as_str(&key));
		buf_free(&key);
		if (fresh)
			add_flt(sb, s, arena_printf(sb->a, "(literal %.*s)", STRF(sb_path_expr(sb, pa, k))));
	}
}

void sb_implicit(Sb *sb, Buf *b)
{
	static const char *const fixed[] = { "/dev", "/etc", "/private", "/private/etc", "/private/tmp",
					     "/private/var", "/tmp", "/var" };
	FltSet s = { 0 };
	StrSet seen = { 0 };
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		add_flt(sb, &s, arena_printf(sb->a, "(literal \"%s\")", fixed[i]));
	const Policy *p = sb->p;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (r->effect != EFF_ALLOW || !(r->platforms & PLAT_MACOS))
			continue;
		const PathObj *po = NULL;
		if (r->right == R_READ || r->right == R_WRITE || r->right == R_EXEC)
			po = &r->path;
		else if ((r->right == R_CONNECT || r->right == R_BIND) && r->net.proto == PROTO_UNIX)
			po = &r->net.path;
		if (po && po->root != ROOT_WIN)
			ancestors(sb, &s, &seen, po);
	}
	/* openpty(3) and posix_openpt(3): the pseudo-tty operation, where the
	 * policy lets /dev/ptmx be written. */
	bool pty = false;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (r->effect == EFF_ALLOW && r->right == R_WRITE && (r->platforms & PLAT_MACOS) &&
		    r->path.root == ROOT_ABS && str_eqc(r->path.text, "/dev/ptmx"))
			pty = true;
	}
	strset_free(&seen);
	qsort(s.v, (size_t)s.n, sizeof *s.v, cmp_str);
	int u = 0;
	for (int i = 0; i < s.n; i++)
		if (u == 0 || !str_eq(s.v[u - 1], s.v[i]))
			s.v[u++] = s.v[i];
	s.n = u;
	buf_puts(b, "\n;; what every program needs on macOS, not a rule of the policy: dyld reads \"/\" itself;\n"
		    ";; realpath reads the metadata of every granted path's ancestors and of the /private links.\n"
		    ";; The policy's rules below name file-read-metadata too, so each of its denies wins.\n"
		    "(allow file-read-data file-read-metadata (literal \"/\"))\n"
		    "(allow file-read-metadata\n");
	for (int i = 0; i < s.n; i++) {
		buf_puts(b, "  ");
		buf_str(b, s.v[i]);
		buf_putc(b, '\n');
	}
	buf_puts(b, ")\n");
	buf_puts(b, ";; POSIX semaphores (Python's multiprocessing locks): named, hold no data of a file\n"
		    "(allow ipc-posix-sem*)\n");
	if (pty)
		buf_puts(b, ";; openpty(3): the policy lets /dev/ptmx be written\n(allow pseudo-tty)\n");
}
