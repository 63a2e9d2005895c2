/* sh.c — the shell's public API: levels (CLI, ash, sh, su), prompts,
 * terminal output with the per-line cap, events and variables. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/applet.h"
#include "sh/params.h"
#include "sh/sh_int.h"

/* ------------------------------------------------------------------ */
/* output and events                                                   */

void sh_term(struct sh *sh, const void *p, size_t n)
{
	if (sh->inject || !n)
		return;
	if (sh->out_used >= CAP_SH_OUTPUT)
		return;
	if (n > CAP_SH_OUTPUT - sh->out_used)
		n = CAP_SH_OUTPUT - sh->out_used;
	sh->out_used += n;
	if (sh->host.out_cut)
		sh->host.out_cut(sh->host.ctx, p, n);
	else if (sh->host.out)
		sh->host.out(sh->host.ctx, p, n);
}

void sh_write(struct sh *sh, struct io *io, int fd, const void *p, size_t n)
{
	struct sink *s;

	if (fd < 1 || fd > 2 || !n)
		return;
	(void)sh_work(sh, n);
	s = &io->out[fd];
	switch (s->kind) {
	case SINK_TERM:
		sh_term(sh, p, n);
		break;
	case SINK_BUF:
		/* a pipe or a redirection: what fits in its bound is kept (a
		 * reader such as `head -c 4` has its bytes from the start);
		 * past the memory account the command runs out of memory */
		if (s->b) {
			int rc = buf_add(s->b, p, n);

			if (rc == -ENOBUFS && s->b->len < s->b->max)
				rc = buf_add(s->b, p, s->b->max - s->b->len);
			if (rc == -ENOMEM) {
				sh->oom = true;
				sh->stop = true;
			}
		}
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

/* Prompts and banners are not part of a command's output cap. */
static void term_raw(struct sh *sh, const void *p, size_t n)
{
	if (!sh->inject && n && sh->host.out)
		sh->host.out(sh->host.ctx, p, n);
}

void sh_emit(struct sh *sh, enum sh_event ev, const struct sh_event_info *i)
{
	if (sh->host.event)
		sh->host.event(sh->host.ctx, ev, i);
}

/* ------------------------------------------------------------------ */
/* variables                                                           */

static struct sh_var *var_find(struct sh *sh, const char *name)
{
	int i;

	for (i = 0; i < sh->nvars; i++)
		if (strcmp(sh->vars[i].name, name) == 0)
			return &sh->vars[i];
	return NULL;
}

const char *sh_getvar(struct sh *sh, const char *name)
{
	struct sh_var *v = var_find(sh, name);

	return v ? v->val : NULL;
}

int sh_setvar(struct sh *sh, const char *name, const char *val, bool exp)
{
	struct sh_var *v = var_find(sh, name);
	char *nv;
	size_t n = strlen(val);

	if (n > CAP_LINE)
		n = CAP_LINE;
	nv = malloc(n + 1);
	if (!nv)
		return -ENOMEM;
	memcpy(nv, val, n);
	nv[n] = '\0';
	if (!v) {
		if (sh->nvars >= CAP_SH_VARS) {
			free(nv);
			return -ENOSPC;
		}
		v = &sh->vars[sh->nvars];
		v->name = strdup(name);
		if (!v->name) {
			free(nv);
			return -ENOMEM;
		}
		v->val = NULL;
		v->exported = false;
		sh->nvars++;
	}
	free(v->val);
	v->val = nv;
	v->exported = v->exported || exp;
	return 0;
}

void sh_unsetvar(struct sh *sh, const char *name)
{
	struct sh_var *v = var_find(sh, name);
	int i;

	if (!v)
		return;
	i = (int)(v - sh->vars);
	free(v->name);
	free(v->val);
	memmove(&sh->vars[i], &sh->vars[i + 1], (size_t)(sh->nvars - i - 1) * sizeof sh->vars[0]);
	sh->nvars--;
}

/* ------------------------------------------------------------------ */
/* levels and prompts                                                  */

const char *sh_argv0(const struct sh *sh)
{
	if (sh->nscript > 0 || (sh->nlev > 0 && sh->lev[sh->nlev - 1].nested))
		return "sh";
	return "-sh";
}

bool sh_is_root(const struct sh *sh)
{
	return sh->nlev > 0 ? sh->lev[sh->nlev - 1].root : false;
}

static void print_prompt(struct sh *sh)
{
	const struct pstr *ps;
	struct buf b;
	size_t i;

	if (sh->inject || sh->mode == SH_MODE_DONE)
		return;
	if (sh->cli) {
		term_raw(sh, sh->p->cli_prompt.p, sh->p->cli_prompt.n);
		return;
	}
	ps = sh_is_root(sh) ? &sh->p->prompt_root : &sh->p->prompt_user;
	sh_buf_init(sh, &b, CAP_PATH * 4);
	for (i = 0; i < ps->n; i++) {
		if (ps->p[i] == '%' && i + 1 < ps->n) {
			char c = ps->p[i + 1];

			if (c == 'w') {
				(void)buf_adds(&b, sh->cwd);
				i++;
				continue;
			}
			if (c == 'h') {
				(void)buf_adds(&b, sh->p->hostname ? sh->p->hostname : "");
				i++;
				continue;
			}
			if (c == '%') {
				(void)buf_addc(&b, '%');
				i++;
				continue;
			}
		}
		(void)buf_addc(&b, ps->p[i]);
	}
	term_raw(sh, b.p, b.len);
	buf_free(&b);
}

bool sh_push_level(struct sh *sh, bool root, bool banner)
{
	if (sh->nlev >= SH_MAX_LEVELS)
		return false;
	sh->lev[sh->nlev].nested = false;
	sh->lev[sh->nlev++].root = root;
	vfs_set_creator(sh->fs, !root); /* what su's shell makes is root's */
	sh->cli = false;
	sh->mode = SH_MODE_SHELL;
	if (banner)
		sh_term(sh, sh->p->shell_banner.p, sh->p->shell_banner.n);
	return true;
}

void sh_exit_level(struct sh *sh)
{
	if (sh->nlev > 0)
		sh->nlev--;
	vfs_set_creator(sh->fs, !sh_is_root(sh));
	if (sh->nlev > 0)
		return;
	if (sh->p->cli && !sh->inject) {
		sh->cli = true;
		sh->mode = SH_MODE_CLI;
		return;
	}
	sh->mode = SH_MODE_DONE;
}

/* ------------------------------------------------------------------ */
/* public API                                                          */

/* Shells whose host names no pool share this one (the daemon today; a
 * host that owns a pool passes it in sh_host.fs). */
static struct vfs_pool fs_default = {CAP_FS_SESSION, CAP_FS_TOTAL, 0};

void sh_buf_init(struct sh *sh, struct buf *b, size_t max)
{
	buf_init_acct(b, max, sh->mem);
}

bool sh_mem_take(struct sh *sh, size_t n)
{
	if (acct_take(sh->mem, n))
		return true;
	sh->oom = true;
	sh->stop = true;
	return false;
}

void sh_mem_give(struct sh *sh, size_t n)
{
	acct_give(sh->mem, n);
}

bool sh_work(struct sh *sh, uint64_t units)
{
	size_t rd = vfs_read_bytes(sh->fs);

	units += rd - sh->fs_read_seen;
	sh->fs_read_seen = rd;
	sh->work += units;
	sh->work_total += units;
	if (sh->work > CAP_SH_WORK_LINE || sh->work_total > CAP_SH_WORK_SESSION) {
		sh->overworked = true;
		sh->stop = true;
		return false;
	}
	return !sh->overworked;
}

struct vfs_pool *sh_fs_default(void)
{
	return &fs_default;
}

void sh_fs_limits(size_t session_bytes, size_t total_bytes)
{
	fs_default.session_max = session_bytes;
	fs_default.total_max = total_bytes;
}

/* The PID of a new login shell: the device's counter moves on as its
 * daemons fork now and then, and by a few for every login (telnetd forks,
 * login, the shell; what the sessions before ran). Wraps as pid_max does. */
static uint32_t shell_pid(const struct persona *p, const struct sh_host *host)
{
	static uint32_t logins;
	uint32_t base = p->pid_next ? p->pid_next : p->pid_base + 600;
	int64_t now = host->now ? host->now(host->ctx) : 0;
	int64_t up = now - (int64_t)p->boot_time;
	uint32_t pid = base + 3 * logins++ + (uint32_t)((up > 0 ? up : 0) / 420);

	return pid < 32000 ? pid : 300 + pid % 31700;
}

struct sh *sh_new(const struct persona *p, const struct sh_host *host, bool root)
{
	struct sh *sh = calloc(1, sizeof *sh);

	if (!sh)
		return NULL;
	sh->p = p;
	sh->host = *host;
	acct_init(&sh->own_mem, CAP_MEM_SESSION, NULL);
	sh->mem = host->mem ? host->mem : &sh->own_mem;
	sh->fs = vfs_new(p, host->fs ? host->fs : &fs_default);
	if (!sh->fs) {
		free(sh);
		return NULL;
	}
	memcpy(sh->cwd, "/", 2);
	snprintf(sh->user, sizeof sh->user, "%s", root ? "root" : "admin");
	sh_buf_init(sh, &sh->pending, CAP_LINE * 4);
	sh_buf_init(sh, &sh->queue, CAP_SH_QUEUE);
	sh->susp_ni = -1;
	sh->pid = shell_pid(p, host);
	sh->next_pid = sh->pid + 1;
	procfs_attach(&sh->procfs, sh);
	if (p->cli) {
		sh->cli = true;
		sh->mode = SH_MODE_CLI;
		sh->lev[0].root = root; /* used when the CLI enters the shell */
	} else {
		sh->nlev = 1;
		sh->lev[0].root = root;
		sh->mode = SH_MODE_SHELL;
	}
	sh_setvar(sh, "PATH", "/sbin:/usr/sbin:/bin:/usr/bin", true);
	sh_setvar(sh, "HOME", root ? "/" : "/", true);
	sh_setvar(sh, "SHELL", "/bin/sh", true);
	sh_setvar(sh, "USER", sh->user, true);
	sh_setvar(sh, "LOGNAME", sh->user, true);
	sh_setvar(sh, "TERM", "vt102", true);
	sh_setvar(sh, "PWD", "/", true);
	sh_setvar(sh, "PS1", sh_is_root(sh) ? "# " : "$ ", false);
	sh_setvar(sh, "IFS", " \t\n", false);
	/* the variables ash itself sets (`set` lists them) */
	if (ap_bb_minor(sh) >= 23) /* ash exports SHLVL from 1_23_0 (5680e9845) */
		sh_setvar(sh, "SHLVL", "1", true);
	sh_setvar(sh, "FUNCNAME", "", false);
	sh_setvar(sh, "HISTFILE", "/.ash_history", false);
	sh_setvar(sh, "HOSTNAME", p->hostname ? p->hostname : "", false);
	sh_setvar(sh, "LINENO", "", false);
	sh_setvar(sh, "OPTIND", "1", false);
	sh_setvar(sh, "PS2", "> ", false);
	sh_setvar(sh, "PS4", "+ ", false);
	return sh;
}

void sh_set_conn(struct sh *sh, const char *local, unsigned lport, const char *peer, unsigned pport)
{
	snprintf(sh->conn_local, sizeof sh->conn_local, "%s", local ? local : "");
	snprintf(sh->conn_peer, sizeof sh->conn_peer, "%s", peer ? peer : "");
	sh->conn_lport = lport;
	sh->conn_pport = pport;
}

void sh_set_user(struct sh *sh, const char *user)
{
	snprintf(sh->user, sizeof sh->user, "%s", user);
	sh_setvar(sh, "USER", sh->user, true);
	sh_setvar(sh, "LOGNAME", sh->user, true);
}

void sh_free(struct sh *sh)
{
	int i;

	if (!sh)
		return;
	for (i = 0; i < sh->nvars; i++) {
		free(sh->vars[i].name);
		free(sh->vars[i].val);
	}
	for (i = 0; i < sh->nfuncs; i++) {
		free(sh->funcs[i].name);
		free(sh->funcs[i].body);
	}
	params_free(sh);
	buf_free(&sh->pending);
	buf_free(&sh->queue);
	free(sh->susp_src);
	vfs_free(sh->fs);
	free(sh);
}

enum sh_mode sh_mode(const struct sh *sh)
{
	return sh->mode;
}

bool sh_waiting(const struct sh *sh)
{
	return sh->waiting;
}

static void set_now(struct sh *sh)
{
	if (sh->host.now)
		vfs_set_now(sh->fs, (time_t)sh->host.now(sh->host.ctx));
}

static void line_reset(struct sh *sh)
{
	vfs_set_creator(sh->fs, !sh_is_root(sh));
	sh->out_used = 0;
	sh->loops = 0;
	sh->steps = 0;
	sh->work = 0;
	sh->oom = false;
	sh->overworked = false;
	sh->stop = false;
	sh->err_abort = false;
	sh->exit_req = false;
	sh->brk = sh->cont = false;
	set_now(sh);
}

void sh_start(struct sh *sh)
{
	set_now(sh);
	if (!sh->cli) {
		line_reset(sh);
		sh_login(sh);
		line_reset(sh);
	}
	term_raw(sh, sh->p->motd.p, sh->p->motd.n);
	print_prompt(sh);
}

static void run_cli(struct sh *sh, const char *line, size_t n)
{
	const struct persona *p = sh->p;
	size_t i = 0, s, k;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	s = i;
	while (i < n && line[i] != ' ' && line[i] != '\t')
		i++;
	if (i == s)
		goto prompt;
	for (k = 0; k < p->nclicmds; k++) {
		const struct persona_clicmd *c = &p->clicmds[k];

		if (strlen(c->name) != i - s || memcmp(c->name, line + s, i - s))
			continue;
		term_raw(sh, c->output.p, c->output.n);
		if (c->action == CLI_EXIT) {
			sh->mode = SH_MODE_DONE;
			return;
		}
		if (c->action == CLI_SHELL)
			sh_push_level(sh, sh->lev[0].root, true);
		goto prompt;
	}
	term_raw(sh, p->cli_unknown.p, p->cli_unknown.n);
prompt:
	print_prompt(sh);
}

static void run_password(struct sh *sh, const char *line, size_t n)
{
	const char *want = sh->p->su_password;
	struct sh_event_info ei;
	bool ok = want && strlen(want) == n && memcmp(want, line, n) == 0;

	sh->mode = SH_MODE_SHELL;
	sh->pw_pending = false;
	memset(&ei, 0, sizeof ei);
	ei.input = line;
	ei.input_len = n;
	ei.status = ok ? 0 : 1;
	sh_emit(sh, SH_EV_SU, &ei);
	sh_term(sh, "\n", 1);
	if (ok)
		sh_push_level(sh, true, false);
	else
		sh_term(sh, "su: incorrect password\n", 23);
	print_prompt(sh);
}

static void term_io(struct io *io)
{
	memset(io, 0, sizeof *io);
	io->out[1].kind = SINK_TERM;
	io->out[2].kind = SINK_TERM;
}

/* A line that ran out of memory or work ends as ash shows it: "out of
 * memory" from the shell, or the job killed by a signal ("Killed", status
 * 137, what the OOM killer leaves). Past the session's work budget the
 * shell itself is gone and the session ends. */
static void line_limits(struct sh *sh)
{
	struct io io;

	term_io(&io);
	if (sh->oom) {
		sh->oom = false;
		sh_err(sh, &io, "out of memory");
		sh->status = 2;
	}
	if (sh->overworked) {
		sh->overworked = false;
		sh_term(sh, "Killed\n", 7);
		sh->status = 137;
		if (sh->work_total > CAP_SH_WORK_SESSION)
			sh->mode = SH_MODE_DONE;
	}
}

/* After a line ran (or resumed): keep it while a command waits, else
 * finish it and prompt. */
static void line_done(struct sh *sh, const char *src, size_t n)
{
	if (sh->waiting) {
		free(sh->susp_src);
		sh->susp_src = malloc(n ? n : 1);
		sh->susp_n = n;
		if (sh->susp_src && n)
			memcpy(sh->susp_src, src, n);
		/* without a copy the rest of the line is lost, the wait is not */
		buf_reset(&sh->pending);
		return;
	}
	buf_reset(&sh->pending);
	line_limits(sh);
	if (sh->mode == SH_MODE_DONE)
		return;
	if (sh->work >= SH_WORK_SLICE && sh->host.pause)
		sh->host.pause(sh->host.ctx, 1);
	if (sh->exit_req) {
		sh->exit_req = false;
		sh_exit_level(sh);
	}
	if (sh->pw_pending) {
		sh->mode = SH_MODE_PASSWORD;
		return;
	}
	print_prompt(sh);
}

static void run_shell(struct sh *sh, const char *line, size_t n)
{
	struct io io;
	bool incomplete = false;
	const char *src = line;
	size_t srcn = n;

	term_io(&io);
	if (sh->pending.len) {
		if (buf_addc(&sh->pending, '\n') || buf_add(&sh->pending, line, n)) {
			buf_reset(&sh->pending);
			sh_err(sh, &io, "syntax error: unexpected end of file");
			print_prompt(sh);
			return;
		}
		src = sh->pending.p;
		srcn = sh->pending.len;
	}
	sh->status = sh_run(sh, &io, src, srcn, 0, &incomplete);
	if (incomplete) {
		if (!sh->pending.len && buf_add(&sh->pending, line, n)) {
			sh_err(sh, &io, "syntax error: unexpected end of file");
			print_prompt(sh);
			return;
		}
		if (!sh->inject) {
			const char *ps2 = sh_getvar(sh, "PS2");

			if (!ps2)
				ps2 = "> ";
			term_raw(sh, ps2, strlen(ps2));
		}
		return;
	}
	line_done(sh, src, srcn);
}

/* A line typed while the shell waits: kept in order, bounded. */
static void queue_line(struct sh *sh, const char *line, size_t n)
{
	uint8_t len[2] = {(uint8_t)(n >> 8), (uint8_t)n};

	if (sh->queue.len + 2 + n > CAP_SH_QUEUE)
		return;
	if (buf_add(&sh->queue, len, 2) == 0 && buf_add(&sh->queue, line, n))
		sh->queue.len -= 2;
}

void sh_line(struct sh *sh, const char *line, size_t n)
{
	struct sh_event_info ei;

	if (sh->mode == SH_MODE_DONE)
		return;
	if (n > CAP_LINE)
		n = CAP_LINE;
	if (sh->waiting) {
		queue_line(sh, line, n);
		return;
	}
	line_reset(sh);
	if (sh->mode == SH_MODE_PASSWORD) {
		run_password(sh, line, n);
		return;
	}
	memset(&ei, 0, sizeof ei);
	ei.input = line;
	ei.input_len = n;
	sh_emit(sh, SH_EV_COMMAND, &ei);
	if (sh->cli)
		run_cli(sh, line, n);
	else
		run_shell(sh, line, n);
}

int sh_fetch_store(struct sh *sh, const char *outfile, const uint8_t *data, size_t n)
{
	size_t room;
	int err;

	if (!outfile || outfile[0] != '/')
		return -EINVAL;
	set_now(sh);
	err = vfs_can_create(sh->fs, outfile);
	if (err)
		return err;
	room = vfs_room(sh->fs, outfile);
	err = vfs_write(sh->fs, outfile, data, n < room ? n : room, false);
	if (!err)
		vfs_mark_captured(sh->fs, outfile);
	return err;
}

void sh_fetch_done(struct sh *sh, const struct sh_fetch_result *r)
{
	struct io io;
	char *src;
	size_t n;

	if (!sh->waiting)
		return;
	sh->waiting = false;
	src = sh->susp_src;
	n = sh->susp_n;
	sh->susp_src = NULL;
	line_reset(sh);
	term_io(&io);
	sh->res = r;
	if (src)
		sh->status = sh_run_resume(sh, &io, src, n, sh->susp_ni);
	sh->res = NULL;
	line_done(sh, src ? src : "", src ? n : 0);
	free(src);
	/* what was typed meanwhile, in order, until a line waits again */
	while (!sh->waiting && sh->mode != SH_MODE_DONE && sh->queue.len >= 2) {
		const uint8_t *q = (const uint8_t *)sh->queue.p;
		size_t ln = (size_t)q[0] << 8 | q[1];
		char *line = malloc(ln ? ln : 1);

		if (!line) {
			buf_reset(&sh->queue);
			break;
		}
		memcpy(line, q + 2, ln);
		buf_consume(&sh->queue, 2 + ln);
		sh_line(sh, line, ln);
		free(line);
	}
}

void sh_interrupt(struct sh *sh)
{
	if (sh->mode == SH_MODE_DONE || sh->inject)
		return;
	if (sh->waiting) {
		/* the download dies of SIGINT; ash abandons the rest of the
		 * line, and the tty threw away what was typed meanwhile */
		if (sh->host.fetch_cancel)
			sh->host.fetch_cancel(sh->host.ctx);
		sh->waiting = false;
		free(sh->susp_src);
		sh->susp_src = NULL;
		buf_reset(&sh->queue);
		sh->status = 130;
	}
	buf_reset(&sh->pending); /* an unfinished construct (PS2) is dropped */
	if (sh->mode == SH_MODE_PASSWORD) {
		sh->pw_pending = false;
		sh->mode = sh->cli ? SH_MODE_CLI : SH_MODE_SHELL;
	}
	print_prompt(sh);
}

void sh_eof(struct sh *sh)
{
	if (sh->mode != SH_MODE_SHELL || sh->waiting || sh->inject)
		return;
	buf_reset(&sh->pending);
	sh_term(sh, "\n", 1);
	sh_exit_level(sh);
	print_prompt(sh);
}

void sh_inject(struct sh *sh, const char *cmd, size_t n)
{
	struct sh_event_info ei;
	struct io io;
	char cwd[CAP_PATH];
	bool saved_cli = sh->cli;
	enum sh_mode saved_mode = sh->mode;
	int saved_nlev = sh->nlev;

	line_reset(sh);
	if (n > CAP_LINE * 4)
		n = CAP_LINE * 4;
	memset(&ei, 0, sizeof ei);
	ei.input = cmd;
	ei.input_len = n;
	sh_emit(sh, SH_EV_COMMAND, &ei);
	memcpy(cwd, sh->cwd, sizeof cwd);
	memcpy(sh->cwd, "/", 2);
	memset(&io, 0, sizeof io);
	io.out[1].kind = SINK_NULL;
	io.out[2].kind = SINK_NULL;
	sh->inject = true;
	sh->cli = false;
	if (sh->nlev == 0)
		sh->nlev = 1;
	sh->status = sh_run(sh, &io, cmd, n, 0, NULL);
	sh->inject = false;
	sh->exit_req = false;
	sh->pw_pending = false;
	sh->cli = saved_cli;
	sh->mode = saved_mode;
	sh->nlev = saved_nlev;
	memcpy(sh->cwd, cwd, sizeof cwd);
}

void sh_end(struct sh *sh)
{
	struct vfs_built b;
	size_t idx = 0;

	while (vfs_next_capture(sh->fs, &idx, &b)) {
		struct sh_event_info ei;

		memset(&ei, 0, sizeof ei);
		ei.outfile = b.path;
		ei.data = b.data;
		ei.len = b.len;
		ei.reason = "session_end";
		sh_emit(sh, SH_EV_CAPTURE, &ei);
	}
}
