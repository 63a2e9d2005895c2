/* web_int.h — what the parts of the dashboard share: web.c (responses,
 * login, the page frame, dispatch) and web_views.c (the views). Not for
 * other modules: they use web.h.
 */
#ifndef TANUKI_HUB_WEB_INT_H
#define TANUKI_HUB_WEB_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "hub.h"
#include "hub_limits.h"
#include "store.h"

struct MHD_Connection;

/* One page being rendered: who asks, the range and decoy chosen, the
 * chart buckets, and the buffer the HTML goes into. */
struct view {
	struct hub *h;
	struct MHD_Connection *c;
	struct buf *b;
	const char *page; /* "/", "/credentials", … */
	const char *range;
	char decoy[HUB_NAME_MAX + 1];
	char csrf[80];
	int64_t now, from, to, step;
	int nb; /* chart buckets */
};

/* Ranges read the daily roll-ups (db_roll.c) for the whole UTC days in
 * them and the per-summary tables for the hours at either end: the sums
 * are exact whatever the range. Arguments: $1 from, $2 to, $3 decoy ('':
 * all), $4 and $5 the whole days [$4, $5) taken from the roll-ups. */
#define RANGE_ARGS(v, d)                                                                           \
	{                                                                                          \
		HV_I((v)->from), HV_I((v)->to), HV_S((v)->decoy), HV_I((d)[0]), HV_I((d)[1])       \
	}
#define IN_RANGE " pfrom >= $1 AND pfrom < $2 AND ($3 = '' OR device = $3)"
#define RAW_PART(cols, tab, where, lo, hi)                                                         \
	"SELECT " cols " FROM " tab " WHERE " where " pfrom >= " lo " AND pfrom < " hi             \
	" AND ($3 = '' OR device = $3)"
/* A range's rows of one per-summary table `tab` as a subquery x: `cols`
 * from the table, `rcols` (the same columns) from its roll-up `kind`. The
 * optional `where` (ending in AND) and `rwhere` (starting with AND) filter
 * them. */
#define HYB_W(cols, tab, where, rcols, kind, rwhere)                                               \
	"(" RAW_PART(cols, tab, where, "$1", "$4") " UNION ALL " RAW_PART(                         \
	    cols, tab, where, "$5", "$2") " UNION ALL SELECT " rcols                               \
					  " FROM roll_day WHERE kind = '" kind "' AND device = $3" \
					  " AND pday >= $4 AND pday < $5" rwhere ") x"
#define HYB(cols, tab, where, rcols, kind) HYB_W(cols, tab, where, rcols, kind, "")

/* The whole UTC days of [from, to) as d[0], d[1]; both `to` when there is
 * none (the per-summary tables then serve the whole range). */
void web_range_days(const struct view *v, int64_t d[2]);

/* web.c: true for 64 lower-case hex digits (a SHA-256 name). */
bool web_sha_ok(const char *s);

/* web_views.c: each appends its page's body to v->b. */
void web_view_overview(struct view *v);
void web_view_credentials(struct view *v);
void web_view_sources(struct view *v); /* web_sources.c */
void web_view_commands(struct view *v);
void web_view_binaries(struct view *v);
void web_view_fleet(struct view *v);
void web_view_search(struct view *v);

#endif
