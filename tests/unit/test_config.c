/* test_config.c — the option tables of config.c:
 * docs/config.md lists exactly the options of `config tanuki`, `config
 * listener` and `config wan` (names, and defaults where the doc gives a
 * literal one), and a section read against the tables gives the values the
 * daemon has always had. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include "config.h"
#include "options.h"
#include "uci.h"

#define DOC "docs/config.md"
#define MAX_ROWS 64

struct row {
	char name[48];
	char def[128];
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	return p;
}

/* Trims blanks at both ends of [s, e) into out. */
static void cell(const char *s, const char *e, char *out, size_t cap)
{
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	assert_true((size_t)(e - s) < cap);
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
}

/* The rows "| `name` | default | meaning |" of the table under heading. */
static size_t doc_rows(const char *doc, const char *heading, struct row *r, size_t max)
{
	const char *p = strstr(doc, heading), *end;
	size_t n = 0;

	assert_non_null(p);
	end = strstr(p + strlen(heading), "\n## ");
	if (!end)
		end = p + strlen(p);
	while ((p = strstr(p, "\n| `")) && p < end) {
		const char *c1 = p + 3, *c2 = strchr(c1, '|'), *c3;

		assert_non_null(c2);
		c3 = strchr(c2 + 1, '|');
		assert_non_null(c3);
		assert_true(n < max);
		cell(c1, c2, r[n].name, sizeof r[n].name);
		cell(c2 + 1, c3, r[n].def, sizeof r[n].def);
		/* "`name`" */
		assert_true(r[n].name[0] == '`');
		memmove(r[n].name, r[n].name + 1, strlen(r[n].name));
		assert_non_null(strchr(r[n].name, '`'));
		*strchr(r[n].name, '`') = '\0';
		n++;
		p = c3;
	}
	return n;
}

/* The doc's default when it is a literal: `text` or a plain number. */
static bool literal(const char *d, char *out, size_t cap)
{
	size_t n = strlen(d), i;

	if (n >= 2 && d[0] == '`' && d[n - 1] == '`' && !memchr(d + 1, '`', n - 2)) {
		assert_true(n - 2 < cap);
		memcpy(out, d + 1, n - 2);
		out[n - 2] = '\0';
		return true;
	}
	for (i = 0; i < n; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	if (!n)
		return false;
	snprintf(out, cap, "%s", d);
	return true;
}

static void check_table(const char *doc, const char *heading, const struct cfg_attr *t, size_t nt)
{
	struct row r[MAX_ROWS];
	size_t n = doc_rows(doc, heading, r, MAX_ROWS), i, j;
	char lit[128], mine[128];

	for (i = 0; i < nt; i++) { /* every option of the table is documented */
		for (j = 0; j < n && strcmp(r[j].name, t[i].name); j++)
			;
		print_message("%s\n", t[i].name);
		assert_true(j < n);
	}
	for (j = 0; j < n; j++) { /* and the doc lists nothing else */
		for (i = 0; i < nt && strcmp(r[j].name, t[i].name); i++)
			;
		print_message("doc: %s\n", r[j].name);
		assert_true(i < nt);
		if (!literal(r[j].def, lit, sizeof lit))
			continue;
		assert_false(t[i].flags & CFG_REQUIRED);
		if (t[i].type == CFG_STR)
			snprintf(mine, sizeof mine, "%s", t[i].sdef);
		else if (t[i].type == CFG_ENUM)
			snprintf(mine, sizeof mine, "%s", t[i].names[t[i].def]);
		else
			snprintf(mine, sizeof mine, "%ld", t[i].def);
		print_message("  default doc %s, table %s\n", lit, mine);
		assert_string_equal(lit, mine);
	}
	assert_int_equal(n, nt);
}

static void doc_lists_the_tables(void **st)
{
	char *doc = slurp(DOC);

	(void)st;
	check_table(doc, "## `config tanuki 'main'`", cfg_main_attrs, cfg_main_nattrs);
	check_table(doc, "## `config listener 'NAME'`", cfg_listener_attrs, cfg_listener_nattrs);
	check_table(doc, "## `config wan 'wan'`", cfg_wan_attrs, cfg_wan_nattrs);
	check_table(doc, "## `config time 'ntp'`", cfg_time_attrs, cfg_time_nattrs);
	free(doc);
}

static int load(const char *text, struct config *c, char *err, size_t errlen)
{
	char path[] = "/tmp/tanuki-test-config-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	rc = config_load(c, path, err, errlen);
	remove(path);
	return rc;
}

/* The values a minimal file gives: the caps and options of bounds.h and
 * options.h, as before the tables. */
static void defaults_as_before(void **st)
{
	static struct config c;
	char err[256];

	(void)st;
	assert_int_equal(load("config tanuki 'main'\nconfig listener 't'\n\toption proto 'telnet'\n"
			      "\toption port '2323'\n",
			      &c, err, sizeof err),
			 0);
	assert_string_equal(c.store, TANUKI_DEFAULT_STORE);
	assert_string_equal(c.sensor, "tanuki");
	assert_string_equal(c.persona, TANUKI_DEFAULT_PERSONA);
	assert_string_equal(c.personas, TANUKI_PERSONA_DIR);
	assert_int_equal(c.max_sessions, CAP_SESSIONS);
	assert_int_equal(c.max_per_src, CAP_PER_SRC);
	assert_int_equal(c.idle_ms, CAP_IDLE_MS);
	assert_int_equal(c.session_ms, CAP_SESSION_MS);
	assert_int_equal(c.fail_delay_ms, -1);
	assert_int_equal(c.max_tries, 0);
	assert_int_equal(c.fs_session, CAP_FS_SESSION);
	assert_int_equal(c.fs_total, CAP_FS_TOTAL);
	assert_int_equal(c.sync_ms, STORE_SYNC_MS);
	assert_int_equal(c.quota_kb, STORE_QUOTA / 1024);
	assert_int_equal(c.reserve_kb, STORE_RESERVE / 1024);
	assert_int_equal(c.segment_kb, STORE_SEGMENT_MAX / 1024);
	assert_int_equal(c.seal_age_s, STORE_SEAL_AGE_MS / 1000);
	assert_false(c.mixed);
	assert_int_equal(c.nlisteners, 1);
	assert_int_equal(c.listeners[0].proto, PROTO_TELNET);
	assert_string_equal(c.listeners[0].bind, "0.0.0.0");
	assert_int_equal(c.listeners[0].port, 2323);
	assert_string_equal(c.listeners[0].persona, "");
}

static void values_scales_and_errors(void **st)
{
	static struct config c;
	char err[256];

	(void)st;
	assert_int_equal(
	    load("config tanuki 'main'\n\toption idle_s '7'\n\toption fs_kb '16'\n"
		 "\toption fail_delay_ms '0'\n\toption sync_s '2'\n\toption sync_ms '40'\n"
		 "\toption mixed '1'\n"
		 "config listener 'u'\n\toption proto 'miniigd'\n\toption port '52869'\n"
		 "\toption bind '::'\n\toption persona 'zyxel-pk5001z'\n",
		 &c, err, sizeof err),
	    0);
	assert_int_equal(c.idle_ms, 7000);
	assert_int_equal(c.fs_session, 16 * 1024);
	assert_int_equal(c.fail_delay_ms, 0);
	assert_int_equal(c.sync_ms, 40); /* sync_ms wins */
	assert_true(c.mixed);
	assert_int_equal(c.listeners[0].proto, PROTO_MINIIGD);
	assert_string_equal(c.listeners[0].bind, "::");
	assert_string_equal(c.listeners[0].persona, "zyxel-pk5001z");
	assert_int_equal(load("config tanuki 'main'\n\toption fs_kb '15'\n", &c, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, ":2: fs_kb must be a number from 16 to 65536"));
	assert_int_equal(load("config tanuki 'main'\nconfig listener 'x'\n\toption port '1'\n", &c,
			      err, sizeof err),
			 -1);
	assert_non_null(strstr(err, ":2: listener needs option proto"));
	assert_int_equal(load("config tanuki 'main'\nconfig listener 'x'\n\toption proto 'ssh'\n",
			      &c, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, ":3: unknown proto: ssh"));
	assert_int_equal(
	    load("config tanuki 'main'\nconfig listener 'x'\n\toption proto 'telnet'\n", &c, err,
		 sizeof err),
	    -1);
	assert_non_null(strstr(err, ":2: listener needs option port"));
}

static void wan_values_and_errors(void **st)
{
	static struct config c;
	char err[256];
	const char *head = "config tanuki 'main'\nconfig listener 't'\n\toption proto 'telnet'\n"
			   "\toption port '2323'\n";
	char text[512];

	(void)st;
	assert_int_equal(load(head, &c, err, sizeof err), 0);
	assert_false(c.wan.enabled);
	snprintf(text, sizeof text, "%sconfig wan 'wan'\n\toption ifname 'eth1'\n", head);
	assert_int_equal(load(text, &c, err, sizeof err), 0);
	assert_true(c.wan.enabled);
	assert_string_equal(c.wan.ifname, "eth1");
	assert_false(c.wan.tap);
	assert_int_equal(c.wan.proto, WAN_DHCP);
	assert_int_equal(c.wan.scan_ms, CAP_WAN_SCAN_MS);
	assert_int_equal(c.wan.line, 5);
	snprintf(text, sizeof text,
		 "%sconfig wan 'wan'\n\toption ifname 'tk0'\n\toption tap '1'\n"
		 "\toption proto 'static'\n\toption ipaddr '198.18.0.2'\n"
		 "\toption netmask '255.255.254.0'\n\toption gateway '198.18.0.1'\n"
		 "\toption scan_ms '200'\n\toption scan_s '3'\n",
		 head);
	assert_int_equal(load(text, &c, err, sizeof err), 0);
	assert_true(c.wan.tap);
	assert_int_equal(c.wan.proto, WAN_STATIC);
	assert_int_equal(ntohl(c.wan.ip), 0xc6120002u);
	assert_int_equal(ntohl(c.wan.mask), 0xfffffe00u);
	assert_int_equal(ntohl(c.wan.gw), 0xc6120001u);
	assert_int_equal(c.wan.scan_ms, 200); /* scan_ms wins */
	snprintf(text, sizeof text,
		 "%sconfig wan 'wan'\n\toption ifname 'e'\n\toption scan_s '3'\n", head);
	assert_int_equal(load(text, &c, err, sizeof err), 0);
	assert_int_equal(c.wan.scan_ms, 3000);
	snprintf(text, sizeof text,
		 "%sconfig wan 'wan'\n\toption ifname 'e'\n\toption proto 'static'\n"
		 "\toption ipaddr '198.18.0.300'\n",
		 head);
	assert_int_equal(load(text, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":8: ipaddr is not an IPv4 address: 198.18.0.300"));
	snprintf(text, sizeof text, "%sconfig wan 'wan'\n\toption proto 'l2tp'\n", head);
	assert_int_equal(load(text, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":6: unknown proto: l2tp"));
	/* proto pppoe: the account, OpenWrt's keepalive (default '5 1') */
	snprintf(text, sizeof text,
		 "%sconfig wan 'wan'\n\toption ifname 'e'\n\toption proto 'pppoe'\n"
		 "\toption username 'u@isp'\n\toption password 'pw'\n\toption ac 'bras1'\n",
		 head);
	assert_int_equal(load(text, &c, err, sizeof err), 0);
	assert_int_equal(c.wan.proto, WAN_PPPOE);
	assert_string_equal(c.wan.username, "u@isp");
	assert_string_equal(c.wan.password, "pw");
	assert_string_equal(c.wan.ac, "bras1");
	assert_string_equal(c.wan.service, "");
	assert_int_equal(c.wan.echo_fails, 5);
	assert_int_equal(c.wan.echo_s, 1);
	snprintf(text, sizeof text,
		 "%sconfig wan 'wan'\n\toption ifname 'e'\n\toption proto 'pppoe'\n"
		 "\toption username 'u'\n\toption keepalive '0'\n",
		 head);
	assert_int_equal(load(text, &c, err, sizeof err), 0);
	assert_int_equal(c.wan.echo_fails, 0);
	assert_int_equal(c.wan.echo_s, 0);
	snprintf(text, sizeof text,
		 "%sconfig wan 'wan'\n\toption ifname 'e'\n\toption proto 'pppoe'\n"
		 "\toption username 'u'\n\toption keepalive '3 x'\n",
		 head);
	assert_int_equal(load(text, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":9: option keepalive is"));
	snprintf(text, sizeof text,
		 "%sconfig wan 'wan'\n\toption ifname 'e'\n\toption password 'p'\n", head);
	assert_int_equal(load(text, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":7: option is for proto pppoe: password"));
	snprintf(text, sizeof text, "%sconfig wan 'wan'\n\toption tap '1'\n", head);
	assert_int_equal(load(text, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":5: option ifname must name an interface"));
	snprintf(text, sizeof text,
		 "%sconfig wan 'wan'\n\toption ifname 'e'\nconfig wan 'b'\n\toption ifname 'f'\n",
		 head);
	assert_int_equal(load(text, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":7: second `config wan` section"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(doc_lists_the_tables),
	    cmocka_unit_test(defaults_as_before),
	    cmocka_unit_test(values_scales_and_errors),
	    cmocka_unit_test(wan_values_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
