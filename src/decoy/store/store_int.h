/* store_int.h — what the parts of the store share: store.c (layout, the
 * open segment, writes, the API), store_seal.c (sealing, day files) and
 * store_evict.c (space use, eviction). Not for other modules: they use
 * store.h.
 */
#ifndef TANUKI_STORE_INT_H
#define TANUKI_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define SEG_NAME_MAX STORE_SEG_NAME

/* store.c */
/* <dir>/<sub>/<name><ext> (no "/" after an empty sub) into out; 0 or
 * -ENAMETOOLONG. */
int store_path_of(char *out, size_t cap, const char *dir, const char *sub, const char *name,
		  const char *ext);
/* Syncs the folder <store>/<sub> (after a create, rename or unlink). */
void store_fsync_dir(struct store *s, const char *sub);
/* The sealing key of segment `base`, from the unit seed. */
void store_seg_key(const struct store *s, const char *base, uint8_t key[SEAL_KEY_LEN]);
/* Queues an eviction for store_drain_notes(). */
void store_note_add(struct store *s, const char *kind, const char *name, uint64_t bytes,
		    bool delivered, const char *reason);

/* store_seal.c */
/* Removes day files past DAYS_KEEP or over DAYS_BUDGET (days.h); `cleanup`
 * also removes .tmp leftovers (at start). */
void store_trim_days(struct store *s, bool cleanup);
/* Seals events/<base>.jsonl into <base>.tzs (its day files first) and
 * removes the plain file. 0 or -errno. */
int store_seal_segment(struct store *s, const char *base);
/* Seals every plain segment but the open one. */
void store_seal_waiting(struct store *s);

/* store_evict.c */
/* Counts the bytes on flash again (all but the open segment). */
void store_rescan(struct store *s);
/* Bytes the store uses, the open segment and the RAM buffer included. */
uint64_t store_used(const struct store *s);
/* Evicts until the store is under its limit (s->limit, s->over). */
void store_enforce(struct store *s);

#endif
