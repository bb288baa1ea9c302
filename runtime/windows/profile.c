/*
 * profile.c: the fields of NAME.appcontainer.json, checked before use.
 *
 * The compiler writes the profile, but it is a committed file a person can
 * edit, so the launcher trusts nothing in it: the format and version must
 * be ones it knows, the container name must satisfy CreateAppContainerProfile,
 * every SID must have the AppContainer shape, access masks may hold only the
 * file rights sbxc ever grants (never WRITE_DAC, WRITE_OWNER or generic
 * rights, which would let the sandbox rewrite its own ACLs), inheritance
 * must be one of the two forms sbxc writes, and a loopback exemption is
 * refused (the launcher never applies one; that is a machine-wide change an
 * administrator makes knowingly). Unknown members are ignored so that a
 * newer compiler can add information without breaking older launchers; a
 * newer *version* is refused.
 */
#include "launch.h"

#include <string.h>

/* FILE_GENERIC_READ | write rights without FILE_DELETE_CHILD | FILE_EXECUTE |
 * DELETE: everything appcontainer.c can put in a mask. */
enum { ALLOWED_MASK = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x80 | 0x100 | 0x10000 | 0x20000 | 0x100000 };


static const Json *need(AclErr *c, const Json *o, const char *key, int kind, const char *where)
{
	const Json *v = acl_json_get(o, key);
	if (!v || v->kind != kind) {
		acl_fail(c, "%s: '%s' missing or of the wrong type", where, key);
		return NULL;
	}
	return v;
}

static char *need_str(AclErr *c, const Json *o, const char *key, const char *where)
{
	const Json *v = need(c, o, key, J_STR, where);
	return v ? v->s : NULL;
}

static bool need_bool(AclErr *c, const Json *o, const char *key, const char *where)
{
	const Json *v = need(c, o, key, J_BOOL, where);
	return v && v->b;
}

static bool sid_ok(const char *s, const char *prefix, int nsub)
{
	size_t k = strlen(prefix);
	if (strncmp(s, prefix, k) != 0)
		return false;
	int subs = 0;
	for (const char *q = s + k; *q;) {
		if (*q++ != '-' || *q < '0' || *q > '9')
			return false;
		int digits = 0;
		while (*q >= '0' && *q <= '9')
			q++, digits++;
		if (digits > 10)
			return false;
		subs++;
	}
	return nsub < 0 ? subs >= 1 : subs == nsub;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.' || c == ' '))
			return false;
	}
	return true;
}

static char *join_rights(AclPool *p, const Json *arr)
{
	size_t n = 0;
	for (int i = 0; i < arr->n; i++)
		n += (arr->v[i]->kind == J_STR ? strlen(arr->v[i]->s) : 1) + 1;
	char *o = acl_alloc(p, n + 1);
	for (int i = 0; i < arr->n; i++) {
		if (i)
			strcat(o, ",");
		strcat(o, arr->v[i]->kind == J_STR ? arr->v[i]->s : "?");
	}
	return o;
}

bool acl_profile_read(AclPool *p, const Json *root, AclProfile *out, char *err, size_t errn)
{
	AclErr c = { err, errn, false };
	memset(out, 0, sizeof *out);
	if (!root || root->kind != J_OBJ)
		return acl_fail(&c, "the profile is not a JSON object");
	const char *fmt = need_str(&c, root, "format", "profile");
	const Json *ver = need(&c, root, "version", J_NUM, "profile");
	if (c.failed)
		return false;
	if (strcmp(fmt, "sbxc-appcontainer") != 0)
		return acl_fail(&c, "not an sbxc AppContainer profile (format '%s')", fmt);
	if (ver->num != 1)
		return acl_fail(&c, "profile version is not 1: this launcher is older than the compiler that wrote it");
	const Json *gen = acl_json_get(root, "_generated");
	const Json *pol = gen ? acl_json_get(gen, "policy") : NULL;
	out->policy = pol && pol->kind == J_STR ? pol->s : "?";

	const Json *ct = need(&c, root, "container", J_OBJ, "profile");
	if (!ct)
		return false;
	out->container = need_str(&c, ct, "name", "container");
	out->display = need_str(&c, ct, "displayName", "container");
	out->description = need_str(&c, ct, "description", "container");
	out->sid = need_str(&c, ct, "sid", "container");
	out->lpac = need_bool(&c, ct, "lpac", "container");
	out->children = need_bool(&c, root, "childProcesses", "profile");
	bool loop = need_bool(&c, root, "loopbackExemption", "profile");
	if (c.failed)
		return false;
	if (!name_ok(out->container))
		return acl_fail(&c, "container name '%s' is not valid for CreateAppContainerProfile", out->container);
	if (!sid_ok(out->sid, "S-1-15-2", 7))
		return acl_fail(&c, "container SID '%s' is not an AppContainer SID", out->sid);
	if (strlen(out->display) > 512 || strlen(out->description) > 2048)
		return acl_fail(&c, "container display name or description too long");
	if (loop)
		return acl_fail(&c, "the profile asks for a loopback exemption: the launcher never applies one (CheckNetIsolation LoopbackExempt is an administrator's machine-wide choice)");

	const Json *caps = need(&c, root, "capabilities", J_ARR, "profile");
	const Json *params = need(&c, root, "params", J_ARR, "profile");
	const Json *files = need(&c, root, "files", J_ARR, "profile");
	if (c.failed)
		return false;

	out->caps = acl_alloc(p, sizeof *out->caps * (size_t)(caps->n + 1));
	for (int i = 0; i < caps->n; i++) {
		const Json *e = caps->v[i];
		AclCap *k = &out->caps[out->ncaps++];
		k->name = need_str(&c, e, "name", "capability");
		k->sid = need_str(&c, e, "sid", "capability");
		if (c.failed)
			return false;
		if (!sid_ok(k->sid, "S-1-15-3", -1))
			return acl_fail(&c, "capability %s: '%s' is not a capability SID", k->name, k->sid);
	}

	out->params = acl_alloc(p, sizeof *out->params * (size_t)(params->n + 1));
	for (int i = 0; i < params->n; i++) {
		const Json *e = params->v[i];
		AclParam *pm = &out->params[out->nparams++];
		pm->name = need_str(&c, e, "name", "param");
		const Json *v = acl_json_get(e, "value");
		if (!v || (v->kind != J_STR && v->kind != J_NULL))
			return acl_fail(&c, "param %s: 'value' must be a string or null", pm->name ? pm->name : "?");
		pm->value = v->kind == J_STR ? v->s : NULL;
		pm->fixed = need_bool(&c, e, "fixed", "param");
		pm->cwd = need_bool(&c, e, "defaultIsWorkingDirectory", "param");
		if (c.failed)
			return false;
		if (!*pm->name || strpbrk(pm->name, "%="))
			return acl_fail(&c, "param name '%s' is not valid", pm->name);
	}

	out->files = acl_alloc(p, sizeof *out->files * (size_t)(files->n + 1));
	for (int i = 0; i < files->n; i++) {
		const Json *e = files->v[i];
		AclFile *f = &out->files[out->nfiles++];
		f->path = need_str(&c, e, "path", "file");
		const char *ace = need_str(&c, e, "ace", "file");
		const Json *mask = need(&c, e, "mask", J_NUM, "file");
		const Json *dmask = need(&c, e, "dirMask", J_NUM, "file");
		const Json *inh = need(&c, e, "inherit", J_NUM, "file");
		const Json *rights = need(&c, e, "rights", J_ARR, "file");
		f->required = need_bool(&c, e, "required", "file");
		f->create = need_bool(&c, e, "create", "file");
		f->unowned = need_bool(&c, e, "unowned", "file");
		const Json *from = acl_json_get(e, "from");
		if (c.failed)
			return false;
		f->from = from && from->kind == J_STR ? from->s : "";
		if (strcmp(ace, "allow") != 0 && strcmp(ace, "deny") != 0)
			return acl_fail(&c, "file %s: ace '%s' is neither allow nor deny", f->path, ace);
		f->deny = ace[0] == 'd';
		if (mask->num < 1 || mask->num > 0xffffffff || mask->num != (double)(uint32_t)mask->num ||
		    ((uint32_t)mask->num & ~(uint32_t)ALLOWED_MASK))
			return acl_fail(&c, "file %s: access mask holds rights sbxc never grants", f->path);
		f->mask = (uint32_t)mask->num;
		if (dmask->num < 1 || dmask->num > 0xffffffff || dmask->num != (double)(uint32_t)dmask->num ||
		    ((uint32_t)dmask->num & ~(uint32_t)ALLOWED_MASK))
			return acl_fail(&c, "file %s: directory access mask holds rights sbxc never grants", f->path);
		f->dirmask = (uint32_t)dmask->num;
		if (inh->num != 3 && inh->num != 11)
			return acl_fail(&c, "file %s: inherit must be 3 (subtree) or 11 (beneath)", f->path);
		f->inherit = (unsigned)inh->num;
		f->rights = join_rights(p, rights);
		if (!*f->path)
			return acl_fail(&c, "file with an empty path");
	}
	return true;
}
