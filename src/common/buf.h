/* buf.h — the one growable byte buffer, with a hard maximum.
 *
 * A buf grows on demand up to `max` bytes fixed at buf_init(); an append
 * that would pass the maximum fails with -ENOBUFS and leaves the buffer as
 * it was. Nothing here aborts the process. The buffer keeps a trailing NUL
 * after `len` (not counted) so text can be handed to C string functions.
 *
 * Ownership: the struct lives in its owner; buf_free() releases the heap
 * block and leaves an empty buffer that may be reused.
 */
#ifndef TANUKI_BUF_H
#define TANUKI_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct acct;

struct buf {
	char *p;	   /* data, NUL-terminated after len when p != NULL */
	size_t len;	   /* bytes in use */
	size_t cap;	   /* bytes allocated (excluding the NUL) */
	size_t max;	   /* hard maximum for len */
	struct acct *acct; /* charged for cap + 1 bytes, or NULL */
};

void buf_init(struct buf *b, size_t max);
/* As buf_init, and every byte the buffer allocates is charged to acct
 * (acct.h); growth past the account's cap fails with -ENOMEM. */
void buf_init_acct(struct buf *b, size_t max, struct acct *acct);
void buf_free(struct buf *b);
void buf_reset(struct buf *b); /* len = 0, keeps memory */

int buf_add(struct buf *b, const void *p, size_t n);
int buf_addc(struct buf *b, char c);
int buf_adds(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Drops the first n bytes (n > len drops all). */
void buf_consume(struct buf *b, size_t n);

/* Takes the heap block out of b (caller frees with free()); b is left empty
 * and the block leaves b's account.
 * *len receives the length. Returns NULL for an empty buffer. */
char *buf_take(struct buf *b, size_t *len);

#endif
