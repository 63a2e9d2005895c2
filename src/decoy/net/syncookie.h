/* syncookie.h — SYN cookies for the WAN stack's listeners (lwIP).
 *
 * A fallback under pressure only: when a SYN finds no room (the listener's
 * backlog, the per-source half-open cap or the PCB pool is full) lwIP calls
 * syncookie_syn() (package/lwip/0004-*.patch, net/lwip_port.c), which
 * answers with a SYN-ACK whose sequence number is a cookie and keeps
 * nothing. An ACK that matches no pcb but a listener is shown to
 * syncookie_ack() first: a valid cookie (its MAC checks, made in this or
 * the previous period) becomes a pcb from lwIP's pool, and the ACK goes to
 * it through lwIP's ordinary path (accept callback, data) — the connection
 * is ESTABLISHED with the MSS the cookie carries. docs/wan.md.
 *
 * The cookie (32 bits): the first 30 bits of SHA-256(secret, source and
 * destination address and port, the client's sequence number, the period
 * counter), its 2 low bits XORed with the MSS index. The secret is random,
 * drawn once per process. A period is SYNCOOKIE_PERIOD_MS.
 */
#ifndef TANUKI_SYNCOOKIE_H
#define TANUKI_SYNCOOKIE_H

#include <stdint.h>

/* 64 s per period (as Linux's counter); a cookie is good in the period it
 * was made and the next, so for 64 to 128 s */
#define SYNCOOKIE_PERIOD_MS 64000u

/* The MSS values a cookie can carry (Linux's IPv4 table): the largest not
 * above the client's (536 when it sent none or less). */
#define SYNCOOKIE_NMSS 4

struct syncookie_stats {
	uint64_t sent;	   /* SYN-ACKs with a cookie */
	uint64_t accepted; /* connections made from a valid cookie */
	uint64_t bad;	   /* ACKs to a listener whose cookie did not check */
	uint64_t nopcb;	   /* valid cookies answered with a RST: no pcb free */
};

/* Counters since start (one WAN stack per process). */
const struct syncookie_stats *syncookie_stats(void);

/* The cookie for a SYN (addresses in network byte order, ports and
 * sequence number in host order); mss_idx < SYNCOOKIE_NMSS. */
uint32_t syncookie_make(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			uint32_t seq, uint32_t counter, unsigned mss_idx);
/* The MSS index a cookie carries if it was made for this connection in
 * period counter or counter - 1 (seq: the client's SYN's sequence
 * number), else -1. */
int syncookie_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t seq,
		    uint32_t counter, uint32_t cookie);
/* The MSS index for a client's MSS option (0: none). */
unsigned syncookie_mss_idx(unsigned mss);
/* The MSS of an index. */
unsigned syncookie_mss(unsigned idx);
/* The period counter now (sys_mono_ms() / SYNCOOKIE_PERIOD_MS). */
uint32_t syncookie_counter(void);

#endif
