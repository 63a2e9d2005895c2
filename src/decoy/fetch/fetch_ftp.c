/* fetch_ftp.c — the ftp:// scheme (see fetch.h): login, TYPE I, PASV, the
 * data connection to the control peer's address (never the one in the
 * 227 reply), RETR until the data socket closes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fetch/fetch_int.h"

static const char *const ftp_user_default = "anonymous";
static const char *const ftp_pass_default = "busybox@"; /* BusyBox ftpget's */

static void on_dio(struct xsock *io, unsigned rev);

static int ftp_cmd(struct fetch *f, const char *cmd, const char *arg)
{
	f->ftp_last = cmd;
	buf_reset(&f->out);
	f->outoff = 0;
	if (buf_adds(&f->out, cmd) ||
	    (arg && (buf_addc(&f->out, ' ') || fetch_add_clean(&f->out, arg, false))) ||
	    buf_adds(&f->out, "\r\n"))
		return -EINVAL;
	return xsock_want(&f->io, EV_READ | EV_WRITE);
}

/* A complete reply in f->in: "ddd text" (after any "ddd-" lines). Returns
 * the code and drops the reply, 0 when incomplete, -1 when junk. */
static int ftp_reply(struct fetch *f, char *text, size_t tcap)
{
	size_t off = 0;

	for (;;) {
		const char *line = f->in.p + off;
		const char *nl = memchr(line, '\n', f->in.len - off);
		size_t ln;

		if (!nl) {
			if (f->in.len >= CAP_FETCH_HEAD)
				return -1;
			return 0;
		}
		ln = (size_t)(nl - line);
		if (ln >= 4 && line[0] >= '1' && line[0] <= '5' && line[1] >= '0' &&
		    line[1] <= '9' && line[2] >= '0' && line[2] <= '9' && line[3] == ' ') {
			int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
			size_t tn = ln - 4 < tcap - 1 ? ln - 4 : tcap - 1;

			if (ln > 4 && line[ln - 1] == '\r' && tn == ln - 4)
				tn--; /* the CR of CR LF is no part of the text */

			memcpy(text, line + 4, tn);
			text[tn] = '\0';
			buf_consume(&f->in, (size_t)(nl - f->in.p) + 1);
			return code;
		}
		off = (size_t)(nl - f->in.p) + 1;
	}
}

/* "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)": only the port is used. */
static int pasv_port(const char *t)
{
	unsigned v[6];
	int i = 0;

	while (*t && (*t < '0' || *t > '9'))
		t++;
	for (i = 0; i < 6; i++) {
		unsigned x = 0, d = 0;

		while (*t >= '0' && *t <= '9' && d < 4) {
			x = x * 10 + (unsigned)(*t++ - '0');
			d++;
		}
		if (!d || x > 255)
			return -1;
		v[i] = x;
		if (i < 5) {
			if (*t != ',')
				return -1;
			t++;
		}
	}
	return (int)(v[4] << 8 | v[5]);
}

static void ftp_step(struct fetch *f)
{
	char text[256], detail[320];
	int code;

	while (!f->dead && (code = ftp_reply(f, text, sizeof text)) != 0) {
		int rc = 0;

		if (code < 0) {
			fetch_fail(f, "bad_response", NULL);
			return;
		}
		if (code >= 400) {
			f->code = code;
			snprintf(detail, sizeof detail, "%d %s", code, text);
			fetch_fail(f, "ftp_error", detail);
			return;
		}
		if (code < 200 && f->fstep != FTP_RETR)
			continue; /* 1xx preliminary */
		switch (f->fstep) {
		case FTP_GREET:
			f->fstep = FTP_USER;
			rc = ftp_cmd(f, "USER", f->u.user[0] ? f->u.user : ftp_user_default);
			break;
		case FTP_USER:
			if (code == 230) {
				f->fstep = FTP_TYPE;
				rc = ftp_cmd(f, "TYPE", "I");
			} else {
				f->fstep = FTP_PASS;
				rc =
				    ftp_cmd(f, "PASS", f->u.user[0] ? f->u.pass : ftp_pass_default);
			}
			break;
		case FTP_PASS:
			f->fstep = FTP_TYPE;
			rc = ftp_cmd(f, "TYPE", "I");
			break;
		case FTP_TYPE:
			f->fstep = FTP_PASV;
			rc = ftp_cmd(f, "PASV", NULL);
			break;
		case FTP_PASV: {
			/* the data connection goes to the address the control
			 * connection reached (already policy-checked), never to
			 * the one in the reply: no FTP bounce into the LAN */
			int port = code == 227 ? pasv_port(text) : -1;
			struct sockaddr_storage da = f->peer;

			if (port <= 0) {
				fetch_fail(f, "bad_response", "PASV");
				return;
			}
			fetch_set_port(&da, (uint16_t)port);
			if ((rc = fetch_tcp_connect(f, &f->dio, &da, f->plen, on_dio)))
				break;
			f->fstep = FTP_RETR;
			rc = ftp_cmd(f, "RETR", f->u.path[1] ? f->u.path + 1 : f->u.path);
			break;
		}
		case FTP_RETR:
			/* 150/125 opening, 226 done: the data socket's end decides */
			if (code == 226 && f->data_eof)
				fetch_store(f);
			break;
		}
		if (rc) {
			fetch_fail(f, rc == -EINVAL ? "bad_url" : "connect", strerror(-rc));
			return;
		}
	}
}

static void on_dio(struct xsock *io, unsigned rev)
{
	struct fetch *f = container_of(io, struct fetch, dio);
	uint8_t tmp[RECV_CHUNK];
	int budget = 16;

	if (f->dead || !xsock_open(io))
		return;
	if (rev & EV_WRITE) {
		int e = xsock_error(io);

		if (e) {
			fetch_fail(f, "connect", strerror(e));
			return;
		}
		xsock_want(io, EV_READ);
	}
	while (budget-- > 0) {
		ssize_t n = xsock_recv(io, tmp, sizeof tmp);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			fetch_fail(f, "recv", strerror(errno));
			return;
		}
		if (n == 0) {
			fetch_close_io(f, io);
			f->data_eof = true;
			fetch_store(f);
			return;
		}
		if (buf_add(&f->body, tmp, (size_t)n)) {
			fetch_fail(f, "too_large", NULL);
			return;
		}
	}
}

static void ftp_start(struct fetch *f)
{
	fetch_tcp_start(f);
}

static int ftp_connected(struct fetch *f)
{
	f->st = FS_FTP;
	f->fstep = FTP_GREET;
	xsock_want(&f->io, EV_READ);
	return 0;
}

static bool ftp_read_now(const struct fetch *f)
{
	(void)f;
	return false;
}

static void ftp_input(struct fetch *f, const uint8_t *p, size_t n)
{
	int rc;

	if (f->st != FS_FTP)
		return;
	if (buf_add(&f->in, p, n)) {
		fetch_fail(f, "bad_response", "reply too long");
		return;
	}
	ftp_step(f);
	if (!f->dead && f->outoff < f->out.len) {
		rc = fetch_flush_out(f);
		if (rc < 0) {
			fetch_fail(f, "send", strerror(-rc));
			return;
		}
		if (rc == 1)
			xsock_want(&f->io, EV_READ);
	}
}

static void ftp_eof(struct fetch *f)
{
	if (f->st == FS_FTP && f->fstep == FTP_RETR && xsock_open(&f->dio))
		fetch_close_io(f, &f->io); /* the data socket decides */
	else
		fetch_fail(f, "truncated", NULL);
}

const struct fetch_scheme fetch_ftp = {
    .name = "ftp",
    .start = ftp_start,
    .connected = ftp_connected,
    .read_now = ftp_read_now,
    .input = ftp_input,
    .eof = ftp_eof,
};
