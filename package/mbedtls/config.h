/* config.h — mbedTLS 2.28 for the router build of tanuki (replaces the
 * library's default include/mbedtls/config.h in the firmware build only;
 * the PC build uses Debian's full library).
 *
 * What the decoy needs and nothing more:
 *   - SHA-256 (the store, binaries' names), base64 (the pin option),
 *     HMAC-SHA256 (signing summaries), CTR-DRBG over the kernel's entropy;
 *   - a TLS 1.2 client for the uplink: ECDHE with ECDSA (tanuki-hub's own
 *     P-256 certificate) or RSA (an owner's certificate) and AES-GCM,
 *     X.509 parsing to reach the key the pin names, SNI.
 * No server side, no DTLS, no renegotiation, no CBC, no SHA-1, no file
 * system access. The default config made the decoy 652,500 bytes (mipsel,
 * stripped); this one is measured in the #7 note.
 */
#ifndef MBEDTLS_CONFIG_H
#define MBEDTLS_CONFIG_H

/* system support */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE

/* feature support */
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE

/* modules */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES   /* tables in flash, not built in RAM */
#define MBEDTLS_AES_FEWER_TABLES /* one table each way, rotated: 6 KB less */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_GCM_C
#define MBEDTLS_MD_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_RSA_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER /* rolled loop */
#define MBEDTLS_SHA512_C
#define MBEDTLS_SHA512_SMALLER /* rolled loop */
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

/* module configuration: the only suites the features above allow, named so
 * the library's preference list of every suite it knows is not linked */
#define MBEDTLS_SSL_CIPHERSUITES                                                 \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,                         \
	    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,                       \
	    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,                     \
	    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

#include "mbedtls/check_config.h"

#endif
