/* policy.c — the fetcher's address policy (see policy.h). */
#include "fetch/policy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

struct range {
	uint8_t a[16];
	uint8_t plen;
	const char *name;
};

/* IPv4 special-purpose registry (RFC 6890, 6598, 7526, 5737, 3927, 1918,
 * 2544, 5771, 1112, 919). All of these are refused unless allowed. */
static const struct range v4_special[] = {
    {{0, 0, 0, 0}, 8, "this_network"},	     {{10, 0, 0, 0}, 8, "private"},
    {{100, 64, 0, 0}, 10, "shared_cgn"},     {{127, 0, 0, 0}, 8, "loopback"},
    {{169, 254, 0, 0}, 16, "link_local"},    {{172, 16, 0, 0}, 12, "private"},
    {{192, 0, 0, 0}, 24, "ietf_protocol"},   {{192, 0, 2, 0}, 24, "documentation"},
    {{192, 88, 99, 0}, 24, "6to4_relay"},    {{192, 168, 0, 0}, 16, "private"},
    {{198, 18, 0, 0}, 15, "benchmarking"},   {{198, 51, 100, 0}, 24, "documentation"},
    {{203, 0, 113, 0}, 24, "documentation"}, {{224, 0, 0, 0}, 4, "multicast"},
    {{240, 0, 0, 0}, 4, "reserved"}, /* includes 255.255.255.255 */
};

/* IPv6 special-purpose registry (RFC 6890, 4291, 6052, 8215, 6666, 3849,
 * 4193, 3879, 9637). Ranges that embed an IPv4 address (::ffff:0:0/96,
 * ::/96, 64:ff9b::/96, 2002::/16) are judged by that address first. */
static const struct range v6_special[] = {
    {{0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64, "discard"},
    {{0x20, 0x01, 0x00, 0x00}, 23, "ietf_protocol"},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation"},
    {{0x3f, 0xff, 0x00}, 20, "documentation"},
    {{0x5f, 0x00}, 16, "srv6_sid"},
    {{0xfc}, 7, "unique_local"},
    {{0xfe, 0x80}, 10, "link_local"},
    {{0xfe, 0xc0}, 10, "site_local"},
    {{0xff}, 8, "multicast"},
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, "nat64_local"},
};

static bool in_prefix(const uint8_t *a, const uint8_t *net, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a, net, full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rest));

		if ((a[full] & mask) != (net[full] & mask))
			return false;
	}
	return true;
}

static bool allowed(const struct policy *p, bool v6, const uint8_t *a)
{
	size_t i;

	for (i = 0; i < p->nallow; i++)
		if (p->allow[i].v6 == v6 && in_prefix(a, p->allow[i].a, p->allow[i].plen))
			return true;
	return false;
}

static const char *check_v4(const struct policy *p, const uint8_t *a)
{
	size_t i;

	if (allowed(p, false, a))
		return NULL;
	for (i = 0; i < sizeof v4_special / sizeof *v4_special; i++)
		if (in_prefix(a, v4_special[i].a, v4_special[i].plen))
			return v4_special[i].name;
	return p->public_ok ? NULL : "public_off";
}

/* Where an IPv6 address carries an IPv4 one, the IPv4 address is what the
 * packets reach in the end: judge that. */
static const uint8_t *embedded_v4(const uint8_t *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t nat64[12] = {0x00, 0x64, 0xff, 0x9b};
	static const uint8_t zero[12];

	if (!memcmp(a, mapped, 12) || !memcmp(a, nat64, 12))
		return a + 12;
	if (!memcmp(a, zero, 12)) /* ::a.b.c.d (deprecated compat), ::, ::1 */
		return a + 12;
	if (a[0] == 0x20 && a[1] == 0x02) /* 6to4 */
		return a + 2;
	return NULL;
}

const char *policy_check_addr(const struct policy *p, int family, const uint8_t *a)
{
	const uint8_t *v4;
	size_t i;

	if (family == AF_INET)
		return check_v4(p, a);
	if (family != AF_INET6)
		return "bad_family";
	if (allowed(p, true, a))
		return NULL;
	v4 = embedded_v4(a);
	if (v4) {
		static const uint8_t zero[16];
		const char *r;

		if (!memcmp(a, zero, 15) && a[15] <= 1)
			return a[15] ? "loopback" : "unspecified";
		r = check_v4(p, v4);
		if (r)
			return r;
		if (allowed(p, false, v4))
			return NULL; /* reaches an allowed IPv4 address */
		/* the v4 inside is fine; mapped/compat addresses are still not
		 * global IPv6 unicast */
		if (a[0] != 0x20)
			return "embedded_v4";
		return p->public_ok ? NULL : "public_off";
	}
	for (i = 0; i < sizeof v6_special / sizeof *v6_special; i++)
		if (in_prefix(a, v6_special[i].a, v6_special[i].plen))
			return v6_special[i].name;
	if ((a[0] & 0xe0) != 0x20) /* only 2000::/3 is global unicast */
		return "not_global";
	return p->public_ok ? NULL : "public_off";
}

const char *policy_check(const struct policy *p, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return policy_check_addr(
		    p, AF_INET,
		    (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return policy_check_addr(
		    p, AF_INET6,
		    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr);
	return "bad_family";
}

/* One inet_aton part: 0x.. hex, 0.. octal, else decimal. */
static bool parse_part(const char *s, size_t n, uint32_t *v)
{
	unsigned base = 10;
	uint64_t x = 0;
	size_t i = 0;

	if (!n)
		return false;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2; /* "0x" alone is 0 for inet_aton */
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; i < n; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (d >= base)
			return false;
		x = x * base + d;
		if (x > 0xffffffffu)
			return false;
	}
	*v = (uint32_t)x;
	return true;
}

bool policy_parse_v4(const char *s, size_t n, uint8_t out[4])
{
	uint32_t part[4], v;
	size_t np = 0, i, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (np == 4 || !parse_part(s + start, i - start, &part[np]))
			return false;
		np++;
		start = i + 1;
	}
	switch (np) {
	case 1:
		v = part[0];
		break;
	case 2:
		if (part[0] > 0xff || part[1] > 0xffffff)
			return false;
		v = part[0] << 24 | part[1];
		break;
	case 3:
		if (part[0] > 0xff || part[1] > 0xff || part[2] > 0xffff)
			return false;
		v = part[0] << 24 | part[1] << 16 | part[2];
		break;
	default:
		if (part[0] > 0xff || part[1] > 0xff || part[2] > 0xff || part[3] > 0xff)
			return false;
		v = part[0] << 24 | part[1] << 16 | part[2] << 8 | part[3];
		break;
	}
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
	return true;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

int policy_host(const char *host, uint8_t out[16])
{
	size_t n = strlen(host), i;
	bool alpha = false;
	char tmp[64];

	if (n && host[0] == '[') {
		if (n < 3 || host[n - 1] != ']' || n - 2 >= sizeof tmp)
			return -1;
		memcpy(tmp, host + 1, n - 2);
		tmp[n - 2] = '\0';
		/* zone ids (%eth0) only make sense for link-local: refuse */
		if (strchr(tmp, '%') || inet_pton(AF_INET6, tmp, out) != 1)
			return -1;
		return 6;
	}
	if (n && host[n - 1] == '.')
		n--;
	if (!n || n > 253)
		return -1;
	for (i = 0; i < n; i++) {
		if (!name_char(host[i]))
			return -1;
		if (!((host[i] >= '0' && host[i] <= '9') || host[i] == '.' || host[i] == 'x' ||
		      host[i] == 'X' || (host[i] >= 'a' && host[i] <= 'f') ||
		      (host[i] >= 'A' && host[i] <= 'F')))
			alpha = true;
	}
	if (policy_parse_v4(host, n, out))
		return 4;
	/* A name whose last label is all digits cannot be a DNS name (RFC
	 * 1123 2.1, 3696 2) and a resolver may still read it as a number:
	 * refuse it instead of asking. */
	{
		const char *dot = memrchr(host, '.', n);
		const char *last = dot ? dot + 1 : host;
		size_t ln = (size_t)(host + n - last);

		for (i = 0; i < ln; i++)
			if (!(last[i] >= '0' && last[i] <= '9'))
				break;
		if (i == ln ||
		    (!alpha && ln > 1 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')))
			return -1;
	}
	return 0;
}

int policy_allow_add(struct policy *p, const char *cidr)
{
	struct policy_net *net;
	const char *slash = strchr(cidr, '/');
	char tmp[64];
	size_t n = slash ? (size_t)(slash - cidr) : strlen(cidr);
	unsigned long plen;
	unsigned max;

	if (p->nallow >= CAP_FETCH_ALLOW)
		return -ENOSPC;
	if (!n || n >= sizeof tmp)
		return -EINVAL;
	net = &p->allow[p->nallow];
	memset(net, 0, sizeof(*net));
	memcpy(tmp, cidr, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, net->a) == 1) {
		max = 32;
	} else if (inet_pton(AF_INET6, tmp, net->a) == 1) {
		net->v6 = true;
		max = 128;
	} else {
		return -EINVAL;
	}
	plen = max;
	if (slash) {
		const char *q = slash + 1;

		if (!*q || strlen(q) > 3)
			return -EINVAL;
		plen = 0;
		for (; *q; q++) {
			if (*q < '0' || *q > '9')
				return -EINVAL;
			plen = plen * 10 + (unsigned long)(*q - '0');
		}
		if (plen > max)
			return -EINVAL;
	}
	net->plen = (uint8_t)plen;
	p->nallow++;
	return 0;
}
