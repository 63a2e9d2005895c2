/* daemon.h — what the one process holds: loop, config, store, personas,
 * listeners and sessions. There is exactly one struct daemon. */
#ifndef TANUKI_DAEMON_H
#define TANUKI_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "json.h"
#include "ev/ev.h"
#include "evlog/evlog.h"
#include "fetch/fetch.h"
#include "persona/persona.h"
#include "store/store.h"
#include "uplink/uplink.h"

struct session;

struct listener {
	struct daemon *d;
	const struct cfg_listener *cfg;
	const struct persona *persona;
	struct ev_io io;
	struct ev_timer t_resume; /* re-enable after EMFILE */
	bool paused;              /* out of the loop at a cap */
};

struct daemon {
	struct config cfg;
	struct ev_loop loop;
	struct store store;
	struct persona_unit unit;
	struct persona *personas[CAP_LISTENERS + 1];
	size_t npersonas;
	struct listener listeners[CAP_LISTENERS];
	size_t nlisteners;

	struct session *sessions; /* live, doubly linked */
	size_t nsessions;
	bool reap_pending;
	struct ev_timer t_tick;   /* store flush / sync */
	struct fetcher fetch;     /* payload downloads (fetch/fetch.h) */
	struct uplink up;         /* summaries to the hub (uplink/uplink.h) */

	uint64_t refused;         /* connections turned away at a cap */
	uint64_t refused_logged_sec;
	unsigned refused_logged;

	struct evlog log;         /* the event writer (evlog/evlog.h) */
};

int daemon_init(struct daemon *d, const struct config *cfg, char *err, size_t errlen);
int daemon_run(struct daemon *d);
void daemon_done(struct daemon *d);
/* A session ended: lets paused listeners accept again. */
void daemon_session_gone(struct daemon *d);

#endif
