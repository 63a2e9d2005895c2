/* redir.c — redirections of a command: files opened (or created) before
 * it runs, its output written into them after.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/expand.h"
#include "sh/redir.h"

static const char *create_errmsg(int err)
{
	return err == -ENOENT ? "nonexistent directory" : sh_strerror(err);
}

/* `<file`: stdin reads the image's bytes in place (they never move); a
 * file the session wrote is copied, since the command may write it while
 * reading, and the copy is charged to the session's memory. */
static int redir_in(struct sh *sh, struct io *io, struct io *parent, const struct redir *r,
		    struct frame *f)
{
	const uint8_t *d;
	size_t n;
	int err;

	err = vfs_read(sh->fs, f->path, &d, &n);
	if (err) {
		sh_err(sh, parent, "can't open %s: %s", f->shown,
		       err == -ENOENT ? "no such file" : sh_strerror(err));
		return err;
	}
	if (vfs_is_session_data(sh->fs, d)) {
		if (!sh_mem_take(sh, n + 1))
			return -ENOMEM;
		f->indata = malloc(n + 1);
		if (!f->indata) {
			sh_mem_give(sh, n + 1);
			return -ENOMEM;
		}
		f->charged = n + 1;
		if (n)
			memcpy(f->indata, d, n);
		d = f->indata;
	}
	f->in.p = d;
	f->in.n = n;
	f->in.pos = 0;
	if (r->fd == 0)
		io->in = &f->in;
	f->path[0] = '\0';
	return 0;
}

/* `>file`, `>>file`: the file is created now, written when the command
 * is done. */
static int redir_out(struct sh *sh, struct io *io, struct io *parent, const struct redir *r,
		     struct frame *f)
{
	int err;

	if (r->fd < 1 || r->fd > 2) {
		f->path[0] = '\0';
		return 0;
	}
	if (strcmp(f->path, "/dev/null") == 0) {
		io->out[r->fd].kind = SINK_NULL;
		f->path[0] = '\0';
		return 0;
	}
	if (strcmp(f->path, "/dev/console") == 0 || strcmp(f->path, "/dev/tty") == 0) {
		io->out[r->fd] = parent->out[r->fd];
		f->path[0] = '\0';
		return 0;
	}
	err = vfs_can_create(sh->fs, f->path);
	if (!err)
		err = vfs_write(sh->fs, f->path, "", 0, r->kind == R_APP);
	if (err) {
		sh_err(sh, parent, "can't create %s: %s", f->shown, create_errmsg(err));
		return err;
	}
	io->out[r->fd].kind = SINK_BUF;
	io->out[r->fd].b = &f->b;
	if (r->fd == 1)
		io->out_path = f->path;
	return 0;
}

/* One redirection into frame f. */
static int redir_one(struct sh *sh, struct io *io, struct io *parent, const struct redir *r,
		     struct frame *f, int depth)
{
	char *target;
	int err;

	sh_buf_init(sh, &f->b, vfs_max_bytes(sh->fs));
	if (r->kind == R_HEREDOC)
		return heredoc_apply(sh, io, r, f, depth);
	target = expand_one(sh, io, depth, &r->target);
	if (!target)
		return -ENOMEM;
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
		return 0;
	}
	err = sh_path(sh, target, f->path, sizeof f->path);
	free(target);
	if (err) {
		sh_err(sh, parent, "can't create %s: %s", f->shown, sh_strerror(err));
		return err;
	}
	if (r->kind == R_IN)
		return redir_in(sh, io, parent, r, f);
	return redir_out(sh, io, parent, r, f);
}

int redirs_apply(struct sh *sh, struct io *io, struct io *parent, const struct parser *ps, int r0,
		 int nr, int depth, struct redirs *rs)
{
	int i, rc = 0;

	rs->f = NULL;
	rs->n = 0;
	rs->charged = 0;
	if (nr <= 0)
		return 0;
	if (!sh_mem_take(sh, (size_t)nr * sizeof *rs->f))
		return -ENOMEM;
	rs->f = calloc((size_t)nr, sizeof *rs->f);
	if (!rs->f) {
		sh_mem_give(sh, (size_t)nr * sizeof *rs->f);
		return -ENOMEM;
	}
	rs->charged = (size_t)nr * sizeof *rs->f;
	for (i = 0; i < nr && !rc; i++)
		rc = redir_one(sh, io, parent, &ps->redirs[r0 + i], &rs->f[rs->n++], depth);
	return rc;
}

/* Writes what the command produced into the files and frees frames. */
void redirs_finish(struct sh *sh, struct io *parent, struct redirs *rs, const char *cmd)
{
	int i;

	for (i = 0; i < rs->n; i++) {
		struct frame *f = &rs->f[i];

		if (f->path[0] && f->b.len) {
			int err = vfs_write(sh->fs, f->path, f->b.p, f->b.len, true);

			if (err)
				sh_printf(sh, parent, 2, "%s: write error: %s\n", cmd ? cmd : "sh",
					  sh_strerror(err));
		}
		buf_free(&f->b);
		free(f->indata);
		sh_mem_give(sh, f->charged);
	}
	free(rs->f);
	sh_mem_give(sh, rs->charged);
	rs->charged = 0;
	rs->f = NULL;
	rs->n = 0;
}
