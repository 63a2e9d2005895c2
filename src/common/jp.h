/* jp.h — a small bounded JSON parser (RFC 8259) into a flat node array.
 *
 * Why our own: the hub parses untrusted bodies and only needs a DOM of a
 * few kinds of nodes; ~300 lines with hard caps on nodes, depth and string
 * size are easier to audit and fuzz than a general library.
 *
 * Strings are decoded (escapes, surrogate pairs) into one arena and must be
 * valid UTF-8 without NUL; numbers are kept as int64 when they are
 * integers. Duplicate keys are allowed (jp_get finds the first).
 *
 * Ownership: jp_parse fills a caller-owned struct jdoc; jp_free releases it.
 */
#ifndef TANUKI_JP_H
#define TANUKI_JP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	uint8_t type;
	bool isint;    /* J_NUM: an integer that fits int64 */
	int32_t next;  /* next sibling, -1 at the end */
	int32_t child; /* J_ARR/J_OBJ: first element, -1 if empty */
	uint32_t koff; /* member of an object: key in the arena */
	uint32_t klen;
	uint32_t soff; /* J_STR: value in the arena (NUL-terminated) */
	uint32_t slen;
	uint32_t src; /* the value's bytes in the parsed text */
	uint32_t srclen;
	int64_t num;
};

struct jdoc {
	struct jnode *n;
	int32_t count, cap;
	char *arena;
	size_t alen, acap;
};

/* Parses p[0..len). Returns 0, or -EINVAL (syntax), -E2BIG (a cap). The
 * root is node 0. On error *where gets the byte offset (may be NULL). */
int jp_parse(struct jdoc *d, const char *p, size_t len, int32_t max_nodes, int max_depth,
	     size_t *where);
void jp_free(struct jdoc *d);

/* Member `key` of object node `obj`, or -1. */
int32_t jp_get(const struct jdoc *d, int32_t obj, const char *key);
static inline const struct jnode *jp_node(const struct jdoc *d, int32_t i)
{
	return &d->n[i];
}
static inline const char *jp_str(const struct jdoc *d, int32_t i)
{
	return d->arena + d->n[i].soff;
}
static inline const char *jp_key(const struct jdoc *d, int32_t i)
{
	return d->arena + d->n[i].koff;
}

#endif
