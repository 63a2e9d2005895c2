/* store.c — event segments and captured binaries on flash (see store.h). */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "options.h"
#include "persona/persona.h"
#include "sys/sys.h"

static int open_segment(struct store *s)
{
	char path[384];
	time_t t = (time_t)(sys_wall_us() / 1000000);
	struct tm tm;
	int fd;

	gmtime_r(&t, &tm);
	if (sys_mkdirs(s->dir) || (snprintf(path, sizeof path, "%s/events", s->dir), sys_mkdirs(path)))
		return -errno;
	for (;;) {
		int n = snprintf(path, sizeof path, "%s/events/%04d%02d%02dT%02d%02d%02d-%u.jsonl",
				 s->dir, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				 tm.tm_hour, tm.tm_min, tm.tm_sec, s->seg_seq++);

		if (n < 0 || (size_t)n >= sizeof path)
			return -ENAMETOOLONG;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0)
		return -errno;
	s->fd = fd;
	s->seg_bytes = 0;
	return 0;
}

int store_open(struct store *s, const char *dir, unsigned sync_ms)
{
	char path[384];
	int rc;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->sync_ms = sync_ms ? sync_ms : STORE_SYNC_MS;
	if (strlen(dir) >= sizeof s->dir)
		return -ENAMETOOLONG;
	memcpy(s->dir, dir, strlen(dir) + 1);
	buf_init(&s->pending, CAP_EVBUF);
	if ((rc = sys_mkdirs(dir)))
		return rc;
	snprintf(path, sizeof path, "%s/files", dir);
	if ((rc = sys_mkdirs(path)))
		return rc;
	s->last_write_ms = s->last_sync_ms = sys_mono_ms();
	return open_segment(s);
}

static void write_pending(struct store *s)
{
	size_t off = 0;

	if (!s->pending.len)
		return;
	if (s->fd < 0 && open_segment(s))
		goto drop;
	while (off < s->pending.len) {
		ssize_t w = write(s->fd, s->pending.p + off, s->pending.len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* ENOSPC, EROFS, EIO: keep serving; these events are lost. */
			close(s->fd);
			s->fd = -1;
			goto drop;
		}
		off += (size_t)w;
	}
	s->st.bytes_written += off;
	s->seg_bytes += off;
	s->dirty = true;
	buf_reset(&s->pending);
	s->pending_lines = 0;
	return;
drop:
	s->st.events_dropped += s->pending_lines;
	buf_reset(&s->pending);
	s->pending_lines = 0;
}

static void sync_segment(struct store *s)
{
	if (s->fd >= 0 && s->dirty) {
		fdatasync(s->fd);
		s->st.syncs++;
	}
	s->dirty = false;
}

void store_tick(struct store *s, bool force)
{
	uint64_t now = sys_mono_ms();

	if (force || now - s->last_write_ms >= STORE_FLUSH_MS) {
		write_pending(s);
		s->last_write_ms = now;
	}
	if (force || now - s->last_sync_ms >= s->sync_ms) {
		sync_segment(s);
		s->last_sync_ms = now;
	}
	if (s->fd >= 0 && s->seg_bytes >= STORE_SEGMENT_MAX) {
		sync_segment(s);
		close(s->fd);
		s->fd = -1;
	}
}

void store_event(struct store *s, const char *line, size_t n)
{
	if (n + 1 > CAP_EVENT) {
		s->st.events_dropped++;
		return;
	}
	if (s->pending.len + n + 1 > s->pending.max)
		write_pending(s);
	if (buf_add(&s->pending, line, n) || buf_addc(&s->pending, '\n')) {
		s->st.events_dropped++;
		return;
	}
	s->pending_lines++;
	s->st.events++;
}

int store_put_file(struct store *s, const void *data, size_t n,
		   char hex[SHA256_HEX], bool *dup)
{
	uint8_t h[SHA256_LEN];
	char path[384];
	struct stat st;
	int rc;

	hash_sha256(data, n, h);
	hash_hex(h, SHA256_LEN, hex);
	*dup = false;
	snprintf(path, sizeof path, "%s/files/%s", s->dir, hex);
	if (!stat(path, &st) && (size_t)st.st_size == n) {
		*dup = true;
		s->st.files_dup++;
		return 0;
	}
	rc = sys_write_atomic(path, data, n);
	if (rc)
		s->st.files_failed++;
	else
		s->st.files_new++;
	return rc;
}

int store_unit(struct store *s, struct persona_unit *u)
{
	char path[384];
	uint8_t b[40];
	int fd, rc;
	ssize_t r;
	int64_t t;
	int i;

	snprintf(path, sizeof path, "%s/unit", s->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		r = read(fd, b, sizeof b);
		close(fd);
		if (r == (ssize_t)sizeof b) {
			memcpy(u->seed, b, 32);
			for (t = 0, i = 0; i < 8; i++)
				t = t << 8 | b[32 + i];
			u->first_start = (time_t)t;
			return 0;
		}
	}
	if ((rc = sys_random(b, 32)))
		return rc;
	t = sys_wall_us() / 1000000;
	for (i = 7; i >= 0; i--, t >>= 8)
		b[32 + i] = (uint8_t)t;
	memcpy(u->seed, b, 32);
	u->first_start = (time_t)(sys_wall_us() / 1000000);
	return sys_write_atomic(path, b, sizeof b);
}

void store_close(struct store *s)
{
	store_tick(s, true);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	buf_free(&s->pending);
}
