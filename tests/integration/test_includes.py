"""scripts/check-includes.sh: the include graph between src/decoy folders
has no cycle and proto/ includes neither net/, fetch/ nor host/ — on the
tree itself, and the check fails on a copy that breaks either rule."""
import os
import shutil
import subprocess
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(TOP, "scripts", "check-includes.sh")


def check(top):
    p = subprocess.run(["sh", SCRIPT, top], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def with_copy(edit):
    d = tempfile.mkdtemp(prefix="tanuki-inc-")
    try:
        top = os.path.join(d, "decoy")
        shutil.copytree(os.path.join(TOP, "src", "decoy"), top)
        edit(top)
        return check(top)
    finally:
        shutil.rmtree(d)


def add_include(top, path, header):
    p = os.path.join(top, path)
    with open(p) as f:
        text = f.read()
    with open(p, "w") as f:
        f.write('#include "%s"\n' % header + text)


def test_includes_tree_is_clean():
    rc, out = check(os.path.join(TOP, "src", "decoy"))
    assert rc == 0, out


def test_includes_cycle_fails():
    # ev/ is at the bottom (only sys/ below it): ev -> net closes a loop
    rc, out = with_copy(lambda t: add_include(t, "ev/ev.c", "net/session.h"))
    assert rc == 1, out
    assert "cycle" in out, out


def test_includes_proto_net_fails():
    rc, out = with_copy(lambda t: add_include(t, "proto/http.c", "net/session.h"))
    assert rc == 1, out
    assert "proto/http.c includes net/session.h" in out, out
    rc, out = with_copy(lambda t: add_include(t, "proto/telnet.c", "fetch/fetch.h"))
    assert rc == 1, out
    assert "proto/telnet.c includes fetch/fetch.h" in out, out
