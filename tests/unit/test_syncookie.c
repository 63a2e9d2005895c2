/* test_syncookie.c — SYN cookies for the WAN stack's listeners
 * (net/syncookie.c, package/lwip/0004-*.patch): the cookie itself (MAC,
 * period, MSS index), then frames through lwIP (net/lwip_port.c): a SYN
 * with room takes lwIP's own path; a SYN to a full backlog, past the
 * per-source cap or with the PCB pool empty gets a cookie SYN-ACK shaped as
 * lwIP's; the ACK of a valid cookie makes an ESTABLISHED connection with
 * the cookie's MSS and reaches the accept callback; a wrong or expired
 * cookie gets a RST and creates nothing; a valid one with no pcb free too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "net/syncookie.h"
#include "sys/sys.h"

static void cookie_mac_period_mss(void **st)
{
	uint32_t s = htonl(0xc6130001u), d = htonl(0xc6120002u), c, k;
	unsigned i;

	(void)st;
	for (i = 0; i < SYNCOOKIE_NMSS; i++) {
		k = syncookie_make(s, d, 40000, 23, 1000, 77, i);
		assert_int_equal(syncookie_check(s, d, 40000, 23, 1000, 77, k), (int)i);
		assert_int_equal(syncookie_check(s, d, 40000, 23, 1000, 78, k), (int)i);
		assert_int_equal(syncookie_check(s, d, 40000, 23, 1000, 79, k), -1);
		assert_int_equal(syncookie_check(s, d, 40000, 23, 1000, 76, k), -1);
	}
	c = syncookie_make(s, d, 40000, 23, 1000, 77, 3);
	/* any field of the connection changed: no longer valid */
	assert_int_equal(syncookie_check(s ^ htonl(1), d, 40000, 23, 1000, 77, c), -1);
	assert_int_equal(syncookie_check(s, d ^ htonl(1), 40000, 23, 1000, 77, c), -1);
	assert_int_equal(syncookie_check(s, d, 40001, 23, 1000, 77, c), -1);
	assert_int_equal(syncookie_check(s, d, 40000, 24, 1000, 77, c), -1);
	assert_int_equal(syncookie_check(s, d, 40000, 23, 1001, 77, c), -1);
	for (i = 2; i < 32; i++)
		assert_int_equal(syncookie_check(s, d, 40000, 23, 1000, 77, c ^ (1u << i)), -1);
	assert_int_equal(syncookie_mss(syncookie_mss_idx(0)), 536);
	assert_int_equal(syncookie_mss(syncookie_mss_idx(100)), 536);
	assert_int_equal(syncookie_mss(syncookie_mss_idx(1400)), 1300);
	assert_int_equal(syncookie_mss(syncookie_mss_idx(1452)), 1440);
	assert_int_equal(syncookie_mss(syncookie_mss_idx(1460)), 1460);
	assert_int_equal(syncookie_mss(syncookie_mss_idx(9000)), 1460);
}

#if TANUKI_LWIP

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "net/lwip_port.h"

#define US 0xc6120002u /* 198.18.0.2, the WAN address */
#define GW 0xc6120001u

static struct lwport w;
static uint64_t now_ms = 5000000;
static uint8_t out[64][1600];
static size_t outn[64];
static unsigned nout;
static unsigned accepted;
static struct tcp_pcb *acc;
static const uint8_t us_mac[6] = {2, 0, 0x5e, 0, 0, 2}, gw_mac[6] = {2, 0, 0x5e, 0, 0, 1};

static int tx(void *arg, const uint8_t *f, size_t n)
{
	(void)arg;
	if (nout < 64 && n <= sizeof out[0]) {
		memcpy(out[nout], f, n);
		outn[nout++] = n;
	}
	return 0;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	accepted++;
	acc = pcb;
	tcp_write(pcb, "login: ", 7, TCP_WRITE_FLAG_COPY);
	return ERR_OK;
}

static uint16_t csum(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One TCP segment from src (host order) to our port; mss 0: no option. */
static void seg(uint32_t src, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		uint8_t flags, unsigned mss, const char *data)
{
	uint8_t f[128], ph[12];
	size_t dl = data ? strlen(data) : 0, hl = mss ? 24 : 20, tl = hl + dl;
	uint8_t *ip = f + 14, *t = f + 34;
	uint32_t sum = 0;
	size_t i;

	memset(f, 0, sizeof f);
	memcpy(f, us_mac, 6);
	memcpy(f + 6, gw_mac, 6);
	f[12] = 8;
	ip[0] = 0x45;
	put16(ip + 2, 20 + tl);
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, src);
	put32(ip + 16, US);
	put16(ip + 10, csum(0, ip, 20));
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)(hl / 4) << 4;
	t[13] = flags;
	put16(t + 14, 29200);
	if (mss) {
		t[20] = 2, t[21] = 4;
		put16(t + 22, mss);
	}
	if (dl)
		memcpy(t + hl, data, dl);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0, ph[9] = 6;
	put16(ph + 10, tl);
	for (i = 0; i < 12; i += 2)
		sum += (uint32_t)ph[i] << 8 | ph[i + 1];
	put16(t + 16, csum(sum, t, tl));
	lwport_input(&w, f, 34 + tl);
}

/* The last frame sent, if TCP: its header */
static const uint8_t *last_tcp(void)
{
	assert_true(nout > 0);
	assert_int_equal(out[nout - 1][12], 8);
	assert_int_equal(out[nout - 1][14 + 9], 6);
	return out[nout - 1] + 34;
}

static unsigned active_pcbs(void)
{
	const struct tcp_pcb *p;
	unsigned n = 0;

	for (p = tcp_active_pcbs; p; p = p->next)
		n++;
	return n;
}

static int setup(void **st)
{
	static struct tcp_pcb *l23, *l80;
	uint8_t arp[42] = {0};

	(void)st;
	sys_fake_clock(1767225600000000LL, now_ms);
	assert_int_equal(lwport_init(&w, us_mac, 1500), 0);
	w.tx = tx;
	lwport_static(&w, htonl(US), htonl(0xffffff00u), htonl(GW));
	/* the gateway's ARP request: lwIP learns where replies go */
	memset(arp, 0xff, 6);
	memcpy(arp + 6, gw_mac, 6);
	arp[12] = 8, arp[13] = 6, arp[15] = 1, arp[16] = 8, arp[18] = 6, arp[19] = 4, arp[21] = 1;
	memcpy(arp + 22, gw_mac, 6);
	put32(arp + 28, GW);
	put32(arp + 38, US);
	lwport_input(&w, arp, sizeof arp);
	if (!l23) {
		/* port 23: a backlog of 2; port 80: lwIP's (the per-source cap
		 * comes first) */
		l23 = tcp_new();
		assert_int_equal(tcp_bind(l23, IP4_ADDR_ANY, 23), ERR_OK);
		l23 = tcp_listen_with_backlog(l23, 2);
		assert_non_null(l23);
		tcp_accept(l23, on_accept);
		l80 = tcp_new();
		assert_int_equal(tcp_bind(l80, IP4_ADDR_ANY, 80), ERR_OK);
		l80 = tcp_listen_with_backlog(l80, 100);
		assert_non_null(l80);
		tcp_accept(l80, on_accept);
	}
	nout = 0;
	accepted = 0;
	acc = NULL;
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	lwport_done(&w);
	return 0;
}

/* Two SYNs fill port 23's backlog; a third gets a cookie. Returns it. */
static uint32_t fill_and_cookie(uint32_t src, unsigned mss)
{
	uint64_t sent = syncookie_stats()->sent;
	const uint8_t *t;

	seg(0xc6130101u, 1001, 23, 100, 0, TCP_SYN, 1460, NULL);
	seg(0xc6130102u, 1002, 23, 200, 0, TCP_SYN, 1460, NULL);
	assert_int_equal(syncookie_stats()->sent, sent); /* lwIP's own path so far */
	nout = 0;
	seg(src, 40000, 23, 7000, 0, TCP_SYN, mss, NULL);
	assert_int_equal(syncookie_stats()->sent, sent + 1);
	assert_int_equal(nout, 1);
	t = last_tcp();
	assert_int_equal(t[13], TCP_SYN | TCP_ACK);
	assert_int_equal(get32(t + 8), 7001);
	return get32(t + 4);
}

static void syn_with_room_is_lwips(void **st)
{
	uint64_t sent = syncookie_stats()->sent;
	unsigned n = active_pcbs();

	(void)st;
	seg(0xc6130001u, 40000, 23, 1000, 0, TCP_SYN, 1460, NULL);
	assert_int_equal(syncookie_stats()->sent, sent);
	assert_int_equal(active_pcbs(), n + 1); /* a half-open pcb */
	assert_int_equal(last_tcp()[13], TCP_SYN | TCP_ACK);
}

static void cookie_synack_as_lwips(void **st)
{
	uint8_t normal[64];
	const uint8_t *c;
	unsigned n;

	(void)st;
	seg(0xc6130101u, 1001, 23, 100, 0, TCP_SYN, 1460, NULL);
	memcpy(normal, out[nout - 1], 58);
	seg(0xc6130102u, 1002, 23, 200, 0, TCP_SYN, 1460, NULL);
	n = active_pcbs();
	seg(0xc6130103u, 1003, 23, 300, 0, TCP_SYN, 1460, NULL);
	assert_int_equal(active_pcbs(), n); /* nothing kept */
	c = out[nout - 1];
	assert_int_equal(outn[nout - 1], 58);
	assert_memory_equal(c, normal, 14 + 4);		 /* Ethernet, IP version, TOS, length */
	assert_memory_equal(c + 14 + 6, normal + 20, 4); /* flags/fragment, TTL, protocol */
	assert_int_equal(c[14 + 8], 64);
	/* TCP: header length and flags, window, urgent, the MSS option */
	assert_memory_equal(c + 34 + 12, normal + 34 + 12, 4);
	assert_memory_equal(c + 34 + 18, normal + 34 + 18, 6);
	assert_int_equal(c[34 + 20], 2);
	assert_int_equal(c[34 + 22] << 8 | c[34 + 23], 1460);
}

static void valid_cookie_accepted(void **st)
{
	uint64_t acc0 = syncookie_stats()->accepted;
	uint32_t k;
	const uint8_t *t;

	(void)st;
	k = fill_and_cookie(0xc6130201u, 1460);
	nout = 0;
	seg(0xc6130201u, 40000, 23, 7001, k + 1, TCP_ACK, 0, NULL);
	assert_int_equal(accepted, 1);
	assert_int_equal(syncookie_stats()->accepted, acc0 + 1);
	assert_non_null(acc);
	assert_int_equal(acc->state, ESTABLISHED);
	assert_int_equal(acc->mss, 1460);
	assert_int_equal(acc->rcv_nxt, 7001);
	assert_int_equal(acc->remote_port, 40000);
	/* the session's first bytes leave on the connection */
	tcp_output(acc);
	t = last_tcp();
	assert_int_equal(get32(t + 4), k + 1);
	assert_memory_equal(t + 20, "login: ", 7);
	/* data with the peer's next ACK arrives as on any connection */
	seg(0xc6130201u, 40000, 23, 7001, k + 8, TCP_ACK | TCP_PSH, 0, "root\r\n");
	assert_int_equal(acc->rcv_nxt, 7007);
}

static void cookie_mss_and_data_on_the_ack(void **st)
{
	uint32_t k;

	(void)st;
	k = fill_and_cookie(0xc6130301u, 1400);
	seg(0xc6130301u, 40000, 23, 7001, k + 1, TCP_ACK | TCP_PSH, 0, "GET");
	assert_int_equal(accepted, 1);
	assert_int_equal(acc->mss, 1300);
	assert_int_equal(acc->rcv_nxt, 7004); /* the ACK's data was taken */
}

static void wrong_cookie_reset(void **st)
{
	uint64_t bad = syncookie_stats()->bad, acc0 = syncookie_stats()->accepted;
	unsigned n;
	uint32_t k;
	const uint8_t *t;

	(void)st;
	k = fill_and_cookie(0xc6130401u, 1460);
	n = active_pcbs();
	nout = 0;
	seg(0xc6130401u, 40000, 23, 7001, (k ^ 0x40000u) + 1, TCP_ACK, 0, NULL);
	t = last_tcp();
	assert_true(t[13] & TCP_RST);
	assert_int_equal(active_pcbs(), n);
	assert_int_equal(accepted, 0);
	assert_int_equal(syncookie_stats()->bad, bad + 1);
	/* the right cookie from another source port, or another ISN */
	seg(0xc6130401u, 40001, 23, 7001, k + 1, TCP_ACK, 0, NULL);
	seg(0xc6130401u, 40000, 23, 7002, k + 1, TCP_ACK, 0, NULL);
	assert_int_equal(active_pcbs(), n);
	assert_int_equal(syncookie_stats()->bad, bad + 3);
	assert_int_equal(syncookie_stats()->accepted, acc0);
}

static void cookie_periods(void **st)
{
	uint32_t k;

	(void)st;
	/* made just before a period ends, used in the next: good */
	now_ms = (now_ms / SYNCOOKIE_PERIOD_MS + 1) * SYNCOOKIE_PERIOD_MS - 1;
	sys_fake_clock(1767225600000000LL, now_ms);
	k = fill_and_cookie(0xc6130501u, 1460);
	now_ms += SYNCOOKIE_PERIOD_MS;
	sys_fake_clock(1767225600000000LL, now_ms);
	seg(0xc6130501u, 40000, 23, 7001, k + 1, TCP_ACK, 0, NULL);
	assert_int_equal(accepted, 1);
	/* two periods later: refused */
	k = fill_and_cookie(0xc6130502u, 1460);
	now_ms += 2 * SYNCOOKIE_PERIOD_MS;
	sys_fake_clock(1767225600000000LL, now_ms);
	nout = 0;
	seg(0xc6130502u, 40000, 23, 7001, k + 1, TCP_ACK, 0, NULL);
	assert_int_equal(accepted, 1);
	assert_true(last_tcp()[13] & TCP_RST);
}

static void per_source_cap_cookie(void **st)
{
	uint64_t sent = syncookie_stats()->sent;
	unsigned i, n;
	uint32_t k;

	(void)st;
	for (i = 0; i < CAP_WAN_HALFOPEN_PER_SRC; i++)
		seg(0xc6130601u, (uint16_t)(2000 + i), 80, 100 * i, 0, TCP_SYN, 1460, NULL);
	assert_int_equal(syncookie_stats()->sent, sent);
	n = active_pcbs();
	nout = 0;
	seg(0xc6130601u, 3000, 80, 5000, 0, TCP_SYN, 1460, NULL);
	assert_int_equal(syncookie_stats()->sent, sent + 1);
	assert_int_equal(active_pcbs(), n);
	k = get32(last_tcp() + 4);
	seg(0xc6130601u, 3000, 80, 5001, k + 1, TCP_ACK, 0, NULL);
	assert_int_equal(accepted, 1);
	assert_int_equal(acc->local_port, 80);
}

static void pool_empty(void **st)
{
	static struct tcp_pcb *held[CAP_WAN_TCP_PCBS];
	uint64_t sent, nopcb = syncookie_stats()->nopcb;
	unsigned n = 0, i;
	uint32_t k;

	(void)st;
	k = fill_and_cookie(0xc6130701u, 1460);
	/* every pcb taken (unregistered pcbs lwIP cannot reclaim) */
	while (n < CAP_WAN_TCP_PCBS && (held[n] = tcp_new()) != NULL)
		n++;
	assert_true(n < CAP_WAN_TCP_PCBS);
	nout = 0;
	seg(0xc6130701u, 40000, 23, 7001, k + 1, TCP_ACK, 0, NULL);
	assert_int_equal(accepted, 0);
	assert_int_equal(syncookie_stats()->nopcb, nopcb + 1);
	assert_true(last_tcp()[13] & TCP_RST);
	/* a SYN to port 80 (backlog not full) finds no pcb: a cookie */
	sent = syncookie_stats()->sent;
	seg(0xc6130702u, 40000, 80, 9000, 0, TCP_SYN, 1460, NULL);
	assert_int_equal(syncookie_stats()->sent, sent + 1);
	k = get32(last_tcp() + 4);
	tcp_close(held[--n]);
	seg(0xc6130702u, 40000, 80, 9001, k + 1, TCP_ACK, 0, NULL);
	assert_int_equal(accepted, 1);
	for (i = 0; i < n; i++)
		tcp_close(held[i]);
}

#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cookie_mac_period_mss),
#if TANUKI_LWIP
		cmocka_unit_test_setup_teardown(syn_with_room_is_lwips, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_synack_as_lwips, setup, teardown),
		cmocka_unit_test_setup_teardown(valid_cookie_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_mss_and_data_on_the_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_cookie_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_periods, setup, teardown),
		cmocka_unit_test_setup_teardown(per_source_cap_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(pool_empty, setup, teardown),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
