/*
 * cmd_import.c: `sbxc import srt|oci FILE`: write an sbx policy from another
 * tool's settings.
 *
 * The driver reads the JSON (jansson: a well-kept Debian library, so no
 * parser of our own), hands it to the importer of that kind
 * (import_srt.c, import_oci.c, which share import_report.c and nothing of
 * this file), then checks its own output: the text is
 * loaded by the front end exactly as `sbxc check` would, so an importer
 * can never hand the user a policy that does not compile. The policy goes
 * to stdout or `-o FILE` (written atomically); everything that could not
 * be translated exactly goes to stderr, one line each.
 *
 * Exit status: 0 written (perhaps with a report), 1 the input cannot be
 * read or is not that kind of file, 64 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ir/syscalls.h"
#include "../driver/compile.h"
#include "cli.h"
#include "import.h"

static const char usage_text[] =
	"usage: sbxc import srt SETTINGS.json [-o FILE] [--name NAME] [--accept-wider]\n"
	"       sbxc import oci PROFILE.json [-o FILE] [--name NAME] [--cap CAP]... [--arch LIST]\n"
	"\n"
	"Write an sbx policy equivalent to another tool's settings: srt, the\n"
	"sandbox-runtime settings file (~/.srt-settings.json); oci, an OCI/Docker\n"
	"seccomp profile (docker run --security-opt seccomp=FILE). Everything that\n"
	"cannot be translated exactly is reported on stderr, one line each.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE   write the policy there (default: stdout)\n"
	"      --name NAME     the policy's name (default: from the file name)\n"
	"      --accept-wider  srt: emit `accept wider connect` for host-name rules\n"
	"                      (no target can check host names; default: commented out)\n"
	"      --cap CAP       oci: the container has CAP (CAP_SYS_ADMIN ...); repeatable\n"
	"      --arch LIST     oci: architectures to read the profile for\n"
	"                      (libseccomp names; default: x86_64,aarch64)\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit status: 0 written, 1 the input cannot be read, 64 bad usage.\n"
	"See docs/import.md for what each setting becomes.\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "sbxc import: %s\n", msg);
	fputs(usage_text, stderr);
	return 64;
}

/* The file's base name without extension, made a policy name. */
static Str name_from(Arena *a, const char *file)
{
	const char *b = strrchr(file, '/');
	b = b ? b + 1 : file;
	size_t n = strcspn(b, ".");
	char *s = arena_alloc(a, n + 8);
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		char c = b[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
		s[w++] = ok ? c : '-';
	}
	if (!w || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) {
		memmove(s + 9, s, w);
		memcpy(s, "imported-", 9);
		w += 9;
	}
	return (Str){ s, w };
}

static bool write_atomic(const char *path, Str data)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	if (!tmp)
		return false;
	snprintf(tmp, n + 16, "%s.tmp%d", path, (int)getpid());
	FILE *f = fopen(tmp, "wb");
	bool ok = f && fwrite(data.p, 1, data.n, f) == data.n;
	ok = f && fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok;
}

int cmd_import(int argc, char **argv)
{
	const char *kind = NULL, *file = NULL, *outpath = NULL, *name = NULL, *archlist = NULL;
	ImportOpts o = { 0 };
	const char *caps[64];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (++i >= argc)
				return usage("-o needs a file");
			outpath = argv[i];
		} else if (!strcmp(a, "--name")) {
			if (++i >= argc)
				return usage("--name needs a name");
			name = argv[i];
		} else if (!strcmp(a, "--cap")) {
			if (++i >= argc)
				return usage("--cap needs a capability");
			if (o.ncaps == (int)ARRAY_LEN(caps))
				return usage("too many --cap");
			caps[o.ncaps++] = argv[i];
		} else if (!strcmp(a, "--arch")) {
			if (++i >= argc)
				return usage("--arch needs a list");
			archlist = argv[i];
		} else if (!strcmp(a, "--accept-wider")) {
			o.accept_wider = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "sbxc import: unknown option '%s'\n", a);
			return usage(NULL);
		} else if (!kind) {
			kind = a;
		} else if (!file) {
			file = a;
		} else {
			return usage("one input file only");
		}
	}
	if (!kind || !file)
		return usage(NULL);
	bool oci = !strcmp(kind, "oci");
	if (!oci && strcmp(kind, "srt")) {
		fprintf(stderr, "sbxc import: unknown kind '%s' (known: srt, oci)\n", kind);
		return 64;
	}
	if (!oci && (o.ncaps || archlist))
		return usage("--cap and --arch are for oci");
	if (oci && o.accept_wider)
		return usage("--accept-wider is for srt");

	Arena arena;
	arena_init(&arena);
	const char *arches[32];
	char *archcopy = NULL;
	if (archlist) {
		archcopy = strdup(archlist);
		for (char *t = strtok(archcopy, ","); t; t = strtok(NULL, ",")) {
			if (!scmp_arch_find(str_c(t))) {
				fprintf(stderr, "sbxc import: unknown architecture '%s'\n", t);
				free(archcopy);
				arena_free(&arena);
				return 64;
			}
			if (o.narches == (int)ARRAY_LEN(arches))
				break;
			arches[o.narches++] = t;
		}
	} else {
		arches[o.narches++] = "x86_64";
		arches[o.narches++] = "aarch64";
	}
	o.arches = arches;
	o.caps = caps;
	o.file = file;
	o.name = name ? str_c(name) : name_from(&arena, file);
	for (size_t i = 0; i < o.name.n; i++) {
		char ch = o.name.p[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
			  (i && ((ch >= '0' && ch <= '9') || ch == '.' || ch == '-'));
		if (!ok || o.name.n > 128) {
			free(archcopy);
			arena_free(&arena);
			return usage("--name: a name is [A-Za-z_][A-Za-z0-9_.-]*");
		}
	}

	json_error_t jerr;
	json_t *root = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
	int rc = 0;
	Buf out = { 0 };
	Report rep = { 0 };
	if (!root) {
		fprintf(stderr, "sbxc import: %s:%d:%d: %s\n", file, jerr.line, jerr.column, jerr.text);
		rc = 1;
		goto done;
	}
	if (!(oci ? imp_oci(root, &o, &out, &rep) : imp_srt(root, &o, &out, &rep))) {
		fprintf(stderr, "%.*s", STRF(buf_as_str(&rep.text)));
		fprintf(stderr, "sbxc import: %s: not %s\n", file,
			oci ? "an OCI seccomp profile" : "a sandbox-runtime settings file");
		rc = 1;
		goto done;
	}
	/* the front end must accept what we wrote */
	Compile c;
	compile_init(&c);
	bool ok = compile_load_text(&c, "(imported)", buf_as_str(&out), NULL, 0);
	if (!ok) {
		fprintf(stderr, "sbxc import: %s: the translation does not compile (a bug, or input sbx cannot "
				"spell):\n", file);
		cli_diags(&c.diags);
		rc = 1;
	}
	compile_free(&c);
	if (rc)
		goto done;
	if (rep.n) {
		fprintf(stderr, "%.*s", STRF(buf_as_str(&rep.text)));
		fprintf(stderr, "sbxc import: %s: %d item%s not translated exactly (listed above)\n", file, rep.n,
			rep.n == 1 ? "" : "s");
	}
	if (outpath) {
		if (!write_atomic(outpath, buf_as_str(&out))) {
			fprintf(stderr, "sbxc import: cannot write %s: %s\n", outpath, strerror(errno));
			rc = 1;
		}
	} else {
		fwrite(out.p, 1, out.n, stdout);
		if (fflush(stdout) != 0)
			rc = 1;
	}
done:
	if (root)
		json_decref(root);
	buf_free(&out);
	buf_free(&rep.text);
	free(archcopy);
	arena_free(&arena);
	return rc;
}
