"""hydra (Debian's package) against the Telnet listener on 127.0.0.1: every
attempt hydra made is in the event log.

hydra's own "[ATTEMPT]" lines are printed when its parent hands a pair to a
child, not when the child sends it, and its telnet children race (an empty
login is sometimes sent in place of a pair). So the test puts a recording
relay between hydra and the daemon, both on 127.0.0.1, and takes what
actually crossed the wire as the attempts made: every user/password pair
sent must be logged, with nothing invented.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from tanuki_test import Daemon, by_id  # noqa: E402


class Relay:
    """127.0.0.1:port → 127.0.0.1:target, keeping each client's bytes."""

    def __init__(self, target):
        self.target = target
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(64)
        self.port = self.srv.getsockname()[1]
        self.streams = []
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            rec = bytearray()
            with self.lock:
                self.streams.append(rec)
            u = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self.pipe, args=(c, u, rec), daemon=True).start()
            threading.Thread(target=self.pipe, args=(u, c, None), daemon=True).start()

    @staticmethod
    def pipe(a, b, rec):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                if rec is not None:
                    rec.extend(d)
                b.sendall(d)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.srv.close()


def strip_iac(data):
    out, i = bytearray(), 0
    while i < len(data):
        if data[i] == 0xff and i + 1 < len(data):
            cmd = data[i + 1]
            if cmd == 0xff:
                out.append(0xff)
                i += 2
            elif cmd == 0xfa:
                j = data.find(b"\xff\xf0", i)
                i = len(data) if j < 0 else j + 2
            else:
                i += 3
            continue
        out.append(data[i])
        i += 1
    return bytes(out)


def pairs_sent(stream):
    """(user, password) pairs in one client stream, as the daemon's login
    reads them: lines end in CR NUL / CR LF; an empty user name is asked
    again, a complete user line is followed by the password line."""
    lines = re.split(rb"\r\x00|\r\n|\r|\n", strip_iac(bytes(stream)))
    if lines and lines[-1] == b"":
        lines.pop()
    else:
        lines = lines[:-1]  # an unfinished last line was never read
    out, user = [], None
    for ln in lines:
        if user is None:
            if ln:
                user = ln
        else:
            out.append((user.decode("latin-1"), ln.decode("latin-1")))
            user = None
    return out


def test_hydra_every_attempt_logged():
    users = ["root", "admin", "guest"]
    passwords = ["123456", "password", "xc3511x", "vizxv", "888888", "default"]
    tmp = tempfile.mkdtemp(prefix="tanuki-hydra-")
    with open(os.path.join(tmp, "users"), "w") as f:
        f.write("\n".join(users) + "\n")
    with open(os.path.join(tmp, "pass"), "w") as f:
        f.write("\n".join(passwords) + "\n")
    # BusyBox login closes after 3 failures, and hydra then counts the pair
    # it sends into the closing socket as done: let this unit take the whole
    # list on one connection.
    with Daemon(persona="xiongmai-dvr", main={"max_tries": "100"}) as d:
        relay = Relay(d.port)
        p = subprocess.run(
            ["hydra", "-L", os.path.join(tmp, "users"), "-P", os.path.join(tmp, "pass"),
             "-t", "4", "-V", "-I", "telnet://127.0.0.1:%d" % relay.port],
            capture_output=True, text=True, timeout=300, cwd=tmp)
        out = p.stdout + p.stderr
        assert "1 of 1 target completed" in out, out[-2000:]
        assert "0 valid password" in out, out[-1000:]
        with relay.lock:
            sent = [pr for s in relay.streams for pr in pairs_sent(s)]
        relay.close()
        # hydra really tried most of its list (its races lose a few)
        assert len(set(sent)) >= len(users) * len(passwords) // 2, (sent, out[-1500:])
        evs = d.wait_events(lambda e: len(by_id(e, "cowrie.login.failed")) >= len(sent))
        logged = [(x["username"], x["password"]) for x in by_id(evs, "cowrie.login.failed")]
        assert sorted(logged) == sorted(sent), (sorted(logged), sorted(sent))
        assert not by_id(evs, "cowrie.login.success")
