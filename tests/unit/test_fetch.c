/* test_fetch.c — the fetcher's pure parts: address policy and host
 * spellings, URLs and redirects, DNS messages, HTTP response heads and
 * chunked bodies. No sockets. (The dlr extractor: test_dlr.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <errno.h>

#include "fetch/dns.h"
#include "fetch/httpresp.h"
#include "fetch/policy.h"
#include "url.h"

/* host as written in a URL → the reason the policy gives (NULL: allowed),
 * with public on and no allow list: every special range is refused. */
static const char *judge(const struct policy *p, const char *host)
{
	uint8_t a[16];
	int k = policy_host(host, a);

	if (k < 0)
		return "bad_host";
	if (k == 0)
		return "name";
	return policy_check_addr(p, k == 4 ? AF_INET : AF_INET6, a);
}

static void policy_matrix(void **st)
{
	static const struct {
		const char *host, *why;
	} m[] = {
		{"127.0.0.1", "loopback"}, {"2130706433", "loopback"},
		{"0177.0.0.1", "loopback"}, {"0x7f000001", "loopback"},
		{"0x7F.0.0.1", "loopback"}, {"127.1", "loopback"},
		{"127.0.1", "loopback"}, {"0x7f.1", "loopback"},
		{"017700000001", "loopback"}, {"127.0.0.1.", "loopback"},
		{"[::1]", "loopback"}, {"[::ffff:127.0.0.1]", "loopback"},
		{"[::ffff:7f00:1]", "loopback"}, {"[::127.0.0.1]", "loopback"},
		{"[64:ff9b::7f00:1]", "loopback"}, {"[2002:7f00:1::]", "loopback"},
		{"0", "this_network"}, {"0.0.0.0", "this_network"}, {"[::]", "unspecified"},
		{"10.0.0.1", "private"}, {"012.0.0.1", "private"}, {"167772161", "private"},
		{"10.1", "private"}, {"172.16.0.1", "private"}, {"172.31.255.255", "private"},
		{"192.168.0.1", "private"}, {"0xc0.0xa8.1.1", "private"},
		{"100.64.0.1", "shared_cgn"}, {"100.127.255.254", "shared_cgn"},
		{"169.254.169.254", "link_local"}, {"192.0.0.1", "ietf_protocol"},
		{"192.0.2.1", "documentation"}, {"198.51.100.1", "documentation"},
		{"203.0.113.1", "documentation"}, {"192.88.99.1", "6to4_relay"},
		{"198.18.0.1", "benchmarking"}, {"198.19.255.255", "benchmarking"},
		{"224.0.0.1", "multicast"}, {"239.255.255.250", "multicast"},
		{"240.0.0.1", "reserved"}, {"255.255.255.255", "reserved"},
		{"[100::1]", "discard"}, {"[2001::1]", "ietf_protocol"},
		{"[2001:1ff::1]", "ietf_protocol"}, {"[2001:db8::1]", "documentation"},
		{"[fc00::1]", "unique_local"}, {"[fdff::1]", "unique_local"},
		{"[fe80::1]", "link_local"}, {"[febf::1]", "link_local"},
		{"[fec0::1]", "site_local"}, {"[ff02::1]", "multicast"},
		{"[::ffff:10.0.0.1]", "private"}, {"[::ffff:192.168.1.1]", "private"},
		{"[64:ff9b::a00:1]", "private"}, {"[2002:c0a8:101::1]", "private"},
		{"[64:ff9b:1::1]", "nat64_local"}, {"[3fff::1]", "documentation"},
		{"[4000::1]", "not_global"},
		/* public addresses, and names */
		{"8.8.8.8", NULL}, {"134744072", NULL}, {"1.1", NULL},
		{"100.128.0.1", NULL}, {"172.32.0.1", NULL}, {"[2606:4700::1111]", NULL},
		{"[::ffff:8.8.8.8]", "embedded_v4"}, {"[2002:808:808::1]", NULL},
		{"[2001:200::1]", NULL},
		{"example.com", "name"}, {"deadbeef", "name"}, {"cafe.example.", "name"},
		/* junk */
		{"1.2.3.4.5", "bad_host"}, {"256.1.1.1", "bad_host"}, {"08.1.1.1", "bad_host"},
		{"0x", "this_network"}, /* inet_aton reads "0x" as 0 */
		{"1.2.3.", NULL}, /* = 1.2.0.3 */ {"", "bad_host"},
		{"[fe80::1%eth0]", "bad_host"}, {"[::1", "bad_host"}, {"a b", "bad_host"},
		{"4294967296", "bad_host"}, {"1.16777216", "bad_host"}, {"example.123", "bad_host"},
	};
	struct policy p;
	size_t i;

	(void)st;
	memset(&p, 0, sizeof p);
	p.public_ok = true;
	for (i = 0; i < sizeof m / sizeof *m; i++) {
		const char *got = judge(&p, m[i].host);

		if (!m[i].why)
			assert_null(got);
		else if (!got || strcmp(got, m[i].why))
			fail_msg("%s: want %s, got %s", m[i].host, m[i].why, got ? got : "(allowed)");
	}
}

static void policy_allow_and_public_off(void **st)
{
	struct policy p;

	(void)st;
	memset(&p, 0, sizeof p);
	assert_int_equal(policy_allow_add(&p, "127.0.0.0/8"), 0);
	assert_int_equal(policy_allow_add(&p, "fd00::/8"), 0);
	assert_int_equal(policy_allow_add(&p, "10.0.0.0/33"), -EINVAL);
	assert_int_equal(policy_allow_add(&p, "10.0.0.0/"), -EINVAL);
	assert_int_equal(policy_allow_add(&p, "nonsense"), -EINVAL);
	assert_null(judge(&p, "127.0.0.1"));
	assert_null(judge(&p, "0x7f000001"));
	assert_null(judge(&p, "[::ffff:127.0.0.1]")); /* reaches 127.0.0.1 */
	assert_null(judge(&p, "[fd00::5]"));
	assert_string_equal(judge(&p, "10.0.0.1"), "private");
	assert_string_equal(judge(&p, "8.8.8.8"), "public_off");
	assert_string_equal(judge(&p, "[2606:4700::1111]"), "public_off");
	while (p.nallow < CAP_FETCH_ALLOW)
		assert_int_equal(policy_allow_add(&p, "1.2.3.4"), 0);
	assert_int_equal(policy_allow_add(&p, "1.2.3.4"), -ENOSPC);
}

static void url_parsing(void **st)
{
	struct url u;
	char out[URL_MAX];

	(void)st;
	assert_int_equal(url_parse("http://a@b/", &u), 0);
	assert_string_equal(u.host, "b");
	assert_string_equal(u.user, "a");
	assert_int_equal(url_parse("http://evil.com@127.0.0.1:8080/x?y#z", &u), 0);
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(u.port, 8080);
	assert_string_equal(u.path, "/x?y");
	assert_int_equal(url_parse("http://u:p@q@h", &u), 0);
	assert_string_equal(u.host, "h");
	assert_string_equal(u.user, "u");
	assert_string_equal(u.pass, "p@q");
	assert_string_equal(u.path, "/");
	assert_int_equal(url_parse("HTTP://[::1]:81/a", &u), 0);
	assert_string_equal(u.host, "[::1]");
	assert_int_equal(u.port, 81);
	assert_int_equal(url_parse("tftp://1.2.3.4/f", &u), 0);
	assert_int_equal(u.port, 69);
	assert_int_equal(u.scheme, URL_TFTP);
	assert_int_equal(url_parse("ftp://h:0/f", &u), -EINVAL);
	assert_int_equal(url_parse("ftp://h:65536/f", &u), -EINVAL);
	assert_int_equal(url_parse("gopher://h/", &u), -EINVAL);
	assert_int_equal(url_parse("http:///x", &u), -EINVAL);
	assert_int_equal(url_parse("http://h:x/", &u), -EINVAL);

	assert_int_equal(url_parse("http://h:81/a/b/c?q", &u), 0);
	assert_int_equal(url_resolve(&u, "d", 1, out, sizeof out), 0);
	assert_string_equal(out, "http://h:81/a/b/d");
	assert_int_equal(url_resolve(&u, "/e", 2, out, sizeof out), 0);
	assert_string_equal(out, "http://h:81/e");
	assert_int_equal(url_resolve(&u, "//x/y", 5, out, sizeof out), 0);
	assert_string_equal(out, "http://x/y");
	assert_int_equal(url_resolve(&u, "http://10.0.0.1/x", 17, out, sizeof out), 0);
	assert_string_equal(out, "http://10.0.0.1/x");
}

static void dns_roundtrip(void **st)
{
	uint8_t q[300], r[512];
	struct dns_result res[DNS_MAX_ANSWERS];
	int n, rn;

	(void)st;
	n = dns_build_query(q, sizeof q, 0x1234, "Evil.Test.", DNS_TYPE_A);
	assert_true(n > 12);
	/* answer: header with QR/RD/RA, the question, a CNAME then an A */
	memcpy(r, q, (size_t)n);
	r[2] = 0x81;
	r[3] = 0x80;
	r[7] = 2;
	rn = n;
	memcpy(r + rn, "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x02\xc0\x0c", 14);
	rn += 14;
	memcpy(r + rn, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x05", 16);
	rn += 16;
	assert_int_equal(dns_parse_response(r, (size_t)rn, 0x1234, "evil.test", DNS_TYPE_A,
					    res, DNS_MAX_ANSWERS), 1);
	assert_int_equal(res[0].family, AF_INET);
	assert_memory_equal(res[0].addr, "\x0a\x00\x00\x05", 4);
	/* wrong id, wrong name: not ours */
	assert_int_equal(dns_parse_response(r, (size_t)rn, 0x1235, "evil.test", DNS_TYPE_A,
					    res, DNS_MAX_ANSWERS), -ESRCH);
	assert_int_equal(dns_parse_response(r, (size_t)rn, 0x1234, "good.test", DNS_TYPE_A,
					    res, DNS_MAX_ANSWERS), -ESRCH);
	/* truncated answer keeps what was whole */
	assert_int_equal(dns_parse_response(r, (size_t)rn - 3, 0x1234, "evil.test", DNS_TYPE_A,
					    res, DNS_MAX_ANSWERS), -EPROTO);
	/* NXDOMAIN */
	r[3] = 0x83;
	assert_int_equal(dns_parse_response(r, (size_t)n, 0x1234, "evil.test", DNS_TYPE_A,
					    res, DNS_MAX_ANSWERS), -ENOENT);
	/* a compression loop */
	r[3] = 0x80;
	r[7] = 1;
	memcpy(r + n, "\xc0\x30\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x01\x02\x03\x04", 16);
	r[0x30] = 0xc0;
	r[0x31] = 0x30;
	assert_true(dns_parse_response(r, (size_t)n + 16, 0x1234, "evil.test", DNS_TYPE_A,
				       res, DNS_MAX_ANSWERS) <= 0);
	/* names that cannot be asked */
	assert_int_equal(dns_build_query(q, sizeof q, 1, "a..b", DNS_TYPE_A), -1);
	assert_int_equal(dns_build_query(q, sizeof q, 1, "", DNS_TYPE_A), -1);
}

static void dns_servers(void **st)
{
	struct sockaddr_storage ss;
	socklen_t len;

	(void)st;
	assert_int_equal(dns_server_parse("127.0.0.1:5353", &ss, &len), 0);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 5353);
	assert_int_equal(dns_server_parse("127.0.0.1", &ss, &len), 0);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 53);
	assert_int_equal(dns_server_parse("[::1]:54", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(dns_server_parse("::1", &ss, &len), 0);
	assert_int_equal(dns_server_parse("x:1", &ss, &len), -EINVAL);
	assert_int_equal(dns_server_parse("1.2.3.4:0", &ss, &len), -EINVAL);
}

static void http_heads(void **st)
{
	const char *h = "HTTP/1.1 302 Found\r\nLocation:  http://x/y \r\n"
			"Content-Length: 0\r\n\r\nBODY";
	struct httpresp r;

	(void)st;
	assert_int_equal(httpresp_head_len(h, strlen(h)), strlen(h) - 4);
	assert_int_equal(httpresp_head_len(h, 20), 0);
	assert_int_equal(httpresp_parse(h, strlen(h) - 4, &r), 0);
	assert_int_equal(r.status, 302);
	assert_int_equal(r.location_n, 10);
	assert_memory_equal(r.location, "http://x/y", 10);
	assert_int_equal(r.length, 0);
	h = "HTTP/1.0 200 OK\nTransfer-Encoding: gzip, Chunked\nContent-Length: 5\n\n";
	assert_int_equal(httpresp_parse(h, strlen(h), &r), 0);
	assert_true(r.chunked);
	assert_int_equal(r.length, -1);
	h = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n";
	assert_int_equal(httpresp_parse(h, strlen(h), &r), -EPROTO);
	h = "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n";
	assert_int_equal(httpresp_parse(h, strlen(h), &r), -EPROTO);
	h = "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n";
	assert_int_equal(httpresp_parse(h, strlen(h), &r), -EPROTO);
	h = "SSH-2.0-OpenSSH\r\n\r\n";
	assert_int_equal(httpresp_parse(h, strlen(h), &r), -EPROTO);
	h = "HTTP/1.1 20x OK\r\n\r\n";
	assert_int_equal(httpresp_parse(h, strlen(h), &r), -EPROTO);
}

static void chunked_pieces(void **st)
{
	const char *body = "5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\njunk";
	struct chunked c;
	struct buf out;
	size_t i, n = strlen(body);
	long used = 0;

	(void)st;
	/* byte by byte */
	memset(&c, 0, sizeof c);
	buf_init(&out, 64);
	for (i = 0; i < n && !c.done; i++) {
		long u = httpresp_chunked(&c, (const uint8_t *)body + i, 1, &out);

		assert_true(u >= 0);
		used += u;
	}
	assert_true(c.done);
	assert_int_equal(used, (long)(n - 4));
	assert_int_equal(out.len, 11);
	assert_memory_equal(out.p, "hello world", 11);
	buf_free(&out);
	/* all at once, into a buffer too small */
	memset(&c, 0, sizeof c);
	buf_init(&out, 8);
	assert_int_equal(httpresp_chunked(&c, (const uint8_t *)body, n, &out), -ENOBUFS);
	buf_free(&out);
	/* bad framing */
	memset(&c, 0, sizeof c);
	buf_init(&out, 64);
	assert_int_equal(httpresp_chunked(&c, (const uint8_t *)"zz\r\n", 4, &out), -EPROTO);
	memset(&c, 0, sizeof c);
	assert_int_equal(httpresp_chunked(&c, (const uint8_t *)"1\r\nab", 5, &out), -EPROTO);
	memset(&c, 0, sizeof c);
	assert_int_equal(httpresp_chunked(&c, (const uint8_t *)"ffffffffffffffff\r\n", 18, &out),
			 -EPROTO);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_matrix),
		cmocka_unit_test(policy_allow_and_public_off),
		cmocka_unit_test(url_parsing),
		cmocka_unit_test(dns_roundtrip),
		cmocka_unit_test(dns_servers),
		cmocka_unit_test(http_heads),
		cmocka_unit_test(chunked_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
