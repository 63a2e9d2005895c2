/* session.h — one attacker connection: socket, queues, timers, events.
 *
 * Only net/ touches sockets. A protocol engine (proto/) is fed the bytes
 * that arrive and answers through the calls of proto/engine.h
 * (sess_write()/sess_term()/sess_pause(), ...), which this module
 * implements; it asks for the end with sess_close(). The session is freed
 * by the loop's idle pass, never inside a callback. Engines never see the
 * fields below; the host glue (host/) does.
 */
#ifndef TANUKI_SESSION_H
#define TANUKI_SESSION_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ev/ev.h"
#include "json.h"
#include "proto/engine.h"

struct listener;
struct net;
struct persona;
struct session;

/* Output segments queued at once: bytes, references, pauses. A shell line
 * makes a handful; a burst past this is copied (refs) or loses its waits
 * (pauses), never its bytes. */
#define SESS_MAX_SEGS 32

enum seg_kind { SEG_OWN, SEG_REF, SEG_PAUSE };

/* One piece of queued output. OWN bytes sit in order in session.out; a REF
 * points at memory that lives as long as the session (the persona image)
 * and is converted for the terminal as it leaves, so `cat /bin/busybox` in
 * a thousand sessions costs no copies. */
struct seg {
	uint8_t kind;
	bool term;         /* REF: apply sess_term's conversion when sending */
	unsigned ms;       /* PAUSE */
	unsigned col;      /* REF: the terminal column its next byte starts at */
	size_t n;          /* OWN, REF: bytes left */
	const uint8_t *p;  /* REF: next byte */
};

struct session {
	struct net *net;
	struct session *prev, *next;
	struct listener *lst;
	const struct engine *eng;
	void *engst; /* the engine's state, owned by the engine */
	const struct persona *persona;

	struct ev_io io;
	struct ev_timer t_idle, t_total, t_pause;
	struct ev_timer t_eng; /* the engine's own timer, see sess_timer() */
	struct buf in, out;  /* out: bytes of the OWN segments, in order */
	struct buf stage;    /* converted bytes of the REF segment at the head */
	struct seg segs[SESS_MAX_SEGS];
	unsigned shead, nsegs, npauses;
	unsigned col;      /* the terminal's column after everything queued */
	bool closing;           /* freed at the next idle pass */
	bool close_when_flushed;
	bool reading_stopped;
	bool peer_eof;          /* recv() said the peer closed: read no more */

	char id[13];
	struct sockaddr_storage peer;
	char src_ip[46], dst_ip[46];
	uint16_t src_port, dst_port;
	int64_t start_us;
	uint64_t bytes_in, bytes_out;
	unsigned nfetch; /* fetches started (CAP_FETCH_PER_SESSION) */
};

/* Accepted socket → new session (or a polite refusal). */
void sess_accept(struct net *n, struct listener *l, int fd,
		 const struct sockaddr_storage *peer);

/* For the host glue (host/): what a fetch it starts for s records of it,
 * and the fetcher to start it with. */
struct fetch_origin;
struct fetcher;
void sess_origin(const struct session *s, struct fetch_origin *o);
struct fetcher *sess_fetcher(const struct session *s);

/* Frees every session marked closing (the loop's idle pass). */
void sess_reap(struct net *n);
/* Closes every session (shutdown). */
void sess_close_all(struct net *n);

#endif
