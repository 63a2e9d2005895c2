/* wan_ppp.h — `proto pppoe` (docs/wan.md): lwIP's PPPoE client on the WAN
 * port, as a residential line has it. Discovery (PADI/PADO/PADR/PADS),
 * LCP with echo keepalive, PAP or CHAP-MD5 with the configured account,
 * IPCP for the address and the peer's DNS servers; all inside lwIP, driven
 * by the decoy's one loop through lwIP's timers (net/lwip_port.c). A lost
 * link (PADT, LCP terminate, unanswered echoes, failed login, no answer to
 * discovery) is logged and redialled with a doubling delay (bounds.h).
 *
 * Built only with TANUKI_PPP (the Makefile's PPPOE=1, the default).
 */
#ifndef TANUKI_WAN_PPP_H
#define TANUKI_WAN_PPP_H

#if TANUKI_LWIP && TANUKI_PPP

struct evlog;
struct lwport;
struct wan_cfg;
struct wan_ppp;

/* Starts dialling on port's Ethernet netif: the PPP link becomes port's
 * ipif (its address), and port->on_addr is called when the link comes up
 * or goes down. Events (tanuki.wan.ppp) go to log (NULL: none). c and log
 * outlive it.
 * Returns NULL when lwIP's PPP pools or memory are exhausted. */
struct wan_ppp *wan_ppp_start(struct lwport *port, const struct wan_cfg *c, struct evlog *log);
/* Hangs up (a PADT to the concentrator if a session is up) and frees the
 * link; before lwport_done. */
void wan_ppp_stop(struct wan_ppp *pp);

#endif

#endif
