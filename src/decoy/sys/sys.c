/* sys.c — clocks, randomness and durable writes (see sys.h). */
#include "sys/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

static int64_t fake_wall;
static uint64_t fake_mono;

void sys_fake_clock(int64_t wall_us, uint64_t mono_ms)
{
	fake_wall = wall_us;
	fake_mono = mono_ms;
}

uint64_t sys_mono_ms(void)
{
	struct timespec ts;

	if (fake_mono)
		return fake_mono;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t sys_mono_us(void)
{
	struct timespec ts;

	if (fake_mono)
		return fake_mono * 1000u;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int64_t kernel_wall_us(void)
{
	struct timespec ts;

	if (fake_wall)
		return fake_wall;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* the learned time: monotonic + mono_off once src is not NONE */
static struct {
	enum sys_time_src src;
	int expect;
	int64_t mono_off;
	int64_t kernel_off; /* the learned time minus the kernel's, when learned */
} tk;

int64_t sys_wall_us(void)
{
	if (tk.src != SYS_TIME_NONE)
		return (int64_t)sys_mono_us() + tk.mono_off;
	return kernel_wall_us();
}

void sys_time_expect(int on)
{
	tk.expect = on;
}

int64_t sys_time_learn(int64_t mono_off_us, enum sys_time_src src)
{
	int64_t before = sys_wall_us(), mono = (int64_t)sys_mono_us();

	tk.mono_off = mono_off_us;
	tk.src = src;
	tk.kernel_off = mono + mono_off_us - kernel_wall_us();
	return mono + mono_off_us - before;
}

int sys_time_uncertain(void)
{
	return tk.expect && tk.src == SYS_TIME_NONE;
}

int64_t sys_time_offset_us(void)
{
	return tk.src != SYS_TIME_NONE ? tk.kernel_off : 0;
}

enum sys_time_src sys_time_source(void)
{
	return tk.src;
}

const char *sys_time_source_name(enum sys_time_src src)
{
	return src == SYS_TIME_SNTP ? "sntp" : src == SYS_TIME_HUB ? "hub" : "none";
}

void sys_time_reset(void)
{
	memset(&tk, 0, sizeof tk);
}

int sys_random(void *p, size_t n)
{
	uint8_t *q = p;

	while (n) {
		ssize_t r = getrandom(q, n, 0);

		if (r < 0) {
			int fd;

			if (errno == EINTR)
				continue;
			fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return -errno;
			r = read(fd, q, n);
			close(fd);
			if (r <= 0)
				return -EIO;
		}
		q += r;
		n -= (size_t)r;
	}
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char dir[512];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;
	int fd, rc = 0;

	if (n >= sizeof dir)
		return -ENAMETOOLONG;
	if (slash) {
		memcpy(dir, path, n);
		dir[n ? n : 1] = '\0';
		if (!n)
			dir[0] = '/';
	} else {
		dir[0] = '.';
		dir[1] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		rc = -errno;
	close(fd);
	return rc;
}

int sys_write_atomic(const char *path, const void *data, size_t n)
{
	char tmp[512];
	const uint8_t *p = data;
	int fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		p += w;
		n -= (size_t)w;
	}
	if (fsync(fd))
		rc = -errno;
out:
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	else
		rc = fsync_dir_of(path);
	return rc;
}

int sys_read_file(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	char tmp[8192];

	buf_reset(b);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = read(fd, tmp, sizeof tmp);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -errno : 0;
			break;
		}
		if (buf_add(b, tmp, (size_t)r)) {
			rc = -EFBIG;
			break;
		}
	}
	close(fd);
	return rc;
}

int sys_mkdirs(const char *path)
{
	char p[512];
	size_t i, n = strlen(path);

	if (n >= sizeof p)
		return -ENAMETOOLONG;
	memcpy(p, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) && errno != EEXIST)
			return -errno;
		p[i] = path[i];
	}
	return 0;
}
