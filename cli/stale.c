/*
 * stale.c: `sbxc POLICY -t ... --check`: are the artifacts in DIR the ones
 * this compilation makes, byte for byte; and when not, what changed in
 * meaning since they were made.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../driver/diff.h"

/* The input digest a stale artifact's header says it was made from. */
static bool header_input_digest(const char *path, char out[33])
{
	Buf b = { 0 };
	int e = read_file(path, 64u << 20, &b);
	bool ok = false;
	if (e == 0) {
		size_t lim = b.n < 2048 ? b.n : 2048;
		/* "input: xxh3-128:HEX" in comments, "input": "xxh3-128:HEX" in JSON. */
		for (const char *q = b.p; !ok && (q = memmem(q, lim - (size_t)(q - b.p), "input", 5)); q += 5) {
			const char *m = memmem(q, (size_t)(b.p + lim - q) < 20 ? (size_t)(b.p + lim - q) : 20, "xxh3-128:", 9);
			if (m && (size_t)(m - b.p) + 9 + 32 <= b.n) {
				memcpy(out, m + 9, 32);
				out[32] = 0;
				ok = strspn(out, "0123456789abcdef") == 32;
			}
		}
	}
	buf_free(&b);
	return ok;
}

/* --check found stale files: say what changed in meaning since they were
 * generated, when we can find the policy they were generated from (the
 * header's input digest, matched against the policy's recent revisions in
 * git). The header is a hint for where to look, never the verdict: the
 * verdict was the byte comparison. */
static void stale_semantic_diff(const Opts *o, Compile *cur, char (*digests)[33], int nd)
{
	bool js = opts_json(o);
	char hex[33];
	ir_digest_hex(cur->policy->input_digest, hex);
	char revs[20][41];
	int nrev = -1;
	if (js)
		printf(", \"generated_from\": [");
	for (int d = 0; d < nd; d++) {
		if (js)
			printf("%s{\"input\": \"xxh3-128:%s\", ", d ? ", " : "", digests[d]);
		if (!strcmp(digests[d], hex)) {
			if (js)
				printf("\"same_input\": true}");
			else
				printf("some were generated from this same policy input (xxh3-128:%s): the difference comes from the\n"
				       "options, or from another sbxc output format\n",
				       hex);
			continue;
		}
		if (nrev < 0)
			nrev = git_log_revs(o->pos[0], 20, revs);
		bool found = false;
		for (int r = 0; r < nrev && !found; r++) {
			GitTree t;
			char err[512];
			if (!git_tree_open(&t, revs[r], o->pos[0], err, sizeof err))
				continue;
			Compile old;
			compile_init(&old);
			old.fragment_ok = true;
			old.skip_checks = true;
			if (git_tree_enter(&t)) {
				bool ok = compile_load(&old, t.path, o->defines, o->ndefines);
				git_tree_leave(&t);
				char ohex[33];
				if (ok) {
					ir_digest_hex(old.policy->input_digest, ohex);
					if (!strcmp(ohex, digests[d])) {
						found = true;
						if (js) {
							printf("\"same_input\": false, \"revision\": \"%s\", \"diff\": ", revs[r]);
							diff_policies(stdout, old.policy, cur->policy, &cur->arena, DIFF_JSON, t.label,
								      o->pos[0], NULL);
							printf("}");
						} else {
							printf("semantic diff from %.12s (what the stale artifacts were generated from) to %s:\n",
							       revs[r], o->pos[0]);
							if (!diff_policies(stdout, old.policy, cur->policy, &cur->arena, DIFF_TEXT, t.label,
									   o->pos[0], NULL))
								printf("  (no semantic change: only locations, reasons or formatting)\n");
						}
					}
				}
			}
			compile_free(&old);
			git_tree_free(&t);
		}
		if (!found) {
			if (js)
				printf("\"same_input\": false, \"revision\": null, \"diff\": null}");
			else
				printf("no semantic diff: no revision of %s in the last %d commits has input digest xxh3-128:%s\n",
				       o->pos[0], nrev, digests[d]);
		}
	}
	if (js)
		printf("]");
}

/* Byte-for-byte comparison of out with dir; exit 0 or 2. JSON: one object
 * (docs/review.md, "sbxc-stale 1"). */
int stale_check(const Opts *o, const Output *out, const char *dir, Str regen, Compile *c)
{
	bool js = opts_json(o);
	int stale = 0;
	char(*digests)[33] = calloc((size_t)out->n + 1, sizeof *digests);
	int nd = 0;
	if (js) {
		printf("{\"current\": ");
		fflush(stdout);
	}
	Buf files = { 0 };
	for (int i = 0; i < out->n; i++) {
		const Artifact *a = &out->v[i];
		char path[4096];
		snprintf(path, sizeof path, "%s/%.*s", dir, STRF(a->name));
		int e = 0;
		bool same = artifact_same(path, &a->data, &e);
		const char *status = same ? "current" : e == ENOENT ? "missing" : "stale";
		if (js) {
			buf_printf(&files, "%s{\"name\": ", i ? ", " : "");
			buf_json_str(&files, a->name);
			buf_puts(&files, ", \"path\": ");
			buf_json_str(&files, str_c(path));
			buf_printf(&files, ", \"status\": \"%s\"}", status);
		} else if (!same)
			printf("%s: %s\n", status, path);
		if (!same) {
			stale++;
			char h[33];
			if (e != ENOENT && digests && header_input_digest(path, h)) {
				bool dup = false;
				for (int k = 0; k < nd; k++)
					dup |= !strcmp(digests[k], h);
				if (!dup)
					memcpy(digests[nd++], h, 33);
			}
		}
	}
	if (js)
		printf("%s, \"files\": [%.*s]", stale ? "false" : "true", (int)files.n, files.p ? files.p : "");
	buf_free(&files);
	if (stale && nd) {
		if (!c->policy && !compile_load(c, o->pos[0], o->defines, o->ndefines))
			nd = 0;
		if (nd)
			stale_semantic_diff(o, c, digests, nd);
	}
	if (js) {
		printf(", \"regenerate\": ");
		fput_json_str(stdout, regen);
		json_end(stdout, "", "sbxc-stale 1");
	} else if (stale)
		printf("%d of %d artifacts are not current; regenerate with: %.*s\n", stale, out->n, STRF(regen));
	free(digests);
	return stale ? EXIT_STALE : EXIT_OK;
}
