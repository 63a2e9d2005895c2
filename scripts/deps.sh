#!/bin/sh
# deps.sh — install the Debian packages tanuki needs to build and test.
# As root it installs what is missing; otherwise it names them in one line.
# Quick (one dpkg-query) when everything is there.
set -eu
# the PC build and its tests
PKGS="gcc make clang clang-format libclang-rt-14-dev libmbedtls-dev zlib1g-dev libcmocka-dev python3 hydra nmap"
# the WAN tests (tests/integration/test_wan.py): namespaces and veth
# (iproute2), checksum offload off on the attacker's veth (ethtool), a DHCP
# server (dnsmasq), a bounded SYN flood (hping3)
PKGS="$PKGS iproute2 ethtool dnsmasq-base hping3"
# proto pppoe's test (tests/integration/test_wan_ppp.py): Debian's
# pppoe-server and pppd, run in a small qemu guest on Debian's kernel (pppd
# needs the kernel's PPP driver, which the test machine's kernel may lack),
# its initramfs made with the static busybox
PKGS="$PKGS pppoe ppp qemu-system-x86 linux-image-amd64 busybox-static"
# the firmware (mk/firmware.mk): cross compilers and their kernel headers,
# uClibc-ng's source, qemu-user for the MIPS unit tests, qemu-system-mips
# for the Malta image, depmod, dpkg-deb/patch for unpacking, the scp/ssh client
PKGS="$PKGS gcc-mipsel-linux-gnu gcc-mips-linux-gnu libc6-dev-mipsel-cross libc6-dev-mips-cross
qemu-user-static qemu-system-mips kmod xz-utils bzip2 patch openssh-client
debian-archive-keyring"
# the second-stage extractor's test downloaders (tests/lib/dlr/build.sh):
# one cross compiler per architecture it reads (mips/mipsel are above)
PKGS="$PKGS gcc-arm-linux-gnueabi gcc-i686-linux-gnu gcc-powerpc-linux-gnu gcc-sh4-linux-gnu
gcc-m68k-linux-gnu"
# the hub (mk/hub.mk, docs/hub.md): HTTPS ingest, SQLite/PostgreSQL, and
# its tests (curl as the decoy's stand-in, a throw-away PostgreSQL server)
PKGS="$PKGS libmicrohttpd-dev libgnutls28-dev libsqlite3-dev libpq-dev pkg-config
curl openssl postgresql"
# the hub's dashboard: Argon2id password hashes (libsodium), YARA family
# labels (libyara), and its tests: headless Chromium drives the pages,
# Prometheus scrapes /metrics
PKGS="$PKGS libsodium-dev libyara-dev chromium prometheus"
# the Sources view's country and network (libmaxminddb), and its tests
# check their own .mmdb files with mmdblookup (mmdb-bin)
PKGS="$PKGS libmaxminddb-dev mmdb-bin"
# the hub's exports to Splunk HEC / Elasticsearch _bulk: libcurl on GnuTLS
# (the hub's TLS library)
PKGS="$PKGS libcurl4-gnutls-dev"
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
	awk '/ok installed$/ { printf "%s ", $1 }')"
missing=""
for p in $PKGS; do
	case $installed in *" $p "*) ;; *) missing="$missing$p " ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "tanuki: missing Debian packages: $missing— run: sudo sh scripts/deps.sh" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "tanuki: installed $missing"
