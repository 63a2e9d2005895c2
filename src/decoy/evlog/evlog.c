/* evlog.c — the event writer (see evlog.h). */
#include "evlog/evlog.h"

#include <string.h>

#include "bounds.h"
#include "isotime.h"
#include "store/store.h"
#include "sys/sys.h"

struct json *evlog_begin(struct evlog *l, const char *eventid, const char *session,
			 const char *src_ip, unsigned src_port, const char *dst_ip,
			 unsigned dst_port, const char *proto)
{
	char ts[ISO_TIME_LEN + 1];

	buf_reset(&l->buf);
	json_open(&l->j, &l->buf);
	/* millisecond precision (printed with six digits as Cowrie does): the
	 * loop's timers are in ms and a network peer's timing is no finer, and
	 * the ten noise bits per event would cost the sealed log a third */
	iso_format(sys_wall_us() / 1000 * 1000, ts);
	json_cstr(&l->j, "eventid", eventid);
	json_cstr(&l->j, "timestamp", ts);
	json_cstr(&l->j, "session", session);
	json_cstr(&l->j, "src_ip", src_ip);
	json_int(&l->j, "src_port", src_port);
	json_cstr(&l->j, "dst_ip", dst_ip);
	json_int(&l->j, "dst_port", dst_port);
	json_cstr(&l->j, "sensor", l->sensor);
	json_cstr(&l->j, "protocol", proto);
	/* stamped by a clock no source has confirmed yet (sys.h): the
	 * summaries and exports correct it once one has (docs/wan.md) */
	if (sys_time_uncertain()) {
		json_bool(&l->j, "time_uncertain", true);
		json_cstr(&l->j, "boot", l->boot);
	}
	return &l->j;
}

void evlog_commit(struct evlog *l)
{
	if (json_close(&l->j)) {
		l->store->st.events_dropped++;
		return;
	}
	store_event(l->store, l->buf.p, l->buf.len);
}

/* The store evicted something to stay in its bounds: say so in the log. */
static void on_store_note(void *arg, const struct store_note *n)
{
	struct evlog *l = arg;
	struct json *j = evlog_begin(l, "tanuki.store.evicted", "", "", 0, "", 0, "");

	json_cstr(j, "kind", n->kind);
	json_cstr(j, "name", n->name);
	json_int(j, "bytes", (int64_t)n->bytes);
	json_bool(j, "delivered", n->delivered);
	json_cstr(j, "reason", n->reason);
	evlog_commit(l);
}

void evlog_time_fix(struct evlog *l, bool was_uncertain)
{
	if (!was_uncertain || l->fixed)
		return;
	l->fixed = true;
	/* on broken flash the events keep their mark; export leaves them as
	 * stamped (the tanuki.time event still says by how much) */
	(void)store_time_fix(l->store, l->boot, sys_time_offset_us());
}

bool evlog_time_hub(struct evlog *l, int64_t hub_s)
{
	const int64_t tol = CAP_TIME_HUB_TOLERANCE_S * INT64_C(1000000);
	int64_t hub_us = hub_s * 1000000 + 500000, diff = hub_us - sys_wall_us(), step;
	enum sys_time_src was = sys_time_source();
	bool unc = sys_time_uncertain();
	struct json *j;

	if (diff <= tol && diff >= -tol && !unc)
		return false; /* the clock in use agrees */
	step = sys_time_learn(hub_us - (int64_t)sys_mono_us(), SYS_TIME_HUB);
	evlog_time_fix(l, unc);
	j = evlog_begin(l, "tanuki.time", "", "", 0, "", 0, "");
	json_cstr(j, "source", "hub");
	json_int(j, "offset_us", sys_time_offset_us());
	json_int(j, "step_us", step);
	json_cstr(j, "boot", l->boot);
	if (was == SYS_TIME_SNTP)
		json_cstr(j, "note", "the SNTP time differed from the hub's");
	evlog_commit(l);
	return true;
}

void evlog_init(struct evlog *l, struct store *st, const char *sensor)
{
	uint8_t r[8];
	size_t i;

	l->store = st;
	l->sensor = sensor;
	if (sys_random(r, sizeof r))
		memset(r, 0, sizeof r);
	for (i = 0; i < sizeof r; i++) {
		l->boot[2 * i] = "0123456789abcdef"[r[i] >> 4];
		l->boot[2 * i + 1] = "0123456789abcdef"[r[i] & 15];
	}
	l->boot[16] = '\0';
	buf_init(&l->buf, CAP_EVENT);
	st->note = on_store_note;
	st->note_arg = l;
}

void evlog_done(struct evlog *l)
{
	buf_free(&l->buf);
}
