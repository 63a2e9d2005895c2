#!/bin/sh
# check-banned.sh DIR… — fail if the decoy calls anything that runs a
# program or formats without a bound. Comments are skipped; a call is a
# name followed by "(".
set -u
banned='system|popen|fork|vfork|execl|execlp|execle|execv|execve|execvp|execvpe|posix_spawn|posix_spawnp|sprintf|vsprintf|strcpy|strcat|strtok|gets|sscanf|atoi|atol'
hits=$(grep -rnE "(^|[^A-Za-z0-9_.>])($banned)[[:space:]]*\(" --include='*.c' --include='*.h' "$@" \
	| grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' )
if [ -n "$hits" ]; then
	echo "check-banned: forbidden calls in the decoy:" >&2
	echo "$hits" >&2
	exit 1
fi
echo "check-banned: ok ($*)"
