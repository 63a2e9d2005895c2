/* seal.h — the sealed (compressed) form of an event segment.
 *
 * A sealed segment holds exactly the JSON lines of an open segment and
 * gives them back byte for byte. Lines of the shape the daemon writes
 * ({"key":value,…} with string, integer and boolean values, no spaces) are
 * split into fields and each field is coded by its key: timestamps as
 * deltas, session ids as "derived from the segment key and a counter",
 * addresses and strings through per-key move-to-front dictionaries, numbers
 * through a small recent-value cache — all with an adaptive binary range
 * coder. Strings seen for the first time and any line of another shape go
 * to a text pool compressed by zlib with a preset dictionary. The byte
 * layout is in docs/store.md.
 *
 * The reader is fed flash contents that may be corrupt or that carry
 * attacker bytes: every length is checked, every loop is bounded by the
 * header's counts, and a bad file gives -EBADMSG, never a crash.
 */
#ifndef TANUKI_SEAL_H
#define TANUKI_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SEAL_KEY_LEN 16
#define SEAL_HDR_LEN 64
#define SEAL_SID_LEN 12 /* hex digits of a session id */

struct seal_info {
	uint32_t version;
	uint32_t flags;
	uint32_t nevents; /* lines */
	uint32_t raw_len; /* bytes of the JSON lines, newlines included */
	int64_t first_us; /* first and last event time (0: none) */
	int64_t last_us;
	uint32_t nrefs;	     /* binaries (SHA-256) the segment's events name */
	const uint8_t *refs; /* nrefs × 32 bytes inside the file */
	uint8_t key[SEAL_KEY_LEN];
};

/* The session id of counter `seq` under a segment key: 12 hex digits. */
void seal_sid(const uint8_t key[SEAL_KEY_LEN], uint64_t seq, char out[SEAL_SID_LEN + 1]);

/* Seals the complete lines of text[0..n) (a last line without newline is
 * left out) into out (which it resets). `key` is the segment's session key.
 * The result is decoded again and compared before it is returned: a
 * mismatch falls back to the all-raw form, so the lines always come back
 * identical. Returns 0 or -errno. */
int seal_encode(const char *text, size_t n, const uint8_t key[SEAL_KEY_LEN], struct buf *out);

/* Checks framing and CRC and fills info. Returns 0 or -EBADMSG. */
int seal_check(const uint8_t *p, size_t n, struct seal_info *info);

/* Calls fn for every line (without newline; ts_us 0 when it has no
 * parseable timestamp). fn returns 0 to go on, anything else stops and is
 * returned. Returns 0, fn's value, -EBADMSG or -ENOMEM. */
typedef int (*seal_line_fn)(void *arg, const char *line, size_t n, int64_t ts_us);
int seal_decode(const uint8_t *p, size_t n, seal_line_fn fn, void *arg);

#endif
