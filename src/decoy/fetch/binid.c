/* binid.c — static "what would it print" for captured binaries (binid.h). */
#include "fetch/binid.h"

#include <stdio.h>
#include <string.h>

/* Plaintexts of Mirai's table and of its forks' (fresh list: the kinds of
 * strings such a bot must carry to kill rivals, find its watchdog and
 * answer the loader). The first one found under a key that is a start-up
 * line is printed. */
static const char *const needles[] = {
    "listening tun0",
    "/proc/",
    "/dev/watchdog",
    "/dev/misc/watchdog",
    "/exe",
    "shell",
    "enable",
    "system",
    "sh",
    "/status",
    "/maps",
    "/proc/net/tcp",
    "TSource Engine Query",
    "/etc/resolv.conf",
};
#define NNEEDLE (sizeof needles / sizeof needles[0])
/* needles that are start-up lines (printed by the bot when it runs) */
static const char *const startup[] = {"listening tun0"};

const char *binid_class_name(enum binid_class c)
{
	static const char *const n[] = {"not_elf", "wrong_arch", "downloader", "xor_bot", "silent"};

	return (unsigned)c < sizeof n / sizeof n[0] ? n[c] : "?";
}

/* Is needle^key (with its terminating NUL^key, as a table entry is) in p? */
static bool found(const uint8_t *p, size_t n, const char *s, uint8_t key)
{
	uint8_t enc[32];
	size_t l = strlen(s), i;

	if (l + 1 > sizeof enc)
		return false;
	for (i = 0; i < l; i++)
		enc[i] = (uint8_t)s[i] ^ key;
	enc[l] = key; /* the NUL, encoded */
	return memmem(p, n, enc, l + 1) != NULL;
}

/* Best single-byte key by distinct needles found, in one pass per needle:
 * at each position the key is fixed by the first byte (p[i] ^ s[0]), so
 * the work is O(needles * n), not O(keys * needles * n). Key 0 (plain
 * text) is not obfuscation and not counted. */
static unsigned best_key(const uint8_t *p, size_t n, uint8_t *key)
{
	uint16_t seen[256];
	unsigned k, i, best = 0;
	size_t at, j;

	memset(seen, 0, sizeof seen);
	for (i = 0; i < NNEEDLE; i++) {
		const uint8_t *s = (const uint8_t *)needles[i];
		size_t l = strlen(needles[i]);

		for (at = 0; at + l < n; at++) {
			uint8_t kk = p[at] ^ s[0];

			if (!kk || (seen[kk] & (1u << i)) || p[at + l] != kk)
				continue;
			for (j = 1; j < l && (uint8_t)(p[at + j] ^ kk) == s[j]; j++)
				;
			if (j == l)
				seen[kk] |= (uint16_t)(1u << i);
		}
	}
	for (k = 1; k < 256; k++) {
		unsigned hits = 0;

		for (i = 0; i < NNEEDLE; i++)
			hits += (seen[k] >> i) & 1;
		if (hits > best) {
			best = hits;
			*key = (uint8_t)k;
		}
	}
	return best;
}

enum binid_class binid_classify(const uint8_t *p, size_t n, uint16_t cpu_machine, bool cpu_be,
				struct binid_result *r)
{
	size_t scan = n < BINID_MAX_SCAN ? n : BINID_MAX_SCAN;
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->family = "unknown";
	if (!p || n < 20 ||
	    memcmp(p,
		   "\x7f"
		   "ELF",
		   4) ||
	    (p[5] != 1 && p[5] != 2)) {
		r->cls = BINID_NOT_ELF;
		return r->cls;
	}
	r->big_endian = p[5] == 2;
	r->machine =
	    r->big_endian ? (uint16_t)(p[18] << 8 | p[19]) : (uint16_t)(p[19] << 8 | p[18]);
	if (r->machine != cpu_machine || r->big_endian != cpu_be) {
		r->cls = BINID_WRONG_ARCH;
		return r->cls;
	}
	if (dlr_analyse(p, n, &r->dlr) != DLR_NONE) {
		r->cls = BINID_DOWNLOADER;
		r->family = "mirai_dlr";
		snprintf(r->text, sizeof r->text, "MIRAI\n");
		r->text_ok = "FIN\n";
		r->text_err = "NIF\n";
		return r->cls;
	}
	r->hits = best_key(p, scan, &r->key);
	/* three different known strings under one key: a table, not chance
	 * (a random 6+ byte match under some key is ~2^-40 per position) */
	if (r->hits >= 3) {
		r->cls = BINID_XOR_BOT;
		r->family = r->key == 0x22 ? "mirai" : "mirai_fork";
		for (i = 0; i < sizeof startup / sizeof startup[0]; i++)
			if (found(p, scan, startup[i], r->key)) {
				snprintf(r->text, sizeof r->text, "%s\n", startup[i]);
				break;
			}
		return r->cls;
	}
	r->cls = BINID_SILENT;
	return r->cls;
}
