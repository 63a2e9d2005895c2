#!/bin/sh
# fetch.sh DLDIR HASHFILE… — get each source named by a Buildroot-style
# .hash file into DLDIR and verify its SHA-256 before anything uses it.
#
# A hash file holds one "# fetch: KIND WHAT" line and "sha256 HASH FILE":
#   source PKG=VER            Debian source package, exactly that version
#   binary PKG[:ARCH]=VER     Debian binary package (.deb), exactly that version
#   debfile PKG=VER PATH      the file PATH inside that binary package
# A pinned file is one version: asking apt for "the newest" could only ever
# fetch something else, so every line names its exact version.
#
# Debian's archive is reached through a private apt configuration under
# DLDIR/apt (its own lists and cache) whose sources are this machine's own
# (scripts/apt-sources.sh: the URIs, suites, components and keyrings of
# /etc/apt, with deb-src and the mipsel architecture added), so a local
# mirror or an apt proxy works as it does for apt-get. The PC's apt state and
# dpkg architectures are left alone. Nothing is fetched from upstream sites.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dl=$1; shift
mkdir -p "$dl"
dl=$(cd "$dl" && pwd)
apt="$dl/apt"
# one fetch at a time (make -j runs several; they share the apt lists)
exec 9>"$dl/.lock"
flock 9

apt_private() {
	mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial"
	sh "$here/apt-sources.sh" > "$apt/parts/system.sources.new"
	if [ ! -s "$apt/parts/system.sources.new" ]; then
		echo "fetch: this machine's apt configuration lists no repository (see docs/firmware.md, 'Pinned sources')" >&2
		exit 1
	fi
	# the lists are refreshed once, and again when the machine's sources change
	if [ -f "$apt/updated" ] && cmp -s "$apt/parts/system.sources.new" "$apt/parts/system.sources"; then
		rm -f "$apt/parts/system.sources.new"
		return 0
	fi
	rm -f "$apt/parts/"*.sources
	mv "$apt/parts/system.sources.new" "$apt/parts/system.sources"
	if ! apt_get update > "$apt/update.log" 2>&1; then
		# a third-party repository without deb-src or mipsel fails here;
		# what matters is whether the pinned versions can be had (below)
		echo "fetch: warning: apt-get update reported errors (kept in $apt/update.log)" >&2
	fi
	touch "$apt/updated"
}

apt_get() {
	apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt/parts" \
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
		-o Dir::State::status=/dev/null -o Debug::NoLocking=1 \
		-o APT::Architecture=mipsel -o APT::Architectures::=mipsel \
		-o APT::Sandbox::User=root "$@"
}

# fail FILE HASHFILE WHAT REASON — the one line a user sees, then exit 1
fail() {
	echo "fetch: cannot get $1 ($4), pinned by $2 as '$3'; see docs/firmware.md, 'Pinned sources'" >&2
	exit 1
}

ok() { # FILE HASH
	[ -f "$dl/$1" ] && [ "$(sha256sum "$dl/$1" | cut -d' ' -f1)" = "$2" ]
}

for hf in "$@"; do
	kind=$(sed -n 's/^# fetch: *\([a-z]*\) .*/\1/p' "$hf")
	what=$(sed -n 's/^# fetch: *[a-z]* *//p' "$hf")
	pkg=${what%% *}
	case $pkg in
	*=?*) ;;
	*) echo "fetch: $hf: '# fetch: $kind $what' names no exact version (PKG=VERSION)" >&2; exit 1 ;;
	esac
	grep '^sha256 ' "$hf" | while read -r _ hash file; do
		ok "$file" "$hash" && continue
		log="$apt/last.log"
		case $kind in
		source)
			apt_private
			(cd "$dl" && apt_get source --download-only "$pkg") > "$log" 2>&1 ||
				fail "$file" "$hf" "$kind $what" "$(grep '^E:' "$log" | head -1 | cut -c1-200)" ;;
		binary)
			apt_private
			(cd "$dl" && apt_get download "$pkg") > "$log" 2>&1 ||
				fail "$file" "$hf" "$kind $what" "$(grep '^E:' "$log" | head -1 | cut -c1-200)" ;;
		debfile)
			apt_private
			path=${what#* }
			tmp=$(mktemp -d "$dl/.deb.XXXXXX")
			(cd "$tmp" && apt_get download "$pkg") > "$log" 2>&1 ||
				{ rm -rf "$tmp"; fail "$file" "$hf" "$kind $what" "$(grep '^E:' "$log" | head -1 | cut -c1-200)"; }
			dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -xOf - ".$path" > "$dl/$file.part" ||
				{ rm -rf "$tmp"; fail "$file" "$hf" "$kind $what" "$path is not in the package"; }
			mv "$dl/$file.part" "$dl/$file"
			rm -rf "$tmp" ;;
		*)
			echo "fetch: $hf: unknown kind '$kind'" >&2
			exit 1 ;;
		esac
		ok "$file" "$hash" || fail "$file" "$hf" "$kind $what" "missing or SHA-256 mismatch after the fetch"
		echo "fetch: $file ok"
	done
done
