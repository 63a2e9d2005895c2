/* httpresp.h — the fetcher's HTTP response reader: status line and headers,
 * and the chunked transfer decoder. Pure functions over bytes (fuzzed by
 * tests/fuzz/fuzz_httpresp.c); the socket side is in fetch_http.c.
 */
#ifndef TANUKI_HTTPRESP_H
#define TANUKI_HTTPRESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct httpresp {
	unsigned status;      /* 100-999 */
	unsigned minor;	      /* HTTP/1.x */
	int64_t length;	      /* Content-Length, -1 if absent */
	bool chunked;	      /* Transfer-Encoding: chunked */
	const char *location; /* into the head given to httpresp_parse */
	size_t location_n;
};

/* Length of the head (through the blank line) in p[0..n), 0 if it is not
 * complete yet. Accepts bare "\n" line ends as servers and bots send them. */
size_t httpresp_head_len(const char *p, size_t n);
/* Parses a complete head. Returns 0 or -EPROTO (bad status line, two
 * different Content-Lengths, a negative or overflowing length). */
int httpresp_parse(const char *p, size_t n, struct httpresp *r);

/* Chunked decoder, fed in arbitrary pieces. */
struct chunked {
	int st;		 /* internal state */
	uint64_t left;	 /* bytes left in the current chunk */
	unsigned digits; /* hex digits of the size line */
	size_t linelen;	 /* bytes of the current size/trailer line */
	bool done;
};

/* Decodes p[0..n) into out. Returns the bytes consumed (all of them unless
 * the body ended), -EPROTO for bad framing, -ENOBUFS when out is full
 * (its maximum is the file cap). c->done is set at the final chunk. */
long httpresp_chunked(struct chunked *c, const uint8_t *p, size_t n, struct buf *out);

#endif
