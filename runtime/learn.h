/*
 * learn.h: the observer behind `sbxc learn` (learn.c). It runs a command
 * unconfined under a seccomp filter that notifies the file, exec, network
 * and process calls a policy decides, and answers every one of them with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE: the kernel performs the call as made,
 * nothing is denied or changed. For each call the callback gets what the
 * call names, read from the program's memory and /proc while the call
 * waits.
 *
 * That reading is racy by design (another thread may change the path after
 * we read it, a /proc link may move): acceptable here because the result
 * is only a proposal that a person reviews and the compiler and the
 * enforcing runtime then check. The supervisor (sup.c), which decides,
 * never acts on such a read.
 */
#ifndef SBX_LEARN_H
#define SBX_LEARN_H

#include "sbx.h"

#include <sys/types.h>

enum LearnKind {
	LE_READ,    /* opened for reading (a file) */
	LE_LIST,    /* a directory opened or listed */
	LE_WRITE,   /* opened for writing or truncated, an existing file */
	LE_CREATE,  /* a file created (open O_CREAT of a missing file, mknod, link, symlink, rename target) */
	LE_MKDIR,   /* a directory created */
	LE_REMOVE,  /* unlink, rmdir, rename source: the parent directory is written */
	LE_META,    /* chmod, chown, times, extended attributes */
	LE_EXEC,    /* execve; a script's interpreter is reported as an exec too */
	LE_CONNECT, /* net: "tcp 127.0.0.1:80", "udp [::1]:53", "unix /run/x.sock" */
	LE_BIND,
	LE_FORK,    /* a process (not a thread) created */
	LE_SIGNAL,  /* net holds "self", "children" or "any" */
	LE__KINDS
};

typedef struct LearnEvent {
	uint8_t kind;         /* LearnKind */
	pid_t pid;            /* the thread that made the call */
	const char *call;     /* "openat", "connect", ... */
	const char *path;     /* absolute, lexically normalised; NULL for net, fork, signal */
	bool existed, is_dir; /* what lstat said of path just before the call */
	const char *net;      /* LE_CONNECT, LE_BIND, LE_SIGNAL */
} LearnEvent;

typedef void (*LearnFn)(void *ctx, const LearnEvent *e);

/* Runs argv (searched in PATH) under the observer and returns its exit
 * status (126 when it cannot be observed, 127 when it cannot be run).
 * prog names the caller in messages. */
int learn_run(char *const argv[], const char *prog, LearnFn fn, void *ctx);
/* The command name of pid (/proc/PID/comm) while its call waits; "?" if gone. */
void learn_comm(pid_t pid, char *out, size_t n);

#endif
