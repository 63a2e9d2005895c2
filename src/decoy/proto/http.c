/* http.c — the lenient HTTP/1.x request reader (see http.h). */
#include "proto/http.h"

#include <string.h>

/* One head, one body, and the start of the next request behind them. */
#define HTTP_INBUF (CAP_HTTP_HEAD * 2 + CAP_HTTP_BODY)

void http_init(struct http_reader *r, unsigned flags)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->in, HTTP_INBUF);
	r->flags = flags;
}

void http_free(struct http_reader *r)
{
	buf_free(&r->in);
}

static void drop_done(struct http_reader *r)
{
	if (r->done) {
		buf_consume(&r->in, r->done);
		r->done = 0;
	}
}

size_t http_feed(struct http_reader *r, const void *p, size_t n)
{
	size_t room;

	drop_done(r);
	if (r->discard)
		return n;
	room = r->in.max - r->in.len;
	if (n > room) {
		r->full = true;
		n = room;
	}
	if (n && buf_add(&r->in, p, n))
		return 0;
	return n;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool ieq(const struct http_str *s, const char *lit)
{
	size_t i, n = strlen(lit);

	if (s->n != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(s->p[i]) != lower(lit[i]))
			return false;
	return true;
}

const struct http_str *http_header(const struct http_req *q, const char *name)
{
	size_t i;

	for (i = 0; i < q->nhdrs; i++)
		if (ieq(&q->hdrs[i].name, name))
			return &q->hdrs[i].value;
	return NULL;
}

/* Line [p, e) without its CR. */
static const char *line_end(const char *p, const char *e)
{
	const char *nl = memchr(p, '\n', (size_t)(e - p));

	return nl ? nl : e;
}

static const char *chop_cr(const char *s, const char *e)
{
	return e > s && e[-1] == '\r' ? e - 1 : e;
}

static void parse_request_line(struct http_req *q, const char *p, const char *e)
{
	const char *s = p;

	while (p < e && *p != ' ')
		p++;
	q->method.p = s;
	q->method.n = (size_t)(p - s);
	while (p < e && *p == ' ')
		p++;
	s = p;
	while (p < e && *p != ' ')
		p++;
	q->path.p = s;
	q->path.n = (size_t)(p - s);
	while (p < e && *p == ' ')
		p++;
	while (e > p && is_blank(e[-1]))
		e--;
	q->version.p = p;
	q->version.n = (size_t)(e - p);
}

static int64_t parse_length(const struct http_str *v)
{
	size_t i = 0;
	int64_t n = 0;

	/* miniupnpd skips to the first digit; so do we */
	while (i < v->n && (v->p[i] < '0' || v->p[i] > '9'))
		i++;
	if (i == v->n)
		return -1;
	for (; i < v->n && v->p[i] >= '0' && v->p[i] <= '9'; i++)
		if (n < 1000000000)
			n = n * 10 + (v->p[i] - '0');
	return n;
}

/* Parses the head in [0, hl) of the buffer. */
static void parse_head(struct http_reader *r, struct http_req *q, size_t hl)
{
	const char *p = r->in.p, *end = p + hl, *e;
	const struct http_str *cl;

	e = line_end(p, end);
	parse_request_line(q, p, chop_cr(p, e));
	p = e < end ? e + 1 : end;
	q->headers.p = p;
	q->headers.n = 0;
	while (p < end) {
		const char *le = line_end(p, end), *ce = chop_cr(p, le);
		const char *colon = memchr(p, ':', (size_t)(ce - p));

		if (ce == p) /* the blank line that ends the head */
			break;
		q->headers.n = (size_t)(le - q->headers.p) + (le < end);
		if (colon) {
			const char *ns = p, *ne = colon, *vs = colon + 1, *ve = ce;

			while (ne > ns && is_blank(ne[-1]))
				ne--;
			while (vs < ve && is_blank(*vs))
				vs++;
			while (ve > vs && is_blank(ve[-1]))
				ve--;
			if (q->nhdrs < CAP_HTTP_HEADERS) {
				struct http_hdr *h = &q->hdrs[q->nhdrs++];

				h->name.p = ns;
				h->name.n = (size_t)(ne - ns);
				h->value.p = vs;
				h->value.n = (size_t)(ve - vs);
			} else {
				q->hdrs_cut = true;
			}
		}
		p = le < end ? le + 1 : end;
	}
	cl = http_header(q, "content-length");
	q->content_length = cl ? parse_length(cl) : -1;
}

/* "\n\r\n" or "\n\n" from hscan on: the head's length, or 0. */
static size_t find_head_end(struct http_reader *r)
{
	const char *p = r->in.p;
	size_t n = r->in.len, i;

	for (i = r->hscan; i < n; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < n && p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
	}
	r->hscan = n >= 2 ? n - 2 : 0;
	return 0;
}

/* A complete request line at [p, e): METHOD SP target ... " HTTP/". */
static bool is_request_line(const char *p, const char *e)
{
	const char *s = p;

	while (p < e && *p >= 'A' && *p <= 'Z' && p - s < 16)
		p++;
	if (p == s || p + 1 >= e || *p != ' ' || p[1] == ' ')
		return false;
	for (; p + 6 <= e; p++)
		if (!memcmp(p, " HTTP/", 6))
			return true;
	return false;
}

/* Could [p, p+n) be the start of a request whose line has not all come? */
static bool maybe_request_start(const char *p, size_t n)
{
	size_t i = 0, k;

	while (i < n && (p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i == n)
		return false;
	for (k = i; k < n && p[k] >= 'A' && p[k] <= 'Z' && k - i < 16; k++)
		;
	return k > i && (k == n || p[k] == ' ');
}

/* Body offset of the first complete request line in [base, base+avail),
 * or -1. Lines already ruled out are not looked at again. */
static long find_next_request(struct http_reader *r, size_t base, size_t avail)
{
	const char *b = r->in.p + base, *e = b + avail;

	while (r->bscan < avail) {
		const char *s = b + r->bscan;
		const char *nl = memchr(s, '\n', (size_t)(e - s));

		if (!nl)
			return -1; /* the line is not complete yet */
		if (is_request_line(s, chop_cr(s, nl)))
			return (long)r->bscan;
		r->bscan = (size_t)(nl + 1 - b);
	}
	return -1;
}

static bool has_body_method(const struct http_req *q)
{
	return ieq(&q->method, "POST") || ieq(&q->method, "PUT");
}

static bool deliver(struct http_reader *r, size_t taken)
{
	r->done = taken < r->in.len ? taken : r->in.len;
	r->hscan = 0;
	r->bscan = 0;
	r->full = false;
	r->nreq++;
	return true;
}

bool http_next(struct http_reader *r, struct http_req *q, bool flush)
{
	size_t hl, avail, blen;
	int64_t need;
	long nxt;

	drop_done(r);
	memset(q, 0, sizeof(*q));
	q->content_length = -1;
	if (r->discard) {
		buf_reset(&r->in);
		return false;
	}
	if (!(r->flags & HTTP_F_EMPTY_REQ) || r->nreq) {
		size_t k = 0;

		while (k < r->in.len && (r->in.p[k] == '\r' || r->in.p[k] == '\n'))
			k++;
		if (k) {
			buf_consume(&r->in, k);
			r->hscan = 0;
		}
	}
	if (!r->in.len)
		return false;

	hl = find_head_end(r);
	if (!hl || hl > CAP_HTTP_HEAD) {
		if (r->in.len >= CAP_HTTP_HEAD || r->full || (hl && hl > CAP_HTTP_HEAD)) {
			size_t cut = r->in.len < CAP_HTTP_HEAD ? r->in.len : CAP_HTTP_HEAD;

			parse_head(r, q, cut);
			q->head_cut = true;
			r->discard = true;
			return deliver(r, cut);
		}
		if (!flush)
			return false;
		parse_head(r, q, r->in.len);
		q->flushed = true;
		return deliver(r, r->in.len);
	}

	parse_head(r, q, hl);
	avail = r->in.len - hl;
	need = q->content_length;
	if (need < 0 && !has_body_method(q))
		need = 0;
	nxt = find_next_request(r, hl, avail);
	if (need >= 0 && nxt >= 0 && (size_t)need <= (size_t)nxt) {
		/* pipelined: the body is exactly its length; what lies between
		 * it and the next request line is dropped */
		q->body.p = r->in.p + hl;
		q->body.n = (size_t)need;
		if (q->body.n > CAP_HTTP_BODY) {
			q->body.n = CAP_HTTP_BODY;
			q->body_cut = true;
			r->discard = true;
		}
		return deliver(r, hl + (size_t)nxt);
	}
	if (need >= 0 && (size_t)need <= avail && nxt < 0) {
		blen = (size_t)need;
		/* a length that is too small: keep what follows in the same
		 * buffer unless it may start the next request */
		if (has_body_method(q) && avail > blen &&
		    !maybe_request_start(r->in.p + hl + blen, avail - blen))
			blen = avail;
	} else if (nxt >= 0) {
		blen = (size_t)nxt; /* a length that is too large */
	} else if (flush || r->full) {
		blen = avail;
		q->flushed = true;
	} else {
		return false;
	}
	q->body.p = r->in.p + hl;
	q->body.n = blen;
	if (blen > CAP_HTTP_BODY) {
		q->body.n = CAP_HTTP_BODY;
		q->body_cut = true;
		r->discard = true;
	} else if (r->full && q->flushed) {
		/* the buffer filled before the body ended: what follows is junk */
		q->body_cut = true;
		r->discard = true;
	}
	return deliver(r, hl + blen);
}

bool http_pending(const struct http_reader *r)
{
	size_t i;

	if (r->discard)
		return false;
	for (i = r->done; i < r->in.len; i++)
		if (r->in.p[i] != '\r' && r->in.p[i] != '\n')
			return true;
	return false;
}
