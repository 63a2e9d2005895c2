#!/bin/sh
# check-fp.sh OBJDUMP FILE… — fail if a MIPS binary or object holds any
# floating-point instruction, naming the functions that do.
#
# The decoy has no floating point. Debian's cross gcc is hard-float, but
# real OpenWrt targets are soft-float and their kernels may lack the FPU
# emulator: one FP instruction on such a router is a SIGILL.
set -eu
objdump=$1; shift
hits=$("$objdump" -d --no-show-raw-insn "$@" | awk '
	/^[0-9a-f]+ <.*>:$/ { fn = $2; pool = (fn ~ /^<__pool_/); next }
	# MIPS16 literal pools (__pool_*) are data the disassembler reads as
	# MIPS32 words; MIPS16 itself has no floating-point instructions
	/^ *[0-9a-f]+:\t/ && !pool {
		op = $2
		if (op ~ /^[ls][wd]x?c1$/ || op ~ /^[mc][ft]h?c1$/ || op ~ /^bc1[ft]l?$/ ||
		    op ~ /\.(s|d|w|l|ps)$/ || op ~ /^mov[ft]$/)
			n[fn]++
	}
	END { for (f in n) printf "%s %d\n", f, n[f] }' | sort)
if [ -n "$hits" ]; then
	echo "check-fp: floating-point instructions in $* (function, count):" >&2
	echo "$hits" | sed 's/^/  /' >&2
	exit 1
fi
echo "check-fp: no floating point in $*"
