/*
 * import.c: `sbxc import srt|oci FILE`: write an sbx policy from another
 * tool's settings. Not implemented yet.
 */
#include <stdio.h>
#include "cli.h"

int cmd_import(int argc, char **argv)
{
	fprintf(stderr, "sbxc import: not implemented yet\n");
	return 64;
}
