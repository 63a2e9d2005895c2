#!/bin/sh
# check-format.sh DIR… — every C file under DIR is as .clang-format lays it
# out (clang-format --dry-run -Werror); names the files that are not and
# exits 1. `clang-format -i FILE` fixes one.
set -eu
cd "$(dirname "$0")/.."
bad=""
for f in $(find "$@" -name '*.[ch]' -not -path '*/net/lwip/*' | sort); do
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
	echo "check-format: not as .clang-format lays them out (clang-format -i FILE):$bad" >&2
	exit 1
fi
echo "check-format: ok ($*)"
