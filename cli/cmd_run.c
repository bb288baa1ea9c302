/*
 * cmd_run.c: `sbxc run [-D NAME=VALUE]... POLICY.sbx -- COMMAND [ARGS...]`:
 * compile a policy for this host (landlock + seccomp for the host's arch),
 * cached, and run COMMAND under it exactly as sbx-exec would.
 *
 * The cache is the compiler's own (cache_root: $SBXC_CACHE_DIR, else
 * $XDG_CACHE_HOME/sbxc or ~/.cache/sbxc), one directory per compilation,
 * named after the policy's input digest (the canonical IR with its
 * locations, reasons and include closure) and the identity of this sbxc
 * binary, so a changed policy, fragment or compiler never mixes
 * with another's artifacts; they are written with artifact_write_all
 * (atomic, only changed bytes) and can be applied later with sbx-exec.
 * What this command applies is the in-memory output of this compilation
 * (emitting costs ~2 ms; the cache is writable by anything the user runs,
 * including a sandboxed program), through libsbx's sbx_exec, the same
 * function sbx-exec calls: there is one apply path.
 *
 * -D values are given to the runtime as params rather than baked into the
 * artifacts, so one cache entry serves every value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../driver/cache.h"
#include "../driver/compile.h"
#include "../runtime/rt_opts.h"

#if defined(__x86_64__)
#define HOST_ARCH "x86_64"
#elif defined(__aarch64__)
#define HOST_ARCH "aarch64"
#elif defined(__i386__)
#define HOST_ARCH "x86"
#elif defined(__arm__)
#define HOST_ARCH "arm"
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_ARCH "riscv64"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_ARCH "ppc64le"
#elif defined(__s390x__)
#define HOST_ARCH "s390x"
#else
#define HOST_ARCH "unknown"
#endif

static const char usage[] =
	"usage: sbxc run [-D NAME=VALUE]... [options] POLICY.sbx -- COMMAND [ARGS...]\n"
	"       sbxc run [options] [--read PATH]... [--write PATH]... [--exec PATH]...\n"
	"                [--connect tcp:HOST:PORT]... [--bind tcp:HOST:PORT]... [--use std/NAME]...\n"
	"                [--print-policy] -- COMMAND [ARGS...]\n"
	"Compile POLICY for this host (cached) and run COMMAND under it (Landlock + seccomp).\n"
	"Quick flags write the policy instead of a file (std/base and the command's own\n"
	"binary included; PATH: absolute, ~/..., ./... = ${PROJECT}/..., or ${PARAM}/...):\n"
	"  --read PATH         allow read\n"
	"  --write PATH        allow read write\n"
	"  --exec PATH         allow read exec\n"
	"  --connect PROTO:HOST:PORT  allow connect (tcp:, udp:; unix:PATH)\n"
	"  --bind PROTO:HOST:PORT     allow bind\n"
	"  --use std/NAME      use a standard fragment (std/tmp, std/python, ...)\n"
	"  --print-policy      print the policy canonically (as sbxc fmt) instead of running\n"
	"  -D NAME=VALUE       value of a policy param\n"
	"  --report            print what is enforced, stricter and degraded (stderr)\n"
	"  --format text|json  the report's format\n"
	"  --dry-run           compile, resolve and report; run nothing\n"
	"  --abi N             behave as on Landlock ABI N (tests)\n"
	"  --best-effort       run with what the kernel lacks left open, loudly\n"
	"  --no-seccomp        run without the seccomp filter (reported)\n"
	"  --accept-wider      compile even where a rule is enforced more widely\n"
	"  --keep-fd N         let COMMAND inherit descriptor N (0-2 always are)\n"
	"  --log FILE|-        write each decision of the supervisor and the egress proxy to FILE or stderr\n"
	"Exit status: COMMAND's own; 126 the policy cannot be compiled or applied;\n"
	"127 COMMAND cannot be run; 64 bad usage.\n";

/* A cache root or run directory that is a symlink (a sandboxed program may
 * have planted it: its target is anywhere) is never written through. */
static bool is_symlink(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
}

/* The compiler's identity for the cache key: the artifacts depend on it. */
static unsigned long long self_id(void)
{
	struct stat sb;
	if (stat("/proc/self/exe", &sb) < 0)
		return 0;
	return (unsigned long long)sb.st_size * 1000003ull ^ (unsigned long long)sb.st_mtim.tv_sec * 1000000007ull ^
	       (unsigned long long)sb.st_mtim.tv_nsec ^ (unsigned long long)sb.st_ino << 20;
}

int cmd_run(int argc, char **argv)
{
	static const RtCli cli = { "sbxc run", usage, true, NULL };
	Quick q;
	int status = quick_parse(argc, argv, &q);
	if (status < 0 && q.print)
		status = quick_print(&q);
	if (status >= 0) {
		quick_free(&q);
		return status;
	}
	RtArgs ra;
	status = rt_args_parse(&cli, q.argc, q.argv, &ra);
	if (status >= 0) {
		quick_free(&q);
		return status;
	}
	const char *policy = ra.file;
	SbxOpts o = ra.o;
	char root[3072], dir[3200], artifact[4096];
	if (!cache_root(root, sizeof root)) {
		fprintf(stderr, "sbxc run: no cache directory (set XDG_CACHE_HOME or HOME)\n");
		rt_args_free(&ra);
		quick_free(&q);
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	Compile c;
	compile_init(&c);
	status = SBX_EXIT_CANNOT_ENFORCE;
	if (q.used ? !compile_load_text(&c, QUICK_NAME, arena_strdup(&c.arena, buf_as_str(&q.text)), NULL, 0)
		   : !compile_load(&c, policy, NULL, 0))
		goto out;
	char hex[33];
	ir_digest_hex(c.policy->input_digest, hex);
	snprintf(dir, sizeof dir, "%s/%s-%016llx%s", root, hex, self_id(), ra.accept_wider ? "-w" : "");
	snprintf(artifact, sizeof artifact, "%s/%.*s.landlock", dir, STRF(c.policy->name));
	/* Always compile: the cache is a copy for people and for sbx-exec, but
	 * the sandboxed program may be able to write it, so what is applied
	 * is the bytes just compiled, never bytes read back from it. Writing
	 * rewrites only files whose bytes changed (a tampered one is restored). */
	static const char *const arches[] = { HOST_ARCH };
	const Backend *const *sel = target_os(PLAT_LINUX)->parts;
	int nsel = 0;
	while (sel[nsel])
		nsel++;
	/* The directory is named by the input digest, which every spelling of
	 * the policy's path shares: so must the bytes (only the file's name). */
	Str id = c.policy->files[0].id;
	Buf regen = { 0 };
	buf_printf(&regen, "sbxc run %.*s", STRF(id));
	EmitOpts eo = {
		.arches = arches,
		.narches = 1,
		.accept_wider = ra.accept_wider,
		.source = id,
		.regen = arena_strdup(&c.arena, buf_as_str(&regen)),
	};
	buf_free(&regen);
	if (!compile_emit(&c, sel, nsel, &eo))
		goto out;
	if (is_symlink(root) || is_symlink(dir))
		fprintf(stderr, "sbxc run: %s is a symlink: not writing the artifacts there (running from memory)\n",
			is_symlink(root) ? root : dir);
	else if (!artifact_write_all(&c.out, dir, &c.diags))
		goto out;
	diag_print(stderr, &c.diags);
	/* Every file the policy was read from is denied to the sandbox too
	 * (the runtime adds the artifacts, their source and the cache). */
	const char **prot = arena_alloc(&c.arena, sizeof *prot * (size_t)(c.policy->nfiles + 1));
	int nprot = 0;
	for (int k = 0; k < c.policy->nfiles && !q.used; k++)
		if (!(c.policy->files[k].id.n > 4 && !memcmp(c.policy->files[k].id.p, "std/", 4)))
			prot[nprot++] = arena_cstr(&c.arena, c.policy->files[k].name);
	o.protect = prot;
	o.nprotect = nprot;
	SbxFile *files = arena_alloc(&c.arena, sizeof *files * (size_t)(c.out.n + 1));
	for (int k = 0; k < c.out.n; k++)
		files[k] = (SbxFile){ arena_cstr(&c.arena, c.out.v[k].name), c.out.v[k].data.p, c.out.v[k].data.n };
	o.files = files;
	o.nfiles = c.out.n;
	fflush(NULL);
	status = sbx_exec(artifact, &o, ra.cmd);
	compile_free(&c);
	rt_args_free(&ra);
	quick_free(&q);
	return status;
out:
	diag_print(stderr, &c.diags);
	compile_free(&c);
	rt_args_free(&ra);
	quick_free(&q);
	return status;
}
