/* dlr.h — finds the second stage a tiny downloader carries.
 *
 * Mirai's `dlr` (and many copies) is a few-KB static ELF that opens one TCP
 * connection to an address compiled in and sends a fixed "GET /bins/<arch>
 * HTTP/1.0" request. The extractor looks for that request line ("GET /…
 * HTTP/1.x") and then for where it is sent:
 *   1. a "Host: name[:port]" header inside the request string;
 *   2. a dotted IPv4 string "a.b.c.d[:port]" within DLR_WINDOW bytes;
 *   3. four raw bytes (network order) right after the string table that
 *      follows the request (dlr keeps its constants together there).
 * The port is the one written with the host, else the caller's default
 * (80, or `option dlr_port` in config fetch for tests). Pure and bounded:
 * only ELF files up to DLR_MAX_FILE bytes are scanned.
 */
#ifndef TANUKI_DLR_H
#define TANUKI_DLR_H

#include <stddef.h>
#include <stdint.h>

/* dlr builds are 1-10 KB; 256 KB covers fat variants and bounds the scan. */
#define DLR_MAX_FILE (256u * 1024u)
/* Bytes around the request searched for the address. */
#define DLR_WINDOW 512

struct dlr_hit {
	char host[64];
	uint16_t port;
	char path[256];
};

/* Fills at most max hits; returns how many. */
size_t dlr_extract(const uint8_t *p, size_t n, uint16_t default_port,
		   struct dlr_hit *hits, size_t max);

#endif
