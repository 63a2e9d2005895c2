"""Telnet byte handling against the real daemon: 0xff both ways, a line end
that arrives seconds later in its own segment, CR NUL, option replies."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import mirai  # noqa: E402
from tanuki_test import Conn, Daemon, by_id  # noqa: E402


def test_iac_doubling_both_ways():
    with Daemon() as d:
        c = Conn(d.port)
        mirai.login(c, "root", "xc3511")
        mirai.read_prompt(c)
        # IAC IAC from the client is one literal 0xff in the file it writes
        c.send(b"echo -n 'a\xff\xffb' > /tmp/f; cat /tmp/f; echo; echo -ne '\\xff\\x0a'\r\n")
        out = c.read_until(b"# ")
        # the echoed line and the file's bytes: 0xff doubled on the wire, \n as \r\n
        assert b"a\xff\xffb\r\n" in out, out
        assert out.endswith(b"\xff\xff\r\n# "), out
        c.close()
        evs = d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
        inputs = [e["input"] for e in by_id(evs, "cowrie.command.input")]
        assert any("a\u00ffb" in i for i in inputs), inputs


def test_line_end_seconds_later_in_its_own_segment():
    """The Mirai loader sends the user name, then its CR LF 1-2 s later."""
    with Daemon() as d:
        c = Conn(d.port)
        c.read_until(b"login: ")
        c.send(b"ro")
        time.sleep(0.3)
        c.send(b"ot")
        time.sleep(1.5)
        c.send(b"\r\n")
        c.read_until(b"Password: ")
        c.send(b"xc3511")
        time.sleep(1.2)
        c.send(b"\r\x00")
        mirai.read_prompt(c)
        c.close()
        evs = d.wait_events(lambda e: by_id(e, "cowrie.login.success"))
        s = by_id(evs, "cowrie.login.success")[0]
        assert (s["username"], s["password"]) == ("root", "xc3511")


def test_naws_logged_and_options_not_answered():
    """BusyBox telnetd reads the client's replies and never answers them."""
    with Daemon() as d:
        c = Conn(d.port)
        c.read_until(b"login: ")
        c.send(b"\xff\xfc\x01\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0"
               b"\xff\xfd\x01\xff\xfd\x03\xff\xfd\x18\xff\xfb\x27")
        assert c.read_for(0.4) == b""
        c.close()
        evs = d.wait_events(lambda e: by_id(e, "cowrie.client.size"))
        size = by_id(evs, "cowrie.client.size")[0]
        assert (size["width"], size["height"]) == (80, 24)


def test_junk_is_bounded():
    """A 1 MB line without an end, a runaway SB and NULs: the session stays
    within its caps, and other sessions are served."""
    with Daemon() as d:
        bad = Conn(d.port)
        bad.read_until(b"login: ")
        bad.send(b"\xff\xfa\x1f" + b"A" * 100000)
        bad.send(b"\x00" * 100000 + b"B" * 1000000)
        good = Conn(d.port)
        good.read_until(b"login: ")
        good.send(b"root\r\n")
        good.read_until(b"Password: ")
        good.close()
        bad.close()
