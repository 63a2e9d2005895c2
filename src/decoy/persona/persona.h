/* persona.h — a device to impersonate, loaded from data.
 *
 * A persona is a folder `personas/<name>/` holding:
 *   persona   UCI file: strings, credentials, CLI commands, process table,
 *             the doors (listener protos) the device answers on
 *   fs/       files of the device's read-only image (/proc/cpuinfo, /etc/…),
 *             laid out as on the device: fs/proc/cpuinfo is /proc/cpuinfo
 *   http/     per-door HTTP data: http/<door>/<url path> is served by that
 *             door (description XML), http/<door>/soap/<Action>.xml answers
 *             a SOAP action (optional)
 * The format is documented in docs/personas.md. Adding a device means
 * adding a folder, never an `if` in the code.
 *
 * Strings and file contents may carry templates, expanded once at load with
 * this unit's values: %{hostname} %{mac} %{MAC} %{macraw} %{serial}
 * %{suffix} %{boot_date}. Option strings (not files) also take C escapes:
 * \r \n \t \e \\ \' \xHH.
 *
 * Per-unit values come from a 32-byte seed (sys layer / store) so two units
 * differ while one unit stays the same across restarts.
 *
 * Ownership: persona_load() returns an object the caller frees with
 * persona_free(); it is read-only afterwards and shared by every session.
 */
#ifndef TANUKI_PERSONA_H
#define TANUKI_PERSONA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bounds.h"

struct pstr {
	char *p; /* NUL-terminated, may also contain NULs (use n) */
	size_t n;
};

struct persona_cred {
	char *user;
	char *pass;
	bool root; /* prompt_root vs prompt_user after login */
};

enum cli_action {
	CLI_PRINT, /* print `output` and prompt again */
	CLI_SHELL, /* print `output`, then enter the BusyBox shell */
	CLI_EXIT,  /* print `output`, then end the CLI (and the session) */
};

struct persona_clicmd {
	char *name;	    /* first word typed, matched exactly */
	struct pstr output; /* printed as is (no newline added) */
	enum cli_action action;
};

struct persona_file {
	char *path; /* absolute, e.g. "/proc/cpuinfo"; sorted by path */
	struct pstr data;
	unsigned mode; /* st_mode bits incl. S_IFDIR / S_IFREG / S_IFLNK */
	char *target;  /* symlink target, or NULL */
	time_t mtime;
};

/* `config door '<kind>'`: what an HTTP door of this device says. */
struct persona_door {
	char *kind;	       /* listener proto: "hg532", "miniigd" */
	struct pstr server;    /* Server header value; empty: none sent */
	struct pstr challenge; /* WWW-Authenticate value; %{nonce} is filled per request */
	char **control;	       /* control URLs that take SOAP POSTs (hg532) */
	size_t ncontrol;
};

struct persona_elf {
	uint8_t ei_class;   /* 1 = 32-bit */
	uint8_t ei_data;    /* 1 = little endian, 2 = big endian */
	uint16_t e_machine; /* 8 MIPS, 40 ARM */
	uint32_t e_flags;
	size_t size; /* size of the synthesized /bin/busybox */
};

struct persona {
	char *name;

	/* --- Telnet login (bytes sent exactly as given) --- */
	struct pstr telnet_open;     /* IAC sequence sent first, e.g. \xff\xfd\x01… */
	bool telnet_answer;	     /* answer the client's option requests (RFC 1143);
				      * BusyBox telnetd never does, so default off */
	struct pstr banner;	     /* after telnet_open, before the first login prompt */
	struct pstr login_prompt;    /* e.g. "%{hostname} login: " (expanded) */
	struct pstr password_prompt; /* "Password: " */
	struct pstr after_password;  /* right after the password line ("\r\n": the
				      * newline the tty did not echo) */
	struct pstr login_fail;	     /* printed after the failure delay */
	struct pstr motd;	     /* printed after a successful login */
	unsigned fail_delay_ms;	     /* BusyBox login: 3000 */
	unsigned max_tries;	     /* failures before the connection closes */
	unsigned exec_ms;	     /* a command's fork and exec on this CPU */
	struct persona_cred *creds;
	size_t ncreds;

	/* --- vendor CLI before the shell (Huawei ATP); absent if !cli --- */
	bool cli;
	struct pstr cli_prompt;	 /* "ATP>" */
	struct pstr cli_unknown; /* printed for an unknown command */
	struct persona_clicmd *clicmds;
	size_t nclicmds;

	/* --- BusyBox shell --- */
	char *hostname;
	struct pstr prompt_root; /* may use %w (cwd) and %h (hostname) at run time */
	struct pstr prompt_user;
	struct pstr shell_banner; /* printed when a shell is entered from the CLI or by `sh` */
	char *su_password;	  /* NULL: su always fails */
	char *busybox_version;	  /* "v1.16.1 (2013-07-30 10:31:49 CST)" */
	char **applets;		  /* sorted, the applets `busybox` lists */
	size_t napplets;
	char *uname_s, *uname_r, *uname_v, *uname_m; /* -s -r -v -m */
	char **procs; /* ps rows after the PID column, e.g. "root      1524 S    init" */
	size_t nprocs;
	char *ps_header; /* "  PID USER       VSZ STAT COMMAND" */

	/* --- the file system image --- */
	struct persona_file *files; /* sorted by path, directories included */
	size_t nfiles;
	struct persona_elf elf;
	uint8_t *busybox; /* synthesized ELF image for /bin/busybox (and applet links) */
	size_t busybox_len;

	/* --- doors --- */
	char **doors; /* listener protos the device answers on (`list doors`) */
	size_t ndoors;
	struct persona_door *doorcfg;
	size_t ndoorcfg;
	struct persona_file *http; /* files under http/, path "/<door>/…", sorted */
	size_t nhttp;
	/* the TCP ports the real device has open (`list ports`): on the WAN
	 * side, those without a listener get the first-bytes catch-all and
	 * every other port answers as closed (docs/wan.md) */
	uint16_t ports[CAP_PERSONA_PORTS];
	size_t nports;
	/* the device kernel's TCP/IP fingerprint on the WAN side (`tcp_*`
	 * options; net/wan_fp.h, docs/wan.md "Fingerprint") */
	struct persona_tcpip {
		uint8_t wscale;	  /* SYN-ACK window scale shift (0-7) */
		uint16_t synwin;  /* SYN-ACK window */
		bool ecn;	  /* an ECN SYN gets ECE in the SYN-ACK */
		bool synfin;	  /* a SYN|FIN to an open port is answered */
		bool fin_rst;	  /* a FIN/PSH/URG/null to a closed port gets a RST */
		uint8_t isn_bits; /* 32: random; less: Linux 2.6's (24 random bits + clock) */
		uint16_t isn_ns;  /* … whose clock ticks every isn_ns ns (Linux: 64) */
	} tcpip;

	/* --- this unit --- */
	uint8_t mac[6];
	char serial[24];
	char suffix[8];	   /* 6 hex chars of the unit's identity */
	time_t boot_time;  /* the fake device booted then (wall clock) */
	uint32_t pid_base; /* first PID of the process table after kernel threads */
	uint32_t pid_next; /* PID handed to the next session's shell */
};

struct persona_unit {
	uint8_t seed[32];
	time_t first_start; /* wall clock of the unit's first ever start */
};

/* Loads personas/<name>. `dir` is the folder holding persona folders.
 * On error returns NULL with "FILE:LINE: problem" in err. */
struct persona *persona_load(const char *dir, const char *name, const struct persona_unit *unit,
			     char *err, size_t errlen);
void persona_free(struct persona *p);

/* The i-th scalar option of `config persona` in its table (persona.c), or
 * NULL past the end: docs/personas.md is checked against it. */
const char *persona_option_name(size_t i);

/* Exact-path lookup in the image; NULL if absent. */
const struct persona_file *persona_file(const struct persona *p, const char *path);
/* True if `name` is one of the persona's applets. */
bool persona_has_applet(const struct persona *p, const char *name);
/* True if the device answers on listener proto `door` (`list doors`). */
bool persona_has_door(const struct persona *p, const char *door);
/* The `config door` section of that kind, or NULL. */
const struct persona_door *persona_door(const struct persona *p, const char *kind);
/* The regular file http/<door><path> (path starts with '/'), or NULL. */
const struct persona_file *persona_http(const struct persona *p, const char *door, const char *path,
					size_t n);
/* The credential that matches, or NULL. */
const struct persona_cred *persona_auth(const struct persona *p, const char *user,
					const char *pass);

#endif
