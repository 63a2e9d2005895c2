/* config.c — UCI config → struct config (see config.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "uci.h"

static const char *const proto_names[] = {
	[PROTO_TELNET] = "telnet",
	[PROTO_HG532] = "hg532",
	[PROTO_MINIIGD] = "miniigd",
};

const char *proto_name(enum proto p)
{
	return proto_names[p];
}

int cfg_bad(char *err, size_t errlen, const char *file, int line,
	    const char *what, const char *key)
{
	snprintf(err, errlen, "%s:%d: %s%s%s", file, line, what,
		 key ? ": " : "", key ? key : "");
	return -1;
}

static int set_str(char *dst, size_t cap, struct uci_sec *s, const char *key,
		   const char *file, char *err, size_t errlen)
{
	struct uci_opt *o = uci_get(s, key);

	if (!o)
		return 0;
	if (strlen(o->val) >= cap)
		return cfg_bad(err, errlen, file, o->line, "value too long", key);
	memcpy(dst, o->val, strlen(o->val) + 1);
	return 0;
}

int cfg_uint(unsigned *dst, struct uci_sec *s, const char *key,
	     unsigned long min, unsigned long max, unsigned long scale,
	     const char *file, char *err, size_t errlen)
{
	struct uci_opt *o = uci_get(s, key);
	unsigned long v;
	char *end;

	if (!o)
		return 0;
	errno = 0;
	v = strtoul(o->val, &end, 10);
	if (errno || end == o->val || *end || o->val[0] == '-' || v < min || v > max) {
		char msg[96];

		snprintf(msg, sizeof msg, "%s must be a number from %lu to %lu", key, min, max);
		return cfg_bad(err, errlen, file, o->line, msg, NULL);
	}
	*dst = (unsigned)(v * scale);
	return 0;
}

static bool name_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

static int load_main(struct config *c, struct uci_sec *s, char *err, size_t errlen)
{
	const char *f = c->path;
	unsigned delay = 0, mixed = 0;
	bool have_delay = uci_get(s, "fail_delay_ms") != NULL;

	if (set_str(c->store, sizeof c->store, s, "store", f, err, errlen) ||
	    set_str(c->sensor, sizeof c->sensor, s, "sensor", f, err, errlen) ||
	    set_str(c->persona, sizeof c->persona, s, "persona", f, err, errlen) ||
	    set_str(c->personas, sizeof c->personas, s, "personas", f, err, errlen) ||
	    cfg_uint(&c->max_sessions, s, "max_sessions", 1, CAP_SESSIONS * 4, 1, f, err, errlen) ||
	    cfg_uint(&c->max_per_src, s, "max_per_src", 1, CAP_SESSIONS * 4, 1, f, err, errlen) ||
	    cfg_uint(&c->idle_ms, s, "idle_s", 1, 86400, 1000, f, err, errlen) ||
	    cfg_uint(&c->session_ms, s, "session_s", 1, 86400, 1000, f, err, errlen) ||
	    cfg_uint(&delay, s, "fail_delay_ms", 0, 60000, 1, f, err, errlen) ||
	    cfg_uint(&c->max_tries, s, "max_tries", 1, 1000, 1, f, err, errlen) ||
	    cfg_uint(&c->fs_session, s, "fs_kb", 16, 65536, 1024, f, err, errlen) ||
	    cfg_uint(&c->fs_total, s, "fs_total_kb", 64, 262144, 1024, f, err, errlen) ||
	    cfg_uint(&c->sync_ms, s, "sync_s", 1, 3600, 1000, f, err, errlen) ||
	    /* store options (docs/store.md); sync_ms is for tests */
	    cfg_uint(&c->sync_ms, s, "sync_ms", 10, 3600000, 1, f, err, errlen) ||
	    cfg_uint(&c->quota_kb, s, "quota_kb", 64, 4194304, 1, f, err, errlen) ||
	    cfg_uint(&c->reserve_kb, s, "reserve_kb", 0, 4194304, 1, f, err, errlen) ||
	    cfg_uint(&c->segment_kb, s, "segment_kb", 4, 16384, 1, f, err, errlen) ||
	    cfg_uint(&c->seal_age_s, s, "seal_age_s", 1, 30 * 86400, 1, f, err, errlen) ||
	    cfg_uint(&mixed, s, "mixed", 0, 1, 1, f, err, errlen))
		return -1;
	c->mixed = mixed != 0;
	if (have_delay)
		c->fail_delay_ms = (int)delay;
	if (!name_ok(c->persona))
		return cfg_bad(err, errlen, f, uci_get(s, "persona")->line,
			   "persona names are [a-z0-9_-]", NULL);
	return 0;
}

static int load_listener(struct config *c, struct uci_sec *s, char *err, size_t errlen)
{
	struct cfg_listener *l;
	const char *f = c->path, *proto;
	unsigned port = 0;
	size_t i;
	uint8_t tmp[16];

	if (c->nlisteners >= CAP_LISTENERS)
		return cfg_bad(err, errlen, f, s->line, "too many listeners", NULL);
	l = &c->listeners[c->nlisteners++];
	memset(l, 0, sizeof(*l));
	l->line = s->line;
	snprintf(l->name, sizeof l->name, "%s", s->name[0] ? s->name : "listener");
	proto = uci_str(s, "proto", NULL);
	if (!proto)
		return cfg_bad(err, errlen, f, s->line, "listener needs option proto", NULL);
	for (i = 0; i < sizeof proto_names / sizeof *proto_names; i++)
		if (!strcmp(proto, proto_names[i]))
			break;
	if (i == sizeof proto_names / sizeof *proto_names)
		return cfg_bad(err, errlen, f, uci_get(s, "proto")->line, "unknown proto", proto);
	l->proto = (enum proto)i;
	snprintf(l->bind, sizeof l->bind, "0.0.0.0");
	if (set_str(l->bind, sizeof l->bind, s, "bind", f, err, errlen) ||
	    cfg_uint(&port, s, "port", 1, 65535, 1, f, err, errlen) ||
	    set_str(l->persona, sizeof l->persona, s, "persona", f, err, errlen))
		return -1;
	if (!port)
		return cfg_bad(err, errlen, f, s->line, "listener needs option port", NULL);
	l->port = (uint16_t)port;
	if (inet_pton(AF_INET, l->bind, tmp) != 1 && inet_pton(AF_INET6, l->bind, tmp) != 1)
		return cfg_bad(err, errlen, f, uci_get(s, "bind")->line,
			   "bind must be an IPv4 or IPv6 address", l->bind);
	if (!name_ok(l->persona))
		return cfg_bad(err, errlen, f, uci_get(s, "persona")->line,
			   "persona names are [a-z0-9_-]", NULL);
	for (i = 0; i + 1 < c->nlisteners; i++)
		if (c->listeners[i].port == l->port && !strcmp(c->listeners[i].bind, l->bind))
			return cfg_bad(err, errlen, f, s->line, "two listeners on the same address and port", NULL);
	return 0;
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	struct uci_file *uf;
	struct uci_sec *s;
	struct uci_opt *o;
	bool have_main = false, have_fetch = false, have_uplink = false;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof c->path, "%s", path);
	snprintf(c->store, sizeof c->store, "%s", TANUKI_DEFAULT_STORE);
	snprintf(c->sensor, sizeof c->sensor, "tanuki");
	snprintf(c->persona, sizeof c->persona, "%s", TANUKI_DEFAULT_PERSONA);
	snprintf(c->personas, sizeof c->personas, "%s", TANUKI_PERSONA_DIR);
	c->max_sessions = CAP_SESSIONS;
	c->max_per_src = CAP_PER_SRC;
	c->idle_ms = CAP_IDLE_MS;
	c->session_ms = CAP_SESSION_MS;
	c->fail_delay_ms = -1;
	c->fs_session = CAP_FS_SESSION;
	c->fs_total = CAP_FS_TOTAL;
	c->sync_ms = STORE_SYNC_MS;
	c->quota_kb = STORE_QUOTA / 1024;
	c->reserve_kb = STORE_RESERVE / 1024;
	c->segment_kb = STORE_SEGMENT_MAX / 1024;
	c->seal_age_s = STORE_SEAL_AGE_MS / 1000;

	uf = uci_load(path, err, errlen);
	if (!uf)
		return -1;
	for (s = uf->secs; s && !rc; s = s->next) {
		if (!strcmp(s->type, "tanuki")) {
			if (have_main)
				rc = cfg_bad(err, errlen, path, s->line, "second `config tanuki` section", NULL);
			else
				rc = load_main(c, s, err, errlen);
			have_main = true;
		} else if (!strcmp(s->type, "listener")) {
			rc = load_listener(c, s, err, errlen);
		} else if (!strcmp(s->type, "uplink")) {
			if (have_uplink)
				rc = cfg_bad(err, errlen, path, s->line, "second `config uplink` section", NULL);
			else
				rc = uplink_config(&c->uplink, s, path, err, errlen);
			have_uplink = true;
		} else if (!strcmp(s->type, "fetch")) {
			if (have_fetch)
				rc = cfg_bad(err, errlen, path, s->line, "second `config fetch` section", NULL);
			else
				rc = fetch_config(&c->fetch, s, path, err, errlen);
			have_fetch = true;
		} else if (!strcmp(s->type, "wan")) {
			if (c->wan.enabled)
				rc = cfg_bad(err, errlen, path, s->line, "second `config wan` section", NULL);
			else
				rc = wan_config(&c->wan, s, path, err, errlen);
		} else {
			/* sections of later features are read by their modules */
			continue;
		}
		for (o = s->opts; o && !rc; o = o->next)
			if (!o->used)
				rc = cfg_bad(err, errlen, path, o->line, "unknown option", o->key);
	}
	if (!rc && !have_main)
		rc = cfg_bad(err, errlen, path, 1, "no `config tanuki` section", NULL);
	if (!rc && !c->nlisteners)
		rc = cfg_bad(err, errlen, path, 1, "no listener configured", NULL);
	if (!rc && !c->store[0])
		rc = cfg_bad(err, errlen, path, 1, "option store is empty", NULL);
	uci_free(uf);
	return rc;
}
