"""The differential shell harness (tests/diff/README.md).

One command line, two shells, the bytes each sends back after the telnet
layer, from the moment the line is sent up to and including the next prompt:

- the oracle: real BusyBox 1.35.0 (mk/oracle.mk) as a login shell
  (`login -f root`, so argv[0] is "-sh"), chrooted into a fresh copy of the
  test persona's file tree, in its own mount, PID, UTS, IPC and network
  namespaces (no network at all), on a pty set up the way BusyBox telnetd
  sets up its ptys (ONLCR|XTABS, ECHO, ICRNL);
- the emulated shell: the decoy (tests/lib/tanuki_test.Daemon) with the test
  persona tests/diff/personas/bb135, driven over telnet on 127.0.0.1.

Each command runs in a fresh session on both sides (a fresh file tree for
the oracle), so one command's side effects never reach another's output.
"""
import fcntl
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import tanuki_test  # noqa: E402

PERSONA = "bb135"
PERSONAS_DIR = os.path.join(HERE, "personas")
FIXTURE = os.path.join(PERSONAS_DIR, PERSONA, "fs")
# PS1 of root and of a user, and PS2: a line that leaves ash waiting for
# more (an open quote, a here-document) ends at the continuation prompt
PROMPTS = (b"# ", b"$ ", b"> ")
# What telnetd would deliver for Enter after it strips the CR NUL / CR LF
# pair down to CR (the pty's ICRNL then makes it a newline).
ORACLE_EOL = b"\r"
DECOY_EOL = b"\r\n"


def oracle_binary(build=None):
    build = build or tanuki_test.BUILD
    return os.path.join(build, "oracle", "busybox-1.35.0", "busybox")


# ---- the oracle --------------------------------------------------------

def make_root(busybox, dest, fixture=FIXTURE, applets=None, user="root"):
    """A fresh copy of the fixture tree as the oracle's root: the fixture
    files (no .keep placeholders), /bin/busybox and a relative symlink in
    /bin for every applet (as BusyBox's `make install` links them; the
    binary's `--list`, or `applets`: the device's list, for a binary built
    with more than the device has), and the device nodes bot scripts write
    to. /proc's fixture files are kept aside: the namespace mounts a real
    procfs and binds them over it. A `user` other than root owns its home
    directory (from the tree's /etc/passwd), as on the device."""
    root = os.path.join(dest, "root")
    fixproc = os.path.join(dest, "fixproc")
    shutil.copytree(fixture, root, symlinks=True)
    for d, _, files in os.walk(root):
        if ".keep" in files:
            os.unlink(os.path.join(d, ".keep"))
    shutil.move(os.path.join(root, "proc"), fixproc)
    os.mkdir(os.path.join(root, "proc"), 0o555)
    os.makedirs(os.path.join(root, "bin"), exist_ok=True)
    shutil.copy(busybox, os.path.join(root, "bin", "busybox"))
    os.chmod(os.path.join(root, "bin", "busybox"), 0o755)
    if applets is None:
        applets = subprocess.run([busybox, "--list"], capture_output=True,
                                 text=True, check=True).stdout.split()
    for a in applets:
        p = os.path.join(root, "bin", a)
        if not os.path.lexists(p):
            os.symlink("busybox", p)
    os.makedirs(os.path.join(root, "dev"), exist_ok=True)
    for name, minor in (("null", 3), ("zero", 5), ("urandom", 9)):
        p = os.path.join(root, "dev", name)
        os.mknod(p, 0o666 | 0o020000, os.makedev(1, minor))
        os.chmod(p, 0o666)
    os.makedirs(os.path.join(root, "dev", "pts"), exist_ok=True)
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    if user != "root":
        with open(os.path.join(root, "etc", "passwd")) as f:
            ent = [ln.split(":") for ln in f if ln.startswith(user + ":")][0]
        home = os.path.join(root, ent[5].lstrip("/"))
        for d, dirs, files in os.walk(home):
            for n in [d] + [os.path.join(d, x) for x in files]:
                os.lchown(n, int(ent[2]), int(ent[3]))
    return root, fixproc


# Run as pid 1 of the new PID namespace by the host's /bin/sh, before the
# chroot: procfs with the fixture's /proc files bound over the kernel's
# (where the kernel has that file), the pty's devpts, the host name, and
# loopback only. pid 1 then becomes the oracle's own ash (`sh -c`), which
# starts `busybox login -f USER` (root unless a persona logs in as a user;
# through the binary, as a device's applet list may leave `login` out) as
# its child.
NS_SCRIPT = r'''
set -e
R=$1; F=$2; H=$3; U=$4
mount --make-rprivate /
mount -t proc proc "$R/proc"
for f in "$F"/*; do
	n=${f##*/}
	[ -e "$R/proc/$n" ] && mount --bind "$f" "$R/proc/$n"
done
mount --bind /dev/pts "$R/dev/pts"
hostname "$H"
exec env -i TERM=vt102 "$(command -v chroot)" "$R" /bin/busybox sh -c "/bin/busybox login -f $U; :"
'''


def _set_pty(fd):
    """The pty as BusyBox telnetd leaves it for login (telnetd.c,
    make_new_session): ECHO, ONLCR|XTABS, ICRNL, no IXOFF."""
    a = termios.tcgetattr(fd)
    a[0] = (a[0] | termios.ICRNL) & ~termios.IXOFF
    a[1] = a[1] | termios.OPOST | termios.ONLCR | termios.XTABS
    a[3] = a[3] | termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, a)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))


class Oracle:
    """One real ash login session in its own namespaces and file tree."""

    def __init__(self, busybox, hostname=PERSONA, fixture=FIXTURE,
                 applets=None, user="root"):
        self.tmp = tempfile.mkdtemp(prefix="tanuki-diffsh-")
        root, fixproc = make_root(busybox, self.tmp, fixture, applets, user)
        self.master, slave = os.openpty()
        _set_pty(slave)

        def child():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            ["unshare", "--mount", "--net", "--pid", "--uts", "--ipc",
             "--fork", "--kill-child", "/bin/sh", "-c", NS_SCRIPT, "ns",
             root, fixproc, hostname, user],
            stdin=slave, stdout=slave, stderr=slave, close_fds=True,
            preexec_fn=child, cwd="/", env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        os.close(slave)
        self.buf = b""

    def _idle(self):
        """True when ash's line editor waits for input: it put the tty in
        raw mode (no ICANON) before it printed the prompt."""
        try:
            return not (termios.tcgetattr(self.master)[3] & termios.ICANON)
        except termios.error:
            return False

    def read_prompt(self, timeout=10.0, quiet=0.02):
        """Everything up to a prompt with ash idle and the line quiet."""
        deadline = time.time() + timeout
        out = b""
        while True:
            r, _, _ = select.select([self.master], [], [], quiet)
            if r:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError("oracle closed; got %r" % out[-300:])
                out += chunk
                continue
            if out.endswith(PROMPTS) and self._idle():
                return out
            if time.time() > deadline:
                raise AssertionError("oracle: no prompt; got %r" % out[-300:])

    def send(self, data):
        os.write(self.master, data)

    def close(self):
        try:
            os.close(self.master)
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        # the namespace's mounts went with it; the tree is plain files
        shutil.rmtree(self.tmp, ignore_errors=True)


def encode(line, eol):
    """A battery line as typed: '<NL>' ends a line inside it (here-documents,
    continuation lines), and Enter ends it; all of it in one write, typed
    ahead as a fast bot sends it."""
    return line.encode("utf-8").replace(b"<NL>", eol) + eol


def run_oracle(busybox, line, timeout=10.0):
    o = Oracle(busybox)
    try:
        o.read_prompt()
        o.send(encode(line, ORACLE_EOL))
        return o.read_prompt(timeout)
    finally:
        o.close()


# ---- the emulated shell ------------------------------------------------

def strip_telnet(data):
    """The bytes after the telnet layer: IAC commands and subnegotiations
    removed, IAC IAC as one 0xff."""
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        c = data[i]
        if c != 0xFF:
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            break
        cmd = data[i + 1]
        if cmd == 0xFF:
            out.append(0xFF)
            i += 2
        elif cmd == 0xFA:  # SB ... IAC SE
            j = data.find(b"\xff\xf0", i + 2)
            i = n if j < 0 else j + 2
        elif cmd in (0xFB, 0xFC, 0xFD, 0xFE):
            i += 3
        else:
            i += 2
    return bytes(out)


def daemon():
    return tanuki_test.Daemon(persona=PERSONA,
                              main={"personas": PERSONAS_DIR}, fail_delay_ms=0)


def _decoy_prompt(c, quiet=0.02, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        c.fill(len(c.buf) - c.pos + 1, timeout=quiet)
        if strip_telnet(c.buf[c.pos:]).endswith(PROMPTS):
            # nothing more within `quiet`: the engine wrote its answer
            more = c.fill(len(c.buf) - c.pos + 1, timeout=quiet)
            if len(more) == len(c.buf) - c.pos and strip_telnet(
                    c.buf[c.pos:]).endswith(PROMPTS):
                out = c.buf[c.pos:]
                c.pos = len(c.buf)
                return strip_telnet(out)
        if time.time() > deadline:
            raise AssertionError("decoy: no prompt; got %r" % c.buf[c.pos:][-300:])


def run_decoy(port, line, timeout=10.0):
    c = tanuki_test.Conn(port)
    try:
        tanuki_test.telnet_login(c, "root", "root")
        _decoy_prompt(c)
        c.send(encode(line, DECOY_EOL))
        return _decoy_prompt(c, timeout=timeout)
    finally:
        c.close()


# ---- the data files ----------------------------------------------------

def load_commands(path=os.path.join(HERE, "commands.txt")):
    """One command line a line; '#' lines and blank lines are comments.
    A line is sent as it is (a leading '#' can be written '\\#')."""
    out = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("\\#"):
                line = line[1:]
            out.append(line)
    return out


CATEGORIES = ("device", "emulation", "oracle")


def load_known(path=os.path.join(HERE, "known.txt")):
    """'CATEGORY<TAB>COMMAND<TAB>REASON' lines; returns {command: (cat, why)}."""
    known = {}
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            # the command itself may hold tabs: category to the first tab,
            # reason from the last one
            cat, _, rest = line.partition("\t")
            cmd, _, why = rest.rpartition("\t")
            parts = [cat, cmd, why]
            if not cmd or parts[0] not in CATEGORIES or not parts[2].strip():
                raise AssertionError("%s:%d: want CATEGORY<TAB>COMMAND<TAB>REASON "
                                     "(category one of %s)" % (path, n, CATEGORIES))
            if parts[1] in known:
                raise AssertionError("%s:%d: %r listed twice" % (path, n, parts[1]))
            known[parts[1]] = (parts[0], parts[2])
    return known
