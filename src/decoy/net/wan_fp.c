/* wan_fp.c — the device kernel's TCP/IP fingerprint (wan_fp.h). */
#include "net/wan_fp.h"

#include <string.h>

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10, ECE = 0x40, CWR = 0x80 };

/* Linux's ICMP error rate limit (icmp_ratelimit 1 s, burst 6), here for
 * all peers together: one unreachable per 100 ms, 6 at once */
#define FP_ICMP_BURST 6
#define FP_ICMP_MS 100

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; p += 2, n -= 2)
		s += be16(p);
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The IPv4 header's offset in an Ethernet frame (plain, or inside a
 * PPPoE session frame), 0 when it holds none. */
static size_t ip_off(const uint8_t *f, size_t n)
{
	if (n >= 14 + 20 && be16(f + 12) == 0x0800)
		return 14;
	if (n >= 22 + 20 && be16(f + 12) == 0x8864 && be16(f + 20) == 0x0021)
		return 22;
	return 0;
}

/* The IPv4 datagram at off: its header length and total length checked
 * against the frame. Returns the header length, 0 if malformed or a
 * fragment after the first. */
static size_t ip_hdr(const uint8_t *f, size_t n, size_t off, size_t *tot)
{
	const uint8_t *ip = f + off;
	size_t ihl = (size_t)(ip[0] & 15) * 4;

	*tot = be16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || *tot < ihl || off + *tot > n ||
	    (be16(ip + 6) & 0x1fff))
		return 0;
	return ihl;
}

void wan_fp_init(struct wan_fp *f, const struct persona_tcpip *p)
{
	memset(f, 0, sizeof *f);
	f->p = *p;
	f->on = true;
	f->icmp_tokens = FP_ICMP_BURST;
}

void wan_fp_in(struct wan_fp *f, const uint8_t *frame, size_t n, uint32_t self)
{
	size_t off = ip_off(frame, n), ihl, tot, doff, i;
	const uint8_t *ip, *th;
	struct wan_fp_syn *s;
	uint8_t fl;

	if (!f->on || !off || !(ihl = ip_hdr(frame, n, off, &tot)))
		return;
	ip = frame + off;
	if (ip[9] != 6 || tot < ihl + 20 || memcmp(ip + 16, &self, 4))
		return;
	th = ip + ihl;
	fl = th[13];
	memcpy(&f->last_src, ip + 12, 4);
	f->last_sport = be16(th);
	f->last_dport = be16(th + 2);
	f->last_flags = fl;
	if ((fl & (SYN | ACK)) != SYN)
		return;
	for (i = 0; i < WAN_FP_SYNS; i++) {
		s = &f->syn[i];
		if (s->src == f->last_src && s->sport == f->last_sport && s->dport == f->last_dport)
			break;
	}
	if (i == WAN_FP_SYNS)
		s = &f->syn[f->nsyn++ % WAN_FP_SYNS];
	s->src = f->last_src;
	s->sport = f->last_sport;
	s->dport = f->last_dport;
	s->ecn = (fl & (ECE | CWR)) == (ECE | CWR);
	s->sack = false;
	doff = (size_t)(th[12] >> 4) * 4;
	if (doff < 20 || ihl + doff > tot)
		return;
	for (i = 20; i < doff;) {
		if (th[i] == 0)
			break;
		if (th[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= doff || th[i + 1] < 2 || i + th[i + 1] > doff)
			break;
		if (th[i] == 4 && th[i + 1] == 2)
			s->sack = true;
		i += th[i + 1];
	}
}

static const struct wan_fp_syn *syn_of(const struct wan_fp *f, uint32_t peer, uint16_t pport,
				       uint16_t port)
{
	unsigned i;

	for (i = 0; i < WAN_FP_SYNS; i++)
		if (f->syn[i].src == peer && f->syn[i].sport == pport && f->syn[i].dport == port &&
		    (f->syn[i].src || f->syn[i].sport))
			return &f->syn[i];
	return NULL;
}

/* A SYN-ACK's options in Linux's order: MSS, NOP NOP SACK_PERM when the
 * peer offered SACK, NOP WS when lwIP agreed to scale (it did if the
 * peer offered). Returns the change of the header's length, or -1 to leave
 * it alone. */
static int synack_opts(const struct wan_fp_syn *s, uint8_t *th, size_t doff, size_t room)
{
	uint8_t o[20];
	size_t i, k = 0;
	int mss = -1, ws = -1;

	for (i = 20; i < doff;) {
		if (th[i] == 0)
			break;
		if (th[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= doff || th[i + 1] < 2 || i + th[i + 1] > doff)
			return -1;
		if (th[i] == 2 && th[i + 1] == 4)
			mss = be16(th + i + 2);
		else if (th[i] == 3 && th[i + 1] == 3)
			ws = th[i + 2];
		i += th[i + 1];
	}
	if (mss < 0)
		return -1;
	o[k++] = 2;
	o[k++] = 4;
	put16(o + k, (uint16_t)mss);
	k += 2;
	if (s && s->sack) {
		memcpy(o + k, "\1\1\4\2", 4);
		k += 4;
	}
	if (ws >= 0) {
		o[k++] = 1;
		o[k++] = 3;
		o[k++] = 3;
		o[k++] = (uint8_t)ws;
	}
	if (20 + k > doff + room)
		return -1;
	memcpy(th + 20, o, k);
	th[12] = (uint8_t)(((20 + k) / 4) << 4 | (th[12] & 15));
	return (int)(20 + k) - (int)doff;
}

static size_t tcp_out(struct wan_fp *f, uint8_t *buf, size_t n, size_t cap, size_t off, size_t ihl,
		      size_t tot)
{
	uint8_t *ip = buf + off, *th = ip + ihl;
	size_t doff = (size_t)(th[12] >> 4) * 4, len;
	uint32_t peer, s;
	uint16_t pport = be16(th + 2), port = be16(th);
	uint8_t fl = th[13];
	int d;

	if (doff < 20 || ihl + doff > tot)
		return n;
	memcpy(&peer, ip + 16, 4);
	ip[6] |= 0x40; /* DF, as Linux's TCP (path MTU discovery) */
	if ((fl & (SYN | ACK)) == (SYN | ACK)) {
		const struct wan_fp_syn *sy = syn_of(f, peer, pport, port);

		ip[4] = ip[5] = 0; /* Linux 2.6: ID 0 on a DF SYN-ACK */
		if (tot == ihl + doff && (d = synack_opts(sy, th, doff, cap - off - tot)) >= 0) {
			tot += (size_t)d;
			n = off + tot;
		}
		put16(th + 14, f->p.synwin);
		if (f->p.ecn && sy && sy->ecn)
			th[13] |= ECE;
	} else if (fl & RST) {
		ip[4] = ip[5] = 0;
		th[14] = th[15] = 0;
		if (peer == f->last_src && pport == f->last_sport && port == f->last_dport) {
			if (f->last_flags & ACK) { /* seq = their ack, no ACK */
				th[13] = RST;
				memset(th + 8, 0, 4);
			} else if (!(f->last_flags & SYN) && !f->p.fin_rst) {
				f->dropped++;
				return 0;
			} else { /* seq 0, ack = their seq + length */
				th[13] = RST | ACK;
				memset(th + 4, 0, 4);
			}
		}
	}
	put16(ip + 2, (uint16_t)tot);
	if (off == 22)
		put16(buf + 18, (uint16_t)(tot + 2)); /* PPPoE payload: PPP protocol + IP */
	len = tot - ihl;
	th[16] = th[17] = 0;
	s = sum(ip + 12, 8, 6 + (uint32_t)len);
	put16(th + 16, fold(sum(th, len, s)));
	return n;
}

size_t wan_fp_out(struct wan_fp *f, uint8_t *buf, size_t n, size_t cap, uint64_t now_ms)
{
	size_t off = ip_off(buf, n), ihl, tot;
	uint8_t *ip;

	if (!f->on || !off || cap < n || !(ihl = ip_hdr(buf, n, off, &tot)))
		return n;
	ip = buf + off;
	if (ip[9] == 6 && tot >= ihl + 20) {
		n = tcp_out(f, buf, n, cap, off, ihl, tot);
		if (!n)
			return 0;
	} else if (ip[9] == 1 && tot >= ihl + 8 && (ip[ihl] == 0 || ip[ihl] == 3)) {
		if (ip[ihl] == 3) {
			uint64_t k = (now_ms - f->icmp_tok_ms) / FP_ICMP_MS;

			if (k) {
				f->icmp_tokens =
				    k >= FP_ICMP_BURST || f->icmp_tokens + k >= FP_ICMP_BURST
					? FP_ICMP_BURST
					: f->icmp_tokens + (unsigned)k;
				f->icmp_tok_ms = now_ms;
			}
			if (!f->icmp_tokens) {
				f->dropped++;
				return 0;
			}
			f->icmp_tokens--;
		}
		/* Linux's ICMP replies: no DF, the IP ID a counter */
		ip[6] &= (uint8_t)~0x40;
		put16(ip + 4, ++f->icmp_id);
	} else
		return n;
	ip[10] = ip[11] = 0;
	put16(ip + 10, fold(sum(ip, ihl, 0)));
	return n;
}

uint32_t wan_fp_isn(const struct wan_fp *f, uint32_t rnd, uint64_t now_us)
{
	if (!f->on || f->p.isn_bits >= 32)
		return rnd;
	/* Linux 2.6 (secure_tcp_sequence_number): a 24-bit keyed hash plus
	 * the clock in 64 ns steps; fewer bits or a faster clock move nmap's
	 * SP (the spread) and ISR (the rate) */
	return (rnd & ((1u << f->p.isn_bits) - 1)) +
	       (uint32_t)(now_us * 1000 / (f->p.isn_ns ? f->p.isn_ns : 64));
}
