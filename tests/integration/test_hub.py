"""tanuki-hub: HTTPS ingest, idempotency, refusals, the API, config errors,
SQLite always and PostgreSQL when its server binaries are installed (a
throw-away cluster in a temp dir, on a Unix socket, as an unprivileged
user). Everything on 127.0.0.1; curl is the client, as a decoy would be.
"""
import hashlib
import hmac
import json
import os
import pwd
import random
import shutil
import signal
import subprocess
import tempfile
import time

from tanuki_test import BUILD, SAN_ENV, free_port

HUB = os.environ.get("TANUKI_HUB_BIN", os.path.join(BUILD, "asan", "tanuki-hub"))
TOKEN = "test-token-0123456789abcdef"


def summary(device, seq, t0=1767225600, **kw):
    s = {"device": device, "seq": seq,
         "period": {"from": t0 + 300 * seq, "to": t0 + 300 * (seq + 1)},
         "version": "0.1.0", "persona": "xiongmai-dvr", "uptime_s": 1000 + seq,
         "store": {"used_kb": 10 + seq, "quota_kb": 4096, "evictions": 0,
                   "events_dropped": 0},
         "counts": {"by_port": {"23": 3, "37215": 1},
                    "by_event": {"cowrie.login.failed": 2,
                                 "cowrie.login.success": 1}},
         "credentials": [{"username": "root", "password": "xc3511", "count": 2},
                         {"username": "admin", "password": "admin", "count": 1}],
         "sources": [{"ip": "198.51.100.7", "count": 3}],
         "commands": [{"input": "cat /proc/cpuinfo", "count": 1}],
         "binaries": [{"sha256": "ab" * 32, "size": 1234,
                       "url": "http://203.0.113.9/bins/mips", "first_seen": t0}],
         "exploits": [{"cve": "CVE-2017-17215", "count": 1}],
         "sessions": 3}
    s.update(kw)
    return s


class Hub:
    def __init__(self, db=None, extra=(), user=None):
        self.dir = tempfile.mkdtemp(prefix="tanuki-hub-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.user = user
        lines = ["config hub 'main'",
                 "\toption listen '127.0.0.1'",
                 "\toption port '%d'" % self.port,
                 "\toption db '%s'" % (db or os.path.join(self.dir, "hub.db")),
                 "\toption cert '%s'" % os.path.join(self.dir, "hub.crt"),
                 "\toption key '%s'" % os.path.join(self.dir, "hub.key"),
                 "\toption api_token '%s'" % TOKEN,
                 "\toption retention_days '0'"] + list(extra)
        self.conf = os.path.join(self.dir, "hub.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None
        self.errpath = os.path.join(self.dir, "stderr")

    def cmd(self, *args):
        return subprocess.run([HUB] + list(args), capture_output=True, text=True,
                              env=dict(os.environ, **SAN_ENV), timeout=60)

    def enroll(self, name):
        p = self.cmd("enroll", "-c", self.conf, name)
        assert p.returncode == 0, p.stderr
        secret = p.stdout.split()[1]
        assert "option secret '%s'" % secret in p.stdout
        assert "option device '%s'" % name in p.stdout
        assert "option url 'https://127.0.0.1:%d/v1/ingest'" % self.port in p.stdout
        pin = [l for l in p.stdout.splitlines() if "option pin" in l][0].split("'")[1]
        return secret, pin

    def start(self, wait=20):
        self.errf = open(self.errpath, "wb")
        self.proc = subprocess.Popen([HUB, "run", "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=self.errf,
                                     env=dict(os.environ, **SAN_ENV))
        deadline = time.time() + wait
        while "listening on" not in self.stderr():
            if self.proc.poll() is not None or time.time() > deadline:
                raise AssertionError("hub did not start: %s" % self.stderr())
            time.sleep(0.05)
        self.pin = self.stderr().split(" pin ")[1].split()[0]
        return self

    def stderr(self):
        with open(self.errpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(30)
        self.errf.close()
        err = self.stderr()
        assert "Sanitizer" not in err and "runtime error" not in err, err
        assert rc == 0, (rc, err)

    def __enter__(self):
        return self.start()

    def __exit__(self, et, ev, tb):
        if self.proc and self.proc.poll() is None:
            if et is None:
                self.stop()
            else:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def curl(self, path, method="GET", body=None, headers=(), pin=None):
        out = os.path.join(self.dir, "resp")
        args = ["curl", "-sS", "-k", "--max-time", "20",
                "--pinnedpubkey", "sha256//" + (pin or self.pin).split("/", 1)[1],
                "-o", out, "-w", "%{http_code}", "-X", method]
        for h in headers:
            args += ["-H", h]
        if body is not None:
            bf = os.path.join(self.dir, "body")
            with open(bf, "wb") as f:
                f.write(body)
            args += ["--data-binary", "@" + bf, "-H", "Content-Type: application/json"]
        args.append("https://127.0.0.1:%d%s" % (self.port, path))
        p = subprocess.run(args, capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            return None, p.stderr
        with open(out, "rb") as f:
            data = f.read()
        return int(p.stdout), data

    def post(self, device, secret, body, t=None, nonce=None, sig=None, pin=None):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        t = str(int(time.time()) if t is None else t)
        nonce = nonce or os.urandom(16).hex()
        msg = "%s\n%s\n%s\n%s" % (device, t, nonce, hashlib.sha256(body).hexdigest())
        sig = sig or hmac.new(secret.encode(), msg.encode(), hashlib.sha256).hexdigest()
        return self.curl("/v1/ingest", "POST", body,
                         ["X-Tanuki-Device: " + device, "X-Tanuki-Time: " + t,
                          "X-Tanuki-Nonce: " + nonce, "X-Tanuki-Signature: " + sig],
                         pin=pin)

    def api(self, path):
        code, data = self.curl(path, headers=["Authorization: Bearer " + TOKEN])
        assert code == 200, (code, data)
        return json.loads(data)


def check_flow(hub):
    secret, pin = hub.enroll("decoy-01")
    assert pin == hub.pin
    s = summary("decoy-01", 1)
    code, data = hub.post("decoy-01", secret, s)
    assert (code, json.loads(data)) == (200, {"ack": 1}), (code, data, hub.stderr())
    want = {"by_port": {"23": 3, "37215": 1},
            "by_event": {"cowrie.login.failed": 2, "cowrie.login.success": 1}}
    tot = hub.api("/v1/totals")
    assert {k: tot[k] for k in want} == want, tot
    assert tot["summaries"] == 1 and tot["sessions"] == 3, tot
    # the same summary again (fresh nonce, as a retrying decoy signs anew)
    code, data = hub.post("decoy-01", secret, s)
    assert (code, json.loads(data)) == (200, {"ack": 1})
    assert hub.api("/v1/totals") == tot
    creds = hub.api("/v1/credentials?limit=10")["credentials"]
    assert creds == [{"username": "root", "password": "xc3511", "count": 2},
                     {"username": "admin", "password": "admin", "count": 1}], creds
    assert hub.api("/v1/sources")["sources"] == [{"ip": "198.51.100.7", "count": 3}]
    assert hub.api("/v1/exploits")["exploits"] == [{"cve": "CVE-2017-17215", "count": 1}]
    assert hub.api("/v1/commands")["commands"] == [{"input": "cat /proc/cpuinfo", "count": 1}]
    b = hub.api("/v1/binaries")["binaries"]
    assert len(b) == 1 and b[0]["sha256"] == "ab" * 32 and b[0]["size"] == 1234, b
    d = hub.api("/v1/devices")["devices"]
    assert len(d) == 1 and d[0]["device"] == "decoy-01" and d[0]["last_seq"] == 1, d
    assert d[0]["persona"] == "xiongmai-dvr" and d[0]["used_kb"] == 11, d
    assert d[0]["uptime_s"] == 1001 and d[0]["version"] == "0.1.0", d
    assert abs(d[0]["last_seen"] - time.time()) < 60, d

    # seq 2..N out of order, with duplicates: each counted once
    n = 25
    order = list(range(2, n + 1)) * 2 + [1, 5, 7]
    random.Random(7).shuffle(order)
    for seq in order:
        code, data = hub.post("decoy-01", secret, summary("decoy-01", seq))
        assert code == 200 and json.loads(data) == {"ack": seq}, (seq, code, data)
    tot = hub.api("/v1/totals")
    assert tot["summaries"] == n and tot["by_port"] == {"23": 3 * n, "37215": n}, tot
    assert tot["by_event"]["cowrie.login.failed"] == 2 * n
    creds = hub.api("/v1/credentials?limit=1")["credentials"]
    assert creds == [{"username": "root", "password": "xc3511", "count": 2 * n}]
    assert hub.api("/v1/binaries")["binaries"][0]["reports"] == n
    d = hub.api("/v1/devices")["devices"][0]
    assert d["last_seq"] == n and d["uptime_s"] == 1000 + n, d
    # a range: summaries whose period starts in [from, to)
    t0 = 1767225600
    part = hub.api("/v1/totals?from=%d&to=%d" % (t0 + 300 * 3, t0 + 300 * 6))
    assert part["summaries"] == 3 and part["by_port"]["23"] == 9, part


def test_hub_ingest_sqlite():
    with Hub() as hub:
        check_flow(hub)
        err = hub.stderr()
        assert "seq 1 duplicate, acked again (" in err, err
        # a restart keeps everything (and the certificate: same pin)
        pin = hub.pin
        hub.stop()
        hub.start()
        assert hub.pin == pin
        assert hub.api("/v1/totals")["summaries"] == 25


def test_hub_refusals():
    with Hub() as hub:
        secret, _ = hub.enroll("decoy-01")
        other, _ = hub.enroll("decoy-02")
        s = summary("decoy-01", 1)
        body = json.dumps(s).encode()

        def refused(code_want, why, **kw):
            before = hub.stderr().count("\n")
            code, data = hub.post(kw.pop("device", "decoy-01"),
                                  kw.pop("secret", secret), kw.pop("body", body), **kw)
            assert code == code_want, (why, code, data, hub.stderr())
            new = hub.stderr().splitlines()[before:]
            assert any(("refused %d: %s" % (code_want, why)) in l for l in new), (why, new)

        refused(401, "bad signature", sig="0" * 64)
        refused(401, "bad signature", secret=other)
        refused(401, "timestamp outside window", t=int(time.time()) - 301)
        refused(401, "timestamp outside window", t=int(time.time()) + 400)
        refused(401, "unknown device", device="decoy-99")
        refused(400, "missing or malformed headers", nonce="xyz")
        refused(413, "body too large", body=b" " * (1024 * 1024 + 1))
        refused(400, "bad json", body=b'{"device":')
        refused(400, "bad summary", body=b'{"device":"decoy-01","seq":-1}')
        refused(400, "device differs from header", secret=other, device="decoy-02")
        nonce = os.urandom(16).hex()
        code, _ = hub.post("decoy-01", secret, body, nonce=nonce)
        assert code == 200
        refused(401, "replayed nonce", nonce=nonce)
        # nothing refused was stored
        assert hub.api("/v1/totals")["summaries"] == 1
        # the API wants the token
        code, _ = hub.curl("/v1/totals")
        assert code == 401
        code, _ = hub.curl("/v1/totals", headers=["Authorization: Bearer wrong"])
        assert code == 401
        # curl with a wrong pin does not connect
        code, err = hub.post("decoy-01", secret, body,
                             pin="sha256/" + "A" * 43 + "=")
        assert code is None and "pinned" in err.lower(), err
        assert hub.api("/v1/totals")["summaries"] == 1


def test_hub_events_and_odd_strings():
    with Hub() as hub:
        secret, _ = hub.enroll("d1")
        ev = {"eventid": "cowrie.login.failed", "username": "r\u00f6ot\n\u2603",
              "password": "\U0001F600", "src_ip": "198.51.100.7"}
        s = summary("d1", 1, events=[ev, ev],
                    credentials=[{"username": "r\u00f6ot\n", "password": "'\";--",
                                  "count": 1}])
        code, data = hub.post("d1", secret, s)
        assert code == 200, (data, hub.stderr())
        c = hub.api("/v1/credentials")["credentials"]
        assert c == [{"username": "r\u00f6ot\n", "password": "'\";--", "count": 1}], c


def test_hub_config_errors():
    h = Hub(extra=["\toption bogus '1'"])
    p = h.cmd("run", "-c", h.conf)
    assert p.returncode == 2 and p.stderr.strip() == "%s:9: unknown option 'bogus'" % h.conf, p.stderr
    h = Hub(extra=["\toption port '99999'"])
    p = h.cmd("check", "-c", h.conf)
    assert p.returncode == 2 and p.stderr.startswith(h.conf + ":9: "), p.stderr
    with open(h.conf, "a") as f:
        f.write("option 'unterminated\n")
    p = h.cmd("check", "-c", h.conf)
    assert p.returncode == 2 and p.stderr.startswith(h.conf + ":"), p.stderr
    p = h.cmd("run", "-c", "/nonexistent/hub.conf")
    assert p.returncode == 2 and p.stderr.startswith("/nonexistent/hub.conf"), p.stderr
    h = Hub()
    h.enroll("x")
    p = h.cmd("enroll", "-c", h.conf, "x")
    assert p.returncode == 1 and "already enrolled" in p.stderr
    p = h.cmd("enroll", "-c", h.conf, "bad/name")
    assert p.returncode == 2


def test_hub_pin_matches_openssl():
    """The printed pin is the SHA-256 of the certificate's SPKI DER."""
    h = Hub()
    _, pin = h.enroll("x")
    crt = os.path.join(h.dir, "hub.crt")
    spki = subprocess.run(["openssl", "x509", "-in", crt, "-pubkey", "-noout"],
                          capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=spki,
                         capture_output=True, check=True).stdout
    import base64
    assert pin == "sha256/" + base64.b64encode(hashlib.sha256(der).digest()).decode()
    assert oct(os.stat(os.path.join(h.dir, "hub.key")).st_mode & 0o777) == "0o600"


def pg_bindir():
    for d in sorted(os.listdir("/usr/lib/postgresql"), reverse=True) \
            if os.path.isdir("/usr/lib/postgresql") else []:
        b = os.path.join("/usr/lib/postgresql", d, "bin")
        if os.path.exists(os.path.join(b, "initdb")):
            return b
    return None


class pg_cluster:
    """A private PostgreSQL cluster on a Unix socket in a temp dir, run as
    'nobody' when we are root (postgres refuses root). `with pg_cluster() as
    uri:` gives its URI, or None when the server binaries are missing."""

    def __enter__(self):
        bindir = pg_bindir()
        if not bindir:
            print("      (postgresql server not installed: skipped)")
            return None
        self.bindir = bindir
        self.d = d = tempfile.mkdtemp(prefix="tanuki-pg-")
        os.chmod(d, 0o777)
        self.pre = []
        if os.getuid() == 0:
            self.pre = ["setpriv", "--reuid=%d" % pwd.getpwnam("nobody").pw_uid,
                        "--regid=65534", "--clear-groups"]
        data = os.path.join(d, "data")
        env = dict(os.environ, LC_ALL="C")
        subprocess.run(self.pre + [os.path.join(bindir, "initdb"), "-D", data, "-A",
                                   "trust", "-U", "hub", "-E", "UTF8"],
                       check=True, capture_output=True, env=env, cwd=d, timeout=120)
        subprocess.run(self.pre + [os.path.join(bindir, "pg_ctl"), "-D", data, "-w", "-l",
                                   os.path.join(d, "log"), "-o",
                                   "-k %s -c listen_addresses='' -p 5432" % d, "start"],
                       check=True, capture_output=True, env=env, cwd=d, timeout=120)
        return "postgresql://hub@/postgres?host=%s&port=5432" % d

    def __exit__(self, *a):
        if getattr(self, "d", None):
            subprocess.run(self.pre + [os.path.join(self.bindir, "pg_ctl"), "-D",
                                       os.path.join(self.d, "data"), "-m", "fast", "-w",
                                       "stop"], capture_output=True, cwd=self.d, timeout=120)
            shutil.rmtree(self.d, ignore_errors=True)


def test_hub_ingest_postgresql():
    """check_flow against PostgreSQL (skipped, passing with a note, when the
    server binaries are not installed)."""
    with pg_cluster() as uri:
        if not uri:
            return
        with Hub(db=uri) as hub:
            assert "(postgresql)" in hub.stderr(), hub.stderr()
            check_flow(hub)


def test_hub_binary_upload():
    """POST /v1/binary: signed like a summary, named by X-Tanuki-Sha256."""
    with Hub() as hub:
        secret, _ = hub.enroll("decoy-b")
        blob = bytes(range(256)) * 40
        sha = hashlib.sha256(blob).hexdigest()

        def up(body, sha_hdr, sec=secret, nonce=None):
            t = str(int(time.time()))
            nonce = nonce or os.urandom(16).hex()
            msg = "decoy-b\n%s\n%s\n%s" % (t, nonce, hashlib.sha256(body).hexdigest())
            sig = hmac.new(sec.encode(), msg.encode(), hashlib.sha256).hexdigest()
            return hub.curl("/v1/binary", "POST", body,
                            ["X-Tanuki-Device: decoy-b", "X-Tanuki-Time: " + t,
                             "X-Tanuki-Nonce: " + nonce, "X-Tanuki-Signature: " + sig,
                             "X-Tanuki-Sha256: " + sha_hdr])

        code, data = up(blob, sha)
        assert code == 200 and json.loads(data) == {"stored": sha, "duplicate": False}, data
        code, data = up(blob, sha)
        assert code == 200 and json.loads(data)["duplicate"] is True, data
        assert up(blob, "1" * 64)[0] == 400                 # hash header ≠ body
        assert up(blob, sha, sec="f" * 64)[0] == 401        # forged
        n = os.urandom(16).hex()
        assert up(b"x", hashlib.sha256(b"x").hexdigest(), nonce=n)[0] == 200
        assert up(b"x", hashlib.sha256(b"x").hexdigest(), nonce=n)[0] == 401  # replay
        code, data = hub.curl("/v1/binary/" + sha, headers=["Authorization: Bearer " + TOKEN])
        assert code == 200 and data == blob
        assert hub.curl("/v1/binary/" + sha)[0] == 401     # the API token is needed
        assert sorted(os.listdir(os.path.join(hub.dir, "files"))) == sorted(
            [sha, hashlib.sha256(b"x").hexdigest()])
        err = hub.stderr()
        assert "sha256 differs from body" in err and "replayed nonce" in err, err
