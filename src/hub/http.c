/* http.c — the hub's HTTP server on libmicrohttpd (see hub.h): the gate
 * on connections, the dispatch, POST /v1/ingest and binary uploads
 * (signed), answers and refusals. The GET API and /metrics are in
 * http_api.c. */
#include "hub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>

#include <mbedtls/md.h>
#include <microhttpd.h>

#include "buf.h"
#include "db.h"
#include "hash.h"
#include "jp.h"
#include "json.h"
#include "hub_limits.h"
#include "summary.h"
#include "http_int.h"
#include "web.h"

struct req {
	struct buf body;
	struct gate_conn *gc;
	bool ingest, binary, form, too_big, answered;
	bool unknown;	    /* device not enrolled: read and checked like any body, then 401 */
	size_t expect, got; /* Content-Length, body bytes seen */
	char device[HUB_NAME_MAX + 1];
	char time[24];
	char nonce[33];
	char sig[65];
	char secret[DB_SECRET_LEN + 1];
};

bool hub_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *p = s;
	int64_t v = 0;
	bool neg = false;

	if (!s || !*s)
		return false;
	if (*p == '-')
		neg = true, p++;
	if (!*p || strlen(p) > 18)
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool http_lowhex(const char *s, size_t n)
{
	size_t i;

	if (!s || strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool hub_sig_ok(const char *secret, const char *device, const char *time, const char *nonce,
		const void *body, size_t len, const char *sig_hex)
{
	uint8_t bh[SHA256_LEN], mac[32];
	char bhex[SHA256_HEX], mhex[65];
	struct buf m;
	unsigned diff = 0;
	int r, i;

	if (!http_lowhex(sig_hex, 64))
		return false;
	hash_sha256(body, len, bh);
	hash_hex(bh, sizeof(bh), bhex);
	buf_init(&m, 512);
	r = buf_printf(&m, "%s\n%s\n%s\n%s", device, time, nonce, bhex);
	if (!r)
		r = mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
				    (const unsigned char *)secret, strlen(secret),
				    (const unsigned char *)m.p, m.len, mac);
	buf_free(&m);
	if (r)
		return false;
	hash_hex(mac, sizeof(mac), mhex);
	for (i = 0; i < 64; i++)
		diff |= (unsigned)(mhex[i] ^ sig_hex[i]);
	return diff == 0;
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, n, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)n);
}

/* One log line on stderr. `device` has passed summary_name_ok or is "?". */
void http_logline(struct MHD_Connection *c, const char *device, const char *fmt, ...)
{
	char ip[INET6_ADDRSTRLEN], msg[256];
	va_list ap;

	client_ip(c, ip, sizeof(ip));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tanuki-hub: %s device=%s: %s\n", ip, device && *device ? device : "?",
		msg);
}

enum MHD_Result http_reply_as(struct MHD_Connection *c, unsigned status, const char *body,
			      size_t len, const char *ctype)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ctype);
	if (status == 503)
		MHD_add_response_header(r, "Retry-After", "10");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body,
			     size_t len)
{
	return http_reply_as(c, status, body, len, "application/json");
}

static struct hub *the_hub; /* for the refusal counters */

static void count_refusal(unsigned status, const char *why)
{
	struct hub_refusal *r;
	size_t i, n;

	if (!the_hub)
		return;
	n = sizeof(the_hub->refusals) / sizeof(the_hub->refusals[0]);
	for (i = 0; i < n; i++) {
		r = &the_hub->refusals[i];
		if (!r->why || (r->status == status && !strcmp(r->why, why))) {
			r->why = why;
			r->status = status;
			r->n++;
			return;
		}
	}
}

/* An error answer {"error":"<shown>"} and its log line, which names the
 * real reason `why` (the log is the operator's; the answer is anyone's). */
static enum MHD_Result refuse_as(struct MHD_Connection *c, const char *device, unsigned status,
				 const char *why, const char *shown)
{
	char body[160];
	int n;

	http_logline(c, device, "refused %u: %s", status, why);
	count_refusal(status, why);
	n = snprintf(body, sizeof(body), "{\"error\":\"%s\"}", shown);
	return reply(c, status, body, (size_t)n);
}

enum MHD_Result http_refuse(struct MHD_Connection *c, const char *device, unsigned status,
			    const char *why)
{
	return refuse_as(c, device, status, why, why);
}

const char *http_hdr(struct MHD_Connection *c, const char *k)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, k);
}

/* First call of an ingest: every check that needs no body, before a byte
 * of it is read. Returns 0 to read the body, or the status of a refusal
 * (queued already: libmicrohttpd then discards the body and closes).
 * An unknown device is not refused here: its body is read (not kept) and
 * answered exactly as a bad signature, so the answers tell no one which
 * names are enrolled. */
static unsigned ingest_head(struct hub *h, struct MHD_Connection *c, struct req *q)
{
	const char *dev = http_hdr(c, "X-Tanuki-Device");
	const char *t = http_hdr(c, "X-Tanuki-Time");
	const char *nonce = http_hdr(c, "X-Tanuki-Nonce");
	const char *sig = http_hdr(c, "X-Tanuki-Signature");
	const char *cl = http_hdr(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
	int64_t tv, len, now = (int64_t)time(NULL);
	int r;

	if (dev && summary_name_ok(dev, strlen(dev)))
		snprintf(q->device, sizeof(q->device), "%s", dev);
	if (!cl)
		return http_refuse(c, q->device, 411, "length required"), 411;
	if (!hub_parse_i64(cl, 0, INT64_MAX / 2, &len) || (size_t)len > h->conf->max_body)
		return http_refuse(c, q->device, 413, "body too large"), 413;
	if (!q->device[0] || !t || !nonce || !sig || !hub_parse_i64(t, 0, INT64_MAX / 2, &tv) ||
	    !http_lowhex(nonce, 32) || !http_lowhex(sig, 64))
		return http_refuse(c, q->device, 400, "missing or malformed headers"), 400;
	if (tv < now - HUB_TIME_WINDOW || tv > now + HUB_TIME_WINDOW)
		return http_refuse(c, q->device, 401, "timestamp outside window"), 401;
	r = db_device_secret(h->st, q->device, q->secret);
	if (r == -ENOENT) {
		q->unknown = true;
	} else if (r) {
		http_logline(c, q->device, "store: %s", h->st->err);
		return http_refuse(c, q->device, 500, "store error"), 500;
	}
	if (!gate_reserve(&h->gate, q->gc, (size_t)len))
		return http_refuse(c, q->device, 503, "busy: unauthenticated bytes"), 503;
	q->expect = (size_t)len;
	buf_init(&q->body, q->expect);
	snprintf(q->time, sizeof(q->time), "%s", t);
	snprintf(q->nonce, sizeof(q->nonce), "%s", nonce);
	snprintf(q->sig, sizeof(q->sig), "%s", sig);
	return 0;
}

/* After the last body byte: the signature. Refusals for an unknown device
 * and a wrong signature are the same answer. */
static bool body_signed(struct hub *h, struct MHD_Connection *c, struct req *q,
			enum MHD_Result *ret)
{
	gate_release(&h->gate, q->gc);
	if (q->too_big) {
		*ret = http_refuse(c, q->device, 413, "body too large");
		return false;
	}
	if (q->unknown) {
		/* the same work as a wrong signature, against a secret no
		 * device has: no timing tells the name is unknown either */
		(void)hub_sig_ok("unknown device: no secret", q->device, q->time, q->nonce,
				 q->body.p ? q->body.p : "", q->body.len, q->sig);
		*ret = refuse_as(c, q->device, 401, "unknown device", "bad signature");
		return false;
	}
	if (!hub_sig_ok(q->secret, q->device, q->time, q->nonce, q->body.p ? q->body.p : "",
			q->body.len, q->sig)) {
		*ret = http_refuse(c, q->device, 401, "bad signature");
		return false;
	}
	return true;
}

static enum MHD_Result ingest_done(struct hub *h, struct MHD_Connection *c, struct req *q)
{
	struct jdoc d;
	struct summary s;
	char err[96], ack[48];
	size_t where = 0;
	int64_t now = (int64_t)time(NULL);
	bool dup = false;
	enum MHD_Result ret;
	int r;

	if (!body_signed(h, c, q, &ret))
		return ret;
	r = jp_parse(&d, q->body.p ? q->body.p : "", q->body.len,
		     (int32_t)HUB_JSON_NODES(h->conf->max_body), HUB_JSON_DEPTH, &where);
	if (r) {
		jp_free(&d);
		http_logline(c, q->device, "json %s at byte %zu",
			     r == -E2BIG ? "too deep or too many nodes" : "syntax error", where);
		return http_refuse(c, q->device, 400, "bad json");
	}
	if (summary_check(&d, &s, err, sizeof(err))) {
		jp_free(&d);
		http_logline(c, q->device, "summary: %s", err);
		return http_refuse(c, q->device, 400, "bad summary");
	}
	if (strcmp(s.device, q->device)) {
		jp_free(&d);
		return http_refuse(c, q->device, 400, "device differs from header");
	}
	if (now - h->last_prune > 3600) {
		if (db_prune(h->st, now, h->conf->retention_days, HUB_TIME_WINDOW))
			http_logline(c, q->device, "prune: %s", h->st->err);
		h->last_prune = now;
	}
	r = db_ingest(h->st, &d, &s, q->body.p, q->nonce, now, &dup);
	jp_free(&d);
	if (r == -EALREADY)
		return http_refuse(c, q->device, 401, "replayed nonce");
	if (r) {
		http_logline(c, q->device, "store: %s", h->st->err);
		return http_refuse(c, q->device, 500, "store error");
	}
	h->ingests++;
	if (!dup && s.events >= 0)
		export_kick(h->exp); /* its events are queued: send them now */
	http_logline(c, q->device, "seq %" PRId64 " %s (%zu bytes)", s.seq,
		     dup ? "duplicate, acked again" : "stored", q->body.len);
	r = snprintf(ack, sizeof(ack), "{\"ack\":%" PRId64 "}", s.seq);
	return reply(c, 200, ack, (size_t)r);
}

/* POST /v1/binary: a captured binary, signed like a summary, named by the
 * X-Tanuki-Sha256 header that must match the body. Kept once as
 * <files>/<sha256>; a second upload changes nothing. */
static enum MHD_Result binary_done(struct hub *h, struct MHD_Connection *c, struct req *q)
{
	const char *want = http_hdr(c, "X-Tanuki-Sha256");
	uint8_t dig[SHA256_LEN];
	char hex[SHA256_HEX], path[1200], tmp[1300], ans[128];
	int64_t now = (int64_t)time(NULL);
	struct stat st;
	bool dup;
	enum MHD_Result ret;
	int r, fd;

	if (!body_signed(h, c, q, &ret))
		return ret;
	if (!want || !http_lowhex(want, 64))
		return http_refuse(c, q->device, 400, "missing or malformed headers");
	hash_sha256(q->body.p ? q->body.p : "", q->body.len, dig);
	hash_hex(dig, sizeof(dig), hex);
	if (strcmp(hex, want))
		return http_refuse(c, q->device, 400, "sha256 differs from body");
	r = db_nonce_use(h->st, q->device, q->nonce, now);
	if (r == -EALREADY)
		return http_refuse(c, q->device, 401, "replayed nonce");
	if (r) {
		http_logline(c, q->device, "store: %s", h->st->err);
		return http_refuse(c, q->device, 500, "store error");
	}
	snprintf(path, sizeof(path), "%s/%s", h->conf->files, hex);
	dup = !stat(path, &st) && (size_t)st.st_size == q->body.len;
	if (!dup) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 ||
		    (q->body.len && write(fd, q->body.p, q->body.len) != (ssize_t)q->body.len) ||
		    fsync(fd) || close(fd) || rename(tmp, path)) {
			http_logline(c, q->device, "binary %s: %s", hex, strerror(errno));
			if (fd >= 0)
				unlink(tmp);
			return http_refuse(c, q->device, 500, "store error");
		}
	}
	h->binaries++;
	if (!dup) {
		char fam[LABEL_MAX];

		if (label_scan(&h->labeler, q->body.p ? q->body.p : "", q->body.len, fam))
			http_logline(c, q->device, "binary %s: yara scan failed", hex);
		else if (db_label_set(h->st, hex, fam, h->labeler.hash, now))
			http_logline(c, q->device, "store: %s", h->st->err);
		else if (fam[0])
			http_logline(c, q->device, "binary %s labelled %s", hex, fam);
	}
	http_logline(c, q->device, "binary %s %s (%zu bytes)", hex, dup ? "duplicate" : "stored",
		     q->body.len);
	r = snprintf(ans, sizeof(ans), "{\"stored\":\"%s\",\"duplicate\":%s}", hex,
		     dup ? "true" : "false");
	return reply(c, 200, ans, (size_t)r);
}

static struct gate_conn *conn_gate(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static enum MHD_Result on_req(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *data_size, void **ctx)
{
	struct hub *h = cls;
	struct req *q = *ctx;

	(void)version;
	if (!q) {
		q = calloc(1, sizeof(*q));
		if (!q)
			return MHD_NO;
		*ctx = q;
		q->gc = conn_gate(c);
		gate_request(&h->gate, q->gc, gate_now_ms());
		if (!strcmp(url, "/v1/ingest") || !strcmp(url, "/v1/binary")) {
			if (strcmp(method, "POST"))
				return http_refuse(c, NULL, 405, "POST only");
			q->ingest = true;
			q->binary = url[4] == 'b';
			if (ingest_head(h, c, q))
				q->answered = true; /* refused, answer queued */
			return MHD_YES;
		}
		if (web_path(url)) {
			const char *cl = http_hdr(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
			int64_t len = 0;

			if (strcmp(method, "POST"))
				return (enum MHD_Result)web_handle(h, c, url, method, NULL, 0);
			/* a form: small, its length known, counted as
			 * unauthenticated bytes until it is handled */
			if (!cl || !hub_parse_i64(cl, 0, HUB_FORM_MAX, &len)) {
				q->answered = true;
				return http_refuse(c, NULL, 413, "form too large");
			}
			if (!gate_reserve(&h->gate, q->gc, (size_t)len)) {
				q->answered = true;
				return http_refuse(c, NULL, 503, "busy: unauthenticated bytes");
			}
			q->form = true;
			q->expect = (size_t)len;
			buf_init(&q->body, q->expect);
			return MHD_YES;
		}
		if (strcmp(method, "GET"))
			return http_refuse(c, NULL, 405, "GET only");
		if (!strcmp(url, "/metrics"))
			return http_metrics(h, c);
		if (!strncmp(url, "/v1/binary/", 11))
			return http_get_binary(h, c, url + 11);
		return http_api(h, c, url);
	}
	if (!(q->ingest || q->form) || q->answered) {
		*data_size = 0; /* the answer is queued: drop what follows */
		return MHD_YES;
	}
	if (*data_size) {
		q->got += *data_size;
		if (q->got > q->expect)
			q->too_big = true; /* not with a Content-Length; kept safe */
		else if (buf_add(&q->body, data, *data_size))
			q->too_big = true;
		*data_size = 0;
		return MHD_YES;
	}
	if (q->form) {
		gate_release(&h->gate, q->gc);
		if (q->too_big)
			return http_refuse(c, NULL, 413, "form too large");
		return (enum MHD_Result)web_handle(h, c, url, method, q->body.p ? q->body.p : "",
						   q->body.len);
	}
	return q->binary ? binary_done(h, c, q) : ingest_done(h, c, q);
}

static void on_done(void *cls, struct MHD_Connection *c, void **ctx,
		    enum MHD_RequestTerminationCode why)
{
	struct hub *h = cls;
	struct req *q = *ctx;

	(void)c;
	(void)why;
	if (q) {
		gate_done(&h->gate, q->gc);
		buf_free(&q->body);
		free(q);
		*ctx = NULL;
	}
}

static enum MHD_Result on_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct hub *h = cls;

	(void)len;
	return gate_accept(&h->gate, sa, gate_now_ms()) ? MHD_YES : MHD_NO;
}

static void on_conn(void *cls, struct MHD_Connection *c, void **socket_ctx,
		    enum MHD_ConnectionNotificationCode code)
{
	struct hub *h = cls;
	const union MHD_ConnectionInfo *ai, *fi;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ai = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		fi = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!fi)
			return;
		*socket_ctx =
		    gate_open(&h->gate, ai ? ai->client_addr : NULL, fi->connect_fd, gate_now_ms());
		if (!*socket_ctx)
			shutdown(fi->connect_fd, SHUT_RDWR);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		gate_close(&h->gate, *socket_ctx);
		*socket_ctx = NULL;
	}
}

void http_tick(struct hub *h)
{
	gate_sweep(&h->gate, gate_now_ms());
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	fprintf(stderr, "tanuki-hub: http: %s\n", msg);
}

int http_start(struct hub *h, const char *cert, const char *key, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_ERROR_LOG |
			 MHD_USE_EPOLL_LINUX_ONLY;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, h->conf->listen, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)h->conf->port);
	} else if (inet_pton(AF_INET6, h->conf->listen, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)h->conf->port);
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, errlen, "bad listen address");
		return -1;
	}
	if (gate_init(&h->gate, h->conf->max_body)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	the_hub = h;
	h->mhd = MHD_start_daemon(
	    flags, (uint16_t)h->conf->port, on_accept, h, on_req, h, MHD_OPTION_EXTERNAL_LOGGER,
	    mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_HTTPS_MEM_CERT,
	    cert, MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_NOTIFY_COMPLETED, on_done, h,
	    MHD_OPTION_NOTIFY_CONNECTION, on_conn, h, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)HUB_CONN_SLOTS, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HUB_CONN_TIMEOUT_S,
	    MHD_OPTION_END);
	if (!h->mhd) {
		gate_free(&h->gate);
		snprintf(err, errlen,
			 "cannot listen on %s port %d (in use, or bad"
			 " certificate/key)",
			 h->conf->listen, h->conf->port);
		return -1;
	}
	return 0;
}

void http_stop(struct hub *h)
{
	if (h->mhd) {
		MHD_stop_daemon(h->mhd);
		gate_free(&h->gate);
	}
	h->mhd = NULL;
}
