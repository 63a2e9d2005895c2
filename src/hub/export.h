/* export.h — pushing the raw events the hub stores to Splunk's HTTP Event
 * Collector and Elasticsearch's _bulk API (docs/hub.md, "Exports").
 *
 * Config: `config export 'NAME'` sections beside `config hub`, parsed by
 * export_conf_parse. Running: export_start() opens a second database
 * connection and runs one worker thread that sends for every configured
 * export in turn (libcurl, GnuTLS flavour); the ingest path only queues
 * rows in its own transaction (db_export.h) and calls export_kick().
 *
 * Threads: export_kick() may be called from any thread; the rest from the
 * main thread. Ownership: export_start() returns a handle released by
 * export_stop() (which joins the worker; NULL is taken).
 */
#ifndef TANUKI_HUB_EXPORT_H
#define TANUKI_HUB_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uci.h"

#define EXPORT_MAX 8
#define EXPORT_NAME_MAX 32

enum export_type { EXPORT_SPLUNK, EXPORT_ELASTIC };

struct export_conf {
	char name[EXPORT_NAME_MAX + 1];
	enum export_type type;
	char url[1100];			   /* the endpoint, the vendor's path added when none */
	char token[256];		   /* Splunk: Authorization: Splunk <token> */
	char user[128];			   /* Elasticsearch: Basic */
	char password[256];		   /* with user */
	char api_key[512];		   /* Elasticsearch: Authorization: ApiKey <api_key> */
	char index[128];		   /* "" = the token's default (Splunk); "tanuki" (ES) */
	char source[128], sourcetype[128]; /* Splunk's fields */
	int batch;			   /* events per request */
	char ca_file[1024];		   /* "" = the system's CAs */
	char pin[128];			   /* "sha256//<base64>" as libcurl takes it, or "" */
};

/* Parses one `config export` section into e. 0, or 2 after printing
 * "FILE:LINE: problem" (config errors exit 2). */
int export_conf_parse(struct uci_sec *s, struct export_conf *e, const char *path);

struct store;
struct exporter;
/* db: the hub's database string (a second connection is opened); holder:
 * this process's name in the leases (stable across restarts of one hub).
 * Registers the exports and drops those no longer configured. NULL with
 * err set on failure; n == 0 gives NULL and no error (nothing to run). */
struct exporter *export_start(const struct export_conf *ex, int n, const char *db,
			      const char *holder, char *err, size_t errlen);
void export_kick(struct exporter *x);
void export_stop(struct exporter *x);

#endif
