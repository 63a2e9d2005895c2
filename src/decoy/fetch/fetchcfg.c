/* fetchcfg.c — `config fetch` (see fetchcfg.h). */
#include "fetch/fetchcfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "fetch/dns.h"
#include "uci.h"

static int bad(char *err, size_t errlen, const char *file, int line, const char *what,
	       const char *val)
{
	snprintf(err, errlen, "%s:%d: %s%s%s", file, line, what, val ? ": " : "", val ? val : "");
	return -1;
}

static int get_uint(struct uci_sec *s, const char *key, unsigned long min, unsigned long max,
		    unsigned long *out, const char *file, char *err, size_t errlen)
{
	struct uci_opt *o = uci_get(s, key);
	unsigned long v = 0;
	const char *p;

	if (!o)
		return 0;
	for (p = o->val; *p; p++) {
		if (*p < '0' || *p > '9' || p - o->val > 9)
			goto fail;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (p == o->val || v < min || v > max)
		goto fail;
	*out = v;
	return 0;
fail : {
	char msg[96];

	snprintf(msg, sizeof msg, "%s must be a number from %lu to %lu", key, min, max);
	return bad(err, errlen, file, o->line, msg, NULL);
}
}

/* The first `nameserver` of /etc/resolv.conf, else 127.0.0.1 (a local
 * dnsmasq, as on OpenWrt). */
static void default_dns(struct fetch_cfg *c)
{
	FILE *fp = fopen("/etc/resolv.conf", "r");
	char line[256];

	if (fp) {
		while (fgets(line, sizeof line, fp)) {
			char *p = line, *e;

			while (*p == ' ' || *p == '\t')
				p++;
			if (strncmp(p, "nameserver", 10) || (p[10] != ' ' && p[10] != '\t'))
				continue;
			p += 11;
			while (*p == ' ' || *p == '\t')
				p++;
			e = p + strcspn(p, " \t\r\n#");
			*e = '\0';
			if (!dns_server_parse(p, &c->dns, &c->dnslen)) {
				fclose(fp);
				return;
			}
		}
		fclose(fp);
	}
	dns_server_parse("127.0.0.1", &c->dns, &c->dnslen);
}

int fetch_config(struct fetch_cfg *c, struct uci_sec *s, const char *file, char *err, size_t errlen)
{
	unsigned long enabled = 1, pub = 1, kb = CAP_FETCH_BYTES / 1024, secs = CAP_FETCH_MS / 1000,
		      dport = 80;
	struct uci_opt *o;
	const char *dns;

	memset(c, 0, sizeof(*c));
	if (get_uint(s, "enabled", 0, 1, &enabled, file, err, errlen) ||
	    get_uint(s, "public", 0, 1, &pub, file, err, errlen) ||
	    get_uint(s, "max_kb", 1, CAP_FETCH_BYTES / 1024, &kb, file, err, errlen) ||
	    get_uint(s, "timeout_s", 1, 600, &secs, file, err, errlen) ||
	    get_uint(s, "dlr_port", 1, 65535, &dport, file, err, errlen))
		return -1;
	c->enabled = enabled != 0;
	c->pol.public_ok = pub != 0;
	c->max_bytes = (unsigned)kb * 1024u;
	c->timeout_ms = (unsigned)secs * 1000u;
	c->dlr_port = (uint16_t)dport;
	for (o = s->opts; o; o = o->next) {
		int rc;

		if (strcmp(o->key, "allow"))
			continue;
		o->used = true;
		rc = policy_allow_add(&c->pol, o->val);
		if (rc == -ENOSPC)
			return bad(err, errlen, file, o->line, "too many allow ranges", NULL);
		if (rc)
			return bad(err, errlen, file, o->line,
				   "allow must be an address or ADDRESS/PREFIX", o->val);
	}
	dns = uci_str(s, "dns", NULL);
	if (dns) {
		if (dns_server_parse(dns, &c->dns, &c->dnslen))
			return bad(err, errlen, file, uci_get(s, "dns")->line,
				   "dns must be ADDRESS or ADDRESS:PORT ([v6]:PORT)", dns);
		c->dns_given = true;
	} else {
		default_dns(c);
	}
	return 0;
}
