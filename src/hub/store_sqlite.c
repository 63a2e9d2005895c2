/* store_sqlite.c — the SQLite backend (see store.h). One file, WAL mode so
 * `tanuki-hub enroll` can write while the hub runs. */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/md5.h>
#include <mbedtls/version.h>
#include <sqlite3.h>

#define SQL_ARGS_MAX 16

struct lite {
	struct store st;
	sqlite3 *db;
};

static int lite_exec(struct store *st, const char *sql, int nargs, const struct hval *args,
		     store_row_fn fn, void *ctx)
{
	struct lite *l = (struct lite *)st;
	sqlite3_stmt *stmt = NULL;
	const char *tail = sql;
	int rc = 0, i;

	/* statements without parameters may come several at a time (schema) */
	while (tail && *tail) {
		rc = sqlite3_prepare_v2(l->db, tail, -1, &stmt, &tail);
		if (rc != SQLITE_OK)
			goto fail;
		if (!stmt) /* trailing whitespace */
			break;
		for (i = 0; i < nargs; i++) {
			char name[16];
			int idx;

			snprintf(name, sizeof(name), "$%d", i + 1);
			idx = sqlite3_bind_parameter_index(stmt, name);
			if (!idx)
				continue;
			if (args[i].s)
				rc = sqlite3_bind_text(stmt, idx, args[i].s, -1, SQLITE_STATIC);
			else
				rc = sqlite3_bind_int64(stmt, idx, args[i].i);
			if (rc != SQLITE_OK)
				goto fail;
		}
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			const char *col[SQL_ARGS_MAX];
			int n = sqlite3_column_count(stmt), r;

			if (n > SQL_ARGS_MAX)
				n = SQL_ARGS_MAX;
			for (i = 0; i < n; i++)
				col[i] = (const char *)sqlite3_column_text(stmt, i);
			if (fn && (r = fn(ctx, n, col))) {
				sqlite3_finalize(stmt);
				return r;
			}
		}
		if (rc != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	return 0;
fail:
	snprintf(st->err, sizeof(st->err), "sqlite: %s", sqlite3_errmsg(l->db));
	sqlite3_finalize(stmt);
	return -EIO;
}

/* md5(text): the lower-case hex MD5 of the text's bytes, as PostgreSQL's
 * md5() gives it (the roll-ups' key columns, db_roll.c). NULL for NULL. */
static void lite_md5(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	unsigned char d[16];
	char out[33];
	int n, i;

	if (argc != 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(cx);
		return;
	}
	p = sqlite3_value_text(argv[0]);
	n = sqlite3_value_bytes(argv[0]);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	if (mbedtls_md5(p ? p : (const unsigned char *)"", (size_t)n, d)) {
#else
	if (mbedtls_md5_ret(p ? p : (const unsigned char *)"", (size_t)n, d)) {
#endif
		sqlite3_result_error(cx, "md5 failed", -1);
		return;
	}
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[32] = '\0';
	sqlite3_result_text(cx, out, 32, SQLITE_TRANSIENT);
}

static void lite_close(struct store *st)
{
	struct lite *l = (struct lite *)st;

	sqlite3_close(l->db);
	free(l);
}

static const struct store_ops lite_ops = {"sqlite", lite_exec, lite_close};

struct store *store_sqlite_open(const char *path, char *err, size_t errlen)
{
	struct lite *l = calloc(1, sizeof(*l));

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->st.ops = &lite_ops;
	if (sqlite3_open_v2(path, &l->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
			 l->db ? sqlite3_errmsg(l->db) : "cannot open");
		sqlite3_close(l->db);
		free(l);
		return NULL;
	}
	sqlite3_busy_timeout(l->db, 5000);
	if (sqlite3_create_function_v2(l->db, "md5", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				       lite_md5, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(l->db));
		lite_close(&l->st);
		return NULL;
	}
	if (lite_exec(&l->st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", 0, NULL, NULL,
		      NULL)) {
		snprintf(err, errlen, "%s: %s", path, l->st.err);
		lite_close(&l->st);
		return NULL;
	}
	return &l->st;
}
