/* fuzz_segment.c — the sealed-segment reader (store/seal.c) on arbitrary
 * bytes. The CRC is recomputed first, so that mutated inputs get past the
 * framing check into the decoder (the text pool, the range decoder, the
 * field coders); a file whose CRC is wrong is still tried as it is. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "store/seal.h"

struct acc {
	uint64_t lines, bytes, sum;
};

static int on_line(void *arg, const char *line, size_t n, int64_t ts_us)
{
	struct acc *a = arg;

	(void)ts_us;
	if (n && !line)
		__builtin_trap();
	a->lines++;
	a->bytes += n + 1;
	if (n)
		a->sum += (unsigned char)line[n - 1]; /* the whole line is readable */
	return 0;
}

static void run(const uint8_t *p, size_t n)
{
	struct seal_info in;
	struct acc a = {0, 0, 0};
	int rc;

	if (seal_check(p, n, &in))
		return;
	rc = seal_decode(p, n, on_line, &a);
	/* what decodes is what the header says */
	if (!rc && (a.lines != in.nevents || a.bytes != in.raw_len))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	uint8_t *c;
	uint32_t crc;

	run(d, n);
	if (n < SEAL_HDR_LEN + 4)
		return 0;
	c = malloc(n);
	if (!c)
		return 0;
	memcpy(c, d, n);
	crc = (uint32_t)crc32(0, c, (uInt)(n - 4));
	c[n - 4] = (uint8_t)crc;
	c[n - 3] = (uint8_t)(crc >> 8);
	c[n - 2] = (uint8_t)(crc >> 16);
	c[n - 1] = (uint8_t)(crc >> 24);
	run(c, n);
	free(c);
	return 0;
}
