/* wan_client.c — outgoing connections and lookups on the WAN stack
 * (wan_client.h): an xnet over lwIP's raw TCP/UDP API and its resolver. */
#include "net/wan_client.h"

#include <stddef.h>

#include "xsock/xsock.h"

#if !TANUKI_LWIP

struct xnet *wan_client_start(struct ev_loop *l, const struct sockaddr_storage *dns)
{
	(void)l;
	(void)dns;
	return NULL;
}

void wan_client_stop(void)
{
}

void wan_client_run(void)
{
}

#else

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "lwip/dns.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "net/lwip_port.h"
#include "sys/sys.h"

/* Datagrams a UDP socket holds until read (TFTP has one in flight), and
 * the largest kept (a TFTP block and its header; longer ones are cut, as
 * recvfrom into a short buffer cuts). */
#define WC_DGRAMS 4
#define WC_DGRAM_MAX 520
/* Lookups at once: lwIP's table, twice (a cancelled one keeps its slot
 * until lwIP answers it, so a new one never gets an old answer). */
#define WC_LOOKUPS (2 * CAP_WAN_DNS_TABLE)

struct wc_dgram {
	uint32_t ip; /* network order */
	uint16_t port;
	uint16_t n;
	uint8_t b[WC_DGRAM_MAX];
};

/* One connection below one xsock. */
struct wc_conn {
	struct wc_conn *prev, *next;
	struct xsock *s;
	struct tcp_pcb *tpcb; /* NULL once lwIP freed it (RST, timeout) */
	struct udp_pcb *upcb;
	struct buf rx; /* TCP: received, not yet read */
	struct wc_dgram *dq;
	unsigned dhead, dn;
	unsigned interest;
	int err; /* a positive errno once the connection failed */
	bool connected, eof, kick;
};

struct wc_lookup {
	struct xres *owner; /* NULL: free, or cancelled while lwIP works */
	bool pending;	    /* lwIP will call back */
	bool done;	    /* an answer waits for the loop */
	int err;
	uint8_t addr[4];
};

static struct {
	struct ev_loop *loop;
	struct ev_timer t_kick;
	struct wc_conn *conns;
	struct wc_lookup lk[WC_LOOKUPS];
	bool on, lk_kick;
	uint32_t dns; /* the fallback resolver (network order), 0: none */
	struct xnet xn;
} wc;

static void arm(void)
{
	if (wc.on && !ev_timer_armed(&wc.t_kick))
		ev_timer_in(wc.loop, &wc.t_kick, 0);
}

static bool can_send(const struct wc_conn *c)
{
	return c->connected && lwport_can_send(c->tpcb);
}

static unsigned ready(const struct wc_conn *c)
{
	unsigned r = 0;

	if (c->upcb) {
		r = EV_WRITE;
		if (c->dn)
			r |= EV_READ;
	} else {
		if (c->rx.len || c->eof || c->err)
			r |= EV_READ;
		if (can_send(c) || c->err)
			r |= EV_WRITE;
	}
	return r & c->interest;
}

/* Readiness is told from the loop, never inside lwIP's callbacks or the
 * owner's own calls. */
static void kick(struct wc_conn *c)
{
	if (ready(c)) {
		c->kick = true;
		arm();
	}
}

void wan_client_run(void)
{
	unsigned i, budget = 64;
	struct wc_conn *c;

	if (!wc.on)
		return;
	ev_timer_stop(wc.loop, &wc.t_kick);
	/* answers first: a lookup's owner may open a connection */
	while (wc.lk_kick) {
		wc.lk_kick = false;
		for (i = 0; i < WC_LOOKUPS; i++) {
			struct wc_lookup *k = &wc.lk[i];
			struct xres *r = k->owner;

			if (!k->done || !r)
				continue;
			k->done = false;
			k->owner = NULL;
			r->h = NULL;
			r->cb(r, k->err, k->addr);
		}
	}
	/* an owner's callback may close any connection: start over after each */
	while (budget--) {
		unsigned r = 0;

		for (c = wc.conns; c; c = c->next)
			if (c->kick) {
				c->kick = false;
				if ((r = ready(c)))
					break;
			}
		if (!c)
			return;
		c->s->cb(c->s, r);
	}
	arm(); /* more than a turn's worth: the rest next turn */
}

static void on_kick(struct ev_loop *l, struct ev_timer *t)
{
	(void)l;
	(void)t;
	wan_client_run();
}

static struct wc_conn *conn_new(struct xsock *s)
{
	struct wc_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->s = s;
	c->next = wc.conns;
	if (wc.conns)
		wc.conns->prev = c;
	wc.conns = c;
	s->h = c;
	return c;
}

static void conn_free(struct wc_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		wc.conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	buf_free(&c->rx);
	free(c->dq);
	free(c);
}

static void tcp_detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
}

/* ---------- lwIP's TCP callbacks ---------- */

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct wc_conn *c = arg;

	(void)pcb;
	(void)err; /* always ERR_OK in lwIP 2.1 */
	c->connected = true;
	kick(c);
	return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct wc_conn *c = arg;

	(void)pcb;
	(void)err;
	if (!p) {
		c->eof = true;
		kick(c);
		return ERR_OK;
	}
	if (lwport_take(&c->rx, p) != ERR_OK)
		return ERR_MEM; /* lwIP keeps it and offers it again */
	kick(c);
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)pcb;
	(void)len;
	kick(arg);
	return ERR_OK;
}

/* Every second: output that waited on lwIP's heap, input the owner left. */
static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	(void)pcb;
	kick(arg);
	return ERR_OK;
}

/* lwIP freed the pcb: the peer's RST, or the retransmissions ran out. As
 * connect() and recv() would say it. */
static void on_err(void *arg, err_t err)
{
	struct wc_conn *c = arg;

	if (!c)
		return;
	c->tpcb = NULL;
	if (err == ERR_RST)
		c->err = c->connected ? ECONNRESET : ECONNREFUSED;
	else if (err == ERR_ABRT)
		c->err = ETIMEDOUT;
	else
		c->err = c->connected ? ECONNRESET : EHOSTUNREACH;
	kick(c);
}

/* ---------- the xnet ---------- */

/* The address on the WAN stack, or an errno: it is IPv4 only, has no
 * loopback, and routes nothing before it has an address. */
static int wan_addr(const struct sockaddr_storage *ss, ip_addr_t *ip, u16_t *port)
{
	const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
	struct netif *nif;

	if (ss->ss_family != AF_INET)
		return ENETUNREACH;
	if ((ntohl(a->sin_addr.s_addr) >> 24) == 127 || !a->sin_addr.s_addr)
		return ENETUNREACH;
	ip_addr_set_ip4_u32(ip, a->sin_addr.s_addr);
	*port = ntohs(a->sin_port);
	nif = ip4_route(ip_2_ip4(ip));
	if (!nif || ip4_addr_isany_val(*netif_ip4_addr(nif)))
		return ENETUNREACH;
	return 0;
}

static int wc_tcp(void *ctx, struct xsock *s, const struct sockaddr_storage *to)
{
	struct wc_conn *c;
	struct tcp_pcb *pcb;
	ip_addr_t ip;
	u16_t port;
	err_t e;
	int rc;

	(void)ctx;
	if (!wc.on)
		return -ENETDOWN;
	if ((rc = wan_addr(to, &ip, &port)))
		return -rc;
	if (!(pcb = tcp_new()))
		return -ENOBUFS;
	if (!(c = conn_new(s))) {
		tcp_abort(pcb);
		return -ENOMEM;
	}
	buf_init(&c->rx, CAP_WAN_RXBUF);
	c->tpcb = pcb;
	c->interest = EV_WRITE;
	/* never the pcb lwIP takes back for an attacker's SYN */
	tcp_setprio(pcb, TCP_PRIO_MAX);
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, 2);
	e = tcp_connect(pcb, &ip, port, on_connected);
	if (e != ERR_OK) {
		tcp_detach(pcb);
		tcp_abort(pcb);
		conn_free(c);
		s->h = NULL;
		return e == ERR_RTE ? -ENETUNREACH : e == ERR_USE ? -EADDRINUSE : -ENOBUFS;
	}
	return 0;
}

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		   u16_t port)
{
	struct wc_conn *c = arg;
	struct wc_dgram *d;

	(void)pcb;
	if (c->dn < WC_DGRAMS) { /* a full queue drops, as a socket's buffer does */
		d = &c->dq[(c->dhead + c->dn++) % WC_DGRAMS];
		d->ip = ip4_addr_get_u32(ip_2_ip4(addr));
		d->port = port;
		d->n = pbuf_copy_partial(p, d->b, sizeof d->b, 0);
		kick(c);
	}
	pbuf_free(p);
}

static int wc_udp(void *ctx, struct xsock *s)
{
	struct wc_conn *c;
	struct udp_pcb *pcb;
	int i;

	(void)ctx;
	if (!wc.on)
		return -ENETDOWN;
	if (!(pcb = udp_new()))
		return -ENOBUFS;
	if (!(c = conn_new(s)) || !(c->dq = calloc(WC_DGRAMS, sizeof(*c->dq)))) {
		if (c) {
			conn_free(c);
			s->h = NULL;
		}
		udp_remove(pcb);
		return -ENOMEM;
	}
	c->upcb = pcb;
	c->interest = EV_READ;
	/* a random source port, as the kernel's */
	for (i = 0; i < 8; i++) {
		uint16_t port;

		sys_random(&port, sizeof port);
		port = (uint16_t)(1024 + port % (65536 - 1024));
		if (udp_bind(pcb, IP4_ADDR_ANY, port) == ERR_OK)
			break;
	}
	if (i == 8 && udp_bind(pcb, IP4_ADDR_ANY, 0) != ERR_OK) {
		udp_remove(pcb);
		conn_free(c);
		s->h = NULL;
		return -EADDRINUSE;
	}
	udp_recv(pcb, on_udp, c);
	return 0;
}

static ssize_t wc_send(struct xsock *s, const void *p, size_t n)
{
	struct wc_conn *c = s->h;

	if (c->err || !c->tpcb) {
		errno = c->err ? c->err : EPIPE;
		return -1;
	}
	if (!c->connected) {
		errno = EAGAIN;
		return -1;
	}
	return lwport_send(c->tpcb, p, n);
}

static ssize_t wc_recv(struct xsock *s, void *p, size_t n)
{
	struct wc_conn *c = s->h;

	if (c->rx.len)
		return (ssize_t)lwport_read(&c->rx, c->tpcb, p, n);
	if (c->err) {
		errno = c->err;
		return -1;
	}
	if (c->eof)
		return 0;
	errno = c->tpcb ? EAGAIN : ECONNRESET;
	return -1;
}

static ssize_t wc_sendto(struct xsock *s, const void *p, size_t n,
			 const struct sockaddr_storage *to)
{
	struct wc_conn *c = s->h;
	struct pbuf *pb;
	ip_addr_t ip;
	u16_t port;
	err_t e;
	int rc;

	if (!c->upcb) {
		errno = ENOTSOCK;
		return -1;
	}
	if ((rc = wan_addr(to, &ip, &port))) {
		errno = rc;
		return -1;
	}
	if (n > WC_DGRAM_MAX || !(pb = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM))) {
		errno = n > WC_DGRAM_MAX ? EMSGSIZE : ENOBUFS;
		return -1;
	}
	pbuf_take(pb, p, (u16_t)n);
	e = udp_sendto(c->upcb, pb, &ip, port);
	pbuf_free(pb);
	if (e != ERR_OK) {
		errno = e == ERR_RTE ? ENETUNREACH : ENOBUFS;
		return -1;
	}
	return (ssize_t)n;
}

static ssize_t wc_recvfrom(struct xsock *s, void *p, size_t n, struct sockaddr_storage *from)
{
	struct wc_conn *c = s->h;
	struct sockaddr_in *a = (struct sockaddr_in *)from;
	struct wc_dgram *d;

	if (!c->dn) {
		errno = EAGAIN;
		return -1;
	}
	d = &c->dq[c->dhead];
	c->dhead = (c->dhead + 1) % WC_DGRAMS;
	c->dn--;
	if (n > d->n)
		n = d->n;
	memcpy(p, d->b, n);
	memset(from, 0, sizeof(*from));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = d->ip;
	a->sin_port = htons(d->port);
	return (ssize_t)n;
}

static int wc_error(struct xsock *s)
{
	return ((struct wc_conn *)s->h)->err;
}

static int wc_want(struct xsock *s, unsigned events)
{
	struct wc_conn *c = s->h;

	c->interest = events;
	kick(c);
	return 0;
}

static void wc_close(struct xsock *s)
{
	struct wc_conn *c = s->h;

	if (c->tpcb) {
		tcp_detach(c->tpcb);
		/* a FIN, or a RST when input was left unread */
		if (c->rx.len || tcp_close(c->tpcb) != ERR_OK)
			tcp_abort(c->tpcb);
	}
	if (c->upcb)
		udp_remove(c->upcb);
	conn_free(c);
}

/* ---------- lookups: lwIP's resolver ---------- */

static void on_found(const char *name, const ip_addr_t *ip, void *arg)
{
	struct wc_lookup *k = arg;

	(void)name;
	k->pending = false;
	if (!k->owner)
		return; /* cancelled: the slot is free now */
	k->err = ip ? 0 : -ENOENT;
	if (ip) {
		uint32_t a = ip4_addr_get_u32(ip_2_ip4(ip));

		memcpy(k->addr, &a, 4);
	}
	k->done = true;
	wc.lk_kick = true;
	arm();
}

static int wc_resolve(void *ctx, struct xres *r, const char *name)
{
	struct wc_lookup *k = NULL;
	ip_addr_t ip;
	unsigned i;
	err_t e;

	(void)ctx;
	if (!wc.on)
		return -ENETDOWN;
	for (i = 0; i < WC_LOOKUPS && !k; i++)
		if (!wc.lk[i].owner && !wc.lk[i].pending)
			k = &wc.lk[i];
	if (!k)
		return -EBUSY;
	if (wc.dns && ip_addr_isany_val(*dns_getserver(0))) {
		ip_addr_t a;

		ip_addr_set_ip4_u32(&a, wc.dns);
		dns_setserver(0, &a);
	}
	memset(k, 0, sizeof(*k));
	e = dns_gethostbyname(name, &ip, on_found, k);
	if (e == ERR_INPROGRESS) {
		k->pending = true;
	} else if (e == ERR_OK) {
		/* cached: told from the loop all the same */
		uint32_t a = ip4_addr_get_u32(ip_2_ip4(&ip));

		memcpy(k->addr, &a, 4);
		k->done = true;
		wc.lk_kick = true;
		arm();
	} else {
		/* no server yet (ERR_VAL), a bad name (ERR_ARG), lwIP's table full */
		return e == ERR_VAL ? -ENETUNREACH : e == ERR_ARG ? -EINVAL : -EBUSY;
	}
	k->owner = r;
	r->h = k;
	return 0;
}

static void wc_cancel(struct xres *r)
{
	struct wc_lookup *k = r->h;

	k->owner = NULL;
	k->done = false;
}

static const struct xnet_ops wc_ops = {
    .tcp = wc_tcp,
    .udp = wc_udp,
    .send = wc_send,
    .recv = wc_recv,
    .sendto = wc_sendto,
    .recvfrom = wc_recvfrom,
    .error = wc_error,
    .want = wc_want,
    .close = wc_close,
    .resolve = wc_resolve,
    .cancel = wc_cancel,
};

struct xnet *wan_client_start(struct ev_loop *l, const struct sockaddr_storage *dns)
{
	const struct sockaddr_in *a = (const struct sockaddr_in *)dns;

	memset(&wc, 0, sizeof wc);
	if (dns && dns->ss_family == AF_INET && ntohs(a->sin_port) == 53 &&
	    (ntohl(a->sin_addr.s_addr) >> 24) != 127)
		wc.dns = a->sin_addr.s_addr;
	wc.loop = l;
	wc.t_kick.cb = on_kick;
	wc.xn.ops = &wc_ops;
	wc.on = true;
	return &wc.xn;
}

void wan_client_stop(void)
{
	struct wc_conn *c;
	unsigned i;

	if (!wc.on)
		return;
	/* the owners close later: their connections only lose the pcb */
	for (c = wc.conns; c; c = c->next) {
		if (c->tpcb) {
			tcp_detach(c->tpcb);
			tcp_abort(c->tpcb);
			c->tpcb = NULL;
		}
		if (c->upcb) {
			udp_remove(c->upcb);
			c->upcb = NULL;
		}
		c->err = ENETDOWN;
		c->kick = false;
	}
	for (i = 0; i < WC_LOOKUPS; i++)
		wc.lk[i].done = false;
	ev_timer_stop(wc.loop, &wc.t_kick);
	wc.on = false;
}

#endif
