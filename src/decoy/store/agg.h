/* agg.h — per-day aggregates of the capture store (docs/store.md).
 *
 *   <store>/days/<YYYYMMDD>.agg   one file per UTC day, written atomically
 *
 * When a segment is sealed its events are folded into the files of the
 * days they belong to: counts of events and successful logins, and four
 * categories — credentials (username + password of each login attempt),
 * sources (src_ip of each connection), commands (input) and binaries
 * (shasum) — each with its most frequent keys and an "other" count, so
 * that every category's total stays exact when keys are left out. A day
 * file is at most AGG_DAY_MAX bytes (the least frequent keys go to "other"
 * until it fits) and days older than AGG_DAYS_KEEP are removed, so a year
 * of aggregates stays under AGG_BUDGET whatever the traffic.
 *
 * Keys are kept as the JSON string contents of the event line (escaped):
 * the reader checks that each is a valid JSON string body, so an export
 * can print them between quotes as they are.
 *
 * The reader is fed flash contents: every length and count is checked and
 * a bad file gives -EBADMSG, never a crash.
 *
 * Ownership: struct agg_day holds malloc'd tables; agg_day_free() releases
 * them.
 */
#ifndef TANUKI_AGG_H
#define TANUKI_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

/* A year (366 days) of day files in 256 KiB: 366 × 716 < 262 144. */
#define AGG_BUDGET (256u * 1024u)
#define AGG_DAYS_KEEP 366
#define AGG_DAY_MAX 716
/* Bytes of one key: longer commands and credentials are cut (at a
 * character boundary); enough for Mirai's loader lines' distinct start. */
#define AGG_KEY_MAX 96
/* Distinct keys per category held in RAM while folding a day; past it,
 * counts go to "other". A fold holds the day file's keys (≤ AGG_TOP) and
 * the segment's: a 512 KB segment of Mirai traffic has ~700 sources,
 * ~80 KB of tables; the worst case (every category full) is ~1.9 MB, freed
 * when the day is written. */
#define AGG_ENTRIES_MAX 4096
/* Keys per category a day file starts from before trimming to fit. */
#define AGG_TOP 48

enum { AGG_CRED, AGG_SRC, AGG_CMD, AGG_BIN, AGG_CATS };

struct agg_ent {
	uint64_t count;
	uint8_t len;
	char key[AGG_KEY_MAX];
};

struct agg_cat {
	uint64_t total, other;      /* total = sum of counts + other */
	struct agg_ent *e;
	size_t n, cap;
	uint32_t *idx;              /* open addressing: entry + 1, 0 empty */
	size_t idx_cap;
};

struct agg_day {
	int32_t day;                /* days since 1970-01-01 (UTC) */
	char through[48];           /* last segment folded in ("" none) */
	uint64_t events, login_success;
	struct agg_cat cat[AGG_CATS];
};

void agg_day_init(struct agg_day *d, int32_t day);
void agg_day_free(struct agg_day *d);

/* Counts one key (len ≤ AGG_KEY_MAX) in a category. */
void agg_add(struct agg_day *d, int cat, const char *key, size_t len, uint64_t count);

/* Folds the complete lines of text[0..n) that fall on d->day into d. */
void agg_fold_lines(struct agg_day *d, const char *text, size_t n);

/* The days (since 1970) the lines of text touch, at most max of them, in
 * order of first appearance. Returns how many. */
size_t agg_days_of(const char *text, size_t n, int32_t *days, size_t max);

/* The file form of d, at most `max` bytes (keys beyond what fits are
 * counted in "other"). Sorts d's tables in place, most frequent first
 * (their content is unchanged). Returns 0 or -errno. */
int agg_encode(const struct agg_day *d, size_t max, struct buf *out);
/* Parses a day file into d (which it initialises). 0, -EBADMSG, -ENOMEM. */
int agg_parse(const uint8_t *p, size_t n, struct agg_day *d);

/* One JSON line (with newline) for d. Returns 0 or -errno. */
int agg_json(const struct agg_day *d, struct buf *out);

/* "YYYYMMDD" of a day number; and back (false if not a day name). */
void agg_day_name(int32_t day, char out[9]);
bool agg_parse_day_name(const char *s, size_t n, int32_t *day);

#endif
