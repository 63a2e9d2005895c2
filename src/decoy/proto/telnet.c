/* telnet.c — the Telnet engine: opening bytes, login as the persona's
 * telnetd/login does it, then the emulated shell. */
#include "proto/telnet.h"

#include <stdlib.h>
#include <string.h>

#include "persona/persona.h"
#include "proto/engine.h"
#include "proto/proto.h"
#include "sh/sh.h"

enum tn_state { TN_USER, TN_PASS, TN_SHELL };

struct tn {
	struct session *s;
	const struct persona *p;
	unsigned fail_delay_ms, max_tries;
	struct telnet_parser tp;
	enum tn_state st;
	char user[128];
	size_t ulen;
	unsigned fails;
	unsigned empty_users;
	bool naws_logged;
	unsigned width;		    /* the terminal's columns (NAWS), 0: not told */
	uint32_t rnd;		    /* jitter of the pty and the processes (xorshift) */
	uint8_t opts_sent[256 / 8]; /* options we answered, RFC 1143 style */
	struct sh *sh;
	struct eng_shell *shell;
};

/* ---------- helpers ---------- */

/* Small random delays: the device's processes do not answer in lockstep. */
static unsigned jitter(struct tn *t, unsigned lo, unsigned hi)
{
	uint32_t x = t->rnd ? t->rnd : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	t->rnd = x;
	return lo + x % (hi - lo + 1);
}

static void put_pstr(struct session *s, const struct pstr *ps)
{
	sess_write(s, ps->p, ps->n);
}

/* The login prompt may use %{hostname}, already expanded at load. */
static void prompt_login(struct tn *t)
{
	put_pstr(t->s, &t->p->login_prompt);
}

/* ---------- option negotiation ---------- */

static bool opt_flag(struct tn *t, uint8_t opt)
{
	return t->opts_sent[opt / 8] & (1u << (opt % 8));
}

static void on_opt(void *ctx, uint8_t cmd, uint8_t opt)
{
	struct tn *t = ctx;
	const struct pstr *open = &t->p->telnet_open;
	uint8_t reply[3] = {TN_IAC, 0, opt};
	size_t i;

	if (!t->p->telnet_answer)
		return; /* BusyBox telnetd reads and ignores these */
	/* what we offered or asked for in the opening is acknowledged, not answered */
	for (i = 0; i + 2 < open->n; i += 3)
		if ((uint8_t)open->p[i + 2] == opt &&
		    (((uint8_t)open->p[i + 1] == TN_WILL && (cmd == TN_DO || cmd == TN_DONT)) ||
		     ((uint8_t)open->p[i + 1] == TN_DO && (cmd == TN_WILL || cmd == TN_WONT))))
			return;
	if (opt_flag(t, opt))
		return; /* answered once: no loops */
	if (cmd == TN_DO)
		reply[1] = TN_WONT;
	else if (cmd == TN_WILL)
		reply[1] = TN_DONT;
	else
		return; /* WONT/DONT need no answer when we never agreed */
	t->opts_sent[opt / 8] |= (uint8_t)(1u << (opt % 8));
	sess_write(t->s, reply, 3);
}

static void on_sb(void *ctx, const uint8_t *p, size_t n)
{
	struct tn *t = ctx;
	struct json *j;

	if (p[0] == TN_OPT_NAWS && n >= 5)
		t->width = (unsigned)(p[1] << 8 | p[2]); /* telnetd sets the pty's size */
	if (p[0] == TN_OPT_NAWS && n >= 5 && !t->naws_logged) {
		t->naws_logged = true;
		j = sess_ev(t->s, "cowrie.client.size");
		json_int(j, "width", p[1] << 8 | p[2]);
		json_int(j, "height", p[3] << 8 | p[4]);
		sess_ev_end(t->s, j);
	}
}

/* ---------- login ---------- */

/* After the shell ran something: close when it is done, and read the next
 * keys as its line editor does while ash is at its prompt. */
static void shell_after(struct tn *t)
{
	if (sh_mode(t->sh) == SH_MODE_DONE) {
		sess_close(t->s, false);
		return;
	}
	t->tp.edit = sh_mode(t->sh) == SH_MODE_SHELL;
}

static void login_failed(struct tn *t, const char *pass, size_t plen)
{
	struct session *s = t->s;
	struct json *j = sess_ev(s, "cowrie.login.failed");

	json_str(j, "username", t->user, t->ulen);
	json_str(j, "password", pass, plen);
	sess_ev_end(s, j);
	sess_pause(s, t->fail_delay_ms);
	put_pstr(s, &t->p->login_fail);
	if (++t->fails >= t->max_tries) {
		sess_close(s, false);
		return;
	}
	t->st = TN_USER;
	prompt_login(t);
}

static void login_ok(struct tn *t, const struct persona_cred *c, const char *pass, size_t plen)
{
	struct session *s = t->s;
	struct json *j = sess_ev(s, "cowrie.login.success");

	json_str(j, "username", t->user, t->ulen);
	json_str(j, "password", pass, plen);
	sess_ev_end(s, j);
	sess_logged_in(s);
	t->shell = eng_shell_new(s, true, c->root);
	t->sh = t->shell ? eng_shell_sh(t->shell) : NULL;
	if (!t->sh) {
		sess_close(s, false);
		return;
	}
	t->st = TN_SHELL;
	sh_start(t->sh);
	shell_after(t);
}

static bool on_line(void *ctx, const char *p, size_t n, bool cut)
{
	struct tn *t = ctx;
	struct session *s = t->s;
	char user[sizeof t->user + 1], pass[CAP_LINE + 1];
	const struct persona_cred *c;

	(void)cut;
	if (sess_ending(s))
		return false;
	switch (t->st) {
	case TN_USER:
		sess_term(s, p, n); /* the tty echoes the user name */
		sess_write(s, "\r\n", 2);
		if (!n) {
			/* BusyBox login asks again, a few times */
			if (++t->empty_users > 10) {
				sess_close(s, false);
				return false;
			}
			prompt_login(t);
			break;
		}
		t->ulen = n < sizeof t->user ? n : sizeof t->user - 1;
		memcpy(t->user, p, t->ulen);
		t->st = TN_PASS;
		/* the pty echoed; login writes its prompt a moment later */
		sess_pause(s, jitter(t, 3, 9));
		put_pstr(s, &t->p->password_prompt);
		break;
	case TN_PASS:
		put_pstr(s, &t->p->after_password);
		/* login checks the password (crypt) before anything follows */
		sess_pause(s, jitter(t, 8, 25));
		memcpy(user, t->user, t->ulen);
		user[t->ulen] = '\0';
		memcpy(pass, p, n);
		pass[n] = '\0';
		c = (strlen(user) == t->ulen && strlen(pass) == n) ? persona_auth(t->p, user, pass)
								   : NULL;
		if (c)
			login_ok(t, c, p, n);
		else
			login_failed(t, p, n);
		break;
	case TN_SHELL:
		/* the line editor echoed the keys as they came (on_key); the
		 * CLI's terminal echoes the line and its end; a password is not
		 * echoed at all (su prints the newline itself, as bb_ask does) */
		if (t->tp.edit)
			sess_term(s, "\n", 1);
		else if (sh_mode(t->sh) != SH_MODE_PASSWORD) {
			sess_term(s, p, n);
			sess_term(s, "\n", 1);
		}
		/* the echo leaves first; the shell answers a moment later */
		sess_pause(s, jitter(t, 1, 4));
		sh_line(t->sh, p, n);
		shell_after(t);
		break;
	}
	return !sess_paused(s) && !sess_ending(s);
}

/* A key the line editor took (edit mode, telnet.h): its echo as BusyBox
 * lineedit writes it through the pty. */
static bool on_key(void *ctx, enum tn_key k, uint8_t c)
{
	struct tn *t = ctx;
	struct session *s = t->s;
	unsigned width = t->width >= 20 && t->width <= 1024 ? t->width : 80;

	if (sess_ending(s) || t->st != TN_SHELL)
		return false;
	switch (k) {
	case TK_CHAR:
		sess_term(s, &c, 1);
		/* the cursor reached the last column: lineedit moves to the
		 * next row itself ("\r\n", through onlcr "\r\r\n") */
		if (sess_term_col(s) >= width)
			sess_term(s, "\r\n", 2);
		return true;
	case TK_ERASE:
		sess_term(s, "\b\x1b[J", 4);
		return true;
	case TK_INTR:
		/* ash: "^C", then SIGINT: a new line and a new prompt */
		sess_term(s, "^C\n", 3);
		sh_interrupt(t->sh);
		break;
	case TK_EOF:
		/* ash: EOF at the prompt leaves this shell (-sh: the session) */
		sh_eof(t->sh);
		break;
	}
	shell_after(t);
	return !sess_paused(s) && !sess_ending(s);
}

/* ---------- engine ---------- */

static int tn_start(struct session *s, const struct eng_start *a, void **st)
{
	struct tn *t = calloc(1, sizeof(*t));
	size_t i;

	if (!t)
		return -1;
	t->s = s;
	t->p = a->persona;
	t->fail_delay_ms = a->fail_delay_ms;
	t->max_tries = a->max_tries;
	memcpy(&t->rnd, a->seed, sizeof t->rnd);
	for (i = 0; a->id[i]; i++)
		t->rnd = t->rnd * 31u + (uint8_t)a->id[i];
	telnet_init(&t->tp);
	*st = t;
	put_pstr(s, &t->p->telnet_open);
	put_pstr(s, &t->p->banner);
	prompt_login(t);
	return 0;
}

static int tn_feed(struct session *s, void *st, const uint8_t *p, size_t n)
{
	struct tn *t = st;
	struct telnet_cb cb = {t, on_line, on_opt, on_sb, on_key};

	if (sess_ending(s))
		return (int)n; /* leaving: ignore the rest */
	return (int)telnet_parse(&t->tp, p, n > CAP_INBUF ? CAP_INBUF : n, &cb);
}

/* Ctrl-C while a command's output waits (sleep, a command's fork and
 * exec): SIGINT ends it and ash abandons the rest of the line. */
static void tn_intr(struct session *s, void *st)
{
	struct tn *t = st;

	if (t->st != TN_SHELL || !t->sh || sh_mode(t->sh) != SH_MODE_SHELL)
		return;
	sess_cancel_pause(s);
	sess_term(s, "^C\n", 3);
	sh_interrupt(t->sh);
	shell_after(t);
}

static void tn_end(struct session *s, void *st)
{
	struct tn *t = st;

	(void)s;
	if (!t)
		return;
	telnet_free(&t->tp);
	eng_shell_end(t->shell);
	free(t);
}

const struct engine telnet_engine = {
    .name = "telnet",
    .start = tn_start,
    .feed = tn_feed,
    .end = tn_end,
    /* BusyBox login's alarm (loginutils/login.c, TIMEOUT) */
    .login_timeout_pre = "\r\nLogin timed out after ",
    .login_timeout_post = " seconds\r\n",
    .intr = tn_intr,
};
