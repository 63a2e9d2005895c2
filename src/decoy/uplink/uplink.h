/* uplink.h — summaries from the store to a tanuki-hub over pinned TLS
 * (docs/hub.md), inside the one event loop.
 *
 * Every interval the uplink reads the store's synced events from its
 * cursor on (uplink/cursor.h), counts them into one summary (uplink/agg.h),
 * records the cut in the cursor file ("pending"), and POSTs it over HTTPS
 * with mbedTLS: non-blocking connect, handshake, then the hub's key is
 * checked against the pinned SHA-256 of its SubjectPublicKeyInfo before a
 * byte of the request leaves. The request is signed with HMAC-SHA256 over
 * device, time, nonce and the body's hash. Only the hub's {"ack": SEQ}
 * moves the cursor; anything else is a tanuki.uplink.failed event and a
 * retry after an exponential backoff with jitter (capped at the interval).
 * A resend after a lost answer or a restart rebuilds the very same range
 * with the same seq, and the hub keeps the first: exactly once.
 *
 * A backlog (an outage, a restart) is sent as consecutive summaries, each
 * bounded by agg.h's tables and max_kb, without waiting for the interval.
 * Memory is fixed at init: struct agg, the body and response buffers, and
 * mbedTLS's context only while a request is in flight.
 */
#ifndef TANUKI_UPLINK_H
#define TANUKI_UPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "buf.h"
#include "ev/ev.h"
#include "fetch/dns.h"
#include "uplink/cursor.h"
#include "uplink/upcfg.h"
#include "xsock/xsock.h"

struct agg;
struct evlog;
struct store;
struct up_tls; /* mbedTLS state, uplink.c */

enum up_state { UP_IDLE, UP_DNS, UP_CONNECT, UP_HANDSHAKE, UP_SEND, UP_RECV };

struct uplink_stats {
	uint64_t attempts, acked, failed, cursor_errors, uploaded, upload_skipped;
	int64_t last_ack; /* unix seconds */
};

/* What the uplink works with (the daemon's parts). */
struct uplink_env {
	struct ev_loop *loop;
	struct store *store;
	struct evlog *log;
	const char *persona; /* the unit's, for the summary's head */
	unsigned quota_kb;   /* the store's, idem */
	/* the resolver when `config uplink` names none (the fetcher's), or NULL */
	const struct sockaddr_storage *dns;
	socklen_t dnslen;
	/* the stack the hub is reached through: NULL the kernel's, or the WAN
	 * side's (net/wan_client.h; names then resolve by lwIP's resolver,
	 * a hub at a loopback address stays on the kernel's) */
	struct xnet *net;
};

struct uplink {
	struct uplink_env e;
	const struct uplink_cfg *c;
	bool on;
	enum up_state st;
	struct ev_timer t;    /* next attempt */
	struct ev_timer t_to; /* the attempt's deadline */
	struct xsock io;
	struct dns_q dq;
	struct xres xr;
	struct sockaddr_storage addr;
	socklen_t alen;
	struct up_tls *tls;
	struct agg *agg;
	struct buf raw; /* events array (option events) */
	struct buf body, req, resp;
	size_t req_off;
	struct up_cursor cur;
	bool more;	  /* the last cut stopped on a full summary */
	bool uploading;	  /* summary acked; its binaries going up */
	uint32_t bin_i;	  /* next binary row of the summary to upload */
	char bin_hex[65]; /* the one in flight */
	unsigned fails;
	int64_t skew;	   /* hub's clock minus ours, from its Date header */
	int64_t boot_wall; /* unix seconds at start */
	uint64_t start_ms;
	struct uplink_stats st_;
};

/* Starts the uplink if configured (off: returns 0 and does nothing). */
int uplink_init(struct uplink *u, const struct uplink_env *env, const struct uplink_cfg *c,
		char *err, size_t errlen);
/* Aborts a request in flight (its summary stays pending in the cursor). */
void uplink_stop(struct uplink *u);
void uplink_done(struct uplink *u);

/* The value of header `name` in an answer head of n bytes (the first
 * line that has it, case-insensitive), into out; false when absent or
 * longer than cap - 1 (uphttp.c). */
bool uplink_header(const char *head, size_t n, const char *name, char *out, size_t cap);
/* Reads n decimal digits at p into *v; false if one is not a digit. */
bool uplink_digits(const char *p, int n, int *v);
/* "Fri, 27 Nov 2026 07:19:48 GMT" → unix seconds; 0 for anything else
 * (the hub's Date header, for the clock offset after a 401). */
int64_t uplink_http_date(const char *s);

#endif
