/* db_roll.c — the dashboard's daily roll-ups (see db.h): per UTC day and
 * decoy (and for the whole fleet, device ''), the sums of the per-summary
 * tables, so a year-long page reads ~365 rows a key instead of every
 * summary's. They are written in the ingest's transaction right after a
 * NEW summary's rows (a re-sent summary is a duplicate and adds nothing),
 * and rebuilt from the per-summary tables once when missing (a hub made
 * before them, or rows written behind the hub's back: delete the row in
 * roll_state and restart).
 *
 * Keys are stored with md5() of each key text in the primary key (a
 * command may be 4 KB, beyond PostgreSQL's btree limit); store_sqlite.c
 * gives SQLite an md5() like PostgreSQL's. */
#include "db.h"

#include <stdio.h>
#include <string.h>

/* Roll-up tables: their own block, apart from db.c's schema. */
static const char roll_schema[] =
    "CREATE TABLE IF NOT EXISTS roll_day ("
    " kind TEXT NOT NULL, device TEXT NOT NULL, pday BIGINT NOT NULL,"
    " hk TEXT NOT NULL, hk2 TEXT NOT NULL, k TEXT NOT NULL, k2 TEXT NOT NULL,"
    " n BIGINT NOT NULL, PRIMARY KEY (kind, device, pday, hk, hk2));"
    "CREATE TABLE IF NOT EXISTS roll_sum ("
    " device TEXT NOT NULL, pday BIGINT NOT NULL, summaries BIGINT NOT NULL,"
    " sessions BIGINT NOT NULL, PRIMARY KEY (device, pday));"
    "CREATE TABLE IF NOT EXISTS roll_state (version BIGINT PRIMARY KEY);";

#define ROLL_VERSION 1

/* One roll-up kind: which per-summary rows, and its key columns. */
static const struct roll {
	const char *kind, *table, *k, *k2, *where;
} rolls[] = {
    {"port", "counts", "k", "''", "kind = 'port'"},
    {"event", "counts", "k", "''", "kind = 'event'"},
    {"pair", "credentials", "username", "password", "1 = 1"},
    {"user", "credentials", "username", "''", "1 = 1"},
    {"pass", "credentials", "password", "''", "1 = 1"},
    {"ip", "sources", "ip", "''", "1 = 1"},
    {"cmd", "commands", "input", "''", "1 = 1"},
    {"cve", "exploits", "cve", "''", "1 = 1"},
};

/* Adds the rows `filter` selects into the roll-ups; `fleet` names the
 * parameter that is 1 for the fleet's rows (device ''), 0 for the
 * decoy's. */
static int roll_add(struct store *st, const char *filter, const char *fleet, int nargs,
		    const struct hval *a)
{
	char sql[1024];
	size_t i;
	int r;

	for (i = 0; i < sizeof(rolls) / sizeof(rolls[0]); i++) {
		const struct roll *o = &rolls[i];
		bool k2 = o->k2[0] != '\''; /* a column, not the literal '' */

		snprintf(sql, sizeof(sql),
			 "INSERT INTO roll_day (kind, device, pday, hk, hk2, k, k2, n)"
			 " SELECT '%s', CASE WHEN %s = 1 THEN '' ELSE device END,"
			 " pfrom / 86400 * 86400, md5(%s), md5(%s), %s, %s, SUM(n)"
			 " FROM %s WHERE %s AND %s"
			 " GROUP BY 2, 3, %s%s%s"
			 " ON CONFLICT (kind, device, pday, hk, hk2) DO UPDATE SET"
			 " n = roll_day.n + excluded.n",
			 o->kind, fleet, o->k, o->k2, o->k, o->k2, o->table, o->where, filter, o->k,
			 k2 ? ", " : "", k2 ? o->k2 : "");
		if ((r = store_exec(st, sql, nargs, a, NULL, NULL)))
			return r;
	}
	snprintf(sql, sizeof(sql),
		 "INSERT INTO roll_sum (device, pday, summaries, sessions)"
		 " SELECT CASE WHEN %s = 1 THEN '' ELSE device END, pfrom / 86400 * 86400,"
		 " COUNT(*), SUM(sessions) FROM summaries WHERE %s GROUP BY 1, 2"
		 " ON CONFLICT (device, pday) DO UPDATE SET"
		 " summaries = roll_sum.summaries + excluded.summaries,"
		 " sessions = roll_sum.sessions + excluded.sessions",
		 fleet, filter);
	return store_exec(st, sql, nargs, a, NULL, NULL);
}

int db_roll_ingest(struct store *st, const char *device, int64_t seq, int64_t pfrom)
{
	int fleet, r;

	for (fleet = 0; fleet <= 1; fleet++) {
		struct hval a[] = {HV_S(device), HV_I(seq), HV_I(pfrom), HV_I(fleet)};

		if ((r = roll_add(st, "pfrom = $3 AND device = $1 AND seq = $2", "$4", 4, a)))
			return r;
	}
	return 0;
}

static int found_row(void *ctx, int ncol, const char *const *col)
{
	(void)ncol;
	(void)col;
	*(int *)ctx = 1;
	return 0;
}

/* Builds the roll-ups from the per-summary tables when roll_state lacks
 * this version. The state row is taken first: a second hub starting on
 * the same PostgreSQL waits for it and then finds it done. */
static int roll_rebuild(struct store *st, bool *built)
{
	struct hval v[] = {HV_I(ROLL_VERSION)};
	int got = 0, fleet, r;

	*built = false;
	r = store_exec(st,
		       "INSERT INTO roll_state (version) VALUES ($1)"
		       " ON CONFLICT (version) DO NOTHING RETURNING 1",
		       1, v, found_row, &got);
	if (r || !got)
		return r;
	if ((r = store_exec(st, "DELETE FROM roll_day", 0, NULL, NULL, NULL)) ||
	    (r = store_exec(st, "DELETE FROM roll_sum", 0, NULL, NULL, NULL)))
		return r;
	for (fleet = 0; fleet <= 1; fleet++) {
		struct hval a[] = {HV_I(fleet)};

		if ((r = roll_add(st, "1 = 1", "$1", 1, a)))
			return r;
	}
	*built = true;
	/* fresh statistics, so the first pages already use the keys */
	if ((r = store_exec(st, "ANALYZE roll_day", 0, NULL, NULL, NULL)))
		return r;
	return store_exec(st, "ANALYZE roll_sum", 0, NULL, NULL, NULL);
}

int db_roll_init(struct store *st, bool *built)
{
	int r;

	if ((r = store_exec(st, roll_schema, 0, NULL, NULL, NULL)))
		return r;
	if ((r = store_exec(st, "BEGIN", 0, NULL, NULL, NULL)))
		return r;
	r = roll_rebuild(st, built);
	if (r) {
		char keep[sizeof(st->err)];

		memcpy(keep, st->err, sizeof(keep));
		store_exec(st, "ROLLBACK", 0, NULL, NULL, NULL);
		memcpy(st->err, keep, sizeof(keep));
		return r;
	}
	return store_exec(st, "COMMIT", 0, NULL, NULL, NULL);
}

int db_roll_prune(struct store *st, int64_t day)
{
	struct hval a[] = {HV_I(day)};
	int r = store_exec(st, "DELETE FROM roll_day WHERE pday < $1", 1, a, NULL, NULL);

	return r ? r : store_exec(st, "DELETE FROM roll_sum WHERE pday < $1", 1, a, NULL, NULL);
}
