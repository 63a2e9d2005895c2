/* cfgparse.h — the option readers config.c shares with the modules that
 * read their own sections (fetch/fetchcfg.c, uplink/upcfg.c), apart from
 * config.h so that those modules need not include the config they are part
 * of (scripts/check-includes.sh). Defined in config.c. */
#ifndef TANUKI_CFGPARSE_H
#define TANUKI_CFGPARSE_H

#include <stddef.h>

struct uci_sec;
/* "FILE:LINE: what: key" into err, returns -1. */
int cfg_bad(char *err, size_t errlen, const char *file, int line, const char *what,
	    const char *key);
/* A decimal option in [min, max] times scale. */
int cfg_uint(unsigned *dst, struct uci_sec *s, const char *key, unsigned long min,
	     unsigned long max, unsigned long scale, const char *file, char *err, size_t errlen);

#endif
