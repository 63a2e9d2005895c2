/* fetch_http.c — the http:// scheme (see fetch.h): GET as BusyBox wget
 * sends it, the head, redirects (CAP_FETCH_REDIRECTS, http only), a body by
 * Content-Length, chunked or until close. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch_int.h"

static int http_request(struct fetch *f)
{
	buf_reset(&f->out);
	f->outoff = 0;
	if (buf_adds(&f->out, "GET ") || fetch_add_clean(&f->out, f->u.path, true) ||
	    buf_adds(&f->out, " HTTP/1.1\r\nHost: ") || fetch_add_clean(&f->out, f->u.host, false))
		return -EINVAL;
	if (f->u.port_given && buf_printf(&f->out, ":%u", (unsigned)f->u.port))
		return -ENOBUFS;
	/* what BusyBox wget sends */
	if (buf_adds(&f->out, "\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n"))
		return -ENOBUFS;
	return 0;
}

static void http_body(struct fetch *f, const uint8_t *p, size_t n)
{
	if (f->chunked) {
		long used = httpresp_chunked(&f->ch, p, n, &f->body);

		if (used == -ENOBUFS)
			fetch_fail(f, "too_large", NULL);
		else if (used < 0)
			fetch_fail(f, "bad_chunked", NULL);
		else if (f->ch.done)
			fetch_store(f);
		return;
	}
	if (f->clen >= 0 && (int64_t)(f->body.len + n) > f->clen)
		n = (size_t)(f->clen - (int64_t)f->body.len);
	if (buf_add(&f->body, p, n)) {
		fetch_fail(f, "too_large", NULL);
		return;
	}
	if (f->clen >= 0 && (int64_t)f->body.len == f->clen)
		fetch_store(f);
}

static void http_head(struct fetch *f)
{
	struct httpresp r;
	size_t hl = httpresp_head_len(f->in.p, f->in.len);
	char next[URL_MAX], detail[16];

	if (!hl) {
		if (f->in.len >= CAP_FETCH_HEAD)
			fetch_fail(f, "bad_response", "head too long");
		return;
	}
	if (httpresp_parse(f->in.p, hl, &r)) {
		fetch_fail(f, "bad_response", NULL);
		return;
	}
	if (r.status >= 300 && r.status < 400 && r.status != 304) {
		if (!r.location_n) {
			fetch_fail(f, "bad_response", "redirect without Location");
			return;
		}
		if (++f->redirects > CAP_FETCH_REDIRECTS) {
			fetch_fail(f, "too_many_redirects", NULL);
			return;
		}
		if (url_resolve(&f->u, r.location, r.location_n, next, sizeof next) ||
		    url_parse(next, &f->u) || f->u.scheme != URL_HTTP) {
			fetch_fail(f, "bad_redirect", NULL);
			return;
		}
		fetch_close_io(f, &f->io);
		f->peer_ip[0] = '\0';
		fetch_begin_target(f);
		return;
	}
	if (r.status != 200) {
		size_t i;

		/* the first line as BusyBox shows it: up to a control byte */
		for (i = 0; i < hl && i < sizeof f->status_line - 1; i++) {
			unsigned char c = (unsigned char)f->in.p[i];

			if (c < 0x20)
				break;
			f->status_line[i] = c < 0x7f ? (char)c : '?';
		}
		f->status_line[i] = '\0';
		f->code = (int)r.status;
		snprintf(detail, sizeof detail, "%u", r.status);
		fetch_fail(f, "http_status", detail);
		return;
	}
	if (r.length > (int64_t)f->body.max) {
		fetch_fail(f, "too_large", "Content-Length");
		return;
	}
	f->clen = r.length;
	f->chunked = r.chunked;
	memset(&f->ch, 0, sizeof f->ch);
	f->st = FS_BODY;
	{
		size_t rest = f->in.len - hl;
		uint8_t *tmp = NULL;

		if (rest) {
			tmp = malloc(rest);
			if (!tmp) {
				fetch_fail(f, "out_of_memory", NULL);
				return;
			}
			memcpy(tmp, f->in.p + hl, rest);
		}
		buf_free(&f->in);
		if (rest)
			http_body(f, tmp, rest);
		else if (f->clen == 0)
			fetch_fail(f, "empty", NULL);
		free(tmp);
	}
}

static int http_connected(struct fetch *f)
{
	if (http_request(f)) {
		fetch_fail(f, "bad_url", NULL);
		return -1;
	}
	f->st = FS_SEND;
	return 1;
}

static void http_sent(struct fetch *f)
{
	if (f->st == FS_SEND)
		f->st = FS_HEAD;
}

static bool http_read_now(const struct fetch *f)
{
	return f->st == FS_HEAD;
}

static void http_input(struct fetch *f, const uint8_t *p, size_t n)
{
	if (f->st == FS_HEAD) {
		size_t room = f->in.max - f->in.len;
		size_t take = n < room ? n : room;

		buf_add(&f->in, p, take);
		http_head(f);
		if (!f->dead && take < n) {
			if (f->st == FS_BODY)
				http_body(f, p + take, n - take);
			else if (f->st == FS_HEAD)
				fetch_fail(f, "bad_response", "head too long");
		}
	} else if (f->st == FS_BODY) {
		http_body(f, p, n);
	}
}

static void http_eof(struct fetch *f)
{
	if (f->st == FS_BODY && !f->chunked && f->clen < 0)
		fetch_store(f);
	else
		fetch_fail(f, "truncated", NULL);
}

const struct fetch_scheme fetch_http = {
    .name = "http",
    .start = fetch_tcp_start,
    .connected = http_connected,
    .sent = http_sent,
    .read_now = http_read_now,
    .input = http_input,
    .eof = http_eof,
};
