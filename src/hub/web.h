/* web.h — the dashboard: login, session cookie, CSRF, and the HTML views
 * (Overview, Credentials, Sources, Commands & exploits, Binaries, Fleet,
 * Search), served on the hub's HTTPS port next to the API.
 *
 * Every page is rendered on the server (tables and SVG charts, no script);
 * every string that came from a decoy (and so from an attacker) goes
 * through html_esc(). Pages carry a strict Content-Security-Policy.
 */
#ifndef TANUKI_HUB_WEB_H
#define TANUKI_HUB_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "hub.h"

struct MHD_Connection;

/* True for paths the dashboard answers ("/", "/login", …, "/static/…"). */
bool web_path(const char *url);
/* Answers one dashboard request; body/len is a POST's form (≤ HUB_FORM_MAX,
 * complete), NULL for a GET. Returns an MHD_Result. */
int web_handle(struct hub *h, struct MHD_Connection *c, const char *url, const char *method,
	       const char *body, size_t len);

/* Appends s to b with & < > " ' escaped and control bytes (and DEL) shown
 * as \xNN, so any decoy string is inert text in HTML text and attributes. */
int html_esc(struct buf *b, const char *s);
/* The value of key in an application/x-www-form-urlencoded body (or query
 * string), decoded into out; false when absent or too long. */
bool form_get(const char *body, size_t len, const char *key, char *out, size_t outlen);

#endif
