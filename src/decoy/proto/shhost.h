/* shhost.h — the struct sh_host every engine hands its emulated shell:
 * output to the session's terminal (or nowhere, for the HTTP doors), pauses,
 * the wall clock, and the shell's events written as Cowrie/tanuki events
 * with the session's common fields.
 *
 * The host's ctx is the session itself; the session outlives its shell
 * (engines free the shell in their end hook).
 */
#ifndef TANUKI_SHHOST_H
#define TANUKI_SHHOST_H

#include <stdbool.h>

#include "sh/sh.h"

struct session;

/* `terminal`: output goes through sess_term() and pauses hold it back (a
 * telnet pty); otherwise output and pauses are dropped (an injected
 * command's output goes nowhere on the real device either). */
void shhost_bind(struct sh_host *h, struct session *s, bool terminal);

#endif
