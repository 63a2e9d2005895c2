/* store_pg.c — the PostgreSQL backend through libpq (see store.h). Every
 * parameter goes as text ($n), every result comes back as text. */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#define SQL_ARGS_MAX 16

struct pg {
	struct store st;
	PGconn *c;
};

static int pg_exec(struct store *st, const char *sql, int nargs, const struct hval *args,
		   store_row_fn fn, void *ctx)
{
	struct pg *g = (struct pg *)st;
	char num[SQL_ARGS_MAX][24];
	const char *vals[SQL_ARGS_MAX];
	PGresult *res;
	int i, r = 0, rows, cols;
	ExecStatusType s;

	if (nargs > SQL_ARGS_MAX)
		return -E2BIG;
	for (i = 0; i < nargs; i++) {
		if (args[i].s) {
			vals[i] = args[i].s;
		} else {
			snprintf(num[i], sizeof(num[i]), "%" PRId64, args[i].i);
			vals[i] = num[i];
		}
	}
	if (nargs)
		res = PQexecParams(g->c, sql, nargs, NULL, vals, NULL, NULL, 0);
	else
		res = PQexec(g->c, sql); /* may hold several statements */
	s = PQresultStatus(res);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorMessage(res);
		size_t n = strcspn(m, "\n");

		snprintf(st->err, sizeof(st->err), "postgresql: %.*s", (int)n, m);
		PQclear(res);
		return -EIO;
	}
	rows = PQntuples(res);
	cols = PQnfields(res);
	if (cols > SQL_ARGS_MAX)
		cols = SQL_ARGS_MAX;
	for (i = 0; fn && i < rows && !r; i++) {
		const char *col[SQL_ARGS_MAX];
		int j;

		for (j = 0; j < cols; j++)
			col[j] = PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j);
		r = fn(ctx, cols, col);
	}
	PQclear(res);
	return r;
}

static void pg_close(struct store *st)
{
	struct pg *g = (struct pg *)st;

	PQfinish(g->c);
	free(g);
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* NOTICEs ("relation already exists") are not news */
}

static const struct store_ops pg_ops = {"postgresql", pg_exec, pg_close};

struct store *store_pg_open(const char *conninfo, char *err, size_t errlen)
{
	struct pg *g = calloc(1, sizeof(*g));

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->st.ops = &pg_ops;
	g->c = PQconnectdb(conninfo);
	if (PQstatus(g->c) != CONNECTION_OK) {
		const char *m = PQerrorMessage(g->c);

		snprintf(err, errlen, "postgresql: %.*s", (int)strcspn(m, "\n"), m);
		PQfinish(g->c);
		free(g);
		return NULL;
	}
	PQsetNoticeProcessor(g->c, quiet, NULL);
	return &g->st;
}

bool store_is_pg(const char *db)
{
	return !strncmp(db, "postgresql://", 13) || !strncmp(db, "postgres://", 11) ||
	       strchr(db, '=') != NULL;
}

struct store *store_open(const char *db, char *err, size_t errlen)
{
	if (store_is_pg(db))
		return store_pg_open(db, err, errlen);
	return store_sqlite_open(db, err, errlen);
}
