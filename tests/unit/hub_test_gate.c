/* hub_test_gate.c — the connection gate (src/hub/gate.c): per-source caps
 * (IPv4 address, IPv6 /64), eviction of the oldest idle connection of the
 * biggest source when the table is full, the hello/body deadlines and the
 * unauthenticated-bytes account. Connections are socketpairs: a cut one
 * reads EOF on the other end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gate.h"
#include "hub_limits.h"

struct peer {
	int fd[2];
	struct gate_conn *gc;
};

static void v4(struct sockaddr_in *sa, const char *ip)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sa->sin_addr);
}

static void v6(struct sockaddr_in6 *sa, const char *ip)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	inet_pton(AF_INET6, ip, &sa->sin6_addr);
}

/* Accepts and opens one connection from sa; false when refused. */
static bool conn(struct gate *g, const struct sockaddr *sa, struct peer *p, int64_t now)
{
	if (!gate_accept(g, sa, now))
		return false;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p->fd), 0);
	p->gc = gate_open(g, sa, p->fd[0], now);
	assert_non_null(p->gc);
	return true;
}

static bool was_cut(struct peer *p)
{
	char c;
	struct timeval tv = {0, 1000};

	setsockopt(p->fd[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return recv(p->fd[1], &c, 1, 0) == 0;
}

static void done(struct gate *g, struct peer *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].gc) {
			gate_close(g, p[i].gc);
			close(p[i].fd[0]);
			close(p[i].fd[1]);
		}
}

static void t_per_source(void **state)
{
	static struct peer p[HUB_CONN_PER_SRC + 1], q[HUB_CONN_PER_SRC + 1];
	struct sockaddr_in a, b;
	struct sockaddr_in6 x, y, z;
	struct gate g;
	int i;

	(void)state;
	assert_int_equal(gate_init(&g, 1024 * 1024), 0);
	v4(&a, "198.18.0.1");
	v4(&b, "198.18.0.2");
	for (i = 0; i < HUB_CONN_PER_SRC; i++)
		assert_true(conn(&g, (struct sockaddr *)&a, &p[i], 0));
	assert_false(gate_accept(&g, (struct sockaddr *)&a, 0));
	assert_true(conn(&g, (struct sockaddr *)&b, &p[HUB_CONN_PER_SRC], 0));
	/* one /64 is one source; another /64 is another */
	v6(&x, "2001:db8:0:1::1");
	v6(&y, "2001:db8:0:1:ffff::2");
	v6(&z, "2001:db8:0:2::1");
	for (i = 0; i < HUB_CONN_PER_SRC; i++)
		assert_true(conn(&g, (struct sockaddr *)(i % 2 ? &x : &y), &q[i], 0));
	assert_false(gate_accept(&g, (struct sockaddr *)&x, 0));
	assert_true(conn(&g, (struct sockaddr *)&z, &q[HUB_CONN_PER_SRC], 0));
	assert_int_equal(g.st.refused_source, 2);
	done(&g, p, HUB_CONN_PER_SRC + 1);
	done(&g, q, HUB_CONN_PER_SRC + 1);
	gate_free(&g);
}

static void t_evict_and_deadlines(void **state)
{
	static struct peer p[HUB_CONN_MAX + 2];
	struct sockaddr_in sa;
	struct gate g;
	char ip[32];
	int i;

	(void)state;
	assert_int_equal(gate_init(&g, 1024 * 1024), 0);
	/* fill the table: 16 sources of 16; source 5 gets one more by age */
	for (i = 0; i < HUB_CONN_MAX; i++) {
		snprintf(ip, sizeof(ip), "198.18.1.%d", i / HUB_CONN_PER_SRC);
		v4(&sa, ip);
		assert_true(conn(&g, (struct sockaddr *)&sa, &p[i], 1000 + i));
	}
	/* every connection has a request in progress but the oldest two of
	 * source 3: nothing else may be evicted */
	for (i = 0; i < HUB_CONN_MAX; i++)
		if (i != 3 * HUB_CONN_PER_SRC + 4 && i != 3 * HUB_CONN_PER_SRC + 7)
			gate_request(&g, p[i].gc, 1000 + i);
	v4(&sa, "198.18.2.1");
	assert_true(conn(&g, (struct sockaddr *)&sa, &p[HUB_CONN_MAX], 2000));
	assert_true(was_cut(&p[3 * HUB_CONN_PER_SRC + 4])); /* the older one */
	assert_false(was_cut(&p[3 * HUB_CONN_PER_SRC + 7]));
	assert_int_equal(g.st.evicted, 1);
	/* the connection just made still waits for its hello: evictable */
	v4(&sa, "198.18.2.2");
	assert_true(conn(&g, (struct sockaddr *)&sa, &p[HUB_CONN_MAX + 1], 2001));
	assert_true(was_cut(&p[3 * HUB_CONN_PER_SRC + 7]));
	/* full of requests in progress: refused */
	gate_request(&g, p[HUB_CONN_MAX].gc, 2002);
	gate_request(&g, p[HUB_CONN_MAX + 1].gc, 2002);
	v4(&sa, "198.18.2.3");
	assert_false(gate_accept(&g, (struct sockaddr *)&sa, 2003));
	assert_int_equal(g.st.refused_full, 1);
	/* an unauthenticated body past its deadline is cut; a request with
	 * nothing reserved (an API GET) is not */
	assert_true(gate_reserve(&g, p[0].gc, 100));
	gate_sweep(&g, 1000 + HUB_BODY_S * 1000 + 1);
	assert_true(was_cut(&p[0]));
	assert_false(was_cut(&p[1]));
	assert_int_equal(g.st.cut_body, 1);
	done(&g, p, HUB_CONN_MAX + 2);
	gate_free(&g);
}

static void t_hello_deadline(void **state)
{
	struct peer a, b;
	struct sockaddr_in sa;
	struct gate g;

	(void)state;
	assert_int_equal(gate_init(&g, 1024 * 1024), 0);
	v4(&sa, "198.18.3.1");
	assert_true(conn(&g, (struct sockaddr *)&sa, &a, 0));
	assert_true(conn(&g, (struct sockaddr *)&sa, &b, 0));
	gate_request(&g, b.gc, 5);
	gate_done(&g, b.gc); /* idle keep-alive: MHD's idle timeout's business */
	gate_sweep(&g, HUB_HELLO_S * 1000);
	assert_false(was_cut(&a));
	gate_sweep(&g, HUB_HELLO_S * 1000 + 1);
	assert_true(was_cut(&a));
	assert_false(was_cut(&b));
	assert_int_equal(g.st.cut_hello, 1);
	done(&g, &a, 1);
	done(&g, &b, 1);
	gate_free(&g);
}

static void t_budget(void **state)
{
	static struct peer p[40];
	struct sockaddr_in sa;
	struct gate g;
	char ip[32];
	int i, granted = 0;

	(void)state;
	assert_int_equal(gate_init(&g, 1024 * 1024), 0);
	v4(&sa, "198.18.4.1");
	assert_true(conn(&g, (struct sockaddr *)&sa, &p[0], 0));
	assert_true(conn(&g, (struct sockaddr *)&sa, &p[1], 0));
	assert_true(conn(&g, (struct sockaddr *)&sa, &p[2], 0));
	assert_true(gate_reserve(&g, p[0].gc, HUB_UNAUTH_SRC / 2));
	assert_true(gate_reserve(&g, p[1].gc, HUB_UNAUTH_SRC / 2));
	assert_false(gate_reserve(&g, p[2].gc, 1)); /* per source */
	gate_release(&g, p[0].gc);
	assert_true(gate_reserve(&g, p[2].gc, 1));
	done(&g, p, 3);
	assert_int_equal(g.unauth, 0); /* close returns what was reserved */
	for (i = 0; i < 40; i++) {
		snprintf(ip, sizeof(ip), "198.18.5.%d", i);
		v4(&sa, ip);
		assert_true(conn(&g, (struct sockaddr *)&sa, &p[i], 0));
		granted += gate_reserve(&g, p[i].gc, 1024 * 1024);
	}
	assert_int_equal(granted, HUB_UNAUTH_MAX / (1024 * 1024)); /* in all */
	done(&g, p, 40);
	assert_int_equal(g.unauth, 0);
	gate_free(&g);
	/* a max_body above the caps raises them: one largest body fits */
	assert_int_equal(gate_init(&g, HUB_BODY_MAX), 0);
	assert_true(g.unauth_src_max >= HUB_BODY_MAX && g.unauth_max >= HUB_BODY_MAX);
	gate_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_per_source),
	    cmocka_unit_test(t_evict_and_deadlines),
	    cmocka_unit_test(t_hello_deadline),
	    cmocka_unit_test(t_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
