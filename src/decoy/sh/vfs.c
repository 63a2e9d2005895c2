/* vfs.c — per-session in-memory file system (see vfs.h): the image, mounts,
 * the session's nodes, path lookup and resolution, reads, captures.
 * Changes (writes, directories, renames) and listing are in vfs_ops.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sh/vfs_int.h"

/* --- image helpers (linear: images hold a few hundred entries) --- */

const struct persona_file *vn_img_find(const struct persona *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		if (p->files[i].path && strcmp(p->files[i].path, path) == 0)
			return &p->files[i];
	return NULL;
}

static bool img_has_applet(const struct persona *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->napplets; i++)
		if (strcmp(p->applets[i], name) == 0)
			return true;
	return false;
}

/* True if path is below dir ("/" is above everything). */
bool vn_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Parent of path into out ("/" for top-level entries). */
void vn_parent_of(const char *path, char *out, size_t outlen)
{
	const char *s = strrchr(path, '/');
	size_t n = s ? (size_t)(s - path) : 0;

	if (n == 0 || n >= outlen) {
		snprintf(out, outlen, "/");
		return;
	}
	memcpy(out, path, n);
	out[n] = '\0';
}

bool vn_is_applet_link(const struct persona *p, const char *path)
{
	const char *name;

	if (strncmp(path, "/bin/", 5) != 0)
		return false;
	name = path + 5;
	if (strchr(name, '/') || !*name)
		return false;
	return strcmp(name, "busybox") == 0 || strcmp(name, "sh") == 0 ||
	       strcmp(name, "echo") == 0 || img_has_applet(p, name);
}

/* --- mounts --- */

static void mount_add(struct vfs *v, const char *path, size_t plen, const char *type, size_t tlen,
		      bool rw)
{
	struct vmount *m;

	if (v->nmnt >= VFS_MAX_MOUNTS || plen == 0 || plen >= CAP_PATH || path[0] != '/')
		return;
	m = &v->mnt[v->nmnt++];
	memcpy(m->path, path, plen);
	m->path[plen] = '\0';
	/* "/tmp/" style entries: drop trailing slashes */
	while (plen > 1 && m->path[plen - 1] == '/')
		m->path[--plen] = '\0';
	if (tlen >= sizeof m->type)
		tlen = sizeof m->type - 1;
	memcpy(m->type, type, tlen);
	m->type[tlen] = '\0';
	m->rw = rw;
}

static void mounts_parse(struct vfs *v)
{
	const struct persona_file *f = vn_img_find(v->p, "/proc/mounts");
	const char *s, *end;

	if (!f || !f->data.p) {
		mount_add(v, "/", 1, "squashfs", 8, false);
		mount_add(v, "/tmp", 4, "tmpfs", 5, true);
		mount_add(v, "/var", 4, "tmpfs", 5, true);
		mount_add(v, "/dev", 4, "tmpfs", 5, true);
		return;
	}
	s = f->data.p;
	end = s + f->data.n;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		const char *fld[4];
		size_t flen[4];
		const char *q;
		int k = 0;

		if (!eol)
			eol = end;
		q = s;
		while (q < eol && k < 4) {
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			if (q >= eol)
				break;
			fld[k] = q;
			while (q < eol && *q != ' ' && *q != '\t')
				q++;
			flen[k] = (size_t)(q - fld[k]);
			k++;
		}
		if (k == 4)
			mount_add(v, fld[1], flen[1], fld[2], flen[2],
				  flen[3] >= 2 && memcmp(fld[3], "rw", 2) == 0 &&
				      (flen[3] == 2 || fld[3][2] == ','));
		s = eol + 1;
	}
}

/* 0 if files may be created in the (resolved) path's file system. */
int vn_mount_check(const struct vfs *v, const char *path)
{
	const struct vmount *best = NULL;
	size_t i, bestlen = 0;

	for (i = 0; i < v->nmnt; i++) {
		const struct vmount *m = &v->mnt[i];
		size_t n = strlen(m->path);

		if (strcmp(path, m->path) != 0 && !vn_is_under(path, m->path))
			continue;
		if (n >= bestlen) {
			best = m;
			bestlen = n;
		}
	}
	if (!best || !best->rw)
		return -EROFS;
	if (strcmp(best->type, "proc") == 0)
		return -ENOENT;
	if (strcmp(best->type, "sysfs") == 0 || strcmp(best->type, "devpts") == 0 ||
	    strcmp(best->type, "usbfs") == 0 || strcmp(best->type, "debugfs") == 0 ||
	    strcmp(best->type, "cgroup") == 0)
		return -EACCES;
	return 0;
}

bool vn_is_mount_point(const struct vfs *v, const char *path)
{
	size_t i;

	for (i = 0; i < v->nmnt; i++)
		if (strcmp(v->mnt[i].path, path) == 0)
			return true;
	return false;
}

/* --- nodes --- */

struct vnode *vn_find(struct vfs *v, const char *path)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->nodes[i].path, path) == 0)
			return &v->nodes[i];
	return NULL;
}

struct vnode *vn_add(struct vfs *v, const char *path, int type, unsigned mode)
{
	struct vnode *nd;

	if (v->n >= CAP_FS_NODES)
		return NULL;
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 16;
		struct vnode *nn;

		if (ncap > CAP_FS_NODES)
			ncap = CAP_FS_NODES;
		nn = realloc(v->nodes, ncap * sizeof *nn);
		if (!nn)
			return NULL;
		v->nodes = nn;
		v->cap = ncap;
	}
	nd = &v->nodes[v->n];
	memset(nd, 0, sizeof *nd);
	nd->path = strdup(path);
	if (!nd->path)
		return NULL;
	nd->type = type;
	nd->mode = mode;
	nd->mtime = v->now;
	nd->user_owned = v->as_user;
	buf_init(&nd->data, v->pool->session_max);
	v->n++;
	return nd;
}

void vn_drop_bytes(struct vfs *v, struct vnode *nd)
{
	v->bytes -= nd->data.len;
	v->pool->total -= nd->data.len;
	buf_free(&nd->data);
}

void vn_remove(struct vfs *v, struct vnode *nd)
{
	size_t i = (size_t)(nd - v->nodes);

	vn_drop_bytes(v, nd);
	free(nd->path);
	memmove(&v->nodes[i], &v->nodes[i + 1], (v->n - i - 1) * sizeof v->nodes[0]);
	v->n--;
}

/* --- lookup without following links --- */

int vn_lookup(struct vfs *v, const char *path, struct vfs_stat *st, const uint8_t **data,
	      size_t *len)
{
	const struct persona_file *f;
	const struct vnode *nd;
	size_t i;

	memset(st, 0, sizeof *st);
	if (data)
		*data = NULL;
	if (len)
		*len = 0;
	nd = vn_find(v, path);
	if (nd) {
		if (nd->type == VN_WHITEOUT)
			return -ENOENT;
		st->type = (enum vfs_type)nd->type;
		st->mode = nd->mode & 07777;
		st->size = nd->data.len;
		st->mtime = nd->mtime;
		st->session = true;
		st->user_owned = nd->user_owned;
		if (data)
			*data = (const uint8_t *)nd->data.p;
		if (len)
			*len = nd->data.len;
		return 0;
	}
	if (v->dyn && (strcmp(path, v->dyn->root) == 0 || vn_is_under(path, v->dyn->root))) {
		int rc = v->dyn->stat(v->dyn->ctx, path, st);

		if (rc <= 0)
			return rc;
		memset(st, 0, sizeof *st);
	}
	f = vn_img_find(v->p, path);
	if (f) {
		st->mode = f->mode & 07777;
		st->mtime = f->mtime;
		if (S_ISDIR(f->mode)) {
			st->type = VFS_DIR;
		} else if (f->target) {
			st->type = VFS_LINK;
			st->target = f->target;
			st->size = strlen(f->target);
		} else {
			st->type = VFS_FILE;
			if (strcmp(path, "/bin/busybox") == 0 ||
			    (f->data.n == 0 && vn_is_applet_link(v->p, path))) {
				st->busybox = true;
				st->size = v->p->busybox_len;
				if (data)
					*data = v->p->busybox;
				if (len)
					*len = v->p->busybox_len;
			} else {
				st->size = f->data.n;
				if (data)
					*data = (const uint8_t *)f->data.p;
				if (len)
					*len = f->data.n;
			}
		}
		return 0;
	}
	if (strcmp(path, "/") == 0 || strcmp(path, "/bin") == 0) {
		st->type = VFS_DIR;
		st->mode = 0755;
		st->mtime = v->p->boot_time;
		return 0;
	}
	if (vn_is_applet_link(v->p, path)) {
		st->type = VFS_FILE;
		st->mode = 0755;
		st->busybox = true;
		st->size = v->p->busybox_len;
		st->mtime = v->p->boot_time;
		if (data)
			*data = v->p->busybox;
		if (len)
			*len = v->p->busybox_len;
		return 0;
	}
	/* implicit directory: a mount point, or something lies below it */
	for (i = 0; i < v->nmnt; i++) {
		if (strcmp(v->mnt[i].path, path) == 0 || vn_is_under(v->mnt[i].path, path)) {
			st->type = VFS_DIR;
			st->mode = 0755;
			/* as the kernel mounts them: procfs r-x, a tmpfs /tmp sticky */
			if (strcmp(v->mnt[i].path, path) == 0 && !strcmp(v->mnt[i].type, "proc"))
				st->mode = 0555;
			else if (strcmp(path, "/tmp") == 0)
				st->mode = 01777;
			st->mtime = v->p->boot_time;
			return 0;
		}
	}
	for (i = 0; i < v->p->nfiles; i++) {
		if (v->p->files[i].path && vn_is_under(v->p->files[i].path, path)) {
			st->type = VFS_DIR;
			st->mode = 0755;
			st->mtime = v->p->boot_time;
			return 0;
		}
	}
	return -ENOENT;
}

/* --- paths --- */

int vfs_abspath(const char *cwd, const char *path, char *out, size_t outlen)
{
	char tmp[2 * CAP_PATH + 2];
	size_t o = 0, i = 0, n;
	int rc = 0;

	if (outlen < 2)
		return -ENAMETOOLONG;
	if (path[0] == '/')
		n = (size_t)snprintf(tmp, sizeof tmp, "%s", path);
	else
		n = (size_t)snprintf(tmp, sizeof tmp, "%s/%s", cwd, path);
	if (n >= sizeof tmp || strlen(path) >= CAP_PATH) {
		rc = -ENAMETOOLONG;
		goto out;
	}
	out[0] = '\0';
	while (tmp[i]) {
		size_t s, clen;

		while (tmp[i] == '/')
			i++;
		s = i;
		while (tmp[i] && tmp[i] != '/')
			i++;
		clen = i - s;
		if (clen == 0 || (clen == 1 && tmp[s] == '.'))
			continue;
		if (clen == 2 && tmp[s] == '.' && tmp[s + 1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			out[o] = '\0';
			continue;
		}
		if (o + 1 + clen + 1 > outlen || o + 1 + clen >= CAP_PATH) {
			rc = -ENAMETOOLONG;
			goto out;
		}
		out[o++] = '/';
		memcpy(out + o, tmp + s, clen);
		o += clen;
		out[o] = '\0';
	}
	if (o == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
out:
	return rc;
}

int vfs_resolve(struct vfs *v, const char *path, bool follow_last, char *out, size_t outlen)
{
	char work[CAP_PATH], done[CAP_PATH], next[2 * CAP_PATH + 2];
	int hops = 0, rc;

	rc = vfs_abspath("/", path, work, sizeof work);
	if (rc)
		goto out;
restart:
	done[0] = '\0';
	{
		const char *s = work;

		while (*s) {
			struct vfs_stat st;
			const char *c, *rest;
			size_t clen, dlen = strlen(done);
			bool last;

			while (*s == '/')
				s++;
			if (!*s)
				break;
			c = s;
			while (*s && *s != '/')
				s++;
			clen = (size_t)(s - c);
			rest = s;
			while (*rest == '/')
				rest++;
			last = *rest == '\0';
			if (dlen + 1 + clen >= sizeof done) {
				rc = -ENAMETOOLONG;
				goto out;
			}
			done[dlen] = '/';
			memcpy(done + dlen + 1, c, clen);
			done[dlen + 1 + clen] = '\0';
			if (last && !follow_last)
				continue;
			if (vn_lookup(v, done, &st, NULL, NULL) != 0 || st.type != VFS_LINK)
				continue;
			if (++hops > VFS_MAX_HOPS) {
				rc = -ELOOP;
				goto out;
			}
			done[dlen] = '\0';
			if (st.target[0] == '/')
				snprintf(next, sizeof next, "%s/%s", st.target, rest);
			else
				snprintf(next, sizeof next, "%s/%s/%s", done[0] ? done : "",
					 st.target, rest);
			rc = vfs_abspath("/", next, work, sizeof work);
			if (rc)
				goto out;
			goto restart;
		}
	}
	if (snprintf(out, outlen, "%s", done[0] ? done : "/") >= (int)outlen)
		rc = -ENAMETOOLONG;
out:
	return rc;
}

/* --- public API --- */

void vfs_pool_init(struct vfs_pool *pl, size_t session_max, size_t total_max)
{
	pl->session_max = session_max;
	pl->total_max = total_max;
	pl->total = 0;
}

struct vfs *vfs_new(const struct persona *p, struct vfs_pool *pool)
{
	struct vfs *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	v->p = p;
	v->pool = pool;
	v->now = p->boot_time;
	v->umask = 022; /* BusyBox login's shells: /etc/profile of these images sets none */
	mounts_parse(v);
	return v;
}

void vfs_free(struct vfs *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		vn_drop_bytes(v, &v->nodes[i]);
		free(v->nodes[i].path);
	}
	free(v->nodes);
	free(v);
}

unsigned vfs_umask(struct vfs *v, unsigned mask)
{
	unsigned old = v->umask;

	v->umask = mask & 0777;
	return old;
}

void vfs_set_creator(struct vfs *v, bool as_user)
{
	v->as_user = as_user;
}

const char *vfs_fstype(const struct vfs *v, const char *path)
{
	const struct vmount *best = NULL;
	size_t i, bestlen = 0;

	for (i = 0; i < v->nmnt; i++) {
		const struct vmount *m = &v->mnt[i];
		size_t n = strlen(m->path);

		if ((strcmp(path, m->path) == 0 || vn_is_under(path, m->path)) && n >= bestlen) {
			best = m;
			bestlen = n;
		}
	}
	return best ? best->type : "rootfs";
}

size_t vfs_mount_bytes(const struct vfs *v, const char *mnt)
{
	size_t i, j, sum = 0;

	for (i = 0; i < v->n; i++) {
		const struct vnode *nd = &v->nodes[i];
		const char *best = NULL;

		if (nd->type != VFS_FILE)
			continue;
		for (j = 0; j < v->nmnt; j++) {
			const char *m = v->mnt[j].path;

			if ((strcmp(nd->path, m) == 0 || vn_is_under(nd->path, m)) &&
			    (!best || strlen(m) >= strlen(best)))
				best = m;
		}
		if (best && strcmp(best, mnt) == 0)
			sum += (nd->data.len + 4095) / 4096 * 4096;
	}
	return sum;
}

void vfs_set_dyn(struct vfs *v, const struct vfs_dyn *d)
{
	v->dyn = d;
}

void vfs_set_now(struct vfs *v, time_t now)
{
	v->now = now;
}

size_t vfs_bytes(const struct vfs *v)
{
	return v->bytes;
}

size_t vfs_total_bytes(const struct vfs *v)
{
	return v->pool->total;
}

size_t vfs_max_bytes(const struct vfs *v)
{
	return v->pool->session_max;
}

int vfs_lstat(struct vfs *v, const char *path, struct vfs_stat *st)
{
	char rp[CAP_PATH];
	int rc = vfs_resolve(v, path, false, rp, sizeof rp);

	if (rc)
		return rc;
	return vn_lookup(v, rp, st, NULL, NULL);
}

int vfs_stat(struct vfs *v, const char *path, struct vfs_stat *st)
{
	char rp[CAP_PATH];
	int rc = vfs_resolve(v, path, true, rp, sizeof rp);

	if (rc)
		return rc;
	return vn_lookup(v, rp, st, NULL, NULL);
}

int vfs_read(struct vfs *v, const char *path, const uint8_t **data, size_t *len)
{
	struct vfs_stat st;
	char rp[CAP_PATH];
	int rc = vfs_resolve(v, path, true, rp, sizeof rp);

	if (rc)
		return rc;
	rc = vn_lookup(v, rp, &st, data, len);
	if (rc)
		return rc;
	if (st.type == VFS_DIR)
		return -EISDIR;
	if (!*data)
		*data = (const uint8_t *)"";
	v->read_bytes += *len;
	return 0;
}

size_t vfs_read_bytes(const struct vfs *v)
{
	return v->read_bytes;
}

bool vfs_is_session_data(const struct vfs *v, const uint8_t *p)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct buf *b = &v->nodes[i].data;

		if (b->p && p >= (const uint8_t *)b->p && p <= (const uint8_t *)b->p + b->len)
			return true;
	}
	return false;
}

/* --- captures --- */

static bool capturable(const struct vfs *v, const struct vnode *nd)
{
	if (nd->type != VFS_FILE || !nd->dirty || nd->data.len == 0)
		return false;
	if (v->p->busybox && nd->data.len == v->p->busybox_len &&
	    memcmp(nd->data.p, v->p->busybox, nd->data.len) == 0)
		return false;
	return true;
}

static void fill_built(const struct vnode *nd, struct vfs_built *out)
{
	out->path = nd->path;
	out->data = (const uint8_t *)nd->data.p;
	out->len = nd->data.len;
}

bool vfs_take_capture(struct vfs *v, const char *path, struct vfs_built *out)
{
	char rp[CAP_PATH];
	struct vnode *nd;

	if (vfs_resolve(v, path, true, rp, sizeof rp))
		return false;
	nd = vn_find(v, rp);
	if (!nd || !capturable(v, nd))
		return false;
	nd->dirty = false;
	fill_built(nd, out);
	return true;
}

void vfs_mark_captured(struct vfs *v, const char *path)
{
	char rp[CAP_PATH];
	struct vnode *nd;

	if (vfs_resolve(v, path, true, rp, sizeof rp))
		return;
	nd = vn_find(v, rp);
	if (nd)
		nd->dirty = false;
}

size_t vfs_room(struct vfs *v, const char *path)
{
	char rp[CAP_PATH];
	struct vnode *nd = NULL;
	size_t have = 0, s_room, t_room;

	if (vfs_resolve(v, path, true, rp, sizeof rp) == 0)
		nd = vn_find(v, rp);
	if (nd && nd->type == VFS_FILE)
		have = nd->data.len;
	s_room =
	    v->bytes - have >= v->pool->session_max ? 0 : v->pool->session_max - (v->bytes - have);
	t_room = v->pool->total - have >= v->pool->total_max
		     ? 0
		     : v->pool->total_max - (v->pool->total - have);
	return s_room < t_room ? s_room : t_room;
}

bool vfs_next_capture(struct vfs *v, size_t *idx, struct vfs_built *out)
{
	while (*idx < v->n) {
		struct vnode *nd = &v->nodes[(*idx)++];

		if (capturable(v, nd)) {
			nd->dirty = false;
			fill_built(nd, out);
			return true;
		}
	}
	return false;
}
