/* engine.h — a protocol engine, and every call an engine may make.
 *
 * An engine (telnet.c, the HTTP doors) is fed the bytes a peer sent and
 * answers through the calls below; it never sees a socket, the daemon or a
 * session's fields (struct session is opaque here). What it needs to know
 * about its session is handed to start() in struct eng_start. net/ owns the
 * session and implements the session calls; host/ lends the shells.
 *
 * Output is a byte queue with pause marks: bytes queued after a
 * sess_pause(ms) leave only when the pause has run, and no input is fed to
 * the engine while output is held back — the way a real login(1) sleeps
 * after a wrong password, or a shell runs `sleep`.
 */
#ifndef TANUKI_ENGINE_H
#define TANUKI_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

struct persona;
struct session;
struct sh;

/* What an engine is told about its session when it starts. Valid for the
 * session's life. */
struct eng_start {
	const struct persona *persona;
	const char *id;		/* the session id (12 characters) */
	const uint8_t *seed;	/* the unit's 32-byte seed */
	unsigned fail_delay_ms; /* after a failed login (config, else persona) */
	unsigned max_tries;	/* failed logins before the end (idem) */
};

/* A protocol engine. start() sets *st, the engine's state, handed back to
 * every other hook. feed() returns the bytes it consumed (it may stop early
 * when it paused output) or a negative value to close at once. */
struct engine {
	const char *name; /* "telnet": the `protocol` field of events */
	int (*start)(struct session *s, const struct eng_start *a, void **st);
	int (*feed)(struct session *s, void *st, const uint8_t *p, size_t n);
	/* Before the session is freed: capture what is left, free state. */
	void (*end)(struct session *s, void *st);
	/* Optional: the peer closed its side and every byte was fed. The
	 * engine may still answer (a half-closed peer reads it); the session
	 * ends once that output has left. Without this hook it ends at once. */
	void (*eof)(struct session *s, void *st);
	/* Optional: the engine's own timer (sess_timer()) ran out. */
	void (*timer)(struct session *s, void *st);
	/* Optional: what the terminal shows when the pre-login deadline
	 * (config login_s) ends the session, around its seconds: BusyBox
	 * login's "\r\nLogin timed out after %u seconds\r\n" is given as
	 * the text before and after the number. NULL: it just closes. */
	const char *login_timeout_pre, *login_timeout_post;
	/* Optional: Ctrl-C (0x03) arrived while output waits on a pause (a
	 * `sleep` running): what came before it and the byte itself are
	 * dropped, as a tty flushes its input on SIGINT. The engine may
	 * sess_cancel_pause() and answer. */
	void (*intr)(struct session *s, void *st);
};

/* ---------- the session (net/session.c) ---------- */

/* Raw bytes to the wire. */
void sess_write(struct session *s, const void *p, size_t n);
/* Terminal bytes: '\n' → "\r\n" and tabs → spaces to the next 8-column
 * stop (the pty's ONLCR|XTABS), 0xff doubled (telnet). */
void sess_term(struct session *s, const void *p, size_t n);
/* The same for a command's output: what does not fit in the session's
 * output queue (less room kept for the prompt and echoes) is dropped — a
 * line whose output passes CAP_OUTBUF loses its tail — instead of closing
 * the session as a stalled peer. */
void sess_term_cut(struct session *s, const void *p, size_t n);
/* Terminal bytes that stay valid and unchanged for the session's life
 * (persona data): queued by reference, converted as they leave. */
void sess_term_ref(struct session *s, const void *p, size_t n);
/* The terminal's column after everything queued so far (as the pty counts
 * it; the line editor wraps its echo by it). */
unsigned sess_term_col(const struct session *s);
/* Holds back what is written next for ms milliseconds. */
void sess_pause(struct session *s, unsigned ms);
/* The pause output waits on ends now, and everything queued after it is
 * dropped (the rest of a command line SIGINT cut short). */
void sess_cancel_pause(struct session *s);
/* True while queued output waits on a pause. */
bool sess_paused(const struct session *s);
/* Arms the engine's timer to call eng->timer in ms (0 stops it). */
void sess_timer(struct session *s, unsigned ms);
/* Sends what was queued outside the session's own callbacks (the shell
 * resumed when a download ended, from the loop's idle pass). */
void sess_flush(struct session *s);
/* Ends the session once queued output has left (or at once if `now`). */
void sess_close(struct session *s, bool now);
/* The peer logged in: the pre-login deadline stops and the session no
 * longer counts as an idle pre-login one when the table is full. */
void sess_logged_in(struct session *s);
/* The session is closed: nothing written leaves any more. */
bool sess_closed(const struct session *s);
/* Closed, or closing once its output has left (sess_close(s, false)). */
bool sess_ending(const struct session *s);

/* Events: sess_ev() starts a JSON object with the common fields (eventid,
 * timestamp, session, src_ip, src_port, dst_ip, dst_port, sensor,
 * protocol); add fields, then sess_ev_end(). One event at a time. */
struct json *sess_ev(struct session *s, const char *eventid);
void sess_ev_end(struct session *s, struct json *j);

/* Stores a file the session built and logs cowrie.session.file_download;
 * a downloader (fetch/dlr.h) gets its second stage fetched. */
void sess_capture(struct session *s, const char *destfile, const void *data, size_t n,
		  const char *reason);

/* ---------- shells lent by the host (host/shhost.c, host/doorsh.c) ---------- */

struct eng_shell;

/* A shell of the session's own. `terminal`: its output goes through
 * sess_term() and its pauses hold output back (a telnet pty), and it waits
 * for its downloads; otherwise output and pauses are dropped (an injected
 * command's output goes nowhere on the real device either) and downloads
 * run on their own. NULL when out of memory. */
struct eng_shell *eng_shell_new(struct session *s, bool terminal, bool root);
/* An HTTP door's shell: the one kept for this source address and persona
 * (host/doorsh.h), or one of its own when every kept shell is in use. */
struct eng_shell *eng_shell_door(struct session *s);
struct sh *eng_shell_sh(const struct eng_shell *x);
/* The session ends: what the shell built is captured (sh_end), a download
 * still running goes on alone, a kept shell parks, the rest is freed. */
void eng_shell_end(struct eng_shell *x);

#endif
