/* main.c — `tanuki run|check|export|verify|status|version`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "isotime.h"
#include "options.h"
#include "persona/persona.h"
#include "sh/sh.h"

static int usage(void)
{
	fputs("usage: tanuki run -c FILE      run the decoy in the foreground\n"
	      "       tanuki check -c FILE    validate a config and its personas\n"
	      "       tanuki export (-c FILE | --store DIR) [--since TIME] [--until TIME]\n"
	      "                               every event as JSON lines, in order\n"
	      "       tanuki export (-c FILE | --store DIR) --days [--since TIME] [--until TIME]\n"
	      "                               the per-day aggregates, a JSON line a day\n"
	      "       tanuki verify (-c FILE | --store DIR)   check segments, binaries, days\n"
	      "       tanuki status (-c FILE | --store DIR)   sessions, use, syncs, wear\n"
	      "       tanuki version\n"
	      "TIME is YYYY-MM-DDTHH:MM:SS[.ffffff]Z, YYYY-MM-DD or seconds since 1970.\n",
	      stderr);
	return 2;
}

/* Loads every persona the config names, with a throw-away unit seed, and
 * checks that the unit plays one device on the doors that device has. */
static int check_personas(const struct config *c, char *err, size_t errlen)
{
	struct persona_unit u;
	size_t i;

	memset(&u, 0, sizeof u);
	for (i = 0; i <= c->nlisteners; i++) {
		const struct cfg_listener *l = i < c->nlisteners ? &c->listeners[i] : NULL;
		const char *name = l ? l->persona : c->persona;
		struct persona *p;
		int rc = 0;

		if (l && !name[0])
			name = c->persona;
		if (!name[0])
			continue;
		p = persona_load(c->personas, name, &u, err, errlen);
		if (!p)
			return -1;
		if (l && !c->mixed && strcmp(name, c->persona)) {
			snprintf(err, errlen,
				 "%s:%d: listener plays %s while the unit plays %s: "
				 "several devices on one address are a honeypot tell "
				 "(option mixed '1' in config tanuki allows it)",
				 c->path, l->line, name, c->persona);
			rc = -1;
		} else if (l && !c->mixed && !persona_has_door(p, proto_name(l->proto))) {
			snprintf(err, errlen,
				 "%s:%d: persona %s has no %s door: a port the real "
				 "device keeps closed is a honeypot tell "
				 "(option mixed '1' in config tanuki allows it)",
				 c->path, l->line, name, proto_name(l->proto));
			rc = -1;
		}
		persona_free(p);
		if (rc)
			return rc;
	}
	return 0;
}

/* TIME for --since/--until, in microseconds; -1 if malformed. */
static int64_t parse_when(const char *s)
{
	char full[28];
	size_t n = strlen(s);
	int64_t us;
	char *end;
	unsigned long long v;

	if (n == 10 && s[4] == '-') {
		memcpy(full, s, 10);
		memcpy(full + 10, "T00:00:00.000000Z", 18);
	} else if (n == 20 && s[19] == 'Z') {
		memcpy(full, s, 19);
		memcpy(full + 19, ".000000Z", 9);
	} else if (n == 27) {
		memcpy(full, s, 28);
	} else {
		v = strtoull(s, &end, 10);
		if (!n || *end || s[0] == '-' || v > 253402300799ull)
			return -1;
		return (int64_t)v * 1000000;
	}
	return iso_parse(full, 27, &us) ? us : -1;
}

/* The uplink's cursor, for `tanuki status` (nothing when it has none). */
static void uplink_status(const char *dir, FILE *out)
{
	struct up_cursor c;
	int rc = cursor_read(dir, &c);

	if (rc == -ENOENT)
		return;
	if (rc) {
		fprintf(out, "  uplink: cursor unreadable (%s)\n", strerror(-rc));
		return;
	}
	fprintf(out, "  uplink: hub acked seq %llu", (unsigned long long)c.acked_seq);
	if (c.acked_to) {
		char ts[28];

		iso_format(c.acked_to * 1000000, ts);
		fprintf(out, " (events to %.19sZ)", ts);
	}
	fprintf(out, ", delivered through %s",
		c.delivered[0] ? c.delivered : "(no sealed segment yet)");
	if (c.pending)
		fprintf(out, "; seq %llu cut and waiting for its ack",
			(unsigned long long)c.pend_seq);
	fputc('\n', out);
}

/* export / verify / status: the store of a config, or a folder. */
static int tool(const char *cmd, int argc, char **argv)
{
	static struct config cfg;
	const char *file = NULL, *dir = NULL;
	int64_t since = 0, until = 0;
	uint64_t quota = STORE_QUOTA;
	bool days = false;
	char err[512];
	int i;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc)
			file = argv[++i];
		else if (!strcmp(argv[i], "--store") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--since") && i + 1 < argc && !strcmp(cmd, "export"))
			since = parse_when(argv[++i]);
		else if (!strcmp(argv[i], "--until") && i + 1 < argc && !strcmp(cmd, "export"))
			until = parse_when(argv[++i]);
		else if (!strcmp(argv[i], "--days") && !strcmp(cmd, "export"))
			days = true;
		else
			return usage();
		if (since < 0 || until < 0) {
			fprintf(stderr, "tanuki: bad TIME %s\n", argv[i]);
			return 2;
		}
	}
	if (!!file == !!dir)
		return usage();
	if (file) {
		if (config_load(&cfg, file, err, sizeof err)) {
			fprintf(stderr, "%s\n", err);
			return 2;
		}
		dir = cfg.store;
		quota = (uint64_t)cfg.quota_kb * 1024;
	}
	if (!strcmp(cmd, "export") && days)
		return store_export_days(dir, since, until, stdout);
	if (!strcmp(cmd, "export"))
		return store_export(dir, since, until, stdout);
	if (!strcmp(cmd, "verify"))
		return store_verify(dir, stdout);
	{
		int rc = store_status(dir, quota, stdout);

		uplink_status(dir, stdout);
		return rc;
	}
}

int main(int argc, char **argv)
{
	static struct daemon d; /* large: keep it off the stack */
	static struct config cfg;
	const char *cmd, *file = NULL;
	char err[512];
	int i, rc;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (!strcmp(cmd, "version")) {
		printf("tanuki %s\n", TANUKI_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "export") || !strcmp(cmd, "verify") || !strcmp(cmd, "status"))
		return tool(cmd, argc, argv);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc)
			file = argv[++i];
		else
			return usage();
	}
	if (!file || (strcmp(cmd, "run") && strcmp(cmd, "check")))
		return usage();
	if (config_load(&cfg, file, err, sizeof err) || check_personas(&cfg, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (!strcmp(cmd, "check")) {
		printf("%s: ok (%zu listener%s, persona %s)\n", file, cfg.nlisteners,
		       cfg.nlisteners == 1 ? "" : "s", cfg.persona);
		return 0;
	}
	/* the emulated file systems' caps (fs_kb, fs_total_kb) */
	sh_fs_limits(cfg.fs_session, cfg.fs_total);
	if (daemon_init(&d, &cfg, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		daemon_done(&d);
		return 2;
	}
	for (i = 0; i < (int)d.net.nlisteners; i++)
		fprintf(stderr, "tanuki: %s on %s port %u as %s\n",
			proto_name(d.net.listeners[i].cfg->proto), d.net.listeners[i].cfg->bind,
			d.net.listeners[i].cfg->port, d.net.listeners[i].persona->name);
	rc = daemon_run(&d);
	daemon_done(&d);
	return rc ? 1 : 0;
}
