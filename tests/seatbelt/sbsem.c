/*
 * sbsem.c: does the emitted Seatbelt profile decide like the language?
 *
 *   sbsem [-v] [-r] [-D NAME=VALUE]... [-p NAME=VALUE]... [-s OPERATION]... [-n NEEDS [-P PROFILE]] POLICY.sbx
 *
 * -D bakes a value in at compile time, -p gives the profile a value when it
 * is evaluated (instead of /sbxp/NAME), -s adds an operation to the samples.
 * Compiles the policy for macos (wider rules accepted, so every rule is
 * emitted), has TinyScheme evaluate the profile with a value for every
 * param (tests/seatbelt/sbcheck --strict --dump prints each rule with its
 * strings evaluated), and then, for operations sampled around every rule of
 * the policy (the path itself, beneath it, beside it, above it, each
 * wildcard filled in several ways; endpoints at and around each port and
 * host; every target and name), compares two answers: the reference
 * evaluator's (eval_op) and SBPL's, the last rule of the dump whose
 * operation and filter match. Both must agree, except where the backend
 * says a rule of that right is not exact (those are counted, not failed).
 * Denied reads and writes are also checked for move-blocking: unlinking the
 * path or any ancestor of it must be denied.
 *
 * With -n NEEDS (tests/seatbelt/startup-needs.txt) it checks instead that
 * the profile (the compiled one, or -P PROFILE, a committed artifact of the
 * policy) allows every start-up need whose condition the policy meets:
 * "ok N needs met, N not applicable" or one FAIL line per need denied.
 *
 * Params get values under /sbxp/NAME (UID gets 501), beneath no literal
 * path a policy would name, which is the evaluator's assumption about them.
 * -r (with -p values) decides instead with the params resolved: the policy
 * is compiled a second time with each -p value baked in (as -D would), and
 * each sample is decided on its concrete path, so nested, equal and
 * disjoint values (LANGUAGE.md 4: params are resolved before specificity)
 * are compared with the profile's load-time order.
 * Prints "ok N compared, N tolerated, N move-blocking" or the mismatches;
 * exit 0, 1 (a mismatch), 2 (an error), 77 (no checker).
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../driver/compile.h"
#include "../../ir/eval.h"
#include "../../lang/lang.h"

/* ---- the dump: DECISION \t OP,OP \t FILTER ---- */

typedef struct Sx {
	char *atom;   /* a symbol or string; NULL for a list */
	bool str;
	struct Sx **kid;
	int n;
	regex_t *re;  /* compiled once for (regex ...) */
} Sx;

typedef struct SbRule {
	bool allow;
	char **ops;
	int nops;
	Sx *filter; /* NULL: no filter */
} SbRule;

static SbRule *rules;
static int nrules;
static int verbose, resolved;

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p) {
		fprintf(stderr, "sbsem: out of memory\n");
		exit(2);
	}
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	return d;
}

static Sx *parse_sx(const char **pp)
{
	const char *p = *pp;
	while (*p == ' ')
		p++;
	Sx *x = xmalloc(sizeof *x);
	if (*p == '(') {
		p++;
		int cap = 0;
		for (;;) {
			while (*p == ' ')
				p++;
			if (*p == ')' || !*p)
				break;
			if (x->n == cap)
				x->kid = realloc(x->kid, sizeof *x->kid * (size_t)(cap = cap ? cap * 2 : 4));
			x->kid[x->n++] = parse_sx(&p);
		}
		if (*p == ')')
			p++;
	} else if (*p == '"') {
		p++;
		char *buf = xmalloc(strlen(p) + 1);
		size_t n = 0;
		while (*p && *p != '"') {
			if (*p == '\\' && p[1]) {
				p++;
				buf[n++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p;
			} else
				buf[n++] = *p;
			p++;
		}
		if (*p == '"')
			p++;
		x->atom = buf;
		x->str = true;
	} else {
		const char *s = p;
		while (*p && *p != ' ' && *p != ')' && *p != '(')
			p++;
		x->atom = xstrndup(s, (size_t)(p - s));
	}
	*pp = p;
	return x;
}

static void parse_dump(char *text)
{
	int cap = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2)
			continue;
		if (nrules == cap)
			rules = realloc(rules, sizeof *rules * (size_t)(cap = cap ? cap * 2 : 64));
		SbRule *r = &rules[nrules++];
		memset(r, 0, sizeof *r);
		r->allow = strncmp(line, "allow", 5) == 0;
		*t2 = 0;
		for (char *o = t1 + 1; o && *o;) {
			char *c = strchr(o, ',');
			r->ops = realloc(r->ops, sizeof *r->ops * (size_t)(r->nops + 1));
			r->ops[r->nops++] = c ? xstrndup(o, (size_t)(c - o)) : xstrndup(o, strlen(o));
			o = c ? c + 1 : NULL;
		}
		const char *f = t2 + 1;
		if (strcmp(f, "-") != 0)
			r->filter = parse_sx(&f);
	}
}

/* ---- deciding a query with last-match-wins ---- */

typedef struct Query {
	const char *op;     /* SBPL operation */
	const char *path;   /* concrete path (files, unix sockets) */
	bool dir;
	bool remote;        /* network address side: remote (outbound) or local (bind) */
	int proto;          /* PROTO_TCP / PROTO_UDP / PROTO_UNIX; -1 = not network */
	bool loopback;
	unsigned port;
	const char *target; /* self, children, others */
	const char *name;   /* mach service, sysctl, ... */
} Query;

/* How a rule's operation names q: 3 by its own name, 2 by a wildcard
 * (file-read* for file-read-data), 1 as `default`, 0 not at all. */
static int op_level(const char *rule_op, const char *q)
{
	if (strcmp(rule_op, q) == 0)
		return 3;
	if (strcmp(rule_op, "default") == 0)
		return 1;
	size_t n = strlen(rule_op);
	return n > 0 && rule_op[n - 1] == '*' && strncmp(rule_op, q, n - 1) == 0 ? 2 : 0;
}

static int unknown_filter;

static bool path_under(const char *s, const char *path)
{
	size_t n = strlen(s);
	if (strcmp(s, "/") == 0)
		return true;
	return strncmp(path, s, n) == 0 && (path[n] == 0 || path[n] == '/');
}

static bool filter_matches(Sx *f, const Query *q)
{
	if (!f || f->atom || f->n == 0 || !f->kid[0]->atom)
		return false;
	const char *k = f->kid[0]->atom;
	Sx *a1 = f->n > 1 ? f->kid[1] : NULL;
	if (!strcmp(k, "require-all")) {
		for (int i = 1; i < f->n; i++)
			if (!filter_matches(f->kid[i], q))
				return false;
		return true;
	}
	if (!strcmp(k, "require-any")) {
		for (int i = 1; i < f->n; i++)
			if (filter_matches(f->kid[i], q))
				return true;
		return false;
	}
	if (!strcmp(k, "require-not"))
		return !filter_matches(a1, q);
	if (!strcmp(k, "vnode-type"))
		return q->path && a1 && a1->atom && (!strcasecmp(a1->atom, "DIRECTORY") ? q->dir : !q->dir);
	if (!strcmp(k, "subpath") || !strcmp(k, "literal") || !strcmp(k, "path") || !strcmp(k, "prefix") ||
	    !strcmp(k, "regex")) {
		if (!q->path || !a1 || !a1->str)
			return false;
		if (!strcmp(k, "subpath"))
			return path_under(a1->atom, q->path);
		if (!strcmp(k, "prefix"))
			return strncmp(q->path, a1->atom, strlen(a1->atom)) == 0;
		if (!strcmp(k, "regex")) {
			if (!f->re) {
				f->re = xmalloc(sizeof *f->re);
				if (regcomp(f->re, a1->atom, REG_EXTENDED | REG_NOSUB) != 0) {
					fprintf(stderr, "sbsem: bad regex %s\n", a1->atom);
					unknown_filter++;
					return false;
				}
			}
			return regexec(f->re, q->path, 0, NULL, 0) == 0;
		}
		return strcmp(q->path, a1->atom) == 0;
	}
	if (!strcmp(k, "remote") || !strcmp(k, "local")) {
		if (q->proto < 0 || q->proto == PROTO_UNIX || q->remote != !strcmp(k, "remote") || f->n != 3)
			return false;
		const char *proto = f->kid[1]->atom, *addr = f->kid[2]->atom;
		if (!strcmp(proto, "tcp") ? q->proto != PROTO_TCP : !strcmp(proto, "udp") ? q->proto != PROTO_UDP
											       : strcmp(proto, "ip") != 0)
			return false;
		const char *colon = strrchr(addr, ':');
		if (!colon)
			return false;
		if (!strncmp(addr, "localhost:", 10) && !q->loopback)
			return false;
		return !strcmp(colon + 1, "*") || (unsigned)atoi(colon + 1) == q->port;
	}
	if (!strcmp(k, "target"))
		return q->target && a1 && a1->atom && !strcmp(a1->atom, q->target);
	if (!strcmp(k, "global-name") || !strcmp(k, "sysctl-name") || !strcmp(k, "iokit-registry-entry-class") ||
	    !strcmp(k, "ipc-posix-name"))
		return q->name && a1 && a1->str && !strcmp(a1->atom, q->name);
	fprintf(stderr, "sbsem: a filter this test does not know: %s\n", k);
	unknown_filter++;
	return false;
}

/* The decision and the index of the deciding rule (-1: none). Seatbelt
 * lets a rule naming the operation itself beat one naming it by a
 * wildcard, and that one beat `default`, whatever their order (reproduced
 * on real Macs: an (allow file-read-metadata ...) anywhere beats a
 * (deny file-read* ...)); among the rules of the best level that match,
 * the last one decides. */
static bool sb_allows(const Query *q, int *which)
{
	*which = -1;
	bool allow = false;
	int best = 0;
	for (int i = 0; i < nrules; i++) {
		SbRule *r = &rules[i];
		int lv = 0;
		for (int k = 0; k < r->nops; k++) {
			int l = op_level(r->ops[k], q->op);
			lv = l > lv ? l : lv;
		}
		if (lv == 0 || lv < best || (r->filter && !filter_matches(r->filter, q)))
			continue;
		best = lv;
		allow = r->allow;
		*which = i;
	}
	return allow;
}

/* ---- the policy side ---- */

static Compile c, rcomp;
static const Policy *pol, *rpol; /* rpol: -r, the policy with the -p values baked in */
static const char *defines[32], *pvals[32], *extra[64];
static int ndefines, npvals, nextra;

/* A param's value when the profile is evaluated: -p, else /sbxp/NAME. */
static const char *pval(const char *name, size_t len)
{
	for (int i = 0; i < npvals; i++)
		if (!strncmp(pvals[i], name, len) && pvals[i][len] == '=')
			return pvals[i] + len + 1;
	return NULL;
}

/* A symbolic path as the kernel would report it. */
static char *concrete(const char *sym)
{
	char buf[8192];
	size_t n = 0;
	for (const char *s = sym; *s && n < sizeof buf - 600;) {
		if (s[0] == '$' && s[1] == '{') {
			const char *e = strchr(s, '}');
			if (!e)
				break;
			int len = (int)(e - s - 2);
			if (pval(s + 2, (size_t)len))
				n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", pval(s + 2, (size_t)len));
			else if (len == 3 && !strncmp(s + 2, "UID", 3))
				n += (size_t)snprintf(buf + n, sizeof buf - n, "501");
			else
				n += (size_t)snprintf(buf + n, sizeof buf - n, "/sbxp/%.*s", len, s + 2);
			s = e + 1;
		} else
			buf[n++] = *s++;
	}
	buf[n] = 0;
	static const char *const links[] = { "/tmp", "/var", "/etc" };
	for (size_t i = 0; i < 3; i++) {
		size_t l = strlen(links[i]);
		if (!strncmp(buf, links[i], l) && (buf[l] == 0 || buf[l] == '/')) {
			char *out = xmalloc(n + 9);
			snprintf(out, n + 9, "/private%s", buf);
			return out;
		}
	}
	return xstrndup(buf, n);
}

typedef struct Stats {
	int compared, tolerated, moveblock, failed, implicit;
} Stats;
static Stats st;

/* Rights with a rule the backend calls wider (the profile may allow what the
 * language denies) or stricter (the reverse), move-blocking aside: such a
 * mismatch, in that direction only, is expected and counted. */
static bool wider[R__COUNT], stricter[R__COUNT];

static void note_inexact(void)
{
	for (int i = 0; i < pol->nrules; i++) {
		const Rule *r = &pol->rules[i];
		Str note;
		Fidelity f = backend_seatbelt.fidelity(pol, r, &c.arena, &note);
		if ((f == FID_WIDER || f == FID_STRICTER) && !str_has_prefix(note, "move-blocking")) {
			bool *v = f == FID_WIDER ? wider : stricter;
			v[r->right] = true;
			if (r->right == R_NET)
				v[R_CONNECT] = v[R_BIND] = true;
		}
	}
}

static void fail_line(const char *what, const char *optext, bool want, bool got, int which, const Rule *by)
{
	printf("FAIL %s: %s: the language %s", what, optext, want ? "allows" : "denies");
	if (by)
		printf(" (%.*s:%u)", STRF(pol->files[by->loc.file].name), (unsigned)by->loc.line);
	printf(", the profile %ss", got ? "allow" : "denie");
	if (which >= 0) {
		SbRule *r = &rules[which];
		printf(" (dump rule %d: %s %s)", which, r->allow ? "allow" : "deny", r->ops[0]);
	}
	printf("\n");
	st.failed++;
}

/* The path itself and its ancestors down to the denying rule's literal
 * prefix (directories its wildcards cross are not all blocked). */
static void check_moveblock(const char *path, const Rule *by)
{
	const PathObj *po = &by->path;
	size_t end = 0;
	for (size_t i = 0; i < po->text.n;) {
		size_t j = i + 1;
		while (j < po->text.n && po->text.p[j] != '/')
			j++;
		if (memchr(po->text.p + i, '*', j - i))
			break;
		end = j;
		i = j;
	}
	char *lit = concrete(arena_cstr(&c.arena, (Str){ po->text.p, end }));
	char *p = xstrndup(path, strlen(path));
	bool self = true;
	while (strcmp(p, "/") != 0 && *p) {
		size_t n = strlen(p);
		bool within = !strncmp(lit, p, n) && (lit[n] == 0 || lit[n] == '/');
		if (!self && !within)
			goto up;
		Query q = { .op = "file-write-unlink", .path = p, .dir = !self, .proto = -1 };
		int which;
		if (sb_allows(&q, &which)) {
			char what[64];
			snprintf(what, sizeof what, "move-blocking (%s)", self ? "the path" : "an ancestor");
			fail_line(what, p, false, true, which, NULL);
		}
		q.op = "file-link"; /* a hard link: another name for it */
		if (self && sb_allows(&q, &which))
			fail_line("move-blocking (a hard link to the path)", p, false, true, which, NULL);
		st.moveblock++;
	up:
		self = false;
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		if (slash == p)
			p[1] = 0;
		else
			*slash = 0;
	}
	free(p);
	free(lit);
}

/* /tmp, /var and /etc are /private/tmp, ... on macOS: one file, two
 * spellings, while the evaluator treats them as different paths. A query in
 * one spelling is decided in the spelling the policy's rules use; when the
 * policy uses both, it is not compared. */
static const char *const link_dirs[] = { "/tmp", "/var", "/etc" };

static int link_spelling(const char *s) /* 1 plain, 2 /private, 0 neither */
{
	bool priv = strncmp(s, "/private", 8) == 0;
	const char *t = priv ? s + 8 : s;
	for (int i = 0; i < 3; i++) {
		size_t l = strlen(link_dirs[i]);
		if (!strncmp(t, link_dirs[i], l) && (t[l] == 0 || t[l] == '/'))
			return priv ? 2 : 1;
	}
	return 0;
}

static int policy_spellings(void) /* bit 1: plain spelling used, bit 2: /private */
{
	int m = 0;
	for (int i = 0; i < pol->nrules; i++) {
		const Rule *r = &pol->rules[i];
		const PathObj *po = ir_right_obj[r->right] == OBJ_PATH ? &r->path
				    : ir_right_obj[r->right] == OBJ_NET && r->net.proto == PROTO_UNIX ? &r->net.path
													   : NULL;
		if (po && po->root == ROOT_ABS)
			m |= link_spelling(arena_cstr(&c.arena, po->text));
	}
	return m;
}

static int aliased;

/* One operation as written after `explain`. */
static void check_op(const char *text)
{
	Op op;
	Diags d = { .arena = &c.arena };
	if (!lang_parse_op(pol, &c.arena, &d, (SrcLoc){ 0, 0, 0 }, str_c(text), &op)) {
		if (verbose)
			fprintf(stderr, "sbsem: skipped unparsable sample: %s\n", text);
		return;
	}
	const PathObj *qp = ir_right_obj[op.right] == OBJ_PATH ? &op.path
			    : ir_right_obj[op.right] == OBJ_NET && op.net.proto == PROTO_UNIX ? &op.net.path
											       : NULL;
	int sp = qp && qp->root == ROOT_ABS ? link_spelling(arena_cstr(&c.arena, qp->text)) : 0;
	if (sp) {
		int used = policy_spellings();
		if (used == 3) {
			aliased++;
			return;
		}
		if (used && used != sp) { /* decide in the policy's spelling */
			const char *t = strstr(text, sp == 2 ? "/private/" : "/");
			char alt[9000];
			size_t pre = (size_t)(t - text);
			snprintf(alt, sizeof alt, "%.*s%s%s", (int)pre, text, sp == 2 ? "" : "/private", sp == 2 ? t + 8 : t);
			Op op2;
			if (!lang_parse_op(pol, &c.arena, &d, (SrcLoc){ 0, 0, 0 }, str_c(alt), &op2))
				return;
			op.path = op2.path;
			op.net.path = op2.net.path;
		}
	}
	Decision dec = eval_op(pol, &op, PLAT_MACOS);
	if (rpol) {
		char *ct = concrete(text);
		Op rop;
		bool ok = lang_parse_op(rpol, &rcomp.arena, &d, (SrcLoc){ 0, 0, 0 }, str_c(ct), &rop);
		free(ct);
		if (!ok)
			return;
		dec = eval_op(rpol, &rop, PLAT_MACOS);
	}
	bool want = dec.effect == EFF_ALLOW;
	Query q = { .proto = -1 };
	char *path = NULL;
	const char *op2 = NULL; /* a second SBPL operation that must agree (bind: inbound) */
	switch (op.right) {
	case R_READ: q.op = "file-read-data"; break;
	case R_WRITE: q.op = "file-write-data"; break;
	case R_EXEC: q.op = "process-exec"; break;
	case R_CONNECT:
	case R_BIND:
		q.op = op.right == R_CONNECT ? "network-outbound" : "network-bind";
		op2 = op.right == R_BIND ? "network-inbound" : NULL;
		q.remote = op.right == R_CONNECT;
		q.proto = op.net.proto;
		if (op.net.proto != PROTO_UNIX) {
			q.port = op.net.port_lo;
			const NetObj *n = &op.net;
			static const uint8_t one[16] = { [15] = 1 };
			q.loopback = n->host_kind == HOST_LOCALHOST ||
				     (n->host_kind == HOST_IP4 && n->addr[0] == 127) ||
				     (n->host_kind == HOST_IP6 && memcmp(n->addr, one, 16) == 0);
		}
		break;
	case R_FORK: q.op = "process-fork"; break;
	case R_SIGNAL:
	case R_PTRACE:
		q.op = op.right == R_SIGNAL ? "signal" : "mach-priv-task-port";
		q.target = op.target == TGT_SELF ? "self" : op.target == TGT_CHILDREN ? "children" : "others";
		break;
	case R_MACH_LOOKUP: q.op = "mach-lookup"; break;
	case R_SYSCTL_READ: q.op = "sysctl-read"; break;
	case R_IOKIT_OPEN: q.op = "iokit-open"; break;
	case R_IPC_POSIX_SHM: q.op = "ipc-posix-shm-read-data"; break;
	default: return;
	}
	if (ir_right_obj[op.right] == OBJ_PATH || (ir_right_obj[op.right] == OBJ_NET && op.net.proto == PROTO_UNIX)) {
		const PathObj *po = ir_right_obj[op.right] == OBJ_PATH ? &op.path : &op.net.path;
		path = concrete(arena_cstr(&c.arena, po->text));
		q.path = path;
	}
	if (ir_right_obj[op.right] == OBJ_NAME)
		q.name = arena_cstr(&c.arena, op.name);
	/* A read decided by a rule of the policy decides its metadata too: an
	 * implicit metadata grant must not beat a deny (nor a deny an allow
	 * inside it). Without a rule, metadata is outside the language. */
	if (op.right == R_READ && dec.rule)
		op2 = "file-read-metadata";
	for (int pass = 0; pass < (op2 ? 2 : 1); pass++) {
		if (pass)
			q.op = op2;
		int which;
		bool got = sb_allows(&q, &which);
		if (got == want)
			st.compared++;
		else if (got && !dec.rule && op.right == R_READ && !strcmp(path, "/"))
			st.implicit++; /* seatbelt_implicit.c: dyld reads "/" itself */
		else if (got ? wider[op.right] : stricter[op.right])
			st.tolerated++;
		else
			fail_line("decision", text, want, got, which, dec.rule);
	}
	if (path && (op.right == R_READ || op.right == R_WRITE) && !want && dec.rule)
		check_moveblock(path, dec.rule);
	free(path);
}

/* ---- samples ---- */

static char **samples;
static int nsamples, capsamples;

static void add_sample(const char *s)
{
	for (int i = 0; i < nsamples; i++)
		if (!strcmp(samples[i], s))
			return;
	if (nsamples == capsamples)
		samples = realloc(samples, sizeof *samples * (size_t)(capsamples = capsamples ? capsamples * 2 : 256));
	samples[nsamples++] = xstrndup(s, strlen(s));
}

/* A path operand as the language lexes it. */
static void add_path_ops(const char *const *rights, int nr, const char *prefix, const char *path)
{
	Buf q = { 0 };
	Str ps = str_c(path);
	if (ir_needs_quote(ps))
		ir_quote(&q, ps);
	else
		buf_str(&q, ps);
	for (int i = 0; i < nr; i++) {
		char line[9000];
		snprintf(line, sizeof line, "%s%s %.*s", rights[i], prefix, (int)q.n, q.p);
		add_sample(line);
	}
	buf_free(&q);
}

/* Fill a pattern's wildcards: variant 0 "x" and one directory, 1 empty `*`
 * and two directories, 2 a dotted name and no directory for a middle `**`. */
static void fill(const char *pat, bool esc, int variant, char *out, size_t cap)
{
	size_t n = 0;
	const char *s = pat;
	while (*s && n + 16 < cap) {
		if (esc && s[0] == '\\' && s[1]) { /* PathObj.esc: a literal byte */
			out[n++] = s[1];
			s += 2;
			continue;
		}
		if (s[0] == '*' && s[1] == '*' && (s == pat || s[-1] == '/') && (s[2] == '/' || s[2] == 0)) {
			const char *rep = variant == 0 ? "d" : variant == 1 ? "d/e" : s[2] ? "" : ".h";
			if (!*rep && n > 0 && out[n - 1] == '/') {
				n--; /* a middle double star taking no directory: "a/b" */
			}
			n += (size_t)snprintf(out + n, cap - n, "%s", rep);
			s += 2;
			continue;
		}
		if (*s == '*') {
			while (*s == '*')
				s++;
			const char *rep = variant == 0 ? "x" : variant == 1 ? "" : ".y";
			n += (size_t)snprintf(out + n, cap - n, "%s", rep);
			continue;
		}
		out[n++] = *s++;
	}
	out[n] = 0;
}

static void path_samples(const char *const *rights, int nr, const char *prefix, Str text, bool esc)
{
	char pat[4096];
	snprintf(pat, sizeof pat, "%.*s", STRF(text));
	for (int v = 0; v < 3; v++) {
		char p[4200], q[4300];
		fill(pat, esc, v, p, sizeof p);
		if (strstr(p, "//") || (strlen(p) > 1 && p[strlen(p) - 1] == '/'))
			continue; /* an empty `*` made an empty component */
		add_path_ops(rights, nr, prefix, p);
		snprintf(q, sizeof q, "%s/f", strcmp(p, "/") ? p : "");
		add_path_ops(rights, nr, prefix, q);
		snprintf(q, sizeof q, "%sx", p);
		if (strcmp(p, "/"))
			add_path_ops(rights, nr, prefix, q);
		char *slash = strrchr(p, '/');
		if (slash && slash != p) {
			*slash = 0;
			add_path_ops(rights, nr, prefix, p);
		}
	}
}

static void net_samples(const Rule *r)
{
	const NetObj *n = &r->net;
	const char *verb = r->right == R_BIND ? "bind" : "connect";
	const char *proto = n->proto == PROTO_UDP ? "udp" : "tcp";
	char hosts[6][80] = { "127.0.0.1", "10.9.8.7", "example.org", "[::1]", "localhost", "" };
	int nh = 5;
	if (n->host_kind == HOST_NAME)
		snprintf(hosts[nh++], sizeof hosts[0], "%.*s", STRF(n->host));
	else if (n->host_kind == HOST_WILD)
		snprintf(hosts[nh++], sizeof hosts[0], "a%.*s", (int)n->host.n - 1, n->host.p + 1);
	else if (n->host_kind == HOST_IP4)
		snprintf(hosts[nh++], sizeof hosts[0], "%u.%u.%u.%u", n->addr[0], n->addr[1], n->addr[2],
			 n->addr[3] | (n->prefix < 32 ? 1 : 0));
	unsigned ports[6] = { 1, 443 };
	int np = 2;
	if (!n->port_any) {
		ports[np++] = n->port_lo;
		ports[np++] = n->port_hi;
		if (n->port_lo > 1)
			ports[np++] = n->port_lo - 1u;
		if (n->port_hi < 65535)
			ports[np++] = n->port_hi + 1u;
	}
	for (int h = 0; h < nh; h++)
		for (int k = 0; k < np; k++) {
			char line[700];
			snprintf(line, sizeof line, "%s %s %s:%u", verb, proto, hosts[h], ports[k]);
			add_sample(line);
		}
}

static void make_samples(void)
{
	static const char *const file_rights[] = { "read", "write", "exec" };
	static const char *const fixed[] = { "/", "/etc/passwd", "/tmp/x", "/private/tmp/x", "/usr/bin/cc" };
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		add_path_ops(file_rights, 3, "", fixed[i]);
	for (int i = 0; i < pol->nparams; i++) {
		if (pol->params[i].baked || str_eqc(pol->params[i].name, "UID"))
			continue;
		char t[300];
		snprintf(t, sizeof t, "${%.*s}/x", STRF(pol->params[i].name));
		add_path_ops(file_rights, 3, "", t);
	}
	static const char *const targets[] = { "self", "children", "any" };
	for (int t = 0; t < 3; t++) {
		char line[40];
		snprintf(line, sizeof line, "signal %s", targets[t]);
		add_sample(line);
		snprintf(line, sizeof line, "ptrace %s", targets[t]);
		add_sample(line);
	}
	add_sample("fork");
	for (int i = 0; i < nextra; i++)
		add_sample(extra[i]);
	add_sample("connect tcp 93.184.216.34:80");
	add_sample("connect udp 10.0.0.1:53");
	add_sample("bind tcp 127.0.0.1:8080");
	add_sample("connect unix /private/var/run/syslog");
	static const char *const names[] = { "mach-lookup", "sysctl-read", "iokit-open", "ipc-posix-shm" };
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char line[80];
		snprintf(line, sizeof line, "%s com.example.unlisted", names[i]);
		add_sample(line);
	}
	for (int i = 0; i < pol->nrules; i++) {
		const Rule *r = &pol->rules[i];
		if (!(r->platforms & PLAT_MACOS))
			continue;
		switch (ir_right_obj[r->right]) {
		case OBJ_PATH:
			if (r->path.root != ROOT_WIN)
				path_samples(file_rights, 3, "", r->path.text, r->path.esc);
			break;
		case OBJ_NET:
			if (r->net.proto == PROTO_UNIX) {
				static const char *const sock_rights[] = { "connect", "bind" };
				path_samples(sock_rights, 2, " unix", r->net.path.text, r->net.path.esc);
			} else
				net_samples(r);
			break;
		case OBJ_NAME:
			if (r->name.n) {
				char line[600];
				snprintf(line, sizeof line, "%s %.*s", ir_right_name[r->right], STRF(r->name));
				add_sample(line);
			}
			break;
		default:
			break;
		}
	}
}

/* ---- start-up needs ----
 *
 * A line: CONDITION OPERATION OBJECT [# source]. CONDITION is `*` or
 * conditions joined by `+`: std/NAME (the policy uses that fragment),
 * exec:PATH (the policy lets PATH be executed), param:NAME (a path rule of the
 * policy starts at that param). OBJECT is a path (params as ${NAME}; `ancestors-of:PATH`
 * is each ancestor of PATH but "/"), a name, or `-`. */

static bool uses_file(const char *id)
{
	for (int i = 0; i < pol->nfiles; i++)
		if (str_eqc(pol->files[i].id, id))
			return true;
	return false;
}

/* Does a macOS path rule of the policy start at ${name}? */
static bool has_param(const char *name)
{
	char root[300];
	snprintf(root, sizeof root, "${%s}", name);
	for (int i = 0; i < pol->nrules; i++) {
		const Rule *r = &pol->rules[i];
		if ((r->platforms & PLAT_MACOS) && ir_right_obj[r->right] == OBJ_PATH && str_has_prefix(r->path.text, root))
			return true;
	}
	return false;
}

static bool language_allows(const char *text)
{
	Op op;
	Diags d = { .arena = &c.arena };
	if (!lang_parse_op(pol, &c.arena, &d, (SrcLoc){ 0, 0, 0 }, str_c(text), &op))
		return false;
	return eval_op(pol, &op, PLAT_MACOS).effect == EFF_ALLOW;
}

static bool need_applies(char *cond)
{
	if (!strcmp(cond, "*"))
		return true;
	for (char *save = NULL, *t = strtok_r(cond, "+", &save); t; t = strtok_r(NULL, "+", &save)) {
		char buf[4200];
		if (!strncmp(t, "std/", 4) ? !uses_file(t)
		    : !strncmp(t, "param:", 6) ? !has_param(t + 6)
		    : !strncmp(t, "exec:", 5) ? (snprintf(buf, sizeof buf, "exec %s", t + 5), !language_allows(buf))
					      : (fprintf(stderr, "sbsem: unknown need condition %s\n", t), exit(2), true))
			return false;
	}
	return true;
}

static int needs_met, needs_skipped, needs_failed;

static void need_one(const char *line, const char *op, const char *path, const char *name)
{
	Query q = { .op = op, .path = path, .name = name, .proto = -1 };
	int which;
	if (sb_allows(&q, &which)) {
		needs_met++;
		return;
	}
	needs_failed++;
	printf("FAIL need %s", line);
	if (path && strcmp(path, "-"))
		printf(" [%s]", path);
	if (which >= 0)
		printf(": denied by dump rule %d (%s %s)\n", which, rules[which].allow ? "allow" : "deny", rules[which].ops[0]);
	else
		printf(": no rule allows it\n");
}

static void check_needs(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		perror(file);
		exit(2);
	}
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char shown[4096];
		snprintf(shown, sizeof shown, "%s", line);
		shown[strcspn(shown, "\n")] = 0;
		char cond[512], op[128], obj[3500];
		if (sscanf(line, "%511s %127s %3499s", cond, op, obj) != 3)
			continue;
		if (!need_applies(cond)) {
			needs_skipped++;
			continue;
		}
		bool is_path = obj[0] == '/' || obj[0] == '$' || !strncmp(obj, "ancestors-of:", 13);
		if (!strcmp(obj, "-"))
			need_one(shown, op, NULL, NULL);
		else if (!is_path)
			need_one(shown, op, NULL, obj);
		else if (!strncmp(obj, "ancestors-of:", 13)) {
			char *p = concrete(obj + 13);
			for (char *s2 = strchr(p + 1, '/'); s2; s2 = strchr(s2 + 1, '/')) {
				*s2 = 0;
				need_one(shown, op, p, NULL);
				*s2 = '/';
			}
			free(p);
		} else {
			char *p = concrete(obj);
			need_one(shown, op, p, NULL);
			free(p);
		}
	}
	fclose(f);
}

/* ---- running the checker ---- */

static char *run_checker(const char *profile)
{
	const char *root = getenv("ROOT");
	char sbcheck[4096];
	snprintf(sbcheck, sizeof sbcheck, "%s/tests/seatbelt/sbcheck", root ? root : ".");
	char **argv = xmalloc(sizeof *argv * (size_t)(8 + 2 * pol->nparams));
	int n = 0;
	argv[n++] = sbcheck;
	argv[n++] = "--strict";
	argv[n++] = "--dump";
	argv[n++] = "-DSBX_PROXY_PORT=4321"; /* what sbx-seatbelt passes for a profile with host names */
	for (int i = 0; i < pol->nparams; i++) {
		const Param *p = &pol->params[i];
		if (p->baked)
			continue;
		const char *v = pval(p->name.p, p->name.n);
		char *d = xmalloc(p->name.n * 2 + 32 + (v ? strlen(v) : 0));
		if (v)
			sprintf(d, "-D%.*s=%s", STRF(p->name), v);
		else if (str_eqc(p->name, "UID"))
			sprintf(d, "-DUID=501");
		else
			sprintf(d, "-D%.*s=/sbxp/%.*s", STRF(p->name), STRF(p->name));
		argv[n++] = d;
	}
	argv[n++] = (char *)profile;
	argv[n] = NULL;
	int fd[2];
	if (pipe(fd) != 0)
		return NULL;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execv(sbcheck, argv);
		_exit(127);
	}
	close(fd[1]);
	size_t cap = 1 << 16, len = 0;
	char *out = xmalloc(cap);
	ssize_t got;
	while ((got = read(fd[0], out + len, cap - len - 1)) > 0 || (got < 0 && errno == EINTR)) {
		if (got > 0)
			len += (size_t)got;
		if (len + 1 == cap)
			out = realloc(out, cap *= 2);
	}
	out[len] = 0;
	close(fd[0]);
	int status;
	waitpid(pid, &status, 0);
	int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
	if (rc == 77) {
		printf("SKIP: %s", out);
		exit(77);
	}
	if (rc != 0) {
		printf("FAIL the checker rejected the profile: %s", out);
		exit(1);
	}
	return out;
}

int main(int argc, char **argv)
{
	int a = 1;
	const char *needs = NULL, *given = NULL;
	for (; a + 1 < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-v"))
			verbose = 1;
		else if (!strcmp(argv[a], "-r"))
			resolved = 1;
		else if (!strcmp(argv[a], "-D") && ndefines < 32)
			defines[ndefines++] = argv[++a];
		else if (!strcmp(argv[a], "-p") && npvals < 32)
			pvals[npvals++] = argv[++a];
		else if (!strcmp(argv[a], "-s") && nextra < 64)
			extra[nextra++] = argv[++a];
		else if (!strcmp(argv[a], "-n"))
			needs = argv[++a];
		else if (!strcmp(argv[a], "-P"))
			given = argv[++a];
		else
			break;
	}
	if (a + 1 != argc) {
		fprintf(stderr, "usage: sbsem [-v] [-r] [-D NAME=VALUE]... [-p NAME=VALUE]... [-s OPERATION]... [-n NEEDS [-P PROFILE]] POLICY.sbx\n");
		return 64;
	}
	compile_init(&c);
	const Backend *sel[] = { &backend_seatbelt };
	EmitOpts o = { .accept_wider = true, .source = str_c(argv[a]), .regen = STR("sbsem") };
	if (!compile_load(&c, argv[a], defines, ndefines) || !compile_emit(&c, sel, 1, &o)) {
		diag_print(stdout, &c.diags);
		return 2;
	}
	pol = c.policy;
	if (resolved) {
		const char *all[64];
		int n = 0;
		for (int i = 0; i < ndefines; i++)
			all[n++] = defines[i];
		for (int i = 0; i < npvals; i++)
			all[n++] = pvals[i];
		compile_init(&rcomp);
		if (!compile_load(&rcomp, argv[a], all, n)) {
			diag_print(stdout, &rcomp.diags);
			return 2;
		}
		rpol = rcomp.policy;
	}
	char profile[] = "/tmp/sbsem.XXXXXX";
	int fd = mkstemp(profile);
	if (fd < 0 || write(fd, c.out.v[0].data.p, c.out.v[0].data.n) != (ssize_t)c.out.v[0].data.n) {
		perror("sbsem: temp file");
		return 2;
	}
	close(fd);
	char *dump = run_checker(given ? given : profile);
	unlink(profile);
	parse_dump(dump);
	if (needs) {
		check_needs(needs);
		if (unknown_filter)
			printf("FAIL %d filters the test cannot evaluate\n", unknown_filter);
		if (needs_failed || unknown_filter)
			return 1;
		printf("ok %d needs met, %d not applicable\n", needs_met, needs_skipped);
		compile_free(&c);
		return 0;
	}
	note_inexact();
	make_samples();
	for (int i = 0; i < nsamples; i++)
		check_op(samples[i]);
	if (unknown_filter) {
		printf("FAIL %d filters the test cannot evaluate\n", unknown_filter);
		st.failed++;
	}
	if (st.failed)
		return 1;
	printf("ok %d compared, %d tolerated, %d move-blocking, %d implicit\n", st.compared, st.tolerated, st.moveblock,
	       st.implicit);
	compile_free(&c);
	if (rpol)
		compile_free(&rcomp);
	return 0;
}
