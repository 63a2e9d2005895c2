/* xsock.c — outgoing sockets on the kernel or another stack (xsock.h). */
#include "xsock/xsock.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void xsock_init(struct xsock *s)
{
	memset(s, 0, sizeof(*s));
	s->io.fd = -1;
}

static void on_io(struct ev_loop *l, struct ev_io *io, unsigned rev)
{
	struct xsock *s = container_of(io, struct xsock, io);

	(void)l;
	s->cb(s, rev);
}

static int k_open(struct xsock *s, struct ev_loop *l, int family, int type,
		  void (*cb)(struct xsock *s, unsigned revents))
{
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	s->io.fd = fd;
	s->io.events = 0;
	s->io.cb = on_io;
	s->loop = l;
	s->cb = cb;
	return 0;
}

int xsock_tcp(struct xsock *s, struct ev_loop *l, struct xnet *net,
	      const struct sockaddr_storage *to, socklen_t len,
	      void (*cb)(struct xsock *s, unsigned revents))
{
	int rc;

	xsock_close(s);
	if (net) {
		s->net = net;
		s->loop = l;
		s->cb = cb;
		rc = net->ops->tcp(net->ctx, s, to);
		if (rc)
			s->h = NULL;
		return rc;
	}
	if ((rc = k_open(s, l, to->ss_family, SOCK_STREAM, cb)))
		return rc;
	if (connect(s->io.fd, (const struct sockaddr *)to, len) && errno != EINPROGRESS) {
		rc = -errno;
		xsock_close(s);
		return rc;
	}
	if (ev_io_set(l, &s->io, EV_WRITE)) {
		xsock_close(s);
		return -ENOSPC;
	}
	return 0;
}

int xsock_udp(struct xsock *s, struct ev_loop *l, struct xnet *net, int family,
	      void (*cb)(struct xsock *s, unsigned revents))
{
	int rc;

	xsock_close(s);
	if (net) {
		s->net = net;
		s->loop = l;
		s->cb = cb;
		if (family != AF_INET)
			return -EAFNOSUPPORT; /* the WAN stack is IPv4 */
		rc = net->ops->udp(net->ctx, s);
		if (rc)
			s->h = NULL;
		return rc;
	}
	if ((rc = k_open(s, l, family, SOCK_DGRAM, cb)))
		return rc;
	if (ev_io_set(l, &s->io, EV_READ)) {
		xsock_close(s);
		return -ENOSPC;
	}
	return 0;
}

ssize_t xsock_send(struct xsock *s, const void *p, size_t n)
{
	if (s->h)
		return s->net->ops->send(s, p, n);
	return send(s->io.fd, p, n, MSG_NOSIGNAL);
}

ssize_t xsock_recv(struct xsock *s, void *p, size_t n)
{
	if (s->h)
		return s->net->ops->recv(s, p, n);
	return recv(s->io.fd, p, n, 0);
}

ssize_t xsock_sendto(struct xsock *s, const void *p, size_t n, const struct sockaddr_storage *to,
		     socklen_t len)
{
	if (s->h)
		return s->net->ops->sendto(s, p, n, to);
	return sendto(s->io.fd, p, n, 0, (const struct sockaddr *)to, len);
}

ssize_t xsock_recvfrom(struct xsock *s, void *p, size_t n, struct sockaddr_storage *from)
{
	socklen_t flen = sizeof(*from);

	if (s->h)
		return s->net->ops->recvfrom(s, p, n, from);
	return recvfrom(s->io.fd, p, n, 0, (struct sockaddr *)from, &flen);
}

int xsock_error(struct xsock *s)
{
	int e = 0;
	socklen_t n = sizeof e;

	if (s->h)
		return s->net->ops->error(s);
	if (s->io.fd < 0)
		return EBADF;
	if (getsockopt(s->io.fd, SOL_SOCKET, SO_ERROR, &e, &n))
		return errno;
	return e;
}

int xsock_want(struct xsock *s, unsigned events)
{
	if (s->h)
		return s->net->ops->want(s, events);
	if (s->io.fd < 0)
		return -EBADF;
	return ev_io_set(s->loop, &s->io, events);
}

void xsock_close(struct xsock *s)
{
	if (s->h) {
		s->net->ops->close(s);
		s->h = NULL;
	}
	if (s->io.fd >= 0) {
		ev_io_set(s->loop, &s->io, 0);
		close(s->io.fd);
		s->io.fd = -1;
	}
}

int xres_start(struct xres *r, struct xnet *net, const char *name,
	       void (*cb)(struct xres *r, int err, const uint8_t addr[4]))
{
	xres_cancel(r);
	if (!net)
		return -EINVAL;
	r->net = net;
	r->cb = cb;
	return net->ops->resolve(net->ctx, r, name);
}

void xres_cancel(struct xres *r)
{
	if (r->h) {
		r->net->ops->cancel(r);
		r->h = NULL;
	}
}
