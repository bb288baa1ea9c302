/*
 * sema_load.c: the first phase of sema, files.
 *
 * Reads the main file and every `use`, depth first and each file once (a
 * file met again while it is still on the chain of uses is a cycle; met
 * again elsewhere it is a diamond and merged once), parses each, checks its
 * `sbx 1`, and flattens `on` blocks: the next phase gets sm->files and the
 * statements in sm->flat, each with the platforms its block gives it and
 * the file it came from. A file's identity is its real path, so two
 * spellings of one file are one file; the names in messages are the paths
 * as the uses wrote them, tidied. Each file's id is the same path relative
 * to the main policy's directory, composed from the uses alone, so that
 * artifacts and digests name it the same from any working directory.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sema.h"
#include "consts.h"
#include "parse.h"
#include "grammar.h"

static bool load_text(Sema *sm, Str name, Str id, Str key, Str text, SrcLoc from);
static bool load_walk(Sema *sm, const StmtList *l, uint8_t plat, uint16_t file, bool in_on);

static int load_find_key(Sema *sm, Str key)
{
	for (int i = 0; i < sm->nfiles; i++)
		if (str_eq(sm->keys[i], key))
			return i;
	return -1;
}

static Str load_dir_of(Sema *sm, Str path)
{
	size_t n = path.n;
	while (n > 0 && path.p[n - 1] != '/')
		n--;
	return arena_strdup(sm->a, (Str){ path.p, n });
}

/* "a/b/../c" -> "a/c" and "./x" -> "x", for the names shown in messages;
 * a leading "../" stays (it cannot be resolved lexically). */
static Str load_tidy_path(Sema *sm, Str p)
{
	Str comps[256];
	int n = 0, up = 0;
	bool abs = p.n && p.p[0] == '/';
	PathIter it = ir_path_iter(p, 0, '/');
	for (Str c; n < 256 && ir_path_next(&it, &c);) {
		if (str_eqc(c, "..") && n > up && !str_eqc(comps[n - 1], ".."))
			n--;
		else {
			if (str_eqc(c, ".."))
				up++;
			comps[n++] = c;
		}
	}
	Buf b = { 0 };
	if (abs)
		buf_putc(&b, '/');
	for (int k = 0; k < n; k++) {
		if (k)
			buf_putc(&b, '/');
		buf_str(&b, comps[k]);
	}
	Str out = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	return out;
}

/* The main file's errors have no place to point at; a used file's point at
 * its `use`. */
static bool load_fail(Sema *sm, SrcLoc from, bool is_main, Str msg)
{
	if (is_main)
		diag_plain(sm->d, DIAG_ERROR, "%.*s", STRF(msg));
	else
		ERR(sm, from, "%.*s", STRF(msg));
	return false;
}

static bool load_path(Sema *sm, Str path, Str id, SrcLoc from, bool is_main)
{
	char *cpath = arena_cstr(sm->a, path);
	const char *verb = is_main ? "read" : "use";
	char real[PATH_MAX];
	if (!realpath(cpath, real)) {
		int e = errno;
		return load_fail(sm, from, is_main, arena_printf(sm->a, "cannot %s '%s': %s", verb, cpath, strerror(e)));
	}
	Str key = arena_strdup(sm->a, str_c(real));
	if (load_find_key(sm, key) >= 0)
		return load_text(sm, path, id, key, (Str){ 0, 0 }, from);
	Buf b = { 0 };
	int e = read_file(cpath, sm->o->max_file_size, &b);
	if (e) {
		buf_free(&b);
		if (e == EFBIG)
			return load_fail(sm, from, is_main,
					 arena_printf(sm->a, "'%s' is larger than the limit of %zu bytes", cpath, sm->o->max_file_size));
		return load_fail(sm, from, is_main, arena_printf(sm->a, "cannot %s '%s': %s", verb, cpath, strerror(e)));
	}
	Str text = arena_strdup(sm->a, buf_as_str(&b));
	buf_free(&b);
	return load_text(sm, path, id, key, text, from);
}

bool load_std(Sema *sm, Str name, SrcLoc from)
{
	for (const StdFile *f = std_files; f->name; f++) {
		if (str_eqc(name, f->name)) {
			Str disp = arena_printf(sm->a, "std/%s", f->name);
			return load_text(sm, disp, disp, disp, (Str){ f->text, f->len }, from);
		}
	}
	const char *names[64];
	int n = 0;
	for (const StdFile *f = std_files; f->name && n < 64; f++)
		names[n++] = f->name;
	const char *hint = closest(name, names, n);
	if (hint)
		ERR(sm, from, "no standard library fragment 'std/%s' (did you mean 'std/%s'?)", cs(sm, name), hint);
	else
		ERR(sm, from, "no standard library fragment 'std/%s'", cs(sm, name));
	return false;
}

static bool load_text(Sema *sm, Str name, Str id, Str key, Str text, SrcLoc from)
{
	int idx = load_find_key(sm, key);
	if (idx >= 0) {
		for (int i = 0; i < sm->depth; i++) {
			if (sm->chain[i] != idx)
				continue;
			Buf b = { 0 };
			for (int j = i; j < sm->depth; j++)
				buf_printf(&b, "%.*s uses ", STRF(sm->files[sm->chain[j]].name));
			buf_printf(&b, "%.*s", STRF(sm->files[idx].name));
			ERR(sm, from, "'use' cycle: %.*s", (int)b.n, b.p ? b.p : "");
			buf_free(&b);
			return false;
		}
		return true; /* already merged: a diamond, not a cycle */
	}
	if (sm->depth >= MAX_USE_DEPTH) {
		ERR(sm, from, "'use' nested more than %d deep", MAX_USE_DEPTH);
		return false;
	}
	if (sm->nfiles >= UINT16_MAX - 1) {
		ERR(sm, from, "too many files");
		return false;
	}
	idx = sm->nfiles;
	SrcFile *f = VEC_PUSH(sm->a, sm->files, sm->nfiles, sm->capfiles);
	f->name = arena_strdup(sm->a, name);
	f->id = arena_strdup(sm->a, id);
	f->text = text;
	int kn = idx;
	*VEC_PUSH(sm->a, sm->keys, kn, sm->capkeys) = key;
	sm->d->files = sm->files;
	sm->d->nfiles = sm->nfiles;

	StmtList stmts = { 0 };
	if (!parse_file(sm->a, sm->d, (uint16_t)idx, text, &stmts))
		return false;
	if (stmts.n == 0 || stmts.v[0]->kind != ST_SBX) {
		SrcLoc at = stmts.n ? stmts.v[0]->kw.loc : (SrcLoc){ (uint16_t)idx, 1, 1 };
		ERR(sm, at, "expected 'sbx 1' as the first statement");
		return false;
	}
	Tok v = stmts.v[0]->name;
	if (!str_eqc(v.text, "1")) {
		ERR(sm, v.loc, "unsupported language version '%s' (this sbxc reads sbx 1)", cs(sm, v.text));
		return false;
	}
	sm->chain[sm->depth++] = idx;
	bool ok = load_walk(sm, &stmts, PLAT_ALL, (uint16_t)idx, false);
	sm->depth--;
	return ok;
}

static bool load_walk(Sema *sm, const StmtList *l, uint8_t plat, uint16_t file, bool in_on)
{
	bool ok = true;
	for (int i = 0; i < l->n; i++) {
		Stmt *s = l->v[i];
		switch (s->kind) {
		case ST_SBX:
			if (i != 0 || in_on) {
				ERR(sm, s->kw.loc, "'sbx' must be the first statement, once");
				ok = false;
			}
			break;
		case ST_USE: {
			if (in_on) {
				ERR(sm, s->kw.loc, "'use' belongs at the top level, not inside 'on'");
				ok = false;
				break;
			}
			Tok t = s->name;
			if (t.type == MODPATH) {
				if (!str_has_prefix(t.text, "std/")) {
					ERR(sm, t.loc, "unknown library '%s'; write std/NAME or a quoted file name", cs(sm, t.text));
					ok = false;
					break;
				}
				ok &= load_std(sm, (Str){ t.text.p + 4, t.text.n - 4 }, t.loc);
			} else {
				Str rel = t.text;
				if (rel.n == 0) {
					ERR(sm, t.loc, "empty file name in 'use'");
					ok = false;
					break;
				}
				Str from = sm->files[file].name;
				Str path = rel, id = load_tidy_path(sm, rel);
				if (rel.p[0] != '/') {
					if (str_has_prefix(from, "std/")) {
						ERR(sm, t.loc, "a standard library fragment may only use std/ fragments");
						ok = false;
						break;
					}
					Str dir = load_dir_of(sm, from);
					path = load_tidy_path(sm, arena_printf(sm->a, "%.*s%.*s", STRF(dir), STRF(rel)));
					Str idir = load_dir_of(sm, sm->files[file].id);
					id = load_tidy_path(sm, arena_printf(sm->a, "%.*s%.*s", STRF(idir), STRF(rel)));
				}
				ok &= load_path(sm, path, id, t.loc, false);
			}
			break;
		}
		case ST_ON: {
			uint8_t p = 0;
			if (str_eqc(s->name.text, "linux"))
				p = PLAT_LINUX;
			else if (str_eqc(s->name.text, "macos"))
				p = PLAT_MACOS;
			else if (str_eqc(s->name.text, "windows"))
				p = PLAT_WINDOWS;
			else {
				ERR(sm, s->name.loc, "unknown platform '%s'; expected macos, linux or windows", cs(sm, s->name.text));
				ok = false;
				break;
			}
			if (in_on) {
				ERR(sm, s->kw.loc, "'on' blocks do not nest");
				ok = false;
				break;
			}
			ok &= load_walk(sm, &s->body, p, file, true);
			break;
		}
		default: {
			Flat *f = VEC_PUSH(sm->a, sm->flat, sm->nflat, sm->capflat);
			f->s = s;
			f->plat = plat;
			f->file = file;
			if (in_on && (s->kind == ST_POLICY || s->kind == ST_PARAM || s->kind == ST_GROUP || s->kind == ST_DEFAULT)) {
				ERR(sm, s->kw.loc, "'%s' belongs at the top level, not inside 'on'", cs(sm, s->kw.text));
				ok = false;
			}
			break;
		}
		}
	}
	return ok;
}

bool load_main(Sema *sm, const char *path, const Str *text)
{
	/* The main file is its own directory's file: only its name is kept. */
	const char *base = strrchr(path, '/');
	Str id = str_c(base ? base + 1 : path);
	if (text)
		return load_text(sm, str_c(path), id, str_c(path), arena_strdup(sm->a, *text), (SrcLoc){ 0, 0, 0 });
	return load_path(sm, str_c(path), id, (SrcLoc){ 0, 0, 0 }, true);
}
