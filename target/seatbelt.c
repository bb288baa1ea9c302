/*
 * seatbelt.c: the macos target, a Seatbelt (SBPL) profile for sandbox-exec
 * and sandbox_init.
 *
 * SBPL decides an operation by the last rule that matches it, after a
 * `(deny default)`. The language decides by the most specific rule (deny
 * winning a tie), so the profile lists each right's rules from least to
 * most specific, allows before denies at equal specificity: the last match
 * is then the most specific one, and deny inside allow, allow inside deny,
 * both hold exactly. Every rule becomes an Atom (operations, one filter
 * set, a specificity key, the rules it came from); atoms are sorted by
 * (section, key, effect), atoms with the same filter merge their
 * operations (read and write of one path become one form), and runs of
 * atoms with the same operations merge into one form with several filters.
 * Rights map to disjoint operations, so sorting them together keeps each
 * right's own order, which is all last-match-wins needs.
 *
 * Paths stay symbolic: a param becomes a variable `$NAME` defined once at
 * the top from `(param "NAME")`, checked (set, absolute, normalised) and
 * made canonical when the profile is applied. The kernel reports resolved
 * paths, so /tmp, /var and /etc (links into /private) are rewritten to
 * /private/..., at compile time for literal paths and by the `sbx-root`
 * helper for param values. A plain path is a `subpath`; a glob becomes an
 * anchored regex in which every literal byte that is a regex metacharacter
 * is escaped (`regex-quote`, libsandbox's own helper, for param values).
 *
 * Move-blocking: Seatbelt matches the path an operation names, so renaming
 * a directory moves whatever it holds out of reach of a rule. A denied read
 * or write therefore also denies file-write-unlink (rename-from and delete)
 * of every ancestor of the denied path, of the directories a pattern's
 * wildcard part may cross, and, for a denied read, of the denied files
 * themselves, and hard links (file-link) to what it denies; these denies
 * come after every file rule, so they win. They
 * are left out when no write rule could reach the path.
 *
 * Network: connect is network-outbound matched by (remote ...), bind is
 * network-bind and network-inbound matched by (local ...); srt once swapped
 * them and opened egress, and the checker's strict mode refuses that.
 * Seatbelt addresses are only `*` or `localhost` with one port or `*`:
 * `localhost` is exact (the language's localhost is the loopback addresses,
 * as Seatbelt's is); a host name, a wildcard name, one loopback address or
 * another address is wider for an allow, stricter for a deny
 * (the fidelity answer says which, rule by rule). Unix sockets are matched
 * by path filters on the same operations.
 *
 * Every string reaching the profile is escaped (quotes, backslashes,
 * newlines; other control bytes are refused), and every comment has its
 * control bytes replaced, so no file name, path or reason can end a string
 * or a comment and inject a rule.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seatbelt.h"
#include "../ir/eval.h"
#include "../lib/esc.h"
#include "../ir/eval.h"

/* ---- SBPL operations ---- */

#define SB_OPS(X)                                       \
	X(OP_READ, "file-read*")                        \
	X(OP_READ_DATA, "file-read-data")               \
	X(OP_READ_META, "file-read-metadata")           \
	X(OP_READ_XATTR, "file-read-xattr")             \
	X(OP_MAPX, "file-map-executable")               \
	X(OP_WRITE, "file-write*")                      \
	X(OP_IOCTL, "file-ioctl")                       \
	X(OP_UNLINK, "file-write-unlink")               \
	X(OP_LINK, "file-link")                         \
	X(OP_EXEC, "process-exec*")                     \
	X(OP_FORK, "process-fork")                      \
	X(OP_SIGNAL, "signal")                          \
	X(OP_TASK, "mach-priv-task-port")               \
	X(OP_NET, "network*")                           \
	X(OP_OUT, "network-outbound")                   \
	X(OP_BIND, "network-bind")                      \
	X(OP_IN, "network-inbound")                     \
	X(OP_MACH, "mach-lookup")                       \
	X(OP_SYSCTL, "sysctl-read")                     \
	X(OP_IOKIT, "iokit-open")                       \
	X(OP_SHM, "ipc-posix-shm*")

#define X(e, s) e,
enum { SB_OPS(X) OP__COUNT };
#undef X
#define X(e, s) s,
static const char *const op_name[OP__COUNT] = { SB_OPS(X) };
#undef X
#define BIT(o) (1u << (o))

/* Sections of the profile, in output order; their operations are disjoint
 * except move-blocking's file-write-unlink, which must follow the files. */
enum { SEC_FILE, SEC_MOVE, SEC_PROC, SEC_NET, SEC_NAME, SEC__COUNT };
static const char *const sec_title[SEC__COUNT] = {
	"files, least specific first (the last matching rule decides)",
	"move-blocking: what a denied path holds cannot be renamed out of reach",
	"processes",
	"network: connect = outbound to a remote address, bind = bind and inbound on a local one",
	"macOS services",
};

enum { MAX_PORTS = 64 }; /* a wider port range becomes `*` (wider or stricter) */

/* ---- atoms ---- */

struct Atom {
	uint8_t sec, effect;
	uint32_t ops;
	long key;            /* specificity within the section */
	Str flt;             /* filter forms, one per line; empty = no filter */
	const Rule **src;    /* the rules it came from */
	int nsrc, capsrc;
};

static Atom *add_atom(Sb *sb, int sec, int effect, uint32_t ops, long key, Str flt)
{
	Atom *at = VEC_PUSH(sb->a, sb->atoms, sb->natoms, sb->capatoms);
	*at = (Atom){ .sec = (uint8_t)sec, .effect = (uint8_t)effect, .ops = ops, .key = key, .flt = flt };
	if (sb->cur)
		*VEC_PUSH(sb->a, at->src, at->nsrc, at->capsrc) = sb->cur;
	return at;
}

static Str fmt_filter(Sb *sb, const char *name, Str arg)
{
	return arena_printf(sb->a, "(%s %.*s)", name, STRF(arg));
}

static Str join_lines(Sb *sb, Str a, Str b)
{
	if (a.n == 0)
		return b;
	return arena_printf(sb->a, "%.*s\n%.*s", STRF(a), STRF(b));
}


/* The filters matching a path rule's object (and everything beneath it). */
static Str path_filters(Sb *sb, const PathObj *po, int effect, bool symlink_too)
{
	Path pa_; /* on the stack: 8 KB zeroed per rule was most of the RSS */
	Path *pa = &pa_;
	sb_split_path(po, pa);
	Str f;
	if (pa->first_glob == pa->n)
		f = fmt_filter(sb, "subpath", sb_path_expr(sb, pa, pa->n));
	else {
		/* A leading wildcard of a deny also matches through /private. */
		bool priv = effect == EFF_DENY && po->root == ROOT_ABS && pa->first_glob == 0 &&
			    !sb_is_starstar(pa->comp[0]);
		f = fmt_filter(sb, "regex", sb_path_regex(sb, pa, pa->n, true, priv));
	}
	/* Reading /tmp itself (the link) is a read of "/tmp". */
	if (symlink_too && pa->private_added && pa->n == 2 && pa->first_glob == pa->n)
		f = join_lines(sb, f, arena_printf(sb->a, "(literal \"/%.*s\")", STRF(pa->comp[1])));
	return f;
}

/* Specificity of a path (eval_path_rank), counting /private when added so
 * that the key follows the path the kernel sees: SBPL's last match wins,
 * so atoms sorted by it put the rule the evaluator picks last. */
static long path_key(const PathObj *po)
{
	PathObj k = *po;
	if (po->root == ROOT_ABS && sb_needs_private(po->text)) {
		k.literal_prefix++;
		k.nlit++;
		k.ncomp++;
	}
	return (long)eval_path_rank(&k);
}

/* ---- move-blocking ---- */

typedef struct Lit {
	int root;  /* ROOT_ABS or ROOT_PARAM */
	Str param;
	Str text;  /* leading literal components, canonical, without the root */
} Lit;

/* The literal part of a path up to its first wildcard or inner param. */
static Lit lit_of(Arena *a, const PathObj *po)
{
	Lit l = { po->root, { "", 0 }, { "", 0 } };
	Str t = po->text;
	size_t i = 0;
	if (po->root == ROOT_PARAM) {
		while (i < t.n && t.p[i] != '}')
			i++;
		l.param = (Str){ t.p + 2, i - 2 };
		i++;
	}
	size_t start = i, end = i;
	while (i < t.n) {
		size_t j = i + 1;
		while (j < t.n && t.p[j] != '/')
			j++;
		Str c = { t.p + i, j - i };
		/* An escaped byte (PathObj.esc) ends it too: shorter is the safe side. */
		if (memchr(c.p, '*', c.n) || memchr(c.p, '$', c.n) || (po->esc && memchr(c.p, '\\', c.n)))
			break;
		end = j;
		i = j;
	}
	l.text = (Str){ t.p + start, end - start };
	if (str_eqc(l.text, "/"))
		l.text = (Str){ "", 0 };
	if (po->root == ROOT_ABS && sb_needs_private(l.text))
		l.text = arena_printf(a, "/private%.*s", STRF(l.text));
	return l;
}

/* The key of a literal part in the index of write allows: root and param
 * first ('}' cannot be in a param's name), so that a group is a prefix. */
static Str lit_key(Arena *a, Lit l, size_t *group)
{
	Str k = arena_printf(a, "%c%.*s}%.*s", l.root == ROOT_PARAM ? 'P' : 'A', STRF(l.param), STRF(l.text));
	*group = k.n - l.text.n;
	return k;
}

/* The literal parts of the macOS write allows, built once per policy:
 * every deny asks (fidelity, then emit). */
static const StrIdx *write_allows(const Policy *p)
{
	static IrMemo memo;
	static StrIdx idx;
	if (ir_memo_hit(&memo, p))
		return &idx;
	stridx_free(&idx);
	Arena t = { 0 };
	int lo, hi;
	ir_right_range(p, R_WRITE, &lo, &hi);
	for (int i = lo; i < hi; i++) {
		const Rule *w = &p->rules[i];
		if (w->effect != EFF_ALLOW || !(w->platforms & PLAT_MACOS) || w->path.root == ROOT_WIN)
			continue;
		size_t g;
		stridx_add(&idx, lit_key(&t, lit_of(&t, &w->path), &g), i);
	}
	stridx_sort(&idx);
	arena_free(&t);
	ir_memo_set(&memo, p);
	return &idx;
}

/* Could some write allow reach the path (one of its ancestors or what it
 * covers)? Paths with different roots are taken to overlap: a param can
 * be anywhere. */
static bool write_reaches(Arena *a, const Policy *p, const PathObj *po)
{
	const StrIdx *w = write_allows(p);
	if (w->n == 0)
		return false;
	Lit x = lit_of(a, po);
	size_t g;
	Str k = lit_key(a, x, &g);
	int lo, hi;
	stridx_prefix(w, (Str){ k.p, g }, &lo, &hi);
	if (hi - lo < w->n || x.text.n == 0) /* another root, or x is its root */
		return true;
	/* A write allow beneath x, or x itself. */
	stridx_equal(w, k, &lo, &hi);
	if (lo < hi)
		return true;
	stridx_prefix(w, arena_printf(a, "%.*s/", STRF(k)), &lo, &hi);
	if (lo < hi)
		return true;
	/* One of x's ancestors (the root included). */
	for (size_t i = g; i < k.n; i++) {
		if (k.p[i] != '/')
			continue;
		stridx_equal(w, (Str){ k.p, i }, &lo, &hi);
		if (lo < hi)
			return true;
	}
	return false;
}

static bool moveblock_applies(Arena *a, const Policy *p, const Rule *r)
{
	return r->effect == EFF_DENY && (r->right == R_READ || r->right == R_WRITE) && r->path.root != ROOT_WIN &&
	       write_reaches(a, p, &r->path);
}

static void moveblock(Sb *sb, const Rule *r, Str own)
{
	Path pa_; /* on the stack: 8 KB zeroed per rule was most of the RSS */
	Path *pa = &pa_;
	sb_split_path(&r->path, pa);
	const int n = pa->n, g = pa->first_glob;
	/* A denied read: the files themselves must not move either. A hard
	 * link is another name for a denied file that no deny names. */
	add_atom(sb, SEC_MOVE, EFF_DENY, r->right == R_READ ? BIT(OP_UNLINK) | BIT(OP_LINK) : BIT(OP_LINK), 0, own);
	/* Literal ancestors, from the root down to the last literal one. */
	int last = g < n ? g : n - 1;
	if (pa->param.n) {
		sb->need_ancestors = true;
		Str v = sb_param_var(sb, pa->param);
		add_atom(sb, SEC_MOVE, EFF_DENY, BIT(OP_UNLINK), 0,
			 arena_printf(sb->a, "(regex (sbx-ancestors %.*s))", STRF(v)));
	}
	for (int k = pa->param.n ? 0 : 1; k <= last; k++)
		add_atom(sb, SEC_MOVE, EFF_DENY, BIT(OP_UNLINK), 0, fmt_filter(sb, "literal", sb_path_expr(sb, pa, k)));
	/* Named directories the wildcard part crosses on the way to a match
	 * (every `.git` directory, for a pattern "PROJECT, any directories,
	 * .git/hooks"). A prefix ending in `**` or a bare `*` is every directory
	 * beneath: renaming those stays allowed, as the language's evaluator
	 * allows it, since forbidding it breaks every tool that renames
	 * directories (npm, cargo). */
	for (int k = g + 1; k < n; k++) {
		Str last_c = pa->comp[k - 1];
		size_t stars = 0;
		while (stars < last_c.n && last_c.p[stars] == '*')
			stars++;
		if (stars == last_c.n)
			continue;
		add_atom(sb, SEC_MOVE, EFF_DENY, BIT(OP_UNLINK), 0,
			 arena_printf(sb->a, "(require-all (regex %.*s) (vnode-type DIRECTORY))",
				      STRF(sb_path_regex(sb, pa, k, false, false))));
	}
}

/* ---- network ---- */

static bool is_loopback(const NetObj *n)
{
	if (n->host_kind == HOST_LOCALHOST)
		return true;
	if (n->host_kind == HOST_IP4)
		return n->prefix >= 8 && n->addr[0] == 127;
	if (n->host_kind == HOST_IP6) {
		static const uint8_t one[16] = { [15] = 1 };
		return n->prefix == 128 && memcmp(n->addr, one, 16) == 0;
	}
	return false;
}

/* Every port, written as a range. */
static bool all_ports(const NetObj *n) { return n->port_any || (n->port_lo <= 1 && n->port_hi == 65535); }

static bool port_range_too_wide(const NetObj *n)
{
	return !all_ports(n) && n->port_hi - n->port_lo + 1 > MAX_PORTS;
}

static long net_key(const NetObj *n)
{
	long h = eval_host_rank(n); /* the evaluator's order, so the last match is its most specific */
	int port = n->port_any ? 0 : n->port_lo == n->port_hi ? 2 : 1;
	return 1 + h * 3 + port; /* `net` rules are 0: below every endpoint */
}

static Str net_filters(Sb *sb, const NetObj *n, const char *side)
{
	const char *proto = n->proto == PROTO_UDP ? "udp" : "tcp";
	const char *host = is_loopback(n) ? "localhost" : "*";
	if (all_ports(n) || port_range_too_wide(n))
		return arena_printf(sb->a, "(%s %s \"%s:*\")", side, proto, host);
	Str f = { "", 0 };
	for (unsigned port = n->port_lo; port <= n->port_hi; port++)
		f = join_lines(sb, f, arena_printf(sb->a, "(%s %s \"%s:%u\")", side, proto, host, port));
	return f;
}

/* Above every endpoint's key (net_key). */
enum { PROXY_KEY = 1 << 30 };

/* The proxy's address, from the param sbx-seatbelt passes; a profile
 * applied without it stops here (fails closed). */
static const char sb_helper_proxy[] =
	";; host names: through the egress proxy that sbx-seatbelt starts (rules in NAME.proxy)\n"
	"(define (sbx-port? v)\n"
	"  (let loop ((i 0))\n"
	"    (cond ((= i (string-length v)) (and (> i 0) (< i 6)))\n"
	"          ((let digit ((d '(\"0\" \"1\" \"2\" \"3\" \"4\" \"5\" \"6\" \"7\" \"8\" \"9\")))\n"
	"             (cond ((null? d) #f) ((string=? (substring v i (+ i 1)) (car d)) #t) (else (digit (cdr d)))))\n"
	"           (loop (+ i 1)))\n"
	"          (else #f))))\n"
	"(define sbx-proxy-address\n"
	"  (let ((v (param \"SBX_PROXY_PORT\")))\n"
	"    (cond ((not (string? v)) (error \"sbx: param SBX_PROXY_PORT has no value: run the profile with sbx-seatbelt, which starts the egress proxy\"))\n"
	"          ((not (sbx-port? v)) (error \"sbx: param SBX_PROXY_PORT is not a port number\"))\n"
	"          (else (string-append \"localhost:\" v)))))\n";

/* ---- one rule ---- */

static const char *const target_name[] = { "self", "children", NULL };

static void lower(Sb *sb, const Rule *r)
{
	sb->cur = r;
	int e = r->effect;
	switch (r->right) {
	case R_READ:
	case R_WRITE:
	case R_EXEC: {
		if (r->path.root == ROOT_WIN)
			break;
		/* A read names file-read*'s sub-operations too: Seatbelt lets a
		 * rule naming a sub-operation beat one naming only the wildcard,
		 * whatever their order, and the implicit metadata grants
		 * (seatbelt_implicit.c) name file-read-metadata. */
		uint32_t ops = r->right == R_READ ? BIT(OP_READ) | BIT(OP_READ_DATA) | BIT(OP_READ_META) |
							    BIT(OP_READ_XATTR) | BIT(OP_MAPX)
			       : r->right == R_WRITE ? BIT(OP_WRITE)
						     : BIT(OP_EXEC);
		if (r->right == R_WRITE && sb_is_tty_path(&r->path))
			ops |= BIT(OP_IOCTL); /* a terminal's ioctls (seatbelt_implicit.c) */
		Str f = path_filters(sb, &r->path, e, r->right == R_READ);
		add_atom(sb, SEC_FILE, e, ops, path_key(&r->path), f);
		if (moveblock_applies(sb->a, sb->p, r))
			moveblock(sb, r, f);
		break;
	}
	case R_CONNECT:
	case R_BIND: {
		uint32_t ops = r->right == R_CONNECT ? BIT(OP_OUT) : BIT(OP_BIND) | BIT(OP_IN);
		if (r->right == R_CONNECT && r->net.proto == PROTO_TCP && eval_host_is_name(&r->net)) {
			/* A name is reached through the egress proxy (sbx-seatbelt and
			 * NAME.proxy), never directly: the profile opens only the
			 * proxy's port, which is last in its section so that no deny
			 * of the policy's addresses closes it. A deny by name is the
			 * proxy's alone: a direct connection is decided by address. */
			if (e == EFF_ALLOW) {
				sb->need_proxy = true;
				add_atom(sb, SEC_NET, EFF_ALLOW, BIT(OP_OUT), PROXY_KEY, STR("(remote tcp sbx-proxy-address)"));
			}
			break;
		}
		if (r->net.proto == PROTO_UNIX) {
			Str f = path_filters(sb, &r->net.path, e, false);
			add_atom(sb, SEC_NET, e, ops, 1 + path_key(&r->net.path), f);
		} else
			add_atom(sb, SEC_NET, e, ops, net_key(&r->net),
				 net_filters(sb, &r->net, r->right == R_CONNECT ? "remote" : "local"));
		break;
	}
	case R_NET:
		add_atom(sb, SEC_NET, e, BIT(OP_NET), 0, (Str){ "", 0 });
		break;
	case R_FORK:
		add_atom(sb, SEC_PROC, e, BIT(OP_FORK), 0, (Str){ "", 0 });
		break;
	case R_SIGNAL:
	case R_PTRACE: {
		uint32_t ops = r->right == R_SIGNAL ? BIT(OP_SIGNAL) : BIT(OP_TASK);
		const char *t = r->target < 2 ? target_name[r->target] : NULL;
		add_atom(sb, SEC_PROC, e, ops, t ? 1 : 0, t ? arena_printf(sb->a, "(target %s)", t) : (Str){ "", 0 });
		break;
	}
	case R_MACH_LOOKUP:
	case R_SYSCTL_READ:
	case R_IOKIT_OPEN:
	case R_IPC_POSIX_SHM: {
		static const struct {
			int op;
			const char *filter;
		} m[] = {
			[R_MACH_LOOKUP] = { OP_MACH, "global-name" },
			[R_SYSCTL_READ] = { OP_SYSCTL, "sysctl-name" },
			[R_IOKIT_OPEN] = { OP_IOKIT, "iokit-registry-entry-class" },
			[R_IPC_POSIX_SHM] = { OP_SHM, "ipc-posix-name" },
		};
		Str f = { "", 0 };
		if (r->name.n) {
			Buf b = { 0 };
			buf_printf(&b, "(%s ", m[r->right].filter);
			if (!esc_put(&b, r->name, ESC_SCHEME) && !sb->bad) {
				sb->bad = true;
				diag_at(sb->d, DIAG_ERROR, r->loc, "the name holds a control byte a Seatbelt profile cannot carry");
			}
			buf_putc(&b, ')');
			f = arena_strdup(sb->a, buf_as_str(&b));
			buf_free(&b);
		}
		add_atom(sb, SEC_NAME, e, BIT(m[r->right].op), r->name.n ? 1 : 0, f);
		break;
	}
	default: /* syscall, capability: not this target's */
		break;
	}
	sb->cur = NULL;
}

/* ---- ordering and merging ---- */

static int cmp_long(long a, long b) { return a < b ? -1 : a > b; }

/* Section, key and effect first (the profile's order), then the filter and
 * the operations in either order: filter first puts atoms to merge side by
 * side, operations first the atoms that share a form. */
static int cmp_atoms(const Atom *a, const Atom *b, bool filter_first)
{
	int c = cmp_long(a->sec, b->sec);
	if (!c)
		c = cmp_long(a->key, b->key);
	if (!c)
		c = cmp_long(a->effect, b->effect);
	int f = str_cmp(a->flt, b->flt), o = cmp_long(a->ops, b->ops);
	if (!c)
		c = filter_first ? (f ? f : o) : (o ? o : f);
	return c;
}

static int cmp_by_filter(const void *x, const void *y) { return cmp_atoms(x, y, true); }
static int cmp_by_ops(const void *x, const void *y) { return cmp_atoms(x, y, false); }

static int cmp_src(const void *x, const void *y)
{
	const Rule *a = *(const Rule *const *)x, *b = *(const Rule *const *)y;
	if (a->loc.file != b->loc.file)
		return a->loc.file < b->loc.file ? -1 : 1;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	return cmp_long(a->loc.col, b->loc.col);
}

/* Atoms with the same filter at the same place merge their operations;
 * then equal operations sit next to each other for the forms. */
static void merge_atoms(Sb *sb)
{
	if (sb->natoms == 0)
		return;
	qsort(sb->atoms, (size_t)sb->natoms, sizeof *sb->atoms, cmp_by_filter);
	int w = 0;
	for (int i = 0; i < sb->natoms; i++) {
		Atom *a = &sb->atoms[i];
		Atom *prev = w ? &sb->atoms[w - 1] : NULL;
		if (prev && prev->sec == a->sec && prev->key == a->key && prev->effect == a->effect &&
		    str_eq(prev->flt, a->flt)) {
			prev->ops |= a->ops;
			for (int k = 0; k < a->nsrc; k++)
				*VEC_PUSH(sb->a, prev->src, prev->nsrc, prev->capsrc) = a->src[k];
			continue;
		}
		sb->atoms[w++] = *a;
	}
	sb->natoms = w;
	qsort(sb->atoms, (size_t)sb->natoms, sizeof *sb->atoms, cmp_by_ops);
	for (int i = 0; i < sb->natoms; i++) {
		Atom *a = &sb->atoms[i];
		if (a->nsrc > 1)
			qsort(a->src, (size_t)a->nsrc, sizeof *a->src, cmp_src);
	}
}

/* ---- output ---- */

static void put_ops(Buf *b, uint32_t ops)
{
	for (int o = 0; o < OP__COUNT; o++)
		if (ops & BIT(o)) {
			buf_putc(b, ' ');
			buf_puts(b, op_name[o]);
		}
}

/* " ;; file:line, file:line (reason)" */
static void put_where(Sb *sb, Buf *b, const Atom *a)
{
	if (a->nsrc == 0)
		return;
	buf_puts(b, " ;;");
	int shown = 0;
	Str because = { "", 0 };
	for (int i = 0; i < a->nsrc; i++) {
		const Rule *r = a->src[i];
		if (i > 0 && r->loc.file == a->src[i - 1]->loc.file && r->loc.line == a->src[i - 1]->loc.line)
			continue;
		if (shown == 4) {
			buf_puts(b, ", ...");
			break;
		}
		Str file = r->loc.file < sb->p->nfiles ? sb->p->files[r->loc.file].id : STR("?");
		buf_puts(b, shown ? ", " : " ");
		esc_put(b, file, ESC_COMMENT);
		buf_printf(b, ":%u", (unsigned)r->loc.line);
		shown++;
		if (!because.n)
			because = r->because;
	}
	if (because.n) {
		buf_puts(b, " (");
		esc_put(b, because, ESC_COMMENT);
		buf_putc(b, ')');
	}
}

/* (with message "sbx NAME: file:line") on explicit denies, so that the
 * denial in the log names the rule. */
static void put_message(Sb *sb, Buf *b, const Atom *first, int count)
{
	Buf m = { 0 };
	buf_puts(&m, "sbx ");
	buf_str(&m, sb->p->name);
	buf_puts(&m, first->sec == SEC_MOVE ? ": move-blocking for" : ": denied by");
	int shown = 0;
	const Rule *prev = NULL;
	for (int i = 0; i < count && shown <= 3; i++)
		for (int k = 0; k < first[i].nsrc && shown <= 3; k++) {
			const Rule *r = first[i].src[k];
			if (prev && prev->loc.file == r->loc.file && prev->loc.line == r->loc.line)
				continue;
			prev = r;
			Str file = r->loc.file < sb->p->nfiles ? sb->p->files[r->loc.file].id : STR("?");
			if (shown == 3) {
				buf_puts(&m, " ...");
				shown++;
				break;
			}
			buf_putc(&m, ' ');
			buf_str(&m, file);
			buf_printf(&m, ":%u", (unsigned)r->loc.line);
			shown++;
		}
	buf_puts(b, "(with message ");
	esc_put(b, buf_as_str(&m), ESC_SCHEME); /* control bytes become '?': a message may */
	buf_putc(b, ')');
	buf_free(&m);
}

static void put_atom_lines(Sb *sb, Buf *b, const Atom *a, const char *indent)
{
	Str f = a->flt;
	while (f.n) {
		const char *nl = memchr(f.p, '\n', f.n);
		size_t len = nl ? (size_t)(nl - f.p) : f.n;
		buf_puts(b, indent);
		buf_put(b, f.p, len);
		put_where(sb, b, a);
		buf_putc(b, '\n');
		f.p += nl ? len + 1 : len;
		f.n -= nl ? len + 1 : len;
	}
}

/* ---- load-time order of param-rooted rules (LANGUAGE.md 4) ----
 *
 * Params are resolved before specificity: `${HOME}` counts as as many
 * components as its value has, which only the machine applying the profile
 * knows. The order above counts a param root as one component, the least it
 * can be, so it is right unless a param-rooted atom could rise past an atom
 * of the other effect that it sits before (not rooted at the same param: two
 * atoms under one param rise together). Where that can happen, the section's
 * forms are placed when the profile is evaluated: each atom is a thunk with
 * its key (eval_path_rank of the path as written) raised by its param's
 * depth less one in the literal-prefix, literal and component fields, the
 * thunks are sorted by (key, deny after allow) and called in that order, so
 * the last matching rule is again the most specific one. Atoms whose order
 * cannot change keep their static forms in every other section and profile. */

static Str atom_param(const Atom *a)
{
	if (a->nsrc == 0 || (a->sec != SEC_FILE && a->sec != SEC_NET))
		return (Str){ "", 0 };
	const Rule *r = a->src[0];
	const PathObj *po = ir_right_obj[r->right] == OBJ_PATH ? &r->path
			    : ir_right_obj[r->right] == OBJ_NET && r->net.proto == PROTO_UNIX ? &r->net.path
											       : NULL;
	return po && po->root == ROOT_PARAM ? po->param : (Str){ "", 0 };
}

/* Could the atoms [lo, hi) of one section, sorted, change order when the
 * params they are rooted at have their values? Per (effect, operation) the
 * params seen so far: an atom meeting an earlier atom of the other effect
 * on a shared operation rooted at another param than its own may be passed. */
static bool order_depends_on_params(const Atom *at, int lo, int hi)
{
	Str seen[2][OP__COUNT];
	int nseen[2][OP__COUNT] = { { 0 } };
	for (int i = lo; i < hi; i++) {
		Str mine = atom_param(&at[i]);
		int other = !at[i].effect;
		for (int o = 0; o < OP__COUNT; o++) {
			if (!(at[i].ops & BIT(o)))
				continue;
			if (nseen[other][o] > 1 || (nseen[other][o] == 1 && !str_eq(seen[other][o], mine)))
				return true;
		}
		if (!mine.n)
			continue;
		for (int o = 0; o < OP__COUNT; o++) {
			int *n = &nseen[at[i].effect][o];
			if ((at[i].ops & BIT(o)) && *n < 2 && (*n == 0 || !str_eq(seen[at[i].effect][o], mine)))
				seen[at[i].effect][o] = mine, (*n)++;
		}
	}
	return false;
}

static const char sb_helper_order[] =
	";; load-time order: a rule under a param ranks by the components of its value\n"
	"(define (sbx-depth s)\n"
	"  (let loop ((i 0) (n 0))\n"
	"    (if (= i (string-length s)) n\n"
	"        (loop (+ i 1) (if (string=? (substring s i (+ i 1)) \"/\") (+ n 1) n)))))\n"
	"(define (sbx-ranked key deny v thunk)\n"
	"  (list (if v (+ key (* (- (sbx-depth v) 1) 281479271743488)) key) deny thunk))\n"
	"(define (sbx-before? x y) (or (< (car x) (car y)) (and (= (car x) (car y)) (< (cadr x) (cadr y)))))\n"
	"(define (sbx-merge a b)\n"
	"  (cond ((null? a) b) ((null? b) a)\n"
	"        ((sbx-before? (car b) (car a)) (cons (car b) (sbx-merge a (cdr b))))\n"
	"        (else (cons (car a) (sbx-merge (cdr a) b)))))\n"
	"(define (sbx-sort l)\n"
	"  (if (or (null? l) (null? (cdr l))) l\n"
	"      (let split ((a '()) (b '()) (r l))\n"
	"        (if (null? r) (sbx-merge (sbx-sort a) (sbx-sort b)) (split b (cons (car r) a) (cdr r))))))\n"
	"(define (sbx-in-order . rules) (for-each (lambda (x) ((caddr x))) (sbx-sort rules)))\n";

/* The section's atoms as (sbx-ranked KEY DENY $PARAM (lambda () FORM)). */
static void put_ordered(Sb *sb, Buf *b, int lo, int hi)
{
	buf_puts(b, "(sbx-in-order\n");
	for (int i = lo; i < hi; i++) {
		const Atom *a = &sb->atoms[i];
		Str prm = atom_param(a);
		buf_printf(b, "  (sbx-ranked %ld %d %.*s (lambda () (%s", a->key, a->effect == EFF_DENY,
			   STRF(prm.n ? sb_param_var(sb, prm) : STR("#f")), a->effect == EFF_ALLOW ? "allow" : "deny");
		put_ops(b, a->ops);
		for (size_t k = 0; k < a->flt.n; k++) {
			if (k == 0)
				buf_putc(b, ' ');
			buf_putc(b, a->flt.p[k] == '\n' ? ' ' : a->flt.p[k]);
		}
		if (a->effect == EFF_DENY) {
			buf_putc(b, ' ');
			put_message(sb, b, a, 1);
		}
		buf_puts(b, ")))");
		put_where(sb, b, a);
		buf_putc(b, '\n');
	}
	buf_puts(b, ")\n");
}

static void put_forms(Sb *sb, Buf *b)
{
	int sec = -1;
	for (int i = 0; i < sb->natoms;) {
		const Atom *a = &sb->atoms[i];
		if (a->sec != sec) {
			int end = i;
			while (end < sb->natoms && sb->atoms[end].sec == a->sec)
				end++;
			if (order_depends_on_params(sb->atoms, i, end)) {
				sec = a->sec;
				sb->need_order = true;
				buf_printf(b, "\n;; %s; rules under a param are placed by its value when the profile is loaded\n",
					   sec_title[sec]);
				put_ordered(sb, b, i, end);
				i = end;
				continue;
			}
		}
		/* A form: a run with the same section, effect and operations; an
		 * atom without a filter stands alone (it would absorb the others). */
		int j = i + 1;
		if (a->flt.n)
			while (j < sb->natoms && sb->atoms[j].sec == a->sec && sb->atoms[j].effect == a->effect &&
			       sb->atoms[j].ops == a->ops && sb->atoms[j].flt.n)
				j++;
		if (a->sec != sec) {
			sec = a->sec;
			buf_printf(b, "\n;; %s\n", sec_title[sec]);
		}
		const char *verb = a->effect == EFF_ALLOW ? "allow" : "deny";
		bool msg = a->effect == EFF_DENY;
		bool one_line = a->flt.n == 0 || (j == i + 1 && !memchr(a->flt.p, '\n', a->flt.n));
		buf_printf(b, "(%s", verb);
		put_ops(b, a->ops);
		if (one_line) {
			if (a->flt.n) {
				buf_putc(b, ' ');
				buf_str(b, a->flt);
			}
			if (msg) {
				buf_putc(b, ' ');
				put_message(sb, b, a, 1);
			}
			buf_putc(b, ')');
			put_where(sb, b, a);
			buf_putc(b, '\n');
		} else {
			buf_putc(b, '\n');
			for (int k = i; k < j; k++)
				put_atom_lines(sb, b, &sb->atoms[k], "  ");
			if (msg) {
				buf_puts(b, "  ");
				put_message(sb, b, a, j - i);
				buf_putc(b, '\n');
			}
			buf_puts(b, ")\n");
		}
		i = j;
	}
}

bool seatbelt_emit(EmitCtx *cx)
{
	const Policy *p = cx->policy;
	Sb sb = { .a = cx->arena, .p = p, .d = cx->diags };
	for (int i = 0; i < p->nrules; i++)
		if (p->rules[i].platforms & PLAT_MACOS)
			lower(&sb, &p->rules[i]);
	merge_atoms(&sb);

	Buf rules = { 0 };
	put_forms(&sb, &rules);

	Buf implicit = { 0 };
	sb_implicit(&sb, &implicit);

	Buf defs = { 0 };
	sb_define_params(&sb, &defs);

	if (sb.bad) {
		buf_free(&rules);
		buf_free(&implicit);
		buf_free(&defs);
		return false;
	}
	Buf *b = output_add(cx, arena_printf(cx->arena, "%.*s.sb", STRF(p->name)));
	artifact_header(b, ";;", cx, "sbx-seatbelt", 1);
	buf_puts(b, "(version 1)\n(deny default)\n");
	buf_puts(b, sb.need_proxy ? "\n;; apply: sbx-seatbelt " : "\n;; apply: sandbox-exec -f ");
	esc_put(b, p->name, ESC_COMMENT);
	buf_puts(b, ".sb");
	for (int i = 0; i < sb.npu; i++) {
		const Param *prm = sb_find_param(p, sb.pu[i].name);
		bool optional = prm && prm->has_default;
		buf_puts(b, optional ? " [-D " : " -D ");
		esc_put(b, sb.pu[i].name, ESC_COMMENT);
		buf_puts(b, optional ? "=...]" : "=...");
	}
	buf_puts(b, sb.need_proxy ? " -- COMMAND...\n" : " COMMAND...\n");
	if (sb.npu) {
		buf_puts(b, ";; param values are absolute paths (realpath); /tmp, /var and /etc become /private/...\n");
		buf_puts(b, sb_helpers);
		if (sb.need_ancestors)
			buf_puts(b, sb_helper_ancestors);
		if (sb.need_order)
			buf_puts(b, sb_helper_order);
		buf_str(b, buf_as_str(&defs));
	}
	if (sb.need_proxy)
		buf_puts(b, sb_helper_proxy);
	buf_puts(b, "\n;; every process reads its own process information\n(allow process-info* (target self))\n");
	buf_str(b, buf_as_str(&implicit));
	buf_str(b, buf_as_str(&rules));
	buf_free(&rules);
	buf_free(&implicit);
	buf_free(&defs);
	if (sb.need_proxy) {
		Buf *px = output_add(cx, arena_printf(cx->arena, "%.*s.proxy", STRF(p->name)));
		artifact_header(px, "#", cx, "sbx-proxy", 1);
		buf_puts(px, "# the egress proxy's rules for ");
		esc_put(px, p->name, ESC_COMMENT);
		buf_puts(px, ".sb: sbx-seatbelt reads them\n");
		tgt_proxy_rules(px, cx->arena, p, PLAT_MACOS);
	}
	return true;
}

/* ---- fidelity (LANGUAGE.md section 7) ---- */

Fidelity seatbelt_fidelity(const Policy *p, const Rule *r, Arena *a, Str *note)
{
	*note = (Str){ "", 0 };
	if (!(r->platforms & PLAT_MACOS))
		return FID_NA;
	switch (r->right) {
	case R_READ:
	case R_WRITE:
	case R_EXEC: {
		if (r->path.root == ROOT_WIN)
			return FID_NA;
		Path pa_; /* on the stack: 8 KB zeroed per rule was most of the RSS */
		Path *pa = &pa_;
		sb_split_path(&r->path, pa);
		bool lead_glob = r->path.root == ROOT_ABS && pa->first_glob == 0 && pa->n > 0 &&
				 !sb_is_starstar(pa->comp[0]);
		if (lead_glob && r->effect == EFF_ALLOW) {
			*note = STR("a wildcard first component does not reach /tmp, /var or /etc, which macOS resolves into /private");
			return FID_STRICTER;
		}
		if (moveblock_applies(a, p, r)) {
			*note = pa->first_glob + 1 < pa->n
					? STR("move-blocking: the ancestors of what it denies, and the directories its wildcards cross, cannot be renamed or deleted")
					: STR("move-blocking: the ancestors of what it denies cannot be renamed or deleted");
			return FID_STRICTER;
		}
		if (lead_glob) {
			*note = STR("a wildcard first component also matches the same path under /private");
			return FID_STRICTER;
		}
		return FID_EXACT;
	}
	case R_CONNECT:
	case R_BIND: {
		const NetObj *n = &r->net;
		if (n->proto == PROTO_UNIX)
			return FID_EXACT;
		bool allow = r->effect == EFF_ALLOW;
		const char *what = allow ? "allows" : "denies";
		if (r->right == R_CONNECT && n->proto == PROTO_TCP && eval_host_is_name(n)) {
			if (allow) {
				*note = STR("reached through the egress proxy that sbx-seatbelt starts (HTTPS_PROXY, HTTP_PROXY, "
					    "ALL_PROXY): a program that ignores the proxy cannot reach this host");
				return FID_STRICTER;
			}
			*note = STR("decided by the egress proxy; a direct connection is decided by the address rules "
				    "(LANGUAGE.md 5.2)");
			return FID_EXACT;
		}
		if (n->host_kind != HOST_ANY && !is_loopback(n)) {
			if (n->port_any)
				*note = arena_printf(a, "Seatbelt matches only * or localhost: %s every port on every host", what);
			else if (n->port_lo == n->port_hi)
				*note = arena_printf(a, "Seatbelt matches only * or localhost: %s port %u on every host", what,
						     n->port_lo);
			else
				*note = arena_printf(a, "Seatbelt matches only * or localhost: %s ports %u-%u on every host", what,
						     n->port_lo, n->port_hi);
			return allow ? FID_WIDER : FID_STRICTER;
		}
		if (n->host_kind != HOST_ANY && n->host_kind != HOST_LOCALHOST) {
			*note = arena_printf(a, "Seatbelt names loopback only as localhost (127.0.0.0/8 and ::1): %s all of them",
					     what);
			return allow ? FID_WIDER : FID_STRICTER;
		}
		if (port_range_too_wide(n)) {
			*note = arena_printf(a, "a range of more than %d ports becomes every port: %s every port", MAX_PORTS, what);
			return allow ? FID_WIDER : FID_STRICTER;
		}
		return FID_EXACT;
	}
	case R_NET:
	case R_FORK:
	case R_SIGNAL:
	case R_PTRACE:
	case R_MACH_LOOKUP:
	case R_SYSCTL_READ:
	case R_IOKIT_OPEN:
	case R_IPC_POSIX_SHM:
		return FID_EXACT;
	default:
		return FID_NA;
	}
}
