#!/bin/sh
# run.sh BUILD PERSONA PORT [HUBPORT] — run the decoy on this PC, on
# 127.0.0.1, with a store under the build folder, and a tanuki-hub beside it
# on 127.0.0.1:HUBPORT that the decoy enrols with and sends a summary to
# every minute. Ctrl-C stops both (events are flushed).
set -eu
build=$1 persona=$2 port=$3 hubport=${4:-8443}
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/$build/run"
hub="$dir/hub"
mkdir -p "$dir" "$hub"
[ -s "$hub/token" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$hub/token"
cat > "$hub/hub.conf" <<CONF
# written by make run
config hub 'main'
	option listen '127.0.0.1'
	option port '$hubport'
	option db '$hub/hub.db'
	option cert '$hub/hub.crt'
	option key '$hub/hub.key'
	option api_token '$(cat "$hub/token")'
CONF
# enrol once; the secret and pin stay valid across runs (same db and key)
if [ ! -s "$hub/uplink.uci" ]; then
	"$top/$build/host/tanuki-hub" enroll -c "$hub/hub.conf" local-decoy |
		sed -n '/^config uplink/,$p' | sed "s/option interval_s '300'/option interval_s '60'/" \
		> "$hub/uplink.uci.tmp"
	mv "$hub/uplink.uci.tmp" "$hub/uplink.uci"
fi
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
cat "$hub/uplink.uci" >> "$dir/tanuki.conf"
"$top/$build/host/tanuki" check -c "$dir/tanuki.conf"
"$top/$build/host/tanuki-hub" run -c "$hub/hub.conf" 2>>"$hub/hub.log" &
hubpid=$!
trap 'kill $hubpid 2>/dev/null || true' EXIT INT TERM
echo "tanuki: playing $persona — try:  telnet 127.0.0.1 $port"
echo "tanuki: events land in $dir/store/events/, binaries in $dir/store/files/"
echo "tanuki: tanuki-hub on https://127.0.0.1:$hubport (log $hub/hub.log); a summary a minute:"
echo "        curl -sk -H \"Authorization: Bearer \$(cat $hub/token)\" https://127.0.0.1:$hubport/v1/totals"
echo "tanuki: Ctrl-C stops both"
"$top/$build/host/tanuki" run -c "$dir/tanuki.conf" || true
