/* shhost.c — shell host callbacks, and the shells lent to engines (see shhost.h). */
#include "host/shhost.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "ev/ev.h"
#include "fetch/fetch.h"
#include "net/net.h"
#include "net/session.h"
#include "host/doorsh.h"
#include "proto/engine.h"
#include "sys/sys.h"

static struct session *sess_of(void *ctx)
{
	return ((struct shhost *)ctx)->s;
}

static void h_out(void *ctx, const void *p, size_t n)
{
	sess_term(sess_of(ctx), p, n);
}

static void h_out_cut(void *ctx, const void *p, size_t n)
{
	sess_term_cut(sess_of(ctx), p, n);
}

static void h_out_ref(void *ctx, const void *p, size_t n)
{
	sess_term_ref(sess_of(ctx), p, n);
}

static void h_pause(void *ctx, unsigned ms)
{
	sess_pause(sess_of(ctx), ms);
}

static int64_t h_now(void *ctx)
{
	(void)ctx;
	return sys_wall_us() / 1000000;
}

void host_fetch(struct session *s, const char *url, const char *applet, const char *destfile)
{
	struct fetch_origin o;

	sess_origin(s, &o);
	fetch_request(sess_fetcher(s), &o, &s->nfetch, url, applet, destfile);
}

bool host_fetch_wait(struct session *s, const char *url, const char *applet, const char *destfile,
		     const char *user, const char *pass, struct fetch_waiter *w)
{
	struct fetch_origin o;

	sess_origin(s, &o);
	return fetch_request_wait(sess_fetcher(s), &o, &s->nfetch, url, applet, destfile, user,
				  pass, w);
}

void shhost_log_request(struct session *s, const struct sh_event_info *i)
{
	struct json *j = sess_ev(s, "tanuki.download.request");

	json_cstr(j, "url", i->url);
	json_cstr(j, "applet", i->applet);
	json_cstr(j, "destfile", i->outfile ? i->outfile : "");
	if (i->user)
		json_str(j, "username", i->user, strnlen(i->user, CAP_FIELD));
	if (i->pass)
		json_str(j, "password", i->pass, strnlen(i->pass, CAP_FIELD));
	sess_ev_end(s, j);
}

static void h_event(void *ctx, enum sh_event ev, const struct sh_event_info *i)
{
	struct session *s = sess_of(ctx);
	struct json *j;
	size_t n = i->input_len < CAP_FIELD ? i->input_len : CAP_FIELD;

	if (!s)
		return; /* a parked door shell (doorsh.c): no session to log to */
	switch (ev) {
	case SH_EV_COMMAND:
		j = sess_ev(s, "cowrie.command.input");
		json_str(j, "input", i->input, n);
		break;
	case SH_EV_NOTFOUND:
		j = sess_ev(s, "cowrie.command.failed");
		json_str(j, "input", i->input, n);
		break;
	case SH_EV_FETCH:
		shhost_log_request(s, i);
		/* the daemon fetches it itself; the shell's output does not wait */
		host_fetch(s, i->url, i->applet, i->outfile ? i->outfile : "");
		return;
	case SH_EV_SU:
		j = sess_ev(s, "tanuki.su");
		json_str(j, "password", i->input, n);
		json_bool(j, "success", i->status == 0);
		break;
	case SH_EV_EMULATED:
		j = sess_ev(s, "tanuki.exec.emulated");
		json_cstr(j, "path", i->outfile ? i->outfile : "");
		json_cstr(j, "class", i->cls ? i->cls : "");
		json_cstr(j, "family", i->family ? i->family : "");
		json_int(j, "machine", i->machine);
		json_str(j, "text", i->input ? i->input : "", i->input ? n : 0);
		break;
	case SH_EV_CAPTURE:
		sess_capture(s, i->outfile ? i->outfile : "", i->data, i->len,
			     i->reason ? i->reason : "");
		return;
	default:
		return;
	}
	sess_ev_end(s, j);
}

/* A download the shell waits for (terminal sessions). */
static int h_fetch(void *ctx, const struct sh_event_info *i)
{
	struct shhost *hh = ctx;

	shhost_log_request(hh->s, i);
	return host_fetch_wait(hh->s, i->url, i->applet, i->outfile ? i->outfile : "", i->user,
			       i->pass, &hh->w)
		   ? 1
		   : 0;
}

static void h_fetch_cancel(void *ctx)
{
	fetch_unwait(&((struct shhost *)ctx)->w);
}

static void on_fetched(struct fetch_waiter *w, const struct fetch_result *r)
{
	struct shhost *hh = container_of(w, struct shhost, w);
	struct session *s = hh->s;
	struct sh_fetch_result x;

	if (!hh->sh || sess_ending(s))
		return;
	memset(&x, 0, sizeof x);
	x.ok = r->ok;
	x.data = r->data;
	x.len = r->len;
	x.reason = r->reason;
	x.detail = r->detail;
	x.status_line = r->status_line;
	x.ftp_cmd = r->ftp_cmd;
	x.code = r->code;
	x.peer_ip = r->peer_ip;
	x.connected = r->connected;
	x.ms = r->ms;
	sh_fetch_done(hh->sh, &x);
	if (sh_mode(hh->sh) == SH_MODE_DONE)
		sess_close(s, false);
	sess_flush(s);
}

void shhost_bind(struct shhost *hh, struct session *s, bool terminal)
{
	memset(hh, 0, sizeof *hh);
	hh->s = s;
	hh->h.ctx = hh;
	hh->h.out = terminal ? h_out : NULL;
	hh->h.out_cut = terminal ? h_out_cut : NULL;
	hh->h.out_ref = terminal ? h_out_ref : NULL;
	hh->h.pause = terminal ? h_pause : NULL;
	hh->h.event = h_event;
	hh->h.now = h_now;
	hh->h.fetch = terminal ? h_fetch : NULL;
	hh->h.mem = sess_mem(s);      /* the session's working memory */
	hh->h.fs = s->net->o.fs_pool; /* fs_kb, fs_total_kb */
	hh->h.fetch_cancel = terminal ? h_fetch_cancel : NULL;
	hh->w.done = on_fetched;
}

void shhost_attach(struct shhost *hh, struct sh *sh)
{
	hh->sh = sh;
}

void shhost_detach(struct shhost *hh)
{
	fetch_unwait(&hh->w);
	hh->sh = NULL;
}

/* ---------- the shells engines are lent (proto/engine.h) ---------- */

struct eng_shell {
	struct shhost host; /* a shell of the session's own */
	struct sh *sh;
	struct doorsh *ds; /* or a kept door shell (doorsh.h) */
};

struct eng_shell *eng_shell_new(struct session *s, bool terminal, bool root)
{
	struct eng_shell *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	shhost_bind(&x->host, s, terminal);
	x->sh = sh_new(s->persona, &x->host.h, root);
	shhost_attach(&x->host, x->sh);
	if (!x->sh) {
		free(x);
		return NULL;
	}
	sh_set_conn(x->sh, s->dst_ip, s->dst_port, s->src_ip, s->src_port);
	return x;
}

struct eng_shell *eng_shell_door(struct session *s)
{
	struct doorsh *ds = doorsh_get(s);
	struct eng_shell *x;

	if (!ds) /* every kept shell is in use: one of its own, not kept */
		return eng_shell_new(s, false, true);
	x = calloc(1, sizeof(*x));
	if (!x) {
		doorsh_put(ds);
		return NULL;
	}
	x->ds = ds;
	x->sh = doorsh_sh(ds);
	return x;
}

struct sh *eng_shell_sh(const struct eng_shell *x)
{
	return x->sh;
}

void eng_shell_end(struct eng_shell *x)
{
	if (!x)
		return;
	if (x->ds) {
		doorsh_put(x->ds);
	} else {
		shhost_detach(&x->host);
		sh_end(x->sh);
		sh_free(x->sh);
	}
	free(x);
}
