#!/bin/sh
# setup.sh TARGET DEB OUT — unpack Debian's musl-dev (for TARGET) under OUT
# and write OUT/bin/TARGET-musl-gcc, the cross gcc pointed at it (static,
# non-PIE), in the manner of Debian's own musl-gcc.specs. Nothing is
# installed on the PC.
set -eu
target=$1 deb=$2 out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/root" "$out/bin"
mkdir -p "$out/root" "$out/bin"
dpkg-deb -x "$deb" "$out/root"
inc=$out/root/usr/include/$target-linux-musl
lib=$out/root/usr/lib/$target-linux-musl
cross=$target-linux-gnu-
# musl's headers need the kernel's uapi headers only for linux/*, asm/*
mkdir -p "$out/kinc"
for d in linux asm asm-generic mtd; do
	cp -a "/usr/$target-linux-gnu/include/$d" "$out/kinc/"
done
gcc_inc=$("$cross"gcc -print-file-name=include)
cat > "$out/musl.specs" <<SPECS
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem $inc -isystem $out/kinc -isystem $gcc_inc %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem $inc -isystem $out/kinc -isystem $gcc_inc

*link_libgcc:
-L$lib -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
$lib/crt1.o $lib/crti.o crtbegin.o%s

*endfile:
crtend.o%s $lib/crtn.o

*link:
-nostdlib -static %{rdynamic:-export-dynamic}

*esp_link:


*esp_options:


*esp_cpp_options:


SPECS
cat > "$out/bin/$target-musl-gcc" <<WRAP
#!/bin/sh
exec ${cross}gcc -specs="$out/musl.specs" -fno-pie -no-pie -static "\$@"
WRAP
chmod +x "$out/bin/$target-musl-gcc"
echo "musl: $target toolchain in $out"
