"""tanuki-hub's dashboard and /metrics: login, session cookie, CSRF, rate
limit, downloads never inline, escaping, Prometheus scraping, and headless
Chromium through every view (tests/lib/cdp.py) with the numbers checked
against what the hub stored. Screenshots go to build/hub-screens/."""
import hashlib
import hmac
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from tanuki_test import BUILD, SAN_ENV, free_port  # noqa: E402
from test_hub import HUB, TOKEN, Hub, pg_cluster, summary  # noqa: E402

PASSWORD = "correct horse battery staple"
PAGES = ["/", "/credentials", "/sources", "/commands", "/binaries", "/fleet", "/search"]


def add_user(hub, name="admin", pw=PASSWORD):
    p = subprocess.run([HUB, "user", "add", "-c", hub.conf, name], input=pw + "\n",
                       capture_output=True, text=True, env=dict(os.environ, **SAN_ENV),
                       timeout=60)
    assert p.returncode == 0, p.stderr
    return name


class Web:
    """A browser's HTTP side: one TLS connection per request, cookies kept
    by name (the hub's cookies are Secure: we are on https)."""

    def __init__(self, hub):
        self.hub = hub
        self.cookies = {}

    def req(self, method, path, form=None, headers=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        c = http.client.HTTPSConnection("127.0.0.1", self.hub.port, context=ctx, timeout=30)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body, h)
        r = c.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                val = rest.split(";")[0]
                if val:
                    self.cookies[name] = val
                else:
                    self.cookies.pop(name, None)
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def login(self, user="admin", pw=PASSWORD):
        st, _, page = self.req("GET", "/login")
        csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
        return self.req("POST", "/login", {"csrf": csrf, "user": user, "password": pw})

    def csrf(self):
        st, _, page = self.req("GET", "/fleet")
        assert st == 200, st
        return re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()


def post_summary(hub, secret, dev, seq, t0, **kw):
    code, data = hub.post(dev, secret, summary(dev, seq, t0=t0, **kw))
    assert code == 200, (code, data, hub.stderr()[-1000:])


def test_hub_web_security():
    """No page, download or API answer without a session or the token; the
    cookie's flags; CSRF refused; logout ends the session; a binary is only
    ever an attachment; the pages' CSP."""
    with Hub() as hub:
        secret, _ = hub.enroll("d1")
        add_user(hub)
        blob = b"<html><script>alert(1)</script></html>"
        sha = hashlib.sha256(blob).hexdigest()
        t = str(int(time.time()))
        nonce = os.urandom(16).hex()
        sig = hmac.new(secret.encode(), ("d1\n%s\n%s\n%s" % (t, nonce, sha)).encode(),
                       hashlib.sha256).hexdigest()
        code, _ = hub.curl("/v1/binary", "POST", blob,
                           ["X-Tanuki-Device: d1", "X-Tanuki-Time: " + t,
                            "X-Tanuki-Nonce: " + nonce, "X-Tanuki-Signature: " + sig,
                            "X-Tanuki-Sha256: " + sha])
        assert code == 200
        now = int(time.time())
        post_summary(hub, secret, "d1", 1, now - 3600,
                     binaries=[{"sha256": sha, "size": len(blob), "url": "http://x/a",
                                "first_seen": now - 3600}])
        w = Web(hub)
        for p in PAGES + ["/download/" + sha, "/logout"]:
            st, h, body = w.req("GET", p)
            assert st == 303 and h["location"] == "/login" and body == b"", (p, st, h)
        st, h, body = w.req("POST", "/logout", {"csrf": "x"})
        assert st == 303 and h["location"] == "/login", st
        for p in ["/v1/totals", "/v1/devices", "/v1/binary/" + sha, "/metrics"]:
            assert w.req("GET", p)[0] == 401, p
        # a forged session cookie is nobody's
        w.cookies["tanuki_session"] = "ab" * 32
        assert w.req("GET", "/")[0] == 303
        w.cookies.clear()
        # the login form's own CSRF: a post without the form's cookie fails
        st, _, _ = w.req("POST", "/login", {"csrf": "ab" * 32, "user": "admin",
                                            "password": PASSWORD})
        assert st == 403 and "tanuki_session" not in w.cookies
        st, h, _ = w.login(pw="wrong password!")
        assert st == 401 and "tanuki_session" not in w.cookies
        st, h, _ = w.login(user="nobody")
        assert st == 401 and "tanuki_session" not in w.cookies
        st, h, _ = w.login()
        assert st == 303 and h["location"] == "/", (st, h)
        flags = [f.strip() for f in h["set-cookie"].split(";")]
        assert {"Secure", "HttpOnly", "SameSite=Strict", "Path=/"} <= set(flags), flags
        for p in PAGES:
            st, h, body = w.req("GET", p + "?range=30d")
            assert st == 200, (p, st)
            csp = h["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src" not in csp, csp
            assert h["x-content-type-options"] == "nosniff"
            assert b"<script" not in body and b"http://" not in body.split(b"<main>")[0]
        # the binary: attachment, octet-stream, nosniff — dashboard and API
        st, h, body = w.req("GET", "/download/" + sha)
        assert st == 200 and body == blob
        assert h["content-disposition"] == 'attachment; filename="%s.bin"' % sha, h
        assert h["content-type"] == "application/octet-stream"
        assert h["x-content-type-options"] == "nosniff"
        st, h, body = w.req("GET", "/v1/binary/" + sha,
                            headers={"Authorization": "Bearer " + TOKEN})
        assert st == 200 and body == blob and h["content-disposition"].startswith("attachment")
        assert h["x-content-type-options"] == "nosniff"
        st, _, page = w.req("GET", "/binaries?range=24h")
        assert ('href="/download/%s"' % sha).encode() in page
        # CSRF: logout without or with a wrong token is refused
        assert w.req("POST", "/logout", {})[0] == 403
        assert w.req("POST", "/logout", {"csrf": "0" * 64})[0] == 403
        assert w.req("GET", "/")[0] == 200
        # a form over the cap is refused before its body
        assert w.req("POST", "/logout", {"csrf": "x" * 5000})[0] == 413
        st, h, _ = w.req("POST", "/logout", {"csrf": w.csrf()})
        assert st == 303 and h["location"] == "/login"
        assert "tanuki_session" not in w.cookies
        assert "bad csrf token" in hub.stderr()


def test_hub_web_login_rate_limit():
    """Ten password checks per source per five minutes; the eleventh is 429
    without a check (each costs an Argon2id verification)."""
    with Hub() as hub:
        add_user(hub)
        w = Web(hub)
        for i in range(10):
            assert w.login(pw="wrong %d" % i)[0] == 401, i
        st, _, body = w.login()
        assert st == 429 and b"Too many attempts" in body, st
        assert "tanuki_session" not in w.cookies


def test_hub_web_escaping():
    """Attacker strings (user names, passwords, commands, URLs) with <script>,
    quotes and control bytes are inert text on every page."""
    with Hub() as hub:
        secret, _ = hub.enroll("d1")
        add_user(hub)
        evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>\x01\x1b[31m&amp;"
        now = int(time.time())
        post_summary(hub, secret, "d1", 1, now - 600,
                     credentials=[{"username": evil, "password": evil, "count": 3}],
                     commands=[{"input": "echo " + evil, "count": 1}],
                     sources=[{"ip": evil, "count": 1}],
                     exploits=[{"cve": evil, "count": 1}],
                     counts={"by_port": {"23": 1}, "by_event": {evil: 1}},
                     binaries=[{"sha256": "cd" * 32, "size": 1, "url": evil,
                                "first_seen": now - 600}])
        w = Web(hub)
        assert w.login()[0] == 303
        shown = ("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x"
                 " onerror=alert(2)&gt;\\x01\\x1b[31m&amp;amp;").encode()
        for p in PAGES + ["/search?q=" + urllib.parse.quote(evil)]:
            st, _, body = w.req("GET", p + ("&" if "?" in p else "?") + "range=24h")
            assert st == 200, p
            assert b"<script" not in body and b"<img" not in body, p
            assert b"\x01" not in body and b"\x1b" not in body, p
        for p in ["/credentials", "/commands", "/sources", "/binaries", "/"]:
            body = w.req("GET", p + "?range=24h")[2]
            assert shown in body, (p, body[:2000])


def test_hub_web_postgresql():
    """Every view's SQL on PostgreSQL too: the pages render, with numbers."""
    with pg_cluster() as uri:
        if not uri:
            return
        with Hub(db=uri) as hub:
            secret, _ = hub.enroll("d1")
            add_user(hub)
            now = int(time.time())
            for seq in range(1, 4):
                post_summary(hub, secret, "d1", seq, now - 7200)
            w = Web(hub)
            assert w.login()[0] == 303
            for p in PAGES + ["/search?q=root"]:
                st, _, body = w.req("GET", p + ("&" if "?" in p else "?") + "range=24h")
                assert st == 200 and b"store error" not in body, (p, body[-800:])
            body = w.req("GET", "/?range=24h")[2]
            assert b'id="t-summaries">3<' in body and b'id="t-sessions">9<' in body, body
            body = w.req("GET", "/search?range=24h&q=root")[2]
            assert b"xc3511" in body
            st, h, body = w.req("GET", "/metrics", headers={"Authorization": "Bearer " + TOKEN})
            assert st == 200 and b"tanuki_hub_db_bytes " in body


METRIC_LINE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? '
                         r'-?[0-9.e+]+$')


def test_hub_metrics_prometheus():
    """Debian's prometheus scrapes /metrics (https, bearer token) on
    loopback: the target is up with no error, and its query answers equal
    what the hub counted. Every line also matches the exposition format."""
    import shutil
    import urllib.request
    prom = shutil.which("prometheus")
    assert prom, "prometheus is not installed (scripts/deps.sh)"
    with Hub() as hub:
        secret, _ = hub.enroll("d1")
        now = int(time.time())
        for seq in range(1, 4):
            post_summary(hub, secret, "d1", seq, now - 900)
        assert hub.post("d9", secret, summary("d9", 1))[0] == 401
        st, h, body = Web(hub).req("GET", "/metrics",
                                   headers={"Authorization": "Bearer " + TOKEN})
        assert st == 200 and h["content-type"].startswith("text/plain; version=0.0.4")
        seen_types = set()
        for line in body.decode().splitlines():
            if line.startswith("# TYPE "):
                seen_types.add(line.split()[2])
            elif not line.startswith("# HELP "):
                assert METRIC_LINE.match(line), line
                assert re.match(r"[a-z_]+", line).group(0) in seen_types, line
        assert "tanuki_hub_ingests_total 3\n" in body.decode()
        assert 'tanuki_hub_refusals_total{status="401",reason="unknown device"} 1' in body.decode()
        d = os.path.join(hub.dir, "prom")
        os.makedirs(d)
        with open(os.path.join(d, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: hub\n    scheme: https\n"
                    "    tls_config:\n      insecure_skip_verify: true\n"
                    "    authorization:\n      credentials: %s\n"
                    "    static_configs:\n      - targets: ['127.0.0.1:%d']\n"
                    % (TOKEN, hub.port))
        pport = free_port()
        p = subprocess.Popen([prom, "--config.file=" + os.path.join(d, "prometheus.yml"),
                              "--storage.tsdb.path=" + os.path.join(d, "data"),
                              "--web.listen-address=127.0.0.1:%d" % pport],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=d)
        try:
            def q(path):
                with urllib.request.urlopen("http://127.0.0.1:%d%s" % (pport, path),
                                            timeout=5) as r:
                    return json.loads(r.read())

            deadline = time.time() + 60
            while True:
                try:
                    r = q("/api/v1/query?query=tanuki_hub_ingests_total")
                    if r["data"]["result"]:
                        break
                except OSError:
                    pass
                assert time.time() < deadline and p.poll() is None, "no scrape"
                time.sleep(0.5)
            assert r["data"]["result"][0]["value"][1] == "3", r
            t = q("/api/v1/targets")["data"]["activeTargets"]
            assert len(t) == 1 and t[0]["health"] == "up" and not t[0]["lastError"], t
            r = q("/api/v1/query?query=" + urllib.parse.quote(
                'tanuki_hub_refusals_total{reason="unknown device"}'))
            assert r["data"]["result"][0]["value"][1] == "1", r
            r = q("/api/v1/query?query=tanuki_hub_device_last_seen_seconds")
            res = {m["metric"]["device"]: float(m["value"][1]) for m in r["data"]["result"]}
            assert set(res) == {"d1"} and abs(res["d1"] - time.time()) < 120, res
            r = q("/api/v1/query?query=tanuki_hub_db_bytes")
            assert float(r["data"]["result"][0]["value"][1]) > 0, r
        finally:
            p.terminate()
            p.wait(30)


SCREENS = os.path.join(BUILD, "hub-screens")
EVIL_USER = "<script>alert(1)</script>"
EVIL_PASS = "\"'><img src=x onerror=alert(2)>\x01"
EVIL_CMD = "echo '<script>alert(3)</script>' \"q\"; wget http://198.51.100.1/<b>x"


def shown(s):
    """What the page shows for s: control bytes and DEL as \\xNN."""
    return "".join("\\x%02x" % ord(ch) if ord(ch) < 0x20 or ord(ch) == 0x7f else ch
                   for ch in s)


def cells(ch, table):
    return ch.js("JSON.stringify([...document.querySelectorAll('#%s tr')].slice(1)"
                 ".filter(r => !r.querySelector('.none'))"
                 ".map(r => [...r.cells].map(c => c.textContent)))" % table)


def test_hub_web_chromium():
    """A real decoy attacked over telnet (with <script>, quotes and control
    bytes in user names, passwords and a command) uplinks to a real hub;
    headless Chromium logs in and opens every view: each number equals the
    hub's API and `tanuki export` of the decoy's store, the attacker's text
    is text in the DOM (no element it tried to make exists), and each view
    is saved as a screenshot under build/hub-screens/."""
    import test_uplink as up
    from cdp import Chrome
    from tanuki_test import Conn, Daemon, telnet_login
    os.makedirs(SCREENS, exist_ok=True)
    with Hub() as hub:
        secret, pin = hub.enroll("decoy-w1")
        add_user(hub)
        d = Daemon(main={"sync_ms": "50"},
                   extra=up.uplink_lines(hub, secret, pin, device="decoy-w1"))
        with d:
            up.attack(d, 16)
            c = Conn(d.port)
            telnet_login(c, EVIL_USER, EVIL_PASS)
            c.read_until(b"ogin")
            c.close()
            user, pw, _ = sorted(up.persona_info("xiongmai-dvr")["creds"])[0]
            c = Conn(d.port)
            telnet_login(c, user, pw)
            c.read_for(0.5)
            c.send(EVIL_CMD + "\r\n")
            c.read_for(0.5)
            c.close()
            d.wait_events(lambda evs: any(e["eventid"] == "cowrie.command.input"
                                          for e in evs))
            # every session closed in the store first: on a loaded machine
            # the last close could land (and be sent) after the match below
            d.wait_events(lambda evs: sum(e["eventid"] == "cowrie.session.closed" for e in evs)
                          == sum(e["eventid"] == "cowrie.session.connect" for e in evs))
            tot, ids, creds = up.wait_match(hub, d)
            store_ids = dict(ids)
        # the decoy is stopped: no summary arrives while the pages are read
        tot = hub.api("/v1/totals")
        api_creds = hub.api("/v1/credentials?limit=1000")["credentials"]
        assert {"username": EVIL_USER, "password": EVIL_PASS, "count": 1} in api_creds
        api_cmds = hub.api("/v1/commands?limit=1000")["commands"]
        assert any(EVIL_CMD in x["input"] for x in api_cmds), api_cmds
        base = "https://127.0.0.1:%d" % hub.port
        with Chrome() as ch:
            ch.goto(base + "/")
            assert ch.js("location.pathname") == "/login"
            ch.screenshot(os.path.join(SCREENS, "login.png"))
            ch.submit("document.getElementById('user').value = 'admin';"
                      "document.getElementById('password').value = %s;"
                      "document.querySelector('form').submit()" % json.dumps(PASSWORD))
            assert ch.js("location.pathname") == "/", ch.js("document.body.innerText")

            def view(path, name):
                ch.goto(base + path + ("&" if "?" in path else "?") + "range=24h")
                assert ch.js("document.getElementById('title') !== null"), path
                # nothing the attacker sent became an element or ran
                bad = ch.js("document.querySelectorAll('script, img, iframe, object,"
                            " embed, b').length")
                assert bad == 0, (path, bad)
                assert "store error" not in ch.js("document.body.innerText"), path
                ch.screenshot(os.path.join(SCREENS, name + ".png"))

            view("/", "overview")
            assert int(ch.js("document.getElementById('t-summaries').textContent")) == \
                tot["summaries"]
            assert int(ch.js("document.getElementById('t-sessions').textContent")) == \
                tot["sessions"]
            by_event = {k: int(v) for k, v in json.loads(cells(ch, "by-event"))}
            assert {k: v for k, v in by_event.items() if k.startswith("cowrie.")} == \
                store_ids, (by_event, store_ids)
            assert {k: int(v) for k, v in json.loads(cells(ch, "by-port"))} == \
                {k: int(v) for k, v in tot["by_port"].items()}
            ch.screenshot(os.path.join(SCREENS, "overview-phone.png"), width=390)

            view("/credentials", "credentials")
            pairs = json.loads(cells(ch, "pairs"))
            assert sorted((u, p, int(n)) for u, p, n in pairs) == sorted(
                (shown(x["username"]), shown(x["password"]), x["count"]) for x in api_creds)
            assert {(u, p): int(n) for u, p, n in pairs} == {
                (shown(u), shown(p)): n for (u, p), n in creds.items()}
            assert [shown(EVIL_USER), shown(EVIL_PASS), "1"] in pairs, pairs

            view("/sources", "sources")
            assert {r[0]: int(r[-1]) for r in json.loads(cells(ch, "sources"))} == {
                x["ip"]: x["count"] for x in hub.api("/v1/sources")["sources"]}

            view("/commands", "commands")
            cmds = json.loads(cells(ch, "commands"))
            assert sorted((t, int(n)) for t, n in cmds) == sorted(
                (shown(x["input"]), x["count"]) for x in api_cmds)

            view("/binaries", "binaries")
            assert len(json.loads(cells(ch, "binaries"))) == \
                len(hub.api("/v1/binaries")["binaries"])

            view("/fleet", "fleet")
            rows = json.loads(cells(ch, "fleet"))
            dev = hub.api("/v1/devices")["devices"][0]
            assert len(rows) == 1 and rows[0][0] == "decoy-w1", rows
            assert rows[0][1] == dev["persona"] and rows[0][2] == dev["version"], rows
            assert int(rows[0][-1]) == dev["last_seq"], rows
            assert rows[0][6] == "%d / %d KB" % (dev["used_kb"], dev["quota_kb"]), rows

            view("/search?q=" + urllib.parse.quote("<script>"), "search")
            found = json.loads(cells(ch, "s-credentials"))
            assert [shown(EVIL_USER), shown(EVIL_PASS), "1"] in found, found
            assert any("<script>" in t for t, _ in json.loads(cells(ch, "s-commands")))

            # logout through the page's own form (its CSRF token)
            ch.submit("document.querySelector('form[action=\"/logout\"]').submit()")
            assert ch.js("location.pathname") == "/login"
            ch.goto(base + "/credentials")
            assert ch.js("location.pathname") == "/login"
        for n in ("login", "overview", "overview-phone", "credentials", "sources",
                  "commands", "binaries", "fleet", "search"):
            with open(os.path.join(SCREENS, n + ".png"), "rb") as f:
                assert f.read(8) == b"\x89PNG\r\n\x1a\n", n


def test_hub_two_hubs_one_postgresql():
    """Two tanuki-hub processes on one PostgreSQL behave as one hub: a
    device enrolled through one ingests through both, a decoy's summaries
    split across them (each also resent to the other) are each counted
    once, a nonce used on one is a replay on the other, and a dashboard
    session made on one is valid on the other (and logged out on both)."""
    with pg_cluster() as uri:
        if not uri:
            return
        with Hub(db=uri) as a, Hub(db=uri) as b:
            secret, _ = a.enroll("d1")
            add_user(a)
            now = int(time.time())
            for seq in range(1, 11):
                first, second = (a, b) if seq % 2 else (b, a)
                post_summary(first, secret, "d1", seq, now - 7200)
                post_summary(second, secret, "d1", seq, now - 7200)  # a retry elsewhere
            for h in (a, b):
                tot = h.api("/v1/totals")
                assert tot["summaries"] == 10 and tot["sessions"] == 30, tot
                assert h.api("/v1/devices")["devices"][0]["last_seq"] == 10
            nonce = os.urandom(16).hex()
            body = summary("d1", 11, t0=now - 7200)
            assert a.post("d1", secret, body, nonce=nonce)[0] == 200
            code, data = b.post("d1", secret, body, nonce=nonce)
            assert code == 401 and b"replayed nonce" in data, (code, data)
            wa = Web(a)
            assert wa.login()[0] == 303
            wb = Web(b)
            wb.cookies = dict(wa.cookies)
            st, _, page = wb.req("GET", "/?range=24h")
            assert st == 200 and b'id="t-summaries">11<' in page, st
            st, _, _ = wb.req("POST", "/logout", {"csrf": wb.csrf()})
            assert st == 303
            wa.cookies = {k: v for k, v in wa.cookies.items() if k == "tanuki_session"}
            assert wa.req("GET", "/")[0] == 303  # gone on the other hub too
