/* geo.h — country and network (ASN) of an address, from MaxMind-format
 * databases the operator supplies (option geoip_country, option
 * geoip_asn), read with libmaxminddb.
 *
 * A database that is missing, unreadable or found damaged during a lookup
 * is logged once and then not used: the dashboard shows no country (or no
 * network), never fails. Addresses are parsed with inet_pton only (never
 * a name lookup); anything else is simply not found.
 *
 * Ownership: geo_open() returns a handle (never NULL unless out of
 * memory) that geo_close() releases. One thread uses a handle.
 */
#ifndef TANUKI_HUB_GEO_H
#define TANUKI_HUB_GEO_H

#include <stdbool.h>
#include <stdint.h>

struct geo;

struct geo_info {
	char cc[8];	  /* ISO 3166 code ("" = unknown) */
	char country[96]; /* English name ("" = unknown) */
	uint32_t asn;	  /* 0 = unknown */
	char org[160];	  /* the network's organisation */
};

/* Either path may be NULL or "" (not configured). */
struct geo *geo_open(const char *country_path, const char *asn_path);
void geo_close(struct geo *g);
/* True when the country database is in use (for the country table). */
bool geo_has_country(const struct geo *g);
bool geo_has_asn(const struct geo *g);
/* Fills *out (zeroed first); true when anything was found. */
bool geo_lookup(struct geo *g, const char *ip, struct geo_info *out);

#endif
