#!/bin/sh
# build.sh TARGET TARBALL OUT — build uClibc-ng as a static sysroot for
# TARGET (mipsel | mips, O32, hard-float like Debian's cross gcc) in OUT:
#   OUT/sysroot/usr/{include,lib}   libc, crt files, kernel headers
#   OUT/bin/TARGET-uclibc-gcc       the cross gcc pointed at that sysroot
# Everything under OUT is rebuilt from scratch on each run.
set -eu
target=$1 tarball=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
case $target in
mipsel) endian=LITTLE other=BIG ;;
mips)   endian=BIG other=LITTLE ;;
*) echo "uclibc-ng: unknown target $target" >&2; exit 2 ;;
esac
cross=$target-linux-gnu-
kheaders=/usr/$target-linux-gnu/include
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/src" "$out/sysroot"
mkdir -p "$out/src" "$out/sysroot/usr" "$out/bin"
tar -xf "$tarball" -C "$out/src" --strip-components=1
cd "$out/src"
make -s ARCH=mips defconfig >/dev/null
{
	grep -E '^[A-Z]|^# [A-Z0-9_]+ is not set$' "$here/uclibc-ng.config"
	echo "ARCH_${endian}_ENDIAN=y"
	echo "ARCH_WANTS_${endian}_ENDIAN=y"
	echo "# ARCH_${other}_ENDIAN is not set"
	echo "# ARCH_WANTS_${other}_ENDIAN is not set"
	echo "KERNEL_HEADERS=\"$kheaders\""
	echo "CROSS_COMPILER_PREFIX=\"$cross\""
	echo 'RUNTIME_PREFIX="/"'
	echo 'DEVEL_PREFIX="/usr/"'
} > frag
# drop every line the fragment sets, then append the fragment
sed -n 's/^# \([A-Z0-9_]*\) is not set$/\1/p; s/^\([A-Z0-9_]*\)=.*/\1/p' frag | sort -u > keys
grep -v -w -f keys .config > .config.new || true
cat frag >> .config.new
mv .config.new .config
make -s ARCH=mips olddefconfig >/dev/null
for k in $(grep '=y' frag | cut -d= -f1); do
	grep -q "^$k=y" .config || { echo "uclibc-ng: $k did not stick" >&2; exit 1; }
done
for k in $(sed -n 's/^# \([A-Z0-9_]*\) is not set$/\1/p' frag); do
	grep -q "^$k=y" .config && { echo "uclibc-ng: $k is still on" >&2; exit 1; }
done
make -s ARCH=mips -j"${JOBS:-2}" PREFIX="$out/sysroot" all install_headers install_dev >build.log 2>&1 \
	|| { tail -30 build.log >&2; exit 1; }
# Without float support there is no libm; programs that link -lm anyway
# (BusyBox) get an empty one.
[ -f "$out/sysroot/usr/lib/libm.a" ] || "${cross}ar" rc "$out/sysroot/usr/lib/libm.a"
# the kernel's uapi headers, as a toolchain's sysroot carries them
for d in linux asm asm-generic mtd; do
	cp -a "$kheaders/$d" "$out/sysroot/usr/include/"
done
# A specs file in the manner of Debian's musl-gcc.specs: only this
# sysroot's headers, crt files and libraries; static, non-PIE.
gcc_inc=$("$cross"gcc -print-file-name=include)
sr=$out/sysroot
cat > "$out/uclibc.specs" <<SPECS
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem $sr/usr/include -isystem $gcc_inc %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem $sr/usr/include -isystem $gcc_inc

*link_libgcc:
-L$sr/usr/lib -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
$sr/usr/lib/crt1.o $sr/usr/lib/crti.o crtbegin.o%s

*endfile:
crtend.o%s $sr/usr/lib/crtn.o

*link:
-nostdlib -static %{rdynamic:-export-dynamic}

*esp_link:


*esp_options:


*esp_cpp_options:


SPECS
cat > "$out/bin/$target-uclibc-gcc" <<WRAP
#!/bin/sh
exec ${cross}gcc -specs="$out/uclibc.specs" -fno-pie -no-pie -static "\$@"
WRAP
chmod +x "$out/bin/$target-uclibc-gcc"
rm -rf "$out/src"
echo "uclibc-ng: $target sysroot in $out/sysroot"
