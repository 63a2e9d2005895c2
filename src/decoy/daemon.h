/* daemon.h — what the one process holds: loop, config, store, event
 * writer, personas, listeners and sessions (net/), fetcher, uplink. The
 * wiring: it hands each part the others it needs; no part includes this
 * header. There is exactly one struct daemon. */
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
#include "net/net.h"
#include "net/sntp.h"
#include "persona/persona.h"
#include "sh/vfs.h"
#include "store/store.h"
#include "uplink/uplink.h"

struct daemon {
	struct config cfg;
	struct ev_loop loop;
	struct store store;
	struct persona_unit unit;
	struct persona *personas[CAP_LISTENERS + 1];
	size_t npersonas;
	struct net net;		/* listeners and sessions (net/net.h) */
	struct ev_timer t_tick; /* store flush / sync */
	struct fetcher fetch;	/* payload downloads (fetch/fetch.h) */
	struct uplink up;	/* summaries to the hub (uplink/uplink.h) */
	struct sntp sntp;	/* the decoy's time (net/sntp.h) */

	struct evlog log;   /* the event writer (evlog/evlog.h) */
	struct vfs_pool fs; /* the shells' files: fs_kb, fs_total_kb */
};

int daemon_init(struct daemon *d, const struct config *cfg, char *err, size_t errlen);
int daemon_run(struct daemon *d);
void daemon_done(struct daemon *d);

#endif
