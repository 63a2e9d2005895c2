/* exec.c — execution of a parsed line: the tree walked node by node
 * (lists, pipelines, loops, if, groups and subshells), simple commands
 * expanded and dispatched to builtins, applets or files, and the resume of
 * a line that waited for a download.
 *
 * Everything is bounded: tokens (CAP_SH_WORDS), nesting (CAP_SH_DEPTH),
 * loop iterations (CAP_SH_LOOP), commands (SH_MAX_STEPS).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/expand.h"
#include "sh/params.h"
#include "sh/redir.h"

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

/* Runs a compound command's redirections around its body. */
static int exec_with_redirs(struct run *r, struct io *io, const struct node *nd, struct io *cio,
			    struct redirs *rs)
{
	*cio = *io;
	if (redirs_apply(r->sh, cio, io, r->ps, nd->r0, nd->nr, r->depth, rs))
		return -1;
	return 0;
}

static bool is_assignment(const struct word *w)
{
	size_t i;

	if (!w->n || !sh_name_start(w->p[0]))
		return false;
	for (i = 1; i < w->n && sh_name_char(w->p[i]); i++)
		;
	return i < w->n && w->p[i] == '=';
}

/* ------------------------------------------------------------------ */
/* functions                                                           */

/* Special builtins are found before functions (POSIX, ash). */
static bool special_builtin(const char *name)
{
	static const char *const sp[] = {".",	 ":",	  "break",  "continue", "eval",
					 "exec", "exit",  "export", "readonly", "return",
					 "set",	 "shift", "times",  "trap",	"unset"};
	size_t i;

	for (i = 0; i < sizeof sp / sizeof sp[0]; i++)
		if (strcmp(sp[i], name) == 0)
			return true;
	return false;
}

static int func_find(struct sh *sh, const char *name)
{
	int i;

	if (strchr(name, '/') || special_builtin(name))
		return -1;
	for (i = 0; i < sh->nfuncs; i++)
		if (strcmp(sh->funcs[i].name, name) == 0)
			return i;
	return -1;
}

/* name() body: kept as the body's source, parsed again at each call. */
static int func_define(struct sh *sh, const struct parser *ps, const struct node *nd)
{
	const struct word *w = &ps->words[nd->w0];
	char *name, *body;
	size_t n;
	int i;

	if (nd->b < 0 || nd->c < nd->b || w->n == 0 || w->n >= 64)
		return 1;
	n = (size_t)(nd->c - nd->b);
	name = strndup(w->p, w->n);
	body = malloc(n + 1);
	if (!name || !body) {
		free(name);
		free(body);
		return 1;
	}
	memcpy(body, ps->s + nd->b, n);
	body[n] = '\0';
	for (i = 0; i < sh->nfuncs; i++)
		if (strcmp(sh->funcs[i].name, name) == 0)
			break;
	if (i == sh->nfuncs) {
		if (sh->nfuncs >= SH_MAX_FUNCS) {
			free(name);
			free(body);
			return 2;
		}
		sh->nfuncs++;
	} else {
		free(sh->funcs[i].name);
		free(sh->funcs[i].body);
	}
	sh->funcs[i].name = name;
	sh->funcs[i].body = body;
	sh->funcs[i].n = n;
	sh->funcs[i].line = 0;
	if (sh->scr.lined && sh->scr.src && ps->s + nd->b >= sh->scr.src &&
	    ps->s + nd->b <= sh->scr.src + sh->scr.n)
		sh->funcs[i].line =
		    sh->scr.base + sh_count_nl(sh->scr.src, (size_t)(ps->s + nd->b - sh->scr.src));
	return 0;
}

/* Calls function av->v[0] with av->v[1..] as $1…; bounded by the depth
 * cap (a recursive or fork-bomb function ends there, quietly). */
static int call_func(struct run *r, struct io *io, struct argvb *av)
{
	struct sh *sh = r->sh;
	int fi = func_find(sh, av->v[0]), s, k;
	struct params_save sv;
	struct sh_frame fr;
	struct sh_script scr;
	char *body, **fa;
	size_t n;

	if (fi < 0 || r->depth + 1 > CAP_SH_DEPTH)
		return 2;
	n = sh->funcs[fi].n;
	body = malloc(n + 1); /* the function may redefine itself */
	fa = malloc((size_t)(av->n + 1) * sizeof *fa);
	if (!body || !fa) {
		free(body);
		free(fa);
		return 2;
	}
	memcpy(body, sh->funcs[fi].body, n + 1);
	fa[0] = (char *)(sh->pargc > 0 ? sh->pargv[0] : sh_argv0(sh));
	for (k = 1; k < av->n; k++)
		fa[k] = av->v[k];
	fa[av->n] = NULL;
	memset(&fr, 0, sizeof fr);
	fr.up = sh->frame;
	sh->frame = &fr;
	params_enter(sh, &sv, av->n, fa);
	/* in a script, the body's commands have the lines they were written at */
	scr = sh->scr;
	if (sh->funcs[fi].line && sh->scr.lined) {
		sh->scr.src = body;
		sh->scr.n = n;
		sh->scr.base = sh->funcs[fi].line;
	}
	s = sh_run(sh, io, body, n, r->depth + 1, NULL);
	sh->scr.src = scr.src;
	sh->scr.n = scr.n;
	sh->scr.base = scr.base;
	params_leave(sh, &sv);
	sh->frame = fr.up;
	sh->ret = false;
	for (k = fr.n - 1; k >= 0; k--) {
		if (fr.v[k].old)
			sh_setvar(sh, fr.v[k].name, fr.v[k].old, false);
		else
			sh_unsetvar(sh, fr.v[k].name);
		free(fr.v[k].name);
		free(fr.v[k].old);
	}
	free(fa);
	free(body);
	return s;
}

/* case WORD in …: the first item with a matching pattern runs. */
static int exec_case(struct run *r, struct io *io, const struct node *nd)
{
	struct sh *sh = r->sh;
	struct redirs rs = {0};
	struct io cio;
	char *subj;
	int it, s = 0, k;
	bool hit = false;

	if (exec_with_redirs(r, io, nd, &cio, &rs)) {
		redirs_finish(sh, io, &rs, NULL);
		return 1;
	}
	subj = expand_one(sh, io, r->depth, &r->ps->words[nd->w0]);
	for (it = nd->a; subj && it >= 0 && !hit && !sh->stop; it = r->ps->nodes[it].b) {
		int w0 = r->ps->nodes[it].w0, nw = r->ps->nodes[it].nw;

		for (k = 0; k < nw && !hit; k++)
			hit = expand_match(sh, io, r->depth, &r->ps->words[w0 + k], subj);
		if (hit)
			s = exec_node(r, &cio, r->ps->nodes[it].a);
	}
	free(subj);
	redirs_finish(sh, io, &rs, NULL);
	return s;
}

static int exec_cmd(struct run *r, struct io *io, const struct node *nd)
{
	struct sh *sh = r->sh;
	struct argvb av = {0};
	struct redirs rs = {0};
	struct io cio = *io;
	int i = 0, status = 0, rc, k, ntemp = 0;
	bool assigned = false;
	struct {
		char name[64];
		char *old; /* NULL: was unset */
	} temp[8];

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
	if (++sh->steps > SH_MAX_STEPS || !sh_work(sh, SH_WORK_CMD)) {
		sh->stop = true;
		return 1;
	}
	if (nd->nw > 0)
		sh_scr_mark(sh, r->ps->words[nd->w0].p);
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
		if (v && i + 1 >= nd->nw && !sh->stop) { /* only a bare assignment persists */
			sh_setvar(sh, name, v, false);
		} else if (v && !sh->stop && ntemp < (int)(sizeof temp / sizeof temp[0])) {
			/* VAR=x cmd: for the command only */
			const char *old = sh_getvar(sh, name);

			memcpy(temp[ntemp].name, name, eq + 1);
			temp[ntemp].old = old ? strdup(old) : NULL;
			ntemp++;
			sh_setvar(sh, name, v, false);
		}
		free(v);
		assigned = true;
	}
	for (; i < nd->nw && !sh->stop; i++)
		expand_fields(sh, io, r->depth, &r->ps->words[nd->w0 + i], &av);
	if (sh->stop) {
		status = sh->err_abort ? 2 : 1;
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
	if (func_find(sh, av.v[0]) >= 0) {
		status = call_func(r, &cio, &av);
		goto out_redir;
	}
	sh->susp_ok = r->line && !r->blocked && !sh->waiting;
	sh->cur_ni = (int)(nd - r->ps->nodes);
	status = sh_exec_argv(sh, &cio, av.n, av.v, r->depth);
	sh->susp_ok = false;
out_redir:
	redirs_finish(sh, io, &rs, av.n ? av.v[0] : NULL);
out:
	for (k = ntemp - 1; k >= 0; k--) {
		if (temp[k].old)
			sh_setvar(sh, temp[k].name, temp[k].old, false);
		else
			sh_unsetvar(sh, temp[k].name);
		free(temp[k].old);
	}
	argvb_free(&av);
	return status;
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

		if (sh->stop || ++sh->loops > CAP_SH_LOOP || !sh_work(sh, SH_WORK_LOOP))
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
	for (i = 1; i < nd->nw; i++)
		expand_fields(sh, io, r->depth, &r->ps->words[nd->w0 + i], &items);
	if (exec_with_redirs(r, io, nd, &cio, &rs)) {
		status = 1;
		goto out;
	}
	for (i = 0; i < items.n; i++) {
		if (sh->stop || ++sh->loops > CAP_SH_LOOP || !sh_work(sh, SH_WORK_LOOP))
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

/* left | right: the left side's stdout is the right side's stdin. */
static int exec_pipe(struct run *r, struct io *io, const struct node *nd)
{
	struct buf pb;
	struct instream in;
	struct io lio = *io, rio = *io;
	int s;

	sh_buf_init(r->sh, &pb, CAP_SH_OUTPUT);
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
	return s;
}

static int exec_if(struct run *r, struct io *io, const struct node *nd)
{
	struct redirs rs = {0};
	struct io cio;
	int s;

	if (exec_with_redirs(r, io, nd, &cio, &rs)) {
		s = 1;
	} else {
		s = exec_node(r, &cio, nd->a);
		if (r->sh->stop)
			;
		else if (s == 0)
			s = exec_node(r, &cio, nd->b);
		else if (nd->c >= 0)
			s = exec_node(r, &cio, nd->c);
		else
			s = 0;
	}
	redirs_finish(r->sh, io, &rs, NULL);
	return s;
}

/* { list } and ( list ): a subshell keeps its cwd and `exit` to itself. */
static int exec_group(struct run *r, struct io *io, const struct node *nd)
{
	struct sh *sh = r->sh;
	struct redirs rs = {0};
	struct io cio;
	char cwd[CAP_PATH];
	bool saved_stop = sh->stop;
	int s;

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
	return s;
}

static int exec_node(struct run *r, struct io *io, int ni)
{
	struct sh *sh = r->sh;
	const struct node *nd;
	int s = 0;

	if (ni < 0 || sh->stop)
		return sh->status;
	if (sh->brk || sh->cont || sh->ret)
		return sh->ret ? sh->status : 0;
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
	case N_PIPE:
		s = exec_pipe(r, io, nd);
		break;
	case N_FUNC:
		s = func_define(sh, r->ps, nd);
		break;
	case N_ITEM:
		break;
	case N_WHILE:
	case N_UNTIL:
	case N_FOR:
	case N_IF:
	case N_GROUP:
	case N_SUB:
	case N_CASE:
		/* a wait cannot resume into these */
		r->blocked++;
		if (nd->kind == N_CASE)
			s = exec_case(r, io, nd);
		else if (nd->kind == N_FOR)
			s = exec_for(r, io, nd);
		else if (nd->kind == N_IF)
			s = exec_if(r, io, nd);
		else if (nd->kind == N_GROUP || nd->kind == N_SUB)
			s = exec_group(r, io, nd);
		else
			s = exec_loop(r, io, nd);
		r->blocked--;
		break;
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

static int run_src(struct sh *sh, struct io *io, const char *src, size_t n, int depth,
		   bool *incomplete, int target)
{
	struct parser ps;
	struct run r;
	int root, status = sh->status, saved_depth;

	if (incomplete)
		*incomplete = false;
	if (depth > CAP_SH_DEPTH)
		return 1;
	memset(&r, 0, sizeof r);
	root = parse_line(&ps, src, n, sh->mem);
	if (ps.err != PERR_NONE)
		sh_scr_mark(sh, src + (ps.pos < n ? ps.pos : n));
	if (ps.err == PERR_INCOMPLETE && incomplete) {
		*incomplete = true;
		goto out;
	}
	if (ps.err == PERR_INCOMPLETE) {
		if (ps.expect && strcmp(ps.expect, "quote") == 0)
			sh_err(sh, io, "syntax error: unterminated quoted string");
		else if (ps.expect)
			sh_err(sh, io, "syntax error: unexpected end of file (expecting \"%s\")",
			       ps.expect);
		else
			sh_err(sh, io, "syntax error: unexpected end of file");
		status = sh->status = 2;
		goto out;
	}
	if (ps.err == PERR_SYNTAX && ps.errmsg) {
		sh_err(sh, io, "syntax error: %s", ps.errmsg);
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
	parse_free(&ps);
	return status;
}

int sh_run(struct sh *sh, struct io *io, const char *src, size_t n, int depth, bool *incomplete)
{
	return run_src(sh, io, src, n, depth, incomplete, -1);
}

int sh_run_resume(struct sh *sh, struct io *io, const char *src, size_t n, int target)
{
	return run_src(sh, io, src, n, 0, NULL, target);
}

/* ------------------------------------------------------------------ */
/* dispatch                                                            */

static const char *const path_dirs[] = {"/sbin", "/usr/sbin", "/bin", "/usr/bin"};

static void not_found(struct sh *sh, struct io *io, const char *name)
{
	struct sh_event_info ei;

	sh_err(sh, io, "%s: not found", name);
	memset(&ei, 0, sizeof ei);
	ei.input = name;
	ei.input_len = strlen(name);
	sh_emit(sh, SH_EV_NOTFOUND, &ei);
}

int sh_exec_argv(struct sh *sh, struct io *io, int argc, char **argv, int depth)
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
			if (a && (a->flags & AP_APPLET) && sh_has_applet(sh, base)) {
				bool was = sh->child;

				/* a path runs the applet as a process of its own */
				sh->child = true;
				rc = sh_applet_run(sh, io, a, argc, argv);
				sh->child = was;
				return rc;
			}
			if (sh_has_applet(sh, base))
				return 0;
			sh_printf(sh, io, 2, "%s: applet not found\n", base);
			return 127;
		}
		return sh_exec_file(sh, io, abs, argc, argv, depth);
	}
	a = sh_applet_find(name);
	if (sh_builtin_here(sh, a))
		return sh_applet_run(sh, io, a, argc, argv);
	if (sh_has_applet(sh, name)) {
		if (a)
			return sh_applet_run(sh, io, a, argc, argv);
		return 0; /* shipped but not emulated: quietly succeed */
	}
	/* files the session placed in $PATH */
	for (i = 0; i < sizeof path_dirs / sizeof path_dirs[0]; i++) {
		if (snprintf(abs, sizeof abs, "%s/%s", path_dirs[i], name) >= (int)sizeof abs)
			continue;
		if (vfs_stat(sh->fs, abs, &st) == 0 && st.type == VFS_FILE && st.session &&
		    (st.mode & 0111))
			return sh_exec_file(sh, io, abs, argc, argv, depth);
	}
	not_found(sh, io, name);
	return 127;
}
