/* isotime.c — event timestamps (see isotime.h). */
#include "isotime.h"

#include <string.h>

#include "strparse.h"

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void put_digits(char *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void iso_format(int64_t us, char out[ISO_TIME_LEN + 1])
{
	int64_t days, secs, y;
	unsigned m, d;

	if (us < 0 || us >= INT64_C(253402300800000000)) /* years 1970-9999 */
		us = 0;
	days = us / INT64_C(86400000000);
	secs = us / 1000000 % 86400;
	civil_from_days(days, &y, &m, &d);
	memcpy(out, "0000-00-00T00:00:00.000000Z", 28);
	put_digits(out, (uint64_t)y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, (uint64_t)(secs / 3600), 2);
	put_digits(out + 14, (uint64_t)(secs / 60 % 60), 2);
	put_digits(out + 17, (uint64_t)(secs % 60), 2);
	put_digits(out + 20, (uint64_t)(us % 1000000), 6);
}

static bool num_at(const char *s, size_t n, uint64_t *v)
{
	struct sp c;

	sp_init(&c, s, n);
	return !sp_fixed(&c, n, v);
}

bool iso_parse(const char *s, size_t n, int64_t *us)
{
	uint64_t y, mo, d, h, mi, se, f;
	char back[ISO_TIME_LEN + 1];

	if (n != ISO_TIME_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != '.' || s[26] != 'Z')
		return false;
	if (!num_at(s, 4, &y) || !num_at(s + 5, 2, &mo) || !num_at(s + 8, 2, &d) ||
	    !num_at(s + 11, 2, &h) || !num_at(s + 14, 2, &mi) || !num_at(s + 17, 2, &se) ||
	    !num_at(s + 20, 6, &f) || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 59)
		return false;
	*us = ((days_from_civil((int64_t)y, (unsigned)mo, (unsigned)d) * 86400 +
		(int64_t)(h * 3600 + mi * 60 + se)) *
	       1000000) +
	      (int64_t)f;
	iso_format(*us, back);
	return !memcmp(back, s, ISO_TIME_LEN); /* Feb 30 and friends do not round-trip */
}

bool iso_line_time(const char *p, size_t n, int64_t *us)
{
	static const char k[] = "\"timestamp\":\"";
	size_t i;

	for (i = 0; i + sizeof k - 1 + ISO_TIME_LEN <= n; i++)
		if (p[i] == '"' && !memcmp(p + i, k, sizeof k - 1))
			return iso_parse(p + i + sizeof k - 1, ISO_TIME_LEN, us);
	return false;
}
