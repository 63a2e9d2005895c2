/* expand.c — word expansion: $VAR and the special parameters, $(…) and
 * backticks (run through sh_run), quotes, field splitting and globbing
 * against the vfs. Words are expanded when their command runs, so loops
 * see fresh values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/expand.h"

static void argvb_add(struct argvb *a, const char *s, size_t n)
{
	char *c;

	if (a->n >= CAP_SH_WORDS) {
		a->full = true;
		return;
	}
	if (a->n + 1 >= a->cap) {
		int nc = a->cap ? a->cap * 2 : 8;
		char **nv = realloc(a->v, (size_t)nc * sizeof *nv);

		if (!nv) {
			a->full = true;
			return;
		}
		a->v = nv;
		a->cap = nc;
	}
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

	buf_init(&src, CAP_LINE * 4);
	buf_init(&out, CAP_SH_OUTPUT);
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
		buf_init(&out, CAP_SH_OUTPUT);
		if (e - j >= 4 && s[j + 1] == '(' && s[e - 2] == ')') {
			/* $(( arithmetic )): not supported, expands to 0 */
			xs_addtext(x, "0", 1, quoted);
		} else {
			cmdsubst(x, s + j + 1, e - j - 2, &out);
			xs_addtext(x, out.p ? out.p : "", out.len, quoted);
		}
		buf_free(&out);
		*i = e;
		return;
	}
	if (s[j] == '{') {
		size_t e = j + 1;

		while (e < n && s[e] != '}')
			e++;
		for (k = 0; j + 1 + k < e && sh_name_char(s[j + 1 + k]) && k < sizeof name - 1; k++)
			name[k] = s[j + 1 + k];
		name[k] = '\0';
		if (k == 0 && j + 1 < e && e - j - 1 == 1)
			name[k++] = s[j + 1], name[k] = '\0';
		*i = e < n ? e + 1 : n;
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
	} else if (strcmp(name, "0") == 0) {
		val = sh->pargc > 0 ? sh->pargv[0] : "-sh";
	} else if (name[0] >= '1' && name[0] <= '9' && name[1] == '\0') {
		int idx = name[0] - '0';

		val = idx < sh->pargc ? sh->pargv[idx] : "";
	} else if (strcmp(name, "@") == 0 || strcmp(name, "*") == 0) {
		int a;

		for (a = 1; a < sh->pargc; a++) {
			if (a > 1)
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

/* Expands one raw word into x->out (several fields if splitting). */
static void expand_word(struct xstate *x, const struct word *w)
{
	const char *s = w->p;
	size_t n = w->n, i = 0;

	if (n && s[0] == '~' && (n == 1 || s[1] == '/')) {
		const char *home = sh_getvar(x->sh, "HOME");

		xs_addtext(x, home ? home : "/", strlen(home ? home : "/"), true);
		i = 1;
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
	buf_init(&x->cur, CAP_LINE * 4);
	buf_init(&x->pat, CAP_LINE * 8);
}

static void xstate_free(struct xstate *x)
{
	buf_free(&x->cur);
	buf_free(&x->pat);
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
	return r;
}

void expand_fields(struct sh *sh, struct io *io, int depth, const struct word *w, struct argvb *out)
{
	struct xstate x;

	xstate_init(&x, sh, io, depth, true, out);
	expand_word(&x, w);
	xstate_free(&x);
}
