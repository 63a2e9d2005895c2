#!/bin/sh
# versions.sh GITDIR > tests/diff/versions.txt — the texts that differ between
# the BusyBox versions the personas claim, read from BusyBox's own history
# (a git mirror; the search tool's `fetch` brings one). CI cannot fetch it:
# the output is committed as data, each line "KEY<TAB>TAG<TAB>FILE:LINE<TAB>SOURCE".
set -eu
g=$1
printf '# KEY\tTAG\tFILE:LINE\tSOURCE LINE (from versions.sh over a BusyBox git mirror)\n'
grab() { # KEY FILE REGEX
	for t in 1_9_1 1_16_1 1_17_1 1_35_0; do
		git -C "$g" grep -n -E "$3" "$t" -- "$2" 2>/dev/null | head -3 |
		while IFS= read -r l; do
			rest=${l#*:}; file=${rest%%:*}; rest=${rest#*:}; line=${rest%%:*}; src=${rest#*:}
			src=$(printf '%s' "$src" | sed 's/^[[:space:]]*//; s/\t/ /g')
			printf '%s\t%s\t%s:%s\t%s\n' "$1" "$t" "$file" "$line" "$src"
		done
	done
}
grab banner-copyright libbb/appletlib.c 'Copyright \(C\) 1998|copyrighted by many'
grab applet-not-found libbb/appletlib.c 'applet not found'
grab rm-directory libbb/remove_file.c 'is a directory"'
grab kill-no-pid procps/kill.c "can't kill pid"
grab kill-no-args procps/kill.c 'whom to kill'
grab ps-header procps/ps.c 'puts\("  PID'
grab ash-cd shell/ash.c "can't cd to"
grab ash-open-script shell/ash.c "raise_(error|perror)\(\"can't open '?%s'?\", fname\)"
grab ash-open-redirect shell/ash.c "can't open %s: %s"
grab ash-not-found shell/ash.c '": not found'
grab ls-usage include/usage.h '^#define ls_trivial_usage'
grab ls-usage coreutils/ls.c '//usage:#define ls_trivial_usage'
grab ls-usage-2 coreutils/ls.c '//usage:       "\[-1AaCxdLHRFplinshrSXvctu'
grab ls-usage-2 include/usage.h '"\[-1Aa'
grab wget-usage networking/wget.c '//usage:#define wget_trivial_usage'
grab wget-usage include/usage.h '^#define wget_trivial_usage'
grab usage-banner libbb/appletlib.c 'multi-call binary'
