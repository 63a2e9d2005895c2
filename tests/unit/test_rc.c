/* test_rc.c — the range coder (store/rc.h) on its own: what one side
 * codes the other decodes, adaptive bits get cheaper, a truncated stream
 * is caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/rc.h"

#define N 4000

struct models {
	uint16_t bit[2];
	uint16_t tree[1 << 4];
	struct rc_int num;
};

static void models_init(struct models *m)
{
	RC_INIT_PROBS(m->bit);
	RC_INIT_PROBS(m->tree);
	rc_int_init(&m->num);
}

/* A mixed sequence, deterministic: skewed bits, tree symbols, integers of
 * every length (zig-zag signed ones too) and raw direct bits. */
static uint64_t value(unsigned i, unsigned kind)
{
	uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15u;

	switch (kind) {
	case 0:
		return (x >> 60) == 0; /* a 1 in 16 */
	case 1:
		return (x >> 40) & 15;
	case 2:
		return i % 7 == 0 ? UINT64_MAX >> (i % 64) : x >> (i % 64);
	default:
		return x >> 32;
	}
}

static int code_all(struct rc *c, struct models *m, uint64_t *got)
{
	unsigned i;

	for (i = 0; i < N; i++) {
		unsigned k = i % 5;
		uint64_t v = value(i, k < 4 ? k : 2);

		switch (k) {
		case 0:
			got[i] = rc_bit(c, &m->bit[0], (unsigned)v);
			break;
		case 1:
			got[i] = rc_tree(c, m->tree, 4, (unsigned)v);
			break;
		case 2:
			got[i] = rc_uint(c, &m->num, v);
			break;
		case 3:
			got[i] = rc_direct(c, 32, v);
			break;
		default:
			got[i] = (uint64_t)rc_unzz(rc_uint(c, &m->num, rc_zz(-(int64_t)(v >> 2))));
			break;
		}
	}
	return c->err;
}

static void roundtrip(void **st)
{
	struct rc enc, dec;
	struct models me, md;
	struct buf out;
	uint64_t *a = calloc(N, sizeof *a), *b = calloc(N, sizeof *b);
	unsigned i;

	(void)st;
	assert_non_null(a);
	assert_non_null(b);
	buf_init(&out, 1u << 20);
	models_init(&me);
	rc_init_enc(&enc, &out);
	assert_int_equal(code_all(&enc, &me, a), 0);
	rc_finish(&enc);
	assert_int_equal(enc.err, 0);
	for (i = 0; i < N; i++) { /* the encoder hands back what it was given */
		unsigned k = i % 5;
		uint64_t v = value(i, k < 4 ? k : 2);

		if (k == 4)
			assert_true(a[i] == (uint64_t)(-(int64_t)(v >> 2)));
		else
			assert_true(a[i] == v);
	}
	models_init(&md);
	rc_init_dec(&dec, (const uint8_t *)out.p, out.len);
	assert_int_equal(code_all(&dec, &md, b), 0);
	assert_memory_equal(a, b, N * sizeof *a);
	/* a stream cut short is an error, not a crash */
	models_init(&md);
	rc_init_dec(&dec, (const uint8_t *)out.p, out.len / 2);
	assert_int_equal(code_all(&dec, &md, b), -EBADMSG);
	buf_free(&out);
	free(a);
	free(b);
}

static void adaptive_bits_get_cheap(void **st)
{
	struct rc enc;
	uint16_t p[1];
	struct buf out;
	unsigned i;

	(void)st;
	buf_init(&out, 1u << 16);
	RC_INIT_PROBS(p);
	rc_init_enc(&enc, &out);
	for (i = 0; i < 8000; i++)
		rc_bit(&enc, p, 0);
	rc_finish(&enc);
	assert_int_equal(enc.err, 0);
	assert_true(out.len < 8000 / 8 / 10); /* far under a bit per bit */
	buf_free(&out);
}

static void full_output_is_an_error(void **st)
{
	struct rc enc;
	struct buf out;
	unsigned i;

	(void)st;
	buf_init(&out, 16);
	rc_init_enc(&enc, &out);
	for (i = 0; i < 64; i++)
		rc_direct(&enc, 32, i * 0x01020304u);
	rc_finish(&enc);
	assert_int_equal(enc.err, -ENOBUFS);
	assert_true(out.len <= 16);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(roundtrip),
	    cmocka_unit_test(adaptive_bits_get_cheap),
	    cmocka_unit_test(full_output_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
