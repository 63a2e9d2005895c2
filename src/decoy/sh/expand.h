/* expand.h — word expansion (expand.c): a raw word of the syntax tree into
 * the strings a command sees.
 */
#ifndef TANUKI_SH_EXPAND_H
#define TANUKI_SH_EXPAND_H

#include "sh/parse.h"

/* A growing NULL-terminated argument vector (at most CAP_SH_WORDS; past
 * that, or out of memory, words are dropped and `full` is set). Start it
 * zeroed; argvb_free() releases the strings and the vector. */
struct argvb {
	char **v;
	int n, cap;
	bool full;	  /* a word was refused (CAP_SH_WORDS or memory) */
	bool oom;	  /* ... for memory */
	struct acct *mem; /* charged for the strings and the array */
	size_t charged;
};

void argvb_free(struct argvb *a);

/* Expands w with field splitting and globbing, adding the fields to out.
 * depth is the nesting of the running sh_run() ($(…) runs one deeper). */
void expand_fields(struct sh *sh, struct io *io, int depth, const struct word *w,
		   struct argvb *out);
/* Expands w to one string (no splitting, no globbing); caller frees; NULL
 * when out of memory. */
char *expand_one(struct sh *sh, struct io *io, int depth, const struct word *w);

/* Expands w as a pattern (quoted characters literal) and matches it
 * against s (case patterns). */
bool expand_match(struct sh *sh, struct io *io, int depth, const struct word *w, const char *s);

/* A here-document's body with $…, `…` and \$ \` \\ \newline done (no
 * splitting, quotes kept); *len its length; caller frees; NULL if out of
 * memory. */
char *expand_heredoc(struct sh *sh, struct io *io, int depth, const char *s, size_t n, size_t *len);

#endif
