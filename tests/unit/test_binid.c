/* test_binid.c — what a captured binary would print (fetch/binid.h), on
 * small ELF images made here: a string table XORed with Mirai's folded key
 * and with a fork's, a downloader, another CPU's binary, one with nothing
 * to say. No real malware: the tables are built from plain text here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fetch/binid.h"

#define IMG 4096

static void elf(uint8_t *f, uint16_t machine, int be)
{
	memset(f, 0, IMG);
	memcpy(f,
	       "\x7f"
	       "ELF\x01",
	       5);
	f[5] = be ? 2 : 1;
	f[6] = 1;
	f[be ? 19 : 18] = (uint8_t)machine;
	f[be ? 18 : 19] = (uint8_t)(machine >> 8);
	/* filler that looks like code */
	for (size_t i = 64; i < IMG; i++)
		f[i] = (uint8_t)(i * 37 + 11);
}

/* table entries, each NUL-terminated, XORed with key, at `at` */
static void table(uint8_t *f, size_t at, uint8_t key, const char *const *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		size_t l = strlen(s[i]) + 1;

		for (j = 0; j < l; j++)
			f[at + j] = (uint8_t)s[i][j] ^ key;
		at += l + 3;
	}
}

static void xor_tables(void **st)
{
	static const char *const mirai[] = {"listening tun0", "/proc/", "/exe",
					    "/dev/watchdog",  "shell",	"enable"};
	static const char *const fork[] = {"/proc/", "/dev/misc/watchdog", "system", "sh", "/maps"};
	uint8_t *f = malloc(IMG);
	struct binid_result r;

	(void)st;
	assert_non_null(f);
	elf(f, 8, 1);
	table(f, 1000, 0x22, mirai, 6);
	assert_int_equal(binid_classify(f, IMG, 8, true, &r), BINID_XOR_BOT);
	assert_int_equal(r.key, 0x22);
	assert_string_equal(r.family, "mirai");
	assert_string_equal(r.text, "listening tun0\n");
	assert_true(r.hits >= 5);

	/* a fork: another key, no start-up line in its table: silent text */
	elf(f, 40, 0);
	table(f, 2000, 0x5a, fork, 5);
	assert_int_equal(binid_classify(f, IMG, 40, false, &r), BINID_XOR_BOT);
	assert_int_equal(r.key, 0x5a);
	assert_string_equal(r.family, "mirai_fork");
	assert_string_equal(r.text, "");

	/* two strings are not enough to call it a table */
	elf(f, 40, 0);
	table(f, 2000, 0x5a, fork, 2);
	assert_int_equal(binid_classify(f, IMG, 40, false, &r), BINID_SILENT);

	/* plain (key 0) strings are not an obfuscated table */
	elf(f, 40, 0);
	table(f, 2000, 0, mirai, 6);
	assert_int_equal(binid_classify(f, IMG, 40, false, &r), BINID_SILENT);
	free(f);
}

static void classes(void **st)
{
	uint8_t *f = malloc(IMG);
	struct binid_result r;

	(void)st;
	assert_non_null(f);
	/* another CPU, or the same CPU in the other byte order */
	elf(f, 40, 0);
	assert_int_equal(binid_classify(f, IMG, 8, true, &r), BINID_WRONG_ARCH);
	assert_int_equal(r.machine, 40);
	elf(f, 8, 0);
	assert_int_equal(binid_classify(f, IMG, 8, true, &r), BINID_WRONG_ARCH);
	/* a script, nothing */
	memcpy(f, "#!/bin/sh\n", 10);
	assert_int_equal(binid_classify(f, IMG, 8, true, &r), BINID_NOT_ELF);
	assert_int_equal(binid_classify(NULL, 0, 8, true, &r), BINID_NOT_ELF);
	assert_int_equal(binid_classify(f, 3, 8, true, &r), BINID_NOT_ELF);
	/* right CPU, nothing known: silent */
	elf(f, 8, 1);
	assert_int_equal(binid_classify(f, IMG, 8, true, &r), BINID_SILENT);
	assert_string_equal(r.text, "");
	assert_string_equal(binid_class_name(r.cls), "silent");
	free(f);
}

/* a downloader built for the tests (build/dlr, tests/lib/dlr/build.sh) */
static char fixdir[512];

static void downloader(void **st)
{
	char path[600];
	FILE *fp;
	uint8_t *f = malloc(1 << 16);
	size_t n;
	struct binid_result r;

	(void)st;
	assert_non_null(f);
	snprintf(path, sizeof path, "%s/dl-mips-O2-198.18.7.9-80-0", fixdir);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	n = fread(f, 1, 1 << 16, fp);
	fclose(fp);
	assert_int_equal(binid_classify(f, n, 8, true, &r), BINID_DOWNLOADER);
	assert_string_equal(r.family, "mirai_dlr");
	assert_string_equal(r.text, "MIRAI\n");
	assert_string_equal(r.text_ok, "FIN\n");
	assert_string_equal(r.text_err, "NIF\n");
	assert_int_equal(r.dlr.verdict, DLR_CERTAIN);
	assert_string_equal(r.dlr.host, "198.18.7.9");
	/* the same file on the ARM persona: another CPU */
	assert_int_equal(binid_classify(f, n, 40, false, &r), BINID_WRONG_ARCH);
	free(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(xor_tables),
	    cmocka_unit_test(classes),
	    cmocka_unit_test(downloader),
	};
	const char *slash = strrchr(argv[0], '/');

	if (argc > 1)
		snprintf(fixdir, sizeof fixdir, "%s", argv[1]);
	else if (slash)
		snprintf(fixdir, sizeof fixdir, "%.*s/../dlr", (int)(slash - argv[0]), argv[0]);
	else
		snprintf(fixdir, sizeof fixdir, "../dlr");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
