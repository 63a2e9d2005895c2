/* sntp.h — the decoy keeps its own time (issue 17): an SNTP client (RFC
 * 4330) over the WAN stack, to the servers of `config time` (list ntp).
 *
 * With the WAN port on lwIP the router's kernel reaches no NTP server and a
 * cheap router boots in the past; until a server (or the hub's Date, the
 * uplink's cross-check) has answered, events carry "time_uncertain" (see
 * sys.h's learned time). Each request carries a random transmit timestamp
 * that the answer must echo as its origin (an off-path attacker cannot
 * forge a reply), and the offset is the usual ((T2-T1)+(T3-T4))/2 against
 * the monotonic clock. A reply that differs from the hub's time by more
 * than CAP_TIME_HUB_TOLERANCE_S once the hub has set the time is refused
 * (the hub is authenticated, an NTP server is not).
 *
 * sntp_parse() is pure (attacker input: fuzzed by tests/fuzz/fuzz_sntp.c);
 * the client needs lwIP (TANUKI_LWIP) and the WAN side's netif.
 */
#ifndef TANUKI_SNTP_H
#define TANUKI_SNTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev/ev.h"

#define SNTP_LEN 48 /* an NTP packet without extensions */

struct sntp_reply {
	int64_t rx_us, tx_us; /* the server's receive and transmit times, unix us */
	uint8_t stratum;
};

enum { SNTP_OK = 0, SNTP_BAD = -1, SNTP_KOD = -2 /* kiss-o'-death: try another */ };

/* Checks one datagram (any bytes) against the request whose transmit
 * timestamp was cookie: a server's answer (mode 4, version 3 or 4), synced
 * (leap indicator not 3, stratum 1-15), echoing cookie, with nonzero
 * timestamps. SNTP_OK with r filled, SNTP_KOD (stratum 0), or SNTP_BAD. */
int sntp_parse(const uint8_t *p, size_t n, const uint8_t cookie[8], struct sntp_reply *r);
/* The NTP timestamp at p (8 bytes, era 0 up to 2036, era 1 after) as unix us. */
int64_t sntp_ts_us(const uint8_t *p);

struct evlog;
struct time_cfg;
struct udp_pcb;

struct sntp {
	struct ev_loop *loop;
	struct evlog *log;
	const struct time_cfg *cfg;
	struct ev_timer t; /* next request, or the answer's deadline */
	struct udp_pcb *pcb;
	unsigned server; /* index of the server asked */
	bool waiting;
	uint8_t cookie[8];
	uint64_t sent_us; /* monotonic */
	uint64_t requests, replies, bad, timeouts, refused;
};

/* Timers the client keeps in the loop. */
#define SNTP_TIMERS 1

/* Starts asking (c->nntp servers; none: does nothing) once the WAN side
 * has an address. c and log outlive it. 0, or -1 with the message in err. */
int sntp_start(struct sntp *s, struct ev_loop *loop, struct evlog *log, const struct time_cfg *c,
	       const char *cfgpath, char *err, size_t errlen);
void sntp_stop(struct sntp *s);

#endif
