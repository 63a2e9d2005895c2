/* fuzz_httpresp.c — the fetcher's HTTP response head parser and chunked
 * decoder (fetch/httpresp.c), and the dlr extractor (fetch/dlr.c), fed the
 * same bytes; the chunked decoder gets them in pieces. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fetch/dlr.h"
#include "fetch/httpresp.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct httpresp r;
	struct chunked c;
	struct dlr_hit h[2];
	struct buf out;
	size_t hl = httpresp_head_len((const char *)p, n), off, step;

	if (hl > n)
		__builtin_trap();
	if (hl && !httpresp_parse((const char *)p, hl, &r)) {
		if (r.location && (r.location < (const char *)p ||
				   r.location + r.location_n > (const char *)p + hl))
			__builtin_trap();
	}
	memset(&c, 0, sizeof c);
	buf_init(&out, 4096);
	step = n ? (size_t)p[0] % 7 + 1 : 1;
	for (off = hl; off < n && !c.done; off += step) {
		size_t k = n - off < step ? n - off : step;
		long u = httpresp_chunked(&c, p + off, k, &out);

		if (u < 0)
			break;
		if ((size_t)u > k)
			__builtin_trap();
	}
	if (out.len > 4096)
		__builtin_trap();
	buf_free(&out);
	if (dlr_extract(p, n, 80, h, 2) > 2)
		__builtin_trap();
	return 0;
}
