/* ap_expr.c — expr and printf, as BusyBox 1.35 evaluates and prints them
 * (tests/diff compares both with the real ones).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/applet.h"
#include "sh/bre.h"

/* ---------- expr ---------- */

struct xv {
	bool num;
	long long i;
	char *s; /* owned when !num */
};

struct xp {
	struct sh *sh;
	struct io *io;
	char **argv;
	int argc, pos;
	const char *err; /* the first error, ends the evaluation */
};

static struct xv xnum(long long i)
{
	struct xv v = {true, i, NULL};

	return v;
}

static struct xv xstr(struct xp *p, const char *s, size_t n)
{
	struct xv v = {false, 0, malloc(n + 1)};

	if (!v.s) {
		p->err = "out of memory";
		return xnum(0);
	}
	memcpy(v.s, s, n);
	v.s[n] = '\0';
	return v;
}

static void xfree(struct xv *v)
{
	if (!v->num)
		free(v->s);
	v->s = NULL;
}

static bool xnull(const struct xv *v)
{
	return v->num ? v->i == 0 : (v->s[0] == '\0' || strcmp(v->s, "0") == 0);
}

/* A string that is an integer (optional sign, digits only). */
static bool xtoint(const struct xv *v, long long *out)
{
	const char *s = v->s;
	char *end;

	if (v->num) {
		*out = v->i;
		return true;
	}
	if (*s == '-' || *s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoll(v->s, &end, 10);
	return !*end && !errno;
}

static const char *xpeek(const struct xp *p)
{
	return p->pos < p->argc ? p->argv[p->pos] : NULL;
}

static bool xis(const struct xp *p, const char *op)
{
	const char *t = xpeek(p);

	return t && strcmp(t, op) == 0;
}

static struct xv x_or(struct xp *p);

static struct xv x_match(struct xp *p, struct xv *l, struct xv *r)
{
	char lb[32], *s = l->s;
	struct bre re;
	struct bre_match m;
	unsigned long steps = 0;
	struct xv v;

	if (l->num) {
		snprintf(lb, sizeof lb, "%lld", l->i);
		s = lb;
	}
	if (r->num) {
		xfree(l);
		return xnum(0);
	}
	if (!bre_comp(&re, r->s, false)) {
		p->err = "syntax error";
		return xnum(0);
	}
	/* anchored at the start of the string */
	re.bol = true;
	if (!bre_exec(&re, s, strlen(s), 0, &m, &steps, 1000000)) {
		v = re.ngroups ? xstr(p, "", 0) : xnum(0);
	} else if (re.ngroups) {
		v = m.set[1] ? xstr(p, s + m.so[1], m.eo[1] - m.so[1]) : xstr(p, "", 0);
	} else {
		v = xnum((long long)(m.eo[0] - m.so[0]));
	}
	(void)sh_work(p->sh, steps);
	return v;
}

static struct xv x_prim(struct xp *p)
{
	const char *t = xpeek(p);

	if (!t) {
		p->err = "syntax error";
		return xnum(0);
	}
	p->pos++;
	if (strcmp(t, "(") == 0) {
		struct xv v = x_or(p);

		if (!xis(p, ")")) {
			xfree(&v);
			p->err = "syntax error";
			return xnum(0);
		}
		p->pos++;
		return v;
	}
	if (strcmp(t, "quote") == 0) {
		if (!xpeek(p)) {
			p->err = "syntax error";
			return xnum(0);
		}
		t = p->argv[p->pos++];
		return xstr(p, t, strlen(t));
	}
	if (strcmp(t, "length") == 0) {
		struct xv a = x_prim(p);
		long long n = a.num ? snprintf(NULL, 0, "%lld", a.i) : (long long)strlen(a.s);

		xfree(&a);
		return xnum(n);
	}
	if (strcmp(t, "match") == 0) {
		struct xv a = x_prim(p), b = x_prim(p), v = x_match(p, &a, &b);

		xfree(&a);
		xfree(&b);
		return v;
	}
	if (strcmp(t, "index") == 0) {
		struct xv a = x_prim(p), b = x_prim(p);
		long long r = 0;

		if (!a.num && !b.num) {
			size_t k = strcspn(a.s, b.s);

			r = a.s[k] ? (long long)k + 1 : 0;
		}
		xfree(&a);
		xfree(&b);
		return xnum(r);
	}
	if (strcmp(t, "substr") == 0) {
		struct xv s = x_prim(p), a = x_prim(p), b = x_prim(p), v;
		long long pos, len;
		size_t sl = s.num ? 0 : strlen(s.s);

		if (!s.num && xtoint(&a, &pos) && xtoint(&b, &len) && pos >= 1 &&
		    (size_t)pos <= sl && len >= 1) {
			size_t l = (size_t)len < sl - (size_t)(pos - 1) ? (size_t)len
									: sl - (size_t)(pos - 1);

			v = xstr(p, s.s + pos - 1, l);
		} else {
			v = xstr(p, "", 0);
		}
		xfree(&s);
		xfree(&a);
		xfree(&b);
		return v;
	}
	return xstr(p, t, strlen(t));
}

static struct xv x_colon(struct xp *p)
{
	struct xv l = x_prim(p);

	while (!p->err && xis(p, ":")) {
		struct xv r, v;

		p->pos++;
		r = x_prim(p);
		v = x_match(p, &l, &r);
		xfree(&l);
		xfree(&r);
		l = v;
	}
	return l;
}

static struct xv x_arith(struct xp *p, int level)
{
	static const char *const ops[2][3] = {{"*", "/", "%"}, {"+", "-", NULL}};
	struct xv l = level ? x_arith(p, 0) : x_colon(p);

	while (!p->err) {
		const char *t = xpeek(p);
		int op = -1, k;
		long long a, b, r = 0;
		struct xv rv;

		for (k = 0; t && k < 3; k++)
			if (ops[level][k] && strcmp(t, ops[level][k]) == 0)
				op = k;
		if (op < 0)
			break;
		p->pos++;
		rv = level ? x_arith(p, 0) : x_colon(p);
		if (!p->err && (!xtoint(&l, &a) || !xtoint(&rv, &b)))
			p->err = "non-numeric argument";
		if (!p->err) {
			if (level)
				r = op == 0 ? a + b : a - b;
			else if (op && b == 0)
				p->err = "division by zero";
			else
				r = op == 0 ? a * b : op == 1 ? a / b : a % b;
		}
		xfree(&l);
		xfree(&rv);
		l = xnum(r);
	}
	return l;
}

static struct xv x_cmp(struct xp *p)
{
	static const char *const ops[] = {"<", "<=", "=", "==", "!=", ">=", ">"};
	struct xv l = x_arith(p, 1);

	while (!p->err) {
		const char *t = xpeek(p);
		size_t k, op = sizeof ops / sizeof ops[0];
		long long a, b;
		int c;
		struct xv r;

		for (k = 0; t && k < sizeof ops / sizeof ops[0]; k++)
			if (strcmp(t, ops[k]) == 0)
				op = k;
		if (op == sizeof ops / sizeof ops[0])
			break;
		p->pos++;
		r = x_arith(p, 1);
		if (xtoint(&l, &a) && xtoint(&r, &b)) {
			c = a < b ? -1 : a > b;
		} else {
			char lb[32], rb[32];

			if (l.num)
				snprintf(lb, sizeof lb, "%lld", l.i);
			if (r.num)
				snprintf(rb, sizeof rb, "%lld", r.i);
			c = strcmp(l.num ? lb : l.s, r.num ? rb : r.s);
		}
		xfree(&l);
		xfree(&r);
		l = xnum(op == 0   ? c < 0
			 : op == 1 ? c <= 0
			 : op <= 3 ? c == 0
			 : op == 4 ? c != 0
			 : op == 5 ? c >= 0
				   : c > 0);
	}
	return l;
}

static struct xv x_and(struct xp *p)
{
	struct xv l = x_cmp(p);

	while (!p->err && xis(p, "&")) {
		struct xv r;

		p->pos++;
		r = x_cmp(p);
		if (xnull(&l) || xnull(&r)) {
			xfree(&l);
			l = xnum(0);
		}
		xfree(&r);
	}
	return l;
}

static struct xv x_or(struct xp *p)
{
	struct xv l = x_and(p);

	while (!p->err && xis(p, "|")) {
		struct xv r;

		p->pos++;
		r = x_and(p);
		if (xnull(&l)) {
			xfree(&l);
			l = xnull(&r) ? xnum(0) : r;
			if (l.num && !r.num)
				xfree(&r);
		} else {
			xfree(&r);
		}
	}
	return l;
}

int ap_expr(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct xp p = {sh, io, argv, argc, 1, NULL};
	struct xv v;
	int s;

	if (argc < 2) {
		ap_err(sh, io, "expr", "too few arguments");
		return 2;
	}
	v = x_or(&p);
	if (!p.err && p.pos != argc)
		p.err = "syntax error";
	if (p.err) {
		xfree(&v);
		ap_err(sh, io, "expr", "%s", p.err);
		return 2;
	}
	if (v.num)
		sh_printf(sh, io, 1, "%lld\n", v.i);
	else
		sh_printf(sh, io, 1, "%s\n", v.s);
	s = xnull(&v);
	xfree(&v);
	return s;
}

/* ---------- printf (an ash builtin in 1.35: errors say "sh:") ---------- */

/* One escape at *pp (after the backslash): its byte, or -1 for \c (the
 * output ends there, in the format as in %b). */
static int pf_escape(const char **pp, bool b_mode)
{
	if (**pp == 'c') {
		(*pp)++;
		return -1;
	}
	return ap_escape(pp, b_mode);
}

struct pf {
	struct sh *sh;
	struct io *io;
	char **args;
	int nargs, used;
	int status;
	bool stop; /* \c */
};

static const char *pf_arg(struct pf *f)
{
	return f->used < f->nargs ? f->args[f->used++] : NULL;
}

static long long pf_num(struct pf *f, const char *a, bool *uns)
{
	char *end;
	long long v;

	if (!a)
		return 0;
	if (a[0] == '\'' || a[0] == '"')
		return (unsigned char)a[1];
	errno = 0;
	v = (*uns && a[0] != '-') ? (long long)strtoull(a, &end, 0) : strtoll(a, &end, 0);
	if (end == a || *end || errno) {
		sh_printf(f->sh, f->io, 2, "sh: invalid number '%s'\n", a);
		f->status = 1;
	}
	return v;
}

/* The conversions below pass a format rebuilt from a checked spec: flags
 * from "-+ #0", a bounded width and precision, one known conversion. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* One conversion spec[0..n) ("%-5d"), its argument taken from f. */
static void pf_conv(struct pf *f, const char *spec, size_t n)
{
	char fmt[48], buf[4200];
	char conv = spec[n - 1];
	const char *a, *q = spec + 1;
	unsigned long w = 0, pr = 0;
	bool has_pr = false;
	size_t k = 1;
	int len;

	/* the spec again, its width and precision bounded (4096) */
	fmt[0] = '%';
	while (strchr("-+ #0", *q) && k < 8)
		fmt[k++] = *q++;
	while (*q >= '0' && *q <= '9')
		w = w < 100000 ? w * 10 + (unsigned long)(*q++ - '0') : (q++, w);
	if (*q == '.') {
		has_pr = true;
		for (q++; *q >= '0' && *q <= '9'; q++)
			pr = pr < 100000 ? pr * 10 + (unsigned long)(*q - '0') : pr;
	}
	if (w)
		k += (size_t)snprintf(fmt + k, sizeof fmt - k, "%lu", w > 4096 ? 4096 : w);
	if (has_pr)
		k += (size_t)snprintf(fmt + k, sizeof fmt - k, ".%lu", pr > 4096 ? 4096 : pr);
	fmt[k] = '\0';
	switch (conv) {
	case 's':
	case 'b':
		a = pf_arg(f);
		if (!a)
			a = "";
		if (conv == 'b') {
			char *o = buf;

			while (*a && o < buf + sizeof buf - 1) {
				int c =
				    *a == '\\' ? (a++, pf_escape(&a, true)) : (unsigned char)*a++;

				if (c < 0) {
					f->stop = true;
					break;
				}
				*o++ = (char)c;
			}
			*o = '\0';
			a = buf;
		}
		fmt[k] = 's';
		fmt[k + 1] = '\0';
		len = snprintf(NULL, 0, fmt, a);
		if (len > 0) {
			char *out = malloc((size_t)len + 1);

			if (out) {
				snprintf(out, (size_t)len + 1, fmt, a);
				sh_write(f->sh, f->io, 1, out, (size_t)len);
				free(out);
			}
		}
		return;
	case 'c':
		a = pf_arg(f);
		fmt[k] = 'c';
		fmt[k + 1] = '\0';
		len = snprintf(buf, sizeof buf, fmt, a ? a[0] : 0);
		break;
	case 'd':
	case 'i':
	case 'u':
	case 'o':
	case 'x':
	case 'X': {
		bool uns = conv != 'd' && conv != 'i';
		long long v = pf_num(f, pf_arg(f), &uns);
		size_t l = strlen(fmt);

		fmt[l] = 'l';
		fmt[l + 1] = 'l';
		fmt[l + 2] = conv;
		fmt[l + 3] = '\0';
		len = snprintf(buf, sizeof buf, fmt, v);
		break;
	}
	case 'f':
	case 'e':
	case 'E':
	case 'g':
	case 'G': {
		/* no floating point in the device's libc build: fixed point
		 * (%e and %g are printed as %f, trailing zeros cut for %g) */
		const char *s = pf_arg(f), *end = "";
		int p = has_pr ? (pr > 9 ? 9 : (int)pr) : 6, l;
		long long v = 0;
		char num[64], pad[8];

		if (s && (!ap_parse_fixed(s, p, &v, &end) || *end)) {
			sh_printf(f->sh, f->io, 2, "sh: invalid number '%s'\n", s);
			f->status = 1;
		}
		l = ap_fmt_fixed(num, sizeof num, v, p);
		if ((conv == 'g' || conv == 'G') && strchr(num, '.')) {
			while (l > 0 && num[l - 1] == '0')
				num[--l] = '\0';
			if (l > 0 && num[l - 1] == '.')
				num[--l] = '\0';
		}
		snprintf(pad, sizeof pad, "%%%s%lus", strchr(fmt, '-') ? "-" : "",
			 w > 4096 ? 4096UL : w);
		len = snprintf(buf, sizeof buf, pad, num);
		break;
	}
	default:
		return;
	}
	if (len > 0)
		sh_write(f->sh, f->io, 1, buf,
			 (size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1);
}

#pragma GCC diagnostic pop

int ap_printf(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct pf f = {sh, io, argv + 2, argc - 2, 0, 0, false};
	const char *fmt;

	if (argc < 2) {
		sh_puts(sh, io, 2, "sh: usage: printf FORMAT [ARGUMENT...]\n");
		return 2;
	}
	fmt = argv[1];
	do {
		const char *p = fmt;
		int before = f.used;

		while (*p && !f.stop && !sh->stop) {
			if (*p == '\\') {
				int c;

				p++;
				c = pf_escape(&p, false);
				if (c < 0) {
					f.stop = true;
					break;
				}
				{
					char ch = (char)c;

					sh_write(sh, io, 1, &ch, 1);
				}
				continue;
			}
			if (*p == '%' && p[1] == '%') {
				sh_write(sh, io, 1, "%", 1);
				p += 2;
				continue;
			}
			if (*p == '%') {
				const char *q = p + 1;

				while (*q && strchr("-+ #0", *q))
					q++;
				while (*q >= '0' && *q <= '9')
					q++;
				if (*q == '.')
					for (q++; *q >= '0' && *q <= '9'; q++)
						;
				if (*q && strchr("sbcdiouxXfeEgG", *q)) {
					pf_conv(&f, p, (size_t)(q - p) + 1);
					p = q + 1;
					continue;
				}
				sh_printf(sh, io, 2, "sh: %s: invalid format\n", p);
				return 1;
			}
			{
				const char *e = p;

				while (*e && *e != '\\' && *e != '%')
					e++;
				sh_write(sh, io, 1, p, (size_t)(e - p));
				p = e;
			}
		}
		if (f.used == before || !sh_work(sh, 64))
			break;
	} while (f.used < f.nargs && !f.stop && !sh->stop);
	return f.status;
}
