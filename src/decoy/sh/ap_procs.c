/* ap_procs.c — processes: the process table (ps, kill), and programs run
 * from files (scripts, "binaries"), sh and su.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh/applet.h"
#include "sh/params.h"

struct proc_row {
	uint32_t pid;
	const char *rest;
};

/* PID of persona process row i: init is 1, kernel threads follow it,
 * daemons start at pid_base with small per-unit gaps. */
uint32_t ap_proc_pid(const struct persona *p, size_t i)
{
	uint32_t pid = 0, next_k = 1, d = p->pid_base;
	size_t k;

	for (k = 0; k <= i; k++) {
		const char *row = p->procs[k];

		if (k == 0 || strchr(row, '[')) {
			pid = next_k++;
		} else {
			if (d <= next_k)
				d = next_k + 1;
			pid = d;
			d += 1 + ap_mix(p->pid_base ^ (uint32_t)k) % 3;
		}
		if (d <= pid)
			d = pid + 1;
	}
	return pid;
}

static bool pid_killed(const struct sh *sh, uint32_t pid)
{
	int i;

	for (i = 0; i < sh->nkilled; i++)
		if (sh->killed[i] == pid)
			return true;
	return false;
}

static bool pid_exists(const struct sh *sh, uint32_t pid)
{
	size_t i;

	if (pid == sh->pid)
		return true;
	if (pid_killed(sh, pid))
		return false;
	for (i = 0; i < sh->p->nprocs; i++)
		if (ap_proc_pid(sh->p, i) == pid)
			return true;
	return false;
}

int ap_ps(struct sh *sh, struct io *io, int argc, char **argv)
{
	const struct persona *p = sh->p;
	uint32_t me = sh->next_pid - 1;
	struct buf cmd;
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-')
			continue;
		for (o++; *o; o++) {
			if (*o != 'w') {
				sh_printf(sh, io, 2, "ps: invalid option -- '%c'\n", *o);
				return ap_usage(sh, io, "ps");
			}
		}
	}
	sh_printf(sh, io, 1, "%s\n",
		  p->ps_header ? p->ps_header : "  PID USER       VSZ STAT COMMAND");
	for (i = 0; i < p->nprocs; i++) {
		uint32_t pid = ap_proc_pid(p, i);

		if (!pid_killed(sh, pid))
			sh_printf(sh, io, 1, "%5u %s\n", (unsigned)pid, p->procs[i]);
	}
	sh_printf(sh, io, 1, "%5u %-8.8s %5u S    -sh\n", (unsigned)sh->pid, sh->user, 1532u);
	sh_buf_init(sh, &cmd, 256);
	for (a = 0; a < argc; a++)
		buf_printf(&cmd, "%s%s", a ? " " : "", argv[a]);
	sh_printf(sh, io, 1, "%5u %-8.8s %5u R    %.200s\n", (unsigned)me, sh->user, 1528u,
		  cmd.p ? cmd.p : "ps");
	buf_free(&cmd);
	return 0;
}

static const char *const sig_names[] = {"HUP",	"INT",	"QUIT", "ILL",	"TRAP",
					"ABRT", "BUS",	"FPE",	"KILL", "USR1",
					"SEGV", "USR2", "PIPE", "ALRM", "TERM"};

/* "9", "KILL" or "SIGKILL" (1..15); 0 for "0"; -1 when unknown */
static int sig_parse(const char *s)
{
	unsigned long v;
	size_t i;

	if (ap_parse_uint(s, &v))
		return v <= 64 ? (int)v : -1;
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof sig_names / sizeof sig_names[0]; i++)
		if (strcmp(s, sig_names[i]) == 0)
			return (int)i + 1;
	return -1;
}

/* kill 0: the signal goes to the caller's process group. An applet run as
 * its own process (`/bin/busybox kill -9 0`) is, under ash's job control,
 * alone in its job's group: it dies and ash prints strsignal() of it, as
 * sprint_status() does (jobs.c; nothing for INT and PIPE), the shell goes
 * on. The builtin signals the interactive shell's own group: KILL and HUP
 * end that shell (the session, or back to the CLI or su's caller); ash
 * ignores TERM, INT and QUIT when interactive. Returns the status, or -1
 * when nothing died. */
static int kill_group(struct sh *sh, int sig)
{
	static const char *const text[] = {"Hangup",
					   "",
					   "Quit",
					   "Illegal instruction",
					   "Trace/breakpoint trap",
					   "Aborted",
					   "Bus error",
					   "Floating point exception",
					   "Killed",
					   "User defined signal 1",
					   "Segmentation fault",
					   "User defined signal 2",
					   "",
					   "Alarm clock",
					   "Terminated"};

	if (sig < 1 || sig > 15)
		return -1;
	if (sh->child || sh->nscript > 0) {
		if (text[sig - 1][0]) {
			sh_term(sh, text[sig - 1], strlen(text[sig - 1]));
			sh_term(sh, "\n", 1);
		}
		return 128 + sig;
	}
	if (sig != 9 && sig != 1)
		return -1;
	sh->exit_req = true;
	sh->stop = true;
	return 128 + sig;
}

int ap_kill(struct sh *sh, struct io *io, int argc, char **argv)
{
	int a = 1, s = 0, sig = 15;

	if (a < argc && strcmp(argv[a], "-l") == 0) {
		sh_puts(sh, io, 1,
			" 1) HUP\n 2) INT\n 3) QUIT\n 4) ILL\n 5) TRAP\n 6) ABRT\n"
			" 7) BUS\n 8) FPE\n 9) KILL\n10) USR1\n11) SEGV\n12) USR2\n"
			"13) PIPE\n14) ALRM\n15) TERM\n");
		return 0;
	}
	if (a < argc && strcmp(argv[a], "-s") == 0) {
		sig = a + 1 < argc ? sig_parse(argv[a + 1]) : -1;
		a += 2;
	} else if (a < argc && argv[a][0] == '-' && argv[a][1]) {
		sig = sig_parse(argv[a] + 1);
		a++;
	}
	if (a >= argc)
		return ap_usage(sh, io, "kill");
	for (; a < argc; a++) {
		unsigned long pid;

		if (!ap_parse_uint(argv[a], &pid)) {
			ap_err(sh, io, "kill", "bad pid '%s'", argv[a]);
			s = 1;
			continue;
		}
		if (pid == 0) {
			int st = kill_group(sh, sig);

			if (st >= 0)
				return st;
			continue;
		}
		if (!pid_exists(sh, (uint32_t)pid)) {
			ap_err(sh, io, "kill", "can't kill pid %lu: No such process", pid);
			s = 1;
			continue;
		}
		if (pid > 1 && pid != sh->pid && sh->nkilled < SH_MAX_KILLED)
			sh->killed[sh->nkilled++] = (uint32_t)pid;
	}
	return s;
}

/* need_x: run as a command (the x bit counts), not as `sh FILE`. */
static int exec_file(struct sh *sh, struct io *io, const char *abspath, int argc, char **argv,
		     int depth, bool need_x);

int sh_exec_file(struct sh *sh, struct io *io, const char *abspath, int argc, char **argv,
		 int depth)
{
	return exec_file(sh, io, abspath, argc, argv, depth, true);
}

static int exec_file(struct sh *sh, struct io *io, const char *abspath, int argc, char **argv,
		     int depth, bool need_x)
{
	struct vfs_stat st;
	const uint8_t *d;
	size_t n, i, probe;
	bool text = true;

	ap_capture(sh, abspath, "exec");
	if (vfs_stat(sh->fs, abspath, &st) || vfs_read(sh->fs, abspath, &d, &n)) {
		sh_err(sh, io, "%s: not found", argv[0]);
		return 127;
	}
	if (need_x && !(st.mode & 0111)) {
		sh_err(sh, io, "%s: Permission denied", argv[0]);
		return 126;
	}
	if (n >= 20 && d[0] == 0x7f && d[1] == 'E' && d[2] == 'L' && d[3] == 'F')
		return need_x ? ap_run_elf(sh, io, abspath, d, n, argc, argv, depth)
			      : ap_run_bytes(sh, io, d, n, argc, argv, depth);
	probe = n < 512 ? n : 512;
	for (i = 0; i < probe; i++)
		if (d[i] == 0)
			text = false;
	if (!text) {
		sh_puts(sh, io, 2, "Segmentation fault\n");
		return 139;
	}
	return ap_script(sh, io, (const char *)d, n, argc, argv, depth);
}

int ap_script(struct sh *sh, struct io *io, const char *src, size_t n, int argc, char **argv,
	      int depth)
{
	char *copy;
	int s;

	if (depth + 1 > CAP_SH_DEPTH)
		return 2;
	/* a script: run it in this shell, with its own $0 $1 … (a copy: the
	 * script may rewrite its own file) */
	copy = malloc(n ? n : 1);
	if (!copy)
		return 1;
	if (n)
		memcpy(copy, src, n);
	{
		struct params_save sv;
		bool saved_stop = sh->stop;
		char cwd[CAP_PATH];

		memcpy(cwd, sh->cwd, sizeof cwd);
		params_enter(sh, &sv, argc, argv);
		sh->nscript++;
		s = sh_run_script(sh, io, (const char *)copy, n, depth + 1, argv[0], false);
		sh->nscript--;
		params_leave(sh, &sv);
		memcpy(sh->cwd, cwd, sizeof cwd);
		if (sh->exit_req) {
			sh->exit_req = false;
			sh->err_abort = false;
			sh->stop = saved_stop;
		}
	}
	free(copy);
	return s;
}

int ap_sh(struct sh *sh, struct io *io, int argc, char **argv)
{
	int a = 1;
	char abs[CAP_PATH];
	struct vfs_stat st;

	while (a < argc && argv[a][0] == '-' && strcmp(argv[a], "-c") != 0)
		a++;
	if (a < argc && strcmp(argv[a], "-c") == 0) {
		bool saved_stop = sh->stop;
		int s;
		struct params_save sv;
		char *zero[2] = {(char *)"sh", NULL};

		if (a + 1 >= argc) {
			sh_printf(sh, io, 2, "%s: -c requires an argument\n", argv[0]);
			return 2;
		}
		/* sh -c CMD [ARG0 [ARG…]] */
		if (argc - a - 2 > 0)
			params_enter(sh, &sv, argc - a - 2, argv + a + 2);
		else
			params_enter(sh, &sv, 1, zero);
		struct sh_script scr = sh->scr;

		/* `sh -c` names no file: "sh: …" */
		memset(&sh->scr, 0, sizeof sh->scr);
		sh->nscript++;
		s = sh_run(sh, io, argv[a + 1], strlen(argv[a + 1]), sh->depth + 1, NULL);
		sh->nscript--;
		sh->scr = scr;
		params_leave(sh, &sv);
		if (sh->exit_req) {
			sh->exit_req = false;
			sh->err_abort = false;
			sh->stop = saved_stop;
		}
		return s;
	}
	if (a < argc) {
		bool found = !sh_path(sh, argv[a], abs, sizeof abs) && !vfs_stat(sh->fs, abs, &st);

		if (found && st.type == VFS_DIR)
			return 0; /* ash reads nothing from a directory */
		if (!found || st.type != VFS_FILE) {
			/* the text of the version (tests/diff/versions.txt,
			 * ash-open-script): 1.9.1 bare, 1.16/1.17 quoted,
			 * 1.35 with strerror */
			unsigned minor = ap_bb_minor(sh);

			if (minor < 16)
				sh_printf(sh, io, 2, "%s: can't open %s\n", argv[0], argv[a]);
			else if (minor < 35)
				sh_printf(sh, io, 2, "%s: can't open '%s'\n", argv[0], argv[a]);
			else
				sh_printf(sh, io, 2, "%s: can't open '%s': %s\n", argv[0], argv[a],
					  "No such file or directory");
			return 2;
		}
		ap_capture(sh, abs, "exec");
		return exec_file(sh, io, abs, argc - a, argv + a, sh->depth + 1, false);
	}
	if (io->in) {
		/* `wget -O- URL | sh`: the script is standard input */
		const uint8_t *d;
		size_t n;
		char *copy;
		bool saved_stop = sh->stop;
		struct params_save sv;
		char *zero[2] = {(char *)"sh", NULL};
		char cwd[CAP_PATH];
		int s;

		memcpy(cwd, sh->cwd, sizeof cwd);
		d = ap_stdin_rest(io, &n);
		io->in->pos += n;
		if (sh->depth + 1 > CAP_SH_DEPTH)
			return 2;
		copy = malloc(n ? n : 1);
		if (!copy)
			return 2;
		if (n)
			memcpy(copy, d, n);
		params_enter(sh, &sv, 1, zero);
		sh->nscript++;
		s = sh_run_script(sh, io, copy, n, sh->depth + 1, NULL, false);
		sh->nscript--;
		params_leave(sh, &sv);
		free(copy);
		memcpy(sh->cwd, cwd, sizeof cwd);
		if (sh->exit_req) {
			sh->exit_req = false;
			sh->err_abort = false;
			sh->stop = saved_stop;
		}
		return s;
	}
	if (sh->inject)
		return 0;
	if (sh_push_level(sh, sh_is_root(sh), true)) {
		sh->lev[sh->nlev - 1].nested = true;
		sh->stop = true; /* the rest of the line goes to the new shell */
	}
	return 0;
}

int ap_su(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)argc, (void)argv;
	if (sh->inject)
		return 1;
	if (sh_is_root(sh)) {
		sh_push_level(sh, true, false);
		sh->stop = true;
		return 0;
	}
	sh_puts(sh, io, 1, "Password: ");
	sh->pw_pending = true;
	sh->stop = true;
	return 0;
}
