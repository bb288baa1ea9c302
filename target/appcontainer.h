/*
 * appcontainer_int.h: what the windows target's files share (not a public
 * contract; only target/appcontainer*.c and its tests include it).
 *
 * The target is split by phase: appcontainer_sid.c derives names and SIDs,
 * appcontainer_caps.c is the table of capability names it accepts,
 * appcontainer.c lowers the Policy to an AcProfile (and answers fidelity),
 * appcontainer_json.c and appcontainer_xml.c write the two artifacts.
 */
#ifndef SBX_APPCONTAINER_INT_H
#define SBX_APPCONTAINER_INT_H

#include "target.h"

/* ---- SIDs and names (appcontainer_sid.c) ---- */

/* "S-1-15-3-1024-" + 8 x 10 digits + dashes, or a package SID: 128 is ample. */
enum { AC_SID_MAX = 128, AC_NAME_MAX = 64 };

/* The SID Windows' DeriveCapabilitySidsFromName gives a capability name:
 * SHA-256 over the UTF-16LE upper-cased name, as 8 little-endian DWORDs
 * after S-1-15-3-1024. ASCII names only (every capability name is); false
 * for anything else. Legacy capabilities are not special-cased here. */
bool ac_capability_sid(Str name, char out[AC_SID_MAX]);
/* The SID of an AppContainer profile (DeriveAppContainerSidFromAppContainerName):
 * SHA-256 over the UTF-16LE lower-cased name, its first 7 DWORDs after S-1-15-2. */
bool ac_package_sid(Str name, char out[AC_SID_MAX]);
/* A container name valid for CreateAppContainerProfile (at most 64
 * characters of [-_. A-Za-z0-9]) derived from the policy's name: "sbxc."
 * + the name, other bytes as '_', and a hash suffix when it must be cut. */
void ac_container_name(Str policy_name, char out[AC_NAME_MAX + 1]);

/* ---- capability names (appcontainer_caps.c) ---- */

/* Where a capability goes in an AppxManifest: the element's namespace
 * prefix, or nowhere (launcher-only capabilities such as LPAC's). */
enum AcCapKind {
	AC_FOUNDATION, /* <Capability>, the foundation namespace */
	AC_UAP,        /* <uap:Capability> */
	AC_UAP2, AC_UAP3, AC_UAP4, AC_UAP6, AC_UAP7, AC_UAP11,
	AC_RESCAP,     /* <rescap:Capability>, restricted */
	AC_DEVICE,     /* <DeviceCapability> */
	AC_LAUNCHER,   /* no manifest element: only an unpackaged launcher can grant it */
	AC__KINDS
};

typedef struct AcCap {
	const char *name;
	uint8_t kind;  /* enum AcCapKind */
	uint8_t rid;   /* legacy capability: S-1-15-3-<rid>; 0 = derived by name */
} AcCap;

const AcCap *ac_cap_find(Str name); /* NULL if unknown */
const AcCap *ac_cap_table(int *n);  /* the whole table, for tests */
extern const char *const ac_kind_prefix[AC__KINDS]; /* "", "uap", ..., NULL for launcher-only */
extern const char *const ac_kind_ns[AC__KINDS];     /* the namespace URI of each prefix */
/* The SID the launcher puts in SECURITY_CAPABILITIES for c. */
void ac_cap_sid(const AcCap *c, char out[AC_SID_MAX]);

/* ---- the lowered profile (appcontainer.c) ---- */

/* Access masks (winnt.h values, written out: this file builds on Linux). */
enum {
	AC_FILE_READ_DATA = 0x1, AC_FILE_WRITE_DATA = 0x2, AC_FILE_APPEND_DATA = 0x4,
	AC_FILE_READ_EA = 0x8, AC_FILE_WRITE_EA = 0x10, AC_FILE_EXECUTE = 0x20, AC_FILE_TRAVERSE = 0x20,
	AC_FILE_READ_ATTRIBUTES = 0x80, AC_FILE_WRITE_ATTRIBUTES = 0x100,
	AC_DELETE = 0x10000, AC_READ_CONTROL = 0x20000, AC_SYNCHRONIZE = 0x100000,
};
/* The mask of an allow or deny ACE for one right, on a directory (and the
 * subdirectories it is inherited by) or on a file (appcontainer_mask.c). */
uint32_t ac_allow_mask(int right, bool dir);
uint32_t ac_deny_mask(int right, bool dir);

/* ACE inheritance flags. */
enum { AC_OI = 0x1, AC_CI = 0x2, AC_IO = 0x8 };

typedef struct AcFile {
	Str path;        /* Windows form with %VAR% roots, '%' in names doubled */
	bool deny;       /* an explicit deny ACE (deny inside allow) */
	uint8_t rights;  /* bit (1 << R_READ) | ... */
	uint32_t mask;   /* the access mask on files (the path itself if it is one) */
	uint32_t dirmask;/* on the directory and its subdirectories */
	bool unowned;    /* a literal path in a tree users do not own (Program Files, Windows, ProgramData) */
	uint8_t inherit; /* AC_OI|AC_CI (the subtree) or with AC_IO (a trailing "**") */
	uint8_t flags;   /* RF_REQUIRED / RF_CREATE */
	Str from;        /* "file:line" of the rules, comma-separated */
} AcFile;

typedef struct AcCapUse {
	const AcCap *cap;
	Str from;        /* the rule (or network rule) that asked for it */
} AcCapUse;

typedef struct AcNote {
	Str rule;        /* "allow connect tcp api.github.com:443" */
	Str from;        /* "policy.sbx:14" */
	Fidelity fid;
	Str note;
} AcNote;

typedef struct AcParam {
	Str name;
	Str value;       /* Windows form; empty with has_value false */
	bool has_value;
	bool fixed;      /* baked with -D: the launcher ignores the environment */
	bool cwd;        /* PROJECT: defaults to the working directory */
} AcParam;

typedef struct AcProfile {
	char container[AC_NAME_MAX + 1];
	char sid[AC_SID_MAX];
	bool lpac;           /* less privileged: the policy denies allApplicationPackages */
	Str lpac_from;       /* that rule */
	bool children;       /* may create child processes */
	AcCapUse *caps;      /* sorted by manifest kind, then name; unique */
	int ncaps, capcap;
	AcFile *files;       /* sorted by path, deny before allow */
	int nfiles, filecap;
	AcParam *params;     /* sorted by name */
	int nparams, paramcap;
	AcNote *notes;       /* wider / stricter, in rule order */
	int nnotes, notecap;
	AcNote *na;          /* rules that do not concern Windows */
	int nna, nacap;
} AcProfile;

/* Lowers p; false (with diagnostics) when the policy names an unknown
 * capability or cannot be expressed. */
bool ac_lower(const Policy *p, Arena *a, Diags *d, AcProfile *out);
/* Rule r as the language would write it: "deny read ${HOME}/.ssh". */
Str ac_rule_text(Arena *a, const Rule *r);

/* ---- writers ---- */
void ac_write_json(Buf *b, const EmitCtx *cx, const AcProfile *ap);
void ac_write_manifest(Buf *b, const EmitCtx *cx, const AcProfile *ap);


#endif
