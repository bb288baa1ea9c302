/*
 * rt_opts.h: the command line of the two programs that apply Linux
 * artifacts, sbx-exec and `sbxc run`. One parser reads both, so an option,
 * its limits and its messages mean the same in each; what differs (how a
 * param is spelled, whether the policy is compiled first) is data in the
 * RtCli a program passes.
 */
#ifndef SBX_RT_OPTS_H
#define SBX_RT_OPTS_H

#include "sbx.h"

typedef struct RtCli {
	const char *prog;    /* for messages: "sbx-exec", "sbxc run" */
	const char *usage;   /* printed by --help, and after a usage error */
	bool compiles;       /* sbxc run: -D NAME=VALUE and --accept-wider, instead of --param */
	const char *abi_env; /* an environment variable that forces the ABI as --abi does, or NULL */
} RtCli;

typedef struct RtArgs {
	SbxOpts o;           /* params and keep_fds point into the arrays below */
	const char *file;    /* the artifact (sbx-exec) or the policy (sbxc run) */
	char **cmd;          /* after `--`, NULL-terminated; empty only with --dry-run */
	bool accept_wider;   /* sbxc run: compile rules enforced more widely */
	const char **params; /* owned; rt_args_free */
	int *keep;
} RtArgs;

/* Parses argv[1..]. Returns -1 when the program goes on with *a (free it
 * with rt_args_free), else the exit status to end with now: 0 after
 * --help, SBX_EXIT_USAGE after a message, with nothing left to free. */
int rt_args_parse(const RtCli *cli, int argc, char **argv, RtArgs *a);
void rt_args_free(RtArgs *a);

#endif
