/* web.c — the dashboard (see web.h). */
#include "web.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "db.h"
#include "hash.h"
#include "hub_limits.h"
#include "summary.h"

#define COOKIE "tanuki_session"
#define PRE_COOKIE "tanuki_login" /* the login form's CSRF double submit */
#define CSP                                                                                        \
	"default-src 'none'; style-src 'self'; img-src 'self'; "                                   \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/* ---- text helpers ---- */

int html_esc(struct buf *b, const char *s)
{
	int r = 0;

	for (; s && *s && !r; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '&':
			r = buf_adds(b, "&amp;");
			break;
		case '<':
			r = buf_adds(b, "&lt;");
			break;
		case '>':
			r = buf_adds(b, "&gt;");
			break;
		case '"':
			r = buf_adds(b, "&quot;");
			break;
		case '\'':
			r = buf_adds(b, "&#39;");
			break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				r = buf_printf(b, "\\x%02x", ch);
			else
				r = buf_addc(b, (char)ch);
		}
	}
	return r;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool form_get(const char *body, size_t len, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key), i = 0;

	while (body && i < len) {
		size_t end = i, o = 0;

		while (end < len && body[end] != '&')
			end++;
		if (end - i > klen && !memcmp(body + i, key, klen) && body[i + klen] == '=') {
			size_t j;

			for (j = i + klen + 1; j < end; j++) {
				int c = body[j];

				if (c == '+') {
					c = ' ';
				} else if (c == '%') {
					int hi = j + 2 < end ? hexval(body[j + 1]) : -1;
					int lo = j + 2 < end ? hexval(body[j + 2]) : -1;

					if (hi < 0 || lo < 0)
						return false;
					c = hi * 16 + lo;
					j += 2;
				}
				if (o + 1 >= outlen || c == 0)
					return false;
				out[o++] = (char)c;
			}
			out[o] = '\0';
			return true;
		}
		i = end + 1;
	}
	return false;
}

static void hexrand(char *out, size_t nbytes)
{
	uint8_t raw[32];

	randombytes_buf(raw, nbytes);
	hash_hex(raw, nbytes, out);
}

static void token_key(const char *tok, char out[SHA256_HEX])
{
	uint8_t d[SHA256_LEN];

	hash_sha256(tok, strlen(tok), d);
	hash_hex(d, sizeof(d), out);
}

static bool sha_ok(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[64] == '\0';
}

static bool same(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && n && !sodium_memcmp(a, b, n);
}

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

/* ---- responses ---- */

static void common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
}

static int send_buf(struct MHD_Connection *c, unsigned status, const char *ctype,
		    const struct buf *b, const char *cookie, const char *location)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(b->len, b->p ? b->p : (void *)"",
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	common_headers(r);
	MHD_add_response_header(r, "Content-Type", ctype);
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	if (location)
		MHD_add_response_header(r, "Location", location);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static int redirect(struct MHD_Connection *c, const char *to, const char *cookie)
{
	struct buf b;
	int ret;

	buf_init(&b, 0);
	ret = send_buf(c, 303, "text/plain", &b, cookie, to);
	buf_free(&b);
	return ret;
}

static int text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	struct buf b;
	int ret;

	buf_init(&b, 256);
	buf_adds(&b, msg);
	ret = send_buf(c, status, "text/plain; charset=utf-8", &b, NULL, NULL);
	buf_free(&b);
	return ret;
}

static const char style_css[] =
    "*{box-sizing:border-box}"
    "body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#222;"
    "background:#f6f6f4}"
    "header{background:#3b3a36;color:#fff;padding:.5em 1em;display:flex;"
    "flex-wrap:wrap;gap:.5em 1em;align-items:center}"
    "header a{color:#fff}header form{margin-left:auto}"
    "nav{display:flex;flex-wrap:wrap;gap:.3em .8em}nav a{white-space:nowrap}"
    "nav a.on{font-weight:bold;text-decoration:none}"
    ".filters{padding:.4em 1em;background:#e7e5df;font-size:14px}"
    ".filters a{margin-right:.6em}.filters a.on{font-weight:bold}"
    "main{padding:1em;max-width:1100px}"
    "h2{font-size:18px;margin:1.2em 0 .4em}"
    "table{border-collapse:collapse;width:100%;background:#fff;"
    "margin-bottom:1em}"
    "th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #ddd;"
    "vertical-align:top;overflow-wrap:anywhere}"
    "td.n,th.n{text-align:right;white-space:nowrap}"
    ".wrap{overflow-x:auto}"
    ".stale{color:#a40000;font-weight:bold}"
    ".tot{display:flex;flex-wrap:wrap;gap:1em}"
    ".tot div{background:#fff;padding:.5em 1em;border:1px solid #ddd}"
    ".tot strong{display:block;font-size:22px}"
    "svg.chart{width:100%;height:auto;background:#fff;border:1px solid #ddd}"
    ".legend svg{vertical-align:middle}"
    ".legend span{margin-right:1em;white-space:nowrap}"
    "form.login{max-width:20em;margin:3em auto;background:#fff;padding:1em;"
    "border:1px solid #ddd}"
    "form.login input{width:100%;margin:.2em 0 .8em;padding:.4em}"
    "input,button{font:inherit}"
    "code{font-size:13px}";

/* ---- login rate limit ---- */

struct attempt {
	uint8_t src[16];
	int64_t t0;
	int n;
};
static struct attempt attempts[256];
static int64_t all_t0;
static int all_n;

static bool login_allowed(struct MHD_Connection *c, int64_t now)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	uint8_t src[16];
	struct attempt *a = NULL, *old = &attempts[0];
	size_t i;

	gate_source(ci ? ci->client_addr : NULL, src);
	if (now - all_t0 >= HUB_LOGIN_WINDOW_S)
		all_t0 = now, all_n = 0;
	for (i = 0; i < sizeof(attempts) / sizeof(attempts[0]) && !a; i++) {
		if (!memcmp(attempts[i].src, src, 16) && attempts[i].t0)
			a = &attempts[i];
		else if (attempts[i].t0 < old->t0)
			old = &attempts[i];
	}
	if (!a) {
		a = old; /* the oldest entry makes room */
		memcpy(a->src, src, 16);
		a->t0 = now;
		a->n = 0;
	}
	if (now - a->t0 >= HUB_LOGIN_WINDOW_S)
		a->t0 = now, a->n = 0;
	if (a->n >= HUB_LOGIN_SRC_MAX || all_n >= HUB_LOGIN_ALL_MAX)
		return false;
	a->n++;
	all_n++;
	return true;
}

/* ---- the page frame ---- */

struct view {
	struct hub *h;
	struct MHD_Connection *c;
	struct buf *b;
	const char *page; /* "/", "/credentials", … */
	const char *range;
	char decoy[HUB_NAME_MAX + 1];
	char csrf[80];
	int64_t now, from, to, step;
	int nb; /* chart buckets */
};

static const struct {
	const char *path, *title;
} pages[] = {{"/", "Overview"},		{"/credentials", "Credentials"},
	     {"/sources", "Sources"},	{"/commands", "Commands &amp; exploits"},
	     {"/binaries", "Binaries"}, {"/fleet", "Fleet"},
	     {"/search", "Search"}};

static const struct {
	const char *name;
	int64_t span, step;
} ranges[] = {{"24h", 86400, 3600},
	      {"7d", 7 * 86400, 6 * 3600},
	      {"30d", 30 * 86400, 86400},
	      {"1y", 365 * 86400, 7 * 86400}};

static void nav_link(struct view *v, const char *path, const char *range, const char *decoy,
		     const char *label, bool on)
{
	buf_printf(v->b, "<a href=\"%s?range=%s", path, range);
	if (decoy && *decoy) {
		buf_adds(v->b, "&amp;decoy=");
		html_esc(v->b, decoy);
	}
	buf_printf(v->b, "\"%s>", on ? " class=\"on\"" : "");
	buf_adds(v->b, label);
	buf_adds(v->b, "</a>");
}

struct names {
	struct view *v;
};

static int decoy_link(void *ctx, int ncol, const char *const *col)
{
	struct view *v = ctx;
	struct buf lab;

	if (ncol < 1 || !col[0])
		return 0;
	buf_init(&lab, 512);
	html_esc(&lab, col[0]);
	nav_link(v, v->page, v->range, col[0], lab.p ? lab.p : "", !strcmp(v->decoy, col[0]));
	buf_free(&lab);
	return 0;
}

static void page_head(struct view *v, const char *title)
{
	size_t i;

	buf_adds(v->b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		       "<title>tanuki-hub: ");
	buf_adds(v->b, title);
	buf_adds(v->b, "</title><link rel=\"stylesheet\" href=\"/static/style.css\">"
		       "</head><body><header><strong>tanuki-hub</strong><nav>");
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		nav_link(v, pages[i].path, v->range, v->decoy, pages[i].title,
			 !strcmp(pages[i].path, v->page));
	buf_printf(v->b,
		   "</nav><form method=\"post\" action=\"/logout\">"
		   "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		   "<button>Log out</button></form></header>"
		   "<div class=\"filters\">Range: ",
		   v->csrf);
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		nav_link(v, v->page, ranges[i].name, v->decoy, ranges[i].name,
			 !strcmp(ranges[i].name, v->range));
	buf_adds(v->b, " &nbsp; Decoy: ");
	nav_link(v, v->page, v->range, NULL, "all", !v->decoy[0]);
	store_exec(v->h->st, "SELECT name FROM devices ORDER BY name", 0, NULL, decoy_link, v);
	buf_printf(v->b, "</div><main><h1 id=\"title\">%s</h1>", title);
}

static void page_end(struct view *v)
{
	buf_adds(v->b, "</main></body></html>");
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
			if (sha_ok(s))
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

#define RANGE_ARGS(v)                                                                              \
	{                                                                                          \
		HV_I((v)->from), HV_I((v)->to), HV_S((v)->decoy)                                   \
	}
#define IN_RANGE " pfrom >= $1 AND pfrom < $2 AND ($3 = '' OR device = $3)"

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
 * take $1 from, $2 to, $3 decoy, $4 step (cellsql). */
/* The keys may come from keysql, or (keysql NULL) from keys[0..nkeys). */
static void chart_keys(struct view *v, const char *id, const char *title,
		       const char *keysql, char (*keys)[128], int nkeys,
		       const char *cellsql, const char *prefix)
{
	struct chart *ch = calloc(1, sizeof(*ch));
	struct hval a[] = {HV_I(v->from), HV_I(v->to), HV_S(v->decoy), HV_I(v->step)};
	int64_t max = 1, sum;
	int i, k;
	const int W = 600, H = 180;

	if (!ch)
		return;
	ch->nb = v->nb;
	for (k = 0; !keysql && k < nkeys && k < CHART_KEYS; k++)
		memcpy(ch->keys[ch->nkeys++], keys[k], sizeof(ch->keys[0]));
	if ((keysql && store_exec(v->h->st, keysql, 3, a, chart_key, ch)) ||
	    store_exec(v->h->st, cellsql, 4, a, chart_cell, ch)) {
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

static void chart(struct view *v, const char *id, const char *title,
		  const char *keysql, const char *cellsql, const char *prefix)
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

static void view_overview(struct view *v)
{
	struct hval a[] = RANGE_ARGS(v);
	struct totals t = {0, 0};
	int64_t logins = 0, downloads = 0;
	struct kvs *port = calloc(1, sizeof(*port)), *ev = calloc(1, sizeof(*ev));
	int i;

	if (!port || !ev) {
		free(port);
		free(ev);
		return;
	}
	store_exec(v->h->st,
		   "SELECT COUNT(*), COALESCE(SUM(sessions), 0) FROM summaries"
		   " WHERE" IN_RANGE,
		   3, a, totals_row, &t);
	store_exec(v->h->st,
		   "SELECT k, SUM(n) FROM counts WHERE kind = 'port' AND" IN_RANGE
		   " GROUP BY k ORDER BY SUM(n) DESC, k",
		   3, a, kv_row, port);
	store_exec(v->h->st,
		   "SELECT k, SUM(n) FROM counts WHERE kind = 'event' AND" IN_RANGE
		   " GROUP BY k ORDER BY SUM(n) DESC, k",
		   3, a, kv_row, ev);
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
		   "</strong></div><div>downloads<strong id=\"t-downloads\">%" PRId64 "</strong></div></div>",
		   t.summaries, t.sessions, logins, downloads);
	chart_keys(v, "c-port", "Connections over time, by port", NULL, port->k, port->count,
		   "SELECT (pfrom - $1) / $4, k, SUM(n) FROM counts WHERE kind = 'port'"
		   " AND" IN_RANGE " GROUP BY 1, k",
		   "port ");
	chart_keys(v, "c-event", "Events over time, by kind", NULL, ev->k, ev->count,
		   "SELECT (pfrom - $1) / $4, k, SUM(n) FROM counts WHERE kind = 'event'"
		   " AND" IN_RANGE " GROUP BY 1, k",
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
	      "SELECT cve, SUM(n) FROM exploits WHERE" IN_RANGE
	      " GROUP BY cve ORDER BY SUM(n) DESC, cve LIMIT 20",
	      3, a);
}

static void view_credentials(struct view *v)
{
	struct hval a[] = RANGE_ARGS(v);

	table(v, "pairs", "Top pairs", "user name|password|count", "ttn",
	      "SELECT username, password, SUM(n) FROM credentials WHERE" IN_RANGE
	      " GROUP BY username, password ORDER BY SUM(n) DESC, username,"
	      " password LIMIT 100",
	      3, a);
	table(v, "users", "Top user names", "user name|count", "tn",
	      "SELECT username, SUM(n) FROM credentials WHERE" IN_RANGE
	      " GROUP BY username ORDER BY SUM(n) DESC, username LIMIT 50",
	      3, a);
	table(v, "passwords", "Top passwords", "password|count", "tn",
	      "SELECT password, SUM(n) FROM credentials WHERE" IN_RANGE
	      " GROUP BY password ORDER BY SUM(n) DESC, password LIMIT 50",
	      3, a);
	table(v, "new-pairs", "New this period (not seen before it)", "user name|password|count",
	      "ttn",
	      /* per pair of the range, one seek in credentials_pair */
	      "SELECT username, password, SUM(n) FROM credentials c WHERE" IN_RANGE
	      " GROUP BY username, password HAVING NOT EXISTS (SELECT 1 FROM"
	      " credentials o WHERE o.username = c.username AND o.password ="
	      " c.password AND o.pfrom < $1 AND ($3 = '' OR o.device = $3))"
	      " ORDER BY SUM(n) DESC, username, password LIMIT 100",
	      3, a);
}

static void view_sources(struct view *v)
{
	struct hval a[] = RANGE_ARGS(v);

	table(v, "sources", "Top addresses", "address|connections", "tn",
	      "SELECT ip, SUM(n) FROM sources WHERE" IN_RANGE
	      " GROUP BY ip ORDER BY SUM(n) DESC, ip LIMIT 200",
	      3, a);
}

static void view_commands(struct view *v)
{
	struct hval a[] = RANGE_ARGS(v);

	table(v, "commands", "Top commands", "command|count", "tn",
	      "SELECT input, SUM(n) FROM commands WHERE" IN_RANGE
	      " GROUP BY input ORDER BY SUM(n) DESC, input LIMIT 200",
	      3, a);
	chart(v, "c-cve", "Exploits over time, by CVE",
	      "SELECT cve FROM exploits WHERE" IN_RANGE
	      " GROUP BY cve ORDER BY SUM(n) DESC, cve LIMIT 8",
	      "SELECT (pfrom - $1) / $4, cve, SUM(n) FROM exploits WHERE" IN_RANGE
	      " GROUP BY 1, cve",
	      "");
	table(v, "exploits", "Exploits", "CVE|count", "tn",
	      "SELECT cve, SUM(n) FROM exploits WHERE" IN_RANGE
	      " GROUP BY cve ORDER BY SUM(n) DESC, cve",
	      3, a);
}

static void view_binaries(struct view *v)
{
	struct hval a[] = RANGE_ARGS(v);

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

static void view_fleet(struct view *v)
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

static void view_search(struct view *v)
{
	char q[HUB_SEARCH_MAX + 1] = "", like[2 * HUB_SEARCH_MAX + 8];
	const char *raw = MHD_lookup_connection_value(v->c, MHD_GET_ARGUMENT_KIND, "q");

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
	{
		struct hval a[] = {HV_I(v->from), HV_I(v->to), HV_S(v->decoy), HV_S(q), HV_S(like)};

		table(v, "s-sources", "Addresses", "address|connections", "tn",
		      "SELECT ip, SUM(n) FROM sources WHERE" IN_RANGE " AND ip = $4"
		      " GROUP BY ip",
		      4, a); /* $5 unused: PostgreSQL wants every parameter typed */
		table(v, "s-binaries", "Binaries", "SHA-256|size|first seen|URL", "hnTt",
		      "SELECT sha256, size, first_seen, url FROM binaries WHERE"
		      " first_seen >= $1 AND first_seen < $2 AND ($3 = '' OR device = $3)"
		      " AND (sha256 = $4 OR url LIKE $5 ESCAPE '\\') LIMIT 100",
		      5, a);
		table(v, "s-credentials", "Credentials", "user name|password|count", "ttn",
		      "SELECT username, password, SUM(n) FROM credentials WHERE" IN_RANGE
		      " AND (username LIKE $5 ESCAPE '\\' OR password LIKE $5 ESCAPE '\\')"
		      " AND $4 <> '' GROUP BY username, password ORDER BY SUM(n) DESC"
		      " LIMIT 100",
		      5, a);
		table(v, "s-commands", "Commands", "command|count", "tn",
		      "SELECT input, SUM(n) FROM commands WHERE" IN_RANGE
		      " AND input LIKE $5 ESCAPE '\\' AND $4 <> '' GROUP BY input"
		      " ORDER BY SUM(n) DESC LIMIT 100",
		      5, a);
	}
}

/* ---- login, logout, download ---- */

static int login_page(struct MHD_Connection *c, unsigned status, const char *msg)
{
	char pre[65], cookie[200];
	struct buf b;
	int ret;

	hexrand(pre, 32);
	snprintf(cookie, sizeof(cookie),
		 PRE_COOKIE "=%s; Path=/login; Secure; HttpOnly; SameSite=Strict", pre);
	buf_init(&b, 8192);
	buf_adds(&b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		     "<title>tanuki-hub: log in</title>"
		     "<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body>"
		     "<form class=\"login\" method=\"post\" action=\"/login\">"
		     "<h1>tanuki-hub</h1>");
	if (msg)
		buf_printf(&b, "<p id=\"msg\">%s</p>", msg);
	buf_printf(&b,
		   "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		   "<label>User<input name=\"user\" id=\"user\" autocomplete=\"username\">"
		   "</label><label>Password<input name=\"password\" id=\"password\""
		   " type=\"password\" autocomplete=\"current-password\"></label>"
		   "<button id=\"login\">Log in</button></form></body></html>",
		   pre);
	ret = send_buf(c, status, "text/html; charset=utf-8", &b, cookie, NULL);
	buf_free(&b);
	return ret;
}

static const char *dummy_hash(void)
{
	static char h[crypto_pwhash_STRBYTES];

	if (!h[0] && crypto_pwhash_str(h, "no such user", 12, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				       crypto_pwhash_MEMLIMIT_INTERACTIVE))
		h[0] = '\0';
	return h;
}

static int do_login(struct hub *h, struct MHD_Connection *c, const char *body, size_t len)
{
	char user[HUB_NAME_MAX + 1], pw[1024], csrf[80], hash[crypto_pwhash_STRBYTES];
	char tok[65], key[SHA256_HEX], scsrf[65], cookie[200];
	const char *pre = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, PRE_COOKIE);
	int64_t now = (int64_t)time(NULL);
	bool ok;
	int r;

	if (!pre || !form_get(body, len, "csrf", csrf, sizeof(csrf)) || !same(pre, csrf))
		return login_page(c, 403, "The form expired; try again.");
	if (!form_get(body, len, "user", user, sizeof(user)) ||
	    !form_get(body, len, "password", pw, sizeof(pw)))
		return login_page(c, 400, "User and password, please.");
	if (!login_allowed(c, now)) {
		explicit_bzero(pw, sizeof(pw));
		fprintf(stderr, "tanuki-hub: login: too many attempts\n");
		return login_page(c, 429, "Too many attempts; wait a few minutes.");
	}
	r = summary_name_ok(user, strlen(user)) ? db_user_hash(h->st, user, hash, sizeof(hash))
						: -ENOENT;
	if (r && r != -ENOENT) {
		explicit_bzero(pw, sizeof(pw));
		return text(c, 500, "store error");
	}
	/* an unknown user costs the same verification as a known one */
	ok = !crypto_pwhash_str_verify(r ? dummy_hash() : hash, pw, strlen(pw)) && !r;
	explicit_bzero(pw, sizeof(pw));
	if (!ok) {
		fprintf(stderr, "tanuki-hub: login: refused\n");
		return login_page(c, 401, "Wrong user or password.");
	}
	hexrand(tok, 32);
	hexrand(scsrf, 32);
	token_key(tok, key);
	if (db_session_add(h->st, key, user, scsrf, now, now + HUB_SESSION_S))
		return text(c, 500, "store error");
	fprintf(stderr, "tanuki-hub: login: user %s\n", user);
	snprintf(cookie, sizeof(cookie),
		 COOKIE "=%s; Path=/; Max-Age=%d; Secure; HttpOnly; SameSite=Strict", tok,
		 HUB_SESSION_S);
	return redirect(c, "/", cookie);
}

static int download(struct hub *h, struct MHD_Connection *c, const char *hex)
{
	char path[1200], disp[128];
	struct MHD_Response *r;
	struct stat st;
	int fd, ret;

	if (!sha_ok(hex))
		return text(c, 404, "no such binary");
	snprintf(path, sizeof(path), "%s/%s", h->conf->files, hex);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return text(c, 404, "no such binary (not uploaded)");
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return text(c, 404, "no such binary");
	}
	r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	common_headers(r);
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.bin\"", hex);
	MHD_add_response_header(r, "Content-Type", "application/octet-stream");
	MHD_add_response_header(r, "Content-Disposition", disp);
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- dispatch ---- */

bool web_path(const char *url)
{
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (!strcmp(url, pages[i].path))
			return true;
	return !strcmp(url, "/login") || !strcmp(url, "/logout") ||
	       !strcmp(url, "/static/style.css") || !strncmp(url, "/download/", 10);
}

int web_handle(struct hub *h, struct MHD_Connection *c, const char *url, const char *method,
	       const char *body, size_t len)
{
	const char *tok = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
	char key[SHA256_HEX], user[HUB_NAME_MAX + 1], csrf[80], fcsrf[80];
	bool post = !strcmp(method, "POST");
	struct view v;
	struct buf b;
	size_t i;
	int ret;

	if (!strcmp(url, "/static/style.css")) {
		buf_init(&b, sizeof(style_css));
		buf_adds(&b, style_css);
		ret = send_buf(c, 200, "text/css", &b, NULL, NULL);
		buf_free(&b);
		return ret;
	}
	if (!strcmp(url, "/login"))
		return post ? do_login(h, c, body, len) : login_page(c, 200, NULL);
	if (!tok || strlen(tok) != 64)
		return redirect(c, "/login", NULL);
	token_key(tok, key);
	if (db_session_get(h->st, key, (int64_t)time(NULL), user, sizeof(user), csrf, sizeof(csrf)))
		return redirect(c, "/login", NULL);
	if (post) {
		/* every form the dashboard posts carries the session's token */
		if (!form_get(body, len, "csrf", fcsrf, sizeof(fcsrf)) || !same(csrf, fcsrf)) {
			fprintf(stderr, "tanuki-hub: %s: refused 403: bad csrf token\n", url);
			return text(c, 403, "bad or missing CSRF token");
		}
		if (!strcmp(url, "/logout")) {
			db_session_del(h->st, key);
			return redirect(c, "/login",
					COOKIE "=; Path=/; Max-Age=0; Secure; HttpOnly;"
					       " SameSite=Strict");
		}
		return text(c, 405, "GET only");
	}
	if (!strcmp(url, "/logout"))
		return text(c, 405, "POST only");
	if (!strncmp(url, "/download/", 10))
		return download(h, c, url + 10);

	memset(&v, 0, sizeof(v));
	v.h = h;
	v.c = c;
	v.page = url;
	snprintf(v.csrf, sizeof(v.csrf), "%s", csrf);
	{
		const char *r = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "range");
		const char *d = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "decoy");

		v.range = ranges[1].name;
		for (i = 0; r && i < sizeof(ranges) / sizeof(ranges[0]); i++)
			if (!strcmp(r, ranges[i].name))
				v.range = ranges[i].name;
		if (d && summary_name_ok(d, strlen(d)))
			snprintf(v.decoy, sizeof(v.decoy), "%s", d);
	}
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (!strcmp(v.range, ranges[i].name)) {
			v.now = (int64_t)time(NULL);
			v.step = ranges[i].step;
			v.nb = (int)(ranges[i].span / ranges[i].step);
			/* whole buckets ending with the current one */
			v.to = (v.now / v.step + 1) * v.step;
			v.from = v.to - (int64_t)v.nb * v.step;
		}
	buf_init(&b, HUB_API_OUT_MAX);
	v.b = &b;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (!strcmp(url, pages[i].path))
			page_head(&v, pages[i].title);
	if (!strcmp(url, "/"))
		view_overview(&v);
	else if (!strcmp(url, "/credentials"))
		view_credentials(&v);
	else if (!strcmp(url, "/sources"))
		view_sources(&v);
	else if (!strcmp(url, "/commands"))
		view_commands(&v);
	else if (!strcmp(url, "/binaries"))
		view_binaries(&v);
	else if (!strcmp(url, "/fleet"))
		view_fleet(&v);
	else
		view_search(&v);
	page_end(&v);
	ret = send_buf(c, 200, "text/html; charset=utf-8", &b, NULL, NULL);
	buf_free(&b);
	return ret;
}
