/* wan_hooks.h — lwIP hooks of the decoy (included by lwIP's tcp_in.c and
 * ip4.c through LWIP_HOOK_FILENAME; defined in net/lwip_port.c). */
#ifndef TANUKI_WAN_HOOKS_H
#define TANUKI_WAN_HOOKS_H

struct tcp_pcb;
struct tcp_pcb_listen;
struct tcp_hdr;
struct pbuf;

/* A segment about to reach pcb (a listener for a SYN): returns ERR_OK to
 * let it in, or an error to drop it (the per-source half-open cap). */
signed char tanuki_lwip_tcp_in(struct tcp_pcb *pcb, struct tcp_hdr *hdr, unsigned short optlen,
			       unsigned short opt1len, unsigned char *opt2, struct pbuf *p);
/* A new connection's initial sequence number: random. */
unsigned int tanuki_lwip_isn(void);
/* SYN cookies (net/syncookie.c, package/lwip/0004-*.patch): a SYN with no
 * room is answered with a cookie; an ACK with no pcb but a listener may
 * carry one (returns the new pcb, or NULL). */
void tanuki_cookie_syn(struct tcp_pcb_listen *lpcb, struct tcp_hdr *hdr, unsigned short optlen,
		       unsigned short opt1len, unsigned char *opt2);
struct tcp_pcb *tanuki_cookie_ack(struct tcp_pcb_listen *lpcb, struct tcp_hdr *hdr);

#endif
