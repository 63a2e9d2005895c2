/* ap_run.c — a captured ELF "runs": what it would print at its start,
 * decided statically by fetch/binid.h against the persona's CPU. Nothing
 * of the file is ever executed.
 *
 *   downloader (Mirai dlr)  "MIRAI\n", then a real fetch of the second
 *                           stage the extractor is certain of (through the
 *                           host and its fetcher: caps, address policy),
 *                           the shell waiting as for wget; "FIN\n" and the
 *                           file written as the dlr writes it (dvrHelper in
 *                           the working directory), or "NIF\n" when the
 *                           connect failed or no address is certain;
 *   XOR-table bot           its decoded start-up line ("listening tun0\n");
 *   other CPU               the kernel's ENOEXEC: ash runs the file as a
 *                           script (tryexec: /bin/sh FILE), NUL bytes
 *                           deleted as ash's input deletes them;
 *   anything else           silence (a daemonising bot), status 0.
 * Each decision is one SH_EV_EMULATED event (tanuki.exec.emulated).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/binid.h"
#include "sh/applet.h"

/* What ash's ENOEXEC fallback reads of a binary: the parse stops at the
 * first syntax error long before this on every ELF we have seen. */
#define RUN_SCRIPT_MAX 4096u

/* The file Mirai's dlr writes its payload to (O_CREAT|O_TRUNC, 0777). */
#define DLR_OUTFILE "dvrHelper"

static void emulated(struct sh *sh, const char *abspath, const struct binid_result *r,
		     const char *text)
{
	struct sh_event_info ei;

	memset(&ei, 0, sizeof ei);
	ei.outfile = abspath;
	ei.cls = binid_class_name(r->cls);
	ei.family = r->family;
	ei.machine = r->machine;
	ei.input = text;
	ei.input_len = strlen(text);
	sh_emit(sh, SH_EV_EMULATED, &ei);
}

/* The kernel refused the ELF (another CPU), or `sh FILE` was asked: ash
 * reads it as a shell script (tryexec()'s ENOEXEC fallback runs /bin/sh
 * FILE), its input deleting NUL bytes. */
int ap_run_bytes(struct sh *sh, struct io *io, const uint8_t *d, size_t n, int argc, char **argv,
		 int depth)
{
	size_t i, k = 0, lim = n < RUN_SCRIPT_MAX ? n : RUN_SCRIPT_MAX;
	char *src = malloc(lim + 1);
	int s;

	if (!src)
		return 1;
	for (i = 0; i < lim; i++)
		if (d[i])
			src[k++] = (char)d[i];
	src[k] = '\0';
	s = ap_script(sh, io, src, k, argc, argv, depth);
	free(src);
	return s;
}

/* The downloader asks for its second stage and the line waits for it;
 * false when it cannot (no host fetcher, not the line's own command,
 * refused at the start). */
static bool dlr_fetch(struct sh *sh, const struct binid_result *r)
{
	struct sh_event_info ei;
	struct fetch_req *x = &sh->fx;

	if (!sh->host.fetch || sh->inject || !sh->susp_ok || sh->waiting)
		return false;
	memset(x, 0, sizeof *x);
	x->applet = "dlr";
	if (r->dlr.port == 80)
		snprintf(x->url, sizeof x->url, "http://%s%s", r->dlr.host, r->dlr.path);
	else
		snprintf(x->url, sizeof x->url, "http://%s:%u%s", r->dlr.host,
			 (unsigned)r->dlr.port, r->dlr.path);
	snprintf(x->addr, sizeof x->addr, "%s", r->dlr.host);
	snprintf(x->host, sizeof x->host, "%s", r->dlr.host);
	x->port = r->dlr.port;
	snprintf(x->outname, sizeof x->outname, DLR_OUTFILE);
	if (sh_path(sh, DLR_OUTFILE, x->outfile, sizeof x->outfile))
		return false;
	memset(&ei, 0, sizeof ei);
	ei.applet = x->applet;
	ei.url = x->url;
	ei.outfile = x->outfile;
	if (sh->host.fetch(sh->host.ctx, &ei) <= 0)
		return false;
	sh->waiting = true;
	sh->susp_ni = sh->cur_ni;
	sh->stop = true; /* the rest of the line runs on resume */
	return true;
}

int ap_run_elf(struct sh *sh, struct io *io, const char *abspath, const uint8_t *d, size_t n,
	       int argc, char **argv, int depth)
{
	struct binid_result r;

	binid_classify(d, n, sh->p->elf.e_machine, sh->p->elf.ei_data == 2, &r);
	switch (r.cls) {
	case BINID_DOWNLOADER:
		emulated(sh, abspath, &r, r.text);
		sh_puts(sh, io, 1, r.text);
		if (r.dlr.verdict == DLR_CERTAIN && dlr_fetch(sh, &r))
			return 0; /* sh_fetch_finish -> ap_run_finish */
		/* no address we would connect to: its connect fails */
		sh_puts(sh, io, 1, r.text_err);
		return 1;
	case BINID_XOR_BOT:
		emulated(sh, abspath, &r, r.text);
		sh_puts(sh, io, 1, r.text);
		return 0;
	case BINID_WRONG_ARCH:
		emulated(sh, abspath, &r, "");
		return ap_run_bytes(sh, io, d, n, argc, argv, depth);
	default:
		emulated(sh, abspath, &r, "");
		return 0; /* it "runs" in the background */
	}
}

int ap_run_finish(struct sh *sh, struct io *io)
{
	const struct fetch_req *x = &sh->fx;
	const struct sh_fetch_result *res = sh->res;
	size_t n, room;

	if (!res || !res->connected) {
		sh_puts(sh, io, 1, "NIF\n");
		return 1;
	}
	/* a read that failed midway: it exits without a word */
	if (!res->ok && (!res->reason || strcmp(res->reason, "http_status")))
		return 4;
	if (res->ok && !vfs_can_create(sh->fs, x->outfile)) {
		n = res->len;
		room = vfs_room(sh->fs, x->outfile);
		if (n > room)
			n = room;
		if (!vfs_write(sh->fs, x->outfile, res->data, n, false)) {
			vfs_chmod(sh->fs, x->outfile, 0777);
			/* the fetcher stored these bytes already */
			vfs_mark_captured(sh->fs, x->outfile);
		}
	}
	/* the dlr writes whatever followed the header, then FIN */
	sh_puts(sh, io, 1, "FIN\n");
	return 5;
}
