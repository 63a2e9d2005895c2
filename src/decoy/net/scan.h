/* scan.h — the scan picture: TCP SYNs to the WAN address, counted per
 * source (and the ports it tried) over one period, with scanner labels
 * read from the raw headers:
 *   mirai  the TCP sequence number equals the destination address (Mirai's
 *          scanner and its many forks set seq = target address)
 *   zmap   the IP ID is 54321 (ZMap's fixed default)
 * Summarised (net/wan.c writes one tanuki.scan event per source and
 * period), never one event per SYN. Fixed memory: CAP_WAN_SCAN_ENTRIES
 * sources per period, the rest only counted.
 */
#ifndef TANUKI_SCAN_H
#define TANUKI_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"

#define SCAN_PORTS 8 /* ports kept per source; the rest are counted */

enum { SCAN_MIRAI = 1, SCAN_ZMAP = 2 };

struct scan_src {
	uint32_t ip; /* network byte order */
	uint32_t syns;
	uint16_t ports[SCAN_PORTS];
	uint8_t nports;
	uint8_t labels; /* SCAN_* seen on any of its SYNs */
	uint32_t ports_more;
};

struct scan_table {
	struct scan_src src[CAP_WAN_SCAN_ENTRIES];
	size_t n;
	uint64_t syns;		 /* this period, all sources */
	uint64_t syns_uncounted; /* from sources past the table */
};

/* Looks at one Ethernet frame (any bytes): a TCP SYN (no ACK) in IPv4 (or
 * in IPv4 in a PPPoE session) to `self` (network byte order; 0: any) is
 * counted. Returns true if it was. */
bool scan_frame(struct scan_table *sc, const uint8_t *f, size_t n, uint32_t self);
/* Starts a new period. */
void scan_reset(struct scan_table *sc);
/* "mirai,zmap" etc. for labels (static strings), "" for none. */
const char *scan_label(uint8_t labels);

#endif
