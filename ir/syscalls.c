/*
 * seccomp_arch.c: architectures and system call tables, from libseccomp.
 *
 * libseccomp knows, for every architecture it supports, the name of each
 * system call number. We read that knowledge once per architecture into a
 * table sorted by number (the code generator walks numbers in order) and
 * an index sorted by name (rules name calls), and derive the rest from the
 * architecture's token: the audit arch the kernel reports in seccomp_data,
 * the byte order (the blob and seccomp_data are both native to the arch),
 * and whether registers are 64 bits wide (then a 32-bit argument's high
 * half is whatever user space left there and must not be compared).
 *
 * x32 is the odd one: it shares AUDIT_ARCH_X86_64 with x86_64 and tells its
 * calls apart by bit 30 of the number, so each of the two blobs kills the
 * other's numbers (a filter for one would otherwise let the other through).
 *
 * The tables are built lazily and kept for the life of the process: they
 * depend only on the libseccomp the program was linked with. Not thread
 * safe on first use; the compiler is single-threaded.
 */
#include "syscalls.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/* Candidate names, sorted; those this libseccomp does not know are dropped. */
static const char *const arch_names[] = {
	"aarch64", "arm", "loongarch64", "mips", "mips64", "mips64n32", "mipsel",
	"mipsel64", "mipsel64n32", "parisc", "parisc64", "ppc", "ppc64", "ppc64le",
	"riscv64", "s390", "s390x", "x32", "x86", "x86_64",
};

#define X32_BIT 0x40000000u
#define AUDIT_64BIT 0x80000000u
#define AUDIT_LE 0x40000000u

typedef struct ArchSlot {
	bool probed, known, loaded;
	ScmpArch a;
	/* name index: positions into a.nr/a.names sorted by name */
	int *by_name;
} ArchSlot;

static ArchSlot slots[ARRAY_LEN(arch_names)];
static const ScmpArch *known_list[ARRAY_LEN(arch_names)];
static int nknown = -1;

static uint32_t arch_base(const char *name)
{
	if (!strcmp(name, "x32"))
		return X32_BIT;
	if (!strncmp(name, "mips", 4))
		return strstr(name, "n32") ? 6000 : strstr(name, "64") ? 5000 : 4000;
	return 0;
}

static const char *const *sort_names;
static const uint32_t *sort_nrs;
static int cmp_by_name(const void *x, const void *y)
{
	int i = *(const int *)x, j = *(const int *)y;
	int c = strcmp(sort_names[i], sort_names[j]);
	return c ? c : (sort_nrs[i] > sort_nrs[j]) - (sort_nrs[i] < sort_nrs[j]);
}

static void add_sys(ScmpArch *a, uint32_t **nr, const char ***names, int *cap, uint32_t n, const char *s)
{
	if (a->nsys == *cap) {
		*cap = *cap ? *cap * 2 : 512;
		*nr = realloc(*nr, sizeof **nr * (size_t)*cap);
		*names = realloc(*names, sizeof **names * (size_t)*cap);
		if (!*nr || !*names)
			abort(); /* a few KB once per process */
	}
	(*nr)[a->nsys] = n;
	(*names)[a->nsys] = s;
	a->nsys++;
}

static void load(ArchSlot *s)
{
	if (s->loaded)
		return;
	s->loaded = true;
	ScmpArch *a = &s->a;
	uint32_t *nr = NULL;
	const char **names = NULL;
	int cap = 0;
	/* Every arch numbers its calls below base+1024; arm adds a few private
	 * calls at 0xf0000 (cacheflush, set_tls, ...). */
	uint32_t ranges[2][2] = { { a->base, a->base + 1024 }, { 0xf0000, 0xf0010 } };
	for (int r = 0; r < 2; r++)
		for (uint32_t n = ranges[r][0]; n < ranges[r][1]; n++) {
			char *name = seccomp_syscall_resolve_num_arch(a->token, (int)n);
			if (name)
				add_sys(a, &nr, &names, &cap, n, name);
		}
	a->nr = nr;
	a->names = names;
	s->by_name = malloc(sizeof(int) * (size_t)(a->nsys ? a->nsys : 1));
	if (!s->by_name)
		abort();
	for (int i = 0; i < a->nsys; i++)
		s->by_name[i] = i;
	sort_names = names;
	sort_nrs = nr;
	qsort(s->by_name, (size_t)a->nsys, sizeof(int), cmp_by_name);
}

static void probe_all(void)
{
	if (nknown >= 0)
		return;
	nknown = 0;
	for (size_t i = 0; i < ARRAY_LEN(arch_names); i++) {
		ArchSlot *s = &slots[i];
		uint32_t tok = seccomp_arch_resolve_name(arch_names[i]);
		if (!tok)
			continue;
		s->known = true;
		ScmpArch *a = &s->a;
		a->name = arch_names[i];
		a->token = tok;
		bool x32 = !strcmp(a->name, "x32");
		a->audit = x32 ? SCMP_ARCH_X86_64 : tok;
		a->big_endian = !(tok & AUDIT_LE);
		a->wide = x32 || (tok & AUDIT_64BIT);
		a->base = arch_base(a->name);
		a->nr_lo = 0;
		a->nr_hi = 0xffffffffu;
		if (x32)
			a->nr_lo = X32_BIT;
		else if (!strcmp(a->name, "x86_64"))
			a->nr_hi = X32_BIT - 1;
		known_list[nknown++] = a;
	}
}

static ArchSlot *slot_of(const ScmpArch *a)
{
	for (size_t i = 0; i < ARRAY_LEN(slots); i++)
		if (&slots[i].a == a)
			return &slots[i];
	return NULL;
}

int scmp_arch_count(void)
{
	probe_all();
	return nknown;
}

const ScmpArch *scmp_arch_at(int i)
{
	probe_all();
	if (i < 0 || i >= nknown)
		return NULL;
	ArchSlot *s = slot_of(known_list[i]);
	load(s);
	return &s->a;
}

const ScmpArch *scmp_arch_find(Str name)
{
	probe_all();
	for (int i = 0; i < nknown; i++)
		if (str_eqc(name, known_list[i]->name))
			return scmp_arch_at(i);
	return NULL;
}

long scmp_arch_nr(const ScmpArch *a, Str name)
{
	ArchSlot *s = slot_of(a);
	int lo = 0, hi = a->nsys - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2, i = s->by_name[mid];
		int c = str_cmp(name, str_c(a->names[i]));
		if (c == 0)
			return (long)a->nr[i];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

const char *scmp_arch_name_of(const ScmpArch *a, uint32_t nr)
{
	int lo = 0, hi = a->nsys - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (a->nr[mid] == nr)
			return a->names[mid];
		if (a->nr[mid] < nr)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

const ScmpSig *scmp_sig(Str name)
{
	int lo = 0, hi = scmp_nsigs - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = str_cmp(name, str_c(scmp_sigs[mid].name));
		if (c == 0)
			return &scmp_sigs[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

bool scmp_syscall_known(Str name)
{
	/* libseccomp resolves NUL-terminated names; longer ones are unknown. */
	char buf[64];
	if (name.n == 0 || name.n >= sizeof buf)
		return false;
	memcpy(buf, name.p, name.n);
	buf[name.n] = 0;
	probe_all();
	for (int i = 0; i < nknown; i++)
		if (seccomp_syscall_resolve_name_arch(known_list[i]->token, buf) >= 0)
			return true;
	return false;
}

bool scmp_arg_check(Str sysname, int arg, bool *is_pointer, bool *is_32bit)
{
	*is_pointer = false;
	*is_32bit = false;
	if (!scmp_syscall_known(sysname))
		return false;
	const ScmpSig *s = scmp_sig(sysname);
	/* An argument the call does not take is junk: compare it as 64 bits
	 * (fails closed for allow rules); a call missing from the table is
	 * treated the same way. */
	if (s && arg >= 0 && (size_t)arg < strlen(s->kinds)) {
		*is_pointer = s->kinds[arg] == 'p';
		*is_32bit = s->kinds[arg] == 'i';
	}
	return true;
}
