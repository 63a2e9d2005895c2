/* lwip_port.c — lwIP's NO_SYS port and the Ethernet netif (lwip_port.h). */
#include "net/lwip_port.h"

#if TANUKI_LWIP

#include <errno.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"
#include "sys/sys.h"
#include "wan_hooks.h"

/* lwIP's globals are set up once per process (lwip_init cannot be undone);
 * the netif comes and goes with lwport_init/lwport_done. */
static bool lwip_ready;
static struct lwport *active;

/* --- the port: time and randomness --- */

uint32_t sys_now(void)
{
	return (uint32_t)sys_mono_ms();
}

#if TANUKI_PPP
/* PPP's magic numbers stir this in (lwIP's magic.c) */
u32_t sys_jiffies(void)
{
	return (u32_t)sys_mono_ms();
}
#endif

uint32_t tanuki_lwip_rand(void)
{
	uint32_t r = 0;

	if (sys_random(&r, sizeof r))
		r = (uint32_t)sys_mono_ms() * 2654435761u;
	return r;
}

/* --- hooks --- */

/* the window scale lwIP offers (TCP_RCV_SCALE, lwipopts.h): the persona's */
unsigned char tanuki_lwip_rcv_scale;

unsigned int tanuki_lwip_isn(void)
{
	uint32_t r = tanuki_lwip_rand();

	return active ? wan_fp_isn(&active->fp, r, sys_mono_us()) : r;
}

/* A SYN to a listening port from a source that already holds
 * CAP_WAN_HALFOPEN_PER_SRC half-open connections gets a SYN cookie
 * (net/syncookie.c) and no pcb. */
signed char tanuki_lwip_tcp_in(struct tcp_pcb *pcb, struct tcp_hdr *hdr, unsigned short optlen,
			       unsigned short opt1len, unsigned char *opt2, struct pbuf *p)
{
	const struct tcp_pcb *q;
	unsigned n = 0;

	(void)p;
	if (pcb->state != LISTEN || (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK)) != TCP_SYN)
		return ERR_OK;
	/* a SYN|FIN (nmap's T3): newer Linux drops it at a listener */
	if ((TCPH_FLAGS(hdr) & TCP_FIN) && active && active->fp.on && !active->fp.p.synfin)
		return ERR_ABRT;
	for (q = tcp_active_pcbs; q; q = q->next)
		if (q->state == SYN_RCVD && ip_addr_cmp(&q->remote_ip, ip_current_src_addr()) &&
		    ++n >= CAP_WAN_HALFOPEN_PER_SRC) {
			tanuki_cookie_syn((struct tcp_pcb_listen *)pcb, hdr, optlen, opt1len, opt2);
			return ERR_MEM;
		}
	return ERR_OK;
}

/* --- the netif --- */

static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
	struct lwport *w = nif->state;
	uint8_t frame[PBUF_POOL_BUFSIZE + 8]; /* + the SYN-ACK's SACK_PERM */
	u16_t n;

	if (p->tot_len > sizeof frame) {
		w->tx_failed++;
		return ERR_IF;
	}
	n = pbuf_copy_partial(p, frame, p->tot_len, 0);
	/* as the persona's kernel would send it, or not at all */
	if (!(n = (u16_t)wan_fp_out(&w->fp, frame, n, sizeof frame, sys_mono_ms())))
		return ERR_OK;
	if (w->tx(w->arg, frame, n)) {
		w->tx_failed++;
		return ERR_IF;
	}
	w->tx_frames++;
	return ERR_OK;
}

static void status_cb(struct netif *nif)
{
	struct lwport *w = nif->state;

	if (w->on_addr)
		w->on_addr(w->arg);
}

static err_t nif_init(struct netif *nif)
{
	struct lwport *w = nif->state;

	nif->name[0] = 'w';
	nif->name[1] = 'n';
	nif->output = etharp_output;
	nif->linkoutput = linkoutput;
	nif->hwaddr_len = ETH_HWADDR_LEN;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	netif_set_hostname(nif, w->hostname[0] ? w->hostname : NULL);
	return ERR_OK;
}

int lwport_init(struct lwport *w, const uint8_t mac[6], uint16_t mtu)
{
	if (active)
		return -EBUSY;
	if (!lwip_ready) {
		lwip_init();
		lwip_ready = true;
	}
	memcpy(w->nif.hwaddr, mac, 6);
	w->nif.mtu = mtu;
	tanuki_lwip_rcv_scale = w->fp.on ? w->fp.p.wscale : 0;
	if (!netif_add(&w->nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, w, nif_init,
		       ethernet_input))
		return -EINVAL;
	memcpy(w->nif.hwaddr, mac, 6);
	w->nif.mtu = mtu;
	w->ipif = &w->nif;
	netif_set_default(&w->nif);
	netif_set_status_callback(&w->nif, status_cb);
	netif_set_link_up(&w->nif);
	netif_set_up(&w->nif);
	active = w;
	return 0;
}

void lwport_static(struct lwport *w, uint32_t ip, uint32_t mask, uint32_t gw)
{
	ip4_addr_t a, m, g;

	ip4_addr_set_u32(&a, ip);
	ip4_addr_set_u32(&m, mask);
	ip4_addr_set_u32(&g, gw);
	netif_set_addr(&w->nif, &a, &m, &g);
}

int lwport_dhcp(struct lwport *w)
{
	w->dhcp = true;
	return dhcp_start(&w->nif) == ERR_OK ? 0 : -ENOMEM;
}

void lwport_input(struct lwport *w, const uint8_t *frame, size_t n)
{
	struct pbuf *p;

	/* shorter than an Ethernet header, or longer than the MTU allows:
	 * no NIC would hand it up */
	if (n < 14 || n > (size_t)w->nif.mtu + 18u || n > 0xffffu) {
		w->rx_dropped++;
		return;
	}
	if (w->scan && lwport_addr(w))
		scan_frame(w->scan, frame, n, lwport_addr(w));
	wan_fp_in(&w->fp, frame, n, lwport_addr(w));
	p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
	if (!p) {
		w->rx_dropped++; /* the pool is full: the frame is lost, as on a busy NIC */
		return;
	}
	if (pbuf_take(p, frame, (u16_t)n) != ERR_OK) {
		pbuf_free(p);
		w->rx_dropped++;
		return;
	}
	w->rx_frames++;
	if (w->nif.input(p, &w->nif) != ERR_OK)
		pbuf_free(p);
}

uint32_t lwport_timers(struct lwport *w)
{
	u32_t ms;

	(void)w;
	sys_check_timeouts();
	ms = sys_timeouts_sleeptime();
	return ms > 1000 ? 1000 : ms;
}

uint32_t lwport_addr(const struct lwport *w)
{
	return ip4_addr_get_u32(netif_ip4_addr(w->ipif ? w->ipif : &w->nif));
}

uint32_t lwport_dns(const struct lwport *w, unsigned i)
{
	const ip_addr_t *a = i < DNS_MAX_SERVERS ? dns_getserver((u8_t)i) : NULL;

	(void)w;
	return a && !ip_addr_isany(a) ? ip4_addr_get_u32(ip_2_ip4(a)) : 0;
}

void lwport_done(struct lwport *w)
{
	struct tcp_pcb *pcb;

	if (active != w)
		return;
	if (w->dhcp) {
		dhcp_release_and_stop(&w->nif);
		dhcp_cleanup(&w->nif);
	}
	/* every connection ends here (their owners let go before) */
	while ((pcb = tcp_active_pcbs) != NULL)
		tcp_abort(pcb);
	while ((pcb = tcp_tw_pcbs) != NULL)
		tcp_abort(pcb);
	netif_set_down(&w->nif);
	netif_remove(&w->nif);
	active = NULL;
}

bool lwport_can_send(struct tcp_pcb *pcb)
{
	return pcb && tcp_sndbuf(pcb) > 0 && tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN;
}

ssize_t lwport_send(struct tcp_pcb *pcb, const void *p, size_t n)
{
	size_t room = lwport_can_send(pcb) ? tcp_sndbuf(pcb) : 0;
	err_t e;

	if (!room) {
		errno = EAGAIN;
		return -1;
	}
	if (n > room)
		n = room;
	e = tcp_write(pcb, p, (u16_t)n, TCP_WRITE_FLAG_COPY);
	if (e == ERR_MEM) {
		errno = EAGAIN; /* lwIP's heap is full: wait for ACKs (or the poll) */
		return -1;
	}
	if (e != ERR_OK) {
		errno = EPIPE;
		return -1;
	}
	tcp_output(pcb);
	return (ssize_t)n;
}

err_t lwport_take(struct buf *rx, struct pbuf *p)
{
	size_t before = rx->len;
	struct pbuf *q;

	if (rx->len + p->tot_len > CAP_WAN_RXBUF)
		return ERR_MEM;
	for (q = p; q; q = q->next)
		if (buf_add(rx, q->payload, q->len)) {
			rx->len = before;
			return ERR_MEM;
		}
	pbuf_free(p);
	return ERR_OK;
}

size_t lwport_read(struct buf *rx, struct tcp_pcb *pcb, void *p, size_t n)
{
	if (n > rx->len)
		n = rx->len;
	if (!n)
		return 0;
	memcpy(p, rx->p, n);
	buf_consume(rx, n);
	if (pcb)
		tcp_recved(pcb, (u16_t)n);
	return n;
}

#endif
