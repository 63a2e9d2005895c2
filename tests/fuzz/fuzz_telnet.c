/* fuzz_telnet.c — the Telnet byte parser, fed in random-sized pieces. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/telnet.h"

static size_t total;

static bool on_line(void *ctx, const char *p, size_t n, bool cut)
{
	(void)ctx;
	(void)cut;
	if (n > CAP_LINE)
		__builtin_trap();
	if (n)
		total += (unsigned char)p[n - 1];
	return (n & 7) != 3; /* sometimes ask to stop, as a paused session does */
}

static void on_opt(void *ctx, uint8_t cmd, uint8_t opt)
{
	(void)ctx;
	if (cmd < 251 || cmd > 254)
		__builtin_trap();
	total += opt;
}

static void on_sb(void *ctx, const uint8_t *p, size_t n)
{
	(void)ctx;
	if (n == 0 || n > CAP_TELNET_SB)
		__builtin_trap();
	total += p[0];
}

/* edit mode (the shell's line editor): keys one by one */
static bool on_key(void *ctx, enum tn_key k, uint8_t c)
{
	(void)ctx;
	if ((unsigned)k > TK_EOF)
		__builtin_trap();
	total += c;
	return k != TK_INTR || (total & 1); /* sometimes stop after Ctrl-C */
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct telnet_parser tp;
	struct telnet_cb cb = {NULL, on_line, on_opt, on_sb, on_key};
	size_t off = 0;

	telnet_init(&tp);
	tp.edit = n > 1 && (d[1] & 1); /* both modes: login lines, shell lines */
	/* the first byte picks the segment size, like TCP would */
	while (off < n) {
		size_t seg = n - off, used;

		if (n && (d[0] & 15))
			seg = seg < (size_t)(d[0] & 15) ? seg : (size_t)(d[0] & 15);
		used = telnet_parse(&tp, d + off, seg, &cb);
		if (used > seg)
			__builtin_trap();
		off += used ? used : seg;
	}
	telnet_free(&tp);
	return 0;
}
