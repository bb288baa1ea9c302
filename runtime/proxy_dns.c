/*
 * proxy_dns.c: name lookups off the proxy's event loop (proxy.h).
 *
 * getaddrinfo(3) blocks for as long as the system's resolver takes (five
 * seconds per unanswering server is common), and the loop is single
 * threaded: one slow name would stall every tunnel. So lookups go to a few
 * worker threads; each answer comes back as one fixed-size record written
 * to a pipe that the loop polls. A record is smaller than PIPE_BUF, so the
 * workers' writes never interleave.
 *
 * The pool lives as long as the process (the proxy is a process of its
 * own): a worker stuck in getaddrinfo when the loop ends is not waited
 * for. A record carries the caller's tag; the loop drops records whose
 * connection has gone (proxy.c keeps a generation per connection).
 */
#include "proxy.h"
#include "proxy_os.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { WORKERS = 4 };

typedef struct Job {
	uint64_t tag;
	char name[256];
} Job;

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	Job *q;         /* ring of cap jobs */
	int cap, head, n;
	const PxHosts *hosts;
	int wfd, rfd;
	bool started;
} D = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .wfd = -1, .rfd = -1 };

_Static_assert(sizeof(PxDnsAnswer) <= 512, "a record must be written at once (PIPE_BUF)");

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&D.mu);
		while (D.n == 0)
			pthread_cond_wait(&D.cv, &D.mu);
		Job j = D.q[D.head];
		D.head = (D.head + 1) % D.cap;
		D.n--;
		pthread_mutex_unlock(&D.mu);
		PxDnsAnswer a = { .tag = j.tag };
		a.n = px_resolve(D.hosts, j.name, a.addrs, PX_DNS_MAX);
		for (;;) {
			ssize_t w = write(D.wfd, &a, sizeof a);
			if (w == (ssize_t)sizeof a || (w < 0 && errno != EINTR))
				break; /* a full pipe blocks (the write end is blocking); EPIPE: the loop is gone */
		}
	}
	return NULL;
}

int px_dns_start(const PxHosts *hosts, int max_jobs)
{
	if (D.started)
		return D.rfd;
	int p[2];
	if (px_pipe(p, false) < 0)
		return -1;
	/* The loop reads without blocking; workers block when it lags. */
	int fl = fcntl(p[0], F_GETFL);
	if (fl < 0 || fcntl(p[0], F_SETFL, fl | O_NONBLOCK) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	D.q = rt_alloc(sizeof *D.q * (size_t)(max_jobs > 0 ? max_jobs : 1));
	D.cap = max_jobs > 0 ? max_jobs : 1;
	if (hosts) { /* its own copy: a worker may still read it after the loop's owner freed the original */
		PxHosts *h = rt_alloc(sizeof *h);
		for (int i = 0; i < hosts->n; i++) {
			struct PxHost *e = RT_PUSH(h->v, h->n, h->cap);
			*e = hosts->v[i];
			e->name = rt_strdup(hosts->v[i].name);
		}
		D.hosts = h;
	}
	D.rfd = p[0];
	D.wfd = p[1];
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 * 1024); /* getaddrinfo with NSS needs more than the minimum */
	int made = 0;
	for (int i = 0; i < WORKERS; i++) {
		pthread_t t;
		if (pthread_create(&t, &at, worker, NULL) == 0)
			made++;
	}
	pthread_attr_destroy(&at);
	if (made == 0) {
		close(p[0]);
		close(p[1]);
		free(D.q);
		D.q = NULL;
		D.rfd = D.wfd = -1;
		return -1;
	}
	D.started = true;
	return D.rfd;
}

bool px_dns_submit(uint64_t tag, const char *name)
{
	size_t len = strlen(name);
	if (!D.started || len >= sizeof D.q[0].name)
		return false;
	pthread_mutex_lock(&D.mu);
	bool ok = D.n < D.cap;
	if (ok) {
		Job *j = &D.q[(D.head + D.n) % D.cap];
		j->tag = tag;
		memcpy(j->name, name, len + 1);
		D.n++;
		pthread_cond_signal(&D.cv);
	}
	pthread_mutex_unlock(&D.mu);
	return ok;
}

bool px_dns_answer(PxDnsAnswer *a)
{
	for (;;) {
		ssize_t r = read(D.rfd, a, sizeof *a);
		if (r == (ssize_t)sizeof *a)
			return a->n >= 0 && a->n <= PX_DNS_MAX;
		if (r < 0 && errno == EINTR)
			continue;
		return false; /* EAGAIN: nothing yet; a short read cannot happen below PIPE_BUF */
	}
}
