/* db_export.c — the export queue, leases and counters (see db_export.h).
 * Its tables are a block of their own, created after db.c's schema. */
#include "db_export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char schema[] =
    /* one row per configured export: its lease and its counters */
    "CREATE TABLE IF NOT EXISTS exports ("
    " name TEXT PRIMARY KEY, type TEXT NOT NULL, created BIGINT NOT NULL,"
    " holder TEXT NOT NULL DEFAULT '', lease_until BIGINT NOT NULL DEFAULT 0,"
    " sent BIGINT NOT NULL DEFAULT 0, failed BIGINT NOT NULL DEFAULT 0,"
    " rejected BIGINT NOT NULL DEFAULT 0, last_ok BIGINT NOT NULL DEFAULT 0,"
    " last_fail BIGINT NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');"
    /* the events each export still has to send */
    "CREATE TABLE IF NOT EXISTS export_queue ("
    " name TEXT NOT NULL, device TEXT NOT NULL, seq BIGINT NOT NULL,"
    " idx BIGINT NOT NULL, pfrom BIGINT NOT NULL, received BIGINT NOT NULL,"
    " PRIMARY KEY (name, device, seq, idx));"
    "CREATE INDEX IF NOT EXISTS export_queue_order ON export_queue"
    " (name, received, device, seq, idx);"
    /* events a receiver refused for good (Elasticsearch item errors) */
    "CREATE TABLE IF NOT EXISTS export_rejected ("
    " name TEXT NOT NULL, device TEXT NOT NULL, seq BIGINT NOT NULL,"
    " idx BIGINT NOT NULL, t BIGINT NOT NULL, status BIGINT NOT NULL,"
    " reason TEXT NOT NULL);"
    /* the join from the queue to the raw event */
    "CREATE INDEX IF NOT EXISTS events_key ON events (device, seq, idx);";

int db_export_init(struct store *st)
{
	return store_exec(st, schema, 0, NULL, NULL, NULL);
}

static int count_rows(void *ctx, int ncol, const char *const *col)
{
	(void)ncol;
	(void)col;
	(*(int *)ctx)++;
	return 0;
}

int db_export_queue(struct store *st, const char *device, int64_t seq, int64_t pfrom, int64_t now)
{
	struct hval a[] = {HV_S(device), HV_I(seq), HV_I(pfrom), HV_I(now)};

	return store_exec(st,
			  "INSERT INTO export_queue (name, device, seq, idx, pfrom,"
			  " received) SELECT x.name, e.device, e.seq, e.idx, e.pfrom, $4"
			  " FROM exports x, events e WHERE e.device = $1 AND e.seq = $2"
			  " AND e.pfrom = $3 ON CONFLICT DO NOTHING",
			  4, a, NULL, NULL);
}

int db_export_register(struct store *st, const char *name, const char *type, int64_t now)
{
	struct hval a[] = {HV_S(name), HV_S(type), HV_I(now)};

	return store_exec(st,
			  "INSERT INTO exports (name, type, created) VALUES ($1, $2, $3)"
			  " ON CONFLICT (name) DO UPDATE SET type = excluded.type",
			  3, a, NULL, NULL);
}

static int name_row(void *ctx, int ncol, const char *const *col)
{
	struct buf *b = ctx;

	if (ncol < 1 || !col[0])
		return 0;
	return buf_add(b, col[0], strlen(col[0]) + 1) ? -ENOBUFS : 0;
}

static int int_row(void *ctx, int ncol, const char *const *col)
{
	*(int64_t *)ctx = ncol >= 1 && col[0] ? strtoll(col[0], NULL, 10) : 0;
	return 0;
}

int db_export_prune(struct store *st, const char *const *names, int n, int64_t *dropped)
{
	struct buf all;
	size_t off;
	int r, i;

	*dropped = 0;
	buf_init(&all, 1 << 20);
	r = store_exec(st, "SELECT name FROM exports", 0, NULL, name_row, &all);
	for (off = 0; !r && off < all.len; off += strlen(all.p + off) + 1) {
		const char *name = all.p + off;
		struct hval a[] = {HV_S(name)};
		int64_t q = 0;

		for (i = 0; i < n && strcmp(names[i], name); i++)
			;
		if (i < n)
			continue;
		r = store_exec(st, "SELECT COUNT(*) FROM export_queue WHERE name = $1", 1, a,
			       int_row, &q);
		if (!r)
			r = store_exec(st, "DELETE FROM export_queue WHERE name = $1", 1, a, NULL,
				       NULL);
		if (!r)
			r = store_exec(st, "DELETE FROM exports WHERE name = $1", 1, a, NULL, NULL);
		*dropped += q;
	}
	buf_free(&all);
	return r;
}

int db_export_any(struct store *st, const char *name)
{
	struct hval a[] = {HV_S(name)};
	int n = 0;
	int r = store_exec(st, "SELECT 1 FROM export_queue WHERE name = $1 LIMIT 1", 1, a,
			   count_rows, &n);

	return r ? r : n > 0;
}

int db_export_lease(struct store *st, const char *name, const char *holder, int64_t now,
		    int64_t until)
{
	struct hval a[] = {HV_S(name), HV_S(holder), HV_I(until), HV_I(now)};
	int n = 0;
	int r = store_exec(st,
			   "UPDATE exports SET holder = $2, lease_until = $3 WHERE name = $1"
			   " AND (holder = $2 OR lease_until < $4) RETURNING 1",
			   4, a, count_rows, &n);

	return r ? r : (n ? 0 : -EBUSY);
}

int db_export_release(struct store *st, const char *name, const char *holder)
{
	struct hval a[] = {HV_S(name), HV_S(holder)};

	return store_exec(st, "UPDATE exports SET lease_until = 0 WHERE name = $1 AND holder = $2",
			  2, a, NULL, NULL);
}

struct batch_ctx {
	struct export_item *items;
	int n, max;
	size_t bytes, used;
	int err;
};

static int batch_row(void *ctx, int ncol, const char *const *col)
{
	struct batch_ctx *b = ctx;
	struct export_item *it;

	if (ncol < 5 || !col[0] || !col[1] || !col[2] || !col[3] || b->n >= b->max)
		return 0;
	if (col[4] && b->n && b->used + strlen(col[4]) > b->bytes)
		return 1; /* the rest waits for the next request */
	it = &b->items[b->n];
	memset(it, 0, sizeof(*it));
	snprintf(it->device, sizeof(it->device), "%s", col[0]);
	it->seq = strtoll(col[1], NULL, 10);
	it->idx = strtoll(col[2], NULL, 10);
	it->pfrom = strtoll(col[3], NULL, 10);
	it->state = EXP_GONE;
	if (col[4]) {
		it->rawlen = strlen(col[4]);
		it->raw = malloc(it->rawlen + 1);
		if (!it->raw)
			return b->err = -ENOMEM;
		memcpy(it->raw, col[4], it->rawlen + 1);
		it->state = EXP_SEND;
		b->used += it->rawlen;
	}
	b->n++;
	return 0;
}

int db_export_batch(struct store *st, const char *name, int max, size_t bytes,
		    struct export_item **items, int *n)
{
	struct batch_ctx b = {.max = max, .bytes = bytes};
	struct hval a[] = {HV_S(name), HV_I(max)};
	int r;

	*items = NULL;
	*n = 0;
	b.items = calloc((size_t)max, sizeof(*b.items));
	if (!b.items)
		return -ENOMEM;
	r = store_exec(st,
		       "SELECT q.device, q.seq, q.idx, q.pfrom, e.raw FROM export_queue q"
		       " LEFT JOIN events e ON e.device = q.device AND e.seq = q.seq AND"
		       " e.idx = q.idx WHERE q.name = $1 ORDER BY q.received, q.device,"
		       " q.seq, q.idx LIMIT $2",
		       2, a, batch_row, &b);
	if (r == 1)
		r = 0;
	if (!r)
		r = b.err;
	if (r) {
		db_export_items_free(b.items, b.n);
		return r;
	}
	*items = b.items;
	*n = b.n;
	return 0;
}

void db_export_items_free(struct export_item *items, int n)
{
	int i;

	for (i = 0; items && i < n; i++)
		free(items[i].raw);
	free(items);
}

static int commit_body(struct store *st, const char *name, const char *holder, int64_t now,
		       int64_t until, const struct export_item *items, int n)
{
	int64_t sent = 0, rejected = 0;
	int i, got = 0, r;

	for (i = 0; i < n; i++) {
		sent += items[i].state == EXP_DONE;
		rejected += items[i].state == EXP_REJECT;
	}
	{
		struct hval a[] = {HV_S(name), HV_S(holder),   HV_I(until),
				   HV_I(sent), HV_I(rejected), HV_I(now)};

		/* a write first: SQLite takes the write lock here, waiting */
		r = store_exec(st,
			       "UPDATE exports SET lease_until = $3, sent = sent + $4,"
			       " rejected = rejected + $5, last_ok = $6 WHERE name = $1"
			       " AND holder = $2 RETURNING 1",
			       6, a, count_rows, &got);
		if (r)
			return r;
		if (!got)
			return -EBUSY;
	}
	for (i = 0; i < n; i++) {
		const struct export_item *it = &items[i];
		struct hval a[] = {HV_S(name), HV_S(it->device), HV_I(it->seq),	  HV_I(it->idx),
				   HV_I(now),  HV_I(it->status), HV_S(it->reason)};

		if (it->state == EXP_SEND || it->state == EXP_RETRY)
			continue;
		r = store_exec(st,
			       "DELETE FROM export_queue WHERE name = $1 AND device = $2"
			       " AND seq = $3 AND idx = $4",
			       4, a, NULL, NULL);
		if (!r && it->state == EXP_REJECT)
			r = store_exec(st,
				       "INSERT INTO export_rejected (name, device, seq, idx,"
				       " t, status, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
				       7, a, NULL, NULL);
		if (r)
			return r;
	}
	return 0;
}

int db_export_commit(struct store *st, const char *name, const char *holder, int64_t now,
		     int64_t until, const struct export_item *items, int n)
{
	int r;

	if ((r = store_exec(st, "BEGIN", 0, NULL, NULL, NULL)))
		return r;
	r = commit_body(st, name, holder, now, until, items, n);
	if (r) {
		char keep[sizeof(st->err)];

		memcpy(keep, st->err, sizeof(keep));
		store_exec(st, "ROLLBACK", 0, NULL, NULL, NULL);
		memcpy(st->err, keep, sizeof(keep));
		return r;
	}
	return store_exec(st, "COMMIT", 0, NULL, NULL, NULL);
}

int db_export_failed(struct store *st, const char *name, const char *what, int64_t now)
{
	struct hval a[] = {HV_S(name), HV_S(what), HV_I(now)};

	return store_exec(st,
			  "UPDATE exports SET failed = failed + 1, last_error = $2,"
			  " last_fail = $3 WHERE name = $1",
			  3, a, NULL, NULL);
}

#define MET_N 5

struct met_ctx {
	struct buf part[MET_N]; /* one metric's lines each */
	int64_t now;
};

static int met_row(void *ctx, int ncol, const char *const *col)
{
	static const char *const counters[] = {"sent", "failed", "rejected"};
	struct met_ctx *m = ctx;
	int64_t oldest;
	int r = 0, i;

	if (ncol < 7 || !col[0] || !col[1])
		return 0;
	for (i = 0; i < 3; i++)
		r |= buf_printf(&m->part[i],
				"tanuki_hub_export_%s_total{export=\"%s\",type=\"%s\"} %s\n",
				counters[i], col[0], col[1], col[2 + i] ? col[2 + i] : "0");
	r |= buf_printf(&m->part[3], "tanuki_hub_export_pending{export=\"%s\",type=\"%s\"} %s\n",
			col[0], col[1], col[5] ? col[5] : "0");
	oldest = col[6] ? strtoll(col[6], NULL, 10) : m->now;
	r |= buf_printf(&m->part[4],
			"tanuki_hub_export_lag_seconds{export=\"%s\",type=\"%s\"} %" PRId64 "\n",
			col[0], col[1], m->now > oldest ? m->now - oldest : 0);
	return r ? -ENOBUFS : 0;
}

int db_export_metrics(struct store *st, struct buf *b, int64_t now)
{
	static const char *const head[MET_N] = {
	    "# HELP tanuki_hub_export_sent_total Events a receiver acknowledged (every hub on "
	    "this database).\n# TYPE tanuki_hub_export_sent_total counter\n",
	    "# HELP tanuki_hub_export_failed_total Export requests that failed (connection, "
	    "status, answer) and were retried.\n# TYPE tanuki_hub_export_failed_total counter\n",
	    "# HELP tanuki_hub_export_rejected_total Events the receiver refused for good "
	    "(recorded, not retried).\n# TYPE tanuki_hub_export_rejected_total counter\n",
	    "# HELP tanuki_hub_export_pending Events queued for the export.\n"
	    "# TYPE tanuki_hub_export_pending gauge\n",
	    "# HELP tanuki_hub_export_lag_seconds Now minus the arrival of the oldest queued "
	    "event (0 when none).\n# TYPE tanuki_hub_export_lag_seconds gauge\n"};
	struct met_ctx m;
	int r, i;

	m.now = now;
	for (i = 0; i < MET_N; i++)
		buf_init(&m.part[i], 1 << 20);
	r = store_exec(st,
		       "SELECT x.name, x.type, x.sent, x.failed, x.rejected, COUNT(q.name),"
		       " MIN(q.received) FROM exports x LEFT JOIN export_queue q ON"
		       " q.name = x.name GROUP BY x.name, x.type, x.sent, x.failed,"
		       " x.rejected ORDER BY x.name",
		       0, NULL, met_row, &m);
	for (i = 0; i < MET_N; i++) {
		if (!r && (buf_adds(b, head[i]) ||
			   buf_add(b, m.part[i].p ? m.part[i].p : "", m.part[i].len)))
			r = -ENOBUFS;
		buf_free(&m.part[i]);
	}
	return r;
}
