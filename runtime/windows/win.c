/*
 * win.c: sbx-launch's Windows half: the container, the ACLs and their
 * journal, and the sandboxed process.
 *
 * Order of a run, each step failing closed (nothing started until every
 * grant is in place):
 *  1. CreateAppContainerProfile, or DeriveAppContainerSidFromAppContainerName
 *     when it exists; the SID must equal the one sbxc computed (a mismatch
 *     means the compiler's SIDs, capabilities included, cannot be trusted).
 *  2. Create the journal with CREATE_NEW: an existing one means another run
 *     is active or one crashed, and stacking a second set of changes on top
 *     would make --undo restore the wrong ACL.
 *  3. For each file step: record the path's current DACL (SDDL, with its
 *     protected flag) in the journal and flush it, then add the ACE with
 *     SetEntriesInAcl + SetNamedSecurityInfo (which propagates inherited
 *     ACEs to the subtree; large trees take time). A missing path is
 *     created (`create`), an error (`required`), or skipped.
 *  4. CreateProcess with SECURITY_CAPABILITIES, LPAC (the all-application-
 *     packages opt-out), the child-process policy when the policy does not
 *     allow fork, only the standard handles inherited, suspended, in a job
 *     that kills the tree if the launcher dies; resume, wait.
 *  5. Restore every recorded DACL in reverse order; delete the journal only
 *     when all succeeded (otherwise say how to run --undo).
 * Ctrl-C reaches the sandboxed program (same console); the launcher's own
 * handler swallows it so that step 5 still runs.
 *
 * Never here: a loopback exemption, WRITE_DAC/WRITE_OWNER grants, deleting
 * the container profile (reused by the next run).
 */
#ifndef _WIN32
#error "win.c is the Windows build of sbx-launch"
#endif
#define WIN32_LEAN_AND_MEAN
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0A00
#endif
#include <windows.h>
#include <aclapi.h>
#include <authz.h>
#include <sddl.h>
#include <userenv.h>

#include <stdlib.h>
#include <string.h>

#include "launch.h"

static wchar_t *wide(AclPool *p, const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	if (n <= 0)
		return NULL;
	wchar_t *w = acl_alloc(p, sizeof *w * (size_t)n);
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
	return w;
}

static char *narrow(AclPool *p, const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	if (n <= 0)
		return NULL;
	char *s = acl_alloc(p, (size_t)n);
	WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
	return s;
}

static void werr(const char *what, const char *arg, DWORD code)
{
	fprintf(stderr, "sbx-launch: %s%s%s: error %lu\n", what, arg ? " " : "", arg ? arg : "", (unsigned long)code);
}

static AclPool envpool;

static const char *env_get(void *ctx, const char *name)
{
	(void)ctx;
	wchar_t *wn = wide(&envpool, name);
	if (!wn)
		return NULL;
	DWORD n = GetEnvironmentVariableW(wn, NULL, 0);
	if (!n)
		return NULL;
	wchar_t *v = acl_alloc(&envpool, sizeof *v * n);
	if (GetEnvironmentVariableW(wn, v, n) + 1 != n)
		return NULL;
	return narrow(&envpool, v);
}

static char *cwd(AclPool *p)
{
	DWORD n = GetCurrentDirectoryW(0, NULL);
	if (!n)
		return NULL;
	wchar_t *w = acl_alloc(p, sizeof *w * n);
	if (!GetCurrentDirectoryW(n, w))
		return NULL;
	return narrow(p, w);
}

static char *default_journal(AclPool *p, const char *container)
{
	const char *base = env_get(NULL, "LOCALAPPDATA");
	if (!base)
		return NULL;
	size_t n = strlen(base) + strlen(container) + 32;
	char *j = acl_alloc(p, n);
	snprintf(j, n, "%s\\sbxc", base);
	wchar_t *wd = wide(p, j);
	if (wd)
		CreateDirectoryW(wd, NULL); /* may exist; the journal's CREATE_NEW reports real failures */
	snprintf(j, n, "%s\\sbxc\\%s.journal", base, container);
	return j;
}

static bool read_all(AclPool *p, const char *path, char **data, size_t *n, char *err, size_t errn)
{
	wchar_t *w = wide(p, path);
	HANDLE h = w ? CreateFileW(w, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL)
		     : INVALID_HANDLE_VALUE;
	if (h == INVALID_HANDLE_VALUE) {
		snprintf(err, errn, "cannot open (error %lu)", (unsigned long)GetLastError());
		return false;
	}
	LARGE_INTEGER size;
	if (!GetFileSizeEx(h, &size) || size.QuadPart > (4 << 20)) {
		CloseHandle(h);
		snprintf(err, errn, "cannot size it, or larger than 4 MiB");
		return false;
	}
	char *buf = acl_alloc(p, (size_t)size.QuadPart + 1);
	DWORD got = 0;
	BOOL ok = ReadFile(h, buf, (DWORD)size.QuadPart, &got, NULL);
	CloseHandle(h);
	if (!ok || got != (DWORD)size.QuadPart) {
		snprintf(err, errn, "read error");
		return false;
	}
	*data = buf;
	*n = got;
	return true;
}

/* ---- journal ---- */

static bool journal_line(HANDLE j, AclPool *p, const char *kind, const char *path, const wchar_t *sddl)
{
	char *s = sddl ? narrow(p, sddl) : "";
	size_t n = strlen(kind) + strlen(path) + strlen(s) + 4;
	char *line = acl_alloc(p, n);
	snprintf(line, n, "%s\t%s\t%s\n", kind, path, s);
	DWORD put = 0;
	return WriteFile(j, line, (DWORD)strlen(line), &put, NULL) && put == strlen(line) && FlushFileBuffers(j);
}

static bool set_dacl(const wchar_t *path, PACL dacl, bool protect)
{
	DWORD si = DACL_SECURITY_INFORMATION | (protect ? PROTECTED_DACL_SECURITY_INFORMATION : UNPROTECTED_DACL_SECURITY_INFORMATION);
	DWORD e = SetNamedSecurityInfoW((LPWSTR)path, SE_FILE_OBJECT, si, NULL, NULL, dacl, NULL);
	SetLastError(e);
	return e == ERROR_SUCCESS;
}

/* Restores the DACL recorded (as SDDL) for one path. */
static bool restore_one(AclPool *p, const char *upath, const char *usddl)
{
	wchar_t *path = wide(p, upath), *sddl = wide(p, usddl);
	PSECURITY_DESCRIPTOR sd = NULL;
	if (!path || !sddl || !ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL)) {
		werr("cannot read the journal's ACL for", upath, GetLastError());
		return false;
	}
	BOOL present = FALSE, defaulted = FALSE;
	PACL dacl = NULL;
	SECURITY_DESCRIPTOR_CONTROL ctl = 0;
	DWORD rev;
	GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted);
	GetSecurityDescriptorControl(sd, &ctl, &rev);
	bool ok = set_dacl(path, present ? dacl : NULL, (ctl & SE_DACL_PROTECTED) != 0);
	if (!ok)
		werr("cannot restore the ACL of", upath, GetLastError());
	LocalFree(sd);
	return ok;
}

/* Restores, last first, what a checked journal recorded (cli.c parsed it
 * against the profile: only paths the profile changes). */
static int restore_all(AclPool *p, const char *journal, const AclJournalEntry *v, int n)
{
	bool ok = true;
	for (int i = n - 1; i >= 0; i--)
		ok &= restore_one(p, v[i].path, v[i].sddl);
	if (ok) {
		wchar_t *w = wide(p, journal);
		if (w)
			DeleteFileW(w);
		fprintf(stderr, "sbx-launch: restored %d ACL(s) from %s\n", n, journal);
	} else {
		fprintf(stderr, "sbx-launch: some ACLs were not restored; the journal %s is kept\n", journal);
	}
	return ok ? 0 : ACL_EX_SANDBOX;
}

static int undo(const char *journal, const AclJournal *j)
{
	AclPool p = { 0 };
	int rc = restore_all(&p, journal, j->entries, j->n);
	acl_pool_free(&p);
	return rc;
}

/* ---- asking Windows what the container may do ---- */

/* Would the container (its SID and capabilities) be granted all of `mask`
 * on path, as the object's security descriptor stands? AuthZ's documented
 * AppContainer check (AuthzSetAppContainerInformation). It evaluates a
 * regular AppContainer: for an LPAC a grant to ALL APPLICATION PACKAGES
 * counts here but not at run time (the program then fails to open the
 * path: stricter, never wider). -1 when Windows cannot tell. */
static int container_may(AclPool *p, const char *upath, PSID sid, SID_AND_ATTRIBUTES *caps, DWORD ncaps, DWORD mask)
{
	wchar_t *w = wide(p, upath);
	if (!w)
		return -1;
	PSECURITY_DESCRIPTOR sd = NULL;
	if (GetNamedSecurityInfoW(w, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
				  NULL, NULL, NULL, NULL, &sd) != ERROR_SUCCESS)
		return -1;
	int rc = -1;
	HANDLE tok = NULL;
	AUTHZ_RESOURCE_MANAGER_HANDLE rm = NULL;
	AUTHZ_CLIENT_CONTEXT_HANDLE ctx = NULL;
	LUID none = { 0, 0 };
	if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok) &&
	    AuthzInitializeResourceManager(AUTHZ_RM_FLAG_NO_AUDIT, NULL, NULL, NULL, NULL, &rm) &&
	    AuthzInitializeContextFromToken(0, tok, rm, NULL, none, NULL, &ctx) &&
	    AuthzSetAppContainerInformation(ctx, sid, ncaps, ncaps ? caps : NULL)) {
		AUTHZ_ACCESS_REQUEST req;
		memset(&req, 0, sizeof req);
		req.DesiredAccess = mask;
		ACCESS_MASK granted = 0;
		DWORD error = 0;
		AUTHZ_ACCESS_REPLY reply;
		memset(&reply, 0, sizeof reply);
		reply.ResultListLength = 1;
		reply.GrantedAccessMask = &granted;
		reply.Error = &error;
		if (AuthzAccessCheck(0, ctx, &req, NULL, sd, NULL, 0, &reply, NULL))
			rc = error == ERROR_SUCCESS && (granted & mask) == mask;
	}
	if (ctx)
		AuthzFreeContext(ctx);
	if (rm)
		AuthzFreeResourceManager(rm);
	if (tok)
		CloseHandle(tok);
	LocalFree(sd);
	return rc;
}

/* The profile's capability SIDs; false (a message printed) on a bad one. */
static bool cap_sids(AclPool *p, const AclProfile *pr, SID_AND_ATTRIBUTES **out)
{
	SID_AND_ATTRIBUTES *caps = acl_alloc(p, sizeof *caps * (size_t)(pr->ncaps + 1));
	for (int i = 0; i < pr->ncaps; i++) {
		wchar_t *ws = wide(p, pr->caps[i].sid);
		if (!ws || !ConvertStringSidToSidW(ws, &caps[i].Sid))
			return werr("bad capability SID", pr->caps[i].sid, GetLastError()), false;
		caps[i].Attributes = SE_GROUP_ENABLED;
	}
	*out = caps;
	return true;
}

static void free_cap_sids(const AclProfile *pr, SID_AND_ATTRIBUTES *caps)
{
	for (int i = 0; caps && i < pr->ncaps; i++)
		if (caps[i].Sid)
			LocalFree(caps[i].Sid);
}

/* ---- applying ---- */

static bool make_dirs(AclPool *p, const char *path)
{
	wchar_t *w = wide(p, path);
	if (!w)
		return false;
	size_t n = wcslen(w);
	for (size_t i = 3; i <= n; i++) {
		if (i < n && w[i] != L'\\')
			continue;
		wchar_t c = w[i];
		w[i] = 0;
		if (!CreateDirectoryW(w, NULL) && GetLastError() != ERROR_ALREADY_EXISTS) {
			w[i] = c;
			return false;
		}
		w[i] = c;
	}
	return true;
}

typedef struct Granter {
	HANDLE journal;
	PSID sid;
	SID_AND_ATTRIBUTES *caps;
	DWORD ncaps;
	AclJournalEntry *rec; /* what the journal says, kept: a normal run restores from here */
	int nrec;
	const char *ssid;     /* the container SID as text, for messages */
} Granter;

/* The ACEs for the container on one path: on a directory one for it and its
 * subdirectories (dirMask, CONTAINER_INHERIT) and one for the files beneath
 * (mask, OBJECT_INHERIT|INHERIT_ONLY); on a file one, not inherited.
 * Returns 0 done, 1 skipped, -1 error. */
static int apply_step(AclPool *p, Granter *g, const AclStep *s)
{
	const AclFile *f = s->file;
	wchar_t *w = wide(p, s->path);
	if (!w)
		return fprintf(stderr, "sbx-launch: %s: not valid UTF-8\n", s->path), -1;
	DWORD attrs = GetFileAttributesW(w);
	if (attrs == INVALID_FILE_ATTRIBUTES) {
		if (!f->deny && f->create) {
			if (!make_dirs(p, s->path))
				return werr("cannot create", s->path, GetLastError()), -1;
			attrs = GetFileAttributesW(w);
		} else if (f->required) {
			return fprintf(stderr, "sbx-launch: %s does not exist and the policy requires it (%s)\n", s->path, f->from), -1;
		} else if (s->creatable) {
			fprintf(stderr, "sbx-launch: warning: deny %s %s not placed: it does not exist and the program may create it (%s); the policy's deny is not enforced there this run\n",
				f->rights, s->path, f->from);
			return 1;
		} else {
			fprintf(stderr, "sbx-launch: skipped %s %s: does not exist (%s)\n", f->deny ? "deny" : "allow", s->path, f->from);
			return 1;
		}
	}
	if (!(attrs & FILE_ATTRIBUTE_DIRECTORY) && (f->inherit & INHERIT_ONLY_ACE)) {
		/* "beneath" a file is nothing; without inheritance the ACE would
		 * apply to the file itself, which the policy did not say. */
		fprintf(stderr, "sbx-launch: skipped %s beneath %s: not a directory (%s)\n", f->deny ? "deny" : "allow", s->path, f->from);
		return 1;
	}
	bool dir = (attrs & FILE_ATTRIBUTE_DIRECTORY) != 0;
	if (s->unowned && !f->deny) {
		/* Only an administrator may change this tree's ACL: use what Windows
		 * already grants, or stop (never change a system tree's ACL even
		 * when the launcher happens to run elevated). */
		int may = container_may(p, s->path, g->sid, g->caps, g->ncaps, dir ? f->dirmask : f->mask);
		if (may == 1) {
			fprintf(stderr, "sbx-launch: %s: Windows already grants the container %s there; no ACE added (%s)\n", s->path, f->rights, f->from);
			return 1;
		}
		fprintf(stderr, "sbx-launch: %s is in a tree only an administrator can change, and Windows does not grant the container %s there (%s): "
				"an install-time grant is needed, e.g. once as administrator: icacls \"%s\" /grant \"*%s:(OI)(CI)(RX)\"\n",
			s->path, f->rights, f->from, s->path, g->ssid);
		return -1;
	}
	PACL old = NULL, updated = NULL;
	PSECURITY_DESCRIPTOR sd = NULL;
	DWORD e = GetNamedSecurityInfoW(w, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &old, NULL, &sd);
	if (e != ERROR_SUCCESS)
		return werr("cannot read the ACL of", s->path, e), -1;
	SECURITY_DESCRIPTOR_CONTROL ctl = 0;
	DWORD rev;
	GetSecurityDescriptorControl(sd, &ctl, &rev);
	LPWSTR sddl = NULL;
	if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl, NULL)) {
		werr("cannot record the ACL of", s->path, GetLastError());
		LocalFree(sd);
		return -1;
	}
	bool logged = journal_line(g->journal, p, "dacl", s->path, sddl);
	if (logged) {
		g->rec[g->nrec].path = s->path;
		g->rec[g->nrec++].sddl = narrow(p, sddl);
	}
	LocalFree(sddl);
	if (!logged) {
		werr("cannot write the journal before changing", s->path, GetLastError());
		LocalFree(sd);
		return -1;
	}
	EXPLICIT_ACCESS_W ea[2];
	memset(ea, 0, sizeof ea);
	ea[0].grfAccessPermissions = dir ? f->dirmask : f->mask;
	ea[0].grfAccessMode = f->deny ? DENY_ACCESS : GRANT_ACCESS;
	bool split = dir && f->inherit != 0; /* inherit 0: a guard, this directory alone */
	ea[0].grfInheritance = split ? CONTAINER_INHERIT_ACE | (f->inherit & INHERIT_ONLY_ACE) : NO_INHERITANCE;
	ea[0].Trustee.TrusteeForm = TRUSTEE_IS_SID;
	ea[0].Trustee.TrusteeType = TRUSTEE_IS_WELL_KNOWN_GROUP;
	ea[0].Trustee.ptstrName = (LPWSTR)g->sid;
	if (split) {
		ea[1] = ea[0];
		ea[1].grfAccessPermissions = f->mask;
		ea[1].grfInheritance = OBJECT_INHERIT_ACE | INHERIT_ONLY_ACE;
	}
	e = SetEntriesInAclW(split ? 2 : 1, ea, old, &updated);
	bool ok = e == ERROR_SUCCESS && set_dacl(w, updated, (ctl & SE_DACL_PROTECTED) != 0);
	if (!ok) {
		DWORD why = e != ERROR_SUCCESS ? e : GetLastError();
		werr("cannot change the ACL of", s->path, why);
		if (why == ERROR_ACCESS_DENIED && f->deny)
			fprintf(stderr, "sbx-launch: the deny %s on %s cannot be placed by this user (%s): refusing to run without it\n", f->rights, s->path, f->from);
	}
	if (updated)
		LocalFree(updated);
	LocalFree(sd);
	return ok ? 0 : -1;
}

static BOOL WINAPI on_ctrl(DWORD type)
{
	(void)type;
	return TRUE; /* the sandboxed program gets it too; we wait for it, then restore */
}

static int start(AclPool *p, const AclPlan *plan, PSID sid, SID_AND_ATTRIBUTES *caps)
{
	const AclProfile *pr = plan->prof;
	SECURITY_CAPABILITIES sc;
	memset(&sc, 0, sizeof sc);
	sc.AppContainerSid = sid;
	sc.Capabilities = pr->ncaps ? caps : NULL;
	sc.CapabilityCount = (DWORD)pr->ncaps;

	HANDLE std[3] = { GetStdHandle(STD_INPUT_HANDLE), GetStdHandle(STD_OUTPUT_HANDLE), GetStdHandle(STD_ERROR_HANDLE) };
	HANDLE inherit[3];
	DWORD ninherit = 0;
	for (int i = 0; i < 3; i++) {
		if (!std[i] || std[i] == INVALID_HANDLE_VALUE)
			continue;
		bool dup = false;
		for (DWORD k = 0; k < ninherit; k++)
			dup |= inherit[k] == std[i];
		if (!dup && SetHandleInformation(std[i], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT))
			inherit[ninherit++] = std[i];
	}

	DWORD all_packages = PROCESS_CREATION_ALL_APPLICATION_PACKAGES_OPT_OUT;
	DWORD child = PROCESS_CREATION_CHILD_PROCESS_RESTRICTED;
	DWORD nattr = 1 + (pr->lpac ? 1 : 0) + (pr->children ? 0 : 1) + (ninherit ? 1 : 0);
	SIZE_T size = 0;
	InitializeProcThreadAttributeList(NULL, nattr, 0, &size);
	LPPROC_THREAD_ATTRIBUTE_LIST attrs = acl_alloc(p, size);
	if (!InitializeProcThreadAttributeList(attrs, nattr, 0, &size))
		return werr("cannot set up the process attributes", NULL, GetLastError()), ACL_EX_SANDBOX;
	bool ok = UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES, &sc, sizeof sc, NULL, NULL);
	if (ok && pr->lpac)
		ok = UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_ALL_APPLICATION_PACKAGES_POLICY, &all_packages,
					       sizeof all_packages, NULL, NULL);
	if (ok && !pr->children)
		ok = UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_CHILD_PROCESS_POLICY, &child, sizeof child, NULL, NULL);
	if (ok && ninherit)
		ok = UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit, sizeof *inherit * ninherit, NULL, NULL);
	if (!ok) {
		werr("cannot set the process attributes", NULL, GetLastError());
		DeleteProcThreadAttributeList(attrs);
		return ACL_EX_SANDBOX;
	}

	HANDLE job = CreateJobObjectW(NULL, NULL);
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim;
	memset(&lim, 0, sizeof lim);
	lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	if (!job || !SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof lim)) {
		werr("cannot create the job object", NULL, GetLastError());
		DeleteProcThreadAttributeList(attrs);
		return ACL_EX_SANDBOX;
	}

	STARTUPINFOEXW si;
	memset(&si, 0, sizeof si);
	si.StartupInfo.cb = sizeof si;
	si.lpAttributeList = attrs;
	if (ninherit) {
		si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
		si.StartupInfo.hStdInput = std[0];
		si.StartupInfo.hStdOutput = std[1];
		si.StartupInfo.hStdError = std[2];
	}
	PROCESS_INFORMATION pi;
	memset(&pi, 0, sizeof pi);
	wchar_t *cmd = wide(p, plan->cmdline), *dir = wide(p, plan->cwd);
	wchar_t *app = NULL, sysdir[MAX_PATH + 16];
	if (plan->via_cmd) {
		/* cmd.exe from System32 by full path: never one found through the
		 * search path (the working directory comes first there). */
		UINT n = GetSystemDirectoryW(sysdir, MAX_PATH);
		if (n == 0 || n >= MAX_PATH)
			return werr("cannot find the system directory", NULL, GetLastError()), DeleteProcThreadAttributeList(attrs), CloseHandle(job), ACL_EX_SANDBOX;
		wcscpy(sysdir + n, L"\\cmd.exe");
		app = sysdir;
	}
	/* The working directory is passed explicitly: the one the plan checked. */
	BOOL created = cmd && dir && CreateProcessW(app, cmd, NULL, NULL, ninherit ? TRUE : FALSE,
						    EXTENDED_STARTUPINFO_PRESENT | CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT,
						    NULL, dir, &si.StartupInfo, &pi);
	DWORD cerr = GetLastError();
	DeleteProcThreadAttributeList(attrs);
	if (!created) {
		CloseHandle(job);
		werr("cannot start", plan->cmdline, cerr);
		return cerr == ERROR_FILE_NOT_FOUND || cerr == ERROR_PATH_NOT_FOUND || cerr == ERROR_ACCESS_DENIED ||
			       cerr == ERROR_BAD_EXE_FORMAT
			       ? ACL_EX_NOEXEC
			       : ACL_EX_SANDBOX;
	}
	if (!AssignProcessToJobObject(job, pi.hProcess)) {
		werr("cannot put the process in its job", NULL, GetLastError());
		TerminateProcess(pi.hProcess, ACL_EX_SANDBOX);
		CloseHandle(pi.hThread);
		CloseHandle(pi.hProcess);
		CloseHandle(job);
		return ACL_EX_SANDBOX;
	}
	ResumeThread(pi.hThread);
	CloseHandle(pi.hThread);
	WaitForSingleObject(pi.hProcess, INFINITE);
	DWORD code = ACL_EX_SANDBOX;
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hProcess);
	CloseHandle(job); /* kills what the program left running */
	return (int)code;
}

static int run(const AclPlan *plan)
{
	AclPool p = { 0 };
	const AclProfile *pr = plan->prof;
	wchar_t *name = wide(&p, pr->container), *disp = wide(&p, pr->display), *desc = wide(&p, pr->description);
	if (!name || !disp || !desc)
		return fputs("sbx-launch: the profile's names are not valid UTF-8\n", stderr), acl_pool_free(&p), ACL_EX_SANDBOX;
	/* From here on an interrupted launcher would leave ACLs changed: Ctrl-C
	 * goes to the sandboxed program (same console), not to us. */
	SetConsoleCtrlHandler(on_ctrl, TRUE);
	PSID sid = NULL;
	HRESULT hr = CreateAppContainerProfile(name, disp, desc[0] ? desc : disp, NULL, 0, &sid);
	if (hr == HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS))
		hr = DeriveAppContainerSidFromAppContainerName(name, &sid);
	if (FAILED(hr) || !sid) {
		fprintf(stderr, "sbx-launch: cannot create or find the AppContainer %s: 0x%08lx\n", pr->container, (unsigned long)hr);
		acl_pool_free(&p);
		return ACL_EX_SANDBOX;
	}
	LPWSTR wsid = NULL;
	char *ssid = ConvertSidToStringSidW(sid, &wsid) ? narrow(&p, wsid) : NULL;
	if (wsid)
		LocalFree(wsid);
	if (!ssid || strcmp(ssid, pr->sid) != 0) {
		fprintf(stderr, "sbx-launch: Windows gives %s the SID %s, the profile says %s: refusing (the compiler's SIDs cannot be trusted)\n",
			pr->container, ssid ? ssid : "?", pr->sid);
		FreeSid(sid);
		acl_pool_free(&p);
		return ACL_EX_SANDBOX;
	}

	HANDLE journal = INVALID_HANDLE_VALUE;
	if (plan->nsteps) {
		wchar_t *wj = plan->journal ? wide(&p, plan->journal) : NULL;
		if (!wj) {
			fputs("sbx-launch: no journal path (set LOCALAPPDATA or pass --journal)\n", stderr);
			FreeSid(sid);
			acl_pool_free(&p);
			return ACL_EX_SANDBOX;
		}
		/* Only its owner and SYSTEM may open it: no AppContainer matches an
		 * ACE, and inherited grants (allow write ${HOME}) do not apply. */
		SECURITY_ATTRIBUTES jsa = { sizeof jsa, NULL, FALSE };
		if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;;FA;;;OW)(A;;FA;;;SY)", SDDL_REVISION_1,
									  &jsa.lpSecurityDescriptor, NULL)) {
			werr("cannot make the journal's ACL", NULL, GetLastError());
			FreeSid(sid);
			acl_pool_free(&p);
			return ACL_EX_SANDBOX;
		}
		journal = CreateFileW(wj, GENERIC_WRITE, 0, &jsa, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
		DWORD jerr = GetLastError();
		LocalFree(jsa.lpSecurityDescriptor);
		SetLastError(jerr);
		if (journal == INVALID_HANDLE_VALUE) {
			DWORD e = GetLastError();
			if (e == ERROR_FILE_EXISTS)
				fprintf(stderr, "sbx-launch: %s exists: another run is active, or one did not finish (then: sbx-launch --undo %s)\n",
					plan->journal, plan->journal);
			else
				werr("cannot create the journal", plan->journal, e);
			FreeSid(sid);
			acl_pool_free(&p);
			return ACL_EX_SANDBOX;
		}
		journal_line(journal, &p, "sbx-launch-journal", pr->container, L"1");
	}

	int rc = 0;
	Granter g = { journal, sid, NULL, (DWORD)pr->ncaps, acl_alloc(&p, sizeof *g.rec * (size_t)(plan->nsteps + 1)), 0, pr->sid };
	if (!cap_sids(&p, pr, &g.caps))
		rc = ACL_EX_SANDBOX;
	if (rc == 0 && plan->cwd_reach == 0 &&
	    container_may(&p, plan->cwd, sid, g.caps, g.ncaps, FILE_TRAVERSE | SYNCHRONIZE) != 1) {
		fprintf(stderr, "sbx-launch: the container cannot open the working directory %s (no grant of the profile covers it, and Windows does not grant it): run from a directory the policy lets it read, or give --cwd\n",
			plan->cwd);
		rc = ACL_EX_SANDBOX;
	}
	if (rc == 0 && plan->private_temp) {
		wchar_t *wt = wide(&p, plan->private_temp);
		if (!wt || !make_dirs(&p, plan->private_temp) || !SetEnvironmentVariableW(L"TEMP", wt) ||
		    !SetEnvironmentVariableW(L"TMP", wt)) {
			werr("cannot make the private temporary directory", plan->private_temp, GetLastError());
			rc = ACL_EX_SANDBOX;
		}
	}
	for (int i = 0; i < plan->nsteps && rc == 0; i++)
		if (apply_step(&p, &g, &plan->steps[i]) < 0)
			rc = ACL_EX_SANDBOX;
	if (rc == 0)
		rc = start(&p, plan, sid, g.caps);
	free_cap_sids(pr, g.caps);
	FreeSid(sid);
	if (journal != INVALID_HANDLE_VALUE) {
		CloseHandle(journal);
		/* From memory, not from the file: what this run changed. */
		if (restore_all(&p, plan->journal, g.rec, g.nrec) != 0 && rc == 0)
			rc = ACL_EX_SANDBOX;
	}
	acl_pool_free(&p);
	return rc;
}

int wmain(int argc, wchar_t **wargv);
int wmain(int argc, wchar_t **wargv)
{
	AclPool p = { 0 };
	char **argv = acl_alloc(&p, sizeof *argv * (size_t)(argc + 1));
	for (int i = 0; i < argc; i++)
		if (!(argv[i] = narrow(&p, wargv[i])))
			return fputs("sbx-launch: an argument is not valid Unicode\n", stderr), ACL_EX_USAGE;
	AclOs os = { "Windows", env_get, NULL, cwd, default_journal, read_all, run, undo };
	int rc = acl_main(argc, argv, &os);
	acl_pool_free(&p);
	acl_pool_free(&envpool);
	return rc;
}
