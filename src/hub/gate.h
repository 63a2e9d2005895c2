/* gate.h — what a client may hold before it has authenticated.
 *
 * The gate tracks every TCP connection of the HTTPS server from accept to
 * close: its source (an IPv4 address, or an IPv6 /64), when it came, what
 * it is doing (waiting for its TLS hello and request headers, sending a
 * request, idle between keep-alive requests) and how many body bytes it
 * may send before its signature can be checked. It enforces, with the
 * caps of hub_limits.h:
 *
 *   - connections per source (HUB_CONN_PER_SRC): one address cannot take
 *     the table; when the table is full (HUB_CONN_MAX) a new connection
 *     evicts the oldest connection that has no request in progress, taken
 *     from the source holding most, instead of waiting in the backlog;
 *   - a deadline on the TLS hello and request headers (HUB_HELLO_S) and on
 *     an unauthenticated body (HUB_BODY_S): slow senders are cut;
 *   - unauthenticated body bytes in flight, per source and in all
 *     (reserved from Content-Length before a byte of the body is read).
 *
 * Connections are cut with shutdown(2); the server thread then sees the
 * socket end and closes it. All calls take the gate's mutex: the server
 * thread opens/closes/reserves, the main thread sweeps once a second. A
 * connection's fd is only touched between its open and close callbacks,
 * which the server runs before it closes the descriptor.
 */
#ifndef TANUKI_HUB_GATE_H
#define TANUKI_HUB_GATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum gate_phase { GATE_HELLO, GATE_REQUEST, GATE_IDLE };

struct gate_conn {
	bool used, cut, unauth;
	uint8_t src[16]; /* IPv4 as ::ffff:a.b.c.d, IPv6 cut to its /64 */
	int fd;
	enum gate_phase phase;
	int64_t since_ms; /* accept, or the current request's start */
	size_t reserved;  /* unauthenticated body bytes granted */
};

struct gate_stats {
	uint64_t refused_source; /* per-source connection cap */
	uint64_t refused_full;	 /* table full, nothing evictable */
	uint64_t evicted;	 /* idle connection evicted for a new one */
	uint64_t cut_hello;	 /* hello/headers past HUB_HELLO_S */
	uint64_t cut_body;	 /* unauthenticated body past HUB_BODY_S */
	uint64_t refused_budget; /* unauthenticated-bytes cap */
};

struct gate {
	pthread_mutex_t mu;
	struct gate_conn *c;
	size_t n;      /* slots */
	size_t unauth; /* bytes reserved now, all sources */
	size_t unauth_max, unauth_src_max;
	struct gate_stats st;
};

/* max_body: the configured largest body; the caps are at least that. */
int gate_init(struct gate *g, size_t max_body);
void gate_free(struct gate *g);
/* The source key of an address (16 bytes). */
void gate_source(const struct sockaddr *sa, uint8_t out[16]);
/* Accept policy: true to take a connection from sa (may evict one). */
bool gate_accept(struct gate *g, const struct sockaddr *sa, int64_t now_ms);
/* A connection was set up / is about to be closed. open returns NULL when
 * there is no slot (the caller cuts it). */
struct gate_conn *gate_open(struct gate *g, const struct sockaddr *sa, int fd, int64_t now_ms);
void gate_close(struct gate *g, struct gate_conn *gc);
/* Request headers are in. */
void gate_request(struct gate *g, struct gate_conn *gc, int64_t now_ms);
/* Grants n unauthenticated body bytes; false when a cap would be passed. */
bool gate_reserve(struct gate *g, struct gate_conn *gc, size_t n);
/* The body was authenticated (or refused): its bytes are no longer
 * unauthenticated, and the body deadline no longer applies. */
void gate_release(struct gate *g, struct gate_conn *gc);
/* The request ended; the connection may wait for the next. */
void gate_done(struct gate *g, struct gate_conn *gc);
/* Cuts connections past their deadline. */
void gate_sweep(struct gate *g, int64_t now_ms);
/* A copy of the counters and the current use. */
void gate_snapshot(struct gate *g, struct gate_stats *st, size_t *conns, size_t *unauth);
int64_t gate_now_ms(void);

#endif
