/*
 * cmd_explain.c: `sbxc explain POLICY OPERATION`: decide one operation
 * with the reference evaluator and name the rule that decided, and with -t
 * what that target's artifact makes the kernel do.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../driver/explain_target.h"
#include "../driver/fidelity.h"
#include "../ir/eval.h"
#include "../lang/lang.h"
#include "../runtime/ll_abi.h"

static void text_rule(FILE *f, const Policy *p, const Rule *r)
{
	Buf b = { 0 };
	buf_printf(&b, "%s %s", r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right]);
	if (ir_right_obj[r->right] != OBJ_NONE) {
		buf_putc(&b, ' ');
		ir_put_object(&b, r);
	}
	if (r->right == R_SYSCALL && r->effect == EFF_ALLOW && r->act.kind == ACT_NOTIFY)
		buf_puts(&b, " notify (the runtime's supervisor decides the address by the connect and bind rules)");
	if (r->loc.line == 0)
		fprintf(f, "%s: %.*s",
			p->has_syscall_rules ? "the derived filter, which the syscall rules cannot widen (LANGUAGE.md 5.4)"
					     : "the derived filter (the policy has no syscall rules; LANGUAGE.md 5.4)",
			(int)b.n, b.p);
	else
		fprintf(f, "%.*s:%u: %.*s", STRF(p->files[r->loc.file].name), r->loc.line, (int)b.n, b.p);
	if (r->platforms != PLAT_ALL)
		fprintf(f, " [%s]", ir_platform_names(r->platforms));
	if (r->because.n)
		fprintf(f, " (because \"%.*s\")", STRF(r->because));
	buf_free(&b);
}


/* Values for every param, so a concrete path matches rules written with
 * ${HOME} and friends: -D first, then the environment in the runtime's own
 * order (runtime/ll_abi.h), so explain answers for the run it describes.
 * A param left without a value stays symbolic and its default applies
 * through the rules that use it. -1 when the environment gives a value the
 * runtime would refuse. */
static int env_defines(const Policy *p, const Opts *o, const char ***out)
{
	const char **v = calloc((size_t)p->nparams + (size_t)o->ndefines + 1, sizeof *v);
	int n = 0;
	for (int i = 0; i < o->ndefines; i++)
		v[n++] = o->defines[i];
	*out = v;
	for (int i = 0; i < p->nparams; i++) {
		const Param *q = &p->params[i];
		bool given = false;
		for (int k = 0; k < o->ndefines; k++)
			given |= !strncmp(o->defines[k], q->name.p, q->name.n) && o->defines[k][q->name.n] == '=';
		if (given || q->baked)
			continue;
		char name[128], buf[4096];
		snprintf(name, sizeof name, "%.*s", STRF(q->name));
		const char *val = ll_param_from_env(name, q->builtin, buf, sizeof buf);
		if (!val)
			continue;
		const char *why = ll_param_value_error(name, val);
		if (why) {
			fprintf(stderr, "sbxc: param %s from the environment: %s (the runtime refuses it too)\n", name, why);
			return -1;
		}
		char *d = NULL;
		if (asprintf(&d, "%s=%s", name, val) >= 0)
			v[n++] = d;
	}
	return n;
}

/* What a target's artifact makes the kernel do with op, which the
 * language decides as d: the artifact's own answer where
 * driver/explain_target.c can give it (accepted lowerings, paths as the
 * kernel resolves them), else the deciding rule's fidelity. */
typedef struct TargetView {
	const char *name;
	const char *cls;    /* "exact", "stricter", "wider" */
	Str note;
	const char *kernel; /* "allow", "deny", "may-deny", "may-allow", "not-enforced" */
	const Accept *by;   /* the accept that makes it wider */
	const Rule *rule;   /* the rule whose lowering decides, when not the language's */
} TargetView;

static TargetView target_view(const char *target, const Policy *p, const Op *op, unsigned plat, const Decision *d,
			      Arena *a)
{
	TargetView v = { target, "exact", { "", 0 }, NULL, NULL, NULL };
	bool allow = d->effect == EFF_ALLOW;
	const TargetName *t = target_name_find(str_c(target));
	KernelView k;
	if (explain_target_view(t, p, op, plat, d, a, &k)) {
		v.kernel = k.effect == EFF_ALLOW ? "allow" : "deny";
		v.note = k.note;
		v.by = k.by;
		if (k.differs) {
			v.cls = k.effect == EFF_ALLOW ? "wider" : "stricter";
			v.rule = k.rule;
		} else if (!d->rule && !v.note.n)
			v.note = STR("no rule allows it, and every artifact starts from deny");
		return v;
	}
	if (!d->rule) {
		v.kernel = "deny";
		v.note = STR("no rule allows it, and every artifact starts from deny");
		return v;
	}
	Fidelity fid = target_fidelity(t, p, d->rule, a, &v.note);
	v.cls = fid_name[fid];
	switch (fid) {
	case FID_EXACT:
		v.kernel = allow ? "allow" : "deny";
		break;
	case FID_STRICTER:
		v.kernel = allow ? "may-deny" : "deny";
		break;
	case FID_WIDER:
		v.kernel = allow ? "allow" : "may-allow";
		break;
	default:
		v.kernel = "not-enforced";
		break;
	}
	return v;
}

/* --resolved ADDR: one address, IPv6 with or without brackets. */
static bool parse_resolved(const char *s, NetObj *out)
{
	memset(out, 0, sizeof *out);
	char buf[64];
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->host_kind = HOST_IP4;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->host_kind = HOST_IP6;
		out->prefix = 128;
	} else
		return false;
	return true;
}

/* The two steps of a connection by name, when it is one. */
static void text_steps(const Policy *p, const Decision *d, const char *resolved)
{
	printf("  by name: ");
	if (d->by_name) {
		printf("%s, ", d->by_name->effect == EFF_ALLOW ? "allow" : "deny");
		text_rule(stdout, p, d->by_name);
		printf("\n");
	} else
		printf("no name rule matches: the address rules decide\n");
	if (resolved)
		printf("  by address %s: ", resolved);
	else
		printf("  by address (not resolved: only rules on every host; see --resolved): ");
	if (d->by_addr) {
		printf("%s, ", d->by_addr->effect == EFF_ALLOW ? "allow" : "deny");
		text_rule(stdout, p, d->by_addr);
		printf("%s\n", d->addr_veto ? " (an explicit deny on addresses holds for names too)" : "");
	} else
		printf("no address rule matches\n");
}

int cmd_explain(const Opts *o)
{
	unsigned plat = PLAT_LINUX;
	if (o->on) {
		if (!strcmp(o->on, "macos"))
			plat = PLAT_MACOS;
		else if (!strcmp(o->on, "windows"))
			plat = PLAT_WINDOWS;
		else if (strcmp(o->on, "linux"))
			return usage_error(o->usage, "--on takes linux, macos or windows, not '%s'", o->on);
	}
	if (o->targets) {
		const TargetName *tb = target_name_find(str_c(o->targets));
		if (!tb || !tb->explain)
			return usage_error(o->usage, "-t takes one of linux, landlock, seccomp, macos, windows, not '%s'",
					   o->targets);
		if (o->on && !(tb->platform & plat))
			return usage_error(o->usage, "-t %s is not a target for --on %s", o->targets, o->on);
		plat = tb->platform;
	}
	Buf opb = { 0 };
	for (int i = 1; i < o->npos; i++)
		buf_printf(&opb, "%s%s", i > 1 ? " " : "", o->pos[i]);
	Str optext = buf_as_str(&opb);
	/* A symbolic operation is matched as written; a concrete one after resolving params. */
	bool symbolic = memmem(optext.p, optext.n, "${", 2) || memmem(optext.p, optext.n, " ~", 2);
	Compile c;
	compile_init(&c);
	c.fragment_ok = true;
	if (!compile_load(&c, o->pos[0], o->defines, o->ndefines)) {
		buf_free(&opb);
		return finish(&c, EXIT_POLICY);
	}
	if (!symbolic) {
		const char **defs;
		int nd = env_defines(c.policy, o, &defs);
		if (nd < 0) {
			for (int i = o->ndefines; defs[i]; i++)
				free((char *)defs[i]);
			free(defs);
			buf_free(&opb);
			return finish(&c, EXIT_POLICY);
		}
		Compile c2;
		compile_init(&c2);
		c2.fragment_ok = true;
		c2.skip_checks = true;
		c2.resolve_defaults = true;
		if (compile_load(&c2, o->pos[0], defs, nd)) {
			compile_free(&c);
			c = c2;
			c.diags.arena = &c.arena; /* it pointed into c2, which ends here */
		} else
			compile_free(&c2); /* a value from the environment was unusable: stay symbolic */
		for (int i = o->ndefines; i < nd; i++)
			free((char *)defs[i]); /* the ones env_defines made */
		free(defs);
	}
	Op op;
	if (!lang_parse_op(c.policy, &c.arena, &c.diags, (SrcLoc){ 0, 0, 0 }, optext, &op)) {
		buf_free(&opb);
		return finish(&c, EXIT_POLICY);
	}
	buf_free(&opb);
	bool by_name = (op.right == R_CONNECT || op.right == R_BIND) && op.net.proto != PROTO_UNIX &&
		       eval_host_is_name(&op.net);
	if (o->resolved) {
		if (!by_name)
			return finish(&c, usage_error(o->usage, "--resolved applies to a connection by name (connect tcp NAME:PORT), not '%.*s'",
						      STRF(op.text)));
		if (!parse_resolved(o->resolved, &op.resolved))
			return finish(&c, usage_error(o->usage, "--resolved takes an IPv4 or IPv6 address, not '%s'", o->resolved));
		op.has_resolved = true;
	}
	const Policy *p = c.policy;
	Decision d = eval_op(p, &op, plat);
	if (opts_json(o)) {
		printf("{\"decision\": \"%s\", \"operation\": ", d.effect == EFF_ALLOW ? "allow" : "deny");
		fput_json_str(stdout, op.text);
		printf(", \"platform\": \"%s\", \"rule\": ", ir_platform_names(plat));
		json_rule(stdout, p, d.rule);
		if (by_name) {
			printf(", \"resolved\": ");
			if (o->resolved)
				fput_json_str(stdout, str_c(o->resolved));
			else
				printf("null");
			printf(", \"by_name\": ");
			json_rule(stdout, p, d.by_name);
			printf(", \"by_address\": ");
			json_rule(stdout, p, d.by_addr);
			printf(", \"address_veto\": %s", d.addr_veto ? "true" : "false");
		}
		if (op.right == R_SYSCALL) {
			Buf b = { 0 };
			ir_put_action(&b, &d.act);
			printf(", \"action\": ");
			fput_json_str(stdout, buf_as_str(&b));
			buf_free(&b);
		}
		if (o->targets) {
			TargetView v = target_view(o->targets, p, &op, plat, &d, &c.arena);
			printf(", \"target\": {\"name\": \"%s\", \"class\": \"%s\", \"kernel\": \"%s\", \"note\": ", v.name,
			       v.cls, v.kernel);
			fput_json_str(stdout, v.note);
			printf(", \"accepted_by\": ");
			if (v.by)
				printf("\"%.*s:%u\"", STRF(p->files[v.by->loc.file].name), v.by->loc.line);
			else
				printf("null");
			printf(", \"lowered_rule\": ");
			json_rule(stdout, p, v.rule);
			printf("}");
		}
		json_end(stdout, "", "sbxc-explain 1");
	} else {
		printf("%s: %.*s", d.effect == EFF_ALLOW ? "allow" : "deny", STRF(op.text));
		if (o->resolved)
			printf(" (resolved %s)", o->resolved);
		printf("\n");
		if (by_name)
			text_steps(p, &d, o->resolved);
		if (d.rule) {
			printf("  decided by ");
			text_rule(stdout, p, d.rule);
			printf("\n");
		} else if (d.derived)
			printf("  no rule of the derived filter names it: allowed\n");
		else
			printf("  no rule matches: denied by default\n");
		if (op.right == R_SYSCALL && d.effect == EFF_DENY) {
			Buf b = { 0 };
			ir_put_action(&b, &d.act);
			printf("  the call fails with: %.*s\n", (int)b.n, b.p);
			buf_free(&b);
		}
		if (o->targets) {
			TargetView v = target_view(o->targets, p, &op, plat, &d, &c.arena);
			static const struct {
				const char *k, *text;
			} says[] = {
				{ "allow", "allows it" },
				{ "deny", "denies it" },
				{ "may-deny", "may deny it: the rule is enforced more strictly there" },
				{ "may-allow", "may allow it: the rule is enforced more widely there (accepted)" },
				{ "not-enforced", "does not enforce the deciding rule (another target does, or none)" },
			};
			const char *say = "";
			for (size_t i = 0; i < ARRAY_LEN(says); i++)
				if (!strcmp(says[i].k, v.kernel))
					say = says[i].text;
			printf("  on %s: %s", v.name, v.cls);
			if (v.by)
				printf(" (accepted by %.*s:%u)", STRF(p->files[v.by->loc.file].name), v.by->loc.line);
			printf("; the kernel %s\n", say);
			if (v.rule) {
				printf("    through ");
				text_rule(stdout, p, v.rule);
				printf("\n");
			}
			if (v.note.n)
				printf("    %s: %.*s\n", strcmp(v.cls, "exact") ? v.cls : "why", STRF(v.note));
		}
	}
	return finish(&c, EXIT_OK);
}
