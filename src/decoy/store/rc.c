/* rc.c — the range coder's set-up and flush (see rc.h). */
#include "store/rc.h"

#include <string.h>

void rc_init_enc(struct rc *c, struct buf *out)
{
	memset(c, 0, sizeof(*c));
	c->range = 0xffffffffu;
	c->csize = 1;
	c->out = out;
}

void rc_init_dec(struct rc *c, const uint8_t *in, size_t n)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->dec = true;
	c->range = 0xffffffffu;
	c->in = in;
	c->inlen = n;
	for (i = 0; i < 5; i++)
		c->code = c->code << 8 | rc_next_in(c);
}

void rc_finish(struct rc *c)
{
	int i;

	for (i = 0; i < 5; i++)
		rc_shift_low(c);
}

void rc_probs_init(uint16_t *p, size_t n)
{
	while (n--)
		p[n] = RC_PROB_INIT;
}

/* A prior for integers: bit lengths of 16 and more are unlikely at first,
 * so fields that never change cost next to nothing from the first line. */
void rc_int_init(struct rc_int *m)
{
	unsigned i;

	rc_probs_init(m->len, 128);
	rc_probs_init(&m->man[0][0], sizeof m->man / sizeof(uint16_t));
	for (i = 1; i < 8; i++)
		m->len[i] = (1u << RC_PROB_BITS) - (1u << (RC_PROB_BITS - 5));
}
