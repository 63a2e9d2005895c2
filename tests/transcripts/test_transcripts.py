"""Transcript tests: bytes in, exact bytes out, prompts included.

Each tests/transcripts/<persona>/*.t file is a conversation with a daemon
playing that persona, on a fixed unit seed (so hostnames, MACs and PIDs are
the same every run). Lines:
    # comment
    < b'...'      bytes the server must send next, exactly (a Python literal)
    > b'...'      bytes the client sends
    ~ MS          wait MS milliseconds
    % rb'...'     the server must send next bytes that match this regular
                  expression (a Python bytes literal, matched whole; for
                  per-unit random values such as nonces)
    = closed      the server must close the connection now
Leading `!` lines set up the daemon:
    ! fail_delay_ms N   the failure delay (default 0)
    ! proto NAME        the listener's proto (default telnet), e.g. hg532
    ! fetch             fetching on (loopback only: `public '0'`, 127.0.0.0/8
                        allowed, a loopback DNS server that knows no name),
                        with an HTTP server holding FETCH_HTTP and a TFTP
                        server holding FETCH_TFTP; {http} and {tftp} in
                        the lines below stand for their ports
    ! nmap KEY=VALUE…   before the conversation, run the real `nmap -sV` on
                        the listener (127.0.0.1, that one port, bounded in
                        time) and require the service it names: each KEY of
                        nmap's XML <service> (name, product, version,
                        extrainfo, hostname, ostype, devicetype) equal to
                        VALUE, and those not given absent. This records how
                        nmap (Debian 12's 7.93 database) names the device;
                        docs/personas.md says how it names the real one.
"""
import ast
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import fetchsrv  # noqa: E402
from tanuki_test import Conn, Daemon  # noqa: E402

FETCH_HTTP = {"/bins/x.sh": ("file", b"echo fetched script ran\n"),
              "/bins/t.bin": ("file", bytes(range(256)) * 40)}
FETCH_TFTP = {"x.sh": b"echo tftp script ran\n"}

HERE = os.path.dirname(os.path.abspath(__file__))


def run_transcript(path):
    persona = os.path.basename(os.path.dirname(path))
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f]
    delay, proto, fetch, nmap = 0, "telnet", False, None
    for line in lines:
        if not line.startswith("!"):
            break
        words = line[1:].split()
        if words[0] == "fail_delay_ms":
            delay = int(words[1])
        elif words[0] == "proto":
            proto = words[1]
        elif words[0] == "fetch":
            fetch = True
        elif words[0] == "nmap":
            nmap = dict(w.split("=", 1) for w in shlex.split(line[1:])[1:])
            unknown = set(nmap) - set(NMAP_KEYS)
            assert "name" in nmap and not unknown, "%s: bad nmap line %r" % (path, line)
        else:
            raise AssertionError("%s: unknown setting %r" % (path, line))
    extra, servers, ports = [], [], {}
    if fetch:
        http = fetchsrv.http_server(FETCH_HTTP)
        tftp = fetchsrv.Tftp(FETCH_TFTP)
        dns = fetchsrv.Dns({})
        servers = [http.shutdown, tftp.close, dns.close]
        ports = {"{http}": str(http.server_address[1]), "{tftp}": str(tftp.port)}
        extra = ["config fetch 'fetch'", "\toption enabled '1'", "\toption public '0'",
                 "\toption dns '127.0.0.1:%d'" % dns.port, "\tlist allow '127.0.0.0/8'"]
    try:
        _converse(path, lines, persona, delay, proto, extra, ports, nmap)
    finally:
        for stop in servers:
            stop()


NMAP_KEYS = ("name", "product", "version", "extrainfo", "hostname", "ostype", "devicetype")


def nmap_service(port):
    """What `nmap -sV` names the service on 127.0.0.1:port, as the attributes
    of its XML <service> element (only the keys in NMAP_KEYS)."""
    assert shutil.which("nmap"), "nmap is not installed (scripts/deps.sh)"
    p = subprocess.run(["nmap", "-sV", "-sT", "-Pn", "-n", "--max-retries", "1",
                        "--host-timeout", "150s", "-oX", "-", "-p", str(port), "127.0.0.1"],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    svc = ET.fromstring(p.stdout).find("./host/ports/port/service")
    assert svc is not None, p.stdout
    return {k: v for k, v in svc.attrib.items() if k in NMAP_KEYS}


def _converse(path, lines, persona, delay, proto, extra, ports, nmap=None):
    with Daemon(persona=persona, seed=b"transcript-unit", fail_delay_ms=delay,
                listeners=[(proto, proto, None)], extra=extra) as d:
        if nmap is not None:
            got = nmap_service(d.port)
            assert got == nmap, "%s: nmap -sV names the service %r, want %r" % (
                os.path.relpath(path, HERE), got, nmap)
        c = Conn(d.port)
        for no, line in enumerate(lines, 1):
            if not line or line[0] in "#!":
                continue
            op, arg = line[0], line[1:].strip()
            for k, v in ports.items():
                arg = arg.replace(k, v)
            where = "%s:%d" % (os.path.relpath(path, HERE), no)
            if op == ">":
                c.send(ast.literal_eval(arg))
            elif op == "<":
                want = ast.literal_eval(arg)
                got = c.fill(len(want))
                assert got == want, "%s: want %r\n got %r\n then %r" % (
                    where, want, got, c.buf[c.pos + len(want):][:120])
                c.pos += len(want)
            elif op == "%":
                rx = re.compile(ast.literal_eval(arg), re.S)
                deadline = time.time() + 10
                while True:
                    m = rx.match(c.buf, c.pos)
                    if m or time.time() > deadline:
                        break
                    c.fill(len(c.buf) - c.pos + 1, 0.2)  # one more byte, or 0.2 s
                assert m, "%s: no match for %r\n got %r" % (where, rx.pattern, c.buf[c.pos:][:200])
                c.pos = m.end()
            elif op == "~":
                time.sleep(int(arg) / 1000.0)
            elif op == "=":
                assert c.wait_closed(10), "%s: not closed" % where
                extra = c.buf[c.pos:]
                assert not extra, "%s: bytes before close: %r" % (where, extra)
        c.close()


def _make(path):
    def t():
        run_transcript(path)
    return t


for _p in sorted(glob.glob(os.path.join(HERE, "*", "*.t"))):
    _name = "test_%s_%s" % (os.path.basename(os.path.dirname(_p)).replace("-", "_"),
                            os.path.basename(_p)[:-2].replace("-", "_"))
    globals()[_name] = _make(_p)
