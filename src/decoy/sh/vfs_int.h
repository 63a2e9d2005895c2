/* vfs_int.h — internals shared by vfs.c (nodes, mounts, lookup, the
 * public reads, captures) and vfs_ops.c (writes, directories, renames,
 * listing). Not for other modules: they use sh/vfs.h.
 */
#ifndef TANUKI_SH_VFS_INT_H
#define TANUKI_SH_VFS_INT_H

#include "bounds.h"
#include "buf.h"
#include "persona/persona.h"
#include "sh/vfs.h"

#define VFS_MAX_MOUNTS 32
#define VFS_MAX_HOPS 8

enum { VN_WHITEOUT = 0 };

struct vnode {
	char *path;
	int type; /* enum vfs_type, or VN_WHITEOUT */
	unsigned mode;
	struct buf data;
	time_t mtime;
	bool dirty;	 /* changed since the last capture */
	bool user_owned; /* made by the login user, not root (ls -l) */
};

struct vmount {
	char path[CAP_PATH];
	char type[16];
	bool rw;
};

struct vfs {
	const struct persona *p;
	struct vfs_pool *pool; /* caps, and the bytes of all its sessions */
	struct vnode *nodes;
	size_t n, cap;
	size_t bytes;
	size_t read_bytes; /* handed out by vfs_read (the shell's work) */
	time_t now;
	struct vmount mnt[VFS_MAX_MOUNTS];
	size_t nmnt;
	const struct vfs_dyn *dyn; /* generated entries (vfs.h), or NULL */
	unsigned umask;		   /* of the shell: new files and directories */
	bool as_user;		   /* what is made now belongs to the login user */
};

/* --- vfs.c --- */
/* The image's entry at path, or NULL. */
const struct persona_file *vn_img_find(const struct persona *p, const char *path);
/* /bin/<name> for busybox, sh, echo or an applet the image lists. */
bool vn_is_applet_link(const struct persona *p, const char *path);
/* path is a mount point of the image's /proc/mounts. */
bool vn_is_mount_point(const struct vfs *v, const char *path);
/* True if path is below dir ("/" is above everything). */
bool vn_is_under(const char *path, const char *dir);
/* Session node, then image, then applet link at path (no link followed);
 * data and len may be NULL. */
int vn_lookup(struct vfs *v, const char *path, struct vfs_stat *st, const uint8_t **data,
	      size_t *len);
/* 0 if files may be created in the (resolved) path's file system. */
int vn_mount_check(const struct vfs *v, const char *path);
/* The session's nodes: a new one at path (NULL at CAP_FS_NODES), its
 * bytes released, the one at path, one removed. Pointers into v->nodes
 * are valid until the next vn_add(). */
struct vnode *vn_add(struct vfs *v, const char *path, int type, unsigned mode);
void vn_drop_bytes(struct vfs *v, struct vnode *nd);
struct vnode *vn_find(struct vfs *v, const char *path);
void vn_remove(struct vfs *v, struct vnode *nd);
/* Parent of path into out ("/" for top-level entries). */
void vn_parent_of(const char *path, char *out, size_t outlen);

#endif
