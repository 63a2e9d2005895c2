/* limits.h — every cap of the hub in one place, each with its reason.
 *
 * The hub is reachable by anyone who can reach its port, so everything an
 * unauthenticated client can make it hold is bounded here.
 */
#ifndef TANUKI_HUB_LIMITS_H
#define TANUKI_HUB_LIMITS_H

/* Largest summary body by default (option max_body_kb overrides). A 300 s
 * summary of a busy decoy is a few tens of KB; optional raw events make it
 * larger, and the decoy splits what does not fit. */
#define HUB_BODY_DEFAULT (1024 * 1024)
/* Hard ceiling for option max_body_kb: the body is held in memory whole. */
#define HUB_BODY_MAX (16 * 1024 * 1024)
/* JSON nodes per body: ~1 node per 8 bytes is the densest real JSON we
 * produce ({"a":1} per node); beyond that it is junk. */
#define HUB_JSON_NODES(len) ((len) / 4 + 64)
/* Nesting: a summary is 4 deep, raw events a few more. */
#define HUB_JSON_DEPTH 32
/* Replay window (seconds) for X-Tanuki-Time; nonces are kept twice as long. */
#define HUB_TIME_WINDOW 300
/* Device names: short, printable, safe in logs, URLs and UCI. */
#define HUB_NAME_MAX 64
/* Strings in a summary (usernames, commands, URLs) are cut by the decoy;
 * the hub refuses longer ones instead of storing unbounded text. */
#define HUB_STR_MAX 4096
/* Simultaneous connections and the idle timeout (slow clients). When the
 * table is full a new connection evicts an idle one (gate.c); the server's
 * own limit leaves room for evicted ones until their close is seen. */
#define HUB_CONN_MAX 256
#define HUB_CONN_SLOTS (2 * HUB_CONN_MAX)
#define HUB_CONN_TIMEOUT_S 30
/* Connections per source (an IPv4 address, an IPv6 /64): a decoy holds one
 * at a time, a NAT of decoys and an operator's browser a few; 256 idle
 * sockets from one address must not lock everybody out. */
#define HUB_CONN_PER_SRC 16
/* From accept to complete request headers (TLS hello included): a real
 * client takes milliseconds; slowloris takes forever. */
#define HUB_HELLO_S 10
/* From the headers to the last byte of an unauthenticated body: 1 MiB in
 * 60 s is ~17 KB/s, slower than any uplink we expect to serve. */
#define HUB_BODY_S 60
/* Unauthenticated body bytes in flight (reserved from Content-Length before
 * the body is read): in all, and per source. Raised to max_body when that
 * is larger, so one largest body always fits. The hub's worst-case memory
 * for bodies it cannot yet verify is HUB_UNAUTH_MAX. */
#define HUB_UNAUTH_MAX (32 * 1024 * 1024)
#define HUB_UNAUTH_SRC (2 * 1024 * 1024)
/* API: rows per list answer, and the answer's size. */
#define HUB_API_LIMIT_DEFAULT 100
#define HUB_API_LIMIT_MAX 10000
#define HUB_API_OUT_MAX (8 * 1024 * 1024)
/* Dashboard. Forms (login, logout) are tiny; anything bigger is junk.
 * A login costs one Argon2id verification (~64 MiB, ~0.1 s on the server
 * thread), so attempts are limited per source and in all. */
#define HUB_FORM_MAX 4096
#define HUB_PASSWORD_MIN 10
#define HUB_SESSION_S (12 * 3600)
#define HUB_LOGIN_SRC_MAX 10 /* verifications per source per window */
#define HUB_LOGIN_ALL_MAX 30 /* verifications in all per window */
#define HUB_LOGIN_WINDOW_S 300
/* A YARA scan of one binary (≤ max_body): libyara's own timeout. */
#define HUB_LABEL_TIMEOUT_S 10
/* Search text and a fleet member's silence before it is marked stale. */
#define HUB_SEARCH_MAX 256
#define HUB_STALE_S 3600

/* ---- exports (Splunk HEC, Elasticsearch _bulk; export.c) ---- */
/* Events per request: option batch, default and ceiling. An ES answer
 * carries ~250 bytes per item; 1000 keeps it well under its bound. */
#define HUB_EXPORT_BATCH_DEFAULT 100
#define HUB_EXPORT_BATCH_MAX 1000
/* Raw event bytes per request (at least one event goes, whatever its size:
 * one event is at most a summary body, HUB_BODY_MAX). */
#define HUB_EXPORT_REQ_MAX (4 * 1024 * 1024)
/* A receiver's answer is read up to this and refused beyond: HEC answers
 * {"text":"Success","code":0}; _bulk one small object per item. */
#define HUB_EXPORT_ANSWER_MAX(items) (16 * 1024 + 1024 * (size_t)(items))
/* Connect and whole-request timeouts: a request never holds the lease
 * longer than HUB_EXPORT_TIMEOUT_S, far inside HUB_EXPORT_LEASE_S. */
#define HUB_EXPORT_CONNECT_S 10
#define HUB_EXPORT_TIMEOUT_S 30
/* A hub sends for an export while it holds the lease in the database; one
 * that stopped without releasing it is replaced after this. Hubs' clocks
 * must agree to well within it (NTP). */
#define HUB_EXPORT_LEASE_S 120
/* Retries: 1 s, doubled per consecutive failure, at most 300 s (a
 * Retry-After header longer than the step is honoured up to the cap). */
#define HUB_EXPORT_BACKOFF_MIN_MS 1000
#define HUB_EXPORT_BACKOFF_MAX_MS (300 * 1000)
/* The queue is polled this often besides the ingest's kick (another hub on
 * the same PostgreSQL may have queued events). */
#define HUB_EXPORT_POLL_MS 1000

#endif
