/* fuzz_dlr.c — the second-stage extractor (fetch/dlr.c): the input as a
 * whole file, then the input as the code of a well-formed ELF for each
 * architecture the extractor reads (so every instruction walker sees
 * arbitrary code behind valid headers). Invariants of a certain verdict
 * are checked. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fetch/dlr.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

static void check(const uint8_t *p, size_t n)
{
	struct dlr_result r;
	struct dlr_hit h[2];
	enum dlr_verdict v = dlr_analyse(p, n, &r);

	if (v != r.verdict || v > DLR_CERTAIN || !r.reason || !r.arch)
		__builtin_trap();
	if (v == DLR_CERTAIN && (!r.have_addr || !r.port || r.path[0] != '/' || !r.host[0]))
		__builtin_trap();
	if (memchr(r.host, 0, sizeof r.host) == NULL || memchr(r.path, 0, sizeof r.path) == NULL)
		__builtin_trap();
	if (dlr_extract(p, n, 8080, h, 2) != (v == DLR_CERTAIN ? 1u : 0u))
		__builtin_trap();
}

static void put(uint8_t *p, unsigned size, uint32_t v, int be)
{
	unsigned i;

	for (i = 0; i < size; i++)
		p[be ? i : size - 1 - i] = (uint8_t)(v >> (8 * (size - 1 - i)));
}

#define HDR 84
#define REQ "GET /bins/f HTTP/1.0\r\n\r\n"
static uint8_t img[HDR + 64 * 1024 + sizeof REQ];

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	static const struct {
		uint16_t machine;
		int be;
	} arch[] = {{8, 1}, {8, 0}, {40, 0}, {3, 0}, {20, 1}, {42, 0}, {4, 1}};
	size_t i, m;

	check(p, n);
	if (n > 64 * 1024)
		return 0;
	m = HDR + n + sizeof REQ;
	for (i = 0; i < sizeof arch / sizeof arch[0]; i++) {
		int be = arch[i].be;

		memset(img, 0, HDR);
		memcpy(img,
		       "\x7f"
		       "ELF\x01",
		       5);
		img[5] = be ? 2 : 1;
		img[6] = 1;
		put(img + 16, 2, 2, be);
		put(img + 18, 2, arch[i].machine, be);
		put(img + 28, 4, 52, be);
		put(img + 42, 2, 32, be);
		put(img + 44, 2, 1, be);
		put(img + 52, 4, 1, be);
		put(img + 60, 4, 0x400000, be);
		put(img + 68, 4, (uint32_t)m, be);
		put(img + 72, 4, (uint32_t)m, be);
		put(img + 76, 4, 5, be);
		memcpy(img + HDR, p, n);
		memcpy(img + HDR + n, REQ, sizeof REQ);
		check(img, m);
	}
	return 0;
}
