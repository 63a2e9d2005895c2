/* xsock.h — the transport below the decoy's own outgoing connections: the
 * fetcher's downloads (TCP, TFTP's UDP) and its DNS, the uplink's TLS.
 *
 * Either the kernel's sockets (net NULL: `make run`, the PC, a router
 * whose owner keeps the WAN port) or another stack behind struct xnet:
 * the WAN side on lwIP (net/wan_client.c), whose port the kernel has no
 * address on. The caller sees socket semantics either way: non-blocking,
 * -1 with errno EAGAIN when it would block, recv 0 at the peer's FIN, a
 * connect's failure as SO_ERROR gives it (ECONNREFUSED, ETIMEDOUT,
 * ENETUNREACH, ...), readiness reported from the loop (never inside one of
 * these calls), level-triggered as epoll's.
 *
 * An xsock is embedded in its owner (like an ev_io); xsock_init before
 * the first use, xsock_close when done (safe when closed).
 */
#ifndef TANUKI_XSOCK_H
#define TANUKI_XSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ev/ev.h"

struct xsock;
struct xres;

struct xsock {
	struct ev_io io;  /* the kernel's socket (fd -1: none) */
	struct xnet *net; /* the stack it is open on, NULL: the kernel */
	void *h;	  /* that stack's connection, NULL: none */
	struct ev_loop *loop;
	void (*cb)(struct xsock *s, unsigned revents);
};

/* A name lookup (IPv4 on the other stack), embedded in its owner. cb runs
 * from the loop, once, unless xres_cancel ran first; err 0 (addr: 4 bytes,
 * network order), -ENOENT, -ETIMEDOUT or another -errno. */
struct xres {
	struct xnet *net;
	void *h; /* the stack's pending lookup, NULL: none */
	void (*cb)(struct xres *r, int err, const uint8_t addr[4]);
};

/* Another stack. Its connections call s->cb from the loop. */
struct xnet_ops {
	int (*tcp)(void *ctx, struct xsock *s, const struct sockaddr_storage *to);
	int (*udp)(void *ctx, struct xsock *s);
	ssize_t (*send)(struct xsock *s, const void *p, size_t n);
	ssize_t (*recv)(struct xsock *s, void *p, size_t n);
	ssize_t (*sendto)(struct xsock *s, const void *p, size_t n,
			  const struct sockaddr_storage *to);
	ssize_t (*recvfrom)(struct xsock *s, void *p, size_t n, struct sockaddr_storage *from);
	int (*error)(struct xsock *s);
	int (*want)(struct xsock *s, unsigned events);
	void (*close)(struct xsock *s);
	int (*resolve)(void *ctx, struct xres *r, const char *name);
	void (*cancel)(struct xres *r);
};

struct xnet {
	const struct xnet_ops *ops;
	void *ctx;
};

void xsock_init(struct xsock *s);
static inline bool xsock_open(const struct xsock *s)
{
	return s->io.fd >= 0 || s->h;
}
/* A non-blocking TCP connect to `to` on net (NULL: the kernel's); cb gets
 * EV_WRITE when it is made or failed (xsock_error tells). 0 or -errno. */
int xsock_tcp(struct xsock *s, struct ev_loop *l, struct xnet *net,
	      const struct sockaddr_storage *to, socklen_t len,
	      void (*cb)(struct xsock *s, unsigned revents));
/* An unconnected UDP socket of `family` on a random port; EV_READ wanted. */
int xsock_udp(struct xsock *s, struct ev_loop *l, struct xnet *net, int family,
	      void (*cb)(struct xsock *s, unsigned revents));
ssize_t xsock_send(struct xsock *s, const void *p, size_t n);
ssize_t xsock_recv(struct xsock *s, void *p, size_t n);
ssize_t xsock_sendto(struct xsock *s, const void *p, size_t n, const struct sockaddr_storage *to,
		     socklen_t len);
ssize_t xsock_recvfrom(struct xsock *s, void *p, size_t n, struct sockaddr_storage *from);
/* The connect's outcome, as SO_ERROR: 0 or a positive errno. */
int xsock_error(struct xsock *s);
/* What cb is wanted for (EV_READ | EV_WRITE; 0: nothing). 0 or -errno. */
int xsock_want(struct xsock *s, unsigned events);
void xsock_close(struct xsock *s);

/* Starts a lookup of name on net (which must not be NULL: the kernel's
 * path is fetch/dns.h). 0 (cb will run) or -errno (it will not). */
int xres_start(struct xres *r, struct xnet *net, const char *name,
	       void (*cb)(struct xres *r, int err, const uint8_t addr[4]));
/* Forgets a lookup (cb will not run). Safe on an idle one. */
void xres_cancel(struct xres *r);

#endif
