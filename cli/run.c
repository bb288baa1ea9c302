/*
 * run.c: `sbxc run`: compile a policy for this host (cached) and run a
 * command under it. Not implemented yet.
 */
#include <stdio.h>
#include "cli.h"

int cmd_run(int argc, char **argv)
{
	fprintf(stderr, "sbxc run: not implemented yet\n");
	return 126;
}
