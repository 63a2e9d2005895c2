"""scripts/check-sizes.sh: no .c/.h file in src/ over 800 lines unless
scripts/sizes-allow lists it with a reason — on the tree itself, and the
check fails on a tree with a long file, an entry without a reason, or a
stale entry."""
import os
import shutil
import subprocess
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(TOP, "scripts", "check-sizes.sh")


def check(top, allow=None):
    env = dict(os.environ)
    if allow is not None:
        env["ALLOW"] = allow
    p = subprocess.run(["sh", SCRIPT, top], capture_output=True, text=True, timeout=60,
                       cwd=TOP, env=env)
    return p.returncode, p.stdout + p.stderr


DIRS = []


def tree(lines, allow_text):
    d = tempfile.mkdtemp(prefix="tanuki-sizes-")
    DIRS.append(d)
    os.makedirs(os.path.join(d, "src", "x"))
    path = os.path.join(d, "src", "x", "big.c")
    with open(path, "w") as f:
        f.write("int x;\n" * lines)
    allow = os.path.join(d, "allow")
    with open(allow, "w") as f:
        f.write(allow_text.replace("BIG", path))
    return os.path.join(d, "src"), allow, path


def test_sizes_tree_is_clean():
    rc, out = check("src")
    assert rc == 0, out


def cleanup():
    while DIRS:
        shutil.rmtree(DIRS.pop(), ignore_errors=True)


def test_sizes_long_file_fails():
    try:
        long_file()
    finally:
        cleanup()


def test_sizes_allow_list():
    try:
        allow_list()
    finally:
        cleanup()


def long_file():
    top, allow, path = tree(800, "# none\n")
    assert check(top, allow)[0] == 0
    top, allow, path = tree(801, "# none\n")
    rc, out = check(top, allow)
    assert rc == 1, out
    assert path + " has 801 lines" in out, out


def allow_list():
    top, allow, path = tree(801, "BIG a generated table\n")
    rc, out = check(top, allow)
    assert rc == 0, out
    top, allow, path = tree(801, "BIG\n")
    rc, out = check(top, allow)
    assert rc == 1 and "has no reason" in out, out
    top, allow, path = tree(10, "BIG no longer long\n")
    rc, out = check(top, allow)
    assert rc == 1 and "remove it from the list" in out, out
