/* httpresp.c — HTTP response head and chunked decoding (see httpresp.h). */
#include "fetch/httpresp.h"

#include <errno.h>
#include <string.h>

#include "bounds.h"
#include "strparse.h"

size_t httpresp_head_len(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < n && p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static bool ieq(const char *a, size_t an, const char *b)
{
	size_t i, bn = strlen(b);

	if (an != bn)
		return false;
	for (i = 0; i < an; i++) {
		char c = a[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != b[i])
			return false;
	}
	return true;
}

static void trim(const char **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' || (*p)[*n - 1] == '\r'))
		(*n)--;
}

static bool has_token(const char *v, size_t n, const char *tok)
{
	size_t i = 0;

	while (i < n) {
		size_t s, e;
		const char *t;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i - s;
		t = v + s;
		trim(&t, &e);
		if (ieq(t, e, tok))
			return true;
	}
	return false;
}

int httpresp_parse(const char *p, size_t n, struct httpresp *r)
{
	const char *line = p, *end = p + n;
	bool first = true;

	memset(r, 0, sizeof(*r));
	r->length = -1;
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t ln = nl ? (size_t)(nl - line) : (size_t)(end - line);
		const char *colon, *v;
		size_t vn;

		if (ln && line[ln - 1] == '\r')
			ln--;
		if (first) {
			unsigned i, s = 0;

			/* "HTTP/1.x NNN reason" */
			if (ln < 12 || memcmp(line, "HTTP/1.", 7) || line[7] < '0' ||
			    line[7] > '9' || line[8] != ' ')
				return -EPROTO;
			r->minor = (unsigned)(line[7] - '0');
			for (i = 9; i < 12; i++) {
				if (line[i] < '0' || line[i] > '9')
					return -EPROTO;
				s = s * 10 + (unsigned)(line[i] - '0');
			}
			if (s < 100 || (ln > 12 && line[12] != ' '))
				return -EPROTO;
			r->status = s;
			first = false;
		} else if (ln) {
			colon = memchr(line, ':', ln);
			if (colon) {
				size_t kn = (size_t)(colon - line);

				v = colon + 1;
				vn = ln - kn - 1;
				trim(&v, &vn);
				if (ieq(line, kn, "content-length")) {
					int64_t x = 0;
					size_t i;

					if (!vn)
						return -EPROTO;
					for (i = 0; i < vn; i++) {
						if (v[i] < '0' || v[i] > '9')
							return -EPROTO;
						if (x > (INT64_MAX - 9) / 10)
							return -EPROTO;
						x = x * 10 + (v[i] - '0');
					}
					if (r->length >= 0 && r->length != x)
						return -EPROTO; /* smuggling-style */
					r->length = x;
				} else if (ieq(line, kn, "transfer-encoding")) {
					if (has_token(v, vn, "chunked"))
						r->chunked = true;
				} else if (ieq(line, kn, "location")) {
					r->location = v;
					r->location_n = vn;
				}
			}
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	if (first)
		return -EPROTO;
	if (r->chunked)
		r->length = -1; /* RFC 7230 3.3.3: chunked wins */
	return 0;
}

enum { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER, CH_DONE };

/* A size line, extensions included, longer than this is junk. */
#define CH_LINE_MAX 256

long httpresp_chunked(struct chunked *c, const uint8_t *p, size_t n, struct buf *out)
{
	size_t i = 0;

	while (i < n && !c->done) {
		uint8_t b = p[i];

		switch (c->st) {
		case CH_SIZE: {
			int h = sp_hexval(b);

			if (h >= 0) {
				if (++c->digits > 15)
					return -EPROTO;
				c->left = c->left << 4 | (uint64_t)h;
				i++;
				break;
			}
			if (!c->digits)
				return -EPROTO;
			c->st = CH_EXT;
			c->linelen = 0;
			break; /* look at b again in CH_EXT */
		}
		case CH_EXT:
			i++;
			if (b == '\n') {
				c->st = CH_SIZE_LF;
				break;
			}
			if (++c->linelen > CH_LINE_MAX)
				return -EPROTO;
			break;
		case CH_SIZE_LF:
			/* the size line is over (we arrive here after its '\n') */
			if (c->left == 0) {
				c->st = CH_TRAILER;
				c->linelen = 0;
			} else {
				c->st = CH_DATA;
			}
			break;
		case CH_DATA: {
			size_t take = n - i;

			if (take > c->left)
				take = (size_t)c->left;
			if (buf_add(out, p + i, take))
				return -ENOBUFS;
			i += take;
			c->left -= take;
			if (!c->left)
				c->st = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
			i++;
			if (b == '\r')
				c->st = CH_DATA_LF;
			else if (b == '\n')
				goto next_chunk;
			else
				return -EPROTO;
			break;
		case CH_DATA_LF:
			i++;
			if (b != '\n')
				return -EPROTO;
		next_chunk:
			c->st = CH_SIZE;
			c->digits = 0;
			c->left = 0;
			break;
		case CH_TRAILER:
			/* trailer lines until an empty one */
			i++;
			if (b == '\n') {
				if (c->linelen == 0) {
					c->done = true;
					c->st = CH_DONE;
				}
				c->linelen = 0;
			} else if (b != '\r' || c->linelen) {
				if (++c->linelen > CAP_FETCH_HEAD)
					return -EPROTO;
			}
			break;
		default:
			return (long)i;
		}
	}
	return (long)i;
}
