"""The device's own TCP/IP fingerprint on the WAN side (issue 17).

Real `nmap -sS -O` from the attacker namespace (test_wan.py's namespace
pair, 198.18.0.0/15 only) against the decoy's lwIP, once per persona:

- nmap's best OS guess is the class the persona's kernel has in nmap's DB:
  TARGETS below names, per persona, the nmap-os-db entry (its line in
  Debian's nmap 7.93 /usr/share/nmap/nmap-os-db) the persona's `tcp_*`
  options were tuned to; the test reads that entry from the installed DB
  and checks every deterministic attribute of every test line (OPS, WIN,
  ECN, T1-T7, U1, IE, SEQ's TI/CI/II/TS) against what nmap measured, and
  that nmap itself ranks the entry's class first;
- the open ports are exactly the persona's `list ports` plus the listener,
  and the closed ports nmap tried answered with a RST (reason "reset");
- `nmap -sV` of the telnet listener over lwIP names the service exactly as
  it does over the kernel on loopback: the `! nmap` line of the persona's
  telnet transcript (tests/transcripts), one source of truth for both.

About 12 s per persona. Needs root and nmap.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from tanuki_test import Daemon, TOP  # noqa: E402
import test_wan as wan_tests  # noqa: E402

OSDB = "/usr/share/nmap/nmap-os-db"
CLOSED = (21, 8080, 49152)

# persona -> (line of the "Fingerprint" in nmap-os-db, its name, the
# device type and OS generation nmap's guess must carry)
TARGETS = {
    "huawei-hg532": (61267, "Huawei EchoLife WAP (Linux 2.6.34)", "WAP", "2.6.X"),
    "zyxel-pk5001z": (47124, "OpenWrt Backfire 10.03 (Linux 2.6.32)", "broadband router",
                      "2.6.X"),
    "xiongmai-dvr": (30457, "Geovision EBD4700 CCTV camera (Linux 3.4)", "webcam", "3.X"),
}
# statistical attributes (from timing and random ISNs): left to nmap's score
NOISY = {"SP", "GCD", "ISR", "TG"}
# the transcript whose `! nmap` line names each persona's telnet service
TELNET_T = {
    "huawei-hg532": "huawei-hg532/telnet_atp.t",
    "zyxel-pk5001z": "zyxel-pk5001z/telnet_su.t",
    "xiongmai-dvr": "xiongmai-dvr/telnet_scanner.t",
}


class OsDaemon(wan_tests.WanDaemon):
    """WanDaemon with the persona chosen by the test."""

    def __init__(self, pair, persona):
        self.pair = pair
        lines = ["config wan 'wan'", "\toption ifname '%s'" % pair.dif]
        lines += ["\toption %s '%s'" % kv for kv in wan_tests.STATIC]
        Daemon.__init__(self, persona=persona, extra=lines)


def persona_ports(persona):
    ports = []
    with open(os.path.join(TOP, "personas", persona, "persona")) as f:
        for ln in f:
            w = ln.split()
            if w[:2] == ["list", "ports"]:
                ports.append(int(w[2].strip("'")))
    return ports


def osdb_entry(line, name):
    """The test lines of the nmap-os-db entry at `line`: {test: {attr: expr}}."""
    with open(OSDB) as f:
        rows = f.read().split("\n")
    assert rows[line - 1] == "Fingerprint " + name, (line, rows[line - 1])
    tests = {}
    for ln in rows[line:]:
        if not ln.strip() or ln.startswith("Fingerprint "):
            break
        m = re.match(r"^([A-Z0-9]+)\((.*)\)$", ln)
        if m:
            tests[m.group(1)] = dict(kv.split("=", 1) for kv in m.group(2).split("%") if kv)
    return tests


def observed(fp):
    """nmap's measured fingerprint (the OS: lines) as {test: {attr: value}}."""
    text = "".join(ln[3:] if ln.startswith("OS:") else ln for ln in fp.split("\n"))
    tests = {}
    for name, body in re.findall(r"([A-Z0-9]+)\(([^)]*)\)", text):
        tests[name] = dict(kv.split("=", 1) for kv in body.split("%") if kv)
    return tests


def expr_matches(expr, value):
    """nmap-os-db's expressions: alternatives (|), hex ranges (a-b), > and <."""
    for alt in expr.split("|"):
        if alt == value:
            return True
        try:
            v = int(value, 16)
            if re.fullmatch(r"[0-9A-F]+-[0-9A-F]+", alt):
                lo, hi = (int(x, 16) for x in alt.split("-"))
                if lo <= v <= hi:
                    return True
            elif alt[:1] == ">" and v > int(alt[1:], 16):
                return True
            elif alt[:1] == "<" and v < int(alt[1:], 16):
                return True
        except ValueError:
            pass
    return False


def nmap_os(pair, ports):
    """nmap -sS -O over `ports` from the attacker namespace (XML root)."""
    # (-d: the measured fingerprint is in the XML even for a perfect match)
    with tempfile.NamedTemporaryFile(suffix=".xml") as xml:
        subprocess.run(
            ["ip", "netns", "exec", pair.att, "nmap", "-d", "-n", "-Pn", "-sS", "-O",
             "--max-retries", "2", "--host-timeout", "90s", "--max-rtt-timeout", "500ms",
             "-p", ",".join(str(p) for p in sorted(ports)), "-oX", xml.name, "198.18.0.2"],
            check=True, capture_output=True, text=True, timeout=150)
        return ET.parse(xml.name).getroot()


def nmap_sv(pair, port):
    """nmap -sV of one port from the attacker namespace: the attributes of
    its XML <service> that the transcripts' `! nmap` lines use."""
    keys = ("name", "product", "version", "extrainfo", "hostname", "ostype", "devicetype")
    p = subprocess.run(
        ["ip", "netns", "exec", pair.att, "nmap", "-n", "-Pn", "-sV", "--max-retries", "1",
         "--host-timeout", "150s", "-oX", "-", "-p", str(port), "198.18.0.2"],
        capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    svc = ET.fromstring(p.stdout).find("./host/ports/port/service")
    assert svc is not None, p.stdout
    return {k: v for k, v in svc.attrib.items() if k in keys}


def transcript_nmap(persona):
    """The `! nmap KEY=VALUE…` line of the persona's telnet transcript."""
    path = os.path.join(TOP, "tests", "transcripts", TELNET_T[persona])
    with open(path) as f:
        for ln in f:
            if ln.startswith("! nmap"):
                return dict(w.split("=", 1) for w in shlex.split(ln[1:])[1:])
    raise AssertionError("no `! nmap` line in " + path)


def summary(root):
    """({port: (state, reason)}, [(accuracy, name, line, classes)], fingerprint)."""
    host = root.find("host")
    st = {}
    for p in host.find("ports").findall("port"):
        s = p.find("state")
        st[int(p.get("portid"))] = (s.get("state"), s.get("reason"))
    matches = []
    for m in host.find("os").findall("osmatch"):
        cls = [(c.get("type"), c.get("osfamily"), c.get("osgen"))
               for c in m.findall("osclass")]
        matches.append((int(m.get("accuracy")), m.get("name"), int(m.get("line")), cls))
    fp = host.find("os").find("osfingerprint")
    return st, matches, fp.get("fingerprint") if fp is not None else ""


def check_persona(persona):
    line, name, dtype, osgen = TARGETS[persona]
    want = osdb_entry(line, name)
    with wan_tests.Pair() as p:
        with OsDaemon(p, persona) as d:
            d.wan_address()
            ports = persona_ports(persona) + [d.port]
            st, matches, fp = summary(nmap_os(p, ports + list(CLOSED)))
            # the telnet door over lwIP is named as over the kernel
            sv = nmap_sv(p, d.port)
            # the decoy namespace's kernel answered none of it
            assert p.kernel_sent() == (0, 0, 0), p.kernel_sent()
    assert sv == transcript_nmap(persona), (persona, sv, transcript_nmap(persona))
    # the port set: the device's ports and the listener open, others RST
    assert {k for k, v in st.items() if v[0] == "open"} == set(ports), st
    for port in CLOSED:
        assert st[port] == ("closed", "reset"), (port, st)
    # every deterministic attribute nmap measured is the DB entry's
    got = observed(fp)
    for test, attrs in want.items():
        assert test in got, (test, fp)
        for k, expr in attrs.items():
            if k in NOISY or (test == "SEQ" and k not in ("TI", "CI", "II", "TS")):
                continue
            if k not in got[test] and k in ("DF", "T", "TG"):
                continue
            assert k in got[test] and expr_matches(expr, got[test][k]), \
                (persona, test, k, expr, got[test].get(k), fp)
    # and nmap's own verdict: its best guess has the class of the target
    assert matches, fp
    best = max(m[0] for m in matches)
    assert best >= 95, (matches, fp)
    for acc, mname, mline, cls in matches:
        if acc == best:
            assert any(t == dtype and fam == "Linux" and gen in (None, osgen)
                       for t, fam, gen in cls), (persona, matches, fp)
    assert any(m[2] == line and m[0] >= 95 for m in matches), (persona, matches)


def test_wan_os_hg532():
    check_persona("huawei-hg532")


def test_wan_os_pk5001z():
    check_persona("zyxel-pk5001z")


def test_wan_os_xiongmai():
    check_persona("xiongmai-dvr")


if __name__ == "__main__":
    # python3 test_wan_os.py PERSONA...: what nmap says (the "before"/"after")
    for persona in sys.argv[1:]:
        with wan_tests.Pair() as p:
            with OsDaemon(p, persona) as d:
                d.wan_address()
                st, m, fp = summary(nmap_os(p, persona_ports(persona) + [d.port] +
                                            list(CLOSED)))
                print(persona, st)
                for x in m[:5]:
                    print("  ", x)
                print(fp)
