#!/bin/sh
# qemu-run.sh IMGDIR FLASH TELNET_PORT SSH_PORT [SERIAL] — boot the Malta image.
#
# Only 127.0.0.1 is forwarded: 127.0.0.1:TELNET_PORT -> guest 23 (the decoy),
# 127.0.0.1:SSH_PORT -> guest 22 (dropbear). restrict=on: the guest can reach
# nothing outside the VM, not even the host. SERIAL is a QEMU chardev for the
# console (default: this terminal; Ctrl-A X quits). A reboot inside the guest
# ends QEMU (-no-reboot), so scripts can boot again on the same flash.
# HUB_FWD=PORT (tests): the guest's TCP connections to 10.0.2.100:8443 are
# handed, one process each, to tests/image/fwd.py, which connects to
# 127.0.0.1:PORT on the host (a tanuki-hub the test runs); nothing else opens.
# The WAN port (the guest's eth1, given to the decoy's lwIP) is a second
# pcnet: WAN_TAP=IFNAME plugs it into that TAP device (made by the caller,
# e.g. in a network namespace; QEMU runs no script), WAN_FD=N into the open
# TAP file descriptor N (a TAP made in another namespace); without either it
# has no cable. WAN_MAC sets its MAC (default 52:54:00:12:34:57).
set -eu
img=$1 flash=$2 tport=$3 sport=$4 serial=${5:-mon:stdio}
board=$(cd "$(dirname "$0")/../board/qemu-malta" && pwd)
fwd=
if [ -n "${HUB_FWD:-}" ]; then
	fwd=",guestfwd=tcp:10.0.2.100:8443-cmd:python3 $(cd "$(dirname "$0")/.." && pwd)/tests/image/fwd.py $HUB_FWD"
fi
wan_mac=${WAN_MAC:-52:54:00:12:34:57}
if [ -n "${WAN_TAP:-}" ]; then
	set -- -netdev "tap,id=n1,ifname=$WAN_TAP,script=no,downscript=no" \
		-device "pcnet,netdev=n1,mac=$wan_mac,romfile="
elif [ -n "${WAN_FD:-}" ]; then
	set -- -netdev "tap,id=n1,fd=$WAN_FD" -device "pcnet,netdev=n1,mac=$wan_mac,romfile="
else
	set -- -device "pcnet,mac=$wan_mac,romfile="
fi
exec qemu-system-mipsel -M malta -m "${MEM_MB:-64}" \
	-kernel "$img/vmlinux" -initrd "$img/rootfs.cpio.gz" \
	-append "$(cat "$board/cmdline")" \
	-drive file="$flash",format=raw,if=ide,index=0 \
	-netdev user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:"$tport"-:23,hostfwd=tcp:127.0.0.1:"$sport"-:22"$fwd" \
	-device pcnet,netdev=n0,mac=52:54:00:12:34:56,romfile= "$@" \
	-vga none -display none -serial "$serial" -monitor none -no-reboot
