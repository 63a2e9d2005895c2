/* fetch.c — the payload fetcher's state machines (see fetch.h). */
#include "fetch/fetch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bounds.h"
#include "daemon.h"
#include "fetch/dlr.h"
#include "fetch/dns.h"
#include "fetch/httpresp.h"
#include "url.h"
#include "hash.h"
#include "net/session.h"
#include "sys/sys.h"

enum fstate {
	FS_RESOLVE,
	FS_CONNECT,
	FS_SEND,   /* http request / ftp command leaving */
	FS_HEAD,   /* http head */
	FS_BODY,   /* http body */
	FS_FTP,    /* ftp control replies */
	FS_TFTP,
	FS_DONE,
};

enum ftpstep { FTP_GREET, FTP_USER, FTP_PASS, FTP_TYPE, FTP_PASV, FTP_RETR };

struct fetch {
	struct fetcher *fr;
	struct fetch *prev, *next;
	struct fetch_origin o;
	char url[URL_MAX];      /* as asked for (events) */
	char applet[16];
	char destfile[CAP_PATH];
	char parent[SHA256_HEX]; /* second stage: the downloader's digest */
	char host0[URL_HOST_MAX]; /* first host: the per-host cap */
	struct url u;            /* current target (after redirects) */
	enum fstate st;
	bool dead;
	unsigned redirects;
	struct dns_q dq;
	struct sockaddr_storage peer;
	socklen_t plen;
	char peer_ip[46];
	struct ev_io io, dio;
	struct ev_timer t_total, t_step;
	struct buf out, in, body;
	size_t outoff;
	/* http */
	int64_t clen;
	bool chunked, data_eof;
	struct chunked ch;
	/* ftp */
	enum ftpstep fstep;
	/* tftp */
	uint16_t block, tid;
	unsigned retries;
	uint8_t last[516];
	size_t lastn;
	/* for the waiter */
	struct fetch_waiter *w;
	uint64_t t0;
	bool connected;
	const char *ftp_last;  /* the last FTP command sent */
	int code;
	char reason[24];
	char detail[320];
	char status_line[128];
	uint8_t *data;         /* stored bytes kept until the waiter had them */
	size_t datan;
};

#define RECV_CHUNK 16384

static const char *const ftp_user_default = "anonymous";
static const char *const ftp_pass_default = "busybox@"; /* BusyBox ftpget's */

/* ---------- events ---------- */

static struct json *f_ev(struct fetcher *fr, const struct fetch_origin *o, const char *id)
{
	return ev_begin(fr->d, id, o->session, o->src_ip, o->src_port, o->dst_ip,
			o->dst_port, o->proto);
}

static void refuse(struct fetcher *fr, const struct fetch_origin *o, const char *url,
		   const char *applet, const char *reason, const char *detail)
{
	struct json *j = f_ev(fr, o, "cowrie.session.file_download.failed");

	json_str(j, "url", url, strnlen(url, URL_MAX));
	json_cstr(j, "applet", applet);
	json_cstr(j, "reason", reason);
	if (detail)
		json_cstr(j, "detail", detail);
	json_cstr(j, "message", "Download refused");
	ev_commit(fr->d);
	fr->failed++;
}

/* ---------- ending ---------- */

static void f_close_io(struct fetch *f, struct ev_io *io)
{
	if (io->fd >= 0) {
		ev_io_set(&f->fr->d->loop, io, 0);
		close(io->fd);
		io->fd = -1;
	}
}

static void f_release(struct fetch *f)
{
	struct ev_loop *l = &f->fr->d->loop;

	dns_cancel(&f->dq);
	f_close_io(f, &f->io);
	f_close_io(f, &f->dio);
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

static void f_fail(struct fetch *f, const char *reason, const char *detail)
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
	ev_commit(f->fr->d);
	f->fr->failed++;
	f_end(f);
}

static void f_store(struct fetch *f)
{
	struct fetcher *fr = f->fr;
	char hex[SHA256_HEX], outfile[384], cur[URL_MAX];
	struct fetch_origin o = f->o;
	bool dup = false;
	struct json *j;
	size_t n = f->body.len;
	int rc;

	if (!n) {
		f_fail(f, "empty", NULL);
		return;
	}
	rc = store_put_file(&fr->d->store, f->body.p, n, hex, &dup);
	if (rc) {
		f_fail(f, "store", strerror(-rc));
		return;
	}
	store_file_path(fr->d->store.dir, hex, outfile, sizeof outfile);
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
	ev_commit(fr->d);
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

static void on_io(struct ev_loop *l, struct ev_io *io, unsigned rev);
static void on_dio(struct ev_loop *l, struct ev_io *io, unsigned rev);
static void f_begin_target(struct fetch *f);

static void addr_text(const struct sockaddr_storage *ss, char *out, size_t n)
{
	if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, out, (socklen_t)n);
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, out, (socklen_t)n);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

/* Non-blocking TCP connect to ss; the caller has checked the policy. */
static int tcp_connect(struct fetch *f, struct ev_io *io, const struct sockaddr_storage *ss,
		       socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)ss, len) && errno != EINPROGRESS) {
		int e = -errno;

		close(fd);
		return e;
	}
	io->fd = fd;
	io->events = 0;
	if (ev_io_set(&f->fr->d->loop, io, EV_WRITE)) {
		close(fd);
		io->fd = -1;
		return -ENOSPC;
	}
	return 0;
}

static int sock_error(int fd)
{
	int e = 0;
	socklen_t n = sizeof e;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &n))
		return errno;
	return e;
}

/* ---------- request building ---------- */

/* Attacker text goes on the wire only without controls or spaces. */
static int add_clean(struct buf *b, const char *s, bool encode)
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

static int http_request(struct fetch *f)
{
	buf_reset(&f->out);
	f->outoff = 0;
	if (buf_adds(&f->out, "GET ") || add_clean(&f->out, f->u.path, true) ||
	    buf_adds(&f->out, " HTTP/1.1\r\nHost: ") || add_clean(&f->out, f->u.host, false))
		return -EINVAL;
	if (f->u.port_given && buf_printf(&f->out, ":%u", (unsigned)f->u.port))
		return -ENOBUFS;
	/* what BusyBox wget sends */
	if (buf_adds(&f->out, "\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n"))
		return -ENOBUFS;
	return 0;
}

static int ftp_cmd(struct fetch *f, const char *cmd, const char *arg)
{
	f->ftp_last = cmd;
	buf_reset(&f->out);
	f->outoff = 0;
	if (buf_adds(&f->out, cmd) || (arg && (buf_addc(&f->out, ' ') ||
					       add_clean(&f->out, arg, false))) ||
	    buf_adds(&f->out, "\r\n"))
		return -EINVAL;
	return ev_io_set(&f->fr->d->loop, &f->io, EV_READ | EV_WRITE);
}

/* Sends what is queued in f->out; 1 when all of it left, 0 when more
 * waits, -errno on error. */
static int flush_out(struct fetch *f)
{
	while (f->outoff < f->out.len) {
		ssize_t w = send(f->io.fd, f->out.p + f->outoff, f->out.len - f->outoff,
				 MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return 0;
			return -errno;
		}
		f->outoff += (size_t)w;
	}
	return 1;
}

/* ---------- http ---------- */

static void http_body(struct fetch *f, const uint8_t *p, size_t n)
{
	if (f->chunked) {
		long used = httpresp_chunked(&f->ch, p, n, &f->body);

		if (used == -ENOBUFS)
			f_fail(f, "too_large", NULL);
		else if (used < 0)
			f_fail(f, "bad_chunked", NULL);
		else if (f->ch.done)
			f_store(f);
		return;
	}
	if (f->clen >= 0 && (int64_t)(f->body.len + n) > f->clen)
		n = (size_t)(f->clen - (int64_t)f->body.len);
	if (buf_add(&f->body, p, n)) {
		f_fail(f, "too_large", NULL);
		return;
	}
	if (f->clen >= 0 && (int64_t)f->body.len == f->clen)
		f_store(f);
}

static void http_head(struct fetch *f)
{
	struct httpresp r;
	size_t hl = httpresp_head_len(f->in.p, f->in.len);
	char next[URL_MAX], detail[16];

	if (!hl) {
		if (f->in.len >= CAP_FETCH_HEAD)
			f_fail(f, "bad_response", "head too long");
		return;
	}
	if (httpresp_parse(f->in.p, hl, &r)) {
		f_fail(f, "bad_response", NULL);
		return;
	}
	if (r.status >= 300 && r.status < 400 && r.status != 304) {
		if (!r.location_n) {
			f_fail(f, "bad_response", "redirect without Location");
			return;
		}
		if (++f->redirects > CAP_FETCH_REDIRECTS) {
			f_fail(f, "too_many_redirects", NULL);
			return;
		}
		if (url_resolve(&f->u, r.location, r.location_n, next, sizeof next) ||
		    url_parse(next, &f->u) || f->u.scheme != URL_HTTP) {
			f_fail(f, "bad_redirect", NULL);
			return;
		}
		f_close_io(f, &f->io);
		f->peer_ip[0] = '\0';
		f_begin_target(f);
		return;
	}
	if (r.status != 200) {
		size_t i;

		/* the first line as BusyBox shows it: up to a control byte */
		for (i = 0; i < hl && i < sizeof f->status_line - 1; i++) {
			unsigned char c = (unsigned char)f->in.p[i];

			if (c < 0x20)
				break;
			f->status_line[i] = c < 0x7f ? (char)c : '?';
		}
		f->status_line[i] = '\0';
		f->code = (int)r.status;
		snprintf(detail, sizeof detail, "%u", r.status);
		f_fail(f, "http_status", detail);
		return;
	}
	if (r.length > (int64_t)f->body.max) {
		f_fail(f, "too_large", "Content-Length");
		return;
	}
	f->clen = r.length;
	f->chunked = r.chunked;
	memset(&f->ch, 0, sizeof f->ch);
	f->st = FS_BODY;
	{
		size_t rest = f->in.len - hl;
		uint8_t *tmp = NULL;

		if (rest) {
			tmp = malloc(rest);
			if (!tmp) {
				f_fail(f, "out_of_memory", NULL);
				return;
			}
			memcpy(tmp, f->in.p + hl, rest);
		}
		buf_free(&f->in);
		if (rest)
			http_body(f, tmp, rest);
		else if (f->clen == 0)
			f_fail(f, "empty", NULL);
		free(tmp);
	}
}

/* ---------- ftp ---------- */

/* A complete reply in f->in: "ddd text" (after any "ddd-" lines). Returns
 * the code and drops the reply, 0 when incomplete, -1 when junk. */
static int ftp_reply(struct fetch *f, char *text, size_t tcap)
{
	size_t off = 0;

	for (;;) {
		const char *line = f->in.p + off;
		const char *nl = memchr(line, '\n', f->in.len - off);
		size_t ln;

		if (!nl) {
			if (f->in.len >= CAP_FETCH_HEAD)
				return -1;
			return 0;
		}
		ln = (size_t)(nl - line);
		if (ln >= 4 && line[0] >= '1' && line[0] <= '5' && line[1] >= '0' &&
		    line[1] <= '9' && line[2] >= '0' && line[2] <= '9' && line[3] == ' ') {
			int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
			size_t tn = ln - 4 < tcap - 1 ? ln - 4 : tcap - 1;

			if (ln > 4 && line[ln - 1] == '\r' && tn == ln - 4)
				tn--; /* the CR of CR LF is no part of the text */

			memcpy(text, line + 4, tn);
			text[tn] = '\0';
			buf_consume(&f->in, (size_t)(nl - f->in.p) + 1);
			return code;
		}
		off = (size_t)(nl - f->in.p) + 1;
	}
}

/* "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)": only the port is used. */
static int pasv_port(const char *t)
{
	unsigned v[6];
	int i = 0;

	while (*t && (*t < '0' || *t > '9'))
		t++;
	for (i = 0; i < 6; i++) {
		unsigned x = 0, d = 0;

		while (*t >= '0' && *t <= '9' && d < 4) {
			x = x * 10 + (unsigned)(*t++ - '0');
			d++;
		}
		if (!d || x > 255)
			return -1;
		v[i] = x;
		if (i < 5) {
			if (*t != ',')
				return -1;
			t++;
		}
	}
	return (int)(v[4] << 8 | v[5]);
}

static void ftp_step(struct fetch *f)
{
	char text[256], detail[320];
	int code;

	while (!f->dead && (code = ftp_reply(f, text, sizeof text)) != 0) {
		int rc = 0;

		if (code < 0) {
			f_fail(f, "bad_response", NULL);
			return;
		}
		if (code >= 400) {
			f->code = code;
			snprintf(detail, sizeof detail, "%d %s", code, text);
			f_fail(f, "ftp_error", detail);
			return;
		}
		if (code < 200 && f->fstep != FTP_RETR)
			continue; /* 1xx preliminary */
		switch (f->fstep) {
		case FTP_GREET:
			f->fstep = FTP_USER;
			rc = ftp_cmd(f, "USER", f->u.user[0] ? f->u.user : ftp_user_default);
			break;
		case FTP_USER:
			if (code == 230) {
				f->fstep = FTP_TYPE;
				rc = ftp_cmd(f, "TYPE", "I");
			} else {
				f->fstep = FTP_PASS;
				rc = ftp_cmd(f, "PASS", f->u.user[0] ? f->u.pass : ftp_pass_default);
			}
			break;
		case FTP_PASS:
			f->fstep = FTP_TYPE;
			rc = ftp_cmd(f, "TYPE", "I");
			break;
		case FTP_TYPE:
			f->fstep = FTP_PASV;
			rc = ftp_cmd(f, "PASV", NULL);
			break;
		case FTP_PASV: {
			/* the data connection goes to the address the control
			 * connection reached (already policy-checked), never to
			 * the one in the reply: no FTP bounce into the LAN */
			int port = code == 227 ? pasv_port(text) : -1;
			struct sockaddr_storage da = f->peer;

			if (port <= 0) {
				f_fail(f, "bad_response", "PASV");
				return;
			}
			set_port(&da, (uint16_t)port);
			if ((rc = tcp_connect(f, &f->dio, &da, f->plen)))
				break;
			f->fstep = FTP_RETR;
			rc = ftp_cmd(f, "RETR", f->u.path[1] ? f->u.path + 1 : f->u.path);
			break;
		}
		case FTP_RETR:
			/* 150/125 opening, 226 done: the data socket's end decides */
			if (code == 226 && f->data_eof)
				f_store(f);
			break;
		}
		if (rc) {
			f_fail(f, rc == -EINVAL ? "bad_url" : "connect", strerror(-rc));
			return;
		}
	}
}

static void on_dio(struct ev_loop *l, struct ev_io *io, unsigned rev)
{
	struct fetch *f = container_of(io, struct fetch, dio);
	uint8_t tmp[RECV_CHUNK];
	int budget = 16;

	(void)l;
	if (f->dead || io->fd < 0)
		return;
	if (rev & EV_WRITE) {
		int e = sock_error(io->fd);

		if (e) {
			f_fail(f, "connect", strerror(e));
			return;
		}
		ev_io_set(&f->fr->d->loop, io, EV_READ);
	}
	while (budget-- > 0) {
		ssize_t n = recv(io->fd, tmp, sizeof tmp, 0);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			f_fail(f, "recv", strerror(errno));
			return;
		}
		if (n == 0) {
			f_close_io(f, io);
			f->data_eof = true;
			f_store(f);
			return;
		}
		if (buf_add(&f->body, tmp, (size_t)n)) {
			f_fail(f, "too_large", NULL);
			return;
		}
	}
}

/* ---------- tcp control (http, ftp) ---------- */

static void on_io(struct ev_loop *l, struct ev_io *io, unsigned rev)
{
	struct fetch *f = container_of(io, struct fetch, io);
	uint8_t tmp[RECV_CHUNK];
	int budget = 16, rc;

	(void)l;
	if (f->dead || io->fd < 0)
		return;
	if (f->st == FS_CONNECT) {
		int e;

		if (!(rev & EV_WRITE))
			return;
		if ((e = sock_error(io->fd))) {
			f_fail(f, "connect", strerror(e));
			return;
		}
		f->connected = true;
		if (f->u.scheme == URL_HTTP) {
			if (http_request(f)) {
				f_fail(f, "bad_url", NULL);
				return;
			}
			f->st = FS_SEND;
		} else {
			f->st = FS_FTP;
			f->fstep = FTP_GREET;
			ev_io_set(&f->fr->d->loop, io, EV_READ);
			return;
		}
	}
	if (f->st == FS_SEND || (f->st == FS_FTP && f->outoff < f->out.len)) {
		rc = flush_out(f);
		if (rc < 0) {
			f_fail(f, "send", strerror(-rc));
			return;
		}
		if (rc == 0)
			return;
		if (f->st == FS_SEND)
			f->st = FS_HEAD;
		ev_io_set(&f->fr->d->loop, io, EV_READ);
	}
	if (!(rev & EV_READ) && f->st != FS_HEAD)
		return;
	while (budget-- > 0 && !f->dead) {
		ssize_t n = recv(io->fd, tmp, sizeof tmp, 0);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			f_fail(f, "recv", strerror(errno));
			return;
		}
		if (n == 0) {
			if (f->st == FS_BODY && !f->chunked && f->clen < 0)
				f_store(f);
			else if (f->st == FS_FTP && f->fstep == FTP_RETR && f->dio.fd >= 0)
				f_close_io(f, io); /* the data socket decides */
			else
				f_fail(f, "truncated", NULL);
			return;
		}
		if (f->st == FS_HEAD) {
			size_t room = f->in.max - f->in.len;
			size_t take = (size_t)n < room ? (size_t)n : room;

			buf_add(&f->in, tmp, take);
			http_head(f);
			if (!f->dead && take < (size_t)n) {
				if (f->st == FS_BODY)
					http_body(f, tmp + take, (size_t)n - take);
				else if (f->st == FS_HEAD)
					f_fail(f, "bad_response", "head too long");
			}
		} else if (f->st == FS_BODY) {
			http_body(f, tmp, (size_t)n);
		} else if (f->st == FS_FTP) {
			if (buf_add(&f->in, tmp, (size_t)n)) {
				f_fail(f, "bad_response", "reply too long");
				return;
			}
			ftp_step(f);
			if (!f->dead && f->outoff < f->out.len) {
				rc = flush_out(f);
				if (rc < 0) {
					f_fail(f, "send", strerror(-rc));
					return;
				}
				if (rc == 1)
					ev_io_set(&f->fr->d->loop, io, EV_READ);
			}
		}
		/* a redirect may have replaced the socket: start over */
		if (f->st != FS_HEAD && f->st != FS_BODY && f->st != FS_FTP)
			return;
	}
}

/* ---------- tftp ---------- */

static int tftp_send(struct fetch *f)
{
	struct sockaddr_storage to = f->peer;

	if (f->tid)
		set_port(&to, f->tid);
	if (sendto(f->io.fd, f->last, f->lastn, 0, (struct sockaddr *)&to, f->plen) < 0 &&
	    errno != EAGAIN)
		return -errno;
	return ev_timer_in(&f->fr->d->loop, &f->t_step, CAP_TFTP_WAIT_MS);
}

static void tftp_ack(struct fetch *f, uint16_t block)
{
	f->last[0] = 0;
	f->last[1] = 4;
	f->last[2] = (uint8_t)(block >> 8);
	f->last[3] = (uint8_t)block;
	f->lastn = 4;
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

static void on_tftp(struct ev_loop *l, struct ev_io *io, unsigned rev)
{
	struct fetch *f = container_of(io, struct fetch, io);
	uint8_t pkt[516 + 4];
	int budget = 64;

	(void)l;
	(void)rev;
	if (f->dead || io->fd < 0)
		return;
	while (budget-- > 0 && !f->dead) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof from;
		ssize_t n = recvfrom(io->fd, pkt, sizeof pkt, 0, (struct sockaddr *)&from, &flen);
		uint16_t op, blk, port;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			if (errno == ECONNREFUSED)
				continue; /* an ICMP for an earlier packet: the timer decides */
			f_fail(f, "recv", strerror(errno));
			return;
		}
		/* only the checked server, and after the first block only its TID */
		if (!same_host(&from, &f->peer) || n < 4)
			continue;
		port = ntohs(from.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&from)->sin6_port
							 : ((struct sockaddr_in *)&from)->sin_port);
		if (f->tid && port != f->tid)
			continue;
		op = (uint16_t)(pkt[0] << 8 | pkt[1]);
		blk = (uint16_t)(pkt[2] << 8 | pkt[3]);
		if (op == 5) {
			char msg[128];
			size_t mn = (size_t)n - 4 < sizeof msg - 1 ? (size_t)n - 4 : sizeof msg - 1;

			memcpy(msg, pkt + 4, mn);
			msg[mn] = '\0';
			msg[strnlen(msg, mn)] = '\0';
			f->code = blk;
			f->connected = true;
			f_fail(f, "tftp_error", msg);
			return;
		}
		if (op != 3 || n > 516)
			continue;
		if (!f->tid)
			f->tid = port;
		f->connected = true;
		if (blk == f->block) {
			if (buf_add(&f->body, pkt + 4, (size_t)n - 4)) {
				f_fail(f, "too_large", NULL);
				return;
			}
			tftp_ack(f, blk);
			f->retries = 0;
			f->block++;
			if (tftp_send(f)) {
				f_fail(f, "send", NULL);
				return;
			}
			if (n < 516) {
				f_store(f);
				return;
			}
		} else if ((uint16_t)(blk + 1) == f->block) {
			tftp_send(f); /* our ACK was lost: again */
		}
	}
}

static void on_step(struct ev_loop *l, struct ev_timer *t)
{
	struct fetch *f = container_of(t, struct fetch, t_step);

	(void)l;
	if (f->dead)
		return;
	if (++f->retries > CAP_TFTP_RETRIES) {
		f_fail(f, "timeout", f->block <= 1 ? "no answer" : "transfer stalled");
		return;
	}
	if (tftp_send(f))
		f_fail(f, "send", NULL);
}

static int tftp_start(struct fetch *f)
{
	const char *file = f->u.path[1] ? f->u.path + 1 : f->u.path;
	size_t n = strlen(file), i;
	int fd;

	if (n + 2 + 6 + 1 > sizeof f->last)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if ((unsigned char)file[i] < 0x20 || file[i] == 0x7f)
			return -EINVAL;
	fd = socket(f->peer.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	f->io.fd = fd;
	f->io.events = 0;
	f->io.cb = on_tftp;
	f->last[0] = 0;
	f->last[1] = 1; /* RRQ */
	memcpy(f->last + 2, file, n + 1);
	memcpy(f->last + 2 + n + 1, "octet", 6);
	f->lastn = 2 + n + 1 + 6;
	f->block = 1;
	f->tid = 0;
	f->retries = 0;
	f->st = FS_TFTP;
	if (ev_io_set(&f->fr->d->loop, &f->io, EV_READ))
		return -ENOSPC;
	return tftp_send(f);
}

/* ---------- target: resolve, check, connect ---------- */

static void f_connect(struct fetch *f, int family, const uint8_t *addr)
{
	const char *why = policy_check_addr(&f->fr->cfg->pol, family, addr);
	int rc;

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
	set_port(&f->peer, f->u.port);
	addr_text(&f->peer, f->peer_ip, sizeof f->peer_ip);
	if (why) {
		f_fail(f, "policy", why);
		return;
	}
	if (f->u.scheme == URL_TFTP) {
		rc = tftp_start(f);
		if (rc)
			f_fail(f, rc == -EINVAL ? "bad_url" : "socket", strerror(-rc));
		return;
	}
	f->io.cb = on_io;
	f->st = FS_CONNECT;
	buf_reset(&f->in);
	rc = tcp_connect(f, &f->io, &f->peer, f->plen);
	if (rc)
		f_fail(f, "connect", strerror(-rc));
}

static void on_dns(struct dns_q *q, int err, const struct dns_result *r, size_t n)
{
	struct fetch *f = container_of(q, struct fetch, dq);

	if (f->dead)
		return;
	if (err || !n) {
		f_fail(f, "dns", err == -ETIMEDOUT ? "timeout" : err == -ENOENT ? "no address"
									  : strerror(-err));
		return;
	}
	/* the first address is the one connected to, and the one judged */
	f_connect(f, r[0].family, r[0].addr);
}

static void f_begin_target(struct fetch *f)
{
	uint8_t a[16];
	int kind, rc;
	char host[URL_HOST_MAX];

	if (f->u.scheme == URL_HTTPS) {
		f_fail(f, "unsupported", "https");
		return;
	}
	kind = policy_host(f->u.host, a);
	if (kind < 0) {
		f_fail(f, "bad_host", NULL);
		return;
	}
	if (kind) {
		f_connect(f, kind == 4 ? AF_INET : AF_INET6, a);
		return;
	}
	f->st = FS_RESOLVE;
	snprintf(host, sizeof host, "%s", f->u.host);
	rc = dns_start(&f->fr->d->loop, &f->dq, &f->fr->cfg->dns, f->fr->cfg->dnslen, host, on_dns);
	if (rc)
		f_fail(f, "dns", strerror(-rc));
}

static void on_total(struct ev_loop *l, struct ev_timer *t)
{
	struct fetch *f = container_of(t, struct fetch, t_total);

	(void)l;
	f_fail(f, "timeout", NULL);
}

/* ---------- starting ---------- */

static struct fetch *start_fetch(struct fetcher *fr, const struct fetch_origin *o,
				 const char *url, const char *applet, const char *destfile,
				 const char *parent, const char *user, const char *pass)
{
	struct url u;
	struct fetch *f, *g;
	unsigned per_host = 0;
	uint64_t now = sys_mono_ms();

	if (url_parse(url, &u)) {
		refuse(fr, o, url, applet, "bad_url", NULL);
		return NULL;
	}
	/* an applet's own login (ftpget -u/-p) replaces the URL's */
	if (user || pass) {
		if (snprintf(u.user, sizeof u.user, "%s", user ? user : "anonymous") >=
			    (int)sizeof u.user ||
		    snprintf(u.pass, sizeof u.pass, "%s", pass ? pass : "") >= (int)sizeof u.pass) {
			refuse(fr, o, url, applet, "bad_url", "login too long");
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
			refuse(fr, o, url, applet, "bad_host", NULL);
			return NULL;
		}
		if (kind && (why = policy_check_addr(&fr->cfg->pol, kind == 4 ? AF_INET : AF_INET6, a))) {
			refuse(fr, o, url, applet, "policy", why);
			return NULL;
		}
	}
	if (fr->inflight >= CAP_FETCH_INFLIGHT) {
		refuse(fr, o, url, applet, "busy", "fetches in flight");
		return NULL;
	}
	if (now - fr->window_ms >= 60000u) {
		fr->window_ms = now;
		fr->window_n = 0;
	}
	if (fr->window_n >= CAP_FETCH_PER_MIN) {
		refuse(fr, o, url, applet, "rate", "fetches per minute");
		return NULL;
	}
	for (g = fr->list; g; g = g->next)
		if (!g->dead && !strcmp(g->host0, u.host))
			per_host++;
	if (per_host >= CAP_FETCH_PER_HOST) {
		refuse(fr, o, url, applet, "host_busy", "fetches to this host");
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
	memcpy(f->host0, u.host, sizeof f->host0);
	f->io.fd = f->dio.fd = -1;
	f->dio.cb = on_dio;
	f->dq.io.fd = -1;
	f->t_total.cb = on_total;
	f->t_step.cb = on_step;
	f->clen = -1;
	buf_init(&f->out, 1024);
	buf_init(&f->in, CAP_FETCH_HEAD);
	buf_init(&f->body, fr->cfg->max_bytes);
	f->next = fr->list;
	if (fr->list)
		fr->list->prev = f;
	fr->list = f;
	f->t0 = now;
	if (ev_timer_in(&fr->d->loop, &f->t_total, fr->cfg->timeout_ms)) {
		f_fail(f, "busy", "timers");
		return f;
	}
	f_begin_target(f);
	return f;
}

void fetch_init(struct fetcher *fr, struct daemon *d, const struct fetch_cfg *cfg)
{
	memset(fr, 0, sizeof(*fr));
	fr->d = d;
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

	if (!fr->d)
		return;
	for (f = fr->list; f; f = f->next) {
		/* nobody is resumed while the daemon stops */
		if (f->w) {
			f->w->f = NULL;
			f->w = NULL;
		}
		if (!f->dead)
			f_fail(f, "shutdown", NULL);
	}
	fr->reap_pending = true;
	fetch_reap(fr);
}

void fetch_origin_of(struct fetch_origin *o, const struct session *s)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->session, sizeof o->session, "%s", s->id);
	memcpy(o->src_ip, s->src_ip, sizeof o->src_ip);
	memcpy(o->dst_ip, s->dst_ip, sizeof o->dst_ip);
	o->src_port = s->src_port;
	o->dst_port = s->dst_port;
	snprintf(o->proto, sizeof o->proto, "%s", s->eng->name);
}

void fetch_from_session(struct session *s, const char *url, const char *applet,
			const char *destfile)
{
	struct fetcher *fr = &s->d->fetch;
	struct fetch_origin o;

	if (!fr->cfg || !fr->cfg->enabled)
		return;
	fetch_origin_of(&o, s);
	if (s->nfetch >= CAP_FETCH_PER_SESSION) {
		refuse(fr, &o, url, applet, "session_cap", "fetches per session");
		return;
	}
	if (start_fetch(fr, &o, url, applet, destfile, NULL, NULL, NULL))
		s->nfetch++;
}

bool fetch_from_session_wait(struct session *s, const char *url, const char *applet,
			     const char *destfile, const char *user, const char *pass,
			     struct fetch_waiter *w)
{
	struct fetcher *fr = &s->d->fetch;
	struct fetch_origin o;
	struct fetch *f;

	if (!fr->cfg || !fr->cfg->enabled)
		return false;
	fetch_origin_of(&o, s);
	if (s->nfetch >= CAP_FETCH_PER_SESSION) {
		refuse(fr, &o, url, applet, "session_cap", "fetches per session");
		return false;
	}
	f = start_fetch(fr, &o, url, applet, destfile, NULL, user, pass);
	if (!f)
		return false;
	s->nfetch++;
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

void fetch_stage2(struct fetcher *fr, const struct fetch_origin *o, const uint8_t *data,
		  size_t n, const char *sha)
{
	struct dlr_hit hits[CAP_FETCH_STAGE2];
	size_t nh, i;

	if (!fr->cfg || !fr->cfg->enabled)
		return;
	nh = dlr_extract(data, n, fr->cfg->dlr_port, hits, CAP_FETCH_STAGE2);
	for (i = 0; i < nh; i++) {
		char url[URL_MAX];
		struct json *j;
		int w;

		/* the extractor gives IPv4 or names, never IPv6 (no brackets) */
		if (hits[i].port == 80)
			w = snprintf(url, sizeof url, "http://%s%s", hits[i].host, hits[i].path);
		else
			w = snprintf(url, sizeof url, "http://%s:%u%s", hits[i].host,
				     (unsigned)hits[i].port, hits[i].path);
		if (w < 0 || (size_t)w >= sizeof url)
			continue;
		j = f_ev(fr, o, "tanuki.download.second_stage");
		json_cstr(j, "parent_shasum", sha);
		json_cstr(j, "url", url);
		json_cstr(j, "message", "Downloader found: fetching its payload");
		ev_commit(fr->d);
		start_fetch(fr, o, url, "dlr", "", sha, NULL, NULL);
	}
}
