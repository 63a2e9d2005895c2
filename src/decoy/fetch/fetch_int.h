/* fetch_int.h — inside the fetcher: one struct fetch per download, the
 * shared core (fetch.c: events, caps, resolve, policy, the TCP control
 * socket) and one struct fetch_scheme per URL scheme, as curl keeps one
 * handler per protocol: fetch_http.c, fetch_ftp.c, fetch_tftp.c. The state
 * machines are drawn in fetch.h. Not for use outside fetch/.
 */
#ifndef TANUKI_FETCH_INT_H
#define TANUKI_FETCH_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bounds.h"
#include "buf.h"
#include "ev/ev.h"
#include "fetch/dns.h"
#include "fetch/fetch.h"
#include "fetch/httpresp.h"
#include "url.h"
#include "hash.h"
#include "xsock/xsock.h"

struct fetch;

/* What differs by scheme. The core resolves the host, checks the address
 * against the policy and calls start(); a TCP scheme then uses
 * fetch_tcp_start() and the core's control-socket loop, which calls the
 * other hooks. Each hook that fails the fetch does so with fetch_fail(). */
struct fetch_scheme {
	const char *name;
	/* The address passed the policy (f->peer, f->plen, f->peer_ip). */
	void (*start)(struct fetch *f);
	/* TCP: the control connection is up. 1: send f->out now; 0: wait for
	 * the peer (reading); <0: the fetch failed. */
	int (*connected)(struct fetch *f);
	/* TCP: everything in f->out left. */
	void (*sent)(struct fetch *f);
	/* TCP: read the socket now even if the loop reported only EV_WRITE. */
	bool (*read_now)(const struct fetch *f);
	/* TCP: n bytes arrived on the control socket. */
	void (*input)(struct fetch *f, const uint8_t *p, size_t n);
	/* TCP: the peer closed the control socket. */
	void (*eof)(struct fetch *f);
};

extern const struct fetch_scheme fetch_http;
extern const struct fetch_scheme fetch_ftp;
extern const struct fetch_scheme fetch_tftp;

enum fstate {
	FS_RESOLVE,
	FS_CONNECT,
	FS_SEND, /* http request / ftp command leaving */
	FS_HEAD, /* http head */
	FS_BODY, /* http body */
	FS_FTP,	 /* ftp control replies */
	FS_TFTP,
	FS_DONE,
};

/* FTP control steps (fetch_ftp.c) */
enum ftpstep { FTP_GREET, FTP_USER, FTP_PASS, FTP_TYPE, FTP_PASV, FTP_RETR };

struct fetch {
	struct fetcher *fr;
	const struct fetch_scheme *sc;
	struct fetch *prev, *next;
	struct fetch_origin o;
	char url[URL_MAX]; /* as asked for (events) */
	char applet[16];
	char destfile[CAP_PATH];
	char parent[SHA256_HEX];  /* second stage: the downloader's digest */
	char host0[URL_HOST_MAX]; /* first host: the per-host cap */
	struct url u;		  /* current target (after redirects) */
	enum fstate st;
	bool dead;
	unsigned redirects;
	struct dns_q dq;
	struct sockaddr_storage peer;
	socklen_t plen;
	char peer_ip[46];
	struct xsock io, dio; /* the control (or TFTP) socket, FTP's data */
	struct xres xr;	      /* a lookup on the WAN stack (dq: the kernel's) */
	struct ev_timer t_total, t_step;
	struct buf out, in, body;
	size_t outoff;
	/* http */
	int64_t clen;
	bool chunked, data_eof;
	struct chunked ch;
	/* ftp */
	enum ftpstep fstep;
	/* tftp */
	uint16_t block, tid;
	unsigned retries, wait_ms;
	uint8_t last[516];
	size_t lastn;
	/* for the waiter */
	struct fetch_waiter *w;
	uint64_t t0;
	bool connected;
	const char *ftp_last; /* the last FTP command sent */
	int code;
	char reason[24];
	char detail[320];
	char status_line[128];
	uint8_t *data; /* stored bytes kept until the waiter had them */
	size_t datan;
};

#define RECV_CHUNK 16384

/* ---------- the core (fetch.c) ---------- */

/* Logs cowrie.session.file_download.failed with reason/detail, ends f. */
void fetch_fail(struct fetch *f, const char *reason, const char *detail);
/* Stores f->body, logs cowrie.session.file_download, ends f. */
void fetch_store(struct fetch *f);
void fetch_close_io(struct fetch *f, struct xsock *io);
/* Resolves f->u's host, checks it, starts the scheme (again after a redirect). */
void fetch_begin_target(struct fetch *f);
/* Connects f->io to f->peer and runs the control-socket loop (TCP schemes). */
void fetch_tcp_start(struct fetch *f);
/* Non-blocking TCP connect to ss on the fetcher's stack (the kernel's or
 * the WAN's); cb gets EV_WRITE when it is made or failed. The caller has
 * checked the policy. */
int fetch_tcp_connect(struct fetch *f, struct xsock *io, const struct sockaddr_storage *ss,
		      socklen_t len, void (*cb)(struct xsock *io, unsigned rev));
void fetch_set_port(struct sockaddr_storage *ss, uint16_t port);
/* Sends what is queued in f->out; 1 when all of it left, 0 when more
 * waits, -errno on error. */
int fetch_flush_out(struct fetch *f);
/* Attacker text goes on the wire only without controls or spaces (encode:
 * as %XX instead of refusing it). */
int fetch_add_clean(struct buf *b, const char *s, bool encode);

#endif
