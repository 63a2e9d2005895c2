#!/bin/sh
# check-includes.sh — the include graph of the decoy stays a graph of parts.
#
# Nodes are the folders of src/decoy (ev, net, proto, ...); a file at the
# top of src/decoy (daemon.c, config.h, bounds.h, ...) is a node of its own,
# named by its stem. An edge A -> B is a file of A including a header of B.
# Fails (exit 1, naming what is wrong) when
#   - the graph has a cycle (tsort finds a loop), or
#   - a file in proto/ includes net/, fetch/ or host/ (engines see only
#     proto/engine.h: docs/internals.md).
# `-v` prints the edges. Run by `make test` (check-includes).
set -eu
top=${1:-src/decoy}
[ "${1:-}" = -v ] && { verbose=1; top=src/decoy; } || verbose=0
[ "${2:-}" = -v ] && verbose=1
fail=0

node() { # path relative to $top -> node name
	case $1 in
	*/*) echo "${1%%/*}" ;;
	*) f=${1%.*}; echo "$f" ;;
	esac
}

edges=$(
	cd "$top" &&
	find . -name '*.[ch]' | sed 's#^\./##' | sort | while read -r f; do
		from=$(node "$f")
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while read -r inc; do
			[ -f "$inc" ] || continue # src/common, or a system header
			to=$(node "$inc")
			[ "$from" = "$to" ] || echo "$from $to $f $inc"
		done
	done
)

if [ "$verbose" = 1 ]; then
	printf '%s\n' "$edges" | awk '{print $1 " -> " $2}' | sort -u
fi

bad=$(printf '%s\n' "$edges" | awk '$1 == "proto" && ($2 == "net" || $2 == "fetch" || $2 == "host") {print "  " $3 " includes " $4}')
if [ -n "$bad" ]; then
	echo "check-includes: proto/ must not include net/, fetch/ or host/:"
	printf '%s\n' "$bad"
	fail=1
fi

if ! out=$(printf '%s\n' "$edges" | awk 'NF {print $1, $2}' | sort -u | tsort 2>&1 >/dev/null); then
	fail=1
fi
if [ -n "$out" ]; then
	echo "check-includes: the include graph between src/decoy folders has a cycle:"
	printf '%s\n' "$out" | sed 's/^tsort: \(-: \)\{0,1\}/  /'
	echo "  (edges: sh scripts/check-includes.sh -v)"
	fail=1
fi
exit $fail
