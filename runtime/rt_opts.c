/*
 * rt_opts.c: the options of sbx-exec and `sbxc run` (rt_opts.h).
 *
 * A table says what each option is and which program takes it; the loop
 * only finds the entry. Numbers are checked against the documented ranges
 * (an ABI from 1 to 99, a descriptor above 2), and a value that does not
 * fit makes the option a bad one, as an unknown option is: the sandbox is
 * never applied with a setting the user did not mean.
 */
#include "rt_opts.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RO_FLAG, RO_PARAM, RO_FORMAT, RO_ABI, RO_KEEP, RO_LOG };
enum { FOR_EXEC = 1, FOR_RUN = 2, FOR_BOTH = 3 };

typedef struct RtOptDef {
	const char *name;
	unsigned char kind; /* RO_FLAG takes no value; the others take the next argument */
	unsigned char who;  /* FOR_*: the programs that know it */
	size_t flag;        /* RO_FLAG: offsetof the bool in RtArgs */
} RtOptDef;

static const RtOptDef defs[] = {
	{ "--param", RO_PARAM, FOR_EXEC, 0 },
	{ "-D", RO_PARAM, FOR_RUN, 0 },
	{ "--report", RO_FLAG, FOR_BOTH, offsetof(RtArgs, o.report) },
	{ "--format", RO_FORMAT, FOR_BOTH, 0 },
	{ "--dry-run", RO_FLAG, FOR_BOTH, offsetof(RtArgs, o.dry_run) },
	{ "--abi", RO_ABI, FOR_BOTH, 0 },
	{ "--best-effort", RO_FLAG, FOR_BOTH, offsetof(RtArgs, o.best_effort) },
	{ "--no-seccomp", RO_FLAG, FOR_BOTH, offsetof(RtArgs, o.no_seccomp) },
	{ "--keep-fd", RO_KEEP, FOR_BOTH, 0 },
	{ "--log", RO_LOG, FOR_BOTH, 0 },
	{ "--accept-wider", RO_FLAG, FOR_RUN, offsetof(RtArgs, accept_wider) },
};

static bool parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* A param's value written into the option itself: `--param=N=V`, `-DN=V`. */
static const char *attached(const char *arg, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n) != 0 || !arg[n])
		return NULL;
	if (name[1] == '-')
		return arg[n] == '=' ? arg + n + 1 : NULL;
	return arg + n;
}

/* One option at argv[*i]; false if it is unknown to this program or its value is bad. */
static bool take(RtArgs *a, unsigned who, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *next = *i + 1 < argc ? argv[*i + 1] : NULL;
	for (size_t k = 0; k < ARRAY_N(defs); k++) {
		const RtOptDef *d = &defs[k];
		if (!(d->who & who))
			continue;
		if (d->kind == RO_PARAM && attached(arg, d->name)) {
			a->params[a->o.nparams++] = attached(arg, d->name);
			return true;
		}
		if (strcmp(arg, d->name) != 0)
			continue;
		if (d->kind == RO_FLAG) {
			*(bool *)((char *)a + d->flag) = true;
			return true;
		}
		if (!next)
			return false;
		bool ok = true;
		switch (d->kind) {
		case RO_PARAM:
			a->params[a->o.nparams++] = next;
			break;
		case RO_FORMAT:
			ok = !strcmp(next, "json") || !strcmp(next, "text");
			a->o.json = !strcmp(next, "json");
			break;
		case RO_ABI:
			ok = parse_int(next, 1, 99, &a->o.force_abi);
			break;
		case RO_LOG:
			a->o.log = next; /* opened by the supervisor, outside the sandbox */
			break;
		default:
			ok = parse_int(next, 3, 1 << 20, &a->keep[a->o.nkeep]);
			a->o.nkeep += ok;
			break;
		}
		*i += ok;
		return ok;
	}
	return false;
}

void rt_args_free(RtArgs *a)
{
	free(a->params);
	free(a->keep);
	a->params = NULL;
	a->keep = NULL;
}

static int stop(RtArgs *a, int status)
{
	rt_args_free(a);
	return status;
}

/* what + arg + "'" when arg names the culprit, then the usage. */
static int misuse(const RtCli *cli, RtArgs *a, const char *what, const char *arg)
{
	fprintf(stderr, "%s: %s%s%s\n%s", cli->prog, what, arg ? arg : "", arg ? "'" : "", cli->usage);
	return stop(a, SBX_EXIT_USAGE);
}

int rt_args_parse(const RtCli *cli, int argc, char **argv, RtArgs *a)
{
	memset(a, 0, sizeof *a);
	a->o.prog = cli->prog;
	a->params = calloc((size_t)argc + 1, sizeof *a->params);
	a->keep = calloc((size_t)argc + 1, sizeof *a->keep);
	if (!a->params || !a->keep)
		return stop(a, SBX_EXIT_CANNOT_ENFORCE);
	const char *env = cli->abi_env ? getenv(cli->abi_env) : NULL;
	if (env && *env && !parse_int(env, 1, 99, &a->o.force_abi)) {
		fprintf(stderr, "%s: bad %s '%s'\n", cli->prog, cli->abi_env, env);
		return stop(a, SBX_EXIT_USAGE);
	}
	unsigned who = cli->compiles ? FOR_RUN : FOR_EXEC;
	int i = 1;
	while (i < argc && strcmp(argv[i], "--") != 0) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			fputs(cli->usage, stdout);
			return stop(a, 0);
		}
		bool option = arg[0] == '-' && arg[1];
		if (option && !take(a, who, argc, argv, &i))
			return misuse(cli, a, "bad option '", arg);
		if (!option && a->file)
			return misuse(cli, a, "'--' expected before the command", NULL);
		if (!option)
			a->file = arg;
		i++;
	}
	i += i < argc; /* the `--` */
	if (!a->file || (i >= argc && !a->o.dry_run)) {
		fputs(cli->usage, stderr);
		return stop(a, SBX_EXIT_USAGE);
	}
	a->cmd = argv + i;
	a->o.params = a->params;
	a->o.keep_fds = a->keep;
	return -1;
}
