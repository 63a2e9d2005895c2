/* ap_filter.c — the small text tools bot scripts pipe through: cut, tr,
 * sort, uniq, seq, basename and dirname, as BusyBox 1.35 prints them
 * (tests/diff: each compared with the real one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/applet.h"

/* Calls fn for each line of d[0..n) (the last one even without '\n');
 * stops when the line's work runs out. */
static void each_line(struct sh *sh, const uint8_t *d, size_t n,
		      void (*fn)(void *ctx, const uint8_t *l, size_t len), void *ctx)
{
	size_t st = 0;

	while (st < n && !sh->stop) {
		const uint8_t *e = memchr(d + st, '\n', n - st);
		size_t k = e ? (size_t)(e - d) : n;

		if (!sh_work(sh, k - st + 16))
			return;
		fn(ctx, d + st, k - st);
		st = k + 1;
	}
}

/* ---------- cut ---------- */

#define CUT_RANGES 64

struct cut {
	struct sh *sh;
	struct io *io;
	unsigned long lo[CUT_RANGES], hi[CUT_RANGES];
	int nr;
	bool fields, only_delim;
	char delim;
};

/* "1,3-5,7-,-2" (1-based); false when it is not a list. */
static bool cut_list(struct cut *c, const char *s)
{
	while (*s) {
		unsigned long lo = 1, hi;
		char *end;

		if (c->nr >= CUT_RANGES)
			return false;
		if (*s != '-') {
			lo = strtoul(s, &end, 10);
			if (end == s || lo == 0)
				return false;
			s = end;
		}
		hi = lo;
		if (*s == '-') {
			s++;
			hi = (unsigned long)-1;
			if (*s >= '0' && *s <= '9') {
				hi = strtoul(s, &end, 10);
				s = end;
			}
		}
		if (hi < lo)
			return false;
		c->lo[c->nr] = lo;
		c->hi[c->nr++] = hi;
		if (*s == ',')
			s++;
		else if (*s)
			return false;
	}
	return c->nr > 0;
}

static bool cut_sel(const struct cut *c, unsigned long pos)
{
	int i;

	for (i = 0; i < c->nr; i++)
		if (pos >= c->lo[i] && pos <= c->hi[i])
			return true;
	return false;
}

static void cut_line(void *ctx, const uint8_t *l, size_t len)
{
	struct cut *c = ctx;
	size_t i, st = 0;
	unsigned long f = 1;
	bool first = true;

	if (!c->fields) {
		for (i = 0; i < len; i++)
			if (cut_sel(c, i + 1))
				sh_write(c->sh, c->io, 1, l + i, 1);
		sh_write(c->sh, c->io, 1, "\n", 1);
		return;
	}
	if (!memchr(l, c->delim, len)) {
		if (!c->only_delim) {
			sh_write(c->sh, c->io, 1, l, len);
			sh_write(c->sh, c->io, 1, "\n", 1);
		}
		return;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && l[i] != (uint8_t)c->delim)
			continue;
		if (cut_sel(c, f)) {
			if (!first)
				sh_write(c->sh, c->io, 1, &c->delim, 1);
			sh_write(c->sh, c->io, 1, l + st, i - st);
			first = false;
		}
		f++;
		st = i + 1;
	}
	sh_write(c->sh, c->io, 1, "\n", 1);
}

int ap_cut(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct cut c;
	const char *list = NULL;
	int a, s = 0, nf = 0, i;
	char *files[CAP_SH_WORDS];
	struct buf tmp;

	memset(&c, 0, sizeof c);
	c.sh = sh;
	c.io = io;
	c.delim = '\t';
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-' || !o[1]) {
			files[nf++] = argv[a];
			continue;
		}
		for (o++; *o; o++) {
			if (*o == 's' || *o == 'n') {
				c.only_delim |= *o == 's';
				continue;
			}
			if (*o == 'b' || *o == 'c' || *o == 'f' || *o == 'd') {
				const char *v = o[1] ? o + 1 : (a + 1 < argc ? argv[++a] : NULL);

				if (!v)
					return ap_usage(sh, io, "cut");
				if (*o == 'd')
					c.delim = v[0];
				else {
					list = v;
					c.fields = *o == 'f';
				}
				break;
			}
			return ap_usage(sh, io, "cut");
		}
	}
	if (!list) {
		ap_err(sh, io, "cut", "expected a list of bytes, characters, or fields");
		return 1;
	}
	if (!cut_list(&c, list)) {
		ap_err(sh, io, "cut", "invalid range %s", list);
		return 1;
	}
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n;

		if (ap_filter_input(sh, io, "cut", nf ? files[i] : NULL, &d, &n, &tmp)) {
			s = 1;
			continue;
		}
		each_line(sh, d, n, cut_line, &c);
	}
	buf_free(&tmp);
	return s;
}

/* ---------- tr ---------- */

/* One character of a tr set at *pp: escapes as BusyBox's tr reads them. */
static int tr_char(const char **pp)
{
	const char *p = *pp;
	int c = (unsigned char)*p++;

	if (c == '\\' && *p)
		c = ap_escape(&p, false);
	*pp = p;
	return c;
}

static const struct {
	const char *name;
	const char *ranges; /* pairs lo,hi */
} tr_classes[] = {{"[:alpha:]", "AZaz"},   {"[:digit:]", "09"},	     {"[:alnum:]", "09AZaz"},
		  {"[:upper:]", "AZ"},	   {"[:lower:]", "az"},	     {"[:space:]", "\t\r  "},
		  {"[:blank:]", "\t\t  "}, {"[:xdigit:]", "09AFaf"}, {"[:punct:]", "!/:@[`{~"}};

/* Expands a set ("a-z", "\n", "[:upper:]") into out[]; its length. */
static size_t tr_set(const char *s, uint8_t out[256 * 4])
{
	size_t n = 0, i;

	while (*s && n < 256 * 3) {
		if (*s == '[' && s[1] == ':') {
			for (i = 0; i < sizeof tr_classes / sizeof tr_classes[0]; i++) {
				size_t l = strlen(tr_classes[i].name), k;
				const char *r = tr_classes[i].ranges;

				if (strncmp(s, tr_classes[i].name, l) != 0)
					continue;
				for (k = 0; r[k]; k += 2) {
					int c;

					for (c = (unsigned char)r[k]; c <= (unsigned char)r[k + 1];
					     c++)
						out[n++] = (uint8_t)c;
				}
				s += l;
				break;
			}
			if (i < sizeof tr_classes / sizeof tr_classes[0])
				continue;
		}
		{
			int lo = tr_char(&s), hi;

			if (*s == '-' && s[1]) {
				s++;
				hi = tr_char(&s);
				for (; lo <= hi && n < 256 * 3; lo++)
					out[n++] = (uint8_t)lo;
			} else {
				out[n++] = (uint8_t)lo;
			}
		}
	}
	return n;
}

int ap_tr(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool del = false, squeeze = false, compl = false;
	uint8_t s1[256 * 4], s2[256 * 4], map[256], in1[256] = {0}, in2[256] = {0};
	size_t n1, n2 = 0, n, i, o = 0;
	const uint8_t *d;
	int a = 1, c, last = -1;
	char out[512];

	for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		const char *f;

		for (f = argv[a] + 1; *f; f++) {
			if (*f == 'd')
				del = true;
			else if (*f == 's')
				squeeze = true;
			else if (*f == 'c' || *f == 'C')
				compl = true;
			else
				return ap_usage(sh, io, "tr");
		}
	}
	if (a >= argc)
		return ap_usage(sh, io, "tr");
	n1 = tr_set(argv[a], s1);
	if (a + 1 < argc)
		n2 = tr_set(argv[a + 1], s2);
	for (i = 0; i < n1; i++)
		in1[s1[i]] = 1;
	if (compl )
		for (c = 0; c < 256; c++)
			in1[c] = !in1[c];
	for (c = 0; c < 256; c++)
		map[c] = (uint8_t)c;
	if (!del && n2) {
		if (compl ) {
			for (c = 0; c < 256; c++)
				if (in1[c])
					map[c] = s2[n2 - 1];
		} else {
			for (i = 0; i < n1; i++)
				map[s1[i]] = s2[i < n2 ? i : n2 - 1];
		}
	}
	/* squeezed: SET2's characters when translating, else SET1's */
	for (i = 0; i < n2; i++)
		in2[s2[i]] = 1;
	d = ap_stdin_rest(io, &n);
	if (io->in)
		io->in->pos = io->in->n;
	for (i = 0; i < n && !sh->stop; i++) {
		c = d[i];
		if (del && in1[c])
			continue;
		c = map[c];
		if (squeeze && c == last && (n2 && !del ? in2[c] : in1[c]))
			continue;
		last = c;
		out[o++] = (char)c;
		if (o == sizeof out) {
			sh_write(sh, io, 1, out, o);
			o = 0;
		}
	}
	sh_write(sh, io, 1, out, o);
	return 0;
}

/* ---------- sort, uniq ---------- */

struct span {
	size_t off, len;
};

static const uint8_t *sort_base;
static bool sort_num, sort_rev, sort_fold;

/* sort -n's key: the leading number, scaled (no floating point). */
static long long lead_num(const uint8_t *p, size_t n)
{
	char tmp[40];
	long long v = 0;
	size_t k = n < sizeof tmp - 1 ? n : sizeof tmp - 1;

	memcpy(tmp, p, k);
	tmp[k] = '\0';
	return ap_parse_fixed(tmp, 6, &v, NULL) ? v : 0;
}

static int bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn, bool fold)
{
	size_t i, m = an < bn ? an : bn;

	for (i = 0; i < m; i++) {
		int x = a[i], y = b[i];

		if (fold) {
			x = x >= 'a' && x <= 'z' ? x - 32 : x;
			y = y >= 'a' && y <= 'z' ? y - 32 : y;
		}
		if (x != y)
			return x - y;
	}
	return an < bn ? -1 : an > bn;
}

static int span_cmp(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	const uint8_t *pa = sort_base + a->off, *pb = sort_base + b->off;
	int r = 0;

	if (sort_num) {
		long long u = lead_num(pa, a->len), v = lead_num(pb, b->len);

		r = u < v ? -1 : u > v;
	} else if (sort_fold) {
		r = bytes_cmp(pa, a->len, pb, b->len, true);
	}
	/* BusyBox's last resort: the whole lines */
	if (!r)
		r = bytes_cmp(pa, a->len, pb, b->len, false);
	return sort_rev ? -r : r;
}

int ap_sort(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool uniq = false;
	char *files[CAP_SH_WORDS];
	int a, nf = 0, i, s = 0;
	struct buf all, spans, tmp;
	size_t k, st;

	sort_num = sort_rev = sort_fold = false;
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-' || !o[1]) {
			files[nf++] = argv[a];
			continue;
		}
		for (o++; *o; o++) {
			sort_num |= *o == 'n' || *o == 'g';
			sort_rev |= *o == 'r';
			uniq |= *o == 'u';
			sort_fold |= *o == 'f';
			if ((*o == 'k' || *o == 't' || *o == 'o') && !o[1])
				a++; /* its argument: keys are not emulated */
			if (*o == 'k' || *o == 't' || *o == 'o')
				break;
		}
	}
	sh_buf_init(sh, &all, CAP_SH_OUTPUT);
	sh_buf_init(sh, &spans, CAP_SH_OUTPUT);
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n;

		if (ap_filter_input(sh, io, "sort", nf ? files[i] : NULL, &d, &n, &tmp)) {
			s = 2;
			continue;
		}
		if (buf_add(&all, d, n) || (n && d[n - 1] != '\n' && buf_add(&all, "\n", 1))) {
			sh_err(sh, io, "out of memory");
			s = 2;
			goto out;
		}
	}
	for (st = 0; st < all.len;) {
		const char *e = memchr(all.p + st, '\n', all.len - st);
		struct span sp = {st, (size_t)(e - (all.p + st))};

		if (buf_add(&spans, &sp, sizeof sp)) {
			sh_err(sh, io, "out of memory");
			s = 2;
			goto out;
		}
		st += sp.len + 1;
	}
	k = spans.len / sizeof(struct span);
	/* n log n comparisons, each up to a line long */
	if (!sh_work(sh, (uint64_t)all.len * 16 + k * 64))
		goto out;
	sort_base = (const uint8_t *)all.p;
	if (k)
		qsort(spans.p, k, sizeof(struct span), span_cmp);
	for (st = 0; st < k; st++) {
		const struct span *sp = (const struct span *)spans.p + st;

		if (uniq && st) {
			bool r = sort_rev;
			int c;

			sort_rev = false;
			c = span_cmp(sp - 1, sp);
			sort_rev = r;
			if (c == 0)
				continue;
		}
		sh_write(sh, io, 1, all.p + sp->off, sp->len + 1);
	}
out:
	buf_free(&all);
	buf_free(&spans);
	buf_free(&tmp);
	return s;
}

struct uniq {
	struct sh *sh;
	struct io *io;
	const uint8_t *prev;
	size_t plen;
	unsigned long cnt;
	bool count, dups, uniqs;
};

static void uniq_flush(struct uniq *u)
{
	if (!u->cnt || (u->dups && u->cnt < 2) || (u->uniqs && u->cnt > 1))
		return;
	if (u->count)
		sh_printf(u->sh, u->io, 1, "%7lu ", u->cnt);
	sh_write(u->sh, u->io, 1, u->prev, u->plen);
	sh_write(u->sh, u->io, 1, "\n", 1);
}

static void uniq_line(void *ctx, const uint8_t *l, size_t len)
{
	struct uniq *u = ctx;

	if (u->cnt && len == u->plen && memcmp(l, u->prev, len) == 0) {
		u->cnt++;
		return;
	}
	uniq_flush(u);
	u->prev = l;
	u->plen = len;
	u->cnt = 1;
}

int ap_uniq(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct uniq u;
	const char *file = NULL;
	const uint8_t *d;
	size_t n;
	int a, s = 0;
	struct buf tmp;

	memset(&u, 0, sizeof u);
	u.sh = sh;
	u.io = io;
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] == '-' && o[1]) {
			u.count |= strchr(o, 'c') != NULL;
			u.dups |= strchr(o, 'd') != NULL;
			u.uniqs |= strchr(o, 'u') != NULL;
		} else if (!file) {
			file = o;
		}
	}
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	if (ap_filter_input(sh, io, "uniq", file, &d, &n, &tmp)) {
		s = 1;
	} else {
		each_line(sh, d, n, uniq_line, &u);
		uniq_flush(&u);
	}
	buf_free(&tmp);
	return s;
}

/* ---------- seq, basename, dirname ---------- */

static int decimals(const char *s)
{
	const char *dot = strchr(s, '.');

	return dot ? (int)strlen(dot + 1) : 0;
}

int ap_seq(struct sh *sh, struct io *io, int argc, char **argv)
{
	const char *sep = "\n";
	bool width = false;
	long long v[3] = {1, 1, 0}, x;
	int a = 1, k, i, prec = 0, w = 0;
	unsigned long count = 0;
	char num[64];

	for (; a < argc && argv[a][0] == '-' && argv[a][1] &&
	       !(argv[a][1] >= '0' && argv[a][1] <= '9');
	     a++) {
		if (strcmp(argv[a], "-w") == 0)
			width = true;
		else if (strcmp(argv[a], "-s") == 0 && a + 1 < argc)
			sep = argv[++a];
		else if (strncmp(argv[a], "-s", 2) == 0)
			sep = argv[a] + 2;
		else
			return ap_usage(sh, io, "seq");
	}
	k = argc - a;
	if (k < 1 || k > 3)
		return ap_usage(sh, io, "seq");
	for (i = 0; i < k; i++)
		if (decimals(argv[a + i]) > prec)
			prec = decimals(argv[a + i]) > 9 ? 9 : decimals(argv[a + i]);
	v[0] = v[1] = 1;
	for (i = 0; i < prec; i++)
		v[0] = v[1] *= 10;
	for (i = 0; i < k; i++) {
		const char *end;
		long long d;

		if (!ap_parse_fixed(argv[a + i], prec, &d, &end) || *end) {
			ap_err(sh, io, "seq", "invalid number '%s'", argv[a + i]);
			return 1;
		}
		v[k == 1 ? 2 : k == 2 ? (i ? 2 : 0) : i] = d;
	}
	if (width) {
		int l1 = ap_fmt_fixed(num, sizeof num, v[0], prec);
		int l2 = ap_fmt_fixed(num, sizeof num, v[2], prec);

		w = l1 > l2 ? l1 : l2;
	}
	if (v[1] == 0)
		return 1;
	for (x = v[0]; v[1] > 0 ? x <= v[2] : x >= v[2]; x = v[0] + v[1] * (long long)++count) {
		int l;

		if (!sh_work(sh, 64))
			break;
		if (count)
			sh_puts(sh, io, 1, sep);
		l = ap_fmt_fixed(num, sizeof num, x, prec);
		if (width && l < w) {
			bool neg = num[0] == '-';

			if (neg)
				sh_puts(sh, io, 1, "-");
			for (; l < w; l++)
				sh_puts(sh, io, 1, "0");
			sh_puts(sh, io, 1, num + neg);
		} else {
			sh_puts(sh, io, 1, num);
		}
	}
	if (count)
		sh_puts(sh, io, 1, "\n");
	return 0;
}

int ap_basename(struct sh *sh, struct io *io, int argc, char **argv)
{
	char b[CAP_PATH];
	size_t n, sl;

	if (argc < 2)
		return ap_usage(sh, io, "basename");
	snprintf(b, sizeof b, "%s", argv[1]);
	n = strlen(b);
	while (n > 1 && b[n - 1] == '/')
		b[--n] = '\0';
	{
		const char *s = strrchr(b, '/');
		const char *base = s && s[1] ? s + 1 : b;

		memmove(b, base, strlen(base) + 1);
	}
	n = strlen(b);
	if (argc > 2 && (sl = strlen(argv[2])) < n && strcmp(b + n - sl, argv[2]) == 0)
		b[n - sl] = '\0';
	sh_printf(sh, io, 1, "%s\n", b);
	return 0;
}

int ap_dirname(struct sh *sh, struct io *io, int argc, char **argv)
{
	char b[CAP_PATH];
	size_t n;
	char *s;

	if (argc < 2)
		return ap_usage(sh, io, "dirname");
	snprintf(b, sizeof b, "%s", argv[1]);
	n = strlen(b);
	if (n == 2 && strcmp(b, "//") == 0) {
		sh_puts(sh, io, 1, "//\n"); /* as the device's libc keeps it */
		return 0;
	}
	while (n > 1 && b[n - 1] == '/')
		b[--n] = '\0';
	s = strrchr(b, '/');
	if (!s) {
		sh_puts(sh, io, 1, ".\n");
		return 0;
	}
	while (s > b && s[-1] == '/')
		s--;
	if (s == b)
		s++;
	*s = '\0';
	sh_printf(sh, io, 1, "%s\n", b);
	return 0;
}
