/* daemon.c — listeners, the store tick, start and stop. */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/session.h"
#include "net/wan.h"
#include "options.h"
#include "proto/doorsh.h"
#include "sys/sys.h"

/* Timers: four per session, one per listener, the store tick, three per
 * fetch (total, TFTP step, DNS try), three for the uplink (next, deadline,
 * DNS try), and the WAN side's (net/wan.h). */
#define MAX_TIMERS(d) ((size_t)(d)->cfg.max_sessions * 4 + CAP_LISTENERS + 8 + \
		       CAP_FETCH_INFLIGHT * 3 + 3 + WAN_TIMERS)

static void listen_pause(struct daemon *d, struct listener *l, unsigned ms)
{
	ev_io_set(&d->loop, &l->io, 0);
	l->paused = true;
	if (ms)
		ev_timer_in(&d->loop, &l->t_resume, ms);
}

static void listen_resume(struct daemon *d, struct listener *l)
{
	if (!l->paused)
		return;
	if (!ev_io_set(&d->loop, &l->io, EV_READ))
		l->paused = false;
}

void daemon_session_gone(struct daemon *d)
{
	size_t i;

	if (d->nsessions >= d->cfg.max_sessions)
		return;
	for (i = 0; i < d->nlisteners; i++)
		if (d->listeners[i].paused && !ev_timer_armed(&d->listeners[i].t_resume))
			listen_resume(d, &d->listeners[i]);
}

static void on_resume(struct ev_loop *loop, struct ev_timer *t)
{
	struct listener *l = container_of(t, struct listener, t_resume);

	(void)loop;
	if (l->d->nsessions < l->d->cfg.max_sessions)
		listen_resume(l->d, l);
}

static void on_accept(struct ev_loop *loop, struct ev_io *io, unsigned rev)
{
	struct listener *l = container_of(io, struct listener, io);
	struct daemon *d = l->d;
	int budget = 64; /* accept in bursts, then let sessions run */

	(void)loop;
	(void)rev;
	while (budget-- > 0) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof peer;
		int fd;

		if (d->nsessions >= d->cfg.max_sessions) {
			/* the table is full: leave new peers in the kernel's
			 * backlog until a session ends */
			listen_pause(d, l, 0);
			return;
		}
		fd = accept4(io->fd, (struct sockaddr *)&peer, &plen,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				listen_pause(d, l, 1000);
			return;
		}
		sess_accept(d, l, fd, &peer);
	}
}

static int open_listener(struct daemon *d, struct listener *l, char *err,
			 size_t errlen)
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
	return ev_io_set(&d->loop, &l->io, EV_READ);
fail:
	snprintf(err, errlen, "%s:%d: cannot listen on %s port %u: %s",
		 d->cfg.path, c->line, c->bind, c->port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static const struct persona *get_persona(struct daemon *d, const char *name,
					 char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < d->npersonas; i++)
		if (!strcmp(d->personas[i]->name, name))
			return d->personas[i];
	if (d->npersonas >= sizeof d->personas / sizeof *d->personas) {
		snprintf(err, errlen, "%s:0: too many personas", d->cfg.path);
		return NULL;
	}
	d->personas[d->npersonas] = persona_load(d->cfg.personas, name, &d->unit, err, errlen);
	if (!d->personas[d->npersonas])
		return NULL;
	return d->personas[d->npersonas++];
}

static unsigned tick_ms(const struct daemon *d)
{
	return d->cfg.sync_ms < STORE_FLUSH_MS ? d->cfg.sync_ms : STORE_FLUSH_MS;
}

/* The store evicted something to stay in its bounds: say so in the log. */
static void on_store_note(void *arg, const struct store_note *n)
{
	struct daemon *d = arg;
	struct json *j = ev_begin(d, "tanuki.store.evicted", "", "", 0, "", 0, "");

	json_cstr(j, "kind", n->kind);
	json_cstr(j, "name", n->name);
	json_int(j, "bytes", (int64_t)n->bytes);
	json_bool(j, "delivered", n->delivered);
	json_cstr(j, "reason", n->reason);
	ev_commit(d);
}

static void on_tick(struct ev_loop *loop, struct ev_timer *t)
{
	struct daemon *d = container_of(t, struct daemon, t_tick);

	d->store.sessions = (unsigned)d->nsessions;
	store_tick(&d->store, false);
	store_drain_notes(&d->store);
	ev_timer_in(loop, t, tick_ms(d));
}

static void on_signal(struct ev_loop *loop, int sig)
{
	(void)sig;
	ev_stop(loop);
}

static void raise_fd_limit(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

int daemon_init(struct daemon *d, const struct config *cfg, char *err,
		size_t errlen)
{
	struct store_opts so;
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	memset(&so, 0, sizeof so);
	d->cfg = *cfg;
	buf_init(&d->evbuf, CAP_EVENT);
	raise_fd_limit();
	if ((rc = ev_init(&d->loop, MAX_TIMERS(d)))) {
		snprintf(err, errlen, "%s:0: event loop: %s", cfg->path, strerror(-rc));
		return -1;
	}
	so.sync_ms = d->cfg.sync_ms;
	so.quota = (uint64_t)d->cfg.quota_kb * 1024;
	so.reserve = (uint64_t)d->cfg.reserve_kb * 1024;
	so.segment_max = (size_t)d->cfg.segment_kb * 1024;
	so.seal_age_ms = d->cfg.seal_age_s * 1000u;
	d->store.note = NULL;
	if ((rc = store_open(&d->store, d->cfg.store, &so)) ||
	    (rc = store_unit(&d->store, &d->unit))) {
		snprintf(err, errlen, "%s:0: store %s: %s", cfg->path, d->cfg.store,
			 strerror(-rc));
		return -1;
	}
	d->store.note = on_store_note;
	d->store.note_arg = d;
	fetch_init(&d->fetch, d, &d->cfg.fetch);
	if (uplink_init(&d->up, d, &d->cfg.uplink, err, errlen))
		return -1;
	for (i = 0; i < d->cfg.nlisteners; i++) {
		struct listener *l = &d->listeners[d->nlisteners];
		const struct cfg_listener *c = &d->cfg.listeners[i];

		l->d = d;
		l->cfg = c;
		l->persona = get_persona(d, c->persona[0] ? c->persona : d->cfg.persona,
					 err, errlen);
		if (!l->persona)
			return -1;
		if (open_listener(d, l, err, errlen))
			return -1;
		d->nlisteners++;
	}
	if (wan_init(d, err, errlen))
		return -1;
	if (ev_signals(&d->loop, on_signal)) {
		snprintf(err, errlen, "%s:0: signals: %s", cfg->path, strerror(errno));
		return -1;
	}
	d->t_tick.cb = on_tick;
	ev_timer_in(&d->loop, &d->t_tick, tick_ms(d));
	return 0;
}

static void idle(struct ev_loop *loop)
{
	struct daemon *d = container_of(loop, struct daemon, loop);

	sess_reap(d);
	fetch_reap(&d->fetch);
}

int daemon_run(struct daemon *d)
{
	struct json *j;
	int rc;

	j = ev_begin(d, "tanuki.daemon.start", "", "", 0, "", 0, "");
	json_cstr(j, "version", TANUKI_VERSION);
	json_int(j, "listeners", (int64_t)d->nlisteners);
	ev_commit(d);
	rc = ev_run(&d->loop, idle);
	uplink_stop(&d->up);
	sess_close_all(d);
	fetch_shutdown(&d->fetch);
	j = ev_begin(d, "tanuki.daemon.stop", "", "", 0, "", 0, "");
	json_int(j, "refused", (int64_t)d->refused);
	json_int(j, "events_dropped", (int64_t)d->store.st.events_dropped);
	json_int(j, "files_failed", (int64_t)d->store.st.files_failed);
	ev_commit(d);
	store_drain_notes(&d->store);
	store_tick(&d->store, true);
	/* evictions of that last write are logged too */
	if (d->store.nnotes) {
		store_drain_notes(&d->store);
		store_tick(&d->store, true);
	}
	return rc;
}

void daemon_done(struct daemon *d)
{
	size_t i;

	sess_close_all(d);
	fetch_shutdown(&d->fetch);
	wan_done(d);
	for (i = 0; i < d->nlisteners; i++) {
		ev_io_set(&d->loop, &d->listeners[i].io, 0);
		close(d->listeners[i].io.fd);
	}
	uplink_done(&d->up);
	doorsh_clear(); /* door shells parked between HTTP connections */
	store_close(&d->store);
	for (i = 0; i < d->npersonas; i++)
		persona_free(d->personas[i]);
	ev_done(&d->loop);
	buf_free(&d->evbuf);
}
