/*
 * targets.c: the table of targets, every name -t knows (composites
 * included), and what every backend shares (the output list and the
 * artifact header).
 */
#include "target.h"
#include "../lib/esc.h"

#include <string.h>

const char *const fid_name[4] = { "n/a", "exact", "stricter", "wider" };

#define BACKEND(pre, nm, plat, sum, export)                                                         \
	const Backend backend_##pre = { .name = nm, .summary = sum, .platform = plat,               \
					.fidelity = pre##_fidelity, .emit = pre##_emit, .not_in_all = export }
BACKEND(seatbelt, "macos", PLAT_MACOS, "Seatbelt (SBPL) profile for sandbox-exec / sandbox_init", false);
BACKEND(landlock, "landlock", PLAT_LINUX, "Landlock rule set applied by sbx-exec", false);
BACKEND(seccomp, "seccomp", PLAT_LINUX, "seccomp BPF blobs, one per architecture", false);
BACKEND(appcontainer, "windows", PLAT_WINDOWS, "AppContainer launcher profile and AppxManifest capabilities", false);
/* An export format, not a platform: `-t all` leaves it out. */
BACKEND(oci, "oci", PLAT_LINUX, "OCI/Docker seccomp profile (JSON) for docker run --security-opt seccomp=...", true);

const Backend *const backends[] = {
	&backend_seatbelt,
	&backend_landlock,
	&backend_seccomp,
	&backend_appcontainer,
	&backend_oci,
	NULL,
};

const Backend *backend_find(Str name)
{
	for (int i = 0; backends[i]; i++)
		if (str_eqc(name, backends[i]->name))
			return backends[i];
	return NULL;
}

const TargetName target_names[] = {
	{ "macos", NULL, { &backend_seatbelt }, PLAT_MACOS, true, true },
	{ "landlock", NULL, { &backend_landlock }, PLAT_LINUX, true, true },
	{ "seccomp", NULL, { &backend_seccomp }, PLAT_LINUX, true, true },
	{ "windows", NULL, { &backend_appcontainer }, PLAT_WINDOWS, true, true },
	{ "oci", NULL, { &backend_oci }, PLAT_LINUX, true, false },
	{ "linux", "landlock + seccomp", { &backend_landlock, &backend_seccomp }, PLAT_LINUX, true, true },
	{ "all", "macos, linux and windows (not oci: ask for it by name)", { &backend_seatbelt, &backend_landlock, &backend_seccomp, &backend_appcontainer },
	  PLAT_ALL, false, false },
	{ NULL, NULL, { NULL }, 0, false, false },
};

const char *const target_accept_names[] = { "macos", "linux", "landlock", "seccomp", "windows", "oci", NULL };

const TargetName *target_name_find(Str name)
{
	for (const TargetName *t = target_names; t->name; t++)
		if (str_eqc(name, t->name))
			return t;
	return NULL;
}

const TargetName *target_os(unsigned plat)
{
	const char *n = plat == PLAT_MACOS ? "macos" : plat == PLAT_WINDOWS ? "windows" : "linux";
	return target_name_find(str_c(n));
}

Fidelity fidelity_of(const Backend *b, const Policy *p, const Rule *r, Arena *a, Str *note)
{
	*note = (Str){ "", 0 };
	if (!(r->platforms & b->platform) || !b->fidelity)
		return FID_NA;
	return b->fidelity(p, r, a, note);
}

Fidelity target_fidelity(const TargetName *t, const Policy *p, const Rule *r, Arena *a, Str *note)
{
	Fidelity f = FID_NA;
	*note = (Str){ "", 0 };
	for (int i = 0; t->parts[i] && f == FID_NA; i++)
		f = fidelity_of(t->parts[i], p, r, a, note);
	return f;
}

bool target_covers(Str name, const Backend *b)
{
	if (name.n == 0)
		return true;
	const TargetName *t = target_name_find(name);
	for (int i = 0; t && t->parts[i]; i++)
		if (t->parts[i] == b)
			return true;
	return false;
}

/* metadata-write is not gated yet: the accept that would cover it (`accept
 * wider write on linux`) also lets the runtime degrade truncate(2) on
 * kernels below Landlock ABI 3, and every policy would need it until the
 * runtime's supervisor checks metadata changes (that work flips this entry
 * to exact; gating it before then is one `true` here plus an accept in
 * every policy compiled for Linux). */
const PolicyWide policy_wide[] = {
	{ "metadata-write", "policy-wide: metadata changes", &backend_landlock, R_WRITE, false,
	  landlock_metadata_fidelity },
	{ NULL, NULL, NULL, 0, false, NULL },
};

bool target_accepted(const Policy *p, int right, const Backend *b)
{
	for (int i = 0; i < p->naccepts; i++) {
		const Accept *a = &p->accepts[i];
		bool right_ok = a->right == right || (a->right == R_NET && (right == R_CONNECT || right == R_BIND));
		if (right_ok && target_covers(a->target, b))
			return true;
	}
	return false;
}

int target_select(const char *list, const Backend **out, int max, Str *bad)
{
	bool want[16] = { false };
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		Str name = { p, e ? (size_t)(e - p) : strlen(p) };
		p += name.n + (e != NULL);
		if (name.n == 0)
			continue;
		const TargetName *t = target_name_find(name);
		if (!t) {
			*bad = name;
			return -1;
		}
		for (int i = 0; t->parts[i]; i++)
			for (int k = 0; backends[k]; k++)
				want[k] |= backends[k] == t->parts[i];
	}
	/* Backends run in table order, whatever order -t named them in. */
	int n = 0;
	for (int k = 0; backends[k] && n < max; k++)
		if (want[k])
			out[n++] = backends[k];
	return n;
}

void target_help(FILE *f)
{
	fprintf(f, "targets:\n");
	for (const TargetName *t = target_names; t->name; t++)
		fprintf(f, "  %-10s %s\n", t->name, t->summary ? t->summary : t->parts[0]->summary);
}

Buf *output_add(EmitCtx *cx, Str name)
{
	Artifact *a = VEC_PUSH(cx->arena, cx->out->v, cx->out->n, cx->out->cap);
	a->name = arena_strdup(cx->arena, name);
	memset(&a->data, 0, sizeof a->data);
	return &a->data;
}

void artifact_header(Buf *b, const char *comment, const EmitCtx *cx, const char *format, int version)
{
	bool xml = strcmp(comment, "<!--") == 0;
	char hex[33];
	ir_digest_hex(cx->policy->input_digest, hex);
	const char *end = xml ? " -->\n" : "\n";
	buf_printf(b, "%s generated by sbxc from ", comment);
	esc_put(b, cx->source, xml ? ESC_XML_COMMENT : ESC_COMMENT);
	buf_printf(b, ": DO NOT EDIT%s", end);
	buf_printf(b, "%s policy: ", comment);
	esc_put(b, cx->policy->name, xml ? ESC_XML_COMMENT : ESC_COMMENT);
	buf_puts(b, end);
	buf_printf(b, "%s input: xxh3-128:%s%s", comment, hex, end);
	buf_printf(b, "%s format: %s %d%s", comment, format, version, end);
	buf_printf(b, "%s regenerate: ", comment);
	esc_put(b, cx->regen, xml ? ESC_XML_COMMENT : ESC_COMMENT);
	buf_puts(b, end);
}
