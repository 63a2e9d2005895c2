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
#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acct.h"
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
	bool term;	  /* REF: apply sess_term's conversion when sending */
	unsigned ms;	  /* PAUSE */
	unsigned col;	  /* REF: the terminal column its next byte starts at */
	size_t n;	  /* OWN, REF: bytes left */
	const uint8_t *p; /* REF: next byte */
};

/* What is below a session: a kernel socket (tp NULL, io.fd), or another
 * transport such as an lwIP pcb of the WAN stack (net/wan.c). send and recv
 * return what a non-blocking socket's do (-1 with errno EAGAIN when they
 * would block; recv 0 when the peer closed); interest registers EV_READ /
 * EV_WRITE, and the transport calls sess_io() when one is ready; close
 * ends it (from the loop's idle pass, never inside its own callbacks). */
struct sess_transport {
	ssize_t (*send)(void *ctx, const void *p, size_t n);
	ssize_t (*recv)(void *ctx, void *p, size_t n);
	int (*interest)(void *ctx, unsigned events);
	void (*close)(void *ctx);
};

struct session {
	struct net *net;
	struct session *prev, *next;
	struct listener *lst;
	const struct engine *eng;
	void *engst; /* the engine's state, owned by the engine */
	const struct persona *persona;

	struct ev_io io;
	const struct sess_transport *tp; /* NULL: the kernel socket io.fd */
	void *tpctx;
	struct ev_timer t_idle, t_total, t_pause;
	struct ev_timer t_eng;	 /* the engine's own timer, see sess_timer() */
	struct ev_timer t_login; /* the pre-login deadline (login_s) */
	struct acct mem;	 /* this session's buffers and its shell's */
	struct acct shmem;	 /* its shell's working memory (mem_kb), under mem:
				  * a shell at its cap never starves the output
				  * queue that must carry its "out of memory" */
	bool logged_in;		 /* sess_logged_in(): out of the pre-login pool */
	uint64_t last_ms;	 /* when the peer last sent a byte (eviction) */
	struct buf in, out;	 /* out: bytes of the OWN segments, in order */
	struct buf stage;	 /* converted bytes of the REF segment at the head */
	struct seg segs[SESS_MAX_SEGS];
	unsigned shead, nsegs, npauses;
	unsigned col; /* the terminal's column after everything queued */
	bool closing; /* freed at the next idle pass */
	bool close_when_flushed;
	bool reading_stopped;
	bool peer_eof; /* recv() said the peer closed: read no more */

	char id[13];
	struct sockaddr_storage peer;
	char src_ip[46], dst_ip[46];
	uint16_t src_port, dst_port;
	int64_t start_us;
	uint64_t bytes_in, bytes_out;
	unsigned nfetch; /* fetches started (CAP_FETCH_PER_SESSION) */
};

/* Accepted socket → new session (or a polite refusal). */
void sess_accept(struct net *n, struct listener *l, int fd, const struct sockaddr_storage *peer);

/* A connection of another transport (tp, ctx) → new session. local: the
 * address the peer reached. Returns NULL when it was refused (a cap): the
 * caller still owns the transport then; otherwise the session does. */
struct session *sess_accept_tp(struct net *n, struct listener *l, const struct sess_transport *tp,
			       void *ctx, const struct sockaddr_storage *peer,
			       const struct sockaddr_storage *local);
/* The transport's socket-like readiness (EV_READ / EV_WRITE). */
void sess_io(struct session *s, unsigned revents);

/* For the host glue (host/): what a fetch it starts for s records of it,
 * and the fetcher to start it with. */
struct fetch_origin;
struct fetcher;
void sess_origin(const struct session *s, struct fetch_origin *o);
struct fetcher *sess_fetcher(const struct session *s);

/* One source for the per-source cap: the same IPv4 address (mapped or
 * not), or the same IPv6 /64. */
bool sess_same_source(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* Live sessions from peer's source. */
unsigned sess_count_from(struct net *n, const struct sockaddr_storage *peer);
/* The session table is full: closes the session a new peer may take the
 * place of — the longest-idle one that has not logged in, else the
 * longest-idle one of the source holding most. False if none. */
bool sess_evict(struct net *n);
/* The working-memory account a shell of s charges (host/). */
struct acct *sess_mem(struct session *s);

/* Frees every session marked closing (the loop's idle pass). */
void sess_reap(struct net *n);
/* Closes every session (shutdown). */
void sess_close_all(struct net *n);

#endif
