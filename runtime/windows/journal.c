/*
 * journal.c: the undo journal's format, read back strictly.
 *
 *   sbx-launch-journal<TAB>CONTAINER<TAB>1
 *   dacl<TAB>C:\path<TAB>SDDL          one per ACL changed, in order
 *
 * The launcher writes it before each change (and restores a normal run's
 * changes from memory, not from the file). `--undo` reads it after a crash,
 * and what it reads is applied as the user: a journal someone else wrote
 * could set any ACL the user may set. So the file is created with a
 * protected DACL that only its owner and SYSTEM can open (an AppContainer
 * matches no ACE in it), and the reader refuses everything unless every
 * line is well formed, the container is the profile's, and every path is
 * one the profile's plan changes. A torn last line (no newline) is a
 * change never made and is ignored.
 */
#include "launch.h"

#include <string.h>

static bool same_path(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* SDDL as ConvertSecurityDescriptorToStringSecurityDescriptor writes a
 * DACL: "D:" then flags and ACEs, printable ASCII without tabs. */
static bool sddl_ok(const char *s)
{
	if (strncmp(s, "D:", 2) != 0 || !s[2])
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static bool path_ok(const char *s)
{
	bool drive = ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) && s[1] == ':' && s[2] == '\\';
	bool unc = s[0] == '\\' && s[1] == '\\' && s[2] && s[2] != '?' && s[2] != '.';
	if (!drive && !unc)
		return false;
	for (const char *c = s + 2; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == '/')
			return false;
		if (c[-1] == '\\' && c[0] == '.' && (c[1] == '\\' || !c[1] || (c[1] == '.' && (c[2] == '\\' || !c[2]))))
			return false;
	}
	return true;
}

bool acl_journal_parse(AclPool *p, const char *text, size_t n, const AclPlan *plan, AclJournal *out, char *err,
		       size_t errn)
{
	AclErr e = { err, errn, false };
	memset(out, 0, sizeof out[0]);
	if (memchr(text, 0, n))
		return acl_fail(&e, "the journal holds a NUL byte");
	int lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += text[i] == '\n';
	out->entries = acl_alloc(p, sizeof *out->entries * (size_t)(lines + 1));
	size_t at = 0;
	for (int ln = 1; at < n; ln++) {
		const char *s = text + at, *nl = memchr(s, '\n', n - at);
		if (!nl)
			break; /* torn: never acted on */
		size_t len = (size_t)(nl - s);
		at += len + 1;
		if (len && s[len - 1] == '\r')
			len--;
		char *line = acl_strndup(p, s, len);
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t1 || !t2 || strchr(t2 + 1, '\t'))
			return acl_fail(&e, "journal line %d: not three tab-separated fields", ln);
		*t1++ = 0;
		*t2++ = 0;
		if (ln == 1) {
			if (strcmp(line, "sbx-launch-journal") != 0 || strcmp(t2, "1") != 0)
				return acl_fail(&e, "not an sbx-launch journal (version 1)");
			if (plan && strcmp(t1, plan->prof->container) != 0)
				return acl_fail(&e, "the journal is for container %s, the profile is for %s", t1, plan->prof->container);
			out->container = t1;
			continue;
		}
		if (strcmp(line, "dacl") != 0)
			return acl_fail(&e, "journal line %d: unknown record '%s'", ln, line);
		if (!path_ok(t1))
			return acl_fail(&e, "journal line %d: '%s' is not an absolute, normalised Windows path", ln, t1);
		if (!sddl_ok(t2))
			return acl_fail(&e, "journal line %d: the ACL of %s is not DACL SDDL", ln, t1);
		if (plan) {
			bool named = false;
			for (int k = 0; k < plan->nsteps && !named; k++)
				named = same_path(plan->steps[k].path, t1);
			if (!named)
				return acl_fail(&e, "journal line %d: %s is not a path the profile changes: refusing the whole journal", ln, t1);
			if (out->n >= plan->nsteps)
				return acl_fail(&e, "journal line %d: more records than the profile has grants", ln);
		}
		out->entries[out->n].path = t1;
		out->entries[out->n++].sddl = t2;
	}
	if (!out->container)
		return acl_fail(&e, "the journal has no header line");
	return true;
}

void acl_journal_print(FILE *f, const AclJournal *j)
{
	fprintf(f, "journal for %s: %d ACL(s) to restore, last first\n", j->container, j->n);
	for (int i = j->n - 1; i >= 0; i--)
		fprintf(f, "restore %s %s\n", j->entries[i].path, j->entries[i].sddl);
}
