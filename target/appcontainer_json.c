/*
 * appcontainer_json.c: writes NAME.appcontainer.json, the launcher profile.
 *
 * JSON has no comments, so the header every artifact carries is the first
 * member, "_generated", with the same facts artifact_header writes elsewhere.
 * Keys come in a fixed order and arrays in the lowered profile's sorted
 * order, so the bytes depend only on the policy. Each array element is one
 * line: a policy change shows up as a one-line diff in review.
 *
 * Every string goes through buf_json_str (lib/base.c), which escapes quotes, backslashes
 * and control bytes (and DEL) so that no path or reason can end a string or
 * add a member. Non-ASCII UTF-8 is kept as is (valid JSON, readable diffs).
 */
#include "appcontainer.h"

#include <string.h>


/* CreateAppContainerProfile takes at most 2048 characters of description
 * (512 of display name); a UTF-8 byte count bounds the UTF-16 one, so cut
 * by bytes, at a character boundary. */
static Str utf8_cut(Str s, size_t max)
{
	if (s.n <= max)
		return s;
	size_t n = max;
	while (n > 0 && ((unsigned char)s.p[n] & 0xc0) == 0x80)
		n--;
	return (Str){ s.p, n };
}

static void put_rights(Buf *b, uint8_t rights)
{
	static const int order[] = { R_READ, R_WRITE, R_EXEC };
	buf_putc(b, '[');
	bool first = true;
	for (size_t i = 0; i < ARRAY_LEN(order); i++) {
		if (!(rights & (1u << order[i])))
			continue;
		buf_printf(b, "%s\"%s\"", first ? "" : ", ", ir_right_name[order[i]]);
		first = false;
	}
	buf_putc(b, ']');
}

static void put_notes(Buf *b, const char *key, const AcNote *v, int n, bool last)
{
	buf_printf(b, "  \"%s\": [", key);
	for (int i = 0; i < n; i++) {
		buf_puts(b, i ? ",\n    {" : "\n    {");
		buf_puts(b, "\"rule\": ");
		buf_json_str(b, v[i].rule);
		buf_puts(b, ", \"from\": ");
		buf_json_str(b, v[i].from);
		if (v[i].fid != FID_NA)
			buf_printf(b, ", \"fidelity\": \"%s\"", fid_name[v[i].fid]);
		if (v[i].note.n) {
			buf_puts(b, ", \"note\": ");
			buf_json_str(b, v[i].note);
		}
		buf_putc(b, '}');
	}
	buf_puts(b, n ? "\n  ]" : "]");
	buf_puts(b, last ? "\n" : ",\n");
}

/* A list's item i opens on its own line with its first member. */
static void open_item(Buf *b, int i, const char *key, Str value)
{
	buf_printf(b, "%s{\"%s\": ", i ? ",\n    " : "\n    ", key);
	buf_json_str(b, value);
}

void ac_write_json(Buf *b, const EmitCtx *cx, const AcProfile *ap)
{
	const Policy *p = cx->policy;
	char hex[33];
	ir_digest_hex(p->input_digest, hex);

	buf_puts(b, "{\n  \"_generated\": {\n    \"by\": \"sbxc\",\n    \"source\": ");
	buf_json_str(b, cx->source);
	buf_puts(b, ",\n    \"policy\": ");
	buf_json_str(b, p->name);
	buf_printf(b, ",\n    \"input\": \"xxh3-128:%s\",\n    \"format\": \"sbxc-appcontainer 1\",\n    \"regenerate\": ", hex);
	buf_json_str(b, cx->regen);
	buf_puts(b, ",\n    \"edit\": \"DO NOT EDIT: change the policy and regenerate\"\n  },\n");

	buf_puts(b, "  \"format\": \"sbxc-appcontainer\",\n  \"version\": 1,\n");
	buf_puts(b, "  \"container\": {\n    \"name\": ");
	buf_json_str(b, str_c(ap->container));
	buf_puts(b, ",\n    \"displayName\": ");
	buf_json_str(b, utf8_cut(arena_printf(cx->arena, "sbxc: %.*s", STRF(p->name)), 512));
	buf_puts(b, ",\n    \"description\": ");
	buf_json_str(b, utf8_cut(p->description, 2048));
	buf_printf(b, ",\n    \"sid\": \"%s\",\n    \"lpac\": %s\n  },\n", ap->sid, ap->lpac ? "true" : "false");
	buf_printf(b, "  \"childProcesses\": %s,\n", ap->children ? "true" : "false");
	buf_puts(b, "  \"loopbackExemption\": false,\n");

	buf_puts(b, "  \"capabilities\": [");
	for (int i = 0; i < ap->ncaps; i++) {
		char sid[AC_SID_MAX];
		ac_cap_sid(ap->caps[i].cap, sid);
		buf_printf(b, "%s{\"name\": \"%s\", \"sid\": \"%s\", \"from\": ", i ? ",\n    " : "\n    ", ap->caps[i].cap->name, sid);
		buf_json_str(b, ap->caps[i].from);
		buf_putc(b, '}');
	}
	buf_puts(b, ap->ncaps ? "\n  ],\n" : "],\n");

	buf_puts(b, "  \"params\": [");
	for (int i = 0; i < ap->nparams; i++) {
		const AcParam *pm = &ap->params[i];
		open_item(b, i, "name", pm->name);
		buf_puts(b, ", \"value\": ");
		if (pm->has_value)
			buf_json_str(b, pm->value);
		else
			buf_puts(b, "null");
		buf_printf(b, ", \"fixed\": %s, \"defaultIsWorkingDirectory\": %s}", pm->fixed ? "true" : "false", pm->cwd ? "true" : "false");
	}
	buf_puts(b, ap->nparams ? "\n  ],\n" : "],\n");

	buf_puts(b, "  \"files\": [");
	for (int i = 0; i < ap->nfiles; i++) {
		const AcFile *f = &ap->files[i];
		open_item(b, i, "path", f->path);
		buf_printf(b, ", \"ace\": \"%s\", \"rights\": ", f->deny ? "deny" : "allow");
		put_rights(b, f->rights);
		buf_printf(b, ", \"mask\": %lu, \"dirMask\": %lu, \"inherit\": %u, \"required\": %s, \"create\": %s, \"unowned\": %s, \"from\": ",
			   (unsigned long)f->mask, (unsigned long)f->dirmask, (unsigned)f->inherit,
			   f->flags & RF_REQUIRED ? "true" : "false", f->flags & RF_CREATE ? "true" : "false",
			   f->unowned ? "true" : "false");
		buf_json_str(b, f->from);
		buf_putc(b, '}');
	}
	buf_puts(b, ap->nfiles ? "\n  ],\n" : "],\n");

	put_notes(b, "notEnforced", ap->notes, ap->nnotes, false);
	put_notes(b, "notApplicable", ap->na, ap->nna, true);
	buf_puts(b, "}\n");
}
