/*
 * fuzz_parse.c: libFuzzer target for the whole front end (lexer, parser,
 * sema, canonicalisation, checks) and fmt. Any input must end in a clean
 * success or a diagnostic: no crash, no leak, no sanitizer report. The
 * arena limit makes out-of-memory paths reachable too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../driver/compile.h"
#include "../../lang/fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	Compile c;
	compile_init(&c);
	c.fragment_ok = true;
	c.max_rules = 5000;
	/* Exercise allocation failure on some inputs. */
	if (size > 0 && data[0] == '#')
		c.arena.fail_after = 4096 + size * 8;
	Str text = { (const char *)data, size };
	compile_load_text(&c, "fuzz.sbx", text, NULL, 0);
	compile_free(&c);

	Compile f;
	compile_init(&f);
	Buf out = { 0 };
	char *copy = malloc(size + 1);
	if (copy) {
		memcpy(copy, data, size);
		copy[size] = 0;
		f.arena.oom = &f.oom;
		if (!setjmp(f.oom))
			fmt_source(&f.arena, &f.diags, 0, (Str){ copy, size }, &out);
		f.arena.oom = NULL;
	}
	free(copy);
	buf_free(&out);
	compile_free(&f);
	return 0;
}
