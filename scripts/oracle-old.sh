#!/bin/sh
# oracle-old.sh GITDIR OUTDIR [TAG…] — build the BusyBox versions the shipped
# personas claim (1_9_1 huawei-hg532, 1_16_1 xiongmai-dvr, 1_17_1
# zyxel-pk5001z) as static x86-64 binaries: OUTDIR/busybox-TAG/busybox.
#
# A developer tool, not part of make test: CI cannot fetch BusyBox's git
# history (GITDIR: a git mirror of it, e.g. the search tool's fetch of
# github:mirror/busybox). What the binaries print is recorded as test data
# (tests/diff/golden/, by tests/diff/golden.py). OUTDIR belongs outside the
# tracked tree (build/oracle-old/ is ignored).
#
# These versions do not build out of the box with gcc 12, glibc 2.36 and GNU
# make 4.3 (/work/shared/ORACLES.md); what this script changes, nothing else:
# - the top Makefile's mixed implicit/explicit rules (`config %config:`,
#   `/ %/:`) are split in two, which make 4.3 requires;
# - a header forced in with -include gives <sys/resource.h> (struct rlimit),
#   <sys/sysmacros.h> (major/minor) and stime() over clock_settime();
#   -fcommon for the tentative definitions shared between files;
# - 1.9.1: <rpc/rpc.h> comes from libtirpc-dev's include directory, its
#   refusal of a static glibc build (#error in applets/applets.c) is
#   dropped, and the `const` of its pointers set once at run time
#   (`ptr_to_globals*`, `ptr_to_statics` of the line editor and test,
#   `bb_errno`) is removed: gcc 12 folds the const NULL, and ash, its line
#   editor and `[` segfault at once; its version string is the HG532
#   vendor build's `vv1.9.1` (docs/personas.md, "shell");
# - configuration: defconfig + CONFIG_STATIC, with what does not build here
#   and is never reached by the battery turned off (NFS mount, inetd RPC,
#   2.4 modules, ip tunnel, tcpsvd/udpsvd, mkfs.ext2 in 1.9.1), and the ash
#   features the devices' builds have (alias, getopts) on; the fancy prompt
#   off (PS1 comes from the persona tree's /etc/profile); `ls` colours off by
#   default (what the devices chose is not known; without colour the
#   listings' layout can be compared, and tests/diff/known.txt already
#   records defconfig's colours against 1.35.0).
# The banner's build time is pinned to the one the persona claiming the
# version shows (kconfig's time(&now) replaced, TZ=CST-8 for its "CST"), so
# the recorded output does not change between builds and the banner is
# the device's.
set -eu
git_dir=$1
out=$2
shift 2
[ $# -gt 0 ] || set -- 1_9_1 1_16_1 1_17_1
jobs=${JOBS:-2}
mkdir -p "$out"
out=$(cd "$out" && pwd)

setcfg() { # FILE NAME VALUE(y|n|"string")
	sed -i "/^$2=/d; /^# $2 is not set/d" "$1"
	if [ "$3" = n ]; then
		echo "# $2 is not set" >>"$1"
	else
		echo "$2=$3" >>"$1"
	fi
}

for tag in "$@"; do
	d=$out/busybox-$tag
	rm -rf "$d"
	mkdir -p "$d/src"
	git -C "$git_dir" archive "$tag" | tar -x -C "$d/src"
	s=$d/src

	# make 4.3: "mixed implicit and normal rules" is fatal
	sed -i 's/^config %config: \(.*\)$/config: \1\n%config: \1/' "$s/Makefile"
	sed -i 's|^/ %/: \(.*\)$|/: \1\n%/: \1|' "$s/Makefile"

	cat >"$d/compat.h" <<'EOF'
/* forced into every BusyBox source file by oracle-old.sh */
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <time.h>
static inline int oracle_old_stime(const time_t *t)
{
	struct timespec ts = { *t, 0 };
	return clock_settime(CLOCK_REALTIME, &ts);
}
#define stime oracle_old_stime
EOF
	extra="-include $d/compat.h -fcommon -Wno-error"
	case $tag in
	1_9_1) when='2014-03-14 16:40:52' ;; # huawei-hg532
	1_16_1) when='2013-11-26 15:10:25' ;; # xiongmai-dvr
	1_17_1) when='2015-03-17 14:58:02' ;; # zyxel-pk5001z
	*) when='2010-01-01 12:00:00' ;;
	esac
	epoch=$(date -u -d "$when +0800" +%s)
	sed -i "s/^\ttime(&now);/\tnow = (time_t)$epoch;/" "$s/scripts/kconfig/confdata.c"
	grep -q "now = (time_t)$epoch;" "$s/scripts/kconfig/confdata.c"
	case $tag in
	1_9_1)
		extra="$extra -I/usr/include/tirpc"
		sed -i '/^#error Aborting compilation/d' "$s/applets/applets.c"
		# the HG532's vendor build says "BusyBox vv1.9.1" (docs/personas.md)
		sed -i 's/^BB_VER = \$(VERSION)/BB_VER = v$(VERSION)/' "$s/Makefile.flags"
		grep -q '^BB_VER = v\$(VERSION)' "$s/Makefile.flags"
		grep -rlE '\*const (ptr_to_|bb_errno)' "$s" --include='*.[ch]' |
			xargs sed -i -E 's/\*const (ptr_to_|bb_errno)/*\1/g'
		;;
	esac

	TZ=CST-8 make -s -C "$s" HOSTCC=gcc defconfig >/dev/null
	c=$s/.config
	setcfg "$c" CONFIG_STATIC y
	for o in CONFIG_FEATURE_MOUNT_NFS CONFIG_FEATURE_INETD_RPC \
		CONFIG_FEATURE_2_4_MODULES CONFIG_FEATURE_IP_TUNNEL CONFIG_TCPSVD \
		CONFIG_UDPSVD CONFIG_MKFS_EXT2 CONFIG_FEATURE_EDITING_FANCY_PROMPT \
		CONFIG_FEATURE_LS_COLOR_IS_DEFAULT \
		CONFIG_SELINUX CONFIG_PAM; do
		setcfg "$c" "$o" n
	done
	setcfg "$c" CONFIG_ASH_ALIAS y
	setcfg "$c" CONFIG_ASH_GETOPTS y
	# the HG532's ash prints its "built-in shell (ash)" banner (the persona's
	# shell_banner, from a device transcript): its build has
	# FEATURE_SH_EXTRA_QUIET off, which also keeps ash's `help`
	[ "$tag" != 1_9_1 ] || setcfg "$c" CONFIG_FEATURE_SH_EXTRA_QUIET n
	yes '' | TZ=CST-8 make -s -C "$s" HOSTCC=gcc oldconfig >/dev/null 2>&1 || true
	grep -qx 'CONFIG_STATIC=y' "$c"

	# CFLAGS from the environment: the Makefile adds its own to it
	if ! TZ=CST-8 CFLAGS="$extra" make -C "$s" -j"$jobs" HOSTCC=gcc \
		busybox >"$d/build.log" 2>&1; then
		tail -40 "$d/build.log" >&2
		echo "oracle-old.sh: $tag did not build" >&2
		exit 1
	fi
	cp "$s/busybox" "$d/busybox.new"
	# a built oracle is smoke-tested before anything trusts it
	test "$("$d/busybox.new" sh -c 'echo $((6*7))')" = 42
	test "$("$d/busybox.new" sh -c 'x=abc; echo ${#x}')" = 3
	test "$("$d/busybox.new" sh -c '[ 1 = 1 ] && echo y')" = y
	mv "$d/busybox.new" "$d/busybox"
	"$d/busybox" | head -1
done
