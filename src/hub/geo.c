/* geo.c — GeoIP country and ASN lookups (see geo.h) with libmaxminddb. */
#include "geo.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <maxminddb.h>

struct geo_db {
	MMDB_s mmdb;
	bool ok;
	const char *what; /* the option's name, for the log */
	char path[1024];
};

struct geo {
	struct geo_db country, asn;
};

static void db_open(struct geo_db *d, const char *what, const char *path)
{
	int r;

	d->what = what;
	if (!path || !*path)
		return;
	snprintf(d->path, sizeof(d->path), "%s", path);
	r = MMDB_open(path, MMDB_MODE_MMAP, &d->mmdb);
	if (r != MMDB_SUCCESS) {
		fprintf(stderr, "tanuki-hub: %s %s: %s; not used\n", what, path, MMDB_strerror(r));
		return;
	}
	d->ok = true;
}

/* A damaged database found in use: logged once, then closed. */
static void db_fail(struct geo_db *d, int err)
{
	fprintf(stderr, "tanuki-hub: %s %s: %s; not used any more\n", d->what, d->path,
		MMDB_strerror(err));
	MMDB_close(&d->mmdb);
	d->ok = false;
}

struct geo *geo_open(const char *country_path, const char *asn_path)
{
	struct geo *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	db_open(&g->country, "geoip_country", country_path);
	db_open(&g->asn, "geoip_asn", asn_path);
	return g;
}

void geo_close(struct geo *g)
{
	if (!g)
		return;
	if (g->country.ok)
		MMDB_close(&g->country.mmdb);
	if (g->asn.ok)
		MMDB_close(&g->asn.mmdb);
	free(g);
}

bool geo_has_country(const struct geo *g)
{
	return g && g->country.ok;
}

bool geo_has_asn(const struct geo *g)
{
	return g && g->asn.ok;
}

/* The entry for ip in d; false when none (or the database failed). */
static bool db_find(struct geo_db *d, const struct sockaddr *sa, MMDB_lookup_result_s *res)
{
	int err = MMDB_SUCCESS;

	if (!d->ok)
		return false;
	*res = MMDB_lookup_sockaddr(&d->mmdb, sa, &err);
	if (err == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return false;
	if (err != MMDB_SUCCESS) {
		db_fail(d, err);
		return false;
	}
	return res->found_entry;
}

/* The value at a path (NULL-terminated) as an entry data; false when the
 * path is absent. A damaged data section fails the database. */
static bool db_value(struct geo_db *d, MMDB_entry_s *e, MMDB_entry_data_s *out, const char *a,
		     const char *b, const char *c)
{
	int r = MMDB_get_value(e, out, a, b, c, NULL);

	if (r == MMDB_SUCCESS)
		return out->has_data;
	if (r != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR && r != MMDB_INVALID_LOOKUP_PATH_ERROR)
		db_fail(d, r);
	return false;
}

static void copy_str(char *dst, size_t n, const MMDB_entry_data_s *v)
{
	size_t len;

	if (v->type != MMDB_DATA_TYPE_UTF8_STRING)
		return;
	len = v->data_size < n - 1 ? v->data_size : n - 1;
	memcpy(dst, v->utf8_string, len);
	dst[len] = '\0'; /* an embedded NUL ends it early: shown up to there */
}

static void country(struct geo_db *d, MMDB_entry_s *e, struct geo_info *out)
{
	static const char *const where[] = {"country", "registered_country"};
	MMDB_entry_data_s v;
	size_t i;

	for (i = 0; i < 2 && d->ok && !out->cc[0]; i++) {
		if (db_value(d, e, &v, where[i], "iso_code", NULL))
			copy_str(out->cc, sizeof(out->cc), &v);
		if (d->ok && db_value(d, e, &v, where[i], "names", "en"))
			copy_str(out->country, sizeof(out->country), &v);
	}
}

static void network(struct geo_db *d, MMDB_entry_s *e, struct geo_info *out)
{
	MMDB_entry_data_s v;

	if (db_value(d, e, &v, "autonomous_system_number", NULL, NULL)) {
		if (v.type == MMDB_DATA_TYPE_UINT32)
			out->asn = v.uint32;
		else if (v.type == MMDB_DATA_TYPE_UINT16)
			out->asn = v.uint16;
		else if (v.type == MMDB_DATA_TYPE_UINT64 && v.uint64 <= UINT32_MAX)
			out->asn = (uint32_t)v.uint64;
	}
	if (d->ok && db_value(d, e, &v, "autonomous_system_organization", NULL, NULL))
		copy_str(out->org, sizeof(out->org), &v);
}

bool geo_lookup(struct geo *g, const char *ip, struct geo_info *out)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	const struct sockaddr *sa;
	MMDB_lookup_result_s res;

	memset(out, 0, sizeof(*out));
	if (!g || !ip)
		return false;
	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, ip, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		sa = (const struct sockaddr *)&s4;
	} else if (inet_pton(AF_INET6, ip, &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		sa = (const struct sockaddr *)&s6;
	} else {
		return false;
	}
	if (db_find(&g->country, sa, &res))
		country(&g->country, &res.entry, out);
	if (db_find(&g->asn, sa, &res))
		network(&g->asn, &res.entry, out);
	return out->cc[0] || out->country[0] || out->asn || out->org[0];
}
