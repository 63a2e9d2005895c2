/* store_seal.c — sealing a full or old segment (seal.h) and folding its
 * events into the day files first (days.h); keeping days/ within its
 * age and budget. Part of the store (store_int.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/days.h"
#include "sys/sys.h"

static bool sealed_ok(const char *path)
{
	struct buf b;
	struct seal_info in;
	bool ok;

	buf_init(&b, 64u << 20);
	ok = !sys_read_file(path, &b) && !seal_check((const uint8_t *)b.p, b.len, &in);
	buf_free(&b);
	return ok;
}

/* ------------------------------------------------------------ day files */

/* Removes day files older than DAYS_KEEP days before the newest one
 * (the newest file, not the clock: a router without a clock may start in
 * 1970), then the oldest while days/ is over DAYS_BUDGET. Counts what is
 * held. `cleanup` also removes .tmp leftovers (at start). */
void store_trim_days(struct store *s, bool cleanup)
{
	char p[384];
	DIR *d;
	struct dirent *e;
	int32_t days[DAYS_KEEP + 64], newest = INT32_MIN;
	uint64_t sizes[DAYS_KEEP + 64], sum = 0;
	size_t n = 0, i;
	bool removed = false;
	int dfd;

	if (store_path_of(p, sizeof p, s->dir, "days", "", ""))
		return;
	d = opendir(p);
	if (!d)
		return;
	dfd = dirfd(d);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		struct stat st;
		int32_t day;

		if (cleanup && l > 4 && !strcmp(e->d_name + l - 4, ".tmp")) {
			unlinkat(dfd, e->d_name, 0);
			continue;
		}
		if (l != 12 || strcmp(e->d_name + 8, ".agg") ||
		    !day_parse_name(e->d_name, 8, &day) ||
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (n == sizeof days / sizeof days[0]) {
			/* more than a year and then some: drop the oldest held */
			size_t o = 0;

			for (i = 1; i < n; i++)
				if (days[i] < days[o])
					o = i;
			if (day < days[o])
				o = n; /* this one is older still */
			if (o < n) {
				char nm[16];

				day_name(days[o], nm);
				memcpy(nm + 8, ".agg", 5);
				if (!unlinkat(dfd, nm, 0)) {
					store_note_add(s, "day", nm, sizes[o], false, "age");
					s->st.evicted_days++;
					removed = true;
				}
				days[o] = day;
				sizes[o] = (uint64_t)st.st_size;
			} else if (!unlinkat(dfd, e->d_name, 0)) {
				store_note_add(s, "day", e->d_name, (uint64_t)st.st_size, false,
					       "age");
				s->st.evicted_days++;
				removed = true;
			}
			continue;
		}
		days[n] = day;
		sizes[n++] = (uint64_t)st.st_size;
	}
	for (i = 0; i < n; i++)
		if (days[i] > newest)
			newest = days[i];
	for (;;) {
		size_t o = n;

		sum = 0;
		for (i = 0; i < n; i++) {
			sum += sizes[i];
			if (o == n || days[i] < days[o])
				o = i;
		}
		if (o == n || (days[o] > newest - DAYS_KEEP && sum <= DAYS_BUDGET))
			break;
		{
			char nm[16];

			day_name(days[o], nm);
			memcpy(nm + 8, ".agg", 5);
			if (!unlinkat(dfd, nm, 0)) {
				store_note_add(s, "day", nm, sizes[o], false,
					       days[o] <= newest - DAYS_KEEP ? "age" : "budget");
				s->st.evicted_days++;
				removed = true;
			}
		}
		days[o] = days[--n];
		sizes[o] = sizes[n];
	}
	closedir(d);
	s->days_held = n;
	s->days_bytes = sum;
	if (removed)
		store_fsync_dir(s, "days");
}

/* Folds the lines of segment `base` into the files of their days. A day
 * whose file already went through this segment (a crash between its
 * write and the seal) is left alone, so no event is counted twice. */
static void fold_days(struct store *s, const char *base, const char *text, size_t n)
{
	int32_t days[8];
	size_t k = day_agg_days_of(text, n, days, 8), i;
	struct buf b, out;
	char p[384], nm[9];

	if (!k)
		return;
	buf_init(&b, DAY_FILE_MAX * 4);
	buf_init(&out, DAY_FILE_MAX * 4);
	if (!store_path_of(p, sizeof p, s->dir, "days", "", ""))
		sys_mkdirs(p);
	for (i = 0; i < k; i++) {
		struct day_agg d;
		int rc;

		day_name(days[i], nm);
		if (store_path_of(p, sizeof p, s->dir, "days", nm, ".agg"))
			break;
		rc = sys_read_file(p, &b);
		if (rc || day_agg_parse((const uint8_t *)b.p, b.len, &d) || d.day != days[i]) {
			if (!rc)
				s->st.agg_failed++; /* unreadable: begin the day again */
			day_agg_init(&d, days[i]);
		}
		if (d.through[0] && strcmp(d.through, base) >= 0) {
			day_agg_free(&d);
			continue;
		}
		day_agg_fold(&d, text, n);
		snprintf(d.through, sizeof d.through, "%s", base);
		rc = day_agg_encode(&d, DAY_FILE_MAX, &out);
		if (!rc)
			rc = sys_write_atomic(p, out.p, out.len);
		if (rc) {
			s->st.agg_failed++;
		} else {
			s->st.bytes_written += out.len;
			s->st.syncs += 2;
		}
		day_agg_free(&d);
	}
	buf_free(&b);
	buf_free(&out);
	store_trim_days(s, false);
}

/* ------------------------------------------------------------- sealing */

/* Seals events/<base>.jsonl into <base>.tzs and removes the plain file.
 * A torn last line (power cut) is cut here. */
int store_seal_segment(struct store *s, const char *base)
{
	char src[384], dst[384];
	struct buf in, out;
	uint8_t key[SEAL_KEY_LEN];
	int rc;

	if ((rc = store_path_of(src, sizeof src, s->dir, "events", base, ".jsonl")) ||
	    (rc = store_path_of(dst, sizeof dst, s->dir, "events", base, ".tzs")))
		return rc;
	if (sealed_ok(dst)) { /* sealed before a crash took the unlink */
		unlink(src);
		store_fsync_dir(s, "events");
		return 0;
	}
	buf_init(&in, 64u << 20);
	buf_init(&out, 96u << 20);
	rc = sys_read_file(src, &in);
	if (!rc && !memchr(in.p ? in.p : "", '\n', in.len)) {
		/* nothing complete in it */
		unlink(src);
		store_fsync_dir(s, "events");
		goto out;
	}
	store_seg_key(s, base, key);
	/* the aggregates first: they outlive the segment (a crash between
	 * the two is caught by the day file's `through`) */
	if (!rc)
		fold_days(s, base, in.p, in.len);
	if (!rc)
		rc = seal_encode(in.p, in.len, key, &out);
	if (!rc)
		rc = sys_write_atomic(dst, out.p, out.len);
	if (!rc) {
		s->st.bytes_written += out.len;
		s->st.syncs += 2;
		s->st.sealed++;
		unlink(src);
		store_fsync_dir(s, "events");
	} else {
		s->st.seal_failed++;
	}
out:
	buf_free(&in);
	buf_free(&out);
	return rc;
}

/* Seals every plain segment but the open one. */
void store_seal_waiting(struct store *s)
{
	struct store_seg *v;
	size_t n, i;

	s->unsealed = false;
	if (store_list_segments(s->dir, true, &v, &n))
		return;
	for (i = 0; i < n; i++)
		if (!v[i].sealed && (s->fd < 0 || strcmp(v[i].base, s->seg)) &&
		    store_seal_segment(s, v[i].base))
			s->unsealed = true;
	free(v);
}
