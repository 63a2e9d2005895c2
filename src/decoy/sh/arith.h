/* arith.h — ash's arithmetic $((…)) (arith.c).
 *
 * 64-bit signed values (BusyBox defconfig: FEATURE_SH_MATH_64), the
 * operators of BusyBox's shell/math.c with its precedence, variables by
 * name (a variable's value is itself evaluated as an expression), the
 * assignment forms and ++/--, 0x/0 prefixes and BASE#DIGITS. As in ash
 * 1.9–1.35 nothing short-circuits: both sides of && || ?: are evaluated
 * (their errors and assignments happen). Bounded: expression nesting and
 * the chain of variables evaluated inside each other.
 */
#ifndef TANUKI_SH_ARITH_H
#define TANUKI_SH_ARITH_H

#include <stdint.h>

#include "sh/sh_int.h"

/* Evaluates expr; 0 and *out, or -1 with *err set to ash's message
 * ("arithmetic syntax error", "divide by zero", ...). */
int arith_eval(struct sh *sh, const char *expr, int64_t *out, const char **err);

#endif
