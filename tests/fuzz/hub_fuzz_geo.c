/* hub_fuzz_geo.c — libFuzzer target for the hub's GeoIP reader (src/hub/
 * geo.c over libmaxminddb): the input is a whole .mmdb file, as an
 * operator might supply a truncated or damaged one. It is opened as both
 * databases and a few addresses are looked up; nothing may crash or read
 * out of bounds, and what is found must be NUL-terminated text. Built by
 * mk/hub.mk as build/fuzz/fuzz_hub_geo (corpus: tests/fuzz/corpus/hub_geo,
 * files written by tests/lib/mmdb.py). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo.h"

/* libmaxminddb 1.7.1 (Debian 12) leaks a metadata pool when MMDB_open
 * fails on a bad description map (maxmind/libmaxminddb PR #356, fixed
 * upstream in 1.12): its own allocations only are not reported. The hub
 * opens each database once, so the hub itself loses a few KB at most. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libmaxminddb.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ips[] = {"198.18.1.5",	 "198.18.3.9", "198.51.100.7",
					  "2001:db8::1", "::1",	       "not an address"};
	static char path[64];
	struct geo_info gi;
	struct geo *g;
	FILE *f;
	size_t i;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/tanuki-fuzz-geo-%ld.mmdb", (long)getpid());
	f = fopen(path, "wb");
	if (!f)
		return 0;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	g = geo_open(path, path);
	for (i = 0; g && i < sizeof(ips) / sizeof(ips[0]); i++) {
		geo_lookup(g, ips[i], &gi);
		if (strnlen(gi.cc, sizeof(gi.cc)) == sizeof(gi.cc) ||
		    strnlen(gi.country, sizeof(gi.country)) == sizeof(gi.country) ||
		    strnlen(gi.org, sizeof(gi.org)) == sizeof(gi.org))
			__builtin_trap();
	}
	geo_close(g);
	unlink(path);
	return 0;
}
