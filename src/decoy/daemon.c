/* daemon.c — the wiring: hands every part the others it needs, the store
 * tick, start and stop. */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "host/doorsh.h"
#include "net/session.h"
#include "net/wan.h"
#include "net/wan_client.h"
#include "options.h"
#include "proto/proto.h"
#include "sys/sys.h"

/* Timers: five per session, one per listener, the store tick, three per
 * fetch (total, TFTP step, DNS try), three for the uplink (next, deadline,
 * DNS try), the WAN side's (net/wan.h), its client side's readiness and
 * the SNTP client's. */
#define MAX_TIMERS(d)                                                                              \
	((size_t)(d)->cfg.max_sessions * 5 + CAP_LISTENERS + 8 + CAP_FETCH_INFLIGHT * 3 + 3 +      \
	 WAN_TIMERS + 1 + SNTP_TIMERS)

static const struct persona *get_persona(struct daemon *d, const char *name, char *err,
					 size_t errlen)
{
	size_t i;

	for (i = 0; i < d->npersonas; i++)
		if (!strcmp(d->personas[i]->name, name))
			return d->personas[i];
	if (d->npersonas >= sizeof d->personas / sizeof *d->personas) {
		snprintf(err, errlen, "%s:0: too many personas", d->cfg.path);
		return NULL;
	}
	d->personas[d->npersonas] = persona_load(d->cfg.personas, name, &d->unit, err, errlen);
	if (!d->personas[d->npersonas])
		return NULL;
	return d->personas[d->npersonas++];
}

static unsigned tick_ms(const struct daemon *d)
{
	return d->cfg.sync_ms < STORE_FLUSH_MS ? d->cfg.sync_ms : STORE_FLUSH_MS;
}

static void on_tick(struct ev_loop *loop, struct ev_timer *t)
{
	struct daemon *d = container_of(t, struct daemon, t_tick);

	d->store.sessions = (unsigned)d->net.nsessions;
	store_tick(&d->store, false);
	store_drain_notes(&d->store);
	ev_timer_in(loop, t, tick_ms(d));
}

static void on_signal(struct ev_loop *loop, int sig)
{
	(void)sig;
	ev_stop(loop);
}

static void raise_fd_limit(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

int daemon_init(struct daemon *d, const struct config *cfg, char *err, size_t errlen)
{
	struct store_opts so;
	struct uplink_env ue;
	struct net_opts no;
	const struct persona *up;
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	memset(&so, 0, sizeof so);
	d->cfg = *cfg;
	raise_fd_limit();
	if ((rc = ev_init(&d->loop, MAX_TIMERS(d)))) {
		snprintf(err, errlen, "%s:0: event loop: %s", cfg->path, strerror(-rc));
		return -1;
	}
	so.sync_ms = d->cfg.sync_ms;
	so.quota = (uint64_t)d->cfg.quota_kb * 1024;
	so.reserve = (uint64_t)d->cfg.reserve_kb * 1024;
	so.segment_max = (size_t)d->cfg.segment_kb * 1024;
	so.seal_age_ms = d->cfg.seal_age_s * 1000u;
	d->store.note = NULL;
	if ((rc = store_open(&d->store, d->cfg.store, &so)) ||
	    (rc = store_unit(&d->store, &d->unit))) {
		snprintf(err, errlen, "%s:0: store %s: %s", cfg->path, d->cfg.store, strerror(-rc));
		return -1;
	}
	/* with SNTP servers the kernel's clock is not trusted until one
	 * answers: events until then say so */
	sys_time_expect(d->cfg.time.nntp > 0);
	evlog_init(&d->log, &d->store, d->cfg.sensor);
	fetch_init(&d->fetch, &d->loop, &d->store, &d->log, &d->cfg.fetch);
	ue.loop = &d->loop;
	ue.store = &d->store;
	ue.log = &d->log;
	ue.persona = d->cfg.persona;
	ue.quota_kb = d->cfg.quota_kb;
	ue.dns = &d->cfg.fetch.dns;
	ue.dnslen = d->cfg.fetch.dnslen;
	if (uplink_init(&d->up, &ue, &d->cfg.uplink, err, errlen))
		return -1;
	no.max_sessions = d->cfg.max_sessions;
	no.max_per_src = d->cfg.max_per_src;
	no.idle_ms = d->cfg.idle_ms;
	no.session_ms = d->cfg.session_ms;
	no.fail_delay_ms = d->cfg.fail_delay_ms;
	no.max_tries = d->cfg.max_tries;
	no.seed = d->unit.seed;
	no.cfgpath = d->cfg.path;
	no.mem_session = d->cfg.mem_session;
	no.mem_total = d->cfg.mem_total;
	no.login_ms = d->cfg.login_ms;
	vfs_pool_init(&d->fs, d->cfg.fs_session, d->cfg.fs_total);
	no.fs_pool = &d->fs;
	net_init(&d->net, &d->loop, &d->store, &d->log, &d->fetch, &no);
	for (i = 0; i < d->cfg.nlisteners; i++) {
		const struct cfg_listener *c = &d->cfg.listeners[i];
		const struct persona *p;

		p = get_persona(d, c->persona[0] ? c->persona : d->cfg.persona, err, errlen);
		if (!p || net_listen(&d->net, c, p, proto_engine(c->proto), err, errlen))
			return -1;
	}
	/* the WAN side serves the listeners and the unit persona's ports */
	if (d->cfg.wan.enabled && (!(up = get_persona(d, d->cfg.persona, err, errlen)) ||
				   wan_init(&d->net, &d->cfg.wan, up, err, errlen)))
		return -1;
	/* ... and the fetcher's and the uplink's connections leave through it */
	if (d->net.wan)
		d->fetch.net = d->up.e.net =
		    wan_client_start(&d->loop, d->cfg.fetch.dns_given ? &d->cfg.fetch.dns : NULL);
	if (d->cfg.time.enabled &&
	    sntp_start(&d->sntp, &d->loop, &d->log, &d->cfg.time, d->cfg.path, err, errlen))
		return -1;
	if (ev_signals(&d->loop, on_signal)) {
		snprintf(err, errlen, "%s:0: signals: %s", cfg->path, strerror(errno));
		return -1;
	}
	d->t_tick.cb = on_tick;
	ev_timer_in(&d->loop, &d->t_tick, tick_ms(d));
	return 0;
}

static void idle(struct ev_loop *loop)
{
	struct daemon *d = container_of(loop, struct daemon, loop);

	sess_reap(&d->net);
	fetch_reap(&d->fetch);
}

int daemon_run(struct daemon *d)
{
	struct json *j;
	int rc;

	j = evlog_begin(&d->log, "tanuki.daemon.start", "", "", 0, "", 0, "");
	json_cstr(j, "version", TANUKI_VERSION);
	json_int(j, "listeners", (int64_t)d->net.nlisteners);
	evlog_commit(&d->log);
	rc = ev_run(&d->loop, idle);
	uplink_stop(&d->up);
	sess_close_all(&d->net);
	fetch_shutdown(&d->fetch);
	j = evlog_begin(&d->log, "tanuki.daemon.stop", "", "", 0, "", 0, "");
	json_int(j, "refused", (int64_t)d->net.refused);
	json_int(j, "events_dropped", (int64_t)d->store.st.events_dropped);
	json_int(j, "files_failed", (int64_t)d->store.st.files_failed);
	evlog_commit(&d->log);
	store_drain_notes(&d->store);
	store_tick(&d->store, true);
	/* evictions of that last write are logged too */
	if (d->store.nnotes) {
		store_drain_notes(&d->store);
		store_tick(&d->store, true);
	}
	return rc;
}

void daemon_done(struct daemon *d)
{
	size_t i;

	sess_close_all(&d->net);
	fetch_shutdown(&d->fetch);
	sntp_stop(&d->sntp);
	uplink_stop(&d->up);
	wan_client_stop();
	wan_done(&d->net);
	net_done(&d->net);
	uplink_done(&d->up);
	doorsh_clear(); /* door shells parked between HTTP connections */
	store_close(&d->store);
	for (i = 0; i < d->npersonas; i++)
		persona_free(d->personas[i]);
	ev_done(&d->loop);
	evlog_done(&d->log);
}
