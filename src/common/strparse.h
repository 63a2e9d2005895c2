/* strparse.h — cursor parsing with explicit maxima (curl's strparse is the
 * model; written fresh).
 *
 * A cursor is a window [p, end) over bytes that need not be NUL-terminated.
 * Every number parser takes the largest value it accepts and, where the
 * text has a fixed width, the most digits it reads: nothing here can
 * overflow, whatever the input. A parser that fails leaves the cursor where
 * it was. Pure functions; no allocation.
 */
#ifndef TANUKI_STRPARSE_H
#define TANUKI_STRPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sp {
	const char *p;	 /* next byte */
	const char *end; /* one past the last */
};

static inline void sp_init(struct sp *c, const char *p, size_t n)
{
	c->p = p;
	c->end = p + n;
}

static inline size_t sp_left(const struct sp *c)
{
	return (size_t)(c->end - c->p);
}

static inline bool sp_eof(const struct sp *c)
{
	return c->p >= c->end;
}

/* The next byte as unsigned char, or -1 at the end. */
static inline int sp_peek(const struct sp *c)
{
	return c->p < c->end ? (unsigned char)*c->p : -1;
}

/* The value of a hex digit (either case), or -1. */
int sp_hexval(int ch);

/* Takes byte ch if it is next: true, else false (cursor unchanged). */
bool sp_skip(struct sp *c, char ch);
/* Takes the exact bytes s[0..n) if they are next. */
bool sp_skipn(struct sp *c, const char *s, size_t n);
/* Takes bytes while they are in set (a C string); returns how many. */
size_t sp_skipset(struct sp *c, const char *set);

/* Reads 1 to maxdig digits in base (10 or 16) into *v.
 * 0: done; -EINVAL: no digit next; -ERANGE: more than maxdig digits follow,
 * or the value would exceed max. On error the cursor is unchanged. */
int sp_digits(struct sp *c, unsigned base, size_t maxdig, uint64_t max, uint64_t *v);

/* Any number of decimal / hex digits, at most max. */
int sp_dec(struct sp *c, uint64_t max, uint64_t *v);
int sp_hex(struct sp *c, uint64_t max, uint64_t *v);

/* Exactly n decimal digits (a fixed-width field such as "2024"). */
int sp_fixed(struct sp *c, size_t n, uint64_t *v);

/* n bytes of hex text (2n digits, either case) into out[0..n). false if any
 * digit is not hex (out is then partly written). */
bool sp_hexbytes(const char *s, uint8_t *out, size_t n);

#endif
