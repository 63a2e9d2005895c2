/* hub_fuzz_form.c — libFuzzer target for the dashboard's form decoder and
 * its HTML escaper (src/hub/web.c), both fed attacker bytes: a login form
 * from anyone, and strings a decoy recorded from attackers. Built by
 * mk/hub.mk as build/fuzz/fuzz_hub_form. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"csrf", "user", "password", "q"};
	char out[64], *s;
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (form_get((const char *)data, size, keys[i], out, sizeof(out)) &&
		    strlen(out) >= sizeof(out))
			__builtin_trap();
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	buf_init(&b, 8 * size + 16);
	if (html_esc(&b, s))
		__builtin_trap(); /* 8x is enough: "&quot;" is the longest */
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];

		/* nothing that opens markup or an attribute, no control byte */
		if (c == '<' || c == '>' || c == '"' || c == '\'' || c < 0x20 ||
		    c == 0x7f)
			__builtin_trap();
	}
	buf_free(&b);
	free(s);
	return 0;
}
