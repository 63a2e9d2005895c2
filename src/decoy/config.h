/* config.h — the daemon's configuration, read from a UCI file.
 *
 *   config tanuki 'main'     store, sensor, persona, personas, caps, mixed
 *   config listener 'NAME'   proto, bind, port, persona
 *   config fetch 'fetch'      the payload fetcher (fetch/fetchcfg.h)
 *   config uplink 'hub'       summaries to a tanuki-hub (uplink/upcfg.h)
 *   config wan 'wan'          the WAN side on lwIP (net/wan.h, docs/wan.md)
 *
 * Errors are one line "FILE:LINE: problem"; the caller prints it and
 * exits 2. Unknown options are errors too: a typo must not silently leave a
 * default in force on a device nobody watches.
 */
#ifndef TANUKI_CONFIG_H
#define TANUKI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "cfgparse.h"
#include "fetch/fetchcfg.h"
#include "uplink/upcfg.h"

enum proto {
	PROTO_TELNET,
	PROTO_HG532,   /* Huawei HG532 UPnP, TCP 37215, CVE-2017-17215 */
	PROTO_MINIIGD, /* Realtek SDK miniigd UPnP, TCP 52869, CVE-2014-8361 */
};

struct cfg_listener {
	char name[32];
	enum proto proto;
	char bind[64];
	uint16_t port;
	char persona[32]; /* empty: the unit's persona */
	int line;
};

enum wan_proto { WAN_DHCP, WAN_STATIC, WAN_PPPOE };

/* `config wan 'wan'` (docs/config.md, docs/wan.md): with it every listener
 * is served on the WAN stack too, at its port; the kernel-socket listeners
 * stay as configured. */
struct wan_cfg {
	bool enabled;
	bool tap;	       /* create a TAP device named ifname (labs) */
	char ifname[16];       /* IFNAMSIZ: the raw interface lwIP drives */
	int proto;	       /* enum wan_proto (a CFG_ENUM is an int) */
	uint32_t ip, mask, gw; /* proto static; network byte order */
	/* proto pppoe (net/wan_ppp.c): PAP/CHAP credentials, the service
	 * and access concentrator names to ask for (empty: any), and
	 * OpenWrt's keepalive 'FAILS INTERVAL' (LCP echo) */
	char username[CAP_PPP_NAME], password[CAP_PPP_NAME];
	char service[CAP_PPP_NAME], ac[CAP_PPP_NAME];
	char keepalive[16];
	unsigned echo_fails, echo_s; /* from keepalive (bounds.h: CAP_PPP_KEEPALIVE) */
	unsigned scan_ms;	     /* period of the tanuki.scan summaries */
	int line;
};

/* `config time 'ntp'` (docs/config.md, net/sntp.h): the SNTP servers the
 * decoy asks over the WAN stack (needs `config wan`). */
struct time_cfg {
	bool enabled;
	uint32_t ntp[CAP_TIME_SERVERS]; /* list ntp: IPv4, network byte order */
	unsigned nntp;
	uint16_t port;	      /* the servers' UDP port */
	unsigned interval_ms; /* between syncs once synced */
	unsigned retry_ms;    /* the answer's deadline, and the next try's */
	int line;
};

struct config {
	char path[256];
	char store[256];
	char sensor[64];
	char persona[32];
	char personas[256]; /* folder of persona folders */
	unsigned max_sessions;
	unsigned max_per_src;
	unsigned idle_ms;
	unsigned session_ms;
	int fail_delay_ms;  /* -1: the persona's own */
	unsigned max_tries; /* 0: the persona's own */
	unsigned fs_session;
	unsigned fs_total;
	unsigned mem_session, mem_total; /* memory accounts (bytes) */
	unsigned login_ms;		 /* a session that has not logged in ends then (0: never) */
	unsigned sync_ms;		 /* group commit interval of the event log */
	/* the store (docs/store.md) */
	unsigned quota_kb, reserve_kb, segment_kb, seal_age_s;
	bool mixed; /* allow doors the unit's persona does not own, and
		     * several personas on one unit (a honeypot tell) */
	struct cfg_listener listeners[CAP_LISTENERS];
	size_t nlisteners;
	struct fetch_cfg fetch;	  /* config fetch (fetch/fetchcfg.h); off if absent */
	struct uplink_cfg uplink; /* config uplink (uplink/upcfg.h); off if absent */
	struct wan_cfg wan;	  /* config wan; off if absent */
	struct time_cfg time;	  /* config time; off if absent */
};

/* Fills cfg from path. Returns 0, or -1 with the message in err. */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);
const char *proto_name(enum proto p);

/* Options are declared as tables (an attribute policy, as procd's
 * blobmsg_policy): name, type, where the value goes, default and range.
 * cfg_apply() reads a section against one; docs/config.md is checked
 * against the same tables by tests/unit/test_config.c. */
enum cfg_type {
	CFG_STR,  /* char[len] */
	CFG_UINT, /* unsigned: option in [min, max], stored × scale */
	CFG_INT,  /* int, the same; default may be outside the range (-1: unset) */
	CFG_BOOL, /* bool from 0 or 1 */
	CFG_U16,  /* uint16_t in [min, max] */
	CFG_ENUM, /* int: index of the value in names[] */
	CFG_IP4,  /* uint32_t in network byte order, from a dotted quad; default 0 */
};

#define CFG_REQUIRED 1u /* no default: the section must set it */

struct cfg_attr {
	const char *name;
	enum cfg_type type;
	size_t off;		  /* offsetof() in the target struct */
	size_t len;		  /* CFG_STR: capacity with the NUL */
	unsigned long min, max;	  /* in the option's unit */
	unsigned long scale;	  /* CFG_UINT, CFG_INT: stored = option × scale */
	long def;		  /* numeric default in the option's unit */
	const char *sdef;	  /* CFG_STR default */
	const char *const *names; /* CFG_ENUM */
	size_t nnames;
	unsigned flags;
};

/* The tables of `config tanuki` (into struct config), `config listener`
 * (into struct cfg_listener) and `config wan` (into struct wan_cfg). */
extern const struct cfg_attr cfg_main_attrs[];
extern const size_t cfg_main_nattrs;
extern const struct cfg_attr cfg_listener_attrs[];
extern const size_t cfg_listener_nattrs;
extern const struct cfg_attr cfg_wan_attrs[];
extern const size_t cfg_wan_nattrs;
extern const struct cfg_attr cfg_time_attrs[];
extern const size_t cfg_time_nattrs;

/* Writes every default of the table into dst. */
void cfg_defaults(void *dst, const struct cfg_attr *t, size_t n);

struct uci_sec;
/* Reads section s against table t into dst, in table order; stops at the
 * first bad value ("FILE:LINE: ..." into err, returns -1). Options absent
 * from s keep what dst holds. */
int cfg_apply(void *dst, const struct cfg_attr *t, size_t n, struct uci_sec *s, const char *file,
	      char *err, size_t errlen);

#endif
