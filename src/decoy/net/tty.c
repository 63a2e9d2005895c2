/* tty.c — the output processing of the pty between BusyBox telnetd and the
 * shell (see tty.h). */
#include "net/tty.h"

#include <stdbool.h>

#include "buf.h"

/* The pty between BusyBox telnetd and the shell has ONLCR|XTABS set: '\n'
 * leaves as "\r\n" and a tab as spaces to the next 8-column stop. The
 * column is kept as Linux n_tty keeps it: a byte the kernel's ctype calls
 * printable advances it, '\r' and '\n' reset it, '\b' steps back. */
static bool tty_printable(uint8_t c)
{
	return c >= 32 && c != 127 && !(c >= 128 && c < 160);
}

static unsigned col_step(unsigned col, uint8_t c)
{
	if (c == '\n' || c == '\r')
		return 0;
	if (c == '\t')
		return (col | 7) + 1;
	if (c == '\b')
		return col ? col - 1 : 0;
	return tty_printable(c) ? col + 1 : col;
}

/* The column after n bytes written from column col (only the bytes after
 * the last line end matter: a large file costs a short backward scan). */
unsigned tty_col_after(unsigned col, const uint8_t *p, size_t n)
{
	size_t i = n;

	while (i > 0 && p[i - 1] != '\n' && p[i - 1] != '\r')
		i--;
	if (i > 0)
		col = 0;
	for (; i < n; i++)
		col = col_step(col, p[i]);
	return col;
}

/* The pty's output processing (above), then 0xff → 0xff 0xff (telnet),
 * appended to b; *col follows. Returns the source bytes used; stops early
 * when b would pass `limit`. */
size_t tty_convert(struct buf *b, unsigned *col, const uint8_t *q, size_t n, size_t limit)
{
	const uint8_t *p = q, *end = q + n;

	while (p < end && b->len + 8 <= limit) {
		const uint8_t *r = p;
		size_t room = limit - b->len;
		unsigned c = *col;

		while (r < end && *r != '\n' && *r != 0xff && *r != '\t' && (size_t)(r - p) < room)
			c = col_step(c, *r++);
		if (r > p) {
			if (buf_add(b, p, (size_t)(r - p)))
				break;
			*col = c;
			p = r;
			continue;
		}
		if (*p == '\t') {
			unsigned sp = 8 - (*col & 7);

			if (buf_add(b, "        ", sp))
				break;
			*col += sp;
		} else if (*p == '\n') {
			if (buf_add(b, "\r\n", 2))
				break;
			*col = 0;
		} else {
			if (buf_add(b, "\xff\xff", 2))
				break;
			/* 0xff is printable to the tty */
			*col += 1;
		}
		p++;
	}
	return (size_t)(p - q);
}

/* Raw wire bytes (the login's persona strings, telnet commands) move the
 * terminal's column too; IAC sequences do not. */
unsigned tty_raw_col(unsigned col, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == 0xff && i + 1 < n && p[i + 1] != 0xff) {
			i += p[i + 1] >= 251 && p[i + 1] <= 254 ? 2 : 1;
			continue;
		}
		col = col_step(col, p[i]);
	}
	return col;
}
