/* store_evict.c — the store's space: bytes used on flash, the limit
 * (quota, or less to keep the reserve of free space) and eviction to get
 * under it: delivered segments and unreferenced binaries oldest first, then
 * the oldest segments. Part of the store (store_int.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"
#include "sys/sys.h"

/* ------------------------------------------------------------ space use */

static uint64_t dir_bytes(const char *dir, const char *sub, const char *skip)
{
	char p[384];
	DIR *d;
	struct dirent *e;
	uint64_t sum = 0;
	int dfd;

	if (store_path_of(p, sizeof p, dir, sub, "", ""))
		return 0;
	d = opendir(p);
	if (!d)
		return 0;
	dfd = dirfd(d);
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.' || (skip && !strcmp(e->d_name, skip)))
			continue;
		if (!fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode))
			sum += (uint64_t)st.st_blocks * 512 > (uint64_t)st.st_size
				   ? (uint64_t)st.st_size
				   : (uint64_t)st.st_blocks * 512;
	}
	closedir(d);
	return sum;
}

void store_rescan(struct store *s)
{
	char open_name[SEG_NAME_MAX + 8];

	snprintf(open_name, sizeof open_name, "%s.jsonl", s->seg);
	s->used_base = dir_bytes(s->dir, "events", s->fd >= 0 ? open_name : NULL) +
		       dir_bytes(s->dir, "files", NULL) + dir_bytes(s->dir, "days", NULL) +
		       dir_bytes(s->dir, "", NULL);
}

uint64_t store_used(const struct store *s)
{
	return s->used_base + s->seg_bytes + s->pending.len;
}

/* The first line of <store>/cursor: the last segment delivered upstream.
 * The uplink owns the file and may write more lines after the first; only
 * the first is read (so the file may be any size), and the store never
 * writes or removes it. */
static bool read_cursor(const char *dir, char cur[SEG_NAME_MAX])
{
	char p[384], b[SEG_NAME_MAX + 1];
	ssize_t r = 0, got = 0;
	size_t n;
	int fd;

	cur[0] = '\0';
	if (store_path_of(p, sizeof p, dir, "", "cursor", ""))
		return false;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (got < (ssize_t)sizeof b) {
		r = read(fd, b + got, sizeof b - (size_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	close(fd);
	if (r < 0 || !got)
		return false;
	n = 0;
	while (n < (size_t)got && b[n] != '\n' && b[n] != '\r')
		n++;
	/* a name, ended by a newline or by the end of a short file */
	if (!n || n >= SEG_NAME_MAX || (n == (size_t)got && got == (ssize_t)sizeof b))
		return false;
	memcpy(cur, b, n);
	cur[n] = '\0';
	return true;
}

/* The binaries named by undelivered sealed segments (from their headers). */
static void add_seg_refs(const struct store *s, const char *base, struct buf *refs)
{
	char p[384];
	uint8_t h[SEAL_HDR_LEN];
	int fd;
	uint32_t n;

	if (store_path_of(p, sizeof p, s->dir, "events", base, ".tzs"))
		return;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (read(fd, h, sizeof h) == (ssize_t)sizeof h && !memcmp(h, "TNKS", 4)) {
		n = (uint32_t)h[60] | (uint32_t)h[61] << 8 | (uint32_t)h[62] << 16 |
		    (uint32_t)h[63] << 24;
		if (n <= 4096) {
			uint8_t *r = malloc((size_t)n * 32 + 1);

			if (r && read(fd, r, (size_t)n * 32) == (ssize_t)n * 32) {
				uint32_t i;

				for (i = 0; i < n; i++) {
					char hex[SHA256_HEX];

					hash_hex(r + 32 * i, 32, hex);
					buf_add(refs, hex, SHA256_HEX - 1);
				}
			}
			free(r);
		}
	}
	close(fd);
}

static bool referenced(const struct store *s, const struct buf *refs, const char *name)
{
	size_t i;

	if (s->refs_full)
		return true;
	for (i = 0; i < s->nrefs; i++)
		if (!strcmp(s->refs[i], name))
			return true;
	for (i = 0; i + SHA256_HEX - 1 <= refs->len; i += SHA256_HEX - 1)
		if (!memcmp(refs->p + i, name, SHA256_HEX - 1))
			return true;
	return false;
}

/* The oldest binary no undelivered segment names (captured before the open
 * segment began). name receives it; false if there is none. */
/* A segment's name is the UTC time it was opened: YYYYmmddTHHMMSS-NNN. */
static time_t seg_start(const char *base)
{
	struct tm tm;
	int i, v[6] = {0}, len[6] = {4, 2, 2, 2, 2, 2}, off[6] = {0, 4, 6, 9, 11, 13};

	if (strlen(base) < 15 || base[8] != 'T')
		return 0;
	for (i = 0; i < 6; i++) {
		int j;

		for (j = 0; j < len[i]; j++) {
			char c = base[off[i] + j];

			if (c < '0' || c > '9')
				return 0;
			v[i] = v[i] * 10 + (c - '0');
		}
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	return timegm(&tm);
}

static bool victim_file(struct store *s, const struct buf *refs, char name[SHA256_HEX],
			uint64_t *bytes, time_t *when)
{
	char p[384];
	DIR *d;
	struct dirent *e;
	time_t best = 0;
	bool found = false;
	int dfd;

	if (store_path_of(p, sizeof p, s->dir, "files", "", ""))
		return false;
	d = opendir(p);
	if (!d)
		return false;
	dfd = dirfd(d);
	while ((e = readdir(d))) {
		struct stat st;

		if (strlen(e->d_name) != SHA256_HEX - 1 || referenced(s, refs, e->d_name) ||
		    fstatat(dfd, e->d_name, &st, 0) || !S_ISREG(st.st_mode))
			continue;
		if (!found || st.st_mtime < best) {
			best = st.st_mtime;
			memcpy(name, e->d_name, SHA256_HEX);
			*bytes = (uint64_t)st.st_size;
			*when = st.st_mtime;
			found = true;
		}
	}
	closedir(d);
	return found;
}

/* The bytes the store may use now: the quota, or less to leave the
 * reserve of free space; *reason says which. */
static uint64_t limit_now(const struct store *s, const char **reason)
{
	struct statvfs fs;
	uint64_t limit = s->o.quota, u;

	*reason = "quota";
	if (!statvfs(s->dir, &fs)) {
		uint64_t avail = (uint64_t)fs.f_bavail * fs.f_frsize, room;

		u = store_used(s);
		room = avail > s->o.reserve
			   ? u + avail - s->o.reserve
			   : (u > s->o.reserve - avail ? u - (s->o.reserve - avail) : 0);
		if (room < limit) {
			limit = room;
			*reason = "reserve";
		}
	}
	return limit;
}

/* Gets the store under its limit: delivered segments oldest first, then
 * binaries no undelivered segment names, then the oldest segments. */
void store_enforce(struct store *s)
{
	const char *reason;
	uint64_t limit = limit_now(s, &reason);
	struct store_seg *v = NULL;
	size_t n = 0, i;
	char cur[SEG_NAME_MAX];
	bool have_cur, evicted = false;
	struct buf refs;

	s->limit = limit;
	s->over = false;
	if (store_used(s) <= limit)
		return;
	if (store_list_segments(s->dir, true, &v, &n))
		return;
	have_cur = read_cursor(s->dir, cur);
	buf_init(&refs, 1u << 20);
	for (i = 0; i < n; i++)
		if (v[i].sealed && !(have_cur && strcmp(v[i].base, cur) <= 0))
			add_seg_refs(s, v[i].base, &refs);
	for (;;) {
		char name[SHA256_HEX], p[384];
		const char *kind = NULL;
		uint64_t bytes = 0;
		bool delivered = false;
		struct stat st;
		time_t when = 0;
		size_t k;

		if (store_used(s) <= limit)
			break;
		/* 1. delivered segments and binaries no undelivered segment
		 * names, the older first; 2. the oldest undelivered segment */
		for (k = 0; k < n; k++)
			if (v[k].base[0] && !(s->fd >= 0 && !strcmp(v[k].base, s->seg)) &&
			    have_cur && strcmp(v[k].base, cur) <= 0)
				break;
		if (victim_file(s, &refs, name, &bytes, &when) &&
		    (k == n || when < seg_start(v[k].base))) {
			kind = "file";
		} else if (k < n) {
			delivered = true;
			bytes = 0;
		} else {
			for (k = 0; k < n; k++)
				if (v[k].base[0] && !(s->fd >= 0 && !strcmp(v[k].base, s->seg)))
					break;
			if (k == n) {
				s->over = true;
				break;
			}
		}
		if (!kind) {
			kind = "segment";
			snprintf(name, sizeof name, "%s", v[k].base);
			if (store_path_of(p, sizeof p, s->dir, "events", v[k].base,
					  v[k].sealed ? ".tzs" : ".jsonl"))
				break;
			v[k].base[0] = '\0';
			if (!stat(p, &st))
				bytes = (uint64_t)st.st_size;
			if (!delivered) {
				/* its binaries are no longer protected by it */
				buf_reset(&refs);
				for (i = k + 1; i < n; i++)
					if (v[i].sealed && v[i].base[0] &&
					    !(have_cur && strcmp(v[i].base, cur) <= 0))
						add_seg_refs(s, v[i].base, &refs);
			}
		} else if (store_path_of(p, sizeof p, s->dir, "files", name, "")) {
			break;
		}
		if (unlink(p))
			break;
		evicted = true;
		s->used_base = s->used_base > bytes ? s->used_base - bytes : 0;
		s->st.evicted_bytes += bytes;
		if (!strcmp(kind, "file"))
			s->st.evicted_files++;
		else
			s->st.evicted_segments++;
		store_note_add(s, kind, name, bytes, delivered, reason);
	}
	if (evicted) {
		store_fsync_dir(s, "events");
		store_fsync_dir(s, "files");
	}
	buf_free(&refs);
	free(v);
}
