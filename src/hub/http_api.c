/* http_api.c — the hub's read side on libmicrohttpd: the GET API under
 * /v1/ (bearer token; totals, devices, binaries, events, tops), a stored
 * binary by SHA-256, and /metrics for Prometheus. The ingest (signed
 * POSTs) and the server itself are in http.c; shared calls in http_int.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "buf.h"
#include "db.h"
#include "db_export.h"
#include "hub.h"
#include "hub_limits.h"
#include "http_int.h"

static bool token_ok(struct hub *h, struct MHD_Connection *c)
{
	const char *a = http_hdr(c, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *t = h->conf->api_token;
	size_t n = strlen(t), i;
	unsigned diff = 0;

	if (!n || !a || strncmp(a, "Bearer ", 7) || strlen(a + 7) != n)
		return false;
	for (i = 0; i < n; i++)
		diff |= (unsigned)(a[7 + i] ^ t[i]);
	return diff == 0;
}

static bool arg(struct MHD_Connection *c, const char *k, int64_t min, int64_t max, int64_t def,
		int64_t *out)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);

	*out = def;
	return !v || !*v || hub_parse_i64(v, min, max, out);
}

enum MHD_Result http_api(struct hub *h, struct MHD_Connection *c, const char *url)
{
	struct buf out;
	int64_t from, to, limit;
	enum MHD_Result ret;
	int r;

	if (!token_ok(h, c))
		return http_refuse(c, NULL, 401, "bad or missing api token");
	if (!arg(c, "from", 0, INT64_MAX / 2, 0, &from) ||
	    !arg(c, "to", 0, INT64_MAX / 2, INT64_MAX / 2, &to) ||
	    !arg(c, "limit", 1, HUB_API_LIMIT_MAX, HUB_API_LIMIT_DEFAULT, &limit))
		return http_refuse(c, NULL, 400, "bad query argument");
	buf_init(&out, HUB_API_OUT_MAX);
	if (!strcmp(url, "/v1/totals"))
		r = db_api_totals(h->st, from, to, &out);
	else if (!strcmp(url, "/v1/devices"))
		r = db_api_devices(h->st, &out);
	else if (!strcmp(url, "/v1/binaries"))
		r = db_api_binaries(h->st, limit, &out);
	else if (!strcmp(url, "/v1/events"))
		r = db_api_events(h->st, from, to, limit, &out);
	else if (!strcmp(url, "/v1/credentials") || !strcmp(url, "/v1/sources") ||
		 !strcmp(url, "/v1/commands") || !strcmp(url, "/v1/exploits"))
		r = db_api_top(h->st, url + 4, from, to, limit, &out);
	else {
		buf_free(&out);
		return http_refuse(c, NULL, 404, "no such endpoint");
	}
	if (r) {
		buf_free(&out);
		http_logline(c, NULL, "api: %s", r == -EIO ? h->st->err : strerror(-r));
		return http_refuse(c, NULL, 500, "store error");
	}
	ret =
	    http_reply_as(c, 200, out.p ? out.p : "", out.len,
			  strcmp(url, "/v1/events") ? "application/json" : "application/x-ndjson");
	buf_free(&out);
	return ret;
}

/* GET /v1/binary/<sha256>: the bytes a decoy uploaded (API token). */
enum MHD_Result http_get_binary(struct hub *h, struct MHD_Connection *c, const char *hex)
{
	char path[1200];
	struct buf b;
	enum MHD_Result ret;
	int fd;
	ssize_t r;
	char tmp[16384];

	if (!token_ok(h, c))
		return http_refuse(c, NULL, 401, "bad or missing api token");
	if (!http_lowhex(hex, 64))
		return http_refuse(c, NULL, 404, "no such binary");
	snprintf(path, sizeof(path), "%s/%s", h->conf->files, hex);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return http_refuse(c, NULL, 404, "no such binary");
	buf_init(&b, h->conf->max_body);
	while ((r = read(fd, tmp, sizeof(tmp))) > 0)
		if (buf_add(&b, tmp, (size_t)r))
			break;
	close(fd);
	{
		struct MHD_Response *resp = MHD_create_response_from_buffer(
		    b.len, b.p ? b.p : (void *)"", MHD_RESPMEM_MUST_COPY);
		char disp[128];

		buf_free(&b);
		if (!resp)
			return MHD_NO;
		/* a captured binary is never rendered: a download, not a page */
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s.bin\"", hex);
		MHD_add_response_header(resp, "Content-Type", "application/octet-stream");
		MHD_add_response_header(resp, "Content-Disposition", disp);
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		ret = MHD_queue_response(c, 200, resp);
		MHD_destroy_response(resp);
	}
	return ret;
}

/* GET /metrics: Prometheus text exposition (format 0.0.4), API token. */
static int metrics_dev(void *ctx, int ncol, const char *const *col)
{
	struct buf *b = ctx;
	int64_t now = (int64_t)time(NULL);

	if (ncol < 3 || !col[0])
		return 0;
	/* device names are [A-Za-z0-9._-]: nothing to escape in a label */
	buf_printf(b, "tanuki_hub_device_last_seen_seconds{device=\"%s\"} %s\n", col[0],
		   col[1] ? col[1] : "0");
	if (col[2])
		buf_printf(b, "tanuki_hub_device_lag_seconds{device=\"%s\"} %" PRId64 "\n", col[0],
			   now - (int64_t)strtoll(col[2], NULL, 10));
	return 0;
}

static int scalar(void *ctx, int ncol, const char *const *col)
{
	*(int64_t *)ctx = ncol >= 1 && col[0] ? strtoll(col[0], NULL, 10) : 0;
	return 0;
}

enum MHD_Result http_metrics(struct hub *h, struct MHD_Connection *c)
{
	struct gate_stats gs;
	size_t conns, unauth, i;
	int64_t dbsize = 0;
	struct buf b;
	enum MHD_Result ret;
	static const char *const gate_names[] = {
	    "refused_source", "refused_full", "evicted", "cut_hello", "cut_body", "refused_budget"};
	uint64_t gv[6];

	if (!token_ok(h, c))
		return http_refuse(c, NULL, 401, "bad or missing api token");
	gate_snapshot(&h->gate, &gs, &conns, &unauth);
	gv[0] = gs.refused_source, gv[1] = gs.refused_full, gv[2] = gs.evicted;
	gv[3] = gs.cut_hello, gv[4] = gs.cut_body, gv[5] = gs.refused_budget;
	buf_init(&b, HUB_API_OUT_MAX);
	buf_printf(&b,
		   "# HELP tanuki_hub_ingests_total Summaries accepted (stored or acked again).\n"
		   "# TYPE tanuki_hub_ingests_total counter\n"
		   "tanuki_hub_ingests_total %" PRIu64 "\n"
		   "# HELP tanuki_hub_binaries_total Binary uploads accepted.\n"
		   "# TYPE tanuki_hub_binaries_total counter\n"
		   "tanuki_hub_binaries_total %" PRIu64 "\n"
		   "# HELP tanuki_hub_refusals_total Requests refused, by status and reason.\n"
		   "# TYPE tanuki_hub_refusals_total counter\n",
		   h->ingests, h->binaries);
	for (i = 0; i < sizeof(h->refusals) / sizeof(h->refusals[0]) && h->refusals[i].why; i++)
		/* reasons are string literals of this file: no quotes or \\ */
		buf_printf(&b,
			   "tanuki_hub_refusals_total{status=\"%u\",reason=\"%s\"} %" PRIu64 "\n",
			   h->refusals[i].status, h->refusals[i].why, h->refusals[i].n);
	buf_adds(&b, "# HELP tanuki_hub_gate_total Connections refused, evicted or cut before "
		     "authenticating.\n"
		     "# TYPE tanuki_hub_gate_total counter\n");
	for (i = 0; i < 6; i++)
		buf_printf(&b, "tanuki_hub_gate_total{event=\"%s\"} %" PRIu64 "\n", gate_names[i],
			   gv[i]);
	buf_printf(&b,
		   "# HELP tanuki_hub_connections Open connections.\n"
		   "# TYPE tanuki_hub_connections gauge\n"
		   "tanuki_hub_connections %zu\n"
		   "# HELP tanuki_hub_unauthenticated_bytes Body bytes reserved for requests not "
		   "yet authenticated.\n"
		   "# TYPE tanuki_hub_unauthenticated_bytes gauge\n"
		   "tanuki_hub_unauthenticated_bytes %zu\n"
		   "# HELP tanuki_hub_device_last_seen_seconds Unix time of the device's last "
		   "accepted summary.\n"
		   "# TYPE tanuki_hub_device_last_seen_seconds gauge\n"
		   "# HELP tanuki_hub_device_lag_seconds Now minus the end of the device's newest "
		   "summary period.\n"
		   "# TYPE tanuki_hub_device_lag_seconds gauge\n",
		   conns, unauth);
	store_exec(h->st,
		   "SELECT name, last_seen, (SELECT MAX(pto) FROM summaries s WHERE"
		   " s.device = d.name) FROM devices d ORDER BY name",
		   0, NULL, metrics_dev, &b);
	if (!strcmp(h->st->ops->name, "sqlite")) {
		struct stat st;
		char wal[1100];

		if (!stat(h->conf->db, &st))
			dbsize += st.st_size;
		snprintf(wal, sizeof(wal), "%s-wal", h->conf->db);
		if (!stat(wal, &st))
			dbsize += st.st_size;
	} else {
		store_exec(h->st, "SELECT pg_database_size(current_database())", 0, NULL, scalar,
			   &dbsize);
	}
	/* the exports' counters, queue and lag (db_export.c) */
	if (db_export_metrics(h->st, &b, (int64_t)time(NULL)))
		http_logline(c, NULL, "metrics: %s", h->st->err);
	buf_printf(&b,
		   "# HELP tanuki_hub_db_bytes Size of the database (SQLite: file and WAL).\n"
		   "# TYPE tanuki_hub_db_bytes gauge\n"
		   "tanuki_hub_db_bytes %" PRId64 "\n",
		   dbsize);
	ret = http_reply_as(c, 200, b.p ? b.p : "", b.len,
			    "text/plain; version=0.0.4; charset=utf-8");
	buf_free(&b);
	return ret;
}
