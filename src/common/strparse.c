/* strparse.c — cursor parsing with explicit maxima (see strparse.h). */
#include "strparse.h"

#include <errno.h>
#include <string.h>

int sp_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

bool sp_skip(struct sp *c, char ch)
{
	if (c->p >= c->end || *c->p != ch)
		return false;
	c->p++;
	return true;
}

bool sp_skipn(struct sp *c, const char *s, size_t n)
{
	if (sp_left(c) < n || memcmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

size_t sp_skipset(struct sp *c, const char *set)
{
	const char *s = c->p;

	while (c->p < c->end && *c->p && strchr(set, *c->p))
		c->p++;
	return (size_t)(c->p - s);
}

static int digit(int ch, unsigned base)
{
	if (base == 16)
		return sp_hexval(ch);
	return ch >= '0' && ch <= '9' ? ch - '0' : -1;
}

int sp_digits(struct sp *c, unsigned base, size_t maxdig, uint64_t max, uint64_t *v)
{
	const char *q = c->p;
	uint64_t r = 0;
	size_t nd = 0;
	int d;

	if (base != 10 && base != 16)
		return -EINVAL;
	while (q < c->end && (d = digit((unsigned char)*q, base)) >= 0) {
		if (++nd > maxdig || (uint64_t)d > max || r > (max - (uint64_t)d) / base)
			return -ERANGE;
		r = r * base + (uint64_t)d;
		q++;
	}
	if (!nd)
		return -EINVAL;
	c->p = q;
	*v = r;
	return 0;
}

int sp_dec(struct sp *c, uint64_t max, uint64_t *v)
{
	return sp_digits(c, 10, SIZE_MAX, max, v);
}

int sp_hex(struct sp *c, uint64_t max, uint64_t *v)
{
	return sp_digits(c, 16, SIZE_MAX, max, v);
}

int sp_fixed(struct sp *c, size_t n, uint64_t *v)
{
	struct sp w;
	int rc;

	if (sp_left(c) < n)
		return -EINVAL;
	sp_init(&w, c->p, n); /* a digit after the n-th is not read */
	rc = sp_digits(&w, 10, n, UINT64_MAX, v);
	if (rc)
		return rc;
	if (!sp_eof(&w))
		return -EINVAL;
	c->p = w.p;
	return 0;
}

bool sp_hexbytes(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int h = sp_hexval((unsigned char)s[2 * i]);
		int l = h >= 0 ? sp_hexval((unsigned char)s[2 * i + 1]) : -1;

		if (l < 0)
			return false;
		out[i] = (uint8_t)(h << 4 | l);
	}
	return true;
}
