/* store.h — the capture store on flash (docs/store.md).
 *
 *   <store>/events/<YYYYmmddTHHMMSS>-<NNN>.jsonl  the open segment, JSON lines
 *   <store>/events/<same>.tzs                     sealed segments (seal.h)
 *   <store>/files/<sha256 hex>                    captured binaries, raw
 *   <store>/unit                                  this unit's seed, made once
 *   <store>/cursor                                last segment delivered
 *                                                 upstream (the uplink's)
 *   <store>/status                                one JSON line, after syncs
 *   <store>/days/<YYYYMMDD>.agg                   per-day aggregates (days.h)
 *
 * Events are appended to a RAM buffer, written by store_tick() at least
 * every STORE_FLUSH_MS and synced every sync interval (group commit) and on
 * store_close(). A full or old segment is sealed. Over the quota, or into
 * the reserve of free space, the store evicts (delivered segments, then
 * unreferenced binaries, then the oldest segments). A write error
 * (ENOSPC, read-only flash, a vanished folder) never stops the daemon: the
 * events are counted as dropped and the store tries again on the next tick.
 *
 * Ownership: the struct lives in its owner; store_close() releases it.
 */
#ifndef TANUKI_STORE_H
#define TANUKI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "hash.h"
#include "store/seal.h"

struct json;

struct persona_unit;

struct store_stats {
	uint64_t events;	 /* accepted into the buffer */
	uint64_t events_dropped; /* lost to a full buffer, a full store or a failed write */
	uint64_t bytes_written;	 /* to flash: lines, sealed segments, binaries, status */
	uint64_t status_bytes;	 /* … of which the status file */
	uint64_t syncs;		 /* fsync/fdatasync calls */
	uint64_t files_new, files_dup, files_failed;
	uint64_t sealed, seal_failed;
	uint64_t evicted_segments, evicted_files, evicted_bytes;
	uint64_t evicted_days; /* day files past a year (or the budget) */
	uint64_t agg_failed;   /* day files that could not be read or written */
};

struct store_opts {
	unsigned sync_ms;     /* group commit interval */
	uint64_t quota;	      /* bytes the whole store may use */
	uint64_t reserve;     /* free bytes of the file system never taken */
	size_t segment_max;   /* an open segment is sealed at this size … */
	unsigned seal_age_ms; /* … or this age */
};

/* What the store tells its owner (to log it as an event). */
struct store_note {
	const char *kind; /* "segment", "file" or "day" (days/, days.h) */
	const char *name;
	uint64_t bytes;
	bool delivered;
	const char *reason; /* "quota" or "reserve"; for a day "age" or "budget" */
	char name_buf[72];
};

/* Evictions waiting to be told (a burst at start, over a lowered quota, can
 * be long): the queue grows to this many (~120 KB) and is freed when
 * drained; past it they are counted only (evictions_unlogged). */
#define STORE_NOTES_MAX 1024

#define STORE_REFS 128

#define STORE_SEG_NAME 48 /* a segment's base name, NUL included */

/* A segment in events/: its base name and whether it is sealed (.tzs) or
 * plain (.jsonl). */
struct store_seg {
	char base[STORE_SEG_NAME];
	bool sealed;
};

/* Lists <dir>/events sorted by name (a sealed segment before a plain one of
 * the same name). `cleanup` removes leftover .tmp files (the store does at
 * start; the tools, which may read a live store, must not). *out is
 * malloc'd: the caller frees it. Returns 0 or -errno. */
int store_list_segments(const char *dir, bool cleanup, struct store_seg **out, size_t *n);

struct store {
	char dir[256];
	struct store_opts o;
	uint8_t seed[32];
	int64_t first_start;
	int fd;	      /* open segment, -1 if none */
	char seg[48]; /* its base name */
	uint8_t seg_key[SEAL_KEY_LEN];
	uint64_t sid_seq; /* session ids handed out in this segment */
	size_t seg_bytes, seg_synced;
	uint64_t seg_open_ms;
	unsigned seg_seq; /* number of the next segment in second seg_sec */
	int64_t seg_sec;
	bool broken;	    /* a write failed: start a new segment */
	bool unsealed;	    /* an old segment waits to be sealed */
	struct buf pending; /* complete lines not yet written */
	size_t pending_lines;
	uint64_t last_write_ms, last_sync_ms, start_ms;
	int64_t write_start_us;	   /* wall time before the last write */
	int64_t synced_through_us; /* events committed before this are on flash */
	int64_t last_sync_us;
	bool dirty;	    /* written since the last sync */
	uint64_t used_base; /* bytes of the store without the open segment */
	bool over;	    /* could not get under the limit */
	uint64_t limit;
	char refs[STORE_REFS][SHA256_HEX]; /* binaries the open segment names */
	size_t nrefs;
	bool refs_full;
	int64_t today; /* day number of events_today */
	uint64_t events_today;
	unsigned sessions;	  /* set by the owner, for the status file */
	size_t days_held;	  /* day files in days/ (days.h) … */
	uint64_t days_bytes;	  /* … and their bytes */
	struct store_note *notes; /* malloc'd queue, taken by store_drain_notes() */
	size_t nnotes, notes_cap;
	uint64_t notes_lost;
	void (*note)(void *arg, const struct store_note *n);
	void *note_arg;
	/* Optional: adds the owner's fields to the status file (the scan
	 * picture of the WAN side). */
	void (*status_extra)(void *arg, struct json *j);
	void *status_arg;
	struct store_stats st;
};

int store_open(struct store *s, const char *dir, const struct store_opts *o);
void store_close(struct store *s);

/* Appends one event (a JSON object, without newline). Never fails loudly:
 * a full buffer drops the event and counts it. */
void store_event(struct store *s, const char *line, size_t n);
/* Writes what is due; `force` writes and syncs everything now. */
void store_tick(struct store *s, bool force);

/* Hands the evictions since the last call to the note callback (called by
 * the owner from its tick, never from inside the store). */
void store_drain_notes(struct store *s);

/* The next session id (12 hex digits), derived from the open segment's key
 * and a counter so that sealed segments need not store it. */
void store_session_id(struct store *s, char id[SEAL_SID_LEN + 1]);

/* Stores a captured binary as files/<sha256>, atomically. hex receives the
 * digest. *dup says whether it was already there. Returns 0 or -errno. */
int store_put_file(struct store *s, const void *data, size_t n, char hex[SHA256_HEX], bool *dup);

/* The path of a captured binary in the store folder dir: <dir>/files/<hex>,
 * the one place that spells the layout for the event's "outfile", the
 * uplink and the tools. Returns 0, or -ENAMETOOLONG with a cut path in out. */
int store_file_path(const char *dir, const char *hex, char *out, size_t cap);

/* The unit seed read or made by store_open(). */
int store_unit(struct store *s, struct persona_unit *u);

/* The decoy learned its time (sys.h) after events of this run were
 * stamped uncertain (evlog.h's boot id): <store>/timefix keeps
 * "BOOT OFFSET_US" per such run (the last STORE_TIMEFIX_LINES), so that
 * `tanuki export` corrects those events without reading the log twice.
 * Written atomically, once per run. 0 or -errno. */
#define STORE_TIMEFIX_LINES 256
int store_time_fix(struct store *s, const char *boot, int64_t off_us);

/* The tools (tanuki export / verify / status). since/until: 0 = open. */
int store_export(const char *dir, int64_t since_us, int64_t until_us, FILE *out);
/* `tanuki export --days`: one JSON line per day file (docs/store.md), in
 * day order; days that end before since or begin at or after until are
 * left out. */
int store_export_days(const char *dir, int64_t since_us, int64_t until_us, FILE *out);
int store_verify(const char *dir, FILE *out);
int store_status(const char *dir, uint64_t quota, FILE *out);

#endif
