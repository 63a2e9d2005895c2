/* json.c — JSON object writer with strict escaping (see json.h). */
#include "json.h"

#include <inttypes.h>
#include <string.h>

size_t json_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

int json_escape(struct buf *b, const char *s, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run;
	int rc = 0;

	while (i < n && !rc) {
		unsigned char c = p[i];
		char esc[7] = {'\\', 'u', '0', '0', 0, 0, 0};

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) {
			run = i;
			while (run < n && p[run] >= 0x20 && p[run] != '"' && p[run] != '\\' &&
			       p[run] < 0x7f)
				run++;
			rc = buf_add(b, p + i, run - i);
			i = run;
			continue;
		}
		if (c >= 0x80) {
			size_t l = json_utf8_len(p + i, n - i);

			if (l) {
				rc = buf_add(b, p + i, l);
				i += l;
				continue;
			}
		}
		switch (c) {
		case '"':
			rc = buf_add(b, "\\\"", 2);
			break;
		case '\\':
			rc = buf_add(b, "\\\\", 2);
			break;
		case '\n':
			rc = buf_add(b, "\\n", 2);
			break;
		case '\r':
			rc = buf_add(b, "\\r", 2);
			break;
		case '\t':
			rc = buf_add(b, "\\t", 2);
			break;
		default:
			esc[4] = hx[c >> 4];
			esc[5] = hx[c & 15];
			rc = buf_add(b, esc, 6);
		}
		i++;
	}
	return rc;
}

void json_open(struct json *j, struct buf *b)
{
	j->b = b;
	j->first = true;
	j->err = buf_addc(b, '{');
}

static void key(struct json *j, const char *k)
{
	if (j->err)
		return;
	if (!j->first)
		j->err = buf_addc(j->b, ',');
	j->first = false;
	if (!j->err)
		j->err = buf_addc(j->b, '"');
	if (!j->err)
		j->err = json_escape(j->b, k, strlen(k));
	if (!j->err)
		j->err = buf_add(j->b, "\":", 2);
}

void json_str(struct json *j, const char *k, const char *v, size_t n)
{
	key(j, k);
	if (!j->err)
		j->err = buf_addc(j->b, '"');
	if (!j->err)
		j->err = json_escape(j->b, v ? v : "", v ? n : 0);
	if (!j->err)
		j->err = buf_addc(j->b, '"');
}

void json_cstr(struct json *j, const char *k, const char *v)
{
	json_str(j, k, v, v ? strlen(v) : 0);
}

void json_int(struct json *j, const char *k, int64_t v)
{
	key(j, k);
	if (!j->err)
		j->err = buf_printf(j->b, "%" PRId64, v);
}

void json_bool(struct json *j, const char *k, bool v)
{
	key(j, k);
	if (!j->err)
		j->err = buf_adds(j->b, v ? "true" : "false");
}

void json_raw(struct json *j, const char *k, const char *raw, size_t n)
{
	key(j, k);
	if (!j->err)
		j->err = buf_add(j->b, raw, n);
}

int json_close(struct json *j)
{
	if (!j->err)
		j->err = buf_addc(j->b, '}');
	return j->err;
}
