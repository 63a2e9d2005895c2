/* scan.c — SYN counting and scanner labels (scan.h). */
#include "net/scan.h"

#include <string.h>

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
		if (s->ports[i] == port)
			return;
	if (s->nports < SCAN_PORTS)
		s->ports[s->nports++] = port;
	else
		s->ports_more++;
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

const char *scan_label(uint8_t labels)
{
	switch (labels & (SCAN_MIRAI | SCAN_ZMAP)) {
	case SCAN_MIRAI:
		return "mirai";
	case SCAN_ZMAP:
		return "zmap";
	case SCAN_MIRAI | SCAN_ZMAP:
		return "mirai,zmap";
	default:
		return "";
	}
}
