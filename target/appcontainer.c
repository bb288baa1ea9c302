/*
 * appcontainer.c: the windows target. Lowers a Policy to what an AppContainer
 * launcher needs, and says rule by rule how faithfully Windows enforces it.
 *
 * Windows reads no policy file for an unpackaged AppContainer. Whoever starts
 * the process creates the container profile, picks the capability SIDs, puts
 * ACEs for the container's SID on the files it may touch, and starts the
 * process with PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES. So this target
 * writes a launcher profile (NAME.appcontainer.json, read by
 * runtime/windows/sbx-launch.exe) and, for MSIX users, the <Capabilities>
 * element of an AppxManifest (NAME.appxmanifest.xml).
 *
 * How each kind of rule lowers (docs/windows.md has the user's version):
 *
 *  - Files under a symbolic root (${HOME} is %USERPROFILE%, ${TMPDIR} is
 *    %TEMP%, ${PROJECT} and params are their own variables) or a Windows
 *    path become ACEs for the container SID, inherited by the subtree
 *    (OI|CI; a trailing "**" adds INHERIT_ONLY, so dir itself is not covered). A
 *    deny becomes an explicit deny ACE: explicit ACEs precede inherited ones
 *    and nearer ancestors precede farther ones, which is the language's "most
 *    specific rule wins", so deny inside allow (and allow inside that) is
 *    exact. Write never includes FILE_DELETE_CHILD: NTFS lets that right on a
 *    parent delete a child whose own ACL denies DELETE, which would let the
 *    program replace a denied file. Other globs cannot be ACEs: an allow is
 *    dropped (stricter), a deny that could fall inside an allow is wider.
 *    Absolute POSIX paths do not concern Windows (n/a).
 *  - AppContainer has no exec allowlist: the container can always execute
 *    what Windows grants to ALL (RESTRICTED) APPLICATION PACKAGES (System32),
 *    so every exec allow is wider (and still emitted as an ACE).
 *  - The network is capabilities: outbound to public hosts internetClient,
 *    listening internetClientServer, private ranges privateNetworkClientServer
 *    (both directions). None of them knows hosts, ports or protocols, so a
 *    rule narrower than what its capability opens is wider. Loopback needs a
 *    machine-wide exemption the launcher never applies: stricter. A deny is
 *    exact only if no granted capability reaches its endpoint.
 *  - fork: without `allow fork` the launcher sets the child-process policy
 *    that makes CreateProcess fail inside the container (exact both ways).
 *  - `allow capability NAME` (on windows) grants a capability from the table
 *    in appcontainer_caps.c; an unknown name is an error.
 *
 * The container is a regular AppContainer unless the policy says `on
 * windows { deny capability allApplicationPackages }` (or denies every
 * capability): then it is an LPAC (less privileged AppContainer), which
 * loses the ACEs Windows grants to ALL APPLICATION PACKAGES (much of
 * Program Files, COM servers, registry keys), closer to the language's
 * "everything not allowed is denied" but fatal to many programs in DLL
 * initialisation; the launcher then also grants registryRead and lpacCom,
 * the two capabilities Windows' LPACs need to start (unless denied).
 */
#include "appcontainer.h"

#include <stdlib.h>
#include <string.h>

/* Which network capabilities the policy's rules grant. */
enum { NC_CLIENT = 1, NC_SERVER = 2, NC_PRIVATE = 4 };

/* Where a host's addresses lie, as Windows' firewall sees AppContainers. */
enum HostClass { HC_LOOPBACK = 1, HC_PRIVATE = 2, HC_PUBLIC = 4, HC_ALL = 7 };

/* How a path pattern maps to an ACE. */
enum PathShape { PS_NA, PS_PLAIN, PS_BENEATH, PS_GLOB, PS_BADNAME, PS_STREAM };

static bool concerns(const Rule *r) { return (r->platforms & PLAT_WINDOWS) != 0; }

/* The pseudo-capability whose denial makes the container an LPAC: Windows'
 * group ALL APPLICATION PACKAGES (S-1-15-2-1), which an LPAC token lacks. */
#define AC_ALL_PACKAGES "allApplicationPackages"

static const Rule *lpac_rule_scan(const Policy *p)
{
	for (int i = 0; i < p->nrules; i++) {
		const Rule *o = &p->rules[i];
		if (o->right == R_CAPABILITY && o->effect == EFF_DENY && (o->platforms & PLAT_WINDOWS) &&
		    (o->name.n == 0 || str_eqc(o->name, AC_ALL_PACKAGES)))
			return o;
	}
	return NULL;
}
/* Asked for every exec allow: once per policy. */
static const Rule *lpac_rule(const Policy *p)
{
	static IrMemo memo;
	static int at;
	if (!ir_memo_hit(&memo, p)) {
		const Rule *r = lpac_rule_scan(p);
		at = r ? (int)(r - p->rules) : -1;
		ir_memo_set(&memo, p);
	}
	return at < 0 ? NULL : &p->rules[at];
}
static bool is_file_right(int right) { return right == R_READ || right == R_WRITE || right == R_EXEC; }

/* A name Windows cannot give a file: the chars it reserves, and control bytes.
 * ':' is separate: "file:name" is an alternate data stream, which shares the
 * file's security descriptor and so cannot be denied apart from it. */
static int bad_component_char(Str comp)
{
	int worst = 0;
	for (size_t i = 0; i < comp.n; i++) {
		unsigned char c = (unsigned char)comp.p[i];
		if (c == ':')
			worst = 2;
		else if (c < 0x20 || c == '<' || c == '>' || c == '"' || c == '|' || c == '?' || c == '\\')
			worst = worst ? worst : 1;
	}
	return worst;
}

/* Classifies a path rule's object for Windows. */
static enum PathShape path_shape(const PathObj *po)
{
	if (po->root == ROOT_ABS)
		return PS_NA;
	if (po->root == ROOT_PARAM && str_eqc(po->param, "UID"))
		return PS_NA; /* a POSIX user id names no Windows directory */
	Str t = po->text;
	size_t start = 0;
	if (po->root == ROOT_PARAM) {
		while (start < t.n && t.p[start] != '}')
			start++;
		start++;
	} else if (t.n >= 2 && t.p[1] == ':') {
		start = 2; /* the drive's colon is not a stream */
	}
	int stars = 0, bad = 0;
	for (size_t i = start; i < t.n;) {
		size_t j = i;
		while (j < t.n && t.p[j] != '/' && (po->root == ROOT_PARAM || t.p[j] != '\\'))
			j++;
		Str comp = { t.p + i, j - i };
		for (size_t k = 0; k < comp.n; k++)
			stars += comp.p[k] == '*';
		int b = bad_component_char(comp);
		bad = b > bad ? b : bad;
		i = j + 1;
	}
	if (bad == 2)
		return PS_STREAM;
	if (bad)
		return PS_BADNAME;
	if (stars == 0)
		return PS_PLAIN;
	if (stars == 2 && t.n >= 3 && t.p[t.n - 1] == '*' && t.p[t.n - 2] == '*' &&
	    (t.p[t.n - 3] == '/' || t.p[t.n - 3] == '\\'))
		return PS_BENEATH;
	return PS_GLOB;
}

/* The literal part of a pattern: everything before the component holding the
 * first '*'. */
static Str literal_prefix(Str t)
{
	size_t star = 0;
	while (star < t.n && t.p[star] != '*')
		star++;
	if (star == t.n)
		return t;
	while (star > 0 && t.p[star - 1] != '/' && t.p[star - 1] != '\\')
		star--;
	return (Str){ t.p, star ? star - 1 : 0 };
}

/* Is b equal to a or beneath it (component-wise on the normalised text)? */
static bool path_within(Str a, Str b)
{
	if (a.n > b.n || memcmp(a.p, b.p, a.n) != 0)
		return false;
	return b.n == a.n || b.p[a.n] == '/' || b.p[a.n] == '\\' || (a.n && (a.p[a.n - 1] == '/' || a.p[a.n - 1] == '\\'));
}

/* Could an allow of `right` grant access somewhere the pattern `deny` names?
 * True when an emitted allow of that right shares a subtree with the deny's
 * literal prefix (one contains the other). Params are resolved before
 * specificity (LANGUAGE.md 4) and the launcher resolves them: an allow under
 * another root (another param, a drive) may hold the deny's tree, so it
 * counts as overlapping. */
static bool allow_overlaps_at(const Policy *p, int right, const PathObj *dp, bool *elsewhere)
{
	*elsewhere = false;
	Str deny = dp->text, lit = literal_prefix(deny);
	for (int i = 0; i < p->nrules; i++) {
		const Rule *o = &p->rules[i];
		if (o->effect != EFF_ALLOW || o->right != right || !concerns(o))
			continue;
		enum PathShape s = path_shape(&o->path);
		if (s != PS_PLAIN && s != PS_BENEATH)
			continue;
		if (o->path.root != dp->root || !str_eq(o->path.param, dp->param)) {
			*elsewhere = true; /* unless one under the same root overlaps too */
			continue;
		}
		Str al = literal_prefix(o->path.text);
		if (path_within(al, lit) || path_within(lit, al)) {
			*elsewhere = false;
			return true;
		}
	}
	return *elsewhere;
}

static bool allow_overlaps(const Policy *p, int right, const PathObj *dp)
{
	bool elsewhere;
	return allow_overlaps_at(p, right, dp, &elsewhere);
}

/* ---- network ---- */

/* How the network addr/prefix lies against the range r/bits: 0 apart,
 * 1 inside it, 2 overlapping it without being inside. */
static int cidr_rel(const uint8_t *addr, int prefix, const uint8_t *r, int bits)
{
	int m = prefix < bits ? prefix : bits;
	for (int i = 0; i < m; i++) {
		int sh = 7 - i % 8;
		if (((addr[i / 8] >> sh) & 1) != ((r[i / 8] >> sh) & 1))
			return 0;
	}
	return prefix >= bits ? 1 : 2;
}

/* 1: wholly inside one of the ranges, 2: overlapping one, 0: neither. */
static int in_ranges(const uint8_t *addr, int prefix, const uint8_t (*r)[16], const int *bits, int n)
{
	int any = 0;
	for (int i = 0; i < n; i++) {
		int rel = cidr_rel(addr, prefix, r[i], bits[i]);
		if (rel == 1)
			return 1;
		any |= rel;
	}
	return any;
}

static unsigned classify(const uint8_t *addr, int prefix, const uint8_t (*lo)[16], const int *lobits, int nlo,
			 const uint8_t (*pv)[16], const int *pvbits, int npv)
{
	int l = in_ranges(addr, prefix, lo, lobits, nlo);
	if (l == 1)
		return HC_LOOPBACK;
	int p = in_ranges(addr, prefix, pv, pvbits, npv);
	if (p == 1)
		return HC_PRIVATE;
	/* not wholly inside a special range: some of it is public */
	return (l ? HC_LOOPBACK : 0u) | (p ? HC_PRIVATE : 0u) | HC_PUBLIC;
}

static unsigned host_class(const NetObj *n)
{
	static const uint8_t lo4[1][16] = { { 127 } }, pv4[4][16] = { { 10 }, { 172, 16 }, { 192, 168 }, { 169, 254 } };
	static const int lo4b[1] = { 8 }, pv4b[4] = { 8, 12, 16, 16 };
	static const uint8_t lo6[1][16] = { { [15] = 1 } }, pv6[2][16] = { { 0xfc }, { 0xfe, 0x80 } };
	static const int lo6b[1] = { 128 }, pv6b[2] = { 7, 10 };
	switch (n->host_kind) {
	case HOST_LOCALHOST:
		return HC_LOOPBACK;
	case HOST_NAME:
	case HOST_WILD:
		if (n->host.n > 10 && memcmp(n->host.p + n->host.n - 10, ".localhost", 10) == 0)
			return HC_LOOPBACK;
		return HC_ALL; /* a name may resolve to any address */
	case HOST_IP4:
		return classify(n->addr, n->prefix, lo4, lo4b, 1, pv4, pv4b, 4);
	case HOST_IP6:
		return classify(n->addr, n->prefix, lo6, lo6b, 1, pv6, pv6b, 2);
	default:
		return HC_ALL;
	}
}

/* The capabilities one network allow rule asks for. */
static unsigned rule_netcaps(const Rule *r)
{
	if (r->right == R_NET)
		return NC_CLIENT | NC_SERVER | NC_PRIVATE;
	if (r->net.proto == PROTO_UNIX)
		return 0;
	/* Only a wholly private endpoint asks for privateNetworkClientServer:
	 * `*` or a name gets the public capability, and its private part stays
	 * unreachable (stricter) rather than opening the LAN both ways. */
	unsigned hc = host_class(&r->net);
	if (hc == HC_PRIVATE)
		return NC_PRIVATE;
	if (hc & HC_PUBLIC)
		return r->right == R_BIND ? NC_SERVER : NC_CLIENT;
	return 0;
}

static const char *const netcap_name[3] = { "internetClient", "internetClientServer", "privateNetworkClientServer" };

static bool cap_denied_scan(const Policy *p, const char *name)
{
	for (int i = 0; i < p->nrules; i++) {
		const Rule *o = &p->rules[i];
		if (o->right == R_CAPABILITY && o->effect == EFF_DENY && concerns(o) &&
		    (o->name.n == 0 || str_eqc(o->name, name)))
			return true;
	}
	return false;
}

/* Every network capability the launcher will grant, from network rules and
 * explicit capability rules, less those the policy denies. */
static unsigned granted_netcaps_scan(const Policy *p)
{
	unsigned caps = 0;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *o = &p->rules[i];
		if (o->effect != EFF_ALLOW || !concerns(o))
			continue;
		if (o->right == R_CONNECT || o->right == R_BIND || o->right == R_NET)
			caps |= rule_netcaps(o);
		if (o->right == R_CAPABILITY)
			for (int k = 0; k < 3; k++)
				if (str_eqc(o->name, netcap_name[k]))
					caps |= 1u << k;
	}
	for (int k = 0; k < 3; k++)
		if (cap_denied_scan(p, netcap_name[k]))
			caps &= ~(1u << k);
	return caps;
}

static bool allows_any_scan(const Policy *p, int right, int proto)
{
	for (int i = 0; i < p->nrules; i++) {
		const Rule *o = &p->rules[i];
		if (o->effect != EFF_ALLOW || !concerns(o))
			continue;
		if (o->right == R_NET)
			return true;
		if (o->right == right && o->net.proto == proto && o->net.host_kind == HOST_ANY && o->net.port_any)
			return true;
	}
	return false;
}

/* The policy-wide answers net_fidelity asks for every network rule,
 * computed once per policy (a scan of every rule per rule was quadratic). */
typedef struct NetFacts {
	unsigned granted;
	bool any[2][2]; /* [connect, bind][tcp, udp] */
	bool denied[3]; /* netcap_name[k] */
} NetFacts;

static const NetFacts *net_facts(const Policy *p)
{
	static IrMemo memo;
	static NetFacts f;
	if (ir_memo_hit(&memo, p))
		return &f;
	f.granted = granted_netcaps_scan(p);
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 2; k++)
			f.any[i][k] = allows_any_scan(p, i ? R_BIND : R_CONNECT, k ? PROTO_UDP : PROTO_TCP);
	for (int k = 0; k < 3; k++)
		f.denied[k] = cap_denied_scan(p, netcap_name[k]);
	ir_memo_set(&memo, p);
	return &f;
}

static bool cap_denied(const Policy *p, const char *name)
{
	for (int k = 0; k < 3; k++)
		if (!strcmp(name, netcap_name[k]))
			return net_facts(p)->denied[k];
	return cap_denied_scan(p, name);
}

static unsigned granted_netcaps(const Policy *p) { return net_facts(p)->granted; }

static bool allows_any(const Policy *p, int right, int proto)
{
	if ((right == R_CONNECT || right == R_BIND) && (proto == PROTO_TCP || proto == PROTO_UDP))
		return net_facts(p)->any[right == R_BIND][proto == PROTO_UDP];
	return allows_any_scan(p, right, proto);
}

static bool fork_allowed(const Policy *p)
{
	bool allow = false;
	for (int i = 0; i < p->nrules; i++) {
		const Rule *o = &p->rules[i];
		if (o->right != R_FORK || !concerns(o))
			continue;
		if (o->effect == EFF_DENY)
			return false;
		allow = true;
	}
	return allow;
}

static Fidelity note(Arena *a, Str *out, Fidelity f, const char *msg)
{
	if (out)
		*out = msg ? arena_strdup(a, str_c(msg)) : (Str){ "", 0 };
	return f;
}

static Fidelity net_fidelity(const Policy *p, const Rule *r, Arena *a, Str *nt)
{
	if (r->right == R_NET)
		return r->effect == EFF_DENY
			       ? note(a, nt, FID_EXACT, "AppContainer has no network unless a capability is granted")
			       : note(a, nt, FID_STRICTER, "internetClient, internetClientServer and privateNetworkClientServer; loopback stays blocked (the launcher never applies a loopback exemption)");
	if (r->net.proto == PROTO_UNIX) {
		enum PathShape s = path_shape(&r->net.path);
		if (s == PS_NA)
			return note(a, nt, FID_NA, "a POSIX socket path does not concern Windows");
		if (r->effect == EFF_ALLOW)
			return note(a, nt, FID_STRICTER, "AF_UNIX sockets are files: the launcher grants no access to them");
		if (allow_overlaps(p, R_WRITE, &r->net.path))
			return note(a, nt, FID_WIDER, "write access to the socket's file lets the container connect to it");
		return note(a, nt, FID_EXACT, NULL);
	}
	unsigned hc = host_class(&r->net);
	if (r->effect == EFF_DENY) {
		unsigned g = granted_netcaps(p), reach = 0;
		if (hc & HC_PUBLIC)
			reach |= r->right == R_BIND ? NC_SERVER : NC_CLIENT | NC_SERVER;
		if (hc & HC_PRIVATE)
			reach |= NC_PRIVATE;
		if (g & reach)
			return note(a, nt, FID_WIDER, "AppContainer cannot deny one host or port: a granted network capability reaches this endpoint");
		return note(a, nt, FID_EXACT, NULL);
	}
	unsigned need = rule_netcaps(r);
	for (int k = 0; k < 3; k++)
		if ((need & (1u << k)) && cap_denied(p, netcap_name[k]))
			return note(a, nt, FID_STRICTER, "the capability this needs is denied by the policy: not granted");
	if (hc == HC_LOOPBACK)
		return note(a, nt, FID_STRICTER, "loopback is blocked for AppContainers; the launcher never applies the machine-wide loopback exemption");
	if (hc == HC_PRIVATE)
		return note(a, nt, FID_WIDER, "privateNetworkClientServer opens every host, port and protocol in private ranges, in both directions");
	if (r->right == R_BIND) {
		if (!(allows_any(p, R_BIND, PROTO_TCP) && allows_any(p, R_BIND, PROTO_UDP) &&
		      allows_any(p, R_CONNECT, PROTO_TCP) && allows_any(p, R_CONNECT, PROTO_UDP)))
			return note(a, nt, FID_WIDER, "internetClientServer opens every port and protocol, inbound and outbound");
	} else if (!(allows_any(p, R_CONNECT, PROTO_TCP) && allows_any(p, R_CONNECT, PROTO_UDP))) {
		return note(a, nt, FID_WIDER, "internetClient opens outbound TCP and UDP to every public host and port");
	}
	if (hc != HC_PUBLIC)
		return note(a, nt, FID_STRICTER, "private networks and loopback stay unreachable (no privateNetworkClientServer, no loopback exemption)");
	return note(a, nt, FID_EXACT, NULL);
}

/* Windows names one file by many spellings: letters in either case, and
 * trailing dots and spaces dropped from each component. */
static Str win_comp(Str c)
{
	while (c.n > 0 && (c.p[c.n - 1] == '.' || c.p[c.n - 1] == ' ') && !(c.n <= 2 && c.p[0] == '.' && c.p[c.n - 1] == '.'))
		c.n--;
	return c;
}

static bool comp_eq_win(Str a, Str b)
{
	a = win_comp(a);
	b = win_comp(b);
	if (a.n != b.n)
		return false;
	for (size_t i = 0; i < a.n; i++) {
		unsigned char x = (unsigned char)a.p[i], y = (unsigned char)b.p[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

/* Is b at or beneath a, the way Windows compares names? */
static bool path_within_win(Str a, Str b)
{
	size_t i = 0, j = 0;
	while (i < a.n) {
		if (j >= b.n)
			return false;
		size_t ie = i, je = j;
		while (ie < a.n && a.p[ie] != '/' && a.p[ie] != '\\')
			ie++;
		while (je < b.n && b.p[je] != '/' && b.p[je] != '\\')
			je++;
		if (!comp_eq_win((Str){ a.p + i, ie - i }, (Str){ b.p + j, je - j }))
			return false;
		i = ie + 1;
		j = je + 1;
	}
	return true;
}

/* An allow that names, in another spelling, a path beneath a deny of the
 * same right: the language keeps the two apart, but the allow's ACE lands
 * on the very object the deny protects (or inside it), and being nearer or
 * explicit it wins there. */
static bool allow_aliases_deny(const Policy *p, const Rule *r)
{
	for (int i = 0; i < p->nrules; i++) {
		const Rule *o = &p->rules[i];
		if (o->effect != EFF_DENY || o->right != r->right || !concerns(o) || o->path.root != r->path.root ||
		    !str_eq(o->path.param, r->path.param))
			continue;
		Str d = literal_prefix(o->path.text);
		if (path_within_win(d, r->path.text) && !path_within(d, r->path.text))
			return true;
	}
	return false;
}

/* ACEs decide by depth (a nearer object's ACE first), then deny before
 * allow; the language decides by literal prefix, then a glob before the
 * literal, then deny. The one pair of emitted patterns where the two
 * disagree is a deny of `dir` with an allow of everything beneath it (dir
 * and a trailing double star) of the same right: both have the prefix
 * `dir`, so the glob allow decides beneath dir, while both ACEs sit on dir
 * and the deny comes first. (The other way round, the deny of everything
 * beneath wins in both.) */
static bool deny_same_dir(const Policy *p, const Rule *r)
{
	Str dir = { r->path.text.p, r->path.text.n - 3 };
	for (int i = 0; i < p->nrules; i++) {
		const Rule *o = &p->rules[i];
		/* Under another root the two may name one directory once the
		 * params are resolved (a deny of ${HOME}, PROJECT = HOME). */
		bool other_root = o->path.root != r->path.root || !str_eq(o->path.param, r->path.param);
		if (o->effect == EFF_DENY && o->right == r->right && concerns(o) && (other_root || str_eq(o->path.text, dir)) &&
		    path_shape(&o->path) == PS_PLAIN)
			return true;
	}
	return false;
}

static Fidelity file_fidelity(const Policy *p, const Rule *r, Arena *a, Str *nt)
{
	enum PathShape s = path_shape(&r->path);
	if (s == PS_NA && r->effect == EFF_ALLOW && r->path.root == ROOT_ABS && str_eqc(r->path.text, "/"))
		return note(a, nt, FID_STRICTER, lpac_rule(p)
			? "the whole file system is not granted on Windows: an LPAC reaches only the profile's grants and what Windows grants ALL RESTRICTED APPLICATION PACKAGES (most of %SystemRoot%)"
			: "the whole file system is not granted on Windows: the container reaches only the profile's grants and what Windows grants ALL APPLICATION PACKAGES (most of %SystemRoot%, much of Program Files, readable registry keys)");
	if (s == PS_NA)
		return note(a, nt, FID_NA, "an absolute POSIX path does not concern Windows");
	if (r->effect == EFF_ALLOW) {
		if (s == PS_GLOB)
			return note(a, nt, FID_STRICTER, "an ACL cannot express this glob: nothing is granted");
		if (s == PS_BADNAME || s == PS_STREAM)
			return note(a, nt, FID_STRICTER, "not a valid Windows file name: nothing is granted");
		if (s == PS_BENEATH && deny_same_dir(p, r))
			return note(a, nt, FID_STRICTER, "the language lets this allow decide beneath the directory a deny names; the deny's ACE on the directory still applies there");
		if (allow_aliases_deny(p, r))
			return note(a, nt, FID_WIDER, "Windows compares names without case (and drops trailing dots and spaces): this grants a path a deny protects under another spelling");
		if (r->right == R_EXEC)
			return note(a, nt, FID_WIDER, lpac_rule(p)
				? "AppContainer has no exec allowlist: the container may also run what Windows grants all restricted application packages (System32)"
				: "AppContainer has no exec allowlist: the container may also run what Windows grants all application packages (System32, much of Program Files)");
		return note(a, nt, FID_EXACT, NULL);
	}
	if (s == PS_PLAIN || s == PS_BENEATH || s == PS_BADNAME)
		return note(a, nt, FID_EXACT, NULL);
	/* A glob or a stream name cannot be one deny ACE. */
	bool elsewhere = false;
	if (r->path.root == ROOT_WIN || allow_overlaps_at(p, r->right, &r->path, &elsewhere))
		return note(a, nt, FID_WIDER, s == PS_STREAM ? "a data stream shares its file's ACL and cannot be denied alone"
					      : elsewhere ? "an ACL cannot express this glob, and an allow under another root covers where it matches when the params' values nest (they are resolved when the policy is applied)"
							  : "an ACL cannot express this glob, and an allow covers where it matches");
	return note(a, nt, FID_EXACT, NULL);
}

Fidelity appcontainer_fidelity(const Policy *p, const Rule *r, Arena *a, Str *nt)
{
	if (nt)
		*nt = (Str){ "", 0 };
	if (!concerns(r))
		return FID_NA;
	switch (r->right) {
	case R_READ:
	case R_WRITE:
	case R_EXEC:
		return file_fidelity(p, r, a, nt);
	case R_CONNECT:
	case R_BIND:
	case R_NET:
		return net_fidelity(p, r, a, nt);
	case R_FORK:
		return note(a, nt, FID_EXACT, r->effect == EFF_ALLOW ? NULL : "the launcher sets the child-process policy that blocks CreateProcess");
	case R_SIGNAL:
	case R_PTRACE:
		if (r->target == TGT_ANY)
			return r->effect == EFF_ALLOW
				       ? note(a, nt, FID_STRICTER, "processes outside the container are not accessible to it")
				       : note(a, nt, FID_EXACT, NULL);
		if (r->effect == EFF_DENY && r->target == TGT_CHILDREN && fork_allowed(p))
			return note(a, nt, FID_WIDER, r->right == R_SIGNAL ? "Windows has no signals: the container may terminate the processes it starts"
									   : "the container may debug the processes it starts");
		if (r->effect == EFF_DENY)
			return note(a, nt, FID_NA, "Windows has no signals or ptrace; a process may always end itself");
		return note(a, nt, FID_EXACT, NULL);
	case R_CAPABILITY:
		if (r->effect == EFF_DENY && (r->name.n == 0 || str_eqc(r->name, AC_ALL_PACKAGES)))
			return note(a, nt, FID_EXACT, "LPAC (less privileged AppContainer): the container loses what Windows grants ALL APPLICATION PACKAGES (much of Program Files, COM servers, registry keys); the launcher adds registryRead and lpacCom unless denied; programs that need more fail to start");
		if (r->effect == EFF_DENY)
			return note(a, nt, FID_EXACT, NULL);
		if (str_eqc(r->name, AC_ALL_PACKAGES))
			return note(a, nt, FID_EXACT, cap_denied(p, AC_ALL_PACKAGES) ? "denied too: the deny wins (LPAC)" : "a regular AppContainer, the default");
		if (r->name.n == 0 || !ac_cap_find(r->name))
			return note(a, nt, FID_STRICTER, "not a known capability: nothing is granted (an error when emitting)");
		return note(a, nt, FID_EXACT, NULL);
	default:
		return note(a, nt, FID_NA, NULL);
	}
}

/* ---- lowering ---- */

/* Moves a heap Buf's bytes into the arena and frees it (and `also`);
 * a failed Buf is an out-of-memory, reported the driver's way. */
static Str take(Arena *a, Buf *b, Buf *also)
{
	bool failed = b->failed || (also && also->failed);
	Str s = failed ? STR("") : arena_strdup(a, buf_as_str(b));
	buf_free(b);
	if (also)
		buf_free(also);
	if (failed)
		arena_alloc(a, SIZE_MAX);
	return s;
}


Str ac_rule_text(Arena *a, const Rule *r)
{
	Buf b = { 0 };
	buf_printf(&b, "%s %s", r->effect == EFF_ALLOW ? "allow" : "deny", ir_right_name[r->right]);
	Buf o = { 0 };
	ir_put_object(&o, r);
	if (o.n) {
		buf_putc(&b, ' ');
		buf_put(&b, o.p, o.n);
	}
	return take(a, &b, &o);
}

static Str rule_from(Arena *a, const Policy *p, const Rule *r)
{
	Str f = r->loc.file < p->nfiles ? p->files[r->loc.file].id : STR("?");
	return arena_printf(a, "%.*s:%u", STRF(f), (unsigned)r->loc.line);
}

/* ${HOME} and ${TMPDIR} are Windows' own variables; everything else keeps
 * its name and is resolved by the launcher (params, then the environment). */
static void put_root(Buf *b, Str param)
{
	if (str_eqc(param, "HOME"))
		buf_puts(b, "%USERPROFILE%");
	else if (str_eqc(param, "TMPDIR"))
		buf_puts(b, "%TEMP%");
	else
		buf_printf(b, "%%%.*s%%", STRF(param));
}

/* The rest of a path in Windows form: '/' becomes '\', and a literal '%'
 * is doubled so that the launcher never reads a name as a variable. */
static void put_tail(Buf *b, Str s)
{
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (c == '/')
			buf_putc(b, '\\');
		else if (c == '%')
			buf_puts(b, "%%");
		else
			buf_putc(b, c);
	}
}

static Str win_path(Arena *a, const PathObj *po, bool beneath)
{
	Buf b = { 0 };
	Str t = po->text;
	if (beneath)
		t.n -= 3; /* the ACE sits on dir, inherit-only */
	if (po->root == ROOT_PARAM) {
		size_t end = 0;
		while (end < t.n && t.p[end] != '}')
			end++;
		put_root(&b, po->param);
		put_tail(&b, (Str){ t.p + end + 1, end + 1 <= t.n ? t.n - end - 1 : 0 });
	} else {
		put_tail(&b, t);
	}
	return take(a, &b, NULL);
}

/* A param's default in Windows form, or false when it is a POSIX path that
 * means nothing there. */
static bool win_value(Arena *a, Str v, Str *out)
{
	if (v.n && v.p[0] == '/')
		return false;
	Buf b = { 0 };
	size_t i = 0;
	if (v.n && v.p[0] == '~' && (v.n == 1 || v.p[1] == '/')) {
		buf_puts(&b, "%USERPROFILE%");
		i = 1;
	}
	while (i < v.n) {
		if (v.p[i] == '$' && i + 1 < v.n && v.p[i + 1] == '{') {
			size_t j = i + 2;
			while (j < v.n && v.p[j] != '}')
				j++;
			put_root(&b, (Str){ v.p + i + 2, j - i - 2 });
			i = j + 1;
			continue;
		}
		put_tail(&b, (Str){ v.p + i, 1 });
		i++;
	}
	*out = take(a, &b, NULL);
	return true;
}

static uint32_t mask_of(bool deny, int right, bool dir)
{
	return deny ? ac_deny_mask(right, dir) : ac_allow_mask(right, dir);
}

/* A literal Windows path in a tree that users do not own, whose ACL only an
 * administrator can change: the launcher checks at launch whether Windows
 * already grants the access, and otherwise refuses (an install-time grant). */
static bool unowned_tree(const PathObj *po)
{
	if (po->root != ROOT_WIN)
		return false;
	static const char *const trees[] = { "program files", "program files (x86)", "windows", "programdata" };
	Str t = po->text;
	if (t.n < 4 || t.p[1] != ':' || (t.p[2] != '\\' && t.p[2] != '/'))
		return false;
	size_t e = 3;
	while (e < t.n && t.p[e] != '\\' && t.p[e] != '/')
		e++;
	for (size_t k = 0; k < ARRAY_LEN(trees); k++) {
		size_t n = strlen(trees[k]);
		if (e - 3 != n)
			continue;
		size_t i = 0;
		while (i < n && (t.p[3 + i] | 0x20) == (trees[k][i] | 0x20))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

static void add_file(Arena *a, AcProfile *ap, StrSet *seen, const Policy *p, const Rule *r)
{
	enum PathShape s = path_shape(&r->path);
	if (s != PS_PLAIN && s != PS_BENEATH && !(r->effect == EFF_DENY && s == PS_BADNAME))
		return;
	if (r->effect == EFF_DENY && s == PS_BADNAME)
		return; /* nothing can exist there */
	bool beneath = s == PS_BENEATH;
	Str path = win_path(a, &r->path, beneath);
	bool deny = r->effect == EFF_DENY;
	uint8_t inherit = (uint8_t)(AC_OI | AC_CI | (beneath ? AC_IO : 0));
	Str from = rule_from(a, p, r);
	/* One entry per (deny, inheritance, path), found by hash. */
	Buf key = { 0 };
	buf_putc(&key, deny ? 'd' : 'a');
	buf_putc(&key, (char)inherit);
	buf_str(&key, path);
	int i = strset_get_or_add(seen, buf_as_str(&key), ap->nfiles);
	buf_free(&key);
	if (i >= 0) {
		AcFile *f = &ap->files[i];
		f->rights |= (uint8_t)(1u << r->right);
		f->mask |= mask_of(deny, r->right, false);
		f->dirmask |= mask_of(deny, r->right, true);
		f->flags |= r->flags;
		/* One line may write several rights: name it once. */
		Str last = f->from;
		for (size_t k = f->from.n; k > 0; k--)
			if (f->from.p[k - 1] == ' ') {
				last = (Str){ f->from.p + k, f->from.n - k };
				break;
			}
		if (!str_eq(last, from))
			f->from = arena_printf(a, "%.*s, %.*s", STRF(f->from), STRF(from));
		return;
	}
	AcFile *f = VEC_PUSH(a, ap->files, ap->nfiles, ap->filecap);
	f->path = path;
	f->deny = deny;
	f->rights = (uint8_t)(1u << r->right);
	f->mask = mask_of(deny, r->right, false);
	f->dirmask = mask_of(deny, r->right, true);
	f->unowned = unowned_tree(&r->path);
	f->inherit = inherit;
	f->flags = r->flags;
	f->from = from;
}

static void add_cap(Arena *a, AcProfile *ap, const AcCap *c, Str from)
{
	for (int i = 0; i < ap->ncaps; i++)
		if (ap->caps[i].cap == c)
			return;
	AcCapUse *u = VEC_PUSH(a, ap->caps, ap->ncaps, ap->capcap);
	u->cap = c;
	u->from = from;
}

static int file_cmp(const void *x, const void *y)
{
	const AcFile *a = x, *b = y;
	int c = str_cmp(a->path, b->path);
	if (c)
		return c;
	if (a->deny != b->deny)
		return a->deny ? -1 : 1;
	return (int)a->inherit - (int)b->inherit;
}

static int cap_cmp(const void *x, const void *y)
{
	const AcCapUse *a = x, *b = y;
	if (a->cap->kind != b->cap->kind)
		return (int)a->cap->kind - (int)b->cap->kind;
	return strcmp(a->cap->name, b->cap->name);
}

static void lower_params(const Policy *p, Arena *a, AcProfile *ap)
{
	bool project = false;
	for (int i = 0; i < p->nparams; i++) {
		const Param *pm = &p->params[i];
		if (pm->builtin && !str_eqc(pm->name, "PROJECT"))
			continue; /* HOME, TMPDIR are Windows' own; UID has no meaning there */
		AcParam *o = VEC_PUSH(a, ap->params, ap->nparams, ap->paramcap);
		o->name = pm->name;
		o->fixed = pm->baked;
		if (pm->has_default || pm->baked)
			o->has_value = win_value(a, pm->def, &o->value);
		o->cwd = str_eqc(pm->name, "PROJECT") && !o->has_value;
		project |= str_eqc(pm->name, "PROJECT");
	}
	if (!project) {
		/* PROJECT is always defined by the language; the launcher needs to
		 * know it defaults to the working directory. Keep name order. */
		AcParam *o = VEC_PUSH(a, ap->params, ap->nparams, ap->paramcap);
		o->name = STR("PROJECT");
		o->cwd = true;
		for (int i = ap->nparams - 1; i > 0 && str_cmp(ap->params[i].name, ap->params[i - 1].name) < 0; i--) {
			AcParam t = ap->params[i];
			ap->params[i] = ap->params[i - 1];
			ap->params[i - 1] = t;
		}
	}
}

bool ac_lower(const Policy *p, Arena *a, Diags *d, AcProfile *ap)
{
	memset(ap, 0, sizeof *ap);
	ac_container_name(p->name, ap->container);
	ac_package_sid(str_c(ap->container), ap->sid);
	const Rule *lr = lpac_rule(p);
	ap->lpac = lr != NULL;
	if (lr)
		ap->lpac_from = rule_from(a, p, lr);
	ap->children = fork_allowed(p);
	bool ok = true;
	unsigned netcaps = granted_netcaps(p);
	Str netfrom[3] = { { 0 } };
	StrSet files = { 0 };

	for (int i = 0; i < p->nrules; i++) {
		const Rule *r = &p->rules[i];
		if (!concerns(r))
			continue;
		Str nt;
		Fidelity f = appcontainer_fidelity(p, r, a, &nt);
		if (f == FID_NA) {
			AcNote *n = VEC_PUSH(a, ap->na, ap->nna, ap->nacap);
			n->rule = ac_rule_text(a, r);
			n->from = rule_from(a, p, r);
			n->fid = f;
			n->note = nt;
			continue;
		}
		if (f == FID_WIDER || f == FID_STRICTER) {
			AcNote *n = VEC_PUSH(a, ap->notes, ap->nnotes, ap->notecap);
			n->rule = ac_rule_text(a, r);
			n->from = rule_from(a, p, r);
			n->fid = f;
			n->note = nt;
		}
		if (is_file_right(r->right)) {
			add_file(a, ap, &files, p, r);
		} else if (r->right == R_CAPABILITY && r->effect == EFF_ALLOW && str_eqc(r->name, AC_ALL_PACKAGES)) {
			continue; /* the default: a regular AppContainer */
		} else if (r->right == R_CAPABILITY && r->effect == EFF_ALLOW) {
			const AcCap *c = r->name.n ? ac_cap_find(r->name) : NULL;
			if (!c) {
				if (r->name.n)
					diag_at(d, DIAG_ERROR, r->loc, "unknown capability '%.*s' (Windows would turn it into a SID that grants nothing you meant)", STRF(r->name));
				else
					diag_at(d, DIAG_ERROR, r->loc, "'allow capability' on windows needs a capability name");
				ok = false;
				continue;
			}
			if (!cap_denied(p, c->name))
				add_cap(a, ap, c, rule_from(a, p, r));
		} else if ((r->right == R_CONNECT || r->right == R_BIND || r->right == R_NET) && r->effect == EFF_ALLOW) {
			unsigned need = rule_netcaps(r) & netcaps;
			for (int k = 0; k < 3; k++)
				if ((need & (1u << k)) && !netfrom[k].n)
					netfrom[k] = rule_from(a, p, r);
		}
	}
	for (int k = 0; k < 3; k++)
		if (netfrom[k].n)
			add_cap(a, ap, ac_cap_find(str_c(netcap_name[k])), netfrom[k]);
	/* What Chromium's LPACs and other working launchers grant every LPAC:
	 * without them COM and the registry reads of DLL initialisation fail. */
	static const char *const lpac_caps[] = { "lpacCom", "registryRead" };
	for (size_t k = 0; ap->lpac && k < ARRAY_LEN(lpac_caps); k++)
		if (!cap_denied(p, lpac_caps[k]))
			add_cap(a, ap, ac_cap_find(str_c(lpac_caps[k])), ap->lpac_from);
	strset_free(&files);
	if (ap->nfiles) /* qsort's base may not be NULL, even for no elements */
		qsort(ap->files, (size_t)ap->nfiles, sizeof *ap->files, file_cmp);
	if (ap->ncaps)
		qsort(ap->caps, (size_t)ap->ncaps, sizeof *ap->caps, cap_cmp);
	lower_params(p, a, ap);
	return ok;
}

bool appcontainer_emit(EmitCtx *cx)
{
	AcProfile ap;
	if (!ac_lower(cx->policy, cx->arena, cx->diags, &ap))
		return false;
	Str name = cx->policy->name.n ? cx->policy->name : STR("policy");
	ac_write_json(output_add(cx, arena_printf(cx->arena, "%.*s.appcontainer.json", STRF(name))), cx, &ap);
	ac_write_manifest(output_add(cx, arena_printf(cx->arena, "%.*s.appxmanifest.xml", STRF(name))), cx, &ap);
	return true;
}
