#!/bin/sh
# build.sh OUTDIR — builds tests/lib/dlr/dl.c (a downloader written for the
# tests, never run) with every Debian cross compiler the extractor reads,
# -nostdlib -static as the real ones are, at -Os and -O2, for several
# addresses and ports, and writes OUTDIR/manifest: one line per binary,
#   FILE EXPECT ADDR PORT PATH
# EXPECT is "certain" (the extractor must return exactly ADDR:PORT PATH) or
# "maybe" (it may return exactly that, or not be certain; never another).
set -eu
out=$1
src=$(dirname "$0")/dl.c
mkdir -p "$out"
man="$out/manifest.tmp"
: >"$man"
# cross compiler, name in the request, extra flags
set -- \
	"mips-linux-gnu mips -fno-pic -mno-abicalls" \
	"mips-linux-gnu mips_pic" \
	"mipsel-linux-gnu mipsel -fno-pic -mno-abicalls" \
	"mipsel-linux-gnu mipsel_pic" \
	"arm-linux-gnueabi arm -marm" \
	"arm-linux-gnueabi arm7 -marm -march=armv7-a" \
	"i686-linux-gnu x86" \
	"powerpc-linux-gnu ppc" \
	"sh4-linux-gnu sh4" \
	"m68k-linux-gnu m68k"
# address (a b c d), port, expectation. 198.18/15 as the tests use; others
# whose bytes look like ELF data (0x7f 'E' 'L' 'F', 0x08 0x04 ..., 0x00 0x40
# ...) or like instructions; x.x.x.0 and x.x.x.255 are never certain.
addrs="198,18,7,9,80,certain 198,19,255,1,8080,certain 127,69,76,70,80,certain
8,4,128,1,23,certain 1,64,2,3,80,certain 203,0,113,200,5555,certain
11,0,0,0,80,none 10,9,8,255,80,none"
for spec in "$@"; do
	# shellcheck disable=SC2086
	set -- $spec
	cc=$1-gcc
	name=$2
	shift 2
	for opt in Os O2; do
		for a in $addrs; do
			IFS=, read -r A B C D P E <<-X
				$a
			X
			for split in 0 1; do
				f="dl-$name-$opt-$A.$B.$C.$D-$P-$split"
				def=""
				exp=$E
				if [ "$split" = 1 ]; then
					def="-DSPLIT"
					[ "$exp" = certain ] && exp=maybe
				fi
				# shellcheck disable=SC2086
				$cc -$opt -nostdlib -static -ffreestanding -w -Wl,-e,_start \
					-DIP_A=$A -DIP_B=$B -DIP_C=$C -DIP_D=$D -DPORT=$P \
					-DARCH="\"$name\"" $def "$@" "$src" -o "$out/$f"
				echo "$f $exp $A.$B.$C.$D $P /bins/x.$name" >>"$man"
			done
		done
	done
done
mv "$man" "$out/manifest"
