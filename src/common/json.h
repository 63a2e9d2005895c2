/* json.h — a JSON object writer into a struct buf.
 *
 * Strings are escaped so that attacker bytes never reach a log raw: control
 * bytes become \u00XX, and bytes that are not valid UTF-8 are written as the
 * code point of the same value (\u0080-\u00ff, as Latin-1), so every line is
 * valid JSON and no byte is silently lost.
 *
 * Usage: json_open(b); json_str(b, "k", v, n); …; json_close(b).
 * Errors (the buffer's maximum) are sticky in the writer's return values:
 * check json_close()'s result once.
 */
#ifndef TANUKI_JSON_H
#define TANUKI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct json {
	struct buf *b;
	bool first;
	int err;
};

void json_open(struct json *j, struct buf *b);
void json_str(struct json *j, const char *key, const char *v, size_t n);
void json_cstr(struct json *j, const char *key, const char *v);
void json_int(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
/* Writes `key` then raw, already valid JSON text (a nested value). */
void json_raw(struct json *j, const char *key, const char *raw, size_t n);
int json_close(struct json *j);

/* Length (1-4) of the valid UTF-8 sequence at p (n bytes available), or 0
 * if it is not valid UTF-8 (overlong, surrogate, past U+10FFFF, cut). */
size_t json_utf8_len(const unsigned char *p, size_t n);

/* Appends the escaped form of p[0..n) (no quotes) to b. */
int json_escape(struct buf *b, const char *p, size_t n);

#endif
