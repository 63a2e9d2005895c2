/* seal.c — sealed event segments: the file format (header, references,
 * zlib text pool, coded lines, CRC) and the API (see seal.h and
 * docs/store.md). The field coders are in sealcode.c and sealfld.c, the
 * range coder in rc.c.
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

#include "isotime.h"
#include "store/seal_int.h"
#include "strparse.h"

#define SEAL_MAGIC "TNKS"
#define SEAL_VERSION 1
#define SEAL_F_RAW 1u /* every line is in the text pool as is */

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

/* --------------------------------------------------------- file framing */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
	p[3] = (uint8_t)(v >> 24);
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
	seal_ctx_init(x, true);
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

			if (!(rc = seal_pool_get(x, &t, &tn)) && buf_add(&x->line, t, tn))
				rc = -ENOBUFS;
		} else {
			rc = seal_code_line(x, NULL, 0, false);
		}
		if (rc)
			break;
		total += x->line.len + 1;
		if (total > in.raw_len || memchr(x->line.p, '\n', x->line.len)) {
			rc = -EBADMSG;
			break;
		}
		ts = 0;
		iso_line_time(x->line.p, x->line.len, &ts);
		rc = fn(arg, x->line.p, x->line.len, ts);
	}
	if (!rc && (total != in.raw_len || x->ppos != x->pool.len))
		rc = -EBADMSG;
out:
	seal_ctx_free(x);
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

/* Appends the text pool deflated with the preset dictionary to out. */
static int deflate_pool(const struct buf *pool, struct buf *out)
{
	z_stream z;
	size_t bound;
	char *tmp;
	int rc = 0;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	deflateSetDictionary(&z, (const Bytef *)preset, sizeof preset - 1);
	bound = deflateBound(&z, (uLong)pool->len) + 64;
	if (out->len + bound > out->max) {
		deflateEnd(&z);
		return -ENOBUFS;
	}
	tmp = malloc(bound);
	if (!tmp) {
		deflateEnd(&z);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)pool->p;
	z.avail_in = (uInt)pool->len;
	z.next_out = (Bytef *)tmp;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END || buf_add(out, tmp, z.total_out))
		rc = -ENOBUFS;
	free(tmp);
	deflateEnd(&z);
	return rc;
}

static int encode(const char *text, size_t n, const uint8_t key[SEAL_KEY_LEN], struct buf *out,
		  bool raw)
{
	struct ctx *x = malloc(sizeof(*x));
	struct buf code, refs;
	uint8_t hdr[SEAL_HDR_LEN], crc[4];
	size_t pos = 0;
	uint32_t nev = 0, raw_len = 0;
	int64_t first = 0, last = 0;
	size_t start;
	int rc = 0;

	if (!x)
		return -ENOMEM;
	seal_ctx_init(x, false);
	memcpy(x->key, key, SEAL_KEY_LEN);
	buf_init(&code, MAX_TEXT);
	buf_init(&refs, MAX_REFS * 32);
	rc_init_enc(&x->c, &code);
	while (pos < n && !rc) {
		const char *e = memchr(text + pos, '\n', n - pos);
		size_t len;
		int64_t ts;

		if (!e)
			break; /* a torn last line is not sealed */
		len = (size_t)(e - text) - pos;
		if (nev >= MAX_EVENTS) {
			rc = -EFBIG;
			break;
		}
		if (iso_line_time(text + pos, len, &ts)) {
			if (!first)
				first = ts;
			last = ts;
		}
		add_ref(&refs, text + pos, len);
		if (raw)
			rc = seal_pool_put(x, text + pos, len);
		else
			rc = seal_code_line(x, text + pos, len, false);
		nev++;
		raw_len += (uint32_t)len + 1;
		pos += len + 1;
	}
	rc_finish(&x->c);
	if (!rc)
		rc = x->c.err;
	if (rc)
		goto out;
	buf_reset(out);
	memset(hdr, 0, sizeof hdr);
	if (buf_add(out, hdr, sizeof hdr) || buf_add(out, refs.p, refs.len)) {
		rc = -ENOBUFS;
		goto out;
	}
	start = out->len;
	if ((rc = deflate_pool(&x->pool, out)))
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
	if (buf_add(out, code.p, code.len)) {
		rc = -ENOBUFS;
		goto out;
	}
	memcpy(out->p, hdr, sizeof hdr);
	put32(crc, (uint32_t)crc32(0, (const Bytef *)out->p, (uInt)out->len));
	if (buf_add(out, crc, 4))
		rc = -ENOBUFS;
out:
	seal_ctx_free(x);
	free(x);
	buf_free(&code);
	buf_free(&refs);
	return rc;
}

int seal_encode(const char *text, size_t n, const uint8_t key[SEAL_KEY_LEN], struct buf *out)
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
