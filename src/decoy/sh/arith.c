/* arith.c — ash's arithmetic expansion (see arith.h): a recursive-descent
 * evaluator over the expression text, precedence as BusyBox's math.c
 * orders it (lowest first):
 *
 *   ,   = op=   ?:   ||   &&   |   ^   &   == !=   < <= > >=   << >>
 *   + -   * / %   **   unary + - ! ~ ++ --   postfix ++ --
 *
 * Values wrap as the two's complement machine ash runs on does (computed
 * unsigned here: no undefined behaviour), shifts count modulo 64.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sh/arith.h"
#include "sh/parse.h"

#define ARITH_NEST 64 /* parentheses and unary operators inside each other */
#define ARITH_VARS 16 /* variables evaluated inside each other */
#define ARITH_NAME 64

static const char E_SYNTAX[] = "arithmetic syntax error";
static const char E_DIV0[] = "divide by zero";
static const char E_EXP[] = "exponent less than 0";
static const char E_LOOP[] = "expression recursion loop detected";
static const char E_TERN[] = "malformed ?: operator";

struct chain {
	const char *names[ARITH_VARS];
	int n;
};

struct ax {
	struct sh *sh;
	const char *s;
	size_t pos;
	const char **err;
	int nest;
	struct chain *ch;
};

/* An operand: a value, or a variable not read yet (it may be assigned). */
struct opnd {
	int64_t v;
	bool var;
	char name[ARITH_NAME];
};

enum op {
	O_NONE,
	O_COMMA,
	O_ASSIGN,
	O_QUEST,
	O_COLON,
	O_LOR,
	O_LAND,
	O_BOR,
	O_XOR,
	O_BAND,
	O_EQ,
	O_NE,
	O_LT,
	O_LE,
	O_GT,
	O_GE,
	O_SHL,
	O_SHR,
	O_ADD,
	O_SUB,
	O_MUL,
	O_DIV,
	O_MOD,
	O_POW,
	O_NOT,
	O_BNOT,
	O_INC,
	O_DEC,
	O_LPAR,
	O_RPAR,
	/* compound assignments: the binary operator is op - O_ASG_BASE */
	O_ASG_BASE = 100,
};

static const struct {
	const char *s;
	int op;
} ops[] = {
    {"<<=", O_ASG_BASE + O_SHL},
    {">>=", O_ASG_BASE + O_SHR},
    {"**", O_POW},
    {"||", O_LOR},
    {"&&", O_LAND},
    {"==", O_EQ},
    {"!=", O_NE},
    {"<=", O_LE},
    {">=", O_GE},
    {"<<", O_SHL},
    {">>", O_SHR},
    {"*=", O_ASG_BASE + O_MUL},
    {"/=", O_ASG_BASE + O_DIV},
    {"%=", O_ASG_BASE + O_MOD},
    {"+=", O_ASG_BASE + O_ADD},
    {"-=", O_ASG_BASE + O_SUB},
    {"&=", O_ASG_BASE + O_BAND},
    {"^=", O_ASG_BASE + O_XOR},
    {"|=", O_ASG_BASE + O_BOR},
    {"++", O_INC},
    {"--", O_DEC},
    {"|", O_BOR},
    {"^", O_XOR},
    {"&", O_BAND},
    {"<", O_LT},
    {">", O_GT},
    {"+", O_ADD},
    {"-", O_SUB},
    {"*", O_MUL},
    {"/", O_DIV},
    {"%", O_MOD},
    {"=", O_ASSIGN},
    {"?", O_QUEST},
    {":", O_COLON},
    {",", O_COMMA},
    {"(", O_LPAR},
    {")", O_RPAR},
    {"!", O_NOT},
    {"~", O_BNOT},
};

static bool failed(const struct ax *a)
{
	return *a->err != NULL;
}

static void fail(struct ax *a, const char *msg)
{
	if (!*a->err)
		*a->err = msg;
}

static void skip_ws(struct ax *a)
{
	while (a->s[a->pos] == ' ' || a->s[a->pos] == '\t' || a->s[a->pos] == '\n' ||
	       a->s[a->pos] == '\r')
		a->pos++;
}

/* The operator at the current position (not consumed); *len its length. */
static int peek_op(struct ax *a, size_t *len)
{
	size_t i;

	skip_ws(a);
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i].s);

		if (strncmp(a->s + a->pos, ops[i].s, n) == 0) {
			*len = n;
			return ops[i].op;
		}
	}
	*len = 0;
	return O_NONE;
}

static bool take(struct ax *a, int op)
{
	size_t n;

	if (peek_op(a, &n) != op)
		return false;
	a->pos += n;
	return true;
}

static int64_t wrap(uint64_t u)
{
	return (int64_t)u;
}

static int64_t eval_string(struct sh *sh, const char *s, const char **err, struct chain *ch);

/* The value of an operand (a variable's value is an expression too). */
static int64_t value(struct ax *a, const struct opnd *o)
{
	const char *val;
	int64_t v;
	int i;

	if (!o->var || failed(a))
		return o->var ? 0 : o->v;
	val = sh_getvar(a->sh, o->name);
	if (!val)
		return 0;
	for (i = 0; i < a->ch->n; i++)
		if (strcmp(a->ch->names[i], o->name) == 0) {
			fail(a, E_LOOP);
			return 0;
		}
	if (a->ch->n >= ARITH_VARS) {
		fail(a, E_LOOP);
		return 0;
	}
	a->ch->names[a->ch->n++] = o->name;
	v = eval_string(a->sh, val, a->err, a->ch);
	a->ch->n--;
	return v;
}

static void assign(struct ax *a, const char *name, int64_t v)
{
	char num[24];

	if (failed(a))
		return;
	snprintf(num, sizeof num, "%lld", (long long)v);
	sh_setvar(a->sh, name, num, false);
}

static int64_t ipow(struct ax *a, int64_t b, int64_t e)
{
	uint64_t r = 1, x = (uint64_t)b;

	if (e < 0) {
		fail(a, E_EXP);
		return 0;
	}
	while (e) {
		if (e & 1)
			r *= x;
		x *= x;
		e >>= 1;
	}
	return wrap(r);
}

static int64_t binop(struct ax *a, int op, int64_t x, int64_t y)
{
	uint64_t ux = (uint64_t)x, uy = (uint64_t)y;

	switch (op) {
	case O_LOR:
		return x || y;
	case O_LAND:
		return x && y;
	case O_BOR:
		return x | y;
	case O_XOR:
		return x ^ y;
	case O_BAND:
		return x & y;
	case O_EQ:
		return x == y;
	case O_NE:
		return x != y;
	case O_LT:
		return x < y;
	case O_LE:
		return x <= y;
	case O_GT:
		return x > y;
	case O_GE:
		return x >= y;
	case O_SHL:
		return wrap(ux << (uy & 63));
	case O_SHR:
		return x < 0 ? ~(int64_t)(~ux >> (uy & 63)) : (int64_t)(ux >> (uy & 63));
	case O_ADD:
		return wrap(ux + uy);
	case O_SUB:
		return wrap(ux - uy);
	case O_MUL:
		return wrap(ux * uy);
	case O_DIV:
	case O_MOD:
		if (y == 0) {
			fail(a, E_DIV0);
			return 0;
		}
		if (y == -1)
			return op == O_DIV ? wrap(0 - ux) : 0;
		return op == O_DIV ? x / y : x % y;
	case O_POW:
		return ipow(a, x, y);
	default:
		fail(a, E_SYNTAX);
		return 0;
	}
}

static int digit_of(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return base <= 36 ? c - 'A' + 10 : c - 'A' + 36;
	if (c == '@')
		return 62;
	if (c == '_')
		return 63;
	return 99;
}

/* Digits of base from the current position; false on overflow (the
 * value is then 0, as ash's strtoull gives). */
static uint64_t digits(struct ax *a, unsigned base, size_t *count)
{
	uint64_t v = 0;
	bool over = false;
	int d;

	*count = 0;
	while ((d = digit_of(a->s[a->pos], base)) != 99) {
		if ((unsigned)d >= base) {
			fail(a, E_SYNTAX);
			return 0;
		}
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			over = true;
		v = v * base + (uint64_t)d;
		a->pos++;
		(*count)++;
	}
	return over ? 0 : v;
}

static int64_t number(struct ax *a)
{
	const char *s = a->s;
	size_t cnt;
	uint64_t v;

	if (s[a->pos] == '0' && (s[a->pos + 1] == 'x' || s[a->pos + 1] == 'X')) {
		a->pos += 2;
		v = digits(a, 16, &cnt);
		if (!cnt)
			fail(a, E_SYNTAX);
	} else if (s[a->pos] == '0') {
		v = digits(a, 8, &cnt);
	} else {
		v = digits(a, 10, &cnt);
		if (s[a->pos] == '#') {
			a->pos++;
			if (v < 2 || v > 64) {
				fail(a, E_SYNTAX);
				return 0;
			}
			v = digits(a, (unsigned)v, &cnt);
		}
	}
	if (sh_name_char(s[a->pos]))
		fail(a, E_SYNTAX);
	return wrap(v);
}

static int64_t comma(struct ax *a);
static void unary(struct ax *a, struct opnd *o);

static bool read_name(struct ax *a, char *name)
{
	size_t k = 0;

	skip_ws(a);
	if (!sh_name_start(a->s[a->pos]))
		return false;
	while (sh_name_char(a->s[a->pos])) {
		if (k + 1 >= ARITH_NAME) {
			fail(a, E_SYNTAX);
			return false;
		}
		name[k++] = a->s[a->pos++];
	}
	name[k] = '\0';
	return true;
}

static void primary(struct ax *a, struct opnd *o)
{
	char c;

	memset(o, 0, sizeof *o);
	skip_ws(a);
	c = a->s[a->pos];
	if (c >= '0' && c <= '9') {
		o->v = number(a);
		return;
	}
	if (read_name(a, o->name)) {
		size_t n;
		int op = peek_op(a, &n);

		o->var = true;
		if (op == O_INC || op == O_DEC) { /* postfix */
			int64_t v = value(a, o);

			a->pos += n;
			assign(a, o->name, wrap((uint64_t)v + (op == O_INC ? 1u : (uint64_t)-1)));
			o->var = false;
			o->v = v;
		}
		return;
	}
	if (take(a, O_LPAR)) {
		o->v = comma(a);
		if (!take(a, O_RPAR))
			fail(a, E_SYNTAX);
		return;
	}
	fail(a, E_SYNTAX);
}

static void unary(struct ax *a, struct opnd *o)
{
	size_t n;
	int op;

	if (failed(a)) {
		memset(o, 0, sizeof *o);
		return;
	}
	if (++a->nest > ARITH_NEST) {
		fail(a, E_SYNTAX);
		memset(o, 0, sizeof *o);
		return;
	}
	op = peek_op(a, &n);
	if (op == O_INC || op == O_DEC) {
		char name[ARITH_NAME];
		struct opnd t;

		a->pos += n;
		memset(o, 0, sizeof *o);
		if (!read_name(a, name)) {
			fail(a, E_SYNTAX);
		} else {
			memset(&t, 0, sizeof t);
			t.var = true;
			memcpy(t.name, name, sizeof name);
			o->v = wrap((uint64_t)value(a, &t) + (op == O_INC ? 1u : (uint64_t)-1));
			assign(a, name, o->v);
		}
	} else if (op == O_ADD || op == O_SUB || op == O_NOT || op == O_BNOT) {
		int64_t v;

		a->pos += n;
		unary(a, o);
		v = value(a, o);
		o->var = false;
		o->v = op == O_ADD   ? v
		       : op == O_SUB ? wrap(0 - (uint64_t)v)
		       : op == O_NOT ? !v
				     : ~v;
	} else {
		primary(a, o);
	}
	a->nest--;
}

static int prec(int op)
{
	switch (op) {
	case O_LOR:
		return 1;
	case O_LAND:
		return 2;
	case O_BOR:
		return 3;
	case O_XOR:
		return 4;
	case O_BAND:
		return 5;
	case O_EQ:
	case O_NE:
		return 6;
	case O_LT:
	case O_LE:
	case O_GT:
	case O_GE:
		return 7;
	case O_SHL:
	case O_SHR:
		return 8;
	case O_ADD:
	case O_SUB:
		return 9;
	case O_MUL:
	case O_DIV:
	case O_MOD:
		return 10;
	case O_POW:
		return 11;
	default:
		return 0;
	}
}

/* Binary operators of precedence minp and above (precedence climbing). */
static void binary(struct ax *a, int minp, struct opnd *o)
{
	if (++a->nest > ARITH_NEST) {
		fail(a, E_SYNTAX);
		memset(o, 0, sizeof *o);
		return;
	}
	unary(a, o);
	while (!failed(a)) {
		size_t n;
		int op = peek_op(a, &n), p;
		struct opnd r;
		int64_t x;

		/* after an operand, ++ and -- are two signs: 1++2 is 1 + +2 */
		if (op == O_INC || op == O_DEC) {
			op = op == O_INC ? O_ADD : O_SUB;
			n = 1;
		}
		p = prec(op);
		if (!p || p < minp)
			break;
		a->pos += n;
		x = value(a, o);
		binary(a, op == O_POW ? p : p + 1, &r);
		o->v = binop(a, op, x, value(a, &r));
		o->var = false;
	}
	a->nest--;
}

static void ternary(struct ax *a, struct opnd *o)
{
	int64_t c, x, y;
	struct opnd t;

	binary(a, 1, o);
	if (failed(a) || !take(a, O_QUEST))
		return;
	c = value(a, o);
	x = comma(a);
	if (!take(a, O_COLON)) {
		fail(a, E_TERN);
		return;
	}
	if (++a->nest > ARITH_NEST) {
		fail(a, E_SYNTAX);
		return;
	}
	ternary(a, &t);
	a->nest--;
	y = value(a, &t);
	o->var = false;
	o->v = c ? x : y;
}

static void assignment(struct ax *a, struct opnd *o)
{
	size_t n;
	int op;
	int64_t r, v;
	struct opnd rhs;

	ternary(a, o);
	if (failed(a))
		return;
	op = peek_op(a, &n);
	if (op != O_ASSIGN && op < O_ASG_BASE)
		return;
	if (!o->var) {
		fail(a, E_SYNTAX);
		return;
	}
	a->pos += n;
	if (++a->nest > ARITH_NEST) {
		fail(a, E_SYNTAX);
		return;
	}
	assignment(a, &rhs);
	a->nest--;
	r = value(a, &rhs);
	v = op == O_ASSIGN ? r : binop(a, op - O_ASG_BASE, value(a, o), r);
	assign(a, o->name, v);
	o->var = false;
	o->v = v;
}

static int64_t comma(struct ax *a)
{
	struct opnd o;
	int64_t v;

	assignment(a, &o);
	v = value(a, &o);
	while (!failed(a) && take(a, O_COMMA)) {
		assignment(a, &o);
		v = value(a, &o);
	}
	return v;
}

static int64_t eval_string(struct sh *sh, const char *s, const char **err, struct chain *ch)
{
	struct ax a;
	int64_t v;

	memset(&a, 0, sizeof a);
	a.sh = sh;
	a.s = s;
	a.err = err;
	a.ch = ch;
	skip_ws(&a);
	if (!s[a.pos])
		return 0;
	v = comma(&a);
	skip_ws(&a);
	if (s[a.pos])
		fail(&a, E_SYNTAX);
	return failed(&a) ? 0 : v;
}

int arith_eval(struct sh *sh, const char *expr, int64_t *out, const char **err)
{
	struct chain ch;

	ch.n = 0;
	*err = NULL;
	*out = eval_string(sh, expr, err, &ch);
	return *err ? -1 : 0;
}
