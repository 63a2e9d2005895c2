/* fuzz_bre.c — the regular expressions grep, expr and sed read from an
 * attacker's command line (sh/bre.c). The first line is the pattern, the
 * rest the subject; every match found must lie inside the subject, its
 * groups inside the match, and a literal pattern must match exactly
 * where memmem finds it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sh/bre.h"

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	char pat[300];
	const uint8_t *nl = memchr(p, '\n', n);
	size_t pl = nl ? (size_t)(nl - p) : n, sn, i, from;
	const char *s;
	struct bre re;
	struct bre_match m;
	unsigned long steps = 0;
	bool literal = true;

	if (pl >= sizeof pat || memchr(p, '\0', pl))
		return 0;
	memcpy(pat, p, pl);
	pat[pl] = '\0';
	s = nl ? (const char *)nl + 1 : "";
	sn = nl ? n - pl - 1 : 0;
	if (!bre_comp(&re, pat, pl && (p[0] & 0x80)))
		return 0;
	for (from = 0; from <= sn; from += 1 + sn / 4) {
		if (!bre_exec(&re, s, sn, from, &m, &steps, 200000))
			continue;
		if (m.so[0] < from || m.so[0] > m.eo[0] || m.eo[0] > sn)
			__builtin_trap();
		for (i = 1; i < BRE_GROUPS; i++)
			if (m.set[i] && (m.so[i] > m.eo[i] || m.eo[i] > sn))
				__builtin_trap();
	}
	for (i = 0; i < pl; i++)
		if (strchr(".[]*^$\\", pat[i]) || (p[0] & 0x80))
			literal = false;
	if (literal && pl) {
		const char *hit = memmem(s, sn, pat, pl);

		steps = 0;
		if (bre_exec(&re, s, sn, 0, &m, &steps, 1UL << 40) != (hit != NULL))
			__builtin_trap();
		if (hit && (m.so[0] != (size_t)(hit - s) || m.eo[0] != m.so[0] + pl))
			__builtin_trap();
	}
	return 0;
}
