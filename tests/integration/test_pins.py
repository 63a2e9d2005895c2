"""The pinned sources (issue 11): every .hash file names one exact Debian
version, scripts/fetch.sh gets every pinned file into an EMPTY download
folder through this machine's own apt sources and verifies it, and a pin the
archive does not hold fails in one clear line. Only the fetch, not the build:
a broken pin fails here, on the developer's machine, before a user meets it.
"""
import glob
import hashlib
import os
import re
import shutil
import subprocess
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FETCH = os.path.join(TOP, "scripts", "fetch.sh")
SOURCES = os.path.join(TOP, "scripts", "apt-sources.sh")


def hash_files():
    hf = sorted(glob.glob(os.path.join(TOP, "package", "*", "*.hash")) +
                glob.glob(os.path.join(TOP, "toolchain", "*", "*.hash")))
    assert len(hf) >= 8, hf
    return hf


def pins(path):
    text = open(path).read()
    m = re.search(r"^# fetch: *(\w+) +(.+)$", text, re.M)
    assert m, "%s: no '# fetch:' line" % path
    files = re.findall(r"^sha256 +([0-9a-f]{64}) +(\S+)$", text, re.M)
    assert files, "%s: no sha256 line" % path
    return m.group(1), m.group(2), files


def test_pins_name_exact_versions():
    for path in hash_files():
        kind, what, _ = pins(path)
        assert kind in ("source", "binary", "debfile"), (path, kind)
        pkg = what.split()[0]
        assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]*(:[a-z0-9]+)?=[0-9][A-Za-z0-9.+~:-]*", pkg), \
            "%s: '%s' is not PKG=VERSION" % (path, pkg)
        # the version in the fetch line is the one the comment block states
        ver = pkg.split("=", 1)[1]
        assert ver in open(path).read().split("# fetch:")[0], \
            "%s: comment does not mention %s" % (path, ver)


def test_pins_fetch_from_empty_folder():
    dl = tempfile.mkdtemp(prefix="tanuki-dl-")
    try:
        p = subprocess.run(["sh", FETCH, dl] + hash_files(), capture_output=True,
                           text=True, timeout=900)
        assert p.returncode == 0, p.stderr[-3000:]
        for path in hash_files():
            for sha, name in pins(path)[2]:
                f = os.path.join(dl, name)
                assert os.path.isfile(f), "%s not fetched" % name
                h = hashlib.sha256(open(f, "rb").read()).hexdigest()
                assert h == sha, "%s: %s != %s" % (name, h, sha)
        # one line per fetched file (a source package's second pinned file
        # comes with the first and is only verified)
        assert p.stdout.count(" ok\n") >= len(hash_files()), p.stdout
    finally:
        shutil.rmtree(dl, ignore_errors=True)


def scratch_pin(tmp, src, old, new):
    text = open(os.path.join(TOP, src)).read()
    assert old in text
    dst = os.path.join(tmp, os.path.basename(src))
    with open(dst, "w") as f:
        f.write(text.replace(old, new))
    return dst


def test_pins_missing_version_fails_in_one_line():
    tmp = tempfile.mkdtemp(prefix="tanuki-pin-")
    try:
        for src, old, new in (
                ("package/zlib/zlib.hash", "zlib=1:1.2.13.dfsg-1", "zlib=1:1.2.13.dfsg-97"),
                ("package/linux/linux.hash", "=6.1.176-1", "=6.1.176-97"),
                ("toolchain/uclibc-ng/uclibc-ng.hash", "uclibc-source=1.0.35-1",
                 "uclibc-source=1.0.35-97")):
            hf = scratch_pin(tmp, src, old, new)
            dl = os.path.join(tmp, "dl-" + os.path.basename(src))
            p = subprocess.run(["sh", FETCH, dl, hf], capture_output=True, text=True,
                               timeout=600)
            assert p.returncode != 0, (src, p.stdout, p.stderr)
            err = [ln for ln in p.stderr.splitlines() if ln.startswith("fetch:")
                   and "warning" not in ln]
            assert len(err) == 1, p.stderr
            _, _, files = pins(hf)
            assert files[0][1] in err[0] and hf in err[0], err[0]
            assert new.split("=", 1)[1] in err[0], err[0]
            assert "docs/firmware.md" in err[0], err[0]
            assert not os.path.exists(os.path.join(dl, files[0][1]))
        # a pin without a version is refused before apt is asked anything
        hf = scratch_pin(tmp, "package/zlib/zlib.hash", "zlib=1:1.2.13.dfsg-1", "zlib")
        p = subprocess.run(["sh", FETCH, os.path.join(tmp, "dl-nover"), hf],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode != 0 and "names no exact version" in p.stderr, p.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_pins_sources_follow_the_machine():
    """apt-sources.sh turns the machine's own apt configuration (both
    formats) into deb+deb-src stanzas for mipsel; no mirror name of ours."""
    tmp = tempfile.mkdtemp(prefix="tanuki-src-")
    try:
        os.makedirs(os.path.join(tmp, "parts"))
        with open(os.path.join(tmp, "sources.list"), "w") as f:
            f.write("# a comment\n"
                    "deb [arch=amd64 signed-by=/k/a.gpg] http://mirror.invalid/debian bookworm main contrib\n"
                    "deb-src [signed-by=/k/a.gpg] http://mirror.invalid/debian bookworm main contrib\n"
                    "deb http://proxy.invalid:3142/sec bookworm-security main # tail\n"
                    "deb cdrom:[Debian]/ bookworm main\n")
        with open(os.path.join(tmp, "parts", "x.sources"), "w") as f:
            f.write("Types: deb\nURIs: http://off.invalid/\nSuites: s1\n"
                    "Components: main\nEnabled: no\n\n"
                    "Types: deb\n# note\nURIs: http://on.invalid/debian\n"
                    "Suites: bookworm bookworm-updates\nComponents: main\n"
                    "Signed-By: /k/b.gpg\n")
        with open(os.path.join(tmp, "parts", "ignored.list.disabled"), "w") as f:
            f.write("deb http://never.invalid/ x main\n")
        p = subprocess.run(["sh", SOURCES, os.path.join(tmp, "sources.list"),
                            os.path.join(tmp, "parts")], capture_output=True,
                           text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        stanzas = [s for s in p.stdout.strip().split("\n\n") if s]
        want = [
            "Types: deb deb-src\nURIs: http://mirror.invalid/debian\nSuites: bookworm\n"
            "Components: main contrib\nArchitectures: mipsel\nSigned-By: /k/a.gpg",
            "Types: deb deb-src\nURIs: http://proxy.invalid:3142/sec\nSuites: bookworm-security\n"
            "Components: main\nArchitectures: mipsel",
            "Types: deb deb-src\nURIs: http://on.invalid/debian\nSuites: bookworm bookworm-updates\n"
            "Components: main\nArchitectures: mipsel\nSigned-By: /k/b.gpg",
        ]
        assert stanzas == want, p.stdout
        # and with no arguments it reads this machine's apt configuration
        p = subprocess.run(["sh", SOURCES], capture_output=True, text=True, timeout=30)
        assert p.returncode == 0 and "Types: deb deb-src" in p.stdout, p.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_pins_no_mirror_host_in_scripts():
    for path in (FETCH, SOURCES, os.path.join(TOP, "mk", "firmware.mk")):
        text = open(path).read()
        assert not re.search(r"https?://[a-z0-9.-]+\.(org|com|net)", text), path
