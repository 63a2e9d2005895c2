/* evlog.c — the event writer (see evlog.h). */
#include "evlog/evlog.h"

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

void evlog_init(struct evlog *l, struct store *st, const char *sensor)
{
	l->store = st;
	l->sensor = sensor;
	buf_init(&l->buf, CAP_EVENT);
	st->note = on_store_note;
	st->note_arg = l;
}

void evlog_done(struct evlog *l)
{
	buf_free(&l->buf);
}
