/* dlr.c — second-stage extraction from tiny downloaders (see dlr.h). */
#include "fetch/dlr.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define GET_MAX 8 /* "GET /" occurrences looked at in one file */

static bool path_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\';
}

static bool str_char(uint8_t c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t';
}

static bool parse_port(const uint8_t *p, size_t n, size_t *used, uint16_t *port)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < n && i < 5 && p[i] >= '0' && p[i] <= '9'; i++)
		v = v * 10 + (unsigned long)(p[i] - '0');
	if (!i || !v || v > 65535)
		return false;
	*used = i;
	*port = (uint16_t)v;
	return true;
}

/* Strict dotted quad at p (decimal parts 0-255, 1-3 digits each), not
 * preceded or followed by another digit or dot. */
static bool dotted(const uint8_t *p, size_t n, size_t *len, uint8_t ip[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, d = 0;

		while (i < n && p[i] >= '0' && p[i] <= '9' && d < 3) {
			v = v * 10 + (unsigned)(p[i] - '0');
			i++;
			d++;
		}
		if (!d || v > 255)
			return false;
		ip[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= n || p[i] != '.')
				return false;
			i++;
		}
	}
	if (i < n && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.'))
		return false;
	*len = i;
	return true;
}

static bool plausible(const uint8_t ip[4])
{
	/* a unicast-looking first octet, and not four equal bytes (padding) */
	return ip[0] != 0 && ip[0] < 224 &&
	       !(ip[0] == ip[1] && ip[1] == ip[2] && ip[2] == ip[3]);
}

static void set_ip(struct dlr_hit *h, const uint8_t ip[4])
{
	snprintf(h->host, sizeof h->host, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

/* 1. "Host: x[:port]" inside the request string [s, e). */
static bool from_host_header(const uint8_t *s, const uint8_t *e, struct dlr_hit *h)
{
	const uint8_t *q;

	for (q = s; q + 6 < e; q++) {
		size_t i = 0, used;

		if (memcmp(q, "Host: ", 6) && memcmp(q, "host: ", 6))
			continue;
		q += 6;
		while (q + i < e && i < sizeof h->host - 1 &&
		       (q[i] == '.' || q[i] == '-' || (q[i] >= '0' && q[i] <= '9') ||
			(q[i] >= 'a' && q[i] <= 'z') || (q[i] >= 'A' && q[i] <= 'Z')))
			i++;
		if (!i)
			return false;
		memcpy(h->host, q, i);
		h->host[i] = '\0';
		if (q + i < e && q[i] == ':')
			parse_port(q + i + 1, (size_t)(e - q - i - 1), &used, &h->port);
		return true;
	}
	return false;
}

/* 2. a dotted IPv4 string in [s, e). */
static bool from_dotted(const uint8_t *s, const uint8_t *e, struct dlr_hit *h)
{
	const uint8_t *q;
	uint8_t ip[4];

	for (q = s; q < e; q++) {
		size_t len, used;

		if (q > s && ((q[-1] >= '0' && q[-1] <= '9') || q[-1] == '.'))
			continue;
		if (!dotted(q, (size_t)(e - q), &len, ip) || !plausible(ip))
			continue;
		set_ip(h, ip);
		if (q + len < e && q[len] == ':')
			parse_port(q + len + 1, (size_t)(e - q - len - 1), &used, &h->port);
		return true;
	}
	return false;
}

/* 3. four raw bytes after the string table that follows the request. */
static bool from_raw(const uint8_t *q, const uint8_t *e, struct dlr_hit *h)
{
	const uint8_t *lim = q + DLR_WINDOW < e ? q + DLR_WINDOW : e;

	while (q < lim) {
		if (!*q) {
			q++;
			continue;
		}
		if (str_char(*q)) {
			while (q < lim && *q && str_char(*q))
				q++;
			if (q < lim && *q) /* a string must end in NUL */
				return false;
			continue;
		}
		if (q + 4 > e || !plausible(q))
			return false;
		set_ip(h, q);
		return true;
	}
	return false;
}

size_t dlr_extract(const uint8_t *p, size_t n, uint16_t default_port,
		   struct dlr_hit *hits, size_t max)
{
	const uint8_t *q = p, *e = p + n;
	size_t nh = 0, looked = 0;

	if (n < 52 || n > DLR_MAX_FILE || memcmp(p, "\x7f" "ELF", 4))
		return 0;
	while (nh < max && looked < GET_MAX) {
		const uint8_t *g = memmem(q, (size_t)(e - q), "GET /", 5), *ps, *pe, *re;
		const uint8_t *ws, *we;
		struct dlr_hit *h = &hits[nh];
		size_t i;

		if (!g)
			break;
		looked++;
		ps = g + 4;
		for (pe = ps; pe < e && path_char(*pe) && pe - ps < (long)sizeof h->path - 1; pe++)
			;
		q = pe;
		if (e - pe < 9 || memcmp(pe, " HTTP/1.", 8))
			continue;
		/* the request string runs to its NUL */
		for (re = pe; re < e && *re && str_char(*re); re++)
			;
		memset(h, 0, sizeof(*h));
		memcpy(h->path, ps, (size_t)(pe - ps));
		h->port = default_port;
		ws = g - p > DLR_WINDOW ? g - DLR_WINDOW : p;
		we = e - re > DLR_WINDOW ? re + DLR_WINDOW : e;
		if (!from_host_header(g, re, h) && !from_dotted(ws, we, h) && !from_raw(re, e, h))
			continue;
		for (i = 0; i < nh; i++)
			if (!strcmp(hits[i].host, h->host) && !strcmp(hits[i].path, h->path) &&
			    hits[i].port == h->port)
				break;
		if (i == nh)
			nh++;
		q = re;
	}
	return nh;
}
