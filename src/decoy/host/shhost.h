/* shhost.h — the host glue (host/): wires a session (net/), its emulated
 * shell (sh/), the fetcher and the store together; engines reach it only
 * through the eng_shell_* calls of proto/engine.h, implemented here.
 *
 * The struct sh_host every engine's shell is given:
 * output to the session's terminal (or nowhere, for the HTTP doors), pauses,
 * the wall clock, the shell's events written as Cowrie/tanuki events with
 * the session's common fields, and (on a terminal) downloads the shell
 * waits for: the fetcher tells the host when one ends and the host resumes
 * the shell (sh_fetch_done), closing the session if the shell then left.
 *
 * The host's ctx is the struct shhost; the session outlives its shell
 * (engines free the shell in their end hook, after shhost_detach()).
 */
#ifndef TANUKI_SHHOST_H
#define TANUKI_SHHOST_H

#include <stdbool.h>

#include "fetch/fetch.h"
#include "sh/sh.h"

struct session;

struct shhost {
	struct sh_host h; /* what sh_new() takes */
	struct session *s;
	struct sh *sh; /* set by shhost_attach() */
	struct fetch_waiter w;
};

/* `terminal`: output goes through sess_term() and pauses hold it back (a
 * telnet pty), and the shell waits for its downloads; otherwise output and
 * pauses are dropped (an injected command's output goes nowhere on the
 * real device either) and downloads run on their own. */
void shhost_bind(struct shhost *hh, struct session *s, bool terminal);
/* The shell made with &hh->h (may be NULL). */
void shhost_attach(struct shhost *hh, struct sh *sh);
/* Before sh_free(): a download still running goes on alone (it is stored
 * and logged), nobody is resumed. */
void shhost_detach(struct shhost *hh);

/* The session's applet asked for url: fetched for it (fetch_request),
 * counted against the session's fetches; the _wait form tells w when it
 * ends (fetch_request_wait). */
void host_fetch(struct session *s, const char *url, const char *applet, const char *destfile);
bool host_fetch_wait(struct session *s, const char *url, const char *applet, const char *destfile,
		     const char *user, const char *pass, struct fetch_waiter *w);

/* tanuki.download.request for a fetch the shell asked for. */
void shhost_log_request(struct session *s, const struct sh_event_info *i);

#endif
