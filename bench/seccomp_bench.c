/*
 * seccomp_bench.c: sbxc's seccomp generator against libseccomp's default
 * and binary-tree outputs, on the same rules (examples/docker-default.sbx
 * unless a policy is given), on x86_64: program length, instructions
 * executed per allowed call (average, maximum; run in tests/seccomp/bpf.c
 * with zero arguments) and the time to generate (median of many runs).
 *   seccomp_bench [POLICY.sbx]
 */
#include "../tests/seccomp/bpf.h"
#include "../target/seccomp.h"
#include "../driver/compile.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *what, const ScmpArch *arch, const uint8_t *blob, size_t len, double us)
{
	long n = 0, sum = 0;
	int max = 0, steps;
	BpfInput in = { .arch = arch->audit };
	for (int i = 0; i < arch->nsys; i++) {
		in.nr = arch->nr[i];
		uint32_t r = bpf_run(blob, len, arch->big_endian, &in, &steps);
		if ((r & 0xffff0000u) == 0x7fff0000u) {
			n++;
			sum += steps;
			max = steps > max ? steps : max;
		}
	}
	printf("%-26s %6zu %8ld %7.2f %5d %10.1f\n", what, len / 8, n, n ? (double)sum / (double)n : 0.0, max, us);
}

static uint32_t scmp_action(const Policy *p, const Rule *r)
{
	uint32_t v = r->effect == EFF_ALLOW ? SCMP_ACT_ALLOW : scmp_ret_of(p, &r->act);
	return v;
}

/* The same rules through libseccomp; optimize: 1 default, 2 binary tree. */
static bool libseccomp_blob(const Policy *p, int optimize, Buf *out, double *us)
{
	enum { RUNS = 50 };
	double t[RUNS];
	for (int run = 0; run < RUNS; run++) {
		double t0 = now_us();
		scmp_filter_ctx ctx = seccomp_init(scmp_ret_of(p, &p->default_action));
		if (!ctx)
			return false;
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t)optimize);
		for (int i = 0; i < p->nrules; i++) {
			const Rule *r = &p->rules[i];
			if (r->right != R_SYSCALL)
				continue;
			char name[64];
			snprintf(name, sizeof name, "%.*s", STRF(r->sys.name));
			int nr = seccomp_syscall_resolve_name(name);
			if (nr == __NR_SCMP_ERROR)
				continue;
			struct scmp_arg_cmp c[6];
			for (int j = 0; j < r->sys.ncmp && j < 6; j++) {
				const ArgCmp *a = &r->sys.cmp[j];
				static const int ops[] = { SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_GT, SCMP_CMP_GE };
				if (a->mask != ~0ull)
					c[j] = (struct scmp_arg_cmp){ a->arg, SCMP_CMP_MASKED_EQ, a->mask, a->value };
				else
					c[j] = (struct scmp_arg_cmp){ a->arg, (enum scmp_compare)ops[a->op], a->value, 0 };
			}
			seccomp_rule_add_exact_array(ctx, scmp_action(p, r), nr, (unsigned)r->sys.ncmp, c);
		}
		int fd = memfd_create("bpf", 0);
		if (seccomp_export_bpf(ctx, fd) != 0)
			return false;
		t[run] = now_us() - t0;
		if (run == RUNS - 1) {
			off_t n = lseek(fd, 0, SEEK_END);
			out->n = 0;
			char *m = malloc((size_t)n);
			if (pread(fd, m, (size_t)n, 0) != n)
				return false;
			buf_put(out, m, (size_t)n);
			free(m);
		}
		close(fd);
		seccomp_release(ctx);
	}
	qsort(t, RUNS, sizeof t[0], cmp_d);
	*us = t[RUNS / 2];
	return true;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "examples/docker-default.sbx";
	Compile c;
	compile_init(&c);
	double t0 = now_us();
	if (!compile_load(&c, path, NULL, 0)) {
		diag_print(stderr, &c.diags);
		return 1;
	}
	double load_us = now_us() - t0;
	const ScmpArch *arch = scmp_arch_find(STR("x86_64"));
	enum { RUNS = 200 };
	double t[RUNS];
	Buf ours = { 0 };
	for (int run = 0; run < RUNS; run++) {
		Arena a;
		arena_init(&a);
		Diags d = { .arena = &a };
		ScmpProg prog;
		double s = now_us();
		if (!scmp_build(&a, c.policy, arch, &d, &prog))
			return 1;
		ours.n = 0;
		scmp_serialize(&prog, arch, &ours);
		t[run] = now_us() - s;
		arena_free(&a);
	}
	qsort(t, RUNS, sizeof t[0], cmp_d);
	printf("policy %s on x86_64 (front end: %.1f us, first run, includes reading the file)\n", path, load_us);
	printf("%-26s %6s %8s %7s %5s %10s\n", "generator", "insns", "allowed", "avg", "max", "gen us");
	report("sbxc", arch, (const uint8_t *)ours.p, ours.n, t[RUNS / 2]);
	Buf b = { 0 };
	double us;
	if (libseccomp_blob(c.policy, 1, &b, &us))
		report("libseccomp default", arch, (const uint8_t *)b.p, b.n, us);
	if (libseccomp_blob(c.policy, 2, &b, &us))
		report("libseccomp binary tree", arch, (const uint8_t *)b.p, b.n, us);
	printf("targets: insns <= 100, avg <= 9, max <= 14, generation <= 1000 us\n");
	buf_free(&b);
	buf_free(&ours);
	compile_free(&c);
	return 0;
}
