/*
 * fuzz_compile.c: libFuzzer target for everything after the front end:
 * the fidelity gate (what `sbxc check` refuses), every backend's emission
 * (Seatbelt, Landlock, seccomp for two architectures, AppContainer, OCI)
 * and every rule's fidelity answer. A policy the front end accepts must
 * compile to artifacts or to a diagnostic: no crash, no sanitizer report,
 * and bounded time (libFuzzer's -timeout) on every shape within the
 * limits. Nothing is written to disk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../driver/compile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const Backend *const all[] = { &backend_seatbelt, &backend_landlock, &backend_seccomp, &backend_appcontainer,
				      &backend_oci };
static const char *const arches[] = { "aarch64", "x86_64" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16 * 1024)
		return 0;
	for (int accept = 0; accept < 2; accept++) {
		Compile c;
		compile_init(&c);
		c.max_rules = 2000;
		c.fragment_ok = true;
		char *copy = malloc(size + 1);
		if (!copy)
			return 0;
		memcpy(copy, data, size);
		copy[size] = 0;
		if (compile_load_text(&c, "fuzz.sbx", (Str){ copy, size }, NULL, 0) && !c.policy->fragment) {
			EmitOpts o = { .arches = arches, .narches = 2, .accept_wider = accept, .source = STR("fuzz.sbx"),
				       .regen = STR("sbxc fuzz.sbx -t all") };
			int n = (int)(sizeof all / sizeof all[0]);
			compile_emit(&c, all, n, &o); /* the gate first, then every backend */
			for (int i = 0; i < c.policy->nrules; i++)
				for (int b = 0; b < n; b++) {
					Str note;
					if (all[b]->fidelity)
						(void)fidelity_of(all[b], c.policy, &c.policy->rules[i], &c.arena, &note);
				}
		}
		compile_free(&c);
		free(copy);
	}
	return 0;
}
