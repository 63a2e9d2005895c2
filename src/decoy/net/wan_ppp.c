/* wan_ppp.c — `proto pppoe` on lwIP's PPPoE client (wan_ppp.h). */
#include "net/wan_ppp.h"

#if TANUKI_LWIP && TANUKI_PPP

#include <stdlib.h>

#include "config.h"
#include "evlog/evlog.h"
#include "lwip/ip4_addr.h"
#include "net/lwip_port.h"
#include "netif/ppp/ppp_impl.h"
#include "netif/ppp/pppoe.h"

struct wan_ppp {
	struct lwport *port;
	const struct wan_cfg *cfg;
	struct evlog *log;
	struct netif pif; /* the PPP link's netif: the WAN address */
	ppp_pcb *pcb;
	unsigned backoff_s; /* the next redial's delay */
};

static const char *err_name(int e)
{
	switch (e) {
	case PPPERR_NONE:
		return "";
	case PPPERR_OPEN:
		return "no_concentrator"; /* discovery found no PPPoE server */
	case PPPERR_CONNECT:
		return "link_lost"; /* PADT, or the peer's LCP terminate */
	case PPPERR_AUTHFAIL:
		return "auth_failed";
	case PPPERR_PROTOCOL:
		return "protocol";
	case PPPERR_PEERDEAD:
		return "peer_dead"; /* LCP echo requests unanswered */
	case PPPERR_LOOPBACK:
		return "loopback";
	case PPPERR_ALLOC:
		return "alloc";
	default:
		return "other";
	}
}

/* The authentication the concentrator asked for (LCP's Auth-Protocol). */
static const char *auth_name(const ppp_pcb *pcb)
{
	if (pcb->lcp_hisoptions.neg_chap)
		return "chap";
	if (pcb->lcp_hisoptions.neg_upap)
		return "pap";
	return "none";
}

static void log_link(struct wan_ppp *pp, int err, unsigned retry_s)
{
	struct json *j;
	char ip[16], peer[16];

	if (!pp->log)
		return; /* the fuzz target's */
	ip4addr_ntoa_r(netif_ip4_addr(&pp->pif), ip, sizeof ip);
	ip4addr_ntoa_r(netif_ip4_gw(&pp->pif), peer, sizeof peer);
	j = evlog_begin(pp->log, "tanuki.wan.ppp", "", "", 0, err ? "" : ip, 0, "");
	json_cstr(j, "ifname", pp->cfg->ifname);
	json_cstr(j, "state", err ? "down" : "up");
	json_cstr(j, "auth", auth_name(pp->pcb));
	if (err) {
		json_cstr(j, "error", err_name(err));
		json_int(j, "retry_s", retry_s);
	} else {
		json_cstr(j, "ipaddr", ip);
		json_cstr(j, "peer", peer);
	}
	evlog_commit(pp->log);
}

/* lwIP's PPP tells the link's fate: up (IPCP done), or down with why. A
 * lost link is redialled (PADI again) after backoff_s, doubling each time
 * up to CAP_PPP_BACKOFF_S; a link that came up resets it. */
static void on_link(ppp_pcb *pcb, int err, void *ctx)
{
	struct wan_ppp *pp = ctx;
	unsigned retry;

	if (err == PPPERR_NONE) {
		pp->backoff_s = 1;
		log_link(pp, err, 0);
		if (pp->port->on_addr)
			pp->port->on_addr(pp->port->arg);
		return;
	}
	if (err == PPPERR_USER)
		return; /* wan_ppp_stop hung up */
	retry = pp->backoff_s;
	pp->backoff_s = retry * 2 > CAP_PPP_BACKOFF_S ? CAP_PPP_BACKOFF_S : retry * 2;
	log_link(pp, err, retry);
	if (pp->port->on_addr)
		pp->port->on_addr(pp->port->arg);
	ppp_connect(pcb, (u16_t)retry);
}

struct wan_ppp *wan_ppp_start(struct lwport *port, const struct wan_cfg *c, struct evlog *log)
{
	struct wan_ppp *pp = calloc(1, sizeof(*pp));

	if (!pp)
		return NULL;
	pp->port = port;
	pp->cfg = c;
	pp->log = log;
	pp->backoff_s = 1;
	pp->pcb = pppoe_create(&pp->pif, &port->nif, c->service[0] ? c->service : NULL,
			       c->ac[0] ? c->ac : NULL, on_link, pp);
	if (!pp->pcb) {
		free(pp);
		return NULL;
	}
	/* PAP or CHAP, whichever the concentrator asks for */
	ppp_set_auth(pp->pcb, PPPAUTHTYPE_ANY, c->username, c->password);
	ppp_set_usepeerdns(pp->pcb, 1);
	pp->pcb->settings.lcp_echo_interval = (u8_t)c->echo_s;
	pp->pcb->settings.lcp_echo_fails = (u8_t)c->echo_fails;
	ppp_set_default(pp->pcb);
	port->ipif = &pp->pif;
	if (ppp_connect(pp->pcb, 0) != ERR_OK) {
		wan_ppp_stop(pp);
		return NULL;
	}
	return pp;
}

void wan_ppp_stop(struct wan_ppp *pp)
{
	if (!pp)
		return;
	/* a running link ends at once (PADT); one still negotiating is cut
	 * as a lost carrier would cut it: there is no loop left to wait in */
	ppp_close(pp->pcb, 1);
	if (pp->pcb->phase != PPP_PHASE_DEAD)
		link_terminated(pp->pcb);
	pp->port->ipif = &pp->port->nif;
	/* (never left alive: lwIP's netif list would keep pif) */
	if (pp->pcb->phase == PPP_PHASE_DEAD && ppp_free(pp->pcb) == ERR_OK)
		free(pp);
}

#endif
