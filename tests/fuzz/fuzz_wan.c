/* fuzz_wan.c — the WAN stack's input path: random Ethernet frames into the
 * netif (net/lwip_port.c: the scan count, then lwIP's ARP, IPv4 with
 * reassembly, ICMP, UDP, TCP with a listener that answers and echoes), with
 * lwIP's timers run between frames on a fake clock.
 *
 * Input: records of [op][len hi][len lo][frame]. op bit 0: advance the
 * clock by (op >> 2) * 50 ms and run the timers first; bit 1: before the
 * frame goes in, its TCP acknowledgement number (at the offsets of a
 * 20-byte IPv4 header) is rebased on the last SYN-ACK lwIP sent, so the
 * fuzzer can complete handshakes despite random ISNs. Frames out pass
 * the HG532's fingerprint rewrite (net/wan_fp.c) as on a decoy. lwIP's
 * fuzz build skips checksum checks (mk/lwip.mk).
 *
 * The listener's backlog is 4: past it (or past the per-source half-open
 * cap) SYNs are answered with SYN cookies (net/syncookie.c), and an ACK
 * rebased on a cookie SYN-ACK completes one, so the cookie check (the
 * client's MSS option, the MAC, the period) and the pcb it makes see
 * random input; seeds: corpus/wan/syncookie (5 SYNs, the fifth answered
 * with a cookie, its ACK, data, FIN) and syncookie_bad (the same ACKs not
 * rebased: wrong cookies, answered with RSTs).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if TANUKI_LWIP

#include "lwip/tcp.h"
#include "net/lwip_port.h"
#include "sys/sys.h"

static struct lwport w;
static struct scan_table sc;
static uint64_t now_ms = 1000000;
static uint32_t synack_seq;
static unsigned sink;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int tx(void *arg, const uint8_t *f, size_t n)
{
	(void)arg;
	if (n < 14)
		__builtin_trap();
	/* remember our SYN-ACKs' sequence numbers */
	if (n >= 14 + 20 + 20 && f[12] == 0x08 && f[13] == 0 && f[14 + 9] == 6 &&
	    (f[14 + 20 + 13] & 0x12) == 0x12)
		synack_seq = be32(f + 14 + 20 + 4);
	sink += f[n - 1];
	return 0;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (!p) {
		tcp_recv(pcb, NULL);
		if (tcp_close(pcb) != ERR_OK) {
			tcp_abort(pcb);
			return ERR_ABRT;
		}
		return ERR_OK;
	}
	tcp_recved(pcb, p->tot_len);
	if (p->tot_len & 1)
		tcp_write(pcb, "\r\n# ", 4, TCP_WRITE_FLAG_COPY);
	pbuf_free(p);
	return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	tcp_recv(pcb, on_recv);
	tcp_write(pcb, "login: ", 7, TCP_WRITE_FLAG_COPY);
	tcp_output(pcb);
	return ERR_OK;
}

static void setup(void)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x02};
	static bool done;
	struct tcp_pcb *l;

	/* the HG532's fingerprint (net/wan_fp.c): window scale, SACK_PERM and
	 * ECE in SYN-ACKs, RSTs rebuilt, FIN probes of closed ports dropped */
	static const struct persona_tcpip fp = {2, 5840, true, false, false, 23, 32};

	sys_fake_clock(1767225600000000LL, now_ms);
	wan_fp_init(&w.fp, &fp);
	if (lwport_init(&w, mac, 1500))
		__builtin_trap();
	w.tx = tx;
	w.scan = &sc;
	/* 198.18.0.2/24 via 198.18.0.1 */
	lwport_static(&w, htonl(0xc6120002u), htonl(0xffffff00u), htonl(0xc6120001u));
	if (done)
		return;
	done = true;
	l = tcp_new();
	if (!l || tcp_bind(l, IP4_ADDR_ANY, 23) != ERR_OK)
		__builtin_trap();
	l = tcp_listen_with_backlog(l, 4);
	if (!l)
		__builtin_trap();
	tcp_accept(l, on_accept);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	uint8_t frame[1600];

	setup();
	scan_reset(&sc);
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
			now_ms += (uint64_t)(op >> 2) * 50;
			sys_fake_clock(1767225600000000LL, now_ms);
			lwport_timers(&w);
		}
		memcpy(frame, d, len);
		if ((op & 2) && len >= 14 + 20 + 12) {
			uint32_t ack = synack_seq + 1 + (be32(frame + 14 + 20 + 8) & 0xffff);

			frame[14 + 20 + 8] = (uint8_t)(ack >> 24);
			frame[14 + 20 + 9] = (uint8_t)(ack >> 16);
			frame[14 + 20 + 10] = (uint8_t)(ack >> 8);
			frame[14 + 20 + 11] = (uint8_t)ack;
		}
		lwport_input(&w, frame, len);
		d += len;
		n -= len;
	}
	if (sc.n > CAP_WAN_SCAN_ENTRIES)
		__builtin_trap();
	/* every connection ends with the input (the listener stays) */
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
