/* fetch.h — the payload fetcher: downloads what the attacker points at
 * (HTTP, FTP, TFTP) inside the one event loop, and stores it by SHA-256.
 *
 * A fetch never points at a session: it copies what its events need (the
 * origin: session id, addresses, ports, protocol), so a session may end
 * while its fetches run and nothing has to be detached. Every fetch ends
 * in exactly one event: cowrie.session.file_download (stored) or
 * cowrie.session.file_download.failed (with `reason`). A fetch refused at
 * the start (caps, policy, bad URL) gets the failed event too.
 *
 * State machines (one struct fetch each):
 *   all:  [RESOLVE: dns.c] -> policy_check(address) -> CONNECT
 *   http: CONNECT -> SEND request -> HEAD -> 3xx: back to RESOLVE with the
 *         Location (CAP_FETCH_REDIRECTS) | 200: BODY (Content-Length,
 *         chunked or close-delimited) -> store
 *   ftp:  CONNECT -> 220 -> USER -> 331/230 -> PASS -> 230 -> TYPE I ->
 *         200 -> PASV -> 227 -> data CONNECT (to the control peer's address,
 *         never the one in the 227 reply) + RETR -> data EOF -> store
 *   tftp: RRQ (octet) -> DATA n -> ACK n ... -> short block -> store;
 *         replies only from the policy-checked address, resend every
 *         CAP_TFTP_WAIT_MS growing 1.5x to CAP_TFTP_MAX_WAIT_MS,
 *         CAP_TFTP_TRIES waits (BusyBox's schedule).
 * Caps (bounds.h): bytes, total time, in flight, per session, per minute,
 * per target host. Finished fetches are freed from the loop's idle pass.
 */
#ifndef TANUKI_FETCH_H
#define TANUKI_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch/fetchcfg.h"

struct ev_loop;
struct evlog;
struct xnet;
struct fetch;
struct store;

/* How a fetch ended, for the one who waits for it (the session's shell).
 * Everything is valid during the waiter's callback only. */
struct fetch_result {
	bool ok;
	const uint8_t *data; /* ok: the whole file as stored */
	size_t len;
	const char *reason;	 /* failed: the event's reason */
	const char *detail;	 /* the event's detail, or NULL */
	const char *status_line; /* http_status: the server's first line, clean */
	const char *ftp_cmd;	 /* ftp_error: the command refused */
	int code;		 /* HTTP status, TFTP error code, FTP reply */
	const char *peer_ip;	 /* the last address tried, "" if none */
	bool connected;		 /* a TCP connection (or a TFTP reply) was made */
	unsigned ms;
};

/* Embedded in who waits. done() is called once, from the loop's idle pass
 * (never inside fetch_request_wait), unless fetch_unwait() ran first.
 * Either way the fetch runs to its end and stores what it got. */
struct fetch_waiter {
	struct fetch *f; /* set while waiting */
	void (*done)(struct fetch_waiter *w, const struct fetch_result *r);
};

struct fetch_origin {
	char session[16];
	char src_ip[46], dst_ip[46];
	uint16_t src_port, dst_port;
	char proto[16];
};

struct fetcher {
	struct ev_loop *loop;
	struct store *store; /* where fetched files go */
	struct evlog *log;   /* where their events go */
	const struct fetch_cfg *cfg;
	/* the stack downloads and lookups go through: NULL the kernel's, or
	 * the WAN side's (net/wan_client.h: lwIP's resolver then, not dns) */
	struct xnet *net;
	struct fetch *list;
	size_t inflight;
	bool reap_pending;
	uint64_t window_ms; /* start of the current one-minute window */
	unsigned window_n;  /* fetches started in it */
	uint64_t started, stored, failed;
};

void fetch_init(struct fetcher *f, struct ev_loop *loop, struct store *store, struct evlog *log,
		const struct fetch_cfg *cfg);
/* Ends every fetch (failed, reason "shutdown") and frees them. */
void fetch_shutdown(struct fetcher *f);
/* Frees finished fetches (the loop's idle pass). */
void fetch_reap(struct fetcher *f);

/* A session's applet asked for url (the shell's SH_EV_FETCH); o is the
 * session (net/session.h: sess_origin), *count its fetches so far, counted
 * against CAP_FETCH_PER_SESSION and raised when one starts. */
void fetch_request(struct fetcher *fr, const struct fetch_origin *o, unsigned *count,
		   const char *url, const char *applet, const char *destfile);
/* The same, and w->done() is called when it ends; user/pass (or NULL) are
 * the FTP login the applet was given. Returns false (w is never called)
 * when fetching is off or the fetch was refused at the start (logged). */
bool fetch_request_wait(struct fetcher *fr, const struct fetch_origin *o, unsigned *count,
			const char *url, const char *applet, const char *destfile, const char *user,
			const char *pass, struct fetch_waiter *w);
/* The waiter goes away (its session ends): the fetch goes on alone. */
void fetch_unwait(struct fetch_waiter *w);
/* A stored file (sha) may be a downloader: fetch what it would fetch. */
void fetch_stage2(struct fetcher *f, const struct fetch_origin *o, const uint8_t *data, size_t n,
		  const char *sha);

#endif
