/* test_wan_fp.c — the persona kernel's TCP/IP fingerprint (net/wan_fp.c):
 * SYN-ACKs in Linux's option order with what the SYN offered, RSTs as
 * Linux builds them, ICMP replies, the unreachables' rate limit, ISNs, and
 * frames that are cut or lie about their lengths left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "net/wan_fp.h"

#define SELF 0xc6120002u /* 198.18.0.2, the decoy */
#define PEER 0xc6120001u /* 198.18.0.1 */

static const struct persona_tcpip hg532 = {2, 5840, true, true, false, 23, 32};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += rd16(p);
	if (n)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* Ethernet (or PPPoE session) + IPv4 + TCP with options opt (olen, a
 * multiple of 4). Returns the frame's length. */
static size_t tcp_frame(uint8_t *f, int pppoe, uint32_t src, uint32_t dst, uint16_t sport,
			uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
			const uint8_t *opt, size_t olen)
{
	size_t n = 12, ip, tot = 40 + olen;

	memset(f, 0, 128);
	if (pppoe) {
		memcpy(f + n, "\x88\x64\x11\x00\x00\x01", 6);
		f[18] = (uint8_t)((tot + 2) >> 8), f[19] = (uint8_t)(tot + 2);
		f[20] = 0x00, f[21] = 0x21;
		n = 22;
	} else {
		f[n++] = 0x08, f[n++] = 0x00;
	}
	ip = n;
	f[ip] = 0x45;
	f[ip + 2] = (uint8_t)(tot >> 8), f[ip + 3] = (uint8_t)tot;
	f[ip + 4] = 0x12, f[ip + 5] = 0x34; /* lwIP's own ID */
	f[ip + 8] = 64, f[ip + 9] = 6;
	src = htonl(src), dst = htonl(dst);
	memcpy(f + ip + 12, &src, 4);
	memcpy(f + ip + 16, &dst, 4);
	n = ip + 20;
	f[n] = (uint8_t)(sport >> 8), f[n + 1] = (uint8_t)sport;
	f[n + 2] = (uint8_t)(dport >> 8), f[n + 3] = (uint8_t)dport;
	f[n + 4] = (uint8_t)(seq >> 24), f[n + 5] = (uint8_t)(seq >> 16);
	f[n + 6] = (uint8_t)(seq >> 8), f[n + 7] = (uint8_t)seq;
	f[n + 8] = (uint8_t)(ack >> 24), f[n + 9] = (uint8_t)(ack >> 16);
	f[n + 10] = (uint8_t)(ack >> 8), f[n + 11] = (uint8_t)ack;
	f[n + 12] = (uint8_t)(((20 + olen) / 4) << 4);
	f[n + 13] = flags;
	f[n + 14] = 0x16, f[n + 15] = 0xd0;
	if (olen)
		memcpy(f + n + 20, opt, olen);
	return n + 20 + olen;
}

/* the IPv4 and TCP checksums of the datagram at ip are right */
static void sums_ok(const uint8_t *ip)
{
	size_t tot = rd16(ip + 2);

	assert_int_equal(csum(ip, 20, 0), 0xffff);
	assert_int_equal(csum(ip + 20, tot - 20, csum(ip + 12, 8, 6 + (uint32_t)(tot - 20))),
			 0xffff);
}

/* nmap's first SEQ probe's options: WS 10, NOP, MSS 1460, TS, SACK_PERM */
static const uint8_t p1[20] = {3,    3,	   10,	 1,    2, 4, 5, 0xb4, 8, 10,
			       0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,    4, 2};
/* lwIP's SYN-ACK options: MSS 1460, NOP WS 2 */
static const uint8_t lw[8] = {2, 4, 5, 0xb4, 1, 3, 3, 2};

static void synack_in_linux_order(void **st)
{
	struct wan_fp f;
	uint8_t b[160];
	size_t n;

	(void)st;
	wan_fp_init(&f, &hg532);
	/* an ECN SYN (ECE|CWR) with SACK_PERM */
	n = tcp_frame(b, 0, PEER, SELF, 40000, 23, 0xc2, 1000, 0, p1, sizeof p1);
	wan_fp_in(&f, b, n, htonl(SELF));
	n = tcp_frame(b, 0, SELF, PEER, 23, 40000, 0x12, 77, 1001, lw, sizeof lw);
	n = wan_fp_out(&f, b, n, sizeof b, 0);
	assert_int_equal(n, 14 + 20 + 32);
	assert_int_equal(rd16(b + 16), 52);	   /* IP total length */
	assert_int_equal(b[20] & 0x40, 0x40);	   /* DF */
	assert_int_equal(rd16(b + 18), 0);	   /* ID 0 */
	assert_int_equal(b[34 + 12], 0x80);	   /* 32-byte header */
	assert_int_equal(b[34 + 13], 0x12 | 0x40); /* SYN|ACK|ECE */
	assert_int_equal(rd16(b + 34 + 14), 5840); /* window */
	assert_memory_equal(b + 34 + 20, "\2\4\5\xb4\1\1\4\2\1\3\3\2", 12);
	sums_ok(b + 14);

	/* a SYN without SACK_PERM or ECN, from another port: MSS, NOP WS */
	n = tcp_frame(b, 0, PEER, SELF, 40001, 23, 0x02, 5000, 0, p1, 16);
	wan_fp_in(&f, b, n, htonl(SELF));
	n = tcp_frame(b, 0, SELF, PEER, 23, 40001, 0x12, 77, 5001, lw, sizeof lw);
	n = wan_fp_out(&f, b, n, sizeof b, 0);
	assert_int_equal(n, 14 + 20 + 28);
	assert_int_equal(b[34 + 13], 0x12);
	assert_memory_equal(b + 34 + 20, "\2\4\5\xb4\1\3\3\2", 8);
	sums_ok(b + 14);

	/* no room for SACK_PERM: the options stay lwIP's */
	n = tcp_frame(b, 0, SELF, PEER, 23, 40000, 0x12, 77, 1001, lw, sizeof lw);
	assert_int_equal(wan_fp_out(&f, b, n, n, 0), n);
	assert_memory_equal(b + 34 + 20, lw, sizeof lw);
	sums_ok(b + 14);
}

static void synack_in_pppoe(void **st)
{
	struct wan_fp f;
	uint8_t b[160];
	size_t n;

	(void)st;
	wan_fp_init(&f, &hg532);
	n = tcp_frame(b, 1, PEER, SELF, 40000, 23, 0x02, 1000, 0, p1, sizeof p1);
	wan_fp_in(&f, b, n, htonl(SELF));
	n = tcp_frame(b, 1, SELF, PEER, 23, 40000, 0x12, 77, 1001, lw, sizeof lw);
	n = wan_fp_out(&f, b, n, sizeof b, 0);
	assert_int_equal(n, 22 + 20 + 32);
	assert_int_equal(rd16(b + 18), 52 + 2); /* PPPoE length: PPP protocol + IP */
	assert_memory_equal(b + 42 + 20, "\2\4\5\xb4\1\1\4\2\1\3\3\2", 12);
	sums_ok(b + 22);
}

static void rst_as_linux(void **st)
{
	struct persona_tcpip p = hg532;
	struct wan_fp f;
	uint8_t b[160];
	size_t n;

	(void)st;
	wan_fp_init(&f, &p);
	/* an ACK to a closed port (nmap's T6): RST, seq = their ack, no ACK */
	n = tcp_frame(b, 0, PEER, SELF, 40000, 81, 0x10, 1000, 5555, NULL, 0);
	wan_fp_in(&f, b, n, htonl(SELF));
	n = tcp_frame(b, 0, SELF, PEER, 81, 40000, 0x14, 5555, 1000, NULL, 0);
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 0), n);
	assert_int_equal(b[34 + 13], 0x04);
	assert_int_equal(rd32(b + 34 + 4), 5555);
	assert_int_equal(rd32(b + 34 + 8), 0);
	assert_int_equal(rd16(b + 34 + 14), 0);
	assert_int_equal(rd16(b + 18), 0);
	sums_ok(b + 14);
	/* a SYN (T5): RST|ACK, seq 0, ack = their seq + 1 */
	n = tcp_frame(b, 0, PEER, SELF, 40001, 81, 0x02, 1000, 0x1234, NULL, 0);
	wan_fp_in(&f, b, n, htonl(SELF));
	n = tcp_frame(b, 0, SELF, PEER, 81, 40001, 0x14, 0x1234, 1001, NULL, 0);
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 0), n);
	assert_int_equal(b[34 + 13], 0x14);
	assert_int_equal(rd32(b + 34 + 4), 0);
	assert_int_equal(rd32(b + 34 + 8), 1001);
	sums_ok(b + 14);
	/* FIN|PSH|URG (T7): the HG532's kernel says nothing … */
	n = tcp_frame(b, 0, PEER, SELF, 40002, 81, 0x29, 1000, 0, NULL, 0);
	wan_fp_in(&f, b, n, htonl(SELF));
	n = tcp_frame(b, 0, SELF, PEER, 81, 40002, 0x14, 0, 1001, NULL, 0);
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 0), 0);
	assert_int_equal(f.dropped, 1);
	/* … a stock Linux answers RST|ACK */
	p.fin_rst = true;
	wan_fp_init(&f, &p);
	n = tcp_frame(b, 0, PEER, SELF, 40002, 81, 0x29, 1000, 0, NULL, 0);
	wan_fp_in(&f, b, n, htonl(SELF));
	n = tcp_frame(b, 0, SELF, PEER, 81, 40002, 0x14, 0, 1001, NULL, 0);
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 0), n);
	assert_int_equal(b[34 + 13], 0x14);
	/* a RST to someone else than the last segment's sender: only its
	 * window and ID change */
	n = tcp_frame(b, 0, SELF, PEER, 23, 40009, 0x14, 9, 10, NULL, 0);
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 0), n);
	assert_int_equal(b[34 + 13], 0x14);
	assert_int_equal(rd32(b + 34 + 4), 9);
	assert_int_equal(rd16(b + 34 + 14), 0);
	sums_ok(b + 14);
}

static size_t icmp_frame(uint8_t *f, uint8_t type)
{
	static const uint8_t ip[20] = {0x45, 0, 0,    56,   0xab, 0xcd, 0x40, 0,    64, 1,
				       0,    0, 0xc6, 0x12, 0,	  2,	0xc6, 0x12, 0,	1};

	memset(f, 0, 128);
	f[12] = 0x08;
	memcpy(f + 14, ip, 20);
	f[34] = type;
	return 14 + 56;
}

static void icmp_replies(void **st)
{
	struct wan_fp f;
	uint8_t b[160];
	size_t n;
	int i;

	(void)st;
	wan_fp_init(&f, &hg532);
	n = icmp_frame(b, 0); /* echo reply: no DF, ID 1, 2, … */
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 0), n);
	assert_int_equal(b[20] & 0x40, 0);
	assert_int_equal(rd16(b + 18), 1);
	assert_int_equal(csum(b + 14, 20, 0), 0xffff);
	n = icmp_frame(b, 0);
	wan_fp_out(&f, b, n, sizeof b, 0);
	assert_int_equal(rd16(b + 18), 2);
	/* unreachables: 6 at once, then one per 100 ms */
	for (i = 0; i < 6; i++) {
		n = icmp_frame(b, 3);
		assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 1000), n);
	}
	n = icmp_frame(b, 3);
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 1050), 0);
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 1100), n);
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 1150), 0);
	/* other ICMP (time exceeded) passes unchanged */
	n = icmp_frame(b, 11);
	assert_int_equal(wan_fp_out(&f, b, n, sizeof b, 2000), n);
	assert_int_equal(rd16(b + 18), 0xabcd);
}

static void isn(void **st)
{
	struct persona_tcpip p = hg532;
	struct wan_fp f;

	(void)st;
	p.isn_bits = 24;
	p.isn_ns = 64;
	wan_fp_init(&f, &p);
	/* 24 random bits plus the clock in 64 ns steps */
	assert_int_equal(wan_fp_isn(&f, 0xabcdef12u, 0), 0xcdef12u);
	assert_int_equal(wan_fp_isn(&f, 0xabcdef12u, 8), 0xcdef12u + 125);
	p.isn_bits = 32;
	wan_fp_init(&f, &p);
	assert_int_equal(wan_fp_isn(&f, 0xabcdef12u, 8), 0xabcdef12u);
	memset(&f, 0, sizeof f); /* off: lwIP's own */
	assert_int_equal(wan_fp_isn(&f, 0xabcdef12u, 8), 0xabcdef12u);
}

/* cut frames, lying lengths, bad options: read within bounds, left alone */
static void malformed_left_alone(void **st)
{
	static const uint8_t bad[][8] = {
	    {2, 0, 0, 0, 0, 0, 0, 0},	 /* option length 0 */
	    {2, 9, 5, 0xb4, 1, 1, 1, 1}, /* past the header */
	    {3, 3, 2, 1, 1, 1, 1, 1},	 /* no MSS */
	    {1, 1, 1, 1, 1, 1, 1, 4},	 /* kind without a length byte */
	};
	struct wan_fp f;
	uint8_t b[160], c[160];
	size_t n, k, i;

	(void)st;
	wan_fp_init(&f, &hg532);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = tcp_frame(b, 0, PEER, SELF, 40000, 23, 0x02, 1, 0, bad[i], 8);
		wan_fp_in(&f, b, n, htonl(SELF));
		n = tcp_frame(b, 0, SELF, PEER, 23, 40000, 0x12, 1, 2, bad[i], 8);
		memcpy(c, b, n);
		k = wan_fp_out(&f, b, n, sizeof b, 0);
		assert_int_equal(k, n);
		assert_memory_equal(b + 34 + 20, c + 34 + 20, 8);
	}
	n = tcp_frame(b, 0, SELF, PEER, 23, 40000, 0x12, 1, 2, lw, sizeof lw);
	for (k = 0; k < n; k++) { /* every cut: unchanged */
		memcpy(c, b, n);
		assert_int_equal(wan_fp_out(&f, c, k, sizeof c, 0), k);
		assert_memory_equal(c, b, k);
		wan_fp_in(&f, b, k, htonl(SELF));
	}
	b[16] = 0x05, b[17] = 0xdc; /* IP total length past the frame */
	memcpy(c, b, n);
	assert_int_equal(wan_fp_out(&f, c, n, sizeof c, 0), n);
	assert_memory_equal(c, b, n);
	b[16] = 0, b[17] = 48, b[14] = 0x4f; /* header length 60 */
	memcpy(c, b, n);
	assert_int_equal(wan_fp_out(&f, c, n, sizeof c, 0), n);
	assert_memory_equal(c, b, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(synack_in_linux_order),
	    cmocka_unit_test(synack_in_pppoe),
	    cmocka_unit_test(rst_as_linux),
	    cmocka_unit_test(icmp_replies),
	    cmocka_unit_test(isn),
	    cmocka_unit_test(malformed_left_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
