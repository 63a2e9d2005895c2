/* sealfld.c — the field models of sealed segments: lines split into
 * fields, the coder's state, string dictionaries, the text pool and line
 * shapes (see seal_int.h; the format is in docs/store.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/seal_int.h"

/* ------------------------------------------------------------- parsing */

bool seal_key_ok(const char *k, size_t n)
{
	size_t i;

	if (!n || n > MAX_KEY)
		return false;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-' || k[i] == '.'))
			return false;
	return true;
}

/* Length of a JSON string body starting after the opening quote, up to
 * (not including) the closing quote; 0 with *ok false if malformed. */
size_t seal_str_body(const char *p, size_t n, bool *ok)
{
	size_t i = 0;

	*ok = false;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"') {
			*ok = true;
			return i;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			if (i + 1 >= n)
				return 0;
			i++;
		}
		i++;
	}
	return 0;
}

bool seal_parse_int(const char *p, size_t n, int64_t *v)
{
	size_t i = 0;
	bool neg = false;
	uint64_t u = 0;

	if (n && p[0] == '-')
		neg = true, i = 1;
	if (i >= n || n - i > 19 || (p[i] == '0' && n - i > 1) || (neg && p[i] == '0'))
		return false;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		u = u * 10 + (uint64_t)(p[i] - '0');
	}
	if (u > (uint64_t)INT64_MAX)
		return false;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return true;
}

/* Splits one line of the writer's shape into fields. false: code it raw. */
bool seal_parse_line(const char *p, size_t n, struct fld *f, size_t *nf)
{
	size_t i = 1, k = 0;
	bool ok;

	if (n < 2 || p[0] != '{' || p[n - 1] != '}')
		return false;
	if (n == 2)
		goto done;
	for (;;) {
		size_t kl, j;

		if (k >= MAX_FIELDS || i >= n || p[i] != '"')
			return false;
		kl = seal_str_body(p + i + 1, n - i - 1, &ok);
		if (!ok || !seal_key_ok(p + i + 1, kl))
			return false;
		f[k].key = p + i + 1;
		f[k].klen = kl;
		i += kl + 2;
		if (i >= n || p[i] != ':')
			return false;
		i++;
		if (i >= n)
			return false;
		if (p[i] == '"') {
			f[k].vlen = seal_str_body(p + i + 1, n - i - 1, &ok);
			if (!ok)
				return false;
			f[k].kind = K_STR;
			f[k].v = p + i + 1;
			i += f[k].vlen + 2;
		} else if (n - i >= 4 && !memcmp(p + i, "true", 4)) {
			f[k].kind = K_BOOL, f[k].num = 1, i += 4;
		} else if (n - i >= 5 && !memcmp(p + i, "false", 5)) {
			f[k].kind = K_BOOL, f[k].num = 0, i += 5;
		} else {
			for (j = i; j < n && p[j] != ',' && p[j] != '}'; j++)
				;
			if (!seal_parse_int(p + i, j - i, &f[k].num))
				return false;
			f[k].kind = K_NUM;
			i = j;
		}
		k++;
		if (i == n - 1)
			break;
		if (p[i] != ',')
			return false;
		i++;
	}
done:
	*nf = k;
	return true;
}

void seal_render_int(struct buf *b, int64_t v, int *err)
{
	char t[24];
	int n = snprintf(t, sizeof t, "%lld", (long long)v);

	if (buf_add(b, t, (size_t)n))
		*err = -ENOBUFS;
}

/* --------------------------------------------------------- coder state */

void seal_ctx_init(struct ctx *x, bool dec)
{
	size_t i;

	memset(x, 0, sizeof(*x));
	(void)dec;
	buf_init(&x->pool, MAX_TEXT);
	buf_init(&x->line, MAX_TEXT);
	for (i = 0; i < MAX_SHAPES + 2; i++)
		rc_int_init(&x->shape_m[i]);
	for (i = 0; i < MAX_SHAPES + 1; i++)
		rc_int_init(&x->sshape_m[i]);
	RC_INIT_PROBS(x->sm.sym);
	rc_int_init(&x->sm.a);
	rc_int_init(&x->sm.b);
}

void seal_ctx_free(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->nshapes; i++) {
		size_t j;

		for (j = 0; j < x->shapes[i].nf; j++)
			free(x->shapes[i].f[j].cval);
		free(x->shapes[i].f);
		free(x->shapes[i].text);
	}
	for (i = 0; i < x->ndicts; i++)
		free(x->dicts[i].mtf);
	free(x->arena);
	free(x->eoff);
	free(x->elen);
	free(x->sess);
	buf_free(&x->pool);
	buf_free(&x->line);
}

int seal_grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, (size_t)n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

int seal_add_entry(struct ctx *x, const char *s, size_t n, uint32_t *id)
{
	if (x->alen + n > MAX_TEXT * 2u)
		return -EBADMSG;
	/* allocated even for an empty first string: entries are addressed as
	 * arena + offset, and adding an offset to NULL is undefined */
	if (!x->arena || x->alen + n > x->acap) {
		size_t c = x->acap ? x->acap : 4096;
		char *q;

		while (c < x->alen + n)
			c *= 2;
		q = realloc(x->arena, c);
		if (!q)
			return -ENOMEM;
		x->arena = q;
		x->acap = c;
	}
	if (x->nent >= x->ecap) {
		uint32_t c = x->ecap ? x->ecap * 2 : 256;
		uint32_t *o = realloc(x->eoff, (size_t)c * sizeof(uint32_t)), *l;

		if (!o)
			return -ENOMEM;
		x->eoff = o;
		l = realloc(x->elen, (size_t)c * sizeof(uint32_t));
		if (!l)
			return -ENOMEM;
		x->elen = l;
		x->ecap = c;
	}
	if (n)
		memcpy(x->arena + x->alen, s, n);
	x->eoff[x->nent] = (uint32_t)x->alen;
	x->elen[x->nent] = (uint32_t)n;
	x->alen += n;
	*id = x->nent++;
	return 0;
}

void seal_mtf_front(uint32_t *a, uint32_t *n, uint32_t cap, uint32_t pos, uint32_t v)
{
	if (pos >= *n) { /* insert new */
		pos = *n < cap ? (*n)++ : cap - 1;
	}
	memmove(a + 1, a, (size_t)pos * sizeof(*a));
	a[0] = v;
}

/* Text pool entries: LEB128 length, bytes. */
int seal_pool_put(struct ctx *x, const char *s, size_t n)
{
	uint8_t v[10];
	size_t k = 0, m = n;

	do {
		v[k++] = (uint8_t)((m & 0x7f) | (m > 0x7f ? 0x80 : 0));
		m >>= 7;
	} while (m);
	if (buf_add(&x->pool, v, k) || buf_add(&x->pool, s, n))
		return -ENOBUFS;
	return 0;
}

int seal_pool_get(struct ctx *x, const char **s, size_t *n)
{
	uint64_t m = 0;
	unsigned sh = 0;

	for (;;) {
		uint8_t b;

		if (x->ppos >= x->pool.len || sh > 28)
			return -EBADMSG;
		b = (uint8_t)x->pool.p[x->ppos++];
		m |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
		if (!(b & 0x80))
			break;
	}
	if (m > x->pool.len - x->ppos)
		return -EBADMSG;
	*s = x->pool.p + x->ppos;
	*n = (size_t)m;
	x->ppos += (size_t)m;
	return 0;
}

/* -------------------------------------------------------------- shapes */

static int dict_for(struct ctx *x, const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < x->ndicts; i++)
		if (strlen(x->dicts[i].key) == n && !memcmp(x->dicts[i].key, k, n))
			return (int)i;
	if (x->ndicts >= MAX_DICTS)
		return -1;
	x->dicts[x->ndicts].mtf = malloc(DICT_MTF * sizeof(uint32_t));
	if (!x->dicts[x->ndicts].mtf)
		return -1;
	memcpy(x->dicts[x->ndicts].key, k, n);
	x->dicts[x->ndicts].key[n] = '\0';
	x->dicts[x->ndicts].n = 0;
	return (int)x->ndicts++;
}

static bool key_is(const struct fmodel *m, const char *k)
{
	return strlen(k) == m->klen && !memcmp(m->key, k, m->klen);
}

/* Builds a shape from its text ("<kind><key>[=<const>]\n" per field).
 * Returns 0, or -EBADMSG for text that is not a shape. */
int seal_shape_make(struct ctx *x, const char *t, size_t n, struct shape *sh)
{
	size_t i = 0, nf = 0;
	struct fmodel *f;

	memset(sh, 0, sizeof(*sh));
	for (i = 0; i < n; i++)
		nf += t[i] == '\n';
	if (!nf || nf > MAX_FIELDS || t[n - 1] != '\n')
		return -EBADMSG;
	f = calloc(nf, sizeof(*f));
	sh->text = malloc(n);
	if (!f || !sh->text) {
		free(f);
		free(sh->text);
		sh->text = NULL;
		return -ENOMEM;
	}
	memcpy(sh->text, t, n);
	sh->tlen = n;
	sh->f = f;
	sh->nf = nf;
	for (i = 0; i < nf; i++) {
		const char *e = memchr(t, '\n', n), *eq;
		size_t len = (size_t)(e - t), kl;
		struct fmodel *m = &f[i];

		if (len < 2)
			return -EBADMSG;
		m->kind = t[0];
		eq = m->kind == K_CONST ? memchr(t, '=', len) : NULL;
		kl = eq ? (size_t)(eq - t - 1) : len - 1;
		if (!seal_key_ok(t + 1, kl) || (m->kind == K_CONST && !eq) ||
		    (m->kind != K_CONST && m->kind != K_STR && m->kind != K_NUM &&
		     m->kind != K_BOOL))
			return -EBADMSG;
		memcpy(m->key, t + 1, kl);
		m->klen = (uint8_t)kl;
		m->slot = -1;
		RC_INIT_PROBS(m->sym);
		RC_INIT_PROBS(m->flag);
		rc_int_init(&m->a);
		rc_int_init(&m->b);
		if (m->kind == K_CONST) {
			bool ok;

			m->clen = len - kl - 2;
			if (seal_str_body(eq + 1, m->clen, &ok), ok) /* a bare quote inside */
				return -EBADMSG;
			m->cval = malloc(m->clen + 1);
			if (!m->cval)
				return -ENOMEM;
			memcpy(m->cval, eq + 1, m->clen);
			m->how = H_NONE;
		} else if (m->kind == K_NUM) {
			m->how = H_NUM;
			m->slot = key_is(m, "src_port") ? 2 : key_is(m, "dst_port") ? 3 : -1;
		} else if (m->kind == K_BOOL) {
			m->how = H_BOOL;
		} else if (key_is(m, "timestamp")) {
			m->how = H_TIME;
		} else if (key_is(m, "session")) {
			m->how = H_SESS;
		} else if (key_is(m, "duration")) {
			m->how = H_DUR;
		} else {
			m->how = kl > 3 && !memcmp(m->key + kl - 3, "_ip", 3) ? H_IP : H_STR;
			m->slot = key_is(m, "src_ip") ? 0 : key_is(m, "dst_ip") ? 1 : -1;
		}
		if (m->kind == K_STR) {
			int d = dict_for(x, m->key, kl);

			if (d < 0)
				return -EBADMSG;
			m->dict = (uint8_t)d;
		}
		n -= len + 1;
		t = e + 1;
	}
	return 0;
}

void seal_shape_drop(struct shape *sh)
{
	size_t j;

	if (sh->f)
		for (j = 0; j < sh->nf; j++)
			free(sh->f[j].cval);
	free(sh->f);
	free(sh->text);
	memset(sh, 0, sizeof(*sh));
}

/* The shape text of a parsed line into t. */
int seal_shape_text(const struct fld *f, size_t nf, struct buf *t)
{
	size_t i;
	int rc = 0;

	buf_reset(t);
	for (i = 0; i < nf && !rc; i++) {
		bool cst = i == 0 && f[i].kind == K_STR && f[i].klen == 7 &&
			   !memcmp(f[i].key, "eventid", 7);

		rc = buf_addc(t, cst ? K_CONST : f[i].kind);
		if (!rc)
			rc = buf_add(t, f[i].key, f[i].klen);
		if (!rc && cst)
			rc = buf_addc(t, '=') || buf_add(t, f[i].v, f[i].vlen);
		if (!rc)
			rc = buf_addc(t, '\n');
	}
	return rc ? -ENOBUFS : 0;
}
