/* agg.c — counting event lines into a summary (see agg.h). */
#include "uplink/agg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "isotime.h"
#include "jp.h"
#include "json.h"
#include "store/seal.h"

/* An event line is a flat object of ~15 members. */
#define AGG_JP_NODES 256
#define AGG_JP_DEPTH 4

static const uint32_t caps[AG_NKIND] = {
    [AG_CRED] = AGG_CREDS,	 [AG_SRC] = AGG_SOURCES,       [AG_CMD] = AGG_COMMANDS,
    [AG_BIN] = AGG_BINARIES,	 [AG_CVE] = AGG_EXPLOITS,      [AG_PORT] = AGG_PORTS,
    [AG_EVENT] = AGG_EVENTS,	 [AG_SYNPORT] = AGG_SYN_PORTS, [AG_SYNSRC] = AGG_SYN_SRCS,
    [AG_SCANNER] = AGG_SCANNERS,
};

/* the count maps of the summary's "counts" object, AG_PORT on (the syn_*
 * and scanner maps only when not empty: docs/hub.md) */
static const char *const map_names[AG_NKIND] = {
    [AG_PORT] = "by_port",   [AG_EVENT] = "by_event",  [AG_SYNPORT] = "syn_port",
    [AG_SYNSRC] = "syn_src", [AG_SCANNER] = "scanner",
};

void agg_init(struct agg *g, struct buf *raw, size_t raw_cap)
{
	size_t off = 0;
	int k;

	memset(g->t, 0, sizeof g->t);
	for (k = 0; k < AG_NKIND; k++) {
		g->t[k].rows = g->rows + off;
		g->t[k].cap = caps[k];
		off += caps[k];
	}
	g->raw = raw;
	g->raw_cap = raw_cap;
	agg_reset(g);
}

void agg_reset(struct agg *g)
{
	int k;

	for (k = 0; k < AG_NKIND; k++)
		g->t[k].n = 0;
	g->alen = 0;
	g->events = g->sessions = g->skipped = 0;
	if (g->raw)
		buf_reset(g->raw);
}

bool agg_empty(const struct agg *g)
{
	return g->events == 0 && g->skipped == 0;
}

static uint32_t fnv(const char *a, size_t an, const char *b, size_t bn)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < an; i++)
		h = (h ^ (uint8_t)a[i]) * 16777619u;
	h = (h ^ 0xffu) * 16777619u; /* separator: ("ab","c") ≠ ("a","bc") */
	for (i = 0; i < bn; i++)
		h = (h ^ (uint8_t)b[i]) * 16777619u;
	return h;
}

/* Cuts s to AGG_STR_MAX bytes without splitting a UTF-8 sequence (jp has
 * already checked it is valid). */
static size_t cut(const char *s, size_t n)
{
	size_t i = 0;

	if (n <= AGG_STR_MAX)
		return n;
	while (i < AGG_STR_MAX) {
		size_t l = json_utf8_len((const unsigned char *)s + i, n - i);

		if (!l || i + l > AGG_STR_MAX)
			break;
		i += l;
	}
	return i;
}

/* One planned increment; applied only when every one of an event fits. */
struct inc {
	enum agg_kind k;
	const char *a, *b;
	size_t an, bn;
	uint64_t add; /* count, or size for binaries */
	int64_t first;
	uint32_t hash;
	int32_t row; /* existing row, or -1 */
};

static int32_t find(const struct agg *g, const struct inc *x)
{
	const struct agg_tab *t = &g->t[x->k];
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		const struct agg_row *r = &t->rows[i];

		if (r->hash == x->hash && r->alen == x->an && r->blen == x->bn &&
		    !memcmp(g->arena + r->a, x->a, x->an) && !memcmp(g->arena + r->b, x->b, x->bn))
			return (int32_t)i;
	}
	return -1;
}

static void apply(struct agg *g, struct inc *x)
{
	struct agg_tab *t = &g->t[x->k];
	struct agg_row *r;

	if (x->row < 0) {
		r = &t->rows[t->n++];
		memset(r, 0, sizeof(*r));
		r->hash = x->hash;
		r->a = g->alen;
		r->alen = (uint32_t)x->an;
		memcpy(g->arena + g->alen, x->a, x->an);
		g->alen += (uint32_t)x->an;
		r->b = g->alen;
		r->blen = (uint32_t)x->bn;
		memcpy(g->arena + g->alen, x->b, x->bn);
		g->alen += (uint32_t)x->bn;
		r->first = x->first;
		if (x->k == AG_BIN) {
			r->count = x->add;
			return;
		}
	} else {
		r = &t->rows[x->row];
		if (x->k == AG_BIN) {
			if (x->first && (!r->first || x->first < r->first))
				r->first = x->first;
			return; /* the same binary again: first sighting wins */
		}
	}
	r->count += x->add;
}

static const char *str(const struct jdoc *d, const char *key, size_t *n)
{
	int32_t i = jp_get(d, 0, key);

	if (i < 0 || jp_node(d, i)->type != J_STR)
		return NULL;
	*n = jp_node(d, i)->slen;
	return jp_str(d, i);
}

static void plan(struct inc *x, enum agg_kind k, const char *a, size_t an, const char *b, size_t bn)
{
	memset(x, 0, sizeof(*x));
	x->k = k;
	x->a = a;
	x->an = cut(a, an);
	x->b = b ? b : "";
	x->bn = b ? cut(b, bn) : 0;
	x->add = 1;
	x->hash = fnv(x->a, x->an, x->b, x->bn);
}

static int64_t int_of(const struct jdoc *d, int32_t i)
{
	return i >= 0 && jp_node(d, i)->type == J_NUM && jp_node(d, i)->isint ? jp_node(d, i)->num
									      : -1;
}

/* tanuki.scan (net/scan.c): its SYNs per port, per source, per label and
 * source. Returns the increments planned into v (room for 2 + SCAN_PORTS
 * = 10); pbuf/lbuf keep the texts plan() points to. */
static size_t plan_scan(const struct jdoc *d, struct inc *v, char (*pbuf)[8], char *lbuf,
			size_t lcap)
{
	const char *ip, *lab;
	size_t ipn, labn, nv = 0;
	int64_t syns = int_of(d, jp_get(d, 0, "syns"));
	int32_t by = jp_get(d, 0, "by_port"), i;

	ip = str(d, "src_ip", &ipn);
	if (!ip || !ipn || syns < 0)
		return 0; /* the "sources past the table" line: no source */
	plan(&v[nv], AG_SYNSRC, ip, ipn, NULL, 0);
	v[nv++].add = (uint64_t)syns;
	lab = str(d, "scanner", &labn);
	if (lab && labn && labn + ipn + 2 <= lcap) {
		memcpy(lbuf, lab, labn);
		lbuf[labn] = ' ';
		memcpy(lbuf + labn + 1, ip, ipn);
		plan(&v[nv], AG_SCANNER, lbuf, labn + 1 + ipn, NULL, 0);
		v[nv++].add = (uint64_t)syns;
	}
	if (by < 0 || jp_node(d, by)->type != J_OBJ)
		return nv;
	for (i = jp_node(d, by)->child; i >= 0 && nv < 10; i = jp_node(d, i)->next) {
		const char *k = jp_key(d, i);
		int64_t c = int_of(d, i);
		unsigned long port = 0;
		size_t kl = jp_node(d, i)->klen, j;

		for (j = 0; j < kl && j < 5 && k[j] >= '0' && k[j] <= '9'; j++)
			port = port * 10 + (unsigned long)(k[j] - '0');
		if (!kl || j != kl || k[0] == '0' || port > 65535 || c <= 0)
			continue;
		memcpy(pbuf[nv], k, kl);
		plan(&v[nv], AG_SYNPORT, pbuf[nv], kl, NULL, 0);
		v[nv++].add = (uint64_t)c;
	}
	return nv;
}

int agg_add(struct agg *g, const char *line, size_t n)
{
	struct jdoc d;
	struct inc v[12];
	char pbuf[12][8], lbuf[96];
	size_t nv = 0, i, need_rows[AG_NKIND] = {0}, need_arena = 0;
	const char *eid, *a, *b;
	size_t eidn, an, bn;
	char port[8];
	int32_t pi;
	bool raw_ok;
	int64_t us;
	int rc = 0;

	if (jp_parse(&d, line, n, AGG_JP_NODES, AGG_JP_DEPTH, NULL) ||
	    jp_node(&d, 0)->type != J_OBJ || !(eid = str(&d, "eventid", &eidn))) {
		jp_free(&d);
		g->skipped++;
		return 0;
	}
	plan(&v[nv++], AG_EVENT, eid, eidn, NULL, 0);
	if (!strcmp(eid, "cowrie.session.connect")) {
		pi = jp_get(&d, 0, "dst_port");
		if (pi >= 0 && jp_node(&d, pi)->type == J_NUM && jp_node(&d, pi)->isint &&
		    jp_node(&d, pi)->num > 0 && jp_node(&d, pi)->num < 65536) {
			/* plan() keeps a pointer: the text lives in the arena copy */
			int pn = snprintf(port, sizeof port, "%" PRId64, jp_node(&d, pi)->num);

			plan(&v[nv++], AG_PORT, port, (size_t)pn, NULL, 0);
		}
		if ((a = str(&d, "src_ip", &an)))
			plan(&v[nv++], AG_SRC, a, an, NULL, 0);
	} else if (!strcmp(eid, "cowrie.login.failed") || !strcmp(eid, "cowrie.login.success")) {
		if ((a = str(&d, "username", &an)) && (b = str(&d, "password", &bn)))
			plan(&v[nv++], AG_CRED, a, an, b, bn);
	} else if (!strcmp(eid, "cowrie.command.input")) {
		if ((a = str(&d, "input", &an)))
			plan(&v[nv++], AG_CMD, a, an, NULL, 0);
	} else if (!strcmp(eid, "tanuki.exploit")) {
		if ((a = str(&d, "cve", &an)))
			plan(&v[nv++], AG_CVE, a, an, NULL, 0);
	} else if (!strcmp(eid, "tanuki.scan")) {
		nv += plan_scan(&d, v + nv, pbuf + nv, lbuf, sizeof lbuf);
	} else if (!strcmp(eid, "cowrie.session.file_download")) {
		int32_t si = jp_get(&d, 0, "size");

		if ((a = str(&d, "shasum", &an)) && an == 64 && si >= 0 &&
		    jp_node(&d, si)->type == J_NUM && jp_node(&d, si)->isint &&
		    jp_node(&d, si)->num >= 0) {
			b = str(&d, "url", &bn);
			plan(&v[nv], AG_BIN, a, an, b, b ? bn : 0);
			v[nv].add = (uint64_t)jp_node(&d, si)->num;
			if ((b = str(&d, "timestamp", &bn)) && iso_parse(b, bn, &us))
				v[nv].first = us / 1000000;
			nv++;
		}
	}
	for (i = 0; i < nv; i++) {
		v[i].row = find(g, &v[i]);
		if (v[i].row < 0) {
			need_rows[v[i].k]++;
			need_arena += v[i].an + v[i].bn;
		}
	}
	for (i = 0; i < AG_NKIND; i++)
		if (g->t[i].n + need_rows[i] > g->t[i].cap)
			rc = AGG_FULL;
	if (g->alen + need_arena > AGG_ARENA)
		rc = AGG_FULL;
	raw_ok = !g->raw || g->raw->len + n + 2 <= g->raw_cap;
	if (!raw_ok && !agg_empty(g))
		rc = AGG_FULL;
	if (rc == AGG_FULL && agg_empty(g))
		rc = 0; /* cannot happen with the sizes above; never loop on one line */
	if (rc == 0) {
		for (i = 0; i < nv; i++) {
			if (g->alen + v[i].an + v[i].bn > AGG_ARENA ||
			    (v[i].row < 0 && g->t[v[i].k].n >= g->t[v[i].k].cap))
				continue;
			apply(g, &v[i]);
		}
		g->events++;
		if (!strcmp(eid, "cowrie.session.connect"))
			g->sessions++;
		if (g->raw && raw_ok) {
			if (g->raw->len)
				buf_addc(g->raw, ',');
			buf_add(g->raw, line, n);
		}
	}
	jp_free(&d);
	return rc;
}

/* --------------------------------------------------------------- render */

static int jstr(struct buf *o, const char *s, size_t n)
{
	return buf_addc(o, '"') | json_escape(o, s, n) | buf_addc(o, '"');
}

static const struct agg_row *row(const struct agg *g, enum agg_kind k, uint32_t i)
{
	return &g->t[k].rows[i];
}

static int list(const struct agg *g, struct buf *o, enum agg_kind k, const char *name,
		const char *ka, const char *kb)
{
	uint32_t i;
	int e = 0;

	e |= buf_printf(o, ",\"%s\":[", name);
	for (i = 0; i < g->t[k].n; i++) {
		const struct agg_row *r = row(g, k, i);

		e |= buf_printf(o, "%s{\"%s\":", i ? "," : "", ka);
		e |= jstr(o, g->arena + r->a, r->alen);
		if (kb) {
			e |= buf_printf(o, ",\"%s\":", kb);
			e |= jstr(o, g->arena + r->b, r->blen);
		}
		e |= buf_printf(o, ",\"count\":%" PRIu64 "}", r->count);
	}
	e |= buf_addc(o, ']');
	return e;
}

int agg_render(const struct agg *g, const struct agg_head *h, struct buf *o)
{
	size_t start = o->len;
	uint32_t i;
	int k, e = 0;

	e |= buf_adds(o, "{\"device\":");
	e |= jstr(o, h->device, strlen(h->device));
	e |= buf_printf(o,
			",\"seq\":%" PRIu64 ",\"period\":{\"from\":%" PRId64 ",\"to\":%" PRId64 "}",
			h->seq, h->from, h->to);
	e |= buf_adds(o, ",\"version\":");
	e |= jstr(o, h->version, strlen(h->version));
	e |= buf_adds(o, ",\"persona\":");
	e |= jstr(o, h->persona, strlen(h->persona));
	e |= buf_printf(o,
			",\"uptime_s\":%" PRIu64 ",\"store\":{\"used_kb\":%" PRIu64
			",\"quota_kb\":%" PRIu64 ",\"evictions\":%" PRIu64
			",\"events_dropped\":%" PRIu64 "}",
			h->uptime_s, h->used_kb, h->quota_kb, h->evictions, h->dropped);
	for (k = AG_PORT; k <= AG_SCANNER; k++) {
		if (k > AG_EVENT && !g->t[k].n)
			continue;
		e |=
		    buf_printf(o, "%s\"%s\":{", k == AG_PORT ? ",\"counts\":{" : ",", map_names[k]);
		for (i = 0; i < g->t[k].n; i++) {
			const struct agg_row *r = row(g, (enum agg_kind)k, i);

			e |= buf_adds(o, i ? "," : "");
			e |= jstr(o, g->arena + r->a, r->alen);
			e |= buf_printf(o, ":%" PRIu64, r->count);
		}
		e |= buf_addc(o, '}');
	}
	e |= buf_addc(o, '}');
	e |= list(g, o, AG_CRED, "credentials", "username", "password");
	e |= list(g, o, AG_SRC, "sources", "ip", NULL);
	e |= list(g, o, AG_CMD, "commands", "input", NULL);
	e |= list(g, o, AG_CVE, "exploits", "cve", NULL);
	e |= buf_adds(o, ",\"binaries\":[");
	for (i = 0; i < g->t[AG_BIN].n; i++) {
		const struct agg_row *r = row(g, AG_BIN, i);

		e |= buf_adds(o, i ? ",{\"sha256\":" : "{\"sha256\":");
		e |= jstr(o, g->arena + r->a, r->alen);
		e |= buf_printf(o, ",\"size\":%" PRIu64, r->count);
		if (r->blen) {
			e |= buf_adds(o, ",\"url\":");
			e |= jstr(o, g->arena + r->b, r->blen);
		}
		if (r->first > 0)
			e |= buf_printf(o, ",\"first_seen\":%" PRId64, r->first);
		e |= buf_addc(o, '}');
	}
	e |= buf_printf(o, "],\"sessions\":%" PRIu64 ",\"events_counted\":%" PRIu64, g->sessions,
			g->events);
	if (g->raw) {
		e |= buf_adds(o, ",\"events\":[");
		e |= buf_add(o, g->raw->p ? g->raw->p : "", g->raw->len);
		e |= buf_addc(o, ']');
	}
	e |= buf_addc(o, '}');
	if (e) {
		o->len = start;
		if (o->p)
			o->p[start] = '\0';
		return -ENOBUFS;
	}
	return 0;
}
