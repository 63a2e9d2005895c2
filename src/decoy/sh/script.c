/* script.c — a script read from a file, as ash reads one: complete
 * commands one at a time, errors named with the file and the line of the
 * command running (sh_int.h: struct sh_script). */
#include <string.h>

#include "sh/parse.h"
#include "sh/sh_int.h"

unsigned sh_count_nl(const char *p, size_t n)
{
	unsigned k = 0;
	const char *e = p + n;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/* The running command's line, when its text lies in the script's chunk
 * (a function body or a $( ) copy keeps the line that called it). */
void sh_scr_mark(struct sh *sh, const char *p)
{
	if (!sh->scr.lined || !sh->scr.src || p < sh->scr.src || p > sh->scr.src + sh->scr.n)
		return;
	sh->scr.line = sh->scr.base + sh_count_nl(sh->scr.src, (size_t)(p - sh->scr.src));
}

int sh_run_script(struct sh *sh, struct io *io, const char *src, size_t n, int depth,
		  const char *name, bool dot)
{
	struct sh_script saved = sh->scr;
	size_t start = 0;
	unsigned line = 1;
	int status = sh->status;

	sh->scr.arg0 = dot ? saved.arg0 : name;
	sh->scr.dotname = dot ? name : NULL;
	sh->scr.lined = name != NULL;
	/* as ash reads a script: one complete command at a time, each run
	 * before the next is parsed (a syntax error ends the script after
	 * what came before it ran) */
	while (start < n && !sh->stop && !sh->exit_req) {
		size_t end = start;
		int err = PERR_NONE;

		for (;;) {
			const char *nl = memchr(src + end, '\n', n - end);
			struct parser ps;

			end = nl ? (size_t)(nl - src) + 1 : n;
			/* an open construct is parsed again as it grows: charged */
			if (!sh_work(sh, end - start)) {
				sh->stop = true;
				break;
			}
			(void)parse_line(&ps, src + start, end - start, sh->mem);
			err = ps.err;
			parse_free(&ps);
			if (err != PERR_INCOMPLETE || end >= n)
				break;
		}
		if (sh->stop)
			break;
		sh->scr.base = line;
		sh->scr.line = line;
		sh->scr.src = src + start;
		sh->scr.n = end - start;
		status = sh_run(sh, io, src + start, end - start, depth, NULL);
		line += sh_count_nl(src + start, end - start);
		start = end;
		if (err != PERR_NONE) {
			status = 2;
			/* a syntax error ends the shell reading the file: a `.`
			 * file's takes its caller's line (or script) with it */
			if (dot) {
				sh->stop = true;
				sh->err_abort = true;
				if (sh->nscript > 0)
					sh->exit_req = true;
			}
			break;
		}
	}
	sh->scr = saved;
	return status;
}
