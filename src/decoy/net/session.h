/* session.h — one attacker connection: socket, queues, timers, events.
 *
 * Only net/ touches sockets. A protocol engine (proto/) is fed the bytes
 * that arrive and answers through sess_write()/sess_term()/sess_pause();
 * it asks for the end with sess_close(). The session is freed by the loop's
 * idle pass, never inside a callback.
 *
 * Output is a byte queue with pause marks: bytes queued after a
 * sess_pause(ms) leave only when the pause has run, and no input is fed to
 * the engine while output is held back — the way a real login(1) sleeps
 * after a wrong password, or a shell runs `sleep`.
 */
#ifndef TANUKI_SESSION_H
#define TANUKI_SESSION_H

#include <netinet/in.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ev/ev.h"
#include "json.h"

struct daemon;
struct listener;
struct persona;
struct session;

/* A protocol engine. feed() returns the bytes it consumed (it may stop
 * early when it paused output) or a negative value to close at once. */
struct engine {
	const char *name; /* "telnet": the `protocol` field of events */
	int (*start)(struct session *s);
	int (*feed)(struct session *s, const uint8_t *p, size_t n);
	/* Before the session is freed: capture what is left, free state. */
	void (*end)(struct session *s);
	/* Optional: the peer closed its side and every byte was fed. The
	 * engine may still answer (a half-closed peer reads it); the session
	 * ends once that output has left. Without this hook it ends at once. */
	void (*eof)(struct session *s);
	/* Optional: the engine's own timer (sess_timer()) ran out. */
	void (*timer)(struct session *s);
};

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
	size_t n;          /* OWN, REF: bytes left */
	const uint8_t *p;  /* REF: next byte */
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
	struct daemon *d;
	struct session *prev, *next;
	struct listener *lst;
	const struct engine *eng;
	void *engst; /* the engine's state, owned by the engine */
	const struct persona *persona;

	struct ev_io io;
	const struct sess_transport *tp; /* NULL: the kernel socket io.fd */
	void *tpctx;
	struct ev_timer t_idle, t_total, t_pause;
	struct ev_timer t_eng; /* the engine's own timer, see sess_timer() */
	struct buf in, out;  /* out: bytes of the OWN segments, in order */
	struct buf stage;    /* converted bytes of the REF segment at the head */
	struct seg segs[SESS_MAX_SEGS];
	unsigned shead, nsegs, npauses;
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
void sess_accept(struct daemon *d, struct listener *l, int fd,
		 const struct sockaddr_storage *peer);

/* A connection of another transport (tp, ctx) → new session. local: the
 * address the peer reached. Returns NULL when it was refused (a cap): the
 * caller still owns the transport then; otherwise the session does. */
struct session *sess_accept_tp(struct daemon *d, struct listener *l,
			       const struct sess_transport *tp, void *ctx,
			       const struct sockaddr_storage *peer,
			       const struct sockaddr_storage *local);
/* The transport's socket-like readiness (EV_READ / EV_WRITE). */
void sess_io(struct session *s, unsigned revents);

/* Raw bytes to the wire. */
void sess_write(struct session *s, const void *p, size_t n);
/* Terminal bytes: '\n' → "\r\n" (a pty's onlcr), 0xff doubled (telnet). */
void sess_term(struct session *s, const void *p, size_t n);
/* Terminal bytes that stay valid and unchanged for the session's life
 * (persona data): queued by reference, converted as they leave. */
void sess_term_ref(struct session *s, const void *p, size_t n);
/* Holds back what is written next for ms milliseconds. */
void sess_pause(struct session *s, unsigned ms);
/* True while queued output waits on a pause. */
bool sess_paused(const struct session *s);
/* Arms the engine's timer to call eng->timer in ms (0 stops it). */
void sess_timer(struct session *s, unsigned ms);
/* Sends what was queued outside the session's own callbacks (the shell
 * resumed when a download ended, from the loop's idle pass). */
void sess_flush(struct session *s);
/* Ends the session once queued output has left (or at once if `now`). */
void sess_close(struct session *s, bool now);

/* Events: sess_ev() starts a JSON object with the common fields (eventid,
 * timestamp, session, src_ip, src_port, dst_ip, dst_port, sensor,
 * protocol); add fields, then sess_ev_end(). One event at a time. */
struct json *sess_ev(struct session *s, const char *eventid);
void sess_ev_end(struct session *s, struct json *j);

/* An event outside any session (daemon, refusals): same common fields. */
struct json *ev_begin(struct daemon *d, const char *eventid,
		      const char *session, const char *src_ip, unsigned src_port,
		      const char *dst_ip, unsigned dst_port, const char *proto);
void ev_commit(struct daemon *d);

/* Stores a file the session built and logs cowrie.session.file_download;
 * a downloader (fetch/dlr.h) gets its second stage fetched. */
void sess_capture(struct session *s, const char *destfile, const void *data,
		  size_t n, const char *reason);

/* Frees every session marked closing (the loop's idle pass). */
void sess_reap(struct daemon *d);
/* Closes every session (shutdown). */
void sess_close_all(struct daemon *d);

#endif
