/* upcfg.c — `config uplink` (see upcfg.h). */
#include "uplink/upcfg.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/base64.h>

#include "cfgparse.h"
#include "fetch/dns.h"
#include "uci.h"
#include "url.h"

static bool device_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > UPLINK_DEVICE_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* https://host[:port][/path], host a name, an IPv4 address or [IPv6]; no
 * userinfo, query or fragment in the authority. Host and port are read by
 * the common url_parse(); the path is kept exactly as written. */
static bool parse_url(struct uplink_cfg *c, const char *u)
{
	const char *auth = u + 8, *p;
	struct url pu;
	size_t hn;

	if (strncmp(u, "https://", 8) || strlen(u) >= sizeof c->url)
		return false;
	p = auth + strcspn(auth, "/");
	if (memchr(auth, '@', (size_t)(p - auth)) || memchr(auth, '?', (size_t)(p - auth)) ||
	    memchr(auth, '#', (size_t)(p - auth)))
		return false;
	if (url_parse(u, &pu) || pu.scheme != URL_HTTPS)
		return false;
	hn = strlen(pu.host);
	if (pu.host[0] == '[') { /* url_parse keeps the brackets */
		memmove(pu.host, pu.host + 1, hn - 2);
		hn -= 2;
		pu.host[hn] = '\0';
	}
	if (!hn || hn >= sizeof c->host)
		return false;
	memcpy(c->host, pu.host, hn + 1);
	c->port = pu.port;
	snprintf(c->path, sizeof c->path, "%s", *p ? p : "/v1/ingest");
	if (strlen(p) >= sizeof c->path || strpbrk(c->path, " \r\n\t"))
		return false;
	snprintf(c->url, sizeof c->url, "%s", u);
	return true;
}

int uplink_config(struct uplink_cfg *c, struct uci_sec *s, const char *file, char *err,
		  size_t errlen)
{
	struct uci_opt *o;
	unsigned enabled = 1, events = 0, bins = 0, kb = 256, tmo = 30, ival = 300, ival_ms = 0;
	size_t n, i;

	memset(c, 0, sizeof(*c));
	if (cfg_uint(&enabled, s, "enabled", 0, 1, 1, file, err, errlen) ||
	    cfg_uint(&events, s, "events", 0, 1, 1, file, err, errlen) ||
	    cfg_uint(&bins, s, "binaries", 0, 1, 1, file, err, errlen) ||
	    cfg_uint(&kb, s, "max_kb", 64, 4096, 1, file, err, errlen) ||
	    cfg_uint(&tmo, s, "timeout_s", 1, 600, 1, file, err, errlen) ||
	    cfg_uint(&ival, s, "interval_s", 1, 86400, 1, file, err, errlen) ||
	    /* for tests: sub-second periods */
	    cfg_uint(&ival_ms, s, "interval_ms", 50, 86400000, 1, file, err, errlen))
		return -1;
	c->enabled = enabled != 0;
	c->events = events != 0;
	c->binaries = bins != 0;
	c->max_body = kb * 1024u;
	c->timeout_ms = tmo * 1000u;
	c->interval_ms = ival_ms ? ival_ms : ival * 1000u;
	o = uci_get(s, "url");
	if (!o || !parse_url(c, o->val))
		return cfg_bad(err, errlen, file, o ? o->line : s->line,
			       "option url must be https://HOST[:PORT][/PATH]", NULL);
	o = uci_get(s, "pin");
	if (!o || strncmp(o->val, "sha256/", 7) ||
	    mbedtls_base64_decode(c->pin, sizeof c->pin, &n, (const unsigned char *)o->val + 7,
				  strlen(o->val + 7)) ||
	    n != sizeof c->pin)
		return cfg_bad(err, errlen, file, o ? o->line : s->line,
			       "option pin must be sha256/<base64 of 32 bytes> (tanuki-hub pin)",
			       NULL);
	o = uci_get(s, "device");
	if (!o || !device_ok(o->val))
		return cfg_bad(err, errlen, file, o ? o->line : s->line,
			       "option device must be [A-Za-z0-9._-]{1,64}", NULL);
	snprintf(c->device, sizeof c->device, "%s", o->val);
	o = uci_get(s, "secret");
	if (!o || strlen(o->val) != UPLINK_SECRET_LEN)
		goto bad_secret;
	for (i = 0; i < UPLINK_SECRET_LEN; i++)
		if (!strchr("0123456789abcdef", o->val[i]))
			goto bad_secret;
	memcpy(c->secret, o->val, UPLINK_SECRET_LEN + 1);
	if ((o = uci_get(s, "dns")) && dns_server_parse(o->val, &c->dns, &c->dnslen))
		return cfg_bad(err, errlen, file, o->line, "option dns must be an address[:port]",
			       o->val);
	if ((o = uci_get(s, "via"))) {
		if (strcmp(o->val, "wan") && strcmp(o->val, "lan"))
			return cfg_bad(err, errlen, file, o->line, "option via must be wan or lan",
				       o->val);
		c->via_lan = !strcmp(o->val, "lan");
	}
	return 0;
bad_secret:
	return cfg_bad(
	    err, errlen, file, o ? o->line : s->line,
	    "option secret must be the 64 lowercase hex digits tanuki-hub enroll printed", NULL);
}
