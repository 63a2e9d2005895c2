/* web_sources.c — the dashboard's Sources view: the range's top addresses
 * with their country and network (ASN and organisation) from the
 * operator's GeoIP databases (geo.h), and a table of countries. Without a
 * database (or with a damaged one) the columns stay empty. Part of the
 * dashboard (web_int.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "hub.h"
#include "hub_limits.h"
#include "web.h"
#include "web_int.h"

#define TOP_SHOWN 200	  /* addresses in the table */
#define TOP_COUNTED 10000 /* addresses summed by country */
#define COUNTRIES 300	  /* ISO 3166 has 249, plus unknown */

struct country {
	char cc[8], name[96];
	int64_t n, addrs;
};

struct sources {
	struct view *v;
	int rows;
	struct country c[COUNTRIES];
	int nc;
};

static void count_country(struct sources *s, const struct geo_info *gi, int64_t n)
{
	int i;

	for (i = 0; i < s->nc && strcmp(s->c[i].cc, gi->cc); i++)
		;
	if (i == s->nc) {
		if (s->nc == COUNTRIES)
			return;
		snprintf(s->c[i].cc, sizeof(s->c[i].cc), "%s", gi->cc);
		snprintf(s->c[i].name, sizeof(s->c[i].name), "%s", gi->country);
		s->nc++;
	}
	s->c[i].n += n;
	s->c[i].addrs++;
}

static int source_row(void *ctx, int ncol, const char *const *col)
{
	struct sources *s = ctx;
	struct buf *b = s->v->b;
	struct geo_info gi;
	int64_t n;

	if (ncol < 2 || !col[0])
		return 0;
	n = col[1] ? strtoll(col[1], NULL, 10) : 0;
	geo_lookup(s->v->h->geo, col[0], &gi);
	count_country(s, &gi, n);
	if (s->rows++ >= TOP_SHOWN)
		return 0;
	buf_adds(b, "<tr><td>");
	html_esc(b, col[0]);
	buf_adds(b, "</td><td>");
	html_esc(b, gi.cc);
	if (gi.country[0]) {
		buf_adds(b, gi.cc[0] ? " " : "");
		html_esc(b, gi.country);
	}
	buf_adds(b, "</td><td>");
	if (gi.asn)
		buf_printf(b, "AS%" PRIu32, gi.asn);
	buf_adds(b, "</td><td>");
	html_esc(b, gi.org);
	buf_printf(b, "</td><td class=\"n\">%" PRId64 "</td></tr>\n", n);
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct country *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->cc, y->cc);
}

void web_view_sources(struct view *v)
{
	struct sources *s = calloc(1, sizeof(*s));
	int64_t d[2];
	int i, r;

	if (!s)
		return;
	s->v = v;
	web_range_days(v, d);
	buf_adds(v->b, "<h2>Top addresses</h2><div class=\"wrap\"><table id=\"sources\"><tr>"
		       "<th>address</th><th>country</th><th>ASN</th><th>network</th>"
		       "<th class=\"n\">connections</th></tr>\n");
	{
		struct hval a[] = {HV_I(v->from), HV_I(v->to), HV_S(v->decoy),
				   HV_I(d[0]),	  HV_I(d[1]),  HV_I(TOP_COUNTED)};

		r = store_exec(
		    v->h->st,
		    "SELECT ip, SUM(n) FROM " HYB("ip, n", "sources", "", "k, n",
						  "ip") " GROUP BY ip ORDER BY SUM(n) DESC,"
							" ip LIMIT $6",
		    6, a, source_row, s);
	}
	if (r)
		buf_adds(v->b, "<tr><td>store error</td></tr>");
	else if (!s->rows)
		buf_adds(v->b, "<tr><td class=\"none\" colspan=\"9\">none</td></tr>");
	buf_adds(v->b, "</table></div>\n");
	if (!geo_has_country(v->h->geo) && !geo_has_asn(v->h->geo))
		buf_adds(v->b, "<p id=\"no-geo\">No GeoIP database in use (option geoip_country,"
			       " option geoip_asn).</p>");
	if (geo_has_country(v->h->geo)) {
		qsort(s->c, (size_t)s->nc, sizeof(s->c[0]), by_count);
		buf_printf(v->b,
			   "<h2>Countries</h2><div class=\"wrap\"><table id=\"countries\"><tr>"
			   "<th>country</th><th class=\"n\">addresses</th>"
			   "<th class=\"n\">connections</th></tr>\n");
		for (i = 0; i < s->nc; i++) {
			buf_adds(v->b, "<tr><td>");
			if (s->c[i].cc[0] || s->c[i].name[0]) {
				html_esc(v->b, s->c[i].cc);
				buf_adds(v->b, " ");
				html_esc(v->b, s->c[i].name);
			} else {
				buf_adds(v->b, "unknown");
			}
			buf_printf(v->b,
				   "</td><td class=\"n\">%" PRId64 "</td><td class=\"n\">%" PRId64
				   "</td></tr>\n",
				   s->c[i].addrs, s->c[i].n);
		}
		if (!s->nc)
			buf_adds(v->b, "<tr><td class=\"none\" colspan=\"9\">none</td></tr>");
		buf_printf(v->b,
			   "</table></div><p>Over the range's top %d addresses by"
			   " connections.</p>",
			   TOP_COUNTED);
	}
	free(s);
}
