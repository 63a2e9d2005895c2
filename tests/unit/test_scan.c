/* test_scan.c — the scan count (net/scan.c) reads a SYN in a plain
 * Ethernet IPv4 frame and the same SYN inside a PPPoE session frame
 * (`proto pppoe`), and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "net/scan.h"

static struct scan_table sc;

/* Ethernet (type), [PPPoE session header + PPP protocol], IPv4, TCP. */
static size_t frame(uint8_t *f, int pppoe, uint8_t flags, uint16_t ipid, uint16_t dport)
{
	static const uint8_t ip[20] = {0x45, 0, 0,   40, 0, 0, 0,   0,	64, 6,
				       0,    0, 198, 18, 2, 1, 198, 18, 1,  10};
	size_t n = 12, l3;

	memset(f, 0, 80);
	if (pppoe) {
		f[n++] = 0x88, f[n++] = 0x64;
		f[n++] = 0x11, f[n++] = 0x00; /* version/type, code: session data */
		f[n++] = 0x00, f[n++] = 0x01; /* session id */
		f[n++] = 0x00, f[n++] = 42;   /* length: PPP protocol + IPv4 */
		f[n++] = 0x00, f[n++] = 0x21; /* PPP: IPv4 */
	} else {
		f[n++] = 0x08, f[n++] = 0x00;
	}
	l3 = n;
	memcpy(f + n, ip, sizeof ip);
	f[l3 + 4] = (uint8_t)(ipid >> 8), f[l3 + 5] = (uint8_t)ipid;
	n += 20;
	f[n + 0] = 0x9c, f[n + 1] = 0x40; /* source port 40000 */
	f[n + 2] = (uint8_t)(dport >> 8), f[n + 3] = (uint8_t)dport;
	f[n + 12] = 0x50;
	f[n + 13] = flags;
	return n + 20;
}

static void syn_plain_and_in_pppoe(void **st)
{
	uint8_t f[80];
	uint32_t self = htonl(0xc612010au); /* 198.18.1.10 */
	size_t n;

	(void)st;
	scan_reset(&sc);
	n = frame(f, 0, 0x02, 1, 23);
	assert_true(scan_frame(&sc, f, n, self));
	n = frame(f, 1, 0x02, 54321, 2323);
	assert_true(scan_frame(&sc, f, n, self));
	assert_int_equal(sc.n, 1);
	assert_int_equal(sc.src[0].syns, 2);
	assert_int_equal(sc.src[0].nports, 2);
	assert_int_equal(sc.src[0].ports[1], 2323);
	assert_int_equal(sc.src[0].labels, SCAN_ZMAP);
	/* a SYN-ACK, another address, a PPP frame that is not IPv4 (LCP), a
	 * discovery frame, a cut frame: not counted */
	n = frame(f, 1, 0x12, 1, 23);
	assert_false(scan_frame(&sc, f, n, self));
	n = frame(f, 1, 0x02, 1, 23);
	assert_false(scan_frame(&sc, f, n, htonl(0xc612010bu)));
	f[21] = 0x23, f[20] = 0xc0; /* PPP protocol 0xc023 */
	assert_false(scan_frame(&sc, f, n, self));
	n = frame(f, 1, 0x02, 1, 23);
	f[13] = 0x63; /* 0x8863 */
	assert_false(scan_frame(&sc, f, n, self));
	n = frame(f, 1, 0x02, 1, 23);
	assert_false(scan_frame(&sc, f, 22 + 19, self));
	assert_int_equal(sc.syns, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(syn_plain_and_in_pppoe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
