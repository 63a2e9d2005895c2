/* parse.c — the shell's parser: a line into a small tree (nodes, words
 * and redirections in arrays the parser owns, see parse.h).
 *
 * The arrays grow with realloc: never hold a pointer or an lvalue into
 * them across a call that may add to them. `ps->nodes[ni].a =
 * parse_list(ps)` writes into freed memory when the call grows ps->nodes
 * (GCC computes the left side first); keep the result in a local, then
 * index. scripts/check-growptr.sh fails the build on that pattern.
 */
#include <stdlib.h>
#include <string.h>

#include "sh/parse.h"

static void syntax(struct parser *ps)
{
	if (ps->err)
		return;
	if (lex_peek(ps) == T_EOF) {
		ps->err = PERR_INCOMPLETE;
		return;
	}
	ps->err = PERR_SYNTAX;
	if (ps->t == T_WORD)
		lex_tok_text(ps, ps->w.p, ps->w.n);
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
	lex_consume(ps);
	if (lex_peek(ps) != T_WORD) {
		syntax(ps);
		return false;
	}
	r.target = ps->w;
	lex_consume(ps);
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
	while (lex_peek(ps) == T_NL)
		lex_consume(ps);
}

static bool expect_kw(struct parser *ps, const char *kw)
{
	if (ps->err)
		return false;
	if (lex_peek_kw(ps, kw)) {
		lex_consume(ps);
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
	while (!ps->err && lex_peek(ps) == T_REDIR)
		add_redir(ps);
	ps->nodes[ni].nr = ps->nredirs - ps->nodes[ni].r0;
}

static int parse_command(struct parser *ps);

static int parse_if(struct parser *ps)
{
	int ni = new_node(ps, N_IF), c, b, sub;

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
	if (lex_peek_kw(ps, "elif")) {
		lex_consume(ps);
		sub = parse_if(ps); /* may realloc ps->nodes */
		ps->nodes[ni].c = sub;
		return ps->err ? -1 : ni;
	}
	if (lex_peek_kw(ps, "else")) {
		lex_consume(ps);
		sub = parse_list(ps); /* may realloc ps->nodes */
		ps->nodes[ni].c = sub;
	}
	if (!expect_kw(ps, "fi"))
		return -1;
	return ni;
}

/* ( list ) */
static int parse_subshell(struct parser *ps)
{
	int ni, sub;

	lex_consume(ps);
	ni = new_node(ps, N_SUB);
	if (ni < 0)
		return -1;
	sub = parse_list(ps); /* may realloc ps->nodes */
	ps->nodes[ni].a = sub;
	if (ps->err)
		return -1;
	if (lex_peek(ps) != T_RPAR) {
		ps->expect = ")";
		syntax(ps);
		return -1;
	}
	lex_consume(ps);
	trailing_redirs(ps, ni);
	return ni;
}

/* while|until list do list done */
static int parse_loop(struct parser *ps)
{
	bool until = lex_word_is(&ps->w, "until");
	int ni, c, b;

	lex_consume(ps);
	ni = new_node(ps, until ? N_UNTIL : N_WHILE);
	if (ni < 0)
		return -1;
	c = parse_list(ps);
	if (!expect_kw(ps, "do"))
		return -1;
	b = parse_list(ps);
	if (!expect_kw(ps, "done"))
		return -1;
	ps->nodes[ni].a = c;
	ps->nodes[ni].b = b;
	trailing_redirs(ps, ni);
	return ni;
}

/* { list } */
static int parse_group(struct parser *ps)
{
	int ni, sub;

	lex_consume(ps);
	ni = new_node(ps, N_GROUP);
	if (ni < 0)
		return -1;
	sub = parse_list(ps); /* may realloc ps->nodes */
	ps->nodes[ni].a = sub;
	if (!expect_kw(ps, "}"))
		return -1;
	trailing_redirs(ps, ni);
	return ni;
}

/* for NAME [in WORD...] do list done */
static int parse_for(struct parser *ps)
{
	int ni, sub;

	lex_consume(ps);
	ni = new_node(ps, N_FOR);
	if (ni < 0)
		return -1;
	if (lex_peek(ps) != T_WORD) {
		syntax(ps);
		return -1;
	}
	add_word(ps, &ps->w);
	lex_consume(ps);
	if (lex_peek(ps) == T_SEMI)
		lex_consume(ps);
	skip_nl(ps);
	if (lex_peek_kw(ps, "in")) {
		lex_consume(ps);
		while (!ps->err && lex_peek(ps) == T_WORD) {
			add_word(ps, &ps->w);
			lex_consume(ps);
		}
		if (lex_peek(ps) == T_SEMI || lex_peek(ps) == T_NL)
			lex_consume(ps);
	}
	ps->nodes[ni].nw = ps->nwords - ps->nodes[ni].w0;
	skip_nl(ps);
	if (!expect_kw(ps, "do"))
		return -1;
	sub = parse_list(ps); /* may realloc ps->nodes */
	ps->nodes[ni].b = sub;
	if (!expect_kw(ps, "done"))
		return -1;
	trailing_redirs(ps, ni);
	return ni;
}

/* A simple command: words and redirections interleaved. */
static int parse_simple(struct parser *ps)
{
	int ni = new_node(ps, N_CMD), first_r;

	if (ni < 0)
		return -1;
	first_r = ps->nredirs;
	while (!ps->err) {
		enum tok t = lex_peek(ps);

		if (t == T_WORD) {
			add_word(ps, &ps->w);
			lex_consume(ps);
		} else if (t == T_REDIR) {
			add_redir(ps);
		} else {
			break;
		}
	}
	ps->nodes[ni].nw = ps->nwords - ps->nodes[ni].w0;
	ps->nodes[ni].r0 = first_r;
	ps->nodes[ni].nr = ps->nredirs - first_r;
	return ni;
}

static int parse_command(struct parser *ps)
{
	int ni = -1;
	enum tok t;

	if (++ps->depth > PARSE_DEPTH) {
		ps->err = PERR_CAP;
		return -1;
	}
	t = lex_peek(ps);
	if (t == T_LPAR) {
		ni = parse_subshell(ps);
	} else if (t != T_WORD && t != T_REDIR) {
		syntax(ps);
	} else if (t == T_WORD && (lex_word_is(&ps->w, "while") || lex_word_is(&ps->w, "until"))) {
		ni = parse_loop(ps);
	} else if (lex_peek_kw(ps, "if")) {
		lex_consume(ps);
		ni = parse_if(ps);
		if (ni >= 0)
			trailing_redirs(ps, ni);
	} else if (lex_peek_kw(ps, "{")) {
		ni = parse_group(ps);
	} else if (lex_peek_kw(ps, "for")) {
		ni = parse_for(ps);
	} else if (t == T_WORD && lex_is_stop_kw(&ps->w)) {
		syntax(ps);
	} else {
		ni = parse_simple(ps);
	}
	ps->depth--;
	return ps->err ? -1 : ni;
}

static int parse_pipeline(struct parser *ps)
{
	bool neg = false;
	int left, ni, sub;

	if (lex_peek_kw(ps, "!")) {
		lex_consume(ps);
		neg = true;
	}
	left = parse_command(ps);
	while (!ps->err && lex_peek(ps) == T_PIPE) {
		lex_consume(ps);
		skip_nl(ps);
		ni = new_node(ps, N_PIPE);
		if (ni < 0)
			return -1;
		ps->nodes[ni].a = left;
		sub = parse_command(ps); /* may realloc ps->nodes */
		ps->nodes[ni].b = sub;
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
	int left = parse_pipeline(ps), ni, sub;

	while (!ps->err && (lex_peek(ps) == T_AND || lex_peek(ps) == T_OR)) {
		enum nkind k = ps->t == T_AND ? N_AND : N_OR;

		lex_consume(ps);
		skip_nl(ps);
		ni = new_node(ps, k);
		if (ni < 0)
			return -1;
		ps->nodes[ni].a = left;
		sub = parse_pipeline(ps); /* may realloc ps->nodes */
		ps->nodes[ni].b = sub;
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
		t = lex_peek(ps);
		if (ps->err || t == T_EOF || t == T_RPAR || (t == T_WORD && lex_is_stop_kw(&ps->w)))
			break;
		item = parse_andor(ps);
		if (ps->err)
			break;
		t = lex_peek(ps);
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
			lex_consume(ps);
			continue;
		}
		break;
	}
	ps->depth--;
	return ps->err ? -1 : left;
}

void parse_free(struct parser *ps)
{
	free(ps->nodes);
	free(ps->words);
	free(ps->redirs);
}

int parse_line(struct parser *ps, const char *src, size_t n)
{
	int root;

	memset(ps, 0, sizeof *ps);
	ps->s = src;
	ps->n = n;
	root = parse_list(ps);
	if (!ps->err && lex_peek(ps) != T_EOF)
		syntax(ps);
	return ps->err ? -1 : root;
}
