/* fuzz_wanclient.c — the decoy's own connections on the WAN stack
 * (net/wan_client.c) under attacker frames: a TCP connection opening to
 * 198.18.0.1:80 (a download, or the uplink), a UDP socket that sent a
 * TFTP request, and a name lookup by lwIP's resolver (its answers are
 * parsed by lwIP's dns.c: spoofed replies are attacker input), while
 * random Ethernet frames arrive and lwIP's timers run on a fake clock.
 * The owners read until EAGAIN, write, and close at the peer's end or an
 * error, as the fetcher does; readiness is delivered by wan_client_run().
 *
 * Input: records of [op][len hi][len lo][frame]. op bit 0: advance the
 * clock by (op >> 4) * 100 ms and run the timers first; bit 1: a TCP frame
 * (20-byte IPv4 header) gets its destination port and acknowledgement
 * rebased on our SYN (its random ISN and port); bit 2: a UDP frame gets
 * the destination port of our DNS query (and its random ID) when it comes
 * from port 53, else of our TFTP socket; bit 3: the owners close their
 * connection now. lwIP's fuzz build skips checksum checks (mk/lwip.mk).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if TANUKI_LWIP

#include <arpa/inet.h>
#include <errno.h>

#include "ev/ev.h"
#include "lwip/dns.h"
#include "net/lwip_port.h"
#include "net/wan_client.h"
#include "sys/sys.h"
#include "xsock/xsock.h"

static struct lwport w;
static struct ev_loop loop;
static uint64_t now_ms = 1000000;
static uint32_t syn_seq;
static uint16_t tcp_sport, dns_sport, dns_id, udp_sport;
static struct xsock tcp, udp;
static struct xres res;
static unsigned sink;

static const uint8_t our_mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x02};
static const uint8_t gw_mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x01};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Our frames: remember the SYN's sequence and port, the DNS query's ID
 * and port, the TFTP request's port. */
static int tx(void *arg, const uint8_t *f, size_t n)
{
	(void)arg;
	if (n < 14)
		__builtin_trap();
	if (n >= 14 + 20 + 20 && f[12] == 0x08 && f[13] == 0 && f[14 + 9] == 6 &&
	    (f[14 + 20 + 13] & 0x12) == 0x02) {
		syn_seq = be32(f + 14 + 20 + 4);
		tcp_sport = be16(f + 14 + 20);
	}
	if (n >= 14 + 20 + 8 + 2 && f[12] == 0x08 && f[13] == 0 && f[14 + 9] == 17) {
		if (be16(f + 14 + 20 + 2) == 53) {
			dns_sport = be16(f + 14 + 20);
			dns_id = be16(f + 14 + 28);
		} else if (be16(f + 14 + 20 + 2) == 69) {
			udp_sport = be16(f + 14 + 20);
		}
	}
	sink += f[n - 1];
	return 0;
}

static void on_tcp(struct xsock *s, unsigned rev)
{
	uint8_t b[700];
	ssize_t r;

	if (rev & EV_WRITE) {
		if (xsock_error(s)) {
			xsock_close(s);
			return;
		}
		if (xsock_send(s, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", 27) < 0 &&
		    errno != EAGAIN) {
			xsock_close(s);
			return;
		}
		xsock_want(s, EV_READ);
	}
	while ((r = xsock_recv(s, b, sizeof b)) > 0)
		sink += b[r - 1];
	if (r == 0 || errno != EAGAIN)
		xsock_close(s);
}

static void on_udp(struct xsock *s, unsigned rev)
{
	struct sockaddr_storage from;
	uint8_t b[600];
	ssize_t r;

	(void)rev;
	while ((r = xsock_recvfrom(s, b, sizeof b, &from)) > 0) {
		sink += b[r - 1];
		if (r >= 4 && b[1] == 3) { /* ACK a DATA, as TFTP does */
			uint8_t ack[4] = {0, 4, b[2], b[3]};

			xsock_sendto(s, ack, 4, &from, sizeof(struct sockaddr_in));
		}
	}
}

static void on_res(struct xres *r, int err, const uint8_t a[4])
{
	(void)r;
	sink += err ? 1u : a[3];
}

static void setup(void)
{
	static bool done;
	struct sockaddr_storage to;
	struct sockaddr_in *a = (struct sockaddr_in *)&to;
	struct xnet *xn;
	ip_addr_t srv;
	uint8_t arp[42];

	sys_fake_clock(1767225600000000LL, now_ms);
	if (!done) {
		if (ev_init(&loop, 16))
			__builtin_trap();
		done = true;
	}
	if (lwport_init(&w, our_mac, 1500))
		__builtin_trap();
	w.tx = tx;
	/* 198.18.0.2/24 via 198.18.0.1, which answers ARP at once */
	lwport_static(&w, htonl(0xc6120002u), htonl(0xffffff00u), htonl(0xc6120001u));
	memcpy(arp, our_mac, 6);
	memcpy(arp + 6, gw_mac, 6);
	memcpy(arp + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x02", 10);
	memcpy(arp + 22, gw_mac, 6);
	memcpy(arp + 28, "\xc6\x12\x00\x01", 4);
	memcpy(arp + 32, our_mac, 6);
	memcpy(arp + 38, "\xc6\x12\x00\x02", 4);
	lwport_input(&w, arp, sizeof arp);
	ip_addr_set_ip4_u32(&srv, htonl(0xc6120001u));
	dns_setserver(0, &srv);
	xn = wan_client_start(&loop, NULL);
	if (!xn)
		__builtin_trap();
	xsock_init(&tcp);
	xsock_init(&udp);
	memset(&res, 0, sizeof res);
	memset(&to, 0, sizeof to);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(0xc6120001u);
	a->sin_port = htons(80);
	syn_seq = 0;
	tcp_sport = udp_sport = 0;
	xsock_tcp(&tcp, &loop, xn, &to, sizeof *a, on_tcp);
	if (!xsock_udp(&udp, &loop, xn, AF_INET, on_udp)) {
		a->sin_port = htons(69);
		xsock_sendto(&udp, "\0\1x.bin\0octet\0", 14, &to, sizeof *a);
	}
	/* one name: a query still pending from an earlier input is joined
	 * (its ID and port stay remembered), an answered one comes from
	 * lwIP's cache */
	xres_start(&res, xn, "payload.test", on_res);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	uint8_t frame[1600];

	setup();
	wan_client_run();
	while (n >= 3) {
		uint8_t op = d[0];
		size_t len = (size_t)d[1] << 8 | d[2];

		d += 3;
		n -= 3;
		if (len > n)
			len = n;
		if (len > sizeof frame)
			len = sizeof frame;
		if (op & 1) {
			now_ms += (uint64_t)(op >> 4) * 100;
			sys_fake_clock(1767225600000000LL, now_ms);
			lwport_timers(&w);
		}
		memcpy(frame, d, len);
		if ((op & 2) && len >= 14 + 20 + 20) {
			uint32_t ack = syn_seq + 1 + (be32(frame + 14 + 20 + 8) & 0xffff);

			put16(frame + 14 + 20 + 2, tcp_sport);
			put16(frame + 14 + 20 + 8, (uint16_t)(ack >> 16));
			put16(frame + 14 + 20 + 10, (uint16_t)ack);
		}
		if ((op & 4) && len >= 14 + 20 + 8 + 2) {
			if (be16(frame + 14 + 20) == 53) {
				put16(frame + 14 + 20 + 2, dns_sport);
				put16(frame + 14 + 28, dns_id);
			} else {
				put16(frame + 14 + 20 + 2, udp_sport);
			}
		}
		lwport_input(&w, frame, len);
		wan_client_run();
		if (op & 8) {
			xsock_close(&tcp);
			xsock_close(&udp);
		}
		d += len;
		n -= len;
	}
	xres_cancel(&res);
	xsock_close(&tcp);
	xsock_close(&udp);
	wan_client_stop();
	lwport_done(&w);
	return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	(void)d;
	(void)n;
	return 0;
}

#endif
