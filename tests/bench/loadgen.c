/* loadgen.c — a Telnet load generator for `make bench`, loopback only.
 *
 *   loadgen attempts PORT PARALLEL SECONDS USER PASS
 *       one login attempt per connection (like the Mirai scanner), PARALLEL
 *       at once, for SECONDS; prints attempts and attempts/s.
 *   loadgen hold PORT COUNT prelogin|shell USER PASS
 *       opens COUNT connections at once, prints the time until all had their
 *       first bytes, takes them to the login prompt (or a logged-in shell),
 *       prints "ready", and holds them until stdin closes.
 *
 * It only ever connects to 127.0.0.1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum st { S_CONNECT, S_LOGIN, S_PASS, S_RESULT, S_HOLD, S_DONE };

struct conn {
	int fd;
	enum st st;
	char tail[96];
	size_t tlen;
	int got_first;
};

static int port;
static const char *user, *pass;
static int epfd;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_conn(struct conn *c)
{
	struct sockaddr_in a;
	struct epoll_event e;

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&a, sizeof a) && errno != EINPROGRESS) {
		close(c->fd);
		return -1;
	}
	c->st = S_LOGIN;
	e.events = EPOLLIN;
	e.data.ptr = c;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e);
}

static void say(struct conn *c, const char *s)
{
	char line[256];
	int n = snprintf(line, sizeof line, "%s\r\n", s);

	if (write(c->fd, line, (size_t)n) != n)
		c->st = S_DONE;
}

/* Feeds bytes; returns 1 when the attempt finished (result seen). */
static int step(struct conn *c, const char *p, size_t n, int hold_shell)
{
	size_t keep;

	if (n > sizeof c->tail - 1) {
		p += n - (sizeof c->tail - 1);
		n = sizeof c->tail - 1;
	}
	keep = sizeof c->tail - 1 - n;
	if (c->tlen > keep) {
		memmove(c->tail, c->tail + c->tlen - keep, keep);
		c->tlen = keep;
	}
	memcpy(c->tail + c->tlen, p, n);
	c->tlen += n;
	c->tail[c->tlen] = '\0';
	for (size_t i = 0; i < c->tlen; i++)
		if (!c->tail[i])
			c->tail[i] = ' ';
	switch (c->st) {
	case S_LOGIN:
		if (strstr(c->tail, "ogin: ") || strstr(c->tail, "ogin:")) {
			c->tlen = 0;
			if (!hold_shell && !pass) {
				c->st = S_HOLD;
				return 1;
			}
			say(c, user);
			c->st = S_PASS;
		}
		break;
	case S_PASS:
		if (strstr(c->tail, "assword")) {
			c->tlen = 0;
			say(c, pass);
			c->st = S_RESULT;
		}
		break;
	case S_RESULT:
		if (strstr(c->tail, "ncorrect") || strstr(c->tail, "# ") ||
		    strstr(c->tail, "$ ") || strstr(c->tail, "> ")) {
			c->st = hold_shell ? S_HOLD : S_DONE;
			return 1;
		}
		break;
	default:
		break;
	}
	return 0;
}

static void raise_limit(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r)) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static int attempts(int par, double secs)
{
	struct conn *cs = calloc((size_t)par, sizeof(*cs));
	struct epoll_event evs[256];
	double t0 = now(), end = t0 + secs;
	long done = 0, errors = 0;
	int i;

	for (i = 0; i < par; i++)
		if (open_conn(&cs[i]))
			errors++;
	while (now() < end) {
		int n = epoll_wait(epfd, evs, 256, 100);

		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			char b[4096];
			ssize_t r = read(c->fd, b, sizeof b);
			int fin = 0;

			if (r > 0)
				fin = step(c, b, (size_t)r, 0);
			if (fin)
				done++;
			if (fin || r == 0 || (r < 0 && errno != EAGAIN)) {
				if (!fin)
					errors++;
				epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
				close(c->fd);
				if (now() < end && open_conn(c))
					errors++;
			}
		}
	}
	printf("attempts %ld errors %ld seconds %.2f rate %.0f\n", done, errors,
	       now() - t0, (double)done / (now() - t0));
	return 0;
}

static int hold(int count, int shell)
{
	struct conn *cs = calloc((size_t)count, sizeof(*cs));
	struct epoll_event evs[256];
	double t0 = now(), first_all = 0;
	int i, firsts = 0, ready = 0;
	char b[4096];

	for (i = 0; i < count; i++)
		if (open_conn(&cs[i])) {
			fprintf(stderr, "connect %d failed: %s\n", i, strerror(errno));
			return 1;
		}
	while (ready < count && now() - t0 < 60) {
		int n = epoll_wait(epfd, evs, 256, 100);

		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			ssize_t r = read(c->fd, b, sizeof b);

			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				fprintf(stderr, "connection closed early\n");
				return 1;
			}
			if (!c->got_first) {
				c->got_first = 1;
				if (++firsts == count)
					first_all = now() - t0;
			}
			if (c->st != S_HOLD && step(c, b, (size_t)r, shell))
				ready++;
		}
	}
	printf("first_bytes_all %.3f\n", first_all);
	printf("ready %d\n", ready);
	fflush(stdout);
	while (read(0, b, sizeof b) > 0)
		;
	return ready == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: see the comment at the top of loadgen.c\n");
		return 2;
	}
	raise_limit();
	port = atoi(argv[2]);
	user = argv[5];
	pass = argv[6];
	epfd = epoll_create1(0);
	if (!strcmp(argv[1], "attempts"))
		return attempts(atoi(argv[3]), strtod(argv[4], NULL));
	if (!strcmp(argv[4], "prelogin"))
		pass = NULL;
	return hold(atoi(argv[3]), !strcmp(argv[4], "shell"));
}
