/* wan_fp.h — the device kernel's TCP/IP fingerprint on the WAN side.
 *
 * lwIP answers as lwIP does; what nmap -O measures is changed on the
 * frames themselves, in and out of the netif (net/lwip_port.c), to what the
 * persona's Linux sends (docs/wan.md "Fingerprint"): SYN-ACK options in
 * Linux's order (MSS, NOP NOP SACK_PERM when the peer offered SACK, NOP WS
 * when it offered window scaling), the SYN-ACK window, ECN's ECE, DF and IP
 * ID 0 on TCP, RSTs as Linux builds them (seq/ack/flags by the segment
 * they answer, window 0), ICMP replies without DF and with a counting ID,
 * ICMP unreachables rate limited. The frames in are attacker input: read
 * with bounds, never written.
 */
#ifndef TANUKI_WAN_FP_H
#define TANUKI_WAN_FP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "persona/persona.h"

#define WAN_FP_SYNS 16 /* recent SYNs whose options a SYN-ACK reflects */

struct wan_fp_syn {
	uint32_t src;
	uint16_t sport, dport;
	bool sack, ecn;
};

struct wan_fp {
	struct persona_tcpip p;
	bool on; /* off: frames pass unchanged (lwIP's own fingerprint) */
	/* the last TCP segment to our address: a RST answers it */
	uint32_t last_src;
	uint16_t last_sport, last_dport;
	uint8_t last_flags;
	struct wan_fp_syn syn[WAN_FP_SYNS];
	unsigned nsyn;
	uint16_t icmp_id;     /* ICMP replies' IP ID (Linux: a counter) */
	uint64_t icmp_tok_ms; /* unreachables: token bucket's last fill */
	unsigned icmp_tokens; /* … and its tokens */
	uint64_t dropped;     /* answers the device would not send */
};

/* Turns the fingerprint on with the persona's parameters. */
void wan_fp_init(struct wan_fp *f, const struct persona_tcpip *p);
/* A frame from the wire (any bytes): remembered if it is TCP to `self`
 * (network byte order). */
void wan_fp_in(struct wan_fp *f, const uint8_t *frame, size_t n, uint32_t self);
/* A frame lwIP sends, in buf (cap bytes of room): rewritten in place.
 * Returns its new length, or 0 when the device would send nothing.
 * now_ms: a monotonic clock. */
size_t wan_fp_out(struct wan_fp *f, uint8_t *buf, size_t n, size_t cap, uint64_t now_ms);
/* An initial sequence number as the persona's kernel makes it from 32
 * random bits and a microsecond clock. */
uint32_t wan_fp_isn(const struct wan_fp *f, uint32_t rnd, uint64_t now_us);

#endif
