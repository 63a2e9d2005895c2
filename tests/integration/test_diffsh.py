"""The differential shell test (issue 16; tests/diff/README.md).

Every line of tests/diff/commands.txt runs in real BusyBox 1.35.0 ash
(mk/oracle.mk, in its own namespaces over the fixture tree) and in the decoy
with the persona bb135 (the same tree), each in a fresh session; the bytes
after the telnet layer, from the command's echo to the next prompt, are
compared. tests/diff/known.txt lists the commands whose answers differ, each
with a category and a reason. The test fails when a command outside that
list differs, and when a listed command now matches (the list only shrinks,
and honestly). It prints the counts.

`DIFFSH_WRITE=FILE` writes every differing command and both answers to FILE
(a report to read when known.txt has to change).
"""
import concurrent.futures
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
import diffsh  # noqa: E402

WORKERS = 3


def _need_oracle():
    bb = diffsh.oracle_binary()
    assert os.path.exists(bb), "%s missing: `make oracle` builds it (make test does)" % bb
    assert os.geteuid() == 0, "the oracle needs root for its namespaces and chroot"
    return bb


def test_oracle_is_ash_in_a_sealed_box():
    """The instrument itself: the oracle is BusyBox 1.35.0's login ash, in
    the persona's host name, with no network and no file of the host."""
    bb = _need_oracle()
    out = diffsh.run_oracle(bb, "echo $0 $((6*7)); hostname; busybox | head -1; "
                                "ls /proc/self/fd; ifconfig eth0; ls /home /work")
    text = out.decode("latin-1")
    assert "-sh 42\r\n" in text, text
    assert "\r\nbb135\r\n" in text, text
    assert "BusyBox v1.35.0 (2022-01-01 12:00:00 UTC) multi-call binary." in text, text
    # fds 0-2 (the pty) and 3 (ls's own directory fd): nothing inherited
    assert "\x1b[1;36m0\x1b[m  \x1b[1;36m1\x1b[m  \x1b[1;36m2\x1b[m  " \
        "\x1b[1;36m3\x1b[m\r\n" in text, repr(text)
    assert "ifconfig: eth0: error fetching interface information: Device not found" \
        in text, text
    assert "ls: /work: No such file or directory" in text, text


def test_differential_battery():
    bb = _need_oracle()
    commands = diffsh.load_commands()
    known = diffsh.load_known()
    assert len(commands) >= 300, len(commands)
    assert len(set(commands)) == len(commands), "a command is listed twice"
    stale = sorted(set(known) - set(commands))
    assert not stale, "known.txt names commands not in commands.txt: %r" % stale[:5]

    with diffsh.daemon() as d:
        def one(line):
            # a side that never prompts again (or hangs up) is an answer too
            try:
                real = diffsh.run_oracle(bb, line, timeout=5)
            except AssertionError as e:
                real = b"<harness: %s>" % str(e).encode()
            try:
                emu = diffsh.run_decoy(d.port, line, timeout=5)
            except AssertionError as e:
                emu = b"<harness: %s>" % str(e).encode()
            return line, real, emu

        with concurrent.futures.ThreadPoolExecutor(WORKERS) as ex:
            results = list(ex.map(one, commands))

    same = 0
    new_diffs, now_same, by_cat = [], [], {}
    report = []
    for line, real, emu in results:
        if real == emu:
            same += 1
            # an `oracle` line differs through the harness (its namespace, its
            # build), not the emulation: matching by chance is not news
            if line in known and known[line][0] != "oracle":
                now_same.append(line)
            continue
        report.append("### %s\n--- real\n%r\n--- decoy\n%r\n" % (line, real, emu))
        if line in known:
            cat = known[line][0]
            by_cat[cat] = by_cat.get(cat, 0) + 1
        else:
            new_diffs.append((line, real, emu))
    print("\n      diffsh: %d commands, %d identical, %d known differences (%s)" % (
        len(commands), same, sum(by_cat.values()),
        ", ".join("%s %d" % (c, by_cat.get(c, 0)) for c in diffsh.CATEGORIES)))
    if os.environ.get("DIFFSH_WRITE"):
        with open(os.environ["DIFFSH_WRITE"], "w") as f:
            f.write("\n".join(report))
    msgs = []
    for line, real, emu in new_diffs[:10]:
        msgs.append("differs, not in known.txt: %s\n  real:  %r\n  decoy: %r" % (
            line, real[:400], emu[:400]))
    if len(new_diffs) > 10:
        msgs.append("... and %d more new differences" % (len(new_diffs) - 10))
    for line in now_same:
        msgs.append("now identical, remove from known.txt: %s" % line)
    assert not msgs, "\n".join(msgs)


def test_version_texts_agree_with_the_oracle():
    """tests/diff/versions.txt (texts per version, cited by tag and file)
    is well formed, and what it says of 1_35_0 is what the oracle prints."""
    rows = {}
    with open(os.path.join(HERE, "..", "diff", "versions.txt")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            key, tag, where, src = line.rstrip("\n").split("\t")
            assert tag in ("1_9_1", "1_16_1", "1_17_1", "1_35_0"), line
            assert ":" in where and src, line
            rows.setdefault((key, tag), []).append(src)
    bb = _need_oracle()
    out = diffsh.run_oracle(bb, "rm /etc; busybox | head -2 | tail -1; kill").decode()
    assert "'%s' is a directory" in rows[("rm-directory", "1_35_0")][0]
    assert "rm: '/etc' is a directory\r\n" in out, out
    assert "%s: is a directory" in rows[("rm-directory", "1_16_1")][0]
    assert "BusyBox is copyrighted by many authors between 1998-2015." in \
        rows[("banner-copyright", "1_35_0")][0]
    assert "BusyBox is copyrighted by many authors between 1998-2015.\r\n" in out, out
    assert "sh: you need to specify whom to kill\r\n" in out, out
