/* ap_table.c — the applet table (ash builtins and BusyBox applets with
 * their usage texts, as BusyBox keeps them), lookup, and `busybox X`
 * dispatch.
 */
#include <stdio.h>
#include <string.h>

#include "sh/applet.h"

/* One row per applet, sorted by name. */
/* clang-format off */
static const struct sh_applet applets[] = {
	{".", ap_source, "FILE\n", AP_BUILTIN},
	{":", ap_true, "\n", AP_BUILTIN},
	{"[", ap_test, "EXPRESSION ]\n\nCheck file types, compare values etc.\n", AP_BUILTIN | AP_APPLET},
	{"ash", ap_sh, "[-/+OPTIONS] [-/+o OPT]... [-c 'SCRIPT' [0 ARGS] | FILE [ARGS]]\n\nUnix shell interpreter\n", AP_APPLET},
	{"basename", ap_basename, "FILE [SUFFIX] | -a FILE... | -s SUFFIX FILE...\n\nStrip directory path and SUFFIX from FILE\n\n\t-a\t\tAll arguments are FILEs\n\t-s SUFFIX\tRemove SUFFIX (implies -a)\n", AP_APPLET},
	{"break", ap_break, "\n", AP_BUILTIN},
	{"busybox", ap_busybox, "\n", AP_APPLET},
	{"cat", ap_cat, "[FILE]...\n\nConcatenate FILEs and print them to stdout\n", AP_APPLET},
	{"cd", ap_cd, "\n", AP_BUILTIN},
	{"chmod", ap_chmod, "[-Rcvf] MODE[,MODE]... FILE...\n\nEach MODE is one or more of the letters ugoa, one of the\nsymbols +-= and one or more of the letters rwxst\n", AP_APPLET},
	{"command", ap_command, "\n", AP_BUILTIN},
	{"continue", ap_break, "\n", AP_BUILTIN},
	{"cp", ap_cp, "[OPTIONS] SOURCE... DEST\n\nCopy SOURCE(s) to DEST\n", AP_APPLET},
	{"curl", ap_curl, "\n", AP_APPLET},
	{"cut", ap_cut, "[OPTIONS] [FILE]...\n\nPrint selected fields from FILEs to stdout\n\n\t-b LIST\tOutput only bytes from LIST\n\t-c LIST\tOutput only characters from LIST\n\t-d SEP\tField delimiter for input (default -f TAB, -F run of whitespace)\n\t-O SEP\tField delimeter for output (default = -d for -f, one space for -F)\n\t-D\tDon't sort/collate sections or match -fF lines without delimeter\n\t-f LIST\tPrint only these fields (-d is single char)\n\t-F LIST\tPrint only these fields (-d is regex)\n\t-s\tOutput only lines containing delimiter\n\t-n\tIgnored\n", AP_APPLET},
	{"date", ap_date, "[OPTIONS] [+FMT] [TIME]\n\nDisplay time (using +FMT), or set time\n", AP_APPLET},
	{"dd", ap_dd, "[if=FILE] [of=FILE] [bs=N] [count=N] [skip=N]\n\t[seek=N] [conv=notrunc|noerror|sync|fsync]\n\nCopy a file with converting and formatting\n", AP_APPLET},
	{"df", ap_df, "[-Pkmh] [FILESYSTEM]...\n\nPrint filesystem usage statistics\n", AP_APPLET},
	{"dirname", ap_dirname, "FILENAME\n\nStrip non-directory suffix from FILENAME\n", AP_APPLET},
	{"echo", ap_echo, "[-neE] [ARG]...\n\nPrint the specified ARGs to stdout\n", AP_BUILTIN | AP_APPLET},
	{"env", ap_env, "[-iu] [-] [name=value]... [PROG ARGS]\n\nPrint the current environment or run PROG after setting up\nthe specified environment\n", AP_APPLET},
	{"eval", ap_eval, "\n", AP_BUILTIN},
	{"exec", ap_exec, "\n", AP_BUILTIN},
	{"exit", ap_exit, "\n", AP_BUILTIN},
	{"export", ap_export, "\n", AP_BUILTIN},
	{"expr", ap_expr, "EXPRESSION\n\nPrint the value of EXPRESSION\n", AP_APPLET},
	{"false", ap_false, "\n\nReturn an exit code of FALSE (1)\n", AP_BUILTIN | AP_APPLET},
	{"free", ap_free, "\n\nDisplay the amount of free and used system memory\n", AP_APPLET},
	{"ftpget", ap_ftpget, "[OPTIONS] HOST [LOCAL_FILE] REMOTE_FILE\n\nRetrieve a remote file via FTP\n", AP_APPLET},
	{"grep", ap_grep, "[-HhrilLnqvsoeFEABC] PATTERN [FILE]...\n\nSearch for PATTERN in FILEs (or stdin)\n", AP_APPLET},
	{"head", ap_head, "[OPTIONS] [FILE]...\n\nPrint first 10 lines of each FILE (or stdin) to stdout.\n", AP_APPLET},
	{"help", ap_help, "\n", AP_BUILTIN},
	{"hostname", ap_hostname, "[OPTIONS] [HOSTNAME | -F FILE]\n\nGet or set hostname or DNS domain name\n", AP_APPLET},
	{"id", ap_id, "[OPTIONS] [USER]\n\nPrint information about USER or the current user\n", AP_APPLET},
	{"kill", ap_kill, "[-l] [-SIG] PID...\n\nSend a signal (default: TERM) to given PIDs\n", AP_BUILTIN | AP_APPLET},
	{"local", ap_local, "\n", AP_BUILTIN},
	{"ls", ap_ls, "[-1AacCdeFilnpLRrSsTtuvwxXhk] [FILE]...\n\nList directory contents\n", AP_APPLET},
	{"mkdir", ap_mkdir, "[OPTIONS] DIRECTORY...\n\nCreate DIRECTORY\n", AP_APPLET},
	{"mount", ap_mount, "[OPTIONS] [-o OPTS] DEVICE NODE\n\nMount a filesystem\n", AP_APPLET},
	{"mv", ap_mv, "[-fin] SOURCE DEST\nor: mv [-fin] SOURCE... DIRECTORY\n\nRename SOURCE to DEST, or move SOURCE(s) to DIRECTORY\n", AP_APPLET},
	{"nc", ap_nc, "[-iN] [-wN] [-l] [-p PORT] [-f FILE|IPADDR PORT] [-e PROG]\n\nOpen a pipe to IP:port or file\n", AP_APPLET},
	{"netstat", ap_netstat, "[-ral] [-tuwx] [-enWp]\n\nDisplay networking information\n\n\t-r\tRouting table\n\t-a\tAll sockets\n\t-l\tListening sockets\n\t\tElse: connected sockets\n\t-t\tTCP sockets\n\t-u\tUDP sockets\n\t-w\tRaw sockets\n\t-x\tUnix sockets\n\t\tElse: all socket types\n\t-e\tOther/more information\n\t-n\tDon't resolve names\n\t-W\tWide display\n\t-p\tShow PID/program name for sockets\n", AP_APPLET},
	{"printf", ap_printf, "FORMAT [ARG]...\n\nFormat and print ARG(s) according to FORMAT (a-la C printf)\n", AP_BUILTIN | AP_APPLET},
	{"ps", ap_ps, "\n\nShow list of processes\n", AP_APPLET},
	{"pwd", ap_pwd, "\n\nPrint the full filename of the current working directory\n", AP_BUILTIN | AP_APPLET},
	{"read", ap_read, "\n", AP_BUILTIN},
	{"readlink", ap_readlink, "[-fnv] FILE\n\nDisplay the value of a symlink\n\n\t-f\tCanonicalize by following all symlinks\n\t-n\tDon't add newline\n\t-v\tVerbose\n", AP_APPLET},
	{"return", ap_return, "\n", AP_BUILTIN},
	{"rm", ap_rm, "[OPTIONS] FILE...\n\nRemove (unlink) FILEs\n", AP_APPLET},
	{"rmdir", ap_rmdir, "[OPTIONS] DIRECTORY...\n\nRemove DIRECTORY if it is empty\n", AP_APPLET},
	{"sed", ap_sed, "[-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\nor: sed [-i[SFX]] [-nrE] CMD [FILE]...\n\n\t-e CMD\tAdd CMD to sed commands to be executed\n\t-f FILE\tAdd FILE contents to sed commands to be executed\n\t-i[SFX]\tEdit files in-place (otherwise write to stdout)\n\t\tOptionally back files up, appending SFX\n\t-n\tSuppress automatic printing of pattern space\n\t-r,-E\tUse extended regex syntax\n\nIf no -e or -f, the first non-option argument is the sed command string.\nRemaining arguments are input files (stdin if none).\n", AP_APPLET},
	{"seq", ap_seq, "[-w] [-s SEP] [FIRST [INC]] LAST\n\nPrint numbers from FIRST to LAST, in steps of INC.\nFIRST, INC default to 1.\n\n\t-w\tPad to last with leading zeros\n\t-s SEP\tString separator\n", AP_APPLET},
	{"set", ap_set, "\n", AP_BUILTIN},
	{"sh", ap_sh, "[-/+OPTIONS] [-/+o OPT]... [-c 'SCRIPT' [0 ARGS] | FILE [ARGS]]\n\nUnix shell interpreter\n", AP_APPLET},
	{"shift", ap_shift, "\n", AP_BUILTIN},
	{"sleep", ap_sleep, "N\n\nPause for N seconds\n", AP_APPLET},
	{"sort", ap_sort, "[-nrugMcszbdfiokt] [-o FILE] [-k START[.OFS][OPTS][,END[.OFS][OPTS]] [-t CHAR] [FILE]...\n\nSort lines of text\n", AP_APPLET},
	{"source", ap_source, "\n", AP_BUILTIN},
	{"su", ap_su, "[OPTIONS] [-] [USERNAME]\n\nChange user id or become root\n", AP_APPLET},
	{"tail", ap_tail, "[OPTIONS] [FILE]...\n\nPrint last 10 lines of each FILE (or stdin) to stdout.\n", AP_APPLET},
	{"test", ap_test, "EXPRESSION ]\n\nCheck file types, compare values etc.\n", AP_BUILTIN | AP_APPLET},
	{"tftp", ap_tftp, "[OPTIONS] HOST [PORT]\n\nTransfer a file from/to tftp server\n", AP_APPLET},
	{"touch", ap_touch, "[-c] [-d DATE] FILE [FILE]...\n\nUpdate the last-modified date on the given FILE[s]\n", AP_APPLET},
	{"tr", ap_tr, "[-cds] STRING1 [STRING2]\n\nTranslate, squeeze, or delete characters from stdin, writing to stdout\n\n\t-c\tTake complement of STRING1\n\t-d\tDelete input characters coded STRING1\n\t-s\tSqueeze multiple output characters of STRING2 into one character\n", AP_APPLET},
	{"trap", ap_true, "\n", AP_BUILTIN},
	{"true", ap_true, "\n\nReturn an exit code of TRUE (0)\n", AP_BUILTIN | AP_APPLET},
	{"type", ap_type, "\n", AP_BUILTIN},
	{"ulimit", ap_true, "\n", AP_BUILTIN},
	{"umask", ap_umask, "\n", AP_BUILTIN},
	{"uname", ap_uname, "[-amnrspv]\n\nPrint system information\n", AP_APPLET},
	{"uniq", ap_uniq, "[-cduiz] [-f,s,w N] [FILE [OUTFILE]]\n\nDiscard duplicate lines\n", AP_APPLET},
	{"unset", ap_unset, "\n", AP_BUILTIN},
	{"uptime", ap_uptime, "\n\nDisplay the time since the last boot\n", AP_APPLET},
	{"wait", ap_true, "\n", AP_BUILTIN},
	{"wc", ap_wc, "[-clwL] [FILE]...\n\nPrint line, word, and byte counts for each FILE (or stdin),\nand a total line if more than one FILE is specified\n", AP_APPLET},
	{"wget", ap_wget, "[-c|--continue] [-s|--spider] [-q|--quiet] [-O|--output-document FILE]\n\t[--header 'header: value'] [-Y|--proxy on/off] [-P DIR]\n\t[-U|--user-agent AGENT] URL\n\nRetrieve files via HTTP or FTP\n", AP_APPLET},
	{"which", ap_which, "[COMMAND]...\n\nLocate a COMMAND\n", AP_APPLET},
	{"whoami", ap_whoami, "\n\nPrint the user name associated with the current effective user id\n", AP_APPLET},
};
/* clang-format on */

#define NAPPLETS (sizeof applets / sizeof applets[0])

const struct sh_applet *sh_applet_find(const char *name)
{
	size_t i;

	for (i = 0; i < NAPPLETS; i++)
		if (strcmp(applets[i].name, name) == 0)
			return &applets[i];
	return NULL;
}

bool sh_builtin_here(const struct sh *sh, const struct sh_applet *a)
{
	if (!a || !(a->flags & AP_BUILTIN))
		return false;
	if (strcmp(a->name, "printf") == 0)
		return ap_bb_minor(sh) >= 16;
	return true;
}

bool sh_has_applet(const struct sh *sh, const char *name)
{
	const struct sh_applet *a;
	size_t i;

	if (strcmp(name, "busybox") == 0 || strcmp(name, "sh") == 0)
		return true;
	if (sh->p->napplets == 0) {
		a = sh_applet_find(name);
		return a && (a->flags & AP_APPLET) && strcmp(name, "curl") != 0;
	}
	for (i = 0; i < sh->p->napplets; i++)
		if (strcmp(sh->p->applets[i], name) == 0)
			return true;
	return false;
}

int sh_applet_run(struct sh *sh, struct io *io, const struct sh_applet *a, int argc, char **argv)
{
	if (!(a->flags & AP_BUILTIN)) {
		size_t o = 0;
		int i;

		/* a child: its own pid (/proc/self), and the fork and exec */
		sh->next_pid++;
		sh->self_cmd[0] = '\0';
		for (i = 0; i < argc && o + 1 < sizeof sh->self_cmd; i++) {
			int w = snprintf(sh->self_cmd + o, sizeof sh->self_cmd - o, "%s%s",
					 i ? " " : "", argv[i]);

			o = w < 0 || (size_t)w >= sizeof sh->self_cmd - o ? sizeof sh->self_cmd
									  : o + (size_t)w;
		}
		sh_exec_cost(sh);
	}
	return a->fn(sh, io, argc, argv);
}

static void busybox_help(struct sh *sh, struct io *io)
{
	const struct persona *p = sh->p;
	size_t i, col = 8;

	sh_printf(sh, io, 1,
		  "BusyBox %s multi-call binary.\n"
		  "Copyright (C) 1998-2009 Erik Andersen, Rob Landley, Denys Vlasenko\n"
		  "and others. Licensed under GPLv2.\n"
		  "See source distribution for full notice.\n\n"
		  "Usage: busybox [function] [arguments]...\n"
		  "   or: function [arguments]...\n\n"
		  "\tBusyBox is a multi-call binary that combines many common Unix\n"
		  "\tutilities into a single executable.  Most people will create a\n"
		  "\tlink to busybox for each function they wish to use and BusyBox\n"
		  "\twill act like whatever it was invoked as.\n\n"
		  "Currently defined functions:\n\t",
		  ap_bb_version(sh));
	for (i = 0; i < (p->napplets ? p->napplets : NAPPLETS); i++) {
		const char *name = p->napplets ? p->applets[i] : applets[i].name;
		size_t len = strlen(name);

		if (!p->napplets && !(applets[i].flags & AP_APPLET))
			continue;
		if (col > 8) {
			if (col + 2 + len > 78) {
				sh_puts(sh, io, 1, ",\n\t");
				col = 8;
			} else {
				sh_puts(sh, io, 1, ", ");
				col += 2;
			}
		}
		sh_puts(sh, io, 1, name);
		col += len;
	}
	sh_puts(sh, io, 1, "\n\n");
}

int ap_busybox(struct sh *sh, struct io *io, int argc, char **argv)
{
	const struct sh_applet *a;
	const char *name;

	if (argc < 2) {
		busybox_help(sh, io);
		return 0;
	}
	name = argv[1];
	if (strcmp(name, "--list") == 0) {
		size_t i;

		for (i = 0; i < sh->p->napplets; i++)
			sh_printf(sh, io, 1, "%s\n", sh->p->applets[i]);
		return 0;
	}
	a = sh_applet_find(name);
	if (sh_has_applet(sh, name)) {
		if (a && (a->flags & AP_APPLET)) {
			bool was = sh->child;
			int rc;

			sh->child = true;
			rc = a->fn(sh, io, argc - 1, argv + 1);
			sh->child = was;
			return rc;
		}
		return 0;
	}
	sh_printf(sh, io, 2, "%s: applet not found\n", name);
	return 127;
}
