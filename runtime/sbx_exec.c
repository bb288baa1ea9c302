/*
 * sbx_exec.c: `sbx-exec`, apply committed Linux artifacts and run a command.
 *
 *   sbx-exec [--param NAME=VALUE]... [options] ARTIFACT.landlock -- CMD ARGS
 *
 * Only option parsing lives here; libsbx (sbx.h) does the work, the same
 * code `sbxc run` calls. Built static so that starting it costs one exec
 * of a small binary and nothing from the dynamic loader.
 */
#include "sbx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: sbx-exec [--param NAME=VALUE]... [options] ARTIFACT.landlock -- COMMAND [ARGS...]\n"
	"Apply a compiled Linux policy (Landlock rule set + seccomp filter) and run COMMAND.\n"
	"  --param NAME=VALUE  value of a policy param (also SBX_PARAM_NAME in the environment)\n"
	"  --report            print what is enforced, stricter and degraded (stderr)\n"
	"  --format text|json  the report's format\n"
	"  --dry-run           resolve and report, apply and run nothing\n"
	"  --abi N             behave as on Landlock ABI N if the kernel's is higher (tests;\n"
	"                      also SBX_LANDLOCK_ABI=N)\n"
	"  --best-effort       run with what the kernel lacks left open, loudly, instead of refusing\n"
	"  --no-seccomp        run without the seccomp filter (reported)\n"
	"  --keep-fd N         let COMMAND inherit descriptor N (0-2 always are)\n"
	"Exit status: COMMAND's own; 126 the sandbox cannot be applied; 127 COMMAND cannot be run;\n"
	"64 bad usage.\n";

static bool parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

int main(int argc, char **argv)
{
	SbxOpts o = { .prog = "sbx-exec" };
	const char **params = calloc((size_t)argc, sizeof *params);
	int *keep = calloc((size_t)argc, sizeof *keep);
	const char *artifact = NULL;
	int i;
	if (!params || !keep)
		return SBX_EXIT_CANNOT_ENFORCE;
	const char *env_abi = getenv("SBX_LANDLOCK_ABI");
	if (env_abi && *env_abi && !parse_int(env_abi, 1, 99, &o.force_abi)) {
		fprintf(stderr, "sbx-exec: bad SBX_LANDLOCK_ABI '%s'\n", env_abi);
		return SBX_EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(a, "--param") == 0 && next) {
			params[o.nparams++] = next;
			i++;
		} else if (strncmp(a, "--param=", 8) == 0) {
			params[o.nparams++] = a + 8;
		} else if (strcmp(a, "--report") == 0) {
			o.report = true;
		} else if (strcmp(a, "--format") == 0 && next && (!strcmp(next, "json") || !strcmp(next, "text"))) {
			o.json = strcmp(next, "json") == 0;
			i++;
		} else if (strcmp(a, "--dry-run") == 0) {
			o.dry_run = true;
		} else if (strcmp(a, "--abi") == 0 && next && parse_int(next, 1, 99, &o.force_abi)) {
			i++;
		} else if (strcmp(a, "--best-effort") == 0) {
			o.best_effort = true;
		} else if (strcmp(a, "--no-seccomp") == 0) {
			o.no_seccomp = true;
		} else if (strcmp(a, "--keep-fd") == 0 && next && parse_int(next, 3, 1 << 20, &keep[o.nkeep])) {
			o.nkeep++;
			i++;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "sbx-exec: bad option '%s'\n%s", a, usage);
			return SBX_EXIT_USAGE;
		} else if (!artifact) {
			artifact = a;
		} else {
			fprintf(stderr, "sbx-exec: '--' expected before the command\n%s", usage);
			return SBX_EXIT_USAGE;
		}
	}
	if (!artifact || (i >= argc && !o.dry_run)) {
		fputs(usage, stderr);
		return SBX_EXIT_USAGE;
	}
	o.params = params;
	o.keep_fds = keep;
	int status = sbx_exec(artifact, &o, argv + i);
	free(params);
	free(keep);
	return status;
}
