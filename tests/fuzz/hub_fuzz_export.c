/* hub_fuzz_export.c — libFuzzer target for the exports' answer checks and
 * request bodies (src/hub/export_http.c). The answer comes from a remote
 * receiver (or whoever sits on its address); the raw events inside the
 * bodies came from decoys, carrying attacker strings. Built by mk/hub.mk
 * as build/fuzz/fuzz_hub_export.
 *
 * Input: byte 0 picks the vendor (bit 0) and the number of items (1..8,
 * bits 1-3); the rest is the receiver's answer, and also the raw event of
 * every item when it is valid JSON (as the hub only stores such events).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export_int.h"
#include "jp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct export_conf c;
	struct export_item it[8];
	struct export_res res;
	struct jdoc d;
	struct buf ans, body;
	int n, i, r, before;
	char *raw;
	bool json;

	if (size < 1)
		return 0;
	memset(&c, 0, sizeof(c));
	c.type = data[0] & 1 ? EXPORT_ELASTIC : EXPORT_SPLUNK;
	strcpy(c.index, "tanuki\"\\");
	strcpy(c.source, "tanuki-hub");
	strcpy(c.sourcetype, "cowrie");
	n = 1 + ((data[0] >> 1) & 7);
	raw = malloc(size);
	if (!raw)
		return 0;
	memcpy(raw, data + 1, size - 1);
	raw[size - 1] = '\0';
	memset(&d, 0, sizeof(d));
	json = !jp_parse(&d, raw, size - 1, 1 << 16, 32, NULL) && d.n[0].type == J_OBJ &&
	       strlen(raw) == size - 1;
	jp_free(&d);
	memset(it, 0, sizeof(it));
	for (i = 0; i < n; i++) {
		strcpy(it[i].device, "d1");
		it[i].seq = i;
		it[i].idx = i;
		it[i].raw = raw;
		it[i].rawlen = size - 1;
		it[i].state = i == 3 ? EXP_GONE : EXP_SEND;
	}
	if (json) {
		buf_init(&body, 64 * 1024 + 2 * (size_t)n * size);
		if (export_body(&c, it, n, &body))
			__builtin_trap();
		/* a _bulk body is 2 lines an event, each ending in \n */
		if (c.type == EXPORT_ELASTIC) {
			size_t lines = 0, k;

			for (k = 0; k < body.len; k++)
				lines += body.p[k] == '\n';
			if (lines != 2 * (size_t)(n - (n > 3)) || body.p[body.len - 1] != '\n')
				__builtin_trap();
		}
		buf_free(&body);
	}
	buf_init(&ans, size);
	buf_add(&ans, data + 1, size - 1);
	memset(&res, 0, sizeof(res));
	r = export_answer(c.type, &ans, it, n, &res);
	for (i = 0, before = 0; i < n; i++) {
		if (i == 3 && it[i].state != EXP_GONE)
			__builtin_trap(); /* only SEND items change */
		if (r && it[i].state != EXP_SEND && i != 3)
			__builtin_trap(); /* a failed answer changes nothing */
		if (!r && it[i].state == EXP_SEND)
			__builtin_trap(); /* a success leaves no item undecided */
		before += it[i].state == EXP_RETRY;
	}
	if (!r && before != res.retry)
		__builtin_trap();
	if (r && !res.what[0])
		__builtin_trap();
	buf_free(&ans);
	free(raw);
	return 0;
}
