/* procfs.c — the living /proc of the emulated device, and the numbers a
 * running system has (load, uptime, memory) that move as time passes.
 *
 * The process table is the persona's (ps rows), the attacker's own -sh and
 * the command running now ("self"); /proc/<pid>/ exists for each of them
 * with cmdline, comm, exe, cwd, root, fd/, maps, stat, status. The system
 * files (loadavg, uptime, meminfo, net/tcp, sys/kernel/hostname) are
 * computed when read: from the unit's clock, a per-unit walk of the load,
 * the session's own bytes, and the session's connection.
 *
 * The file system asks procfs_stat()/procfs_list() through its struct
 * vfs_dyn (vfs.h); the applets read the contents with procfs_read() into
 * a buffer the caller owns (ap_read_file).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/applet.h"
#include "sh/procfs.h"

#define PT_MAX 128 /* processes shown: a router runs a few dozen */

/* ---------- the running system: load, uptime, memory ---------- */

static uint32_t unit_key(const struct sh *sh)
{
	return ap_mix(sh->p->pid_next ^ (uint32_t)sh->p->boot_time ^ 0x51ed27u);
}

int64_t procfs_now(const struct sh *sh)
{
	return sh->host.now ? sh->host.now(sh->host.ctx) : 0;
}

int64_t procfs_uptime(const struct sh *sh)
{
	int64_t up = procfs_now(sh) - (int64_t)sh->p->boot_time;

	return up < 1 ? 1 : up;
}

/* Runnable work in minute m, in hundredths: a quiet box (daemons waking)
 * with now and then a busy minute (a cron job, a DHCP renewal). */
static unsigned activity(uint32_t key, int64_t m)
{
	uint32_t u = ap_mix(key ^ (uint32_t)m ^ (uint32_t)(m >> 32) * 0x9e3779b9u);
	unsigned a = 2 + (u & 0xff) * (u & 0xff) / 2600; /* 0.02 .. 0.27 */

	if ((u >> 24) > 246)
		a += 40 + (u >> 8) % 60; /* a busy minute */
	return a;
}

/* The kernel's averages, minute by minute: each window decays by
 * exp(-1/window); the newest minute is weighed in by how far it is. */
static unsigned load_avg(uint32_t key, int64_t now, unsigned window)
{
	static const unsigned decay[3] = {368, 819, 936}; /* e^-1, e^-1/5, e^-1/15 (x1000) */
	unsigned d = decay[window == 1 ? 0 : window == 5 ? 1 : 2];
	int64_t m = now / 60;
	unsigned long long acc = 0, w = 1000, wsum = 0;
	int k, n = (int)window * 4;

	for (k = 0; k < n; k++) {
		acc += (unsigned long long)activity(key, m - k) * w;
		wsum += w;
		w = w * d / 1000;
	}
	return (unsigned)(acc / (wsum ? wsum : 1));
}

void procfs_load(const struct sh *sh, unsigned out[3])
{
	int64_t now = procfs_now(sh);
	uint32_t key = unit_key(sh);
	/* within a minute the figures move too, as the kernel's do every 5 s */
	unsigned tick = (unsigned)(ap_mix(key ^ (uint32_t)(now / 5)) % 7);

	out[0] = load_avg(key, now, 1) + tick;
	out[1] = load_avg(key, now, 5) + tick / 3;
	out[2] = load_avg(key, now, 15) + (tick > 4);
}

/* A meminfo value (kB) of the image, or def. */
static unsigned long mem_img(const struct sh *sh, const char *key, unsigned long def)
{
	const struct persona_file *f = persona_file(sh->p, "/proc/meminfo");
	size_t kl = strlen(key), i;

	if (!f || !f->data.p)
		return def;
	for (i = 0; i + kl + 1 < f->data.n; i++) {
		if ((i == 0 || f->data.p[i - 1] == '\n') && !memcmp(f->data.p + i, key, kl) &&
		    f->data.p[i + kl] == ':')
			return strtoul(f->data.p + i + kl + 1, NULL, 10);
	}
	return def;
}

/* MemFree, Buffers and Cached as they are now: the image's figures, a
 * slow wander, and the files this session keeps in RAM (tmpfs/ramfs). */
void procfs_mem(const struct sh *sh, unsigned long *total, unsigned long *fr, unsigned long *bufs,
		unsigned long *cached)
{
	int64_t now = procfs_now(sh);
	uint32_t key = unit_key(sh);
	unsigned long t = mem_img(sh, "MemTotal", 27756);
	unsigned long f = mem_img(sh, "MemFree", 7584);
	unsigned long b = mem_img(sh, "Buffers", 1896);
	unsigned long c = mem_img(sh, "Cached", 6944);
	unsigned long own = (unsigned long)(vfs_bytes(sh->fs) + 1023) / 1024;
	long wob = (long)(ap_mix(key ^ (uint32_t)(now / 13)) % 385) - 192;
	long slow = (long)(ap_mix(key ^ (uint32_t)(now / 600) ^ 0xabcu) % 513) - 256;
	long nf = (long)f + wob + slow - (long)own - 4 * (long)(sh->next_pid - sh->pid);

	if (nf < (long)(t / 20))
		nf = (long)(t / 20);
	*total = t;
	*fr = (unsigned long)nf;
	*bufs = b + (unsigned long)(ap_mix(key ^ (uint32_t)(now / 31)) % 24);
	*cached = c + own + (unsigned long)(slow > 0 ? slow / 4 : 0);
}

/* ---------- the process table ---------- */

static void copy_word(char *dst, size_t n, const char *s, size_t len)
{
	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* A ps row of the persona: "USER VSZ STAT CMD", "USER STAT [kthread]"
 * (a blank VSZ) or the new layout "USER TIME CMD". */
static void parse_row(const char *row, struct procfs_proc *e)
{
	const char *w[3];
	size_t wl[3];
	int k;
	const char *s = row;

	for (k = 0; k < 3; k++) {
		while (*s == ' ')
			s++;
		w[k] = s;
		while (*s && *s != ' ')
			s++;
		wl[k] = (size_t)(s - w[k]);
	}
	copy_word(e->user, sizeof e->user, w[0], wl[0]);
	if (wl[1] && w[1][0] >= '0' && w[1][0] <= '9' && !memchr(w[1], ':', wl[1])) {
		e->vsz = (unsigned)strtoul(w[1], NULL, 10);
		copy_word(e->stat, sizeof e->stat, w[2], wl[2]);
		while (*s == ' ')
			s++;
	} else if (wl[1] && memchr(w[1], ':', wl[1])) {
		copy_word(e->stat, sizeof e->stat, "S", 1);
		s = w[2];
	} else {
		copy_word(e->stat, sizeof e->stat, w[1], wl[1]);
		s = w[2];
	}
	copy_word(e->cmd, sizeof e->cmd, s, strlen(s));
	e->kthread = e->cmd[0] == '[';
}

static bool killed(const struct sh *sh, uint32_t pid)
{
	int i;

	for (i = 0; i < sh->nkilled; i++)
		if (sh->killed[i] == pid)
			return true;
	return false;
}

/* The pid running now: the last command started, else the shell. */
uint32_t procfs_self(const struct sh *sh)
{
	return sh->next_pid - 1 > sh->pid ? sh->next_pid - 1 : sh->pid;
}

static size_t ptable(const struct sh *sh, struct procfs_proc *t, size_t max)
{
	const struct persona *p = sh->p;
	uint32_t telnetd = 1, self = procfs_self(sh);
	size_t i, n = 0;

	for (i = 0; i < p->nprocs && n + 2 < max; i++) {
		struct procfs_proc *e = &t[n];

		memset(e, 0, sizeof *e);
		e->pid = ap_proc_pid(p, i);
		if (killed(sh, e->pid))
			continue;
		parse_row(p->procs[i], e);
		e->ppid = e->pid == 1 ? 0 : e->kthread ? (e->pid == 2 ? 0 : 2) : 1;
		if (strstr(e->cmd, "telnetd"))
			telnetd = e->pid;
		n++;
	}
	memset(&t[n], 0, sizeof t[n]);
	t[n].pid = sh->pid;
	t[n].ppid = telnetd;
	snprintf(t[n].user, sizeof t[n].user, "%s", sh->user);
	snprintf(t[n].cmd, sizeof t[n].cmd, "-sh");
	snprintf(t[n].stat, sizeof t[n].stat, "S");
	t[n].vsz = 1532;
	n++;
	if (self != sh->pid) {
		memset(&t[n], 0, sizeof t[n]);
		t[n].pid = self;
		t[n].ppid = sh->pid;
		snprintf(t[n].user, sizeof t[n].user, "%s", sh->user);
		copy_word(t[n].cmd, sizeof t[n].cmd, sh->self_cmd, strlen(sh->self_cmd));
		snprintf(t[n].stat, sizeof t[n].stat, "R");
		t[n].vsz = 1528;
		n++;
	}
	return n;
}

static const struct procfs_proc *pfind(const struct procfs_proc *t, size_t n, uint32_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].pid == pid)
			return &t[i];
	return NULL;
}

/* "/proc/123/rest" → 123 and "rest" ("" for the directory itself). */
static bool pid_path(const char *path, uint32_t *pid, const char **rest)
{
	const char *s = path + 6;
	unsigned long v = 0;

	if (strncmp(path, "/proc/", 6) || *s < '1' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s++ - '0');
		if (v > 4194304)
			return false;
	}
	if (*s && *s != '/')
		return false;
	*pid = (uint32_t)v;
	*rest = *s ? s + 1 : s;
	return true;
}

int procfs_proc_at(struct sh *sh, const char *path, struct procfs_proc *out, const char **rest)
{
	struct procfs_proc *t;
	const struct procfs_proc *e;
	uint32_t pid;
	size_t n;

	if (!pid_path(path, &pid, rest))
		return -ENOENT;
	t = malloc(PT_MAX * sizeof *t);
	if (!t)
		return -ENOMEM;
	n = ptable(sh, t, PT_MAX);
	e = pfind(t, n, pid);
	if (e)
		*out = *e;
	free(t);
	return e ? 0 : -ENOENT;
}

/* ---------- what a pid directory holds ---------- */

static const char *const pid_files[] = {"cmdline", "comm", "cwd",  "exe",   "fd",
					"maps",	   "root", "stat", "status"};

static bool is_busybox_cmd(const struct sh *sh, const struct procfs_proc *e)
{
	char name[64];
	const char *c = e->cmd[0] == '-' ? e->cmd + 1 : e->cmd;
	size_t n = strcspn(c, " ");

	copy_word(name, sizeof name, c, n);
	if (strchr(name, '/'))
		return strncmp(name, "/bin/", 5) == 0 || strncmp(name, "/sbin/", 6) == 0;
	return sh_has_applet((struct sh *)sh, name) || !strcmp(name, "sh");
}

static int stat_pid(struct procfs *pf, const struct procfs_proc *e, const char *rest,
		    struct vfs_stat *st)
{
	const struct sh *sh = pf->sh;

	st->mtime = sh->p->boot_time;
	if (!*rest) {
		st->type = VFS_DIR;
		st->mode = 0555;
		return 0;
	}
	if (!strcmp(rest, "fd")) {
		st->type = VFS_DIR;
		st->mode = 0500;
		return 0;
	}
	if (!strncmp(rest, "fd/", 3)) {
		const char *d = rest + 3;
		bool mine = e->pid == sh->pid || e->ppid == sh->pid;

		if (!(d[0] >= '0' && d[0] <= (e->pid == procfs_self(sh) && mine ? '3' : '2')) ||
		    d[1])
			return -ENOENT;
		st->type = VFS_LINK;
		st->mode = 0700;
		snprintf(pf->target, sizeof pf->target, "%s",
			 d[0] == '3' ? "/proc"
			 : mine	     ? "/dev/pts/0"
				     : "/dev/null");
		st->target = pf->target;
		st->size = 64;
		return 0;
	}
	if (!strcmp(rest, "exe") || !strcmp(rest, "cwd") || !strcmp(rest, "root")) {
		if (e->kthread)
			return -ENOENT; /* readlink fails on a kernel thread */
		st->type = VFS_LINK;
		st->mode = 0777;
		if (rest[0] == 'e')
			snprintf(pf->target, sizeof pf->target, "%s",
				 is_busybox_cmd(sh, e) ? "/bin/busybox" : "/bin/sh");
		else
			snprintf(pf->target, sizeof pf->target, "%s",
				 rest[0] == 'c' && e->pid == sh->pid ? sh->cwd : "/");
		st->target = pf->target;
		st->size = strlen(pf->target);
		return 0;
	}
	for (size_t i = 0; i < sizeof pid_files / sizeof pid_files[0]; i++) {
		if (!strcmp(rest, pid_files[i])) {
			st->type = VFS_FILE;
			st->mode = 0444;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---------- the vfs's questions ---------- */

static const char *const top_files[] = {"loadavg", "uptime", "meminfo", "stat"};

static int pf_stat(void *ctx, const char *path, struct vfs_stat *st)
{
	struct procfs *pf = ctx;
	struct sh *sh = pf->sh;
	struct procfs_proc *t;
	const struct procfs_proc *e;
	const char *rest;
	uint32_t pid;
	size_t n, i;
	int rc;

	if (!strcmp(path, "/proc/self")) {
		st->type = VFS_LINK;
		st->mode = 0777;
		snprintf(pf->target, sizeof pf->target, "%u", (unsigned)procfs_self(sh));
		st->target = pf->target;
		st->size = strlen(pf->target);
		st->mtime = sh->p->boot_time;
		return 0;
	}
	for (i = 0; i < sizeof top_files / sizeof top_files[0]; i++) {
		if (!strncmp(path, "/proc/", 6) && !strcmp(path + 6, top_files[i])) {
			st->type = VFS_FILE;
			st->mode = 0444;
			st->mtime = (time_t)procfs_now(sh);
			return 0;
		}
	}
	if (!strcmp(path, "/proc/net") || !strcmp(path, "/proc/sys") ||
	    !strcmp(path, "/proc/sys/kernel")) {
		st->type = VFS_DIR;
		st->mode = 0555;
		st->mtime = sh->p->boot_time;
		return 0;
	}
	if (!strcmp(path, "/proc/net/tcp") || !strcmp(path, "/proc/sys/kernel/hostname") ||
	    !strcmp(path, "/proc/sys/kernel/osrelease")) {
		st->type = VFS_FILE;
		st->mode = !strcmp(path, "/proc/sys/kernel/hostname") ? 0644 : 0444;
		st->mtime = sh->p->boot_time;
		return 0;
	}
	if (!pid_path(path, &pid, &rest))
		return 1; /* the image's (cpuinfo, version, mounts, ...) */
	t = malloc(PT_MAX * sizeof *t);
	if (!t)
		return -ENOMEM;
	n = ptable(sh, t, PT_MAX);
	e = pfind(t, n, pid);
	rc = e ? stat_pid(pf, e, rest, st) : -ENOENT;
	free(t);
	return rc;
}

static void pf_list(void *ctx, const char *dir, void (*fn)(void *fctx, const char *name),
		    void *fctx)
{
	struct procfs *pf = ctx;
	struct sh *sh = pf->sh;
	struct procfs_proc *t;
	const struct procfs_proc *e;
	const char *rest;
	char name[16];
	uint32_t pid;
	size_t n, i;

	if (!strcmp(dir, "/proc")) {
		fn(fctx, "self");
		fn(fctx, "net");
		fn(fctx, "sys");
		for (i = 0; i < sizeof top_files / sizeof top_files[0]; i++)
			fn(fctx, top_files[i]);
	} else if (!strcmp(dir, "/proc/net")) {
		fn(fctx, "tcp");
		return;
	} else if (!strcmp(dir, "/proc/sys")) {
		fn(fctx, "kernel");
		return;
	} else if (!strcmp(dir, "/proc/sys/kernel")) {
		fn(fctx, "hostname");
		fn(fctx, "osrelease");
		return;
	} else if (!pid_path(dir, &pid, &rest)) {
		return;
	}
	t = malloc(PT_MAX * sizeof *t);
	if (!t)
		return;
	n = ptable(sh, t, PT_MAX);
	if (!strcmp(dir, "/proc")) {
		for (i = 0; i < n; i++) {
			snprintf(name, sizeof name, "%u", (unsigned)t[i].pid);
			fn(fctx, name);
		}
	} else if ((e = pfind(t, n, pid)) != NULL) {
		if (!*rest) {
			for (i = 0; i < sizeof pid_files / sizeof pid_files[0]; i++)
				if (!e->kthread || pid_files[i][0] != 'e')
					fn(fctx, pid_files[i]);
		} else if (!strcmp(rest, "fd")) {
			bool mine = e->pid == sh->pid || e->ppid == sh->pid;

			fn(fctx, "0");
			fn(fctx, "1");
			fn(fctx, "2");
			if (mine && e->pid == procfs_self(sh))
				fn(fctx, "3"); /* ls's own directory */
		}
	}
	free(t);
}

void procfs_attach(struct procfs *pf, struct sh *sh)
{
	memset(pf, 0, sizeof *pf);
	pf->sh = sh;
	pf->dyn.root = "/proc";
	pf->dyn.stat = pf_stat;
	pf->dyn.list = pf_list;
	pf->dyn.ctx = pf;
	vfs_set_dyn(sh->fs, &pf->dyn);
}
