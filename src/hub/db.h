/* db.h — the hub's schema and every query, written once for both backends.
 *
 * All functions return 0 or a negative errno (-EIO: see st->err).
 * API answers are appended to `out` as one JSON document.
 */
#ifndef TANUKI_HUB_DB_H
#define TANUKI_HUB_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "jp.h"
#include "store.h"
#include "summary.h"

#define DB_SECRET_LEN 64 /* hex characters of a device secret */

int db_init(struct store *st);
/* -EEXIST when the device is already enrolled. */
int db_device_add(struct store *st, const char *name, const char *secret, int64_t now);
/* -ENOENT for an unknown device. out gets DB_SECRET_LEN+1 bytes. */
int db_device_secret(struct store *st, const char *name, char out[DB_SECRET_LEN + 1]);
/* 0 when the nonce is new (and now recorded), -EALREADY for a replay. */
int db_nonce_use(struct store *st, const char *device, const char *nonce, int64_t t);
/* Records the nonce (as db_nonce_use) and stores one summary, in one
 * transaction. *dup is set when (device, seq) was already stored: then
 * only the nonce is recorded. -EALREADY: replayed nonce, nothing changed. */
int db_ingest(struct store *st, const struct jdoc *d, const struct summary *s, const char *body,
	      const char *nonce, int64_t now, bool *dup);
/* Drops summaries older than `days` (0 keeps all; counted in whole UTC
 * days) and stale nonces. */
int db_prune(struct store *st, int64_t now, int64_t days, int64_t window);

/* Daily roll-ups (db_roll.c; used by the dashboard, web_views.c):
 *   roll_day (kind, device, pday, hk, hk2, k, k2, n): per UTC day
 *     (pday = pfrom / 86400 * 86400) and decoy, the sum of n per key k (k2:
 *     the password of a 'pair'); kinds port, event, pair, user, pass, ip,
 *     cmd, cve; device '' holds the fleet's sums.
 *   roll_sum (device, pday, summaries, sessions): the same for summaries.
 * db_roll_init makes the tables and builds them from the per-summary
 * tables when they are new (*built then true); db_roll_ingest adds one new
 * summary's rows (inside db_ingest's transaction); db_roll_prune drops the
 * days before `day`. */
int db_roll_init(struct store *st, bool *built);
int db_roll_ingest(struct store *st, const char *device, int64_t seq, int64_t pfrom);
int db_roll_prune(struct store *st, int64_t day);

/* A binary's family label (label.h) and the rule set's hash that made it;
 * db_label_rules gives that hash, -ENOENT when never labelled. */
int db_label_set(struct store *st, const char *sha, const char *family, const char *rules,
		 int64_t now);
int db_label_rules(struct store *st, const char *sha, char *out, size_t len);

/* Dashboard accounts: hash is libsodium's crypto_pwhash_str text. add
 * replaces an existing user's hash; hash/session lookups give -ENOENT.
 * Sessions are keyed by the hex SHA-256 of the cookie, never the cookie. */
int db_user_add(struct store *st, const char *name, const char *hash, int64_t now);
int db_user_hash(struct store *st, const char *name, char *out, size_t len);
int db_session_add(struct store *st, const char *token, const char *name, const char *csrf,
		   int64_t now, int64_t expires);
int db_session_get(struct store *st, const char *token, int64_t now, char *name, size_t nlen,
		   char *csrf, size_t clen);
int db_session_del(struct store *st, const char *token);

int db_api_totals(struct store *st, int64_t from, int64_t to, struct buf *out);
int db_api_devices(struct store *st, struct buf *out);
/* which: "credentials", "sources", "commands", "exploits". */
int db_api_top(struct store *st, const char *which, int64_t from, int64_t to, int64_t limit,
	       struct buf *out);
int db_api_binaries(struct store *st, int64_t limit, struct buf *out);
/* The raw events summaries carried (option events '1' on the decoy), one
 * JSON object a line, for Logstash/Splunk/Elasticsearch pulls. */
int db_api_events(struct store *st, int64_t from, int64_t to, int64_t limit, struct buf *out);

#endif
