/* params.c — positional parameters ($0 $1 … $# $@ $*): `set --` and
 * `shift` give the shell its own copy; a script, `sh -c` or a function
 * call installs its arguments and puts the caller's back when it ends.
 */
#include <stdlib.h>
#include <string.h>

#include "sh/params.h"

static void free_own(struct sh *sh)
{
	int i;

	if (!sh->pown)
		return;
	for (i = 0; i < sh->pargc; i++)
		free(sh->pargv[i]);
	free(sh->pargv);
	sh->pown = false;
	sh->pargv = NULL;
	sh->pargc = 0;
}

void params_enter(struct sh *sh, struct params_save *sv, int argc, char **argv)
{
	sv->argc = sh->pargc;
	sv->argv = sh->pargv;
	sv->own = sh->pown;
	sh->pargc = argc;
	sh->pargv = argv;
	sh->pown = false;
}

void params_leave(struct sh *sh, const struct params_save *sv)
{
	free_own(sh);
	sh->pargc = sv->argc;
	sh->pargv = sv->argv;
	sh->pown = sv->own;
}

void params_free(struct sh *sh)
{
	free_own(sh);
}

int params_set(struct sh *sh, int n, char *const *v)
{
	const char *zero = sh->pargc > 0 ? sh->pargv[0] : NULL;
	char **nv;
	int i;

	if (n < 0 || n >= CAP_SH_WORDS)
		return -1;
	nv = calloc((size_t)n + 2, sizeof *nv);
	if (!nv)
		return -1;
	nv[0] = strdup(zero ? zero : sh_argv0(sh));
	for (i = 0; i < n && nv[0]; i++) {
		nv[i + 1] = strdup(v[i]);
		if (!nv[i + 1])
			break;
	}
	if (!nv[0] || i < n) {
		for (i = 0; i <= n; i++)
			free(nv[i]);
		free(nv);
		return -1;
	}
	free_own(sh);
	sh->pargv = nv;
	sh->pargc = n + 1;
	sh->pown = true;
	return 0;
}

int params_shift(struct sh *sh, int k)
{
	int have = sh->pargc > 0 ? sh->pargc - 1 : 0;

	if (k < 0 || k > have)
		return 1;
	if (k == 0)
		return 0;
	return params_set(sh, have - k, sh->pargv + 1 + k) ? 1 : 0;
}
