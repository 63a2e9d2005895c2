/* ap_text.c — text filters: head, tail, wc and grep over files or stdin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh/applet.h"

/* Input of a filter applet: a file or stdin. */
static int filter_input(struct sh *sh, struct io *io, const char *ap, const char *arg,
			const uint8_t **d, size_t *n, struct buf *tmp)
{
	char abs[CAP_PATH];
	int rc;

	if (!arg || strcmp(arg, "-") == 0) {
		*d = ap_stdin_rest(io, n);
		if (io->in)
			io->in->pos = io->in->n;
		return 0;
	}
	rc = sh_path(sh, arg, abs, sizeof abs);
	if (!rc)
		rc = ap_read_file(sh, abs, d, n, tmp);
	if (rc) {
		if (strcmp(ap, "grep") == 0)
			ap_err(sh, io, ap, "%s: %s", arg, sh_strerror(rc));
		else
			ap_err(sh, io, ap, "can't open '%s': %s", arg, sh_strerror(rc));
	}
	return rc;
}

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

		if (filter_input(sh, io, ap, nf ? files[i] : NULL, &d, &n, &tmp)) {
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

static void wc_num(struct sh *sh, struct io *io, bool first, bool nopad, unsigned long v)
{
	if (nopad)
		sh_printf(sh, io, 1, "%lu", v);
	else if (first)
		sh_printf(sh, io, 1, "%9lu", v);
	else
		sh_printf(sh, io, 1, " %9lu", v);
}

int ap_wc(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool c = false, l = false, w = false;
	char *files[CAP_SH_WORDS];
	int a, nf = 0, s = 0, i, nopt;
	struct buf tmp;

	for (a = 1; a < argc; a++) {
		if (argv[a][0] == '-' && argv[a][1]) {
			c = c || strpbrk(argv[a], "cm");
			l = l || strchr(argv[a], 'l');
			w = w || strchr(argv[a], 'w');
			continue;
		}
		files[nf++] = argv[a];
	}
	if (!c && !l && !w)
		c = l = w = true;
	nopt = (int)c + (int)l + (int)w;
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n, k;
		unsigned long nl = 0, nw = 0;
		bool inw = false, first = true, nopad;

		if (filter_input(sh, io, "wc", nf ? files[i] : NULL, &d, &n, &tmp)) {
			s = 1;
			continue;
		}
		for (k = 0; k < n; k++) {
			bool sp = d[k] == ' ' || d[k] == '\n' || d[k] == '\t' || d[k] == '\r' ||
				  d[k] == '\v' || d[k] == '\f';

			if (d[k] == '\n')
				nl++;
			if (!sp && !inw)
				nw++;
			inw = !sp;
		}
		nopad = !nf && nopt == 1;
		if (l) {
			wc_num(sh, io, first, nopad, nl);
			first = false;
		}
		if (w) {
			wc_num(sh, io, first, nopad, nw);
			first = false;
		}
		if (c)
			wc_num(sh, io, first, nopad, (unsigned long)n);
		if (nf)
			sh_printf(sh, io, 1, " %s", files[i]);
		sh_puts(sh, io, 1, "\n");
	}
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

int ap_grep(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool inv = false, icase = false, cnt = false, quiet = false, num = false;
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
			continue;
		}
		if (!pat)
			pat = o;
		else
			files[nf++] = argv[a];
	}
	if (!pat)
		return ap_usage(sh, io, "grep");
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n, st = 0, k;
		unsigned long matches = 0, line = 0;

		if (filter_input(sh, io, "grep", nf ? files[i] : NULL, &d, &n, &tmp)) {
			err = 1;
			continue;
		}
		while (st < n) {
			bool m;

			for (k = st; k < n && d[k] != '\n'; k++)
				;
			line++;
			m = has_substr(d + st, k - st, pat, icase) != inv;
			if (m) {
				matches++;
				s = 0;
				if (!cnt && !quiet) {
					if (nf > 1)
						sh_printf(sh, io, 1, "%s:", files[i]);
					if (num)
						sh_printf(sh, io, 1, "%lu:", line);
					sh_write(sh, io, 1, d + st, k - st);
					sh_write(sh, io, 1, "\n", 1);
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
	return err && s ? 2 : s;
}
