/* session.c — connections, output queue with pauses, events (see session.h). */
#include "net/session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "evlog/evlog.h"
#include "fetch/fetch.h"
#include "net/net.h"
#include "net/tty.h"
#include "hash.h"
#include "persona/persona.h"
#include "store/store.h"
#include "sys/sys.h"

static void sess_pump(struct session *s);

/* ---------- addresses ---------- */

static void addr_str(const struct sockaddr_storage *ss, char *ip, size_t n, uint16_t *port)
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

struct acct *sess_mem(struct session *s)
{
	return &s->shmem;
}

void sess_logged_in(struct session *s)
{
	s->logged_in = true;
	ev_timer_stop(s->net->loop, &s->t_login);
}

/* ---------- events ---------- */

struct json *sess_ev(struct session *s, const char *eventid)
{
	return evlog_begin(s->net->log, eventid, s->id, s->src_ip, s->src_port, s->dst_ip,
			   s->dst_port, s->eng->name);
}

void sess_ev_end(struct session *s, struct json *j)
{
	(void)j;
	evlog_commit(s->net->log);
}

void sess_origin(const struct session *s, struct fetch_origin *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->session, sizeof o->session, "%s", s->id);
	memcpy(o->src_ip, s->src_ip, sizeof o->src_ip);
	memcpy(o->dst_ip, s->dst_ip, sizeof o->dst_ip);
	o->src_port = s->src_port;
	o->dst_port = s->dst_port;
	snprintf(o->proto, sizeof o->proto, "%s", s->eng->name);
}

struct fetcher *sess_fetcher(const struct session *s)
{
	return s->net->fetch;
}

void sess_capture(struct session *s, const char *destfile, const void *data, size_t n,
		  const char *reason)
{
	char hex[SHA256_HEX], outfile[384];
	bool dup = false;
	struct json *j;
	int rc;

	if (!n)
		return;
	if (n > CAP_FILE)
		n = CAP_FILE;
	rc = store_put_file(s->net->store, data, n, hex, &dup);
	store_file_path(s->net->store->dir, hex, outfile, sizeof outfile);
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

		sess_origin(s, &o);
		fetch_stage2(sess_fetcher(s), &o, data, n, hex);
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

unsigned sess_term_col(const struct session *s)
{
	return s->col;
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
	s->col = tty_raw_col(s->col, p, n);
}

void sess_term(struct session *s, const void *p, size_t n)
{
	size_t before = s->out.len;

	if (s->closing || !n)
		return;
	if (tty_convert(&s->out, &s->col, p, n, s->out.max) != n ||
	    !own_bytes(s, s->out.len - before)) {
		sess_close(s, true);
		return;
	}
}

void sess_term_cut(struct session *s, const void *p, size_t n)
{
	size_t before = s->out.len;

	if (s->closing || !n)
		return;
	/* room is kept for what follows the command: the prompt, echoes */
	if (s->out.max > CAP_LINE * 2)
		(void)tty_convert(&s->out, &s->col, p, n, s->out.max - CAP_LINE * 2);
	if (!own_bytes(s, s->out.len - before))
		sess_close(s, true);
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
	g->col = s->col; /* converted as it leaves, from this column */
	s->col = tty_col_after(s->col, p, n);
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

void sess_cancel_pause(struct session *s)
{
	unsigned i, keep = 0;
	size_t drop = 0;

	while (keep < s->nsegs && seg_at(s, keep)->kind != SEG_PAUSE)
		keep++;
	if (keep == s->nsegs)
		return;
	for (i = keep; i < s->nsegs; i++)
		if (seg_at(s, i)->kind == SEG_OWN)
			drop += seg_at(s, i)->n; /* the tail of s->out */
	s->out.len -= drop < s->out.len ? drop : s->out.len;
	while (s->nsegs > keep) {
		if (seg_at(s, s->nsegs - 1)->kind == SEG_PAUSE)
			s->npauses--;
		s->nsegs--;
	}
	ev_timer_stop(s->net->loop, &s->t_pause);
}

bool sess_paused(const struct session *s)
{
	return s->npauses > 0;
}

bool sess_closed(const struct session *s)
{
	return s->closing;
}

bool sess_ending(const struct session *s)
{
	return s->closing || s->close_when_flushed;
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
	ev_io_set(s->net->loop, &s->io, 0);
	ev_timer_stop(s->net->loop, &s->t_idle);
	ev_timer_stop(s->net->loop, &s->t_total);
	ev_timer_stop(s->net->loop, &s->t_pause);
	ev_timer_stop(s->net->loop, &s->t_eng);
	ev_timer_stop(s->net->loop, &s->t_login);
	s->net->reap_pending = true;
	s->net->nclosing++;
	net_session_gone(s->net); /* a closing session frees its place */
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
			size_t used = tty_convert(&s->stage, &g->col, g->p, g->n, 4096);

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
	if (s->tp ? s->tp->interest(s->tpctx, ev) : ev_io_set(s->net->loop, &s->io, ev))
		sess_close(s, true);
}

static void feed_engine(struct session *s)
{
	while (s->in.len && !s->closing && !sess_paused(s)) {
		int used = s->eng->feed(s, s->engst, (const uint8_t *)s->in.p, s->in.len);

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
		if (s->nsegs && seg_at(s, 0)->kind == SEG_PAUSE && !ev_timer_armed(&s->t_pause) &&
		    ev_timer_in(s->net->loop, &s->t_pause, seg_at(s, 0)->ms)) {
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
	s->eng->timer(s, s->engst);
	sess_pump(s);
}

void sess_timer(struct session *s, unsigned ms)
{
	if (s->closing)
		return;
	if (!ms)
		ev_timer_stop(s->net->loop, &s->t_eng);
	else if (ev_timer_in(s->net->loop, &s->t_eng, ms) && s->eng->timer)
		s->eng->timer(s, s->engst); /* no timer slot: act now rather than never */
}

static void on_total(struct ev_loop *l, struct ev_timer *t)
{
	struct session *s = container_of(t, struct session, t_total);

	(void)l;
	sess_close(s, true);
}

/* The pre-login deadline: what BusyBox login prints, then the end. */
static void on_login(struct ev_loop *l, struct ev_timer *t)
{
	struct session *s = container_of(t, struct session, t_login);

	(void)l;
	if (s->logged_in || s->closing)
		return;
	if (s->eng->login_timeout_pre) {
		char secs[16];
		int k = snprintf(secs, sizeof secs, "%u", s->net->o.login_ms / 1000);

		sess_term(s, s->eng->login_timeout_pre, strlen(s->eng->login_timeout_pre));
		sess_term(s, secs, (size_t)k);
		sess_term(s, s->eng->login_timeout_post, strlen(s->eng->login_timeout_post));
	}
	sess_close(s, false);
	sess_pump(s);
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
				s->eng->eof(s, s->engst);
			sess_close(s, !s->eng->eof);
			sess_pump(s);
			return;
		}
		s->bytes_in += (size_t)r;
		s->last_ms = sys_mono_ms();
		if (buf_add(&s->in, chunk, (size_t)r)) {
			sess_close(s, true);
			return;
		}
		if ((size_t)r < sizeof chunk)
			break;
	}
	ev_timer_in(l, &s->t_idle, s->net->o.idle_ms);
	if (sess_paused(s) && s->eng->intr && s->in.len) {
		const char *c = memrchr(s->in.p, 0x03, s->in.len);

		if (c) {
			buf_consume(&s->in, (size_t)(c - s->in.p) + 1);
			s->eng->intr(s, s->engst);
		}
	}
	feed_engine(s);
	sess_pump(s);
}

/* ---------- life cycle ---------- */

/* Session ids derive from the open segment's key (itself from the unit
 * seed and the segment name) and a counter: unpredictable from outside,
 * and a sealed segment regenerates them instead of storing 6 random bytes
 * per session (docs/store.md). */
static void make_id(struct net *n, char id[13])
{
	store_session_id(n->store, id);
}

static void log_refused(struct net *n, const char *ip, unsigned port, const struct listener *l,
			const char *why)
{
	uint64_t sec = sys_mono_ms() / 1000;
	struct json *j;

	n->refused++;
	if (sec != n->refused_logged_sec) {
		n->refused_logged_sec = sec;
		n->refused_logged = 0;
	}
	/* a flood must not become a flood of log lines */
	if (n->refused_logged++ >= 10)
		return;
	j = evlog_begin(n->log, "tanuki.session.refused", "", ip, port, l->cfg->bind, l->cfg->port,
			proto_name(l->cfg->proto));
	json_cstr(j, "reason", why);
	json_int(j, "refused_total", (int64_t)n->refused);
	evlog_commit(n->log);
}

static struct session *sess_start(struct net *n, struct listener *l, int fd,
				  const struct sess_transport *tp, void *ctx,
				  const struct sockaddr_storage *peer,
				  const struct sockaddr_storage *lcl)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof local;
	struct eng_start a;
	struct session *s;
	char ip[46];
	uint16_t port;
	struct json *j;

	addr_str(peer, ip, sizeof ip, &port);
	if (sess_count_from(n, peer) >= n->o.max_per_src) {
		log_refused(n, ip, port, l, "per_source_cap");
		if (!tp)
			close(fd);
		return NULL;
	}
	if (!acct_take(&n->mem, sizeof *s)) {
		log_refused(n, ip, port, l, "memory");
		if (!tp)
			close(fd);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		acct_give(&n->mem, sizeof *s);
		log_refused(n, ip, port, l, "out_of_memory");
		if (!tp)
			close(fd);
		return NULL;
	}
	s->net = n;
	s->lst = l;
	s->persona = l->persona;
	s->eng = l->eng;
	s->io.fd = fd;
	s->io.cb = on_io;
	s->tp = tp;
	s->tpctx = ctx;
	s->t_idle.cb = on_idle;
	s->t_total.cb = on_total;
	s->t_pause.cb = on_pause_done;
	s->t_eng.cb = on_eng_timer;
	s->t_login.cb = on_login;
	acct_init(&s->mem, n->o.mem_session + CAP_OUTBUF + CAP_INBUF + 16384 + 4096, &n->mem);
	acct_init(&s->shmem, n->o.mem_session, &s->mem);
	buf_init_acct(&s->in, CAP_INBUF, &s->mem);
	buf_init_acct(&s->out, CAP_OUTBUF, &s->mem);
	buf_init_acct(&s->stage, 16384, &s->mem);
	s->last_ms = sys_mono_ms();
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
	make_id(n, s->id);
	s->next = n->sessions;
	if (n->sessions)
		n->sessions->prev = s;
	n->sessions = s;
	n->nsessions++;

	if (ev_timer_in(n->loop, &s->t_idle, n->o.idle_ms) ||
	    ev_timer_in(n->loop, &s->t_total, n->o.session_ms) ||
	    (n->o.login_ms && ev_timer_in(n->loop, &s->t_login, n->o.login_ms)) ||
	    (tp ? tp->interest(ctx, EV_READ) : ev_io_set(n->loop, &s->io, EV_READ))) {
		sess_close(s, true);
		return s;
	}
	a.persona = s->persona;
	a.id = s->id;
	a.seed = n->o.seed;
	a.fail_delay_ms =
	    n->o.fail_delay_ms >= 0 ? (unsigned)n->o.fail_delay_ms : s->persona->fail_delay_ms;
	a.max_tries = n->o.max_tries ? n->o.max_tries : s->persona->max_tries;
	j = sess_ev(s, "cowrie.session.connect");
	json_cstr(j, "message", "New connection");
	sess_ev_end(s, j);
	if (s->eng->start(s, &a, &s->engst) < 0)
		sess_close(s, false);
	sess_pump(s);
	return s;
}

void sess_accept(struct net *n, struct listener *l, int fd, const struct sockaddr_storage *peer)
{
	sess_start(n, l, fd, NULL, NULL, peer, NULL);
}

struct session *sess_accept_tp(struct net *n, struct listener *l, const struct sess_transport *tp,
			       void *ctx, const struct sockaddr_storage *peer,
			       const struct sockaddr_storage *local)
{
	return sess_start(n, l, -1, tp, ctx, peer, local);
}

void sess_io(struct session *s, unsigned revents)
{
	on_io(s->net->loop, &s->io, revents);
}

static void sess_free(struct session *s)
{
	struct net *n = s->net;
	struct json *j;
	int64_t dur = sys_wall_us() / 1000 * 1000 - s->start_us;
	char dstr[32];

	if (s->eng->end)
		s->eng->end(s, s->engst);
	s->engst = NULL;
	j = sess_ev(s, "cowrie.session.closed");
	snprintf(dstr, sizeof dstr, "%lld.%01lld", (long long)(dur / 1000000),
		 (long long)(dur % 1000000 / 100000));
	json_cstr(j, "duration", dstr);
	json_int(j, "bytes_in", (int64_t)s->bytes_in);
	json_int(j, "bytes_out", (int64_t)s->bytes_out);
	sess_ev_end(s, j);
	ev_io_set(n->loop, &s->io, 0);
	ev_timer_stop(n->loop, &s->t_idle);
	ev_timer_stop(n->loop, &s->t_total);
	ev_timer_stop(n->loop, &s->t_pause);
	ev_timer_stop(n->loop, &s->t_eng);
	if (s->tp)
		s->tp->close(s->tpctx);
	else
		close(s->io.fd);
	if (s->prev)
		s->prev->next = s->next;
	else
		n->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	n->nsessions--;
	ev_timer_stop(n->loop, &s->t_login);
	if (s->closing)
		n->nclosing--;
	buf_free(&s->in);
	buf_free(&s->out);
	buf_free(&s->stage);
	free(s);
	acct_give(&n->mem, sizeof *s);
	net_session_gone(n);
}

void sess_reap(struct net *n)
{
	struct session *s, *next;

	if (!n->reap_pending)
		return;
	n->reap_pending = false;
	for (s = n->sessions; s; s = next) {
		next = s->next;
		if (s->closing)
			sess_free(s);
	}
}

void sess_close_all(struct net *n)
{
	struct session *s;

	for (s = n->sessions; s; s = s->next)
		sess_close(s, true);
	sess_reap(n);
}
