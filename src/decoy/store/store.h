/* store.h — the capture store on flash.
 *
 *   <store>/events/<YYYYmmddTHHMMSS>-<n>.jsonl   event segments, JSON lines
 *   <store>/files/<sha256 hex>                    captured binaries, raw
 *   <store>/unit                                  this unit's seed (32 bytes
 *                                                 + first start), made once
 *
 * Events are appended to a RAM buffer and written by store_tick(): at least
 * every STORE_FLUSH_MS, synced every sync interval (group commit) and on
 * store_close(). A write error (ENOSPC, read-only flash, a vanished folder)
 * never stops the daemon: the events are counted as dropped and the store
 * tries again on the next tick.
 *
 * Ownership: the struct lives in its owner; store_close() releases it.
 */
#ifndef TANUKI_STORE_H
#define TANUKI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hash.h"

struct persona_unit;

struct store_stats {
	uint64_t events;         /* accepted into the buffer */
	uint64_t events_dropped; /* lost to a full buffer or a failed write */
	uint64_t bytes_written;
	uint64_t syncs;
	uint64_t files_new, files_dup, files_failed;
};

struct store {
	char dir[256];
	int fd;              /* open segment, -1 if none */
	size_t seg_bytes;
	unsigned seg_seq;
	struct buf pending;  /* complete lines not yet written */
	size_t pending_lines;
	uint64_t last_write_ms, last_sync_ms;
	unsigned sync_ms;
	bool dirty;          /* written since the last sync */
	struct store_stats st;
};

int store_open(struct store *s, const char *dir, unsigned sync_ms);
void store_close(struct store *s);

/* Appends one event (a JSON object, without newline). Never fails loudly:
 * a full buffer drops the event and counts it. */
void store_event(struct store *s, const char *line, size_t n);
/* Writes what is due; `force` writes and syncs everything now. */
void store_tick(struct store *s, bool force);

/* Stores a captured binary as files/<sha256>, atomically. hex receives the
 * digest. *dup says whether it was already there. Returns 0 or -errno. */
int store_put_file(struct store *s, const void *data, size_t n,
		   char hex[SHA256_HEX], bool *dup);

/* Reads <store>/unit or creates it (random seed, now as first start). */
int store_unit(struct store *s, struct persona_unit *u);

#endif
