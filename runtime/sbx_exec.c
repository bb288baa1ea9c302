/*
 * sbx_exec.c: `sbx-exec`, apply committed Linux artifacts and run a command.
 *
 *   sbx-exec [--param NAME=VALUE]... [options] ARTIFACT.landlock -- CMD ARGS
 *
 * Only the usage lives here: rt_opts.c parses the options, as it does for
 * `sbxc run`, and libsbx (sbx.h) does the work, the same code `sbxc run`
 * calls. Built static so that starting it costs one exec of a small
 * binary and nothing from the dynamic loader.
 */
#include "rt_opts.h"

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
	"  --log FILE|-        write each decision of the supervisor and the egress proxy to FILE or stderr\n"
	"  --digest xxh3:HEX   refuse the artifact unless its XXH3-64 is HEX (from --report)\n"
	"Exit status: COMMAND's own; 126 the sandbox cannot be applied; 127 COMMAND cannot be run;\n"
	"64 bad usage.\n";

int main(int argc, char **argv)
{
	static const RtCli cli = { "sbx-exec", usage, false, "SBX_LANDLOCK_ABI" };
	RtArgs a;
	int status = rt_args_parse(&cli, argc, argv, &a);
	if (status >= 0)
		return status;
	status = sbx_exec(a.file, &a.o, a.cmd);
	rt_args_free(&a);
	return status;
}
