/*
 * ocitool.c: compile an OCI/Docker seccomp profile the way runc does, with
 * libseccomp itself, and write the BPF program (for tests/seccomp's
 * interpreter to run).
 *
 *   ocitool PROFILE.json ARCH OUT.bpf
 *
 * It reads the profile for a container without added capabilities on
 * ARCH (libseccomp's name): entries needing a capability are skipped, as
 * are entries whose includes/excludes arches rule ARCH out; minKernel is
 * assumed satisfied; an entry whose action is the default action is
 * skipped; a name ARCH does not know is skipped; comparisons are ANDed
 * unless an argument index repeats, then each is a rule of its own (runc).
 * Any rule libseccomp refuses is an error (exit 1): the test then knows the
 * profile would not load in Docker or podman either.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *docker_arch(const char *n)
{
	if (!strcmp(n, "x86_64"))
		return "amd64";
	if (!strcmp(n, "aarch64"))
		return "arm64";
	if (!strcmp(n, "x86"))
		return "x86";
	return n;
}

static int action(const char *s, json_t *errnoret, uint32_t *out)
{
	int e = json_is_integer(errnoret) ? (int)json_integer_value(errnoret) : 1;
	if (!s)
		return -1;
	if (!strcmp(s, "SCMP_ACT_ALLOW"))
		*out = SCMP_ACT_ALLOW;
	else if (!strcmp(s, "SCMP_ACT_ERRNO"))
		*out = SCMP_ACT_ERRNO((uint32_t)e);
	else if (!strcmp(s, "SCMP_ACT_KILL") || !strcmp(s, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL;
	else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS"))
		*out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(s, "SCMP_ACT_TRAP"))
		*out = SCMP_ACT_TRAP;
	else if (!strcmp(s, "SCMP_ACT_LOG"))
		*out = SCMP_ACT_LOG;
	else
		return -1;
	return 0;
}

static int in_list(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), s)) return 1;
	return 0;
}

static enum scmp_compare op_of(const char *s)
{
	static const struct {
		const char *n;
		enum scmp_compare op;
	} m[] = { { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_NE", SCMP_CMP_NE },
		  { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
		  { "SCMP_CMP_GT", SCMP_CMP_GT }, { "SCMP_CMP_GE", SCMP_CMP_GE },
		  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ } };
	for (size_t i = 0; s && i < sizeof m / sizeof m[0]; i++)
		if (!strcmp(m[i].n, s))
			return m[i].op;
	return _SCMP_CMP_MIN;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: ocitool PROFILE.json ARCH OUT.bpf\n");
		return 64;
	}
	json_error_t jerr;
	json_t *root = json_load_file(argv[1], 0, &jerr);
	if (!root) {
		fprintf(stderr, "ocitool: %s:%d: %s\n", argv[1], jerr.line, jerr.text);
		return 1;
	}
	uint32_t arch = seccomp_arch_resolve_name(argv[2]);
	if (!arch) {
		fprintf(stderr, "ocitool: unknown arch %s\n", argv[2]);
		return 1;
	}
	const char *darch = docker_arch(argv[2]);
	uint32_t def;
	if (action(json_string_value(json_object_get(root, "defaultAction")), json_object_get(root, "defaultErrnoRet"), &def)) {
		fprintf(stderr, "ocitool: bad defaultAction\n");
		return 1;
	}
	scmp_filter_ctx ctx = seccomp_init(def);
	/* one arch per filter; the native one goes first (a filter's arches
	 * share a byte order), unless it is the one asked for */
	if (!ctx || (arch != seccomp_arch_native() &&
		     (seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0 || seccomp_arch_add(ctx, arch) < 0))) {
		{
			fprintf(stderr, "ocitool: cannot set up the filter for %s\n", argv[2]);
			return 1;
		}
	}
	size_t i;
	json_t *e;
	int rules = 0;
	json_array_foreach(json_object_get(root, "syscalls"), i, e)
	{
		json_t *inc = json_object_get(e, "includes"), *exc = json_object_get(e, "excludes");
		if (json_array_size(json_object_get(inc, "caps")))
			continue;
		json_t *ia = json_object_get(inc, "arches");
		if (json_array_size(ia) && !in_list(ia, darch))
			continue;
		if (in_list(json_object_get(exc, "arches"), darch))
			continue;
		uint32_t act;
		if (action(json_string_value(json_object_get(e, "action")), json_object_get(e, "errnoRet"), &act)) {
			fprintf(stderr, "ocitool: syscalls[%zu]: unknown action\n", i);
			return 1;
		}
		if (act == def)
			continue;
		json_t *args = json_object_get(e, "args");
		size_t na = json_array_size(args);
		struct scmp_arg_cmp c[6];
		int count[6] = { 0 };
		if (na > 6) {
			fprintf(stderr, "ocitool: syscalls[%zu]: more than 6 comparisons\n", i);
			return 1;
		}
		for (size_t k = 0; k < na; k++) {
			json_t *a = json_array_get(args, k);
			int ix = (int)json_integer_value(json_object_get(a, "index"));
			enum scmp_compare op = op_of(json_string_value(json_object_get(a, "op")));
			if (ix < 0 || ix > 5 || op == _SCMP_CMP_MIN) {
				fprintf(stderr, "ocitool: syscalls[%zu]: bad comparison\n", i);
				return 1;
			}
			count[ix]++;
			c[k] = (struct scmp_arg_cmp){ (unsigned)ix, op, (scmp_datum_t)json_integer_value(json_object_get(a, "value")),
						      (scmp_datum_t)json_integer_value(json_object_get(a, "valueTwo")) };
		}
		int repeated = 0;
		for (int k = 0; k < 6; k++)
			repeated |= count[k] > 1;
		size_t ni;
		json_t *nv;
		json_array_foreach(json_object_get(e, "names"), ni, nv)
		{
			/* libseccomp numbers rules in the native arch's numbering (a
			 * pseudo-number for a call only other arches have), as runc does */
			int nr = seccomp_syscall_resolve_name(json_string_value(nv));
			if (nr == __NR_SCMP_ERROR)
				continue;
			int rc = 0;
			if (!repeated)
				rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)na, c);
			else
				for (size_t k = 0; k < na && rc == 0; k++)
					rc = seccomp_rule_add_array(ctx, act, nr, 1, &c[k]);
			if (rc < 0) {
				fprintf(stderr, "ocitool: syscalls[%zu]: libseccomp refuses the rule for %s: %s\n", i,
					json_string_value(nv), strerror(-rc));
				return 1;
			}
			rules++;
		}
	}
	int fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0 || close(fd) < 0) {
		fprintf(stderr, "ocitool: cannot write %s\n", argv[3]);
		return 1;
	}
	seccomp_release(ctx);
	json_decref(root);
	fprintf(stderr, "ocitool: %d rules\n", rules);
	return 0;
}
