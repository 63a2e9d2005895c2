/* hub_test_json.c — the hub's JSON parser, summary check and HMAC (cmocka).
 * Built by mk/hub.mk as build/asan/test_hub_json; ASan checks leaks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hub.h"
#include "jp.h"
#include "summary.h"
#include "tls.h"

static int parse(struct jdoc *d, const char *s)
{
	return jp_parse(d, s, strlen(s), 1000, 8, NULL);
}

static void t_parse_values(void **state)
{
	struct jdoc d;
	int32_t i;

	(void)state;
	assert_int_equal(parse(&d, " {\"a\": [1, -2, 3.5, true, false, null],"
				   " \"s\": \"x\\u00e9\\ud83d\\ude00\\n\"} "), 0);
	i = jp_get(&d, 0, "a");
	assert_true(i > 0);
	i = d.n[i].child;
	assert_true(d.n[i].isint && d.n[i].num == 1);
	i = d.n[i].next;
	assert_true(d.n[i].isint && d.n[i].num == -2);
	i = d.n[i].next;
	assert_false(d.n[i].isint);
	i = jp_get(&d, 0, "s");
	assert_string_equal(jp_str(&d, i), "x\xc3\xa9\xf0\x9f\x98\x80\n");
	assert_int_equal(d.n[i].slen, 8);
	assert_int_equal(jp_get(&d, 0, "missing"), -1);
	jp_free(&d);
}

static void t_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"\\x\"",
		"\"\\ud800\"", "\"\\u0000\"", "\"a\x01\"", "\"\xff\"",
		"\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "[1] x", "{\"a\" 1}",
		"[[[[[[[[[[1]]]]]]]]]]", "tru", NULL};
	const char *const *p;
	struct jdoc d;

	(void)state;
	for (p = bad; *p; p++) {
		assert_int_not_equal(parse(&d, *p), 0);
		jp_free(&d);
	}
	/* node cap */
	assert_int_equal(jp_parse(&d, "[1,2,3,4]", 9, 3, 8, NULL), -E2BIG);
	jp_free(&d);
	/* int64 edges */
	assert_int_equal(parse(&d, "[9223372036854775807,-9223372036854775808,"
				   "9223372036854775808]"), 0);
	assert_true(d.n[1].isint && d.n[1].num == INT64_MAX);
	assert_true(d.n[2].isint && d.n[2].num == INT64_MIN);
	assert_false(d.n[3].isint);
	jp_free(&d);
}

static void t_summary(void **state)
{
	const char *ok =
		"{\"device\":\"d-1\",\"seq\":3,\"period\":{\"from\":10,\"to\":20},"
		"\"counts\":{\"by_port\":{\"23\":4},\"by_event\":{\"x\":1}},"
		"\"credentials\":[{\"username\":\"u\",\"password\":\"p\",\"count\":2}],"
		"\"binaries\":[{\"sha256\":\"" "0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef\",\"size\":5}],\"new_field\":1}";
	static const char *const bad[] = {
		"[]",
		"{\"seq\":1,\"period\":{\"from\":1,\"to\":2}}",
		"{\"device\":\"a b\",\"seq\":1,\"period\":{\"from\":1,\"to\":2}}",
		"{\"device\":\"d\",\"seq\":1,\"period\":{\"from\":3,\"to\":2}}",
		"{\"device\":\"d\",\"seq\":1.5,\"period\":{\"from\":1,\"to\":2}}",
		"{\"device\":\"d\",\"seq\":1,\"period\":{\"from\":1,\"to\":2},"
		"\"counts\":{\"by_port\":{\"65536\":1}}}",
		"{\"device\":\"d\",\"seq\":1,\"period\":{\"from\":1,\"to\":2},"
		"\"counts\":{\"by_port\":{\"023\":1}}}",
		"{\"device\":\"d\",\"seq\":1,\"period\":{\"from\":1,\"to\":2},"
		"\"credentials\":[{\"username\":\"u\",\"count\":1}]}",
		"{\"device\":\"d\",\"seq\":1,\"period\":{\"from\":1,\"to\":2},"
		"\"binaries\":[{\"sha256\":\"xyz\",\"size\":1}]}",
		"{\"device\":\"d\",\"seq\":1,\"period\":{\"from\":1,\"to\":2},"
		"\"events\":[1]}",
		NULL};
	const char *const *p;
	struct jdoc d;
	struct summary s;
	char err[96];

	(void)state;
	assert_int_equal(parse(&d, ok), 0);
	assert_int_equal(summary_check(&d, &s, err, sizeof(err)), 0);
	assert_string_equal(s.device, "d-1");
	assert_true(s.seq == 3 && s.from == 10 && s.to == 20);
	assert_string_equal(s.persona, "");
	assert_true(s.credentials > 0 && s.sources == -1);
	jp_free(&d);
	for (p = bad; *p; p++) {
		assert_int_equal(parse(&d, *p), 0);
		assert_int_equal(summary_check(&d, &s, err, sizeof(err)), -EINVAL);
		jp_free(&d);
	}
}

static void t_sig_and_helpers(void **state)
{
	/* python3: hmac.new(b"k", b"dev\n100\n" + b"00"*16 + b"\n" +
	 * sha256(b"{}").hexdigest().encode(), sha256).hexdigest() */
	const char *sig =
		"4393942e586373cc2bc251c24ce8e10e0b578ae1b4ee4a72fa906acc2292c696";
	char b64[64];
	int64_t v;

	(void)state;
	assert_true(hub_sig_ok("k", "dev", "100", "00000000000000000000000000000000",
			       "{}", 2, sig));
	assert_false(hub_sig_ok("k", "dev", "101", "00000000000000000000000000000000",
				"{}", 2, sig));
	assert_false(hub_sig_ok("k", "dev", "100", "00000000000000000000000000000000",
				"{}", 2, "zz"));
	assert_true(hub_parse_i64("123", 0, 1000, &v) && v == 123);
	assert_false(hub_parse_i64("12a", 0, 1000, &v));
	assert_false(hub_parse_i64("", 0, 1000, &v));
	assert_false(hub_parse_i64("1001", 0, 1000, &v));
	assert_false(hub_parse_i64("99999999999999999999", 0, INT64_MAX, &v));
	tls_base64((const unsigned char *)"foob", 4, b64);
	assert_string_equal(b64, "Zm9vYg==");
	tls_base64((const unsigned char *)"fooba", 5, b64);
	assert_string_equal(b64, "Zm9vYmE=");
	tls_base64((const unsigned char *)"foobar", 6, b64);
	assert_string_equal(b64, "Zm9vYmFy");
	assert_true(summary_name_ok("decoy-01.lan_x", 14));
	assert_false(summary_name_ok("-x", 2));
	assert_false(summary_name_ok("a/b", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_parse_values),
		cmocka_unit_test(t_parse_rejects),
		cmocka_unit_test(t_summary),
		cmocka_unit_test(t_sig_and_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
