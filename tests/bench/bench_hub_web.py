#!/usr/bin/env python3
"""make bench, dashboard part — the hub's pages on a hub holding a year of
summaries from 100 decoys (generated straight into its SQLite file: one
summary per decoy every 6 hours, ~12 rows each, as an uplink would store
them), each page timed over loopback HTTPS for the 24h and 1y ranges
(the time is the hub's: TLS on loopback adds ~1 ms). Target: 300 ms a page.
The same rows then go into PostgreSQL (a throw-away cluster on a Unix
socket, as test_hub's pg_cluster makes it; skipped with a note when the
server is not installed). The hub builds its daily roll-ups from them at
start (the rows were written behind its back). The Sources page looks
each address up in small GeoIP databases (tests/lib/mmdb.py).

  tests/bench/bench_hub_web.py --build build [--decoys 100] [--step-h 6]
                               [--db sqlite|postgresql|both]
"""
import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))


TABLES = [("summaries", "s"), ("counts", "c"), ("credentials", "cr"), ("sources", "so"),
          ("commands", "cm"), ("exploits", "ex")]


def generate(decoys, step_h, now):
    """The devices and per-summary rows, as an uplink would store them."""
    rnd = random.Random(1)
    step = step_h * 3600
    t0 = now - 365 * 86400
    users = ["root", "admin", "support", "guest", "user", "default"]
    pws = ["xc3511", "vizxv", "admin", "888888", "123456", "default", "54321", "hi3518"]
    cmds = ["cat /proc/cpuinfo", "/bin/busybox MIRAI", "enable", "system", "shell", "sh"]
    devs = []
    rows = {k: [] for _, k in TABLES}
    n = 0
    for d in range(decoys):
        dev = "decoy-%03d" % d
        devs.append((dev, "0" * 64, t0, now - rnd.randrange(0, 7200), 0, "0.1.0",
                     "xiongmai-dvr", 86400, 800, 4096))
        for seq, pf in enumerate(range(t0, now, step)):
            sess = rnd.randrange(5, 400)
            rows["s"].append((dev, seq, pf + step, pf, pf + step, sess, 900))
            rows["c"] += [(dev, seq, pf, "port", "23", sess), (dev, seq, pf, "port", "37215", sess // 10),
                          (dev, seq, pf, "event", "cowrie.session.connect", sess),
                          (dev, seq, pf, "event", "cowrie.login.failed", sess * 2)]
            for i in range(4):
                rows["cr"].append((dev, seq, pf, rnd.choice(users), rnd.choice(pws), rnd.randrange(1, 20)))
            rows["so"] += [(dev, seq, pf, "198.51.100.%d" % rnd.randrange(256), rnd.randrange(1, 50))
                           for _ in range(3)]
            rows["cm"].append((dev, seq, pf, rnd.choice(cmds), rnd.randrange(1, 5)))
            rows["ex"].append((dev, seq, pf, "CVE-2017-17215", rnd.randrange(0, 3)))
            n += 1
    return devs, rows, n


DEV_COLS = ("name, secret, created, last_seen, last_seq, version, persona, uptime_s, used_kb,"
            " quota_kb")


def fill_sqlite(path, devs, rows):
    db = sqlite3.connect(path)
    db.executemany("INSERT INTO devices (%s) VALUES (?,?,?,?,?,?,?,?,?,?)" % DEV_COLS, devs)
    for t, k in TABLES:
        db.executemany("INSERT INTO %s VALUES (%s)" % (t, ",".join("?" * len(rows[k][0]))),
                       rows[k])
    # rows written behind the hub's back: it rebuilds its daily roll-ups
    # from them when it next starts (db_roll.c)
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'roll_state'").fetchone():
        db.execute("DELETE FROM roll_state")
    db.commit()
    db.close()


def fill_pg(uri, devs, rows):
    """COPY through psql (no Python driver needed)."""
    def copy(table, cols, data):
        text = "".join("\t".join(str(v) for v in r) + "\n" for r in data)
        p = subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c",
                            "COPY %s%s FROM STDIN" % (table, cols)],
                           input=text, capture_output=True, text=True, timeout=900)
        assert p.returncode == 0, p.stderr
    copy("devices", " (%s)" % DEV_COLS, devs)
    for t, k in TABLES:
        copy(t, "", rows[k])
    p = subprocess.run(["psql", "-q", uri, "-c", "ANALYZE"],
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    # (a hub before the roll-ups has no roll_state: that error is harmless)
    subprocess.run(["psql", "-q", uri, "-c", "DELETE FROM roll_state"],
                   capture_output=True, text=True, timeout=900)


def bench(label, db, devs, rows, n, decoys, step_h, gen_s):
    import test_hub
    import test_hub_web as tw
    import mmdb
    gdir = tempfile.mkdtemp(prefix="tanuki-bench-geo-")
    nets = ["198.51.100.0/25", "198.51.100.128/26", "198.51.100.192/27", "198.51.100.224/27"]
    cc = [("JP", "Japan"), ("DE", "Germany"), ("BR", "Brazil"), ("US", "United States")]
    geo_c = mmdb.write_mmdb(os.path.join(gdir, "c.mmdb"), "GeoLite2-Country",
                            {n: mmdb.country(*c) for n, c in zip(nets, cc)})
    geo_a = mmdb.write_mmdb(os.path.join(gdir, "a.mmdb"), "GeoLite2-ASN",
                            {n: mmdb.asn(64500 + i, "Net %d" % i) for i, n in enumerate(nets)})
    hub = test_hub.Hub(db=db, extra=["\toption geoip_country '%s'" % geo_c,
                                     "\toption geoip_asn '%s'" % geo_a])
    hub.start()
    hub.stop()  # the schema exists now
    t = time.time()
    if db is None:
        fill_sqlite(os.path.join(hub.dir, "hub.db"), devs, rows)
        size = "%.0f MB, " % (os.path.getsize(os.path.join(hub.dir, "hub.db")) / 1e6)
    else:
        fill_pg(db, devs, rows)
        size = ""
    print("dashboard (build/host/tanuki-hub, %s): %d summaries from %d decoys over a year"
          " (one per %d h), %sgenerated in %.0f s, stored in %.0f s"
          % (label, n, decoys, step_h, size, gen_s, time.time() - t))
    t = time.time()
    hub.start(wait=900)
    print("  hub started in %.1f s%s" % (time.time() - t, " (daily roll-ups built)"
                                         if "daily roll-ups built" in hub.stderr() else ""))
    tw.add_user(hub)
    w = tw.Web(hub)
    assert w.login()[0] == 303
    for rng in ("24h", "1y"):
        for p in tw.PAGES + ["/search?q=root"]:
            url = p + ("&" if "?" in p else "?") + "range=" + rng
            best = None
            for _ in range(3):
                t = time.time()
                st, _, body = w.req("GET", url)
                dt = time.time() - t
                assert st == 200 and b"store error" not in body, url
                best = dt if best is None else min(best, dt)
            print("  %-22s %4s  %6.0f ms%s" % (p, rng, best * 1000,
                                                "  (over 300 ms)" if best > 0.3 else ""))
    hub.stop()
    hub.__exit__(None, None, None)
    shutil.rmtree(gdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--decoys", type=int, default=100)
    ap.add_argument("--step-h", type=int, default=6)
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    os.environ["TANUKI_BUILD"] = build
    os.environ["TANUKI_HUB_BIN"] = os.path.join(build, "host", "tanuki-hub")
    import test_hub
    test_hub.HUB = os.environ["TANUKI_HUB_BIN"]
    import test_hub_web as tw
    tw.HUB = test_hub.HUB
    t = time.time()
    devs, rows, n = generate(a.decoys, a.step_h, int(time.time()))
    gen_s = time.time() - t
    if a.db in ("sqlite", "both"):
        bench("SQLite", None, devs, rows, n, a.decoys, a.step_h, gen_s)
    if a.db in ("postgresql", "both"):
        # a throw-away cluster as the hub's tests make one (test_hub.pg_cluster)
        with test_hub.pg_cluster() as uri:
            if not uri:
                print("dashboard (PostgreSQL): not run: no PostgreSQL server installed")
            else:
                bench("PostgreSQL", uri, devs, rows, n, a.decoys, a.step_h, gen_s)


if __name__ == "__main__":
    main()
