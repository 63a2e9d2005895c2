/* upcfg.h — `config uplink 'hub'` of the UCI file (docs/hub.md), the
 * section `tanuki-hub enroll` prints:
 *
 *   option url 'https://hub.example:8443/v1/ingest'   https only
 *   option pin 'sha256/<base64 of SHA-256(SPKI)>'     mandatory
 *   option device 'decoy-01'                          [A-Za-z0-9._-]{1,64}
 *   option secret '<64 hex digits>'                   the HMAC key
 *   option interval_s '300'                           a summary every …
 *   option events '0'                                 1: the raw events too
 *   option binaries '0'                               1: upload new binaries
 *   option max_kb '256'                               largest body sent
 *   option timeout_s '30'                             per attempt
 *   option dns '127.0.0.1'                            for a hub by name
 *   option via 'wan'                                  with `config wan`: lan
 *                                                     reaches the hub through
 *                                                     the kernel (the LAN side)
 *   option enabled '1'
 *
 * Without the section there is no uplink.
 */
#ifndef TANUKI_UPCFG_H
#define TANUKI_UPCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct uci_sec;

#define UPLINK_DEVICE_MAX 64
#define UPLINK_SECRET_LEN 64

struct uplink_cfg {
	bool enabled;
	char url[256];
	char host[256]; /* name or numeric address, no brackets */
	uint16_t port;
	char path[192];
	uint8_t pin[32]; /* SHA-256 of the hub's SubjectPublicKeyInfo */
	char device[UPLINK_DEVICE_MAX + 1];
	char secret[UPLINK_SECRET_LEN + 1];
	unsigned interval_ms;
	bool events;
	bool binaries;
	unsigned max_body;
	unsigned timeout_ms;
	struct sockaddr_storage dns;
	socklen_t dnslen; /* 0: the fetch section's resolver, else 127.0.0.1 */
	bool via_lan;	  /* `option via 'lan'`: never the WAN stack */
};

/* Reads one `config uplink` section (marks its options used). 0, or -1
 * with "FILE:LINE: problem" in err. */
int uplink_config(struct uplink_cfg *c, struct uci_sec *s, const char *file, char *err,
		  size_t errlen);

#endif
