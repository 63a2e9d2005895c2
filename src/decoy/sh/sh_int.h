/* sh_int.h — internals shared by the shell's files (not for other modules).
 *
 * sh.c      public API, levels (sh, su, CLI), prompts, terminal output
 * lex.c, parse.c  lexer and parser: a line into a tree (sh/parse.h)
 * expand.c  word expansion (sh/expand.h)
 * redir.c   redirections (sh/redir.h)
 * exec.c    execution of the tree, command dispatch
 * ap_*.c    the applets by family, their table and helpers (sh/applet.h)
 * vfs.c, vfs_ops.c  the in-memory file system (sh/vfs.h; sh/vfs_int.h)
 */
#ifndef TANUKI_SH_INT_H
#define TANUKI_SH_INT_H

#include "sh/procfs.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acct.h"
#include "bounds.h"
#include "buf.h"
#include "persona/persona.h"
#include "sh/sh.h"
#include "sh/vfs.h"

#define SH_MAX_LEVELS CAP_SH_DEPTH
#define SH_MAX_KILLED 32
/* Simple commands run for one input line, over all loops and scripts. */
#define SH_MAX_STEPS (4 * CAP_SH_LOOP)
/* Work units (bounds.h CAP_SH_WORK_*): one byte scanned, read or written
 * is one unit; a command and a loop turn cost what scanning this many
 * bytes costs (measured: make bench, "shell work"). */
#define SH_WORK_CMD 256
#define SH_WORK_LOOP 64
/* A line that did this much work yields: the shell asks the host for a
 * 1 ms pause, so the session's next line waits for the next turn of the
 * loop and every other session (and a new peer) is served first. */
#define SH_WORK_SLICE (1024u * 1024u)

/* Where fd 1 or 2 goes. */
enum sink_kind { SINK_TERM, SINK_BUF, SINK_NULL };

struct sink {
	enum sink_kind kind;
	struct buf *b; /* SINK_BUF */
};

/* Standard input: a byte string read progressively (pos is shared by the
 * commands of a `while read` loop). */
struct instream {
	const uint8_t *p;
	size_t n;
	size_t pos;
};

struct io {
	struct sink out[3];   /* [1] stdout, [2] stderr ([0] unused) */
	struct instream *in;  /* NULL: the terminal (reads see EOF) */
	const char *out_path; /* file stdout is redirected to, or NULL */
};

struct sh_var {
	char *name;
	char *val;
	bool exported;
};

struct sh_level {
	bool root;
	bool nested; /* started by `sh`: its argv[0] is "sh", not "-sh" */
};

/* A function: its name and body (the source of its compound command). */
struct sh_func {
	char *name;
	char *body;
	size_t n;
	unsigned line; /* defined in a script: the line its body starts at */
};

#define SH_MAX_FUNCS 32
#define SH_MAX_LOCALS 16

/* A running function call: the variables `local` saved. */
struct sh_frame {
	struct sh_frame *up;
	int n;
	struct {
		char *name;
		char *old; /* NULL: was unset */
	} v[SH_MAX_LOCALS];
};

/* A download as an applet asked for it (kept while the shell waits). */
struct fetch_req {
	const char *applet; /* a string literal */
	char url[CAP_PATH * 2];
	char host[CAP_PATH]; /* as written, with :port if given */
	char addr[CAP_PATH]; /* host without port */
	unsigned port;
	char outfile[CAP_PATH]; /* absolute, or empty for stdout */
	char outname[CAP_PATH]; /* as given */
	bool quiet;
	const char *user, *pass; /* ftpget -u/-p (argv strings: not kept) */
};

struct sh {
	const struct persona *p;
	struct sh_host host;
	struct vfs *fs;
	char cwd[CAP_PATH];
	char user[32];

	/* levels of ash (sh, su); 0 levels = CLI (if persona->cli) */
	struct sh_level lev[SH_MAX_LEVELS];
	int nlev;
	bool cli; /* in the vendor CLI */
	enum sh_mode mode;
	bool pw_pending; /* su waiting for a password */

	struct sh_var vars[CAP_SH_VARS];
	int nvars;
	int status; /* $? */

	uint32_t pid;	   /* this shell's PID */
	uint32_t next_pid; /* for commands (ps shows its own) */
	uint32_t killed[SH_MAX_KILLED];
	int nkilled;
	bool child; /* the running applet is a process of its own (`busybox APPLET`) */

	/* memory and work (issue 12): the account charged for the shell's
	 * working memory (the host's, or own_mem), and the work done by the
	 * line and by the session in units of SH_WORK_* */
	struct acct own_mem;
	struct acct *mem;
	uint64_t work;	     /* this line */
	uint64_t work_total; /* this session */
	size_t fs_read_seen; /* vfs_read_bytes() already charged */
	bool oom;	     /* the line ran out of memory: said, stopped */
	bool overworked;     /* the line passed its work budget */

	/* per input line */
	bool inject;	 /* output discarded */
	size_t out_used; /* bytes sent to the terminal */
	unsigned loops;	 /* loop iterations */
	unsigned steps;	 /* simple commands */
	bool stop;	 /* abandon the rest of the line (exit, su) */
	bool exit_req;	 /* `exit` ran: leave the current level or script */
	bool brk, cont;	 /* `break` / `continue` in a loop */
	bool err_abort;	 /* an expansion error stopped the line: $? is 2 */
	int nscript;	 /* nesting of sh -c / scripts: an error ends only them */
	/* a script read from a file (sh_run_script): ash's errors name it
	 * and its line: "ARG0: [DOTFILE: ]line N: " */
	struct sh_script {
		const char *arg0;    /* `sh FILE`, `./FILE`: FILE; NULL: sh_argv0() */
		const char *dotname; /* `. FILE`: FILE; NULL */
		bool lined;	     /* a file is being read: "line N: " */
		unsigned line;	     /* the line of the command running */
		unsigned base;	     /* the line the chunk being run starts at */
		const char *src;     /* that chunk: commands whose words lie in it */
		size_t n;	     /* set line from their position */
	} scr;
	int depth; /* nesting of the sh_run() in progress */
	int pargc; /* positional parameters of a running script */
	char **pargv;
	bool pown; /* pargv is the shell's own copy (set --, shift) */
	struct sh_func funcs[SH_MAX_FUNCS];
	int nfuncs;
	struct sh_frame *frame; /* innermost function call, or NULL */
	bool ret;		/* `return` ran: leave the function or . file */
	struct buf pending;	/* an incomplete construct waiting for more lines */

	/* waiting for a download (sh_fetch_done resumes the line) */
	bool susp_ok; /* the simple command being dispatched may wait */
	int cur_ni;   /* its node in the line's tree */
	bool waiting;
	int susp_ni;	/* the command that waits */
	char *susp_src; /* the line, parsed again on resume */
	size_t susp_n;
	struct fetch_req fx;		   /* what it asked for */
	const struct sh_fetch_result *res; /* during the resume only */
	struct buf queue;		   /* lines entered while waiting: u16 length + bytes */

	/* the living /proc (procfs.c) and what it shows of this session */
	struct procfs procfs;
	char self_cmd[160];		    /* the command line of the last command started */
	char conn_local[48], conn_peer[48]; /* the session's addresses, or "" */
	unsigned conn_lport, conn_pport;
};

/* --- sh.c --- */
void sh_term(struct sh *sh, const void *p, size_t n);
/* A buffer of the shell's charged to its memory account. */
void sh_buf_init(struct sh *sh, struct buf *b, size_t max);
/* Charges n bytes of working memory (false at the cap: the line stops
 * with "out of memory"); sh_mem_give refunds them. */
bool sh_mem_take(struct sh *sh, size_t n);
void sh_mem_give(struct sh *sh, size_t n);
/* Charges units of work (SH_WORK_*; bytes the file system handed out are
 * charged here too); false once the line or the session is over budget:
 * the line stops and ends as a killed command. */
bool sh_work(struct sh *sh, uint64_t units);
void sh_emit(struct sh *sh, enum sh_event ev, const struct sh_event_info *i);
bool sh_is_root(const struct sh *sh);
/* Pushes an ash level (`sh`, `su`); false if too deep. */
bool sh_push_level(struct sh *sh, bool root, bool banner);
/* `exit` at the current level. */
void sh_exit_level(struct sh *sh);
const char *sh_getvar(struct sh *sh, const char *name);
/* argv[0] of the running shell: "-sh" (login), "sh" (after `sh`, in sh -c). */
const char *sh_argv0(const struct sh *sh);
int sh_setvar(struct sh *sh, const char *name, const char *val, bool exp);
void sh_unsetvar(struct sh *sh, const char *name);

/* Output to fd 1 or 2 of io. */
void sh_write(struct sh *sh, struct io *io, int fd, const void *p, size_t n);
void sh_puts(struct sh *sh, struct io *io, int fd, const char *s);
void sh_printf(struct sh *sh, struct io *io, int fd, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Bounded: output past 1023 bytes of one call is cut. */
void sh_vprintf(struct sh *sh, struct io *io, int fd, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* Makes path absolute against cwd into out; 0 or -ENAMETOOLONG. */
int sh_path(struct sh *sh, const char *path, char *out, size_t outlen);

/* --- exec.c --- */
/* Runs a command string; returns its exit status. depth counts nesting. */
int sh_run(struct sh *sh, struct io *io, const char *src, size_t n, int depth, bool *incomplete);
/* A script's text as ash reads a file: complete commands one at a time.
 * name: `sh FILE`/`./FILE` (dot false) or `. FILE` (dot true), named with
 * its line in errors; NULL: standard input (`| sh`), unnamed. */
int sh_run_script(struct sh *sh, struct io *io, const char *src, size_t n, int depth,
		  const char *name, bool dot);
/* Newlines in p[0..n). */
unsigned sh_count_nl(const char *p, size_t n);
/* The running command's line, when p (its first word) lies in the chunk
 * of the script being run (script.c). */
void sh_scr_mark(struct sh *sh, const char *p);
/* --- login.c --- */
/* A terminal login: HOME and the starting directory from /etc/passwd,
 * then /etc/profile and ~/.profile as ash reads them for `-sh`. */
void sh_login(struct sh *sh);
/* Runs the waiting line src again up to its waiting command (node
 * target), which finishes through sh_fetch_finish(), then the rest. */
int sh_run_resume(struct sh *sh, struct io *io, const char *src, size_t n, int target);
/* Runs argv as a command (dispatch by name); depth for scripts. */
int sh_exec_argv(struct sh *sh, struct io *io, int argc, char **argv, int depth);

/* --- ap_table.c, ap_procs.c, ap_util.c, ap_fetch.c (see sh/applet.h) --- */
typedef int (*sh_applet_fn)(struct sh *sh, struct io *io, int argc, char **argv);

enum {
	AP_BUILTIN = 1, /* ash builtin: works bare whatever the persona lists */
	AP_APPLET = 2,	/* BusyBox applet: needs the persona's applet list */
};

struct sh_applet {
	const char *name;
	sh_applet_fn fn;
	const char *usage; /* "ARGS\n\nDescription" as BusyBox shows it */
	unsigned flags;
};

const struct sh_applet *sh_applet_find(const char *name);
/* Whether a builtin is one in the persona's version of ash: printf became
 * one after 1.9.1 (measured: 1.9.1 says "printf: not found", 1.16.1 and
 * later run it; tests/diff/golden). */
bool sh_builtin_here(const struct sh *sh, const struct sh_applet *a);
/* True if the persona ships the applet (an empty list ships everything we
 * implement). */
bool sh_has_applet(const struct sh *sh, const char *name);
/* Runs a BusyBox applet by name (argv[0] is the name). */
int sh_applet_run(struct sh *sh, struct io *io, const struct sh_applet *a, int argc, char **argv);
/* Runs a session-built or image file: script or "binary". */
int sh_exec_file(struct sh *sh, struct io *io, const char *abspath, int argc, char **argv,
		 int depth);
/* Prints "-sh: msg\n" on stderr. */
void sh_err(struct sh *sh, struct io *io, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *sh_strerror(int err);
/* The waiting download's applet output and file (sh->fx, sh->res);
 * returns the applet's exit status. */
int sh_fetch_finish(struct sh *sh, struct io *io);

#endif
