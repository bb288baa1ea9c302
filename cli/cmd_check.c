/*
 * cmd_check.c: `sbxc check POLICY`: load the policy with its checks, refuse
 * it as a compile for the same targets would (-t, default all: a wider rule
 * without an accept is an error), and print the fidelity of every rule on
 * every target. Writes nothing. A fragment (no `policy`) is never compiled
 * alone (its accepts come from the policy using it), so it gets the table
 * without the gate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../driver/fidelity.h"

/* The accept lines a target set needs (docs/review.md): one per right and
 * target, sorted, each with the first rule that needs it. */
typedef struct Need {
	const Rule *r;
	const char *target;
} Need;

typedef struct Needs {
	Need *v;
	int n, cap;
	Arena *a;
} Needs;

static void need_one(void *ctx, const Rule *r, const Backend *b, Str note)
{
	Needs *ns = ctx;
	for (int i = 0; i < ns->n; i++)
		if (ns->v[i].r->right == r->right && !strcmp(ns->v[i].target, b->name))
			return;
	*VEC_PUSH(ns->a, ns->v, ns->n, ns->cap) = (Need){ r, b->name };
}

static int need_cmp(const void *x, const void *y)
{
	const Need *a = x, *b = y;
	int c = strcmp(ir_right_name[a->r->right], ir_right_name[b->r->right]);
	return c ? c : strcmp(a->target, b->target);
}

static void print_needs(Compile *c, const Selection *sel)
{
	Needs ns = { .a = &c->arena };
	if (c->policy && !c->policy->fragment)
		fidelity_each_unaccepted(c, sel->v, sel->n, need_one, &ns);
	if (ns.n)
		qsort(ns.v, (size_t)ns.n, sizeof *ns.v, need_cmp);
	printf(", \"accepts_needed\": [");
	for (int i = 0; i < ns.n; i++) {
		const Rule *r = ns.v[i].r;
		printf("%s{\"accept\": \"accept wider %s on %s\", \"right\": \"%s\", \"target\": \"%s\", \"rule\": ",
		       i ? ", " : "", ir_right_name[r->right], ns.v[i].target, ir_right_name[r->right], ns.v[i].target);
		json_rule(stdout, c->policy, r);
		printf("}");
	}
	printf("]");
}

/* LANGUAGE.md 4: expect and never are checked assuming each param lies
 * beneath no other; warn where the usual placement (PROJECT and TMPDIR
 * beneath HOME) would break one, by checking again with such values. Only
 * params not given with -D are placed. */
static void warn_placements(Compile *c, const Opts *o)
{
	const Policy *p = c->policy;
	if (p->nexpects == 0 && p->nnevers == 0)
		return;
	static const char *const place[] = { "HOME=/sbx-home", "PROJECT=/sbx-home/project", "TMPDIR=/sbx-home/tmp" };
	const char *defs[64];
	int n = 0;
	for (int i = 0; i < o->ndefines && n < 60; i++)
		defs[n++] = o->defines[i];
	int placed = 0;
	for (size_t k = 0; k < 3; k++) {
		size_t len = (size_t)(strchr(place[k], '=') - place[k]);
		bool given = false;
		for (int i = 0; i < o->ndefines; i++)
			given |= !strncmp(o->defines[i], place[k], len + 1);
		if (!given) {
			defs[n++] = place[k];
			placed++;
		}
	}
	if (placed < 2) /* HOME and one beneath it, at least */
		return;
	Compile c2;
	compile_init(&c2);
	c2.fragment_ok = true;
	if (!compile_load(&c2, o->pos[0], defs, n)) {
		for (int i = 0; i < c2.diags.n; i++) {
			const Diag *d = &c2.diags.v[i];
			if (d->level != DIAG_ERROR || !d->has_loc)
				continue;
			diag_at(&c->diags, DIAG_WARNING, d->loc,
				"with ${PROJECT} and ${TMPDIR} beneath ${HOME} (HOME=/sbx-home, a usual placement) this check breaks: %.*s",
				STRF(d->msg));
		}
	}
	compile_free(&c2);
}

int cmd_check(const Opts *o)
{
	Selection sel = { 0 };
	int rc = select_targets(o->targets ? o->targets : "all", &sel);
	if (rc)
		return rc;
	Compile c;
	compile_init(&c);
	limits_from_env(&c);
	c.fragment_ok = true;
	if (!compile_load(&c, o->pos[0], o->defines, o->ndefines) ||
	    (!c.policy->fragment && !fidelity_gate(&c, sel.v, sel.n, o->accept_wider))) {
		if (opts_json(o)) {
			printf("{\"ok\": false, \"errors\": %d", c.diags.nerrors);
			print_needs(&c, &sel);
			json_end(stdout, "", "sbxc-check 1");
		}
		return finish(&c, EXIT_POLICY);
	}
	warn_placements(&c, o);
	const Policy *p = c.policy;
	char hex[33];
	ir_digest_hex(p->digest, hex);
	if (opts_json(o)) {
		printf("{\"ok\": true, \"policy\": ");
		fput_json_str(stdout, p->name);
		printf(", \"digest\": \"xxh3-128:%s\", \"rules\": [", hex);
	} else {
		printf("%.*s: ok: %d rules, %d expect, %d never; digest xxh3-128:%s\n", STRF(p->name), p->nrules, p->nexpects,
		       p->nnevers, hex);
		printf("\n%-44s %-9s", "rule", "linux");
		for (int i = 0; backends[i]; i++)
			printf(" %-9s", backends[i]->name);
		printf("\n");
	}
	for (int k = 0; k < p->nrules; k++) {
		const Rule *r = &p->rules[k];
		Buf b = { 0 };
		buf_printf(&b, "%s %s", r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right]);
		if (ir_right_obj[r->right] != OBJ_NONE) {
			buf_putc(&b, ' ');
			ir_put_object(&b, r);
		}
		if (opts_json(o)) {
			printf("%s{\"rule\": ", k ? ", " : "");
			fput_json_str(stdout, buf_as_str(&b));
			printf(", \"file\": ");
			fput_json_str(stdout, p->files[r->loc.file].name);
			printf(", \"line\": %u, \"fidelity\": {", r->loc.line);
		} else
			printf("%-44.*s", (int)b.n, b.p);
		Str lnote;
		Fidelity lf = target_fidelity(target_os(PLAT_LINUX), p, r, &c.arena, &lnote);
		if (opts_json(o))
			printf("\"linux\": {\"class\": \"%s\"}, ", fid_name[lf]);
		else
			printf(" %-9s", fid_name[lf]);
		Buf notes = { 0 };
		for (int i = 0; backends[i]; i++) {
			Str note;
			const char *f = backends[i]->fidelity ? fid_name[fidelity_of(backends[i], p, r, &c.arena, &note)] : "-";
			if (!backends[i]->fidelity)
				note = (Str){ "", 0 };
			if (opts_json(o)) {
				printf("%s\"%s\": {\"class\": \"%s\"", i ? ", " : "", backends[i]->name, f);
				if (note.n) {
					printf(", \"note\": ");
					fput_json_str(stdout, note);
				}
				printf("}");
			} else {
				printf(" %-9s", f);
				if (note.n)
					buf_printf(&notes, "    %s: %.*s\n", backends[i]->name, STRF(note));
			}
		}
		if (opts_json(o))
			printf("}}");
		else {
			printf("  %.*s:%u\n", STRF(p->files[r->loc.file].name), r->loc.line);
			if (notes.n)
				fwrite(notes.p, 1, notes.n, stdout);
		}
		buf_free(&notes);
		buf_free(&b);
	}
	/* Policy-wide entries (target.h): one row each, the entry's target's
	 * column (and the linux view, for a Linux backend) filled in. */
	if (opts_json(o))
		printf("], \"policy_wide\": [");
	for (const PolicyWide *w = policy_wide; w->id; w++) {
		Str note;
		Fidelity f = w->fidelity(p, &c.arena, &note);
		bool linux_view = w->backend == &backend_landlock || w->backend == &backend_seccomp;
		if (opts_json(o)) {
			printf("%s{\"id\": \"%s\", \"what\": ", w == policy_wide ? "" : ", ", w->id);
			fput_json_str(stdout, str_c(w->what));
			printf(", \"target\": \"%s\", \"class\": \"%s\", \"gated\": %s", w->backend->name, fid_name[f],
			       w->gated ? "true" : "false");
			if (note.n) {
				printf(", \"note\": ");
				fput_json_str(stdout, note);
			}
			printf("}");
			continue;
		}
		printf("%-44s %-9s", w->what, linux_view ? fid_name[f] : "-");
		for (int i = 0; backends[i]; i++)
			printf(" %-9s", backends[i] == w->backend ? fid_name[f] : "-");
		printf("  %s\n", w->id);
		if (note.n)
			printf("    %s: %.*s%s\n", w->backend->name, STRF(note),
			       f == FID_WIDER && !w->gated ? " (reported, not yet refused)" : "");
	}
	if (opts_json(o))
		printf("]");
	/* Policy-wide, never silent: what every artifact set denies besides its rules. */
	static const char implicit[] =
		"deny write to the artifacts being applied, the policy source and the *.sbx beside it, the files sbxc run "
		"compiled from, and sbxc's cache and run directories ($SBXC_CACHE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/sbxc); "
		"their directories cannot be renamed or replaced up to the granted tree";
	static const char implicit_how[] =
		"linux: exact, added by the runtime at apply time (stricter: no new entries directly in the directories on the way); "
		"macos, windows: not lowered yet (wider)";
	if (opts_json(o)) {
		printf(", \"implicit\": [{\"rule\": \"%s\", \"fidelity\": \"%s\"}]", implicit, implicit_how);
		print_needs(&c, &sel);
		json_end(stdout, "", "sbxc-check 1");
	} else
		printf("\nimplicit %s\n  %s\n", implicit, implicit_how);
	return finish(&c, EXIT_OK);
}
