/* dns.c — asynchronous A/AAAA lookups over UDP (see dns.h). */
#include "fetch/dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "sys/sys.h"

#define DNS_HDR 12
#define DNS_MAX_HOPS 16 /* compression pointers followed in one name */

int dns_server_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *port = NULL, *end;
	unsigned long p = 53;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return -EINVAL;
		n = (size_t)(end - s - 1);
		if (n >= sizeof host)
			return -EINVAL;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -EINVAL;
	} else {
		const char *c = strchr(s, ':');

		if (c && strchr(c + 1, ':')) /* bare IPv6, no port */
			c = NULL;
		n = c ? (size_t)(c - s) : strlen(s);
		if (n >= sizeof host)
			return -EINVAL;
		memcpy(host, s, n);
		host[n] = '\0';
		if (c)
			port = c + 1;
	}
	if (port) {
		if (!*port || strlen(port) > 5)
			return -EINVAL;
		p = 0;
		for (; *port; port++) {
			if (*port < '0' || *port > '9')
				return -EINVAL;
			p = p * 10 + (unsigned long)(*port - '0');
		}
		if (!p || p > 65535)
			return -EINVAL;
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)p);
		*len = sizeof(*a);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)p);
		*len = sizeof(*a);
		return 0;
	}
	return -EINVAL;
}

int dns_build_query(uint8_t *out, size_t cap, uint16_t id, const char *name, uint16_t qtype)
{
	size_t n = strlen(name), o = DNS_HDR, i, start = 0;

	if (n && name[n - 1] == '.')
		n--;
	if (!n || n > DNS_MAX_NAME || cap < DNS_HDR + n + 2 + 4)
		return -1;
	memset(out, 0, DNS_HDR);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[2] = 0x01; /* RD */
	out[5] = 1;    /* QDCOUNT */
	for (i = 0; i <= n; i++) {
		size_t ln;

		if (i < n && name[i] != '.')
			continue;
		ln = i - start;
		if (!ln || ln > 63)
			return -1;
		out[o++] = (uint8_t)ln;
		memcpy(out + o, name + start, ln);
		o += ln;
		start = i + 1;
	}
	out[o++] = 0;
	out[o++] = (uint8_t)(qtype >> 8);
	out[o++] = (uint8_t)qtype;
	out[o++] = 0;
	out[o++] = 1; /* IN */
	return (int)o;
}

/* Reads a (possibly compressed) name at *off into out as dotted text
 * (lower case); *off moves past it in the message. -1 when malformed. */
static int read_name(const uint8_t *m, size_t n, size_t *off, char *out, size_t cap)
{
	size_t o = *off, len = 0;
	unsigned hops = 0;
	bool jumped = false;

	for (;;) {
		uint8_t l;

		if (o >= n)
			return -1;
		l = m[o];
		if ((l & 0xc0) == 0xc0) {
			if (o + 1 >= n || ++hops > DNS_MAX_HOPS)
				return -1;
			if (!jumped)
				*off = o + 2;
			jumped = true;
			o = (size_t)(l & 0x3f) << 8 | m[o + 1];
			continue;
		}
		if (l & 0xc0)
			return -1;
		o++;
		if (!l)
			break;
		if (o + l > n || len + l + 1 >= cap)
			return -1;
		if (len)
			out[len++] = '.';
		for (size_t i = 0; i < l; i++) {
			char c = (char)m[o + i];

			out[len++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		o += l;
	}
	out[len] = '\0';
	if (!jumped)
		*off = o;
	return 0;
}

static bool same_name(const char *got, const char *want)
{
	size_t n = strlen(want), i;

	if (n && want[n - 1] == '.')
		n--;
	if (strlen(got) != n)
		return false;
	for (i = 0; i < n; i++) {
		char c = want[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (got[i] != c)
			return false;
	}
	return true;
}

int dns_parse_response(const uint8_t *m, size_t n, uint16_t id, const char *name, uint16_t qtype,
		       struct dns_result *res, size_t max)
{
	char nm[DNS_MAX_NAME + 2];
	size_t off = DNS_HDR, an, i;
	int count = 0;

	if (n < DNS_HDR)
		return -EPROTO;
	if (((unsigned)m[0] << 8 | m[1]) != id || !(m[2] & 0x80))
		return -ESRCH;
	if ((m[2] & 0x78) || ((unsigned)m[4] << 8 | m[5]) != 1)
		return -EPROTO;
	if (read_name(m, n, &off, nm, sizeof nm) || !same_name(nm, name) || off + 4 > n ||
	    ((unsigned)m[off] << 8 | m[off + 1]) != qtype)
		return -ESRCH;
	off += 4;
	if ((m[3] & 0x0f) == 3)
		return -ENOENT;
	if (m[3] & 0x0f)
		return -EPROTO;
	an = (size_t)m[6] << 8 | m[7];
	for (i = 0; i < an; i++) {
		unsigned type, cls;
		size_t rdlen;

		/* the owner names of a CNAME chain are not compared: the
		 * server answered our question, and the policy judges the
		 * address whatever name led to it */
		if (read_name(m, n, &off, nm, sizeof nm) || off + 10 > n)
			return count ? count : -EPROTO;
		type = (unsigned)m[off] << 8 | m[off + 1];
		cls = (unsigned)m[off + 2] << 8 | m[off + 3];
		rdlen = (size_t)m[off + 8] << 8 | m[off + 9];
		off += 10;
		if (off + rdlen > n)
			return count ? count : -EPROTO;
		if (type == qtype && cls == 1 && (size_t)count < max &&
		    rdlen == (qtype == DNS_TYPE_A ? 4u : 16u)) {
			res[count].family = qtype == DNS_TYPE_A ? AF_INET : AF_INET6;
			memset(res[count].addr, 0, sizeof res[count].addr);
			memcpy(res[count].addr, m + off, rdlen);
			count++;
		}
		off += rdlen;
	}
	return count;
}

/* ---------- the asynchronous part ---------- */

static void q_close(struct dns_q *q)
{
	if (q->io.fd >= 0) {
		ev_io_set(q->loop, &q->io, 0);
		close(q->io.fd);
		q->io.fd = -1;
	}
	ev_timer_stop(q->loop, &q->t);
}

static void q_done(struct dns_q *q, int err, const struct dns_result *r, size_t n)
{
	q_close(q);
	q->active = false;
	q->cb(q, err, r, n);
}

/* A socket on a random source port, connected to the server. */
static int q_socket(struct dns_q *q)
{
	int fd = socket(q->server.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int i;

	if (fd < 0)
		return -errno;
	for (i = 0; i < 8; i++) {
		struct sockaddr_storage me;
		uint16_t port;
		socklen_t len;

		sys_random(&port, sizeof port);
		port = (uint16_t)(1024 + port % (65536 - 1024));
		memset(&me, 0, sizeof me);
		me.ss_family = q->server.ss_family;
		if (me.ss_family == AF_INET) {
			((struct sockaddr_in *)&me)->sin_port = htons(port);
			len = sizeof(struct sockaddr_in);
		} else {
			((struct sockaddr_in6 *)&me)->sin6_port = htons(port);
			len = sizeof(struct sockaddr_in6);
		}
		if (!bind(fd, (struct sockaddr *)&me, len))
			break;
	}
	/* eight ports taken in a row: let the kernel pick (it randomises too) */
	if (connect(fd, (struct sockaddr *)&q->server, q->slen)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static int q_send(struct dns_q *q)
{
	uint8_t msg[DNS_HDR + DNS_MAX_NAME + 8];
	int n, fd;

	q_close(q);
	sys_random(&q->id, sizeof q->id);
	n = dns_build_query(msg, sizeof msg, q->id, q->name, q->qtype);
	if (n < 0)
		return -EINVAL;
	fd = q_socket(q);
	if (fd < 0)
		return fd;
	q->io.fd = fd;
	if (send(fd, msg, (size_t)n, 0) != n) {
		int e = errno ? -errno : -EIO;

		q_close(q);
		return e;
	}
	if (ev_io_set(q->loop, &q->io, EV_READ) || ev_timer_in(q->loop, &q->t, CAP_DNS_TRY_MS)) {
		q_close(q);
		return -ENOSPC;
	}
	q->tries++;
	return 0;
}

static void q_next_type(struct dns_q *q, int err)
{
	int rc;

	if (q->qtype == DNS_TYPE_A) {
		q->qtype = DNS_TYPE_AAAA;
		q->tries = 0;
		if (!(rc = q_send(q)))
			return;
		err = rc;
	}
	q_done(q, err, NULL, 0);
}

static void on_read(struct ev_loop *l, struct ev_io *io, unsigned rev)
{
	struct dns_q *q = container_of(io, struct dns_q, io);
	struct dns_result r[DNS_MAX_ANSWERS];
	uint8_t msg[DNS_MAX_MSG];
	int budget = 8;

	(void)l;
	(void)rev;
	while (budget-- > 0) {
		ssize_t n = recv(io->fd, msg, sizeof msg, 0);
		int c;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			/* ICMP port unreachable and the like: count as a try */
			if (q->tries < 2 && !q_send(q))
				return;
			q_done(q, -errno, NULL, 0);
			return;
		}
		c = dns_parse_response(msg, (size_t)n, q->id, q->name, q->qtype, r,
				       DNS_MAX_ANSWERS);
		if (c == -ESRCH)
			continue; /* not ours: keep waiting */
		if (c > 0) {
			q_done(q, 0, r, (size_t)c);
			return;
		}
		if (c == 0 || c == -ENOENT) {
			/* no address of this type: NXDOMAIN ends it, NODATA
			 * moves on to AAAA */
			if (c == -ENOENT)
				q_done(q, -ENOENT, NULL, 0);
			else
				q_next_type(q, -ENOENT);
			return;
		}
		q_done(q, c, NULL, 0);
		return;
	}
}

static void on_timeout(struct ev_loop *l, struct ev_timer *t)
{
	struct dns_q *q = container_of(t, struct dns_q, t);
	int rc;

	(void)l;
	if (q->tries < 2) {
		if (!(rc = q_send(q)))
			return;
		q_done(q, rc, NULL, 0);
		return;
	}
	q_done(q, -ETIMEDOUT, NULL, 0);
}

int dns_start(struct ev_loop *l, struct dns_q *q, const struct sockaddr_storage *server,
	      socklen_t slen, const char *name,
	      void (*cb)(struct dns_q *q, int err, const struct dns_result *r, size_t n))
{
	size_t n = strlen(name);
	int rc;

	if (q->active)
		dns_cancel(q);
	if (!n || n > DNS_MAX_NAME + 1)
		return -EINVAL;
	q->loop = l;
	q->io.fd = -1;
	q->io.cb = on_read;
	q->t.cb = on_timeout;
	q->server = *server;
	q->slen = slen;
	memcpy(q->name, name, n + 1);
	q->qtype = DNS_TYPE_A;
	q->tries = 0;
	q->cb = cb;
	rc = q_send(q);
	if (rc)
		return rc;
	q->active = true;
	return 0;
}

void dns_cancel(struct dns_q *q)
{
	if (!q->active)
		return;
	q_close(q);
	q->active = false;
}
