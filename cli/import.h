/*
 * import.h: the importers' one header. cmd_import.c drives them and
 * import_report.c serves them (imp_report, imp_word); includes point one
 * way: everything includes this, this includes nothing of cli/.
 *
 * An importer reads another tool's JSON (jansson) and writes sbx text into
 * a Buf. Everything it cannot say in sbx goes to the report, one line per
 * item, naming the JSON path ("network.allowedDomains[2]"); cmd_import.c
 * prints the report on stderr. Nothing is dropped silently.
 */
#ifndef SBX_IMPORT_H
#define SBX_IMPORT_H

#include <jansson.h>

#include "../lib/base.h"

typedef struct ImportOpts {
	const char *file;     /* the input, as given */
	Str name;             /* policy name (from --name or the file name) */
	/* oci */
	const char **caps;    /* --cap: capabilities the container is given */
	int ncaps;
	const char **arches;  /* --arch: libseccomp names, default x86_64,aarch64 */
	int narches;
	/* srt */
	bool accept_wider;    /* --accept-wider: emit `accept wider connect` live */
} ImportOpts;

typedef struct Report {
	Buf text;  /* "path: message\n" lines */
	int n;     /* items that could not be translated (or not exactly) */
} Report;

void imp_report(Report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A path or name as an sbx word, quoted when it would not lex as itself. */
void imp_word(Buf *out, Str s);

/* Each returns false on input it cannot read at all (wrong shape). */
bool imp_oci(json_t *root, const ImportOpts *o, Buf *out, Report *r);
bool imp_srt(json_t *root, const ImportOpts *o, Buf *out, Report *r);

#endif
