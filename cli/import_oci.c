/*
 * import_oci.c: an OCI/Docker seccomp profile (the JSON of `docker run
 * --security-opt seccomp=FILE`, moby/profiles' default.json) as sbx.
 *
 * The profile is read the way Docker and runc read it for one container:
 *
 *   - an entry applies when its `includes` hold and its `excludes` do not,
 *     for the capabilities the container is given (--cap, none by
 *     default) and the architectures compiled for (--arch; an entry for
 *     some of them only is kept for all and reported: sbx rules have no
 *     architecture); `minKernel` is assumed satisfied, and reported;
 *   - an entry's comparisons are ANDed, unless an argument index repeats:
 *     then runc adds each comparison as its own rule, so they are ORed;
 *   - SCMP_CMP_MASKED_EQ is (arg & value) == valueTwo;
 *   - an entry whose action is the default action adds nothing (runc skips
 *     it; libseccomp would refuse it); it is kept as a comment.
 *
 * What sbx cannot say is reported and left out, with what leaving it out
 * does (stricter for a dropped allow, wider for a dropped deny): names
 * libseccomp's table does not know, conditions on pointers, values too
 * wide for a 32-bit argument, SCMP_ACT_NOTIFY. Two meanings differ and are
 * reported when they matter: sbx compares a 32-bit argument on its low 32
 * bits (libseccomp on all 64), and where rules of one name disagree, sbx
 * lets a rule with a condition beat one without and deny beat allow.
 *
 * A profile whose default action allows becomes an allow list: every call
 * the architectures know that no entry names is allowed by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ir/syscalls.h"
#include "../lang/consts.h"
#include "import.h"

enum { A_ALLOW, A_LOG, A_ERRNO, A_KILL_PROCESS, A_KILL_THREAD, A_TRAP, A_BAD };

typedef struct Act {
	int kind;
	int err;
} Act;

static bool act_parse(const char *s, json_t *errnoret, Act *a)
{
	a->err = errnoret && json_is_integer(errnoret) ? (int)json_integer_value(errnoret) : 1;
	if (!s)
		a->kind = A_BAD;
	else if (!strcmp(s, "SCMP_ACT_ALLOW"))
		a->kind = A_ALLOW;
	else if (!strcmp(s, "SCMP_ACT_LOG"))
		a->kind = A_LOG;
	else if (!strcmp(s, "SCMP_ACT_ERRNO"))
		a->kind = A_ERRNO;
	else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS"))
		a->kind = A_KILL_PROCESS;
	else if (!strcmp(s, "SCMP_ACT_KILL") || !strcmp(s, "SCMP_ACT_KILL_THREAD"))
		a->kind = A_KILL_THREAD;
	else if (!strcmp(s, "SCMP_ACT_TRAP"))
		a->kind = A_TRAP;
	else if (!strcmp(s, "SCMP_ACT_TRACE")) {
		/* no tracer in a sandbox: the kernel fails the call with ENOSYS */
		a->kind = A_ERRNO;
		a->err = 38;
	} else
		a->kind = A_BAD;
	if (a->kind == A_ERRNO && (a->err < 1 || a->err > 4095))
		a->kind = A_BAD;
	return a->kind != A_BAD;
}

static bool act_eq(Act a, Act b) { return a.kind == b.kind && (a.kind != A_ERRNO || a.err == b.err); }

static void put_errno(Buf *b, int e)
{
	const char *n = errno_name(e);
	if (n)
		buf_printf(b, "errno %s", n);
	else
		buf_printf(b, "errno %d", e);
}

static void put_deny_action(Buf *b, Act a)
{
	switch (a.kind) {
	case A_ERRNO: put_errno(b, a.err); break;
	case A_KILL_PROCESS: buf_puts(b, "kill-process"); break;
	case A_KILL_THREAD: buf_puts(b, "kill-thread"); break;
	case A_TRAP: buf_puts(b, "trap"); break;
	default: break;
	}
}

/* Docker's architecture names for --arch (libseccomp's). */
static const char *docker_arch(const char *n)
{
	static const char *const map[][2] = {
		{ "x86_64", "amd64" }, { "x86", "x86" }, { "x32", "x32" }, { "aarch64", "arm64" }, { "arm", "arm" },
		{ "ppc64le", "ppc64le" }, { "s390", "s390" }, { "s390x", "s390x" }, { "riscv64", "riscv64" },
		{ "loongarch64", "loong64" }, { "mips64", "mips64" }, { "mipsel64", "mipsel64" },
	};
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (!strcmp(map[i][0], n))
			return map[i][1];
	return n;
}

static bool in_list(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), s)) return true;
	return false;
}

/* A translated rule, one name each. */
typedef struct IRule {
	const char *name;
	Act act;
	char *cond; /* "arg0 < 38 || ...", or NULL */
	int entry;
} IRule;

typedef struct Rules {
	IRule *v;
	int n, cap;
} Rules;

static void push(Rules *rs, IRule r)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->v = realloc(rs->v, sizeof(IRule) * (size_t)rs->cap);
		if (!rs->v) {
			fprintf(stderr, "sbxc import: out of memory\n");
			exit(1);
		}
	}
	rs->v[rs->n++] = r;
}

static const char *cmp_op(const char *op)
{
	static const char *const m[][2] = {
		{ "SCMP_CMP_EQ", "==" }, { "SCMP_CMP_NE", "!=" }, { "SCMP_CMP_LT", "<" },
		{ "SCMP_CMP_LE", "<=" }, { "SCMP_CMP_GT", ">" },  { "SCMP_CMP_GE", ">=" },
	};
	for (size_t i = 0; i < ARRAY_LEN(m); i++)
		if (!strcmp(m[i][0], op))
			return m[i][1];
	return NULL;
}

static void put_num(Buf *b, uint64_t v)
{
	if (v < 4096)
		buf_printf(b, "%llu", (unsigned long long)v);
	else
		buf_printf(b, "0x%llx", (unsigned long long)v);
}

static uint64_t json_u64(json_t *v)
{
	/* jansson holds integers as long long: a value above 2^63 wraps */
	return v && json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

/* The condition of one entry for one name; NULL with *why set when it
 * cannot be said. */
static char *condition(json_t *args, const char *name, const char **why, bool *narrowed)
{
	size_t n = json_array_size(args);
	if (!n)
		return NULL;
	int count[6] = { 0 };
	for (size_t i = 0; i < n; i++) {
		json_t *ix = json_object_get(json_array_get(args, i), "index");
		if (!json_is_integer(ix) || json_integer_value(ix) < 0 || json_integer_value(ix) > 5) {
			*why = "an argument index outside 0-5";
			return NULL;
		}
		count[json_integer_value(ix)]++;
	}
	bool or = false;
	for (int i = 0; i < 6; i++)
		or |= count[i] > 1;
	Buf b = { 0 };
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(args, i);
		int ix = (int)json_integer_value(json_object_get(a, "index"));
		const char *op = json_string_value(json_object_get(a, "op"));
		uint64_t v = json_u64(json_object_get(a, "value")), v2 = json_u64(json_object_get(a, "valueTwo"));
		bool ptr = false, w32 = false;
		scmp_arg_check(str_c(name), ix, &ptr, &w32);
		if (ptr) {
			*why = "a condition on a pointer argument (seccomp sees the address, not the data)";
			buf_free(&b);
			return NULL;
		}
		if (!op) {
			*why = "an argument without \"op\"";
			buf_free(&b);
			return NULL;
		}
		bool masked = !strcmp(op, "SCMP_CMP_MASKED_EQ");
		uint64_t vals[2] = { v, v2 };
		for (int k = 0; k < 2 && w32; k++) {
			uint64_t x = vals[k];
			if (x >> 32 == 0)
				continue;
			if (x >> 32 == 0xffffffffu && (x & 0x80000000u))
				continue; /* sign-extended: sema reduces it to the low word */
			if (masked && k == 0) {
				vals[0] &= 0xffffffffu; /* a mask's high bits cannot select anything the kernel reads */
				continue;
			}
			*why = "a value wider than the 32-bit argument it is compared with";
			buf_free(&b);
			return NULL;
		}
		if (w32)
			*narrowed = true;
		if (i)
			buf_puts(&b, or ? " || " : " && ");
		buf_printf(&b, "arg%d ", ix);
		if (masked) {
			buf_puts(&b, "& ");
			put_num(&b, vals[0]);
			buf_puts(&b, " == ");
			put_num(&b, vals[1]);
		} else if (cmp_op(op)) {
			buf_printf(&b, "%s ", cmp_op(op));
			put_num(&b, vals[0]);
		} else {
			*why = "an unknown comparison";
			buf_free(&b);
			return NULL;
		}
	}
	buf_putc(&b, '\0');
	return b.p;
}

static int rule_cmp(const void *x, const void *y)
{
	const IRule *a = x, *b = y;
	/* unconditional first (grouped by action), then by name */
	if (!a->cond != !b->cond)
		return a->cond ? 1 : -1;
	if (a->act.kind != b->act.kind)
		return a->act.kind - b->act.kind;
	if (a->act.err != b->act.err)
		return a->act.err - b->act.err;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	if (a->cond && b->cond)
		return strcmp(a->cond, b->cond);
	return a->entry - b->entry;
}

static int cstr_cmp(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

/* "allow syscall a b c" lines of at most ~96 columns. */
static void put_names(Buf *out, const char *head, const char **names, int n, const char *tail)
{
	size_t col = 0;
	for (int i = 0; i < n; i++) {
		if (col == 0) {
			buf_puts(out, head);
			col = strlen(head);
		}
		buf_printf(out, " %s", names[i]);
		col += 1 + strlen(names[i]);
		if (col > 90 || i == n - 1) {
			buf_puts(out, tail);
			buf_putc(out, '\n');
			col = 0;
		}
	}
}

bool imp_oci(json_t *root, const ImportOpts *o, Buf *out, Report *r)
{
	if (!json_is_object(root)) {
		imp_report(r, "(top): not a JSON object");
		return false;
	}
	const char *key;
	json_t *val;
	json_object_foreach(root, key, val)
	{
		if (!strcmp(key, "defaultAction") || !strcmp(key, "defaultErrnoRet") || !strcmp(key, "syscalls") ||
		    !strcmp(key, "architectures") || !strcmp(key, "archMap") || !strcmp(key, "comment"))
			continue;
		if (!strcmp(key, "flags") || !strcmp(key, "listenerPath") || !strcmp(key, "listenerMetadata"))
			imp_report(r, "%s: not translated (sbx sets no seccomp filter flags and has no user-space listener)", key);
		else
			imp_report(r, "%s: unknown key, not translated", key);
	}
	json_t *syscalls = json_object_get(root, "syscalls");
	if (syscalls && !json_is_array(syscalls)) {
		imp_report(r, "syscalls: not an array");
		return false;
	}
	Act dflt;
	const char *da = json_string_value(json_object_get(root, "defaultAction"));
	if (!da) {
		imp_report(r, "defaultAction: missing");
		return false;
	}
	bool allow_default = false;
	if (!act_parse(da, json_object_get(root, "defaultErrnoRet"), &dflt)) {
		imp_report(r, "defaultAction: %s has no sbx form; translated as errno EPERM (stricter than a notify "
			      "listener's answers)", da);
		dflt = (Act){ A_ERRNO, 1 };
	}
	if (dflt.kind == A_ALLOW || dflt.kind == A_LOG) {
		allow_default = true;
		if (dflt.kind == A_LOG)
			imp_report(r, "defaultAction: SCMP_ACT_LOG: calls no entry names are allowed by name, without logging");
	}

	const char *dnames[32];
	int nd = 0;
	for (int i = 0; i < o->narches && nd < 32; i++)
		dnames[nd++] = docker_arch(o->arches[i]);

	Rules rs = { 0 };
	size_t ei;
	json_t *e;
	json_array_foreach(syscalls, ei, e)
	{
		if (!json_is_object(e)) {
			imp_report(r, "syscalls[%zu]: not an object", ei);
			continue;
		}
		json_t *inc = json_object_get(e, "includes"), *exc = json_object_get(e, "excludes");
		/* capabilities: all of includes.caps given, none of excludes.caps */
		bool applies = true;
		size_t k;
		json_t *c;
		json_array_foreach(json_object_get(inc, "caps"), k, c)
		{
			bool have = false;
			for (int j = 0; j < o->ncaps; j++)
				have |= json_is_string(c) && !strcmp(o->caps[j], json_string_value(c));
			applies &= have;
		}
		json_array_foreach(json_object_get(exc, "caps"), k, c) for (int j = 0; j < o->ncaps; j++) if (
			json_is_string(c) && !strcmp(o->caps[j], json_string_value(c))) applies = false;
		if (!applies)
			continue;
		/* architectures: kept when it applies to some selected arch */
		json_t *ia = json_object_get(inc, "arches"), *xa = json_object_get(exc, "arches");
		int on = 0;
		for (int j = 0; j < nd; j++)
			if ((!json_array_size(ia) || in_list(ia, dnames[j])) && !in_list(xa, dnames[j]))
				on++;
		if (!on)
			continue;
		json_t *names = json_object_get(e, "names");
		json_t *single = json_object_get(e, "name");
		if (!names && json_is_string(single)) {
			names = json_array();
			json_array_append(names, single);
			json_object_set_new(e, "names", names);
		}
		if (!json_is_array(names)) {
			imp_report(r, "syscalls[%zu]: no \"names\"", ei);
			continue;
		}
		const char *first = json_string_value(json_array_get(names, 0));
		if (on < nd)
			imp_report(r, "syscalls[%zu] (%s...): applies to some of the architectures only; kept for all of them "
				      "(sbx rules have no architecture)", ei, first ? first : "?");
		json_t *mk = json_object_get(inc, "minKernel");
		if (mk)
			imp_report(r, "syscalls[%zu] (%s...): includes.minKernel %s assumed satisfied", ei, first ? first : "?",
				   json_is_string(mk) ? json_string_value(mk) : "?");
		const char *as = json_string_value(json_object_get(e, "action"));
		if (as && !strcmp(as, "SCMP_ACT_TRACE"))
			imp_report(r, "syscalls[%zu] (%s...): SCMP_ACT_TRACE: no tracer in a sandbox, so errno ENOSYS as the "
				      "kernel answers without one", ei, first ? first : "?");
		Act act;
		if (!act_parse(as, json_object_get(e, "errnoRet"), &act)) {
			imp_report(r, "syscalls[%zu] (%s...): action %s has no sbx form; left out (%s)", ei, first ? first : "?",
				   as ? as : "(none)", "the calls get the default action");
			continue;
		}
		size_t ni;
		json_t *nv;
		json_array_foreach(names, ni, nv)
		{
			const char *name = json_string_value(nv);
			if (!name) {
				imp_report(r, "syscalls[%zu].names[%zu]: not a string", ei, ni);
				continue;
			}
			bool ok = true;
			for (const char *p = name; *p; p++)
				ok &= (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
			if (!ok || !*name) {
				imp_report(r, "syscalls[%zu].names[%zu]: '%s' is not a system call name", ei, ni, name);
				continue;
			}
			if (!scmp_syscall_known(str_c(name))) {
				imp_report(r, "syscalls[%zu]: %s: unknown to this libseccomp; left out (the call is refused: "
					      "calls past the table fail with ENOSYS)", ei, name);
				continue;
			}
			const char *why = NULL;
			bool narrowed = false;
			char *cond = condition(json_object_get(e, "args"), name, &why, &narrowed);
			if (why) {
				imp_report(r, "syscalls[%zu]: %s: %s; rule left out (%s)", ei, name, why,
					   act.kind == A_ALLOW || act.kind == A_LOG ? "stricter" : "wider: the default action or "
											       "other rules decide");
				continue;
			}
			if (narrowed && !(act.kind == A_ALLOW || act.kind == A_LOG))
				imp_report(r, "syscalls[%zu]: %s: compared on the argument's low 32 bits, as the kernel reads it "
					      "(libseccomp compares 64)", ei, name);
			push(&rs, (IRule){ name, act, cond, (int)ei });
		}
	}
	if (rs.n)
		qsort(rs.v, (size_t)rs.n, sizeof(IRule), rule_cmp);
	/* rules of one name that disagree: precedence differs */
	for (int i = 0; i < rs.n; i++)
		for (int j = i + 1; j < rs.n; j++)
			if (!strcmp(rs.v[i].name, rs.v[j].name) && !act_eq(rs.v[i].act, rs.v[j].act) &&
			    !act_eq(rs.v[i].act, dflt) && !act_eq(rs.v[j].act, dflt)) {
				imp_report(r, "%s: rules with different actions (entries %d and %d): sbx lets a rule with a "
					      "condition beat one without and deny beat allow", rs.v[i].name, rs.v[i].entry,
					   rs.v[j].entry);
				break;
			}

	buf_puts(out, "sbx 1\n");
	buf_puts(out, "policy ");
	buf_str(out, o->name); /* an identifier: checked by the driver */
	buf_puts(out, " \"imported from an OCI seccomp profile by sbxc import oci\"\n");
	buf_printf(out, "# capabilities assumed: %s", o->ncaps ? "" : "none");
	for (int i = 0; i < o->ncaps; i++)
		buf_printf(out, "%s%s", i ? "," : "", o->caps[i]);
	buf_puts(out, "\n# architectures read: ");
	for (int i = 0; i < o->narches; i++)
		buf_printf(out, "%s%s", i ? "," : "", o->arches[i]);
	buf_puts(out, " (compile with --arch to match)\n");
	json_t *archs = json_object_get(root, "architectures");
	if (json_array_size(archs)) {
		buf_puts(out, "# the profile's architectures:");
		size_t i;
		json_t *a;
		json_array_foreach(archs, i, a) if (json_is_string(a)) buf_printf(out, " %s", json_string_value(a));
		buf_putc(out, '\n');
	}
	if (allow_default)
		buf_puts(out, "# the profile allows by default: every call no entry names is allowed by name below\n");
	buf_puts(out, "\ndefault deny ");
	if (allow_default)
		buf_puts(out, "errno EPERM");
	else
		put_deny_action(out, dflt);
	/* Syscall rules narrow what the other rules allow, never widen it
	 * (LANGUAGE.md 5.4): a profile speaks for sockets, processes, programs
	 * and tracing only through these. What sbx denies in every filter
	 * (namespaces, mount, the always-denied calls) stays denied. */
	buf_puts(out, "\n\n# sockets, processes, programs and tracing as the profile allows them (its syscall\n"
		      "# rules narrow these; sbx's own denials, such as namespaces and mount, stay)\n"
		      "allow net\nallow fork\nallow exec /\nallow ptrace children\n"
		      "accept wider exec because \"an OCI profile does not look at paths\"\n"
		      "accept wider ptrace because \"an OCI profile does not tell children from other processes\"\n\n");

	/* unconditional rules, grouped by action */
	const char **group = calloc((size_t)rs.n + 1, sizeof(char *));
	for (int i = 0; i < rs.n;) {
		int j = i, ng = 0;
		while (j < rs.n && !rs.v[j].cond && act_eq(rs.v[j].act, rs.v[i].act))
			j++;
		if (j == i)
			break;
		bool same = act_eq(rs.v[i].act, dflt);
		for (int k = i; k < j; k++)
			if (!ng || strcmp(group[ng - 1], rs.v[k].name))
				group[ng++] = rs.v[k].name;
		Buf head = { 0}, tail = { 0 };
		if (same)
			buf_puts(&head, "# same as the default action: ");
		if (rs.v[i].act.kind == A_ALLOW || rs.v[i].act.kind == A_LOG) {
			buf_puts(&head, "allow syscall");
			if (rs.v[i].act.kind == A_LOG)
				buf_puts(&tail, " log");
		} else {
			buf_puts(&head, "deny syscall");
			buf_putc(&tail, ' ');
			put_deny_action(&tail, rs.v[i].act);
		}
		buf_putc(&head, '\0');
		buf_putc(&tail, '\0');
		put_names(out, head.p, group, ng, tail.p);
		buf_free(&head);
		buf_free(&tail);
		buf_putc(out, '\n');
		i = j;
	}
	/* conditional rules, one per name */
	for (int i = 0; i < rs.n; i++) {
		if (!rs.v[i].cond)
			continue;
		if (i && rs.v[i - 1].cond && !strcmp(rs.v[i - 1].name, rs.v[i].name) && !strcmp(rs.v[i - 1].cond, rs.v[i].cond) &&
		    act_eq(rs.v[i - 1].act, rs.v[i].act))
			continue;
		if (act_eq(rs.v[i].act, dflt))
			buf_puts(out, "# same as the default action: ");
		bool allow = rs.v[i].act.kind == A_ALLOW || rs.v[i].act.kind == A_LOG;
		buf_printf(out, "%s syscall %s if %s", allow ? "allow" : "deny", rs.v[i].name, rs.v[i].cond);
		if (rs.v[i].act.kind == A_LOG)
			buf_puts(out, " log");
		else if (!allow) {
			buf_putc(out, ' ');
			put_deny_action(out, rs.v[i].act);
		}
		buf_putc(out, '\n');
	}
	/* an allowing default: name every other call (a call with only
	 * conditional rules too: its conditions then beat this allow) */
	if (allow_default) {
		const char **all = NULL;
		int na = 0, cap = 0;
		for (int i = 0; i < o->narches; i++) {
			const ScmpArch *a = scmp_arch_find(str_c(o->arches[i]));
			for (int k = 0; a && k < a->nsys; k++) {
				if (na == cap) {
					cap = cap ? cap * 2 : 512;
					all = realloc(all, sizeof(char *) * (size_t)cap);
					if (!all)
						exit(1);
				}
				all[na++] = a->names[k];
			}
		}
		if (na)
			qsort(all, (size_t)na, sizeof(char *), cstr_cmp);
		int w = 0;
		for (int i = 0; i < na; i++) {
			if (w && !strcmp(all[w - 1], all[i]))
				continue;
			bool named = false;
			for (int k = 0; k < rs.n && !named; k++)
				named = !rs.v[k].cond && !act_eq(rs.v[k].act, dflt) && !strcmp(rs.v[k].name, all[i]);
			if (!named)
				all[w++] = all[i];
		}
		buf_puts(out, "\n# allowed by the profile's default action\n");
		put_names(out, "allow syscall", all, w, dflt.kind == A_LOG ? "" : "");
		free(all);
	}
	for (int i = 0; i < rs.n; i++)
		free(rs.v[i].cond);
	free(rs.v);
	free(group);
	return true;
}
