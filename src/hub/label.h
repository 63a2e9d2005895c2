/* label.h — family labels for uploaded binaries, with YARA (libyara).
 *
 * The rule set is src/hub/rules/families.yar (compiled into the hub at build time)
 * plus the operator's file (`option rules`). A binary's label is the
 * distinct `family` metas of the rules it matches, comma-separated, sorted
 * ("" when none). Each label is stored with the SHA-256 of the rule texts
 * that made it, so a changed rule set is noticed: `tanuki-hub relabel`
 * rescans every file, and the hub at start rescans those labelled by
 * another rule set (or never). Scans are bounded by HUB_LABEL_TIMEOUT_S.
 */
#ifndef TANUKI_HUB_LABEL_H
#define TANUKI_HUB_LABEL_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

#define LABEL_MAX 256

struct labeler {
	void *rules;   /* YR_RULES */
	char hash[65]; /* SHA-256 (hex) of the rule texts */
};

/* user_rules: a path or NULL. 0, or -1 with err set (the compiler's
 * message with file and line). */
int label_open(struct labeler *l, const char *user_rules, char *err, size_t errlen);
void label_close(struct labeler *l);
/* 0 and out = "fam1,fam2" (maybe ""), or -1 (scan error/timeout). */
int label_scan(struct labeler *l, const void *p, size_t n, char out[LABEL_MAX]);
/* Labels the files named <sha256> in dir: all of them (force), or those
 * whose stored label came from another rule set. *done counts scans. */
int label_all(struct labeler *l, struct store *st, const char *dir, bool force, int *done);

#endif
