#!/usr/bin/env python3
"""make bench — speed and memory of the decoy on this PC, loopback only.

Figures: login attempts/s at 1, 16 and 256 parallel attackers (one attempt
per connection, failure delay 0), idle RSS, RSS per pre-login session and
per logged-in shell (1000 of each), time until 1000 simultaneous connects
all had their first bytes, and the sizes of the built binaries.
"""
import argparse
import os
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import tanuki_test as tt  # noqa: E402


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def daemon(build, persona="xiongmai-dvr"):
    d = tt.Daemon(persona=persona, binary=os.path.join(build, "host", "tanuki"),
                  fail_delay_ms=0,
                  main={"max_sessions": "4096", "max_per_src": "4096",
                        "quota_kb": "65536"})  # a PC run: keep every event
    return d.start()


def loadgen(build):
    exe = os.path.join(build, "bench", "loadgen")
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    subprocess.run(["cc", "-O2", "-o", exe,
                    os.path.join(TOP, "tests", "bench", "loadgen.c")], check=True)
    return exe


def hold(lg, port, count, mode, user, pw):
    p = subprocess.Popen([lg, "hold", str(port), str(count), mode, user, pw],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    out = {}
    for line in p.stdout:
        k, v = line.split()
        out[k] = float(v)
        if k == "ready":
            break
    return p, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--seconds", type=float, default=5.0)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    lg = loadgen(build)
    results = []

    # 1. login attempts per second
    for par in (1, 16, 256):
        d = daemon(build)
        out = subprocess.run([lg, "attempts", str(d.port), str(par), str(a.seconds),
                              "root", "wrongpass"], capture_output=True, text=True,
                             check=True).stdout.split()
        kv = dict(zip(out[::2], out[1::2]))
        d.stop()
        # sealed and open segments together, as the owner reads them
        x = subprocess.run([os.path.join(build, "host", "tanuki"), "export", "--store", d.store],
                           capture_output=True, check=True).stdout
        logged = x.count(b'"eventid":"cowrie.login.failed"')
        results.append(("login attempts/s, %d parallel" % par, "%s/s" % kv["rate"],
                        "%s attempts, %s logged, %s errors" % (kv["attempts"], logged,
                                                               kv["errors"])))

    # 2. memory
    d = daemon(build)
    time.sleep(0.5)
    idle = rss_kb(d.proc.pid)
    results.append(("idle RSS", "%d KB" % idle, ""))
    p, out = hold(lg, d.port, 1000, "prelogin", "root", "x")
    time.sleep(0.5)
    pre = rss_kb(d.proc.pid)
    results.append(("time until 1000 connects all had first bytes",
                    "%.0f ms" % (out["first_bytes_all"] * 1000), ""))
    results.append(("RSS per pre-login session (1000)",
                    "%.2f KB" % ((pre - idle) / 1000.0), "%d KB total" % pre))
    p.stdin.close()
    p.wait()
    d.stop()

    d = daemon(build)
    time.sleep(0.5)
    idle = rss_kb(d.proc.pid)
    p, out = hold(lg, d.port, 1000, "shell", "root", "xc3511")
    time.sleep(0.5)
    sh = rss_kb(d.proc.pid)
    results.append(("RSS per logged-in shell (1000)",
                    "%.2f KB" % ((sh - idle) / 1000.0),
                    "%d KB total, %d ready" % (sh, out.get("ready", 0))))
    p.stdin.close()
    p.wait()
    d.stop()

    # 3. sizes
    for name in ("host/tanuki", "mipsel/tanuki", "mips/tanuki"):
        path = os.path.join(build, name)
        if os.path.exists(path):
            results.append(("size of " + name, "%d bytes" % os.path.getsize(path), ""))

    print()
    for k, v, note in results:
        print("%-48s %14s   %s" % (k, v, note))


if __name__ == "__main__":
    main()
