/* ap_system.c — system information: free, mount, df, uname, hostname, id,
 * whoami, uptime, date, sleep, which and env, from the persona's data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh/applet.h"

static unsigned long meminfo(struct sh *sh, const char *key, unsigned long def)
{
	const struct persona_file *f = NULL;
	const uint8_t *d;
	size_t n, kl = strlen(key);
	const char *s, *end;

	(void)f;
	if (vfs_read(sh->fs, "/proc/meminfo", &d, &n))
		return def;
	s = (const char *)d;
	end = s + n;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));

		if (!eol)
			eol = end;
		if ((size_t)(eol - s) > kl + 1 && memcmp(s, key, kl) == 0 && s[kl] == ':') {
			char num[24];
			size_t k = 0;
			const char *q = s + kl + 1;

			while (q < eol && *q == ' ')
				q++;
			while (q < eol && *q >= '0' && *q <= '9' && k < sizeof num - 1)
				num[k++] = *q++;
			num[k] = '\0';
			if (k)
				return strtoul(num, NULL, 10);
		}
		s = eol + 1;
	}
	return def;
}

int ap_free(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned long total, fr, bufs, cached;
	unsigned long st = meminfo(sh, "SwapTotal", 0);
	unsigned long sf = meminfo(sh, "SwapFree", 0);

	if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "-k") != 0)
		return ap_usage(sh, io, "free");
	procfs_mem(sh, &total, &fr, &bufs, &cached); /* as /proc/meminfo says now */
	if (fr > total)
		fr = total;
	if (sf > st)
		sf = st;
	sh_printf(sh, io, 1, "%6s%13s%13s%13s%13s%13s\n", "", "total", "used", "free", "shared",
		  "buffers");
	sh_printf(sh, io, 1, "%6s%13lu%13lu%13lu%13lu%13lu\n", "Mem:", total, total - fr, fr, 0ul,
		  bufs);
	sh_printf(sh, io, 1, "%6s%13lu%13lu%13lu\n", "Swap:", st, st - sf, sf);
	sh_printf(sh, io, 1, "%6s%13lu%13lu%13lu\n", "Total:", total + st, (total - fr) + (st - sf),
		  fr + sf);
	return 0;
}

int ap_mount(struct sh *sh, struct io *io, int argc, char **argv)
{
	const uint8_t *d;
	size_t n;

	if (argc > 2) {
		ap_err(sh, io, "mount", "mounting %s on %s failed: %s", argv[argc - 2],
		       argv[argc - 1], "No such device");
		return 255;
	}
	if (argc == 2 && argv[1][0] != '-') {
		ap_err(sh, io, "mount", "can't find %s in /etc/fstab", argv[1]);
		return 255;
	}
	if (vfs_read(sh->fs, "/proc/mounts", &d, &n) == 0)
		sh_write(sh, io, 1, d, n);
	return 0;
}

/* One df column of KIB kilobytes: "%lu" for 1K blocks, megabytes rounded
 * for -m, and for -h libbb's make_human_readable_str(bytes, 1024, 0):
 * divided by 1024 while >= 1024, one rounded tenth, "N.FU" ("0" alone). */
static void df_num(struct sh *sh, struct io *io, char unit, const char *pre, unsigned long kib)
{
	char s[32];

	if (unit == 'm') {
		snprintf(s, sizeof s, "%lu", (kib + 512) / 1024);
	} else if (unit == 'h' && kib) {
		static const char units[] = "KMGTPE";
		unsigned long long v = kib;
		unsigned frac = 0, u = 0;

		while (v >= 1024 && u + 1 < sizeof units - 1) {
			frac = (unsigned)(((v % 1024) * 10 + 512) / 1024);
			v /= 1024;
			u++;
		}
		if (frac >= 10) {
			v++;
			frac = 0;
		}
		snprintf(s, sizeof s, "%llu.%u%c", v, frac, units[u]);
	} else {
		snprintf(s, sizeof s, "%lu", kib);
	}
	sh_printf(sh, io, 1, "%s%9s", pre, s);
}

int ap_df(struct sh *sh, struct io *io, int argc, char **argv)
{
	const uint8_t *d;
	size_t n;
	const char *s, *end;
	unsigned long memk = meminfo(sh, "MemTotal", 27756);

	char unit = 'k'; /* k, h (-h) or m (-m): the last one wins */
	int a;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-')
			continue;
		for (o++; *o; o++)
			if (*o == 'h' || *o == 'm' || *o == 'k')
				unit = *o;
	}
	/* df.c's header: "Filesystem           %-15sUsed ..." with "     Size"
	 * for -h, "1M-blocks" for -m and, for 1K blocks, "1k-blocks" in 1_9_1
	 * (df.c:46) but "1K-blocks" from 1_16_1 (make_human_readable_str) */
	sh_printf(sh, io, 1, "Filesystem           %-15sUsed Available Use%% Mounted on\n",
		  unit == 'h'		 ? "     Size"
		  : unit == 'm'		 ? "1M-blocks"
		  : ap_bb_minor(sh) < 16 ? "1k-blocks"
					 : "1K-blocks");
	if (vfs_read(sh->fs, "/proc/mounts", &d, &n))
		return 0;
	s = (const char *)d;
	end = s + n;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		char dev[64], mnt[CAP_PATH], type[32], opts[128];
		unsigned long tot, used, own;
		int k;

		if (!eol)
			eol = end;
		{
			const char *q = s;
			char *outs[4] = {dev, mnt, type, opts};
			size_t caps[4] = {sizeof dev, sizeof mnt, sizeof type, sizeof opts};

			for (k = 0; k < 4; k++) {
				size_t m = 0;

				while (q < eol && *q == ' ')
					q++;
				while (q < eol && *q != ' ') {
					if (m < caps[k] - 1)
						outs[k][m++] = *q;
					q++;
				}
				outs[k][m] = '\0';
			}
		}
		s = eol + 1;
		if (!type[0] || strcmp(type, "rootfs") == 0 || strcmp(type, "proc") == 0 ||
		    strcmp(type, "sysfs") == 0 || strcmp(type, "devpts") == 0 ||
		    strcmp(type, "usbfs") == 0 || strcmp(type, "debugfs") == 0)
			continue;
		/* BusyBox df leaves out what has no blocks (ramfs) unless -a */
		if (strcmp(type, "ramfs") == 0)
			continue;
		own = (unsigned long)(vfs_mount_bytes(sh->fs, mnt) / 1024);
		if (strcmp(type, "tmpfs") == 0) {
			const char *sz = strstr(opts, "size=");

			tot = memk / 2; /* the kernel's default: half the RAM */
			if (sz) {
				char *e;

				tot = strtoul(sz + 5, &e, 10);
				tot = *e == 'k'	  ? tot
				      : *e == 'm' ? tot * 1024
				      : *e == 'g' ? tot << 20
						  : tot / 1024;
			}
			used =
			    (strcmp(mnt, "/dev") == 0 ? 0 : 4 + (ap_mix((uint32_t)tot) % 64)) + own;
			if (used > tot)
				used = tot;
		} else {
			tot = 2048 +
			      ap_mix((uint32_t)(sh->p->pid_base + (uint32_t)strlen(mnt))) % 6144;
			used = strcmp(type, "squashfs") == 0 || strcmp(type, "cramfs") == 0
				   ? tot
				   : tot / 3 + own;
			if (used > tot)
				used = tot;
		}
		if (strlen(dev) > 20)
			sh_printf(sh, io, 1, "%s\n%20s", dev, "");
		else
			sh_printf(sh, io, 1, "%-20s", dev);
		df_num(sh, io, unit, " ", tot);
		df_num(sh, io, unit, " ", used);
		df_num(sh, io, unit, " ", tot - used);
		sh_printf(sh, io, 1, " %3lu%% %s\n", tot ? (used * 100 + tot - 1) / tot : 0, mnt);
	}
	return 0;
}

int ap_uname(struct sh *sh, struct io *io, int argc, char **argv)
{
	const struct persona *p = sh->p;
	unsigned which = 0;
	const char *vals[8];
	int a, i;
	bool first = true;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-') {
			ap_err(sh, io, "uname", "invalid option -- '%c'", o[0]);
			return ap_usage(sh, io, "uname");
		}
		for (o++; *o; o++) {
			const char *opts = "snrvmpio";
			const char *f = strchr(opts, *o);

			if (*o == 'a')
				which |= 0x1f | 0x100;
			else if (f)
				which |= 1u << (f - opts);
			else {
				ap_err(sh, io, "uname", "invalid option -- '%c'", *o);
				return ap_usage(sh, io, "uname");
			}
		}
	}
	if (!which)
		which = 1;
	vals[0] = p->uname_s ? p->uname_s : "Linux";
	vals[1] = p->hostname ? p->hostname : "localhost";
	vals[2] = p->uname_r ? p->uname_r : "";
	vals[3] = p->uname_v ? p->uname_v : "";
	vals[4] = p->uname_m ? p->uname_m : "";
	vals[5] = "unknown";
	vals[6] = "unknown";
	vals[7] = "GNU/Linux"; /* -o: a constant in uname.c */
	for (i = 0; i < 8; i++) {
		if (!(which & (1u << i)))
			continue;
		sh_printf(sh, io, 1, "%s%s", first ? "" : " ", vals[i]);
		first = false;
	}
	if (which & 0x100)
		sh_puts(sh, io, 1, ap_bb_minor(sh) >= 18 ? " GNU/Linux" : " unknown");
	sh_puts(sh, io, 1, "\n");
	return 0;
}

int ap_hostname(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_printf(sh, io, 1, "%s\n", sh->p->hostname ? sh->p->hostname : "localhost");
	return 0;
}

int ap_id(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool root = sh_is_root(sh);

	if (argc > 1 && strcmp(argv[1], "-u") == 0) {
		sh_puts(sh, io, 1, root ? "0\n" : "1000\n");
		return 0;
	}
	if (root)
		sh_puts(sh, io, 1, "uid=0(root) gid=0(root)\n");
	else
		sh_printf(sh, io, 1, "uid=1000(%s) gid=1000(%s)\n", sh->user, sh->user);
	return 0;
}

int ap_whoami(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_printf(sh, io, 1, "%s\n", sh_is_root(sh) ? "root" : sh->user);
	return 0;
}

int ap_uptime(struct sh *sh, struct io *io, int argc, char **argv)
{
	int64_t now = procfs_now(sh);
	int64_t up = procfs_uptime(sh);
	unsigned long days, hrs, mins;
	unsigned l[3];
	time_t t = (time_t)now;
	struct tm tm;

	(void)argc, (void)argv;
	if (up < 0)
		up = 0;
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	days = (unsigned long)(up / 86400);
	hrs = (unsigned long)(up / 3600 % 24);
	mins = (unsigned long)(up / 60 % 60);
	sh_printf(sh, io, 1, " %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (days)
		sh_printf(sh, io, 1, "%lu day%s, ", days, days == 1 ? "" : "s");
	if (hrs)
		sh_printf(sh, io, 1, "%2lu:%02lu, ", hrs, mins);
	else
		sh_printf(sh, io, 1, "%lu min, ", mins);
	procfs_load(sh, l);
	sh_printf(sh, io, 1, "load average: %u.%02u, %u.%02u, %u.%02u\n", l[0] / 100, l[0] % 100,
		  l[1] / 100, l[1] % 100, l[2] / 100, l[2] % 100);
	return 0;
}

int ap_date(struct sh *sh, struct io *io, int argc, char **argv)
{
	time_t t = sh->host.now ? (time_t)sh->host.now(sh->host.ctx) : 0;
	struct tm tm;
	char s[64];

	(void)argc, (void)argv;
	if (!gmtime_r(&t, &tm) || !strftime(s, sizeof s, "%a %b %e %H:%M:%S UTC %Y", &tm))
		return 1;
	sh_printf(sh, io, 1, "%s\n", s);
	return 0;
}

int ap_sleep(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned long sec = 0, ms = 0;
	char *end;

	if (argc < 2)
		return ap_usage(sh, io, "sleep");
	errno = 0;
	sec = strtoul(argv[1], &end, 10);
	if (end == argv[1] || errno) {
		ap_err(sh, io, "sleep", "invalid number '%s'", argv[1]);
		return 1;
	}
	if (*end == '.') {
		unsigned long scale = 100;

		for (end++; *end >= '0' && *end <= '9'; end++) {
			ms += (unsigned long)(*end - '0') * scale;
			scale /= 10;
		}
	}
	if (*end) {
		ap_err(sh, io, "sleep", "invalid number '%s'", argv[1]);
		return 1;
	}
	if (sec > CAP_SLEEP_MS / 1000)
		sec = CAP_SLEEP_MS / 1000, ms = 0;
	if (sh->host.pause && !sh->inject && (sec || ms))
		sh->host.pause(sh->host.ctx, (unsigned)(sec * 1000 + ms));
	return 0;
}

/* BusyBox netstat of the device's TCP sockets (procfs_tcp): connected
 * ones, -l listening, -a both; numeric (these images have no
 * /etc/services). UDP, raw and unix sockets: the headers only. */
int ap_netstat(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct procfs_sock so[8];
	bool all = false, lst = false, tcp = false, other = false;
	size_t i, n;
	int a;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-' || !o[1])
			return ap_usage(sh, io, "netstat");
		for (o++; *o; o++) {
			if (*o == 'a')
				all = true;
			else if (*o == 'l')
				lst = true;
			else if (*o == 't')
				tcp = true;
			else if (strchr("uwx", *o))
				other = true;
			else if (!strchr("enWp", *o)) {
				sh_printf(sh, io, 2, "netstat: invalid option -- '%c'\n", *o);
				return ap_usage(sh, io, "netstat");
			}
		}
	}
	if (tcp || !other) {
		sh_printf(sh, io, 1, "Active Internet connections %s\n",
			  all	? "(servers and established)"
			  : lst ? "(only servers)"
				: "(w/o servers)");
		sh_puts(sh, io, 1,
			"Proto Recv-Q Send-Q Local Address           Foreign Address         "
			"State       \n");
		n = procfs_tcp(sh, so, sizeof so / sizeof so[0]);
		for (i = 0; i < n; i++) {
			char la[48], ra[48];
			bool listen = so[i].state == 0x0a;

			if (!all && listen != lst)
				continue;
			snprintf(la, sizeof la, "%s:%u", so[i].local, so[i].lport);
			if (listen)
				snprintf(ra, sizeof ra, "%s:*", so[i].peer);
			else
				snprintf(ra, sizeof ra, "%s:%u", so[i].peer, so[i].pport);
			sh_printf(sh, io, 1, "%-5s %6ld %6ld %-23s %-23s %-12s\n", "tcp", 0L, 0L,
				  la, ra, listen ? "LISTEN" : "ESTABLISHED");
		}
	}
	if (!tcp && !other)
		sh_printf(sh, io, 1,
			  "Active UNIX domain sockets %s\n"
			  "Proto RefCnt Flags       Type       State         I-Node Path\n",
			  all	? "(servers and established)"
			  : lst ? "(only servers)"
				: "(w/o servers)");
	return 0;
}

/* ash's umask: prints 0022, -S as u=rwx,g=rx,o=rx, sets an octal mask or
 * a symbolic one (u=rwx,g=rx,o=: what is granted). */
int ap_umask(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned cur = vfs_umask(sh->fs, 0), m = 0;
	bool sym = argc > 1 && strcmp(argv[1], "-S") == 0;
	const char *arg = argc > 1 + (int)sym ? argv[1 + (int)sym] : NULL;

	vfs_umask(sh->fs, cur);
	if (!arg) {
		if (sym) {
			static const char *const who[] = {"u=", ",g=", ",o="};
			int k;

			for (k = 0; k < 3; k++) {
				unsigned g = ~cur >> (6 - 3 * k) & 7;

				sh_printf(sh, io, 1, "%s%s%s%s", who[k], g & 4 ? "r" : "",
					  g & 2 ? "w" : "", g & 1 ? "x" : "");
			}
			sh_puts(sh, io, 1, "\n");
		} else {
			sh_printf(sh, io, 1, "%04o\n", cur);
		}
		return 0;
	}
	if (arg[0] >= '0' && arg[0] <= '7') {
		const char *s;

		for (s = arg; *s >= '0' && *s <= '7' && m <= 0777; s++)
			m = m * 8 + (unsigned)(*s - '0');
		if (*s || m > 0777) {
			sh_err(sh, io, "umask: illegal mode: %s", arg);
			return 2;
		}
	} else {
		/* u=rwx,g=rx,o= : the bits named are granted, the rest masked */
		const char *s = arg;
		unsigned grant = ~cur & 0777;

		while (*s) {
			unsigned who = 0, perm = 0;

			for (; *s && strchr("ugoa", *s); s++)
				who |= *s == 'u'   ? 0700u
				       : *s == 'g' ? 070u
				       : *s == 'o' ? 07u
						   : 0777u;
			if (*s != '=' || !who) {
				sh_err(sh, io, "umask: illegal mode: %s", arg);
				return 2;
			}
			for (s++; *s && strchr("rwx", *s); s++)
				perm |= *s == 'r' ? 0444u : *s == 'w' ? 0222u : 0111u;
			grant = (grant & ~who) | (perm & who);
			if (*s == ',')
				s++;
			else if (*s) {
				sh_err(sh, io, "umask: illegal mode: %s", arg);
				return 2;
			}
		}
		m = ~grant & 0777;
	}
	vfs_umask(sh->fs, m);
	return 0;
}

void sh_exec_cost(struct sh *sh)
{
	uint32_t r;
	unsigned ms;

	if (!sh->host.pause || sh->inject || !sh->p->exec_ms)
		return;
	r = ap_mix(sh->next_pid ^ (uint32_t)sh->out_used ^ sh->steps * 0x9e3779b9u ^
		   (uint32_t)(sh->host.now ? sh->host.now(sh->host.ctx) : 0));
	ms = sh->p->exec_ms * (70 + r % 91) / 100;
	sh->host.pause(sh->host.ctx, ms ? ms : 1);
}

bool ap_find_path(struct sh *sh, const char *name, char *out, size_t outsz)
{
	static const char *const dirs[] = {"/sbin", "/usr/sbin", "/bin", "/usr/bin"};
	char abs[CAP_PATH];
	struct vfs_stat st;
	size_t i;

	if (strchr(name, '/')) {
		if (sh_path(sh, name, abs, sizeof abs) || vfs_stat(sh->fs, abs, &st) ||
		    st.type != VFS_FILE || !(st.mode & 0111))
			return false;
		snprintf(out, outsz, "%s", name);
		return true;
	}
	for (i = 0; i < 4; i++) {
		snprintf(abs, sizeof abs, "%s/%s", dirs[i], name);
		if (vfs_stat(sh->fs, abs, &st) == 0 && st.type == VFS_FILE && (st.mode & 0111)) {
			snprintf(out, outsz, "%s", abs);
			return true;
		}
	}
	return false;
}

int ap_which(struct sh *sh, struct io *io, int argc, char **argv)
{
	int a, s = 0;

	if (argc < 2)
		return ap_usage(sh, io, "which");
	for (a = 1; a < argc; a++) {
		char abs[CAP_PATH];

		if (ap_find_path(sh, argv[a], abs, sizeof abs))
			sh_printf(sh, io, 1, "%s\n", abs);
		else
			s = 1;
	}
	return s;
}

int ap_env(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned b;
	int i;

	(void)argc, (void)argv;
	/* the environment ash hands a command: listvars() walks its 39 hash
	 * chains (hashvar(): first byte << 4 plus every byte of the name),
	 * each newest first (setvareq() pushes a new variable at the head) */
	for (b = 0; b < 39; b++)
		for (i = sh->nvars - 1; i >= 0; i--) {
			const unsigned char *c = (const unsigned char *)sh->vars[i].name;
			unsigned h = (unsigned)c[0] << 4;

			if (!sh->vars[i].exported)
				continue;
			while (*c)
				h += *c++;
			if (h % 39 == b)
				sh_printf(sh, io, 1, "%s=%s\n", sh->vars[i].name, sh->vars[i].val);
		}
	return 0;
}
