/* lex.c — the shell's lexer: tokens of a line (words, operators,
 * redirections), with quoted and substituted regions kept whole inside
 * words. Words are slices of the source; nothing is copied.
 */
#include <string.h>

#include "sh/parse.h"

static bool is_meta(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '&' ||
	       c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
}

/* Skips a quoted or substituted region starting at s[*i] (the opening
 * character). Returns false if the source ends first. */
static bool skip_region(const char *s, size_t n, size_t *i);

bool lex_skip_until(const char *s, size_t n, size_t *i, char close, bool escapes)
{
	size_t j = *i + 1;

	while (j < n) {
		if (escapes && s[j] == '\\') {
			j += 2;
			continue;
		}
		if (s[j] == close) {
			*i = j + 1;
			return true;
		}
		j++;
	}
	return false;
}

static bool skip_dquote(const char *s, size_t n, size_t *i)
{
	size_t j = *i + 1;

	while (j < n) {
		if (s[j] == '\\') {
			j += 2;
			continue;
		}
		if (s[j] == '"') {
			*i = j + 1;
			return true;
		}
		if ((s[j] == '$' && j + 1 < n && (s[j + 1] == '(' || s[j + 1] == '{')) ||
		    s[j] == '`') {
			if (s[j] == '$')
				j++;
			if (!skip_region(s, n, &j))
				return false;
			continue;
		}
		j++;
	}
	return false;
}

/* At s[*i] == '(' (after '$'): to just past the matching ')'. */
bool lex_skip_paren(const char *s, size_t n, size_t *i)
{
	size_t j = *i + 1;
	int depth = 1;

	while (j < n) {
		char c = s[j];

		if (c == '\\') {
			j += 2;
			continue;
		}
		if (c == '\'') {
			if (!lex_skip_until(s, n, &j, '\'', false))
				return false;
			continue;
		}
		if (c == '"') {
			if (!skip_dquote(s, n, &j))
				return false;
			continue;
		}
		if (c == '`') {
			if (!lex_skip_until(s, n, &j, '`', true))
				return false;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0) {
			*i = j + 1;
			return true;
		}
		j++;
	}
	return false;
}

bool lex_skip_brace(const char *s, size_t n, size_t *i)
{
	size_t j = *i + 1;

	while (j < n) {
		char c = s[j];

		if (c == '\\') {
			j += 2;
			continue;
		}
		if (c == '}') {
			*i = j + 1;
			return true;
		}
		if (c == '\'' || c == '"' || c == '`' ||
		    (c == '$' && j + 1 < n && (s[j + 1] == '(' || s[j + 1] == '{'))) {
			if (c == '$')
				j++;
			if (!skip_region(s, n, &j))
				return false;
			continue;
		}
		j++;
	}
	return false;
}

static bool skip_region(const char *s, size_t n, size_t *i)
{
	switch (s[*i]) {
	case '\'':
		return lex_skip_until(s, n, i, '\'', false);
	case '"':
		return skip_dquote(s, n, i);
	case '`':
		return lex_skip_until(s, n, i, '`', true);
	case '(':
		return lex_skip_paren(s, n, i);
	case '{':
		return lex_skip_brace(s, n, i);
	default:
		(*i)++;
		return true;
	}
}

void lex_tok_text(struct parser *ps, const char *p, size_t n)
{
	if (n >= sizeof ps->errtok)
		n = sizeof ps->errtok - 1;
	memcpy(ps->errtok, p, n);
	ps->errtok[n] = '\0';
}

/* An operator at s[*i] (not a redirection); false if none. */
static bool lex_op(struct parser *ps, const char *s, size_t n, size_t *i)
{
	switch (s[*i]) {
	case '\n':
		ps->t = T_NL;
		(*i)++;
		return true;
	case ';':
		ps->t = (*i + 1 < n && s[*i + 1] == ';') ? T_DSEMI : T_SEMI;
		*i += ps->t == T_DSEMI ? 2 : 1;
		return true;
	case '&':
		ps->t = (*i + 1 < n && s[*i + 1] == '&') ? T_AND : T_AMP;
		*i += ps->t == T_AND ? 2 : 1;
		return true;
	case '|':
		ps->t = (*i + 1 < n && s[*i + 1] == '|') ? T_OR : T_PIPE;
		*i += ps->t == T_OR ? 2 : 1;
		return true;
	case '(':
		ps->t = T_LPAR;
		(*i)++;
		return true;
	case ')':
		ps->t = T_RPAR;
		(*i)++;
		return true;
	default:
		return false;
	}
}

/* A redirection operator at s[*i] ([N]> >> >& >| < <& ...); false if none. */
static bool lex_redir(struct parser *ps, const char *s, size_t n, size_t *i)
{
	size_t j = *i;
	char c;

	if (!(s[j] == '<' || s[j] == '>' ||
	      (s[j] >= '0' && s[j] <= '9' && j + 1 < n && (s[j + 1] == '<' || s[j + 1] == '>'))))
		return false;
	ps->t = T_REDIR;
	ps->rfd = -1;
	if (s[j] >= '0' && s[j] <= '9')
		ps->rfd = s[j++] - '0';
	c = s[j++];
	if (c == '>') {
		if (ps->rfd < 0)
			ps->rfd = 1;
		ps->rkind = R_OUT;
		if (j < n && s[j] == '>') {
			ps->rkind = R_APP;
			j++;
		} else if (j < n && s[j] == '&') {
			ps->rkind = R_DUP;
			j++;
		} else if (j < n && s[j] == '|') {
			j++;
		}
	} else {
		if (ps->rfd < 0)
			ps->rfd = 0;
		ps->rkind = R_IN;
		ps->hd_strip = false;
		if (j < n && s[j] == '<') {
			j++;
			ps->rkind = R_HEREDOC;
			if (j < n && s[j] == '-') {
				ps->hd_strip = true;
				j++;
			}
		} else if (j < n && s[j] == '>') {
			j++; /* <> is not supported */
		} else if (j < n && s[j] == '&') {
			ps->rkind = R_DUP;
			j++;
		}
	}
	*i = j;
	return true;
}

/* A word from s[*i] to the next unquoted metacharacter. */
static void lex_word(struct parser *ps, const char *s, size_t n, size_t *i)
{
	size_t j = *i;

	ps->t = T_WORD;
	while (j < n && !is_meta(s[j])) {
		if (s[j] == '\\') {
			j += 2;
			continue;
		}
		if (s[j] == '\'' || s[j] == '"' || s[j] == '`' ||
		    (s[j] == '$' && j + 1 < n && (s[j + 1] == '(' || s[j + 1] == '{'))) {
			if (s[j] == '$')
				j++;
			if (!skip_region(s, n, &j)) {
				ps->err = PERR_INCOMPLETE;
				ps->expect = "quote";
				j = n;
				break;
			}
			continue;
		}
		j++;
	}
	if (j > n)
		j = n;
	*i = j;
}

/* The delimiter of here-document r: quotes removed; quoted if any. */
static void hd_delim(const struct redir *r, char *out, size_t outsz, bool *quoted)
{
	size_t i, k = 0;

	*quoted = false;
	for (i = 0; i < r->target.n && k + 1 < outsz; i++) {
		char c = r->target.p[i];

		if (c == '\'' || c == '"') {
			*quoted = true;
			continue;
		}
		if (c == '\\' && i + 1 < r->target.n) {
			*quoted = true;
			c = r->target.p[++i];
		}
		out[k++] = c;
	}
	out[k] = '\0';
}

/* After a newline at s[*i]: the bodies of the pending here-documents, in
 * order; *i moves past their delimiter lines. False if the source ends
 * before a delimiter (more input is needed). */
static bool hd_bodies(struct parser *ps, size_t *i)
{
	const char *s = ps->s;
	size_t n = ps->n, j = *i;
	int h;

	for (h = 0; h < ps->nhdpend; h++) {
		struct redir *r = &ps->redirs[ps->hdpend[h]];
		char delim[CAP_PATH];
		size_t dn, start = j;

		hd_delim(r, delim, sizeof delim, &r->hd_quoted);
		dn = strlen(delim);
		for (;;) {
			size_t ls = j, le, t = j;

			if (j >= n)
				return false;
			while (j < n && s[j] != '\n')
				j++;
			le = j;
			if (j < n)
				j++;
			if (r->hd_strip)
				while (t < le && s[t] == '\t')
					t++;
			if (le - t == dn && memcmp(s + t, delim, dn) == 0) {
				r->body.p = s + start;
				r->body.n = ls - start;
				break;
			}
			if (j >= n && le == n)
				return false;
		}
	}
	ps->nhdpend = 0;
	*i = j;
	return true;
}

/* Loads the next token. */
static void lex(struct parser *ps)
{
	const char *s = ps->s;
	size_t n = ps->n, i = ps->pos, st;

	ps->have = true;
again:
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\0'))
		i++;
	if (i < n && s[i] == '#') {
		while (i < n && s[i] != '\n')
			i++;
		goto again;
	}
	if (i < n && s[i] == '\\' && i + 1 < n && s[i + 1] == '\n') {
		i += 2;
		goto again;
	}
	st = i;
	ps->w.p = s + i;
	ps->w.n = 0;
	if (i >= n) {
		ps->t = T_EOF;
		if (ps->nhdpend && !ps->err) {
			ps->err = PERR_INCOMPLETE;
			ps->expect = NULL;
		}
	} else if (!lex_op(ps, s, n, &i) && !lex_redir(ps, s, n, &i)) {
		lex_word(ps, s, n, &i);
		ps->w.n = i - st;
	} else if (ps->t == T_NL && ps->nhdpend && !hd_bodies(ps, &i) && !ps->err) {
		ps->err = PERR_INCOMPLETE;
		ps->expect = NULL;
		i = n;
	}
	if (ps->t != T_WORD)
		lex_tok_text(ps, s + st, i - st);
	ps->pos = i;
}

enum tok lex_peek(struct parser *ps)
{
	if (!ps->have)
		lex(ps);
	return ps->t;
}

void lex_consume(struct parser *ps)
{
	ps->have = false;
}

bool lex_word_is(const struct word *w, const char *kw)
{
	size_t n = strlen(kw);

	return w->n == n && memcmp(w->p, kw, n) == 0;
}

bool lex_peek_kw(struct parser *ps, const char *kw)
{
	return lex_peek(ps) == T_WORD && lex_word_is(&ps->w, kw);
}

bool lex_is_stop_kw(const struct word *w)
{
	static const char *const kws[] = {"do", "done", "then", "else", "elif", "fi", "}", "esac"};
	size_t i;

	for (i = 0; i < sizeof kws / sizeof kws[0]; i++)
		if (lex_word_is(w, kws[i]))
			return true;
	return false;
}
