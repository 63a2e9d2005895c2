/* cursor.h — where the uplink is in the store: <store>/cursor, and reading
 * the store's events from a position on.
 *
 * A position is (segment base name, line index): the store seals a segment
 * into .tzs under the same base name with the same lines in the same order
 * (docs/store.md), so a position stays valid across sealing.
 *
 * The file (text, rewritten atomically: tmp, fsync, rename, fsync of the
 * folder):
 *
 *   20261127T071950-000          last segment wholly delivered (the store's
 *                                eviction reads only this line; may be empty)
 *   tanuki-cursor 1
 *   acked SEQ SEG IDX TO         the hub acknowledged SEQ, which ended at
 *                                (SEG, IDX) and period end TO
 *   pending SEQ SEG IDX TO DONE  SEQ was cut at (SEG, IDX) and may have been
 *                                sent: after a restart it is rebuilt over
 *                                exactly that range, so a resend is the
 *                                same summary (the hub keeps the first)
 *
 * SEG is "-" before the first segment.
 */
#ifndef TANUKI_CURSOR_H
#define TANUKI_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define CUR_SEG_MAX STORE_SEG_NAME

struct up_pos {
	char seg[CUR_SEG_MAX]; /* "" = before everything */
	uint64_t idx;
};

struct up_cursor {
	char delivered[CUR_SEG_MAX];
	uint64_t acked_seq;
	struct up_pos acked;
	int64_t acked_to;
	bool pending;
	uint64_t pend_seq;
	struct up_pos pend;
	int64_t pend_to;
	char pend_done[CUR_SEG_MAX];
};

/* 0, -ENOENT (no cursor yet: *c zeroed) or -EBADMSG (unreadable). */
int cursor_read(const char *store, struct up_cursor *c);
/* 0 or -errno. */
int cursor_write(const char *store, const struct up_cursor *c);

/* Called for each event line in order; return nonzero to stop before it
 * (that line is not consumed). */
typedef int (*scan_fn)(void *arg, const char *line, size_t n);

struct scan {
	const char *store;
	struct up_pos from;
	const struct up_pos *until; /* stop at this position (NULL: at the end) */
	const char *open_seg;	    /* the segment being written, if any … */
	size_t open_synced;	    /* … and how many of its bytes are synced */
	/* out */
	struct up_pos end;	/* first line not consumed */
	char done[CUR_SEG_MAX]; /* last sealed segment consumed to its end */
	bool stopped;		/* scan_fn said stop */
	uint64_t lines;
};

/* 0, or -errno for a store that cannot be listed. Unreadable segments are
 * skipped (tanuki verify reports them). */
int cursor_scan(struct scan *s, scan_fn fn, void *arg);

#endif
