/* fuzz_sh.c — libFuzzer target for the emulated shell.
 *
 * The input is fed line by line (split at '\n') to an interactive shell
 * over a persona built here (no files needed), then whole to sh_inject().
 * When the first byte has bit 2 set the host fetches: a line that waits
 * for a download is resumed after the next line (queued meanwhile) with a
 * success or one of the failures, picked and filled from the input.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/common
 *        -Isrc/decoy src/common/buf.c src/decoy/sh/\*.c tests/fuzz/fuzz_sh.c
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "persona/persona.h"
#include "sh/sh.h"

static const char mounts[] = "rootfs / rootfs rw 0 0\n"
			     "/dev/root / squashfs ro 0 0\n"
			     "proc /proc proc rw 0 0\n"
			     "tmpfs /dev tmpfs rw 0 0\n"
			     "tmpfs /var tmpfs rw 0 0\n";
static char *applets[] = {"basename", "cat", "chmod", "cp",    "cut",  "dd",   "dirname", "echo",
			  "expr",     "ftpget", "grep", "head", "ls",   "mkdir", "mv",   "ps",  "rm",  "sed",
			  "seq",      "sh",  "sleep", "sort", "su",  "tftp", "tr",   "uniq", "wc",  "wget",
			  "which"};
static char *procs[] = {"root      1524 S    init", "root         0 SW   [kthreadd]",
			"root      1520 S    telnetd"};
static struct persona_file files[4];
static struct persona_clicmd cli[2];
static uint8_t elf[120] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
static struct persona p;

static void pstr(struct pstr *s, const char *v)
{
	s->p = (char *)v;
	s->n = strlen(v);
}

static void init_persona(void)
{
	p.name = "fuzz";
	p.hostname = "fuzz";
	pstr(&p.prompt_root, "%h:%w# ");
	pstr(&p.prompt_user, "$ ");
	pstr(&p.cli_prompt, "ATP>");
	pstr(&p.cli_unknown, "Command failed.\n");
	cli[0].name = "shell";
	cli[0].action = CLI_SHELL;
	cli[1].name = "quit";
	cli[1].action = CLI_EXIT;
	p.clicmds = cli;
	p.nclicmds = 2;
	p.busybox_version = "v1.16.1";
	p.applets = applets;
	p.napplets = sizeof applets / sizeof applets[0];
	p.procs = procs;
	p.nprocs = 3;
	p.su_password = "pw";
	files[0].path = "/etc/passwd";
	pstr(&files[0].data, "root:x:0:0::/:/bin/sh\n");
	files[0].mode = S_IFREG | 0644;
	files[1].path = "/proc/mounts";
	pstr(&files[1].data, mounts);
	files[1].mode = S_IFREG | 0444;
	files[2].path = "/tmp";
	files[2].mode = S_IFLNK | 0777;
	files[2].target = "/var/tmp";
	files[3].path = "/var/loop";
	files[3].mode = S_IFLNK | 0777;
	files[3].target = "/var/loop";
	p.files = files;
	p.nfiles = 4;
	elf[18] = 8;
	p.busybox = elf;
	p.busybox_len = sizeof elf;
	p.elf.ei_data = 1;
	p.elf.e_machine = 8;
	p.boot_time = 1000;
	p.pid_base = 300;
}

static void h_out(void *ctx, const void *d, size_t n)
{
	(void)ctx;
	(void)d;
	(void)n;
}

static void h_pause(void *ctx, unsigned ms)
{
	(void)ctx;
	(void)ms;
}

static void h_event(void *ctx, enum sh_event ev, const struct sh_event_info *i)
{
	volatile size_t sink = 0;

	(void)ctx;
	(void)ev;
	if (i->input)
		sink += i->input_len ? (unsigned char)i->input[i->input_len - 1] : 0;
	if (i->data && i->len)
		sink += i->data[i->len - 1];
	if (i->url)
		sink += strlen(i->url);
	if (i->outfile)
		sink += strlen(i->outfile);
	(void)sink;
}

static int64_t h_now(void *ctx)
{
	(void)ctx;
	return 100000;
}

static int h_fetch(void *ctx, const struct sh_event_info *i)
{
	(void)ctx;
	return i->url && strlen(i->url) % 4 != 3; /* some are refused */
}

static const char *const reasons[] = {"dns",	    "connect",	 "http_status", "timeout",
				      "tftp_error", "ftp_error", "truncated",	"policy"};

/* Ends the shell's wait with a result taken from [p, p+n). */
static void finish(struct sh *sh, const uint8_t *p, size_t n)
{
	struct sh_fetch_result r;

	memset(&r, 0, sizeof r);
	r.ok = n > 0 && (p[0] & 1);
	r.data = p;
	r.len = n;
	r.reason = reasons[n ? p[n - 1] % 8 : 0];
	r.detail = n > 1 && (p[1] & 1) ? "Connection refused" : NULL;
	r.status_line = "HTTP/1.1 404 Not Found";
	r.ftp_cmd = n > 2 && (p[2] & 1) ? "USER" : NULL;
	r.code = (int)n;
	r.peer_ip = n > 3 && (p[3] & 1) ? "127.0.0.1" : "";
	r.connected = n > 4 && (p[4] & 1);
	r.ms = (unsigned)n * 100;
	sh_fetch_done(sh, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct sh_host h = {NULL, h_out, h_pause, h_event, h_now, NULL,
			    NULL, NULL,	 NULL,	  NULL,	   NULL};
	struct sh *sh;
	size_t s = 0, i;

	if (!p.name)
		init_persona();
	if (n > 0 && (d[0] & 4))
		h.fetch = h_fetch;
	/* the first byte picks the CLI persona or plain ash, root or not */
	p.cli = n > 0 && (d[0] & 1);
	sh = sh_new(&p, &h, n > 0 && (d[0] & 2));
	if (!sh)
		return 0;
	sh_start(sh);
	for (i = 0; i <= n; i++) {
		if (i == n || d[i] == '\n') {
			if (sh_mode(sh) == SH_MODE_DONE)
				break;
			if (sh_waiting(sh) && (d[s % n] & 8))
				finish(sh, d + s, i - s);
			sh_line(sh, (const char *)d + s, i - s);
			s = i + 1;
		}
	}
	if (sh_waiting(sh) && n > 1 && (d[1] & 1))
		finish(sh, d, n);
	sh_inject(sh, (const char *)d, n);
	/* a door's download arriving later */
	sh_fetch_store(sh, n > 2 && (d[2] & 1) ? "/var/tmp/f" : "/var/f", d, n);
	sh_end(sh);
	sh_free(sh);
	return 0;
}
