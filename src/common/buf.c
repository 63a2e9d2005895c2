/* buf.c — bounded growable byte buffer (see buf.h). */
#include "buf.h"

#include "acct.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->acct = NULL;
}

void buf_init_acct(struct buf *b, size_t max, struct acct *acct)
{
	buf_init(b, max);
	b->acct = acct;
}

/* Bytes the block of b holds (its account is charged this much). */
static size_t held(const struct buf *b)
{
	return b->p ? b->cap + 1 : 0;
}

void buf_free(struct buf *b)
{
	acct_give(b->acct, held(b));
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need, ncap;
	char *np;

	if (extra > b->max || b->len > b->max - extra)
		return -ENOBUFS;
	need = b->len + extra;
	if (need <= b->cap && b->p)
		return 0;
	ncap = b->cap ? b->cap : 32;
	while (ncap < need)
		ncap = ncap > b->max / 2 ? b->max : ncap * 2;
	if (ncap < need)
		ncap = need;
	if (!acct_take(b->acct, ncap + 1 - held(b)))
		return -ENOMEM;
	np = realloc(b->p, ncap + 1);
	if (!np) {
		acct_give(b->acct, ncap + 1 - held(b));
		return -ENOMEM;
	}
	b->p = np;
	b->cap = ncap;
	return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	int rc = buf_reserve(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -EINVAL;
	rc = buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
	b->p[b->len] = '\0';
}

char *buf_take(struct buf *b, size_t *len)
{
	char *p = b->p;

	acct_give(b->acct, held(b));
	*len = b->len;
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	if (!*len) {
		free(p);
		return NULL;
	}
	return p;
}
