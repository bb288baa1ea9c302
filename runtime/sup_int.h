/*
 * sup_int.h: what the supervisor's files share (sup.c, the loop and the
 * socket calls; sup_fs.c, the file calls of deny-inside-allow writes).
 */
#ifndef SBX_SUP_INT_H
#define SBX_SUP_INT_H

#include "sbx.h"

#include <linux/seccomp.h>
#include <sys/types.h>
#include <stdio.h>

typedef struct Sup {
	const LlArtifact *a;
	const LlSupFs *fs; /* NULL: no file calls are notified */
	int lfd;
	FILE *log;
	unsigned long unpriv_port; /* below it, bind needs a capability the program does not hold */
	struct seccomp_notif_sizes sz;
	long nallowed, ndenied;
} Sup;

typedef struct Resp {
	int64_t val;
	int error;     /* positive errno, 0 for success */
	bool cont;     /* let the kernel perform the call as made */
	bool drop;     /* the thread is gone, or the answer was sent: send nothing */
} Resp;

bool sup_peek(pid_t pid, uint64_t addr, void *out, size_t n);
bool sup_still_valid(Sup *s, uint64_t id);
/* The program's descriptor fd, duplicated; -1 with *err (ESRCH: gone). */
int sup_grab_fd(Sup *s, const struct seccomp_notif *n, int fd, int *err);

/* sup_fs.c: whether nr is one of its calls, and the answer to one. */
bool sup_fs_call(long nr);
Resp sup_fs_handle(Sup *s, const struct seccomp_notif *n);

#endif
