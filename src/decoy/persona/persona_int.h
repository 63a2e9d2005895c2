/* persona_int.h — what the parts of the persona loader share: persona.c
 * (the order of loading, escapes and templates), persona_cfg.c (the UCI
 * file) and persona_image.c (the file image, /bin/busybox). Not for other
 * modules: they use persona.h.
 */
#ifndef TANUKI_PERSONA_INT_H
#define TANUKI_PERSONA_INT_H

#include <stddef.h>

#include "buf.h"
#include "persona/persona.h"

struct uci_file;
struct uci_sec;

/* A persona image is a handful of small text files; these caps only stop a
 * broken folder from eating the router's RAM. */
#define PERSONA_MAX_FILES 1024
#define PERSONA_MAX_BYTES (1024u * 1024u)
#define PERSONA_MAX_DEPTH 12
#define PERSONA_MAX_ELF (4u * 1024u * 1024u)

struct loader {
	struct persona *p;
	const struct persona_unit *unit;
	char *err;
	size_t errlen;
	size_t bytes; /* image bytes so far */
	size_t cap;   /* files[] allocated */
};

/* persona.c */
/* Writes "file:line: msg" into the loader's error; returns -EINVAL. */
int persona_fail(struct loader *L, const char *file, int line, const char *msg);
/* C escapes: \r \n \t \e \0 \\ \' \" \xHH. Unknown escapes stay literal. */
int persona_unescape(const char *s, struct buf *out);
/* Expands %{name} templates with this unit's values. Unknown names stay. */
int persona_expand(const struct persona *p, const char *s, size_t n, struct buf *out);

/* persona_cfg.c */
/* The `config persona` section (after it, the unit's values are known). */
int persona_load_sec(struct loader *L, struct uci_sec *sec, const char *file);
/* The other sections: cli, clicmd, door. */
int persona_load_cli(struct loader *L, struct uci_file *uf, const char *file);

/* persona_image.c */
/* Adds the files under the folder `real` as `virt`/..., depth levels down. */
int persona_scan_dir(struct loader *L, const char *real, const char *virt, int depth);
/* Adds /bin and the applet links; sorts the image. */
int persona_add_links(struct loader *L);
/* Makes p->busybox, the ELF image /bin/busybox shows. */
int persona_make_elf(struct loader *L);
/* Loads the optional http/ folder into p->http. */
int persona_load_http(struct loader *L, const char *path);

#endif
