/* isotime.h — the event timestamps: "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC,
 * microseconds, as Cowrie writes them) <-> microseconds since the epoch.
 * Pure functions over the proleptic Gregorian calendar; no libc time zone
 * state, no allocation.
 */
#ifndef TANUKI_ISOTIME_H
#define TANUKI_ISOTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISO_TIME_LEN 27 /* characters, without the NUL */

/* Writes ISO_TIME_LEN characters and a NUL. Times outside the years
 * 1970-9999 are written as the epoch. */
void iso_format(int64_t us, char out[ISO_TIME_LEN + 1]);

/* Parses exactly that form (n must be ISO_TIME_LEN); dates that do not
 * exist (Feb 30) are refused. */
bool iso_parse(const char *s, size_t n, int64_t *us);

/* The time of a JSON event line: the value of its first "timestamp" key.
 * false if it has none or it does not parse. */
bool iso_line_time(const char *line, size_t n, int64_t *us);

#endif
