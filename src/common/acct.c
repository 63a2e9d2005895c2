/* acct.c — memory accounts (see acct.h). */
#include "acct.h"

void acct_init(struct acct *a, size_t cap, struct acct *up)
{
	a->used = 0;
	a->cap = cap;
	a->peak = 0;
	a->refused = 0;
	a->up = up;
}

bool acct_take(struct acct *a, size_t n)
{
	struct acct *x;

	for (x = a; x; x = x->up) {
		if (n > x->cap || x->used > x->cap - n) {
			x->refused++;
			return false;
		}
	}
	for (x = a; x; x = x->up) {
		x->used += n;
		if (x->used > x->peak)
			x->peak = x->used;
	}
	return true;
}

void acct_give(struct acct *a, size_t n)
{
	struct acct *x;

	for (x = a; x; x = x->up)
		x->used = n > x->used ? 0 : x->used - n;
}
