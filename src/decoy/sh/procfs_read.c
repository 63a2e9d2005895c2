/* procfs_read.c — the contents of the living /proc (see procfs.c): what
 * `cat` reads from loadavg, uptime, meminfo, stat, net/tcp, sys/kernel/
 * and /proc/<pid>/, computed when read into a buffer the caller owns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh/applet.h"
#include "sh/procfs.h"

/* The image's /proc/meminfo with MemFree, Buffers and Cached as they are
 * now, each number right-aligned in the field the image gives it. */
static void gen_meminfo(struct sh *sh, struct buf *b)
{
	const struct persona_file *f = persona_file(sh->p, "/proc/meminfo");
	unsigned long t, fr, bu, ca;
	const char *p, *end;

	procfs_mem(sh, &t, &fr, &bu, &ca);
	if (!f || !f->data.p) {
		buf_printf(b,
			   "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
			   "Buffers:        %8lu kB\nCached:         %8lu kB\n",
			   t, fr, bu, ca);
		return;
	}
	for (p = f->data.p, end = p + f->data.n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		const char *colon = memchr(p, ':', len);
		unsigned long v = 0;
		bool set = true;

		if (colon && colon - p == 7 && !memcmp(p, "MemFree", 7))
			v = fr;
		else if (colon && colon - p == 7 && !memcmp(p, "Buffers", 7))
			v = bu;
		else if (colon && colon - p == 6 && !memcmp(p, "Cached", 6))
			v = ca;
		else
			set = false;
		if (set) {
			const char *q = colon + 1;
			int width = 0;

			/* the field: the blanks and the digits up to the last digit */
			while (q < p + len && *q == ' ')
				q++;
			while (q < p + len && *q >= '0' && *q <= '9')
				q++;
			width = (int)(q - colon - 1);
			buf_add(b, p, (size_t)(colon - p) + 1);
			buf_printf(b, "%*lu", width, v);
			buf_add(b, q, (size_t)(p + len - q));
		} else {
			buf_add(b, p, len);
		}
		p += len;
	}
}

/* A device address as /proc/net/tcp prints it: the __be32 in the CPU's
 * order (a big-endian MIPS shows 7F000001, a little-endian one 0100007F). */
static unsigned long tcp_addr(const struct sh *sh, const char *ip)
{
	unsigned long o[4] = {0, 0, 0, 0};
	unsigned long a, b, c, d;
	int k = 0;

	for (; *ip && k < 4; ip++) {
		if (*ip == '.')
			k++;
		else if (*ip >= '0' && *ip <= '9' && o[k] < 256)
			o[k] = o[k] * 10 + (unsigned long)(*ip - '0');
		else
			return 0;
	}
	if (k != 3)
		return 0;
	a = o[0] & 255, b = o[1] & 255, c = o[2] & 255, d = o[3] & 255;
	if (sh->p->elf.ei_data == 2)
		return a << 24 | b << 16 | c << 8 | d;
	return d << 24 | c << 16 | b << 8 | a;
}

static void tcp_row(struct buf *b, unsigned sl, unsigned long la, unsigned lp, unsigned long ra,
		    unsigned rp, unsigned st, uint32_t inode)
{
	char row[160];
	int n = snprintf(row, sizeof row,
			 "%4u: %08lX:%04X %08lX:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d "
			 "%08x %lu %lu %u %u %d",
			 sl, la, lp, ra, rp, st, 0u, 0u, st == 1 ? 2u : 0u, st == 1 ? 3000ul : 0ul,
			 0u, 0u, 0, (unsigned long)inode, st == 1 ? 2 : 1,
			 0xc1000000u | (inode << 6 & 0xffffffu), 300ul, 0ul, 0u, 10u, -1);

	if (n < 0)
		return;
	buf_printf(b, "%-149s\n", row);
}

size_t procfs_tcp(const struct sh *sh, struct procfs_sock *out, size_t max)
{
	static const struct {
		const char *what;
		unsigned port;
	} known[] = {{"telnet", 23}, {"hg532", 37215}, {"miniigd", 52869}};
	size_t i, k, n = 0;
	bool web = false, dns = false;

	for (i = 0; i < sh->p->ndoors; i++)
		for (k = 0; k < sizeof known / sizeof known[0] && n < max; k++)
			if (!strcmp(sh->p->doors[i], known[k].what))
				/* telnetd listens where this session came in */
				out[n++] = (struct procfs_sock){
				    "0.0.0.0",
				    k == 0 && sh->conn_lport ? sh->conn_lport : known[k].port,
				    "0.0.0.0", 0, 0x0a};
	for (i = 0; i < sh->p->nprocs; i++) {
		const char *r = sh->p->procs[i];

		web = web || strstr(r, " web") || strstr(r, "httpd") || strstr(r, "boa");
		dns = dns || strstr(r, "dnsmasq");
	}
	if (web && n < max)
		out[n++] = (struct procfs_sock){"0.0.0.0", 80, "0.0.0.0", 0, 0x0a};
	if (dns && n < max)
		out[n++] = (struct procfs_sock){"0.0.0.0", 53, "0.0.0.0", 0, 0x0a};
	if (sh->conn_lport && strchr(sh->conn_local, '.') && n < max)
		out[n++] = (struct procfs_sock){sh->conn_local, sh->conn_lport, sh->conn_peer,
						sh->conn_pport, 0x01};
	return n;
}

/* The persona's listeners (its doors, a web server, a DNS forwarder) and
 * the attacker's own connection. */
static void gen_net_tcp(struct sh *sh, struct buf *b)
{
	struct procfs_sock so[8];
	uint32_t key = ap_mix(sh->p->pid_next ^ 0x7c9u);
	size_t i, n = procfs_tcp(sh, so, 8);

	buf_printf(b, "%-149s\n",
		   "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
		   "retrnsmt   uid  timeout inode");
	for (i = 0; i < n; i++)
		tcp_row(b, (unsigned)i, tcp_addr(sh, so[i].local), so[i].lport,
			tcp_addr(sh, so[i].peer), so[i].pport, so[i].state,
			so[i].state == 1 ? 3000 + ap_mix(key ^ sh->pid) % 5000
					 : 300 + key % 900 + (uint32_t)i);
}

static void gen_stat(struct sh *sh, struct buf *b)
{
	int64_t up = procfs_uptime(sh);
	uint32_t key = ap_mix(sh->p->pid_next ^ 0x5a7u);
	unsigned long long idle = (unsigned long long)up * 100 * 96 / 100;
	unsigned long long user = (unsigned long long)up * 100 * 2 / 100 + key % 977;
	unsigned long long sys = (unsigned long long)up * 100 * 15 / 1000 + key % 331;
	unsigned long long irq = (unsigned long long)up * 100 / 400;

	buf_printf(b, "cpu  %llu 0 %llu %llu 0 %llu %llu 0 0\n", user, sys, idle, irq, irq / 3);
	buf_printf(b, "cpu0 %llu 0 %llu %llu 0 %llu %llu 0 0\n", user, sys, idle, irq, irq / 3);
	buf_printf(b, "intr %llu\nctxt %llu\nbtime %lld\nprocesses %u\n",
		   (unsigned long long)up * 230 + key % 10000, (unsigned long long)up * 410,
		   (long long)sh->p->boot_time, (unsigned)(sh->next_pid + 12));
	buf_printf(b, "procs_running 1\nprocs_blocked 0\n");
}

/* ---------- /proc/<pid>/ ---------- */

static void gen_cmdline(const char *cmd, struct buf *b, bool kthread)
{
	const char *s;

	if (kthread)
		return;
	for (s = cmd; *s; s++)
		buf_addc(b, *s == ' ' ? '\0' : *s);
	buf_addc(b, '\0');
}

static void comm_of(const char *cmd, char out[16])
{
	const char *s = cmd[0] == '[' ? cmd + 1 : cmd;
	const char *w = s, *p;
	size_t n = strcspn(s, " ]");

	for (p = s; p < s + n; p++)
		if (*p == '/')
			w = p + 1;
	n = (size_t)(s + n - w);
	if (n > 15)
		n = 15;
	memcpy(out, w, n);
	out[n] = '\0';
}

static void gen_status(struct sh *sh, const struct procfs_proc *e, struct buf *b)
{
	char comm[16];
	unsigned uid = strcmp(e->user, "root") ? 500 : 0;

	(void)sh;
	comm_of(e->cmd, comm);
	buf_printf(b,
		   "Name:\t%s\nState:\t%c (%s)\nTgid:\t%u\nPid:\t%u\nPPid:\t%u\n"
		   "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
		   "FDSize:\t32\nGroups:\t\n",
		   comm, e->stat[0], e->stat[0] == 'R' ? "running" : "sleeping", e->pid, e->pid,
		   e->ppid, uid, uid, uid, uid, uid, uid, uid, uid);
	if (!e->kthread && e->vsz)
		buf_printf(b,
			   "VmPeak:\t%8u kB\nVmSize:\t%8u kB\nVmLck:\t       0 kB\n"
			   "VmHWM:\t%8u kB\nVmRSS:\t%8u kB\nVmData:\t%8u kB\n"
			   "VmStk:\t     136 kB\nVmExe:\t%8u kB\nVmLib:\t%8u kB\n",
			   e->vsz, e->vsz, e->vsz / 3, e->vsz / 3, e->vsz / 6, e->vsz / 2,
			   e->vsz / 4);
	buf_printf(b,
		   "Threads:\t1\nSigQ:\t0/%u\nSigPnd:\t0000000000000000\n"
		   "ShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\n"
		   "SigIgn:\t%s\nSigCgt:\t%s\n"
		   "CapInh:\t0000000000000000\nCapPrm:\tffffffffffffffff\n"
		   "CapEff:\tffffffffffffffff\n"
		   "voluntary_ctxt_switches:\t%u\nnonvoluntary_ctxt_switches:\t%u\n",
		   ap_mix(e->pid) % 200 + 100, e->kthread ? "ffffffffffffffff" : "0000000000000000",
		   e->kthread ? "0000000000000000" : "0000000000014003", ap_mix(e->pid ^ 7) % 5000,
		   ap_mix(e->pid ^ 9) % 40);
}

static void gen_pstat(struct sh *sh, const struct procfs_proc *e, struct buf *b)
{
	char comm[16];
	int64_t up = procfs_uptime(sh);
	bool mine = e->pid == sh->pid || e->ppid == sh->pid;
	unsigned long start = e->pid < 400 ? e->pid : (unsigned long)(up * 100) / 2;
	unsigned pgrp = mine ? (unsigned)sh->pid : (unsigned)e->pid;

	comm_of(e->cmd, comm);
	buf_printf(b, "%u (%s) %c %u %u %u %u %d %u %u 0 %u 0 %u %u 0 0 20 0 1 0 %lu %lu %u ",
		   (unsigned)e->pid, comm, e->stat[0], (unsigned)e->ppid, pgrp, pgrp,
		   mine ? 34816u : 0u, mine ? (int)procfs_self(sh) : -1,
		   e->kthread ? 2149613632u : 4194560u, ap_mix(e->pid) % 300,
		   ap_mix(e->pid ^ 1) % 9, ap_mix(e->pid ^ 3) % 20, ap_mix(e->pid ^ 5) % 40, start,
		   (unsigned long)e->vsz * 1024, e->vsz / 4);
	buf_printf(b, "4294967295 %u 0 2147483280 0 0 0 0 %s 0 0 0 17 0 0 0 0 0 0\n",
		   e->kthread ? 0u : 4194304u, e->kthread ? "2147483647" : "0");
}

/* The maps of a BusyBox process (uClibc, dynamically linked on these
 * firmwares): the binary, ld and libc, heap and stack. */
static void gen_maps(struct sh *sh, const struct procfs_proc *e, struct buf *b)
{
	unsigned long text = 0x00400000ul,
		      tlen = ((unsigned long)sh->p->busybox_len + 4095) & ~4095ul;
	unsigned long heap = text + tlen + 0x10000ul + (ap_mix(e->pid) % 64) * 4096;
	unsigned long lib = 0x2aaa8000ul + (ap_mix(e->pid ^ 0x11u) % 16) * 0x1000;
	unsigned ino = 100 + ap_mix(sh->p->pid_next) % 300;

	if (e->kthread)
		return;
	buf_printf(b, "%08lx-%08lx r-xp 00000000 1f:02 %-10u /bin/busybox\n", text, text + tlen,
		   ino);
	buf_printf(b, "%08lx-%08lx rw-p %08lx 1f:02 %-10u /bin/busybox\n", text + tlen + 0x10000ul,
		   text + tlen + 0x11000ul, tlen, ino);
	buf_printf(b, "%08lx-%08lx rwxp 00000000 00:00 0          [heap]\n", heap,
		   heap + 0x21000ul);
	buf_printf(b, "%08lx-%08lx r-xp 00000000 1f:02 %-10u /lib/ld-uClibc.so.0\n", lib,
		   lib + 0x6000ul, ino + 41);
	buf_printf(b, "%08lx-%08lx r-xp 00000000 1f:02 %-10u /lib/libc.so.0\n", lib + 0x40000ul,
		   lib + 0xa9000ul, ino + 44);
	buf_printf(b, "%08lx-%08lx rw-p 00000000 00:00 0          [stack]\n", 0x7fe9b000ul,
		   0x7feb0000ul);
}

static int gen_pid(struct sh *sh, const char *rp, struct buf *b)
{
	struct procfs_proc e;
	const char *rest;

	if (procfs_proc_at(sh, rp, &e, &rest))
		return -ENOENT;
	if (!strcmp(rest, "cmdline"))
		gen_cmdline(e.cmd, b, e.kthread);
	else if (!strcmp(rest, "comm")) {
		char comm[16];

		comm_of(e.cmd, comm);
		buf_printf(b, "%s\n", comm);
	} else if (!strcmp(rest, "status"))
		gen_status(sh, &e, b);
	else if (!strcmp(rest, "stat"))
		gen_pstat(sh, &e, b);
	else if (!strcmp(rest, "maps"))
		gen_maps(sh, &e, b);
	else
		return 1;
	return 0;
}

int procfs_read(struct sh *sh, const char *abs, const uint8_t **d, size_t *n, struct buf *tmp)
{
	char rp[CAP_PATH];
	int rc = vfs_resolve(sh->fs, abs, true, rp, sizeof rp);

	if (rc || strncmp(rp, "/proc/", 6))
		return 1; /* not here: the file system reads it */
	buf_reset(tmp);
	if (!strcmp(rp, "/proc/loadavg")) {
		unsigned l[3];

		procfs_load(sh, l);
		buf_printf(tmp, "%u.%02u %u.%02u %u.%02u %u/%u %u\n", l[0] / 100, l[0] % 100,
			   l[1] / 100, l[1] % 100, l[2] / 100, l[2] % 100, 1u,
			   (unsigned)(sh->p->nprocs + 2), (unsigned)(sh->next_pid - 1));
	} else if (!strcmp(rp, "/proc/uptime")) {
		int64_t up = procfs_uptime(sh);
		uint32_t key = ap_mix((uint32_t)up ^ sh->p->pid_next);

		buf_printf(tmp, "%lld.%02u %lld.%02u\n", (long long)up, key % 100,
			   (long long)(up * 96 / 100), (key >> 8) % 100);
	} else if (!strcmp(rp, "/proc/meminfo")) {
		gen_meminfo(sh, tmp);
	} else if (!strcmp(rp, "/proc/stat")) {
		gen_stat(sh, tmp);
	} else if (!strcmp(rp, "/proc/net/tcp")) {
		gen_net_tcp(sh, tmp);
	} else if (!strcmp(rp, "/proc/sys/kernel/hostname")) {
		buf_printf(tmp, "%s\n", sh->p->hostname ? sh->p->hostname : "");
	} else if (!strcmp(rp, "/proc/sys/kernel/osrelease")) {
		buf_printf(tmp, "%s\n", sh->p->uname_r ? sh->p->uname_r : "");
	} else if (rp[6] >= '1' && rp[6] <= '9') {
		rc = gen_pid(sh, rp, tmp);
		if (rc)
			return rc;
	} else {
		return 1; /* cpuinfo, version, mounts, ...: the image's */
	}
	*d = (const uint8_t *)(tmp->p ? tmp->p : "");
	*n = tmp->len;
	return 0;
}
