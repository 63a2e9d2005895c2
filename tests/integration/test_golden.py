"""The shipped personas against golden transcripts of the BusyBox versions
they claim (issue 16; tests/diff/README.md, "Golden transcripts").

tests/diff/golden/VERSION.txt holds what real BusyBox VERSION ash printed
for each command (recorded by tests/diff/golden.py from binaries built by
scripts/oracle-old.sh; CI has no BusyBox history to build them from). Each
command runs in a fresh session of the decoy with the persona claiming
VERSION; its bytes after the telnet layer, from the echo to the next prompt,
are compared with the recorded ones. tests/diff/golden/known-VERSION.txt
lists the commands whose answers differ, each with a category and a reason
(as tests/diff/known.txt). The test fails when an unlisted command differs
or a listed one now matches. `GOLDEN_WRITE=DIR` writes each version's
differences (both answers) to DIR/VERSION.diff.
"""
import concurrent.futures
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
import diffsh  # noqa: E402
import golden  # noqa: E402

WORKERS = 3


def _check_files(version):
    recs, header = golden.load_golden(version)
    tag, persona = golden.VERSIONS[version][:2]
    text = "\n".join(header)
    assert "git tag %s" % tag in text, header
    assert re.search(r"BusyBox v?v%s " % re.escape(version), text), header
    assert "personas/%s/fs" % persona in text, header
    cmds = [c for c, _ in recs]
    assert len(cmds) >= 100, len(cmds)
    assert len(set(cmds)) == len(cmds), "a command is recorded twice"
    assert not [c for c, outs in recs for o in outs if o.startswith(b"<harness")], \
        "a recording did not reach a prompt"
    known = diffsh.load_known(golden.known_path(version))
    stale = sorted(set(known) - set(cmds))
    assert not stale, "known-%s.txt names unrecorded commands: %r" % (version, stale[:5])
    return recs, known


def _compare(version):
    recs, known = _check_files(version)
    with golden.daemon(version) as d:
        def one(rec):
            line, reals = rec
            try:
                emu = golden.run_decoy(version, d.port, line, timeout=5)
            except AssertionError as e:
                emu = b"<harness: %s>" % str(e).encode()
            # any answer the real shell gave counts (a racing pipeline)
            return line, (emu if emu in reals else reals[0]), emu

        with concurrent.futures.ThreadPoolExecutor(WORKERS) as ex:
            results = list(ex.map(one, recs))

    same, by_cat, new_diffs, now_same, report = 0, {}, [], [], []
    for line, real, emu in results:
        if real == emu:
            same += 1
            # an `oracle` line differs through the harness (its namespace, its
            # build), not the emulation: matching by chance is not news
            if line in known and known[line][0] != "oracle":
                now_same.append(line)
            continue
        report.append("### %s\n--- real %s\n%r\n--- decoy\n%r\n" % (line, version, real, emu))
        if line in known:
            cat = known[line][0]
            by_cat[cat] = by_cat.get(cat, 0) + 1
        else:
            new_diffs.append((line, real, emu))
    print("\n      golden %s (%s): %d commands, %d identical, %d known differences (%s)" % (
        version, golden.VERSIONS[version][1], len(results), same, sum(by_cat.values()),
        ", ".join("%s %d" % (c, by_cat.get(c, 0)) for c in diffsh.CATEGORIES)))
    if os.environ.get("GOLDEN_WRITE"):
        os.makedirs(os.environ["GOLDEN_WRITE"], exist_ok=True)
        with open(os.path.join(os.environ["GOLDEN_WRITE"], version + ".diff"), "w") as f:
            f.write("\n".join(report))
    msgs = []
    for line, real, emu in new_diffs[:10]:
        msgs.append("differs, not in known-%s.txt: %s\n  real:  %r\n  decoy: %r" % (
            version, line, real[:400], emu[:400]))
    if len(new_diffs) > 10:
        msgs.append("... and %d more new differences" % (len(new_diffs) - 10))
    for line in now_same:
        msgs.append("now identical, remove from known-%s.txt: %s" % (version, line))
    assert not msgs, "\n".join(msgs)


def test_golden_files_are_recorded_from_the_claimed_versions():
    """Each golden file names its tag, binary banner and persona tree, holds
    each command once, every one answered up to a prompt, and its known
    list names only recorded commands; the versions' answers are not all
    the same (the recordings came from different binaries)."""
    answers = {}
    for version in golden.VERSIONS:
        recs, _ = _check_files(version)
        answers[version] = dict(recs)
    busybox = {v: a["busybox"][0] for v, a in answers.items()}
    assert len(set(busybox.values())) == len(busybox), busybox
    for version, out in busybox.items():
        assert ("BusyBox v%s (" % version).encode() in out or \
            ("BusyBox vv%s (" % version).encode() in out, (version, out)


def test_golden_1_9_1_huawei_hg532():
    _compare("1.9.1")


def test_golden_1_16_1_xiongmai_dvr():
    _compare("1.16.1")


def test_golden_1_17_1_zyxel_pk5001z():
    _compare("1.17.1")
