/*
 * rt_opts.c: the options of sbx-exec and `sbxc run` (rt_opts.h).
 *
 * A table says what each option is and which program takes it; the loop
 * only finds the entry. Numbers are checked against the documented ranges
 * (an ABI from 1 to 99, a descriptor from 3 to 2^20), digits only, never
 * wrapped or truncated (`--abi 4294967301` is not ABI 5): a value that does
 * not fit is named as a bad value, an unknown option as an unknown option,
 * and either is a usage error: the sandbox is never applied with a setting
 * the user did not mean.
 */
#include "rt_opts.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RO_FLAG, RO_PARAM, RO_FORMAT, RO_ABI, RO_KEEP, RO_LOG, RO_DIGEST };
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
	{ "--digest", RO_DIGEST, FOR_EXEC, 0 },
	{ "--accept-wider", RO_FLAG, FOR_RUN, offsetof(RtArgs, accept_wider) },
};

/* Decimal digits only (no sign, space or base prefix), lo <= v <= hi,
 * with no step that can overflow. */
static bool parse_int(const char *s, int lo, int hi, int *out)
{
	long long v = 0;
	if (!*s)
		return false;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		v = v * 10 + (*c - '0');
		if (v > hi)
			return false;
	}
	if (v < lo)
		return false;
	*out = (int)v;
	return true;
}

/* "xxh3:" and 16 lower-case hex digits (what --report prints). */
static bool digest_ok(const char *s)
{
	if (strncmp(s, "xxh3:", 5) != 0 || strlen(s) != 21)
		return false;
	for (s += 5; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

enum { TAKE_OK, TAKE_UNKNOWN, TAKE_NOVALUE, TAKE_BADVALUE };
static const char *const value_help[] = {
	[RO_FORMAT] = "text or json",
	[RO_ABI] = "an integer from 1 to 99",
	[RO_KEEP] = "a descriptor from 3 to 1048576",
	[RO_DIGEST] = "xxh3: and 16 hex digits",
	[RO_PARAM] = "NAME=VALUE",
};

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

/* One option at argv[*i]: TAKE_OK, or why not (*kind says which option's value). */
static int take(RtArgs *a, unsigned who, int argc, char **argv, int *i, int *kind)
{
	const char *arg = argv[*i], *next = *i + 1 < argc ? argv[*i + 1] : NULL;
	for (size_t k = 0; k < ARRAY_N(defs); k++) {
		const RtOptDef *d = &defs[k];
		if (!(d->who & who))
			continue;
		if (d->kind == RO_PARAM && attached(arg, d->name)) {
			a->params[a->o.nparams++] = attached(arg, d->name);
			return TAKE_OK;
		}
		if (strcmp(arg, d->name) != 0)
			continue;
		*kind = d->kind;
		if (d->kind == RO_FLAG) {
			*(bool *)((char *)a + d->flag) = true;
			return TAKE_OK;
		}
		if (!next)
			return TAKE_NOVALUE;
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
		case RO_DIGEST:
			ok = digest_ok(next);
			a->o.expect_digest = next;
			break;
		default:
			ok = parse_int(next, 3, 1 << 20, &a->keep[a->o.nkeep]);
			a->o.nkeep += ok;
			break;
		}
		*i += ok;
		return ok ? TAKE_OK : TAKE_BADVALUE;
	}
	return TAKE_UNKNOWN;
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
		int kind = RO_FLAG, t = option ? take(a, who, argc, argv, &i, &kind) : TAKE_OK;
		if (t == TAKE_UNKNOWN)
			return misuse(cli, a, "unknown option '", arg);
		if (t != TAKE_OK) {
			fprintf(stderr, "%s: %s %s%s%s (want %s)\n%s", cli->prog, arg,
				t == TAKE_NOVALUE ? "needs a value" : "has a bad value '",
				t == TAKE_NOVALUE ? "" : argv[i + 1], t == TAKE_NOVALUE ? "" : "'", value_help[kind], cli->usage);
			return stop(a, SBX_EXIT_USAGE);
		}
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
