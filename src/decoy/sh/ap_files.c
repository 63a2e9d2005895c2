/* ap_files.c — file applets: cat, cp, mv, rm, rmdir, mkdir, chmod, touch,
 * ls and dd, all against the session's vfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh/applet.h"

int ap_cat(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct buf tmp;
	int a, s = 0, nfiles = 0;

	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	for (a = 1; a < argc; a++) {
		char abs[CAP_PATH];
		const uint8_t *d;
		size_t n;
		int rc;

		if (argv[a][0] == '-' && argv[a][1])
			continue;
		nfiles++;
		if (strcmp(argv[a], "-") == 0) {
			d = ap_stdin_rest(io, &n);
			sh_write(sh, io, 1, d, n);
			if (io->in)
				io->in->pos = io->in->n;
			continue;
		}
		rc = sh_path(sh, argv[a], abs, sizeof abs);
		if (!rc)
			rc = ap_read_file(sh, abs, &d, &n, &tmp);
		if (rc == -EISDIR) {
			ap_err(sh, io, "cat", "read error: Is a directory");
			s = 1;
			continue;
		}
		if (rc) {
			ap_err(sh, io, "cat", "can't open '%s': %s", argv[a], sh_strerror(rc));
			s = 1;
			continue;
		}
		ap_out_data(sh, io, d, n);
	}
	if (!nfiles) {
		const uint8_t *d;
		size_t n;

		d = ap_stdin_rest(io, &n);
		sh_write(sh, io, 1, d, n);
		if (io->in)
			io->in->pos = io->in->n;
	}
	buf_free(&tmp);
	return s;
}

/* Destination path: into the directory if dst is one. */
static int dest_path(struct sh *sh, const char *src, const char *dst, char *out, size_t outlen)
{
	struct vfs_stat st;
	char tmp[CAP_PATH * 2];
	int rc = sh_path(sh, dst, out, outlen);

	if (rc)
		return rc;
	if (vfs_stat(sh->fs, out, &st) == 0 && st.type == VFS_DIR) {
		snprintf(tmp, sizeof tmp, "%s/%s", out, ap_base_of(src));
		return vfs_abspath("/", tmp, out, outlen);
	}
	return 0;
}

int ap_cp(struct sh *sh, struct io *io, int argc, char **argv)
{
	char *args[CAP_SH_WORDS];
	int a, na = 0, i, s = 0;

	for (a = 1; a < argc; a++)
		if (argv[a][0] != '-' || !argv[a][1])
			args[na++] = argv[a];
	if (na < 2)
		return ap_usage(sh, io, "cp");
	for (i = 0; i < na - 1; i++) {
		char src[CAP_PATH], dst[CAP_PATH];
		struct vfs_stat st;
		const uint8_t *d;
		uint8_t *copy;
		size_t n;
		int rc;

		if (sh_path(sh, args[i], src, sizeof src) || vfs_stat(sh->fs, src, &st)) {
			ap_err(sh, io, "cp", "can't stat '%s': No such file or directory", args[i]);
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

int ap_mv(struct sh *sh, struct io *io, int argc, char **argv)
{
	char *args[CAP_SH_WORDS];
	int a, na = 0, i, s = 0;

	for (a = 1; a < argc; a++)
		if (argv[a][0] != '-' || !argv[a][1])
			args[na++] = argv[a];
	if (na < 2)
		return ap_usage(sh, io, "mv");
	for (i = 0; i < na - 1; i++) {
		char src[CAP_PATH], dst[CAP_PATH];
		int rc;

		rc = sh_path(sh, args[i], src, sizeof src);
		if (!rc)
			rc = dest_path(sh, args[i], args[na - 1], dst, sizeof dst);
		if (!rc)
			rc = vfs_rename(sh->fs, src, dst);
		if (rc) {
			ap_err(sh, io, "mv", "can't rename '%s': %s", args[i], sh_strerror(rc));
			s = 1;
		}
	}
	return s;
}

int ap_rm(struct sh *sh, struct io *io, int argc, char **argv)
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
				ap_err(sh, io, "rm", "can't remove '%s': %s", o, sh_strerror(rc));
				s = 1;
			}
			continue;
		}
		if (st.type == VFS_DIR && !rec) {
			ap_err(sh, io, "rm", "can't remove '%s': Is a directory", o);
			s = 1;
			continue;
		}
		rc = st.type == VFS_DIR ? vfs_rmdir(sh->fs, abs, true) : vfs_unlink(sh->fs, abs);
		if (rc) {
			ap_err(sh, io, "rm", "can't remove '%s': %s", o, sh_strerror(rc));
			s = 1;
		}
	}
	return s;
}

int ap_rmdir(struct sh *sh, struct io *io, int argc, char **argv)
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

int ap_mkdir(struct sh *sh, struct io *io, int argc, char **argv)
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
				rc = vfs_mkdir(sh->fs, part, 0777);
				if (rc && rc != -EEXIST)
					break;
				rc = 0;
			}
		}
		if (!rc)
			rc = vfs_mkdir(sh->fs, abs, 0777);
		if (rc == -EEXIST && parents)
			rc = 0;
		if (rc) {
			ap_err(sh, io, "mkdir", "can't create directory '%s': %s", argv[a],
			       sh_strerror(rc));
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
			who |= *m == 'u'   ? 04700u
			       : *m == 'g' ? 02070u
			       : *m == 'o' ? 01007u
					   : 07777u;
		if (!who)
			who = 07777u;
		if (*m != '+' && *m != '-' && *m != '=')
			return false;
		op = *m++;
		for (; *m && strchr("rwxXst", *m); m++)
			bits |= *m == 'r'		   ? 0444u
				: *m == 'w'		   ? 0222u
				: (*m == 'x' || *m == 'X') ? 0111u
				: *m == 's'		   ? 06000u
							   : 01000u;
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

int ap_chmod(struct sh *sh, struct io *io, int argc, char **argv)
{
	const char *mode = NULL;
	int a, s = 0;

	for (a = 1; a < argc; a++) {
		char abs[CAP_PATH];
		struct vfs_stat st;
		unsigned m;
		int rc;

		if (!mode) {
			if (argv[a][0] == '-' &&
			    strspn(argv[a] + 1, "Rvfc") == strlen(argv[a] + 1) && argv[a][1])
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
			ap_capture(sh, abs, "chmod");
	}
	if (!mode || a == 2)
		return ap_usage(sh, io, "chmod");
	return s;
}

int ap_touch(struct sh *sh, struct io *io, int argc, char **argv)
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
	if (st->mode & 04000)
		out[3] = (st->mode & 0100) ? 's' : 'S';
	if (st->mode & 02000)
		out[6] = (st->mode & 010) ? 's' : 'S';
	if (st->mode & 01000)
		out[9] = (st->mode & 01) ? 't' : 'T';
	out[10] = '\0';
}

/* What the device's file systems tell of a directory: its link count
 * (2 and one per subdirectory) and the size its type reports. */
struct dirsum {
	struct sh *sh;
	const char *dir;
	unsigned n, subdirs;
	size_t names;
};

static void dirsum_fn(void *ctx, const char *name)
{
	struct dirsum *d = ctx;
	char p[CAP_PATH * 2];
	struct vfs_stat st;

	d->n++;
	d->names += strlen(name);
	snprintf(p, sizeof p, "%s/%s", strcmp(d->dir, "/") ? d->dir : "", name);
	if (!vfs_lstat(d->sh->fs, p, &st) && st.type == VFS_DIR)
		d->subdirs++;
}

static void dir_meta(struct sh *sh, const char *abs, unsigned *nlink, unsigned long *size)
{
	struct dirsum d = {sh, abs, 0, 0, 0};
	const char *fs = vfs_fstype(sh->fs, abs);

	vfs_list(sh->fs, abs, dirsum_fn, &d);
	*nlink = 2 + d.subdirs;
	if (!strcmp(fs, "squashfs")) /* 3, a 12-byte header, 8 bytes and the name per entry */
		*size = d.n ? 3 + 12 + 8ul * d.n + d.names : 3;
	else if (!strcmp(fs, "cramfs")) /* 12 bytes and the name padded to 4 */
		*size = 12ul * d.n + d.names + 3ul * d.n;
	else if (!strcmp(fs, "tmpfs")) /* BOGO_DIRENT_SIZE: 20 a name, 40 to start */
		*size = 40 + 20ul * d.n;
	else if (!strncmp(fs, "ext", 3))
		*size = 4096;
	else /* jffs2, ramfs, proc, sysfs, devpts: 0 */
		*size = 0;
}

/* 512-byte blocks of an entry (ls -l's total is their sum, halved). */
static unsigned long ls_blocks(struct sh *sh, const char *abs)
{
	struct vfs_stat st;
	const char *fs;

	if (vfs_lstat(sh->fs, abs, &st) || st.type == VFS_LINK)
		return 0;
	fs = vfs_fstype(sh->fs, abs);
	if (st.type == VFS_DIR)
		return !strncmp(fs, "ext", 3) ? 8 : 0;
	if (!strcmp(fs, "tmpfs") || !strcmp(fs, "ramfs")) /* whole pages */
		return (st.size + 4095) / 4096 * 8;
	if (!strcmp(fs, "proc") || !strcmp(fs, "sysfs"))
		return 0;
	return (st.size + 511) / 512;
}

static void ls_long(struct sh *sh, struct io *io, const char *abs, const char *name)
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
		snprintf(when, sizeof when, "%s %2d  %4d", mon[tm.tm_mon % 12], tm.tm_mday,
			 tm.tm_year + 1900);
	else
		snprintf(when, sizeof when, "%s %2d %02d:%02d", mon[tm.tm_mon % 12], tm.tm_mday,
			 tm.tm_hour, tm.tm_min);
	mode_string(&st, ms);
	{
		/* BusyBox ls -l: "%-10s %4u %-8.8s %-8.8s %9lu " (1.9.1 to 1.35) */
		const char *own = st.session && st.user_owned ? sh->user : "root";
		unsigned nlink = 1;
		unsigned long size = (unsigned long)st.size;

		if (st.type == VFS_DIR)
			dir_meta(sh, abs, &nlink, &size);
		sh_printf(sh, io, 1, "%-10s %4u %-8.8s %-8.8s %9lu %s %s", ms, nlink, own, own,
			  size, when, name);
	}
	if (st.type == VFS_LINK)
		sh_printf(sh, io, 1, " -> %s", st.target);
	sh_puts(sh, io, 1, "\n");
}

static void ls_names(struct sh *sh, struct io *io, const char *dir, char **names, size_t n,
		     bool lng, bool one)
{
	size_t i, maxw = 0, colw, ncols, nrows, r, c;

	if (lng) {
		for (i = 0; i < n; i++) {
			char abs[CAP_PATH * 2];

			if (dir)
				snprintf(abs, sizeof abs, "%s/%s", strcmp(dir, "/") ? dir : "",
					 names[i]);
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

int ap_ls(struct sh *sh, struct io *io, int argc, char **argv)
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
		/* "total": BusyBox 1.16.0 added it (coreutils/ls.c, tag 1_16_0
		 * line 644, under ENABLE_DESKTOP); 1.9.1's ls.c lists its
		 * absence as known bug 1. The sum of 512-byte blocks, halved
		 * rounding up (calculate_blocks, 1_16_1 to 1_35_0). */
		if (lng && ap_bb_minor(sh) >= 16) {
			unsigned long blocks = 1;

			for (i = 0; i < l.n; i++) {
				char child[CAP_PATH * 2];

				snprintf(child, sizeof child, "%s/%s", strcmp(abs, "/") ? abs : "",
					 l.v[i]);
				blocks += ls_blocks(sh, child);
			}
			sh_printf(sh, io, 1, "total %lu\n", blocks / 2);
		}
		ls_names(sh, io, abs, l.v, l.n, lng, one);
		for (i = 0; i < l.n; i++)
			free(l.v[i]);
		free(l.v);
	}
	return s;
}

/* --- dd, head, tail, wc, grep --- */

int ap_dd(struct sh *sh, struct io *io, int argc, char **argv)
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
			return ap_usage(sh, io, "dd");
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
			return ap_usage(sh, io, "dd");
		}
		if (dst && (!ap_parse_size(eq + 1, dst) || (dst == &bs && !bs))) {
			ap_err(sh, io, "dd", "invalid number '%s'", eq + 1);
			return 1;
		}
	}
	sh_buf_init(sh, &tmp, CAP_PROCFS_FILE);
	if (inf) {
		char abs[CAP_PATH];

		rc = sh_path(sh, inf, abs, sizeof abs);
		if (!rc)
			rc = ap_read_file(sh, abs, &d, &n, &tmp);
		if (rc) {
			ap_err(sh, io, "dd", "can't open '%s': %s", inf, sh_strerror(rc));
			rc = 1;
			goto out;
		}
	} else {
		d = ap_stdin_rest(io, &n);
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
				ap_err(sh, io, "dd", "can't open '%s': %s", outf, sh_strerror(rc));
				rc = 1;
				goto out;
			}
		} else {
			ap_out_data(sh, io, d, len);
		}
		sh_printf(sh, io, 2, "%lu+%lu records in\n%lu+%lu records out\n", full, part, full,
			  part);
	}
out:
	buf_free(&tmp);
	return rc;
}

/* readlink [-fn] FILE: the link's target (-f: the path with every link
 * followed); nothing and status 1 when FILE is no link. */
int ap_readlink(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool canon = false, nonl = false;
	char abs[CAP_PATH], rp[CAP_PATH];
	struct vfs_stat st;
	const char *file = NULL;
	int a;

	for (a = 1; a < argc; a++) {
		if (argv[a][0] == '-' && argv[a][1]) {
			canon = canon || strchr(argv[a], 'f');
			nonl = nonl || strchr(argv[a], 'n');
		} else if (!file) {
			file = argv[a];
		}
	}
	if (!file)
		return ap_usage(sh, io, "readlink");
	if (sh_path(sh, file, abs, sizeof abs))
		return 1;
	if (canon) {
		if (vfs_resolve(sh->fs, abs, true, rp, sizeof rp))
			return 1;
		sh_printf(sh, io, 1, "%s%s", rp, nonl ? "" : "\n");
		return 0;
	}
	if (vfs_lstat(sh->fs, abs, &st) || st.type != VFS_LINK)
		return 1;
	sh_printf(sh, io, 1, "%s%s", st.target, nonl ? "" : "\n");
	return 0;
}
