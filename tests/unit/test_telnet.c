/* test_telnet.c — the Telnet byte parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "proto/telnet.h"

struct rec {
	struct buf lines; /* each line + '|' (+ '!' if cut) */
	struct buf opts;  /* cmd opt pairs */
	struct buf sbs;   /* each sb + '|' */
	int stop_after;   /* stop parsing after this many lines (0: never) */
	int nlines;
};

static bool r_line(void *ctx, const char *p, size_t n, bool cut)
{
	struct rec *r = ctx;

	buf_add(&r->lines, p, n);
	if (cut)
		buf_addc(&r->lines, '!');
	buf_addc(&r->lines, '|');
	r->nlines++;
	return !(r->stop_after && r->nlines >= r->stop_after);
}

static void r_opt(void *ctx, uint8_t cmd, uint8_t opt)
{
	struct rec *r = ctx;

	buf_addc(&r->opts, (char)cmd);
	buf_addc(&r->opts, (char)opt);
}

static void r_sb(void *ctx, const uint8_t *p, size_t n)
{
	struct rec *r = ctx;

	buf_add(&r->sbs, p, n);
	buf_addc(&r->sbs, '|');
}

static struct telnet_parser tp;

static int setup(void **st)
{
	struct rec *r = calloc(1, sizeof(*r));

	buf_init(&r->lines, 1 << 20);
	buf_init(&r->opts, 4096);
	buf_init(&r->sbs, 4096);
	*st = r;
	return 0;
}

static int teardown(void **st)
{
	struct rec *r = *st;

	telnet_free(&tp);
	buf_free(&r->lines);
	buf_free(&r->opts);
	buf_free(&r->sbs);
	free(r);
	return 0;
}

static size_t feed(struct telnet_parser *tp, struct rec *r, const void *p, size_t n)
{
	struct telnet_cb cb = {r, r_line, r_opt, r_sb};

	return telnet_parse(tp, p, n, &cb);
}

/* Mirai's replies to BusyBox's opening, then a user name. */
static void mirai_negotiation(void **st)
{
	struct rec *r = *st;
	const uint8_t in[] = {0xff, 0xfc, 0x01, 0xff, 0xfb, 0x1f,
			      0xff, 0xfa, 0x1f, 0x00, 0x50, 0x00, 0x18, 0xff, 0xf0,
			      0xff, 0xfd, 0x01, 0xff, 0xfd, 0x03,
			      'r', 'o', 'o', 't', '\r', '\n'};

	telnet_init(&tp);
	assert_int_equal(feed(&tp, r, in, sizeof in), sizeof in);
	assert_string_equal(r->lines.p, "root|");
	assert_int_equal(r->opts.len, 8);
	assert_memory_equal(r->opts.p, "\xfc\x01\xfb\x1f\xfd\x01\xfd\x03", 8);
	assert_memory_equal(r->sbs.p, "\x1f\x00\x50\x00\x18|", 6);
}

static void line_ends_and_nuls(void **st)
{
	struct rec *r = *st;
	const char in[] = "a\r\nb\r\0c\nd\re\0f\r\n\r\n";

	telnet_init(&tp);
	feed(&tp, r, in, sizeof in - 1);
	/* CR LF, CR NUL, bare LF and bare CR all end a line; NULs vanish */
	assert_string_equal(r->lines.p, "a|b|c|d|ef||");
}

/* The Mirai loader sends the user name, then its CR LF 1-2 s later. */
static void split_segments(void **st)
{
	struct rec *r = *st;

	telnet_init(&tp);
	feed(&tp, r, "adm", 3);
	feed(&tp, r, "in", 2);
	assert_int_equal(r->lines.len, 0);
	feed(&tp, r, "\r", 1);
	assert_string_equal(r->lines.p, "admin|");
	feed(&tp, r, "\n", 1); /* the LF of the CR LF, in its own segment */
	assert_string_equal(r->lines.p, "admin|");
	feed(&tp, r, "\xff", 1);
	feed(&tp, r, "\xff", 1); /* IAC IAC across segments */
	feed(&tp, r, "\xff\xfa\x18\x00xterm", 9);
	feed(&tp, r, "\xff\xf0\n", 3);
	assert_memory_equal(r->lines.p, "admin|\xff|", 8);
	assert_string_equal(r->sbs.p, "\x18");
}

static void erase_and_iac_in_sb(void **st)
{
	struct rec *r = *st;
	const uint8_t in[] = {'a', 'b', 0x7f, 'c', 0x08, 0x08, 0x08, 'x', '\n',
			      0xff, 0xfa, 0x1f, 0xff, 0xff, 0x01, 0xff, 0xf0};

	telnet_init(&tp);
	feed(&tp, r, in, sizeof in);
	assert_string_equal(r->lines.p, "x|");
	assert_memory_equal(r->sbs.p, "\x1f\xff\x01|", 4);
}

/* SB without an end, and lines past CAP_LINE: bounded, nothing overflows. */
static void bounded(void **st)
{
	struct rec *r = *st;
	char *big = malloc(3 * CAP_LINE);

	telnet_init(&tp);
	memset(big, 'A', 3 * CAP_LINE);
	feed(&tp, r, "\xff\xfa\x1f", 3);
	feed(&tp, r, big, 3 * CAP_LINE); /* swallowed by the open SB */
	feed(&tp, r, "\xff\xf0", 2);
	assert_int_equal(r->sbs.len, CAP_TELNET_SB + 1);
	feed(&tp, r, big, 3 * CAP_LINE);
	feed(&tp, r, "\n", 1);
	assert_int_equal(r->lines.len, CAP_LINE + 2); /* cut: line + '!' + '|' */
	assert_int_equal(r->lines.p[CAP_LINE], '!');
	free(big);
}

static void stops_when_asked(void **st)
{
	struct rec *r = *st;
	const char in[] = "one\ntwo\nthree\n";

	telnet_init(&tp);
	r->stop_after = 1;
	assert_int_equal(feed(&tp, r, in, sizeof in - 1), 4);
	assert_string_equal(r->lines.p, "one|");
	r->stop_after = 0;
	assert_int_equal(feed(&tp, r, in + 4, sizeof in - 5), sizeof in - 5);
	assert_string_equal(r->lines.p, "one|two|three|");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(mirai_negotiation, setup, teardown),
		cmocka_unit_test_setup_teardown(line_ends_and_nuls, setup, teardown),
		cmocka_unit_test_setup_teardown(split_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(erase_and_iac_in_sb, setup, teardown),
		cmocka_unit_test_setup_teardown(bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(stops_when_asked, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
