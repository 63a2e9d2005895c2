/* fetchcfg.h — `config fetch 'fetch'` of the UCI file (docs/config.md).
 *
 *   option enabled '1'        fetch what wget/tftp/curl/ftpget ask for
 *   option public '1'         0: never fetch from public addresses
 *   list allow '127.0.0.0/8'  ranges allowed although special (tests, labs)
 *   option max_kb '4096'      bytes per file
 *   option timeout_s '30'     seconds per fetch
 *   option dns '127.0.0.1:53' resolver (default: /etc/resolv.conf's first)
 *   option dlr_port '80'      port of second stages found in downloaders
 *
 * Without a `config fetch` section the fetcher is off: URLs are only
 * logged (tanuki.download.request), as before.
 */
#ifndef TANUKI_FETCHCFG_H
#define TANUKI_FETCHCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "fetch/policy.h"

struct uci_sec;

struct fetch_cfg {
	bool enabled;
	struct policy pol;
	unsigned max_bytes;
	unsigned timeout_ms;
	struct sockaddr_storage dns;
	socklen_t dnslen;
	bool dns_given; /* `option dns` was set (the WAN's resolver falls back on it) */
	uint16_t dlr_port;
};

/* Reads one `config fetch` section (marks its options used). Returns 0, or
 * -1 with "FILE:LINE: problem" in err. */
int fetch_config(struct fetch_cfg *c, struct uci_sec *s, const char *file, char *err,
		 size_t errlen);

#endif
