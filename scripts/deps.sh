#!/bin/sh
# deps.sh — install the Debian packages tanuki needs to build and test.
# As root it installs what is missing; otherwise it names them in one line.
set -eu
PKGS="gcc make clang libclang-rt-14-dev libmbedtls-dev libcmocka-dev python3 hydra nmap"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "tanuki: missing Debian packages:$missing — run: sudo sh scripts/deps.sh" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "tanuki: installed$missing"
