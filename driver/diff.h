/*
 * diff.h: the semantic diff of two policies.
 *
 * Rules are matched on (right, object, platforms, effect), the canonical
 * IR's identity, so reordering, reformatting and moving rules between `use`
 * files produce nothing. A matched rule whose action or flags changed is a
 * `~`; everything else is `+` (only in NEW) or `-` (only in OLD). Each
 * change says whether it widens or narrows access and how each target
 * enforces the rule (exact / stricter / wider / n/a, per driver/fidelity.h).
 */
#ifndef SBX_DIFF_H
#define SBX_DIFF_H

#include <stdio.h>

#include "compile.h"

typedef enum DiffFormat { DIFF_TEXT, DIFF_JSON, DIFF_MARKDOWN } DiffFormat;

/* Writes the diff of a -> b to f in the given format; returns the number of
 * changes and, if widens is not NULL, how many of them widen. Labels name
 * the two sides (file names, "REV:path"). */
int diff_policies(FILE *f, const Policy *a, const Policy *b, Arena *ar, DiffFormat fmt, const char *old_label,
		  const char *new_label, int *widens);

/* One line per semantic element (default, params, accepts, rules with their
 * per-target fidelity), no locations: the text `git diff` compares when
 * sbxc is a textconv driver. */
void diff_textconv(FILE *f, const Policy *p, Arena *ar);

/* "allow read /x", "deny syscall ptrace" (no location). */
void diff_rule_text(Buf *b, const Rule *r);

#endif
