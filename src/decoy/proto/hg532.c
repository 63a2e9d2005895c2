/* hg532.c — the Huawei HG532 UPnP door on TCP 37215 (CVE-2017-17215).
 *
 * What the device's "mic" server does, as far as it is known (ATTACKS.md §3):
 * a request without Authorization gets a 401 Digest challenge (the exact
 * bytes nmap -sV names "Huawei TR-069 remote access"); with one, a SOAP POST
 * to a control URL runs NewStatusURL / NewDownloadURL through the shell
 * (upg -g -U … -r …), which is what the bots inject into. Keep-alive: several
 * requests may share a connection.
 *
 * Data from the persona (config door 'hg532', http/hg532/): the challenge
 * (with %{nonce}), the Server header if any, the control URLs, description
 * files served by GET, and soap/<Action>.xml answers.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "persona/persona.h"
#include "proto/door.h"
#include "proto/proto.h"

#define HG_KIND "hg532"

static const struct persona_door *door_cfg(const struct door *d)
{
	return persona_door(d->persona, HG_KIND);
}

/* 32 lower-case hex digits, different for every unit, session and request. */
static void make_nonce(const struct door *d, char out[33])
{
	uint8_t in[32 + 12 + 4 + 9], h[SHA256_LEN];

	memcpy(in, d->seed, 32);
	memcpy(in + 32, d->id, 12);
	in[44] = (uint8_t)(d->seq >> 24);
	in[45] = (uint8_t)(d->seq >> 16);
	in[46] = (uint8_t)(d->seq >> 8);
	in[47] = (uint8_t)d->seq;
	memcpy(in + 48, "hg-nonce", 9);
	hash_sha256(in, sizeof in, h);
	hash_hex(h, 16, out);
}

static void put_header(struct buf *b, const struct persona_door *pd)
{
	if (pd && pd->server.n)
		buf_printf(b, "Server: %s\r\n", pd->server.p);
}

static void reply(struct door *d, const char *status, const char *ctype, const void *body, size_t n,
		  bool head_only)
{
	struct buf b;

	buf_init(&b, 2048);
	buf_printf(&b, "HTTP/1.1 %s\r\nConnection: Keep-Alive\r\n", status);
	if (ctype)
		buf_printf(&b, "Content-Type: %s\r\n", ctype);
	put_header(&b, door_cfg(d));
	buf_printf(&b, "Content-Length: %zu\r\n\r\n", n);
	door_write(d, b.p, b.len);
	if (!head_only)
		door_write(d, body, n);
	buf_free(&b);
}

static void challenge(struct door *d)
{
	const struct persona_door *pd = door_cfg(d);
	const char *tpl = pd && pd->challenge.n
			      ? pd->challenge.p
			      : "Digest realm=\"HuaweiHomeGateway\",nonce=\"%{nonce}\", "
				"qop=\"auth\", algorithm=\"MD5\"";
	const char *mark;
	char nonce[33];
	struct buf b;

	make_nonce(d, nonce);
	buf_init(&b, 2048);
	buf_adds(&b, "HTTP/1.1 401 Unauthorized\r\nConnection: Keep-Alive\r\nWWW-Authenticate: ");
	while ((mark = strstr(tpl, "%{nonce}"))) {
		buf_add(&b, tpl, (size_t)(mark - tpl));
		buf_adds(&b, nonce);
		tpl = mark + 8;
	}
	buf_adds(&b, tpl);
	buf_adds(&b, "\r\n");
	put_header(&b, pd);
	buf_adds(&b, "Content-Length: 0\r\n\r\n");
	door_write(d, b.p, b.len);
	buf_free(&b);
}

static bool is_control(const struct door *d, const struct http_str *path)
{
	const struct persona_door *pd = door_cfg(d);
	size_t i;

	for (i = 0; pd && i < pd->ncontrol; i++)
		if (strlen(pd->control[i]) == path->n && !memcmp(pd->control[i], path->p, path->n))
			return true;
	return false;
}

static bool meq(const struct http_str *s, const char *lit)
{
	return s->n == strlen(lit) && !memcmp(s->p, lit, s->n);
}

/* GET of a description file: served without Authorization. */
static const struct persona_file *described(const struct door *d, const struct http_req *q)
{
	if (q->path.n > 5 && !memcmp(q->path.p, "/soap/", 6))
		return NULL;
	return persona_http(d->persona, HG_KIND, q->path.p, q->path.n);
}

static void soap_answer(struct door *d, const char *action)
{
	const struct persona_file *f = NULL;
	char path[96];

	if (action[0] && (size_t)snprintf(path, sizeof path, "/soap/%s.xml", action) < sizeof path)
		f = persona_http(d->persona, HG_KIND, path, strlen(path));
	if (f) {
		reply(d, "200 OK", "text/xml; charset=\"utf-8\"", f->data.p, f->data.n, false);
		return;
	}
	f = persona_http(d->persona, HG_KIND, "/soap/_fault.xml", 16);
	reply(d, "500 Internal Server Error", "text/xml; charset=\"utf-8\"", f ? f->data.p : "",
	      f ? f->data.n : 0, false);
}

static void hg_request(struct door *d, const struct http_req *q)
{
	bool get = meq(&q->method, "GET"), head = meq(&q->method, "HEAD");
	bool authed = http_header(q, "authorization") != NULL;
	const struct persona_file *f;
	char action[64] = "";

	if ((get || head) && (f = described(d, q))) {
		reply(d, "200 OK", "text/xml; charset=\"utf-8\"", f->data.p, f->data.n, head);
		return;
	}
	if (meq(&q->method, "POST") && is_control(d, &q->path)) {
		door_soap_action(q, action, sizeof action);
		/* without credentials the device answers the challenge and runs
		 * nothing; the attempt is still worth an event */
		door_inject(d, q, action, authed);
		if (!authed) {
			challenge(d);
			return;
		}
		soap_answer(d, action);
		return;
	}
	if (!authed) {
		challenge(d);
		return;
	}
	reply(d, "404 Not Found", NULL, "", 0, false);
}

static const struct door_ops hg_ops = {
    .kind = HG_KIND,
    .cve = "CVE-2017-17215",
    .http_flags = 0,
    .request = hg_request,
};

static int hg_start(struct session *s, const struct eng_start *a, void **st)
{
	return door_start(s, a, st, &hg_ops);
}

const struct engine hg532_engine = {
    .name = HG_KIND,
    .start = hg_start,
    .feed = door_feed,
    .end = door_end,
    .eof = door_eof,
    .timer = door_timer,
};
