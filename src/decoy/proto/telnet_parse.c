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
			if (!end_line(tp, cb))
				return i + 1;
			continue;
		}
		if (c == '\0')
			continue;
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
