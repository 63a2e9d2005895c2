/* ap_sed.c — sed as bot scripts use it: s///, p, d, q, =, y, with line,
 * `$` and /regex/ addresses, ranges and `!`; -n, -e, -i. Regular
 * expressions are sh/bre.c's, their steps charged to the line's work.
 * Texts as BusyBox 1.35 prints them (tests/diff).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/applet.h"
#include "sh/bre.h"

#define SED_CMDS 16
#define SED_STEPS 1000000ul

enum { A_NONE, A_LINE, A_LAST, A_RE };

struct sed_addr {
	int kind;
	unsigned long line;
	struct bre *re;
};

struct sed_cmd {
	struct sed_addr a1, a2;
	bool neg, in_range;
	char cmd;
	struct bre *re;	  /* s */
	char *pat, *repl; /* s: the regex text (bre keeps a pointer), replacement */
	bool global, print, icase;
	unsigned long nth;
	uint8_t from[256], to[256]; /* y */
	int ny;
};

struct sed {
	struct sh *sh;
	struct io *io;
	struct sed_cmd c[SED_CMDS];
	int n;
	bool quiet, quit;
	unsigned long line;
	struct buf *out; /* -i: the file's new text; NULL: stdout */
	char *owned[SED_CMDS * 3];
	int nowned;
};

static void sed_free(struct sed *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		free(s->c[i].re);
		free(s->c[i].a1.re);
		free(s->c[i].a2.re);
	}
	for (i = 0; i < s->nowned; i++)
		free(s->owned[i]);
}

/* Text up to the unescaped delimiter d at *pp (an escaped d loses its
 * backslash; other escapes stay for the regex or the replacement). */
static char *sed_part(struct sed *s, const char **pp, char d)
{
	const char *p = *pp;
	size_t n = 0, cap = strlen(p) + 1;
	char *o;

	if (s->nowned >= (int)(sizeof s->owned / sizeof s->owned[0]))
		return NULL;
	o = malloc(cap);
	if (!o)
		return NULL;
	for (; *p && *p != d; p++) {
		if (*p == '\\' && p[1]) {
			if (p[1] == d) {
				o[n++] = d;
				p++;
				continue;
			}
			if (p[1] == 'n' && d != 'n') {
				o[n++] = '\n';
				p++;
				continue;
			}
			o[n++] = *p++;
		}
		o[n++] = *p;
	}
	if (*p != d) {
		free(o);
		return NULL;
	}
	o[n] = '\0';
	*pp = p + 1;
	s->owned[s->nowned++] = o;
	return o;
}

static bool sed_re(struct sed *s, const char *pat, bool icase, struct bre **out)
{
	*out = malloc(sizeof **out);
	if (!*out)
		return false;
	if (!bre_comp(*out, pat, icase)) {
		ap_err(s->sh, s->io, "sed", "bad regex '%s'", pat);
		return false;
	}
	return true;
}

static int sed_addr(struct sed *s, const char **pp, struct sed_addr *a)
{
	const char *p = *pp;

	if (*p >= '0' && *p <= '9') {
		a->kind = A_LINE;
		a->line = strtoul(p, (char **)&p, 10);
	} else if (*p == '$') {
		a->kind = A_LAST;
		p++;
	} else if (*p == '/' || *p == '\\') {
		char d = *p == '\\' ? p[1] : '/';
		const char *pat;

		p += *p == '\\' ? 2 : 1;
		pat = sed_part(s, &p, d);
		if (!pat) {
			ap_err(s->sh, s->io, "sed", "unmatched '%c'", d);
			return -1;
		}
		a->kind = A_RE;
		if (!sed_re(s, pat, false, &a->re))
			return -1;
	}
	*pp = p;
	return 0;
}

static int sed_parse(struct sed *s, const char *p)
{
	while (*p) {
		struct sed_cmd *c;

		while (*p == ' ' || *p == '\t' || *p == ';' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (s->n >= SED_CMDS) {
			ap_err(s->sh, s->io, "sed", "too many commands");
			return -1;
		}
		c = &s->c[s->n++];
		memset(c, 0, sizeof *c);
		if (sed_addr(s, &p, &c->a1))
			return -1;
		if (*p == ',' && c->a1.kind != A_NONE) {
			p++;
			if (sed_addr(s, &p, &c->a2) || c->a2.kind == A_NONE) {
				if (c->a2.kind == A_NONE)
					ap_err(s->sh, s->io, "sed", "unexpected ','");
				return -1;
			}
		}
		while (*p == ' ')
			p++;
		if (*p == '!') {
			c->neg = true;
			p++;
		}
		c->cmd = *p ? *p++ : '\0';
		switch (c->cmd) {
		case 's': {
			char d = *p ? *p++ : '\0';

			if (!d || d == '\n' || d == '\\' || !(c->pat = sed_part(s, &p, d)) ||
			    !(c->repl = sed_part(s, &p, d))) {
				ap_err(s->sh, s->io, "sed", "unmatched '%c'", d ? d : 's');
				return -1;
			}
			for (; *p && *p != ';' && *p != '\n' && *p != '}'; p++) {
				if (*p == 'g')
					c->global = true;
				else if (*p == 'p')
					c->print = true;
				else if (*p == 'I' || *p == 'i')
					c->icase = true;
				else if (*p >= '0' && *p <= '9')
					c->nth = c->nth * 10 + (unsigned long)(*p - '0');
				else if (*p != ' ') {
					ap_err(s->sh, s->io, "sed",
					       "bad option in substitution expression");
					return -1;
				}
			}
			if (!sed_re(s, c->pat, c->icase, &c->re))
				return -1;
			break;
		}
		case 'y': {
			char d = *p ? *p++ : '\0';
			char *f = d ? sed_part(s, &p, d) : NULL, *t = f ? sed_part(s, &p, d) : NULL;
			size_t k;

			if (!f || !t || strlen(f) != strlen(t) || strlen(f) > 255) {
				ap_err(s->sh, s->io, "sed", "unmatched '%c'", d ? d : 'y');
				return -1;
			}
			for (k = 0; f[k]; k++) {
				c->from[k] = (uint8_t)f[k];
				c->to[k] = (uint8_t)t[k];
			}
			c->ny = (int)k;
			break;
		}
		case 'p':
		case 'd':
		case 'q':
		case '=':
			break;
		default:
			ap_err(s->sh, s->io, "sed", "unsupported command %c",
			       c->cmd ? c->cmd : ' ');
			return -1;
		}
	}
	return 0;
}

static bool addr_hit(struct sed *s, const struct sed_addr *a, const char *l, size_t n, bool last)
{
	struct bre_match m;
	unsigned long steps = 0;
	bool hit;

	switch (a->kind) {
	case A_LINE:
		return s->line == a->line;
	case A_LAST:
		return last;
	case A_RE:
		hit = bre_exec(a->re, l, n, 0, &m, &steps, SED_STEPS);
		(void)sh_work(s->sh, steps);
		return hit;
	}
	return true;
}

static bool cmd_hit(struct sed *s, struct sed_cmd *c, const char *l, size_t n, bool last)
{
	bool hit;

	if (c->a1.kind == A_NONE)
		hit = true;
	else if (c->a2.kind == A_NONE)
		hit = addr_hit(s, &c->a1, l, n, last);
	else if (!c->in_range) {
		hit = addr_hit(s, &c->a1, l, n, last);
		/* a second line number not past this one ends the range here */
		if (hit)
			c->in_range = !(c->a2.kind == A_LINE && c->a2.line <= s->line) && !last;
	} else {
		hit = true;
		if ((c->a2.kind == A_LINE && s->line >= c->a2.line) ||
		    addr_hit(s, &c->a2, l, n, last))
			c->in_range = false;
	}
	return hit != c->neg;
}

static void sed_put(struct sed *s, const void *p, size_t n)
{
	if (s->out)
		(void)buf_add(s->out, p, n);
	else
		sh_write(s->sh, s->io, 1, p, n);
}

/* s/// on the pattern space ps; true when something was replaced. */
static bool sed_subst(struct sed *s, struct sed_cmd *c, struct buf *ps)
{
	struct buf o;
	struct bre_match m;
	size_t from = 0, copied = 0;
	unsigned long k = 0, steps = 0;
	bool done = false;

	sh_buf_init(s->sh, &o, CAP_SH_OUTPUT);
	while (from <= ps->len && bre_exec(c->re, ps->p, ps->len, from, &m, &steps, SED_STEPS)) {
		size_t so = m.so[0], eo = m.eo[0];
		const char *r;

		if (++k >= (c->nth ? c->nth : 1)) {
			(void)buf_add(&o, ps->p + copied, so - copied);
			for (r = c->repl; *r; r++) {
				if (*r == '&') {
					(void)buf_add(&o, ps->p + so, eo - so);
				} else if (*r == '\\' && r[1] >= '1' && r[1] <= '9') {
					int g = *++r - '0';

					if (m.set[g])
						(void)buf_add(&o, ps->p + m.so[g],
							      m.eo[g] - m.so[g]);
				} else if (*r == '\\' && r[1]) {
					(void)buf_addc(&o, *++r);
				} else {
					(void)buf_addc(&o, *r);
				}
			}
			copied = eo;
			done = true;
			if (!c->global)
				break;
		}
		if (eo == so) {
			/* an empty match: the next try starts one byte on */
			if (so >= ps->len)
				break;
			from = so + 1;
		} else {
			from = eo;
		}
		if (s->sh->stop)
			break;
	}
	(void)sh_work(s->sh, steps);
	if (done) {
		(void)buf_add(&o, ps->p + copied, ps->len - copied);
		ps->len = 0;
		(void)buf_add(ps, o.p ? o.p : "", o.len);
	}
	buf_free(&o);
	return done;
}

/* One input line through the script. */
static void sed_line(struct sed *s, const char *l, size_t n, bool last)
{
	struct buf ps;
	bool del = false;
	int i;

	s->line++;
	sh_buf_init(s->sh, &ps, CAP_SH_OUTPUT);
	(void)buf_add(&ps, l, n);
	for (i = 0; i < s->n && !del && !s->quit; i++) {
		struct sed_cmd *c = &s->c[i];
		char num[24];
		size_t k;
		int j;

		if (!cmd_hit(s, c, ps.p ? ps.p : "", ps.len, last))
			continue;
		switch (c->cmd) {
		case 's':
			if (sed_subst(s, c, &ps) && c->print) {
				sed_put(s, ps.p, ps.len);
				sed_put(s, "\n", 1);
			}
			break;
		case 'y':
			for (k = 0; k < ps.len; k++)
				for (j = 0; j < c->ny; j++)
					if ((uint8_t)ps.p[k] == c->from[j]) {
						ps.p[k] = (char)c->to[j];
						break;
					}
			break;
		case 'p':
			sed_put(s, ps.p, ps.len);
			sed_put(s, "\n", 1);
			break;
		case 'd':
			del = true;
			break;
		case 'q':
			s->quit = true;
			break;
		case '=':
			snprintf(num, sizeof num, "%lu\n", s->line);
			sh_write(s->sh, s->io, 1, num, strlen(num));
			break;
		}
	}
	if (!del && !s->quiet) {
		sed_put(s, ps.p, ps.len);
		sed_put(s, "\n", 1);
	}
	buf_free(&ps);
}

static void sed_text(struct sed *s, const uint8_t *d, size_t n)
{
	size_t st = 0;

	while (st < n && !s->quit && !s->sh->stop) {
		const uint8_t *e = memchr(d + st, '\n', n - st);
		size_t k = e ? (size_t)(e - d) : n;

		if (!sh_work(s->sh, k - st + 16))
			return;
		sed_line(s, (const char *)d + st, k - st, k + 1 >= n);
		st = k + 1;
	}
}

int ap_sed(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct sed *s = calloc(1, sizeof *s);
	struct buf script, tmp;
	char *files[CAP_SH_WORDS];
	int a, nf = 0, i, rc = 0;
	bool inplace = false, have_e = false;

	if (!s) {
		sh_err(sh, io, "out of memory");
		return 1;
	}
	s->sh = sh;
	s->io = io;
	sh_buf_init(sh, &script, CAP_LINE * 4);
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-' || !o[1]) {
			if (!have_e) {
				(void)buf_adds(&script, o);
				have_e = true;
			} else {
				files[nf++] = argv[a];
			}
			continue;
		}
		if (strcmp(o, "-e") == 0 && a + 1 < argc) {
			if (script.len)
				(void)buf_addc(&script, '\n');
			(void)buf_adds(&script, argv[++a]);
			have_e = true;
			continue;
		}
		for (o++; *o; o++) {
			if (*o == 'n')
				s->quiet = true;
			else if (*o == 'i') {
				inplace = true;
				break; /* -iSFX: the backup suffix is not kept */
			} else if (*o != 'r' && *o != 'E') {
				ap_err(sh, io, "sed", "invalid option -- '%c'", *o);
				rc = ap_usage(sh, io, "sed");
				goto out;
			}
		}
	}
	if (!have_e) {
		rc = ap_usage(sh, io, "sed");
		goto out;
	}
	if (sed_parse(s, script.p ? script.p : "")) {
		rc = 1;
		goto out;
	}
	for (i = 0; i < (nf ? nf : 1) && !s->quit; i++) {
		const uint8_t *d;
		size_t n;
		struct buf nb;
		char abs[CAP_PATH];

		if (ap_filter_input(sh, io, "sed", nf ? files[i] : NULL, &d, &n, &tmp)) {
			rc = 2;
			continue;
		}
		if (!inplace || !nf) {
			sed_text(s, d, n);
			continue;
		}
		/* -i: the file gets the output */
		sh_buf_init(sh, &nb, CAP_SH_OUTPUT);
		s->out = &nb;
		s->line = 0;
		sed_text(s, d, n);
		s->out = NULL;
		if (!sh_path(sh, files[i], abs, sizeof abs) &&
		    vfs_write(sh->fs, abs, nb.p ? nb.p : "", nb.len, false) == 0)
			ap_capture(sh, abs, "sed");
		buf_free(&nb);
	}
out:
	sed_free(s);
	free(s);
	buf_free(&script);
	buf_free(&tmp);
	return rc;
}
