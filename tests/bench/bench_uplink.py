#!/usr/bin/env python3
"""make bench, uplink part — the decoy (host build) against a tanuki-hub on
127.0.0.1: a backlog built while the hub is down (a Mirai-like burst with one
credential from loadgen, then 1000 attempts over 400 distinct credentials,
so summaries are cut by the 256-row credential table), then the time until
the hub's counts equal the store's, how many summaries that took, their
sizes, and the decoy's peak RSS while catching up. Loopback only.
"""
import argparse
import os
import re
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
import tanuki_test as tt  # noqa: E402
import test_hub  # noqa: E402


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def attempt(port, user, pw):
    c = tt.Conn(port)
    tt.telnet_login(c, user, pw)
    c.read_until(b"ogin")
    c.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--seconds", type=float, default=5.0)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    os.environ["TANUKI_HUB_BIN"] = os.path.join(build, "host", "tanuki-hub")
    test_hub.HUB = os.environ["TANUKI_HUB_BIN"]
    lg = os.path.join(build, "bench", "loadgen")
    if not os.path.exists(lg):
        os.makedirs(os.path.dirname(lg), exist_ok=True)
        subprocess.run(["cc", "-O2", "-o", lg, os.path.join(TOP, "tests", "bench", "loadgen.c")],
                       check=True)
    hub = test_hub.Hub()
    secret, pin = hub.enroll("bench")
    d = tt.Daemon(binary=os.path.join(build, "host", "tanuki"), fail_delay_ms=0,
                  main={"max_sessions": "4096", "max_per_src": "4096", "quota_kb": "65536",
                        "sync_ms": "200"},
                  extra=["config uplink 'hub'",
                         "\toption url 'https://127.0.0.1:%d/v1/ingest'" % hub.port,
                         "\toption pin '%s'" % pin, "\toption device 'bench'",
                         "\toption secret '%s'" % secret, "\toption interval_s '1'"])
    d.start()
    pid = d.proc.pid
    rss0 = status_kb(pid, "VmRSS")
    out = subprocess.run([lg, "attempts", str(d.port), "16", str(a.seconds), "root", "wrongpass"],
                         capture_output=True, text=True, check=True).stdout.split()
    burst = dict(zip(out[::2], out[1::2]))
    for i in range(1000):
        tt_user = "u%03d" % (i % 400)
        attempt(d.port, tt_user, "p%d" % (i % 7))
    time.sleep(0.5)
    x = subprocess.run([os.path.join(build, "host", "tanuki"), "export", "--store", d.store],
                       capture_output=True, check=True).stdout
    want = x.count(b'"eventid":"cowrie.login.failed"')
    rss_before = status_kb(pid, "VmRSS")
    t0 = time.time()
    hub.start()
    got = 0
    while time.time() - t0 < 120:
        tot = hub.api("/v1/totals")
        got = tot["by_event"].get("cowrie.login.failed", 0)
        if got >= want:
            break
        time.sleep(0.2)
    dt = time.time() - t0
    hwm = status_kb(pid, "VmHWM")
    rss_after = status_kb(pid, "VmRSS")
    d.stop()
    sizes = [int(m) for m in re.findall(r"stored \((\d+) bytes\)", hub.stderr())]
    dbsize = os.path.getsize(os.path.join(hub.dir, "hub.db"))
    hub.stop()
    hub.__exit__(None, None, None)
    print("uplink (decoy build/host/tanuki -> tanuki-hub on 127.0.0.1, SQLite)")
    print("  backlog: %s attempts burst (1 credential) + 1000 over 400 credentials; "
          "%d login.failed in the store" % (burst.get("attempts"), want))
    print("  caught up in %.2f s after the hub came up: %d of %d counted, %d summaries"
          % (dt, got, want, len(sizes)))
    if sizes:
        print("  summary bodies: min %d, median %d, max %d bytes; hub SQLite file %d bytes"
              % (min(sizes), sorted(sizes)[len(sizes) // 2], max(sizes), dbsize))
    print("  decoy RSS: %d kB at start, %d kB with the backlog, %d kB after; peak (VmHWM) %d kB"
          % (rss0, rss_before, rss_after, hwm))
    if got != want:
        print("  MISMATCH: the hub counted %d, the store has %d" % (got, want))
        sys.exit(1)


if __name__ == "__main__":
    main()
