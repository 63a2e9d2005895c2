/* wancfg.h — `config wan 'wan'` of the UCI file (docs/wan.md).
 *
 *   option ifname 'eth1'        the raw interface lwIP drives (AF_PACKET)
 *   option tap '1'              create a TAP device of that name instead
 *   option proto 'dhcp'         dhcp | static (pppoe later)
 *   option ipaddr '198.18.0.2'  static: address, netmask, gateway
 *   option netmask '255.255.255.0'
 *   option gateway '198.18.0.1'
 *   option scan_s '60'          period of the tanuki.scan summaries
 *
 * With a `config wan` section every listener is served on the WAN stack
 * too, at its port; the kernel-socket listeners stay as configured.
 */
#ifndef TANUKI_WANCFG_H
#define TANUKI_WANCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uci_sec;

enum wan_proto { WAN_DHCP, WAN_STATIC };

struct wan_cfg {
	bool enabled;
	bool tap;
	char ifname[16]; /* IFNAMSIZ */
	enum wan_proto proto;
	uint32_t ip, mask, gw; /* network byte order */
	unsigned scan_ms;
	int line;
};

/* Reads one `config wan` section (marks its options used). Returns 0, or
 * -1 with "FILE:LINE: problem" in err. */
int wan_config(struct wan_cfg *c, struct uci_sec *s, const char *file, char *err, size_t errlen);

#endif
