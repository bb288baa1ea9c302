/*
 * seccomp.c: the seccomp target: one classic-BPF filter per architecture.
 *
 * How a filter is made. For each system call the architecture has, the
 * syscall rules naming it give a plan (planfor): the action when no
 * conditional rule matches (unconditional deny rules win over allow, and
 * with no rule the fallback applies), and the conditional rules to test
 * before it, denies first (LANGUAGE.md 6: a rule with conditions beats one
 * without; between equals deny wins). Walking the numbers in order turns
 * plans into segments of the 32-bit number space with one outcome each: a
 * shared return, or a block of argument tests. Numbers outside the arch's
 * range are killed (x86_64 and x32 split one audit arch by bit 30); numbers
 * past the table return ENOSYS (a newer kernel's calls); holes below
 * base+424 (the numbers every arch left unused when the tables were
 * unified at 424) go to whichever neighbour makes fewer segments.
 *
 * The segments are searched with a binary tree of `jge` tests built by the
 * dynamic program for optimal alphabetic trees (Knuth's bound makes it
 * quadratic), weighting allowed calls heavily: the common case, an
 * allowed call, runs the prologue (arch check, number load), a few tests
 * and one `ret`. Comparisons jump straight to shared `ret`s at the end.
 * Everything jumps forward; a jump farther than 255 gets a `ja`
 * trampoline next to it, laid out by iterating to a fixed point.
 *
 * Argument tests read seccomp_data's 64-bit args as two words (their
 * order depends on the arch's byte order). An argument the kernel ABI
 * declares 32-bit is compared on its low word only, as if its high word
 * were zero: the kernel ignores the high half, so must we (otherwise
 * socket(0x100000028, ...) passes a rule on AF_VSOCK = 40). On 32-bit
 * arches every argument is one word.
 *
 * socketcall and ipc (i386, ppc, s390, mips o32) multiplex many calls
 * behind one number; their arguments sit behind a pointer. Unless a rule
 * names the multiplexer itself, each sub-call gets its own call's plan when
 * that plan needs no argument, and the policy's default action otherwise
 * (stricter, never wider).
 *
 * The artifacts: NAME.seccomp.ARCH.bpf (struct sock_filter[] in the arch's
 * byte order) and the manifest NAME.seccomp, which the runtime reads.
 */
#include "seccomp.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define RET_KILL_PROCESS 0x80000000u
#define RET_KILL_THREAD 0x00000000u
#define RET_TRAP 0x00030000u
#define RET_ERRNO 0x00050000u
#define RET_LOG 0x7ffc0000u
#define RET_USER_NOTIF 0x7fc00000u
#define RET_ALLOW 0x7fff0000u
#define ENOSYS_ 38

uint32_t scmp_ret_of(const Policy *p, const Action *act)
{
	switch (act->kind) {
	case ACT_DEFAULT:
		return act == &p->default_action ? RET_ERRNO | 1 : scmp_ret_of(p, &p->default_action);
	case ACT_ALLOW:
		return RET_ALLOW;
	case ACT_ERRNO:
		return RET_ERRNO | ((uint32_t)act->errno_val & 0xffffu);
	case ACT_KILL_PROCESS:
		return RET_KILL_PROCESS;
	case ACT_KILL_THREAD:
		return RET_KILL_THREAD;
	case ACT_TRAP:
		return RET_TRAP;
	case ACT_LOG:
		return RET_LOG;
	case ACT_NOTIFY:
		return RET_USER_NOTIF;
	}
	return RET_KILL_PROCESS; /* unreachable; fail closed */
}

/* ---- plans ---- */

typedef struct Plan {
	uint32_t uncond;  /* return value when no conditional rule matches */
	const Rule **cond;/* denies (canonical order), then allows */
	int ncond;
} Plan;

typedef struct Gen {
	Arena *a;
	const Policy *p;
	const ScmpArch *arch;
	ScmpRules rules;
	const Rule **by_name; /* rules sorted by name, stable */
	/* the program, with symbolic jump targets (label ids; -1 = next) */
	struct GIns {
		uint16_t code;
		int jt, jf; /* conditional jumps; JA uses jt */
		uint32_t k;
	} *ins;
	int nins, capins;
	int *label_at; /* label -> instruction index */
	int nlabels, caplabels;
	/* shared returns */
	struct GRet {
		uint32_t val;
		int label;
	} *rets;
	int nret, capret;
	int acc; /* what A holds: a seccomp_data offset, or -1 when unknown/modified */
} Gen;

/* A rule and its place in scmp_rules' canonical order: ties between rules of
 * one name keep that order (the rules come from two arrays, the policy's and
 * the derived ones, so their addresses say nothing about it). */
typedef struct Ranked {
	const Rule *r;
	int i;
} Ranked;

static int cmp_rule_name(const void *x, const void *y)
{
	const Ranked *a = x, *b = y;
	int c = str_cmp(a->r->sys.name, b->r->sys.name);
	if (c)
		return c;
	return (a->i > b->i) - (a->i < b->i);
}

/* The rules of one name: [*lo, *hi). */
static void rules_of(const Gen *g, Str name, int *lo_out, int *hi_out)
{
	int lo = 0, hi = g->rules.n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (str_cmp(g->by_name[mid]->sys.name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	int e = lo;
	while (e < g->rules.n && str_eq(g->by_name[e]->sys.name, name))
		e++;
	*lo_out = lo;
	*hi_out = e;
}

/* An allow rule may log (`allow ... log`); a deny fails as its action says. */
static uint32_t rule_ret(const Gen *g, const Rule *r)
{
	if (r->effect == EFF_ALLOW)
		return r->act.kind == ACT_LOG ? RET_LOG : r->act.kind == ACT_NOTIFY ? RET_USER_NOTIF : RET_ALLOW;
	return scmp_ret_of(g->p, &r->act);
}

static Plan planfor(Gen *g, Str name)
{
	Plan pl = { 0 };
	int lo, hi;
	rules_of(g, name, &lo, &hi);
	bool any_allow = false, any_deny = false, keep_allows = false;
	uint32_t deny_ret = 0, allow_ret = 0;
	int ncond_allow = 0, ncond_deny = 0;
	for (int i = lo; i < hi; i++) {
		const Rule *r = g->by_name[i];
		if (r->sys.ncmp) {
			if (r->effect == EFF_ALLOW)
				ncond_allow++;
			else
				ncond_deny++;
		} else if (r->effect == EFF_ALLOW) {
			if (!any_allow)
				allow_ret = rule_ret(g, r);
			any_allow = true;
		} else if (!any_deny) {
			any_deny = true;
			deny_ret = rule_ret(g, r);
		}
	}
	pl.uncond = any_deny ? deny_ret : any_allow ? allow_ret : scmp_ret_of(g->p, &g->rules.fallback);
	if (!ncond_allow && !ncond_deny)
		return pl;
	/* Conditional allows that return what the fallthrough returns change
	 * nothing; without them, neither do such denies. (The first matching
	 * rule of a kind decides, as in the evaluator, so all are kept or none.) */
	for (int i = lo; i < hi; i++)
		if (g->by_name[i]->sys.ncmp && g->by_name[i]->effect == EFF_ALLOW && rule_ret(g, g->by_name[i]) != pl.uncond)
			keep_allows = true;
	pl.cond = arena_alloc(g->a, sizeof(Rule *) * (size_t)(ncond_allow + ncond_deny));
	for (int i = lo; i < hi; i++) {
		const Rule *r = g->by_name[i];
		if (r->sys.ncmp && r->effect == EFF_DENY && (keep_allows || rule_ret(g, r) != pl.uncond))
			pl.cond[pl.ncond++] = r;
	}
	if (keep_allows)
		for (int i = lo; i < hi; i++) {
			const Rule *r = g->by_name[i];
			if (r->sys.ncmp && r->effect == EFF_ALLOW)
				pl.cond[pl.ncond++] = r;
		}
	return pl;
}

/* ---- instructions and labels ---- */

static int new_label(Gen *g)
{
	*VEC_PUSH(g->a, g->label_at, g->nlabels, g->caplabels) = -1;
	return g->nlabels - 1;
}

static void bind(Gen *g, int label)
{
	g->label_at[label] = g->nins;
	g->acc = -1; /* reached from elsewhere: A unknown */
}

static int emit(Gen *g, uint16_t code, uint32_t k, int jt, int jf)
{
	struct GIns *i = VEC_PUSH(g->a, g->ins, g->nins, g->capins);
	i->code = code;
	i->k = k;
	i->jt = jt;
	i->jf = jf;
	return g->nins - 1;
}

static int ret_label(Gen *g, uint32_t val)
{
	for (int i = 0; i < g->nret; i++)
		if (g->rets[i].val == val)
			return g->rets[i].label;
	int l = new_label(g);
	*VEC_PUSH(g->a, g->rets, g->nret, g->capret) = (struct GRet){ val, l };
	return l;
}

static void load(Gen *g, uint32_t off)
{
	if (g->acc == (int)off)
		return;
	emit(g, BPF_LD | BPF_W | BPF_ABS, off, -1, -1);
	g->acc = (int)off;
}

static void jump(Gen *g, int label)
{
	emit(g, BPF_JMP | BPF_JA, 0, label, -1);
}

/* ---- argument tests ---- */

/* Unsigned comparison of constants. */
static bool const_cmp(int op, uint32_t a, uint32_t v)
{
	switch (op) {
	case CMP_EQ: return a == v;
	case CMP_NE: return a != v;
	case CMP_LT: return a < v;
	case CMP_LE: return a <= v;
	case CMP_GT: return a > v;
	case CMP_GE: return a >= v;
	}
	return false;
}

/* (word & m) OP v: jump to T if true, F if false. */
static void word_test(Gen *g, uint32_t off, uint32_t m, int op, uint32_t v, int T, int F)
{
	if (m == 0) {
		jump(g, const_cmp(op, 0, v) ? T : F);
		return;
	}
	load(g, off);
	if (m != 0xffffffffu) {
		emit(g, BPF_ALU | BPF_AND | BPF_K, m, -1, -1);
		g->acc = -1;
	}
	switch (op) {
	case CMP_EQ: emit(g, BPF_JMP | BPF_JEQ | BPF_K, v, T, F); break;
	case CMP_NE: emit(g, BPF_JMP | BPF_JEQ | BPF_K, v, F, T); break;
	case CMP_GT: emit(g, BPF_JMP | BPF_JGT | BPF_K, v, T, F); break;
	case CMP_GE: emit(g, BPF_JMP | BPF_JGE | BPF_K, v, T, F); break;
	case CMP_LT: emit(g, BPF_JMP | BPF_JGE | BPF_K, v, F, T); break;
	case CMP_LE: emit(g, BPF_JMP | BPF_JGT | BPF_K, v, F, T); break;
	}
}

static int arg_width(const ScmpArch *arch, Str sysname, int arg)
{
	if (!arch->wide)
		return 32;
	const ScmpSig *s = scmp_sig(sysname);
	if (s && (size_t)arg < strlen(s->kinds) && s->kinds[arg] == 'i')
		return 32;
	return 64;
}

/* One comparison (arg & mask) OP value on 64 bits: the high words decide
 * unless they are equal, then the low words do. Returns true when every
 * jump it emits leaves A as g->acc says on return (no high-word test). */
static bool cmp_test(Gen *g, Str sysname, const ArgCmp *c, int T, int F)
{
	const ScmpArch *arch = g->arch;
	uint32_t base = 16 + 8 * (uint32_t)c->arg;
	uint32_t lo_off = base + (arch->big_endian ? 4 : 0), hi_off = base + (arch->big_endian ? 0 : 4);
	uint32_t ml = (uint32_t)c->mask, mh = (uint32_t)(c->mask >> 32);
	uint32_t vl = (uint32_t)c->value, vh = (uint32_t)(c->value >> 32);
	if (arg_width(arch, sysname, c->arg) == 32)
		mh = 0; /* the high word is not the argument's */
	/* where each outcome of the high words goes */
	int gt, lt;
	switch (c->op) {
	case CMP_EQ: gt = F; lt = F; break;
	case CMP_NE: gt = T; lt = T; break;
	case CMP_GT: case CMP_GE: gt = T; lt = F; break;
	default: gt = F; lt = T; break; /* LT, LE */
	}
	if (mh == 0) {
		if (vh != 0) { /* 0 < vh */
			jump(g, lt);
			return true;
		}
	} else {
		int lo_label = new_label(g);
		load(g, hi_off);
		if (mh != 0xffffffffu) {
			emit(g, BPF_ALU | BPF_AND | BPF_K, mh, -1, -1);
			g->acc = -1;
		}
		if (gt == lt)
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, vh, lo_label, gt);
		else if (vh == 0) /* hi < 0 is impossible */
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, vh, lo_label, gt);
		else if (vh == 0xffffffffu) /* hi > max is impossible */
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, vh, lo_label, lt);
		else {
			emit(g, BPF_JMP | BPF_JGT | BPF_K, vh, gt, -1);
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, vh, lo_label, lt);
		}
		int acc = g->acc;
		bind(g, lo_label);
		g->acc = acc; /* only reached from the test just above */
	}
	word_test(g, lo_off, ml, c->op, vl, T, F);
	return mh == 0;
}

/* Tests of one conjunction: all true -> T, else F. Returns true when A
 * holds what g->acc says at every jump to F. */
static bool conj_test(Gen *g, const Rule *r, int T, int F)
{
	bool one = false;
	for (int i = 0; i < r->sys.ncmp; i++) {
		bool last = i == r->sys.ncmp - 1;
		int next = last ? T : new_label(g);
		one = cmp_test(g, r->sys.name, &r->sys.cmp[i], next, F) && r->sys.ncmp == 1;
		if (!last) {
			int acc = g->acc;
			bind(g, next);
			g->acc = acc; /* `next` is only reached by falling through */
		}
	}
	return one;
}

static void emit_plan_block(Gen *g, const Plan *pl)
{
	for (int i = 0; i < pl->ncond; i++) {
		const Rule *r = pl->cond[i];
		int next = new_label(g);
		bool same = conj_test(g, r, ret_label(g, rule_ret(g, r)), next);
		int acc = g->acc;
		bind(g, next);
		if (same)
			g->acc = acc; /* the next rule's load of the same word is redundant */
	}
	emit(g, BPF_RET | BPF_K, pl->uncond, -1, -1);
}

/* ---- multiplexers ---- */

typedef struct Sub {
	uint32_t call;
	const char *name;
} Sub;

static const Sub socketcall_subs[] = {
	{ 1, "socket" }, { 2, "bind" }, { 3, "connect" }, { 4, "listen" }, { 5, "accept" },
	{ 6, "getsockname" }, { 7, "getpeername" }, { 8, "socketpair" }, { 9, "send" },
	{ 10, "recv" }, { 11, "sendto" }, { 12, "recvfrom" }, { 13, "shutdown" },
	{ 14, "setsockopt" }, { 15, "getsockopt" }, { 16, "sendmsg" }, { 17, "recvmsg" },
	{ 18, "accept4" }, { 19, "recvmmsg" }, { 20, "sendmmsg" },
};
static const Sub ipc_subs[] = {
	{ 1, "semop" }, { 2, "semget" }, { 3, "semctl" }, { 4, "semtimedop" }, { 11, "msgsnd" },
	{ 12, "msgrcv" }, { 13, "msgget" }, { 14, "msgctl" }, { 21, "shmat" }, { 22, "shmdt" },
	{ 23, "shmget" }, { 24, "shmctl" },
};

/* A sub-call's outcome through the multiplexer: its plan when no argument
 * is needed, else the policy's default action. */
static uint32_t sub_ret(Gen *g, const char *name)
{
	Plan pl = planfor(g, str_c(name));
	return pl.ncond ? scmp_ret_of(g->p, &g->p->default_action) : pl.uncond;
}

static void emit_mux_block(Gen *g, bool ipc)
{
	const Sub *subs = ipc ? ipc_subs : socketcall_subs;
	size_t n = ipc ? ARRAY_LEN(ipc_subs) : ARRAY_LEN(socketcall_subs);
	uint32_t other = scmp_ret_of(g->p, &g->rules.fallback);
	/* the call number is arg0, an int; ipc keeps a version in bits 16-31 */
	uint32_t off = 16 + (g->arch->big_endian ? 4 : 0);
	load(g, off);
	if (ipc) {
		emit(g, BPF_ALU | BPF_AND | BPF_K, 0xffff, -1, -1);
		g->acc = -1;
	}
	/* unknown sub-calls: the kernel fails them; treat them as the fallback
	 * would, except that an allowing fallback is harmless there */
	for (size_t i = 0; i < n; i++) {
		uint32_t r = sub_ret(g, subs[i].name);
		if (r != other)
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, subs[i].call, ret_label(g, r), -1);
	}
	emit(g, BPF_RET | BPF_K, other, -1, -1);
}

/* ---- segments and the search tree ---- */

enum { LEAF_DONTCARE = -1 };

typedef struct Seg {
	uint32_t lo;    /* first number */
	int leaf;       /* a label, or LEAF_DONTCARE while building */
	uint32_t allowed; /* allowed numbers inside (weight) */
	bool block;     /* the leaf is a block of tests */
} Seg;

typedef struct Segs {
	Seg *v;
	int n, cap;
} Segs;

static void seg_add(Gen *g, Segs *s, uint32_t lo, int leaf, bool allowed, bool block)
{
	if (leaf == LEAF_DONTCARE && s->n && s->v[s->n - 1].leaf == LEAF_DONTCARE)
		return;
	if (leaf != LEAF_DONTCARE && !block && s->n && s->v[s->n - 1].leaf == leaf) {
		s->v[s->n - 1].allowed += allowed;
		return;
	}
	Seg *x = VEC_PUSH(g->a, s->v, s->n, s->cap);
	x->lo = lo;
	x->leaf = leaf;
	x->allowed = allowed;
	x->block = block;
}

/* Numbers in [lo, hi] that the table does not name. */
static void gap(Gen *g, Segs *s, uint64_t lo, uint64_t hi)
{
	uint64_t unified = (uint64_t)g->arch->base + 424;
	if (lo > hi)
		return;
	if (lo < unified)
		seg_add(g, s, (uint32_t)lo, LEAF_DONTCARE, false, false);
	if (hi >= unified)
		seg_add(g, s, (uint32_t)(lo > unified ? lo : unified), ret_label(g, RET_ERRNO | ENOSYS_), false, false);
}

typedef struct Block {
	int label;
	Plan plan;
	int mux; /* 0 none, 1 socketcall, 2 ipc */
} Block;

static int name_has_rules(Gen *g, const char *name)
{
	int lo, hi;
	rules_of(g, str_c(name), &lo, &hi);
	return hi > lo;
}

static void build_segs(Gen *g, Segs *s, Block **blocks, int *nblocks)
{
	const ScmpArch *ar = g->arch;
	int cap = 0;
	int kill = ret_label(g, RET_KILL_PROCESS);
	if (ar->nr_lo > 0)
		seg_add(g, s, 0, kill, false, false);
	uint64_t pos = ar->nr_lo;
	for (int i = 0; i < ar->nsys; i++) {
		uint32_t nr = ar->nr[i];
		if (nr < ar->nr_lo || nr > ar->nr_hi)
			continue;
		if (nr > 0)
			gap(g, s, pos, (uint64_t)nr - 1);
		pos = (uint64_t)nr + 1;
		const char *name = ar->names[i];
		int mux = 0;
		if (!strcmp(name, "socketcall") && !name_has_rules(g, name))
			mux = 1;
		else if (!strcmp(name, "ipc") && !name_has_rules(g, name))
			mux = 2;
		Plan pl = mux ? (Plan){ 0 } : planfor(g, str_c(name));
		if (mux || pl.ncond) {
			Block *b = VEC_PUSH(g->a, *blocks, *nblocks, cap);
			b->label = new_label(g);
			b->plan = pl;
			b->mux = mux;
			seg_add(g, s, nr, b->label, true, true);
		} else {
			seg_add(g, s, nr, ret_label(g, pl.uncond), pl.uncond == RET_ALLOW || pl.uncond == RET_LOG, false);
		}
	}
	gap(g, s, pos, ar->nr_hi);
	if (ar->nr_hi < 0xffffffffu)
		seg_add(g, s, ar->nr_hi + 1, kill, false, false);
	/* A hole is covered by the segment before it (or, first of all, the
	 * one after it); neighbours that then meet with one outcome merge. */
	int w = 0;
	bool pending = false;
	uint32_t pending_lo = 0;
	for (int i = 0; i < s->n; i++) {
		Seg x = s->v[i];
		if (x.leaf == LEAF_DONTCARE) {
			if (w == 0 && !pending) {
				pending = true;
				pending_lo = x.lo;
			}
			continue;
		}
		if (pending) {
			x.lo = pending_lo;
			pending = false;
		}
		if (w > 0 && !x.block && !s->v[w - 1].block && s->v[w - 1].leaf == x.leaf) {
			s->v[w - 1].allowed += x.allowed;
			continue;
		}
		s->v[w++] = x;
	}
	s->n = w;
}

/* Weight of a segment in the search: allowed calls dominate; every
 * segment's own share keeps the deepest leaves (max instructions per
 * call) in check. 64:32 measured best on Docker's profile (bench/). */
static uint64_t seg_weight(const Seg *x)
{
	return (uint64_t)x->allowed * 64 + 32;
}

typedef struct Tree {
	const Seg *s;
	int m;
	int *root; /* m*m: best split k for leaves i..j (k = first leaf of the right side) */
} Tree;

/* Optimal alphabetic tree over m leaves (Knuth's monotone-root bound). */
static void tree_plan(Gen *g, Tree *t)
{
	int m = t->m;
	if (m > 1500) { /* quadratic memory: fall back to weight-balanced splits */
		t->root = NULL;
		return;
	}
	uint64_t *W = arena_alloc(g->a, sizeof(uint64_t) * (size_t)(m + 1));
	for (int i = 0; i < m; i++)
		W[i + 1] = W[i] + seg_weight(&t->s[i]);
	uint64_t *cost = arena_alloc(g->a, sizeof(uint64_t) * (size_t)m * (size_t)m);
	t->root = arena_alloc(g->a, sizeof(int) * (size_t)m * (size_t)m);
	for (int i = 0; i < m; i++)
		t->root[i * m + i] = i;
	for (int len = 2; len <= m; len++)
		for (int i = 0; i + len - 1 < m; i++) {
			int j = i + len - 1;
			int klo = len == 2 ? i + 1 : t->root[i * m + j - 1];
			int khi = len == 2 ? j : t->root[(i + 1) * m + j];
			if (klo < i + 1)
				klo = i + 1;
			if (khi > j)
				khi = j;
			uint64_t best = UINT64_MAX;
			int bk = klo;
			for (int k = klo; k <= khi; k++) {
				uint64_t c = cost[i * m + k - 1] + cost[k * m + j];
				if (c < best) {
					best = c;
					bk = k;
				}
			}
			cost[i * m + j] = best + W[j + 1] - W[i];
			t->root[i * m + j] = bk;
		}
}

static int tree_split(const Tree *t, int i, int j)
{
	if (t->root)
		return t->root[i * t->m + j];
	uint64_t tot = 0, acc = 0;
	for (int k = i; k <= j; k++)
		tot += seg_weight(&t->s[k]);
	for (int k = i; k < j; k++) {
		acc += seg_weight(&t->s[k]);
		if (acc * 2 >= tot)
			return k + 1;
	}
	return j;
}

static int emit_tree(Gen *g, const Tree *t, int i, int j)
{
	if (i == j)
		return t->s[i].leaf;
	int self = new_label(g);
	bind(g, self);
	int k = tree_split(t, i, j);
	int at = emit(g, BPF_JMP | BPF_JGE | BPF_K, t->s[k].lo, -1, -1);
	int l = emit_tree(g, t, i, k - 1);
	int r = emit_tree(g, t, k, j);
	g->ins[at].jt = r;
	g->ins[at].jf = l;
	return self;
}

/* ---- layout ---- */

static bool is_cond_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

/* Resolve labels to offsets; a conditional jump farther than 255 gets a
 * `ja` right after it. Iterates until no new trampoline is needed. */
static bool layout(Gen *g, ScmpProg *out, Diags *d)
{
	int n = g->nins;
	uint8_t *tramp = arena_alloc(g->a, (size_t)n + 1); /* bit 0: jt, bit 1: jf */
	bool *dead = arena_alloc(g->a, (size_t)n + 1);
	int *pos = arena_alloc(g->a, sizeof(int) * (size_t)(n + 1));
	/* resolve a label to the instruction it names (through dropped `ja`s) */
	for (int i = 0; i < n; i++) {
		struct GIns *x = &g->ins[i];
		if (x->code == (BPF_JMP | BPF_JA) && g->label_at[x->jt] == i + 1)
			dead[i] = true; /* a jump to the next instruction */
	}
	for (;;) {
		int p = 0;
		for (int i = 0; i < n; i++) {
			pos[i] = p;
			if (!dead[i])
				p += 1 + (tramp[i] & 1) + (tramp[i] >> 1 & 1);
		}
		pos[n] = p;
		bool changed = false;
		for (int i = 0; i < n; i++) {
			struct GIns *x = &g->ins[i];
			if (dead[i] || !is_cond_jump(x->code))
				continue;
			int from = pos[i] + 1 + (tramp[i] & 1) + (tramp[i] >> 1 & 1);
			int jt = x->jt < 0 ? pos[i + 1] : pos[g->label_at[x->jt]];
			int jf = x->jf < 0 ? pos[i + 1] : pos[g->label_at[x->jf]];
			if (jt - from > 255 && !(tramp[i] & 1)) {
				tramp[i] |= 1;
				changed = true;
			}
			if (jf - from > 255 && !(tramp[i] & 2)) {
				tramp[i] |= 2;
				changed = true;
			}
		}
		if (!changed)
			break;
	}
	int total = pos[n];
	if (total > SCMP_MAX_INSNS) {
		diag_plain(d, DIAG_ERROR,
			   "seccomp: the filter for %s has %d instructions, over the kernel's limit of %d; "
			   "use fewer argument conditions or syscall rules",
			   g->arch->name, total, SCMP_MAX_INSNS);
		return false;
	}
	out->v = arena_alloc(g->a, sizeof(ScmpInsn) * (size_t)(total ? total : 1));
	out->n = total;
	for (int i = 0; i < n; i++) {
		if (dead[i])
			continue;
		struct GIns *x = &g->ins[i];
		ScmpInsn *o = &out->v[pos[i]];
		o->code = x->code;
		o->k = x->k;
		if (x->code == (BPF_JMP | BPF_JA)) {
			o->k = (uint32_t)(pos[g->label_at[x->jt]] - pos[i] - 1);
			continue;
		}
		if (!is_cond_jump(x->code))
			continue;
		int jt = x->jt < 0 ? pos[i + 1] : pos[g->label_at[x->jt]];
		int jf = x->jf < 0 ? pos[i + 1] : pos[g->label_at[x->jf]];
		int slot = pos[i] + 1;
		if (tramp[i] & 1) {
			out->v[slot] = (ScmpInsn){ BPF_JMP | BPF_JA, 0, 0, (uint32_t)(jt - slot - 1) };
			jt = slot++;
		}
		if (tramp[i] & 2) {
			out->v[slot] = (ScmpInsn){ BPF_JMP | BPF_JA, 0, 0, (uint32_t)(jf - slot - 1) };
			jf = slot++;
		}
		o->jt = (uint8_t)(jt - (pos[i] + 1));
		o->jf = (uint8_t)(jf - (pos[i] + 1));
	}
	return true;
}

/* ---- the filter ---- */

bool scmp_build(Arena *a, const Policy *p, const ScmpArch *arch, Diags *d, ScmpProg *out)
{
	Gen g = { .a = a, .p = p, .arch = arch, .acc = -1 };
	scmp_rules(a, p, arch, &g.rules);
	g.by_name = arena_alloc(a, sizeof(Rule *) * (size_t)(g.rules.n + 1));
	Ranked *rk = arena_alloc(a, sizeof *rk * (size_t)(g.rules.n + 1));
	for (int i = 0; i < g.rules.n; i++)
		rk[i] = (Ranked){ g.rules.v[i], i };
	qsort(rk, (size_t)g.rules.n, sizeof *rk, cmp_rule_name);
	for (int i = 0; i < g.rules.n; i++)
		g.by_name[i] = rk[i].r;

	/* prologue: right arch, then the number */
	emit(&g, BPF_LD | BPF_W | BPF_ABS, 4, -1, -1);
	emit(&g, BPF_JMP | BPF_JEQ | BPF_K, arch->audit, -1, ret_label(&g, RET_KILL_PROCESS));
	emit(&g, BPF_LD | BPF_W | BPF_ABS, 0, -1, -1);

	Segs s = { 0 };
	Block *blocks = NULL;
	int nblocks = 0;
	build_segs(&g, &s, &blocks, &nblocks);
	Tree t = { .s = s.v, .m = s.n };
	tree_plan(&g, &t);
	int root = emit_tree(&g, &t, 0, s.n - 1);
	if (s.n == 1)
		jump(&g, root);
	for (int i = 0; i < nblocks; i++) {
		bind(&g, blocks[i].label);
		if (blocks[i].mux)
			emit_mux_block(&g, blocks[i].mux == 2);
		else
			emit_plan_block(&g, &blocks[i].plan);
	}
	/* shared returns, in a fixed order (by value) so bytes are stable */
	for (int i = 0; i < g.nret; i++)
		for (int j = i + 1; j < g.nret; j++)
			if (g.rets[j].val < g.rets[i].val) {
				struct GRet x = g.rets[i];
				g.rets[i] = g.rets[j];
				g.rets[j] = x;
			}
	for (int i = 0; i < g.nret; i++) {
		bind(&g, g.rets[i].label);
		emit(&g, BPF_RET | BPF_K, g.rets[i].val, -1, -1);
	}
	return layout(&g, out, d);
}

void scmp_serialize(const ScmpProg *prog, const ScmpArch *arch, Buf *out)
{
	for (int i = 0; i < prog->n; i++) {
		const ScmpInsn *x = &prog->v[i];
		unsigned char b[8];
		if (arch->big_endian) {
			b[0] = (unsigned char)(x->code >> 8);
			b[1] = (unsigned char)x->code;
			b[4] = (unsigned char)(x->k >> 24);
			b[5] = (unsigned char)(x->k >> 16);
			b[6] = (unsigned char)(x->k >> 8);
			b[7] = (unsigned char)x->k;
		} else {
			b[0] = (unsigned char)x->code;
			b[1] = (unsigned char)(x->code >> 8);
			b[4] = (unsigned char)x->k;
			b[5] = (unsigned char)(x->k >> 8);
			b[6] = (unsigned char)(x->k >> 16);
			b[7] = (unsigned char)(x->k >> 24);
		}
		b[2] = x->jt;
		b[3] = x->jf;
		buf_put(out, b, sizeof b);
	}
}

/* ---- the backend ---- */

static bool check_pointer_conditions(EmitCtx *cx)
{
	const Policy *p = cx->policy;
	bool ok = true;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (r->right != R_SYSCALL || !(r->platforms & PLAT_LINUX))
			continue;
		for (int j = 0; j < r->sys.ncmp; j++) {
			bool ptr, w32;
			if (scmp_arg_check(r->sys.name, r->sys.cmp[j].arg, &ptr, &w32) && ptr) {
				diag_at(cx->diags, DIAG_ERROR, r->loc,
					"syscall %.*s: arg%d is a pointer; seccomp sees the address, not what it points to",
					STRF(r->sys.name), r->sys.cmp[j].arg);
				ok = false;
				break;
			}
		}
	}
	return ok;
}

static bool safe_name(Str s)
{
	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.'))
			return false;
	}
	return s.p[0] != '.';
}

bool scmp_emit_start(EmitCtx *cx, const char *target, const char *const **names, int *n)
{
	static const char *const default_arches[] = { "aarch64", "x86_64" };
	*names = cx->narches ? cx->arches : default_arches;
	*n = cx->narches ? cx->narches : (int)ARRAY_LEN(default_arches);
	if (!safe_name(cx->policy->name)) {
		diag_plain(cx->diags, DIAG_ERROR, "%s: policy name '%.*s' cannot name a file", target,
			   STRF(cx->policy->name));
		return false;
	}
	return true;
}

bool seccomp_emit(EmitCtx *cx)
{
	const Policy *p = cx->policy;
	const char *const *names;
	int nnames;
	if (!scmp_emit_start(cx, "seccomp", &names, &nnames))
		return false;
	const ScmpArch **arches = arena_alloc(cx->arena, sizeof(ScmpArch *) * (size_t)nnames);
	bool ok = true;
	for (int i = 0; i < nnames; i++) {
		arches[i] = scmp_arch_find(str_c(names[i]));
		if (!arches[i]) {
			Buf known = { 0 };
			for (int j = 0; j < scmp_arch_count(); j++)
				buf_printf(&known, "%s%s", j ? ", " : "", scmp_arch_at(j)->name);
			diag_plain(cx->diags, DIAG_ERROR, "seccomp: unknown architecture '%s' (known: %.*s)", names[i],
				   STRF(buf_as_str(&known)));
			buf_free(&known);
			ok = false;
		}
	}
	if (!ok || !check_pointer_conditions(cx))
		return false;
	/* the blobs first: the manifest names them with their hashes */
	Buf man = { 0 };
	artifact_header(&man, "#", cx, "sbx-seccomp", 1);
	buf_puts(&man, "seccomp 1\ndefault ");
	ir_put_action(&man, &p->default_action);
	buf_puts(&man, "\nflags none\n");
	/* sort by arch name (the driver sorts; the default list is sorted) */
	for (int i = 0; i < nnames; i++)
		for (int j = i + 1; j < nnames; j++)
			if (strcmp(arches[j]->name, arches[i]->name) < 0) {
				const ScmpArch *t = arches[i];
				arches[i] = arches[j];
				arches[j] = t;
			}
	for (int i = 0; i < nnames; i++) {
		if (i && arches[i] == arches[i - 1])
			continue;
		ScmpProg prog;
		if (!scmp_build(cx->arena, p, arches[i], cx->diags, &prog)) {
			buf_free(&man);
			return false;
		}
		Str fname = arena_printf(cx->arena, "%.*s.seccomp.%s.bpf", STRF(p->name), arches[i]->name);
		Buf *b = output_add(cx, fname);
		scmp_serialize(&prog, arches[i], b);
		buf_printf(&man, "blob %s 0x%08x %.*s %d xxh3-64:%016llx\n", arches[i]->name, arches[i]->audit,
			   STRF(fname), prog.n, (unsigned long long)XXH3_64bits(b->p, b->n));
	}
	Buf *m = output_add(cx, arena_printf(cx->arena, "%.*s.seccomp", STRF(p->name)));
	*m = man;
	return true;
}

/* Whether name is a call that socketcall or ipc multiplex (fidelity's note). */
bool scmp_is_socketcall_sub(Str name)
{
	for (size_t i = 0; i < ARRAY_LEN(socketcall_subs); i++)
		if (str_eqc(name, socketcall_subs[i].name))
			return true;
	for (size_t i = 0; i < ARRAY_LEN(ipc_subs); i++)
		if (str_eqc(name, ipc_subs[i].name))
			return true;
	return false;
}
