/* hash.c — SHA-256 via mbedTLS (see hash.h). */
#include "hash.h"

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

void hash_sha256(const void *p, size_t n, uint8_t out[SHA256_LEN])
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	mbedtls_sha256(p, n, out, 0);
#else
	mbedtls_sha256_ret(p, n, out, 0);
#endif
}

void hash_hex(const uint8_t *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}
