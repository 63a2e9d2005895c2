/* parse.h — the shell's syntax tree, lexer (lex.c) and parser (parse.c).
 *
 * A line parses into nodes, words and redirections kept in three arrays
 * the parser owns (freed by parse_free() when the line is done). Nodes
 * refer to each other and to their words and redirections by index, never
 * by pointer: the arrays grow with realloc while the line is parsed. Never
 * hold a pointer into them, nor write `X[i].f = call()` where the call may
 * grow X (scripts/check-growptr.sh); put the result in a local first.
 *
 * Words are raw slices of the source (quotes and $… untouched) until their
 * command runs (expand.c).
 */
#ifndef TANUKI_SH_PARSE_H
#define TANUKI_SH_PARSE_H

#include <stdbool.h>
#include <stddef.h>

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

enum rkind { R_OUT, R_APP, R_IN, R_DUP, R_HEREDOC };

struct redir {
	int fd;
	enum rkind kind;
	struct word target;
	/* R_HEREDOC: the body (the lines after the command's line, up to the
	 * delimiter line); quoted delimiter: no expansion; <<-: tabs go */
	struct word body;
	bool hd_quoted, hd_strip;
};

#define MAX_HEREDOCS 16

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
	N_FUNC, /* name() body: w0 the name, a the body, b..c its source span */
	N_CASE, /* case WORD in …: w0 the word, a the first item */
	N_ITEM, /* pattern|pattern) list: w0/nw the patterns, a the list, b the next */
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
	const char *errmsg;	  /* PERR_SYNTAX with its own text ("bad function name") */
	bool hd_strip;		  /* the redirection just lexed is <<- */
	int hdpend[MAX_HEREDOCS]; /* here-documents whose body comes next line */
	int nhdpend;
	const char *expect;
	int depth;
	struct acct *mem; /* charged for the three arrays (NULL: uncharged) */
};

/* --- lex.c --- */
/* The current token (lexed on demand) and moving past it. */
enum tok lex_peek(struct parser *ps);
void lex_consume(struct parser *ps);
/* The current token is the word kw. */
bool lex_peek_kw(struct parser *ps, const char *kw);
bool lex_word_is(const struct word *w, const char *kw);
/* A reserved word that closes a construct (do done then else elif fi } esac). */
bool lex_is_stop_kw(const struct word *w);
/* Keeps up to 23 bytes of p as the token named in a syntax error. */
void lex_tok_text(struct parser *ps, const char *p, size_t n);
/* At s[*i], the opening character: to just past the closing one (close),
 * honouring backslashes if escapes. False if the source ends first. */
bool lex_skip_until(const char *s, size_t n, size_t *i, char close, bool escapes);
/* At s[*i] == '{' (after '$'): to just past the matching '}'. */
bool lex_skip_brace(const char *s, size_t n, size_t *i);
/* At s[*i] == '(' (after '$'): to just past the matching ')'. */
bool lex_skip_paren(const char *s, size_t n, size_t *i);

/* Characters of a shell variable name. */
static inline bool sh_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static inline bool sh_name_char(char c)
{
	return sh_name_start(c) || (c >= '0' && c <= '9');
}

/* --- parse.c --- */
/* Parses src[0..n) into ps (which it clears first); returns the root node
 * or -1 (ps->err says why: PERR_INCOMPLETE with ps->expect, PERR_SYNTAX
 * with ps->errtok, PERR_CAP — also when mem, charged for the parser's
 * arrays, is at its cap). The source must outlive ps. */
int parse_line(struct parser *ps, const char *src, size_t n, struct acct *mem);
void parse_free(struct parser *ps);

#endif
