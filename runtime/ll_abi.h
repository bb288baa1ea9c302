/*
 * ll_abi.h: Landlock's user-space interface, written out from the kernel's
 * documentation (Documentation/userspace-api/landlock.rst) because the
 * distribution's <linux/landlock.h> lags the kernels we run on.
 *
 * One table per kind of access right is the source of truth for the
 * kernel's bit, its name in .landlock files (the kernel's own name without
 * the LANDLOCK_ACCESS_FS_ prefix, lower-cased) and the ABI that introduced
 * it. Both the compiler's backend and the runtime read these tables, so a
 * name written by one is always understood by the other.
 */
#ifndef SBX_LL_ABI_H
#define SBX_LL_ABI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The newest ABI this code knows; newer kernels are used at this level. */
#define LL_ABI_KNOWN 7

/* X(NAME, "name", bit, abi, applies to non-directories) */
#define LL_FS_RIGHTS(X)                          \
	X(EXECUTE, "execute", 0, 1, 1)           \
	X(WRITE_FILE, "write_file", 1, 1, 1)     \
	X(READ_FILE, "read_file", 2, 1, 1)       \
	X(READ_DIR, "read_dir", 3, 1, 0)         \
	X(REMOVE_DIR, "remove_dir", 4, 1, 0)     \
	X(REMOVE_FILE, "remove_file", 5, 1, 0)   \
	X(MAKE_CHAR, "make_char", 6, 1, 0)       \
	X(MAKE_DIR, "make_dir", 7, 1, 0)         \
	X(MAKE_REG, "make_reg", 8, 1, 0)         \
	X(MAKE_SOCK, "make_sock", 9, 1, 0)       \
	X(MAKE_FIFO, "make_fifo", 10, 1, 0)      \
	X(MAKE_BLOCK, "make_block", 11, 1, 0)    \
	X(MAKE_SYM, "make_sym", 12, 1, 0)        \
	X(REFER, "refer", 13, 2, 0)              \
	X(TRUNCATE, "truncate", 14, 3, 1)        \
	X(IOCTL_DEV, "ioctl_dev", 15, 5, 1)

/* X(NAME, "name", bit, abi) */
#define LL_NET_RIGHTS(X)                   \
	X(BIND_TCP, "bind_tcp", 0, 4)      \
	X(CONNECT_TCP, "connect_tcp", 1, 4)

#define LL_SCOPES(X)                                        \
	X(ABSTRACT_UNIX_SOCKET, "abstract_unix_socket", 0, 6) \
	X(SIGNAL, "signal", 1, 6)

#define X(N, s, bit, abi, f) LL_FS_##N = 1ull << (bit),
enum { LL_FS_RIGHTS(X) };
#undef X
#define X(N, s, bit, abi) LL_NET_##N = 1ull << (bit),
enum { LL_NET_RIGHTS(X) };
#undef X
#define X(N, s, bit, abi) LL_SCOPE_##N = 1ull << (bit),
enum { LL_SCOPES(X) };
#undef X

/* The language's file rights as Landlock rights (LANGUAGE.md 5.1).
 * write is every right that changes the tree or a file's bytes; device
 * ioctls go with write because they are how a device is driven. */
#define LL_LANG_READ (LL_FS_READ_FILE | LL_FS_READ_DIR)
#define LL_LANG_WRITE                                                                  \
	(LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_CHAR |   \
	 LL_FS_MAKE_DIR | LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO |          \
	 LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM | LL_FS_REFER | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)
#define LL_LANG_EXEC (LL_FS_EXECUTE)

/* Rights a rule on a non-directory may carry (others make add_rule fail). */
#define LL_FS_FILE_RIGHTS \
	(LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

/* Kernel structures and constants (stable ABI). */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};
struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));
struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};
enum { LL_RULE_PATH_BENEATH = 1, LL_RULE_NET_PORT = 2 };
#define LL_CREATE_RULESET_VERSION 1u

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* ---- The param contract, one for the compiler and the runtime ----
 * Where a param's value comes from when nothing is given on the command
 * line, and what a value may be, decided once here so that `sbxc
 * explain`, `sbxc run`, `sbx-exec` and `-D` can never disagree (a value
 * accepted by one and refused by another is a policy meaning two things). */

/* The environment's value for param NAME: SBX_PARAM_NAME, then, for a
 * built-in (builtin: not declared required by the policy, as `param
 * PROJECT` does), its source (HOME from HOME, TMPDIR from TMPDIR or /tmp,
 * PROJECT the working directory, UID the real uid). An empty SBX_PARAM_NAME is a
 * value (refused by ll_param_value_error), not an absence. Writes into
 * buf; NULL when the environment gives nothing. */
static inline const char *ll_param_from_env(const char *name, bool builtin, char *buf, size_t n)
{
	char var[300];
	if ((size_t)snprintf(var, sizeof var, "SBX_PARAM_%s", name) >= sizeof var)
		return NULL;
	const char *v = getenv(var);
	if (!v && !builtin)
		return NULL;
	if (!v && strcmp(name, "HOME") == 0)
		v = getenv("HOME");
	if (!v && strcmp(name, "TMPDIR") == 0)
		v = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	if (!v && strcmp(name, "PROJECT") == 0)
		return getcwd(buf, n);
	if (!v && strcmp(name, "UID") == 0) {
		snprintf(buf, n, "%u", (unsigned)getuid());
		return buf;
	}
	if (!v || strlen(v) >= n)
		return v ? "" : NULL; /* too long for buf: "" is refused, never truncated */
	memcpy(buf, v, strlen(v) + 1);
	return buf;
}

/* NULL when v may be param NAME's value, else why not: non-empty, one
 * line, an absolute path (POSIX, or Windows `C:\` / `\\server`) or, for
 * UID, a decimal number; a Windows path cannot hold `*` or `?` (as
 * literal characters they would name no file). */
static inline const char *ll_param_value_error(const char *name, const char *v)
{
	if (!*v)
		return "the value must be non-empty";
	if (strpbrk(v, "\n\r"))
		return "the value must be one line";
	if (strcmp(name, "UID") == 0) {
		for (const char *c = v; *c; c++)
			if (*c < '0' || *c > '9')
				return "UID must be a decimal number";
		return NULL;
	}
	size_t n = strlen(v);
	bool drive = n >= 3 && ((v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z') && v[1] == ':' &&
		     (v[2] == '\\' || v[2] == '/');
	bool unc = n >= 3 && v[0] == '\\' && v[1] == '\\' && v[2] != '\\';
	if (v[0] != '/' && !drive && !unc)
		return "the value must be an absolute path (POSIX or Windows)";
	if ((drive || unc) && strpbrk(v, "*?"))
		return "a Windows path cannot hold '*' or '?'";
	return NULL;
}

/* ---- sbxc's own state, one definition for the compiler and the runtime ----
 * The compile cache root (sbxc run's run directories lie in it):
 * $SBXC_CACHE_DIR, else $XDG_CACHE_HOME/sbxc, else $HOME/.cache/sbxc, each
 * only when absolute. The runtime denies writing it to every sandbox. */
static inline bool ll_cache_root(char *out, size_t n)
{
	const char *v = getenv("SBXC_CACHE_DIR");
	if (v && v[0] == '/')
		return (size_t)snprintf(out, n, "%s", v) < n;
	v = getenv("XDG_CACHE_HOME");
	if (v && v[0] == '/')
		return (size_t)snprintf(out, n, "%s/sbxc", v) < n;
	v = getenv("HOME");
	if (v && v[0] == '/')
		return (size_t)snprintf(out, n, "%s/.cache/sbxc", v) < n;
	return false;
}

#endif
