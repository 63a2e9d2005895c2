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


def _shell(d):
    c = Conn(d.port)
    mirai.login(c, "root", "xc3511")
    mirai.read_prompt(c)
    return c


def test_pty_expands_tabs_and_tracks_the_column():
    """BusyBox telnetd's pty has ONLCR|XTABS: a tab leaves as spaces to the
    next 8-column stop, counted from where the cursor is (the prompt and
    the echo included)."""
    with Daemon() as d:
        c = _shell(d)
        c.send(b"echo -e 'a\\tb\\tc'; echo -e 'abcdefghi\\tj'; echo -ne 'xy\\t'; echo z\r\n")
        out = c.read_until(b"# ")
        assert b"\t" not in out, out
        assert b"\r\na       b       c\r\n" in out, out
        assert b"\r\nabcdefghi       j\r\n" in out, out
        assert b"\r\nxy      z\r\n" in out, out
        c.close()


def test_line_editor_ctrl_c_erase_cap_and_ctrl_d():
    """Keys as BusyBox 1.35's lineedit takes them (measured against
    `busybox telnetd`): Ctrl-C prints ^C and a new prompt and drops the
    line; DEL erases with "\\b ESC[J"; a line keeps 1022 bytes and its echo
    wraps at the 80th column ("\\r\\r\\n"); Ctrl-D on an empty line ends the
    login shell."""
    with Daemon() as d:
        c = _shell(d)
        c.send(b"abc\x03")
        assert c.read_until(b"# ") == b"abc^C\r\n# "
        c.send(b"ab\x7fc\x04\r\n")
        out = c.read_until(b"# ")
        assert out.startswith(b"ab\x08\x1b[Jc\r\n"), out
        assert b"ac: not found" in out, out
        c.send(b"echo " + b"z" * 1495 + b" | wc -c\r\n")
        out = c.read_until(b"# ")
        echo, _, rest = out.partition(b"z\r\n")
        rows = echo.split(b"\r\r\n")
        assert [len(r) for r in rows[:2]] == [78, 80], rows[:2]
        assert sum(len(r) for r in rows) + 1 == 1022, [len(r) for r in rows]
        # the " | wc -c" was past the cap: echo printed the z's
        assert rest == b"z" * 1017 + b"\r\n# ", rest[-40:]
        c.send(b"\x04")
        assert c.wait_closed(5.0)
        assert c.buf.endswith(b"\r\n"), c.buf[-20:]
        c.close()


def test_echo_and_answer_leave_in_separate_segments():
    """The pty echoes what was typed, then the shell answers: a client that
    reads once after sending a line gets the echo alone (potsnitch reads
    that way; against real BusyBox it gets the echo too)."""
    with Daemon() as d:
        c = Conn(d.port)
        c.read_until(b"login: ")
        c.send(b"root\r\n")
        first = c.sock.recv(4096)
        assert first == b"root\r\n", first
        c.read_until(b"Password: ")
        c.send(b"xc3511\r\n")
        mirai.read_prompt(c)
        alone = 0
        for _ in range(5):
            c.send(b"echo hi\r\n")
            first = c.sock.recv(4096)
            assert first.startswith(b"echo hi\r\n"), first
            # (a reader descheduled past the pause may get both at once)
            alone += first == b"echo hi\r\n"
            c.buf += first[len(b"echo hi\r\n"):]
            assert c.read_until(b"# ") == b"hi\r\n# "
        assert alone >= 1
        c.close()


def test_ctrl_c_interrupts_sleep_and_the_rest_of_the_line():
    """SIGINT ends `sleep` at once; ash abandons the rest of the line; what
    was typed before the Ctrl-C is flushed with it."""
    with Daemon() as d:
        c = _shell(d)
        c.send(b"sleep 30; echo done\r\n")
        assert c.read_until(b"\r\n") == b"sleep 30; echo done\r\n"
        c.send(b"typed ahead\x03")
        # (long before the 30 s are up)
        assert c.read_until(b"# ", timeout=10) == b"^C\r\n# "
        c.send(b"echo after\r\n")
        assert c.read_until(b"# ") == b"echo after\r\nafter\r\n# "
        c.close()
