"""The decoy's uplink against a real tanuki-hub, both on 127.0.0.1: pinned
TLS (mbedTLS client, GnuTLS server), HMAC-signed summaries, the cursor in
the store, an outage of the hub and restarts of both sides, a wrong pin.

The hub's counts are compared with what `tanuki export` reads from the
decoy's own store: every cowrie.* event counted exactly once.
"""
import base64
import collections
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tanuki_test import (BUILD, SAN_ENV, Conn, Daemon, by_id, persona_info,  # noqa: E402
                         telnet_login)
from test_hub import Hub  # noqa: E402

TOOL = os.path.join(BUILD, "host", "tanuki")
# Mirai's pairs the xiongmai-dvr persona refuses, and one with odd bytes
VALID = {(u, p) for u, p, _ in persona_info("xiongmai-dvr")["creds"]}
CREDS = [c for c in [("root", "vizxv"), ("admin", "admin"), ("root", "888888"),
                     ("support", "support"), ("root", "default"), ("guest", "12345"),
                     ("root", "54321"), ("root", "\u00e9t\u00e9\x01")] if c not in VALID]


def uplink_lines(hub, secret, pin, device="decoy-u1", interval_ms=300, extra=()):
    return ["config uplink 'hub'",
            "\toption url 'https://127.0.0.1:%d/v1/ingest'" % hub.port,
            "\toption pin '%s'" % pin,
            "\toption device '%s'" % device,
            "\toption secret '%s'" % secret,
            "\toption interval_ms '%d'" % interval_ms,
            "\toption timeout_s '5'"] + list(extra)


def export(d):
    p = subprocess.run([TOOL, "export", "--store", d.store], capture_output=True,
                       timeout=60, env=dict(os.environ, **SAN_ENV))
    assert p.returncode == 0, p.stderr
    return [json.loads(l) for l in p.stdout.decode().splitlines()]


def attack(d, rounds):
    """Failed logins over telnet, one session per pair (Mirai's way)."""
    for i in range(rounds):
        user, pw = CREDS[i % len(CREDS)]
        c = Conn(d.port)
        telnet_login(c, user, pw)
        c.read_until(b"ogin")
        c.close()


def want_counts(evs):
    ids = collections.Counter(e["eventid"] for e in evs if e["eventid"].startswith("cowrie."))
    creds = collections.Counter((e["username"], e["password"]) for e in evs
                                if e["eventid"] in ("cowrie.login.failed",
                                                    "cowrie.login.success"))
    return ids, creds


def hub_counts(hub):
    tot = hub.api("/v1/totals")
    ids = {k: v for k, v in tot["by_event"].items() if k.startswith("cowrie.")}
    creds = {(c["username"], c["password"]): c["count"]
             for c in hub.api("/v1/credentials?limit=1000")["credentials"]}
    return tot, ids, creds


def wait_match(hub, d, timeout=30):
    deadline = time.time() + timeout
    while True:
        ids, creds = want_counts(export(d))
        tot, hids, hcreds = hub_counts(hub)
        if hids == dict(ids) and hcreds == dict(creds):
            return tot, ids, creds
        if time.time() > deadline:
            raise AssertionError("hub never matched the store:\n hub %s %s\n store %s %s\n%s" % (
                hids, hcreds, dict(ids), dict(creds), hub.stderr()[-2000:]))
        time.sleep(0.2)


def wait_export(d, pred, timeout=15):
    deadline = time.time() + timeout
    while True:
        evs = export(d)
        if pred(evs):
            return evs
        if time.time() > deadline:
            raise AssertionError("store never matched: %s" % [e["eventid"] for e in evs][-20:])
        time.sleep(0.2)


def cursor(d):
    with open(os.path.join(d.store, "cursor")) as f:
        return f.read().splitlines()


def test_uplink_delivers_exactly_once():
    with Hub() as hub:
        secret, pin = hub.enroll("decoy-u1")
        d = Daemon(main={"sync_ms": "50"}, extra=uplink_lines(hub, secret, pin))
        with d:
            attack(d, 24)
            tot, ids, creds = wait_match(hub, d)
            assert ids["cowrie.login.failed"] == 24, ids
            assert sum(creds.values()) == 24 and len(creds) == len(CREDS), creds
            # nothing is counted twice while the uplink keeps sending
            time.sleep(1.5)
            assert hub_counts(hub)[1:] == (dict(ids), dict(creds))
            dev = hub.api("/v1/devices")["devices"]
            assert len(dev) == 1 and dev[0]["device"] == "decoy-u1", dev
            assert dev[0]["persona"] == "xiongmai-dvr" and dev[0]["version"], dev
            srcs = hub.api("/v1/sources")["sources"]
            assert srcs == [{"ip": "127.0.0.1", "count": ids["cowrie.session.connect"]}], srcs
            assert not by_id(d.events(), "tanuki.uplink.failed"), by_id(d.events(),
                                                                       "tanuki.uplink.failed")
        # a restart of the decoy resumes from its cursor: no resend counted
        acked = [l for l in cursor(d) if l.startswith("acked ")][0]
        assert int(acked.split()[1]) >= 1, acked
        st = subprocess.run([TOOL, "status", "--store", d.store], capture_output=True,
                            text=True, timeout=30)
        assert "  uplink: hub acked seq %s" % acked.split()[1] in st.stdout, st.stdout
        with d:
            attack(d, 5)
            tot2, ids2, creds2 = wait_match(hub, d)
            assert ids2["cowrie.login.failed"] == 29, ids2
        err = hub.stderr()
        assert "refused" not in err, err
        assert "stored" in err


def test_uplink_outage_then_catch_up():
    hub = Hub()
    secret, pin = hub.enroll("decoy-u2")
    try:
        d = Daemon(main={"sync_ms": "50", "segment_kb": "8"},
                   extra=uplink_lines(hub, secret, pin, device="decoy-u2", interval_ms=200))
        with d:
            # the hub is down: summaries wait in the store, failures are logged
            attack(d, 30)
            evs = wait_export(d, lambda e: len(by_id(e, "tanuki.uplink.failed")) >= 3)
            f = by_id(evs, "tanuki.uplink.failed")[0]
            assert f["reason"] == "connect" and "refused" in f["detail"].lower(), f
            assert f["seq"] == 1, f
            # a decoy restart while the hub is still down keeps the pending cut
            d.stop()
            pending = [l for l in cursor(d) if l.startswith("pending ")]
            assert pending and pending[0].split()[1] == "1", cursor(d)
            d.start()
            attack(d, 10)
            hub.start()
            tot, ids, creds = wait_match(hub, d, timeout=40)
            assert ids["cowrie.login.failed"] == 40, ids
            # small segments: several sealed, all counted once; the cursor
            # names the last one delivered for the store's eviction
            sealed = [n for n in os.listdir(os.path.join(d.store, "events"))
                      if n.endswith(".tzs")]
            assert sealed, os.listdir(os.path.join(d.store, "events"))
            time.sleep(1)
            assert hub_counts(hub)[1:] == (dict(ids), dict(creds))
            first = cursor(d)[0]
            assert first and first <= max(sealed)[:-4], (first, sealed)
        # the hub restarted: everything is kept, the decoy goes on
        hub.stop()
        hub.start()
        with d:
            attack(d, 3)
            wait_match(hub, d)
        assert "refused" not in hub.stderr(), hub.stderr()
    finally:
        hub.__exit__(None, None, None)


def test_uplink_wrong_pin_sends_nothing():
    with Hub() as hub:
        secret, pin = hub.enroll("decoy-u3")
        bad = "sha256/" + base64.b64encode(bytes(32)).decode()
        d = Daemon(main={"sync_ms": "50"},
                   extra=uplink_lines(hub, secret, bad, device="decoy-u3", interval_ms=200))
        with d:
            attack(d, 3)
            evs = d.wait_events(lambda e: len(by_id(e, "tanuki.uplink.failed")) >= 2)
            f = by_id(evs, "tanuki.uplink.failed")
            assert all(x["reason"] == "pin mismatch" for x in f), f
            # backoff with jitter: the retries do not come every interval
            assert all(x["retry_ms"] <= 200 for x in f), f
        assert hub.api("/v1/totals")["summaries"] == 0
        dev = hub.api("/v1/devices")["devices"]
        assert all(not x.get("last_seen") for x in dev), dev
        assert "stored" not in hub.stderr()


def test_uplink_wrong_secret_refused_by_hub():
    with Hub() as hub:
        secret, pin = hub.enroll("decoy-u4")
        wrong = ("0" if secret[0] != "0" else "1") + secret[1:]
        d = Daemon(main={"sync_ms": "50"},
                   extra=uplink_lines(hub, wrong, pin, device="decoy-u4", interval_ms=200))
        with d:
            evs = d.wait_events(lambda e: len(by_id(e, "tanuki.uplink.failed")) >= 1)
            f = by_id(evs, "tanuki.uplink.failed")[0]
            assert f["reason"] == "http 401" and "bad signature" in f["detail"], f
        assert "bad signature" in hub.stderr()


def test_uplink_config_errors():
    for lines, msg in [
            (["config uplink 'hub'", "\toption url 'http://127.0.0.1:1/'"], "option url"),
            (["config uplink 'hub'", "\toption url 'https://127.0.0.1:1/'",
              "\toption pin 'sha256/abc'"], "option pin"),
            (["config uplink 'hub'", "\toption url 'https://127.0.0.1:1/'",
              "\toption pin 'sha256/" + base64.b64encode(bytes(32)).decode() + "'",
              "\toption device 'x'", "\toption secret 'ABC'"], "option secret"),
            (["config uplink 'hub'", "\toption url 'https://127.0.0.1:1/'",
              "\toption pin 'sha256/" + base64.b64encode(bytes(32)).decode() + "'",
              "\toption device 'x'", "\toption secret '" + "a" * 64 + "'",
              "\toption intervall_s '5'"], "unknown option: intervall_s")]:
        d = Daemon(extra=lines)
        p = subprocess.run([d.binary, "check", "-c", d.conf], capture_output=True, text=True,
                           env=dict(os.environ, **SAN_ENV), timeout=30)
        assert p.returncode == 2 and msg in p.stderr, (lines, p.returncode, p.stderr)
        assert d.conf + ":" in p.stderr


def test_uplink_router_build_under_qemu():
    """The router's own binary (uClibc-ng, the trimmed mbedTLS of
    package/mbedtls/config.h) against the hub, under qemu-user. make test
    builds it before the runner starts."""
    binary = os.path.join(BUILD, "mipsel", "tanuki")
    if not os.path.exists(binary):
        print("  (no %s: run make TARGET=mipsel; make test builds it)" % binary)
        return
    with Hub() as hub:
        secret, pin = hub.enroll("decoy-mips")
        d = Daemon(main={"sync_ms": "50"},
                   extra=uplink_lines(hub, secret, pin, device="decoy-mips"))
        wrapper = os.path.join(d.dir, "tanuki-mipsel")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\nexec qemu-mipsel-static "%s" "$@"\n' % binary)
        os.chmod(wrapper, 0o755)
        d.binary = wrapper
        with d:
            attack(d, 6)
            tot, ids, creds = wait_match(hub, d, timeout=60)
            assert ids["cowrie.login.failed"] == 6, ids
        assert "refused" not in hub.stderr(), hub.stderr()


def test_uplink_router_build_rsa_certificate():
    """The router's build against a hub holding an owner's RSA-2048
    certificate (ECDHE-RSA, a PKCS#1 v1.5 signature): the suites and the
    RSA pieces the trimmed mbedTLS keeps (package/mbedtls/config.h)."""
    binary = os.path.join(BUILD, "mipsel", "tanuki")
    if not os.path.exists(binary):
        print("  (no %s: run make TARGET=mipsel; make test builds it)" % binary)
        return
    with Hub() as hub:
        hub.stop()
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
                        "-days", "30", "-subj", "/CN=hub.example", "-keyout",
                        os.path.join(hub.dir, "hub.key"), "-out", os.path.join(hub.dir, "hub.crt")],
                       check=True, capture_output=True, timeout=60)
        hub.start()
        assert hub.pin == "sha256/" + subprocess.run(
            "openssl x509 -in %s -noout -pubkey | openssl pkey -pubin -outform DER"
            " | openssl dgst -sha256 -binary | base64" % os.path.join(hub.dir, "hub.crt"),
            shell=True, capture_output=True, text=True, timeout=60).stdout.strip(), hub.pin
        secret, pin = hub.enroll("decoy-rsa")
        d = Daemon(main={"sync_ms": "50"},
                   extra=uplink_lines(hub, secret, pin, device="decoy-rsa"))
        wrapper = os.path.join(d.dir, "tanuki-mipsel")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\nexec qemu-mipsel-static "%s" "$@"\n' % binary)
        os.chmod(wrapper, 0o755)
        d.binary = wrapper
        with d:
            attack(d, 3)
            tot, ids, creds = wait_match(hub, d, timeout=60)
            assert ids["cowrie.login.failed"] == 3, ids
        assert "refused" not in hub.stderr(), hub.stderr()


def test_uplink_uploads_binaries():
    """option binaries '1': a binary the attacker built with echo goes up
    after its summary, byte-exact, and the hub keeps it once."""
    import hashlib
    import mirai
    user, pw, _ = [c for c in persona_info("xiongmai-dvr")["creds"] if c[2]][0]
    with Hub() as hub:
        secret, pin = hub.enroll("decoy-u5")
        d = Daemon(main={"sync_ms": "50"},
                   extra=uplink_lines(hub, secret, pin, device="decoy-u5",
                                      extra=["\toption binaries '1'"]))
        blob = mirai.fake_dlr(size=3000, seed=11)
        sha = hashlib.sha256(blob).hexdigest()
        with d:
            ld = mirai.Loader(d.port, user, pw)
            ld.step_mounts()
            ld.step_prepare()
            ld.upload_echo(blob, "dvrHelper")
            ld.run("/bin/busybox chmod 777 dvrHelper; ./dvrHelper")
            ld.close()
            wait_export(d, lambda e: any(x.get("shasum") == sha for x in e))
            deadline = time.time() + 20
            while True:
                code, data = hub.curl("/v1/binary/" + sha,
                                      headers=["Authorization: Bearer test-token-0123456789abcdef"])
                if code == 200:
                    break
                assert time.time() < deadline, (code, data, hub.stderr()[-1500:])
                time.sleep(0.2)
            assert data == blob
            bins = hub.api("/v1/binaries")["binaries"]
            assert [b["sha256"] for b in bins] == [sha] and bins[0]["size"] == len(blob), bins
            time.sleep(1)
        err = hub.stderr()
        assert err.count("binary %s stored" % sha) == 1, err
        assert "refused 40" not in err.replace("refused 404: no such binary", ""), err
        # an unknown binary is not there
        code, data = hub.curl("/v1/binary/" + "0" * 64,
                              headers=["Authorization: Bearer test-token-0123456789abcdef"])
        assert code == 404


def test_uplink_full_events():
    """option events '1': the raw events ride along, byte for byte as the
    store has them, each exactly once on the hub."""
    import sqlite3
    with Hub() as hub:
        secret, pin = hub.enroll("decoy-u6")
        d = Daemon(main={"sync_ms": "50"},
                   extra=uplink_lines(hub, secret, pin, device="decoy-u6",
                                      extra=["\toption events '1'"]))
        with d:
            attack(d, 7)
            wait_match(hub, d)
            time.sleep(0.5)
            store = [l for l in subprocess.run(
                [TOOL, "export", "--store", d.store], capture_output=True,
                check=True).stdout.decode().splitlines() if '"eventid":"cowrie.' in l]
        db = sqlite3.connect(os.path.join(hub.dir, "hub.db"))
        raw = [r[0] for r in db.execute("SELECT raw FROM events ORDER BY seq, idx")]
        db.close()
        got = [r for r in raw if '"eventid":"cowrie.' in r]
        assert got == store, (len(got), len(store))
        # the same lines for a pipeline, as NDJSON from the API
        code, data = hub.curl("/v1/events?limit=10000",
                              headers=["Authorization: Bearer test-token-0123456789abcdef"])
        assert code == 200
        lines = data.decode().splitlines()
        assert [l for l in lines if '"eventid":"cowrie.' in l] == store
        assert all(json.loads(l)["sensor"] == "test-sensor" for l in lines)


def test_uplink_hub_by_name():
    """A hub by name: resolved with the decoy's own async DNS client against
    a server the test runs on 127.0.0.1; an unknown name is a failure."""
    import fetchsrv
    dns = fetchsrv.Dns({"hub.test": "127.0.0.1"})
    with Hub() as hub:
        secret, pin = hub.enroll("decoy-u7")
        lines = uplink_lines(hub, secret, pin, device="decoy-u7",
                             extra=["\toption dns '127.0.0.1:%d'" % dns.port])
        lines[1] = "\toption url 'https://hub.test:%d/v1/ingest'" % hub.port
        d = Daemon(main={"sync_ms": "50"}, extra=lines)
        with d:
            attack(d, 4)
            wait_match(hub, d)
        assert any(q == "hub.test" or "hub.test" in str(q) for q in dns.queries), dns.queries
        lines[1] = "\toption url 'https://nohub.test:%d/v1/ingest'" % hub.port
        d = Daemon(main={"sync_ms": "50"}, extra=lines)
        with d:
            evs = d.wait_events(lambda e: len(by_id(e, "tanuki.uplink.failed")) >= 1)
            f = by_id(evs, "tanuki.uplink.failed")[0]
            assert f["reason"] == "dns", f
