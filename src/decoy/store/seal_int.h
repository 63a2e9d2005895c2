/* seal_int.h — what the parts of the sealed-segment code share (seal.c
 * the file format and API, sealfld.c line parsing, dictionaries, the text
 * pool and shapes, sealcode.c the field coders). Not for other modules:
 * they use seal.h.
 */
#ifndef TANUKI_SEAL_INT_H
#define TANUKI_SEAL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "store/rc.h"
#include "store/seal.h"

/* Caps of one sealed segment. The encoder never exceeds them (a segment is
 * at most STORE_SEGMENT_MAX bytes of lines); the decoder refuses a header
 * that claims more, so corrupt flash cannot make it allocate without end. */
#define MAX_EVENTS (1u << 20)
#define MAX_TEXT (32u << 20) /* raw lines, and the inflated text pool */
#define MAX_REFS 4096u
#define MAX_SHAPES 64 /* distinct (eventid, key list) per segment */
#define MAX_FIELDS 24 /* fields in one coded line */
#define MAX_KEY 32
#define MAX_DICTS 48	 /* string dictionaries (one per key name) */
#define DICT_MTF 4096	 /* entries a dictionary can refer back to */
#define SESS_MTF 1024	 /* sessions a line can refer back to */
#define SID_LOOKAHEAD 64 /* skipped session counters we look past */
#define NUM_CACHE 8

enum { K_CONST = 'E', K_STR = 'S', K_NUM = 'N', K_BOOL = 'B' };
enum { H_NONE, H_TIME, H_SESS, H_DUR, H_IP, H_STR, H_NUM, H_BOOL };

struct fld {
	const char *key;
	size_t klen;
	char kind;
	const char *v; /* string: escaped text between the quotes */
	size_t vlen;
	int64_t num;
};

struct fmodel {
	uint8_t how;
	int8_t slot;  /* session-predicted value: src_ip, dst_ip, src_port, dst_port */
	uint8_t dict; /* string dictionary */
	char kind;
	char key[MAX_KEY + 1];
	uint8_t klen;
	char *cval; /* K_CONST: the text */
	size_t clen;
	uint16_t sym[16];
	uint16_t flag[4];
	struct rc_int a, b;
	int64_t cache[NUM_CACHE];
};

struct shape {
	char *text; /* serialized, for lookup */
	size_t tlen;
	size_t nf;
	struct fmodel *f;
};

struct dict {
	char key[MAX_KEY + 1];
	uint32_t *mtf;
	uint32_t n;
};

struct sess {
	char id[SEAL_SID_LEN];
	int64_t t0;
	uint32_t ip[2];
	int64_t port[2];
	uint8_t last_shape; /* index + 1 */
	uint8_t has;	    /* bits: t0, ip0, ip1, port0, port1 */
};

struct ctx {
	struct rc c;
	uint8_t key[SEAL_KEY_LEN];
	/* text pool: encoder appends, decoder reads */
	struct buf pool;
	size_t ppos;
	/* strings of all dictionaries */
	char *arena;
	size_t alen, acap;
	uint32_t *eoff, *elen;
	uint32_t nent, ecap;
	struct dict dicts[MAX_DICTS];
	size_t ndicts;
	struct shape shapes[MAX_SHAPES];
	size_t nshapes;
	struct rc_int shape_m[MAX_SHAPES + 2];
	struct sess *sess;
	uint32_t nsess, scap;
	uint32_t smtf[SESS_MTF];
	uint32_t nsmtf;
	uint64_t next_seq;
	int64_t prev_ts;
	unsigned prev_shape; /* context of the shape number: last shape + 1 */
	/* per line */
	int64_t cur_ts;
	int cur_sess;
	bool has_sid, new_sess;
	char sid[64]; /* the line's session text */
	size_t sid_n;
	struct fmodel sm;			/* the session model */
	struct rc_int sshape_m[MAX_SHAPES + 1]; /* shape after a session's last one */
	struct buf line;			/* decoder: the rendered line */
};

/* sealfld.c: lines of the writer's shape */
bool seal_key_ok(const char *k, size_t n);
size_t seal_str_body(const char *p, size_t n, bool *ok);
bool seal_parse_int(const char *p, size_t n, int64_t *v);
bool seal_parse_line(const char *p, size_t n, struct fld *f, size_t *nf);
void seal_render_int(struct buf *b, int64_t v, int *err);

/* sealfld.c: the coder's state, dictionaries, text pool, shapes */
void seal_ctx_init(struct ctx *x, bool dec);
void seal_ctx_free(struct ctx *x);
int seal_grow(void **p, uint32_t *cap, uint32_t need, size_t elem);
int seal_add_entry(struct ctx *x, const char *s, size_t n, uint32_t *id);
void seal_mtf_front(uint32_t *a, uint32_t *n, uint32_t cap, uint32_t pos, uint32_t v);
int seal_pool_put(struct ctx *x, const char *s, size_t n);
int seal_pool_get(struct ctx *x, const char **s, size_t *n);
int seal_shape_make(struct ctx *x, const char *t, size_t n, struct shape *sh);
void seal_shape_drop(struct shape *sh);
int seal_shape_text(const struct fld *f, size_t nf, struct buf *t);

/* sealcode.c: codes (or decodes into x->line) one line */
int seal_code_line(struct ctx *x, const char *line, size_t len, bool force_raw);

#endif
