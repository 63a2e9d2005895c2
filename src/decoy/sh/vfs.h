/* vfs.h — per-session in-memory file system over a persona's read-only image.
 *
 * Paths given to vfs_* are absolute and normalised (see vfs_abspath()).
 * Lookups see, in order: the session's own nodes (files, directories and
 * whiteouts of removed image entries), the persona image, and the applet
 * links /bin/<applet> -> /bin/busybox. Writable directories are the mount
 * points listed `rw` in the image's /proc/mounts; a write elsewhere fails
 * with -EROFS. Bytes are capped per session and over all the sessions
 * sharing a struct vfs_pool (config fs_kb and fs_total_kb, by default
 * CAP_FS_SESSION and CAP_FS_TOTAL), and in nodes (CAP_FS_NODES); at a cap
 * writes fail with -ENOSPC.
 *
 * Functions return 0 or a negative errno. Data pointers handed out are
 * valid until the next change of the file system.
 *
 * Ownership: vfs_new() returns an object the caller frees with vfs_free();
 * the persona and the pool must outlive it.
 */
#ifndef TANUKI_VFS_H
#define TANUKI_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct persona;
struct vfs;

enum vfs_type { VFS_FILE = 1, VFS_DIR, VFS_LINK };

struct vfs_stat {
	enum vfs_type type;
	unsigned mode; /* permission bits (07777) */
	size_t size;
	time_t mtime;
	bool session;	    /* built by this session */
	bool busybox;	    /* the busybox binary or an applet link to it */
	const char *target; /* VFS_LINK only (lstat) */
	bool user_owned;    /* built by the login user, not root */
};

/* One file the session built, for captures. */
struct vfs_built {
	const char *path;
	const uint8_t *data;
	size_t len;
};

/* The file bytes of every session that draws on it, and its caps. The
 * owner (the daemon, a test) keeps one; each vfs made with it counts its
 * bytes in `total` until it is freed. */
struct vfs_pool {
	size_t session_max; /* bytes one session may hold (fs_kb) */
	size_t total_max;   /* bytes all its sessions may hold (fs_total_kb) */
	size_t total;	    /* bytes held now */
};

/* Entries made up as they are looked at (the shell's living /proc,
 * sh/procfs.c), asked before the image for `root` and every path below
 * it. stat: 0 with *st filled (data is never handed out: the applets
 * read generated files through procfs_read), -errno, or 1 when the image
 * answers. list: fn for each name it adds to directory dir. */
struct vfs_dyn {
	const char *root;
	int (*stat)(void *ctx, const char *path, struct vfs_stat *st);
	void (*list)(void *ctx, const char *dir, void (*fn)(void *fctx, const char *name),
		     void *fctx);
	void *ctx;
};

/* The umask new files (0666) and directories are made with (022 at
 * first); returns the one before. */
unsigned vfs_umask(struct vfs *v, unsigned mask);
/* Files made from now on belong to the login user (true) or root. */
void vfs_set_creator(struct vfs *v, bool as_user);
/* The type of the file system path lies in ("squashfs", "ramfs", ...),
 * from the image's /proc/mounts; "rootfs" when none matches. */
const char *vfs_fstype(const struct vfs *v, const char *path);

/* Bytes of this session's files in the file system mounted at mnt (not in
 * file systems mounted below it), each counted in whole 4 KiB pages. */
size_t vfs_mount_bytes(const struct vfs *v, const char *mnt);

/* d (NULL: none) must outlive v. */
void vfs_set_dyn(struct vfs *v, const struct vfs_dyn *d);

void vfs_pool_init(struct vfs_pool *pl, size_t session_max, size_t total_max);

struct vfs *vfs_new(const struct persona *p, struct vfs_pool *pool);
void vfs_free(struct vfs *v);
/* Clock for file times. */
void vfs_set_now(struct vfs *v, time_t now);

/* Joins `path` to `cwd` and removes ".", ".." and repeated '/'. */
int vfs_abspath(const char *cwd, const char *path, char *out, size_t outlen);
/* Follows symbolic links (all components, or all but the last). */
int vfs_resolve(struct vfs *v, const char *path, bool follow_last, char *out, size_t outlen);

int vfs_stat(struct vfs *v, const char *path, struct vfs_stat *st);
int vfs_lstat(struct vfs *v, const char *path, struct vfs_stat *st);
int vfs_read(struct vfs *v, const char *path, const uint8_t **data, size_t *len);
/* Creates or truncates (append false) or appends; n may be 0. */
int vfs_write(struct vfs *v, const char *path, const void *p, size_t n, bool append);
/* 0 if a file could be created at path (mount rw, parent exists). */
int vfs_can_create(struct vfs *v, const char *path);
int vfs_mkdir(struct vfs *v, const char *path, unsigned mode);
int vfs_unlink(struct vfs *v, const char *path); /* file or link */
int vfs_rmdir(struct vfs *v, const char *path, bool recursive);
int vfs_rename(struct vfs *v, const char *from, const char *to);
int vfs_chmod(struct vfs *v, const char *path, unsigned mode);

/* Calls fn for each entry name of directory `dir` (unsorted, no . ..). */
int vfs_list(struct vfs *v, const char *dir, void (*fn)(void *ctx, const char *name), void *ctx);

/* Built file at path whose content changed since its last capture, if it
 * is non-empty and not a copy of the busybox image; marks it captured. */
bool vfs_take_capture(struct vfs *v, const char *path, struct vfs_built *out);
/* Iterates uncaptured built files (index from 0); marks them captured. */
bool vfs_next_capture(struct vfs *v, size_t *idx, struct vfs_built *out);

/* The file at path counts as captured until it changes again (a download
 * already stored by the fetcher). */
void vfs_mark_captured(struct vfs *v, const char *path);
/* Bytes a truncating write to path could hold under the per-session and
 * global caps. */
size_t vfs_room(struct vfs *v, const char *path);

/* Bytes held by this session, by all sessions of its pool, and the most
 * one session may hold. */
size_t vfs_bytes(const struct vfs *v);
/* Bytes vfs_read() has handed out so far (the shell charges them as work). */
size_t vfs_read_bytes(const struct vfs *v);
/* True if p points into a file a session wrote (which a later write may
 * move); false for the image's data, which stays put for the vfs's life. */
bool vfs_is_session_data(const struct vfs *v, const uint8_t *p);
size_t vfs_total_bytes(const struct vfs *v);
size_t vfs_max_bytes(const struct vfs *v);

#endif
