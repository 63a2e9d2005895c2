"""The WAN side on lwIP (issue 17), in network namespaces this test makes.

Two namespaces joined by a veth pair: the decoy's end has no kernel
address (IPv6 off too), lwIP drives it through AF_PACKET; the attacker's
end is 198.18.0.1/24 (the benchmark range, kept inside the namespaces).
Real clients of the attacker namespace's kernel (TCP sockets, dnsmasq,
hping3) talk to the decoy's lwIP. Needs root (namespaces, raw sockets).
"""
import contextlib
import ctypes
import json
import os
import re
import socket
import subprocess
import struct
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import tanuki_test as tt  # noqa: E402
from tanuki_test import Conn, Daemon, by_id  # noqa: E402

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kw)


@contextlib.contextmanager
def in_netns(name):
    """Sockets made inside this block live in namespace `name`."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    there = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(there, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns " + name)
        yield
    finally:
        _libc.setns(home, CLONE_NEWNET)
        os.close(there)
        os.close(home)


class Pair:
    """Decoy namespace (veth end with no address) + attacker namespace."""

    def __init__(self):
        assert os.geteuid() == 0, "the WAN tests need root (network namespaces)"
        tag = "%d%d" % (os.getpid() % 10000, int(time.time() * 1000) % 1000)
        self.dec, self.att = "tkd" + tag, "tka" + tag
        self.dif, self.aif = "wd" + tag, "wa" + tag
        sh("ip", "netns", "add", self.dec)
        sh("ip", "netns", "add", self.att)
        sh("ip", "link", "add", self.dif, "type", "veth", "peer", "name", self.aif)
        sh("ip", "link", "set", self.dif, "netns", self.dec)
        sh("ip", "link", "set", self.aif, "netns", self.att)
        for k in ("all", "default", self.dif):
            sh("ip", "netns", "exec", self.dec, "sysctl", "-qw",
               "net.ipv6.conf.%s.disable_ipv6=1" % k)
        sh("ip", "-n", self.dec, "link", "set", self.dif, "up")
        sh("ip", "-n", self.att, "addr", "add", "198.18.0.1/24", "dev", self.aif)
        sh("ip", "-n", self.att, "link", "set", self.aif, "up")
        sh("ip", "-n", self.att, "link", "set", "lo", "up")
        # the attacker's kernel leaves TCP/UDP checksums to the NIC on a
        # veth; a raw socket on the other end would see them unfilled
        sh("ip", "netns", "exec", self.att, "ethtool", "-K", self.aif, "tx", "off")

    def close(self):
        sh("ip", "netns", "del", self.dec, check=False)
        sh("ip", "netns", "del", self.att, check=False)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def kernel_sent(self):
        """Packets the decoy namespace's own kernel sent (IP, TCP, ICMP)."""
        out = sh("ip", "netns", "exec", self.dec, "cat", "/proc/net/snmp").stdout
        rows = [ln.split() for ln in out.splitlines()]
        vals = {}
        for head, val in zip(rows[0::2], rows[1::2]):
            for k, v in zip(head[1:], val[1:]):
                vals[head[0] + k] = int(v)
        return vals["Ip:OutRequests"], vals["Tcp:OutSegs"], vals["Icmp:OutMsgs"]


class WanDaemon(Daemon):
    """A decoy run inside the decoy namespace with a `config wan` section."""

    def __init__(self, pair, wan, ifname=None, more=(), **kw):
        self.pair = pair
        lines = ["config wan 'wan'", "\toption ifname '%s'" % (ifname or pair.dif)]
        lines += ["\toption %s '%s'" % kv for kv in wan]
        super().__init__(persona="huawei-hg532", extra=lines + [""] + list(more), **kw)

    def start(self):
        env = dict(os.environ, **tt.SAN_ENV)
        self.errf = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.pair.dec, self.binary,
                                      "run", "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=self.errf, env=env)
        return self

    def wan_address(self, timeout=15.0):
        evs = self.wait_events(lambda e: by_id(e, "tanuki.wan.address") or
                               self.proc.poll() is not None, timeout)
        assert self.proc.poll() is None, self.stderr()
        return by_id(evs, "tanuki.wan.address")[-1]

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def login(host, port, user="root", password="admin"):
    c = Conn(port, host=host)
    c.read_until(b"Login:")
    c.send(user + "\r\n")
    c.read_until(b"Password:")
    c.send(password + "\r\n")
    return c


STATIC = [("proto", "static"), ("ipaddr", "198.18.0.2"), ("netmask", "255.255.255.0"),
          ("gateway", "198.18.0.1")]


def test_wan_static_telnet_login_kernel_silent():
    with Pair() as p:
        with WanDaemon(p, STATIC) as d:
            a = d.wan_address()
            assert (a["ipaddr"], a["proto"], a["gateway"]) == ("198.18.0.2", "static",
                                                              "198.18.0.1"), a
            port = d.port
            with in_netns(p.att):
                c = login("198.18.0.2", port, "root", "nope")
                c.read_until(b"Login incorrect")
                c.close()
                # a closed port answers with a RST, as the device's Linux does
                s = socket.socket()
                s.settimeout(3)
                try:
                    s.connect(("198.18.0.2", port + 1 if port < 65535 else 1))
                    raise AssertionError("closed port accepted")
                except ConnectionRefusedError:
                    pass
                finally:
                    s.close()
                # a closed UDP port answers ICMP port unreachable
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.settimeout(3)
                u.connect(("198.18.0.2", 9))
                u.send(b"x")
                try:
                    u.recv(10)
                    raise AssertionError("closed UDP port answered data")
                except ConnectionRefusedError:
                    pass
                finally:
                    u.close()
            evs = d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
            # the decoy namespace's kernel has no address on the WAN end …
            addrs = sh("ip", "-n", p.dec, "addr", "show", "dev", p.dif).stdout
            assert "inet" not in addrs, addrs
            # … and sent nothing: every answer came from lwIP
            assert p.kernel_sent() == (0, 0, 0), p.kernel_sent()
        evs = d.events()
        conn = by_id(evs, "cowrie.session.connect")[-1]
        assert (conn["src_ip"], conn["dst_ip"], conn["dst_port"]) == \
            ("198.18.0.1", "198.18.0.2", port), conn
        failed = by_id(evs, "cowrie.login.failed")[-1]
        assert (failed["username"], failed["password"]) == ("root", "nope"), failed


def test_wan_persona_ports_catch_all():
    """The HG532 persona's open ports (23, 80, 7547, 37215): those without a
    door take the first bytes, log them and close; any other port is closed
    (RST), as on the device."""
    with Pair() as p:
        with WanDaemon(p, STATIC) as d:
            d.wan_address()
            with in_netns(p.att):
                # 7547 (TR-069): a request, then quiet -> logged, closed (FIN)
                s = socket.create_connection(("198.18.0.2", 7547), 5)
                s.sendall(b"GET / HTTP/1.1\r\nHost: cwmp\r\n\r\n")
                s.settimeout(15)
                assert s.recv(100) == b""
                s.close()
                # 80: binary bytes, the peer closes first
                s = socket.create_connection(("198.18.0.2", 80), 5)
                s.sendall(b"\x00\x01 first bytes")
                s.shutdown(socket.SHUT_WR)
                s.settimeout(15)
                assert s.recv(100) == b""
                s.close()
                # 80: more than the catch-all keeps
                s = socket.create_connection(("198.18.0.2", 80), 5)
                s.sendall(b"A" * 600)
                s.settimeout(15)
                assert s.recv(100) == b""
                s.close()
                # ports the HG532 does not have: closed, whatever other
                # devices listen on
                for port in (8080, 34567, 554):
                    s = socket.socket()
                    s.settimeout(3)
                    try:
                        s.connect(("198.18.0.2", port))
                        raise AssertionError("port %d accepted" % port)
                    except ConnectionRefusedError:
                        pass
                    finally:
                        s.close()
            evs = d.wait_events(lambda e: len(by_id(e, "tanuki.wan.catch")) >= 3)
            assert p.kernel_sent() == (0, 0, 0), p.kernel_sent()
        catches = by_id(evs, "tanuki.wan.catch")
        assert all(c["src_ip"] == "198.18.0.1" and c["dst_ip"] == "198.18.0.2"
                   for c in catches), catches
        cwmp = [c for c in catches if c["dst_port"] == 7547]
        assert len(cwmp) == 1, catches
        assert cwmp[0]["data"] == "GET / HTTP/1.1\r\nHost: cwmp\r\n\r\n", cwmp
        assert cwmp[0]["end"] == "quiet" and cwmp[0]["bytes"] == 30, cwmp
        web = [c for c in catches if c["dst_port"] == 80]
        assert len(web) == 2, catches
        first = [c for c in web if c["end"] == "peer_closed"]
        assert len(first) == 1 and first[0]["bytes"] == 14, web
        assert first[0]["data"].endswith(" first bytes"), first
        full = [c for c in web if c["end"] == "full"]
        assert len(full) == 1 and full[0]["data"] == "A" * 512, web
        assert 512 <= full[0]["bytes"] <= 600, full


def test_wan_dhcp_from_dnsmasq():
    tmp = tempfile.mkdtemp(prefix="tanuki-wan-")
    leases = os.path.join(tmp, "leases")
    with Pair() as p:
        dns = subprocess.Popen(
            ["ip", "netns", "exec", p.att, "dnsmasq", "--no-daemon", "--conf-file=/dev/null",
             "--port=0", "--interface=" + p.aif, "--bind-interfaces", "--user=root",
             "--group=root", "--dhcp-range=198.18.0.50,198.18.0.59,255.255.255.0,1h",
             "--dhcp-option=3,198.18.0.1", "--dhcp-leasefile=" + leases,
             "--pid-file=" + os.path.join(tmp, "pid"), "--log-dhcp"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "dnsmasq.log"), "wb"))
        try:
            time.sleep(0.3)
            assert dns.poll() is None, open(os.path.join(tmp, "dnsmasq.log")).read()
            with WanDaemon(p, [("proto", "dhcp")]) as d:
                a = d.wan_address()
                ip = a["ipaddr"]
                assert re.match(r"198\.18\.0\.5\d$", ip), a
                assert (a["proto"], a["gateway"], a["netmask"]) == \
                    ("dhcp", "198.18.0.1", "255.255.255.0"), a
                # dnsmasq's lease names the persona's hostname (option 12)
                deadline = time.time() + 5
                while ip not in open(leases).read() and time.time() < deadline:
                    time.sleep(0.1)
                lease = open(leases).read()
                assert ip in lease and " HG532e " in lease, lease
                with in_netns(p.att):
                    c = login(ip, d.port, "admin", "admin")
                    c.close()
                d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
                assert "inet" not in sh("ip", "-n", p.dec, "addr", "show",
                                        "dev", p.dif).stdout
        finally:
            dns.terminate()
            dns.wait(10)
        evs = d.events()
        conn = by_id(evs, "cowrie.session.connect")[-1]
        assert (conn["src_ip"], conn["dst_ip"]) == ("198.18.0.1", ip), conn
        assert by_id(evs, "cowrie.login.failed") or by_id(evs, "cowrie.login.success")


def test_wan_syn_flood_bounded():
    with Pair() as p:
        # the real client comes from a second address of the attacker side
        sh("ip", "-n", p.att, "addr", "add", "198.18.0.3/24", "dev", p.aif)
        with WanDaemon(p, STATIC + [("scan_ms", "300")]) as d:
            d.wan_address()
            port = d.port
            with in_netns(p.att):
                login("198.18.0.2", port).close()  # warm up: the first session
            time.sleep(0.5)
            rss0 = d.rss_kb()
            # bounded floods from 198.18.0.1: 4000 SYNs to the open port and
            # 2000 over a range of closed ports, 100 us apart (~0.6 s)
            floods = [
                subprocess.Popen(["ip", "netns", "exec", p.att, "hping3", "-q", "-S",
                                  "-p", str(port), "-c", "4000", "-i", "u100",
                                  "198.18.0.2"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL),
                subprocess.Popen(["ip", "netns", "exec", p.att, "hping3", "-q", "-S",
                                  "-p", "++1000", "-c", "2000", "-i", "u100",
                                  "198.18.0.2"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL),
            ]
            time.sleep(0.2)
            # a real login from another source is served during the flood
            with in_netns(p.att):
                s = socket.create_connection(("198.18.0.2", port), 10,
                                             source_address=("198.18.0.3", 0))
            c = Conn.__new__(Conn)
            c.sock, c.buf, c.pos, c.timeout = s, b"", 0, 10.0
            s.settimeout(10)
            c.read_until(b"Login:")
            c.send("root\r\n")
            c.read_until(b"Password:")
            c.send("flood\r\n")
            c.read_until(b"Login incorrect")
            c.close()
            for f in floods:
                f.wait(60)
            time.sleep(0.5)
            assert d.proc.poll() is None, d.stderr()
            grew = d.rss_kb() - rss0
            # lwIP's pools are static: a flood may touch pages of them but
            # allocates nothing (4 MB covers ASan's bookkeeping)
            assert grew < 4096, (rss0, grew)
            evs = d.wait_events(lambda e: any(x.get("src_ip") == "198.18.0.3" and
                                              x["eventid"] == "cowrie.login.failed"
                                              for x in e))
            assert p.kernel_sent() == (0, 0, 0), p.kernel_sent()
            # the flood is in the scan picture: summarised per source
            evs = d.wait_events(lambda e: sum(x["syns"] for x in by_id(e, "tanuki.scan")
                                              if x["src_ip"] == "198.18.0.1") >= 5000)
        scans = [x for x in by_id(d.events(), "tanuki.scan") if x["src_ip"] == "198.18.0.1"]
        assert len(scans) < 100, len(scans)  # a summary per period, not per SYN
        assert any(x["ports_more"] > 0 and x["ports_open"] >= 1 for x in scans), scans
        assert d.proc.returncode == 0


def test_wan_scan_labels():
    with Pair() as p:
        with WanDaemon(p, STATIC + [("scan_ms", "200")]) as d:
            d.wan_address()
            # Mirai's scanner: seq = the destination address (198.18.0.2)
            seq = str((198 << 24) | (18 << 16) | 2)
            sh("ip", "netns", "exec", p.att, "hping3", "-q", "-S", "-p", "2323", "-M", seq,
               "-c", "3", "-i", "u10000", "198.18.0.2", check=False, timeout=30)
            # ZMap: IP ID 54321, from a second address of the attacker's side
            sh("ip", "-n", p.att, "addr", "add", "198.18.0.3/24", "dev", p.aif)
            sh("ip", "netns", "exec", p.att, "hping3", "-q", "-S", "-p", "++100", "-N", "54321",
               "-a", "198.18.0.3", "-c", "3", "-i", "u10000", "198.18.0.2",
               check=False, timeout=30)
            # an ordinary client (a third address) is counted but not labelled
            sh("ip", "-n", p.att, "addr", "add", "198.18.0.4/24", "dev", p.aif)
            with in_netns(p.att):
                socket.create_connection(("198.18.0.2", d.port), 10,
                                         source_address=("198.18.0.4", 0)).close()

            def labelled(evs):
                got = {(x["src_ip"], x["scanner"]) for x in by_id(evs, "tanuki.scan")}
                return {("198.18.0.1", "mirai"), ("198.18.0.3", "zmap"),
                        ("198.18.0.4", "")} <= got
            evs = d.wait_events(labelled)
        scans = by_id(evs, "tanuki.scan")
        mirai = [x for x in scans if x["scanner"] == "mirai"]
        assert mirai[0]["ports"] == [2323] and "seq" in mirai[0]["why"], mirai
        zmap = [x for x in scans if x["scanner"] == "zmap"]
        assert sum(x["syns"] for x in zmap) == 3 and "54321" in zmap[0]["why"], zmap
        assert sorted(set(sum((x["ports"] for x in zmap), []))) == [100, 101, 102], zmap


class SntpServer:
    """An SNTP server (RFC 4330) on 198.18.0.1:123 of the attacker namespace
    whose clock runs `ahead` seconds ahead of this machine's. It stays
    silent until answer is set (so the decoy's first events are stamped
    before it knows the time)."""

    NTP_UNIX = 2208988800

    def __init__(self, pair, ahead):
        self.ahead = ahead
        self.answer = threading.Event()
        self.stop = threading.Event()
        self.asked = 0
        with in_netns(pair.att):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind(("198.18.0.1", 123))
        self.sock.settimeout(0.2)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def ts(self, t):
        t += self.ahead + self.NTP_UNIX
        return struct.pack("!II", int(t) & 0xffffffff, int((t % 1) * 2 ** 32))

    def run(self):
        while not self.stop.is_set():
            try:
                req, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            self.asked += 1
            if len(req) < 48 or not self.answer.is_set():
                continue
            rx = self.ts(time.time())
            # LI 0, version 4, mode 4 (server), stratum 2; origin = the
            # client's transmit timestamp
            head = struct.pack("!BBbbII4s", 0x24, 2, 4, -20, 0, 0, b"\xc6\x12\x00\x09")
            self.sock.sendto(head + rx + req[40:48] + rx + self.ts(time.time()), peer)

    def close(self):
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


def test_wan_sntp_time():
    """`config time`: the decoy learns its time from an SNTP server over the
    WAN stack (a day ahead of this machine's); events before carry
    time_uncertain and the run's boot id, events after carry the served
    time, tanuki.time says so, `tanuki status` shows offset and source, and
    `tanuki export` corrects the uncertain events."""
    day = 86400
    with Pair() as p:
        srv = SntpServer(p, day)
        try:
            with WanDaemon(p, STATIC, more=["config time 'ntp'", "\tlist ntp '198.18.0.1'",
                                            "\toption retry_ms '300'"]) as d:
                d.wan_address()
                # the server is asked (and silent): a login now is stamped
                # by the kernel's clock, marked uncertain
                deadline = time.time() + 10
                while srv.asked < 2 and time.time() < deadline:
                    time.sleep(0.05)
                assert srv.asked >= 2, srv.asked
                with in_netns(p.att):
                    c = login("198.18.0.2", d.port, "root", "before")
                    c.read_until(b"Login incorrect")
                    c.close()
                evs = d.wait_events(lambda e: any(x.get("password") == "before"
                                                  for x in by_id(e, "cowrie.login.failed")))
                before = [x for x in by_id(evs, "cowrie.login.failed")][-1]
                assert before.get("time_uncertain") is True, before
                boot = before["boot"]
                assert re.match(r"[0-9a-f]{16}$", boot), before
                assert abs(tt_ts(before) - time.time()) < 60, before
                srv.answer.set()
                evs = d.wait_events(lambda e: by_id(e, "tanuki.time"), timeout=15)
                t = by_id(evs, "tanuki.time")[0]
                assert (t["source"], t["src_ip"], t["boot"]) == ("sntp", "198.18.0.1", boot), t
                assert abs(t["offset_us"] / 1e6 - day) < 5, t
                assert abs(t["step_us"] / 1e6 - day) < 5, t
                assert "time_uncertain" not in t, t
                assert abs(tt_ts(t) - (time.time() + day)) < 30, t
                with in_netns(p.att):
                    c = login("198.18.0.2", d.port, "root", "after")
                    c.read_until(b"Login incorrect")
                    c.close()
                evs = d.wait_events(lambda e: any(x.get("password") == "after"
                                                  for x in by_id(e, "cowrie.login.failed")))
                after = [x for x in by_id(evs, "cowrie.login.failed")][-1]
                assert "time_uncertain" not in after and "boot" not in after, after
                assert abs(tt_ts(after) - (time.time() + day)) < 30, after
                # the status file is written after a sync
                deadline = time.time() + 10
                while True:
                    st = sh(d.binary, "status", "--store", d.store, check=False,
                            env=dict(os.environ, **tt.SAN_ENV)).stdout
                    if "time_source: sntp" in st or time.time() > deadline:
                        break
                    time.sleep(0.2)
                assert "time_source: sntp" in st, st
                off = int(re.search(r"time_offset_s: (-?\d+)", st).group(1))
                assert abs(off - day) <= 5, st
                assert "time_uncertain" not in st, st
        finally:
            srv.close()
        # the export puts the uncertain events at their corrected time
        out = sh(d.binary, "export", "--store", d.store,
                 env=dict(os.environ, **tt.SAN_ENV)).stdout
        exp = [json.loads(ln) for ln in out.splitlines() if ln.strip()]
        b2 = [x for x in by_id(exp, "cowrie.login.failed") if x.get("password") == "before"]
        assert len(b2) == 1 and b2[0]["time_corrected_us"] == t["offset_us"], b2
        assert abs(tt_ts(b2[0]) - tt_ts(before) - t["offset_us"] / 1e6) < 0.01, b2
        a2 = [x for x in by_id(exp, "cowrie.login.failed") if x.get("password") == "after"]
        assert a2 and a2[0]["timestamp"] == after["timestamp"], a2


def ns_hub(ns, addr="127.0.0.1"):
    """A tanuki-hub run inside namespace ns, listening on addr (its
    127.0.0.1 unless told), its API read with curl from there too."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from test_hub import HUB, TOKEN, Hub

    class NsHub(Hub):
        def __init__(self):
            super().__init__()
            if addr != "127.0.0.1":
                with open(self.conf) as f:
                    conf = f.read().replace("option listen '127.0.0.1'",
                                            "option listen '%s'" % addr)
                with open(self.conf, "w") as f:
                    f.write(conf)

        def enroll(self, name):
            if addr == "127.0.0.1":
                return super().enroll(name)
            r = self.cmd("enroll", "-c", self.conf, name)
            assert r.returncode == 0, r.stderr
            pin = [ln for ln in r.stdout.splitlines() if "option pin" in ln][0].split("'")[1]
            return r.stdout.split()[1], pin

        def start(self):
            self.errf = open(self.errpath, "wb")
            self.proc = subprocess.Popen(["ip", "netns", "exec", ns, HUB, "run", "-c",
                                          self.conf], stdout=subprocess.DEVNULL,
                                         stderr=self.errf, env=dict(os.environ, **tt.SAN_ENV))
            deadline = time.time() + 20
            while "listening on" not in self.stderr():
                if self.proc.poll() is not None or time.time() > deadline:
                    raise AssertionError("hub did not start: %s" % self.stderr())
                time.sleep(0.05)
            self.pin = self.stderr().split(" pin ")[1].split()[0]
            return self

        def api(self, path):
            r = sh("ip", "netns", "exec", ns, "curl", "-sS", "-k", "--max-time", "20",
                   "--pinnedpubkey", "sha256//" + self.pin.split("/", 1)[1],
                   "-H", "Authorization: Bearer " + TOKEN,
                   "https://%s:%d%s" % (addr, self.port, path), timeout=60)
            return json.loads(r.stdout)

    return NsHub()


def test_wan_time_hub_crosscheck():
    """The hub's Date (over the pinned TLS) is the check on SNTP: with the
    SNTP server silent the hub's answers set the time (source hub); an SNTP
    answer a day away from it is then refused; status keeps source hub."""
    from test_uplink import uplink_lines

    day = 86400
    with Pair() as p:
        sh("ip", "-n", p.dec, "link", "set", "lo", "up")
        srv = SntpServer(p, day)
        try:
            with ns_hub(p.dec) as hub:
                secret, pin = hub.enroll("decoy-w1")
                more = ["config time 'ntp'", "\tlist ntp '198.18.0.1'",
                        "\toption retry_ms '300'", ""]
                more += uplink_lines(hub, secret, pin, device="decoy-w1")
                with WanDaemon(p, STATIC, more=more) as d:
                    d.wan_address()
                    evs = d.wait_events(lambda e: by_id(e, "tanuki.time"), timeout=20)
                    t = by_id(evs, "tanuki.time")[0]
                    assert t["source"] == "hub" and "note" not in t, t
                    # the kernel's clock is this machine's: the hub agrees
                    assert abs(t["offset_us"]) < 3e6, t
                    # now the SNTP server answers, a day off: refused
                    srv.answer.set()
                    evs = d.wait_events(lambda e: by_id(e, "tanuki.time.refused"), timeout=15)
                    r = by_id(evs, "tanuki.time.refused")[0]
                    assert (r["source"], r["src_ip"]) == ("sntp", "198.18.0.1"), r
                    assert abs(r["diff_us"] / 1e6 - day) < 10, r
                    assert len(by_id(evs, "tanuki.time")) == 1, by_id(evs, "tanuki.time")
                    assert abs(tt_ts(r) - time.time()) < 30, r
                    deadline = time.time() + 10
                    while True:
                        st = sh(d.binary, "status", "--store", d.store, check=False,
                                env=dict(os.environ, **tt.SAN_ENV)).stdout
                        if "time_source: hub" in st or time.time() > deadline:
                            break
                        time.sleep(0.2)
                    assert "time_source: hub" in st, st
                    assert "hub acked seq" in st, st
        finally:
            srv.close()
    # SNTP first (a day ahead), then the hub: its 401 "timestamp outside
    # window" carries its Date, which overrides SNTP; the retry is acked
    with Pair() as p:
        sh("ip", "-n", p.dec, "link", "set", "lo", "up")
        srv = SntpServer(p, day)
        srv.answer.set()
        try:
            with ns_hub(p.dec) as hub:
                secret, pin = hub.enroll("decoy-w2")
                more = ["config time 'ntp'", "\tlist ntp '198.18.0.1'",
                        "\toption retry_ms '300'", ""]
                more += uplink_lines(hub, secret, pin, device="decoy-w2", interval_ms=3000)
                with WanDaemon(p, STATIC, more=more) as d:
                    d.wan_address()
                    evs = d.wait_events(lambda e: len(by_id(e, "tanuki.time")) >= 2,
                                        timeout=30)
                    t = by_id(evs, "tanuki.time")
                    assert [x["source"] for x in t[:2]] == ["sntp", "hub"], t
                    assert abs(t[0]["step_us"] / 1e6 - day) < 5, t
                    assert abs(t[1]["step_us"] / 1e6 + day) < 5, t
                    assert "differed" in t[1]["note"], t
                    assert abs(tt_ts(t[1]) - time.time()) < 30, t
                    deadline = time.time() + 20
                    while True:
                        st = sh(d.binary, "status", "--store", d.store, check=False,
                                env=dict(os.environ, **tt.SAN_ENV)).stdout
                        if ("time_source: hub" in st and "hub acked seq" in st and
                                "hub acked seq 0" not in st) or time.time() > deadline:
                            break
                        time.sleep(0.2)
                    assert "time_source: hub" in st and "hub acked seq" in st, st
                    assert "hub acked seq 0" not in st, st
                    fails = by_id(d.events(), "tanuki.uplink.failed")
                    assert fails and "outside window" in fails[0].get("detail", ""), fails
        finally:
            srv.close()


def tt_ts(ev):
    """An event's timestamp as unix seconds."""
    import datetime
    return datetime.datetime.strptime(ev["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def test_wan_tap_device():
    """`option tap '1'`: the decoy creates the TAP; its kernel side is the
    peer (198.18.1.1 in the decoy's own namespace)."""
    with Pair() as p:
        tap = "tt" + p.dec[3:]
        with WanDaemon(p, [("tap", "1"), ("proto", "static"), ("ipaddr", "198.18.1.2"),
                           ("netmask", "255.255.255.0")], ifname=tap) as d:
            ifname = None
            deadline = time.time() + 10
            while time.time() < deadline:
                if d.proc.poll() is not None:
                    raise AssertionError(d.stderr())
                r = sh("ip", "-n", p.dec, "link", "show", tap, check=False)
                if r.returncode == 0:
                    ifname = tap
                    break
                time.sleep(0.1)
            assert ifname, "the TAP never appeared"
            sh("ip", "-n", p.dec, "addr", "add", "198.18.1.1/24", "dev", tap)
            sh("ip", "-n", p.dec, "link", "set", tap, "up")
            with in_netns(p.dec):
                c = login("198.18.1.2", d.port, "root", "tap")
                c.read_until(b"Login incorrect")
                c.close()
            d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
        conn = by_id(d.events(), "cowrie.session.connect")[-1]
        assert (conn["src_ip"], conn["dst_ip"]) == ("198.18.1.1", "198.18.1.2"), conn


def test_wan_config_errors_name_the_line():
    cases = [
        ([("proto", "l2tp")], "unknown proto: l2tp"),
        ([("proto", "static"), ("netmask", "255.255.255.0")], "needs option: ipaddr"),
        ([("proto", "static"), ("ipaddr", "198.18.0.2"), ("netmask", "255.0.255.0")],
         "not a netmask"),
        ([("proto", "dhcp"), ("ipaddr", "198.18.0.2")], "for proto static"),
        ([("proto", "static"), ("ipaddr", "198.18.0.300"), ("netmask", "255.255.255.0")],
         "not an IPv4 address"),
        ([("mtu", "1500")], "unknown option"),
    ]
    for wan, what in cases:
        lines = ["config wan 'wan'", "\toption ifname 'eth9'"]
        lines += ["\toption %s '%s'" % kv for kv in wan]
        d = Daemon(extra=lines)
        p = subprocess.run([tt.BINARY, "check", "-c", d.conf], capture_output=True,
                           text=True, env=dict(os.environ, **tt.SAN_ENV))
        out = (p.stdout + p.stderr).strip().splitlines()
        assert p.returncode == 2 and len(out) == 1 and what in out[0], (wan, p.returncode, out)
        assert out[0].startswith(d.conf + ":"), out
    # a missing interface is refused at start with the name
    d = Daemon(extra=["config wan 'wan'", "\toption ifname 'tknosuch0'"])
    p = subprocess.run([tt.BINARY, "run", "-c", d.conf], capture_output=True, text=True,
                       env=dict(os.environ, **tt.SAN_ENV), timeout=30)
    assert p.returncode == 2 and "tknosuch0" in p.stderr, (p.returncode, p.stderr)


def test_wan_time_config_errors():
    wan = ["config wan 'wan'", "\toption ifname 'eth9'", ""]
    cases = [
        (["config time 'ntp'", "\tlist ntp '198.18.0.1'"], "needs `config wan`"),
        (wan + ["config time 'ntp'", "\tlist ntp 'pool.ntp.org'"],
         "ntp is not an IPv4 address: pool.ntp.org"),
        (wan + ["config time 'ntp'"] + ["\tlist ntp '198.18.0.%d'" % i for i in range(1, 6)],
         "too many ntp servers"),
        (wan + ["config time 'ntp'", "\tlist ntp '198.18.0.1'", "\toption interval_s '1'"],
         "interval_s"),
        (wan + ["config time 'a'", "\tlist ntp '198.18.0.1'", "config time 'b'"],
         "second `config time`"),
    ]
    for lines, what in cases:
        d = Daemon(extra=lines)
        p = subprocess.run([tt.BINARY, "check", "-c", d.conf], capture_output=True,
                           text=True, env=dict(os.environ, **tt.SAN_ENV))
        out = (p.stdout + p.stderr).strip().splitlines()
        assert p.returncode == 2 and len(out) == 1 and what in out[0], (lines, p.returncode, out)
        assert out[0].startswith(d.conf + ":"), out


def test_wan_scan_picture_in_summary_and_status():
    """SYNs from three scanners of the attacker namespace (hping3 shaped as
    Mirai: seq = destination; ZMap: IP ID 54321; masscan: IP ID =
    destination ^ port ^ seq) reach the hub in the uplink's summaries (SYNs
    per port, per source, per label and source) and `tanuki status`."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from test_uplink import uplink_lines
    dst = (198 << 24) | (18 << 16) | 2
    mseq = 0x12345678
    mid = (dst ^ 8080 ^ mseq) & 0xffff
    with Pair() as p:
        sh("ip", "-n", p.dec, "link", "set", "lo", "up")
        for a in ("198.18.0.3", "198.18.0.4"):
            sh("ip", "-n", p.att, "addr", "add", a + "/24", "dev", p.aif)
        with ns_hub(p.dec) as hub:
            secret, pin = hub.enroll("decoy-s1")
            more = uplink_lines(hub, secret, pin, device="decoy-s1", interval_ms=500)
            with WanDaemon(p, STATIC + [("scan_ms", "300")], more=more,
                           main={"sync_ms": "50"}) as d:
                d.wan_address()
                hp = ["ip", "netns", "exec", p.att, "hping3", "-q", "-S", "-c", "3",
                      "-i", "u10000"]
                sh(*hp, "-p", "2323", "-M", str(dst), "198.18.0.2", check=False, timeout=30)
                sh(*hp, "-p", "23", "-N", "54321", "-a", "198.18.0.3", "198.18.0.2",
                   check=False, timeout=30)
                sh(*hp, "-p", "8080", "-M", str(mseq), "-N", str(mid), "-a", "198.18.0.4",
                   "198.18.0.2", check=False, timeout=30)

                def syns(evs, label):
                    return sum(x["by_port"].get(port, 0) for x in by_id(evs, "tanuki.scan")
                               if x["scanner"] == label
                               for port in x["by_port"])

                evs = d.wait_events(lambda e: all(syns(e, k) == 3 for k in
                                                  ("mirai", "zmap", "masscan")))
                masscan = [x for x in by_id(evs, "tanuki.scan") if x["scanner"] == "masscan"]
                assert all(x["src_ip"] == "198.18.0.4" and x["ports"] == [8080] and
                           "destination address ^ port ^ seq" in x["why"]
                           for x in masscan), masscan
                # the hub's totals carry the scan picture
                want_port = {"2323": 3, "23": 3, "8080": 3}
                want_src = {"198.18.0.1": 3, "198.18.0.3": 3, "198.18.0.4": 3}
                want_lab = {"mirai 198.18.0.1": 3, "zmap 198.18.0.3": 3,
                            "masscan 198.18.0.4": 3}
                deadline = time.time() + 30
                while True:
                    tot = hub.api("/v1/totals")
                    if (tot.get("by_syn_port") == want_port and
                            tot.get("by_syn_src") == want_src and
                            tot.get("by_scanner") == want_lab) or time.time() > deadline:
                        break
                    time.sleep(0.3)
                assert tot["by_syn_port"] == want_port, tot
                assert tot["by_syn_src"] == want_src, tot
                assert tot["by_scanner"] == want_lab, tot
                # and tanuki status, from the running daemon's status file
                deadline = time.time() + 10
                while True:
                    st = sh(d.binary, "status", "--store", d.store, check=False,
                            env=dict(os.environ, **tt.SAN_ENV)).stdout
                    if "scan_syns: 9" in st or time.time() > deadline:
                        break
                    time.sleep(0.2)
                # (a source counts once per period it sent SYNs in)
                assert "scan_syns: 9" in st, st
                assert int(re.search(r"scan_sources: (\d+)", st).group(1)) >= 3, st
                ports = re.search(r"scan_ports: (.*)", st).group(1).split()
                assert sorted(ports) == sorted(["2323:3", "23:3", "8080:3"]), st
                lab = re.search(r"scan_scanners: (.*)", st).group(1)
                assert sorted(lab.split(", ")) == sorted(want_lab), st
