"""Helpers for tanuki's transcript and integration tests.

Everything here talks to 127.0.0.1 only: the daemon is started on a free
loopback port with a store in a temporary folder, and stopped with SIGTERM
(its exit code and its sanitizer output are checked).
"""
import glob
import hashlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("TANUKI_BUILD", os.path.join(TOP, "build"))
BINARY = os.environ.get("TANUKI_BIN", os.path.join(BUILD, "asan", "tanuki"))

SAN_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:exitcode=99",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:exitcode=99",
}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    """A tanuki process with its own config and store."""

    def __init__(self, persona="xiongmai-dvr", listeners=None, main=None,
                 binary=None, fail_delay_ms=0, seed=None, extra=None):
        self.dir = tempfile.mkdtemp(prefix="tanuki-test-")
        self.store = os.path.join(self.dir, "store")
        if seed is not None:
            # a fixed unit: 32 seed bytes and the first start (big endian)
            os.makedirs(self.store)
            with open(os.path.join(self.store, "unit"), "wb") as f:
                f.write(hashlib.sha256(seed).digest() + (1767225600).to_bytes(8, "big"))
        self.persona = persona
        self.binary = binary or BINARY
        self.ports = {}
        listeners = listeners or [("telnet", "telnet", None)]
        lines = ["config tanuki 'main'",
                 "\toption store '%s'" % self.store,
                 "\toption sensor 'test-sensor'",
                 "\toption persona '%s'" % persona,
                 "\toption personas '%s'" % os.path.join(TOP, "personas")]
        if fail_delay_ms is not None:
            lines.append("\toption fail_delay_ms '%d'" % fail_delay_ms)
        for k, v in (main or {}).items():
            lines.append("\toption %s '%s'" % (k, v))
        for name, proto, lpersona in listeners:
            port = free_port()
            self.ports[name] = port
            lines += ["", "config listener '%s'" % name,
                      "\toption proto '%s'" % proto,
                      "\toption bind '127.0.0.1'",
                      "\toption port '%d'" % port]
            if lpersona:
                lines.append("\toption persona '%s'" % lpersona)
        # more sections (config fetch …), as UCI lines
        lines += [""] + list(extra or [])
        self.conf = os.path.join(self.dir, "tanuki.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None
        self.stderr_path = os.path.join(self.dir, "stderr")

    @property
    def port(self):
        return next(iter(self.ports.values()))

    def start(self):
        env = dict(os.environ, **SAN_ENV)
        self.errf = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([self.binary, "run", "-c", self.conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=self.errf, env=env)
        deadline = time.time() + 10
        for port in self.ports.values():
            while True:
                if self.proc.poll() is not None:
                    raise AssertionError("daemon exited %s: %s" % (
                        self.proc.returncode, self.stderr()))
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if time.time() > deadline:
                        raise AssertionError("daemon never listened")
                    time.sleep(0.05)
        # the probe connections above are sessions too: let them close
        time.sleep(0.1)
        return self

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, check=True):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("daemon did not stop on SIGTERM")
        self.errf.close()
        err = self.stderr()
        if check:
            assert "Sanitizer" not in err and "runtime error" not in err, err
            assert self.proc.returncode == 0, (self.proc.returncode, err)
        return self.proc.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, et, ev, tb):
        self.stop(check=et is None)

    def events(self):
        """Every event in the store, in order (the daemon writes within 1 s)."""
        out = []
        for path in sorted(glob.glob(os.path.join(self.store, "events", "*.jsonl"))):
            with open(path, "rb") as f:
                for line in f:
                    out.append(json.loads(line))
        return out

    def wait_events(self, pred, timeout=8.0):
        deadline = time.time() + timeout
        while True:
            evs = self.events()
            if pred(evs):
                return evs
            if time.time() > deadline:
                raise AssertionError("events never matched; have %d: %s" % (
                    len(evs), [e["eventid"] for e in evs][-30:]))
            time.sleep(0.1)

    def files(self):
        d = os.path.join(self.store, "files")
        return {n: open(os.path.join(d, n), "rb").read()
                for n in os.listdir(d) if not n.endswith(".tmp")}


class Conn:
    """A raw TCP client that keeps everything the server sent."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0, source=None):
        self.sock = socket.create_connection((host, port), timeout,
                                             source_address=(source, 0) if source else None)
        self.sock.settimeout(timeout)
        self.buf = b""
        self.pos = 0
        self.timeout = timeout

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def read_until(self, marker, timeout=None):
        """Returns all bytes from the last read position up to and including
        marker (bytes or a tuple of bytes)."""
        if isinstance(marker, (bytes, str)):
            marker = (marker,)
        marker = tuple(m.encode("latin-1") if isinstance(m, str) else m for m in marker)
        deadline = time.time() + (timeout or self.timeout)
        while True:
            best = None
            for m in marker:
                i = self.buf.find(m, self.pos)
                if i >= 0 and (best is None or i + len(m) < best):
                    best = i + len(m)
            if best is not None:
                out = self.buf[self.pos:best]
                self.pos = best
                return out
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("timeout waiting for %r; got %r" % (
                    marker, self.buf[self.pos:][-300:]))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise AssertionError("closed waiting for %r; got %r" % (
                    marker, self.buf[self.pos:][-300:]))
            self.buf += chunk

    def read_for(self, seconds):
        """Everything that arrives within `seconds` (from the read position)."""
        deadline = time.time() + seconds
        while True:
            left = deadline - time.time()
            if left <= 0:
                break
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            self.buf += chunk
        out = self.buf[self.pos:]
        self.pos = len(self.buf)
        return out

    def fill(self, n, timeout=10.0):
        """Reads until n bytes wait past the read position (or time out);
        the position does not move."""
        deadline = time.time() + timeout
        while len(self.buf) - self.pos < n:
            left = deadline - time.time()
            if left <= 0:
                break
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            self.buf += chunk
        return self.buf[self.pos:self.pos + n]

    def wait_closed(self, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return True
            if not chunk:
                return True
            self.buf += chunk
        return False

    def close(self):
        self.sock.close()


def telnet_login(c, user, password, persona_prompt=(b"login: ", b"Login:")):
    """Logs in like the Mirai scanner: prompt, name, prompt, password."""
    c.read_until(persona_prompt)
    c.send(user + "\r\n")
    c.read_until(b"assword")
    c.send(password + "\r\n")


def by_id(events, eventid):
    return [e for e in events if e["eventid"] == eventid]


def persona_info(name):
    """The few facts tests need from personas/<name>/persona: creds (list of
    (user, password, root)), applets (set), login prompt text."""
    import shlex
    info = {"creds": [], "applets": set(), "cli": False}
    with open(os.path.join(TOP, "personas", name, "persona")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = shlex.split(line, comments=True, posix=True)
            if words[0] == "config":
                if words[1] == "cli":
                    info["cli"] = True
                continue
            if len(words) < 3:
                continue
            kind, key, val = words[0], words[1], words[2]
            if kind == "list" and key == "cred":
                parts = val.split(":")
                info["creds"].append((parts[0], parts[1],
                                      not (len(parts) > 2 and parts[2] == "user")))
            elif key == "applets":
                info["applets"] = set(val.split())
            elif key in ("su_password", "hostname", "elf_data", "elf_machine"):
                info[key] = val
    return info


PERSONAS = ("huawei-hg532", "zyxel-pk5001z", "xiongmai-dvr")
