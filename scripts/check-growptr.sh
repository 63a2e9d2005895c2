#!/bin/sh
# check-growptr.sh DIR… — fail on `X[i]… = f(…)` where X is an array that
# grows with realloc: C leaves open whether the left side's address is
# computed before the call, GCC computes it first, and when the call grows
# X the result is written into freed memory (the shell parser's
# use-after-free: `ps->nodes[ni].c = parse_if(ps)`). Keep the result in a
# local, then index.
#
# X is a struct member named as the first argument of a realloc() in the
# given folders (`realloc(ps->nodes, …)`: ->nodes and .nodes), plus the
# shell parser's arrays (nodes, words, redirs) whatever the code looks
# like. Statements are joined over lines, comments and strings dropped,
# `if (…)`/`else`/labels in front of an assignment skipped; compound
# assignments (+= …) count too. Calls of the C library (strdup, malloc, …)
# cannot grow our arrays and are let through; any other call on the right
# side is flagged, whether or not it grows X today.
#
# check-growptr.sh --self-test: puts the seven parser assignments fixed in
# sh/parse.c back into a scratch copy (one of them over two lines, one
# behind an `if`) and fails unless all seven are reported.
set -u
if [ "${1:-}" = "--self-test" ]; then
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	# `sub = parse_X(ps); …` + `ps->nodes[ni].Y = sub;` -> `ps->nodes[ni].Y = parse_X(ps);`
	awk '
	/^[[:space:]]*sub = parse_[a-z]+\(ps\);/ {
		call = $0; sub(/^[[:space:]]*sub = /, "", call); sub(/;.*/, "", call)
		held = $0; next
	}
	held != "" && /^[[:space:]]*ps->nodes\[ni\]\.[a-z] = sub;/ {
		n++
		if (n == 1)
			sub(/sub;/, "\n\t\t\t" call ";")
		else if (n == 2)
			sub(/ps->nodes/, "if (!ps->err) ps->nodes")
		sub(/= sub;/, "= " call ";")
		print; held = ""; next
	}
	held != "" { print held; held = "" }
	{ print }
	END { print "/* reintroduced: " n " */" }
	' src/decoy/sh/parse.c >"$tmp/parse.c"
	put=$(sed -n 's/^\/\* reintroduced: \([0-9]*\) \*\/$/\1/p' "$tmp/parse.c")
	found=$(sh "$0" "$tmp" 2>&1 | grep -c '^'"$tmp"'/parse.c:')
	if [ "$put" != 7 ] || [ "$found" != 7 ]; then
		echo "check-growptr: self-test failed: $put reintroduced, $found found" >&2
		exit 1
	fi
	echo "check-growptr: self-test ok (7 of 7 reintroduced assignments found)"
	exit 0
fi
[ $# -gt 0 ] || set -- src/decoy src/common
files=$(find "$@" \( -name '*.c' -o -name '*.h' \) | sort)
[ -n "$files" ] || { echo "check-growptr: no sources in $*" >&2; exit 2; }

# Members realloc()ed somewhere: realloc(a->b.NAME, …).
names=$(cat $files | tr '\n' ' ' |
	grep -oE 'realloc[[:space:]]*\([[:space:]]*\**[A-Za-z_][A-Za-z0-9_]*([[:space:]]*(->|\.)[[:space:]]*[A-Za-z_][A-Za-z0-9_]*)+[[:space:]]*,' |
	sed -E 's/[[:space:],]+$//; s/.*[^A-Za-z0-9_]//' | sort -u | tr '\n' '|')
names="${names}nodes|words|redirs"
libc='strdup|strndup|malloc|calloc|strlen|strnlen|strcmp|strncmp|memcmp|memchr|strchr|strrchr|strstr|strtoul|strtol|strtoull|sizeof'

hits=$(awk -v names="$names" -v libc="$libc" '
# Drops `if (…)`, `while (…)`, `else`, `case …:` and labels in front.
function strip_control(t,   i, depth, c) {
	for (;;) {
		sub(/^[[:space:]]+/, "", t)
		if (t ~ /^else([^A-Za-z0-9_]|$)/) {
			t = substr(t, 5)
			continue
		}
		if (t ~ /^(case[^:]*|default|[A-Za-z_][A-Za-z0-9_]*)[[:space:]]*:[^:]/ && t !~ /^[^:]*\?/) {
			t = substr(t, index(t, ":") + 1)
			continue
		}
		if (t ~ /^(if|while|for|switch)[[:space:]]*\(/) {
			depth = 0
			for (i = index(t, "("); i <= length(t); i++) {
				c = substr(t, i, 1)
				if (c == "(")
					depth++
				else if (c == ")" && --depth == 0)
					break
			}
			t = substr(t, i + 1)
			continue
		}
		return t
	}
}

function flush(   t, lhs, rhs, k, calls) {
	t = strip_control(stmt)
	stmt = ""
	if (t == "")
		return
	# split at the first assignment operator
	if (!match(t, "(^|[^=!<>+*/%&|^-])(=|[-+*/%&|^]=|<<=|>>=)[^=]"))
		return
	lhs = substr(t, 1, RSTART)
	rhs = substr(t, RSTART + RLENGTH - 1)
	# the left side is an lvalue path through one of the arrays
	if (lhs !~ /^[[:space:]]*[*&(]*[A-Za-z_][A-Za-z0-9_]*([[:space:]]*((->|\.)[[:space:]]*[A-Za-z_][A-Za-z0-9_]*|\[[^];]*\]))*[[:space:])]*.?$/)
		return
	if (lhs !~ ("(->|\\.)[[:space:]]*(" names ")[[:space:]]*\\[") &&
	    lhs !~ ("(^|[^A-Za-z0-9_])(nodes|words|redirs)[[:space:]]*\\["))
		return
	# calls on the right side, other than to the C library
	k = rhs
	calls = 0
	while (match(k, /[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\(/)) {
		c = substr(k, RSTART, RLENGTH)
		sub(/[[:space:]]*\($/, "", c)
		if (c !~ ("^(" libc ")$"))
			calls++
		k = substr(k, RSTART + RLENGTH)
	}
	if (calls) {
		gsub(/[[:space:]]+/, " ", t)
		printf "%s:%d: %s\n", file, line0, t
	}
}
FNR == 1 { flush(); file = FILENAME; incomment = 0 }
{
	s = $0
	# drop comments (also over lines) and string literals
	out = ""
	while (s != "") {
		if (incomment) {
			e = index(s, "*/")
			if (!e) { s = ""; break }
			s = substr(s, e + 2); incomment = 0; continue
		}
		c = index(s, "/*"); d = index(s, "//")
		if (d && (!c || d < c)) { out = out substr(s, 1, d - 1); s = ""; break }
		if (!c) { out = out s; s = ""; break }
		out = out substr(s, 1, c - 1) " "; s = substr(s, c + 2); incomment = 1
	}
	gsub(/"([^"\\]|\\.)*"/, "\"\"", out)
	if (out ~ /^[[:space:]]*#/)
		next
	if (stmt == "")
		line0 = FNR
	stmt = stmt " " out
	# a statement ends at ; { or }
	while (match(stmt, /[;{}]/)) {
		rest = substr(stmt, RSTART + 1)
		stmt = substr(stmt, 1, RSTART - 1)
		flush()
		stmt = rest
		line0 = FNR
		if (stmt ~ /^[[:space:]]*$/) { stmt = ""; break }
	}
}
END { flush() }
' $files)

if [ -n "$hits" ]; then
	echo "check-growptr: a call may grow the array indexed on its left side;" >&2
	echo "put its result in a local first (growable: $names):" >&2
	echo "$hits" >&2
	exit 1
fi
echo "check-growptr: ok ($*)"
