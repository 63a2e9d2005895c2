#!/usr/bin/env python3
"""mkcpio.py ROOT OUT.cpio.gz [--mode PATH:OCTAL]… [--dev PATH:c|b:MAJ:MIN:OCTAL]…

Writes ROOT as a gzip'd newc cpio archive (a Linux initramfs) with every
entry owned by root (uid 0, gid 0), fixed times (reproducible), modes
overridden by --mode, and device nodes added by --dev, so no root rights
are needed to build an image. (What belongs to the tanuki user lives on
flash and is chowned at boot by rcS.)"""
import argparse
import gzip
import os
import stat


def entry(out, name, mode, uid=0, gid=0, nlink=1, data=b"", rdev=(0, 0), ino=[0]):
    ino[0] += 1
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino[0], mode, uid, gid, nlink, 0, len(data), 0, 0, rdev[0], rdev[1],
        len(name_b), 0))
    out.write(hdr.encode() + name_b)
    out.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
    out.write(data)
    out.write(b"\0" * ((4 - len(data) % 4) % 4))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("out")
    ap.add_argument("--mode", action="append", default=[])
    ap.add_argument("--dev", action="append", default=[])
    a = ap.parse_args()
    modes = {}
    for m in a.mode:
        p, v = m.rsplit(":", 1)
        modes[p] = int(v, 8)
    with gzip.GzipFile(a.out, "wb", compresslevel=9, mtime=0) as out:
        paths = []
        for d, dirs, files in os.walk(a.root):
            dirs.sort()
            for n in sorted(dirs + files):
                paths.append(os.path.join(d, n))
        for full in paths:
            rel = "/" + os.path.relpath(full, a.root)
            st = os.lstat(full)
            perm = modes.get(rel, stat.S_IMODE(st.st_mode))
            if stat.S_ISLNK(st.st_mode):
                entry(out, rel[1:], stat.S_IFLNK | 0o777, data=os.readlink(full).encode())
            elif stat.S_ISDIR(st.st_mode):
                entry(out, rel[1:], stat.S_IFDIR | perm, nlink=2)
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    entry(out, rel[1:], stat.S_IFREG | perm, data=f.read())
        for d in a.dev:
            p, kind, maj, mi, perm = d.split(":")
            entry(out, p.lstrip("/"), (stat.S_IFCHR if kind == "c" else stat.S_IFBLK) | int(perm, 8),
                  rdev=(int(maj), int(mi)))
        entry(out, "TRAILER!!!", 0)


if __name__ == "__main__":
    main()
