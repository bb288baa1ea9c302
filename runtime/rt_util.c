/*
 * rt_util.c: the runtime's buffers, string decoding and its report.
 *
 * The runtime is a short-lived program that ends in execve(); memory is
 * plain malloc and an allocation failure ends the process with 126 (the
 * sandbox cannot be applied), which is the fail-closed answer.
 *
 * The report is a list of notes, each one of: enforced (what the kernel
 * will enforce), stricter (denied more than the policy says, e.g. entries
 * created later in a carved directory), degraded (weaker than the policy
 * says: only with --best-effort or where the policy accepted it), skipped
 * (an allow whose path is missing) and error.
 */
#include "sbx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static _Noreturn void rt_oom(void)
{
	static const char msg[] = "sbx-exec: out of memory\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(SBX_EXIT_CANNOT_ENFORCE);
}

void *rt_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		rt_oom();
	return p;
}

void *rt_alloc_raw(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		rt_oom();
	return p;
}

void *rt_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		rt_oom();
	return q;
}

char *rt_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = rt_alloc(n);
	memcpy(p, s, n);
	return p;
}

void rt_put(RtBuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = rt_realloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

void rt_puts(RtBuf *b, const char *s) { rt_put(b, s, strlen(s)); }

void rt_printf(RtBuf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		rt_put(b, small, (size_t)n);
		return;
	}
	char *big = rt_alloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rt_put(b, big, (size_t)n);
	free(big);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *rt_unquote(const char **sp)
{
	const char *s = *sp;
	if (*s != '"')
		return NULL;
	s++;
	RtBuf b = { 0 };
	rt_put(&b, "", 0);
	for (;;) {
		unsigned char c = (unsigned char)*s;
		if (c == 0 || c == '\n' || c < 0x20) {
			free(b.p);
			return NULL;
		}
		s++;
		if (c == '"')
			break;
		if (c != '\\') {
			rt_put(&b, (const char *)&c, 1);
			continue;
		}
		char e = *s++;
		char out;
		switch (e) {
		case '\\': out = '\\'; break;
		case '"': out = '"'; break;
		case 'n': out = '\n'; break;
		case 't': out = '\t'; break;
		case 'x': {
			int h = hexval(s[0]), l = h < 0 ? -1 : hexval(s[1]);
			if (h < 0 || l < 0 || (h == 0 && l == 0)) {
				free(b.p);
				return NULL;
			}
			out = (char)(h * 16 + l);
			s += 2;
			break;
		}
		default:
			free(b.p);
			return NULL;
		}
		rt_put(&b, &out, 1);
	}
	*sp = s;
	return b.p;
}

void rt_note(RtReport *r, int kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0)
		rt_oom();
	va_end(ap);
	RtNote *n = RT_PUSH(r->v, r->n, r->cap);
	n->kind = (uint8_t)kind;
	n->text = text;
}

static const char *const kind_name[RT__KINDS] = { "enforced", "stricter", "degraded", "skipped", "error" };

static void json_str(RtBuf *b, const char *s)
{
	rt_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			rt_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			rt_printf(b, "\\u%04x", c);
		else
			rt_put(b, (const char *)&c, 1);
	}
	rt_puts(b, "\"");
}

/* Text: one line per note, grouped by kind. JSON: an object with the ABI,
 * seccomp and one array per kind. Both go to fd in one write. */
void rt_report_print(const RtReport *r, bool json, int fd)
{
	RtBuf b = { 0 };
	if (json) {
		rt_printf(&b, "{\"abi\":{\"kernel\":%d,\"used\":%d},\"seccomp\":{\"loaded\":%s,\"what\":",
			  r->kernel_abi, r->abi, r->seccomp_loaded ? "true" : "false");
		json_str(&b, r->seccomp_what ? r->seccomp_what : "");
		rt_puts(&b, "}");
		for (int k = 0; k < RT__KINDS; k++) {
			rt_printf(&b, ",\"%s\":[", kind_name[k]);
			bool first = true;
			for (int i = 0; i < r->n; i++) {
				if (r->v[i].kind != k)
					continue;
				if (!first)
					rt_puts(&b, ",");
				first = false;
				json_str(&b, r->v[i].text);
			}
			rt_puts(&b, "]");
		}
		rt_puts(&b, "}\n");
	} else {
		rt_printf(&b, "landlock: kernel ABI %d, applied as ABI %d\n", r->kernel_abi, r->abi);
		rt_printf(&b, "seccomp: %s\n", r->seccomp_what ? r->seccomp_what : "not loaded");
		for (int k = 0; k < RT__KINDS; k++)
			for (int i = 0; i < r->n; i++)
				if (r->v[i].kind == k)
					rt_printf(&b, "%s: %s\n", kind_name[k], r->v[i].text);
	}
	size_t off = 0;
	while (off < b.n) {
		ssize_t w = write(fd, b.p + off, b.n - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(b.p);
}

void rt_report_free(RtReport *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->v[i].text);
	free(r->v);
	free(r->seccomp_what);
	memset(r, 0, sizeof *r);
}

/* The file execvp would have run: cmd itself if it names a path, else the
 * first regular file of that name on PATH (stat needs no read right). */
static bool find_command(const char *cmd, char *out, size_t cap)
{
	struct stat st;
	if (strchr(cmd, '/'))
		return snprintf(out, cap, "%s", cmd) < (int)cap;
	const char *path = getenv("PATH");
	for (const char *d = path ? path : "/usr/local/bin:/usr/bin:/bin"; *d;) {
		size_t n = strcspn(d, ":");
		if (n && snprintf(out, cap, "%.*s/%s", (int)n, d, cmd) < (int)cap && stat(out, &st) == 0 &&
		    S_ISREG(st.st_mode))
			return true;
		d += n + (d[n] == ':');
	}
	return false;
}

void rt_exec_failed(const char *prog, const char *cmd, int err)
{
	char file[4096], head[512];
	fprintf(stderr, "%s: cannot execute %s: %s\n", prog, cmd, strerror(err));
	if (err != EACCES && err != ENOENT)
		return;
	if (!find_command(cmd, file, sizeof file))
		return;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block */
	if (fd < 0)
		return; /* not readable under the policy: nothing more is known */
	ssize_t n = read(fd, head, sizeof head - 1);
	close(fd);
	if (n < 3 || head[0] != '#' || head[1] != '!')
		return;
	head[n] = 0;
	char *p = head + 2;
	p += strspn(p, " \t");
	size_t len = strcspn(p, " \t\r\n");
	if (!len)
		return;
	p[len] = 0;
	struct stat st;
	if (err == ENOENT && stat(p, &st) != 0)
		fprintf(stderr, "%s: %s is a script for %s, which does not exist\n", prog, file, p);
	else if (err == EACCES)
		fprintf(stderr, "%s: %s is a script for %s: the policy must allow exec of both\n", prog, file, p);
}
