/* redir.h — redirections of a command (redir.c).
 *
 * redirs_apply() points the command's io at buffers (output), at copies of
 * files (input) or at the terminal or nowhere; redirs_finish() writes what
 * the command produced into the files and frees everything.
 */
#ifndef TANUKI_SH_REDIR_H
#define TANUKI_SH_REDIR_H

#include "sh/parse.h"

/* One redirection in effect. */
struct frame {
	char path[CAP_PATH]; /* absolute; empty for input/dup frames */
	char shown[CAP_PATH];
	struct buf b;
	struct instream in;
	uint8_t *indata; /* a copy of a session file, or NULL */
	size_t charged;	 /* bytes of indata on the memory account */
};

struct redirs {
	struct frame *f;
	int n;
	size_t charged; /* bytes of f on the memory account */
};

/* Applies redirections r0..r0+nr of ps to io (a copy of parent's); prints
 * ash's message on parent on failure and returns -errno. Whatever the
 * result, call redirs_finish() after. */
int redirs_apply(struct sh *sh, struct io *io, struct io *parent, const struct parser *ps, int r0,
		 int nr, int depth, struct redirs *rs);
/* Writes the command's output (cmd names it in a write error) into the
 * files and frees the frames. */
void redirs_finish(struct sh *sh, struct io *parent, struct redirs *rs, const char *cmd);

/* heredoc.c: a here-document as the command's input (frame f). */
int heredoc_apply(struct sh *sh, struct io *io, const struct redir *r, struct frame *f, int depth);

#endif
