"""tanuki-hub's Sources view with country and network (src/hub/geo.c,
web_sources.c): GeoIP databases the test writes itself (tests/lib/mmdb.py,
198.18.0.0/15 and 2001:db8::/32 networks), checked first with Debian's
mmdblookup; then each top address shows its country and ASN, and the
country table sums them. Missing, truncated and damaged databases: the
hub (ASan build) logs each once, shows no country, and serves every
page."""
import html
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import mmdb  # noqa: E402
from test_hub import Hub  # noqa: E402
from test_hub_web import PAGES, Web, add_user, post_summary  # noqa: E402

COUNTRIES = {"198.18.1.0/24": mmdb.country("JP", "Japan"),
             "198.18.2.0/23": mmdb.country("DE", "Germany"),
             "2001:db8::/32": mmdb.country("FR", "France")}
ASNS = {"198.18.1.0/24": mmdb.asn(64500, "Example <Net> & Co"),
        "2001:db8:1::/48": mmdb.asn(4200000001, "Big ASN")}
EVIL = "<b>x</b>"
SOURCES = [{"ip": "198.18.1.5", "count": 3}, {"ip": "198.18.1.9", "count": 2},
           {"ip": "198.18.3.9", "count": 4}, {"ip": "2001:db8:1::5", "count": 1},
           {"ip": "198.51.100.7", "count": 5}, {"ip": EVIL, "count": 1}]


def lookup(path, ip, *keys):
    p = subprocess.run(["mmdblookup", "--file", path, "--ip", ip] + list(keys),
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


def write_checked(d):
    """The two databases, each checked by libmaxminddb's own tool."""
    c = mmdb.write_mmdb(os.path.join(d, "country.mmdb"), "GeoLite2-Country", COUNTRIES)
    a = mmdb.write_mmdb(os.path.join(d, "asn.mmdb"), "GeoLite2-ASN", ASNS)
    rc, out = lookup(c, "198.18.1.5", "country", "iso_code")
    assert rc == 0 and '"JP" <utf8_string>' in out, out
    rc, out = lookup(c, "198.18.3.9", "country", "names", "en")
    assert rc == 0 and '"Germany" <utf8_string>' in out, out
    rc, out = lookup(c, "2001:db8:1::5", "country", "iso_code")
    assert rc == 0 and '"FR"' in out, out
    rc, out = lookup(c, "198.51.100.7")
    assert "Could not find an entry" in out, out
    rc, out = lookup(a, "198.18.1.200", "autonomous_system_number")
    assert rc == 0 and "64500 <uint32>" in out, out
    rc, out = lookup(a, "2001:db8:1::5", "autonomous_system_organization")
    assert rc == 0 and '"Big ASN"' in out, out
    rc, out = subprocess.run(["mmdblookup", "--verbose", "--file", a, "--ip", "198.18.1.1"],
                             capture_output=True, text=True, timeout=30).returncode, None
    assert rc == 0
    return c, a


def rows(body, tid):
    m = re.search(r'<table id="%s">(.*?)</table>' % tid, body, re.S)
    assert m, (tid, body[-1500:])
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
        tds = [html.unescape(re.sub(r"<[^>]*>", "", td))
               for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        if len(tds) > 1:
            out.append(tds)
    return out


def hub_with(country=None, asn=None):
    extra = []
    if country:
        extra.append("\toption geoip_country '%s'" % country)
    if asn:
        extra.append("\toption geoip_asn '%s'" % asn)
    return Hub(extra=extra)


def fill(hub):
    secret, _ = hub.enroll("g1")
    add_user(hub)
    post_summary(hub, secret, "g1", 1, int(time.time()) - 600, sources=SOURCES)
    w = Web(hub)
    assert w.login()[0] == 303
    return w


def sources_page(w):
    st, _, body = w.req("GET", "/sources?range=24h")
    assert st == 200, st
    body = body.decode()
    assert "store error" not in body and "<b>x" not in body
    return body


def test_hub_geo_sources():
    with hub_with() as h0:
        c, a = write_checked(h0.dir)
        with hub_with(c, a) as hub:
            w = fill(hub)
            body = sources_page(w)
            got = {r[0]: r[1:] for r in rows(body, "sources")}
            assert got == {
                "198.51.100.7": ["", "", "", "5"],
                "198.18.3.9": ["DE Germany", "", "", "4"],
                "198.18.1.5": ["JP Japan", "AS64500", "Example <Net> & Co", "3"],
                "198.18.1.9": ["JP Japan", "AS64500", "Example <Net> & Co", "2"],
                "2001:db8:1::5": ["FR France", "AS4200000001", "Big ASN", "1"],
                EVIL: ["", "", "", "1"]}, got
            assert "Example &lt;Net&gt; &amp; Co" in body
            assert rows(body, "countries") == [
                ["unknown", "2", "6"], ["JP Japan", "2", "5"], ["DE Germany", "1", "4"],
                ["FR France", "1", "1"]], rows(body, "countries")
            assert 'id="no-geo"' not in body
            err = hub.stderr()
            assert "geoip" not in err, err


def damaged(d, good):
    """Damaged copies of a good database: (name, bytes)."""
    raw = open(good, "rb").read()
    meta = raw.index(mmdb.METADATA_MARKER)
    nodes = raw[:meta].index(b"\0" * 16)  # no node record is 16 zero bytes here
    tree = len(raw) - len(raw[nodes:])
    bad_data = raw[:tree + 16] + b"\xff" * (meta - tree - 16) + raw[meta:]
    return [("truncated", raw[:len(raw) // 2]),
            ("no-metadata", raw[:meta]),
            ("tree-cut", raw[:tree // 2] + raw[meta:]),
            ("bad-tree", mmdb.build("GeoLite2-Country", COUNTRIES, corrupt=True)),
            ("bad-data", bad_data),
            ("empty", b"")]


def test_hub_geo_damaged_databases():
    """Each damaged or missing database: logged once, no country shown,
    every page served; the other database still works."""
    with hub_with() as h0:
        c, a = write_checked(h0.dir)
        cases = damaged(h0.dir, c) + [("missing", None)]
        for name, raw in cases:
            path = os.path.join(h0.dir, name + ".mmdb")
            if raw is not None:
                with open(path, "wb") as f:
                    f.write(raw)
            with hub_with(path, a) as hub:
                w = fill(hub)
                for _ in range(2):
                    body = sources_page(w)
                got = {r[0]: r[1:] for r in rows(body, "sources")}
                # the ASN database still answers; no country from the damaged one
                assert got["198.18.1.5"] == ["", "AS64500", "Example <Net> & Co", "3"], (name, got)
                assert all(r[0] == "" for r in got.values()), (name, got)
                for p in PAGES:
                    assert w.req("GET", p + "?range=7d")[0] == 200, (name, p)
                err = hub.stderr()
                lines = [l for l in err.splitlines() if "geoip_country" in l]
                assert len(lines) == 1 and path in lines[0], (name, err)
                assert "geoip_asn" not in err, (name, err)
                assert "Sanitizer" not in err and "runtime error" not in err, err
        # neither database: the view says so
        with hub_with(os.path.join(h0.dir, "missing.mmdb")) as hub:
            body = sources_page(fill(hub))
            assert 'id="no-geo"' in body and 'id="countries"' not in body
