/*
 * oci.c: the oci target: an OCI/Docker seccomp profile (NAME.oci.json) for
 * `docker run --security-opt seccomp=NAME.oci.json` and podman.
 *
 * The profile says what the seccomp target's filter says, call by call,
 * but in the vocabulary libseccomp accepts through runc: a default action,
 * and rules of (names, action, argument comparisons). Two things make the
 * translation more than a rewrite:
 *
 * Overlap. The language decides a call by specificity: rules with a
 * condition beat those without, between equals deny wins (LANGUAGE.md 6;
 * seccomp.c's planfor). libseccomp has no such order, and rejects or
 * merges overlapping rules with different actions. So each call's rules
 * become disjoint regions: a rule's region is its condition minus the
 * conditions of every earlier rule (in the planner's order: conditional
 * denies, conditional allows, then the unconditional outcome) with another
 * action. Regions whose action is the default action are left out: calls
 * no rule matches get the default anyway.
 *
 * Comparisons. An OCI rule ANDs its comparisons only while every argument
 * index appears once (runc ORs them all when an index repeats), it has no
 * masked "not equal", and libseccomp compares all 64 bits of an argument
 * the kernel reads as a 32-bit int. So each argument's tests are turned
 * into a union of "cubes" ((arg & mask) == value: SCMP_CMP_MASKED_EQ) where
 * a single OCI comparison would not say the same thing: a 32-bit argument
 * is masked to its low word (so socket(0x100000028, ...) is AF_VSOCK, as
 * the kernel sees it), an order comparison on it becomes aligned blocks,
 * `!=` under a mask becomes one cube per bit. One comparison on a 64-bit
 * argument stays as written. A rule is then the product of its arguments'
 * alternatives. What cannot be said exactly (an order test under a mask)
 * is an error, never an approximation.
 *
 * A policy without syscall rules gets the derived filter (seccomp_derive.c,
 * through scmp_rules). Either way the profile is an allow list: every call
 * the selected architectures know is named when its outcome is not the
 * default action, so calls newer than libseccomp's table get the default
 * action (the seccomp target answers ENOSYS for them: both refuse).
 *
 * Architectures: SCMP_ARCH_* of the --arch list (default x86_64, aarch64);
 * a call the kernel sees under another architecture is killed, as in the
 * seccomp target. When the rules differ between the selected arches (only
 * the derived clone rule does: s390 passes its flags second), the rules
 * carry Docker's `includes.arches`.
 *
 * Output is deterministic: entries sorted, names sorted, no host data; the
 * standard header goes in a top-level "comment" array (JSON has no
 * comments; Docker and podman ignore unknown keys).
 */
#include "seccomp.h"

#include <stdlib.h>
#include <string.h>

enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_MASKED_EQ };
static const char *const op_name[] = {
	"SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_MASKED_EQ",
};

/* Limits that keep a pathological policy from exploding the profile. */
enum { MAX_TERMS = 4096, MAX_CUBES = 4096 };

/* One OCI comparison: MASKED_EQ is (arg & value) == value2. */
typedef struct OciCmp {
	uint8_t arg, op;
	uint64_t value, value2;
} OciCmp;

/* (arg & mask) == value */
typedef struct Cube {
	uint64_t mask, value;
} Cube;

typedef struct Cubes {
	Cube *v;
	int n, cap;
} Cubes;

/* One rule of the profile for one architecture, before names are grouped. */
typedef struct Entry {
	Str name;
	uint32_t ret;
	Str key;     /* ret and comparisons as text: groups names, sorts entries */
	Str args;    /* the "args" JSON, or empty */
	int arch;    /* index of the arch that produced it */
	unsigned archmask; /* every selected arch that produced the same (name, key) */
} Entry;

typedef struct Oci {
	Arena *a;
	const Policy *p;
	Diags *d;
	const ScmpArch *arch;
	int archi;
	Entry *v;
	int n, cap;
	bool failed;
} Oci;

/* ---- cubes ---- */

static void cube_add(Oci *o, Cubes *s, uint64_t mask, uint64_t value)
{
	if (s->n >= MAX_CUBES) {
		o->failed = true;
		return;
	}
	*VEC_PUSH(o->a, s->v, s->n, s->cap) = (Cube){ mask, value & mask };
}

/* [lo, hi] within the bits of `width` (2^k - 1) as aligned blocks. */
static void interval_cubes(Oci *o, Cubes *s, uint64_t lo, uint64_t hi, uint64_t width)
{
	while (!o->failed) {
		uint64_t size = 1; /* the largest aligned block at lo that fits */
		while (size * 2 != 0 && (lo & (size * 2 - 1)) == 0 && size * 2 - 1 <= width && lo + (size * 2 - 1) <= hi)
			size *= 2;
		cube_add(o, s, width & ~(size - 1), lo);
		if (lo + (size - 1) >= hi)
			return;
		lo += size;
	}
}

/* The cubes of one comparison; `width` is all ones over the bits the kernel
 * reads. Returns false when it cannot be said with cubes. */
static bool cmp_cubes(Oci *o, const ArgCmp *c, uint64_t width, Cubes *s)
{
	uint64_t m = c->mask & width, v = c->value & width;
	switch (c->op) {
	case CMP_EQ:
		if ((c->value & width) & ~m)
			return true; /* never true: no cube */
		cube_add(o, s, m, v);
		return true;
	case CMP_NE:
		if (v & ~m) {
			cube_add(o, s, 0, 0); /* always true */
			return true;
		}
		for (int b = 0; b < 64; b++)
			if (m >> b & 1)
				cube_add(o, s, 1ull << b, ~v & (1ull << b));
		return true;
	default:
		break;
	}
	if (m != width)
		return false; /* an order test under a mask */
	uint64_t lo = 0, hi = width;
	switch (c->op) {
	case CMP_LT: if (v == 0) return true; hi = v - 1; break;
	case CMP_LE: hi = v; break;
	case CMP_GT: if (v == width) return true; lo = v + 1; break;
	case CMP_GE: lo = v; break;
	}
	interval_cubes(o, s, lo, hi, width);
	return true;
}

static void cubes_and(Oci *o, Cubes *x, const Cubes *y)
{
	Cubes r = { 0 };
	for (int i = 0; i < x->n; i++)
		for (int j = 0; j < y->n; j++) {
			uint64_t common = x->v[i].mask & y->v[j].mask;
			if ((x->v[i].value & common) != (y->v[j].value & common))
				continue;
			uint64_t mask = x->v[i].mask | y->v[j].mask, value = x->v[i].value | y->v[j].value;
			bool covered = false; /* by a cube already there (fewer bits fixed) */
			for (int k = 0; k < r.n && !covered; k++)
				covered = (r.v[k].mask & mask) == r.v[k].mask && (value & r.v[k].mask) == r.v[k].value;
			if (covered)
				continue;
			int w = 0; /* drop the cubes this one covers */
			for (int k = 0; k < r.n; k++)
				if (!((mask & r.v[k].mask) == mask && (r.v[k].value & mask) == value))
					r.v[w++] = r.v[k];
			r.n = w;
			cube_add(o, &r, mask, value);
		}
	*x = r;
}

/* ---- regions ---- */

static uint64_t width_of(const Oci *o, Str sysname, int arg)
{
	if (!o->arch->wide)
		return 0xffffffffull;
	const ScmpSig *s = scmp_sig(sysname);
	if (s && (size_t)arg < strlen(s->kinds) && s->kinds[arg] == 'i')
		return 0xffffffffull;
	return ~0ull;
}

/* A conjunction of comparisons, and a disjunction of them. */
typedef struct Term {
	ArgCmp *c;
	int n;
} Term;

typedef struct Terms {
	Term *v;
	int n, cap;
} Terms;

static ArgCmp negate(ArgCmp c)
{
	static const uint8_t neg[] = { [CMP_EQ] = CMP_NE, [CMP_NE] = CMP_EQ, [CMP_LT] = CMP_GE,
				       [CMP_LE] = CMP_GT, [CMP_GT] = CMP_LE, [CMP_GE] = CMP_LT };
	c.op = neg[c.op];
	return c;
}

/* terms := terms AND NOT(conj) */
static void and_not(Oci *o, Terms *t, const SysObj *conj)
{
	Terms r = { 0 };
	for (int i = 0; i < t->n; i++)
		for (int k = 0; k < conj->ncmp; k++) {
			if (r.n >= MAX_TERMS) {
				o->failed = true;
				return;
			}
			Term *x = VEC_PUSH(o->a, r.v, r.n, r.cap);
			x->n = t->v[i].n + 1;
			x->c = arena_alloc(o->a, sizeof(ArgCmp) * (size_t)x->n);
			if (t->v[i].n)
				memcpy(x->c, t->v[i].c, sizeof(ArgCmp) * (size_t)t->v[i].n);
			x->c[x->n - 1] = negate(conj->cmp[k]);
		}
	*t = r;
}

static void put_u64(Buf *b, uint64_t v) { buf_u64(b, v); }

/* One term as OCI rules (the product of each argument's alternatives). */
static void term_entries(Oci *o, Str name, uint32_t ret, const Term *t)
{
	OciCmp alt[6][64];
	int nalt[6] = { 0 };
	Cubes big[6] = { 0 };
	bool used[6] = { 0 };
	for (int arg = 0; arg < 6; arg++) {
		int cnt = 0, first = -1;
		for (int i = 0; i < t->n; i++)
			if (t->c[i].arg == arg) {
				cnt++;
				if (first < 0)
					first = i;
			}
		if (!cnt)
			continue;
		used[arg] = true;
		uint64_t width = width_of(o, name, arg);
		const ArgCmp *c = &t->c[first];
		if (cnt == 1 && width == ~0ull && c->mask == ~0ull) {
			static const uint8_t direct[] = { [CMP_EQ] = OP_EQ, [CMP_NE] = OP_NE, [CMP_LT] = OP_LT,
							  [CMP_LE] = OP_LE, [CMP_GT] = OP_GT, [CMP_GE] = OP_GE };
			alt[arg][0] = (OciCmp){ (uint8_t)arg, direct[c->op], c->value, 0 };
			nalt[arg] = 1;
			continue;
		}
		Cubes acc = { 0 };
		cube_add(o, &acc, 0, 0);
		for (int i = 0; i < t->n && acc.n; i++) {
			if (t->c[i].arg != arg)
				continue;
			Cubes one = { 0 };
			if (!cmp_cubes(o, &t->c[i], width, &one)) {
				diag_plain(o->d, DIAG_ERROR,
					   "oci: syscall %.*s: an order comparison under a mask (arg%d) has no OCI form",
					   STRF(name), arg);
				o->failed = true;
				return;
			}
			cubes_and(o, &acc, &one);
		}
		if (!acc.n)
			return; /* the term can never hold */
		big[arg] = acc;
		nalt[arg] = -1; /* read from big[] */
	}
	if (o->failed)
		return;
	/* odometer over the alternatives */
	int idx[6] = { 0 };
	for (;;) {
		Buf args = { 0 }, key = { 0 };
		buf_printf(&key, "%08x", ret);
		bool any = false;
		for (int arg = 0; arg < 6; arg++) {
			if (!used[arg])
				continue;
			OciCmp c;
			if (nalt[arg] == -1) {
				Cube x = big[arg].v[idx[arg]];
				if (x.mask == 0)
					continue; /* always true: no comparison */
				c = x.mask == ~0ull ? (OciCmp){ (uint8_t)arg, OP_EQ, x.value, 0 }
						    : (OciCmp){ (uint8_t)arg, OP_MASKED_EQ, x.mask, x.value };
			} else {
				c = alt[arg][idx[arg]];
			}
			buf_puts(&args, any ? ",\n\t\t\t\t{ \"index\": " : "\n\t\t\t\t{ \"index\": ");
			put_u64(&args, c.arg);
			buf_puts(&args, ", \"value\": ");
			put_u64(&args, c.value);
			if (c.op == OP_MASKED_EQ) {
				buf_puts(&args, ", \"valueTwo\": ");
				put_u64(&args, c.value2);
			}
			buf_printf(&args, ", \"op\": \"%s\" }", op_name[c.op]);
			buf_printf(&key, " %d:%d:%016llx:%016llx", c.arg, c.op, (unsigned long long)c.value,
				   (unsigned long long)c.value2);
			any = true;
		}
		Entry *e = VEC_PUSH(o->a, o->v, o->n, o->cap);
		e->name = name;
		e->ret = ret;
		e->key = arena_strdup(o->a, buf_as_str(&key));
		e->args = any ? arena_strdup(o->a, buf_as_str(&args)) : (Str){ "", 0 };
		e->arch = o->archi;
		buf_free(&args);
		buf_free(&key);
		if (o->n > MAX_TERMS * 4) {
			o->failed = true;
			return;
		}
		int arg = 0;
		for (; arg < 6; arg++) {
			int lim = nalt[arg] == -1 ? big[arg].n : nalt[arg];
			if (!used[arg])
				continue;
			if (++idx[arg] < lim)
				break;
			idx[arg] = 0;
		}
		if (arg == 6)
			return;
	}
}

static uint32_t rule_ret(const Policy *p, const Rule *r)
{
	if (r->effect == EFF_ALLOW)
		return r->act.kind == ACT_LOG ? 0x7ffc0000u : 0x7fff0000u;
	return scmp_ret_of(p, &r->act);
}

static int cmp_rule_name(const void *x, const void *y)
{
	const Rule *a = *(const Rule *const *)x, *b = *(const Rule *const *)y;
	int c = str_cmp(a->sys.name, b->sys.name);
	return c ? c : (a > b) - (a < b);
}

/* The regions of one call, in the planner's order. */
static void call_entries(Oci *o, Str name, const Rule **rs, int n, uint32_t fallback, uint32_t dflt)
{
	const Rule **ord = arena_alloc(o->a, sizeof(Rule *) * (size_t)(n + 1));
	int k = 0;
	for (int pass = 0; pass < 2; pass++) /* conditional denies, then conditional allows */
		for (int i = 0; i < n; i++)
			if (rs[i]->sys.ncmp && rs[i]->effect == (pass ? EFF_ALLOW : EFF_DENY))
				ord[k++] = rs[i];
	uint32_t uncond = fallback;
	bool any_allow = false, any_deny = false;
	for (int i = 0; i < n; i++) {
		if (rs[i]->sys.ncmp)
			continue;
		if (rs[i]->effect == EFF_DENY && !any_deny) {
			any_deny = true;
			uncond = rule_ret(o->p, rs[i]);
		} else if (rs[i]->effect == EFF_ALLOW && !any_allow && !any_deny) {
			any_allow = true;
			uncond = rule_ret(o->p, rs[i]);
		}
	}
	for (int i = 0; i <= k && !o->failed; i++) {
		uint32_t ret = i < k ? rule_ret(o->p, ord[i]) : uncond;
		if (ret == dflt)
			continue;
		Terms t = { 0 };
		Term *first = VEC_PUSH(o->a, t.v, t.n, t.cap);
		if (i < k) {
			first->n = ord[i]->sys.ncmp;
			first->c = ord[i]->sys.cmp;
		}
		for (int j = 0; j < i && !o->failed; j++)
			if (rule_ret(o->p, ord[j]) != ret)
				and_not(o, &t, &ord[j]->sys);
		if (o->failed) {
			diag_plain(o->d, DIAG_ERROR, "oci: syscall %.*s: its conditions expand to more than %d rules",
				   STRF(name), MAX_TERMS);
			return;
		}
		for (int j = 0; j < t.n && !o->failed; j++)
			term_entries(o, name, ret, &t.v[j]);
	}
}

static void arch_entries(Oci *o, Str *names, int nnames)
{
	ScmpRules rules;
	scmp_rules(o->a, o->p, o->arch, &rules);
	const Rule **by = arena_alloc(o->a, sizeof(Rule *) * (size_t)(rules.n + 1));
	if (rules.n) {
		memcpy(by, rules.v, sizeof(Rule *) * (size_t)rules.n);
		qsort(by, (size_t)rules.n, sizeof(Rule *), cmp_rule_name);
	}
	uint32_t dflt = scmp_ret_of(o->p, &o->p->default_action);
	uint32_t fallback = scmp_ret_of(o->p, &rules.fallback);
	int j = 0;
	for (int i = 0; i < nnames && !o->failed; i++) {
		while (j < rules.n && str_cmp(by[j]->sys.name, names[i]) < 0)
			j++;
		int e = j;
		while (e < rules.n && str_eq(by[e]->sys.name, names[i]))
			e++;
		call_entries(o, names[i], by + j, e - j, fallback, dflt);
		j = e;
	}
	if (o->failed && !o->d->nerrors)
		diag_plain(o->d, DIAG_ERROR, "oci: the profile would exceed %d rules", MAX_TERMS * 4);
}

/* ---- output ---- */


static void put_action(Buf *b, const char *key, uint32_t ret, const char *errkey)
{
	uint32_t kind = ret & 0xffff0000u;
	const char *a = kind == 0x7fff0000u   ? "SCMP_ACT_ALLOW"
			: kind == 0x7ffc0000u ? "SCMP_ACT_LOG"
			: kind == 0x00050000u ? "SCMP_ACT_ERRNO"
			: kind == 0x00030000u ? "SCMP_ACT_TRAP"
			: kind == 0x80000000u ? "SCMP_ACT_KILL_PROCESS"
					      : "SCMP_ACT_KILL_THREAD";
	buf_printf(b, "\"%s\": \"%s\"", key, a);
	if (kind == 0x00050000u)
		buf_printf(b, ", \"%s\": %u", errkey, ret & 0xffffu);
}

/* Docker's names for includes.arches. */
static const char *docker_arch(const char *n)
{
	static const char *const map[][2] = {
		{ "x86_64", "amd64" }, { "x86", "x86" },   { "x32", "x32" },       { "aarch64", "arm64" },
		{ "arm", "arm" },      { "ppc64le", "ppc64le" }, { "s390", "s390" }, { "s390x", "s390x" },
		{ "riscv64", "riscv64" }, { "loongarch64", "loong64" },
	};
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (!strcmp(map[i][0], n))
			return map[i][1];
	return n;
}

static int entry_cmp(const void *x, const void *y)
{
	const Entry *a = x, *b = y;
	/* unconditional entries (empty args) first, by action; then by key */
	if ((a->args.n == 0) != (b->args.n == 0))
		return a->args.n == 0 ? -1 : 1;
	if (a->archmask != b->archmask)
		return a->archmask > b->archmask ? -1 : 1;
	int c = str_cmp(a->key, b->key);
	return c ? c : str_cmp(a->name, b->name);
}

static int entry_key_cmp(const void *x, const void *y)
{
	const Entry *a = x, *b = y;
	int c = str_cmp(a->key, b->key);
	return c ? c : str_cmp(a->name, b->name);
}

static int str_ptr_cmp(const void *x, const void *y) { return str_cmp(*(const Str *)x, *(const Str *)y); }

bool oci_emit(EmitCtx *cx)
{
	const Policy *p = cx->policy;
	const char *const *anames;
	int narch;
	if (!scmp_emit_start(cx, "oci", &anames, &narch))
		return false;
	if (narch > 32) {
		diag_plain(cx->diags, DIAG_ERROR, "oci: at most 32 architectures");
		return false;
	}
	const ScmpArch *arches[32];
	for (int i = 0; i < narch; i++)
		if (!(arches[i] = scmp_arch_find(str_c(anames[i])))) {
			diag_plain(cx->diags, DIAG_ERROR, "oci: unknown architecture '%s'", anames[i]);
			return false;
		}
	/* every name any selected arch knows, sorted, unique */
	Str *names = NULL;
	int nn = 0, capn = 0;
	for (int i = 0; i < narch; i++)
		for (int k = 0; k < arches[i]->nsys; k++)
			*VEC_PUSH(cx->arena, names, nn, capn) = str_c(arches[i]->names[k]);
	if (nn)
		qsort(names, (size_t)nn, sizeof(Str), str_ptr_cmp);
	int w = 0;
	for (int i = 0; i < nn; i++)
		if (!w || !str_eq(names[w - 1], names[i]))
			names[w++] = names[i];
	nn = w;

	Oci o = { .a = cx->arena, .p = p, .d = cx->diags };
	for (int i = 0; i < narch && !o.failed; i++) {
		o.arch = arches[i];
		o.archi = i;
		arch_entries(&o, names, nn);
	}
	if (o.failed)
		return false;
	/* which arches produced each (name, key) */
	unsigned all = narch >= 32 ? ~0u : (1u << narch) - 1;
	for (int i = 0; i < o.n; i++)
		o.v[i].archmask = 1u << o.v[i].arch;
	if (o.n)
		qsort(o.v, (size_t)o.n, sizeof(Entry), entry_key_cmp);
	w = 0;
	for (int i = 0; i < o.n; i++) {
		if (w && str_eq(o.v[w - 1].key, o.v[i].key) && str_eq(o.v[w - 1].name, o.v[i].name)) {
			o.v[w - 1].archmask |= o.v[i].archmask;
			continue;
		}
		o.v[w++] = o.v[i];
	}
	o.n = w;
	if (o.n) /* qsort(NULL, 0) is undefined behaviour (UBSan) */
		qsort(o.v, (size_t)o.n, sizeof(Entry), entry_cmp);

	Buf *b = output_add(cx, arena_printf(cx->arena, "%.*s.oci.json", STRF(p->name)));
	Buf hdr = { 0 };
	artifact_header(&hdr, "", cx, "sbx-oci", 1);
	buf_puts(b, "{\n\t\"comment\": [");
	Str h = buf_as_str(&hdr);
	bool firstline = true;
	for (size_t i = 0; i < h.n;) {
		size_t e = i;
		while (e < h.n && h.p[e] != '\n')
			e++;
		Str line = { h.p + i, e - i };
		while (line.n && line.p[0] == ' ')
			line.p++, line.n--;
		buf_puts(b, firstline ? "\n\t\t" : ",\n\t\t");
		buf_json_str(b, line);
		firstline = false;
		i = e + 1;
	}
	buf_free(&hdr);
	buf_puts(b, "\n\t],\n\t");
	put_action(b, "defaultAction", scmp_ret_of(p, &p->default_action), "defaultErrnoRet");
	buf_puts(b, ",\n\t\"architectures\": [");
	for (int i = 0; i < narch; i++) {
		buf_puts(b, i ? ", \"SCMP_ARCH_" : "\"SCMP_ARCH_");
		for (const char *c = arches[i]->name; *c; c++)
			buf_putc(b, (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c));
		buf_putc(b, '"');
	}
	buf_puts(b, "],\n\t\"syscalls\": [");
	for (int i = 0; i < o.n;) {
		int e = i;
		while (e < o.n && str_eq(o.v[e].key, o.v[i].key) && o.v[e].archmask == o.v[i].archmask)
			e++;
		buf_puts(b, i ? ",\n\t\t{\n\t\t\t\"names\": [" : "\n\t\t{\n\t\t\t\"names\": [");
		for (int k = i; k < e; k++) {
			buf_puts(b, (k - i) % 6 ? ", " : k > i ? ",\n\t\t\t\t" : "\n\t\t\t\t");
			buf_json_str(b, o.v[k].name);
		}
		buf_puts(b, "\n\t\t\t],\n\t\t\t");
		put_action(b, "action", o.v[i].ret, "errnoRet");
		if (o.v[i].args.n) {
			buf_puts(b, ",\n\t\t\t\"args\": [");
			buf_str(b, o.v[i].args);
			buf_puts(b, "\n\t\t\t]");
		}
		if (o.v[i].archmask != all) {
			buf_puts(b, ",\n\t\t\t\"includes\": { \"arches\": [");
			bool f = true;
			for (int a = 0; a < narch; a++)
				if (o.v[i].archmask >> a & 1) {
					buf_printf(b, "%s\"%s\"", f ? "" : ", ", docker_arch(arches[a]->name));
					f = false;
				}
			buf_puts(b, "] }");
		}
		buf_puts(b, "\n\t\t}");
		i = e;
	}
	buf_puts(b, "\n\t]\n}\n");
	return true;
}

/* ---- fidelity ---- */

/* The profile makes the seccomp target's decisions for every call it names
 * (see the essay), so its answers are the seccomp target's; the notes say
 * what closes the gaps, since no Landlock comes with a profile. */
Fidelity oci_fidelity(const Policy *p, const Rule *r, Arena *a, Str *note)
{
	Fidelity f = backend_seccomp.fidelity(p, r, a, note);
	switch (r->right) {
	case R_SYSCALL:
		if (r->sys.ncmp && note->n)
			*note = STR("on x86, ppc, s390 and mips o32 the call through socketcall/ipc is left to libseccomp, "
				    "which cannot see its arguments either (they sit behind a pointer)");
		break;
	case R_CONNECT:
	case R_BIND:
		if (f == FID_WIDER)
			*note = r->net.proto == PROTO_UNIX
					? STR("a seccomp profile cannot see socket paths: any unix socket is allowed")
					: STR("a seccomp profile cannot see addresses or ports: these sockets may reach any "
					      "endpoint the container's network allows");
		break;
	case R_EXEC:
		if (f == FID_WIDER)
			*note = STR("a seccomp profile cannot see paths: execve is allowed for any file the container holds");
		break;
	case R_READ:
	case R_WRITE:
		*note = STR("a seccomp profile cannot see paths: the container's mounts decide");
		return FID_NA;
	default:
		break;
	}
	return f;
}
