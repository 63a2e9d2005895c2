/* url.c — URL parsing for the fetcher and the uplink (see url.h). */
#include "url.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "strparse.h"

static const struct {
	const char *name;
	enum url_scheme s;
	uint16_t port;
} schemes[] = {
    {"http", URL_HTTP, 80},
    {"https", URL_HTTPS, 443},
    {"ftp", URL_FTP, 21},
    {"tftp", URL_TFTP, 69},
};

const char *url_scheme_name(enum url_scheme s)
{
	size_t i;

	for (i = 0; i < sizeof schemes / sizeof *schemes; i++)
		if (schemes[i].s == s)
			return schemes[i].name;
	return "?";
}

static bool copy(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

int url_parse(const char *s, struct url *u)
{
	const char *p = strstr(s, "://"), *auth, *aend, *at, *hend;
	size_t n, i;

	memset(u, 0, sizeof(*u));
	if (!p)
		return -EINVAL;
	n = (size_t)(p - s);
	for (i = 0; i < sizeof schemes / sizeof *schemes; i++)
		if (strlen(schemes[i].name) == n && !strncasecmp(s, schemes[i].name, n))
			break;
	if (i == sizeof schemes / sizeof *schemes)
		return -EINVAL;
	u->scheme = schemes[i].s;
	u->port = schemes[i].port;
	auth = p + 3;
	aend = auth + strcspn(auth, "/?#");
	/* the last '@' ends the userinfo */
	at = NULL;
	for (p = auth; p < aend; p++)
		if (*p == '@')
			at = p;
	if (at) {
		const char *colon = memchr(auth, ':', (size_t)(at - auth));

		if (colon) {
			if (!copy(u->user, sizeof u->user, auth, (size_t)(colon - auth)) ||
			    !copy(u->pass, sizeof u->pass, colon + 1, (size_t)(at - colon - 1)))
				return -EINVAL;
		} else if (!copy(u->user, sizeof u->user, auth, (size_t)(at - auth))) {
			return -EINVAL;
		}
		auth = at + 1;
	}
	if (auth < aend && *auth == '[') {
		const char *rb = memchr(auth, ']', (size_t)(aend - auth));

		if (!rb)
			return -EINVAL;
		hend = rb + 1;
	} else {
		hend = memchr(auth, ':', (size_t)(aend - auth));
		if (!hend)
			hend = aend;
	}
	if (hend == auth || !copy(u->host, sizeof u->host, auth, (size_t)(hend - auth)))
		return -EINVAL;
	if (hend < aend) {
		struct sp c;
		uint64_t port;

		if (*hend != ':')
			return -EINVAL;
		sp_init(&c, hend + 1, (size_t)(aend - hend - 1));
		if (sp_digits(&c, 10, 5, 65535, &port) || !sp_eof(&c) || !port)
			return -EINVAL;
		u->port = (uint16_t)port;
		u->port_given = true;
	}
	/* path (query kept, fragment dropped) */
	n = strcspn(aend, "#");
	if (!n || *aend != '/') {
		u->path[0] = '/';
		if (n && !copy(u->path + 1, sizeof u->path - 1, aend, n))
			return -EINVAL;
		if (!n)
			u->path[1] = '\0';
	} else if (!copy(u->path, sizeof u->path, aend, n)) {
		return -EINVAL;
	}
	return 0;
}

void url_format(const struct url *u, char *out, size_t cap)
{
	char port[8] = "";

	if (u->port_given)
		snprintf(port, sizeof port, ":%u", (unsigned)u->port);
	snprintf(out, cap, "%s://%s%s%s", url_scheme_name(u->scheme), u->host, port, u->path);
}

int url_resolve(const struct url *base, const char *loc, size_t n, char *out, size_t cap)
{
	char l[URL_MAX], b[URL_MAX + 8];
	int w;

	if (!n || n >= sizeof l)
		return -EINVAL;
	memcpy(l, loc, n);
	l[n] = '\0';
	if (strstr(l, "://")) {
		w = snprintf(out, cap, "%s", l);
	} else if (l[0] == '/' && l[1] == '/') {
		w = snprintf(out, cap, "%s:%s", url_scheme_name(base->scheme), l);
	} else {
		url_format(base, b, sizeof b);
		/* b is scheme://host[:port]/path: cut at the path */
		{
			char *path = strchr(strstr(b, "://") + 3, '/');

			if (!path)
				return -EINVAL;
			if (l[0] == '/') {
				*path = '\0';
			} else {
				char *q = strchr(path, '?'), *slash;

				if (q)
					*q = '\0';
				slash = strrchr(path, '/');
				slash[1] = '\0';
			}
		}
		w = snprintf(out, cap, "%s%s", b, l);
	}
	if (w < 0 || (size_t)w >= cap)
		return -EINVAL;
	return 0;
}
