#!/usr/bin/env python3
"""make bench, dashboard part — the hub's pages on a hub holding a year of
summaries from 100 decoys (generated straight into its SQLite file: one
summary per decoy every 6 hours, ~12 rows each, as an uplink would store
them), each page timed over loopback HTTPS for the 24h and 1y ranges
(the time is the hub's: TLS on loopback adds ~1 ms). Target: 300 ms a page.

  tests/bench/bench_hub_web.py --build build [--decoys 100] [--step-h 6]
"""
import argparse
import os
import random
import sqlite3
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--decoys", type=int, default=100)
    ap.add_argument("--step-h", type=int, default=6)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    os.environ["TANUKI_BUILD"] = build
    os.environ["TANUKI_HUB_BIN"] = os.path.join(build, "host", "tanuki-hub")
    import test_hub
    test_hub.HUB = os.environ["TANUKI_HUB_BIN"]
    import test_hub_web as tw
    tw.HUB = test_hub.HUB
    hub = test_hub.Hub()
    hub.start()
    hub.stop()  # the schema exists now
    db = sqlite3.connect(os.path.join(hub.dir, "hub.db"))
    rnd = random.Random(1)
    now = int(time.time())
    step = a.step_h * 3600
    t0 = now - 365 * 86400
    users = ["root", "admin", "support", "guest", "user", "default"]
    pws = ["xc3511", "vizxv", "admin", "888888", "123456", "default", "54321", "hi3518"]
    cmds = ["cat /proc/cpuinfo", "/bin/busybox MIRAI", "enable", "system", "shell", "sh"]
    n = 0
    start = time.time()
    for d in range(a.decoys):
        dev = "decoy-%03d" % d
        db.execute("INSERT INTO devices (name, secret, created, last_seen, last_seq, version,"
                   " persona, uptime_s, used_kb, quota_kb) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (dev, "0" * 64, t0, now - rnd.randrange(0, 7200), 0, "0.1.0",
                    "xiongmai-dvr", 86400, 800, 4096))
        rows = {k: [] for k in ("s", "c", "cr", "so", "cm", "ex")}
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
        db.executemany("INSERT INTO summaries VALUES (?,?,?,?,?,?,?)", rows["s"])
        db.executemany("INSERT INTO counts VALUES (?,?,?,?,?,?)", rows["c"])
        db.executemany("INSERT INTO credentials VALUES (?,?,?,?,?,?)", rows["cr"])
        db.executemany("INSERT INTO sources VALUES (?,?,?,?,?)", rows["so"])
        db.executemany("INSERT INTO commands VALUES (?,?,?,?,?)", rows["cm"])
        db.executemany("INSERT INTO exploits VALUES (?,?,?,?,?)", rows["ex"])
    db.commit()
    db.close()
    size = os.path.getsize(os.path.join(hub.dir, "hub.db"))
    print("dashboard (build/host/tanuki-hub, SQLite): %d summaries from %d decoys over a year"
          " (one per %d h), %.0f MB, generated in %.0f s"
          % (n, a.decoys, a.step_h, size / 1e6, time.time() - start))
    hub.start()
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


if __name__ == "__main__":
    main()
