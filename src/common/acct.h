/* acct.h — a memory account: bytes in use against a cap, charged up a chain.
 *
 * A session's account has the decoy's global account as its parent: a
 * charge succeeds only if it fits under every cap on the way up, and then
 * it is counted in all of them, so one session cannot take more than its
 * own cap and all sessions together not more than the global one. Nothing
 * here allocates; the owner of the bytes charges before it allocates and
 * refunds exactly what it charged when it frees.
 */
#ifndef TANUKI_ACCT_H
#define TANUKI_ACCT_H

#include <stdbool.h>
#include <stddef.h>

struct acct {
	size_t used;	 /* bytes charged now */
	size_t cap;	 /* most that may be charged at once */
	size_t peak;	 /* highest used seen */
	size_t refused;	 /* charges refused at a cap */
	struct acct *up; /* the account above (global), or NULL */
};

void acct_init(struct acct *a, size_t cap, struct acct *up);
/* Charges n bytes to a and every account above it, or to none; false when
 * any of them would pass its cap. A NULL account takes everything. */
bool acct_take(struct acct *a, size_t n);
/* Refunds n bytes charged earlier with acct_take(a, n). */
void acct_give(struct acct *a, size_t n);

#endif
