#!/usr/bin/env python3
"""potsnitch's telnet checks against tanuki's personas and real BusyBox.

potsnitch (github.com/f0rw4rd/potsnitch, MIT) is a public honeypot
detector. Its telnet detector (potsnitch/detectors/telnet.py) needs only
the standard library; it is loaded from a checkout given on the command
line, never vendored, and pointed at 127.0.0.1 only (its telnet checks
make no other connection: read before running).

Targets, one after the other, each on a free loopback port:
  real        BusyBox 1.35 `telnetd` (mk/oracle.mk) in its own mount, PID
              and UTS namespaces over the bb135 fixture tree (chroot, a real
              procfs), sharing the host's loopback only; its login program
              is a small ash script that asks `login:`/`Password:` as
              BusyBox login does and then runs the real `login -f root`.
  <persona>   the decoy with that persona (tests/lib/tanuki_test.Daemon).

Prints each target's indicators and exits 1 when a persona shows one the
real BusyBox does not (credential hits aside: the personas accept their
own default logins, which is the point). `--json FILE` writes the results.

`--patient` makes potsnitch read each answer whole (see PatientSocket), so
its content checks (/proc/self/exe, /proc/self/fd, which, load average,
BusyBox applets) see the answers; by default it reads as written.

Usage: run_telnet.py --potsnitch DIR [--patient] [--build DIR] [--persona NAME]...
"""
import argparse
import concurrent.futures
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "diff"))
import diffsh  # noqa: E402
import tanuki_test  # noqa: E402

# What the persona accepts, for the real BusyBox stand-in of it.
CREDS = {"bb135": ("root", "root"), "xiongmai-dvr": ("root", "xc3511"),
         "zyxel-pk5001z": ("admin", "CenturyL1nk"), "huawei-hg532": ("admin", "admin")}
# Found by a login that potsnitch's list holds: not a difference.
EXPECTED = {"default_credentials_accepted"}

LOGIN = r'''#!/bin/busybox sh
# BusyBox login's dialogue, then the real login for the shell
n=0
while [ $n -lt 3 ]; do
	printf 'bb135 login: '
	read -r u || exit 1
	printf 'Password: '
	stty -echo
	read -r p
	stty echo
	echo
	if [ "$u" = "%s" ] && [ "$p" = "%s" ]; then
		exec login -f root
	fi
	echo 'Login incorrect'
	n=$((n+1))
done
'''

NS = r'''
set -e
R=$1; F=$2; P=$3
mount --make-rprivate /
mount -t proc proc "$R/proc"
for f in "$F"/*; do
	n=${f##*/}
	[ -e "$R/proc/$n" ] && mount --bind "$f" "$R/proc/$n"
done
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$R/dev/pts"
ln -sf pts/ptmx "$R/dev/ptmx"
hostname bb135
exec env -i TERM=vt102 "$(command -v chroot)" "$R" /bin/busybox telnetd -F \
	-p "$P" -b 127.0.0.1 -f /etc/issue.net -l /bin/fakelogin
'''


class PatientSocket:
    """A socket whose recv() returns everything that arrives until the line
    is quiet for `QUIET` seconds: potsnitch as a reader on a slow link, to
    whom the echo, the output and the prompt arrive as one piece. Without
    it (the default), potsnitch reads the first segment only, which on a
    pty-backed telnetd is the echo alone."""
    QUIET = 0.3

    def __init__(self, *a, **k):
        self._s = socket.socket(*a, **k)

    def __getattr__(self, name):
        return getattr(self._s, name)

    def recv(self, n, *flags):
        data = self._s.recv(n, *flags)
        if not data:
            return data
        old = self._s.gettimeout()
        self._s.settimeout(self.QUIET)
        try:
            while len(data) < n:
                more = self._s.recv(n - len(data))
                if not more:
                    break
                data += more
        except socket.timeout:
            pass
        finally:
            self._s.settimeout(old)
        return data


def load_detector(potsnitch_dir, patient=False):
    """potsnitch's TelnetDetector without its package __init__ (which
    would import every detector and their third-party modules)."""
    sys.path.insert(0, potsnitch_dir)
    pkg = types.ModuleType("potsnitch.detectors")
    pkg.__path__ = [os.path.join(potsnitch_dir, "potsnitch", "detectors")]
    sys.modules["potsnitch.detectors"] = pkg
    spec = importlib.util.spec_from_file_location(
        "potsnitch.detectors.telnet",
        os.path.join(potsnitch_dir, "potsnitch", "detectors", "telnet.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    if patient:
        shim = types.SimpleNamespace(**{k: getattr(socket, k) for k in dir(socket)
                                        if not k.startswith("__")})
        shim.socket = PatientSocket
        mod.socket = shim
    return mod.TelnetDetector


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("nothing listens on 127.0.0.1:%d" % port)


class RealTelnetd:
    def __init__(self, busybox, creds):
        self.tmp = tempfile.mkdtemp(prefix="tanuki-potsnitch-")
        root, fixproc = diffsh.make_root(busybox, self.tmp)
        with open(os.path.join(root, "bin", "fakelogin"), "w") as f:
            f.write(LOGIN % creds)
        os.chmod(os.path.join(root, "bin", "fakelogin"), 0o755)
        with open(os.path.join(root, "etc", "issue.net"), "w") as f:
            f.write("")
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["unshare", "--mount", "--pid", "--uts", "--ipc", "--fork",
             "--kill-child", "/bin/sh", "-c", NS, "ns", root, fixproc, str(self.port)],
            stdin=subprocess.DEVNULL, close_fds=True, cwd="/",
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        wait_port(self.port)

    def close(self):
        # telnetd is the namespace's pid 1 (it ignores SIGTERM); unshare's
        # --kill-child takes the namespace down with it
        self.proc.kill()
        self.proc.wait(10)
        shutil.rmtree(self.tmp, ignore_errors=True)


def probe(Detector, port):
    r = Detector(timeout=5.0).detect("127.0.0.1", port)
    return sorted({i.name for i in r.indicators}), \
        {i.name: "%s (%s)" % (i.description, i.severity.name) for i in r.indicators}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--potsnitch", required=True, help="a checkout of f0rw4rd/potsnitch")
    ap.add_argument("--build", default=tanuki_test.BUILD)
    ap.add_argument("--persona", action="append")
    ap.add_argument("--json")
    ap.add_argument("--patient", action="store_true",
                    help="potsnitch reads until the line is quiet (PatientSocket)")
    a = ap.parse_args()
    Detector = load_detector(os.path.abspath(a.potsnitch), a.patient)
    bb = diffsh.oracle_binary(a.build)
    personas = a.persona or ["bb135", "xiongmai-dvr", "zyxel-pk5001z", "huawei-hg532"]
    results, bad = {}, False

    def run_real(name):
        real = RealTelnetd(bb, CREDS[name])
        try:
            return probe(Detector, real.port)
        finally:
            real.close()

    def run_tanuki(name):
        pdir = os.path.join(TOP, "tests", "diff", "personas") if name == "bb135" else None
        extra = {"personas": pdir} if pdir else None
        with tanuki_test.Daemon(persona=name, main=extra) as d:
            return probe(Detector, d.port)

    # the probes mostly wait on potsnitch's socket timeouts: all at once
    with concurrent.futures.ThreadPoolExecutor(2 * len(personas)) as ex:
        futs = {(n, side): ex.submit(run_real if side == "real" else run_tanuki, n)
                for n in personas for side in ("real", "tanuki")}
        done = {k: f.result() for k, f in futs.items()}
    for name in personas:
        rnames, rdesc = done[(name, "real")]
        tnames, tdesc = done[(name, "tanuki")]
        only = sorted(set(tnames) - set(rnames) - EXPECTED)
        results[name] = {"real": rdesc, "tanuki": tdesc, "tanuki_only": only}
        print("%-14s real: %s" % (name, ", ".join(rnames) or "-"))
        print("%-14s tanuki: %s" % ("", ", ".join(tnames) or "-"))
        for n in only:
            print("%-14s ONLY tanuki: %s" % ("", tdesc[n]))
        bad = bad or bool(only)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
