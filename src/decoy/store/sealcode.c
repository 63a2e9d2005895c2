/* sealcode.c — the field coders of sealed segments: sessions, strings
 * through dictionaries, numbers, times, durations, and whole lines (see
 * seal_int.h). Encoder and decoder are one code path: every step takes a
 * value and, when decoding, replaces it with the decoded one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "isotime.h"
#include "store/seal_int.h"

/* ------------------------------------------------------------- sessions */

void seal_sid(const uint8_t key[SEAL_KEY_LEN], uint64_t seq, char out[SEAL_SID_LEN + 1])
{
	uint8_t in[SEAL_KEY_LEN + 8], h[SHA256_LEN];
	int i;

	memcpy(in, key, SEAL_KEY_LEN);
	for (i = 0; i < 8; i++)
		in[SEAL_KEY_LEN + i] = (uint8_t)(seq >> (8 * i));
	hash_sha256(in, sizeof in, h);
	hash_hex(h, SEAL_SID_LEN / 2, out);
}

static int sess_new(struct ctx *x, const char *id)
{
	struct sess *s;

	if (x->nsess >= MAX_EVENTS ||
	    seal_grow((void **)&x->sess, &x->scap, x->nsess + 1, sizeof(*s)))
		return -ENOMEM;
	s = &x->sess[x->nsess];
	memset(s, 0, sizeof(*s));
	memcpy(s->id, id, SEAL_SID_LEN);
	seal_mtf_front(x->smtf, &x->nsmtf, SESS_MTF, x->nsmtf, x->nsess);
	x->cur_sess = (int)x->nsess++;
	return 0;
}

/* --------------------------------------------------------- field coding */

/* A string through the field's dictionary (move-to-front rank, or new). */
static int code_dict(struct ctx *x, struct fmodel *m, const char **v, size_t *n, uint32_t *eid)
{
	struct dict *d = &x->dicts[m->dict];
	uint32_t r = d->n, i;
	uint64_t sym;
	int rc;

	if (!x->c.dec)
		for (i = 0; i < d->n; i++) {
			uint32_t e = d->mtf[i];

			if (x->elen[e] == *n && !memcmp(x->arena + x->eoff[e], *v, *n)) {
				r = i;
				break;
			}
		}
	sym = rc_uint(&x->c, &m->a, r < d->n ? (uint64_t)r + 1 : 0);
	if (x->c.err)
		return x->c.err;
	if (sym) {
		if (sym > d->n)
			return -EBADMSG;
		r = (uint32_t)(sym - 1);
		*eid = d->mtf[r];
		seal_mtf_front(d->mtf, &d->n, DICT_MTF, r, *eid);
		*v = x->arena + x->eoff[*eid];
		*n = x->elen[*eid];
		return 0;
	}
	/* new: an IPv4 address as 32 bits, anything else through the pool */
	{
		unsigned o[4] = {0, 0, 0, 0}, k = 0, isv4 = 0;
		char tmp[16];

		if (m->how == H_IP && !x->c.dec && *n >= 7 && *n <= 15) {
			size_t j, dig = 0;

			isv4 = 1;
			for (j = 0; j < *n && isv4; j++) {
				char ch = (*v)[j];

				if (ch == '.') {
					if (!dig || ++k > 3)
						isv4 = 0;
					dig = 0;
				} else if (ch >= '0' && ch <= '9' && dig < 3 &&
					   !(dig == 1 && o[k] == 0)) {
					o[k] = o[k] * 10 + (unsigned)(ch - '0');
					dig++;
					if (o[k] > 255)
						isv4 = 0;
				} else {
					isv4 = 0;
				}
			}
			if (k != 3 || !dig)
				isv4 = 0;
		}
		if (m->how == H_IP)
			isv4 = rc_bit(&x->c, &m->flag[3], isv4);
		if (isv4) {
			uint32_t a = (uint32_t)rc_direct(
			    &x->c, 32, (uint64_t)o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]);
			int l = snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
					 a >> 8 & 255, a & 255);

			if ((rc = seal_add_entry(x, tmp, (size_t)l, eid)))
				return rc;
		} else {
			if (x->c.dec) {
				if ((rc = seal_pool_get(x, v, n)))
					return rc;
			} else if ((rc = seal_pool_put(x, *v, *n))) {
				return rc;
			}
			if ((rc = seal_add_entry(x, *v, *n, eid)))
				return rc;
		}
		seal_mtf_front(d->mtf, &d->n, DICT_MTF, d->n, *eid);
		*v = x->arena + x->eoff[*eid];
		*n = x->elen[*eid];
	}
	return x->c.err;
}

static int code_str(struct ctx *x, struct fmodel *m, const char **v, size_t *n)
{
	struct sess *s = x->cur_sess >= 0 ? &x->sess[x->cur_sess] : NULL;
	uint32_t eid = 0;
	int rc;

	if (m->slot >= 0 && s && (s->has & (2u << m->slot))) {
		uint32_t e = s->ip[m->slot];
		unsigned same =
		    !x->c.dec && x->elen[e] == *n && !memcmp(x->arena + x->eoff[e], *v, *n);

		if (rc_bit(&x->c, &m->flag[2], same)) {
			*v = x->arena + x->eoff[e];
			*n = x->elen[e];
			return x->c.err;
		}
	}
	if ((rc = code_dict(x, m, v, n, &eid)))
		return rc;
	if (m->slot >= 0 && s) {
		s->ip[m->slot] = eid;
		s->has |= (uint8_t)(2u << m->slot);
	}
	return 0;
}

static int code_num(struct ctx *x, struct fmodel *m, int64_t *v)
{
	struct sess *s = x->cur_sess >= 0 ? &x->sess[x->cur_sess] : NULL;
	int ps = m->slot - 2;
	unsigned r = NUM_CACHE, i;

	if (ps >= 0 && s && (s->has & (8u << ps))) {
		if (rc_bit(&x->c, &m->flag[2], !x->c.dec && *v == s->port[ps])) {
			*v = s->port[ps];
			return x->c.err;
		}
	}
	if (!x->c.dec)
		for (i = 0; i < NUM_CACHE; i++)
			if (m->cache[i] == *v) {
				r = i;
				break;
			}
	r = rc_tree(&x->c, m->sym, 4, r);
	if (r < NUM_CACHE) {
		*v = m->cache[r];
	} else if (r == NUM_CACHE) {
		*v = rc_unzz(rc_uint(&x->c, &m->b, rc_zz(*v)));
		r = NUM_CACHE - 1;
	} else {
		return -EBADMSG;
	}
	{
		int64_t t = *v;

		memmove(m->cache + 1, m->cache, r * sizeof(int64_t));
		m->cache[0] = t;
	}
	if (ps >= 0 && s) {
		s->port[ps] = *v;
		s->has |= (uint8_t)(8u << ps);
	}
	return x->c.err;
}

static int code_time(struct ctx *x, struct fmodel *m, const char **v, size_t *n, char tb[28])
{
	int64_t ts = 0, d;
	uint64_t q, r;
	unsigned ok = !x->c.dec && iso_parse(*v, *n, &ts), neg;
	uint32_t eid;

	if (!rc_bit(&x->c, &m->flag[0], ok))
		return code_dict(x, m, v, n, &eid);
	d = ts - x->prev_ts;
	neg = rc_bit(&x->c, &m->flag[1], d < 0);
	q = rc_uint(&x->c, &m->a, (uint64_t)(d < 0 ? -d : d) / 1000);
	r = rc_uint(&x->c, &m->b, (uint64_t)(d < 0 ? -d : d) % 1000);
	if (x->c.dec) {
		if (q > (UINT64_C(1) << 48) || r >= 1000)
			return -EBADMSG;
		d = (int64_t)(q * 1000 + r);
		ts = x->prev_ts + (neg ? -d : d);
		if (ts < 0 || ts >= INT64_C(253402300800000000))
			return -EBADMSG;
		iso_format(ts, tb);
		*v = tb;
		*n = 27;
	}
	x->prev_ts = x->cur_ts = ts;
	return x->c.err;
}

/* The session of a line, coded before its shape: 0 the line has no session
 * field, 1 "", 2 a session seen before (move-to-front rank), 3 the next
 * derived id (after `skip` unused counters), 4 any other text. */
static int code_sess(struct ctx *x, bool has, const char *v, size_t n)
{
	struct fmodel *m = &x->sm;
	unsigned sym = 4, i, r = 0;
	uint64_t skip = 0;
	char tb[SEAL_SID_LEN + 1];
	int rc;

	x->new_sess = false;
	if (!x->c.dec) {
		if (!has) {
			sym = 0;
		} else if (!n) {
			sym = 1;
		} else if (n == SEAL_SID_LEN) {
			for (i = 0; i < x->nsmtf; i++)
				if (!memcmp(x->sess[x->smtf[i]].id, v, SEAL_SID_LEN)) {
					sym = 2, r = i;
					break;
				}
			for (i = 0; sym == 4 && i < SID_LOOKAHEAD; i++) {
				seal_sid(x->key, x->next_seq + i, tb);
				if (!memcmp(tb, v, SEAL_SID_LEN))
					sym = 3, skip = i;
			}
		}
	}
	sym = rc_tree(&x->c, m->sym, 3, sym);
	x->cur_sess = -1;
	x->has_sid = sym != 0;
	x->sid_n = 0;
	switch (sym) {
	case 0:
	case 1:
		break;
	case 2:
		r = (unsigned)rc_uint(&x->c, &m->a, r);
		if (r >= x->nsmtf)
			return -EBADMSG;
		x->cur_sess = (int)x->smtf[r];
		seal_mtf_front(x->smtf, &x->nsmtf, SESS_MTF, r, x->smtf[r]);
		memcpy(x->sid, x->sess[x->cur_sess].id, SEAL_SID_LEN);
		x->sid_n = SEAL_SID_LEN;
		break;
	case 3:
		skip = rc_uint(&x->c, &m->b, skip);
		if (skip >= SID_LOOKAHEAD)
			return -EBADMSG;
		x->next_seq += skip;
		seal_sid(x->key, x->next_seq++, x->sid);
		x->sid_n = SEAL_SID_LEN;
		if ((rc = sess_new(x, x->sid)))
			return rc;
		x->new_sess = true;
		break;
	case 4:
		if (x->c.dec) {
			if ((rc = seal_pool_get(x, &v, &n)))
				return rc;
		} else if ((rc = seal_pool_put(x, v, n))) {
			return rc;
		}
		if (n > sizeof x->sid)
			return -EBADMSG; /* the encoder only pools short ids */
		memcpy(x->sid, v, n);
		x->sid_n = n;
		if (n == SEAL_SID_LEN) {
			if ((rc = sess_new(x, x->sid)))
				return rc;
			x->new_sess = true;
		}
		break;
	default:
		return -EBADMSG;
	}
	return x->c.err;
}

/* "I.D" (tenths of seconds, as sess_free writes it) */
static bool parse_tenths(const char *p, size_t n, int64_t *t)
{
	int64_t i;

	if (n < 3 || n > 12 || p[n - 2] != '.' || p[n - 1] < '0' || p[n - 1] > '9' ||
	    !seal_parse_int(p, n - 2, &i) || i < 0)
		return false;
	*t = i * 10 + (p[n - 1] - '0');
	return true;
}

static int code_dur(struct ctx *x, struct fmodel *m, const char **v, size_t *n, char tb[32])
{
	struct sess *s = x->cur_sess >= 0 ? &x->sess[x->cur_sess] : NULL;
	int64_t t = 0, p = 0;
	unsigned sym = 2;
	uint32_t eid;

	if (s && (s->has & 1) && x->cur_ts >= s->t0)
		p = (x->cur_ts - s->t0) / 100000;
	if (!x->c.dec && parse_tenths(*v, *n, &t))
		sym = t == p ? 0 : 1;
	sym = rc_tree(&x->c, m->sym, 2, sym);
	if (sym == 2)
		return code_dict(x, m, v, n, &eid);
	if (sym == 3)
		return -EBADMSG;
	if (sym == 1)
		t = p + rc_unzz(rc_uint(&x->c, &m->a, rc_zz(t - p)));
	else
		t = p;
	if (x->c.dec) {
		int l;

		if (t < 0 || t > INT64_C(99999999999))
			return -EBADMSG;
		l = snprintf(tb, 32, "%lld.%d", (long long)(t / 10), (int)(t % 10));
		*v = tb;
		*n = (size_t)l;
	}
	return x->c.err;
}

/* The encoder's shape symbol of a parsed line: 2 + index of a known shape,
 * 1 a new one, 0 the line goes raw. */
static uint64_t shape_sym(const struct ctx *x, const struct buf *st)
{
	size_t i;

	for (i = 0; i < x->nshapes; i++)
		if (x->shapes[i].tlen == st->len && !memcmp(x->shapes[i].text, st->p, st->len))
			return i + 2;
	return x->nshapes < MAX_SHAPES ? 1 : 0;
}

/* The line's session field, coded first (a line with two, or with a very
 * long one, is kept raw: *sym becomes 0). */
static int line_sess(struct ctx *x, const struct fld *f, size_t nf, uint64_t *sym)
{
	const char *sv = NULL;
	size_t sn = 0, k, cnt = 0;

	for (k = 0; *sym && k < nf; k++)
		if (f[k].kind == K_STR && f[k].klen == 7 && !memcmp(f[k].key, "session", 7)) {
			sv = f[k].v, sn = f[k].vlen, cnt++;
			if (sn > SEAL_SID_LEN * 4)
				cnt = 2; /* long texts stay in their dictionary */
		}
	if (cnt > 1)
		*sym = 0, sv = NULL; /* the line is kept raw */
	return code_sess(x, sv != NULL, sv, sn);
}

/* A raw line through the text pool. */
static int line_raw(struct ctx *x, const char *line, size_t len)
{
	const char *t = line;
	size_t n = len;
	int rc;

	if (!x->c.dec)
		return seal_pool_put(x, line, len);
	if ((rc = seal_pool_get(x, &t, &n)))
		return rc;
	return buf_add(&x->line, t, n) ? -ENOBUFS : 0;
}

/* The shape of symbol sym (>= 1): a new one (its text through the pool) or
 * a known one; checked against the line's session. */
static int line_shape(struct ctx *x, const struct buf *st, uint64_t sym, struct shape **shp)
{
	struct shape *sh;
	size_t k, ns = 0;
	int rc;

	if (sym == 1) {
		const char *t = st->p;
		size_t n = st->len;

		if (x->nshapes >= MAX_SHAPES)
			return -EBADMSG;
		if (x->c.dec && (rc = seal_pool_get(x, &t, &n)))
			return rc;
		if (!x->c.dec && (rc = seal_pool_put(x, t, n)))
			return rc;
		if ((rc = seal_shape_make(x, t, n, &x->shapes[x->nshapes]))) {
			seal_shape_drop(&x->shapes[x->nshapes]);
			return rc;
		}
		sh = &x->shapes[x->nshapes++];
	} else {
		if (sym - 2 >= x->nshapes)
			return -EBADMSG;
		sh = &x->shapes[sym - 2];
	}
	x->prev_shape = (unsigned)(sh - x->shapes) + 1;
	for (k = 0; k < sh->nf; k++)
		ns += sh->f[k].how == H_SESS;
	if (ns != (x->has_sid ? 1u : 0u))
		return -EBADMSG;
	if (x->cur_sess >= 0)
		x->sess[x->cur_sess].last_shape = (uint8_t)x->prev_shape;
	*shp = sh;
	return 0;
}

/* One field's value: coded by its model, then rendered when decoding. */
static int line_field(struct ctx *x, struct fmodel *m, const struct fld *f, size_t i)
{
	const char *v = m->cval;
	size_t n = m->clen;
	int64_t num = 0;
	char tb[32];
	int rc = 0;

	if (!x->c.dec) {
		v = f->v;
		n = f->vlen;
		num = f->num;
	}
	switch (m->how) {
	case H_NONE:
		v = m->cval;
		n = m->clen;
		break;
	case H_TIME:
		rc = code_time(x, m, &v, &n, tb);
		break;
	case H_SESS:
		v = x->sid;
		n = x->sid_n;
		break;
	case H_DUR:
		rc = code_dur(x, m, &v, &n, tb);
		break;
	case H_IP:
	case H_STR:
		rc = code_str(x, m, &v, &n);
		break;
	case H_NUM:
		rc = code_num(x, m, &num);
		break;
	default:
		num = rc_bit(&x->c, &m->flag[0], (unsigned)num);
		break;
	}
	if (rc || !x->c.dec)
		return rc;
	if ((i && buf_addc(&x->line, ',')) || buf_addc(&x->line, '"') ||
	    buf_add(&x->line, m->key, m->klen) || buf_add(&x->line, "\":", 2))
		return -ENOBUFS;
	if (m->kind == K_NUM) {
		seal_render_int(&x->line, num, &rc);
	} else if (m->kind == K_BOOL) {
		if (buf_adds(&x->line, num ? "true" : "false"))
			rc = -ENOBUFS;
	} else if (buf_addc(&x->line, '"') || buf_add(&x->line, v, n) || buf_addc(&x->line, '"')) {
		rc = -ENOBUFS;
	}
	return rc;
}

/* Codes (or decodes into x->line) one line. */
int seal_code_line(struct ctx *x, const char *line, size_t len, bool force_raw)
{
	struct fld f[MAX_FIELDS];
	size_t nf = 0, i;
	uint64_t sym = 0;
	struct shape *sh = NULL;
	struct buf st;
	int rc = 0;

	x->cur_ts = 0;
	x->cur_sess = -1;
	buf_init(&st, 4096);
	if (!x->c.dec && !force_raw && seal_parse_line(line, len, f, &nf) && nf &&
	    !seal_shape_text(f, nf, &st))
		sym = shape_sym(x, &st);
	if ((rc = line_sess(x, f, nf, &sym)))
		goto out;
	if (x->cur_sess >= 0 && x->sess[x->cur_sess].last_shape)
		sym = rc_uint(&x->c, &x->sshape_m[x->sess[x->cur_sess].last_shape], sym);
	else
		sym = rc_uint(&x->c, &x->shape_m[x->prev_shape], sym);
	x->prev_shape = 0;
	if (x->c.err) {
		rc = x->c.err;
		goto out;
	}
	if (sym == 0 && x->has_sid) {
		rc = -EBADMSG;
		goto out;
	}
	if (sym == 0) {
		rc = line_raw(x, line, len);
		goto out;
	}
	if ((rc = line_shape(x, &st, sym, &sh)))
		goto out;
	if (x->c.dec)
		rc = buf_addc(&x->line, '{') ? -ENOBUFS : 0;
	for (i = 0; i < sh->nf && !rc; i++)
		rc = line_field(x, &sh->f[i], &f[i], i);
	if (!rc && x->c.dec && buf_addc(&x->line, '}'))
		rc = -ENOBUFS;
	if (!rc && x->new_sess && x->cur_ts) {
		x->sess[x->cur_sess].t0 = x->cur_ts;
		x->sess[x->cur_sess].has |= 1;
	}
	if (!rc)
		rc = x->c.err;
out:
	buf_free(&st);
	return rc;
}
