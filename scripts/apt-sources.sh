#!/bin/sh
# apt-sources.sh [SOURCELIST [SOURCEPARTS]] — print, as deb822 stanzas, the
# repositories this machine's apt uses, turned into what scripts/fetch.sh
# needs: the same URIs, suites, components and keyrings, with
# `Types: deb deb-src` and the firmware's architecture (mipsel).
#
# Without arguments the paths come from `apt-config` (Dir::Etc::sourcelist,
# Dir::Etc::sourceparts), so a local mirror, a proxy in apt.conf.d or a
# different root is honoured exactly as `apt-get` on this machine honours it.
# Reads the one-line format (sources.list, *.list) and deb822 (*.sources);
# skips comments, `Enabled: no` stanzas and cdrom: entries. Options of the
# one-line format other than signed-by (arch=, lang=, …) are dropped: the
# architecture is ours to set.
set -eu
arch=${APT_SOURCES_ARCH:-mipsel}
if [ $# -ge 1 ]; then
	list=$1
	parts=${2:-/nonexistent}
else
	list=/etc/apt/sources.list
	parts=/etc/apt/sources.list.d
	eval "$(apt-config shell list Dir::Etc::sourcelist/f parts Dir::Etc::sourceparts/d)"
fi

files=""
[ -f "$list" ] && files="$list"
if [ -d "$parts" ]; then
	for f in "$parts"/*.list "$parts"/*.sources; do
		[ -f "$f" ] && files="$files $f"
	done
fi

for f in $files; do
	case $f in
	*.sources) fmt=deb822 ;;
	*) fmt=oneline ;;
	esac
	awk -v fmt="$fmt" -v arch="$arch" '
	function emit() {
		if (uris != "" && suites != "" && enabled != "no" && uris !~ /^cdrom:/) {
			printf "Types: deb deb-src\nURIs: %s\nSuites: %s\n", uris, suites
			if (comps != "") printf "Components: %s\n", comps
			printf "Architectures: %s\n", arch
			if (signed != "") printf "Signed-By: %s\n", signed
			if (trusted != "") printf "Trusted: %s\n", trusted
			printf "\n"
		}
		uris = suites = comps = signed = trusted = ""; enabled = "yes"
	}
	BEGIN { enabled = "yes" }
	fmt == "oneline" {
		sub(/#.*/, "")
		if ($1 != "deb" && $1 != "deb-src") next
		i = 2; signed = ""; trusted = ""
		if ($2 ~ /^\[/) {
			opts = ""
			for (; i <= NF; i++) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } }
			gsub(/[\[\]]/, "", opts)
			n = split(opts, o, " ")
			for (k = 1; k <= n; k++) {
				if (o[k] ~ /^signed-by=/) { signed = o[k]; sub(/^signed-by=/, "", signed) }
				if (o[k] ~ /^trusted=/) { trusted = o[k]; sub(/^trusted=/, "", trusted) }
			}
		}
		uris = $i; suites = $(i + 1); comps = ""
		for (k = i + 2; k <= NF; k++) comps = comps (comps == "" ? "" : " ") $k
		# a deb and a deb-src line for the same repository give one stanza
		key = uris " " suites " " comps
		if (key in seen) { uris = ""; next }
		seen[key] = 1
		emit()
		next
	}
	fmt == "deb822" {
		if ($0 ~ /^#/) next
		if ($0 ~ /^[ \t]*$/) { emit(); next }
		if ($0 ~ /^[ \t]/) next   # continuation (an inline key block): not needed here
		split($0, kv, ":"); key = tolower(kv[1]); val = substr($0, length(kv[1]) + 2)
		sub(/^[ \t]+/, "", val); sub(/[ \t]+$/, "", val)
		if (key == "uris") uris = val
		else if (key == "suites") suites = val
		else if (key == "components") comps = val
		else if (key == "signed-by") signed = val
		else if (key == "trusted") trusted = val
		else if (key == "enabled") enabled = tolower(val)
	}
	END { if (fmt == "deb822") emit() }
	' "$f"
done
