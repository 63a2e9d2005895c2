/* syncookie.c — SYN cookies for lwIP's listeners (syncookie.h). */
#include "net/syncookie.h"

#include <stdbool.h>
#include <string.h>

#include "hash.h"
#include "sys/sys.h"

static const uint16_t mss_tab[SYNCOOKIE_NMSS] = {536, 1300, 1440, 1460};

static struct {
	uint8_t key[16];
	bool keyed;	 /* the secret is drawn */
	bool sent_any;	 /* a cookie went out … */
	uint32_t sent_c; /* … last in this period */
	struct syncookie_stats st;
} ck;

const struct syncookie_stats *syncookie_stats(void)
{
	return &ck.st;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* 30 bits of MAC, in the high bits */
static uint32_t mac(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t seq,
		    uint32_t counter)
{
	uint8_t in[16 + 20], h[SHA256_LEN];

	memcpy(in, ck.key, 16);
	memcpy(in + 16, &saddr, 4);
	memcpy(in + 20, &daddr, 4);
	put32(in + 24, (uint32_t)sport << 16 | dport);
	put32(in + 28, seq);
	put32(in + 32, counter);
	/* a fixed-length input after the key: no length extension to fear */
	hash_sha256(in, sizeof in, h);
	return ((uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3]);
}

uint32_t syncookie_make(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			uint32_t seq, uint32_t counter, unsigned mss_idx)
{
	return mac(saddr, daddr, sport, dport, seq, counter) ^ (mss_idx & 3u);
}

int syncookie_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t seq,
		    uint32_t counter, uint32_t cookie)
{
	unsigned age;

	for (age = 0; age < 2; age++) {
		uint32_t m = mac(saddr, daddr, sport, dport, seq, counter - age);

		if ((m ^ cookie) >> 2 == 0)
			return (int)((m ^ cookie) & 3u);
	}
	return -1;
}

unsigned syncookie_mss_idx(unsigned mss)
{
	unsigned i = SYNCOOKIE_NMSS - 1;

	while (i > 0 && mss_tab[i] > mss)
		i--;
	return i;
}

unsigned syncookie_mss(unsigned idx)
{
	return mss_tab[idx & 3u];
}

uint32_t syncookie_counter(void)
{
	return (uint32_t)(sys_mono_ms() / SYNCOOKIE_PERIOD_MS);
}

#if TANUKI_LWIP

#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "wan_hooks.h"

/* The secret, drawn at the first cookie. false: no randomness (then no
 * cookies: the SYN is dropped as without them). */
static bool keyed(void)
{
	if (!ck.keyed && sys_random(ck.key, sizeof ck.key) == 0)
		ck.keyed = true;
	return ck.keyed;
}

/* The client's MSS option (0: none), from the options lwIP located
 * (opt1len bytes after the header, the rest at opt2). Attacker input. */
static unsigned syn_mss(const struct tcp_hdr *hdr, unsigned optlen, unsigned opt1len,
			const uint8_t *opt2)
{
	const uint8_t *o1 = (const uint8_t *)hdr + TCP_HLEN;
	uint8_t b[40];
	unsigned i, n = optlen < sizeof b ? optlen : sizeof b;

	for (i = 0; i < n; i++)
		b[i] = (opt2 == NULL || i < opt1len) ? o1[i] : opt2[i - opt1len];
	for (i = 0; i < n;) {
		if (b[i] == 0) /* end of options */
			break;
		if (b[i] == 1) { /* no-op */
			i++;
			continue;
		}
		if (i + 1 >= n || b[i + 1] < 2 || i + b[i + 1] > n)
			break;
		if (b[i] == 2 && b[i + 1] == 4)
			return (unsigned)b[i + 2] << 8 | b[i + 3];
		i += b[i + 1];
	}
	return 0;
}

void tanuki_cookie_syn(struct tcp_pcb_listen *lpcb, struct tcp_hdr *hdr, unsigned short optlen,
		       unsigned short opt1len, unsigned char *opt2)
{
	const ip_addr_t *us = ip_current_dest_addr(), *peer = ip_current_src_addr();
	struct netif *nif;
	struct pbuf *p;
	struct tcp_hdr *h;
	uint8_t *o;
	uint32_t c = syncookie_counter(), cookie;
	unsigned idx, mss;

	if ((TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) != TCP_SYN || !keyed())
		return;
	nif = lpcb->netif_idx != NETIF_NO_INDEX ? netif_get_by_index(lpcb->netif_idx)
						: ip_route(us, peer);
	if (!nif)
		return;
	idx = syncookie_mss_idx(syn_mss(hdr, optlen, opt1len, opt2));
	cookie = syncookie_make(ip4_addr_get_u32(ip_2_ip4(peer)), ip4_addr_get_u32(ip_2_ip4(us)),
				hdr->src, hdr->dest, hdr->seqno, c, idx);
	/* as lwIP's own SYN-ACK (tcp_out.c): our MSS option only, the
	 * initial window, the listener's TTL (TCP_TTL) */
	p = pbuf_alloc(PBUF_IP, TCP_HLEN + 4, PBUF_RAM);
	if (!p)
		return; /* the heap is full: dropped, as without cookies */
	h = p->payload;
	h->src = lwip_htons(hdr->dest);
	h->dest = lwip_htons(hdr->src);
	h->seqno = lwip_htonl(cookie);
	h->ackno = lwip_htonl(hdr->seqno + 1);
	TCPH_HDRLEN_FLAGS_SET(h, 6, TCP_SYN | TCP_ACK);
	h->wnd = lwip_htons(TCPWND_MIN16(TCP_WND));
	h->chksum = 0;
	h->urgp = 0;
	mss = tcp_eff_send_mss_netif(TCP_MSS, nif, peer);
	o = (uint8_t *)(h + 1);
	o[0] = 2;
	o[1] = 4;
	o[2] = (uint8_t)(mss >> 8);
	o[3] = (uint8_t)mss;
#if CHECKSUM_GEN_TCP
	h->chksum = ip_chksum_pseudo(p, IP_PROTO_TCP, p->tot_len, us, peer);
#endif
	if (ip_output_if(p, us, peer, TCP_TTL, 0, IP_PROTO_TCP, nif) == ERR_OK)
		ck.st.sent++;
	pbuf_free(p);
	ck.sent_any = true;
	ck.sent_c = c;
}

struct tcp_pcb *tanuki_cookie_ack(struct tcp_pcb_listen *lpcb, struct tcp_hdr *hdr)
{
	const ip_addr_t *us = ip_current_dest_addr(), *peer = ip_current_src_addr();
	struct tcp_pcb *npcb;
	uint32_t c = syncookie_counter(), iss = hdr->ackno - 1;
	int idx;

	if ((TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_ACK)
		return NULL;
	/* no cookie went out in this period or the last: none can be valid
	 * (and an ACK flood costs no hashing) */
	if (!ck.sent_any || c - ck.sent_c > 1)
		return NULL;
	idx = syncookie_check(ip4_addr_get_u32(ip_2_ip4(peer)), ip4_addr_get_u32(ip_2_ip4(us)),
			      hdr->src, hdr->dest, hdr->seqno - 1, c, iss);
	if (idx < 0) {
		ck.st.bad++;
		return NULL; /* lwIP answers with a RST */
	}
	npcb = tcp_alloc(lpcb->prio);
	if (!npcb) {
		ck.st.nopcb++;
		return NULL; /* a RST, as a full kernel would */
	}
	/* the pcb lwIP would have made at the SYN (tcp_listen_input), with
	 * our SYN-ACK sent and no longer queued: the ACK takes it to
	 * ESTABLISHED and the accept callback in tcp_process */
	ip_addr_copy(npcb->local_ip, *us);
	ip_addr_copy(npcb->remote_ip, *peer);
	npcb->local_port = lpcb->local_port;
	npcb->remote_port = hdr->src;
	npcb->state = SYN_RCVD;
	npcb->rcv_nxt = hdr->seqno;
	npcb->rcv_ann_right_edge = npcb->rcv_nxt;
	npcb->snd_wl2 = iss;
	npcb->lastack = iss;
	npcb->snd_nxt = iss + 1;
	npcb->snd_lbb = iss + 1;
	npcb->snd_wl1 = hdr->seqno - 2; /* the SYN's seqno - 1: forces a window update */
	npcb->callback_arg = lpcb->callback_arg;
	npcb->listener = lpcb;
	npcb->so_options = lpcb->so_options & SOF_INHERITED;
	npcb->netif_idx = lpcb->netif_idx;
	npcb->snd_wnd = hdr->wnd;
	npcb->snd_wnd_max = npcb->snd_wnd;
	npcb->mss = tcp_eff_send_mss((u16_t)syncookie_mss((unsigned)idx), &npcb->local_ip,
				     &npcb->remote_ip);
	TCP_REG_ACTIVE(npcb);
	ck.st.accepted++;
	return npcb;
}

#endif
