/*
 * diag.h: diagnostics, collected in the compilation and printed by the CLI.
 * The library never prints or exits; it adds a Diag and returns failure.
 */
#ifndef SBX_DIAG_H
#define SBX_DIAG_H

#include <stdio.h>
#include "ir.h"

enum DiagLevel { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

typedef struct Diag {
	uint8_t level;
	bool has_loc;
	SrcLoc loc;
	Str msg;
} Diag;

typedef struct Diags {
	Arena *arena;
	Diag *v;
	int n, cap;
	int nerrors;
	const SrcFile *files; /* for printing source lines; set once files are known */
	int nfiles;
} Diags;

/* Adds a message at loc (file, line, col). A note follows the error it explains. */
void diag_at(Diags *d, int level, SrcLoc loc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_plain(Diags *d, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* file:line:col: error: message, the source line, a caret under the column. */
void diag_print(FILE *f, const Diags *d);
/* The same as one JSON document (--format json): {"diagnostics": [{"file",
 * "line", "col" (null without a place), "severity", "message", "notes":
 * [{"file", "line", "col", "message"}]}], "schema": "sbxc-diagnostics 1"};
 * a note belongs to the error or warning before it. */
void diag_print_json(FILE *f, const Diags *d);

#endif
