/*
 * probe.c: what tests/supervisor/run.sh runs inside (and beside) the
 * sandbox. Each operation prints one line, "ok" or "err ENAME", and exits
 * 0 or 1, so the suite compares the kernel's answer with `sbxc explain`.
 *
 *   probe connect tcp|udp ADDR PORT      connect (v4, v6, v4-mapped)
 *   probe sendto ADDR PORT               UDP sendto with an address
 *   probe sendmsg ADDR PORT              UDP sendmsg with msg_name
 *   probe sendmmsg ADDR PORT             UDP sendmmsg, two messages
 *   probe bind tcp|udp ADDR PORT         bind
 *   probe tconnect ADDR PORT             TCP connect from a second thread, then
 *                                        sendmsg and sendto (with an address) on it
 *   probe race GOOD BAD PORT N           a thread flips the sockaddr between
 *                                        GOOD and BAD while connect runs N
 *                                        times; prints "wider K" (connections
 *                                        whose peer is BAD) and exits 1 if K>0
 *   probe udprace GOOD BAD PORT N        the same with sendto
 *   probe loop ADDR PORT N               N connects; prints mean microseconds
 *   probe tick ADDR PORT                 connect every 20 ms for ever, one line each
 *   probe pid                            prints "pid P ppid Q"
 *   probe killparent                     kill(getppid(), SIGKILL): must fail
 *   probe free PORT COUNT                (outside) exit 0 if PORT..PORT+COUNT-1 are free
 *   probe tcpserve ADDR PORT             (outside) accept and close, for ever
 *   probe stall ADDR PORT                (outside) listen, never accept: connects hang
 *                                        once the backlog is full
 *   probe udpcount ADDR PORT             (outside) print one line per datagram
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EINVAL: return "EINVAL";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EADDRINUSE: return "EADDRINUSE";
	case ENETUNREACH: return "ENETUNREACH";
	default: return strerror(e);
	}
}

static int report(int rc)
{
	if (rc < 0) {
		printf("err %s\n", ename(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}

/* ADDR: an IPv4 address, or an IPv6 one (v4-mapped included). */
static socklen_t addr_of(const char *s, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in = (void *)ss;
	struct sockaddr_in6 *in6 = (void *)ss;
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		return sizeof *in;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		return sizeof *in6;
	}
	fprintf(stderr, "probe: bad address %s\n", s);
	exit(2);
}

static int sock_for(const struct sockaddr_storage *ss, int type)
{
	int s = socket(ss->ss_family, type, 0);
	if (s < 0) {
		printf("err socket %s\n", ename(errno));
		exit(1);
	}
	return s;
}

typedef struct Flip {
	struct sockaddr_storage *target;
	struct sockaddr_storage good, bad;
	atomic_int stop;
} Flip;

/* Writes the two addresses alternately into the buffer the main thread
 * passes to the kernel (a torn write is one of the races we want). */
static void *flipper(void *arg)
{
	Flip *f = arg;
	while (!atomic_load(&f->stop)) {
		memcpy(f->target, &f->bad, sizeof f->bad);
		memcpy(f->target, &f->good, sizeof f->good);
	}
	return NULL;
}

static int race(const char *good, const char *bad, int port, long n, int type)
{
	static struct sockaddr_storage shared;
	Flip f = { .target = &shared };
	socklen_t len = addr_of(good, port, &f.good);
	addr_of(bad, port, &f.bad);
	memcpy(&shared, &f.good, sizeof shared);
	pthread_t t;
	pthread_create(&t, NULL, flipper, &f);
	long wider = 0, ok = 0, denied = 0, other = 0;
	for (long i = 0; i < n; i++) {
		int s = sock_for(&f.good, type);
		int rc = type == SOCK_STREAM ? connect(s, (struct sockaddr *)&shared, len)
					     : (int)sendto(s, "x", 1, 0, (struct sockaddr *)&shared, len);
		if (rc >= 0 && type == SOCK_STREAM) {
			struct sockaddr_storage peer;
			socklen_t pl = sizeof peer;
			getpeername(s, (struct sockaddr *)&peer, &pl);
			const struct sockaddr_in *p4 = (void *)&peer, *b4 = (void *)&f.bad;
			if (peer.ss_family == AF_INET && p4->sin_addr.s_addr == b4->sin_addr.s_addr)
				wider++;
			else
				ok++;
		} else if (rc >= 0) {
			ok++;
		} else if (errno == EACCES) {
			denied++;
		} else if (errno == ECONNREFUSED) {
			wider++; /* the kernel tried an address nothing listens on: it was not checked */
		} else {
			other++;
		}
		close(s);
	}
	atomic_store(&f.stop, 1);
	pthread_join(t, NULL);
	printf("wider %ld ok %ld denied %ld other %ld\n", wider, ok, denied, other);
	return wider > 0;
}

typedef struct TArg {
	struct sockaddr_storage ss;
	socklen_t len;
	int rc, err;
} TArg;

static void *tconnect(void *arg)
{
	TArg *t = arg;
	int s = sock_for(&t->ss, SOCK_STREAM);
	t->rc = connect(s, (struct sockaddr *)&t->ss, t->len);
	t->err = errno;
	if (t->rc == 0) {
		/* The server closes at once: EPIPE and ECONNRESET are its doing;
		 * only a refusal by the sandbox counts. */
		char b[] = "x";
		struct iovec iov = { b, 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
		if (sendmsg(s, &m, MSG_NOSIGNAL) < 0 && (errno == EACCES || errno == EPERM || errno == ENOSYS))
			t->rc = -1, t->err = errno;
		else if (sendto(s, b, 1, MSG_NOSIGNAL, (struct sockaddr *)&t->ss, t->len) < 0 &&
			 (errno == EACCES || errno == EPERM || errno == ENOSYS))
			t->rc = -1, t->err = errno;
	}
	close(s);
	return NULL;
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	const char *op = argv[1];
	struct sockaddr_storage ss;
	socklen_t len;
	if (!strcmp(op, "connect") && argc == 5) {
		len = addr_of(argv[3], atoi(argv[4]), &ss);
		int s = sock_for(&ss, !strcmp(argv[2], "udp") ? SOCK_DGRAM : SOCK_STREAM);
		return report(connect(s, (struct sockaddr *)&ss, len));
	}
	if (!strcmp(op, "bind") && argc == 5) {
		len = addr_of(argv[3], atoi(argv[4]), &ss);
		int s = sock_for(&ss, !strcmp(argv[2], "udp") ? SOCK_DGRAM : SOCK_STREAM);
		return report(bind(s, (struct sockaddr *)&ss, len));
	}
	if ((!strcmp(op, "sendto") || !strcmp(op, "sendmsg") || !strcmp(op, "sendmmsg")) && argc == 4) {
		len = addr_of(argv[2], atoi(argv[3]), &ss);
		int s = sock_for(&ss, SOCK_DGRAM);
		char data[] = "probe";
		struct iovec iov = { data, sizeof data - 1 };
		if (!strcmp(op, "sendto"))
			return report((int)sendto(s, data, sizeof data - 1, 0, (struct sockaddr *)&ss, len));
		struct msghdr m = { .msg_name = &ss, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1 };
		if (!strcmp(op, "sendmsg"))
			return report((int)sendmsg(s, &m, 0));
		struct mmsghdr mm[2] = { { m, 0 }, { m, 0 } };
		int k = sendmmsg(s, mm, 2, 0);
		if (k >= 0 && (k != 2 || mm[0].msg_len != 5 || mm[1].msg_len != 5)) {
			printf("err sendmmsg sent %d (%u, %u)\n", k, mm[0].msg_len, mm[1].msg_len);
			return 1;
		}
		return report(k);
	}
	if ((!strcmp(op, "race") || !strcmp(op, "udprace")) && argc == 6)
		return race(argv[2], argv[3], atoi(argv[4]), atol(argv[5]), op[0] == 'u' ? SOCK_DGRAM : SOCK_STREAM);
	if (!strcmp(op, "loop") && argc == 5) {
		len = addr_of(argv[2], atoi(argv[3]), &ss);
		long n = atol(argv[4]), bad = 0;
		double t0 = now_us();
		for (long i = 0; i < n; i++) {
			int s = sock_for(&ss, SOCK_STREAM);
			bad += connect(s, (struct sockaddr *)&ss, len) < 0;
			close(s);
		}
		printf("us %.1f failed %ld\n", (now_us() - t0) / (double)n, bad);
		return bad != 0;
	}
	if (!strcmp(op, "tconnect") && argc == 4) {
		TArg t = { .len = addr_of(argv[2], atoi(argv[3]), &t.ss) };
		pthread_t th;
		pthread_create(&th, NULL, tconnect, &t);
		pthread_join(th, NULL);
		errno = t.err;
		return report(t.rc);
	}
	if (!strcmp(op, "pid")) {
		printf("pid %d ppid %d\n", (int)getpid(), (int)getppid());
		return 0;
	}
	if (!strcmp(op, "killparent"))
		return report(kill(getppid(), SIGKILL));
	if (!strcmp(op, "tick") && argc == 4) {
		len = addr_of(argv[2], atoi(argv[3]), &ss);
		printf("pid %d\n", (int)getpid());
		for (;;) {
			int s = sock_for(&ss, SOCK_STREAM);
			report(connect(s, (struct sockaddr *)&ss, len));
			close(s);
			usleep(20000);
		}
	}
	if (!strcmp(op, "free") && argc == 4) {
		int lo = atoi(argv[2]), n = atoi(argv[3]);
		for (int p = lo; p < lo + n; p++)
			for (int t = 0; t < 2; t++) {
				len = addr_of("::", p, &ss);
				int s = socket(AF_INET6, t ? SOCK_DGRAM : SOCK_STREAM, 0);
				if (s < 0 || bind(s, (struct sockaddr *)&ss, len) < 0)
					return 1;
				close(s);
			}
		return 0;
	}
	if (!strcmp(op, "tcpserve") && argc == 4) {
		len = addr_of(argv[2], atoi(argv[3]), &ss);
		int s = sock_for(&ss, SOCK_STREAM), one = 1;
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(s, (struct sockaddr *)&ss, len) < 0 || listen(s, 512) < 0)
			return report(-1);
		printf("ready\n");
		for (;;) {
			int c = accept(s, NULL, NULL);
			if (c >= 0)
				close(c);
		}
	}
	if (!strcmp(op, "stall") && argc == 4) {
		len = addr_of(argv[2], atoi(argv[3]), &ss);
		int s = sock_for(&ss, SOCK_STREAM);
		if (bind(s, (struct sockaddr *)&ss, len) < 0 || listen(s, 0) < 0)
			return report(-1);
		printf("ready\n");
		for (;;)
			pause();
	}
	if (!strcmp(op, "udpcount") && argc == 4) {
		len = addr_of(argv[2], atoi(argv[3]), &ss);
		int s = sock_for(&ss, SOCK_DGRAM);
		if (bind(s, (struct sockaddr *)&ss, len) < 0)
			return report(-1);
		printf("ready\n");
		char b[2048];
		for (;;)
			if (recv(s, b, sizeof b, 0) >= 0)
				printf("got\n");
	}
	fprintf(stderr, "probe: bad arguments\n");
	return 2;
}
