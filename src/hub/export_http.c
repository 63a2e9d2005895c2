/* export_http.c — one export request with libcurl (GnuTLS flavour, the
 * hub's TLS library) and the check of its answer against what the vendor
 * documents as full success (see export_int.h, docs/hub.md "Exports").
 *
 * Splunk HEC: POST <url>/services/collector/event, `Authorization: Splunk
 * <token>`, the events as JSON objects concatenated, each {"time", "host",
 * "source", "sourcetype"[, "index"], "event"}; success is 200 with
 * {"text":"Success","code":0}.
 * Elasticsearch: POST <url>/_bulk, `Content-Type: application/x-ndjson`,
 * per event a `create` action line (the hub's own id, so a resent event is
 * refused as 409 instead of indexed twice) and the raw event as source
 * line, a newline after each; success is 200 with "errors":false, or with
 * "errors":true item by item (2xx and 409 done, 429 and 5xx retried, other
 * statuses rejected for good).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "export_int.h"
#include "hub_limits.h"
#include "isotime.h"
#include "jp.h"
#include "json.h"

static size_t on_data(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct buf *b = ctx;
	size_t n = size * nmemb;

	/* past the bound: 0 makes libcurl stop with CURLE_WRITE_ERROR */
	return buf_add(b, p, n) ? 0 : n;
}

/* At shutdown a request that has not sent a byte is given up; one whose
 * body is on its way is let finish (HUB_EXPORT_TIMEOUT_S at most): cut, it
 * could be indexed and still be sent again after the restart. */
static int on_progress(void *ctx, curl_off_t dlt, curl_off_t dln, curl_off_t ult, curl_off_t uln)
{
	const int *stop = ctx;

	(void)dlt, (void)dln, (void)ult;
	return uln == 0 && __atomic_load_n(stop, __ATOMIC_RELAXED) != 0; /* non-zero aborts */
}

int export_http_init(struct export_rt *rt, char *err, size_t errlen)
{
	const struct export_conf *c = rt->c;
	struct curl_slist *h = NULL, *t;
	char line[700];
	CURL *cu = curl_easy_init();
	bool ok = cu != NULL;

	if (!cu) {
		snprintf(err, errlen, "export '%s': libcurl did not initialise", c->name);
		return -1;
	}
	snprintf(line, sizeof(line), "Content-Type: %s",
		 c->type == EXPORT_SPLUNK ? "application/json" : "application/x-ndjson");
	ok = ok && (h = curl_slist_append(h, line));
	/* no "Expect: 100-continue" round trip before each body */
	ok = ok && (t = curl_slist_append(h, "Expect:")) && (h = t);
	if (ok && c->type == EXPORT_SPLUNK) {
		snprintf(line, sizeof(line), "Authorization: Splunk %s", c->token);
		ok = (t = curl_slist_append(h, line)) && (h = t);
	} else if (ok && c->api_key[0]) {
		snprintf(line, sizeof(line), "Authorization: ApiKey %s", c->api_key);
		ok = (t = curl_slist_append(h, line)) && (h = t);
	}
	explicit_bzero(line, sizeof(line));
	ok = ok && !curl_easy_setopt(cu, CURLOPT_URL, c->url) &&
	     !curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https") &&
	     !curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 0L) &&
	     /* the environment's proxy variables are not ours to follow */
	     !curl_easy_setopt(cu, CURLOPT_PROXY, "") &&
	     !curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L) &&
	     !curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, (long)HUB_EXPORT_CONNECT_S) &&
	     !curl_easy_setopt(cu, CURLOPT_TIMEOUT, (long)HUB_EXPORT_TIMEOUT_S) &&
	     !curl_easy_setopt(cu, CURLOPT_USERAGENT, "tanuki-hub") &&
	     !curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h) &&
	     !curl_easy_setopt(cu, CURLOPT_POST, 1L) &&
	     !curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_data) &&
	     !curl_easy_setopt(cu, CURLOPT_NOPROGRESS, 0L) &&
	     !curl_easy_setopt(cu, CURLOPT_XFERINFOFUNCTION, on_progress) &&
	     !curl_easy_setopt(cu, CURLOPT_XFERINFODATA, (void *)rt->stop) &&
	     !curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, rt->errbuf);
	if (ok && c->type == EXPORT_ELASTIC && c->user[0])
		ok = !curl_easy_setopt(cu, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) &&
		     !curl_easy_setopt(cu, CURLOPT_USERNAME, c->user) &&
		     !curl_easy_setopt(cu, CURLOPT_PASSWORD, c->password);
	/* verification stays on; a CA file replaces the system's CAs, a pin
	 * alone names the one key the receiver may present */
	if (ok && c->ca_file[0])
		ok = !curl_easy_setopt(cu, CURLOPT_CAINFO, c->ca_file) &&
		     !curl_easy_setopt(cu, CURLOPT_CAPATH, NULL);
	if (ok && c->pin[0]) {
		ok = !curl_easy_setopt(cu, CURLOPT_PINNEDPUBLICKEY, c->pin);
		if (ok && !c->ca_file[0])
			ok = !curl_easy_setopt(cu, CURLOPT_SSL_VERIFYPEER, 0L) &&
			     !curl_easy_setopt(cu, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	rt->curl = cu;
	rt->hdrs = h;
	if (!ok) {
		snprintf(err, errlen, "export '%s': libcurl refused an option", c->name);
		export_http_free(rt);
		return -1;
	}
	return 0;
}

void export_http_free(struct export_rt *rt)
{
	if (rt->curl)
		curl_easy_cleanup(rt->curl);
	curl_slist_free_all(rt->hdrs);
	rt->curl = NULL;
	rt->hdrs = NULL;
}

/* The event's top-level "timestamp" (Cowrie's ISO 8601 form). */
static bool event_time(const char *raw, size_t len, int64_t *us)
{
	struct jdoc d;
	int32_t t;
	bool ok;

	memset(&d, 0, sizeof(d));
	ok = !jp_parse(&d, raw, len, (int32_t)HUB_JSON_NODES(len), HUB_JSON_DEPTH, NULL) &&
	     d.n[0].type == J_OBJ;
	t = ok ? jp_get(&d, 0, "timestamp") : -1;
	ok = t >= 0 && d.n[t].type == J_STR && iso_parse(jp_str(&d, t), d.n[t].slen, us);
	jp_free(&d);
	return ok;
}

/* HEC: {"time":…,"host":…,"source":…,"sourcetype":…[,"index":…],"event":…}
 * per event, concatenated. time is the event's timestamp (seconds with
 * milliseconds), else the start of its summary's period. */
static int hec_body(const struct export_conf *c, const struct export_item *it, int n, struct buf *b)
{
	int i;

	for (i = 0; i < n; i++, it++) {
		struct json j;
		char t[48];
		int64_t us;

		if (it->state != EXP_SEND)
			continue;
		if (event_time(it->raw, it->rawlen, &us) && us >= 0)
			snprintf(t, sizeof(t), "%" PRId64 ".%03d", us / 1000000,
				 (int)(us % 1000000 / 1000));
		else
			snprintf(t, sizeof(t), "%" PRId64, it->pfrom);
		json_open(&j, b);
		json_raw(&j, "time", t, strlen(t));
		json_cstr(&j, "host", it->device);
		json_cstr(&j, "source", c->source);
		json_cstr(&j, "sourcetype", c->sourcetype);
		if (c->index[0])
			json_cstr(&j, "index", c->index);
		/* the event as stored: valid JSON, checked at ingest */
		json_raw(&j, "event", it->raw, it->rawlen);
		if (json_close(&j))
			return -ENOBUFS;
	}
	return 0;
}

/* _bulk: an action line and a source line per event, each ending in \n.
 * The source is the raw event on one line: a newline in it can only be
 * whitespace between tokens (JSON strings escape theirs). */
static int bulk_body(const struct export_conf *c, const struct export_item *it, int n,
		     struct buf *b)
{
	int i, r = 0;

	for (i = 0; i < n && !r; i++, it++) {
		size_t k, from;

		if (it->state != EXP_SEND)
			continue;
		r |= buf_adds(b, "{\"create\":{\"_index\":\"");
		r |= json_escape(b, c->index, strlen(c->index));
		/* device names are [A-Za-z0-9._-] (summary.c) */
		r |= buf_printf(b, "\",\"_id\":\"%s-%" PRId64 "-%" PRId64 "\"}}\n", it->device,
				it->seq, it->idx);
		for (k = from = 0; k <= it->rawlen && !r; k++) {
			if (k < it->rawlen && it->raw[k] != '\n' && it->raw[k] != '\r')
				continue;
			r |= buf_add(b, it->raw + from, k - from);
			if (k < it->rawlen)
				r |= buf_addc(b, ' ');
			from = k + 1;
		}
		r |= buf_addc(b, '\n');
	}
	return r ? -ENOBUFS : 0;
}

/* res->what = pre + ": " + the first bytes of the answer, escaped. */
static void describe(struct export_res *res, const char *pre, const struct buf *ans)
{
	struct buf e;

	buf_init(&e, 1024);
	if (ans && ans->len)
		json_escape(&e, ans->p, ans->len < 160 ? ans->len : 160);
	snprintf(res->what, sizeof(res->what), "%s%s%s%s", pre, e.len ? ": " : "", e.p ? e.p : "",
		 ans && ans->len > 160 ? "…" : "");
	buf_free(&e);
}

static int parse(struct jdoc *d, const struct buf *ans)
{
	memset(d, 0, sizeof(*d));
	return jp_parse(d, ans->p ? ans->p : "", ans->len, (int32_t)(ans->len / 4 + 64), 16, NULL);
}

static void mark(struct export_item *it, int n, enum export_state from, enum export_state to)
{
	int i;

	for (i = 0; i < n; i++)
		if (it[i].state == from)
			it[i].state = to;
}

static int hec_answer(struct export_res *res, const struct buf *ans, struct export_item *it, int n)
{
	struct jdoc d;
	int32_t code, text;
	bool ok;

	ok = !parse(&d, ans) && d.n[0].type == J_OBJ;
	code = ok ? jp_get(&d, 0, "code") : -1;
	text = ok ? jp_get(&d, 0, "text") : -1;
	ok = ok && code >= 0 && d.n[code].type == J_NUM && d.n[code].isint && !d.n[code].num &&
	     text >= 0 && d.n[text].type == J_STR && !strcmp(jp_str(&d, text), "Success");
	jp_free(&d);
	if (!ok) {
		describe(res, "HTTP 200 without {\"text\":\"Success\",\"code\":0}", ans);
		return -1;
	}
	mark(it, n, EXP_SEND, EXP_DONE);
	return 0;
}

/* One _bulk item: {"create":{…,"status":N[,"error":{"type":…}]}}. */
static void bulk_item(const struct jdoc *d, int32_t el, struct export_item *it)
{
	int32_t v = d->n[el].type == J_OBJ ? d->n[el].child : -1;
	int32_t st = v >= 0 && d->n[v].type == J_OBJ ? jp_get(d, v, "status") : -1;
	int32_t er = v >= 0 && d->n[v].type == J_OBJ ? jp_get(d, v, "error") : -1;
	int32_t ty = er >= 0 && d->n[er].type == J_OBJ ? jp_get(d, er, "type") : -1;
	int64_t s = st >= 0 && d->n[st].type == J_NUM && d->n[st].isint ? d->n[st].num : 0;

	it->status = (int)(s > 0 && s < 1000 ? s : 0);
	if (s >= 200 && s < 300)
		it->state = EXP_DONE;
	else if (s == 409) /* create: that _id is indexed already */
		it->state = EXP_DONE;
	else if (s == 429 || s >= 500)
		it->state = EXP_RETRY;
	else {
		struct buf e;

		it->state = EXP_REJECT;
		buf_init(&e, sizeof(it->reason) - 1);
		if (ty >= 0 && d->n[ty].type == J_STR)
			json_escape(&e, jp_str(d, ty), d->n[ty].slen < 48 ? d->n[ty].slen : 48);
		snprintf(it->reason, sizeof(it->reason), "%s", e.p ? e.p : "no error type");
		buf_free(&e);
	}
}

static int bulk_answer(struct export_res *res, const struct buf *ans, struct export_item *it, int n,
		       int nsend)
{
	struct jdoc d;
	int32_t errs, items, el;
	int count = 0, i;

	if (parse(&d, ans) || d.n[0].type != J_OBJ) {
		jp_free(&d);
		describe(res, "HTTP 200 with an answer that is not a JSON object", ans);
		return -1;
	}
	errs = jp_get(&d, 0, "errors");
	items = jp_get(&d, 0, "items");
	if (items >= 0 && d.n[items].type == J_ARR)
		for (el = d.n[items].child; el >= 0; el = d.n[el].next)
			count++;
	if (errs < 0 || (d.n[errs].type != J_FALSE && d.n[errs].type != J_TRUE) ||
	    (d.n[errs].type == J_TRUE && count != nsend) || (items >= 0 && count != nsend)) {
		jp_free(&d);
		describe(res, "HTTP 200 without \"errors\" and one item per action", ans);
		return -1;
	}
	if (d.n[errs].type == J_FALSE) {
		jp_free(&d);
		mark(it, n, EXP_SEND, EXP_DONE);
		return 0;
	}
	/* errors:true: the items answer the actions in order */
	for (i = 0, el = d.n[items].child; i < n; i++) {
		if (it[i].state != EXP_SEND)
			continue;
		bulk_item(&d, el, &it[i]);
		res->retry += it[i].state == EXP_RETRY;
		el = d.n[el].next;
	}
	jp_free(&d);
	return 0;
}

int export_body(const struct export_conf *c, const struct export_item *items, int n, struct buf *b)
{
	return c->type == EXPORT_SPLUNK ? hec_body(c, items, n, b) : bulk_body(c, items, n, b);
}

int export_answer(enum export_type t, const struct buf *ans, struct export_item *items, int n,
		  struct export_res *res)
{
	int nsend = 0, i;

	for (i = 0; i < n; i++)
		nsend += items[i].state == EXP_SEND;
	return t == EXPORT_SPLUNK ? hec_answer(res, ans, items, n)
				  : bulk_answer(res, ans, items, n, nsend);
}

int export_http_send(struct export_rt *rt, struct export_item *items, int n, struct export_res *res)
{
	const struct export_conf *c = rt->c;
	CURL *cu = rt->curl;
	struct buf body, ans;
	curl_off_t after = 0;
	int nsend = 0, i, r = -1;
	CURLcode rc;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < n; i++)
		nsend += items[i].state == EXP_SEND;
	/* the raw events, one over the budget, and per event its envelope
	 * (index, source and sourcetype escaped: < 4 KiB) */
	buf_init(&body, HUB_EXPORT_REQ_MAX + HUB_BODY_MAX + (size_t)nsend * 4096);
	buf_init(&ans, HUB_EXPORT_ANSWER_MAX(nsend));
	if (export_body(c, items, n, &body)) {
		snprintf(res->what, sizeof(res->what), "request over its bound");
		goto out;
	}
	rt->errbuf[0] = '\0';
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body.p ? body.p : "");
	curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &ans);
	rc = curl_easy_perform(cu);
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &res->status);
	if (!curl_easy_getinfo(cu, CURLINFO_RETRY_AFTER, &after) && after > 0)
		res->retry_after = (int64_t)after;
	if (rc == CURLE_WRITE_ERROR) {
		snprintf(res->what, sizeof(res->what), "HTTP %ld: answer over %zu bytes",
			 res->status, ans.max);
		goto out;
	}
	if (rc != CURLE_OK) {
		snprintf(res->what, sizeof(res->what), "%s%s%s", curl_easy_strerror(rc),
			 rt->errbuf[0] ? ": " : "", rt->errbuf);
		goto out;
	}
	if (res->status != 200) {
		char pre[32];

		snprintf(pre, sizeof(pre), "HTTP %ld", res->status);
		describe(res, pre, &ans);
		goto out;
	}
	r = export_answer(c->type, &ans, items, n, res);
out:
	buf_free(&body);
	buf_free(&ans);
	return r;
}
