/* params.h — positional parameters (params.c). sh->pargv[0] is $0;
 * sh->pown says whether the shell owns the vector (after set/shift). */
#ifndef TANUKI_SH_PARAMS_H
#define TANUKI_SH_PARAMS_H

#include "sh/sh_int.h"

struct params_save {
	int argc;
	char **argv;
	bool own;
};

/* Installs argv (not copied: it must outlive the call) for a script,
 * sh -c or a function; params_leave() restores the caller's. */
void params_enter(struct sh *sh, struct params_save *sv, int argc, char **argv);
void params_leave(struct sh *sh, const struct params_save *sv);
/* `set -- v…`: an owned copy, $0 kept. 0 or -1. */
int params_set(struct sh *sh, int n, char *const *v);
/* `shift k`: 0, or 1 when there are fewer than k. */
int params_shift(struct sh *sh, int k);
/* At sh_free(). */
void params_free(struct sh *sh);

#endif
