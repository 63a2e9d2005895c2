/* uci.c — OpenWrt UCI reader (see uci.h). */
#include "uci.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static char *xstrndup(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Reads one word starting at *pp (bare, '…' or "…", concatenated). */
static int lex_word(const char **pp, const char *end, struct buf *out)
{
	const char *p = *pp;
	bool any = false;

	buf_reset(out);
	while (p < end && *p != ' ' && *p != '\t' && *p != '#') {
		if (*p == '\'') {
			p++;
			while (p < end && *p != '\'')
				if (buf_addc(out, *p++))
					return -1;
			if (p >= end)
				return -2; /* unterminated */
			p++;
		} else if (*p == '"') {
			p++;
			while (p < end && *p != '"') {
				if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
					p++;
				if (buf_addc(out, *p++))
					return -1;
			}
			if (p >= end)
				return -2;
			p++;
		} else {
			if (buf_addc(out, *p++))
				return -1;
		}
		any = true;
	}
	*pp = p;
	if (!any)
		return 0;
	/* an empty quoted word still counts as a word */
	if (!out->p && buf_add(out, "", 0))
		return -1;
	return 1;
}

static void skip_ws(const char **pp, const char *end)
{
	while (*pp < end && (**pp == ' ' || **pp == '\t' || **pp == '\r'))
		(*pp)++;
}

void uci_free(struct uci_file *f)
{
	struct uci_sec *s, *sn;
	struct uci_opt *o, *on;

	if (!f)
		return;
	for (s = f->secs; s; s = sn) {
		sn = s->next;
		for (o = s->opts; o; o = on) {
			on = o->next;
			free(o->key);
			free(o->val);
			free(o);
		}
		free(s->type);
		free(s->name);
		free(s);
	}
	free(f->path);
	free(f);
}

struct uci_file *uci_parse(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
	struct uci_file *f = calloc(1, sizeof(*f));
	struct uci_sec *sec = NULL, **stail;
	struct uci_opt **otail = NULL;
	struct buf w[3];
	const char *p = text, *end = text + len, *eol;
	const char *problem = NULL;
	int line = 0, i, n;

	for (i = 0; i < 3; i++)
		buf_init(&w[i], 64 * 1024);
	if (!f || !(f->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	stail = &f->secs;
	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		for (n = 0; n < 3; n++) {
			skip_ws(&p, eol);
			if (p >= eol || *p == '#')
				break;
			i = lex_word(&p, eol, &w[n]);
			if (i == -2) {
				problem = "unterminated quote";
				goto bad;
			}
			if (i < 0) {
				problem = "value too long";
				goto bad;
			}
		}
		skip_ws(&p, eol);
		if (p < eol && *p != '#') {
			problem = "too many words on the line";
			goto bad;
		}
		p = eol < end ? eol + 1 : end;
		if (n == 0)
			continue;
		if (!strcmp(w[0].p, "config")) {
			if (n < 2) {
				problem = "config without a type";
				goto bad;
			}
			sec = calloc(1, sizeof(*sec));
			if (!sec)
				goto oom;
			*stail = sec;
			stail = &sec->next;
			sec->line = line;
			sec->type = strdup(w[1].p);
			sec->name = strdup(n > 2 ? w[2].p : "");
			if (!sec->type || !sec->name)
				goto oom;
			otail = &sec->opts;
		} else if (!strcmp(w[0].p, "option") || !strcmp(w[0].p, "list")) {
			struct uci_opt *o;

			if (!sec) {
				problem = "option before any config section";
				goto bad;
			}
			if (n < 3) {
				problem = "option without a value";
				goto bad;
			}
			o = calloc(1, sizeof(*o));
			if (!o)
				goto oom;
			*otail = o;
			otail = &o->next;
			o->list = w[0].p[0] == 'l';
			o->line = line;
			o->key = xstrndup(w[1].p, w[1].len);
			o->val = xstrndup(w[2].p, w[2].len);
			if (!o->key || !o->val)
				goto oom;
		} else if (!strcmp(w[0].p, "package")) {
			continue;
		} else {
			problem = "expected config, option or list";
			goto bad;
		}
	}
	for (i = 0; i < 3; i++)
		buf_free(&w[i]);
	return f;
oom:
	problem = "out of memory";
bad:
	snprintf(err, errlen, "%s:%d: %s", path, line, problem);
fail:
	for (i = 0; i < 3; i++)
		buf_free(&w[i]);
	uci_free(f);
	return NULL;
}

struct uci_file *uci_load(const char *path, char *err, size_t errlen)
{
	struct uci_file *f;
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp) {
		snprintf(err, errlen, "%s:0: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, UCI_MAX_FILE);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_add(&b, chunk, n)) {
			snprintf(err, errlen, "%s:0: file too large", path);
			fclose(fp);
			buf_free(&b);
			return NULL;
		}
	}
	fclose(fp);
	f = uci_parse(path, b.p ? b.p : "", b.len, err, errlen);
	buf_free(&b);
	return f;
}

struct uci_opt *uci_get(struct uci_sec *s, const char *key)
{
	struct uci_opt *o, *last = NULL;

	for (o = s->opts; o; o = o->next)
		if (!o->list && !strcmp(o->key, key))
			last = o;
	for (o = s->opts; o; o = o->next)
		if (!o->list && !strcmp(o->key, key))
			o->used = true;
	return last;
}

const char *uci_str(struct uci_sec *s, const char *key, const char *def)
{
	struct uci_opt *o = uci_get(s, key);

	return o ? o->val : def;
}
