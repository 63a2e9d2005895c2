/* fuzz_binid.c — the "what would it print" classifier (fetch/binid.c) on
 * any bytes, for both persona CPUs. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fetch/binid.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct binid_result r;
	int i;

	for (i = 0; i < 2; i++) {
		enum binid_class c = binid_classify(p, n, i ? 40 : 8, !i, &r);

		if (c != r.cls || !r.family || !memchr(r.text, 0, sizeof r.text))
			__builtin_trap();
		if (c == BINID_XOR_BOT && (r.hits < 3 || !r.key))
			__builtin_trap();
		if (c == BINID_DOWNLOADER && (!r.text_ok || !r.text_err))
			__builtin_trap();
	}
	return 0;
}
