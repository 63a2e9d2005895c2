/* miniigd.c — the Realtek SDK miniigd UPnP door on TCP 52869
 * (CVE-2014-8361), modelled on the SDK's miniupnpd 1.0 derivative.
 *
 * One request per connection, answered byte for byte as the SDK does, then
 * the connection closes:
 *   - 200/400/500 carry "<ver> <code> <msg>", Content-Type text/xml with
 *     charset, Connection: close, Content-Length, Server, "Ext:" — where
 *     <ver> echoes the rest of the request line (up to 15 bytes, so an
 *     HTTP/0.9-style request gets " 200 OK");
 *   - 404 and 501 are fixed strings without Server (Send404/Send501);
 *   - POST with SOAPAction runs the action named after '#' (prefix match,
 *     as the SDK's table walk does), whatever the path; without SOAPAction
 *     it is 400 "Bad request"; an unknown action is a UPnP 401 fault;
 *   - any other method, or an empty request line, is 501.
 * AddPortMapping's arguments reach system() on the device: every $( … ) and
 * ` … ` segment of the body is run through the emulated shell.
 *
 * Data from the persona (config door 'miniigd', http/miniigd/): the Server
 * header, the description files, soap/<Action>.xml bodies and
 * soap/_fault.xml.
 */
#include <string.h>

#include "buf.h"
#include "persona/persona.h"
#include "proto/door.h"
#include "proto/proto.h"

#define MI_KIND "miniigd"

/* miniupnpd copies at most this much of the method, URL and version */
#define MI_METHOD 15
#define MI_URL 127
#define MI_VER 15

static const char mi_404[] = "HTTP/1.1 404 Not found\r\n"
			     "Connection: close\r\n"
			     "Content-type: text/html\r\n"
			     "\r\n"
			     "<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>"
			     "<BODY><H1>Not Found</H1>The requested URL was not found"
			     " on this server.</BODY></HTML>\r\n";

static const char mi_501[] = "HTTP/1.1 501 Not Implemented\r\n"
			     "Connection: close\r\n"
			     "Content-type: text/html\r\n"
			     "\r\n"
			     "<HTML><HEAD><TITLE>501 Not Implemented</TITLE></HEAD>"
			     "<BODY><H1>Not Implemented</H1>The HTTP Method "
			     "is not implemented by this server.</BODY></HTML>\r\n";

static const char mi_400[] = "<html><body>Bad request</body></html>";

static void fixed(struct door *d, const char *p, size_t n)
{
	door_write(d, p, n);
	door_done(d);
}

static void reply(struct door *d, const struct http_req *q, int code, const char *msg,
		  const void *body, size_t n)
{
	const struct persona_door *pd = persona_door(d->persona, MI_KIND);
	size_t vn = q->version.n < MI_VER ? q->version.n : MI_VER;
	struct buf b;

	buf_init(&b, 2048);
	buf_add(&b, q->version.p, vn);
	buf_printf(&b,
		   " %d %s\r\n"
		   "Content-Type: text/xml; charset=\"utf-8\"\r\n"
		   "Connection: close\r\n"
		   "Content-Length: %zu\r\n"
		   "Server: %s\r\n"
		   "Ext:\r\n"
		   "\r\n",
		   code, msg, n, pd && pd->server.n ? pd->server.p : "miniupnpd/1.0 UPnP/1.0");
	door_write(d, b.p, b.len);
	door_write(d, body, n);
	buf_free(&b);
	door_done(d);
}

static bool meq(const struct http_str *s, const char *lit)
{
	size_t n = s->n < MI_METHOD ? s->n : MI_METHOD;

	return n == strlen(lit) && !memcmp(s->p, lit, n);
}

/* The soap/<Name>.xml whose Name is a prefix of the action. */
static const struct persona_file *find_action(const struct persona *p, const char *action)
{
	static const char pre[] = "/" MI_KIND "/soap/";
	size_t i;

	for (i = 0; i < p->nhttp; i++) {
		const char *path = p->http[i].path, *name;
		size_t nl;

		if (strncmp(path, pre, sizeof pre - 1))
			continue;
		name = path + sizeof pre - 1;
		nl = strlen(name);
		if (nl <= 4 || name[0] == '_' || strcmp(name + nl - 4, ".xml"))
			continue;
		if (!strncmp(action, name, nl - 4))
			return &p->http[i];
	}
	return NULL;
}

static void mi_post(struct door *d, const struct http_req *q)
{
	const struct http_str *sa = http_header(q, "soapaction");
	const struct persona_file *f;
	char action[128] = "";

	if (!sa) {
		door_inject(d, q, NULL, false);
		reply(d, q, 400, "Bad Request", mi_400, sizeof mi_400 - 1);
		return;
	}
	door_soap_action(q, action, sizeof action);
	if (!memchr(sa->p, '#', sa->n))
		action[0] = '\0'; /* the SDK only looks after '#' */
	door_inject(d, q, action, true);
	f = action[0] ? find_action(d->persona, action) : NULL;
	if (f) {
		reply(d, q, 200, "OK", f->data.p, f->data.n);
		return;
	}
	f = persona_http(d->persona, MI_KIND, "/soap/_fault.xml", 16);
	reply(d, q, 500, "Internal Server Error", f ? f->data.p : "", f ? f->data.n : 0);
}

static void mi_request(struct door *d, const struct http_req *q)
{
	if (meq(&q->method, "POST")) {
		mi_post(d, q);
	} else if (meq(&q->method, "GET")) {
		size_t n = q->path.n < MI_URL ? q->path.n : MI_URL;
		const struct persona_file *f = NULL;

		if (!(n > 5 && !memcmp(q->path.p, "/soap/", 6)))
			f = persona_http(d->persona, MI_KIND, q->path.p, n);
		if (f)
			reply(d, q, 200, "OK", f->data.p, f->data.n);
		else
			fixed(d, mi_404, sizeof mi_404 - 1);
	} else {
		fixed(d, mi_501, sizeof mi_501 - 1);
	}
}

static const struct door_ops mi_ops = {
    .kind = MI_KIND,
    .cve = "CVE-2014-8361",
    .http_flags = HTTP_F_EMPTY_REQ,
    .request = mi_request,
};

static int mi_start(struct session *s, const struct eng_start *a, void **st)
{
	return door_start(s, a, st, &mi_ops);
}

const struct engine miniigd_engine = {
    .name = MI_KIND,
    .start = mi_start,
    .feed = door_feed,
    .end = door_end,
    .eof = door_eof,
    .timer = door_timer,
};
