/* test_common.c — buf, json, uci, hash, strparse. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "hash.h"
#include "isotime.h"
#include "json.h"
#include "strparse.h"
#include "uci.h"

static void buf_caps(void **st)
{
	struct buf b;

	(void)st;
	buf_init(&b, 10);
	assert_int_equal(buf_add(&b, "0123456789", 10), 0);
	assert_int_not_equal(buf_add(&b, "x", 1), 0); /* over the max: refused */
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.p, "0123456789", 11); /* NUL kept */
	buf_consume(&b, 4);
	assert_string_equal(b.p, "456789");
	assert_int_equal(buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(b.p, "4567891234");
	assert_int_not_equal(buf_printf(&b, "%d", 5), 0);
	assert_string_equal(b.p, "4567891234");
	buf_free(&b);
	assert_null(b.p);
}

static void json_escapes_attacker_bytes(void **st)
{
	struct buf b;
	struct json j;
	const char in[] = "a\"b\\c\n\r\t\x01\x7f\xff\xc3\xa9\xe2\x82";

	(void)st;
	buf_init(&b, 1024);
	json_open(&j, &b);
	json_str(&j, "input", in, sizeof in - 1);
	json_int(&j, "n", -5);
	json_bool(&j, "ok", true);
	assert_int_equal(json_close(&j), 0);
	/* valid UTF-8 (é) passes; invalid bytes become Latin-1 code points */
	assert_string_equal(b.p, "{\"input\":\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u007f"
				 "\\u00ff\xc3\xa9\\u00e2\\u0082\",\"n\":-5,\"ok\":true}");
	buf_free(&b);
}

static void json_cap_is_sticky(void **st)
{
	struct buf b;
	struct json j;

	(void)st;
	buf_init(&b, 16);
	json_open(&j, &b);
	json_cstr(&j, "k", "a long value that will not fit");
	json_int(&j, "n", 1);
	assert_int_not_equal(json_close(&j), 0);
	buf_free(&b);
}

static void uci_parses_openwrt_syntax(void **st)
{
	const char *text =
		"# comment\n"
		"config tanuki 'main'\n"
		"\toption store '/overlay/tanuki'\n"
		"\toption sensor \"decoy \\\"01\\\"\"  # trailing\n"
		"\tlist allow '127.0.0.0/8'\n"
		"\tlist allow '::1'\n"
		"config listener telnet\n"
		"\toption port 23\n";
	char err[128];
	struct uci_file *f = uci_parse("t.conf", text, strlen(text), err, sizeof err);
	struct uci_sec *s;
	struct uci_opt *o;
	int n = 0;

	(void)st;
	assert_non_null(f);
	s = f->secs;
	assert_string_equal(s->type, "tanuki");
	assert_string_equal(s->name, "main");
	assert_string_equal(uci_str(s, "store", NULL), "/overlay/tanuki");
	assert_string_equal(uci_str(s, "sensor", NULL), "decoy \"01\"");
	for (o = s->opts; o; o = o->next)
		if (o->list && !strcmp(o->key, "allow"))
			n++;
	assert_int_equal(n, 2);
	s = s->next;
	assert_string_equal(s->name, "telnet");
	assert_string_equal(uci_str(s, "port", NULL), "23");
	assert_int_equal(s->line, 7);
	uci_free(f);
}

static void uci_errors_name_the_line(void **st)
{
	char err[128];
	const char *t1 = "config a 'b'\n\toption x 'unterminated\n";
	const char *t2 = "option x y\n";
	const char *t3 = "config a\nbogus line here\n";
	const char *t4 = "config a b c\n";

	(void)st;
	assert_null(uci_parse("f", t1, strlen(t1), err, sizeof err));
	assert_string_equal(err, "f:2: unterminated quote");
	assert_null(uci_parse("f", t2, strlen(t2), err, sizeof err));
	assert_string_equal(err, "f:1: option before any config section");
	assert_null(uci_parse("f", t3, strlen(t3), err, sizeof err));
	assert_string_equal(err, "f:2: expected config, option or list");
	assert_null(uci_parse("f", t4, strlen(t4), err, sizeof err));
	assert_string_equal(err, "f:1: too many words on the line");
}

static void sha256_known_answer(void **st)
{
	uint8_t h[SHA256_LEN];
	char hex[SHA256_HEX];

	(void)st;
	hash_sha256("abc", 3, h);
	hash_hex(h, SHA256_LEN, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void strparse_numbers_have_maxima(void **st)
{
	struct sp c;
	uint64_t v = 7;

	(void)st;
	sp_init(&c, "65535:x", 7);
	assert_int_equal(sp_dec(&c, 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_true(sp_skip(&c, ':'));
	assert_false(sp_skip(&c, ':'));
	assert_int_equal(sp_dec(&c, 10, &v), -EINVAL); /* no digit: cursor stays */
	assert_int_equal(sp_peek(&c), 'x');
	sp_init(&c, "65536", 5);
	assert_int_equal(sp_dec(&c, 65535, &v), -ERANGE);
	assert_int_equal(sp_left(&c), 5);
	/* a digit larger than a small max, and no wrap near UINT64_MAX */
	sp_init(&c, "9", 1);
	assert_int_equal(sp_dec(&c, 5, &v), -ERANGE);
	sp_init(&c, "18446744073709551615", 20);
	assert_int_equal(sp_dec(&c, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	sp_init(&c, "18446744073709551616", 20);
	assert_int_equal(sp_dec(&c, UINT64_MAX, &v), -ERANGE);
	/* hex, either case; a digit count */
	sp_init(&c, "fFfFfFfF;", 9);
	assert_int_equal(sp_hex(&c, UINT64_MAX, &v), 0);
	assert_true(v == 0xffffffffu);
	assert_int_equal(sp_peek(&c), ';');
	sp_init(&c, "000000041", 9);
	assert_int_equal(sp_digits(&c, 16, 8, 0x10ffff, &v), -ERANGE);
	sp_init(&c, "00000041", 8);
	assert_int_equal(sp_digits(&c, 16, 8, 0x10ffff, &v), 0);
	assert_int_equal(v, 0x41);
	assert_true(sp_eof(&c));
	/* fixed width */
	sp_init(&c, "2024-", 5);
	assert_int_equal(sp_fixed(&c, 4, &v), 0);
	assert_int_equal(v, 2024);
	sp_init(&c, "20x4", 4);
	assert_int_equal(sp_fixed(&c, 4, &v), -EINVAL);
	sp_init(&c, "123", 3);
	assert_int_equal(sp_fixed(&c, 4, &v), -EINVAL);
	/* skipping */
	sp_init(&c, " \t-a", 4);
	assert_int_equal(sp_skipset(&c, " \t"), 2);
	assert_true(sp_skipn(&c, "-a", 2));
	assert_true(sp_eof(&c));
	assert_int_equal(sp_peek(&c), -1);
	assert_int_equal(sp_hexval('g'), -1);
	assert_int_equal(sp_hexval('B'), 11);
	{
		uint8_t b[2];

		assert_true(sp_hexbytes("0aFf", b, 2));
		assert_int_equal(b[0], 0x0a);
		assert_int_equal(b[1], 0xff);
		assert_false(sp_hexbytes("0g", b, 1));
	}
}

static void isotime_roundtrips(void **st)
{
	char t[ISO_TIME_LEN + 1];
	int64_t us = 0;
	static const char line[] = "{\"eventid\":\"x\",\"timestamp\":\"2024-02-29T23:59:59.123456Z\"}";

	(void)st;
	iso_format(INT64_C(1709251199123456), t);
	assert_string_equal(t, "2024-02-29T23:59:59.123456Z");
	assert_true(iso_parse(t, ISO_TIME_LEN, &us));
	assert_true(us == INT64_C(1709251199123456));
	assert_false(iso_parse("2023-02-29T00:00:00.000000Z", ISO_TIME_LEN, &us));
	assert_false(iso_parse("2023-01-01T00:00:00.00000xZ", ISO_TIME_LEN, &us));
	assert_false(iso_parse(t, ISO_TIME_LEN - 1, &us));
	iso_format(-1, t);
	assert_string_equal(t, "1970-01-01T00:00:00.000000Z");
	us = 0;
	assert_true(iso_line_time(line, sizeof line - 1, &us));
	assert_true(us == INT64_C(1709251199123456));
	assert_false(iso_line_time(line, 40, &us));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_caps),
		cmocka_unit_test(json_escapes_attacker_bytes),
		cmocka_unit_test(json_cap_is_sticky),
		cmocka_unit_test(uci_parses_openwrt_syntax),
		cmocka_unit_test(uci_errors_name_the_line),
		cmocka_unit_test(sha256_known_answer),
		cmocka_unit_test(strparse_numbers_have_maxima),
		cmocka_unit_test(isotime_roundtrips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
