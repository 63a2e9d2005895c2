/* summary.h — the decoy's summary document (docs/hub.md), checked.
 *
 * summary_check() validates a parsed body against the documented shape and
 * fills a view of it: scalars by value, lists as node indexes into the
 * jdoc (-1 when absent). Nothing is copied: the view lives as long as the
 * jdoc. Unknown top-level keys are ignored (newer decoys may send more).
 */
#ifndef TANUKI_HUB_SUMMARY_H
#define TANUKI_HUB_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jp.h"

struct summary {
	const char *device;
	int64_t seq, from, to;
	const char *version, *persona; /* "" when absent */
	int64_t uptime_s, sessions;
	int64_t used_kb, quota_kb, evictions, events_dropped;
	int32_t by_port, by_event; /* objects: key -> count */
	/* the WAN side's scan picture (may be absent): SYNs per port, per
	 * source, per "LABEL SOURCE" */
	int32_t syn_port, syn_src, scanner;
	int32_t credentials, sources, commands, binaries, exploits, events;
};

/* 0, or -EINVAL with a short reason in err (no input bytes in it). */
int summary_check(const struct jdoc *d, struct summary *s, char *err, size_t errlen);

/* Device names: [A-Za-z0-9._-]{1,HUB_NAME_MAX}, not starting with '.'/'-'. */
bool summary_name_ok(const char *name, size_t n);

#endif
