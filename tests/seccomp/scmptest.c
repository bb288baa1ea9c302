/*
 * scmptest.c: the seccomp backend's test tool.
 *
 *   scmptest unit                  generator checks on hand-built policies
 *   scmptest check POLICY.sbx [ARCH...]   compile with the front end, run every
 *                                  blob on every number of its arch against the
 *                                  reference evaluator (ir/eval.c)
 *   scmptest disasm FILE.bpf ARCH  disassemble (golden files)
 *   scmptest stats FILE.bpf ARCH   instructions, executed per allowed call
 *
 * The filter is judged by running its serialized bytes in tests/seccomp/bpf.c
 * (both byte orders: the arch's own) on seccomp_data inputs: every number
 * of the arch, boundary values of every argument a rule compares, and the
 * kernel's view of 32-bit arguments (their low word).
 */
#include "bpf.h"
#include "../../target/seccomp.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

int failures;

void fail(const char *name, const char *fmt, ...)
{
	va_list ap;
	failures++;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---- the oracle: the language's meaning for syscall rules (spec 6) ---- */

static bool cmp_true(const ArgCmp *c, uint64_t a)
{
	uint64_t x = a & c->mask;
	switch (c->op) {
	case CMP_EQ: return x == c->value;
	case CMP_NE: return x != c->value;
	case CMP_LT: return x < c->value;
	case CMP_LE: return x <= c->value;
	case CMP_GT: return x > c->value;
	case CMP_GE: return x >= c->value;
	}
	return false;
}

/* What the kernel passes: a 32-bit argument's high word is not the argument. */
uint64_t kernel_view(const ScmpArch *arch, Str name, int arg, uint64_t v)
{
	if (!arch->wide)
		return (uint32_t)v;
	bool ptr, w32;
	if (scmp_arg_check(name, arg, &ptr, &w32) && w32)
		return (uint32_t)v;
	return v;
}

uint32_t oracle(const Policy *p, const ScmpRules *rs, const ScmpArch *arch, Str name, const uint64_t *args)
{
	uint64_t kv[6];
	for (int i = 0; i < 6; i++)
		kv[i] = kernel_view(arch, name, i, args[i]);
	const Rule *cdeny = NULL, *udeny = NULL;
	bool callow = false, uallow = false;
	for (int i = 0; i < rs->n; i++) {
		const Rule *r = rs->v[i];
		if (!str_eq(r->sys.name, name))
			continue;
		bool m = true;
		for (int j = 0; j < r->sys.ncmp && m; j++)
			m = cmp_true(&r->sys.cmp[j], kv[r->sys.cmp[j].arg]);
		if (!m)
			continue;
		if (r->sys.ncmp) {
			if (r->effect == EFF_DENY && !cdeny)
				cdeny = r;
			if (r->effect == EFF_ALLOW)
				callow = true;
		} else {
			if (r->effect == EFF_DENY && !udeny)
				udeny = r;
			if (r->effect == EFF_ALLOW)
				uallow = true;
		}
	}
	if (cdeny)
		return scmp_ret_of(p, &cdeny->act);
	if (callow)
		return 0x7fff0000u;
	if (udeny)
		return scmp_ret_of(p, &udeny->act);
	if (uallow)
		return 0x7fff0000u;
	return scmp_ret_of(p, &rs->fallback);
}

static bool has_cond(const ScmpRules *rs, const char *name)
{
	for (int i = 0; i < rs->n; i++)
		if (str_eqc(rs->v[i]->sys.name, name) && rs->v[i]->sys.ncmp)
			return true;
	return false;
}

static bool named(const ScmpRules *rs, const char *name)
{
	for (int i = 0; i < rs->n; i++)
		if (str_eqc(rs->v[i]->sys.name, name))
			return true;
	return false;
}

static const struct { uint32_t call; const char *name; } socksubs[] = {
	{ 1, "socket" }, { 2, "bind" }, { 3, "connect" }, { 4, "listen" }, { 5, "accept" },
	{ 6, "getsockname" }, { 7, "getpeername" }, { 8, "socketpair" }, { 9, "send" },
	{ 10, "recv" }, { 11, "sendto" }, { 12, "recvfrom" }, { 13, "shutdown" },
	{ 14, "setsockopt" }, { 15, "getsockopt" }, { 16, "sendmsg" }, { 17, "recvmsg" },
	{ 18, "accept4" }, { 19, "recvmmsg" }, { 20, "sendmmsg" },
}, ipcsubs[] = {
	{ 1, "semop" }, { 2, "semget" }, { 3, "semctl" }, { 4, "semtimedop" }, { 11, "msgsnd" },
	{ 12, "msgrcv" }, { 13, "msgget" }, { 14, "msgctl" }, { 21, "shmat" }, { 22, "shmdt" },
	{ 23, "shmget" }, { 24, "shmctl" },
};

/* Argument vectors worth trying for a call: boundaries of every comparison. */
static int arg_vectors(const ScmpRules *rs, Str name, uint64_t (*out)[6], int max)
{
	int n = 0;
	memset(out[n++], 0, sizeof out[0]);
	uint64_t cand[6][64];
	int nc[6] = { 0 };
	for (int a = 0; a < 6; a++) {
		cand[a][nc[a]++] = 0;
		cand[a][nc[a]++] = ~0ull;
		cand[a][nc[a]++] = 0xffffffffull;
	}
	for (int i = 0; i < rs->n; i++) {
		const Rule *r = rs->v[i];
		if (!str_eq(r->sys.name, name))
			continue;
		uint64_t base[6] = { 0 };
		for (int j = 0; j < r->sys.ncmp; j++) {
			const ArgCmp *c = &r->sys.cmp[j];
			base[c->arg] |= c->value;
			uint64_t v = c->value;
			uint64_t more[] = { v, v - 1, v + 1, v | ~c->mask, v + (1ull << 32), v ^ (1ull << 63),
					    c->mask, v | (c->mask & ~v & (c->mask - 1)) };
			for (size_t k = 0; k < sizeof more / sizeof more[0] && nc[c->arg] < 64; k++)
				cand[c->arg][nc[c->arg]++] = more[k];
		}
		if (n < max)
			memcpy(out[n++], base, sizeof base);
		for (int j = 0; j < r->sys.ncmp; j++) {
			int a = r->sys.cmp[j].arg;
			for (int k = 0; k < nc[a] && n < max; k++) {
				memcpy(out[n], base, sizeof base);
				out[n++][a] = cand[a][k];
			}
		}
	}
	/* mixtures, from a fixed seed */
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	for (int t = 0; t < 64 && n < max; t++) {
		for (int a = 0; a < 6; a++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			out[n][a] = cand[a][(seed >> 33) % (uint64_t)nc[a]];
		}
		n++;
	}
	return n;
}

typedef struct Stats {
	int insns;
	long allowed, steps_sum;
	int steps_max;
} Stats;

/* Run the blob on everything; count failures under `name`. */
int check_blob(const char *name, const Policy *p, const ScmpArch *arch, const uint8_t *blob, size_t len,
	       Stats *st)
{
	int before = failures;
	Arena a;
	arena_init(&a);
	ScmpRules rs;
	scmp_rules(&a, p, arch, &rs);
	const char *bad = bpf_validate(blob, len, arch->big_endian);
	if (bad) {
		fail(name, "%s: invalid program: %s", arch->name, bad);
		arena_free(&a);
		return 1;
	}
	if (st)
		memset(st, 0, sizeof *st), st->insns = (int)(len / 8);
	BpfInput in = { .arch = arch->audit };
	int steps;
	uint32_t kill = 0x80000000u, enosys = 0x00050000u | 38;
	/* wrong arch */
	in.arch = arch->audit ^ 1;
	if (bpf_run(blob, len, arch->big_endian, &in, &steps) != kill)
		fail(name, "%s: another arch is not killed", arch->name);
	in.arch = arch->audit;
	uint64_t (*vec)[6] = malloc(sizeof *vec * 512);
	int reported = 0;
	for (int i = 0; i < arch->nsys; i++) {
		Str sys = str_c(arch->names[i]);
		in.nr = arch->nr[i];
		bool mux = (str_eqc(sys, "socketcall") || str_eqc(sys, "ipc")) && !named(&rs, arch->names[i]);
		if (mux) {
			bool ipc = str_eqc(sys, "ipc");
			for (uint32_t call = 0; call < 30; call++) {
				const char *sub = NULL;
				if (ipc) {
					for (size_t k = 0; k < sizeof ipcsubs / sizeof ipcsubs[0]; k++)
						if (ipcsubs[k].call == call)
							sub = ipcsubs[k].name;
				} else {
					for (size_t k = 0; k < sizeof socksubs / sizeof socksubs[0]; k++)
						if (socksubs[k].call == call)
							sub = socksubs[k].name;
				}
				uint64_t z[6] = { 0 };
				uint32_t want = !sub ? scmp_ret_of(p, &rs.fallback)
					      : has_cond(&rs, sub) ? scmp_ret_of(p, &p->default_action)
								   : oracle(p, &rs, arch, str_c(sub), z);
				for (uint64_t ver = 0; ver < (ipc ? 2 : 1); ver++) {
					in.args[0] = call | ver << 16;
					uint32_t got = bpf_run(blob, len, arch->big_endian, &in, &steps);
					if (got != want && reported++ < 20)
						fail(name, "%s: %s(%u) -> 0x%08x, want 0x%08x", arch->name, arch->names[i],
						     call, got, want);
				}
			}
			memset(in.args, 0, sizeof in.args);
			continue;
		}
		int nv = arg_vectors(&rs, sys, vec, 512);
		for (int v = 0; v < nv; v++) {
			uint64_t args[6];
			for (int k = 0; k < 6; k++)
				args[k] = arch->wide ? vec[v][k] : (uint32_t)vec[v][k];
			memcpy(in.args, args, sizeof args);
			uint32_t want = oracle(p, &rs, arch, sys, args);
			uint32_t got = bpf_run(blob, len, arch->big_endian, &in, &steps);
			if (got != want && reported++ < 20)
				fail(name, "%s: %s(%#llx, %#llx, %#llx, %#llx) -> 0x%08x, want 0x%08x", arch->name,
				     arch->names[i], (unsigned long long)args[0], (unsigned long long)args[1],
				     (unsigned long long)args[2], (unsigned long long)args[3], got, want);
			if (st && v == 0 && (want & 0xffff0000u) == 0x7fff0000u) {
				st->allowed++;
				st->steps_sum += steps;
				if (steps > st->steps_max)
					st->steps_max = steps;
			}
		}
	}
	free(vec);
	memset(in.args, 0, sizeof in.args);
	/* numbers outside the table */
	uint64_t probes[] = { 0, 1, 423, 424, 600, 1023, 1024, 4000, 5000, 6000, 0xf0000, 0x3fffffff, 0x40000000,
			      0x40000001, 0x400001ff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff };
	for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
		for (int d = -1; d <= 1; d++) {
			uint64_t nr = probes[k] + (uint64_t)(int64_t)d;
			if (nr > 0xffffffffull)
				continue;
			if (scmp_arch_name_of(arch, (uint32_t)nr))
				continue;
			in.nr = (uint32_t)nr;
			uint32_t want;
			if (nr < arch->nr_lo || nr > arch->nr_hi)
				want = kill;
			else if (nr >= (uint64_t)arch->base + 424)
				want = enosys;
			else
				continue; /* a hole the kernel never fills: either neighbour's outcome */
			uint32_t got = bpf_run(blob, len, arch->big_endian, &in, &steps);
			if (got != want && reported++ < 20)
				fail(name, "%s: number %#llx -> 0x%08x, want 0x%08x", arch->name, (unsigned long long)nr,
				     got, want);
		}
	}
	arena_free(&a);
	return failures - before;
}

static int usage(void)
{
	fprintf(stderr, "usage: scmptest unit | check POLICY.sbx [ARCH...] | disasm FILE ARCH | stats FILE ARCH\n");
	return 64;
}

static bool read_blob(const char *path, Buf *b)
{
	int e = read_file(path, 1 << 20, b);
	if (e) {
		fprintf(stderr, "scmptest: %s: %s\n", path, strerror(e));
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "unit"))
		return unit_main() ? 0 : 1;
	if (!strcmp(argv[1], "check"))
		return check_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "xxh") && argc == 3) {
		Buf b = { 0 };
		if (!read_blob(argv[2], &b))
			return 1;
		printf("%016llx\n", (unsigned long long)XXH3_64bits(b.p, b.n));
		buf_free(&b);
		return 0;
	}
	if (!strcmp(argv[1], "arches")) {
		for (int i = 0; i < scmp_arch_count(); i++)
			printf("%s%s", i ? "," : "", scmp_arch_at(i)->name);
		printf("\n");
		return 0;
	}
	if (!strcmp(argv[1], "always-denied")) {
		for (int i = 0; i < scmp_nalways_denied; i++)
			printf("%s\n", scmp_always_denied[i].name);
		return 0;
	}
	if (!strcmp(argv[1], "names") && argc == 3) {
		const ScmpArch *arch = scmp_arch_find(str_c(argv[2]));
		if (!arch)
			return 1;
		for (int i = 0; i < arch->nsys; i++)
			printf("%s %u\n", arch->names[i], arch->nr[i]);
		return 0;
	}
	if (!strcmp(argv[1], "query") && argc == 4) {
		/* stdin: "NAME A0 A1 A2 A3 A4 A5" lines; stdout: the same and the action */
		const ScmpArch *arch = scmp_arch_find(str_c(argv[3]));
		Buf b = { 0 };
		if (!arch || !read_blob(argv[2], &b))
			return 1;
		char name[64];
		unsigned long long v[6];
		while (scanf("%63s %llx %llx %llx %llx %llx %llx", name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) == 7) {
			long nr = scmp_arch_nr(arch, str_c(name));
			if (nr < 0) {
				printf("%s absent\n", name);
				continue;
			}
			BpfInput in = { .nr = (uint32_t)nr, .arch = arch->audit };
			for (int i = 0; i < 6; i++)
				in.args[i] = v[i];
			int steps;
			printf("%s %llx %llx %llx 0x%08x\n", name, v[0], v[1], v[2],
			       bpf_run((const uint8_t *)b.p, b.n, arch->big_endian, &in, &steps));
		}
		buf_free(&b);
		return 0;
	}
	if ((!strcmp(argv[1], "disasm") || !strcmp(argv[1], "stats")) && argc == 4) {
		const ScmpArch *arch = scmp_arch_find(str_c(argv[3]));
		Buf b = { 0 };
		if (!arch || !read_blob(argv[2], &b))
			return 1;
		if (!strcmp(argv[1], "disasm")) {
			bpf_disasm(stdout, (const uint8_t *)b.p, b.n, arch->big_endian);
		} else {
			int steps;
			long sum = 0, nallowed = 0;
			int max = 0;
			BpfInput in = { .arch = arch->audit };
			for (int i = 0; i < arch->nsys; i++) {
				in.nr = arch->nr[i];
				uint32_t r = bpf_run((const uint8_t *)b.p, b.n, arch->big_endian, &in, &steps);
				if ((r & 0xffff0000u) == 0x7fff0000u) {
					nallowed++;
					sum += steps;
					max = steps > max ? steps : max;
				}
			}
			printf("insns %zu allowed %ld avg %.2f max %d\n", b.n / 8, nallowed,
			       nallowed ? (double)sum / (double)nallowed : 0.0, max);
		}
		buf_free(&b);
		return 0;
	}
	return usage();
}
