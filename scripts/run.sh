#!/bin/sh
# run.sh BUILD PERSONA PORT [HUBPORT] — run the decoy on this PC, on
# 127.0.0.1, with a store under the build folder, and a tanuki-hub beside it
# on 127.0.0.1:HUBPORT that the decoy enrols with and sends a summary to
# every minute. Prints the dashboard's URL and a login made for it. The
# decoy's uplink always points at the HUBPORT of this run (the enrolment is
# kept, its URL rewritten), and an uplink failure is shown as it happens.
# Ctrl-C stops both (events are flushed).
set -eu
build=$1 persona=$2 port=$3 hubport=${4:-8443}
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/$build/run"
hub="$dir/hub"
mkdir -p "$dir" "$hub"
[ -s "$hub/token" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$hub/token"
[ -s "$hub/password" ] || od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$hub/password"
chmod 600 "$hub/token" "$hub/password"
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
# the enrolment's URL names the port of the run that made it: this run's
sed "s|option url '.*'|option url 'https://127.0.0.1:$hubport/v1/ingest'|" \
	"$hub/uplink.uci" >> "$dir/tanuki.conf"
"$top/$build/host/tanuki" check -c "$dir/tanuki.conf"
"$top/$build/host/tanuki-hub" user add -c "$hub/hub.conf" admin < "$hub/password" 2>/dev/null
: >> "$hub/hub.log"
logstart=1
[ -f "$hub/hub.log" ] && logstart=$(($(wc -l < "$hub/hub.log") + 1))
"$top/$build/host/tanuki-hub" run -c "$hub/hub.conf" 2>>"$hub/hub.log" &
hubpid=$!
watchpid=
trap 'kill $hubpid $watchpid 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM HUP PIPE
# wait until this run's hub listens, or say why not
i=0
until tail -n "+$logstart" "$hub/hub.log" | grep -q 'listening on'; do
	if ! kill -0 $hubpid 2>/dev/null || [ $i -ge 100 ]; then
		echo "tanuki: tanuki-hub did not start on 127.0.0.1:$hubport:" >&2
		tail -n "+$logstart" "$hub/hub.log" | tail -n 3 >&2
		echo "tanuki: (port taken? try: make run HUBPORT=8643)" >&2
		exit 1
	fi
	i=$((i + 1))
	sleep 0.1
done
# show each uplink failure as it happens (the decoy's tanuki.uplink.failed)
(
	seen=0
	while sleep 5; do
		n=$(cat "$dir"/store/events/* 2>/dev/null | grep -c '"tanuki.uplink.failed"' || true)
		if [ "${n:-0}" -gt "$seen" ]; then
			last=$(cat "$dir"/store/events/* 2>/dev/null | grep '"tanuki.uplink.failed"' | tail -n 1 |
				sed -n 's/.*"reason":"\([^"]*\)".*"detail":"\([^"]*\)".*/\1: \2/p')
			echo "tanuki: uplink to https://127.0.0.1:$hubport failed ($n so far): $last" >&2
			seen=$n
		fi
	done
) &
watchpid=$!
echo "tanuki: playing $persona — try:  telnet 127.0.0.1 $port"
echo "tanuki: events land in $dir/store/events/, binaries in $dir/store/files/"
echo "tanuki: tanuki-hub on https://127.0.0.1:$hubport (log $hub/hub.log); a summary a minute"
echo "tanuki: dashboard  https://127.0.0.1:$hubport/  user admin  password $(cat "$hub/password")"
echo "        (self-signed certificate: the browser asks once)"
echo "tanuki: API        curl -sk -H \"Authorization: Bearer \$(cat $hub/token)\" https://127.0.0.1:$hubport/v1/totals"
echo "tanuki: Ctrl-C stops both"
"$top/$build/host/tanuki" run -c "$dir/tanuki.conf" || true
