/* door.h — what the HTTP exploit doors (hg532.c, miniigd.c) share: the
 * request reader wired to a session (feed, flush on idle and on the peer's
 * close), the tanuki.http.request event, the commands taken out of a SOAP
 * body and run in a shell of the session's own, and tanuki.exploit.
 *
 * A door engine supplies a struct door_ops and uses door_start/door_feed/
 * door_eof/door_timer/door_end as its engine hooks. The door owns its
 * reader and its shell; door_end() releases both (sh_end first, so files
 * the injected commands built are captured).
 */
#ifndef TANUKI_DOOR_H
#define TANUKI_DOOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/engine.h"
#include "proto/http.h"
#include "sh/sh.h"

struct door;

struct door_ops {
	const char *kind; /* the listener proto, the persona's http/<kind>/ folder */
	const char *cve;  /* for tanuki.exploit */
	unsigned http_flags;
	/* Answers one request (already logged). May call door_done(). */
	void (*request)(struct door *d, const struct http_req *q);
};

struct door {
	struct session *s;
	const struct door_ops *ops;
	const struct persona *persona;
	const uint8_t *seed; /* the unit's (eng_start) */
	const char *id;	     /* the session's */
	struct http_reader rd;
	struct eng_shell *shell; /* made or taken up at the first injected command */
	uint32_t seq;		 /* requests answered, for per-request values (nonces) */
	bool done;		 /* answered for the last time: the rest is ignored */
	bool closing;		 /* door_done(): close once the whole requests buffered are run */
};

/* A command taken out of a body: [p, p+n) of the decoded body, and the
 * element it sat in ("NewStatusURL"), possibly empty. */
struct door_cmd {
	const char *p;
	size_t n;
	char field[48];
};

int door_start(struct session *s, const struct eng_start *a, void **st, const struct door_ops *ops);
int door_feed(struct session *s, void *st, const uint8_t *p, size_t n);
void door_eof(struct session *s, void *st);
void door_timer(struct session *s, void *st);
void door_end(struct session *s, void *st);

/* The answer said "Connection: close": requests already whole in the
 * buffer are still answered in order, then the connection closes (once
 * the answers left) and the rest is ignored. */
void door_done(struct door *d);
/* Queues bytes for the peer. */
void door_write(struct door *d, const void *p, size_t n);

/* Decodes XML entities (&amp; &lt; &gt; &quot; &apos; &#N; &#xN;) from
 * [p, p+n) into out (at most cap bytes; decoding never grows text).
 * Unknown or broken entities stay as they are. Returns the length. */
size_t door_xml_decode(const char *p, size_t n, char *out, size_t cap);
/* Finds the $( … ) and ` … ` segments of a (decoded) body, in order, at most
 * max; an unterminated one runs to the next '<' or the end. Segments that
 * are only blanks are skipped. Returns how many were found. */
size_t door_commands(const char *p, size_t n, struct door_cmd *out, size_t max);
/* The SOAP action: after '#' in a SOAPAction header, else the first element
 * inside <…Body>. Writes it NUL-terminated into out; false if none. */
bool door_soap_action(const struct http_req *q, char *out, size_t cap);
/* Takes the commands out of q's body, logs tanuki.exploit for each (with
 * `action`, which may be NULL) and, if `run`, runs them through sh_inject()
 * in the door's shell. Returns the number of commands found. */
size_t door_inject(struct door *d, const struct http_req *q, const char *action, bool run);

#endif
