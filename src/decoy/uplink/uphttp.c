/* uphttp.c — reading the hub's HTTP answer head (uplink.h). */
#include <string.h>
#include <strings.h>

#include "uplink/uplink.h"

bool uplink_header(const char *head, size_t n, const char *name, char *out, size_t cap)
{
	size_t k = strlen(name), i;

	for (i = 0; i + k + 1 < n; i++) {
		if ((i == 0 || head[i - 1] == '\n') && !strncasecmp(head + i, name, k) &&
		    head[i + k] == ':') {
			const char *p = head + i + k + 1, *e;

			while (*p == ' ' || *p == '\t')
				p++;
			e = p + strcspn(p, "\r\n");
			if ((size_t)(e - p) >= cap)
				return false;
			memcpy(out, p, (size_t)(e - p));
			out[e - p] = '\0';
			return true;
		}
	}
	return false;
}

bool uplink_digits(const char *p, int n, int *v)
{
	*v = 0;
	while (n--) {
		if (*p < '0' || *p > '9')
			return false;
		*v = *v * 10 + (*p++ - '0');
	}
	return true;
}

/* "Fri, 27 Nov 2026 07:19:48 GMT" (RFC 9110 IMF-fixdate) → unix
 * seconds, 0 if it is not exactly that form. */
int64_t uplink_http_date(const char *s)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	int d, y, h, mi, sec, m;
	int64_t days;

	if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
	    s[16] != ' ' || s[19] != ':' || s[22] != ':' || strcmp(s + 25, " GMT") ||
	    !uplink_digits(s + 5, 2, &d) || !uplink_digits(s + 12, 4, &y) ||
	    !uplink_digits(s + 17, 2, &h) || !uplink_digits(s + 20, 2, &mi) ||
	    !uplink_digits(s + 23, 2, &sec) || y < 1970)
		return 0;
	for (m = 0; m < 12 && memcmp(mon + 3 * m, s + 8, 3); m++)
		;
	if (m == 12)
		return 0;
	days = (int64_t)(y - 1970) * 365 + (y - 1969) / 4 - (y - 1901) / 100 + (y - 1601) / 400 +
	       cum[m] + d - 1;
	if (m > 1 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		days++;
	return ((days * 24 + h) * 60 + mi) * 60 + sec;
}
