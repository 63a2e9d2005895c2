/* fetch_tftp.c — the tftp:// scheme (see fetch.h): RRQ (octet), DATA n /
 * ACK n until a short block; replies only from the policy-checked address,
 * resent as BusyBox's tftp resends (CAP_TFTP_WAIT_MS growing by half up
 * to CAP_TFTP_MAX_WAIT_MS, CAP_TFTP_TRIES waits): a server sees the
 * device's own retransmission timing. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "fetch/fetch_int.h"

static int tftp_send(struct fetch *f)
{
	struct sockaddr_storage to = f->peer;

	if (f->tid)
		fetch_set_port(&to, f->tid);
	if (xsock_sendto(&f->io, f->last, f->lastn, &to, f->plen) < 0 && errno != EAGAIN)
		return -errno;
	return ev_timer_in(f->fr->loop, &f->t_step, f->wait_ms);
}

static void tftp_ack(struct fetch *f, uint16_t block)
{
	f->last[0] = 0;
	f->last[1] = 4;
	f->last[2] = (uint8_t)(block >> 8);
	f->last[3] = (uint8_t)block;
	f->lastn = 4;
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

static void on_tftp(struct xsock *io, unsigned rev)
{
	struct fetch *f = container_of(io, struct fetch, io);
	uint8_t pkt[516 + 4];
	int budget = 64;

	(void)rev;
	if (f->dead || !xsock_open(io))
		return;
	while (budget-- > 0 && !f->dead) {
		struct sockaddr_storage from;
		ssize_t n = xsock_recvfrom(io, pkt, sizeof pkt, &from);
		uint16_t op, blk, port;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			if (errno == ECONNREFUSED)
				continue; /* an ICMP for an earlier packet: the timer decides */
			fetch_fail(f, "recv", strerror(errno));
			return;
		}
		/* only the checked server, and after the first block only its TID */
		if (!same_host(&from, &f->peer) || n < 4)
			continue;
		port = ntohs(from.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&from)->sin6_port
							: ((struct sockaddr_in *)&from)->sin_port);
		if (f->tid && port != f->tid)
			continue;
		op = (uint16_t)(pkt[0] << 8 | pkt[1]);
		blk = (uint16_t)(pkt[2] << 8 | pkt[3]);
		if (op == 5) {
			char msg[128];
			size_t mn = (size_t)n - 4 < sizeof msg - 1 ? (size_t)n - 4 : sizeof msg - 1;

			memcpy(msg, pkt + 4, mn);
			msg[mn] = '\0';
			msg[strnlen(msg, mn)] = '\0';
			f->code = blk;
			f->connected = true;
			fetch_fail(f, "tftp_error", msg);
			return;
		}
		if (op != 3 || n > 516)
			continue;
		if (!f->tid)
			f->tid = port;
		f->connected = true;
		if (blk == f->block) {
			if (buf_add(&f->body, pkt + 4, (size_t)n - 4)) {
				fetch_fail(f, "too_large", NULL);
				return;
			}
			tftp_ack(f, blk);
			f->retries = 0;
			f->wait_ms = CAP_TFTP_WAIT_MS;
			f->block++;
			if (tftp_send(f)) {
				fetch_fail(f, "send", NULL);
				return;
			}
			if (n < 516) {
				fetch_store(f);
				return;
			}
		} else if ((uint16_t)(blk + 1) == f->block) {
			tftp_send(f); /* our ACK was lost: again */
		}
	}
}

static void on_step(struct ev_loop *l, struct ev_timer *t)
{
	struct fetch *f = container_of(t, struct fetch, t_step);

	(void)l;
	if (f->dead)
		return;
	if (++f->retries >= CAP_TFTP_TRIES) {
		fetch_fail(f, "timeout", f->block <= 1 ? "no answer" : "transfer stalled");
		return;
	}
	f->wait_ms += f->wait_ms / 2;
	if (f->wait_ms > CAP_TFTP_MAX_WAIT_MS)
		f->wait_ms = CAP_TFTP_MAX_WAIT_MS;
	if (tftp_send(f))
		fetch_fail(f, "send", NULL);
}

static int tftp_start(struct fetch *f)
{
	const char *file = f->u.path[1] ? f->u.path + 1 : f->u.path;
	size_t n = strlen(file), i;
	int rc;

	if (n + 2 + 6 + 1 > sizeof f->last)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if ((unsigned char)file[i] < 0x20 || file[i] == 0x7f)
			return -EINVAL;
	if ((rc = xsock_udp(&f->io, f->fr->loop, f->fr->net, f->peer.ss_family, on_tftp)))
		return rc;
	f->last[0] = 0;
	f->last[1] = 1; /* RRQ */
	memcpy(f->last + 2, file, n + 1);
	memcpy(f->last + 2 + n + 1, "octet", 6);
	f->lastn = 2 + n + 1 + 6;
	f->block = 1;
	f->tid = 0;
	f->retries = 0;
	f->wait_ms = CAP_TFTP_WAIT_MS;
	f->st = FS_TFTP;
	return tftp_send(f);
}

static void tftp_begin(struct fetch *f)
{
	int rc;

	f->t_step.cb = on_step;
	rc = tftp_start(f);
	if (rc)
		fetch_fail(f, rc == -EINVAL ? "bad_url" : "socket", strerror(-rc));
}

const struct fetch_scheme fetch_tftp = {
    .name = "tftp",
    .start = tftp_begin,
};
