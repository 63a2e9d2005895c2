/* fuzz_sntp.c — the SNTP reply parser (net/sntp.c) on any datagram a WAN
 * peer may send to the client's port. The input's first 8 bytes are the
 * request's cookie (so the fuzzer can echo it), the rest is the datagram.
 * A reply taken must be what the rules say: a server's (mode 4), version 3
 * or 4, synced, stratum 1-15, echoing the cookie, its times the decoding
 * of its own timestamp fields. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/sntp.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct sntp_reply r;
	uint8_t cookie[8];
	int rc;

	if (n < 8)
		return 0;
	memcpy(cookie, p, 8);
	p += 8;
	n -= 8;
	memset(&r, 0, sizeof r);
	rc = sntp_parse(p, n, cookie, &r);
	if (rc == SNTP_OK) {
		if (n < SNTP_LEN || (p[0] & 7) != 4 || (p[0] >> 6) == 3 || p[1] < 1 || p[1] > 15 ||
		    memcmp(p + 24, cookie, 8) || r.stratum != p[1] ||
		    r.rx_us != sntp_ts_us(p + 32) || r.tx_us != sntp_ts_us(p + 40))
			__builtin_trap();
		/* every timestamp decodes within NTP's two eras around 1970 */
		if (r.rx_us < -INT64_C(2208988800000000) || r.tx_us > INT64_C(6380000000000000))
			__builtin_trap();
	} else if (rc == SNTP_KOD) {
		if (n < SNTP_LEN || p[1] != 0)
			__builtin_trap();
	} else if (rc != SNTP_BAD) {
		__builtin_trap();
	}
	return 0;
}
