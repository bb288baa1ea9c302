/*
 * sema_rule.c: the third phase of sema, rules.
 *
 * Each rule statement of sm->flat is read against the right it starts with
 * (rights of one kind may share a rule: `allow read write ~/x`), its objects
 * through sema_object.c, its syscall groups expanded through sema_decl.c,
 * its condition turned into a disjunction of conjunctions (seccomp compares
 * one argument at a time, so one IR rule per conjunction) and checked
 * against what seccomp can see. Every rule is one object, one right: the
 * IR rules go to sm->rules, in the order written, for ir_canonicalise; the
 * expect and never statements met on the way go to sema_check.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sema.h"
#include "consts.h"
#include "parse.h"
#include "grammar.h"
#include "../ir/syscalls.h"

enum { MAX_DNF = 64 };

/* ------------------------------------------------------------------ */
/* Conditions: into a disjunction of conjunctions */

typedef struct Conj {
	ArgCmp *v;
	int n, cap;
} Conj;
typedef struct Dnf {
	Conj *v;
	int n, cap;
} Dnf;

static bool dnf_of(Sema *sm, const Cond *c, Dnf *out)
{
	memset(out, 0, sizeof *out);
	if (c->kind == COND_CMP) {
		Str a = c->arg.text;
		if (a.n != 4 || !str_has_prefix(a, "arg") || a.p[3] < '0' || a.p[3] > '5') {
			ERR(sm, c->arg.loc, "expected arg0 .. arg5, found '%s'", cs(sm, a));
			return false;
		}
		ArgCmp cmp = { (uint8_t)(a.p[3] - '0'), c->op, UINT64_MAX, 0, 0 };
		if (c->mask && !obj_value(sm, c->mask, &cmp.mask))
			return false;
		if (!obj_value(sm, c->value, &cmp.value))
			return false;
		Conj *k = VEC_PUSH(sm->a, out->v, out->n, out->cap);
		memset(k, 0, sizeof *k);
		*VEC_PUSH(sm->a, k->v, k->n, k->cap) = cmp;
		return true;
	}
	Dnf l, r;
	if (!dnf_of(sm, c->l, &l) || !dnf_of(sm, c->r, &r))
		return false;
	if (c->kind == COND_OR) {
		*out = l;
		for (int i = 0; i < r.n; i++)
			*VEC_PUSH(sm->a, out->v, out->n, out->cap) = r.v[i];
	} else {
		for (int i = 0; i < l.n; i++)
			for (int j = 0; j < r.n; j++) {
				Conj *k = VEC_PUSH(sm->a, out->v, out->n, out->cap);
				memset(k, 0, sizeof *k);
				for (int x = 0; x < l.v[i].n; x++)
					*VEC_PUSH(sm->a, k->v, k->n, k->cap) = l.v[i].v[x];
				for (int x = 0; x < r.v[j].n; x++)
					*VEC_PUSH(sm->a, k->v, k->n, k->cap) = r.v[j].v[x];
			}
	}
	if (out->n > MAX_DNF) {
		const Cond *leftmost = c;
		while (leftmost->kind != COND_CMP)
			leftmost = leftmost->l;
		ERR(sm, leftmost->arg.loc, "condition too complex (more than %d alternatives once expanded)", MAX_DNF);
		return false;
	}
	return true;
}

static int cmp_argcmp(const void *x, const void *y)
{
	const ArgCmp *a = x, *b = y;
	if (a->arg != b->arg)
		return a->arg - b->arg;
	if (a->op != b->op)
		return a->op - b->op;
	if (a->mask != b->mask)
		return a->mask < b->mask ? -1 : 1;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return 0;
}

/* Conditions must compare what seccomp can see: never a pointer (it would
 * compare the address, not the data), and for a 32-bit argument only its
 * low 32 bits (the kernel ignores the rest; a sign-extended constant such
 * as AT_FDCWD is reduced, anything else above 32 bits is an error). The
 * conjunction is rewritten in place. */
static bool rule_arg_kinds(Sema *sm, SysObj *so, SrcLoc loc)
{
	for (int i = 0; i < so->ncmp; i++) {
		ArgCmp *c = &so->cmp[i];
		bool ptr = false, w32 = false;
		if (!scmp_arg_check(so->name, c->arg, &ptr, &w32))
			continue; /* unknown signature: compared as written */
		if (ptr) {
			ERR(sm, loc, "argument %u of '%s' is a pointer: seccomp sees the address, not what it points to",
			    c->arg, cs(sm, so->name));
			return false;
		}
		if (!w32)
			continue;
		uint64_t hi_v = c->value >> 32, hi_m = (c->mask & c->value) >> 32;
		bool sext_v = hi_v == 0xffffffffu && (c->value & 0x80000000u);
		if (hi_v && !sext_v) {
			ERR(sm, loc, "argument %u of '%s' is 32 bits wide; 0x%llx does not fit", c->arg, cs(sm, so->name),
			    (unsigned long long)c->value);
			return false;
		}
		(void)hi_m;
		c->value &= 0xffffffffu;
		c->width = 32;
	}
	return true;
}

static const char *const cmp_op_text[] = { "==", "!=", "<", "<=", ">", ">=" };

static void put_num(Buf *b, uint64_t v)
{
	if (v < 65536)
		buf_printf(b, "%llu", (unsigned long long)v);
	else
		buf_printf(b, "0x%llx", (unsigned long long)v);
}

static Str sys_text(Sema *sm, const SysObj *s)
{
	Buf b = { 0 };
	buf_str(&b, s->name);
	for (int i = 0; i < s->ncmp; i++) {
		const ArgCmp *c = &s->cmp[i];
		buf_puts(&b, i ? " && " : " if ");
		buf_printf(&b, "arg%u", c->arg);
		if (c->mask != UINT64_MAX) {
			buf_puts(&b, " & ");
			put_num(&b, c->mask);
		}
		buf_printf(&b, " %s ", cmp_op_text[c->op]);
		put_num(&b, c->value);
	}
	Str out = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	return out;
}

/* ------------------------------------------------------------------ */
/* Actions */

bool rule_action(Sema *sm, const Items *it, int *i, Action *act, bool is_default)
{
	Tok t = it->v[*i].tok;
	Str w = t.text;
	if (str_eqc(w, "errno")) {
		if (*i + 1 >= it->n) {
			ERR(sm, t.loc, "expected an errno name after 'errno' (e.g. errno EPERM)");
			return false;
		}
		Tok e = it->v[*i + 1].tok;
		int v;
		if (e.type == INT) {
			v = atoi(cs(sm, e.text));
			if (v < 1 || v > 4095) {
				ERR(sm, e.loc, "errno %s is out of range (1-4095)", cs(sm, e.text));
				return false;
			}
			const char *nm = errno_name(v);
			act->errno_name = nm ? str_c(nm) : e.text;
		} else if (!errno_lookup(e.text, &v)) {
			ERR(sm, e.loc, "unknown errno name '%s' (e.g. EPERM, EACCES, ENOSYS)", cs(sm, e.text));
			return false;
		} else
			act->errno_name = e.text;
		act->kind = ACT_ERRNO;
		act->errno_val = v;
		*i += 2;
		return true;
	}
	if (str_eqc(w, "kill-process") || (is_default && str_eqc(w, "kill")))
		act->kind = ACT_KILL_PROCESS;
	else if (str_eqc(w, "kill-thread"))
		act->kind = ACT_KILL_THREAD;
	else if (str_eqc(w, "trap"))
		act->kind = ACT_TRAP;
	else if (str_eqc(w, "log"))
		act->kind = ACT_LOG;
	else {
		ERR(sm, t.loc, "unknown action '%s'; expected errno NAME, %skill-process, kill-thread, trap or log", cs(sm, w),
		    is_default ? "kill, " : "");
		return false;
	}
	(*i)++;
	return true;
}

static bool is_action_word(Str w)
{
	return str_eqc(w, "errno") || str_eqc(w, "kill-process") || str_eqc(w, "kill-thread") || str_eqc(w, "trap") ||
	       str_eqc(w, "log");
}

/* ------------------------------------------------------------------ */
/* Rules */

static const char *right_list(void)
{
	return "read, write, exec, connect, bind, net, fork, signal, ptrace, syscall, mach-lookup, sysctl-read, "
	       "iokit-open, ipc-posix-shm or capability";
}

void rule_unknown_right(Sema *sm, Tok t)
{
	if (t.type == PATH || t.type == STRING) {
		ERR(sm, t.loc, "expected a right (read, write, exec, ...) before the path");
		return;
	}
	if (t.type == ENDPOINT) {
		ERR(sm, t.loc, "expected a right and a protocol before the endpoint (connect tcp HOST:PORT)");
		return;
	}
	const char *hint = closest(t.text, ir_right_name, R__COUNT);
	if (hint)
		ERR(sm, t.loc, "unknown right '%s' (did you mean '%s'?)", cs(sm, t.text), hint);
	else
		ERR(sm, t.loc, "unknown right '%s'; expected %s", cs(sm, t.text), right_list());
}

/* Past the limit a rule is written to scratch, so the statement is read to
 * its end and rule_all reports the limit once. */
static Rule *new_rule(Sema *sm)
{
	if (sm->nrules >= sm->o->max_rules) {
		sm->too_many = true;
		memset(&sm->overflow, 0, sizeof sm->overflow);
		return &sm->overflow;
	}
	return VEC_PUSH(sm->a, sm->rules, sm->nrules, sm->caprules);
}

/* Checks a right may be written where it is; returns the rule's platforms. */
static int right_platforms(Sema *sm, int r, uint8_t plat, SrcLoc loc)
{
	unsigned allowed = ir_right_plat[r];
	if (allowed == PLAT_ALL)
		return plat;
	if (r == R_SYSCALL) {
		if (!(plat & PLAT_LINUX)) {
			ERR(sm, loc, "syscall rules are for Linux: write them at the top level or inside 'on linux { }'");
			return -1;
		}
		return PLAT_LINUX;
	}
	if (plat != allowed) {
		ERR(sm, loc, "'%s' is only allowed inside 'on %s { }'", ir_right_name[r], allowed == PLAT_MACOS ? "macos" : "windows");
		return -1;
	}
	return plat;
}

/* syscall NAME|@GROUP... [if COND] [ACTION]: one rule per syscall and per
 * conjunction of the condition, its comparisons sorted and deduplicated. */
static bool rule_syscalls(Sema *sm, const Rule *like, const Items *it, int i, int n, Tok t0)
{
	bool ok = true;
	typedef struct {
		Str name, group;
		SrcLoc loc;
	} SysName;
	SysName *names = NULL;
	int nn = 0, capn = 0;
	const Cond *cond = NULL;
	Action act = { like->effect == EFF_ALLOW ? ACT_ALLOW : ACT_DEFAULT, 0, { 0, 0 } };
	bool have_act = false;
	for (int k = i; k < n;) {
		Tok t = it->v[k].tok;
		if (it->v[k].cond) {
			if (cond) {
				ERR(sm, t.loc, "one 'if' per rule (combine conditions with && and ||)");
				return false;
			}
			cond = it->v[k].cond;
			k++;
			continue;
		}
		if (t.type == ID && is_action_word(t.text)) {
			if (have_act) {
				ERR(sm, t.loc, "a second action in one rule");
				return false;
			}
			Action a = act;
			if (!rule_action(sm, it, &k, &a, false))
				return false;
			if (like->effect == EFF_ALLOW && a.kind != ACT_LOG) {
				ERR(sm, t.loc, "'%s' belongs to deny rules (an allow rule may only add 'log')", cs(sm, t.text));
				return false;
			}
			act = a;
			have_act = true;
			continue;
		}
		if (t.type == GROUPNAME) {
			GroupDef *g = decl_group(sm, t);
			for (int x = 0; g && x < g->nnames; x++)
				*VEC_PUSH(sm->a, names, nn, capn) = (SysName){ g->names[x], t.text, t.loc };
			ok &= g != NULL;
			k++;
			continue;
		}
		if (t.type == ID) {
			if (have_act || cond) {
				ERR(sm, t.loc, "unexpected '%s' after the %s", cs(sm, t.text), have_act ? "action" : "condition");
				return false;
			}
			if (obj_syscall(sm, t))
				*VEC_PUSH(sm->a, names, nn, capn) = (SysName){ t.text, { 0, 0 }, t.loc };
			else
				ok = false;
			k++;
			continue;
		}
		ERR(sm, t.loc, "expected a syscall name, @group, 'if', or an action, found %s", tok_describe(t.type));
		return false;
	}
	if (!ok)
		return false;
	if (nn == 0) {
		ERR(sm, t0.loc, "expected a syscall name or @group after 'syscall'");
		return false;
	}
	Dnf dnf = { 0 };
	if (cond && !dnf_of(sm, cond, &dnf))
		return false;
	int nconj = cond ? dnf.n : 1;
	for (int x = 0; x < nn; x++) {
		for (int c = 0; c < nconj; c++) {
			SysObj so = { names[x].name, 0, NULL };
			if (cond) {
				Conj *cj = &dnf.v[c];
				qsort(cj->v, (size_t)cj->n, sizeof *cj->v, cmp_argcmp);
				int m = 0;
				for (int y = 0; y < cj->n; y++)
					if (m == 0 || cmp_argcmp(&cj->v[m - 1], &cj->v[y]) != 0)
						cj->v[m++] = cj->v[y];
				so.ncmp = m;
				so.cmp = cj->v;
			}
			if (!rule_arg_kinds(sm, &so, names[x].loc))
				return false;
			Str text = sys_text(sm, &so);
			Rule *rule = new_rule(sm);
			*rule = *like;
			rule->right = R_SYSCALL;
			rule->loc = names[x].loc;
			rule->sys = so;
			rule->obj = text;
			rule->act = act;
			rule->group = names[x].group;
		}
	}
	return true;
}

/* One IR rule per right of the statement, alike but for the right. */
static void rule_emit(Sema *sm, const Rule *like, const int *rights, int nr)
{
	for (int ri = 0; ri < nr; ri++) {
		Rule *rule = new_rule(sm);
		*rule = *like;
		rule->right = (uint8_t)rights[ri];
	}
}

static bool is_modifier(Tok t) { return t.type == ID && (str_eqc(t.text, "required") || str_eqc(t.text, "create")); }

/* The objects of a path, network, target or name rule, each read by
 * sema_object.c; the modifiers `required` and `create` may stand anywhere
 * among paths and apply to all of them. */
static bool rule_objects(Sema *sm, const ObjHow *how, const Rule *like, const int *rights, int nr, const Items *it, int i,
			 int n)
{
	int kind = ir_right_obj[how->right];
	uint8_t proto = 0, flags = 0;
	if (kind == OBJ_NET && !obj_proto(sm, how, it, &i, n, &proto))
		return false;
	if (kind == OBJ_TARGET && i >= n)
		return obj_missing(sm, how);
	for (int k = i; kind == OBJ_PATH && k < n; k++) {
		Tok t = it->v[k].tok;
		if (is_modifier(t))
			flags |= str_eqc(t.text, "required") ? RF_REQUIRED : RF_CREATE;
	}
	bool ok = true;
	int nobj = 0;
	for (int k = i; k < n; k++) {
		Tok t = it->v[k].tok;
		if (kind == OBJ_PATH && is_modifier(t))
			continue;
		Op o = { 0 };
		if (!obj_read(sm, how, t, proto, &o)) {
			ok = false;
			continue;
		}
		nobj++;
		Rule r = *like;
		r.loc = t.loc;
		if (kind == OBJ_PATH) {
			r.path = o.path;
			r.obj = o.path.text;
			r.flags = flags;
		} else if (kind == OBJ_NET) {
			r.net = o.net;
			r.obj = obj_net_text(sm, &o.net);
			r.path = o.net.path;
		} else if (kind == OBJ_TARGET) {
			r.target = o.target;
			r.obj = str_c(obj_targets[o.target]);
		} else {
			r.name = o.name;
			r.obj = o.name;
		}
		rule_emit(sm, &r, rights, nr);
	}
	if (!ok || nobj > 0)
		return ok;
	if (kind == OBJ_PATH)
		return obj_missing(sm, how);
	/* A name right without a name: any name. */
	Rule r = *like;
	r.loc = how->rtok.loc;
	r.obj = STR("");
	rule_emit(sm, &r, rights, nr);
	return true;
}

/* allow|deny RIGHT... OBJECT... [because "..."] */
static bool rule_build(Sema *sm, Tok kw, const Items *it, uint8_t plat)
{
	uint8_t effect = kw.type == DENY ? EFF_DENY : EFF_ALLOW;
	int rights[R__COUNT], nr = 0, i = 0;
	Tok t0 = it->v[0].tok;
	int r0 = t0.type == ID ? ir_right_lookup(t0.text) : -1;
	if (r0 < 0) {
		rule_unknown_right(sm, t0);
		return false;
	}
	rights[nr++] = r0;
	i = 1;
	int kind = ir_right_obj[r0];
	while (kind != OBJ_SYSCALL && i < it->n && it->v[i].tok.type == ID) {
		int r = ir_right_lookup(it->v[i].tok.text);
		if (r < 0)
			break;
		if (ir_right_obj[r] != kind || (kind != OBJ_PATH && kind != OBJ_NET)) {
			ERR(sm, it->v[i].tok.loc, "'%s' cannot share a rule with '%s' (write two rules)", ir_right_name[r], ir_right_name[r0]);
			return false;
		}
		bool dup = false;
		for (int k = 0; k < nr; k++)
			dup |= rights[k] == r;
		if (!dup)
			rights[nr++] = r;
		i++;
	}
	int plats = right_platforms(sm, r0, plat, t0.loc);
	if (plats < 0)
		return false;
	/* Trailing `because "..."`, and modifiers anywhere among path objects. */
	Str because = { 0, 0 };
	int n = it->n;
	if (n >= 2 && it->v[n - 2].tok.type == ID && str_eqc(it->v[n - 2].tok.text, "because")) {
		if (it->v[n - 1].tok.type != STRING) {
			ERR(sm, it->v[n - 1].tok.loc, "expected a quoted reason after 'because'");
			return false;
		}
		because = it->v[n - 1].tok.text;
		n -= 2;
	} else if (n >= 1 && it->v[n - 1].tok.type == ID && str_eqc(it->v[n - 1].tok.text, "because")) {
		ERR(sm, it->v[n - 1].tok.loc, "expected a quoted reason after 'because'");
		return false;
	}
	for (int k = i; k < n; k++) {
		if (it->v[k].tok.type == ID && str_eqc(it->v[k].tok.text, "because")) {
			ERR(sm, it->v[k].tok.loc, "'because \"...\"' must end the rule");
			return false;
		}
	}
	Rule like = { .effect = effect, .platforms = (uint8_t)plats, .because = because };
	like.act.kind = effect == EFF_ALLOW ? ACT_ALLOW : ACT_DEFAULT;
	switch (kind) {
	case OBJ_NONE:
		if (i < n) {
			ERR(sm, it->v[i].tok.loc, "'%s' takes no object", ir_right_name[r0]);
			return false;
		}
		like.loc = t0.loc;
		like.obj = STR("");
		rule_emit(sm, &like, rights, nr);
		return true;
	case OBJ_SYSCALL:
		return rule_syscalls(sm, &like, it, i, n, t0);
	default: {
		ObjHow how = { r0, it->v[i - 1].tok, (uint8_t)plats, false, false };
		return rule_objects(sm, &how, &like, rights, nr, it, i, n);
	}
	}
}

/* Every rule, expect and never of sm->flat; a block rule is its head
 * followed by each line in turn. */
bool rule_all(Sema *sm)
{
	bool ok = true;
	for (int i = 0; i < sm->nflat; i++) {
		Flat *f = &sm->flat[i];
		Stmt *s = f->s;
		if (s->kind == ST_RULE) {
			if (!s->block) {
				ok &= rule_build(sm, s->kw, &s->items, f->plat);
				continue;
			}
			if (s->nlines == 0) {
				ERR(sm, s->end.loc, "empty block: expected one object per line");
				ok = false;
				continue;
			}
			for (int l = 0; l < s->nlines; l++) {
				/* head ++ line, with a head's `because "..."` moved to the end. */
				Items m = { 0 };
				const Item *why = NULL;
				for (int k = 0; k < s->items.n; k++) {
					if (k + 1 < s->items.n && s->items.v[k].tok.type == ID &&
					    str_eqc(s->items.v[k].tok.text, "because") && s->items.v[k + 1].tok.type == STRING) {
						why = &s->items.v[k++];
						continue;
					}
					*VEC_PUSH(sm->a, m.v, m.n, m.cap) = s->items.v[k];
				}
				for (int k = 0; k < s->lines[l].n; k++)
					*VEC_PUSH(sm->a, m.v, m.n, m.cap) = s->lines[l].v[k];
				if (why && !(m.n >= 2 && str_eqc(m.v[m.n - 2].tok.text, "because"))) {
					*VEC_PUSH(sm->a, m.v, m.n, m.cap) = why[0];
					*VEC_PUSH(sm->a, m.v, m.n, m.cap) = why[1];
				}
				ok &= rule_build(sm, s->kw, &m, f->plat);
			}
		} else if (s->kind == ST_EXPECT || s->kind == ST_NEVER) {
			ok &= check_stmt(sm, f);
		}
		if (sm->too_many) {
			diag_plain(sm->d, DIAG_ERROR, "too many rules: more than %d after expanding groups (the limit)", sm->o->max_rules);
			return false;
		}
	}
	return ok;
}
