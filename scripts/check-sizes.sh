#!/bin/sh
# check-sizes.sh — no source file in src/ grows past MAX lines (800), the
# size a newcomer can read in one sitting (docs/internals.md, "Habits").
# A file may be over only when scripts/sizes-allow lists it with a reason:
#   <path> <reason ...>
# Blank lines and lines starting with '#' there are ignored. An entry for a
# file that is no longer over (or gone) fails too, so the list stays true.
# Fails (exit 1) naming each file. Run by `make test` (check-sizes).
set -eu
top=${1:-src}
max=${MAX:-800}
allow=${ALLOW:-scripts/sizes-allow}
fail=0

allowed() { # path -> 0 if listed with a reason
	[ -f "$allow" ] || return 1
	awk -v p="$1" '$1 == p && NF >= 2 { found = 1 } END { exit !found }' "$allow"
}

for f in $(find "$top" -name '*.[ch]' | sort); do
	n=$(wc -l <"$f")
	if [ "$n" -gt "$max" ] && ! allowed "$f"; then
		echo "check-sizes: $f has $n lines (over $max; split it, or list it in $allow with a reason)" >&2
		fail=1
	fi
done
if [ -f "$allow" ]; then
	grep -v '^[[:space:]]*\(#\|$\)' "$allow" | while read -r f reason; do
		if [ -z "$reason" ]; then
			echo "check-sizes: $allow: $f has no reason" >&2
			exit 1
		fi
		if [ ! -f "$f" ] || [ "$(wc -l <"$f")" -le "$max" ]; then
			echo "check-sizes: $allow: $f is not over $max lines: remove it from the list" >&2
			exit 1
		fi
	done || fail=1
fi
exit $fail
