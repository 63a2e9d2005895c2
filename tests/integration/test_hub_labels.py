"""tanuki-hub's YARA family labels (src/hub/label.c, src/hub/rules/families.yar):
each uploaded binary is labelled, the label is in the API and the
dashboard, the operator's rules (option rules) add labels, `tanuki-hub
relabel` and a restart with changed rules recompute them. The binaries are
synthetic: an ELF header and the strings the rules look for, nothing that
runs."""
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tanuki_test import SAN_ENV  # noqa: E402
from test_hub import HUB, Hub, summary  # noqa: E402
import test_hub_web as tw  # noqa: E402

ELF = b"\x7fELF\x01\x01\x01" + b"\0" * 57


def blobs():
    pad = b"\0" * 5000
    return {
        "mirai": ELF + b"/dev/watchdog\0/proc/net/tcp\0/bin/busybox\0dvrHelper\0" + pad,
        "gafgyt": ELF + b"PING\0GETLOCALIP\0SCANNER ON\0KILLATTK\0HOLD\0" + pad,
        "mozi": ELF + b"[ss]\0[hp]\0dht.transmissionbt.com\0" + pad,
        "hajime": b"Just a white hat, securing some systems\n" + pad,
        "tsunami": ELF + b"PRIVMSG %s :\0NOTICE %s :\0KAITEN\0" + pad,
        "downloader": ELF + b"GET /bins/mips HTTP/1.0\r\n\r\n",
        "": ELF + b"hello tanuki\0" + pad,
    }


def upload(hub, secret, blob):
    sha = hashlib.sha256(blob).hexdigest()
    t = str(int(time.time()))
    nonce = os.urandom(16).hex()
    sig = hmac.new(secret.encode(), ("d1\n%s\n%s\n%s" % (t, nonce, sha)).encode(),
                   hashlib.sha256).hexdigest()
    code, data = hub.curl("/v1/binary", "POST", blob,
                          ["X-Tanuki-Device: d1", "X-Tanuki-Time: " + t,
                           "X-Tanuki-Nonce: " + nonce, "X-Tanuki-Signature: " + sig,
                           "X-Tanuki-Sha256: " + sha])
    assert code == 200, (code, data)
    return sha


def families(hub):
    return {b["sha256"]: b["family"] for b in hub.api("/v1/binaries?limit=100")["binaries"]}


def test_hub_labels():
    with Hub() as hub:
        secret, _ = hub.enroll("d1")
        want = {}
        for fam, blob in blobs().items():
            want[upload(hub, secret, blob)] = fam
        now = int(time.time())
        tw.post_summary(hub, secret, "d1", 1, now - 600, binaries=[
            {"sha256": s, "size": 1, "url": "http://x/" + f, "first_seen": now - 600}
            for s, f in want.items()])
        assert families(hub) == want, (families(hub), want)
        assert "labelled mirai" in hub.stderr()
        # the dashboard's Binaries view shows them
        tw.add_user(hub)
        w = tw.Web(hub)
        assert w.login()[0] == 303
        page = w.req("GET", "/binaries?range=24h")[2]
        for fam in ("mirai", "gafgyt", "mozi", "hajime", "tsunami", "downloader"):
            assert ("<td>%s</td>" % fam).encode() in page, fam
        # the operator's rules: relabel, and a restart notices a new rule set
        rules = os.path.join(hub.dir, "mine.yar")
        with open(rules, "w") as f:
            f.write('rule mine { meta: family = "operator-test" strings: $a = "hello tanuki"'
                    ' condition: $a }\n')
        hub.stop()
        with open(hub.conf, "a") as f:
            f.write("\toption rules '%s'\n" % rules)
        p = subprocess.run([HUB, "relabel", "-c", hub.conf], capture_output=True, text=True,
                           env=dict(os.environ, **SAN_ENV), timeout=60)
        assert p.returncode == 0 and "7 binaries labelled" in p.stderr, p.stderr
        hub.start()
        plain = [s for s, f in want.items() if not f][0]
        assert families(hub)[plain] == "operator-test"
        hub.stop()
        with open(rules, "w") as f:
            f.write('rule mine2 { meta: family = "second" strings: $a = "dvrHelper"'
                    ' condition: $a }\n')
        hub.start()  # labels made by another rule set are recomputed at start
        assert "7 binaries labelled" in hub.stderr().split("signal")[-1], hub.stderr()
        fams = families(hub)
        assert fams[plain] == "", fams
        mirai = [s for s, f in want.items() if f == "mirai"][0]
        assert fams[mirai] == "mirai,second", fams
        hub.stop()
        # rules that do not compile stop the hub with the file and line
        with open(rules, "w") as f:
            f.write("rule broken { condition: nope }\n")
        p = subprocess.run([HUB, "run", "-c", hub.conf], capture_output=True, text=True,
                           env=dict(os.environ, **SAN_ENV), timeout=60)
        assert p.returncode == 1 and "rules: %s:1:" % rules in p.stderr, p.stderr
