/* ap_util.c — helpers the applet families share: messages in BusyBox's
 * wording, usage texts, number and size arguments, captures, reading files
 * (the dynamic ones too) and writing file bytes to stdout.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/applet.h"

#define ELF_HDR 52 /* bytes of an ELF32 header: sent before the pause */
#define ELF_PAUSE_MS 100

const char *sh_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case ENOENT:
		return "No such file or directory";
	case EROFS:
		return "Read-only file system";
	case ENOSPC:
		return "No space left on device";
	case EISDIR:
		return "Is a directory";
	case ENOTDIR:
		return "Not a directory";
	case EEXIST:
		return "File exists";
	case EACCES:
		return "Permission denied";
	case ENOTEMPTY:
		return "Directory not empty";
	case EBUSY:
		return "Device or resource busy";
	case ENAMETOOLONG:
		return "File name too long";
	case ELOOP:
		return "Too many levels of symbolic links";
	case EXDEV:
		return "Invalid cross-device link";
	case ENOMEM:
		return "Out of memory";
	default:
		return "Invalid argument";
	}
}

void sh_err(struct sh *sh, struct io *io, const char *fmt, ...)
{
	va_list ap;

	sh_puts(sh, io, 2, sh->scr.arg0 ? sh->scr.arg0 : sh_argv0(sh));
	sh_puts(sh, io, 2, ": ");
	if (sh->scr.lined) {
		if (sh->scr.dotname)
			sh_printf(sh, io, 2, "%s: ", sh->scr.dotname);
		sh_printf(sh, io, 2, "line %u: ", sh->scr.line);
	}
	va_start(ap, fmt);
	sh_vprintf(sh, io, 2, fmt, ap);
	va_end(ap);
	sh_puts(sh, io, 2, "\n");
}

void ap_err(struct sh *sh, struct io *io, const char *ap, const char *fmt, ...)
{
	va_list ap2;

	sh_printf(sh, io, 2, "%s: ", ap);
	va_start(ap2, fmt);
	sh_vprintf(sh, io, 2, fmt, ap2);
	va_end(ap2);
	sh_puts(sh, io, 2, "\n");
}

const char *ap_bb_version(const struct sh *sh)
{
	return sh->p->busybox_version ? sh->p->busybox_version : "v1.16.1";
}

/* Minor version of BusyBox ("v1.16.1" -> 16). */
unsigned ap_bb_minor(const struct sh *sh)
{
	const char *v = ap_bb_version(sh);
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

int ap_usage(struct sh *sh, struct io *io, const char *name)
{
	const struct sh_applet *a = sh_applet_find(name);

	sh_printf(sh, io, 2, "BusyBox %s multi-call binary.\n\n", ap_bb_version(sh));
	sh_printf(sh, io, 2, "Usage: %s %s", name, a && a->usage ? a->usage : "\n");
	return 1;
}

bool ap_parse_uint(const char *s, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* dd-style sizes: 52, 1k, 2M, 3b (512), 4w (2). */
bool ap_parse_size(const char *s, unsigned long *out)
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
		case 'k':
		case 'K':
			mul = 1024;
			break;
		case 'M':
		case 'm':
			mul = 1024 * 1024;
			break;
		case 'b':
			mul = 512;
			break;
		case 'w':
			mul = 2;
			break;
		case 'c':
			mul = 1;
			break;
		default:
			return false;
		}
	}
	if (v > (unsigned long)CAP_FS_TOTAL / mul)
		v = (unsigned long)CAP_FS_TOTAL / mul;
	*out = v * mul;
	return true;
}

void ap_capture(struct sh *sh, const char *abspath, const char *reason)
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

const char *ap_base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

/* Reads a file, computing the dynamic ones (/proc/uptime). */
int ap_read_file(struct sh *sh, const char *abs, const uint8_t **d, size_t *n, struct buf *tmp)
{
	int rc = procfs_read(sh, abs, d, n, tmp); /* the living /proc */

	if (rc <= 0)
		return rc;
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
void ap_out_bytes(struct sh *sh, struct io *io, const uint8_t *d, size_t n)
{
	if (io->out[1].kind == SINK_TERM && sh->host.out_ref && !sh->inject && n > 4096 &&
	    in_image(sh, d, n)) {
		sh->host.out_ref(sh->host.ctx, d, n);
		return;
	}
	sh_write(sh, io, 1, d, n);
}

void ap_out_data(struct sh *sh, struct io *io, const uint8_t *d, size_t n)
{
	if (io->out[1].kind == SINK_TERM && n > ELF_HDR && d[0] == 0x7f && d[1] == 'E' &&
	    d[2] == 'L' && d[3] == 'F') {
		sh_write(sh, io, 1, d, ELF_HDR);
		if (sh->host.pause && !sh->inject)
			sh->host.pause(sh->host.ctx, ELF_PAUSE_MS);
		ap_out_bytes(sh, io, d + ELF_HDR, n - ELF_HDR);
		return;
	}
	ap_out_bytes(sh, io, d, n);
}

const uint8_t *ap_stdin_rest(struct io *io, size_t *n)
{
	if (!io->in) {
		*n = 0;
		return (const uint8_t *)"";
	}
	*n = io->in->n - io->in->pos;
	return io->in->p + io->in->pos;
}

/* A 32-bit mixer (per-unit PIDs and sizes that look arbitrary). */
uint32_t ap_mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

/* Input of a filter applet: a file or stdin. */
int ap_filter_input(struct sh *sh, struct io *io, const char *ap, const char *arg,
		    const uint8_t **d, size_t *n, struct buf *tmp)
{
	char abs[CAP_PATH];
	int rc;

	if (!arg || strcmp(arg, "-") == 0) {
		*d = ap_stdin_rest(io, n);
		if (io->in)
			io->in->pos = io->in->n;
		return 0;
	}
	rc = sh_path(sh, arg, abs, sizeof abs);
	if (!rc)
		rc = ap_read_file(sh, abs, d, n, tmp);
	if (rc) {
		if (strcmp(ap, "grep") == 0)
			ap_err(sh, io, ap, "%s: %s", arg, sh_strerror(rc));
		else
			ap_err(sh, io, ap, "can't open '%s': %s", arg, sh_strerror(rc));
	}
	return rc;
}

bool ap_parse_fixed(const char *s, int prec, long long *out, const char **end)
{
	long long ip = 0, fp = 0;
	int k, digits = 0;
	bool neg = false;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if (ip < 100000000000LL)
			ip = ip * 10 + (*s - '0');
	if (*s == '.') {
		for (s++, k = 0; *s >= '0' && *s <= '9'; s++, digits++)
			if (k++ < prec)
				fp = fp * 10 + (*s - '0');
		for (; k < prec; k++)
			fp *= 10;
	} else {
		for (k = 0; k < prec; k++)
			fp *= 10;
	}
	for (k = 0; k < prec; k++)
		ip *= 10;
	*out = neg ? -(ip + fp) : ip + fp;
	if (end)
		*end = s;
	return digits > 0;
}

int ap_fmt_fixed(char *out, size_t outsz, long long v, int prec)
{
	long long scale = 1, a = v < 0 ? -v : v;
	int k;

	for (k = 0; k < prec; k++)
		scale *= 10;
	if (prec == 0)
		return snprintf(out, outsz, "%s%lld", v < 0 ? "-" : "", a);
	return snprintf(out, outsz, "%s%lld.%0*lld", v < 0 ? "-" : "", a / scale, prec, a % scale);
}

int ap_escape(const char **pp, bool zero_octal)
{
	static const char from[] = "abefnrtv\\";
	static const char to[] = "\a\b\033\f\n\r\t\v\\";
	const char *p = *pp, *f;
	unsigned v = 0;
	int k;

	if (*p == 'x' && p[1] && strchr("0123456789abcdefABCDEF", p[1])) {
		for (p++, k = 0; k < 2 && *p && strchr("0123456789abcdefABCDEF", *p); k++, p++)
			v = v * 16 + (unsigned)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
		*pp = p;
		return (int)v;
	}
	if (*p >= '0' && *p <= '7') {
		if (zero_octal && *p == '0' && p[1] >= '0' && p[1] <= '7')
			p++;
		for (k = 0; k < 3 && *p >= '0' && *p <= '7'; k++, p++)
			v = v * 8 + (unsigned)(*p - '0');
		*pp = p;
		return (int)(v & 0xff);
	}
	f = *p ? strchr(from, *p) : NULL;
	if (!f)
		return '\\';
	*pp = p + 1;
	return (unsigned char)to[f - from];
}
