/* uci.h — reader for OpenWrt UCI files.
 *
 * Syntax taken: `config <type> ['<name>']`, `option <key> '<value>'`,
 * `list <key> '<value>'`, `#` comments, values bare, in single quotes or in
 * double quotes (backslash escapes \" \\ inside double quotes; adjacent
 * quoted parts concatenate, as in uci(1)). Anything else is an error that
 * names the line.
 *
 * Ownership: uci_load() returns a tree the caller frees with uci_free().
 * Options and list items keep file order; a repeated option keeps the last.
 */
#ifndef TANUKI_UCI_H
#define TANUKI_UCI_H

#include <stdbool.h>
#include <stddef.h>

struct uci_opt {
	struct uci_opt *next;
	char *key;
	char *val;
	bool list; /* from `list`, may repeat */
	int line;
	bool used; /* set by the getters; lets callers flag unknown keys */
};

struct uci_sec {
	struct uci_sec *next;
	char *type;
	char *name; /* "" for anonymous sections */
	int line;
	struct uci_opt *opts;
};

struct uci_file {
	char *path;
	struct uci_sec *secs;
};

/* Parses `path`. On error returns NULL and writes "PATH:LINE: problem"
 * into err (always NUL-terminated). Files over UCI_MAX_FILE are refused. */
struct uci_file *uci_load(const char *path, char *err, size_t errlen);
/* Same from memory; `path` is only used in messages. */
struct uci_file *uci_parse(const char *path, const char *text, size_t len, char *err,
			   size_t errlen);
void uci_free(struct uci_file *f);

/* Last `option key` of the section, or NULL. Marks it used. */
struct uci_opt *uci_get(struct uci_sec *s, const char *key);
const char *uci_str(struct uci_sec *s, const char *key, const char *def);

#define UCI_MAX_FILE (1u << 20) /* configs and personas are small; refuse junk */

#endif
