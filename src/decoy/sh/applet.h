/* applet.h — internals shared by the applet files (not for other modules).
 *
 * The applets live by family, as BusyBox keeps them:
 *   ap_builtins.c  ash builtins (cd, echo, export, read, test, eval, ...)
 *   ap_procs.c     the process table (ps, kill), scripts and binaries, sh, su
 *   ap_files.c     cat, cp, mv, rm, rmdir, mkdir, chmod, touch, ls, dd
 *   ap_text.c      head, tail, wc, grep
 *   ap_system.c    free, mount, df, uname, id, uptime, date, sleep, which, env
 *   ap_fetch.c     wget, tftp, curl, ftpget, nc
 *   ap_table.c     the table (name, function, usage text, flags), `busybox X`
 *   ap_util.c      the helpers below
 *
 * To add an applet: write `int ap_NAME(struct sh *, struct io *, int,
 * char **)` in its family's file, declare it here and give it a row in
 * ap_table.c (kept sorted by name).
 */
#ifndef TANUKI_SH_APPLET_H
#define TANUKI_SH_APPLET_H

#include "sh/sh_int.h"

#define TERM_WIDTH 80 /* columns of the attacker's terminal (ls, wget) */

/* --- ap_util.c --- */
/* "applet: message\n" on stderr. */
void ap_err(struct sh *sh, struct io *io, const char *ap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The persona's BusyBox version ("v1.16.1") and its minor number (16). */
const char *ap_bb_version(const struct sh *sh);
unsigned ap_bb_minor(const struct sh *sh);
/* BusyBox's usage text of applet `name` on stderr; returns 1. */
int ap_usage(struct sh *sh, struct io *io, const char *name);
/* A decimal number, nothing after it. */
bool ap_parse_uint(const char *s, unsigned long *out);
/* dd-style sizes: 52, 1k, 2M, 3b (512), 4w (2); clamped to CAP_FS_TOTAL. */
bool ap_parse_size(const char *s, unsigned long *out);
/* Emits SH_EV_CAPTURE for the built file at abspath if it changed. */
void ap_capture(struct sh *sh, const char *abspath, const char *reason);
/* Last path component ("a/b" -> "b"; "a/" -> "a/"). */
const char *ap_base_of(const char *p);
/* Reads a file, computing the dynamic ones (/proc/uptime) into tmp. */
int ap_read_file(struct sh *sh, const char *abs, const uint8_t **d, size_t *n, struct buf *tmp);
/* File bytes to stdout; image files go to the terminal by reference. */
void ap_out_bytes(struct sh *sh, struct io *io, const uint8_t *d, size_t n);
/* As ap_out_bytes, but an ELF on the terminal goes out in two writes with
 * a pause between (the Mirai loader's read quirk). */
void ap_out_data(struct sh *sh, struct io *io, const uint8_t *d, size_t n);
/* Input of a filter applet: the file arg, or stdin (arg NULL or "-");
 * an error is printed as the applet prints it. */
int ap_filter_input(struct sh *sh, struct io *io, const char *ap, const char *arg,
		    const uint8_t **d, size_t *n, struct buf *tmp);
/* The path `which` prints for name ($PATH's /sbin /usr/sbin /bin
 * /usr/bin, an executable file); false when there is none (ap_system.c). */
bool ap_find_path(struct sh *sh, const char *name, char *out, size_t outsz);
/* A decimal number ("-1.25") as an integer scaled by 10^prec (prec <= 9:
 * the device's libc has no floating point); false without a digit. *end:
 * the first byte after it. */
bool ap_parse_fixed(const char *s, int prec, long long *out, const char **end);
/* v (scaled by 10^prec) as "-1.25"; snprintf's return. */
int ap_fmt_fixed(char *out, size_t outsz, long long v, int prec);
/* One backslash escape as BusyBox's libbb reads it for echo -e, printf and
 * tr: *pp is past the backslash and moves past the escape. \a \b \e \f \n
 * \r \t \v \\, \xHH, octal \NNN (zero_octal: \0NNN too, echo -e and %b).
 * Not an escape: returns '\\' and leaves *pp (the backslash stays). */
int ap_escape(const char **pp, bool zero_octal);
/* What is left of stdin ("" when it is the terminal). */
const uint8_t *ap_stdin_rest(struct io *io, size_t *n);

/* A non-builtin command's fork and exec: the persona's exec_ms, jittered,
 * through the host's pause (ap_system.c). */
void sh_exec_cost(struct sh *sh);
/* PID of the persona's process row i (ap_procs.c). */
uint32_t ap_proc_pid(const struct persona *p, size_t i);

/* A 32-bit integer mixer: stable values that look arbitrary. */
uint32_t ap_mix(uint32_t x);

/* --- the applets, by family --- */
#define AP_FN(name) int ap_##name(struct sh *sh, struct io *io, int argc, char **argv)

/* ap_builtins.c */
AP_FN(true);
AP_FN(false);
AP_FN(exit);
AP_FN(cd);
AP_FN(pwd);
AP_FN(echo);
AP_FN(export);
AP_FN(set);
AP_FN(shift);
AP_FN(return );
AP_FN(local);
AP_FN(unset);
AP_FN(read);
AP_FN(break);
AP_FN(test);
AP_FN(eval);
AP_FN(exec);
AP_FN(source);
AP_FN(command);
AP_FN(type);
AP_FN(help);
/* ap_run.c: a captured ELF "runs" (binid); the dlr's wait ends in
 * ap_run_finish() (through sh_fetch_finish, applet "dlr") */
int ap_run_elf(struct sh *sh, struct io *io, const char *abspath, const uint8_t *d, size_t n,
	       int argc, char **argv, int depth);
int ap_run_finish(struct sh *sh, struct io *io);
/* A binary read as a script (another CPU's ELF, or `sh ELF`): NULs deleted. */
int ap_run_bytes(struct sh *sh, struct io *io, const uint8_t *d, size_t n, int argc, char **argv,
		 int depth);
/* ap_net.c: how long a failed download takes on the device (ms from the
 * start), the pause for what the fetcher did not take yet, and the
 * failure of a device with no route (fetching off); ip: r->addr is one */
unsigned ap_net_fail_ms(const struct sh *sh, const char *applet, const char *reason,
			bool connected);
void ap_net_wait(struct sh *sh, const char *applet, const struct sh_fetch_result *x);
int ap_net_noroute(struct sh *sh, struct io *io, const struct fetch_req *r, bool ip);
/* ap_procs.c: runs src as a script in this shell with its own $0 $1 … */
int ap_script(struct sh *sh, struct io *io, const char *src, size_t n, int argc, char **argv,
	      int depth);

/* ap_procs.c */
AP_FN(ps);
AP_FN(kill);
AP_FN(sh);
AP_FN(su);
/* ap_files.c */
AP_FN(cat);
AP_FN(cp);
AP_FN(mv);
AP_FN(rm);
AP_FN(rmdir);
AP_FN(mkdir);
AP_FN(chmod);
AP_FN(touch);
AP_FN(ls);
AP_FN(readlink);
AP_FN(dd);
/* ap_text.c */
AP_FN(head);
AP_FN(tail);
AP_FN(wc);
AP_FN(grep);
/* ap_filter.c */
AP_FN(cut);
AP_FN(tr);
AP_FN(sort);
AP_FN(uniq);
AP_FN(seq);
AP_FN(basename);
AP_FN(dirname);
/* ap_sed.c */
AP_FN(sed);
/* ap_expr.c */
AP_FN(expr);
AP_FN(printf);
/* ap_system.c */
AP_FN(free);
AP_FN(mount);
AP_FN(df);
AP_FN(uname);
AP_FN(hostname);
AP_FN(id);
AP_FN(whoami);
AP_FN(uptime);
AP_FN(umask);
AP_FN(netstat);
AP_FN(date);
AP_FN(sleep);
AP_FN(which);
AP_FN(env);
/* ap_fetch.c */
AP_FN(wget);
AP_FN(tftp);
AP_FN(curl);
AP_FN(ftpget);
AP_FN(nc);
/* ap_table.c */
AP_FN(busybox);

#undef AP_FN

#endif
