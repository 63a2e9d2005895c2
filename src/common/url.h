/* url.h — the one URL parser: http://, ftp://, tftp:// for the fetcher
 * (which refuses https://), https:// for the uplink's hub. Pure functions;
 * no allocation.
 */
#ifndef TANUKI_URL_H
#define TANUKI_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define URL_MAX 512
#define URL_HOST_MAX 256

enum url_scheme { URL_HTTP, URL_HTTPS, URL_FTP, URL_TFTP };

struct url {
	enum url_scheme scheme;
	char user[64], pass[64]; /* empty when absent */
	char host[URL_HOST_MAX]; /* as written; IPv6 keeps its brackets */
	uint16_t port;
	bool port_given;
	char path[URL_MAX]; /* starts with '/', never empty */
};

/* Parses "scheme://[user[:pass]@]host[:port][/path]" (the last '@' of the
 * authority ends the userinfo, as in BusyBox wget). Returns 0 or -EINVAL. */
int url_parse(const char *s, struct url *u);
/* Resolves a redirect target against base into out (URL_MAX). Absolute
 * URLs, "//host/…", "/path" and "relative" are taken. 0 or -EINVAL. */
int url_resolve(const struct url *base, const char *loc, size_t n, char *out, size_t cap);
/* Writes the URL back as text. */
void url_format(const struct url *u, char *out, size_t cap);
const char *url_scheme_name(enum url_scheme s);

#endif
