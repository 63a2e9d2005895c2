/* test_persona.c — the persona loader over the shipped personas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "persona/persona.h"

static const char *const names[] = {"huawei-hg532", "zyxel-pk5001z", "xiongmai-dvr"};

static struct persona *load(const char *name, uint8_t seedbyte)
{
	struct persona_unit u;
	char err[256];
	struct persona *p;

	memset(&u, 0, sizeof u);
	memset(u.seed, seedbyte, sizeof u.seed);
	u.first_start = 1767225600;
	p = persona_load("personas", name, &u, err, sizeof err);
	if (!p)
		fail_msg("%s", err);
	return p;
}

static void all_load_and_open_with_iac(void **st)
{
	size_t i, j;

	(void)st;
	for (i = 0; i < 3; i++) {
		struct persona *p = load(names[i], 1);

		assert_string_equal(p->name, names[i]);
		/* bots ignore a server whose first byte is not IAC */
		assert_true(p->telnet_open.n >= 3);
		assert_int_equal((uint8_t)p->telnet_open.p[0], 0xff);
		assert_true(p->ncreds > 0);
		assert_non_null(persona_file(p, "/proc/mounts"));
		assert_non_null(persona_file(p, "/proc/cpuinfo"));
		assert_non_null(persona_file(p, "/bin/echo")); /* applet link */
		assert_true(persona_has_applet(p, "echo"));
		assert_false(persona_has_applet(p, "ECCHI"));
		for (j = 1; j < p->nfiles; j++)
			assert_true(strcmp(p->files[j - 1].path, p->files[j].path) < 0);
		/* the ELF of /bin/busybox: 0x7f E L F, class, data, machine */
		assert_true(p->busybox_len >= 512);
		assert_memory_equal(p->busybox, "\x7f" "ELF", 4);
		assert_int_equal(p->busybox[5], p->elf.ei_data);
		if (p->elf.ei_data == 2)
			assert_int_equal(p->busybox[18] << 8 | p->busybox[19], p->elf.e_machine);
		else
			assert_int_equal(p->busybox[19] << 8 | p->busybox[18], p->elf.e_machine);
		/* "ELF" appears once in the image: bots search for it */
		assert_null(memmem(p->busybox + 2, p->busybox_len - 2, "ELF", 3));
		persona_free(p);
	}
}

static void claims_of_each_device(void **st)
{
	struct persona *h = load("huawei-hg532", 2);
	struct persona *z = load("zyxel-pk5001z", 2);
	struct persona *x = load("xiongmai-dvr", 2);

	(void)st;
	assert_true(h->cli);
	assert_memory_equal(h->telnet_open.p, "\xff\xfb\x01\xff\xfb\x03\xff\xfb\x18", 9);
	assert_non_null(persona_auth(h, "admin", "admin"));
	assert_non_null(persona_auth(h, "telecomadmin", "admintelecom"));
	assert_int_equal(h->elf.e_machine, 8);
	assert_int_equal(h->elf.ei_data, 2);

	assert_memory_equal(z->telnet_open.p, "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03", 12);
	assert_string_equal(z->login_prompt.p, "PK5001Z login: ");
	assert_false(persona_auth(z, "admin", "CenturyL1nk")->root);
	assert_non_null(persona_auth(z, "admin", "QwestM0dem"));
	assert_string_equal(z->su_password, "zyad5001");

	assert_string_equal(x->login_prompt.p, "LocalHost login: ");
	assert_true(persona_auth(x, "root", "xc3511")->root);
	assert_null(persona_auth(x, "root", "xc351"));
	assert_null(persona_auth(x, "root", ""));
	assert_int_equal(x->elf.e_machine, 40);
	assert_int_equal(x->elf.ei_data, 1);

	/* the open ports (`list ports`), in the file's order */
	assert_int_equal(h->nports, 4);
	assert_int_equal(h->ports[0], 23);
	assert_int_equal(h->ports[3], 37215);
	assert_int_equal(x->nports, 6);
	assert_int_equal(x->ports[4], 34567);
	assert_int_equal(x->ports[5], 34599);
	assert_int_equal(z->nports, 3);
	assert_int_equal(z->ports[2], 52869);
	persona_free(h);
	persona_free(z);
	persona_free(x);
}

static void units_differ_and_persist(void **st)
{
	struct persona *a = load("zyxel-pk5001z", 3);
	struct persona *b = load("zyxel-pk5001z", 4);
	struct persona *a2 = load("zyxel-pk5001z", 3);

	(void)st;
	assert_memory_not_equal(a->mac, b->mac, 6);
	assert_string_not_equal(a->serial, b->serial);
	assert_memory_equal(a->mac, a2->mac, 6);
	assert_string_equal(a->serial, a2->serial);
	assert_int_equal(a->boot_time, a2->boot_time);
	assert_true(a->boot_time < 1767225600 - 86400);
	/* the vendor's OUI stays */
	assert_memory_equal(a->mac, b->mac, 3);
	persona_free(a);
	persona_free(b);
	persona_free(a2);
}

static void errors_name_file_and_line(void **st)
{
	char dir[] = "/tmp/tanuki-persona-XXXXXX", path[128], err[256];
	struct persona_unit u;
	FILE *f;

	(void)st;
	memset(&u, 0, sizeof u);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/bad", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/bad/persona", dir);
	f = fopen(path, "w");
	fputs("config persona\n\toption max_tries 'many'\n", f);
	fclose(f);
	assert_null(persona_load(dir, "bad", &u, err, sizeof err));
	assert_non_null(strstr(err, "bad/persona:2: "));
	f = fopen(path, "w");
	fputs("config persona\n\toption telnet_opne 'x'\n", f);
	fclose(f);
	assert_null(persona_load(dir, "bad", &u, err, sizeof err));
	assert_non_null(strstr(err, "bad/persona:2: unknown option"));
	f = fopen(path, "w");
	fputs("config persona\n\tlist ports '23'\n\tlist ports '65536'\n", f);
	fclose(f);
	assert_null(persona_load(dir, "bad", &u, err, sizeof err));
	assert_non_null(strstr(err, "bad/persona:3: ports must be TCP ports 1-65535"));
	f = fopen(path, "w");
	fputs("config persona\n\tlist ports '23'\n\tlist ports '23'\n", f);
	fclose(f);
	assert_null(persona_load(dir, "bad", &u, err, sizeof err));
	assert_non_null(strstr(err, "bad/persona:3: port listed twice"));
	assert_null(persona_load(dir, "../etc", &u, err, sizeof err));
	assert_null(persona_load(dir, "missing", &u, err, sizeof err));
	unlink(path);
	snprintf(path, sizeof path, "%s/bad", dir);
	rmdir(path);
	rmdir(dir);
}

/* docs/personas.md 1.3 documents every scalar option of the table. */
static void doc_lists_persona_options(void **st)
{
	FILE *f = fopen("docs/personas.md", "rb");
	static char doc[1 << 17];
	const char *sec, *end, *name;
	char want[64];
	size_t n, i;

	(void)st;
	assert_non_null(f);
	n = fread(doc, 1, sizeof doc - 1, f);
	fclose(f);
	doc[n] = '\0';
	sec = strstr(doc, "### 1.3 `config persona`");
	assert_non_null(sec);
	end = strstr(sec + 4, "\n### ");
	assert_non_null(end);
	for (i = 0; (name = persona_option_name(i)); i++) {
		const char *hit;

		snprintf(want, sizeof want, "`%s`", name);
		print_message("%s\n", want);
		hit = strstr(sec, want);
		assert_true(hit && hit < end);
	}
	assert_true(i >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(doc_lists_persona_options),
		cmocka_unit_test(all_load_and_open_with_iac),
		cmocka_unit_test(claims_of_each_device),
		cmocka_unit_test(units_differ_and_persist),
		cmocka_unit_test(errors_name_file_and_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
