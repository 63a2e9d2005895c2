/* scan.c — SYN counting and scanner labels (scan.h). */
#include "net/scan.h"

#include <stdio.h>
#include <string.h>

#include "evlog/evlog.h"
#include "json.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static struct scan_src *find(struct scan_table *sc, uint32_t ip)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (sc->src[i].ip == ip)
			return &sc->src[i];
	if (sc->n == CAP_WAN_SCAN_ENTRIES)
		return NULL;
	memset(&sc->src[sc->n], 0, sizeof(sc->src[0]));
	sc->src[sc->n].ip = ip;
	return &sc->src[sc->n++];
}

static void add_port(struct scan_src *s, uint16_t port)
{
	unsigned i;

	for (i = 0; i < s->nports; i++)
		if (s->ports[i] == port) {
			s->port_syns[i]++;
			return;
		}
	if (s->nports < SCAN_PORTS) {
		s->port_syns[s->nports] = 1;
		s->ports[s->nports++] = port;
	} else {
		s->ports_more++;
	}
}

bool scan_frame(struct scan_table *sc, const uint8_t *f, size_t n, uint32_t self)
{
	const uint8_t *ip, *tcp;
	size_t ihl, left;
	uint32_t src, dst;
	struct scan_src *s;
	uint8_t labels = 0;

	/* Ethernet II, IPv4 (plain, or in a PPPoE session frame: RFC 2516's
	 * 6-byte header, PPP's protocol 0x0021), TCP; fragments other than
	 * the first carry no TCP header */
	if (n >= 22 + 20 && be16(f + 12) == 0x8864 && f[14] == 0x11 && f[15] == 0 &&
	    be16(f + 20) == 0x0021)
		ihl = 22;
	else if (n >= 14 + 20 && be16(f + 12) == 0x0800)
		ihl = 14;
	else
		return false;
	ip = f + ihl;
	left = n - ihl;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20 || left < ihl + 20 || ip[9] != 6 ||
	    (be16(ip + 6) & 0x1fff))
		return false;
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	if (self && dst != self)
		return false;
	tcp = ip + ihl;
	if ((tcp[13] & 0x12) != 0x02) /* SYN without ACK */
		return false;
	if (be32(tcp + 4) == be32(ip + 16))
		labels |= SCAN_MIRAI;
	if (be16(ip + 4) == 54321)
		labels |= SCAN_ZMAP;
	/* masscan: ip_id = dst ^ dst_port ^ seq, cut to 16 bits */
	if (be16(ip + 4) == (uint16_t)(be32(ip + 16) ^ be16(tcp + 2) ^ be32(tcp + 4)))
		labels |= SCAN_MASSCAN;
	sc->syns++;
	s = find(sc, src);
	if (!s) {
		sc->syns_uncounted++;
		return true;
	}
	s->syns++;
	s->labels |= labels;
	add_port(s, be16(tcp + 2));
	return true;
}

void scan_reset(struct scan_table *sc)
{
	sc->n = 0;
	sc->syns = 0;
	sc->syns_uncounted = 0;
}

static const char *const label_names[8] = {
    "",	       "mirai",		"zmap",		"mirai,zmap",
    "masscan", "mirai,masscan", "zmap,masscan", "mirai,zmap,masscan",
};

const char *scan_label(uint8_t labels)
{
	return label_names[labels & 7];
}

const char *scan_why(uint8_t labels)
{
	static const char *const why[8] = {
	    "",
	    "tcp seq equals the destination address",
	    "ip id 54321",
	    "tcp seq equals the destination address; ip id 54321",
	    "ip id is destination address ^ port ^ seq",
	    "tcp seq equals the destination address; ip id is destination address ^ port ^ seq",
	    "ip id 54321; ip id is destination address ^ port ^ seq",
	    "tcp seq equals the destination address; ip id 54321; ip id is destination address ^ "
	    "port ^ seq",
	};

	return why[labels & 7];
}

static void ntoa(uint32_t ip, char out[16])
{
	const uint8_t *b = (const uint8_t *)&ip; /* network byte order */

	snprintf(out, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static void total_add(struct scan_totals *t, const struct scan_src *s)
{
	unsigned k, i;

	t->syns += s->syns;
	t->sources++;
	for (k = 0; k < s->nports; k++) {
		for (i = 0; i < t->nports && t->ports[i] != s->ports[k]; i++)
			;
		if (i == t->nports && t->nports < SCAN_TOTAL_PORTS)
			t->ports[t->nports++] = s->ports[k];
		if (i < t->nports)
			t->port_syns[i] += s->port_syns[k];
		else
			t->syns_other_ports += s->port_syns[k];
	}
	if (s->labels) {
		for (i = 0; i < t->nlabelled && t->labelled[i].ip != s->ip; i++)
			;
		if (i == t->nlabelled) {
			i = t->next_label;
			t->next_label = (t->next_label + 1) % SCAN_TOTAL_LABELS;
			if (t->nlabelled < SCAN_TOTAL_LABELS)
				t->nlabelled++;
			t->labelled[i].labels = 0;
		}
		t->labelled[i].ip = s->ip;
		t->labelled[i].labels |= s->labels;
	}
}

void scan_write(struct scan_table *sc, struct scan_totals *tot, struct evlog *log, const char *self,
		unsigned period_ms, bool (*is_open)(void *arg, uint16_t port), void *arg)
{
	size_t i;

	for (i = 0; i < sc->n; i++) {
		const struct scan_src *s = &sc->src[i];
		char ip[16], ports[SCAN_PORTS * 6 + 2], by[SCAN_PORTS * 20 + 2];
		size_t n = 0, m = 0;
		unsigned k, open = 0;
		struct json *j;

		ntoa(s->ip, ip);
		ports[n++] = '[';
		by[m++] = '{';
		for (k = 0; k < s->nports; k++) {
			n += (size_t)snprintf(ports + n, sizeof ports - n, "%s%u", k ? "," : "",
					      s->ports[k]);
			m += (size_t)snprintf(by + m, sizeof by - m, "%s\"%u\":%u", k ? "," : "",
					      s->ports[k], (unsigned)s->port_syns[k]);
			open += is_open(arg, s->ports[k]);
		}
		ports[n++] = ']';
		by[m++] = '}';
		j = evlog_begin(log, "tanuki.scan", "", ip, 0, self, 0, "tcp");
		json_int(j, "syns", s->syns);
		json_raw(j, "ports", ports, n);
		json_raw(j, "by_port", by, m);
		json_int(j, "ports_more", s->ports_more);
		json_int(j, "ports_open", open);
		json_int(j, "period_ms", period_ms);
		json_cstr(j, "scanner", scan_label(s->labels));
		if (s->labels)
			json_cstr(j, "why", scan_why(s->labels));
		evlog_commit(log);
		total_add(tot, s);
	}
	if (sc->syns_uncounted) {
		struct json *j = evlog_begin(log, "tanuki.scan", "", "", 0, self, 0, "tcp");

		json_int(j, "syns", (int64_t)sc->syns_uncounted);
		json_cstr(j, "note", "sources past the table (CAP_WAN_SCAN_ENTRIES)");
		evlog_commit(log);
		tot->syns += sc->syns_uncounted;
		tot->syns_other_ports += sc->syns_uncounted;
	}
	scan_reset(sc);
}

void scan_status(const struct scan_totals *t, struct json *j)
{
	char b[SCAN_TOTAL_PORTS * 28 + SCAN_TOTAL_LABELS * 40 + 32];
	size_t n = 0;
	unsigned i;

	json_int(j, "scan_syns", (int64_t)t->syns);
	json_int(j, "scan_sources", (int64_t)t->sources);
	b[0] = '\0';
	for (i = 0; i < t->nports; i++)
		n += (size_t)snprintf(b + n, sizeof b - n, "%s%u:%llu", i ? " " : "", t->ports[i],
				      (unsigned long long)t->port_syns[i]);
	if (t->syns_other_ports)
		snprintf(b + n, sizeof b - n, "%sother:%llu", n ? " " : "",
			 (unsigned long long)t->syns_other_ports);
	json_cstr(j, "scan_ports", b);
	n = 0;
	b[0] = '\0';
	for (i = 0; i < t->nlabelled; i++) {
		char ip[16];

		ntoa(t->labelled[i].ip, ip);
		n += (size_t)snprintf(b + n, sizeof b - n, "%s%s %s", i ? ", " : "",
				      scan_label(t->labelled[i].labels), ip);
	}
	json_cstr(j, "scan_scanners", b);
}
