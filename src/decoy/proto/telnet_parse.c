/* telnet_parse.c — RFC 854 byte stream → lines and option commands. */
#include "proto/telnet.h"

#include <string.h>

void telnet_init(struct telnet_parser *tp)
{
	memset(tp, 0, sizeof(*tp));
	buf_init(&tp->line, CAP_LINE);
}

void telnet_free(struct telnet_parser *tp)
{
	buf_free(&tp->line);
}

static bool end_line(struct telnet_parser *tp, const struct telnet_cb *cb)
{
	bool go = cb->line(cb->ctx, tp->line.p ? tp->line.p : "", tp->line.len, tp->cut);

	buf_reset(&tp->line);
	tp->cut = false;
	return go;
}

/* A data byte in edit mode (telnet.h). Returns false to stop parsing. */
static bool edit_byte(struct telnet_parser *tp, uint8_t c, const struct telnet_cb *cb)
{
	bool go = true;

	if (tp->esc) {
		/* ESC x, or ESC [ ... final byte: cursor keys, ignored */
		if (tp->esc == 1 && (c == '[' || c == 'O'))
			tp->esc = 2;
		else if (tp->esc == 1 || (c >= 0x40 && c <= 0x7e))
			tp->esc = 0;
		return true;
	}
	switch (c) {
	case 0x1b:
		tp->esc = 1;
		return true;
	case 0x7f:
	case 0x08:
		if (!tp->line.len)
			return true;
		tp->line.p[--tp->line.len] = '\0';
		return cb->key ? cb->key(cb->ctx, TK_ERASE, c) : true;
	case 0x03:
		buf_reset(&tp->line);
		return cb->key ? cb->key(cb->ctx, TK_INTR, c) : true;
	case 0x04:
		if (tp->line.len || !cb->key)
			return true;
		return cb->key(cb->ctx, TK_EOF, c);
	default:
		break;
	}
	if (c < 0x20 || tp->line.len >= TN_EDIT_MAXLINE)
		return true; /* other controls: ignored; a full line: dropped */
	if (buf_addc(&tp->line, (char)c))
		return true;
	if (cb->key)
		go = cb->key(cb->ctx, TK_CHAR, c);
	return go;
}

size_t telnet_parse(struct telnet_parser *tp, const uint8_t *p, size_t n,
		    const struct telnet_cb *cb)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		switch (tp->st) {
		case TP_DATA:
			if (c == TN_IAC) {
				tp->st = TP_IAC;
				continue;
			}
			break; /* data byte: handled below */
		case TP_IAC:
			if (c == TN_IAC) {
				tp->st = TP_DATA;
				break; /* literal 0xff */
			}
			if (c >= TN_WILL && c <= TN_DONT) {
				tp->cmd = c;
				tp->st = TP_OPT;
			} else if (c == TN_SB) {
				tp->sblen = 0;
				tp->st = TP_SB;
			} else {
				tp->st = TP_DATA; /* NOP, GA, AYT, …: ignored */
			}
			continue;
		case TP_OPT:
			if (cb->opt)
				cb->opt(cb->ctx, tp->cmd, c);
			tp->st = TP_DATA;
			continue;
		case TP_SB:
			if (c == TN_IAC)
				tp->st = TP_SB_IAC;
			else if (tp->sblen < sizeof tp->sb)
				tp->sb[tp->sblen++] = c;
			continue;
		case TP_SB_IAC:
			if (c == TN_SE) {
				if (cb->sb && tp->sblen)
					cb->sb(cb->ctx, tp->sb, tp->sblen);
				tp->st = TP_DATA;
			} else {
				/* IAC IAC inside SB is a literal 0xff; anything
				 * else is a broken peer: keep the byte, go on */
				if (tp->sblen < sizeof tp->sb)
					tp->sb[tp->sblen++] = c;
				tp->st = TP_SB;
			}
			continue;
		}

		/* a data byte */
		if (tp->cr && (c == '\n' || c == '\0')) {
			tp->cr = false;
			continue;
		}
		tp->cr = false;
		if (c == '\r' || c == '\n') {
			tp->cr = c == '\r';
			tp->esc = 0;
			if (!end_line(tp, cb))
				return i + 1;
			continue;
		}
		if (c == '\0')
			continue;
		if (tp->edit) {
			if (!edit_byte(tp, c, cb))
				return i + 1;
			continue;
		}
		if (c == 0x7f || c == 0x08) {
			if (tp->line.len)
				tp->line.p[--tp->line.len] = '\0';
			continue;
		}
		if (buf_addc(&tp->line, (char)c))
			tp->cut = true;
	}
	return n;
}
