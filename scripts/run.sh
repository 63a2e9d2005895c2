#!/bin/sh
# run.sh BUILD PERSONA PORT — run the decoy on this PC, on 127.0.0.1, with a
# store under the build folder. Ctrl-C stops it (events are flushed).
set -eu
build=$1 persona=$2 port=$3
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/$build/run"
mkdir -p "$dir"
cat > "$dir/tanuki.conf" <<CONF
# written by make run
config tanuki 'main'
	option store '$dir/store'
	option sensor 'tanuki-dev'
	option persona '$persona'
	option personas '$top/personas'

config listener 'telnet'
	option proto 'telnet'
	option bind '127.0.0.1'
	option port '$port'
CONF
"$top/$build/host/tanuki" check -c "$dir/tanuki.conf"
echo "tanuki: playing $persona — try:  telnet 127.0.0.1 $port"
echo "tanuki: events land in $dir/store/events/, binaries in $dir/store/files/"
echo "tanuki: Ctrl-C stops it"
exec "$top/$build/host/tanuki" run -c "$dir/tanuki.conf"
