"""The capture store: sealing, export, verify, power cuts, quota, full and
read-only flash, and the bytes a failed login costs on flash."""
import glob
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import tanuki_test as tt  # noqa: E402
from tanuki_test import Conn, Daemon, by_id  # noqa: E402
import store_corpus  # noqa: E402


def tool(*args, check=True):
    p = subprocess.run([tt.BINARY] + list(args), capture_output=True,
                       env=dict(os.environ, **tt.SAN_ENV))
    assert b"Sanitizer" not in p.stderr and b"runtime error" not in p.stderr, p.stderr
    if check:
        assert p.returncode == 0, (args, p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    return p


def export(store, *extra):
    return tool("export", "--store", store, *extra).stdout


def fail_login(port, user="root", pw="nope"):
    c = Conn(port)
    c.read_until((b"login: ", b"Login:"))
    c.send(user + "\r\n")
    c.read_until(b"assword")
    c.send(pw + "\r\n")
    c.read_until(b"incorrect")
    c.close()


def plain_lines(store):
    out = b""
    for p in sorted(glob.glob(os.path.join(store, "events", "*.jsonl"))):
        with open(p, "rb") as f:
            out += f.read()
    return out


def test_store_export_identical_across_sealing():
    d = Daemon(main={"max_tries": 1, "sync_ms": 50})
    with d:
        for i in range(30):
            fail_login(d.port, "root", "pw%d\x01\u00e9\"" % i)
        d.wait_events(lambda e: len(by_id(e, "cowrie.session.closed")) >= 30)
    before = plain_lines(d.store)
    assert before.count(b"\n") > 90
    assert not glob.glob(os.path.join(d.store, "events", "*.tzs"))
    # the next start seals what the last run left open
    d2 = Daemon(main={"store": d.store})
    d2.store = d.store
    with open(d2.conf) as f:
        conf = f.read().replace(os.path.join(d2.dir, "store"), d.store)
    with open(d2.conf, "w") as f:
        f.write(conf)
    with d2:
        pass
    sealed = glob.glob(os.path.join(d.store, "events", "*.tzs"))
    assert sealed, os.listdir(os.path.join(d.store, "events"))
    out = export(d.store)
    assert out.startswith(before), (len(out), len(before))
    assert tool("verify", "--store", d.store).returncode == 0
    # --since / --until
    lines = [json.loads(x) for x in out.splitlines()]
    mid = lines[len(lines) // 2]["timestamp"]
    part = export(d.store, "--since", mid).splitlines()
    assert part and all(json.loads(x)["timestamp"] >= mid for x in part)


def _seed_store(store, segs_text):
    """Writes a store as a crashed run would leave it: a unit and plain
    segments; returns the unit seed."""
    os.makedirs(os.path.join(store, "events"), exist_ok=True)
    seed = hashlib.sha256(b"bpa").digest()
    with open(os.path.join(store, "unit"), "wb") as f:
        f.write(seed + (1767225600).to_bytes(8, "big"))
    return seed


def test_store_bytes_per_failed_login():
    """A Mirai-like corpus (60 credentials, many sources, one attempt per
    connection) sealed by the daemon: <= 12 bytes per attempt on flash."""
    d = Daemon()
    seed = _seed_store(d.store, None)
    names = ["20260101T%02d0000-000" % i for i in range(24)]

    def keyf(i):
        return hashlib.sha256(b"tanuki-segment" + seed + names[i].encode()).digest()[:16]

    attempts = 6000
    evs = store_corpus.corpus(attempts, seed=7)
    segs = store_corpus.segments(evs, 512 * 1024, keyf)
    raw = b""
    for i, (k, text) in enumerate(segs):
        with open(os.path.join(d.store, "events", names[i] + ".jsonl"), "w") as f:
            f.write(text)
        raw += text.encode()
    with d:
        pass
    sealed = sorted(glob.glob(os.path.join(d.store, "events", "*.tzs")))
    assert len(sealed) == len(segs), sealed
    size = sum(os.path.getsize(p) for p in sealed)
    out = export(d.store)
    assert out.startswith(raw), "export differs from the sealed lines"
    bpa = size / attempts
    print("      bytes per failed login: %.2f (raw %.0f, %d segments)" % (
        bpa, len(raw) / attempts, len(segs)))
    assert bpa <= 12.0, bpa


def _status(store):
    try:
        with open(os.path.join(store, "status")) as f:
            return json.loads(f.read())
    except (OSError, ValueError):
        return None


def test_store_power_cut():
    """SIGKILL at random moments under load (and the unsynced tail of the
    open segment torn at random), restarted each time: verify passes and
    every login the attacker saw answered before the last completed sync of
    its run is in the store.

    Each login is judged against the status of the run that answered it: a
    login answered after its run's last sync may be lost with that run (the
    contract promises nothing for it), and a later run's sync cannot bring
    it back. Judging old logins against a later run's synced point would
    demand events the killed run never wrote (they were still in its RAM
    buffer)."""
    import socket
    import threading
    import re
    import socket
    import threading
    rnd = random.Random(5)
    # a quota far above what the test writes: eviction is not under test here
    d = Daemon(main={"max_tries": 1, "sync_ms": 20, "segment_kb": 16,
                     "quota_kb": 1048576, "reserve_kb": 0})
    must = {}           # login -> trial, for logins some run synced: never lost
    nacked = 0
    trials = 0
    t0 = time.time()
    starts = []         # wall time each trial began

    def present(since=None):
        out = export(d.store, *(["--since", _iso(since)] if since else []))
        return set(re.findall(rb'"password":"(t[0-9]-[0-9]+-[0-9]+)"', out))

    while trials < 200:
        assert time.time() - t0 < 240, ("too slow", trials)
        acked = []      # (wall time the client saw "Login incorrect", password)
        starts.append(time.time())
        d.start()
        stop = threading.Event()

        def attack(tag):
            i = 0
            while not stop.is_set():
                pw = "%s-%d-%d" % (tag, trials, i)
                i += 1
                try:
                    fail_login(d.port, "root", pw)
                    acked.append((time.time(), pw))
                except (AssertionError, OSError, socket.error):
                    return
                time.sleep(0.004)   # steady, not flat out: keeps the log small
        ths = [threading.Thread(target=attack, args=("t%d" % k,)) for k in range(3)]
        for t in ths:
            t.start()
        time.sleep(rnd.uniform(0.02, 0.3))
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait()
        stop.set()
        for t in ths:
            t.join()
        d.errf.close()
        nacked += len(acked)
        st = _status(d.store)
        if st and st.get("pid") != d.proc.pid:
            st = None  # killed before its first status: nothing acked yet
        assert st or not acked, "logins answered before the store was open"
        # a power cut also loses what was written but not synced: tear it
        if st and st.get("open_segment") and rnd.random() < 0.5:
            p = os.path.join(d.store, "events", st["open_segment"] + ".jsonl")
            if os.path.exists(p):
                size = os.path.getsize(p)
                keep = st["open_synced"]
                if size > keep:
                    with open(p, "r+b") as f:
                        f.truncate(rnd.randint(keep, size))
        if st:
            through = st["synced_through_us"] / 1e6
            for (t, pw) in acked:
                if t < through:
                    must[pw.encode()] = trials
        # verify and export read the store as the power cut left it; the
        # next start recovers it. This run's and the last run's logins (the
        # last run's plain segment was recovered and sealed by this start)
        # are checked each time, all of them every 25 runs and at the end.
        v = tool("verify", "--store", d.store, check=False)
        assert v.returncode == 0, v.stdout.decode()
        full = trials % 25 == 24
        have = present(None if full else starts[max(0, trials - 1)] - 1)
        missing = [pw for pw, k in must.items()
                   if (full or k >= trials - 1) and pw not in have]
        assert not missing, (trials, len(missing), sorted(missing)[:5], st, d.store,
                             sorted(os.listdir(os.path.join(d.store, "events")))[-3:])
        trials += 1
    d.start()
    d.stop()
    assert tool("verify", "--store", d.store).returncode == 0
    have = present()
    assert all(pw in have for pw in must), [pw for pw in must if pw not in have][:5]
    assert len(must) > 1000, len(must)
    print("      %d power cuts in %.0f s, %d logins answered, %d synced and kept" % (
        trials, time.time() - t0, nacked, len(must)))


def _iso(t):
    us = int(t * 1e6)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(us // 1000000)) + \
        ".%06dZ" % (us % 1000000)


def test_store_quota_evicts_in_order():
    """Over quota_kb the store evicts in the documented order (delivered
    segments and binaries no undelivered segment names, the older first,
    then the oldest undelivered segments), logs each eviction as
    tanuki.store.evicted and keeps capturing.

    The store starts as a crashed run left it: 12 plain segments from the
    past (sealed by the start), a cursor saying the first 3 were delivered,
    and three 16 KB binaries stored at 00:00, 00:01 and 00:02 of the first
    segment's hour: A and B unreferenced, C named by segment 5. So A and B go
    after delivered segment 0 (opened at 00:00, older by a tie) and before
    delivered segments 1 and 2 (01:00, 02:00). Logins then fill the 64 KB quota until C goes. The eviction
    events are written to the open segment; they are evicted only after
    every older segment (oldest first), so the test stops while the seeded
    segments 6..11 still stand in front of the daemon's own."""
    d = Daemon(main={"max_tries": 1, "quota_kb": 64, "reserve_kb": 0, "segment_kb": 8,
                     "sync_ms": 50})
    seed = _seed_store(d.store, None)
    names = ["20260101T%02d0000-000" % i for i in range(12)]

    def keyf(i):
        return hashlib.sha256(b"tanuki-segment" + seed + names[i].encode()).digest()[:16]

    rnd = random.Random(3)
    files = {}
    os.makedirs(os.path.join(d.store, "files"), exist_ok=True)
    for k, tag in enumerate("ABC"):
        data = bytes(rnd.getrandbits(8) for _ in range(16384))
        h = hashlib.sha256(data).hexdigest()
        files[tag] = h
        fp = os.path.join(d.store, "files", h)
        with open(fp, "wb") as f:
            f.write(data)
        os.utime(fp, (1767225600 + k * 60, 1767225600 + k * 60))
    evs = store_corpus.corpus(360, seed=11)
    segs = store_corpus.segments(evs, 24 * 1024, keyf)[:12]
    assert len(segs) == 12
    for i, (k, text) in enumerate(segs):
        if i == 5:
            last = json.loads(text.splitlines()[-1])
            dl = {"eventid": "cowrie.session.file_download",
                  "timestamp": last["timestamp"], "session": last["session"],
                  "src_ip": last["src_ip"], "src_port": last["src_port"],
                  "dst_ip": last["dst_ip"], "dst_port": last["dst_port"],
                  "sensor": last["sensor"], "protocol": "telnet",
                  "url": "http://198.51.100.9/bins/mips", "outfile": "files/" + files["C"],
                  "shasum": files["C"]}
            text += json.dumps(dl, separators=(",", ":")) + "\n"
        with open(os.path.join(d.store, "events", names[i] + ".jsonl"), "w") as f:
            f.write(text)
    with open(os.path.join(d.store, "cursor"), "w") as f:
        # the uplink writes more after the first line: only that one counts
        f.write(names[2] + "\n" + "uplink-state x\n" * 200)
    order = [("segment", names[0]), ("file", files["A"]), ("file", files["B"])] + \
        [("segment", n) for n in names[1:6]] + [("file", files["C"])] + \
        [("segment", n) for n in names[6:]]
    with d:
        i = 0
        while i < 4000:
            for _ in range(50):
                fail_login(d.port, "root", "q%d" % i)
                i += 1
            time.sleep(0.1)
            st = _status(d.store)
            if st and st["evicted_files"] >= 3:
                break
        for _ in range(20):
            fail_login(d.port, "root", "q%d" % i)
            i += 1
        time.sleep(0.3)
        st = _status(d.store)
    print("      %d logins; %s segments, %s files evicted, %s bytes" % (
        i, st["evicted_segments"], st["evicted_files"], st["evicted_bytes"]))
    used = sum(os.path.getsize(p) for p in glob.glob(os.path.join(d.store, "*", "*")))
    used += sum(os.path.getsize(p) for p in glob.glob(os.path.join(d.store, "*"))
                if os.path.isfile(p))
    assert used <= 64 * 1024 + 8 * 1024, used
    out = export(d.store).decode()
    ev = [json.loads(x) for x in out.splitlines()]
    evicted = by_id(ev, "tanuki.store.evicted")
    got = [(e["kind"], e["name"]) for e in evicted]
    assert len(got) >= 9, got
    assert got == order[:len(got)], (got, order)
    assert [e["delivered"] for e in evicted] == [
        e["kind"] == "segment" and e["name"] <= names[2] for e in evicted]
    assert all(e["reason"] == "quota" and e["bytes"] > 0 for e in evicted)
    assert st["evicted_segments"] + st["evicted_files"] == len(got), (st, got)
    with open(os.path.join(d.store, "cursor")) as f:
        assert f.read() == names[2] + "\n" + "uplink-state x\n" * 200  # never touched
    # still capturing after evictions: the last logins are there
    assert '"password":"q%d"' % (i - 1) in out
    assert tool("verify", "--store", d.store).returncode == 0


def test_store_full_flash_keeps_serving():
    mnt = os.path.join(Daemon().dir, "flash")
    os.makedirs(mnt)
    # a small flash of our own (tests run as root, as CI does)
    assert subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt]).returncode == 0
    try:
        store = os.path.join(mnt, "store")
        d = Daemon(main={"max_tries": 1, "quota_kb": 4096, "reserve_kb": 0,
                         "sync_ms": 50, "segment_kb": 64})
        with open(d.conf) as f:
            conf = f.read().replace(d.store, store)
        with open(d.conf, "w") as f:
            f.write(conf)
        d.store = store
        with d:
            # fill the file system behind the daemon's back
            with open(os.path.join(mnt, "filler"), "wb") as f:
                try:
                    f.write(b"x" * (1 << 20))
                except OSError:
                    pass
            for i in range(50):
                fail_login(d.port, "root", "full%d" % i)
            time.sleep(0.5)
            # (a read-only remount is refused by Linux while the daemon
            # holds the open segment, so EROFS is not exercised here)
            os.unlink(os.path.join(mnt, "filler"))
            time.sleep(0.3)
            for i in range(5):
                fail_login(d.port, "root", "after%d" % i)
            time.sleep(0.5)
        out = export(store).decode()
        ev = [json.loads(x) for x in out.splitlines()]
        stop = by_id(ev, "tanuki.daemon.stop")
        assert stop and stop[-1]["events_dropped"] > 0, stop
        assert '"password":"after4"' in out
    finally:
        subprocess.run(["umount", "-l", mnt])


def test_store_vanished_folder_keeps_capturing():
    """The events folder (or the whole store) removed under the running
    daemon: it keeps serving and the events after the loss are on flash
    again (a new segment in a new folder), not written into an unlinked
    file."""
    import shutil
    d = Daemon(main={"max_tries": 1, "sync_ms": 50})
    with d:
        for i in range(5):
            fail_login(d.port, "root", "before%d" % i)
        time.sleep(0.3)
        shutil.rmtree(os.path.join(d.store, "events"))
        for i in range(5):
            fail_login(d.port, "root", "gone%d" % i)
        time.sleep(0.3)
        assert b'"password":"gone4"' in plain_lines(d.store)
        shutil.rmtree(d.store)
        for i in range(5):
            fail_login(d.port, "root", "again%d" % i)
        time.sleep(0.3)
    out = export(d.store).decode()
    assert '"password":"again4"' in out
    assert "tanuki.daemon.stop" in out
    assert tool("verify", "--store", d.store).returncode == 0


def test_store_days_export_verify_status():
    """Sealed segments are folded into days/<YYYYMMDD>.agg: `tanuki export
    --days` prints one JSON line a day whose totals match the events
    exactly (top keys with an "other" count), verify checks the day files
    and status shows how many days are held."""
    import collections
    d = Daemon()
    seed = _seed_store(d.store, None)
    day_us = 86400 * 1000000
    names, texts = [], []
    for day in range(2):
        evs = store_corpus.corpus(2500, seed=20 + day, start_us=1767225600000000 + day * day_us)
        base = "202601%02dT000000-" % (day + 1)
        k = 0

        def keyf(i, base=base):
            return hashlib.sha256(b"tanuki-segment" + seed +
                                  (base + "%03d" % i).encode()).digest()[:16]
        for k, (key, text) in enumerate(store_corpus.segments(evs, 128 * 1024, keyf)):
            names.append(base + "%03d" % k)
            texts.append(text)
    for n, text in zip(names, texts):
        with open(os.path.join(d.store, "events", n + ".jsonl"), "w") as f:
            f.write(text)
    with d:
        pass
    assert sorted(os.listdir(os.path.join(d.store, "days"))) == ["20260101.agg", "20260102.agg"]
    assert all(os.path.getsize(p) <= 716 for p in glob.glob(os.path.join(d.store, "days", "*")))
    days = [json.loads(x) for x in export(d.store, "--days").splitlines()]
    assert [x["day"] for x in days] == ["2026-01-01", "2026-01-02"], days
    ev = [json.loads(x) for x in "".join(texts).splitlines()]
    for x in days:
        mine = [e for e in ev if e["timestamp"].startswith(x["day"])]
        creds = collections.Counter((e["username"], e["password"]) for e in mine
                                    if e["eventid"] == "cowrie.login.failed")
        srcs = collections.Counter(e["src_ip"] for e in mine
                                   if e["eventid"] == "cowrie.session.connect")
        assert x["events"] == len(mine)
        assert x["login_attempts"] == sum(creds.values()) == 2500
        assert x["connections"] == sum(srcs.values())
        assert sum(c["count"] for c in x["credentials"]) + x["credentials_other"] == 2500
        assert sum(c["count"] for c in x["sources"]) + x["sources_other"] == x["connections"]
        assert x["credentials"], x
        for c in x["credentials"]:
            assert 0 < c["count"] <= creds[(c["username"], c["password"])], c
        for c in x["sources"]:
            assert 0 < c["count"] <= srcs[c["src_ip"]], c
        assert x["through"] == max(n for n in names if n.startswith(x["day"].replace("-", "")))
    # --since / --until select whole days
    only = export(d.store, "--days", "--since", "2026-01-02").splitlines()
    assert [json.loads(x)["day"] for x in only] == ["2026-01-02"]
    v = tool("verify", "--store", d.store).stdout.decode()
    assert "2 days, 0 problems" in v, v
    s = tool("status", "--store", d.store).stdout.decode()
    assert "days held: 2 (2026-01-01 to 2026-01-02)" in s, s
    # a damaged day file is a problem for verify, and export says so
    p = os.path.join(d.store, "days", "20260101.agg")
    with open(p, "r+b") as f:
        f.seek(20)
        b = f.read(1)
        f.seek(20)
        f.write(bytes([b[0] ^ 0x40]))
    v = tool("verify", "--store", d.store, check=False)
    assert v.returncode == 1 and b"20260101.agg: corrupt day file" in v.stdout, v.stdout
    x = tool("export", "--days", "--store", d.store, check=False)
    assert x.returncode == 1 and len(x.stdout.splitlines()) == 1


def _faultfs():
    so = os.path.join(tt.BUILD, "host", "faultfs.so")
    if not os.path.exists(so):
        subprocess.run(["make", "-s", "BUILD=" + tt.BUILD, so], cwd=tt.TOP, check=True)
    return so


def _wait_status(store, pred, timeout=10.0):
    """The status file once pred holds for it (the daemon rewrites it after
    each sync)."""
    deadline = time.time() + timeout
    while True:
        st = _status(store)
        if st and pred(st):
            return st
        assert time.time() < deadline, st
        time.sleep(0.05)


def test_store_read_only_flash_keeps_serving():
    """The store's flash turns read-only (and then full, and then failing
    with EIO) under the running ASan daemon, by fault injection
    (tests/lib/faultfs.c: write, fsync, open for writing, rename … fail
    while a trigger file exists). The daemon keeps answering telnet logins,
    counts the events it could not keep (events_dropped in `tanuki status`),
    never crashes, and once writes work again it captures again; nothing
    synced before the fault is lost and verify is clean."""
    so = _faultfs()
    d = Daemon(main={"max_tries": 1, "sync_ms": 50, "segment_kb": 16})
    trigger = os.path.join(d.dir, "fault")
    saved = dict(tt.SAN_ENV)
    tt.SAN_ENV.update({"LD_PRELOAD": so, "FAULTFS_ROOT": d.store,
                       "FAULTFS_TRIGGER": trigger,
                       "ASAN_OPTIONS": saved["ASAN_OPTIONS"] + ":verify_asan_link_order=0"})
    try:
        d.start()
    finally:
        tt.SAN_ENV.clear()
        tt.SAN_ENV.update(saved)
    dropped = 0
    try:
        for k, err in enumerate(("EROFS", "ENOSPC", "EIO")):
            for i in range(10):
                fail_login(d.port, "root", "pre%d-%d" % (k, i))
            answered = time.time()
            st = _wait_status(d.store, lambda st: st["synced_through_us"] / 1e6 > answered)
            with open(trigger, "w") as f:
                f.write(err + "\n")
            t0 = time.time()
            for i in range(40):   # answered while nothing can be written
                fail_login(d.port, "root", "lost%d-%d" % (k, i))
            time.sleep(0.5)
            assert d.proc.poll() is None, d.stderr()
            os.unlink(trigger)
            for i in range(10):
                fail_login(d.port, "root", "post%d-%d" % (k, i))
            answered = time.time()
            st = _wait_status(d.store, lambda st: st["events_dropped"] > dropped and
                              st["synced_through_us"] / 1e6 > answered)
            dropped = st["events_dropped"]
            s = tool("status", "--store", d.store).stdout.decode()
            assert "events_dropped: %d" % dropped in s, s
            assert time.time() - t0 < 20
    finally:
        if os.path.exists(trigger):
            os.unlink(trigger)
        d.stop()
    out = export(d.store).decode()
    for k in range(3):
        for i in range(10):
            assert '"password":"pre%d-%d"' % (k, i) in out, (k, i)
            assert '"password":"post%d-%d"' % (k, i) in out, (k, i)
    lost = sum('"password":"lost%d-%d"' % (k, i) not in out for k in range(3) for i in range(40))
    print("      %d events dropped over three faults, %d of 120 logins during them lost" % (
        dropped, lost))
    assert lost > 0
    stop = by_id([json.loads(x) for x in out.splitlines()], "tanuki.daemon.stop")
    assert stop and stop[-1]["events_dropped"] == dropped, (stop, dropped)
    v = tool("verify", "--store", d.store)
    assert b" 0 problems" in v.stdout, v.stdout


def test_store_startup_evictions_are_logged():
    """A store found over its quota at start (the quota was lowered, or a
    copy was put back) is brought under it on the first tick, and every
    eviction of that burst — more than fit in one tick's notes before —
    is logged as a tanuki.store.evicted event, oldest binary first."""
    d = Daemon(main={"quota_kb": 64, "reserve_kb": 0, "sync_ms": 50})
    os.makedirs(os.path.join(d.store, "files"))
    rnd = random.Random(9)
    names = []
    for k in range(80):
        data = bytes(rnd.getrandbits(8) for _ in range(4096))
        h = hashlib.sha256(data).hexdigest()
        p = os.path.join(d.store, "files", h)
        with open(p, "wb") as f:
            f.write(data)
        os.utime(p, (1767225600 + k * 60, 1767225600 + k * 60))
        names.append(h)
    with d:
        time.sleep(1.5)
        st = _status(d.store)
    ev = [json.loads(x) for x in export(d.store).splitlines()]
    got = [(e["kind"], e["name"], e["reason"]) for e in by_id(ev, "tanuki.store.evicted")]
    n = st["evicted_files"]
    assert n > 40, st
    assert got == [("file", h, "quota") for h in names[:n]], (len(got), n)
    assert st["evictions_unlogged"] == 0, st
    left = sorted(os.listdir(os.path.join(d.store, "files")))
    assert left == sorted(names[n:])
