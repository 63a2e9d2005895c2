/* days.c — per-day aggregates: folding event lines, the day file format
 * and its JSON form (see days.h and docs/store.md). */
#include "store/days.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "isotime.h"
#include "json.h"
#include "store/seal.h"

#define DAY_US INT64_C(86400000000)
#define HDR_LEN 16
#define BODY_MAX (1u << 20) /* inflated body of a day file, far above need */

static const char *const cat_names[DAY_CATS] = {"credentials", "sources", "commands", "binaries"};

/* ------------------------------------------------------------- tables */

static uint32_t fnv(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (uint8_t)*p++) * 16777619u;
	return h;
}

void day_agg_init(struct day_agg *d, int32_t day)
{
	memset(d, 0, sizeof(*d));
	d->day = day;
}

void day_agg_free(struct day_agg *d)
{
	int c;

	for (c = 0; c < DAY_CATS; c++) {
		free(d->cat[c].e);
		free(d->cat[c].idx);
	}
	memset(d->cat, 0, sizeof d->cat);
}

static int grow(struct day_cat *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64, i;
	struct day_key *e;
	uint32_t *idx;

	if (cap > DAY_KEYS_MAX)
		cap = DAY_KEYS_MAX;
	e = realloc(t->e, cap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	t->e = e;
	idx = calloc(cap * 2, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	free(t->idx);
	t->idx = idx;
	t->idx_cap = cap * 2;
	t->cap = cap;
	for (i = 0; i < t->n; i++) {
		size_t h = fnv(e[i].key, e[i].len) % t->idx_cap;

		while (idx[h])
			h = (h + 1) % t->idx_cap;
		idx[h] = (uint32_t)i + 1;
	}
	return 0;
}

void day_agg_add(struct day_agg *d, int cat, const char *key, size_t len, uint64_t count)
{
	struct day_cat *t = &d->cat[cat];
	size_t h;

	t->total += count;
	if (len > DAY_KEY_MAX) {
		t->other += count;
		return;
	}
	if (t->idx_cap) {
		for (h = fnv(key, len) % t->idx_cap; t->idx[h]; h = (h + 1) % t->idx_cap) {
			struct day_key *e = &t->e[t->idx[h] - 1];

			if (e->len == len && !memcmp(e->key, key, len)) {
				e->count += count;
				return;
			}
		}
	}
	if (t->n == t->cap && (t->cap == DAY_KEYS_MAX || grow(t))) {
		t->other += count;
		return;
	}
	t->e[t->n].count = count;
	t->e[t->n].len = (uint8_t)len;
	memcpy(t->e[t->n].key, key, len);
	for (h = fnv(key, len) % t->idx_cap; t->idx[h]; h = (h + 1) % t->idx_cap)
		;
	t->idx[h] = (uint32_t)++t->n;
}

/* ---------------------------------------------------- reading event lines */

/* Scans a JSON string body at p. to_end false: the length up to the
 * closing quote (not included), -1 if none or invalid. to_end true: n if
 * all of p[0..n) is a valid body without a quote, else -1. */
static long scan_body(const char *p, size_t n, bool to_end)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"')
			return to_end ? -1 : (long)i;
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (i + 1 >= n)
				return -1;
			if (p[i + 1] == 'u') {
				size_t k;

				if (i + 6 > n)
					return -1;
				for (k = 2; k < 6; k++)
					if (!p[i + k] ||
					    !strchr("0123456789abcdefABCDEF", p[i + k]))
						return -1;
				i += 6;
			} else if (p[i + 1] && strchr("\"\\/bfnrt", p[i + 1])) {
				i += 2;
			} else {
				return -1;
			}
			continue;
		}
		if (c >= 0x80) {
			size_t l = json_utf8_len((const unsigned char *)p + i, n - i);

			if (!l)
				return -1;
			i += l;
			continue;
		}
		i++;
	}
	return to_end ? (long)n : -1;
}

static long str_body(const char *p, size_t n)
{
	return scan_body(p, n, false);
}

/* True if p[0..n) is a whole valid JSON string body. */
static bool valid_body(const char *p, size_t n)
{
	return scan_body(p, n, true) == (long)n;
}

/* The longest prefix of a valid body that is at most max bytes and ends at
 * a character boundary. */
static size_t cut_body(const char *p, size_t n, size_t max)
{
	size_t i = 0;

	while (i < n) {
		size_t l = 1;

		if (p[i] == '\\')
			l = i + 1 < n && p[i + 1] == 'u' ? 6 : 2;
		else if ((unsigned char)p[i] >= 0x80)
			l = json_utf8_len((const unsigned char *)p + i, n - i);
		if (!l || i + l > max || i + l > n)
			break;
		i += l;
	}
	return i;
}

struct field {
	const char *k, *v;
	size_t kl, vl;
	bool str;
};

/* The next "key":value of a flat object line; false at its end or on
 * anything else. */
static bool next_field(const char *p, size_t n, size_t *pos, struct field *f)
{
	size_t i = *pos;
	long l;

	if (i >= n || (p[i] != '{' && p[i] != ','))
		return false;
	i++;
	if (i >= n || p[i] != '"')
		return false;
	i++;
	if ((l = str_body(p + i, n - i)) < 0)
		return false;
	f->k = p + i;
	f->kl = (size_t)l;
	i += (size_t)l + 1;
	if (i >= n || p[i] != ':')
		return false;
	i++;
	if (i < n && p[i] == '"') {
		i++;
		if ((l = str_body(p + i, n - i)) < 0)
			return false;
		f->v = p + i;
		f->vl = (size_t)l;
		f->str = true;
		i += (size_t)l + 1;
	} else {
		f->v = p + i;
		while (i < n && p[i] != ',' && p[i] != '}' && p[i] != '"' && p[i] != '{' &&
		       p[i] != '[')
			i++;
		f->vl = (size_t)(p + i - f->v);
		f->str = false;
		if (!f->vl)
			return false;
	}
	*pos = i;
	return true;
}

#define KEY_IS(f, s) ((f)->kl == sizeof(s) - 1 && !memcmp((f)->k, s, sizeof(s) - 1))

struct line {
	struct field eventid, user, pass, src, input, sha;
	bool has_ts, has_user, has_pass, has_src, has_input, has_sha, has_id;
	int64_t ts;
};

static bool read_line(const char *p, size_t n, struct line *ln)
{
	size_t pos = 0;
	struct field f;

	memset(ln, 0, sizeof(*ln));
	while (next_field(p, n, &pos, &f)) {
		if (!f.str)
			continue;
		if (KEY_IS(&f, "eventid"))
			ln->eventid = f, ln->has_id = true;
		else if (KEY_IS(&f, "timestamp"))
			ln->has_ts = iso_parse(f.v, f.vl, &ln->ts);
		else if (KEY_IS(&f, "username"))
			ln->user = f, ln->has_user = true;
		else if (KEY_IS(&f, "password"))
			ln->pass = f, ln->has_pass = true;
		else if (KEY_IS(&f, "src_ip"))
			ln->src = f, ln->has_src = true;
		else if (KEY_IS(&f, "input"))
			ln->input = f, ln->has_input = true;
		else if (KEY_IS(&f, "shasum"))
			ln->sha = f, ln->has_sha = true;
	}
	return ln->has_ts && ln->has_id;
}

static int32_t day_of(int64_t us)
{
	int64_t d = us / DAY_US;

	if (us < 0 && us % DAY_US)
		d--;
	return (int32_t)d;
}

#define ID_IS(ln, s)                                                                               \
	((ln)->eventid.vl == sizeof(s) - 1 && !memcmp((ln)->eventid.v, s, sizeof(s) - 1))

static void fold_line(struct day_agg *d, const struct line *ln)
{
	char key[DAY_KEY_MAX];
	size_t a, b;

	d->events++;
	if (ID_IS(ln, "cowrie.session.connect") && ln->has_src)
		day_agg_add(d, DAY_SRC, ln->src.v, cut_body(ln->src.v, ln->src.vl, DAY_KEY_MAX), 1);
	if ((ID_IS(ln, "cowrie.login.failed") || ID_IS(ln, "cowrie.login.success")) &&
	    ln->has_user && ln->has_pass) {
		/* username NUL password, each cut to share the key */
		a = cut_body(ln->user.v, ln->user.vl, DAY_KEY_MAX / 2 - 1);
		b = cut_body(ln->pass.v, ln->pass.vl, DAY_KEY_MAX - a - 1);
		memcpy(key, ln->user.v, a);
		key[a] = '\0';
		memcpy(key + a + 1, ln->pass.v, b);
		day_agg_add(d, DAY_CRED, key, a + 1 + b, 1);
		if (ID_IS(ln, "cowrie.login.success"))
			d->login_success++;
	}
	if (ID_IS(ln, "cowrie.command.input") && ln->has_input)
		day_agg_add(d, DAY_CMD, ln->input.v,
			    cut_body(ln->input.v, ln->input.vl, DAY_KEY_MAX), 1);
	if (ln->has_sha && ln->sha.vl == 64)
		day_agg_add(d, DAY_BIN, ln->sha.v, 64, 1);
}

/* Calls fn for every complete line of text that parses as an event. */
static void each_line(const char *text, size_t n, void (*fn)(void *arg, struct line *ln), void *arg)
{
	size_t pos = 0;

	while (pos < n) {
		const char *nl = memchr(text + pos, '\n', n - pos);
		struct line ln;
		size_t len;

		if (!nl)
			break;
		len = (size_t)(nl - text) - pos;
		if (read_line(text + pos, len, &ln))
			fn(arg, &ln);
		pos += len + 1;
	}
}

static void fold_one(void *arg, struct line *ln)
{
	struct day_agg *d = arg;

	if (day_of(ln->ts) == d->day)
		fold_line(d, ln);
}

void day_agg_fold(struct day_agg *d, const char *text, size_t n)
{
	each_line(text, n, fold_one, d);
}

struct days_seen {
	int32_t *days;
	size_t k, max;
};

static void see_day(void *arg, struct line *ln)
{
	struct days_seen *s = arg;
	int32_t day = day_of(ln->ts);
	size_t i;

	for (i = 0; i < s->k && s->days[i] != day; i++)
		;
	if (i == s->k && s->k < s->max)
		s->days[s->k++] = day;
}

size_t day_agg_days_of(const char *text, size_t n, int32_t *days, size_t max)
{
	struct days_seen s = {days, 0, max};

	each_line(text, n, see_day, &s);
	return s.k;
}

/* ---------------------------------------------------------- file format */

static int put_u(struct buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;

	do {
		t[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			t[n] |= 0x80;
		n++;
	} while (v);
	return buf_add(b, t, n);
}

static bool get_u(const uint8_t *p, size_t n, size_t *pos, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*pos < n && shift < 64) {
		uint8_t c = p[(*pos)++];

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return true;
		shift += 7;
	}
	return false;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct day_key *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->key, y->key, n);
	return c ? c : (int)x->len - (int)y->len;
}

/* The most frequent first. The tables' indexes are rebuilt. */
static void sort_day(struct day_agg *d)
{
	int c;
	size_t i, h;

	for (c = 0; c < DAY_CATS; c++) {
		struct day_cat *t = &d->cat[c];

		if (!t->n)
			continue;
		qsort(t->e, t->n, sizeof(*t->e), cmp_ent);
		memset(t->idx, 0, t->idx_cap * sizeof(*t->idx));
		for (i = 0; i < t->n; i++) {
			for (h = fnv(t->e[i].key, t->e[i].len) % t->idx_cap; t->idx[h];
			     h = (h + 1) % t->idx_cap)
				;
			t->idx[h] = (uint32_t)i + 1;
		}
	}
}

static int body(const struct day_agg *d, const size_t keep[DAY_CATS], struct buf *b)
{
	size_t l = strnlen(d->through, sizeof d->through - 1), i;
	int c, rc = 0;

	buf_reset(b);
	rc |= put_u(b, l) | buf_add(b, d->through, l);
	rc |= put_u(b, d->events) | put_u(b, d->login_success);
	for (c = 0; c < DAY_CATS; c++) {
		const struct day_cat *t = &d->cat[c];
		uint64_t other = t->other;

		for (i = keep[c]; i < t->n; i++)
			other += t->e[i].count;
		rc |= put_u(b, t->total) | put_u(b, other) | put_u(b, keep[c]);
		for (i = 0; i < keep[c]; i++)
			rc |= put_u(b, t->e[i].count) | put_u(b, t->e[i].len) |
			      buf_add(b, t->e[i].key, t->e[i].len);
	}
	return rc ? -ENOMEM : 0;
}

int day_agg_encode(const struct day_agg *dc, size_t max, struct buf *out)
{
	struct day_agg *d = (struct day_agg *)dc; /* sorted in place, same content */
	size_t keep[DAY_CATS];
	struct buf raw;
	uLongf zl;
	uint8_t *z = NULL;
	int c, rc = -EFBIG;

	sort_day(d);
	for (c = 0; c < DAY_CATS; c++)
		keep[c] = d->cat[c].n < DAY_TOP ? d->cat[c].n : DAY_TOP;
	buf_init(&raw, BODY_MAX);
	z = malloc(compressBound(BODY_MAX));
	if (!z) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		bool any = false;

		if ((rc = body(d, keep, &raw)))
			break;
		zl = compressBound(raw.len);
		if (compress2(z, &zl, (const Bytef *)(raw.p ? raw.p : ""), raw.len, 9) != Z_OK) {
			rc = -EIO;
			break;
		}
		if (HDR_LEN + zl + 4 <= max) {
			uint8_t h[HDR_LEN], crc[4];
			uLong cr;

			memcpy(h, "TNKA", 4);
			put_le(h + 4, 1, 2);
			put_le(h + 6, 0, 2);
			put_le(h + 8, (uint32_t)d->day, 4);
			put_le(h + 12, raw.len, 4);
			buf_reset(out);
			cr = crc32(0, h, HDR_LEN);
			cr = crc32(cr, z, zl);
			put_le(crc, cr, 4);
			rc = buf_add(out, h, HDR_LEN) || buf_add(out, z, zl) || buf_add(out, crc, 4)
				 ? -ENOMEM
				 : 0;
			break;
		}
		/* too big: leave out the least frequent keys of every category */
		for (c = 0; c < DAY_CATS; c++)
			if (keep[c]) {
				keep[c] -= keep[c] / 4 ? keep[c] / 4 : 1;
				any = true;
			}
		if (!any) {
			rc = -EFBIG;
			break;
		}
	}
out:
	free(z);
	buf_free(&raw);
	return rc;
}

int day_agg_parse(const uint8_t *p, size_t n, struct day_agg *d)
{
	uint64_t v, total, other, cnt, kl, sum;
	size_t pos = 0, i, bl;
	uLongf il;
	uint8_t *b = NULL;
	int c, rc = -EBADMSG;

	day_agg_init(d, 0);
	if (n < HDR_LEN + 4 || memcmp(p, "TNKA", 4) || get_le(p + 4, 2) != 1 ||
	    get_le(p + 6, 2) != 0 ||
	    (uint32_t)crc32(0, p, (uInt)(n - 4)) != (uint32_t)get_le(p + n - 4, 4))
		return -EBADMSG;
	d->day = (int32_t)(uint32_t)get_le(p + 8, 4);
	bl = (size_t)get_le(p + 12, 4);
	if (bl > BODY_MAX)
		return -EBADMSG;
	b = malloc(bl ? bl : 1);
	if (!b)
		return -ENOMEM;
	il = bl;
	if (uncompress(b, &il, p + HDR_LEN, n - HDR_LEN - 4) != Z_OK || il != bl)
		goto out;
	if (!get_u(b, bl, &pos, &v) || v >= sizeof d->through || v > bl - pos)
		goto out;
	memcpy(d->through, b + pos, v);
	d->through[v] = '\0';
	if (memchr(d->through, '\0', v))
		goto out;
	pos += v;
	if (!get_u(b, bl, &pos, &d->events) || !get_u(b, bl, &pos, &d->login_success))
		goto out;
	for (c = 0; c < DAY_CATS; c++) {
		if (!get_u(b, bl, &pos, &total) || !get_u(b, bl, &pos, &other) ||
		    !get_u(b, bl, &pos, &cnt) || cnt > DAY_KEYS_MAX || other > total)
			goto out;
		sum = other;
		for (i = 0; i < cnt; i++) {
			const char *k;

			if (!get_u(b, bl, &pos, &v) || !get_u(b, bl, &pos, &kl) ||
			    kl > DAY_KEY_MAX || kl > bl - pos || !v || v > total - sum)
				goto out;
			k = (const char *)b + pos;
			if (c == DAY_CRED) {
				const char *z = memchr(k, '\0', kl);

				if (!z || !valid_body(k, (size_t)(z - k)) ||
				    !valid_body(z + 1, kl - (size_t)(z - k) - 1))
					goto out;
			} else if (!valid_body(k, kl)) {
				goto out;
			}
			sum += v;
			{
				size_t nb = d->cat[c].n;

				/* a key twice would be merged: refuse the file */
				day_agg_add(d, c, k, kl, v);
				if (d->cat[c].n != nb + 1)
					goto out;
			}
			pos += kl;
		}
		if (sum != total)
			goto out;
		d->cat[c].other = other;
		d->cat[c].total = total;
	}
	if (pos != bl)
		goto out;
	rc = 0;
out:
	free(b);
	if (rc)
		day_agg_free(d);
	return rc;
}

/* ----------------------------------------------------------- JSON form */

static int put_int(struct buf *b, const char *k, uint64_t v)
{
	return buf_printf(b, ",\"%s\":%llu", k, (unsigned long long)v);
}

int day_agg_json(const struct day_agg *d, struct buf *out)
{
	static const char *const key_names[DAY_CATS] = {"username", "src_ip", "input", "shasum"};
	char nm[9];
	int c, rc;
	size_t i;

	day_name(d->day, nm); /* YYYYMMDD, without time_t's 2038 limit */
	rc = buf_printf(out, "{\"day\":\"%.4s-%.2s-%.2s\",\"through\":\"", nm, nm + 4, nm + 6);
	rc |= json_escape(out, d->through, strlen(d->through));
	rc |= buf_addc(out, '"');
	rc |= put_int(out, "events", d->events);
	rc |= put_int(out, "login_attempts", d->cat[DAY_CRED].total);
	rc |= put_int(out, "login_success", d->login_success);
	rc |= put_int(out, "connections", d->cat[DAY_SRC].total);
	rc |= put_int(out, "commands_total", d->cat[DAY_CMD].total);
	rc |= put_int(out, "downloads", d->cat[DAY_BIN].total);
	for (c = 0; c < DAY_CATS; c++) {
		const struct day_cat *tb = &d->cat[c];

		rc |= buf_printf(out, ",\"%s\":[", cat_names[c]);
		for (i = 0; i < tb->n; i++) {
			const struct day_key *e = &tb->e[i];
			const char *z = c == DAY_CRED ? memchr(e->key, '\0', e->len) : NULL;

			rc |= buf_printf(out, "%s{\"%s\":\"", i ? "," : "", key_names[c]);
			if (z) {
				rc |= buf_add(out, e->key, (size_t)(z - e->key));
				rc |= buf_adds(out, "\",\"password\":\"");
				rc |= buf_add(out, z + 1, e->len - (size_t)(z - e->key) - 1);
			} else {
				rc |= buf_add(out, e->key, e->len);
			}
			rc |= buf_printf(out, "\",\"count\":%llu}", (unsigned long long)e->count);
		}
		rc |= buf_printf(out, "],\"%s_other\":%llu", cat_names[c],
				 (unsigned long long)tb->other);
	}
	rc |= buf_adds(out, "}\n");
	return rc ? -ENOMEM : 0;
}

void day_name(int32_t day, char out[9])
{
	/* civil date from a day number, in integers: no time_t, so no 2038
	 * limit on a 32-bit router (days from 0000-03-01 in 400-year eras) */
	int64_t z = (int64_t)day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	unsigned y = (unsigned)(yoe + era * 400 + (m <= 2)) % 10000, v[3], i, k;

	v[0] = y, v[1] = m, v[2] = d;
	for (i = 0, k = 0; i < 3; i++) {
		unsigned w = i ? 2 : 4, mm = i ? 10 : 1000;

		for (; w; w--, mm /= 10)
			out[k++] = (char)('0' + v[i] / mm % 10);
	}
	out[8] = '\0';
}

bool day_parse_name(const char *s, size_t n, int32_t *day)
{
	int y = 0, m = 0, dd = 0;
	size_t i;
	int64_t days;
	static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

	if (n != 8)
		return false;
	for (i = 0; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	dd = (s[6] - '0') * 10 + (s[7] - '0');
	if (y < 1970 || m < 1 || m > 12 || dd < 1 || dd > 31)
		return false;
	/* days since 1970: whole years, months, days */
	days = (int64_t)(y - 1970) * 365 + (y - 1969) / 4 - (y - 1901) / 100 + (y - 1601) / 400;
	days += cum[m - 1] + dd - 1;
	if (m > 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0))
		days++;
	*day = (int32_t)days;
	{
		char back[9];

		day_name(*day, back);
		return !memcmp(back, s, 8); /* 20260231 is not a day */
	}
}
