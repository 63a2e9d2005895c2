"""tanuki-hub's exports to Splunk HTTP Event Collector and Elasticsearch
_bulk (src/hub/export*.c, docs/hub.md "Exports").

Neither server can run here: the two receivers below are written for this
test, on 127.0.0.1 only, and check every request against what the vendors
document:
- HEC: POST /services/collector/event, `Authorization: Splunk <token>`
  (missing: 401 code 2; malformed: 401 code 3; wrong token: 403 code 4),
  a body of JSON objects concatenated, each with `event` and only the
  documented keys (`time` a number of epoch seconds, `host`, `source`,
  `sourcetype`, `index`, `fields`); success is 200
  {"text":"Success","code":0}.
- _bulk: POST /_bulk, `Content-Type: application/x-ndjson`, Basic or
  ApiKey authorization (wrong: 401 security_exception), action line +
  source line per document, the body ending in a newline; the answer has
  `errors` and one item per action in order, `create` of an existing _id
  is 409 version_conflict_engine_exception.
"""
import base64
import hashlib
import http.server
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from tanuki_test import free_port  # noqa: E402
from test_hub import TOKEN, Hub, pg_cluster, summary  # noqa: E402

T0 = 1767225600  # 2026-01-01T00:00:00Z
HEC_KEYS = {"time", "host", "source", "sourcetype", "index", "fields", "event"}


def event(i, device="d1"):
    return {"eventid": "cowrie.login.failed",
            "timestamp": "2026-01-01T00:%02d:%02d.123000Z" % (i // 60 % 60, i % 60),
            "session": "%012x" % i, "src_ip": "198.51.100.7", "src_port": 40000 + i,
            "dst_ip": "192.0.2.1", "dst_port": 23, "sensor": device, "protocol": "telnet",
            "username": "root", "password": "p\u00e4ss\n%d\"<x>" % i}


class Receiver:
    """A vendor's endpoint on loopback. `answers` is a list of scripted
    answers given before the normal ones: (status, body object or text,
    headers). `item_fail` (ES) maps an _id to the error statuses to answer
    for its next attempts, in turn. Every request is kept in `requests` as
    (monotonic time, auth, status, list of documents), every accepted
    document once in `events`; a deviation from the documented format goes
    to `problems` and is answered 400."""

    def __init__(self, kind, auth, tls=None):
        self.kind = kind
        self.auth = set(auth)  # the Authorization values accepted
        self.answers = []
        self.item_fail = {}
        self.requests = []
        self.events = []
        self.docs = {}  # ES: _id -> source
        self.attempts = {}  # ES: _id -> times it was in a request
        self.problems = []
        self.delay = 0  # seconds before each answer
        self.lock = threading.Lock()
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "-1"))
                body = self.rfile.read(n) if n >= 0 else b""
                time.sleep(rec.delay)
                with rec.lock:
                    st, ans, hdrs = rec.handle(self.command, self.path, self.headers, body, n)
                data = ans if isinstance(ans, bytes) else json.dumps(ans).encode()
                self.send_response(st)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in hdrs.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), H)
        self.srv.daemon_threads = True
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.srv.socket = ctx.wrap_socket(self.srv.socket, server_side=True)
        self.port = self.srv.server_address[1]
        self.th = threading.Thread(target=self.srv.serve_forever, daemon=True)
        self.th.start()

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()

    def url(self, scheme="http"):
        return "%s://127.0.0.1:%d" % (scheme, self.port)

    def bad(self, why):
        self.problems.append(why)
        if self.kind == "splunk":
            return 400, {"text": "Invalid data format", "code": 6}, {}
        return 400, {"error": {"type": "parse_exception", "reason": why}, "status": 400}, {}

    def handle(self, method, path, hdrs, body, n):
        if method != "POST" or n < 0:
            return self.bad("not a POST with Content-Length")
        auth = hdrs.get("Authorization")
        if self.kind == "splunk":
            return self.hec(path, hdrs, auth, body)
        return self.bulk(path, hdrs, auth, body)

    def scripted(self):
        if self.answers:
            a = self.answers.pop(0)
            return a if len(a) == 3 else (a[0], a[1], {})
        return None

    def hec(self, path, hdrs, auth, body):
        if path != "/services/collector/event":
            return self.bad("path %s" % path)
        if auth is None:
            return 401, {"text": "Token is required", "code": 2}, {}
        if not auth.startswith("Splunk "):
            return 401, {"text": "Invalid authorization", "code": 3}, {}
        if auth not in self.auth:
            self.requests.append((time.monotonic(), auth, 403, []))
            return 403, {"text": "Invalid token", "code": 4}, {}
        text, objs, dec = body.decode("utf-8"), [], json.JSONDecoder()
        i = 0
        while True:
            while i < len(text) and text[i] in " \t\r\n":
                i += 1
            if i == len(text):
                break
            try:
                o, i = dec.raw_decode(text, i)
            except ValueError as e:
                return self.bad("not concatenated JSON objects: %s" % e)
            if not isinstance(o, dict) or "event" not in o or set(o) - HEC_KEYS:
                return self.bad("not an HEC event object: %r" % o)
            if "time" in o and not isinstance(o["time"], (int, float)):
                return self.bad("time is not epoch seconds: %r" % o)
            for k in ("host", "source", "sourcetype", "index"):
                if k in o and not isinstance(o[k], str):
                    return self.bad("%s is not a string" % k)
            objs.append(o)
        if not objs:
            return 400, {"text": "No data", "code": 5}, {}
        a = self.scripted()
        st = a[0] if a else 200
        self.requests.append((time.monotonic(), auth, st, objs))
        if a:
            return a
        self.events += objs
        return 200, {"text": "Success", "code": 0}, {}

    def bulk(self, path, hdrs, auth, body):
        if path != "/_bulk":
            return self.bad("path %s" % path)
        if hdrs.get("Content-Type") != "application/x-ndjson":
            return self.bad("Content-Type %s" % hdrs.get("Content-Type"))
        if auth not in self.auth:
            self.requests.append((time.monotonic(), auth, 401, []))
            return 401, {"error": {"root_cause": [{"type": "security_exception",
                                                   "reason": "unable to authenticate"}],
                                   "type": "security_exception",
                                   "reason": "unable to authenticate"}, "status": 401}, \
                {"WWW-Authenticate": 'Basic realm="security" charset="UTF-8"'}
        if not body.endswith(b"\n"):
            return self.bad("no newline at the end of the body")
        lines = body[:-1].split(b"\n")
        if len(lines) % 2:
            return self.bad("an action without its source")
        docs = []
        for k in range(0, len(lines), 2):
            try:
                act, src = json.loads(lines[k]), json.loads(lines[k + 1])
            except ValueError as e:
                return self.bad("a line is not JSON: %s" % e)
            if not isinstance(act, dict) or list(act) != ["create"] or \
                    set(act["create"]) != {"_index", "_id"} or not isinstance(src, dict):
                return self.bad("not a create action + source: %r" % lines[k])
            docs.append((act["create"]["_index"], act["create"]["_id"], src))
        a = self.scripted()
        self.requests.append((time.monotonic(), auth, a[0] if a else 200, docs))
        if a:
            return a
        items, errors = [], False
        for seq, (index, _id, src) in enumerate(docs):
            self.attempts[_id] = self.attempts.get(_id, 0) + 1
            fail = self.item_fail.get(_id)
            st = fail.pop(0) if fail else None
            it = {"_index": index, "_id": _id}
            if st:
                kind = {429: "es_rejected_execution_exception",
                        400: "mapper_parsing_exception"}.get(st, "exception")
                it.update(status=st, error={"type": kind, "reason": "scripted"})
                errors = True
            elif _id in self.docs:
                it.update(status=409, error={
                    "type": "version_conflict_engine_exception",
                    "reason": "[%s]: version conflict, document already exists" % _id})
                errors = True
            else:
                self.docs[_id] = src
                self.events.append(src)
                it.update(_version=1, result="created", status=201, _seq_no=seq,
                          _primary_term=1, _shards={"total": 1, "successful": 1, "failed": 0})
            items.append({"create": it})
        return 200, {"took": 3, "errors": errors, "items": items}, {}


def wait_for(cond, what, hub=None, limit=45):
    deadline = time.time() + limit
    while not cond():
        assert time.time() < deadline, "%s; hub said: %s" % (
            what, hub.stderr()[-3000:] if hub else "")
        time.sleep(0.05)


def metrics(hub):
    code, data = hub.curl("/metrics", headers=["Authorization: Bearer " + TOKEN])
    assert code == 200, (code, data)
    out = {}
    for line in data.decode().splitlines():
        m = re.match(r'(tanuki_hub_export_[a-z_]+)\{export="([^"]+)",type="[a-z]+"\} (\d+)$',
                     line)
        if m:
            out[(m.group(1)[len("tanuki_hub_export_"):], m.group(2))] = int(m.group(3))
    return out


def export_lines(name, **opts):
    return ["", "config export '%s'" % name] + \
        ["\toption %s '%s'" % (k, v) for k, v in opts.items()]


def post(hub, secret, device, seq, events):
    code, data = hub.post(device, secret, summary(device, seq, events=events))
    assert code == 200, (code, data, hub.stderr())


def gaps(reqs):
    return [b[0] - a[0] for a, b in zip(reqs, reqs[1:])]


def test_hub_export_splunk():
    """Events arrive as HEC objects in batches of `batch`; a 503 with
    Retry-After: 2 and a 200 that is not HEC's success are retried after
    2 s (the header beats the 1 s step) then 2 s; nothing is
    sent twice across a restart; the counters are in /metrics."""
    rec = Receiver("splunk", ["Splunk 11111111-2222-3333-4444-555555555555"])
    try:
        with Hub(extra=export_lines("splunk", type="splunk", url=rec.url(),
                                    token="11111111-2222-3333-4444-555555555555",
                                    index="honeypot", batch=3)) as hub:
            assert "export 'splunk': splunk to %s/services/collector/event, 3 events" \
                % rec.url() in hub.stderr(), hub.stderr()
            secret, _ = hub.enroll("d1")
            evs = [event(i) for i in range(7)]
            post(hub, secret, "d1", 1, evs)
            wait_for(lambda: len(rec.events) >= 7, "7 events at the receiver", hub)
            assert [len(r[3]) for r in rec.requests] == [3, 3, 1], rec.requests
            assert [o["event"] for o in rec.events] == evs
            for i, o in enumerate(rec.events):
                assert o["host"] == "d1" and o["source"] == "tanuki-hub", o
                assert o["sourcetype"] == "cowrie" and o["index"] == "honeypot", o
                assert abs(o["time"] - (T0 + i + 0.123)) < 1e-6, o
            # a busy indexer, then a proxy's 200 that is not HEC's answer
            rec.answers = [(503, {"text": "Server is busy", "code": 9}, {"Retry-After": "2"}),
                           (200, b"<html>ok</html>")]
            evs2 = [event(100), event(101)]
            post(hub, secret, "d1", 2, evs2)
            wait_for(lambda: len(rec.events) >= 9, "the retried batch", hub)
            last = rec.requests[-3:]
            assert [r[2] for r in last] == [503, 200, 200], last
            assert all([o["event"] for o in r[3]] == evs2 for r in last), last
            g = gaps(last)
            assert g[0] >= 1.95 and g[1] >= 1.95, g  # Retry-After 2 s (> 1 s), then 2 s
            # the receiver has them before the hub has recorded its answer
            wait_for(lambda: "delivering again" in hub.stderr(), "the success logged", hub)
            err = hub.stderr()
            # the receiver's answer, escaped, in the log
            assert r"export 'splunk': HTTP 503: {\"text\": \"Server is busy\", \"code\": 9}" \
                r"; try 1 failed, next in 2.000 s" in err, err
            assert "without {\"text\":\"Success\",\"code\":0}: <html>ok</html>; try 2" in err, err
            assert "delivering again after 2 failed tries" in err, err
            wait_for(lambda: metrics(hub)[("sent_total", "splunk")] == 9, "sent_total 9", hub)
            m = metrics(hub)
            assert m[("failed_total", "splunk")] == 2, m
            assert m[("rejected_total", "splunk")] == 0, m
            assert m[("pending", "splunk")] == 0 and m[("lag_seconds", "splunk")] == 0, m
            # a restart sends nothing again: the next request is the new event
            hub.stop()
            hub.start()
            post(hub, secret, "d1", 3, [event(200)])
            wait_for(lambda: len(rec.events) >= 10, "the event after the restart", hub)
            assert len(rec.requests) == 7, rec.requests
            assert [o["event"] for o in rec.events] == evs + evs2 + [event(200)]
            wait_for(lambda: metrics(hub)[("sent_total", "splunk")] == 10, "sent_total 10", hub)
            # a duplicate summary queues nothing
            post(hub, secret, "d1", 3, [event(200)])
            post(hub, secret, "d1", 4, [event(300)])
            wait_for(lambda: len(rec.events) >= 11, "the fourth summary", hub)
            assert [o["event"] for o in rec.events[-2:]] == [event(200), event(300)]
        assert not rec.problems, rec.problems
    finally:
        rec.close()


def test_hub_export_elastic():
    """_bulk with Basic auth: create actions with the hub's ids; on
    errors:true only the 429 item goes again, the 400 one is recorded and
    never resent, a 409 (already indexed) counts as sent."""
    basic = "Basic " + base64.b64encode(b"tanuki:s3cret pass").decode()
    rec = Receiver("elastic", [basic])
    try:
        with Hub(extra=export_lines("es", type="elastic", url=rec.url() + "/",
                                    user="tanuki", password="s3cret pass", index="honeypot",
                                    batch=4)) as hub:
            secret, _ = hub.enroll("d1")
            rec.item_fail = {"d1-1-1": [429], "d1-1-2": [400]}
            evs = [event(i) for i in range(5)]
            post(hub, secret, "d1", 1, evs)
            wait_for(lambda: len(rec.docs) >= 4, "4 documents indexed", hub)
            ids = [[d[1] for d in r[3]] for r in rec.requests]
            assert ids == [["d1-1-0", "d1-1-1", "d1-1-2", "d1-1-3"],
                           ["d1-1-1", "d1-1-4"]], ids
            assert all(d[0] == "honeypot" for r in rec.requests for d in r[3])
            assert gaps(rec.requests)[0] >= 0.95  # the retry waited its backoff
            assert rec.attempts == {"d1-1-0": 1, "d1-1-1": 2, "d1-1-2": 1, "d1-1-3": 1,
                                    "d1-1-4": 1}, rec.attempts
            assert [rec.docs["d1-1-%d" % i] for i in (0, 1, 3, 4)] == \
                [evs[0], evs[1], evs[3], evs[4]]
            wait_for(lambda: metrics(hub)[("pending", "es")] == 0, "queue empty", hub)
            m = metrics(hub)
            assert m[("sent_total", "es")] == 4 and m[("rejected_total", "es")] == 1, m
            assert m[("failed_total", "es")] == 1, m  # the request with the 429 item
            err = hub.stderr()
            assert "d1 seq 1 event 2 rejected: 400 mapper_parsing_exception" in err, err
            assert "1 of 4 items to retry (429/5xx)" in err, err
            # already indexed (a request whose answer was lost): 409, done
            rec.docs["d1-2-0"] = {"indexed": "before"}
            post(hub, secret, "d1", 2, [event(50), event(51)])
            wait_for(lambda: metrics(hub)[("sent_total", "es")] == 6, "sent_total 6", hub)
            assert rec.docs["d1-2-0"] == {"indexed": "before"}
            assert rec.docs["d1-2-1"] == event(51)
            assert len(rec.requests) == 3 and metrics(hub)[("failed_total", "es")] == 1
            # nothing again after a restart
            hub.stop()
            hub.start()
            post(hub, secret, "d1", 3, [event(60)])
            wait_for(lambda: "d1-3-0" in rec.docs, "the event after the restart", hub)
            assert [[d[1] for d in r[3]] for r in rec.requests[3:]] == [["d1-3-0"]]
        assert not rec.problems, rec.problems
    finally:
        rec.close()


def test_hub_export_wrong_credentials():
    """A wrong HEC token (403 "Invalid token") and a wrong ES API key (401)
    are logged with the receiver's answer, counted, retried with growing
    waits, and the events stay queued until the config is fixed."""
    hec = Receiver("splunk", ["Splunk right-token"])
    es = Receiver("elastic", ["ApiKey cmlnaHQ6a2V5"])
    try:
        hub = Hub(extra=export_lines("hec", type="splunk", url=hec.url(), token="wrong-token") +
                  export_lines("es", type="elastic", url="http://localhost:%d" % es.port,
                               api_key="d3Jvbmc6a2V5"))
        with hub:
            secret, _ = hub.enroll("d1")
            post(hub, secret, "d1", 1, [event(1), event(2)])
            for r in (hec, es):
                wait_for(lambda: len(r.requests) >= 3, "3 refused requests", hub)
                assert [q[2] for q in r.requests[:3]] == [403 if r is hec else 401] * 3
                g = gaps(r.requests[:3])
                assert g[0] >= 0.95 and g[1] >= 1.95, g
            assert hec.requests[0][1] == "Splunk wrong-token"
            assert es.requests[0][1] == "ApiKey d3Jvbmc6a2V5"
            m = metrics(hub)
            for name in ("hec", "es"):
                assert m[("failed_total", name)] >= 2 and m[("sent_total", name)] == 0, m
                assert m[("pending", name)] == 2, m
            err = hub.stderr()
            assert r"export 'hec': HTTP 403: {\"text\": \"Invalid token\", \"code\": 4}" in err
            assert "export 'es': HTTP 401: " in err and "security_exception" in err, err
            hub.stop()
            with open(hub.conf) as f:
                conf = f.read()
            with open(hub.conf, "w") as f:
                f.write(conf.replace("wrong-token", "right-token")
                        .replace("d3Jvbmc6a2V5", "cmlnaHQ6a2V5"))
            hub.start()
            wait_for(lambda: len(hec.events) == 2 and len(es.events) == 2, "delivered", hub)
            assert [o["event"] for o in hec.events] == [event(1), event(2)]
            assert es.events == [event(1), event(2)]
            wait_for(lambda: metrics(hub)[("pending", "es")] == 0 and
                     metrics(hub)[("pending", "hec")] == 0, "queues empty", hub)
        assert not hec.problems and not es.problems, (hec.problems, es.problems)
    finally:
        hec.close()
        es.close()


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True,
                   timeout=60)


def make_pki(d):
    """A CA, a server certificate it signed for 127.0.0.1, and another CA."""
    for ca in ("ca", "other"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", ca + ".key", "-out", ca + ".pem", "-days", "2",
                "-subj", "/CN=tanuki test " + ca, cwd=d)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1", cwd=d)
    with open(os.path.join(d, "ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext", cwd=d)
    spki = subprocess.run(["openssl", "x509", "-in", os.path.join(d, "srv.pem"), "-pubkey",
                           "-noout"], capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=spki,
                         capture_output=True, check=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def test_hub_export_tls():
    """https with ca_file (the CA that signed the receiver) and with
    pin_sha256 delivers; another CA or another pin never gets past the
    handshake: counted as failed, logged, nothing sent."""
    hub = Hub()
    pin = make_pki(hub.dir)
    rec = Receiver("splunk", ["Splunk t-ca", "Splunk t-pin", "Splunk t-other", "Splunk t-badpin"],
                   tls=(os.path.join(hub.dir, "srv.pem"), os.path.join(hub.dir, "srv.key")))
    url = rec.url("https")
    try:
        extra = export_lines("ca", type="splunk", url=url, token="t-ca",
                             ca_file=os.path.join(hub.dir, "ca.pem")) + \
            export_lines("pin", type="splunk", url=url, token="t-pin",
                         pin_sha256="sha256//" + pin) + \
            export_lines("other", type="splunk", url=url, token="t-other",
                         ca_file=os.path.join(hub.dir, "other.pem")) + \
            export_lines("badpin", type="splunk", url=url, token="t-badpin",
                         pin_sha256="sha256/" + base64.b64encode(b"x" * 32).decode())
        with open(hub.conf, "a") as f:
            f.write("\n".join(extra) + "\n")
        with hub:
            secret, _ = hub.enroll("d1")
            post(hub, secret, "d1", 1, [event(1), event(2), event(3)])
            wait_for(lambda: len(rec.events) == 6, "6 events over TLS", hub)
            wait_for(lambda: all(metrics(hub)[("failed_total", n)] >= 2
                                 for n in ("other", "badpin")), "2 failures each", hub)
            by = {}
            for r in rec.requests:
                by.setdefault(r[1], []).extend(o["event"] for o in r[3])
            evs = [event(1), event(2), event(3)]
            assert by == {"Splunk t-ca": evs, "Splunk t-pin": evs}, by
            m = metrics(hub)
            assert m[("sent_total", "ca")] == 3 and m[("sent_total", "pin")] == 3, m
            assert m[("failed_total", "ca")] == 0 and m[("failed_total", "pin")] == 0, m
            assert m[("pending", "other")] == 3 and m[("pending", "badpin")] == 3, m
            err = hub.stderr()
            assert re.search(r"export 'other': SSL peer certificate or SSH remote key was not "
                             r"OK|export 'other': .*certificate", err), err
            assert re.search(r"export 'badpin': .*[Pp]inned", err), err
        assert not rec.problems, rec.problems
    finally:
        rec.close()


def test_hub_export_two_hubs_postgresql():
    """Two hubs on one PostgreSQL with the same export: a decoy's summaries
    split across them, every event delivered once (the lease in the
    database), the counters the same on both."""
    with pg_cluster() as uri:
        if not uri:
            return
        rec = Receiver("splunk", ["Splunk tok"])
        # slow answers: without the lease both hubs would send the batch
        # one of them is waiting on
        rec.delay = 0.5
        try:
            ex = export_lines("hec", type="splunk", url=rec.url(), token="tok", batch=5)
            with Hub(db=uri, extra=ex) as a, Hub(db=uri, extra=ex) as b:
                secret, _ = a.enroll("d1")
                want = []
                for seq in range(1, 9):
                    evs = [event(seq * 10 + k) for k in range(3)]
                    want += evs
                    post(a if seq % 2 else b, secret, "d1", seq, evs)
                wait_for(lambda: len(rec.events) >= len(want), "24 events", a)
                # a last one: whatever either hub still had would come first
                post(b, secret, "d1", 9, [event(999)])
                wait_for(lambda: len(rec.events) >= len(want) + 1, "the last event", a)
                got = [json.dumps(o["event"], sort_keys=True) for o in rec.events]
                assert len(got) == len(set(got)) == len(want) + 1, got
                assert sorted(got) == sorted(json.dumps(e, sort_keys=True)
                                             for e in want + [event(999)])
                for h in (a, b):
                    wait_for(lambda: metrics(h)[("sent_total", "hec")] == 25, "sent 25", h)
                    assert metrics(h)[("pending", "hec")] == 0
            assert not rec.problems, rec.problems
        finally:
            rec.close()


def test_hub_export_config_errors():
    """Each mistake in a `config export` section is FILE:LINE and exit 2;
    plain http:// is refused unless the host is loopback."""
    cases = [
        ({"type": "splunk", "url": "http://198.18.0.1:8088", "token": "t"},
         "http:// is only for loopback"),
        ({"type": "kafka", "url": "https://x", "token": "t"}, "expected 'splunk' or 'elastic'"),
        ({"type": "splunk", "url": "https://x"}, "a splunk export needs 'token'"),
        ({"type": "splunk", "url": "https://u:p@x", "token": "t"}, "no user:pass@"),
        ({"type": "splunk", "url": "https://x", "token": "a b"}, "unexpected character in"),
        ({"type": "elastic", "url": "https://x", "user": "u"}, "user and password go together"),
        ({"type": "elastic", "url": "https://x", "user": "u", "password": "p",
          "api_key": "k"}, "not both"),
        ({"type": "elastic", "url": "https://x", "token": "t"}, "not 'token'"),
        ({"type": "splunk", "url": "https://x", "token": "t", "batch": "0"},
         "expected a number 1..1000 for 'batch'"),
        ({"type": "splunk", "url": "https://x", "token": "t", "batch": "1001"},
         "expected a number 1..1000 for 'batch'"),
        ({"type": "splunk", "url": "https://x", "token": "t", "pin_sha256": "sha256//abc"},
         "expected sha256//<44 base64 characters>"),
        ({"type": "splunk", "url": "https://x", "token": "t", "ca_file": "/nonexistent/ca"},
         "cannot read '/nonexistent/ca'"),
        ({"type": "splunk", "url": "http://127.0.0.1:1", "token": "t",
          "ca_file": "/etc/hostname"}, "need an https://"),
        ({"type": "splunk", "url": "https://x", "token": "t", "bogus": "1"},
         "unknown option 'bogus'"),
    ]
    for opts, want in cases:
        h = Hub(extra=export_lines("e1", **opts))
        p = h.cmd("check", "-c", h.conf)
        assert p.returncode == 2 and p.stderr.startswith(h.conf + ":") and \
            want in p.stderr, (opts, p.stderr)
    h = Hub(extra=export_lines("e1", type="splunk", url="https://x", token="t") +
            export_lines("e1", type="splunk", url="https://x", token="t"))
    p = h.cmd("check", "-c", h.conf)
    assert p.returncode == 2 and "second export named 'e1'" in p.stderr, p.stderr
    h = Hub(extra=export_lines("bad/name", type="splunk", url="https://x", token="t"))
    p = h.cmd("check", "-c", h.conf)
    assert p.returncode == 2 and "export wants a name" in p.stderr, p.stderr
    h = Hub(extra=export_lines("ok", type="elastic", url="https://es.example:9200",
                               api_key="abc", pin_sha256="sha256/" + "A" * 43 + "="))
    p = h.cmd("check", "-c", h.conf)
    assert p.returncode == 0, p.stderr


def test_hub_export_real_decoy():
    """A real decoy (option events '1') attacked over telnet uplinks to a
    real hub with a Splunk and an Elasticsearch export: both receivers end
    up with exactly the hub's raw events, once each, and the cowrie.* ones
    equal `tanuki export` of the decoy's own store."""
    from tanuki_test import Daemon
    from test_uplink import TOOL, attack, uplink_lines
    import calendar
    hec = Receiver("splunk", ["Splunk tok"])
    es = Receiver("elastic", ["ApiKey a2V5"])
    try:
        with Hub(extra=export_lines("hec", type="splunk", url=hec.url(), token="tok",
                                    batch=4) +
                 export_lines("es", type="elastic", url=es.url(), api_key="a2V5",
                              batch=3)) as hub:
            secret, pin = hub.enroll("decoy-x1")
            d = Daemon(main={"sync_ms": "50"},
                       extra=uplink_lines(hub, secret, pin, device="decoy-x1",
                                          extra=["\toption events '1'"]))
            with d:
                attack(d, 5)

                def hub_events():
                    code, data = hub.curl("/v1/events?limit=10000",
                                          headers=["Authorization: Bearer " + TOKEN])
                    assert code == 200
                    return [json.loads(l) for l in data.decode().splitlines()]

                def store_cowrie():
                    p = subprocess.run([TOOL, "export", "--store", d.store],
                                       capture_output=True, check=True, timeout=60)
                    return [json.loads(l) for l in p.stdout.decode().splitlines()
                            if '"eventid":"cowrie.' in l]

                def caught_up():
                    have = hub_events()
                    cow = [e for e in have if e["eventid"].startswith("cowrie.")]
                    return len(cow) >= 15 and cow == store_cowrie() and \
                        len(hec.events) == len(es.events) == len(have)
                wait_for(caught_up, "both receivers caught up with the hub", hub)
            have = hub_events()
            key = lambda e: json.dumps(e, sort_keys=True)  # noqa: E731
            assert sorted(map(key, (o["event"] for o in hec.events))) == \
                sorted(map(key, have))
            assert sorted(map(key, es.events)) == sorted(map(key, have))
            assert len(set(map(key, have))) == len(have)  # distinct: none twice
            for o in hec.events:
                ts = o["event"]["timestamp"]
                want = calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) + \
                    int(ts[20:23]) / 1000
                assert o["host"] == "decoy-x1" and abs(o["time"] - want) < 1e-6, o
            assert all(max(len(r[3]) for r in rec.requests) <= b
                       for rec, b in ((hec, 4), (es, 3)))
        assert not hec.problems and not es.problems, (hec.problems, es.problems)
    finally:
        hec.close()
        es.close()
