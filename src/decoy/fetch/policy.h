/* policy.h — which addresses the fetcher may connect to.
 *
 * The decoy sits on the owner's network: an attacker must never be able to
 * make it reach the LAN, the router itself, or any other special-purpose
 * range (RFC 6890 and the IANA special-purpose registries). Every address
 * the fetcher is about to connect to — after name resolution, after every
 * redirect, the FTP data peer, the TFTP reply source — goes through
 * policy_check(). Host names in URLs are first normalised the way
 * inet_aton(3) / BusyBox wget read them (decimal, octal and hex parts,
 * short forms, one trailing dot, [IPv6] with embedded IPv4), so a spelling
 * cannot slip past.
 *
 * Everything here is a pure function: no sockets, no allocation.
 */
#ifndef TANUKI_POLICY_H
#define TANUKI_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bounds.h"

struct policy_net {
	uint8_t a[16]; /* IPv4 in the first 4 bytes */
	uint8_t plen;
	bool v6;
};

struct policy {
	bool public_ok; /* false: only `allow` ranges may be fetched from */
	struct policy_net allow[CAP_FETCH_ALLOW];
	size_t nallow;
};

/* Adds "A.B.C.D/N", "X::/N" or a bare address to the allow list.
 * Returns 0, -EINVAL for a bad range, -ENOSPC when the list is full. */
int policy_allow_add(struct policy *p, const char *cidr);

/* inet_aton(3) rules: 1-4 parts of decimal, 0octal or 0xhex; the last part
 * fills the remaining bytes ("127.1" = 127.0.0.1, "2130706433"). No
 * trailing junk. out is in network order. */
bool policy_parse_v4(const char *s, size_t n, uint8_t out[4]);

/* Classifies a URL host (no port; brackets around IPv6 allowed; one
 * trailing dot dropped). Returns 4 or 6 (address in out, IPv4 in out[0..3]),
 * 0 for a host name to resolve, -1 for something that is neither (zone ids,
 * numeric-looking junk such as "1.2.3.4.5", empty, bad characters). */
int policy_host(const char *host, uint8_t out[16]);

/* NULL when the address may be connected to, else the name of the range
 * that refuses it ("private", "loopback", "public_off", …). family is
 * AF_INET (4 bytes) or AF_INET6 (16 bytes). */
const char *policy_check_addr(const struct policy *p, int family, const uint8_t *a);
const char *policy_check(const struct policy *p, const struct sockaddr *sa);

#endif
