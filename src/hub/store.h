/* store.h — the hub's storage behind a small vtable: SQLite or PostgreSQL.
 *
 * Both backends take the same SQL text (written once in db.c, in the
 * dialect both accept: $1.. parameters, BIGINT, ON CONFLICT, RETURNING)
 * and hand every result column to the row callback as text (NULL for SQL
 * NULL). Parameters are text or int64.
 *
 * Ownership: store_open() returns a handle the caller releases with
 * store->ops->close(store). Not thread-safe: one thread uses a handle.
 */
#ifndef TANUKI_HUB_STORE_H
#define TANUKI_HUB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hval {
	const char *s; /* text when non-NULL, else the integer i */
	int64_t i;
};
#define HV_S(x) ((struct hval){.s = (x)})
#define HV_I(x) ((struct hval){.s = NULL, .i = (int64_t)(x)})

/* Returns 0 to go on, non-zero to stop (exec then returns that value). */
typedef int (*store_row_fn)(void *ctx, int ncol, const char *const *col);

struct store;
struct store_ops {
	const char *name;
	int (*exec)(struct store *st, const char *sql, int nargs, const struct hval *args,
		    store_row_fn fn, void *ctx);
	void (*close)(struct store *st);
};

struct store {
	const struct store_ops *ops;
	char err[256]; /* the last error, for logs */
};

/* `db` is a file path (SQLite) or a postgresql:// / postgres:// URI or a
 * "host=… dbname=…" conninfo string (PostgreSQL). NULL + err on failure. */
struct store *store_open(const char *db, char *err, size_t errlen);
struct store *store_sqlite_open(const char *path, char *err, size_t errlen);
struct store *store_pg_open(const char *conninfo, char *err, size_t errlen);
bool store_is_pg(const char *db);

static inline int store_exec(struct store *st, const char *sql, int nargs, const struct hval *args,
			     store_row_fn fn, void *ctx)
{
	return st->ops->exec(st, sql, nargs, args, fn, ctx);
}

#endif
