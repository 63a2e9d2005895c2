/* config.h — the daemon's configuration, read from a UCI file.
 *
 *   config tanuki 'main'     store, sensor, persona, personas, caps, mixed
 *   config listener 'NAME'   proto, bind, port, persona
 *   config fetch 'fetch'      the payload fetcher (fetch/fetchcfg.h)
 *   config uplink 'hub'       summaries to a tanuki-hub (uplink/upcfg.h)
 *   config wan 'wan'          the WAN side on lwIP (net/wancfg.h)
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
#include "fetch/fetchcfg.h"
#include "net/wancfg.h"
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
	int fail_delay_ms; /* -1: the persona's own */
	unsigned max_tries; /* 0: the persona's own */
	unsigned fs_session;
	unsigned fs_total;
	unsigned sync_ms; /* group commit interval of the event log */
	/* the store (docs/store.md) */
	unsigned quota_kb, reserve_kb, segment_kb, seal_age_s;
	bool mixed;       /* allow doors the unit's persona does not own, and
			   * several personas on one unit (a honeypot tell) */
	struct cfg_listener listeners[CAP_LISTENERS];
	size_t nlisteners;
	struct fetch_cfg fetch; /* config fetch (fetch/fetchcfg.h); off if absent */
	struct uplink_cfg uplink; /* config uplink (uplink/upcfg.h); off if absent */
	struct wan_cfg wan; /* config wan (net/wancfg.h); off if absent */
};

/* Fills cfg from path. Returns 0, or -1 with the message in err. */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);
const char *proto_name(enum proto p);

struct uci_sec;
/* For the modules that read their own sections: "FILE:LINE: what: key"
 * into err, returns -1; a decimal option in [min, max] times scale. */
int cfg_bad(char *err, size_t errlen, const char *file, int line, const char *what,
	    const char *key);
int cfg_uint(unsigned *dst, struct uci_sec *s, const char *key, unsigned long min,
	     unsigned long max, unsigned long scale, const char *file, char *err,
	     size_t errlen);

#endif
