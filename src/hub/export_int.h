/* export_int.h — shared between export.c (config, worker, cursor) and
 * export_http.c (the request and the answer). Not for other modules. */
#ifndef TANUKI_HUB_EXPORT_INT_H
#define TANUKI_HUB_EXPORT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "db_export.h"
#include "export.h"

/* One export's runtime: its libcurl handle (kept for keep-alive) and its
 * backoff. Used by the worker thread only. */
struct export_rt {
	const struct export_conf *c;
	void *curl;	  /* CURL * */
	void *hdrs;	  /* struct curl_slist * */
	const int *stop;  /* the worker's stop flag, read atomically */
	unsigned fails;	  /* consecutive failed requests */
	int64_t next_ms;  /* monotonic: no request before */
	char errbuf[256]; /* libcurl's CURL_ERROR_SIZE */
};

struct export_res {
	long status;	     /* HTTP status, 0 when none came */
	int64_t retry_after; /* seconds, from Retry-After, or 0 */
	int retry;	     /* items the receiver asked for again */
	char what[320];	     /* a failure, for the log and last_error */
};

/* The request body for the EXP_SEND items (export_http.c's header says
 * what each vendor gets). 0 or -ENOBUFS at b's maximum. */
int export_body(const struct export_conf *c, const struct export_item *items, int n, struct buf *b);
/* Checks a 200 answer against the vendor's documented success and sets
 * the SEND items' states (as export_http_send). 0 or -1 with res->what. */
int export_answer(enum export_type t, const struct buf *ans, struct export_item *items, int n,
		  struct export_res *res);

int export_http_init(struct export_rt *rt, char *err, size_t errlen);
void export_http_free(struct export_rt *rt);
/* Sends the EXP_SEND items in one request. 0 when the receiver answered
 * with its documented success: every SEND item is then DONE, or for
 * Elasticsearch DONE/RETRY/REJECT item by item (res->retry counts RETRY).
 * -1 otherwise, res->what saying why; the items are left SEND. */
int export_http_send(struct export_rt *rt, struct export_item *items, int n,
		     struct export_res *res);

#endif
