/* persona.c — load a persona folder into a read-only struct persona (the
 * format is documented in docs/personas.md): the loader's order, the
 * helpers its parts share (escapes, %{name} templates), persona_free()
 * and the lookups. The UCI file is read in persona_cfg.c, the file image
 * and the synthesized /bin/busybox made in persona_image.c. */
#include "persona/persona.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "hash.h"
#include "strparse.h"
#include "persona/persona_int.h"
#include "uci.h"

/* ---------- small helpers ---------- */

int persona_fail(struct loader *L, const char *file, int line, const char *msg)
{
	snprintf(L->err, L->errlen, "%s:%d: %s", file, line, msg);
	return -EINVAL;
}

/* C escapes: \r \n \t \e \0 \\ \' \" \xHH. Unknown escapes stay literal. */
int persona_unescape(const char *s, struct buf *out)
{
	int h, l;

	for (; *s; s++) {
		char c = *s;

		if (c == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 'r':
				c = '\r';
				break;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'e':
				c = 27;
				break;
			case '0':
				c = 0;
				break;
			case '\\':
				c = '\\';
				break;
			case '\'':
				c = '\'';
				break;
			case '"':
				c = '"';
				break;
			case 'x':
				h = sp_hexval((unsigned char)s[1]);
				l = h >= 0 ? sp_hexval((unsigned char)s[2]) : -1;
				if (h < 0 || l < 0) {
					if (buf_addc(out, '\\'))
						return -1;
					c = 'x';
					break;
				}
				c = (char)(h * 16 + l);
				s += 2;
				break;
			default:
				if (buf_addc(out, '\\'))
					return -1;
				c = *s;
			}
		}
		if (buf_addc(out, c))
			return -1;
	}
	return 0;
}

static void fmt_date(time_t t, char *out, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%a %b %e %H:%M:%S UTC %Y", &tm);
}

/* Expands %{name} templates with this unit's values. Unknown names stay. */
int persona_expand(const struct persona *p, const char *s, size_t n, struct buf *out)
{
	const char *end = s + n;
	char tmp[64];

	while (s < end) {
		const char *close;
		size_t klen;
		const char *val = NULL;

		if (*s != '%' || s + 1 >= end || s[1] != '{' ||
		    !(close = memchr(s, '}', (size_t)(end - s)))) {
			if (buf_addc(out, *s++))
				return -1;
			continue;
		}
		klen = (size_t)(close - s - 2);
#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(s + 2, k, klen))
		if (KEY("hostname")) {
			val = p->hostname ? p->hostname : "";
		} else if (KEY("mac") || KEY("MAC")) {
			snprintf(tmp, sizeof tmp,
				 s[2] == 'm' ? "%02x:%02x:%02x:%02x:%02x:%02x"
					     : "%02X:%02X:%02X:%02X:%02X:%02X",
				 p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
			val = tmp;
		} else if (KEY("macraw")) {
			hash_hex(p->mac, 6, tmp);
			val = tmp;
		} else if (KEY("serial")) {
			val = p->serial;
		} else if (KEY("suffix")) {
			val = p->suffix;
		} else if (KEY("boot_date")) {
			fmt_date(p->boot_time, tmp, sizeof tmp);
			val = tmp;
		}
#undef KEY
		if (!val) {
			if (buf_addc(out, *s++))
				return -1;
			continue;
		}
		if (buf_adds(out, val))
			return -1;
		s = close + 1;
	}
	return 0;
}

struct persona *persona_load(const char *dir, const char *name, const struct persona_unit *unit,
			     char *err, size_t errlen)
{
	struct loader L = {.unit = unit, .err = err, .errlen = errlen};
	struct uci_file *uf = NULL;
	struct uci_sec *s;
	char path[512];
	const char *c;
	int rc = 0;

	for (c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      *c == '_')) {
			snprintf(err, errlen, "%s/%s:0: persona names are [a-z0-9_-]", dir, name);
			return NULL;
		}
	L.p = calloc(1, sizeof(*L.p));
	if (!L.p || !(L.p->name = strdup(name)))
		goto oom;
	snprintf(path, sizeof path, "%s/%s/persona", dir, name);
	uf = uci_load(path, err, errlen);
	if (!uf)
		goto bad;
	for (s = uf->secs; s && strcmp(s->type, "persona"); s = s->next)
		;
	if (!s) {
		rc = persona_fail(&L, path, 1, "no `config persona` section");
		goto bad;
	}
	if ((rc = persona_load_sec(&L, s, path)) || (rc = persona_load_cli(&L, uf, path)))
		goto bad;
	snprintf(path, sizeof path, "%s/%s/fs", dir, name);
	if ((rc = persona_scan_dir(&L, path, "", 0)))
		goto bad;
	if ((rc = persona_add_links(&L)) || (rc = persona_make_elf(&L)))
		goto bad;
	snprintf(path, sizeof path, "%s/%s/http", dir, name);
	if ((rc = persona_load_http(&L, path)))
		goto bad;
	uci_free(uf);
	return L.p;
oom:
	snprintf(err, errlen, "%s/%s:0: out of memory", dir, name);
bad:
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s/%s:0: out of memory", dir, name);
	uci_free(uf);
	persona_free(L.p);
	return NULL;
}

void persona_free(struct persona *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->ncreds; i++) {
		free(p->creds[i].user);
		free(p->creds[i].pass);
	}
	free(p->creds);
	for (i = 0; i < p->nclicmds; i++) {
		free(p->clicmds[i].name);
		free(p->clicmds[i].output.p);
	}
	free(p->clicmds);
	for (i = 0; i < p->napplets; i++)
		free(p->applets[i]);
	free(p->applets);
	for (i = 0; i < p->nprocs; i++)
		free(p->procs[i]);
	free(p->procs);
	for (i = 0; i < p->nfiles; i++) {
		free(p->files[i].path);
		free(p->files[i].data.p);
		free(p->files[i].target);
	}
	free(p->files);
	for (i = 0; i < p->nhttp; i++) {
		free(p->http[i].path);
		free(p->http[i].data.p);
		free(p->http[i].target);
	}
	free(p->http);
	for (i = 0; p->doors && i < p->ndoors; i++)
		free(p->doors[i]);
	free(p->doors);
	for (i = 0; i < p->ndoorcfg; i++) {
		size_t k;

		free(p->doorcfg[i].kind);
		free(p->doorcfg[i].server.p);
		free(p->doorcfg[i].challenge.p);
		for (k = 0; p->doorcfg[i].control && k < p->doorcfg[i].ncontrol; k++)
			free(p->doorcfg[i].control[k]);
		free(p->doorcfg[i].control);
	}
	free(p->doorcfg);
	free(p->telnet_open.p);
	free(p->banner.p);
	free(p->login_prompt.p);
	free(p->password_prompt.p);
	free(p->login_fail.p);
	free(p->after_password.p);
	free(p->motd.p);
	free(p->cli_prompt.p);
	free(p->cli_unknown.p);
	free(p->hostname);
	free(p->prompt_root.p);
	free(p->prompt_user.p);
	free(p->shell_banner.p);
	free(p->su_password);
	free(p->busybox_version);
	free(p->uname_s);
	free(p->uname_r);
	free(p->uname_v);
	free(p->uname_m);
	free(p->ps_header);
	free(p->busybox);
	free(p->name);
	free(p);
}

bool persona_has_applet(const struct persona *p, const char *name)
{
	size_t lo = 0, hi = p->napplets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, p->applets[mid]);

		if (!c)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

bool persona_has_door(const struct persona *p, const char *door)
{
	size_t i;

	for (i = 0; i < p->ndoors; i++)
		if (!strcmp(p->doors[i], door))
			return true;
	return false;
}

const struct persona_door *persona_door(const struct persona *p, const char *kind)
{
	size_t i;

	for (i = 0; i < p->ndoorcfg; i++)
		if (!strcmp(p->doorcfg[i].kind, kind))
			return &p->doorcfg[i];
	return NULL;
}

const struct persona_cred *persona_auth(const struct persona *p, const char *user, const char *pass)
{
	size_t i;

	for (i = 0; i < p->ncreds; i++)
		if (!strcmp(p->creds[i].user, user) && !strcmp(p->creds[i].pass, pass))
			return &p->creds[i];
	return NULL;
}
