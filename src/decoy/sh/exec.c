/* exec.c — lexer, parser, word expansion, redirections and dispatch.
 *
 * A line is parsed into a small tree (nodes, words and redirections kept in
 * arrays owned by the parser and freed when the line is done). Words stay
 * raw slices of the source until the command runs; expansion ($VAR, $(…),
 * backticks, quotes, field splitting, globbing) happens then, so loops see
 * fresh values. Everything is bounded: tokens (CAP_SH_WORDS), nesting
 * (CAP_SH_DEPTH), loop iterations (CAP_SH_LOOP), commands (SH_MAX_STEPS).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/sh_int.h"

#define MAX_REDIRS 256
#define PARSE_DEPTH 32

enum tok {
	T_EOF,
	T_WORD,
	T_SEMI,
	T_DSEMI,
	T_AMP,
	T_AND,
	T_OR,
	T_PIPE,
	T_LPAR,
	T_RPAR,
	T_NL,
	T_REDIR,
};

struct word {
	const char *p;
	size_t n;
};

enum rkind { R_OUT, R_APP, R_IN, R_DUP };

struct redir {
	int fd;
	enum rkind kind;
	struct word target;
};

enum nkind {
	N_CMD,
	N_SEQ,
	N_BG,
	N_AND,
	N_OR,
	N_PIPE,
	N_NOT,
	N_WHILE,
	N_UNTIL,
	N_IF,
	N_FOR,
	N_GROUP,
	N_SUB,
};

struct node {
	enum nkind kind;
	int a, b, c;
	int w0, nw;
	int r0, nr;
};

enum { PERR_NONE, PERR_SYNTAX, PERR_INCOMPLETE, PERR_CAP };

struct parser {
	const char *s;
	size_t n, pos;
	/* current token */
	enum tok t;
	struct word w;
	int rfd;
	enum rkind rkind;
	bool have; /* a token is loaded */
	struct node *nodes;
	int nnodes, capnodes;
	struct word *words;
	int nwords, capwords;
	struct redir *redirs;
	int nredirs, capredirs;
	int err;
	char errtok[24];
	const char *expect;
	int depth;
};

/* ------------------------------------------------------------------ */
/* output                                                              */

void sh_write(struct sh *sh, struct io *io, int fd, const void *p, size_t n)
{
	struct sink *s;

	if (fd < 1 || fd > 2 || !n)
		return;
	s = &io->out[fd];
	switch (s->kind) {
	case SINK_TERM:
		sh_term(sh, p, n);
		break;
	case SINK_BUF:
		if (s->b)
			(void)buf_add(s->b, p, n);
		break;
	case SINK_NULL:
		break;
	}
}

void sh_puts(struct sh *sh, struct io *io, int fd, const char *s)
{
	sh_write(sh, io, fd, s, strlen(s));
}

void sh_vprintf(struct sh *sh, struct io *io, int fd, const char *fmt, va_list ap)
{
	char tmp[1024];
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof tmp)
		n = (int)sizeof tmp - 1;
	sh_write(sh, io, fd, tmp, (size_t)n);
}

void sh_printf(struct sh *sh, struct io *io, int fd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sh_vprintf(sh, io, fd, fmt, ap);
	va_end(ap);
}

int sh_path(struct sh *sh, const char *path, char *out, size_t outlen)
{
	return vfs_abspath(sh->cwd, path, out, outlen);
}

/* ------------------------------------------------------------------ */
/* lexer                                                               */

static bool is_meta(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' ||
	       c == '&' || c == '|' || c == '(' || c == ')' || c == '<' ||
	       c == '>';
}

/* Skips a quoted or substituted region starting at s[*i] (the opening
 * character). Returns false if the source ends first. */
static bool skip_region(const char *s, size_t n, size_t *i);

static bool skip_until(const char *s, size_t n, size_t *i, char close,
		       bool escapes)
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
static bool skip_paren(const char *s, size_t n, size_t *i)
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
			if (!skip_until(s, n, &j, '\'', false))
				return false;
			continue;
		}
		if (c == '"') {
			if (!skip_dquote(s, n, &j))
				return false;
			continue;
		}
		if (c == '`') {
			if (!skip_until(s, n, &j, '`', true))
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

static bool skip_region(const char *s, size_t n, size_t *i)
{
	switch (s[*i]) {
	case '\'':
		return skip_until(s, n, i, '\'', false);
	case '"':
		return skip_dquote(s, n, i);
	case '`':
		return skip_until(s, n, i, '`', true);
	case '(':
		return skip_paren(s, n, i);
	case '{':
		return skip_until(s, n, i, '}', false);
	default:
		(*i)++;
		return true;
	}
}

static void tok_text(struct parser *ps, const char *p, size_t n)
{
	if (n >= sizeof ps->errtok)
		n = sizeof ps->errtok - 1;
	memcpy(ps->errtok, p, n);
	ps->errtok[n] = '\0';
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
		goto out;
	}
	switch (s[i]) {
	case '\n':
		ps->t = T_NL;
		i++;
		goto out;
	case ';':
		ps->t = (i + 1 < n && s[i + 1] == ';') ? T_DSEMI : T_SEMI;
		i += ps->t == T_DSEMI ? 2 : 1;
		goto out;
	case '&':
		ps->t = (i + 1 < n && s[i + 1] == '&') ? T_AND : T_AMP;
		i += ps->t == T_AND ? 2 : 1;
		goto out;
	case '|':
		ps->t = (i + 1 < n && s[i + 1] == '|') ? T_OR : T_PIPE;
		i += ps->t == T_OR ? 2 : 1;
		goto out;
	case '(':
		ps->t = T_LPAR;
		i++;
		goto out;
	case ')':
		ps->t = T_RPAR;
		i++;
		goto out;
	default:
		break;
	}
	if (s[i] == '<' || s[i] == '>' ||
	    (s[i] >= '0' && s[i] <= '9' && i + 1 < n &&
	     (s[i + 1] == '<' || s[i + 1] == '>'))) {
		char c;

		ps->t = T_REDIR;
		ps->rfd = -1;
		if (s[i] >= '0' && s[i] <= '9')
			ps->rfd = s[i++] - '0';
		c = s[i++];
		if (c == '>') {
			if (ps->rfd < 0)
				ps->rfd = 1;
			ps->rkind = R_OUT;
			if (i < n && s[i] == '>') {
				ps->rkind = R_APP;
				i++;
			} else if (i < n && s[i] == '&') {
				ps->rkind = R_DUP;
				i++;
			} else if (i < n && s[i] == '|') {
				i++;
			}
		} else {
			if (ps->rfd < 0)
				ps->rfd = 0;
			ps->rkind = R_IN;
			if (i < n && (s[i] == '<' || s[i] == '>')) {
				i++; /* heredocs and <> are not supported */
			} else if (i < n && s[i] == '&') {
				ps->rkind = R_DUP;
				i++;
			}
		}
		goto out;
	}
	ps->t = T_WORD;
	while (i < n && !is_meta(s[i])) {
		if (s[i] == '\\') {
			i += 2;
			continue;
		}
		if (s[i] == '\'' || s[i] == '"' || s[i] == '`' ||
		    (s[i] == '$' && i + 1 < n && (s[i + 1] == '(' || s[i + 1] == '{'))) {
			if (s[i] == '$')
				i++;
			if (!skip_region(s, n, &i)) {
				ps->err = PERR_INCOMPLETE;
				ps->expect = "quote";
				i = n;
				break;
			}
			continue;
		}
		i++;
	}
	if (i > n)
		i = n;
	ps->w.n = i - st;
out:
	if (ps->t != T_WORD)
		tok_text(ps, s + st, i - st);
	ps->pos = i;
}

static enum tok peek(struct parser *ps)
{
	if (!ps->have)
		lex(ps);
	return ps->t;
}

static void consume(struct parser *ps)
{
	ps->have = false;
}

static bool word_is(const struct word *w, const char *kw)
{
	size_t n = strlen(kw);

	return w->n == n && memcmp(w->p, kw, n) == 0;
}

static bool peek_kw(struct parser *ps, const char *kw)
{
	return peek(ps) == T_WORD && word_is(&ps->w, kw);
}

static bool is_stop_kw(const struct word *w)
{
	static const char *const kws[] = {"do",   "done", "then", "else",
					  "elif", "fi",   "}",    "esac"};
	size_t i;

	for (i = 0; i < sizeof kws / sizeof kws[0]; i++)
		if (word_is(w, kws[i]))
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* parser                                                              */

static void syntax(struct parser *ps)
{
	if (ps->err)
		return;
	if (peek(ps) == T_EOF) {
		ps->err = PERR_INCOMPLETE;
		return;
	}
	ps->err = PERR_SYNTAX;
	if (ps->t == T_WORD)
		tok_text(ps, ps->w.p, ps->w.n);
}

static int new_node(struct parser *ps, enum nkind k)
{
	struct node *nd;

	if (ps->nnodes >= CAP_SH_WORDS) {
		ps->err = PERR_CAP;
		return -1;
	}
	if (ps->nnodes == ps->capnodes) {
		int nc = ps->capnodes ? ps->capnodes * 2 : 16;
		struct node *nn = realloc(ps->nodes, (size_t)nc * sizeof *nn);

		if (!nn) {
			ps->err = PERR_CAP;
			return -1;
		}
		ps->nodes = nn;
		ps->capnodes = nc;
	}
	nd = &ps->nodes[ps->nnodes];
	memset(nd, 0, sizeof *nd);
	nd->kind = k;
	nd->a = nd->b = nd->c = -1;
	nd->w0 = ps->nwords;
	nd->r0 = ps->nredirs;
	return ps->nnodes++;
}

static bool add_word(struct parser *ps, const struct word *w)
{
	if (ps->nwords >= CAP_SH_WORDS) {
		ps->err = PERR_CAP;
		return false;
	}
	if (ps->nwords == ps->capwords) {
		int nc = ps->capwords ? ps->capwords * 2 : 16;
		struct word *nw = realloc(ps->words, (size_t)nc * sizeof *nw);

		if (!nw) {
			ps->err = PERR_CAP;
			return false;
		}
		ps->words = nw;
		ps->capwords = nc;
	}
	ps->words[ps->nwords++] = *w;
	return true;
}

/* Parses a redirection at the current T_REDIR token. */
static bool add_redir(struct parser *ps)
{
	struct redir r;

	r.fd = ps->rfd;
	r.kind = ps->rkind;
	consume(ps);
	if (peek(ps) != T_WORD) {
		syntax(ps);
		return false;
	}
	r.target = ps->w;
	consume(ps);
	if (ps->nredirs >= MAX_REDIRS) {
		ps->err = PERR_CAP;
		return false;
	}
	if (ps->nredirs == ps->capredirs) {
		int nc = ps->capredirs ? ps->capredirs * 2 : 8;
		struct redir *nr = realloc(ps->redirs, (size_t)nc * sizeof *nr);

		if (!nr) {
			ps->err = PERR_CAP;
			return false;
		}
		ps->redirs = nr;
		ps->capredirs = nc;
	}
	ps->redirs[ps->nredirs++] = r;
	return true;
}

static int parse_list(struct parser *ps);

static void skip_nl(struct parser *ps)
{
	while (peek(ps) == T_NL)
		consume(ps);
}

static bool expect_kw(struct parser *ps, const char *kw)
{
	if (ps->err)
		return false;
	if (peek_kw(ps, kw)) {
		consume(ps);
		return true;
	}
	ps->expect = kw;
	syntax(ps);
	return false;
}

/* Redirections after a compound command: they own a fresh range. */
static void trailing_redirs(struct parser *ps, int ni)
{
	ps->nodes[ni].r0 = ps->nredirs;
	while (!ps->err && peek(ps) == T_REDIR)
		add_redir(ps);
	ps->nodes[ni].nr = ps->nredirs - ps->nodes[ni].r0;
}

static int parse_command(struct parser *ps);

static int parse_if(struct parser *ps)
{
	int ni = new_node(ps, N_IF), c, b;

	if (ni < 0)
		return -1;
	c = parse_list(ps);
	if (!expect_kw(ps, "then"))
		return -1;
	b = parse_list(ps);
	if (ps->err)
		return -1;
	ps->nodes[ni].a = c;
	ps->nodes[ni].b = b;
	if (peek_kw(ps, "elif")) {
		consume(ps);
		{
			int sub = parse_if(ps); /* may realloc ps->nodes */

			ps->nodes[ni].c = sub;
		}
		return ps->err ? -1 : ni;
	}
	if (peek_kw(ps, "else")) {
		consume(ps);
		{
			int sub = parse_list(ps); /* may realloc ps->nodes */

			ps->nodes[ni].c = sub;
		}
	}
	if (!expect_kw(ps, "fi"))
		return -1;
	return ni;
}

static int parse_command(struct parser *ps)
{
	int ni;

	if (++ps->depth > PARSE_DEPTH) {
		ps->err = PERR_CAP;
		return -1;
	}
	switch (peek(ps)) {
	case T_LPAR:
		consume(ps);
		ni = new_node(ps, N_SUB);
		if (ni < 0)
			goto out;
		{
			int sub = parse_list(ps); /* may realloc ps->nodes */

			ps->nodes[ni].a = sub;
		}
		if (ps->err)
			goto out;
		if (peek(ps) != T_RPAR) {
			ps->expect = ")";
			syntax(ps);
			goto out;
		}
		consume(ps);
		trailing_redirs(ps, ni);
		goto out;
	case T_WORD:
		break;
	case T_REDIR:
		break;
	default:
		syntax(ps);
		ni = -1;
		goto out;
	}
	if (peek(ps) == T_WORD &&
	    (word_is(&ps->w, "while") || word_is(&ps->w, "until"))) {
		bool until = word_is(&ps->w, "until");
		int c, b;

		consume(ps);
		ni = new_node(ps, until ? N_UNTIL : N_WHILE);
		if (ni < 0)
			goto out;
		c = parse_list(ps);
		if (!expect_kw(ps, "do"))
			goto out;
		b = parse_list(ps);
		if (!expect_kw(ps, "done"))
			goto out;
		ps->nodes[ni].a = c;
		ps->nodes[ni].b = b;
		trailing_redirs(ps, ni);
		goto out;
	}
	if (peek_kw(ps, "if")) {
		consume(ps);
		ni = parse_if(ps);
		if (ni >= 0)
			trailing_redirs(ps, ni);
		goto out;
	}
	if (peek_kw(ps, "{")) {
		consume(ps);
		ni = new_node(ps, N_GROUP);
		if (ni < 0)
			goto out;
		{
			int sub = parse_list(ps); /* may realloc ps->nodes */

			ps->nodes[ni].a = sub;
		}
		if (!expect_kw(ps, "}"))
			goto out;
		trailing_redirs(ps, ni);
		goto out;
	}
	if (peek_kw(ps, "for")) {
		consume(ps);
		ni = new_node(ps, N_FOR);
		if (ni < 0)
			goto out;
		if (peek(ps) != T_WORD) {
			syntax(ps);
			goto out;
		}
		add_word(ps, &ps->w);
		consume(ps);
		if (peek(ps) == T_SEMI)
			consume(ps);
		skip_nl(ps);
		if (peek_kw(ps, "in")) {
			consume(ps);
			while (!ps->err && peek(ps) == T_WORD) {
				add_word(ps, &ps->w);
				consume(ps);
			}
			if (peek(ps) == T_SEMI || peek(ps) == T_NL)
				consume(ps);
		}
		ps->nodes[ni].nw = ps->nwords - ps->nodes[ni].w0;
		skip_nl(ps);
		if (!expect_kw(ps, "do"))
			goto out;
		{
			int sub = parse_list(ps); /* may realloc ps->nodes */

			ps->nodes[ni].b = sub;
		}
		if (!expect_kw(ps, "done"))
			goto out;
		trailing_redirs(ps, ni);
		goto out;
	}
	if (peek(ps) == T_WORD && is_stop_kw(&ps->w)) {
		syntax(ps);
		ni = -1;
		goto out;
	}
	/* simple command: words and redirections interleaved */
	ni = new_node(ps, N_CMD);
	if (ni < 0)
		goto out;
	{
		int first_r = ps->nredirs;

		while (!ps->err) {
			enum tok t = peek(ps);

			if (t == T_WORD) {
				add_word(ps, &ps->w);
				consume(ps);
			} else if (t == T_REDIR) {
				add_redir(ps);
			} else {
				break;
			}
		}
		ps->nodes[ni].nw = ps->nwords - ps->nodes[ni].w0;
		ps->nodes[ni].r0 = first_r;
		ps->nodes[ni].nr = ps->nredirs - first_r;
	}
out:
	ps->depth--;
	return ps->err ? -1 : ni;
}

static int parse_pipeline(struct parser *ps)
{
	bool neg = false;
	int left, ni;

	if (peek_kw(ps, "!")) {
		consume(ps);
		neg = true;
	}
	left = parse_command(ps);
	while (!ps->err && peek(ps) == T_PIPE) {
		consume(ps);
		skip_nl(ps);
		ni = new_node(ps, N_PIPE);
		if (ni < 0)
			return -1;
		ps->nodes[ni].a = left;
		{
			int sub = parse_command(ps); /* may realloc ps->nodes */

			ps->nodes[ni].b = sub;
		}
		left = ni;
	}
	if (!ps->err && neg) {
		ni = new_node(ps, N_NOT);
		if (ni < 0)
			return -1;
		ps->nodes[ni].a = left;
		left = ni;
	}
	return ps->err ? -1 : left;
}

static int parse_andor(struct parser *ps)
{
	int left = parse_pipeline(ps), ni;

	while (!ps->err && (peek(ps) == T_AND || peek(ps) == T_OR)) {
		enum nkind k = ps->t == T_AND ? N_AND : N_OR;

		consume(ps);
		skip_nl(ps);
		ni = new_node(ps, k);
		if (ni < 0)
			return -1;
		ps->nodes[ni].a = left;
		{
			int sub = parse_pipeline(ps); /* may realloc ps->nodes */

			ps->nodes[ni].b = sub;
		}
		left = ni;
	}
	return ps->err ? -1 : left;
}

/* A list ends at EOF, ')' or a reserved word that closes a construct. */
static int parse_list(struct parser *ps)
{
	int left = -1, ni, item;

	if (++ps->depth > PARSE_DEPTH) {
		ps->err = PERR_CAP;
		return -1;
	}
	for (;;) {
		enum tok t;

		skip_nl(ps);
		t = peek(ps);
		if (ps->err || t == T_EOF || t == T_RPAR ||
		    (t == T_WORD && is_stop_kw(&ps->w)))
			break;
		item = parse_andor(ps);
		if (ps->err)
			break;
		t = peek(ps);
		if (t == T_AMP) {
			ni = new_node(ps, N_BG);
			if (ni < 0)
				break;
			ps->nodes[ni].a = item;
			item = ni;
		}
		if (left < 0) {
			left = item;
		} else {
			ni = new_node(ps, N_SEQ);
			if (ni < 0)
				break;
			ps->nodes[ni].a = left;
			ps->nodes[ni].b = item;
			left = ni;
		}
		if (t == T_SEMI || t == T_AMP || t == T_NL) {
			consume(ps);
			continue;
		}
		break;
	}
	ps->depth--;
	return ps->err ? -1 : left;
}

static void parser_free(struct parser *ps)
{
	free(ps->nodes);
	free(ps->words);
	free(ps->redirs);
}

/* ------------------------------------------------------------------ */
/* expansion                                                           */

struct argvb {
	char **v;
	int n, cap;
	bool full;
};

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

static void argvb_free(struct argvb *a)
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
static void cmdsubst(struct xstate *x, const char *src, size_t n,
		     struct buf *out)
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

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* Expands "$…" at s[*i] (the '$'); *i moves past it. */
static void dollar(struct xstate *x, const char *s, size_t n, size_t *i,
		   bool quoted)
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

		if (!skip_paren(s, n, &e)) {
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
		for (k = 0; j + 1 + k < e && name_char(s[j + 1 + k]) &&
			    k < sizeof name - 1;
		     k++)
			name[k] = s[j + 1 + k];
		name[k] = '\0';
		if (k == 0 && j + 1 < e && e - j - 1 == 1)
			name[k++] = s[j + 1], name[k] = '\0';
		*i = e < n ? e + 1 : n;
	} else if (name_start(s[j])) {
		while (j < n && name_char(s[j]) && k < sizeof name - 1)
			name[k++] = s[j++];
		name[k] = '\0';
		while (j < n && name_char(s[j]))
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

					if (!skip_until(s, n, &b, '`', true))
						b = n;
					backtick(x, s + e + 1,
						 b > e + 1 ? b - e - 2 : 0, true);
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

			if (!skip_until(s, n, &b, '`', true))
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

static void xstate_init(struct xstate *x, struct sh *sh, struct io *io,
			int depth, bool split, struct argvb *out)
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

/* Expands a word to one string (no splitting); caller frees. */
static char *expand_one(struct sh *sh, struct io *io, int depth,
			const struct word *w)
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

/* ------------------------------------------------------------------ */
/* redirections                                                        */

struct frame {
	char path[CAP_PATH]; /* absolute; empty for input/dup frames */
	char shown[CAP_PATH];
	struct buf b;
	struct instream in;
	uint8_t *indata;
};

struct redirs {
	struct frame *f;
	int n;
};

static const char *create_errmsg(int err)
{
	return err == -ENOENT ? "nonexistent directory" : sh_strerror(err);
}

/* Applies node redirections to io; prints ash's message on failure. */
static int redirs_apply(struct sh *sh, struct io *io, struct io *parent,
			const struct parser *ps, int r0, int nr, int depth,
			struct redirs *rs)
{
	int i, rc = 0;

	rs->f = NULL;
	rs->n = 0;
	if (nr <= 0)
		return 0;
	rs->f = calloc((size_t)nr, sizeof *rs->f);
	if (!rs->f)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		const struct redir *r = &ps->redirs[r0 + i];
		struct frame *f = &rs->f[rs->n++];
		char *target;
		int err;

		buf_init(&f->b, CAP_FS_SESSION);
		target = expand_one(sh, io, depth, &r->target);
		if (!target) {
			rc = -ENOMEM;
			goto out;
		}
		snprintf(f->shown, sizeof f->shown, "%s", target);
		if (r->kind == R_DUP) {
			int to = -1;

			if (target[0] >= '0' && target[0] <= '9' && !target[1])
				to = target[0] - '0';
			free(target);
			if (r->fd >= 1 && r->fd <= 2 && to >= 1 && to <= 2)
				io->out[r->fd] = io->out[to];
			else if (r->fd >= 1 && r->fd <= 2 && to < 0)
				io->out[r->fd].kind = SINK_NULL; /* >&- */
			continue;
		}
		err = sh_path(sh, target, f->path, sizeof f->path);
		free(target);
		if (err) {
			sh_err(sh, parent, "can't create %s: %s", f->shown,
			       sh_strerror(err));
			rc = err;
			goto out;
		}
		if (r->kind == R_IN) {
			const uint8_t *d;
			size_t n;

			err = vfs_read(sh->fs, f->path, &d, &n);
			if (err) {
				sh_err(sh, parent, "can't open %s: %s", f->shown,
				       err == -ENOENT ? "no such file"
						      : sh_strerror(err));
				rc = err;
				goto out;
			}
			f->indata = malloc(n ? n : 1);
			if (!f->indata) {
				rc = -ENOMEM;
				goto out;
			}
			if (n)
				memcpy(f->indata, d, n);
			f->in.p = f->indata;
			f->in.n = n;
			f->in.pos = 0;
			if (r->fd == 0)
				io->in = &f->in;
			f->path[0] = '\0';
			continue;
		}
		if (r->fd < 1 || r->fd > 2) {
			f->path[0] = '\0';
			continue;
		}
		if (strcmp(f->path, "/dev/null") == 0) {
			io->out[r->fd].kind = SINK_NULL;
			f->path[0] = '\0';
			continue;
		}
		if (strcmp(f->path, "/dev/console") == 0 ||
		    strcmp(f->path, "/dev/tty") == 0) {
			io->out[r->fd] = parent->out[r->fd];
			f->path[0] = '\0';
			continue;
		}
		err = vfs_can_create(sh->fs, f->path);
		if (!err)
			err = vfs_write(sh->fs, f->path, "", 0, r->kind == R_APP);
		if (err) {
			sh_err(sh, parent, "can't create %s: %s", f->shown,
			       create_errmsg(err));
			rc = err;
			goto out;
		}
		io->out[r->fd].kind = SINK_BUF;
		io->out[r->fd].b = &f->b;
		if (r->fd == 1)
			io->out_path = f->path;
	}
out:
	return rc;
}

/* Writes what the command produced into the files and frees frames. */
static void redirs_finish(struct sh *sh, struct io *parent, struct redirs *rs,
			  const char *cmd)
{
	int i;

	for (i = 0; i < rs->n; i++) {
		struct frame *f = &rs->f[i];

		if (f->path[0] && f->b.len) {
			int err = vfs_write(sh->fs, f->path, f->b.p, f->b.len,
					    true);

			if (err)
				sh_printf(sh, parent, 2, "%s: write error: %s\n",
					  cmd ? cmd : "sh", sh_strerror(err));
		}
		buf_free(&f->b);
		free(f->indata);
	}
	free(rs->f);
	rs->f = NULL;
	rs->n = 0;
}

/* ------------------------------------------------------------------ */
/* execution                                                           */

struct run {
	struct sh *sh;
	struct parser *ps;
	int depth;
	bool line;    /* the line itself (depth 0): a command may wait */
	int blocked;  /* inside a construct a wait cannot resume into */
	int target;   /* resuming: the waiting command's node, else -1 */
	bool *onpath; /* resuming: nodes from the root to target */
};

static bool resuming(const struct run *r)
{
	return r->target >= 0;
}

/* Resuming, a child off the path to the waiting command already ran. */
static bool skipped(const struct run *r, int ni)
{
	return resuming(r) && (ni < 0 || !r->onpath[ni]);
}

static int exec_node(struct run *r, struct io *io, int ni);

static bool is_assignment(const struct word *w)
{
	size_t i;

	if (!w->n || !name_start(w->p[0]))
		return false;
	for (i = 1; i < w->n && name_char(w->p[i]); i++)
		;
	return i < w->n && w->p[i] == '=';
}

static int exec_cmd(struct run *r, struct io *io, const struct node *nd)
{
	struct sh *sh = r->sh;
	struct argvb av = {0};
	struct redirs rs = {0};
	struct io cio = *io;
	int i = 0, status = 0, rc;
	bool assigned = false;

	if (resuming(r)) {
		char outp[CAP_PATH] = "";

		/* the waiting command: its words ran already; its redirections
		 * are applied again (a truncation again is harmless) */
		r->target = -1;
		if (redirs_apply(sh, &cio, io, r->ps, nd->r0, nd->nr, r->depth, &rs)) {
			status = 1;
		} else {
			if (cio.out_path)
				snprintf(outp, sizeof outp, "%s", cio.out_path);
			status = sh_fetch_finish(sh, &cio);
		}
		redirs_finish(sh, io, &rs, sh->fx.applet);
		/* `wget -O - > f`: the fetcher stored these bytes already */
		if (outp[0] && !sh->fx.outfile[0] && sh->res && sh->res->ok)
			vfs_mark_captured(sh->fs, outp);
		return status;
	}
	if (++sh->steps > SH_MAX_STEPS) {
		sh->stop = true;
		return 1;
	}
	/* leading assignments */
	for (; i < nd->nw; i++) {
		const struct word *w = &r->ps->words[nd->w0 + i];
		size_t eq;
		char name[64];
		struct word val;
		char *v;

		if (!is_assignment(w))
			break;
		eq = (size_t)((const char *)memchr(w->p, '=', w->n) - w->p);
		if (eq >= sizeof name)
			continue;
		memcpy(name, w->p, eq);
		name[eq] = '\0';
		val.p = w->p + eq + 1;
		val.n = w->n - eq - 1;
		v = expand_one(sh, io, r->depth, &val);
		if (v && i + 1 >= nd->nw) /* only a bare assignment persists */
			sh_setvar(sh, name, v, false);
		free(v);
		assigned = true;
	}
	for (; i < nd->nw && !sh->stop; i++) {
		struct xstate x;

		xstate_init(&x, sh, io, r->depth, true, &av);
		expand_word(&x, &r->ps->words[nd->w0 + i]);
		xstate_free(&x);
	}
	if (sh->stop) {
		status = 1;
		goto out;
	}
	rc = redirs_apply(sh, &cio, io, r->ps, nd->r0, nd->nr, r->depth, &rs);
	if (rc) {
		status = 1;
		goto out_redir;
	}
	if (av.n == 0) {
		status = assigned ? sh->status : 0;
		goto out_redir;
	}
	if (av.full)
		sh_err(sh, io, "too many arguments");
	sh->susp_ok = r->line && !r->blocked && !sh->waiting;
	sh->cur_ni = (int)(nd - r->ps->nodes);
	status = sh_exec_argv(sh, &cio, av.n, av.v, r->depth);
	sh->susp_ok = false;
out_redir:
	redirs_finish(sh, io, &rs, av.n ? av.v[0] : NULL);
out:
	argvb_free(&av);
	return status;
}

/* Runs a compound command's redirections around its body. */
static int exec_with_redirs(struct run *r, struct io *io, const struct node *nd,
			    struct io *cio, struct redirs *rs)
{
	*cio = *io;
	if (redirs_apply(r->sh, cio, io, r->ps, nd->r0, nd->nr, r->depth, rs))
		return -1;
	return 0;
}

static int exec_loop(struct run *r, struct io *io, const struct node *nd)
{
	struct sh *sh = r->sh;
	struct redirs rs = {0};
	struct io cio;
	int status = 0;

	if (exec_with_redirs(r, io, nd, &cio, &rs)) {
		status = 1;
		goto out;
	}
	for (;;) {
		int c;

		if (sh->stop || ++sh->loops > CAP_SH_LOOP)
			break;
		c = exec_node(r, &cio, nd->a);
		if (sh->stop || sh->brk)
			break;
		if ((c == 0) != (nd->kind == N_WHILE))
			break;
		status = exec_node(r, &cio, nd->b);
		sh->cont = false;
		if (sh->brk)
			break;
	}
	sh->brk = false;
	sh->cont = false;
out:
	redirs_finish(sh, io, &rs, NULL);
	return status;
}

static int exec_for(struct run *r, struct io *io, const struct node *nd)
{
	struct sh *sh = r->sh;
	struct argvb items = {0};
	struct redirs rs = {0};
	struct io cio;
	char name[64];
	const struct word *nw = &r->ps->words[nd->w0];
	int status = 0, i;

	if (nd->nw < 1 || nw->n >= sizeof name)
		return 1;
	memcpy(name, nw->p, nw->n);
	name[nw->n] = '\0';
	for (i = 1; i < nd->nw; i++) {
		struct xstate x;

		xstate_init(&x, sh, io, r->depth, true, &items);
		expand_word(&x, &r->ps->words[nd->w0 + i]);
		xstate_free(&x);
	}
	if (exec_with_redirs(r, io, nd, &cio, &rs)) {
		status = 1;
		goto out;
	}
	for (i = 0; i < items.n; i++) {
		if (sh->stop || ++sh->loops > CAP_SH_LOOP)
			break;
		sh_setvar(sh, name, items.v[i], false);
		status = exec_node(r, &cio, nd->b);
		sh->cont = false;
		if (sh->brk)
			break;
	}
	sh->brk = false;
out:
	redirs_finish(sh, io, &rs, NULL);
	argvb_free(&items);
	return status;
}

static int exec_node(struct run *r, struct io *io, int ni)
{
	struct sh *sh = r->sh;
	const struct node *nd;
	struct redirs rs = {0};
	struct io cio;
	int s = 0;

	if (ni < 0 || sh->stop)
		return sh->status;
	if (sh->brk || sh->cont)
		return 0;
	nd = &r->ps->nodes[ni];
	switch (nd->kind) {
	case N_CMD:
		s = exec_cmd(r, io, nd);
		break;
	case N_SEQ:
		if (!skipped(r, nd->a))
			exec_node(r, io, nd->a);
		s = exec_node(r, io, nd->b);
		break;
	case N_BG:
		r->blocked++;
		exec_node(r, io, nd->a);
		r->blocked--;
		s = 0;
		break;
	case N_AND:
	case N_OR:
		if (skipped(r, nd->a)) {
			s = exec_node(r, io, nd->b);
			break;
		}
		s = exec_node(r, io, nd->a);
		if ((s == 0) == (nd->kind == N_AND) && !sh->stop)
			s = exec_node(r, io, nd->b);
		break;
	case N_NOT:
		s = !exec_node(r, io, nd->a);
		break;
	case N_PIPE: {
		struct buf pb;
		struct instream in;
		struct io lio = *io, rio = *io;

		buf_init(&pb, CAP_SH_OUTPUT);
		lio.out[1].kind = SINK_BUF;
		lio.out[1].b = &pb;
		lio.out_path = NULL;
		if (!skipped(r, nd->a))
			exec_node(r, &lio, nd->a);
		in.p = (const uint8_t *)(pb.p ? pb.p : "");
		in.n = pb.len;
		in.pos = 0;
		rio.in = &in;
		s = exec_node(r, &rio, nd->b);
		buf_free(&pb);
		break;
	}
	case N_WHILE:
	case N_UNTIL:
		r->blocked++;
		s = exec_loop(r, io, nd);
		r->blocked--;
		break;
	case N_FOR:
		r->blocked++;
		s = exec_for(r, io, nd);
		r->blocked--;
		break;
	case N_IF:
		r->blocked++;
		if (exec_with_redirs(r, io, nd, &cio, &rs)) {
			s = 1;
		} else {
			s = exec_node(r, &cio, nd->a);
			if (sh->stop)
				;
			else if (s == 0)
				s = exec_node(r, &cio, nd->b);
			else if (nd->c >= 0)
				s = exec_node(r, &cio, nd->c);
			else
				s = 0;
		}
		redirs_finish(sh, io, &rs, NULL);
		r->blocked--;
		break;
	case N_GROUP:
	case N_SUB: {
		char cwd[CAP_PATH];
		bool saved_stop = sh->stop;

		r->blocked++;
		memcpy(cwd, sh->cwd, sizeof cwd);
		if (exec_with_redirs(r, io, nd, &cio, &rs))
			s = 1;
		else
			s = exec_node(r, &cio, nd->a);
		redirs_finish(sh, io, &rs, NULL);
		if (nd->kind == N_SUB) {
			memcpy(sh->cwd, cwd, sizeof cwd);
			if (sh->exit_req) {
				sh->exit_req = false;
				sh->stop = saved_stop;
			}
		}
		r->blocked--;
		break;
	}
	}
	sh->status = s;
	return s;
}

/* Marks the nodes from the root down to target; false if target is not
 * a simple command under constructs a wait can resume through. */
static bool mark_path(const struct parser *ps, int root, int target, bool *on)
{
	int *parent, i;
	bool ok = true;

	if (target < 0 || target >= ps->nnodes || ps->nodes[target].kind != N_CMD)
		return false;
	parent = malloc((size_t)ps->nnodes * sizeof *parent);
	if (!parent)
		return false;
	for (i = 0; i < ps->nnodes; i++)
		parent[i] = -1;
	for (i = 0; i < ps->nnodes; i++) {
		const struct node *nd = &ps->nodes[i];

		switch (nd->kind) {
		case N_SEQ:
		case N_AND:
		case N_OR:
		case N_PIPE:
			if (nd->b >= 0 && nd->b < ps->nnodes)
				parent[nd->b] = i;
			/* fall through */
		case N_NOT:
			if (nd->a >= 0 && nd->a < ps->nnodes)
				parent[nd->a] = i;
			break;
		default:
			break;
		}
	}
	for (i = target; i >= 0 && ok; i = parent[i]) {
		on[i] = true;
		if (parent[i] < 0 && i != root)
			ok = false;
	}
	free(parent);
	return ok;
}

static int run_src(struct sh *sh, struct io *io, const char *src, size_t n,
		   int depth, bool *incomplete, int target)
{
	struct parser ps;
	struct run r;
	int root, status = sh->status, saved_depth;

	if (incomplete)
		*incomplete = false;
	if (depth > CAP_SH_DEPTH)
		return 1;
	memset(&r, 0, sizeof r);
	memset(&ps, 0, sizeof ps);
	ps.s = src;
	ps.n = n;
	root = parse_list(&ps);
	if (!ps.err && peek(&ps) != T_EOF)
		syntax(&ps);
	if (ps.err == PERR_INCOMPLETE && incomplete) {
		*incomplete = true;
		goto out;
	}
	if (ps.err == PERR_INCOMPLETE) {
		if (ps.expect && strcmp(ps.expect, "quote") == 0)
			sh_err(sh, io, "syntax error: unterminated quoted string");
		else if (ps.expect)
			sh_err(sh, io,
			       "syntax error: unexpected end of file (expecting \"%s\")",
			       ps.expect);
		else
			sh_err(sh, io, "syntax error: unexpected end of file");
		status = sh->status = 2;
		goto out;
	}
	if (ps.err == PERR_SYNTAX) {
		sh_err(sh, io, "syntax error: unexpected \"%s\"",
		       ps.errtok[0] ? ps.errtok : "newline");
		status = sh->status = 2;
		goto out;
	}
	if (ps.err == PERR_CAP) {
		sh_err(sh, io, "out of memory");
		status = sh->status = 2;
		goto out;
	}
	r.sh = sh;
	r.ps = &ps;
	r.depth = depth;
	r.line = depth == 0;
	r.target = -1;
	if (target >= 0) {
		/* the same text parses to the same tree: walk to target */
		r.onpath = calloc((size_t)(ps.nnodes ? ps.nnodes : 1), sizeof *r.onpath);
		if (!r.onpath || !mark_path(&ps, root, target, r.onpath)) {
			status = sh->status = 1;
			goto out;
		}
		r.target = target;
	}
	saved_depth = sh->depth;
	sh->depth = depth;
	status = exec_node(&r, io, root);
	sh->depth = saved_depth;
out:
	free(r.onpath);
	parser_free(&ps);
	return status;
}

int sh_run(struct sh *sh, struct io *io, const char *src, size_t n, int depth,
	   bool *incomplete)
{
	return run_src(sh, io, src, n, depth, incomplete, -1);
}

int sh_run_resume(struct sh *sh, struct io *io, const char *src, size_t n,
		  int target)
{
	return run_src(sh, io, src, n, 0, NULL, target);
}

/* ------------------------------------------------------------------ */
/* dispatch                                                            */

static const char *const path_dirs[] = {"/sbin", "/usr/sbin", "/bin",
					"/usr/bin"};

static void not_found(struct sh *sh, struct io *io, const char *name)
{
	struct sh_event_info ei;

	sh_err(sh, io, "%s: not found", name);
	memset(&ei, 0, sizeof ei);
	ei.input = name;
	ei.input_len = strlen(name);
	sh_emit(sh, SH_EV_NOTFOUND, &ei);
}

int sh_exec_argv(struct sh *sh, struct io *io, int argc, char **argv,
		 int depth)
{
	const struct sh_applet *a;
	const char *name = argv[0];
	char abs[CAP_PATH];
	struct vfs_stat st;
	size_t i;
	int rc;

	if (strchr(name, '/')) {
		const char *base = strrchr(name, '/') + 1;

		rc = sh_path(sh, name, abs, sizeof abs);
		if (!rc)
			rc = vfs_stat(sh->fs, abs, &st);
		if (rc) {
			not_found(sh, io, name);
			return 127;
		}
		if (st.type == VFS_DIR) {
			sh_err(sh, io, "%s: Permission denied", name);
			return 126;
		}
		if (st.busybox) {
			char real[CAP_PATH];
			const char *rb;

			/* /bin/echo is itself an applet link; a symlink to
			 * busybox takes the name it was invoked by */
			if (vfs_resolve(sh->fs, abs, true, real, sizeof real) == 0) {
				rb = strrchr(real, '/') + 1;
				if (strcmp(rb, "busybox") != 0)
					base = rb;
			}
			a = sh_applet_find(base);
			if (a && (a->flags & AP_APPLET) && sh_has_applet(sh, base))
				return sh_applet_run(sh, io, a, argc, argv);
			if (sh_has_applet(sh, base))
				return 0;
			sh_printf(sh, io, 2, "%s: applet not found\n", base);
			return 127;
		}
		return sh_exec_file(sh, io, abs, argc, argv, depth);
	}
	a = sh_applet_find(name);
	if (a && (a->flags & AP_BUILTIN))
		return sh_applet_run(sh, io, a, argc, argv);
	if (sh_has_applet(sh, name)) {
		if (a)
			return sh_applet_run(sh, io, a, argc, argv);
		return 0; /* shipped but not emulated: quietly succeed */
	}
	/* files the session placed in $PATH */
	for (i = 0; i < sizeof path_dirs / sizeof path_dirs[0]; i++) {
		if (snprintf(abs, sizeof abs, "%s/%s", path_dirs[i], name) >=
		    (int)sizeof abs)
			continue;
		if (vfs_stat(sh->fs, abs, &st) == 0 && st.type == VFS_FILE &&
		    st.session && (st.mode & 0111))
			return sh_exec_file(sh, io, abs, argc, argv, depth);
	}
	not_found(sh, io, name);
	return 127;
}
