/* wancfg.c — `config wan` (see wancfg.h). */
#include "net/wancfg.h"

#include <arpa/inet.h>
#include <string.h>

#include "config.h"
#include "uci.h"

static int ip_opt(uint32_t *dst, struct uci_sec *s, const char *key, bool need, const char *file,
		  char *err, size_t errlen)
{
	struct uci_opt *o = uci_get(s, key);
	struct in_addr a;

	if (!o) {
		*dst = 0;
		return need ? cfg_bad(err, errlen, file, s->line, "proto static needs option", key)
			    : 0;
	}
	if (inet_pton(AF_INET, o->val, &a) != 1)
		return cfg_bad(err, errlen, file, o->line, "not an IPv4 address", key);
	*dst = a.s_addr;
	return 0;
}

static bool mask_ok(uint32_t m)
{
	uint32_t h = ntohl(m);

	return h && !(~h & (~h + 1)); /* ones, then zeros */
}

int wan_config(struct wan_cfg *c, struct uci_sec *s, const char *file, char *err, size_t errlen)
{
	struct uci_opt *o;
	unsigned tap = 0, scan_s = CAP_WAN_SCAN_MS / 1000, scan_ms = 0;
	const char *proto;
	size_t i, n;

	memset(c, 0, sizeof(*c));
	c->line = s->line;
	if (cfg_uint(&tap, s, "tap", 0, 1, 1, file, err, errlen) ||
	    cfg_uint(&scan_s, s, "scan_s", 1, 86400, 1, file, err, errlen) ||
	    /* for tests: sub-second periods */
	    cfg_uint(&scan_ms, s, "scan_ms", 50, 86400000, 1, file, err, errlen))
		return -1;
	c->scan_ms = scan_ms ? scan_ms : scan_s * 1000u;
	c->tap = tap != 0;
	o = uci_get(s, "ifname");
	n = o ? strlen(o->val) : 0;
	if (!n || n >= sizeof c->ifname)
		return cfg_bad(err, errlen, file, o ? o->line : s->line,
			       "option ifname must name an interface (1-15 characters)", NULL);
	for (i = 0; i < n; i++)
		if (o->val[i] == '/' || o->val[i] == ':' || o->val[i] <= ' ')
			return cfg_bad(err, errlen, file, o->line, "bad interface name", o->val);
	memcpy(c->ifname, o->val, n + 1);
	o = uci_get(s, "proto");
	proto = o ? o->val : "dhcp";
	if (!strcmp(proto, "dhcp"))
		c->proto = WAN_DHCP;
	else if (!strcmp(proto, "static"))
		c->proto = WAN_STATIC;
	else
		return cfg_bad(err, errlen, file, o->line, "option proto must be dhcp or static",
			       proto);
	if (ip_opt(&c->ip, s, "ipaddr", c->proto == WAN_STATIC, file, err, errlen) ||
	    ip_opt(&c->mask, s, "netmask", c->proto == WAN_STATIC, file, err, errlen) ||
	    ip_opt(&c->gw, s, "gateway", false, file, err, errlen))
		return -1;
	if (c->proto == WAN_STATIC && !mask_ok(c->mask))
		return cfg_bad(err, errlen, file, uci_get(s, "netmask")->line,
			       "option netmask is not a netmask", NULL);
	if (c->proto == WAN_DHCP && (c->ip || c->mask || c->gw))
		return cfg_bad(err, errlen, file, s->line,
			       "ipaddr/netmask/gateway are for proto static", NULL);
	c->enabled = true;
	return 0;
}
