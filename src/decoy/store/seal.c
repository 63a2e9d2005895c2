/* seal.c — sealed event segments: field coding, range coder, zlib text
 * pool (see seal.h and docs/store.md).
 *
 * Encoder and decoder are one code path: every coding step takes a value
 * and, when decoding, replaces it with the decoded one. Both sides update
 * the same adaptive models in the same order, so they cannot drift apart.
 */
#include "store/seal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "hash.h"
#include "strparse.h"

#define SEAL_MAGIC "TNKS"
#define SEAL_VERSION 1
#define SEAL_F_RAW 1u           /* every line is in the text pool as is */

/* Caps of one sealed segment. The encoder never exceeds them (a segment is
 * at most STORE_SEGMENT_MAX bytes of lines); the decoder refuses a header
 * that claims more, so corrupt flash cannot make it allocate without end. */
#define MAX_EVENTS (1u << 20)
#define MAX_TEXT (32u << 20)    /* raw lines, and the inflated text pool */
#define MAX_REFS 4096u
#define MAX_SHAPES 64           /* distinct (eventid, key list) per segment */
#define MAX_FIELDS 24           /* fields in one coded line */
#define MAX_KEY 32
#define MAX_DICTS 48            /* string dictionaries (one per key name) */
#define DICT_MTF 4096           /* entries a dictionary can refer back to */
#define SESS_MTF 1024           /* sessions a line can refer back to */
#define SID_LOOKAHEAD 64        /* skipped session counters we look past */
#define NUM_CACHE 8

/* The zlib preset dictionary: text that segments of any honeypot share
 * (event ids, keys, messages, the Mirai credential table). Part of format
 * version 1 — never change it without bumping SEAL_VERSION. */
static const char preset[] =
	"admin:admin root:root root:xc3511 root:vizxv root:888888 root:xmhdipc "
	"root:default root:juantech root:123456 root:54321 support:support "
	"root:12345 user:user admin:password root:1111 admin:smcadmin admin:1111 "
	"root:666666 root:password root:1234 root:klv123 Administrator:admin "
	"service:service supervisor:supervisor guest:guest guest:12345 admin1:password "
	"administrator:1234 666666:666666 888888:888888 ubnt:ubnt root:klv1234 "
	"root:Zte521 root:hi3518 root:jvbzd root:anko root:zlxx. root:7ujMko0vizxv "
	"root:7ujMko0admin root:system root:ikwb root:dreambox root:user root:realtek "
	"root:00000000 admin:1111111 admin:1234 admin:12345 admin:54321 admin:123456 "
	"admin:7ujMko0admin admin:pass admin:meinsm tech:tech mother:fucker telnetadmin "
	"enable system shell sh linuxshell ping ; sh /bin/busybox MIRAI ECCHI "
	"cat /proc/mounts; /bin/busybox wget http:// tftp -g -r cd /tmp || cd /var/run "
	"|| cd /mnt || cd /root || cd /; chmod 777 ; ./ rm -rf >/dev/null 2>&1 "
	"echo -ne '\\x7f\\x45\\x4c\\x46 dd bs=52 count=1 if=/bin/echo "
	"Saved redir contents New connection "
	"\",\"headers\":\"\",\"user_agent\":\"\",\"soapaction\":\"\",\"body\":\""
	"\",\"cve\":\"CVE-2017-17215\",\"door\":\"\",\"field\":\"NewStatusURL\","
	"\"command\":\"\",\"executed\":true,\"url\":\"\",\"applet\":\"wget\","
	"\"destfile\":\"\",\"shasum\":\"\",\"outfile\":\"\",\"size\":,\"reason\":\"\","
	"\"duplicate\":false,\"input\":\"\",\"message\":\"\",\"width\":,\"height\":,"
	"\"protocol\":\"telnet\",\"sensor\":\"tanuki\",\"dst_ip\":\"\",\"dst_port\":23,"
	"\"src_ip\":\"\",\"src_port\":,\"session\":\"\",\"timestamp\":\"\","
	"{\"eventid\":\"tanuki.daemon.start\tanuki.daemon.stop\tanuki.session.refused"
	"\ttanuki.store.evicted\ttanuki.exploit\ttanuki.http.request\ttanuki.su"
	"\ttanuki.download.request\tcowrie.client.size\tcowrie.session.file_download"
	"\tcowrie.command.failed\tcowrie.command.input\tcowrie.login.success"
	"\tcowrie.session.closed\tcowrie.session.connect\tcowrie.login.failed";

/* ---------------------------------------------------------------- time */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void put_digits(char *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void seal_format_time(int64_t us, char out[28])
{
	int64_t days, secs, y;
	unsigned m, d;

	if (us < 0 || us >= INT64_C(253402300800000000)) /* years 1970-9999 */
		us = 0;
	days = us / INT64_C(86400000000);
	secs = us / 1000000 % 86400;
	civil_from_days(days, &y, &m, &d);
	memcpy(out, "0000-00-00T00:00:00.000000Z", 28);
	put_digits(out, (uint64_t)y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, (uint64_t)(secs / 3600), 2);
	put_digits(out + 14, (uint64_t)(secs / 60 % 60), 2);
	put_digits(out + 17, (uint64_t)(secs % 60), 2);
	put_digits(out + 20, (uint64_t)(us % 1000000), 6);
}

static bool num_at(const char *s, int n, uint64_t *v)
{
	*v = 0;
	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return false;
		*v = *v * 10 + (uint64_t)(*s++ - '0');
	}
	return true;
}

bool seal_parse_time(const char *s, size_t n, int64_t *us)
{
	uint64_t y, mo, d, h, mi, se, f;
	char back[28];

	if (n != 27 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != '.' || s[26] != 'Z')
		return false;
	if (!num_at(s, 4, &y) || !num_at(s + 5, 2, &mo) || !num_at(s + 8, 2, &d) ||
	    !num_at(s + 11, 2, &h) || !num_at(s + 14, 2, &mi) || !num_at(s + 17, 2, &se) ||
	    !num_at(s + 20, 6, &f) || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || se > 59)
		return false;
	*us = ((days_from_civil((int64_t)y, (unsigned)mo, (unsigned)d) * 86400 +
		(int64_t)(h * 3600 + mi * 60 + se)) * 1000000) + (int64_t)f;
	seal_format_time(*us, back);
	return !memcmp(back, s, 27); /* Feb 30 and friends do not round-trip */
}

/* ---------------------------------------------------------- range coder */

#define PROB_BITS 15
#define PROB_INIT (1u << (PROB_BITS - 1))
#define MOVE_BITS 5
#define TOP (1u << 24)

struct codec {
	bool dec;
	int err;
	/* encoder */
	uint64_t low;
	uint32_t range;
	uint8_t cache;
	uint64_t csize;
	struct buf *out;
	/* decoder */
	uint32_t code;
	const uint8_t *in;
	size_t inlen, inpos;
};

static void shift_low(struct codec *c)
{
	if ((uint32_t)c->low < 0xff000000u || (c->low >> 32)) {
		uint8_t carry = (uint8_t)(c->low >> 32), t = c->cache;

		do {
			if (buf_addc(c->out, (char)(uint8_t)(t + carry)))
				c->err = -ENOBUFS;
			t = 0xff;
		} while (--c->csize);
		c->cache = (uint8_t)(c->low >> 24);
	}
	c->csize++;
	c->low = (c->low & 0x00ffffffu) << 8;
}

static uint8_t next_in(struct codec *c)
{
	if (c->inpos < c->inlen)
		return c->in[c->inpos++];
	c->err = -EBADMSG; /* a valid stream never reads past its end */
	return 0;
}

static void rc_init_enc(struct codec *c, struct buf *out)
{
	memset(c, 0, sizeof(*c));
	c->range = 0xffffffffu;
	c->csize = 1;
	c->out = out;
}

static void rc_init_dec(struct codec *c, const uint8_t *in, size_t n)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->dec = true;
	c->range = 0xffffffffu;
	c->in = in;
	c->inlen = n;
	for (i = 0; i < 5; i++)
		c->code = c->code << 8 | next_in(c);
}

static void rc_finish(struct codec *c)
{
	int i;

	for (i = 0; i < 5; i++)
		shift_low(c);
}

static unsigned c_bit(struct codec *c, uint16_t *p, unsigned bit)
{
	uint32_t bound = (c->range >> PROB_BITS) * *p;

	if (c->dec)
		bit = c->code >= bound;
	if (!bit) {
		c->range = bound;
		*p = (uint16_t)(*p + (((1u << PROB_BITS) - *p) >> MOVE_BITS));
	} else {
		if (c->dec)
			c->code -= bound;
		else
			c->low += bound;
		c->range -= bound;
		*p = (uint16_t)(*p - (*p >> MOVE_BITS));
	}
	while (c->range < TOP) {
		c->range <<= 8;
		if (c->dec)
			c->code = c->code << 8 | next_in(c);
		else
			shift_low(c);
	}
	return bit;
}

static uint64_t c_direct(struct codec *c, unsigned nbits, uint64_t v)
{
	uint64_t r = 0;

	while (nbits--) {
		unsigned bit = (unsigned)(v >> nbits) & 1;

		c->range >>= 1;
		if (c->dec) {
			bit = c->code >= c->range;
			if (bit)
				c->code -= c->range;
		} else if (bit) {
			c->low += c->range;
		}
		r = r << 1 | bit;
		while (c->range < TOP) {
			c->range <<= 8;
			if (c->dec)
				c->code = c->code << 8 | next_in(c);
			else
				shift_low(c);
		}
	}
	return r;
}

/* A bit tree over nbits (probs has 1 << nbits entries). */
static unsigned c_tree(struct codec *c, uint16_t *probs, unsigned nbits, unsigned v)
{
	unsigned m = 1, i;

	for (i = nbits; i-- > 0;)
		m = m << 1 | c_bit(c, &probs[m], (v >> i) & 1);
	return m - (1u << nbits);
}

/* Adaptive Elias-gamma-like integer: bit length by a 7-bit tree, the two
 * bits below the top one adaptive per length, the rest direct. */
struct ic {
	uint16_t len[128];
	uint16_t man[65][3];
};

static uint64_t c_uint(struct codec *c, struct ic *m, uint64_t v)
{
	unsigned n = 0, b1, b2;
	uint64_t r;

	if (!c->dec)
		for (r = v; r; r >>= 1)
			n++;
	n = c_tree(c, m->len, 7, n);
	if (n > 64) {
		c->err = -EBADMSG;
		return 0;
	}
	if (n <= 1)
		return n;
	r = 1;
	b1 = c_bit(c, &m->man[n][0], (unsigned)(v >> (n - 2)) & 1);
	r = r << 1 | b1;
	if (n >= 3) {
		b2 = c_bit(c, &m->man[n][1 + b1], (unsigned)(v >> (n - 3)) & 1);
		r = r << 1 | b2;
		r = r << (n - 3) | c_direct(c, n - 3, v);
	}
	return r;
}

static uint64_t zz(int64_t v)
{
	return v < 0 ? ((uint64_t)(-(v + 1)) << 1) | 1 : (uint64_t)v << 1;
}

static int64_t unzz(uint64_t v)
{
	return v & 1 ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
}

static void probs_init(uint16_t *p, size_t n)
{
	while (n--)
		p[n] = PROB_INIT;
}

/* A prior for integers: bit lengths of 16 and more are unlikely at first,
 * so fields that never change cost next to nothing from the first line. */
static void ic_init(struct ic *m)
{
	unsigned i;

	probs_init(m->len, 128);
	probs_init(&m->man[0][0], sizeof m->man / sizeof(uint16_t));
	for (i = 1; i < 8; i++)
		m->len[i] = (1u << PROB_BITS) - (1u << (PROB_BITS - 5));
}

#define INIT_PROBS(x) probs_init((uint16_t *)(void *)&(x), sizeof(x) / sizeof(uint16_t))

/* ------------------------------------------------------------- parsing */

enum { K_CONST = 'E', K_STR = 'S', K_NUM = 'N', K_BOOL = 'B' };
enum { H_NONE, H_TIME, H_SESS, H_DUR, H_IP, H_STR, H_NUM, H_BOOL };

struct fld {
	const char *key;
	size_t klen;
	char kind;
	const char *v; /* string: escaped text between the quotes */
	size_t vlen;
	int64_t num;
};

static bool key_ok(const char *k, size_t n)
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
static size_t str_body(const char *p, size_t n, bool *ok)
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

static bool parse_int(const char *p, size_t n, int64_t *v)
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
static bool parse_line(const char *p, size_t n, struct fld *f, size_t *nf)
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
		kl = str_body(p + i + 1, n - i - 1, &ok);
		if (!ok || !key_ok(p + i + 1, kl))
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
			f[k].vlen = str_body(p + i + 1, n - i - 1, &ok);
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
			if (!parse_int(p + i, j - i, &f[k].num))
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

static void render_int(struct buf *b, int64_t v, int *err)
{
	char t[24];
	int n = snprintf(t, sizeof t, "%lld", (long long)v);

	if (buf_add(b, t, (size_t)n))
		*err = -ENOBUFS;
}

/* --------------------------------------------------------- coder state */

struct fmodel {
	uint8_t how;
	int8_t slot;       /* session-predicted value: src_ip, dst_ip, src_port, dst_port */
	uint8_t dict;      /* string dictionary */
	char kind;
	char key[MAX_KEY + 1];
	uint8_t klen;
	char *cval;        /* K_CONST: the text */
	size_t clen;
	uint16_t sym[16];
	uint16_t flag[4];
	struct ic a, b;
	int64_t cache[NUM_CACHE];
};

struct shape {
	char *text; /* serialized, for lookup */
	size_t tlen;
	size_t nf;
	struct fmodel *f;
};

struct dict {
	char key[MAX_KEY + 1];
	uint32_t *mtf;
	uint32_t n;
};

struct sess {
	char id[SEAL_SID_LEN];
	int64_t t0;
	uint32_t ip[2];
	int64_t port[2];
	uint8_t last_shape; /* index + 1 */
	uint8_t has; /* bits: t0, ip0, ip1, port0, port1 */
};

struct ctx {
	struct codec c;
	uint8_t key[SEAL_KEY_LEN];
	/* text pool: encoder appends, decoder reads */
	struct buf pool;
	size_t ppos;
	/* strings of all dictionaries */
	char *arena;
	size_t alen, acap;
	uint32_t *eoff, *elen;
	uint32_t nent, ecap;
	struct dict dicts[MAX_DICTS];
	size_t ndicts;
	struct shape shapes[MAX_SHAPES];
	size_t nshapes;
	struct ic shape_m[MAX_SHAPES + 2];
	struct sess *sess;
	uint32_t nsess, scap;
	uint32_t smtf[SESS_MTF];
	uint32_t nsmtf;
	uint64_t next_seq;
	int64_t prev_ts;
	unsigned prev_shape; /* context of the shape number: last shape + 1 */
	/* per line */
	int64_t cur_ts;
	int cur_sess;
	bool has_sid, new_sess;
	char sid[64];   /* the line's session text */
	size_t sid_n;
	struct fmodel sm; /* the session model */
	struct ic sshape_m[MAX_SHAPES + 1]; /* shape after a session's last one */
	struct buf line; /* decoder: the rendered line */
};

static void ctx_init(struct ctx *x, bool dec)
{
	size_t i;

	memset(x, 0, sizeof(*x));
	(void)dec;
	buf_init(&x->pool, MAX_TEXT);
	buf_init(&x->line, MAX_TEXT);
	for (i = 0; i < MAX_SHAPES + 2; i++)
		ic_init(&x->shape_m[i]);
	for (i = 0; i < MAX_SHAPES + 1; i++)
		ic_init(&x->sshape_m[i]);
	INIT_PROBS(x->sm.sym);
	ic_init(&x->sm.a);
	ic_init(&x->sm.b);
}

static void ctx_free(struct ctx *x)
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

static int grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
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

static int add_entry(struct ctx *x, const char *s, size_t n, uint32_t *id)
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

static void mtf_front(uint32_t *a, uint32_t *n, uint32_t cap, uint32_t pos, uint32_t v)
{
	if (pos >= *n) { /* insert new */
		pos = *n < cap ? (*n)++ : cap - 1;
	}
	memmove(a + 1, a, (size_t)pos * sizeof(*a));
	a[0] = v;
}

/* Text pool entries: LEB128 length, bytes. */
static int pool_put(struct ctx *x, const char *s, size_t n)
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

static int pool_get(struct ctx *x, const char **s, size_t *n)
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
static int shape_make(struct ctx *x, const char *t, size_t n, struct shape *sh)
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
		if (!key_ok(t + 1, kl) || (m->kind == K_CONST && !eq) ||
		    (m->kind != K_CONST && m->kind != K_STR && m->kind != K_NUM && m->kind != K_BOOL))
			return -EBADMSG;
		memcpy(m->key, t + 1, kl);
		m->klen = (uint8_t)kl;
		m->slot = -1;
		INIT_PROBS(m->sym);
		INIT_PROBS(m->flag);
		ic_init(&m->a);
		ic_init(&m->b);
		if (m->kind == K_CONST) {
			bool ok;

			m->clen = len - kl - 2;
			if (str_body(eq + 1, m->clen, &ok), ok) /* a bare quote inside */
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

static void shape_drop(struct shape *sh)
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
static int shape_text(const struct fld *f, size_t nf, struct buf *t)
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

	if (x->nsess >= MAX_EVENTS || grow((void **)&x->sess, &x->scap, x->nsess + 1, sizeof(*s)))
		return -ENOMEM;
	s = &x->sess[x->nsess];
	memset(s, 0, sizeof(*s));
	memcpy(s->id, id, SEAL_SID_LEN);
	mtf_front(x->smtf, &x->nsmtf, SESS_MTF, x->nsmtf, x->nsess);
	x->cur_sess = (int)x->nsess++;
	return 0;
}

/* --------------------------------------------------------- field coding */

/* A string through the field's dictionary (move-to-front rank, or new). */
static int code_dict(struct ctx *x, struct fmodel *m, const char **v, size_t *n,
		     uint32_t *eid)
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
	sym = c_uint(&x->c, &m->a, r < d->n ? (uint64_t)r + 1 : 0);
	if (x->c.err)
		return x->c.err;
	if (sym) {
		if (sym > d->n)
			return -EBADMSG;
		r = (uint32_t)(sym - 1);
		*eid = d->mtf[r];
		mtf_front(d->mtf, &d->n, DICT_MTF, r, *eid);
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
			isv4 = c_bit(&x->c, &m->flag[3], isv4);
		if (isv4) {
			uint32_t a = (uint32_t)c_direct(&x->c, 32,
							(uint64_t)o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3]);
			int l = snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
					 a >> 8 & 255, a & 255);

			if ((rc = add_entry(x, tmp, (size_t)l, eid)))
				return rc;
		} else {
			if (x->c.dec) {
				if ((rc = pool_get(x, v, n)))
					return rc;
			} else if ((rc = pool_put(x, *v, *n))) {
				return rc;
			}
			if ((rc = add_entry(x, *v, *n, eid)))
				return rc;
		}
		mtf_front(d->mtf, &d->n, DICT_MTF, d->n, *eid);
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
		unsigned same = !x->c.dec && x->elen[e] == *n &&
				!memcmp(x->arena + x->eoff[e], *v, *n);

		if (c_bit(&x->c, &m->flag[2], same)) {
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
		if (c_bit(&x->c, &m->flag[2], !x->c.dec && *v == s->port[ps])) {
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
	r = c_tree(&x->c, m->sym, 4, r);
	if (r < NUM_CACHE) {
		*v = m->cache[r];
	} else if (r == NUM_CACHE) {
		*v = unzz(c_uint(&x->c, &m->b, zz(*v)));
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
	unsigned ok = !x->c.dec && seal_parse_time(*v, *n, &ts), neg;
	uint32_t eid;

	if (!c_bit(&x->c, &m->flag[0], ok))
		return code_dict(x, m, v, n, &eid);
	d = ts - x->prev_ts;
	neg = c_bit(&x->c, &m->flag[1], d < 0);
	q = c_uint(&x->c, &m->a, (uint64_t)(d < 0 ? -d : d) / 1000);
	r = c_uint(&x->c, &m->b, (uint64_t)(d < 0 ? -d : d) % 1000);
	if (x->c.dec) {
		if (q > (UINT64_C(1) << 48) || r >= 1000)
			return -EBADMSG;
		d = (int64_t)(q * 1000 + r);
		ts = x->prev_ts + (neg ? -d : d);
		if (ts < 0 || ts >= INT64_C(253402300800000000))
			return -EBADMSG;
		seal_format_time(ts, tb);
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
	sym = c_tree(&x->c, m->sym, 3, sym);
	x->cur_sess = -1;
	x->has_sid = sym != 0;
	x->sid_n = 0;
	switch (sym) {
	case 0:
	case 1:
		break;
	case 2:
		r = (unsigned)c_uint(&x->c, &m->a, r);
		if (r >= x->nsmtf)
			return -EBADMSG;
		x->cur_sess = (int)x->smtf[r];
		mtf_front(x->smtf, &x->nsmtf, SESS_MTF, r, x->smtf[r]);
		memcpy(x->sid, x->sess[x->cur_sess].id, SEAL_SID_LEN);
		x->sid_n = SEAL_SID_LEN;
		break;
	case 3:
		skip = c_uint(&x->c, &m->b, skip);
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
			if ((rc = pool_get(x, &v, &n)))
				return rc;
		} else if ((rc = pool_put(x, v, n))) {
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
	    !parse_int(p, n - 2, &i) || i < 0)
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
	sym = c_tree(&x->c, m->sym, 2, sym);
	if (sym == 2)
		return code_dict(x, m, v, n, &eid);
	if (sym == 3)
		return -EBADMSG;
	if (sym == 1)
		t = p + unzz(c_uint(&x->c, &m->a, zz(t - p)));
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

/* Codes (or decodes into x->line) one line. */
static int code_line(struct ctx *x, const char *line, size_t len, bool force_raw)
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
	if (!x->c.dec && !force_raw && parse_line(line, len, f, &nf) && nf &&
	    !shape_text(f, nf, &st)) {
		for (i = 0; i < x->nshapes; i++)
			if (x->shapes[i].tlen == st.len && !memcmp(x->shapes[i].text, st.p, st.len))
				break;
		if (i < x->nshapes)
			sym = i + 2;
		else if (x->nshapes < MAX_SHAPES)
			sym = 1;
	}
	{
		const char *sv = NULL;
		size_t sn = 0, k, cnt = 0;

		for (k = 0; sym && k < nf; k++)
			if (f[k].kind == K_STR && f[k].klen == 7 && !memcmp(f[k].key, "session", 7)) {
				sv = f[k].v, sn = f[k].vlen, cnt++;
				if (sn > SEAL_SID_LEN * 4)
					cnt = 2; /* long texts stay in their dictionary */
			}
		if (cnt > 1)
			sym = 0, sv = NULL; /* the line is kept raw */
		if ((rc = code_sess(x, sv != NULL, sv, sn)))
			goto out;
	}
	if (x->cur_sess >= 0 && x->sess[x->cur_sess].last_shape)
		sym = c_uint(&x->c, &x->sshape_m[x->sess[x->cur_sess].last_shape], sym);
	else
		sym = c_uint(&x->c, &x->shape_m[x->prev_shape], sym);
	x->prev_shape = 0;
	if (x->c.err) {
		rc = x->c.err;
		goto out;
	}
	if (sym == 0 && x->has_sid) {
		rc = -EBADMSG;
		goto out;
	}
	if (sym == 0) { /* raw */
		const char *t = line;
		size_t n = len;

		if (x->c.dec) {
			if ((rc = pool_get(x, &t, &n)))
				goto out;
			if (buf_add(&x->line, t, n))
				rc = -ENOBUFS;
		} else {
			rc = pool_put(x, line, len);
		}
		goto out;
	}
	if (sym == 1) {
		const char *t = st.p;
		size_t n = st.len;

		if (x->nshapes >= MAX_SHAPES) {
			rc = -EBADMSG;
			goto out;
		}
		if (x->c.dec && (rc = pool_get(x, &t, &n)))
			goto out;
		if (!x->c.dec && (rc = pool_put(x, t, n)))
			goto out;
		if ((rc = shape_make(x, t, n, &x->shapes[x->nshapes]))) {
			shape_drop(&x->shapes[x->nshapes]);
			goto out;
		}
		sh = &x->shapes[x->nshapes++];
	} else {
		if (sym - 2 >= x->nshapes) {
			rc = -EBADMSG;
			goto out;
		}
		sh = &x->shapes[sym - 2];
	}
	x->prev_shape = (unsigned)(sh - x->shapes) + 1;
	{
		size_t k, ns = 0;

		for (k = 0; k < sh->nf; k++)
			ns += sh->f[k].how == H_SESS;
		if (ns != (x->has_sid ? 1u : 0u)) {
			rc = -EBADMSG;
			goto out;
		}
	}
	if (x->cur_sess >= 0)
		x->sess[x->cur_sess].last_shape = (uint8_t)x->prev_shape;
	if (x->c.dec)
		rc = buf_addc(&x->line, '{') ? -ENOBUFS : 0;
	for (i = 0; i < sh->nf && !rc; i++) {
		struct fmodel *m = &sh->f[i];
		const char *v = m->cval;
		size_t n = m->clen;
		int64_t num = 0;
		char tb[32];

		if (!x->c.dec) {
			v = f[i].v;
			n = f[i].vlen;
			num = f[i].num;
		}
		switch (m->how) {
		case H_NONE: v = m->cval; n = m->clen; break;
		case H_TIME: rc = code_time(x, m, &v, &n, tb); break;
		case H_SESS: v = x->sid; n = x->sid_n; break;
		case H_DUR: rc = code_dur(x, m, &v, &n, tb); break;
		case H_IP:
		case H_STR: rc = code_str(x, m, &v, &n); break;
		case H_NUM: rc = code_num(x, m, &num); break;
		default: num = c_bit(&x->c, &m->flag[0], (unsigned)num); break;
		}
		if (rc || !x->c.dec)
			continue;
		if ((i && buf_addc(&x->line, ',')) || buf_addc(&x->line, '"') ||
		    buf_add(&x->line, m->key, m->klen) || buf_add(&x->line, "\":", 2)) {
			rc = -ENOBUFS;
			break;
		}
		if (m->kind == K_NUM) {
			render_int(&x->line, num, &rc);
		} else if (m->kind == K_BOOL) {
			if (buf_adds(&x->line, num ? "true" : "false"))
				rc = -ENOBUFS;
		} else if (buf_addc(&x->line, '"') || buf_add(&x->line, v, n) ||
			   buf_addc(&x->line, '"')) {
			rc = -ENOBUFS;
		}
	}
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

/* --------------------------------------------------------- file framing */

/* The "timestamp" of a line, for first/last and --since/--until. */
static bool line_time(const char *p, size_t n, int64_t *ts)
{
	static const char k[] = "\"timestamp\":\"";
	size_t i;

	for (i = 0; i + sizeof k - 1 + 27 <= n; i++)
		if (p[i] == '"' && !memcmp(p + i, k, sizeof k - 1))
			return seal_parse_time(p + i + sizeof k - 1, 27, ts);
	return false;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put64(uint8_t *p, int64_t v)
{
	put32(p, (uint32_t)(uint64_t)v);
	put32(p + 4, (uint32_t)((uint64_t)v >> 32));
}

static int64_t get64(const uint8_t *p)
{
	return (int64_t)((uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32);
}

int seal_check(const uint8_t *p, size_t n, struct seal_info *in)
{
	uint32_t pool_z, code_len;
	uint64_t need;

	memset(in, 0, sizeof(*in));
	if (n < SEAL_HDR_LEN + 4 || memcmp(p, SEAL_MAGIC, 4))
		return -EBADMSG;
	in->version = get32(p + 4) & 0xffff;
	in->flags = get32(p + 4) >> 16;
	in->nevents = get32(p + 8);
	in->raw_len = get32(p + 12);
	in->first_us = get64(p + 16);
	in->last_us = get64(p + 24);
	memcpy(in->key, p + 32, SEAL_KEY_LEN);
	pool_z = get32(p + 52);
	code_len = get32(p + 56);
	in->nrefs = get32(p + 60);
	if (in->version != SEAL_VERSION || in->nevents > MAX_EVENTS || in->raw_len > MAX_TEXT ||
	    get32(p + 48) > MAX_TEXT || in->nrefs > MAX_REFS)
		return -EBADMSG;
	need = (uint64_t)SEAL_HDR_LEN + (uint64_t)in->nrefs * 32 + pool_z + code_len + 4;
	if (need != n)
		return -EBADMSG;
	if ((uint32_t)crc32(0, p, (uInt)(n - 4)) != get32(p + n - 4))
		return -EBADMSG;
	in->refs = p + SEAL_HDR_LEN;
	return 0;
}

static int inflate_pool(const uint8_t *z, size_t zn, size_t raw, struct buf *out)
{
	z_stream s;
	int rc;

	memset(&s, 0, sizeof s);
	if (inflateInit2(&s, 15) != Z_OK)
		return -ENOMEM;
	{
		char *dst = malloc(raw ? raw : 1);

		if (!dst) {
			inflateEnd(&s);
			return -ENOMEM;
		}
		s.next_in = (Bytef *)(uintptr_t)z;
		s.avail_in = (uInt)zn;
		s.next_out = (Bytef *)dst;
		s.avail_out = (uInt)raw;
		rc = inflate(&s, Z_FINISH);
		if (rc == Z_NEED_DICT &&
		    inflateSetDictionary(&s, (const Bytef *)preset, sizeof preset - 1) == Z_OK)
			rc = inflate(&s, Z_FINISH);
		if (rc != Z_STREAM_END || s.total_out != raw || s.avail_in)
			rc = -EBADMSG;
		else
			rc = buf_add(out, dst, raw) ? -ENOMEM : 0;
		free(dst);
	}
	inflateEnd(&s);
	return rc;
}

int seal_decode(const uint8_t *p, size_t n, seal_line_fn fn, void *arg)
{
	struct seal_info in;
	struct ctx *x;
	uint32_t i, pool_z, code_len;
	const uint8_t *pz;
	uint64_t total = 0;
	int rc;

	if ((rc = seal_check(p, n, &in)))
		return rc;
	pool_z = get32(p + 52);
	code_len = get32(p + 56);
	pz = p + SEAL_HDR_LEN + (size_t)in.nrefs * 32;
	x = malloc(sizeof(*x));
	if (!x)
		return -ENOMEM;
	ctx_init(x, true);
	memcpy(x->key, in.key, SEAL_KEY_LEN);
	if ((rc = inflate_pool(pz, pool_z, get32(p + 48), &x->pool)))
		goto out;
	rc_init_dec(&x->c, pz + pool_z, code_len);
	for (i = 0; i < in.nevents && !rc; i++) {
		int64_t ts;

		buf_reset(&x->line);
		if (in.flags & SEAL_F_RAW) {
			const char *t;
			size_t tn;

			if (!(rc = pool_get(x, &t, &tn)) && buf_add(&x->line, t, tn))
				rc = -ENOBUFS;
		} else {
			rc = code_line(x, NULL, 0, false);
		}
		if (rc)
			break;
		total += x->line.len + 1;
		if (total > in.raw_len || memchr(x->line.p, '\n', x->line.len)) {
			rc = -EBADMSG;
			break;
		}
		ts = 0;
		line_time(x->line.p, x->line.len, &ts);
		rc = fn(arg, x->line.p, x->line.len, ts);
	}
	if (!rc && (total != in.raw_len || x->ppos != x->pool.len))
		rc = -EBADMSG;
out:
	ctx_free(x);
	free(x);
	return rc;
}

/* ----------------------------------------------------------- encoding */

struct cmp {
	const char *text;
	size_t n, pos;
	bool bad;
};

static int cmp_line(void *arg, const char *line, size_t n, int64_t ts)
{
	struct cmp *c = arg;
	const char *e;

	(void)ts;
	e = c->pos < c->n ? memchr(c->text + c->pos, '\n', c->n - c->pos) : NULL;
	if (!e || (size_t)(e - c->text) - c->pos != n || memcmp(c->text + c->pos, line, n)) {
		c->bad = true;
		return 1;
	}
	c->pos += n + 1;
	return 0;
}

/* SHA-256 digests named by "shasum" fields, once each. */
static void add_ref(struct buf *refs, const char *line, size_t n)
{
	const char *k = memmem(line, n, "\"shasum\":\"", 10);
	uint8_t h[32];
	size_t i;

	if (!k || (size_t)(k - line) + 10 + 64 >= n || k[10 + 64] != '"')
		return;
	if (!sp_hexbytes(k + 10, h, 32))
		return;
	for (i = 0; i + 32 <= refs->len; i += 32)
		if (!memcmp(refs->p + i, h, 32))
			return;
	buf_add(refs, h, 32);
}

static int encode(const char *text, size_t n, const uint8_t key[SEAL_KEY_LEN],
		  struct buf *out, bool raw)
{
	struct ctx *x = malloc(sizeof(*x));
	struct buf code, refs;
	uint8_t hdr[SEAL_HDR_LEN], crc[4];
	size_t pos = 0;
	uint32_t nev = 0, raw_len = 0;
	int64_t first = 0, last = 0;
	z_stream z;
	int rc = 0;

	if (!x)
		return -ENOMEM;
	ctx_init(x, false);
	memcpy(x->key, key, SEAL_KEY_LEN);
	buf_init(&code, MAX_TEXT);
	buf_init(&refs, MAX_REFS * 32);
	rc_init_enc(&x->c, &code);
	while (pos < n && !rc) {
		const char *e = memchr(text + pos, '\n', n - pos);
		size_t len;
		int64_t ts;
		const char *k;

		if (!e)
			break; /* a torn last line is not sealed */
		len = (size_t)(e - text) - pos;
		if (nev >= MAX_EVENTS) {
			rc = -EFBIG;
			break;
		}
		(void)k;
		if (line_time(text + pos, len, &ts)) {
			if (!first)
				first = ts;
			last = ts;
		}
		add_ref(&refs, text + pos, len);
		if (raw)
			rc = pool_put(x, text + pos, len);
		else
			rc = code_line(x, text + pos, len, false);
		nev++;
		raw_len += (uint32_t)len + 1;
		pos += len + 1;
	}
	rc_finish(&x->c);
	if (!rc)
		rc = x->c.err;
	if (rc)
		goto out;
	/* the text pool through zlib with the preset dictionary */
	memset(&z, 0, sizeof z);
	buf_reset(out);
	memset(hdr, 0, sizeof hdr);
	if (buf_add(out, hdr, sizeof hdr) || buf_add(out, refs.p, refs.len)) {
		rc = -ENOBUFS;
		goto out;
	}
	if (deflateInit2(&z, 9, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
		rc = -ENOMEM;
		goto out;
	}
	deflateSetDictionary(&z, (const Bytef *)preset, sizeof preset - 1);
	{
		size_t bound = deflateBound(&z, (uLong)x->pool.len) + 64, start = out->len;

		if (out->len + bound > out->max) {
			deflateEnd(&z);
			rc = -ENOBUFS;
			goto out;
		}
		/* grow once, then deflate straight into the buffer */
		{
			char *tmp = malloc(bound);

			if (!tmp) {
				deflateEnd(&z);
				rc = -ENOMEM;
				goto out;
			}
			z.next_in = (Bytef *)x->pool.p;
			z.avail_in = (uInt)x->pool.len;
			z.next_out = (Bytef *)tmp;
			z.avail_out = (uInt)bound;
			if (deflate(&z, Z_FINISH) != Z_STREAM_END)
				rc = -ENOBUFS;
			else if (buf_add(out, tmp, z.total_out))
				rc = -ENOBUFS;
			free(tmp);
		}
		deflateEnd(&z);
		if (rc)
			goto out;
		memcpy(hdr, SEAL_MAGIC, 4);
		put32(hdr + 4, SEAL_VERSION | (raw ? SEAL_F_RAW : 0u) << 16);
		put32(hdr + 8, nev);
		put32(hdr + 12, raw_len);
		put64(hdr + 16, first);
		put64(hdr + 24, last);
		memcpy(hdr + 32, key, SEAL_KEY_LEN);
		put32(hdr + 48, (uint32_t)x->pool.len);
		put32(hdr + 52, (uint32_t)(out->len - start));
		put32(hdr + 56, (uint32_t)code.len);
		put32(hdr + 60, (uint32_t)(refs.len / 32));
	}
	if (buf_add(out, code.p, code.len)) {
		rc = -ENOBUFS;
		goto out;
	}
	memcpy(out->p, hdr, sizeof hdr);
	put32(crc, (uint32_t)crc32(0, (const Bytef *)out->p, (uInt)out->len));
	if (buf_add(out, crc, 4))
		rc = -ENOBUFS;
out:
	ctx_free(x);
	free(x);
	buf_free(&code);
	buf_free(&refs);
	return rc;
}

int seal_encode(const char *text, size_t n, const uint8_t key[SEAL_KEY_LEN],
		struct buf *out)
{
	struct cmp c = {text, 0, 0, false};
	const char *e;
	int rc;

	/* only complete lines are sealed */
	for (e = text + n; e > text && e[-1] != '\n'; e--)
		;
	c.n = (size_t)(e - text);
	rc = encode(text, c.n, key, out, false);
	if (!rc) {
		rc = seal_decode((const uint8_t *)out->p, out->len, cmp_line, &c);
		if (rc || c.bad || c.pos != c.n)
			rc = -EPROTO;
	}
	if (rc == -EPROTO || rc == -EBADMSG) {
		/* must not happen; keep the lines anyway */
		c.pos = 0;
		c.bad = false;
		rc = encode(text, c.n, key, out, true);
	}
	return rc;
}
