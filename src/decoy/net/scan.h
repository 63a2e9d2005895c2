/* scan.h — the scan picture: TCP SYNs to the WAN address, counted per
 * source (and the ports it tried) over one period, with scanner labels
 * read from the raw headers:
 *   mirai  the TCP sequence number equals the destination address (Mirai's
 *          scanner and its many forks set seq = target address)
 *   zmap   the IP ID is 54321 (ZMap's fixed default)
 *   masscan  the IP ID is the low 16 bits of destination address XOR
 *          destination port XOR sequence number (masscan's stateless
 *          template; one SYN in 65536 of anyone else matches by chance)
 * Summarised (scan_write: one tanuki.scan event per source and period,
 * with its SYNs per port), never one event per SYN. Fixed memory:
 * CAP_WAN_SCAN_ENTRIES sources per period, the rest only counted; the
 * totals since start (scan_totals) feed `tanuki status`.
 */
#ifndef TANUKI_SCAN_H
#define TANUKI_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"

#define SCAN_PORTS 8 /* ports kept per source; the rest are counted */

enum { SCAN_MIRAI = 1, SCAN_ZMAP = 2, SCAN_MASSCAN = 4 };

struct scan_src {
	uint32_t ip; /* network byte order */
	uint32_t syns;
	uint16_t ports[SCAN_PORTS];
	uint32_t port_syns[SCAN_PORTS]; /* SYNs to each of ports[] */
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

#define SCAN_TOTAL_PORTS 16 /* ports with their own count in the totals */
#define SCAN_TOTAL_LABELS 8 /* the last labelled sources the totals keep */

/* Since start, for `tanuki status`: SYNs, sources (one per source and
 * period), SYNs per port (the first SCAN_TOTAL_PORTS ports seen; the rest
 * in syns_other_ports), and the last labelled sources. */
struct scan_totals {
	uint64_t syns, sources, syns_other_ports;
	uint16_t ports[SCAN_TOTAL_PORTS];
	uint64_t port_syns[SCAN_TOTAL_PORTS];
	unsigned nports;
	struct {
		uint32_t ip;
		uint8_t labels;
	} labelled[SCAN_TOTAL_LABELS];
	unsigned nlabelled, next_label;
};

struct evlog;
struct json;

/* Ends the period: one tanuki.scan event per source into log (self: our
 * address, dotted; is_open(arg, port): the port has a listener), the
 * period added to tot, then the table reset. */
void scan_write(struct scan_table *sc, struct scan_totals *tot, struct evlog *log, const char *self,
		unsigned period_ms, bool (*is_open)(void *arg, uint16_t port), void *arg);
/* The totals as fields of the status file (scan_syns, scan_sources,
 * scan_ports "PORT:SYNS ...", scan_scanners "LABEL IP ..."). */
void scan_status(const struct scan_totals *tot, struct json *j);

/* Looks at one Ethernet frame (any bytes): a TCP SYN (no ACK) in IPv4 (or
 * in IPv4 in a PPPoE session) to `self` (network byte order; 0: any) is
 * counted. Returns true if it was. */
bool scan_frame(struct scan_table *sc, const uint8_t *f, size_t n, uint32_t self);
/* Starts a new period. */
void scan_reset(struct scan_table *sc);
/* What gave the labels away ("tcp seq equals the destination address;
 * ip id 54321"), static strings; "" for none. */
const char *scan_why(uint8_t labels);
/* "mirai", "zmap,masscan" etc. for labels (static strings), "" for none. */
const char *scan_label(uint8_t labels);

#endif
