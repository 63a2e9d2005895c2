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
	struct buf sbs;	  /* each sb + '|' */
	int stop_after;	  /* stop parsing after this many lines (0: never) */
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

static bool r_key(void *ctx, enum tn_key k, uint8_t c)
{
	struct rec *r = ctx;
	static const char tag[] = "cEIZ"; /* char, erase, intr, eof */

	if (k == TK_CHAR)
		buf_addc(&r->opts, (char)c);
	else
		buf_addc(&r->opts, tag[k]);
	return !(k == TK_INTR && r->stop_after < 0);
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
	struct telnet_cb cb = {r, r_line, r_opt, r_sb, NULL};

	return telnet_parse(tp, p, n, &cb);
}

static size_t feed_edit(struct telnet_parser *tp, struct rec *r, const void *p, size_t n)
{
	struct telnet_cb cb = {r, r_line, NULL, NULL, r_key};

	return telnet_parse(tp, p, n, &cb);
}

/* Edit mode reads as BusyBox lineedit: keys reported one by one (their
 * echo is the engine's), erase, Ctrl-C drops the line, Ctrl-D only on an
 * empty line, other controls and escape sequences ignored. */
static void edit_mode_keys(void **st)
{
	struct rec *r = *st;
	const char in[] = "ab\x7f"
			  "c\x03"
			  "xy\x04z\x1b[A\t!\r\n\x04";

	telnet_init(&tp);
	tp.edit = true;
	assert_int_equal(feed_edit(&tp, r, in, sizeof in - 1), sizeof in - 1);
	assert_string_equal(r->lines.p, "xyz!|");
	/* a b erase c intr x y z ! (the ^D mid-line, ESC [ A and TAB are
	 * nothing), then the ^D on the empty line */
	assert_int_equal(r->opts.len, 10);
	assert_memory_equal(r->opts.p, "abEcIxyz!Z", 10);
}

/* A line keeps TN_EDIT_MAXLINE bytes (1022, measured on BusyBox 1.35):
 * the rest is dropped without a report, the line is not marked cut. */
static void edit_mode_cap(void **st)
{
	struct rec *r = *st;
	char *big = malloc(1500);

	telnet_init(&tp);
	tp.edit = true;
	memset(big, 'z', 1500);
	feed_edit(&tp, r, big, 1500);
	feed_edit(&tp, r, "\r\n", 2);
	assert_int_equal(r->lines.len, TN_EDIT_MAXLINE + 1);
	assert_int_equal(r->lines.p[TN_EDIT_MAXLINE], '|');
	assert_int_equal(r->opts.len, TN_EDIT_MAXLINE);
	free(big);
}

/* A key callback that says stop: parsing stops right after Ctrl-C. */
static void edit_mode_stops(void **st)
{
	struct rec *r = *st;

	telnet_init(&tp);
	tp.edit = true;
	r->stop_after = -1;
	assert_int_equal(feed_edit(&tp, r,
				   "ab\x03"
				   "cd\n",
				   6),
			 3);
	r->stop_after = 0;
	assert_int_equal(feed_edit(&tp, r, "cd\n", 3), 3);
	assert_string_equal(r->lines.p, "cd|");
}

/* Mirai's replies to BusyBox's opening, then a user name. */
static void mirai_negotiation(void **st)
{
	struct rec *r = *st;
	const uint8_t in[] = {0xff, 0xfc, 0x01, 0xff, 0xfb, 0x1f, 0xff, 0xfa, 0x1f,
			      0x00, 0x50, 0x00, 0x18, 0xff, 0xf0, 0xff, 0xfd, 0x01,
			      0xff, 0xfd, 0x03, 'r',  'o',  'o',  't',	'\r', '\n'};

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
	const uint8_t in[] = {'a',  'b',  0x7f, 'c',  0x08, 0x08, 0x08, 'x', '\n',
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
	    cmocka_unit_test_setup_teardown(edit_mode_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(edit_mode_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(edit_mode_stops, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
