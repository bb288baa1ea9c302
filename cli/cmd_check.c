/*
 * cmd_check.c: `sbxc check POLICY`: load the policy with its checks, refuse
 * it as a compile for the same targets would (-t, default all: a wider rule
 * without an accept is an error), and print the fidelity of every rule on
 * every target. Writes nothing. A fragment (no `policy`) is never compiled
 * alone (its accepts come from the policy using it), so it gets the table
 * without the gate.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../driver/fidelity.h"

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
			printf("{\"ok\": false, \"errors\": %d}\n", c.diags.nerrors);
		}
		return finish(&c, EXIT_POLICY);
	}
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
	/* Policy-wide, never silent: what every artifact set denies besides its rules. */
	static const char implicit[] =
		"deny write to the artifacts being applied, the policy source and the *.sbx beside it, the files sbxc run "
		"compiled from, and sbxc's cache and run directories ($SBXC_CACHE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/sbxc); "
		"their directories cannot be renamed or replaced up to the granted tree";
	static const char implicit_how[] =
		"linux: exact, added by the runtime at apply time (stricter: no new entries directly in the directories on the way); "
		"macos, windows: not lowered yet (wider)";
	if (opts_json(o)) {
		printf("], \"implicit\": [{\"rule\": \"%s\", \"fidelity\": \"%s\"}]", implicit, implicit_how);
		json_end(stdout, "", "sbxc-check 1");
	} else
		printf("\nimplicit %s\n  %s\n", implicit, implicit_how);
	return finish(&c, EXIT_OK);
}
