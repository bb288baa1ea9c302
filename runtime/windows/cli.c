/*
 * cli.c: sbx-launch's command line and flow, the same on every system.
 *
 *   read the profile -> check it -> make the plan -> --plan: print, stop
 *                                                 -> else: os->run(plan)
 *   --undo JOURNAL -> os->undo
 *
 * Errors before anything is applied exit 126 (the sandbox cannot be applied
 * as the policy requires) with one line on stderr; usage errors exit 64.
 */
#include "launch.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: sbx-launch [--param NAME=VALUE]... [--cwd DIR] [--journal FILE] [--plan] PROFILE.appcontainer.json -- COMMAND [ARGS...]\n"
	"       sbx-launch [--param NAME=VALUE]... [--plan] --undo JOURNAL PROFILE.appcontainer.json\n"
	"\n"
	"Runs COMMAND in the AppContainer an sbxc profile describes: creates (or reuses)\n"
	"the container, grants its file ACEs (recording each original ACL in a journal),\n"
	"starts COMMAND with the profile's capabilities, waits, restores the ACLs, and\n"
	"exits with COMMAND's status (126: the sandbox could not be applied; 127: COMMAND\n"
	"could not be started).\n"
	"\n"
	"  --param NAME=VALUE  value of a %NAME% in the profile's paths (else SBX_PARAM_NAME; USERPROFILE, TEMP: the environment)\n"
	"  --cwd DIR           the directory COMMAND starts in (default: the current one); the container must be able to open it\n"
	"  --journal FILE      where to record original ACLs (default %LOCALAPPDATA%\\sbxc\\CONTAINER.journal)\n"
	"  --plan              print what would be done, change nothing\n"
	"  --undo JOURNAL      restore the ACLs a run that did not finish left changed: only paths the\n"
	"                      profile (resolved with the same --param values) changes; --plan: list them\n";

int acl_main(int argc, char **argv, const AclOs *os)
{
	AclPool pool = { 0 };
	AclSet *sets = acl_alloc(&pool, sizeof *sets * (size_t)(argc + 1));
	int nsets = 0, rc = ACL_EX_SANDBOX;
	bool plan_only = false;
	const char *journal = NULL, *undo = NULL, *profile = NULL, *cwd_arg = NULL;
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			acl_pool_free(&pool);
			return 0;
		} else if (strcmp(a, "--plan") == 0) {
			plan_only = true;
		} else if ((strcmp(a, "--param") == 0 || strcmp(a, "--journal") == 0 || strcmp(a, "--undo") == 0 ||
			    strcmp(a, "--cwd") == 0) && i + 1 < argc) {
			const char *v = argv[++i];
			if (a[2] == 'c') {
				cwd_arg = v;
			} else if (a[2] == 'j') {
				journal = v;
			} else if (a[2] == 'u') {
				undo = v;
			} else {
				const char *eq = strchr(v, '=');
				if (!eq || eq == v) {
					fprintf(stderr, "sbx-launch: --param wants NAME=VALUE, not '%s'\n", v);
					goto usage_error;
				}
				sets[nsets].name = acl_strndup(&pool, v, (size_t)(eq - v));
				sets[nsets++].value = eq + 1;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "sbx-launch: unknown option '%s'\n", a);
			goto usage_error;
		} else if (!profile) {
			profile = a;
		} else {
			fprintf(stderr, "sbx-launch: the command follows '--' (got '%s')\n", a);
			goto usage_error;
		}
	}
	if (undo && (!profile || i < argc)) {
		fputs("sbx-launch: --undo takes the journal and the profile of the run that wrote it, no command\n", stderr);
		goto usage_error;
	}
	if (undo && !plan_only && !os->undo) {
		fprintf(stderr, "sbx-launch: --undo needs Windows (this is %s); --plan --undo checks a journal anywhere\n", os->name);
		acl_pool_free(&pool);
		return ACL_EX_USAGE;
	}
	if (!undo && (!profile || i >= argc)) {
		fputs(profile ? "sbx-launch: no command after '--'\n" : "sbx-launch: no profile given\n", stderr);
		goto usage_error;
	}

	char err[1024] = "";
	char *text;
	size_t n;
	if (!os->read_file(&pool, profile, &text, &n, err, sizeof err)) {
		fprintf(stderr, "sbx-launch: %s: %s\n", profile, err);
		goto out;
	}
	Json *root = acl_json_parse(&pool, text, n, err, sizeof err);
	AclProfile prof;
	if (!root || !acl_profile_read(&pool, root, &prof, err, sizeof err)) {
		fprintf(stderr, "sbx-launch: %s: %s\n", profile, err);
		goto out;
	}
	if (!journal && os->default_journal)
		journal = os->default_journal(&pool, prof.container);
	AclPlan plan;
	char *cwd = cwd_arg ? acl_strndup(&pool, cwd_arg, strlen(cwd_arg)) : os->cwd(&pool);
	if (!acl_plan_make(&pool, &prof, sets, nsets, os->getenv, os->envctx, cwd, argv + i, argc - i, journal, &plan, err,
			   sizeof err)) {
		fprintf(stderr, "sbx-launch: %s: %s\n", profile, err);
		goto out;
	}
	if (undo) {
		char *jt;
		size_t jn;
		AclJournal j;
		if (!os->read_file(&pool, undo, &jt, &jn, err, sizeof err) ||
		    !acl_journal_parse(&pool, jt, jn, &plan, &j, err, sizeof err)) {
			fprintf(stderr, "sbx-launch: %s: %s\n", undo, err);
			goto out;
		}
		if (plan_only) {
			acl_journal_print(stdout, &j);
			rc = fflush(stdout) == 0 ? 0 : ACL_EX_SANDBOX;
		} else {
			rc = os->undo(undo, &j);
		}
		goto out;
	}
	if (plan_only) {
		acl_plan_print(stdout, &plan);
		rc = fflush(stdout) == 0 ? 0 : ACL_EX_SANDBOX;
		goto out;
	}
	if (!os->run) {
		fprintf(stderr, "sbx-launch: running needs Windows (this is %s); --plan works anywhere\n", os->name);
		rc = ACL_EX_USAGE;
		goto out;
	}
	rc = os->run(&plan);
out:
	acl_pool_free(&pool);
	return rc;
usage_error:
	fputs(usage, stderr);
	acl_pool_free(&pool);
	return ACL_EX_USAGE;
}
