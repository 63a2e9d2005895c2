"""The daemon's contracts: config errors, caps, timeouts, IPv6, shutdown."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import tanuki_test as tt  # noqa: E402
from tanuki_test import Conn, Daemon, by_id  # noqa: E402

REQUIRED = ("eventid", "timestamp", "session", "src_ip", "src_port", "dst_port", "sensor")


def _check(conf_text):
    d = tempfile.mkdtemp(prefix="tanuki-conf-")
    path = os.path.join(d, "t.conf")
    with open(path, "w") as f:
        f.write(conf_text)
    p = subprocess.run([tt.BINARY, "check", "-c", path], capture_output=True, text=True,
                       env=dict(os.environ, **tt.SAN_ENV))
    return p.returncode, p.stdout + p.stderr, path


def test_bad_config_is_one_line_with_file_and_line():
    personas = os.path.join(tt.TOP, "personas")
    cases = [
        ("config tanuki 'main'\n\toption store '/tmp/x'\n\toption sensr 'a'\n", 3, "unknown option"),
        ("config tanuki 'main'\n\toption personas '%s'\nconfig listener 't'\n"
         "\toption proto 'telnet'\n\toption port '99999'\n" % personas, 5, "port"),
        ("config tanuki 'main'\n\toption personas '%s'\nconfig listener 't'\n"
         "\toption proto 'gopher'\n\toption port '23'\n" % personas, 4, "unknown proto"),
        ("config tanuki 'main'\n\toption personas '%s'\n\toption persona 'nosuch'\n"
         "config listener 't'\n\toption proto 'telnet'\n\toption port '23'\n" % personas,
         0, "cannot open"),
        ("config tanuki 'main'\n\toption store 'unterminated\n", 2, "unterminated quote"),
        ("config tanuki 'main'\n\toption personas '%s'\nconfig listener 't'\n"
         "\toption proto 'telnet'\n\toption bind '1.2.3'\n\toption port '23'\n" % personas,
         5, "bind"),
    ]
    for text, line, what in cases:
        rc, out, path = _check(text)
        assert rc == 2, (rc, out)
        lines = out.strip().splitlines()
        assert len(lines) == 1, out
        assert what in lines[0], (what, out)
        if line:
            assert lines[0].startswith("%s:%d: " % (path, line)), (line, out)
        else:
            assert ":0: " in lines[0] or ":" in lines[0], out


def test_good_config_checks_and_events_have_common_fields():
    with Daemon() as d:
        c = Conn(d.port)
        c.read_until(b"login: ")
        c.send("root\r\n")
        c.read_until(b"Password: ")
        c.send("nope\r\n")
        c.read_until(b"Login incorrect")
        c.close()
        d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
    evs = d.events()
    rc, out, _ = _check(open(d.conf).read())
    assert rc == 0, out
    ids = [e["eventid"] for e in evs]
    assert ids[0] == "tanuki.daemon.start" and ids[-1] == "tanuki.daemon.stop", ids
    for e in evs:
        for k in REQUIRED:
            assert k in e, (k, e)
        assert e["timestamp"].endswith("Z") and "T" in e["timestamp"]
    sess = [e for e in evs if e["session"]]
    assert len({e["session"] for e in sess}) >= 1
    assert all(len(e["session"]) == 12 for e in sess)
    conn = by_id(evs, "cowrie.session.connect")[-1]
    assert conn["src_ip"] == "127.0.0.1" and conn["dst_port"] == d.port
    failed = by_id(evs, "cowrie.login.failed")[0]
    assert (failed["username"], failed["password"]) == ("root", "nope")


def test_per_source_cap_refuses_politely():
    with Daemon(main={"max_per_src": "3"}) as d:
        held = [Conn(d.port) for _ in range(3)]
        for c in held:
            c.read_until(b"login: ")
        extra = Conn(d.port)
        assert extra.wait_closed(5), "the 4th connection from one address was kept"
        assert b"login" not in extra.buf
        # everyone else still served
        held[0].send("root\r\n")
        held[0].read_until(b"Password: ")
        for c in held + [extra]:
            c.close()
        evs = d.wait_events(lambda e: by_id(e, "tanuki.session.refused"))
        assert by_id(evs, "tanuki.session.refused")[0]["reason"] == "per_source_cap"


def test_session_cap_evicts_prelogin_else_waits():
    """A full table makes room by closing the longest-idle session that has
    not logged in (issue 12: idle floods must not keep a fresh source out);
    when every session is logged in, one per source, a new peer waits in
    the kernel's backlog until a slot is free."""
    creds = tt.persona_info("xiongmai-dvr")["creds"][0]
    with Daemon(main={"max_sessions": "2", "max_per_src": "10"}) as d:
        a = Conn(d.port, source="127.0.0.2")
        a.read_until(b"login: ")
        time.sleep(0.05)
        b = Conn(d.port, source="127.0.0.3")
        b.read_until(b"login: ")
        c = Conn(d.port, source="127.0.0.4")
        c.read_until(b"login: ", 5)  # served at once: a (idlest) made room
        assert a.wait_closed(5)
        assert not b.wait_closed(0.3)
        for x in (b, c):  # their login prompts were read above
            x.send(creds[0] + "\r\n")
            x.read_until(b"assword")
            x.send(creds[1] + "\r\n")
            x.read_until((b"# ", b"$ "))
        e = Conn(d.port, source="127.0.0.5")  # both logged in, one per source
        assert e.read_for(0.5) == b""
        b.close()
        e.read_until(b"login: ", 5)  # served once a slot is free
        c.close()
        e.close()


def test_idle_timeout_and_max_tries():
    with Daemon(main={"idle_s": "1"}) as d:
        c = Conn(d.port)
        c.read_until(b"login: ")
        t0 = time.time()
        assert c.wait_closed(5)
        assert 0.8 < time.time() - t0 < 4
        # three failures close the connection, as BusyBox login does
        c = Conn(d.port)
        for i in range(3):
            c.read_until(b"login: ")
            c.send("root\r\n")
            c.read_until(b"Password: ")
            c.send("bad%d\r\n" % i)
        c.read_until(b"Login incorrect\r\n")
        assert c.wait_closed(5)
        assert not c.buf[c.pos:], c.buf[c.pos:]


def test_failure_delay_is_real():
    with Daemon(fail_delay_ms=None) as d:  # the persona's own 3 s
        c = Conn(d.port)
        c.read_until(b"login: ")
        c.send("root\r\n")
        c.read_until(b"Password: ")
        t0 = time.time()
        c.send("wrong\r\n")
        assert c.read_until(b"\r\n") == b"\r\n"  # the newline leaves at once
        c.read_until(b"Login incorrect\r\n")
        assert time.time() - t0 >= 2.9
        c.close()


def test_ipv6_listener():
    d = Daemon()
    # rewrite the bind address to ::1
    text = open(d.conf).read().replace("option bind '127.0.0.1'", "option bind '::1'")
    with open(d.conf, "w") as f:
        f.write(text)
    env = dict(os.environ, **tt.SAN_ENV)
    d.errf = open(d.stderr_path, "wb")
    d.proc = subprocess.Popen([d.binary, "run", "-c", d.conf], stderr=d.errf, env=env)
    try:
        deadline = time.time() + 10
        while True:
            try:
                s = socket.create_connection(("::1", d.port), 1)
                break
            except OSError:
                assert time.time() < deadline
                time.sleep(0.05)
        s.settimeout(5)
        data = b""
        while b"login: " not in data:
            data += s.recv(4096)
        assert data.startswith(b"\xff")
        s.close()
        evs = d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
        assert by_id(evs, "cowrie.session.connect")[0]["src_ip"] == "::1"
    finally:
        d.stop()


def test_sigint_flushes_and_exits_zero():
    d = Daemon().start()
    c = Conn(d.port)
    c.read_until(b"login: ")
    c.send("root\r\n")
    c.read_until(b"Password: ")
    c.send("xc3511\r\n")
    c.read_until(b"# ")
    c.send("echo hello > /tmp/x; chmod +x /tmp/x\r\n")
    c.read_until(b"# ")
    d.proc.send_signal(2)
    d.proc.wait(10)
    assert d.stop() == 0
    evs = d.events()
    assert by_id(evs, "cowrie.login.success")
    assert by_id(evs, "cowrie.session.closed"), "open session not closed at shutdown"
    assert by_id(evs, "tanuki.daemon.stop")


def test_fs_kb_bounds_a_session_files():
    """fs_kb in the config bounds the files one session may write: with 16
    (KB) the third copy fails as on a full flash; with the default (1024)
    all fit."""
    import mirai
    user, pw, _ = tt.persona_info("xiongmai-dvr")["creds"][0]
    # a (1000 bytes) in two lines: BusyBox's line editor keeps 1022 bytes
    # of a line, the token command included
    first = "cd /var; echo -n %s > a; echo %s >> a" % ("A" * 500, "A" * 400)
    first = [first, "echo -n %s >> a" % ("A" * 99)]
    line = "cat a a a a a a a a a a > b; cat b > c; ls -l"
    for main, full in (({}, False), ({"fs_kb": "16"}, True)):
        with Daemon(main=main) as d:
            c = Conn(d.port)
            mirai.login(c, user, pw)
            mirai.enter_shell(c)
            for f in first:
                mirai.token_cmd(c, f)
            out = mirai.token_cmd(c, line)
            assert (b"cat: write error: No space left on device" in out) == full, out
            assert b" 10000 " in out, out  # b was written either way
            c.close()
