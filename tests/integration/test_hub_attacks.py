"""tanuki-hub under the attacks of issue 12 (items 4 and 5): nothing is read
that is not authenticated beyond a bound, and nobody holds the slots.

Each test runs the ASan hub on 127.0.0.1 and attacks it from other loopback
addresses (127.0.1.x, 127.0.2.x: Linux routes all of 127.0.0.0/8 to lo), so
the probe from 127.0.0.1 is a different source. Asserted: the hub lives,
its RSS stays under a stated cap, a probe is served within its bound, and
the answers give nothing away. The figures are printed (before/after in
docs/hub.md).
"""
import hashlib
import hmac
import os
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_hub as hubtest  # noqa: E402
from test_hub import TOKEN, summary  # noqa: E402

MIB = 1024 * 1024
# Bounds asserted below (generous: the machine is shared; they catch a hub
# that waits for slots, 30 s before the fix, not a slow one).
PROBE_S = 5.0
# RSS growth of the ASan hub while 256 connections each hold 1 MiB - 1 of an
# unsigned body: the unauthenticated-bytes cap (32 MiB) plus ASan's
# per-allocation overhead and TLS buffers. Before the fix: ~270 MiB.
RSS_GROWTH_MAX = 64 * MIB


class Hub(hubtest.Hub):
    """The hub with ASan's quarantine cut to 4 MB: by default ASan keeps up
    to 256 MB of freed blocks (GnuTLS's record buffers, here) resident, and
    the RSS would measure that instead of what the hub holds."""

    def start(self):
        saved = dict(hubtest.SAN_ENV)
        hubtest.SAN_ENV["ASAN_OPTIONS"] = saved["ASAN_OPTIONS"] + ":quarantine_size_mb=4"
        try:
            return super().start()
        finally:
            hubtest.SAN_ENV.clear()
            hubtest.SAN_ENV.update(saved)


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def tls_ctx():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def connect(hub, src, tls=True, timeout=5):
    s = socket.socket()
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", hub.port))
    if tls:
        s = tls_ctx().wrap_socket(s)
    return s


def headers(device, secret, body, sig=None, length=None, path="/v1/ingest"):
    t = str(int(time.time()))
    nonce = os.urandom(16).hex()
    msg = "%s\n%s\n%s\n%s" % (device, t, nonce, hashlib.sha256(body).hexdigest())
    sig = sig or hmac.new(secret.encode(), msg.encode(), hashlib.sha256).hexdigest()
    return ("POST %s HTTP/1.1\r\nHost: hub\r\nX-Tanuki-Device: %s\r\n"
            "X-Tanuki-Time: %s\r\nX-Tanuki-Nonce: %s\r\nX-Tanuki-Signature: %s\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
            % (path, device, t, nonce, sig,
               len(body) if length is None else length)).encode()


def read_answer(s):
    data = b""
    while b"\r\n\r\n" not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
    head, _, rest = data.partition(b"\r\n\r\n")
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v)
    while len(rest) < n:
        d = s.recv(4096)
        if not d:
            break
        rest += d
    return head, rest


def probe(hub):
    """A legitimate API GET from 127.0.0.1: its answer and how long it took."""
    t0 = time.time()
    code, data = hub.curl("/v1/totals", headers=["Authorization: Bearer " + TOKEN])
    return code, time.time() - t0


def test_hub_attack_unsigned_bodies():
    """256 TLS connections from 64 sources, each sending 1 MiB - 1 of an
    unsigned body (Content-Length 1 MiB) for an enrolled device, then holding
    it: the hub reserves at most 32 MiB (2 MiB per source) and refuses the
    rest with 503 before reading their bodies; an API GET is served; the
    held bodies are cut after their deadline; a real ingest then succeeds."""
    with Hub() as hub:
        secret, _ = hub.enroll("decoy-01")
        time.sleep(0.5)
        base = rss(hub.proc.pid)
        socks = []
        filler = b" " * (MIB - 1)
        for i in range(256):
            src = "127.0.1.%d" % (1 + i // 4)
            s = connect(hub, src, timeout=3)
            try:
                s.sendall(headers("decoy-01", secret, b"", sig="0" * 64, length=MIB))
                s.sendall(filler)
            except (OSError, ssl.SSLError):
                pass  # refused and closed (else the kernel took the bytes)
            socks.append(s)
        peak = rss(hub.proc.pid)
        code, secs = probe(hub)
        print("      unsigned bodies: RSS %.1f -> %.1f MiB, probe %s in %.2f s"
              % (base / MIB, peak / MIB, code, secs))
        assert hub.proc.poll() is None
        assert code == 200 and secs < PROBE_S, (code, secs)
        assert peak - base < RSS_GROWTH_MAX, (base, peak)
        # 32 MiB of 1 MiB bodies, the rest refused before their body
        busy = hub.stderr().count("refused 503: busy: unauthenticated bytes")
        assert busy >= 256 - 32, busy
        for s in socks:
            s.close()
        code, data = hub.post("decoy-01", secret, summary("decoy-01", 1))
        assert code == 200, (code, data, hub.stderr()[-2000:])


def test_hub_attack_idle_tcp():
    """256 idle TCP connections (no TLS hello) from one address, then from
    64 addresses (the table full): a GET from 127.0.0.1 is served within
    PROBE_S each time; every idle one is cut within HUB_HELLO_S (10 s)."""
    with Hub() as hub:
        idle = []
        for i in range(256):
            try:
                idle.append(connect(hub, "127.0.0.2", tls=False))
            except OSError:
                pass
        code, secs = probe(hub)
        print("      256 idle from one address: probe %s in %.2f s" % (code, secs))
        assert code == 200 and secs < PROBE_S, (code, secs)
        for i in range(256):
            try:
                idle.append(connect(hub, "127.0.2.%d" % (1 + i // 4), tls=False))
            except OSError:
                pass
        code, secs = probe(hub)
        print("      256 idle from 64 addresses: probe %s in %.2f s" % (code, secs))
        assert code == 200 and secs < PROBE_S, (code, secs)
        # every idle socket is closed by the hub: refused at once, evicted,
        # or cut at the hello deadline (10 s; 20 s allowed)
        t0 = time.time()
        for s in idle:
            s.settimeout(max(0.1, 20 - (time.time() - t0)))
            try:
                assert s.recv(1) == b""
            except ConnectionResetError:
                pass
            s.close()
        print("      all idle connections closed by the hub after %.1f s" %
              (time.time() - t0))
        assert hub.proc.poll() is None


def test_hub_attack_slow_headers():
    """A TLS client sending its request headers one byte a second is cut at
    the hello deadline (10 s), though it is never idle for the 30 s timeout."""
    with Hub() as hub:
        s = connect(hub, "127.0.0.3")
        t0 = time.time()
        req = b"GET /v1/totals HTTP/1.1\r\nHost: hub\r\nX-Slow: " + b"a" * 60
        cut = None
        for b in req:
            try:
                s.sendall(bytes([b]))
                s.settimeout(1.0)
                if s.recv(1) == b"":
                    cut = time.time() - t0
                    break
            except socket.timeout:
                continue
            except (OSError, ssl.SSLError):
                cut = time.time() - t0
                break
        print("      slow headers cut after %s s" % cut)
        assert cut is not None and cut < 20, cut
        assert probe(hub)[0] == 200


def test_hub_no_device_oracle():
    """An unknown device and a known one with a wrong signature get the
    same answer, byte for byte but the Date header, after the same body."""
    with Hub() as hub:
        secret, _ = hub.enroll("decoy-01")
        body = b'{"device":"x"}'
        answers = []
        for dev in ("decoy-01", "decoy-99"):
            s = connect(hub, "127.0.0.1")
            s.sendall(headers(dev, "f" * 64, body) + body)
            head, data = read_answer(s)
            s.close()
            lines = [l for l in head.split(b"\r\n") if not l.lower().startswith(b"date:")]
            answers.append((lines, data))
        assert answers[0] == answers[1], answers
        assert answers[0][0][0].startswith(b"HTTP/1.1 401"), answers
        err = hub.stderr()
        assert "refused 401: bad signature" in err and "refused 401: unknown device" in err
