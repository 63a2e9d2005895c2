/* tls.c — certificate generation and SPKI pin with GnuTLS (see tls.h). */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "hash.h"

void tls_base64(const unsigned char *p, size_t n, char *out)
{
	static const char tb[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		out[o++] = tb[v >> 18];
		out[o++] = tb[(v >> 12) & 63];
		out[o++] = tb[(v >> 6) & 63];
		out[o++] = tb[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;

		out[o++] = tb[v >> 18];
		out[o++] = tb[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;

		out[o++] = tb[v >> 18];
		out[o++] = tb[(v >> 12) & 63];
		out[o++] = tb[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

char *tls_read(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t n;

	if (!f)
		return NULL;
	p = malloc(max + 1);
	if (p) {
		n = fread(p, 1, max + 1, f);
		if (ferror(f) || n > max) {
			free(p);
			p = NULL;
		} else {
			p[n] = '\0';
			if (len)
				*len = n;
		}
	}
	fclose(f);
	return p;
}

/* Writes data to path through a temporary file, fsync and rename. */
static int write_file(const char *path, const void *p, size_t n, mode_t mode)
{
	char tmp[4096];
	int fd, r = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (write(fd, p, n) != (ssize_t)n || fsync(fd))
		r = -EIO;
	if (close(fd) && !r)
		r = -EIO;
	if (!r && rename(tmp, path))
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

static int generate(const char *cert, const char *key, char *err, size_t errlen)
{
	gnutls_x509_privkey_t k = NULL;
	gnutls_x509_crt_t c = NULL;
	gnutls_datum_t kp = {NULL, 0}, cp = {NULL, 0};
	unsigned char serial[16];
	time_t now = time(NULL);
	int r = -EIO;

	if (getrandom(serial, sizeof(serial), 0) != sizeof(serial))
		goto out;
	serial[0] &= 0x7f; /* a positive INTEGER */
	serial[0] |= 0x01;
	if (gnutls_x509_privkey_init(&k) ||
	    gnutls_x509_privkey_generate(k, GNUTLS_PK_ECDSA,
					 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) ||
	    gnutls_x509_crt_init(&c) || gnutls_x509_crt_set_version(c, 3) ||
	    gnutls_x509_crt_set_serial(c, serial, sizeof(serial)) ||
	    gnutls_x509_crt_set_activation_time(c, now - 86400) ||
	    gnutls_x509_crt_set_expiration_time(c, now + 10L * 365 * 86400) ||
	    gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, "tanuki-hub", 10) ||
	    gnutls_x509_crt_set_key(c, k) || gnutls_x509_crt_set_basic_constraints(c, 0, -1) ||
	    gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_DIGITAL_SIGNATURE) ||
	    gnutls_x509_crt_set_key_purpose_oid(c, GNUTLS_KP_TLS_WWW_SERVER, 0) ||
	    gnutls_x509_crt_sign2(c, c, k, GNUTLS_DIG_SHA256, 0) ||
	    gnutls_x509_privkey_export2(k, GNUTLS_X509_FMT_PEM, &kp) ||
	    gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &cp)) {
		snprintf(err, errlen, "cannot generate a certificate");
		goto out;
	}
	if ((r = write_file(key, kp.data, kp.size, 0600))) {
		snprintf(err, errlen, "%s: %s", key, strerror(-r));
		goto out;
	}
	if ((r = write_file(cert, cp.data, cp.size, 0644))) {
		snprintf(err, errlen, "%s: %s", cert, strerror(-r));
		unlink(key);
		goto out;
	}
	r = 0;
out:
	gnutls_free(kp.data);
	gnutls_free(cp.data);
	if (c)
		gnutls_x509_crt_deinit(c);
	if (k)
		gnutls_x509_privkey_deinit(k);
	return r;
}

int tls_ensure(const char *cert, const char *key, char *err, size_t errlen)
{
	bool hc = access(cert, F_OK) == 0, hk = access(key, F_OK) == 0;

	if (hc && hk)
		return 0;
	if (hc != hk) {
		snprintf(err, errlen, "%s exists but %s does not", hc ? cert : key,
			 hc ? key : cert);
		return -EINVAL;
	}
	return generate(cert, key, err, errlen);
}

int tls_pin(const char *cert_pem, size_t len, char out[TLS_PIN_LEN])
{
	gnutls_x509_crt_t c = NULL;
	gnutls_pubkey_t pk = NULL;
	gnutls_datum_t in = {(unsigned char *)cert_pem, (unsigned)len};
	gnutls_datum_t der = {NULL, 0};
	uint8_t h[SHA256_LEN];
	int r = -EINVAL;

	if (gnutls_x509_crt_init(&c) || gnutls_x509_crt_import(c, &in, GNUTLS_X509_FMT_PEM) ||
	    gnutls_pubkey_init(&pk) || gnutls_pubkey_import_x509(pk, c, 0) ||
	    gnutls_pubkey_export2(pk, GNUTLS_X509_FMT_DER, &der))
		goto out;
	hash_sha256(der.data, der.size, h);
	memcpy(out, "sha256/", 7);
	tls_base64(h, sizeof(h), out + 7);
	r = 0;
out:
	gnutls_free(der.data);
	if (pk)
		gnutls_pubkey_deinit(pk);
	if (c)
		gnutls_x509_crt_deinit(c);
	return r;
}
