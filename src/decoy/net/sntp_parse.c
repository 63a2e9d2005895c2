/* sntp_parse.c — the SNTP reply parser (sntp.h), apart from the client so
 * that the fuzz target links it without lwIP. */
#include <string.h>

#include "net/sntp.h"

/* seconds from 1900-01-01 (NTP's era 0) to 1970-01-01 */
#define NTP_UNIX 2208988800u

int64_t sntp_ts_us(const uint8_t *p)
{
	uint32_t s = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	uint32_t f = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	/* RFC 4330 section 3: the high bit clear means era 1 (from 2036) */
	int64_t sec =
	    (s & 0x80000000u) ? (int64_t)s - NTP_UNIX : (int64_t)s + INT64_C(4294967296) - NTP_UNIX;

	return sec * 1000000 + (int64_t)(((uint64_t)f * 1000000u) >> 32);
}

static bool zero8(const uint8_t *p)
{
	static const uint8_t z[8];

	return !memcmp(p, z, 8);
}

int sntp_parse(const uint8_t *p, size_t n, const uint8_t cookie[8], struct sntp_reply *r)
{
	unsigned li, vn, mode;

	if (n < SNTP_LEN)
		return SNTP_BAD;
	li = p[0] >> 6;
	vn = (p[0] >> 3) & 7;
	mode = p[0] & 7;
	if (mode != 4 || vn < 3 || vn > 4 || memcmp(p + 24, cookie, 8))
		return SNTP_BAD;
	if (p[1] == 0)
		return SNTP_KOD; /* "RATE", "DENY"...: ask another server */
	if (li == 3 || p[1] > 15 || zero8(p + 32) || zero8(p + 40))
		return SNTP_BAD;
	r->stratum = p[1];
	r->rx_us = sntp_ts_us(p + 32);
	r->tx_us = sntp_ts_us(p + 40);
	return SNTP_OK;
}
