#!/usr/bin/env python3
"""make bench, WAN part (issue 17) — the decoy's lwIP side (host build) in
two network namespaces joined by a veth (tests/integration/test_wan.py's
Pair; root): Ethernet frames written by a packet socket of the attacker
namespace straight onto the veth, every address in 198.18.0.0/15 and every
packet kept inside the namespaces (the decoy's SYN-ACKs to the spoofed
198.19.x.y sources go to the attacker namespace's kernel, which does not
forward them).

Figures:
- SYNs per second absorbed: SYNs from 2 000 sources over closed and open
  ports offered at 5 000 to 80 000 a second for a second each (bounded by
  count and 3 s); the most SYNs the decoy counted (its status file's
  scan_syns) per second of offering, and the share counted at each rate
  (what is not counted was dropped in the packet socket's queue).
- 10 000 half-open connections: 10 000 SYNs to the open telnet port, one
  per source; the decoy's RSS before and after, how many SYN-ACKs it sent
  (past the backlog, SYN cookies: net/syncookie.c) and at what rate the
  cookie SYN-ACKs left (the status file's wan_cookies_sent over the time
  from the first SYN until it stops growing), and how long a real client's
  new connection takes to be served right after the flood (from a cookie:
  wan_cookies_accepted).
"""
import argparse
import os
import socket
import struct
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
import tanuki_test as tt  # noqa: E402
import test_wan as tw  # noqa: E402

DECOY = "198.18.0.2"


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def syn_frame(dmac, smac, src, dst, sport, dport, seq):
    sip, dip = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 0x60, 0x02, 64240, 0, 0)
    tcp += b"\x02\x04\x05\xb4"  # MSS 1460
    c = csum(sip + dip + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), seq & 0xffff, 0, 64, 6, 0,
                     sip, dip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dmac + smac + b"\x08\x00" + ip + tcp


def src_of(i):
    # 198.19.0.0/16: inside the benchmark range, behind the decoy's gateway
    return "198.19.%d.%d" % ((i >> 8) & 0xff, (i & 0xff) or 1)


def mac_of(ns, ifname):
    out = tw.sh("ip", "-n", ns, "-o", "link", "show", ifname).stdout
    return bytes.fromhex(out.split("link/ether ")[1].split()[0].replace(":", ""))


def decoy_mac(pair):
    for line in tw.sh("ip", "-n", pair.att, "neigh", "show", DECOY).stdout.splitlines():
        if "lladdr" in line:
            return bytes.fromhex(line.split("lladdr ")[1].split()[0].replace(":", ""))
    raise AssertionError("no ARP entry for the decoy")


def counted(d, key="scan_syns"):
    """A counter of the decoy since start (its status file's scan_syns by
    default, written after each sync: sealed segments need no reading)."""
    import json
    try:
        with open(os.path.join(d.store, "status")) as f:
            return json.load(f).get(key, 0)
    except (OSError, ValueError):
        return 0


def run(build, results):
    binary = os.path.join(build, "host", "tanuki")
    with tw.Pair() as p:
        with tw.WanDaemon(p, tw.STATIC + [("scan_ms", "200")], binary=binary,
                          main={"max_sessions": "256", "quota_kb": "65536",
                                "sync_ms": "100"}) as d:
            d.wan_address()
            with tw.in_netns(p.att):
                tw.login(DECOY, d.port, "root", "warm").close()  # ARP both ways
                tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                tx.bind((p.aif, 0))
                rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
                rx.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE: every SYN-ACK
                rx.bind((p.aif, 0))
                rx.setblocking(False)
            dmac, smac = decoy_mac(p), mac_of(p.att, p.aif)
            time.sleep(0.5)

            # 1. SYNs per second absorbed: offered at rising rates for 1 s
            # each; the highest rate the decoy counted (nearly) all of
            frames = [syn_frame(dmac, smac, src_of(1 + i % 2000), DECOY, 1024 + i % 50000,
                                d.port if i % 4 == 0 else 1 + (i * 7) % 60000,
                                i * 2654435761 & 0xffffffff) for i in range(80000)]
            best, table = 0, []
            for rate in (5000, 10000, 20000, 40000, 80000):
                before = counted(d)
                sent, t0 = 0, time.time()
                while sent < rate and time.time() - t0 < 3:
                    # in batches of 100, paced to the rate
                    for f in frames[sent:sent + 100]:
                        try:
                            tx.send(f)
                        except OSError:
                            pass  # a full queue drops the frame, as a NIC would
                    sent += 100
                    ahead = sent / rate - (time.time() - t0)
                    if ahead > 0:
                        time.sleep(ahead)
                took = time.time() - t0
                last, still = -1, 0
                deadline = time.time() + 10
                while time.time() < deadline and still < 2:
                    time.sleep(0.4)
                    c = counted(d) - before
                    still = still + 1 if c == last else 0
                    last = c
                table.append("%d/s offered: %d%%" % (sent / took, 100 * last // sent))
                best = max(best, last / took)
            results.append(("WAN SYNs absorbed per second", "%.0f/s" % best,
                            "the most counted (scan_syns) per second of offering, 2000 "
                            "sources; share counted: " + ", ".join(table)))
            time.sleep(21)  # lwIP's half-open connections expire (SYN_RCVD, 20 s)

            # 2. 10 000 half-open connections, one per source, to the open port
            while True:
                try:
                    rx.recv(2048)
                except BlockingIOError:
                    break
            rss0 = tw.WanDaemon.rss_kb(d)
            cookies0 = counted(d, "wan_cookies_sent")
            accepted0 = counted(d, "wan_cookies_accepted")
            frames = [syn_frame(dmac, smac, src_of(2 + i), DECOY, 40000 + i % 20000, d.port,
                                (i * 40503 + 7) & 0xffffffff) for i in range(10000)]
            # offered at 20 000/s (in batches of 100, paced), a rate the
            # packet socket queue of the decoy does not overflow at (above)
            t0, sent = time.time(), 0
            while sent < len(frames) and time.time() - t0 < 10:
                for f in frames[sent:sent + 100]:
                    try:
                        tx.send(f)
                    except OSError:
                        pass
                sent += 100
                ahead = sent / 20000 - (time.time() - t0)
                if ahead > 0:
                    time.sleep(ahead)
            offered = sent / (time.time() - t0)
            # a real client from the attacker's own address, right after
            # the flood: how long until it is served (the backlog is full of
            # spoofed half-open connections for 20 s: it comes in from a
            # SYN cookie; docs/wan.md)
            served = None
            t1 = time.time()
            while served is None and time.time() - t1 < 40:
                try:
                    with tw.in_netns(p.att):
                        c = tt.Conn(d.port, host=DECOY, timeout=3.0)
                    c.read_until(b"Login:")
                    c.close()
                    served = time.time() - t1
                except (OSError, AssertionError):
                    pass
            # the cookie SYN-ACKs: how many, until the count stops growing
            last, t_last, still = counted(d, "wan_cookies_sent"), time.time(), 0
            while still < 5 and time.time() - t0 < 30:
                time.sleep(0.1)
                n = counted(d, "wan_cookies_sent")
                if n != last:
                    last, t_last, still = n, time.time(), 0
                else:
                    still += 1
            cookies = last - cookies0
            via_cookie = counted(d, "wan_cookies_accepted") - accepted0
            synacks = 0
            while True:
                try:
                    fr = rx.recv(2048)
                except BlockingIOError:
                    break
                if len(fr) >= 54 and fr[23] == 6 and fr[26:30] == socket.inet_aton(DECOY) \
                        and fr[47] & 0x12 == 0x12:
                    synacks += 1
            rss1 = tw.WanDaemon.rss_kb(d)
            tx.close()
            rx.close()
            results.append(("WAN RSS before/after 10000 half-open SYNs",
                            "%+d KB" % (rss1 - rss0),
                            "%d KB -> %d KB; %d SYN-ACKs, %d of them with a cookie (the "
                            "rest: the backlog's half-open connections)" % (rss0, rss1, synacks, cookies)))
            results.append(("WAN cookie SYN-ACKs per second",
                            "%.0f/s" % (cookies / max(t_last - t0, 0.1)),
                            "%d cookies in %.2f s, from the first of 10000 spoofed SYNs "
                            "offered at %.0f/s" % (cookies, t_last - t0, offered)))
            results.append(("WAN login served after 10000 spoofed SYNs",
                            "%.0f ms" % (served * 1000) if served is not None else
                            "not in 40 s",
                            "a real client's new connection right after the flood, to the "
                            "Login: prompt; %d connection(s) from a SYN cookie (was ~18 s "
                            "without cookies)" % via_cookie))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("bench_wan: needs root (network namespaces); skipped")
        return
    results = []
    run(os.path.abspath(a.build), results)
    print()
    for k, v, note in results:
        print("%-48s %14s   %s" % (k, v, note))


if __name__ == "__main__":
    main()
