/* evlog.h — the event writer: one Cowrie-style JSON line at a time into
 * the store's event log (docs/events.md).
 *
 * evlog_begin() starts an object with the common fields (eventid,
 * timestamp, session, src_ip, src_port, dst_ip, dst_port, sensor,
 * protocol); the caller adds its fields and calls evlog_commit(). One event
 * at a time: the object lives in the evlog's own buffer. Used by the
 * sessions (net/), the fetcher, the uplink and the daemon; the store's own
 * notes (evictions) are logged through it too.
 */
#ifndef TANUKI_EVLOG_H
#define TANUKI_EVLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

struct store;

struct evlog {
	struct store *store;
	const char *sensor; /* outlives the evlog (the config) */
	struct buf buf;	    /* scratch for one event line */
	struct json j;
	/* this run's id (16 hex digits, random): events stamped before the
	 * time was known carry it, and so does the tanuki.time event that
	 * gives their correction (docs/wan.md, "Time") */
	char boot[17];
	bool fixed; /* the store's timefix has this run */
};

/* Also makes the evlog the store's note handler (tanuki.store.evicted). */
void evlog_init(struct evlog *l, struct store *st, const char *sensor);
void evlog_done(struct evlog *l);

struct json *evlog_begin(struct evlog *l, const char *eventid, const char *session,
			 const char *src_ip, unsigned src_port, const char *dst_ip,
			 unsigned dst_port, const char *proto);
/* Closes the object and hands the line to the store (a line past CAP_EVENT
 * is counted in events_dropped instead). */
void evlog_commit(struct evlog *l);

/* After the time was learned: when events were stamped uncertain before,
 * the store keeps this run's correction (store_time_fix), once per run. */
void evlog_time_fix(struct evlog *l, bool was_uncertain);
/* The hub's Date (unix seconds; authenticated: the answer came over the
 * pinned TLS) cross-checks the decoy's time (sys.h, net/sntp.h): it sets
 * the time when no source has and one is expected, or when the clock in use
 * is further than CAP_TIME_HUB_TOLERANCE_S from it (an SNTP server on the
 * WAN is not authenticated; the hub is), and logs tanuki.time. True when it
 * set the time. */
bool evlog_time_hub(struct evlog *l, int64_t hub_s);

#endif
