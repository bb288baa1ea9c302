/*
 * launch.h: sbx-launch, the Windows launcher for NAME.appcontainer.json.
 *
 * The launcher is split so that everything but the Windows calls is plain
 * C11 that also builds on Linux, where the tests run it:
 *
 *   json.c     a strict JSON reader (the profile is generated, but a hand
 *              edit or a truncated file must fail closed, never half-apply)
 *   profile.c  the profile's fields, checked (SIDs, masks, names)
 *   plan.c     what the launcher would do: %VAR% resolution, the steps,
 *              the command line, printed by --plan
 *   cli.c      argument parsing and the flow, calling an AclOs
 *   win.c      the AclOs for Windows (ACLs, journal, container, process)
 *              and wmain; native.c the plan-only AclOs for other systems
 *
 * Strings are UTF-8 throughout; win.c converts at the Windows API boundary.
 */
#ifndef SBX_LAUNCH_H
#define SBX_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses shared with sbx-exec (LANGUAGE.md section 8). */
enum { ACL_EX_USAGE = 64, ACL_EX_SANDBOX = 126, ACL_EX_NOEXEC = 127 };

/* ---- a bump allocator, freed at once ---- */
typedef struct AclPool {
	struct AclBlock *head;
} AclPool;
void *acl_alloc(AclPool *p, size_t n); /* zeroed; aborts on exhaustion */
char *acl_strndup(AclPool *p, const char *s, size_t n);
void acl_pool_free(AclPool *p);

/* The first error of a walk over the profile, kept: later ones follow from
 * it and would only hide the cause. */
typedef struct AclErr {
	char *err;
	size_t errn;
	bool failed;
} AclErr;
bool acl_fail(AclErr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- JSON ---- */
enum JsonKind { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
typedef struct Json Json;
struct Json {
	uint8_t kind;
	bool b;
	double num;
	char *s;       /* J_STR: NUL-terminated UTF-8 (an embedded NUL is refused) */
	Json **v;      /* J_ARR: elements; J_OBJ: values */
	char **keys;   /* J_OBJ */
	int n;
};
/* Parses text (n bytes); NULL with a message in err on failure. */
Json *acl_json_parse(AclPool *p, const char *text, size_t n, char *err, size_t errn);
const Json *acl_json_get(const Json *obj, const char *key); /* NULL if absent */

/* ---- the profile ---- */
typedef struct AclCap {
	char *name, *sid;
} AclCap;

typedef struct AclParam {
	char *name;
	char *value;   /* NULL: none */
	bool fixed;    /* baked at compile time: the environment is not consulted */
	bool cwd;      /* defaults to the working directory (PROJECT) */
} AclParam;

typedef struct AclFile {
	char *path;    /* symbolic: %USERPROFILE%\.ssh */
	bool deny;
	uint32_t mask;     /* on files (and on the path itself if it is a file) */
	uint32_t dirmask;  /* on the directory and its subdirectories */
	unsigned inherit;
	bool required, create;
	bool unowned;      /* the compiler saw a tree users do not own (Program Files, ...) */
	char *rights;  /* "read,write" for messages */
	char *from;
} AclFile;

typedef struct AclProfile {
	char *policy, *container, *display, *description, *sid;
	bool lpac, children;
	AclCap *caps;
	int ncaps;
	AclParam *params;
	int nparams;
	AclFile *files;
	int nfiles;
} AclProfile;

/* Reads the profile from parsed JSON; false with a message in err. */
bool acl_profile_read(AclPool *p, const Json *root, AclProfile *out, char *err, size_t errn);

/* ---- the plan ---- */

/* How the launcher looks up a variable it does not know from the profile. */
typedef const char *(*AclGetenv)(void *ctx, const char *name);

typedef struct AclSet {  /* --param NAME=VALUE */
	const char *name, *value;
} AclSet;

typedef struct AclStep AclStep;
struct AclStep {
	const AclFile *file;
	char *path;      /* resolved */
	/* In a tree users do not own (the compiler's mark, or the resolved path
	 * under X:\Program Files, X:\Program Files (x86), X:\Windows,
	 * X:\ProgramData): an allow is skipped at launch when Windows already
	 * grants the container the access, refused otherwise. */
	bool unowned;
	/* A deny of DELETE on this directory alone (file->inherit 0), added by
	 * the plan: it is an ancestor of a write deny (guards->path) inside a
	 * writable tree, which the program could otherwise rename away and
	 * recreate without the deny. */
	const AclStep *guards;
	/* A deny whose parent the program may write: if the path is missing at
	 * launch the deny cannot be placed, and the program may create it. */
	bool creatable;
};

typedef struct AclPlan {
	const AclProfile *prof;
	AclStep *steps;
	int nsteps;
	char *cmdline;   /* the command line for CreateProcess */
	bool via_cmd;    /* a .cmd/.bat: cmdline is for %SystemRoot%\System32\cmd.exe */
	char *journal;   /* where the ACL journal goes */
	/* The working directory the command starts in (passed to
	 * CreateProcess explicitly), and whether the container can open it:
	 * 1 a grant with FILE_TRAVERSE reaches it (cwd_by names it), 0 no grant
	 * covers it (the launcher asks Windows at launch). Unreachable is an
	 * error of acl_plan_make. */
	char *cwd;
	int cwd_reach;
	const AclFile *cwd_by;
	/* %TEMP% not given with --param: a directory of the container's own
	 * beneath the user's TEMP (std/tmp's "private temporary directory"),
	 * created at launch; the program's TEMP and TMP point at it. */
	char *private_temp;
} AclPlan;

/* Resolves every file path and the command line; false with a message.
 * cwd: the working directory (PROJECT's default). */
bool acl_plan_make(AclPool *p, const AclProfile *prof, const AclSet *sets, int nsets, AclGetenv env, void *envctx,
		   const char *cwd, char *const *argv, int argc, const char *journal, AclPlan *out, char *err,
		   size_t errn);
void acl_plan_print(FILE *f, const AclPlan *plan);
/* Appends arg to a command line the way CommandLineToArgvW splits it back. */
void acl_quote_arg(AclPool *p, char **line, const char *arg);
/* Appends arg to a batch file's command line for cmd.exe /d /s /v:off /c
 * (quoted when needed, or always with force); false for an argument cmd
 * cannot take literally ('"', '%', line breaks). */
bool acl_quote_batch_arg(AclPool *p, char **line, const char *arg, bool force, char *err, size_t errn);

/* ---- the undo journal (journal.c) ---- */
typedef struct AclJournalEntry {
	char *path, *sddl;
} AclJournalEntry;
typedef struct AclJournal {
	char *container;
	AclJournalEntry *entries;
	int n;
} AclJournal;
/* Parses a journal; with plan, refuses one for another container or naming
 * a path the plan does not change. All or nothing: false with a message. */
bool acl_journal_parse(AclPool *p, const char *text, size_t n, const AclPlan *plan, AclJournal *out, char *err,
		       size_t errn);
void acl_journal_print(FILE *f, const AclJournal *j);

/* ---- the operating system ---- */
typedef struct AclOs {
	const char *name;
	AclGetenv getenv;
	void *envctx;
	char *(*cwd)(AclPool *p);
	char *(*default_journal)(AclPool *p, const char *container);
	bool (*read_file)(AclPool *p, const char *path, char **data, size_t *n, char *err, size_t errn);
	/* Applies the plan, runs the command, restores the ACLs; the exit status. NULL: plan only. */
	int (*run)(const AclPlan *plan);
	/* Restores the ACLs of a checked journal; an exit status. NULL: unsupported. */
	int (*undo)(const char *journal, const AclJournal *j);
} AclOs;

int acl_main(int argc, char **argv, const AclOs *os);

#endif
