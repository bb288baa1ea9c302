/*
 * sup.h: the supervisor (sup.c), the parent that decides the calls the
 * seccomp filter notifies. ll_apply.c forks when the artifact has `sup`
 * lines; the child sends its listener with sup_send_fd and execs, the
 * parent calls sup_serve until the child exits.
 */
#ifndef SBX_SUP_H
#define SBX_SUP_H

#include "sbx.h"

#include <stdio.h>
#include <sys/types.h>

typedef struct SupOpts {
	const char *prog; /* for messages */
	FILE *log;        /* one line per decision, or NULL */
} SupOpts;

/* Child: tells the supervisor which descriptor is the listener and waits
 * until it has taken it (pidfd_getfd). */
bool sup_send_fd(int sock, int fd);

/* Parent: takes the listener the child sent (learn.c shares the handover). */
int sup_recv_fd(int sock, int child_pidfd);
/* A wait status as this process's exit status (dying of the same signal). */
int sup_exit_status(int st);

/* Parent: receives the listener on sock, answers notifications until the
 * child exits, and returns its exit status (or dies of its signal). fs:
 * the file rules when writes in carved trees are supervised, else NULL. */
int sup_serve(const LlArtifact *a, const LlSupFs *fs, int sock, pid_t child, const SupOpts *so);

#endif
