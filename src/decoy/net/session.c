/* session.c — connections, output queue with pauses, events (see session.h). */
#include "net/session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "daemon.h"
#include "hash.h"
#include "proto/proto.h"
#include "sys/sys.h"

static void sess_pump(struct session *s);

/* ---------- addresses ---------- */

static void addr_str(const struct sockaddr_storage *ss, char *ip, size_t n,
		     uint16_t *port)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;

		/* IPv4-mapped peers are logged as plain IPv4, as Cowrie does */
		if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
			inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], ip, (socklen_t)n);
		else
			inet_ntop(AF_INET6, &a->sin6_addr, ip, (socklen_t)n);
		*port = ntohs(a->sin6_port);
	} else {
		const struct sockaddr_in *a = (const void *)ss;

		inet_ntop(AF_INET, &a->sin_addr, ip, (socklen_t)n);
		*port = ntohs(a->sin_port);
	}
}

static unsigned count_from(struct daemon *d, const char *ip)
{
	struct session *s;
	unsigned n = 0;

	for (s = d->sessions; s; s = s->next)
		if (!s->closing && !strcmp(s->src_ip, ip))
			n++;
	return n;
}

/* ---------- events ---------- */

static void iso_time(int64_t us, char *out, size_t n)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	char base[32];

	gmtime_r(&t, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, n, "%s.%06ldZ", base, (long)(us % 1000000));
}

struct json *ev_begin(struct daemon *d, const char *eventid,
		      const char *session, const char *src_ip, unsigned src_port,
		      const char *dst_ip, unsigned dst_port, const char *proto)
{
	char ts[48];

	buf_reset(&d->evbuf);
	json_open(&d->ev, &d->evbuf);
	/* millisecond precision (printed with six digits as Cowrie does): the
	 * loop's timers are in ms and a network peer's timing is no finer, and
	 * the ten noise bits per event would cost the sealed log a third */
	iso_time(sys_wall_us() / 1000 * 1000, ts, sizeof ts);
	json_cstr(&d->ev, "eventid", eventid);
	json_cstr(&d->ev, "timestamp", ts);
	json_cstr(&d->ev, "session", session);
	json_cstr(&d->ev, "src_ip", src_ip);
	json_int(&d->ev, "src_port", src_port);
	json_cstr(&d->ev, "dst_ip", dst_ip);
	json_int(&d->ev, "dst_port", dst_port);
	json_cstr(&d->ev, "sensor", d->cfg.sensor);
	json_cstr(&d->ev, "protocol", proto);
	return &d->ev;
}

struct json *sess_ev(struct session *s, const char *eventid)
{
	return ev_begin(s->d, eventid, s->id, s->src_ip, s->src_port,
			 s->dst_ip, s->dst_port, s->eng->name);
}

void ev_commit(struct daemon *d)
{
	if (json_close(&d->ev)) {
		d->store.st.events_dropped++;
		return;
	}
	store_event(&d->store, d->evbuf.p, d->evbuf.len);
}

void sess_ev_end(struct session *s, struct json *j)
{
	(void)j;
	ev_commit(s->d);
}

void sess_capture(struct session *s, const char *destfile, const void *data,
		  size_t n, const char *reason)
{
	char hex[SHA256_HEX], outfile[384];
	bool dup = false;
	struct json *j;
	int rc;

	if (!n)
		return;
	if (n > CAP_FILE)
		n = CAP_FILE;
	rc = store_put_file(&s->d->store, data, n, hex, &dup);
	snprintf(outfile, sizeof outfile, "%s/files/%s", s->d->store.dir, hex);
	j = sess_ev(s, rc ? "tanuki.file.capture_failed" : "cowrie.session.file_download");
	json_cstr(j, "shasum", hex);
	json_cstr(j, "outfile", outfile);
	json_str(j, "destfile", destfile, strnlen(destfile, CAP_PATH));
	json_int(j, "size", (int64_t)n);
	json_cstr(j, "reason", reason);
	json_bool(j, "duplicate", dup);
	if (rc)
		json_cstr(j, "error", strerror(-rc));
	else
		json_cstr(j, "message", "Saved redir contents");
	sess_ev_end(s, j);
	if (!rc) {
		struct fetch_origin o;

		fetch_origin_of(&o, s);
		fetch_stage2(&s->d->fetch, &o, data, n, hex);
	}
}

/* ---------- output queue ----------
 * Writers only queue; the session sends once the engine is done with what
 * arrived (sess_pump at the end of every event), so a reply the engine makes
 * in several writes leaves in one segment: no Nagle/delayed-ACK stall. */

static struct seg *seg_at(struct session *s, unsigned i)
{
	return &s->segs[(s->shead + i) % SESS_MAX_SEGS];
}

static struct seg *seg_tail(struct session *s)
{
	return s->nsegs ? seg_at(s, s->nsegs - 1) : NULL;
}

static struct seg *seg_push(struct session *s, enum seg_kind k)
{
	struct seg *g;

	if (s->nsegs == SESS_MAX_SEGS)
		return NULL;
	g = seg_at(s, s->nsegs++);
	memset(g, 0, sizeof(*g));
	g->kind = (uint8_t)k;
	if (k == SEG_PAUSE)
		s->npauses++;
	return g;
}

static void seg_pop(struct session *s)
{
	if (seg_at(s, 0)->kind == SEG_PAUSE)
		s->npauses--;
	s->shead = (s->shead + 1) % SESS_MAX_SEGS;
	s->nsegs--;
}

/* Counts n more owned bytes (already in s->out) into the queue. */
static bool own_bytes(struct session *s, size_t n)
{
	struct seg *g = seg_tail(s);

	if (!g || g->kind != SEG_OWN)
		g = seg_push(s, SEG_OWN);
	if (!g)
		return false;
	g->n += n;
	return true;
}

/* '\n' → "\r\n", 0xff → 0xff 0xff, appended to b. Returns the source bytes
 * used; stops early when b would pass `limit`. */
static size_t term_convert(struct buf *b, const uint8_t *q, size_t n, size_t limit)
{
	const uint8_t *p = q, *end = q + n;

	while (p < end && b->len + 2 <= limit) {
		const uint8_t *r = p;
		size_t room = limit - b->len;

		while (r < end && *r != '\n' && *r != 0xff && (size_t)(r - p) < room)
			r++;
		if (r > p) {
			if (buf_add(b, p, (size_t)(r - p)))
				break;
			p = r;
			continue;
		}
		if (buf_add(b, *p == '\n' ? "\r\n" : "\xff\xff", 2))
			break;
		p++;
	}
	return (size_t)(p - q);
}

void sess_write(struct session *s, const void *p, size_t n)
{
	if (s->closing || !n)
		return;
	if (buf_add(&s->out, p, n) || !own_bytes(s, n)) {
		/* a peer that does not read: drop it rather than grow */
		sess_close(s, true);
		return;
	}
}

void sess_term(struct session *s, const void *p, size_t n)
{
	size_t before = s->out.len;

	if (s->closing || !n)
		return;
	if (term_convert(&s->out, p, n, s->out.max) != n ||
	    !own_bytes(s, s->out.len - before)) {
		sess_close(s, true);
		return;
	}
}

void sess_term_ref(struct session *s, const void *p, size_t n)
{
	struct seg *g;

	if (s->closing || !n)
		return;
	g = seg_push(s, SEG_REF);
	if (!g) {
		sess_term(s, p, n); /* queue full: copy instead */
		return;
	}
	g->p = p;
	g->n = n;
	g->term = true;
}

void sess_pause(struct session *s, unsigned ms)
{
	struct seg *g;

	if (s->closing || !ms)
		return;
	if (ms > CAP_SLEEP_MS)
		ms = CAP_SLEEP_MS;
	g = seg_tail(s);
	if (g && g->kind == SEG_PAUSE) {
		g->ms = g->ms + ms > CAP_SLEEP_MS ? CAP_SLEEP_MS : g->ms + ms;
		return; /* back-to-back pauses add up */
	}
	g = seg_push(s, SEG_PAUSE);
	if (!g)
		return; /* more than that in one burst: keep the bytes, drop the wait */
	g->ms = ms;
}

bool sess_paused(const struct session *s)
{
	return s->npauses > 0;
}

static bool queue_empty(const struct session *s)
{
	return !s->nsegs && !s->stage.len;
}

void sess_close(struct session *s, bool now)
{
	if (s->closing)
		return;
	if (!now && !queue_empty(s)) {
		s->close_when_flushed = true;
		return;
	}
	s->closing = true;
	ev_io_set(&s->d->loop, &s->io, 0);
	ev_timer_stop(&s->d->loop, &s->t_idle);
	ev_timer_stop(&s->d->loop, &s->t_total);
	ev_timer_stop(&s->d->loop, &s->t_pause);
	ev_timer_stop(&s->d->loop, &s->t_eng);
	s->d->reap_pending = true;
}

/* The bytes that may leave now: the stage, or the head OWN segment (after
 * converting the next piece of a head REF into the stage). NULL when the
 * queue is empty or waits on a pause. */
static const uint8_t *next_bytes(struct session *s, size_t *n)
{
	for (;;) {
		struct seg *g;

		if (s->stage.len) {
			*n = s->stage.len;
			return (const uint8_t *)s->stage.p;
		}
		if (!s->nsegs)
			break;
		g = seg_at(s, 0);
		if (g->kind == SEG_OWN && g->n) {
			*n = g->n;
			return (const uint8_t *)s->out.p;
		}
		if (g->kind == SEG_REF && g->n) {
			size_t used = term_convert(&s->stage, g->p, g->n, 4096);

			if (!used)
				break; /* out of memory: try again on the next event */
			g->p += used;
			g->n -= used;
			continue;
		}
		if (g->kind == SEG_PAUSE)
			break;
		seg_pop(s); /* an emptied OWN or REF */
	}
	*n = 0;
	return NULL;
}

static void sent(struct session *s, size_t n)
{
	if (s->stage.len) {
		buf_consume(&s->stage, n);
		return;
	}
	buf_consume(&s->out, n);
	seg_at(s, 0)->n -= n;
}

static bool sendable(struct session *s)
{
	size_t n;

	return next_bytes(s, &n) != NULL;
}

static void update_interest(struct session *s)
{
	unsigned ev = 0;

	if (s->closing)
		return;
	if (!s->reading_stopped && !s->peer_eof)
		ev |= EV_READ;
	if (sendable(s))
		ev |= EV_WRITE;
	if (s->tp ? s->tp->interest(s->tpctx, ev) : ev_io_set(&s->d->loop, &s->io, ev))
		sess_close(s, true);
}

static void feed_engine(struct session *s)
{
	while (s->in.len && !s->closing && !sess_paused(s)) {
		int used = s->eng->feed(s, (const uint8_t *)s->in.p, s->in.len);

		if (used < 0) {
			sess_close(s, false);
			return;
		}
		if (used == 0)
			break;
		buf_consume(&s->in, (size_t)used);
	}
	if (s->reading_stopped && s->in.len < CAP_INBUF / 2)
		s->reading_stopped = false;
}

static void sess_pump(struct session *s)
{
	for (;;) {
		const uint8_t *p;
		size_t n;
		ssize_t w;

		if (s->closing)
			return;
		p = next_bytes(s, &n);
		if (p) {
			w = s->tp ? s->tp->send(s->tpctx, p, n)
				  : send(s->io.fd, p, n, MSG_NOSIGNAL);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break; /* socket full: wait for EV_WRITE */
				sess_close(s, true);
				return;
			}
			s->bytes_out += (size_t)w;
			sent(s, (size_t)w);
			continue;
		}
		if (s->nsegs && seg_at(s, 0)->kind == SEG_PAUSE &&
		    !ev_timer_armed(&s->t_pause) &&
		    ev_timer_in(&s->d->loop, &s->t_pause, seg_at(s, 0)->ms)) {
			seg_pop(s); /* no timer slot: skip the wait rather than stall */
			continue;
		}
		break;
	}
	if (queue_empty(s)) {
		buf_free(&s->stage);
		if (s->close_when_flushed) {
			sess_close(s, true);
			return;
		}
	}
	update_interest(s);
}

void sess_flush(struct session *s)
{
	sess_pump(s);
}

static void on_pause_done(struct ev_loop *l, struct ev_timer *t)
{
	struct session *s = container_of(t, struct session, t_pause);

	(void)l;
	if (s->nsegs && seg_at(s, 0)->kind == SEG_PAUSE)
		seg_pop(s);
	sess_pump(s);
	feed_engine(s);
	sess_pump(s);
}

/* ---------- timers and socket events ---------- */

static void on_idle(struct ev_loop *l, struct ev_timer *t)
{
	struct session *s = container_of(t, struct session, t_idle);

	(void)l;
	sess_close(s, true);
}

static void on_eng_timer(struct ev_loop *l, struct ev_timer *t)
{
	struct session *s = container_of(t, struct session, t_eng);

	(void)l;
	if (s->closing || !s->eng->timer)
		return;
	s->eng->timer(s);
	sess_pump(s);
}

void sess_timer(struct session *s, unsigned ms)
{
	if (s->closing)
		return;
	if (!ms)
		ev_timer_stop(&s->d->loop, &s->t_eng);
	else if (ev_timer_in(&s->d->loop, &s->t_eng, ms) && s->eng->timer)
		s->eng->timer(s); /* no timer slot: act now rather than never */
}

static void on_total(struct ev_loop *l, struct ev_timer *t)
{
	struct session *s = container_of(t, struct session, t_total);

	(void)l;
	sess_close(s, true);
}

static void on_io(struct ev_loop *l, struct ev_io *io, unsigned rev)
{
	struct session *s = container_of(io, struct session, io);
	char chunk[4096];

	if (rev & EV_WRITE)
		sess_pump(s);
	if (!(rev & EV_READ) || s->closing || s->reading_stopped || s->peer_eof)
		return;
	for (;;) {
		size_t room = CAP_INBUF - s->in.len;
		ssize_t r;

		if (!room) {
			s->reading_stopped = true; /* TCP pushes back now */
			break;
		}
		r = s->tp ? s->tp->recv(s->tpctx, chunk, room < sizeof chunk ? room : sizeof chunk)
			  : recv(io->fd, chunk, room < sizeof chunk ? room : sizeof chunk, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				sess_close(s, true);
			break;
		}
		if (r == 0) {
			/* peer closed: run what arrived, let an engine with an
			 * eof hook act on a partial request and answer a
			 * half-closed peer, then end */
			s->peer_eof = true;
			feed_engine(s);
			if (s->eng->eof && !s->closing)
				s->eng->eof(s);
			sess_close(s, !s->eng->eof);
			sess_pump(s);
			return;
		}
		s->bytes_in += (size_t)r;
		if (buf_add(&s->in, chunk, (size_t)r)) {
			sess_close(s, true);
			return;
		}
		if ((size_t)r < sizeof chunk)
			break;
	}
	ev_timer_in(l, &s->t_idle, s->d->cfg.idle_ms);
	feed_engine(s);
	sess_pump(s);
}

/* ---------- life cycle ---------- */

/* Session ids derive from the open segment's key (itself from the unit
 * seed and the segment name) and a counter: unpredictable from outside,
 * and a sealed segment regenerates them instead of storing 6 random bytes
 * per session (docs/store.md). */
static void make_id(struct daemon *d, char id[13])
{
	store_session_id(&d->store, id);
}

static void log_refused(struct daemon *d, const char *ip, unsigned port,
			const struct listener *l, const char *why)
{
	uint64_t sec = sys_mono_ms() / 1000;
	struct json *j;

	d->refused++;
	if (sec != d->refused_logged_sec) {
		d->refused_logged_sec = sec;
		d->refused_logged = 0;
	}
	/* a flood must not become a flood of log lines */
	if (d->refused_logged++ >= 10)
		return;
	j = ev_begin(d, "tanuki.session.refused", "", ip, port, l->cfg->bind,
		     l->cfg->port, proto_name(l->cfg->proto));
	json_cstr(j, "reason", why);
	json_int(j, "refused_total", (int64_t)d->refused);
	ev_commit(d);
}

static struct session *sess_start(struct daemon *d, struct listener *l, int fd,
				  const struct sess_transport *tp, void *ctx,
				  const struct sockaddr_storage *peer,
				  const struct sockaddr_storage *lcl)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof local;
	struct session *s;
	char ip[46];
	uint16_t port;
	struct json *j;

	addr_str(peer, ip, sizeof ip, &port);
	if (count_from(d, ip) >= d->cfg.max_per_src) {
		log_refused(d, ip, port, l, "per_source_cap");
		if (!tp)
			close(fd);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		log_refused(d, ip, port, l, "out_of_memory");
		if (!tp)
			close(fd);
		return NULL;
	}
	s->d = d;
	s->lst = l;
	s->persona = l->persona;
	s->eng = proto_engine(l->cfg->proto);
	s->io.fd = fd;
	s->io.cb = on_io;
	s->tp = tp;
	s->tpctx = ctx;
	s->t_idle.cb = on_idle;
	s->t_total.cb = on_total;
	s->t_pause.cb = on_pause_done;
	s->t_eng.cb = on_eng_timer;
	buf_init(&s->in, CAP_INBUF);
	buf_init(&s->out, CAP_OUTBUF);
	buf_init(&s->stage, 16384);
	s->peer = *peer;
	memcpy(s->src_ip, ip, sizeof ip);
	s->src_port = port;
	if (lcl)
		addr_str(lcl, s->dst_ip, sizeof s->dst_ip, &s->dst_port);
	else if (!getsockname(fd, (struct sockaddr *)&local, &llen))
		addr_str(&local, s->dst_ip, sizeof s->dst_ip, &s->dst_port);
	else
		s->dst_port = l->cfg->port;
	s->start_us = sys_wall_us() / 1000 * 1000;
	make_id(d, s->id);
	s->next = d->sessions;
	if (d->sessions)
		d->sessions->prev = s;
	d->sessions = s;
	d->nsessions++;

	if (ev_timer_in(&d->loop, &s->t_idle, d->cfg.idle_ms) ||
	    ev_timer_in(&d->loop, &s->t_total, d->cfg.session_ms) ||
	    (tp ? tp->interest(ctx, EV_READ) : ev_io_set(&d->loop, &s->io, EV_READ))) {
		sess_close(s, true);
		return s;
	}
	j = sess_ev(s, "cowrie.session.connect");
	json_cstr(j, "message", "New connection");
	sess_ev_end(s, j);
	if (s->eng->start(s) < 0)
		sess_close(s, false);
	sess_pump(s);
	return s;
}

void sess_accept(struct daemon *d, struct listener *l, int fd,
		 const struct sockaddr_storage *peer)
{
	sess_start(d, l, fd, NULL, NULL, peer, NULL);
}

struct session *sess_accept_tp(struct daemon *d, struct listener *l,
			       const struct sess_transport *tp, void *ctx,
			       const struct sockaddr_storage *peer,
			       const struct sockaddr_storage *local)
{
	return sess_start(d, l, -1, tp, ctx, peer, local);
}

void sess_io(struct session *s, unsigned revents)
{
	on_io(&s->d->loop, &s->io, revents);
}

static void sess_free(struct session *s)
{
	struct daemon *d = s->d;
	struct json *j;
	int64_t dur = sys_wall_us() / 1000 * 1000 - s->start_us;
	char dstr[32];

	if (s->eng->end)
		s->eng->end(s);
	j = sess_ev(s, "cowrie.session.closed");
	snprintf(dstr, sizeof dstr, "%lld.%01lld", (long long)(dur / 1000000),
		 (long long)(dur % 1000000 / 100000));
	json_cstr(j, "duration", dstr);
	json_int(j, "bytes_in", (int64_t)s->bytes_in);
	json_int(j, "bytes_out", (int64_t)s->bytes_out);
	sess_ev_end(s, j);
	ev_io_set(&d->loop, &s->io, 0);
	ev_timer_stop(&d->loop, &s->t_idle);
	ev_timer_stop(&d->loop, &s->t_total);
	ev_timer_stop(&d->loop, &s->t_pause);
	ev_timer_stop(&d->loop, &s->t_eng);
	if (s->tp)
		s->tp->close(s->tpctx);
	else
		close(s->io.fd);
	if (s->prev)
		s->prev->next = s->next;
	else
		d->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	d->nsessions--;
	buf_free(&s->in);
	buf_free(&s->out);
	buf_free(&s->stage);
	free(s);
	daemon_session_gone(d);
}

void sess_reap(struct daemon *d)
{
	struct session *s, *n;

	if (!d->reap_pending)
		return;
	d->reap_pending = false;
	for (s = d->sessions; s; s = n) {
		n = s->next;
		if (s->closing)
			sess_free(s);
	}
}

void sess_close_all(struct daemon *d)
{
	struct session *s;

	for (s = d->sessions; s; s = s->next)
		sess_close(s, true);
	sess_reap(d);
}
