/* bre.c — POSIX basic regular expressions for grep, expr and sed (bre.h).
 * The pattern is compiled to a list of nodes, each a single-byte matcher
 * with a repetition range, a group mark, a back-reference or `$`; the
 * matcher backtracks over that list, counting its steps.
 */
#include "sh/bre.h"

#include <string.h>

enum { B_END, B_CHAR, B_ANY, B_SET, B_OPEN, B_CLOSE, B_REF, B_EOL };

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

static bool in_class(const char *name, size_t len, int c)
{
	static const struct {
		const char *name;
		const char *lo, *hi;
	} cls[] = {{"alpha", "Aa", "Zz"},   {"digit", "0", "9"},     {"alnum", "Aa0", "Zz9"},
		   {"upper", "A", "Z"},	    {"lower", "a", "z"},     {"xdigit", "0Aa", "9Ff"},
		   {"space", " \t", " \r"}, {"blank", " \t", " \t"}, {"punct", "!:[{", "/@`~"}};
	size_t i, j;

	for (i = 0; i < sizeof cls / sizeof cls[0]; i++) {
		if (strlen(cls[i].name) != len || memcmp(cls[i].name, name, len) != 0)
			continue;
		for (j = 0; cls[i].lo[j]; j++)
			if (c >= (unsigned char)cls[i].lo[j] && c <= (unsigned char)cls[i].hi[j])
				return true;
		return false;
	}
	return false;
}

/* The length of the bracket expression at p (after its '['), up to and
 * including the closing ']'; 0 when it does not close. */
static size_t bracket_len(const char *p)
{
	size_t i = 0;

	if (p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	while (p[i] && p[i] != ']') {
		if (p[i] == '[' && p[i + 1] == ':') {
			const char *e = strstr(p + i + 2, ":]");

			if (!e)
				return 0;
			i = (size_t)(e - p) + 2;
			continue;
		}
		i++;
	}
	return p[i] == ']' ? i + 1 : 0;
}

static bool set_match(const char *p, size_t len, int c, bool icase)
{
	size_t i = 0, end = len - 1; /* without the ']' */
	bool neg = false, hit = false;

	if (p[0] == '^') {
		neg = true;
		i++;
	}
	for (; i < end && !hit; i++) {
		if (p[i] == '[' && p[i + 1] == ':') {
			const char *e = strstr(p + i + 2, ":]");
			size_t nl = (size_t)(e - (p + i + 2));

			hit = in_class(p + i + 2, nl, c) ||
			      (icase &&
			       (in_class(p + i + 2, nl, lower(c)) ||
				in_class(p + i + 2, nl, c >= 'a' && c <= 'z' ? c & ~0x20 : c)));
			i = (size_t)(e - p) + 1;
			continue;
		}
		if (i + 2 < end && p[i + 1] == '-') {
			int lo = (unsigned char)p[i], hi = (unsigned char)p[i + 2];

			hit = (c >= lo && c <= hi) ||
			      (icase && lower(c) >= lower(lo) && lower(c) <= lower(hi));
			i += 2;
			continue;
		}
		hit = (unsigned char)p[i] == c || (icase && lower((unsigned char)p[i]) == lower(c));
	}
	return hit != neg;
}

static bool add(struct bre *re, uint8_t type, uint8_t k)
{
	struct bre_node *nd;

	if (re->nn >= BRE_NODES)
		return false;
	nd = &re->n[re->nn++];
	memset(nd, 0, sizeof *nd);
	nd->type = type;
	nd->k = k;
	nd->min = nd->max = 1;
	return true;
}

static bool parse_num(const char **pp, unsigned *v)
{
	const char *p = *pp;
	unsigned x = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		x = x * 10 + (unsigned)(*p - '0');
		if (x > 255)
			return false;
		p++;
	}
	*v = x;
	*pp = p;
	return true;
}

bool bre_comp(struct bre *re, const char *pat, bool icase)
{
	const char *p = pat;
	int open[BRE_GROUPS], nopen = 0;

	memset(re, 0, sizeof *re);
	re->pat = pat;
	re->icase = icase;
	if (*p == '^') {
		re->bol = true;
		p++;
	}
	while (*p) {
		struct bre_node *last = re->nn ? &re->n[re->nn - 1] : NULL;
		bool single = last && (last->type == B_CHAR || last->type == B_ANY ||
				       last->type == B_SET || last->type == B_REF);

		if (*p == '*' && single && last->max == 1 && last->min == 1) {
			last->min = 0;
			last->max = 0xffff;
			p++;
			continue;
		}
		if (p[0] == '\\' && p[1] == '{' && single) {
			unsigned lo, hi;

			p += 2;
			if (!parse_num(&p, &lo))
				return false;
			hi = lo;
			if (*p == ',') {
				p++;
				hi = 0xffff;
				if (*p >= '0' && *p <= '9' && !parse_num(&p, &hi))
					return false;
			}
			if (p[0] != '\\' || p[1] != '}' || hi < lo)
				return false;
			p += 2;
			last->min = (uint16_t)lo;
			last->max = (uint16_t)hi;
			continue;
		}
		if (*p == '$' && (p[1] == '\0' || (p[1] == '\\' && p[2] == ')'))) {
			if (!add(re, B_EOL, 0))
				return false;
			p++;
			continue;
		}
		if (*p == '.') {
			if (!add(re, B_ANY, 0))
				return false;
			p++;
			continue;
		}
		if (*p == '[') {
			size_t bl = bracket_len(p + 1);

			if (!bl || !add(re, B_SET, 0))
				return false;
			re->n[re->nn - 1].off = (uint16_t)(p + 1 - pat);
			re->n[re->nn - 1].len = (uint16_t)bl;
			p += 1 + bl;
			continue;
		}
		if (p[0] == '\\' && p[1] == '(') {
			if (re->ngroups + 1 >= BRE_GROUPS ||
			    !add(re, B_OPEN, (uint8_t)++re->ngroups))
				return false;
			open[nopen++] = re->ngroups;
			p += 2;
			continue;
		}
		if (p[0] == '\\' && p[1] == ')') {
			if (!nopen || !add(re, B_CLOSE, (uint8_t)open[--nopen]))
				return false;
			p += 2;
			continue;
		}
		if (p[0] == '\\' && p[1] >= '1' && p[1] <= '9') {
			if (p[1] - '0' > re->ngroups || !add(re, B_REF, (uint8_t)(p[1] - '0')))
				return false;
			p += 2;
			continue;
		}
		if (p[0] == '\\') {
			if (!p[1])
				return false;
			p++;
		}
		if (!add(re, B_CHAR, (uint8_t)*p))
			return false;
		p++;
	}
	if (nopen)
		return false;
	return add(re, B_END, 0);
}

struct ctx {
	const struct bre *re;
	const char *s;
	size_t n;
	struct bre_match *m;
	unsigned long *steps, budget;
};

static bool one(const struct ctx *c, const struct bre_node *nd, size_t i)
{
	int ch;

	if (i >= c->n)
		return false;
	ch = (unsigned char)c->s[i];
	switch (nd->type) {
	case B_ANY:
		return true;
	case B_CHAR:
		return ch == nd->k || (c->re->icase && lower(ch) == lower(nd->k));
	default:
		return set_match(c->re->pat + nd->off, nd->len, ch, c->re->icase);
	}
}

static bool run(const struct ctx *c, int ni, size_t i)
{
	const struct bre_node *nd = &c->re->n[ni];
	size_t cnt, k, save_a, save_b;
	bool save_set;

	if (++*c->steps > c->budget)
		return false;
	switch (nd->type) {
	case B_END:
		c->m->eo[0] = i;
		return true;
	case B_EOL:
		return i == c->n && run(c, ni + 1, i);
	case B_OPEN:
		save_a = c->m->so[nd->k];
		c->m->so[nd->k] = i;
		if (run(c, ni + 1, i))
			return true;
		c->m->so[nd->k] = save_a;
		return false;
	case B_CLOSE:
		save_b = c->m->eo[nd->k];
		save_set = c->m->set[nd->k];
		c->m->eo[nd->k] = i;
		c->m->set[nd->k] = true;
		if (run(c, ni + 1, i))
			return true;
		c->m->eo[nd->k] = save_b;
		c->m->set[nd->k] = save_set;
		return false;
	case B_REF: {
		size_t len = c->m->set[nd->k] ? c->m->eo[nd->k] - c->m->so[nd->k] : 0;

		/* greedy over the repetitions, then back off */
		for (cnt = 0; cnt < nd->max && i + (cnt + 1) * len <= c->n; cnt++) {
			if (memcmp(c->s + i + cnt * len, c->s + c->m->so[nd->k], len) != 0)
				break;
			if (!len) {
				cnt = nd->min;
				break;
			}
		}
		for (k = cnt + 1; k-- > nd->min;)
			if (run(c, ni + 1, i + k * len))
				return true;
		return false;
	}
	default:
		for (cnt = 0; cnt < nd->max && one(c, nd, i + cnt); cnt++)
			if (++*c->steps > c->budget)
				return false;
		for (k = cnt + 1; k-- > nd->min;)
			if (run(c, ni + 1, i + k))
				return true;
		return false;
	}
}

bool bre_exec(const struct bre *re, const char *s, size_t n, size_t from, struct bre_match *m,
	      unsigned long *steps, unsigned long budget)
{
	struct ctx c = {re, s, n, m, steps, budget};
	size_t at;

	for (at = from; at <= n; at++) {
		memset(m, 0, sizeof *m);
		if (run(&c, 0, at)) {
			m->so[0] = at;
			m->set[0] = true;
			return true;
		}
		if (re->bol || *steps > budget)
			return false;
	}
	return false;
}
