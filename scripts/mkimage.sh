#!/bin/sh
# mkimage.sh VARDIR BOARDDIR KDIR KVER AUTHORIZED_KEYS OUT — assemble the
# initramfs OUT/rootfs.cpio.gz from BusyBox, dropbear and tanuki of VARDIR
# (build/<target>), the rootfs/ skeleton, the board's files, the kernel
# modules the board names (with their dependencies) and the owner's key.
set -eu
var=$1 board=$2 kdir=$3 kver=$4 keys=$5 out=$6
top=$(cd "$(dirname "$0")/.." && pwd)
root=$out/root
rm -rf "$root"
mkdir -p "$root"

# BusyBox and its applet links (bin/ sbin/ usr/)
cp -a "$var/busybox/root/." "$root/"
rm -f "$root/linuxrc"
ln -s bin/busybox "$root/init"
mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/var" \
	"$root/overlay" "$root/root/.ssh" "$root/lib/modules" "$root/usr/bin" "$root/usr/sbin"

# the skeleton, then the board
(cd "$top/rootfs" && find . -type f ! -name README.md) | while read -r f; do
	mkdir -p "$root/$(dirname "$f")"
	cp -p "$top/rootfs/$f" "$root/$f"
done
cp "$board/board.env" "$root/etc/board.env"
ln -s /overlay/dropbear "$root/etc/dropbear"

# dropbear (one binary: server, scp, dropbearkey) and the decoy
cp "$var/dropbear/dropbearmulti" "$root/usr/bin/dropbearmulti"
ln -s ../bin/dropbearmulti "$root/usr/sbin/dropbear"
ln -s dropbearmulti "$root/usr/bin/scp"
ln -s dropbearmulti "$root/usr/bin/dropbearkey"
cp "$var/tanuki" "$root/usr/bin/tanuki"
cp "$var/caprun" "$root/usr/lib/tanuki/caprun"
mkdir -p "$root/usr/share/tanuki"
cp -r "$top/personas" "$root/usr/share/tanuki/personas"

# kernel modules: the board's list and everything they depend on
. "$board/board.env"
mdir=lib/modules/$kver
mkdir -p "$root/$mdir"
want=""
for m in $BOARD_MODULES; do
	line=$(grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$kdir/$mdir/modules.dep" || true)
	[ -n "$line" ] || { echo "mkimage: module $m not in $kver" >&2; exit 1; }
	want="$want $(echo "$line" | tr -d ':')"
done
for f in $want; do
	mkdir -p "$root/$mdir/$(dirname "$f")"
	cp "$kdir/$mdir/$f" "$root/$mdir/$f"
done
cp "$kdir/$mdir/modules.builtin" "$kdir/$mdir/modules.order" "$root/$mdir/"
[ -f "$kdir/$mdir/modules.builtin.modinfo" ] && cp "$kdir/$mdir/modules.builtin.modinfo" "$root/$mdir/"
depmod -b "$root" "$kver"

# the owner's key (dropbear: key logins only)
cp "$keys" "$root/root/.ssh/authorized_keys"

python3 "$top/scripts/mkcpio.py" "$root" "$out/rootfs.cpio.gz" \
	--mode /root:0700 --mode /root/.ssh:0700 --mode /root/.ssh/authorized_keys:0600 \
	--mode /etc/shadow:0600 --dev /dev/console:c:5:1:0600
echo "mkimage: $out/rootfs.cpio.gz $(stat -c %s "$out/rootfs.cpio.gz") bytes," \
	"$(du -sk "$root" | cut -f1) KB unpacked"
