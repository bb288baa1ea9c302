/*
 * runtime_exec1.c: the benchmark's baseline for "one extra exec": a static
 * binary that does nothing but execv its arguments, so that sbx-exec's
 * overhead can be read as (sbx-exec) - (exec1), both static.
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 64;
	execv(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
