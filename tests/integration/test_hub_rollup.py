"""tanuki-hub's daily roll-ups (src/hub/db_roll.c): every number on the
dashboard's pages — totals, tables and chart bars, for every range, for the
fleet and for one decoy — equals the sums of the summaries the hub took
(each counted once: re-sent summaries add nothing), computed here from what
the test sent. Summaries fall on and around UTC midnights and at the
ranges' edges, where the roll-ups' whole days meet the per-summary rows.
The roll-ups rebuilt from scratch (a hub made before them) give the same
pages. SQLite, and PostgreSQL when its server is installed."""
import html
import os
import random
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_hub import Hub, pg_cluster, summary  # noqa: E402
from test_hub_web import Web, add_user  # noqa: E402

DAY = 86400
RANGES = {"24h": (86400, 3600), "7d": (7 * DAY, 6 * 3600), "30d": (30 * DAY, DAY),
          "1y": (365 * DAY, 7 * DAY)}


def make_summaries(now, rnd):
    """(device, seq, summary) for two decoys: random times over 400 days
    plus ones on midnights, a second before and after them, and near now."""
    users = ["root", "admin", "guest", "us\u00e9r", "x" * 300]
    pws = ["xc3511", "admin", "12345", "p&ss<w>"]
    today = now // DAY * DAY
    times = [rnd.randrange(now - 400 * DAY, now) for _ in range(60)]
    for d in (1, 2, 7, 8, 29, 30, 31, 364, 365):
        times += [today - d * DAY, today - d * DAY - 1, today - d * DAY + 1]
    times += [now - 60, now - 3 * 3600, today, today + 1]
    out = []
    seqs = {"r1": 0, "r2": 0}
    for t in times:
        if t >= now:
            continue
        dev = rnd.choice(["r1", "r2"])
        seqs[dev] += 1
        s = summary(dev, seqs[dev])
        s["period"] = {"from": t, "to": t + 300}
        s["sessions"] = rnd.randrange(1, 50)
        s["counts"] = {"by_port": {p: rnd.randrange(1, 9) for p in rnd.sample(["23", "37215", "52869"], 2)},
                       "by_event": {e: rnd.randrange(1, 9) for e in
                                    rnd.sample(["cowrie.login.failed", "cowrie.login.success",
                                                "cowrie.session.connect"], 2)}}
        s["credentials"] = [{"username": rnd.choice(users), "password": rnd.choice(pws),
                             "count": rnd.randrange(1, 5)} for _ in range(3)]
        s["sources"] = [{"ip": "198.18.0.%d" % rnd.randrange(1, 6), "count": rnd.randrange(1, 9)}
                        for _ in range(2)]
        s["commands"] = [{"input": rnd.choice(["enable", "sh", "c" * 3000]), "count": 1}]
        s["exploits"] = [{"cve": rnd.choice(["CVE-2017-17215", "CVE-2014-8361"]),
                          "count": rnd.randrange(1, 3)}]
        s["binaries"] = []
        out.append((dev, seqs[dev], s))
    return out


def window(rng, now):
    span, step = RANGES[rng]
    nb = span // step
    to = (now // step + 1) * step
    return to - nb * step, to, step, nb


def expect(sums, frm, to, step, decoy):
    """What the pages must show, from the summaries sent."""
    e = {"summaries": 0, "sessions": 0}
    tabs = {k: {} for k in ("by-port", "by-event", "pairs", "users", "passwords",
                            "sources", "commands", "exploits")}
    bars = {"c-port": {}, "c-event": {}, "c-cve": {}}

    def add(t, k, n):
        t[k] = t.get(k, 0) + n

    for dev, _, s in sums:
        pf = s["period"]["from"]
        if not frm <= pf < to or (decoy and dev != decoy):
            continue
        b = (pf - frm) // step
        e["summaries"] += 1
        e["sessions"] += s["sessions"]
        for k, n in s["counts"]["by_port"].items():
            add(tabs["by-port"], (k,), n)
            add(bars["c-port"], (b, "port " + k), n)
        for k, n in s["counts"]["by_event"].items():
            add(tabs["by-event"], (k,), n)
            add(bars["c-event"], (b, k), n)
        for c in s["credentials"]:
            add(tabs["pairs"], (c["username"], c["password"]), c["count"])
            add(tabs["users"], (c["username"],), c["count"])
            add(tabs["passwords"], (c["password"],), c["count"])
        for c in s["sources"]:
            add(tabs["sources"], (c["ip"],), c["count"])
        for c in s["commands"]:
            add(tabs["commands"], (c["input"],), c["count"])
        for c in s["exploits"]:
            add(tabs["exploits"], (c["cve"],), c["count"])
            add(bars["c-cve"], (b, c["cve"]), c["count"])
    return e, tabs, bars


def table_rows(body, tid):
    m = re.search(r'<table id="%s">(.*?)</table>' % tid, body, re.S)
    assert m, tid
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
        tds = [html.unescape(re.sub(r"<[^>]*>", "", td)) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        if len(tds) >= 2 and "none" != tds[0]:
            # Sources: the address; its country and network are test_hub_geo's
            rows[tuple(tds[:1] if tid == "sources" else tds[:-1])] = int(tds[-1])
    return rows


def chart_bars(body, cid, nb):
    m = re.search(r'<svg class="chart" id="%s"(.*?)</svg>' % cid, body, re.S)
    assert m, cid
    bars = {}
    for x, title in re.findall(r'<rect x="([0-9.]+)"[^>]*><title>(.*?)</title>', m.group(1)):
        k, _, n = html.unescape(title).rpartition(": ")
        b = round((float(x) - 30) * nb / 566)
        bars[(b, k)] = bars.get((b, k), 0) + int(n)
    return bars


def check_pages(hub, sums):
    w = Web(hub)
    assert w.login()[0] == 303
    checked = 0
    for rng in RANGES:
        for decoy in ("", "r1"):
            q = "?range=" + rng + ("&decoy=" + decoy if decoy else "")
            now = int(time.time())
            pages = {p: w.req("GET", p + q)[2].decode() for p in
                     ("/", "/credentials", "/sources", "/commands")}
            if int(time.time()) // 3600 != now // 3600:
                return check_pages(hub, sums)  # an hour turned: the ranges moved
            frm, to, step, nb = window(rng, now)
            e, tabs, bars = expect(sums, frm, to, step, decoy)
            body = "".join(pages.values())
            assert "store error" not in body, body[-2000:]
            ov = pages["/"]
            assert 'id="t-summaries">%d<' % e["summaries"] in ov, (rng, decoy, e)
            assert 'id="t-sessions">%d<' % e["sessions"] in ov, (rng, decoy, e)
            for tid, want in tabs.items():
                page = [p for p in pages.values() if '<table id="%s">' % tid in p][0]
                got = table_rows(page, tid)
                assert got == want, (rng, decoy, tid, got, want)
                checked += len(want)
            for cid, want in bars.items():
                page = ov if cid != "c-cve" else pages["/commands"]
                got = chart_bars(page, cid, nb)
                # keys beyond the legend's eight are 'other': none here
                assert got == want, (rng, decoy, cid, got, want)
    assert checked > 100, checked
    return checked


def run(db=None):
    rnd = random.Random(15)
    with Hub(db=db) as hub:
        sec = {d: hub.enroll(d)[0] for d in ("r1", "r2")}
        add_user(hub)
        sums = make_summaries(int(time.time()), rnd)
        for dev, _, s in sums:
            code, data = hub.post(dev, sec[dev], s)
            assert code == 200, (code, data, hub.stderr()[-800:])
        # re-sent summaries (a lost ack): stored once, counted once
        for dev, _, s in rnd.sample(sums, 10):
            code, data = hub.post(dev, sec[dev], s)
            assert code == 200, (code, data)
        check_pages(hub, sums)
        if db is None:
            # a hub made before the roll-ups: they are built at start
            hub.stop()
            c = sqlite3.connect(os.path.join(hub.dir, "hub.db"))
            c.execute("DELETE FROM roll_state")
            c.execute("DELETE FROM roll_day")
            c.execute("DELETE FROM roll_sum")
            c.commit()
            c.close()
            hub.start()
            assert "daily roll-ups built" in hub.stderr()
            check_pages(hub, sums)


def test_hub_rollup_sqlite():
    run()


def test_hub_rollup_postgresql():
    with pg_cluster() as uri:
        if uri:
            run(uri)
