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

#include <stdint.h>

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

#endif
