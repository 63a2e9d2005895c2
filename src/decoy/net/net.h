/* net.h — the daemon's sockets: listeners and the sessions they accept.
 *
 * net/ is the only code that opens, accepts on, reads or writes attacker
 * sockets (the fetcher's and the uplink's own outgoing sockets live with
 * them, in fetch/ and uplink/). A struct net is handed the loop, the store,
 * the event writer and the fetcher; it never sees the daemon.
 */
#ifndef TANUKI_NET_H
#define TANUKI_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acct.h"
#include "bounds.h"
#include "ev/ev.h"

struct cfg_listener;
struct engine;
struct evlog;
struct fetcher;
struct net;
struct persona;
struct session;
struct store;
struct wan;

struct listener {
	struct net *net;
	const struct cfg_listener *cfg;
	const struct persona *persona;
	const struct engine *eng; /* proto/engine.h, by cfg->proto */
	struct ev_io io;
	struct ev_timer t_resume; /* re-enable after EMFILE */
	bool paused;		  /* out of the loop at a cap */
};

/* The caps and values sessions are opened with (the daemon's config). */
/* How often the listeners accept between two callbacks of a busy loop. */
#define NET_ACCEPT_EVERY_MS 5

struct net_opts {
	unsigned max_sessions, max_per_src;
	unsigned idle_ms, session_ms;
	int fail_delay_ms;	       /* -1: the persona's own */
	unsigned max_tries;	       /* 0: the persona's own */
	const uint8_t *seed;	       /* the unit's, 32 bytes (eng_start) */
	const char *cfgpath;	       /* for "FILE:LINE: problem" */
	size_t mem_session, mem_total; /* memory accounts (common/acct.h) */
	unsigned login_ms;	       /* pre-login deadline (0: none) */
	void *fs_pool;		       /* the shells' struct vfs_pool (sh/vfs.h) */
};

struct net {
	struct ev_loop *loop;
	struct store *store;
	struct evlog *log;
	struct fetcher *fetch;
	struct net_opts o;
	struct acct mem; /* all sessions' working memory (mem_total_kb) */

	struct listener listeners[CAP_LISTENERS];
	size_t nlisteners;
	struct session *sessions; /* live, doubly linked */
	size_t nsessions;
	size_t nclosing; /* of those, closed and waiting for the reap */
	bool reap_pending;

	struct wan *wan; /* the WAN side on lwIP (net/wan.h), or NULL */

	uint64_t refused; /* connections turned away at a cap */
	uint64_t refused_logged_sec;
	unsigned refused_logged;
};

void net_init(struct net *n, struct ev_loop *loop, struct store *store, struct evlog *log,
	      struct fetcher *fetch, const struct net_opts *o);
/* Opens a listener for c (sessions get engine eng, persona p). Returns 0,
 * or -1 with "FILE:LINE: cannot listen on ..." in err. */
int net_listen(struct net *n, const struct cfg_listener *c, const struct persona *p,
	       const struct engine *eng, char *err, size_t errlen);
/* A session ended: lets paused listeners accept again (net/session.c). */
void net_session_gone(struct net *n);
/* Closes every listener. */
void net_done(struct net *n);

#endif
