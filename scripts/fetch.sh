#!/bin/sh
# fetch.sh DLDIR HASHFILE… — get each source named by a Buildroot-style
# .hash file into DLDIR and verify its SHA-256 before anything uses it.
#
# A hash file holds one "# fetch: KIND WHAT" line and "sha256 HASH FILE":
#   source PKG       Debian source package, `apt-get source --download-only`
#   binary PKG=VER   Debian binary package, `apt-get download`
#   file PATH        a file some installed Debian package ships
# Debian's mirrors are reached through a private apt configuration under
# DLDIR/apt (its own sources and lists); the PC's apt configuration and dpkg
# architectures are left alone. Nothing is fetched from upstream sites.
set -eu
dl=$1; shift
mkdir -p "$dl"
dl=$(cd "$dl" && pwd)
apt="$dl/apt"
# one fetch at a time (make -j runs several; they share the apt lists)
exec 9>"$dl/.lock"
flock 9

apt_private() {
	if [ ! -f "$apt/updated" ]; then
		mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial"
		cat > "$apt/parts/debian.sources" <<SRC
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Architectures: mipsel
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Architectures: mipsel
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
		apt_get update >/dev/null
		touch "$apt/updated"
	fi
}

apt_get() {
	apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt/parts" \
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
		-o Dir::State::status=/dev/null -o Debug::NoLocking=1 \
		-o APT::Architecture=mipsel -o APT::Architectures::=mipsel \
		-o APT::Sandbox::User=root "$@"
}

ok() { # FILE HASH
	[ -f "$dl/$1" ] && [ "$(sha256sum "$dl/$1" | cut -d' ' -f1)" = "$2" ]
}

for hf in "$@"; do
	kind=$(sed -n 's/^# fetch: *\([a-z]*\) .*/\1/p' "$hf")
	what=$(sed -n 's/^# fetch: *[a-z]* *//p' "$hf")
	grep '^sha256 ' "$hf" | while read -r _ hash file; do
		ok "$file" "$hash" && continue
		case $kind in
		source) apt_private; (cd "$dl" && apt_get source --download-only "$what" >/dev/null 2>&1) ;;
		binary) apt_private; (cd "$dl" && apt_get download "$what" >/dev/null 2>&1) ;;
		file) [ -f "$what" ] && cp "$what" "$dl/$file" ;;
		esac
		if ! ok "$file" "$hash"; then
			echo "fetch: $file: missing or SHA-256 mismatch (pinned in $hf)" >&2
			exit 1
		fi
		echo "fetch: $file ok"
	done
done
