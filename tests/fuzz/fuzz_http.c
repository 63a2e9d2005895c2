/* fuzz_http.c — the HTTP request reader and the SOAP command finder, fed in
 * random-sized pieces with random flushes, as idle timers and closes would. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/door.h"
#include "proto/http.h"

static size_t total;

static void check(const struct http_req *q)
{
	struct door_cmd c[CAP_HTTP_CMDS];
	char act[64], *dec;
	size_t n, i, dn;

	if (q->body.n > CAP_HTTP_BODY || q->nhdrs > CAP_HTTP_HEADERS ||
	    q->method.n + q->path.n + q->version.n > CAP_HTTP_HEAD)
		__builtin_trap();
	for (i = 0; i < q->nhdrs; i++)
		total += q->hdrs[i].name.n + q->hdrs[i].value.n;
	if (door_soap_action(q, act, sizeof act) && strlen(act) >= sizeof act)
		__builtin_trap();
	dec = malloc(q->body.n + 1);
	if (!dec)
		return;
	dn = door_xml_decode(q->body.p, q->body.n, dec, q->body.n);
	if (dn > q->body.n)
		__builtin_trap();
	n = door_commands(dec, dn, c, CAP_HTTP_CMDS);
	for (i = 0; i < n; i++) {
		if (c[i].p < dec || c[i].p + c[i].n > dec + dn)
			__builtin_trap();
		total += c[i].n;
	}
	free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct http_reader r;
	struct http_req q;
	size_t off = 0;
	unsigned seg = n ? (d[0] & 31) : 0;

	http_init(&r, n && (d[0] & 0x80) ? HTTP_F_EMPTY_REQ : 0);
	while (off < n) {
		size_t want = seg ? (n - off < seg ? n - off : seg) : n - off, k;
		bool flush = (d[off] & 0x60) == 0x60;

		k = http_feed(&r, d + off, want);
		if (k > want)
			__builtin_trap();
		while (http_next(&r, &q, flush))
			check(&q);
		if (!k && !(k = http_feed(&r, d + off, want)))
			k = want; /* still full after delivery: count them dropped */
		off += k;
	}
	while (http_next(&r, &q, true))
		check(&q);
	http_free(&r);
	return 0;
}
