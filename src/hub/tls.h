/* tls.h — the hub's certificate: made at first start, and its SPKI pin.
 *
 * tls_ensure() leaves a PEM certificate and key at the given paths: when
 * neither exists it generates a self-signed ECDSA P-256 certificate (10
 * years, CN=tanuki-hub) with GnuTLS, the key written 0600. One without the
 * other is an error (a half-configured pair is never overwritten).
 * tls_pin() gives "sha256/<base64 of SHA-256 of the SubjectPublicKeyInfo>",
 * the form decoys pin (curl's --pinnedpubkey takes "sha256//<base64>").
 *
 * Ownership: tls_read() returns a heap copy (NUL-terminated), free().
 */
#ifndef TANUKI_HUB_TLS_H
#define TANUKI_HUB_TLS_H

#include <stddef.h>

#define TLS_PIN_LEN 64 /* "sha256/" + 44 base64 + NUL fits */

int tls_ensure(const char *cert, const char *key, char *err, size_t errlen);
char *tls_read(const char *path, size_t max, size_t *len);
int tls_pin(const char *cert_pem, size_t len, char out[TLS_PIN_LEN]);
void tls_base64(const unsigned char *p, size_t n, char *out); /* 4*ceil(n/3)+1 */

#endif
