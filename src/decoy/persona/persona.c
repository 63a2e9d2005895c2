/* persona.c — load a persona folder into a read-only struct persona.
 * The format is documented in docs/personas.md. */
#include "persona/persona.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "hash.h"
#include "strparse.h"
#include "uci.h"

/* A persona image is a handful of small text files; these caps only stop a
 * broken folder from eating the router's RAM. */
#define PERSONA_MAX_FILES 1024
#define PERSONA_MAX_BYTES (1024u * 1024u)
#define PERSONA_MAX_DEPTH 12
#define PERSONA_MAX_ELF (4u * 1024u * 1024u)

struct loader {
	struct persona *p;
	const struct persona_unit *unit;
	char *err;
	size_t errlen;
	size_t bytes; /* image bytes so far */
	size_t cap;   /* files[] allocated */
};

/* ---------- small helpers ---------- */

static int fail(struct loader *L, const char *file, int line, const char *msg)
{
	snprintf(L->err, L->errlen, "%s:%d: %s", file, line, msg);
	return -EINVAL;
}

/* C escapes: \r \n \t \e \0 \\ \' \" \xHH. Unknown escapes stay literal. */
static int unescape(const char *s, struct buf *out)
{
	int h, l;

	for (; *s; s++) {
		char c = *s;

		if (c == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'e': c = 27; break;
			case '0': c = 0; break;
			case '\\': c = '\\'; break;
			case '\'': c = '\''; break;
			case '"': c = '"'; break;
			case 'x':
				h = sp_hexval((unsigned char)s[1]);
				l = h >= 0 ? sp_hexval((unsigned char)s[2]) : -1;
				if (h < 0 || l < 0) {
					if (buf_addc(out, '\\'))
						return -1;
					c = 'x';
					break;
				}
				c = (char)(h * 16 + l);
				s += 2;
				break;
			default:
				if (buf_addc(out, '\\'))
					return -1;
				c = *s;
			}
		}
		if (buf_addc(out, c))
			return -1;
	}
	return 0;
}

static void fmt_date(time_t t, char *out, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%a %b %e %H:%M:%S UTC %Y", &tm);
}

/* Expands %{name} templates with this unit's values. Unknown names stay. */
static int expand(const struct persona *p, const char *s, size_t n,
		  struct buf *out)
{
	const char *end = s + n;
	char tmp[64];

	while (s < end) {
		const char *close;
		size_t klen;
		const char *val = NULL;

		if (*s != '%' || s + 1 >= end || s[1] != '{' ||
		    !(close = memchr(s, '}', (size_t)(end - s)))) {
			if (buf_addc(out, *s++))
				return -1;
			continue;
		}
		klen = (size_t)(close - s - 2);
#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(s + 2, k, klen))
		if (KEY("hostname")) {
			val = p->hostname ? p->hostname : "";
		} else if (KEY("mac") || KEY("MAC")) {
			snprintf(tmp, sizeof tmp,
				 s[2] == 'm' ? "%02x:%02x:%02x:%02x:%02x:%02x"
					     : "%02X:%02X:%02X:%02X:%02X:%02X",
				 p->mac[0], p->mac[1], p->mac[2], p->mac[3],
				 p->mac[4], p->mac[5]);
			val = tmp;
		} else if (KEY("macraw")) {
			hash_hex(p->mac, 6, tmp);
			val = tmp;
		} else if (KEY("serial")) {
			val = p->serial;
		} else if (KEY("suffix")) {
			val = p->suffix;
		} else if (KEY("boot_date")) {
			fmt_date(p->boot_time, tmp, sizeof tmp);
			val = tmp;
		}
#undef KEY
		if (!val) {
			if (buf_addc(out, *s++))
				return -1;
			continue;
		}
		if (buf_adds(out, val))
			return -1;
		s = close + 1;
	}
	return 0;
}

/* Option string → escapes decoded → templates expanded. */
static int get_pstr(struct loader *L, struct uci_sec *sec, const char *key,
		    const char *def, struct pstr *dst, const char *file)
{
	struct uci_opt *o = uci_get(sec, key);
	const char *v = o ? o->val : def;
	struct buf raw, ex;
	int rc = 0;

	buf_init(&raw, PERSONA_MAX_BYTES);
	buf_init(&ex, PERSONA_MAX_BYTES);
	if (!v)
		v = "";
	if (unescape(v, &raw) || buf_add(&raw, "", 0) ||
	    expand(L->p, raw.p, raw.len, &ex) || buf_add(&ex, "", 0)) {
		rc = fail(L, file, o ? o->line : sec->line, "string too long");
		goto out;
	}
	free(dst->p);
	dst->p = buf_take(&ex, &dst->n);
	if (!dst->p) {
		dst->p = strdup("");
		dst->n = 0;
		if (!dst->p)
			rc = -ENOMEM;
	}
out:
	buf_free(&raw);
	buf_free(&ex);
	return rc;
}

static int get_str(struct loader *L, struct uci_sec *sec, const char *key,
		   const char *def, char **dst, const char *file)
{
	struct pstr ps = {0};
	int rc = get_pstr(L, sec, key, def, &ps, file);

	if (rc)
		return rc;
	if (strlen(ps.p) != ps.n) {
		free(ps.p);
		return fail(L, file, sec->line, "NUL byte in a text option");
	}
	free(*dst);
	*dst = ps.p;
	return 0;
}

static int get_uint(struct loader *L, struct uci_sec *sec, const char *key,
		    unsigned long def, unsigned long max, unsigned long *dst,
		    const char *file)
{
	struct uci_opt *o = uci_get(sec, key);
	char *end;
	unsigned long v;

	if (!o) {
		*dst = def;
		return 0;
	}
	errno = 0;
	v = strtoul(o->val, &end, 0);
	if (errno || end == o->val || *end || v > max || o->val[0] == '-')
		return fail(L, file, o->line, "expected a number in range");
	*dst = v;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct persona_file *)a)->path,
		      ((const struct persona_file *)b)->path);
}

/* ---------- per-unit values ---------- */

static void unit_bytes(const struct persona_unit *u, const char *label,
		       uint8_t out[SHA256_LEN])
{
	uint8_t in[32 + 64];
	size_t n = strlen(label);

	if (n > 64)
		n = 64;
	memcpy(in, u->seed, 32);
	memcpy(in + 32, label, n);
	hash_sha256(in, 32 + n, out);
}

static int parse_oui(const char *s, uint8_t mac[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		if (!sp_hexbytes(s, &mac[i], 1))
			return -1;
		s += 2;
		if (i < 2 && *s++ != ':')
			return -1;
	}
	return *s ? -1 : 0;
}

static int derive_unit(struct loader *L, struct uci_sec *sec, const char *file)
{
	struct persona *p = L->p;
	uint8_t h[SHA256_LEN];
	const char *oui = uci_str(sec, "mac_oui", "00:e0:4c");
	const char *prefix = uci_str(sec, "serial_prefix", "");
	uint32_t v;
	int i, n;

	if (parse_oui(oui, p->mac))
		return fail(L, file, sec->line, "mac_oui must look like 00:e0:4c");
	unit_bytes(L->unit, "mac", h);
	memcpy(p->mac + 3, h, 3);
	hash_hex(h + 3, 3, p->suffix);
	unit_bytes(L->unit, "serial", h);
	n = snprintf(p->serial, sizeof p->serial, "%.8s", prefix);
	for (i = 0; i < 10 && n < (int)sizeof p->serial - 1; i++)
		p->serial[n++] = (char)('0' + h[i] % 10);
	p->serial[n] = '\0';
	/* The fake device booted 2-40 days before the unit first started;
	 * the daemon's restarts do not reboot it. */
	unit_bytes(L->unit, "boot", h);
	v = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	p->boot_time = L->unit->first_start - (time_t)(2 * 86400 + v % (38u * 86400u));
	p->pid_base = 40 + h[4] % 60;
	p->pid_next = 300 + (uint32_t)(h[5] << 4 | (h[6] & 15)) % 2000;
	return 0;
}

/* ---------- the file image ---------- */

static struct persona_file *add_file(struct loader *L, const char *path)
{
	struct persona *p = L->p;
	struct persona_file *f;

	if (p->nfiles >= PERSONA_MAX_FILES)
		return NULL;
	if (p->nfiles == L->cap) {
		size_t ncap = L->cap ? L->cap * 2 : 64;
		struct persona_file *nf = realloc(p->files, ncap * sizeof(*nf));

		if (!nf)
			return NULL;
		p->files = nf;
		L->cap = ncap;
	}
	f = &p->files[p->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	p->nfiles++;
	return f;
}

static int read_all(const char *path, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return -errno;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (buf_add(out, chunk, n)) {
			fclose(fp);
			return -EFBIG;
		}
	fclose(fp);
	return 0;
}

static int scan_dir(struct loader *L, const char *real, const char *virt,
		    int depth)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > PERSONA_MAX_DEPTH)
		return fail(L, real, 0, "image nested too deep");
	d = opendir(real);
	if (!d)
		return fail(L, real, 0, "cannot open image folder");
	while ((de = readdir(d))) {
		char rpath[1024], vpath[512];
		struct persona_file *f;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".keep"))
			continue;
		if ((size_t)snprintf(rpath, sizeof rpath, "%s/%s", real, de->d_name) >= sizeof rpath ||
		    (size_t)snprintf(vpath, sizeof vpath, "%s/%s", virt, de->d_name) >= sizeof vpath) {
			rc = fail(L, real, 0, "path too long in image");
			break;
		}
		if (lstat(rpath, &st)) {
			rc = fail(L, rpath, 0, "cannot stat");
			break;
		}
		f = add_file(L, vpath);
		if (!f) {
			rc = fail(L, rpath, 0, "too many files in image");
			break;
		}
		f->mtime = L->p->boot_time;
		if (S_ISDIR(st.st_mode)) {
			f->mode = S_IFDIR | 0755;
			rc = scan_dir(L, rpath, vpath, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			char t[256];
			ssize_t n = readlink(rpath, t, sizeof t - 1);

			if (n < 0) {
				rc = fail(L, rpath, 0, "cannot read link");
				break;
			}
			t[n] = '\0';
			f->mode = S_IFLNK | 0777;
			f->target = strdup(t);
			if (!f->target)
				rc = -ENOMEM;
		} else if (S_ISREG(st.st_mode)) {
			struct buf raw, ex;

			buf_init(&raw, PERSONA_MAX_BYTES);
			buf_init(&ex, PERSONA_MAX_BYTES);
			f->mode = S_IFREG | (st.st_mode & 0111 ? 0755 : 0644);
			if (read_all(rpath, &raw) ||
			    expand(L->p, raw.p ? raw.p : "", raw.len, &ex) ||
			    buf_add(&ex, "", 0)) {
				buf_free(&raw);
				buf_free(&ex);
				rc = fail(L, rpath, 0, "cannot read image file");
				break;
			}
			buf_free(&raw);
			f->data.p = buf_take(&ex, &f->data.n);
			L->bytes += f->data.n;
			if (L->bytes > PERSONA_MAX_BYTES)
				rc = fail(L, rpath, 0, "image too large");
		}
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}

/* Adds a directory entry for every parent of the image's paths and for
 * /bin, and applet links; keeps the array sorted. */
static const struct persona_file *find_in(const struct persona_file *v,
					  size_t n, const char *path)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, v[mid].path);

		if (!c)
			return &v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int add_links(struct loader *L)
{
	struct persona *p = L->p;
	size_t i, n0;
	char path[256];

	qsort(p->files, p->nfiles, sizeof(*p->files), cmp_file);
	n0 = p->nfiles;
	if (!find_in(p->files, n0, "/bin")) {
		struct persona_file *f = add_file(L, "/bin");

		if (!f)
			return -ENOMEM;
		f->mode = S_IFDIR | 0755;
		f->mtime = p->boot_time;
	}
	for (i = 0; i < p->napplets; i++) {
		struct persona_file *f;

		if (!strcmp(p->applets[i], "busybox"))
			continue;
		snprintf(path, sizeof path, "/bin/%s", p->applets[i]);
		if (find_in(p->files, n0, path))
			continue;
		f = add_file(L, path);
		if (!f || !(f->target = strdup("busybox")))
			return -ENOMEM;
		f->mode = S_IFLNK | 0777;
		f->mtime = p->boot_time;
	}
	qsort(p->files, p->nfiles, sizeof(*p->files), cmp_file);
	return 0;
}

/* ---------- the synthesized /bin/busybox ---------- */

static void put16(uint8_t *q, uint16_t v, bool be)
{
	q[be ? 1 : 0] = (uint8_t)v;
	q[be ? 0 : 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *q, uint32_t v, bool be)
{
	int i;

	for (i = 0; i < 4; i++)
		q[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* An ELF32 executable header with two PT_LOAD program headers, then bytes
 * that look like code and a string table naming the applets. Only the
 * first 52 bytes matter to bots; the rest keeps `cat` and `wc` plausible. */
static int make_elf(struct loader *L)
{
	struct persona *p = L->p;
	const struct persona_elf *e = &p->elf;
	bool be = e->ei_data == 2;
	size_t n = e->size, i, off;
	uint8_t *q, seedh[SHA256_LEN];
	uint32_t x;

	if (n < 512)
		n = 512;
	q = calloc(1, n);
	if (!q)
		return -ENOMEM;
	q[0] = 0x7f;
	q[1] = 'E';
	q[2] = 'L';
	q[3] = 'F';
	q[4] = e->ei_class;
	q[5] = e->ei_data;
	q[6] = 1;
	put16(q + 16, 2, be);            /* ET_EXEC */
	put16(q + 18, e->e_machine, be);
	put32(q + 20, 1, be);            /* EV_CURRENT */
	put32(q + 24, e->e_machine == 40 ? 0x8194 : 0x400190, be); /* entry */
	put32(q + 28, 52, be);           /* phoff */
	put32(q + 32, 0, be);            /* no section headers: stripped */
	put32(q + 36, e->e_flags, be);
	put16(q + 40, 52, be);           /* ehsize */
	put16(q + 42, 32, be);           /* phentsize */
	put16(q + 44, 2, be);            /* phnum */
	put16(q + 46, 40, be);
	for (i = 0; i < 2; i++) {
		uint8_t *ph = q + 52 + 32 * i;
		uint32_t vaddr = e->e_machine == 40 ? 0x8000 : 0x400000;
		uint32_t fsz = (uint32_t)(i ? n / 8 : n - n / 8);

		put32(ph, 1, be);                                 /* PT_LOAD */
		put32(ph + 4, i ? (uint32_t)(n - n / 8) : 0, be); /* offset */
		put32(ph + 8, vaddr + (i ? 0x10000u + (uint32_t)(n - n / 8) : 0), be);
		put32(ph + 12, vaddr + (i ? 0x10000u + (uint32_t)(n - n / 8) : 0), be);
		put32(ph + 16, fsz, be);
		put32(ph + 20, fsz + (i ? 0x800u : 0), be);
		put32(ph + 24, i ? 6 : 5, be);                    /* RW / RX */
		put32(ph + 28, 0x10000, be);
	}
	/* code-like filler from the persona name (same on every unit, as the
	 * same firmware would be) */
	hash_sha256(p->name, strlen(p->name), seedh);
	x = (uint32_t)seedh[0] | (uint32_t)seedh[1] << 8 | (uint32_t)seedh[2] << 16 | 1u;
	for (off = 116; off + 4 <= n; off += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		/* keep opcode-ish high bytes common, like real text sections */
		put32(q + off, (x & 0x03ffffffu) | ((x >> 26) % 3 == 0 ? 0x24000000u : 0x8c000000u), be);
	}
	/* the applet name table near the end, as in a real busybox */
	off = n - n / 8 - 2048;
	for (i = 0; i < p->napplets && off + strlen(p->applets[i]) + 1 < n; i++) {
		size_t l = strlen(p->applets[i]) + 1;

		memcpy(q + off, p->applets[i], l);
		off += l;
	}
	p->busybox = q;
	p->busybox_len = n;
	return 0;
}

/* ---------- the persona UCI file ---------- */

static int split_list(char ***dst, size_t *ndst, const char *s)
{
	char *copy = strdup(s), *w, *save = NULL;
	size_t n = 0, cap = 0;
	char **v = NULL;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	w = copy;
	for (;;) {
		char *e;

		while (*w == ' ' || *w == '\t' || *w == '\n')
			w++;
		if (!*w)
			break;
		e = w;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n')
			e++;
		save = e;
		if (n == cap) {
			char **nv = realloc(v, (cap ? cap * 2 : 64) * sizeof(*v));

			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		v[n] = strndup(w, (size_t)(e - w));
		if (!v[n]) {
			rc = -ENOMEM;
			break;
		}
		n++;
		w = *save ? save + 1 : save;
		if (!*save)
			break;
	}
	free(copy);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*dst = v;
	*ndst = n;
	return rc;
}

/* The scalar options of `config persona` (docs/personas.md 1.3): name,
 * kind, field, default and largest value, read in this order. `name`,
 * `hostname`, `mac_oui`, `serial_prefix`, `applets` and the lists are read
 * by load_persona_sec itself. */
enum pkind {
	PK_PSTR,  /* struct pstr: escapes decoded, templates expanded */
	PK_STR,   /* char *, the same without NUL bytes */
	PK_OPTSTR, /* char *, left NULL when absent */
	PK_BOOL,
	PK_U8,
	PK_U16,
	PK_U32,
	PK_UINT,
	PK_SIZE,
};

struct pattr {
	const char *name;
	enum pkind kind;
	size_t off;
	const char *sdef;
	unsigned long def, max;
};

#define PS(n, k, d) {#n, k, offsetof(struct persona, n), d, 0, 0}
#define PN(n, k, f, d, m) {#n, k, offsetof(struct persona, f), NULL, d, m}

static const struct pattr persona_attrs[] = {
	PS(telnet_open, PK_PSTR, ""),
	PS(banner, PK_PSTR, ""),
	PS(login_prompt, PK_PSTR, "%{hostname} login: "),
	PS(password_prompt, PK_PSTR, "Password: "),
	PS(after_password, PK_PSTR, "\\r\\n"),
	PS(login_fail, PK_PSTR, "\\r\\nLogin incorrect\\r\\n"),
	PS(motd, PK_PSTR, ""),
	PS(prompt_root, PK_PSTR, "# "),
	PS(prompt_user, PK_PSTR, "$ "),
	PS(shell_banner, PK_PSTR, ""),
	PS(busybox_version, PK_STR, "v1.19.4"),
	PS(uname_s, PK_STR, "Linux"),
	PS(uname_r, PK_STR, "2.6.36"),
	PS(uname_v, PK_STR, "#1"),
	PS(uname_m, PK_STR, "mips"),
	PS(ps_header, PK_STR, "  PID USER       VSZ STAT COMMAND"),
	PS(su_password, PK_OPTSTR, ""),
	PN(telnet_answer, PK_BOOL, telnet_answer, 0, 1),
	PN(fail_delay_ms, PK_UINT, fail_delay_ms, 3000, 60000),
	PN(max_tries, PK_UINT, max_tries, 3, 100),
	PN(exec_ms, PK_UINT, exec_ms, 4, 200),
	PN(elf_class, PK_U8, elf.ei_class, 1, 1),
	PN(elf_data, PK_U8, elf.ei_data, 1, 2),
	PN(elf_machine, PK_U16, elf.e_machine, 8, 0xffff),
	PN(elf_flags, PK_U32, elf.e_flags, 0, 0xffffffffUL),
	PN(elf_size, PK_SIZE, elf.size, 65536, PERSONA_MAX_ELF),
};

static int apply_attr(struct loader *L, struct uci_sec *sec, char *p, const struct pattr *a,
		      const char *file)
{
	unsigned long v = 0;
	int rc;

	switch (a->kind) {
	case PK_PSTR: return get_pstr(L, sec, a->name, a->sdef, (struct pstr *)(void *)p, file);
	case PK_OPTSTR:
		if (!uci_get(sec, a->name))
			return 0;
		/* fall through */
	case PK_STR: return get_str(L, sec, a->name, a->sdef, (char **)(void *)p, file);
	default: break;
	}
	if ((rc = get_uint(L, sec, a->name, a->def, a->max, &v, file)))
		return rc;
	switch (a->kind) {
	case PK_BOOL: *(bool *)(void *)p = v != 0; break;
	case PK_U8: *(uint8_t *)(void *)p = (uint8_t)v; break;
	case PK_U16: *(uint16_t *)(void *)p = (uint16_t)v; break;
	case PK_U32: *(uint32_t *)(void *)p = (uint32_t)v; break;
	case PK_UINT: *(unsigned *)(void *)p = (unsigned)v; break;
	default: *(size_t *)(void *)p = (size_t)v; break;
	}
	return 0;
}

static int apply_attrs(struct loader *L, struct uci_sec *sec, struct persona *p,
		       const char *file)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof persona_attrs / sizeof *persona_attrs; i++)
		if ((rc = apply_attr(L, sec, (char *)p + persona_attrs[i].off, &persona_attrs[i],
				     file)))
			return rc;
	return 0;
}

const char *persona_option_name(size_t i)
{
	return i < sizeof persona_attrs / sizeof *persona_attrs ? persona_attrs[i].name : NULL;
}

static int load_persona_sec(struct loader *L, struct uci_sec *sec,
			    const char *file)
{
	struct persona *p = L->p;
	struct uci_opt *o;
	size_t ncred = 0, nproc = 0;
	int rc;

	if ((rc = get_str(L, sec, "hostname", "localhost", &p->hostname, file)))
		return rc;
	if ((rc = derive_unit(L, sec, file)))
		return rc;
	/* hostname may itself use %{suffix}: expand again now that the unit is known */
	if ((rc = get_str(L, sec, "hostname", "localhost", &p->hostname, file)))
		return rc;
	if ((rc = apply_attrs(L, sec, p, file)))
		return rc;
	if (p->elf.ei_data == 0)
		return fail(L, file, sec->line, "elf_data must be 1 or 2");
	o = uci_get(sec, "applets");
	if ((rc = split_list(&p->applets, &p->napplets, o ? o->val : "")))
		return rc;
	uci_get(sec, "name");
	uci_get(sec, "mac_oui");
	uci_get(sec, "serial_prefix");

	for (o = sec->opts; o; o = o->next) {
		if (!o->list)
			continue;
		if (!strcmp(o->key, "cred"))
			ncred++;
		else if (!strcmp(o->key, "proc"))
			nproc++;
		else if (!strcmp(o->key, "doors"))
			p->ndoors++;
		else
			return fail(L, file, o->line, "unknown list in persona");
		o->used = true;
	}
	p->creds = calloc(ncred ? ncred : 1, sizeof(*p->creds));
	p->procs = calloc(nproc ? nproc : 1, sizeof(*p->procs));
	p->doors = calloc(p->ndoors + 1, sizeof(*p->doors));
	if (!p->creds || !p->procs || !p->doors)
		return -ENOMEM;
	if (!p->ndoors) {
		/* a persona without `list doors` has the telnet door only */
		p->doors[0] = strdup("telnet");
		if (!p->doors[0])
			return -ENOMEM;
		p->ndoors = 1;
	} else {
		size_t k = 0;

		for (o = sec->opts; o; o = o->next)
			if (o->list && !strcmp(o->key, "doors") &&
			    !(p->doors[k++] = strdup(o->val)))
				return -ENOMEM;
	}
	for (o = sec->opts; o; o = o->next) {
		if (o->list && !strcmp(o->key, "cred")) {
			struct persona_cred *c = &p->creds[p->ncreds];
			struct buf b;
			char *c1, *c2;

			buf_init(&b, 1024);
			if (unescape(o->val, &b) || buf_add(&b, "", 0))
				return fail(L, file, o->line, "credential too long");
			c1 = memchr(b.p, ':', b.len);
			if (!c1) {
				buf_free(&b);
				return fail(L, file, o->line, "cred must be user:password[:user]");
			}
			c2 = strchr(c1 + 1, ':');
			c->user = strndup(b.p, (size_t)(c1 - b.p));
			c->pass = c2 ? strndup(c1 + 1, (size_t)(c2 - c1 - 1)) : strdup(c1 + 1);
			c->root = !(c2 && !strcmp(c2 + 1, "user"));
			buf_free(&b);
			if (!c->user || !c->pass)
				return -ENOMEM;
			p->ncreds++;
		} else if (o->list && !strcmp(o->key, "proc")) {
			struct pstr s = {0};
			struct uci_sec one = {.opts = NULL};
			struct uci_opt tmp = *o;

			tmp.next = NULL;
			tmp.list = false;
			one.opts = &tmp;
			one.line = o->line;
			if ((rc = get_pstr(L, &one, o->key, "", &s, file)))
				return rc;
			p->procs[p->nprocs++] = s.p;
		}
	}
	for (o = sec->opts; o; o = o->next)
		if (!o->used)
			return fail(L, file, o->line, "unknown option in persona");
	return 0;
}

static int load_door(struct loader *L, struct uci_sec *s, const char *file)
{
	struct persona *p = L->p;
	struct persona_door *d, *nd;
	struct uci_opt *o;
	size_t n = 0;
	int rc;

	if (!s->name[0])
		return fail(L, file, s->line, "config door needs a name (the listener proto)");
	nd = realloc(p->doorcfg, (p->ndoorcfg + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	p->doorcfg = nd;
	d = &p->doorcfg[p->ndoorcfg++];
	memset(d, 0, sizeof(*d));
	if (!(d->kind = strdup(s->name)))
		return -ENOMEM;
	rc = get_pstr(L, s, "server", "", &d->server, file);
	rc = rc ? rc : get_pstr(L, s, "challenge", "", &d->challenge, file);
	if (rc)
		return rc;
	for (o = s->opts; o; o = o->next)
		if (o->list && !strcmp(o->key, "control"))
			n++;
	d->control = calloc(n + 1, sizeof(*d->control));
	if (!d->control)
		return -ENOMEM;
	for (o = s->opts; o; o = o->next) {
		if (o->list && !strcmp(o->key, "control")) {
			o->used = true;
			if (!(d->control[d->ncontrol++] = strdup(o->val)))
				return -ENOMEM;
		}
		if (!o->used)
			return fail(L, file, o->line, "unknown option in door");
	}
	return 0;
}

/* http/ is optional: its files are loaded like fs/ (templates expanded)
 * into their own sorted table. */
static int load_http(struct loader *L, const char *path)
{
	struct persona *p = L->p;
	struct persona_file *files = p->files;
	size_t nfiles = p->nfiles, cap = L->cap;
	struct stat st;
	int rc;

	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return 0;
	p->files = NULL;
	p->nfiles = 0;
	L->cap = 0;
	rc = scan_dir(L, path, "", 0);
	p->http = p->files;
	p->nhttp = p->nfiles;
	p->files = files;
	p->nfiles = nfiles;
	L->cap = cap;
	if (!rc && p->nhttp)
		qsort(p->http, p->nhttp, sizeof(*p->http), cmp_file);
	return rc;
}

static int load_cli(struct loader *L, struct uci_file *uf, const char *file)
{
	struct persona *p = L->p;
	struct uci_sec *s;
	size_t n = 0;
	int rc;

	for (s = uf->secs; s; s = s->next)
		if (!strcmp(s->type, "clicmd"))
			n++;
	p->clicmds = calloc(n ? n : 1, sizeof(*p->clicmds));
	if (!p->clicmds)
		return -ENOMEM;
	for (s = uf->secs; s; s = s->next) {
		if (!strcmp(s->type, "cli")) {
			p->cli = true;
			rc = get_pstr(L, s, "prompt", "> ", &p->cli_prompt, file);
			rc = rc ? rc : get_pstr(L, s, "unknown", "", &p->cli_unknown, file);
			if (rc)
				return rc;
		} else if (!strcmp(s->type, "clicmd")) {
			struct persona_clicmd *c = &p->clicmds[p->nclicmds];
			const char *act = uci_str(s, "action", "print");

			if (!strcmp(act, "print"))
				c->action = CLI_PRINT;
			else if (!strcmp(act, "shell"))
				c->action = CLI_SHELL;
			else if (!strcmp(act, "exit"))
				c->action = CLI_EXIT;
			else
				return fail(L, file, s->line, "action must be print, shell or exit");
			rc = get_str(L, s, "name", "", &c->name, file);
			rc = rc ? rc : get_pstr(L, s, "output", "", &c->output, file);
			if (rc)
				return rc;
			p->nclicmds++;
			if (!c->name[0])
				return fail(L, file, s->line, "clicmd without a name");
		} else if (!strcmp(s->type, "door")) {
			if ((rc = load_door(L, s, file)))
				return rc;
		} else if (strcmp(s->type, "persona")) {
			return fail(L, file, s->line, "unknown section type in persona");
		}
	}
	return 0;
}

struct persona *persona_load(const char *dir, const char *name,
			     const struct persona_unit *unit, char *err,
			     size_t errlen)
{
	struct loader L = {.unit = unit, .err = err, .errlen = errlen};
	struct uci_file *uf = NULL;
	struct uci_sec *s;
	char path[512];
	const char *c;
	int rc = 0;

	for (c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_')) {
			snprintf(err, errlen, "%s/%s:0: persona names are [a-z0-9_-]", dir, name);
			return NULL;
		}
	L.p = calloc(1, sizeof(*L.p));
	if (!L.p || !(L.p->name = strdup(name)))
		goto oom;
	snprintf(path, sizeof path, "%s/%s/persona", dir, name);
	uf = uci_load(path, err, errlen);
	if (!uf)
		goto bad;
	for (s = uf->secs; s && strcmp(s->type, "persona"); s = s->next)
		;
	if (!s) {
		rc = fail(&L, path, 1, "no `config persona` section");
		goto bad;
	}
	if ((rc = load_persona_sec(&L, s, path)) || (rc = load_cli(&L, uf, path)))
		goto bad;
	snprintf(path, sizeof path, "%s/%s/fs", dir, name);
	if ((rc = scan_dir(&L, path, "", 0)))
		goto bad;
	if ((rc = add_links(&L)) || (rc = make_elf(&L)))
		goto bad;
	snprintf(path, sizeof path, "%s/%s/http", dir, name);
	if ((rc = load_http(&L, path)))
		goto bad;
	uci_free(uf);
	return L.p;
oom:
	snprintf(err, errlen, "%s/%s:0: out of memory", dir, name);
bad:
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s/%s:0: out of memory", dir, name);
	uci_free(uf);
	persona_free(L.p);
	return NULL;
}

void persona_free(struct persona *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->ncreds; i++) {
		free(p->creds[i].user);
		free(p->creds[i].pass);
	}
	free(p->creds);
	for (i = 0; i < p->nclicmds; i++) {
		free(p->clicmds[i].name);
		free(p->clicmds[i].output.p);
	}
	free(p->clicmds);
	for (i = 0; i < p->napplets; i++)
		free(p->applets[i]);
	free(p->applets);
	for (i = 0; i < p->nprocs; i++)
		free(p->procs[i]);
	free(p->procs);
	for (i = 0; i < p->nfiles; i++) {
		free(p->files[i].path);
		free(p->files[i].data.p);
		free(p->files[i].target);
	}
	free(p->files);
	for (i = 0; i < p->nhttp; i++) {
		free(p->http[i].path);
		free(p->http[i].data.p);
		free(p->http[i].target);
	}
	free(p->http);
	for (i = 0; p->doors && i < p->ndoors; i++)
		free(p->doors[i]);
	free(p->doors);
	for (i = 0; i < p->ndoorcfg; i++) {
		size_t k;

		free(p->doorcfg[i].kind);
		free(p->doorcfg[i].server.p);
		free(p->doorcfg[i].challenge.p);
		for (k = 0; p->doorcfg[i].control && k < p->doorcfg[i].ncontrol; k++)
			free(p->doorcfg[i].control[k]);
		free(p->doorcfg[i].control);
	}
	free(p->doorcfg);
	free(p->telnet_open.p);
	free(p->banner.p);
	free(p->login_prompt.p);
	free(p->password_prompt.p);
	free(p->login_fail.p);
	free(p->after_password.p);
	free(p->motd.p);
	free(p->cli_prompt.p);
	free(p->cli_unknown.p);
	free(p->hostname);
	free(p->prompt_root.p);
	free(p->prompt_user.p);
	free(p->shell_banner.p);
	free(p->su_password);
	free(p->busybox_version);
	free(p->uname_s);
	free(p->uname_r);
	free(p->uname_v);
	free(p->uname_m);
	free(p->ps_header);
	free(p->busybox);
	free(p->name);
	free(p);
}

const struct persona_file *persona_file(const struct persona *p,
					const char *path)
{
	return find_in(p->files, p->nfiles, path);
}

bool persona_has_applet(const struct persona *p, const char *name)
{
	size_t lo = 0, hi = p->napplets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, p->applets[mid]);

		if (!c)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

bool persona_has_door(const struct persona *p, const char *door)
{
	size_t i;

	for (i = 0; i < p->ndoors; i++)
		if (!strcmp(p->doors[i], door))
			return true;
	return false;
}

const struct persona_door *persona_door(const struct persona *p,
					const char *kind)
{
	size_t i;

	for (i = 0; i < p->ndoorcfg; i++)
		if (!strcmp(p->doorcfg[i].kind, kind))
			return &p->doorcfg[i];
	return NULL;
}

const struct persona_file *persona_http(const struct persona *p,
					const char *door, const char *path,
					size_t n)
{
	char key[CAP_PATH + 64];
	size_t dl = strlen(door);
	const struct persona_file *f;

	if (!p->nhttp || !n || path[0] != '/' || dl + 1 + n >= sizeof key ||
	    memchr(path, '\0', n))
		return NULL;
	key[0] = '/';
	memcpy(key + 1, door, dl);
	memcpy(key + 1 + dl, path, n);
	key[1 + dl + n] = '\0';
	f = find_in(p->http, p->nhttp, key);
	return f && S_ISREG(f->mode) ? f : NULL;
}

const struct persona_cred *persona_auth(const struct persona *p,
					const char *user, const char *pass)
{
	size_t i;

	for (i = 0; i < p->ncreds; i++)
		if (!strcmp(p->creds[i].user, user) && !strcmp(p->creds[i].pass, pass))
			return &p->creds[i];
	return NULL;
}
