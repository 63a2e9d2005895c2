/* hash.h — SHA-256 through mbedTLS, and hex helpers.
 * mbedTLS renamed its one-shot call between 2.x and 3.x; this is the one
 * place that knows. */
#ifndef TANUKI_HASH_H
#define TANUKI_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX (SHA256_LEN * 2 + 1)

void hash_sha256(const void *p, size_t n, uint8_t out[SHA256_LEN]);
/* Writes 2*n hex digits and a NUL into out (size 2*n+1). */
void hash_hex(const uint8_t *p, size_t n, char *out);

#endif
