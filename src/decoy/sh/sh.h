/* sh.h — the emulated BusyBox shell (and the vendor CLI in front of it).
 *
 * Nothing is ever executed: every command is interpreted here against a
 * per-session in-memory file system layered over the persona's read-only
 * image. The shell knows nothing about sockets or telnet: it is fed one
 * line at a time and talks back through a struct sh_host.
 *
 * Output uses '\n' line ends; the telnet engine turns them into "\r\n" as a
 * pty would. The shell prints its own prompts (and the CLI's), so after
 * sh_start() and after every sh_line() the terminal shows what a real
 * device would show.
 *
 * Ownership: sh_new() returns a shell the caller frees with sh_free(),
 * which releases its file system too. Data passed to host callbacks is only
 * valid during the call.
 */
#ifndef TANUKI_SH_H
#define TANUKI_SH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct persona;
struct sh;
struct vfs_pool;

enum sh_event {
	SH_EV_COMMAND,	/* a line was entered:  input */
	SH_EV_NOTFOUND, /* a command was not found: input (the word) */
	SH_EV_FETCH,	/* a download was asked for: applet, url, outfile */
	SH_EV_CAPTURE,	/* a file the session built: outfile, data, len, reason */
	SH_EV_SU,	/* su tried: input = password, status 0 ok */
	SH_EV_EMULATED, /* a captured binary "ran": outfile, cls, family,
			 * machine, input = what it printed (sh/ap_run.c) */
};

struct sh_event_info {
	const char *input; /* attacker bytes, not NUL-safe: use input_len */
	size_t input_len;
	const char *applet;  /* "wget", "tftp", "curl", "ftpget" */
	const char *url;     /* normalised request, e.g. http://h:p/path or tftp://h/file */
	const char *outfile; /* absolute path in the emulated fs */
	const uint8_t *data;
	size_t len;
	const char *reason; /* capture: "exec", "chmod", "close", "session_end" */
	int status;
	const char *user, *pass;  /* fetch: FTP login given (ftpget -u/-p), or NULL */
	const char *cls, *family; /* emulated: binid class and family guess */
	unsigned machine;	  /* emulated: the binary's e_machine */
};

/* How a download the shell waited for ended (see sh_host.fetch). */
struct sh_fetch_result {
	bool ok;
	const uint8_t *data; /* ok: the file (valid during sh_fetch_done) */
	size_t len;
	const char *reason;	 /* failed: the fetcher's reason ("dns", "connect",
				  * "http_status", "timeout", "tftp_error", ...) */
	const char *detail;	 /* strerror text or server message, or NULL */
	const char *status_line; /* http_status: the server's first line */
	const char *ftp_cmd;	 /* ftp_error: the command refused ("USER") */
	int code;		 /* HTTP status, TFTP error, FTP reply code */
	const char *peer_ip;	 /* the address connected to, "" if none */
	bool connected;		 /* a TCP connection was made */
	unsigned ms;		 /* how long it took */
};

struct sh_host {
	void *ctx;
	/* Terminal output. */
	void (*out)(void *ctx, const void *p, size_t n);
	/* Hold back everything written after this for ms milliseconds. */
	void (*pause)(void *ctx, unsigned ms);
	void (*event)(void *ctx, enum sh_event ev, const struct sh_event_info *i);
	/* Wall clock for `date`, file times and uptime (tests inject it). */
	int64_t (*now)(void *ctx);
	/* Optional: terminal output of bytes that stay valid and unchanged
	 * for the shell's life (the persona image), queued without a copy. */
	void (*out_ref)(void *ctx, const void *p, size_t n);
	/* Optional: starts a download the shell waits for (applet, url,
	 * outfile, user, pass as in SH_EV_FETCH; the host logs the request).
	 * Returns 1 when started: the host calls sh_fetch_done() later, never
	 * from inside this call. Returns 0 when it was refused or fetching is
	 * off: the shell goes on at once and prints the applet's failure.
	 * In sh_inject() the shell never waits: 1 means the host puts the
	 * file in place itself (sh_fetch_store) and the applet succeeds. */
	int (*fetch)(void *ctx, const struct sh_event_info *i);
	/* Optional: the pool whose caps bound this shell's file system and
	 * whose total it counts in (sh/vfs.h); NULL: sh_fs_default(). */
	struct vfs_pool *fs;
	/* Optional: the session's memory account (common/acct.h), charged for
	 * the shell's working memory — argument lists, parser arrays,
	 * redirection and substitution buffers, queued lines. At its cap the
	 * command fails with "out of memory" as ash does. NULL: a private
	 * account of CAP_MEM_SESSION bytes. */
	struct acct *mem;
	/* Optional: the download the shell waits for is abandoned (Ctrl-C):
	 * sh_fetch_done() must not be called for it. */
	void (*fetch_cancel)(void *ctx);
	/* Optional: a command's output, which the host may cut when its
	 * queue is full (prompts and echoes go through out). NULL: out. */
	void (*out_cut)(void *ctx, const void *p, size_t n);
};

enum sh_mode {
	SH_MODE_CLI,	  /* vendor CLI prompt (e.g. ATP>) */
	SH_MODE_SHELL,	  /* BusyBox ash */
	SH_MODE_PASSWORD, /* waiting for su's password: do not echo */
	SH_MODE_DONE,	  /* the user left: close the session */
};

/* The pool of shells whose host names none: CAP_FS_SESSION and
 * CAP_FS_TOTAL until sh_fs_limits() sets the config's fs_kb and
 * fs_total_kb (once, before the first shell). */
struct vfs_pool *sh_fs_default(void);
void sh_fs_limits(size_t session_bytes, size_t total_bytes);

/* `root` selects the root or user prompt of the credential that logged in.
 * Returns NULL on allocation failure. */
struct sh *sh_new(const struct persona *p, const struct sh_host *host, bool root);
void sh_free(struct sh *sh);
/* Optional: the session's connection as the device sees it (local address
 * and port, the peer's), for /proc/net/tcp and netstat. */
void sh_set_conn(struct sh *sh, const char *local, unsigned lport, const char *peer,
		 unsigned pport);
/* Optional: the login name shown by id/whoami/ps (default "root" or
 * "admin" by `root`). Call before sh_start(). */
void sh_set_user(struct sh *sh, const char *user);

/* Prints the motd / CLI banner and the first prompt. */
void sh_start(struct sh *sh);
/* Runs one line (no line terminator; may contain any bytes). */
void sh_line(struct sh *sh, const char *line, size_t n);
/* Ctrl-C at the prompt (the line editor printed "^C\n"): an unfinished
 * construct is dropped, a download the line waits for is abandoned with
 * the rest of the line and the lines typed meanwhile, su stops asking;
 * then a new prompt. */
void sh_interrupt(struct sh *sh);
/* Ctrl-D on an empty line: ash leaves the current level (a newline, then
 * the outer prompt, or SH_MODE_DONE when it was the login shell). */
void sh_eof(struct sh *sh);
/* Runs a command string from an HTTP exploit door: no prompts, output
 * discarded except through events; same file system and captures. */
void sh_inject(struct sh *sh, const char *cmd, size_t n);
enum sh_mode sh_mode(const struct sh *sh);
/* True while a line waits for a download. Lines given to sh_line() then are
 * queued (CAP_SH_QUEUE bytes, the rest dropped as by a full tty) and run
 * after the waiting line, in order. */
bool sh_waiting(const struct sh *sh);
/* The download the shell waits for ended: prints what the applet prints,
 * puts the file in the session's file system, runs the rest of the line
 * and the queued lines (which may wait again). Ignored when not waiting. */
void sh_fetch_done(struct sh *sh, const struct sh_fetch_result *r);
/* A download nobody waited for (an injected command's) arrived: writes it
 * to outfile in the file system (bounded by the vfs caps, truncated past
 * them; marked captured: the fetcher stored it). 0 or -errno. */
int sh_fetch_store(struct sh *sh, const char *outfile, const uint8_t *data, size_t n);
/* Captures every file the session built that was not captured yet
 * (reason "session_end"). Call before sh_free(). */
void sh_end(struct sh *sh);

#endif
