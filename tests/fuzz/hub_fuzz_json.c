/* hub_fuzz_json.c — libFuzzer target for the hub's JSON parser and the
 * summary check (built by mk/hub.mk as build/fuzz/fuzz_hub_json). */
#include <stddef.h>
#include <stdint.h>

#include "jp.h"
#include "summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jdoc d;
	struct summary s;
	char err[96];

	if (jp_parse(&d, (const char *)data, size, (int32_t)(size / 4 + 64), 32,
		     NULL) == 0) {
		/* every string in the arena is NUL-terminated, every node in range */
		for (int32_t i = 0; i < d.count; i++)
			if (d.n[i].type == J_STR &&
			    jp_str(&d, i)[d.n[i].slen] != '\0')
				__builtin_trap();
		summary_check(&d, &s, err, sizeof(err));
	}
	jp_free(&d);
	return 0;
}
