/* test_net.c — the session table's source rule and the memory accounts
 * (issue 12): an IPv6 /64 is one source, an account chain refuses at the
 * first cap on the way up and refunds exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "acct.h"
#include "buf.h"
#include "net/session.h"

static struct sockaddr_storage v4(const char *a)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *p = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof ss);
	p->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, a, &p->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage v6(const char *a)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *p = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof ss);
	p->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, a, &p->sin6_addr), 1);
	return ss;
}

static void t_same_source(void **state)
{
	struct sockaddr_storage a, b;

	(void)state;
	a = v4("198.18.0.1");
	b = v4("198.18.0.1");
	assert_true(sess_same_source(&a, &b));
	b = v4("198.18.0.2");
	assert_false(sess_same_source(&a, &b));
	/* one /64, any interface id */
	a = v6("2001:db8:1:2::1");
	b = v6("2001:db8:1:2:ffff:ffff:ffff:fffe");
	assert_true(sess_same_source(&a, &b));
	b = v6("2001:db8:1:3::1");
	assert_false(sess_same_source(&a, &b));
	/* IPv4-mapped is the IPv4 address, not a /64 */
	a = v6("::ffff:198.18.0.1");
	b = v4("198.18.0.1");
	assert_true(sess_same_source(&a, &b));
	assert_true(sess_same_source(&b, &a));
	b = v6("::ffff:198.18.0.2");
	assert_false(sess_same_source(&a, &b));
	b = v6("::1");
	assert_false(sess_same_source(&a, &b));
}

static void t_acct_chain(void **state)
{
	struct acct g, s1, s2;
	struct buf b;

	(void)state;
	acct_init(&g, 1000, NULL);
	acct_init(&s1, 600, &g);
	acct_init(&s2, 600, &g);
	assert_true(acct_take(&s1, 500));
	assert_false(acct_take(&s1, 101)); /* the session's cap */
	assert_int_equal(s1.used, 500);
	assert_true(acct_take(&s2, 500));
	assert_false(acct_take(&s2, 1)); /* the global cap */
	assert_int_equal(s2.used, 500);
	assert_int_equal(g.used, 1000);
	assert_true(g.refused >= 1 && s1.refused >= 1);
	acct_give(&s1, 500);
	acct_give(&s2, 500);
	assert_int_equal(g.used, 0);
	assert_int_equal(g.peak, 1000);
	/* a buf charges what it allocates and refunds it */
	buf_init_acct(&b, 4096, &s1);
	assert_int_equal(buf_add(&b, "hello", 5), 0);
	assert_true(s1.used > 0 && g.used == s1.used);
	{
		char big[700];

		memset(big, 'x', sizeof big);
		assert_int_equal(buf_add(&b, big, sizeof big), -ENOMEM);
		assert_int_equal(b.len, 5); /* left as it was */
	}
	buf_free(&b);
	assert_int_equal(s1.used, 0);
	assert_int_equal(g.used, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_same_source),
		cmocka_unit_test(t_acct_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
