/* tty.h — what the pty between BusyBox telnetd and the shell does to the
 * shell's output (ONLCR|XTABS), and the terminal column it leaves. */
#ifndef TANUKI_NET_TTY_H
#define TANUKI_NET_TTY_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* The column after n bytes written from column col. */
unsigned tty_col_after(unsigned col, const uint8_t *p, size_t n);

/* The pty's output processing, then 0xff -> 0xff 0xff (telnet), appended to
 * b; *col follows. Returns the source bytes used; stops early when b would
 * pass `limit`. */
size_t tty_convert(struct buf *b, unsigned *col, const uint8_t *q, size_t n, size_t limit);

/* The column after raw wire bytes (IAC sequences do not move it). */
unsigned tty_raw_col(unsigned col, const uint8_t *p, size_t n);

#endif
