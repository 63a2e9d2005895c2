/* main.c — tanuki-hub: run, enroll, pin, check.
 *
 *   tanuki-hub run    -c FILE [--db DB]       serve until SIGTERM/SIGINT
 *   tanuki-hub enroll -c FILE [--db DB] NAME  add a device, print its UCI
 *   tanuki-hub pin    -c FILE                 print the certificate's pin
 *   tanuki-hub check  -c FILE                 validate the config
 *   tanuki-hub relabel -c FILE [--db DB]      YARA labels of every binary again
 *   tanuki-hub user add -c FILE [--db DB] NAME  dashboard account; the
 *                                             password is stdin's first line
 *
 * Config errors print "FILE:LINE: problem" and exit 2.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <sodium.h>

#include "db.h"
#include "geo.h"
#include "hash.h"
#include "hub.h"
#include "hub_limits.h"
#include "summary.h"
#include "tls.h"
#include "uci.h"

static int usage(void)
{
	fprintf(stderr, "usage: tanuki-hub run|enroll NAME|user add NAME|relabel|pin|check"
			" -c FILE [--db DB]\n");
	return 2;
}

static int conf_fail(const char *path, int line, const char *what, const char *k)
{
	fprintf(stderr, "%s:%d: %s%s%s%s\n", path, line, what, k ? " '" : "", k ? k : "",
		k ? "'" : "");
	return 2;
}

static int copy_opt(struct uci_sec *s, const char *k, char *dst, size_t n, const char *path)
{
	struct uci_opt *o = uci_get(s, k);

	if (!o)
		return 0;
	if (strlen(o->val) >= n)
		return conf_fail(path, o->line, "value too long for", k);
	if (!*o->val)
		return conf_fail(path, o->line, "empty value for", k);
	memcpy(dst, o->val, strlen(o->val) + 1);
	return 0;
}

static int int_opt(struct uci_sec *s, const char *k, int64_t min, int64_t max, int64_t *out,
		   const char *path)
{
	struct uci_opt *o = uci_get(s, k);

	if (o && !hub_parse_i64(o->val, min, max, out)) {
		char what[96];

		snprintf(what, sizeof(what), "expected a number %" PRId64 "..%" PRId64 " for", min,
			 max);
		return conf_fail(path, o->line, what, k);
	}
	return 0;
}

/* Loads FILE into c. 0, or 2 after printing the one-line error. */
static int conf_load(struct hub_conf *c, const char *path)
{
	static const char *const known[] = {"listen", "port", "db", "cert", "key", "api_token",
					    "url", "retention_days", "max_body_kb", "files",
					    "rules",
					    /* GeoIP (geo.c) */
					    "geoip_country", "geoip_asn", NULL};
	struct uci_file *f;
	struct uci_sec *s, *main = NULL;
	struct uci_opt *o;
	char err[1200];
	int64_t v;
	int r = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1");
	c->port = 8443;
	snprintf(c->db, sizeof(c->db), "/var/lib/tanuki-hub/hub.db");
	snprintf(c->cert, sizeof(c->cert), "/var/lib/tanuki-hub/hub.crt");
	snprintf(c->key, sizeof(c->key), "/var/lib/tanuki-hub/hub.key");
	c->retention_days = 90;
	c->max_body = HUB_BODY_DEFAULT;
	f = uci_load(path, err, sizeof(err));
	if (!f) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	for (s = f->secs; s; s = s->next) {
		if (!strcmp(s->type, "export")) {
			int i;

			if (c->nexports == EXPORT_MAX) {
				r = conf_fail(path, s->line, "more than 8 export sections", NULL);
				goto out;
			}
			if ((r = export_conf_parse(s, &c->exports[c->nexports], path)))
				goto out;
			for (i = 0; i < c->nexports; i++)
				if (!strcmp(c->exports[i].name, s->name)) {
					r = conf_fail(path, s->line, "second export named",
						      s->name);
					goto out;
				}
			c->nexports++;
			continue;
		}
		if (strcmp(s->type, "hub")) {
			r = conf_fail(path, s->line, "unknown section type", s->type);
			goto out;
		}
		if (main) {
			r = conf_fail(path, s->line, "second hub section", NULL);
			goto out;
		}
		main = s;
	}
	if (!main) {
		r = conf_fail(path, 1, "no `config hub` section", NULL);
		goto out;
	}
	for (o = main->opts; o; o = o->next) {
		const char *const *k;

		for (k = known; *k && strcmp(*k, o->key); k++)
			;
		if (!*k || o->list) {
			r = conf_fail(path, o->line, "unknown option", o->key);
			goto out;
		}
	}
	if ((r = copy_opt(main, "listen", c->listen, sizeof(c->listen), path)) ||
	    (r = copy_opt(main, "db", c->db, sizeof(c->db), path)) ||
	    (r = copy_opt(main, "cert", c->cert, sizeof(c->cert), path)) ||
	    (r = copy_opt(main, "key", c->key, sizeof(c->key), path)) ||
	    (r = copy_opt(main, "url", c->url, sizeof(c->url), path)) ||
	    (r = copy_opt(main, "files", c->files, sizeof(c->files), path)) ||
	    (r = copy_opt(main, "rules", c->rules, sizeof(c->rules), path)) ||
	    (r = copy_opt(main, "geoip_country", c->geoip_country, sizeof(c->geoip_country),
			  path)) ||
	    (r = copy_opt(main, "geoip_asn", c->geoip_asn, sizeof(c->geoip_asn), path)) ||
	    (r = copy_opt(main, "api_token", c->api_token, sizeof(c->api_token), path)))
		goto out;
	if ((o = uci_get(main, "api_token")) && strlen(o->val) < 16) {
		r = conf_fail(path, o->line, "api_token shorter than 16 characters", NULL);
		goto out;
	}
	if ((o = uci_get(main, "listen")) && strcmp(c->listen, "::") && !strchr(c->listen, '.') &&
	    !strchr(c->listen, ':')) {
		r = conf_fail(path, o->line, "listen wants a numeric address", NULL);
		goto out;
	}
	v = c->port;
	if ((r = int_opt(main, "port", 1, 65535, &v, path)))
		goto out;
	c->port = (int)v;
	if ((r = int_opt(main, "retention_days", 0, 36500, &c->retention_days, path)))
		goto out;
	v = (int64_t)(c->max_body / 1024);
	if ((r = int_opt(main, "max_body_kb", 1, HUB_BODY_MAX / 1024, &v, path)))
		goto out;
	c->max_body = (size_t)v * 1024;
out:
	uci_free(f);
	return r;
}

static int load_pin(struct hub_conf *c, char pin[TLS_PIN_LEN], char **cert, char **key)
{
	char err[2200];
	size_t len = 0;
	char *pem;

	if (tls_ensure(c->cert, c->key, err, sizeof(err))) {
		fprintf(stderr, "tanuki-hub: %s\n", err);
		return 1;
	}
	pem = tls_read(c->cert, 1 << 20, &len);
	if (!pem || tls_pin(pem, len, pin)) {
		fprintf(stderr, "tanuki-hub: %s: not a PEM certificate\n", c->cert);
		free(pem);
		return 1;
	}
	if (key) {
		*key = tls_read(c->key, 1 << 20, NULL);
		if (!*key) {
			fprintf(stderr, "tanuki-hub: %s: cannot read\n", c->key);
			free(pem);
			return 1;
		}
	}
	if (cert)
		*cert = pem;
	else
		free(pem);
	return 0;
}

static struct store *open_store(struct hub_conf *c)
{
	char err[1200];
	struct store *st = store_open(c->db, err, sizeof(err));

	if (!st) {
		fprintf(stderr, "tanuki-hub: %s\n", err);
		return NULL;
	}
	if (db_init(st)) {
		fprintf(stderr, "tanuki-hub: schema: %s\n", st->err);
		st->ops->close(st);
		return NULL;
	}
	return st;
}

static void files_default(struct hub_conf *c)
{
	if (!c->files[0]) {
		/* beside the hub's key, whatever the database */
		const char *sl = strrchr(c->key, '/');

		if (sl)
			snprintf(c->files, sizeof(c->files), "%.*s/files", (int)(sl - c->key),
				 c->key);
		else
			snprintf(c->files, sizeof(c->files), "files");
	}
}

/* Compiles the rules and labels the binaries that need it (all: force). */
static int labels_start(struct labeler *l, struct store *st, struct hub_conf *c, bool force)
{
	char err[512];
	int n, r;

	if (label_open(l, c->rules[0] ? c->rules : NULL, err, sizeof(err))) {
		fprintf(stderr, "tanuki-hub: rules: %s\n", err);
		return 1;
	}
	r = label_all(l, st, c->files, force, &n);
	if (r)
		fprintf(stderr, "tanuki-hub: labels: %s\n", r == -EIO ? st->err : strerror(-r));
	else if (n || force)
		fprintf(stderr, "tanuki-hub: %d binaries labelled (rules %.12s)\n", n, l->hash);
	return r ? 1 : 0;
}

static int cmd_relabel(struct hub_conf *c)
{
	struct labeler l;
	struct store *st = open_store(c);
	int r;

	if (!st)
		return 1;
	files_default(c);
	r = labels_start(&l, st, c, true);
	label_close(&l);
	st->ops->close(st);
	return r;
}

static int cmd_run(struct hub_conf *c)
{
	struct hub h = {.conf = c};
	char *cert = NULL, *key = NULL, err[1300];
	sigset_t set;
	int sig = 0, r = 1;

	if (getuid() == 0)
		fprintf(stderr, "tanuki-hub: warning: running as root; run it as"
				" an unprivileged user\n");
	if (load_pin(c, h.pin, &cert, &key))
		return 1;
	if (!(h.st = open_store(c)))
		goto out;
	files_default(c);
	if (mkdir(c->files, 0700) && errno != EEXIST) {
		fprintf(stderr, "tanuki-hub: %s: %s\n", c->files, strerror(errno));
		goto out;
	}
	if (labels_start(&h.labeler, h.st, c, false))
		goto out;
	/* a missing or damaged database is logged and not used */
	if (!(h.geo = geo_open(c->geoip_country, c->geoip_asn)))
		goto out;
	h.last_prune = (int64_t)time(NULL);
	if (db_prune(h.st, h.last_prune, c->retention_days, 300))
		fprintf(stderr, "tanuki-hub: prune: %s\n", h.st->err);
	/* the server thread inherits this mask: signals come to sigwait */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (c->nexports) {
		char holder[128], host[64] = "?";

		/* stable across restarts, unique among the hubs of one database */
		gethostname(host, sizeof(host) - 1);
		snprintf(holder, sizeof(holder), "%s:%d", host, c->port);
		h.exp = export_start(c->exports, c->nexports, c->db, holder, err, sizeof(err));
		if (!h.exp) {
			fprintf(stderr, "tanuki-hub: %s\n", err);
			goto out;
		}
	}
	if (http_start(&h, cert, key, err, sizeof(err))) {
		fprintf(stderr, "tanuki-hub: %s\n", err);
		goto out;
	}
	fprintf(stderr,
		"tanuki-hub: listening on https://%s:%d/v1/ingest (%s)"
		" pin %s\n",
		c->listen, c->port, h.st->ops->name, h.pin);
	for (;;) {
		struct timespec one = {1, 0};

		sig = sigtimedwait(&set, NULL, &one);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig < 0 && errno != EAGAIN && errno != EINTR)
			break;
		http_tick(&h); /* slow connections are cut once a second */
	}
	fprintf(stderr, "tanuki-hub: signal %d, stopping\n", sig);
	http_stop(&h);
	r = 0;
out:
	export_stop(h.exp);
	label_close(&h.labeler);
	geo_close(h.geo);
	if (h.st)
		h.st->ops->close(h.st);
	free(cert);
	if (key) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
	return r;
}

static int cmd_enroll(struct hub_conf *c, const char *name)
{
	uint8_t raw[32];
	char secret[DB_SECRET_LEN + 1], pin[TLS_PIN_LEN], url[1200];
	struct store *st;
	int r;

	if (!summary_name_ok(name, strlen(name))) {
		fprintf(stderr,
			"tanuki-hub: bad device name (letters, digits, '.',"
			" '_', '-', at most %d)\n",
			HUB_NAME_MAX);
		return 2;
	}
	if (load_pin(c, pin, NULL, NULL))
		return 1;
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		perror("tanuki-hub: getrandom");
		return 1;
	}
	hash_hex(raw, sizeof(raw), secret);
	if (!(st = open_store(c)))
		return 1;
	r = db_device_add(st, name, secret, (int64_t)time(NULL));
	if (r == -EEXIST)
		fprintf(stderr, "tanuki-hub: device '%s' is already enrolled\n", name);
	else if (r)
		fprintf(stderr, "tanuki-hub: %s\n", st->err);
	st->ops->close(st);
	if (r)
		return 1;
	if (c->url[0])
		snprintf(url, sizeof(url), "%s", c->url);
	else if (strchr(c->listen, ':'))
		snprintf(url, sizeof(url), "https://[%s]:%d/v1/ingest", c->listen, c->port);
	else
		snprintf(url, sizeof(url), "https://%s:%d/v1/ingest", c->listen, c->port);
	printf("secret %s\n\n# for the decoy's /etc/config/tanuki\n"
	       "config uplink 'hub'\n"
	       "\toption url '%s'\n"
	       "\toption pin '%s'\n"
	       "\toption device '%s'\n"
	       "\toption secret '%s'\n"
	       "\toption interval_s '300'\n",
	       secret, url, pin, name, secret);
	explicit_bzero(secret, sizeof(secret));
	return fflush(stdout) ? 1 : 0;
}

/* tanuki-hub user add NAME: the password is the first line of stdin (a
 * terminal's echo is the caller's business: `read -s`), hashed with
 * libsodium's crypto_pwhash_str (Argon2id, the interactive limits). */
static int cmd_user_add(struct hub_conf *c, const char *name)
{
	char pw[1024], hash[crypto_pwhash_STRBYTES];
	struct store *st;
	size_t n;
	int r;

	if (!summary_name_ok(name, strlen(name))) {
		fprintf(stderr,
			"tanuki-hub: bad user name (letters, digits, '.',"
			" '_', '-', at most %d)\n",
			HUB_NAME_MAX);
		return 2;
	}
	if (!fgets(pw, sizeof(pw), stdin)) {
		fprintf(stderr, "tanuki-hub: no password on stdin\n");
		return 2;
	}
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < HUB_PASSWORD_MIN) {
		explicit_bzero(pw, sizeof(pw));
		fprintf(stderr, "tanuki-hub: password shorter than %d characters\n",
			HUB_PASSWORD_MIN);
		return 2;
	}
	r = crypto_pwhash_str(hash, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE);
	explicit_bzero(pw, sizeof(pw));
	if (r) {
		fprintf(stderr, "tanuki-hub: out of memory hashing the password\n");
		return 1;
	}
	if (!(st = open_store(c)))
		return 1;
	r = db_user_add(st, name, hash, (int64_t)time(NULL));
	if (r)
		fprintf(stderr, "tanuki-hub: %s\n", st->err);
	else
		fprintf(stderr, "tanuki-hub: user '%s' saved\n", name);
	st->ops->close(st);
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd, *conf = NULL, *db = NULL, *name = NULL;
	struct hub_conf c;
	char pin[TLS_PIN_LEN];
	int i, r;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	i = 2;
	if (!strcmp(cmd, "user")) {
		if (argc < 3 || strcmp(argv[2], "add"))
			return usage();
		i = 3;
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc)
			conf = argv[++i];
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (argv[i][0] != '-' && !name &&
			 (!strcmp(cmd, "enroll") || !strcmp(cmd, "user")))
			name = argv[i];
		else
			return usage();
	}
	if (!conf || ((!strcmp(cmd, "enroll") || !strcmp(cmd, "user")) != !!name))
		return usage();
	if ((r = conf_load(&c, conf)))
		return r;
	if (db) {
		if (strlen(db) >= sizeof(c.db)) {
			fprintf(stderr, "tanuki-hub: --db too long\n");
			return 2;
		}
		snprintf(c.db, sizeof(c.db), "%s", db);
	}
	gnutls_global_init();
	if (sodium_init() < 0) {
		fprintf(stderr, "tanuki-hub: libsodium did not initialise\n");
		return 1;
	}
	if (!strcmp(cmd, "run"))
		r = cmd_run(&c);
	else if (!strcmp(cmd, "enroll"))
		r = cmd_enroll(&c, name);
	else if (!strcmp(cmd, "user"))
		r = cmd_user_add(&c, name);
	else if (!strcmp(cmd, "relabel"))
		r = cmd_relabel(&c);
	else if (!strcmp(cmd, "pin"))
		r = load_pin(&c, pin, NULL, NULL) ? 1 : (printf("%s\n", pin), 0);
	else if (!strcmp(cmd, "check"))
		r = 0;
	else
		r = usage();
	gnutls_global_deinit();
	return r;
}
