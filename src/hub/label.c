/* label.c — YARA family labels (see label.h). */
#include "label.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yara.h>

#include "buf.h"
#include "db.h"
#include "hash.h"
#include "hub_limits.h"
#include "hub_rules.h" /* hub_rules[]: src/hub/rules/families.yar, made by mk/hub.mk */

struct cerr {
	char *err;
	size_t len;
	bool set;
};

static void compiler_msg(int level, const char *file, int line, const YR_RULE *rule,
			 const char *msg, void *ctx)
{
	struct cerr *e = ctx;

	(void)rule;
	if (level == YARA_ERROR_LEVEL_ERROR && !e->set) {
		snprintf(e->err, e->len, "%s:%d: %s", file ? file : "families.yar", line, msg);
		e->set = true;
	}
}

int label_open(struct labeler *l, const char *user_rules, char *err, size_t errlen)
{
	YR_COMPILER *c = NULL;
	YR_RULES *rules = NULL;
	struct cerr e = {err, errlen, false};
	struct buf all;
	uint8_t d[SHA256_LEN];
	FILE *f = NULL;
	int bad;

	memset(l, 0, sizeof(*l));
	if (yr_initialize() != ERROR_SUCCESS) {
		snprintf(err, errlen, "yara: cannot initialise");
		return -1;
	}
	buf_init(&all, 2 * HUB_BODY_MAX);
	buf_add(&all, hub_rules, sizeof(hub_rules) - 1);
	if (yr_compiler_create(&c) != ERROR_SUCCESS) {
		snprintf(err, errlen, "yara: out of memory");
		goto fail;
	}
	yr_compiler_set_callback(c, compiler_msg, &e);
	bad = yr_compiler_add_string(c, hub_rules, "tanuki");
	if (!bad && user_rules) {
		char tmp[16384];
		size_t n;

		f = fopen(user_rules, "r");
		if (!f) {
			snprintf(err, errlen, "%s: %s", user_rules, strerror(errno));
			goto fail;
		}
		while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
			if (buf_add(&all, tmp, n))
				break;
		rewind(f);
		bad = yr_compiler_add_file(c, f, "operator", user_rules);
		fclose(f);
	}
	if (bad || yr_compiler_get_rules(c, &rules) != ERROR_SUCCESS) {
		if (!e.set)
			snprintf(err, errlen, "yara: rules do not compile");
		goto fail;
	}
	yr_compiler_destroy(c);
	hash_sha256(all.p, all.len, d);
	hash_hex(d, sizeof(d), l->hash);
	buf_free(&all);
	l->rules = rules;
	return 0;
fail:
	if (c)
		yr_compiler_destroy(c);
	buf_free(&all);
	yr_finalize();
	return -1;
}

void label_close(struct labeler *l)
{
	if (!l->rules)
		return;
	yr_rules_destroy(l->rules);
	l->rules = NULL;
	yr_finalize();
}

struct found {
	const char *fam[32];
	int n;
};

static int on_match(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *user)
{
	struct found *f = user;
	YR_RULE *rule = data;
	YR_META *m;
	int i;

	(void)ctx;
	if (msg != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	yr_rule_metas_foreach(rule, m)
	{
		if (m->type != META_TYPE_STRING || strcmp(m->identifier, "family"))
			continue;
		for (i = 0; i < f->n && strcmp(f->fam[i], m->string); i++)
			;
		if (i == f->n && f->n < 32)
			f->fam[f->n++] = m->string;
	}
	return CALLBACK_CONTINUE;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int label_scan(struct labeler *l, const void *p, size_t n, char out[LABEL_MAX])
{
	struct found f = {{0}, 0};
	size_t o = 0;
	int i;

	out[0] = '\0';
	if (!l->rules || yr_rules_scan_mem(l->rules, p, n, SCAN_FLAGS_FAST_MODE, on_match, &f,
					   HUB_LABEL_TIMEOUT_S) != ERROR_SUCCESS)
		return -1;
	qsort(f.fam, (size_t)f.n, sizeof(f.fam[0]), by_name);
	for (i = 0; i < f.n; i++) {
		int w = snprintf(out + o, LABEL_MAX - o, "%s%s", i ? "," : "", f.fam[i]);

		if (w < 0 || (size_t)w >= LABEL_MAX - o) {
			out[o] = '\0';
			break;
		}
		o += (size_t)w;
	}
	return 0;
}

static bool sha_name(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[64] == '\0';
}

int label_all(struct labeler *l, struct store *st, const char *dir, bool force, int *done)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	*done = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) && !r) {
		char path[1200], fam[LABEL_MAX], made[80] = "";
		struct buf b;
		FILE *f;
		size_t n;
		char tmp[16384];

		if (!sha_name(e->d_name))
			continue;
		if (!force && !db_label_rules(st, e->d_name, made, sizeof(made)) &&
		    !strcmp(made, l->hash))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		buf_init(&b, HUB_BODY_MAX);
		while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
			if (buf_add(&b, tmp, n))
				break;
		fclose(f);
		if (!label_scan(l, b.p ? b.p : "", b.len, fam))
			r = db_label_set(st, e->d_name, fam, l->hash, (int64_t)time(NULL));
		buf_free(&b);
		(*done)++;
	}
	closedir(d);
	return r;
}
