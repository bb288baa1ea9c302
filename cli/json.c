/*
 * json.c: the JSON pieces of the command line's reports (docs/review.md
 * has their schemas): a rule, and the tail every report ends with.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void json_rule(FILE *f, const Policy *p, const Rule *r)
{
	if (!r) {
		fputs("null", f);
		return;
	}
	Buf b = { 0 };
	ir_put_object(&b, r);
	fprintf(f, "{\"effect\": \"%s\", \"right\": \"%s\", \"object\": ", r->effect == EFF_ALLOW ? "allow" : "deny",
		ir_right_name[r->right]);
	fput_json_str(f, buf_as_str(&b));
	if (r->loc.line == 0) { /* a rule of the derived filter: written by no one */
		fputs(", \"derived\": true}", f);
		buf_free(&b);
		return;
	}
	fputs(", \"file\": ", f);
	fput_json_str(f, p->files[r->loc.file].name);
	fprintf(f, ", \"line\": %u, \"col\": %u, \"platforms\": \"%s\"", r->loc.line, r->loc.col, ir_platform_names(r->platforms));
	if (r->because.n) {
		fputs(", \"because\": ", f);
		fput_json_str(f, r->because);
	}
	fputc('}', f);
	buf_free(&b);
}

/* Every report's last member names its schema, so a reader can refuse a
 * version it does not know; close is what the report leaves open before it. */
void json_end(FILE *f, const char *close, const char *schema)
{
	fprintf(f, "%s, \"schema\": \"%s\"}\n", close, schema);
}
