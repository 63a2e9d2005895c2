/* export.c — `config export` sections and the worker thread that empties
 * the export queues (see export.h; the request itself is export_http.c,
 * the queue and lease db_export.c).
 *
 * A round for one export: anything queued? take (or renew) the lease in
 * the database; read up to `batch` queued events; send them; on the
 * vendor's documented success dequeue them in one transaction that checks
 * the lease again. On failure nothing is dequeued and the export waits
 * 1 s, 2 s, 4 s … up to 300 s before it tries again.
 */
#include "export.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "export_int.h"
#include "hub.h"
#include "hub_limits.h"
#include "summary.h"
#include "url.h"

/* ---- config ---- */

static int bad(const char *path, int line, const char *what, const char *k)
{
	fprintf(stderr, "%s:%d: %s%s%s%s\n", path, line, what, k ? " '" : "", k ? k : "",
		k ? "'" : "");
	return 2;
}

/* Copies option k into dst; header_safe refuses what is not printable
 * ASCII without spaces (it goes into a header line). */
static int opt(struct uci_sec *s, const char *k, char *dst, size_t n, bool header_safe,
	       const char *path)
{
	struct uci_opt *o = uci_get(s, k);
	const char *p;

	if (!o)
		return 0;
	if (!*o->val)
		return bad(path, o->line, "empty value for", k);
	if (strlen(o->val) >= n)
		return bad(path, o->line, "value too long for", k);
	for (p = o->val; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f ||
		    (header_safe && ((unsigned char)*p > 0x7e || *p == ' ')))
			return bad(path, o->line, "unexpected character in", k);
	memcpy(dst, o->val, strlen(o->val) + 1);
	return 0;
}

static bool loopback(const char *host)
{
	struct in_addr a;

	if (!strcmp(host, "localhost") || !strcmp(host, "[::1]"))
		return true;
	return inet_pton(AF_INET, host, &a) == 1 && ((const unsigned char *)&a)[0] == 127;
}

/* "sha256//B64", "sha256/B64" (the hub's own form) or "B64" -> "sha256//B64" */
static bool pin_form(const char *in, char *out, size_t n)
{
	const char *b = in;
	size_t i;

	if (!strncmp(b, "sha256//", 8))
		b += 8;
	else if (!strncmp(b, "sha256/", 7))
		b += 7;
	if (strlen(b) != 44 || b[43] != '=')
		return false;
	for (i = 0; i < 43; i++)
		if (!((b[i] >= 'A' && b[i] <= 'Z') || (b[i] >= 'a' && b[i] <= 'z') ||
		      (b[i] >= '0' && b[i] <= '9') || b[i] == '+' || b[i] == '/'))
			return false;
	snprintf(out, n, "sha256//%s", b);
	return true;
}

static int check_url(struct uci_sec *s, struct export_conf *e, const char *path)
{
	struct uci_opt *o = uci_get(s, "url");
	struct url u;

	if (!o)
		return bad(path, s->line, "export without", "url");
	if (strlen(o->val) >= URL_MAX || url_parse(o->val, &u) ||
	    (u.scheme != URL_HTTP && u.scheme != URL_HTTPS) || u.user[0] || u.pass[0] ||
	    strchr(o->val, ' '))
		return bad(path, o->line,
			   "expected http(s)://HOST[:PORT][/PATH] (no user:pass@) for", "url");
	if (u.scheme == URL_HTTP && !loopback(u.host))
		return bad(path, o->line, "http:// is only for loopback (tests); use https:// in",
			   "url");
	if (u.scheme == URL_HTTP && (uci_get(s, "ca_file") || uci_get(s, "pin_sha256")))
		return bad(path, o->line, "ca_file and pin_sha256 need an https://", "url");
	/* none or "/": the vendor's endpoint */
	if (!strcmp(u.path, "/"))
		snprintf(u.path, sizeof(u.path), "%s",
			 e->type == EXPORT_SPLUNK ? "/services/collector/event" : "/_bulk");
	url_format(&u, e->url, sizeof(e->url));
	return 0;
}

int export_conf_parse(struct uci_sec *s, struct export_conf *e, const char *path)
{
	static const char *const known[] = {
	    "type",  "url",	"token",      "user",	"password",   "api_key", "index",
	    "batch", "ca_file", "pin_sha256", "source", "sourcetype", NULL};
	struct uci_opt *o;
	const char *k;
	char pin[120] = "";
	int r;

	memset(e, 0, sizeof(*e));
	if (strlen(s->name) > EXPORT_NAME_MAX || !summary_name_ok(s->name, strlen(s->name)))
		return bad(path, s->line, "export wants a name of [A-Za-z0-9._-], at most 32:",
			   "config export 'NAME'");
	snprintf(e->name, sizeof(e->name), "%s", s->name);
	for (o = s->opts; o; o = o->next) {
		const char *const *kk;

		for (kk = known; *kk && strcmp(*kk, o->key); kk++)
			;
		if (!*kk || o->list)
			return bad(path, o->line, "unknown option", o->key);
	}
	k = uci_str(s, "type", "");
	if (!strcmp(k, "splunk"))
		e->type = EXPORT_SPLUNK;
	else if (!strcmp(k, "elastic"))
		e->type = EXPORT_ELASTIC;
	else
		return bad(path, (o = uci_get(s, "type")) ? o->line : s->line,
			   "expected 'splunk' or 'elastic' for", "type");
	snprintf(e->source, sizeof(e->source), "tanuki-hub");
	snprintf(e->sourcetype, sizeof(e->sourcetype), "cowrie");
	if (e->type == EXPORT_ELASTIC)
		snprintf(e->index, sizeof(e->index), "tanuki");
	if ((r = check_url(s, e, path)) ||
	    (r = opt(s, "token", e->token, sizeof(e->token), true, path)) ||
	    (r = opt(s, "user", e->user, sizeof(e->user), true, path)) ||
	    (r = opt(s, "password", e->password, sizeof(e->password), false, path)) ||
	    (r = opt(s, "api_key", e->api_key, sizeof(e->api_key), true, path)) ||
	    (r = opt(s, "index", e->index, sizeof(e->index), false, path)) ||
	    (r = opt(s, "source", e->source, sizeof(e->source), false, path)) ||
	    (r = opt(s, "sourcetype", e->sourcetype, sizeof(e->sourcetype), false, path)) ||
	    (r = opt(s, "ca_file", e->ca_file, sizeof(e->ca_file), false, path)) ||
	    (r = opt(s, "pin_sha256", pin, sizeof(pin), true, path)))
		return r;
	if (e->type == EXPORT_SPLUNK && !e->token[0])
		return bad(path, s->line, "a splunk export needs", "token");
	if (e->type == EXPORT_SPLUNK && (e->user[0] || e->password[0] || e->api_key[0]))
		return bad(path, s->line, "a splunk export takes a token, not",
			   "user/password/api_key");
	if (e->type == EXPORT_ELASTIC && e->token[0])
		return bad(path, s->line, "an elastic export takes user/password or api_key, not",
			   "token");
	if (!e->user[0] != !e->password[0])
		return bad(path, s->line, "user and password go together", NULL);
	if (e->user[0] && e->api_key[0])
		return bad(path, s->line, "either user/password or api_key, not both", NULL);
	if (pin[0] && !pin_form(pin, e->pin, sizeof(e->pin)))
		return bad(path, uci_get(s, "pin_sha256")->line,
			   "expected sha256//<44 base64 characters> for", "pin_sha256");
	if (e->ca_file[0] && access(e->ca_file, R_OK))
		return bad(path, uci_get(s, "ca_file")->line, "cannot read", e->ca_file);
	{
		int64_t v = HUB_EXPORT_BATCH_DEFAULT;

		o = uci_get(s, "batch");
		if (o && !hub_parse_i64(o->val, 1, HUB_EXPORT_BATCH_MAX, &v))
			return bad(path, o->line, "expected a number 1..1000 for", "batch");
		e->batch = (int)v;
	}
	return 0;
}

/* ---- the worker ---- */

struct exporter {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* CLOCK_MONOTONIC */
	bool kick;
	int stop; /* atomic: read by libcurl's progress callback */
	struct store *st;
	char holder[128];
	struct export_rt rt[EXPORT_MAX];
	int n;
};

static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void say(const struct export_rt *rt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct export_rt *rt, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tanuki-hub: export '%s': %s\n", rt->c->name, msg);
}

/* A failed round: the next try waits 1 s, 2 s, 4 s … (or the receiver's
 * Retry-After) up to the cap. counted: a failed request (not a store
 * error), added to the export's failed counter. */
static void failed(struct exporter *x, struct export_rt *rt, const char *what, int64_t after,
		   bool counted)
{
	int64_t ms = HUB_EXPORT_BACKOFF_MIN_MS;
	unsigned i;

	rt->fails++;
	for (i = 1; i < rt->fails && ms < HUB_EXPORT_BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (after >= HUB_EXPORT_BACKOFF_MAX_MS / 1000)
		ms = HUB_EXPORT_BACKOFF_MAX_MS;
	else if (after > 0 && after * 1000 > ms)
		ms = after * 1000;
	if (ms > HUB_EXPORT_BACKOFF_MAX_MS)
		ms = HUB_EXPORT_BACKOFF_MAX_MS;
	rt->next_ms = mono_ms() + ms;
	if (counted && db_export_failed(x->st, rt->c->name, what, (int64_t)time(NULL)))
		say(rt, "store: %s", x->st->err);
	say(rt, "%s; try %u failed, next in %" PRId64 ".%03d s", what, rt->fails, ms / 1000,
	    (int)(ms % 1000));
}

/* One request's worth. 1 when a full batch went (more may be queued). */
static int round_one(struct exporter *x, struct export_rt *rt)
{
	const struct export_conf *c = rt->c;
	int64_t now = (int64_t)time(NULL);
	struct export_item *items = NULL;
	struct export_res res;
	int n = 0, nsend = 0, i, r;

	r = db_export_any(x->st, c->name);
	if (r <= 0) {
		if (r < 0)
			failed(x, rt, x->st->err, 0, false);
		return 0;
	}
	r = db_export_lease(x->st, c->name, x->holder, now, now + HUB_EXPORT_LEASE_S);
	if (r == -EBUSY)
		return 0; /* another hub on this database sends for it */
	if (!r)
		r = db_export_batch(x->st, c->name, c->batch, HUB_EXPORT_REQ_MAX, &items, &n);
	if (r) {
		failed(x, rt, r == -EIO ? x->st->err : strerror(-r), 0, false);
		return 0;
	}
	for (i = 0; i < n; i++)
		nsend += items[i].state == EXP_SEND;
	memset(&res, 0, sizeof(res));
	if (nsend && export_http_send(rt, items, n, &res)) {
		db_export_items_free(items, n);
		failed(x, rt, res.what, res.retry_after, true);
		return 0;
	}
	r = db_export_commit(x->st, c->name, x->holder, (int64_t)time(NULL),
			     (int64_t)time(NULL) + HUB_EXPORT_LEASE_S, items, n);
	for (i = 0; i < n && !r; i++)
		if (items[i].state == EXP_REJECT)
			say(rt,
			    "%s seq %" PRId64 " event %" PRId64 " rejected: %d %s (recorded"
			    " in export_rejected, not retried)",
			    items[i].device, items[i].seq, items[i].idx, items[i].status,
			    items[i].reason);
	db_export_items_free(items, n);
	if (r) {
		/* sent but still queued: it goes again (ES refuses the copy: 409) */
		failed(x, rt,
		       r == -EBUSY ? "lease lost to another hub during the request" : x->st->err, 0,
		       false);
		return 0;
	}
	if (res.retry) {
		char what[64];

		snprintf(what, sizeof(what), "%d of %d items to retry (429/5xx)", res.retry, nsend);
		failed(x, rt, what, res.retry_after, true);
		return 0;
	}
	if (rt->fails)
		say(rt, "delivering again after %u failed tries", rt->fails);
	rt->fails = 0;
	return n == c->batch;
}

static void *worker(void *arg)
{
	struct exporter *x = arg;
	int i;

	while (!__atomic_load_n(&x->stop, __ATOMIC_RELAXED)) {
		int64_t wait = HUB_EXPORT_POLL_MS, now;
		bool more = false;
		struct timespec ts;

		for (i = 0; i < x->n && !__atomic_load_n(&x->stop, __ATOMIC_RELAXED); i++)
			if (mono_ms() >= x->rt[i].next_ms)
				more |= round_one(x, &x->rt[i]) > 0;
		/* sleep until the next poll, kick or end of a backoff */
		now = mono_ms();
		for (i = 0; i < x->n; i++)
			if (x->rt[i].next_ms > now && x->rt[i].next_ms - now < wait)
				wait = x->rt[i].next_ms - now;
		pthread_mutex_lock(&x->mu);
		if (!more && !x->kick && !__atomic_load_n(&x->stop, __ATOMIC_RELAXED)) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += wait / 1000;
			ts.tv_nsec += (long)(wait % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&x->cv, &x->mu, &ts);
		}
		x->kick = false;
		pthread_mutex_unlock(&x->mu);
	}
	/* a restarted hub (same holder) or another one goes on at once */
	for (i = 0; i < x->n; i++)
		db_export_release(x->st, x->rt[i].c->name, x->holder);
	return NULL;
}

void export_kick(struct exporter *x)
{
	if (!x)
		return;
	pthread_mutex_lock(&x->mu);
	x->kick = true;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
}

static void destroy(struct exporter *x)
{
	int i;

	for (i = 0; i < x->n; i++)
		export_http_free(&x->rt[i]);
	if (x->st)
		x->st->ops->close(x->st);
	pthread_cond_destroy(&x->cv);
	pthread_mutex_destroy(&x->mu);
	free(x);
	curl_global_cleanup();
}

struct exporter *export_start(const struct export_conf *ex, int n, const char *db,
			      const char *holder, char *err, size_t errlen)
{
	const char *names[EXPORT_MAX];
	struct exporter *x;
	pthread_condattr_t ca;
	int64_t dropped = 0, now = (int64_t)time(NULL);
	int i;

	if (n <= 0 || n > EXPORT_MAX)
		return NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(err, errlen, "exports: libcurl did not initialise");
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		curl_global_cleanup();
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&x->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&x->cv, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(x->holder, sizeof(x->holder), "%s", holder);
	/* the worker's own connection: a store handle is one thread's */
	x->st = store_open(db, err, errlen);
	if (!x->st)
		goto fail;
	for (i = 0; i < n; i++) {
		x->rt[i].c = &ex[i];
		x->rt[i].stop = &x->stop;
		x->n = i + 1;
		names[i] = ex[i].name;
		if (export_http_init(&x->rt[i], err, errlen))
			goto fail;
		if (db_export_register(x->st, ex[i].name,
				       ex[i].type == EXPORT_SPLUNK ? "splunk" : "elastic", now)) {
			snprintf(err, errlen, "exports: %s", x->st->err);
			goto fail;
		}
	}
	if (db_export_prune(x->st, names, n, &dropped)) {
		snprintf(err, errlen, "exports: %s", x->st->err);
		goto fail;
	}
	if (dropped)
		fprintf(stderr,
			"tanuki-hub: exports no longer configured: %" PRId64
			" queued events dropped\n",
			dropped);
	if (pthread_create(&x->th, NULL, worker, x)) {
		snprintf(err, errlen, "exports: cannot start a thread");
		goto fail;
	}
	for (i = 0; i < n; i++)
		fprintf(stderr, "tanuki-hub: export '%s': %s to %s, %d events a request\n",
			ex[i].name, ex[i].type == EXPORT_SPLUNK ? "splunk" : "elastic", ex[i].url,
			ex[i].batch);
	return x;
fail:
	destroy(x);
	return NULL;
}

void export_stop(struct exporter *x)
{
	if (!x)
		return;
	pthread_mutex_lock(&x->mu);
	__atomic_store_n(&x->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
	pthread_join(x->th, NULL);
	destroy(x);
}
