/* lwip_port.h — lwIP (NO_SYS) inside the decoy: one Ethernet netif whose
 * frames come from and go to a raw interface the caller owns (net/wan.c:
 * AF_PACKET or TAP; the fuzz target: a buffer), and lwIP's timers.
 *
 * There is one WAN stack per process (lwIP keeps global state): lwport_init
 * twice without lwport_done in between fails. Nothing here knows about
 * sessions or the daemon.
 */
#ifndef TANUKI_LWIP_PORT_H
#define TANUKI_LWIP_PORT_H

#if TANUKI_LWIP

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lwip/netif.h"
#include "net/scan.h"
#include "net/wan_fp.h"

struct lwport {
	struct netif nif;
	/* The netif that holds the WAN address: nif, or the PPP link over it
	 * (net/wan_ppp.c) */
	struct netif *ipif;
	/* A frame lwIP sends. Returns 0 or a negative errno (the frame is
	 * dropped, as a full NIC queue drops). */
	int (*tx)(void *arg, const uint8_t *frame, size_t n);
	void *arg;
	/* The address changed (static set up, DHCP lease, lease lost, PPP
	 * link up or down). */
	void (*on_addr)(void *arg);
	char hostname[33];	 /* DHCP option 12 */
	struct scan_table *scan; /* optional: SYNs to our address are counted here */
	/* the persona kernel's fingerprint (net/wan_fp.h); set before
	 * lwport_init, off (lwIP's own) when left zero */
	struct wan_fp fp;
	bool dhcp;
	uint64_t rx_frames, rx_dropped, tx_frames, tx_failed;
};

/* Brings up lwIP and the netif (link up, no address yet). mac: the
 * interface's own address. Returns 0 or -errno. */
int lwport_init(struct lwport *w, const uint8_t mac[6], uint16_t mtu);
/* A static address (network byte order). */
void lwport_static(struct lwport *w, uint32_t ip, uint32_t mask, uint32_t gw);
/* Starts lwIP's DHCP client. Returns 0 or -ENOMEM. */
int lwport_dhcp(struct lwport *w);
/* One frame from the wire (attacker input: any bytes, any length): the
 * scan count sees it first, then lwIP. */
void lwport_input(struct lwport *w, const uint8_t *frame, size_t n);
/* Runs lwIP's due timers; returns the ms until the next one (capped). */
uint32_t lwport_timers(struct lwport *w);
/* The WAN address now (ipif's; network byte order, 0 without one). */
uint32_t lwport_addr(const struct lwport *w);
/* lwIP's DNS servers (from DHCP or PPP; network byte order, 0: none). */
uint32_t lwport_dns(const struct lwport *w, unsigned i);
/* Aborts every connection and takes the netif down. */
void lwport_done(struct lwport *w);

/* Socket semantics on a TCP pcb, for the sessions' transport (net/wan.c)
 * and the decoy's own connections (net/wan_client.c). */
struct buf;
struct tcp_pcb;
struct pbuf;
/* Room to queue output: a send buffer and a segment slot left. */
bool lwport_can_send(struct tcp_pcb *pcb);
/* send(): up to what the send buffer takes; -1 with EAGAIN when full (or
 * lwIP's heap is: wait for ACKs or the poll), EPIPE on any other error. */
ssize_t lwport_send(struct tcp_pcb *pcb, const void *p, size_t n);
/* A received pbuf into rx, at most CAP_WAN_RXBUF held: ERR_OK (p freed)
 * or ERR_MEM (rx unchanged: lwIP keeps p and offers it again). */
err_t lwport_take(struct buf *rx, struct pbuf *p);
/* recv() from rx when it holds bytes (returns 0 when empty): the window
 * opens by what the owner read, so a slow owner pushes back. */
size_t lwport_read(struct buf *rx, struct tcp_pcb *pcb, void *p, size_t n);

#endif /* TANUKI_LWIP */

#endif
