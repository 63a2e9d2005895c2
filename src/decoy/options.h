/* options.h — compile-time options of the decoy, each overridable with
 * -D on the compiler line (the Makefile's OPTIONS variable). */
#ifndef TANUKI_OPTIONS_H
#define TANUKI_OPTIONS_H

/* Where persona folders live on the device. */
#ifndef TANUKI_PERSONA_DIR
#define TANUKI_PERSONA_DIR "/usr/share/tanuki/personas"
#endif

/* The persona a unit plays when its config names none. */
#ifndef TANUKI_DEFAULT_PERSONA
#define TANUKI_DEFAULT_PERSONA "xiongmai-dvr"
#endif

/* The store on the router's writable flash (OpenWrt overlay). */
#ifndef TANUKI_DEFAULT_STORE
#define TANUKI_DEFAULT_STORE "/overlay/tanuki"
#endif

/* Event log: buffered events are written at least this often (ms) … */
#ifndef STORE_FLUSH_MS
#define STORE_FLUSH_MS 1000
#endif
/* … and synced to flash this often (group commit; power cut loses at most
 * this much). Flash wears with every sync; seconds are what matter here. */
#ifndef STORE_SYNC_MS
#define STORE_SYNC_MS 5000
#endif
/* An open event segment is sealed (compressed, docs/store.md) and a new one
 * begun at this size (config segment_kb) … A bigger segment seals to fewer
 * bytes per event, but it is kept uncompressed until then and counts
 * against the quota as it is: 512 KB is ~600 failed logins. */
#ifndef STORE_SEGMENT_MAX
#define STORE_SEGMENT_MAX (512u * 1024u)
#endif
/* … or at this age (config seal_age_s), so a quiet unit's log is compact
 * and delivered whole before long. */
#ifndef STORE_SEAL_AGE_MS
#define STORE_SEAL_AGE_MS (3600u * 1000u)
#endif
/* The whole store's size (config quota_kb): a quarter of a 4 MB overlay,
 * half of a small one; the reserve (config reserve_kb) keeps free space
 * for the system's own writes (opkg, config saves). */
#ifndef STORE_QUOTA
#define STORE_QUOTA (1024u * 1024u)
#endif
#ifndef STORE_RESERVE
#define STORE_RESERVE (256u * 1024u)
#endif

#ifndef TANUKI_VERSION
#define TANUKI_VERSION "0.1.0"
#endif

#endif
