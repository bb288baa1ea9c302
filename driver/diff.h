/*
 * diff.h: the semantic diff of two policies, and loading a policy as it was
 * committed in a git revision.
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
 * changes. Labels name the two sides (file names, "REV:path"). */
int diff_policies(FILE *f, const Policy *a, const Policy *b, Arena *ar, DiffFormat fmt, const char *old_label,
		  const char *new_label);

/* One line per semantic element (default, params, accepts, rules with their
 * per-target fidelity), no locations: the text `git diff` compares when
 * sbxc is a textconv driver. */
void diff_textconv(FILE *f, const Policy *p, Arena *ar);

/* "allow read /x", "deny syscall ptrace" (no location). */
void diff_rule_text(Buf *b, const Rule *r);

/* Loading a policy from a git revision: the policy file and every *.sbx of
 * that revision are extracted into a temporary tree (so relative `use`
 * paths resolve as they did), and the policy is loaded with the same
 * relative path from the same relative working directory, so its file
 * names, locations and input digest read as they would have then. */
typedef struct GitTree {
	char tmp[4096];   /* the temporary directory (removed by git_tree_free) */
	char path[4096];  /* the policy's path to load, after git_tree_enter */
	char label[512];  /* "REV:repo/relative/path" */
	int saved_cwd;    /* fd of the working directory to return to, or -1 */
	char cwd_in[4096];/* where to chdir inside the tree */
} GitTree;

/* Extracts REV; false with a message in err on failure (not a git
 * repository, no such revision, the policy not in it). */
bool git_tree_open(GitTree *t, const char *rev, const char *policy, char *err, size_t nerr);
/* chdir into the tree (the load must happen between enter and leave). */
bool git_tree_enter(GitTree *t);
void git_tree_leave(GitTree *t);
void git_tree_free(GitTree *t);
/* The last n commits that touched policy (newest first), as 40-hex ids in
 * out (n entries of 41 bytes); returns how many. */
int git_log_revs(const char *policy, int n, char (*out)[41]);

#endif
