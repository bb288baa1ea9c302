/*
 * check.c: `scmptest check POLICY.sbx [ARCH...]`: compile a policy with the
 * front end, build its filter for each arch (default: every arch this
 * libseccomp knows) and run it on every number of the arch, against
 * scmptest's oracle and, when the policy has syscall rules, against the
 * reference evaluator itself (eval_op) on the kernel's view of the
 * arguments. Prints PASS/FAIL lines named check-POLICY-ARCH.
 */
#include "bpf.h"
#include "unit.h"
#include "../../driver/compile.h"
#include "../../ir/eval.h"

#include <string.h>

/* eval_op's answer as a seccomp return value. */
static uint32_t eval_ret(const Policy *p, const ScmpArch *arch, Str name, const uint64_t *args)
{
	Op op = { .right = R_SYSCALL, .sysname = name, .nargs = 6 };
	for (int i = 0; i < 6; i++)
		op.args[i] = kernel_view(arch, name, i, args[i]);
	Decision d = eval_op(p, &op, PLAT_LINUX);
	if (d.effect == EFF_ALLOW)
		return d.act.kind == ACT_LOG ? 0x7ffc0000u : d.act.kind == ACT_NOTIFY ? 0x7fc00000u : 0x7fff0000u;
	return scmp_ret_of(p, &d.act);
}

static int compare_eval(const char *name, const Policy *p, const ScmpArch *arch, const uint8_t *blob, size_t len)
{
	int bad = 0;
	Arena a;
	arena_init(&a);
	ScmpRules rs;
	scmp_rules(&a, p, arch, &rs);
	/* the evaluator reads the rules built for x86_64; this arch's own
	 * (clone's flags sit in arg1 on s390) */
	Policy q = *p;
	q.derived = rs.added;
	q.nderived = rs.nadded;
	p = &q;
	for (int i = 0; i < arch->nsys; i++) {
		Str sys = str_c(arch->names[i]);
		if (str_eqc(sys, "socketcall") || str_eqc(sys, "ipc"))
			continue; /* multiplexers: checked by check_blob */
		uint64_t vecs[4][6] = { { 0 }, { 1, 1, 1, 1, 1, 1 }, { ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull } };
		int nv = 3;
		for (int r = 0; r < rs.n && nv < 4; r++)
			if (str_eq(rs.v[r]->sys.name, sys) && rs.v[r]->sys.ncmp) {
				memset(vecs[nv], 0, sizeof vecs[nv]);
				for (int j = 0; j < rs.v[r]->sys.ncmp; j++)
					vecs[nv][rs.v[r]->sys.cmp[j].arg] |= rs.v[r]->sys.cmp[j].value;
				nv++;
			}
		for (int v = 0; v < nv; v++) {
			uint64_t args[6];
			for (int k = 0; k < 6; k++)
				args[k] = arch->wide ? vecs[v][k] : (uint32_t)vecs[v][k];
			BpfInput in = { .nr = arch->nr[i], .arch = arch->audit };
			memcpy(in.args, args, sizeof args);
			int steps;
			uint32_t got = bpf_run(blob, len, arch->big_endian, &in, &steps);
			uint32_t want = eval_ret(p, arch, sys, args);
			if (got != want && bad++ < 10)
				fail(name, "%s: %s(%#llx, ...) -> 0x%08x, eval_op says 0x%08x", arch->name, arch->names[i],
				     (unsigned long long)args[0], got, want);
		}
	}
	arena_free(&a);
	return bad;
}

int check_main(int argc, char **argv)
{
	if (argc < 1)
		return 64;
	Compile c;
	compile_init(&c);
	if (!compile_load(&c, argv[0], NULL, 0)) {
		diag_print(stderr, &c.diags);
		printf("FAIL check-%s: does not compile\n", argv[0]);
		compile_free(&c);
		return 1;
	}
	const Policy *p = c.policy;
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	int narch = argc > 1 ? argc - 1 : scmp_arch_count();
	for (int i = 0; i < narch; i++) {
		const ScmpArch *arch = argc > 1 ? scmp_arch_find(str_c(argv[1 + i])) : scmp_arch_at(i);
		char name[256];
		snprintf(name, sizeof name, "check-%s-%s", base, arch ? arch->name : argv[1 + i]);
		if (!arch) {
			fail(name, "unknown arch");
			continue;
		}
		int before = failures;
		Arena a;
		arena_init(&a);
		Diags d = { .arena = &a };
		ScmpProg prog;
		if (!scmp_build(&a, p, arch, &d, &prog)) {
			fail(name, "build failed");
		} else {
			Buf b = { 0 };
			scmp_serialize(&prog, arch, &b);
			check_blob(name, p, arch, (const uint8_t *)b.p, b.n, NULL);
			compare_eval(name, p, arch, (const uint8_t *)b.p, b.n);
			buf_free(&b);
		}
		arena_free(&a);
		if (failures == before)
			printf("PASS %s\n", name);
	}
	compile_free(&c);
	return failures ? 1 : 0;
}
