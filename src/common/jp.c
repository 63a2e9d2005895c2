/* jp.c — bounded JSON parser (see jp.h). */
#include "jp.h"
#include "json.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct jp {
	struct jdoc *d;
	const unsigned char *p, *end, *start;
	int32_t max_nodes;
	int depth, max_depth;
};

static int new_node(struct jp *s, enum jtype t)
{
	struct jdoc *d = s->d;
	struct jnode *n;

	if (d->count >= s->max_nodes)
		return -E2BIG;
	if (d->count == d->cap) {
		int32_t nc = d->cap ? d->cap * 2 : 64;
		struct jnode *nn;

		if (nc > s->max_nodes)
			nc = s->max_nodes;
		nn = realloc(d->n, (size_t)nc * sizeof(*nn));
		if (!nn)
			return -ENOMEM;
		d->n = nn;
		d->cap = nc;
	}
	n = &d->n[d->count];
	memset(n, 0, sizeof(*n));
	n->type = (uint8_t)t;
	n->next = -1;
	n->child = -1;
	return d->count++;
}

static int arena_add(struct jdoc *d, const void *p, size_t n)
{
	if (d->alen + n + 1 > d->acap) {
		size_t nc = d->acap ? d->acap : 256;
		char *na;

		while (nc < d->alen + n + 1)
			nc *= 2;
		if (nc > UINT32_MAX)
			return -E2BIG;
		na = realloc(d->arena, nc);
		if (!na)
			return -ENOMEM;
		d->arena = na;
		d->acap = nc;
	}
	memcpy(d->arena + d->alen, p, n);
	d->alen += n;
	return 0;
}

static void ws(struct jp *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(const unsigned char *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static int put_cp(struct jdoc *d, uint32_t cp)
{
	unsigned char o[4];
	size_t n;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		o[0] = (unsigned char)(0xf0 | cp >> 18);
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (unsigned char)(0x80 | (cp & 0x3f)), n = 4;
	}
	return arena_add(d, o, n);
}

/* Parses a string at s->p (on the quote) into the arena. */
static int string(struct jp *s, uint32_t *off, uint32_t *len)
{
	struct jdoc *d = s->d;
	size_t start = d->alen;
	int r;

	s->p++;
	for (;;) {
		const unsigned char *run = s->p;
		size_t n;

		while (s->p < s->end && *s->p != '"' && *s->p != '\\' && *s->p >= 0x20) {
			if (*s->p < 0x80) {
				s->p++;
				continue;
			}
			n = json_utf8_len(s->p, (size_t)(s->end - s->p));
			if (!n)
				return -EINVAL;
			s->p += n;
		}
		if ((r = arena_add(d, run, (size_t)(s->p - run))))
			return r;
		if (s->p >= s->end || *s->p < 0x20)
			return -EINVAL;
		if (*s->p == '"') {
			s->p++;
			break;
		}
		/* backslash */
		if (s->end - s->p < 2)
			return -EINVAL;
		s->p++;
		switch (*s->p) {
		case '"':
		case '\\':
		case '/':
			r = arena_add(d, s->p, 1);
			break;
		case 'b':
			r = arena_add(d, "\b", 1);
			break;
		case 'f':
			r = arena_add(d, "\f", 1);
			break;
		case 'n':
			r = arena_add(d, "\n", 1);
			break;
		case 'r':
			r = arena_add(d, "\r", 1);
			break;
		case 't':
			r = arena_add(d, "\t", 1);
			break;
		case 'u': {
			uint32_t cp, lo;

			if (s->end - s->p < 5 || hex4(s->p + 1, &cp))
				return -EINVAL;
			s->p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (s->end - s->p < 7 || s->p[1] != '\\' || s->p[2] != 'u' ||
				    hex4(s->p + 3, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return -EINVAL;
				s->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return -EINVAL;
			}
			if (cp == 0) /* NUL would cut C strings and PG text */
				return -EINVAL;
			r = put_cp(d, cp);
			break;
		}
		default:
			return -EINVAL;
		}
		if (r)
			return r;
		s->p++;
	}
	if ((r = arena_add(d, "", 1))) /* NUL terminator, not counted */
		return r;
	*off = (uint32_t)start;
	*len = (uint32_t)(d->alen - start - 1);
	return 0;
}

static int number(struct jp *s, struct jnode *out)
{
	bool neg = false, isint = true;
	uint64_t v = 0;

	if (s->p < s->end && *s->p == '-')
		neg = true, s->p++;
	if (s->p >= s->end || *s->p < '0' || *s->p > '9')
		return -EINVAL;
	if (*s->p == '0') {
		s->p++;
	} else {
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
			unsigned dgt = *s->p - '0';

			if (v > (UINT64_MAX - dgt) / 10)
				isint = false;
			else
				v = v * 10 + dgt;
			s->p++;
		}
	}
	if (s->p < s->end && *s->p == '.') {
		isint = false;
		s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9')
			return -EINVAL;
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		isint = false;
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9')
			return -EINVAL;
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	if (isint && (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX))
		isint = false;
	out->isint = isint;
	if (isint)
		out->num = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int value(struct jp *s);

static int lit(struct jp *s, const char *w, enum jtype t)
{
	size_t n = strlen(w);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n))
		return -EINVAL;
	s->p += n;
	return new_node(s, t);
}

/* Returns the new node's index or a negative errno. */
static int value_at(struct jp *s);

static int value(struct jp *s)
{
	struct jdoc *d = s->d;
	const unsigned char *start;
	int r;

	ws(s);
	if (s->p >= s->end)
		return -EINVAL;
	start = s->p;
	r = value_at(s);
	if (r >= 0) {
		d->n[r].src = (uint32_t)(start - s->start);
		d->n[r].srclen = (uint32_t)(s->p - start);
	}
	return r;
}

static int value_at(struct jp *s)
{
	int idx, r, prev = -1;
	struct jdoc *d = s->d;

	switch (*s->p) {
	case 'n':
		return lit(s, "null", J_NULL);
	case 't':
		return lit(s, "true", J_TRUE);
	case 'f':
		return lit(s, "false", J_FALSE);
	case '"': {
		uint32_t off, len;

		if ((idx = new_node(s, J_STR)) < 0)
			return idx;
		if ((r = string(s, &off, &len)))
			return r;
		d->n[idx].soff = off;
		d->n[idx].slen = len;
		return idx;
	}
	case '[':
	case '{': {
		bool obj = *s->p == '{';

		if (++s->depth > s->max_depth)
			return -E2BIG;
		if ((idx = new_node(s, obj ? J_OBJ : J_ARR)) < 0)
			return idx;
		s->p++;
		ws(s);
		if (s->p < s->end && *s->p == (obj ? '}' : ']')) {
			s->p++;
			s->depth--;
			return idx;
		}
		for (;;) {
			uint32_t koff = 0, klen = 0;
			int c;

			if (obj) {
				ws(s);
				if (s->p >= s->end || *s->p != '"')
					return -EINVAL;
				if ((r = string(s, &koff, &klen)))
					return r;
				ws(s);
				if (s->p >= s->end || *s->p != ':')
					return -EINVAL;
				s->p++;
			}
			if ((c = value(s)) < 0)
				return c;
			d->n[c].koff = koff;
			d->n[c].klen = klen;
			if (prev < 0)
				d->n[idx].child = c;
			else
				d->n[prev].next = c;
			prev = c;
			ws(s);
			if (s->p >= s->end)
				return -EINVAL;
			if (*s->p == ',') {
				s->p++;
				continue;
			}
			if (*s->p != (obj ? '}' : ']'))
				return -EINVAL;
			s->p++;
			break;
		}
		s->depth--;
		return idx;
	}
	default:
		if ((idx = new_node(s, J_NUM)) < 0)
			return idx;
		if ((r = number(s, &d->n[idx])))
			return r;
		return idx;
	}
}

int jp_parse(struct jdoc *d, const char *p, size_t len, int32_t max_nodes, int max_depth,
	     size_t *where)
{
	struct jp s = {.d = d,
		       .p = (const unsigned char *)p,
		       .end = (const unsigned char *)p + len,
		       .start = (const unsigned char *)p,
		       .max_nodes = max_nodes > 0 ? max_nodes : 1,
		       .max_depth = max_depth};
	int r;

	memset(d, 0, sizeof(*d));
	if (len > UINT32_MAX / 2)
		return -E2BIG;
	r = value(&s);
	if (r >= 0) {
		ws(&s);
		r = s.p == s.end ? 0 : -EINVAL;
	}
	if (r < 0 && where)
		*where = (size_t)(s.p - s.start);
	return r < 0 ? r : 0;
}

void jp_free(struct jdoc *d)
{
	free(d->n);
	free(d->arena);
	memset(d, 0, sizeof(*d));
}

int32_t jp_get(const struct jdoc *d, int32_t obj, const char *key)
{
	size_t kl = strlen(key);
	int32_t i;

	if (obj < 0 || d->n[obj].type != J_OBJ)
		return -1;
	for (i = d->n[obj].child; i >= 0; i = d->n[i].next)
		if (d->n[i].klen == kl && !memcmp(d->arena + d->n[i].koff, key, kl))
			return i;
	return -1;
}
