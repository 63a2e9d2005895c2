/* hub.h — tanuki-hub's configuration and its HTTPS server.
 *
 * Threads: libmicrohttpd runs one internal polling thread; every request
 * callback, and so every use of the store, happens on it. The main thread
 * only waits for SIGTERM/SIGINT. With `config export` sections one more
 * thread (export.c) sends the queued events, on its own store connection.
 */
#ifndef TANUKI_HUB_HUB_H
#define TANUKI_HUB_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "gate.h"
#include "label.h"
#include "store.h"
#include "tls.h"

struct hub_conf {
	char path[1024]; /* the config file, for messages */
	char listen[64];
	int port;
	char db[1024];
	char cert[1024];
	char key[1024];
	char api_token[256];	  /* "" disables the API */
	char url[1024];		  /* public ingest URL for enrolment ("" = derived) */
	char files[1024];	  /* binaries decoys upload, by SHA-256 ("" = derived) */
	char rules[1024];	  /* the operator's YARA rules ("" = only ours) */
	char geoip_country[1024]; /* MaxMind-format databases ("" = none) */
	char geoip_asn[1024];
	int64_t retention_days;
	size_t max_body;
	/* `config export` sections (export.h) */
	struct export_conf exports[EXPORT_MAX];
	int nexports;
};

struct MHD_Daemon;
struct geo;
struct hub {
	struct hub_conf *conf;
	struct store *st;
	struct MHD_Daemon *mhd;
	char pin[TLS_PIN_LEN];
	int64_t last_prune;
	struct gate gate;
	struct labeler labeler;
	struct geo *geo;      /* GeoIP lookups (geo.h); never NULL while running */
	struct exporter *exp; /* NULL without exports */
	/* counters for /metrics (server thread only) */
	uint64_t ingests, binaries;
	struct hub_refusal {
		const char *why; /* a string literal */
		unsigned status;
		uint64_t n;
	} refusals[32];
};

/* Starts the server; cert and key are PEM text. 0 or -1 with err set. */
int http_start(struct hub *h, const char *cert, const char *key, char *err, size_t errlen);
void http_stop(struct hub *h);
/* Once a second from the main thread: cuts slow connections. */
void http_tick(struct hub *h);

/* True when sig_hex is the lowercase hex HMAC-SHA256(secret, device "\n"
 * time "\n" nonce "\n" hex(SHA-256(body))). Constant time in the compare. */
bool hub_sig_ok(const char *secret, const char *device, const char *time, const char *nonce,
		const void *body, size_t len, const char *sig_hex);

/* Strict decimal in [min, max]. */
bool hub_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
