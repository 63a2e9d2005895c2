/* wan.c — the WAN side on lwIP: interface, listeners, transport (wan.h). */
#include "net/wan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "evlog/evlog.h"
#include "net/net.h"
#include "net/session.h"
#include "persona/persona.h"
#include "store/store.h"

#if !TANUKI_LWIP

int wan_init(struct net *n, const struct wan_cfg *c, const struct persona *p, char *err,
	     size_t errlen)
{
	(void)p;
	if (!c->enabled)
		return 0;
	snprintf(err, errlen, "%s:%d: config wan: this tanuki was built without lwIP (LWIP=0)",
		 n->o.cfgpath, c->line);
	return -1;
}

void wan_done(struct net *n)
{
	(void)n;
}

#else

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>

#include "lwip/ip4_addr.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "net/lwip_port.h"
#include "net/syncookie.h"
#include "net/wan_ppp.h"
#include "sys/sys.h"

struct wan;

/* One TCP connection on the WAN stack, below one session. */
struct wan_conn {
	struct wan *w;
	struct wan_conn *prev, *next;
	struct tcp_pcb *pcb; /* NULL once lwIP freed it (RST, abort) */
	struct session *s;
	struct buf rx;	   /* received, not yet taken by the session */
	unsigned interest; /* EV_READ | EV_WRITE the session waits for */
	bool eof;	   /* the peer's FIN arrived */
	bool kick;	   /* readiness to report from the loop */
};

struct wan_lst {
	struct wan *w;
	struct listener *l; /* NULL: the first-bytes catch-all of a persona port */
	uint16_t port;
	struct tcp_pcb *pcb;
};

/* One connection to a persona port without a door: its first bytes are
 * kept and logged, then it is closed (docs/wan.md, "The device's ports"). */
struct wan_catch {
	struct wan *w;
	struct wan_catch *prev, *next;
	struct tcp_pcb *pcb;
	uint32_t start_ms, last_ms;
	uint64_t bytes; /* all that arrived; the first CAP_WAN_CATCH_BYTES kept */
	size_t n;
	uint8_t b[CAP_WAN_CATCH_BYTES];
};

struct wan {
	struct net *n;
	const struct wan_cfg *cfg;
	struct lwport port;
	struct ev_io io;	     /* the raw socket or TAP */
	struct ev_timer t_lwip;	     /* lwIP's timeouts */
	struct ev_timer t_kick;	     /* readiness of connections, level-triggered */
	struct ev_timer t_scan;	     /* the scan summary's period */
	struct scan_table scan;	     /* SYNs of this period (net/scan.h) */
	struct scan_totals scan_tot; /* … and since start, for the status */
	struct wan_lst lst[CAP_LISTENERS + CAP_PERSONA_PORTS];
	size_t nlst;
	struct wan_conn *conns;
	struct wan_catch *catches;
	unsigned ncatches;
	uint32_t addr_logged;
#if TANUKI_PPP
	struct wan_ppp *ppp; /* proto pppoe (net/wan_ppp.c) */
#endif
	uint64_t accepted, refused;
};

/* ---------- the transport below a session ---------- */

static bool can_send(const struct wan_conn *c)
{
	return lwport_can_send(c->pcb);
}

static unsigned ready(const struct wan_conn *c)
{
	unsigned r = 0;

	if (c->rx.len || c->eof || !c->pcb)
		r |= EV_READ;
	if (can_send(c) || !c->pcb)
		r |= EV_WRITE;
	return r & c->interest;
}

/* Reports readiness from the loop (not from inside the session's calls). */
static void kick(struct wan_conn *c)
{
	c->kick = true;
	if (!ev_timer_armed(&c->w->t_kick))
		ev_timer_in(c->w->n->loop, &c->w->t_kick, 0);
}

/* From inside lwIP's callbacks: tell the session now. */
static void notify(struct wan_conn *c, unsigned ev)
{
	if (c->s && !c->s->closing && (c->interest & ev))
		sess_io(c->s, c->interest & ev);
}

static ssize_t tp_send(void *ctx, const void *p, size_t n)
{
	struct wan_conn *c = ctx;

	if (!c->pcb) {
		errno = ECONNRESET;
		return -1;
	}
	return lwport_send(c->pcb, p, n);
}

static ssize_t tp_recv(void *ctx, void *p, size_t n)
{
	struct wan_conn *c = ctx;

	if (c->rx.len)
		return (ssize_t)lwport_read(&c->rx, c->pcb, p, n);
	if (!c->pcb) {
		errno = ECONNRESET;
		return -1;
	}
	if (c->eof)
		return 0;
	errno = EAGAIN;
	return -1;
}

static int tp_interest(void *ctx, unsigned events)
{
	struct wan_conn *c = ctx;

	c->interest = events;
	if (ready(c))
		kick(c);
	return 0;
}

static void conn_detach(struct wan_conn *c)
{
	if (!c->pcb)
		return;
	tcp_arg(c->pcb, NULL);
	tcp_recv(c->pcb, NULL);
	tcp_sent(c->pcb, NULL);
	tcp_err(c->pcb, NULL);
	tcp_poll(c->pcb, NULL, 0);
}

static void conn_free(struct wan_conn *c)
{
	struct wan *w = c->w;

	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	buf_free(&c->rx);
	free(c);
}

static void tp_close(void *ctx)
{
	struct wan_conn *c = ctx;

	if (c->pcb) {
		conn_detach(c);
		/* a FIN, or a RST when input was left unread (as Linux does) */
		if (tcp_close(c->pcb) != ERR_OK)
			tcp_abort(c->pcb);
		c->pcb = NULL;
	}
	conn_free(c);
}

static const struct sess_transport wan_tp = {
    .send = tp_send,
    .recv = tp_recv,
    .interest = tp_interest,
    .close = tp_close,
};

/* ---------- lwIP's callbacks ---------- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct wan_conn *c = arg;

	(void)pcb;
	(void)err;
	if (!p) {
		c->eof = true;
		notify(c, EV_READ);
		return ERR_OK;
	}
	if (lwport_take(&c->rx, p) != ERR_OK)
		return ERR_MEM; /* lwIP keeps it and offers it again */
	notify(c, EV_READ);
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct wan_conn *c = arg;

	(void)pcb;
	(void)len;
	notify(c, EV_WRITE);
	return ERR_OK;
}

/* Every second: output that waited on lwIP's heap, input that waited on
 * the session. */
static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	struct wan_conn *c = arg;

	(void)pcb;
	if (ready(c))
		kick(c);
	return ERR_OK;
}

/* lwIP freed the pcb (RST from the peer, retransmissions ran out). */
static void on_err(void *arg, err_t err)
{
	struct wan_conn *c = arg;

	(void)err;
	if (!c)
		return;
	c->pcb = NULL;
	notify(c, EV_READ | EV_WRITE);
}

static void sa_of(struct sockaddr_storage *ss, const ip_addr_t *ip, u16_t port)
{
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(ip));
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct wan_lst *wl = arg;
	struct wan *w = wl->w;
	struct net *n = w->n;
	struct sockaddr_storage peer, local;
	struct wan_conn *c;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	if (n->nsessions >= n->o.max_sessions || !(c = calloc(1, sizeof(*c)))) {
		w->refused++;
		tcp_abort(pcb); /* a RST, as a full accept queue would give */
		return ERR_ABRT;
	}
	c->w = w;
	c->pcb = pcb;
	buf_init(&c->rx, CAP_WAN_RXBUF);
	c->next = w->conns;
	if (w->conns)
		w->conns->prev = c;
	w->conns = c;
	/* an established session is never the pcb lwIP takes for a new SYN */
	tcp_setprio(pcb, TCP_PRIO_MAX);
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, 2);
	sa_of(&peer, &pcb->remote_ip, pcb->remote_port);
	sa_of(&local, &pcb->local_ip, pcb->local_port);
	c->s = sess_accept_tp(n, wl->l, &wan_tp, c, &peer, &local);
	if (!c->s) {
		/* refused at a cap (logged by the session layer) */
		w->refused++;
		conn_detach(c);
		c->pcb = NULL;
		conn_free(c);
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	w->accepted++;
	return ERR_OK;
}

/* ---------- the first-bytes catch-all ---------- */

static void catch_end(struct wan_catch *k, const char *why)
{
	struct wan *w = k->w;
	char src[16], dst[16];
	struct json *j;
	uint16_t sport = 0, dport = 0;

	src[0] = dst[0] = '\0';
	if (k->pcb) {
		ip4addr_ntoa_r(ip_2_ip4(&k->pcb->remote_ip), src, sizeof src);
		ip4addr_ntoa_r(ip_2_ip4(&k->pcb->local_ip), dst, sizeof dst);
		sport = k->pcb->remote_port;
		dport = k->pcb->local_port;
		tcp_arg(k->pcb, NULL);
		tcp_recv(k->pcb, NULL);
		tcp_err(k->pcb, NULL);
		tcp_poll(k->pcb, NULL, 0);
		/* a FIN, as a server that read the request and had nothing to say */
		if (tcp_close(k->pcb) != ERR_OK)
			tcp_abort(k->pcb);
		k->pcb = NULL;
	}
	j = evlog_begin(w->n->log, "tanuki.wan.catch", "", src, sport, dst, dport, "tcp");
	json_str(j, "data", (const char *)k->b, k->n);
	json_int(j, "bytes", (int64_t)k->bytes);
	json_int(j, "duration_ms", (int64_t)(uint32_t)(sys_now() - k->start_ms));
	json_cstr(j, "end", why);
	evlog_commit(w->n->log);
	if (k->prev)
		k->prev->next = k->next;
	else
		w->catches = k->next;
	if (k->next)
		k->next->prev = k->prev;
	w->ncatches--;
	free(k);
}

static err_t catch_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct wan_catch *k = arg;
	size_t take;

	(void)err;
	if (!p) {
		catch_end(k, "peer_closed");
		return ERR_OK;
	}
	take = p->tot_len < sizeof k->b - k->n ? p->tot_len : sizeof k->b - k->n;
	k->n += pbuf_copy_partial(p, k->b + k->n, (u16_t)take, 0);
	k->bytes += p->tot_len;
	k->last_ms = sys_now();
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	if (k->n == sizeof k->b)
		catch_end(k, "full");
	return ERR_OK;
}

/* Every half second: quiet after the first bytes, or too long in all. */
static err_t catch_poll(void *arg, struct tcp_pcb *pcb)
{
	struct wan_catch *k = arg;
	uint32_t now = sys_now();

	(void)pcb;
	if (k->n && (uint32_t)(now - k->last_ms) >= CAP_WAN_CATCH_QUIET_MS)
		catch_end(k, "quiet");
	else if ((uint32_t)(now - k->start_ms) >= CAP_WAN_CATCH_MS)
		catch_end(k, "time");
	return ERR_OK;
}

/* lwIP freed the pcb (the peer reset it). */
static void catch_err(void *arg, err_t err)
{
	struct wan_catch *k = arg;

	(void)err;
	if (!k)
		return;
	k->pcb = NULL;
	catch_end(k, "reset");
}

static err_t catch_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct wan_lst *wl = arg;
	struct wan *w = wl->w;
	struct wan_catch *k;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	if (w->ncatches >= CAP_WAN_CATCH_CONNS || !(k = calloc(1, sizeof(*k)))) {
		w->refused++;
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	k->w = w;
	k->pcb = pcb;
	k->start_ms = k->last_ms = sys_now();
	k->next = w->catches;
	if (w->catches)
		w->catches->prev = k;
	w->catches = k;
	w->ncatches++;
	tcp_arg(pcb, k);
	tcp_recv(pcb, catch_recv);
	tcp_err(pcb, catch_err);
	tcp_poll(pcb, catch_poll, 1);
	return ERR_OK;
}

static void on_kick(struct ev_loop *l, struct ev_timer *t)
{
	struct wan *w = container_of(t, struct wan, t_kick);
	struct wan_conn *c;

	(void)l;
	for (c = w->conns; c; c = c->next) {
		unsigned r;

		if (!c->kick)
			continue;
		c->kick = false;
		r = ready(c);
		if (r && c->s && !c->s->closing)
			sess_io(c->s, r);
	}
}

/* ---------- the scan picture ---------- */

static bool port_open(void *arg, uint16_t port)
{
	const struct wan *w = arg;
	size_t i;

	for (i = 0; i < w->nlst; i++)
		if (w->lst[i].port == port)
			return true;
	return false;
}

/* One tanuki.scan event per source of the period (net/scan.h). */
static void scan_report(struct wan *w)
{
	char self[16];

	ip4addr_ntoa_r(netif_ip4_addr(&w->port.nif), self, sizeof self);
	scan_write(&w->scan, &w->scan_tot, w->n->log, self, w->cfg->scan_ms, port_open, w);
}

/* The store's status file: the scan picture since start, and the SYN
 * cookies (net/syncookie.h). */
static void scan_status_cb(void *arg, struct json *j)
{
	const struct syncookie_stats *ck = syncookie_stats();

	scan_status(&((struct wan *)arg)->scan_tot, j);
	json_int(j, "wan_cookies_sent", (int64_t)ck->sent);
	json_int(j, "wan_cookies_accepted", (int64_t)ck->accepted);
	json_int(j, "wan_cookies_bad", (int64_t)ck->bad);
}

static void on_scan_timer(struct ev_loop *l, struct ev_timer *t)
{
	struct wan *w = container_of(t, struct wan, t_scan);

	scan_report(w);
	ev_timer_in(l, t, w->cfg->scan_ms);
}

/* ---------- the interface ---------- */

static void rearm(struct wan *w)
{
	ev_timer_in(w->n->loop, &w->t_lwip, lwport_timers(&w->port));
}

static void on_lwip_timer(struct ev_loop *l, struct ev_timer *t)
{
	(void)l;
	rearm(container_of(t, struct wan, t_lwip));
}

static int tx(void *arg, const uint8_t *frame, size_t n)
{
	struct wan *w = arg;

	/* one frame, one write; a full queue drops it as a NIC would */
	return write(w->io.fd, frame, n) == (ssize_t)n ? 0 : -EIO;
}

static void on_frames(struct ev_loop *l, struct ev_io *io, unsigned rev)
{
	struct wan *w = container_of(io, struct wan, io);
	uint8_t frame[2048];
	int budget = 64; /* frames per turn; sessions and timers get theirs */

	(void)l;
	(void)rev;
	while (budget-- > 0) {
		/* a packet socket says how long a cut frame was; a TAP
		 * reads one frame per read() */
		ssize_t r = w->cfg->tap ? read(io->fd, frame, sizeof frame)
					: recv(io->fd, frame, sizeof frame, MSG_TRUNC);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((size_t)r > sizeof frame) {
			w->port.rx_dropped++; /* longer than any frame of our MTU */
			continue;
		}
		lwport_input(&w->port, frame, (size_t)r);
	}
	rearm(w);
}

/* The DNS servers DHCP or PPP handed out: "dns": ["a.b.c.d", ...]. */
static void wan_log_dns(struct json *j, const struct lwport *port)
{
	char list[2 + 2 * 18];
	size_t n = 0;
	unsigned i;

	list[n++] = '[';
	for (i = 0; i < 2; i++) {
		ip4_addr_t a;
		char ip[16];

		ip4_addr_set_u32(&a, lwport_dns(port, i));
		if (!ip4_addr_get_u32(&a))
			continue;
		ip4addr_ntoa_r(&a, ip, sizeof ip);
		n += (size_t)snprintf(list + n, sizeof list - n, "%s\"%s\"", n > 1 ? "," : "", ip);
	}
	list[n++] = ']';
	json_raw(j, "dns", list, n);
}

static void on_addr(void *arg)
{
	struct wan *w = arg;
	uint32_t a = lwport_addr(&w->port);
	char ip[16], mask[16], gw[16];
	struct json *j;

	if (a == w->addr_logged)
		return;
	w->addr_logged = a;
	ip4addr_ntoa_r(netif_ip4_addr(w->port.ipif), ip, sizeof ip);
	ip4addr_ntoa_r(netif_ip4_netmask(w->port.ipif), mask, sizeof mask);
	ip4addr_ntoa_r(netif_ip4_gw(w->port.ipif), gw, sizeof gw);
	j = evlog_begin(w->n->log, "tanuki.wan.address", "", "", 0, ip, 0, "");
	json_cstr(j, "ifname", w->cfg->ifname);
	json_cstr(j, "proto",
		  w->cfg->proto == WAN_DHCP    ? "dhcp"
		  : w->cfg->proto == WAN_PPPOE ? "pppoe"
					       : "static");
	json_cstr(j, "ipaddr", ip);
	json_cstr(j, "netmask", mask);
	json_cstr(j, "gateway", gw);
	wan_log_dns(j, &w->port);
	evlog_commit(w->n->log);
}

static int open_packet(const char *name, uint8_t mac[6], uint16_t *mtu)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(fd, SIOCGIFINDEX, &ifr))
		goto fail;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll))
		goto fail;
#ifdef PACKET_IGNORE_OUTGOING
	/* our own frames are not input (Linux >= 4.20; older kernels show
	 * them, and lwIP ignores frames from its own address) */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
#else
	(void)one;
#endif
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		goto fail;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFMTU, &ifr))
		goto fail;
	*mtu = ifr.ifr_mtu > 1500 || ifr.ifr_mtu < 576 ? 1500 : (uint16_t)ifr.ifr_mtu;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		goto fail;
	if (!(ifr.ifr_flags & IFF_UP)) {
		close(fd);
		return -ENETDOWN;
	}
	return fd;
fail:
	one = errno;
	close(fd);
	return -one;
}

static int open_tap(const char *name, uint8_t mac[6], uint16_t *mtu)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC), e;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		e = errno;
		close(fd);
		return -e;
	}
	/* the TAP's own address is the kernel side's: lwIP takes another,
	 * locally administered one */
	sys_random(mac, 6);
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
	*mtu = 1500;
	return fd;
}

/* A listening pcb on port: a door (l) or the catch-all (l NULL). 1 when the
 * port already listens (two listeners on one port, other binds: one
 * serves), 0, or -1 when lwIP cannot listen. */
static int wan_listen(struct wan *w, uint16_t port, struct listener *l)
{
	struct wan_lst *wl = &w->lst[w->nlst];
	struct tcp_pcb *pcb;
	size_t i;

	for (i = 0; i < w->nlst; i++)
		if (w->lst[i].port == port)
			return 1;
	if (w->nlst >= sizeof w->lst / sizeof *w->lst || !(pcb = tcp_new()))
		return -1;
	if (tcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
		tcp_abort(pcb);
		return -1;
	}
	wl->w = w;
	wl->l = l;
	wl->port = port;
	wl->pcb = tcp_listen_with_backlog(pcb, CAP_WAN_BACKLOG);
	if (!wl->pcb) {
		tcp_abort(pcb);
		return -1;
	}
	tcp_arg(wl->pcb, wl);
	tcp_accept(wl->pcb, l ? on_accept : catch_accept);
	w->nlst++;
	return 0;
}

int wan_init(struct net *n, const struct wan_cfg *c, const struct persona *p, char *err,
	     size_t errlen)
{
	struct wan *w;
	uint8_t mac[6];
	uint16_t mtu = 1500;
	size_t i;
	int fd, rc;

	if (!c->enabled)
		return 0;
	if (c->proto == WAN_PPPOE && !TANUKI_PPP) {
		snprintf(err, errlen,
			 "%s:%d: config wan: this tanuki was built without PPPoE (PPPOE=0)",
			 n->o.cfgpath, c->line);
		return -1;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "%s:%d: config wan: out of memory", n->o.cfgpath, c->line);
		return -1;
	}
	w->n = n;
	w->cfg = c;
	fd = c->tap ? open_tap(c->ifname, mac, &mtu) : open_packet(c->ifname, mac, &mtu);
	if (fd < 0) {
		snprintf(err, errlen, "%s:%d: config wan: %s %s: %s", n->o.cfgpath, c->line,
			 c->tap ? "cannot create TAP" : "cannot open interface", c->ifname,
			 fd == -ENETDOWN ? "interface is down" : strerror(-fd));
		free(w);
		return -1;
	}
	w->io.fd = fd;
	w->io.cb = on_frames;
	w->t_lwip.cb = on_lwip_timer;
	w->t_kick.cb = on_kick;
	w->t_scan.cb = on_scan_timer;
	w->port.scan = &w->scan;
	w->port.tx = tx;
	w->port.arg = w;
	w->port.on_addr = on_addr;
	if (p && p->hostname)
		snprintf(w->port.hostname, sizeof w->port.hostname, "%s", p->hostname);
	if (p) /* the device kernel's TCP/IP fingerprint (net/wan_fp.h) */
		wan_fp_init(&w->port.fp, &p->tcpip);
	if ((rc = lwport_init(&w->port, mac, mtu))) {
		snprintf(err, errlen, "%s:%d: config wan: lwIP: %s", n->o.cfgpath, c->line,
			 strerror(-rc));
		close(fd);
		free(w);
		return -1;
	}
	n->wan = w;
	/* the doors, then the persona's other open ports (the catch-all);
	 * every other port answers as closed (lwIP's RST) */
	for (i = 0; i < n->nlisteners + (p ? p->nports : 0); i++) {
		bool door = i < n->nlisteners;
		uint16_t port = door ? n->listeners[i].cfg->port : p->ports[i - n->nlisteners];

		if (wan_listen(w, port, door ? &n->listeners[i] : NULL) < 0) {
			snprintf(err, errlen, "%s:%d: config wan: lwIP cannot listen on port %u",
				 n->o.cfgpath, c->line, port);
			wan_done(n);
			return -1;
		}
	}
	if (c->proto == WAN_STATIC)
		lwport_static(&w->port, c->ip, c->mask, c->gw);
#if TANUKI_PPP
	else if (c->proto == WAN_PPPOE) {
		if (!(w->ppp = wan_ppp_start(&w->port, c, n->log))) {
			snprintf(err, errlen, "%s:%d: config wan: PPPoE: out of memory",
				 n->o.cfgpath, c->line);
			wan_done(n);
			return -1;
		}
	}
#endif
	else if (lwport_dhcp(&w->port)) {
		snprintf(err, errlen, "%s:%d: config wan: DHCP client: out of memory", n->o.cfgpath,
			 c->line);
		wan_done(n);
		return -1;
	}
	if ((rc = ev_io_set(n->loop, &w->io, EV_READ))) {
		snprintf(err, errlen, "%s:%d: config wan: %s", n->o.cfgpath, c->line,
			 strerror(-rc));
		wan_done(n);
		return -1;
	}
	rearm(w);
	ev_timer_in(n->loop, &w->t_scan, c->scan_ms);
	n->store->status_extra = scan_status_cb;
	n->store->status_arg = w;
	return 0;
}

void wan_done(struct net *n)
{
	struct wan *w = n->wan;
	size_t i;

	if (!w)
		return;
	n->store->status_extra = NULL;
	/* sessions ended first (daemon_done); what is left has no owner */
	while (w->conns) {
		w->conns->s = NULL;
		tp_close(w->conns);
	}
	while (w->catches)
		catch_end(w->catches, "shutdown");
	for (i = 0; i < w->nlst; i++)
		tcp_close(w->lst[i].pcb);
#if TANUKI_PPP
	wan_ppp_stop(w->ppp);
#endif
	lwport_done(&w->port);
	ev_timer_stop(n->loop, &w->t_lwip);
	ev_timer_stop(n->loop, &w->t_kick);
	ev_timer_stop(n->loop, &w->t_scan);
	ev_io_set(n->loop, &w->io, 0);
	close(w->io.fd);
	free(w);
	n->wan = NULL;
}

#endif
