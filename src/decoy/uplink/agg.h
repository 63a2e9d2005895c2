/* agg.h — the summary of a run of events, as the hub takes it
 * (docs/hub.md "The summary document").
 *
 * Events are the store's own JSON lines; agg_add() parses one (jp.h) and
 * counts it. Every table has a fixed number of rows and all strings share
 * one fixed arena, so a summary never needs more memory than struct agg:
 * when an event would not fit, agg_add() takes nothing from it and answers
 * AGG_FULL — the uplink then ends the summary before that event and starts
 * the next one there. Counts are therefore exact, never "top N + other".
 *
 * Pure (no I/O, no clock); unit-tested and fuzzed.
 */
#ifndef TANUKI_AGG_H
#define TANUKI_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Rows per table (each row 32 bytes) and the string arena. Sized so that a
 * busy 5-minute period of a Mirai wave (60 credential pairs, a few hundred
 * sources) fits one summary; a larger backlog is cut into several. */
#define AGG_CREDS 256
#define AGG_SOURCES 256
#define AGG_COMMANDS 128
#define AGG_BINARIES 32
#define AGG_EXPLOITS 16
#define AGG_PORTS 16
#define AGG_EVENTS 48
/* The scan picture (tanuki.scan events of the WAN side): SYNs per port,
 * per source, and per scanner label and source. A scan wave of a period
 * has a few dozen sources and the ports of one botnet family. */
#define AGG_SYN_PORTS 64
#define AGG_SYN_SRCS 128
#define AGG_SCANNERS 32
#define AGG_ARENA (48u * 1024u)
/* The hub refuses strings over 4096 bytes: longer ones are cut (on a UTF-8
 * boundary) and counted under the cut text. */
#define AGG_STR_MAX 4096

#define AGG_FULL 1

struct agg_row {
	uint32_t hash;
	uint32_t a, alen; /* arena offsets */
	uint32_t b, blen;
	uint32_t pad;
	uint64_t count; /* binaries: size */
	int64_t first;	/* binaries: first seen, unix seconds */
};

struct agg_tab {
	struct agg_row *rows;
	uint32_t n, cap;
};

enum agg_kind {
	AG_CRED,
	AG_SRC,
	AG_CMD,
	AG_BIN,
	AG_CVE,
	AG_PORT,
	AG_EVENT,
	AG_SYNPORT, /* counts.syn_port: port -> SYNs */
	AG_SYNSRC,  /* counts.syn_src: source -> SYNs */
	AG_SCANNER, /* counts.scanner: "LABEL SOURCE" -> SYNs */
	AG_NKIND
};

struct agg {
	struct agg_tab t[AG_NKIND];
	struct agg_row rows[AGG_CREDS + AGG_SOURCES + AGG_COMMANDS + AGG_BINARIES + AGG_EXPLOITS +
			    AGG_PORTS + AGG_EVENTS + AGG_SYN_PORTS + AGG_SYN_SRCS + AGG_SCANNERS];
	char arena[AGG_ARENA];
	uint32_t alen;
	uint64_t events;   /* lines counted */
	uint64_t sessions; /* cowrie.session.connect */
	uint64_t skipped;  /* lines that were not an event object */
	/* Raw events (option events '1'): the lines as a JSON array body,
	 * bounded by the caller's cap; NULL when not wanted. */
	struct buf *raw;
	size_t raw_cap;
};

/* Health and identity fields of the rendered document. */
struct agg_head {
	const char *device;
	uint64_t seq;
	int64_t from, to; /* unix seconds */
	const char *version, *persona;
	uint64_t uptime_s;
	uint64_t used_kb, quota_kb, evictions, dropped;
};

/* raw: buffer for the events array (NULL: none), raw_cap: its byte budget. */
void agg_init(struct agg *g, struct buf *raw, size_t raw_cap);
void agg_reset(struct agg *g);
/* Counts one event line. 0: counted (or skipped as not an event);
 * AGG_FULL: does not fit, nothing taken. An empty agg takes any line that
 * parses (its tables cannot overflow on one event). */
int agg_add(struct agg *g, const char *line, size_t n);
bool agg_empty(const struct agg *g);
/* Appends the summary document to out. 0 or -ENOBUFS. */
int agg_render(const struct agg *g, const struct agg_head *h, struct buf *out);

#endif
