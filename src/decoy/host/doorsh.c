/* doorsh.c — door shells kept per source address (see doorsh.h). */
#include "host/doorsh.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "ev/ev.h"
#include "fetch/fetch.h"
#include "net/net.h"
#include "net/session.h"
#include "host/shhost.h"
#include "sh/sh.h"
#include "sys/sys.h"

struct dwait {
	struct fetch_waiter w; /* w.f set while the fetch runs */
	struct doorsh *ds;
	char outfile[CAP_PATH];
};

struct doorsh {
	bool used;     /* holds a shell */
	bool attached; /* a live door session uses it */
	char ip[46];
	const struct persona *p;
	uint64_t parked_ms;
	struct sh *sh;
	struct shhost host; /* host.s: the session, NULL while parked */
	struct acct mem;    /* the kept shell's own: it outlives sessions */
	struct dwait waits[CAP_FETCH_PER_SESSION];
};

static struct doorsh slots[CAP_DOOR_SHELLS];

static void slot_free(struct doorsh *ds)
{
	size_t i;

	for (i = 0; i < CAP_FETCH_PER_SESSION; i++)
		fetch_unwait(&ds->waits[i].w);
	sh_free(ds->sh);
	memset(ds, 0, sizeof *ds);
}

static void on_arrived(struct fetch_waiter *w, const struct fetch_result *r)
{
	struct dwait *dw = container_of(w, struct dwait, w);
	struct doorsh *ds = dw->ds;

	if (r->ok && ds->used && ds->sh)
		sh_fetch_store(ds->sh, dw->outfile, r->data, r->len);
	dw->outfile[0] = '\0';
}

/* The shell's fetch hook: start it, and be told when it arrives. */
static int door_fetch(void *ctx, const struct sh_event_info *i)
{
	struct shhost *hh = ctx;
	struct doorsh *ds = container_of(hh, struct doorsh, host);
	struct dwait *dw = NULL;
	size_t k;

	if (!hh->s)
		return 0;
	shhost_log_request(hh->s, i);
	for (k = 0; k < CAP_FETCH_PER_SESSION && !dw; k++)
		if (!ds->waits[k].w.f)
			dw = &ds->waits[k];
	if (!dw) {
		/* every waiter busy: fetched and stored, not put in the vfs */
		host_fetch(hh->s, i->url, i->applet, i->outfile ? i->outfile : "");
		return 1;
	}
	dw->ds = ds;
	dw->w.done = on_arrived;
	snprintf(dw->outfile, sizeof dw->outfile, "%s", i->outfile ? i->outfile : "");
	return host_fetch_wait(hh->s, i->url, i->applet, dw->outfile, i->user, i->pass, &dw->w) ? 1
												: 0;
}

struct doorsh *doorsh_get(struct session *s)
{
	uint64_t now = sys_mono_ms();
	struct doorsh *ds = NULL, *oldest = NULL;
	size_t i;

	for (i = 0; i < CAP_DOOR_SHELLS; i++) {
		struct doorsh *x = &slots[i];

		if (x->used && !x->attached && now - x->parked_ms >= CAP_DOOR_KEEP_MS)
			slot_free(x);
	}
	for (i = 0; i < CAP_DOOR_SHELLS && !ds; i++) {
		struct doorsh *x = &slots[i];

		if (x->used && !x->attached && x->p == s->persona && !strcmp(x->ip, s->src_ip))
			ds = x;
	}
	if (ds) {
		ds->attached = true;
		ds->host.s = s;
		return ds;
	}
	for (i = 0; i < CAP_DOOR_SHELLS && !ds; i++) {
		struct doorsh *x = &slots[i];

		if (!x->used)
			ds = x;
		else if (!x->attached && (!oldest || x->parked_ms < oldest->parked_ms))
			oldest = x;
	}
	if (!ds && oldest) {
		slot_free(oldest);
		ds = oldest;
	}
	if (!ds)
		return NULL;
	shhost_bind(&ds->host, s, false);
	ds->host.h.fetch = door_fetch;
	acct_init(&ds->mem, s->net->o.mem_session, &s->net->mem);
	ds->host.h.mem = &ds->mem;
	ds->sh = sh_new(s->persona, &ds->host.h, true);
	if (!ds->sh) {
		memset(ds, 0, sizeof *ds);
		return NULL;
	}
	shhost_attach(&ds->host, ds->sh);
	ds->used = true;
	ds->attached = true;
	ds->p = s->persona;
	snprintf(ds->ip, sizeof ds->ip, "%s", s->src_ip);
	return ds;
}

struct sh *doorsh_sh(struct doorsh *ds)
{
	return ds->sh;
}

void doorsh_put(struct doorsh *ds)
{
	sh_end(ds->sh);
	ds->host.s = NULL;
	ds->attached = false;
	ds->parked_ms = sys_mono_ms();
}

void doorsh_clear(void)
{
	size_t i;

	for (i = 0; i < CAP_DOOR_SHELLS; i++)
		if (slots[i].used)
			slot_free(&slots[i]);
}
