/* http_int.h — what the two halves of the hub's HTTP side share: http.c
 * (the server, the ingest, answers and refusals) and http_api.c (the GET
 * API, binaries, /metrics). Not for other modules: they use hub.h.
 */
#ifndef TANUKI_HUB_HTTP_INT_H
#define TANUKI_HUB_HTTP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "hub.h"

/* http.c */
/* True for exactly n lower-case hex digits. */
bool http_lowhex(const char *s, size_t n);
/* One log line on stderr. `device` has passed summary_name_ok or is "?". */
void http_logline(struct MHD_Connection *c, const char *device, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Queues an answer of type ctype (a 503 says Retry-After). */
enum MHD_Result http_reply_as(struct MHD_Connection *c, unsigned status, const char *body,
			      size_t len, const char *ctype);
/* An error answer {"error":"<why>"}, logged and counted. */
enum MHD_Result http_refuse(struct MHD_Connection *c, const char *device, unsigned status,
			    const char *why);
/* A request header, or NULL. */
const char *http_hdr(struct MHD_Connection *c, const char *k);

/* http_api.c */
/* GET /v1/... with the API token. */
enum MHD_Result http_api(struct hub *h, struct MHD_Connection *c, const char *url);
/* GET /v1/binary/<sha256> with the API token. */
enum MHD_Result http_get_binary(struct hub *h, struct MHD_Connection *c, const char *hex);
/* GET /metrics. */
enum MHD_Result http_metrics(struct hub *h, struct MHD_Connection *c);

#endif
