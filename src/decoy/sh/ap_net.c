/* ap_net.c — a failed download takes the time the device's applet takes,
 * and with fetching off the applets answer as a device with no route.
 *
 * Times and texts from the claimed versions' source (BusyBox git tags
 * 1_9_1, 1_16_1, 1_17_1; docs/personas.md cites them):
 *   tftp  networking/tftp.c: TFTP_NUM_RETRIES 12 polls, the first of
 *         TFTP_TIMEOUT_MS (50 in 1.9.1/1.16.1, 100 from 1.17.1), each next
 *         one waittime += waittime/2 up to TFTP_MAXTIMEOUT_MS 2000; then
 *         bb_error_msg("timeout"): 9639 ms, 12911 ms from 1.17. A closed
 *         port changes nothing (the socket is not connected until the
 *         first reply: no ICMP error reaches it).
 *   wget  libbb/xconnect.c: "can't connect to remote host (%s)" with
 *         errno: refused at once; a silent host only after the kernel's
 *         own connect timeout (Linux 2.6: initial RTO 3 s, tcp_syn_retries
 *         5: 3+6+12+24+48+96 = 189 s; a session pause is capped at
 *         CAP_SLEEP_MS).
 *   no route: connect() and sendto() fail with ENETUNREACH at once:
 *         xconnect's "can't connect to remote host (%s): Network is
 *         unreachable", tftp's xsendto() "sendto: Network is unreachable";
 *         a name cannot be resolved: "bad address '%s'".
 * The wait is the session's pause (host.pause): the daemon never blocks,
 * output after it is held back, lines typed meanwhile queue behind it.
 */
#include <string.h>

#include "sh/applet.h"

#define SYN_TIMEOUT_MS 189000u

unsigned ap_net_fail_ms(const struct sh *sh, const char *applet, const char *reason, bool connected)
{
	unsigned w, total = 0, i;

	if (!reason)
		return 0;
	if (!strcmp(applet, "tftp")) {
		if (!strcmp(reason, "tftp_error") || !strcmp(reason, "dns") ||
		    !strcmp(reason, "policy"))
			return 0;
		w = ap_bb_minor(sh) >= 17 ? 100u : 50u;
		for (i = 0; i < 12; i++) {
			total += w;
			w += w / 2;
			if (w > 2000u)
				w = 2000u;
		}
		return total;
	}
	/* TCP: a connect that never completed */
	if (!connected && !strcmp(reason, "timeout"))
		return SYN_TIMEOUT_MS;
	return 0;
}

void ap_net_wait(struct sh *sh, const char *applet, const struct sh_fetch_result *x)
{
	unsigned real;

	if (!x || x->ok || !sh->host.pause || sh->inject)
		return;
	real = ap_net_fail_ms(sh, applet, x->reason, x->connected);
	if (real > x->ms)
		sh->host.pause(sh->host.ctx, real - x->ms);
}

int ap_net_noroute(struct sh *sh, struct io *io, const struct fetch_req *r, bool ip)
{
	if (!ip) {
		ap_err(sh, io, r->applet, "bad address '%s'", r->addr);
		return 1;
	}
	if (!strcmp(r->applet, "tftp")) {
		ap_err(sh, io, "tftp", "sendto: Network is unreachable");
		return 1;
	}
	if (!r->quiet && !strcmp(r->applet, "wget"))
		sh_printf(sh, io, 2, "Connecting to %s (%s:%u)\n", r->host, r->addr, r->port);
	ap_err(sh, io, r->applet, "can't connect to remote host (%s): Network is unreachable",
	       r->addr);
	return 1;
}
