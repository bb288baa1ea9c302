/*
 * learn_fold.h: between `sbxc learn`'s observer callback (cmd_learn.c)
 * and the proposal (learn_fold.c): what was seen, per path and right.
 */
#ifndef SBX_LEARN_FOLD_H
#define SBX_LEARN_FOLD_H

#include "cli.h"

enum { LR_READ, LR_WRITE, LR_EXEC, LR__N };

typedef struct LearnAcc {
	char *path;           /* absolute, normalised */
	long count[LR__N];    /* accesses per right */
	char *example[LR__N]; /* one access the count covers (absolute); NULL: path itself */
	bool live[LR__N];     /* still needs a rule of its own for this right */
	bool listed;          /* read only as a directory (listed or opened) */
	bool created;         /* made (mkdir) during the run */
} LearnAcc;

/* A secret location something touched (never granted). */
typedef struct LearnSecret {
	char *root;    /* the location: ~/.ssh, or the .env file */
	char *example; /* the path touched */
	char who[32];  /* the command that touched it; "" for one found inside a folded directory */
	long count;
	bool wrote;
} LearnSecret;

typedef struct LearnSeen {
	LearnAcc *v;
	int n, cap;
	int *idx; /* open addressing over v, -1 empty */
	int nidx;
	LearnSecret *sec;
	int nsec, capsec;
	char **net;   /* "connect tcp 1.2.3.4:80" */
	long *netcount;
	int nnet, capnet;
	long forks;
	bool sig[3];  /* self, children, any */
	long events[16]; /* per LearnKind, for the summary */
	const char *home, *project, *tmpdir;
} LearnSeen;

/* The entry for path (made on first use). */
LearnAcc *lf_acc(LearnSeen *s, const char *path);
void lf_add(LearnSeen *s, const char *path, int right, const char *example);
void lf_secret_add(LearnSeen *s, const char *root, const char *path, const char *who, bool wrote);
void lf_net_add(LearnSeen *s, const char *what);
/* Is path a secret location? root gets the location. */
bool lf_secret(const LearnSeen *s, const char *path, char *root, size_t n);
/* Writes the proposed policy text (not yet checked or formatted). from
 * (--from): a loaded policy; what it allows is not proposed again, and the
 * output is its text (from_text) with the additions after it. */
void lf_propose(LearnSeen *s, const char *name, const char *cmdline, Compile *from, Str from_text, Buf *out,
		int *nrules, int *nfrags);
void lf_free(LearnSeen *s);

#endif
