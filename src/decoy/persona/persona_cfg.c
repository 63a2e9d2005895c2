/* persona_cfg.c — the persona's UCI file (docs/personas.md §1): the
 * `config persona` section (its scalar options as a table), the unit's
 * derived values (MAC, serial, boot time), credentials, processes, doors,
 * and the CLI sections. Part of the persona loader (persona_int.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "persona/persona.h"
#include "persona/persona_int.h"
#include "buf.h"
#include "hash.h"
#include "strparse.h"
#include "uci.h"

/* Option string → escapes decoded → templates expanded. */
static int get_pstr(struct loader *L, struct uci_sec *sec, const char *key, const char *def,
		    struct pstr *dst, const char *file)
{
	struct uci_opt *o = uci_get(sec, key);
	const char *v = o ? o->val : def;
	struct buf raw, ex;
	int rc = 0;

	buf_init(&raw, PERSONA_MAX_BYTES);
	buf_init(&ex, PERSONA_MAX_BYTES);
	if (!v)
		v = "";
	if (persona_unescape(v, &raw) || buf_add(&raw, "", 0) ||
	    persona_expand(L->p, raw.p, raw.len, &ex) || buf_add(&ex, "", 0)) {
		rc = persona_fail(L, file, o ? o->line : sec->line, "string too long");
		goto out;
	}
	free(dst->p);
	dst->p = buf_take(&ex, &dst->n);
	if (!dst->p) {
		dst->p = strdup("");
		dst->n = 0;
		if (!dst->p)
			rc = -ENOMEM;
	}
out:
	buf_free(&raw);
	buf_free(&ex);
	return rc;
}

static int get_str(struct loader *L, struct uci_sec *sec, const char *key, const char *def,
		   char **dst, const char *file)
{
	struct pstr ps = {0};
	int rc = get_pstr(L, sec, key, def, &ps, file);

	if (rc)
		return rc;
	if (strlen(ps.p) != ps.n) {
		free(ps.p);
		return persona_fail(L, file, sec->line, "NUL byte in a text option");
	}
	free(*dst);
	*dst = ps.p;
	return 0;
}

static int get_uint(struct loader *L, struct uci_sec *sec, const char *key, unsigned long def,
		    unsigned long max, unsigned long *dst, const char *file)
{
	struct uci_opt *o = uci_get(sec, key);
	char *end;
	unsigned long v;

	if (!o) {
		*dst = def;
		return 0;
	}
	errno = 0;
	v = strtoul(o->val, &end, 0);
	if (errno || end == o->val || *end || v > max || o->val[0] == '-')
		return persona_fail(L, file, o->line, "expected a number in range");
	*dst = v;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---------- per-unit values ---------- */

static void unit_bytes(const struct persona_unit *u, const char *label, uint8_t out[SHA256_LEN])
{
	uint8_t in[32 + 64];
	size_t n = strlen(label);

	if (n > 64)
		n = 64;
	memcpy(in, u->seed, 32);
	memcpy(in + 32, label, n);
	hash_sha256(in, 32 + n, out);
}

static int parse_oui(const char *s, uint8_t mac[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		if (!sp_hexbytes(s, &mac[i], 1))
			return -1;
		s += 2;
		if (i < 2 && *s++ != ':')
			return -1;
	}
	return *s ? -1 : 0;
}

static int derive_unit(struct loader *L, struct uci_sec *sec, const char *file)
{
	struct persona *p = L->p;
	uint8_t h[SHA256_LEN];
	const char *oui = uci_str(sec, "mac_oui", "00:e0:4c");
	const char *prefix = uci_str(sec, "serial_prefix", "");
	uint32_t v;
	int i, n;

	if (parse_oui(oui, p->mac))
		return persona_fail(L, file, sec->line, "mac_oui must look like 00:e0:4c");
	unit_bytes(L->unit, "mac", h);
	memcpy(p->mac + 3, h, 3);
	hash_hex(h + 3, 3, p->suffix);
	unit_bytes(L->unit, "serial", h);
	n = snprintf(p->serial, sizeof p->serial, "%.8s", prefix);
	for (i = 0; i < 10 && n < (int)sizeof p->serial - 1; i++)
		p->serial[n++] = (char)('0' + h[i] % 10);
	p->serial[n] = '\0';
	/* The fake device booted 2-40 days before the unit first started;
	 * the daemon's restarts do not reboot it. */
	unit_bytes(L->unit, "boot", h);
	v = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	p->boot_time = L->unit->first_start - (time_t)(2 * 86400 + v % (38u * 86400u));
	p->pid_base = 40 + h[4] % 60;
	p->pid_next = 300 + (uint32_t)(h[5] << 4 | (h[6] & 15)) % 2000;
	return 0;
}

/* ---------- the persona UCI file ---------- */

static int split_list(char ***dst, size_t *ndst, const char *s)
{
	char *copy = strdup(s), *w, *save = NULL;
	size_t n = 0, cap = 0;
	char **v = NULL;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	w = copy;
	for (;;) {
		char *e;

		while (*w == ' ' || *w == '\t' || *w == '\n')
			w++;
		if (!*w)
			break;
		e = w;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n')
			e++;
		save = e;
		if (n == cap) {
			char **nv = realloc(v, (cap ? cap * 2 : 64) * sizeof(*v));

			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		v[n] = strndup(w, (size_t)(e - w));
		if (!v[n]) {
			rc = -ENOMEM;
			break;
		}
		n++;
		w = *save ? save + 1 : save;
		if (!*save)
			break;
	}
	free(copy);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*dst = v;
	*ndst = n;
	return rc;
}

/* The scalar options of `config persona` (docs/personas.md 1.3): name,
 * kind, field, default and largest value, read in this order. `name`,
 * `hostname`, `mac_oui`, `serial_prefix`, `applets` and the lists are read
 * by load_persona_sec itself. */
enum pkind {
	PK_PSTR,   /* struct pstr: escapes decoded, templates expanded */
	PK_STR,	   /* char *, the same without NUL bytes */
	PK_OPTSTR, /* char *, left NULL when absent */
	PK_BOOL,
	PK_U8,
	PK_U16,
	PK_U32,
	PK_UINT,
	PK_SIZE,
};

struct pattr {
	const char *name;
	enum pkind kind;
	size_t off;
	const char *sdef;
	unsigned long def, max;
};

#define PS(n, k, d)                                                                                \
	{                                                                                          \
#n, k, offsetof(struct persona, n), d, 0, 0                                        \
	}
#define PN(n, k, f, d, m)                                                                          \
	{                                                                                          \
#n, k, offsetof(struct persona, f), NULL, d, m                                     \
	}

static const struct pattr persona_attrs[] = {
    PS(telnet_open, PK_PSTR, ""),
    PS(banner, PK_PSTR, ""),
    PS(login_prompt, PK_PSTR, "%{hostname} login: "),
    PS(password_prompt, PK_PSTR, "Password: "),
    PS(after_password, PK_PSTR, "\\r\\n"),
    PS(login_fail, PK_PSTR, "\\r\\nLogin incorrect\\r\\n"),
    PS(motd, PK_PSTR, ""),
    PS(prompt_root, PK_PSTR, "# "),
    PS(prompt_user, PK_PSTR, "$ "),
    PS(shell_banner, PK_PSTR, ""),
    PS(busybox_version, PK_STR, "v1.19.4"),
    PS(uname_s, PK_STR, "Linux"),
    PS(uname_r, PK_STR, "2.6.36"),
    PS(uname_v, PK_STR, "#1"),
    PS(uname_m, PK_STR, "mips"),
    PS(ps_header, PK_STR, "  PID USER       VSZ STAT COMMAND"),
    PS(su_password, PK_OPTSTR, ""),
    PN(telnet_answer, PK_BOOL, telnet_answer, 0, 1),
    PN(fail_delay_ms, PK_UINT, fail_delay_ms, 3000, 60000),
    PN(max_tries, PK_UINT, max_tries, 3, 100),
    PN(exec_ms, PK_UINT, exec_ms, 4, 200),
    PN(elf_class, PK_U8, elf.ei_class, 1, 1),
    PN(elf_data, PK_U8, elf.ei_data, 1, 2),
    PN(elf_machine, PK_U16, elf.e_machine, 8, 0xffff),
    PN(elf_flags, PK_U32, elf.e_flags, 0, 0xffffffffUL),
    PN(elf_size, PK_SIZE, elf.size, 65536, PERSONA_MAX_ELF),
    /* the WAN side's TCP/IP fingerprint (docs/wan.md): Linux 2.6.32's */
    PN(tcp_wscale, PK_U8, tcpip.wscale, 1, 7),
    PN(tcp_synwin, PK_U16, tcpip.synwin, 5840, 65535),
    PN(tcp_ecn, PK_BOOL, tcpip.ecn, 0, 1),
    PN(tcp_synfin, PK_BOOL, tcpip.synfin, 0, 1),
    PN(tcp_fin_rst, PK_BOOL, tcpip.fin_rst, 1, 1),
    PN(tcp_isn_bits, PK_U8, tcpip.isn_bits, 24, 32),
    PN(tcp_isn_ns, PK_U16, tcpip.isn_ns, 64, 4096),
};

static int apply_attr(struct loader *L, struct uci_sec *sec, char *p, const struct pattr *a,
		      const char *file)
{
	unsigned long v = 0;
	int rc;

	switch (a->kind) {
	case PK_PSTR:
		return get_pstr(L, sec, a->name, a->sdef, (struct pstr *)(void *)p, file);
	case PK_OPTSTR:
		if (!uci_get(sec, a->name))
			return 0;
		/* fall through */
	case PK_STR:
		return get_str(L, sec, a->name, a->sdef, (char **)(void *)p, file);
	default:
		break;
	}
	if ((rc = get_uint(L, sec, a->name, a->def, a->max, &v, file)))
		return rc;
	switch (a->kind) {
	case PK_BOOL:
		*(bool *)(void *)p = v != 0;
		break;
	case PK_U8:
		*(uint8_t *)(void *)p = (uint8_t)v;
		break;
	case PK_U16:
		*(uint16_t *)(void *)p = (uint16_t)v;
		break;
	case PK_U32:
		*(uint32_t *)(void *)p = (uint32_t)v;
		break;
	case PK_UINT:
		*(unsigned *)(void *)p = (unsigned)v;
		break;
	default:
		*(size_t *)(void *)p = (size_t)v;
		break;
	}
	return 0;
}

static int apply_attrs(struct loader *L, struct uci_sec *sec, struct persona *p, const char *file)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof persona_attrs / sizeof *persona_attrs; i++)
		if ((rc = apply_attr(L, sec, (char *)p + persona_attrs[i].off, &persona_attrs[i],
				     file)))
			return rc;
	return 0;
}

const char *persona_option_name(size_t i)
{
	return i < sizeof persona_attrs / sizeof *persona_attrs ? persona_attrs[i].name : NULL;
}

int persona_load_sec(struct loader *L, struct uci_sec *sec, const char *file)
{
	struct persona *p = L->p;
	struct uci_opt *o;
	size_t ncred = 0, nproc = 0;
	int rc;

	if ((rc = get_str(L, sec, "hostname", "localhost", &p->hostname, file)))
		return rc;
	if ((rc = derive_unit(L, sec, file)))
		return rc;
	/* hostname may itself use %{suffix}: expand again now that the unit is known */
	if ((rc = get_str(L, sec, "hostname", "localhost", &p->hostname, file)))
		return rc;
	if ((rc = apply_attrs(L, sec, p, file)))
		return rc;
	if (p->elf.ei_data == 0)
		return persona_fail(L, file, sec->line, "elf_data must be 1 or 2");
	o = uci_get(sec, "applets");
	if ((rc = split_list(&p->applets, &p->napplets, o ? o->val : "")))
		return rc;
	uci_get(sec, "name");
	uci_get(sec, "mac_oui");
	uci_get(sec, "serial_prefix");

	for (o = sec->opts; o; o = o->next) {
		if (!o->list)
			continue;
		if (!strcmp(o->key, "cred"))
			ncred++;
		else if (!strcmp(o->key, "proc"))
			nproc++;
		else if (!strcmp(o->key, "doors"))
			p->ndoors++;
		else if (!strcmp(o->key, "ports")) {
			/* the device's open TCP ports (WAN side, docs/wan.md) */
			struct sp c;
			uint64_t v;
			size_t k;

			sp_init(&c, o->val, strlen(o->val));
			if (p->nports >= CAP_PERSONA_PORTS)
				return persona_fail(L, file, o->line,
						    "too many ports (CAP_PERSONA_PORTS)");
			if (sp_digits(&c, 10, 5, 65535, &v) || !sp_eof(&c) || !v)
				return persona_fail(L, file, o->line,
						    "ports must be TCP ports 1-65535");
			for (k = 0; k < p->nports; k++)
				if (p->ports[k] == v)
					return persona_fail(L, file, o->line, "port listed twice");
			p->ports[p->nports++] = (uint16_t)v;
		} else
			return persona_fail(L, file, o->line, "unknown list in persona");
		o->used = true;
	}
	p->creds = calloc(ncred ? ncred : 1, sizeof(*p->creds));
	p->procs = calloc(nproc ? nproc : 1, sizeof(*p->procs));
	p->doors = calloc(p->ndoors + 1, sizeof(*p->doors));
	if (!p->creds || !p->procs || !p->doors)
		return -ENOMEM;
	if (!p->ndoors) {
		/* a persona without `list doors` has the telnet door only */
		p->doors[0] = strdup("telnet");
		if (!p->doors[0])
			return -ENOMEM;
		p->ndoors = 1;
	} else {
		size_t k = 0;

		for (o = sec->opts; o; o = o->next)
			if (o->list && !strcmp(o->key, "doors") &&
			    !(p->doors[k++] = strdup(o->val)))
				return -ENOMEM;
	}
	for (o = sec->opts; o; o = o->next) {
		if (o->list && !strcmp(o->key, "cred")) {
			struct persona_cred *c = &p->creds[p->ncreds];
			struct buf b;
			char *c1, *c2;

			buf_init(&b, 1024);
			if (persona_unescape(o->val, &b) || buf_add(&b, "", 0))
				return persona_fail(L, file, o->line, "credential too long");
			c1 = memchr(b.p, ':', b.len);
			if (!c1) {
				buf_free(&b);
				return persona_fail(L, file, o->line,
						    "cred must be user:password[:user]");
			}
			c2 = strchr(c1 + 1, ':');
			c->user = strndup(b.p, (size_t)(c1 - b.p));
			c->pass = c2 ? strndup(c1 + 1, (size_t)(c2 - c1 - 1)) : strdup(c1 + 1);
			c->root = !(c2 && !strcmp(c2 + 1, "user"));
			buf_free(&b);
			if (!c->user || !c->pass)
				return -ENOMEM;
			p->ncreds++;
		} else if (o->list && !strcmp(o->key, "proc")) {
			struct pstr s = {0};
			struct uci_sec one = {.opts = NULL};
			struct uci_opt tmp = *o;

			tmp.next = NULL;
			tmp.list = false;
			one.opts = &tmp;
			one.line = o->line;
			if ((rc = get_pstr(L, &one, o->key, "", &s, file)))
				return rc;
			p->procs[p->nprocs++] = s.p;
		}
	}
	for (o = sec->opts; o; o = o->next)
		if (!o->used)
			return persona_fail(L, file, o->line, "unknown option in persona");
	return 0;
}

static int load_door(struct loader *L, struct uci_sec *s, const char *file)
{
	struct persona *p = L->p;
	struct persona_door *d, *nd;
	struct uci_opt *o;
	size_t n = 0;
	int rc;

	if (!s->name[0])
		return persona_fail(L, file, s->line,
				    "config door needs a name (the listener proto)");
	nd = realloc(p->doorcfg, (p->ndoorcfg + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	p->doorcfg = nd;
	d = &p->doorcfg[p->ndoorcfg++];
	memset(d, 0, sizeof(*d));
	if (!(d->kind = strdup(s->name)))
		return -ENOMEM;
	rc = get_pstr(L, s, "server", "", &d->server, file);
	rc = rc ? rc : get_pstr(L, s, "challenge", "", &d->challenge, file);
	if (rc)
		return rc;
	for (o = s->opts; o; o = o->next)
		if (o->list && !strcmp(o->key, "control"))
			n++;
	d->control = calloc(n + 1, sizeof(*d->control));
	if (!d->control)
		return -ENOMEM;
	for (o = s->opts; o; o = o->next) {
		if (o->list && !strcmp(o->key, "control")) {
			o->used = true;
			if (!(d->control[d->ncontrol++] = strdup(o->val)))
				return -ENOMEM;
		}
		if (!o->used)
			return persona_fail(L, file, o->line, "unknown option in door");
	}
	return 0;
}

int persona_load_cli(struct loader *L, struct uci_file *uf, const char *file)
{
	struct persona *p = L->p;
	struct uci_sec *s;
	size_t n = 0;
	int rc;

	for (s = uf->secs; s; s = s->next)
		if (!strcmp(s->type, "clicmd"))
			n++;
	p->clicmds = calloc(n ? n : 1, sizeof(*p->clicmds));
	if (!p->clicmds)
		return -ENOMEM;
	for (s = uf->secs; s; s = s->next) {
		if (!strcmp(s->type, "cli")) {
			p->cli = true;
			rc = get_pstr(L, s, "prompt", "> ", &p->cli_prompt, file);
			rc = rc ? rc : get_pstr(L, s, "unknown", "", &p->cli_unknown, file);
			if (rc)
				return rc;
		} else if (!strcmp(s->type, "clicmd")) {
			struct persona_clicmd *c = &p->clicmds[p->nclicmds];
			const char *act = uci_str(s, "action", "print");

			if (!strcmp(act, "print"))
				c->action = CLI_PRINT;
			else if (!strcmp(act, "shell"))
				c->action = CLI_SHELL;
			else if (!strcmp(act, "exit"))
				c->action = CLI_EXIT;
			else
				return persona_fail(L, file, s->line,
						    "action must be print, shell or exit");
			rc = get_str(L, s, "name", "", &c->name, file);
			rc = rc ? rc : get_pstr(L, s, "output", "", &c->output, file);
			if (rc)
				return rc;
			p->nclicmds++;
			if (!c->name[0])
				return persona_fail(L, file, s->line, "clicmd without a name");
		} else if (!strcmp(s->type, "door")) {
			if ((rc = load_door(L, s, file)))
				return rc;
		} else if (strcmp(s->type, "persona")) {
			return persona_fail(L, file, s->line, "unknown section type in persona");
		}
	}
	return 0;
}
