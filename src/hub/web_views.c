/* web_views.c — the dashboard's views (Overview, Credentials, Sources,
 * Commands & exploits, Binaries, Fleet, Search): SQL over the hub's store
 * rendered as HTML tables and server-side SVG charts, every decoy string
 * through html_esc(). Part of the dashboard (web_int.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "db.h"
#include "hub_limits.h"
#include "web.h"
#include "web_int.h"

static void fmt_time(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm))
		snprintf(out, n, "never");
	else
		strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

static void fmt_dur(int64_t s, char *out, size_t n)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, n, "%" PRId64 " s", s);
	else if (s < 7200)
		snprintf(out, n, "%" PRId64 " min", s / 60);
	else if (s < 172800)
		snprintf(out, n, "%" PRId64 " h", s / 3600);
	else
		snprintf(out, n, "%" PRId64 " d", s / 86400);
}

/* ---- tables ---- */

/* Column kinds: 't' text, 'n' number, 'T' unix time, 'h' SHA-256 with a
 * download link, 'd' a decoy name. */
struct table {
	struct view *v;
	const char *kinds;
	int rows;
};

static int table_row(void *ctx, int ncol, const char *const *col)
{
	struct table *t = ctx;
	struct buf *b = t->v->b;
	int i;

	buf_adds(b, "<tr>");
	for (i = 0; i < ncol && t->kinds[i]; i++) {
		const char *s = col[i] ? col[i] : "";
		char tm[32];

		switch (t->kinds[i]) {
		case 'n':
			buf_adds(b, "<td class=\"n\">");
			html_esc(b, s);
			break;
		case 'T':
			fmt_time(strtoll(s, NULL, 10), tm, sizeof(tm));
			buf_printf(b, "<td class=\"n\">%s", tm);
			break;
		case 'h':
			buf_adds(b, "<td><code>");
			html_esc(b, s);
			buf_adds(b, "</code>");
			if (web_sha_ok(s))
				buf_printf(b, " <a href=\"/download/%s\">download</a>", s);
			break;
		default:
			buf_adds(b, "<td>");
			html_esc(b, s);
		}
		buf_adds(b, "</td>");
	}
	buf_adds(b, "</tr>\n");
	t->rows++;
	return 0;
}

/* A titled table of a query's rows. args: from, to, decoy (and more). */
static void table(struct view *v, const char *id, const char *title, const char *heads,
		  const char *kinds, const char *sql, int nargs, const struct hval *args)
{
	struct table t = {v, kinds, 0};
	const char *p = heads;
	int i = 0;

	buf_printf(v->b, "<h2>%s</h2><div class=\"wrap\"><table id=\"%s\"><tr>", title, id);
	while (*p) {
		size_t n = strcspn(p, "|");

		buf_printf(v->b, "<th%s>%.*s</th>",
			   kinds[i] == 'n' || kinds[i] == 'T' ? " class=\"n\"" : "", (int)n, p);
		p += n + (p[n] == '|');
		i++;
	}
	buf_adds(v->b, "</tr>\n");
	if (store_exec(v->h->st, sql, nargs, args, table_row, &t))
		buf_adds(v->b, "<tr><td>store error</td></tr>");
	else if (!t.rows)
		buf_adds(v->b, "<tr><td class=\"none\" colspan=\"9\">none</td></tr>");
	buf_adds(v->b, "</table></div>\n");
}

void web_range_days(const struct view *v, int64_t d[2])
{
	d[0] = (v->from + 86399) / 86400 * 86400;
	d[1] = v->to / 86400 * 86400;
	if (d[1] <= d[0])
		d[0] = d[1] = v->to;
}

/* ---- charts: stacked bars over time, server-rendered SVG ---- */

#define CHART_KEYS 8
static const char *const palette[CHART_KEYS + 1] = {"#4e79a7", "#f28e2b", "#e15759",
						    "#76b7b2", "#59a14f", "#edc948",
						    "#b07aa1", "#ff9da7", "#9c9c9c"};

struct chart {
	char keys[CHART_KEYS][128];
	int nkeys;
	int64_t v[52][CHART_KEYS + 1];
	int nb;
};

static int chart_key(void *ctx, int ncol, const char *const *col)
{
	struct chart *ch = ctx;

	if (ncol >= 1 && col[0] && ch->nkeys < CHART_KEYS)
		snprintf(ch->keys[ch->nkeys++], sizeof(ch->keys[0]), "%s", col[0]);
	return 0;
}

static int chart_cell(void *ctx, int ncol, const char *const *col)
{
	struct chart *ch = ctx;
	int64_t bi;
	int k;

	if (ncol < 3 || !col[0] || !col[1] || !col[2])
		return 0;
	bi = strtoll(col[0], NULL, 10);
	if (bi < 0 || bi >= ch->nb)
		return 0;
	for (k = 0; k < ch->nkeys && strcmp(ch->keys[k], col[1]); k++)
		;
	ch->v[bi][k] += strtoll(col[2], NULL, 10);
	return 0;
}

/* keysql: the top keys (one column); cellsql: (bucket, key, n) rows. Both
 * take RANGE_ARGS and $6 step (cellsql). A bucket holds whole days when
 * the step is days and the range starts at midnight (30 d, 1 y): then the
 * roll-ups serve it all; else (24 h, 7 d) the per-summary tables. */
/* The keys may come from keysql, or (keysql NULL) from keys[0..nkeys). */
static void chart_keys(struct view *v, const char *id, const char *title, const char *keysql,
		       char (*keys)[128], int nkeys, const char *cellsql, const char *prefix)
{
	struct chart *ch = calloc(1, sizeof(*ch));
	bool days = v->step % 86400 == 0 && v->from % 86400 == 0;
	struct hval a[] = {HV_I(v->from),  HV_I(v->to),
			   HV_S(v->decoy), HV_I(days ? v->from : v->to),
			   HV_I(v->to),	   HV_I(v->step)};
	int64_t max = 1, sum;
	int i, k;
	const int W = 600, H = 180;

	if (!ch)
		return;
	ch->nb = v->nb;
	for (k = 0; !keysql && k < nkeys && k < CHART_KEYS; k++)
		memcpy(ch->keys[ch->nkeys++], keys[k], sizeof(ch->keys[0]));
	if ((keysql && store_exec(v->h->st, keysql, 5, a, chart_key, ch)) ||
	    store_exec(v->h->st, cellsql, 6, a, chart_cell, ch)) {
		free(ch);
		buf_adds(v->b, "<p>store error</p>");
		return;
	}
	for (i = 0; i < ch->nb; i++) {
		for (sum = 0, k = 0; k <= CHART_KEYS; k++)
			sum += ch->v[i][k];
		if (sum > max)
			max = sum;
	}
	buf_printf(v->b,
		   "<h2>%s</h2><svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\">"
		   "<text x=\"2\" y=\"12\" font-size=\"11\">%" PRId64 "</text>",
		   title, id, W, H + 16, max);
	for (i = 0; i < ch->nb; i++) {
		double x = 30 + (double)i * (W - 34) / ch->nb;
		double w = (double)(W - 34) / ch->nb * 0.85, y = H;

		for (k = 0; k <= CHART_KEYS; k++) {
			double hgt = (double)ch->v[i][k] * (H - 16) / (double)max;

			if (!ch->v[i][k])
				continue;
			y -= hgt;
			buf_printf(v->b,
				   "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
				   " height=\"%.1f\" fill=\"%s\"><title>",
				   x, y, w, hgt, palette[k]);
			if (k < ch->nkeys) {
				buf_adds(v->b, prefix);
				html_esc(v->b, ch->keys[k]);
			} else {
				buf_adds(v->b, "other");
			}
			buf_printf(v->b, ": %" PRId64 "</title></rect>", ch->v[i][k]);
		}
	}
	{
		char a0[32], a1[32];

		fmt_time(v->from, a0, sizeof(a0));
		fmt_time(v->to, a1, sizeof(a1));
		buf_printf(v->b,
			   "<text x=\"30\" y=\"%d\" font-size=\"11\">%s</text>"
			   "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
			   "text-anchor=\"end\">%s UTC</text></svg>",
			   H + 13, a0, W - 4, H + 13, a1);
	}
	buf_adds(v->b, "<div class=\"legend\">");
	for (k = 0; k < ch->nkeys; k++) {
		buf_printf(v->b,
			   "<span><svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\">"
			   "<rect width=\"10\" height=\"10\" fill=\"%s\"/></svg> ",
			   palette[k]);
		buf_adds(v->b, prefix);
		html_esc(v->b, ch->keys[k]);
		buf_adds(v->b, "</span>");
	}
	buf_adds(v->b, "</div>");
	free(ch);
}

static void chart(struct view *v, const char *id, const char *title, const char *keysql,
		  const char *cellsql, const char *prefix)
{
	chart_keys(v, id, title, keysql, NULL, 0, cellsql, prefix);
}

/* ---- views ---- */

/* (key, sum) rows of one kind of `counts`, most first: one scan serves the
 * table, the chart's keys and the totals derived from it. */
#define KV_MAX 256
struct kvs {
	char k[KV_MAX][128];
	int64_t n[KV_MAX];
	int count;
};

static int kv_row(void *ctx, int ncol, const char *const *col)
{
	struct kvs *t = ctx;

	if (ncol < 2 || !col[0] || t->count >= KV_MAX)
		return 0;
	snprintf(t->k[t->count], sizeof(t->k[0]), "%s", col[0]);
	t->n[t->count++] = col[1] ? strtoll(col[1], NULL, 10) : 0;
	return 0;
}

static void kv_table(struct view *v, const char *id, const char *title, const char *head,
		     const struct kvs *t)
{
	int i;

	buf_printf(v->b,
		   "<h2>%s</h2><div class=\"wrap\"><table id=\"%s\"><tr><th>%s</th>"
		   "<th class=\"n\">count</th></tr>\n",
		   title, id, head);
	for (i = 0; i < t->count; i++) {
		buf_adds(v->b, "<tr><td>");
		html_esc(v->b, t->k[i]);
		buf_printf(v->b, "</td><td class=\"n\">%" PRId64 "</td></tr>\n", t->n[i]);
	}
	if (!t->count)
		buf_adds(v->b, "<tr><td class=\"none\" colspan=\"9\">none</td></tr>");
	buf_adds(v->b, "</table></div>\n");
}

struct totals {
	int64_t summaries, sessions;
};

static int totals_row(void *ctx, int ncol, const char *const *col)
{
	struct totals *t = ctx;

	if (ncol >= 2) {
		t->summaries = col[0] ? strtoll(col[0], NULL, 10) : 0;
		t->sessions = col[1] ? strtoll(col[1], NULL, 10) : 0;
	}
	return 0;
}

void web_view_overview(struct view *v)
{
	int64_t d[2];
	struct hval a[5];
	struct totals t = {0, 0};
	int64_t logins = 0, downloads = 0;
	struct kvs *port = calloc(1, sizeof(*port)), *ev = calloc(1, sizeof(*ev));
	int i;

	if (!port || !ev) {
		free(port);
		free(ev);
		return;
	}
	web_range_days(v, d);
	{
		struct hval r[] = RANGE_ARGS(v, d);

		memcpy(a, r, sizeof(a));
	}
	store_exec(v->h->st,
		   "SELECT COALESCE(SUM(c), 0), COALESCE(SUM(s), 0) FROM (" RAW_PART(
		       "1 AS c, sessions AS s", "summaries", "", "$1",
		       "$4") " UNION ALL " RAW_PART("1, sessions", "summaries", "", "$5",
						    "$2") " UNION ALL SELECT summaries, sessions"
							  " FROM roll_sum WHERE device = $3 AND"
							  " pday >= $4 AND pday < $5) x",
		   5, a, totals_row, &t);
	store_exec(v->h->st,
		   "SELECT k, SUM(n) FROM " HYB("k, n", "counts", "kind = 'port' AND", "k, n",
						"port") " GROUP BY k ORDER BY SUM(n) DESC, k",
		   5, a, kv_row, port);
	store_exec(v->h->st,
		   "SELECT k, SUM(n) FROM " HYB("k, n", "counts", "kind = 'event' AND", "k, n",
						"event") " GROUP BY k ORDER BY SUM(n) DESC, k",
		   5, a, kv_row, ev);
	for (i = 0; i < ev->count; i++) {
		if (!strcmp(ev->k[i], "cowrie.login.failed") ||
		    !strcmp(ev->k[i], "cowrie.login.success"))
			logins += ev->n[i];
		if (!strcmp(ev->k[i], "cowrie.session.file_download"))
			downloads += ev->n[i];
	}
	buf_printf(v->b,
		   "<div class=\"tot\"><div>summaries<strong id=\"t-summaries\">%" PRId64
		   "</strong></div><div>sessions<strong id=\"t-sessions\">%" PRId64
		   "</strong></div><div>login attempts<strong id=\"t-logins\">%" PRId64
		   "</strong></div><div>downloads<strong id=\"t-downloads\">%" PRId64
		   "</strong></div></div>",
		   t.summaries, t.sessions, logins, downloads);
	chart_keys(v, "c-port", "Connections over time, by port", NULL, port->k, port->count,
		   "SELECT (pfrom - $1) / $6, k, SUM(n) FROM " HYB(
		       "pfrom, k, n", "counts", "kind = 'port' AND", "pday, k, n",
		       "port") " GROUP BY 1, k",
		   "port ");
	chart_keys(v, "c-event", "Events over time, by kind", NULL, ev->k, ev->count,
		   "SELECT (pfrom - $1) / $6, k, SUM(n) FROM " HYB(
		       "pfrom, k, n", "counts", "kind = 'event' AND", "pday, k, n",
		       "event") " GROUP BY 1, k",
		   "");
	kv_table(v, "by-port", "By port", "port", port);
	kv_table(v, "by-event", "By event", "event", ev);
	free(port);
	free(ev);
	table(v, "new-binaries", "Newest binaries", "SHA-256|size|first seen|URL", "hnTt",
	      "SELECT sha256, size, first_seen, url FROM binaries WHERE"
	      " first_seen >= $1 AND first_seen < $2 AND ($3 = '' OR device = $3)"
	      " ORDER BY first_seen DESC LIMIT 10",
	      3, a);
	table(v, "exploits", "Exploits", "CVE|count", "tn",
	      "SELECT cve, SUM(n) FROM " HYB(
		  "cve, n", "exploits", "", "k, n",
		  "cve") " GROUP BY cve ORDER BY SUM(n) DESC, cve LIMIT 20",
	      5, a);
}

#define PAIRS HYB("username, password, n", "credentials", "", "k, k2, n", "pair")

void web_view_credentials(struct view *v)
{
	int64_t d[2];

	web_range_days(v, d);
	{
		struct hval a[] = RANGE_ARGS(v, d);

		table(v, "pairs", "Top pairs", "user name|password|count", "ttn",
		      "SELECT username, password, SUM(n) FROM " PAIRS
		      " GROUP BY username, password ORDER BY SUM(n) DESC, username,"
		      " password LIMIT 100",
		      5, a);
		table(v, "users", "Top user names", "user name|count", "tn",
		      "SELECT username, SUM(n) FROM " HYB(
			  "username, n", "credentials", "", "k, n",
			  "user") " GROUP BY username ORDER BY SUM(n) DESC, username LIMIT 50",
		      5, a);
		table(v, "passwords", "Top passwords", "password|count", "tn",
		      "SELECT password, SUM(n) FROM " HYB(
			  "password, n", "credentials", "", "k, n",
			  "pass") " GROUP BY password ORDER BY SUM(n) DESC, password LIMIT 50",
		      5, a);
		table(v, "new-pairs", "New this period (not seen before it)",
		      "user name|password|count", "ttn",
		      /* per pair of the range, one seek in credentials_pair */
		      "SELECT username, password, SUM(n) FROM " PAIRS
		      " GROUP BY username, password HAVING NOT EXISTS (SELECT 1 FROM"
		      " credentials o WHERE o.username = x.username AND o.password ="
		      " x.password AND o.pfrom < $1 AND ($3 = '' OR o.device = $3))"
		      " ORDER BY SUM(n) DESC, username, password LIMIT 100",
		      5, a);
	}
}

void web_view_commands(struct view *v)
{
	int64_t d[2];

	web_range_days(v, d);
	{
		struct hval a[] = RANGE_ARGS(v, d);

		table(v, "commands", "Top commands", "command|count", "tn",
		      "SELECT input, SUM(n) FROM " HYB(
			  "input, n", "commands", "", "k, n",
			  "cmd") " GROUP BY input ORDER BY SUM(n) DESC, input LIMIT 200",
		      5, a);
		chart(
		    v, "c-cve", "Exploits over time, by CVE",
		    "SELECT cve FROM " HYB("cve, n", "exploits", "", "k, n",
					   "cve") " GROUP BY cve ORDER BY SUM(n) DESC, cve LIMIT 8",
		    "SELECT (pfrom - $1) / $6, cve, SUM(n) FROM " HYB(
			"pfrom, cve, n", "exploits", "", "pday, k, n", "cve") " GROUP BY 1, cve",
		    "");
		table(
		    v, "exploits", "Exploits", "CVE|count", "tn",
		    "SELECT cve, SUM(n) FROM " HYB("cve, n", "exploits", "", "k, n",
						   "cve") " GROUP BY cve ORDER BY SUM(n) DESC, cve",
		    5, a);
	}
}

void web_view_binaries(struct view *v)
{
	struct hval a[] = {HV_I(v->from), HV_I(v->to), HV_S(v->decoy)};

	table(v, "binaries", "Binaries (first seen in the range)",
	      "SHA-256|family|size|first seen|URL|first reported by|reports", "htnTttn",
	      "SELECT b.sha256, COALESCE(l.family, ''), size, first_seen, url, device,"
	      " reports FROM binaries b LEFT JOIN labels l ON l.sha256 = b.sha256"
	      " WHERE first_seen >= $1 AND first_seen < $2 AND ($3 = '' OR device = $3)"
	      " ORDER BY first_seen DESC, b.sha256 LIMIT 500",
	      3, a);
}

static int fleet_row(void *ctx, int ncol, const char *const *col)
{
	struct view *v = ctx;
	struct buf *b = v->b;
	int64_t last = ncol > 1 && col[1] ? strtoll(col[1], NULL, 10) : 0;
	int64_t pto = ncol > 10 && col[10] ? strtoll(col[10], NULL, 10) : 0;
	char seen[32], lag[32], up[32];
	bool stale = v->now - last > HUB_STALE_S;
	int i;

	if (ncol < 11)
		return 0;
	fmt_time(last, seen, sizeof(seen));
	fmt_dur(pto ? v->now - pto : -1, lag, sizeof(lag));
	fmt_dur(strtoll(col[5] ? col[5] : "0", NULL, 10), up, sizeof(up));
	buf_adds(b, "<tr><td>");
	html_esc(b, col[0]);
	if (stale)
		buf_adds(b, " <span class=\"stale\">stale</span>");
	buf_adds(b, "</td><td>");
	html_esc(b, col[3] ? col[3] : "");
	buf_adds(b, "</td><td>");
	html_esc(b, col[4] ? col[4] : "");
	buf_printf(b,
		   "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
		   "<td class=\"n\">%s</td><td class=\"n\">",
		   seen, pto ? lag : "-", up);
	html_esc(b, col[6] ? col[6] : "0");
	buf_adds(b, " / ");
	html_esc(b, col[7] ? col[7] : "0");
	buf_adds(b, " KB</td>");
	for (i = 8; i <= 9; i++) {
		buf_adds(b, "<td class=\"n\">");
		html_esc(b, col[i] ? col[i] : "0");
		buf_adds(b, "</td>");
	}
	buf_adds(b, "<td class=\"n\">");
	html_esc(b, col[2] ? col[2] : "");
	buf_adds(b, "</td></tr>\n");
	return 0;
}

void web_view_fleet(struct view *v)
{
	struct hval a[] = {HV_S(v->decoy)};

	buf_adds(v->b, "<div class=\"wrap\"><table id=\"fleet\"><tr><th>decoy</th>"
		       "<th>persona</th><th>version</th><th class=\"n\">last summary</th>"
		       "<th class=\"n\">lag</th><th class=\"n\">uptime</th>"
		       "<th class=\"n\">store used / quota</th><th class=\"n\">evictions</th>"
		       "<th class=\"n\">dropped events</th><th class=\"n\">last seq</th></tr>\n");
	store_exec(v->h->st,
		   "SELECT name, last_seen, last_seq, persona, version, uptime_s,"
		   " used_kb, quota_kb, evictions, events_dropped,"
		   " (SELECT MAX(pto) FROM summaries s WHERE s.device = d.name)"
		   " FROM devices d WHERE ($1 = '' OR name = $1) ORDER BY name",
		   1, a, fleet_row, v);
	buf_printf(v->b,
		   "</table></div><p>Stale: no summary for more than %d min."
		   " Lag: now minus the end of the newest summary's period.</p>",
		   HUB_STALE_S / 60);
}

static void like_arg(const char *q, char *out, size_t n)
{
	size_t o = 0;

	if (n < 3)
		return;
	out[o++] = '%';
	for (; *q && o + 4 < n; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[o++] = '\\';
		out[o++] = *q;
	}
	out[o++] = '%';
	out[o] = '\0';
}

void web_view_search(struct view *v)
{
	char q[HUB_SEARCH_MAX + 1] = "", like[2 * HUB_SEARCH_MAX + 8];
	const char *raw = MHD_lookup_connection_value(v->c, MHD_GET_ARGUMENT_KIND, "q");
	int64_t d[2];

	if (raw && strlen(raw) <= HUB_SEARCH_MAX)
		snprintf(q, sizeof(q), "%s", raw);
	buf_adds(v->b, "<form method=\"get\" action=\"/search\"><input type=\"hidden\""
		       " name=\"range\" value=\"");
	html_esc(v->b, v->range);
	buf_adds(v->b, "\"><input type=\"hidden\" name=\"decoy\" value=\"");
	html_esc(v->b, v->decoy);
	buf_adds(v->b, "\"><input name=\"q\" id=\"q\" placeholder=\"address, SHA-256,"
		       " credential, command\" value=\"");
	html_esc(v->b, q);
	buf_adds(v->b, "\"> <button>Search</button></form>");
	if (!q[0])
		return;
	like_arg(q, like, sizeof(like));
	web_range_days(v, d);
	{
		struct hval a[] = {HV_I(v->from), HV_I(v->to), HV_S(v->decoy), HV_I(d[0]),
				   HV_I(d[1]),	  HV_S(q),     HV_S(like)};
		struct hval b[] = {HV_I(v->from), HV_I(v->to), HV_S(v->decoy), HV_S(q), HV_S(like)};

		table(v, "s-sources", "Addresses", "address|connections", "tn",
		      "SELECT ip, SUM(n) FROM " HYB_W("ip, n", "sources", "ip = $6 AND", "k, n",
						      "ip", " AND k = $6") " GROUP BY ip",
		      6, a); /* $7 unused: PostgreSQL wants every parameter typed */
		table(v, "s-binaries", "Binaries", "SHA-256|size|first seen|URL", "hnTt",
		      "SELECT sha256, size, first_seen, url FROM binaries WHERE"
		      " first_seen >= $1 AND first_seen < $2 AND ($3 = '' OR device = $3)"
		      " AND (sha256 = $4 OR url LIKE $5 ESCAPE '\\') LIMIT 100",
		      5, b);
		table(
		    v, "s-credentials", "Credentials", "user name|password|count", "ttn",
		    "SELECT username, password, SUM(n) FROM " HYB_W(
			"username, password, n", "credentials",
			"(username LIKE $7 ESCAPE '\\' OR password LIKE $7 ESCAPE '\\') AND",
			"k, k2, n", "pair",
			" AND (k LIKE $7 ESCAPE '\\' OR k2 LIKE $7 ESCAPE '\\')") " WHERE $6 <> ''"
										  " GROUP BY "
										  "username, "
										  "password ORDER "
										  "BY SUM(n) DESC"
										  " LIMIT 100",
		    7, a);
		table(v, "s-commands", "Commands", "command|count", "tn",
		      "SELECT input, SUM(n) FROM " HYB_W(
			  "input, n", "commands", "input LIKE $7 ESCAPE '\\' AND", "k, n", "cmd",
			  " AND k LIKE $7 ESCAPE '\\'") " WHERE $6 <> '' GROUP BY input"
							" ORDER BY SUM(n) DESC LIMIT 100",
		      7, a);
	}
}
