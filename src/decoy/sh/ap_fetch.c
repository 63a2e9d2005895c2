/* ap_fetch.c — downloads: wget, tftp, curl, ftpget and nc. An applet
 * parses its arguments into a struct fetch_req and asks the host through
 * fetch() (the shell may wait for it); sh_fetch_finish() prints what the
 * applet prints when the download ended and puts the file in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh/applet.h"
#include "url.h"

static bool is_ipv4(const char *s)
{
	int dots = 0, digits = 0;

	for (; *s; s++) {
		if (*s == '.') {
			if (!digits)
				return false;
			dots++;
			digits = 0;
		} else if (*s >= '0' && *s <= '9') {
			if (++digits > 3)
				return false;
		} else {
			return false;
		}
	}
	return dots == 3 && digits;
}

/* The shell's split of host and port, where url.h refuses an authority
 * BusyBox takes: the port after the last ':' (not inside "[...]"), any
 * number of digits, 1-65535. */
static bool split_port(struct fetch_req *r)
{
	char *colon = strrchr(r->addr, ':');
	unsigned long port;

	if (colon && strchr(colon, ']'))
		colon = NULL; /* [IPv6] without a port */
	if (colon) {
		if (!ap_parse_uint(colon + 1, &port) || port == 0 || port > 65535)
			return false;
		r->port = (unsigned)port;
		*colon = '\0';
	}
	return true;
}

/* Splits "scheme://[user@]host[:port]/path" on the common parser (url.h);
 * false if not a URL. The shell keeps BusyBox's rules where they differ
 * from url.h's (t_fetch_url in tests/unit/test_sh.c pins each):
 *  - the scheme is spelled in lower case (url.h also takes "HTTP://");
 *  - the userinfo ends at the first '@' (url.h: the last): it is cut here,
 *    and an '@' left in the host goes to split_port(), not to url.h;
 *  - r->host is the authority as written, ":port" kept; r->addr drops it;
 *  - *path is the rest of url as written, query and fragment kept (url.h
 *    drops the fragment and adds a '/');
 *  - where url.h refuses the authority — a port of more than 5 digits,
 *    several ':' outside brackets, text after "[...]", a '[' without ']' —
 *    url.h gives the scheme only and split_port() the rest. */
static bool parse_url(const char *url, struct fetch_req *r, const char **path)
{
	const char *p = strstr(url, "://"), *h, *e, *at;
	char a[16 + sizeof r->host];
	struct url u;
	size_t n, sn;

	if (!p || (sn = (size_t)(p - url)) > 5)
		return false; /* no scheme url.h knows is longer */
	h = p + 3;
	e = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(e - h));
	if (at)
		h = at + 1;
	n = (size_t)(e - h);
	if (n == 0 || n >= sizeof r->host)
		return false;
	memcpy(r->host, h, n);
	r->host[n] = '\0';
	snprintf(a, sizeof a, "%.*s://%s", (int)sn, url, r->host);
	if (!memchr(r->host, '@', n) && !url_parse(a, &u)) {
		snprintf(r->addr, sizeof r->addr, "%s", u.host);
		r->port = u.port;
	} else {
		/* url.h refuses this authority (or would read its '@' as the
		 * end of a userinfo): the scheme from url.h, the rest here */
		snprintf(a, sizeof a, "%.*s://h", (int)sn, url);
		if (url_parse(a, &u))
			return false;
		r->port = u.port;
		memcpy(r->addr, r->host, n + 1);
		if (!split_port(r))
			return false;
	}
	if (strncmp(url, url_scheme_name(u.scheme), sn))
		return false;
	if (path)
		*path = e;
	snprintf(r->url, sizeof r->url, "%s", url);
	return true;
}

/* The applet's failure when no download is waited for (fetching off,
 * refused at the start, or a context a wait cannot resume into). */
static int fetch_fail_now(struct sh *sh, struct io *io, const struct fetch_req *r)
{
	bool ip = is_ipv4(r->addr);

	if (strcmp(r->applet, "curl") == 0) {
		if (!r->quiet) {
			if (ip)
				sh_printf(sh, io, 2,
					  "curl: (7) Failed to connect to %s port %u: Connection "
					  "timed out\n",
					  r->addr, r->port);
			else
				sh_printf(sh, io, 2, "curl: (6) Couldn't resolve host '%s'\n",
					  r->addr);
		}
		return ip ? 7 : 6;
	}
	return ap_net_noroute(sh, io, r, ip); /* ap_net.c */
}

/* The one place a download happens. With a host that fetches (and a
 * simple command of the line itself), the shell waits: the line stops here
 * and sh_fetch_done() finishes this command through sh_fetch_finish(). */
static int fetch(struct sh *sh, struct io *io, const struct fetch_req *r)
{
	struct sh_event_info ei;

	memset(&ei, 0, sizeof ei);
	ei.applet = r->applet;
	ei.url = r->url;
	ei.outfile = r->outfile[0] ? r->outfile : io->out_path;
	ei.user = r->user;
	ei.pass = r->pass;
	if (sh->host.fetch && sh->inject) {
		/* a door: nobody waits; the host stores the file when it comes */
		if (sh->host.fetch(sh->host.ctx, &ei) > 0)
			return 0;
	} else if (sh->host.fetch && sh->susp_ok && !sh->waiting) {
		if (sh->host.fetch(sh->host.ctx, &ei) > 0) {
			sh->fx = *r;
			sh->fx.user = sh->fx.pass = NULL;
			sh->waiting = true;
			sh->susp_ni = sh->cur_ni;
			sh->stop = true; /* the rest of the line runs on resume */
			return 0;
		}
	} else {
		sh_emit(sh, SH_EV_FETCH, &ei);
	}
	return fetch_fail_now(sh, io, r);
}

/* ---- what each applet prints when the download ends ---- */

static const char *res_ip(const struct fetch_req *r, const struct sh_fetch_result *x)
{
	return x->peer_ip && x->peer_ip[0] ? x->peer_ip : r->addr;
}

/* BusyBox 1.1x wget's status line (networking/wget.c progressmeter):
 * "\r%-20.20s%4d%% |<stars><blanks>|%6d%c " and the ETA, the bar being
 * the terminal width less 49 (80 columns: 31), sizes >= 100000 shifted
 * by 10 bits per unit letter " kMGTPEZY". Only the first and the last
 * call show on a quick transfer; the last one ends the line. */
static void wget_meter(struct sh *sh, struct io *io, const char *name, size_t done, size_t total,
		       unsigned ms, bool last)
{
	char bar[TERM_WIDTH];
	int barlen = TERM_WIDTH - 49, stars;
	unsigned ratio = 100;
	unsigned long long ab = done;
	int unit = 0;

	if (total)
		ratio = (unsigned)(100ULL * done / total);
	if (ratio > 100)
		ratio = 100;
	stars = barlen * (int)ratio / 100;
	memset(bar, '*', (size_t)stars);
	memset(bar + stars, ' ', (size_t)(barlen - stars));
	bar[barlen] = '\0';
	while (ab >= 100000 && unit < 8) {
		unit++;
		ab >>= 10;
	}
	sh_printf(sh, io, 2, "\r%-20.20s%4u%% |%s|%6d%c %s%s", name, ratio, bar, (int)ab,
		  " kMGTPEZY"[unit], !done || ms < 1000 ? "--:--:-- ETA" : "00:00:00 ETA",
		  last ? "\n" : "");
}

/* Puts the download where the applet writes it: a file of the session's
 * file system (at most what the caps leave: the whole sample is in the
 * store already), or stdout. Returns 0 or -errno. */
static int fetch_deliver(struct sh *sh, struct io *io, const struct fetch_req *r,
			 const struct sh_fetch_result *x)
{
	size_t n = x->len, room;
	int err;

	if (!r->outfile[0]) {
		sh_write(sh, io, 1, x->data, x->len);
		return 0;
	}
	err = vfs_can_create(sh->fs, r->outfile);
	if (err)
		return err;
	room = vfs_room(sh->fs, r->outfile);
	if (n > room)
		n = room;
	err = vfs_write(sh->fs, r->outfile, x->data, n, false);
	if (err)
		return err;
	vfs_mark_captured(sh->fs, r->outfile);
	return 0;
}

static const char *curfile(const struct fetch_req *r)
{
	return r->outfile[0] ? ap_base_of(r->outname) : "-";
}

static int wget_done(struct sh *sh, struct io *io, const struct fetch_req *r,
		     const struct sh_fetch_result *x)
{
	const char *why = x->reason ? x->reason : "";
	int err;

	if (!x->ok && strcmp(why, "dns") == 0) {
		ap_err(sh, io, "wget", "bad address '%s'", r->addr);
		return 1;
	}
	if (!r->quiet)
		sh_printf(sh, io, 2, "Connecting to %s (%s:%u)\n", r->host, res_ip(r, x), r->port);
	if (x->ok) {
		/* the output file is opened before the meter starts */
		err = fetch_deliver(sh, io, r, x);
		if (err) {
			ap_err(sh, io, "wget", "can't open '%s': %s", r->outname, sh_strerror(err));
			return 1;
		}
		if (!r->quiet) {
			wget_meter(sh, io, curfile(r), 0, x->len, 0, false);
			wget_meter(sh, io, curfile(r), x->len, x->len, x->ms, true);
		}
		return 0;
	}
	if (strcmp(why, "http_status") == 0) {
		ap_err(sh, io, "wget", "server returned error: %s",
		       x->status_line && x->status_line[0] ? x->status_line : "");
		return 1;
	}
	if (strcmp(why, "ftp_error") == 0) {
		if (x->ftp_cmd && (!strcmp(x->ftp_cmd, "USER") || !strcmp(x->ftp_cmd, "PASS")))
			ap_err(sh, io, "wget", "ftp login: %s", x->detail ? x->detail : "");
		else
			ap_err(sh, io, "wget", "bad response to %s: %s",
			       x->ftp_cmd ? x->ftp_cmd : "RETR", x->detail ? x->detail : "");
		return 1;
	}
	if (x->connected) {
		if (strcmp(why, "timeout") == 0)
			ap_err(sh, io, "wget", "download timed out");
		else
			ap_err(sh, io, "wget", "error getting response");
		return 1;
	}
	ap_err(sh, io, "wget", "can't connect to remote host (%s): %s", res_ip(r, x),
	       strcmp(why, "connect") == 0 && x->detail ? x->detail : "Connection timed out");
	return 1;
}

/* What tftp and ftpget print alike: the file delivered (or why it could
 * not be opened) and a name that did not resolve. -1: not one of those. */
static int fetch_done_common(struct sh *sh, struct io *io, const char *applet,
			     const struct fetch_req *r, const struct sh_fetch_result *x)
{
	int err;

	if (x->ok) {
		err = fetch_deliver(sh, io, r, x);
		if (err)
			ap_err(sh, io, applet, "can't open '%s': %s", r->outname, sh_strerror(err));
		return err ? 1 : 0;
	}
	if (x->reason && strcmp(x->reason, "dns") == 0) {
		ap_err(sh, io, applet, "bad address '%s'", r->addr);
		return 1;
	}
	return -1;
}

static int tftp_done(struct sh *sh, struct io *io, const struct fetch_req *r,
		     const struct sh_fetch_result *x)
{
	const char *why = x->reason ? x->reason : "";
	int rc = fetch_done_common(sh, io, "tftp", r, x);

	if (rc >= 0)
		return rc;
	if (strcmp(why, "tftp_error") == 0) {
		ap_err(sh, io, "tftp", "server error: (%d) %s", x->code,
		       x->detail ? x->detail : "");
		return 1;
	}
	ap_err(sh, io, "tftp", "timeout");
	return 1;
}

static int ftpget_done(struct sh *sh, struct io *io, const struct fetch_req *r,
		       const struct sh_fetch_result *x)
{
	const char *why = x->reason ? x->reason : "";
	int rc = fetch_done_common(sh, io, "ftpget", r, x);

	if (rc >= 0)
		return rc;
	if (strcmp(why, "ftp_error") == 0) {
		ap_err(sh, io, "ftpget", "unexpected server response to %s: %s",
		       x->ftp_cmd ? x->ftp_cmd : "RETR", x->detail ? x->detail : "");
		return 1;
	}
	if (x->connected) {
		ap_err(sh, io, "ftpget", "unexpected server response: %s",
		       x->detail ? x->detail : "");
		return 1;
	}
	ap_err(sh, io, "ftpget", "can't connect to remote host (%s): %s", res_ip(r, x),
	       strcmp(why, "connect") == 0 && x->detail ? x->detail : "Connection timed out");
	return 1;
}

/* curl's size columns: 5 characters, then k/M/G units. */
static void curl_size(char *out, size_t cap, unsigned long long v)
{
	if (v < 100000)
		snprintf(out, cap, "%5llu", v);
	else if (v < 10000ULL * 1024)
		snprintf(out, cap, "%4lluk", v / 1024);
	else
		snprintf(out, cap, "%4lluM", v / (1024 * 1024));
}

static int curl_done(struct sh *sh, struct io *io, const struct fetch_req *r,
		     const struct sh_fetch_result *x)
{
	const char *why = x->reason ? x->reason : "";
	char sz[16], sp[16];
	int err;

	if (x->ok || strcmp(why, "http_status") == 0) {
		/* without -f curl keeps an error page too; the fetcher keeps
		 * none, so an HTTP error leaves an empty transfer */
		struct sh_fetch_result ok = *x;

		if (!x->ok) {
			ok.data = NULL;
			ok.len = 0;
		}
		err = fetch_deliver(sh, io, r, &ok);
		if (err) {
			sh_printf(sh, io, 2, "curl: (23) Failed writing body (0 != %zu)\n", ok.len);
			return 23;
		}
		if (!r->quiet && r->outfile[0]) {
			curl_size(sz, sizeof sz, ok.len);
			curl_size(sp, sizeof sp, x->ms ? ok.len * 1000ULL / x->ms : ok.len);
			sh_printf(sh, io, 2,
				  "  %% Total    %% Received %% Xferd  Average Speed   Time    "
				  "Time     Time  Current\n"
				  "                                 Dload  Upload   Total   Spent  "
				  "  Left  Speed\n"
				  "\r100 %s  100 %s    0     0  %s      0 --:--:-- --:--:-- "
				  "--:--:-- %s\n",
				  sz, sz, sp, sp);
		}
		return 0;
	}
	if (r->quiet)
		return strcmp(why, "dns") == 0 ? 6 : strcmp(why, "timeout") == 0 ? 28 : 7;
	if (strcmp(why, "dns") == 0) {
		sh_printf(sh, io, 2, "curl: (6) Couldn't resolve host '%s'\n", r->addr);
		return 6;
	}
	if (strcmp(why, "timeout") == 0) {
		sh_printf(
		    sh, io, 2,
		    "curl: (28) Operation timed out after %u milliseconds with 0 bytes received\n",
		    x->ms);
		return 28;
	}
	sh_printf(sh, io, 2, "curl: (7) Failed to connect to %s port %u: %s\n", r->addr, r->port,
		  strcmp(why, "connect") == 0 && x->detail ? x->detail : "Connection timed out");
	return 7;
}

int sh_fetch_finish(struct sh *sh, struct io *io)
{
	const struct fetch_req *r = &sh->fx;
	const struct sh_fetch_result *x = sh->res;

	if (!x || !r->applet)
		return 1;
	ap_net_wait(sh, r->applet, x);	   /* the rest of the real failure's time */
	if (strcmp(r->applet, "dlr") == 0) /* a downloader "ran" (ap_run.c) */
		return ap_run_finish(sh, io);
	if (strcmp(r->applet, "tftp") == 0)
		return tftp_done(sh, io, r, x);
	if (strcmp(r->applet, "ftpget") == 0)
		return ftpget_done(sh, io, r, x);
	if (strcmp(r->applet, "curl") == 0)
		return curl_done(sh, io, r, x);
	return wget_done(sh, io, r, x);
}

static void set_outfile(struct sh *sh, struct fetch_req *r, const char *f)
{
	if (!f || strcmp(f, "-") == 0) {
		r->outfile[0] = '\0';
		r->outname[0] = '\0';
		return;
	}
	snprintf(r->outname, sizeof r->outname, "%s", f);
	if (sh_path(sh, f, r->outfile, sizeof r->outfile))
		r->outfile[0] = '\0';
}

int ap_wget(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct fetch_req r;
	const char *url = NULL, *out = NULL, *ghost = NULL, *local = NULL, *remote = NULL,
		   *path = NULL, *dir = NULL;
	int a;

	memset(&r, 0, sizeof r);
	r.applet = "wget";
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-' || !o[1]) {
			url = o;
			continue;
		}
		if (strncmp(o, "--output-document=", 18) == 0) {
			out = o + 18;
			continue;
		}
		if (strncmp(o, "-O", 2) == 0 && o[2]) {
			out = o + 2;
			continue;
		}
		if (strcmp(o, "-q") == 0 || strcmp(o, "--quiet") == 0) {
			r.quiet = true;
			continue;
		}
		if (strcmp(o, "-O") == 0 || strcmp(o, "--output-document") == 0 ||
		    strcmp(o, "-g") == 0 || strcmp(o, "-l") == 0 || strcmp(o, "-r") == 0 ||
		    strcmp(o, "-P") == 0 || strcmp(o, "-U") == 0 || strcmp(o, "-T") == 0 ||
		    strcmp(o, "-t") == 0 || strcmp(o, "-Y") == 0 || strcmp(o, "--header") == 0 ||
		    strcmp(o, "--user-agent") == 0) {
			const char *v = a + 1 < argc ? argv[++a] : NULL;

			if (!v)
				return ap_usage(sh, io, "wget");
			if (o[1] == 'O' || strcmp(o, "--output-document") == 0)
				out = v;
			else if (strcmp(o, "-g") == 0)
				ghost = v;
			else if (strcmp(o, "-l") == 0)
				local = v;
			else if (strcmp(o, "-r") == 0)
				remote = v;
			else if (strcmp(o, "-P") == 0)
				dir = v;
			continue;
		}
	}
	if (ghost) {
		/* Huawei's wget -g HOST -l LOCAL -r REMOTE */
		char tmp[CAP_PATH * 2];
		const char *rp = remote ? remote : local ? ap_base_of(local) : "";

		snprintf(tmp, sizeof tmp, "%s%s%s%s", strstr(ghost, "://") ? "" : "http://", ghost,
			 rp[0] == '/' ? "" : "/", rp);
		if (!parse_url(tmp, &r, NULL))
			return ap_usage(sh, io, "wget");
		set_outfile(sh, &r, local ? local : ap_base_of(rp));
		return fetch(sh, io, &r);
	}
	if (!url)
		return ap_usage(sh, io, "wget");
	if (!parse_url(url, &r, &path)) {
		ap_err(sh, io, "wget", "not an http or ftp url: %s", url);
		return 1;
	}
	if (out) {
		set_outfile(sh, &r, out);
	} else {
		char tmp[CAP_PATH * 2];
		const char *b = path && *path ? ap_base_of(path) : "";

		if (!*b || *b == '/')
			b = "index.html";
		snprintf(tmp, sizeof tmp, "%s%s%s", dir ? dir : "", dir ? "/" : "", b);
		set_outfile(sh, &r, tmp);
	}
	return fetch(sh, io, &r);
}

int ap_tftp(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct fetch_req r;
	const char *local = NULL, *remote = NULL, *host = NULL, *port = NULL;
	bool get = false, put = false;
	char tmp[CAP_PATH * 2];
	int a;

	memset(&r, 0, sizeof r);
	r.applet = "tftp";
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] == '-' && o[1]) {
			for (o++; *o; o++) {
				if (*o == 'g')
					get = true;
				else if (*o == 'p')
					put = true;
				else if (*o == 'l' || *o == 'r' || *o == 'b') {
					const char *v =
					    o[1] ? o + 1 : (a + 1 < argc ? argv[++a] : NULL);

					if (!v)
						return ap_usage(sh, io, "tftp");
					if (*o == 'l')
						local = v;
					else if (*o == 'r')
						remote = v;
					break;
				} else {
					sh_printf(sh, io, 2, "tftp: invalid option -- '%c'\n", *o);
					return ap_usage(sh, io, "tftp");
				}
			}
			continue;
		}
		if (!host)
			host = o;
		else if (!port)
			port = o;
	}
	if ((!get && !put) || !host || (!local && !remote))
		return ap_usage(sh, io, "tftp");
	if (!remote)
		remote = local;
	if (!local)
		local = ap_base_of(remote);
	if (put) {
		ap_err(sh, io, "tftp", "timeout");
		return 1;
	}
	snprintf(tmp, sizeof tmp, "tftp://%s%s%s%s%s", host, port ? ":" : "", port ? port : "",
		 remote[0] == '/' ? "" : "/", remote);
	if (!parse_url(tmp, &r, NULL))
		return ap_usage(sh, io, "tftp");
	set_outfile(sh, &r, local);
	return fetch(sh, io, &r);
}

int ap_curl(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct fetch_req r;
	const char *url = NULL, *out = NULL, *path = NULL;
	bool remote_name = false;
	int a;

	memset(&r, 0, sizeof r);
	r.applet = "curl";
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] != '-') {
			url = o;
			continue;
		}
		if (strcmp(o, "-o") == 0 || strcmp(o, "--output") == 0) {
			if (a + 1 < argc)
				out = argv[++a];
			continue;
		}
		if (strcmp(o, "-A") == 0 || strcmp(o, "-H") == 0 || strcmp(o, "-d") == 0 ||
		    strcmp(o, "-X") == 0 || strcmp(o, "-e") == 0 || strcmp(o, "-m") == 0) {
			a++;
			continue;
		}
		if (strchr(o, 's'))
			r.quiet = true;
		if (strchr(o, 'O'))
			remote_name = true;
	}
	if (!url) {
		sh_puts(sh, io, 2,
			"curl: try 'curl --help' or 'curl --manual' for more information\n");
		return 2;
	}
	if (!strstr(url, "://")) {
		char tmp[CAP_PATH * 2];

		snprintf(tmp, sizeof tmp, "http://%s", url);
		if (!parse_url(tmp, &r, &path))
			return 3;
	} else if (!parse_url(url, &r, &path)) {
		sh_printf(sh, io, 2, "curl: (1) Protocol not supported\n");
		return 1;
	}
	if (out)
		set_outfile(sh, &r, out);
	else if (remote_name && path && *path)
		set_outfile(sh, &r, ap_base_of(path));
	return fetch(sh, io, &r);
}

int ap_ftpget(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct fetch_req r;
	const char *pos[3] = {NULL, NULL, NULL}, *port = NULL;
	char tmp[CAP_PATH * 2];
	int a, np = 0;

	memset(&r, 0, sizeof r);
	r.applet = "ftpget";
	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (o[0] == '-' && o[1]) {
			if ((o[1] == 'u' || o[1] == 'p' || o[1] == 'P') && !o[2]) {
				if (a + 1 >= argc)
					return ap_usage(sh, io, "ftpget");
				if (o[1] == 'P')
					port = argv[a + 1];
				else if (o[1] == 'u')
					r.user = argv[a + 1];
				else
					r.pass = argv[a + 1];
				a++;
			}
			continue;
		}
		if (np < 3)
			pos[np++] = o;
	}
	if (np < 2)
		return ap_usage(sh, io, "ftpget");
	if (!pos[2])
		pos[2] = pos[1];
	snprintf(tmp, sizeof tmp, "ftp://%s%s%s%s%s", pos[0], port ? ":" : "", port ? port : "",
		 pos[2][0] == '/' ? "" : "/", pos[2]);
	if (!parse_url(tmp, &r, NULL))
		return ap_usage(sh, io, "ftpget");
	/* BusyBox ftpget logs in as anonymous / busybox@ unless told */
	if (r.user || r.pass) {
		if (!r.user)
			r.user = "anonymous";
		if (!r.pass)
			r.pass = "busybox@";
	}
	set_outfile(sh, &r, pos[1]);
	return fetch(sh, io, &r);
}

int ap_nc(struct sh *sh, struct io *io, int argc, char **argv)
{
	const char *host = NULL;
	int a;

	for (a = 1; a < argc; a++) {
		if (argv[a][0] == '-') {
			if (strchr(argv[a], 'l'))
				return 0; /* "listening": nothing ever connects */
			if (strpbrk(argv[a], "pewi") && !argv[a][2] && a + 1 < argc)
				a++;
			continue;
		}
		if (!host)
			host = argv[a];
	}
	if (!host)
		return ap_usage(sh, io, "nc");
	if (!is_ipv4(host)) {
		ap_err(sh, io, "nc", "bad address '%s'", host);
		return 1;
	}
	ap_err(sh, io, "nc", "can't connect to remote host (%s): %s", host, "Connection timed out");
	return 1;
}
