/* applets.c — ash builtins and BusyBox applets, as a table.
 *
 * Messages follow BusyBox's wording ("cat: can't open 'x': No such file or
 * directory", "x: applet not found"). Nothing runs for real: downloads go
 * through fetch() (one place, so a later fetcher can make it asynchronous),
 * files through the vfs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh/sh_int.h"

#define ELF_HDR 52 /* bytes of an ELF32 header: sent before the pause */
#define ELF_PAUSE_MS 100
#define TERM_WIDTH 80

/* ------------------------------------------------------------------ */
/* helpers                                                             */

const char *sh_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case ENOENT: return "No such file or directory";
	case EROFS: return "Read-only file system";
	case ENOSPC: return "No space left on device";
	case EISDIR: return "Is a directory";
	case ENOTDIR: return "Not a directory";
	case EEXIST: return "File exists";
	case EACCES: return "Permission denied";
	case ENOTEMPTY: return "Directory not empty";
	case EBUSY: return "Device or resource busy";
	case ENAMETOOLONG: return "File name too long";
	case ELOOP: return "Too many levels of symbolic links";
	case EXDEV: return "Invalid cross-device link";
	case ENOMEM: return "Out of memory";
	default: return "Invalid argument";
	}
}

void sh_err(struct sh *sh, struct io *io, const char *fmt, ...)
{
	va_list ap;

	sh_puts(sh, io, 2, "-sh: ");
	va_start(ap, fmt);
	sh_vprintf(sh, io, 2, fmt, ap);
	va_end(ap);
	sh_puts(sh, io, 2, "\n");
}

/* "applet: message" */
static void ap_err(struct sh *sh, struct io *io, const char *ap,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void ap_err(struct sh *sh, struct io *io, const char *ap,
		   const char *fmt, ...)
{
	va_list ap2;

	sh_printf(sh, io, 2, "%s: ", ap);
	va_start(ap2, fmt);
	sh_vprintf(sh, io, 2, fmt, ap2);
	va_end(ap2);
	sh_puts(sh, io, 2, "\n");
}

static const char *bb_version(const struct sh *sh)
{
	return sh->p->busybox_version ? sh->p->busybox_version : "v1.16.1";
}

/* Minor version of BusyBox ("v1.16.1" -> 16). */
static unsigned bb_minor(const struct sh *sh)
{
	const char *v = bb_version(sh);
	char *end;
	unsigned long m;

	if (*v == 'v')
		v++;
	v = strchr(v, '.');
	if (!v)
		return 16;
	m = strtoul(v + 1, &end, 10);
	return end == v + 1 ? 16 : (unsigned)m;
}

static int usage(struct sh *sh, struct io *io, const char *name)
{
	const struct sh_applet *a = sh_applet_find(name);

	sh_printf(sh, io, 2, "BusyBox %s multi-call binary.\n\n", bb_version(sh));
	sh_printf(sh, io, 2, "Usage: %s %s", name, a && a->usage ? a->usage : "\n");
	return 1;
}

static bool parse_uint(const char *s, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* dd-style sizes: 52, 1k, 2M, 3b (512), 4w (2). */
static bool parse_size(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v, mul = 1;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno)
		return false;
	if (*end) {
		if (end[1])
			return false;
		switch (*end) {
		case 'k': case 'K': mul = 1024; break;
		case 'M': case 'm': mul = 1024 * 1024; break;
		case 'b': mul = 512; break;
		case 'w': mul = 2; break;
		case 'c': mul = 1; break;
		default: return false;
		}
	}
	if (v > (unsigned long)CAP_FS_TOTAL / mul)
		v = (unsigned long)CAP_FS_TOTAL / mul;
	*out = v * mul;
	return true;
}

static void capture(struct sh *sh, const char *abspath, const char *reason)
{
	struct vfs_built b;
	struct sh_event_info ei;

	if (!vfs_take_capture(sh->fs, abspath, &b))
		return;
	memset(&ei, 0, sizeof ei);
	ei.outfile = b.path;
	ei.data = b.data;
	ei.len = b.len;
	ei.reason = reason;
	sh_emit(sh, SH_EV_CAPTURE, &ei);
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

/* Reads a file, computing the dynamic ones (/proc/uptime). */
static int read_file(struct sh *sh, const char *abs, const uint8_t **d,
		     size_t *n, struct buf *tmp)
{
	if (strcmp(abs, "/proc/uptime") == 0) {
		int64_t now = sh->host.now ? sh->host.now(sh->host.ctx) : 0;
		int64_t up = now - (int64_t)sh->p->boot_time;

		if (up < 1)
			up = 1;
		buf_reset(tmp);
		buf_printf(tmp, "%lld.%02u %lld.%02u\n", (long long)up,
			   (unsigned)(up * 37 % 100), (long long)(up * 9 / 10),
			   (unsigned)(up * 53 % 100));
		*d = (const uint8_t *)tmp->p;
		*n = tmp->len;
		return 0;
	}
	if (strcmp(abs, "/dev/zero") == 0 || strcmp(abs, "/dev/null") == 0) {
		*d = (const uint8_t *)"";
		*n = 0;
		return 0;
	}
	return vfs_read(sh->fs, abs, d, n);
}

/* Writes file bytes to stdout; an ELF on the terminal goes out in two
 * writes with a pause between (the Mirai loader's read quirk). */
/* True if d..d+n lies in the persona's image: read-only for the
 * session's life, so the terminal may take it by reference. */
static bool in_image(const struct sh *sh, const uint8_t *d, size_t n)
{
	const struct persona *p = sh->p;
	size_t i;

	if (p->busybox && d >= p->busybox && d + n <= p->busybox + p->busybox_len)
		return true;
	for (i = 0; i < p->nfiles; i++) {
		const uint8_t *f = (const uint8_t *)p->files[i].data.p;

		if (f && d >= f && d + n <= f + p->files[i].data.n)
			return true;
	}
	return false;
}

/* Large image files go to the terminal by reference (no copy per session,
 * not counted against CAP_SH_OUTPUT: they cost no memory). */
static void out_bytes(struct sh *sh, struct io *io, const uint8_t *d, size_t n)
{
	if (io->out[1].kind == SINK_TERM && sh->host.out_ref && !sh->inject &&
	    n > 4096 && in_image(sh, d, n)) {
		sh->host.out_ref(sh->host.ctx, d, n);
		return;
	}
	sh_write(sh, io, 1, d, n);
}

static void out_data(struct sh *sh, struct io *io, const uint8_t *d, size_t n)
{
	if (io->out[1].kind == SINK_TERM && n > ELF_HDR && d[0] == 0x7f &&
	    d[1] == 'E' && d[2] == 'L' && d[3] == 'F') {
		sh_write(sh, io, 1, d, ELF_HDR);
		if (sh->host.pause && !sh->inject)
			sh->host.pause(sh->host.ctx, ELF_PAUSE_MS);
		out_bytes(sh, io, d + ELF_HDR, n - ELF_HDR);
		return;
	}
	out_bytes(sh, io, d, n);
}

static const uint8_t *stdin_rest(struct io *io, size_t *n)
{
	if (!io->in) {
		*n = 0;
		return (const uint8_t *)"";
	}
	*n = io->in->n - io->in->pos;
	return io->in->p + io->in->pos;
}

/* ------------------------------------------------------------------ */
/* ash builtins                                                        */

static int ap_true(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)sh, (void)io, (void)argc, (void)argv;
	return 0;
}

static int ap_false(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)sh, (void)io, (void)argc, (void)argv;
	return 1;
}

static int ap_exit(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned long v;

	(void)io;
	sh->exit_req = true;
	sh->stop = true;
	if (argc > 1 && parse_uint(argv[1], &v))
		return (int)(v & 0xff);
	return sh->status;
}

static int ap_cd(struct sh *sh, struct io *io, int argc, char **argv)
{
	const char *dst = argc > 1 ? argv[1] : sh_getvar(sh, "HOME");
	char abs[CAP_PATH];
	struct vfs_stat st;

	if (!dst || !*dst)
		dst = "/";
	if (strcmp(dst, "-") == 0) {
		dst = sh_getvar(sh, "OLDPWD");
		if (!dst)
			dst = sh->cwd;
	}
	if (sh_path(sh, dst, abs, sizeof abs) || vfs_stat(sh->fs, abs, &st) ||
	    st.type != VFS_DIR) {
		sh_err(sh, io, "cd: can't cd to %s", dst);
		return 1;
	}
	sh_setvar(sh, "OLDPWD", sh->cwd, true);
	memcpy(sh->cwd, abs, sizeof sh->cwd);
	sh_setvar(sh, "PWD", sh->cwd, true);
	return 0;
}

static int ap_pwd(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_printf(sh, io, 1, "%s\n", sh->cwd);
	return 0;
}

static void put_escaped(struct sh *sh, struct io *io, const char *s, bool *stop)
{
	struct buf b;

	buf_init(&b, CAP_LINE * 4);
	while (*s) {
		unsigned char c = (unsigned char)*s++;

		if (c != '\\' || !*s) {
			(void)buf_addc(&b, (char)c);
			continue;
		}
		c = (unsigned char)*s;
		if (c == 'c') {
			*stop = true;
			break;
		}
		if (c == 'x' && s[1] && strchr("0123456789abcdefABCDEF", s[1])) {
			unsigned v = 0;
			int k;

			s++;
			for (k = 0; k < 2 && *s && strchr("0123456789abcdefABCDEF", *s); k++, s++)
				v = v * 16 + (unsigned)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
			(void)buf_addc(&b, (char)v);
			continue;
		}
		if (c >= '0' && c <= '7') {
			unsigned v = 0;
			int k;

			if (c == '0' && s[1] >= '0' && s[1] <= '7')
				s++;
			for (k = 0; k < 3 && *s >= '0' && *s <= '7'; k++, s++)
				v = v * 8 + (unsigned)(*s - '0');
			(void)buf_addc(&b, (char)v);
			continue;
		}
		{
			static const char from[] = "abefnrtv\\";
			static const char to[] = "\a\b\033\f\n\r\t\v\\";
			const char *f = strchr(from, (char)c);

			if (f) {
				(void)buf_addc(&b, to[f - from]);
				s++;
			} else {
				(void)buf_addc(&b, '\\');
			}
		}
	}
	sh_write(sh, io, 1, b.p, b.len);
	buf_free(&b);
}

static int ap_echo(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool nl = true, esc = false, stop = false;
	int i = 1;

	for (; i < argc; i++) {
		const char *a = argv[i];
		bool n2 = nl, e2 = esc;

		if (a[0] != '-' || !a[1] || strspn(a + 1, "neE") != strlen(a + 1))
			break;
		for (a++; *a; a++) {
			if (*a == 'n')
				n2 = false;
			else if (*a == 'e')
				e2 = true;
			else
				e2 = false;
		}
		nl = n2;
		esc = e2;
	}
	for (; i < argc && !stop; i++) {
		if (esc)
			put_escaped(sh, io, argv[i], &stop);
		else
			sh_puts(sh, io, 1, argv[i]);
		if (i + 1 < argc && !stop)
			sh_write(sh, io, 1, " ", 1);
	}
	if (nl && !stop)
		sh_write(sh, io, 1, "\n", 1);
	return 0;
}

static int ap_export(struct sh *sh, struct io *io, int argc, char **argv)
{
	int i;

	if (argc < 2 || strcmp(argv[1], "-p") == 0) {
		for (i = 0; i < sh->nvars; i++)
			if (sh->vars[i].exported)
				sh_printf(sh, io, 1, "export %s='%s'\n",
					  sh->vars[i].name, sh->vars[i].val);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq) {
			*eq = '\0';
			sh_setvar(sh, argv[i], eq + 1, true);
		} else {
			const char *v = sh_getvar(sh, argv[i]);

			sh_setvar(sh, argv[i], v ? v : "", true);
		}
	}
	return 0;
}

static int ap_set(struct sh *sh, struct io *io, int argc, char **argv)
{
	int i;

	(void)argv;
	if (argc > 1)
		return 0;
	for (i = 0; i < sh->nvars; i++)
		sh_printf(sh, io, 1, "%s='%s'\n", sh->vars[i].name, sh->vars[i].val);
	return 0;
}

static int ap_unset(struct sh *sh, struct io *io, int argc, char **argv)
{
	int i;

	(void)io;
	for (i = 1; i < argc; i++)
		if (argv[i][0] != '-')
			sh_unsetvar(sh, argv[i]);
	return 0;
}

static int ap_read(struct sh *sh, struct io *io, int argc, char **argv)
{
	const uint8_t *p;
	size_t n, i, len;
	bool raw = false, eof;
	struct buf line;
	int a = 1, status;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "-r") == 0)
			raw = true;
		else if (strcmp(argv[a], "-p") == 0 && a + 1 < argc)
			sh_puts(sh, io, 2, argv[++a]);
		else if ((strcmp(argv[a], "-t") == 0 || strcmp(argv[a], "-n") == 0) &&
			 a + 1 < argc)
			a++;
	}
	p = stdin_rest(io, &n);
	for (len = 0; len < n && p[len] != '\n'; len++)
		;
	eof = len == n;
	if (io->in)
		io->in->pos += len + (eof ? 0 : 1);
	status = eof ? 1 : 0;
	buf_init(&line, CAP_LINE * 4);
	for (i = 0; i < len; i++) {
		if (!raw && p[i] == '\\' && i + 1 < len) {
			i++;
			(void)buf_addc(&line, (char)p[i]);
			continue;
		}
		(void)buf_addc(&line, (char)p[i]);
	}
	{
		const char *s = line.p ? line.p : "";
		const char *names_default[] = {"REPLY"};
		char **names = a < argc ? &argv[a] : (char **)names_default;
		int nn = a < argc ? argc - a : 1, k;

		for (k = 0; k < nn; k++) {
			const char *st, *en;
			char *val;

			while (*s == ' ' || *s == '\t')
				s++;
			st = s;
			if (k + 1 < nn) {
				while (*s && *s != ' ' && *s != '\t')
					s++;
				en = s;
			} else {
				en = st + strlen(st);
				while (en > st && (en[-1] == ' ' || en[-1] == '\t'))
					en--;
			}
			val = strndup(st, (size_t)(en - st));
			if (val) {
				sh_setvar(sh, names[k], val, false);
				free(val);
			}
		}
	}
	buf_free(&line);
	return status;
}

static int ap_break(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)io, (void)argc;
	if (strcmp(argv[0], "break") == 0)
		sh->brk = true;
	else
		sh->cont = true;
	return 0;
}

static bool test_file(struct sh *sh, const char *op, const char *path)
{
	char abs[CAP_PATH];
	struct vfs_stat st;

	if (sh_path(sh, path, abs, sizeof abs) || vfs_stat(sh->fs, abs, &st))
		return false;
	switch (op[1]) {
	case 'f': return st.type == VFS_FILE;
	case 'd': return st.type == VFS_DIR;
	case 'x': return (st.mode & 0111) != 0;
	case 's': return st.size > 0;
	default: return true;
	}
}

static int ap_test(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool neg = false, r = false;
	int a = 1;

	if (strcmp(argv[0], "[") == 0) {
		if (strcmp(argv[argc - 1], "]") != 0) {
			sh_printf(sh, io, 2, "[: missing ]\n");
			return 2;
		}
		argc--;
	}
	if (a < argc && strcmp(argv[a], "!") == 0) {
		neg = true;
		a++;
	}
	switch (argc - a) {
	case 0:
		r = false;
		break;
	case 1:
		r = argv[a][0] != '\0';
		break;
	case 2:
		if (strcmp(argv[a], "-z") == 0)
			r = argv[a + 1][0] == '\0';
		else if (strcmp(argv[a], "-n") == 0)
			r = argv[a + 1][0] != '\0';
		else if (argv[a][0] == '-' && argv[a][1] &&
			 strchr("efdxrwsLh", argv[a][1]) && !argv[a][2])
			r = test_file(sh, argv[a], argv[a + 1]);
		else
			return 2;
		break;
	default: {
		const char *x = argv[a], *op = argv[a + 1], *y = argv[a + 2];
		long lx = strtol(x, NULL, 10), ly = strtol(y, NULL, 10);

		if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
			r = strcmp(x, y) == 0;
		else if (strcmp(op, "!=") == 0)
			r = strcmp(x, y) != 0;
		else if (strcmp(op, "-eq") == 0)
			r = lx == ly;
		else if (strcmp(op, "-ne") == 0)
			r = lx != ly;
		else if (strcmp(op, "-gt") == 0)
			r = lx > ly;
		else if (strcmp(op, "-lt") == 0)
			r = lx < ly;
		else if (strcmp(op, "-ge") == 0)
			r = lx >= ly;
		else if (strcmp(op, "-le") == 0)
			r = lx <= ly;
		else
			return 2;
	}
	}
	return (r != neg) ? 0 : 1;
}

static int ap_eval(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct buf b;
	int i, s;

	buf_init(&b, CAP_LINE * 4);
	for (i = 1; i < argc; i++) {
		if (i > 1)
			(void)buf_addc(&b, ' ');
		(void)buf_adds(&b, argv[i]);
	}
	s = sh_run(sh, io, b.p ? b.p : "", b.len, sh->depth + 1, NULL);
	buf_free(&b);
	return s;
}

static int ap_exec(struct sh *sh, struct io *io, int argc, char **argv)
{
	if (argc < 2)
		return 0;
	return sh_exec_argv(sh, io, argc - 1, argv + 1, sh->depth + 1);
}

static int ap_source(struct sh *sh, struct io *io, int argc, char **argv)
{
	char abs[CAP_PATH];
	const uint8_t *d;
	size_t n;
	uint8_t *copy;
	int s;

	if (argc < 2)
		return 0;
	if (sh_path(sh, argv[1], abs, sizeof abs) ||
	    vfs_read(sh->fs, abs, &d, &n)) {
		sh_err(sh, io, "%s: can't open '%s'", argv[0], argv[1]);
		return 2;
	}
	copy = malloc(n ? n : 1);
	if (!copy)
		return 1;
	if (n)
		memcpy(copy, d, n);
	s = sh_run(sh, io, (const char *)copy, n, sh->depth + 1, NULL);
	free(copy);
	return s;
}

static int ap_type(struct sh *sh, struct io *io, int argc, char **argv)
{
	int i, s = 0;

	for (i = 1; i < argc; i++) {
		const struct sh_applet *a = sh_applet_find(argv[i]);

		if (a && (a->flags & AP_BUILTIN))
			sh_printf(sh, io, 1, "%s is a shell builtin\n", argv[i]);
		else if (sh_has_applet(sh, argv[i]))
			sh_printf(sh, io, 1, "%s is /bin/%s\n", argv[i], argv[i]);
		else {
			sh_printf(sh, io, 1, "%s: not found\n", argv[i]);
			s = 1;
		}
	}
	return s;
}

static int ap_help(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_puts(sh, io, 1,
		"Built-in commands:\n-------------------\n"
		"\t. : [ [[ alias bg break cd chdir command continue echo eval exec\n"
		"\texit export false fg getopts hash help history jobs kill let\n"
		"\tlocal printf pwd read readonly return set shift source test times\n"
		"\ttrap true type ulimit umask unalias unset wait\n\n");
	return 0;
}

/* ------------------------------------------------------------------ */
/* process table                                                       */

struct proc_row {
	uint32_t pid;
	const char *rest;
};

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

/* PID of persona process row i: init is 1, kernel threads follow it,
 * daemons start at pid_base with small per-unit gaps. */
static uint32_t proc_pid(const struct persona *p, size_t i)
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
			d += 1 + mix(p->pid_base ^ (uint32_t)k) % 3;
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
		if (proc_pid(sh->p, i) == pid)
			return true;
	return false;
}

static int ap_ps(struct sh *sh, struct io *io, int argc, char **argv)
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
				return usage(sh, io, "ps");
			}
		}
	}
	sh_printf(sh, io, 1, "%s\n",
		  p->ps_header ? p->ps_header : "  PID USER       VSZ STAT COMMAND");
	for (i = 0; i < p->nprocs; i++) {
		uint32_t pid = proc_pid(p, i);

		if (!pid_killed(sh, pid))
			sh_printf(sh, io, 1, "%5u %s\n", (unsigned)pid, p->procs[i]);
	}
	sh_printf(sh, io, 1, "%5u %-8.8s %5u S    -sh\n", (unsigned)sh->pid,
		  sh->user, 1532u);
	buf_init(&cmd, 256);
	for (a = 0; a < argc; a++)
		buf_printf(&cmd, "%s%s", a ? " " : "", argv[a]);
	sh_printf(sh, io, 1, "%5u %-8.8s %5u R    %.200s\n", (unsigned)me,
		  sh->user, 1528u, cmd.p ? cmd.p : "ps");
	buf_free(&cmd);
	return 0;
}

static int ap_kill(struct sh *sh, struct io *io, int argc, char **argv)
{
	int a = 1, s = 0;

	if (a < argc && strcmp(argv[a], "-l") == 0) {
		sh_puts(sh, io, 1,
			" 1) HUP\n 2) INT\n 3) QUIT\n 4) ILL\n 5) TRAP\n 6) ABRT\n"
			" 7) BUS\n 8) FPE\n 9) KILL\n10) USR1\n11) SEGV\n12) USR2\n"
			"13) PIPE\n14) ALRM\n15) TERM\n");
		return 0;
	}
	if (a < argc && strcmp(argv[a], "-s") == 0)
		a += 2;
	else if (a < argc && argv[a][0] == '-' && argv[a][1])
		a++;
	if (a >= argc)
		return usage(sh, io, "kill");
	for (; a < argc; a++) {
		unsigned long pid;

		if (!parse_uint(argv[a], &pid)) {
			ap_err(sh, io, "kill", "bad pid '%s'", argv[a]);
			s = 1;
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

/* ------------------------------------------------------------------ */
/* files                                                               */

static int ap_cat(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct buf tmp;
	int a, s = 0, nfiles = 0;

	buf_init(&tmp, 256);
	for (a = 1; a < argc; a++) {
		char abs[CAP_PATH];
		const uint8_t *d;
		size_t n;
		int rc;

		if (argv[a][0] == '-' && argv[a][1])
			continue;
		nfiles++;
		if (strcmp(argv[a], "-") == 0) {
			d = stdin_rest(io, &n);
			sh_write(sh, io, 1, d, n);
			if (io->in)
				io->in->pos = io->in->n;
			continue;
		}
		rc = sh_path(sh, argv[a], abs, sizeof abs);
		if (!rc)
			rc = read_file(sh, abs, &d, &n, &tmp);
		if (rc == -EISDIR) {
			ap_err(sh, io, "cat", "read error: Is a directory");
			s = 1;
			continue;
		}
		if (rc) {
			ap_err(sh, io, "cat", "can't open '%s': %s", argv[a],
			       sh_strerror(rc));
			s = 1;
			continue;
		}
		out_data(sh, io, d, n);
	}
	if (!nfiles) {
		const uint8_t *d;
		size_t n;

		d = stdin_rest(io, &n);
		sh_write(sh, io, 1, d, n);
		if (io->in)
			io->in->pos = io->in->n;
	}
	buf_free(&tmp);
	return s;
}

/* Destination path: into the directory if dst is one. */
static int dest_path(struct sh *sh, const char *src, const char *dst,
		     char *out, size_t outlen)
{
	struct vfs_stat st;
	char tmp[CAP_PATH * 2];
	int rc = sh_path(sh, dst, out, outlen);

	if (rc)
		return rc;
	if (vfs_stat(sh->fs, out, &st) == 0 && st.type == VFS_DIR) {
		snprintf(tmp, sizeof tmp, "%s/%s", out, base_of(src));
		return vfs_abspath("/", tmp, out, outlen);
	}
	return 0;
}

static int ap_cp(struct sh *sh, struct io *io, int argc, char **argv)
{
	char *args[CAP_SH_WORDS];
	int a, na = 0, i, s = 0;

	for (a = 1; a < argc; a++)
		if (argv[a][0] != '-' || !argv[a][1])
			args[na++] = argv[a];
	if (na < 2)
		return usage(sh, io, "cp");
	for (i = 0; i < na - 1; i++) {
		char src[CAP_PATH], dst[CAP_PATH];
		struct vfs_stat st;
		const uint8_t *d;
		uint8_t *copy;
		size_t n;
		int rc;

		if (sh_path(sh, args[i], src, sizeof src) ||
		    vfs_stat(sh->fs, src, &st)) {
			ap_err(sh, io, "cp", "can't stat '%s': No such file or directory",
			       args[i]);
			s = 1;
			continue;
		}
		if (st.type == VFS_DIR) {
			ap_err(sh, io, "cp", "omitting directory '%s'", args[i]);
			s = 1;
			continue;
		}
		if (dest_path(sh, args[i], args[na - 1], dst, sizeof dst) ||
		    vfs_read(sh->fs, src, &d, &n)) {
			s = 1;
			continue;
		}
		copy = malloc(n ? n : 1);
		if (!copy)
			return 1;
		if (n)
			memcpy(copy, d, n);
		rc = vfs_can_create(sh->fs, dst);
		if (!rc)
			rc = vfs_write(sh->fs, dst, copy, n, false);
		free(copy);
		if (rc) {
			ap_err(sh, io, "cp", "can't create '%s': %s", args[na - 1],
			       sh_strerror(rc));
			s = 1;
			continue;
		}
		vfs_chmod(sh->fs, dst, st.mode & 0755);
	}
	return s;
}

static int ap_mv(struct sh *sh, struct io *io, int argc, char **argv)
{
	char *args[CAP_SH_WORDS];
	int a, na = 0, i, s = 0;

	for (a = 1; a < argc; a++)
		if (argv[a][0] != '-' || !argv[a][1])
			args[na++] = argv[a];
	if (na < 2)
		return usage(sh, io, "mv");
	for (i = 0; i < na - 1; i++) {
		char src[CAP_PATH], dst[CAP_PATH];
		int rc;

		rc = sh_path(sh, args[i], src, sizeof src);
		if (!rc)
			rc = dest_path(sh, args[i], args[na - 1], dst, sizeof dst);
		if (!rc)
			rc = vfs_rename(sh->fs, src, dst);
		if (rc) {
			ap_err(sh, io, "mv", "can't rename '%s': %s", args[i],
			       sh_strerror(rc));
			s = 1;
		}
	}
	return s;
}

static int ap_rm(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool rec = false, force = false, opts = true;
	int a, s = 0;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];
		char abs[CAP_PATH];
		struct vfs_stat st;
		int rc;

		if (opts && o[0] == '-' && o[1]) {
			if (strcmp(o, "--") == 0) {
				opts = false;
				continue;
			}
			rec = rec || strpbrk(o, "rR");
			force = force || strchr(o, 'f');
			continue;
		}
		rc = sh_path(sh, o, abs, sizeof abs);
		if (!rc)
			rc = vfs_lstat(sh->fs, abs, &st);
		if (rc) {
			if (!force) {
				ap_err(sh, io, "rm", "can't remove '%s': %s", o,
				       sh_strerror(rc));
				s = 1;
			}
			continue;
		}
		if (st.type == VFS_DIR && !rec) {
			ap_err(sh, io, "rm", "can't remove '%s': Is a directory", o);
			s = 1;
			continue;
		}
		rc = st.type == VFS_DIR ? vfs_rmdir(sh->fs, abs, true)
					: vfs_unlink(sh->fs, abs);
		if (rc) {
			ap_err(sh, io, "rm", "can't remove '%s': %s", o,
			       sh_strerror(rc));
			s = 1;
		}
	}
	return s;
}

static int ap_rmdir(struct sh *sh, struct io *io, int argc, char **argv)
{
	int a, s = 0;

	for (a = 1; a < argc; a++) {
		char abs[CAP_PATH];
		int rc;

		if (argv[a][0] == '-')
			continue;
		rc = sh_path(sh, argv[a], abs, sizeof abs);
		if (!rc)
			rc = vfs_rmdir(sh->fs, abs, false);
		if (rc) {
			ap_err(sh, io, "rmdir", "'%s': %s", argv[a], sh_strerror(rc));
			s = 1;
		}
	}
	return s;
}

static int ap_mkdir(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool parents = false;
	int a, s = 0;

	for (a = 1; a < argc; a++) {
		char abs[CAP_PATH];
		int rc;

		if (argv[a][0] == '-') {
			if (strchr(argv[a], 'p'))
				parents = true;
			if (strchr(argv[a], 'm') && a + 1 < argc)
				a++;
			continue;
		}
		rc = sh_path(sh, argv[a], abs, sizeof abs);
		if (!rc && parents) {
			char part[CAP_PATH];
			size_t i;

			for (i = 1; abs[i]; i++) {
				if (abs[i] != '/')
					continue;
				memcpy(part, abs, i);
				part[i] = '\0';
				rc = vfs_mkdir(sh->fs, part, 0755);
				if (rc && rc != -EEXIST)
					break;
				rc = 0;
			}
		}
		if (!rc)
			rc = vfs_mkdir(sh->fs, abs, 0755);
		if (rc == -EEXIST && parents)
			rc = 0;
		if (rc) {
			ap_err(sh, io, "mkdir", "can't create directory '%s': %s",
			       argv[a], sh_strerror(rc));
			s = 1;
		}
	}
	return s;
}

/* Applies an octal or symbolic mode; false if it does not parse. */
static bool apply_mode(const char *m, unsigned *mode)
{
	unsigned long v;

	if (*m >= '0' && *m <= '7') {
		char *end;

		v = strtoul(m, &end, 8);
		if (*end || v > 07777)
			return false;
		*mode = (unsigned)v;
		return true;
	}
	while (*m) {
		unsigned who = 0, bits = 0;
		char op;

		for (; *m && strchr("ugoa", *m); m++)
			who |= *m == 'u' ? 04700u : *m == 'g' ? 02070u
			       : *m == 'o' ? 01007u : 07777u;
		if (!who)
			who = 07777u;
		if (*m != '+' && *m != '-' && *m != '=')
			return false;
		op = *m++;
		for (; *m && strchr("rwxXst", *m); m++)
			bits |= *m == 'r' ? 0444u : *m == 'w' ? 0222u
				: (*m == 'x' || *m == 'X') ? 0111u
				: *m == 's' ? 06000u : 01000u;
		bits &= who;
		if (op == '+')
			*mode |= bits;
		else if (op == '-')
			*mode &= ~bits;
		else
			*mode = (*mode & ~who) | bits;
		if (*m == ',')
			m++;
		else if (*m)
			return false;
	}
	return true;
}

static int ap_chmod(struct sh *sh, struct io *io, int argc, char **argv)
{
	const char *mode = NULL;
	int a, s = 0;

	for (a = 1; a < argc; a++) {
		char abs[CAP_PATH];
		struct vfs_stat st;
		unsigned m;
		int rc;

		if (!mode) {
			if (argv[a][0] == '-' && strspn(argv[a] + 1, "Rvfc") ==
			    strlen(argv[a] + 1) && argv[a][1])
				continue;
			mode = argv[a];
			continue;
		}
		rc = sh_path(sh, argv[a], abs, sizeof abs);
		if (!rc)
			rc = vfs_stat(sh->fs, abs, &st);
		if (rc) {
			ap_err(sh, io, "chmod", "%s: %s", argv[a], sh_strerror(rc));
			s = 1;
			continue;
		}
		m = st.mode;
		if (!apply_mode(mode, &m)) {
			ap_err(sh, io, "chmod", "invalid mode '%s'", mode);
			return 1;
		}
		rc = vfs_chmod(sh->fs, abs, m);
		if (rc) {
			ap_err(sh, io, "chmod", "%s: %s", argv[a], sh_strerror(rc));
			s = 1;
			continue;
		}
		if (m & 0111)
			capture(sh, abs, "chmod");
	}
	if (!mode || a == 2)
		return usage(sh, io, "chmod");
	return s;
}

static int ap_touch(struct sh *sh, struct io *io, int argc, char **argv)
{
	int a, s = 0;

	for (a = 1; a < argc; a++) {
		char abs[CAP_PATH];
		struct vfs_stat st;
		int rc;

		if (argv[a][0] == '-')
			continue;
		rc = sh_path(sh, argv[a], abs, sizeof abs);
		if (!rc && vfs_stat(sh->fs, abs, &st) == 0)
			continue;
		if (!rc)
			rc = vfs_can_create(sh->fs, abs);
		if (!rc)
			rc = vfs_write(sh->fs, abs, "", 0, true);
		if (rc) {
			ap_err(sh, io, "touch", "%s: %s", argv[a], sh_strerror(rc));
			s = 1;
		}
	}
	return s;
}

/* --- ls --- */

struct lsent {
	char **v;
	size_t n, cap;
	bool all;
};

static void ls_fn(void *ctx, const char *name)
{
	struct lsent *l = ctx;
	char **nv;

	if (name[0] == '.' && !l->all)
		return;
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 32;

		if (nc > CAP_SH_WORDS * 4)
			return;
		nv = realloc(l->v, nc * sizeof *nv);
		if (!nv)
			return;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n] = strdup(name);
	if (l->v[l->n])
		l->n++;
}

static void mode_string(const struct vfs_stat *st, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	out[0] = st->type == VFS_DIR ? 'd' : st->type == VFS_LINK ? 'l' : '-';
	for (i = 0; i < 9; i++)
		out[1 + i] = (st->mode & (0400u >> i)) ? rwx[i] : '-';
	out[10] = '\0';
}

static void ls_long(struct sh *sh, struct io *io, const char *abs,
		    const char *name)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct vfs_stat st;
	struct tm tm;
	time_t t;
	int64_t now = sh->host.now ? sh->host.now(sh->host.ctx) : 0;
	char ms[11], when[24];

	if (vfs_lstat(sh->fs, abs, &st))
		return;
	t = st.mtime;
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	if (now - (int64_t)t > 60 * 60 * 24 * 30 * 6 || now < (int64_t)t)
		snprintf(when, sizeof when, "%s %2d  %4d", mon[tm.tm_mon % 12],
			 tm.tm_mday, tm.tm_year + 1900);
	else
		snprintf(when, sizeof when, "%s %2d %02d:%02d", mon[tm.tm_mon % 12],
			 tm.tm_mday, tm.tm_hour, tm.tm_min);
	mode_string(&st, ms);
	sh_printf(sh, io, 1, "%-10s %4u %-8.8s %-8.8s %8lu %s %s", ms,
		  st.type == VFS_DIR ? 2u : 1u, st.session ? sh->user : "root",
		  st.session ? sh->user : "root", (unsigned long)st.size, when,
		  name);
	if (st.type == VFS_LINK)
		sh_printf(sh, io, 1, " -> %s", st.target);
	sh_puts(sh, io, 1, "\n");
}

static void ls_names(struct sh *sh, struct io *io, const char *dir,
		     char **names, size_t n, bool lng, bool one)
{
	size_t i, maxw = 0, colw, ncols, nrows, r, c;

	if (lng) {
		for (i = 0; i < n; i++) {
			char abs[CAP_PATH * 2];

			if (dir)
				snprintf(abs, sizeof abs, "%s/%s",
					 strcmp(dir, "/") ? dir : "", names[i]);
			else if (sh_path(sh, names[i], abs, CAP_PATH))
				continue;
			ls_long(sh, io, abs, names[i]);
		}
		return;
	}
	if (one || io->out[1].kind != SINK_TERM) {
		for (i = 0; i < n; i++)
			sh_printf(sh, io, 1, "%s\n", names[i]);
		return;
	}
	for (i = 0; i < n; i++)
		if (strlen(names[i]) > maxw)
			maxw = strlen(names[i]);
	colw = maxw + 2;
	ncols = TERM_WIDTH / colw;
	if (ncols < 1)
		ncols = 1;
	nrows = (n + ncols - 1) / ncols;
	for (r = 0; r < nrows; r++) {
		size_t col = 0;

		for (c = 0; c < ncols; c++) {
			i = c * nrows + r;
			if (i >= n)
				continue;
			if (col)
				sh_printf(sh, io, 1, "%*s", (int)(c * colw - col), "");
			sh_puts(sh, io, 1, names[i]);
			col = c * colw + strlen(names[i]);
		}
		sh_puts(sh, io, 1, "\n");
	}
}

static int ap_ls(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool lng = false, one = false, all = false, dironly = false;
	char *args[CAP_SH_WORDS];
	int a, na = 0, s = 0;

	for (a = 1; a < argc; a++) {
		if (argv[a][0] == '-' && argv[a][1]) {
			lng = lng || strchr(argv[a], 'l');
			one = one || strchr(argv[a], '1');
			all = all || strpbrk(argv[a], "aA");
			dironly = dironly || strchr(argv[a], 'd');
			continue;
		}
		args[na++] = argv[a];
	}
	if (!na)
		args[na++] = ".";
	for (a = 0; a < na; a++) {
		char abs[CAP_PATH];
		struct vfs_stat st;
		struct lsent l = {0};
		size_t i;
		int rc;

		rc = sh_path(sh, args[a], abs, sizeof abs);
		if (!rc)
			rc = vfs_stat(sh->fs, abs, &st);
		if (rc) {
			ap_err(sh, io, "ls", "%s: %s", args[a], sh_strerror(rc));
			s = 1;
			continue;
		}
		if (st.type != VFS_DIR || dironly) {
			ls_names(sh, io, NULL, &args[a], 1, lng, one);
			continue;
		}
		if (na > 1)
			sh_printf(sh, io, 1, "%s%s:\n", a ? "\n" : "", args[a]);
		l.all = all;
		if (all) {
			ls_fn(&l, ".");
			ls_fn(&l, "..");
		}
		vfs_list(sh->fs, abs, ls_fn, &l);
		if (lng)
			sh_printf(sh, io, 1, "total %u\n", 0u);
		ls_names(sh, io, abs, l.v, l.n, lng, one);
		for (i = 0; i < l.n; i++)
			free(l.v[i]);
		free(l.v);
	}
	return s;
}

/* --- dd, head, tail, wc, grep --- */

static int ap_dd(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned long bs = 512, count = (unsigned long)-1, skip = 0, nbl;
	const char *inf = NULL, *outf = NULL;
	const uint8_t *d;
	size_t n, len;
	struct buf tmp;
	int a, rc = 0;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];
		const char *eq = strchr(o, '=');
		unsigned long *dst = NULL;

		if (!eq) {
			ap_err(sh, io, "dd", "invalid argument '%s'", o);
			return usage(sh, io, "dd");
		}
		if (strncmp(o, "if=", 3) == 0)
			inf = eq + 1;
		else if (strncmp(o, "of=", 3) == 0)
			outf = eq + 1;
		else if (strncmp(o, "bs=", 3) == 0 || strncmp(o, "ibs=", 4) == 0 ||
			 strncmp(o, "obs=", 4) == 0)
			dst = &bs;
		else if (strncmp(o, "count=", 6) == 0)
			dst = &count;
		else if (strncmp(o, "skip=", 5) == 0)
			dst = &skip;
		else if (strncmp(o, "seek=", 5) == 0 || strncmp(o, "conv=", 5) == 0)
			continue;
		else {
			ap_err(sh, io, "dd", "invalid argument '%s'", o);
			return usage(sh, io, "dd");
		}
		if (dst && (!parse_size(eq + 1, dst) || (dst == &bs && !bs))) {
			ap_err(sh, io, "dd", "invalid number '%s'", eq + 1);
			return 1;
		}
	}
	buf_init(&tmp, 256);
	if (inf) {
		char abs[CAP_PATH];

		rc = sh_path(sh, inf, abs, sizeof abs);
		if (!rc)
			rc = read_file(sh, abs, &d, &n, &tmp);
		if (rc) {
			ap_err(sh, io, "dd", "can't open '%s': %s", inf,
			       sh_strerror(rc));
			rc = 1;
			goto out;
		}
	} else {
		d = stdin_rest(io, &n);
		if (io->in)
			io->in->pos = io->in->n;
	}
	if (skip && skip > n / bs)
		skip = n / bs + 1;
	if (skip * bs >= n) {
		d += n;
		n = 0;
	} else {
		d += skip * bs;
		n -= skip * bs;
	}
	nbl = n / bs;
	if (nbl > count)
		nbl = count;
	len = nbl * bs;
	if (nbl < count && n % bs)
		len = n, nbl++;
	{
		unsigned long full = len / bs, part = len % bs ? 1 : 0;

		if (outf) {
			char abs[CAP_PATH];

			rc = sh_path(sh, outf, abs, sizeof abs);
			if (!rc)
				rc = vfs_can_create(sh->fs, abs);
			if (!rc)
				rc = vfs_write(sh->fs, abs, d, len, false);
			if (rc) {
				ap_err(sh, io, "dd", "can't open '%s': %s", outf,
				       sh_strerror(rc));
				rc = 1;
				goto out;
			}
		} else {
			out_data(sh, io, d, len);
		}
		sh_printf(sh, io, 2, "%lu+%lu records in\n%lu+%lu records out\n",
			  full, part, full, part);
	}
out:
	buf_free(&tmp);
	return rc;
}

/* Input of a filter applet: a file or stdin. */
static int filter_input(struct sh *sh, struct io *io, const char *ap,
			const char *arg, const uint8_t **d, size_t *n,
			struct buf *tmp)
{
	char abs[CAP_PATH];
	int rc;

	if (!arg || strcmp(arg, "-") == 0) {
		*d = stdin_rest(io, n);
		if (io->in)
			io->in->pos = io->in->n;
		return 0;
	}
	rc = sh_path(sh, arg, abs, sizeof abs);
	if (!rc)
		rc = read_file(sh, abs, d, n, tmp);
	if (rc) {
		if (strcmp(ap, "grep") == 0)
			ap_err(sh, io, ap, "%s: %s", arg, sh_strerror(rc));
		else
			ap_err(sh, io, ap, "can't open '%s': %s", arg,
			       sh_strerror(rc));
	}
	return rc;
}

static int head_tail(struct sh *sh, struct io *io, int argc, char **argv,
		     bool tail)
{
	const char *ap = tail ? "tail" : "head";
	unsigned long num = 10;
	bool bytes = false;
	char *files[CAP_SH_WORDS];
	int a, nf = 0, s = 0, i;
	struct buf tmp;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if ((strcmp(o, "-n") == 0 || strcmp(o, "-c") == 0) && a + 1 < argc) {
			bytes = o[1] == 'c';
			o = argv[++a];
			if (*o == '+' || *o == '-')
				o++;
			if (!parse_size(o, &num)) {
				ap_err(sh, io, ap, "invalid number '%s'", o);
				return 1;
			}
			continue;
		}
		if (o[0] == '-' && o[1] >= '0' && o[1] <= '9') {
			if (!parse_size(o + 1, &num))
				return 1;
			continue;
		}
		if (o[0] == '-' && o[1])
			continue;
		files[nf++] = argv[a];
	}
	buf_init(&tmp, 256);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n, st = 0, en;

		if (filter_input(sh, io, ap, nf ? files[i] : NULL, &d, &n, &tmp)) {
			s = 1;
			continue;
		}
		if (nf > 1)
			sh_printf(sh, io, 1, "%s==> %s <==\n", i ? "\n" : "", files[i]);
		if (bytes) {
			en = n;
			if (tail)
				st = n > num ? n - num : 0;
			else
				en = n > num ? num : n;
		} else if (!tail) {
			unsigned long lines = 0;

			for (en = 0; en < n && lines < num; en++)
				if (d[en] == '\n')
					lines++;
		} else {
			unsigned long lines = 0;

			en = n;
			st = n;
			if (st && d[st - 1] == '\n')
				st--;
			while (st > 0) {
				if (d[st - 1] == '\n' && ++lines >= num)
					break;
				st--;
			}
		}
		out_data(sh, io, d + st, en - st);
	}
	buf_free(&tmp);
	return s;
}

static int ap_head(struct sh *sh, struct io *io, int argc, char **argv)
{
	return head_tail(sh, io, argc, argv, false);
}

static int ap_tail(struct sh *sh, struct io *io, int argc, char **argv)
{
	return head_tail(sh, io, argc, argv, true);
}

static void wc_num(struct sh *sh, struct io *io, bool first, bool nopad,
		   unsigned long v)
{
	if (nopad)
		sh_printf(sh, io, 1, "%lu", v);
	else if (first)
		sh_printf(sh, io, 1, "%9lu", v);
	else
		sh_printf(sh, io, 1, " %9lu", v);
}

static int ap_wc(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool c = false, l = false, w = false;
	char *files[CAP_SH_WORDS];
	int a, nf = 0, s = 0, i, nopt;
	struct buf tmp;

	for (a = 1; a < argc; a++) {
		if (argv[a][0] == '-' && argv[a][1]) {
			c = c || strpbrk(argv[a], "cm");
			l = l || strchr(argv[a], 'l');
			w = w || strchr(argv[a], 'w');
			continue;
		}
		files[nf++] = argv[a];
	}
	if (!c && !l && !w)
		c = l = w = true;
	nopt = (int)c + (int)l + (int)w;
	buf_init(&tmp, 256);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n, k;
		unsigned long nl = 0, nw = 0;
		bool inw = false, first = true, nopad;

		if (filter_input(sh, io, "wc", nf ? files[i] : NULL, &d, &n, &tmp)) {
			s = 1;
			continue;
		}
		for (k = 0; k < n; k++) {
			bool sp = d[k] == ' ' || d[k] == '\n' || d[k] == '\t' ||
				  d[k] == '\r' || d[k] == '\v' || d[k] == '\f';

			if (d[k] == '\n')
				nl++;
			if (!sp && !inw)
				nw++;
			inw = !sp;
		}
		nopad = !nf && nopt == 1;
		if (l) {
			wc_num(sh, io, first, nopad, nl);
			first = false;
		}
		if (w) {
			wc_num(sh, io, first, nopad, nw);
			first = false;
		}
		if (c)
			wc_num(sh, io, first, nopad, (unsigned long)n);
		if (nf)
			sh_printf(sh, io, 1, " %s", files[i]);
		sh_puts(sh, io, 1, "\n");
	}
	buf_free(&tmp);
	return s;
}

static bool has_substr(const uint8_t *h, size_t hn, const char *nd, bool icase)
{
	size_t nn = strlen(nd), i, j;

	if (!nn)
		return true;
	for (i = 0; i + nn <= hn; i++) {
		for (j = 0; j < nn; j++) {
			unsigned char x = h[i + j], y = (unsigned char)nd[j];

			if (icase) {
				if (x >= 'A' && x <= 'Z')
					x |= 0x20;
				if (y >= 'A' && y <= 'Z')
					y |= 0x20;
			}
			if (x != y)
				break;
		}
		if (j == nn)
			return true;
	}
	return false;
}

static int ap_grep(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool inv = false, icase = false, cnt = false, quiet = false, num = false;
	const char *pat = NULL;
	char *files[CAP_SH_WORDS];
	int a, nf = 0, i, s = 1, err = 0;
	struct buf tmp;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] == '-' && o[1] && !pat) {
			if (strcmp(o, "-e") == 0 && a + 1 < argc) {
				pat = argv[++a];
				continue;
			}
			inv = inv || strchr(o, 'v');
			icase = icase || strchr(o, 'i');
			cnt = cnt || strchr(o, 'c');
			quiet = quiet || strchr(o, 'q');
			num = num || strchr(o, 'n');
			continue;
		}
		if (!pat)
			pat = o;
		else
			files[nf++] = argv[a];
	}
	if (!pat)
		return usage(sh, io, "grep");
	buf_init(&tmp, 256);
	for (i = 0; i < (nf ? nf : 1); i++) {
		const uint8_t *d;
		size_t n, st = 0, k;
		unsigned long matches = 0, line = 0;

		if (filter_input(sh, io, "grep", nf ? files[i] : NULL, &d, &n, &tmp)) {
			err = 1;
			continue;
		}
		while (st < n) {
			bool m;

			for (k = st; k < n && d[k] != '\n'; k++)
				;
			line++;
			m = has_substr(d + st, k - st, pat, icase) != inv;
			if (m) {
				matches++;
				s = 0;
				if (!cnt && !quiet) {
					if (nf > 1)
						sh_printf(sh, io, 1, "%s:", files[i]);
					if (num)
						sh_printf(sh, io, 1, "%lu:", line);
					sh_write(sh, io, 1, d + st, k - st);
					sh_write(sh, io, 1, "\n", 1);
				}
			}
			st = k + 1;
		}
		if (cnt && !quiet) {
			if (nf > 1)
				sh_printf(sh, io, 1, "%s:", files[i]);
			sh_printf(sh, io, 1, "%lu\n", matches);
		}
	}
	buf_free(&tmp);
	return err && s ? 2 : s;
}

/* --- system information --- */

static unsigned long meminfo(struct sh *sh, const char *key, unsigned long def)
{
	const struct persona_file *f = NULL;
	const uint8_t *d;
	size_t n, kl = strlen(key);
	const char *s, *end;

	(void)f;
	if (vfs_read(sh->fs, "/proc/meminfo", &d, &n))
		return def;
	s = (const char *)d;
	end = s + n;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));

		if (!eol)
			eol = end;
		if ((size_t)(eol - s) > kl + 1 && memcmp(s, key, kl) == 0 &&
		    s[kl] == ':') {
			char num[24];
			size_t k = 0;
			const char *q = s + kl + 1;

			while (q < eol && *q == ' ')
				q++;
			while (q < eol && *q >= '0' && *q <= '9' && k < sizeof num - 1)
				num[k++] = *q++;
			num[k] = '\0';
			if (k)
				return strtoul(num, NULL, 10);
		}
		s = eol + 1;
	}
	return def;
}

static int ap_free(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned long total = meminfo(sh, "MemTotal", 27756);
	unsigned long fr = meminfo(sh, "MemFree", 7584);
	unsigned long bufs = meminfo(sh, "Buffers", 1896);
	unsigned long st = meminfo(sh, "SwapTotal", 0);
	unsigned long sf = meminfo(sh, "SwapFree", 0);

	if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "-k") != 0)
		return usage(sh, io, "free");
	if (fr > total)
		fr = total;
	if (sf > st)
		sf = st;
	sh_printf(sh, io, 1, "%6s%13s%13s%13s%13s%13s\n", "", "total", "used",
		  "free", "shared", "buffers");
	sh_printf(sh, io, 1, "%6s%13lu%13lu%13lu%13lu%13lu\n", "Mem:", total,
		  total - fr, fr, 0ul, bufs);
	sh_printf(sh, io, 1, "%6s%13lu%13lu%13lu\n", "Swap:", st, st - sf, sf);
	sh_printf(sh, io, 1, "%6s%13lu%13lu%13lu\n", "Total:", total + st,
		  (total - fr) + (st - sf), fr + sf);
	return 0;
}

static int ap_mount(struct sh *sh, struct io *io, int argc, char **argv)
{
	const uint8_t *d;
	size_t n;

	if (argc > 2) {
		ap_err(sh, io, "mount", "mounting %s on %s failed: %s", argv[argc - 2],
		       argv[argc - 1], "No such device");
		return 255;
	}
	if (argc == 2 && argv[1][0] != '-') {
		ap_err(sh, io, "mount", "can't find %s in /etc/fstab", argv[1]);
		return 255;
	}
	if (vfs_read(sh->fs, "/proc/mounts", &d, &n) == 0)
		sh_write(sh, io, 1, d, n);
	return 0;
}

static int ap_df(struct sh *sh, struct io *io, int argc, char **argv)
{
	const uint8_t *d;
	size_t n;
	const char *s, *end;
	unsigned long memk = meminfo(sh, "MemTotal", 27756);

	(void)argc, (void)argv;
	sh_puts(sh, io, 1,
		"Filesystem           1K-blocks      Used Available Use% Mounted on\n");
	if (vfs_read(sh->fs, "/proc/mounts", &d, &n))
		return 0;
	s = (const char *)d;
	end = s + n;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		char dev[64], mnt[CAP_PATH], type[32];
		unsigned long tot, used;
		int k;

		if (!eol)
			eol = end;
		{
			const char *q = s;
			char *outs[3] = {dev, mnt, type};
			size_t caps[3] = {sizeof dev, sizeof mnt, sizeof type};

			for (k = 0; k < 3; k++) {
				size_t m = 0;

				while (q < eol && *q == ' ')
					q++;
				while (q < eol && *q != ' ') {
					if (m < caps[k] - 1)
						outs[k][m++] = *q;
					q++;
				}
				outs[k][m] = '\0';
			}
		}
		s = eol + 1;
		if (!type[0] || strcmp(type, "rootfs") == 0 ||
		    strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0 ||
		    strcmp(type, "devpts") == 0 || strcmp(type, "usbfs") == 0 ||
		    strcmp(type, "debugfs") == 0)
			continue;
		if (strcmp(type, "tmpfs") == 0 || strcmp(type, "ramfs") == 0) {
			tot = memk / 2;
			used = strcmp(mnt, "/dev") == 0 ? 0 : 4 + (mix((uint32_t)tot) % 64);
		} else {
			tot = 2048 + mix((uint32_t)(sh->p->pid_base + (uint32_t)strlen(mnt))) % 6144;
			used = strcmp(type, "squashfs") == 0 || strcmp(type, "cramfs") == 0
				       ? tot
				       : tot / 3;
		}
		if (strlen(dev) > 20)
			sh_printf(sh, io, 1, "%s\n%20s", dev, "");
		else
			sh_printf(sh, io, 1, "%-20s", dev);
		sh_printf(sh, io, 1, " %9lu %9lu %9lu %3lu%% %s\n", tot, used,
			  tot - used, tot ? (used * 100 + tot - 1) / tot : 0, mnt);
	}
	return 0;
}

static int ap_uname(struct sh *sh, struct io *io, int argc, char **argv)
{
	const struct persona *p = sh->p;
	unsigned which = 0;
	const char *vals[6];
	int a, i;
	bool first = true;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-') {
			ap_err(sh, io, "uname", "invalid option -- '%c'", o[0]);
			return usage(sh, io, "uname");
		}
		for (o++; *o; o++) {
			const char *opts = "snrvmpio";
			const char *f = strchr(opts, *o);

			if (*o == 'a')
				which |= 0x1f | 0x100;
			else if (f)
				which |= 1u << (f - opts);
			else {
				ap_err(sh, io, "uname", "invalid option -- '%c'", *o);
				return usage(sh, io, "uname");
			}
		}
	}
	if (!which)
		which = 1;
	vals[0] = p->uname_s ? p->uname_s : "Linux";
	vals[1] = p->hostname ? p->hostname : "localhost";
	vals[2] = p->uname_r ? p->uname_r : "";
	vals[3] = p->uname_v ? p->uname_v : "";
	vals[4] = p->uname_m ? p->uname_m : "";
	vals[5] = "unknown";
	for (i = 0; i < 6; i++) {
		if (!(which & (1u << i)))
			continue;
		sh_printf(sh, io, 1, "%s%s", first ? "" : " ", vals[i]);
		first = false;
	}
	if (which & 0x100)
		sh_puts(sh, io, 1, bb_minor(sh) >= 18 ? " GNU/Linux" : " unknown");
	sh_puts(sh, io, 1, "\n");
	return 0;
}

static int ap_hostname(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_printf(sh, io, 1, "%s\n", sh->p->hostname ? sh->p->hostname : "localhost");
	return 0;
}

static int ap_id(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool root = sh_is_root(sh);

	if (argc > 1 && strcmp(argv[1], "-u") == 0) {
		sh_puts(sh, io, 1, root ? "0\n" : "1000\n");
		return 0;
	}
	if (root)
		sh_puts(sh, io, 1, "uid=0(root) gid=0(root)\n");
	else
		sh_printf(sh, io, 1, "uid=1000(%s) gid=1000(%s)\n", sh->user,
			  sh->user);
	return 0;
}

static int ap_whoami(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_printf(sh, io, 1, "%s\n", sh_is_root(sh) ? "root" : sh->user);
	return 0;
}

static int ap_uptime(struct sh *sh, struct io *io, int argc, char **argv)
{
	int64_t now = sh->host.now ? sh->host.now(sh->host.ctx) : 0;
	int64_t up = now - (int64_t)sh->p->boot_time;
	unsigned long days, hrs, mins;
	time_t t = (time_t)now;
	struct tm tm;

	(void)argc, (void)argv;
	if (up < 0)
		up = 0;
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	days = (unsigned long)(up / 86400);
	hrs = (unsigned long)(up / 3600 % 24);
	mins = (unsigned long)(up / 60 % 60);
	sh_printf(sh, io, 1, " %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min,
		  tm.tm_sec);
	if (days)
		sh_printf(sh, io, 1, "%lu day%s, ", days, days == 1 ? "" : "s");
	if (hrs)
		sh_printf(sh, io, 1, "%2lu:%02lu, ", hrs, mins);
	else
		sh_printf(sh, io, 1, "%lu min, ", mins);
	sh_puts(sh, io, 1, "load average: 0.00, 0.00, 0.00\n");
	return 0;
}

static int ap_date(struct sh *sh, struct io *io, int argc, char **argv)
{
	time_t t = sh->host.now ? (time_t)sh->host.now(sh->host.ctx) : 0;
	struct tm tm;
	char s[64];

	(void)argc, (void)argv;
	if (!gmtime_r(&t, &tm) || !strftime(s, sizeof s, "%a %b %e %H:%M:%S UTC %Y", &tm))
		return 1;
	sh_printf(sh, io, 1, "%s\n", s);
	return 0;
}

static int ap_sleep(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned long sec = 0, ms = 0;
	char *end;

	if (argc < 2)
		return usage(sh, io, "sleep");
	errno = 0;
	sec = strtoul(argv[1], &end, 10);
	if (end == argv[1] || errno) {
		ap_err(sh, io, "sleep", "invalid number '%s'", argv[1]);
		return 1;
	}
	if (*end == '.') {
		unsigned long scale = 100;

		for (end++; *end >= '0' && *end <= '9'; end++) {
			ms += (unsigned long)(*end - '0') * scale;
			scale /= 10;
		}
	}
	if (*end) {
		ap_err(sh, io, "sleep", "invalid number '%s'", argv[1]);
		return 1;
	}
	if (sec > CAP_SLEEP_MS / 1000)
		sec = CAP_SLEEP_MS / 1000, ms = 0;
	if (sh->host.pause && !sh->inject && (sec || ms))
		sh->host.pause(sh->host.ctx, (unsigned)(sec * 1000 + ms));
	return 0;
}

static int ap_which(struct sh *sh, struct io *io, int argc, char **argv)
{
	static const char *const dirs[] = {"/sbin", "/usr/sbin", "/bin", "/usr/bin"};
	int a, s = 0;

	if (argc < 2)
		return usage(sh, io, "which");
	for (a = 1; a < argc; a++) {
		char abs[CAP_PATH];
		struct vfs_stat st;
		size_t i;
		bool found = false;

		if (strchr(argv[a], '/')) {
			if (!sh_path(sh, argv[a], abs, sizeof abs) &&
			    !vfs_stat(sh->fs, abs, &st) && st.type == VFS_FILE &&
			    (st.mode & 0111)) {
				sh_printf(sh, io, 1, "%s\n", argv[a]);
				found = true;
			}
		}
		for (i = 0; !found && !strchr(argv[a], '/') && i < 4; i++) {
			snprintf(abs, sizeof abs, "%s/%s", dirs[i], argv[a]);
			if (vfs_stat(sh->fs, abs, &st) == 0 && st.type == VFS_FILE &&
			    (st.mode & 0111)) {
				sh_printf(sh, io, 1, "%s\n", abs);
				found = true;
			}
		}
		if (!found)
			s = 1;
	}
	return s;
}

static int ap_env(struct sh *sh, struct io *io, int argc, char **argv)
{
	int i;

	(void)argc, (void)argv;
	for (i = 0; i < sh->nvars; i++)
		if (sh->vars[i].exported)
			sh_printf(sh, io, 1, "%s=%s\n", sh->vars[i].name,
				  sh->vars[i].val);
	return 0;
}

/* ------------------------------------------------------------------ */
/* downloads                                                           */

static bool is_ipv4(const char *s)
{
	int dots = 0, digits = 0;

	for (; *s; s++) {
		if (*s == '.') {
			if (!digits)
				return false;
			dots++;
			digits = 0;
		} else if (*s >= '0' && *s <= '9') {
			if (++digits > 3)
				return false;
		} else {
			return false;
		}
	}
	return dots == 3 && digits;
}

/* Splits "scheme://[user@]host[:port]/path"; false if not a URL. */
static bool parse_url(const char *url, struct fetch_req *r, const char **path)
{
	const char *p = strstr(url, "://"), *h, *e, *at, *colon;
	unsigned long port;
	size_t n;

	if (!p)
		return false;
	n = (size_t)(p - url);
	if (n == 4 && strncmp(url, "http", 4) == 0)
		r->port = 80;
	else if (n == 5 && strncmp(url, "https", 5) == 0)
		r->port = 443;
	else if (n == 3 && strncmp(url, "ftp", 3) == 0)
		r->port = 21;
	else if (n == 4 && strncmp(url, "tftp", 4) == 0)
		r->port = 69;
	else
		return false;
	h = p + 3;
	e = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(e - h));
	if (at)
		h = at + 1;
	n = (size_t)(e - h);
	if (n == 0 || n >= sizeof r->host)
		return false;
	memcpy(r->host, h, n);
	r->host[n] = '\0';
	memcpy(r->addr, h, n);
	r->addr[n] = '\0';
	colon = strrchr(r->addr, ':');
	if (colon && strchr(colon, ']'))
		colon = NULL; /* [IPv6] without a port */
	if (colon) {
		if (!parse_uint(colon + 1, &port) || port == 0 || port > 65535)
			return false;
		r->port = (unsigned)port;
		r->addr[colon - r->addr] = '\0';
	}
	if (path)
		*path = e;
	snprintf(r->url, sizeof r->url, "%s", url);
	return true;
}

/* The applet's failure when no download is waited for (fetching off,
 * refused at the start, or a context a wait cannot resume into). */
static int fetch_fail_now(struct sh *sh, struct io *io, const struct fetch_req *r)
{
	bool ip = is_ipv4(r->addr);

	if (strcmp(r->applet, "tftp") == 0) {
		ap_err(sh, io, "tftp", "timeout");
		return 1;
	}
	if (strcmp(r->applet, "curl") == 0) {
		if (!r->quiet) {
			if (ip)
				sh_printf(sh, io, 2,
					  "curl: (7) Failed to connect to %s port %u: Connection timed out\n",
					  r->addr, r->port);
			else
				sh_printf(sh, io, 2,
					  "curl: (6) Couldn't resolve host '%s'\n",
					  r->addr);
		}
		return ip ? 7 : 6;
	}
	if (!ip) {
		ap_err(sh, io, r->applet, "bad address '%s'", r->addr);
		return 1;
	}
	if (!r->quiet && strcmp(r->applet, "wget") == 0)
		sh_printf(sh, io, 2, "Connecting to %s (%s:%u)\n", r->host, r->addr,
			  r->port);
	ap_err(sh, io, r->applet, "can't connect to remote host (%s): %s", r->addr,
	       "Connection timed out");
	return 1;
}

/* The one place a download happens. With a host that fetches (and a
 * simple command of the line itself), the shell waits: the line stops here
 * and sh_fetch_done() finishes this command through sh_fetch_finish(). */
static int fetch(struct sh *sh, struct io *io, const struct fetch_req *r)
{
	struct sh_event_info ei;

	memset(&ei, 0, sizeof ei);
	ei.applet = r->applet;
	ei.url = r->url;
	ei.outfile = r->outfile[0] ? r->outfile : io->out_path;
	ei.user = r->user;
	ei.pass = r->pass;
	if (sh->host.fetch && sh->inject) {
		/* a door: nobody waits; the host stores the file when it comes */
		if (sh->host.fetch(sh->host.ctx, &ei) > 0)
			return 0;
	} else if (sh->host.fetch && sh->susp_ok && !sh->waiting) {
		if (sh->host.fetch(sh->host.ctx, &ei) > 0) {
			sh->fx = *r;
			sh->fx.user = sh->fx.pass = NULL;
			sh->waiting = true;
			sh->susp_ni = sh->cur_ni;
			sh->stop = true; /* the rest of the line runs on resume */
			return 0;
		}
	} else {
		sh_emit(sh, SH_EV_FETCH, &ei);
	}
	return fetch_fail_now(sh, io, r);
}

/* ---- what each applet prints when the download ends ---- */

static const char *res_ip(const struct fetch_req *r, const struct sh_fetch_result *x)
{
	return x->peer_ip && x->peer_ip[0] ? x->peer_ip : r->addr;
}

/* BusyBox 1.1x wget's status line (networking/wget.c progressmeter):
 * "\r%-20.20s%4d%% |<stars><blanks>|%6d%c " and the ETA, the bar being
 * the terminal width less 49 (80 columns: 31), sizes >= 100000 shifted
 * by 10 bits per unit letter " kMGTPEZY". Only the first and the last
 * call show on a quick transfer; the last one ends the line. */
static void wget_meter(struct sh *sh, struct io *io, const char *name,
		       size_t done, size_t total, unsigned ms, bool last)
{
	char bar[TERM_WIDTH];
	int barlen = TERM_WIDTH - 49, stars;
	unsigned ratio = 100;
	unsigned long long ab = done;
	int unit = 0;

	if (total)
		ratio = (unsigned)(100ULL * done / total);
	if (ratio > 100)
		ratio = 100;
	stars = barlen * (int)ratio / 100;
	memset(bar, '*', (size_t)stars);
	memset(bar + stars, ' ', (size_t)(barlen - stars));
	bar[barlen] = '\0';
	while (ab >= 100000 && unit < 8) {
		unit++;
		ab >>= 10;
	}
	sh_printf(sh, io, 2, "\r%-20.20s%4u%% |%s|%6d%c %s%s", name, ratio, bar,
		  (int)ab, " kMGTPEZY"[unit],
		  !done || ms < 1000 ? "--:--:-- ETA" : "00:00:00 ETA",
		  last ? "\n" : "");
}

/* Puts the download where the applet writes it: a file of the session's
 * file system (at most what the caps leave: the whole sample is in the
 * store already), or stdout. Returns 0 or -errno. */
static int fetch_deliver(struct sh *sh, struct io *io, const struct fetch_req *r,
			 const struct sh_fetch_result *x)
{
	size_t n = x->len, room;
	int err;

	if (!r->outfile[0]) {
		sh_write(sh, io, 1, x->data, x->len);
		return 0;
	}
	err = vfs_can_create(sh->fs, r->outfile);
	if (err)
		return err;
	room = vfs_room(sh->fs, r->outfile);
	if (n > room)
		n = room;
	err = vfs_write(sh->fs, r->outfile, x->data, n, false);
	if (err)
		return err;
	vfs_mark_captured(sh->fs, r->outfile);
	return 0;
}

static const char *curfile(const struct fetch_req *r)
{
	return r->outfile[0] ? base_of(r->outname) : "-";
}

static int wget_done(struct sh *sh, struct io *io, const struct fetch_req *r,
		     const struct sh_fetch_result *x)
{
	const char *why = x->reason ? x->reason : "";
	int err;

	if (!x->ok && strcmp(why, "dns") == 0) {
		ap_err(sh, io, "wget", "bad address '%s'", r->addr);
		return 1;
	}
	if (!r->quiet)
		sh_printf(sh, io, 2, "Connecting to %s (%s:%u)\n", r->host,
			  res_ip(r, x), r->port);
	if (x->ok) {
		/* the output file is opened before the meter starts */
		err = fetch_deliver(sh, io, r, x);
		if (err) {
			ap_err(sh, io, "wget", "can't open '%s': %s", r->outname,
			       sh_strerror(err));
			return 1;
		}
		if (!r->quiet) {
			wget_meter(sh, io, curfile(r), 0, x->len, 0, false);
			wget_meter(sh, io, curfile(r), x->len, x->len, x->ms, true);
		}
		return 0;
	}
	if (strcmp(why, "http_status") == 0) {
		ap_err(sh, io, "wget", "server returned error: %s",
		       x->status_line && x->status_line[0] ? x->status_line : "");
		return 1;
	}
	if (strcmp(why, "ftp_error") == 0) {
		if (x->ftp_cmd && (!strcmp(x->ftp_cmd, "USER") || !strcmp(x->ftp_cmd, "PASS")))
			ap_err(sh, io, "wget", "ftp login: %s", x->detail ? x->detail : "");
		else
			ap_err(sh, io, "wget", "bad response to %s: %s",
			       x->ftp_cmd ? x->ftp_cmd : "RETR", x->detail ? x->detail : "");
		return 1;
	}
	if (x->connected) {
		if (strcmp(why, "timeout") == 0)
			ap_err(sh, io, "wget", "download timed out");
		else
			ap_err(sh, io, "wget", "error getting response");
		return 1;
	}
	ap_err(sh, io, "wget", "can't connect to remote host (%s): %s", res_ip(r, x),
	       strcmp(why, "connect") == 0 && x->detail ? x->detail : "Connection timed out");
	return 1;
}

/* What tftp and ftpget print alike: the file delivered (or why it could
 * not be opened) and a name that did not resolve. -1: not one of those. */
static int fetch_done_common(struct sh *sh, struct io *io, const char *applet,
			     const struct fetch_req *r, const struct sh_fetch_result *x)
{
	int err;

	if (x->ok) {
		err = fetch_deliver(sh, io, r, x);
		if (err)
			ap_err(sh, io, applet, "can't open '%s': %s", r->outname,
			       sh_strerror(err));
		return err ? 1 : 0;
	}
	if (x->reason && strcmp(x->reason, "dns") == 0) {
		ap_err(sh, io, applet, "bad address '%s'", r->addr);
		return 1;
	}
	return -1;
}

static int tftp_done(struct sh *sh, struct io *io, const struct fetch_req *r,
		     const struct sh_fetch_result *x)
{
	const char *why = x->reason ? x->reason : "";
	int rc = fetch_done_common(sh, io, "tftp", r, x);

	if (rc >= 0)
		return rc;
	if (strcmp(why, "tftp_error") == 0) {
		ap_err(sh, io, "tftp", "server error: (%d) %s", x->code,
		       x->detail ? x->detail : "");
		return 1;
	}
	ap_err(sh, io, "tftp", "timeout");
	return 1;
}

static int ftpget_done(struct sh *sh, struct io *io, const struct fetch_req *r,
		       const struct sh_fetch_result *x)
{
	const char *why = x->reason ? x->reason : "";
	int rc = fetch_done_common(sh, io, "ftpget", r, x);

	if (rc >= 0)
		return rc;
	if (strcmp(why, "ftp_error") == 0) {
		ap_err(sh, io, "ftpget", "unexpected server response to %s: %s",
		       x->ftp_cmd ? x->ftp_cmd : "RETR", x->detail ? x->detail : "");
		return 1;
	}
	if (x->connected) {
		ap_err(sh, io, "ftpget", "unexpected server response: %s",
		       x->detail ? x->detail : "");
		return 1;
	}
	ap_err(sh, io, "ftpget", "can't connect to remote host (%s): %s", res_ip(r, x),
	       strcmp(why, "connect") == 0 && x->detail ? x->detail : "Connection timed out");
	return 1;
}

/* curl's size columns: 5 characters, then k/M/G units. */
static void curl_size(char *out, size_t cap, unsigned long long v)
{
	if (v < 100000)
		snprintf(out, cap, "%5llu", v);
	else if (v < 10000ULL * 1024)
		snprintf(out, cap, "%4lluk", v / 1024);
	else
		snprintf(out, cap, "%4lluM", v / (1024 * 1024));
}

static int curl_done(struct sh *sh, struct io *io, const struct fetch_req *r,
		     const struct sh_fetch_result *x)
{
	const char *why = x->reason ? x->reason : "";
	char sz[16], sp[16];
	int err;

	if (x->ok || strcmp(why, "http_status") == 0) {
		/* without -f curl keeps an error page too; the fetcher keeps
		 * none, so an HTTP error leaves an empty transfer */
		struct sh_fetch_result ok = *x;

		if (!x->ok) {
			ok.data = NULL;
			ok.len = 0;
		}
		err = fetch_deliver(sh, io, r, &ok);
		if (err) {
			sh_printf(sh, io, 2, "curl: (23) Failed writing body (0 != %zu)\n", ok.len);
			return 23;
		}
		if (!r->quiet && r->outfile[0]) {
			curl_size(sz, sizeof sz, ok.len);
			curl_size(sp, sizeof sp, x->ms ? ok.len * 1000ULL / x->ms : ok.len);
			sh_printf(sh, io, 2,
				  "  %% Total    %% Received %% Xferd  Average Speed   Time    Time     Time  Current\n"
				  "                                 Dload  Upload   Total   Spent    Left  Speed\n"
				  "\r100 %s  100 %s    0     0  %s      0 --:--:-- --:--:-- --:--:-- %s\n",
				  sz, sz, sp, sp);
		}
		return 0;
	}
	if (r->quiet)
		return strcmp(why, "dns") == 0 ? 6 : strcmp(why, "timeout") == 0 ? 28 : 7;
	if (strcmp(why, "dns") == 0) {
		sh_printf(sh, io, 2, "curl: (6) Couldn't resolve host '%s'\n", r->addr);
		return 6;
	}
	if (strcmp(why, "timeout") == 0) {
		sh_printf(sh, io, 2, "curl: (28) Operation timed out after %u milliseconds with 0 bytes received\n",
			  x->ms);
		return 28;
	}
	sh_printf(sh, io, 2, "curl: (7) Failed to connect to %s port %u: %s\n", r->addr,
		  r->port, strcmp(why, "connect") == 0 && x->detail ? x->detail : "Connection timed out");
	return 7;
}

int sh_fetch_finish(struct sh *sh, struct io *io)
{
	const struct fetch_req *r = &sh->fx;
	const struct sh_fetch_result *x = sh->res;

	if (!x || !r->applet)
		return 1;
	if (strcmp(r->applet, "tftp") == 0)
		return tftp_done(sh, io, r, x);
	if (strcmp(r->applet, "ftpget") == 0)
		return ftpget_done(sh, io, r, x);
	if (strcmp(r->applet, "curl") == 0)
		return curl_done(sh, io, r, x);
	return wget_done(sh, io, r, x);
}

static void set_outfile(struct sh *sh, struct fetch_req *r, const char *f)
{
	if (!f || strcmp(f, "-") == 0) {
		r->outfile[0] = '\0';
		r->outname[0] = '\0';
		return;
	}
	snprintf(r->outname, sizeof r->outname, "%s", f);
	if (sh_path(sh, f, r->outfile, sizeof r->outfile))
		r->outfile[0] = '\0';
}

static int ap_wget(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct fetch_req r;
	const char *url = NULL, *out = NULL, *ghost = NULL, *local = NULL,
		   *remote = NULL, *path = NULL, *dir = NULL;
	int a;

	memset(&r, 0, sizeof r);
	r.applet = "wget";
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-' || !o[1]) {
			url = o;
			continue;
		}
		if (strncmp(o, "--output-document=", 18) == 0) {
			out = o + 18;
			continue;
		}
		if (strncmp(o, "-O", 2) == 0 && o[2]) {
			out = o + 2;
			continue;
		}
		if (strcmp(o, "-q") == 0 || strcmp(o, "--quiet") == 0) {
			r.quiet = true;
			continue;
		}
		if (strcmp(o, "-O") == 0 || strcmp(o, "--output-document") == 0 ||
		    strcmp(o, "-g") == 0 || strcmp(o, "-l") == 0 ||
		    strcmp(o, "-r") == 0 || strcmp(o, "-P") == 0 ||
		    strcmp(o, "-U") == 0 || strcmp(o, "-T") == 0 ||
		    strcmp(o, "-t") == 0 || strcmp(o, "-Y") == 0 ||
		    strcmp(o, "--header") == 0 || strcmp(o, "--user-agent") == 0) {
			const char *v = a + 1 < argc ? argv[++a] : NULL;

			if (!v)
				return usage(sh, io, "wget");
			if (o[1] == 'O' || strcmp(o, "--output-document") == 0)
				out = v;
			else if (strcmp(o, "-g") == 0)
				ghost = v;
			else if (strcmp(o, "-l") == 0)
				local = v;
			else if (strcmp(o, "-r") == 0)
				remote = v;
			else if (strcmp(o, "-P") == 0)
				dir = v;
			continue;
		}
	}
	if (ghost) {
		/* Huawei's wget -g HOST -l LOCAL -r REMOTE */
		char tmp[CAP_PATH * 2];
		const char *rp = remote ? remote : local ? base_of(local) : "";

		snprintf(tmp, sizeof tmp, "%s%s%s%s",
			 strstr(ghost, "://") ? "" : "http://", ghost,
			 rp[0] == '/' ? "" : "/", rp);
		if (!parse_url(tmp, &r, NULL))
			return usage(sh, io, "wget");
		set_outfile(sh, &r, local ? local : base_of(rp));
		return fetch(sh, io, &r);
	}
	if (!url)
		return usage(sh, io, "wget");
	if (!parse_url(url, &r, &path)) {
		ap_err(sh, io, "wget", "not an http or ftp url: %s", url);
		return 1;
	}
	if (out) {
		set_outfile(sh, &r, out);
	} else {
		char tmp[CAP_PATH * 2];
		const char *b = path && *path ? base_of(path) : "";

		if (!*b || *b == '/')
			b = "index.html";
		snprintf(tmp, sizeof tmp, "%s%s%s", dir ? dir : "", dir ? "/" : "", b);
		set_outfile(sh, &r, tmp);
	}
	return fetch(sh, io, &r);
}

static int ap_tftp(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct fetch_req r;
	const char *local = NULL, *remote = NULL, *host = NULL, *port = NULL;
	bool get = false, put = false;
	char tmp[CAP_PATH * 2];
	int a;

	memset(&r, 0, sizeof r);
	r.applet = "tftp";
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] == '-' && o[1]) {
			for (o++; *o; o++) {
				if (*o == 'g')
					get = true;
				else if (*o == 'p')
					put = true;
				else if (*o == 'l' || *o == 'r' || *o == 'b') {
					const char *v = o[1] ? o + 1 : (a + 1 < argc ? argv[++a] : NULL);

					if (!v)
						return usage(sh, io, "tftp");
					if (*o == 'l')
						local = v;
					else if (*o == 'r')
						remote = v;
					break;
				} else {
					sh_printf(sh, io, 2, "tftp: invalid option -- '%c'\n", *o);
					return usage(sh, io, "tftp");
				}
			}
			continue;
		}
		if (!host)
			host = o;
		else if (!port)
			port = o;
	}
	if ((!get && !put) || !host || (!local && !remote))
		return usage(sh, io, "tftp");
	if (!remote)
		remote = local;
	if (!local)
		local = base_of(remote);
	if (put) {
		ap_err(sh, io, "tftp", "timeout");
		return 1;
	}
	snprintf(tmp, sizeof tmp, "tftp://%s%s%s%s%s", host, port ? ":" : "",
		 port ? port : "", remote[0] == '/' ? "" : "/", remote);
	if (!parse_url(tmp, &r, NULL))
		return usage(sh, io, "tftp");
	set_outfile(sh, &r, local);
	return fetch(sh, io, &r);
}

static int ap_curl(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct fetch_req r;
	const char *url = NULL, *out = NULL, *path = NULL;
	bool remote_name = false;
	int a;

	memset(&r, 0, sizeof r);
	r.applet = "curl";
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-') {
			url = o;
			continue;
		}
		if (strcmp(o, "-o") == 0 || strcmp(o, "--output") == 0) {
			if (a + 1 < argc)
				out = argv[++a];
			continue;
		}
		if (strcmp(o, "-A") == 0 || strcmp(o, "-H") == 0 ||
		    strcmp(o, "-d") == 0 || strcmp(o, "-X") == 0 ||
		    strcmp(o, "-e") == 0 || strcmp(o, "-m") == 0) {
			a++;
			continue;
		}
		if (strchr(o, 's'))
			r.quiet = true;
		if (strchr(o, 'O'))
			remote_name = true;
	}
	if (!url) {
		sh_puts(sh, io, 2,
			"curl: try 'curl --help' or 'curl --manual' for more information\n");
		return 2;
	}
	if (!strstr(url, "://")) {
		char tmp[CAP_PATH * 2];

		snprintf(tmp, sizeof tmp, "http://%s", url);
		if (!parse_url(tmp, &r, &path))
			return 3;
	} else if (!parse_url(url, &r, &path)) {
		sh_printf(sh, io, 2, "curl: (1) Protocol not supported\n");
		return 1;
	}
	if (out)
		set_outfile(sh, &r, out);
	else if (remote_name && path && *path)
		set_outfile(sh, &r, base_of(path));
	return fetch(sh, io, &r);
}

static int ap_ftpget(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct fetch_req r;
	const char *pos[3] = {NULL, NULL, NULL}, *port = NULL;
	char tmp[CAP_PATH * 2];
	int a, np = 0;

	memset(&r, 0, sizeof r);
	r.applet = "ftpget";
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] == '-' && o[1]) {
			if ((o[1] == 'u' || o[1] == 'p' || o[1] == 'P') && !o[2]) {
				if (a + 1 >= argc)
					return usage(sh, io, "ftpget");
				if (o[1] == 'P')
					port = argv[a + 1];
				else if (o[1] == 'u')
					r.user = argv[a + 1];
				else
					r.pass = argv[a + 1];
				a++;
			}
			continue;
		}
		if (np < 3)
			pos[np++] = o;
	}
	if (np < 2)
		return usage(sh, io, "ftpget");
	if (!pos[2])
		pos[2] = pos[1];
	snprintf(tmp, sizeof tmp, "ftp://%s%s%s%s%s", pos[0], port ? ":" : "",
		 port ? port : "", pos[2][0] == '/' ? "" : "/", pos[2]);
	if (!parse_url(tmp, &r, NULL))
		return usage(sh, io, "ftpget");
	/* BusyBox ftpget logs in as anonymous / busybox@ unless told */
	if (r.user || r.pass) {
		if (!r.user)
			r.user = "anonymous";
		if (!r.pass)
			r.pass = "busybox@";
	}
	set_outfile(sh, &r, pos[1]);
	return fetch(sh, io, &r);
}

static int ap_nc(struct sh *sh, struct io *io, int argc, char **argv)
{
	const char *host = NULL;
	int a;

	for (a = 1; a < argc; a++) {
		if (argv[a][0] == '-') {
			if (strchr(argv[a], 'l'))
				return 0; /* "listening": nothing ever connects */
			if (strpbrk(argv[a], "pewi") && !argv[a][2] && a + 1 < argc)
				a++;
			continue;
		}
		if (!host)
			host = argv[a];
	}
	if (!host)
		return usage(sh, io, "nc");
	if (!is_ipv4(host)) {
		ap_err(sh, io, "nc", "bad address '%s'", host);
		return 1;
	}
	ap_err(sh, io, "nc", "can't connect to remote host (%s): %s", host,
	       "Connection timed out");
	return 1;
}

/* ------------------------------------------------------------------ */
/* shells and busybox                                                  */

/* need_x: run as a command (the x bit counts), not as `sh FILE`. */
static int exec_file(struct sh *sh, struct io *io, const char *abspath,
		     int argc, char **argv, int depth, bool need_x);

int sh_exec_file(struct sh *sh, struct io *io, const char *abspath,
		 int argc, char **argv, int depth)
{
	return exec_file(sh, io, abspath, argc, argv, depth, true);
}

static int exec_file(struct sh *sh, struct io *io, const char *abspath,
		     int argc, char **argv, int depth, bool need_x)
{
	struct vfs_stat st;
	const uint8_t *d;
	size_t n, i, probe;
	bool text = true;
	uint8_t *copy;
	int s;

	capture(sh, abspath, "exec");
	if (vfs_stat(sh->fs, abspath, &st) || vfs_read(sh->fs, abspath, &d, &n)) {
		sh_err(sh, io, "%s: not found", argv[0]);
		return 127;
	}
	if (need_x && !(st.mode & 0111)) {
		sh_err(sh, io, "%s: Permission denied", argv[0]);
		return 126;
	}
	if (n >= 20 && d[0] == 0x7f && d[1] == 'E' && d[2] == 'L' && d[3] == 'F') {
		uint16_t mach = d[5] == 2 ? (uint16_t)(d[18] << 8 | d[19])
					  : (uint16_t)(d[19] << 8 | d[18]);

		if (d[5] == sh->p->elf.ei_data && mach == sh->p->elf.e_machine)
			return 0; /* it "runs" in the background */
		sh_puts(sh, io, 2, "Illegal instruction\n");
		return 132;
	}
	probe = n < 512 ? n : 512;
	for (i = 0; i < probe; i++)
		if (d[i] == 0)
			text = false;
	if (!text) {
		sh_puts(sh, io, 2, "Segmentation fault\n");
		return 139;
	}
	if (depth + 1 > CAP_SH_DEPTH)
		return 2;
	/* a script: run it in this shell, with its own $0 $1 … */
	copy = malloc(n ? n : 1);
	if (!copy)
		return 1;
	if (n)
		memcpy(copy, d, n);
	{
		int saved_argc = sh->pargc;
		char **saved_argv = sh->pargv;
		bool saved_stop = sh->stop;
		char cwd[CAP_PATH];

		memcpy(cwd, sh->cwd, sizeof cwd);
		sh->pargc = argc;
		sh->pargv = argv;
		s = sh_run(sh, io, (const char *)copy, n, depth + 1, NULL);
		sh->pargc = saved_argc;
		sh->pargv = saved_argv;
		memcpy(sh->cwd, cwd, sizeof cwd);
		if (sh->exit_req) {
			sh->exit_req = false;
			sh->stop = saved_stop;
		}
	}
	free(copy);
	return s;
}

static int ap_sh(struct sh *sh, struct io *io, int argc, char **argv)
{
	int a = 1;
	char abs[CAP_PATH];
	struct vfs_stat st;

	while (a < argc && argv[a][0] == '-' && strcmp(argv[a], "-c") != 0)
		a++;
	if (a < argc && strcmp(argv[a], "-c") == 0) {
		bool saved_stop = sh->stop;
		int s, saved_argc = sh->pargc;
		char **saved_argv = sh->pargv;

		if (a + 1 >= argc) {
			sh_printf(sh, io, 2, "%s: -c requires an argument\n", argv[0]);
			return 2;
		}
		sh->pargc = argc - a - 2;
		sh->pargv = argv + a + 2;
		s = sh_run(sh, io, argv[a + 1], strlen(argv[a + 1]), sh->depth + 1,
			   NULL);
		sh->pargc = saved_argc;
		sh->pargv = saved_argv;
		if (sh->exit_req) {
			sh->exit_req = false;
			sh->stop = saved_stop;
		}
		return s;
	}
	if (a < argc) {
		if (sh_path(sh, argv[a], abs, sizeof abs) ||
		    vfs_stat(sh->fs, abs, &st) || st.type != VFS_FILE) {
			sh_printf(sh, io, 2, "%s: can't open '%s'\n", argv[0], argv[a]);
			return 2;
		}
		capture(sh, abs, "exec");
		return exec_file(sh, io, abs, argc - a, argv + a, sh->depth + 1, false);
	}
	if (sh->inject || io->in)
		return 0;
	if (sh_push_level(sh, sh_is_root(sh), true))
		sh->stop = true; /* the rest of the line goes to the new shell */
	return 0;
}

static int ap_su(struct sh *sh, struct io *io, int argc, char **argv)
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

static int ap_busybox(struct sh *sh, struct io *io, int argc, char **argv);

static const struct sh_applet applets[] = {
	{".", ap_source, "FILE\n", AP_BUILTIN},
	{":", ap_true, "\n", AP_BUILTIN},
	{"[", ap_test, "EXPRESSION ]\n\nCheck file types, compare values etc.\n", AP_BUILTIN | AP_APPLET},
	{"ash", ap_sh, "[-/+OPTIONS] [-/+o OPT]... [-c 'SCRIPT' [0 ARGS] | FILE [ARGS]]\n\nUnix shell interpreter\n", AP_APPLET},
	{"break", ap_break, "\n", AP_BUILTIN},
	{"busybox", ap_busybox, "\n", AP_APPLET},
	{"cat", ap_cat, "[FILE]...\n\nConcatenate FILEs and print them to stdout\n", AP_APPLET},
	{"cd", ap_cd, "\n", AP_BUILTIN},
	{"chmod", ap_chmod, "[-Rcvf] MODE[,MODE]... FILE...\n\nEach MODE is one or more of the letters ugoa, one of the\nsymbols +-= and one or more of the letters rwxst\n", AP_APPLET},
	{"continue", ap_break, "\n", AP_BUILTIN},
	{"cp", ap_cp, "[OPTIONS] SOURCE... DEST\n\nCopy SOURCE(s) to DEST\n", AP_APPLET},
	{"curl", ap_curl, "\n", AP_APPLET},
	{"date", ap_date, "[OPTIONS] [+FMT] [TIME]\n\nDisplay time (using +FMT), or set time\n", AP_APPLET},
	{"dd", ap_dd, "[if=FILE] [of=FILE] [bs=N] [count=N] [skip=N]\n\t[seek=N] [conv=notrunc|noerror|sync|fsync]\n\nCopy a file with converting and formatting\n", AP_APPLET},
	{"df", ap_df, "[-Pkmh] [FILESYSTEM]...\n\nPrint filesystem usage statistics\n", AP_APPLET},
	{"echo", ap_echo, "[-neE] [ARG]...\n\nPrint the specified ARGs to stdout\n", AP_BUILTIN | AP_APPLET},
	{"env", ap_env, "[-iu] [-] [name=value]... [PROG ARGS]\n\nPrint the current environment or run PROG after setting up\nthe specified environment\n", AP_APPLET},
	{"eval", ap_eval, "\n", AP_BUILTIN},
	{"exec", ap_exec, "\n", AP_BUILTIN},
	{"exit", ap_exit, "\n", AP_BUILTIN},
	{"export", ap_export, "\n", AP_BUILTIN},
	{"false", ap_false, "\n\nReturn an exit code of FALSE (1)\n", AP_BUILTIN | AP_APPLET},
	{"free", ap_free, "\n\nDisplay the amount of free and used system memory\n", AP_APPLET},
	{"ftpget", ap_ftpget, "[OPTIONS] HOST [LOCAL_FILE] REMOTE_FILE\n\nRetrieve a remote file via FTP\n", AP_APPLET},
	{"grep", ap_grep, "[-HhrilLnqvsoeFEABC] PATTERN [FILE]...\n\nSearch for PATTERN in FILEs (or stdin)\n", AP_APPLET},
	{"head", ap_head, "[OPTIONS] [FILE]...\n\nPrint first 10 lines of each FILE (or stdin) to stdout.\n", AP_APPLET},
	{"help", ap_help, "\n", AP_BUILTIN},
	{"hostname", ap_hostname, "[OPTIONS] [HOSTNAME | -F FILE]\n\nGet or set hostname or DNS domain name\n", AP_APPLET},
	{"id", ap_id, "[OPTIONS] [USER]\n\nPrint information about USER or the current user\n", AP_APPLET},
	{"kill", ap_kill, "[-l] [-SIG] PID...\n\nSend a signal (default: TERM) to given PIDs\n", AP_BUILTIN | AP_APPLET},
	{"ls", ap_ls, "[-1AacCdeFilnpLRrSsTtuvwxXhk] [FILE]...\n\nList directory contents\n", AP_APPLET},
	{"mkdir", ap_mkdir, "[OPTIONS] DIRECTORY...\n\nCreate DIRECTORY\n", AP_APPLET},
	{"mount", ap_mount, "[OPTIONS] [-o OPTS] DEVICE NODE\n\nMount a filesystem\n", AP_APPLET},
	{"mv", ap_mv, "[-fin] SOURCE DEST\nor: mv [-fin] SOURCE... DIRECTORY\n\nRename SOURCE to DEST, or move SOURCE(s) to DIRECTORY\n", AP_APPLET},
	{"nc", ap_nc, "[-iN] [-wN] [-l] [-p PORT] [-f FILE|IPADDR PORT] [-e PROG]\n\nOpen a pipe to IP:port or file\n", AP_APPLET},
	{"ps", ap_ps, "\n\nShow list of processes\n", AP_APPLET},
	{"pwd", ap_pwd, "\n\nPrint the full filename of the current working directory\n", AP_BUILTIN | AP_APPLET},
	{"read", ap_read, "\n", AP_BUILTIN},
	{"rm", ap_rm, "[OPTIONS] FILE...\n\nRemove (unlink) FILEs\n", AP_APPLET},
	{"rmdir", ap_rmdir, "[OPTIONS] DIRECTORY...\n\nRemove DIRECTORY if it is empty\n", AP_APPLET},
	{"set", ap_set, "\n", AP_BUILTIN},
	{"sh", ap_sh, "[-/+OPTIONS] [-/+o OPT]... [-c 'SCRIPT' [0 ARGS] | FILE [ARGS]]\n\nUnix shell interpreter\n", AP_APPLET},
	{"shift", ap_true, "\n", AP_BUILTIN},
	{"sleep", ap_sleep, "N\n\nPause for N seconds\n", AP_APPLET},
	{"source", ap_source, "\n", AP_BUILTIN},
	{"su", ap_su, "[OPTIONS] [-] [USERNAME]\n\nChange user id or become root\n", AP_APPLET},
	{"tail", ap_tail, "[OPTIONS] [FILE]...\n\nPrint last 10 lines of each FILE (or stdin) to stdout.\n", AP_APPLET},
	{"test", ap_test, "EXPRESSION ]\n\nCheck file types, compare values etc.\n", AP_BUILTIN | AP_APPLET},
	{"tftp", ap_tftp, "[OPTIONS] HOST [PORT]\n\nTransfer a file from/to tftp server\n", AP_APPLET},
	{"touch", ap_touch, "[-c] [-d DATE] FILE [FILE]...\n\nUpdate the last-modified date on the given FILE[s]\n", AP_APPLET},
	{"trap", ap_true, "\n", AP_BUILTIN},
	{"true", ap_true, "\n\nReturn an exit code of TRUE (0)\n", AP_BUILTIN | AP_APPLET},
	{"type", ap_type, "\n", AP_BUILTIN},
	{"ulimit", ap_true, "\n", AP_BUILTIN},
	{"umask", ap_true, "\n", AP_BUILTIN},
	{"uname", ap_uname, "[-amnrspv]\n\nPrint system information\n", AP_APPLET},
	{"unset", ap_unset, "\n", AP_BUILTIN},
	{"uptime", ap_uptime, "\n\nDisplay the time since the last boot\n", AP_APPLET},
	{"wait", ap_true, "\n", AP_BUILTIN},
	{"wc", ap_wc, "[-clwL] [FILE]...\n\nPrint line, word, and byte counts for each FILE (or stdin),\nand a total line if more than one FILE is specified\n", AP_APPLET},
	{"wget", ap_wget, "[-c|--continue] [-s|--spider] [-q|--quiet] [-O|--output-document FILE]\n\t[--header 'header: value'] [-Y|--proxy on/off] [-P DIR]\n\t[-U|--user-agent AGENT] URL\n\nRetrieve files via HTTP or FTP\n", AP_APPLET},
	{"which", ap_which, "[COMMAND]...\n\nLocate a COMMAND\n", AP_APPLET},
	{"whoami", ap_whoami, "\n\nPrint the user name associated with the current effective user id\n", AP_APPLET},
};

#define NAPPLETS (sizeof applets / sizeof applets[0])

const struct sh_applet *sh_applet_find(const char *name)
{
	size_t i;

	for (i = 0; i < NAPPLETS; i++)
		if (strcmp(applets[i].name, name) == 0)
			return &applets[i];
	return NULL;
}

bool sh_has_applet(const struct sh *sh, const char *name)
{
	const struct sh_applet *a;
	size_t i;

	if (strcmp(name, "busybox") == 0 || strcmp(name, "sh") == 0)
		return true;
	if (sh->p->napplets == 0) {
		a = sh_applet_find(name);
		return a && (a->flags & AP_APPLET) && strcmp(name, "curl") != 0;
	}
	for (i = 0; i < sh->p->napplets; i++)
		if (strcmp(sh->p->applets[i], name) == 0)
			return true;
	return false;
}

int sh_applet_run(struct sh *sh, struct io *io, const struct sh_applet *a,
		  int argc, char **argv)
{
	if (!(a->flags & AP_BUILTIN))
		sh->next_pid++;
	return a->fn(sh, io, argc, argv);
}

static void busybox_help(struct sh *sh, struct io *io)
{
	const struct persona *p = sh->p;
	size_t i, col = 8;

	sh_printf(sh, io, 1,
		  "BusyBox %s multi-call binary.\n"
		  "Copyright (C) 1998-2009 Erik Andersen, Rob Landley, Denys Vlasenko\n"
		  "and others. Licensed under GPLv2.\n"
		  "See source distribution for full notice.\n\n"
		  "Usage: busybox [function] [arguments]...\n"
		  "   or: function [arguments]...\n\n"
		  "\tBusyBox is a multi-call binary that combines many common Unix\n"
		  "\tutilities into a single executable.  Most people will create a\n"
		  "\tlink to busybox for each function they wish to use and BusyBox\n"
		  "\twill act like whatever it was invoked as.\n\n"
		  "Currently defined functions:\n\t",
		  bb_version(sh));
	for (i = 0; i < (p->napplets ? p->napplets : NAPPLETS); i++) {
		const char *name = p->napplets ? p->applets[i] : applets[i].name;
		size_t len = strlen(name);

		if (!p->napplets && !(applets[i].flags & AP_APPLET))
			continue;
		if (col > 8) {
			if (col + 2 + len > 78) {
				sh_puts(sh, io, 1, ",\n\t");
				col = 8;
			} else {
				sh_puts(sh, io, 1, ", ");
				col += 2;
			}
		}
		sh_puts(sh, io, 1, name);
		col += len;
	}
	sh_puts(sh, io, 1, "\n\n");
}

static int ap_busybox(struct sh *sh, struct io *io, int argc, char **argv)
{
	const struct sh_applet *a;
	const char *name;

	if (argc < 2) {
		busybox_help(sh, io);
		return 0;
	}
	name = argv[1];
	if (strcmp(name, "--list") == 0) {
		size_t i;

		for (i = 0; i < sh->p->napplets; i++)
			sh_printf(sh, io, 1, "%s\n", sh->p->applets[i]);
		return 0;
	}
	a = sh_applet_find(name);
	if (sh_has_applet(sh, name)) {
		if (a && (a->flags & AP_APPLET))
			return a->fn(sh, io, argc - 1, argv + 1);
		return 0;
	}
	sh_printf(sh, io, 2, "%s: applet not found\n", name);
	return 127;
}
