/* config.c — UCI config → struct config (see config.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "strparse.h"
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

int cfg_bad(char *err, size_t errlen, const char *file, int line, const char *what, const char *key)
{
	snprintf(err, errlen, "%s:%d: %s%s%s", file, line, what, key ? ": " : "", key ? key : "");
	return -1;
}

static int set_str(char *dst, size_t cap, struct uci_sec *s, const char *key, const char *file,
		   char *err, size_t errlen)
{
	struct uci_opt *o = uci_get(s, key);

	if (!o)
		return 0;
	if (strlen(o->val) >= cap)
		return cfg_bad(err, errlen, file, o->line, "value too long", key);
	memcpy(dst, o->val, strlen(o->val) + 1);
	return 0;
}

int cfg_uint(unsigned *dst, struct uci_sec *s, const char *key, unsigned long min,
	     unsigned long max, unsigned long scale, const char *file, char *err, size_t errlen)
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

/* ---------- the option tables ---------- */

#define MAIN(n, f) #n, .off = offsetof(struct config, f)
#define UINT_OPT(n, f, lo, hi, sc, d)                                                              \
	{                                                                                          \
		MAIN(n, f), .type = CFG_UINT, .min = lo, .max = hi, .scale = sc, .def = d          \
	}
#define STR_OPT(n, f, d)                                                                           \
	{                                                                                          \
		MAIN(n, f), .type = CFG_STR, .len = sizeof(((struct config *)0)->f), .sdef = d     \
	}

const struct cfg_attr cfg_main_attrs[] = {
    STR_OPT(store, store, TANUKI_DEFAULT_STORE),
    STR_OPT(sensor, sensor, "tanuki"),
    STR_OPT(persona, persona, TANUKI_DEFAULT_PERSONA),
    STR_OPT(personas, personas, TANUKI_PERSONA_DIR),
    UINT_OPT(max_sessions, max_sessions, 1, CAP_SESSIONS * 4, 1, CAP_SESSIONS),
    UINT_OPT(max_per_src, max_per_src, 1, CAP_SESSIONS * 4, 1, CAP_PER_SRC),
    UINT_OPT(idle_s, idle_ms, 1, 86400, 1000, CAP_IDLE_MS / 1000),
    UINT_OPT(session_s, session_ms, 1, 86400, 1000, CAP_SESSION_MS / 1000),
    /* -1: the persona's own */
    {MAIN(fail_delay_ms, fail_delay_ms), .type = CFG_INT, .min = 0, .max = 60000, .scale = 1,
     .def = -1},
    /* 0: the persona's own */
    UINT_OPT(max_tries, max_tries, 1, 1000, 1, 0),
    UINT_OPT(fs_kb, fs_session, 16, 65536, 1024, CAP_FS_SESSION / 1024),
    UINT_OPT(fs_total_kb, fs_total, 64, 262144, 1024, CAP_FS_TOTAL / 1024),
    UINT_OPT(mem_kb, mem_session, 512, 65536, 1024, CAP_MEM_SESSION / 1024),
    UINT_OPT(mem_total_kb, mem_total, 1024, 1048576, 1024, CAP_MEM_TOTAL / 1024),
    UINT_OPT(login_s, login_ms, 0, 3600, 1000, CAP_LOGIN_MS / 1000),
    UINT_OPT(sync_s, sync_ms, 1, 3600, 1000, STORE_SYNC_MS / 1000),
    /* store options (docs/store.md); sync_ms is for tests and wins over sync_s */
    UINT_OPT(sync_ms, sync_ms, 10, 3600000, 1, STORE_SYNC_MS),
    UINT_OPT(quota_kb, quota_kb, 64, 4194304, 1, STORE_QUOTA / 1024),
    UINT_OPT(reserve_kb, reserve_kb, 0, 4194304, 1, STORE_RESERVE / 1024),
    UINT_OPT(segment_kb, segment_kb, 4, 16384, 1, STORE_SEGMENT_MAX / 1024),
    UINT_OPT(seal_age_s, seal_age_s, 1, 30 * 86400, 1, STORE_SEAL_AGE_MS / 1000),
    {MAIN(mixed, mixed), .type = CFG_BOOL, .min = 0, .max = 1, .scale = 1, .def = 0},
};
const size_t cfg_main_nattrs = sizeof cfg_main_attrs / sizeof *cfg_main_attrs;

#define LST(n, f) #n, .off = offsetof(struct cfg_listener, f)

const struct cfg_attr cfg_listener_attrs[] = {
    {LST(proto, proto), .type = CFG_ENUM, .names = proto_names,
     .nnames = sizeof proto_names / sizeof *proto_names, .flags = CFG_REQUIRED},
    {LST(bind, bind), .type = CFG_STR, .len = sizeof(((struct cfg_listener *)0)->bind),
     .sdef = "0.0.0.0"},
    {LST(port, port), .type = CFG_U16, .min = 1, .max = 65535, .scale = 1, .flags = CFG_REQUIRED},
    /* empty: the unit's persona */
    {LST(persona, persona), .type = CFG_STR, .len = sizeof(((struct cfg_listener *)0)->persona),
     .sdef = ""},
};
const size_t cfg_listener_nattrs = sizeof cfg_listener_attrs / sizeof *cfg_listener_attrs;

static const char *const wan_protos[] = {
    [WAN_DHCP] = "dhcp",
    [WAN_STATIC] = "static",
    [WAN_PPPOE] = "pppoe",
};

#define WAN(n, f) #n, .off = offsetof(struct wan_cfg, f)

const struct cfg_attr cfg_wan_attrs[] = {
    {WAN(ifname, ifname), .type = CFG_STR, .len = sizeof(((struct wan_cfg *)0)->ifname),
     .flags = CFG_REQUIRED},
    {WAN(tap, tap), .type = CFG_BOOL, .min = 0, .max = 1, .scale = 1, .def = 0},
    {WAN(proto, proto), .type = CFG_ENUM, .names = wan_protos,
     .nnames = sizeof wan_protos / sizeof *wan_protos, .def = WAN_DHCP},
    {WAN(ipaddr, ip), .type = CFG_IP4},
    {WAN(netmask, mask), .type = CFG_IP4},
    {WAN(gateway, gw), .type = CFG_IP4},
    {WAN(username, username), .type = CFG_STR, .len = CAP_PPP_NAME, .sdef = ""},
    {WAN(password, password), .type = CFG_STR, .len = CAP_PPP_NAME, .sdef = ""},
    {WAN(service, service), .type = CFG_STR, .len = CAP_PPP_NAME, .sdef = ""},
    {WAN(ac, ac), .type = CFG_STR, .len = CAP_PPP_NAME, .sdef = ""},
    {WAN(keepalive, keepalive), .type = CFG_STR, .len = 16, .sdef = CAP_PPP_KEEPALIVE},
    {WAN(scan_s, scan_ms), .type = CFG_UINT, .min = 1, .max = 86400, .scale = 1000,
     .def = CAP_WAN_SCAN_MS / 1000},
    /* for tests (sub-second periods); wins over scan_s */
    {WAN(scan_ms, scan_ms), .type = CFG_UINT, .min = 50, .max = 86400000, .scale = 1,
     .def = CAP_WAN_SCAN_MS},
};
const size_t cfg_wan_nattrs = sizeof cfg_wan_attrs / sizeof *cfg_wan_attrs;

#define TIME(n, f) #n, .off = offsetof(struct time_cfg, f)

/* `list ntp` is read apart (load_time) */
const struct cfg_attr cfg_time_attrs[] = {
    {TIME(port, port), .type = CFG_U16, .min = 1, .max = 65535, .scale = 1, .def = 123},
    {TIME(interval_s, interval_ms), .type = CFG_UINT, .min = 16, .max = 7 * 86400, .scale = 1000,
     .def = 3600},
    {TIME(retry_ms, retry_ms), .type = CFG_UINT, .min = 100, .max = 600000, .scale = 1,
     .def = 5000},
};
const size_t cfg_time_nattrs = sizeof cfg_time_attrs / sizeof *cfg_time_attrs;

void cfg_defaults(void *dst, const struct cfg_attr *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *p = (char *)dst + t[i].off;

		if (t[i].flags & CFG_REQUIRED)
			continue;
		switch (t[i].type) {
		case CFG_STR:
			snprintf(p, t[i].len, "%s", t[i].sdef);
			break;
		case CFG_UINT:
			*(unsigned *)(void *)p = (unsigned)(t[i].def * (long)t[i].scale);
			break;
		case CFG_INT:
			*(int *)(void *)p = (int)(t[i].def * (long)t[i].scale);
			break;
		case CFG_BOOL:
			*(bool *)(void *)p = t[i].def != 0;
			break;
		case CFG_U16:
			*(uint16_t *)(void *)p = (uint16_t)t[i].def;
			break;
		case CFG_ENUM:
			*(int *)(void *)p = (int)t[i].def;
			break;
		case CFG_IP4:
			*(uint32_t *)(void *)p = 0;
			break;
		}
	}
}

static int apply_one(char *p, const struct cfg_attr *a, struct uci_sec *s, const char *file,
		     char *err, size_t errlen)
{
	struct uci_opt *o;
	unsigned v = 0;
	size_t i;

	if (a->type == CFG_STR)
		return set_str(p, a->len, s, a->name, file, err, errlen);
	if (!(o = uci_get(s, a->name)))
		return 0;
	if (a->type == CFG_ENUM) {
		char what[48];

		for (i = 0; i < a->nnames; i++)
			if (!strcmp(o->val, a->names[i])) {
				*(int *)(void *)p = (int)i;
				return 0;
			}
		snprintf(what, sizeof what, "unknown %s", a->name);
		return cfg_bad(err, errlen, file, o->line, what, o->val);
	}
	if (a->type == CFG_IP4) {
		struct in_addr ia;
		char what[48];

		if (inet_pton(AF_INET, o->val, &ia) != 1) {
			snprintf(what, sizeof what, "%s is not an IPv4 address", a->name);
			return cfg_bad(err, errlen, file, o->line, what, o->val);
		}
		memcpy(p, &ia.s_addr, sizeof ia.s_addr);
		return 0;
	}
	if (cfg_uint(&v, s, a->name, a->min, a->max, a->scale ? a->scale : 1, file, err, errlen))
		return -1;
	switch (a->type) {
	case CFG_UINT:
		*(unsigned *)(void *)p = v;
		break;
	case CFG_INT:
		*(int *)(void *)p = (int)v;
		break;
	case CFG_BOOL:
		*(bool *)(void *)p = v != 0;
		break;
	case CFG_U16:
		*(uint16_t *)(void *)p = (uint16_t)v;
		break;
	default:
		break;
	}
	return 0;
}

int cfg_apply(void *dst, const struct cfg_attr *t, size_t n, struct uci_sec *s, const char *file,
	      char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (apply_one((char *)dst + t[i].off, &t[i], s, file, err, errlen))
			return -1;
	return 0;
}

/* ---------- sections ---------- */

static bool name_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

static int load_main(struct config *c, struct uci_sec *s, char *err, size_t errlen)
{
	if (cfg_apply(c, cfg_main_attrs, cfg_main_nattrs, s, c->path, err, errlen))
		return -1;
	if (!name_ok(c->persona))
		return cfg_bad(err, errlen, c->path, uci_get(s, "persona")->line,
			       "persona names are [a-z0-9_-]", NULL);
	return 0;
}

static int load_listener(struct config *c, struct uci_sec *s, char *err, size_t errlen)
{
	struct cfg_listener *l;
	const char *f = c->path;
	size_t i;
	uint8_t tmp[16];

	if (c->nlisteners >= CAP_LISTENERS)
		return cfg_bad(err, errlen, f, s->line, "too many listeners", NULL);
	l = &c->listeners[c->nlisteners++];
	memset(l, 0, sizeof(*l));
	l->line = s->line;
	snprintf(l->name, sizeof l->name, "%s", s->name[0] ? s->name : "listener");
	if (!uci_get(s, "proto"))
		return cfg_bad(err, errlen, f, s->line, "listener needs option proto", NULL);
	cfg_defaults(l, cfg_listener_attrs, cfg_listener_nattrs);
	if (cfg_apply(l, cfg_listener_attrs, cfg_listener_nattrs, s, f, err, errlen))
		return -1;
	if (!l->port)
		return cfg_bad(err, errlen, f, s->line, "listener needs option port", NULL);
	if (inet_pton(AF_INET, l->bind, tmp) != 1 && inet_pton(AF_INET6, l->bind, tmp) != 1)
		return cfg_bad(err, errlen, f, uci_get(s, "bind")->line,
			       "bind must be an IPv4 or IPv6 address", l->bind);
	if (!name_ok(l->persona))
		return cfg_bad(err, errlen, f, uci_get(s, "persona")->line,
			       "persona names are [a-z0-9_-]", NULL);
	for (i = 0; i + 1 < c->nlisteners; i++)
		if (c->listeners[i].port == l->port && !strcmp(c->listeners[i].bind, l->bind))
			return cfg_bad(err, errlen, f, s->line,
				       "two listeners on the same address and port", NULL);
	return 0;
}

static bool mask_ok(uint32_t m)
{
	uint32_t h = ntohl(m);

	return h && !(~h & (~h + 1)); /* ones, then zeros */
}

/* proto pppoe: a user name (PAP/CHAP), and OpenWrt's `keepalive 'FAILS
 * INTERVAL'` (LCP echo requests: INTERVAL s apart, FAILS unanswered end the
 * link; '0' turns them off). The PPP options are for proto pppoe only. */
static int load_wan_ppp(struct wan_cfg *w, struct uci_sec *s, const char *f, char *err,
			size_t errlen)
{
	static const char *const ppp_opts[] = {"username", "password", "service", "ac",
					       "keepalive"};
	struct uci_opt *o = uci_get(s, "keepalive");
	uint64_t fails, secs = 0;
	struct sp c;
	size_t i;

	if (w->proto != WAN_PPPOE) {
		for (i = 0; i < sizeof ppp_opts / sizeof *ppp_opts; i++)
			if ((o = uci_get(s, ppp_opts[i])))
				return cfg_bad(err, errlen, f, o->line, "option is for proto pppoe",
					       ppp_opts[i]);
		return 0;
	}
	if (!w->username[0])
		return cfg_bad(err, errlen, f, s->line, "proto pppoe needs option", "username");
	sp_init(&c, w->keepalive, strlen(w->keepalive));
	if (sp_dec(&c, 255, &fails) ||
	    (fails && (!sp_skip(&c, ' ') || sp_dec(&c, 255, &secs) || !secs)) || !sp_eof(&c))
		return cfg_bad(err, errlen, f, o ? o->line : s->line,
			       "option keepalive is 'FAILS INTERVAL' (1-255 each) or '0'", NULL);
	w->echo_fails = (unsigned)fails;
	w->echo_s = fails ? (unsigned)secs : 0;
	return 0;
}

static int load_wan(struct wan_cfg *w, struct uci_sec *s, const char *f, char *err, size_t errlen)
{
	struct uci_opt *o = uci_get(s, "ifname");
	size_t i;

	memset(w, 0, sizeof(*w));
	w->line = s->line;
	cfg_defaults(w, cfg_wan_attrs, cfg_wan_nattrs);
	if (cfg_apply(w, cfg_wan_attrs, cfg_wan_nattrs, s, f, err, errlen))
		return -1;
	if (!w->ifname[0])
		return cfg_bad(err, errlen, f, o ? o->line : s->line,
			       "option ifname must name an interface (1-15 characters)", NULL);
	for (i = 0; w->ifname[i]; i++)
		if (w->ifname[i] == '/' || w->ifname[i] == ':' || w->ifname[i] <= ' ')
			return cfg_bad(err, errlen, f, o->line, "bad interface name", w->ifname);
	if (w->proto == WAN_STATIC) {
		if (!uci_get(s, "ipaddr"))
			return cfg_bad(err, errlen, f, s->line, "proto static needs option",
				       "ipaddr");
		if (!(o = uci_get(s, "netmask")))
			return cfg_bad(err, errlen, f, s->line, "proto static needs option",
				       "netmask");
		if (!mask_ok(w->mask))
			return cfg_bad(err, errlen, f, o->line, "option netmask is not a netmask",
				       NULL);
	} else if (uci_get(s, "ipaddr") || uci_get(s, "netmask") || uci_get(s, "gateway")) {
		return cfg_bad(err, errlen, f, s->line,
			       "ipaddr/netmask/gateway are for proto static", NULL);
	}
	if (load_wan_ppp(w, s, f, err, errlen))
		return -1;
	w->enabled = true;
	return 0;
}

static int load_time(struct time_cfg *t, struct uci_sec *s, const char *f, char *err, size_t errlen)
{
	struct uci_opt *o;

	memset(t, 0, sizeof(*t));
	t->line = s->line;
	cfg_defaults(t, cfg_time_attrs, cfg_time_nattrs);
	if (cfg_apply(t, cfg_time_attrs, cfg_time_nattrs, s, f, err, errlen))
		return -1;
	for (o = s->opts; o; o = o->next) {
		struct in_addr ia;

		if (strcmp(o->key, "ntp"))
			continue;
		o->used = true;
		/* addresses only: the WAN stack has no resolver of its own */
		if (inet_pton(AF_INET, o->val, &ia) != 1 || !ia.s_addr)
			return cfg_bad(err, errlen, f, o->line, "ntp is not an IPv4 address",
				       o->val);
		if (t->nntp == CAP_TIME_SERVERS)
			return cfg_bad(err, errlen, f, o->line, "too many ntp servers (max 4)",
				       NULL);
		t->ntp[t->nntp++] = ia.s_addr;
	}
	t->enabled = true;
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
	cfg_defaults(c, cfg_main_attrs, cfg_main_nattrs);

	uf = uci_load(path, err, errlen);
	if (!uf)
		return -1;
	for (s = uf->secs; s && !rc; s = s->next) {
		if (!strcmp(s->type, "tanuki")) {
			if (have_main)
				rc = cfg_bad(err, errlen, path, s->line,
					     "second `config tanuki` section", NULL);
			else
				rc = load_main(c, s, err, errlen);
			have_main = true;
		} else if (!strcmp(s->type, "listener")) {
			rc = load_listener(c, s, err, errlen);
		} else if (!strcmp(s->type, "uplink")) {
			if (have_uplink)
				rc = cfg_bad(err, errlen, path, s->line,
					     "second `config uplink` section", NULL);
			else
				rc = uplink_config(&c->uplink, s, path, err, errlen);
			have_uplink = true;
		} else if (!strcmp(s->type, "fetch")) {
			if (have_fetch)
				rc = cfg_bad(err, errlen, path, s->line,
					     "second `config fetch` section", NULL);
			else
				rc = fetch_config(&c->fetch, s, path, err, errlen);
			have_fetch = true;
		} else if (!strcmp(s->type, "wan")) {
			if (c->wan.enabled)
				rc = cfg_bad(err, errlen, path, s->line,
					     "second `config wan` section", NULL);
			else
				rc = load_wan(&c->wan, s, path, err, errlen);
		} else if (!strcmp(s->type, "time")) {
			if (c->time.enabled)
				rc = cfg_bad(err, errlen, path, s->line,
					     "second `config time` section", NULL);
			else
				rc = load_time(&c->time, s, path, err, errlen);
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
	if (!rc && c->time.nntp && !c->wan.enabled)
		rc = cfg_bad(err, errlen, path, c->time.line,
			     "config time: SNTP runs over the WAN stack: needs `config wan`", NULL);
	if (!rc && !c->store[0])
		rc = cfg_bad(err, errlen, path, 1, "option store is empty", NULL);
	uci_free(uf);
	return rc;
}
