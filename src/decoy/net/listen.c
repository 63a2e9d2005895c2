/* listen.c — listening sockets: accept in bursts, pause at the caps (see net.h). */
#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "net/session.h"

static void listen_pause(struct net *n, struct listener *l, unsigned ms)
{
	ev_io_set(n->loop, &l->io, 0);
	l->paused = true;
	if (ms)
		ev_timer_in(n->loop, &l->t_resume, ms);
}

static void listen_resume(struct net *n, struct listener *l)
{
	if (!l->paused)
		return;
	if (!ev_io_set(n->loop, &l->io, EV_READ))
		l->paused = false;
}

void net_session_gone(struct net *n)
{
	size_t i;

	if (n->nsessions - n->nclosing >= n->o.max_sessions)
		return;
	for (i = 0; i < n->nlisteners; i++)
		if (n->listeners[i].paused && !ev_timer_armed(&n->listeners[i].t_resume))
			listen_resume(n, &n->listeners[i]);
}

static void on_resume(struct ev_loop *loop, struct ev_timer *t)
{
	struct listener *l = container_of(t, struct listener, t_resume);

	(void)loop;
	if (l->net->nsessions < l->net->o.max_sessions)
		listen_resume(l->net, l);
}

static void on_accept(struct ev_loop *loop, struct ev_io *io, unsigned rev)
{
	struct listener *l = container_of(io, struct listener, io);
	struct net *n = l->net;
	int budget = 64; /* accept in bursts, then let sessions run */

	(void)loop;
	(void)rev;
	while (budget-- > 0) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof peer;
		int fd;

		if (n->nsessions - n->nclosing >= n->o.max_sessions && !sess_evict(n)) {
			/* the table is full of logged-in sessions, one per
			 * source: leave new peers in the kernel's backlog
			 * until a session ends */
			listen_pause(n, l, 0);
			return;
		}
		fd = accept4(io->fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				listen_pause(n, l, 1000);
			return;
		}
		sess_accept(n, l, fd, &peer);
	}
}

static int open_listener(struct net *n, struct listener *l, char *err, size_t errlen)
{
	const struct cfg_listener *c = l->cfg;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, c->bind, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(c->port);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		inet_pton(AF_INET6, c->bind, &a->sin6_addr);
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(c->port);
		len = sizeof(*a);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 1024))
		goto fail;
	l->io.fd = fd;
	l->io.cb = on_accept;
	l->t_resume.cb = on_resume;
	return ev_io_set(n->loop, &l->io, EV_READ);
fail:
	snprintf(err, errlen, "%s:%d: cannot listen on %s port %u: %s", n->o.cfgpath, c->line,
		 c->bind, c->port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Between two callbacks of the loop (ev_set_between): every listener
 * accepts what waits, so a new peer is served within one session's slice
 * of work however many sessions have work queued. */
static void accept_between(void *ctx)
{
	struct net *n = ctx;
	size_t i;

	for (i = 0; i < n->nlisteners; i++)
		if (!n->listeners[i].paused && n->listeners[i].io.fd >= 0)
			on_accept(n->loop, &n->listeners[i].io, EV_READ);
}

void net_init(struct net *n, struct ev_loop *loop, struct store *store, struct evlog *log,
	      struct fetcher *fetch, const struct net_opts *o)
{
	memset(n, 0, sizeof(*n));
	n->loop = loop;
	n->store = store;
	n->log = log;
	n->fetch = fetch;
	n->o = *o;
	acct_init(&n->mem, o->mem_total ? o->mem_total : CAP_MEM_TOTAL, NULL);
	if (!n->o.mem_session)
		n->o.mem_session = CAP_MEM_SESSION;
	ev_set_between(loop, accept_between, n, NET_ACCEPT_EVERY_MS);
}

int net_listen(struct net *n, const struct cfg_listener *c, const struct persona *p,
	       const struct engine *eng, char *err, size_t errlen)
{
	struct listener *l;

	if (n->nlisteners >= CAP_LISTENERS) {
		snprintf(err, errlen, "%s:%d: too many listeners", n->o.cfgpath, c->line);
		return -1;
	}
	l = &n->listeners[n->nlisteners];
	l->net = n;
	l->cfg = c;
	l->persona = p;
	l->eng = eng;
	if (open_listener(n, l, err, errlen))
		return -1;
	n->nlisteners++;
	return 0;
}

void net_done(struct net *n)
{
	size_t i;

	for (i = 0; i < n->nlisteners; i++) {
		ev_io_set(n->loop, &n->listeners[i].io, 0);
		close(n->listeners[i].io.fd);
	}
	n->nlisteners = 0;
}
