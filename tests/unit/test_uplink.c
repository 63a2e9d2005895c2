/* test_uplink.c — the summary aggregator (uplink/agg.c) and the cursor
 * file and store reader (uplink/cursor.c). The TLS path is covered by
 * tests/integration/test_uplink.py against a real tanuki-hub. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <errno.h>

#include <cmocka.h>

#include "jp.h"
#include "uci.h"
#include "uplink/agg.h"
#include "uplink/cursor.h"
#include "uplink/upcfg.h"
#include "uplink/uplink.h"

static struct agg g;

static const char *ev(const char *id, const char *more)
{
	static char line[8192];

	snprintf(line, sizeof line,
		 "{\"eventid\":\"%s\",\"timestamp\":\"2026-11-27T07:19:48.123456Z\","
		 "\"session\":\"a1b2c3d4e5f6\",\"src_ip\":\"198.51.100.7\",\"src_port\":4444,"
		 "\"dst_ip\":\"127.0.0.1\",\"dst_port\":23,\"sensor\":\"t\",\"protocol\":\"telnet\"%s%s}",
		 id, more[0] ? "," : "", more);
	return line;
}

static int add(const char *line)
{
	return agg_add(&g, line, strlen(line));
}

static struct jdoc render(void)
{
	struct agg_head h = {.device = "decoy-1", .seq = 7, .from = 100, .to = 400,
			     .version = "0.1.0", .persona = "xiongmai-dvr", .uptime_s = 5};
	struct buf out;
	struct jdoc d;

	buf_init(&out, 1u << 22);
	assert_int_equal(agg_render(&g, &h, &out), 0);
	assert_int_equal(jp_parse(&d, out.p, out.len, 100000, 8, NULL), 0);
	buf_free(&out);
	return d;
}

static int64_t num(const struct jdoc *d, int32_t obj, const char *k)
{
	int32_t i = jp_get(d, obj, k);

	assert_true(i >= 0);
	assert_int_equal(jp_node(d, i)->type, J_NUM);
	return jp_node(d, i)->num;
}

static void agg_counts_each_kind(void **st)
{
	struct jdoc d;
	int32_t c, x;

	(void)st;
	agg_init(&g, NULL, 0);
	assert_true(agg_empty(&g));
	assert_int_equal(add(ev("cowrie.session.connect", "")), 0);
	assert_int_equal(add(ev("cowrie.session.connect", "")), 0);
	assert_int_equal(add(ev("cowrie.login.failed", "\"username\":\"root\",\"password\":\"xc3511\"")), 0);
	assert_int_equal(add(ev("cowrie.login.failed", "\"username\":\"root\",\"password\":\"xc3511\"")), 0);
	assert_int_equal(add(ev("cowrie.login.success", "\"username\":\"root\",\"password\":\"x\\u0001\"")), 0);
	assert_int_equal(add(ev("cowrie.command.input", "\"input\":\"cat /proc/cpuinfo\"")), 0);
	assert_int_equal(add(ev("tanuki.exploit", "\"cve\":\"CVE-2017-17215\"")), 0);
	assert_int_equal(add(ev("cowrie.session.file_download",
				"\"shasum\":\"" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
				"\",\"size\":71234,\"url\":\"http://127.0.0.1/bins/mips\"")), 0);
	assert_int_equal(add("not json"), 0); /* skipped, not an event */
	assert_int_equal(add("{\"no\":\"eventid\"}"), 0);
	assert_false(agg_empty(&g));
	d = render();
	assert_int_equal(num(&d, 0, "seq"), 7);
	assert_int_equal(num(&d, 0, "sessions"), 2);
	c = jp_get(&d, 0, "counts");
	x = jp_get(&d, c, "by_port");
	assert_int_equal(num(&d, x, "23"), 2);
	x = jp_get(&d, c, "by_event");
	assert_int_equal(num(&d, x, "cowrie.login.failed"), 2);
	assert_int_equal(num(&d, x, "cowrie.session.file_download"), 1);
	x = jp_get(&d, 0, "credentials");
	x = jp_node(&d, x)->child;
	assert_string_equal(jp_str(&d, jp_get(&d, x, "password")), "xc3511");
	assert_int_equal(num(&d, x, "count"), 2);
	x = jp_node(&d, x)->next;
	assert_string_equal(jp_str(&d, jp_get(&d, x, "password")), "x\x01");
	x = jp_node(&d, jp_get(&d, 0, "binaries"))->child;
	assert_int_equal(num(&d, x, "size"), 71234);
	assert_int_equal(num(&d, x, "first_seen"), 1795763988);
	x = jp_node(&d, jp_get(&d, 0, "sources"))->child;
	assert_string_equal(jp_str(&d, jp_get(&d, x, "ip")), "198.51.100.7");
	assert_int_equal(num(&d, x, "count"), 2);
	jp_free(&d);
}

static int members(const struct jdoc *d, int32_t obj)
{
	int32_t i;
	int n = 0;

	for (i = jp_node(d, obj)->child; i >= 0; i = jp_node(d, i)->next)
		n++;
	return n;
}

/* tanuki.scan lines (net/scan.c) become counts.syn_port, syn_src and
 * scanner; a summary without them has none of the three maps. */
static void agg_scan_picture(void **st)
{
	struct jdoc d;
	int32_t c, x;

	(void)st;
	agg_init(&g, NULL, 0);
	assert_int_equal(add(ev("cowrie.session.connect", "")), 0);
	d = render();
	c = jp_get(&d, 0, "counts");
	assert_true(jp_get(&d, c, "syn_port") < 0 && jp_get(&d, c, "scanner") < 0);
	jp_free(&d);
	assert_int_equal(add(ev("tanuki.scan", "\"syns\":5,\"ports\":[2323,23],"
				"\"by_port\":{\"2323\":3,\"23\":2},\"scanner\":\"mirai\"")), 0);
	assert_int_equal(add(ev("tanuki.scan", "\"syns\":4,\"ports\":[23],\"by_port\":{\"23\":4,"
				"\"0\":9,\"070\":9,\"70000\":9},\"scanner\":\"\"")), 0);
	/* the line for sources past the table has no source */
	assert_int_equal(add("{\"eventid\":\"tanuki.scan\",\"src_ip\":\"\",\"syns\":7}"), 0);
	d = render();
	c = jp_get(&d, 0, "counts");
	x = jp_get(&d, c, "syn_port");
	assert_int_equal(num(&d, x, "2323"), 3);
	assert_int_equal(num(&d, x, "23"), 6);
	assert_int_equal(members(&d, x), 2); /* 0, 070, 70000 are no ports */
	x = jp_get(&d, c, "syn_src");
	assert_int_equal(num(&d, x, "198.51.100.7"), 9);
	assert_int_equal(members(&d, x), 1);
	x = jp_get(&d, c, "scanner");
	assert_int_equal(num(&d, x, "mirai 198.51.100.7"), 5);
	assert_int_equal(members(&d, x), 1);
	x = jp_get(&d, c, "by_event");
	assert_int_equal(num(&d, x, "tanuki.scan"), 3);
	jp_free(&d);
}

static void agg_full_takes_nothing(void **st)
{
	char more[128];
	int i;

	(void)st;
	agg_init(&g, NULL, 0);
	for (i = 0; i < AGG_CREDS; i++) {
		snprintf(more, sizeof more, "\"username\":\"u%d\",\"password\":\"p\"", i);
		assert_int_equal(add(ev("cowrie.login.failed", more)), 0);
	}
	/* a new pair does not fit; a known one still does */
	assert_int_equal(add(ev("cowrie.login.failed", "\"username\":\"new\",\"password\":\"p\"")),
			 AGG_FULL);
	assert_int_equal(g.events, AGG_CREDS);
	assert_int_equal(add(ev("cowrie.login.failed", "\"username\":\"u3\",\"password\":\"p\"")), 0);
	assert_int_equal(g.events, AGG_CREDS + 1);
	agg_reset(&g);
	assert_true(agg_empty(&g));
	assert_int_equal(add(ev("cowrie.login.failed", "\"username\":\"new\",\"password\":\"p\"")), 0);
}

static void agg_cuts_long_strings_on_utf8(void **st)
{
	static char more[12000];
	struct jdoc d;
	int32_t x;
	size_t n = 0, i;

	(void)st;
	agg_init(&g, NULL, 0);
	n += (size_t)sprintf(more, "\"input\":\"");
	for (i = 0; i < 3000; i++)
		n += (size_t)sprintf(more + n, "\xc3\xa9"); /* 6000 bytes of é */
	sprintf(more + n, "\"");
	assert_int_equal(add(ev("cowrie.command.input", more)), 0);
	d = render();
	x = jp_node(&d, jp_get(&d, 0, "commands"))->child;
	assert_int_equal(jp_node(&d, jp_get(&d, x, "input"))->slen, 4096);
	jp_free(&d);
}

static void agg_raw_events_bounded(void **st)
{
	struct buf raw;
	struct jdoc d;
	const char *l = ev("cowrie.session.connect", "");
	size_t n = strlen(l);
	int i, full = 0;

	(void)st;
	buf_init(&raw, 1u << 20);
	agg_init(&g, &raw, n * 3 + 8);
	for (i = 0; i < 5; i++)
		full += add(l) == AGG_FULL;
	assert_int_equal(g.events, 3);
	assert_int_equal(full, 2);
	d = render();
	assert_int_equal(jp_node(&d, jp_get(&d, 0, "events"))->type, J_ARR);
	assert_int_equal(num(&d, jp_node(&d, jp_get(&d, 0, "events"))->child, "dst_port"), 23);
	jp_free(&d);
	buf_free(&raw);
}

static char dir[64];

static void put(const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int collect(void *arg, const char *line, size_t n)
{
	struct buf *b = arg;

	if (n == 1 && line[0] == 'S')
		return 1; /* "stop here" */
	buf_add(b, line, n);
	buf_addc(b, ' ');
	return 0;
}

static void cursor_roundtrip_and_scan(void **st)
{
	struct up_cursor c, r;
	struct scan sc;
	struct buf b;
	char p[128];

	(void)st;
	snprintf(dir, sizeof dir, "/tmp/tanuki-uplink-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/events", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(cursor_read(dir, &r), -ENOENT);
	memset(&c, 0, sizeof c);
	c.acked_seq = 41;
	snprintf(c.acked.seg, sizeof c.acked.seg, "20261127T000000-000");
	c.acked.idx = 2;
	c.acked_to = 1795737600;
	c.pending = true;
	c.pend_seq = 42;
	snprintf(c.pend.seg, sizeof c.pend.seg, "20261127T000100-000");
	c.pend.idx = 1;
	c.pend_to = 1795737900;
	assert_int_equal(cursor_write(dir, &c), 0);
	assert_int_equal(cursor_read(dir, &r), 0);
	assert_memory_equal(&r, &c, sizeof r);
	put("cursor", "\ntanuki-cursor 1\nacked x y z w\n");
	assert_int_equal(cursor_read(dir, &r), -EBADMSG);

	/* two plain segments; the scan goes on from (first, 2) */
	put("events/20261127T000000-000.jsonl", "a\nb\nc\nd\n");
	put("events/20261127T000100-000.jsonl", "e\nS\nf\ntorn");
	buf_init(&b, 4096);
	memset(&sc, 0, sizeof sc);
	sc.store = dir;
	sc.from = c.acked;
	assert_int_equal(cursor_scan(&sc, collect, &b), 0);
	assert_string_equal(b.p, "c d e ");
	assert_true(sc.stopped);
	assert_string_equal(sc.end.seg, "20261127T000100-000");
	assert_int_equal(sc.end.idx, 1);
	/* until: stop at a position, whatever comes after */
	buf_reset(&b);
	sc.from = c.acked;
	sc.until = &c.pend;
	assert_int_equal(cursor_scan(&sc, collect, &b), 0);
	assert_string_equal(b.p, "c d e ");
	assert_false(sc.stopped);
	/* the open segment is read only up to its synced bytes */
	buf_reset(&b);
	memset(&sc, 0, sizeof sc);
	sc.store = dir;
	snprintf(sc.from.seg, sizeof sc.from.seg, "20261127T000100-000");
	sc.open_seg = "20261127T000100-000";
	sc.open_synced = 2;
	assert_int_equal(cursor_scan(&sc, collect, &b), 0);
	assert_string_equal(b.p, "e ");
	assert_int_equal(sc.end.idx, 1);
	buf_free(&b);
	snprintf(p, sizeof p, "rm -r -- '%s'", dir);
	assert_int_equal(system(p), 0);
}

static void http_date_strict(void **st)
{
	(void)st;
	assert_int_equal(uplink_http_date("Fri, 27 Nov 2026 07:19:48 GMT"), 1795763988);
	assert_int_equal(uplink_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	assert_int_equal(uplink_http_date("Tue, 29 Feb 2028 12:00:00 GMT"), 1835438400);
	assert_int_equal(uplink_http_date("Fri, 27 Nov 2026 07:19:48 UTC"), 0);
	assert_int_equal(uplink_http_date("Fri, 27 Xyz 2026 07:19:48 GMT"), 0);
	assert_int_equal(uplink_http_date("Fri, 27 Nov 2026 07:19:4 GMT"), 0);
	assert_int_equal(uplink_http_date("Friday, 27-Nov-26 07:19:48 GMT"), 0);
	assert_int_equal(uplink_http_date(""), 0);
}

/* option url of `config uplink`: host, port and path as the hub is reached;
 * anything else is a config error. */
static int up_url(const char *url, struct uplink_cfg *c)
{
	char text[512], err[256];
	struct uci_file *f;
	int rc;

	snprintf(text, sizeof text,
		 "config uplink 'hub'\n\toption url '%s'\n"
		 "\toption pin 'sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='\n"
		 "\toption device 'd1'\n\toption secret '%064d'\n",
		 url, 0);
	f = uci_parse("t", text, strlen(text), err, sizeof err);
	assert_non_null(f);
	rc = uplink_config(c, f->secs, "t", err, sizeof err);
	uci_free(f);
	return rc;
}

static void upcfg_url(void **st)
{
	static const struct {
		const char *url, *host, *path;
		unsigned port;
	} ok[] = {
		{"https://hub.example:8443/v1/ingest", "hub.example", "/v1/ingest", 8443},
		{"https://hub.example", "hub.example", "/v1/ingest", 443},
		{"https://hub.example/", "hub.example", "/", 443},
		{"https://127.0.0.1:1/a?b#c", "127.0.0.1", "/a?b#c", 1},
		{"https://[::1]:8443/x", "::1", "/x", 8443},
		{"https://[fe80::1]", "fe80::1", "/v1/ingest", 443},
		{"https://h/p@th", "h", "/p@th", 443},
	};
	static const char *const bad[] = {
		"http://h/", "HTTPS://h/", "https://", "https:///x", "https://u@h/",
		"https://h:0/", "https://h:65536/", "https://h:/", "https://h:x/",
		"https://[::1/", "https://[]/", "https://[::1]x/", "https://h/a b",
		"ftp://h/",
	};
	struct uplink_cfg c;
	size_t i;

	(void)st;
	for (i = 0; i < sizeof ok / sizeof *ok; i++) {
		assert_int_equal(up_url(ok[i].url, &c), 0);
		assert_string_equal(c.host, ok[i].host);
		assert_string_equal(c.path, ok[i].path);
		assert_int_equal(c.port, ok[i].port);
		assert_string_equal(c.url, ok[i].url);
	}
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		print_message("%s\n", bad[i]);
		assert_int_equal(up_url(bad[i], &c), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agg_counts_each_kind),
		cmocka_unit_test(upcfg_url),
		cmocka_unit_test(agg_scan_picture),
		cmocka_unit_test(agg_full_takes_nothing),
		cmocka_unit_test(agg_cuts_long_strings_on_utf8),
		cmocka_unit_test(agg_raw_events_bounded),
		cmocka_unit_test(cursor_roundtrip_and_scan),
		cmocka_unit_test(http_date_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
