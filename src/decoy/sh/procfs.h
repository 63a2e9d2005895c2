/* procfs.h — the living /proc of the emulated device (procfs.c,
 * procfs_read.c): the process table with a directory per process, and
 * the system's moving figures (load, uptime, memory). Internal to sh/.
 */
#ifndef TANUKI_SH_PROCFS_H
#define TANUKI_SH_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "buf.h"
#include "sh/vfs.h"

struct sh;

/* What the file system asks (vfs_set_dyn), tied to one shell. */
struct procfs {
	struct sh *sh;
	struct vfs_dyn dyn;
	char target[CAP_PATH]; /* the last link target handed out */
};

/* One process of the table. */
struct procfs_proc {
	uint32_t pid, ppid;
	char user[32];
	char cmd[160]; /* the command line, words separated by spaces */
	char stat[6];
	unsigned vsz; /* kB */
	bool kthread;
};

/* A TCP socket of the device (/proc/net/tcp, netstat). */
struct procfs_sock {
	const char *local; /* dotted IPv4 */
	unsigned lport;
	const char *peer;
	unsigned pport;
	unsigned state; /* 0x0a LISTEN, 0x01 ESTABLISHED */
};

/* The device's TCP sockets: the persona's listeners, then the session's
 * own connection. Returns how many were put in out. */
size_t procfs_tcp(const struct sh *sh, struct procfs_sock *out, size_t max);

/* Makes sh's file system ask pf about /proc. pf lives as long as sh. */
void procfs_attach(struct procfs *pf, struct sh *sh);
/* The contents of the generated file at abs (links followed) into tmp:
 * 0 with *d, *n set; 1 when the file system has the file (the image's
 * cpuinfo, /proc/self/exe = /bin/busybox); or -errno. */
int procfs_read(struct sh *sh, const char *abs, const uint8_t **d, size_t *n, struct buf *tmp);
/* The process of /proc/<pid>/... and what follows the pid; 0 or -errno. */
int procfs_proc_at(struct sh *sh, const char *path, struct procfs_proc *out, const char **rest);
/* The pid of the command running now (the shell's own between commands). */
uint32_t procfs_self(const struct sh *sh);

/* The unit's clock, and seconds since the device booted (>= 1). */
int64_t procfs_now(const struct sh *sh);
int64_t procfs_uptime(const struct sh *sh);
/* Load averages (1, 5, 15 minutes) in hundredths: a per-unit walk. */
void procfs_load(const struct sh *sh, unsigned out[3]);
/* Memory now, kB: total, free, buffers, cached. */
void procfs_mem(const struct sh *sh, unsigned long *total, unsigned long *fr, unsigned long *bufs,
		unsigned long *cached);

#endif
