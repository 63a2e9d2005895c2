/* expand.c — word expansion: $VAR and the special parameters, $(…) and
 * backticks (run through sh_run), quotes, field splitting and globbing
 * against the vfs. Words are expanded when their command runs, so loops
 * see fresh values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/arith.h"
#include "sh/expand.h"

/* Charges n bytes to a's account; false (the list is full) at its cap. */
static bool argvb_charge(struct argvb *a, size_t n)
{
	if (!acct_take(a->mem, n)) {
		a->full = true;
		a->oom = true;
		return false;
	}
	a->charged += n;
	return true;
}

static void argvb_add(struct argvb *a, const char *s, size_t n)
{
	char *c;

	if (a->n >= CAP_SH_WORDS) {
		a->full = true;
		return;
	}
	if (a->n + 1 >= a->cap) {
		int nc = a->cap ? a->cap * 2 : 8;
		char **nv;

		if (!argvb_charge(a, (size_t)(nc - a->cap) * sizeof *nv))
			return;
		nv = realloc(a->v, (size_t)nc * sizeof *nv);
		if (!nv) {
			a->full = true;
			return;
		}
		a->v = nv;
		a->cap = nc;
	}
	if (!argvb_charge(a, n + 1))
		return;
	c = malloc(n + 1);
	if (!c) {
		a->full = true;
		return;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	a->v[a->n++] = c;
	a->v[a->n] = NULL;
}

void argvb_free(struct argvb *a)
{
	int i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	acct_give(a->mem, a->charged);
	a->charged = 0;
	a->v = NULL;
	a->n = a->cap = 0;
}

struct xstate {
	struct sh *sh;
	struct io *io;
	int depth;
	bool split; /* field splitting and globbing */
	struct buf cur, pat;
	bool have, glob;
	struct argvb *out;
};

static bool is_glob_char(char c)
{
	return c == '*' || c == '?' || c == '[';
}

static void xs_addc(struct xstate *x, char c, bool quoted)
{
	(void)buf_addc(&x->cur, c);
	if (quoted && (is_glob_char(c) || c == '\\'))
		(void)buf_addc(&x->pat, '\\');
	(void)buf_addc(&x->pat, c);
	if (!quoted && is_glob_char(c))
		x->glob = true;
	x->have = true;
}

/* Matches a glob pattern (with backslash escapes) against a name. */
static bool glob_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;
	unsigned guard = 0;

	while (*s) {
		if (++guard > 100000)
			return false;
		if (*p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (*p == '?') {
			p++;
			s++;
			continue;
		}
		if (*p == '[') {
			const char *q = p + 1;
			bool neg = false, ok = false;

			if (*q == '!' || *q == '^') {
				neg = true;
				q++;
			}
			while (*q && (*q != ']' || q == p + 1 + neg)) {
				if (q[1] == '-' && q[2] && q[2] != ']') {
					if ((unsigned char)*s >= (unsigned char)q[0] &&
					    (unsigned char)*s <= (unsigned char)q[2])
						ok = true;
					q += 3;
				} else {
					if (*q == *s)
						ok = true;
					q++;
				}
			}
			if (*q == ']' && ok != neg) {
				p = q + 1;
				s++;
				continue;
			}
			if (*q != ']' && *p == *s) { /* no closing ']' */
				p++;
				s++;
				continue;
			}
		} else {
			char c = *p;

			if (c == '\\' && p[1])
				c = *++p;
			if (c && c == *s) {
				p++;
				s++;
				continue;
			}
		}
		if (!star_p)
			return false;
		p = star_p;
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

struct globctx {
	const char *pat;
	const char *prefix;
	struct argvb *out;
	int added;
};

static void glob_fn(void *ctx, const char *name)
{
	struct globctx *g = ctx;
	char full[CAP_PATH * 2];

	if (name[0] == '.' && g->pat[0] != '.')
		return;
	if (!glob_match(g->pat, name))
		return;
	snprintf(full, sizeof full, "%s%s", g->prefix, name);
	argvb_add(g->out, full, strlen(full));
	g->added++;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Globs the last component only; false if nothing matched. */
static bool do_glob(struct xstate *x)
{
	const char *pat = x->pat.p ? x->pat.p : "";
	const char *slash = strrchr(pat, '/');
	char dir[CAP_PATH], prefix[CAP_PATH], abs[CAP_PATH];
	struct globctx g;
	size_t i, k = 0;
	int first = x->out->n;

	if (slash) {
		size_t n = (size_t)(slash - pat) + 1;

		if (n >= sizeof prefix)
			return false;
		/* the directory part must be literal */
		for (i = 0; i < n; i++) {
			if (pat[i] == '\\' && i + 1 < n) {
				prefix[k++] = pat[++i];
				continue;
			}
			if (is_glob_char(pat[i]))
				return false;
			prefix[k++] = pat[i];
		}
		prefix[k] = '\0';
		snprintf(dir, sizeof dir, "%s", prefix);
		pat = slash + 1;
	} else {
		prefix[0] = '\0';
		snprintf(dir, sizeof dir, ".");
	}
	if (sh_path(x->sh, dir, abs, sizeof abs))
		return false;
	g.pat = pat;
	g.prefix = prefix;
	g.out = x->out;
	g.added = 0;
	vfs_list(x->sh->fs, abs, glob_fn, &g);
	if (g.added > 1)
		qsort(x->out->v + first, (size_t)g.added, sizeof(char *), str_cmp);
	return g.added > 0;
}

static void xs_finish(struct xstate *x)
{
	if (!x->have)
		return;
	if (!(x->split && x->glob && do_glob(x)))
		argvb_add(x->out, x->cur.p ? x->cur.p : "", x->cur.len);
	buf_reset(&x->cur);
	buf_reset(&x->pat);
	x->have = false;
	x->glob = false;
}

/* Adds expansion text; unquoted text is split on IFS whitespace. */
static void xs_addtext(struct xstate *x, const char *s, size_t n, bool quoted)
{
	size_t i;

	if (quoted) {
		x->have = true;
		for (i = 0; i < n; i++)
			xs_addc(x, s[i], true);
		return;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (x->split && (c == ' ' || c == '\t' || c == '\n')) {
			xs_finish(x);
			continue;
		}
		xs_addc(x, c, false);
		if (!x->split && is_glob_char(c))
			x->glob = false;
	}
}

/* Runs a command substitution and returns its output (trailing newlines
 * stripped) in out. */
static void cmdsubst(struct xstate *x, const char *src, size_t n, struct buf *out)
{
	struct io sub = *x->io;
	bool saved_stop = x->sh->stop;

	if (x->depth + 1 > CAP_SH_DEPTH)
		return;
	sub.out[1].kind = SINK_BUF;
	sub.out[1].b = out;
	sub.out_path = NULL;
	x->sh->status = sh_run(x->sh, &sub, src, n, x->depth + 1, NULL);
	if (x->sh->exit_req) {
		x->sh->exit_req = false;
		x->sh->stop = saved_stop;
	}
	while (out->len && out->p[out->len - 1] == '\n')
		out->p[--out->len] = '\0';
}

static void backtick(struct xstate *x, const char *s, size_t n, bool quoted)
{
	struct buf src, out;
	size_t i;

	sh_buf_init(x->sh, &src, CAP_LINE * 4);
	sh_buf_init(x->sh, &out, CAP_SH_OUTPUT);
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n &&
		    (s[i + 1] == '`' || s[i + 1] == '\\' || s[i + 1] == '$')) {
			i++;
		}
		(void)buf_addc(&src, s[i]);
	}
	cmdsubst(x, src.p ? src.p : "", src.len, &out);
	xs_addtext(x, out.p ? out.p : "", out.len, quoted);
	buf_free(&src);
	buf_free(&out);
}

/* An error of expansion as ash raises it: the message, and the line (or
 * the script or sh -c running) stops with status 2. */
static void xs_fail(struct xstate *x, const char *msg)
{
	struct sh *sh = x->sh;

	if (sh->stop)
		return;
	sh_err(sh, x->io, "%s", msg);
	sh->stop = true;
	sh->err_abort = true;
	sh->status = 2;
	if (sh->nscript > 0)
		sh->exit_req = true;
}

static void dollar(struct xstate *x, const char *s, size_t n, size_t *i, bool quoted);

/* $(( … )): the text between the parentheses has its $… and `…`
 * expanded, then is evaluated. */
static void arith(struct xstate *x, const char *s, size_t n, bool quoted)
{
	struct xstate y;
	struct argvb none = {0};
	size_t i = 0;
	const char *err = NULL;
	int64_t v = 0;
	char num[24];

	memset(&y, 0, sizeof y);
	y.sh = x->sh;
	y.io = x->io;
	y.depth = x->depth;
	y.out = &none;
	sh_buf_init(x->sh, &y.cur, CAP_LINE * 4);
	sh_buf_init(x->sh, &y.pat, CAP_LINE * 8);
	while (i < n && !x->sh->stop) {
		if (s[i] == '$') {
			dollar(&y, s, n, &i, true);
		} else if (s[i] == '`') {
			size_t b = i;

			if (!lex_skip_until(s, n, &b, '`', true))
				b = n;
			backtick(&y, s + i + 1, b > i + 1 ? b - i - 2 : 0, true);
			i = b;
		} else {
			xs_addc(&y, s[i++], true);
		}
	}
	if (!x->sh->stop && arith_eval(x->sh, y.cur.p ? y.cur.p : "", &v, &err))
		xs_fail(x, err);
	buf_free(&y.cur);
	buf_free(&y.pat);
	argvb_free(&none);
	if (x->sh->stop)
		return;
	snprintf(num, sizeof num, "%lld", (long long)v);
	xs_addtext(x, num, strlen(num), quoted);
}

/* ------------------------------------------------------------------ */
/* ${…}                                                                */

/* A parameter's value; *set false when unset. tmp holds computed ones. */
static const char *param_value(struct sh *sh, const char *name, struct buf *tmp, bool *set)
{
	char num[24];
	int a;

	*set = true;
	if (sh_name_start(name[0])) {
		const char *v = sh_getvar(sh, name);

		*set = v != NULL;
		return v ? v : "";
	}
	if (name[0] >= '0' && name[0] <= '9') {
		long idx = strtol(name, NULL, 10);

		if (idx == 0)
			return sh->pargc > 0 ? sh->pargv[0] : sh_argv0(sh);
		*set = idx < sh->pargc;
		return *set ? sh->pargv[idx] : "";
	}
	switch (name[0]) {
	case '?':
		snprintf(num, sizeof num, "%d", sh->status);
		break;
	case '$':
		snprintf(num, sizeof num, "%u", (unsigned)sh->pid);
		break;
	case '-':
		/* an interactive login ash: -s -m -i */
		return sh->nscript == 0 ? "smi" : "";
	case '#':
		snprintf(num, sizeof num, "%d", sh->pargc > 0 ? sh->pargc - 1 : 0);
		break;
	case '@':
	case '*':
		for (a = 1; a < sh->pargc; a++) {
			if (a > 1)
				(void)buf_addc(tmp, ' ');
			(void)buf_adds(tmp, sh->pargv[a]);
		}
		*set = sh->pargc > 1;
		return tmp->p ? tmp->p : "";
	default:
		*set = name[0] == '-';
		return "";
	}
	(void)buf_adds(tmp, num);
	return tmp->p ? tmp->p : "";
}

/* Expands s[0..n) (the word of ${x-word}) into x; inq: inside "…". */
static void expand_span(struct xstate *x, const char *s, size_t n, bool inq)
{
	size_t i = 0;
	bool q = inq;

	while (i < n && !x->sh->stop) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			if (q && !strchr("$`\"\\\n", s[i + 1]))
				xs_addc(x, c, true);
			xs_addc(x, s[i + 1], true);
			i += 2;
		} else if (c == '\'' && !q) {
			size_t e = i + 1;

			x->have = true;
			while (e < n && s[e] != '\'')
				xs_addc(x, s[e++], true);
			i = e + 1;
		} else if (c == '"') {
			q = !q;
			x->have = true;
			i++;
		} else if (c == '$') {
			dollar(x, s, n, &i, q);
		} else if (c == '`') {
			size_t b = i;

			if (!lex_skip_until(s, n, &b, '`', true))
				b = n;
			backtick(x, s + i + 1, b > i + 1 ? b - i - 2 : 0, q);
			i = b;
		} else {
			xs_addc(x, c, q);
			i++;
		}
	}
}

/* The word expanded to one string (val) and as a pattern (pat: quoted
 * glob characters escaped). Both freed by the caller. */
static void span_string(struct xstate *x, const char *s, size_t n, bool inq, struct buf *val,
			struct buf *pat)
{
	struct xstate y;
	struct argvb none = {0};

	memset(&y, 0, sizeof y);
	y.sh = x->sh;
	y.io = x->io;
	y.depth = x->depth;
	y.out = &none;
	sh_buf_init(x->sh, &y.cur, CAP_LINE * 4);
	sh_buf_init(x->sh, &y.pat, CAP_LINE * 8);
	expand_span(&y, s, n, inq);
	*val = y.cur;
	*pat = y.pat;
	argvb_free(&none);
}

/* Glob pattern p against s[0..n); *budget bounds the work of one ${…}. */
static bool pat_match(const char *p, const char *s, size_t n, unsigned long *budget)
{
	const char *star_p = NULL;
	size_t i = 0, star_i = 0;

	while (i < n) {
		if (*budget == 0)
			return false;
		(*budget)--;
		if (*p == '*') {
			star_p = ++p;
			star_i = i;
			continue;
		}
		if (*p == '?') {
			p++;
			i++;
			continue;
		}
		if (*p == '[') {
			const char *q = p + 1;
			bool neg = false, ok = false;

			if (*q == '!' || *q == '^') {
				neg = true;
				q++;
			}
			while (*q && (*q != ']' || q == p + 1 + neg)) {
				if (q[1] == '-' && q[2] && q[2] != ']') {
					if ((unsigned char)s[i] >= (unsigned char)q[0] &&
					    (unsigned char)s[i] <= (unsigned char)q[2])
						ok = true;
					q += 3;
				} else {
					if (*q == s[i])
						ok = true;
					q++;
				}
			}
			if (*q == ']' && ok != neg) {
				p = q + 1;
				i++;
				continue;
			}
			if (*q != ']' && *p == s[i]) {
				p++;
				i++;
				continue;
			}
		} else {
			char c = *p;

			if (c == '\\' && p[1])
				c = *++p;
			if (c && c == s[i]) {
				p++;
				i++;
				continue;
			}
		}
		if (!star_p)
			return false;
		p = star_p;
		i = ++star_i;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* ${x#p} ${x##p} ${x%p} ${x%%p} into out. */
static void trim(const char *v, const char *pat, char op, bool longest, struct buf *out)
{
	size_t n = strlen(v), k;
	unsigned long budget = 4000000;

	for (k = 0; k <= n; k++) {
		size_t len = longest ? n - k : k;

		if (op == '#' ? pat_match(pat, v, len, &budget)
			      : pat_match(pat, v + n - len, len, &budget)) {
			if (op == '#')
				(void)buf_add(out, v + len, n - len);
			else
				(void)buf_add(out, v, n - len);
			return;
		}
	}
	(void)buf_add(out, v, n);
}

/* ${x/p/r} ${x//p/r}: the longest match at the first (every) place. */
static void replace(const char *v, const char *pat, const char *rep, bool all, struct buf *out)
{
	size_t n = strlen(v), i = 0, len;
	unsigned long budget = 4000000;
	bool done = false;

	while (i < n) {
		bool hit = false;

		if (!done && pat[0]) {
			for (len = n - i; len > 0; len--)
				if (pat_match(pat, v + i, len, &budget)) {
					hit = true;
					break;
				}
		}
		if (hit) {
			(void)buf_adds(out, rep);
			i += len;
			done = !all;
			continue;
		}
		(void)buf_addc(out, v[i++]);
	}
}

/* ${x:off} ${x:off:len} (offsets are arithmetic). */
static void substr(struct xstate *x, const char *v, const char *spec, struct buf *out)
{
	char a[CAP_PATH];
	const char *colon = strchr(spec, ':'), *err = NULL;
	size_t an = colon ? (size_t)(colon - spec) : strlen(spec), n = strlen(v);
	int64_t off = 0, len = (int64_t)n;

	if (an >= sizeof a)
		an = sizeof a - 1;
	memcpy(a, spec, an);
	a[an] = '\0';
	if (arith_eval(x->sh, a, &off, &err) ||
	    (colon && arith_eval(x->sh, colon + 1, &len, &err))) {
		xs_fail(x, err);
		return;
	}
	if (off < 0)
		off = (int64_t)n + off < 0 ? 0 : (int64_t)n + off;
	if (off > (int64_t)n)
		off = (int64_t)n;
	if (len < 0)
		len = (int64_t)n - off + len < 0 ? 0 : (int64_t)n - off + len;
	if (len > (int64_t)n - off)
		len = (int64_t)n - off;
	(void)buf_add(out, v + off, (size_t)len);
}

/* ${…} at s[*i] == '$'. A plain ${name} leaves its name in name and
 * returns false (dollar() expands it); otherwise expands it into x. */
static bool brace(struct xstate *x, const char *s, size_t n, size_t *i, bool quoted, char *name,
		  size_t namesz)
{
	size_t e = *i + 1, c = *i + 2, k = 0;
	bool len_of = false, colon = false, set, use;
	char op;
	struct buf tmp, res, own, wv, wp;
	const char *v;

	if (!lex_skip_brace(s, n, &e)) {
		xs_fail(x, "syntax error: missing '}'");
		*i = n;
		return true;
	}
	*i = e;
	e--; /* at the '}' */
	if (c < e && s[c] == '#' && c + 1 < e) {
		len_of = true;
		c++;
	}
	if (c < e && sh_name_start(s[c])) {
		while (c < e && sh_name_char(s[c]) && k + 1 < namesz)
			name[k++] = s[c++];
	} else if (c < e && s[c] >= '0' && s[c] <= '9') {
		while (c < e && s[c] >= '0' && s[c] <= '9' && k + 1 < namesz)
			name[k++] = s[c++];
	} else if (c < e && strchr("@*#?-$!", s[c])) {
		name[k++] = s[c++];
	}
	name[k] = '\0';
	if (!k || (len_of && c != e)) {
		xs_fail(x, "syntax error: bad substitution");
		return true;
	}
	if (c == e && !len_of)
		return false;
	sh_buf_init(x->sh, &tmp, CAP_LINE * 4);
	sh_buf_init(x->sh, &res, CAP_LINE * 4);
	sh_buf_init(x->sh, &own, CAP_SH_OUTPUT);
	v = param_value(x->sh, name, &tmp, &set);
	/* v may point into the variable's own storage, and the operand words
	 * below are expanded first — $((x=…)), $(…), ${x=…} can replace the
	 * variable and free it: work on a copy (a use-after-free found by
	 * fuzz_sh). */
	if (v && v != tmp.p) {
		if (buf_adds(&own, v)) {
			xs_fail(x, "out of memory");
			goto out;
		}
		v = own.p ? own.p : "";
	}
	if (len_of) {
		char num[24];

		snprintf(num, sizeof num, "%zu", strlen(v));
		xs_addtext(x, num, strlen(num), quoted);
		goto out;
	}
	op = s[c++];
	if (op == ':' && c < e && strchr("-=+?", s[c])) {
		colon = true;
		op = s[c++];
	} else if (op == ':' && c == e) {
		xs_fail(x, "syntax error: missing '}'");
		goto out;
	}
	use = colon ? (!set || !*v) : !set;
	switch (op) {
	case '-':
	case '+':
		if (use == (op == '-'))
			expand_span(x, s + c, e - c, quoted);
		else
			xs_addtext(x, v, strlen(v), quoted);
		break;
	case '=':
	case '?':
		if (!use) {
			xs_addtext(x, v, strlen(v), quoted);
			break;
		}
		span_string(x, s + c, e - c, quoted, &wv, &wp);
		if (op == '=') {
			if (sh_name_start(name[0]))
				sh_setvar(x->sh, name, wv.p ? wv.p : "", false);
			xs_addtext(x, wv.p ? wv.p : "", wv.len, quoted);
		} else {
			(void)buf_adds(&res, name);
			(void)buf_adds(&res, ": ");
			(void)buf_adds(&res, wv.len  ? wv.p
					     : colon ? "parameter not set or null"
						     : "parameter not set");
			xs_fail(x, res.p ? res.p : "");
		}
		buf_free(&wv);
		buf_free(&wp);
		break;
	case '#':
	case '%': {
		bool longest = c < e && s[c] == op;

		span_string(x, s + c + longest, e - c - longest, quoted, &wv, &wp);
		trim(v, wp.p ? wp.p : "", op, longest, &res);
		xs_addtext(x, res.p ? res.p : "", res.len, quoted);
		buf_free(&wv);
		buf_free(&wp);
		break;
	}
	case '/': {
		bool all = c < e && s[c] == '/';
		size_t p0 = c + all, p1 = p0;
		struct buf rv, rp;

		while (p1 < e && s[p1] != '/') {
			if (s[p1] == '\\')
				p1++;
			p1++;
		}
		if (p1 > e)
			p1 = e;
		span_string(x, s + p0, p1 - p0, quoted, &wv, &wp);
		span_string(x, s + (p1 < e ? p1 + 1 : e), p1 < e ? e - p1 - 1 : 0, quoted, &rv,
			    &rp);
		replace(v, wp.p ? wp.p : "", rv.p ? rv.p : "", all, &res);
		xs_addtext(x, res.p ? res.p : "", res.len, quoted);
		buf_free(&wv);
		buf_free(&wp);
		buf_free(&rv);
		buf_free(&rp);
		break;
	}
	case ':': {
		span_string(x, s + c, e - c, quoted, &wv, &wp);
		substr(x, v, wv.p ? wv.p : "", &res);
		if (!x->sh->stop)
			xs_addtext(x, res.p ? res.p : "", res.len, quoted);
		buf_free(&wv);
		buf_free(&wp);
		break;
	}
	default:
		xs_fail(x, "syntax error: bad substitution");
		break;
	}
out:
	buf_free(&tmp);
	buf_free(&res);
	buf_free(&own);
	return true;
}

/* Expands "$…" at s[*i] (the '$'); *i moves past it. */
static void dollar(struct xstate *x, const char *s, size_t n, size_t *i, bool quoted)
{
	struct sh *sh = x->sh;
	char name[64], num[24];
	const char *val = NULL;
	size_t j = *i + 1, k = 0;

	if (j >= n) {
		xs_addc(x, '$', true);
		*i = j;
		return;
	}
	if (s[j] == '(') {
		size_t e = j;
		struct buf out;

		if (!lex_skip_paren(s, n, &e)) {
			*i = n;
			return;
		}
		sh_buf_init(x->sh, &out, CAP_SH_OUTPUT);
		if (j + 1 < n && s[j + 1] == '(') {
			size_t e2 = j + 1;

			/* $(( is arithmetic: its inner '(' closes just before ours */
			if (lex_skip_paren(s, n, &e2) && e2 == e - 1)
				arith(x, s + j + 2, e - j - 4, quoted);
			else
				xs_fail(x, "syntax error: missing '))'");
		} else {
			cmdsubst(x, s + j + 1, e - j - 2, &out);
			xs_addtext(x, out.p ? out.p : "", out.len, quoted);
		}
		buf_free(&out);
		*i = e;
		return;
	}
	if (s[j] == '{') {
		if (brace(x, s, n, i, quoted, name, sizeof name))
			return;
	} else if (sh_name_start(s[j])) {
		while (j < n && sh_name_char(s[j]) && k < sizeof name - 1)
			name[k++] = s[j++];
		name[k] = '\0';
		while (j < n && sh_name_char(s[j]))
			j++;
		*i = j;
	} else {
		name[0] = s[j];
		name[1] = '\0';
		*i = j + 1;
		if (!s[j] || !strchr("?$#!0123456789@*-", s[j])) {
			xs_addc(x, '$', true);
			*i = j;
			return;
		}
	}
	if (strcmp(name, "?") == 0) {
		snprintf(num, sizeof num, "%d", sh->status);
		val = num;
	} else if (strcmp(name, "$") == 0) {
		snprintf(num, sizeof num, "%u", (unsigned)sh->pid);
		val = num;
	} else if (strcmp(name, "#") == 0) {
		snprintf(num, sizeof num, "%d", sh->pargc > 0 ? sh->pargc - 1 : 0);
		val = num;
	} else if (strcmp(name, "-") == 0) {
		val = sh->nscript == 0 ? "smi" : ""; /* an interactive login ash */
	} else if (strcmp(name, "0") == 0) {
		val = sh->pargc > 0 ? sh->pargv[0] : sh_argv0(sh);
	} else if (name[0] >= '1' && name[0] <= '9' && name[1] == '\0') {
		int idx = name[0] - '0';

		val = idx < sh->pargc ? sh->pargv[idx] : "";
	} else if (strcmp(name, "@") == 0 || strcmp(name, "*") == 0) {
		int a;

		for (a = 1; a < sh->pargc; a++) {
			if (a > 1 && quoted && x->split && name[0] == '@')
				xs_finish(x);
			else if (a > 1)
				xs_addtext(x, " ", 1, quoted);
			xs_addtext(x, sh->pargv[a], strlen(sh->pargv[a]), quoted);
		}
		return;
	} else if (strcmp(name, "!") == 0 || strcmp(name, "-") == 0) {
		val = "";
	} else {
		val = sh_getvar(sh, name);
	}
	if (val)
		xs_addtext(x, val, strlen(val), quoted);
}

/* ~user at the start of a word: the home directory /etc/passwd gives
 * it; returns how much of s it took (0: not a known user, left as is). */
static size_t tilde_user(struct xstate *x, const char *s, size_t n)
{
	const uint8_t *d;
	size_t dn, e = 1, k = 0;

	while (e < n && s[e] != '/') {
		if (!sh_name_char(s[e]) && s[e] != '-' && s[e] != '.')
			return 0;
		e++;
	}
	if (vfs_read(x->sh->fs, "/etc/passwd", &d, &dn))
		return 0;
	while (k < dn) {
		size_t ls = k, le = k, f = 0, p;

		while (le < dn && d[le] != '\n')
			le++;
		k = le + 1;
		if (le - ls <= e - 1 || memcmp(d + ls, s + 1, e - 1) || d[ls + e - 1] != ':')
			continue;
		/* the sixth field */
		for (p = ls; p < le && f < 5; p++)
			if (d[p] == ':')
				f++;
		if (f == 5) {
			size_t q = p;

			while (q < le && d[q] != ':')
				q++;
			xs_addtext(x, (const char *)d + p, q - p, true);
			return e;
		}
	}
	return 0;
}

/* Expands one raw word into x->out (several fields if splitting). */
static void expand_word(struct xstate *x, const struct word *w)
{
	const char *s = w->p;
	size_t n = w->n, i = 0;

	if (n && s[0] == '~' && (n == 1 || s[1] == '/')) {
		const char *home = sh_getvar(x->sh, "HOME");

		xs_addtext(x, home ? home : "/", strlen(home ? home : "/"), true);
		i = 1;
	} else if (n > 1 && s[0] == '~') {
		i = tilde_user(x, s, n);
	}
	while (i < n && !x->sh->stop) {
		char c = s[i];

		if (c == '\\') {
			if (i + 1 < n)
				xs_addc(x, s[i + 1], true);
			i += 2;
		} else if (c == '\'') {
			size_t e = i + 1;

			x->have = true;
			while (e < n && s[e] != '\'')
				xs_addc(x, s[e++], true);
			i = e + 1;
		} else if (c == '"') {
			size_t e = i + 1;

			x->have = true;
			while (e < n && s[e] != '"') {
				if (s[e] == '\\' && e + 1 < n && s[e + 1] &&
				    strchr("$`\"\\\n", s[e + 1])) {
					xs_addc(x, s[e + 1], true);
					e += 2;
				} else if (s[e] == '$') {
					dollar(x, s, n, &e, true);
				} else if (s[e] == '`') {
					size_t b = e;

					if (!lex_skip_until(s, n, &b, '`', true))
						b = n;
					backtick(x, s + e + 1, b > e + 1 ? b - e - 2 : 0, true);
					e = b;
				} else {
					xs_addc(x, s[e++], true);
				}
			}
			i = e + 1;
		} else if (c == '$') {
			dollar(x, s, n, &i, false);
		} else if (c == '`') {
			size_t b = i;

			if (!lex_skip_until(s, n, &b, '`', true))
				b = n;
			backtick(x, s + i + 1, b > i + 1 ? b - i - 2 : 0, false);
			i = b;
		} else {
			xs_addc(x, c, false);
			i++;
		}
	}
	xs_finish(x);
}

static void xstate_init(struct xstate *x, struct sh *sh, struct io *io, int depth, bool split,
			struct argvb *out)
{
	memset(x, 0, sizeof *x);
	x->sh = sh;
	x->io = io;
	x->depth = depth;
	x->split = split;
	x->out = out;
	if (!out->mem)
		out->mem = sh->mem;
	sh_buf_init(sh, &x->cur, CAP_LINE * 4);
	sh_buf_init(sh, &x->pat, CAP_LINE * 8);
}

static void xstate_free(struct xstate *x)
{
	buf_free(&x->cur);
	buf_free(&x->pat);
	if (x->out->oom) {
		x->sh->oom = true;
		x->sh->stop = true;
	}
}

char *expand_one(struct sh *sh, struct io *io, int depth, const struct word *w)
{
	struct argvb a = {0};
	struct xstate x;
	char *r;
	int i;

	xstate_init(&x, sh, io, depth, false, &a);
	expand_word(&x, w);
	xstate_free(&x);
	if (a.n == 0) {
		argvb_free(&a);
		return strdup("");
	}
	r = a.v[0];
	for (i = 1; i < a.n; i++)
		free(a.v[i]);
	free(a.v);
	acct_give(a.mem, a.charged); /* the caller frees r soon */
	return r;
}

void expand_fields(struct sh *sh, struct io *io, int depth, const struct word *w, struct argvb *out)
{
	struct xstate x;

	xstate_init(&x, sh, io, depth, true, out);
	expand_word(&x, w);
	xstate_free(&x);
}

bool expand_match(struct sh *sh, struct io *io, int depth, const struct word *w, const char *s)
{
	struct argvb none = {0};
	struct xstate x;
	unsigned long budget = 1000000;
	bool m;

	xstate_init(&x, sh, io, depth, false, &none);
	expand_span(&x, w->p, w->n, false);
	m = pat_match(x.pat.p ? x.pat.p : "", s, strlen(s), &budget);
	xstate_free(&x);
	argvb_free(&none);
	return m;
}

char *expand_heredoc(struct sh *sh, struct io *io, int depth, const char *s, size_t n, size_t *len)
{
	struct argvb none = {0};
	struct xstate x;
	size_t i = 0;
	char *r;

	xstate_init(&x, sh, io, depth, false, &none);
	while (i < n && !sh->stop) {
		if (s[i] == '\\' && i + 1 < n && strchr("$`\\\n", s[i + 1])) {
			if (s[i + 1] != '\n')
				xs_addc(&x, s[i + 1], true);
			i += 2;
		} else if (s[i] == '$') {
			dollar(&x, s, n, &i, true);
		} else if (s[i] == '`') {
			size_t b = i;

			if (!lex_skip_until(s, n, &b, '`', true))
				b = n;
			backtick(&x, s + i + 1, b > i + 1 ? b - i - 2 : 0, true);
			i = b;
		} else {
			xs_addc(&x, s[i++], true);
		}
	}
	*len = x.cur.len;
	r = malloc(x.cur.len + 1);
	if (r) {
		memcpy(r, x.cur.p ? x.cur.p : "", x.cur.len);
		r[x.cur.len] = '\0';
	}
	xstate_free(&x);
	argvb_free(&none);
	return r;
}
