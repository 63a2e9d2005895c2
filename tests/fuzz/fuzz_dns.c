/* fuzz_dns.c — the DNS response parser (fetch/dns.c), with the question it
 * must match taken from the first input bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fetch/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct dns_result r[DNS_MAX_ANSWERS];
	uint16_t id;
	int c, i;

	if (n < 2)
		return 0;
	id = (uint16_t)(p[0] << 8 | p[1]);
	for (i = 0; i < 2; i++) {
		uint16_t t = i ? DNS_TYPE_AAAA : DNS_TYPE_A;

		c = dns_parse_response(p, n, id, "evil.test", t, r, DNS_MAX_ANSWERS);
		if (c > DNS_MAX_ANSWERS)
			__builtin_trap();
		while (c-- > 0)
			if (r[c].family != (t == DNS_TYPE_A ? 2 : 10))
				__builtin_trap();
	}
	return 0;
}
