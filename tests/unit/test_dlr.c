/* test_dlr.c — the second-stage extractor (fetch/dlr.h).
 *
 * 1. Downloaders written for the tests (tests/lib/dlr/dl.c), built by every
 *    Debian cross compiler at -Os and -O2, -nostdlib -static, for several
 *    addresses and ports (tests/lib/dlr/build.sh → build/dlr/manifest): the
 *    verdict is certain with exactly the address, port and path compiled
 *    in, or — where the manifest allows — not certain. Never another.
 * 2. Hostile ELFs: every truncation, lying program headers, huge counts,
 *    zero sizes, overlapping segments, random flips — each in a buffer of
 *    exactly its size so ASan sees any read past it.
 * 3. Hand-made images: two sockaddrs or two request lines are uncertain;
 *    the fetcher's compatibility call maps port 80 to its default.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fetch/dlr.h"

static char fixdir[512];

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long sz;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc(sz > 0 ? (size_t)sz : 1);
	if (p && fread(p, 1, (size_t)sz, f) != (size_t)sz) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*n = (size_t)sz;
	return p;
}

/* a copy of exactly n bytes (ASan catches a read past it) */
static enum dlr_verdict judge(const uint8_t *p, size_t n, struct dlr_result *r)
{
	uint8_t *c = malloc(n ? n : 1);
	enum dlr_verdict v;

	assert_non_null(c);
	if (n)
		memcpy(c, p, n);
	v = dlr_analyse(n ? c : NULL, n, r);
	free(c);
	assert_int_equal(v, r->verdict);
	assert_non_null(r->reason);
	return v;
}

static void compiled_downloaders(void **st)
{
	char path[1024], line[512];
	FILE *m;
	unsigned lines = 0, certain = 0;

	(void)st;
	snprintf(path, sizeof path, "%s/manifest", fixdir);
	m = fopen(path, "r");
	if (!m)
		fail_msg("no %s: make builds it (tests/lib/dlr/build.sh)", path);
	while (fgets(line, sizeof line, m)) {
		char file[256], expect[16], addr[32], want_path[256];
		unsigned port;
		struct dlr_result r;
		uint8_t *p;
		size_t n = 0;

		if (sscanf(line, "%255s %15s %31s %u %255s", file, expect, addr, &port,
			   want_path) != 5)
			fail_msg("bad manifest line: %s", line);
		snprintf(path, sizeof path, "%s/%s", fixdir, file);
		p = slurp(path, &n);
		assert_non_null(p);
		judge(p, n, &r);
		free(p);
		lines++;
		if (r.verdict == DLR_CERTAIN) {
			certain++;
			if (strcmp(expect, "none") == 0 || strcmp(r.host, addr) != 0 ||
			    r.port != port || strcmp(r.path, want_path) != 0)
				fail_msg("%s: certain %s:%u %s, compiled %s:%u %s (%s)", file,
					 r.host, r.port, r.path, addr, port, want_path, expect);
		} else if (strcmp(expect, "certain") == 0) {
			fail_msg("%s: %s (%s), compiled %s:%u", file, dlr_verdict_name(r.verdict),
				 r.reason, addr, port);
		} else {
			/* a request line was there: uncertain, never none */
			assert_int_equal(r.verdict, DLR_UNCERTAIN);
			assert_string_equal(r.path, want_path);
		}
	}
	fclose(m);
	print_message("%u downloaders, %u certain\n", lines, certain);
	assert_true(lines >= 300);
	assert_true(certain >= 100);
}

/* ---- a hand-made ARM downloader image ---- */

static void put32(uint8_t *p, uint32_t v, int be)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		p[be ? i : 3 - i] = (uint8_t)(v >> (8 * (3 - i)));
}

static void put16(uint8_t *p, uint16_t v, int be)
{
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
}

#define IMG 640
#define CODE 84
/* mov r0,#imm (family|port) or ldr r0; ldr ip,=addr; str r0,[sp,#o];
 * str ip,[sp,#o+4]; bx lr; nop; literal family|port; literal addr */
static void arm_sockaddr(uint8_t *f, size_t at, uint32_t famport, uint32_t addr, unsigned o)
{
	put32(f + at, 0xe59f000c, 0);	      /* ldr r0, [pc, #12] -> at+20 */
	put32(f + at + 4, 0xe59fc00c, 0);     /* ldr ip, [pc, #12] -> at+24 */
	put32(f + at + 8, 0xe58d0000 | o, 0); /* str r0, [sp, #o] */
	put32(f + at + 12, 0xe58dc000 | (o + 4), 0);
	put32(f + at + 16, 0xe12fff1e, 0); /* bx lr */
	put32(f + at + 20, famport, 0);
	put32(f + at + 24, addr, 0);
}

static void arm_image(uint8_t *f, const char *req)
{
	memset(f, 0, IMG);
	memcpy(f,
	       "\x7f"
	       "ELF\x01\x01\x01",
	       7);
	put16(f + 16, 2, 0);  /* ET_EXEC */
	put16(f + 18, 40, 0); /* EM_ARM */
	put32(f + 20, 1, 0);
	put32(f + 24, 0x10000 + CODE, 0);
	put32(f + 28, 52, 0); /* phoff */
	put16(f + 40, 52, 0);
	put16(f + 42, 32, 0);
	put16(f + 44, 1, 0);
	put32(f + 52, 1, 0); /* PT_LOAD */
	put32(f + 56, 0, 0);
	put32(f + 60, 0x10000, 0);
	put32(f + 64, 0x10000, 0);
	put32(f + 68, IMG, 0);
	put32(f + 72, IMG, 0);
	put32(f + 76, 5, 0); /* R+X */
	put32(f + 80, 0x1000, 0);
	/* 198.18.0.7:80 in network order, little-endian words */
	arm_sockaddr(f, CODE, 0x50000002, 0x070012c6, 0x10);
	memcpy(f + 400, req, strlen(req) + 1);
}

static void hand_made(void **st)
{
	uint8_t f[IMG];
	struct dlr_result r;
	struct dlr_hit h[2];

	(void)st;
	arm_image(f, "GET /bins/a.arm HTTP/1.0\r\n\r\n");
	assert_int_equal(judge(f, IMG, &r), DLR_CERTAIN);
	assert_string_equal(r.host, "198.18.0.7");
	assert_int_equal(r.port, 80);
	assert_string_equal(r.arch, "arm");
	assert_string_equal(r.path, "/bins/a.arm");
	/* the fetcher's call: port 80 becomes its default (tests move it) */
	assert_int_equal(dlr_extract(f, IMG, 8080, h, 2), 1);
	assert_string_equal(h[0].host, "198.18.0.7");
	assert_int_equal(h[0].port, 8080);
	assert_string_equal(h[0].path, "/bins/a.arm");
	assert_int_equal(dlr_extract(f, IMG, 8080, h, 0), 0);

	/* a second, different sockaddr: uncertain, the candidate kept */
	arm_sockaddr(f, CODE + 32, 0x901f0002, 0x090012c6, 0x20);
	assert_int_equal(judge(f, IMG, &r), DLR_UNCERTAIN);
	assert_string_equal(r.reason, "several_sockaddrs");
	assert_true(r.have_addr);
	assert_int_equal(dlr_extract(f, IMG, 80, h, 2), 0);
	/* the same one twice is still certain */
	arm_sockaddr(f, CODE + 32, 0x50000002, 0x070012c6, 0x20);
	assert_int_equal(judge(f, IMG, &r), DLR_CERTAIN);

	/* two different request lines: uncertain */
	memcpy(f + 500, "GET /bins/b.arm HTTP/1.0\r\n", 26);
	assert_int_equal(judge(f, IMG, &r), DLR_UNCERTAIN);
	assert_string_equal(r.reason, "several_requests");
	memset(f + 500, 0, 26);

	/* no request line: none */
	memcpy(f + 400, "PUT", 3);
	assert_int_equal(judge(f, IMG, &r), DLR_NONE);
	memcpy(f + 400, "GET", 3);

	/* the request line outside every loaded segment: none */
	put32(f + 68, 400, 0);
	assert_int_equal(judge(f, IMG, &r), DLR_NONE);
	put32(f + 68, IMG, 0);

	/* not executable: the code is not read */
	put32(f + 76, 4, 0);
	assert_int_equal(judge(f, IMG, &r), DLR_UNCERTAIN);
	assert_string_equal(r.reason, "no_sockaddr");
	put32(f + 76, 5, 0);

	/* family not AF_INET, port 0, address 0.x, x.x.x.0, x.x.x.255,
	 * multicast: no find */
	{
		static const uint32_t bad[][2] = {
		    {0x5000000a, 0x070012c6},
		    {0x00000002, 0x070012c6},
		    {0x50000002, 0x070012c0 & 0x0000ffff},
		    {0x50000002, 0x000012c6},
		    {0x50000002, 0xff0012c6},
		    {0x50000002, 0x070012e0},
		};
		unsigned i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			arm_image(f, "GET /x HTTP/1.1\r\n");
			arm_sockaddr(f, CODE, bad[i][0], bad[i][1], 0x10);
			assert_int_equal(judge(f, IMG, &r), DLR_UNCERTAIN);
			assert_string_equal(r.reason, "no_sockaddr");
		}
	}
	/* an architecture the extractor does not read: none */
	arm_image(f, "GET /x HTTP/1.1\r\n");
	put16(f + 18, 2, 0); /* EM_SPARC */
	assert_int_equal(judge(f, IMG, &r), DLR_NONE);
	assert_string_equal(r.reason, "machine");
}

static void hostile(void **st)
{
	uint8_t f[IMG], g[IMG];
	struct dlr_result r;
	size_t n;
	unsigned i, k;
	uint32_t x = 12345;

	(void)st;
	arm_image(f, "GET /bins/a.arm HTTP/1.0\r\n\r\n");
	/* zero size, NULL */
	assert_int_equal(dlr_analyse(NULL, 0, &r), DLR_NONE);
	assert_int_equal(judge(f, 0, &r), DLR_NONE);
	/* every truncation: the answer stays right or goes away */
	for (n = 0; n <= IMG; n++) {
		judge(f, n, &r);
		if (r.verdict == DLR_CERTAIN)
			assert_string_equal(r.host, "198.18.0.7");
	}
	/* lying program headers */
	{
		/* ok: 1 when the lie is harmless (sizes clipped to the file,
		 * p_memsz unread) and the answer must stay certain and right */
		static const struct {
			unsigned at, size;
			uint32_t v;
			int ok;
		} lie[] = {
		    {44, 2, 0xffff, 0},	    {44, 2, 17, 0},	    {44, 2, 0, 0},
		    {42, 2, 0, 0},	    {42, 2, 1, 0},	    {42, 2, 0xffff, 0},
		    {28, 4, 0xffffffff, 0}, {28, 4, IMG - 31, 0},   {28, 4, IMG, 0},
		    {68, 4, 0xffffffff, 1}, {72, 4, 0xffffffff, 1}, {56, 4, 0xffffffff, 0},
		    {56, 4, IMG, 0},	    {56, 4, IMG - 1, 0},    {60, 4, 0xfffffff0, 0},
		    {68, 4, 0, 0},	    {4, 1, 2, 0},	    {5, 1, 0, 0},
		    {5, 1, 3, 0},	    {60, 4, 0xffffffff, 0}, {52, 4, 0, 0},
		    {80, 4, 0xffffffff, 1}, {32, 4, 0xffffffff, 1}, {46, 2, 0xffff, 1},
		};

		for (i = 0; i < sizeof lie / sizeof lie[0]; i++) {
			memcpy(g, f, IMG);
			if (lie[i].size == 4)
				put32(g + lie[i].at, lie[i].v, 0);
			else if (lie[i].size == 2)
				put16(g + lie[i].at, (uint16_t)lie[i].v, 0);
			else
				g[lie[i].at] = (uint8_t)lie[i].v;
			judge(g, IMG, &r);
			if (lie[i].ok) {
				assert_int_equal(r.verdict, DLR_CERTAIN);
				assert_string_equal(r.host, "198.18.0.7");
			} else {
				assert_int_equal(r.verdict, DLR_NONE);
			}
		}
	}
	/* many overlapping segments over the same bytes: still one answer */
	{
		uint8_t h[IMG + 16 * 32];

		memcpy(h, f, IMG);
		put16(h + 44, 16, 0);
		put32(h + 28, IMG, 0);
		for (i = 0; i < 16; i++) {
			memcpy(h + IMG + 32 * i, f + 52, 32);
			put32(h + IMG + 32 * i + 68 - 52, IMG + 16 * 32, 0);
		}
		assert_int_equal(judge(h, sizeof h, &r), DLR_CERTAIN);
		assert_string_equal(r.host, "198.18.0.7");
		put16(h + 44, 17, 0); /* over DLR_MAX_PHDR */
		assert_int_equal(judge(h, sizeof h, &r), DLR_NONE);
	}
	/* random flips: no crash, no read out of bounds (ASan), and a
	 * certain answer only when the sockaddr words are untouched */
	for (k = 0; k < 3000; k++) {
		unsigned flips = 1 + k % 8;
		bool touched = false;

		memcpy(g, f, IMG);
		for (i = 0; i < flips; i++) {
			unsigned at;

			x = x * 1103515245u + 12345u;
			at = (x >> 8) % IMG;
			g[at] ^= (uint8_t)(1u << (x >> 28 & 7));
			if (at >= CODE && at < CODE + 28)
				touched = true;
		}
		judge(g, IMG, &r);
		if (r.verdict == DLR_CERTAIN && !touched)
			assert_string_equal(r.host, "198.18.0.7");
	}
	/* too big */
	{
		uint8_t *big = calloc(1, DLR_MAX_FILE + 1);

		assert_non_null(big);
		memcpy(big, f, IMG);
		assert_int_equal(dlr_analyse(big, DLR_MAX_FILE + 1, &r), DLR_NONE);
		free(big);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(compiled_downloaders),
	    cmocka_unit_test(hand_made),
	    cmocka_unit_test(hostile),
	};
	const char *slash = strrchr(argv[0], '/');

	/* build/asan/test_dlr → build/dlr */
	if (argc > 1)
		snprintf(fixdir, sizeof fixdir, "%s", argv[1]);
	else if (slash)
		snprintf(fixdir, sizeof fixdir, "%.*s/../dlr", (int)(slash - argv[0]), argv[0]);
	else
		snprintf(fixdir, sizeof fixdir, "../dlr");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
