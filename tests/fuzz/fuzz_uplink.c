/* fuzz_uplink.c — the summary aggregator (uplink/agg.c) fed event lines
 * (the store's lines carry attacker strings): whatever it takes, the
 * rendered summary must be valid JSON within the hub's limits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jp.h"
#include "uplink/agg.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

static struct agg g;

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct agg_head h = {.device = "d", .seq = 1, .from = 1, .to = 2, .version = "v",
			     .persona = "p"};
	struct buf raw, out;
	struct jdoc d;
	size_t off = 0;

	buf_init(&raw, 1u << 16);
	agg_init(&g, n && (p[0] & 1) ? &raw : NULL, 4096);
	while (off < n) {
		const uint8_t *nl = memchr(p + off, '\n', n - off);
		size_t len = nl ? (size_t)(nl - p) - off : n - off;

		agg_add(&g, (const char *)p + off, len);
		off += len + 1;
	}
	buf_init(&out, 1u << 22);
	if (agg_render(&g, &h, &out))
		__builtin_trap();
	if (jp_parse(&d, out.p, out.len, 1 << 20, 64, NULL))
		__builtin_trap();
	jp_free(&d);
	buf_free(&out);
	buf_free(&raw);
	return 0;
}
