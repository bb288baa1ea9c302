/*
 * explain_target.c: `sbxc explain -t TARGET` answers for the artifact.
 *
 * The language decides an operation on the paths and endpoints as written;
 * an artifact is applied by a kernel that resolves paths to files (Linux
 * follows symlinks, so `allow exec /usr/bin/npm` lets the link's target
 * run under any name; macOS reports /tmp, /var and /etc under /private) and
 * that some rules reach only in a wider form the policy accepted (a TCP
 * port opened to every host, every program allowed to run). This file
 * re-decides the operation that way so explain can say where the artifact
 * and the policy part: "wider (accepted by FILE:LINE)" or "stricter".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explain_target.h"
#include "../ir/syscalls.h"
#include "../target/seatbelt.h"

static bool has_part(const TargetName *t, const Backend *b)
{
	for (int i = 0; t->parts[i]; i++)
		if (t->parts[i] == b)
			return true;
	return false;
}

/* The first `keep` components of an absolute path (all when keep < 0) as
 * the kernel reaches them: the longest existing prefix through its
 * symlinks, the rest as written. *foreign: a symlink on the way is not
 * owned by root (the runtime refuses to follow those for a rule's path). */
static Str resolve_linux(Arena *a, Str text, int keep, bool *foreign)
{
	char head[PATH_MAX];
	size_t cut = text.n;
	if (keep >= 0) {
		int seen = 0;
		for (size_t i = 1; i <= text.n; i++)
			if (i == text.n || text.p[i] == '/') {
				if (++seen > keep) {
					cut = i;
					break;
				}
			}
		if (keep == 0)
			cut = 0;
	}
	if (cut == 0 || cut >= sizeof head)
		return text;
	memcpy(head, text.p, cut);
	head[cut] = 0;
	/* Symlinks not owned by root along the written prefix. */
	for (size_t i = 1; i <= cut; i++)
		if (i == cut || head[i] == '/') {
			char c = head[i];
			head[i] = 0;
			struct stat st;
			if (lstat(head, &st) == 0 && S_ISLNK(st.st_mode) && st.st_uid != 0)
				*foreign = true;
			head[i] = c;
		}
	/* The longest prefix that exists, resolved; the rest appended. */
	size_t end = cut;
	for (;;) {
		char save = head[end];
		head[end] = 0;
		char real[PATH_MAX];
		if (end > 0 && realpath(head, real)) {
			head[end] = save;
			Str rest = { text.p + end, text.n - end };
			if (!strcmp(real, "/") && rest.n)
				return arena_printf(a, "%.*s", STRF(rest));
			return arena_printf(a, "%s%.*s", real, STRF(rest));
		}
		head[end] = save;
		while (end > 0 && head[end - 1] != '/')
			end--;
		if (end <= 1)
			return text;
		end--; /* drop the slash too */
	}
}

/* The length of a leading /proc/self or /proc/thread-self, else 0. */
static size_t is_proc_self(Str t)
{
	static const char *const names[] = { "/proc/self", "/proc/thread-self" };
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		size_t n = strlen(names[i]);
		if (t.n >= n && !memcmp(t.p, names[i], n) && (t.n == n || t.p[n] == '/'))
			return n;
	}
	return 0;
}

/* Does sbx-exec run the program as a child (a supervisor or the egress
 * proxy stays behind)? Then a rule's /proc/self, opened by the runtime,
 * names the runtime's process and not the program's. */
static bool runtime_forks(const Policy *p)
{
	ScmpNeeds n = scmp_needs(p);
	if (n.sup_tcp_connect || n.sup_tcp_bind || n.sup_udp)
		return true;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (r->effect == EFF_ALLOW && (r->platforms & PLAT_LINUX) && (r->right == R_CONNECT || r->right == R_BIND) &&
		    r->net.proto != PROTO_UNIX && eval_host_is_name(&r->net))
			return true;
	}
	return false;
}

/* Seatbelt sees /tmp, /var and /etc as /private/...: the same rewrite on
 * both sides (the seatbelt target rewrites literal rules at compile time). */
static Str resolve_macos(Arena *a, Str text)
{
	if (sb_needs_private(text))
		return arena_printf(a, "/private%.*s", STRF(text));
	return text;
}

/* A copy of p whose path rules name what the kernel will resolve them to;
 * a rule the runtime cannot apply (a foreign symlink) loses its object. */
static Policy resolved_policy(const Policy *p, bool linux, Arena *a)
{
	Policy q = *p;
	q.rules = arena_alloc(a, sizeof *q.rules * (size_t)(p->nrules ? p->nrules : 1));
	memcpy(q.rules, p->rules, sizeof *q.rules * (size_t)p->nrules);
	for (int i = 0; i < q.nrules; i++) {
		Rule *r = &q.rules[i];
		if (ir_right_obj[r->right] != OBJ_PATH || r->path.root != ROOT_ABS || r->path.esc)
			continue;
		/* The rank fields stay the rule's own: the artifact orders its
		 * rules by the policy's precedence, and the kernel applies them to
		 * what each resolves to. */
		size_t self = is_proc_self(r->path.text);
		if (linux && self) {
			/* Resolved by the runtime in its own process. */
			if (runtime_forks(p))
				r->path.text = arena_printf(a, "/proc/(the runtime's pid)%.*s", (int)(r->path.text.n - self),
							    r->path.text.p + self);
		} else if (linux) {
			bool foreign = false;
			Str t = resolve_linux(a, r->path.text, r->path.literal_prefix, &foreign);
			if (!foreign || r->effect == EFF_DENY)
				r->path.text = t;
		} else
			r->path.text = resolve_macos(a, r->path.text);
	}
	return q;
}

/* A script runs only if the kernel may also execute its interpreter
 * (`#!`), and that one's, as execve(2) loads them. */
static void interpreter_check(const Policy *p, Str path, unsigned plat, Arena *a, KernelView *out, int depth)
{
	char name[PATH_MAX], line[PATH_MAX];
	if (depth > 4 || path.n >= sizeof name)
		return;
	memcpy(name, path.p, path.n);
	name[path.n] = 0;
	FILE *f = fopen(name, "re");
	if (!f)
		return;
	size_t n = fread(line, 1, sizeof line - 1, f);
	fclose(f);
	line[n] = 0;
	if (n < 3 || line[0] != '#' || line[1] != '!')
		return;
	char *s = line + 2;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strcspn(s, " \t\n");
	if (len == 0 || s[0] != '/')
		return;
	s[len] = 0;
	Op io = { 0 };
	io.right = R_EXEC;
	io.path.root = ROOT_ABS;
	bool foreign = false;
	io.path.text = resolve_linux(a, arena_strdup(a, str_c(s)), -1, &foreign);
	Policy q = resolved_policy(p, true, a);
	Decision d = eval_op(&q, &io, plat);
	if (d.effect != EFF_ALLOW) {
		out->effect = EFF_DENY;
		out->rule = NULL;
		out->note = arena_printf(a, "%s: its interpreter %s is not allowed to run, and execve(2) fails with EACCES",
					 name, s);
		return;
	}
	interpreter_check(p, io.path.text, plat, a, out, depth + 1);
}

static const Accept *accept_for(const Policy *p, int right, const TargetName *t, const Backend **be)
{
	for (int k = 0; t->parts[k]; k++)
		for (int i = 0; i < p->naccepts; i++) {
			const Accept *ac = &p->accepts[i];
			bool right_ok = ac->right == right || (ac->right == R_NET && (right == R_CONNECT || right == R_BIND));
			if (right_ok && target_covers(ac->target, t->parts[k])) {
				*be = t->parts[k];
				return ac;
			}
		}
	return NULL;
}

/* Does the accepted wider lowering of allow rule r on backend be take op?
 * Landlock and Seatbelt keep the protocol and port and drop the host;
 * seccomp and AppContainer reach every endpoint; an exec allowlist no
 * target keeps lets every program run. */
static bool widened_takes(const Rule *r, const Backend *be, const Op *op)
{
	if (r->right == R_EXEC)
		return op->right == R_EXEC;
	if (r->right != R_CONNECT && r->right != R_BIND && r->right != R_NET)
		return false;
	if (op->right != R_CONNECT && op->right != R_BIND)
		return false;
	if (r->right != R_NET && r->right != op->right)
		return false;
	if (r->right == R_NET)
		return be != &backend_landlock && be != &backend_seatbelt;
	if (r->net.proto != op->net.proto || op->net.proto == PROTO_UNIX)
		return false;
	if (be != &backend_landlock && be != &backend_seatbelt)
		return true;
	return r->net.port_any ||
	       (op->net.port_lo >= r->net.port_lo && op->net.port_hi <= r->net.port_hi && !op->net.port_any);
}

/* Default deny or a deny rule: does an accepted wider lowering of some
 * allow rule take op anyway? any_rule: --accept-wider, which accepts them
 * all (out->by stays NULL for those). */
static bool accepted_lowering(const TargetName *t, const Policy *p, const Op *op, unsigned plat, Arena *a,
			      bool any_rule, KernelView *out)
{
	if (op->right == R_SYSCALL)
		return false;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (r->effect != EFF_ALLOW || !(r->platforms & plat))
			continue;
		Str note;
		if (target_fidelity(t, p, r, a, &note) != FID_WIDER)
			continue;
		const Backend *be = NULL;
		const Accept *ac = accept_for(p, r->right, t, &be);
		if (!ac && any_rule)
			for (int k = 0; t->parts[k] && !be; k++)
				if (fidelity_of(t->parts[k], p, r, a, &note) == FID_WIDER)
					be = t->parts[k];
		if ((!ac && !any_rule) || !be || !widened_takes(r, be, op))
			continue;
		out->effect = EFF_ALLOW;
		out->rule = r;
		out->by = ac;
		out->note = note;
		return true;
	}
	return false;
}

bool explain_target_view(const TargetName *t, const Policy *p, const Op *op, unsigned plat, const Decision *lang,
			 Arena *a, KernelView *out)
{
	memset(out, 0, sizeof *out);
	bool linux = has_part(t, &backend_landlock), macos = has_part(t, &backend_seatbelt);
	Op o = *op;
	Decision d = *lang;
	Str from = { 0 }, to = { 0 };
	if ((linux || macos) && ir_right_obj[op->right] == OBJ_PATH && op->path.root == ROOT_ABS && !op->path.esc) {
		bool foreign = false;
		if (!linux)
			o.path.text = resolve_macos(a, op->path.text);
		else if (!is_proc_self(op->path.text)) /* the program's own, as the rules' when it is the same process */
			o.path.text = resolve_linux(a, op->path.text, -1, &foreign);
		Policy q = resolved_policy(p, linux, a);
		d = eval_op(&q, &o, plat);
		/* Name the rule in the caller's policy (q's copies share their locations). */
		if (d.rule >= q.rules && d.rule < q.rules + q.nrules)
			d.rule = &p->rules[d.rule - q.rules];
		if (!str_eq(o.path.text, op->path.text)) {
			from = op->path.text;
			to = o.path.text;
		}
	}
	out->effect = d.effect;
	out->rule = d.rule;
	if (linux && op->right == R_EXEC && d.effect == EFF_ALLOW && o.path.root == ROOT_ABS)
		interpreter_check(p, o.path.text, plat, a, out, 0);
	if (d.effect == EFF_DENY)
		accepted_lowering(t, p, op, plat, a, false, out);
	out->differs = out->effect != lang->effect;
	if (!out->note.n && !from.n && out->differs && out->rule && ir_right_obj[out->rule->right] == OBJ_PATH &&
	    out->rule->path.root == ROOT_ABS) {
		bool foreign = false;
		from = out->rule->path.text;
		to = linux ? resolve_linux(a, from, out->rule->path.literal_prefix, &foreign) : resolve_macos(a, from);
	}
	if (!out->note.n && from.n && out->differs)
		out->note = arena_printf(a, "%.*s resolves to %.*s, and the kernel decides by the file it reaches%s",
					 STRF(from), STRF(to),
					 linux ? " (Landlock rules follow symlinks when applied)" : "");
	if (out->differs)
		return true;
	/* Agreeing answers: exact only when the deciding rule is. */
	if (!out->rule)
		return true;
	Str note;
	Fidelity f = target_fidelity(t, p, out->rule, a, &note);
	return f == FID_EXACT;
}

/* LANGUAGE.md 6.1: an expectation holds against each target's fidelity. An
 * `expect deny` that a lowering the policy accepts makes false on a
 * selected target is an error there, naming the accept. */
bool expect_target_gate(Compile *c, const Backend *const *sel, int nsel, bool accept_wider)
{
	const Policy *p = c->policy;
	bool ok = true, ll = false, sc = false;
	for (int i = 0; i < nsel; i++) {
		ll |= sel[i] == &backend_landlock;
		sc |= sel[i] == &backend_seccomp;
	}
	for (int i = 0; i < nsel; i++) {
		const TargetName *t = target_name_find(str_c(sel[i]->name));
		if (sel[i] == &backend_seccomp && ll)
			continue; /* answered with landlock, as the `linux` view */
		if (sel[i] == &backend_landlock && sc)
			t = target_name_find(STR("linux"));
		if (!t)
			continue;
		for (int k = 0; k < p->nexpects; k++) {
			const Expect *e = &p->expects[k];
			if (e->effect != EFF_DENY || !(e->platforms & t->platform))
				continue;
			unsigned plat = e->platforms & t->platform;
			plat &= -plat; /* one platform: the target's */
			Decision d = eval_op(p, &e->op, plat);
			KernelView v;
			memset(&v, 0, sizeof v);
			if (d.effect != EFF_DENY || !accepted_lowering(t, p, &e->op, plat, &c->arena, accept_wider, &v))
				continue;
			Buf b = { 0 };
			buf_printf(&b, "allow %s ", ir_right_name[v.rule->right]);
			ir_put_object(&b, v.rule);
			/* --accept-wider demotes, as it does the gate's errors. */
			diag_at(&c->diags, v.by ? DIAG_ERROR : DIAG_WARNING, e->loc,
				"expect failed on %s: '%.*s' is denied by the policy, but the artifact allows it: '%.*s' is lowered wider there (%.*s)",
				t->name, STRF(e->op.text), (int)b.n, b.p, STRF(v.note));
			if (v.by)
				diag_at(&c->diags, DIAG_NOTE, v.by->loc, "the lowering is accepted here");
			else
				diag_at(&c->diags, DIAG_NOTE, v.rule->loc, "the lowering is accepted by --accept-wider");
			buf_free(&b);
			ok &= !v.by;
		}
	}
	return ok;
}
