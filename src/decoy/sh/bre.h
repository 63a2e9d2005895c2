/* bre.h — POSIX basic regular expressions, the subset bot scripts use with
 * grep, expr and sed: literals, `.`, `*`, `^`, `$`, bracket expressions
 * (ranges, negation, [:class:]), `\(…\)` groups, `\1`…`\9` back-references
 * and `\{m,n\}` intervals. A backtracking matcher whose every step is
 * counted: a pattern built to blow up stops at its budget and counts as no
 * match (the caller charges the steps to the line's work).
 */
#ifndef TANUKI_SH_BRE_H
#define TANUKI_SH_BRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BRE_GROUPS 10
#define BRE_NODES 128 /* a longer pattern is refused */

struct bre_node {
	uint8_t type, k; /* k: group number, or the literal byte */
	uint16_t min, max;
	uint16_t off, len; /* a bracket expression's text in the pattern */
};

struct bre {
	const char *pat; /* kept by the caller while the bre is used */
	struct bre_node n[BRE_NODES + 1];
	int nn;
	int ngroups;
	bool bol; /* a leading ^ */
	bool icase;
};

struct bre_match {
	size_t so[BRE_GROUPS], eo[BRE_GROUPS]; /* group 0: the whole match */
	bool set[BRE_GROUPS];
};

/* Compiles pat; false when it is not a valid BRE (or too long). */
bool bre_comp(struct bre *re, const char *pat, bool icase);

/* The leftmost match in s[0..n) at or after `from`; *steps grows by the
 * work done, and the search gives up (false) once it passes budget. */
bool bre_exec(const struct bre *re, const char *s, size_t n, size_t from, struct bre_match *m,
	      unsigned long *steps, unsigned long budget);

#endif
