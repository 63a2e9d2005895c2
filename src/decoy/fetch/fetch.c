/* fetch.c — the payload fetcher's core (see fetch.h, fetch_int.h):
 * events, caps, resolve, policy, the TCP control socket, waiters; each
 * scheme's own steps are in fetch_http.c, fetch_ftp.c, fetch_tftp.c. */
#include "fetch/fetch_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evlog/evlog.h"
#include "fetch/dlr.h"
#include "fetch/policy.h"
#include "store/store.h"
#include "url.h"
#include "sys/sys.h"

/* ---------- events ---------- */

static struct json *f_ev(struct fetcher *fr, const struct fetch_origin *o, const char *id)
{
	return evlog_begin(fr->log, id, o->session, o->src_ip, o->src_port, o->dst_ip, o->dst_port,
			   o->proto);
}

static void refuse_from(struct fetcher *fr, const struct fetch_origin *o, const char *url,
			const char *applet, const char *reason, const char *detail,
			const char *parent)
{
	struct json *j = f_ev(fr, o, "cowrie.session.file_download.failed");

	json_str(j, "url", url, strnlen(url, URL_MAX));
	json_cstr(j, "applet", applet);
	json_cstr(j, "reason", reason);
	if (detail)
		json_cstr(j, "detail", detail);
	if (parent && parent[0])
		json_cstr(j, "parent_shasum", parent);
	json_cstr(j, "message", "Download refused");
	evlog_commit(fr->log);
	fr->failed++;
}

static void refuse(struct fetcher *fr, const struct fetch_origin *o, const char *url,
		   const char *applet, const char *reason, const char *detail)
{
	refuse_from(fr, o, url, applet, reason, detail, NULL);
}

/* ---------- ending ---------- */

void fetch_close_io(struct fetch *f, struct xsock *io)
{
	(void)f;
	xsock_close(io);
}

static void f_release(struct fetch *f)
{
	struct ev_loop *l = f->fr->loop;

	dns_cancel(&f->dq);
	xres_cancel(&f->xr);
	fetch_close_io(f, &f->io);
	fetch_close_io(f, &f->dio);
	ev_timer_stop(l, &f->t_total);
	ev_timer_stop(l, &f->t_step);
}

static void f_end(struct fetch *f)
{
	f_release(f);
	buf_free(&f->out);
	buf_free(&f->in);
	buf_free(&f->body);
	f->st = FS_DONE;
	f->dead = true;
	f->fr->inflight--;
	f->fr->reap_pending = true;
}

void fetch_fail(struct fetch *f, const char *reason, const char *detail)
{
	struct json *j;
	char cur[URL_MAX];

	if (f->dead)
		return;
	snprintf(f->reason, sizeof f->reason, "%s", reason);
	snprintf(f->detail, sizeof f->detail, "%s", detail ? detail : "");
	url_format(&f->u, cur, sizeof cur);
	j = f_ev(f->fr, &f->o, "cowrie.session.file_download.failed");
	json_str(j, "url", f->url, strnlen(f->url, URL_MAX));
	if (strcmp(cur, f->url))
		json_str(j, "final_url", cur, strnlen(cur, URL_MAX));
	json_cstr(j, "applet", f->applet);
	json_cstr(j, "reason", reason);
	if (detail)
		json_cstr(j, "detail", detail);
	if (f->peer_ip[0])
		json_cstr(j, "dst_host", f->peer_ip);
	json_int(j, "size", (int64_t)f->body.len);
	if (f->parent[0])
		json_cstr(j, "parent_shasum", f->parent);
	json_cstr(j, "message", "Download failed");
	evlog_commit(f->fr->log);
	f->fr->failed++;
	f_end(f);
}

void fetch_store(struct fetch *f)
{
	struct fetcher *fr = f->fr;
	char hex[SHA256_HEX], outfile[384], cur[URL_MAX];
	struct fetch_origin o = f->o;
	bool dup = false;
	struct json *j;
	size_t n = f->body.len;
	int rc;

	if (!n) {
		fetch_fail(f, "empty", NULL);
		return;
	}
	rc = store_put_file(fr->store, f->body.p, n, hex, &dup);
	if (rc) {
		fetch_fail(f, "store", strerror(-rc));
		return;
	}
	store_file_path(fr->store->dir, hex, outfile, sizeof outfile);
	url_format(&f->u, cur, sizeof cur);
	j = f_ev(fr, &f->o, "cowrie.session.file_download");
	json_str(j, "url", f->url, strnlen(f->url, URL_MAX));
	if (strcmp(cur, f->url))
		json_str(j, "final_url", cur, strnlen(cur, URL_MAX));
	json_cstr(j, "applet", f->applet);
	json_cstr(j, "shasum", hex);
	json_cstr(j, "outfile", outfile);
	json_str(j, "destfile", f->destfile, strnlen(f->destfile, CAP_PATH));
	json_int(j, "size", (int64_t)n);
	json_bool(j, "duplicate", dup);
	json_cstr(j, "dst_host", f->peer_ip);
	if (f->parent[0])
		json_cstr(j, "parent_shasum", f->parent);
	json_cstr(j, "message", "Downloaded URL");
	evlog_commit(fr->log);
	fr->stored++;
	/* the body stays ours until f_end frees it */
	{
		uint8_t *data = (uint8_t *)f->body.p;

		f->body.p = NULL;
		f->body.len = f->body.cap = 0;
		f_end(f);
		fetch_stage2(fr, &o, data, n, hex);
		if (f->w) {
			/* the waiting shell gets the bytes at the idle pass */
			f->data = data;
			f->datan = n;
		} else {
			free(data);
		}
	}
}

/* ---------- sockets ---------- */

/* ---------- sockets ---------- */

static void addr_text(const struct sockaddr_storage *ss, char *out, size_t n)
{
	if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, out,
			  (socklen_t)n);
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, out, (socklen_t)n);
}

void fetch_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

int fetch_tcp_connect(struct fetch *f, struct xsock *io, const struct sockaddr_storage *ss,
		      socklen_t len, void (*cb)(struct xsock *io, unsigned rev))
{
	return xsock_tcp(io, f->fr->loop, f->fr->net, ss, len, cb);
}

/* ---------- sending ---------- */

int fetch_add_clean(struct buf *b, const char *s, bool encode)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f) {
			if (!encode)
				return -EINVAL;
			if (buf_printf(b, "%%%02X", c))
				return -ENOBUFS;
		} else if (buf_addc(b, (char)c)) {
			return -ENOBUFS;
		}
	}
	return 0;
}

int fetch_flush_out(struct fetch *f)
{
	while (f->outoff < f->out.len) {
		ssize_t w = xsock_send(&f->io, f->out.p + f->outoff, f->out.len - f->outoff);

		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return 0;
			return -errno;
		}
		f->outoff += (size_t)w;
	}
	return 1;
}

/* ---------- the TCP control socket (http, ftp) ---------- */

static void on_io(struct xsock *io, unsigned rev)
{
	struct fetch *f = container_of(io, struct fetch, io);
	uint8_t tmp[RECV_CHUNK];
	int budget = 16, rc;

	if (f->dead || !xsock_open(io))
		return;
	if (f->st == FS_CONNECT) {
		int e;

		if (!(rev & EV_WRITE))
			return;
		if ((e = xsock_error(io))) {
			fetch_fail(f, "connect", strerror(e));
			return;
		}
		f->connected = true;
		if (f->sc->connected(f) <= 0)
			return;
	}
	if (f->st == FS_SEND || f->outoff < f->out.len) {
		rc = fetch_flush_out(f);
		if (rc < 0) {
			fetch_fail(f, "send", strerror(-rc));
			return;
		}
		if (rc == 0)
			return;
		if (f->sc->sent)
			f->sc->sent(f);
		xsock_want(io, EV_READ);
	}
	if (!(rev & EV_READ) && !f->sc->read_now(f))
		return;
	while (budget-- > 0 && !f->dead) {
		ssize_t n = xsock_recv(io, tmp, sizeof tmp);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			fetch_fail(f, "recv", strerror(errno));
			return;
		}
		if (n == 0) {
			f->sc->eof(f);
			return;
		}
		f->sc->input(f, tmp, (size_t)n);
		/* a redirect may have replaced the socket: start over */
		if (f->st != FS_HEAD && f->st != FS_BODY && f->st != FS_FTP)
			return;
	}
}

void fetch_tcp_start(struct fetch *f)
{
	int rc;

	f->st = FS_CONNECT;
	buf_reset(&f->in);
	rc = fetch_tcp_connect(f, &f->io, &f->peer, f->plen, on_io);
	if (rc)
		fetch_fail(f, "connect", strerror(-rc));
}

/* ---------- target: resolve, check, connect ---------- */

static void f_connect(struct fetch *f, int family, const uint8_t *addr)
{
	const char *why = policy_check_addr(&f->fr->cfg->pol, family, addr);

	memset(&f->peer, 0, sizeof f->peer);
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&f->peer;

		a->sin_family = AF_INET;
		memcpy(&a->sin_addr, addr, 4);
		f->plen = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&f->peer;

		a->sin6_family = AF_INET6;
		memcpy(&a->sin6_addr, addr, 16);
		f->plen = sizeof(*a);
	}
	fetch_set_port(&f->peer, f->u.port);
	addr_text(&f->peer, f->peer_ip, sizeof f->peer_ip);
	if (why) {
		fetch_fail(f, "policy", why);
		return;
	}
	f->sc->start(f);
}

static void dns_failed(struct fetch *f, int err)
{
	fetch_fail(f, "dns",
		   err == -ETIMEDOUT ? "timeout"
		   : err == -ENOENT  ? "no address"
				     : strerror(-err));
}

static void on_dns(struct dns_q *q, int err, const struct dns_result *r, size_t n)
{
	struct fetch *f = container_of(q, struct fetch, dq);

	if (f->dead)
		return;
	if (err || !n) {
		dns_failed(f, err);
		return;
	}
	/* the first address is the one connected to, and the one judged */
	f_connect(f, r[0].family, r[0].addr);
}

/* lwIP's resolver (the WAN stack): one IPv4 address, judged the same way */
static void on_xres(struct xres *r, int err, const uint8_t addr[4])
{
	struct fetch *f = container_of(r, struct fetch, xr);

	if (f->dead)
		return;
	if (err) {
		dns_failed(f, err);
		return;
	}
	f_connect(f, AF_INET, addr);
}

void fetch_begin_target(struct fetch *f)
{
	uint8_t a[16];
	int kind, rc;
	char host[URL_HOST_MAX];

	if (!f->sc) {
		fetch_fail(f, "unsupported", url_scheme_name(f->u.scheme));
		return;
	}
	kind = policy_host(f->u.host, a);
	if (kind < 0) {
		fetch_fail(f, "bad_host", NULL);
		return;
	}
	if (kind) {
		f_connect(f, kind == 4 ? AF_INET : AF_INET6, a);
		return;
	}
	f->st = FS_RESOLVE;
	snprintf(host, sizeof host, "%s", f->u.host);
	if (f->fr->net)
		rc = xres_start(&f->xr, f->fr->net, host, on_xres);
	else
		rc = dns_start(f->fr->loop, &f->dq, &f->fr->cfg->dns, f->fr->cfg->dnslen, host,
			       on_dns);
	if (rc)
		fetch_fail(f, "dns", strerror(-rc));
}

static void on_total(struct ev_loop *l, struct ev_timer *t)
{
	struct fetch *f = container_of(t, struct fetch, t_total);

	(void)l;
	fetch_fail(f, "timeout", NULL);
}

/* ---------- starting ---------- */

/* The handler of a scheme; NULL for one the fetcher does not speak. */
static const struct fetch_scheme *scheme_of(enum url_scheme s)
{
	switch (s) {
	case URL_HTTP:
		return &fetch_http;
	case URL_FTP:
		return &fetch_ftp;
	case URL_TFTP:
		return &fetch_tftp;
	case URL_HTTPS:
		break;
	}
	return NULL;
}

static struct fetch *start_fetch(struct fetcher *fr, const struct fetch_origin *o, const char *url,
				 const char *applet, const char *destfile, const char *parent,
				 const char *user, const char *pass)
{
	struct url u;
	struct fetch *f, *g;
	unsigned per_host = 0;
	uint64_t now = sys_mono_ms();

	if (url_parse(url, &u)) {
		refuse_from(fr, o, url, applet, "bad_url", NULL, parent);
		return NULL;
	}
	/* an applet's own login (ftpget -u/-p) replaces the URL's */
	if (user || pass) {
		if (snprintf(u.user, sizeof u.user, "%s", user ? user : "anonymous") >=
			(int)sizeof u.user ||
		    snprintf(u.pass, sizeof u.pass, "%s", pass ? pass : "") >= (int)sizeof u.pass) {
			refuse_from(fr, o, url, applet, "bad_url", "login too long", parent);
			return NULL;
		}
	}
	/* an address literal the policy refuses costs nothing and uses no
	 * cap: refuse it here, before any socket exists */
	{
		uint8_t a[16];
		int kind = policy_host(u.host, a);
		const char *why;

		if (kind < 0) {
			refuse_from(fr, o, url, applet, "bad_host", NULL, parent);
			return NULL;
		}
		if (kind &&
		    (why = policy_check_addr(&fr->cfg->pol, kind == 4 ? AF_INET : AF_INET6, a))) {
			refuse_from(fr, o, url, applet, "policy", why, parent);
			return NULL;
		}
	}
	if (fr->inflight >= CAP_FETCH_INFLIGHT) {
		refuse_from(fr, o, url, applet, "busy", "fetches in flight", parent);
		return NULL;
	}
	if (now - fr->window_ms >= 60000u) {
		fr->window_ms = now;
		fr->window_n = 0;
	}
	if (fr->window_n >= CAP_FETCH_PER_MIN) {
		refuse_from(fr, o, url, applet, "rate", "fetches per minute", parent);
		return NULL;
	}
	for (g = fr->list; g; g = g->next)
		if (!g->dead && !strcmp(g->host0, u.host))
			per_host++;
	if (per_host >= CAP_FETCH_PER_HOST) {
		refuse_from(fr, o, url, applet, "host_busy", "fetches to this host", parent);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		refuse(fr, o, url, applet, "out_of_memory", NULL);
		return NULL;
	}
	fr->window_n++;
	fr->started++;
	fr->inflight++;
	f->fr = fr;
	f->o = *o;
	snprintf(f->url, sizeof f->url, "%s", url);
	snprintf(f->applet, sizeof f->applet, "%s", applet);
	snprintf(f->destfile, sizeof f->destfile, "%s", destfile ? destfile : "");
	if (parent)
		snprintf(f->parent, sizeof f->parent, "%s", parent);
	f->u = u;
	f->sc = scheme_of(u.scheme);
	memcpy(f->host0, u.host, sizeof f->host0);
	xsock_init(&f->io);
	xsock_init(&f->dio);
	f->dq.io.fd = -1;
	f->t_total.cb = on_total;
	f->clen = -1;
	buf_init(&f->out, 1024);
	buf_init(&f->in, CAP_FETCH_HEAD);
	buf_init(&f->body, fr->cfg->max_bytes);
	f->next = fr->list;
	if (fr->list)
		fr->list->prev = f;
	fr->list = f;
	f->t0 = now;
	if (ev_timer_in(fr->loop, &f->t_total, fr->cfg->timeout_ms)) {
		fetch_fail(f, "busy", "timers");
		return f;
	}
	fetch_begin_target(f);
	return f;
}

void fetch_init(struct fetcher *fr, struct ev_loop *loop, struct store *store, struct evlog *log,
		const struct fetch_cfg *cfg)
{
	memset(fr, 0, sizeof(*fr));
	fr->loop = loop;
	fr->store = store;
	fr->log = log;
	fr->cfg = cfg;
	fr->window_ms = sys_mono_ms();
}

static void notify(struct fetch *f)
{
	struct fetch_waiter *w = f->w;
	struct fetch_result r;

	if (!w)
		return;
	f->w = NULL;
	w->f = NULL;
	memset(&r, 0, sizeof r);
	r.ok = f->data != NULL;
	r.data = f->data;
	r.len = f->datan;
	r.reason = f->reason[0] ? f->reason : NULL;
	r.detail = f->detail[0] ? f->detail : NULL;
	r.status_line = f->status_line;
	r.ftp_cmd = f->ftp_last;
	r.code = f->code;
	r.peer_ip = f->peer_ip;
	r.connected = f->connected;
	r.ms = (unsigned)(sys_mono_ms() - f->t0);
	w->done(w, &r);
}

void fetch_reap(struct fetcher *fr)
{
	struct fetch *f, *n, *gone = NULL;

	if (!fr->reap_pending)
		return;
	fr->reap_pending = false;
	/* unlink first: a waiter may start new fetches */
	for (f = fr->list; f; f = n) {
		n = f->next;
		if (!f->dead)
			continue;
		if (f->prev)
			f->prev->next = f->next;
		else
			fr->list = f->next;
		if (f->next)
			f->next->prev = f->prev;
		f->prev = NULL;
		f->next = gone;
		gone = f;
	}
	for (f = gone; f; f = n) {
		n = f->next;
		notify(f);
		free(f->data);
		free(f);
	}
}

void fetch_shutdown(struct fetcher *fr)
{
	struct fetch *f;

	if (!fr->loop)
		return;
	for (f = fr->list; f; f = f->next) {
		/* nobody is resumed while the daemon stops */
		if (f->w) {
			f->w->f = NULL;
			f->w = NULL;
		}
		if (!f->dead)
			fetch_fail(f, "shutdown", NULL);
	}
	fr->reap_pending = true;
	fetch_reap(fr);
}

void fetch_request(struct fetcher *fr, const struct fetch_origin *o, unsigned *count,
		   const char *url, const char *applet, const char *destfile)
{
	if (!fr->cfg || !fr->cfg->enabled)
		return;
	if (*count >= CAP_FETCH_PER_SESSION) {
		refuse(fr, o, url, applet, "session_cap", "fetches per session");
		return;
	}
	if (start_fetch(fr, o, url, applet, destfile, NULL, NULL, NULL))
		(*count)++;
}

bool fetch_request_wait(struct fetcher *fr, const struct fetch_origin *o, unsigned *count,
			const char *url, const char *applet, const char *destfile, const char *user,
			const char *pass, struct fetch_waiter *w)
{
	struct fetch *f;

	if (!fr->cfg || !fr->cfg->enabled)
		return false;
	/* the same URL for the same session already on its way, nobody
	 * waiting (a downloader's second stage started when the file was
	 * captured, then the shell runs it): one fetch, this one waits */
	for (f = fr->list; f; f = f->next)
		if (!f->dead && !f->w && !strcmp(f->o.session, o->session) &&
		    !strcmp(f->url, url)) {
			fetch_unwait(w);
			f->w = w;
			w->f = f;
			return true;
		}
	if (*count >= CAP_FETCH_PER_SESSION) {
		refuse(fr, o, url, applet, "session_cap", "fetches per session");
		return false;
	}
	f = start_fetch(fr, o, url, applet, destfile, NULL, user, pass);
	if (!f)
		return false;
	(*count)++;
	/* even one that failed at once is told at the idle pass */
	fetch_unwait(w);
	f->w = w;
	w->f = f;
	return true;
}

void fetch_unwait(struct fetch_waiter *w)
{
	if (w->f) {
		w->f->w = NULL;
		w->f = NULL;
	}
}

/* The second stage of a stored downloader (fetch/dlr.h): a certain verdict
 * is fetched through the normal caps and address policy (its refusal, if
 * any, is the download's own failed event); an uncertain one fetches
 * nothing and is logged with its candidate; none is not logged. */
void fetch_stage2(struct fetcher *fr, const struct fetch_origin *o, const uint8_t *data, size_t n,
		  const char *sha)
{
	struct dlr_result r;
	enum dlr_verdict v;
	char url[URL_MAX];
	struct json *j;
	uint16_t port;
	int w;

	if (!fr->cfg || !fr->cfg->enabled)
		return;
	v = dlr_analyse(data, n, &r);
	if (v == DLR_NONE)
		return;
	/* a port of 80 in the code is `option dlr_port` (80 unless a test
	 * moves it); the extractor gives IPv4 only (no brackets) */
	port = r.port == 80 ? fr->cfg->dlr_port : r.port;
	url[0] = '\0';
	if (r.have_addr) {
		if (port == 80)
			w = snprintf(url, sizeof url, "http://%s%s", r.host, r.path);
		else
			w = snprintf(url, sizeof url, "http://%s:%u%s", r.host, (unsigned)port,
				     r.path);
		if (w < 0 || (size_t)w >= sizeof url)
			url[0] = '\0';
	}
	if (v == DLR_CERTAIN && !url[0])
		v = DLR_UNCERTAIN; /* a path too long for a URL: not fetched */
	j = f_ev(fr, o, "tanuki.download.second_stage");
	json_cstr(j, "parent_shasum", sha);
	json_cstr(j, "verdict", dlr_verdict_name(v));
	json_cstr(j, "arch", r.arch);
	json_bool(j, "fetched", v == DLR_CERTAIN);
	if (v != DLR_CERTAIN)
		json_cstr(j, "reason", "uncertain");
	json_cstr(j, "detail", r.reason);
	if (r.have_addr)
		json_cstr(j, v == DLR_CERTAIN ? "host" : "candidate", r.host);
	json_int(j, "port", port);
	json_str(j, "path", r.path, strnlen(r.path, sizeof r.path));
	if (v == DLR_CERTAIN)
		json_cstr(j, "url", url);
	json_int(j, "finds", r.finds);
	json_cstr(j, "message",
		  v == DLR_CERTAIN ? "Downloader found: fetching its payload"
				   : "Downloader found: address uncertain, not fetched");
	evlog_commit(fr->log);
	if (v == DLR_CERTAIN)
		start_fetch(fr, o, url, "dlr", "", sha, NULL, NULL);
}
