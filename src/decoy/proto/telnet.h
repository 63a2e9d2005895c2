/* telnet.h — the Telnet engine's byte-level parser, separate from the
 * session so it can be unit-tested and fuzzed on its own.
 *
 * telnet_parse() walks received bytes: IAC commands and subnegotiations are
 * taken out (IAC IAC gives a literal 0xff, SB…SE is bounded by
 * CAP_TELNET_SB), CR LF / CR NUL / bare LF end a line, NULs are dropped,
 * DEL and BS erase like a tty in canonical mode. Callbacks receive complete
 * lines and option commands. Parsing stops after a line when the callback
 * returns false (the session paused output), and resumes on the next call.
 *
 * With `edit` set the parser reads as BusyBox's line editor (lineedit.c,
 * which ash uses at its prompt) does: a line holds at most `maxline`
 * bytes (the rest is dropped silently), other control bytes and escape
 * sequences are ignored, and every key that changes the line is reported
 * to the `key` callback (its echo is the engine's): a byte added, an
 * erase, Ctrl-C (the line is dropped) and Ctrl-D on an empty line (EOF).
 */
#ifndef TANUKI_TELNET_H
#define TANUKI_TELNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "buf.h"

#define TN_IAC 255
#define TN_DONT 254
#define TN_DO 253
#define TN_WONT 252
#define TN_WILL 251
#define TN_SB 250
#define TN_SE 240
#define TN_OPT_ECHO 1
#define TN_OPT_SGA 3
#define TN_OPT_TTYPE 24
#define TN_OPT_NAWS 31

enum tn_key {
	TK_CHAR,  /* c was added to the line */
	TK_ERASE, /* the last byte was erased (DEL or BS) */
	TK_INTR,  /* Ctrl-C: the line is dropped */
	TK_EOF,	  /* Ctrl-D on an empty line */
};

/* BusyBox lineedit: MAX_LINELEN (CONFIG_FEATURE_EDITING_MAX_LEN, 1024 in
 * every version the personas claim) less the room it keeps for the Enter
 * and the NUL: a real 1.35 build keeps 1022 typed bytes (measured). */
#define TN_EDIT_MAXLINE 1022

struct telnet_cb {
	void *ctx;
	/* A complete line (without its end). Return false to stop parsing. */
	bool (*line)(void *ctx, const char *p, size_t n, bool cut);
	/* WILL/WONT/DO/DONT opt. */
	void (*opt)(void *ctx, uint8_t cmd, uint8_t opt);
	/* A subnegotiation (option byte first), possibly cut at CAP_TELNET_SB. */
	void (*sb)(void *ctx, const uint8_t *p, size_t n);
	/* Edit mode only (may be NULL): a key changed the line. Return false
	 * to stop parsing after it. */
	bool (*key)(void *ctx, enum tn_key k, uint8_t c);
};

struct telnet_parser {
	enum { TP_DATA, TP_IAC, TP_OPT, TP_SB, TP_SB_IAC } st;
	uint8_t cmd;
	bool cr;     /* the last data byte was CR: swallow a following LF or NUL */
	bool cut;    /* the line passed CAP_LINE: the rest is dropped */
	bool edit;   /* read as the line editor (above); the engine sets it */
	uint8_t esc; /* edit: 1 after ESC, 2 inside ESC [ or ESC O */
	uint8_t sb[CAP_TELNET_SB];
	size_t sblen;
	struct buf line; /* grows to CAP_LINE: an idle pre-login session stays small */
};

void telnet_init(struct telnet_parser *tp);
void telnet_free(struct telnet_parser *tp);
/* Returns the bytes consumed (all of them unless a line callback said stop). */
size_t telnet_parse(struct telnet_parser *tp, const uint8_t *p, size_t n,
		    const struct telnet_cb *cb);

#endif
