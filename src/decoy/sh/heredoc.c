/* heredoc.c — here-documents (<<, <<-): the body the lexer found after
 * the command's line becomes the command's standard input, expanded
 * unless the delimiter was quoted.
 */
#include <stdlib.h>
#include <string.h>

#include "sh/expand.h"
#include "sh/redir.h"

int heredoc_apply(struct sh *sh, struct io *io, const struct redir *r, struct frame *f, int depth)
{
	struct buf raw;
	size_t i, len = 0;
	char *text;

	f->path[0] = '\0';
	sh_buf_init(sh, &raw, CAP_LINE * 4);
	/* <<-: leading tabs of every line go */
	for (i = 0; i < r->body.n; i++) {
		if (r->hd_strip && (i == 0 || r->body.p[i - 1] == '\n'))
			while (i < r->body.n && r->body.p[i] == '\t')
				i++;
		if (i < r->body.n)
			(void)buf_addc(&raw, r->body.p[i]);
	}
	if (r->hd_quoted) {
		text = malloc(raw.len + 1);
		if (text) {
			memcpy(text, raw.p ? raw.p : "", raw.len);
			text[raw.len] = '\0';
			len = raw.len;
		}
	} else {
		text = expand_heredoc(sh, io, depth, raw.p ? raw.p : "", raw.len, &len);
	}
	buf_free(&raw);
	if (!text)
		return -1;
	f->indata = (uint8_t *)text;
	f->in.p = f->indata;
	f->in.n = len;
	f->in.pos = 0;
	if (r->fd == 0)
		io->in = &f->in;
	return 0;
}
