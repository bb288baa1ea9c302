/*
 * ll_apply.c: apply a compiled Linux policy to this process, then exec.
 *
 * The order is the one that keeps every step fail-closed:
 *   1. read and parse NAME.landlock; resolve params (a missing one is an
 *      error naming it);
 *   2. negotiate the ABI: the kernel's (or a lower one forced for tests),
 *      and for every right the kernel lacks follow the artifact's
 *      `fallback` (stricter / degrade / closed by seccomp / refuse);
 *   3. read and verify the seccomp manifest and this arch's blob (XXH3-64)
 *      while the files are still readable;
 *   4. create the ruleset, open paths (ll_paths.c), add path and port rules;
 *   5. no_new_privs; close inherited descriptors that are not kept (before
 *      the filter, which may deny close); landlock_restrict_self; drop every
 *      capability; install the seccomp filter; exec. When the artifact has
 *      `sup` lines, step 5 runs in a forked child whose filter has a
 *      user-notification listener; this process becomes its supervisor
 *      (sup.c) and returns the child's exit status.
 * Any failure before exec returns 126; an exec failure 127. Nothing runs
 * unconfined: no Landlock at all is a refusal even with --best-effort.
 */
#include "sbx.h"
#include "ll_abi.h"
#include "sup.h"
#include "proxy.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH 0xc000003eu
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH 0xc00000b7u
#elif defined(__i386__)
#define NATIVE_AUDIT_ARCH 0x40000003u
#elif defined(__arm__)
#define NATIVE_AUDIT_ARCH 0x40000028u
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_AUDIT_ARCH 0xc00000f3u
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_AUDIT_ARCH 0xc0000015u
#elif defined(__s390x__)
#define NATIVE_AUDIT_ARCH 0x80000016u
#else
#define NATIVE_AUDIT_ARCH 0u
#endif

/* Reads straight into out, never more than one byte past the limit: that
 * byte is enough to refuse the file, and a hostile FIFO or /dev/zero in its
 * place costs no more than the limit. */
static bool slurp(const char *path, size_t limit, RtBuf *out, int *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*err = errno;
		return false;
	}
	rt_put(out, "", 0);
	size_t start = out->n;
	ssize_t got = 1;
	*err = 0;
	while (got != 0 && out->n - start <= limit) {
		if (out->cap - out->n < 4096) {
			out->cap = out->cap * 2 + 65536;
			out->p = rt_realloc(out->p, out->cap);
		}
		got = read(fd, out->p + out->n, out->cap - out->n - 1);
		if (got > 0)
			out->n += (size_t)got;
		else if (got < 0 && errno != EINTR) {
			*err = errno;
			break;
		}
	}
	close(fd);
	out->p[out->n] = 0;
	if (!*err && out->n - start > limit)
		*err = EFBIG;
	return !*err;
}

/* A file beside the artifact (or the artifact itself: name NULL), from
 * the in-memory set when there is one. */
static bool fetch(const char *artifact, const char *name, const SbxOpts *o, size_t limit, RtBuf *out, RtBuf *shown,
		  int *err)
{
	const char *slash = strrchr(artifact, '/');
	shown->n = 0;
	if (name) {
		if (slash)
			rt_put(shown, artifact, (size_t)(slash - artifact) + 1);
		rt_puts(shown, name);
	} else {
		rt_puts(shown, artifact);
	}
	if (!o->files)
		return slurp(shown->p, limit, out, err);
	const char *base = name ? name : slash ? slash + 1 : artifact;
	for (int i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i].name, base) == 0) {
			if (o->files[i].n > limit) {
				*err = EFBIG;
				return false;
			}
			rt_put(out, o->files[i].data, o->files[i].n);
			return true;
		}
	*err = ENOENT;
	return false;
}

static int kernel_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
	return v < 0 ? 0 : (int)v;
}

typedef struct Right {
	const char *name;
	uint64_t bit;
	int abi;
	uint8_t def; /* fallback when the artifact names none */
} Right;

/* Defaults: refer's absence makes the kernel deny every cross-directory
 * rename (stricter); the language has no ioctl right, so device ioctls
 * degrade; everything else the policy denies must be refused. */
#define X(N, s, bit, abi, f) { s, 1ull << (bit), abi, LL_FS_##N == LL_FS_REFER ? LL_FB_STRICTER : LL_FS_##N == LL_FS_IOCTL_DEV ? LL_FB_DEGRADE : LL_FB_REFUSE },
static const Right fs_rights[] = { LL_FS_RIGHTS(X) };
#undef X
#define X(N, s, bit, abi) { s, 1ull << (bit), abi, LL_FB_REFUSE },
static const Right net_rights[] = { LL_NET_RIGHTS(X) };
static const Right scope_rights[] = { LL_SCOPES(X) };
#undef X

static const LlFallback *find_fb(const LlArtifact *a, const char *name)
{
	for (int i = 0; i < a->nfb; i++)
		if (strcmp(a->fb[i].right, name) == 0)
			return &a->fb[i];
	return NULL;
}

/* One right the kernel (as negotiated) lacks: false when that refuses. */
static bool lacking(const LlArtifact *a, const SbxOpts *o, RtReport *rep, const Right *r, bool seccomp_ok)
{
	const LlFallback *f = find_fb(a, r->name);
	int act = f ? f->action : r->def;
	const char *why = f ? f->why : "";
	const char *sep = *why ? ": " : "";
	switch (act) {
	case LL_FB_STRICTER:
		rt_note(rep, RT_STRICTER, "%s needs ABI %d (have %d)%s%s", r->name, r->abi, rep->abi, sep, why);
		return true;
	case LL_FB_DEGRADE:
		rt_note(rep, RT_DEGRADED, "%s needs ABI %d (have %d)%s%s", r->name, r->abi, rep->abi, sep, why);
		return true;
	case LL_FB_SECCOMP:
		if (seccomp_ok) {
			rt_note(rep, RT_ENFORCED, "%s needs ABI %d (have %d): closed by the seccomp filter%s%s", r->name,
				r->abi, rep->abi, sep, why);
			return true;
		}
		break;
	}
	if (o->best_effort) {
		rt_note(rep, RT_DEGRADED, "%s needs ABI %d (have %d), not enforced (--best-effort)%s%s", r->name, r->abi,
			rep->abi, sep, why);
		return true;
	}
	rt_note(rep, RT_ERROR, "%s needs Landlock ABI %d, the kernel offers %d%s%s (--best-effort runs without it)",
		r->name, r->abi, rep->abi, sep, why);
	return false;
}

typedef struct Filter {
	struct sock_filter *insns;
	unsigned short count;
	unsigned flags;
} Filter;

/* Reads and verifies the manifest and this arch's blob. */
static bool load_seccomp(const char *artifact, const LlArtifact *a, const SbxOpts *o, RtReport *rep, Filter *f)
{
	if (o->no_seccomp) {
		rep->seccomp_what = rt_strdup("not loaded (--no-seccomp)");
		rt_note(rep, RT_DEGRADED, "seccomp filter not loaded (--no-seccomp): UDP, MPTCP, TCP Fast Open, fork and syscall rules are not enforced");
		return true;
	}
	if (!a->seccomp_manifest) {
		rt_note(rep, RT_ERROR, "the artifact names no seccomp filter (%s); pass --no-seccomp to run with Landlock alone",
			a->seccomp_none_why ? a->seccomp_none_why : "none");
		return false;
	}
	RtBuf path = { 0 }, text = { 0 }, blob = { 0 }, err = { 0 };
	int e = 0;
	bool ok = false;
	ScmpManifest m = { 0 };
	if (!fetch(artifact, a->seccomp_manifest, o, 1 << 20, &text, &path, &e)) {
		rt_note(rep, RT_ERROR, "seccomp manifest %s: %s (compile with -t linux, or pass --no-seccomp)", path.p,
			strerror(e));
		goto out;
	}
	if (XXH3_64bits(text.p, text.n) != a->seccomp_hash) {
		rt_note(rep, RT_ERROR, "seccomp manifest %s does not match the digest in the artifact (stale: recompile)",
			path.p);
		goto out;
	}
	if (!scmp_manifest_parse(text.p, &m, &err)) {
		rt_note(rep, RT_ERROR, "seccomp manifest %s: %s", path.p, err.p);
		goto out;
	}
	const ScmpBlob *b = NULL;
	for (int i = 0; i < m.n; i++)
		if (m.v[i].audit_arch == NATIVE_AUDIT_ARCH && NATIVE_AUDIT_ARCH)
			b = &m.v[i];
	if (!b) {
		rt_note(rep, RT_ERROR, "seccomp manifest %s has no blob for this architecture (audit arch 0x%08x)", path.p,
			NATIVE_AUDIT_ARCH);
		goto out;
	}
	if (!fetch(artifact, b->file, o, (size_t)b->count * 8, &blob, &path, &e)) {
		rt_note(rep, RT_ERROR, "seccomp blob %s: %s", path.p, strerror(e));
		goto out;
	}
	if (blob.n != (size_t)b->count * 8 || XXH3_64bits(blob.p, blob.n) != b->hash) {
		rt_note(rep, RT_ERROR, "seccomp blob %s does not match its manifest (size or digest)", path.p);
		goto out;
	}
	f->insns = rt_alloc(blob.n);
	memcpy(f->insns, blob.p, blob.n);
	f->count = (unsigned short)b->count;
	f->flags = m.flags;
	char what[512];
	snprintf(what, sizeof what, "%s (%s, %u instructions)", b->file, b->arch, (unsigned)b->count);
	rep->seccomp_what = rt_strdup(what);
	rep->seccomp_loaded = true; /* verified; installed right before exec */
	ok = true;
out:
	free(m.v);
	free(path.p);
	free(text.p);
	free(blob.p);
	free(err.p);
	return ok;
}

static int add_ports(int rfd, const LlNet *n, uint64_t bit, long *count)
{
	for (int i = 0; i < n->n; i++)
		for (unsigned p = n->v[i].lo; p <= n->v[i].hi; p++) {
			(*count)++;
			if (rfd < 0)
				continue;
			struct ll_net_port_attr attr = { .allowed_access = bit, .port = p };
			if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_NET_PORT, &attr, 0) < 0)
				return -errno;
		}
	return 0;
}

static void put_ports(RtBuf *b, const LlNet *n)
{
	if (n->n == 0)
		rt_puts(b, " none");
	for (int i = 0; i < n->n && i < 16; i++)
		rt_printf(b, n->v[i].lo == n->v[i].hi ? " %u" : " %u-%u", n->v[i].lo, n->v[i].hi);
	if (n->n > 16)
		rt_printf(b, " ... (%d ranges)", n->n);
}

/* Closes every descriptor above 2 except those kept and `also` (the
 * ruleset, still needed). Runs before the seccomp filter, which may deny
 * close and close_range: descriptors must not outlive it by accident.
 * close_range exists on every kernel with Landlock; when something still
 * refuses it (a parent's filter), /proc/self/fd names what is open, and
 * when that cannot be read either, nothing runs (false). */
static bool is_kept(const SbxOpts *o, const int also[2], unsigned fd)
{
	if (fd == (unsigned)also[0] || fd == (unsigned)also[1])
		return true;
	for (int i = 0; i < o->nkeep; i++)
		if ((unsigned)o->keep_fds[i] == fd)
			return true;
	return false;
}

static bool close_inherited(const SbxOpts *o, const int also[2])
{
	bool ok = true;
	unsigned lo = 3;
	for (;;) {
		unsigned next = ~0u;
		for (int i = -2; i < o->nkeep; i++) {
			int k = i < 0 ? also[i + 2] : o->keep_fds[i];
			if (k >= 0 && (unsigned)k >= lo && (unsigned)k < next)
				next = (unsigned)k;
		}
		unsigned hi = next == ~0u ? ~0u : next - 1;
		if (hi >= lo && syscall(SYS_close_range, lo, hi, 0) < 0)
			ok = false;
		if (next == ~0u)
			break;
		lo = next + 1;
	}
	if (ok)
		return true;
	int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return false;
	}
	/* Closing while reading the directory is fine: entries are numbers,
	 * and one closed under us is simply gone. */
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		unsigned long fd = strtoul(e->d_name, &end, 10);
		if (*end || end == e->d_name || fd < 3 || fd == (unsigned long)dfd || is_kept(o, also, (unsigned)fd))
			continue;
		close((int)fd);
	}
	closedir(d);
	return true;
}

/* Every capability goes before exec: the bounding set (what an exec as
 * root would get back), ambient, then effective, permitted and
 * inheritable. The language has no rule that needs one. Without
 * CAP_SETPCAP the bounding set cannot shrink, which is only harmless when
 * the process holds nothing it could pass on: then (no_new_privs keeps
 * file capabilities and set-uid from adding any) it is accepted. */
static bool drop_caps(const char *prog)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0) {
		fprintf(stderr, "%s: capget: %s\n", prog, strerror(errno));
		return false;
	}
	bool held = d[0].effective | d[0].permitted | d[0].inheritable | d[1].effective | d[1].permitted |
		    d[1].inheritable;
	for (int c = 0; prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && (errno != EPERM || held)) {
			fprintf(stderr, "%s: dropping capability %d from the bounding set: %s\n", prog, c, strerror(errno));
			return false;
		}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		fprintf(stderr, "%s: clearing ambient capabilities: %s\n", prog, strerror(errno));
		return false;
	}
	memset(d, 0, sizeof d);
	if (syscall(SYS_capset, &h, d) < 0) {
		fprintf(stderr, "%s: capset: %s\n", prog, strerror(errno));
		return false;
	}
	return true;
}

/* From here on the process is committed: no_new_privs, Landlock,
 * capabilities, seccomp, then exec. Returns only on failure. sup_sock >= 0:
 * the filter gets a user-notification listener, which goes to the
 * supervisor over sup_sock before exec. */
static int commit(const SbxOpts *o, const char *prog, int rfd, const Filter *filter, char *const argv[], int sup_sock)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		fprintf(stderr, "%s: no_new_privs: %s\n", prog, strerror(errno));
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	/* Before Landlock, which may deny /proc, and before seccomp, which
	 * may deny close. */
	int keep[2] = { rfd, sup_sock };
	if (!close_inherited(o, keep)) {
		fprintf(stderr, "%s: cannot close inherited descriptors (close_range and /proc/self/fd both failed)\n",
			prog);
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	if (syscall(SYS_landlock_restrict_self, rfd, 0) < 0) {
		fprintf(stderr, "%s: landlock_restrict_self: %s\n", prog, strerror(errno));
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	close(rfd);
	/* After Landlock (restrict_self needs no capability) and before
	 * seccomp (which may deny prctl and capset). */
	if (!drop_caps(prog))
		return SBX_EXIT_CANNOT_ENFORCE;
	if (filter->insns) {
		struct sock_fprog prog_ = { .len = filter->count, .filter = filter->insns };
		unsigned flags = filter->flags;
		long lfd;
		if (sup_sock >= 0) {
			/* WAIT_KILLABLE_RECV (5.19): once the supervisor holds a call,
			 * only a fatal signal interrupts it, so the call it performs is
			 * the one the program sees answered. */
			flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
			lfd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags | 32u, &prog_);
			if (lfd < 0 && errno == EINVAL)
				lfd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog_);
		} else {
			lfd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog_);
		}
		if (lfd < 0) {
			fprintf(stderr, "%s: seccomp: %s\n", prog, strerror(errno));
			return SBX_EXIT_CANNOT_ENFORCE;
		}
		if (sup_sock >= 0) {
			if (!sup_send_fd(sup_sock, (int)lfd)) {
				fprintf(stderr, "%s: cannot hand the listener to the supervisor: %s\n", prog, strerror(errno));
				return SBX_EXIT_CANNOT_ENFORCE;
			}
			close((int)lfd);
			close(sup_sock);
		}
	}
	execvp(argv[0], argv);
	rt_exec_failed(prog, argv[0], errno);
	/* The process is already confined: end it here (no atexit work, which
	 * may need files the policy denies, such as LSan's /proc reads). */
	fflush(stderr);
	_exit(SBX_EXIT_CANNOT_EXEC);
}

/* The artifact has `sup` lines: fork; the child confines itself and execs,
 * this process supervises it (sup.c) and returns its exit status. Closes
 * rfd. */
static int supervise(const LlArtifact *a, const LlSupFs *fs, const SbxOpts *o, const char *prog, int rfd,
		     const Filter *filter, char *const argv[])
{
	int sv[2];
	SupOpts so = { .prog = prog };
	if (o->log) {
		so.log = strcmp(o->log, "-") == 0 ? stderr : fopen(o->log, "ae");
		if (!so.log) {
			fprintf(stderr, "%s: --log %s: %s\n", prog, o->log, strerror(errno));
			close(rfd);
			return SBX_EXIT_CANNOT_ENFORCE;
		}
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		fprintf(stderr, "%s: supervisor: socketpair: %s\n", prog, strerror(errno));
		close(rfd);
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: supervisor: fork: %s\n", prog, strerror(errno));
		close(sv[0]);
		close(sv[1]);
		close(rfd);
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	if (pid == 0) {
		close(sv[0]);
		int st = commit(o, prog, rfd, filter, argv, sv[1]);
		fflush(stderr);
		_exit(st);
	}
	close(sv[1]);
	close(rfd);
	return sup_serve(a, fs, sv[0], pid, &so);
}

static void print_notes(const RtReport *rep, const SbxOpts *o, bool all)
{
	if (all) {
		rt_report_print(rep, o->json, 2);
		return;
	}
	/* Without --report, what weakens or blocks the policy is still said,
	 * and an allowed path that is missing here gets one line in all (the
	 * program would otherwise fail on it with no hint why). */
	const char *prog = o->prog ? o->prog : "sbx-exec";
	for (int i = 0; i < rep->n; i++)
		if (rep->v[i].kind == RT_DEGRADED || rep->v[i].kind == RT_ERROR)
			fprintf(stderr, "%s: %s: %s\n", prog, rep->v[i].kind == RT_ERROR ? "error" : "warning: degraded",
				rep->v[i].text);
	int nskip = 0;
	for (int i = 0; i < rep->n; i++)
		if (rep->v[i].kind == RT_SKIPPED) {
			if (!nskip++)
				fprintf(stderr, "%s: note: allowed but missing here, skipped:", prog);
			fprintf(stderr, "%s %s", nskip > 1 ? "," : "", rep->v[i].text);
		}
	if (nskip)
		fprintf(stderr, " (--report lists what was applied)\n");
	fflush(stderr); /* sbxc run buffers stderr, and an exec follows */
}

int sbx_exec(const char *artifact, const SbxOpts *o, char *const argv[])
{
	RtReport rep = { .detail = o->report || o->dry_run };
	RtBuf text = { 0 }, err = { 0 };
	LlArtifact a = { 0 };
	LlParamVal *vals = NULL;
	int rfd = -1, status = SBX_EXIT_CANNOT_ENFORCE, e = 0;
	const char *prog = o->prog ? o->prog : "sbx-exec";
	Filter filter = { 0 };
	LlSupFs supfs = { 0 };

	RtBuf shown = { 0 };
	bool got = fetch(artifact, NULL, o, 64u << 20, &text, &shown, &e);
	free(shown.p);
	if (!got) {
		fprintf(stderr, "%s: %s: %s\n", prog, artifact, strerror(e));
		goto done;
	}
	if (!ll_verify_digest(artifact, text.p, text.n, o, &rep))
		goto done;
	if (!ll_parse(text.p, &a, &err)) {
		fprintf(stderr, "%s: %s: %s\n", prog, artifact, err.p);
		goto done;
	}
	if (!ll_params_resolve(&a, o, &vals, &err)) {
		fprintf(stderr, "%s: %s\n", prog, err.p);
		goto done;
	}

	/* ABI negotiation. */
	rep.kernel_abi = kernel_abi();
	rep.abi = rep.kernel_abi > LL_ABI_KNOWN ? LL_ABI_KNOWN : rep.kernel_abi;
	if (o->force_abi > 0 && o->force_abi < rep.abi)
		rep.abi = o->force_abi;
	if (rep.abi < 1) {
		rt_note(&rep, RT_ERROR, "Landlock is not available on this kernel (or is disabled): refusing to run unconfined");
		goto report;
	}
	if (rep.detail)
		rt_note(&rep, rep.abi >= a.abi ? RT_ENFORCED : RT_STRICTER,
			"the artifact is exact from Landlock ABI %d; applied as ABI %d%s", a.abi, rep.abi,
			rep.abi >= a.abi ? "" : " (see the fallbacks)");
	bool seccomp_ok = load_seccomp(artifact, &a, o, &rep, &filter);
	if (!seccomp_ok && !o->no_seccomp)
		goto report;
	seccomp_ok = filter.insns != NULL;

	struct ll_ruleset_attr attr = { 0 };
	bool refused = false;
	for (size_t i = 0; i < ARRAY_N(fs_rights); i++) {
		if (fs_rights[i].abi <= rep.abi)
			attr.handled_access_fs |= fs_rights[i].bit;
		else if (!lacking(&a, o, &rep, &fs_rights[i], seccomp_ok))
			refused = true;
	}
	const LlNet *nets[2] = { &a.bind, &a.connect };
	for (int i = 0; i < 2; i++) {
		if (!nets[i]->handled)
			continue;
		if (net_rights[i].abi <= rep.abi)
			attr.handled_access_net |= net_rights[i].bit;
		else if (!lacking(&a, o, &rep, &net_rights[i], seccomp_ok))
			refused = true;
	}
	for (size_t i = 0; i < ARRAY_N(scope_rights); i++) {
		if (!(a.scopes & scope_rights[i].bit))
			continue;
		if (scope_rights[i].abi <= rep.abi)
			attr.scoped |= scope_rights[i].bit;
		else if (!lacking(&a, o, &rep, &scope_rights[i], seccomp_ok))
			refused = true;
	}
	if (refused)
		goto report;
	/* Host names: the egress proxy, outside the sandbox (proxy_launch.c). */
	if (px_launch(&a, o, &rep) != 0)
		goto report;

	size_t attr_size = rep.abi >= 6 ? 24 : rep.abi >= 4 ? 16 : 8;
	if (!o->dry_run) {
		rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
		if (rfd < 0) {
			rt_note(&rep, RT_ERROR, "landlock_create_ruleset: %s", strerror(errno));
			goto report;
		}
	}
	/* Deny-inside-allow writes: without the filter (--no-seccomp) no
	 * supervisor answers, and the runtime carves as before. */
	LlGrantCtx g = { .ruleset_fd = rfd, .handled_fs = attr.handled_access_fs, .rep = &rep, .budget = 1000000,
			 .artifact = artifact, .artifact_text = text.p, .o = o,
			 .sup = (a.sup & SUP_WRITE) && seccomp_ok ? &supfs : NULL };
	int st = ll_grant_fs(&g, &a, vals, a.nparams);
	if (st)
		goto report;
	long nports = 0;
	for (int i = 0; i < 2; i++) {
		if (!(attr.handled_access_net & net_rights[i].bit))
			continue;
		int r = add_ports(rfd, nets[i], net_rights[i].bit, &nports);
		if (r < 0) {
			rt_note(&rep, RT_ERROR, "landlock_add_rule (port): %s", strerror(-r));
			goto report;
		}
		RtBuf pb = { 0 };
		put_ports(&pb, nets[i]);
		rt_note(&rep, RT_ENFORCED, "net %s allowed ports:%s", net_rights[i].name, pb.p);
		free(pb.p);
	}
	{
		RtBuf s = { 0 };
		ll_fs_names(attr.handled_access_fs, &s);
		rt_note(&rep, RT_ENFORCED, "fs rights handled: %s; %ld path rules, %ld port rules", s.p, g.nrules, nports);
		free(s.p);
		for (size_t i = 0; i < ARRAY_N(scope_rights); i++)
			if (attr.scoped & scope_rights[i].bit)
				rt_note(&rep, RT_ENFORCED, "scope %s", scope_rights[i].name);
	}
	if ((a.sup & ~SUP_WRITE) && seccomp_ok) {
		static const char *const names[] = { "connect tcp", "bind tcp", "connect udp", "bind udp" };
		RtBuf sb = { 0 };
		for (int i = 0; i < 4; i++)
			if (a.sup & (1u << i))
				rt_printf(&sb, "%s%s", sb.n ? ", " : "", names[i]);
		rt_note(&rep, RT_ENFORCED, "supervisor: %s decided per address (%d rules; seccomp user notification)", sb.p,
			a.nsup);
		free(sb.p);
	} else if (a.sup & ~SUP_WRITE) {
		rt_note(&rep, RT_DEGRADED, "address rules not enforced without the seccomp filter (no supervisor): TCP by port only, UDP open");
	}
	if ((a.sup & SUP_WRITE) && seccomp_ok)
		rt_note(&rep, RT_ENFORCED, "supervisor: writes in %d tree%s with a deny inside decided per name (seccomp user notification)",
			supfs.nroots, supfs.nroots == 1 ? "" : "s");
	else if (a.sup & SUP_WRITE)
		rt_note(&rep, RT_STRICTER, "without the seccomp filter, write denies inside allowed trees are carved (no supervisor)");
	status = 0;

report:
	print_notes(&rep, o, o->report || o->dry_run);
	if (status || o->dry_run)
		goto done;
	if (!a.sup || !filter.insns) {
		/* No supervisor (or --no-seccomp, reported): one exec, as always. */
		status = commit(o, prog, rfd, &filter, argv, -1);
		rfd = -1; /* closed there, or the process ends now */
		goto done;
	}
	status = supervise(&a, &supfs, o, prog, rfd, &filter, argv);
	rfd = -1; /* closed there */
	goto done;
done:
	if (rfd >= 0)
		close(rfd);
	for (int i = 0; vals && i < a.nparams; i++)
		free(vals[i].value);
	free(vals);
	ll_free(&a);
	ll_supfs_free(&supfs);
	rt_report_free(&rep);
	free(filter.insns);
	free(text.p);
	free(err.p);
	return status;
}
