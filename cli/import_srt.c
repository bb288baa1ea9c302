/*
 * import_srt.c: a sandbox-runtime settings file (~/.srt-settings.json) as
 * sbx.
 *
 * srt's model, from its documentation, and what each part becomes:
 *
 *   filesystem.denyRead / allowRead: reads are allowed everywhere but the
 *     denied regions; an allowRead re-opens a place inside one, and a deny
 *     more specific than that stays denied. That is the language's own
 *     "most specific wins": `allow read /`, `deny read D`, `allow read A`.
 *     Where the two name the same path srt allows and sbx denies
 *     (reported). A `**` deny pattern beneath an allowRead would lose to
 *     the literal allow (a literal outranks a glob of equal prefix), so
 *     such an allow becomes A-slash-** (everything beneath A) with the pattern re-rooted under it, and
 *     A's own directory entry is no longer granted (reported).
 *   filesystem.allowWrite / denyWrite: writes are denied but in the
 *     allowed places, and a deny always wins, however deep the allow. Each
 *     allowed place A becomes `allow write` of everything beneath A (a glob, so that deny
 *     patterns of equal prefix beat it); an allow inside a literal deny is
 *     left out (srt denies it); each `**` deny pattern is re-rooted under
 *     every allowed place beneath its prefix. srt's mandatory denies
 *     (shell and git configuration, .git/hooks, IDE folders, ...) are
 *     added under every allowed place, as srt does.
 *   Reads, exec, fork and signals to children are not restricted by srt:
 *     `allow read /`, `allow exec /`, `allow fork`, `allow signal self
 *     children`, plus std/base for the devices.
 *   network.allowedDomains / deniedDomains: srt's proxy checks names, on
 *     every port unless the entry names one. So `example.com` becomes
 *     `allow connect tcp example.com:*` and `example.com:443` keeps its
 *     port. On Linux and macOS (sbx-seatbelt) the runtime's egress proxy
 *     checks them as srt's does (stricter: a program that ignores the proxy
 *     reaches none), so no `accept` is needed there; Windows cannot check a
 *     name yet, so `accept wider connect on windows because ...` is written
 *     commented out (live with --accept-wider). A wildcard name
 *     `*.example.com` (every subdomain, not the name itself, in both) is
 *     written as it is; other wildcards and a bare `*` deny have no sbx
 *     form (reported). The proxy resolves
 *     names, as srt's does: the program needs no DNS for them.
 *   network.allowUnixSockets / allowAllUnixSockets: `allow connect unix`.
 *   network.allowLocalBinding: `allow bind tcp` on the loopback addresses.
 *
 * Everything else (proxies, TLS termination, violation handling, ripgrep,
 * Windows settings, ...) is srt's machinery, not policy: reported, left out.
 * Paths: `~` is ${HOME}, a relative path is under ${PROJECT} (srt resolves
 * it against the working directory). A path sbx cannot spell (a `$`, a
 * control character, srt's `?` and `[...]` globs) is reported and left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* Writes srt blocks wherever writing is allowed (its README, "Mandatory
 * Deny Paths"). */
static const char *const mandatory_deny_write[] = {
	".bashrc", ".bash_profile", ".zshrc", ".zprofile", ".profile", ".gitconfig", ".gitmodules",
	".ripgreprc", ".mcp.json", ".vscode", ".idea", ".claude/commands", ".claude/agents", ".git/hooks",
	".git/config",
};

typedef struct Path {
	char *text;   /* sbx spelling: "${PROJECT}/src", "/etc", "${HOME}/.ssh" */
	size_t lit;   /* bytes of the literal prefix (up to the first glob component, without '/') */
	bool glob;    /* has a '*' */
	bool starstar_rest; /* the part after the literal prefix starts with "**" */
	bool drop;
} Path;

typedef struct Paths {
	Path *v;
	int n;
} Paths;

/* srt's path as sbx text, or NULL with a reason. */
static char *translate_path(const char *s, bool write, const char **why)
{
	size_t n = strlen(s);
	if (!n) {
		*why = "an empty path";
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			*why = "a control character in the path";
			return NULL;
		}
		if (c == '$') {
			*why = "a '$' (sbx would read it as a parameter)";
			return NULL;
		}
		if (c == '?' || c == '[') {
			*why = "a '?' or '[' glob (sbx globs are '*' and '**' only)";
			return NULL;
		}
	}
	Buf b = { 0 };
	if (s[0] == '~' && (s[1] == '/' || !s[1])) {
		buf_puts(&b, "${HOME}");
		buf_puts(&b, s + 1);
	} else if (s[0] == '~') {
		*why = "~user paths";
		return NULL;
	} else if (s[0] == '/') {
		buf_puts(&b, s);
	} else {
		buf_puts(&b, "${PROJECT}/");
		buf_puts(&b, s);
	}
	buf_putc(&b, '\0');
	char *t = b.p;
	/* lexical clean-up the front end would do anyway: "/./", trailing "/" and,
	 * for writes, srt's dropped trailing slash-** suffix */
	size_t len = strlen(t);
	for (;;) {
		if (len > 2 && !strcmp(t + len - 2, "/."))
			t[len -= 2] = 0;
		else if (len > 1 && t[len - 1] == '/')
			t[--len] = 0;
		else if (write && len > 3 && !strcmp(t + len - 3, "/**"))
			t[len -= 3] = 0;
		else
			break;
	}
	/* "." and ".." components, lexically; ".." may not climb above the
	 * root ("/" or the ${PARAM} it starts with) */
	size_t root = t[0] == '/' ? 1 : (size_t)(strchr(t, '}') - t) + 1;
	char *w = t + root, *r = t + root;
	while (*r) {
		while (*r == '/')
			r++;
		char *e = strchr(r, '/');
		size_t cn = e ? (size_t)(e - r) : strlen(r);
		if (cn == 0)
			break;
		if (cn == 1 && r[0] == '.') {
			/* nothing */
		} else if (cn == 2 && r[0] == '.' && r[1] == '.') {
			if (w == t + root) {
				free(t);
				*why = "a '..' above the directory it starts from";
				return NULL;
			}
			while (w > t + root && w[-1] != '/')
				w--;
			if (w > t + root)
				w--;
		} else {
			if (w > t + root || (root > 1 && w == t + root))
				*w++ = '/';
			memmove(w, r, cn);
			w += cn;
		}
		r += cn;
	}
	*w = 0;
	return t;
}

static void classify(Path *p)
{
	const char *t = p->text;
	const char *star = strchr(t, '*');
	p->glob = star != NULL;
	if (!star) {
		p->lit = strlen(t);
		return;
	}
	const char *slash = star;
	while (slash > t && *slash != '/')
		slash--;
	p->lit = (size_t)(slash - t);
	p->starstar_rest = slash[0] == '/' && slash[1] == '*' && slash[2] == '*' && (slash[3] == '/' || !slash[3]);
}

/* a is beneath b (or equal when eq_ok), comparing whole components. */
static bool beneath(const char *a, size_t an, const char *b, size_t bn, bool eq_ok)
{
	if (bn == 1 && b[0] == '/')
		return an > 1 || eq_ok;
	if (an < bn || strncmp(a, b, bn))
		return false;
	if (an == bn)
		return eq_ok;
	return a[bn] == '/';
}

static Paths read_paths(json_t *arr, const char *where, bool write, Report *r)
{
	Paths ps = { 0 };
	if (!arr)
		return ps;
	if (!json_is_array(arr)) {
		imp_report(r, "%s: not an array; left out", where);
		return ps;
	}
	ps.v = calloc(json_array_size(arr) + 1, sizeof(Path));
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		const char *why = NULL;
		char *t = s ? translate_path(s, write, &why) : NULL;
		if (!t) {
			imp_report(r, "%s[%zu]: %s%s%s: %s; left out", where, i, s ? "'" : "", s ? s : "not a string",
				   s ? "'" : "", why ? why : "not a path");
			continue;
		}
		Path *p = &ps.v[ps.n++];
		p->text = t;
		classify(p);
	}
	return ps;
}

static void free_paths(Paths *ps)
{
	for (int i = 0; i < ps->n; i++)
		free(ps->v[i].text);
	free(ps->v);
}

static void put_path(Buf *out, const char *t)
{
	imp_word(out, str_c(t));
}

static void put_rule(Buf *out, const char *head, const char *path, const char *suffix)
{
	buf_puts(out, head);
	buf_putc(out, ' ');
	Buf p = { 0 };
	buf_puts(&p, path);
	buf_puts(&p, suffix);
	buf_putc(&p, '\0');
	put_path(out, p.p);
	buf_free(&p);
	buf_putc(out, '\n');
}

/* "host", "host:port", "[v6]", "[v6]:port": host and port texts. */
static bool split_host(const char *s, char *host, size_t hn, char *port, size_t pn)
{
	const char *colon;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close)
			return false;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] && !colon)
			return false;
		snprintf(host, hn, "%.*s", (int)(close - s + 1), s);
	} else {
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon)
			return false; /* unbracketed IPv6: srt rejects it too */
		snprintf(host, hn, "%.*s", (int)(colon ? (size_t)(colon - s) : strlen(s)), s);
	}
	snprintf(port, pn, "%s", colon ? colon + 1 : "*");
	for (const char *p = port; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p == '*' && p == port && !p[1])))
			return false;
	if (!*port || (port[0] != '*' && (strlen(port) > 5 || atol(port) > 65535)))
		return false;
	for (const char *p = host; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_' || c == ':' || c == '[' || c == ']' || c == '*' || c == '/'))
			return false;
	}
	return *host != 0;
}

/* Returns the number of rules written. */
static int domains(json_t *arr, const char *where, bool allow, Buf *out, Report *r)
{
	int n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr)) {
		imp_report(r, "%s: not an array; left out", where);
		return 0;
	}
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		char host[300], port[16];
		if (!s || strlen(s) > 280 || !split_host(s, host, sizeof host, port, sizeof port)) {
			imp_report(r, "%s[%zu]: %s: not a host[:port] sbx can read; left out", where, i, s ? s : "not a string");
			continue;
		}
		/* srt's `*.example.com` is every subdomain, not example.com itself:
		 * sbx's wildcard name means the same. */
		bool wild = host[0] == '*' && host[1] == '.' && host[2] && !strchr(host + 1, '*');
		if (strchr(host, '*') && !wild) {
			imp_report(r, "%s[%zu]: '%s': %s; left out (%s)", where, i, s,
				   !strcmp(host, "*") ? "a deny of every host ranks below every allow in sbx"
						      : "only *.NAME is a wildcard name in sbx",
				   allow ? "stricter: those hosts are refused" : "wider: allowed names under it stay allowed");
			buf_printf(out, "# not translated: %s connect %s\n", allow ? "allow" : "deny", s);
			continue;
		}
		buf_printf(out, "%s connect tcp %s:%s\n", allow ? "allow" : "deny", host, port);
		n++;
	}
	return n;
}

static void unknown_keys(json_t *obj, const char *prefix, const char *const *known, size_t nknown, Report *r)
{
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		bool k = false;
		for (size_t i = 0; i < nknown && !k; i++)
			k = !strcmp(known[i], key);
		if (!k)
			imp_report(r, "%s%s: srt machinery, not policy sbx can state; left out", prefix, key);
	}
}

bool imp_srt(json_t *root, const ImportOpts *o, Buf *out, Report *r)
{
	if (!json_is_object(root)) {
		imp_report(r, "(top): not a JSON object");
		return false;
	}
	json_t *fs = json_object_get(root, "filesystem"), *net = json_object_get(root, "network");
	if ((fs && !json_is_object(fs)) || (net && !json_is_object(net))) {
		imp_report(r, "filesystem/network: not objects");
		return false;
	}
	static const char *const top[] = { "filesystem", "network" };
	static const char *const fsk[] = { "denyRead", "allowRead", "allowWrite", "denyWrite" };
	static const char *const netk[] = { "allowedDomains", "deniedDomains", "allowUnixSockets", "allowAllUnixSockets",
					    "allowLocalBinding" };
	unknown_keys(root, "", top, ARRAY_LEN(top), r);
	if (fs)
		unknown_keys(fs, "filesystem.", fsk, ARRAY_LEN(fsk), r);
	if (net)
		unknown_keys(net, "network.", netk, ARRAY_LEN(netk), r);

	Paths dr = read_paths(json_object_get(fs, "denyRead"), "filesystem.denyRead", false, r);
	Paths ar = read_paths(json_object_get(fs, "allowRead"), "filesystem.allowRead", false, r);
	Paths aw = read_paths(json_object_get(fs, "allowWrite"), "filesystem.allowWrite", true, r);
	Paths dw = read_paths(json_object_get(fs, "denyWrite"), "filesystem.denyWrite", true, r);

	buf_puts(out, "sbx 1\npolicy ");
	buf_str(out, o->name); /* an identifier: checked by the driver */
	buf_puts(out, " \"imported from a sandbox-runtime settings file by sbxc import srt\"\n");
	buf_puts(out, "# srt restricts neither reading (beyond denyRead), exec, fork nor signals\n");
	buf_puts(out, "use std/base\n");
	buf_puts(out, "allow read /\nallow exec /\nallow fork\nallow signal self children\n");

	/* ---- reads ---- */
	if (dr.n || ar.n)
		buf_puts(out, "\n# filesystem.denyRead / allowRead (the more specific wins, as in srt)\n");
	for (int i = 0; i < dr.n; i++)
		put_rule(out, "deny read", dr.v[i].text, "");
	for (int i = 0; i < ar.n; i++) {
		Path *a = &ar.v[i];
		for (int j = 0; j < dr.n; j++) {
			Path *d = &dr.v[j];
			if (!d->glob && !a->glob && !strcmp(d->text, a->text))
				imp_report(r, "filesystem.allowRead: '%s' is also denied: srt allows it, sbx denies it (stricter)",
					   a->text);
			if (a->glob || !d->glob || !d->starstar_rest || !beneath(a->text, strlen(a->text), d->text, d->lit, true))
				continue;
			/* The allow's literal prefix is longer than the deny's, so the
			 * deny is repeated beneath it, where a glob beats the literal. */
			if (strlen(a->text) != d->lit) /* the pattern itself is already there */
				put_rule(out, "deny read", a->text, d->text + d->lit);
		}
		put_rule(out, "allow read", a->text, "");
	}

	/* ---- writes ---- */
	for (int i = 0; i < aw.n; i++)
		for (int j = 0; j < dw.n; j++) {
			Path *a = &aw.v[i], *d = &dw.v[j];
			if (!d->glob && beneath(a->text, a->lit, d->text, strlen(d->text), true)) {
				a->drop = true;
				imp_report(r, "filesystem.allowWrite: '%s' lies inside denyWrite '%s'; left out (srt's deny wins)",
					   a->text, d->text);
			}
		}
	if (aw.n)
		buf_puts(out, "\n# filesystem.allowWrite\n");
	for (int i = 0; i < aw.n; i++)
		if (!aw.v[i].drop)
			put_rule(out, "allow write", aw.v[i].text, "");
	if (dw.n)
		buf_puts(out, "\n# filesystem.denyWrite (srt: a deny wins over any allow)\n");
	for (int j = 0; j < dw.n; j++) {
		Path *d = &dw.v[j];
		put_rule(out, "deny write", d->text, "");
		if (!d->glob)
			continue;
		if (!d->starstar_rest)
			imp_report(r, "filesystem.denyWrite: '%s': a glob that does not start with '**' after its literal part "
				      "may rank below a deeper allowWrite (possibly wider)", d->text);
		for (int i = 0; i < aw.n; i++) {
			Path *a = &aw.v[i];
			if (a->drop || a->glob || !d->starstar_rest || !beneath(a->text, strlen(a->text), d->text, d->lit, false))
				continue;
			put_rule(out, "deny write", a->text, d->text + d->lit);
		}
	}
	int roots = 0;
	for (int i = 0; i < aw.n; i++)
		roots += !aw.v[i].drop && !aw.v[i].glob;
	if (roots) {
		buf_puts(out, "\n# srt's mandatory deny paths, under every place writing is allowed\n");
		buf_puts(out, "deny write {\n");
		for (int i = 0; i < aw.n; i++) {
			if (aw.v[i].drop || aw.v[i].glob)
				continue;
			for (size_t k = 0; k < ARRAY_LEN(mandatory_deny_write); k++) {
				Buf p = { 0 };
				buf_printf(&p, "%s/**/%s", aw.v[i].text, mandatory_deny_write[k]);
				buf_puts(out, "  ");
				imp_word(out, buf_as_str(&p));
				buf_putc(out, '\n');
				buf_free(&p);
			}
		}
		buf_puts(out, "}\n");
	}
	for (int i = 0; i < aw.n; i++)
		if (aw.v[i].glob && !aw.v[i].drop)
			imp_report(r, "filesystem.allowWrite: '%s': a glob; srt's mandatory denies are not added beneath it",
				   aw.v[i].text);

	/* ---- network ---- */
	if (json_object_get(net, "allowedDomains") || json_object_get(net, "deniedDomains"))
		buf_puts(out, "\n# network.allowedDomains / deniedDomains: srt checks names on every port\n"
			      "# unless the entry names one\n");
	int nallow = domains(json_object_get(net, "allowedDomains"), "network.allowedDomains", true, out, r);
	int ndeny = domains(json_object_get(net, "deniedDomains"), "network.deniedDomains", false, out, r);
	if (nallow || ndeny) {
		buf_puts(out, "# Linux and macOS: the runtime's egress proxy checks these names (HTTPS_PROXY,\n"
			      "# HTTP_PROXY, ALL_PROXY; on macOS run the profile with sbx-seatbelt) and resolves\n"
			      "# them, as srt's proxy does; a program that ignores it reaches none of them.\n"
			      "# Windows cannot check a host name yet:\n");
		buf_puts(out, o->accept_wider ? "" : "# ");
		buf_puts(out, "accept wider connect on windows because \"imported from srt, whose proxy checked host names\"\n");
		if (!o->accept_wider)
			imp_report(r, "network.allowedDomains: enforced on Linux and macOS by the egress proxy; wider on "
				      "Windows: `accept wider connect on windows` is written commented out");
	}
	json_t *us = json_object_get(net, "allowUnixSockets");
	json_t *all = json_object_get(net, "allowAllUnixSockets");
	if (json_is_true(all)) {
		buf_puts(out, "\n# network.allowAllUnixSockets\nallow connect unix /\n");
	} else if (json_array_size(us)) {
		Paths ps = read_paths(us, "network.allowUnixSockets", false, r);
		buf_puts(out, "\n# network.allowUnixSockets\n");
		for (int i = 0; i < ps.n; i++)
			put_rule(out, "allow connect unix", ps.v[i].text, "");
		free_paths(&ps);
	}
	if (json_is_true(json_object_get(net, "allowLocalBinding")))
		buf_puts(out, "\n# network.allowLocalBinding\nallow bind tcp 127.0.0.1:* [::1]:*\n");

	free_paths(&dr);
	free_paths(&ar);
	free_paths(&aw);
	free_paths(&dw);
	return true;
}
