"""SYN cookies on the WAN side (issue 17: "a SYN flood and 10,000 half-open
connections from the attacker namespace: bounded memory, a real login still
served"), in the namespaces of test_wan.py's Pair (root).

A packet socket of the attacker namespace writes 10,000 SYNs from 2,500
spoofed sources in 198.19.0.0/16 (inside 198.18.0.0/15; the decoy's answers
go to its gateway, the attacker namespace's kernel, which forwards nothing)
to the telnet port: the backlog and the half-open pool fill and stay full
for lwIP's 20 s SYN_RCVD timeout. Then:
- a real telnet login from the attacker namespace's kernel is served: its
  connection was completed from a SYN cookie (the status file's
  wan_cookies_accepted), so it did not wait for half-open connections to
  expire;
- a spoofed source completes a cookie handshake by hand: a session with
  its address;
- forged ACKs with wrong cookies get RSTs (seen on the wire) and make
  nothing (no session, wan_cookies_bad counts them);
- the daemon's RSS stays flat, the decoy namespace's kernel sent nothing.
"""
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tanuki_test import by_id  # noqa: E402
from test_wan import STATIC, Pair, WanDaemon, in_netns, login, sh  # noqa: E402

DECOY = "198.18.0.2"


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp_frame(dmac, smac, src, sport, dport, seq, ack, flags, mss=True):
    sip, dip = socket.inet_aton(src), socket.inet_aton(DECOY)
    opts = b"\x02\x04\x05\xb4" if mss else b""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (20 + len(opts)) << 2, flags,
                      64240, 0, 0) + opts
    c = csum(sip + dip + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), seq & 0xffff, 0, 64, 6, 0,
                     sip, dip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dmac + smac + b"\x08\x00" + ip + tcp


def spoofed(i):
    # 198.19.0.0/16: inside the benchmark range, behind the decoy's gateway
    return "198.19.%d.%d" % ((i >> 8) & 0xff, (i & 0xff) or 1)


def mac(ns, ifname):
    out = sh("ip", "-n", ns, "-o", "link", "show", ifname).stdout
    return bytes.fromhex(out.split("link/ether ")[1].split()[0].replace(":", ""))


def neigh_mac(ns, ip):
    for line in sh("ip", "-n", ns, "neigh", "show", ip).stdout.splitlines():
        if "lladdr" in line:
            return bytes.fromhex(line.split("lladdr ")[1].split()[0].replace(":", ""))
    raise AssertionError("no ARP entry for " + ip)


def status(d):
    try:
        with open(os.path.join(d.store, "status")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def wait_status(d, cond, timeout=20.0):
    deadline = time.time() + timeout
    st = status(d)
    while not cond(st) and time.time() < deadline:
        time.sleep(0.1)
        st = status(d)
    return st


def from_decoy(rx, want):
    """TCP segments from the decoy seen by rx until want() is satisfied or
    3 s of quiet: (dst ip, dst port, seq, ack, flags)."""
    got, quiet = [], time.time() + 3
    while time.time() < quiet and not want(got):
        try:
            fr = rx.recv(2048)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        if len(fr) >= 54 and fr[12:14] == b"\x08\x00" and fr[23] == 6 and \
                fr[26:30] == socket.inet_aton(DECOY):
            ihl = (fr[14] & 15) * 4
            t = fr[14 + ihl:]
            dport, seq, ack = struct.unpack("!HII", t[2:12])
            got.append((socket.inet_ntoa(fr[30:34]), dport, seq, ack, t[13]))
            quiet = time.time() + 3
    return got


def drain(rx):
    while True:
        try:
            rx.recv(2048)
        except BlockingIOError:
            return


def test_wan_synflood_cookies():
    with Pair() as p:
        with WanDaemon(p, STATIC + [("scan_ms", "1000")],
                       main={"max_sessions": "64", "sync_ms": "100"}) as d:
            d.wan_address()
            port = d.port
            with in_netns(p.att):
                login(DECOY, port, "root", "warm").close()  # ARP both ways
                tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                tx.bind((p.aif, 0))
                rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
                rx.bind((p.aif, 0))
                rx.setblocking(False)
            dmac, smac = neigh_mac(p.att, DECOY), mac(p.att, p.aif)
            time.sleep(0.5)
            rss0 = d.rss_kb()
            st0 = wait_status(d, lambda s: "wan_cookies_sent" in s)
            assert st0.get("wan_cookies_sent") == 0, st0

            # 10,000 SYNs, 4 from each of 2,500 spoofed sources (bounded:
            # count, and 10 s)
            t0 = time.time()
            for i in range(10000):
                f = tcp_frame(dmac, smac, spoofed(2 + i % 2500), 1024 + i // 2500, port,
                              (i * 2654435761) & 0xffffffff, 0, 0x02)
                try:
                    tx.send(f)
                except OSError:
                    pass  # a full queue drops it, as a NIC would
                if i % 500 == 499:
                    time.sleep(0.02)
                if time.time() - t0 > 10:
                    break
            # the backlog is full: later SYNs got cookies
            st = wait_status(d, lambda s: s.get("wan_cookies_sent", 0) > 0)
            assert st.get("wan_cookies_sent", 0) > 0, st
            assert st.get("wan_cookies_accepted") == 0, st

            # a real login from the attacker namespace's kernel, now
            with in_netns(p.att):
                c = login(DECOY, port, "admin", "admin")
            c.read_until(b"ATP>")
            c.close()
            # its connection came from a cookie: it did not wait for the
            # spoofed half-open connections to expire
            st = wait_status(d, lambda s: s.get("wan_cookies_accepted", 0) >= 1)
            assert st.get("wan_cookies_accepted") == 1, st

            # a spoofed source completes a cookie handshake by hand
            drain(rx)
            me = "198.19.250.7"
            tx.send(tcp_frame(dmac, smac, me, 5555, port, 1000, 0, 0x02))
            got = from_decoy(rx, lambda g: any(x[0] == me for x in g))
            synack = [x for x in got if x[0] == me and x[4] & 0x12 == 0x12]
            assert synack and synack[0][3] == 1001, got
            cookie = synack[0][2]
            tx.send(tcp_frame(dmac, smac, me, 5555, port, 1001, cookie + 1, 0x10, False))
            st = wait_status(d, lambda s: s.get("wan_cookies_accepted", 0) >= 2)
            assert st.get("wan_cookies_accepted") == 2, st
            d.wait_events(lambda e: any(x.get("src_ip") == me
                                        for x in by_id(e, "cowrie.session.connect")))

            # forged ACKs with wrong cookies: a RST each, nothing made
            bad0 = st.get("wan_cookies_bad", 0)
            drain(rx)
            forged = ["198.19.251.%d" % (1 + i) for i in range(100)]
            for i, src in enumerate(forged):
                tx.send(tcp_frame(dmac, smac, src, 6000 + i, port, 777 + i,
                                  (cookie ^ 0x5a5a5a00) + i, 0x10, False))
                time.sleep(0.002)
            got = from_decoy(rx, lambda g: sum(1 for x in g if x[0] in forged) >= len(forged))
            rsts = [x for x in got if x[0] in forged]
            assert len(rsts) >= len(forged) // 2, got
            assert all(x[4] & 0x04 for x in rsts), rsts
            st = wait_status(d, lambda s: s.get("wan_cookies_bad", 0) >= bad0 + len(rsts))
            assert st.get("wan_cookies_bad", 0) >= bad0 + len(rsts), st
            assert st.get("wan_cookies_accepted") == 2, st
            tx.close()
            rx.close()

            assert d.proc.poll() is None, d.stderr()
            # lwIP's pools are static; the cookies keep nothing (4 MB
            # covers ASan's bookkeeping)
            grew = d.rss_kb() - rss0
            assert grew < 4096, (rss0, grew)
            assert p.kernel_sent() == (0, 0, 0), p.kernel_sent()
            # and tanuki status shows the counters
            out = sh(d.binary, "status", "--store", d.store, check=False).stdout
            assert "wan_cookies_accepted" in out and "wan_cookies_sent" in out, out
        evs = d.events()
        srcs = {x["src_ip"] for x in by_id(evs, "cowrie.session.connect")}
        assert "198.18.0.1" in srcs and me in srcs, srcs
        assert not srcs & set(forged), srcs & set(forged)
        ok = [x for x in by_id(evs, "cowrie.login.success") if x["src_ip"] == "198.18.0.1"]
        assert ok, by_id(evs, "cowrie.login.success")
        assert d.proc.returncode == 0
