/* slots.c — who a session's source is, and which session gives up its
 * place when the table is full (issue 12: fair slots). See session.h. */
#include "net/session.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/net.h"

/* One source: the same IPv4 address (IPv4-mapped included), or the same
 * IPv6 /64 — a host in one prefix has 2^64 addresses to spread over. */
bool sess_same_source(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const uint8_t *pa, *pb;
	size_t n;

	if (a->ss_family == AF_INET6) {
		pa = ((const struct sockaddr_in6 *)(const void *)a)->sin6_addr.s6_addr;
		n = IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)pa) ? 4 : 8;
		if (n == 4)
			pa += 12;
	} else {
		pa = (const uint8_t *)&((const struct sockaddr_in *)(const void *)a)->sin_addr;
		n = 4;
	}
	if (b->ss_family == AF_INET6) {
		const uint8_t *q =
		    ((const struct sockaddr_in6 *)(const void *)b)->sin6_addr.s6_addr;
		bool mapped = IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)q);

		if ((n == 4) != mapped)
			return false;
		pb = mapped ? q + 12 : q;
	} else {
		if (n != 4)
			return false;
		pb = (const uint8_t *)&((const struct sockaddr_in *)(const void *)b)->sin_addr;
	}
	return memcmp(pa, pb, n) == 0;
}

unsigned sess_count_from(struct net *n, const struct sockaddr_storage *peer)
{
	struct session *s;
	unsigned k = 0;

	for (s = n->sessions; s; s = s->next)
		if (!s->closing && sess_same_source(&s->peer, peer))
			k++;
	return k;
}

bool sess_evict(struct net *n)
{
	struct session *s, *victim = NULL, *busiest = NULL;
	unsigned most = 0;

	for (s = n->sessions; s; s = s->next) {
		if (s->closing || s->logged_in)
			continue;
		if (!victim || s->last_ms < victim->last_ms)
			victim = s;
	}
	if (!victim) {
		/* every session is logged in: the source holding most gives
		 * up its longest-idle one */
		for (s = n->sessions; s; s = s->next) {
			unsigned k;

			if (s->closing)
				continue;
			k = sess_count_from(n, &s->peer);
			if (k > most || (k == most && busiest && s->last_ms < busiest->last_ms)) {
				most = k;
				busiest = s;
			}
		}
		victim = most > 1 ? busiest : NULL;
	}
	if (!victim)
		return false;
	sess_close(victim, true);
	return true;
}
