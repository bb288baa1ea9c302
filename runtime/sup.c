/*
 * sup.c: the supervisor. When the artifact has `sup` lines, sbx_exec forks:
 * the child confines itself (Landlock, then the seccomp filter with a
 * user-notification listener), hands the listener to the parent over a
 * socketpair (SCM_RIGHTS) and execs; the parent, outside the sandbox,
 * answers every notification and returns the child's exit status.
 *
 * Each decision follows one order, so a pointer the program can still
 * change is never what gets checked:
 *   1. copy the arguments once (process_vm_readv) into our memory;
 *   2. SECCOMP_IOCTL_NOTIF_ID_VALID: the thread is still in that call, so
 *      the pid and the memory we read were its own;
 *   3. duplicate its socket (pidfd_getfd) and read the socket's family and
 *      type from the duplicate (fixed at creation, so not raceable);
 *   4. decide on our copy with the artifact's rules;
 *   5. perform the call ourselves on the duplicate with our copy, and return
 *      its result as the program's.
 * Sockets the supervisor does not decide (unix, netlink, a protocol whose
 * rules Landlock enforces exactly) continue in the kernel unchanged.
 *
 * Fail closed: anything unexpected answers an error; when the supervisor
 * dies the kernel fails every notified call (ENOSYS); a notification whose
 * thread is gone is dropped. The program cannot reach the supervisor: the
 * filter denies ptrace-like calls, Landlock scopes signals.
 */
#include "sbx.h"
#include "sup.h"
#include "sup_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE 1u
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* Limits on what one call may make us copy: above them the call fails as
 * the kernel would fail it (EMSGSIZE, EINVAL), never unchecked. */
enum { SUP_MAX_DATA = 256 << 10, SUP_MAX_IOV = 1024, SUP_MAX_MMSG = 1024 };

/* ---- the handover (child -> parent) ----
 *
 * The child's filter may already notify sendmsg, so the listener cannot
 * travel as SCM_RIGHTS: the child writes its number (write is never
 * notified), the parent takes it with pidfd_getfd and acknowledges, and
 * only then does the child close it and exec. */

bool sup_send_fd(int sock, int fd)
{
	ssize_t r;
	do
		r = write(sock, &fd, sizeof fd);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)sizeof fd)
		return false;
	char ack;
	do
		r = read(sock, &ack, 1);
	while (r < 0 && errno == EINTR);
	return r == 1 && ack == 'L';
}

static int recv_fd(int sock, int child_pidfd)
{
	int fd = -1;
	ssize_t r;
	do
		r = read(sock, &fd, sizeof fd);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)sizeof fd || fd < 0)
		return -1;
	int got = (int)syscall(SYS_pidfd_getfd, child_pidfd, fd, 0);
	if (got < 0)
		return -1;
	char ack = 'L';
	if (write(sock, &ack, 1) != 1) {
		close(got);
		return -1;
	}
	return got;
}

/* ---- decisions ---- */

typedef struct Addr {
	bool v6;
	uint8_t ip[16];
	uint16_t port;
} Addr;

static bool prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
	for (int i = 0; i < bits; i++)
		if ((a[i / 8] ^ b[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

static bool host_matches(const LlSupRule *r, const Addr *q)
{
	static const uint8_t one6[16] = { [15] = 1 };
	switch (r->host) {
	case SUPH_ANY:
		return true;
	case SUPH_LOCALHOST:
		return q->v6 ? memcmp(q->ip, one6, 16) == 0 : q->ip[0] == 127;
	case SUPH_IP4:
		return !q->v6 && prefix_eq(r->addr, q->ip, r->prefix);
	default:
		return q->v6 && prefix_eq(r->addr, q->ip, r->prefix);
	}
}

/* The language's specificity (ir/eval.c): host exact 1000 > CIDR 1+prefix
 * > `*` 0, then port exact 2 > range 1 > `*` 0; deny wins a tie; no rule
 * matching denies. */
static const LlSupRule *decide(const LlArtifact *a, unsigned which, const Addr *q, bool *allow)
{
	const LlSupRule *best = NULL;
	int bh = 0, bp = 0;
	for (int i = 0; i < a->nsup; i++) {
		const LlSupRule *r = &a->suprules[i];
		if (r->which != which || !host_matches(r, q) || (!r->port_any && (q->port < r->lo || q->port > r->hi)))
			continue;
		int h = r->host == SUPH_ANY ? 0
			: r->host == SUPH_LOCALHOST ? 1000
			: r->prefix == (r->host == SUPH_IP4 ? 32 : 128) ? 1000 : 1 + r->prefix;
		int p = r->port_any ? 0 : r->lo == r->hi ? 2 : 1;
		int c = !best ? 1 : h != bh ? (h > bh ? 1 : -1) : p != bp ? (p > bp ? 1 : -1) : 0;
		if (c > 0 || (c == 0 && !r->allow && best->allow)) {
			best = r;
			bh = h;
			bp = p;
		}
	}
	*allow = best && best->allow;
	return best;
}

/* Our copy of a sockaddr as the kernel will read it for a socket of
 * family `dom`. False: not an address the rules can name (the caller
 * refuses it). v4-mapped IPv6 is decided as the IPv4 address, as the
 * language does. AF_UNSPEC: a connect that dissolves an association
 * (reaches nothing: *none), or a bind, which inet_bind takes as 0.0.0.0. */
static bool parse_addr(const struct sockaddr_storage *ss, socklen_t len, bool bind, Addr *q, bool *none)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	*none = false;
	memset(q, 0, sizeof *q);
	if (len < (socklen_t)sizeof(sa_family_t))
		return false;
	if (ss->ss_family == AF_UNSPEC && !bind) {
		*none = true;
		return true;
	}
	if (ss->ss_family == AF_INET || ss->ss_family == AF_UNSPEC) {
		const struct sockaddr_in *in = (const void *)ss;
		if (len < (socklen_t)sizeof *in)
			return false;
		memcpy(q->ip, &in->sin_addr, 4);
		q->port = ntohs(in->sin_port);
		return true;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;
		if (len < (socklen_t)sizeof *in6)
			return false;
		q->port = ntohs(in6->sin6_port);
		if (memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0) {
			memcpy(q->ip, in6->sin6_addr.s6_addr + 12, 4);
		} else {
			q->v6 = true;
			memcpy(q->ip, in6->sin6_addr.s6_addr, 16);
		}
		return true;
	}
	return false;
}

static const char *which_name(unsigned w)
{
	return w == SUP_CONNECT_TCP ? "connect tcp" : w == SUP_BIND_TCP ? "bind tcp" : w == SUP_CONNECT_UDP ? "connect udp" : "bind udp";
}

static void log_decision(Sup *s, pid_t pid, const char *call, unsigned which, const Addr *q, bool allow,
			 const LlSupRule *r)
{
	allow ? s->nallowed++ : s->ndenied++;
	if (!s->log)
		return;
	char ip[INET6_ADDRSTRLEN] = "?";
	inet_ntop(q->v6 ? AF_INET6 : AF_INET, q->ip, ip, sizeof ip);
	fprintf(s->log, "sbx-sup: %s pid %d %s: %s %s%s%s:%u (%s)\n", allow ? "allow" : "deny", (int)pid, call,
		which_name(which), q->v6 ? "[" : "", ip, q->v6 ? "]" : "", (unsigned)q->port,
		r ? r->where : "no rule allows it");
	fflush(s->log);
}

/* ---- the target's memory ---- */

bool sup_peek(pid_t pid, uint64_t addr, void *out, size_t n)
{
	if (n == 0)
		return true;
	struct iovec l = { out, n }, r = { (void *)(uintptr_t)addr, n };
	return process_vm_readv(pid, &l, 1, &r, 1, 0) == (ssize_t)n;
}

static bool poke(pid_t pid, uint64_t addr, const void *in, size_t n)
{
	struct iovec l = { (void *)in, n }, r = { (void *)(uintptr_t)addr, n };
	return process_vm_writev(pid, &l, 1, &r, 1, 0) == (ssize_t)n;
}

bool sup_still_valid(Sup *s, uint64_t id)
{
	return ioctl(s->lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The program's descriptor, duplicated into the supervisor. pid is the
 * thread that made the call; checking the notification after opening the
 * pidfd proves the pid still names that thread. */
int sup_grab_fd(Sup *s, const struct seccomp_notif *n, int fd, int *err)
{
	/* A thread other than the leader needs PIDFD_THREAD (6.9); older
	 * kernels refuse it (EINVAL) and answer for the leader's pid only. */
	int pfd = (int)syscall(SYS_pidfd_open, n->pid, PIDFD_THREAD);
	if (pfd < 0 && errno == EINVAL)
		pfd = (int)syscall(SYS_pidfd_open, n->pid, 0);
	int e = errno;
	if (!sup_still_valid(s, n->id)) {
		if (pfd >= 0)
			close(pfd);
		*err = ESRCH; /* gone: dropped */
		return -1;
	}
	if (pfd < 0) {
		/* Alive but unreachable: the call fails, it never waits for ever. */
		*err = e == ESRCH ? EPERM : e;
		return -1;
	}
	int d = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	*err = errno;
	close(pfd);
	return d;
}

/* ---- the calls ---- */

/* Which supervised right this socket's call falls under, or 0 when the
 * supervisor does not decide it (the kernel continues it unchanged). */
static unsigned classify(const Sup *s, int dfd, bool bind, int *err)
{
	int dom = 0, type = 0, proto = 0;
	socklen_t l = sizeof dom;
	if (getsockopt(dfd, SOL_SOCKET, SO_DOMAIN, &dom, &l) < 0) {
		*err = errno == ENOTSOCK ? ENOTSOCK : EBADF;
		return ~0u;
	}
	if (dom != AF_INET && dom != AF_INET6)
		return 0;
	l = sizeof type;
	if (getsockopt(dfd, SOL_SOCKET, SO_TYPE, &type, &l) < 0 || getsockopt(dfd, SOL_SOCKET, SO_PROTOCOL, &proto, (l = sizeof proto, &l)) < 0) {
		*err = EACCES;
		return ~0u;
	}
	unsigned w;
	if (type == SOCK_STREAM && proto == IPPROTO_TCP)
		w = bind ? SUP_BIND_TCP : SUP_CONNECT_TCP;
	else if (type == SOCK_DGRAM && proto == IPPROTO_UDP)
		w = bind ? SUP_BIND_UDP : SUP_CONNECT_UDP;
	else {
		*err = EACCES; /* the filter admits no other inet socket: refuse, never continue */
		return ~0u;
	}
	return (s->a->sup & w) ? w : 0;
}

/* Decides an address the program named for socket call `call`. */
static bool allowed(Sup *s, const struct seccomp_notif *n, const char *call, unsigned which,
		    const struct sockaddr_storage *ss, socklen_t len, int *err)
{
	Addr q;
	bool none, allow = false;
	bool bind = which == SUP_BIND_TCP || which == SUP_BIND_UDP;
	if (!parse_addr(ss, len, bind, &q, &none)) {
		*err = len < (socklen_t)sizeof(sa_family_t) ? EINVAL : EAFNOSUPPORT;
		return false;
	}
	if (none)
		return true;
	const LlSupRule *r = decide(s->a, which, &q, &allow);
	/* Acting on the program's behalf must not lend it our privileges: a
	 * port below ip_unprivileged_port_start needs CAP_NET_BIND_SERVICE,
	 * which the sandbox dropped. */
	if (allow && bind && q.port && q.port < s->unpriv_port) {
		allow = false;
		r = NULL;
	}
	log_decision(s, n->pid, call, which, &q, allow, r);
	if (!allow)
		*err = EACCES;
	return allow;
}

static bool copy_addr(const struct seccomp_notif *n, uint64_t ptr, uint64_t len, struct sockaddr_storage *ss,
		      socklen_t *out, int *err)
{
	memset(ss, 0, sizeof *ss);
	if ((int64_t)(int32_t)len != (int64_t)len || (int32_t)len < 0 || len > sizeof *ss) {
		*err = EINVAL;
		return false;
	}
	if (!sup_peek(n->pid, ptr, ss, (size_t)len)) {
		*err = EFAULT;
		return false;
	}
	*out = (socklen_t)len;
	return true;
}

static void respond(int lfd, uint64_t id, const Resp *r);

/* A blocking connect can take minutes (SYN retries): it runs in a thread
 * of its own, so one slow peer does not hold every other notified call. */
typedef struct Slow {
	int lfd, dfd;
	uint64_t id;
	struct sockaddr_storage ss;
	socklen_t len;
} Slow;

static atomic_int slow_running;

static void *slow_connect(void *arg)
{
	Slow *w = arg;
	Resp r = { 0 };
	if (connect(w->dfd, (struct sockaddr *)&w->ss, w->len) < 0)
		r.error = errno;
	respond(w->lfd, w->id, &r);
	close(w->dfd);
	free(w);
	atomic_fetch_sub(&slow_running, 1);
	return NULL;
}

static Resp sys_connect_bind(Sup *s, const struct seccomp_notif *n, int dfd, unsigned which)
{
	Resp r = { 0 };
	struct sockaddr_storage ss;
	socklen_t len;
	bool bind_ = which == SUP_BIND_TCP || which == SUP_BIND_UDP;
	if (!copy_addr(n, n->data.args[1], n->data.args[2], &ss, &len, &r.error))
		return r;
	if (!sup_still_valid(s, n->id)) {
		r.drop = true;
		return r;
	}
	if (!allowed(s, n, bind_ ? "bind" : "connect", which, &ss, len, &r.error))
		return r;
	int fl = fcntl(dfd, F_GETFL);
	if (!bind_ && fl >= 0 && !(fl & O_NONBLOCK)) {
		Slow *w = rt_alloc(sizeof *w);
		*w = (Slow){ .lfd = s->lfd, .dfd = fcntl(dfd, F_DUPFD_CLOEXEC, 0), .id = n->id, .ss = ss, .len = len };
		pthread_attr_t at;
		pthread_t t;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		atomic_fetch_add(&slow_running, 1);
		if (w->dfd >= 0 && pthread_create(&t, &at, slow_connect, w) == 0) {
			pthread_attr_destroy(&at);
			r.drop = true; /* the thread answers */
			return r;
		}
		atomic_fetch_sub(&slow_running, 1);
		pthread_attr_destroy(&at);
		if (w->dfd >= 0)
			close(w->dfd);
		free(w);
		/* no thread: connect here, as a non-blocking world would not */
	}
	int rc = bind_ ? bind(dfd, (struct sockaddr *)&ss, len) : connect(dfd, (struct sockaddr *)&ss, len);
	if (rc < 0)
		r.error = errno;
	return r;
}

/* A msghdr copied out of the program: name, iovecs and data all ours. */
typedef struct MsgCopy {
	struct msghdr m;
	struct sockaddr_storage ss;
	struct iovec iov; /* one buffer holding every byte */
	char *data;
} MsgCopy;

static bool copy_msg(const struct seccomp_notif *n, uint64_t ptr, MsgCopy *c, int *err)
{
	struct msghdr m;
	memset(c, 0, sizeof *c);
	if (!sup_peek(n->pid, ptr, &m, sizeof m)) {
		*err = EFAULT;
		return false;
	}
	/* Control messages would be interpreted with our credentials and
	 * capabilities (SO_MARK, IP_PKTINFO source addresses): refused. */
	if (m.msg_controllen) {
		*err = EOPNOTSUPP;
		return false;
	}
	if (m.msg_name) {
		socklen_t l;
		if (!copy_addr(n, (uintptr_t)m.msg_name, m.msg_namelen, &c->ss, &l, err))
			return false;
		c->m.msg_name = &c->ss;
		c->m.msg_namelen = l;
	}
	if (m.msg_iovlen > SUP_MAX_IOV) {
		*err = EMSGSIZE;
		return false;
	}
	struct iovec *v = rt_alloc(sizeof *v * (m.msg_iovlen ? m.msg_iovlen : 1));
	bool ok = sup_peek(n->pid, (uintptr_t)m.msg_iov, v, sizeof *v * m.msg_iovlen);
	size_t total = 0;
	for (size_t i = 0; ok && i < m.msg_iovlen; i++) {
		if (v[i].iov_len > SUP_MAX_DATA || total + v[i].iov_len > SUP_MAX_DATA) {
			*err = EMSGSIZE;
			free(v);
			return false;
		}
		total += v[i].iov_len;
	}
	c->data = rt_alloc(total + 1);
	size_t at = 0;
	for (size_t i = 0; ok && i < m.msg_iovlen; i++) {
		ok = sup_peek(n->pid, (uintptr_t)v[i].iov_base, c->data + at, v[i].iov_len);
		at += v[i].iov_len;
	}
	free(v);
	if (!ok) {
		*err = EFAULT;
		free(c->data);
		c->data = NULL;
		return false;
	}
	c->iov.iov_base = c->data;
	c->iov.iov_len = total;
	c->m.msg_iov = &c->iov;
	c->m.msg_iovlen = 1;
	return true;
}

/* sendto with a destination (the filter notifies no other), sendmsg and
 * sendmmsg on a supervised UDP socket. */
static Resp sys_send(Sup *s, const struct seccomp_notif *n, int dfd, unsigned which)
{
	Resp r = { 0 };
	const __u64 *a = n->data.args;
	if (n->data.nr == SYS_sendto) {
		MsgCopy c = { 0 };
		socklen_t l;
		if (a[2] > SUP_MAX_DATA) {
			r.error = EMSGSIZE;
			return r;
		}
		if (!copy_addr(n, a[4], a[5], &c.ss, &l, &r.error))
			return r;
		c.data = rt_alloc((size_t)a[2] + 1);
		if (!sup_peek(n->pid, a[1], c.data, (size_t)a[2]))
			r.error = EFAULT;
		else if (!sup_still_valid(s, n->id))
			r.drop = true;
		else if (allowed(s, n, "sendto", which, &c.ss, l, &r.error)) {
			ssize_t k = sendto(dfd, c.data, (size_t)a[2], (int)a[3] | MSG_NOSIGNAL, (struct sockaddr *)&c.ss, l);
			if (k < 0)
				r.error = errno;
			else
				r.val = k;
		}
		free(c.data);
		return r;
	}
	bool mm = n->data.nr == SYS_sendmmsg;
	unsigned vlen = mm ? (unsigned)a[2] : 1;
	if (mm && vlen > SUP_MAX_MMSG)
		vlen = SUP_MAX_MMSG;
	int flags = (int)(mm ? a[3] : a[2]);
	for (unsigned i = 0; i < vlen; i++) {
		MsgCopy c;
		int err = 0;
		uint64_t at = mm ? a[1] + (uint64_t)i * sizeof(struct mmsghdr) : a[1];
		bool ok = copy_msg(n, at, &c, &err);
		if (ok && !sup_still_valid(s, n->id)) {
			free(c.data);
			r.drop = true;
			return r;
		}
		if (ok && c.m.msg_name)
			ok = allowed(s, n, mm ? "sendmmsg" : "sendmsg", which, &c.ss, c.m.msg_namelen, &err);
		ssize_t k = -1;
		if (ok) {
			k = sendmsg(dfd, &c.m, flags | MSG_NOSIGNAL);
			if (k < 0)
				err = errno;
		}
		free(c.data);
		if (k < 0) {
			if (i == 0)
				r.error = err;
			break; /* sendmmsg: the count sent so far */
		}
		r.val = mm ? (int64_t)i + 1 : k;
		unsigned got = (unsigned)k;
		if (mm && !poke(n->pid, at + offsetof(struct mmsghdr, msg_len), &got, sizeof got))
			break;
	}
	return r;
}

static Resp handle(Sup *s, const struct seccomp_notif *n)
{
	Resp r = { .error = ENOSYS };
	long nr = (long)n->data.nr;
	bool bind_ = nr == SYS_bind;
	if (s->fs && sup_fs_call(nr))
		return sup_fs_handle(s, n);
	if (nr != SYS_connect && nr != SYS_bind && nr != SYS_sendto && nr != SYS_sendmsg && nr != SYS_sendmmsg)
		return r;
	int err = 0;
	int dfd = sup_grab_fd(s, n, (int)(uint32_t)n->data.args[0], &err);
	if (dfd < 0) {
		r.error = err == ESRCH ? 0 : err;
		r.drop = err == ESRCH;
		return r;
	}
	unsigned which = classify(s, dfd, bind_, &err);
	if (which == ~0u) {
		r.error = err;
	} else if (which == 0) {
		/* Not ours to decide. The kernel re-reads the arguments, which is
		 * fine for a socket whose family and type the rules do not name;
		 * see docs/supervisor.md for the descriptor-swap limit. */
		r.error = 0;
		r.cont = true;
	} else if (nr == SYS_connect || nr == SYS_bind) {
		r = sys_connect_bind(s, n, dfd, which);
	} else if (which == SUP_CONNECT_UDP) {
		r = sys_send(s, n, dfd, which);
	} else {
		/* A send on a TCP socket: TCP ignores the destination (the filter
		 * refuses MSG_FASTOPEN before notifying, on the flags register),
		 * so the kernel may perform it as made. */
		r.error = 0;
		r.cont = true;
	}
	close(dfd);
	return r;
}

/* ---- the loop ---- */

static void respond(int lfd, uint64_t id, const Resp *r)
{
	struct seccomp_notif_resp resp;
	memset(&resp, 0, sizeof resp);
	resp.id = id;
	if (r->cont) {
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else {
		resp.error = r->error ? -r->error : 0;
		resp.val = r->error ? 0 : r->val;
	}
	/* ENOENT: the thread left the call (killed, or a signal restarted
	 * it): nothing to answer. */
	(void)ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static unsigned long read_unpriv_port(void)
{
	unsigned long v = 1024;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 1024;
		fclose(f);
	}
	return v;
}

static int exit_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st)) {
		/* As if the command had been exec'd in our place: die of it. */
		int sig = WTERMSIG(st);
		signal(sig, SIG_DFL);
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, sig);
		sigprocmask(SIG_UNBLOCK, &m, NULL);
		raise(sig);
		return 128 + sig;
	}
	return SBX_EXIT_CANNOT_ENFORCE;
}

/* Acting on the program's behalf must not lend it our capabilities (run
 * as root, CAP_DAC_OVERRIDE would open what the file's mode forbids it,
 * CAP_FOWNER chmod what it does not own): the supervisor keeps none in
 * effect. It needs none: pidfd_getfd and process_vm_readv on our own
 * child of the same user, whose capabilities are already dropped. */
static bool drop_effective_caps(void)
{
	struct { uint32_t version; int pid; } h = { 0x20080522, 0 }; /* _LINUX_CAPABILITY_VERSION_3 */
	struct { uint32_t eff, perm, inh; } d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	d[0].eff = d[1].eff = 0;
	return syscall(SYS_capset, &h, d) == 0;
}

int sup_serve(const LlArtifact *a, const LlSupFs *fs, int sock, pid_t child, const SupOpts *so)
{
	Sup s = { .a = a, .fs = fs, .lfd = -1, .log = so->log, .unpriv_port = read_unpriv_port() };
	int st = 0;
	/* Signals a terminal sends go to the whole group, the child included;
	 * the ones sent to us alone are passed on. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	sigset_t fw;
	sigemptyset(&fw);
	sigaddset(&fw, SIGTERM);
	sigaddset(&fw, SIGHUP);
	sigaddset(&fw, SIGUSR1);
	sigaddset(&fw, SIGUSR2);
	sigprocmask(SIG_BLOCK, &fw, NULL);
	int sfd = signalfd(-1, &fw, SFD_CLOEXEC);
	int pfd = (int)syscall(SYS_pidfd_open, child, 0);
	s.lfd = pfd >= 0 ? recv_fd(sock, pfd) : -1;
	close(sock);
	if (s.lfd < 0 || pfd < 0 || !drop_effective_caps() || syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &s.sz) < 0) {
		/* The child failed before its filter (it reported why) or we
		 * cannot serve: it must not run without us. */
		if (s.lfd >= 0)
			kill(child, SIGKILL);
		while (waitpid(child, &st, 0) < 0 && errno == EINTR)
			;
		if (s.lfd >= 0)
			fprintf(stderr, "%s: supervisor: cannot serve notifications: %s\n", so->prog, strerror(errno));
		return s.lfd >= 0 ? SBX_EXIT_CANNOT_ENFORCE : WIFEXITED(st) ? WEXITSTATUS(st) : SBX_EXIT_CANNOT_ENFORCE;
	}
	size_t nsz = s.sz.seccomp_notif > sizeof(struct seccomp_notif) ? s.sz.seccomp_notif : sizeof(struct seccomp_notif);
	/* The response is fixed-size in every kernel so far; refuse to guess. */
	if (s.sz.seccomp_notif_resp != sizeof(struct seccomp_notif_resp)) {
		fprintf(stderr, "%s: supervisor: the kernel's notification response is %u bytes, this build knows %zu\n",
			so->prog, (unsigned)s.sz.seccomp_notif_resp, sizeof(struct seccomp_notif_resp));
		kill(child, SIGKILL);
		while (waitpid(child, &st, 0) < 0 && errno == EINTR)
			;
		return SBX_EXIT_CANNOT_ENFORCE;
	}
	struct seccomp_notif *n = rt_alloc(nsz);
	bool listening = true;
	for (;;) {
		/* Once no process uses the filter (POLLHUP), only the child's exit matters. */
		struct pollfd p[3] = { { listening ? s.lfd : -1, POLLIN, 0 }, { pfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		int k = poll(p, sfd >= 0 ? 3 : 2, -1);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			kill(child, SIGKILL); /* cannot wait for notifications: fail closed */
			while (waitpid(child, &st, 0) < 0 && errno == EINTR)
				;
			break;
		}
		if (p[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
				kill(child, (int)si.ssi_signo);
		}
		if (listening && (p[0].revents & POLLIN)) {
			memset(n, 0, nsz);
			if (ioctl(s.lfd, SECCOMP_IOCTL_NOTIF_RECV, n) == 0) {
				Resp r = handle(&s, n);
				if (!r.drop)
					respond(s.lfd, n->id, &r);
			}
		} else if (p[0].revents & (POLLHUP | POLLERR)) {
			listening = false; /* no process uses the filter any more */
		}
		if (p[1].revents & POLLIN) {
			if (waitpid(child, &st, WNOHANG) == child)
				break;
		}
	}
	free(n);
	/* A connect thread still running answers on lfd: leave it open (the
	 * process ends right after). */
	if (atomic_load(&slow_running) == 0)
		close(s.lfd);
	close(pfd);
	if (sfd >= 0)
		close(sfd);
	if (s.log && s.log != stderr)
		fclose(s.log);
	return exit_status(st);
}

/* For the learning observer (learn.c), which hands its listener over the same way. */
int sup_recv_fd(int sock, int child_pidfd) { return recv_fd(sock, child_pidfd); }
int sup_exit_status(int st) { return exit_status(st); }
