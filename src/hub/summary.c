/* summary.c — validation of a summary document (see summary.h). */
#include "summary.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hub_limits.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -EINVAL;                                                                    \
	} while (0)

bool summary_name_ok(const char *name, size_t n)
{
	size_t i;

	if (n == 0 || n > HUB_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool is_count(const struct jdoc *d, int32_t i)
{
	return i >= 0 && d->n[i].type == J_NUM && d->n[i].isint && d->n[i].num >= 0;
}

static bool is_str(const struct jdoc *d, int32_t i, size_t max)
{
	return i >= 0 && d->n[i].type == J_STR && d->n[i].slen <= max;
}

/* Optional non-negative integer member; absent -> 0. */
static int opt_count(const struct jdoc *d, int32_t obj, const char *k, int64_t *out)
{
	int32_t i = jp_get(d, obj, k);

	*out = 0;
	if (i < 0 || d->n[i].type == J_NULL)
		return 0;
	if (!is_count(d, i))
		return -1;
	*out = d->n[i].num;
	return 0;
}

static int opt_str(const struct jdoc *d, int32_t obj, const char *k, const char **out)
{
	int32_t i = jp_get(d, obj, k);

	*out = "";
	if (i < 0 || d->n[i].type == J_NULL)
		return 0;
	if (!is_str(d, i, HUB_STR_MAX))
		return -1;
	*out = jp_str(d, i);
	return 0;
}

/* An object whose values are counts; keys checked by `port`. */
static int count_map(const struct jdoc *d, int32_t obj, bool port)
{
	int32_t i;

	if (obj < 0)
		return 0;
	if (d->n[obj].type != J_OBJ)
		return -1;
	for (i = d->n[obj].child; i >= 0; i = d->n[i].next) {
		const char *k = jp_key(d, i);
		uint32_t kl = d->n[i].klen, j;

		if (!is_count(d, i) || kl == 0 || kl > 128)
			return -1;
		if (port) {
			long v = 0;

			if (kl > 5 || k[0] == '0')
				return -1;
			for (j = 0; j < kl; j++) {
				if (k[j] < '0' || k[j] > '9')
					return -1;
				v = v * 10 + (k[j] - '0');
			}
			if (v < 1 || v > 65535)
				return -1;
		}
	}
	return 0;
}

/* An array of objects with string members `strs` (NULL-terminated, a
 * leading '?' marks optional) and count members `nums`. */
static int rows(const struct jdoc *d, int32_t arr, const char *const *strs, const char *const *nums)
{
	int32_t i;

	if (arr < 0)
		return 0;
	if (d->n[arr].type != J_ARR)
		return -1;
	for (i = d->n[arr].child; i >= 0; i = d->n[i].next) {
		const char *const *k;

		if (d->n[i].type != J_OBJ)
			return -1;
		for (k = strs; *k; k++) {
			bool opt = **k == '?';
			int32_t v = jp_get(d, i, *k + opt);

			if (v < 0 && opt)
				continue;
			if (!is_str(d, v, HUB_STR_MAX))
				return -1;
		}
		for (k = nums; *k; k++) {
			bool opt = **k == '?';
			int32_t v = jp_get(d, i, *k + opt);

			if (v < 0 && opt)
				continue;
			if (!is_count(d, v))
				return -1;
		}
	}
	return 0;
}

static bool hex64(const struct jdoc *d, int32_t i)
{
	const char *s;
	uint32_t j;

	if (!is_str(d, i, 64) || d->n[i].slen != 64)
		return false;
	s = jp_str(d, i);
	for (j = 0; j < 64; j++)
		if (!((s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'f')))
			return false;
	return true;
}

int summary_check(const struct jdoc *d, struct summary *s, char *err, size_t errlen)
{
	static const char *const cred_s[] = {"username", "password", NULL};
	static const char *const src_s[] = {"ip", NULL};
	static const char *const cmd_s[] = {"input", NULL};
	static const char *const bin_s[] = {"sha256", "?url", NULL};
	static const char *const bin_n[] = {"size", "?first_seen", NULL};
	static const char *const cve_s[] = {"cve", NULL};
	static const char *const count_n[] = {"count", NULL};
	int32_t i, per, st, counts;

	memset(s, 0, sizeof(*s));
	if (d->count < 1 || d->n[0].type != J_OBJ)
		FAIL("summary is not an object");
	i = jp_get(d, 0, "device");
	if (!is_str(d, i, HUB_NAME_MAX) || !summary_name_ok(jp_str(d, i), d->n[i].slen))
		FAIL("bad or missing device");
	s->device = jp_str(d, i);
	i = jp_get(d, 0, "seq");
	if (!is_count(d, i))
		FAIL("bad or missing seq");
	s->seq = d->n[i].num;
	per = jp_get(d, 0, "period");
	if (per < 0 || d->n[per].type != J_OBJ)
		FAIL("bad or missing period");
	i = jp_get(d, per, "from");
	if (!is_count(d, i))
		FAIL("bad period.from");
	s->from = d->n[i].num;
	i = jp_get(d, per, "to");
	if (!is_count(d, i) || d->n[i].num < s->from)
		FAIL("bad period.to");
	s->to = d->n[i].num;
	if (opt_str(d, 0, "version", &s->version) || opt_str(d, 0, "persona", &s->persona))
		FAIL("bad version or persona");
	if (opt_count(d, 0, "uptime_s", &s->uptime_s) || opt_count(d, 0, "sessions", &s->sessions))
		FAIL("bad uptime_s or sessions");
	st = jp_get(d, 0, "store");
	if (st >= 0) {
		if (d->n[st].type != J_OBJ || opt_count(d, st, "used_kb", &s->used_kb) ||
		    opt_count(d, st, "quota_kb", &s->quota_kb) ||
		    opt_count(d, st, "evictions", &s->evictions) ||
		    opt_count(d, st, "events_dropped", &s->events_dropped))
			FAIL("bad store");
	}
	s->by_port = s->by_event = s->syn_port = s->syn_src = s->scanner = -1;
	counts = jp_get(d, 0, "counts");
	if (counts >= 0) {
		if (d->n[counts].type != J_OBJ)
			FAIL("bad counts");
		s->by_port = jp_get(d, counts, "by_port");
		s->by_event = jp_get(d, counts, "by_event");
		if (count_map(d, s->by_port, true))
			FAIL("bad counts.by_port");
		if (count_map(d, s->by_event, false))
			FAIL("bad counts.by_event");
		s->syn_port = jp_get(d, counts, "syn_port");
		s->syn_src = jp_get(d, counts, "syn_src");
		s->scanner = jp_get(d, counts, "scanner");
		if (count_map(d, s->syn_port, true) || count_map(d, s->syn_src, false) ||
		    count_map(d, s->scanner, false))
			FAIL("bad counts.syn_port, syn_src or scanner");
	}
	s->credentials = jp_get(d, 0, "credentials");
	if (rows(d, s->credentials, cred_s, count_n))
		FAIL("bad credentials");
	s->sources = jp_get(d, 0, "sources");
	if (rows(d, s->sources, src_s, count_n))
		FAIL("bad sources");
	s->commands = jp_get(d, 0, "commands");
	if (rows(d, s->commands, cmd_s, count_n))
		FAIL("bad commands");
	s->exploits = jp_get(d, 0, "exploits");
	if (rows(d, s->exploits, cve_s, count_n))
		FAIL("bad exploits");
	s->binaries = jp_get(d, 0, "binaries");
	if (rows(d, s->binaries, bin_s, bin_n))
		FAIL("bad binaries");
	for (i = s->binaries >= 0 ? d->n[s->binaries].child : -1; i >= 0; i = d->n[i].next)
		if (!hex64(d, jp_get(d, i, "sha256")))
			FAIL("bad binaries.sha256");
	s->events = jp_get(d, 0, "events");
	if (s->events >= 0) {
		if (d->n[s->events].type != J_ARR)
			FAIL("bad events");
		for (i = d->n[s->events].child; i >= 0; i = d->n[i].next)
			if (d->n[i].type != J_OBJ)
				FAIL("bad events");
	}
	return 0;
}
