/* shhost.c — shell host callbacks shared by the engines (see shhost.h). */
#include "proto/shhost.h"

#include "bounds.h"
#include "daemon.h"
#include "fetch/fetch.h"
#include "net/session.h"
#include "sys/sys.h"

static void h_out(void *ctx, const void *p, size_t n)
{
	sess_term(ctx, p, n);
}

static void h_out_ref(void *ctx, const void *p, size_t n)
{
	sess_term_ref(ctx, p, n);
}

static void h_pause(void *ctx, unsigned ms)
{
	sess_pause(ctx, ms);
}

static int64_t h_now(void *ctx)
{
	(void)ctx;
	return sys_wall_us() / 1000000;
}

static void h_event(void *ctx, enum sh_event ev, const struct sh_event_info *i)
{
	struct session *s = ctx;
	struct json *j;
	size_t n = i->input_len < CAP_FIELD ? i->input_len : CAP_FIELD;

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
		j = sess_ev(s, "tanuki.download.request");
		json_cstr(j, "url", i->url);
		json_cstr(j, "applet", i->applet);
		json_cstr(j, "destfile", i->outfile);
		sess_ev_end(s, j);
		/* the daemon fetches it itself; the shell's output does not wait */
		fetch_from_session(s, i->url, i->applet, i->outfile ? i->outfile : "");
		return;
	case SH_EV_SU:
		j = sess_ev(s, "tanuki.su");
		json_str(j, "password", i->input, n);
		json_bool(j, "success", i->status == 0);
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

void shhost_bind(struct sh_host *h, struct session *s, bool terminal)
{
	h->ctx = s;
	h->out = terminal ? h_out : NULL;
	h->out_ref = terminal ? h_out_ref : NULL;
	h->pause = terminal ? h_pause : NULL;
	h->event = h_event;
	h->now = h_now;
}
