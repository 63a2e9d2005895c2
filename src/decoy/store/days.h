/* days.h — per-day aggregates of the capture store (docs/store.md).
 *
 *   <store>/days/<YYYYMMDD>.agg   one file per UTC day, written atomically
 *
 * When a segment is sealed its events are folded into the files of the
 * days they belong to: counts of events and successful logins, and four
 * categories — credentials (username + password of each login attempt),
 * sources (src_ip of each connection), commands (input) and binaries
 * (shasum) — each with its most frequent keys and an "other" count, so
 * that every category's total stays exact when keys are left out. A day
 * file is at most DAY_FILE_MAX bytes (the least frequent keys go to "other"
 * until it fits) and days older than DAYS_KEEP are removed, so a year
 * of aggregates stays under DAYS_BUDGET whatever the traffic.
 *
 * Keys are kept as the JSON string contents of the event line (escaped):
 * the reader checks that each is a valid JSON string body, so an export
 * can print them between quotes as they are.
 *
 * The reader is fed flash contents: every length and count is checked and
 * a bad file gives -EBADMSG, never a crash.
 *
 * Ownership: struct day_agg holds malloc'd tables; day_agg_free() releases
 * them.
 */
#ifndef TANUKI_STORE_DAYS_H
#define TANUKI_STORE_DAYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

/* A year (366 days) of day files in 256 KiB: 366 × 716 < 262 144. */
#define DAYS_BUDGET (256u * 1024u)
#define DAYS_KEEP 366
#define DAY_FILE_MAX 716
/* Bytes of one key: longer commands and credentials are cut (at a
 * character boundary); enough for Mirai's loader lines' distinct start. */
#define DAY_KEY_MAX 96
/* Distinct keys per category held in RAM while folding a day; past it,
 * counts go to "other". A fold holds the day file's keys (≤ DAY_TOP) and
 * the segment's: a 512 KB segment of Mirai traffic has ~700 sources,
 * ~80 KB of tables; the worst case (every category full) is ~1.9 MB, freed
 * when the day is written. */
#define DAY_KEYS_MAX 4096
/* Keys per category a day file starts from before trimming to fit. */
#define DAY_TOP 48

enum { DAY_CRED, DAY_SRC, DAY_CMD, DAY_BIN, DAY_CATS };

struct day_key {
	uint64_t count;
	uint8_t len;
	char key[DAY_KEY_MAX];
};

struct day_cat {
	uint64_t total, other; /* total = sum of counts + other */
	struct day_key *e;
	size_t n, cap;
	uint32_t *idx; /* open addressing: entry + 1, 0 empty */
	size_t idx_cap;
};

struct day_agg {
	int32_t day;	  /* days since 1970-01-01 (UTC) */
	char through[48]; /* last segment folded in ("" none) */
	uint64_t events, login_success;
	struct day_cat cat[DAY_CATS];
};

void day_agg_init(struct day_agg *d, int32_t day);
void day_agg_free(struct day_agg *d);

/* Counts one key (len ≤ DAY_KEY_MAX) in a category. */
void day_agg_add(struct day_agg *d, int cat, const char *key, size_t len, uint64_t count);

/* Folds the complete lines of text[0..n) that fall on d->day into d. */
void day_agg_fold(struct day_agg *d, const char *text, size_t n);

/* The days (since 1970) the lines of text touch, at most max of them, in
 * order of first appearance. Returns how many. */
size_t day_agg_days_of(const char *text, size_t n, int32_t *days, size_t max);

/* The file form of d, at most `max` bytes (keys beyond what fits are
 * counted in "other"). Sorts d's tables in place, most frequent first
 * (their content is unchanged). Returns 0 or -errno. */
int day_agg_encode(const struct day_agg *d, size_t max, struct buf *out);
/* Parses a day file into d (which it initialises). 0, -EBADMSG, -ENOMEM. */
int day_agg_parse(const uint8_t *p, size_t n, struct day_agg *d);

/* One JSON line (with newline) for d. Returns 0 or -errno. */
int day_agg_json(const struct day_agg *d, struct buf *out);

/* "YYYYMMDD" of a day number; and back (false if not a day name). */
void day_name(int32_t day, char out[9]);
bool day_parse_name(const char *s, size_t n, int32_t *day);

#endif
