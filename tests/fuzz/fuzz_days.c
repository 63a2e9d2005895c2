/* fuzz_days.c — the day-file reader (store/days.c) on arbitrary bytes. Each
 * input is tried twice: as a whole file, and as the inflated body of one
 * (wrapped in a header, deflated, CRC added), so that mutations reach the
 * body parser past zlib and the CRC. What parses must print as JSON and
 * encode again to a file that parses to the same totals. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "store/days.h"

static void run(const uint8_t *p, size_t n)
{
	struct day_agg d, back;
	struct buf js, out;
	int c;

	if (day_agg_parse(p, n, &d))
		return;
	buf_init(&js, 1u << 22);
	buf_init(&out, 1u << 20);
	if (day_agg_json(&d, &js) || !js.len || js.p[js.len - 1] != '\n')
		__builtin_trap();
	if (!day_agg_encode(&d, 1u << 20, &out)) {
		if (day_agg_parse((const uint8_t *)out.p, out.len, &back))
			__builtin_trap();
		for (c = 0; c < DAY_CATS; c++)
			if (back.cat[c].total != d.cat[c].total)
				__builtin_trap();
		day_agg_free(&back);
	}
	day_agg_free(&d);
	buf_free(&js);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	uLongf zl = compressBound(n);
	uint8_t *f;
	uint32_t crc;
	int i;

	run(d, n);
	if (n > (1u << 16))
		return 0;
	f = malloc(16 + zl + 4);
	if (!f)
		return 0;
	memcpy(f, "TNKA\1\0\0\0\x36\x4f\0\0", 12);
	for (i = 0; i < 4; i++)
		f[12 + i] = (uint8_t)(n >> (8 * i));
	if (compress2(f + 16, &zl, d, n, 1) == Z_OK) {
		crc = (uint32_t)crc32(0, f, (uInt)(16 + zl));
		for (i = 0; i < 4; i++)
			f[16 + zl + i] = (uint8_t)(crc >> (8 * i));
		run(f, 16 + zl + 4);
	}
	free(f);
	return 0;
}
