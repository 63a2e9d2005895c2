/* http.h — a lenient, bounded HTTP/1.x request reader for the exploit
 * doors (and later HTTP doors). It is fed bytes like the Telnet parser and
 * never touches sockets.
 *
 * Bots speak broken HTTP: no Host or User-Agent, LF-only lines, a
 * Content-Length that is larger or smaller than the body, trailing CR LFs,
 * several requests on one connection, bodies that are not XML at all. The
 * reader acts on what arrived rather than on what was declared:
 *   - blank lines before a request are skipped (except, with
 *     HTTP_F_EMPTY_REQ, at the very start of a connection: miniupnpd takes
 *     "\r\n\r\n" as a request with an empty method and answers 501);
 *   - a body ends at the declared length, but bytes that follow it in the
 *     same buffer and do not start a new request line are kept in it
 *     (a length that is too small), and a new request line inside the
 *     declared length ends it early (a length that is too large);
 *   - a body still short of its length, or a POST without a length, is
 *     delivered when the caller flushes (idle or end of input).
 * Caps (bounds.h): the head at CAP_HTTP_HEAD, CAP_HTTP_HEADERS header
 * lines, the body at CAP_HTTP_BODY. A cut request is delivered with its
 * `*_cut` flag set, and everything after it is dropped.
 *
 * Ownership: the reader lives in its owner; http_free() releases its
 * buffer. A struct http_req points into the reader and is valid until the
 * next call of any http_ function on that reader.
 */
#ifndef TANUKI_HTTP_H
#define TANUKI_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "buf.h"

/* No blank-line skipping at the start of a connection (miniupnpd). */
#define HTTP_F_EMPTY_REQ 1u

struct http_str {
	const char *p; /* not NUL-terminated */
	size_t n;
};

struct http_hdr {
	struct http_str name, value; /* value without surrounding blanks */
};

struct http_req {
	struct http_str method;	 /* may be empty */
	struct http_str path;	 /* may be empty */
	struct http_str version; /* the rest of the request line, e.g. "HTTP/1.1"; may be empty */
	struct http_str headers; /* the header lines after the request line, as received */
	struct http_hdr hdrs[CAP_HTTP_HEADERS];
	size_t nhdrs;
	int64_t content_length; /* declared; -1 if absent or unreadable */
	struct http_str body;
	bool hdrs_cut; /* more header lines than CAP_HTTP_HEADERS */
	bool head_cut; /* the head passed CAP_HTTP_HEAD */
	bool body_cut; /* the body passed CAP_HTTP_BODY */
	bool flushed;  /* delivered by a flush, not by its own framing */
};

struct http_reader {
	struct buf in; /* bytes not yet delivered */
	size_t done;   /* bytes of `in` taken by the last request: dropped at the next call */
	size_t hscan;  /* where the search for the end of the head goes on */
	size_t bscan;  /* body offset of the first line not yet ruled out as a request line */
	unsigned flags;
	unsigned nreq; /* requests delivered */
	bool full;     /* input was refused because `in` was full */
	bool discard;  /* after a cut: everything else is dropped */
};

void http_init(struct http_reader *r, unsigned flags);
void http_free(struct http_reader *r);
/* Takes bytes. Returns how many were taken: fewer than n only when the
 * buffer is full, then take the requests out with http_next() and feed the
 * rest again (after a cut the reader takes and drops everything). */
size_t http_feed(struct http_reader *r, const void *p, size_t n);
/* The next request, if one is complete. With `flush` (the peer went quiet
 * or closed) a partial request is delivered as it is. */
bool http_next(struct http_reader *r, struct http_req *q, bool flush);
/* True if bytes of an unfinished request wait (blank lines do not count). */
bool http_pending(const struct http_reader *r);
/* The first header of that name (case-insensitive), or NULL. */
const struct http_str *http_header(const struct http_req *q, const char *name);

#endif
