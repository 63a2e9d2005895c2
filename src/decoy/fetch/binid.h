/* binid.h — what a captured binary would print when "run", read statically.
 *
 * Given the bytes and the persona's CPU (e_machine and byte order), decides
 * the class and the text the program prints at its start:
 *   BINID_DOWNLOADER  a tiny downloader (fetch/dlr.h): the real Mirai dlr
 *                     writes "MIRAI\n" first, then "FIN\n" once its payload
 *                     is saved or "NIF\n" when the connect fails; `dlr`
 *                     holds the second stage (fetch it only when certain);
 *   BINID_XOR_BOT     a bot whose string table is XORed with one byte
 *                     (Mirai folds its 4-byte key 0xdeadbeef to 0x22; forks
 *                     change key and strings): `key`, and the start-up text
 *                     decoded from the table (Mirai: "listening tun0\n");
 *   BINID_WRONG_ARCH  an ELF for another CPU: the shell's and kernel's answer
 *                     is the caller's (it knows the path and the BusyBox
 *                     version); text is empty here;
 *   BINID_SILENT      an ELF for this CPU that we cannot read: a daemonising
 *                     bot prints nothing;
 *   BINID_NOT_ELF     not an ELF (a script, data): the caller's business.
 * Pure, no allocation; work bounded by BINID_MAX_SCAN bytes × 14 needles
 * (one pass each). Caller owns everything.
 */
#ifndef TANUKI_BINID_H
#define TANUKI_BINID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch/dlr.h"

/* Bytes searched for an obfuscated table (Mirai bots are 30-150 KB). */
#define BINID_MAX_SCAN (512u * 1024u)

enum binid_class {
	BINID_NOT_ELF,
	BINID_WRONG_ARCH,
	BINID_DOWNLOADER,
	BINID_XOR_BOT,
	BINID_SILENT,
};

struct binid_result {
	enum binid_class cls;
	const char *family;   /* "mirai_dlr", "mirai", "unknown", ... (static) */
	char text[64];	      /* printed at start ("MIRAI\n", "listening tun0\n") */
	const char *text_ok;  /* downloader: after a fetch that worked ("FIN\n") */
	const char *text_err; /* downloader: after a failed connect ("NIF\n") */
	uint8_t key;	      /* XOR_BOT: the byte key */
	unsigned hits;	      /* XOR_BOT: known plaintexts found under key */
	uint16_t machine;     /* the binary's e_machine */
	bool big_endian;
	struct dlr_result dlr; /* DOWNLOADER: the second stage and its verdict */
};

/* cpu_machine/cpu_be: the persona's CPU (EM_MIPS=8 big endian for the HG532
 * and PK5001Z, EM_ARM=40 little endian for the Xiongmai DVR). */
enum binid_class binid_classify(const uint8_t *p, size_t n, uint16_t cpu_machine, bool cpu_be,
				struct binid_result *r);

const char *binid_class_name(enum binid_class c);

#endif
