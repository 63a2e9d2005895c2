/* ap_text.c — text filters: head, tail, wc and grep over files or stdin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh/applet.h"
#include "sh/bre.h"

static int head_tail(struct sh *sh, struct io *io, int argc, char **argv, bool tail)
{
	const char *ap = tail ? "tail" : "head";
	unsigned long num = 10;
	bool bytes = false;
	char *files[CAP_SH_WORDS];
	int a, nf = 0, s = 0, i;
	struct buf tmp;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if ((strcmp(o, "-n") == 0 || strcmp(o, "-c") == 0) && a + 1 < argc) {
			bytes = o[1] == 'c';
			o = argv[++a];
			if (*o == '+' || *o == '-')
				o++;
			if (!ap_parse_size(o, &num)) {
				ap_err(sh, io, ap, "invalid number '%s'", o);
				return 1;
			}
			continue;
		}
		if (o[0] == '-' && o[1] >= '0' && o[1] <= '9') {
			if (!ap_parse_size(o + 1, &num))
				return 1;
			continue;
		}
		if (o[0] == '-' && o[1])
			continue;
		files[nf++] = argv[a];
	}
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n, st = 0, en;

		if (ap_filter_input(sh, io, ap, nf ? files[i] : NULL, &d, &n, &tmp)) {
			s = 1;
			continue;
		}
		if (nf > 1)
			sh_printf(sh, io, 1, "%s==> %s <==\n", i ? "\n" : "", files[i]);
		if (bytes) {
			en = n;
			if (tail)
				st = n > num ? n - num : 0;
			else
				en = n > num ? num : n;
		} else if (!tail) {
			unsigned long lines = 0;

			for (en = 0; en < n && lines < num; en++)
				if (d[en] == '\n')
					lines++;
		} else {
			unsigned long lines = 0;

			en = n;
			st = n;
			if (st && d[st - 1] == '\n')
				st--;
			while (st > 0) {
				if (d[st - 1] == '\n' && ++lines >= num)
					break;
				st--;
			}
		}
		ap_out_data(sh, io, d + st, en - st);
	}
	buf_free(&tmp);
	return s;
}

int ap_head(struct sh *sh, struct io *io, int argc, char **argv)
{
	return head_tail(sh, io, argc, argv, false);
}

int ap_tail(struct sh *sh, struct io *io, int argc, char **argv)
{
	return head_tail(sh, io, argc, argv, true);
}

static void wc_line(struct sh *sh, struct io *io, bool nopad, const bool on[3],
		    const unsigned long v[3], const char *name)
{
	bool first = true;
	int u;

	for (u = 0; u < 3; u++) {
		if (!on[u])
			continue;
		if (first && nopad)
			sh_printf(sh, io, 1, "%lu", v[u]);
		else
			sh_printf(sh, io, 1, "%s%9lu", first ? "" : " ", v[u]);
		first = false;
	}
	if (name)
		sh_printf(sh, io, 1, " %s", name);
	sh_puts(sh, io, 1, "\n");
}

/* BusyBox wc.c (1_9_1 to 1_35_0): the first count is "%9u", the next ones
 * " %9u"; with exactly one count the first is bare "%u" when reading stdin
 * (1.9.1, wc.c:96) or at most one FILE (1.16.1 on, wc.c:92 `!argv[1]`);
 * a "total" line follows when more than one FILE was named, failed ones
 * included (num_files counts before fopen). */
int ap_wc(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool on[3] = {false, false, false}; /* lines, words, bytes */
	char *files[CAP_SH_WORDS];
	unsigned long tot[3] = {0, 0, 0};
	int a, nf = 0, s = 0, i, nopt;
	bool nopad;
	struct buf tmp;

	for (a = 1; a < argc; a++) {
		if (argv[a][0] == '-' && argv[a][1]) {
			on[2] = on[2] || strpbrk(argv[a], "cm");
			on[0] = on[0] || strchr(argv[a], 'l');
			on[1] = on[1] || strchr(argv[a], 'w');
			continue;
		}
		files[nf++] = argv[a];
	}
	if (!on[0] && !on[1] && !on[2])
		on[0] = on[1] = on[2] = true;
	nopt = (int)on[0] + (int)on[1] + (int)on[2];
	nopad = nopt == 1 && (nf == 0 || (nf == 1 && ap_bb_minor(sh) >= 16));
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n, k;
		unsigned long v[3] = {0, 0, 0};
		bool inw = false;

		if (ap_filter_input(sh, io, "wc", nf ? files[i] : NULL, &d, &n, &tmp)) {
			s = 1;
			continue;
		}
		for (k = 0; k < n; k++) {
			bool sp = d[k] == ' ' || d[k] == '\n' || d[k] == '\t' || d[k] == '\r' ||
				  d[k] == '\v' || d[k] == '\f';

			if (d[k] == '\n')
				v[0]++;
			if (!sp && !inw)
				v[1]++;
			inw = !sp;
		}
		v[2] = (unsigned long)n;
		for (k = 0; k < 3; k++)
			tot[k] += v[k];
		wc_line(sh, io, nopad, on, v, nf ? files[i] : NULL);
	}
	if (nf > 1)
		wc_line(sh, io, nopad, on, tot, "total");
	buf_free(&tmp);
	return s;
}

static bool has_substr(const uint8_t *h, size_t hn, const char *nd, bool icase)
{
	size_t nn = strlen(nd), i, j;

	if (!nn)
		return true;
	for (i = 0; i + nn <= hn; i++) {
		for (j = 0; j < nn; j++) {
			unsigned char x = h[i + j], y = (unsigned char)nd[j];

			if (icase) {
				if (x >= 'A' && x <= 'Z')
					x |= 0x20;
				if (y >= 'A' && y <= 'Z')
					y |= 0x20;
			}
			if (x != y)
				break;
		}
		if (j == nn)
			return true;
	}
	return false;
}

#define GREP_ALTS 8

/* The pattern as grep reads it: -F a fixed string; else a BRE, and with
 * -E its top-level '|' alternatives (each read as a BRE: the ERE forms
 * bots use, words and anchors, read the same). */
struct gpat {
	bool fixed, whole;
	int n;
	char alt[GREP_ALTS][256];
	struct bre re[GREP_ALTS];
};

static void gpat_init(struct gpat *g, const char *pat, bool fixed, bool ere, bool icase)
{
	const char *p = pat;
	int i;

	g->n = 0;
	g->fixed = fixed;
	while (g->n < GREP_ALTS) {
		const char *e = ere ? strchr(p, '|') : NULL;
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l >= sizeof g->alt[0])
			l = sizeof g->alt[0] - 1;
		memcpy(g->alt[g->n], p, l);
		g->alt[g->n][l] = '\0';
		g->n++;
		if (!e)
			break;
		p = e + 1;
	}
	for (i = 0; i < g->n && !g->fixed; i++)
		if (!bre_comp(&g->re[i], g->alt[i], icase))
			g->fixed = true; /* not a BRE we read: as a string */
}

/* The leftmost match of any alternative in l[from..n): its span. */
static bool gpat_find(struct sh *sh, const struct gpat *g, const uint8_t *l, size_t n, size_t from,
		      bool icase, size_t *so, size_t *eo)
{
	bool any = false;
	int i;

	for (i = 0; i < g->n; i++) {
		struct bre_match m;
		unsigned long steps = 0;
		size_t a, b, k = strlen(g->alt[i]);

		if (g->fixed) {
			for (a = from; a + k <= n; a++)
				if (has_substr(l + a, k, g->alt[i], icase))
					break;
			if (a + k > n)
				continue;
			b = a + k;
		} else {
			bool hit =
			    bre_exec(&g->re[i], (const char *)l, n, from, &m, &steps, 1000000);

			(void)sh_work(sh, steps);
			if (!hit)
				continue;
			a = m.so[0];
			b = m.eo[0];
		}
		if (g->whole && (a != 0 || b != n))
			continue;
		if (!any || a < *so || (a == *so && b > *eo)) {
			*so = a;
			*eo = b;
		}
		any = true;
	}
	return any;
}

int ap_grep(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool inv = false, icase = false, cnt = false, quiet = false, num = false;
	bool fixed = false, ere = false, whole = false, only = false;
	struct gpat *g;
	const char *pat = NULL;
	char *files[CAP_SH_WORDS];
	int a, nf = 0, i, s = 1, err = 0;
	struct buf tmp;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] == '-' && o[1] && !pat) {
			if (strcmp(o, "-e") == 0 && a + 1 < argc) {
				pat = argv[++a];
				continue;
			}
			inv = inv || strchr(o, 'v');
			icase = icase || strchr(o, 'i');
			cnt = cnt || strchr(o, 'c');
			quiet = quiet || strchr(o, 'q');
			num = num || strchr(o, 'n');
			fixed = fixed || strchr(o, 'F');
			ere = ere || strchr(o, 'E');
			whole = whole || strchr(o, 'x');
			only = only || strchr(o, 'o');
			continue;
		}
		if (!pat)
			pat = o;
		else
			files[nf++] = argv[a];
	}
	if (!pat)
		return ap_usage(sh, io, "grep");
	g = malloc(sizeof *g);
	if (!g) {
		sh_err(sh, io, "out of memory");
		return 2;
	}
	gpat_init(g, pat, fixed, ere || strcmp(argv[0], "egrep") == 0, icase);
	g->whole = whole;
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n, st = 0, k, so = 0, eo = 0;
		unsigned long matches = 0, line = 0;

		if (ap_filter_input(sh, io, "grep", nf ? files[i] : NULL, &d, &n, &tmp)) {
			err = 1;
			continue;
		}
		while (st < n) {
			bool m;

			for (k = st; k < n && d[k] != '\n'; k++)
				;
			line++;
			m = gpat_find(sh, g, d + st, k - st, 0, icase, &so, &eo) != inv;
			if (m) {
				matches++;
				s = 0;
				if (!cnt && !quiet) {
					if (nf > 1)
						sh_printf(sh, io, 1, "%s:", files[i]);
					if (num)
						sh_printf(sh, io, 1, "%lu:", line);
					if (only && !inv) {
						/* -o: each match on its own line */
						for (;;) {
							size_t at = eo > so ? eo : so + 1;

							if (eo > so) {
								sh_write(sh, io, 1, d + st + so,
									 eo - so);
								sh_write(sh, io, 1, "\n", 1);
							}
							if (at > k - st ||
							    !gpat_find(sh, g, d + st, k - st, at,
								       icase, &so, &eo))
								break;
						}
					} else {
						sh_write(sh, io, 1, d + st, k - st);
						sh_write(sh, io, 1, "\n", 1);
					}
				}
			}
			st = k + 1;
		}
		if (cnt && !quiet) {
			if (nf > 1)
				sh_printf(sh, io, 1, "%s:", files[i]);
			sh_printf(sh, io, 1, "%lu\n", matches);
		}
	}
	buf_free(&tmp);
	free(g);
	return err && s ? 2 : s;
}
