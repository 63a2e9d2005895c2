/* ap_builtins.c — ash builtins: true, exit, cd, echo, export, read, test,
 * eval, source, type, help and the rest that live inside the shell.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh/applet.h"
#include "sh/params.h"

int ap_true(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)sh, (void)io, (void)argc, (void)argv;
	return 0;
}

int ap_false(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)sh, (void)io, (void)argc, (void)argv;
	return 1;
}

int ap_exit(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned long v;

	(void)io;
	sh->exit_req = true;
	sh->stop = true;
	if (argc > 1 && ap_parse_uint(argv[1], &v))
		return (int)(v & 0xff);
	return sh->status;
}

int ap_cd(struct sh *sh, struct io *io, int argc, char **argv)
{
	const char *dst = argc > 1 ? argv[1] : sh_getvar(sh, "HOME");
	char abs[CAP_PATH];
	struct vfs_stat st;

	if (!dst || !*dst)
		dst = "/";
	if (strcmp(dst, "-") == 0) {
		dst = sh_getvar(sh, "OLDPWD");
		if (!dst)
			dst = sh->cwd;
	}
	if (sh_path(sh, dst, abs, sizeof abs) || vfs_stat(sh->fs, abs, &st) || st.type != VFS_DIR) {
		sh_err(sh, io, "cd: can't cd to %s", dst);
		return 1;
	}
	sh_setvar(sh, "OLDPWD", sh->cwd, true);
	memcpy(sh->cwd, abs, sizeof sh->cwd);
	sh_setvar(sh, "PWD", sh->cwd, true);
	if (argc > 1 && strcmp(argv[1], "-") == 0)
		sh_printf(sh, io, 1, "%s\n", sh->cwd); /* `cd -` says where */
	return 0;
}

/* command [-v|-V] NAME [ARG]...: runs NAME past the functions, or says
 * what NAME is. */
int ap_command(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool v = false, vv = false;
	int a = 1, s = 0;

	for (; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		if (strcmp(argv[a], "--") == 0) {
			a++;
			break;
		}
		v |= strcmp(argv[a], "-v") == 0;
		vv |= strcmp(argv[a], "-V") == 0;
	}
	if (!v && !vv)
		return a < argc ? sh_exec_argv(sh, io, argc - a, argv + a, sh->depth) : 0;
	for (; a < argc; a++) {
		char abs[CAP_PATH];

		if (sh_builtin_here(sh, sh_applet_find(argv[a]))) {
			sh_printf(sh, io, 1, vv ? "%s is a shell builtin\n" : "%s\n", argv[a]);
		} else if (ap_find_path(sh, argv[a], abs, sizeof abs)) {
			if (vv)
				sh_printf(sh, io, 1, "%s is %s\n", argv[a], abs);
			else
				sh_printf(sh, io, 1, "%s\n", abs);
		} else {
			if (vv)
				sh_printf(sh, io, 1, "%s: not found\n", argv[a]);
			s = 127;
		}
	}
	return s;
}

int ap_pwd(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_printf(sh, io, 1, "%s\n", sh->cwd);
	return 0;
}

static void put_escaped(struct sh *sh, struct io *io, const char *s, bool *stop)
{
	struct buf b;

	sh_buf_init(sh, &b, CAP_LINE * 4);
	while (*s) {
		unsigned char c = (unsigned char)*s++;

		if (c != '\\' || !*s) {
			(void)buf_addc(&b, (char)c);
			continue;
		}
		if (*s == 'c') {
			*stop = true;
			break;
		}
		(void)buf_addc(&b, (char)ap_escape(&s, true));
	}
	sh_write(sh, io, 1, b.p, b.len);
	buf_free(&b);
}

int ap_echo(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool nl = true, esc = false, stop = false;
	int i = 1;

	for (; i < argc; i++) {
		const char *a = argv[i];
		bool n2 = nl, e2 = esc;

		if (a[0] != '-' || !a[1] || strspn(a + 1, "neE") != strlen(a + 1))
			break;
		for (a++; *a; a++) {
			if (*a == 'n')
				n2 = false;
			else if (*a == 'e')
				e2 = true;
			else
				e2 = false;
		}
		nl = n2;
		esc = e2;
	}
	for (; i < argc && !stop; i++) {
		if (esc)
			put_escaped(sh, io, argv[i], &stop);
		else
			sh_puts(sh, io, 1, argv[i]);
		if (i + 1 < argc && !stop)
			sh_write(sh, io, 1, " ", 1);
	}
	if (nl && !stop)
		sh_write(sh, io, 1, "\n", 1);
	return 0;
}

static int var_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sh_var *)a)->name, ((const struct sh_var *)b)->name);
}

int ap_export(struct sh *sh, struct io *io, int argc, char **argv)
{
	int i;

	if (argc < 2 || strcmp(argv[1], "-p") == 0) {
		struct sh_var sorted[CAP_SH_VARS];

		memcpy(sorted, sh->vars, (size_t)sh->nvars * sizeof sorted[0]);
		qsort(sorted, (size_t)sh->nvars, sizeof sorted[0], var_cmp);
		for (i = 0; i < sh->nvars; i++)
			if (sorted[i].exported)
				sh_printf(sh, io, 1, "export %s='%s'\n", sorted[i].name,
					  sorted[i].val);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq) {
			*eq = '\0';
			sh_setvar(sh, argv[i], eq + 1, true);
		} else {
			const char *v = sh_getvar(sh, argv[i]);

			sh_setvar(sh, argv[i], v ? v : "", true);
		}
	}
	return 0;
}

int ap_set(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct sh_var sorted[CAP_SH_VARS];
	int i, a = 1;

	if (argc < 2) {
		/* every variable, sorted by name, as ash lists them */
		memcpy(sorted, sh->vars, (size_t)sh->nvars * sizeof sorted[0]);
		qsort(sorted, (size_t)sh->nvars, sizeof sorted[0], var_cmp);
		for (i = 0; i < sh->nvars; i++)
			sh_printf(sh, io, 1, "%s='%s'\n", sorted[i].name, sorted[i].val);
		return 0;
	}
	/* options are accepted and ignored; `--` or the first word that is
	 * not an option starts the new positional parameters */
	for (; a < argc; a++) {
		if (strcmp(argv[a], "--") == 0) {
			a++;
			break;
		}
		if (argv[a][0] != '-' && argv[a][0] != '+')
			break;
		if (strcmp(argv[a], "-o") == 0 || strcmp(argv[a], "+o") == 0)
			a++;
	}
	if (a > argc)
		return 0;
	if (a == argc && strcmp(argv[a - 1], "--") != 0)
		return 0;
	return params_set(sh, argc - a, argv + a) ? 1 : 0;
}

int ap_shift(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned long k = 1;

	(void)io;
	if (argc > 1 && !ap_parse_uint(argv[1], &k))
		k = (unsigned long)CAP_SH_WORDS + 1;
	if (k > (unsigned long)CAP_SH_WORDS)
		return 1;
	return params_shift(sh, (int)k);
}

int ap_return(struct sh *sh, struct io *io, int argc, char **argv)
{
	unsigned long v;

	(void)io;
	if (!sh->frame && sh->nscript == 0 && sh->depth == 0)
		return ap_exit(sh, io, argc, argv); /* ash: the shell ends */
	sh->ret = true;
	if (argc > 1 && ap_parse_uint(argv[1], &v))
		return (int)(v & 0xff);
	return sh->status;
}

int ap_local(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct sh_frame *f = sh->frame;
	int i, k;

	(void)io;
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		const char *old;
		bool seen = false;

		if (eq)
			*eq = '\0';
		if (f) {
			for (k = 0; k < f->n; k++)
				if (strcmp(f->v[k].name, argv[i]) == 0)
					seen = true;
			if (!seen && f->n < SH_MAX_LOCALS) {
				old = sh_getvar(sh, argv[i]);
				f->v[f->n].name = strdup(argv[i]);
				f->v[f->n].old = old ? strdup(old) : NULL;
				if (f->v[f->n].name)
					f->n++;
				else
					free(f->v[f->n].old);
			}
		}
		if (eq)
			sh_setvar(sh, argv[i], eq + 1, false);
	}
	return 0;
}

int ap_unset(struct sh *sh, struct io *io, int argc, char **argv)
{
	int i;

	(void)io;
	for (i = 1; i < argc; i++)
		if (argv[i][0] != '-')
			sh_unsetvar(sh, argv[i]);
	return 0;
}

int ap_read(struct sh *sh, struct io *io, int argc, char **argv)
{
	const uint8_t *p;
	size_t n, i, len;
	bool raw = false, eof;
	struct buf line;
	int a = 1, status;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "-r") == 0)
			raw = true;
		else if (strcmp(argv[a], "-p") == 0 && a + 1 < argc)
			sh_puts(sh, io, 2, argv[++a]);
		else if ((strcmp(argv[a], "-t") == 0 || strcmp(argv[a], "-n") == 0) && a + 1 < argc)
			a++;
	}
	p = ap_stdin_rest(io, &n);
	for (len = 0; len < n && p[len] != '\n'; len++)
		;
	eof = len == n;
	if (io->in)
		io->in->pos += len + (eof ? 0 : 1);
	status = eof ? 1 : 0;
	sh_buf_init(sh, &line, CAP_LINE * 4);
	for (i = 0; i < len; i++) {
		if (!raw && p[i] == '\\' && i + 1 < len) {
			i++;
			(void)buf_addc(&line, (char)p[i]);
			continue;
		}
		(void)buf_addc(&line, (char)p[i]);
	}
	{
		const char *s = line.p ? line.p : "";
		const char *ifs = sh_getvar(sh, "IFS");
		const char *names_default[] = {"REPLY"};
		char **names = a < argc ? &argv[a] : (char **)names_default;
		int nn = a < argc ? argc - a : 1, k;

		if (!ifs)
			ifs = " \t\n";
		for (k = 0; k < nn; k++) {
			const char *st, *en;
			char *val;

			/* IFS white space around a field goes; one other IFS
			 * character ends it */
			while (*s && strchr(ifs, *s) && strchr(" \t\n", *s))
				s++;
			st = s;
			if (k + 1 < nn) {
				while (*s && !strchr(ifs, *s))
					s++;
				en = s;
				while (*s && strchr(ifs, *s) && strchr(" \t\n", *s))
					s++;
				if (*s && strchr(ifs, *s)) /* one non-white IFS character */
					s++;
			} else {
				en = st + strlen(st);
				while (en > st && strchr(ifs, en[-1]) && strchr(" \t\n", en[-1]))
					en--;
			}
			val = strndup(st, (size_t)(en - st));
			if (val) {
				sh_setvar(sh, names[k], val, false);
				free(val);
			}
		}
	}
	buf_free(&line);
	return status;
}

int ap_break(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)io, (void)argc;
	if (strcmp(argv[0], "break") == 0)
		sh->brk = true;
	else
		sh->cont = true;
	return 0;
}

static bool test_file(struct sh *sh, const char *op, const char *path)
{
	char abs[CAP_PATH];
	struct vfs_stat st;

	if (sh_path(sh, path, abs, sizeof abs) || vfs_stat(sh->fs, abs, &st))
		return false;
	switch (op[1]) {
	case 'f':
		return st.type == VFS_FILE;
	case 'd':
		return st.type == VFS_DIR;
	case 'x':
		return (st.mode & 0111) != 0;
	case 's':
		return st.size > 0;
	default:
		return true;
	}
}

int ap_test(struct sh *sh, struct io *io, int argc, char **argv)
{
	bool neg = false, r = false;
	int a = 1;

	if (strcmp(argv[0], "[") == 0) {
		if (strcmp(argv[argc - 1], "]") != 0) {
			sh_printf(sh, io, 2, "[: missing ]\n");
			return 2;
		}
		argc--;
	}
	if (a < argc && strcmp(argv[a], "!") == 0) {
		neg = true;
		a++;
	}
	switch (argc - a) {
	case 0:
		r = false;
		break;
	case 1:
		r = argv[a][0] != '\0';
		break;
	case 2:
		if (strcmp(argv[a], "-z") == 0)
			r = argv[a + 1][0] == '\0';
		else if (strcmp(argv[a], "-n") == 0)
			r = argv[a + 1][0] != '\0';
		else if (argv[a][0] == '-' && argv[a][1] && strchr("efdxrwsLh", argv[a][1]) &&
			 !argv[a][2])
			r = test_file(sh, argv[a], argv[a + 1]);
		else
			return 2;
		break;
	default: {
		const char *x = argv[a], *op = argv[a + 1], *y = argv[a + 2];
		long lx = strtol(x, NULL, 10), ly = strtol(y, NULL, 10);

		if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0)
			r = strcmp(x, y) == 0;
		else if (strcmp(op, "!=") == 0)
			r = strcmp(x, y) != 0;
		else if (strcmp(op, "-eq") == 0)
			r = lx == ly;
		else if (strcmp(op, "-ne") == 0)
			r = lx != ly;
		else if (strcmp(op, "-gt") == 0)
			r = lx > ly;
		else if (strcmp(op, "-lt") == 0)
			r = lx < ly;
		else if (strcmp(op, "-ge") == 0)
			r = lx >= ly;
		else if (strcmp(op, "-le") == 0)
			r = lx <= ly;
		else
			return 2;
	}
	}
	return (r != neg) ? 0 : 1;
}

int ap_eval(struct sh *sh, struct io *io, int argc, char **argv)
{
	struct buf b;
	int i, s;

	sh_buf_init(sh, &b, CAP_LINE * 4);
	for (i = 1; i < argc; i++) {
		if (i > 1)
			(void)buf_addc(&b, ' ');
		(void)buf_adds(&b, argv[i]);
	}
	s = sh_run(sh, io, b.p ? b.p : "", b.len, sh->depth + 1, NULL);
	buf_free(&b);
	return s;
}

int ap_exec(struct sh *sh, struct io *io, int argc, char **argv)
{
	if (argc < 2)
		return 0;
	return sh_exec_argv(sh, io, argc - 1, argv + 1, sh->depth + 1);
}

int ap_source(struct sh *sh, struct io *io, int argc, char **argv)
{
	char abs[CAP_PATH];
	const uint8_t *d;
	size_t n;
	uint8_t *copy;
	int s;

	if (argc < 2)
		return 0;
	if (sh_path(sh, argv[1], abs, sizeof abs) || vfs_read(sh->fs, abs, &d, &n)) {
		sh_err(sh, io, "%s: can't open '%s'", argv[0], argv[1]);
		return 2;
	}
	copy = malloc(n ? n : 1);
	if (!copy)
		return 1;
	if (n)
		memcpy(copy, d, n);
	s = sh_run_script(sh, io, (const char *)copy, n, sh->depth + 1, argv[1], true);
	free(copy);
	return s;
}

int ap_type(struct sh *sh, struct io *io, int argc, char **argv)
{
	int i, s = 0;

	for (i = 1; i < argc; i++) {
		const struct sh_applet *a = sh_applet_find(argv[i]);

		if (sh_builtin_here(sh, a))
			sh_printf(sh, io, 1, "%s is a shell builtin\n", argv[i]);
		else if (sh_has_applet(sh, argv[i]))
			sh_printf(sh, io, 1, "%s is /bin/%s\n", argv[i], argv[i]);
		else {
			sh_printf(sh, io, 1, "%s: not found\n", argv[i]);
			s = 1;
		}
	}
	return s;
}

int ap_help(struct sh *sh, struct io *io, int argc, char **argv)
{
	(void)argc, (void)argv;
	sh_puts(sh, io, 1,
		"Built-in commands:\n-------------------\n"
		"\t. : [ [[ alias bg break cd chdir command continue echo eval exec\n"
		"\texit export false fg getopts hash help history jobs kill let\n"
		"\tlocal printf pwd read readonly return set shift source test times\n"
		"\ttrap true type ulimit umask unalias unset wait\n\n");
	return 0;
}
