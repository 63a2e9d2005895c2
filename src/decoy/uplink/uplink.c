/* uplink.c — summaries to the hub over pinned TLS (see uplink.h). */
#include "uplink/uplink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/md.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "evlog/evlog.h"
#include "hash.h"
#include "jp.h"
#include "options.h"
#include "store/store.h"
#include "sys/sys.h"
#include "uplink/agg.h"

#define UP_RESP_MAX (16u * 1024u) /* the hub answers {"ack":N} or an error */
#define UP_HEAD_MAX 1024u	  /* request line and headers */
#define UP_RETRY_MIN_MS 1000u	  /* first retry; doubles up to the interval */
#define UP_CATCHUP_MS 50u	  /* between summaries of a backlog */
#define UP_BIN_MAX                                                                                 \
	(1024u * 1024u) /* tanuki-hub's default max_body_kb: larger                                \
			 * binaries stay on the router (scp) */

struct up_tls {
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
	bool ssl_on;
};

static void attempt(struct uplink *u);
static void send_now(struct uplink *u);
static void next_binary(struct uplink *u);

static int64_t wall_s(void)
{
	return sys_wall_us() / 1000000;
}

/* ------------------------------------------------------------ ending */

static void up_close(struct uplink *u)
{
	if (u->tls && u->tls->ssl_on) {
		mbedtls_ssl_free(&u->tls->ssl);
		u->tls->ssl_on = false;
	}
	xsock_close(&u->io);
	dns_cancel(&u->dq);
	xres_cancel(&u->xr);
	ev_timer_stop(u->e.loop, &u->t_to);
	buf_free(&u->req);
	buf_free(&u->resp);
	buf_free(&u->body);
	u->st = UP_IDLE;
}

static void schedule(struct uplink *u, uint64_t ms)
{
	ev_timer_in(u->e.loop, &u->t, ms);
}

static void failed(struct uplink *u, const char *reason, const char *detail)
{
	struct json *j;
	uint64_t delay = UP_RETRY_MIN_MS, r = 0;
	unsigned k;
	char det[160] = "";

	/* detail may point into the answer, which up_close frees */
	if (detail)
		snprintf(det, sizeof det, "%s", detail);
	up_close(u);
	u->uploading = false; /* a retry starts again with the summary */
	u->fails++;
	u->st_.failed++;
	for (k = 1; k < u->fails && delay < u->c->interval_ms; k++)
		delay *= 2;
	if (delay > u->c->interval_ms)
		delay = u->c->interval_ms;
	/* jitter: a fleet that lost its hub must not come back in step */
	sys_random(&r, sizeof r);
	delay = delay / 2 + r % (delay / 2 + 1);
	j = evlog_begin(u->e.log, "tanuki.uplink.failed", "", "", 0, "", 0, "");
	json_cstr(j, "reason", reason);
	if (detail)
		json_str(j, "detail", det, strlen(det));
	json_cstr(j, "url", u->c->url);
	json_int(j, "seq", (int64_t)u->cur.pend_seq);
	json_int(j, "attempt", (int64_t)u->fails);
	json_int(j, "retry_ms", (int64_t)delay);
	evlog_commit(u->e.log);
	schedule(u, delay);
}

static void acked(struct uplink *u)
{
	int rc;

	up_close(u);
	u->uploading = false;
	u->cur.acked_seq = u->cur.pend_seq;
	u->cur.acked = u->cur.pend;
	u->cur.acked_to = u->cur.pend_to;
	if (u->cur.pend_done[0])
		snprintf(u->cur.delivered, sizeof u->cur.delivered, "%s", u->cur.pend_done);
	u->cur.pending = false;
	if ((rc = cursor_write(u->e.store->dir, &u->cur))) {
		struct json *j =
		    evlog_begin(u->e.log, "tanuki.uplink.failed", "", "", 0, "", 0, "");

		/* delivered but not recorded: after a restart the same seq and
		 * range would be rebuilt from the old pending line, and the hub
		 * answers it as a duplicate */
		json_cstr(j, "reason", "cursor");
		json_cstr(j, "detail", strerror(-rc));
		json_int(j, "seq", (int64_t)u->cur.acked_seq);
		evlog_commit(u->e.log);
	}
	u->fails = 0;
	u->st_.acked++;
	u->st_.last_ack = wall_s();
	schedule(u, u->more ? UP_CATCHUP_MS : u->c->interval_ms);
}

/* ------------------------------------------------------------ the body */

static int count_line(void *arg, const char *line, size_t n)
{
	struct uplink *u = arg;

	return agg_add(u->agg, line, n) == AGG_FULL;
}

/* Builds the pending summary: the old cut after a restart or a failure,
 * else a new cut from the acked position to what is synced now. */
static int build(struct uplink *u)
{
	struct store *st = u->e.store;
	struct scan sc;
	struct agg_head h;
	int rc;

	memset(&sc, 0, sizeof sc);
	sc.store = st->dir;
	sc.from = u->cur.acked;
	if (st->fd >= 0) {
		sc.open_seg = st->seg;
		sc.open_synced = st->seg_synced;
	}
	agg_reset(u->agg);
	if (u->cur.pending)
		sc.until = &u->cur.pend;
	if ((rc = cursor_scan(&sc, count_line, u)))
		return rc;
	if (!u->cur.pending) {
		u->cur.pending = true;
		u->cur.pend_seq = u->cur.acked_seq + 1;
		u->cur.pend = sc.end;
		u->cur.pend_to = wall_s();
		snprintf(u->cur.pend_done, sizeof u->cur.pend_done, "%s", sc.done);
		u->more = sc.stopped;
		/* Not fatal: on broken flash the summary still goes out; only a
		 * restart before its ack could then rebuild a different range
		 * under this seq (the hub keeps the first). */
		if (cursor_write(st->dir, &u->cur))
			u->st_.cursor_errors++;
	}
	memset(&h, 0, sizeof h);
	h.device = u->c->device;
	h.seq = u->cur.pend_seq;
	h.to = u->cur.pend_to;
	/* (from the clock now: the time may have been learned since start) */
	h.from = u->cur.acked_to ? u->cur.acked_to
				 : wall_s() - (int64_t)((sys_mono_ms() - u->start_ms) / 1000);
	if (h.from > h.to)
		h.from = h.to;
	h.version = TANUKI_VERSION;
	h.persona = u->e.persona;
	h.uptime_s = (sys_mono_ms() - u->start_ms) / 1000;
	h.used_kb = (st->used_base + st->seg_bytes + st->pending.len) / 1024;
	h.quota_kb = u->e.quota_kb;
	h.evictions = st->st.evicted_segments + st->st.evicted_files;
	h.dropped = st->st.events_dropped;
	buf_init(&u->body, u->c->max_body + AGG_ARENA * 6 + 64u * 1024u);
	return agg_render(u->agg, &h, &u->body);
}

static int sign_request(struct uplink *u, const char *path, const char *ctype, const char *extra)
{
	uint8_t nonce[16], bh[32], mac[32];
	char nonce_hex[33], bh_hex[65], mac_hex[65], msg[256];
	int64_t t = wall_s() + u->skew;
	int n;
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);

	if (mbedtls_ctr_drbg_random(&u->tls->drbg, nonce, sizeof nonce))
		return -EIO;
	hash_hex(nonce, sizeof nonce, nonce_hex);
	hash_sha256(u->body.p, u->body.len, bh);
	hash_hex(bh, sizeof bh, bh_hex);
	n = snprintf(msg, sizeof msg, "%s\n%" PRId64 "\n%s\n%s", u->c->device, t, nonce_hex,
		     bh_hex);
	if (n < 0 || (size_t)n >= sizeof msg ||
	    mbedtls_md_hmac(md, (const unsigned char *)u->c->secret, UPLINK_SECRET_LEN,
			    (const unsigned char *)msg, (size_t)n, mac))
		return -EIO;
	hash_hex(mac, sizeof mac, mac_hex);
	buf_init(&u->req, u->body.len + UP_HEAD_MAX);
	if (buf_printf(&u->req,
		       "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: tanuki/%s\r\n"
		       "Content-Type: %s\r\nContent-Length: %zu\r\n"
		       "X-Tanuki-Device: %s\r\nX-Tanuki-Time: %" PRId64 "\r\n"
		       "X-Tanuki-Nonce: %s\r\nX-Tanuki-Signature: %s\r\n%s"
		       "Connection: close\r\n\r\n",
		       path, u->c->host, TANUKI_VERSION, ctype, u->body.len, u->c->device, t,
		       nonce_hex, mac_hex, extra) ||
	    buf_add(&u->req, u->body.p, u->body.len))
		return -ENOBUFS;
	buf_free(&u->body);
	u->req_off = 0;
	return 0;
}

/* ------------------------------------------------------------ response */

/* The whole answer is in resp: act on it. */
static void answer(struct uplink *u)
{
	const char *p = u->resp.p ? u->resp.p : "", *body;
	char v[64], why[160];
	size_t hn;
	int code = 0;

	body = strstr(p, "\r\n\r\n");
	if (strncmp(p, "HTTP/1.", 7) || !body || p[8] != ' ' || !uplink_digits(p + 9, 3, &code)) {
		failed(u, "bad answer", NULL);
		return;
	}
	hn = (size_t)(body - p);
	body += 4;
	if (uplink_header(p, hn, "Date", v, sizeof v)) {
		int64_t hub = uplink_http_date(v);

		/* authenticated (pinned TLS): a check on the decoy's time */
		if (hub && evlog_time_hub(u->e.log, hub))
			u->skew = 0; /* the clock itself is right now */

		/* only the hub's word on time: the window check is its own */
		if (hub && code == 401 && strstr(body, "timestamp outside window"))
			u->skew = hub - wall_s();
	}
	if (code == 200 && u->uploading) {
		char want[96];

		snprintf(want, sizeof want, "\"stored\":\"%s\"", u->bin_hex);
		if (!strstr(body, want)) {
			failed(u, "bad answer", body);
			return;
		}
		up_close(u);
		u->st_.uploaded++;
		u->bin_i++;
		next_binary(u);
		return;
	}
	if (code == 200) {
		struct jdoc jd;
		int32_t a;

		if (!jp_parse(&jd, body, u->resp.len - (size_t)(body - p), 64, 4, NULL) &&
		    jp_node(&jd, 0)->type == J_OBJ && (a = jp_get(&jd, 0, "ack")) >= 0 &&
		    jp_node(&jd, a)->type == J_NUM && jp_node(&jd, a)->isint &&
		    (uint64_t)jp_node(&jd, a)->num == u->cur.pend_seq) {
			jp_free(&jd);
			if (u->c->binaries) {
				up_close(u);
				u->uploading = true;
				u->bin_i = 0;
				next_binary(u);
			} else {
				acked(u);
			}
			return;
		}
		jp_free(&jd);
		failed(u, "bad ack", body);
		return;
	}
	snprintf(why, sizeof why, "http %d", code);
	failed(u, why, body);
}

/* True once headers and Content-Length bytes are in. */
static bool complete(const struct uplink *u)
{
	const char *p = u->resp.p, *e;
	char v[24];
	unsigned long cl;

	if (!p || !(e = strstr(p, "\r\n\r\n")))
		return false;
	if (!uplink_header(p, (size_t)(e - p), "Content-Length", v, sizeof v))
		return false;
	cl = strtoul(v, NULL, 10);
	return u->resp.len - (size_t)(e + 4 - p) >= cl;
}

/* ----------------------------------------------------------------- TLS */

static int bio_send(void *ctx, const unsigned char *p, size_t n)
{
	struct uplink *u = ctx;
	ssize_t w = xsock_send(&u->io, p, n);

	if (w >= 0)
		return (int)w;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *p, size_t n)
{
	struct uplink *u = ctx;
	ssize_t r = xsock_recv(&u->io, p, n);

	if (r >= 0)
		return (int)r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	return MBEDTLS_ERR_NET_RECV_FAILED;
}

static void tls_err(struct uplink *u, const char *what, int rc)
{
	char d[96];

	snprintf(d, sizeof d, "mbedtls -0x%04x", (unsigned)-rc);
	failed(u, what, d);
}

static void want(struct uplink *u, int rc)
{
	xsock_want(&u->io, rc == MBEDTLS_ERR_SSL_WANT_WRITE ? EV_WRITE : EV_READ);
}

/* The pin: SHA-256 of the leaf's SubjectPublicKeyInfo, as the hub prints. */
static bool pin_ok(struct uplink *u)
{
	const mbedtls_x509_crt *crt = mbedtls_ssl_get_peer_cert(&u->tls->ssl);
	uint8_t h[32];

	if (!crt || !crt->pk_raw.p)
		return false;
	hash_sha256(crt->pk_raw.p, crt->pk_raw.len, h);
	return !memcmp(h, u->c->pin, sizeof h);
}

static void step(struct uplink *u)
{
	int rc;

	for (;;) {
		switch (u->st) {
		case UP_HANDSHAKE:
			rc = mbedtls_ssl_handshake(&u->tls->ssl);
			if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
				want(u, rc);
				return;
			}
			if (rc) {
				tls_err(u, "handshake", rc);
				return;
			}
			if (!pin_ok(u)) {
				mbedtls_ssl_close_notify(&u->tls->ssl);
				failed(u, "pin mismatch", u->c->url);
				return;
			}
			u->st = UP_SEND;
			break;
		case UP_SEND:
			while (u->req_off < u->req.len) {
				rc = mbedtls_ssl_write(&u->tls->ssl,
						       (const unsigned char *)u->req.p + u->req_off,
						       u->req.len - u->req_off);
				if (rc == MBEDTLS_ERR_SSL_WANT_READ ||
				    rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
					want(u, rc);
					return;
				}
				if (rc < 0) {
					tls_err(u, "send", rc);
					return;
				}
				u->req_off += (size_t)rc;
			}
			buf_free(&u->req);
			buf_init(&u->resp, UP_RESP_MAX);
			u->st = UP_RECV;
			break;
		case UP_RECV: {
			unsigned char tmp[2048];

			rc = mbedtls_ssl_read(&u->tls->ssl, tmp, sizeof tmp);
			if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
				want(u, rc);
				return;
			}
			if (rc > 0) {
				if (buf_add(&u->resp, tmp, (size_t)rc)) {
					failed(u, "answer too long", NULL);
					return;
				}
				if (complete(u)) {
					answer(u);
					return;
				}
				break;
			}
			/* 0, close_notify or a reset: the answer is what came */
			if (u->resp.len)
				answer(u);
			else
				tls_err(u, "receive", rc ? rc : MBEDTLS_ERR_SSL_CONN_EOF);
			return;
		}
		default:
			return;
		}
	}
}

static void on_io(struct xsock *io, unsigned rev)
{
	struct uplink *u = container_of(io, struct uplink, io);
	struct up_tls *t = u->tls;
	int rc, err;

	(void)rev;
	if (u->st == UP_CONNECT) {
		if ((err = xsock_error(io))) {
			failed(u, "connect", strerror(err));
			return;
		}
		mbedtls_ssl_init(&t->ssl);
		t->ssl_on = true;
		if ((rc = mbedtls_ssl_setup(&t->ssl, &t->conf))) {
			tls_err(u, "tls setup", rc);
			return;
		}
		{
			uint8_t a[16];

			/* SNI for a name, none for an address (RFC 6066 §3) */
			if (inet_pton(AF_INET, u->c->host, a) != 1 &&
			    inet_pton(AF_INET6, u->c->host, a) != 1 &&
			    (rc = mbedtls_ssl_set_hostname(&t->ssl, u->c->host))) {
				tls_err(u, "tls setup", rc);
				return;
			}
		}
		mbedtls_ssl_set_bio(&t->ssl, u, bio_send, bio_recv, NULL);
		u->st = UP_HANDSHAKE;
	}
	step(u);
}

/* A hub on this host (loopback) is the kernel's to reach, whatever the WAN;
 * so is one on the LAN side (`option via 'lan'`). */
static bool loopback(const struct uplink *u)
{
	static const uint8_t lo6[16] = {[15] = 1};

	if (u->addr.ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)&u->addr)->sin_addr.s_addr) >> 24) ==
		       127;
	return !memcmp(&((const struct sockaddr_in6 *)&u->addr)->sin6_addr, lo6, 16);
}

static void start_connect(struct uplink *u)
{
	struct xnet *net = loopback(u) || u->c->via_lan ? NULL : u->e.net;
	int rc = xsock_tcp(&u->io, u->e.loop, net, &u->addr, u->alen, on_io);

	if (rc) {
		failed(u, "connect", strerror(-rc));
		return;
	}
	u->st = UP_CONNECT;
}

static void set_addr(struct uplink *u, int family, const uint8_t *a)
{
	memset(&u->addr, 0, sizeof u->addr);
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&u->addr;

		s->sin_family = AF_INET;
		s->sin_port = htons(u->c->port);
		memcpy(&s->sin_addr, a, 4);
		u->alen = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&u->addr;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(u->c->port);
		memcpy(&s->sin6_addr, a, 16);
		u->alen = sizeof(*s);
	}
}

static void on_dns(struct dns_q *q, int err, const struct dns_result *r, size_t n)
{
	struct uplink *u = container_of(q, struct uplink, dq);

	if (err || !n) {
		failed(u, "dns", strerror(err ? -err : ENOENT));
		return;
	}
	set_addr(u, r[0].family, r[0].addr);
	start_connect(u);
}

static void on_xres(struct xres *r, int err, const uint8_t a[4])
{
	struct uplink *u = container_of(r, struct uplink, xr);

	if (err) {
		failed(u, "dns", strerror(-err));
		return;
	}
	set_addr(u, AF_INET, a);
	start_connect(u);
}

static void on_timeout(struct ev_loop *l, struct ev_timer *t)
{
	struct uplink *u = container_of(t, struct uplink, t_to);

	(void)l;
	failed(u, "timeout", NULL);
}

static void attempt(struct uplink *u)
{
	int rc;

	u->st_.attempts++;
	if ((rc = build(u))) {
		failed(u, "summary", strerror(-rc));
		return;
	}
	if ((rc = sign_request(u, u->c->path, "application/json", ""))) {
		failed(u, "sign", strerror(-rc));
		return;
	}
	send_now(u);
}

/* Connects (resolving the hub's name if needed) and sends u->req. */
static void send_now(struct uplink *u)
{
	uint8_t a[16];
	int rc;

	ev_timer_in(u->e.loop, &u->t_to, u->c->timeout_ms);
	if (inet_pton(AF_INET, u->c->host, a) == 1) {
		set_addr(u, AF_INET, a);
	} else if (inet_pton(AF_INET6, u->c->host, a) == 1) {
		set_addr(u, AF_INET6, a);
	} else {
		const struct sockaddr_storage *srv = &u->c->dns;
		socklen_t sl = u->c->dnslen;
		struct sockaddr_storage lo;

		if (!sl && u->e.dns && u->e.dnslen) {
			srv = u->e.dns;
			sl = u->e.dnslen;
		}
		if (!sl) {
			dns_server_parse("127.0.0.1", &lo, &sl);
			srv = &lo;
		}
		u->st = UP_DNS;
		if (u->e.net && !u->c->via_lan) {
			/* the WAN's resolver (its servers from DHCP or PPP) */
			if ((rc = xres_start(&u->xr, u->e.net, u->c->host, on_xres)))
				failed(u, "dns", strerror(-rc));
			return;
		}
		if ((rc = dns_start(u->e.loop, &u->dq, srv, sl, u->c->host, on_dns)))
			failed(u, "dns", strerror(-rc));
		return;
	}
	start_connect(u);
}

/* option binaries: after the hub acked a summary, each binary it lists
 * goes up as POST <path's folder>/binary, signed the same way; only then
 * does the cursor move (a retry resends the summary, answered as a
 * duplicate, and the uploads, which the hub keeps once). */
static void next_binary(struct uplink *u)
{
	const struct agg_tab *t = &u->agg->t[AG_BIN];
	char path[600], url[256], extra[128];
	const char *sl;
	int rc;

	for (; u->bin_i < t->n; u->bin_i++) {
		const struct agg_row *r = &t->rows[u->bin_i];
		struct stat st;

		if (r->alen != 64)
			continue;
		memcpy(u->bin_hex, u->agg->arena + r->a, 64);
		u->bin_hex[64] = '\0';
		store_file_path(u->e.store->dir, u->bin_hex, path, sizeof path);
		if (stat(path, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > UP_BIN_MAX) {
			u->st_.upload_skipped++; /* evicted, or too big for the hub */
			continue;
		}
		buf_init(&u->body, UP_BIN_MAX);
		if ((rc = sys_read_file(path, &u->body))) {
			u->st_.upload_skipped++;
			buf_free(&u->body);
			continue;
		}
		break;
	}
	if (u->bin_i >= t->n) {
		acked(u);
		return;
	}
	/* /v1/ingest → /v1/binary */
	sl = strrchr(u->c->path, '/');
	snprintf(url, sizeof url, "%.*s/binary", sl ? (int)(sl - u->c->path) : 0, u->c->path);
	snprintf(extra, sizeof extra, "X-Tanuki-Sha256: %s\r\n", u->bin_hex);
	if ((rc = sign_request(u, url, "application/octet-stream", extra))) {
		failed(u, "sign", strerror(-rc));
		return;
	}
	send_now(u);
}

static void on_timer(struct ev_loop *l, struct ev_timer *t)
{
	struct uplink *u = container_of(t, struct uplink, t);

	(void)l;
	if (u->st == UP_IDLE)
		attempt(u);
}

/* ------------------------------------------------------------ lifetime */

int uplink_init(struct uplink *u, const struct uplink_env *env, const struct uplink_cfg *c,
		char *err, size_t errlen)
{
	static const char pers[] = "tanuki uplink";
	int rc;

	memset(u, 0, sizeof(*u));
	u->e = *env;
	u->c = c;
	xsock_init(&u->io);
	if (!c->enabled || !c->url[0])
		return 0;
	u->agg = malloc(sizeof(*u->agg));
	u->tls = calloc(1, sizeof(*u->tls));
	if (!u->agg || !u->tls) {
		snprintf(err, errlen, "uplink: out of memory");
		return -1;
	}
	buf_init(&u->raw, c->max_body);
	agg_init(u->agg, c->events ? &u->raw : NULL, c->max_body / 2);
	mbedtls_entropy_init(&u->tls->ent);
	mbedtls_ctr_drbg_init(&u->tls->drbg);
	mbedtls_ssl_config_init(&u->tls->conf);
	if ((rc = mbedtls_ctr_drbg_seed(&u->tls->drbg, mbedtls_entropy_func, &u->tls->ent,
					(const unsigned char *)pers, sizeof pers - 1)) ||
	    (rc = mbedtls_ssl_config_defaults(&u->tls->conf, MBEDTLS_SSL_IS_CLIENT,
					      MBEDTLS_SSL_TRANSPORT_STREAM,
					      MBEDTLS_SSL_PRESET_DEFAULT))) {
		snprintf(err, errlen, "uplink: tls init: mbedtls -0x%04x", (unsigned)-rc);
		return -1;
	}
	/* The pin is the trust anchor, checked after the handshake (pin_ok)
	 * before anything is sent; no CA store on a router, and no clock to
	 * trust for validity dates at boot. The handshake itself proves the
	 * peer holds the pinned key (its ECDHE signature is always checked). */
	mbedtls_ssl_conf_authmode(&u->tls->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
	mbedtls_ssl_conf_rng(&u->tls->conf, mbedtls_ctr_drbg_random, &u->tls->drbg);
	mbedtls_ssl_conf_min_version(&u->tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	rc = cursor_read(env->store->dir, &u->cur);
	if (rc && rc != -ENOENT) {
		struct json *j =
		    evlog_begin(env->log, "tanuki.uplink.failed", "", "", 0, "", 0, "");

		/* start over: a seq above any used before, from the oldest event
		 * kept (the hub may count some twice; nothing is lost) */
		memset(&u->cur, 0, sizeof u->cur);
		u->cur.acked_seq = (uint64_t)wall_s() * 1000;
		json_cstr(j, "reason", "cursor unreadable");
		json_cstr(j, "detail", strerror(-rc));
		evlog_commit(env->log);
	}
	u->boot_wall = wall_s();
	u->start_ms = sys_mono_ms();
	u->t.cb = on_timer;
	u->t_to.cb = on_timeout;
	u->on = true;
	u->more = u->cur.pending; /* a backlog may follow the restored cut */
	/* a summary cut before a restart goes out soon; else one interval on */
	schedule(u, u->cur.pending ? UP_RETRY_MIN_MS : c->interval_ms);
	return 0;
}

void uplink_stop(struct uplink *u)
{
	if (!u->on)
		return;
	up_close(u);
	ev_timer_stop(u->e.loop, &u->t);
}

void uplink_done(struct uplink *u)
{
	if (!u->on)
		return;
	uplink_stop(u);
	mbedtls_ssl_config_free(&u->tls->conf);
	mbedtls_ctr_drbg_free(&u->tls->drbg);
	mbedtls_entropy_free(&u->tls->ent);
	free(u->tls);
	free(u->agg);
	buf_free(&u->raw);
	u->on = false;
}
