/* dlr.h — finds the second stage a tiny downloader fetches, from its code.
 *
 * Mirai's `dlr` (and its many copies) is a few-KB static ELF that writes a
 * struct sockaddr_in on its stack — family AF_INET, the port in network
 * order, the server's IPv4 address, all compile-time constants — connects
 * to it and sends one fixed "GET /bins/<arch> HTTP/1.0" request. The
 * extractor reads the ELF header (machine, endianness) and its PT_LOAD
 * program headers (every bound checked), then walks the executable bytes
 * with a small per-architecture constant tracker (dlr_arch.h): registers
 * that hold known constants (MIPS lui/ori/addiu, ARM mov/mvn/movw/movt and
 * pc-relative literal-pool loads, x86 imm32 moves and stores, PowerPC
 * lis/ori/addi, SuperH mov #imm and mov.l/mov.w @(disp,pc), m68k move.l
 * #imm) and the stores of them to [base+offset]. An address is certain only
 * when eight bytes stored close together, at a 4-aligned offset of one base
 * register, read as a sockaddr_in: family 2 in the CPU's byte order, a port,
 * and a unicast-looking address; when every such find in the file agrees;
 * and when the file carries exactly one request line "GET /… HTTP/1.x" in a
 * loaded segment. Anything less is uncertain (with the candidate, for the
 * log) or none, and is never fetched.
 *
 * Pure: no allocation, no I/O; work is linear in the file size (at most
 * DLR_MAX_FILE bytes, at most DLR_MAX_PHDR program headers looked at), memory
 * a fixed struct on the stack.
 */
#ifndef TANUKI_DLR_H
#define TANUKI_DLR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* dlr builds are 1-10 KB; 256 KB covers fat variants and bounds the scan. */
#define DLR_MAX_FILE (256u * 1024u)
/* Program headers looked at (real downloaders have 1-4). */
#define DLR_MAX_PHDR 16u

enum dlr_verdict {
	DLR_NONE = 0,	   /* not a downloader we can read: fetch nothing */
	DLR_UNCERTAIN = 1, /* a request line, but no certain address: fetch nothing */
	DLR_CERTAIN = 2,   /* the address, port and path the code uses */
};

struct dlr_result {
	enum dlr_verdict verdict;
	const char *reason; /* static text: why this verdict (for the log) */
	const char *arch;   /* "mips", "mipsel", "arm", "x86", "powerpc", "sh4",
			       "m68k", or "" when the machine is not one of them */
	uint16_t machine;   /* e_machine */
	bool big_endian;
	bool have_addr;	 /* certain, or uncertain with a candidate */
	uint8_t addr[4]; /* network order */
	uint16_t port;	 /* host order; 0 when not known */
	char host[16];	 /* addr as dotted text when have_addr */
	char path[256];	 /* the request path ("/bins/mirai.arm"), "" if none */
	unsigned finds;	 /* sockaddr_in patterns seen in the code */
};

/* Reads p[0..n). Fills *r and returns r->verdict. */
enum dlr_verdict dlr_analyse(const uint8_t *p, size_t n, struct dlr_result *r);

/* Text of a verdict for events: "certain", "uncertain", "none". */
const char *dlr_verdict_name(enum dlr_verdict v);

/* Compatibility with the fetcher's current call (fetch.c): fills hit 0 when,
 * and only when, the verdict is certain. A port of 80 in the code becomes
 * default_port (`option dlr_port`, 80 unless a test moves it). */
struct dlr_hit {
	char host[64];
	uint16_t port;
	char path[256];
};
size_t dlr_extract(const uint8_t *p, size_t n, uint16_t default_port, struct dlr_hit *hits,
		   size_t max);

#endif
