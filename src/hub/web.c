/* web.c — the dashboard (see web.h): responses and their headers, the
 * login (rate limit, CSRF double submit), sessions, downloads, the page
 * frame and the dispatch. The tables, charts and views are in
 * web_views.c. */
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
#include "web_int.h"

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

bool web_sha_ok(const char *s)
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

	if (!web_sha_ok(hex))
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
		web_view_overview(&v);
	else if (!strcmp(url, "/credentials"))
		web_view_credentials(&v);
	else if (!strcmp(url, "/sources"))
		web_view_sources(&v);
	else if (!strcmp(url, "/commands"))
		web_view_commands(&v);
	else if (!strcmp(url, "/binaries"))
		web_view_binaries(&v);
	else if (!strcmp(url, "/fleet"))
		web_view_fleet(&v);
	else
		web_view_search(&v);
	page_end(&v);
	ret = send_buf(c, 200, "text/html; charset=utf-8", &b, NULL, NULL);
	buf_free(&b);
	return ret;
}
