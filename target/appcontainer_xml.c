/*
 * appcontainer_xml.c: writes NAME.appxmanifest.xml, the <Capabilities>
 * element of an AppxManifest for people who ship the program as MSIX.
 *
 * The schema (FoundationManifestSchema.xsd, CT_Capabilities) wants the
 * capability-choice elements first (<Capability>, <uap:Capability>,
 * <uapN:Capability>, <rescap:Capability>, in any order among themselves),
 * then custom capabilities, then <DeviceCapability>. The lowered profile is
 * already sorted by manifest kind in exactly that order, so this file only
 * prints. The element declares its own namespaces, so it stays valid when
 * pasted into a <Package> that declares them too, and it is a well-formed
 * document on its own (tests wrap it in a minimal package and validate it
 * with xmllint against Microsoft's schemas).
 *
 * Capabilities only an unpackaged launcher can grant (LPAC's) have no
 * manifest element; they are listed in a comment so the reader sees them.
 * File ACLs have no manifest form at all: a packaged app's file access comes
 * from its capabilities, which the comment also says.
 */
#include "appcontainer.h"

void ac_write_manifest(Buf *b, const EmitCtx *cx, const AcProfile *ap)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	artifact_header(b, "<!--", cx, "sbxc-appxmanifest", 1);
	bool used[AC__KINDS] = { false };
	int nlauncher = 0;
	for (int i = 0; i < ap->ncaps; i++) {
		used[ap->caps[i].cap->kind] = true;
		nlauncher += ap->caps[i].cap->kind == AC_LAUNCHER;
	}
	if (ap->nfiles)
		buf_puts(b, "<!-- file rules have no manifest form: they are in the launcher profile (.appcontainer.json) -->\n");

	buf_printf(b, "<Capabilities xmlns=\"%s\"", ac_kind_ns[AC_FOUNDATION]);
	for (int k = AC_UAP; k < AC__KINDS; k++) {
		bool always = k == AC_UAP || k == AC_RESCAP;
		if (ac_kind_ns[k] && ac_kind_prefix[k][0] && (always || used[k]))
			buf_printf(b, "\n  xmlns:%s=\"%s\"", ac_kind_prefix[k], ac_kind_ns[k]);
	}
	buf_puts(b, ">\n");
	for (int i = 0; i < ap->ncaps; i++) {
		const AcCap *c = ap->caps[i].cap;
		if (c->kind == AC_LAUNCHER)
			continue;
		if (c->kind == AC_DEVICE)
			buf_printf(b, "  <DeviceCapability Name=\"%s\"/>\n", c->name);
		else if (c->kind == AC_FOUNDATION)
			buf_printf(b, "  <Capability Name=\"%s\"/>\n", c->name);
		else
			buf_printf(b, "  <%s:Capability Name=\"%s\"/>\n", ac_kind_prefix[c->kind], c->name);
	}
	if (nlauncher) {
		buf_puts(b, "  <!-- launcher only (no manifest element):");
		for (int i = 0; i < ap->ncaps; i++)
			if (ap->caps[i].cap->kind == AC_LAUNCHER)
				buf_printf(b, " %s", ap->caps[i].cap->name);
		buf_puts(b, " -->\n");
	}
	buf_puts(b, "</Capabilities>\n");
}
