/* dns.h — a small asynchronous DNS client (UDP, A then AAAA).
 *
 * Why our own and not c-ares: the fetcher only needs A/AAAA answers from
 * one configured recursive server; c-ares would be one more library to
 * cross-compile and ship on a router with a few MB of flash, for ~300 lines
 * of work here. getaddrinfo() is not an option: it blocks the one loop.
 *
 * One query per struct dns_q, embedded in its owner. The query id and the
 * UDP source port are random; the socket is connected to the server so the
 * kernel drops answers from anyone else; an answer must echo our id and
 * question. Each lookup is bounded: CAP_DNS_TRY_MS per try, exactly one
 * retry, A first and AAAA only when there is no A record.
 *
 * The callback runs from the loop with the socket already closed; it may
 * start another lookup on the same dns_q.
 */
#ifndef TANUKI_DNS_H
#define TANUKI_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ev/ev.h"

#define DNS_TYPE_A 1
#define DNS_TYPE_AAAA 28
#define DNS_MAX_NAME 253
#define DNS_MAX_ANSWERS 8
#define DNS_MAX_MSG 1232 /* EDNS-safe size; we send no EDNS, 512 is usual */

struct dns_result {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
};

struct dns_q {
	struct ev_loop *loop;
	struct ev_io io;
	struct ev_timer t;
	struct sockaddr_storage server;
	socklen_t slen;
	char name[DNS_MAX_NAME + 2];
	uint16_t id, qtype;
	unsigned tries;
	bool active;
	/* err: 0 (n >= 1 results), -ENOENT (no such name / no address),
	 * -ETIMEDOUT, -EPROTO, or another -errno from the socket. */
	void (*cb)(struct dns_q *q, int err, const struct dns_result *r, size_t n);
};

/* "1.2.3.4", "1.2.3.4:5353", "::1", "[::1]:5353" → address (port 53 by
 * default). Returns 0 or -EINVAL. */
int dns_server_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len);

/* Starts resolving name. Returns 0 (cb will run) or -errno (it will not). */
int dns_start(struct ev_loop *l, struct dns_q *q, const struct sockaddr_storage *server,
	      socklen_t slen, const char *name,
	      void (*cb)(struct dns_q *q, int err, const struct dns_result *r, size_t n));
/* Stops a lookup without calling cb. Safe on an idle dns_q. */
void dns_cancel(struct dns_q *q);

/* Pure helpers (unit-tested and fuzzed). dns_build_query writes a query
 * for name into out and returns its length, or -1. dns_parse_response
 * checks msg against (id, name, qtype) and returns the number of addresses
 * written to res (at most max), -ENOENT for NXDOMAIN, -ESRCH when the
 * message is not the answer to this query, -EPROTO when malformed or an
 * error rcode. */
int dns_build_query(uint8_t *out, size_t cap, uint16_t id, const char *name, uint16_t qtype);
int dns_parse_response(const uint8_t *msg, size_t n, uint16_t id, const char *name, uint16_t qtype,
		       struct dns_result *res, size_t max);

#endif
