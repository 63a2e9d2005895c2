/* db.c — schema and queries (see db.h). The SQL is the dialect that SQLite
 * (>= 3.35) and PostgreSQL share; the per-summary tables carry the period
 * start so range queries and retention need no join. */
#include "db.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_export.h"
#include "json.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS devices ("
    " name TEXT PRIMARY KEY, secret TEXT NOT NULL, created BIGINT NOT NULL,"
    " last_seen BIGINT NOT NULL DEFAULT 0, last_seq BIGINT NOT NULL DEFAULT -1,"
    " version TEXT NOT NULL DEFAULT '', persona TEXT NOT NULL DEFAULT '',"
    " uptime_s BIGINT NOT NULL DEFAULT 0, used_kb BIGINT NOT NULL DEFAULT 0,"
    " quota_kb BIGINT NOT NULL DEFAULT 0, evictions BIGINT NOT NULL DEFAULT 0,"
    " events_dropped BIGINT NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS nonces ("
    " device TEXT NOT NULL, nonce TEXT NOT NULL, t BIGINT NOT NULL,"
    " PRIMARY KEY (device, nonce));"
    "CREATE TABLE IF NOT EXISTS summaries ("
    " device TEXT NOT NULL, seq BIGINT NOT NULL, received BIGINT NOT NULL,"
    " pfrom BIGINT NOT NULL, pto BIGINT NOT NULL, sessions BIGINT NOT NULL,"
    " bytes BIGINT NOT NULL, PRIMARY KEY (device, seq));"
    "CREATE INDEX IF NOT EXISTS summaries_pfrom ON summaries (pfrom);"
    "CREATE TABLE IF NOT EXISTS counts ("
    " device TEXT NOT NULL, seq BIGINT NOT NULL, pfrom BIGINT NOT NULL,"
    " kind TEXT NOT NULL, k TEXT NOT NULL, n BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS counts_pfrom ON counts (pfrom);"
    "CREATE TABLE IF NOT EXISTS credentials ("
    " device TEXT NOT NULL, seq BIGINT NOT NULL, pfrom BIGINT NOT NULL,"
    " username TEXT NOT NULL, password TEXT NOT NULL, n BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS credentials_pfrom ON credentials (pfrom);"
    /* the dashboard's "new this period": has this pair been seen before? */
    "CREATE INDEX IF NOT EXISTS credentials_pair ON credentials"
    " (username, password, pfrom);"
    "CREATE TABLE IF NOT EXISTS sources ("
    " device TEXT NOT NULL, seq BIGINT NOT NULL, pfrom BIGINT NOT NULL,"
    " ip TEXT NOT NULL, n BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS sources_pfrom ON sources (pfrom);"
    "CREATE TABLE IF NOT EXISTS commands ("
    " device TEXT NOT NULL, seq BIGINT NOT NULL, pfrom BIGINT NOT NULL,"
    " input TEXT NOT NULL, n BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS commands_pfrom ON commands (pfrom);"
    "CREATE TABLE IF NOT EXISTS exploits ("
    " device TEXT NOT NULL, seq BIGINT NOT NULL, pfrom BIGINT NOT NULL,"
    " cve TEXT NOT NULL, n BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS exploits_pfrom ON exploits (pfrom);"
    "CREATE TABLE IF NOT EXISTS binaries ("
    " sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, url TEXT NOT NULL,"
    " first_seen BIGINT NOT NULL, device TEXT NOT NULL,"
    " reports BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events ("
    " device TEXT NOT NULL, seq BIGINT NOT NULL, pfrom BIGINT NOT NULL,"
    " idx BIGINT NOT NULL, raw TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_pfrom ON events (pfrom);"
    "CREATE TABLE IF NOT EXISTS labels ("
    " sha256 TEXT PRIMARY KEY, family TEXT NOT NULL, rules TEXT NOT NULL,"
    " t BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS users ("
    " name TEXT PRIMARY KEY, hash TEXT NOT NULL, created BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions ("
    " token TEXT PRIMARY KEY, name TEXT NOT NULL, csrf TEXT NOT NULL,"
    " expires BIGINT NOT NULL);";

int db_init(struct store *st)
{
	bool built;
	int r = store_exec(st, schema, 0, NULL, NULL, NULL);

	if (r || (r = db_roll_init(st, &built)))
		return r;
	if (built)
		fprintf(stderr, "tanuki-hub: daily roll-ups built from the per-summary tables\n");
	/* the exports' tables: a block of their own (db_export.c) */
	return db_export_init(st);
}

static int count_rows(void *ctx, int ncol, const char *const *col)
{
	(void)ncol;
	(void)col;
	(*(int *)ctx)++;
	return 0;
}

int db_device_add(struct store *st, const char *name, const char *secret, int64_t now)
{
	struct hval a[] = {HV_S(name), HV_S(secret), HV_I(now)};
	int n = 0, r;

	r = store_exec(st,
		       "INSERT INTO devices (name, secret, created) VALUES "
		       "($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING 1",
		       3, a, count_rows, &n);
	if (r)
		return r;
	return n ? 0 : -EEXIST;
}

struct secret_ctx {
	char *out;
	bool found;
};

static int secret_row(void *ctx, int ncol, const char *const *col)
{
	struct secret_ctx *c = ctx;

	if (ncol < 1 || !col[0] || strlen(col[0]) != DB_SECRET_LEN)
		return 0;
	memcpy(c->out, col[0], DB_SECRET_LEN + 1);
	c->found = true;
	return 0;
}

int db_device_secret(struct store *st, const char *name, char out[DB_SECRET_LEN + 1])
{
	struct hval a[] = {HV_S(name)};
	struct secret_ctx c = {out, false};
	int r;

	r = store_exec(st, "SELECT secret FROM devices WHERE name = $1", 1, a, secret_row, &c);
	if (r)
		return r;
	return c.found ? 0 : -ENOENT;
}

int db_nonce_use(struct store *st, const char *device, const char *nonce, int64_t t)
{
	struct hval a[] = {HV_S(device), HV_S(nonce), HV_I(t)};
	int n = 0, r;

	r = store_exec(st,
		       "INSERT INTO nonces (device, nonce, t) VALUES ($1, $2, $3) "
		       "ON CONFLICT (device, nonce) DO NOTHING RETURNING 1",
		       3, a, count_rows, &n);
	if (r)
		return r;
	return n ? 0 : -EALREADY;
}

/* Inserts one row per member of a count map. */
static int ins_map(struct store *st, const struct jdoc *d, const struct summary *s, int32_t obj,
		   const char *kind)
{
	int32_t i;
	int r;

	if (obj < 0)
		return 0;
	for (i = d->n[obj].child; i >= 0; i = d->n[i].next) {
		struct hval a[] = {HV_S(s->device), HV_I(s->seq),	HV_I(s->from),
				   HV_S(kind),	    HV_S(jp_key(d, i)), HV_I(d->n[i].num)};

		if (d->n[i].num == 0)
			continue;
		r = store_exec(st,
			       "INSERT INTO counts (device, seq, pfrom, kind, k, n)"
			       " VALUES ($1, $2, $3, $4, $5, $6)",
			       6, a, NULL, NULL);
		if (r)
			return r;
	}
	return 0;
}

static const char *member_str(const struct jdoc *d, int32_t obj, const char *k)
{
	int32_t i = jp_get(d, obj, k);

	return i >= 0 && d->n[i].type == J_STR ? jp_str(d, i) : "";
}

static int64_t member_int(const struct jdoc *d, int32_t obj, const char *k)
{
	int32_t i = jp_get(d, obj, k);

	return i >= 0 && d->n[i].type == J_NUM && d->n[i].isint ? d->n[i].num : 0;
}

/* Inserts one row per element of a rows array: columns k1 (and k2) and the
 * count. `sql` takes $1 device, $2 seq, $3 pfrom, $4 k1, $5 count, $6 k2. */
static int ins_rows(struct store *st, const struct jdoc *d, const struct summary *s, int32_t arr,
		    const char *sql, const char *k1, const char *k2)
{
	int32_t i;
	int r;

	if (arr < 0)
		return 0;
	for (i = d->n[arr].child; i >= 0; i = d->n[i].next) {
		struct hval a[] = {HV_S(s->device),
				   HV_I(s->seq),
				   HV_I(s->from),
				   HV_S(member_str(d, i, k1)),
				   HV_I(member_int(d, i, "count")),
				   HV_S(k2 ? member_str(d, i, k2) : "")};

		if ((r = store_exec(st, sql, k2 ? 6 : 5, a, NULL, NULL)))
			return r;
	}
	return 0;
}

static int ingest_body(struct store *st, const struct jdoc *d, const struct summary *s,
		       const char *body, int64_t now, bool *dup)
{
	struct hval sum[] = {HV_S(s->device), HV_I(s->seq),	 HV_I(now),	      HV_I(s->from),
			     HV_I(s->to),     HV_I(s->sessions), HV_I(d->n[0].srclen)};
	struct hval dev[] = {HV_S(s->device),	HV_I(s->seq),	    HV_S(s->version),
			     HV_S(s->persona),	HV_I(s->uptime_s),  HV_I(s->used_kb),
			     HV_I(s->quota_kb), HV_I(s->evictions), HV_I(s->events_dropped)};
	struct hval seen[] = {HV_S(s->device), HV_I(now)};
	int n = 0, r;
	int32_t i;

	r = store_exec(st,
		       "INSERT INTO summaries (device, seq, received, pfrom, pto,"
		       " sessions, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7) "
		       "ON CONFLICT (device, seq) DO NOTHING RETURNING 1",
		       7, sum, count_rows, &n);
	if (r)
		return r;
	*dup = n == 0;
	if (*dup)
		return 0; /* nothing new: the roll-ups stay as they are */
	if ((r = ins_map(st, d, s, s->by_port, "port")) ||
	    (r = ins_map(st, d, s, s->by_event, "event")) ||
	    (r = ins_map(st, d, s, s->syn_port, "syn_port")) ||
	    (r = ins_map(st, d, s, s->syn_src, "syn_src")) ||
	    (r = ins_map(st, d, s, s->scanner, "scanner")))
		return r;
	if ((r = ins_rows(st, d, s, s->credentials,
			  "INSERT INTO credentials (device, seq, pfrom, username,"
			  " n, password) VALUES ($1, $2, $3, $4, $5, $6)",
			  "username", "password")) ||
	    (r = ins_rows(st, d, s, s->sources,
			  "INSERT INTO sources (device, seq, pfrom, ip, n)"
			  " VALUES ($1, $2, $3, $4, $5)",
			  "ip", NULL)) ||
	    (r = ins_rows(st, d, s, s->commands,
			  "INSERT INTO commands (device, seq, pfrom, input, n)"
			  " VALUES ($1, $2, $3, $4, $5)",
			  "input", NULL)) ||
	    (r = ins_rows(st, d, s, s->exploits,
			  "INSERT INTO exploits (device, seq, pfrom, cve, n)"
			  " VALUES ($1, $2, $3, $4, $5)",
			  "cve", NULL)) ||
	    (r = db_roll_ingest(st, s->device, s->seq, s->from)))
		return r;
	for (i = s->binaries >= 0 ? d->n[s->binaries].child : -1; i >= 0; i = d->n[i].next) {
		int64_t fs = member_int(d, i, "first_seen");
		struct hval a[] = {HV_S(member_str(d, i, "sha256")), HV_I(member_int(d, i, "size")),
				   HV_S(member_str(d, i, "url")), HV_I(fs ? fs : s->from),
				   HV_S(s->device)};

		r = store_exec(st,
			       "INSERT INTO binaries (sha256, size, url, first_seen,"
			       " device, reports) VALUES ($1, $2, $3, $4, $5, 1) "
			       "ON CONFLICT (sha256) DO UPDATE SET reports ="
			       " binaries.reports + 1, first_seen = CASE WHEN"
			       " excluded.first_seen < binaries.first_seen THEN"
			       " excluded.first_seen ELSE binaries.first_seen END",
			       5, a, NULL, NULL);
		if (r)
			return r;
	}
	for (i = s->events >= 0 ? d->n[s->events].child : -1, n = 0; i >= 0;
	     i = d->n[i].next, n++) {
		/* the event's own bytes, as the decoy wrote them */
		size_t len = d->n[i].srclen;
		char *raw = malloc(len + 1);
		struct hval a[] = {HV_S(s->device), HV_I(s->seq), HV_I(s->from), HV_I(n),
				   HV_S(raw)};

		if (!raw)
			return -ENOMEM;
		memcpy(raw, body + d->n[i].src, len);
		raw[len] = '\0';
		a[4].s = raw;
		r = store_exec(st,
			       "INSERT INTO events (device, seq, pfrom, idx, raw)"
			       " VALUES ($1, $2, $3, $4, $5)",
			       5, a, NULL, NULL);
		free(raw);
		if (r)
			return r;
	}
	/* the events go out to every export (db_export.c) */
	if (n && (r = db_export_queue(st, s->device, s->seq, s->from, now)))
		return r;
	if ((r = store_exec(st, "UPDATE devices SET last_seen = $2 WHERE name = $1", 2, seen, NULL,
			    NULL)))
		return r;
	/* the device's status comes from its newest summary */
	return store_exec(st,
			  "UPDATE devices SET last_seq = $2, version = $3,"
			  " persona = $4, uptime_s = $5, used_kb = $6,"
			  " quota_kb = $7, evictions = $8, events_dropped = $9"
			  " WHERE name = $1 AND last_seq < $2",
			  9, dev, NULL, NULL);
}

int db_ingest(struct store *st, const struct jdoc *d, const struct summary *s, const char *body,
	      const char *nonce, int64_t now, bool *dup)
{
	int r;

	if ((r = store_exec(st, "BEGIN", 0, NULL, NULL, NULL)))
		return r;
	/* the nonce and the summary commit together: one sync per request */
	r = db_nonce_use(st, s->device, nonce, now);
	if (!r)
		r = ingest_body(st, d, s, body, now, dup);
	if (r) {
		char keep[sizeof(st->err)];

		memcpy(keep, st->err, sizeof(keep));
		store_exec(st, "ROLLBACK", 0, NULL, NULL, NULL);
		memcpy(st->err, keep, sizeof(keep));
		return r;
	}
	return store_exec(st, "COMMIT", 0, NULL, NULL, NULL);
}

int db_prune(struct store *st, int64_t now, int64_t days, int64_t window)
{
	static const char *const tables[] = {"summaries", "counts",	 "credentials",
					     "sources",	  "commands",	 "exploits",
					     "events",	  "export_queue"};
	struct hval a[] = {HV_I(now - 2 * window)};
	char sql[96];
	size_t i;
	int r;

	if ((r = store_exec(st, "DELETE FROM nonces WHERE t < $1", 1, a, NULL, NULL)))
		return r;
	if (days <= 0)
		return 0;
	/* whole UTC days, so that the daily roll-ups keep matching */
	a[0] = HV_I((now - days * 86400) / 86400 * 86400);
	if ((r = db_roll_prune(st, a[0].i)))
		return r;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE pfrom < $1", tables[i]);
		if ((r = store_exec(st, sql, 1, a, NULL, NULL)))
			return r;
	}
	return 0;
}

/* ---- family labels ---- */

int db_label_set(struct store *st, const char *sha, const char *family, const char *rules,
		 int64_t now)
{
	struct hval a[] = {HV_S(sha), HV_S(family), HV_S(rules), HV_I(now)};

	return store_exec(st,
			  "INSERT INTO labels (sha256, family, rules, t) VALUES"
			  " ($1, $2, $3, $4) ON CONFLICT (sha256) DO UPDATE SET"
			  " family = excluded.family, rules = excluded.rules, t = excluded.t",
			  4, a, NULL, NULL);
}

/* ---- dashboard users and sessions ---- */

int db_user_add(struct store *st, const char *name, const char *hash, int64_t now)
{
	struct hval a[] = {HV_S(name), HV_S(hash), HV_I(now)};
	int n = 0, r;

	r = store_exec(st,
		       "INSERT INTO users (name, hash, created) VALUES ($1, $2, $3)"
		       " ON CONFLICT (name) DO UPDATE SET hash = excluded.hash"
		       " RETURNING 1",
		       3, a, count_rows, &n);
	return r ? r : (n ? 0 : -EIO);
}

struct text_ctx {
	char *out[2];
	size_t len[2];
	bool found;
};

static int text_row(void *ctx, int ncol, const char *const *col)
{
	struct text_ctx *t = ctx;
	int i;

	for (i = 0; i < 2 && i < ncol; i++)
		if (t->out[i] && col[i])
			snprintf(t->out[i], t->len[i], "%s", col[i]);
	t->found = true;
	return 0;
}

int db_label_rules(struct store *st, const char *sha, char *out, size_t len)
{
	struct hval a[] = {HV_S(sha)};
	struct text_ctx t = {{out, NULL}, {len, 0}, false};
	int r = store_exec(st, "SELECT rules FROM labels WHERE sha256 = $1", 1, a, text_row, &t);

	return r ? r : (t.found ? 0 : -ENOENT);
}

int db_user_hash(struct store *st, const char *name, char *out, size_t len)
{
	struct hval a[] = {HV_S(name)};
	struct text_ctx t = {{out, NULL}, {len, 0}, false};
	int r = store_exec(st, "SELECT hash FROM users WHERE name = $1", 1, a, text_row, &t);

	return r ? r : (t.found ? 0 : -ENOENT);
}

int db_session_add(struct store *st, const char *token, const char *name, const char *csrf,
		   int64_t now, int64_t expires)
{
	struct hval a[] = {HV_S(token), HV_S(name), HV_S(csrf), HV_I(expires)};
	struct hval b[] = {HV_I(now)};
	int r = store_exec(st, "DELETE FROM sessions WHERE expires < $1", 1, b, NULL, NULL);

	return r ? r
		 : store_exec(st,
			      "INSERT INTO sessions (token, name, csrf, expires)"
			      " VALUES ($1, $2, $3, $4)",
			      4, a, NULL, NULL);
}

int db_session_get(struct store *st, const char *token, int64_t now, char *name, size_t nlen,
		   char *csrf, size_t clen)
{
	struct hval a[] = {HV_S(token), HV_I(now)};
	struct text_ctx t = {{name, csrf}, {nlen, clen}, false};
	int r = store_exec(st,
			   "SELECT name, csrf FROM sessions WHERE token = $1"
			   " AND expires > $2",
			   2, a, text_row, &t);

	return r ? r : (t.found ? 0 : -ENOENT);
}

int db_session_del(struct store *st, const char *token)
{
	struct hval a[] = {HV_S(token)};

	return store_exec(st, "DELETE FROM sessions WHERE token = $1", 1, a, NULL, NULL);
}

/* ---- API answers ---- */

static int64_t num(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

struct out_ctx {
	struct buf *b;
	int rows;
	int err;
	const char *const *names; /* column names for generic rows */
	const char *ints;	  /* per column: 'i' integer, 's' string */
};

/* Writes each row as an object: names[] with types ints[]. */
static int obj_row(void *ctx, int ncol, const char *const *col)
{
	struct out_ctx *o = ctx;
	struct json j;
	int c;

	if (o->rows++ && buf_addc(o->b, ','))
		return o->err = -ENOBUFS;
	json_open(&j, o->b);
	for (c = 0; c < ncol && o->names[c]; c++) {
		if (o->ints[c] == 'i')
			json_int(&j, o->names[c], num(col[c]));
		else
			json_cstr(&j, o->names[c], col[c] ? col[c] : "");
	}
	if (json_close(&j))
		return o->err = -ENOBUFS;
	return 0;
}

/* Totals: rows (key, sum) of one kind, into an object. */
static int map_row(void *ctx, int ncol, const char *const *col)
{
	struct out_ctx *o = ctx;
	int r = 0;

	if (ncol < 2 || !col[0])
		return 0;
	if (o->rows++)
		r |= buf_addc(o->b, ',');
	r |= buf_addc(o->b, '"');
	r |= json_escape(o->b, col[0], strlen(col[0]));
	r |= buf_printf(o->b, "\":%" PRId64, num(col[1]));
	return r ? (o->err = -ENOBUFS) : 0;
}

static int two_ints(void *ctx, int ncol, const char *const *col)
{
	int64_t *v = ctx;

	if (ncol >= 2) {
		v[0] = num(col[0]);
		v[1] = num(col[1]);
	}
	return 0;
}

int db_api_totals(struct store *st, int64_t from, int64_t to, struct buf *out)
{
	static const char *const kinds[] = {"port", "event", "syn_port", "syn_src", "scanner"};
	static const char *const maps[] = {"by_port", "by_event", "by_syn_port", "by_syn_src",
					   "by_scanner"};
	struct hval a[] = {HV_I(from), HV_I(to)};
	int64_t agg[2] = {0, 0};
	int r, i;

	r = store_exec(st,
		       "SELECT COUNT(*), COALESCE(SUM(sessions), 0) FROM summaries"
		       " WHERE pfrom >= $1 AND pfrom < $2",
		       2, a, two_ints, agg);
	if (r)
		return r;
	if (buf_printf(out,
		       "{\"from\":%" PRId64 ",\"to\":%" PRId64 ",\"summaries\":%" PRId64
		       ",\"sessions\":%" PRId64,
		       from, to, agg[0], agg[1]))
		return -ENOBUFS;
	for (i = 0; i < (int)(sizeof kinds / sizeof *kinds); i++) {
		struct hval k[] = {HV_I(from), HV_I(to), HV_S(kinds[i])};
		struct out_ctx o = {.b = out};

		if (buf_printf(out, ",\"%s\":{", maps[i]))
			return -ENOBUFS;
		r = store_exec(st,
			       "SELECT k, SUM(n) FROM counts WHERE pfrom >= $1 AND"
			       " pfrom < $2 AND kind = $3 GROUP BY k ORDER BY k",
			       3, k, map_row, &o);
		if (r)
			return r;
		if (o.err || buf_addc(out, '}'))
			return -ENOBUFS;
	}
	return buf_addc(out, '}') ? -ENOBUFS : 0;
}

static int list(struct store *st, const char *key, const char *sql, int nargs, const struct hval *a,
		const char *const *names, const char *ints, struct buf *out)
{
	struct out_ctx o = {.b = out, .names = names, .ints = ints};
	int r;

	if (buf_printf(out, "{\"%s\":[", key))
		return -ENOBUFS;
	r = store_exec(st, sql, nargs, a, obj_row, &o);
	if (r)
		return r;
	if (o.err || buf_adds(out, "]}"))
		return -ENOBUFS;
	return 0;
}

int db_api_devices(struct store *st, struct buf *out)
{
	static const char *const names[] = {"device",	"created",   "last_seen",      "last_seq",
					    "version",	"persona",   "uptime_s",       "used_kb",
					    "quota_kb", "evictions", "events_dropped", NULL};

	return list(st, "devices",
		    "SELECT name, created, last_seen, last_seq, version, persona,"
		    " uptime_s, used_kb, quota_kb, evictions, events_dropped"
		    " FROM devices ORDER BY name",
		    0, NULL, names, "siiissiiiii", out);
}

int db_api_top(struct store *st, const char *which, int64_t from, int64_t to, int64_t limit,
	       struct buf *out)
{
	static const char *const cred[] = {"username", "password", "count", NULL};
	static const char *const src[] = {"ip", "count", NULL};
	static const char *const cmd[] = {"input", "count", NULL};
	static const char *const cve[] = {"cve", "count", NULL};
	struct hval a[] = {HV_I(from), HV_I(to), HV_I(limit)};

	if (!strcmp(which, "credentials"))
		return list(st, which,
			    "SELECT username, password, SUM(n) AS c FROM credentials"
			    " WHERE pfrom >= $1 AND pfrom < $2 GROUP BY username,"
			    " password ORDER BY c DESC, username, password LIMIT $3",
			    3, a, cred, "ssi", out);
	if (!strcmp(which, "sources"))
		return list(st, which,
			    "SELECT ip, SUM(n) AS c FROM sources WHERE pfrom >= $1"
			    " AND pfrom < $2 GROUP BY ip ORDER BY c DESC, ip LIMIT $3",
			    3, a, src, "si", out);
	if (!strcmp(which, "commands"))
		return list(st, which,
			    "SELECT input, SUM(n) AS c FROM commands WHERE pfrom >="
			    " $1 AND pfrom < $2 GROUP BY input ORDER BY c DESC,"
			    " input LIMIT $3",
			    3, a, cmd, "si", out);
	if (!strcmp(which, "exploits"))
		return list(st, which,
			    "SELECT cve, SUM(n) AS c FROM exploits WHERE pfrom >= $1"
			    " AND pfrom < $2 GROUP BY cve ORDER BY c DESC, cve"
			    " LIMIT $3",
			    3, a, cve, "si", out);
	return -EINVAL;
}

int db_api_binaries(struct store *st, int64_t limit, struct buf *out)
{
	static const char *const names[] = {"sha256", "size",	 "url",	   "first_seen",
					    "device", "reports", "family", NULL};
	struct hval a[] = {HV_I(limit)};

	return list(st, "binaries",
		    "SELECT b.sha256, size, url, first_seen, device, reports,"
		    " COALESCE(l.family, '') FROM binaries b LEFT JOIN labels l"
		    " ON l.sha256 = b.sha256 ORDER BY first_seen DESC, b.sha256 LIMIT $1",
		    1, a, names, "sisisis", out);
}

/* One raw event a line (NDJSON), as the decoy stored it. */
static int raw_row(void *ctx, int ncol, const char *const *col)
{
	struct out_ctx *o = ctx;

	if (ncol < 1 || !col[0])
		return 0;
	if (buf_adds(o->b, col[0]) || buf_addc(o->b, '\n'))
		return o->err = -ENOBUFS;
	o->rows++;
	return 0;
}

int db_api_events(struct store *st, int64_t from, int64_t to, int64_t limit, struct buf *out)
{
	struct out_ctx o = {.b = out};
	struct hval a[] = {HV_I(from), HV_I(to), HV_I(limit)};
	int r;

	r = store_exec(st,
		       "SELECT raw FROM events WHERE pfrom >= $1 AND pfrom < $2"
		       " ORDER BY pfrom, device, seq, idx LIMIT $3",
		       3, a, raw_row, &o);
	return r ? r : o.err;
}
