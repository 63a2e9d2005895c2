/* tool.c — `tanuki export`, `verify`, `status`: read a store, the one on
 * the router or a copy pulled with scp (see store.h). */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "isotime.h"
#include "store/days.h"
#include "store/seal.h"
#include "sys/sys.h"

/* Events stamped before the decoy knew the time carry
 * ,"time_uncertain":true,"boot":"<id>" (evlog.c); <store>/timefix gives
 * the offset of that run that corrects them (docs/wan.md, "Time"). */
#define EXP_BOOTS 256
#define UNC_KEY ",\"time_uncertain\":true,\"boot\":\""

struct exp_boot {
	char id[16];
	int64_t off_us;
};

struct exp {
	FILE *out;
	int64_t since, until;
	struct exp_boot boots[EXP_BOOTS];
	size_t nboots;
	char line[CAP_EVENT + 64];
};

static const char *find(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s), i;

	for (i = 0; i + k <= n; i++)
		if (!memcmp(p + i, s, k))
			return p + i;
	return NULL;
}

/* The 16 hex digits after key in line, or NULL. */
static const char *boot_of(const char *line, size_t n, const char *key)
{
	const char *b = find(line, n, key);

	b = b ? b + strlen(key) : NULL;
	return b && (size_t)(line + n - b) > 16 && b[16] == '"' ? b : NULL;
}

/* <store>/timefix (store_time_fix): "BOOT OFFSET_US" lines. */
static void read_fixes(const char *dir, struct exp *e)
{
	char p[512];
	struct buf b;
	size_t pos = 0;

	snprintf(p, sizeof p, "%s/timefix", dir);
	buf_init(&b, STORE_TIMEFIX_LINES * 40u);
	if (sys_read_file(p, &b))
		b.len = 0;
	while (pos < b.len && e->nboots < EXP_BOOTS) {
		const char *nl = memchr(b.p + pos, '\n', b.len - pos);
		char num[24];
		size_t n = nl ? (size_t)(nl - b.p) - pos : 0;
		char *end;

		if (!nl)
			break;
		if (n > 17 && n - 17 < sizeof num && b.p[pos + 16] == ' ') {
			memcpy(num, b.p + pos + 17, n - 17);
			num[n - 17] = '\0';
			memcpy(e->boots[e->nboots].id, b.p + pos, 16);
			e->boots[e->nboots].off_us = strtoll(num, &end, 10);
			if (*end == '\0')
				e->nboots++;
		}
		pos += n + 1;
	}
	buf_free(&b);
}

static int emit(void *arg, const char *line, size_t n, int64_t ts)
{
	struct exp *e = arg;
	const char *b, *t;
	size_t i;

	if (e->nboots && (b = boot_of(line, n, UNC_KEY)) &&
	    (t = find(line, n, "\"timestamp\":\"")) && (size_t)(line + n - t) > 13 + ISO_TIME_LEN &&
	    n + 48 < sizeof e->line && ts) {
		for (i = 0; i < e->nboots && memcmp(e->boots[i].id, b, 16); i++)
			;
		if (i < e->nboots && line[n - 1] == '}') {
			char iso[ISO_TIME_LEN + 1];
			size_t at = (size_t)(t + 13 - line);
			int k;

			ts += e->boots[i].off_us;
			iso_format(ts, iso);
			memcpy(e->line, line, n - 1);
			memcpy(e->line + at, iso, ISO_TIME_LEN);
			k = snprintf(e->line + n - 1, sizeof e->line - (n - 1),
				     ",\"time_corrected_us\":%lld}", (long long)e->boots[i].off_us);
			line = e->line;
			n += (size_t)k - 1;
		}
	}
	if ((e->since && ts && ts < e->since) || (e->until && ts && ts >= e->until))
		return 0;
	fwrite(line, 1, n, e->out);
	fputc('\n', e->out);
	return 0;
}

static int export_pass(const char *dir, struct store_seg *v, size_t n, struct buf *b, struct exp *e)
{
	size_t i;
	int rc, bad = 0;
	char p[512];
	/* a corrected event may move by the run's offset: with corrections,
	 * keep a day's margin when skipping whole sealed segments */
	int64_t margin = e->nboots ? INT64_C(86400000000) : 0;
	int64_t since = e->since, until = e->until;

	for (i = 0; i < n; i++) {
		snprintf(p, sizeof p, "%s/events/%s%s", dir, v[i].base,
			 v[i].sealed ? ".tzs" : ".jsonl");
		if ((rc = sys_read_file(p, b))) {
			fprintf(stderr, "tanuki: %s: %s\n", p, strerror(-rc));
			bad = 1;
			continue;
		}
		if (v[i].sealed) {
			struct seal_info in;

			/* (a day's correction is under a day: keep a day's margin) */
			if (!seal_check((const uint8_t *)b->p, b->len, &in) &&
			    ((since && in.last_us && in.last_us < since - margin) ||
			     (until && in.first_us && in.first_us >= until + margin)))
				rc = 0;
			else
				rc = seal_decode((const uint8_t *)b->p, b->len, emit, e);
			if (rc) {
				fprintf(stderr, "tanuki: %s: corrupt (%s)\n", p, strerror(-rc));
				bad = 1;
				continue;
			}
			/* a plain copy left by a crash between seal and unlink */
			if (i + 1 < n && !v[i + 1].sealed && !strcmp(v[i + 1].base, v[i].base))
				i++;
		} else {
			size_t pos = 0;

			while (pos < b->len) {
				const char *nl = memchr(b->p + pos, '\n', b->len - pos);
				size_t len;
				int64_t ts = 0;

				if (!nl)
					break; /* torn tail: cut on the next start */
				len = (size_t)(nl - b->p) - pos;
				iso_line_time(b->p + pos, len, &ts);
				emit(e, b->p + pos, len, ts);
				pos += len + 1;
			}
		}
	}
	return bad;
}

int store_export(const char *dir, int64_t since, int64_t until, FILE *out)
{
	static struct exp e;
	struct store_seg *v;
	size_t n;
	struct buf b;
	int rc, bad;

	if ((rc = store_list_segments(dir, false, &v, &n))) {
		fprintf(stderr, "tanuki: %s/events: %s\n", dir, strerror(-rc));
		return 1;
	}
	memset(&e, 0, sizeof e);
	e.out = out;
	e.since = since;
	e.until = until;
	buf_init(&b, 96u << 20);
	read_fixes(dir, &e);
	bad = export_pass(dir, v, n, &b, &e);
	buf_free(&b);
	free(v);
	return bad;
}

static int cmp_day(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The day files of days/, sorted by name; caller frees *out. */
static int list_days(const char *dir, char (**out)[13], size_t *n)
{
	char p[512];
	DIR *d;
	struct dirent *e;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if ((size_t)snprintf(p, sizeof p, "%s/days", dir) >= sizeof p)
		return -ENAMETOOLONG;
	d = opendir(p);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		int32_t day;

		if (strlen(e->d_name) != 12 || strcmp(e->d_name + 8, ".agg") ||
		    !day_parse_name(e->d_name, 8, &day))
			continue;
		if (*n == cap) {
			char(*q)[13] = realloc(*out, (cap ? cap * 2 : 64) * sizeof(**out));

			if (!q) {
				closedir(d);
				return -ENOMEM;
			}
			*out = q;
			cap = cap ? cap * 2 : 64;
		}
		memcpy((*out)[(*n)++], e->d_name, 13);
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), cmp_day);
	return 0;
}

/* Reads and checks one day file. */
static int load_day(const char *dir, const char *name, struct buf *b, struct day_agg *d)
{
	char p[512];
	int32_t day;
	int rc;

	snprintf(p, sizeof p, "%s/days/%s", dir, name);
	if ((rc = sys_read_file(p, b)))
		return rc;
	if ((rc = day_agg_parse((const uint8_t *)b->p, b->len, d)))
		return rc;
	if (!day_parse_name(name, 8, &day) || day != d->day) {
		day_agg_free(d);
		return -EBADMSG;
	}
	return 0;
}

int store_export_days(const char *dir, int64_t since, int64_t until, FILE *out)
{
	char(*v)[13];
	size_t n, i;
	struct buf b, line;
	int rc, bad = 0;

	if ((rc = list_days(dir, &v, &n))) {
		fprintf(stderr, "tanuki: %s/days: %s\n", dir, strerror(-rc));
		return 1;
	}
	buf_init(&b, 1u << 20);
	buf_init(&line, 1u << 22);
	for (i = 0; i < n; i++) {
		struct day_agg d;
		int64_t start;

		if ((rc = load_day(dir, v[i], &b, &d))) {
			fprintf(stderr, "tanuki: %s/days/%s: %s\n", dir, v[i], strerror(-rc));
			bad = 1;
			continue;
		}
		start = (int64_t)d.day * INT64_C(86400000000);
		buf_reset(&line);
		if (!(since && start + INT64_C(86400000000) <= since) &&
		    !(until && start >= until) && !day_agg_json(&d, &line))
			fwrite(line.p, 1, line.len, out);
		day_agg_free(&d);
	}
	buf_free(&b);
	buf_free(&line);
	free(v);
	return bad;
}

static int count_line(void *arg, const char *line, size_t n, int64_t ts)
{
	(void)line;
	(void)n;
	(void)ts;
	++*(uint64_t *)arg;
	return 0;
}

/* `tanuki verify`: every binary in files/ against its name (its SHA-256).
 * Counts them into *files; returns the problems found. b is a scratch
 * buffer. */
static int verify_files(const char *dir, struct buf *b, FILE *out, uint64_t *files)
{
	char p[512];
	DIR *d;
	struct dirent *e;
	int rc, bad = 0;

	snprintf(p, sizeof p, "%s/files", dir);
	d = opendir(p);
	while (d && (e = readdir(d))) {
		uint8_t h[SHA256_LEN];
		char hex[SHA256_HEX], fp[1024];
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(fp, sizeof fp, "%s/%s", p, e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".tmp")) {
			fprintf(out, "%s: unfinished write (removed by the daemon)\n", fp);
			continue;
		}
		(*files)++;
		if ((rc = sys_read_file(fp, b))) {
			fprintf(out, "%s: %s\n", fp, strerror(-rc));
			bad++;
			continue;
		}
		hash_sha256(b->p, b->len, h);
		hash_hex(h, SHA256_LEN, hex);
		if (strcmp(hex, e->d_name)) {
			fprintf(out, "%s: SHA-256 is %s\n", fp, hex);
			bad++;
		}
	}
	if (d)
		closedir(d);
	return bad;
}

/* `tanuki verify`: every day file readable, days/ within its age and
 * budget. Counts them into *days; returns the problems found. */
static int verify_days(const char *dir, struct buf *b, FILE *out, uint64_t *days)
{
	char(*dv)[13];
	size_t dn, k;
	uint64_t dbytes = 0;
	int rc, bad = 0;

	if ((rc = list_days(dir, &dv, &dn))) {
		fprintf(out, "%s/days: %s\n", dir, strerror(-rc));
		bad++;
		dn = 0;
	}
	for (k = 0; k < dn; k++) {
		struct day_agg ad;

		if ((rc = load_day(dir, dv[k], b, &ad))) {
			fprintf(out, "%s/days/%s: corrupt day file (%s)\n", dir, dv[k],
				strerror(-rc));
			bad++;
			continue;
		}
		dbytes += b->len;
		(*days)++;
		day_agg_free(&ad);
	}
	free(dv);
	if (dbytes > DAYS_BUDGET || *days > DAYS_KEEP) {
		fprintf(out, "%s/days: %llu days in %llu bytes, over the budget\n", dir,
			(unsigned long long)*days, (unsigned long long)dbytes);
		bad++;
	}
	return bad;
}

int store_verify(const char *dir, FILE *out)
{
	struct store_seg *v;
	size_t n, i;
	struct buf b;
	int rc, bad = 0;
	char p[512];
	uint64_t events = 0, files = 0, segs = 0, days = 0;

	if ((rc = store_list_segments(dir, false, &v, &n))) {
		fprintf(out, "%s/events: %s\n", dir, strerror(-rc));
		return 1;
	}
	buf_init(&b, 96u << 20);
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof p, "%s/events/%s%s", dir, v[i].base,
			 v[i].sealed ? ".tzs" : ".jsonl");
		segs++;
		if ((rc = sys_read_file(p, &b))) {
			fprintf(out, "%s: %s\n", p, strerror(-rc));
			bad++;
			continue;
		}
		if (v[i].sealed) {
			uint64_t c = 0;
			struct seal_info in;

			rc = seal_check((const uint8_t *)b.p, b.len, &in);
			if (!rc)
				rc = seal_decode((const uint8_t *)b.p, b.len, count_line, &c);
			if (rc || c != in.nevents) {
				fprintf(out, "%s: corrupt sealed segment (%s)\n", p,
					strerror(rc ? -rc : EBADMSG));
				bad++;
			}
			events += c;
		} else {
			size_t pos = 0;

			while (pos < b.len) {
				const char *nl = memchr(b.p + pos, '\n', b.len - pos);
				size_t len;

				if (!nl) {
					fprintf(out,
						"%s: torn tail of %zu bytes after the last "
						"complete line (cut on the next start)\n",
						p, b.len - pos);
					break;
				}
				len = (size_t)(nl - b.p) - pos;
				if (len < 2 || b.p[pos] != '{' || b.p[pos + len - 1] != '}' ||
				    memchr(b.p + pos, '\0', len)) {
					fprintf(out, "%s: bad line at byte %zu\n", p, pos);
					bad++;
					break;
				}
				events++;
				pos += len + 1;
			}
		}
	}
	free(v);
	bad += verify_files(dir, &b, out, &files);
	bad += verify_days(dir, &b, out, &days);
	buf_free(&b);
	fprintf(out, "%s: %llu segments, %llu events, %llu binaries, %llu days, %d problem%s\n",
		dir, (unsigned long long)segs, (unsigned long long)events,
		(unsigned long long)files, (unsigned long long)days, bad, bad == 1 ? "" : "s");
	return bad ? 1 : 0;
}

int store_status(const char *dir, uint64_t quota, FILE *out)
{
	char p[512];
	struct buf b;
	int rc;

	buf_init(&b, 1u << 16);
	snprintf(p, sizeof p, "%s/status", dir);
	rc = sys_read_file(p, &b);
	if (rc || !b.len) {
		fprintf(out, "%s: no status (the daemon writes it after each sync)\n", dir);
		buf_free(&b);
		return 1;
	}
	/* the status file is one JSON object; show it a field a line */
	{
		size_t i;
		int depth = 0;
		bool str = false;

		fprintf(out, "store %s (quota %llu bytes)\n", dir, (unsigned long long)quota);
		fputs("  ", out);
		for (i = 0; i < b.len; i++) {
			char c = b.p[i];

			if (str) {
				if (c == '"') {
					str = false;
					continue;
				}
				fputc(c, out);
				if (c == '\\' && i + 1 < b.len)
					fputc(b.p[++i], out);
				continue;
			}
			if (c == '"') {
				str = true;
				continue;
			}
			if (c == '{' && !depth++)
				continue;
			if (c == '}' && !--depth)
				break;
			if (c == ',' && depth == 1)
				fputs("\n  ", out);
			else if (c == ':' && depth == 1)
				fputs(": ", out);
			else if (c != '\n')
				fputc(c, out);
		}
		fputc('\n', out);
	}
	{
		char(*dv)[13];
		size_t dn;

		if (!list_days(dir, &dv, &dn)) {
			fprintf(out, "  days held: %zu", dn);
			if (dn)
				fprintf(out, " (%.4s-%.2s-%.2s to %.4s-%.2s-%.2s)", dv[0],
					dv[0] + 4, dv[0] + 6, dv[dn - 1], dv[dn - 1] + 4,
					dv[dn - 1] + 6);
			fputc('\n', out);
			free(dv);
		}
	}
	buf_free(&b);
	return 0;
}
