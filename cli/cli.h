/* cli.h: the subcommands, one file each where they are large. */
#ifndef SBX_CLI_H
#define SBX_CLI_H
int cmd_run(int argc, char **argv);    /* cli/cmd_run.c */
int cmd_import(int argc, char **argv); /* cli/cmd_import.c */
#endif
