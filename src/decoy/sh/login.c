/* login.c — what BusyBox login and a login ash (`-sh`) do before the first
 * prompt of a terminal session, over the persona's own tree:
 *
 * - login (loginutils/login.c, libbb setup_environment): HOME is the
 *   passwd entry's home directory and the shell starts there (in / when
 *   that directory is missing);
 * - ash, started as `-sh` (shell/ash.c ash_main, 1_9_1 to 1_35_0), reads
 *   /etc/profile and then the home's .profile as `.` would, before its
 *   first prompt. The personas' profiles set PATH and LD_LIBRARY_PATH.
 *
 * What a profile prints (the DVR's "Welcome to HiLinux.") is part of the
 * persona's `motd` (docs/personas.md), so it runs with its output
 * discarded. Its work is charged to the session like a typed line's. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh/sh_int.h"
#include "sh/vfs.h"

/* The home field (the 6th) of USER's line in /etc/passwd. */
static bool passwd_home(struct sh *sh, char *out, size_t outlen)
{
	const uint8_t *d;
	size_t n, ul = strlen(sh->user);
	const char *s, *end;

	if (vfs_read(sh->fs, "/etc/passwd", &d, &n))
		return false;
	s = (const char *)d;
	end = s + n;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		const char *f = s, *e;
		size_t m;
		int k;

		if (!eol)
			eol = end;
		if ((size_t)(eol - s) <= ul || memcmp(s, sh->user, ul) != 0 || s[ul] != ':') {
			s = eol + 1;
			continue;
		}
		for (k = 0; k < 5 && f; k++) {
			f = memchr(f, ':', (size_t)(eol - f));
			if (f)
				f++;
		}
		if (!f)
			return false;
		e = memchr(f, ':', (size_t)(eol - f));
		m = (size_t)((e ? e : eol) - f);
		if (!m || m >= outlen)
			return false;
		memcpy(out, f, m);
		out[m] = '\0';
		return true;
	}
	return false;
}

static void profile(struct sh *sh, struct io *io, const char *path)
{
	const uint8_t *d;
	size_t n;
	char *copy;

	if (vfs_read(sh->fs, path, &d, &n))
		return;
	copy = malloc(n ? n : 1);
	if (!copy)
		return;
	if (n)
		memcpy(copy, d, n);
	(void)sh_run_script(sh, io, copy, n, 1, path, true);
	free(copy);
}

void sh_login(struct sh *sh)
{
	char home[CAP_PATH], path[CAP_PATH + 16];
	struct vfs_stat st;
	struct io io;

	if (passwd_home(sh, home, sizeof home)) {
		sh_setvar(sh, "HOME", home, true);
		if (vfs_stat(sh->fs, home, &st) == 0 && st.type == VFS_DIR) {
			memcpy(sh->cwd, home, strlen(home) + 1);
			sh_setvar(sh, "PWD", home, true);
		}
	}
	memset(&io, 0, sizeof io);
	io.out[1].kind = SINK_NULL;
	io.out[2].kind = SINK_NULL;
	profile(sh, &io, "/etc/profile");
	if (strcmp(sh->cwd, "/") != 0) {
		snprintf(path, sizeof path, "%s/.profile", sh->cwd);
		profile(sh, &io, path);
	} else {
		profile(sh, &io, "/.profile");
	}
}
