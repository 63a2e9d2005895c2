"""hydra (Debian's package) against the Telnet listener on 127.0.0.1: every
attempt hydra reports making must be in the event log."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from tanuki_test import Daemon, by_id  # noqa: E402


def test_hydra_every_attempt_logged():
    users = ["root", "admin", "guest"]
    passwords = ["123456", "password", "xc3511x", "vizxv", "888888", "default"]
    tmp = tempfile.mkdtemp(prefix="tanuki-hydra-")
    with open(os.path.join(tmp, "users"), "w") as f:
        f.write("\n".join(users) + "\n")
    with open(os.path.join(tmp, "pass"), "w") as f:
        f.write("\n".join(passwords) + "\n")
    with Daemon(persona="xiongmai-dvr") as d:
        p = subprocess.run(
            ["hydra", "-L", os.path.join(tmp, "users"), "-P", os.path.join(tmp, "pass"),
             "-t", "4", "-V", "-I", "-o", os.path.join(tmp, "found"),
             "telnet://127.0.0.1:%d" % d.port],
            capture_output=True, text=True, timeout=300, cwd=tmp)
        out = p.stdout + p.stderr
        tried = set(re.findall(r'\[ATTEMPT\] target 127\.0\.0\.1 - login "([^"]*)" - pass "([^"]*)"',
                               out))
        assert len(tried) == len(users) * len(passwords), out[-2000:]
        evs = d.wait_events(lambda e: {(x["username"], x["password"])
                                       for x in by_id(e, "cowrie.login.failed")} >= tried)
        logged = {(x["username"], x["password"]) for x in by_id(evs, "cowrie.login.failed")}
        assert tried <= logged, sorted(tried - logged)
        # hydra found nothing: none of these credentials is the DVR's
        assert not by_id(evs, "cowrie.login.success")
        assert "valid password found" not in out or "0 valid password" in out, out[-1000:]
