/* wan_client.h — the decoy's own outgoing connections on the WAN stack
 * (issue 17): the fetcher's downloads (TCP, TFTP's UDP) and its DNS
 * (lwIP's resolver, fed by DHCP or PPP), the uplink's TLS. An xnet
 * (xsock/xsock.h) over lwIP's raw API: active open by tcp_connect,
 * socket semantics above it, readiness from the one loop.
 *
 * There is one WAN stack per process (lwIP's state is global), so one
 * client side: start it after wan_init() brought lwIP up, stop it before
 * wan_done() takes lwIP down. Without TANUKI_LWIP start returns NULL.
 */
#ifndef TANUKI_WAN_CLIENT_H
#define TANUKI_WAN_CLIENT_H

struct ev_loop;
struct sockaddr_storage;
struct xnet;

/* The WAN stack as an xnet for the fetcher and the uplink, or NULL. dns
 * (may be NULL): the resolver lwIP asks while DHCP or PPP gave it none
 * (`proto static`), when it is IPv4, not loopback, on port 53. */
struct xnet *wan_client_start(struct ev_loop *l, const struct sockaddr_storage *dns);
/* Aborts what is still open (the owners' later closes only free). */
void wan_client_stop(void);
/* Tells the owners what is ready now: lookups answered, connections
 * readable or writable. The loop does it by a timer; the fuzz target
 * (tests/fuzz/fuzz_wanclient.c) calls it directly. */
void wan_client_run(void);

#endif
