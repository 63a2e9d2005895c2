#!/usr/bin/env python3
"""make bench — speed and memory of the decoy on this PC, loopback only.

Figures: login attempts/s at 1, 16 and 256 parallel attackers (one attempt
per connection, failure delay 0), idle RSS, RSS per pre-login session and
per logged-in shell (1000 of each), time until 1000 simultaneous connects
all had their first bytes, the sizes of the built binaries, and the flash
figures of the capture store (tests/bench/flashsim.c): a synthetic busy line
(20 000 login attempts a day with Mirai's credential weights from about
3 000 sources, 200 loader sessions a day, a new 60 KiB binary a day) written
through the real store at accelerated time for 30 days into a 2 MiB quota —
bytes per attempt on flash, bytes written, syncs, what the store holds at
the end — and a year (365 days, 2 000 attempts a day) for the size of the
per-day aggregates. `--flash` runs only the flash figures.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
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


def flashsim_start(build, *args):
    exe = os.path.join(build, "host", "flashsim")
    if not os.path.exists(exe):
        subprocess.run(["make", "-s", "BUILD=" + build, exe], cwd=TOP, check=True)
    # a RAM folder when there is one: the figures are counted, not timed
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    d = tempfile.mkdtemp(prefix="tanuki-flash-", dir=base)
    p = subprocess.Popen([exe, os.path.join(d, "store")] + [str(x) for x in args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p, d, time.time()


def flashsim_wait(run):
    p, d, t0 = run
    try:
        stdout, stderr = p.communicate()
    finally:
        shutil.rmtree(d, ignore_errors=True)
    out = {"seconds": time.time() - t0}
    for line in stdout.splitlines():
        k, _, v = line.partition(" ")
        if k == "FAIL":
            print("flashsim: " + line, file=sys.stderr)
        out[k] = v
    if p.returncode != 0 or out.get("result") != "ok":
        raise SystemExit("flashsim failed: %s %s" % (stdout[-2000:], stderr[-2000:]))
    return out


def flash_figures(results, build):
    # both at once (each is one thread): 30 busy days into 2 MiB, and a
    # year at a tenth of the attempts (5-minute ticks) for the day files
    rb = flashsim_start(build)
    ry = flashsim_start(build, "days", 365, "attempts", 2000, "loaders", 20, "tick", 300,
                        "check", 21600, "seal_h", 12, "label", "year")
    b = flashsim_wait(rb)
    y = flashsim_wait(ry)
    # the same line with a working uplink (cursor moved every 5 minutes)
    dl = flashsim_wait(flashsim_start(build, "delivered", 1, "label", "delivered"))
    kib = 1024.0
    results += [
        ("flash: bytes per login attempt, full detail", "%s B" % b["bytes_per_attempt"],
         "%s attempts in the %s sealed segments held (bar: <= 12)" % (
             b["attempts_held"], b["sealed_held"])),
        ("flash: full detail a 2 MiB store holds", "%s days" % b["full_detail_days"],
         "+ %s binaries (%.0f KiB) + %s days of aggregates (%.1f KiB); %.0f KiB used" % (
             b["binaries_held"], int(b["binaries_bytes"]) / kib, b["days_held"],
             int(b["days_bytes"]) / kib, int(b["store_bytes_end"]) / kib)),
        ("flash: ... with a working uplink", "%s days" % dl["full_detail_days"],
         "+ %s binaries (%.0f KiB); delivered segments and binaries evicted by age; "
         "%.2f B per attempt; at most %.0f KiB" % (
             dl["binaries_held"], int(dl["binaries_bytes"]) / kib, float(dl["bytes_per_attempt"]),
             int(dl["store_bytes_max"]) / kib)),
        ("flash: most bytes ever on flash (quota 2048 KiB)",
         "%.0f KiB" % (int(b["store_bytes_max"]) / kib),
         "checked %s times; %s segments, %s binaries evicted in order" % (
             b["quota_checks"], b["evicted_segments"], b["evicted_files"])),
        ("flash: bytes written a day", "%.1f MiB" % (float(b["bytes_written_per_day"]) / kib / kib),
         "%.0f MiB in %s days (lines, sealed segments, binaries, day files; "
         "%.0f MiB of it the status file)" % (
             int(b["bytes_written"]) / kib / kib, b["days_simulated"],
             int(b["status_bytes_written"]) / kib / kib)),
        ("flash: syncs an hour", "%s" % b["syncs_per_hour"],
         "%s syncs in %s days (%.0f s to simulate)" % (b["syncs"], b["days_simulated"],
                                                       b["seconds"])),
        ("flash: a year of per-day aggregates", "%.1f KiB" % (int(y["days_bytes"]) / kib),
         "%s days held, at most %.1f KiB on the way (bar: <= 256 KiB; %.0f s)" % (
             y["days_held"], int(y["days_bytes_max"]) / kib, y["seconds"])),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--flash", action="store_true", help="only the flash figures")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    results = []
    if a.flash:
        flash_figures(results, build)
        print()
        for k, v, note in results:
            print("%-48s %14s   %s" % (k, v, note))
        return
    lg = loadgen(build)

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

    # 3. the store on flash
    flash_figures(results, build)

    # 4. sizes
    for name in ("host/tanuki", "mipsel/tanuki", "mips/tanuki"):
        path = os.path.join(build, name)
        if os.path.exists(path):
            results.append(("size of " + name, "%d bytes" % os.path.getsize(path), ""))

    # 5. the uplink's handshake arithmetic on the firmware's mbedTLS, under
    # qemu-user (make TARGET=mipsel build/mipsel/tlsbench; tests/bench/tlsbench.c)
    tb = os.path.join(build, "mipsel", "tlsbench")
    if os.path.exists(tb):
        p = subprocess.run(["qemu-mipsel-static", tb], capture_output=True, text=True,
                           timeout=600)
        for line in p.stdout.splitlines():
            k, _, v = line.rpartition(" ")
            results.append(("mipsel mbedTLS " + k, v, "qemu-user, CPU time"))

    print()
    for k, v, note in results:
        print("%-48s %14s   %s" % (k, v, note))


if __name__ == "__main__":
    main()
