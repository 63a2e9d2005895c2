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

/* Grows one of the parser's arrays (*arr with *cap elements of size elem)
 * to hold one more, charging the growth to ps->mem; false (and PERR_CAP)
 * at CAP_SH_WORDS elements or the account's cap. */
static bool grow(struct parser *ps, void **arr, int *cap, size_t elem, int first)
{
	int nc = *cap ? *cap * 2 : first;
	size_t more = (size_t)(nc - *cap) * elem;
	void *na;

	if (!acct_take(ps->mem, more)) {
		ps->err = PERR_CAP;
		return false;
	}
	na = realloc(*arr, (size_t)nc * elem);
	if (!na) {
		acct_give(ps->mem, more);
		ps->err = PERR_CAP;
		return false;
	}
	*arr = na;
	*cap = nc;
	return true;
}

static int new_node(struct parser *ps, enum nkind k)
{
	struct node *nd;

	if (ps->nnodes >= CAP_SH_WORDS) {
		ps->err = PERR_CAP;
		return -1;
	}
	if (ps->nnodes == ps->capnodes &&
	    !grow(ps, (void **)&ps->nodes, &ps->capnodes, sizeof *ps->nodes, 16))
		return -1;
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
	if (ps->nwords == ps->capwords &&
	    !grow(ps, (void **)&ps->words, &ps->capwords, sizeof *ps->words, 16))
		return false;
	ps->words[ps->nwords++] = *w;
	return true;
}

/* Parses a redirection at the current T_REDIR token. */
static bool add_redir(struct parser *ps)
{
	struct redir r;

	memset(&r, 0, sizeof r);
	r.fd = ps->rfd;
	r.kind = ps->rkind;
	r.hd_strip = ps->hd_strip;
	lex_consume(ps);
	if (lex_peek(ps) == T_REDIR && !ps->err) {
		ps->err = PERR_SYNTAX;
		ps->errmsg = "unexpected redirection";
		return false;
	}
	if (lex_peek(ps) == T_EOF && !ps->err) {
		/* ash does not wait for the target on the next line */
		ps->err = PERR_SYNTAX;
		ps->errmsg = "unexpected newline";
		return false;
	}
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
	if (ps->nredirs == ps->capredirs &&
	    !grow(ps, (void **)&ps->redirs, &ps->capredirs, sizeof *ps->redirs, 8))
		return false;
	if (r.kind == R_HEREDOC) {
		if (ps->nhdpend >= MAX_HEREDOCS) {
			ps->err = PERR_CAP;
			return false;
		}
		ps->hdpend[ps->nhdpend++] = ps->nredirs;
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
static int parse_func(struct parser *ps, int ni);

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

/* Offset in the source of the current token (or of the end). */
static int tok_off(struct parser *ps)
{
	lex_peek(ps);
	return (int)(ps->w.p - ps->s);
}

/* NAME ( ) compound-command, after NAME (node ni becomes N_FUNC). */
static int parse_func(struct parser *ps, int ni)
{
	int body, b0, b1;
	const struct word *w;
	size_t k;

	/* ash reads the ")" first, then judges the name */
	lex_consume(ps);
	if (lex_peek(ps) != T_RPAR) {
		if (ps->t == T_EOF) {
			ps->err = PERR_INCOMPLETE;
			ps->expect = ")";
		} else if (ps->t == T_WORD || ps->t == T_NL) {
			ps->err = PERR_SYNTAX;
			ps->errmsg = ps->t == T_WORD ? "unexpected word (expecting \")\")"
						     : "unexpected newline (expecting \")\")";
		} else {
			syntax(ps);
		}
		return -1;
	}
	lex_consume(ps);
	w = &ps->words[ps->nodes[ni].w0];
	for (k = 0; k < w->n && (k ? sh_name_char(w->p[k]) : sh_name_start(w->p[k])); k++)
		;
	if (k < w->n) {
		ps->err = PERR_SYNTAX;
		ps->errmsg = "bad function name";
		return -1;
	}
	skip_nl(ps);
	b0 = tok_off(ps);
	body = parse_command(ps); /* may realloc ps->nodes */
	if (ps->err)
		return -1;
	b1 = ps->have ? tok_off(ps) : (int)ps->pos;
	if (b1 > (int)ps->n)
		b1 = (int)ps->n;
	ps->nodes[ni].kind = N_FUNC;
	ps->nodes[ni].nw = 1;
	ps->nodes[ni].a = body;
	ps->nodes[ni].b = b0;
	ps->nodes[ni].c = b1;
	return ni;
}

/* case WORD in [(]PAT[|PAT]...) LIST ;; ... esac */
static int parse_case(struct parser *ps)
{
	int ni, prev = -1, it, sub;

	lex_consume(ps);
	ni = new_node(ps, N_CASE);
	if (ni < 0)
		return -1;
	if (lex_peek(ps) != T_WORD) {
		syntax(ps);
		return -1;
	}
	add_word(ps, &ps->w);
	lex_consume(ps);
	ps->nodes[ni].nw = 1;
	skip_nl(ps);
	if (!expect_kw(ps, "in"))
		return -1;
	for (;;) {
		skip_nl(ps);
		if (ps->err || lex_peek_kw(ps, "esac"))
			break;
		it = new_node(ps, N_ITEM);
		if (it < 0)
			return -1;
		if (lex_peek(ps) == T_LPAR)
			lex_consume(ps);
		while (!ps->err) {
			if (lex_peek(ps) != T_WORD) {
				syntax(ps);
				return -1;
			}
			add_word(ps, &ps->w);
			lex_consume(ps);
			if (lex_peek(ps) != T_PIPE)
				break;
			lex_consume(ps);
		}
		ps->nodes[it].nw = ps->nwords - ps->nodes[it].w0;
		if (lex_peek(ps) != T_RPAR) {
			syntax(ps);
			return -1;
		}
		lex_consume(ps);
		sub = parse_list(ps); /* may realloc ps->nodes */
		if (ps->err)
			return -1;
		ps->nodes[it].a = sub;
		if (prev < 0)
			ps->nodes[ni].a = it;
		else
			ps->nodes[prev].b = it;
		prev = it;
		if (lex_peek(ps) == T_DSEMI) {
			lex_consume(ps);
			continue;
		}
		break;
	}
	skip_nl(ps);
	if (!expect_kw(ps, "esac"))
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
			if (ps->nwords - ps->nodes[ni].w0 == 1 && ps->nredirs == first_r &&
			    lex_peek(ps) == T_LPAR)
				return parse_func(ps, ni);
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
	} else if (lex_peek_kw(ps, "case")) {
		ni = parse_case(ps);
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
		if (ps->err || t == T_EOF || t == T_RPAR || t == T_DSEMI ||
		    (t == T_WORD && lex_is_stop_kw(&ps->w)))
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
	acct_give(ps->mem, (size_t)ps->capnodes * sizeof *ps->nodes +
			       (size_t)ps->capwords * sizeof *ps->words +
			       (size_t)ps->capredirs * sizeof *ps->redirs);
	ps->capnodes = ps->capwords = ps->capredirs = 0;
	free(ps->nodes);
	free(ps->words);
	free(ps->redirs);
}

int parse_line(struct parser *ps, const char *src, size_t n, struct acct *mem)
{
	int root;

	memset(ps, 0, sizeof *ps);
	ps->mem = mem;
	ps->s = src;
	ps->n = n;
	root = parse_list(ps);
	if (!ps->err && lex_peek(ps) != T_EOF)
		syntax(ps);
	return ps->err ? -1 : root;
}
