/* test_store.c — sealed segments (store/seal.c) and the store's recovery
 * of a torn segment (store/store.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "isotime.h"
#include "store/days.h"
#include "store/seal.h"
#include "store/store.h"
#include "sys/sys.h"

/* ------------------------------------------------------------ helpers */

struct cat {
	struct buf b;
	unsigned lines;
};

static int cat_line(void *arg, const char *line, size_t n, int64_t ts)
{
	struct cat *c = arg;

	(void)ts;
	c->lines++;
	if (buf_add(&c->b, line, n) || buf_addc(&c->b, '\n'))
		return -1;
	return 0;
}

/* A realistic segment: Mirai-like sessions with derived ids, a download
 * naming a binary, attacker bytes (escaped and raw), and lines that are
 * not of the writer's shape. */
static void make_lines(struct buf *b, const uint8_t key[SEAL_KEY_LEN])
{
	static const char *const users[] = {"root", "admin", "support", "guest"};
	static const char *const pws[] = {"xc3511", "vizxv", "\\u0001\\\"\\\\",
					  "\xc3\xa9t\xc3\xa9", "\xff\xfe raw", ""};
	char sid[SEAL_SID_LEN + 1], ts[28];
	int64_t t = INT64_C(1767225600000000);
	unsigned i;

	for (i = 0; i < 200; i++) {
		unsigned ip = 16777216u * (1 + i % 7) + i * 2654435761u % 16777216u;
		unsigned port = 32768 + i * 37 % 28000;

		seal_sid(key, i, sid);
		t += 1000 * (int64_t)(150 + i * 7 % 900);
		iso_format(t, ts);
		assert_int_equal(buf_printf(b,
			"{\"eventid\":\"cowrie.session.connect\",\"timestamp\":\"%s\",\"session\":\"%s\","
			"\"src_ip\":\"%u.%u.%u.%u\",\"src_port\":%u,\"dst_ip\":\"203.0.113.7\",\"dst_port\":23,"
			"\"sensor\":\"tanuki-7f3a\",\"protocol\":\"telnet\",\"message\":\"New connection\"}\n",
			ts, sid, ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255, port), 0);
		t += 1000 * (int64_t)(100 + i * 13 % 700);
		iso_format(t, ts);
		assert_int_equal(buf_printf(b,
			"{\"eventid\":\"cowrie.login.failed\",\"timestamp\":\"%s\",\"session\":\"%s\","
			"\"src_ip\":\"%u.%u.%u.%u\",\"src_port\":%u,\"dst_ip\":\"203.0.113.7\",\"dst_port\":23,"
			"\"sensor\":\"tanuki-7f3a\",\"protocol\":\"telnet\",\"username\":\"%s\",\"password\":\"%s\"}\n",
			ts, sid, ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255, port,
			users[i % 4], pws[i % 6]), 0);
		if (i % 50 == 7)
			assert_int_equal(buf_printf(b,
				"{\"eventid\":\"cowrie.session.file_download\",\"timestamp\":\"%s\",\"session\":\"%s\","
				"\"url\":\"http://198.51.100.9/bins/mips\",\"shasum\":\"%064x\",\"size\":-12,"
				"\"ok\":true}\n", ts, sid, i), 0);
		t += 1000 * (int64_t)(5 + i % 300);
		iso_format(t, ts);
		assert_int_equal(buf_printf(b,
			"{\"eventid\":\"cowrie.session.closed\",\"timestamp\":\"%s\",\"session\":\"%s\","
			"\"src_ip\":\"%u.%u.%u.%u\",\"src_port\":%u,\"dst_ip\":\"203.0.113.7\",\"dst_port\":23,"
			"\"sensor\":\"tanuki-7f3a\",\"protocol\":\"telnet\",\"duration\":\"0.%u\","
			"\"bytes_in\":%u,\"bytes_out\":97}\n",
			ts, sid, ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255, port, i % 10,
			21 + i % 9), 0);
	}
	/* not the writer's shape */
	assert_int_equal(buf_adds(b, "{ \"spaced\": 1 }\n"), 0);
	assert_int_equal(buf_adds(b, "not json at all \x01\x02\xff\n"), 0);
	assert_int_equal(buf_adds(b, "\n"), 0);
	assert_int_equal(buf_adds(b, "{\"a\":18446744073709551615,\"b\":-9223372036854775808}\n"), 0);
	assert_int_equal(buf_adds(b, "{\"nested\":{\"x\":[1,2]},\"session\":\"zz\"}\n"), 0);
}

static void roundtrip(const char *text, size_t n, const uint8_t key[SEAL_KEY_LEN],
		      size_t *sealed)
{
	struct buf out;
	struct cat c;
	struct seal_info in;
	unsigned lines = 0;
	size_t i;

	for (i = 0; i < n; i++)
		lines += text[i] == '\n';
	buf_init(&out, 16u << 20);
	buf_init(&c.b, 16u << 20);
	c.lines = 0;
	assert_int_equal(seal_encode(text, n, key, &out), 0);
	assert_int_equal(seal_check((const uint8_t *)out.p, out.len, &in), 0);
	assert_int_equal(in.nevents, lines);
	assert_int_equal(in.raw_len, n);
	assert_int_equal(seal_decode((const uint8_t *)out.p, out.len, cat_line, &c), 0);
	assert_int_equal(c.lines, lines);
	assert_int_equal(c.b.len, n);
	assert_memory_equal(c.b.p, text, n);
	/* one flipped bit anywhere is caught (CRC) */
	out.p[out.len / 2] ^= 0x10;
	assert_int_equal(seal_check((const uint8_t *)out.p, out.len, &in), -EBADMSG);
	assert_int_not_equal(seal_decode((const uint8_t *)out.p, out.len, cat_line, &c), 0);
	/* and so is a cut file */
	assert_int_not_equal(seal_check((const uint8_t *)out.p, out.len - 7, &in), 0);
	*sealed = out.len;
	buf_free(&out);
	buf_free(&c.b);
}

/* An empty string as the first entry of the dictionaries: the coded
 * form (not the raw fallback) round-trips. Its decoder once added an
 * offset to a NULL arena (clang's UBSan; saved as
 * tests/fuzz/crashes/segment/null-arena-empty-string.tzs). */
static void seal_empty_first_string(void **st)
{
	static const char t[] = "{\"eventid\":\"a\",\"input\":\"\"}\n"
				"{\"eventid\":\"a\",\"input\":\"\"}\n"
				"{\"eventid\":\"a\",\"input\":\"x\"}\n";
	uint8_t key[SEAL_KEY_LEN] = {1, 2, 3};
	struct buf out;
	struct seal_info in;
	size_t sealed;

	(void)st;
	roundtrip(t, sizeof t - 1, key, &sealed);
	buf_init(&out, 1u << 20);
	assert_int_equal(seal_encode(t, sizeof t - 1, key, &out), 0);
	assert_int_equal(seal_check((const uint8_t *)out.p, out.len, &in), 0);
	assert_int_equal(in.flags, 0); /* coded, not the all-raw fallback */
	assert_int_equal(in.nevents, 3);
	buf_free(&out);
}

static void seal_roundtrip(void **st)
{
	uint8_t key[SEAL_KEY_LEN];
	struct buf t;
	size_t sealed, i;

	(void)st;
	for (i = 0; i < sizeof key; i++)
		key[i] = (uint8_t)(i * 29 + 3);
	buf_init(&t, 1u << 20);
	make_lines(&t, key);
	roundtrip(t.p, t.len, key, &sealed);
	assert_true(sealed * 8 < t.len); /* it is compact */
	/* a last line without newline is left out; an empty text seals too */
	assert_int_equal(buf_adds(&t, "{\"eventid\":\"torn"), 0);
	{
		struct buf out;
		struct seal_info in;

		buf_init(&out, 16u << 20);
		assert_int_equal(seal_encode(t.p, t.len, key, &out), 0);
		assert_int_equal(seal_check((const uint8_t *)out.p, out.len, &in), 0);
		assert_int_equal(in.raw_len, t.len - 16);
		assert_int_equal(seal_encode("", 0, key, &out), 0);
		assert_int_equal(seal_check((const uint8_t *)out.p, out.len, &in), 0);
		assert_int_equal(in.nevents, 0);
		buf_free(&out);
	}
	buf_free(&t);
}

/* ---------------------------------------------------------- recovery */

/* rm -r of the test folder (two levels: the store's layout) */
static void rm_tree(const char *dir, int depth)
{
	char p[512];
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			if (unlink(p) && depth < 3)
				rm_tree(p, depth + 1);
		}
		closedir(d);
	}
	assert_int_equal(rmdir(dir), 0);
}

static char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	if (p)
		p[len] = '\0';
	*n = (size_t)len;
	return p;
}

/* export into a temporary file (uClibc has no open_memstream) */
static char *export_all(const char *dir, size_t *n)
{
	FILE *f = tmpfile();
	char *p;
	long len;

	assert_non_null(f);
	assert_int_equal(store_export(dir, 0, 0, f), 0);
	fflush(f);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	p[len] = '\0';
	*n = (size_t)len;
	return p;
}

static void torn_tail_recovered(void **st)
{
	char dir[] = "/tmp/tanuki-unit-XXXXXX", path[256], *out;
	const char synced[] = "{\"eventid\":\"a\",\"timestamp\":\"2026-01-01T00:00:00.001000Z\",\"n\":1}\n"
			      "{\"eventid\":\"b\",\"timestamp\":\"2026-01-01T00:00:00.002000Z\",\"n\":2}\n";
	const char torn[] = "{\"eventid\":\"c\",\"timest";
	const char later[] = "{\"eventid\":\"d\",\"n\":4}";
	struct store_opts o;
	struct store *s;
	struct stat sb;
	FILE *f, *devnull;
	size_t n;

	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/events", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	/* the open segment of a run that lost power mid-line, and a .tmp of
	 * a seal it never finished */
	snprintf(path, sizeof path, "%s/events/20260101T000000-000.jsonl", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(synced, f);
	fputs(torn, f);
	fclose(f);
	snprintf(path, sizeof path, "%s/events/20260101T000000-000.tzs.tmp", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("TNKS half", f);
	fclose(f);

	memset(&o, 0, sizeof o);
	o.sync_ms = 20;
	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	assert_int_equal(store_open(s, dir, &o), 0);
	/* cut at the last complete line and sealed; the .tmp is gone */
	snprintf(path, sizeof path, "%s/events/20260101T000000-000.tzs", dir);
	assert_int_equal(stat(path, &sb), 0);
	snprintf(path, sizeof path, "%s/events/20260101T000000-000.jsonl", dir);
	assert_int_not_equal(stat(path, &sb), 0);
	snprintf(path, sizeof path, "%s/events/20260101T000000-000.tzs.tmp", dir);
	assert_int_not_equal(stat(path, &sb), 0);
	/* the store goes on in a new segment */
	store_event(s, later, strlen(later));
	store_tick(s, true);
	store_close(s);
	free(s);

	out = export_all(dir, &n);
	assert_int_equal(n, sizeof synced - 1 + strlen(later) + 1);
	assert_memory_equal(out, synced, sizeof synced - 1);
	assert_memory_equal(out + sizeof synced - 1, later, strlen(later));
	free(out);
	devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	assert_int_equal(store_verify(dir, devnull), 0);
	fclose(devnull);
	/* the status file is one JSON line */
	snprintf(path, sizeof path, "%s/status", dir);
	out = read_file(path, &n);
	assert_non_null(out);
	assert_true(n > 2 && out[0] == '{' && out[n - 1] == '\n');
	assert_non_null(strstr(out, "\"synced_through_us\":"));
	free(out);
	rm_tree(dir, 0);
}

/* ------------------------------------------------------------ aggregates */

static uint64_t cat_sum(const struct day_cat *t)
{
	uint64_t sum = t->other;
	size_t i;

	for (i = 0; i < t->n; i++)
		sum += t->e[i].count;
	return sum;
}

static void days_roundtrip(void **st)
{
	uint8_t key[SEAL_KEY_LEN] = {1, 2, 3};
	struct buf text, out, js;
	struct day_agg d, back;
	int32_t days[4];
	size_t i, maxes[] = {DAY_FILE_MAX, 300, 64};
	int c, k;

	(void)st;
	buf_init(&text, 1u << 20);
	buf_init(&out, 1u << 16);
	buf_init(&js, 1u << 20);
	make_lines(&text, key);
	assert_int_equal(day_agg_days_of(text.p, text.len, days, 4), 1);
	day_agg_init(&d, days[0]);
	day_agg_fold(&d, text.p, text.len);
	snprintf(d.through, sizeof d.through, "20260101T000000-000");
	/* every connection; every login whose strings are valid JSON (the
	 * writer's always are: the raw \xff line is not counted); downloads */
	assert_int_equal(d.cat[DAY_SRC].total, 200);
	assert_int_equal(d.cat[DAY_CRED].total, 200 - 33);
	assert_int_equal(d.cat[DAY_BIN].total, 4);
	assert_int_equal(d.events, 200 * 3 + 4);
	for (k = 0; k < 3; k++) {
		assert_int_equal(day_agg_encode(&d, maxes[k], &out), 0);
		assert_true(out.len <= maxes[k]);
		assert_int_equal(day_agg_parse((const uint8_t *)out.p, out.len, &back), 0);
		assert_int_equal(back.day, d.day);
		assert_string_equal(back.through, d.through);
		assert_int_equal(back.events, d.events);
		for (c = 0; c < DAY_CATS; c++) {
			/* totals stay exact when keys are left out */
			assert_int_equal(back.cat[c].total, d.cat[c].total);
			assert_int_equal(cat_sum(&back.cat[c]), d.cat[c].total);
			for (i = 1; i < back.cat[c].n; i++)
				assert_true(back.cat[c].e[i - 1].count >= back.cat[c].e[i].count);
		}
		buf_reset(&js);
		assert_int_equal(day_agg_json(&back, &js), 0);
		assert_memory_equal(js.p, "{\"day\":\"2026-01-01\"", 19);
		assert_int_equal(js.p[js.len - 1], '\n');
		day_agg_free(&back);
	}
	assert_int_equal(day_agg_encode(&d, DAY_FILE_MAX, &out), 0);
	/* the escaped password comes back as it was written */
	assert_int_equal(day_agg_parse((const uint8_t *)out.p, out.len, &back), 0);
	buf_reset(&js);
	assert_int_equal(day_agg_json(&back, &js), 0);
	assert_non_null(memmem(js.p, js.len, "\"password\":\"\\u0001\\\"\\\\\"", 23));
	day_agg_free(&back);
	/* every cut and a flipped bit anywhere: refused, never a crash */
	for (i = 0; i < out.len; i++) {
		assert_int_not_equal(day_agg_parse((const uint8_t *)out.p, i, &back), 0);
		out.p[i] ^= 0x04;
		assert_int_not_equal(day_agg_parse((const uint8_t *)out.p, out.len, &back), 0);
		out.p[i] ^= 0x04;
	}
	day_agg_free(&d);
	buf_free(&text);
	buf_free(&out);
	buf_free(&js);
}

static void day_names(void **st)
{
	int32_t day;
	char nm[9];

	(void)st;
	assert_true(day_parse_name("19700101", 8, &day));
	assert_int_equal(day, 0);
	assert_true(day_parse_name("20260101", 8, &day));
	assert_int_equal(day, 20454);
	day_name(day, nm);
	assert_string_equal(nm, "20260101");
	assert_true(day_parse_name("20240229", 8, &day));
	assert_false(day_parse_name("20250229", 8, &day));
	assert_false(day_parse_name("2026010", 7, &day));
	assert_false(day_parse_name("2026a101", 8, &day));
	for (day = 0; day < 200000; day += 37) {
		int32_t back;

		day_name(day, nm);
		assert_true(day_parse_name(nm, 8, &back));
		assert_int_equal(back, day);
	}
}

static void write_text(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

/* The store folds a segment into its day when it seals it, once: a crash
 * between the day file and the seal (the plain segment sealed again on
 * the next start) does not count its events twice. Days more than a year
 * before the newest are removed. */
static void store_days_folded_once(void **st)
{
	char dir[] = "/tmp/tanuki-days-XXXXXX", path[512], old[512];
	uint8_t key[SEAL_KEY_LEN] = {9};
	struct buf text, b;
	struct store_opts o;
	struct store *s;
	struct day_agg d, e;
	struct stat sb;
	char *first;
	size_t n1, n2;

	(void)st;
	buf_init(&text, 1u << 20);
	buf_init(&b, 1u << 16);
	make_lines(&text, key);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/events", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/days", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	/* a day file a year and a day before 2026-01-01, one a year before */
	day_agg_init(&e, 20454 - 366);
	assert_int_equal(day_agg_encode(&e, DAY_FILE_MAX, &b), 0);
	snprintf(old, sizeof old, "%s/days/20241231.agg", dir);
	write_text(old, b.p, b.len);
	e.day = 20454 - 365;
	assert_int_equal(day_agg_encode(&e, DAY_FILE_MAX, &b), 0);
	snprintf(path, sizeof path, "%s/days/20250101.agg", dir);
	write_text(path, b.p, b.len);
	day_agg_free(&e);

	snprintf(path, sizeof path, "%s/events/20260101T000000-000.jsonl", dir);
	write_text(path, text.p, text.len);
	memset(&o, 0, sizeof o);
	sys_fake_clock(INT64_C(1767312000000000), 1000); /* 2026-01-02 */
	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	assert_int_equal(store_open(s, dir, &o), 0);
	assert_int_equal(s->days_held, 2);
	assert_int_equal(s->st.evicted_days, 1);
	assert_int_equal(s->nnotes, 1);
	assert_string_equal(s->notes[0].kind, "day");
	assert_string_equal(s->notes[0].name_buf, "20241231.agg");
	store_close(s);
	assert_int_not_equal(stat(old, &sb), 0);
	snprintf(path, sizeof path, "%s/days/20260101.agg", dir);
	first = read_file(path, &n1);
	assert_non_null(first);
	assert_int_equal(day_agg_parse((const uint8_t *)first, n1, &d), 0);
	assert_int_equal(d.cat[DAY_SRC].total, 200);
	assert_string_equal(d.through, "20260101T000000-000");
	day_agg_free(&d);

	/* the crash: the plain segment is back, its seal gone */
	snprintf(path, sizeof path, "%s/events/20260101T000000-000.tzs", dir);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof path, "%s/events/20260101T000000-000.jsonl", dir);
	write_text(path, text.p, text.len);
	assert_int_equal(store_open(s, dir, &o), 0);
	store_close(s);
	free(s);
	sys_fake_clock(0, 0);
	snprintf(path, sizeof path, "%s/days/20260101.agg", dir);
	free(first);
	first = read_file(path, &n2);
	assert_non_null(first);
	assert_int_equal(day_agg_parse((const uint8_t *)first, n2, &d), 0);
	assert_int_equal(d.cat[DAY_SRC].total, 200);
	assert_int_equal(d.cat[DAY_CRED].total, 200 - 33);
	day_agg_free(&d);
	free(first);
	buf_free(&text);
	buf_free(&b);
	rm_tree(dir, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seal_roundtrip),
		cmocka_unit_test(seal_empty_first_string),
		cmocka_unit_test(torn_tail_recovered),
		cmocka_unit_test(days_roundtrip),
		cmocka_unit_test(day_names),
		cmocka_unit_test(store_days_folded_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
