/* persona_image.c — the persona's file image: fs/ and http/ read into
 * sorted tables (templates expanded), parent folders and applet links
 * added, the synthesized ELF /bin/busybox, and the lookups in them. Part
 * of the persona loader (persona_int.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "persona/persona.h"
#include "persona/persona_int.h"
#include "bounds.h"
#include "buf.h"
#include "hash.h"

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct persona_file *)a)->path,
		      ((const struct persona_file *)b)->path);
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

int persona_scan_dir(struct loader *L, const char *real, const char *virt, int depth)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > PERSONA_MAX_DEPTH)
		return persona_fail(L, real, 0, "image nested too deep");
	d = opendir(real);
	if (!d)
		return persona_fail(L, real, 0, "cannot open image folder");
	while ((de = readdir(d))) {
		char rpath[1024], vpath[512];
		struct persona_file *f;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".keep"))
			continue;
		if ((size_t)snprintf(rpath, sizeof rpath, "%s/%s", real, de->d_name) >=
			sizeof rpath ||
		    (size_t)snprintf(vpath, sizeof vpath, "%s/%s", virt, de->d_name) >=
			sizeof vpath) {
			rc = persona_fail(L, real, 0, "path too long in image");
			break;
		}
		if (lstat(rpath, &st)) {
			rc = persona_fail(L, rpath, 0, "cannot stat");
			break;
		}
		f = add_file(L, vpath);
		if (!f) {
			rc = persona_fail(L, rpath, 0, "too many files in image");
			break;
		}
		f->mtime = L->p->boot_time;
		if (S_ISDIR(st.st_mode)) {
			f->mode = S_IFDIR | 0755;
			rc = persona_scan_dir(L, rpath, vpath, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			char t[256];
			ssize_t n = readlink(rpath, t, sizeof t - 1);

			if (n < 0) {
				rc = persona_fail(L, rpath, 0, "cannot read link");
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
			    persona_expand(L->p, raw.p ? raw.p : "", raw.len, &ex) ||
			    buf_add(&ex, "", 0)) {
				buf_free(&raw);
				buf_free(&ex);
				rc = persona_fail(L, rpath, 0, "cannot read image file");
				break;
			}
			buf_free(&raw);
			f->data.p = buf_take(&ex, &f->data.n);
			L->bytes += f->data.n;
			if (L->bytes > PERSONA_MAX_BYTES)
				rc = persona_fail(L, rpath, 0, "image too large");
		}
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}

/* Adds a directory entry for every parent of the image's paths and for
 * /bin, and applet links; keeps the array sorted. */
static const struct persona_file *find_in(const struct persona_file *v, size_t n, const char *path)
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

int persona_add_links(struct loader *L)
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
int persona_make_elf(struct loader *L)
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
	put16(q + 16, 2, be); /* ET_EXEC */
	put16(q + 18, e->e_machine, be);
	put32(q + 20, 1, be);					   /* EV_CURRENT */
	put32(q + 24, e->e_machine == 40 ? 0x8194 : 0x400190, be); /* entry */
	put32(q + 28, 52, be);					   /* phoff */
	put32(q + 32, 0, be); /* no section headers: stripped */
	put32(q + 36, e->e_flags, be);
	put16(q + 40, 52, be); /* ehsize */
	put16(q + 42, 32, be); /* phentsize */
	put16(q + 44, 2, be);  /* phnum */
	put16(q + 46, 40, be);
	for (i = 0; i < 2; i++) {
		uint8_t *ph = q + 52 + 32 * i;
		uint32_t vaddr = e->e_machine == 40 ? 0x8000 : 0x400000;
		uint32_t fsz = (uint32_t)(i ? n / 8 : n - n / 8);

		put32(ph, 1, be);				  /* PT_LOAD */
		put32(ph + 4, i ? (uint32_t)(n - n / 8) : 0, be); /* offset */
		put32(ph + 8, vaddr + (i ? 0x10000u + (uint32_t)(n - n / 8) : 0), be);
		put32(ph + 12, vaddr + (i ? 0x10000u + (uint32_t)(n - n / 8) : 0), be);
		put32(ph + 16, fsz, be);
		put32(ph + 20, fsz + (i ? 0x800u : 0), be);
		put32(ph + 24, i ? 6 : 5, be); /* RW / RX */
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
		put32(q + off, (x & 0x03ffffffu) | ((x >> 26) % 3 == 0 ? 0x24000000u : 0x8c000000u),
		      be);
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

/* http/ is optional: its files are loaded like fs/ (templates expanded)
 * into their own sorted table. */
int persona_load_http(struct loader *L, const char *path)
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
	rc = persona_scan_dir(L, path, "", 0);
	p->http = p->files;
	p->nhttp = p->nfiles;
	p->files = files;
	p->nfiles = nfiles;
	L->cap = cap;
	if (!rc && p->nhttp)
		qsort(p->http, p->nhttp, sizeof(*p->http), cmp_file);
	return rc;
}

const struct persona_file *persona_file(const struct persona *p, const char *path)
{
	return find_in(p->files, p->nfiles, path);
}

const struct persona_file *persona_http(const struct persona *p, const char *door, const char *path,
					size_t n)
{
	char key[CAP_PATH + 64];
	size_t dl = strlen(door);
	const struct persona_file *f;

	if (!p->nhttp || !n || path[0] != '/' || dl + 1 + n >= sizeof key || memchr(path, '\0', n))
		return NULL;
	key[0] = '/';
	memcpy(key + 1, door, dl);
	memcpy(key + 1 + dl, path, n);
	key[1 + dl + n] = '\0';
	f = find_in(p->http, p->nhttp, key);
	return f && S_ISREG(f->mode) ? f : NULL;
}
