"""Golden transcripts of the BusyBox versions the shipped personas claim
(issue 16; tests/diff/README.md, "Golden transcripts").

    python3 tests/diff/golden.py record VERSION BUSYBOX

runs the battery's bot-script commands (SELECTION below) through real
BusyBox VERSION ash, built by scripts/oracle-old.sh from BusyBox's git
history, the way diffsh.py runs 1.35.0 (a login session in its own
namespaces, no network, on a pty set as telnetd sets it), over the file
tree of the persona claiming that version, with that persona's host name,
login user and applet links; it writes tests/diff/golden/VERSION.txt.
CI cannot fetch BusyBox's history, so these files are data:
tests/integration/test_golden.py replays every command through the decoy
with that persona and compares byte for byte.

File format: '#' header lines (tag, persona, how recorded), then one record
a command: a line "$ COMMAND" (as commands.txt writes it, <NL> for Enter
inside it) and one or more lines "= OUTPUT", OUTPUT a Python bytes literal
of everything from the command's echo to the next prompt. Each command is
run twice, and when the answers differ (two processes of a pipeline racing
to the terminal, dd's elapsed time) RERUNS more times: every distinct
answer gets a line, and the decoy matching any of them is identical.
"""
import ast
import concurrent.futures
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import diffsh  # noqa: E402

GOLDEN_DIR = os.path.join(HERE, "golden")
PERSONAS = os.path.join(diffsh.TOP, "personas")

# version: (git tag, persona, the oracle's login user, the decoy's login,
# the CLI command that reaches the shell or None)
VERSIONS = {
    "1.9.1": ("1_9_1", "huawei-hg532", "root", ("admin", "admin"), "shell"),
    "1.16.1": ("1_16_1", "xiongmai-dvr", "root", ("root", "xc3511"), None),
    "1.17.1": ("1_17_1", "zyxel-pk5001z", "admin", ("admin", "CenturyL1nk"), None),
}

# The battery's first four sections (bot scripts and detector probes, up to
# the "language" section), without what needs a network (an address of
# 198.18.0.0/15, curl, nc with arguments) and without what known.txt says
# the harness cannot answer as a device would (category oracle: host kernel,
# the namespace's process table and mounts).
SELECTION_END = "# --- language:"
RERUNS = 6


def selection():
    cmds = []
    with open(os.path.join(HERE, "commands.txt"), encoding="utf-8") as f:
        for raw in f:
            if raw.startswith(SELECTION_END):
                break
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("\\#"):
                line = line[1:]
            cmds.append(line)
    known = diffsh.load_known()
    return [c for c in cmds
            if "198.18." not in c and not c.startswith(("curl ", "nc "))
            and known.get(c, ("",))[0] != "oracle"]


def persona_facts(persona):
    import tanuki_test
    return tanuki_test.persona_info(persona)


def golden_path(version):
    return os.path.join(GOLDEN_DIR, version + ".txt")


def known_path(version):
    return os.path.join(GOLDEN_DIR, "known-%s.txt" % version)


def load_golden(version):
    """[(command, [output bytes, ...])] and the header lines."""
    path = golden_path(version)
    out, header = [], []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("#") and not out:
                header.append(line)
            elif line.startswith("$ ") and (not out or out[-1][1]):
                out.append((line[2:], []))
            elif line.startswith("= ") and out:
                val = ast.literal_eval(line[2:])
                if not isinstance(val, bytes) or val in out[-1][1]:
                    raise AssertionError("%s:%d: not bytes, or twice" % (path, n))
                out[-1][1].append(val)
            else:
                raise AssertionError("%s:%d: want '$ COMMAND' then '= OUTPUT' lines"
                                     % (path, n))
    if out and not out[-1][1]:
        raise AssertionError("%s: last command has no output" % path)
    return out, header


# ---- the decoy with the persona claiming the version -------------------

def daemon(version):
    import tanuki_test
    return tanuki_test.Daemon(persona=VERSIONS[version][1], fail_delay_ms=0)


def run_decoy(version, port, line, timeout=10.0):
    import tanuki_test
    _, _, _, (user, password), cli = VERSIONS[version]
    c = tanuki_test.Conn(port)
    try:
        tanuki_test.telnet_login(c, user, password)
        if cli:
            c.read_until(b">")
            c.send(cli + "\r\n")
        diffsh._decoy_prompt(c)
        c.send(diffsh.encode(line, diffsh.DECOY_EOL))
        return diffsh._decoy_prompt(c, timeout=timeout)
    finally:
        c.close()


# ---- recording -----------------------------------------------------------

def run_oracle(version, busybox, line, timeout=5.0):
    tag, persona, user, _, _ = VERSIONS[version]
    facts = persona_facts(persona)
    o = diffsh.Oracle(busybox, hostname=facts["hostname"],
                      fixture=os.path.join(PERSONAS, persona, "fs"),
                      applets=sorted(facts["applets"]), user=user)
    try:
        o.read_prompt()
        o.send(diffsh.encode(line, diffsh.ORACLE_EOL))
        return o.read_prompt(timeout)
    finally:
        o.close()


def record(version, busybox):
    tag, persona, user, _, _ = VERSIONS[version]
    banner = os.popen("%s 2>&1 | head -1" % busybox).read().strip()
    cmds = selection()

    def once(line):
        try:
            return run_oracle(version, busybox, line)
        except AssertionError as e:
            return b"<harness: %s>" % str(e).encode()

    def one(line):
        seen = [once(line)]
        runs = [once(line)]
        if runs[0] != seen[0]:
            runs += [once(line) for _ in range(RERUNS)]
        for out in runs:
            if out not in seen:
                seen.append(out)
        return line, seen

    with concurrent.futures.ThreadPoolExecutor(3) as ex:
        results = list(ex.map(one, cmds))
    os.makedirs(GOLDEN_DIR, exist_ok=True)
    with open(golden_path(version), "w", encoding="utf-8") as f:
        f.write("# Golden transcripts: real BusyBox %s ash, git tag %s, built by\n"
                "# scripts/oracle-old.sh (static x86-64; defconfig + STATIC, the build\n"
                "# fixes and config changes listed there, banner date pinned to the\n"
                "# persona's): %s\n" % (version, tag, banner))
        f.write("# Recorded by `python3 tests/diff/golden.py record %s BUSYBOX` on %s:\n"
                "# `login -f %s` in unshare --mount --net --pid --uts --ipc, chroot\n"
                "# into a copy of personas/%s/fs (its /proc files bound over a real\n"
                "# procfs), host name and /bin applet links of the persona, a pty set\n"
                "# as telnetd sets it; each command in a fresh session.\n"
                "# Output: the bytes from the command's echo to the next prompt.\n"
                % (version, time.strftime("%Y-%m-%d"), user, persona))
        for line, outs in results:
            f.write("$ %s\n" % line)
            for out in outs:
                f.write("= %r\n" % out)
    print("%s: %d commands recorded in %s" % (version, len(results), golden_path(version)))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "record" or sys.argv[2] not in VERSIONS:
        sys.exit("usage: golden.py record {%s} BUSYBOX" % ",".join(VERSIONS))
    record(sys.argv[2], os.path.abspath(sys.argv[3]))
