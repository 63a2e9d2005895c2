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

/* web.c: true for 64 lower-case hex digits (a SHA-256 name). */
bool web_sha_ok(const char *s);

/* web_views.c: each appends its page's body to v->b. */
void web_view_overview(struct view *v);
void web_view_credentials(struct view *v);
void web_view_sources(struct view *v);
void web_view_commands(struct view *v);
void web_view_binaries(struct view *v);
void web_view_fleet(struct view *v);
void web_view_search(struct view *v);

#endif
