/* tlsbench.c — the uplink's TLS handshake arithmetic on the firmware's own
 * mbedTLS build (make TARGET=mipsel build/mipsel/tlsbench; bench.py runs it
 * under qemu-user). A full TLS 1.2 ECDHE-ECDSA handshake costs the client
 * one P-256 key pair, one P-256 shared secret and one ECDSA verification of
 * the ServerKeyExchange; the rest (SHA-256, AES-GCM of a few KB) is noise
 * beside them but is timed too, per MB. Each handshake figure is the fastest
 * of 20 rounds (the first runs through QEMU's translator). Prints one line per figure, in
 * microseconds. The key and the signature are made once, untimed, with the same library.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>
#include <mbedtls/gcm.h>
#include <mbedtls/sha256.h>

/* CPU microseconds (the machine may be shared); the firmware's printf has
 * no floating point */
static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

static unsigned char big[1 << 20];

int main(void)
{
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ecdsa_context srv;
	mbedtls_ecdh_context cli;
	mbedtls_sha256_context sha;
	mbedtls_gcm_context gcm;
	unsigned char hash[32], sig[MBEDTLS_ECDSA_MAX_LEN], key[16] = {1}, iv[12] = {2}, tag[16];
	unsigned char pub[100], secret[32];
	size_t siglen, olen;
	int i, rounds = 20, rc = 0;
	long long t, d, kp = 1LL << 62, sh = 1LL << 62, ve = 1LL << 62;

	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_ecdsa_init(&srv);
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, (const unsigned char *)"b",
				  1) ||
	    mbedtls_ecdsa_genkey(&srv, MBEDTLS_ECP_DP_SECP256R1, mbedtls_ctr_drbg_random, &drbg) ||
	    mbedtls_sha256_ret((const unsigned char *)"ske", 3, hash, 0) ||
	    mbedtls_ecdsa_write_signature(&srv, MBEDTLS_MD_SHA256, hash, sizeof hash, sig, &siglen,
					  mbedtls_ctr_drbg_random, &drbg)) {
		fprintf(stderr, "tlsbench: setup failed\n");
		return 1;
	}
	for (i = 0; i < rounds && !rc; i++) {
		mbedtls_ecdh_init(&cli);
		t = now_us();
		rc = mbedtls_ecdh_setup(&cli, MBEDTLS_ECP_DP_SECP256R1) ||
		     mbedtls_ecdh_make_public(&cli, &olen, pub, sizeof pub, mbedtls_ctr_drbg_random,
					      &drbg);
		d = now_us() - t;
		kp = d < kp ? d : kp;
		/* the server's public point stands in for its ephemeral one */
		rc = rc || mbedtls_ecp_copy(&cli.ctx.mbed_ecdh.Qp, &srv.Q);
		t = now_us();
		rc = rc || mbedtls_ecdh_calc_secret(&cli, &olen, secret, sizeof secret,
						    mbedtls_ctr_drbg_random, &drbg);
		d = now_us() - t;
		sh = d < sh ? d : sh;
		t = now_us();
		rc = rc || mbedtls_ecdsa_read_signature(&srv, hash, sizeof hash, sig, siglen);
		d = now_us() - t;
		ve = d < ve ? d : ve;
		mbedtls_ecdh_free(&cli);
	}
	if (rc) {
		fprintf(stderr, "tlsbench: handshake arithmetic failed\n");
		return 1;
	}
	printf("p256 key pair us %lld\n", kp);
	printf("p256 shared secret us %lld\n", sh);
	printf("p256 ecdsa verify us %lld\n", ve);
	printf("handshake total us %lld\n", (kp + sh + ve));
	mbedtls_sha256_init(&sha);
	t = now_us();
	mbedtls_sha256_starts_ret(&sha, 0);
	mbedtls_sha256_update_ret(&sha, big, sizeof big);
	mbedtls_sha256_finish_ret(&sha, hash);
	printf("sha256 us/MB %lld\n", now_us() - t);
	mbedtls_gcm_init(&gcm);
	t = now_us();
	rc = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 128) ||
	     mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, sizeof big, iv, sizeof iv, NULL,
				       0, big, big, sizeof tag, tag);
	printf("aes128-gcm us/MB %lld\n", now_us() - t);
	mbedtls_gcm_free(&gcm);
	mbedtls_ecdsa_free(&srv);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);
	return rc;
}
