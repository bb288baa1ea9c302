/*
 * fuzz_parse.c: libFuzzer target for the whole front end (lexer, parser,
 * sema, canonicalisation, checks) and fmt. Any input must end in a clean
 * success or a diagnostic: no crash, no leak, no sanitizer report. The
 * arena limit makes out-of-memory paths reachable too. It links lib/, ir/
 * and lang/ only: the language needs no target to mean something.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lang/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Any names do: the language only checks that `on` names one of them. */
static const char *const targets[] = { "macos", "linux", "landlock", "seccomp", "windows", "oci", NULL };

/* One run of fn in a fresh arena and diagnostics, out-of-memory caught. */
static void run(const uint8_t *data, size_t size, bool fmt)
{
	Arena a = { 0 };
	Diags d = { .arena = &a };
	jmp_buf oom;
	/* Exercise allocation failure on some inputs. */
	if (!fmt && size > 0 && data[0] == '#')
		a.fail_after = 4096 + size * 8;
	char *copy = malloc(size + 1);
	if (copy) {
		memcpy(copy, data, size);
		copy[size] = 0;
		a.oom = &oom;
		if (!setjmp(oom)) {
			Str text = { copy, size };
			if (fmt) {
				Buf out = { 0 };
				lang_format(&a, &d, 0, text, &out);
				buf_free(&out);
			} else {
				LangOpts o = { .arena = &a, .diags = &d, .max_file_size = 1 << 20, .max_rules = 5000,
					       .fragment_ok = true, .accept_targets = targets };
				Policy *p;
				lang_load(&o, "fuzz.sbx", &text, NULL, 0, &p);
			}
		}
		a.oom = NULL;
	}
	free(copy);
	arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	run(data, size, false);
	run(data, size, true);
	return 0;
}
