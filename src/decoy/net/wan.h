/* wan.h — the WAN side on lwIP (issue 17): a raw interface (AF_PACKET on a
 * named interface, or a TAP device) driven by lwIP inside the one event
 * loop, and the daemon's listeners served on it. Its connections are
 * sessions over a transport (session.h's sess_transport): the engines do
 * not know which stack they talk through.
 *
 * Built only with TANUKI_LWIP (the Makefile's LWIP=1, the default); without
 * it a `config wan` section is refused at start.
 */
#ifndef TANUKI_WAN_H
#define TANUKI_WAN_H

#include <stddef.h>

struct net;
struct persona;
struct wan_cfg;

/* Timers the WAN side keeps in the loop (lwIP's, the readiness kick, the
 * scan summary). */
#define WAN_TIMERS 3

/* Opens the interface and starts lwIP when c is enabled (`config wan`),
 * after n's listeners are open: each is served on the WAN stack too, the
 * persona's other open ports (`list ports`) get the first-bytes catch-all,
 * every other port is closed; the WAN side hangs off n->wan. p (the
 * unit's persona, may be NULL) also names the DHCP client's host. c and p
 * outlive it. Returns 0, or -1 with the one-line message in err. */
int wan_init(struct net *n, const struct wan_cfg *c, const struct persona *p, char *err,
	     size_t errlen);
/* After every session ended: stops lwIP, closes the interface. */
void wan_done(struct net *n);

#endif
