/* vfs_ops.c — changes to the per-session file system (see vfs.h): creating
 * and writing files under the pool's caps, directories, removal, renames,
 * modes, and directory listings merged from the image and the session.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sh/vfs_int.h"

/* Parent must exist and be a directory; the mount must be writable. */
static int create_check(struct vfs *v, const char *rp)
{
	char par[CAP_PATH];
	struct vfs_stat st;
	int rc;

	vn_parent_of(rp, par, sizeof par);
	rc = vfs_stat(v, par, &st);
	if (rc)
		return rc;
	if (st.type != VFS_DIR)
		return -ENOTDIR;
	return vn_mount_check(v, rp);
}

int vfs_can_create(struct vfs *v, const char *path)
{
	char rp[CAP_PATH];
	struct vfs_stat st;
	int rc = vfs_resolve(v, path, true, rp, sizeof rp);

	if (rc)
		return rc;
	if (strcmp(rp, "/dev/null") == 0)
		return 0;
	if (vn_lookup(v, rp, &st, NULL, NULL) == 0) {
		if (st.type == VFS_DIR)
			return -EISDIR;
		if (st.session)
			return 0;
		return vn_mount_check(v, rp);
	}
	return create_check(v, rp);
}

static int quota(struct vfs *v, size_t oldlen, size_t newlen)
{
	size_t delta;

	if (newlen <= oldlen)
		return 0;
	delta = newlen - oldlen;
	if (v->bytes > v->pool->session_max || delta > v->pool->session_max - v->bytes)
		return -ENOSPC;
	if (v->pool->total > v->pool->total_max || delta > v->pool->total_max - v->pool->total)
		return -ENOSPC;
	return 0;
}

int vfs_write(struct vfs *v, const char *path, const void *p, size_t n, bool append)
{
	char rp[CAP_PATH];
	struct vfs_stat st;
	const uint8_t *old = NULL;
	size_t oldlen = 0, keep;
	struct vnode *nd;
	bool exists;
	int rc;

	rc = vfs_resolve(v, path, true, rp, sizeof rp);
	if (rc)
		goto out;
	if (strcmp(rp, "/dev/null") == 0)
		goto out;
	exists = vn_lookup(v, rp, &st, &old, &oldlen) == 0;
	if (exists && st.type == VFS_DIR) {
		rc = -EISDIR;
		goto out;
	}
	nd = exists && st.session ? vn_find(v, rp) : NULL;
	if (!nd) {
		rc = exists ? vn_mount_check(v, rp) : create_check(v, rp);
		if (rc)
			goto out;
	}
	keep = append ? oldlen : 0;
	if (n > v->pool->session_max || keep > v->pool->session_max - n) {
		rc = -ENOSPC;
		goto out;
	}
	rc = quota(v, nd ? nd->data.len : 0, keep + n);
	if (rc)
		goto out;
	if (!nd) {
		/* copy-up of an image file, or a new file */
		nd = vn_find(v, rp); /* a whiteout is reused */
		if (nd) {
			nd->type = VFS_FILE;
			nd->mode = 0666 & ~v->umask;
			nd->user_owned = v->as_user;
		} else {
			nd = vn_add(v, rp, VFS_FILE, exists ? st.mode : 0666 & ~v->umask);
			if (!nd) {
				rc = -ENOSPC;
				goto out;
			}
		}
		if (keep && buf_add(&nd->data, old, keep) == 0) {
			v->bytes += keep;
			v->pool->total += keep;
		}
	} else if (!append) {
		v->bytes -= nd->data.len;
		v->pool->total -= nd->data.len;
		buf_reset(&nd->data);
	}
	if (n) {
		rc = buf_add(&nd->data, p, n);
		if (rc) {
			rc = -ENOSPC;
			goto out;
		}
		v->bytes += n;
		v->pool->total += n;
	}
	nd->mtime = v->now;
	nd->dirty = true;
out:
	return rc;
}

int vfs_mkdir(struct vfs *v, const char *path, unsigned mode)
{
	char rp[CAP_PATH];
	struct vfs_stat st;
	struct vnode *nd;
	int rc;

	rc = vfs_resolve(v, path, true, rp, sizeof rp);
	if (rc)
		goto out;
	if (vn_lookup(v, rp, &st, NULL, NULL) == 0) {
		rc = -EEXIST;
		goto out;
	}
	rc = create_check(v, rp);
	if (rc)
		goto out;
	nd = vn_find(v, rp);
	if (nd) {
		nd->type = VFS_DIR;
		nd->mode = mode & ~v->umask & 07777;
		nd->mtime = v->now;
		nd->user_owned = v->as_user;
	} else if (!vn_add(v, rp, VFS_DIR, mode & ~v->umask & 07777)) {
		rc = -ENOSPC;
	}
out:
	return rc;
}

/* Hides an image entry (or removes the session node). */
static int remove_entry(struct vfs *v, const char *rp, const struct vfs_stat *st)
{
	struct vnode *nd = vn_find(v, rp);
	bool in_image = vn_img_find(v->p, rp) || vn_is_applet_link(v->p, rp);
	int rc;

	if (!st->session) {
		rc = vn_mount_check(v, rp);
		if (rc)
			return rc == -ENOENT ? -EACCES : rc;
	}
	if (nd && !in_image) {
		vn_remove(v, nd);
		return 0;
	}
	if (nd) {
		vn_drop_bytes(v, nd);
		buf_init(&nd->data, v->pool->session_max);
		nd->type = VN_WHITEOUT;
		nd->dirty = false;
		return 0;
	}
	return vn_add(v, rp, VN_WHITEOUT, 0) ? 0 : -ENOSPC;
}

int vfs_unlink(struct vfs *v, const char *path)
{
	char rp[CAP_PATH];
	struct vfs_stat st;
	int rc;

	rc = vfs_resolve(v, path, false, rp, sizeof rp);
	if (rc)
		return rc;
	rc = vn_lookup(v, rp, &st, NULL, NULL);
	if (rc)
		return rc;
	if (st.type == VFS_DIR)
		return -EISDIR;
	return remove_entry(v, rp, &st);
}

struct count_ctx {
	size_t n;
};

static void count_fn(void *ctx, const char *name)
{
	(void)name;
	((struct count_ctx *)ctx)->n++;
}

struct rm_ctx {
	struct vfs *v;
	const char *dir;
	int rc;
	int depth;
};

static int rmdir_depth(struct vfs *v, const char *rp, bool recursive, int depth);

static void rm_fn(void *ctx, const char *name)
{
	struct rm_ctx *c = ctx;
	char child[CAP_PATH];
	struct vfs_stat st;
	int rc;

	if (c->rc == -ENOSPC)
		return;
	if (snprintf(child, sizeof child, "%s/%s", strcmp(c->dir, "/") ? c->dir : "", name) >=
	    (int)sizeof child)
		return;
	if (vn_lookup(c->v, child, &st, NULL, NULL))
		return;
	if (st.type == VFS_DIR)
		rc = rmdir_depth(c->v, child, true, c->depth + 1);
	else
		rc = remove_entry(c->v, child, &st);
	if (rc && !c->rc)
		c->rc = rc;
}

/* Names are collected first: removing while listing would skip entries. */
struct names {
	char **v;
	size_t n, cap;
};

static void names_fn(void *ctx, const char *name)
{
	struct names *nm = ctx;
	char **nv;

	if (nm->n == nm->cap) {
		size_t ncap = nm->cap ? nm->cap * 2 : 16;

		nv = realloc(nm->v, ncap * sizeof *nv);
		if (!nv)
			return;
		nm->v = nv;
		nm->cap = ncap;
	}
	nm->v[nm->n] = strdup(name);
	if (nm->v[nm->n])
		nm->n++;
}

static int rmdir_depth(struct vfs *v, const char *rp, bool recursive, int depth)
{
	struct vfs_stat st;
	struct names nm = {0};
	size_t i;
	int rc;

	if (depth > 16)
		return -ELOOP;
	rc = vn_lookup(v, rp, &st, NULL, NULL);
	if (rc)
		goto out;
	if (st.type != VFS_DIR) {
		rc = -ENOTDIR;
		goto out;
	}
	if (!recursive) {
		struct count_ctx cc = {0};

		vfs_list(v, rp, count_fn, &cc);
		if (cc.n) {
			rc = -ENOTEMPTY;
			goto out;
		}
	} else {
		struct rm_ctx rc2 = {v, rp, 0, depth};

		vfs_list(v, rp, names_fn, &nm);
		for (i = 0; i < nm.n; i++)
			rm_fn(&rc2, nm.v[i]);
		if (rc2.rc) {
			rc = rc2.rc;
			goto out;
		}
	}
	if (strcmp(rp, "/") == 0 || vn_is_mount_point(v, rp)) {
		rc = -EBUSY;
		goto out;
	}
	rc = remove_entry(v, rp, &st);
out:
	for (i = 0; i < nm.n; i++)
		free(nm.v[i]);
	free(nm.v);
	return rc;
}

int vfs_rmdir(struct vfs *v, const char *path, bool recursive)
{
	char rp[CAP_PATH];
	int rc = vfs_resolve(v, path, false, rp, sizeof rp);

	if (rc)
		return rc;
	return rmdir_depth(v, rp, recursive, 0);
}

int vfs_rename(struct vfs *v, const char *from, const char *to)
{
	char rf[CAP_PATH], rt[CAP_PATH];
	struct vfs_stat st;
	const uint8_t *d;
	size_t n;
	uint8_t *copy = NULL;
	unsigned mode;
	int rc;

	rc = vfs_resolve(v, from, false, rf, sizeof rf);
	if (rc)
		goto out;
	rc = vfs_resolve(v, to, true, rt, sizeof rt);
	if (rc)
		goto out;
	rc = vn_lookup(v, rf, &st, &d, &n);
	if (rc)
		goto out;
	if (strcmp(rf, rt) == 0)
		goto out;
	if (st.type != VFS_FILE) {
		rc = st.type == VFS_DIR ? -EXDEV : -EINVAL;
		goto out;
	}
	if (!st.session) {
		rc = vn_mount_check(v, rf);
		if (rc)
			goto out;
	}
	mode = st.mode;
	copy = malloc(n ? n : 1);
	if (!copy) {
		rc = -ENOMEM;
		goto out;
	}
	if (n)
		memcpy(copy, d, n);
	rc = vfs_write(v, rt, copy, n, false);
	if (rc)
		goto out;
	vfs_chmod(v, rt, mode);
	rc = vfs_unlink(v, rf);
out:
	free(copy);
	return rc;
}

int vfs_chmod(struct vfs *v, const char *path, unsigned mode)
{
	char rp[CAP_PATH];
	struct vfs_stat st;
	struct vnode *nd;
	const uint8_t *d;
	size_t n;
	int rc;

	rc = vfs_resolve(v, path, true, rp, sizeof rp);
	if (rc)
		goto out;
	rc = vn_lookup(v, rp, &st, &d, &n);
	if (rc)
		goto out;
	nd = st.session ? vn_find(v, rp) : NULL;
	if (!nd) {
		rc = vn_mount_check(v, rp);
		if (rc)
			goto out;
		if (st.type == VFS_DIR) {
			nd = vn_find(v, rp);
			if (!nd)
				nd = vn_add(v, rp, VFS_DIR, st.mode);
			if (!nd) {
				rc = -ENOSPC;
				goto out;
			}
			nd->type = VFS_DIR;
		} else {
			rc = vfs_write(v, rp, d, n, false);
			if (rc)
				goto out;
			nd = vn_find(v, rp);
			if (!nd)
				goto out;
		}
	}
	nd->mode = mode & 07777;
out:
	return rc;
}

/* --- listing --- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the first component of `path` below `dir`. */
static void add_child(struct names *nm, const char *dir, const char *path)
{
	const char *rest = strcmp(dir, "/") == 0 ? path + 1 : path + strlen(dir) + 1;
	const char *slash = strchr(rest, '/');
	char name[CAP_PATH];
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);

	if (n == 0 || n >= sizeof name)
		return;
	memcpy(name, rest, n);
	name[n] = '\0';
	names_fn(nm, name);
}

int vfs_list(struct vfs *v, const char *dir, void (*fn)(void *ctx, const char *name), void *ctx)
{
	char rp[CAP_PATH], child[CAP_PATH];
	struct vfs_stat st;
	struct names nm = {0};
	size_t i;
	int rc;

	rc = vfs_resolve(v, dir, true, rp, sizeof rp);
	if (rc)
		goto out;
	rc = vn_lookup(v, rp, &st, NULL, NULL);
	if (rc)
		goto out;
	if (st.type != VFS_DIR) {
		rc = -ENOTDIR;
		goto out;
	}
	for (i = 0; i < v->n; i++)
		if (vn_is_under(v->nodes[i].path, rp))
			add_child(&nm, rp, v->nodes[i].path);
	for (i = 0; i < v->p->nfiles; i++)
		if (v->p->files[i].path && vn_is_under(v->p->files[i].path, rp))
			add_child(&nm, rp, v->p->files[i].path);
	if (v->dyn && (strcmp(rp, v->dyn->root) == 0 || vn_is_under(rp, v->dyn->root)))
		v->dyn->list(v->dyn->ctx, rp, names_fn, &nm);
	if (strcmp(rp, "/bin") == 0) {
		names_fn(&nm, "busybox");
		names_fn(&nm, "sh");
		names_fn(&nm, "echo");
		for (i = 0; i < v->p->napplets; i++)
			names_fn(&nm, v->p->applets[i]);
	}
	if (nm.n)
		qsort(nm.v, nm.n, sizeof nm.v[0], name_cmp);
	for (i = 0; i < nm.n; i++) {
		struct vfs_stat cs;

		if (i > 0 && strcmp(nm.v[i], nm.v[i - 1]) == 0)
			continue;
		if (snprintf(child, sizeof child, "%s/%s", strcmp(rp, "/") ? rp : "", nm.v[i]) >=
		    (int)sizeof child)
			continue;
		if (vn_lookup(v, child, &cs, NULL, NULL) != 0)
			continue; /* whiteout */
		fn(ctx, nm.v[i]);
	}
out:
	for (i = 0; i < nm.n; i++)
		free(nm.v[i]);
	free(nm.v);
	return rc;
}
