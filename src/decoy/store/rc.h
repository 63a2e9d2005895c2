/* rc.h — the adaptive binary range coder under sealed segments (in the
 * style of LZMA's), on its own and pure.
 *
 * One code path codes and decodes: every call takes the value to encode and,
 * when the coder decodes, returns the decoded one instead. Both sides update
 * the same adaptive probabilities in the same order, so they cannot drift.
 * A decoder that runs past its input sets err to -EBADMSG and reads zeros; an
 * encoder whose output buffer is full sets err to -ENOBUFS. The hot calls are
 * inline here so that the field coders keep the speed they had in one file.
 */
#ifndef TANUKI_RC_H
#define TANUKI_RC_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define RC_PROB_BITS 15
#define RC_PROB_INIT (1u << (RC_PROB_BITS - 1))
#define RC_MOVE_BITS 5
#define RC_TOP (1u << 24)

struct rc {
	bool dec;
	int err;
	/* encoder */
	uint64_t low;
	uint32_t range;
	uint8_t cache;
	uint64_t csize;
	struct buf *out;
	/* decoder */
	uint32_t code;
	const uint8_t *in;
	size_t inlen, inpos;
};

/* Adaptive Elias-gamma-like integer: bit length by a 7-bit tree, the two
 * bits below the top one adaptive per length, the rest direct. */
struct rc_int {
	uint16_t len[128];
	uint16_t man[65][3];
};

/* Starts an encoder appending to out, or a decoder over in[0..n). */
void rc_init_enc(struct rc *c, struct buf *out);
void rc_init_dec(struct rc *c, const uint8_t *in, size_t n);
/* Flushes an encoder. */
void rc_finish(struct rc *c);
/* Sets n probabilities to even odds. */
void rc_probs_init(uint16_t *p, size_t n);
/* A prior for integers: bit lengths of 16 and more are unlikely at first. */
void rc_int_init(struct rc_int *m);

#define RC_INIT_PROBS(x) rc_probs_init((uint16_t *)(void *)&(x), sizeof(x) / sizeof(uint16_t))

static inline void rc_shift_low(struct rc *c)
{
	if ((uint32_t)c->low < 0xff000000u || (c->low >> 32)) {
		uint8_t carry = (uint8_t)(c->low >> 32), t = c->cache;

		do {
			if (buf_addc(c->out, (char)(uint8_t)(t + carry)))
				c->err = -ENOBUFS;
			t = 0xff;
		} while (--c->csize);
		c->cache = (uint8_t)(c->low >> 24);
	}
	c->csize++;
	c->low = (c->low & 0x00ffffffu) << 8;
}

static inline uint8_t rc_next_in(struct rc *c)
{
	if (c->inpos < c->inlen)
		return c->in[c->inpos++];
	c->err = -EBADMSG; /* a valid stream never reads past its end */
	return 0;
}

static inline unsigned rc_bit(struct rc *c, uint16_t *p, unsigned bit)
{
	uint32_t bound = (c->range >> RC_PROB_BITS) * *p;

	if (c->dec)
		bit = c->code >= bound;
	if (!bit) {
		c->range = bound;
		*p = (uint16_t)(*p + (((1u << RC_PROB_BITS) - *p) >> RC_MOVE_BITS));
	} else {
		if (c->dec)
			c->code -= bound;
		else
			c->low += bound;
		c->range -= bound;
		*p = (uint16_t)(*p - (*p >> RC_MOVE_BITS));
	}
	while (c->range < RC_TOP) {
		c->range <<= 8;
		if (c->dec)
			c->code = c->code << 8 | rc_next_in(c);
		else
			rc_shift_low(c);
	}
	return bit;
}

static inline uint64_t rc_direct(struct rc *c, unsigned nbits, uint64_t v)
{
	uint64_t r = 0;

	while (nbits--) {
		unsigned bit = (unsigned)(v >> nbits) & 1;

		c->range >>= 1;
		if (c->dec) {
			bit = c->code >= c->range;
			if (bit)
				c->code -= c->range;
		} else if (bit) {
			c->low += c->range;
		}
		r = r << 1 | bit;
		while (c->range < RC_TOP) {
			c->range <<= 8;
			if (c->dec)
				c->code = c->code << 8 | rc_next_in(c);
			else
				rc_shift_low(c);
		}
	}
	return r;
}

/* A bit tree over nbits (probs has 1 << nbits entries). */
static inline unsigned rc_tree(struct rc *c, uint16_t *probs, unsigned nbits, unsigned v)
{
	unsigned m = 1, i;

	for (i = nbits; i-- > 0;)
		m = m << 1 | rc_bit(c, &probs[m], (v >> i) & 1);
	return m - (1u << nbits);
}

static inline uint64_t rc_uint(struct rc *c, struct rc_int *m, uint64_t v)
{
	unsigned n = 0, b1, b2;
	uint64_t r;

	if (!c->dec)
		for (r = v; r; r >>= 1)
			n++;
	n = rc_tree(c, m->len, 7, n);
	if (n > 64) {
		c->err = -EBADMSG;
		return 0;
	}
	if (n <= 1)
		return n;
	r = 1;
	b1 = rc_bit(c, &m->man[n][0], (unsigned)(v >> (n - 2)) & 1);
	r = r << 1 | b1;
	if (n >= 3) {
		b2 = rc_bit(c, &m->man[n][1 + b1], (unsigned)(v >> (n - 3)) & 1);
		r = r << 1 | b2;
		r = r << (n - 3) | rc_direct(c, n - 3, v);
	}
	return r;
}

static inline uint64_t rc_zz(int64_t v)
{
	return v < 0 ? ((uint64_t)(-(v + 1)) << 1) | 1 : (uint64_t)v << 1;
}

static inline int64_t rc_unzz(uint64_t v)
{
	return v & 1 ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
}

#endif
