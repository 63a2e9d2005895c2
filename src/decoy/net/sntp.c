/* sntp.c — the SNTP client over the WAN stack (sntp.h). */
#include "net/sntp.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "config.h"
#include "evlog/evlog.h"
#include "sys/sys.h"

#if TANUKI_LWIP

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

static void server_ip(const struct sntp *s, char out[16])
{
	ip4_addr_t a;

	ip4_addr_set_u32(&a, s->cfg->ntp[s->server]);
	ip4addr_ntoa_r(&a, out, 16);
}

static void next_server(struct sntp *s)
{
	s->waiting = false;
	s->server = (s->server + 1) % s->cfg->nntp;
}

/* A valid answer: learn the time, unless the hub said otherwise. */
static void learn(struct sntp *s, const struct sntp_reply *r, uint64_t t4)
{
	int64_t t1 = (int64_t)s->sent_us;
	int64_t off = ((r->rx_us - t1) + (r->tx_us - (int64_t)t4)) / 2;
	int64_t diff = (int64_t)t4 + off - sys_wall_us(), step;
	bool unc;
	char ip[16];
	struct json *j;

	server_ip(s, ip);
	if (sys_time_source() == SYS_TIME_HUB &&
	    (diff > CAP_TIME_HUB_TOLERANCE_S * INT64_C(1000000) ||
	     diff < -CAP_TIME_HUB_TOLERANCE_S * INT64_C(1000000))) {
		s->refused++;
		j = evlog_begin(s->log, "tanuki.time.refused", "", ip, 123, "", 0, "udp");
		json_cstr(j, "source", "sntp");
		json_int(j, "diff_us", diff);
		json_cstr(j, "why", "differs from the hub's time");
		evlog_commit(s->log);
		return;
	}
	unc = sys_time_uncertain();
	step = sys_time_learn(off, SYS_TIME_SNTP);
	evlog_time_fix(s->log, unc);
	/* a first sync, or a step a person would notice */
	if (s->replies == 1 || step > 1000000 || step < -1000000) {
		j = evlog_begin(s->log, "tanuki.time", "", ip, s->cfg->port, "", 0, "udp");
		json_cstr(j, "source", "sntp");
		json_int(j, "offset_us", sys_time_offset_us());
		json_int(j, "step_us", step);
		json_int(j, "rtt_us", (int64_t)(t4 - s->sent_us) - (r->tx_us - r->rx_us));
		json_int(j, "stratum", r->stratum);
		json_cstr(j, "boot", s->log->boot);
		evlog_commit(s->log);
	}
}

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		   u16_t port)
{
	struct sntp *s = arg;
	uint8_t b[SNTP_LEN];
	struct sntp_reply r;
	uint64_t t4 = sys_mono_us();
	u16_t n;
	int rc;

	(void)pcb;
	n = pbuf_copy_partial(p, b, sizeof b, 0);
	pbuf_free(p);
	if (!s->waiting || port != s->cfg->port ||
	    ip4_addr_get_u32(ip_2_ip4(addr)) != s->cfg->ntp[s->server]) {
		s->bad++;
		return;
	}
	rc = sntp_parse(b, n, s->cookie, &r);
	if (rc == SNTP_BAD) {
		s->bad++; /* keep waiting: a forged datagram does not end the try */
		return;
	}
	if (rc == SNTP_KOD) {
		next_server(s);
		ev_timer_in(s->loop, &s->t, s->cfg->retry_ms);
		return;
	}
	s->replies++;
	s->waiting = false;
	learn(s, &r, t4);
	ev_timer_in(s->loop, &s->t, s->cfg->interval_ms);
}

static void send_request(struct sntp *s)
{
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, SNTP_LEN, PBUF_RAM);
	uint8_t b[SNTP_LEN];
	ip_addr_t ip;

	if (!p)
		return;
	memset(b, 0, sizeof b);
	b[0] = 0x23; /* LI 0, version 4, mode 3 (client) */
	/* the transmit timestamp is a random cookie the answer must echo
	 * (RFC 4330 section 5 allows any value; it also hides our clock) */
	if (sys_random(s->cookie, sizeof s->cookie)) {
		pbuf_free(p);
		return;
	}
	memcpy(b + 40, s->cookie, 8);
	pbuf_take(p, b, sizeof b);
	ip_addr_set_ip4_u32(&ip, s->cfg->ntp[s->server]);
	s->sent_us = sys_mono_us();
	s->waiting = true;
	s->requests++;
	udp_sendto(s->pcb, p, &ip, s->cfg->port);
	pbuf_free(p);
}

static void on_timer(struct ev_loop *l, struct ev_timer *t)
{
	struct sntp *s = container_of(t, struct sntp, t);

	if (s->waiting) {
		s->timeouts++;
		next_server(s);
	}
	/* no address yet (DHCP): ask once there is one */
	if (netif_default && !ip4_addr_isany_val(*netif_ip4_addr(netif_default)))
		send_request(s);
	ev_timer_in(l, t, s->cfg->retry_ms);
}

int sntp_start(struct sntp *s, struct ev_loop *loop, struct evlog *log, const struct time_cfg *c,
	       const char *cfgpath, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->log = log;
	s->cfg = c;
	if (!c->nntp)
		return 0;
	s->pcb = udp_new();
	if (!s->pcb || udp_bind(s->pcb, IP4_ADDR_ANY, 0) != ERR_OK) {
		snprintf(err, errlen, "%s:%d: config time: lwIP has no UDP endpoint left", cfgpath,
			 c->line);
		if (s->pcb)
			udp_remove(s->pcb);
		s->pcb = NULL;
		return -1;
	}
	udp_recv(s->pcb, on_udp, s);
	s->t.cb = on_timer;
	ev_timer_in(loop, &s->t, 0);
	return 0;
}

void sntp_stop(struct sntp *s)
{
	if (!s->pcb)
		return;
	ev_timer_stop(s->loop, &s->t);
	udp_remove(s->pcb);
	s->pcb = NULL;
}

#else

int sntp_start(struct sntp *s, struct ev_loop *loop, struct evlog *log, const struct time_cfg *c,
	       const char *cfgpath, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	(void)loop;
	(void)log;
	if (!c->nntp)
		return 0;
	snprintf(err, errlen, "%s:%d: config time: this tanuki was built without lwIP (LWIP=0)",
		 cfgpath, c->line);
	return -1;
}

void sntp_stop(struct sntp *s)
{
	(void)s;
}

#endif
