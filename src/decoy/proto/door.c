/* door.c — shared machinery of the HTTP exploit doors (see door.h). */
#include "proto/door.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "persona/persona.h"
#include "strparse.h"

/* ---------- engine hooks ---------- */

int door_start(struct session *s, const struct eng_start *a, void **st, const struct door_ops *ops)
{
	struct door *d = calloc(1, sizeof(*d));

	if (!d)
		return -1;
	d->s = s;
	d->ops = ops;
	d->persona = a->persona;
	d->seed = a->seed;
	d->id = a->id;
	http_init(&d->rd, ops->http_flags);
	*st = d;
	return 0; /* HTTP servers speak second */
}

/* The answer said "Connection: close": requests that arrived whole on
 * this connection before it closes are still read, answered and run in
 * order (drain), then the connection closes. */
void door_done(struct door *d)
{
	d->closing = true;
}

static void door_close(struct door *d)
{
	d->done = true;
	sess_timer(d->s, 0);
	sess_close(d->s, false);
}

void door_write(struct door *d, const void *p, size_t n)
{
	sess_write(d->s, p, n);
}

static void log_request(struct door *d, const struct http_req *q)
{
	struct session *s = d->s;
	struct json *j = sess_ev(s, "tanuki.http.request");
	const struct http_str *h;
	size_t hn = q->headers.n < CAP_FIELD ? q->headers.n : CAP_FIELD;
	size_t bn = q->body.n < CAP_HTTP_EXCERPT ? q->body.n : CAP_HTTP_EXCERPT;

	json_str(j, "method", q->method.p, q->method.n < 64 ? q->method.n : 64);
	json_str(j, "path", q->path.p, q->path.n < CAP_FIELD ? q->path.n : CAP_FIELD);
	json_str(j, "version", q->version.p, q->version.n < 64 ? q->version.n : 64);
	json_str(j, "headers", q->headers.p, hn);
	if ((h = http_header(q, "user-agent")))
		json_str(j, "user_agent", h->p, h->n < 512 ? h->n : 512);
	if ((h = http_header(q, "soapaction")))
		json_str(j, "soapaction", h->p, h->n < 512 ? h->n : 512);
	if (q->content_length >= 0)
		json_int(j, "content_length", q->content_length);
	json_int(j, "body_size", (int64_t)q->body.n);
	json_str(j, "body", q->body.p, bn);
	if (q->flushed)
		json_bool(j, "flushed", true);
	if (q->head_cut || q->body_cut || q->hdrs_cut)
		json_bool(j, "cut", true);
	sess_ev_end(s, j);
}

static void drain(struct door *d, bool flush)
{
	struct http_req q;

	while (!d->done && !sess_closed(d->s) && http_next(&d->rd, &q, flush)) {
		log_request(d, &q);
		d->ops->request(d, &q);
		d->seq++;
	}
	if (d->closing && !d->done)
		door_close(d);
}

static void arm(struct door *d)
{
	if (d->done || sess_closed(d->s))
		return;
	sess_timer(d->s, http_pending(&d->rd) ? CAP_HTTP_IDLE_MS : 0);
}

int door_feed(struct session *s, void *st, const uint8_t *p, size_t n)
{
	struct door *d = st;
	size_t off = 0;

	while (off < n && !d->done && !sess_ending(s)) {
		size_t k = http_feed(&d->rd, p + off, n - off);

		off += k;
		drain(d, false);
		if (!k && d->rd.full)
			break; /* a full reader delivers; never spin if it did not */
	}
	arm(d);
	return (int)n; /* the rest, if any, is not wanted */
}

void door_eof(struct session *s, void *st)
{
	struct door *d = st;

	(void)s;
	drain(d, true);
}

void door_timer(struct session *s, void *st)
{
	struct door *d = st;

	(void)s;
	drain(d, true);
	arm(d);
}

void door_end(struct session *s, void *st)
{
	struct door *d = st;

	(void)s;
	if (!d)
		return;
	eng_shell_end(d->shell);
	http_free(&d->rd);
	free(d);
}

/* ---------- SOAP bodies ---------- */

/* &#N; / &#xN; at p (after '&#'): the code point, or -1. *len: bytes used.
 * At most 8 hex or 9 decimal digits (leading zeros included), a value at
 * most U+10FFFF: sp_digits stops before anything overflows, whatever the
 * width of long. */
static long numeric_entity(const char *p, size_t n, size_t *len)
{
	struct sp c;
	uint64_t v;
	bool hex;

	sp_init(&c, p, n);
	hex = sp_skip(&c, 'x') || sp_skip(&c, 'X');
	if (sp_digits(&c, hex ? 16 : 10, hex ? 8 : 9, 0x10ffff, &v) || !sp_skip(&c, ';'))
		return -1;
	*len = (size_t)(c.p - p);
	return (long)v;
}

static size_t put_utf8(unsigned long c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

size_t door_xml_decode(const char *p, size_t n, char *out, size_t cap)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
	size_t i = 0, o = 0, k;

	while (i < n && o < cap) {
		char tmp[4];
		size_t used = 0, w;
		long cp = -1;

		if (p[i] != '&') {
			out[o++] = p[i++];
			continue;
		}
		for (k = 0; k < sizeof named / sizeof *named; k++) {
			size_t l = strlen(named[k].name);

			if (n - i - 1 >= l && !memcmp(p + i + 1, named[k].name, l)) {
				cp = (unsigned char)named[k].c;
				used = l + 1;
				break;
			}
		}
		if (cp < 0 && i + 1 < n && p[i + 1] == '#') {
			cp = numeric_entity(p + i + 2, n - i - 2, &used);
			used += 2;
		}
		if (cp <= 0) { /* not an entity (or &#0;): keep the '&' */
			out[o++] = p[i++];
			continue;
		}
		w = put_utf8((unsigned long)cp, tmp);
		if (o + w > cap)
			break;
		memcpy(out + o, tmp, w);
		o += w;
		i += used;
	}
	return o;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == ':';
}

/* The element name just before a value starting at p[at]: "<NewX>" or a
 * mangled "NewX>"; namespace prefixes dropped. */
static void field_before(const char *p, size_t at, char *out, size_t cap)
{
	size_t e = at, s, c;

	out[0] = '\0';
	while (e > 0 &&
	       (p[e - 1] == ' ' || p[e - 1] == '\t' || p[e - 1] == '\r' || p[e - 1] == '\n'))
		e--;
	if (e == 0 || p[e - 1] != '>')
		return;
	e--;
	s = e;
	while (s > 0 && name_char(p[s - 1]))
		s--;
	for (c = s; c < e; c++)
		if (p[c] == ':')
			s = c + 1;
	if (e - s >= cap)
		return;
	memcpy(out, p + s, e - s);
	out[e - s] = '\0';
}

/* End of a $( … ) whose body starts at i: index of the matching ')', or
 * of the next '<' / the end when it never closes. */
static size_t paren_end(const char *p, size_t n, size_t i)
{
	size_t j, depth = 1;

	for (j = i; j < n; j++) {
		char c = p[j];

		if (c == '\'' || c == '"') {
			const char *q = memchr(p + j + 1, c, n - j - 1);

			if (q) {
				j = (size_t)(q - p);
				continue;
			}
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			return j;
		}
	}
	for (j = i; j < n && p[j] != '<'; j++)
		;
	return j;
}

static bool all_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

size_t door_commands(const char *p, size_t n, struct door_cmd *out, size_t max)
{
	size_t i = 0, k = 0;

	while (i + 1 < n && k < max) {
		size_t s, e;

		if (p[i] == '$' && p[i + 1] == '(') {
			s = i + 2;
			e = paren_end(p, n, s);
		} else if (p[i] == '`') {
			const char *q = memchr(p + i + 1, '`', n - i - 1);

			s = i + 1;
			if (q) {
				e = (size_t)(q - p);
			} else {
				for (e = s; e < n && p[e] != '<'; e++)
					;
			}
		} else {
			i++;
			continue;
		}
		while (s < e && (p[s] == ' ' || p[s] == '\t' || p[s] == '\r' || p[s] == '\n'))
			s++;
		if (e > s && !all_blank(p + s, e - s)) {
			size_t t = e;

			while (t > s && (p[t - 1] == ' ' || p[t - 1] == '\t' || p[t - 1] == '\r' ||
					 p[t - 1] == '\n'))
				t--;
			out[k].p = p + s;
			out[k].n = t - s;
			field_before(p, i, out[k].field, sizeof out[k].field);
			k++;
		}
		i = e + 1;
	}
	return k;
}

bool door_soap_action(const struct http_req *q, char *out, size_t cap)
{
	const struct http_str *sa = http_header(q, "soapaction");
	const char *p = NULL, *e = NULL;
	size_t n;

	if (sa && sa->n) {
		const char *h = memchr(sa->p, '#', sa->n);

		if (h) {
			p = h + 1;
			for (e = p; e < sa->p + sa->n && *e != '"' && *e != '\'' && *e != ' ' &&
				    *e != '\t';
			     e++)
				;
		}
	}
	if (!p && q->body.n) {
		const char *b = q->body.p, *be = b + q->body.n, *x;

		/* the first element after "Body>" */
		for (x = b; x + 5 <= be; x++)
			if (!memcmp(x, "Body>", 5))
				break;
		if (x + 5 <= be) {
			x += 5;
			while (x < be && *x != '<')
				x++;
			if (x < be) {
				p = ++x;
				for (e = p; e < be && name_char(*e); e++)
					if (*e == ':')
						p = e + 1;
			}
		}
	}
	if (!p || e <= p)
		return false;
	n = (size_t)(e - p);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

size_t door_inject(struct door *d, const struct http_req *q, const char *action, bool run)
{
	struct session *s = d->s;
	struct door_cmd cmds[CAP_HTTP_CMDS];
	char *dec;
	size_t n, i, dn;

	if (!q->body.n)
		return 0;
	dec = malloc(q->body.n);
	if (!dec)
		return 0;
	dn = door_xml_decode(q->body.p, q->body.n, dec, q->body.n);
	n = door_commands(dec, dn, cmds, CAP_HTTP_CMDS);
	for (i = 0; i < n && !sess_closed(s); i++) {
		struct json *j = sess_ev(s, "tanuki.exploit");

		json_cstr(j, "cve", d->ops->cve);
		json_cstr(j, "persona", d->persona->name);
		json_cstr(j, "door", d->ops->kind);
		if (action)
			json_cstr(j, "action", action);
		json_cstr(j, "field", cmds[i].field);
		json_str(j, "command", cmds[i].p, cmds[i].n < CAP_FIELD ? cmds[i].n : CAP_FIELD);
		json_bool(j, "executed", run);
		sess_ev_end(s, j);
		if (!run)
			continue;
		if (!d->shell)
			d->shell = eng_shell_door(s);
		if (d->shell && eng_shell_sh(d->shell))
			sh_inject(eng_shell_sh(d->shell), cmds[i].p, cmds[i].n);
	}
	free(dec);
	return n;
}
