"""`proto pppoe` on the WAN side (issue 17) against a real PPPoE server.

The server is Debian's pppoe-server with pppd (tests/lib/pppoe_vm.py: in a
KVM guest, because this machine's kernel has no PPP driver). Topology, all
in namespaces this test makes, addresses from 198.18.0.0/15:

  decoy ns: veth end, no kernel address, the decoy's lwIP (AF_PACKET)
  peer ns:  veth end + TAP `wan` bridged (no address) -> the guest's eth0,
            where pppoe-server answers discovery and pppd hands out
            198.18.1.10 (its end 198.18.1.1, DNS 198.18.1.53/54);
            TAP `lan` 198.18.2.1/24 -> the guest's eth1 (198.18.2.2),
            route 198.18.1.0/24 via the guest: the attacker's path
            to the decoy runs over the PPP link.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tanuki_test as tt  # noqa: E402
from pppoe_vm import PppoeServer  # noqa: E402
from tanuki_test import Daemon, by_id  # noqa: E402
from test_wan import Pair, WanDaemon, in_netns, login, sh  # noqa: E402

USER, SECRET = "tanuki", "s3cret"
POOL = re.compile(r"198\.18\.1\.1[01]$")  # pppoe-server -R 198.18.1.10 -N 2


def ppp_topology(p):
    """The peer side of the PPPoE link (see the module's comment)."""
    tag = p.att[3:]
    wan, lan, br = "tw" + tag, "tl" + tag, "tb" + tag
    sh("ip", "-n", p.att, "addr", "flush", "dev", p.aif)
    sh("ip", "-n", p.att, "tuntap", "add", wan, "mode", "tap")
    sh("ip", "-n", p.att, "tuntap", "add", lan, "mode", "tap")
    sh("ip", "-n", p.att, "link", "add", br, "type", "bridge")
    for dev in (p.aif, wan):
        sh("ip", "-n", p.att, "link", "set", dev, "master", br)
    for dev in (wan, lan, br):
        sh("ip", "-n", p.att, "link", "set", dev, "up")
    sh("ip", "-n", p.att, "addr", "add", "198.18.2.1/24", "dev", lan)
    sh("ip", "-n", p.att, "route", "add", "198.18.1.0/24", "via", "198.18.2.2")
    return wan, lan


def ppp_events(d, **match):
    return [e for e in by_id(d.events(), "tanuki.wan.ppp")
            if all(e.get(k) == v for k, v in match.items())]


def wait_ppp(d, n, timeout=90.0, srv=None, **match):
    """Waits for the n-th tanuki.wan.ppp event matching."""
    try:
        d.wait_events(lambda e: len([x for x in by_id(e, "tanuki.wan.ppp")
                                     if all(x.get(k) == v for k, v in match.items())]) >= n or
                      d.proc.poll() is not None, timeout)
    except AssertionError:
        raise AssertionError("no tanuki.wan.ppp #%d %r in %r\n--- pppd:\n%s" % (
            n, match, [(x["state"], x.get("error"), x.get("retry_s"), x["timestamp"][11:])
                       for x in by_id(d.events(), "tanuki.wan.ppp")],
            (srv.pppd_log()[-1500:] + srv.run("cat /mnt/server.out; ps ax | grep ppp")[1])
            if srv else ""))
    assert d.proc.poll() is None, d.stderr()
    got = ppp_events(d, **match)
    assert len(got) >= n, (match, by_id(d.events(), "tanuki.wan.ppp"))
    return got[n - 1]


def attack_login(d, ip, password):
    with in_netns(d.pair.att):
        c = login(ip, d.port, "root", password)
        c.read_until(b"Login incorrect")
        c.close()


def test_wan_pppoe_real_server():
    with Pair() as p:
        wan, lan = ppp_topology(p)
        srv = PppoeServer(p.att, wan, lan, auth="chap", user=USER, secret=SECRET)
        try:
            srv.start()
            with WanDaemon(p, [("proto", "pppoe"), ("username", USER), ("password", SECRET),
                               ("service", ""), ("keepalive", "2 1"),
                               ("scan_ms", "500")]) as d:
                # 1. CHAP: discovery, LCP, CHAP-MD5, IPCP with the DNS servers
                up = wait_ppp(d, 1, state="up", srv=srv)
                assert (up["auth"], up["ipaddr"], up["peer"]) == \
                    ("chap", "198.18.1.10", "198.18.1.1"), up
                a = d.wan_address()
                assert (a["proto"], a["ipaddr"], a["gateway"], a["netmask"]) == \
                    ("pppoe", "198.18.1.10", "198.18.1.1", "255.255.255.255"), a
                assert a["dns"] == ["198.18.1.53", "198.18.1.54"], a
                log = srv.pppd_log()
                assert 'name = "%s"]' % USER in log and "sent [CHAP Success" in log, log
                # the attacker's login reaches the decoy over the PPP link
                attack_login(d, "198.18.1.10", "chap-link")
                d.wait_events(lambda e: any(x.get("password") == "chap-link"
                                            for x in by_id(e, "cowrie.login.failed")))
                # the attacker's SYN, inside PPPoE session frames, is in
                # the scan picture
                d.wait_events(lambda e: any(x["src_ip"] == "198.18.2.1" and d.port in x["ports"]
                                            for x in by_id(e, "tanuki.scan")))
                # 2. the server hangs up (pppd's LCP terminate and PADT) and
                # asks for PAP from now on: the decoy redials, logs in by PAP
                srv.set_auth("pap", SECRET)
                rc, out = srv.run("kill -TERM $(pidof pppd)")
                assert rc == 0, out
                down = wait_ppp(d, 1, state="down", srv=srv)
                assert down["error"] == "link_lost" and down["retry_s"] == 1, down
                up = wait_ppp(d, 2, state="up", srv=srv)
                # (pppoe-server's pool hands out the next address while it
                # reaps the old session)
                assert up["auth"] == "pap" and POOL.match(up["ipaddr"]), up
                assert d.wan_address()["ipaddr"] == up["ipaddr"]
                attack_login(d, up["ipaddr"], "pap-link")
                # 3. a wrong password: the server refuses it, the decoy logs it
                # and keeps redialling (backoff doubles)
                srv.set_auth("pap", "not-" + SECRET)
                rc, out = srv.run("kill -TERM $(pidof pppd)")
                assert rc == 0, out
                fail = wait_ppp(d, 1, state="down", error="auth_failed", srv=srv)
                assert fail["auth"] == "pap", fail
                fail2 = wait_ppp(d, 2, state="down", error="auth_failed", srv=srv)
                assert fail2["retry_s"] > fail["retry_s"], (fail, fail2)
                log = srv.pppd_log()
                assert re.search(r'rcvd \[PAP AuthReq id=0x[0-9a-f]+ user="%s"' % USER, log) and \
                    "sent [PAP AuthNak" in log, log[-2000:]
                # the right secret again: the next redial gets in
                srv.set_auth("pap", SECRET)
                nup = len(ppp_events(d, state="up"))
                up = wait_ppp(d, nup + 1, state="up", srv=srv)
                # 4. the server goes away without a word (no PADT, no LCP
                # terminate): LCP echoes go unanswered, the decoy notices,
                # redials into the void, and is back once the server is
                srv.kill()
                dead = wait_ppp(d, 1, state="down", error="peer_dead", timeout=30, srv=srv)
                assert dead["retry_s"] >= 1, dead
                srv.start()
                up = wait_ppp(d, nup + 2, state="up", timeout=120, srv=srv)
                assert POOL.match(up["ipaddr"]), up
                attack_login(d, up["ipaddr"], "after-restart")
                evs = d.wait_events(lambda e: any(x.get("password") == "after-restart"
                                                  for x in by_id(e, "cowrie.login.failed")))
                # the decoy's kernel had no part in any of it
                assert "inet" not in sh("ip", "-n", p.dec, "addr", "show", "dev",
                                        p.dif).stdout
                assert p.kernel_sent() == (0, 0, 0), p.kernel_sent()
            conns = [e for e in by_id(evs, "cowrie.session.connect")]
            assert all(c["src_ip"] == "198.18.2.1" and POOL.match(c["dst_ip"])
                       for c in conns) and len(conns) == 3, conns
            assert d.proc.returncode == 0
        finally:
            srv.close()


def test_wan_pppoe_config_errors():
    cases = [
        ([("proto", "pppoe")], "proto pppoe needs option: username"),
        ([("proto", "dhcp"), ("username", "u")], "option is for proto pppoe: username"),
        ([("proto", "pppoe"), ("username", "u"), ("keepalive", "5")], "keepalive"),
        ([("proto", "pppoe"), ("username", "u"), ("keepalive", "5 0")], "keepalive"),
        ([("proto", "pppoe"), ("username", "u" * 64)], "username"),
    ]
    for wan, what in cases:
        lines = ["config wan 'wan'", "\toption ifname 'eth9'"]
        lines += ["\toption %s '%s'" % kv for kv in wan]
        d = Daemon(extra=lines)
        r = subprocess.run([tt.BINARY, "check", "-c", d.conf], capture_output=True, text=True,
                           env=dict(os.environ, **tt.SAN_ENV))
        out = (r.stdout + r.stderr).strip().splitlines()
        assert r.returncode == 2 and len(out) == 1 and what in out[0], (wan, r.returncode, out)
    for keepalive in ("0", "5 1", "255 255"):
        lines = ["config wan 'wan'", "\toption ifname 'eth9'", "\toption proto 'pppoe'",
                 "\toption username 'u'", "\toption keepalive '%s'" % keepalive]
        d = Daemon(extra=lines)
        r = subprocess.run([tt.BINARY, "check", "-c", d.conf], capture_output=True, text=True,
                           env=dict(os.environ, **tt.SAN_ENV))
        assert r.returncode == 0, (keepalive, r.stdout, r.stderr)
