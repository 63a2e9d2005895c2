/* fuzz_pppoe.c — `proto pppoe`'s input path (net/wan_ppp.c on lwIP's
 * PPPoE client): random Ethernet frames into the netif while the PPP link
 * is dialling — PPPoE discovery (PADO, PADS, PADT and their tags), then
 * session frames: LCP, PAP, CHAP-MD5, IPCP, and IPv4 over the link — with
 * lwIP's timers (retransmissions, LCP echoes, redials) run between frames
 * on a fake clock.
 *
 * Input: records of [op][len hi][len lo][frame]. op bit 0: advance the
 * clock by (op >> 2) * 250 ms and run the timers first; bit 1: before the
 * frame goes in, the value of every 8-byte Host-Uniq tag of a discovery
 * frame is replaced by the token of the last PADI/PADR the client sent
 * (lwIP's token is a pointer, which the fuzzer cannot guess).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if TANUKI_LWIP && TANUKI_PPP

#include "config.h"
#include "net/lwip_port.h"
#include "net/wan_ppp.h"
#include "sys/sys.h"

static struct lwport w;
static struct wan_cfg cfg;
static uint64_t now_ms = 1000000;
static uint8_t token[8];
static unsigned sink, addr_changes;

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Each tag of a discovery frame's payload: [type][len][value]. */
static uint8_t *next_tag(uint8_t *f, size_t n, size_t *off, unsigned *type, size_t *len)
{
	if (*off + 4 > n)
		return NULL;
	*type = be16(f + *off);
	*len = be16(f + *off + 2);
	if (*off + 4 + *len > n)
		return NULL;
	*off += 4 + *len;
	return f + *off - *len;
}

static int tx(void *arg, const uint8_t *f, size_t n)
{
	uint8_t copy[1600];
	size_t off = 20, len;
	unsigned type;
	uint8_t *v;

	(void)arg;
	if (n < 14 || n > sizeof copy)
		__builtin_trap();
	/* remember the Host-Uniq of our PADI (0x09) and PADR (0x19) */
	if (be16(f + 12) == 0x8863 && n >= 20 && (f[15] == 0x09 || f[15] == 0x19)) {
		memcpy(copy, f, n);
		while ((v = next_tag(copy, n, &off, &type, &len)))
			if (type == 0x0103 && len == sizeof token)
				memcpy(token, v, sizeof token);
	}
	sink += f[n - 1];
	return 0;
}

static void on_addr(void *arg)
{
	(void)arg;
	addr_changes++;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x02};
	uint8_t frame[1600];
	struct wan_ppp *pp;

	sys_fake_clock(1767225600000000LL, now_ms);
	memset(&w, 0, sizeof w);
	if (lwport_init(&w, mac, 1500))
		__builtin_trap();
	w.tx = tx;
	w.on_addr = on_addr;
	snprintf(cfg.ifname, sizeof cfg.ifname, "wan0");
	snprintf(cfg.username, sizeof cfg.username, "user@isp");
	snprintf(cfg.password, sizeof cfg.password, "secret");
	cfg.proto = WAN_PPPOE;
	cfg.echo_fails = 3;
	cfg.echo_s = 1;
	pp = wan_ppp_start(&w, &cfg, NULL);
	if (!pp)
		__builtin_trap();
	while (n >= 3) {
		uint8_t op = d[0];
		size_t len = (size_t)d[1] << 8 | d[2];

		d += 3;
		n -= 3;
		if (len > n)
			len = n;
		if (len > sizeof frame)
			len = sizeof frame;
		if (op & 1) {
			now_ms += (uint64_t)(op >> 2) * 250;
			sys_fake_clock(1767225600000000LL, now_ms);
			lwport_timers(&w);
		}
		memcpy(frame, d, len);
		if ((op & 2) && len >= 20 && be16(frame + 12) == 0x8863) {
			size_t off = 20, tl;
			unsigned type;
			uint8_t *v;

			while ((v = next_tag(frame, len, &off, &type, &tl)))
				if (type == 0x0103 && tl == sizeof token)
					memcpy(v, token, sizeof token);
		}
		lwport_input(&w, frame, len);
		d += len;
		n -= len;
	}
	/* the link ends with the input: a hang-up in any state */
	wan_ppp_stop(pp);
	if (w.ipif != &w.nif)
		__builtin_trap();
	lwport_done(&w);
	return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	(void)d;
	(void)n;
	return 0;
}

#endif
