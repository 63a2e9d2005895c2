/* fuzz_url.c — the URL parser (common/url.c) on what wget/curl/tftp
 * arguments and Location headers carry, and the number cursor
 * (common/strparse.c). The first line is parsed as a URL, the rest is a
 * redirect target resolved against it; every result must parse again. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "strparse.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

static void numbers(const uint8_t *p, size_t n)
{
	struct sp c;
	uint64_t v, max = n ? (uint64_t)p[0] * 1000 : 0;

	sp_init(&c, (const char *)p, n);
	while (!sp_eof(&c)) {
		const char *at = c.p;

		if (!sp_digits(&c, (p[0] & 1) ? 16 : 10, 8, max, &v) && (v > max || c.p == at))
			__builtin_trap();
		if (c.p == at)
			c.p++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	char s[URL_MAX * 2 + 1], out[URL_MAX], again[URL_MAX + 64];
	const uint8_t *nl = memchr(p, '\n', n);
	size_t first = nl ? (size_t)(nl - p) : n;
	struct url u, v;

	numbers(p, n);
	if (first >= sizeof s)
		return 0;
	memcpy(s, p, first);
	s[first] = '\0';
	if (url_parse(s, &u))
		return 0;
	if (!u.host[0] || u.path[0] != '/' || !u.port)
		__builtin_trap();
	/* what we write back reads as the same URL */
	url_format(&u, again, sizeof again);
	if (strlen(again) < sizeof again - 1 && url_parse(again, &v) == 0 &&
	    (v.scheme != u.scheme || v.port != u.port || strcmp(v.host, u.host)))
		__builtin_trap();
	if (nl && !url_resolve(&u, (const char *)nl + 1, n - first - 1, out, sizeof out) &&
	    strlen(out) >= sizeof out)
		__builtin_trap();
	return 0;
}
