/* db_export.h — the export queue (Splunk HEC / Elasticsearch _bulk) in the
 * hub's database, for both backends (see db.h for the dialect).
 *
 * The durable cursor of an export is its queue: one row per stored raw
 * event not yet acknowledged, (name, device, seq, idx) pointing at the
 * `events` row. A summary's events are queued for every registered export
 * in the transaction that stores them (db_ingest), so a row exists exactly
 * when the event still has to go out; it is deleted in the transaction that
 * records the receiver's documented success. A position cursor over
 * `events` could skip rows that another hub commits later with an earlier
 * position; a queue cannot.
 *
 * One hub at a time sends for an export: the one holding its lease
 * (exports.holder until exports.lease_until, in the database), taken and
 * renewed with one conditional UPDATE and checked again in the commit.
 *
 * All functions return 0 or a negative errno (-EIO: see st->err).
 */
#ifndef TANUKI_HUB_DB_EXPORT_H
#define TANUKI_HUB_DB_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "store.h"

/* The schema's export block (called by db_init). */
int db_export_init(struct store *st);
/* Inside db_ingest's transaction: queues the events of (device, seq). */
int db_export_queue(struct store *st, const char *device, int64_t seq, int64_t pfrom, int64_t now);
/* Registers an export (its type may change); new ones start with an empty
 * queue: events stored before are not sent. */
int db_export_register(struct store *st, const char *name, const char *type, int64_t now);
/* Drops every export not in names[0..n) with its queue; *dropped counts
 * the queued events dropped. */
int db_export_prune(struct store *st, const char *const *names, int n, int64_t *dropped);
/* True (1) when the export has queued events, 0 when none, or -errno. */
int db_export_any(struct store *st, const char *name);
/* 0 when the lease is (now) ours until `until`, -EBUSY when another holder
 * has it beyond `now`. */
int db_export_lease(struct store *st, const char *name, const char *holder, int64_t now,
		    int64_t until);
int db_export_release(struct store *st, const char *name, const char *holder);

enum export_state {
	EXP_SEND,   /* in the request */
	EXP_GONE,   /* its event was pruned by retention: dequeued, not counted */
	EXP_DONE,   /* acknowledged: dequeued, counted as sent */
	EXP_RETRY,  /* the receiver asked for it again (ES 429/5xx item): kept */
	EXP_REJECT, /* refused for good (ES 4xx item): dequeued, recorded, counted */
};

struct export_item {
	char device[65];
	int64_t seq, idx, pfrom;
	char *raw; /* heap, NULL when GONE */
	size_t rawlen;
	enum export_state state;
	int status;	 /* REJECT: the item's HTTP status */
	char reason[64]; /* REJECT: the receiver's error type (escaped) */
};

/* Up to `max` queued items, oldest first, their raw events read until
 * `bytes` of raw text (at least one item). Caller frees with
 * db_export_items_free. */
int db_export_batch(struct store *st, const char *name, int max, size_t bytes,
		    struct export_item **items, int *n);
void db_export_items_free(struct export_item *items, int n);
/* One transaction: checks the lease is still ours (-EBUSY if not, nothing
 * changed), renews it to `until`, dequeues DONE, GONE and REJECT items,
 * records REJECT ones in export_rejected, adds the counters. */
int db_export_commit(struct store *st, const char *name, const char *holder, int64_t now,
		     int64_t until, const struct export_item *items, int n);
/* A failed request: failed += 1, last_error = what (escaped by caller),
 * last_fail = now. */
int db_export_failed(struct store *st, const char *name, const char *what, int64_t now);
/* Prometheus lines for every export (sent, failed, rejected, pending,
 * lag); the names are checked at config time ([A-Za-z0-9._-]). */
int db_export_metrics(struct store *st, struct buf *b, int64_t now);

#endif
