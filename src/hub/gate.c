/* gate.c — connection and unauthenticated-byte accounting (see gate.h). */
#include "gate.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hub_limits.h"

int64_t gate_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int gate_init(struct gate *g, size_t max_body)
{
	memset(g, 0, sizeof(*g));
	g->n = HUB_CONN_SLOTS;
	g->c = calloc(g->n, sizeof(*g->c));
	if (!g->c)
		return -1;
	g->unauth_max = HUB_UNAUTH_MAX > max_body ? HUB_UNAUTH_MAX : max_body;
	g->unauth_src_max = HUB_UNAUTH_SRC > max_body ? HUB_UNAUTH_SRC : max_body;
	pthread_mutex_init(&g->mu, NULL);
	return 0;
}

void gate_free(struct gate *g)
{
	if (!g->c)
		return;
	pthread_mutex_destroy(&g->mu);
	free(g->c);
	g->c = NULL;
}

void gate_source(const struct sockaddr *sa, uint8_t out[16])
{
	static const uint8_t v4map[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(out, 0, 16);
	if (sa && sa->sa_family == AF_INET) {
		memcpy(out, v4map, 12);
		memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;

		if (!memcmp(a, v4map, 12))
			memcpy(out, a, 16); /* an IPv4 client on a dual socket */
		else
			memcpy(out, a, 8); /* one /64 is one source */
	}
}

static void cut(struct gate_conn *gc)
{
	if (!gc->cut)
		shutdown(gc->fd, SHUT_RDWR);
	gc->cut = true;
}

static size_t live_from(const struct gate *g, const uint8_t src[16])
{
	size_t i, n = 0;

	for (i = 0; i < g->n; i++)
		if (g->c[i].used && !g->c[i].cut && !memcmp(g->c[i].src, src, 16))
			n++;
	return n;
}

/* Evicts the oldest connection without a request in progress, from the
 * source holding most live connections. False when there is none. */
static bool evict_one(struct gate *g)
{
	struct gate_conn *best = NULL;
	size_t i, best_n = 0;

	for (i = 0; i < g->n; i++) {
		struct gate_conn *gc = &g->c[i];
		size_t n;

		if (!gc->used || gc->cut || gc->phase == GATE_REQUEST)
			continue;
		n = live_from(g, gc->src);
		if (!best || n > best_n || (n == best_n && gc->since_ms < best->since_ms))
			best = gc, best_n = n;
	}
	if (!best)
		return false;
	cut(best);
	g->st.evicted++;
	return true;
}

static void sweep(struct gate *g, int64_t now_ms)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		struct gate_conn *gc = &g->c[i];

		if (!gc->used || gc->cut)
			continue;
		if (gc->phase == GATE_HELLO && now_ms - gc->since_ms > HUB_HELLO_S * 1000) {
			cut(gc);
			g->st.cut_hello++;
		} else if (gc->phase == GATE_REQUEST && gc->unauth &&
			   now_ms - gc->since_ms > HUB_BODY_S * 1000) {
			cut(gc);
			g->st.cut_body++;
		}
	}
}

bool gate_accept(struct gate *g, const struct sockaddr *sa, int64_t now_ms)
{
	uint8_t src[16];
	size_t i, live = 0, used = 0;
	bool ok = true;

	gate_source(sa, src);
	pthread_mutex_lock(&g->mu);
	sweep(g, now_ms);
	for (i = 0; i < g->n; i++) {
		used += g->c[i].used;
		live += g->c[i].used && !g->c[i].cut;
	}
	if (live_from(g, src) >= HUB_CONN_PER_SRC) {
		g->st.refused_source++;
		ok = false;
	} else if (used >= g->n || (live >= HUB_CONN_MAX && !evict_one(g))) {
		g->st.refused_full++;
		ok = false;
	}
	pthread_mutex_unlock(&g->mu);
	return ok;
}

struct gate_conn *gate_open(struct gate *g, const struct sockaddr *sa, int fd, int64_t now_ms)
{
	struct gate_conn *gc = NULL;
	size_t i;

	pthread_mutex_lock(&g->mu);
	for (i = 0; i < g->n && !gc; i++)
		if (!g->c[i].used)
			gc = &g->c[i];
	if (gc) {
		memset(gc, 0, sizeof(*gc));
		gc->used = true;
		gc->fd = fd;
		gc->phase = GATE_HELLO;
		gc->since_ms = now_ms;
		gate_source(sa, gc->src);
	}
	pthread_mutex_unlock(&g->mu);
	return gc;
}

static void release(struct gate *g, struct gate_conn *gc)
{
	g->unauth -= gc->reserved;
	gc->reserved = 0;
	gc->unauth = false;
}

void gate_close(struct gate *g, struct gate_conn *gc)
{
	if (!gc)
		return;
	pthread_mutex_lock(&g->mu);
	release(g, gc);
	gc->used = false;
	pthread_mutex_unlock(&g->mu);
}

void gate_request(struct gate *g, struct gate_conn *gc, int64_t now_ms)
{
	if (!gc)
		return;
	pthread_mutex_lock(&g->mu);
	gc->phase = GATE_REQUEST;
	gc->since_ms = now_ms;
	pthread_mutex_unlock(&g->mu);
}

bool gate_reserve(struct gate *g, struct gate_conn *gc, size_t n)
{
	size_t i, src = 0;
	bool ok;

	if (!gc)
		return false;
	pthread_mutex_lock(&g->mu);
	for (i = 0; i < g->n; i++)
		if (g->c[i].used && !memcmp(g->c[i].src, gc->src, 16))
			src += g->c[i].reserved;
	ok = n <= g->unauth_max - g->unauth && n <= g->unauth_src_max - src;
	if (ok) {
		gc->reserved += n;
		g->unauth += n;
		gc->unauth = true;
	} else {
		g->st.refused_budget++;
	}
	pthread_mutex_unlock(&g->mu);
	return ok;
}

void gate_release(struct gate *g, struct gate_conn *gc)
{
	if (!gc)
		return;
	pthread_mutex_lock(&g->mu);
	release(g, gc);
	pthread_mutex_unlock(&g->mu);
}

void gate_done(struct gate *g, struct gate_conn *gc)
{
	if (!gc)
		return;
	pthread_mutex_lock(&g->mu);
	release(g, gc);
	gc->phase = GATE_IDLE;
	gc->since_ms = gate_now_ms();
	pthread_mutex_unlock(&g->mu);
}

void gate_sweep(struct gate *g, int64_t now_ms)
{
	pthread_mutex_lock(&g->mu);
	sweep(g, now_ms);
	pthread_mutex_unlock(&g->mu);
}

void gate_snapshot(struct gate *g, struct gate_stats *st, size_t *conns, size_t *unauth)
{
	size_t i, n = 0;

	pthread_mutex_lock(&g->mu);
	*st = g->st;
	for (i = 0; i < g->n; i++)
		n += g->c[i].used && !g->c[i].cut;
	*conns = n;
	*unauth = g->unauth;
	pthread_mutex_unlock(&g->mu);
}
