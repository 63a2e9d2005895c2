/* faultfs.c — an LD_PRELOAD shim that makes a folder's file system fail on
 * demand, for the store's read-only / full / failing flash tests (Linux
 * refuses to remount read-only while the daemon holds its open segment).
 *
 *   FAULTFS_ROOT=/abs/path     only files under this prefix fail
 *   FAULTFS_TRIGGER=/abs/file  while this file exists, its first word names
 *                              the error: EROFS (default), ENOSPC or EIO
 *
 * While triggered, these fail with that errno for paths (or descriptors of
 * files) under the root: open/openat for writing or creating, creat,
 * write/pwrite/writev, fsync/fdatasync, ftruncate, rename/renameat(2),
 * and for EROFS also unlink/unlinkat/mkdir. Everything else, and every
 * socket, passes through. Removing the trigger file clears the fault.
 *
 * A test tool, not part of the decoy: built by `make $(BUILD)/host/faultfs.so`.
 * Run an ASan binary under it with ASAN_OPTIONS=verify_asan_link_order=0.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define NEXT(name) \
	static __typeof__(name) *real; \
	if (!real) \
		real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/* The errno to fail with now, or 0. Read with raw syscalls (not through
 * the wrappers below). */
static int active(void)
{
	const char *t = getenv("FAULTFS_TRIGGER");
	char b[16];
	long fd, n;

	if (!t)
		return 0;
	fd = syscall(SYS_openat, AT_FDCWD, t, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = syscall(SYS_read, fd, b, sizeof b - 1);
	syscall(SYS_close, fd);
	b[n > 0 ? n : 0] = '\0';
	if (!strncmp(b, "ENOSPC", 6))
		return ENOSPC;
	if (!strncmp(b, "EIO", 3))
		return EIO;
	return EROFS;
}

static int under_root(const char *path)
{
	const char *r = getenv("FAULTFS_ROOT");
	size_t n;

	if (!r || !path)
		return 0;
	n = strlen(r);
	return !strncmp(path, r, n) && (path[n] == '/' || path[n] == '\0');
}

static int path_at(int dirfd, const char *path, char *out, size_t cap)
{
	char link[64];
	ssize_t n;

	if (path[0] == '/' || dirfd == AT_FDCWD) {
		if (path[0] != '/') {
			if (!getcwd(out, cap))
				return 0;
			n = (ssize_t)strlen(out);
			return snprintf(out + n, cap - (size_t)n, "/%s", path) < (int)(cap - (size_t)n);
		}
		return snprintf(out, cap, "%s", path) < (int)cap;
	}
	snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
	n = readlink(link, out, cap - 1);
	if (n < 0)
		return 0;
	out[n] = '\0';
	return snprintf(out + n, cap - (size_t)n, "/%s", path) < (int)(cap - (size_t)n);
}

static int fd_fails(int fd)
{
	char link[64], p[4096];
	ssize_t n;
	int e = active();

	if (!e)
		return 0;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, p, sizeof p - 1);
	if (n <= 0)
		return 0;
	p[n] = '\0';
	return under_root(p) ? e : 0;
}

static int path_fails(int dirfd, const char *path, int only_erofs)
{
	char p[4096];
	int e = active();

	if (!e || (only_erofs && e != EROFS))
		return 0;
	return path_at(dirfd, path, p, sizeof p) && under_root(p) ? e : 0;
}

#define WRITING(flags) ((flags) & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND))

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int e;
	NEXT(open);

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (WRITING(flags) && (e = path_fails(AT_FDCWD, path, 0))) {
		errno = e;
		return -1;
	}
	return real(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int e;
	NEXT(open64);

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (WRITING(flags) && (e = path_fails(AT_FDCWD, path, 0))) {
		errno = e;
		return -1;
	}
	return real(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int e;
	NEXT(openat);

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (WRITING(flags) && (e = path_fails(dirfd, path, 0))) {
		errno = e;
		return -1;
	}
	return real(dirfd, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
	int e;
	NEXT(creat);

	if ((e = path_fails(AT_FDCWD, path, 0))) {
		errno = e;
		return -1;
	}
	return real(path, mode);
}

ssize_t write(int fd, const void *p, size_t n)
{
	int e;
	NEXT(write);

	if ((e = fd_fails(fd))) {
		errno = e;
		return -1;
	}
	return real(fd, p, n);
}

ssize_t pwrite(int fd, const void *p, size_t n, off_t off)
{
	int e;
	NEXT(pwrite);

	if ((e = fd_fails(fd))) {
		errno = e;
		return -1;
	}
	return real(fd, p, n, off);
}

ssize_t writev(int fd, const struct iovec *v, int n)
{
	int e;
	NEXT(writev);

	if ((e = fd_fails(fd))) {
		errno = e;
		return -1;
	}
	return real(fd, v, n);
}

int fsync(int fd)
{
	int e;
	NEXT(fsync);

	if ((e = fd_fails(fd))) {
		errno = e;
		return -1;
	}
	return real(fd);
}

int fdatasync(int fd)
{
	int e;
	NEXT(fdatasync);

	if ((e = fd_fails(fd))) {
		errno = e;
		return -1;
	}
	return real(fd);
}

int ftruncate(int fd, off_t len)
{
	int e;
	NEXT(ftruncate);

	if ((e = fd_fails(fd))) {
		errno = e;
		return -1;
	}
	return real(fd, len);
}

int rename(const char *a, const char *b)
{
	int e;
	NEXT(rename);

	if ((e = path_fails(AT_FDCWD, a, 0)) || (e = path_fails(AT_FDCWD, b, 0))) {
		errno = e;
		return -1;
	}
	return real(a, b);
}

int renameat(int da, const char *a, int db, const char *b)
{
	int e;
	NEXT(renameat);

	if ((e = path_fails(da, a, 0)) || (e = path_fails(db, b, 0))) {
		errno = e;
		return -1;
	}
	return real(da, a, db, b);
}

int renameat2(int da, const char *a, int db, const char *b, unsigned flags)
{
	int e;
	NEXT(renameat2);

	if ((e = path_fails(da, a, 0)) || (e = path_fails(db, b, 0))) {
		errno = e;
		return -1;
	}
	return real(da, a, db, b, flags);
}

int unlink(const char *path)
{
	int e;
	NEXT(unlink);

	if ((e = path_fails(AT_FDCWD, path, 1))) {
		errno = e;
		return -1;
	}
	return real(path);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	int e;
	NEXT(unlinkat);

	if ((e = path_fails(dirfd, path, 1))) {
		errno = e;
		return -1;
	}
	return real(dirfd, path, flags);
}

int mkdir(const char *path, mode_t mode)
{
	struct stat st;
	int e;
	NEXT(mkdir);

	/* a folder that exists is EEXIST on a read-only file system too */
	if (stat(path, &st) && (e = path_fails(AT_FDCWD, path, 1))) {
		errno = e;
		return -1;
	}
	return real(path, mode);
}
