/*
 * native.c: sbx-launch built for a POSIX system, where it can only plan.
 *
 * The tests run this build with --plan on every golden profile, so the
 * profile checks, variable resolution and command-line quoting that the
 * Windows build uses are exercised (under ASan too) on every CI run, with
 * or without Wine.
 */
#include "launch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *env_get(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* A Windows-shaped working directory keeps plans comparable across systems:
 * SBX_LAUNCH_CWD, else the POSIX one (which the plan will then refuse as not
 * absolute, if PROJECT is used, exactly as it should). */
static char *cwd(AclPool *p)
{
	const char *w = getenv("SBX_LAUNCH_CWD");
	if (w)
		return acl_strndup(p, w, strlen(w));
	char buf[4096];
	if (!getcwd(buf, sizeof buf))
		return NULL;
	return acl_strndup(p, buf, strlen(buf));
}

static bool read_all(AclPool *p, const char *path, char **data, size_t *n, char *err, size_t errn)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errn, "%s", strerror(errno));
		return false;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = acl_alloc(p, cap);
	for (;;) {
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (len < cap)
			break;
		if (cap >= (4u << 20)) {
			fclose(f);
			snprintf(err, errn, "larger than 4 MiB");
			return false;
		}
		char *nb = acl_alloc(p, cap * 2);
		memcpy(nb, buf, len);
		buf = nb;
		cap *= 2;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errn, "read error");
		return false;
	}
	*data = buf;
	*n = len;
	return true;
}

int main(int argc, char **argv)
{
	AclOs os = { "not Windows", env_get, NULL, cwd, NULL, read_all, NULL, NULL };
	return acl_main(argc, argv, &os);
}
