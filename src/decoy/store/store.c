/* store.c — the capture store on flash: its layout, the open segment and
 * its writes (group commit), recovery at start, captured binaries, the
 * status file (see store.h and docs/store.md). Sealing and day files are
 * in store_seal.c, space use and eviction in store_evict.c. */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "isotime.h"
#include "json.h"
#include "options.h"
#include "persona/persona.h"
#include "store/store_int.h"
#include "sys/sys.h"

/* ------------------------------------------------------------- helpers */

int store_path_of(char *out, size_t cap, const char *dir, const char *sub, const char *name,
		  const char *ext)
{
	int n = snprintf(out, cap, "%s/%s%s%s%s", dir, sub, *sub ? "/" : "", name, ext);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int store_file_path(const char *dir, const char *hex, char *out, size_t cap)
{
	return store_path_of(out, cap, dir, "files", hex, "");
}

void store_fsync_dir(struct store *s, const char *sub)
{
	char p[384];
	int fd;

	if (store_path_of(p, sizeof p, s->dir, sub, "", ""))
		return;
	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!fsync(fd))
		s->st.syncs++;
	close(fd);
}

void store_seg_key(const struct store *s, const char *base, uint8_t key[SEAL_KEY_LEN])
{
	uint8_t in[14 + 32 + SEG_NAME_MAX], h[SHA256_LEN];
	size_t n = strnlen(base, SEG_NAME_MAX);

	memcpy(in, "tanuki-segment", 14);
	memcpy(in + 14, s->seed, 32);
	memcpy(in + 46, base, n);
	hash_sha256(in, 46 + n, h);
	memcpy(key, h, SEAL_KEY_LEN);
}

static int cmp_seg(const void *a, const void *b)
{
	const struct store_seg *x = a, *y = b;
	int c = strcmp(x->base, y->base);

	return c ? c : (int)y->sealed - (int)x->sealed; /* sealed first */
}

int store_list_segments(const char *dir, bool cleanup, struct store_seg **out, size_t *n)
{
	char p[384];
	DIR *d;
	struct dirent *e;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (store_path_of(p, sizeof p, dir, "events", "", ""))
		return -ENAMETOOLONG;
	d = opendir(p);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		bool sealed;

		if (l > 4 && !strcmp(e->d_name + l - 4, ".tmp")) {
			char t[640];

			if (cleanup &&
			    (size_t)snprintf(t, sizeof t, "%s/%s", p, e->d_name) < sizeof t)
				unlink(t);
			continue;
		}
		if (l > 6 && !strcmp(e->d_name + l - 6, ".jsonl"))
			sealed = false, l -= 6;
		else if (l > 4 && !strcmp(e->d_name + l - 4, ".tzs"))
			sealed = true, l -= 4;
		else
			continue;
		if (l >= STORE_SEG_NAME)
			continue;
		if (*n == cap) {
			struct store_seg *q = realloc(*out, (cap ? cap * 2 : 32) * sizeof(**out));

			if (!q) {
				closedir(d);
				free(*out);
				*out = NULL;
				*n = 0;
				return -ENOMEM;
			}
			*out = q;
			cap = cap ? cap * 2 : 32;
		}
		memcpy((*out)[*n].base, e->d_name, l);
		(*out)[*n].base[l] = '\0';
		(*out)[*n].sealed = sealed;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), cmp_seg);
	return 0;
}

/* Queues an eviction for store_drain_notes(). */
void store_note_add(struct store *s, const char *kind, const char *name, uint64_t bytes,
		    bool delivered, const char *reason)
{
	struct store_note *q;

	if (s->nnotes == s->notes_cap) {
		size_t cap = s->notes_cap ? s->notes_cap * 2 : 32;

		q = cap <= STORE_NOTES_MAX ? realloc(s->notes, cap * sizeof(*q)) : NULL;
		if (!q) {
			s->notes_lost++;
			return;
		}
		s->notes = q;
		s->notes_cap = cap;
	}
	q = &s->notes[s->nnotes++];
	q->kind = kind;
	snprintf(q->name_buf, sizeof q->name_buf, "%s", name);
	q->name = q->name_buf;
	q->bytes = bytes;
	q->delivered = delivered;
	q->reason = reason;
}

/* ------------------------------------------------------------ segments */

static void write_status(struct store *s);
static void roll(struct store *s);

static int open_segment(struct store *s)
{
	char path[384];
	time_t t = (time_t)(sys_wall_us() / 1000000);
	struct tm tm;
	int fd, rc;

	gmtime_r(&t, &tm);
	s->broken = false;
	/* names sort by time: the number restarts each second at the first
	 * free one (a restart within the same second continues after) */
	if ((int64_t)t != s->seg_sec) {
		s->seg_sec = (int64_t)t;
		s->seg_seq = 0;
	}
	if ((rc = sys_mkdirs(s->dir)) ||
	    (rc = store_path_of(path, sizeof path, s->dir, "events", "", "")) ||
	    (rc = sys_mkdirs(path)))
		return rc;
	for (;;) {
		struct stat st;

		snprintf(s->seg, sizeof s->seg, "%04d%02d%02dT%02d%02d%02d-%03u", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 s->seg_seq++ % 1000);
		store_seg_key(s, s->seg, s->seg_key);
		s->sid_seq = 0;
		if ((rc = store_path_of(path, sizeof path, s->dir, "events", s->seg, ".tzs")))
			return rc;
		if (!stat(path, &st))
			continue;
		store_path_of(path, sizeof path, s->dir, "events", s->seg, ".jsonl");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST || s->seg_seq > 100000)
			break;
	}
	if (fd < 0)
		return -errno;
	store_fsync_dir(s, "events");
	s->fd = fd;
	s->seg_bytes = s->seg_synced = 0;
	s->seg_open_ms = sys_mono_ms();
	s->nrefs = 0;
	s->refs_full = false;
	return 0;
}

/* Cuts a plain segment at its last complete line (a power cut's torn
 * tail). */
static void cut_torn(struct store *s, const char *base)
{
	char p[384], tmp[4096];
	struct stat st;
	off_t end, pos;
	int fd;

	if (store_path_of(p, sizeof p, s->dir, "events", base, ".jsonl"))
		return;
	fd = open(p, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || !st.st_size) {
		close(fd);
		return;
	}
	end = st.st_size;
	pos = end;
	while (pos > 0) {
		size_t chunk = pos > (off_t)sizeof tmp ? sizeof tmp : (size_t)pos;
		ssize_t r = pread(fd, tmp, chunk, pos - (off_t)chunk), i;

		if (r != (ssize_t)chunk)
			break;
		for (i = r - 1; i >= 0 && tmp[i] != '\n'; i--)
			;
		if (i >= 0) {
			pos = pos - (off_t)chunk + i + 1;
			break;
		}
		pos -= (off_t)chunk;
	}
	if (pos != end && !ftruncate(fd, pos) && !fdatasync(fd))
		s->st.syncs++;
	close(fd);
}

static int load_unit(struct store *s)
{
	char path[384];
	uint8_t b[40];
	int fd, rc, i;
	ssize_t r;
	int64_t t;

	if ((rc = store_path_of(path, sizeof path, s->dir, "", "unit", "")))
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		r = read(fd, b, sizeof b);
		close(fd);
		if (r == (ssize_t)sizeof b) {
			memcpy(s->seed, b, 32);
			for (t = 0, i = 0; i < 8; i++)
				t = (int64_t)((uint64_t)t << 8 | b[32 + i]);
			s->first_start = t;
			return 0;
		}
	}
	if ((rc = sys_random(b, 32)))
		return rc;
	t = sys_wall_us() / 1000000;
	s->first_start = t;
	for (i = 7; i >= 0; i--, t >>= 8)
		b[32 + i] = (uint8_t)t;
	memcpy(s->seed, b, 32);
	return sys_write_atomic(path, b, sizeof b);
}

int store_open(struct store *s, const char *dir, const struct store_opts *o)
{
	char path[384];
	struct store_seg *v;
	size_t n, i;
	int rc;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->o = *o;
	if (!s->o.sync_ms)
		s->o.sync_ms = STORE_SYNC_MS;
	if (!s->o.segment_max)
		s->o.segment_max = STORE_SEGMENT_MAX;
	if (!s->o.seal_age_ms)
		s->o.seal_age_ms = STORE_SEAL_AGE_MS;
	if (!s->o.quota)
		s->o.quota = STORE_QUOTA;
	if (strlen(dir) >= sizeof s->dir)
		return -ENAMETOOLONG;
	memcpy(s->dir, dir, strlen(dir) + 1);
	buf_init(&s->pending, CAP_EVBUF);
	if ((rc = sys_mkdirs(dir)) ||
	    (rc = store_path_of(path, sizeof path, dir, "files", "", "")) ||
	    (rc = sys_mkdirs(path)) ||
	    (rc = store_path_of(path, sizeof path, dir, "events", "", "")) ||
	    (rc = sys_mkdirs(path)) ||
	    (rc = store_path_of(path, sizeof path, dir, "days", "", "")) ||
	    (rc = sys_mkdirs(path)) || (rc = load_unit(s)))
		return rc;
	store_trim_days(s, true);
	s->start_ms = s->last_write_ms = s->last_sync_ms = sys_mono_ms();
	/* recovery: cut torn tails, seal what the last run left open */
	if (!store_list_segments(dir, true, &v, &n)) {
		for (i = 0; i < n; i++)
			if (!v[i].sealed)
				cut_torn(s, v[i].base);
		free(v);
	}
	store_seal_waiting(s);
	store_rescan(s);
	rc = open_segment(s); /* the first tick enforces the bounds */
	if (!rc)
		store_rescan(s);
	/* everything before now is on flash (recovery synced it) */
	s->synced_through_us = sys_wall_us();
	write_status(s);
	return rc;
}

static void write_pending(struct store *s)
{
	size_t off = 0;

	if (!s->pending.len)
		return;
	if (s->fd >= 0 && !s->broken) {
		struct stat st;

		/* the folder was removed under us: writes to the unlinked file
		 * would succeed and vanish with it; begin a new segment */
		if (!fstat(s->fd, &st) && !st.st_nlink)
			s->broken = true;
	}
	if (s->broken && s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
		s->unsealed = true;
	}
	if (s->fd < 0 && open_segment(s))
		goto drop;
	if (store_used(s) > s->limit && s->limit) {
		store_enforce(s);
		if (s->over)
			goto drop;
	}
	s->write_start_us = sys_wall_us();
	while (off < s->pending.len) {
		ssize_t w = write(s->fd, s->pending.p + off, s->pending.len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* ENOSPC, EROFS, EIO: keep serving; these events are
			 * lost, and the torn segment gets no more lines */
			s->broken = true;
			s->seg_bytes += off;
			goto drop;
		}
		off += (size_t)w;
	}
	s->st.bytes_written += off;
	s->seg_bytes += off;
	s->dirty = true;
	buf_reset(&s->pending);
	s->pending_lines = 0;
	if (s->seg_bytes >= s->o.segment_max)
		roll(s);
	return;
drop:
	s->st.events_dropped += s->pending_lines;
	buf_reset(&s->pending);
	s->pending_lines = 0;
}

static void sync_segment(struct store *s)
{
	if (s->fd >= 0 && s->dirty && !s->broken && !fdatasync(s->fd)) {
		s->st.syncs++;
		s->seg_synced = s->seg_bytes;
		s->synced_through_us = s->write_start_us;
		s->last_sync_us = sys_wall_us();
		s->dirty = false;
		write_status(s);
	}
}

/* Seals the open segment and begins a new one. */
static void roll(struct store *s)
{
	char base[SEG_NAME_MAX];

	sync_segment(s);
	close(s->fd);
	s->fd = -1;
	memcpy(base, s->seg, sizeof base);
	if (store_seal_segment(s, base))
		s->unsealed = true;
	store_rescan(s);
	store_enforce(s);
	if (!open_segment(s))
		store_rescan(s);
}

void store_tick(struct store *s, bool force)
{
	uint64_t now = sys_mono_ms();

	if (force || now - s->last_write_ms >= STORE_FLUSH_MS) {
		store_enforce(s);
		write_pending(s);
		s->last_write_ms = now;
	}
	if (force || now - s->last_sync_ms >= s->o.sync_ms) {
		write_pending(s); /* the sync covers everything committed so far */
		sync_segment(s);
		s->last_sync_ms = now;
	}
	/* a segment opened during this tick is younger than `now` (unsigned:
	 * no wrap to "ancient", which sealed it at once) */
	if (s->fd >= 0 && !s->broken &&
	    (s->seg_bytes >= s->o.segment_max ||
	     (s->seg_bytes && now > s->seg_open_ms && now - s->seg_open_ms >= s->o.seal_age_ms)))
		roll(s);
	if (s->unsealed && now - s->last_write_ms < STORE_FLUSH_MS) {
		store_seal_waiting(s);
		store_rescan(s);
	}
}

void store_event(struct store *s, const char *line, size_t n)
{
	int64_t day = sys_wall_us() / INT64_C(86400000000);
	const char *k;

	if (n + 1 > CAP_EVENT) {
		s->st.events_dropped++;
		return;
	}
	/* a burst is written at once, so the open segment stays near its size */
	if (s->pending.len + n + 1 > s->pending.max ||
	    s->seg_bytes + s->pending.len + n + 1 > s->o.segment_max)
		write_pending(s);
	if (buf_add(&s->pending, line, n) || buf_addc(&s->pending, '\n')) {
		s->st.events_dropped++;
		return;
	}
	s->pending_lines++;
	s->st.events++;
	if (day != s->today) {
		s->today = day;
		s->events_today = 0;
	}
	s->events_today++;
	/* binaries the open segment names are not evicted */
	k = memmem(line, n, "\"shasum\":\"", 10);
	if (k && (size_t)(k - line) + 10 + 64 < n && !s->refs_full) {
		size_t i;

		for (i = 0; i < s->nrefs; i++)
			if (!memcmp(s->refs[i], k + 10, 64))
				break;
		if (i == s->nrefs) {
			if (s->nrefs == STORE_REFS) {
				s->refs_full = true;
			} else {
				memcpy(s->refs[s->nrefs], k + 10, 64);
				s->refs[s->nrefs++][64] = '\0';
			}
		}
	}
}

void store_drain_notes(struct store *s)
{
	struct store_note *v = s->notes;
	size_t i, n = s->nnotes;

	/* the callback may log events, which may evict again: those go to a
	 * new queue, told on the next call */
	s->notes = NULL;
	s->nnotes = s->notes_cap = 0;
	for (i = 0; i < n && s->note; i++) {
		struct store_note copy = v[i];

		copy.name = copy.name_buf;
		s->note(s->note_arg, &copy);
	}
	free(v);
}

void store_session_id(struct store *s, char id[SEAL_SID_LEN + 1])
{
	seal_sid(s->seg_key, s->sid_seq++, id);
}

int store_put_file(struct store *s, const void *data, size_t n, char hex[SHA256_HEX], bool *dup)
{
	uint8_t h[SHA256_LEN];
	char path[384];
	struct stat st;
	int rc;

	hash_sha256(data, n, h);
	hash_hex(h, SHA256_LEN, hex);
	*dup = false;
	if (store_path_of(path, sizeof path, s->dir, "files", hex, ""))
		return -ENAMETOOLONG;
	if (!stat(path, &st) && (size_t)st.st_size == n) {
		*dup = true;
		s->st.files_dup++;
		return 0;
	}
	if (s->limit && store_used(s) + n > s->limit) {
		s->used_base += n; /* as if stored: evict room for it first */
		store_enforce(s);
		s->used_base -= n;
		if (s->over) {
			s->st.files_failed++;
			return -ENOSPC;
		}
	}
	if (!store_path_of(path, sizeof path, s->dir, "files", "", ""))
		sys_mkdirs(path); /* the folder may have vanished */
	store_path_of(path, sizeof path, s->dir, "files", hex, "");
	rc = sys_write_atomic(path, data, n);
	if (rc) {
		s->st.files_failed++;
	} else {
		/* its age for eviction on the store's clock, the one segment
		 * names use (the same as the file system's, except in tests) */
		int64_t us = sys_wall_us();
		struct timespec ts[2] = {{(time_t)(us / 1000000), (long)(us % 1000000) * 1000},
					 {(time_t)(us / 1000000), (long)(us % 1000000) * 1000}};

		utimensat(AT_FDCWD, path, ts, 0);
		s->st.files_new++;
		s->st.bytes_written += n;
		s->st.syncs += 2;
		s->used_base += n;
	}
	return rc;
}

int store_unit(struct store *s, struct persona_unit *u)
{
	memcpy(u->seed, s->seed, 32);
	u->first_start = (time_t)s->first_start;
	return 0;
}

int store_time_fix(struct store *s, const char *boot, int64_t off_us)
{
	char path[384];
	struct buf b;
	size_t lines = 0, i, cut = 0;
	int rc;

	if (store_path_of(path, sizeof path, s->dir, "", "timefix", ""))
		return -ENAMETOOLONG;
	buf_init(&b, STORE_TIMEFIX_LINES * 40u);
	rc = sys_read_file(path, &b);
	if (rc)
		buf_reset(&b); /* none yet, or unreadable: start again */
	for (i = 0; i < b.len; i++)
		lines += b.p[i] == '\n';
	/* the oldest runs go first */
	for (i = 0; i < b.len && lines >= STORE_TIMEFIX_LINES; i++)
		if (b.p[i] == '\n') {
			lines--;
			cut = i + 1;
		}
	buf_consume(&b, cut);
	rc = buf_printf(&b, "%.16s %lld\n", boot, (long long)off_us);
	if (!rc)
		rc = sys_write_atomic(path, b.p, b.len);
	if (!rc)
		s->st.bytes_written += b.len;
	buf_free(&b);
	return rc;
}

/* One JSON line; written with a rename but no sync: it is for people, and
 * a sync per status would double the flash wear of the log. */
static void write_status(struct store *s)
{
	char path[384], tmp[400], ts[28];
	struct buf b;
	struct json j;
	uint64_t up_ms = sys_mono_ms() - s->start_ms + 1;
	int fd;

	if (store_path_of(path, sizeof path, s->dir, "", "status", "") ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return;
	buf_init(&b, 4096);
	json_open(&j, &b);
	iso_format(sys_wall_us(), ts);
	json_cstr(&j, "time", ts);
	json_int(&j, "pid", (int64_t)getpid());
	json_int(&j, "uptime_s", (int64_t)(up_ms / 1000));
	json_int(&j, "sessions", s->sessions);
	json_int(&j, "events", (int64_t)s->st.events);
	json_int(&j, "events_today", (int64_t)s->events_today);
	json_int(&j, "events_dropped", (int64_t)s->st.events_dropped);
	iso_format(s->last_sync_us, ts);
	json_cstr(&j, "last_sync", s->last_sync_us ? ts : "");
	json_int(&j, "synced_through_us", s->synced_through_us);
	json_cstr(&j, "open_segment", s->fd >= 0 ? s->seg : "");
	json_int(&j, "open_synced", (int64_t)s->seg_synced);
	json_int(&j, "store_bytes", (int64_t)store_used(s));
	json_int(&j, "quota_bytes", (int64_t)s->o.quota);
	json_int(&j, "limit_bytes", (int64_t)s->limit);
	json_int(&j, "sealed", (int64_t)s->st.sealed);
	json_int(&j, "evicted_segments", (int64_t)s->st.evicted_segments);
	json_int(&j, "evicted_files", (int64_t)s->st.evicted_files);
	json_int(&j, "evicted_bytes", (int64_t)s->st.evicted_bytes);
	json_int(&j, "files_new", (int64_t)s->st.files_new);
	json_int(&j, "files_failed", (int64_t)s->st.files_failed);
	json_int(&j, "days_held", (int64_t)s->days_held);
	json_int(&j, "days_bytes", (int64_t)s->days_bytes);
	json_int(&j, "evicted_days", (int64_t)s->st.evicted_days);
	json_int(&j, "agg_failed", (int64_t)s->st.agg_failed);
	json_int(&j, "evictions_unlogged", (int64_t)s->notes_lost);
	json_int(&j, "bytes_written", (int64_t)s->st.bytes_written);
	json_int(&j, "syncs", (int64_t)s->st.syncs);
	json_int(&j, "bytes_written_per_hour", (int64_t)(s->st.bytes_written * 3600000u / up_ms));
	json_int(&j, "syncs_per_hour", (int64_t)(s->st.syncs * 3600000u / up_ms));
	/* the decoy's own time (sys.h): its source and how far the kernel's
	 * clock is off */
	json_cstr(&j, "time_source", sys_time_source_name(sys_time_source()));
	json_int(&j, "time_offset_s", sys_time_offset_us() / 1000000);
	if (sys_time_uncertain())
		json_bool(&j, "time_uncertain", true);
	if (s->status_extra)
		s->status_extra(s->status_arg, &j);
	if (!json_close(&j) && !buf_addc(&b, '\n')) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			bool ok = write(fd, b.p, b.len) == (ssize_t)b.len;

			close(fd);
			if (ok && !rename(tmp, path)) {
				s->st.bytes_written += b.len;
				s->st.status_bytes += b.len;
			} else
				unlink(tmp);
		}
	}
	buf_free(&b);
}

void store_close(struct store *s)
{
	store_tick(s, true);
	write_status(s);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	buf_free(&s->pending);
	free(s->notes);
	s->notes = NULL;
	s->nnotes = s->notes_cap = 0;
}
